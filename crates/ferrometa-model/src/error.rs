//! The error convention shared by every crate: an error's Display says only what went wrong
//! at its own level, and its cause is reachable only through `source()`. [`ErrorChain`] is
//! the one rendering of an error with all its causes, for wherever a single line is needed
//! (the command line, a status entry, an HTTP error body, a Python exception).

use std::error::Error;
use std::fmt;

/// Displays an error and each of its causes, `outer: inner: innermost`.
#[derive(Clone, Copy)]
pub struct ErrorChain<'a>(pub &'a (dyn Error + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl fmt::Debug for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("could not load the thing")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn names_each_cause_once_in_order() {
        let error = Outer(std::io::Error::other("disk full"));
        assert_eq!(
            ErrorChain(&error).to_string(),
            "could not load the thing: disk full"
        );
        assert_eq!(
            ErrorChain(&std::io::Error::other("alone")).to_string(),
            "alone"
        );
    }
}
