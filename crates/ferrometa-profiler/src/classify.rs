//! The AutoClassification workflow's suggested tags: each stored column (nested ones
//! included) that holds values in the sample and carries no `PII` tag yet is classified by
//! [`ferrometa_classify::classify_column`] from its attribute path and every sampled value
//! at that path; a result becomes a `Generated`, `Suggested` tag label from the
//! `Classification` source, whose reason names the recognizer and its score.

use ferrometa_classify::{Classification, Sensitivity, classify_column};
use ferrometa_model::{ColumnTag, TagLabel};

use crate::columns::{ColumnNode, ColumnValues};

/// A column's classification by this run.
#[derive(Debug, Clone)]
pub struct Classified {
    /// The column's FQN.
    pub column: String,
    pub classification: Classification,
}

/// Classifies every column of `tree` with values in `values` and no `PII` tag, at
/// `confidence` (0..=1).
pub fn classify_table(
    tree: &[ColumnNode],
    values: &ColumnValues,
    confidence: f64,
) -> Vec<Classified> {
    let mut out = Vec::new();
    for column in tree.iter().flat_map(ColumnNode::walk) {
        if column.has_pii_tag() {
            continue;
        }
        let Some(found) = values.by_fqn.get(&column.fqn) else {
            continue;
        };
        let texts: Vec<&str> = found.iter().map(String::as_str).collect();
        if let Some(classification) = classify_column(&column.path, &texts, confidence) {
            out.push(Classified {
                column: column.fqn.clone(),
                classification,
            });
        }
    }
    out
}

/// The tag suggested for one classified column.
pub fn column_tag(classified: &Classified) -> ColumnTag {
    let c = &classified.classification;
    ColumnTag {
        column: classified.column.clone(),
        tag: TagLabel {
            tag_fqn: c.tag.tag_fqn().to_string(),
            name: None,
            display_name: None,
            description: None,
            style: None,
            source: "Classification".to_string(),
            label_type: "Generated".to_string(),
            state: "Suggested".to_string(),
            href: None,
            reason: Some(format!(
                "{:?} detected with score {:.2}",
                c.entity, c.confidence
            )),
            applied_at: None,
            applied_by: None,
            metadata: None,
        },
    }
}

/// Whether `tag_fqn` is the sensitive tag.
pub fn is_sensitive(tag_fqn: &str) -> bool {
    tag_fqn == Sensitivity::Sensitive.tag_fqn()
}
