//! The [`Catalog`] store: one SQLite file holding every entity's current JSON and a
//! snapshot of each of its previous versions.
//!
//! Writes follow OpenMetadata's PUT: an entity is found by type and FQN (deleted ones
//! included); absent, it is created at version 0.1; present, it is compared with the stored
//! version, and only a real change is written, with a new version number, a change
//! description, and the old JSON kept in `entity_version`. An entity whose request hashes
//! like the stored one is skipped before any comparison, and without any write, so a re-run
//! over unchanged tables leaves the file untouched.
//!
//! The REST server's writes go through the same paths with its caller as `updatedBy`: POST
//! (create only), delete (soft or hard, recursive or refused when children exist), restore
//! and the stale delete of a scope.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferrometa_model::{ColumnTag, CreateEntity, EntityType, TableRef, WriteOutcome};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde_json::{Map, Value};

use crate::entity::{self, Header};
use crate::request::{DeleteMode, EntityRequest, Scope, UPDATED_BY, WriteContext, canonical_fqn};
use crate::tags;
use crate::version::{Change, Version};
use crate::{CatalogError, Result};

/// Schema migrations; `PRAGMA user_version` counts those applied.
const MIGRATIONS: &[&str] = &["
    CREATE TABLE entity (
        id             TEXT PRIMARY KEY,          -- uuid v4
        entity_type    TEXT NOT NULL,             -- EntityReference.type: table, databaseSchema, ...
        fqn            TEXT NOT NULL,
        name           TEXT NOT NULL,
        parent_id      TEXT REFERENCES entity(id),
        version_tenths INTEGER NOT NULL,          -- version 1.2 is stored as 12
        updated_at     INTEGER NOT NULL,          -- epoch milliseconds
        updated_by     TEXT NOT NULL,
        deleted        INTEGER NOT NULL DEFAULT 0,
        source_hash    TEXT,                      -- content hash of the last request written
        json           TEXT NOT NULL,             -- the entity as OpenMetadata returns it
        UNIQUE (entity_type, fqn)
    );
    CREATE INDEX entity_parent ON entity(parent_id);
    CREATE INDEX entity_listing ON entity(entity_type, name, id);
    CREATE TABLE entity_version (
        id             TEXT NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
        version_tenths INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL,
        json           TEXT NOT NULL,
        PRIMARY KEY (id, version_tenths)
    ) WITHOUT ROWID;
", "
    -- The profiler's data lives beside the entity, not in it: a profile or sample is no change
    -- of the table (no new version), and goes with it only on a hard delete.
    CREATE TABLE table_profile (
        table_id       TEXT NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
        timestamp      INTEGER NOT NULL,          -- tableProfile.timestamp, epoch milliseconds
        table_profile  TEXT NOT NULL,             -- the parts of a CreateTableProfileRequest
        column_profile TEXT NOT NULL,             -- (JSON object, array, array)
        system_profile TEXT NOT NULL,
        PRIMARY KEY (table_id, timestamp)
    ) WITHOUT ROWID;
    CREATE TABLE sample_data (
        table_id       TEXT PRIMARY KEY REFERENCES entity(id) ON DELETE CASCADE,
        json           TEXT NOT NULL              -- TableData: {columns, rows}
    ) WITHOUT ROWID;
"];

/// How long a write waits for another connection's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The embedded catalog.
pub struct Catalog {
    pub(crate) conn: Connection,
    path: PathBuf,
}

/// The columns of an entity row that decide how a write proceeds.
struct Row {
    id: String,
    fqn: String,
    version: Version,
    deleted: bool,
    source_hash: Option<String>,
}

impl Catalog {
    /// Opens (creating if needed) the catalog at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Catalog> {
        let path = path.as_ref().to_path_buf();
        let mut conn = Connection::open(&path)
            .and_then(|conn| {
                conn.busy_timeout(BUSY_TIMEOUT)?;
                // WAL lets other processes read while a run writes; NORMAL stays durable
                // across application crashes and only risks the last commits on power loss.
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.pragma_update(None, "synchronous", "NORMAL")?;
                conn.pragma_update(None, "foreign_keys", "ON")?;
                Ok(conn)
            })
            .map_err(|source| CatalogError::Open {
                path: path.clone(),
                source,
            })?;
        migrate(&mut conn, &path)?;
        tracing::debug!(path = %path.display(), "catalog opened");
        Ok(Catalog { conn, path })
    }

    /// The file this catalog lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates or updates one entity in its own transaction.
    pub fn upsert(&mut self, entity: &CreateEntity) -> Result<WriteOutcome> {
        let (outcome, _) = self.put_in_transaction(&entity.into(), WriteContext::ENGINE)?;
        Ok(outcome)
    }

    /// Creates or updates entities (parents first) in one transaction. An entity that fails
    /// is rolled back alone and reported in its slot; the outer error means the transaction
    /// as a whole failed and nothing was written.
    pub fn upsert_batch(&mut self, entities: &[CreateEntity]) -> Result<Vec<Result<WriteOutcome>>> {
        let requests: Vec<EntityRequest> = entities.iter().map(EntityRequest::from).collect();
        self.put_batch(&requests, WriteContext::ENGINE)
    }

    /// Creates or updates one entity (OpenMetadata's PUT) and returns the outcome with the
    /// entity as now stored.
    pub fn put(
        &mut self,
        request: &EntityRequest,
        ctx: WriteContext<'_>,
    ) -> Result<(WriteOutcome, Value)> {
        self.put_in_transaction(request, ctx)
    }

    /// [`Catalog::upsert_batch`] for requests of any origin.
    pub fn put_batch(
        &mut self,
        requests: &[EntityRequest],
        ctx: WriteContext<'_>,
    ) -> Result<Vec<Result<WriteOutcome>>> {
        let stamp = Stamp::now(ctx.updated_by);
        // IMMEDIATE takes the write lock up front, so a concurrent writer makes us wait
        // (busy timeout) instead of failing mid-batch. A batch that changes nothing still
        // writes no page.
        let mut tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut results = Vec::with_capacity(requests.len());
        for request in requests {
            // A savepoint per entity: a failure rolls back that entity only.
            let sp = tx.savepoint()?;
            let outcome = upsert(&sp, request, ctx, stamp).map(|(outcome, _)| outcome);
            if outcome.is_ok() {
                sp.commit()?;
            }
            results.push(outcome);
        }
        tx.commit()?;
        Ok(results)
    }

    /// Adds the classifier's tags to columns of the live table `table_fqn` (any quoting), each
    /// unless its column already has a tag of the same classification, as a new version of
    /// the table (`Updated`), or `Unchanged` when no tag was added. A table not in the catalog,
    /// or deleted, and a column it does not have are errors; nothing is written then.
    pub fn add_column_tags(
        &mut self,
        table_fqn: &str,
        column_tags: &[ColumnTag],
        updated_by: &str,
    ) -> Result<WriteOutcome> {
        let fqn = canonical_fqn(table_fqn);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = find(&tx, EntityType::Table, &fqn)?
            .filter(|row| !row.deleted)
            .ok_or_else(|| CatalogError::NotFound {
                entity_type: EntityType::Table,
                fqn: table_fqn.to_string(),
            })?;
        let outcome = edit_row(&tx, &row, Stamp::now(updated_by), |content| {
            tags::add_column_tags(table_fqn, content, column_tags)
        })?;
        tx.commit()?;
        Ok(outcome)
    }

    /// Changes the content of the live entity of a type with this id by `change` (a PATCH),
    /// stored as a new version unless nothing changed, and returns the outcome with the entity
    /// as now stored. The entity keeps the hash of the last request written, so a re-run of
    /// that request is still skipped, and its upsert keeps the column tags added here.
    pub fn edit(
        &mut self,
        entity_type: EntityType,
        id: &str,
        updated_by: &str,
        change: impl FnOnce(&mut Map<String, Value>) -> Result<()>,
    ) -> Result<(WriteOutcome, Value)> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = find_by_id(&tx, entity_type, id)?
            .filter(|row| !row.deleted)
            .ok_or_else(|| CatalogError::NotFound {
                entity_type,
                fqn: id.to_string(),
            })?;
        let outcome = edit_row(&tx, &row, Stamp::now(updated_by), change)?;
        let entity = load_json(&tx, &row.id)?;
        tx.commit()?;
        Ok((outcome, entity))
    }

    /// Creates an entity that must not exist yet, deleted or not (OpenMetadata's POST), and
    /// returns it.
    pub fn create(&mut self, request: &EntityRequest, ctx: WriteContext<'_>) -> Result<Value> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if find(&tx, request.entity_type(), request.fqn())?.is_some() {
            return Err(CatalogError::AlreadyExists {
                entity_type: request.entity_type(),
                fqn: request.fqn().to_string(),
            });
        }
        let parent = find_parent(&tx, request)?;
        let content = entity::content(request, parent.as_ref().map(|(_, json)| json));
        let id = insert(&tx, request, parent, content, Stamp::now(ctx.updated_by))?;
        let entity = load_json(&tx, &id)?;
        tx.commit()?;
        Ok(entity)
    }

    /// Soft-deletes an entity and, first, its live descendants: each gets a new version
    /// recording `deleted`. Deleting a deleted entity does nothing.
    pub fn soft_delete(&mut self, entity_type: EntityType, fqn: &str) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = find(&tx, entity_type, fqn)?.ok_or_else(|| CatalogError::NotFound {
            entity_type,
            fqn: fqn.to_string(),
        })?;
        if !row.deleted {
            let stamp = Stamp::now(UPDATED_BY);
            set_children_deleted(&tx, &row.id, true, stamp)?;
            set_deleted(&tx, &row, true, stamp)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Deletes the entity of a type with this id and returns it as it was last stored (with
    /// `deleted: true` after a soft delete). A soft delete only finds live entities; a hard
    /// delete also removes soft-deleted ones, with their history. An entity with descendants,
    /// deleted ones included, needs `recursive`.
    pub fn delete(
        &mut self,
        entity_type: EntityType,
        id: &str,
        mode: DeleteMode,
        updated_by: &str,
    ) -> Result<Value> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = find_by_id(&tx, entity_type, id)?
            .filter(|row| mode.hard || !row.deleted)
            .ok_or_else(|| CatalogError::NotFound {
                entity_type,
                fqn: id.to_string(),
            })?;
        let entity = delete_row(&tx, entity_type, &row, mode, Stamp::now(updated_by))?;
        tx.commit()?;
        Ok(entity)
    }

    /// Restores a soft-deleted entity and its deleted descendants, each as a new version,
    /// and returns it. A live entity is returned unchanged.
    pub fn restore(
        &mut self,
        entity_type: EntityType,
        id: &str,
        updated_by: &str,
    ) -> Result<Value> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row = find_by_id(&tx, entity_type, id)?.ok_or_else(|| CatalogError::NotFound {
            entity_type,
            fqn: id.to_string(),
        })?;
        if row.deleted {
            let stamp = Stamp::now(updated_by);
            set_children_deleted(&tx, &row.id, false, stamp)?;
            set_deleted(&tx, &row, false, stamp)?;
        }
        let entity = load_json(&tx, &row.id)?;
        tx.commit()?;
        Ok(entity)
    }

    /// Deletes the live entities of `entity_type` below `scope` whose FQN is not in `seen`
    /// (compared in canonical quoting), each on its own: the result pairs every stale FQN
    /// with its outcome. An empty `seen`, or a scope that does not exist, deletes nothing.
    pub fn delete_stale(
        &mut self,
        entity_type: EntityType,
        scope: Scope<'_>,
        seen: &[String],
        mode: DeleteMode,
        updated_by: &str,
    ) -> Result<Vec<(String, Result<()>)>> {
        let stamp = Stamp::now(updated_by);
        let mut tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut results = Vec::new();
        for row in stale_rows(&tx, entity_type, scope, seen)? {
            let sp = tx.savepoint()?;
            let outcome = delete_row(&sp, entity_type, &row, mode, stamp).map(drop);
            if outcome.is_ok() {
                sp.commit()?;
            }
            results.push((row.fqn, outcome));
        }
        tx.commit()?;
        Ok(results)
    }

    /// The FQNs [`Catalog::delete_stale`] would delete.
    pub fn stale(
        &self,
        entity_type: EntityType,
        scope: Scope<'_>,
        seen: &[String],
    ) -> Result<Vec<String>> {
        let rows = stale_rows(&self.conn, entity_type, scope, seen)?;
        Ok(rows.into_iter().map(|row| row.fqn).collect())
    }

    /// The live tables of the schema `schema_fqn` (none when the schema is unknown).
    pub fn live_tables(&self, schema_fqn: &str) -> Result<Vec<TableRef>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.fqn, t.name FROM entity t JOIN entity s ON t.parent_id = s.id
             WHERE s.entity_type = 'databaseSchema' AND s.fqn = ?1
               AND t.entity_type = 'table' AND t.deleted = 0
             ORDER BY t.name",
        )?;
        let tables = stmt
            .query_map([schema_fqn], |r| {
                Ok(TableRef {
                    fqn: r.get(0)?,
                    name: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(tables)
    }

    /// Closes the file, reporting what dropping the catalog would ignore.
    pub fn close(self) -> Result<()> {
        self.conn.close().map_err(|(_, e)| e.into())
    }

    fn put_in_transaction(
        &mut self,
        request: &EntityRequest,
        ctx: WriteContext<'_>,
    ) -> Result<(WriteOutcome, Value)> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (outcome, id) = upsert(&tx, request, ctx, Stamp::now(ctx.updated_by))?;
        let entity = load_json(&tx, &id)?;
        tx.commit()?;
        Ok((outcome, entity))
    }
}

/// SQLite's integrity and foreign key checks over the catalog file at `path`, as a fresh
/// process sees it (after a crash, say): what they found, nothing when the file is sound.
/// Unlike [`Catalog::open`] it creates nothing and applies no migration.
pub fn check(path: &Path) -> Result<Vec<String>> {
    let open_error = |source| CatalogError::Open {
        path: path.to_path_buf(),
        source,
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(open_error)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;
    let mut problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get::<_, String>(0))?
        .filter(|row| !matches!(row.as_deref(), Ok("ok")))
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let violations = stmt.query_map([], |r| {
        let (table, row, parent) = (
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, String>(2)?,
        );
        let row = row.map_or_else(|| "a row".into(), |id| format!("row {id}"));
        Ok(format!(
            "{row} of {table} refers to a missing row of {parent}"
        ))
    })?;
    for violation in violations {
        problems.push(violation?);
    }
    Ok(problems)
}

/// Applies the migrations this file has not seen yet.
fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let applied = |conn: &Connection| -> Result<usize> {
        let version: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > MIGRATIONS.len() {
            return Err(CatalogError::NewerSchema {
                path: path.to_path_buf(),
                found: version,
                known: MIGRATIONS.len(),
            });
        }
        Ok(version)
    };
    // Checked outside a transaction first so that opening an up-to-date file writes nothing.
    if applied(conn)? == MIGRATIONS.len() {
        return Ok(());
    }
    // Checked again under the write lock: another process may have migrated meanwhile.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied(&tx)?) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index + 1)?;
    }
    tx.commit()?;
    Ok(())
}

