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
