//! Sampling: a bounded parallel Scan of one table.
//!
//! - The item budget (`sampleItems`) and the byte budget (`sampleBytes`, by DynamoDB's item
//!   size rules, approximately) are split over `sampleSegments` parallel-scan segments, so
//!   the sample is spread over the key space instead of being the first items in hash order.
//! - A table that DescribeTable says fits within the budgets and in one Scan page (1 MB) is
//!   read whole by a single request: one segment whose first page asks for one item more
//!   than the table holds (a `Limit` reached exactly would cost a second, empty page). The
//!   counts are only a hint (AWS refreshes them about every six hours); a table larger than
//!   they say is still read within the budgets, only from one segment.
//! - Every page asks for at most the items left in its segment's budget (`Limit`), so the
//!   item budget is never exceeded; the byte budget and the read-capacity budget
//!   (`sampleReadCapacity`, optional) are exceeded by at most one page per segment. Pages are
//!   sized to what is left of both, at the average item size so far (a Scan's eventually
//!   consistent read costs 0.5 RCU per 4 KB).
//! - When some segments run dry before their share is used, what is left is shared among
//!   the segments that still have items, in up to three more rounds.
//! - Items are kept in segment order, and within a segment in scan order, so an unchanged
//!   table gives the same sample on every run.
//! - Consumed read capacity (`ReturnConsumedCapacity: TOTAL`) is summed.
//! - A Scan that fails (after the SDK's retries) ends its segment; the sample keeps what was
//!   read, and [`Sample::error`] says why it is partial.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};

use crate::client::Clients;
use crate::error::DynamoDbError;

/// An item as the SDK returns it.
pub type Item = HashMap<String, AttributeValue>;

/// Budgets of one table's sample, and how its scan starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub items: u32,
    pub bytes: u64,
    /// Read capacity units the sample may consume; `None` leaves it to the other budgets.
    pub read_capacity: Option<f64>,
    pub segments: u32,
    /// Items asked for in a segment's first page, before the item size is known.
    pub first_page: u32,
}

/// The most a Scan page holds, in bytes.
const PAGE_BYTES: i64 = 1 << 20;
/// Bytes an eventually consistent Scan reads per read capacity unit.
const BYTES_PER_RCU: f64 = 8192.0;

impl Budget {
    pub fn new(items: u32, bytes: u64, segments: u32) -> Budget {
        Budget {
            items,
            bytes,
            read_capacity: None,
            segments,
            first_page: FIRST_PAGE,
        }
    }

    /// The same budget, also bounded by `read_capacity` units.
    pub fn with_read_capacity(self, read_capacity: Option<f64>) -> Budget {
        Budget {
            read_capacity,
            ..self
        }
    }

    /// The budget for a table of `item_count` items and `size_bytes` bytes (DescribeTable's
    /// figures): one request for a table the budgets and one page hold whole, the configured
    /// segments otherwise (they spread a partial sample over the key space). Unknown or zero
    /// counts (a new table on AWS) change nothing.
    pub fn for_table(self, item_count: Option<i64>, size_bytes: Option<i64>) -> Budget {
        let byte_cap = PAGE_BYTES.min(i64::try_from(self.bytes).unwrap_or(i64::MAX));
        match (item_count, size_bytes) {
            (Some(count), Some(bytes))
                if count > 0 && count < i64::from(self.items) && bytes <= byte_cap =>
            {
                Budget {
                    segments: 1,
                    first_page: count as u32 + 1,
                    ..self
                }
            }
            _ => self,
        }
    }
}

/// The items read from one table.
#[derive(Debug, Default)]
pub struct Sample {
    /// Items of each segment, segment 0 first.
    pub segments: Vec<Vec<Item>>,
    /// Total items.
    pub items: usize,
    /// Approximate total size of the items, in bytes.
    pub bytes: u64,
    /// Read capacity units consumed, as DynamoDB reported them.
    pub consumed_capacity: f64,
    /// Scan requests made.
    pub requests: u32,
    /// True when a budget stopped the sample before the table's end.
    pub truncated: bool,
    /// The first Scan failure; the sample is then partial.
    pub error: Option<DynamoDbError>,
}

impl Sample {
    /// Every item, segment 0 first.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.segments.iter().flatten()
    }
}

/// Most rounds of redistributing unused budget.
const MAX_ROUNDS: usize = 4;
/// Items asked for in a segment's first page by default, before the item size is known.
pub const FIRST_PAGE: u32 = 100;
/// Consecutive empty pages after which a segment gives up.
const MAX_EMPTY_PAGES: u32 = 16;

