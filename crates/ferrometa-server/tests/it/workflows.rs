//! What OpenMetadata's profiler workflow asks besides the profile routes: the global
//! profiler settings, and the regex list filters its filter patterns become.

use reqwest::{Method, StatusCode};

use crate::harness::{Server, encode, send};

#[tokio::test]
async fn an_unset_profiler_configuration_has_no_content() {
    let server = Server::start().await;
    // No body at all, as OpenMetadata answers a setting it holds no row for; the client
    // reads an empty body as "no global configuration".
    let response = server
        .request(Method::GET, "/system/settings/profilerConfiguration")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.headers().get("content-type").is_none());
    assert_eq!(response.text().await.unwrap(), "");

    let unknown = server.get("/system/settings/emailConfiguration").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);

    // Settings are not open: a token is needed, as for every route but the version.
    let anonymous = send(server.client.get(format!(
        "{}/system/settings/profilerConfiguration",
        server.api
    )))
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn regex_list_filters_are_refused_not_ignored() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    server.table(&schema, "orders").await;
    // The lists the profiler sends without filter patterns are answered.
    let plain = server
        .get(&format!(
            "/tables?limit=100&fields=tableProfilerConfig,columns,customMetrics,tags&service=svc&database={}",
            encode("svc.default")
        ))
        .await;
    assert_eq!(plain.status, StatusCode::OK, "{}", plain.body);
    assert_eq!(plain.body["paging"]["total"], 1);
    for query in [
        "/databases?service=svc&databaseRegex=nope&regexMode=include",
        "/tables?service=svc&tableRegex=nope&regexMode=include",
        "/tables?service=svc&databaseSchemaRegex=nope&regexMode=exclude&regexFilterByFqn=true",
    ] {
        let answer = server.get(query).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{query}: {}",
            answer.body
        );
        assert!(
            answer.body["message"]
                .as_str()
                .unwrap()
                .contains("not supported"),
            "{}",
            answer.body
        );
    }
}

/// The requests of OpenMetadata 2.0.7's `metadata profile` over a DynamoDB service, in its
/// order (recorded from a real run), each answered as the profiler reads it.
#[tokio::test]
async fn the_upstream_profilers_requests_are_answered() {
    let server = Server::start().await;
    let schema = server.hierarchy("svc").await;
    let table = server.table(&schema, "orders").await;
    let id = table["id"].as_str().unwrap();

    let service = server.get("/services/databaseServices/name/svc").await;
    assert_eq!(service.status, StatusCode::OK, "{}", service.body);
    let settings = server
        .request(Method::GET, "/system/settings/profilerConfiguration")
        .send()
        .await
        .unwrap();
    assert_eq!(settings.status(), StatusCode::NO_CONTENT);

    let databases = server.get("/databases?limit=100&service=svc").await;
    assert_eq!(databases.status, StatusCode::OK, "{}", databases.body);
    assert_eq!(
        databases.body["data"][0]["fullyQualifiedName"],
        "svc.default"
    );
    let database_id = databases.body["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let database = encode("svc.default");
    // The count that seeds its progress, then the tables with the fields it profiles by.
    let count = server
        .get(&format!("/tables?limit=1&service=svc&database={database}"))
        .await;
    assert_eq!(count.body["paging"]["total"], 1, "{}", count.body);
    let tables = server
        .get(&format!(
            "/tables?limit=100&fields=tableProfilerConfig,columns,customMetrics,tags&service=svc&database={database}"
        ))
        .await;
    assert_eq!(tables.status, StatusCode::OK, "{}", tables.body);
    let listed = &tables.body["data"][0];
    assert_eq!(listed["id"], id);
    assert!(!listed["columns"].as_array().unwrap().is_empty());
    // Unset list fields asked for are `[]`; unset objects are absent (null to the client).
    assert_eq!(listed["tags"], serde_json::json!([]));
    assert!(listed.get("tableProfilerConfig").is_none(), "{listed}");
    assert!(listed.get("customMetrics").is_none(), "{listed}");

    let schema_id = listed["databaseSchema"]["id"].as_str().unwrap();
    for path in [
        format!("/databaseSchemas/{schema_id}?fields=databaseSchemaProfilerConfig"),
        format!("/databases/{database_id}?fields=databaseProfilerConfig"),
        format!(
            "/services/databaseServices/{}",
            service.body["id"].as_str().unwrap()
        ),
    ] {
        let answer = server.get(&path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
    }

    // DynamoDB's profiler computes the row count only (from ItemCount), as a float.
    let profile = serde_json::json!({
        "tableProfile": {"timestamp": 1_796_418_765_739_i64, "rowCount": 60.0, "profileSampleType": "PERCENTAGE"},
        "columnProfile": [],
        "systemProfile": []
    });
    let put = server
        .put(&format!("/tables/{id}/tableProfile"), &profile)
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(put.body["profile"], profile["tableProfile"]);
    let latest = server
        .get(&format!(
            "/tables/{}/tableProfile/latest",
            encode(&format!("{schema}.orders"))
        ))
        .await;
    assert_eq!(latest.status, StatusCode::OK, "{}", latest.body);
    assert_eq!(latest.body["profile"]["rowCount"], 60.0);
}
