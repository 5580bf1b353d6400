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
            TableConstraint::new(
                ConstraintType::PrimaryKey,
                vec!["user_id".into(), "created_at".into()]
            ),
            TableConstraint::new(ConstraintType::SortKey, vec!["created_at".into()]),
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
