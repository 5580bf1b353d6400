//! Integration tests of the recipe loader: real recipe files, error snapshots, the JSON
//! Schema and property tests, in one test binary.

mod common;
mod env;
mod errors;
mod filters;
mod fuzz;
mod recipes;
mod robustness;
mod schema;
mod workflows;
