//! End-to-end tests of the `ferrometa` binary, in one test binary: each test runs the real
//! executable against an embedded DynamoDB-compatible endpoint and real catalog files.

mod bad_recipes;
mod cli;
mod common;
mod crash;
mod crash_checks;
mod faults;
mod output;
mod secrets;
mod serve_crash;
mod tls;
mod workflows;
