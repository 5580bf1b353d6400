//! [`DynamoDbSource`]: the DynamoDB implementation of [`ferrometa_core::Source`].
//!
//! A run emits, in order: the database service; the database (`databaseName`, or
//! `default`), unless `databaseFilterPattern` filters it out; the schema `default`, unless
//! `schemaFilterPattern` does; the number of tables to process; one entity (or failure) per
//! table, processed `concurrency` at a time, each table on its own task (so decoding and
//! inference use every core); and finally the schema's full listing.
//!
//! Failures are contained: a table that cannot be described is one `Failed` event and the
//! others go on; optional metadata that cannot be read is a `Warning`. The listing is
//! `complete` only when ListTables went through every page and `includeTables` is on, so a
//! failed or skipped listing never lets the workflow mark tables deleted.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use ferrometa_config::{
    DatabaseMetadataConfig, DynamoDbConnection, Level, OpenMetadataServerConfig,
};
use ferrometa_core::{BoxError, CheckResult, Emitter, Failure, SchemaListing, Source, SourceEvent};
use ferrometa_model::fqn::{build, child, encode_name};
use ferrometa_model::{CreateDatabase, CreateDatabaseSchema, CreateDatabaseService, CreateEntity};
use serde_json::{Map, Value, json};

use crate::client::{Clients, Limiters};
use crate::describe::{self, OptionalCall, Report, Tags};
use crate::entity::{self, SampleSummary, TableMetadata};
use crate::entity_types::{Discovery, discover};
use crate::error::{DynamoDbError, ErrorKind};
use crate::infer::{Inferrer, Limits};
use crate::sample::{self, Budget};

/// The schema every DynamoDB table lives in.
pub const SCHEMA_NAME: &str = "default";
/// OpenMetadata's service type.
pub const SERVICE_TYPE: &str = "DynamoDB";
/// ListTables page size (the API's maximum).
const LIST_PAGE: i32 = 100;

/// The DynamoDB source of one recipe.
pub struct DynamoDbSource {
    clients: Clients,
    limits: Arc<Limiters>,
    service_name: String,
    database_name: String,
    config: DatabaseMetadataConfig,
}

impl std::fmt::Debug for DynamoDbSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynamoDbSource")
            .field("service_name", &self.service_name)
            .field("database_name", &self.database_name)
            .field("region", &self.clients.region)
            .finish_non_exhaustive()
    }
}

/// State shared by the tables of one run.
/// What the tasks of one run's tables share.
struct RunContext {
    clients: Clients,
    limits: Arc<Limiters>,
    config: DatabaseMetadataConfig,
    schema_fqn: String,
    /// Tags read in bulk, when the tagging API answered.
    bulk_tags: Option<HashMap<String, Tags>>,
    ttl: OptionalCall,
    pitr: OptionalCall,
    tags: OptionalCall,
}

impl DynamoDbSource {
    /// A source for one service's connection and metadata settings. No network call is made.
    pub async fn new(
        service_name: &str,
        connection: &DynamoDbConnection,
        config: &DatabaseMetadataConfig,
    ) -> Result<Self, DynamoDbError> {
        let clients = Clients::from_config(&connection.aws_config).await?;
        let limits = Arc::new(Limiters::new(
            config.requests_per_second,
            clients.aws_endpoint,
        ));
        Ok(DynamoDbSource {
            clients,
            limits,
            service_name: service_name.to_string(),
            database_name: connection.database_name().to_string(),
            config: config.clone(),
        })
    }

    pub fn clients(&self) -> &Clients {
        &self.clients
    }

    fn database_fqn(&self) -> String {
        build(&[&self.service_name, &self.database_name])
    }

    fn schema_fqn(&self) -> String {
        child(&self.database_fqn(), SCHEMA_NAME)
    }

    fn table_fqn(&self, table: &str) -> String {
        table_fqn(&self.schema_fqn(), table)
    }

    /// Every table name of the region, and the error that cut the listing short, if any.
    pub async fn list_tables(&self) -> (Vec<String>, Option<DynamoDbError>) {
        let mut names: Vec<String> = Vec::new();
        let mut start: Option<String> = None;
        loop {
            self.limits.control().await;
            let result = self
                .clients
                .dynamodb
                .list_tables()
                .limit(LIST_PAGE)
                .set_exclusive_start_table_name(start.clone())
                .send()
                .await;
            let out = match result {
                Ok(out) => out,
                Err(e) => return (names, Some(DynamoDbError::aws("ListTables", None, e))),
            };
            names.extend(out.table_names.unwrap_or_default());
            match out.last_evaluated_table_name {
                Some(next) if !next.is_empty() => {
                    if start.as_ref().is_some_and(|prev| &next <= prev) {
                        let error = DynamoDbError::Aws {
                            operation: "ListTables",
                            table: None,
                            code: None,
                            message: format!("the listing did not advance past `{next}`"),
                            kind: ErrorKind::Other,
                        };
                        return (names, Some(error));
                    }
                    start = Some(next);
                }
                _ => return (names, None),
            }
        }
    }

