//! `catalog`: reads the embedded catalog — lists with filters, one table's columns as a
//! tree (types, presence, keys, entity types), its latest profile, its version history,
//! counts, an integrity check; `--json` on each.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use clap::{Args, Subcommand};
use ferrometa_catalog::Catalog;
use ferrometa_catalog::{Filters, Include, TableProfile};
use ferrometa_model::EntityType;
use serde_json::Value;

#[derive(Args)]
pub struct CatalogArgs {
    /// The catalog file.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "ferrometa.db",
        global = true
    )]
    catalog: PathBuf,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: CatalogCommand,
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// List tables (or other entities).
    List(ListArgs),
    /// Show one table: columns as a tree with types, presence and keys, and the entity
    /// types of a single-table design.
    Show {
        /// Fully qualified name, e.g. `my_service.default.default.orders`.
        fqn: String,
        /// Show one entity type's attributes as a tree, with presence within its items.
        #[arg(long, value_name = "NAME")]
        entity: Option<String>,
    },
    /// Show the latest profile of one table: table metrics, then one line per column.
    Profile {
        /// Fully qualified name of the table.
        fqn: String,
    },
    /// Show the version history of one table.
    History {
        /// Fully qualified name of the table.
        fqn: String,
    },
    /// Count entities per type.
    Stats,
    /// Check the file: SQLite's integrity and foreign key checks (exit 1 on a problem).
    Check,
}

#[derive(Args)]
struct ListArgs {
    /// Entity type: table, databaseSchema, database or databaseService.
    #[arg(long = "type", default_value = "table", value_parser = parse_type)]
    entity_type: EntityType,
    /// Only entities of this service.
    #[arg(long)]
    service: Option<String>,
    /// Only entities below this database FQN.
    #[arg(long)]
    database: Option<String>,
    /// Only tables of this schema FQN.
    #[arg(long)]
    schema: Option<String>,
    /// Name filter: a glob (`ord*`) or a case-insensitive substring.
    #[arg(long)]
    name: Option<String>,
    /// Also list entities marked deleted.
    #[arg(long)]
    deleted: bool,
    /// At most this many entities.
    #[arg(long, default_value_t = 1000)]
    limit: usize,
}

fn parse_type(s: &str) -> Result<EntityType, String> {
    serde_json::from_value(Value::String(s.to_string()))
        .map_err(|_| format!("unknown entity type `{s}`: known types are table, databaseSchema, database, databaseService"))
}

fn open(path: &Path) -> anyhow::Result<Catalog> {
    existing(path)?;
    Catalog::open(path).with_context(|| format!("could not open the catalog {}", path.display()))
}

/// Fails unless there is a catalog at `path`: the commands here never create one.
fn existing(path: &Path) -> anyhow::Result<()> {
    if !path.exists() {
        bail!(
            "no catalog at {}: run `ferrometa ingest` first, or pass --catalog FILE",
            path.display()
        );
    }
    Ok(())
}

