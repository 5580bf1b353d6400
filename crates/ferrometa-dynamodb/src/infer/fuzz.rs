//! Fuzzing inference with proptest: arbitrary nested items (empty sets and maps, binary,
//! mixed types per path, hostile attribute names, number strings of every shape), limits from
//! tiny to beyond [`MAX_DEPTH`](ferrometa_config::MAX_DEPTH). Inference must not panic, and its result must keep the
//! invariants OpenMetadata and the catalog rely on (see [`check_columns`]), be deterministic,
//! and not depend on the iteration order of the items' maps; without limits in play, the
//! column set, types and presence do not depend on the order of the items either.
//!
//! CI runs proptest's default 256 cases per property. The long mode is
//! `PROPTEST_CASES=100000 cargo test --release -p ferrometa-dynamodb --lib infer::fuzz`.

use super::*;
use aws_sdk_dynamodb::primitives::Blob;
use proptest::prelude::*;

type Item = HashMap<String, AttributeValue>;

/// Number texts at the edges of DynamoDB's syntax and of DECIMAL(38).
const NUMBERS: [&str; 24] = [
    "1e125",
    "1E+125",
    "9.9999999999999999999999999999999999999E+125",
    "1E-130",
    "-0",
    "+0",
    ".5",
    "5.",
    "-.5e-3",
    "0.0000",
    "12345678901234567890123456789012345678",
    "123456789012345678901234567890123456789",
    "0.12345678901234567890123456789012345678",
    "-9223372036854775808",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "1e18",
    "1e19",
    "1e99999999999999999999",
    "",
    "NaN",
    "0x10",
    "1_000",
];

/// Attribute names: a small pool that collides across items, and hostile ones.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-d]{0,2}",
        1 => proptest::sample::select(&[
            "a.b", "\"", "\"q\"", "::", "a::b", ">", "<", ",", " ", "\t", "\n", "é", "e\u{301}",
            "🦀", "\u{202e}rtl", "שלום", "x[]", "[0]", "\\",
        ][..])
        .prop_map(str::to_string),
        // Long names that collide once cut to MAX_NAME_CHARS.
        1 => "[xy]{1,2}".prop_map(|tail| format!("{}{tail}", "n".repeat(MAX_NAME_CHARS))),
        1 => any::<String>(),
    ]
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[-+]?[0-9]{0,45}(\\.[0-9]{0,45})?([eE][-+]?[0-9]{0,25})?",
        2 => proptest::sample::select(&NUMBERS[..]).prop_map(str::to_string),
        2 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|f| f.to_string()),
        1 => any::<String>(),
    ]
}

fn blob() -> impl Strategy<Value = Blob> {
    proptest::collection::vec(any::<u8>(), 0..8).prop_map(Blob::new)
}

fn value() -> impl Strategy<Value = AttributeValue> {
    let leaf = prop_oneof![
        any::<String>().prop_map(AttributeValue::S),
        number().prop_map(AttributeValue::N),
        blob().prop_map(AttributeValue::B),
        any::<bool>().prop_map(AttributeValue::Bool),
        any::<bool>().prop_map(AttributeValue::Null),
        proptest::collection::vec(any::<String>(), 0..3).prop_map(AttributeValue::Ss),
        proptest::collection::vec(number(), 0..3).prop_map(AttributeValue::Ns),
        proptest::collection::vec(blob(), 0..3).prop_map(AttributeValue::Bs),
    ];
    leaf.prop_recursive(12, 128, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(AttributeValue::L),
            proptest::collection::hash_map(name(), inner, 0..6).prop_map(AttributeValue::M),
        ]
    })
}

fn items() -> impl Strategy<Value = Vec<Item>> {
    proptest::collection::vec(proptest::collection::hash_map(name(), value(), 0..6), 0..6)
}

fn key_attr() -> impl Strategy<Value = KeyAttr> {
    (
        // DynamoDB's limits for key attribute names.
        name().prop_filter("1 to 255 bytes", |n| (1..=255).contains(&n.len())),
        proptest::sample::select(&[Some("S"), Some("N"), Some("B"), None][..]),
    )
        .prop_map(|(n, t)| KeyAttr::from_definition(&n, t))
}

