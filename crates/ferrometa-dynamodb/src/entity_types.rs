//! Entity types of single-table designs, found in the sample the table's columns come from
//! (no extra request).
//!
//! A single-table design keeps several kinds of item in one table, told apart in one of two
//! ways, tried in this order:
//!
//! 1. **A discriminator attribute**: a string attribute in (nearly) every item whose values
//!    are few and repeat. Well-known names are tried first (`type`, `_et` of DynamoDB
//!    Toolbox, `__edb_e__` of ElectroDB, …); other names ending in `type` or `kind` must
//!    also explain the table's sparse attributes (each mostly present or mostly absent
//!    within each value), so a `status` or `category` is not taken for one. The recipe can
//!    name the attribute (`entityTypeAttribute`) or turn discovery off (`""`).
//! 2. **Key patterns**: the literal leading segment of the partition key and of the sort key
//!    before a delimiter (`#`, `:` or `|`, whichever most values hold), e.g. `USER#…` /
//!    `#METADATA#…`. A segment must read like a name (no digits first, no spaces, no ids), be
//!    shared by enough items, and the rest of the key must vary; the recognised items must
//!    cover most of the sample.
//!
//! Anything else (and a table of one kind of item) yields no entity type. Each entity type
//! gets its own attribute inference over its items, with the table's rules and limits.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;

use crate::infer::{Inferrer, Limits, PathSummary, PrimaryKey};

type Item = HashMap<String, AttributeValue>;

/// Discriminator names libraries and conventions use, in order of preference.
pub const WELL_KNOWN: [&str; 9] = [
    "type",
    "Type",
    "_type",
    "entityType",
    "entity_type",
    "EntityType",
    "__typename",
    "_et",
    "__edb_e__",
];
/// Key delimiters, in order of preference when equally common.
const DELIMITERS: [char; 3] = ['#', ':', '|'];
/// Most entity types one table may have; more distinct values are not a type.
const MAX_TYPES: usize = 64;
/// Fewest sampled items discovery works on.
const MIN_ITEMS: usize = 4;
/// Share of items a discriminator must be in.
const MIN_DISCRIMINATOR_SHARE: f64 = 0.95;
/// Share of items key patterns must recognise.
const MIN_PATTERN_COVERAGE: f64 = 0.8;
/// Longest key segment that can name an entity.
const MAX_SEGMENT_CHARS: usize = 40;

/// How the recipe asks for discovery (`entityTypeAttribute`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discovery {
    /// Look for a discriminator, then for key patterns.
    Auto,
    /// Group by this attribute's string values.
    Attribute(String),
    /// No entity types.
    Off,
}

impl Discovery {
    /// From `entityTypeAttribute`: absent is [`Discovery::Auto`], `""` is [`Discovery::Off`].
    pub fn from_setting(setting: Option<&str>) -> Self {
        match setting {
            None => Discovery::Auto,
            Some("") => Discovery::Off,
            Some(name) => Discovery::Attribute(name.to_string()),
        }
    }
}

/// A secondary index and its key attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexKeys {
    pub name: String,
    pub attributes: Vec<String>,
}

/// How the items of an entity type are told apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecognisedBy {
    /// `attribute` holds `value`.
    Attribute { attribute: String, value: String },
    /// Per key attribute, its pattern: a literal with `{…}` where the key varies.
    KeyPattern(Vec<(String, String)>),
}

/// One entity type of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityType {
    pub name: String,
    pub recognised_by: RecognisedBy,
    /// Sampled items of this type.
    pub sampled_items: u64,
    /// Its share of the sample.
    pub item_share: f64,
    /// Its attribute paths, with type and presence within this type's items.
    pub attributes: Vec<PathSummary>,
    /// Secondary indexes at least half of its items carry keys for, sorted.
    pub indexes: Vec<String>,
}

