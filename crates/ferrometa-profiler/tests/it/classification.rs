//! The AutoClassification workflow: suggested PII tags, sample data and its masking.

use std::sync::Arc;

use ferrometa_config::{AutoClassificationConfig, PipelineConfig};
use ferrometa_core::{Record, Source};
use ferrometa_model::ColumnTag;
use serde_json::Value;

use crate::common::{
    MemoryLister, manual_tag, profiler_source, recipe, run, seeded, stored_tables, table_fqn,
};

fn tags(records: &[Record]) -> &[ColumnTag] {
    records
        .iter()
        .find_map(|r| match r {
            Record::ColumnTags { tags, .. } => Some(tags.as_slice()),
            _ => None,
        })
        .unwrap_or(&[])
}

fn sample_data(records: &[Record]) -> &Value {
    records
        .iter()
        .find_map(|r| match r {
            Record::SampleData { data, .. } => Some(data),
            _ => None,
        })
        .expect("sample data")
}

fn tag_of<'a>(tags: &'a [ColumnTag], column: &str) -> Option<&'a str> {
    let fqn = format!("{}.{column}", table_fqn("people"));
    tags.iter()
        .find(|t| t.column == fqn)
        .map(|t| t.tag.tag_fqn.as_str())
}

fn cell<'a>(data: &'a Value, row: usize, column: &str) -> &'a Value {
    let index = data["columns"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    &data["rows"][row][index]
}

#[tokio::test]
async fn columns_are_tagged_and_sample_data_is_masked() {
    let emu = seeded().await;
    let recipe = recipe(&emu.endpoint());
    let connection = &recipe.source.service_connection.config;
    let mut tables = stored_tables(&recipe).await;
    // A person already tagged `card` as sensitive.
    let people = tables.iter_mut().find(|t| t.name == "people").unwrap();
    let card = people
        .columns
        .iter_mut()
        .find(|c| c.name == "card")
        .unwrap();
    card.tags = Some(vec![manual_tag("PII.Sensitive")]);
    let lister = Arc::new(MemoryLister { tables });

    let config = AutoClassificationConfig {
        store_sample_data: true,
        sample_data_count: 5,
        ..AutoClassificationConfig::default()
    };
    let source = profiler_source(
        connection,
        PipelineConfig::AutoClassification(config.clone()),
        lister.clone(),
    )
    .await;
    assert_eq!(source.name(), "AutoClassification");
    let out = run(&source).await;
    assert!(out.failures.is_empty(), "{:?}", out.failures);
    let records = out.records("people");
    let tags = tags(records);
    assert_eq!(tag_of(tags, "email"), Some("PII.Sensitive"), "{tags:#?}");
    assert_eq!(
        tag_of(tags, "contact.email"),
        Some("PII.Sensitive"),
        "{tags:#?}"
    );
    // Already tagged: left alone.
    assert_eq!(tag_of(tags, "card"), None);
    // Card look-alikes failing Luhn are not cards.
    assert_eq!(tag_of(tags, "order_no"), None, "{tags:#?}");
    // UUIDs, phone numbers and cities are NonSensitive.
    assert_eq!(tag_of(tags, "id"), Some("PII.NonSensitive"), "{tags:#?}");
    assert_eq!(tag_of(tags, "phone"), Some("PII.NonSensitive"), "{tags:#?}");
    assert_eq!(
        tag_of(tags, "contact.city"),
        Some("PII.NonSensitive"),
        "{tags:#?}"
    );
    // Nothing else.
    assert_eq!(tags.len(), 5, "{tags:#?}");
    assert_eq!(tag_of(tags, "lines.sku"), None);
    let email = tags
        .iter()
        .find(|t| t.column.ends_with(".people.email"))
        .unwrap();
    assert_eq!(
        (
            email.tag.source.as_str(),
            email.tag.label_type.as_str(),
            email.tag.state.as_str()
        ),
        ("Classification", "Generated", "Suggested")
    );
    assert!(
        email
            .tag
            .reason
            .as_deref()
            .unwrap()
            .starts_with("Email detected with score")
    );

    let data = sample_data(records);
    let rows = data["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    for row in 0..rows.len() {
        assert_eq!(cell(data, row, "email"), "********");
        assert_eq!(cell(data, row, "card"), "********");
        // NonSensitive columns are kept.
        assert_eq!(cell(data, row, "id").as_str().unwrap().len(), 36);
        assert!(
            cell(data, row, "phone")
                .as_str()
                .unwrap()
                .starts_with("+44")
        );
        assert!(cell(data, row, "order_no").as_str().unwrap().len() == 16);
        // Nested values are JSON, a sensitive nested column masked inside.
        let contact = cell(data, row, "contact");
        assert_eq!(contact["email"], "********");
        assert!(contact["city"].is_string());
        let lines = cell(data, row, "lines").as_array().unwrap();
        assert_eq!(lines.len(), 2);
        assert!(lines[0]["sku"].as_str().unwrap().starts_with("SKU-"));
        assert!(lines[0]["qty"].is_i64());
        assert_eq!(lines[1]["qty"], 2.5);
        assert_eq!(cell(data, row, "labels"), &serde_json::json!(["a", "b"]));
        assert_eq!(cell(data, row, "blob"), "AAEC/w==");
        assert_eq!(
            cell(data, row, "big_number"),
            "123456789012345678901234567890"
        );
    }
    // A table with nothing personal: no tag record, its sample data all the same.
    let counts = out.records("counts");
    assert!(tags_of_table_is_empty(counts), "{counts:?}");
    assert_eq!(sample_data(counts)["rows"].as_array().unwrap().len(), 5);

    // Unmasked when asked, and nothing stored without storeSampleData.
    let unmasked = AutoClassificationConfig {
        mask_sensitive_sample_data: false,
        ..config.clone()
    };
    let source = profiler_source(
        connection,
        PipelineConfig::AutoClassification(unmasked),
        lister.clone(),
    )
    .await;
    let out = run(&source).await;
    let data = sample_data(out.records("people"));
    assert!(cell(data, 0, "email").as_str().unwrap().contains('@'));

    let no_data = AutoClassificationConfig {
        store_sample_data: false,
        ..config
    };
    let source = profiler_source(
        connection,
        PipelineConfig::AutoClassification(no_data),
        lister,
    )
    .await;
    let out = run(&source).await;
    assert!(
        out.records("people")
            .iter()
            .all(|r| matches!(r, Record::ColumnTags { .. }))
    );
    assert!(out.records("counts").is_empty());
}

fn tags_of_table_is_empty(records: &[Record]) -> bool {
    !records
        .iter()
        .any(|r| matches!(r, Record::ColumnTags { .. }))
}
