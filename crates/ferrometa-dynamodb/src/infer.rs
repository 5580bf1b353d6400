//! Schema inference: from sampled items (typed `AttributeValue`s) to OpenMetadata columns.
//!
//! Types come from DynamoDB's own type descriptors, never from the text of a value, so a
//! string `"1001"` stays a STRING and a number inside a map keeps its structure.
//!
//! | DynamoDB | dataType | dataTypeDisplay |
//! |---|---|---|
//! | S | STRING | `string` |
//! | N | BIGINT if every value is an integer that fits i64; DECIMAL if every value fits a `DECIMAL(38, s)` (at most 38 digits before plus after the point, taken over all values); NUMBER otherwise (e.g. `1E+125`) | `bigint` / `decimal` / `number` |
//! | B | BYTES (BINARY would require a `dataLength`) | `bytes` |
//! | BOOL | BOOLEAN | `boolean` |
//! | NULL | NULL when nothing else was seen; otherwise it only makes the column nullable | `null` |
//! | M | STRUCT, children = the union of keys over all maps, in name order; MAP if only empty maps were seen | `struct<a:string,b:bigint>` / `map<string,unknown>` |
//! | L | ARRAY, arrayDataType = the merged element type (UNKNOWN if only empty lists), children = the element's children (lists of maps) | `array<struct<...>>` |
//! | SS / NS / BS | SET (no arrayDataType: OpenMetadata keeps it only for ARRAY) | `set<string>` / `set<bigint>` / `set<bytes>` |
//! | different types for one path | UNION, one child per member type, named `string`, `number`, `binary`, `boolean`, `struct`, `array`, `string_set`, `number_set`, `binary_set`, `json` | `union<string,bigint>` |
//! | a map or list nested deeper than `maxDepth` | JSON (not descended into) | `json` |
//!
//! Columns: the key attributes first (hash, then range), typed from the table's
//! AttributeDefinitions (S → STRING, N → NUMBER, B → BYTES) and present even when the table
//! is empty; then every other top-level attribute in name order, so the columns of an
//! unchanged table never move, however the sample's items are ordered (a table read by one
//! request one day and by parallel segments the next gives the same columns). A single-attribute key puts
//! `PRIMARY_KEY` on its column; a composite key gives the table constraints
//! `[PRIMARY_KEY [hash, range], SORT_KEY [range]]` and no column constraint.
//!
//! Names are cut to 256 characters and then encoded ([`ferrometa_model::fqn::encode_name`]);
//! `displayName` carries the raw name when it differs, and struct displays use the encoded
//! names. Warnings show names on one line, cut at 120 characters. Each non-key column's
//! description says how many sampled items contain it; [`Inference::presence`] has the same
//! counts for every path (`address.geo.lat`, `lines[].sku`).
//!
//! Limits: nesting deeper than `maxDepth` becomes JSON, and a struct (or the table) with
//! more than `maxWidth` distinct attributes keeps the first `maxWidth`; both add a warning.
//! Recursion is bounded by the depth limit (at most [`HARD_MAX_DEPTH`]), so no item can
//! overflow the stack.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;
use ferrometa_model::fqn::encode_name;
use ferrometa_model::{Column, ColumnConstraint, ConstraintType, DataType, TableConstraint};

/// Upstream's `truncate_column_name` length.
pub const MAX_NAME_CHARS: usize = 256;
/// Longest `dataTypeDisplay`, in bytes, before it is cut with `…`.
pub const MAX_DISPLAY_BYTES: usize = 2048;
/// The depth limit is never higher than this, whatever the configuration says.
pub const HARD_MAX_DEPTH: u32 = 64;
/// Most entries kept in [`Inference::presence`].
pub const MAX_PRESENCE_PATHS: usize = 2000;

/// Limits of inference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting level described (top-level attributes are level 1).
    pub max_depth: u32,
    /// Most attributes kept per struct, and at the top level.
    pub max_width: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 32,
            max_width: 2000,
        }
    }
}

impl Limits {
    fn depth(&self) -> u32 {
        self.max_depth.clamp(1, HARD_MAX_DEPTH)
    }

    fn width(&self) -> usize {
        self.max_width.max(1) as usize
    }
}

/// A key attribute and its declared type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAttr {
    pub name: String,
    pub data_type: DataType,
}

impl KeyAttr {
    /// A key attribute from its AttributeDefinitions type (`S`, `N`, `B`).
    pub fn from_definition(name: &str, attribute_type: Option<&str>) -> Self {
        let data_type = match attribute_type {
            Some("S") => DataType::String,
            Some("N") => DataType::Number,
            Some("B") => DataType::Bytes,
            _ => DataType::Unknown,
        };
        KeyAttr {
            name: name.to_string(),
            data_type,
        }
    }
}

/// The table's primary key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrimaryKey {
    pub hash: Option<KeyAttr>,
    pub range: Option<KeyAttr>,
}

/// The result of inference for one table.
#[derive(Debug, Clone, PartialEq)]
pub struct Inference {
    pub columns: Vec<Column>,
    pub table_constraints: Option<Vec<TableConstraint>>,
    /// Items that contain each attribute path, sorted by path.
    pub presence: Vec<(String, u64)>,
    /// Items inferred from.
    pub items: u64,
    /// Limits hit and names left out, sorted and deduplicated.
    pub warnings: Vec<String>,
}

/// Number statistics over all values of one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NumStats {
    all_i64: bool,
    max_int_digits: u32,
    max_scale: u32,
    all_parsed: bool,
}

impl Default for NumStats {
    fn default() -> Self {
        NumStats {
            all_i64: true,
            max_int_digits: 0,
            max_scale: 0,
            all_parsed: true,
        }
    }
}

impl NumStats {
    fn add(&mut self, text: &str) {
        match parse_number(text) {
            Some(p) => {
                self.all_i64 &= p.fits_i64;
                self.max_int_digits = self.max_int_digits.max(p.int_digits);
                self.max_scale = self.max_scale.max(p.scale);
            }
            None => {
                self.all_parsed = false;
                self.all_i64 = false;
            }
        }
    }

