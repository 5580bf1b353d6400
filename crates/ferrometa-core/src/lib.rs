//! Source and sink traits, the workflow, its status and safe deletion
