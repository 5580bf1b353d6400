//! OpenMetadata-shaped entities shared by every ferrometa crate.
//!
//! The types serialize to exactly the JSON of OpenMetadata's `Create*` requests
//! (camelCase keys, optional fields omitted), so a sink can send them as they are.
//! [`fqn`] builds fully qualified names by OpenMetadata's rules and applies the
//! reserved-character encoding of its Python client. [`Record`] is what a workflow carries to
//! its sink: an entity or the profiler's data of a table. [`write`] holds what a write reports
//! ([`WriteOutcome`]) and what a destination lists back ([`TableRef`]). [`error`] holds the
//! error convention every crate follows and its one rendering, [`ErrorChain`]; it lives here,
//! at the root of the dependency graph, so that every crate can use it.

pub mod entity;
pub mod error;
pub mod fqn;
pub mod record;
pub mod write;

pub use entity::*;
pub use error::ErrorChain;
pub use record::{ColumnTag, Record, classification};
pub use write::{StoredTable, TableRef, WriteOutcome};
