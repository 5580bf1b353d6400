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
