//! The rules of the legal clock: the calendar, the periods per kind, the reminders,
//! the time zone, how long personal data is kept, and how often the sweep runs.

use chrono_tz::Tz;

use super::{ConfigError, Vars};
use crate::domain::calendar::Calendar;
use crate::domain::deadlines::{KindPeriods, Period, Periods};
use crate::domain::kind::KindCode;
use crate::domain::reminders::ReminderRules;

/// How deadlines are counted and reminded of.
#[derive(Debug, Clone)]
pub struct RuleSettings {
    /// `AVG_LOKET_CALENDAR`.
    pub calendar: Calendar,
    /// `AVG_LOKET_{RESPONSE,EXECUTION,LEGAL,EXTENDED}_PERIOD[_KIND]`.
    pub periods: Periods,
    /// `AVG_LOKET_REMINDER_*`, `AVG_LOKET_ESCALATION_DAYS`, `AVG_LOKET_UNASSIGNED_DAYS`.
    pub reminders: ReminderRules,
    /// `AVG_LOKET_TIMEZONE`: dates are local to it.
    pub timezone: Tz,
    /// How long after closing a request's personal data is kept
    /// (`AVG_LOKET_RETENTION_PERIOD`).
    pub retention: Period,
    /// How often `serve` runs the reminder sweep and the delivery worker
    /// (`AVG_LOKET_SWEEP_INTERVAL_SECONDS`).
    pub sweep_interval: std::time::Duration,
    /// How many working days before a request's execution deadline its tasks in the
    /// systems are due (`AVG_LOKET_TASK_MARGIN_DAYS`).
    pub task_margin_days: u32,
}

impl RuleSettings {
    pub(super) fn read(vars: &mut Vars<'_>) -> Result<Self, ConfigError> {
        let calendar = vars.parse("AVG_LOKET_CALENDAR", "gdpr-nl", |v| {
            Calendar::parse(v.trim()).map_err(|e| e.0.en)
        })?;
        let periods = parse_periods(&mut |name: &str, default: &str| vars.get(name, default))?;
        let reminders = ReminderRules {
            hour: vars.number("AVG_LOKET_REMINDER_HOUR", "8", 0, 23)?,
            due_soon_working_days: vars.number("AVG_LOKET_REMINDER_DAYS_BEFORE", "3", 0, 20)?,
            escalate_after_working_days: vars.number("AVG_LOKET_ESCALATION_DAYS", "5", 1, 60)?,
            repeat_every_days: vars.number("AVG_LOKET_REMINDER_REPEAT_DAYS", "7", 1, 60)?,
            unassigned_after_working_days: vars.number("AVG_LOKET_UNASSIGNED_DAYS", "1", 1, 20)?,
        };
        let sweep_interval = std::time::Duration::from_secs(u64::from(vars.number(
            "AVG_LOKET_SWEEP_INTERVAL_SECONDS",
            "60",
            1,
            3600,
        )?));
        let retention = vars.parse("AVG_LOKET_RETENTION_PERIOD", "24m", |v| {
            Period::parse(v).map_err(|e| e.0.en)
        })?;
        let timezone = vars.parse("AVG_LOKET_TIMEZONE", "Europe/Amsterdam", |v| {
            v.trim()
                .parse::<Tz>()
                .map_err(|_| format!("'{v}' is not an IANA time zone (e.g. Europe/Amsterdam)"))
        })?;
        let task_margin_days = vars.number("AVG_LOKET_TASK_MARGIN_DAYS", "5", 0, 15)?;
        Ok(RuleSettings {
            task_margin_days,
            calendar,
            periods,
            reminders,
            timezone,
            retention,
            sweep_interval,
        })
    }
}

/// `AVG_LOKET_{RESPONSE,EXECUTION,LEGAL,EXTENDED}_PERIOD` for every kind, and the same
/// with a `_{KIND}` suffix (e.g. `AVG_LOKET_RESPONSE_PERIOD_ERASURE=7d`) for one kind.
fn parse_periods(get: &mut impl FnMut(&str, &str) -> String) -> Result<Periods, ConfigError> {
    let defaults = KindPeriods::default();
    let mut period = |name: String, default: Period| -> Result<Period, ConfigError> {
        let value = get(&name, &default.to_string());
        Period::parse(&value).map_err(|e| ConfigError::new(&name, e.0.en))
    };
    let base = KindPeriods {
        response: period("AVG_LOKET_RESPONSE_PERIOD".into(), defaults.response)?,
        execution: period("AVG_LOKET_EXECUTION_PERIOD".into(), defaults.execution)?,
        legal: period("AVG_LOKET_LEGAL_PERIOD".into(), defaults.legal)?,
        extended: period("AVG_LOKET_EXTENDED_PERIOD".into(), defaults.extended)?,
    };
    let mut periods = Periods::default();
    for kind in KindCode::ALL {
        let suffix = kind.code().to_uppercase();
        let own = KindPeriods {
            response: period(format!("AVG_LOKET_RESPONSE_PERIOD_{suffix}"), base.response)?,
            execution: period(format!("AVG_LOKET_EXECUTION_PERIOD_{suffix}"), base.execution)?,
            legal: period(format!("AVG_LOKET_LEGAL_PERIOD_{suffix}"), base.legal)?,
            extended: period(format!("AVG_LOKET_EXTENDED_PERIOD_{suffix}"), base.extended)?,
        };
        periods.set(*kind, own);
    }
    Ok(periods)
}
