//! Fuzzing the recipe loader with proptest: arbitrary bytes and text, YAML token soup, and
//! structured mutations of a valid recipe (renamed keys, swapped types, deletions, duplicated
//! keys, deep nesting, anchors and aliases), rendered as block YAML, flow YAML and JSON.
//!
//! Every input must give a recipe or one `ConfigError` that names the origin, has a one-line
//! lower-case message and a position inside the text whenever the text is not blank, and never
//! shows the secret of the recipe. A renamed key must be reported at its own line with the path of the map
//! that holds it.
//!
//! CI runs proptest's default 256 cases per property. The long mode is
//! `PROPTEST_CASES=100000 cargo test --release -p ferrometa-config --test fuzz`.

use crate::common;

use ferrometa_config::{ConfigError, Format, Recipe, load_str_with_env};
use proptest::prelude::*;
use proptest::sample::Index;

const SECRET: &str = "fuzz-s3cret-Vq93Lk";

fn lookup(name: &str) -> Option<String> {
    name.len().is_multiple_of(2).then(|| format!("v{name}$"))
}

fn load(text: &str, format: Format) -> Result<Recipe, ConfigError> {
    let origin = match format {
        Format::Yaml => "r.yaml",
        Format::Json => "r.json",
    };
    let result = load_str_with_env(text, format, origin, &lookup);
    if let Err(error) = &result {
        check_error(text, origin, error);
    }
    result
}

/// What every error must satisfy, whatever the input.
fn check_error(text: &str, origin: &str, error: &ConfigError) {
    let shown = error.to_string();
    assert_eq!(error.origin(), origin, "{shown}");
    let message = error.message();
    assert!(!message.is_empty(), "{shown}");
    assert!(!message.ends_with('.'), "trailing period: {shown}");
    assert!(!message.contains(['\n', '\r']), "multi-line: {shown:?}");
    assert!(
        !message.starts_with(|c: char| c.is_uppercase())
            || message.chars().nth(1).is_some_and(char::is_uppercase),
        "capitalised: {shown}"
    );
    // Only a blank recipe has no position.
    if message == "recipe is empty" {
        return;
    }
    let (Some(line), Some(column)) = (error.line(), error.column()) else {
        panic!("no position: {shown}\n--- input ---\n{text}");
    };
    // A position may point just past the last line or character (end of input).
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(line <= lines.len() + 1, "line {line} out of range: {shown}");
    if let Some(text_line) = lines.get(line - 1) {
        let width = text_line.chars().count();
        assert!(
            column <= width + 1,
            "column {column} > {width} + 1: {shown}"
        );
    }
}

/// A YAML/JSON tree that can also hold what serde_json cannot: duplicate keys, anchors and
/// aliases.
#[derive(Debug, Clone)]
enum Node {
    Str(String),
    Num(String),
    Bool(bool),
    Null,
    Seq(Vec<Node>),
    Map(Entries),
    Anchored(String, Box<Node>),
    Alias(String),
    /// `<<: *name` as the first entry of a map.
    Merge(String, Entries),
}

/// The entries of a map, in order, duplicates allowed.
type Entries = Vec<(String, Node)>;

fn s(v: &str) -> Node {
    Node::Str(v.to_string())
}

