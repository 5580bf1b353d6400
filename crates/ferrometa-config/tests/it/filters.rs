//! Filter semantics of OpenMetadata's `filters.py` and its unit tests, through recipes.

use crate::common::{BASE, edit, load};
use ferrometa_config::{FilterPattern, Level, Scope};

/// The table filter of a recipe whose `tableFilterPattern` is `pattern` (YAML flow mapping).
fn table_filter(pattern: &str) -> FilterPattern {
    let text = edit(
        BASE,
        "      tableFilterPattern:\n        includes:\n          - ^orders\n          - ^users$\n",
        &format!("      tableFilterPattern: {pattern}\n"),
    );
    load(&text)
        .unwrap()
        .source
        .source_config
        .metadata()
        .unwrap()
        .table_filter_pattern
        .clone()
        .unwrap()
}

fn kept(filter: &FilterPattern, names: &[&'static str]) -> Vec<&'static str> {
    names
        .iter()
        .copied()
        .filter(|name| !filter.filtered_out(name))
        .collect()
}

/// `test_mongodb.py` / `test_couchbase.py`.
#[test]
fn upstream_nosql_cases() {
    assert_eq!(
        kept(
            &table_filter("{includes: [random_table]}"),
            &["random_table", "random1_table"]
        ),
        ["random_table"]
    );
    assert_eq!(
        kept(
            &table_filter("{includes: [random_schema]}"),
            &["random_schema", "random1_schema"]
        ),
        ["random_schema"]
    );
}

#[test]
fn prefix_match() {
    let filter = table_filter("{includes: [orders]}");
    assert_eq!(
        kept(&filter, &["orders", "orders_archive", "old_orders"]),
        ["orders", "orders_archive"]
    );
    let exact = table_filter("{includes: ['^orders$']}");
    assert_eq!(kept(&exact, &["orders", "orders_archive"]), ["orders"]);
}

#[test]
fn case_insensitive() {
    let filter = table_filter("{includes: [ORDERS], excludes: []}");
    assert_eq!(
        kept(&filter, &["orders", "Orders", "users"]),
        ["orders", "Orders"]
    );
    let filter = table_filter("{excludes: ['^TMP_']}");
    assert_eq!(kept(&filter, &["tmp_a", "Tmp_b", "orders"]), ["orders"]);
}

#[test]
fn includes_take_precedence_over_excludes() {
    let filter = table_filter("{includes: [orders], excludes: [orders]}");
    assert_eq!(kept(&filter, &["orders", "users"]), ["orders"]);
}

#[test]
fn empty_lists_are_absent() {
    let filter = table_filter("{includes: [], excludes: [tmp]}");
    assert_eq!(kept(&filter, &["tmp_x", "orders"]), ["orders"]);
    let empty = table_filter("{includes: [], excludes: []}");
    assert!(empty.is_empty());
    assert_eq!(kept(&empty, &["a", ""]), ["a", ""]);
    assert!(table_filter("{includes: null}").is_empty());
}

#[test]
fn empty_include_matches_everything() {
    let filter = table_filter("{includes: ['']}");
    assert_eq!(kept(&filter, &["a", "orders"]), ["a", "orders"]);
}

#[test]
fn empty_name_is_filtered_out() {
    assert!(table_filter("{excludes: [x]}").filtered_out(""));
}

#[test]
fn lookahead() {
    let filter = table_filter("{includes: ['^(?!tmp_)']}");
    assert_eq!(
        kept(&filter, &["orders", "tmp_orders", "TMP_x", "xtmp_"]),
        ["orders", "xtmp_"]
    );
}

#[test]
fn python_end_anchors() {
    let dollar = table_filter("{includes: ['^orders$']}");
    assert!(
        !dollar.filtered_out("orders\n"),
        "Python's `$` matches before a final newline"
    );
    let end = table_filter(r"{includes: ['^orders\Z']}");
    assert!(end.filtered_out("orders\n"));
    assert!(!end.filtered_out("orders"));
}

#[test]
fn scope_and_constructor() {
    let open = Scope::default();
    assert!(open.includes(Level::Table, "anything", "s.d.default.anything"));
    let filter = FilterPattern::new(["^a"], ["^b"]).unwrap();
    let scope = Scope {
        table: Some(filter),
        ..Scope::default()
    };
    assert!(!scope.includes(Level::Table, "b", "s.d.default.b"));
    assert!(scope.includes(Level::Table, "abc", "s.d.default.abc"));
    let error = FilterPattern::new(["ok", "("], Vec::<String>::new()).unwrap_err();
    assert_eq!(error.field_path(), Some("includes[1]"));
}
