//! Where a table's metadata goes in its `CreateTable` request.
//!
//! - **Keys** → the first columns, with `PRIMARY_KEY` on the column of a single-attribute
//!   key, or table constraints `[PRIMARY_KEY [hash, range], SORT_KEY [range]]` for a
//!   composite key (see [`crate::infer`]).
//! - **Other attributes** → columns inferred from the sample; each one's description says in
//!   how many sampled items it appears.
//! - **`description`** → a short markdown summary: billing mode and capacity, item count and
//!   size, keys, secondary indexes, TTL attribute, stream, table class, deletion protection,
//!   point-in-time recovery, sample size.
//! - **`sourceUrl`** → the table's page in the AWS console (table name URL-encoded).
//! - **`extension.dynamodb`** → everything, machine-readable, keys in this fixed order:
//!   `arn, tableId, creationDateTime (RFC 3339), billingMode, provisionedThroughput {read,
//!   write}, itemCount, tableSizeBytes, keySchema [{attributeName, keyType}],
//!   attributeDefinitions [{attributeName, attributeType}], globalSecondaryIndexes [{name,
//!   keySchema, projection {type, nonKeyAttributes}, provisionedThroughput, status}],
//!   localSecondaryIndexes [{name, keySchema, projection}], stream {enabled, viewType},
//!   ttl {status, attributeName}, tableClass, deletionProtection, pointInTimeRecovery,
//!   tags {key: value}, sample {items, segments, truncated, partial},
//!   attributePresence {path: share}`. A field that could not be read is `null` (e.g.
//!   `pointInTimeRecovery` on an endpoint without DescribeContinuousBackups, `tags` with
//!   `includeTags: false`). Indexes are sorted by name, attribute definitions by name, tags and
//!   presence by key.
//!
//! Nothing random or time-dependent goes into the request (no sampling time, no consumed
//! capacity, no request ids, no error texts), so an unchanged table gives a byte-identical
//! request on every run and a re-run writes nothing. `itemCount` and `tableSizeBytes` do
//! change with the data (DynamoDB refreshes them about every six hours).

use aws_sdk_dynamodb::types::{
    KeySchemaElement, KeyType, Projection, ProvisionedThroughputDescription, TableDescription,
};
use aws_smithy_types::date_time::Format;
use ferrometa_model::fqn::encode_name;
use ferrometa_model::{Column, CreateTable, TableType};
use serde_json::{Map, Value, json};

use crate::describe::{Tags, Ttl};
use crate::entity_types::{EntityType, IndexKeys, RecognisedBy};
use crate::infer::{Inference, KeyAttr, PrimaryKey, path_segment};

/// How the sample went, as recorded in the entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleSummary {
    pub items: u64,
    pub segments: u32,
    /// A budget stopped the sample before the end of the table.
    pub truncated: bool,
    /// A Scan failed: the columns come from part of the sample.
    pub partial: bool,
}

/// Everything known about one table.
#[derive(Debug)]
pub struct TableMetadata<'a> {
    pub schema_fqn: &'a str,
    pub region: &'a str,
    pub description: &'a TableDescription,
    pub ttl: Option<&'a Ttl>,
    pub pitr: Option<&'a str>,
    pub tags: Option<&'a Tags>,
    pub inference: &'a Inference,
    pub sample: SampleSummary,
    /// The entity types of a single-table design, sorted by name; empty for most tables.
    pub entity_types: &'a [EntityType],
}

/// The primary key from a table description.
pub fn primary_key(desc: &TableDescription) -> PrimaryKey {
    let attr_type = |name: &str| {
        desc.attribute_definitions()
            .iter()
            .find(|d| d.attribute_name == name)
            .map(|d| d.attribute_type.as_str().to_string())
    };
    let key = |kind: KeyType| {
        desc.key_schema()
            .iter()
            .find(|k| k.key_type == kind)
            .map(|k| {
                KeyAttr::from_definition(&k.attribute_name, attr_type(&k.attribute_name).as_deref())
            })
    };
    PrimaryKey {
        hash: key(KeyType::Hash),
        range: key(KeyType::Range),
    }
}

/// The secondary indexes (global and local) with their key attributes.
pub fn index_keys(desc: &TableDescription) -> Vec<IndexKeys> {
    let keys = |name: Option<&str>, schema: &[KeySchemaElement]| IndexKeys {
        name: name.unwrap_or_default().to_string(),
        attributes: schema.iter().map(|k| k.attribute_name.clone()).collect(),
    };
    let global = desc
        .global_secondary_indexes()
        .iter()
        .map(|g| keys(g.index_name(), g.key_schema()));
    let local = desc
        .local_secondary_indexes()
        .iter()
        .map(|l| keys(l.index_name(), l.key_schema()));
    global.chain(local).collect()
}

