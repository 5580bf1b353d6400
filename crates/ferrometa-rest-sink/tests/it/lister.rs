//! Reading back the tables of a service from a real `ferrometa serve`, filled through its API.

use ferrometa_core::{Sink, TableLister};
use ferrometa_model::{Column, DataType, TagLabel};
use ferrometa_rest_sink::{RestSinkError, RestTableLister};
use serde_json::json;

use crate::harness::{Hierarchy, Server, api_url, write_all};

fn tagged(name: &str) -> Column {
    let mut column = Column::new(name, DataType::String);
    column.tags = Some(vec![TagLabel {
        tag_fqn: "PII.Sensitive".into(),
        name: None,
        display_name: None,
        description: None,
        style: None,
        source: "Classification".into(),
        label_type: "Automated".into(),
        state: "Suggested".into(),
        href: None,
        reason: None,
        applied_at: None,
        applied_by: None,
        metadata: None,
    }]);
    column
}

#[tokio::test]
async fn lists_every_live_table_of_the_service_page_by_page() {
    let server = Server::start().await;
    let proxy = server.proxy().await;
    let h = Hierarchy::new("my.dyn", 251);
    let mut entities = h.entities();
    entities[3 + 7] = h.table(7, &[tagged("e.mail")]);
    let other = Hierarchy::new("my", 3);
    let mut sink = server.connect(&server.url).await;
    for batch in [entities, other.entities()] {
        let results = write_all(&mut sink, &batch).await;
        assert!(results.iter().all(Result::is_ok), "{results:?}");
    }
    sink.soft_delete_table(&h.table_fqn(250)).await.unwrap();

    let lister = RestTableLister::connect(&server.config(&api_url(&proxy)))
        .await
        .unwrap();
    proxy.take_log();
    let tables = lister.tables("my.dyn").await.unwrap();
    assert_eq!(tables.len(), 250);
    assert!(
        tables
            .iter()
            .all(|t| t.fqn.starts_with("\"my.dyn\".default.default."))
    );
    assert!(!tables.iter().any(|t| t.fqn == h.table_fqn(250)));
    let seven = tables.iter().find(|t| t.fqn == h.table_fqn(7)).unwrap();
    assert_eq!(seven.name, "table_00007");
    let names: Vec<_> = seven.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["pk", "amount", "address", "e.mail"]);
    let address = seven.columns[2].children.as_ref().unwrap();
    assert_eq!(
        address[1].fully_qualified_name.as_deref(),
        Some("\"my.dyn\".default.default.table_00007.address.zip")
    );
    assert_eq!(address[1].data_type, DataType::Int);
    let email = &seven.columns[3];
    assert_eq!(
        email.fully_qualified_name.as_deref(),
        Some("\"my.dyn\".default.default.table_00007.\"e.mail\"")
    );
    assert_eq!(email.tags.as_ref().unwrap()[0].tag_fqn, "PII.Sensitive");

    // One database listing, then three pages of tables following `paging.after`.
    let log: Vec<String> = proxy.take_log().into_iter().map(|r| r.target).collect();
    let pages: Vec<_> = log
        .iter()
        .filter(|t| t.starts_with("/api/v1/tables?"))
        .collect();
    assert_eq!(pages.len(), 3, "{log:#?}");
    assert!(
        pages
            .iter()
            .all(|t| t.contains("fields=columns%2Ctags") && t.contains("limit=100"))
    );
    assert!(
        pages[1].contains("after=") && pages[2].contains("after="),
        "{pages:#?}"
    );
    assert_eq!(log.len(), 4, "{log:#?}");

    let mine = lister.tables("my").await.unwrap();
    assert_eq!(mine.len(), 3);
    assert!(
        mine.iter()
            .all(|t| t.fqn.starts_with("my.default.default."))
    );
    assert!(lister.tables("nobody").await.unwrap().is_empty());
}

#[tokio::test]
async fn a_token_is_required_and_sent() {
    let server = Server::start().await;
    let h = Hierarchy::new("svc", 2);
    let mut sink = server.connect(&server.url).await;
    write_all(&mut sink, &h.entities()).await;

    let lister = RestTableLister::connect(&server.config(&server.url))
        .await
        .unwrap();
    assert_eq!(lister.tables("svc").await.unwrap().len(), 2);

    let bogus = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2VjcmV0LXNpZ25hdHVyZQ";
    let mut config = server.config(&server.url);
    config.security_config = Some(serde_json::from_value(json!({"jwtToken": bogus})).unwrap());
    let error = RestTableLister::connect(&config).await.err().unwrap();
    assert!(
        matches!(error, RestSinkError::Unauthorized { status: 401, .. }),
        "{error:?}"
    );
    assert!(
        !format!("{error} {error:?}").contains("c2VjcmV0"),
        "{error:?}"
    );

    let anonymous = serde_json::from_value(json!({
        "hostPort": server.url, "authProvider": "no-auth"
    }))
    .unwrap();
    let error = RestTableLister::connect(&anonymous).await.err().unwrap();
    assert!(
        matches!(error, RestSinkError::Unauthorized { status: 401, .. }),
        "{error:?}"
    );
}
