//! The annual report for funders: aggregate counts with small cells suppressed.
//!
//! Every count from 1 to 4 is shown as `"<5"`. Where a dimension (per kind, per team,
//! per outcome) has exactly one suppressed cell, the smallest other non-zero cell is
//! suppressed too, so that no hidden count can be recovered by subtracting the others
//! from a total. Shares and medians over fewer than 5 requests are not shown.

use serde_json::{json, Value};

pub const THRESHOLD: i64 = 5;

/// A count as it may be published.
pub fn cell(count: i64) -> Value {
    if count > 0 && count < THRESHOLD {
        json!("<5")
    } else {
        json!(count)
    }
}

/// Suppresses one dimension: `counts` by key. Returns the published cells.
pub fn suppress(counts: &[(String, i64)]) -> Vec<(String, Value)> {
    let small: Vec<usize> = counts
        .iter()
        .enumerate()
        .filter(|(_, (_, n))| *n > 0 && *n < THRESHOLD)
        .map(|(i, _)| i)
        .collect();
    let mut hidden: Vec<usize> = small.clone();
    if small.len() == 1 {
        if let Some((i, _)) = counts
            .iter()
            .enumerate()
            .filter(|(i, (_, n))| !small.contains(i) && *n > 0)
            .min_by_key(|(_, (_, n))| *n)
        {
            hidden.push(i);
        }
    }
    counts
        .iter()
        .enumerate()
        .map(|(i, (key, n))| {
            let value = if hidden.contains(&i) {
                json!("<5")
            } else {
                json!(n)
            };
            (key.clone(), value)
        })
        .collect()
}

/// A share or median, shown only over at least 5 requests.
pub fn measure(value: Option<f64>, base: usize) -> Value {
    match value {
        Some(v) if base as i64 >= THRESHOLD => json!(v),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dim(values: &[(&str, i64)]) -> Vec<(String, i64)> {
        values.iter().map(|(k, n)| (k.to_string(), *n)).collect()
    }

    #[test]
    fn small_cells_and_their_complement_are_hidden() {
        let published = suppress(&dim(&[("a", 20), ("b", 3), ("c", 8), ("d", 0)]));
        assert_eq!(published[1].1, json!("<5"));
        assert_eq!(published[2].1, json!("<5"), "the smallest other cell hides b");
        assert_eq!(published[0].1, json!(20));
        assert_eq!(published[3].1, json!(0));
        let two = suppress(&dim(&[("a", 20), ("b", 3), ("c", 2)]));
        assert_eq!(two.iter().filter(|(_, v)| *v == json!("<5")).count(), 2);
        assert_eq!(cell(4), json!("<5"));
        assert_eq!(cell(5), json!(5));
        assert_eq!(cell(0), json!(0));
        assert_eq!(measure(Some(0.5), 4), Value::Null);
        assert_eq!(measure(Some(0.5), 5), json!(0.5));
    }
}
