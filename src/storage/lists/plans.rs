//! How a list of requests is read, whatever its filters and order: a plan chosen per
//! question, so that no combination of filters and sort reads the register row by row
//! (docs/performance.md, "Lists by design").
//!
//! - **Where the matches are looked for** ([`Reach`]): a list that only concerns open
//!   requests (overdue, due before a date, a dashboard standing, open statuses only)
//!   reads the covering index over the open requests — a few ten thousand entries,
//!   every filtered and sorted column in it. A search by name starts from the name
//!   keys, a reference from its unique index, an assignee from theirs. Every other
//!   list reads the covering index by team, status, kind and date of receipt, naming
//!   every team, status and kind it accepts (all of them when it has no such filter),
//!   so the filters are one exact range per team, status and kind, and the rest is
//!   checked in the index without reading a row.
//! - **A search by name in the order of receipt** reads the date of the page's last
//!   match from the keys, which carry it, and looks up only the requests from that
//!   date on ([`bounded_by_keys`]).
//! - **Counting** stops at [`COUNT_LIMIT`] + 1 matches.
//! - **A page** of at most [`COUNT_LIMIT`] matches is taken from the same index and
//!   sorted (at most ten thousand short entries). A page of a larger list is read in
//!   the sort's own order from the index that delivers it (every sort has one, the
//!   unique reference breaking ties), checking the filters until the page is full:
//!   with more than ten thousand matches, one in a hundred requests or more matches.
//!
//! SQLite is told which index to use (`INDEXED BY`, or a unary `+` that keeps a
//! filter from choosing one); PostgreSQL's planner, with its statistics, gets the
//! same query without hints.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{key_range, ListFilter, ListStanding, Search, Sort, SortKey, COUNT_LIMIT};
use crate::domain::ids::RequestId;
use crate::domain::intake::client_key;
use crate::domain::kind::KindCode;
use crate::domain::request::Status;
use crate::storage::requests::RequestRecord;
use crate::storage::schema::requests;
use crate::storage::sql::RawSql;
use crate::storage::{DbConnection, StorageError};

/// Where a list's matches are looked for first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reach {
    /// One reference: its unique index.
    Reference,
    /// A name or client reference: the name keys.
    Search(Search),
    /// Open requests only: `requests_open_list_idx`.
    Open,
    /// An assignee's requests: `requests_assignee_idx`.
    Assignee,
    /// Any other: `requests_list_idx` (team, status, kind, date of receipt).
    History,
}

impl Reach {
    pub(super) fn of(filter: &ListFilter, search: Search) -> Reach {
        if filter.reference.is_some() {
            Reach::Reference
        } else if filter.q.is_some() {
            Reach::Search(search)
        } else if only_open(filter) {
            Reach::Open
        } else if filter.assignee.is_some() {
            Reach::Assignee
        } else {
            Reach::History
        }
    }

    /// The index SQLite is told to use for the filters (none: its own choice).
    fn index(self) -> Option<&'static str> {
        match self {
            Reach::Reference | Reach::Search(_) => None,
            Reach::Open => Some("requests_open_list_idx"),
            Reach::Assignee => Some("requests_assignee_idx"),
            Reach::History => Some("requests_list_idx"),
        }
    }
}

/// Does the filter match open requests only?
fn only_open(filter: &ListFilter) -> bool {
    filter.overdue_on.is_some()
        || filter.due_before.is_some()
        || filter.standing.is_some()
        || (!filter.statuses.is_empty() && filter.statuses.iter().all(|s| !s.is_terminal()))
}

#[derive(Debug, Clone)]
enum Value {
    Text(String),
    Date(NaiveDate),
}

/// How the filters are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// For the reach's index: every status and kind named.
    Reach,
    /// For a walk in sort order: on SQLite a `+` before each filtered column, so no
    /// filter takes the place of the sort's index.
    Walk,
    /// A walk by reference within one team, over `requests_team_reference_idx`
    /// (migration 000020): the team is the index's first column, so it stays a range.
    WalkInTeam,
}

