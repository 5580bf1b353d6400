//! File sink: the `Create*` requests as a JSON array, as OpenMetadata's file sink writes.
//!
//! Each record is one element of the array. An entity is its `Create*` request as it is; the
//! profiler's data of a table is an object with one key, which no request has:
//!
//! - `{"tableProfile": {"table": FQN, "profile": CreateTableProfileRequest}}`
//! - `{"sampleData": {"table": FQN, "data": TableData}}`
//!
//! Requests are streamed in the order they arrive (service, database, schema, tables) into a
//! temporary file next to the target, which replaces the target only when the sink is
//! closed. A run that fails or is interrupted therefore leaves any previous file intact and
//! never a half-written one. The file cannot be read back, so no table is ever marked
//! deleted.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use ferrometa_config::FileSinkConfig;
use ferrometa_core::{BoxError, Record, Sink, TableRef, WriteOutcome};
use serde_json::json;
use tempfile::NamedTempFile;

/// Everything that can go wrong in the file sink.
#[derive(Debug, thiserror::Error)]
pub enum FileSinkError {
    #[error("cannot create a temporary file next to {path}")]
    Create {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot write the temporary file for {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot replace {path}")]
    Persist {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("the output for {path} was abandoned after an earlier error or close")]
    Abandoned { path: PathBuf },
    #[error("the file sink cannot mark tables deleted")]
    CannotDelete,
}

/// Writes the requests to a JSON file.
pub struct FileSink {
    path: PathBuf,
    /// The temporary file being written; `None` once closed or after a write error.
    out: Option<BufWriter<NamedTempFile>>,
    /// Whether a record precedes the next one (which then needs a separator).
    wrote_any: bool,
}

impl FileSink {
    /// Starts writing to a temporary file in the directory of `config.filename`.
    pub fn create(config: &FileSinkConfig) -> Result<FileSink, FileSinkError> {
        let path = config.filename.clone();
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let mut out = temp_file_for(&path, dir)
            .map(BufWriter::new)
            .map_err(|source| FileSinkError::Create {
                path: path.clone(),
                source,
            })?;
        out.write_all(b"[\n")
            .map_err(|source| FileSinkError::Write {
                path: path.clone(),
                source,
            })?;
        Ok(FileSink {
            path,
            out: Some(out),
            wrote_any: false,
        })
    }

    /// Appends one record to the array.
    fn write_one(&mut self, record: &Record) -> Result<(), FileSinkError> {
        let out = self.out.as_mut().ok_or_else(|| FileSinkError::Abandoned {
            path: self.path.clone(),
        })?;
        let separator: &[u8] = if self.wrote_any { b",\n" } else { b"" };
        let result = out.write_all(separator).and_then(|()| {
            match record {
                Record::Entity(entity) => serde_json::to_writer(&mut *out, entity),
                Record::TableProfile { table, profile } => serde_json::to_writer(
                    &mut *out,
                    &json!({"tableProfile": {"table": table, "profile": profile}}),
                ),
                Record::SampleData { table, data } => serde_json::to_writer(
                    &mut *out,
                    &json!({"sampleData": {"table": table, "data": data}}),
                ),
                Record::ColumnTags { table, tags } => {
                    let tags: Vec<_> = tags
                        .iter()
                        .map(|t| json!({"column": t.column, "tag": t.tag}))
                        .collect();
                    serde_json::to_writer(
                        &mut *out,
                        &json!({"columnTags": {"table": table, "tags": tags}}),
                    )
                }
            }
            .map_err(io::Error::from)
        });
        match result {
            Ok(()) => {
                self.wrote_any = true;
                Ok(())
            }
            Err(source) => {
                // Part of the record may be in the file: drop it (which deletes it) rather
                // than ever publish an invalid array.
                self.out = None;
                Err(FileSinkError::Write {
                    path: self.path.clone(),
                    source,
                })
            }
        }
    }

    /// Ends the array, syncs it to disk and moves it over the target.
    fn finish(&mut self) -> Result<(), FileSinkError> {
        let out = self.out.take().ok_or_else(|| FileSinkError::Abandoned {
            path: self.path.clone(),
        })?;
        let write_error = |source| FileSinkError::Write {
            path: self.path.clone(),
            source,
        };
        let mut out = out.into_inner().map_err(|e| write_error(e.into_error()))?;
        out.write_all(b"\n]").map_err(write_error)?;
        // Synced before the rename, so that a crash cannot publish an empty file.
        out.as_file().sync_all().map_err(write_error)?;
        out.persist(&self.path)
            .map_err(|e| FileSinkError::Persist {
                path: self.path.clone(),
                source: e.error,
            })?;
        Ok(())
    }
}

/// A new temporary file in `dir`, named after `target` so that one left by a killed run is
/// recognisable.
fn temp_file_for(target: &Path, dir: &Path) -> io::Result<NamedTempFile> {
    let prefix = format!(
        ".{}.",
        target.file_name().unwrap_or_default().to_string_lossy()
    );
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // The mode of any new file (0666 less the umask) rather than tempfile's private 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    builder.tempfile_in(dir)
}

#[async_trait]
impl Sink for FileSink {
    fn name(&self) -> &'static str {
        "File"
    }

    fn location(&self) -> Option<String> {
        let path = std::path::absolute(&self.path).unwrap_or_else(|_| self.path.clone());
        Some(path.display().to_string())
    }

    async fn write_batch(&mut self, records: &[Record]) -> Vec<Result<WriteOutcome, BoxError>> {
        records
            .iter()
            .map(|record| Ok(self.write_one(record).map(|()| WriteOutcome::Created)?))
            .collect()
    }

    async fn live_tables(&mut self, _schema_fqn: &str) -> Result<Option<Vec<TableRef>>, BoxError> {
        Ok(None)
    }

    async fn soft_delete_table(&mut self, _fqn: &str) -> Result<(), BoxError> {
        Err(FileSinkError::CannotDelete.into())
    }

    async fn close(&mut self) -> Result<(), BoxError> {
        Ok(self.finish()?)
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error;

    use super::*;

    #[test]
    fn an_io_failure_is_the_source_not_the_message() {
        let error = FileSinkError::Persist {
            path: PathBuf::from("out.json"),
            source: io::Error::other("disk full"),
        };
        assert_eq!(error.to_string(), "cannot replace out.json");
        assert_eq!(error.source().unwrap().to_string(), "disk full");
    }
}
