//! Profiling arbitrary nested items with proptest: it never panics, the counts stay
//! consistent, and the paths are the ones schema inference finds. Names come from a small pool without `"`, so no two paths can print alike
//! (hostile names are in the unit tests). The long mode is
//! `PROPTEST_CASES=100000 cargo test --release -p ferrometa-profile --lib fuzz`.

use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use proptest::prelude::*;

use ferrometa_dynamodb::infer::{self, Inferrer};

use crate::{Limits, Profiler, json};

type Item = HashMap<String, AttributeValue>;

fn name() -> impl Strategy<Value = String> {
    "[ab.\\[\\]]{0,2}"
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        proptest::sample::select(
            &[
                "1E+125",
                "-1E-130",
                "12345678901234567890123456789012345678",
                "-0",
                ".5",
                "5.",
                "",
                "NaN",
                "1e99999",
                "x",
            ][..]
        )
        .prop_map(str::to_string),
    ]
}

fn value() -> impl Strategy<Value = AttributeValue> {
    let leaf = prop_oneof![
        "[a-c]{0,3}".prop_map(AttributeValue::S),
        number().prop_map(AttributeValue::N),
        proptest::collection::vec(any::<u8>(), 0..4).prop_map(|b| AttributeValue::B(Blob::new(b))),
        any::<bool>().prop_map(AttributeValue::Bool),
        Just(AttributeValue::Null(true)),
        proptest::collection::vec("[a-c]{1,2}", 0..3).prop_map(AttributeValue::Ss),
        proptest::collection::vec(number(), 0..3).prop_map(AttributeValue::Ns),
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..3), 0..3)
            .prop_map(|v| AttributeValue::Bs(v.into_iter().map(Blob::new).collect())),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            proptest::collection::hash_map(name(), inner.clone(), 0..4).prop_map(AttributeValue::M),
            proptest::collection::vec(inner, 0..4).prop_map(AttributeValue::L),
        ]
    })
}

fn items() -> impl Strategy<Value = Vec<Item>> {
    proptest::collection::vec(proptest::collection::hash_map(name(), value(), 0..4), 0..12)
}

proptest! {
    #[test]
    fn counts_are_consistent(
        items in items(),
        max_depth in 1u32..6,
        max_paths in 1usize..40,
        exact_values in 0usize..6,
    ) {
        let mut profiler = Profiler::new(Limits { max_depth, max_paths, exact_values });
        for it in &items {
            profiler.add_item(it);
        }
        let profile = profiler.finish();
        prop_assert_eq!(profile.items, items.len() as u64);
        prop_assert!(profile.columns.len() <= max_paths);
        prop_assert!(profile.columns.windows(2).all(|w| w[0].path < w[1].path));
        for c in &profile.columns {
            if c.top_level {
                prop_assert_eq!(c.values_count + c.null_count + c.missing_count, profile.items);
            }
            prop_assert!(c.distinct_count <= c.values_count);
            prop_assert!(c.unique_count <= c.distinct_count);
            prop_assert_eq!(c.duplicate_count + c.distinct_count, c.values_count);
            prop_assert_eq!(c.values_count > 0, c.distinct_count > 0);
            let typed: u64 = c.type_mix.iter().map(|(_, n)| n).sum();
            prop_assert_eq!(typed, c.values_count + c.null_count);
            if let Some(n) = &c.numbers {
                prop_assert_eq!(n.histogram.frequencies.iter().sum::<u64>(), n.count);
                prop_assert_eq!(n.histogram.frequencies.len(), n.histogram.boundaries.len());
                prop_assert!(n.first_quartile <= n.median && n.median <= n.third_quartile);
            }
            let j = json::column_profile(c, 0);
            prop_assert_eq!(j["name"].as_str(), Some(c.path.as_str()));
        }
    }
}

proptest! {
    #[test]
    fn paths_are_inference_paths(items in items(), max_depth in 1u32..6) {
        let mut profiler = Profiler::new(Limits { max_depth, ..Limits::default() });
        let mut inferrer = Inferrer::new(infer::Limits { max_depth, ..infer::Limits::default() });
        for it in &items {
            profiler.add_item(it);
            inferrer.add_item(it);
        }
        let profiled: Vec<String> = profiler.finish().columns.into_iter().map(|c| c.path).collect();
        // Inference lists parents first; the profile sorts by path.
        let mut inferred: Vec<String> = inferrer.paths().into_iter().map(|p| p.path).collect();
        inferred.sort();
        prop_assert_eq!(profiled, inferred);
    }
}
