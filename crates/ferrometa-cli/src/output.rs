//! Standard output of every command. Lines go through [`write`], which returns a write
//! error instead of panicking as `println!` does; a closed stdout (`ferrometa … | head -1`)
//! then ends the command quietly with status 0, as ripgrep does: the reader has all it
//! wanted ([`is_closed`]).

use std::fmt;
use std::io::{self, Write};

/// Prints to stdout; evaluates to `Result<(), StdoutError>`.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::write(format_args!($($arg)*))
    };
}

/// Prints a line to stdout; evaluates to `Result<(), StdoutError>`.
macro_rules! outln {
    () => {
        $crate::output::write(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Writing to stdout failed.
#[derive(Debug)]
pub struct StdoutError(io::Error);

impl fmt::Display for StdoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("could not write to standard output")
    }
}

impl std::error::Error for StdoutError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// Writes `args` to stdout and flushes, so a failure surfaces here and not at exit.
pub fn write(args: fmt::Arguments<'_>) -> Result<(), StdoutError> {
    let mut out = io::stdout().lock();
    out.write_fmt(args)
        .and_then(|()| out.flush())
        .map_err(StdoutError)
}

/// True when `e` is a write to a stdout whose reader has gone.
pub fn is_closed(e: &anyhow::Error) -> bool {
    e.downcast_ref::<StdoutError>()
        .is_some_and(|e| e.0.kind() == io::ErrorKind::BrokenPipe)
}
