//! Precision and recall of the `PII.Sensitive` / `PII.NonSensitive` tags over the corpus, at
//! OpenMetadata's default confidence (80 %). A tag counts as right only when it is the
//! expected one; a wrong tag is a false positive for what was given and a false negative
//! for what was expected.

use ferrometa_classify::{Sensitivity, classify_column};

use crate::corpus;

/// OpenMetadata's default `confidence` of 80, as a fraction.
const CONFIDENCE: f64 = 0.8;

#[derive(Default)]
struct Counts {
    true_positives: usize,
    false_positives: usize,
    false_negatives: usize,
}

impl Counts {
    fn count(&mut self, given: Option<Sensitivity>, expected: Option<Sensitivity>) {
        match (given, expected) {
            (Some(g), Some(e)) if g == e => self.true_positives += 1,
            (Some(_), Some(_)) => {
                self.false_positives += 1;
                self.false_negatives += 1;
            }
            (Some(_), None) => self.false_positives += 1,
            (None, Some(_)) => self.false_negatives += 1,
            (None, None) => {}
        }
    }

    fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        1.0
    } else {
        numerator as f64 / denominator as f64
    }
}

#[test]
fn precision_and_recall_over_the_labelled_corpus() {
    let show = std::env::var_os("FERROMETA_SHOW").is_some_and(|v| v == "1");
    let columns = corpus::columns();
    let mut all = Counts::default();
    let mut per_class = [
        (Sensitivity::Sensitive, Counts::default()),
        (Sensitivity::NonSensitive, Counts::default()),
    ];
    let mut mistakes = Vec::new();
    let mut lines = Vec::new();
    for column in &columns {
        let values: Vec<&str> = column.values.iter().map(String::as_str).collect();
        let got = classify_column(column.name, &values, CONFIDENCE);
        let tag = got.map(|c| c.tag);
        all.count(tag, column.expected);
        for (class, counts) in &mut per_class {
            let only = |t: Option<Sensitivity>| t.filter(|t| t == class);
            counts.count(only(tag), only(column.expected));
        }
        lines.push(format!(
            "  {:<34} expected {:<14} got {}",
            column.name,
            column.expected.map_or("-", Sensitivity::tag_fqn),
            got.map_or_else(
                || "-".to_owned(),
                |c| format!("{} ({:?}, {:.2})", c.tag.tag_fqn(), c.entity, c.confidence)
            ),
        ));
        if tag != column.expected {
            mistakes.push(format!(
                "  {}: expected {:?}, got {:?}",
                column.name, column.expected, got
            ));
        }
    }
    let positives = columns.iter().filter(|c| c.expected.is_some()).count();
    if show {
        println!(
            "corpus: {} columns ({positives} to tag, {} look-alikes), {} values, confidence {CONFIDENCE}",
            columns.len(),
            columns.len() - positives,
            columns.iter().map(|c| c.values.len()).sum::<usize>(),
        );
        println!(
            "all tags:      precision {:.3}, recall {:.3}",
            all.precision(),
            all.recall()
        );
        for (class, counts) in &per_class {
            println!(
                "{:<14} precision {:.3}, recall {:.3}",
                format!("{}:", class.tag_fqn()),
                counts.precision(),
                counts.recall()
            );
        }
        println!("columns:");
        for line in &lines {
            println!("{line}");
        }
        println!("mistakes: {}", mistakes.len());
        for m in &mistakes {
            println!("{m}");
        }
    }
    assert!(
        all.precision() >= 0.95 && all.recall() >= 0.90,
        "precision {:.3}, recall {:.3}; mistakes:\n{}",
        all.precision(),
        all.recall(),
        mistakes.join("\n")
    );
}