/// The entity types of a table's sample, sorted by name; empty when it has none.
pub fn discover(
    items: &[&Item],
    key: &PrimaryKey,
    indexes: &[IndexKeys],
    discovery: &Discovery,
    limits: Limits,
) -> Vec<EntityType> {
    let groups = match discovery {
        Discovery::Off => return Vec::new(),
        Discovery::Attribute(name) => attribute_groups(items, name, usize::MAX)
            .map(|groups| by_attribute(name, groups))
            .unwrap_or_default(),
        Discovery::Auto if items.len() < MIN_ITEMS => return Vec::new(),
        Discovery::Auto => match discriminator(items, key) {
            Some((name, groups)) => by_attribute(&name, groups),
            None => key_patterns(items, key),
        },
    };
    let total = items.len() as u64;
    let mut types: Vec<EntityType> = groups
        .into_iter()
        .map(|group| describe(group, items, indexes, total, limits))
        .collect();
    types.sort_by(|a, b| a.name.cmp(&b.name));
    types
}

/// A candidate entity type: its name, recognition, and the indexes of its items.
struct Group {
    name: String,
    recognised_by: RecognisedBy,
    members: Vec<usize>,
}

fn describe(
    group: Group,
    items: &[&Item],
    indexes: &[IndexKeys],
    total: u64,
    limits: Limits,
) -> EntityType {
    let mut inferrer = Inferrer::new(limits);
    for &i in &group.members {
        inferrer.add_item(items[i]);
    }
    let count = group.members.len();
    let carried = |index: &IndexKeys| {
        let with_keys = group
            .members
            .iter()
            .filter(|&&i| index.attributes.iter().all(|a| items[i].contains_key(a)))
            .count();
        with_keys * 2 >= count
    };
    let mut indexes: Vec<String> = indexes
        .iter()
        .filter(|index| carried(index))
        .map(|index| index.name.clone())
        .collect();
    indexes.sort();
    EntityType {
        name: group.name,
        recognised_by: group.recognised_by,
        sampled_items: count as u64,
        item_share: count as f64 / total.max(1) as f64,
        attributes: inferrer.paths(),
        indexes,
    }
}

fn by_attribute(attribute: &str, groups: BTreeMap<String, Vec<usize>>) -> Vec<Group> {
    groups
        .into_iter()
        .map(|(value, members)| Group {
            name: value.clone(),
            recognised_by: RecognisedBy::Attribute {
                attribute: attribute.to_string(),
                value,
            },
            members,
        })
        .collect()
}

/// The items of each string value of `attribute`; `None` past `max` distinct values.
fn attribute_groups(
    items: &[&Item],
    attribute: &str,
    max: usize,
) -> Option<BTreeMap<String, Vec<usize>>> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(AttributeValue::S(value)) = item.get(attribute) {
            if !groups.contains_key(value) && groups.len() == max {
                return None;
            }
            groups.entry(value.clone()).or_default().push(i);
        }
    }
    Some(groups)
}

/// The discriminator attribute and its groups, if the sample has one.
fn discriminator(
    items: &[&Item],
    key: &PrimaryKey,
) -> Option<(String, BTreeMap<String, Vec<usize>>)> {
    let is_key = |name: &str| {
        [&key.hash, &key.range]
            .into_iter()
            .flatten()
            .any(|k| k.name == name)
    };
    for name in WELL_KNOWN {
        if let Some(groups) = attribute_groups(items, name, MAX_TYPES)
            && few_and_repeating(&groups, items.len())
        {
            return Some((name.to_string(), groups));
        }
    }
    // Other names must say they are a type and must explain the sparse attributes.
    let mut others: Vec<&String> = items[0]
        .keys()
        .filter(|name| !is_key(name) && !WELL_KNOWN.contains(&name.as_str()))
        .filter(|name| {
            let lower = name.to_ascii_lowercase();
            lower.ends_with("type") || lower.ends_with("kind")
        })
        .collect();
    others.sort();
    others.into_iter().find_map(|name| {
        let groups = attribute_groups(items, name, MAX_TYPES)?;
        (few_and_repeating(&groups, items.len()) && separates(items, &groups, key))
            .then(|| (name.clone(), groups))
    })
}

/// In nearly every item, with 2 to [`MAX_TYPES`] values that repeat (three items per value
/// on average, and values seen once cover at most 5 % of the items).
fn few_and_repeating(groups: &BTreeMap<String, Vec<usize>>, items: usize) -> bool {
    let present: usize = groups.values().map(Vec::len).sum();
    let once: usize = groups.values().filter(|m| m.len() == 1).count();
    (2..=MAX_TYPES).contains(&groups.len())
        && present as f64 >= MIN_DISCRIMINATOR_SHARE * items as f64
        && present >= 3 * groups.len()
        && once as f64 <= 0.05 * items as f64
}

