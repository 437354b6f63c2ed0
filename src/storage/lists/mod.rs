//! Lists of requests: what a list asks (filters, where open requests stand, the
//! order), how many match, and one page of them. How a page is read — which index,
//! which plan — is [`plans`].

mod plans;

use chrono::NaiveDate;
use diesel::prelude::*;
use uuid::Uuid;

use super::requests::RequestRecord;
use super::schema::requester_keys;
use super::{DbConnection, StorageError};
use crate::domain::intake::fold;
use crate::domain::kind::KindCode;
use crate::domain::request::Status;
use crate::domain::team::TeamCode;

/// Filters of the list endpoint; every one is optional.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub statuses: Vec<Status>,
    pub kinds: Vec<KindCode>,
    pub teams: Vec<TeamCode>,
    pub assignee: Option<Uuid>,
    /// With the day that counts as today.
    pub overdue_on: Option<NaiveDate>,
    /// The deadline still to meet lies before this date.
    pub due_before: Option<NaiveDate>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    pub reference: Option<String>,
    /// The start of the requester's or the client's name or of a word in it (case
    /// and accents ignored), or the client reference (case ignored).
    pub q: Option<String>,
    /// The caller's sight: only these teams' requests (`None`: all).
    pub visible_teams: Option<Vec<TeamCode>>,
    /// Only the open requests that stand this way, as the dashboard counts them.
    pub standing: Option<ListStanding>,
    /// Assigned to this user, or open without an active assignee (to take on).
    pub mine_or_unassigned: Option<Uuid>,
    pub sort: Sort,
}

/// Where open requests stand, as the dashboard's tiles count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStanding {
    Open,
    /// Not paused, the deadline still to meet from `from` (today) to `until`.
    DueSoon {
        from: NaiveDate,
        until: NaiveDate,
    },
    /// Past the legal limit on `today` (frozen while paused).
    PastLegalLimit {
        today: NaiveDate,
    },
    /// Without an assignee, or held by a deactivated user.
    Unassigned,
}

/// The order of a list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortKey {
    #[default]
    ReceivedOn,
    Reference,
    ResponseDue,
    ExecutionDue,
    LegalDue,
    /// The deadline still to meet; closed requests last.
    OpenDue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            key: SortKey::ReceivedOn,
            descending: true,
        }
    }
}

impl Sort {
    pub const KEYS: [&'static str; 6] = [
        "received_on",
        "reference",
        "response_due",
        "execution_due",
        "legal_due",
        "open_due",
    ];

    /// `received_on`, `-received_on` (descending), `open_due`, …
    pub fn parse(value: &str) -> Option<Sort> {
        let (descending, name) = match value.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, value),
        };
        let key = match name {
            "received_on" => SortKey::ReceivedOn,
            "reference" => SortKey::Reference,
            "response_due" => SortKey::ResponseDue,
            "execution_due" => SortKey::ExecutionDue,
            "legal_due" => SortKey::LegalDue,
            "open_due" => SortKey::OpenDue,
            _ => return None,
        };
        Some(Sort { key, descending })
    }
}

/// How a search by name reaches its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Search {
    /// From the name keys: one range scan of the keys, then each request by primary
    /// key — for a name that few requests share, and for counting.
    FromKeys,
    /// In the order of the list: walk the requests as the sort's index delivers them
    /// and keep those with a matching key (a look-up per request in the keys' index
    /// by request) until the page is full — for a name so common that fetching and
    /// sorting every match would cost more.
    InListOrder,
}

/// Above this many matching name keys, a page is read in list order.
const COMMON_NAME_KEYS: i64 = 2_000;
/// In the order of receipt the keys carry the sort key themselves (the page is bounded
/// by the date read from them, `plans::bounded_by_keys`): reading a range of keys
/// this long costs a few milliseconds, less than a walk through every team's requests.
const COMMON_NAME_KEYS_BY_RECEIPT: i64 = 20_000;

/// The key range `q` searches: every key that starts with its folded form sorts from
/// it to it + the last code point (by byte order on both databases: BINARY in SQLite,
/// `COLLATE "C"` in PostgreSQL).
fn key_range(q: &str) -> (String, String) {
    let key = fold(q);
    if key.is_empty() {
        // Nothing to look for by name: a range that holds nothing.
        (String::from("\u{10FFFF}"), String::new())
    } else {
        (key.clone(), format!("{key}\u{10FFFF}"))
    }
}

/// How to read a page of `filter`'s matches: in list order only for a common name and
/// no filter beyond the teams (a rarer filter would make the walk long).
fn page_search(conn: &mut DbConnection, filter: &ListFilter) -> Result<Search, StorageError> {
    let Some(q) = &filter.q else {
        return Ok(Search::FromKeys);
    };
    let only_teams = filter.statuses.is_empty()
        && filter.kinds.is_empty()
        && filter.assignee.is_none()
        && filter.overdue_on.is_none()
        && filter.due_before.is_none()
        && filter.received_from.is_none()
        && filter.received_to.is_none()
        && filter.reference.is_none()
        && filter.standing.is_none()
        && filter.mine_or_unassigned.is_none();
    if !only_teams {
        return Ok(Search::FromKeys);
    }
    let (from, to) = key_range(q);
    let common = if filter.sort.key == SortKey::ReceivedOn {
        COMMON_NAME_KEYS_BY_RECEIPT
    } else {
        COMMON_NAME_KEYS
    };
    // From the keys' own index: is there a key past the threshold? (One row at most
    // is read back, not every key up to it.)
    let beyond = requester_keys::table
        .filter(requester_keys::key.ge(from))
        .filter(requester_keys::key.lt(to))
        .select(diesel::dsl::sql::<diesel::sql_types::Integer>("1"))
        .offset(common)
        .limit(1)
        .load::<i32>(conn)?;
    Ok(if !beyond.is_empty() {
        Search::InListOrder
    } else {
        Search::FromKeys
    })
}

/// Lists count their matches exactly up to this many; past it they say "at least"
/// (counting a million rows takes PostgreSQL 50 ms and more, on every page).
pub const COUNT_LIMIT: i64 = 10_000;

/// The number of matches of a list: exact up to [`COUNT_LIMIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub count: i64,
    pub exact: bool,
}

/// One page of matching requests in the requested order, and the number of matches
/// (the plan: [`plans`]).
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    page: i64,
    per_page: i64,
) -> Result<(Vec<RequestRecord>, Total), StorageError> {
    let offset = (page - 1) * per_page;
    let search = page_search(conn, filter)?;
    let (seen, records) = plans::list(conn, filter, search, offset, per_page)?;
    let total = Total {
        count: seen.min(COUNT_LIMIT),
        exact: seen <= COUNT_LIMIT,
    };
    Ok((records, total))
}
