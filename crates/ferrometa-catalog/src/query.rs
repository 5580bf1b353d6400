//! The read API: listings with filters and paging, lookups by FQN or id, version history
//! and counts.
//!
//! It serves `ferrometa catalog …` and follows OpenMetadata's REST reads (`include`,
//! listings ordered by `(name, id)` with an `after` cursor of that pair, `paging.total`), so
//! a compatible server can answer from it directly. Entities are returned as their stored
//! JSON; a server adds `href`.

use ferrometa_model::EntityType;
use rusqlite::types::ToSql;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::store::parse;
use crate::{Catalog, Result};

/// Which entities a read sees, as OpenMetadata's `include` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Include {
    #[default]
    NonDeleted,
    Deleted,
    All,
}

impl Include {
    /// The `deleted` value to match, `None` for any.
    fn deleted(self) -> Option<bool> {
        match self {
            Include::NonDeleted => Some(false),
            Include::Deleted => Some(true),
            Include::All => None,
        }
    }
}

/// What a listing keeps. Parent filters are FQNs and match entities below that parent.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub service: Option<String>,
    pub database: Option<String>,
    /// OpenMetadata's `databaseSchema` parameter.
    pub schema: Option<String>,
    /// A glob over the name when it holds `*`, `?` or `[` (case-sensitive), otherwise a
    /// case-insensitive substring of it.
    pub name_pattern: Option<String>,
    pub include: Include,
}

/// Where the next page starts: the `(name, id)` of the last entity returned. This is what
/// OpenMetadata's cursors encode (as base64 of this JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub name: String,
    pub id: String,
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    pub data: Vec<Value>,
    /// Entities matching the filters, over all pages.
    pub total: u64,
    /// Present only when more entities follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Cursor>,
    /// Set by [`Catalog::list_before`] when more entities precede the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Cursor>,
}

/// Which way a listing pages from its cursor.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    After,
    Before,
}

/// How many entities of one type the catalog holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeStats {
    pub entity_type: EntityType,
    pub live: u64,
    pub deleted: u64,
}

/// Every entity type, parents first.
const ENTITY_TYPES: [EntityType; 4] = [
    EntityType::DatabaseService,
    EntityType::Database,
    EntityType::DatabaseSchema,
    EntityType::Table,
];

/// The conditions of a listing: ?1 type, ?2 service, ?3 database, ?4 schema, ?5 glob,
/// ?6 substring, ?7 deleted; a NULL parameter matches everything. An entity is under a
/// parent when its FQN starts with the parent's FQN and a dot (a name with a dot is quoted,
/// so no other parent's FQN can share that prefix): a string range, where reading the
/// parent out of every row's JSON made each page of a 10,000-table listing parse them all.
const LIST_FILTER: &str = "WHERE entity_type = ?1
    AND (?2 IS NULL OR (fqn > ?2 || '.' AND fqn < ?2 || '/'))
    AND (?3 IS NULL OR (fqn > ?3 || '.' AND fqn < ?3 || '/'))
    AND (?4 IS NULL OR (fqn > ?4 || '.' AND fqn < ?4 || '/'))
    AND (?5 IS NULL OR name GLOB ?5)
    AND (?6 IS NULL OR instr(lower(name), lower(?6)) > 0)
    AND (?7 IS NULL OR deleted = ?7)";

impl Catalog {
    /// Up to `limit` entities of a type after `after`, ordered by name then id.
    pub fn list(
        &self,
        entity_type: EntityType,
        filters: &Filters,
        limit: usize,
        after: Option<&Cursor>,
    ) -> Result<Page> {
        self.page(entity_type, filters, limit, after, Direction::After)
    }

    /// Up to `limit` entities of a type just before `before`, ordered by name then id:
    /// OpenMetadata's backward paging. `after` points at the page's last entity.
    pub fn list_before(
        &self,
        entity_type: EntityType,
        filters: &Filters,
        limit: usize,
        before: &Cursor,
    ) -> Result<Page> {
        self.page(entity_type, filters, limit, Some(before), Direction::Before)
    }

