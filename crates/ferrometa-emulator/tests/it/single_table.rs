//! The single-table corpus: every table is created and holds the items its ground truth
//! describes.

use ferrometa_emulator::{Emulator, Recognition, app_data_expected, seed_single_table_corpus};

async fn scan_count(client: &aws_sdk_dynamodb::Client, table: &str) -> usize {
    let pages: Vec<_> = client
        .scan()
        .table_name(table)
        .select(aws_sdk_dynamodb::types::Select::Count)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    pages.iter().map(|p| p.count() as usize).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_corpus_creates_every_table_with_its_items() {
    let emu = Emulator::start().await.unwrap();
    let client = emu.client();
    let corpus = seed_single_table_corpus(&client).await.unwrap();
    assert_eq!(corpus.len(), 12);

    let mut listed = client
        .list_tables()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    listed.sort();
    let mut names: Vec<String> = corpus.iter().map(|t| t.name.clone()).collect();
    names.sort();
    assert_eq!(listed, names);

    for table in &corpus {
        // A repeated primary key would overwrite an item and falsify the ground truth.
        assert_eq!(
            scan_count(&client, &table.name).await,
            table.items,
            "{}",
            table.name
        );
        let described = client
            .describe_table()
            .table_name(&table.name)
            .send()
            .await
            .unwrap()
            .table
            .unwrap();
        let mut indexes: Vec<&str> = described
            .global_secondary_indexes()
            .iter()
            .filter_map(|i| i.index_name())
            .chain(
                described
                    .local_secondary_indexes()
                    .iter()
                    .filter_map(|i| i.index_name()),
            )
            .collect();
        indexes.sort();
        for entity in &table.expected {
            for index in &entity.indexes {
                assert!(indexes.contains(&index.as_str()), "{}: {index}", table.name);
            }
        }
        let negative = table.name.starts_with("st_neg_");
        assert_eq!(table.expected.is_empty(), negative, "{}", table.name);
    }

    let hash_keys = corpus.iter().find(|t| t.name == "st_hash_keys").unwrap();
    let patterns: Vec<&Recognition> = hash_keys
        .expected
        .iter()
        .map(|e| &e.recognised_by)
        .collect();
    assert!(patterns.contains(&&Recognition::KeyPattern {
        partition: "GAME#".into(),
        sort: Some("#METADATA#".into()),
    }));
    emu.stop().await;
}

#[test]
fn app_data_has_users_orders_and_products() {
    let expected = app_data_expected();
    let counts: Vec<(String, usize)> = expected
        .iter()
        .map(|e| match &e.recognised_by {
            Recognition::Attribute { attribute, value } => {
                assert_eq!(attribute, "entity_type");
                (value.clone(), e.items)
            }
            other => panic!("unexpected recognition {other:?}"),
        })
        .collect();
    assert_eq!(
        counts,
        vec![
            ("USER".to_string(), 40),
            ("ORDER".to_string(), 100),
            ("PRODUCT".to_string(), 20)
        ]
    );
    let users = &expected[0];
    assert_eq!(users.indexes, vec!["gsi1".to_string()]);
    assert!(expected[1].indexes.is_empty());
    let presence = |name: &str| {
        users
            .attributes
            .iter()
            .find(|(a, _)| a == name)
            .map(|(_, p)| *p)
    };
    assert_eq!(presence("nickname"), Some(0.25));
    assert_eq!(presence("pk"), Some(1.0));
    assert_eq!(presence("coupon"), None);
}