    fn data_type(&self) -> DataType {
        if !self.all_parsed {
            DataType::Number
        } else if self.all_i64 && self.max_scale == 0 {
            DataType::Bigint
        } else if self.max_int_digits as u64 + self.max_scale as u64 <= 38 {
            DataType::Decimal
        } else {
            DataType::Number
        }
    }
}

/// The shape of one DynamoDB number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ParsedNumber {
    int_digits: u32,
    scale: u32,
    fits_i64: bool,
}

/// Parses DynamoDB's number syntax: `[-+]digits[.digits][(e|E)[-+]digits]`.
fn parse_number(text: &str) -> Option<ParsedNumber> {
    let text = text.trim();
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            // Clamp absurd exponents; they only need to stay far outside DECIMAL(38).
            let magnitude: i64 = digits.parse().unwrap_or(i64::MAX).min(1_000_000);
            if e.starts_with('-') {
                -magnitude
            } else {
                magnitude
            }
        }
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    if (int_part.is_empty() && frac_part.is_empty())
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // Significant digits and the position of the decimal point relative to them.
    let all: String = format!("{int_part}{frac_part}");
    let leading = all.bytes().take_while(|&b| b == b'0').count();
    let digits = all[leading..].trim_end_matches('0');
    if digits.is_empty() {
        return Some(ParsedNumber {
            int_digits: 0,
            scale: 0,
            fits_i64: true,
        });
    }
    let point = int_part.len() as i64 - leading as i64 + exponent;
    let count = digits.len() as i64;
    let int_digits = point.max(0);
    let scale = (count - point).max(0);
    let fits_i64 = scale == 0 && int_digits <= 19 && {
        let zeros = (int_digits - count) as usize;
        let full = format!(
            "{}{}{}",
            if negative { "-" } else { "" },
            digits,
            "0".repeat(zeros)
        );
        full.parse::<i64>().is_ok()
    };
    Some(ParsedNumber {
        int_digits: int_digits.min(u32::MAX as i64) as u32,
        scale: scale.min(u32::MAX as i64) as u32,
        fits_i64,
    })
}

/// Everything seen at one attribute path.
#[derive(Debug, Default)]
struct Node {
    /// Items containing this path.
    present: u64,
    /// The last item counted in `present` (1-based; 0 = none yet).
    last_item: u64,
    string: bool,
    number: Option<NumStats>,
    binary: bool,
    boolean: bool,
    null: bool,
    unknown: bool,
    map: Option<Fields>,
    list: Option<Box<Node>>,
    string_set: bool,
    number_set: Option<NumStats>,
    binary_set: bool,
    /// A map or list below the depth limit.
    deep: bool,
}

/// The attributes of a struct (or of the table), by name: the columns' order.
#[derive(Debug, Default)]
struct Fields {
    nodes: BTreeMap<String, Node>,
}

/// Accumulates items and turns them into columns.
#[derive(Debug)]
pub struct Inferrer {
    limits: Limits,
    root: Fields,
    items: u64,
    warnings: BTreeSet<String>,
}

/// A union member kind, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    String,
    Number,
    Binary,
    Boolean,
    Struct,
    Array,
    StringSet,
    NumberSet,
    BinarySet,
    Json,
    Unknown,
}

impl Kind {
    fn member_name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Number => "number",
            Kind::Binary => "binary",
            Kind::Boolean => "boolean",
            Kind::Struct => "struct",
            Kind::Array => "array",
            Kind::StringSet => "string_set",
            Kind::NumberSet => "number_set",
            Kind::BinarySet => "binary_set",
            Kind::Json => "json",
            Kind::Unknown => "unknown",
        }
    }
}

/// A column's type, before names and descriptions are attached.
#[derive(Debug, Clone)]
struct Typed {
    data_type: DataType,
    array_data_type: Option<DataType>,
    display: String,
    children: Option<Vec<Column>>,
}

fn path_segment(name: &str) -> String {
    if name.contains(['.', '[', ']', '"']) {
        format!("\"{name}\"")
    } else {
        name.to_string()
    }
}

fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A name or path as a warning shows it: on one line, and cut at 120 characters (names run up
/// to 64 KB, and warnings go to logs and the status).
fn shown(text: &str) -> String {
    let cut = truncate_chars(text, 120);
    let mut out = String::with_capacity(cut.len());
    for c in cut.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    if cut.len() < text.len() {
        out.push('…');
    }
    out
}

fn truncate_display(mut s: String) -> String {
    if s.len() > MAX_DISPLAY_BYTES {
        let mut cut = MAX_DISPLAY_BYTES - '…'.len_utf8();
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// "present in 42 of 100 sampled items (42%)".
pub fn presence_text(present: u64, total: u64) -> String {
    let pct = if total == 0 {
        "0%".to_string()
    } else if present == total {
        "100%".to_string()
    } else if present == 0 {
        "0%".to_string()
    } else {
        let p = (present as f64 * 100.0 / total as f64).round() as u64;
        match p {
            0 => "<1%".to_string(),
            100 => ">99%".to_string(),
            p => format!("{p}%"),
        }
    };
    format!("present in {present} of {total} sampled items ({pct})")
}

impl Inferrer {
    pub fn new(limits: Limits) -> Self {
        Inferrer {
            limits,
            root: Fields::default(),
            items: 0,
            warnings: BTreeSet::new(),
        }
    }

    /// Items added so far.
    pub fn items(&self) -> u64 {
        self.items
    }

    /// Adds one item. Attributes are visited in name order.
    pub fn add_item(&mut self, item: &HashMap<String, AttributeValue>) {
        self.items += 1;
        let item_no = self.items;
        let width = self.limits.width();
        let Inferrer {
            root,
            warnings,
            limits,
            ..
        } = self;
        for (name, value) in sorted(item) {
            if let Some(node) = field_node(root, name, width, None, warnings) {
                let path = PathTo::Top(name);
                add_value(node, value, 1, item_no, limits, &path, warnings);
            }
        }
    }

    /// The columns, constraints and presence counts for a table with this key.
    pub fn finish(self, key: &PrimaryKey) -> Inference {
        let Inferrer {
            limits: _,
            root,
            items,
            mut warnings,
        } = self;
        let key_names: Vec<&KeyAttr> = key.hash.iter().chain(key.range.iter()).collect();
        let mut columns = Vec::new();
        let mut used = BTreeSet::new();
        let single_key = key.hash.is_some() && key.range.is_none();
        for (i, attr) in key_names.iter().enumerate() {
            let mut col = named_column(&attr.name);
            col.data_type = attr.data_type;
            col.data_type_display = Some(attr.data_type.as_str().to_lowercase());
            col.description = Some(
                if i == 0 {
                    "Partition key."
                } else {
                    "Sort key."
                }
                .to_string(),
            );
            if single_key {
                col.constraint = Some(ColumnConstraint::PrimaryKey);
            }
            used.insert(col.name.clone());
            columns.push(col);
        }
        for (name, node) in &root.nodes {
            if key_names.iter().any(|k| &k.name == name) {
                continue;
            }
            let mut col = named_column(name);
            if !used.insert(col.name.clone()) {
                warnings.insert(format!(
                    "attribute `{}` left out: its truncated name repeats another column",
                    shown(name)
                ));
                continue;
            }
            let typed = node_type(node, items);
            col.data_type = typed.data_type;
            col.array_data_type = typed.array_data_type;
            col.data_type_display = Some(truncate_display(typed.display));
            col.children = typed.children;
            col.description = Some(presence_text(node.present, items));
            columns.push(col);
        }
        let table_constraints = match (&key.hash, &key.range) {
            (Some(hash), Some(range)) => {
                let pk = encode_name(truncate_chars(&hash.name, MAX_NAME_CHARS));
                let sk = encode_name(truncate_chars(&range.name, MAX_NAME_CHARS));
                Some(vec![
                    TableConstraint {
                        constraint_type: ConstraintType::PrimaryKey,
                        columns: vec![pk, sk.clone()],
                    },
                    TableConstraint {
                        constraint_type: ConstraintType::SortKey,
                        columns: vec![sk],
                    },
                ])
            }
            _ => None,
        };
        let mut presence = BTreeMap::new();
        collect_presence(&root, "", &mut presence);
        if presence.len() > MAX_PRESENCE_PATHS {
            warnings.insert(format!(
                "{} attribute paths found; presence is kept for the first {MAX_PRESENCE_PATHS}",
                presence.len()
            ));
        }
        let presence = presence.into_iter().take(MAX_PRESENCE_PATHS).collect();
        Inference {
            columns,
            table_constraints,
            presence,
            items,
            warnings: warnings.into_iter().collect(),
        }
    }
}

/// Infers columns from a slice of items in one go.
pub fn infer(
    items: &[HashMap<String, AttributeValue>],
    key: &PrimaryKey,
    limits: Limits,
) -> Inference {
    let mut inferrer = Inferrer::new(limits);
    for item in items {
        inferrer.add_item(item);
    }
    inferrer.finish(key)
}

fn named_column(raw: &str) -> Column {
    let name = encode_name(truncate_chars(raw, MAX_NAME_CHARS));
    let mut col = Column::new(name, DataType::Unknown);
    if col.name != raw {
        col.display_name = Some(raw.to_string());
    }
    col
}

/// The attributes of an item or a map, in name order.
fn sorted(map: &HashMap<String, AttributeValue>) -> Vec<(&String, &AttributeValue)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    entries
}

/// Where a value sits (`address.geo.lat`, `lines[]`): built as the items are walked, and
/// rendered only when a warning names it (rendering it for every value cost an allocation
/// per attribute per item).
enum PathTo<'a> {
    Top(&'a str),
    Field(&'a PathTo<'a>, &'a str),
    Element(&'a PathTo<'a>),
}

impl std::fmt::Display for PathTo<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathTo::Top(name) => f.write_str(&path_segment(name)),
            PathTo::Field(parent, name) => write!(f, "{parent}.{}", path_segment(name)),
            PathTo::Element(parent) => write!(f, "{parent}[]"),
        }
    }
}

/// The node for `name` under `fields` (the table's when `parent_path` is `None`), created
/// on first sight unless the width limit is hit.
fn field_node<'a>(
    fields: &'a mut Fields,
    name: &str,
    width: usize,
    parent_path: Option<&PathTo<'_>>,
    warnings: &mut BTreeSet<String>,
) -> Option<&'a mut Node> {
    if name.is_empty() {
        warnings.insert(format!(
            "an attribute with an empty name was left out{}",
            at_path(parent_path)
        ));
        return None;
    }
    if !fields.nodes.contains_key(name) {
        if fields.nodes.len() >= width {
            warnings.insert(format!(
                "more than {width} attributes{}; the others were left out",
                at_path(parent_path)
            ));
            return None;
        }
        fields.nodes.insert(name.to_string(), Node::default());
    }
    fields.nodes.get_mut(name)
}

fn at_path(path: Option<&PathTo<'_>>) -> String {
    match path {
        None => " at the top level".to_string(),
        Some(path) => format!(" under `{}`", shown(&path.to_string())),
    }
}

