//! [`Record`]: what a workflow carries from its source and processor to its sink — an
//! entity to create or update, or the profiler's data of a table.

use serde_json::Value;

use crate::{CreateEntity, EntityType, TagLabel};

/// One thing for a sink to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A `Create*` request.
    Entity(CreateEntity),
    /// A profile of the table `table` (its FQN): OpenMetadata's `CreateTableProfileRequest`
    /// (`tableProfile` with its `timestamp`, `columnProfile[]`, `systemProfile[]`).
    TableProfile { table: String, profile: Value },
    /// The sample data of the table `table` (its FQN): OpenMetadata's `TableData`
    /// (`columns[]`, `rows[][]`).
    SampleData { table: String, data: Value },
    /// Tags the classifier suggests for columns of the table `table` (its FQN). A sink adds
    /// each to its column unless the column already carries a tag of the same classification.
    ColumnTags { table: String, tags: Vec<ColumnTag> },
}

/// One tag for one column.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnTag {
    /// The column's FQN (a nested one's included: `svc.db.sch.t.address.city`).
    pub column: String,
    pub tag: TagLabel,
}

/// The classification a tag belongs to: the first part of its FQN (`PII` of `PII.Sensitive`).
/// A column holds at most one tag of a classification that the classifier adds.
pub fn classification(tag_fqn: &str) -> String {
    crate::fqn::split(tag_fqn)
        .into_iter()
        .next()
        .unwrap_or_default()
}

impl Record {
    /// The name the status and logs give the record: the entity's FQN, or the FQN of the
    /// table the profiler's data belongs to.
    pub fn fqn(&self) -> String {
        match self {
            Record::Entity(entity) => entity.fqn(),
            Record::TableProfile { table, .. }
            | Record::SampleData { table, .. }
            | Record::ColumnTags { table, .. } => table.clone(),
        }
    }

    /// The FQN of the table when the record is a table entity, for progress by table.
    pub fn table_entity_fqn(&self) -> Option<String> {
        match self {
            Record::Entity(entity) if entity.entity_type() == EntityType::Table => {
                Some(entity.fqn())
            }
            _ => None,
        }
    }
}

impl From<CreateEntity> for Record {
    fn from(entity: CreateEntity) -> Record {
        Record::Entity(entity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CreateTable;

    #[test]
    fn records_are_named_by_their_entity_or_their_table() {
        let table = CreateEntity::Table(Box::new(CreateTable {
            name: "t".into(),
            database_schema: "svc.db.sch".into(),
            ..Default::default()
        }));
        let entity = Record::from(table);
        assert_eq!(entity.fqn(), "svc.db.sch.t");
        assert_eq!(entity.table_entity_fqn().as_deref(), Some("svc.db.sch.t"));
        let profile = Record::TableProfile {
            table: "svc.db.sch.t".into(),
            profile: serde_json::json!({"tableProfile": {"timestamp": 1}}),
        };
        assert_eq!(profile.fqn(), "svc.db.sch.t");
        assert_eq!(profile.table_entity_fqn(), None);
    }

    #[test]
    fn a_tag_belongs_to_the_first_part_of_its_fqn() {
        assert_eq!(classification("PII.Sensitive"), "PII");
        assert_eq!(classification("\"My.Class\".Tag"), "\"My.Class\"");
        assert_eq!(classification("Tier"), "Tier");
    }
}