fn map(entries: Vec<(&str, Node)>) -> Node {
    Node::Map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// A valid recipe touching most sections.
fn base() -> Node {
    map(vec![
        (
            "source",
            map(vec![
                ("type", s("dynamodb")),
                ("serviceName", s("local_dynamodb")),
                (
                    "serviceConnection",
                    map(vec![(
                        "config",
                        map(vec![
                            ("type", s("DynamoDB")),
                            (
                                "awsConfig",
                                map(vec![
                                    ("awsAccessKeyId", s("AKIAEXAMPLE")),
                                    ("awsSecretAccessKey", s(SECRET)),
                                    ("awsRegion", s("us-east-1")),
                                    ("endPointURL", s("http://localhost:8000")),
                                    ("assumeRoleSessionName", s("fuzz")),
                                ]),
                            ),
                            ("databaseName", s("db")),
                            (
                                "connectionArguments",
                                map(vec![("free", Node::Num("1".into()))]),
                            ),
                        ]),
                    )]),
                ),
                (
                    "sourceConfig",
                    map(vec![(
                        "config",
                        map(vec![
                            ("type", s("DatabaseMetadata")),
                            ("markDeletedTables", Node::Bool(true)),
                            ("includeTags", Node::Bool(false)),
                            ("sampleItems", Node::Num("100".into())),
                            ("maxDepth", Node::Num("8".into())),
                            (
                                "tableFilterPattern",
                                map(vec![
                                    ("includes", Node::Seq(vec![s("^orders"), s("users$")])),
                                    ("excludes", Node::Seq(vec![s("tmp.*")])),
                                ]),
                            ),
                            ("markDeletedMaxShare", Node::Num("0.5".into())),
                        ]),
                    )]),
                ),
            ]),
        ),
        (
            "sink",
            map(vec![
                ("type", s("metadata-rest")),
                (
                    "config",
                    map(vec![("bulk_sink_batch_size", Node::Num("10".into()))]),
                ),
            ]),
        ),
        (
            "workflowConfig",
            map(vec![
                ("loggerLevel", s("DEBUG")),
                ("successThreshold", Node::Num("90".into())),
                (
                    "openMetadataServerConfig",
                    map(vec![
                        ("hostPort", s("http://localhost:8585/api")),
                        ("authProvider", s("openmetadata")),
                        ("securityConfig", map(vec![("jwtToken", s("jwt"))])),
                    ]),
                ),
                ("config", map(vec![("anything", Node::Null)])),
            ]),
        ),
    ])
}

/// Maps that take any key: a renamed key inside them is not an error.
const FREE_FORM: [&str; 2] = [
    "source.serviceConnection.config.connectionArguments",
    "workflowConfig.config",
];

/// A key or string written so that YAML and JSON read it back unchanged.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

fn plain_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn key_text(key: &str) -> String {
    if plain_key(key) {
        key.to_string()
    } else {
        quoted(key)
    }
}

/// Renders `node` in flow style (JSON when there are no anchors, aliases or merges).
fn flow(node: &Node, out: &mut String) {
    match node {
        Node::Str(v) => out.push_str(&quoted(v)),
        Node::Num(v) => out.push_str(v),
        Node::Bool(v) => out.push_str(if *v { "true" } else { "false" }),
        Node::Null => out.push_str("null"),
        Node::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow(item, out);
            }
            out.push(']');
        }
        Node::Map(entries) => flow_map(None, entries, out),
        Node::Merge(name, entries) => flow_map(Some(name), entries, out),
        Node::Anchored(name, inner) => {
            out.push_str(&format!("&{name} "));
            flow(inner, out);
        }
        Node::Alias(name) => out.push_str(&format!("*{name}")),
    }
}

fn flow_map(merge: Option<&str>, entries: &[(String, Node)], out: &mut String) {
    out.push('{');
    let mut first = true;
    if let Some(name) = merge {
        out.push_str(&format!("<<: *{name}"));
        first = false;
    }
    for (key, value) in entries {
        if !first {
            out.push_str(", ");
        }
        first = false;
        out.push_str(&quoted(key));
        out.push_str(": ");
        flow(value, out);
    }
    out.push('}');
}

/// A block-style renderer that records the line of every map key, by path.
struct Block {
    out: String,
    line: usize,
    keys: Vec<(String, usize)>,
}

impl Block {
    fn render(node: &Node) -> Block {
        let mut block = Block {
            out: String::new(),
            line: 1,
            keys: Vec::new(),
        };
        block.node(node, 0, "");
        block
    }

    fn push_line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
        self.line += 1;
    }

    /// Writes `node` as the value after `head` (`key:` or `-`), inline when it is a scalar.
    fn value(&mut self, head: &str, node: &Node, indent: usize, path: &str) {
        match node {
            Node::Map(entries) | Node::Merge(_, entries) if !entries.is_empty() => {
                self.push_line(head);
                self.node(node, indent + 2, path);
            }
            Node::Seq(items) if !items.is_empty() => {
                self.push_line(head);
                self.node(node, indent + 2, path);
            }
            Node::Anchored(name, inner) if matches!(**inner, Node::Map(_) | Node::Seq(_)) => {
                self.value(&format!("{head} &{name}"), inner, indent, path);
            }
            _ => {
                let mut inline = String::new();
                flow(node, &mut inline);
                self.push_line(&format!("{head} {inline}"));
            }
        }
    }

    fn node(&mut self, node: &Node, indent: usize, path: &str) {
        let pad = " ".repeat(indent);
        match node {
            Node::Map(entries) | Node::Merge(_, entries) => {
                if let Node::Merge(name, _) = node {
                    self.push_line(&format!("{pad}<<: *{name}"));
                }
                for (key, value) in entries {
                    let child = join(path, key);
                    self.keys.push((child.clone(), self.line));
                    self.value(&format!("{pad}{}:", key_text(key)), value, indent, &child);
                }
            }
            Node::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.value(&format!("{pad}-"), item, indent, &format!("{path}[{i}]"));
                }
            }
            other => {
                let mut inline = String::new();
                flow(other, &mut inline);
                self.push_line(&format!("{pad}{inline}"));
            }
        }
    }
}