/// When and by whom a write happens.
#[derive(Clone, Copy)]
struct Stamp<'a> {
    at: i64,
    by: &'a str,
}

impl<'a> Stamp<'a> {
    fn now(by: &'a str) -> Self {
        Stamp { at: now_ms(), by }
    }
}

/// PUT semantics for one entity, inside the caller's transaction. Returns the entity's id.
fn upsert(
    conn: &Connection,
    request: &EntityRequest,
    ctx: WriteContext<'_>,
    stamp: Stamp<'_>,
) -> Result<(WriteOutcome, String)> {
    let existing = find(conn, request.entity_type(), request.fqn())?;
    if let Some(row) = &existing
        && !row.deleted
        && row.source_hash.as_deref() == Some(request.hash.as_str())
    {
        return Ok((WriteOutcome::Unchanged, row.id.clone()));
    }

    let parent = find_parent(conn, request)?;
    let mut content = entity::content(request, parent.as_ref().map(|(_, json)| json));

    let Some(row) = existing else {
        let id = insert(conn, request, parent, content, stamp)?;
        return Ok((WriteOutcome::Created, id));
    };

    let stored = entity::strip(load_json(conn, &row.id)?);
    if request.entity_type() == EntityType::Table {
        tags::carry_column_tags(&stored, &mut content);
    }
    if let Some(merge) = ctx.merge {
        merge(&stored, &mut content);
    }
    let mut change = Change::between(&stored, &content);
    if row.deleted {
        // A PUT restores a soft-deleted entity, and its descendants with it (`restoreEntity`).
        set_children_deleted(conn, &row.id, false, stamp)?;
        change.record_deleted(false);
    }
    if change.is_empty() {
        // Same content under a different hash (e.g. a request field the entity does not
        // keep): remember the hash so the next run skips early, without a new version.
        conn.prepare_cached("UPDATE entity SET source_hash = ?2 WHERE id = ?1")?
            .execute(params![row.id, request.hash])?;
        return Ok((WriteOutcome::Unchanged, row.id));
    }
    write_version(
        conn,
        &row,
        content,
        false,
        &change,
        Some(&request.hash),
        stamp,
    )?;
    Ok((WriteOutcome::Updated, row.id))
}