fn add_value(
    node: &mut Node,
    value: &AttributeValue,
    depth: u32,
    item_no: u64,
    limits: &Limits,
    path: &PathTo<'_>,
    warnings: &mut BTreeSet<String>,
) {
    if node.last_item != item_no {
        node.last_item = item_no;
        node.present += 1;
    }
    match value {
        AttributeValue::S(_) => node.string = true,
        AttributeValue::N(v) => node.number.get_or_insert_with(NumStats::default).add(v),
        AttributeValue::B(_) => node.binary = true,
        AttributeValue::Bool(_) => node.boolean = true,
        AttributeValue::Null(_) => node.null = true,
        AttributeValue::Ss(_) => node.string_set = true,
        AttributeValue::Ns(values) => {
            let stats = node.number_set.get_or_insert_with(NumStats::default);
            for v in values {
                stats.add(v);
            }
        }
        AttributeValue::Bs(_) => node.binary_set = true,
        AttributeValue::M(map) => {
            if at_depth_limit(node, map.is_empty(), depth, limits, path, warnings) {
                if map.is_empty() {
                    node.map.get_or_insert_with(Fields::default);
                }
                return;
            }
            let fields = node.map.get_or_insert_with(Fields::default);
            for (name, value) in sorted(map) {
                let width = limits.width();
                if let Some(child) = field_node(fields, name, width, Some(path), warnings) {
                    let child_path = PathTo::Field(path, name);
                    add_value(
                        child,
                        value,
                        depth + 1,
                        item_no,
                        limits,
                        &child_path,
                        warnings,
                    );
                }
            }
        }
        AttributeValue::L(values) => {
            if at_depth_limit(node, values.is_empty(), depth, limits, path, warnings) {
                if values.is_empty() {
                    node.list.get_or_insert_with(Box::default);
                }
                return;
            }
            let element = node.list.get_or_insert_with(Box::default);
            let child_path = PathTo::Element(path);
            for v in values {
                add_value(
                    element,
                    v,
                    depth + 1,
                    item_no,
                    limits,
                    &child_path,
                    warnings,
                );
            }
        }
        _ => node.unknown = true,
    }
}

/// True at the depth limit, where a non-empty map or list is kept as opaque json (with a
/// warning) instead of being descended into.
fn at_depth_limit(
    node: &mut Node,
    empty: bool,
    depth: u32,
    limits: &Limits,
    path: &PathTo<'_>,
    warnings: &mut BTreeSet<String>,
) -> bool {
    if depth < limits.depth() {
        return false;
    }
    if !empty {
        node.deep = true;
        warnings.insert(format!(
            "nesting deeper than {} levels at `{}` is described as json",
            limits.depth(),
            shown(&path.to_string())
        ));
    }
    true
}

fn kinds(node: &Node) -> Vec<Kind> {
    let mut k = Vec::new();
    if node.string {
        k.push(Kind::String);
    }
    if node.number.is_some() {
        k.push(Kind::Number);
    }
    if node.binary {
        k.push(Kind::Binary);
    }
    if node.boolean {
        k.push(Kind::Boolean);
    }
    if node.map.is_some() {
        k.push(Kind::Struct);
    }
    if node.list.is_some() {
        k.push(Kind::Array);
    }
    if node.string_set {
        k.push(Kind::StringSet);
    }
    if node.number_set.is_some() {
        k.push(Kind::NumberSet);
    }
    if node.binary_set {
        k.push(Kind::BinarySet);
    }
    if node.deep {
        k.push(Kind::Json);
    }
    if node.unknown {
        k.push(Kind::Unknown);
    }
    k
}

fn scalar(data_type: DataType) -> Typed {
    Typed {
        data_type,
        array_data_type: None,
        display: data_type.as_str().to_lowercase(),
        children: None,
    }
}

/// The type of one member kind of a node.
fn kind_type(node: &Node, kind: Kind, items: u64) -> Typed {
    match kind {
        Kind::String => scalar(DataType::String),
        Kind::Number => scalar(node.number.unwrap_or_default().data_type()),
        Kind::Binary => scalar(DataType::Bytes),
        Kind::Boolean => scalar(DataType::Boolean),
        Kind::Json => scalar(DataType::Json),
        Kind::Unknown => scalar(DataType::Unknown),
        Kind::StringSet => Typed {
            display: "set<string>".into(),
            ..scalar(DataType::Set)
        },
        Kind::BinarySet => Typed {
            display: "set<bytes>".into(),
            ..scalar(DataType::Set)
        },
        Kind::NumberSet => {
            let element = node
                .number_set
                .unwrap_or_default()
                .data_type()
                .as_str()
                .to_lowercase();
            Typed {
                display: format!("set<{element}>"),
                ..scalar(DataType::Set)
            }
        }
        Kind::Struct => {
            let fields = node.map.as_ref().expect("struct kind has fields");
            if fields.nodes.is_empty() {
                return Typed {
                    display: "map<string,unknown>".into(),
                    ..scalar(DataType::Map)
                };
            }
            let mut children = Vec::with_capacity(fields.nodes.len());
            let mut display = String::from("struct<");
            for (name, child_node) in &fields.nodes {
                let mut col = named_column(name);
                if children.iter().any(|c: &Column| c.name == col.name) {
                    continue;
                }
                let typed = node_type(child_node, items);
                // The display names the children as the columns do: encoded, so a `>` or a
                // newline in an attribute name cannot break the type text.
                if display.len() <= MAX_DISPLAY_BYTES {
                    if !children.is_empty() {
                        display.push(',');
                    }
                    display.push_str(&col.name);
                    display.push(':');
                    display.push_str(&typed.display);
                }
                col.data_type = typed.data_type;
                col.array_data_type = typed.array_data_type;
                col.data_type_display = Some(truncate_display(typed.display));
                col.children = typed.children;
                col.description = Some(presence_text(child_node.present, items));
                children.push(col);
            }
            display.push('>');
            Typed {
                data_type: DataType::Struct,
                array_data_type: None,
                display,
                children: Some(children),
            }
        }
        Kind::Array => {
            let element = node.list.as_ref().expect("array kind has an element");
            if kinds(element).is_empty() && !element.null {
                return Typed {
                    data_type: DataType::Array,
                    array_data_type: Some(DataType::Unknown),
                    display: "array<unknown>".into(),
                    children: None,
                };
            }
            let typed = node_type(element, items);
            Typed {
                data_type: DataType::Array,
                array_data_type: Some(typed.data_type),
                display: format!("array<{}>", typed.display),
                children: typed.children,
            }
        }
    }
}

