//! Deadline arithmetic as the law counts it (Regulation 1182/71, as applied by the
//! EDPB Guidelines 01/2022 par. 159-161, and the Algemene termijnenwet):
//!
//! 1. the day of receipt is not counted: N days end on receipt + N days; N months end
//!    on the same day number N months later, or on that month's last day;
//! 2. calendar days spent waiting for the requester are added;
//! 3. an end on a Saturday, Sunday or holiday moves to the next working day.

use std::fmt;

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

use super::calendar::Calendar;
use super::kind::KindCode;
use super::Invalid;

/// A period counted from the day of receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Days(u32),
    Months(u32),
}

impl Period {
    /// `14d`, `4w` (= 28 days) or `1m`.
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let value = value.trim();
        let invalid = || {
            Invalid::new(
                format!("'{value}' is not a period (e.g. 14d, 4w or 1m)"),
                format!("'{value}' is geen termijn (bijvoorbeeld 14d, 4w of 1m)"),
            )
        };
        let (number, unit) = value.split_at(value.len().saturating_sub(1));
        let n: u32 = number.parse().map_err(|_| invalid())?;
        if n == 0 || n > 3660 {
            return Err(invalid());
        }
        match unit {
            "d" => Ok(Period::Days(n)),
            "w" => Ok(Period::Days(n * 7)),
            "m" if n <= 120 => Ok(Period::Months(n)),
            _ => Err(invalid()),
        }
    }

    /// The last day of the period before rolling to a working day.
    pub fn raw_end(self, received: NaiveDate) -> NaiveDate {
        match self {
            Period::Days(n) => received + Days::new(n.into()),
            // chrono clamps to the last day of the month (31 Jan + 1 month = 28/29 Feb).
            Period::Months(n) => received + Months::new(n),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Days(n) => write!(f, "{n}d"),
            Period::Months(n) => write!(f, "{n}m"),
        }
    }
}

/// The deadline of a period: raw end, plus paused days, rolled to a working day.
pub fn deadline(received: NaiveDate, period: Period, paused_days: u32, calendar: Calendar) -> NaiveDate {
    let end = period.raw_end(received) + Days::new(paused_days.into());
    calendar.next_working_day_from(end)
}

/// The periods that apply to one kind of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindPeriods {
    /// Tell the requester whether (and how far) the request is granted.
    pub response: Period,
    /// Carry the request out.
    pub execution: Period,
    /// The legal limit of AVG 12(3).
    pub legal: Period,
    /// The legal limit after an extension.
    pub extended: Period,
}

impl Default for KindPeriods {
    fn default() -> Self {
        KindPeriods {
            response: Period::Days(14),
            execution: Period::Days(28),
            legal: Period::Months(1),
            extended: Period::Months(3),
        }
    }
}

/// Periods per kind, from configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Periods {
    per_kind: [KindPeriods; 6],
}

impl Periods {
    pub fn for_kind(&self, kind: KindCode) -> KindPeriods {
        self.per_kind[kind as usize]
    }

    pub fn set(&mut self, kind: KindCode, periods: KindPeriods) {
        self.per_kind[kind as usize] = periods;
    }
}

/// The deadlines of a request, with paused days and any extension applied (local
/// dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Deadlines {
    /// Answer whether the request will be carried out.
    pub response: NaiveDate,
    /// Carry it out.
    pub execution: NaiveDate,
    /// The legal limit: one month after receipt, or three with an extension.
    pub legal: NaiveDate,
}

/// What the deadlines of one request depend on — and nothing else: they are
/// recomputed from these facts every time, never by adding to a stored date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineFacts {
    pub received_on: NaiveDate,
    pub paused_days: u32,
    pub extended: bool,
    /// The execution date the organisation set when extending (at most the extended
    /// legal limit); without it the execution deadline moves to that limit.
    pub extended_until: Option<NaiveDate>,
}

