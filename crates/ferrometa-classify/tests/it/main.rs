//! Integration tests of `ferrometa-classify`: a labelled corpus of columns measured for
//! precision and recall (`corpus`, `metrics`), and properties over arbitrary input (`fuzz`).
//!
//! `FERROMETA_SHOW=1 cargo test -p ferrometa-classify --test it -- --nocapture` prints the
//! measured precision and recall and every misclassified column.

mod corpus;
mod fuzz;
mod metrics;
