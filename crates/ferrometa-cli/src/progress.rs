//! Progress of a run: a bar (tables done / total, rate, ETA) on a terminal, a log line
//! every few seconds otherwise.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ferrometa_core::Progress;
use indicatif::{ProgressState, ProgressStyle};
use tracing::Span;
use tracing_indicatif::span_ext::IndicatifSpanExt;

const LOG_EVERY: Duration = Duration::from_secs(5);

pub struct Reporter {
    bar: Option<Span>,
    total: AtomicU64,
    done: AtomicU64,
    last_log: Mutex<Instant>,
}

impl Reporter {
    /// A bar when `terminal`, periodic log lines otherwise.
    pub fn new(terminal: bool) -> Self {
        let bar = terminal.then(|| {
            let span = tracing::info_span!("ingest");
            let style = ProgressStyle::with_template(
                "{spinner} {pos}/{len} tables [{wide_bar}] {rate} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key(
                "rate",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = w.write_str(&rate(state.per_sec()));
                },
            );
            span.pb_set_style(&style);
            span.pb_start();
            span
        });
        Reporter {
            bar,
            total: AtomicU64::new(0),
            done: AtomicU64::new(0),
            last_log: Mutex::new(Instant::now()),
        }
    }
}

impl Progress for Reporter {
    fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        if let Some(span) = &self.bar {
            span.pb_set_length(total);
        }
        tracing::info!("{total} tables to process");
    }

    fn table_done(&self, _name: &str) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(span) = &self.bar {
            span.pb_inc(1);
            return;
        }
        let mut last = self.last_log.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() >= LOG_EVERY {
            *last = Instant::now();
            tracing::info!(
                "processed {done}/{} tables",
                self.total.load(Ordering::Relaxed)
            );
        }
    }

    fn finish(&self) {
        if let Some(span) = &self.bar {
            span.pb_set_finish_message("done");
        }
    }
}

/// Tables per second as the bar shows it: whole numbers, one decimal under 10 (indicatif's
/// own `{per_sec}` prints `90.3018/s`).
fn rate(per_sec: f64) -> String {
    // Compared after rounding, so 9.96 shows as `10/s`, not `10.0/s`.
    if (per_sec * 10.0).round() < 100.0 {
        format!("{per_sec:.1}/s")
    } else {
        format!("{per_sec:.0}/s")
    }
}

#[cfg(test)]
mod tests {
    use super::rate;

    #[test]
    fn rates_are_rounded() {
        assert_eq!(rate(90.3018), "90/s");
        assert_eq!(rate(1234.56), "1235/s");
        assert_eq!(rate(9.96), "10/s");
        assert_eq!(rate(9.94), "9.9/s");
        assert_eq!(rate(3.12), "3.1/s");
        assert_eq!(rate(0.0), "0.0/s");
    }
}