/// Whether the groups explain the sparse attributes: at least one attribute is present in
/// 5–95 % of the items, and 80 % of such attributes are in ≥ 90 % or ≤ 10 % of each group.
fn separates(items: &[&Item], groups: &BTreeMap<String, Vec<usize>>, key: &PrimaryKey) -> bool {
    let mut overall: BTreeMap<&str, usize> = BTreeMap::new();
    for item in items {
        for name in item.keys() {
            *overall.entry(name.as_str()).or_default() += 1;
        }
    }
    let n = items.len() as f64;
    let is_key = |name: &str| {
        [&key.hash, &key.range]
            .into_iter()
            .flatten()
            .any(|k| k.name == name)
    };
    let sparse: Vec<&str> = overall
        .iter()
        .filter(|(name, count)| {
            let share = **count as f64 / n;
            !is_key(name) && (0.05..=0.95).contains(&share)
        })
        .map(|(name, _)| *name)
        .collect();
    if sparse.is_empty() {
        return false;
    }
    let explained = sparse
        .iter()
        .filter(|name| {
            groups.values().all(|members| {
                let with = members
                    .iter()
                    .filter(|&&i| items[i].contains_key(**name))
                    .count();
                let share = with as f64 / members.len() as f64;
                share >= 0.9 || share <= 0.1
            })
        })
        .count();
    explained as f64 >= 0.8 * sparse.len() as f64
}

/// How one key value starts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Lead {
    /// A literal segment and its delimiters (`USER#`, `#METADATA#`), then a varying rest.
    Prefix { literal: String, segment: String },
    /// The whole value is a literal name (`PROFILE`): sort keys only.
    Literal(String),
    /// Nothing literal: an id, a timestamp, free text.
    Varies,
}

impl Lead {
    fn pattern(&self, varies: bool) -> String {
        match self {
            Lead::Prefix { literal, .. } if varies => format!("{literal}{{…}}"),
            Lead::Prefix { literal, .. } => literal.clone(),
            Lead::Literal(value) => value.clone(),
            Lead::Varies => "{…}".to_string(),
        }
    }
}

/// The delimiter most string values of `attribute` hold (in half of them at least).
fn delimiter(items: &[&Item], attribute: &str) -> Option<char> {
    let values = || {
        items
            .iter()
            .filter_map(move |item| match item.get(attribute) {
                Some(AttributeValue::S(value)) => Some(value.as_str()),
                _ => None,
            })
    };
    DELIMITERS
        .iter()
        .map(|&d| (d, values().filter(|v| v.contains(d)).count()))
        .filter(|&(_, count)| count * 2 >= items.len())
        .max_by_key(|&(d, count)| {
            (
                count,
                std::cmp::Reverse(DELIMITERS.iter().position(|&x| x == d)),
            )
        })
        .map(|(d, _)| d)
}

/// Whether a key segment reads like the name of a kind of item, not like an id, a number,
/// a timestamp or text.
fn name_like(segment: &str) -> bool {
    let mut chars = segment.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let hexish = segment.len() >= 8 && segment.chars().all(|c| c.is_ascii_hexdigit());
    segment.chars().count() <= MAX_SEGMENT_CHARS
        && (first.is_alphabetic() || matches!(first, '$' | '_'))
        && segment
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '$' | '.'))
        && !hexish
        && segment.chars().filter(char::is_ascii_digit).count() * 2 < segment.len()
}

/// How `value` starts, with `delimiter`; whole literals only where `whole` allows them.
fn lead(value: &str, delimiter: Option<char>, whole: bool) -> Lead {
    if let Some(d) = delimiter {
        let start = usize::from(value.starts_with(d));
        if let Some(end) = value[start..].find(d).map(|i| i + start) {
            let segment = &value[start..end];
            return if name_like(segment) {
                Lead::Prefix {
                    literal: value[..=end].to_string(),
                    segment: segment.to_string(),
                }
            } else {
                Lead::Varies
            };
        }
    }
    if whole && name_like(value) {
        Lead::Literal(value.to_string())
    } else {
        Lead::Varies
    }
}