    async fn run_inner(&self, out: &Emitter) -> Result<(), DynamoDbError> {
        let send = |event: SourceEvent| async move {
            out.send(event).await.map_err(|_| DynamoDbError::Closed)
        };
        let cfg = &self.config;
        send(entity_event(CreateEntity::DatabaseService(Box::new(
            CreateDatabaseService {
                name: self.service_name.clone(),
                service_type: SERVICE_TYPE.to_string(),
                ..Default::default()
            },
        ))))
        .await?;

        let scope = cfg.scope();
        let database_fqn = self.database_fqn();
        if !scope.includes(Level::Database, &self.database_name, &database_fqn) {
            send(SourceEvent::Filtered {
                name: database_fqn,
                reason: "Database Filtered Out".into(),
            })
            .await?;
            return Ok(());
        }
        send(entity_event(CreateEntity::Database(Box::new(
            CreateDatabase {
                name: self.database_name.clone(),
                service: self.service_name.clone(),
                ..Default::default()
            },
        ))))
        .await?;

        let schema_fqn = self.schema_fqn();
        if !scope.includes(Level::Schema, SCHEMA_NAME, &schema_fqn) {
            send(SourceEvent::Filtered {
                name: schema_fqn,
                reason: "Schema Filtered Out".into(),
            })
            .await?;
            return Ok(());
        }
        send(entity_event(CreateEntity::DatabaseSchema(Box::new(
            CreateDatabaseSchema {
                name: SCHEMA_NAME.to_string(),
                database: database_fqn,
                ..Default::default()
            },
        ))))
        .await?;

        if !cfg.include_tables {
            send(SourceEvent::Total(0)).await?;
            let listing = SchemaListing {
                schema_fqn,
                listed: BTreeSet::new(),
                complete: false,
                error: None,
            };
            send(SourceEvent::SchemaListed(listing)).await?;
            return Ok(());
        }

        let (names, list_error) = self.list_tables().await;
        let complete = list_error.is_none();
        // The workflow logs it and fails the run.
        let list_error =
            list_error.map(|e| format!("listing tables failed after {} names: {e}", names.len()));
        let listed: BTreeSet<String> = names.iter().map(|n| encode_name(n)).collect();
        let mut selected = Vec::new();
        for name in &names {
            let fqn = self.table_fqn(name);
            if scope.includes(Level::Table, name, &fqn) {
                selected.push(name.clone());
            } else {
                send(SourceEvent::Filtered {
                    name: fqn,
                    reason: "Table Filtered Out".into(),
                })
                .await?;
            }
        }
        send(SourceEvent::Total(selected.len() as u64)).await?;

        let bulk_tags = if cfg.include_tags && !selected.is_empty() {
            match describe::bulk_tags(&self.clients, &self.limits).await {
                Ok(tags) => Some(tags),
                Err(e) => {
                    tracing::info!("{}", describe::per_table_tags_reason(&e));
                    None
                }
            }
        } else {
            None
        };
        let ctx = Arc::new(RunContext {
            clients: self.clients.clone(),
            limits: self.limits.clone(),
            config: self.config.clone(),
            schema_fqn: schema_fqn.clone(),
            bulk_tags,
            ttl: OptionalCall::new("DescribeTimeToLive", "time to live"),
            pitr: OptionalCall::new("DescribeContinuousBackups", "point-in-time recovery"),
            tags: OptionalCall::new("ListTagsOfResource", "tags"),
        });
        let concurrency = cfg.concurrency.max(1) as usize;
        let mut waiting = selected.into_iter();
        // Dropping the set (a cancelled run) aborts the tables in flight.
        let mut running = tokio::task::JoinSet::new();
        loop {
            while running.len() < concurrency {
                let Some(name) = waiting.next() else { break };
                running.spawn(ctx.clone().process_table(name));
            }
            let Some(joined) = running.join_next().await else {
                break;
            };
            for event in joined.map_err(DynamoDbError::Task)? {
                send(event).await?;
            }
        }
        send(SourceEvent::SchemaListed(SchemaListing {
            schema_fqn,
            listed,
            complete,
            error: list_error,
        }))
        .await?;
        Ok(())
    }
}

fn table_fqn(schema_fqn: &str, table: &str) -> String {
    child(schema_fqn, &encode_name(table))
}

