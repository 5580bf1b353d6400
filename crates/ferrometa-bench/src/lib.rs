//! Helpers of the side-by-side benchmark in `bench/` (see `bench/README.md`).
//!
//! The crate is two binaries:
//!
//! - `floor`: a bare DynamoDB client that issues only the requests a metadata run minimally
//!   needs — ListTables pages, one DescribeTable and the sampling Scans per table — at the
//!   workflow's concurrency, and does nothing with the answers. It is the lower bound
//!   ferrometa's wall time is compared with.
//! - `bench-proxy`: an HTTP/1.1 proxy in front of the emulator that adds a fixed latency to
//!   every request and counts requests per `X-Amz-Target`, items returned by Scans (also per
//!   table) and consumed read capacity. `GET /__bench/counts` answers the counts as JSON,
//!   `POST /__bench/reset` zeroes them.