/// Applies `change` to the stored content of `row` and stores the result as a new version,
/// keeping the row's hash; `Unchanged` when the content stays the same.
fn edit_row(
    conn: &Connection,
    row: &Row,
    stamp: Stamp<'_>,
    change: impl FnOnce(&mut Map<String, Value>) -> Result<()>,
) -> Result<WriteOutcome> {
    let stored = entity::strip(load_json(conn, &row.id)?);
    let mut content = stored.clone();
    change(&mut content)?;
    let difference = Change::between(&stored, &content);
    if difference.is_empty() {
        return Ok(WriteOutcome::Unchanged);
    }
    write_version(
        conn,
        row,
        content,
        false,
        &difference,
        row.source_hash.as_deref(),
        stamp,
    )?;
    Ok(WriteOutcome::Updated)
}

/// Stores a new entity at version 0.1 and returns its id.
fn insert(
    conn: &Connection,
    request: &EntityRequest,
    parent: Option<(String, Value)>,
    content: Map<String, Value>,
    stamp: Stamp<'_>,
) -> Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    let header = Header {
        id: &id,
        version: Version::INITIAL,
        updated_at: stamp.at,
        updated_by: stamp.by,
        deleted: false,
        change_description: None,
    };
    let json = entity::assemble(header, content);
    conn.prepare_cached(
        "INSERT INTO entity (id, entity_type, fqn, name, parent_id, version_tenths, updated_at, updated_by, deleted, source_hash, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, ?10)",
    )?
    .execute(params![
        id,
        request.entity_type().as_str(),
        request.fqn(),
        request.name(),
        parent.as_ref().map(|(id, _)| id),
        Version::INITIAL.0,
        stamp.at,
        stamp.by,
        request.hash,
        json.to_string(),
    ])?;
    Ok(id)
}

