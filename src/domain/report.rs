//! The annual report for funders: aggregate counts with small cells suppressed.
//!
//! Every count from 1 to 4 is shown as `"<5"`. Where a dimension (per kind, per team,
//! per outcome) has exactly one suppressed cell, the smallest other non-zero cell is
//! suppressed too, so that no hidden count can be recovered by subtracting the others
//! from a total. Shares and medians over fewer than 5 requests are not shown.

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
            Err(super::Invalid(format!(
                "the report covers the years {} to {}",
                Self::FIRST,
                Self::LAST
            )))
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
        Open = ("open", "Nog open", "Still open"),
    }
}

/// A count as it may be published: the number, or `<5` for a cell that is hidden
/// (a count from 1 to 4, or the cell that would reveal one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    Count(i64),
    Suppressed,
}

/// How a hidden cell is shown.
pub const SUPPRESSED: &str = "<5";

impl std::fmt::Display for Published {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Published::Count(n) => write!(f, "{n}"),
            Published::Suppressed => f.write_str(SUPPRESSED),
        }
    }
}

impl serde::Serialize for Published {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Published::Count(n) => serializer.serialize_i64(*n),
            Published::Suppressed => serializer.serialize_str(SUPPRESSED),
        }
    }
}

impl utoipa::PartialSchema for Published {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .description(Some("The count")),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some([SUPPRESSED]))
                    .description(Some(
                        "Hidden: a count from 1 to 4, or one that would reveal such a count",
                    )),
            )
            .description(Some("A published count: a number, or `<5` where it is hidden"))
            .into()
    }
}

impl utoipa::ToSchema for Published {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Published")
    }
}

/// A count as it may be published.
pub fn cell(count: i64) -> Published {
    if count > 0 && count < THRESHOLD {
        Published::Suppressed
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
                Published::Suppressed
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
        assert_eq!(published[1].1, Published::Suppressed);
        assert_eq!(
            published[2].1,
            Published::Suppressed,
            "the smallest other cell hides b"
        );
        assert_eq!(published[0].1, Published::Count(20));
        assert_eq!(published[3].1, Published::Count(0));
        let two = suppress(&dim(&[("a", 20), ("b", 3), ("c", 2)]));
        assert_eq!(two.iter().filter(|(_, v)| *v == Published::Suppressed).count(), 2);
        assert_eq!(cell(4), Published::Suppressed);
        assert_eq!(cell(5), Published::Count(5));
        assert_eq!(cell(0), Published::Count(0));
        assert_eq!(measure(Some(0.5), 4), None);
        assert_eq!(measure(Some(0.5), 5), Some(0.5));
    }
}