/// A `WHERE` clause and its parameters, in order.
#[derive(Debug, Default)]
struct Clauses {
    parts: Vec<String>,
    values: Vec<Value>,
}

impl Clauses {
    fn push(&mut self, sql: impl Into<String>, values: impl IntoIterator<Item = Value>) {
        self.parts.push(sql.into());
        self.values.extend(values);
    }

    fn one_of(&mut self, column: &str, codes: Vec<String>) {
        let marks = vec!["?"; codes.len()].join(", ");
        self.push(
            format!("{column} IN ({marks})"),
            codes.into_iter().map(Value::Text),
        );
    }

    fn sql(&self) -> String {
        if self.parts.is_empty() {
            String::from("1 = 1")
        } else {
            self.parts.join(" AND ")
        }
    }

    fn bind(&self, mut raw: RawSql) -> RawSql {
        for value in &self.values {
            raw = match value {
                Value::Text(text) => raw.text(text.clone()),
                Value::Date(date) => raw.date(*date),
            };
        }
        raw
    }
}

/// `sql` with `values` bound in order (for a statement whose parameters come from
/// more than one set of clauses).
fn bound(sql: String, values: Vec<Value>) -> RawSql {
    Clauses {
        parts: Vec::new(),
        values,
    }
    .bind(RawSql::new(sql))
}

/// The filters as SQL, for `reach` and `mode` on this backend.
fn clauses(filter: &ListFilter, reach: Reach, mode: Mode, sqlite: bool, sort: Sort) -> Clauses {
    let walk = matches!(mode, Mode::Walk | Mode::WalkInTeam);
    let plain = walk && sqlite;
    // A column the walk must not choose an index by.
    let col = |name: &str| {
        if plain {
            format!("+{name}")
        } else {
            name.to_string()
        }
    };
    let mut w = Clauses::default();
    let named = mode == Mode::Reach && matches!(reach, Reach::History | Reach::Assignee);
    if !filter.statuses.is_empty() {
        w.one_of(
            &col("status"),
            filter.statuses.iter().map(|s| s.code().to_string()).collect(),
        );
    } else if named {
        w.one_of(
            "status",
            Status::ALL.iter().map(|s| s.code().to_string()).collect(),
        );
    }
    if !filter.kinds.is_empty() {
        w.one_of(
            &col("kind"),
            filter.kinds.iter().map(|k| k.code().to_string()).collect(),
        );
    } else if named {
        w.one_of(
            "kind",
            KindCode::ALL.iter().map(|k| k.code().to_string()).collect(),
        );
    }
    let team = if mode == Mode::WalkInTeam {
        String::from("team")
    } else {
        col("team")
    };
    if !filter.teams.is_empty() {
        w.one_of(
            &team,
            filter.teams.iter().map(|t| t.as_str().to_string()).collect(),
        );
    }
    if let Some(teams) = &filter.visible_teams {
        w.one_of(&team, teams.iter().map(|t| t.as_str().to_string()).collect());
    }
    if let Some(assignee) = &filter.assignee {
        w.push(
            format!("{} = ?", col("assignee")),
            [Value::Text(assignee.to_string())],
        );
    }
    // The open requests are exactly those with an open deadline.
    let open = reach == Reach::Open || filter.overdue_on.is_some() || filter.due_before.is_some();
    if open {
        w.push("open_due IS NOT NULL", []);
    }
    if let Some(today) = filter.overdue_on {
        w.push(crate::storage::sql::OVERDUE, [Value::Date(today)]);
    }
    if let Some(date) = filter.due_before {
        w.push("open_due < ?", [Value::Date(date)]);
    }
    // A walk by the date of receipt keeps its range on the index it walks.
    let received = if sort.key == SortKey::ReceivedOn {
        String::from("received_on")
    } else {
        col("received_on")
    };
    if let Some(date) = filter.received_from {
        w.push(format!("{received} >= ?"), [Value::Date(date)]);
        // Every deadline lies on or after the day of receipt: a walk by a deadline
        // starts there instead of at the register's first request.
        if walk {
            if let Some(column) = deadline_column(sort.key) {
                w.push(format!("{column} >= ?"), [Value::Date(date)]);
            }
        }
    }
    if let Some(date) = filter.received_to {
        w.push(format!("{received} <= ?"), [Value::Date(date)]);
    }
    if let Some(reference) = &filter.reference {
        w.push("reference = ?", [Value::Text(reference.clone())]);
    }
    if let Some(q) = &filter.q {
        let search = match reach {
            Reach::Search(search) => search,
            _ => Search::FromKeys,
        };
        match search {
            Search::FromKeys => {
                // The keys narrowed by the list columns they carry: only the requests
                // that bear the name and pass those filters are looked up.
                let keys = matching_keys(filter, q, "request_id");
                w.push(
                    format!(
                        "id IN ({} UNION SELECT request_id FROM request_details WHERE client_key = ?)",
                        keys.sql
                    ),
                    keys.values.into_iter().chain([Value::Text(client_key(q))]),
                );
            }
            Search::InListOrder => {
                let (from, to) = key_range(q);
                w.push(
                    "(EXISTS (SELECT 1 FROM requester_keys WHERE requester_keys.request_id = requests.id \
                     AND key >= ? AND key < ?) OR id IN (SELECT request_id FROM request_details \
                     WHERE client_key = ?))",
                    [Value::Text(from), Value::Text(to), Value::Text(client_key(q))],
                );
            }
        }
    }
    const INACTIVE: &str = "SELECT id FROM users WHERE NOT active";
    if let Some(standing) = filter.standing {
        if !open {
            w.push("open_due IS NOT NULL", []);
        }
        match standing {
            ListStanding::Open => {}
            ListStanding::DueSoon { from, until } => w.push(
                "suspended_since IS NULL AND open_due >= ? AND open_due <= ?",
                [Value::Date(from), Value::Date(until)],
            ),
            ListStanding::PastLegalLimit { today } => w.push(
                "legal_due < ? AND (suspended_since IS NULL OR legal_due < suspended_since)",
                [Value::Date(today)],
            ),
            ListStanding::Unassigned => w.push(format!("(assignee IS NULL OR assignee IN ({INACTIVE}))"), []),
        }
    }
    if let Some(me) = filter.mine_or_unassigned {
        w.push(
            format!(
                "(assignee = ? OR (open_due IS NOT NULL AND (assignee IS NULL OR assignee IN ({INACTIVE}))))"
            ),
            [Value::Text(me.to_string())],
        );
    }
    w
}