fn key() -> impl Strategy<Value = PrimaryKey> {
    (
        proptest::option::of(key_attr()),
        proptest::option::of(key_attr()),
    )
        .prop_map(|(hash, range)| {
            // DynamoDB has no range key without a hash key, and the two names differ.
            let range = range.filter(|r| hash.as_ref().is_some_and(|h| h.name != r.name));
            PrimaryKey { hash, range }
        })
}

fn limits() -> impl Strategy<Value = Limits> {
    (
        prop_oneof![4 => 0u32..16, 1 => Just(u32::MAX)],
        prop_oneof![4 => 0u32..8, 1 => Just(u32::MAX)],
    )
        .prop_map(|(max_depth, max_width)| Limits {
            max_depth,
            max_width,
        })
}

/// Nesting level of a column: a union's members are the same value, not a level deeper.
fn level(column: &Column) -> u32 {
    let below = column
        .children
        .iter()
        .flatten()
        .map(level)
        .max()
        .unwrap_or(0);
    if column.data_type == DataType::Union {
        below
    } else {
        1 + below
    }
}

/// The invariants of every column at one level: unique non-empty names free of the characters
/// OpenMetadata reserves, a type and display, `arrayDataType` exactly on arrays, children
/// exactly where the type needs them, at most `bound` columns here and at most `width`
/// attributes in each struct below.
fn check_columns(columns: &[Column], bound: usize, width: usize) -> Result<(), TestCaseError> {
    let mut names = BTreeSet::new();
    prop_assert!(
        columns.len() <= bound,
        "{} columns > {bound}",
        columns.len()
    );
    for c in columns {
        prop_assert!(names.insert(&c.name), "repeated name {:?}", c.name);
        prop_assert!(!c.name.is_empty());
        prop_assert!(
            !["::", ">", "\"", "\n", "\r", "\t"]
                .iter()
                .any(|r| c.name.contains(r)),
            "reserved characters in {:?}",
            c.name
        );
        let raw = c.display_name.as_deref().unwrap_or(&c.name);
        prop_assert_eq!(&c.name, &encode_name(truncate_chars(raw, MAX_NAME_CHARS)));
        let display = c.data_type_display.as_deref().unwrap_or_default();
        prop_assert!(!display.is_empty() && display.len() <= MAX_DISPLAY_BYTES);
        prop_assert_eq!(
            c.array_data_type.is_some(),
            c.data_type == DataType::Array,
            "{:?}",
            c
        );
        let children = c.children.as_deref().unwrap_or_default();
        match c.data_type {
            DataType::Struct => prop_assert!(!children.is_empty(), "{:?}", c),
            DataType::Union => prop_assert!(children.len() >= 2, "{:?}", c),
            DataType::Array => {}
            _ => prop_assert!(c.children.is_none(), "{:?}", c),
        }
        // Union members (also the children of an array of unions, through nested arrays)
        // are one per kind; struct children obey the width limit.
        let element = display.trim_start_matches("array<");
        let members = c.data_type == DataType::Union
            || (c.data_type == DataType::Array && element.starts_with("union<"));
        let child_bound = if members { 11 } else { width };
        check_columns(children, child_bound, width)?;
    }
    Ok(())
}

