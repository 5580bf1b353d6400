//! Embedded SQLite catalog of OpenMetadata-shaped entities.
//!
//! [`Catalog`] stores services, databases, schemas and tables as the JSON entities an
//! OpenMetadata server would return, with OpenMetadata's create-or-update semantics: version
//! numbers, change descriptions, a full snapshot of every previous version, soft delete and
//! restore. Writes whose content hash matches the stored one are skipped without touching
//! the file. The read API ([`Catalog::list`], [`Catalog::get_by_fqn`], [`Catalog::versions`],
//! …) serves the CLI and the REST server, which also writes through [`EntityRequest`]s
//! (requests with fields the model lacks), POST, delete, restore and stale deletes.
//! The profiler's data of a table ([`Catalog::put_table_profile`], [`Catalog::table_profiles`],
//! [`Catalog::put_sample_data`], …) lives beside its entity, by table id. The classifier's
//! column tags ([`Catalog::add_column_tags`]) and the server's patches ([`Catalog::edit`]) are
//! new versions of the stored entity; a metadata run's upsert keeps the column tags it lacks.
//! [`SharedCatalog`] is the store for async code: calls run on tokio's blocking pool.
//!
//! With the `sink` feature, [`CatalogSink`] puts the store behind the workflow's `Sink`
//! trait; without it the crate depends on the model alone, not on the engine.
//!
//! Modules, each using only those before it: `version` (version numbers and change
//! descriptions), `request` (requests and write contexts), `entity` (the stored JSON
//! shape), `tags` (column tags over a table's content), `store` (the SQLite file), `query`
//! (lists and lookups), `profile` (profiles and sample data), `shared` (the async wrapper),
//! `sink`.
//!
//! The file is opened in WAL mode, so readers in other processes keep working while a run
//! writes.

mod entity;
mod profile;
mod query;
mod request;
mod shared;
#[cfg(feature = "sink")]
mod sink;
mod store;
mod tags;
mod version;

use std::path::PathBuf;
use std::sync::Arc;

use ferrometa_model::EntityType;

pub use profile::{ColumnProfile, ProfilePage, TableProfile, TimeRange};
pub use query::{Cursor, Filters, Include, Page, TypeStats};
pub use request::{DeleteMode, EntityRequest, MergeFn, Scope, WriteContext, canonical_fqn};
pub use shared::SharedCatalog;
#[cfg(feature = "sink")]
pub use sink::CatalogSink;
pub use store::{Catalog, check};

/// Everything that can go wrong in the catalog.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("cannot open catalog {path}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("catalog {path} has schema version {found}, newer than this build knows ({known})")]
    NewerSchema {
        path: PathBuf,
        found: usize,
        known: usize,
    },
    #[error("catalog database error")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot write {entity_type} {fqn}: its parent {parent} is missing or deleted")]
    MissingParent {
        entity_type: EntityType,
        fqn: String,
        parent: String,
    },
    /// `fqn` holds the id when the lookup was by id.
    #[error("{entity_type} {fqn} is not in the catalog")]
    NotFound {
        entity_type: EntityType,
        fqn: String,
    },
    #[error("table {table} has no column {column}")]
    UnknownColumn { table: String, column: String },
    #[error("{entity_type} {fqn} already exists")]
    AlreadyExists {
        entity_type: EntityType,
        fqn: String,
    },
    #[error("{entity_type} {fqn} is not empty: delete it recursively")]
    NotEmpty {
        entity_type: EntityType,
        fqn: String,
    },
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("a table profile needs an integer tableProfile.timestamp")]
    ProfileTimestamp,
    #[error("stored profile or sample data of table {table_id} is invalid")]
    CorruptProfile {
        table_id: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("stored json of entity {id} is invalid")]
    CorruptEntity {
        id: String,
        #[source]
        source: serde_json::Error,
    },
    /// The batch's transaction failed as a whole, so none of its entities was written.
    #[error("batch not written")]
    Batch(#[source] Arc<CatalogError>),
    #[error("catalog worker failed")]
    Worker(#[source] tokio::task::JoinError),
    #[error("the catalog sink is closed")]
    Closed,
}

pub type Result<T, E = CatalogError> = std::result::Result<T, E>;
