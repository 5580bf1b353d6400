//! Per-step counts of a run, the success rate, and the printed summary.
//!
//! Follows OpenMetadata's `Status`, with its inconsistencies fixed: unchanged entities
//! count as processed, and the printed success rate is the one the threshold uses (the
//! lowest of the steps' rates).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

/// One entity that could not be processed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    pub name: String,
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack_trace: Option<String>,
}

impl Failure {
    pub fn new(name: impl Into<String>, error: impl Into<String>) -> Self {
        Failure {
            name: name.into(),
            error: error.into(),
            stack_trace: None,
        }
    }
}

/// A named reason attached to an entity (warnings, filtered entities).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub name: String,
    pub reason: String,
}

/// The counts of one step (source, processor or sink).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepStatus {
    pub name: String,
    /// Entities processed (created, for a sink).
    pub records: Vec<String>,
    /// Entities that existed and changed.
    pub updated_records: Vec<String>,
    /// Entities that existed and did not change (not written).
    pub unchanged: u64,
    pub warnings: Vec<Reason>,
    pub filtered: Vec<Reason>,
    pub failures: Vec<Failure>,
    /// Requests sent again after a transient failure (throttling, 5xx, a lost connection).
    pub retries: u64,
}

impl StepStatus {
    pub fn new(name: &str) -> Self {
        StepStatus {
            name: name.to_string(),
            ..Default::default()
        }
    }

    fn ok_count(&self) -> u64 {
        (self.records.len() + self.updated_records.len()) as u64 + self.unchanged
    }

    /// Share of entities processed without failure, in percent (100 when nothing happened).
    pub fn success_rate(&self) -> f64 {
        let ok = self.ok_count() as f64;
        let failed = self.failures.len() as f64;
        if ok + failed == 0.0 {
            100.0
        } else {
            round2(ok * 100.0 / (ok + failed))
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The status of a whole run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowStatus {
    pub source: StepStatus,
    /// The processor step, in workflows that have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processor: Option<StepStatus>,
    pub sink: StepStatus,
    /// FQNs of tables marked deleted this run.
    pub deleted: Vec<String>,
    /// Read capacity units consumed by sampling, in total.
    pub read_capacity: f64,
    /// Read capacity units consumed by sampling, per table FQN.
    pub read_capacity_by_table: BTreeMap<String, f64>,
    /// Seconds from start to end of `execute`.
    pub duration_seconds: f64,
    /// Where the sink wrote, when it says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// True when the run was interrupted before the source finished.
    pub cancelled: bool,
}

impl WorkflowStatus {
    /// The steps in pipeline order: source, processor (when there is one), sink.
    pub fn steps(&self) -> impl Iterator<Item = &StepStatus> {
        [
            Some(&self.source),
            self.processor.as_ref(),
            Some(&self.sink),
        ]
        .into_iter()
        .flatten()
    }

    /// The rate the threshold is checked against: the lowest of the steps.
    pub fn success_rate(&self) -> f64 {
        self.steps()
            .map(StepStatus::success_rate)
            .fold(100.0, f64::min)
    }

    pub fn has_failures(&self) -> bool {
        self.steps().any(|step| !step.failures.is_empty())
    }

    /// The summary OpenMetadata's `print_status` shows, plus ferrometa's additions.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for step in self.steps() {
            let _ = writeln!(out, "Workflow {} Summary:", step.name);
            let _ = writeln!(out, "Processed records: {}", step.records.len());
            let _ = writeln!(out, "Updated records: {}", step.updated_records.len());
            if step.unchanged > 0 {
                let _ = writeln!(out, "Unchanged records: {}", step.unchanged);
            }
            let _ = writeln!(out, "Warnings: {}", step.warnings.len());
            if !step.filtered.is_empty() {
                let _ = writeln!(out, "Filtered: {}", step.filtered.len());
            }
            let _ = writeln!(out, "Errors: {}", step.failures.len());
            if step.retries > 0 {
                let _ = writeln!(out, "Retries: {}", step.retries);
            }
        }
        if !self.deleted.is_empty() {
            let _ = writeln!(out, "Marked deleted: {}", self.deleted.len());
        }
        let failures: Vec<_> = self
            .steps()
            .flat_map(|s| s.failures.iter().map(move |f| (s.name.as_str(), f)))
            .collect();
        if !failures.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                if failures.len() > 100 {
                    "Showing only the first 100 failures:"
                } else {
                    "List of failures:"
                }
            );
            let _ = writeln!(
                out,
                "{}",
                failure_table(&failures[..failures.len().min(100)])
            );
        }
        let _ = writeln!(out, "Read capacity consumed: {:.1} RCU", self.read_capacity);
        if let Some(location) = &self.location {
            let _ = writeln!(out, "Written to: {location}");
        }
        let _ = writeln!(out, "Success %: {}", self.success_rate());
        let _ = writeln!(
            out,
            "Workflow finished in time: {}",
            pretty_duration(self.duration_seconds)
        );
        if self.cancelled {
            let _ = writeln!(out, "Workflow was cancelled before it finished");
        } else if self.has_failures() {
            let _ = writeln!(out, "Workflow finished with failures");
        }
        out
    }
}

