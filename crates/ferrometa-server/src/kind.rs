//! [`Kind`]: what differs between the four entity collections (entity type, optional and
//! known fields, list filters, the child list a field holds), and the collections themselves.

use ferrometa_catalog::{Filters, Include, canonical_fqn};
use ferrometa_model::EntityType;
use ferrometa_model::fqn::quote_name;

use crate::error::ApiError;
use crate::params::Params;

/// What differs between the entity collections.
pub(crate) struct Kind {
    pub entity_type: EntityType,
    /// Returned by reads only when `fields` names them (or is `*`).
    pub optional_fields: &'static [&'static str],
    /// Every name `fields` may hold: the properties of the entity's schema.
    pub known_fields: &'static [&'static str],
    /// The list filters the collection takes.
    filters: &'static [Filter],
    /// The optional field listing the children, and their type.
    pub children: Option<(&'static str, EntityType)>,
}

/// A list filter: a query parameter naming a parent.
#[derive(Clone, Copy)]
enum Filter {
    /// `service`: the service's name (or FQN).
    Service,
    /// `database`: the database's FQN.
    Database,
    /// `databaseSchema`: the schema's FQN.
    Schema,
}

/// Properties every entity schema of the hierarchy shares.
macro_rules! common_fields {
    ($($extra:literal),* $(,)?) => {
        &[
            "id", "name", "fullyQualifiedName", "displayName", "description", "version",
            "updatedAt", "updatedBy", "impersonatedBy", "href", "owners", "tags", "followers",
            "changeDescription", "incrementalChangeDescription", "deleted", "domains",
            "dataProducts", "dataContract", "entityStatus", $($extra),*
        ]
    };
}

#[rustfmt::skip]
pub(crate) static SERVICES: Kind = Kind {
    entity_type: EntityType::DatabaseService,
    optional_fields: &[
        "pipelines", "owners", "tags", "domains", "followers", "dataProducts", "ingestionRunner",
        "testConnectionResult",
    ],
    known_fields: common_fields!(
        "serviceType", "connection", "pipelines", "testConnectionResult", "style",
        "ingestionRunner",
    ),
    filters: &[],
    children: None,
};

#[rustfmt::skip]
pub(crate) static DATABASES: Kind = Kind {
    entity_type: EntityType::Database,
    optional_fields: &[
        "owners", "databaseSchemas", "usageSummary", "location", "tags", "extension", "domains",
        "sourceHash", "followers", "dataProducts", "votes", "lifeCycle", "certification",
        "databaseProfilerConfig",
    ],
    known_fields: common_fields!(
        "service", "serviceType", "location", "usageSummary", "databaseSchemas", "default",
        "retentionPeriod", "extension", "sourceUrl", "votes", "lifeCycle", "certification",
        "sourceHash", "databaseProfilerConfig",
    ),
    filters: &[Filter::Service],
    children: Some(("databaseSchemas", EntityType::DatabaseSchema)),
};

#[rustfmt::skip]
pub(crate) static SCHEMAS: Kind = Kind {
    entity_type: EntityType::DatabaseSchema,
    optional_fields: &[
        "owners", "tables", "usageSummary", "tags", "extension", "domains", "sourceHash",
        "followers", "dataProducts", "votes", "lifeCycle", "certification",
        "databaseSchemaProfilerConfig",
    ],
    known_fields: common_fields!(
        "service", "serviceType", "database", "tables", "usageSummary", "retentionPeriod",
        "extension", "sourceUrl", "votes", "lifeCycle", "certification", "sourceHash",
        "databaseSchemaProfilerConfig",
    ),
    filters: &[Filter::Service, Filter::Database],
    children: Some(("tables", EntityType::Table)),
};

#[rustfmt::skip]
pub(crate) static TABLES: Kind = Kind {
    entity_type: EntityType::Table,
    optional_fields: &[
        "tableConstraints", "tablePartition", "usageSummary", "owners", "customMetrics",
        "sampleData", "tags", "followers", "joins", "schemaDefinition", "dataModel", "extension",
        "testSuite", "domains", "dataProducts", "lifeCycle", "sourceHash", "votes",
        "certification", "tableProfilerConfig",
    ],
    known_fields: common_fields!(
        "tableType", "columns", "tableConstraints", "aliases", "tablePartition", "databaseSchema",
        "database", "service", "serviceType", "location", "locationPath", "schemaDefinition",
        "usageSummary", "joins", "sampleData", "tableProfilerConfig", "customMetrics", "profile",
        "testSuite", "dataModel", "retentionPeriod", "compressionEnabled", "compressionCodec",
        "compressionStrategy", "extension", "sourceUrl", "fileFormat", "votes", "lifeCycle",
        "certification", "sourceHash", "processedLineage", "queries", "pipelineObservability",
    ),
    filters: &[Filter::Service, Filter::Database, Filter::Schema],
    children: None,
};

/// OpenMetadata's regex list filters (see [`Kind::refuse_regex_filters`]).
const REGEX_FILTERS: &[&str] = &[
    "databaseRegex",
    "databaseSchemaRegex",
    "tableRegex",
    "regexMode",
    "regexFilterByFqn",
];

/// The collections, parents first.
pub(crate) const KINDS: [&Kind; 4] = [&SERVICES, &DATABASES, &SCHEMAS, &TABLES];

impl Kind {
    /// The list filters a request's parameters set.
    pub fn filters(&self, params: &Params, include: Include) -> Filters {
        let mut filters = Filters {
            include,
            ..Filters::default()
        };
        for filter in self.filters {
            match filter {
                Filter::Service => filters.service = params.get("service").map(quote_name),
                Filter::Database => filters.database = params.get("database").map(canonical_fqn),
                Filter::Schema => filters.schema = params.get("databaseSchema").map(canonical_fqn),
            }
        }
        filters
    }

    /// Refuses OpenMetadata's server-side regex filters of lists, which its profiler and
    /// auto-classification workflows send for their `databaseFilterPattern`,
    /// `schemaFilterPattern` and `tableFilterPattern`. This server does not implement them:
    /// ignoring them would answer entities the caller's patterns exclude, so they are a 400.
    pub fn refuse_regex_filters(&self, params: &Params) -> Result<(), ApiError> {
        match REGEX_FILTERS.iter().find(|name| params.get(name).is_some()) {
            Some(name) => Err(ApiError::bad_request(format!(
                "query parameter {name} is not supported: this server does not filter lists by regex"
            ))),
            None => Ok(()),
        }
    }

    /// The depth of the kind in the hierarchy, services first.
    pub fn depth(&self) -> usize {
        depth(self.entity_type)
    }
}

pub(crate) fn depth(entity_type: EntityType) -> usize {
    KINDS
        .iter()
        .position(|kind| kind.entity_type == entity_type)
        .expect("every entity type has a kind")
}
