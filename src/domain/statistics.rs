//! Shares and medians as the dashboard and the annual report publish them.

/// `part / whole` rounded to three decimals; `None` when there is no whole.
pub fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| ((part as f64 / whole as f64) * 1000.0).round() / 1000.0)
}

/// The median of `values` (sorted in place); `None` when empty.
pub fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) as f64 / 2.0
    } else {
        values[mid] as f64
    })
}

/// The median of a histogram: `(value, how often)` pairs in any order, as a database
/// counts them with `GROUP BY`. The same answer as [`median`] over the expanded values.
pub fn median_of_counts(histogram: &[(i64, i64)]) -> Option<f64> {
    let mut histogram: Vec<(i64, i64)> = histogram.iter().copied().filter(|(_, n)| *n > 0).collect();
    histogram.sort_unstable();
    let total: i64 = histogram.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    // The value at 0-based position `index` of the expanded, sorted list.
    let at = |index: i64| {
        let mut seen = 0;
        for (value, n) in &histogram {
            seen += n;
            if index < seen {
                return *value;
            }
        }
        unreachable!("index below the total")
    };
    Some(if total % 2 == 0 {
        (at(total / 2 - 1) + at(total / 2)) as f64 / 2.0
    } else {
        at(total / 2) as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_to_three_decimals_and_need_a_whole() {
        assert_eq!(share(2, 3), Some(0.667));
        assert_eq!(share(0, 4), Some(0.0));
        assert_eq!(share(0, 0), None);
    }

    #[test]
    fn medians_of_odd_and_even_lists() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [9, 1, 5]), Some(5.0));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2.5));
    }

    #[test]
    fn the_median_of_a_histogram_equals_the_median_of_its_values() {
        // A fixed pseudo-random walk over many small histograms.
        let mut state: u64 = 7;
        let mut next = |below: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % below) as i64
        };
        for _ in 0..2000 {
            let buckets = next(6) as usize;
            let histogram: Vec<(i64, i64)> = (0..buckets).map(|_| (next(40), next(5))).collect();
            let mut values: Vec<i64> = histogram
                .iter()
                .flat_map(|(v, n)| std::iter::repeat_n(*v, *n as usize))
                .collect();
            assert_eq!(median_of_counts(&histogram), median(&mut values), "{histogram:?}");
        }
    }
}