/// Entity types from key prefixes, when the partition key (and the sort key) show them.
fn key_patterns(items: &[&Item], key: &PrimaryKey) -> Vec<Group> {
    let Some(pk) = &key.hash else {
        return Vec::new();
    };
    let sk = key.range.as_ref();
    let pk_delimiter = delimiter(items, &pk.name);
    if pk_delimiter.is_none() {
        return Vec::new();
    }
    let sk_delimiter = sk.and_then(|sk| delimiter(items, &sk.name));
    let string = |item: &Item, name: &str| match item.get(name) {
        Some(AttributeValue::S(value)) => Some(value.clone()),
        _ => None,
    };
    // Each item's (partition lead, sort lead), with the rests that must vary.
    let mut groups: HashMap<(Lead, Lead), (Vec<usize>, Rests)> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let Some(pk_value) = string(item, &pk.name) else {
            continue;
        };
        let pk_lead = lead(&pk_value, pk_delimiter, false);
        if pk_lead == Lead::Varies {
            continue;
        }
        let sk_value = sk.and_then(|sk| string(item, &sk.name));
        let sk_lead = sk_value
            .as_deref()
            .map_or(Lead::Varies, |v| lead(v, sk_delimiter, true));
        let entry = groups
            .entry((pk_lead.clone(), sk_lead.clone()))
            .or_default();
        entry.0.push(i);
        entry
            .1
            .add(&pk_lead, &pk_value, &sk_lead, sk_value.as_deref());
        if groups.len() > MAX_TYPES {
            return Vec::new();
        }
    }
    let support = (items.len() / 100).max(2);
    let mut kept: Vec<((Lead, Lead), Vec<usize>, Rests)> = groups
        .into_iter()
        .filter(|(_, (members, rests))| members.len() >= support && rests.pk_varies())
        .map(|(leads, (members, rests))| (leads, members, rests))
        .collect();
    let covered: usize = kept.iter().map(|(_, members, _)| members.len()).sum();
    if kept.len() < 2 || (covered as f64) < MIN_PATTERN_COVERAGE * items.len() as f64 {
        return Vec::new();
    }
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    kept.into_iter()
        .map(|((pk_lead, sk_lead), members, rests)| {
            let mut name = entity_name(&pk_lead, &sk_lead, pk_delimiter);
            let seen = names.entry(name.clone()).or_default();
            *seen += 1;
            if *seen > 1 {
                name = format!("{name} ({seen})");
            }
            let mut pattern = vec![(pk.name.clone(), pk_lead.pattern(true))];
            if let Some(sk) = sk {
                pattern.push((sk.name.clone(), sk_lead.pattern(rests.sk_varies)));
            }
            Group {
                name,
                recognised_by: RecognisedBy::KeyPattern(pattern),
                members,
            }
        })
        .collect()
}

/// What follows the literal part of the keys in one group: the partition key's rest must
/// vary (else it is one item, not a kind of item); the sort key's may.
#[derive(Default)]
struct Rests {
    first_pk: Option<String>,
    pk_differs: bool,
    sk_varies: bool,
}

impl Rests {
    fn add(&mut self, pk_lead: &Lead, pk_value: &str, sk_lead: &Lead, sk_value: Option<&str>) {
        let rest = |lead: &Lead, value: &str| match lead {
            Lead::Prefix { literal, .. } => value[literal.len()..].to_string(),
            _ => String::new(),
        };
        let pk_rest = rest(pk_lead, pk_value);
        match &self.first_pk {
            None => self.first_pk = Some(pk_rest),
            Some(first) => self.pk_differs |= *first != pk_rest,
        }
        if let (Lead::Prefix { .. }, Some(value)) = (sk_lead, sk_value) {
            self.sk_varies |= !rest(sk_lead, value).is_empty();
        }
    }

    fn pk_varies(&self) -> bool {
        self.pk_differs
    }
}