/// Stores a new version of `row`: the old JSON goes to `entity_version`.
fn write_version(
    conn: &Connection,
    row: &Row,
    content: Map<String, Value>,
    deleted: bool,
    change: &Change,
    source_hash: Option<&str>,
    stamp: Stamp<'_>,
) -> Result<()> {
    let version = change.next_version(row.version);
    let header = Header {
        id: &row.id,
        version,
        updated_at: stamp.at,
        updated_by: stamp.by,
        deleted,
        change_description: Some(change.description(row.version)),
    };
    let json = entity::assemble(header, content);
    conn.prepare_cached(
        "INSERT INTO entity_version (id, version_tenths, updated_at, json)
         SELECT id, version_tenths, updated_at, json FROM entity WHERE id = ?1",
    )?
    .execute([&row.id])?;
    conn.prepare_cached(
        "UPDATE entity SET version_tenths = ?2, updated_at = ?3, updated_by = ?4, deleted = ?5, source_hash = ?6, json = ?7
         WHERE id = ?1",
    )?
    .execute(params![row.id, version.0, stamp.at, stamp.by, deleted, source_hash, json.to_string()])?;
    Ok(())
}

/// Soft-deletes (or restores) one entity as a new version recording the flag.
fn set_deleted(conn: &Connection, row: &Row, deleted: bool, stamp: Stamp<'_>) -> Result<()> {
    let mut change = Change::default();
    change.record_deleted(deleted);
    let content = entity::strip(load_json(conn, &row.id)?);
    write_version(
        conn,
        row,
        content,
        deleted,
        &change,
        row.source_hash.as_deref(),
        stamp,
    )
}