/// A query for the ids of the requests whose name keys match `q` and the filters the
/// keys carry (status, kind, team, date of receipt: migration 000015), read from one
/// range of `requester_keys_list_idx`.
struct KeyQuery {
    sql: String,
    values: Vec<Value>,
}

fn matching_keys(filter: &ListFilter, q: &str, select: &str) -> KeyQuery {
    let (from, to) = key_range(q);
    let mut w = Clauses::default();
    w.push("key >= ? AND key < ?", [Value::Text(from), Value::Text(to)]);
    if !filter.statuses.is_empty() {
        w.one_of(
            "status",
            filter.statuses.iter().map(|s| s.code().to_string()).collect(),
        );
    }
    if !filter.kinds.is_empty() {
        w.one_of(
            "kind",
            filter.kinds.iter().map(|k| k.code().to_string()).collect(),
        );
    }
    if !filter.teams.is_empty() {
        w.one_of(
            "team",
            filter.teams.iter().map(|t| t.as_str().to_string()).collect(),
        );
    }
    if let Some(teams) = &filter.visible_teams {
        w.one_of("team", teams.iter().map(|t| t.as_str().to_string()).collect());
    }
    if let Some(date) = filter.received_from {
        w.push("received_on >= ?", [Value::Date(date)]);
    }
    if let Some(date) = filter.received_to {
        w.push("received_on <= ?", [Value::Date(date)]);
    }
    KeyQuery {
        sql: format!("SELECT {select} FROM requester_keys WHERE {}", w.sql()),
        values: w.values,
    }
}

