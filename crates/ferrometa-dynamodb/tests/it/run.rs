use ferrometa_core::Source;
use ferrometa_emulator::{Emulator, seed};
use ferrometa_model::{ColumnConstraint, ConstraintType, CreateEntity, DataType};
use serde_json::{Value, json};

use crate::common::{self, SCHEMA_FQN, children, column, display};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_dataset_end_to_end() {
    let emu = Emulator::start().await.unwrap();
    let summary = seed::seed_demo(&emu.client()).await.unwrap();
    let source = common::source(&emu.endpoint(), json!({})).await;
    assert_eq!(source.name(), "DynamoDB");
    let run = common::run(&source).await;

    assert!(run.failures.is_empty(), "{:?}", run.failures);
    // Topology order: service, database, schema, then tables.
    let kinds: Vec<_> = run
        .entities
        .iter()
        .take(3)
        .map(|e| e.entity_type().as_str())
        .collect();
    assert_eq!(kinds, ["databaseService", "database", "databaseSchema"]);
    match &run.entities[0] {
        CreateEntity::DatabaseService(s) => {
            assert_eq!(
                (s.name.as_str(), s.service_type.as_str()),
                ("local_dynamodb", "DynamoDB")
            );
            assert!(s.connection.is_none());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(run.entities[2].fqn(), SCHEMA_FQN);
    assert_eq!(run.totals, [summary.tables.len() as u64]);
    let listing = run.listing();
    assert!(listing.complete);
    assert_eq!(listing.schema_fqn, SCHEMA_FQN);
    assert_eq!(listing.listed.len(), summary.tables.len());
    assert_eq!(run.tables().len(), summary.tables.len());
    assert!(run.read_capacity > 0.0);

    // The emulator lacks DescribeContinuousBackups: one run-level warning, no failure.
    let pitr: Vec<_> = run
        .warnings
        .iter()
        .filter(|(_, r)| r.contains("DescribeContinuousBackups"))
        .collect();
    assert_eq!(pitr.len(), 1, "{:?}", run.warnings);
    assert_eq!(run.warnings.len(), 1, "{:?}", run.warnings);

    // orders: composite key, indexes, TTL, tags through ListTagsOfResource.
    let orders = run.table("orders");
    let names: Vec<_> = orders.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names[..2], ["customer_id", "order_ts"]);
    assert_eq!(orders.columns[0].data_type, DataType::String);
    assert_eq!(orders.columns[1].data_type, DataType::Number);
    assert!(orders.columns.iter().all(|c| c.constraint.is_none()));
    let constraints = orders.table_constraints.as_ref().unwrap();
    assert_eq!(
        constraints[0].constraint_type,
        Some(ConstraintType::PrimaryKey)
    );
    assert_eq!(
        constraints[0].columns.as_deref(),
        Some(&["customer_id".to_string(), "order_ts".to_string()][..])
    );
    assert_eq!(
        constraints[1].constraint_type,
        Some(ConstraintType::SortKey)
    );
    assert_eq!(
        column(&orders.columns, "total").data_type,
        DataType::Decimal
    );
    assert_eq!(
        column(&orders.columns, "items_count").data_type,
        DataType::Bigint
    );
    assert_eq!(
        column(&orders.columns, "notes").description.as_deref(),
        Some("present in 20 of 60 sampled items (33%)")
    );
    let ext = &orders.extension.as_ref().unwrap()["dynamodb"];
    assert_eq!(ext["billingMode"], "PROVISIONED");
    assert_eq!(ext["provisionedThroughput"], json!({"read": 5, "write": 5}));
    assert_eq!(ext["globalSecondaryIndexes"][0]["name"], "by_status");
    assert_eq!(
        ext["globalSecondaryIndexes"][0]["projection"],
        json!({"type": "INCLUDE", "nonKeyAttributes": ["total"]})
    );
    assert_eq!(ext["localSecondaryIndexes"][0]["name"], "by_total");
    assert_eq!(
        ext["localSecondaryIndexes"][0]["projection"]["type"],
        "KEYS_ONLY"
    );
    assert_eq!(
        ext["ttl"],
        json!({"status": "ENABLED", "attributeName": "expires_at"})
    );
    assert_eq!(
        ext["tags"],
        json!({"cost-center": "cc-42", "env": "demo", "owner": "sales"})
    );
    assert_eq!(ext["deletionProtection"], true);
    assert_eq!(ext["pointInTimeRecovery"], Value::Null);
    assert_eq!(ext["itemCount"], 60);
    assert_eq!(
        ext["sample"],
        // 60 small items fit in one Scan page: read whole by one request.
        json!({"items": 60, "segments": 1, "truncated": false, "partial": false})
    );
    assert_eq!(ext["attributePresence"]["notes"], json!(0.3333));
    let description = orders.description.as_deref().unwrap();
    assert!(
        description.contains("- Time to live: `expires_at`"),
        "{description}"
    );
    assert!(
        description.contains("`by_status` (`status`, `order_ts`; INCLUDE `total`)"),
        "{description}"
    );
    assert!(
        orders
            .source_url
            .as_deref()
            .unwrap()
            .ends_with("#table?name=orders")
    );

    // app_data: single-table design with nested numbers, sets, lists of maps, sparse attributes.
    let app = run.table("app_data");
    assert_eq!(app.columns[0].name, "pk");
    assert_eq!(app.columns[1].name, "sk");
    let address = column(&app.columns, "address");
    assert_eq!(address.data_type, DataType::Struct);
    let geo = column(children(address), "geo");
    assert_eq!(column(children(geo), "lat").data_type, DataType::Decimal);
    assert_eq!(
        display(address),
        "struct<city:string,geo:struct<lat:decimal,lon:decimal>,street:string,zip:string>"
    );
    assert_eq!(display(column(&app.columns, "interests")), "set<string>");
    assert_eq!(column(&app.columns, "interests").data_type, DataType::Set);
    assert_eq!(
        display(column(&app.columns, "lucky_numbers")),
        "set<bigint>"
    );
    assert_eq!(display(column(&app.columns, "thumbnails")), "set<bytes>");
    assert_eq!(column(&app.columns, "avatar").data_type, DataType::Bytes);
    assert_eq!(column(&app.columns, "active").data_type, DataType::Boolean);
    assert_eq!(column(&app.columns, "deleted_at").data_type, DataType::Null);
    let lines = column(&app.columns, "lines");
    assert_eq!(
        (lines.data_type, lines.array_data_type),
        (DataType::Array, Some(DataType::Struct))
    );
    assert_eq!(
        display(lines),
        "array<struct<qty:bigint,sku:string,unit_price:decimal>>"
    );
    assert_eq!(column(children(lines), "qty").data_type, DataType::Bigint);
    assert_eq!(display(column(&app.columns, "categories")), "array<string>");
    assert_eq!(
        column(&app.columns, "nickname").description.as_deref(),
        Some("present in 10 of 160 sampled items (6%). In entity types: USER 25%.")
    );
    let app_ext = &app.extension.as_ref().unwrap()["dynamodb"];
    // A single-table design: its entity types, each with its own attributes.
    let types = app_ext["entityTypes"].as_array().unwrap();
    let names: Vec<&str> = types.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["ORDER", "PRODUCT", "USER"]);
    assert_eq!(
        types[2]["recognisedBy"],
        json!({"attribute": "entity_type", "value": "USER"})
    );
    assert_eq!(types[2]["sampledItems"], 40);
    assert_eq!(types[2]["indexes"], json!(["gsi1"]));
    let email = types[2]["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "email")
        .unwrap();
    assert_eq!(
        email,
        &json!({"name": "email", "dataTypeDisplay": "string", "presence": 1.0})
    );
    let description = app.description.as_deref().unwrap();
    assert!(
        description.contains("| `USER` | 25% | `entity_type` = `USER` |"),
        "{description}"
    );
    assert_eq!(
        app_ext["stream"],
        json!({"enabled": true, "viewType": "NEW_AND_OLD_IMAGES"})
    );
    assert_eq!(app_ext["tags"], json!({"env": "demo", "team": "platform"}));
    assert_eq!(app_ext["billingMode"], "PAY_PER_REQUEST");
    assert_eq!(app_ext["attributePresence"]["lines[].sku"], json!(0.625));
    assert_eq!(app_ext["globalSecondaryIndexes"][0]["name"], "gsi1");

    // The empty table has its key columns only.
    let empty = run.table("audit_log_empty");
    let cols: Vec<_> = empty
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
    assert_eq!(
        empty.extension.as_ref().unwrap()["dynamodb"]["sample"]["items"],
        0
    );

    // Binary hash key: PRIMARY_KEY on the column, no table constraints.
    let blobs = run.table("blobs");
    assert_eq!(blobs.columns[0].name, "blob_id");
    assert_eq!(blobs.columns[0].data_type, DataType::Bytes);
    assert_eq!(
        blobs.columns[0].constraint,
        Some(ColumnConstraint::PrimaryKey)
    );
    assert!(blobs.table_constraints.is_none());
    assert_eq!(column(&blobs.columns, "data").data_type, DataType::Bytes);

    // A string key that looks like a number stays a string.
    let customers = run.table("customers");
    assert_eq!(customers.columns[0].data_type, DataType::String);

    // Dotted name: quoted FQN, encoded URL, union of string and map.
    let events = run
        .entities
        .iter()
        .find(|e| e.name() == "events.v2")
        .unwrap();
    assert_eq!(events.fqn(), format!("{SCHEMA_FQN}.\"events.v2\""));
    let events = run.table("events.v2");
    assert!(
        events
            .source_url
            .as_deref()
            .unwrap()
            .ends_with("#table?name=events.v2")
    );
    let context = column(&events.columns, "context");
    assert_eq!(context.data_type, DataType::Union);
    assert_eq!(
        display(context),
        "union<string,struct<app:string,version:string>>"
    );
    assert_eq!(
        events.extension.as_ref().unwrap()["dynamodb"]["tableClass"],
        "STANDARD_INFREQUENT_ACCESS"
    );
    assert!(listing.listed.contains("events.v2"));
    emu.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_table_gives_identical_requests() {
    let emu = Emulator::start().await.unwrap();
    seed::seed_demo(&emu.client()).await.unwrap();
    let source = common::source(&emu.endpoint(), json!({"sampleSegments": 3})).await;
    let first = common::run(&source).await;
    let second = common::run(&source).await;
    let as_json = |run: &common::Run| {
        run.tables()
            .into_iter()
            .map(|(name, t)| (name, serde_json::to_string(t).unwrap()))
            .collect::<Vec<_>>()
    };
    assert_eq!(as_json(&first), as_json(&second));
}

#[tokio::test]
async fn include_tags_false_reads_no_tags() {
    let emu = Emulator::start().await.unwrap();
    seed::seed_demo(&emu.client()).await.unwrap();
    let proxy = ferrometa_emulator::FaultProxy::start(&emu.endpoint())
        .await
        .unwrap();
    let source = common::source(&proxy.endpoint(), json!({"includeTags": false})).await;
    let run = common::run(&source).await;
    assert_eq!(proxy.requests("ListTagsOfResource"), 0);
    assert_eq!(proxy.requests("GetResources"), 0);
    assert_eq!(
        run.table("orders").extension.as_ref().unwrap()["dynamodb"]["tags"],
        Value::Null
    );
}

#[tokio::test]
async fn tags_in_bulk_when_the_tagging_api_answers() {
    let emu = Emulator::start().await.unwrap();
    seed::seed_demo(&emu.client()).await.unwrap();
    let proxy = ferrometa_emulator::FaultProxy::start(&emu.endpoint())
        .await
        .unwrap();
    let body = json!({
        "PaginationToken": "",
        "ResourceTagMappingList": [
            {"ResourceARN": "arn:aws:dynamodb:us-east-1:000000000000:table/orders",
             "Tags": [{"Key": "source", "Value": "bulk"}]},
        ],
    });
    proxy.add_rule(
        ferrometa_emulator::FaultRule::new("GetResources")
            .respond(ferrometa_emulator::FaultResponse::json_ok(body)),
    );
    let source = common::source(&proxy.endpoint(), json!({})).await;
    let run = common::run(&source).await;
    assert_eq!(proxy.requests("GetResources"), 1);
    assert_eq!(proxy.requests("ListTagsOfResource"), 0);
    assert_eq!(
        run.table("orders").extension.as_ref().unwrap()["dynamodb"]["tags"],
        json!({"source": "bulk"})
    );
    assert_eq!(
        run.table("blobs").extension.as_ref().unwrap()["dynamodb"]["tags"],
        json!({})
    );
}

#[tokio::test]
async fn include_tables_false_lists_nothing_and_is_incomplete() {
    let emu = Emulator::start().await.unwrap();
    seed::seed_demo(&emu.client()).await.unwrap();
    let source = common::source(&emu.endpoint(), json!({"includeTables": false})).await;
    let run = common::run(&source).await;
    assert!(run.tables().is_empty());
    assert_eq!(run.entities.len(), 3);
    let listing = run.listing();
    assert!(!listing.complete);
    assert!(listing.listed.is_empty());
}

#[tokio::test]
async fn database_name_from_the_connection() {
    let emu = Emulator::start().await.unwrap();
    seed::create_simple_table(&emu.client(), "things", "id", None)
        .await
        .unwrap();
    let mut recipe = common::recipe(&emu.endpoint(), json!({}));
    recipe.source.service_connection.config.database_name = Some("prod.db".into());
    let source = common::source_of(&recipe).await;
    let run = common::run(&source).await;
    assert_eq!(run.entities[1].fqn(), "local_dynamodb.\"prod.db\"");
    assert_eq!(
        run.listing().schema_fqn,
        "local_dynamodb.\"prod.db\".default"
    );
    assert_eq!(
        run.table("things").database_schema,
        "local_dynamodb.\"prod.db\".default"
    );
}

#[tokio::test]
#[ignore = "prints the demo entities"]
async fn print_demo_entities() {
    let emu = Emulator::start().await.unwrap();
    seed::seed_demo(&emu.client()).await.unwrap();
    let source = common::source(&emu.endpoint(), json!({})).await;
    let run = common::run(&source).await;
    for table in run.tables().values() {
        println!("{}", serde_json::to_string_pretty(table).unwrap());
    }
    println!("{:?}", run.warnings);
}
