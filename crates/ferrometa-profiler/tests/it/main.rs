//! Integration tests of the profiler source: seeded tables in the embedded emulator over
//! HTTP, the stored tables from a real metadata run of the DynamoDB source.

mod classification;
mod common;
mod profiler;