/// The merged type of a node: one kind, NULL, or a UNION.
fn node_type(node: &Node, items: u64) -> Typed {
    let kinds = kinds(node);
    match kinds.as_slice() {
        [] => scalar(if node.null {
            DataType::Null
        } else {
            DataType::Unknown
        }),
        [one] => kind_type(node, *one, items),
        many => {
            let mut children = Vec::with_capacity(many.len());
            let mut display = String::from("union<");
            for (i, kind) in many.iter().enumerate() {
                let typed = kind_type(node, *kind, items);
                if i > 0 {
                    display.push(',');
                }
                if display.len() <= MAX_DISPLAY_BYTES {
                    display.push_str(&typed.display);
                }
                let mut col = Column::new(kind.member_name(), typed.data_type);
                col.array_data_type = typed.array_data_type;
                col.data_type_display = Some(truncate_display(typed.display));
                col.children = typed.children;
                children.push(col);
            }
            display.push('>');
            Typed {
                data_type: DataType::Union,
                array_data_type: None,
                display,
                children: Some(children),
            }
        }
    }
}

fn collect_presence(fields: &Fields, prefix: &str, out: &mut BTreeMap<String, u64>) {
    for (name, node) in &fields.nodes {
        let path = if prefix.is_empty() {
            path_segment(name)
        } else {
            format!("{prefix}.{}", path_segment(name))
        };
        collect_node_presence(node, &path, out);
    }
}

