//! The DynamoDB source: credentials, listing, describing, sampling and schema inference.
//!
//! [`DynamoDbSource`] implements [`ferrometa_core::Source`] for a recipe's DynamoDB
//! connection. Modules:
//!
//! - [`client`]: AWS SDK configuration from `awsConfig` (static keys, profile, default chain,
//!   assumed role with external id and source identity, region, endpoint), retries,
//!   timeouts, and client-side rate limits;
//! - [`describe`]: DescribeTable, DescribeTimeToLive, DescribeContinuousBackups and tags
//!   (tagging API in bulk, or ListTagsOfResource per table);
//! - [`sample`]: the bounded parallel Scan that provides items for inference;
//! - [`infer`]: columns and key constraints from typed attribute values;
//! - [`entity_types`]: the entity types of single-table designs, from the same sample;
//! - [`entity`]: where each piece of table metadata goes in the `CreateTable` request;
//! - [`source`]: the run (service → database → schema → tables → listing) and filters;
//! - [`check`]: the connection test, one check per IAM action;
//! - [`error`]: the error type, [`DynamoDbError`].

pub mod check;
pub mod client;
pub mod describe;
pub mod entity;
pub mod entity_types;
pub mod error;
pub mod infer;
pub mod sample;
pub mod source;

pub use client::Clients;
pub use error::{DynamoDbError, ErrorKind};
pub use source::DynamoDbSource;
