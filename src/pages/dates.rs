//! Dates on the pages as people type them: `27-11-2026`, `7-1-2027`, `27/11/2026`,
//! `27.11.2026`, and `2026-11-27` as a browser's date field or a copied ISO date sends
//! it. A date is shown in forms the first way. What cannot be read is passed on as
//! typed, so that the service names it beside its field and the form keeps it; the
//! API itself takes `YYYY-MM-DD` only.

use chrono::NaiveDate;

/// The date `typed` means, if it is one.
pub fn read(typed: &str) -> Option<NaiveDate> {
    let typed = typed.trim();
    let parts: Vec<&str> = typed.split(['-', '/', '.']).map(str::trim).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    if ![a, b, c]
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (year, month, day) = match (a.len(), c.len()) {
        (4, 1..=2) if b.len() <= 2 => (a, b, c),
        (1..=2, 4) if b.len() <= 2 => (c, b, a),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// `typed` as the service reads a date (`YYYY-MM-DD`), or as typed when it is no date.
pub fn iso(typed: &str) -> String {
    read(typed).map_or_else(|| typed.trim().to_string(), |date| date.to_string())
}

/// A date as a form shows it: `27-11-2026`.
pub fn shown(date: NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_as_people_in_the_netherlands_type_them() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        for typed in [
            "27-11-2026",
            "27/11/2026",
            "27.11.2026",
            " 27-11-2026 ",
            "2026-11-27",
            "27 - 11 - 2026",
        ] {
            assert_eq!(read(typed), Some(day), "{typed}");
        }
        assert_eq!(read("7-1-2027"), NaiveDate::from_ymd_opt(2027, 1, 7));
        assert_eq!(read("2027-1-7"), NaiveDate::from_ymd_opt(2027, 1, 7));
        for not in [
            "",
            "27-11",
            "32-11-2026",
            "29-02-2026",
            "27-11-26",
            "11/27/2026",
            "morgen",
            "2026-11-27T10:00",
            "27-011-2026",
        ] {
            assert_eq!(read(not), None, "{not}");
        }
        assert_eq!(iso("7-1-2027"), "2027-01-07");
        assert_eq!(iso(" morgen "), "morgen");
        assert_eq!(shown(day), "27-11-2026");
    }
}
