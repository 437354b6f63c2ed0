//! The one place outside `main` that reads the system clock. The domain never does:
//! it receives `now` as a parameter.

use chrono::{DateTime, SubsecRound, Utc};

/// The current instant, truncated to microseconds so that SQLite and PostgreSQL store
/// and return the same value.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