/// Does a search by name carry every other filter of `filter` in its keys, so that
/// its matches can be counted without reading a request?
fn keys_cover(filter: &ListFilter) -> bool {
    filter.q.is_some()
        && filter.reference.is_none()
        && filter.assignee.is_none()
        && filter.overdue_on.is_none()
        && filter.due_before.is_none()
        && filter.standing.is_none()
        && filter.mine_or_unassigned.is_none()
}

/// The matches of a search by name whose filters the keys carry, up to `cap` + 1:
/// the keys' range, and the one request (if any) with that client reference.
fn count_by_keys(conn: &mut DbConnection, filter: &ListFilter, cap: i64) -> Result<i64, StorageError> {
    let q = filter.q.as_deref().unwrap_or_default();
    let keys = matching_keys(filter, q, "request_id");
    let sqlite = is_sqlite(conn);
    let by_reference = clauses(
        &ListFilter {
            q: None,
            ..filter.clone()
        },
        Reach::Reference,
        Mode::Reach,
        sqlite,
        filter.sort,
    );
    let sql = format!(
        "SELECT count(*) AS n FROM ({} UNION SELECT id FROM {} WHERE {} AND id IN \
         (SELECT request_id FROM request_details WHERE client_key = ?) LIMIT {}) AS matches",
        keys.sql,
        from(None, sqlite),
        by_reference.sql(),
        cap + 1
    );
    let mut values = keys.values;
    values.extend(by_reference.values);
    values.push(Value::Text(client_key(q)));
    let rows: Vec<Counted> = bound(sql, values).load(conn)?;
    Ok(rows.first().map(|row| row.n).unwrap_or(0))
}

/// The column of a deadline sort.
fn deadline_column(key: SortKey) -> Option<&'static str> {
    match key {
        SortKey::ResponseDue => Some("response_due"),
        SortKey::ExecutionDue => Some("execution_due"),
        SortKey::LegalDue => Some("legal_due"),
        SortKey::OpenDue => Some("open_due"),
        SortKey::ReceivedOn | SortKey::Reference => None,
    }
}

fn sort_column(key: SortKey) -> &'static str {
    match key {
        SortKey::ReceivedOn => "received_on",
        SortKey::Reference => "reference",
        SortKey::ResponseDue => "response_due",
        SortKey::ExecutionDue => "execution_due",
        SortKey::LegalDue => "legal_due",
        SortKey::OpenDue => "open_due",
    }
}

/// The index that delivers a sort's whole order (the reference breaking ties) and
/// holds the columns most filters name.
fn sort_index(key: SortKey) -> &'static str {
    match key {
        SortKey::ReceivedOn => "requests_received_on_idx",
        SortKey::Reference => "requests_reference_list_idx",
        SortKey::ResponseDue => "requests_response_due_idx",
        SortKey::ExecutionDue => "requests_execution_due_idx",
        SortKey::LegalDue => "requests_legal_due_idx",
        SortKey::OpenDue => "requests_open_list_idx",
    }
}

/// Does the list name exactly one team (by its filter or the caller's sight)?
fn one_team(filter: &ListFilter) -> bool {
    match (&filter.teams[..], &filter.visible_teams) {
        ([_], _) => true,
        ([], Some(sight)) => sight.len() == 1,
        _ => false,
    }
}

/// `ORDER BY` the sort key, then the reference (unique: a total order).
fn order_by(key: SortKey, descending: bool) -> String {
    let direction = if descending { "DESC" } else { "ASC" };
    match key {
        SortKey::Reference => format!("reference {direction}"),
        other => format!("{} {direction}, reference {direction}", sort_column(other)),
    }
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: RequestId,
}

fn is_sqlite(conn: &DbConnection) -> bool {
    matches!(conn, DbConnection::Sqlite(_))
}

