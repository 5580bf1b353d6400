use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;

use crate::{ColumnProfile, Limits, Profiler, TableProfile, json};
use ferrometa_dynamodb::infer::Decimal;

type Item = HashMap<String, AttributeValue>;

fn item<const N: usize>(pairs: [(&str, AttributeValue); N]) -> Item {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_string())
}

fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn m<const N: usize>(pairs: [(&str, AttributeValue); N]) -> AttributeValue {
    AttributeValue::M(item(pairs))
}

fn profile(items: &[Item]) -> TableProfile {
    profile_with(items, Limits::default())
}

fn profile_with(items: &[Item], limits: Limits) -> TableProfile {
    let mut profiler = Profiler::new(limits);
    for it in items {
        profiler.add_item(it);
    }
    profiler.finish()
}

fn column<'a>(profile: &'a TableProfile, path: &str) -> &'a ColumnProfile {
    profile
        .columns
        .iter()
        .find(|c| c.path == path)
        .unwrap_or_else(|| panic!("no column {path}"))
}

#[test]
fn null_and_missing_are_counted_apart() {
    let p = profile(&[
        item([("a", s("x"))]),
        item([("a", AttributeValue::Null(true))]),
        item([("b", n(1))]),
        item([("a", s("x"))]),
    ]);
    let a = column(&p, "a");
    assert_eq!((a.values_count, a.null_count, a.missing_count), (2, 1, 1));
    assert_eq!(
        (a.distinct_count, a.unique_count, a.duplicate_count),
        (1, 0, 1)
    );
    assert!(a.distinct_exact);
    assert_eq!(
        a.type_mix,
        vec![("string".to_string(), 2), ("null".to_string(), 1)]
    );
    let b = column(&p, "b");
    assert_eq!((b.values_count, b.null_count, b.missing_count), (1, 0, 3));

    let j = json::column_profile(a, 42);
    assert_eq!(j["name"], "a");
    assert_eq!(j["timestamp"], 42);
    assert_eq!(j["nullProportion"].as_f64(), Some(1.0 / 3.0));
    assert_eq!(j["missingPercentage"].as_f64(), Some(25.0));
    assert_eq!(j["distinctProportion"].as_f64(), Some(0.5));
    assert_eq!(j["uniqueProportion"].as_f64(), Some(0.0));
    assert_eq!(j["minLength"], 1);
    assert!(j.get("min").is_none());
}

#[test]
fn distinct_counts_are_exact_then_estimated() {
    // Strings and numbers with the same text are different values.
    let p = profile(&[
        item([("v", s("1"))]),
        item([("v", n(1))]),
        item([("v", n(1))]),
    ]);
    let v = column(&p, "v");
    assert_eq!(
        (v.distinct_count, v.unique_count, v.duplicate_count),
        (2, 1, 1)
    );
    // Numbers compare by value.
    let p = profile(&[
        item([
            ("v", n("1")),
            ("s", AttributeValue::Ns(vec!["1".into(), "2".into()])),
        ]),
        item([
            ("v", n("1.0")),
            ("s", AttributeValue::Ns(vec!["2E0".into(), "01".into()])),
        ]),
        item([
            ("v", n("10E-1")),
            ("s", AttributeValue::Ns(vec!["2".into()])),
        ]),
    ]);
    assert_eq!(column(&p, "v").distinct_count, 1);
    assert_eq!(column(&p, "s").distinct_count, 2);

    // 100,000 distinct values, each twice but 20,000 once: past the exact limit.
    let mut profiler = Profiler::new(Limits::default());
    for i in 0..180_000u64 {
        let value = if i < 100_000 { i } else { i - 80_000 };
        profiler.add_item(&item([("k", s(&format!("key-{value}")))]));
    }
    let p = profiler.finish();
    let k = column(&p, "k");
    assert!(!k.distinct_exact);
    let distinct_error = (k.distinct_count as f64 - 100_000.0).abs() / 100_000.0;
    assert!(distinct_error < 0.04, "distinct {}", k.distinct_count);
    let unique_error = (k.unique_count as f64 - 20_000.0).abs() / 20_000.0;
    assert!(unique_error < 0.1, "unique {}", k.unique_count);
    assert_eq!(k.duplicate_count, k.values_count - k.distinct_count);

    // At the limit it is still exact.
    let items: Vec<Item> = (0..10_000).map(|i| item([("k", n(i))])).collect();
    let k = column(&profile(&items), "k").clone();
    assert!(k.distinct_exact);
    assert_eq!((k.distinct_count, k.unique_count), (10_000, 10_000));
}

