//! [`SharedCatalog`]: the catalog for async code. Every call runs on tokio's blocking pool,
//! so SQLite never blocks the runtime.
//!
//! Writes go through one connection behind a mutex: they are serialized, so two writers
//! updating the same entity each see the other's result and no update is lost; SQLite's
//! write lock (with its busy timeout) does the same across processes. Reads take a
//! connection from a small pool, opened on first need: WAL lets them run beside a writer,
//! in this process or another.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use crate::{Catalog, CatalogError, Result};

/// Idle read connections kept for reuse.
const IDLE_READERS: usize = 8;

/// A catalog shared by async tasks; clones share the connections.
#[derive(Clone)]
pub struct SharedCatalog {
    path: PathBuf,
    writer: Arc<Mutex<Catalog>>,
    readers: Arc<Mutex<Vec<Catalog>>>,
}

impl SharedCatalog {
    /// Shares an open catalog: it becomes the write connection.
    pub fn new(catalog: Catalog) -> SharedCatalog {
        SharedCatalog {
            path: catalog.path().to_path_buf(),
            writer: Arc::new(Mutex::new(catalog)),
            readers: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The file the catalog lives in.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Runs `work` with a read connection.
    pub async fn read<T, E>(
        &self,
        work: impl FnOnce(&Catalog) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<CatalogError> + Send + 'static,
    {
        let (path, readers) = (self.path.clone(), Arc::clone(&self.readers));
        blocking(move || {
            let pooled = readers.lock().unwrap_or_else(PoisonError::into_inner).pop();
            let catalog = match pooled {
                Some(catalog) => catalog,
                None => Catalog::open(&path)?,
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
    pub async fn write<T, E>(
        &self,
        work: impl FnOnce(&mut Catalog) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<CatalogError> + Send + 'static,
    {
        let writer = Arc::clone(&self.writer);
        blocking(move || {
            // A panic mid-write rolled its transaction back, so the connection is usable.
            let mut catalog = writer.lock().unwrap_or_else(PoisonError::into_inner);
            work(&mut catalog)
        })
        .await
    }

    /// Closes the write connection (checkpointing the WAL) when this is the last clone;
    /// otherwise the connections close with the last clone dropped.
    pub async fn close(self) -> Result<()> {
        let SharedCatalog {
            writer, readers, ..
        } = self;
        blocking(move || {
            drop(readers);
            match Arc::try_unwrap(writer) {
                Ok(writer) => writer
                    .into_inner()
                    .unwrap_or_else(PoisonError::into_inner)
                    .close(),
                Err(_) => Ok(()),
            }
        })
        .await
    }
}

async fn blocking<T, E>(work: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, E>
where
    T: Send + 'static,
    E: From<CatalogError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|source| E::from(CatalogError::Worker(source)))?
}
