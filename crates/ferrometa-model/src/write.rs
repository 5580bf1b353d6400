//! What a write reports and what a destination holds, shared by the workflow's sinks and
//! the catalog store they may write to.

/// How a write changed the destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    Created,
    Updated,
    Unchanged,
}

/// A table as a destination knows it, for deletion planning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRef {
    pub fqn: String,
    /// Encoded table name.
    pub name: String,
}

/// A table as the destination of the metadata workflow holds it: what the profiler and the
/// classifier start from.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTable {
    pub fqn: String,
    /// Encoded table name ([`crate::fqn::decode_name`] gives DynamoDB's).
    pub name: String,
    /// The stored columns, nested ones as children, with their FQNs and tags.
    pub columns: Vec<crate::Column>,
}