#[test]
fn sets_and_maps_compare_regardless_of_order() {
    let set = |v: [&str; 2]| AttributeValue::Ss(v.iter().map(|s| s.to_string()).collect());
    let p = profile(&[
        item([("t", set(["a", "b"])), ("m", m([("x", n(1)), ("y", n(2))]))]),
        item([("t", set(["b", "a"])), ("m", m([("y", n(2)), ("x", n(1))]))]),
    ]);
    let t = column(&p, "t");
    assert_eq!((t.values_count, t.distinct_count), (2, 1));
    let sizes = t.sizes.as_ref().expect("sizes");
    assert_eq!((sizes.min_length, sizes.max_length), (2, 2));
    assert_eq!(column(&p, "m").distinct_count, 1);
}

#[test]
fn quartiles_of_known_data() {
    let items: Vec<Item> = [7, 1, 3, 5, 9, 2, 8, 4, 6, 10]
        .iter()
        .map(|&i| item([("x", n(i))]))
        .collect();
    let p = profile(&items);
    let x = column(&p, "x").numbers.clone().expect("numbers");
    assert_eq!((x.min.as_str(), x.max.as_str()), ("1", "10"));
    assert_eq!(
        (x.first_quartile, x.median, x.third_quartile),
        (3.25, 5.5, 7.75)
    );
    assert_eq!((x.sum, x.mean), (55.0, 5.5));
    assert!((x.stddev - 8.25f64.sqrt()).abs() < 1e-12);
    assert!(x.quantiles_exact);
    assert_eq!(x.histogram.frequencies.iter().sum::<u64>(), 10);
    assert_eq!(x.histogram.boundaries.len(), x.histogram.frequencies.len());
    assert!(x.histogram.boundaries[0].starts_with("1 to "));
    assert!(x.histogram.boundaries.last().unwrap().ends_with(" and up"));
}

#[test]
fn quartiles_past_the_exact_limit_are_close() {
    // 0..100,000 in a scrambled order; the reservoir keeps 10,000.
    let mut profiler = Profiler::new(Limits::default());
    for i in 0..100_000u64 {
        profiler.add_item(&item([("x", n((i * 7919) % 100_000))]));
    }
    let p = profiler.finish();
    let c = column(&p, "x");
    let x = c.numbers.as_ref().expect("numbers");
    assert!(!x.quantiles_exact);
    assert_eq!((x.min.as_str(), x.max.as_str()), ("0", "99999"));
    for (got, want) in [
        (x.first_quartile, 24_999.75),
        (x.median, 49_999.5),
        (x.third_quartile, 74_999.25),
    ] {
        // 1.5% of the ranks: three and a half standard errors of a 10,000 sample.
        assert!((got - want).abs() < 1_500.0, "{got} vs {want}");
    }
    assert_eq!(x.histogram.frequencies.iter().sum::<u64>(), c.values_count);
    assert!((x.mean - 49_999.5).abs() < 1e-6);
}

#[test]
fn min_and_max_are_exact_decimal_text() {
    let p = profile(&[
        item([("x", n("12345678901234567890123456789012345678"))]),
        item([("x", n("12345678901234567890123456789012345677"))]),
        item([("x", n("-1E+2"))]),
        item([("x", n("-99.5"))]),
        item([("x", n("0.000"))]),
    ]);
    let x = column(&p, "x").numbers.clone().expect("numbers");
    assert_eq!(x.max, "12345678901234567890123456789012345678");
    assert_eq!(x.min, "-1E+2");

    let d = |t: &str| Decimal::parse(t).expect(t);
    assert!(d("-1E+2") < d("-99.5"));
    assert!(d("0.5") < d("5E-0"));
    assert!(d("-0") == d("0.00"));
    assert!(d("1E-130") > d("0"));
    assert!(d("10") > d("9.99999"));
    for bad in ["", "-", ".", "1e", "NaN", "inf", "0x10", "1_0"] {
        assert!(Decimal::parse(bad).is_none(), "{bad}");
    }
}

#[test]
fn nested_maps_and_lists_of_maps() {
    let line = |sku: &str, qty: Option<u32>| match qty {
        Some(q) => m([("sku", s(sku)), ("qty", n(q))]),
        None => m([("sku", s(sku))]),
    };
    let p = profile(&[
        item([
            ("address", m([("geo", m([("lat", n("10.5"))]))])),
            (
                "lines",
                AttributeValue::L(vec![line("A", Some(1)), line("B", None), s("loose")]),
            ),
        ]),
        item([("lines", AttributeValue::L(vec![line("A", Some(2))]))]),
        item([(
            "grid",
            AttributeValue::L(vec![AttributeValue::L(vec![n(1), n(2)]), n(3)]),
        )]),
    ]);
    let paths: Vec<&str> = p.columns.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "address",
            "address.geo",
            "address.geo.lat",
            "grid",
            "grid[][]",
            "lines",
            "lines[].qty",
            "lines[].sku"
        ]
    );
    let lat = column(&p, "address.geo.lat");
    assert_eq!((lat.values_count, lat.missing_count), (1, 2));
    assert!(!lat.top_level);
    // Per element of `lines`: four elements, one not a map.
    let sku = column(&p, "lines[].sku");
    assert_eq!((sku.values_count, sku.missing_count), (3, 1));
    assert_eq!((sku.distinct_count, sku.unique_count), (2, 1));
    let qty = column(&p, "lines[].qty");
    assert_eq!((qty.values_count, qty.missing_count), (2, 2));
    let lines = column(&p, "lines");
    let sizes = lines.sizes.as_ref().expect("sizes");
    assert_eq!(
        (sizes.min_length, sizes.max_length, sizes.mean),
        (1, 3, 2.0)
    );
    assert_eq!(lines.type_mix, vec![("list".to_string(), 2)]);
    let inner = column(&p, "grid[][]");
    assert_eq!((inner.values_count, inner.missing_count), (2, 0));
}