/// One change to the tree. Node-level changes pick a node in pre-order, entry-level ones
/// (rename, delete, duplicate) a map entry.
#[derive(Debug, Clone)]
enum Mutation {
    Rename(Index, String),
    Swap(Index, Node),
    Delete(Index),
    Duplicate(Index, bool),
    Nest(Index, usize, bool),
    AnchorAlias(Index, Index),
    Merge(Index, Index),
}

fn nodes(node: &Node) -> usize {
    1 + match node {
        Node::Map(entries) | Node::Merge(_, entries) => entries.iter().map(|(_, v)| nodes(v)).sum(),
        Node::Seq(items) => items.iter().map(nodes).sum(),
        Node::Anchored(_, inner) => nodes(inner) - 1,
        _ => 0,
    }
}

fn entries(node: &Node) -> usize {
    match node {
        Node::Map(entries) | Node::Merge(_, entries) => {
            entries.len() + entries.iter().map(|(_, v)| self::entries(v)).sum::<usize>()
        }
        Node::Seq(items) => items.iter().map(self::entries).sum(),
        Node::Anchored(_, inner) => self::entries(inner),
        _ => 0,
    }
}

/// The node at pre-order position `target` (an anchored node counts once).
fn node_at<'a>(node: &'a mut Node, target: &mut usize) -> Option<&'a mut Node> {
    if let Node::Anchored(_, inner) = node {
        return node_at(inner, target);
    }
    if *target == 0 {
        return Some(node);
    }
    *target -= 1;
    match node {
        Node::Map(entries) | Node::Merge(_, entries) => {
            for (_, value) in entries {
                if let Some(found) = node_at(value, target) {
                    return Some(found);
                }
            }
            None
        }
        Node::Seq(items) => {
            for item in items {
                if let Some(found) = node_at(item, target) {
                    return Some(found);
                }
            }
            None
        }
        _ => None,
    }
}

/// The map entry at position `target` (pre-order), with the path of its map.
fn entry_at<'a>(
    node: &'a mut Node,
    path: String,
    target: &mut usize,
) -> Option<(String, &'a mut Entries, usize)> {
    match node {
        Node::Map(entries) | Node::Merge(_, entries) => {
            if *target < entries.len() {
                let i = *target;
                return Some((path, entries, i));
            }
            *target -= entries.len();
            for (key, value) in entries {
                if let Some(found) = entry_at(value, join(&path, key), target) {
                    return Some(found);
                }
            }
            None
        }
        Node::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                if let Some(found) = entry_at(item, format!("{path}[{i}]"), target) {
                    return Some(found);
                }
            }
            None
        }
        Node::Anchored(_, inner) => entry_at(inner, path, target),
        _ => None,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn pick_node<'a>(tree: &'a mut Node, at: &Index) -> &'a mut Node {
    let mut target = at.index(nodes(tree));
    node_at(tree, &mut target).expect("index in range")
}

/// A renamed key: the path of its map and its new path.
struct Renamed {
    parent: String,
    path: String,
}