fn check(items: &[Item], key: &PrimaryKey, limits: Limits) -> Result<Inference, TestCaseError> {
    let inf = infer(items, key, limits);
    serde_json::to_string(&inf.columns).unwrap();
    let width = limits.width();
    let keys = key.hash.iter().chain(&key.range).count();
    check_columns(&inf.columns, width + keys, width)?;
    for c in &inf.columns[keys..] {
        prop_assert!(
            level(c) <= limits.depth(),
            "{} deeper than {}",
            level(c),
            limits.depth()
        );
    }
    // Key columns come first, typed from the definitions, even without items.
    for (c, k) in inf.columns.iter().zip(key.hash.iter().chain(&key.range)) {
        prop_assert_eq!(
            &c.name,
            &encode_name(truncate_chars(&k.name, MAX_NAME_CHARS))
        );
        prop_assert_eq!(c.data_type, k.data_type);
    }
    prop_assert_eq!(inf.items, items.len() as u64);
    prop_assert!(inf.presence.len() <= MAX_PRESENCE_PATHS);
    prop_assert!(inf.presence.windows(2).all(|w| w[0].0 < w[1].0));
    prop_assert!(inf.presence.iter().all(|(_, n)| *n >= 1 && *n <= inf.items));
    prop_assert!(inf.warnings.windows(2).all(|w| w[0] < w[1]));
    // Warnings go to logs and the status: one short line each, whatever the names.
    for w in &inf.warnings {
        prop_assert!(!w.chars().any(char::is_control), "{:?}", w);
        prop_assert!(w.chars().count() <= 400, "{} characters", w.chars().count());
    }
    Ok(inf)
}

/// Whether inference visits a non-empty map or list at nesting `limit` or deeper in `value`
/// (at nesting `depth`); attributes with an empty name are left out, so not visited.
fn reaches(value: &AttributeValue, depth: u32, limit: u32) -> bool {
    let children: Vec<&AttributeValue> = match value {
        AttributeValue::M(m) => m
            .iter()
            .filter(|(k, _)| !k.is_empty())
            .map(|(_, v)| v)
            .collect(),
        AttributeValue::L(l) => l.iter().collect(),
        _ => return false,
    };
    let non_empty = match value {
        AttributeValue::M(m) => !m.is_empty(),
        _ => !children.is_empty(),
    };
    if depth >= limit {
        return non_empty;
    }
    children.iter().any(|v| reaches(v, depth + 1, limit))
}

/// The items without names of `MAX_NAME_CHARS` or more, at any level.
fn without_long_names(items: Vec<Item>) -> Vec<Item> {
    fn short(map: &HashMap<String, AttributeValue>) -> HashMap<String, AttributeValue> {
        map.iter()
            .filter(|(k, _)| k.chars().count() < MAX_NAME_CHARS)
            .map(|(k, v)| (k.clone(), value(v)))
            .collect()
    }
    fn value(v: &AttributeValue) -> AttributeValue {
        match v {
            AttributeValue::M(m) => AttributeValue::M(short(m)),
            AttributeValue::L(l) => AttributeValue::L(l.iter().map(value).collect()),
            other => other.clone(),
        }
    }
    items.iter().map(short).collect()
}

/// The items with each map rebuilt in another insertion order (and hash state).
fn reshuffled(items: &[Item]) -> Vec<Item> {
    fn value(v: &AttributeValue) -> AttributeValue {
        match v {
            AttributeValue::M(m) => {
                let mut entries: Vec<_> = m.iter().map(|(k, v)| (k.clone(), value(v))).collect();
                entries.reverse();
                AttributeValue::M(entries.into_iter().collect())
            }
            AttributeValue::L(l) => AttributeValue::L(l.iter().map(value).collect()),
            other => other.clone(),
        }
    }
    items
        .iter()
        .map(|item| {
            let mut entries: Vec<_> = item.iter().map(|(k, v)| (k.clone(), value(v))).collect();
            entries.reverse();
            entries.into_iter().collect()
        })
        .collect()
}

