//! The annual report for funders: aggregate counts with small cells suppressed.
//!
//! Every count from 1 to 4 is shown as `"<5"`. Where a dimension (per kind, per team,
//! per outcome) has exactly one such cell, the smallest other non-zero cell is withheld
//! too, so that the small count cannot be recovered by subtracting the others from a
//! total; a withheld cell is shown as `"×"`, which says nothing about its size (it is 5
//! or more — calling it `"<5"` would be false). Shares and medians over fewer than 5
//! requests are not shown.

use super::code_enum;

pub const THRESHOLD: i64 = 5;

/// A year the annual report can cover: from the year the GDPR took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportYear(i32);

impl ReportYear {
    pub const FIRST: i32 = 2018;
    pub const LAST: i32 = 2198;

    pub fn new(year: i64) -> Result<ReportYear, super::Invalid> {
        if (i64::from(Self::FIRST)..=i64::from(Self::LAST)).contains(&year) {
            Ok(ReportYear(year as i32))
        } else {
            Err(super::Invalid::new(
                format!("the report covers the years {} to {}", Self::FIRST, Self::LAST),
                format!(
                    "het jaarverslag gaat over de jaren {} tot en met {}",
                    Self::FIRST,
                    Self::LAST
                ),
            ))
        }
    }

    pub fn value(self) -> i32 {
        self.0
    }
}

code_enum! {
    /// How a request received in the year ended, or that it has not yet.
    pub enum ReportOutcome ("report outcome") {
        Granted = ("granted", "Toegewezen", "Granted"),
        PartiallyGranted = ("partially_granted", "Gedeeltelijk toegewezen", "Partially granted"),
        Refused = ("refused", "Afgewezen", "Refused"),
        Withdrawn = ("withdrawn", "Ingetrokken", "Withdrawn"),
        Duplicate = ("duplicate", "Dubbel geregistreerd", "Registered twice (duplicate)"),
        Open = ("open", "Nog open", "Still open"),
    }
}

/// A count as it may be published: the number; `<5` for a count from 1 to 4; `×` for
/// a count withheld so that a small one cannot be worked out (no claim about its size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    Count(i64),
    Small,
    Withheld,
}

/// How a count from 1 to 4 is shown.
pub const SMALL: &str = "<5";
/// How a withheld count is shown.
pub const WITHHELD: &str = "×";

impl Published {
    /// Is this cell true of `count` as shown? A number must equal it, `<5` must be
    /// right; `×` claims nothing.
    pub fn is_true_of(self, count: i64) -> bool {
        match self {
            Published::Count(n) => n == count,
            Published::Small => (1..THRESHOLD).contains(&count),
            Published::Withheld => true,
        }
    }
}

impl std::fmt::Display for Published {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Published::Count(n) => write!(f, "{n}"),
            Published::Small => f.write_str(SMALL),
            Published::Withheld => f.write_str(WITHHELD),
        }
    }
}

impl serde::Serialize for Published {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Published::Count(n) => serializer.serialize_i64(*n),
            Published::Small => serializer.serialize_str(SMALL),
            Published::Withheld => serializer.serialize_str(WITHHELD),
        }
    }
}

impl utoipa::PartialSchema for Published {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Integer).description(Some("The count")))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some([SMALL, WITHHELD]))
                    .description(Some(
                        "`<5`: a count from 1 to 4; `×`: withheld so that a small count cannot be worked out from the others (no claim about its size)",
                    )),
            )
            .description(Some("A published count: a number, `<5` or `×`"))
            .into()
    }
}

impl utoipa::ToSchema for Published {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Published")
    }
}

/// A count as it may be published on its own (a total).
pub fn cell(count: i64) -> Published {
    if count > 0 && count < THRESHOLD {
        Published::Small
    } else {
        Published::Count(count)
    }
}

/// Suppresses one dimension: `counts` by key. Returns the published cells.
pub fn suppress<K: Clone>(counts: &[(K, i64)]) -> Vec<(K, Published)> {
    let small: Vec<usize> = counts
        .iter()
        .enumerate()
        .filter(|(_, (_, n))| *n > 0 && *n < THRESHOLD)
        .map(|(i, _)| i)
        .collect();
    let withheld = if small.len() == 1 {
        counts
            .iter()
            .enumerate()
            .filter(|(i, (_, n))| !small.contains(i) && *n > 0)
            .min_by_key(|(_, (_, n))| *n)
            .map(|(i, _)| i)
    } else {
        None
    };
    counts
        .iter()
        .enumerate()
        .map(|(i, (key, n))| {
            let value = if small.contains(&i) {
                Published::Small
            } else if withheld == Some(i) {
                Published::Withheld
            } else {
                Published::Count(*n)
            };
            (key.clone(), value)
        })
        .collect()
}

/// A share or median, shown only over at least 5 requests.
pub fn measure(value: Option<f64>, base: usize) -> Option<f64> {
    value.filter(|_| base as i64 >= THRESHOLD)
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
        assert_eq!(published[1].1, Published::Small);
        assert_eq!(
            published[2].1,
            Published::Withheld,
            "the smallest other cell hides b, marked as withheld (it is 8, not <5)"
        );
        assert_eq!(published[0].1, Published::Count(20));
        assert_eq!(published[3].1, Published::Count(0));
        let two = suppress(&dim(&[("a", 20), ("b", 3), ("c", 2)]));
        assert_eq!(two.iter().filter(|(_, v)| *v == Published::Small).count(), 2);
        assert!(two.iter().all(|(_, v)| *v != Published::Withheld));
        assert_eq!(cell(4), Published::Small);
        assert_eq!(cell(5), Published::Count(5));
        assert_eq!(cell(0), Published::Count(0));
        assert_eq!(measure(Some(0.5), 4), None);
        assert_eq!(measure(Some(0.5), 5), Some(0.5));
    }

    /// Over many dimensions: every cell is true of its count, and a single small count
    /// is never the only hidden cell (it could be worked out from the total).
    #[test]
    fn a_shown_number_is_true_and_a_mark_never_lies() {
        let mut state: u64 = 11;
        let mut next = |below: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % below) as i64
        };
        for _ in 0..5000 {
            let cells = 1 + next(6) as usize;
            let counts: Vec<(usize, i64)> = (0..cells).map(|i| (i, next(12))).collect();
            let published = suppress(&counts);
            for ((_, count), (_, shown)) in counts.iter().zip(&published) {
                assert!(shown.is_true_of(*count), "{counts:?}: {shown} for {count}");
            }
            let hidden = published
                .iter()
                .filter(|(_, v)| !matches!(v, Published::Count(_)))
                .count();
            let non_zero = counts.iter().filter(|(_, n)| *n > 0).count();
            assert!(hidden != 1 || non_zero == 1, "{counts:?} → {published:?}");
        }
    }
}
