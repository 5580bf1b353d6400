//! Catalog access from async handlers: every call runs on tokio's blocking pool, so SQLite
//! never blocks the runtime.
//!
//! Reads take a connection from a small pool (WAL lets them run beside a writer, in this
//! process or the engine's). Writes go through one connection behind a mutex: they are
//! serialized, so two requests updating the same entity each see the other's result and no
//! update is lost; SQLite's write lock (with its busy timeout) does the same across processes.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ferrometa_catalog::{Catalog, CatalogError};

use crate::error::ServerError;
use crate::http::ApiError;

/// Idle read connections kept for reuse.
const IDLE_READERS: usize = 8;

pub(crate) struct Store {
    path: PathBuf,
    writer: Arc<Mutex<Catalog>>,
    readers: Arc<Mutex<Vec<Catalog>>>,
}

impl Store {
    /// Opens (creating and migrating if needed) the catalog at `path`.
    pub fn open(path: &Path) -> Result<Store, ServerError> {
        let writer = Catalog::open(path)?;
        Ok(Store {
            path: path.to_path_buf(),
            writer: Arc::new(Mutex::new(writer)),
            readers: Arc::new(Mutex::new(Vec::new())),
        })
    }

    /// Runs `work` with a read connection.
    pub async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Catalog) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let (path, readers) = (self.path.clone(), Arc::clone(&self.readers));
        run_blocking(move || {
            let pooled = readers.lock().unwrap_or_else(PoisonError::into_inner).pop();
            let catalog = match pooled {
                Some(catalog) => catalog,
                None => Catalog::open(&path).map_err(ApiError::from)?,
            };
            let result = work(&catalog);
            let mut idle = readers.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < IDLE_READERS {
                idle.push(catalog);
            }
            result
        })
        .await
    }

    /// Runs `work` with the write connection, after every write before it.
    pub async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Catalog) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let writer = Arc::clone(&self.writer);
        run_blocking(move || {
            // A panic mid-write rolled its transaction back, so the connection is usable.
            let mut catalog = writer.lock().unwrap_or_else(PoisonError::into_inner);
            work(&mut catalog)
        })
        .await
    }
}

async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal(format!("catalog worker failed: {e}")))?
}

impl From<CatalogError> for ApiError {
    fn from(error: CatalogError) -> Self {
        match &error {
            CatalogError::NotFound { entity_type, fqn } => ApiError::not_found(entity_type, fqn),
            CatalogError::MissingParent {
                parent,
                entity_type,
                ..
            } => ApiError::not_found(parent_type(entity_type), parent),
            CatalogError::AlreadyExists { .. } => ApiError::conflict("Entity already exists"),
            CatalogError::NotEmpty { entity_type, .. } => {
                ApiError::bad_request(format!("{entity_type} is not empty"))
            }
            CatalogError::InvalidRequest(message) => ApiError::bad_request(message.clone()),
            CatalogError::Sqlite(rusqlite_error) if is_busy(rusqlite_error) => {
                ApiError::unavailable("the catalog is busy with another writer: retry")
            }
            _ => ApiError::internal(error.to_string()),
        }
    }
}

/// The type of the parent a missing-parent error names.
fn parent_type(entity_type: &str) -> &'static str {
    match entity_type {
        "database" => "databaseService",
        "databaseSchema" => "database",
        _ => "databaseSchema",
    }
}

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}