/// `FROM requests`, with SQLite's index hint.
fn from(index: Option<&str>, sqlite: bool) -> String {
    match (index, sqlite) {
        (Some(index), true) => format!("requests INDEXED BY {index}"),
        _ => String::from("requests"),
    }
}

/// How many requests match `filter` (with `extra` clauses), up to `cap` + 1.
fn count_in(
    conn: &mut DbConnection,
    filter: &ListFilter,
    reach: Reach,
    extra: &str,
    cap: i64,
) -> Result<i64, StorageError> {
    let sqlite = is_sqlite(conn);
    let w = clauses(filter, reach, Mode::Reach, sqlite, filter.sort);
    let sql = format!(
        "SELECT count(*) AS n FROM (SELECT 1 FROM {} WHERE {}{extra} LIMIT {}) AS matches",
        from(reach.index(), sqlite),
        w.sql(),
        cap + 1
    );
    let rows: Vec<Counted> = w.bind(RawSql::new(sql)).load(conn)?;
    Ok(rows.first().map(|row| row.n).unwrap_or(0))
}

/// The ids of one page, in order: `extra` narrows the filter (open or closed only).
#[allow(clippy::too_many_arguments)]
fn page_ids(
    conn: &mut DbConnection,
    filter: &ListFilter,
    reach: Reach,
    walk: bool,
    key: SortKey,
    extra: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<RequestId>, StorageError> {
    let sqlite = is_sqlite(conn);
    let sort = Sort {
        key,
        descending: filter.sort.descending,
    };
    let (w, index) = if walk && key == SortKey::Reference && one_team(filter) {
        // A manager's list by reference (or one team's): the team's own entries only,
        // not every team's, between the matches.
        (
            clauses(filter, reach, Mode::WalkInTeam, sqlite, sort),
            Some("requests_team_reference_idx"),
        )
    } else if walk {
        (
            clauses(filter, reach, Mode::Walk, sqlite, sort),
            Some(sort_index(key)),
        )
    } else {
        (clauses(filter, reach, Mode::Reach, sqlite, sort), reach.index())
    };
    let sql = format!(
        "SELECT id FROM {} WHERE {}{extra} ORDER BY {} LIMIT {limit} OFFSET {offset}",
        from(index, sqlite),
        w.sql(),
        order_by(key, sort.descending),
    );
    let rows: Vec<Id> = w.bind(RawSql::new(sql)).load(conn)?;
    Ok(rows.into_iter().map(|row| row.id).collect())
}

/// The records of `ids`, in that order.
fn records(conn: &mut DbConnection, ids: Vec<RequestId>) -> Result<Vec<RequestRecord>, StorageError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut found: Vec<RequestRecord> = requests::table
        .filter(requests::id.eq_any(&ids))
        .select(RequestRecord::as_select())
        .load(conn)?;
    found.sort_by_key(|record| ids.iter().position(|id| id == &record.id));
    Ok(found)
}

/// The number of matches (up to [`COUNT_LIMIT`] + 1) and one page of them.
pub(super) fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    search: Search,
    offset: i64,
    limit: i64,
) -> Result<(i64, Vec<RequestRecord>), StorageError> {
    let reach = Reach::of(filter, search);
    // The index by team first: a list that names no team names every team.
    let every_team;
    let filter = if reach == Reach::History && filter.teams.is_empty() && filter.visible_teams.is_none() {
        every_team = ListFilter {
            teams: crate::storage::schema::teams::table
                .select(crate::storage::schema::teams::code)
                .load(conn)?,
            ..filter.clone()
        };
        &every_team
    } else {
        filter
    };
    let seen = if keys_cover(filter) {
        count_by_keys(conn, filter, COUNT_LIMIT)?
    } else {
        count_in(conn, filter, Reach::of(filter, Search::FromKeys), "", COUNT_LIMIT)?
    };
    // A large list is read in sort order; a small one (or a common name read in list
    // order) from its reach. Open lists are always read from the open requests' index.
    let mut walk = match reach {
        Reach::Open | Reach::Reference => false,
        Reach::Search(Search::InListOrder) => true,
        _ => seen > COUNT_LIMIT,
    };
    let bounded;
    let filter = match bounded_by_keys(conn, filter, reach, seen, offset + limit)? {
        Some(narrower) => {
            // About a page of matches is left: taken from the keys and sorted.
            walk = false;
            bounded = narrower;
            &bounded
        }
        None => filter,
    };
    let ids = if filter.sort.key == SortKey::OpenDue && reach != Reach::Open {
        by_open_deadline(conn, filter, reach, walk, offset, limit)?
    } else {
        page_ids(conn, filter, reach, walk, filter.sort.key, "", offset, limit)?
    };
    Ok((seen, records(conn, ids)?))
}

