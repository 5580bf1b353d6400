//! Which catalog tables a run may mark deleted.
//!
//! OpenMetadata soft-deletes every catalog table the run did not yield, so a failed
//! ListTables or a table filter wipes the schema. Here a table is deleted only when the
//! listing was complete, the table is absent from it, the recipe's filter would have
//! included it, and the run does not delete more than the allowed share of the schema.

use std::collections::BTreeSet;

use ferrometa_config::{Level, Scope};

use crate::traits::{SchemaListing, TableRef};

/// How deletion is configured.
#[derive(Debug, Clone)]
pub struct DeletePolicy {
    /// What the run covers: a table out of scope is never deleted.
    pub scope: Scope,
    /// Largest share (0..=1) of a schema's tables one run may delete.
    pub max_share: f64,
    /// Delete even above `max_share`.
    pub force: bool,
}

/// The decision for one schema.
#[derive(Debug, Clone, PartialEq)]
pub enum DeletionPlan {
    /// FQNs to mark deleted (possibly none).
    Delete(Vec<String>),
    /// Nothing is deleted, for this reason.
    Refused(String),
}

pub fn plan_deletions(
    existing: &[TableRef],
    listing: &SchemaListing,
    policy: &DeletePolicy,
) -> DeletionPlan {
    if !listing.complete {
        return DeletionPlan::Refused(format!(
            "table listing of {} was incomplete: no table is marked deleted",
            listing.schema_fqn
        ));
    }
    let listed: &BTreeSet<String> = &listing.listed;
    let stale: Vec<String> = existing
        .iter()
        .filter(|t| !listed.contains(&t.name))
        .filter(|t| policy.scope.includes(Level::Table, &t.name, &t.fqn))
        .map(|t| t.fqn.clone())
        .collect();
    if stale.is_empty() || policy.force {
        return DeletionPlan::Delete(stale);
    }
    let share = stale.len() as f64 / existing.len() as f64;
    if share > policy.max_share {
        return DeletionPlan::Refused(format!(
            "refusing to mark {} of {} tables of {} deleted ({:.0}% > markDeletedMaxShare {:.0}%); \
             set markDeletedForce: true to allow it",
            stale.len(),
            existing.len(),
            listing.schema_fqn,
            share * 100.0,
            policy.max_share * 100.0
        ));
    }
    DeletionPlan::Delete(stale)
}

#[cfg(test)]
mod tests {
    use ferrometa_config::FilterPattern;

    use super::*;

    fn tables(names: &[&str]) -> Vec<TableRef> {
        names
            .iter()
            .map(|n| TableRef {
                fqn: format!("svc.default.default.{n}"),
                name: n.to_string(),
            })
            .collect()
    }

    fn listing(names: &[&str], complete: bool) -> SchemaListing {
        SchemaListing {
            error: None,
            schema_fqn: "svc.default.default".into(),
            listed: names.iter().map(|s| s.to_string()).collect(),
            complete,
        }
    }

    fn policy() -> DeletePolicy {
        DeletePolicy {
            scope: Scope::default(),
            max_share: 0.5,
            force: false,
        }
    }

    #[test]
    fn deletes_only_tables_missing_from_a_complete_listing() {
        let plan = plan_deletions(
            &tables(&["a", "b", "c"]),
            &listing(&["a", "b"], true),
            &policy(),
        );
        assert_eq!(
            plan,
            DeletionPlan::Delete(vec!["svc.default.default.c".into()])
        );
    }

    #[test]
    fn incomplete_listing_deletes_nothing() {
        let plan = plan_deletions(
            &tables(&["a", "b", "c"]),
            &listing(&["a"], false),
            &policy(),
        );
        assert!(matches!(plan, DeletionPlan::Refused(m) if m.contains("incomplete")));
    }

    #[test]
    fn refuses_above_the_share_unless_forced() {
        let existing = tables(&["a", "b", "c", "d"]);
        let plan = plan_deletions(&existing, &listing(&["a"], true), &policy());
        assert!(
            matches!(plan, DeletionPlan::Refused(ref m) if m.contains("3 of 4") && m.contains("markDeletedForce"))
        );
        let forced = DeletePolicy {
            force: true,
            ..policy()
        };
        assert_eq!(
            plan_deletions(&existing, &listing(&["a"], true), &forced).clone(),
            DeletionPlan::Delete(vec![
                "svc.default.default.b".into(),
                "svc.default.default.c".into(),
                "svc.default.default.d".into()
            ])
        );
    }

    #[test]
    fn never_deletes_a_table_the_filter_excludes() {
        let filter = FilterPattern::new(Vec::<String>::new(), vec!["^keep_".to_string()]).unwrap();
        let by_name = DeletePolicy {
            scope: Scope {
                table: Some(filter),
                ..Scope::default()
            },
            ..policy()
        };
        let existing = tables(&["a", "b", "keep_me", "gone"]);
        let plan = plan_deletions(&existing, &listing(&["a", "b"], true), &by_name);
        assert_eq!(
            plan,
            DeletionPlan::Delete(vec!["svc.default.default.gone".into()])
        );
    }

    #[test]
    fn fqn_filtering_tests_the_fqn() {
        let filter = FilterPattern::new(
            vec!["svc\\.default\\.default\\.a".to_string()],
            Vec::<String>::new(),
        )
        .unwrap();
        let by_fqn = DeletePolicy {
            scope: Scope {
                table: Some(filter),
                use_fqn: true,
                ..Scope::default()
            },
            ..policy()
        };
        let existing = tables(&["a", "b", "c", "d", "e"]);
        // `b`..`e` are outside the include filter, so only `a`'s absence can delete it.
        let plan = plan_deletions(&existing, &listing(&["b"], true), &by_fqn);
        assert_eq!(
            plan,
            DeletionPlan::Delete(vec!["svc.default.default.a".into()])
        );
    }
}
