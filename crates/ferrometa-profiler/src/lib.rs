//! The source of the Profiler and AutoClassification workflows: [`ProfilerSource`] reads the
//! tables a metadata run stored (through a [`ferrometa_core::TableLister`]), samples each
//! from DynamoDB within a read budget, and emits one [`ferrometa_core::SourceEvent::Table`]
//! per table with what the workflow makes of the sample.
//!
//! Modules:
//!
//! - [`source`]: the run (listing, filters, tables `concurrency` at a time, timeouts) and the
//!   per-table sampling budget;
//! - [`columns`]: the stored column tree as attribute paths, and the values a sample holds
//!   at each;
//! - [`profile`]: the Profiler's `CreateTableProfileRequest` (table metrics from
//!   DescribeTable and the sample, column metrics from [`ferrometa_profile`]);
//! - [`classify`]: the AutoClassification workflow's suggested `PII` tags;
//! - [`sample_data`]: OpenMetadata's `TableData` of sampled items, sensitive values masked;
//! - [`error`]: the error type, [`ProfilerError`].

pub mod classify;
pub mod columns;
pub mod error;
pub mod profile;
pub mod sample_data;
pub mod source;

pub use error::ProfilerError;
pub use source::ProfilerSource;
