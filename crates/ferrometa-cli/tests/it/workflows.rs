//! `ferrometa profile` and `ferrometa classify` end to end: a metadata run fills the catalog,
//! then the other two workflows read its tables back and sample them from the emulator.

use serde_json::Value;

use crate::common::{Demo, ferrometa};

/// Runs `command` (`ingest`, `profile`, `classify`) on `recipe` and returns its status JSON.
async fn run(demo: &Demo, command: &str, recipe: &crate::common::Recipe, name: &str) -> Value {
    let path = recipe.write(&demo.dir.path().join(format!("{name}.yaml")));
    let status = demo.dir.path().join(format!("{name}.status.json"));
    let done = ferrometa(&[
        command,
        "-c",
        path.to_str().unwrap(),
        "--no-progress",
        "--status-json",
        status.to_str().unwrap(),
    ])
    .await;
    assert_eq!(done.code, 0, "{command}: {}", done.stderr);
    serde_json::from_str(&std::fs::read_to_string(status).unwrap()).unwrap()
}

#[tokio::test]
async fn profile_then_classify_what_the_metadata_run_wrote() {
    let demo = Demo::start().await;
    let c = demo.catalog.to_str().unwrap();
    run(&demo, "ingest", &demo.recipe(), "metadata").await;

    let profiler = demo
        .recipe()
        .workflow("Profiler")
        .source_config("      sampleReadCapacity: 50");
    let status = run(&demo, "profile", &profiler, "profiler").await;
    let profiled = status["source"]["records"].as_array().unwrap();
    assert_eq!(profiled.len(), demo.seeded.tables.len(), "{status:#}");
    assert_eq!(status["source"]["name"], "Profiler");
    let rcu = status["readCapacity"].as_f64().unwrap();
    assert!(rcu > 0.0, "{status:#}");

    let table = "local_dynamodb.default.default.customers";
    let shown = ferrometa(&["catalog", "--catalog", c, "profile", table]).await;
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(shown.stdout.contains("rows 8"), "{}", shown.stdout);
    let json = ferrometa(&["catalog", "--catalog", c, "profile", table, "--json"]).await;
    let json: Value = serde_json::from_str(&json.stdout).unwrap();
    let tier = json["columnProfile"]
        .as_array()
        .unwrap()
        .iter()
        .find(|col| col["name"] == "tier")
        .unwrap();
    assert_eq!(tier["valuesCount"], 8.0, "{tier}");

    let classifier = demo
        .recipe()
        .workflow("AutoClassification")
        .source_config("      storeSampleData: true\n      sampleDataCount: 5");
    let status = run(&demo, "classify", &classifier, "classifier").await;
    assert_eq!(status["source"]["name"], "AutoClassification");
    let app = "local_dynamodb.default.default.app_data";
    let show = ferrometa(&["catalog", "--catalog", c, "show", app, "--json"]).await;
    assert_eq!(show.code, 0, "{}", show.stderr);
    let email = |show: &str| -> Value {
        let table: Value = serde_json::from_str(show).unwrap();
        let columns = table["columns"].as_array().unwrap().clone();
        columns
            .into_iter()
            .find(|col| col["name"] == "email")
            .unwrap()
    };
    let tags = email(&show.stdout)["tags"].clone();
    assert_eq!(tags[0]["tagFQN"], "PII.Sensitive", "{tags}");
    assert_eq!(tags[0]["labelType"], "Generated");
    assert_eq!(tags[0]["state"], "Suggested");

    // A later metadata run keeps the tags, and classifying again adds none twice.
    run(&demo, "ingest", &demo.recipe(), "metadata-again").await;
    run(&demo, "classify", &classifier, "classifier-again").await;
    let show = ferrometa(&["catalog", "--catalog", c, "show", app, "--json"]).await;
    assert_eq!(email(&show.stdout)["tags"], tags);
}

#[tokio::test]
async fn each_command_runs_its_own_workflow_type() {
    let demo = Demo::start().await;
    let profiler = demo.recipe().workflow("Profiler");
    let path = profiler.write(&demo.dir.path().join("profiler.yaml"));
    let path = path.to_str().unwrap();
    let wrong = ferrometa(&["ingest", "-c", path]).await;
    assert_eq!(wrong.code, 1);
    assert!(
        wrong.stderr.contains(
            "source.sourceConfig.config.type is `Profiler`: run it with `ferrometa profile`"
        ),
        "{}",
        wrong.stderr
    );
    let wrong = ferrometa(&["classify", "-c", path]).await;
    assert_eq!(wrong.code, 1);
    assert!(wrong.stderr.contains("run it with `ferrometa profile`"));

    // Before any metadata run there is no catalog, and none is created.
    let early = ferrometa(&["profile", "-c", path]).await;
    assert_eq!(early.code, 1);
    assert!(
        early.stderr.contains("run the metadata workflow first"),
        "{}",
        early.stderr
    );
    assert!(!demo.catalog.exists());
}

#[tokio::test]
async fn catalog_show_says_what_the_profiler_and_the_classifier_left() {
    let demo = Demo::start().await;
    let c = demo.catalog.to_str().unwrap();
    run(&demo, "ingest", &demo.recipe(), "metadata").await;
    let table = "local_dynamodb.default.default.customers";
    let before = ferrometa(&["catalog", "--catalog", c, "show", table]).await;
    assert!(!before.stdout.contains("Profile:"), "{}", before.stdout);
    run(&demo, "profile", &demo.recipe().workflow("Profiler"), "p").await;
    let classifier = demo
        .recipe()
        .workflow("AutoClassification")
        .source_config("      storeSampleData: true\n      sampleDataCount: 3");
    run(&demo, "classify", &classifier, "c").await;
    let after = ferrometa(&["catalog", "--catalog", c, "show", table]).await;
    assert!(
        after
            .stdout
            .contains(", 8 rows (`ferrometa catalog profile "),
        "{}",
        after.stdout
    );
    assert!(
        after.stdout.contains("  Sample data: 3 rows\n"),
        "{}",
        after.stdout
    );
}
