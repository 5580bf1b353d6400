//! What is kept per attribute path while items are added, and the profile it becomes.

use std::hash::{DefaultHasher, Hash, Hasher};

use aws_sdk_dynamodb::types::AttributeValue;

use crate::distinct::Distinct;
use ferrometa_dynamodb::infer::Decimal;

use crate::numbers::Numbers;
use crate::{ColumnProfile, LengthStats, Limits};

/// The DynamoDB types of [`ColumnProfile::type_mix`], in its order.
const TYPES: [&str; 10] = [
    "string",
    "number",
    "binary",
    "boolean",
    "null",
    "map",
    "list",
    "string_set",
    "number_set",
    "binary_set",
];

#[derive(Debug)]
pub(crate) struct ColumnState {
    /// The list path whose elements are this path's slots; `None`: the items.
    pub(crate) list: Option<String>,
    top_level: bool,
    values: u64,
    nulls: u64,
    types: [u64; TYPES.len()],
    distinct: Distinct,
    numbers: Option<Numbers>,
    lengths: Option<Lengths>,
    sizes: Option<Lengths>,
}

impl ColumnState {
    pub(crate) fn new(list: Option<String>, top_level: bool, limits: &Limits) -> ColumnState {
        ColumnState {
            list,
            top_level,
            values: 0,
            nulls: 0,
            types: [0; TYPES.len()],
            distinct: Distinct::new(limits.exact_values),
            numbers: None,
            lengths: None,
            sizes: None,
        }
    }

    pub(crate) fn add(&mut self, value: &AttributeValue, limits: &Limits) {
        if let AttributeValue::Null(_) = value {
            self.nulls += 1;
            self.types[4] += 1;
            return;
        }
        self.values += 1;
        self.distinct.add(value_hash(value));
        let (kind, length, size) = match value {
            AttributeValue::S(s) => (0, Some(s.chars().count()), None),
            AttributeValue::N(n) => {
                self.numbers
                    .get_or_insert_with(|| Numbers::new(limits.exact_values))
                    .add(n);
                (1, None, None)
            }
            AttributeValue::B(b) => (2, Some(b.as_ref().len()), None),
            AttributeValue::Bool(_) => (3, None, None),
            AttributeValue::M(m) => (5, None, Some(m.len())),
            AttributeValue::L(l) => (6, None, Some(l.len())),
            AttributeValue::Ss(s) => (7, None, Some(s.len())),
            AttributeValue::Ns(s) => (8, None, Some(s.len())),
            AttributeValue::Bs(s) => (9, None, Some(s.len())),
            // A type newer than this SDK: counted as a value of no known type.
            _ => return,
        };
        self.types[kind] += 1;
        if let Some(n) = length {
            self.lengths.get_or_insert_with(Lengths::default).add(n);
        }
        if let Some(n) = size {
            self.sizes.get_or_insert_with(Lengths::default).add(n);
        }
    }

    pub(crate) fn finish(self, path: String, slots: u64) -> ColumnProfile {
        let counts = self.distinct.counts(self.values);
        ColumnProfile {
            path,
            top_level: self.top_level,
            values_count: self.values,
            null_count: self.nulls,
            missing_count: slots.saturating_sub(self.values + self.nulls),
            distinct_count: counts.distinct,
            distinct_exact: counts.exact,
            unique_count: counts.unique,
            duplicate_count: self.values - counts.distinct,
            numbers: self.numbers.and_then(Numbers::finish),
            lengths: self.lengths.map(Lengths::finish),
            sizes: self.sizes.map(Lengths::finish),
            type_mix: TYPES
                .iter()
                .zip(self.types)
                .filter(|(_, n)| *n > 0)
                .map(|(name, n)| (name.to_string(), n))
                .collect(),
        }
    }
}

#[derive(Debug, Default)]
struct Lengths {
    count: u64,
    min: u64,
    max: u64,
    sum: u128,
}

impl Lengths {
    fn add(&mut self, n: usize) {
        let n = n as u64;
        if self.count == 0 || n < self.min {
            self.min = n;
        }
        self.max = self.max.max(n);
        self.count += 1;
        self.sum += u128::from(n);
    }

    fn finish(self) -> LengthStats {
        LengthStats {
            min_length: self.min,
            max_length: self.max,
            mean: self.sum as f64 / self.count as f64,
        }
    }
}

/// A 64-bit hash of a value's type and content. Maps and sets hash in sorted order, since
/// DynamoDB returns them in any order. SipHash with fixed keys: the same value always hashes
/// the same, and the bits are uniform enough for the distinct sketch.
fn value_hash(value: &AttributeValue) -> u64 {
    let mut hasher = DefaultHasher::new();
    hash_into(value, &mut hasher);
    hasher.finish()
}

fn hash_into(value: &AttributeValue, h: &mut DefaultHasher) {
    match value {
        AttributeValue::S(s) => (0u8, s).hash(h),
        AttributeValue::N(n) => (1u8, number_key(n)).hash(h),
        AttributeValue::B(b) => (2u8, b.as_ref()).hash(h),
        AttributeValue::Bool(b) => (3u8, b).hash(h),
        AttributeValue::Null(_) => 4u8.hash(h),
        AttributeValue::M(m) => {
            (5u8, m.len()).hash(h);
            let mut entries: Vec<_> = m.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            for (k, v) in entries {
                k.hash(h);
                hash_into(v, h);
            }
        }
        AttributeValue::L(l) => {
            (6u8, l.len()).hash(h);
            for v in l {
                hash_into(v, h);
            }
        }
        AttributeValue::Ss(s) => hash_sorted(7, s.iter().map(String::as_bytes), h),
        AttributeValue::Ns(s) => {
            let mut numbers: Vec<_> = s.iter().map(|n| number_key(n)).collect();
            numbers.sort_unstable();
            (8u8, numbers).hash(h);
        }
        AttributeValue::Bs(s) => hash_sorted(9, s.iter().map(|b| b.as_ref()), h),
        _ => 10u8.hash(h),
    }
}

/// A number by value (`1`, `1.0` and `1E0` alike), or by its text when it is none.
fn number_key(text: &str) -> Result<Decimal, &str> {
    Decimal::parse(text).ok_or(text)
}

fn hash_sorted<'a>(tag: u8, elements: impl Iterator<Item = &'a [u8]>, h: &mut DefaultHasher) {
    let mut sorted: Vec<&[u8]> = elements.collect();
    sorted.sort_unstable();
    (tag, sorted).hash(h);
}