struct Segment {
    items: Vec<Item>,
    bytes: u64,
    start_key: Option<Item>,
    done: bool,
    consumed: f64,
    requests: u32,
    error: Option<DynamoDbError>,
}

/// Samples `table` within `budget`.
pub async fn sample_table(clients: &Clients, table: &str, budget: Budget) -> Sample {
    let total_segments = budget
        .segments
        .clamp(1, ferrometa_config::MAX_SAMPLE_SEGMENTS);
    if budget.items == 0 || budget.bytes == 0 || budget.read_capacity.is_some_and(|r| r <= 0.0) {
        return Sample {
            truncated: true,
            ..Sample::default()
        };
    }
    let mut segments: Vec<Segment> = (0..total_segments)
        .map(|_| Segment {
            items: Vec::new(),
            bytes: 0,
            start_key: None,
            done: false,
            consumed: 0.0,
            requests: 0,
            error: None,
        })
        .collect();
    for _ in 0..MAX_ROUNDS {
        let used_items: u64 = segments.iter().map(|s| s.items.len() as u64).sum();
        let used_bytes: u64 = segments.iter().map(|s| s.bytes).sum();
        let left_items = u64::from(budget.items).saturating_sub(used_items);
        let left_bytes = budget.bytes.saturating_sub(used_bytes);
        let used_capacity: f64 = segments.iter().map(|s| s.consumed).sum();
        let left_capacity = budget.read_capacity.map(|r| r - used_capacity);
        let active: Vec<usize> = (0..segments.len()).filter(|&i| !segments[i].done).collect();
        if left_items == 0
            || left_bytes == 0
            || left_capacity.is_some_and(|r| r <= 0.0)
            || active.is_empty()
        {
            break;
        }
        let n = active.len() as u64;
        let shares: Vec<(usize, u64, u64)> = active
            .iter()
            .enumerate()
            .map(|(rank, &i)| {
                let items = left_items / n + u64::from((rank as u64) < left_items % n);
                (i, items, (left_bytes / n).max(1))
            })
            .filter(|(_, items, _)| *items > 0)
            .collect();
        let scans = shares.iter().map(|&(i, items, bytes)| {
            let request = SegmentRequest {
                segment: i as u32,
                total_segments,
                item_budget: items,
                byte_budget: bytes,
                capacity_budget: left_capacity.map(|r| r / n as f64),
                first_page: budget.first_page,
                start_key: segments[i].start_key.clone(),
            };
            scan_segment(clients, table, request)
        });
        let results = futures::future::join_all(scans).await;
        for ((i, _, _), result) in shares.iter().zip(results) {
            let seg = &mut segments[*i];
            seg.items.extend(result.items);
            seg.bytes += result.bytes;
            seg.consumed += result.consumed;
            seg.requests += result.requests;
            seg.start_key = result.start_key;
            seg.done = result.done || result.error.is_some();
            if seg.error.is_none() {
                seg.error = result.error;
            }
        }
    }
    let truncated = segments.iter().any(|s| !s.done);
    let mut sample = Sample {
        truncated,
        ..Sample::default()
    };
    for seg in segments {
        sample.items += seg.items.len();
        sample.bytes += seg.bytes;
        sample.consumed_capacity += seg.consumed;
        sample.requests += seg.requests;
        if sample.error.is_none() {
            sample.error = seg.error;
        }
        sample.segments.push(seg.items);
    }
    sample
}

struct SegmentScan {
    items: Vec<Item>,
    bytes: u64,
    consumed: f64,
    requests: u32,
    start_key: Option<Item>,
    done: bool,
    error: Option<DynamoDbError>,
}

/// One round's share of a segment.
struct SegmentRequest {
    segment: u32,
    total_segments: u32,
    item_budget: u64,
    byte_budget: u64,
    /// Read capacity units this share may consume, if bounded.
    capacity_budget: Option<f64>,
    first_page: u32,
    start_key: Option<Item>,
}

