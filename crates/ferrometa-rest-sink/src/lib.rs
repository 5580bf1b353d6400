//! The `metadata-rest` sink: writes the entities of a run to an OpenMetadata server (1.x or
//! 2.x, or `ferrometa serve`) through its REST API, the way OpenMetadata's own ingestion
//! client does.
//!
//! * **Connecting** ([`RestSink::connect`]): `GET /system/version` (with
//!   `enableVersionValidation`, the major version must be 1 or 2), then one authenticated read
//!   so that a bad token fails the run before anything is extracted. Every request carries
//!   `Authorization: Bearer <jwtToken>` (the token may also be given as a file path) and the
//!   `extraHeaders`. TLS follows `verifySSL`: `validate` trusts the system roots plus
//!   `sslConfig.caCertificate` and presents `sslCertificate`/`sslKey` when both are set;
//!   `ignore` accepts any certificate, with a warning.
//! * **The service** is looked up by name and created only when missing, as upstream's
//!   topology does; `forceEntityOverwriting` always PUTs it. Its `connection` is whatever the
//!   caller passed to `connect`: the registry passes one, AWS secrets included, only when the
//!   recipe sets `storeServiceConnection: true`. Upstream stores the connection, secrets in
//!   clear, unless told not to; here credentials stay local unless asked for.
//! * **Databases, schemas and tables** go through `PUT /{collection}/bulk?async=false` in
//!   hierarchy order, in chunks of `bulk_sink_batch_size` (and at most one workflow batch).
//!   A server without a bulk endpoint (404/405) gets single create-or-update PUTs for the
//!   rest of the run; a bulk request refused as a whole (a 4xx, or a 5xx that outlived the
//!   retries) is retried entity by entity, so that one bad table fails alone.
//! * **Unchanged entities are skipped**: every request carries `sourceHash`, a content hash,
//!   and the children of each parent are listed once with `fields=sourceHash`. An entity
//!   whose hash the server already has is reported unchanged without a request, so a re-run
//!   with nothing new sends only GETs. `overrideMetadata` turns the skipping off.
//! * **Custom properties**: a table's `extension` (the source's DynamoDB details) is sent to
//!   `ferrometa serve` only. OpenMetadata refuses a whole table whose extension holds a
//!   property not declared for tables ("Unknown custom field"), so it gets none, like from
//!   the Python connector. The entity types of a single-table design still reach it in
//!   Markdown: the table's description ends with a table of them (name, share of the sample,
//!   how they are recognised) and each column's description names the entity types its
//!   attribute is in, with its presence in each.
//! * **Names** get the reserved-character encoding of the Python client (`::`, `>`, `"`,
//!   newline, carriage return, tab in table, column and constraint names), and FQNs in paths
//!   are percent-encoded like its `quote(fqn, safe="")`.
//! * **markDeletedTables**: [`Sink::live_tables`](ferrometa_core::Sink::live_tables) lists a
//!   schema's tables and `soft_delete_table` sends `DELETE /tables/name/{fqn}?hardDelete=false`.
//!   The server's `DELETE /tables/deleteStale` is not used: it deletes every table of the
//!   schema missing from the list it is given, and that list is only what this run emitted,
//!   so tables left out by a filter or whose extraction failed would be deleted too (an
//!   upstream weakness). The workflow's deletion planner knows the whole listing, refuses to
//!   act on an incomplete one, and caps the share it deletes; deleting table by table is what
//!   lets those checks hold.
//! * **Reading back** ([`RestTableLister`]): the live tables of a service with their columns
//!   and tags, for the profiler and the classifier, through the same client.
//! * **Failures**: connection errors, timeouts, 429 and 5xx are retried with bounded
//!   exponential backoff (every request here is idempotent); a 4xx is reported against its
//!   entity with the server's message. The token and extra header values never appear in a
//!   message or a log line: they are sent as sensitive headers, and masked in anything the
//!   server says.

mod bulk;
mod error;
mod http;
mod lister;
mod setup;
mod sink;

pub use error::RestSinkError;
pub use lister::RestTableLister;
pub use sink::RestSink;
