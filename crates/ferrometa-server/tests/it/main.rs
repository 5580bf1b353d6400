//! Integration tests: a real server on 127.0.0.1:0 over a temporary catalog, driven with an
//! HTTP client, as OpenMetadata's client would.

mod auth;
mod bulk;
mod entities;
mod errors;
mod fuzz;
mod harness;
mod hostile;
mod lists;
mod load;
mod profiles;
mod shape;
mod shutdown;
mod system;
mod tags;
mod workflows;
