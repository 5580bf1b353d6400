//! Benchmark programs and the upstream conformance run; the crate is its binaries.
//!
//! The side-by-side benchmark in `bench/` (see `bench/README.md`):
//!
//! - `floor`: a bare DynamoDB client that issues only the requests a metadata run minimally
//!   needs — ListTables pages, one DescribeTable and the sampling Scans per table — at the
//!   workflow's concurrency, and does nothing with the answers. It is the lower bound
//!   ferrometa's wall time is compared with.
//! - `bench-proxy`: an HTTP/1.1 proxy in front of the emulator that adds a fixed latency to
//!   every request and counts requests per `X-Amz-Target`, items returned by Scans (also per
//!   table) and consumed read capacity. `GET /__bench/counts` answers the counts as JSON,
//!   `POST /__bench/reset` zeroes them.
//!
//! Timings of one part each, run by hand (`cargo run --release -p ferrometa-bench --bin NAME`):
//!
//! - `source-scale`: the DynamoDB source over generated tables in the embedded emulator;
//! - `catalog-upsert`: the catalog sink on a first run, an unchanged re-run and a wider one;
//! - `server-put`: the REST server's write and read paths over loopback.
//!
//! `upstream-ingest` runs OpenMetadata's own `metadata ingest` against the REST server and
//! checks the catalog (`scripts/upstream-tests.sh`).
