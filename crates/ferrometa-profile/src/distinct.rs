//! Distinct and unique counts in bounded memory: a bottom-k sketch (KMV, Bar-Yossef et al.
//! 2002; Beyer et al. 2007) over 64-bit value hashes.
//!
//! The sketch keeps the `k` smallest hashes seen, each with the number of times its value
//! occurred. While a path has at most `k` distinct values it keeps all of them and the counts
//! are exact (up to 64-bit hash collisions: probability below 3·10⁻¹² at 10,000 values).
//! Past `k` the largest hash is dropped for each smaller one; a value whose hash was dropped
//! or refused can never come back (the bound only falls), so every kept value's count is
//! exact, and the kept values are a uniform sample of the distinct values. Then:
//! - distinct ≈ (k − 1) / u, u the largest kept hash as a fraction of 2⁶⁴: unbiased, with a
//!   relative standard error of about 1/√(k − 2) (1.0% at k = 10,000; measured on ten sets
//!   of 100,000 distinct strings: 0.7% root mean square, 1.3% at worst);
//! - unique ≈ distinct × the share of kept values seen once (on the same sets, with 20,000
//!   values seen once: 4.0% at worst).

use std::collections::BTreeMap;

#[derive(Debug)]
pub(crate) struct Distinct {
    k: usize,
    /// Hash → occurrences, the `k` smallest hashes seen.
    kept: BTreeMap<u64, u32>,
    /// A distinct value was dropped or refused: the counts are estimates.
    saturated: bool,
}

/// Distinct and unique counts, exact or estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) distinct: u64,
    pub(crate) unique: u64,
    pub(crate) exact: bool,
}

impl Distinct {
    pub(crate) fn new(k: usize) -> Distinct {
        Distinct {
            k,
            kept: BTreeMap::new(),
            saturated: false,
        }
    }

    pub(crate) fn add(&mut self, hash: u64) {
        if let Some(n) = self.kept.get_mut(&hash) {
            *n = n.saturating_add(1);
            return;
        }
        if self.kept.len() < self.k {
            self.kept.insert(hash, 1);
            return;
        }
        self.saturated = true;
        if let Some((&largest, _)) = self.kept.last_key_value()
            && hash < largest
        {
            self.kept.remove(&largest);
            self.kept.insert(hash, 1);
        }
    }

    /// The counts for a path with `values` non-NULL values (estimates are capped by it).
    pub(crate) fn counts(&self, values: u64) -> Counts {
        let once = self.kept.values().filter(|&&n| n == 1).count() as u64;
        if !self.saturated {
            return Counts {
                distinct: self.kept.len() as u64,
                unique: once,
                exact: true,
            };
        }
        let largest = self.kept.last_key_value().map_or(u64::MAX, |(&h, _)| h);
        let fraction = (largest as f64 + 1.0) / 2f64.powi(64);
        let estimate = ((self.k as f64 - 1.0) / fraction).round() as u64;
        // The sketch saw more than k distinct values, so at least that many exist.
        let distinct = estimate.max(self.k as u64 + 1).min(values);
        let unique = (distinct as f64 * once as f64 / self.kept.len() as f64).round() as u64;
        Counts {
            distinct,
            unique: unique.min(distinct),
            exact: false,
        }
    }
}