/// Applies `mutation`; a rename returns where the key now is, whose error is predictable.
fn apply(tree: &mut Node, mutation: &Mutation, anchor: usize) -> Option<Renamed> {
    fn entry<'a>(tree: &'a mut Node, at: &Index) -> Option<(String, &'a mut Entries, usize)> {
        let mut target = at.index(entries(tree).max(1));
        entry_at(tree, String::new(), &mut target)
    }
    match mutation {
        Mutation::Rename(at, suffix) => {
            let (parent, entries, i) = entry(tree, at)?;
            entries[i].0.push_str(suffix);
            let path = join(&parent, &entries[i].0);
            return Some(Renamed { parent, path });
        }
        Mutation::Delete(at) => {
            if let Some((_, entries, i)) = entry(tree, at) {
                entries.remove(i);
            }
        }
        Mutation::Duplicate(at, same) => {
            if let Some((_, entries, i)) = entry(tree, at) {
                let mut copy = entries[i].clone();
                if !same {
                    copy.1 = Node::Seq(vec![copy.1]);
                }
                entries.insert(i + 1, copy);
            }
        }
        Mutation::Swap(at, with) => *pick_node(tree, at) = with.clone(),
        Mutation::Nest(at, depth, as_map) => {
            let node = pick_node(tree, at);
            for _ in 0..*depth {
                let inner = std::mem::replace(node, Node::Null);
                *node = if *as_map {
                    Node::Map(vec![("k".into(), inner)])
                } else {
                    Node::Seq(vec![inner])
                };
            }
        }
        Mutation::AnchorAlias(from, to) | Mutation::Merge(from, to) => {
            // The reference may come before the anchor, inside it, or be the node itself.
            let name = format!("a{anchor}");
            let node = pick_node(tree, from);
            let inner = std::mem::replace(node, Node::Null);
            *node = Node::Anchored(name.clone(), Box::new(inner));
            let node = pick_node(tree, to);
            *node = match std::mem::replace(node, Node::Null) {
                Node::Map(entries) if matches!(mutation, Mutation::Merge(..)) => {
                    Node::Merge(name, entries)
                }
                _ => Node::Alias(name),
            };
        }
    }
    None
}

fn yaml_only(node: &Node) -> bool {
    match node {
        Node::Anchored(..) | Node::Alias(_) | Node::Merge(..) => true,
        Node::Map(entries) => entries.iter().any(|(_, v)| yaml_only(v)),
        Node::Seq(items) => items.iter().any(yaml_only),
        _ => false,
    }
}

fn scalar() -> impl Strategy<Value = Node> {
    prop_oneof![
        "[ -~]{0,12}".prop_map(Node::Str),
        any::<i64>().prop_map(|n| Node::Num(n.to_string())),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| Node::Num(f.to_string())),
        any::<bool>().prop_map(Node::Bool),
        Just(Node::Null),
        Just(Node::Num("1e400".into())),
        Just(Node::Num("-0".into())),
        Just(Node::Str("\u{202e}\u{0301}🦀".into())),
    ]
}

fn replacement() -> impl Strategy<Value = Node> {
    prop_oneof![
        4 => scalar(),
        1 => Just(Node::Seq(vec![])),
        1 => Just(Node::Map(vec![])),
        1 => scalar().prop_map(|n| Node::Seq(vec![n])),
        1 => scalar().prop_map(|n| Node::Map(vec![("k".into(), n)])),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), "(X|_|Typo|\u{e9}|\\.|::)").prop_map(|(i, s)| Mutation::Rename(i, s)),
        (any::<Index>(), replacement()).prop_map(|(i, n)| Mutation::Swap(i, n)),
        any::<Index>().prop_map(Mutation::Delete),
        (any::<Index>(), any::<bool>()).prop_map(|(i, same)| Mutation::Duplicate(i, same)),
        (any::<Index>(), 1usize..300, any::<bool>())
            .prop_map(|(i, depth, as_map)| Mutation::Nest(i, depth, as_map)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::AnchorAlias(a, b)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Merge(a, b)),
    ]
}

/// YAML-ish tokens, including the ones that make parsers work hard.
fn token() -> impl Strategy<Value = String> {
    const FIXED: [&str; 65] = [
        "source",
        "type",
        "dynamodb",
        "serviceName",
        "serviceConnection",
        "config",
        "awsConfig",
        "awsRegion",
        "sink",
        "workflowConfig",
        "sourceConfig",
        "includes",
        ":",
        ": ",
        "-",
        "- ",
        "{",
        "}",
        "[",
        "]",
        ",",
        "?",
        "&a",
        "*a",
        "&b",
        "*b",
        "<<",
        "!!str",
        "!!binary",
        "!tag",
        "|",
        ">",
        "|-",
        ">+",
        "'",
        "\"",
        "#",
        "---",
        "...",
        "%YAML 1.2",
        "%TAG ! !x",
        "\n",
        "\n  ",
        "\n    ",
        "\t",
        "~",
        "null",
        "yes",
        "No",
        "0x1F",
        "0o17",
        "1e400",
        ".inf",
        "-.NaN",
        "${A}",
        "${AB}",
        "$$",
        "$",
        "${",
        "\u{feff}",
        "\u{0}",
        "🦀",
        "\\u0000",
        "\r\n",
        " ",
    ];
    prop_oneof![
        8 => proptest::sample::select(&FIXED[..]).prop_map(str::to_string),
        1 => "[a-zA-Z0-9_]{1,8}",
        1 => any::<char>().prop_map(String::from),
    ]
}

