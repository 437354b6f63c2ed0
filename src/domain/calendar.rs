//! Working days in the Netherlands, for rolling a deadline past a weekend or holiday.
//!
//! `gdpr-nl` holds the public holidays of the Algemene termijnenwet art. 3(1); `atw`
//! adds Good Friday and the days that are equated with them by decree (art. 3(3)). The
//! decree days are data, one entry per decree — never derived by a rule.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;

use super::code_enum;

code_enum! {
    /// Which days count as holidays when a deadline moves to the next working day.
    pub enum Calendar ("calendar") {
        /// The public holidays of the Algemene termijnenwet, 5 May every year.
        GdprNl = ("gdpr-nl", "Feestdagen (AVG-termijnen)", "Public holidays (GDPR deadlines)"),
        /// As `gdpr-nl`, plus Good Friday and the days equated by decree (Atw art. 3(3)).
        Atw = ("atw", "Algemene termijnenwet", "General Time Limits Act"),
    }
}

/// A non-working day other than Saturday or Sunday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name_nl: &'static str,
    pub name_en: &'static str,
}

/// Years for which the calendar is defined. King's Day exists since 2014; GDPR
/// requests exist since 2018.
pub const FIRST_YEAR: i32 = 2014;
pub const LAST_YEAR: i32 = 2199;

/// Days equated with public holidays by decree under Atw art. 3(3), as published.
/// Years after the last entry have none until a decree is added here.
const DECREE_DAYS: &[(i32, u32, u32)] = &[
    (2017, 4, 28),
    (2017, 5, 26),
    (2018, 5, 11),
    (2018, 12, 24),
    (2018, 12, 31),
    (2019, 5, 31),
    (2019, 12, 27),
    (2023, 4, 28),
    (2023, 5, 19),
    (2024, 5, 10),
    (2024, 12, 27),
    (2025, 5, 30),
    (2026, 1, 2),
    (2026, 5, 15),
    (2027, 5, 7),
    (2028, 4, 28),
    (2028, 5, 26),
];

impl Calendar {
    /// The holidays of `year` in date order (weekends are not listed).
    pub fn holidays(self, year: i32) -> Vec<Holiday> {
        let easter = easter_sunday(year);
        let day = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("valid fixed date");
        let kings_day = if day(4, 27).weekday() == Weekday::Sun {
            day(4, 26)
        } else {
            day(4, 27)
        };
        let mut days = vec![
            Holiday {
                date: day(1, 1),
                name_nl: "Nieuwjaarsdag",
                name_en: "New Year's Day",
            },
            Holiday {
                date: easter + Days::new(1),
                name_nl: "Tweede paasdag",
                name_en: "Easter Monday",
            },
            Holiday {
                date: kings_day,
                name_nl: "Koningsdag",
                name_en: "King's Day",
            },
            Holiday {
                date: day(5, 5),
                name_nl: "Bevrijdingsdag",
                name_en: "Liberation Day",
            },
            Holiday {
                date: easter + Days::new(39),
                name_nl: "Hemelvaartsdag",
                name_en: "Ascension Day",
            },
            Holiday {
                date: easter + Days::new(50),
                name_nl: "Tweede pinksterdag",
                name_en: "Whit Monday",
            },
            Holiday {
                date: day(12, 25),
                name_nl: "Eerste kerstdag",
                name_en: "Christmas Day",
            },
            Holiday {
                date: day(12, 26),
                name_nl: "Tweede kerstdag",
                name_en: "Boxing Day",
            },
        ];
        if self == Calendar::Atw {
            days.push(Holiday {
                date: easter - Days::new(2),
                name_nl: "Goede Vrijdag",
                name_en: "Good Friday",
            });
            for &(y, m, d) in DECREE_DAYS.iter().filter(|(y, _, _)| *y == year) {
                days.push(Holiday {
                    date: NaiveDate::from_ymd_opt(y, m, d).expect("valid decree date"),
                    name_nl: "Bij besluit gelijkgestelde dag (artikel 3, lid 3, Atw)",
                    name_en: "Day equated by decree (Atw art. 3(3))",
                });
            }
        }
        days.sort_by_key(|h| h.date);
        days.dedup_by_key(|h| h.date);
        days
    }

    pub fn is_holiday(self, date: NaiveDate) -> bool {
        let (y, m, d) = (date.year(), date.month(), date.day());
        let fixed = matches!((m, d), (1, 1) | (5, 5) | (12, 25) | (12, 26));
        let kings_day = (m, d) == (4, 27) && date.weekday() != Weekday::Sun
            || (m, d) == (4, 26) && date.weekday() == Weekday::Sat;
        if fixed || kings_day {
            return true;
        }
        let easter = easter_sunday(y);
        let offset = (date - easter).num_days();
        if matches!(offset, 1 | 39 | 50) {
            return true;
        }
        self == Calendar::Atw && (offset == -2 || DECREE_DAYS.contains(&(y, m, d)))
    }

