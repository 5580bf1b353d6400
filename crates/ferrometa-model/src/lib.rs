//! OpenMetadata-shaped entities shared by every ferrometa crate.
//!
//! The types serialize to exactly the JSON of OpenMetadata's `Create*` requests
//! (camelCase keys, optional fields omitted), so a sink can send them as they are.
//! [`fqn`] builds fully qualified names by OpenMetadata's rules and applies the
//! reserved-character encoding of its Python client. [`write`] holds what a write reports
//! ([`WriteOutcome`]) and what a destination lists back ([`TableRef`]).

pub mod entity;
pub mod fqn;
pub mod write;

pub use entity::*;
pub use write::{TableRef, WriteOutcome};