pub fn run(args: CatalogArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        CatalogCommand::List(list) => {
            let catalog = open(&args.catalog)?;
            let filters = Filters {
                service: list.service,
                database: list.database,
                schema: list.schema,
                name_pattern: list.name,
                include: if list.deleted {
                    Include::All
                } else {
                    Include::NonDeleted
                },
            };
            let page = catalog.list(list.entity_type, &filters, list.limit, None)?;
            if args.json {
                outln!("{}", serde_json::to_string_pretty(&page)?)?;
            } else {
                for entity in &page.data {
                    outln!("{}", list_line(entity))?;
                }
                outln!("({} of {} shown)", page.data.len(), page.total)?;
            }
        }
        CatalogCommand::Show {
            fqn,
            entity: Some(name),
        } => {
            let table = get_table(&open(&args.catalog)?, &fqn)?;
            let entity = entity_type(&table, &name)?;
            if args.json {
                outln!("{}", serde_json::to_string_pretty(entity)?)?;
            } else {
                out!("{}", render_entity(&fqn, entity))?;
            }
        }
        CatalogCommand::Show { fqn, entity: None } => {
            let catalog = open(&args.catalog)?;
            let table = get_table(&catalog, &fqn)?;
            if args.json {
                outln!("{}", serde_json::to_string_pretty(&table)?)?;
            } else {
                out!("{}", render_table(&table))?;
                let id = table["id"].as_str().unwrap_or_default();
                out!("{}", render_profiler_data(&catalog, &fqn, id)?)?;
            }
        }
        CatalogCommand::Profile { fqn } => {
            let catalog = open(&args.catalog)?;
            let table = get_table(&catalog, &fqn)?;
            let id = table["id"].as_str().unwrap_or_default();
            let Some(profile) = catalog.latest_table_profile(id)? else {
                bail!(
                    "table {fqn} has no profile yet: run `ferrometa profile -c RECIPE` (a \
                     `Profiler` recipe with this catalog as its sink), or OpenMetadata's \
                     `metadata profile` with a metadata-rest sink pointed at `ferrometa serve`"
                );
            };
            if args.json {
                let value = serde_json::json!({
                    "tableProfile": profile.table_profile(),
                    "columnProfile": profile.column_profile(),
                });
                outln!("{}", serde_json::to_string_pretty(&value)?)?;
            } else {
                out!("{}", render_profile(&fqn, &profile))?;
            }
        }
        CatalogCommand::History { fqn } => {
            let catalog = open(&args.catalog)?;
            let table = get_table(&catalog, &fqn)?;
            let id = table["id"].as_str().unwrap_or_default();
            let versions = catalog.versions(id)?;
            if args.json {
                outln!("{}", serde_json::to_string_pretty(&versions)?)?;
            } else {
                for v in &versions {
                    outln!("{}", history_line(v))?;
                }
            }
        }
        CatalogCommand::Stats => {
            let stats = open(&args.catalog)?.stats()?;
            if args.json {
                outln!("{}", serde_json::to_string_pretty(&stats)?)?;
            } else {
                for s in &stats {
                    outln!(
                        "{:<16} {:>6} live {:>6} deleted",
                        s.entity_type.as_str(),
                        s.live,
                        s.deleted
                    )?;
                }
            }
        }
        CatalogCommand::Check => return check(&args.catalog, args.json),
    }
    Ok(ExitCode::SUCCESS)
}

/// `catalog check`: the file as it is (no migration, nothing created); exit 1 on a problem.
fn check(path: &Path, json: bool) -> anyhow::Result<ExitCode> {
    existing(path)?;
    let problems = ferrometa_catalog::check(path)
        .with_context(|| format!("could not check the catalog {}", path.display()))?;
    if json {
        let report = serde_json::json!({"ok": problems.is_empty(), "problems": problems});
        outln!("{}", serde_json::to_string_pretty(&report)?)?;
    } else if problems.is_empty() {
        outln!("{}: ok", path.display())?;
    } else {
        for problem in &problems {
            outln!("{problem}")?;
        }
    }
    if problems.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "error: the catalog {} has {} problem(s): SQLite's integrity or foreign key check failed",
            path.display(),
            problems.len()
        );
        Ok(ExitCode::FAILURE)
    }
}

fn get_table(catalog: &Catalog, fqn: &str) -> anyhow::Result<Value> {
    catalog
        .get_by_fqn(EntityType::Table, fqn, Include::All)?
        .with_context(|| {
            format!("no table `{fqn}` in the catalog (list them with `ferrometa catalog list`)")
        })
}

fn list_line(entity: &Value) -> String {
    let fqn = entity["fullyQualifiedName"].as_str().unwrap_or_default();
    let version = &entity["version"];
    let columns = entity["columns"]
        .as_array()
        .map(|c| format!("  {} columns", c.len()))
        .unwrap_or_default();
    let deleted = if entity["deleted"].as_bool() == Some(true) {
        "  (deleted)"
    } else {
        ""
    };
    format!("{fqn}  v{version}{columns}{deleted}")
}