/// `USER` for `USER#…`/`#METADATA#…` or a sort key like the partition key's, `GAME#USER`
/// for `GAME#…`/`USER#…`, `USER#PROFILE` for `USER#…`/`PROFILE`.
fn entity_name(pk_lead: &Lead, sk_lead: &Lead, delimiter: Option<char>) -> String {
    let Lead::Prefix { segment: pk, .. } = pk_lead else {
        return String::new();
    };
    let sk = match sk_lead {
        Lead::Prefix { literal, segment } if !literal.starts_with(DELIMITERS) => Some(segment),
        Lead::Literal(value) => Some(value),
        _ => None,
    };
    match sk {
        Some(sk) if !sk.eq_ignore_ascii_case(pk) => {
            format!("{pk}{}{sk}", delimiter.unwrap_or('#'))
        }
        _ => pk.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infer::KeyAttr;
    use ferrometa_model::DataType;

    fn key(hash: &str, range: Option<&str>) -> PrimaryKey {
        let attr = |name: &str| KeyAttr {
            name: name.to_string(),
            data_type: DataType::String,
        };
        PrimaryKey {
            hash: Some(attr(hash)),
            range: range.map(attr),
        }
    }

    fn item(pairs: &[(&str, &str)]) -> Item {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), AttributeValue::S(v.to_string())))
            .collect()
    }

    fn run(items: &[Item], key: &PrimaryKey) -> Vec<EntityType> {
        let refs: Vec<&Item> = items.iter().collect();
        discover(&refs, key, &[], &Discovery::Auto, Limits::default())
    }

    #[test]
    fn name_like_segments_are_names_not_ids_or_times() {
        for good in [
            "USER",
            "order",
            "$store",
            "member",
            "Game_Session",
            "v2user",
        ] {
            assert!(name_like(good), "{good}");
        }
        for bad in [
            "",
            "2024-05-01T12",
            "12345",
            "deadbeef01",
            "hello world",
            "a1b2c3d4e5",
            "x".repeat(41).as_str(),
        ] {
            assert!(!name_like(bad), "{bad}");
        }
    }

    #[test]
    fn leads_take_the_first_literal_segment() {
        let prefix = |literal: &str, segment: &str| Lead::Prefix {
            literal: literal.into(),
            segment: segment.into(),
        };
        assert_eq!(
            lead("USER#alice", Some('#'), false),
            prefix("USER#", "USER")
        );
        assert_eq!(
            lead("#METADATA#alice", Some('#'), true),
            prefix("#METADATA#", "METADATA")
        );
        assert_eq!(
            lead("PROFILE", Some('#'), true),
            Lead::Literal("PROFILE".into())
        );
        assert_eq!(lead("PROFILE", Some('#'), false), Lead::Varies);
        assert_eq!(lead("2024-05-01T12:00:00Z", Some(':'), true), Lead::Varies);
        assert_eq!(lead("org:42", Some(':'), false), prefix("org:", "org"));
    }

    #[test]
    fn key_patterns_name_entities_readably() {
        let mut items = Vec::new();
        for i in 0..10 {
            items.push(item(&[
                ("PK", &format!("USER#u{i}")),
                ("SK", &format!("#METADATA#u{i}")),
            ]));
            items.push(item(&[
                ("PK", &format!("GAME#g{i}")),
                ("SK", &format!("USER#u{i}")),
            ]));
        }
        let types = run(&items, &key("PK", Some("SK")));
        let names: Vec<&str> = types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["GAME#USER", "USER"]);
        assert_eq!(
            types[1].recognised_by,
            RecognisedBy::KeyPattern(vec![
                ("PK".into(), "USER#{…}".into()),
                ("SK".into(), "#METADATA#{…}".into())
            ])
        );
        assert_eq!(types[0].sampled_items, 10);
        assert_eq!(types[0].item_share, 0.5);
    }

    #[test]
    fn a_type_attribute_groups_items_and_each_group_gets_its_attributes() {
        let mut items = Vec::new();
        for i in 0..6 {
            items.push(item(&[
                ("id", &format!("{i}")),
                ("type", "user"),
                ("email", "a@b"),
            ]));
            items.push(item(&[
                ("id", &format!("o{i}")),
                ("type", "order"),
                ("total", "3"),
            ]));
        }
        let types = run(&items, &key("id", None));
        assert_eq!(types.len(), 2);
        assert_eq!(types[1].name, "user");
        let paths: Vec<&str> = types[1]
            .attributes
            .iter()
            .map(|a| a.path.as_str())
            .collect();
        assert_eq!(paths, ["email", "id", "type"]);
        assert!(types[1].attributes.iter().all(|a| a.present == 6));
    }

    #[test]
    fn one_kind_of_item_unique_types_and_status_like_attributes_are_not_entity_types() {
        let one: Vec<Item> = (0..20)
            .map(|i| item(&[("pk", &format!("USER#{i}")), ("sk", "PROFILE")]))
            .collect();
        assert!(run(&one, &key("pk", Some("sk"))).is_empty());
        let unique: Vec<Item> = (0..20)
            .map(|i| item(&[("id", &format!("{i}")), ("type", &format!("t-{i}"))]))
            .collect();
        assert!(run(&unique, &key("id", None)).is_empty());
        // Not a well-known name and the values do not separate attributes.
        let status: Vec<Item> = (0..20)
            .map(|i| {
                let kind = ["small", "large"][i % 2];
                item(&[("id", &format!("{i}")), ("sizeKind", kind)])
            })
            .collect();
        assert!(run(&status, &key("id", None)).is_empty());
    }

    #[test]
    fn discovery_can_be_named_or_turned_off() {
        let items: Vec<Item> = (0..10)
            .map(|i| item(&[("id", &format!("{i}")), ("kind", ["a", "b"][i % 2])]))
            .collect();
        let refs: Vec<&Item> = items.iter().collect();
        let k = key("id", None);
        let named = Discovery::from_setting(Some("kind"));
        assert_eq!(discover(&refs, &k, &[], &named, Limits::default()).len(), 2);
        let off = Discovery::from_setting(Some(""));
        assert!(discover(&refs, &k, &[], &off, Limits::default()).is_empty());
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        /// Key-like strings: literal prefixes, delimiters in odd places, ids, text, markup.
        fn key_text() -> impl Strategy<Value = String> {
            prop_oneof![
                "(USER|GAME|org|\\$store|#META)[#:|][a-z0-9]{0,6}",
                "[#:|]{0,2}[A-Za-z0-9 <>]{0,8}[#:|]{0,2}[a-z]{0,3}",
                "[0-9a-f]{8}-[0-9a-f]{4}",
                any::<String>(),
            ]
        }

        fn test_item() -> impl Strategy<Value = Item> {
            let names = prop_oneof!["(type|_et|kind|sizeKind|x|y)", any::<String>()];
            (
                key_text(),
                proptest::option::of(key_text()),
                proptest::collection::vec((names, "[a-c]{0,2}"), 0..4),
            )
                .prop_map(|(pk, sk, attributes)| {
                    let mut item: Item = attributes
                        .into_iter()
                        .map(|(k, v)| (k, AttributeValue::S(v)))
                        .collect();
                    item.insert("pk".into(), AttributeValue::S(pk));
                    if let Some(sk) = sk {
                        item.insert("sk".into(), AttributeValue::S(sk));
                    }
                    item
                })
        }

        proptest! {
            #[test]
            fn discovery_never_panics_and_finds_no_more_types_than_values(
                items in proptest::collection::vec(test_item(), 0..60),
                named in proptest::option::of("(type|_et|kind|pk|missing)"),
            ) {
                let refs: Vec<&Item> = items.iter().collect();
                let discovery = Discovery::from_setting(named.as_deref());
                let found = discover(&refs, &key("pk", Some("sk")), &[], &discovery, Limits::default());
                let mut grouped = 0;
                for t in &found {
                    prop_assert!(t.sampled_items > 0);
                    grouped += t.sampled_items;
                    if let RecognisedBy::Attribute { attribute, .. } = &t.recognised_by {
                        let values: std::collections::BTreeSet<&str> = items
                            .iter()
                            .filter_map(|i| match i.get(attribute) {
                                Some(AttributeValue::S(v)) => Some(v.as_str()),
                                _ => None,
                            })
                            .collect();
                        prop_assert!(found.len() <= values.len());
                    }
                }
                // Each item is in one entity type at most.
                prop_assert!(grouped as usize <= items.len());
                let names: std::collections::BTreeSet<&str> =
                    found.iter().map(|t| t.name.as_str()).collect();
                prop_assert_eq!(names.len(), found.len());
            }
        }
    }
}