/// The AWS console page of a table.
pub fn source_url(region: &str, table: &str) -> String {
    let region = url_encode(region);
    format!(
        "https://{region}.console.aws.amazon.com/dynamodbv2/home?region={region}#table?name={}",
        url_encode(table)
    )
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The table's name as DynamoDB reports it.
fn table_name(desc: &TableDescription) -> &str {
    desc.table_name().unwrap_or_default()
}

fn billing_mode(desc: &TableDescription) -> &str {
    desc.billing_mode_summary()
        .and_then(|b| b.billing_mode())
        .map_or("PROVISIONED", |m| m.as_str())
}

fn key_schema_json(keys: &[KeySchemaElement]) -> Value {
    let mut keys: Vec<&KeySchemaElement> = keys.iter().collect();
    keys.sort_by_key(|k| if k.key_type == KeyType::Hash { 0 } else { 1 });
    Value::Array(
        keys.into_iter()
            .map(|k| json!({"attributeName": k.attribute_name, "keyType": k.key_type.as_str()}))
            .collect(),
    )
}

fn throughput_json(t: Option<&ProvisionedThroughputDescription>) -> Value {
    match t {
        Some(t) => json!({"read": t.read_capacity_units, "write": t.write_capacity_units}),
        None => Value::Null,
    }
}

fn projection_json(p: Option<&Projection>) -> Value {
    match p {
        Some(p) => {
            let mut non_key: Vec<&String> = p.non_key_attributes().iter().collect();
            non_key.sort();
            json!({
                "type": p.projection_type().map(|t| t.as_str()),
                "nonKeyAttributes": if non_key.is_empty() { Value::Null } else { json!(non_key) },
            })
        }
        None => Value::Null,
    }
}

fn key_names(keys: &[KeySchemaElement]) -> String {
    let mut keys: Vec<&KeySchemaElement> = keys.iter().collect();
    keys.sort_by_key(|k| if k.key_type == KeyType::Hash { 0 } else { 1 });
    keys.iter()
        .map(|k| format!("`{}`", k.attribute_name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn projection_text(p: Option<&Projection>) -> String {
    let Some(p) = p else { return String::new() };
    let kind = p.projection_type().map_or("ALL", |t| t.as_str());
    let mut non_key: Vec<&String> = p.non_key_attributes().iter().collect();
    non_key.sort();
    if non_key.is_empty() {
        kind.to_string()
    } else {
        format!(
            "{kind} {}",
            non_key
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// Bytes as `12.3 KiB`.
pub fn human_bytes(bytes: i64) -> String {
    const UNITS: [&str; 6] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes.max(0) as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{} bytes", bytes.max(0))
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// The markdown summary that becomes the table description.
pub fn description(meta: &TableMetadata<'_>) -> String {
    let d = meta.description;
    let mut lines = Vec::new();
    let billing = billing_mode(d);
    let capacity = match d.provisioned_throughput() {
        Some(t) if billing == "PROVISIONED" => format!(
            " ({} RCU, {} WCU)",
            t.read_capacity_units.unwrap_or_default(),
            t.write_capacity_units.unwrap_or_default()
        ),
        _ => String::new(),
    };
    lines.push(format!("- Billing mode: {billing}{capacity}"));
    lines.push(format!(
        "- Items: {} ({})",
        d.item_count.unwrap_or_default(),
        human_bytes(d.table_size_bytes.unwrap_or_default())
    ));
    let key = primary_key(d);
    let mut key_parts = Vec::new();
    if let Some(h) = &key.hash {
        key_parts.push(format!(
            "partition key `{}` ({})",
            h.name,
            h.data_type.as_str().to_lowercase()
        ));
    }
    if let Some(r) = &key.range {
        key_parts.push(format!(
            "sort key `{}` ({})",
            r.name,
            r.data_type.as_str().to_lowercase()
        ));
    }
    if !key_parts.is_empty() {
        lines.push(format!("- Key: {}", key_parts.join(", ")));
    }
    let mut gsis: Vec<_> = d.global_secondary_indexes().iter().collect();
    gsis.sort_by(|a, b| a.index_name().cmp(&b.index_name()));
    if !gsis.is_empty() {
        let list: Vec<String> = gsis
            .iter()
            .map(|g| {
                format!(
                    "`{}` ({}; {})",
                    g.index_name().unwrap_or_default(),
                    key_names(g.key_schema()),
                    projection_text(g.projection())
                )
            })
            .collect();
        lines.push(format!("- Global secondary indexes: {}", list.join(", ")));
    }
    let mut lsis: Vec<_> = d.local_secondary_indexes().iter().collect();
    lsis.sort_by(|a, b| a.index_name().cmp(&b.index_name()));
    if !lsis.is_empty() {
        let list: Vec<String> = lsis
            .iter()
            .map(|l| {
                format!(
                    "`{}` ({}; {})",
                    l.index_name().unwrap_or_default(),
                    key_names(l.key_schema()),
                    projection_text(l.projection())
                )
            })
            .collect();
        lines.push(format!("- Local secondary indexes: {}", list.join(", ")));
    }
    match meta.ttl {
        Some(ttl) if ttl.status == "ENABLED" || ttl.status == "ENABLING" => lines.push(format!(
            "- Time to live: `{}`{}",
            ttl.attribute_name.as_deref().unwrap_or("?"),
            if ttl.status == "ENABLING" {
                " (enabling)"
            } else {
                ""
            }
        )),
        Some(_) => lines.push("- Time to live: off".into()),
        None => {}
    }
    match d.stream_specification() {
        Some(s) if s.stream_enabled => lines.push(format!(
            "- Stream: {}",
            s.stream_view_type().map_or("enabled", |v| v.as_str())
        )),
        _ => lines.push("- Stream: off".into()),
    }
    lines.push(format!("- Table class: {}", table_class(d)));
    lines.push(format!(
        "- Deletion protection: {}",
        if d.deletion_protection_enabled.unwrap_or(false) {
            "on"
        } else {
            "off"
        }
    ));
    if let Some(pitr) = meta.pitr {
        lines.push(format!(
            "- Point-in-time recovery: {}",
            if pitr == "ENABLED" { "on" } else { "off" }
        ));
    }
    let s = meta.sample;
    let mut sample = format!("- Columns inferred from {} sampled items", s.items);
    if s.partial {
        sample.push_str(" (partial sample: reading the table failed part-way)");
    } else if s.truncated {
        sample.push_str(" (the table has more)");
    }
    lines.push(sample);
    let mut text = format!(
        "DynamoDB table `{}`.\n\n{}",
        table_name(d),
        lines.join("\n")
    );
    if !meta.entity_types.is_empty() {
        text.push_str(&entity_types_markdown(meta.entity_types));
    }
    text
}

/// The entity types as a Markdown table: name, share of the sample, how they are recognised.
fn entity_types_markdown(types: &[EntityType]) -> String {
    let mut out = format!(
        "\n\nEntity types (single-table design, {} found in the sample):\n\n\
         | entity type | share | recognised by |\n|---|---|---|\n",
        types.len()
    );
    for t in types {
        let recognised = match &t.recognised_by {
            RecognisedBy::Attribute { attribute, value } => {
                format!("{} = {}", code_span(attribute), code_span(value))
            }
            RecognisedBy::KeyPattern(parts) => parts
                .iter()
                .map(|(key, pattern)| format!("{} {}", code_span(key), code_span(pattern)))
                .collect::<Vec<_>>()
                .join(", "),
        };
        out.push_str(&format!(
            "| {} | {} | {recognised} |\n",
            code_span(&t.name),
            percent(t.item_share)
        ));
    }
    out.truncate(out.trim_end().len());
    out
}

/// A share as a whole percentage, `<1%` and `>99%` at the ends.
fn percent(share: f64) -> String {
    match (share * 100.0).round() as u64 {
        0 if share > 0.0 => "<1%".to_string(),
        100 if share < 1.0 => ">99%".to_string(),
        p => format!("{p}%"),
    }
}

/// Text from the data as a Markdown code span that stays inside its table cell.
fn code_span(text: &str) -> String {
    let text = text.replace(['\n', '\r', '\t'], " ").replace('|', "\\|");
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// Each entity type a column's attribute appears in, with its presence there:
/// `In entity types: USER 100%, ORDER 40%.`
fn entity_presence(column: &str, types: &[EntityType]) -> Option<String> {
    let parts: Vec<String> = types
        .iter()
        .filter_map(|t| {
            let present = t.attributes.iter().find(|a| a.path == column)?.present;
            let share = present as f64 / t.sampled_items.max(1) as f64;
            Some(format!("{} {}", t.name, percent(share)))
        })
        .collect();
    (!parts.is_empty()).then(|| format!("In entity types: {}.", parts.join(", ")))
}

/// The inferred columns, each description naming the entity types its attribute is in.
fn columns(meta: &TableMetadata<'_>) -> Vec<Column> {
    let mut columns = meta.inference.columns.clone();
    if meta.entity_types.is_empty() {
        return columns;
    }
    for column in &mut columns {
        let raw = column.display_name.as_deref().unwrap_or(&column.name);
        if let Some(text) = entity_presence(&path_segment(raw), meta.entity_types) {
            column.description = Some(match column.description.take() {
                Some(description) if description.ends_with('.') => format!("{description} {text}"),
                Some(description) => format!("{description}. {text}"),
                None => text,
            });
        }
    }
    columns
}

fn table_class(d: &TableDescription) -> &str {
    d.table_class_summary()
        .and_then(|c| c.table_class())
        .map_or("STANDARD", |c| c.as_str())
}

/// `extension.dynamodb`.
pub fn extension(meta: &TableMetadata<'_>) -> Value {
    let d = meta.description;
    let mut attr_defs: Vec<_> = d.attribute_definitions().iter().collect();
    attr_defs.sort_by(|a, b| a.attribute_name.cmp(&b.attribute_name));
    let mut gsis: Vec<_> = d.global_secondary_indexes().iter().collect();
    gsis.sort_by(|a, b| a.index_name().cmp(&b.index_name()));
    let mut lsis: Vec<_> = d.local_secondary_indexes().iter().collect();
    lsis.sort_by(|a, b| a.index_name().cmp(&b.index_name()));
    let items = meta.inference.items;
    let presence: Map<String, Value> = meta
        .inference
        .presence
        .iter()
        .map(|(path, n)| {
            let share = if items == 0 {
                0.0
            } else {
                (*n as f64 / items as f64 * 10_000.0).round() / 10_000.0
            };
            (path.clone(), json!(share))
        })
        .collect();
    let tags = meta
        .tags
        .map(|t| Value::Object(t.iter().map(|(k, v)| (k.clone(), json!(v))).collect()));
    let mut value = json!({
        "dynamodb": {
            "arn": d.table_arn(),
            "tableId": d.table_id(),
            "creationDateTime": d.creation_date_time().and_then(|t| t.fmt(Format::DateTime).ok()),
            "billingMode": billing_mode(d),
            "provisionedThroughput": throughput_json(d.provisioned_throughput()),
            "itemCount": d.item_count,
            "tableSizeBytes": d.table_size_bytes,
            "keySchema": key_schema_json(d.key_schema()),
            "attributeDefinitions": attr_defs.iter().map(|a| json!({
                "attributeName": a.attribute_name,
                "attributeType": a.attribute_type.as_str(),
            })).collect::<Vec<_>>(),
            "globalSecondaryIndexes": gsis.iter().map(|g| json!({
                "name": g.index_name(),
                "keySchema": key_schema_json(g.key_schema()),
                "projection": projection_json(g.projection()),
                "provisionedThroughput": throughput_json(g.provisioned_throughput()),
                "status": g.index_status().map(|s| s.as_str()),
            })).collect::<Vec<_>>(),
            "localSecondaryIndexes": lsis.iter().map(|l| json!({
                "name": l.index_name(),
                "keySchema": key_schema_json(l.key_schema()),
                "projection": projection_json(l.projection()),
            })).collect::<Vec<_>>(),
            "stream": match d.stream_specification() {
                Some(s) => json!({"enabled": s.stream_enabled, "viewType": s.stream_view_type().map(|v| v.as_str())}),
                None => json!({"enabled": false, "viewType": null}),
            },
            "ttl": meta.ttl.map(|t| json!({"status": t.status, "attributeName": t.attribute_name})),
            "tableClass": table_class(d),
            "deletionProtection": d.deletion_protection_enabled.unwrap_or(false),
            "pointInTimeRecovery": meta.pitr,
            "tags": tags,
            "sample": {
                "items": meta.sample.items,
                "segments": meta.sample.segments,
                "truncated": meta.sample.truncated,
                "partial": meta.sample.partial,
            },
            "attributePresence": presence,
        }
    });
    // Left out when empty, so tables without entity types keep their requests (and hashes).
    if !meta.entity_types.is_empty() {
        value["dynamodb"]["entityTypes"] = entity_types_json(meta.entity_types);
    }
    value
}

/// `extension.dynamodb.entityTypes`.
fn entity_types_json(types: &[EntityType]) -> Value {
    let share = |x: f64| (x * 10_000.0).round() / 10_000.0;
    types
        .iter()
        .map(|t| {
            let recognised_by = match &t.recognised_by {
                RecognisedBy::Attribute { attribute, value } => {
                    json!({"attribute": attribute, "value": value})
                }
                RecognisedBy::KeyPattern(parts) => {
                    let pattern: Map<String, Value> =
                        parts.iter().map(|(k, p)| (k.clone(), json!(p))).collect();
                    json!({"keyPattern": pattern})
                }
            };
            let items = t.sampled_items.max(1) as f64;
            let attributes: Vec<Value> = t
                .attributes
                .iter()
                .map(|a| {
                    json!({
                        "name": a.path,
                        "dataTypeDisplay": a.display,
                        "presence": share(a.present as f64 / items),
                    })
                })
                .collect();
            json!({
                "name": t.name,
                "recognisedBy": recognised_by,
                "sampledItems": t.sampled_items,
                "itemShare": share(t.item_share),
                "attributes": attributes,
                "indexes": t.indexes,
            })
        })
        .collect()
}

/// The `CreateTable` request of one table.
pub fn create_table(meta: &TableMetadata<'_>) -> CreateTable {
    let name = table_name(meta.description);
    CreateTable {
        name: encode_name(name),
        description: Some(description(meta)),
        table_type: Some(TableType::Regular),
        columns: columns(meta),
        table_constraints: meta.inference.table_constraints.clone(),
        database_schema: meta.schema_fqn.to_string(),
        source_url: Some(source_url(meta.region, name)),
        extension: Some(extension(meta)),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, BillingModeSummary, GlobalSecondaryIndexDescription,
        ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
    };
    use aws_smithy_types::DateTime;

    fn key(name: &str, kind: KeyType) -> KeySchemaElement {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .unwrap()
    }

    fn def(name: &str, t: ScalarAttributeType) -> AttributeDefinition {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(t)
            .build()
            .unwrap()
    }

    fn orders() -> TableDescription {
        TableDescription::builder()
            .table_name("orders")
            .table_arn("arn:aws:dynamodb:us-east-1:123456789012:table/orders")
            .table_id("b3f7c0de-0000-4000-8000-000000000001")
            .creation_date_time(DateTime::from_secs(1_700_000_000))
            .key_schema(key("order_ts", KeyType::Range))
            .key_schema(key("customer_id", KeyType::Hash))
            .attribute_definitions(def("status", ScalarAttributeType::S))
            .attribute_definitions(def("customer_id", ScalarAttributeType::S))
            .attribute_definitions(def("order_ts", ScalarAttributeType::N))
            .billing_mode_summary(
                BillingModeSummary::builder()
                    .billing_mode(BillingMode::PayPerRequest)
                    .build(),
            )
            .item_count(60)
            .table_size_bytes(12_345)
            .global_secondary_indexes(
                GlobalSecondaryIndexDescription::builder()
                    .index_name("by_status")
                    .key_schema(key("status", KeyType::Hash))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::Include)
                            .non_key_attributes("total")
                            .build(),
                    )
                    .build(),
            )
            .stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::NewImage)
                    .build()
                    .unwrap(),
            )
            .deletion_protection_enabled(true)
            .build()
    }

    #[test]
    fn urls_are_encoded() {
        assert_eq!(
            source_url("us-east-1", "events.v2"),
            "https://us-east-1.console.aws.amazon.com/dynamodbv2/home?region=us-east-1#table?name=events.v2"
        );
        assert_eq!(url_encode("a b#c/é"), "a%20b%23c%2F%C3%A9");
    }

    #[test]
    fn sizes() {
        assert_eq!(human_bytes(0), "0 bytes");
        assert_eq!(human_bytes(1023), "1023 bytes");
        assert_eq!(human_bytes(12_345), "12.1 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024), "5.0 MiB");
    }

    #[test]
    fn keys_come_from_the_description() {
        let key = primary_key(&orders());
        assert_eq!(key.hash.unwrap().name, "customer_id");
        let range = key.range.unwrap();
        assert_eq!(
            (range.name.as_str(), range.data_type),
            ("order_ts", ferrometa_model::DataType::Number)
        );
    }

    #[test]
    fn request_is_deterministic_and_ordered() {
        let desc = orders();
        let inference = crate::infer::infer(&[], &primary_key(&desc), Default::default());
        let ttl = Ttl {
            status: "ENABLED".into(),
            attribute_name: Some("expires_at".into()),
        };
        let tags: Tags = [
            ("z".to_string(), "1".to_string()),
            ("a".to_string(), "2".to_string()),
        ]
        .into();
        let meta = TableMetadata {
            schema_fqn: "svc.default.default",
            region: "us-east-1",
            description: &desc,
            ttl: Some(&ttl),
            pitr: None,
            tags: Some(&tags),
            inference: &inference,
            entity_types: &[],
            sample: SampleSummary {
                items: 0,
                segments: 4,
                truncated: false,
                partial: false,
            },
        };
        let a = serde_json::to_string(&create_table(&meta)).unwrap();
        let b = serde_json::to_string(&create_table(&meta)).unwrap();
        assert_eq!(a, b);
        let ext = extension(&meta);
        let d = &ext["dynamodb"];
        let keys: Vec<&String> = d.as_object().unwrap().keys().collect();
        assert_eq!(
            keys[..4],
            ["arn", "tableId", "creationDateTime", "billingMode"]
        );
        assert_eq!(d["creationDateTime"], "2023-11-14T22:13:20Z");
        assert_eq!(d["keySchema"][0]["attributeName"], "customer_id");
        assert_eq!(d["attributeDefinitions"][0]["attributeName"], "customer_id");
        assert_eq!(
            d["globalSecondaryIndexes"][0]["projection"]["nonKeyAttributes"][0],
            "total"
        );
        assert_eq!(
            d["tags"].as_object().unwrap().keys().collect::<Vec<_>>(),
            ["a", "z"]
        );
        assert_eq!(d["pointInTimeRecovery"], Value::Null);
        assert_eq!(d["ttl"]["attributeName"], "expires_at");
        let text = description(&meta);
        assert!(text.contains("- Billing mode: PAY_PER_REQUEST\n"), "{text}");
        assert!(
            text.contains("partition key `customer_id` (string), sort key `order_ts` (number)"),
            "{text}"
        );
        assert!(
            text.contains("`by_status` (`status`; INCLUDE `total`)"),
            "{text}"
        );
        assert!(text.contains("- Time to live: `expires_at`"), "{text}");
        assert!(text.contains("- Stream: NEW_IMAGE"), "{text}");
        assert!(text.contains("- Deletion protection: on"), "{text}");
        assert!(!text.contains("Point-in-time"), "{text}");
    }

    #[test]
    fn entity_type_names_from_the_data_stay_inside_their_markdown_cells() {
        use crate::entity_types::{EntityType, RecognisedBy};
        use crate::infer::{PathSummary, PrimaryKey};
        let hostile = ["<script>alert(1)</script>", "a|b", "new\nline", "back`tick"];
        let types: Vec<EntityType> = hostile
            .iter()
            .map(|name| EntityType {
                name: name.to_string(),
                recognised_by: RecognisedBy::Attribute {
                    attribute: "type".into(),
                    value: name.to_string(),
                },
                sampled_items: 5,
                item_share: 0.25,
                attributes: vec![PathSummary {
                    path: "type".into(),
                    display: "string".into(),
                    present: 5,
                }],
                indexes: Vec::new(),
            })
            .collect();
        let desc = orders();
        let inference = crate::infer::infer(&[], &PrimaryKey::default(), Default::default());
        let meta = TableMetadata {
            schema_fqn: "svc.default.default",
            region: "us-east-1",
            description: &desc,
            ttl: None,
            pitr: None,
            tags: None,
            inference: &inference,
            entity_types: &types,
            sample: SampleSummary {
                items: 20,
                segments: 1,
                truncated: false,
                partial: false,
            },
        };
        let text = description(&meta);
        let table: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("| entity type"))
            .collect();
        // Header, rule, one row per type: no name broke a row or added a cell.
        assert_eq!(table.len(), 2 + hostile.len(), "{text}");
        for row in &table[2..] {
            let cells = row.replace("\\|", "").matches('|').count();
            assert_eq!(cells, 4, "{row}");
        }
        assert!(
            text.contains("| `<script>alert(1)</script>` | 25% |"),
            "{text}"
        );
        assert!(text.contains("`` back`tick ``"), "{text}");
        // The machine-readable copy keeps the names exactly.
        let names: Vec<Value> = extension(&meta)["dynamodb"]["entityTypes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].clone())
            .collect();
        assert_eq!(names, hostile.map(Value::from));
    }
}