/// A plain grid of `From | Entity Name | Message`.
fn failure_table(rows: &[(&str, &Failure)]) -> String {
    let header = ["From", "Entity Name", "Message"];
    let cells: Vec<[String; 3]> = rows
        .iter()
        .map(|(from, f)| [from.to_string(), f.name.clone(), f.error.replace('\n', " ")])
        .collect();
    let width = |i: usize| {
        cells
            .iter()
            .map(|c| c[i].chars().count())
            .chain([header[i].len()])
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2)];
    let rule = format!(
        "+{}+",
        widths
            .iter()
            .map(|w| "-".repeat(w + 2))
            .collect::<Vec<_>>()
            .join("+")
    );
    let line = |c: [&str; 3]| {
        let padded: Vec<String> = c
            .iter()
            .zip(widths)
            .map(|(s, w)| format!(" {s:<w$} "))
            .collect();
        format!("|{}|", padded.join("|"))
    };
    let mut out = vec![rule.clone(), line(header), rule.replace('-', "=")];
    for c in &cells {
        out.push(line([&c[0], &c[1], &c[2]]));
        out.push(rule.clone());
    }
    out.join("\n")
}

fn pretty_duration(seconds: f64) -> String {
    let d = Duration::from_secs_f64(seconds.max(0.0));
    let secs = d.as_secs();
    if secs >= 3600 {
        format!("{}h {}m {}s", secs / 3600, secs % 3600 / 60, secs % 60)
    } else if secs >= 60 {
        format!("{}m {}s", secs / 60, secs % 60)
    } else {
        format!("{:.2}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_rate_counts_unchanged_and_uses_lowest_step() {
        let mut s = WorkflowStatus {
            source: StepStatus::new("DynamoDB"),
            sink: StepStatus::new("Catalog"),
            ..Default::default()
        };
        assert_eq!(s.success_rate(), 100.0);
        s.source.records = vec!["a".into(); 9];
        s.source.failures.push(Failure::new("b", "boom"));
        s.sink.unchanged = 9;
        assert_eq!(s.source.success_rate(), 90.0);
        assert_eq!(s.sink.success_rate(), 100.0);
        assert_eq!(s.success_rate(), 90.0);
    }

    #[test]
    fn render_lists_failures_in_a_grid() {
        let mut s = WorkflowStatus {
            source: StepStatus::new("DynamoDB"),
            sink: StepStatus::new("Catalog"),
            ..Default::default()
        };
        s.source
            .failures
            .push(Failure::new("orders", "access denied"));
        let text = s.render();
        assert!(
            text.contains("| DynamoDB | orders      | access denied |"),
            "{text}"
        );
        assert!(text.contains("Success %: 0\n"), "{text}");
        assert!(text.contains("Workflow finished with failures"));
        assert!(!text.contains("Retries"), "{text}");
        s.sink.retries = 3;
        assert!(
            s.render().contains("Errors: 0\nRetries: 3\n"),
            "{}",
            s.render()
        );
    }
}