impl RunContext {
    /// Describes, samples and infers one table; the events to emit for it.
    async fn process_table(self: Arc<Self>, name: String) -> Vec<SourceEvent> {
        let ctx = &*self;
        let name = name.as_str();
        let fqn = table_fqn(&ctx.schema_fqn, name);
        let mut events = Vec::new();
        let desc = match describe::describe_table(&self.clients, &self.limits, name).await {
            Ok(desc) => desc,
            Err(e) if e.kind() == Some(ErrorKind::NotFound) => {
                events.push(SourceEvent::Warning {
                    name: fqn,
                    reason: "the table disappeared while being read; it is left as it is this run"
                        .into(),
                });
                return events;
            }
            Err(e) => {
                events.push(SourceEvent::Failed(Failure::new(fqn, e.to_string())));
                return events;
            }
        };
        let cfg = &self.config;
        let arn = desc.table_arn().unwrap_or_default().to_string();
        let want_tags =
            cfg.include_tags && ctx.bulk_tags.is_none() && ctx.tags.enabled() && !arn.is_empty();
        let budget = Budget::new(cfg.sample_items, cfg.sample_bytes, cfg.sample_segments)
            .with_read_capacity(cfg.sample_read_capacity)
            .for_table(desc.item_count, desc.table_size_bytes);
        let (ttl, pitr, tags, sample) = tokio::join!(
            async {
                if ctx.ttl.enabled() {
                    Some(describe::describe_ttl(&self.clients, &self.limits, name).await)
                } else {
                    None
                }
            },
            async {
                if ctx.pitr.enabled() {
                    Some(describe::describe_pitr(&self.clients, &self.limits, name).await)
                } else {
                    None
                }
            },
            async {
                if want_tags {
                    Some(describe::list_tags(&self.clients, &self.limits, name, &arn).await)
                } else {
                    None
                }
            },
            sample::sample_table(&self.clients, name, budget),
        );
        let ttl = optional(ttl, &ctx.ttl, ctx, &fqn, &mut events);
        let pitr = optional(pitr, &ctx.pitr, ctx, &fqn, &mut events);
        let tags = if !cfg.include_tags {
            None
        } else if let Some(bulk) = &ctx.bulk_tags {
            Some(bulk.get(name).cloned().unwrap_or_default())
        } else {
            optional(tags, &ctx.tags, ctx, &fqn, &mut events)
        };

        if let Some(e) = sample.error.as_ref().filter(|_| sample.items == 0) {
            // Columns inferred from no item would replace the columns the catalog knows: the
            // table fails instead, and keeps its last good version.
            events.push(SourceEvent::Failed(Failure::new(
                fqn,
                format!("sampling read no item: {e}"),
            )));
            return events;
        }
        let limits = Limits {
            max_depth: cfg.max_depth,
            max_width: cfg.max_width,
        };
        let mut inferrer = Inferrer::new(limits);
        for item in sample.items() {
            inferrer.add_item(item);
        }
        let key = entity::primary_key(&desc);
        let inference = inferrer.finish(&key);
        let items: Vec<_> = sample.items().collect();
        let discovery = Discovery::from_setting(cfg.entity_type_attribute.as_deref());
        let entity_types = discover(&items, &key, &entity::index_keys(&desc), &discovery, limits);
        if let Some(e) = &sample.error {
            events.push(SourceEvent::Warning {
                name: fqn.clone(),
                reason: format!(
                    "sampling stopped early, columns are inferred from the {} items read: {e}",
                    sample.items
                ),
            });
        }
        for warning in &inference.warnings {
            events.push(SourceEvent::Warning {
                name: fqn.clone(),
                reason: warning.clone(),
            });
        }
        let meta = TableMetadata {
            schema_fqn: &ctx.schema_fqn,
            region: &self.clients.region,
            description: &desc,
            ttl: ttl.as_ref(),
            pitr: pitr.as_deref(),
            tags: tags.as_ref(),
            inference: &inference,
            entity_types: &entity_types,
            sample: SampleSummary {
                items: sample.items as u64,
                segments: sample.segments.len() as u32,
                truncated: sample.truncated,
                partial: sample.error.is_some(),
            },
        };
        let table = entity::create_table(&meta);
        events.push(SourceEvent::Entity {
            entity: CreateEntity::Table(Box::new(table)),
            read_capacity: sample.consumed_capacity,
        });
        events
    }
}