/// Applies `deleted` to every descendant of `parent_id` not already in that state.
fn set_children_deleted(
    conn: &Connection,
    parent_id: &str,
    deleted: bool,
    stamp: Stamp<'_>,
) -> Result<()> {
    let children: Vec<Row> = conn
        .prepare_cached(&format!(
            "SELECT {ROW_COLUMNS} FROM entity WHERE parent_id = ?1 AND deleted = ?2"
        ))?
        .query_map(params![parent_id, !deleted], read_row)?
        .collect::<rusqlite::Result<_>>()?;
    for child in &children {
        set_children_deleted(conn, &child.id, deleted, stamp)?;
        set_deleted(conn, child, deleted, stamp)?;
    }
    Ok(())
}

/// Deletes one entity found by the caller, by `mode`, and returns its last stored JSON.
fn delete_row(
    conn: &Connection,
    entity_type: EntityType,
    row: &Row,
    mode: DeleteMode,
    stamp: Stamp<'_>,
) -> Result<Value> {
    let has_children = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM entity WHERE parent_id = ?1)")?
        .query_row([&row.id], |r| r.get::<_, bool>(0))?;
    if has_children && !mode.recursive {
        return Err(CatalogError::NotEmpty {
            entity_type,
            fqn: row.fqn.clone(),
        });
    }
    if mode.hard {
        let entity = load_json(conn, &row.id)?;
        remove(conn, &row.id)?;
        return Ok(entity);
    }
    if !row.deleted {
        set_children_deleted(conn, &row.id, true, stamp)?;
        set_deleted(conn, row, true, stamp)?;
    }
    load_json(conn, &row.id)
}

