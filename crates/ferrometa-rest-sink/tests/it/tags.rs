//! The classifier's column tags through a real `ferrometa serve`: a JSON Patch of the tags
//! the columns take, nothing sent when they take none, and later metadata runs keep them.

use ferrometa_core::{Record, Sink, WriteOutcome};
use ferrometa_model::{ColumnTag, CreateEntity, DataType, TagLabel};
use serde_json::{Value, json};

use crate::harness::{Hierarchy, Server, api_url, records};

fn label(fqn: &str) -> TagLabel {
    serde_json::from_value(json!({
        "tagFQN": fqn, "source": "Classification", "labelType": "Generated",
        "state": "Suggested", "reason": "the values look like postal codes"
    }))
    .unwrap()
}

pub fn column_tags(h: &Hierarchy, i: usize, tags: &[(&str, &str)]) -> Record {
    Record::ColumnTags {
        table: h.table_fqn(i),
        tags: tags
            .iter()
            .map(|(column, fqn)| ColumnTag {
                column: format!("{}.{column}", h.table_fqn(i)),
                tag: label(fqn),
            })
            .collect(),
    }
}

fn tag_fqns(column: &Value) -> Vec<&str> {
    column["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|tag| tag["tagFQN"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn column_tags_are_patched_once_and_kept_by_metadata_runs() {
    let server = Server::start().await;
    let proxy = server.proxy().await;
    let h = Hierarchy::new("svc", 2);
    let mut sink = server.connect(&api_url(&proxy)).await;
    let mut batch = records(&h.entities());
    batch.push(column_tags(
        &h,
        0,
        &[
            ("address.zip", "PII.NonSensitive"),
            ("pk", "PII.Sensitive"),
            ("pk", "PII.NonSensitive"),
        ],
    ));
    let results = sink.write_batch(&batch).await;
    assert!(
        matches!(results[5], Ok(WriteOutcome::Updated)),
        "{:?}",
        results[5]
    );
    let patches: Vec<String> = proxy
        .take_log()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| String::from_utf8(r.body).unwrap())
        .collect();
    assert_eq!(patches.len(), 1);
    let ops: Value = serde_json::from_str(&patches[0]).unwrap();
    let paths: Vec<&str> = ops
        .as_array()
        .unwrap()
        .iter()
        .map(|op| op["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/columns/2/children/1/tags", "/columns/0/tags"]);

    let table = server.table(&h.table_fqn(0)).await;
    assert_eq!(table["version"], json!(0.2));
    assert_eq!(tag_fqns(&table["columns"][0]), ["PII.Sensitive"]);
    assert_eq!(
        tag_fqns(&table["columns"][2]["children"][1]),
        ["PII.NonSensitive"]
    );
    assert_eq!(
        table["columns"][0]["tags"][0]["reason"],
        "the values look like postal codes"
    );

    // Tags of classifications the columns already have: nothing is patched.
    let again = column_tags(
        &h,
        0,
        &[("pk", "PII.NonSensitive"), ("address.zip", "PII.Sensitive")],
    );
    let results = sink.write_batch(&[again]).await;
    assert!(
        matches!(results[0], Ok(WriteOutcome::Unchanged)),
        "{results:?}"
    );
    assert!(proxy.take_log().iter().all(|r| r.method != "PATCH"));

    // The same metadata again, and a table with a new column, keep the tags.
    let results = sink.write_batch(&records(&h.entities())).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let mut changed = h.entities();
    changed[3] = h.table(0, &[ferrometa_model::Column::new("added", DataType::Int)]);
    assert!(matches!(changed[3], CreateEntity::Table(_)));
    let results = sink.write_batch(&records(&changed)).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let table = server.table(&h.table_fqn(0)).await;
    assert_eq!(table["columns"][3]["name"], "added");
    assert_eq!(tag_fqns(&table["columns"][0]), ["PII.Sensitive"]);
    assert_eq!(
        tag_fqns(&table["columns"][2]["children"][1]),
        ["PII.NonSensitive"]
    );

    // A column the table lacks, and a table the server lacks, are errors naming them.
    let unknown = column_tags(&h, 1, &[("nope", "PII.Sensitive")]);
    let missing = Record::ColumnTags {
        table: format!("{}.missing", h.schema_fqn()),
        tags: Vec::new(),
    };
    let results = sink.write_batch(&[unknown, missing]).await;
    let errors: Vec<String> = results
        .into_iter()
        .map(|r| r.unwrap_err().to_string())
        .collect();
    assert_eq!(
        errors,
        [
            format!(
                "table {} on the openmetadata server has no column {}.nope",
                h.table_fqn(1),
                h.table_fqn(1)
            ),
            format!(
                "table {}.missing is not on the openmetadata server: its profiler data and \
                 column tags have nowhere to go",
                h.schema_fqn()
            ),
        ]
    );
    sink.close().await.unwrap();
}