fn collect_node_presence(node: &Node, path: &str, out: &mut BTreeMap<String, u64>) {
    // The element of lists that were all empty was never seen: it has no path.
    if out.len() > MAX_PRESENCE_PATHS || node.present == 0 {
        return;
    }
    out.insert(path.to_string(), node.present);
    if let Some(fields) = &node.map {
        collect_presence(fields, path, out);
    }
    if let Some(element) = &node.list {
        let element_path = format!("{path}[]");
        if let Some(fields) = &element.map {
            collect_presence(fields, &element_path, out);
        }
        if let Some(inner) = &element.list {
            collect_node_presence(inner, &format!("{element_path}[]"), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::primitives::Blob;

    fn s(v: &str) -> AttributeValue {
        AttributeValue::S(v.into())
    }
    fn n(v: &str) -> AttributeValue {
        AttributeValue::N(v.into())
    }
    fn m(pairs: &[(&str, AttributeValue)]) -> AttributeValue {
        AttributeValue::M(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }
    fn l(values: &[AttributeValue]) -> AttributeValue {
        AttributeValue::L(values.to_vec())
    }
    fn item(pairs: &[(&str, AttributeValue)]) -> HashMap<String, AttributeValue> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }
    fn no_key() -> PrimaryKey {
        PrimaryKey::default()
    }
    fn composite(h: (&str, &str), r: (&str, &str)) -> PrimaryKey {
        PrimaryKey {
            hash: Some(KeyAttr::from_definition(h.0, Some(h.1))),
            range: Some(KeyAttr::from_definition(r.0, Some(r.1))),
        }
    }
    fn hash_only(h: (&str, &str)) -> PrimaryKey {
        PrimaryKey {
            hash: Some(KeyAttr::from_definition(h.0, Some(h.1))),
            range: None,
        }
    }
    fn col<'a>(inf: &'a Inference, name: &str) -> &'a Column {
        inf.columns
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }
    fn one(value: AttributeValue) -> Column {
        infer(&[item(&[("a", value)])], &no_key(), Limits::default())
            .columns
            .remove(0)
    }
    fn display(c: &Column) -> &str {
        c.data_type_display.as_deref().unwrap()
    }

    #[test]
    fn scalar_types() {
        assert_eq!(one(s("hello")).data_type, DataType::String);
        assert_eq!(
            one(s("1001")).data_type,
            DataType::String,
            "strings are never sniffed"
        );
        assert_eq!(one(s("2023-01-05")).data_type, DataType::String);
        assert_eq!(one(n("25")).data_type, DataType::Bigint);
        assert_eq!(one(n("2.5")).data_type, DataType::Decimal);
        assert_eq!(
            one(AttributeValue::B(Blob::new(b"x".to_vec()))).data_type,
            DataType::Bytes
        );
        assert_eq!(
            one(AttributeValue::Bool(false)).data_type,
            DataType::Boolean
        );
        assert_eq!(one(AttributeValue::Null(true)).data_type, DataType::Null);
        assert_eq!(display(&one(n("0"))), "bigint");
        assert_eq!(display(&one(s(""))), "string");
    }

    #[test]
    fn number_refinement() {
        let num = |vals: &[&str]| {
            let items: Vec<_> = vals.iter().map(|v| item(&[("a", n(v))])).collect();
            infer(&items, &no_key(), Limits::default()).columns[0].data_type
        };
        assert_eq!(
            num(&["1", "-9223372036854775808", "9223372036854775807"]),
            DataType::Bigint
        );
        assert_eq!(
            num(&["9223372036854775808"]),
            DataType::Decimal,
            "beyond i64"
        );
        assert_eq!(
            num(&["1", "1.5"]),
            DataType::Decimal,
            "mixed int and decimal"
        );
        assert_eq!(num(&["1E+3"]), DataType::Bigint);
        assert_eq!(num(&["1.50"]), DataType::Decimal);
        assert_eq!(num(&["-1.5E-10"]), DataType::Decimal);
        assert_eq!(num(&["12345678901234567890123456789.5"]), DataType::Decimal);
        assert_eq!(
            num(&["1E+125"]),
            DataType::Number,
            "too many digits for DECIMAL(38)"
        );
        assert_eq!(num(&["1E-130"]), DataType::Number);
        assert_eq!(
            num(&["12345678901234567890.5", "0.123456789012345678901"]),
            DataType::Number
        );
        assert_eq!(num(&["not a number"]), DataType::Number);
    }

    #[test]
    fn parse_number_shapes() {
        let p = |t: &str| parse_number(t).map(|p| (p.int_digits, p.scale, p.fits_i64));
        assert_eq!(p("0"), Some((0, 0, true)));
        assert_eq!(p("-0.000"), Some((0, 0, true)));
        assert_eq!(p("123.4500"), Some((3, 2, false)));
        assert_eq!(p("0.001"), Some((0, 3, false)));
        assert_eq!(p("1.5e1"), Some((2, 0, true)));
        assert_eq!(p("100"), Some((3, 0, true)));
        assert_eq!(p("1e99999999999999999999"), Some((1_000_001, 0, false)));
        assert_eq!(p(""), None);
        assert_eq!(p("-"), None);
        assert_eq!(p("."), None);
        assert_eq!(p("1e"), None);
        assert_eq!(p("1.2.3"), None);
    }

    #[test]
    fn nested_maps_keep_numbers_and_structure() {
        let c = one(m(&[
            ("line", s("x")),
            ("geo", m(&[("lat", n("52.5")), ("zip", n("10115"))])),
        ]));
        assert_eq!(c.data_type, DataType::Struct);
        assert_eq!(
            display(&c),
            "struct<geo:struct<lat:decimal,zip:bigint>,line:string>"
        );
        let children = c.children.as_ref().unwrap();
        assert_eq!(
            children.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["geo", "line"]
        );
        let geo = &children[0];
        assert_eq!(
            geo.children.as_ref().unwrap()[0].data_type,
            DataType::Decimal
        );
        assert_eq!(
            geo.children.as_ref().unwrap()[1].data_type,
            DataType::Bigint
        );
    }

    #[test]
    fn lists() {
        let c = one(l(&[s("a"), s("b")]));
        assert_eq!(
            (c.data_type, c.array_data_type),
            (DataType::Array, Some(DataType::String))
        );
        assert_eq!(display(&c), "array<string>");

        let c = one(l(&[
            m(&[("name", s("x")), ("qty", n("1"))]),
            m(&[("name", s("y")), ("note", s("z"))]),
        ]));
        assert_eq!(c.array_data_type, Some(DataType::Struct));
        assert_eq!(
            display(&c),
            "array<struct<name:string,note:string,qty:bigint>>"
        );
        assert_eq!(c.children.as_ref().unwrap().len(), 3);

        let c = one(l(&[]));
        assert_eq!(
            (c.array_data_type, display(&c)),
            (Some(DataType::Unknown), "array<unknown>")
        );

        let c = one(l(&[s("a"), n("1")]));
        assert_eq!(c.array_data_type, Some(DataType::Union));
        assert_eq!(display(&c), "array<union<string,bigint>>");

        let c = one(l(&[l(&[n("1.5")])]));
        assert_eq!(c.array_data_type, Some(DataType::Array));
        assert_eq!(display(&c), "array<array<decimal>>");

        let c = one(l(&[AttributeValue::Null(true)]));
        assert_eq!(display(&c), "array<null>");
    }

    #[test]
    fn sets() {
        let c = one(AttributeValue::Ss(vec!["a".into()]));
        assert_eq!(
            (c.data_type, c.array_data_type, display(&c)),
            (DataType::Set, None, "set<string>")
        );
        assert_eq!(
            display(&one(AttributeValue::Ns(vec!["1".into(), "2".into()]))),
            "set<bigint>"
        );
        assert_eq!(
            display(&one(AttributeValue::Ns(vec!["1".into(), "2.5".into()]))),
            "set<decimal>"
        );
        assert_eq!(
            display(&one(AttributeValue::Bs(vec![Blob::new(vec![1])]))),
            "set<bytes>"
        );
    }

    #[test]
    fn empty_map_is_a_map_without_children() {
        let c = one(m(&[]));
        assert_eq!(
            (c.data_type, display(&c), c.children.is_none()),
            (DataType::Map, "map<string,unknown>", true)
        );
        // Once keys are seen, it is a struct.
        let inf = infer(
            &[item(&[("a", m(&[]))]), item(&[("a", m(&[("k", s("v"))]))])],
            &no_key(),
            Limits::default(),
        );
        assert_eq!(inf.columns[0].data_type, DataType::Struct);
    }

    #[test]
    fn conflicts_become_unions_and_null_is_nullable() {
        let items = [
            item(&[("a", s("x"))]),
            item(&[("a", n("1"))]),
            item(&[("a", AttributeValue::Null(true))]),
        ];
        let c = infer(&items, &no_key(), Limits::default())
            .columns
            .remove(0);
        assert_eq!(c.data_type, DataType::Union);
        assert_eq!(display(&c), "union<string,bigint>");
        let members: Vec<_> = c
            .children
            .as_ref()
            .unwrap()
            .iter()
            .map(|c| (c.name.as_str(), c.data_type))
            .collect();
        assert_eq!(
            members,
            [("string", DataType::String), ("number", DataType::Bigint)]
        );

        let items = [
            item(&[("a", s("x"))]),
            item(&[("a", AttributeValue::Null(true))]),
        ];
        assert_eq!(
            infer(&items, &no_key(), Limits::default()).columns[0].data_type,
            DataType::String
        );

        let items = [
            item(&[("a", s("web"))]),
            item(&[("a", m(&[("app", s("ios"))]))]),
        ];
        let c = infer(&items, &no_key(), Limits::default())
            .columns
            .remove(0);
        assert_eq!(display(&c), "union<string,struct<app:string>>");
        let st = &c.children.as_ref().unwrap()[1];
        assert_eq!(
            (
                st.name.as_str(),
                st.children.as_ref().unwrap()[0].name.as_str()
            ),
            ("struct", "app")
        );
    }

    #[test]
    fn sparse_attributes_and_presence() {
        let items: Vec<_> = (0..4)
            .map(|i| {
                let mut it = item(&[
                    ("id", s("x")),
                    ("lines", l(&[m(&[("sku", s("a"))]), m(&[("sku", s("b"))])])),
                ]);
                if i == 0 {
                    it.insert("rare".into(), n("1"));
                }
                it
            })
            .collect();
        let inf = infer(&items, &no_key(), Limits::default());
        assert_eq!(
            col(&inf, "rare").description.as_deref(),
            Some("present in 1 of 4 sampled items (25%)")
        );
        assert_eq!(
            col(&inf, "id").description.as_deref(),
            Some("present in 4 of 4 sampled items (100%)")
        );
        let presence: BTreeMap<_, _> = inf.presence.iter().cloned().collect();
        assert_eq!(presence["lines[].sku"], 4, "counted once per item");
        assert_eq!(presence["rare"], 1);
        assert_eq!(
            presence_text(1, 1000),
            "present in 1 of 1000 sampled items (<1%)"
        );
        assert_eq!(
            presence_text(999, 1000),
            "present in 999 of 1000 sampled items (>99%)"
        );
    }

    #[test]
    fn empty_nested_lists_have_no_presence_path() {
        // Found by fuzzing: `[[]]` reported the path `a[][]` as present in 0 items.
        let inf = infer(
            &[item(&[("a", l(&[l(&[])]))])],
            &no_key(),
            Limits::default(),
        );
        assert_eq!(inf.presence, [("a".to_string(), 1)]);
        assert_eq!(display(&inf.columns[0]), "array<array<unknown>>");
    }

    #[test]
    fn columns_are_in_name_order_whatever_the_item_order() {
        // Upstream orders columns by first appearance ([{z, a}, {m, a}] gives z, a, m), so
        // its columns move when the sample's order does; these never do.
        let items = [
            item(&[("z", s("1")), ("a", s("2"))]),
            item(&[("m", m(&[("y", s("3")), ("b", s("4"))])), ("a", s("4"))]),
        ];
        let inf = infer(&items, &no_key(), Limits::default());
        let names: Vec<_> = inf.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "m", "z"]);
        assert_eq!(display(&inf.columns[1]), "struct<b:string,y:string>");
        let reversed = [items[1].clone(), items[0].clone()];
        assert_eq!(infer(&reversed, &no_key(), Limits::default()), inf);
    }

    #[test]
    fn item_order_keeps_the_column_set() {
        let items = vec![
            item(&[("a", s("1")), ("b", n("1"))]),
            item(&[("c", l(&[n("2")])), ("a", s("x"))]),
            item(&[("d", m(&[("x", s("1"))]))]),
        ];
        let forward = infer(&items, &no_key(), Limits::default());
        let mut reversed_items = items.clone();
        reversed_items.reverse();
        let reversed = infer(&reversed_items, &no_key(), Limits::default());
        let set = |inf: &Inference| {
            let mut v: Vec<_> = inf
                .columns
                .iter()
                .map(|c| (c.name.clone(), c.data_type, c.data_type_display.clone()))
                .collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        };
        assert_eq!(set(&forward), set(&reversed));
        assert_eq!(forward.presence, reversed.presence);
    }

    #[test]
    fn composite_key_upstream_case() {
        let items = [
            item(&[
                ("user_id", s("1001")),
                ("created_at", n("1700000000")),
                ("email", s("alice@example.com")),
            ]),
            item(&[
                ("user_id", s("1002")),
                ("created_at", n("1700000001")),
                ("email", s("bob@example.com")),
            ]),
        ];
        let key = composite(("user_id", "S"), ("created_at", "N"));
        let inf = infer(&items, &key, Limits::default());
        let names: Vec<_> = inf.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["user_id", "created_at", "email"]);
        assert_eq!(col(&inf, "user_id").data_type, DataType::String);
        assert_eq!(display(col(&inf, "user_id")), "string");
        assert_eq!(col(&inf, "created_at").data_type, DataType::Number);
        assert_eq!(col(&inf, "email").data_type, DataType::String);
        assert!(inf.columns.iter().all(|c| c.constraint.is_none()));
        assert_eq!(
            inf.table_constraints,
            Some(vec![
                TableConstraint {
                    constraint_type: ConstraintType::PrimaryKey,
                    columns: vec!["user_id".into(), "created_at".into()]
                },
                TableConstraint {
                    constraint_type: ConstraintType::SortKey,
                    columns: vec!["created_at".into()]
                },
            ])
        );
    }

    #[test]
    fn hash_only_key_upstream_case() {
        let inf = infer(
            &[item(&[("id", s("a")), ("name", s("Alice"))])],
            &hash_only(("id", "S")),
            Limits::default(),
        );
        assert_eq!(inf.table_constraints, None);
        assert_eq!(
            col(&inf, "id").constraint,
            Some(ColumnConstraint::PrimaryKey)
        );
        assert_eq!(col(&inf, "name").constraint, None);
        // At most one column carries PRIMARY_KEY, and never together with a table constraint.
        assert_eq!(
            inf.columns
                .iter()
                .filter(|c| c.constraint.is_some())
                .count(),
            1
        );
    }

    #[test]
    fn empty_table_has_key_columns_only() {
        let inf = infer(
            &[],
            &composite(("user_id", "S"), ("created_at", "N")),
            Limits::default(),
        );
        let cols: Vec<_> = inf
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.data_type))
            .collect();
        assert_eq!(
            cols,
            [
                ("user_id", DataType::String),
                ("created_at", DataType::Number)
            ]
        );
        assert_eq!(inf.items, 0);
        let bin = infer(&[], &hash_only(("blob_id", "B")), Limits::default());
        assert_eq!(bin.columns[0].data_type, DataType::Bytes);
    }

    #[test]
    fn names_are_encoded_and_truncated() {
        let long = "x".repeat(300);
        let inf = infer(
            &[item(&[("we::ird>name", s("a")), (long.as_str(), s("b"))])],
            &no_key(),
            Limits::default(),
        );
        let weird = col(&inf, "we__reserved__colon__ird__reserved__arrow__name");
        assert_eq!(weird.display_name.as_deref(), Some("we::ird>name"));
        let truncated = col(&inf, &"x".repeat(256));
        assert_eq!(truncated.display_name.as_deref(), Some(long.as_str()));
        assert_eq!(
            col(&inf, "we__reserved__colon__ird__reserved__arrow__name").data_type,
            DataType::String
        );
        // Plain names have no displayName.
        let plain = infer(&[item(&[("a", s("x"))])], &no_key(), Limits::default());
        assert_eq!(plain.columns[0].display_name, None);
    }

    #[test]
    fn struct_displays_use_the_column_names() {
        // Found with hostile names: raw names put `>` and newlines into the type text, and a
        // child left out for a repeated truncated name was still listed.
        let a = format!("{}a", "x".repeat(256));
        let b = format!("{}b", "x".repeat(256));
        let c = one(m(&[
            ("a>b", s("1")),
            ("new\nline", n("1")),
            (a.as_str(), s("1")),
            (b.as_str(), s("1")),
        ]));
        let x = "x".repeat(256);
        assert_eq!(
            display(&c),
            format!(
                "struct<a__reserved__arrow__b:string,new__reserved__newline__line:bigint,{x}:string>"
            )
        );
        assert_eq!(c.children.as_ref().unwrap().len(), 3);
    }

    #[test]
    fn truncated_names_that_collide_are_left_out_with_a_warning() {
        let a = format!("{}a", "x".repeat(256));
        let b = format!("{}b", "x".repeat(256));
        let inf = infer(
            &[item(&[(a.as_str(), s("1")), (b.as_str(), s("2"))])],
            &no_key(),
            Limits::default(),
        );
        assert_eq!(inf.columns.len(), 1);
        assert_eq!(inf.warnings.len(), 1);
    }

    #[test]
    fn depth_limit_turns_deep_values_into_json() {
        let mut v = s("leaf");
        for _ in 0..10 {
            v = m(&[("k", v)]);
        }
        let inf = infer(
            &[item(&[("a", v)])],
            &no_key(),
            Limits {
                max_depth: 3,
                max_width: 10,
            },
        );
        assert_eq!(display(&inf.columns[0]), "struct<k:struct<k:json>>");
        assert_eq!(inf.warnings.len(), 1, "{:?}", inf.warnings);
        assert!(inf.warnings[0].contains("deeper than 3"));
    }

    #[test]
    fn warnings_are_one_short_line() {
        // Found by fuzzing: names went into warnings raw, control characters and all.
        let long = format!("{}\nFAKE LOG LINE", "x".repeat(70_000));
        let items = [item(&[
            ("\t", l(&[s("x")])),
            (long.as_str(), m(&[("k", s("v"))])),
        ])];
        let limits = Limits {
            max_depth: 1,
            max_width: 10,
        };
        let inf = infer(&items, &no_key(), limits);
        assert_eq!(inf.warnings.len(), 2, "{:?}", inf.warnings);
        assert!(
            inf.warnings
                .iter()
                .all(|w| w.len() < 300 && !w.contains(['\t', '\n']))
        );
        assert!(
            inf.warnings.iter().any(|w| w.contains("at `\\t`")),
            "{:?}",
            inf.warnings
        );
    }

    #[test]
    fn width_limit_keeps_the_first_attributes() {
        let wide = m(&(0..10)
            .map(|i| (format!("k{i}"), n("1")))
            .collect::<Vec<_>>()
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect::<Vec<_>>());
        let inf = infer(
            &[item(&[("a", wide), ("b", s("x")), ("c", s("y"))])],
            &no_key(),
            Limits {
                max_depth: 8,
                max_width: 2,
            },
        );
        assert_eq!(inf.columns.len(), 2);
        assert_eq!(inf.columns[0].children.as_ref().unwrap().len(), 2);
        assert_eq!(inf.warnings.len(), 2, "{:?}", inf.warnings);
    }

    #[test]
    fn key_columns_keep_their_place_with_width_limit() {
        let inf = infer(
            &[item(&[("aaa", s("1")), ("bbb", s("2")), ("id", s("x"))])],
            &hash_only(("id", "S")),
            Limits {
                max_depth: 8,
                max_width: 1,
            },
        );
        let names: Vec<_> = inf.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "aaa"]);
    }

    #[test]
    fn long_displays_are_cut() {
        let wide: Vec<(String, AttributeValue)> = (0..500)
            .map(|i| (format!("attribute_{i:04}"), n("1")))
            .collect();
        let v = AttributeValue::M(wide.into_iter().collect());
        let c = one(v);
        let d = display(&c);
        assert!(d.len() <= MAX_DISPLAY_BYTES, "{}", d.len());
        assert!(d.ends_with('…'));
        assert_eq!(c.children.as_ref().unwrap().len(), 500);
    }

    #[test]
    fn upstream_mongodb_case_typed() {
        let items = [
            item(&[
                ("name", s("mayur")),
                ("age", n("25")),
                ("is_married", AttributeValue::Bool(false)),
                ("address", m(&[("line", s("random address"))])),
            ]),
            item(&[
                ("name", s("onkar")),
                ("age", n("26")),
                ("is_married", AttributeValue::Bool(true)),
            ]),
        ];
        let inf = infer(&items, &no_key(), Limits::default());
        let cols: Vec<_> = inf
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.data_type))
            .collect();
        assert_eq!(
            cols,
            [
                ("address", DataType::Struct),
                ("age", DataType::Bigint),
                ("is_married", DataType::Boolean),
                ("name", DataType::String)
            ]
        );
        assert_eq!(
            col(&inf, "address").children.as_ref().unwrap()[0].name,
            "line"
        );
        assert_eq!(inf.table_constraints, None);
    }
}

#[cfg(test)]
mod fuzz;