#[derive(QueryableByName)]
struct Day {
    #[diesel(sql_type = diesel::sql_types::Date)]
    day: NaiveDate,
}

/// A search by name in the order of receipt, whose filters the keys carry: the keys
/// hold the date of receipt too, so the date of the `upto`-th matching request is read
/// from them alone, and the page needs only the requests received on or after it
/// (on or before it, ascending) — about a page of look-ups instead of every match (a
/// manager's `q=de v`: 3,463 requests read and sorted before, 50-odd now). The
/// filter returned is `filter` narrowed by that date. The request with the searched
/// client reference, if it matches too, can only move the page's last date forward,
/// so the narrowing never loses a request of the page; ties on the date stay in (the
/// bound is inclusive) and are ordered by reference as before.
fn bounded_by_keys(
    conn: &mut DbConnection,
    filter: &ListFilter,
    reach: Reach,
    seen: i64,
    upto: i64,
) -> Result<Option<ListFilter>, StorageError> {
    let Some(q) = filter.q.as_deref() else {
        return Ok(None);
    };
    if reach != Reach::Search(Search::FromKeys)
        || filter.sort.key != SortKey::ReceivedOn
        || !keys_cover(filter)
        || seen <= upto
    {
        return Ok(None);
    }
    let keys = matching_keys(filter, q, "DISTINCT request_id, received_on");
    let direction = if filter.sort.descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT received_on AS day FROM ({}) AS matches ORDER BY received_on {direction} LIMIT 1 OFFSET {}",
        keys.sql,
        upto - 1
    );
    let rows: Vec<Day> = bound(sql, keys.values).load(conn)?;
    let Some(Day { day }) = rows.into_iter().next() else {
        return Ok(None);
    };
    let mut narrower = filter.clone();
    if filter.sort.descending {
        narrower.received_from = Some(narrower.received_from.map_or(day, |from| from.max(day)));
    } else {
        narrower.received_to = Some(narrower.received_to.map_or(day, |to| to.min(day)));
    }
    Ok(Some(narrower))
}

/// A page in the order of the deadline still to meet, for a list that also holds
/// closed requests: the open ones by that deadline (from the open requests' index),
/// then the closed ones, which have none, by reference.
fn by_open_deadline(
    conn: &mut DbConnection,
    filter: &ListFilter,
    reach: Reach,
    walk: bool,
    offset: i64,
    limit: i64,
) -> Result<Vec<RequestId>, StorageError> {
    let open_reach = match reach {
        Reach::Search(_) | Reach::Reference => reach,
        _ => Reach::Open,
    };
    let open_count = count_in(
        conn,
        filter,
        open_reach,
        " AND open_due IS NOT NULL",
        i64::MAX - 1,
    )?;
    let mut ids = Vec::new();
    if offset < open_count {
        ids = page_ids(
            conn,
            filter,
            open_reach,
            false,
            SortKey::OpenDue,
            " AND open_due IS NOT NULL",
            offset,
            limit,
        )?;
    }
    let remaining = limit - ids.len() as i64;
    if remaining > 0 {
        ids.extend(page_ids(
            conn,
            filter,
            reach,
            walk,
            SortKey::Reference,
            " AND open_due IS NULL",
            (offset - open_count).max(0),
            remaining,
        )?);
    }
    Ok(ids)
}