/// The `connection` stored with the database service on the OpenMetadata server, in
/// `dynamoDBConnection.json`'s shape: only with `storeServiceConnection: true`, and then with
/// the AWS secrets in clear, since that is what the server needs to run ingestion itself.
/// Upstream stores it unless told not to; ferrometa keeps credentials local unless told to.
pub fn service_connection(
    server: &OpenMetadataServerConfig,
    connection: &DynamoDbConnection,
) -> Option<Value> {
    if !server.store_service_connection {
        return None;
    }
    let aws = &connection.aws_config;
    let mut aws_config = Map::new();
    let mut put = |key: &str, value: Option<&str>| {
        if let Some(value) = value {
            aws_config.insert(key.to_string(), Value::from(value));
        }
    };
    put("awsAccessKeyId", aws.aws_access_key_id.as_deref());
    put(
        "awsSecretAccessKey",
        aws.aws_secret_access_key.as_ref().map(|s| s.expose()),
    );
    put(
        "awsSessionToken",
        aws.aws_session_token.as_ref().map(|s| s.expose()),
    );
    put("awsRegion", Some(&aws.aws_region));
    put("endPointURL", aws.end_point_url.as_deref());
    put("profileName", aws.profile_name.as_deref());
    put("assumeRoleArn", aws.assume_role_arn.as_deref());
    put("assumeRoleSessionName", Some(&aws.assume_role_session_name));
    put(
        "assumeRoleSourceIdentity",
        aws.assume_role_source_identity.as_deref(),
    );
    // `assumeRoleExternalId` is a ferrometa extension the server's schema would refuse.
    let mut config = json!({"type": "DynamoDB", "awsConfig": aws_config});
    if let Some(name) = connection
        .database_name
        .as_deref()
        .filter(|n| !n.is_empty())
    {
        config["databaseName"] = Value::from(name);
    }
    Some(json!({ "config": config }))
}

fn entity_event(entity: CreateEntity) -> SourceEvent {
    SourceEvent::Entity {
        entity,
        read_capacity: 0.0,
    }
}

/// The value of an optional call, turning its failure into the right warning.
fn optional<T>(
    result: Option<Result<T, DynamoDbError>>,
    call: &OptionalCall,
    ctx: &RunContext,
    fqn: &str,
    events: &mut Vec<SourceEvent>,
) -> Option<T> {
    match result? {
        Ok(value) => Some(value),
        Err(e) => {
            match call.on_error(&e) {
                Report::Run(reason) => {
                    events.push(SourceEvent::Warning {
                        name: ctx.schema_fqn.clone(),
                        reason,
                    });
                }
                Report::Table(reason) => events.push(SourceEvent::Warning {
                    name: fqn.to_string(),
                    reason,
                }),
                Report::Quiet => tracing::debug!("{e}"),
            }
            None
        }
    }
}

#[async_trait]
impl Source for DynamoDbSource {
    fn name(&self) -> &'static str {
        SERVICE_TYPE
    }

    async fn test_connection(&self) -> Vec<CheckResult> {
        crate::check::test_connection(&self.clients, &self.config).await
    }

    async fn run(&self, out: Emitter) -> Result<(), BoxError> {
        self.run_inner(&out)
            .await
            .map_err(|e| Box::new(e) as BoxError)
    }

    fn retries(&self) -> u64 {
        self.clients.retries.get()
    }
}

#[cfg(test)]
mod tests {
    use ferrometa_config::Recipe;
    use serde_json::{Value, json};

    use super::*;

    fn recipe(store: Option<bool>) -> Recipe {
        let mut server =
            json!({"hostPort": "http://localhost:8585/api", "securityConfig": {"jwtToken": "t"}});
        if let Some(store) = store {
            server["storeServiceConnection"] = Value::from(store);
        }
        ferrometa_config::from_json_value(
            json!({
                "source": {
                    "type": "dynamodb",
                    "serviceName": "svc",
                    "serviceConnection": {"config": {"type": "DynamoDB", "awsConfig": {
                        "awsAccessKeyId": "AKIA", "awsSecretAccessKey": "secret-key", "awsSessionToken": "session",
                        "awsRegion": "eu-west-1", "assumeRoleExternalId": "ext"
                    }}},
                },
                "sink": {"type": "metadata-rest"},
                "workflowConfig": {"openMetadataServerConfig": server},
            }),
            "test",
        )
        .unwrap()
    }

    fn connection(recipe: &Recipe) -> Option<Value> {
        let server = recipe
            .workflow_config
            .open_metadata_server_config
            .as_ref()
            .unwrap();
        service_connection(server, &recipe.source.service_connection.config)
    }

    #[test]
    fn the_connection_is_stored_only_when_asked_for() {
        assert_eq!(connection(&recipe(None)), None);
        assert_eq!(connection(&recipe(Some(false))), None);
        assert_eq!(
            connection(&recipe(Some(true))),
            Some(json!({"config": {"type": "DynamoDB", "awsConfig": {
                "awsAccessKeyId": "AKIA", "awsSecretAccessKey": "secret-key", "awsSessionToken": "session",
                "awsRegion": "eu-west-1", "assumeRoleSessionName": "OpenMetadataSession"
            }}}))
        );
    }
}
