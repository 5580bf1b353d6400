//! Integration tests: the source against the embedded emulator, over HTTP with the real SDK.

mod common;
mod connection;
mod entity_types;
mod failures;
mod filters;
mod hostile;
mod run;
mod sampling;