#[test]
fn type_mix_of_a_union_column() {
    let p = profile(&[
        item([("u", s("a"))]),
        item([("u", n(1))]),
        item([("u", n(2))]),
        item([("u", AttributeValue::B(Blob::new(vec![1, 2, 3])))]),
        item([("u", AttributeValue::Bool(true))]),
        item([("u", AttributeValue::Ns(vec!["1".into()]))]),
        item([("u", AttributeValue::L(vec![]))]),
        item([("u", m([]))]),
    ]);
    let u = column(&p, "u");
    let kinds: Vec<(&str, u64)> = u.type_mix.iter().map(|(k, c)| (k.as_str(), *c)).collect();
    assert_eq!(
        kinds,
        [
            ("string", 1),
            ("number", 2),
            ("binary", 1),
            ("boolean", 1),
            ("map", 1),
            ("list", 1),
            ("number_set", 1)
        ]
    );
    let lengths = u.lengths.as_ref().expect("lengths");
    assert_eq!((lengths.min_length, lengths.max_length), (1, 3));
    assert_eq!(u.numbers.as_ref().map(|n| n.count), Some(2));
}

#[test]
fn hostile_names_are_quoted_like_inference() {
    let p = profile(&[item([
        ("a.b", m([("c\"d", n(1)), ("x[]", s("y")), ("", n(2))])),
        ("", s("empty")),
        ("é🦀", s("ok")),
    ])]);
    let paths: Vec<&str> = p.columns.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        ["\"a.b\"", "\"a.b\".\"c\"d\"", "\"a.b\".\"x[]\"", "é🦀"]
    );
    assert_eq!(
        p.warnings,
        [
            "an attribute with an empty name was left out at the top level",
            "an attribute with an empty name was left out under `\"a.b\"`"
        ]
    );
    assert_eq!(
        column(&p, "é🦀").lengths.as_ref().map(|l| l.max_length),
        Some(2)
    );
}

#[test]
fn depth_and_path_limits_warn() {
    let deep = item([("a", m([("b", m([("c", n(1))]))]))]);
    let p = profile_with(
        std::slice::from_ref(&deep),
        Limits {
            max_depth: 2,
            ..Limits::default()
        },
    );
    let paths: Vec<&str> = p.columns.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, ["a", "a.b"]);
    assert_eq!(
        column(&p, "a.b").sizes.as_ref().map(|s| s.max_length),
        Some(1)
    );
    assert_eq!(
        p.warnings,
        ["nesting deeper than 2 levels at `a.b` is profiled as whole values".to_string()]
    );

    let wide: Item = (0..10).map(|i| (format!("c{i}"), n(i))).collect();
    let p = profile_with(
        &[wide],
        Limits {
            max_paths: 4,
            ..Limits::default()
        },
    );
    assert_eq!(p.columns.len(), 4);
    assert_eq!(
        p.warnings,
        ["more than 4 attribute paths; the others were left out".to_string()]
    );
}

#[test]
fn create_table_profile_request() {
    let p = profile(&[
        item([("a", m([("b", n("7"))])), ("c", n("1.5E+3"))]),
        item([("c", n("-2"))]),
    ]);
    let body = json::create_table_profile(&p, 1_700_000_000_000);
    assert_eq!(body["tableProfile"]["rowCount"], 2);
    assert_eq!(body["tableProfile"]["columnCount"], 2);
    let columns = body["columnProfile"].as_array().expect("array");
    assert_eq!(columns.len(), 3);
    let c = &columns[2];
    assert_eq!(c["name"], "c");
    assert_eq!(c["min"], -2);
    assert_eq!(c["max"].as_f64(), Some(1500.0));
    assert_eq!(c["interQuartileRange"].as_f64(), Some(751.0));
    let h = &c["histogram"];
    let total: u64 = h["frequencies"]
        .as_array()
        .expect("frequencies")
        .iter()
        .filter_map(|f| f.as_u64())
        .sum();
    assert_eq!(total, 2);
}