proptest! {
    // Shrunk failures are kept as explicit regression tests, not in files.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = load(&text, Format::Yaml);
        let _ = load(&text, Format::Json);
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = load(&text, Format::Yaml);
        let _ = load(&text, Format::Json);
    }

    #[test]
    fn token_soup_never_panics(tokens in proptest::collection::vec(token(), 0..80)) {
        let text = tokens.concat();
        let _ = load(&text, Format::Yaml);
        let _ = load(&text, Format::Json);
    }

    #[test]
    fn token_soup_after_a_valid_prefix_never_panics(
        cut in any::<Index>(),
        tokens in proptest::collection::vec(token(), 0..40),
    ) {
        let valid = Block::render(&base()).out;
        let mut at = cut.index(valid.len() + 1);
        while !valid.is_char_boundary(at) {
            at -= 1;
        }
        let text = format!("{}{}{}", &valid[..at], tokens.concat(), &valid[at..]);
        let _ = load(&text, Format::Yaml);
    }

    #[test]
    fn mutated_recipes_load_or_fail_located(mutations in proptest::collection::vec(mutation(), 1..4)) {
        let mut tree = base();
        let renamed: Vec<Option<Renamed>> =
            mutations.iter().enumerate().map(|(i, m)| apply(&mut tree, m, i)).collect();
        let block = Block::render(&tree);
        let mut flow_text = String::new();
        flow(&tree, &mut flow_text);
        let block_result = load(&block.out, Format::Yaml);
        let flow_result = load(&flow_text, Format::Yaml);
        // Block and flow style are the same document; only their nesting limits differ.
        // (Error messages may differ: the parser words block and flow syntax errors apart.)
        let outcome = |r: &Result<Recipe, ConfigError>| r.as_ref().map(json).map_err(|_| ());
        if !limit_hit(&block_result) && !limit_hit(&flow_result) {
            prop_assert_eq!(outcome(&block_result), outcome(&flow_result), "block:\n{}\nflow:\n{}", block.out, flow_text);
        }
        if !yaml_only(&tree) {
            // Without anchors, aliases or merges the flow text is JSON (duplicate keys aside).
            let _ = load(&flow_text, Format::Json);
            // The secret stays where it was (an alias could copy it into an enum value, which
            // messages do show), so no message may contain it.
            if let Err(error) = &block_result {
                prop_assert!(!error.to_string().contains(SECRET), "secret echoed: {}", error);
            }
        }
        // A single rename is reported at the renamed key, with the path of its map.
        if let [Some(Renamed { parent, path })] = renamed.as_slice() {
            match &block_result {
                Ok(_) => prop_assert!(FREE_FORM.iter().any(|f| parent.starts_with(f)), "{} accepted:\n{}", path, block.out),
                Err(error) => {
                    let line = block.keys.iter().find(|(p, _)| p == path).map(|(_, l)| *l);
                    prop_assert_eq!(error.line(), line, "{}\n{}", error, block.out);
                    prop_assert_eq!(error.field_path().unwrap_or(""), parent.as_str(), "{}", error);
                    prop_assert!(error.message().starts_with("unknown field"), "{}", error);
                }
            }
        }
    }
}

fn limit_hit(result: &Result<Recipe, ConfigError>) -> bool {
    result.as_ref().is_err_and(|e| {
        ["recursion", "nested", "limit"]
            .iter()
            .any(|w| e.message().contains(w))
    })
}

/// A loaded recipe as JSON, for comparing two loads.
fn json(recipe: &Recipe) -> String {
    serde_json::to_string(recipe).unwrap()
}

#[test]
fn the_unmutated_recipe_loads_in_every_rendering() {
    let tree = base();
    let block = Block::render(&tree).out;
    let mut flow_text = String::new();
    flow(&tree, &mut flow_text);
    let from_block = load(&block, Format::Yaml).unwrap();
    assert_eq!(
        json(&from_block),
        json(&load(&flow_text, Format::Yaml).unwrap())
    );
    assert_eq!(
        json(&from_block),
        json(&load(&flow_text, Format::Json).unwrap())
    );
    assert_eq!(
        from_block
            .source
            .source_config
            .metadata()
            .unwrap()
            .max_depth,
        8
    );
    assert!(common::load(&block).is_ok());
}