    fn page(
        &self,
        entity_type: EntityType,
        filters: &Filters,
        limit: usize,
        cursor: Option<&Cursor>,
        direction: Direction,
    ) -> Result<Page> {
        let pattern = filters.name_pattern.as_deref();
        let is_glob = pattern.is_some_and(|p| p.contains(['*', '?', '[']));
        let (glob, substring) = if is_glob {
            (pattern, None)
        } else {
            (None, pattern)
        };
        let deleted = filters.include.deleted();
        let filter: [&dyn ToSql; 7] = [
            &entity_type.as_str(),
            &filters.service,
            &filters.database,
            &filters.schema,
            &glob,
            &substring,
            &deleted,
        ];

        let total = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM entity {LIST_FILTER}"))?
            .query_row(&filter[..], |r| r.get(0))?;
        if limit == 0 {
            return Ok(Page {
                data: Vec::new(),
                total,
                after: None,
                before: None,
            });
        }

        let (cursor_name, cursor_id) = (cursor.map(|c| &c.name), cursor.map(|c| &c.id));
        // One row more than asked tells whether another page follows.
        let fetch = limit.saturating_add(1);
        let mut page_params = filter.to_vec();
        page_params.extend([&cursor_name as &dyn ToSql, &cursor_id, &fetch]);
        let (compare, order) = match direction {
            Direction::After => (">", "ASC"),
            Direction::Before => ("<", "DESC"),
        };
        let mut rows: Vec<(String, String, String)> = self
            .conn
            .prepare_cached(&format!(
                "SELECT id, name, json FROM entity {LIST_FILTER}
                 AND (?8 IS NULL OR (name, id) {compare} (?8, ?9))
                 ORDER BY name {order}, id {order} LIMIT ?10"
            ))?
            .query_map(&page_params[..], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;

        let more = rows.len() > limit;
        rows.truncate(limit);
        let cursor_of = |row: Option<&(String, String, String)>| {
            row.map(|(id, name, _)| Cursor {
                name: name.clone(),
                id: id.clone(),
            })
        };
        let (after, before) = match direction {
            Direction::After => (cursor_of(rows.last()).filter(|_| more), None),
            Direction::Before => {
                rows.reverse();
                (
                    cursor_of(rows.last()),
                    cursor_of(rows.first()).filter(|_| more),
                )
            }
        };
        let data = rows
            .iter()
            .map(|(id, _, json)| parse(id, json))
            .collect::<Result<_>>()?;
        Ok(Page {
            data,
            total,
            after,
            before,
        })
    }

    /// The entity of a type with this FQN.
    pub fn get_by_fqn(
        &self,
        entity_type: EntityType,
        fqn: &str,
        include: Include,
    ) -> Result<Option<Value>> {
        self.get("fqn", entity_type, fqn, include)
    }

    /// The entity of a type with this id.
    pub fn get_by_id(
        &self,
        entity_type: EntityType,
        id: &str,
        include: Include,
    ) -> Result<Option<Value>> {
        self.get("id", entity_type, id, include)
    }

    /// Every version of an entity, newest (the current one) first, each with the
    /// `changeDescription` that led to it. Empty when the id is unknown.
    pub fn versions(&self, id: &str) -> Result<Vec<Value>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT json FROM (
                 SELECT version_tenths, json FROM entity WHERE id = ?1
                 UNION ALL SELECT version_tenths, json FROM entity_version WHERE id = ?1
             ) ORDER BY version_tenths DESC",
        )?;
        let texts: Vec<String> = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        texts.iter().map(|text| parse(id, text)).collect()
    }

    /// Version `tenths` (`0.2` is 2) of an entity, current or past; `None` when either is
    /// unknown.
    pub fn version(&self, id: &str, tenths: i64) -> Result<Option<Value>> {
        let text: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT json FROM entity WHERE id = ?1 AND version_tenths = ?2
                 UNION ALL SELECT json FROM entity_version WHERE id = ?1 AND version_tenths = ?2",
            )?
            .query_row(params![id, tenths], |r| r.get(0))
            .optional()?;
        text.map(|text| parse(id, &text)).transpose()
    }

    /// Live and deleted counts per entity type, parents first.
    pub fn stats(&self) -> Result<Vec<TypeStats>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT count(*) FILTER (WHERE deleted = 0), count(*) FILTER (WHERE deleted = 1)
             FROM entity WHERE entity_type = ?1",
        )?;
        let stats = ENTITY_TYPES
            .iter()
            .map(|&entity_type| {
                stmt.query_row([entity_type.as_str()], |r| {
                    Ok(TypeStats {
                        entity_type,
                        live: r.get(0)?,
                        deleted: r.get(1)?,
                    })
                })
            })
            .collect::<rusqlite::Result<_>>()?;
        Ok(stats)
    }

    /// One entity by a unique key column (`id` or `fqn`).
    fn get(
        &self,
        key: &'static str,
        entity_type: EntityType,
        value: &str,
        include: Include,
    ) -> Result<Option<Value>> {
        let found: Option<(String, String)> = self
            .conn
            .prepare_cached(&format!(
                "SELECT id, json FROM entity WHERE entity_type = ?1 AND {key} = ?2 AND (?3 IS NULL OR deleted = ?3)"
            ))?
            .query_row(params![entity_type.as_str(), value, include.deleted()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        found.map(|(id, json)| parse(&id, &json)).transpose()
    }
}
