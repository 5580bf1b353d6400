//! Integration tests of the catalog on real SQLite files.

mod fixtures;
mod lister;
mod profiles;
mod query;
mod requests;
mod sink;
mod store;
mod tags;