    pub fn is_working_day(self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(date)
    }

    /// `date` itself when it is a working day, otherwise the next one.
    pub fn next_working_day_from(self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        while !self.is_working_day(day) {
            day = day.succ_opt().expect("date in range");
        }
        day
    }

    /// The working day `n` working days after `date` (n = 0: `date` rolled forward).
    pub fn add_working_days(self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut day = self.next_working_day_from(date);
        for _ in 0..n {
            day = self.next_working_day_from(day.succ_opt().expect("date in range"));
        }
        day
    }

    /// Working days from `a` to `b`, either way round: the days after the earlier one,
    /// up to and including the later one, that are working days.
    pub fn working_days_between(self, a: NaiveDate, b: NaiveDate) -> u32 {
        let (from, to) = if a <= b { (a, b) } else { (b, a) };
        let mut days = 0;
        let mut day = from;
        while day < to {
            day = day.succ_opt().expect("date in range");
            if self.is_working_day(day) {
                days += 1;
            }
        }
        days
    }

    /// The working day `n` working days before `date` (for "due in 3 working days").
    pub fn sub_working_days(self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut day = date;
        let mut left = n;
        while left > 0 {
            day = day.pred_opt().expect("date in range");
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }
}

/// Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm,
/// Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a valid date")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn easter_sundays_from_the_almanac() {
        for (year, expected) in [
            (2018, "2018-04-01"),
            (2019, "2019-04-21"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2028, "2028-04-16"),
            (2038, "2038-04-25"),
        ] {
            assert_eq!(easter_sunday(year), date(expected), "{year}");
        }
    }

    #[test]
    fn dutch_holidays_2026() {
        let names: Vec<_> = Calendar::GdprNl
            .holidays(2026)
            .iter()
            .map(|h| (h.date.to_string(), h.name_nl))
            .collect();
        assert_eq!(
            names,
            [
                ("2026-01-01".to_string(), "Nieuwjaarsdag"),
                ("2026-04-06".to_string(), "Tweede paasdag"),
                ("2026-04-27".to_string(), "Koningsdag"),
                ("2026-05-05".to_string(), "Bevrijdingsdag"),
                ("2026-05-14".to_string(), "Hemelvaartsdag"),
                ("2026-05-25".to_string(), "Tweede pinksterdag"),
                ("2026-12-25".to_string(), "Eerste kerstdag"),
                ("2026-12-26".to_string(), "Tweede kerstdag"),
            ]
        );
    }

    #[test]
    fn kings_day_moves_to_saturday_when_the_27th_is_a_sunday() {
        // 27 April 2025 and 2031 are Sundays.
        assert!(Calendar::GdprNl.is_holiday(date("2025-04-26")));
        assert!(!Calendar::GdprNl.is_holiday(date("2025-04-27")));
        assert!(Calendar::GdprNl.is_holiday(date("2031-04-26")));
        assert!(!Calendar::GdprNl.is_holiday(date("2026-04-26")));
    }

    #[test]
    fn atw_adds_good_friday_and_decree_days() {
        for day in [
            "2026-04-03",
            "2026-01-02",
            "2026-05-15",
            "2027-05-07",
            "2028-04-28",
            "2028-05-26",
        ] {
            assert!(Calendar::Atw.is_holiday(date(day)), "{day}");
            assert!(!Calendar::GdprNl.is_holiday(date(day)), "{day}");
        }
        assert_eq!(Calendar::Atw.holidays(2026).len(), 11);
        assert_eq!(Calendar::Atw.holidays(2029).len(), 9, "no decree known for 2029");
    }

    #[test]
    fn holidays_list_and_predicate_agree_for_every_day() {
        for calendar in [Calendar::GdprNl, Calendar::Atw] {
            for year in 2017..=2030 {
                let listed: Vec<_> = calendar.holidays(year).into_iter().map(|h| h.date).collect();
                let mut day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
                while day.year() == year {
                    assert_eq!(
                        calendar.is_holiday(day),
                        listed.contains(&day),
                        "{calendar:?} {day}"
                    );
                    day = day.succ_opt().unwrap();
                }
            }
        }
    }

    #[test]
    fn working_day_arithmetic() {
        let cal = Calendar::GdprNl;
        // Friday 2026-12-24 + 1 working day skips Christmas and the weekend.
        assert_eq!(cal.add_working_days(date("2026-12-24"), 1), date("2026-12-28"));
        assert_eq!(cal.sub_working_days(date("2026-12-28"), 1), date("2026-12-24"));
        assert_eq!(cal.sub_working_days(date("2026-05-26"), 3), date("2026-05-20"));
        assert_eq!(cal.next_working_day_from(date("2026-04-04")), date("2026-04-07"));
    }
}