async fn scan_segment(clients: &Clients, table: &str, request: SegmentRequest) -> SegmentScan {
    let SegmentRequest {
        segment,
        total_segments,
        item_budget,
        byte_budget,
        capacity_budget,
        first_page,
        mut start_key,
    } = request;
    // The byte budget the read capacity allows; the smaller of the two bounds each page.
    let byte_budget = match capacity_budget {
        Some(rcu) => byte_budget.min((rcu * BYTES_PER_RCU).max(1.0) as u64),
        None => byte_budget,
    };
    let capacity_left = |consumed: f64| capacity_budget.is_none_or(|rcu| consumed < rcu);
    let mut scan = SegmentScan {
        items: Vec::new(),
        bytes: 0,
        consumed: 0.0,
        requests: 0,
        start_key: None,
        done: false,
        error: None,
    };
    let mut empty_pages = 0;
    while (scan.items.len() as u64) < item_budget
        && scan.bytes < byte_budget
        && capacity_left(scan.consumed)
    {
        let left = item_budget - scan.items.len() as u64;
        let limit = if scan.items.is_empty() {
            left.min(u64::from(first_page.max(1)))
        } else {
            // Ask for about what the byte budget still allows, at the average size so far.
            let average = (scan.bytes / scan.items.len() as u64).max(1);
            left.min((byte_budget - scan.bytes) / average + 1)
        };
        let limit = limit.clamp(1, i32::MAX as u64) as i32;
        let mut request = clients
            .dynamodb
            .scan()
            .table_name(table)
            .limit(limit)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .set_exclusive_start_key(start_key.take());
        if total_segments > 1 {
            request = request
                .segment(segment as i32)
                .total_segments(total_segments as i32);
        }
        scan.requests += 1;
        let out = match request.send().await {
            Ok(out) => out,
            Err(e) => {
                scan.error = Some(DynamoDbError::aws("Scan", Some(table), e));
                return scan;
            }
        };
        scan.consumed += out
            .consumed_capacity
            .as_ref()
            .and_then(|c| c.capacity_units)
            .unwrap_or(0.0);
        let items = out.items.unwrap_or_default();
        if items.is_empty() {
            empty_pages += 1;
        } else {
            empty_pages = 0;
        }
        for item in items {
            scan.bytes += item_size(&item);
            scan.items.push(item);
        }
        match out.last_evaluated_key {
            Some(key) if !key.is_empty() => start_key = Some(key),
            _ => {
                scan.done = true;
                return scan;
            }
        }
        if empty_pages >= MAX_EMPTY_PAGES {
            break;
        }
    }
    scan.start_key = start_key;
    scan
}

/// An item's size by DynamoDB's rules (attribute names plus values), approximately.
pub fn item_size(item: &Item) -> u64 {
    item.iter()
        .map(|(name, value)| name.len() as u64 + value_size(value))
        .sum()
}

fn value_size(value: &AttributeValue) -> u64 {
    match value {
        AttributeValue::S(s) => s.len() as u64,
        AttributeValue::N(n) => number_size(n),
        AttributeValue::B(b) => b.as_ref().len() as u64,
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::Ss(v) => v.iter().map(|s| s.len() as u64).sum(),
        AttributeValue::Ns(v) => v.iter().map(|n| number_size(n)).sum(),
        AttributeValue::Bs(v) => v.iter().map(|b| b.as_ref().len() as u64).sum(),
        AttributeValue::M(m) => {
            3 + m
                .iter()
                .map(|(k, v)| k.len() as u64 + 1 + value_size(v))
                .sum::<u64>()
        }
        AttributeValue::L(l) => 3 + l.iter().map(|v| 1 + value_size(v)).sum::<u64>(),
        _ => 1,
    }
}

fn number_size(n: &str) -> u64 {
    let digits = n.bytes().filter(u8::is_ascii_digit).count() as u64;
    digits.div_ceil(2) + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_within_one_page_is_read_by_one_request() {
        let budget = Budget::new(1000, 4 << 20, 4);
        let small = budget.for_table(Some(100), Some(20_000));
        assert_eq!((small.segments, small.first_page), (1, 101));
        assert_eq!((small.items, small.bytes), (1000, 4 << 20));
        assert_eq!(budget.for_table(Some(999), Some(9_000)).first_page, 1000);
        // More than the item budget, the byte budget or a page, unknown, or zero (AWS's
        // figures lag): the configured plan.
        let small_bytes = Budget::new(1000, 10_000, 4);
        assert_eq!(small_bytes.for_table(Some(100), Some(20_000)), small_bytes);
        for (count, bytes) in [
            (Some(1000), Some(9_000)),
            (Some(100), Some(2 << 20)),
            (None, Some(10)),
            (Some(0), Some(0)),
            (Some(10), None),
        ] {
            assert_eq!(budget.for_table(count, bytes), budget);
        }
    }

    #[test]
    fn item_sizes() {
        let item: Item = [
            ("name".to_string(), AttributeValue::S("abc".into())),
            ("n".to_string(), AttributeValue::N("12345".into())),
            (
                "m".to_string(),
                AttributeValue::M([("k".to_string(), AttributeValue::Bool(true))].into()),
            ),
        ]
        .into();
        // 4+3, 1+(3+1), 1+(3+1+1+1)
        assert_eq!(item_size(&item), 7 + 5 + 7);
    }
}
