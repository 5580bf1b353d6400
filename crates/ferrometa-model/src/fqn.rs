//! Fully qualified names by OpenMetadata's rules and its client's reserved-name encoding.

/// Reserved substrings and their encodings, as OpenMetadata's Python client applies them.
const RESERVED: [(&str, &str); 6] = [
    ("::", "__reserved__colon__"),
    (">", "__reserved__arrow__"),
    ("\"", "__reserved__quote__"),
    ("\n", "__reserved__newline__"),
    ("\r", "__reserved__carriage_return__"),
    ("\t", "__reserved__tab__"),
];

/// Encodes characters OpenMetadata reserves in entity and column names.
pub fn encode_name(name: &str) -> String {
    RESERVED
        .iter()
        .fold(name.to_string(), |acc, (raw, enc)| acc.replace(raw, enc))
}

/// Reverses [`encode_name`].
pub fn decode_name(name: &str) -> String {
    RESERVED
        .iter()
        .fold(name.to_string(), |acc, (raw, enc)| acc.replace(enc, raw))
}

/// `quoteName`: wraps a dotted name in double quotes, unquotes a quoted name without dots.
pub fn quote_name(name: &str) -> String {
    let quoted = name.len() >= 2 && name.starts_with('"') && name.ends_with('"');
    if quoted {
        let inner = &name[1..name.len() - 1];
        if inner.contains('.') {
            name.to_string()
        } else {
            inner.to_string()
        }
    } else if name.contains('.') {
        format!("\"{name}\"")
    } else {
        name.to_string()
    }
}

/// The FQN of `name` under `parent`: the parent's FQN as it is, then the quoted name.
pub fn child(parent: &str, name: &str) -> String {
    format!("{parent}.{}", quote_name(name))
}

/// Sets the FQN of every column, nested ones included, as OpenMetadata's server assigns them
/// (`ColumnUtil.setColumnFQN`): its parent's FQN (the table's, or the parent column's) and
/// its quoted name.
pub fn assign_column_fqns(columns: &mut [crate::Column], parent_fqn: &str) {
    for column in columns {
        let fqn = child(parent_fqn, &column.name);
        if let Some(children) = &mut column.children {
            assign_column_fqns(children, &fqn);
        }
        column.fully_qualified_name = Some(fqn);
    }
}

/// Joins parts with `.`, quoting each one.
pub fn build(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| quote_name(p))
        .collect::<Vec<_>>()
        .join(".")
}

/// Splits an FQN into its parts, keeping the quotes of quoted parts.
pub fn split(fqn: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    for c in fqn.chars() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                current.push(c);
            }
            '.' if !in_quotes => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
}

/// The unquoted last part of an FQN (an entity's name).
pub fn last_name(fqn: &str) -> String {
    let last = split(fqn).pop().unwrap_or_default();
    last.trim_matches('"').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_fqns_extend_their_parent() {
        let mut nested = crate::Column::new("a.b", crate::DataType::Struct);
        nested.children = Some(vec![crate::Column::new("c", crate::DataType::Int)]);
        nested.fully_qualified_name = Some("stale".into());
        let mut columns = vec![crate::Column::new("pk", crate::DataType::String), nested];
        assign_column_fqns(&mut columns, "\"my.dyn\".default.default.t");
        let fqns = |c: &crate::Column| c.fully_qualified_name.clone().unwrap();
        assert_eq!(fqns(&columns[0]), "\"my.dyn\".default.default.t.pk");
        assert_eq!(fqns(&columns[1]), "\"my.dyn\".default.default.t.\"a.b\"");
        let children = columns[1].children.as_ref().unwrap();
        assert_eq!(fqns(&children[0]), "\"my.dyn\".default.default.t.\"a.b\".c");
    }

    #[test]
    fn quote_rules_match_openmetadata() {
        assert_eq!(quote_name("x.y"), "\"x.y\"");
        assert_eq!(quote_name("\"x.y\""), "\"x.y\"");
        assert_eq!(quote_name("\"xy\""), "xy");
        assert_eq!(quote_name("xy"), "xy");
        assert_eq!(
            child("\"my.dyn\".default", "a.b"),
            "\"my.dyn\".default.\"a.b\""
        );
        assert_eq!(child("svc", "\"t\""), "svc.t");
        assert_eq!(
            build(&["my.dyn", "default", "s", "a.b"]),
            "\"my.dyn\".default.s.\"a.b\""
        );
    }

    #[test]
    fn reserved_names_round_trip() {
        let enc = encode_name("we::ird>name");
        assert_eq!(enc, "we__reserved__colon__ird__reserved__arrow__name");
        assert_eq!(decode_name(&enc), "we::ird>name");
        assert_eq!(
            encode_name("a\"b\tc"),
            "a__reserved__quote__b__reserved__tab__c"
        );
    }

    /// Names as the source writes them into FQNs: encoded, from any text.
    fn encoded() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            any::<String>(),
            "[a.\"':> <,\t\n]{0,8}",
            "(\\.|::|>|\"|a|🦀){0,6}",
        ]
        .prop_map(|name| encode_name(&name))
    }

    proptest::proptest! {
        #[test]
        fn encoding_removes_every_reserved_string_and_decodes_back(name in "(::|:|>|\"|\n|\r|\t|a|_|é){0,12}|.*") {
            let encoded = encode_name(&name);
            for (raw, _) in RESERVED {
                proptest::prop_assert!(!encoded.contains(raw), "{encoded:?}");
            }
            if !name.contains("__reserved__") {
                proptest::prop_assert_eq!(decode_name(&encoded), name);
            }
        }

        #[test]
        fn fqns_split_back_into_their_names(parts in proptest::collection::vec(encoded(), 1..6)) {
            let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
            let fqn = build(&refs);
            let split = split(&fqn);
            proptest::prop_assert_eq!(split.len(), parts.len(), "{}", fqn);
            for (part, name) in split.iter().zip(&parts) {
                proptest::prop_assert_eq!(part, &quote_name(name));
                proptest::prop_assert_eq!(part.starts_with('"'), name.contains('.'));
                proptest::prop_assert_eq!(part.trim_matches('"'), name);
                proptest::prop_assert_eq!(quote_name(part), part.clone(), "quoting is idempotent");
            }
            proptest::prop_assert_eq!(&last_name(&fqn), parts.last().unwrap());
        }
    }

    #[test]
    fn split_keeps_quoted_parts() {
        assert_eq!(
            split("\"my.dyn\".default.s.\"a.b\""),
            vec!["\"my.dyn\"", "default", "s", "\"a.b\""]
        );
        assert_eq!(last_name("svc.default.default.\"a.b\""), "a.b");
    }
}