pub fn request_deadlines(facts: DeadlineFacts, periods: KindPeriods, calendar: Calendar) -> Deadlines {
    let at = |period| deadline(facts.received_on, period, facts.paused_days, calendar);
    let first_month = at(periods.legal);
    if facts.extended {
        let legal = at(periods.extended);
        let execution = match facts.extended_until {
            Some(until) => calendar.next_working_day_from(until).min(legal),
            None => legal,
        };
        Deadlines {
            response: at(periods.response).min(first_month),
            execution: execution.max(at(periods.execution).min(first_month)),
            legal,
        }
    } else {
        Deadlines {
            response: at(periods.response).min(first_month),
            execution: at(periods.execution).min(first_month),
            legal: first_month,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_worked_examples_of_the_specification() {
        let cases = [
            ("2026-03-05", Period::Months(1), 0, "2026-04-07"),
            ("2026-08-31", Period::Months(1), 0, "2026-09-30"),
            ("2024-01-31", Period::Months(1), 0, "2024-02-29"),
            ("2026-05-11", Period::Days(14), 0, "2026-05-26"),
            ("2026-12-04", Period::Days(28), 0, "2027-01-04"),
            ("2026-03-05", Period::Months(1), 4, "2026-04-09"),
        ];
        for (received, period, paused, expected) in cases {
            assert_eq!(
                deadline(date(received), period, paused, Calendar::GdprNl),
                date(expected),
                "{received} + {period} + {paused}"
            );
        }
    }

    #[test]
    fn atw_differs_where_good_friday_or_a_decree_day_falls() {
        // (received, days, under the GDPR's count, under the Algemene termijnenwet)
        let cases = [
            // + 28 days = Friday 3 April 2026, Good Friday.
            ("2026-03-06", 28, "2026-04-03", "2026-04-07"),
            // + 14 days = Friday 15 May 2026, a decree day.
            ("2026-05-01", 14, "2026-05-15", "2026-05-18"),
        ];
        for (received, days, gdpr, atw) in cases {
            let due = |calendar| deadline(date(received), Period::Days(days), 0, calendar);
            assert_eq!(due(Calendar::GdprNl), date(gdpr), "{received} + {days} days");
            assert_eq!(due(Calendar::Atw), date(atw), "{received} + {days} days (Atw)");
        }
    }

    #[test]
    fn periods_parse() {
        assert_eq!(Period::parse("14d").unwrap(), Period::Days(14));
        assert_eq!(Period::parse("4w").unwrap(), Period::Days(28));
        assert_eq!(Period::parse("3m").unwrap(), Period::Months(3));
        for bad in ["", "d", "0d", "14", "14x", "-1d", "1.5m"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_extension_moves_execution_to_the_three_month_limit_or_the_chosen_date() {
        let facts = DeadlineFacts {
            received_on: date("2026-03-05"),
            paused_days: 0,
            extended: false,
            extended_until: None,
        };
        let plain = request_deadlines(facts, KindPeriods::default(), Calendar::GdprNl);
        assert_eq!(plain.response, date("2026-03-19"));
        assert_eq!(plain.execution, date("2026-04-02"));
        assert_eq!(plain.legal, date("2026-04-07"));
        let extended = request_deadlines(
            DeadlineFacts {
                extended: true,
                ..facts
            },
            KindPeriods::default(),
            Calendar::GdprNl,
        );
        assert_eq!(extended.response, plain.response);
        assert_eq!(extended.legal, date("2026-06-05"));
        assert_eq!(extended.execution, date("2026-06-05"));
        let until = request_deadlines(
            DeadlineFacts {
                extended: true,
                extended_until: Some(date("2026-05-02")),
                ..facts
            },
            KindPeriods::default(),
            Calendar::GdprNl,
        );
        assert_eq!(
            until.execution,
            date("2026-05-04"),
            "Saturday 2 May rolls to Monday"
        );
    }

    /// A small deterministic generator, so the properties need no extra crate.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, bound: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % bound
        }
    }

    #[test]
    fn properties_over_many_receipt_dates() {
        let mut rng = Lcg(20261125);
        let start = date("2018-05-25");
        for _ in 0..20_000 {
            let received = start + Days::new(rng.next(365 * 12));
            let paused = rng.next(60) as u32;
            let calendar = if rng.next(2) == 0 {
                Calendar::GdprNl
            } else {
                Calendar::Atw
            };
            let period = if rng.next(2) == 0 {
                Period::Days(1 + rng.next(120) as u32)
            } else {
                Period::Months(1 + rng.next(6) as u32)
            };
            let due = deadline(received, period, paused, calendar);
            assert!(
                calendar.is_working_day(due),
                "{received} {period} {paused}: {due}"
            );
            let raw = period.raw_end(received) + Days::new(paused.into());
            assert!(due >= raw, "{due} before raw end {raw}");
            assert!((due - raw).num_days() <= 5, "{due} rolled too far from {raw}");
            let d28 = deadline(received, Period::Days(28), paused, calendar);
            let m1 = deadline(received, Period::Months(1), paused, calendar);
            assert!(d28 <= m1, "28 days {d28} after one month {m1} for {received}");
            let facts = DeadlineFacts {
                received_on: received,
                paused_days: paused,
                extended: rng.next(2) == 0,
                extended_until: None,
            };
            let all = request_deadlines(facts, KindPeriods::default(), calendar);
            assert!(
                all.response <= all.execution && all.execution <= all.legal,
                "{all:?}"
            );
        }
    }

    /// Properties that hold for every day of receipt, period, pause and calendar, not
    /// only for the worked examples.
    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn a_day() -> impl Strategy<Value = NaiveDate> {
            (0u64..365 * 40).prop_map(|n| NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + Days::new(n))
        }

        fn a_period() -> impl Strategy<Value = Period> {
            prop_oneof![
                (1u32..=120).prop_map(Period::Days),
                (1u32..=6).prop_map(Period::Months)
            ]
        }

        fn a_calendar() -> impl Strategy<Value = Calendar> {
            prop_oneof![Just(Calendar::GdprNl), Just(Calendar::Atw)]
        }

        proptest! {
            // A failing case is shown in the test's output; nothing is written to disk.
            #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn a_deadline_is_the_first_working_day_on_or_after_the_periods_end(
                received in a_day(), period in a_period(), paused in 0u32..90, calendar in a_calendar(),
            ) {
                let end = period.raw_end(received) + Days::new(paused.into());
                let due = deadline(received, period, paused, calendar);
                prop_assert!(calendar.is_working_day(due));
                prop_assert!(due >= end);
                let mut day = end;
                while day < due {
                    prop_assert!(!calendar.is_working_day(day), "{day} is a working day before {due}");
                    day = day.succ_opt().unwrap();
                }
            }

            #[test]
            fn a_longer_pause_or_a_later_receipt_never_brings_a_deadline_forward(
                received in a_day(), later in 0u64..60, period in a_period(),
                paused in 0u32..90, more in 0u32..90, calendar in a_calendar(),
            ) {
                let due = deadline(received, period, paused, calendar);
                prop_assert!(deadline(received, period, paused + more, calendar) >= due);
                prop_assert!(deadline(received + Days::new(later), period, paused, calendar) >= due);
            }

            #[test]
            fn a_requests_deadlines_keep_their_order_and_an_extension_only_adds_time(
                received in a_day(), paused in 0u32..90, until in proptest::option::of(0u64..150),
                calendar in a_calendar(),
            ) {
                let periods = KindPeriods::default();
                let facts = DeadlineFacts {
                    received_on: received,
                    paused_days: paused,
                    extended: false,
                    extended_until: None,
                };
                let plain = request_deadlines(facts, periods, calendar);
                let extended = request_deadlines(
                    DeadlineFacts {
                        extended: true,
                        extended_until: until.map(|d| received + Days::new(d)),
                        ..facts
                    },
                    periods,
                    calendar,
                );
                for d in [plain, extended] {
                    prop_assert!(d.response <= d.execution && d.execution <= d.legal, "{d:?}");
                }
                prop_assert_eq!(extended.response, plain.response);
                prop_assert!(extended.execution >= plain.execution);
                prop_assert!(extended.legal >= plain.legal);
            }

            #[test]
            fn working_days_counted_forward_and_back_meet(
                from in a_day(), n in 0u32..60, calendar in a_calendar(),
            ) {
                let start = calendar.next_working_day_from(from);
                let ahead = calendar.add_working_days(start, n);
                prop_assert_eq!(calendar.working_days_between(start, ahead), n);
                prop_assert_eq!(calendar.sub_working_days(ahead, n), start);
            }
        }
    }
}