proptest! {
    // Shrunk failures are kept as explicit regression tests, not in files.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn inference_keeps_its_invariants(items in items(), key in key(), limits in limits()) {
        let inf = check(&items, &key, limits)?;
        prop_assert_eq!(&infer(&items, &key, limits), &inf, "deterministic");
        prop_assert_eq!(&infer(&reshuffled(&items), &key, limits), &inf, "map order");
        // Incremental use gives the same as one call.
        let mut inferrer = Inferrer::new(limits);
        items.iter().for_each(|item| inferrer.add_item(item));
        prop_assert_eq!(inferrer.items(), items.len() as u64);
        prop_assert_eq!(&inferrer.finish(&key), &inf);
        // A depth warning exactly when a visited map or list reaches the limit (the width
        // limit leaves attributes unvisited).
        let deep = items
            .iter()
            .flat_map(|item| item.iter())
            .any(|(k, v)| !k.is_empty() && reaches(v, 1, limits.depth()));
        let warned = inf.warnings.iter().any(|w| w.contains("nesting deeper"));
        if limits.max_width == u32::MAX {
            prop_assert_eq!(warned, deep, "{:?}", inf.warnings);
        } else if !deep {
            prop_assert!(!warned, "{:?}", inf.warnings);
        }
    }

    #[test]
    fn without_limits_item_order_does_not_matter(
        // Long names collide once cut, and the first one seen is kept, so they are left out.
        items in items().prop_map(without_long_names),
        key in key(),
    ) {
        let limits = Limits { max_depth: u32::MAX, max_width: u32::MAX };
        let forward = infer(&items, &key, limits);
        let mut reversed_items = items.clone();
        reversed_items.reverse();
        let reversed = infer(&reversed_items, &key, limits);
        // Columns are in name order: the same columns, displays included.
        prop_assert_eq!(forward.columns, reversed.columns);
        prop_assert_eq!(forward.presence, reversed.presence);
    }

    #[test]
    fn number_shapes_agree_with_rust_parsers(text in number()) {
        let parsed = parse_number(&text);
        // Rust's float syntax is DynamoDB's, plus `inf` and `nan`.
        if text.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c)) {
            prop_assert_eq!(parsed.is_some(), text.parse::<f64>().is_ok(), "{:?}", parsed);
        }
        if text.parse::<i64>().is_ok() {
            prop_assert!(parsed.is_some_and(|p| p.fits_i64 && p.scale == 0), "{:?}", parsed);
        }
        if let (Some(p), Ok(f)) = (parsed, text.parse::<f64>()) {
            if p.fits_i64 {
                prop_assert!(f.fract() == 0.0 && f.abs() <= 9.3e18, "{text} = {f}");
            }
            if p.scale == 0 && f.is_finite() {
                prop_assert_eq!(f.fract(), 0.0, "{} has scale 0", text);
            }
        }
    }

    #[test]
    fn very_deep_items_are_bounded(depth in 30usize..400, list in any::<bool>(), max_depth in 1u32..10_000) {
        let mut v = AttributeValue::N("1".into());
        for i in 0..depth {
            v = if list && i % 2 == 0 {
                AttributeValue::L(vec![v])
            } else {
                AttributeValue::M([("k".to_string(), v)].into_iter().collect())
            };
        }
        let it: Item = [("a".to_string(), v)].into_iter().collect();
        let limits = Limits { max_depth, max_width: 2000 };
        let inf = check(std::slice::from_ref(&it), &PrimaryKey::default(), limits)?;
        prop_assert_eq!(inf.columns.len(), 1);
        let levels = level(&inf.columns[0]);
        // A list and the map in it are one level of columns (the array's children).
        if list {
            prop_assert!(levels <= limits.depth());
        } else {
            prop_assert_eq!(levels, limits.depth().min(depth as u32 + 1));
        }
    }
}

#[test]
fn number_edges() {
    let shape = |t: &str| parse_number(t).map(|p| (p.int_digits, p.scale, p.fits_i64));
    assert_eq!(shape("-0"), Some((0, 0, true)));
    assert_eq!(shape(".5"), Some((0, 1, false)));
    assert_eq!(shape("5."), Some((1, 0, true)));
    assert_eq!(shape("1e125"), Some((126, 0, false)));
    let num = |t: &str| {
        let mut stats = NumStats::default();
        stats.add(t);
        stats.data_type()
    };
    assert_eq!(
        num("12345678901234567890123456789012345678"),
        DataType::Decimal
    );
    assert_eq!(
        num("123456789012345678901234567890123456789"),
        DataType::Number
    );
    assert_eq!(
        num("0.12345678901234567890123456789012345678"),
        DataType::Decimal
    );
    assert_eq!(num("1e125"), DataType::Number);
    assert_eq!(num("-0"), DataType::Bigint);
    assert_eq!(num(".5"), DataType::Decimal);
}