/// Removes an entity, its descendants and their histories.
fn remove(conn: &Connection, id: &str) -> Result<()> {
    let children: Vec<String> = conn
        .prepare_cached("SELECT id FROM entity WHERE parent_id = ?1")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for child in &children {
        remove(conn, child)?;
    }
    // `entity_version` rows go with the entity (ON DELETE CASCADE).
    conn.prepare_cached("DELETE FROM entity WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// The live entities of a type below `scope` whose canonical FQN is not in `seen`.
fn stale_rows(
    conn: &Connection,
    entity_type: EntityType,
    scope: Scope<'_>,
    seen: &[String],
) -> Result<Vec<Row>> {
    // An empty listing means the source saw nothing, never that everything is gone.
    if seen.is_empty() {
        return Ok(Vec::new());
    }
    let scope_fqn = canonical_fqn(scope.fqn);
    if find(conn, scope.entity_type, &scope_fqn)?.is_none() {
        return Ok(Vec::new());
    }
    let seen: HashSet<String> = seen.iter().map(|fqn| canonical_fqn(fqn)).collect();
    let rows: Vec<Row> = conn
        .prepare_cached(&format!(
            "SELECT {ROW_COLUMNS} FROM entity
             WHERE entity_type = ?1 AND deleted = 0 AND substr(fqn, 1, length(?2)) = ?2
             ORDER BY fqn"
        ))?
        .query_map(
            params![entity_type.as_str(), format!("{scope_fqn}.")],
            read_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .filter(|row| !seen.contains(&row.fqn))
        .collect())
}

/// The columns [`read_row`] reads.
const ROW_COLUMNS: &str = "id, fqn, version_tenths, deleted, source_hash";

/// The row of an entity, deleted or not.
fn find(conn: &Connection, entity_type: EntityType, fqn: &str) -> Result<Option<Row>> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT {ROW_COLUMNS} FROM entity WHERE entity_type = ?1 AND fqn = ?2"
        ))?
        .query_row([entity_type.as_str(), fqn], read_row)
        .optional()?;
    Ok(row)
}

/// The row of an entity of a type by id, deleted or not.
fn find_by_id(conn: &Connection, entity_type: EntityType, id: &str) -> Result<Option<Row>> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT {ROW_COLUMNS} FROM entity WHERE entity_type = ?1 AND id = ?2"
        ))?
        .query_row([entity_type.as_str(), id], read_row)
        .optional()?;
    Ok(row)
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get(0)?,
        fqn: r.get(1)?,
        version: Version(r.get(2)?),
        deleted: r.get(3)?,
        source_hash: r.get(4)?,
    })
}

/// The id and JSON of the live parent a request names; an error when there is none.
fn find_parent(conn: &Connection, request: &EntityRequest) -> Result<Option<(String, Value)>> {
    let entity_type = request.entity_type();
    let (Some(parent_type), Some(parent_fqn)) = (entity_type.parent(), request.parent_fqn()) else {
        return Ok(None);
    };
    let found: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT id, json FROM entity WHERE entity_type = ?1 AND fqn = ?2 AND deleted = 0",
        )?
        .query_row([parent_type.as_str(), parent_fqn], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (id, text) = found.ok_or_else(|| CatalogError::MissingParent {
        entity_type,
        fqn: request.fqn().to_string(),
        parent: parent_fqn.to_string(),
    })?;
    let json = parse(&id, &text)?;
    Ok(Some((id, json)))
}

fn load_json(conn: &Connection, id: &str) -> Result<Value> {
    let text: String = conn
        .prepare_cached("SELECT json FROM entity WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    parse(id, &text)
}

pub(crate) fn parse(id: &str, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|source| CatalogError::CorruptEntity {
        id: id.to_string(),
        source,
    })
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
