//! The words of the pages: choices on a form, from the domain's one vocabulary, and
//! dates in words.

use crate::domain::vocabulary::Code;

/// `(code, label)` of one choice on a form.
pub type Choice = (&'static str, &'static str);

/// Every code of `T` with its Dutch label, in the order of the code set.
pub fn choices<T: Code>() -> Vec<Choice> {
    T::ALL.iter().map(|c| (c.code(), c.label_nl())).collect()
}

/// A date as the caller is told it: "vrijdag 4 december 2026".
pub fn long_date(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const DAYS: [&str; 7] = [
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
    ];
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    format!(
        "{} {} {} {}",
        DAYS[date.weekday().num_days_from_monday() as usize],
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// A number with its noun in agreement: "1 werkdag", "3 werkdagen".
pub fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