fn history_line(version: &Value) -> String {
    let change = &version["changeDescription"];
    let names = |key: &str| -> Vec<String> {
        change[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["name"].as_str().map(str::to_string))
            .collect()
    };
    let mut parts = Vec::new();
    for (label, key) in [
        ("added", "fieldsAdded"),
        ("updated", "fieldsUpdated"),
        ("deleted", "fieldsDeleted"),
    ] {
        let n = names(key);
        if !n.is_empty() {
            parts.push(format!("{label}: {}", n.join(", ")));
        }
    }
    let what = if parts.is_empty() {
        "created".to_string()
    } else {
        parts.join("; ")
    };
    format!(
        "v{}  updatedAt {}  {what}",
        version["version"], version["updatedAt"]
    )
}

/// One table as text: header, key and index summary, then the column tree.
pub fn render_table(table: &Value) -> String {
    let mut out = String::new();
    let fqn = table["fullyQualifiedName"].as_str().unwrap_or_default();
    out.push_str(&format!("{fqn}  v{}", table["version"]));
    if table["deleted"].as_bool() == Some(true) {
        out.push_str("  (deleted)");
    }
    out.push('\n');
    for c in table["tableConstraints"].as_array().into_iter().flatten() {
        let cols: Vec<_> = c["columns"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        out.push_str(&format!(
            "  {} ({})\n",
            c["constraintType"].as_str().unwrap_or_default(),
            cols.join(", ")
        ));
    }
    let dynamo = &table["extension"]["dynamodb"];
    for (label, key) in [
        ("GSI", "globalSecondaryIndexes"),
        ("LSI", "localSecondaryIndexes"),
    ] {
        for index in dynamo[key].as_array().into_iter().flatten() {
            let keys: Vec<_> = index["keySchema"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|k| {
                    format!(
                        "{} {}",
                        k["attributeName"].as_str().unwrap_or_default(),
                        k["keyType"].as_str().unwrap_or_default()
                    )
                })
                .collect();
            let name = index["indexName"]
                .as_str()
                .or(index["name"].as_str())
                .unwrap_or_default();
            out.push_str(&format!("  {label} {name} ({})\n", keys.join(", ")));
        }
    }
    if let Some(ttl) = dynamo["ttl"]["attributeName"].as_str() {
        out.push_str(&format!("  TTL {ttl}\n"));
    }
    let types = dynamo["entityTypes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if !types.is_empty() {
        out.push_str("  Entity types (single-table design):\n");
        for t in &types {
            out.push_str(&format!("    {}\n", entity_line(t)));
        }
    }
    let columns = table["columns"].as_array().cloned().unwrap_or_default();
    render_columns(&columns, "  ", &mut out);
    out
}

/// A table's profile: when, its table metrics, then a row per column.
/// What the profiler and the classifier left beside a table: when it was last profiled (the
/// profile itself is `catalog profile`'s) and how many sample rows it has.
fn render_profiler_data(catalog: &Catalog, fqn: &str, id: &str) -> anyhow::Result<String> {
    let mut out = String::new();
    if let Some(profile) = catalog.latest_table_profile(id)? {
        let when = taken_at(&profile);
        let rows = profile
            .table_profile()
            .get("rowCount")
            .and_then(number)
            .map(|n| format!(", {n} rows"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  Profile: of {when}{rows} (`ferrometa catalog profile {fqn}`)\n"
        ));
    }
    if let Some(sample) = catalog.sample_data(id)? {
        let rows = sample["rows"].as_array().map_or(0, Vec::len);
        out.push_str(&format!("  Sample data: {rows} rows\n"));
    }
    Ok(out)
}

/// When a profile was taken, in RFC 3339.
fn taken_at(profile: &TableProfile) -> String {
    DateTime::from_millis(profile.timestamp())
        .fmt(Format::DateTime)
        .unwrap_or_else(|_| profile.timestamp().to_string())
}

fn render_profile(fqn: &str, profile: &TableProfile) -> String {
    let table = profile.table_profile();
    let when = taken_at(profile);
    let mut out = format!("{fqn}  profile of {when}\n");
    let metrics: Vec<String> = [
        ("rows", "rowCount"),
        ("columns", "columnCount"),
        ("bytes", "sizeInByte"),
        ("sample", "profileSample"),
    ]
    .iter()
    .filter_map(|(label, key)| Some(format!("{label} {}", number(table.get(*key)?)?)))
    .collect();
    if !metrics.is_empty() {
        out.push_str(&format!("  {}\n", metrics.join("  ")));
    }
    let header = [
        "column", "values", "nulls", "missing", "distinct", "min", "max", "mean",
    ];
    let keys = [
        "valuesCount",
        "nullCount",
        "missingCount",
        "distinctCount",
        "min",
        "max",
        "mean",
    ];
    let rows: Vec<Vec<String>> = profile
        .column_profile()
        .iter()
        .map(|column| {
            let name = column["name"].as_str().unwrap_or_default().to_string();
            let cells = keys.iter().map(|key| {
                column
                    .get(*key)
                    .and_then(number)
                    .unwrap_or_else(|| "—".to_string())
            });
            std::iter::once(name).chain(cells).collect()
        })
        .collect();
    let width = |i: usize| {
        rows.iter()
            .map(|row| row[i].chars().count())
            .chain([header[i].len()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        format!("  {}\n", padded.join("  ").trim_end())
    };
    out.push_str(&line(header.to_vec()));
    for row in &rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// A metric as text: integers as they are, other numbers to four significant decimals.
fn number(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        Value::Number(n) => n.as_f64().map(|x| {
            let text = format!("{x:.4}");
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        }),
        Value::String(text) => Some(text.clone()),
        _ => None,
    }
}

/// `USER  40 items (25%)  entity_type = USER  indexes: gsi1`
fn entity_line(entity: &Value) -> String {
    let recognised = &entity["recognisedBy"];
    let how = match recognised["keyPattern"].as_object() {
        Some(pattern) => pattern
            .iter()
            .map(|(key, p)| format!("{key} {}", p.as_str().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(", "),
        None => format!(
            "{} = {}",
            recognised["attribute"].as_str().unwrap_or_default(),
            recognised["value"].as_str().unwrap_or_default()
        ),
    };
    let share = entity["itemShare"].as_f64().unwrap_or_default();
    let indexes: Vec<&str> = entity["indexes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let indexes = if indexes.is_empty() {
        String::new()
    } else {
        format!("  indexes: {}", indexes.join(", "))
    };
    format!(
        "{}  {} items ({:.0}%)  {how}{indexes}",
        entity["name"].as_str().unwrap_or_default(),
        entity["sampledItems"],
        share * 100.0
    )
}

/// The entity type `name` of a table, or an error naming the ones it has.
fn entity_type<'a>(table: &'a Value, name: &str) -> anyhow::Result<&'a Value> {
    let fqn = table["fullyQualifiedName"].as_str().unwrap_or_default();
    let types = table["extension"]["dynamodb"]["entityTypes"].as_array();
    let types = types.map(Vec::as_slice).unwrap_or_default();
    if let Some(entity) = types.iter().find(|t| t["name"] == name) {
        return Ok(entity);
    }
    let known: Vec<&str> = types.iter().filter_map(|t| t["name"].as_str()).collect();
    if known.is_empty() {
        bail!(
            "table {fqn} has no entity types (it is not a single-table design, or discovery is off)"
        );
    }
    bail!(
        "table {fqn} has no entity type `{name}`: its entity types are {}",
        known.join(", ")
    )
}

/// One entity type: its summary line, then its attributes as a tree.
fn render_entity(fqn: &str, entity: &Value) -> String {
    let mut out = format!("{fqn}  entity type {}\n", entity_line(entity));
    let attributes = entity["attributes"].as_array().cloned().unwrap_or_default();
    render_columns(&attribute_tree(&attributes), "  ", &mut out);
    out
}

/// Flat attribute paths (`address.geo.lat`, `lines[].sku`, parents first) as column-shaped
/// JSON nested by path, so the tree renders like a table's columns.
fn attribute_tree(attributes: &[Value]) -> Vec<Value> {
    /// Path, node, and the children gathered so far.
    type Open = (String, serde_json::Map<String, Value>, Vec<Value>);
    fn close(stack: &mut Vec<Open>, roots: &mut Vec<Value>) {
        let (_, mut node, children) = stack.pop().expect("an open node");
        if !children.is_empty() {
            node.insert("children".into(), Value::Array(children));
        }
        match stack.last_mut() {
            Some(parent) => parent.2.push(Value::Object(node)),
            None => roots.push(Value::Object(node)),
        }
    }
    let mut roots = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    for attribute in attributes {
        let path = attribute["name"].as_str().unwrap_or_default().to_string();
        let below = |parent: &str| {
            path.strip_prefix(parent)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with("[]"))
        };
        while stack.last().is_some_and(|(parent, _, _)| !below(parent)) {
            close(&mut stack, &mut roots);
        }
        let label = match stack.last() {
            Some((parent, _, _)) => path[parent.len()..].trim_start_matches(['.', '[', ']']),
            None => path.as_str(),
        };
        let label = if label.is_empty() { "[]" } else { label };
        let presence = attribute["presence"].as_f64().unwrap_or_default();
        let mut node = serde_json::Map::new();
        node.insert("name".into(), Value::from(label));
        node.insert(
            "dataTypeDisplay".into(),
            attribute["dataTypeDisplay"].clone(),
        );
        node.insert(
            "description".into(),
            Value::from(format!("present in {:.0}% of its items", presence * 100.0)),
        );
        stack.push((path.clone(), node, Vec::new()));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    roots
}

fn render_columns(columns: &[Value], indent: &str, out: &mut String) {
    for (i, column) in columns.iter().enumerate() {
        let last = i + 1 == columns.len();
        let branch = if last { "└─ " } else { "├─ " };
        let name = column["displayName"]
            .as_str()
            .or(column["name"].as_str())
            .unwrap_or_default();
        let ty = column["dataTypeDisplay"]
            .as_str()
            .or(column["dataType"].as_str())
            .unwrap_or_default();
        let key = column["constraint"]
            .as_str()
            .map(|c| format!("  [{c}]"))
            .unwrap_or_default();
        let tags: String = column["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|tag| tag["tagFQN"].as_str())
            .map(|fqn| format!("  #{fqn}"))
            .collect();
        let note = column["description"]
            .as_str()
            .map(|d| format!("  — {d}"))
            .unwrap_or_default();
        out.push_str(&format!("{indent}{branch}{name}: {ty}{key}{tags}{note}\n"));
        if let Some(children) = column["children"].as_array() {
            let deeper = format!("{indent}{}", if last { "   " } else { "│  " });
            render_columns(children, &deeper, out);
        }
    }
}

/// What the demo shows after its run: counts, every table, and the richest table's tree.
pub fn print_overview(path: &Path) -> anyhow::Result<()> {
    let catalog = open(path)?;
    outln!("Catalog {}:", path.display())?;
    for s in catalog.stats()? {
        outln!("  {:<16} {:>4}", s.entity_type.as_str(), s.live)?;
    }
    let page = catalog.list(EntityType::Table, &Filters::default(), 1000, None)?;
    outln!("\nTables:")?;
    for t in &page.data {
        outln!("  {}", list_line(t))?;
    }
    let richest = page
        .data
        .iter()
        .max_by_key(|t| t["columns"].as_array().map_or(0, Vec::len));
    if let Some(table) = richest {
        outln!()?;
        out!("{}", render_table(table))?;
    }
    Ok(())
}
