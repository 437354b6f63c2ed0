//! The privacy officer's overview, scoped to the teams the caller sees: open requests,
//! overdue ones, what is due soon, paused, unassigned, failed mails, and per kind how
//! the last 90 days went. The JSON API answers it as it is; the dashboard page draws
//! it. Also the gauges of `/metrics`.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use futures_util::future::try_join4;
use serde::Serialize;
use uuid::Uuid;

use super::{Rules, ServiceError};
use crate::domain::access::Caller;
use crate::domain::ids::UserId;
use crate::domain::kind::KindCode;
use crate::domain::reminders::{DeadlineKind, OutboxStatus};
use crate::domain::request::Status;
use crate::domain::statistics::{median_of_counts, share};
use crate::domain::team::TeamCode;
use crate::storage::dashboard::{self as store, OpenCount, OpenFigures, OutcomeCount, WindowFigures};
use crate::storage::{notifications, users, Db, DbConnection};

/// The window of the on-time figures.
pub const WINDOW_DAYS: u64 = 90;

/// Whose requests a figure counts: every team's, or those of the caller's teams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sight {
    All,
    Teams(Vec<TeamCode>),
}

impl Serialize for Sight {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Sight::All => serializer.serialize_str("all"),
            Sight::Teams(teams) => teams.serialize(serializer),
        }
    }
}

impl utoipa::PartialSchema for Sight {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["all"]))
                    .description(Some("Every team")),
            )
            .item(
                ArrayBuilder::new()
                    .items(<TeamCode as utoipa::PartialSchema>::schema())
                    .description(Some("The caller's teams")),
            )
            .description(Some("`all`, or the codes of the teams the caller sees"))
            .into()
    }
}

impl utoipa::ToSchema for Sight {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Sight")
    }
}

/// Open requests, counted three ways.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpenCounts {
    pub total: i64,
    pub by_status: BTreeMap<Status, i64>,
    pub by_kind: BTreeMap<KindCode, i64>,
    pub by_team: BTreeMap<TeamCode, i64>,
}

/// One of the longest overdue requests.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OverdueRequest {
    pub id: Uuid,
    pub reference: String,
    pub kind: KindCode,
    pub team: TeamCode,
    pub status: Status,
    pub assignee: Option<Uuid>,
    /// The deadline that passed.
    pub deadline: DeadlineKind,
    pub due: NaiveDate,
    pub days_overdue: i64,
    /// Also past the legal limit of AVG 12(3).
    pub past_legal_limit: bool,
}

/// Open requests past the deadline they still have to meet: the internal targets
/// (response, execution) apart from the legal limit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Overdue {
    /// Past the deadline still to meet (response or execution).
    pub total: i64,
    pub response: i64,
    pub execution: i64,
    /// Still open after the legal limit of AVG 12(3) (one month, three when extended):
    /// a breach of the law, not only of the organisation's own target.
    pub past_legal_limit: i64,
    /// The 20 longest overdue, oldest first.
    pub oldest: Vec<OverdueRequest>,
}

/// How the requests of one kind went in the window.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct KindFigures {
    pub decided: i64,
    pub decided_on_time_share: Option<f64>,
    pub completed: i64,
    pub completed_on_time_share: Option<f64>,
    pub median_days_to_decision: Option<f64>,
    pub median_days_to_completion: Option<f64>,
    pub extensions: i64,
}

/// The figures of the last [`WINDOW_DAYS`] days, per kind.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Window {
    pub since: NaiveDate,
    pub per_kind: BTreeMap<KindCode, KindFigures>,
    /// Requests closed as a duplicate of another (registered twice) since `since`:
    /// counted apart, never as withdrawn by the requester.
    pub duplicates_closed: i64,
}

/// The privacy officer's overview, scoped to the teams the caller sees.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub today: NaiveDate,
    pub scope: Sight,
    pub open: OpenCounts,
    pub overdue: Overdue,
    /// Open, unpaused requests whose deadline is at most `AVG_LOKET_REMINDER_DAYS_BEFORE`
    /// working days away (the same "soon" as the reminder mails and the pages).
    pub due_soon: i64,
    /// The last day that counts as soon.
    pub due_soon_until: NaiveDate,
    /// Open requests waiting for the requester (the clock stands still).
    pub suspended: i64,
    /// Open requests nobody can act on: without an assignee, or held by a deactivated
    /// user.
    pub unassigned: i64,
    /// Of those, the ones still assigned to a deactivated user (a manager should
    /// reassign them).
    pub held_by_deactivated_users: i64,
    pub failed_mails: i64,
    pub letters: LetterFigures,
    /// The open tasks in the systems that hold the data, of the requests in sight.
    pub tasks: TaskFigures,
    pub last_90_days: Window,
}

/// Open tasks, and how many of them are overdue, per system and per owner.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct TaskFigures {
    pub open: i64,
    pub overdue: i64,
    /// By system code.
    pub by_system: Vec<TaskCount>,
    /// By owner, most overdue first.
    pub by_owner: Vec<TaskCount>,
}

/// The open and overdue tasks of one system or one owner.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskCount {
    /// The system's code, or the owner's user ID.
    pub key: String,
    /// The system's or the owner's name.
    pub name: String,
    pub open: i64,
    pub overdue: i64,
}

/// The task figures of the teams in `sight` on `today`.
fn task_figures_in(
    conn: &mut DbConnection,
    sight: &[TeamCode],
    today: NaiveDate,
) -> Result<TaskFigures, ServiceError> {
    let counts = crate::storage::tasks::open_counts(conn, sight, today)?;
    let mut figures = TaskFigures::default();
    let systems = crate::storage::systems::list(conn)?;
    let add = |list: &mut Vec<TaskCount>, key: String, name: String, open: i64, overdue: i64| match list
        .iter_mut()
        .find(|c| c.key == key)
    {
        Some(count) => {
            count.open += open;
            count.overdue += overdue;
        }
        None => list.push(TaskCount {
            key,
            name,
            open,
            overdue,
        }),
    };
    let mut owners: Vec<UserId> = counts.iter().map(|(_, owner, _, _)| *owner).collect();
    owners.sort();
    owners.dedup();
    let owner_names = crate::storage::users::names_of(conn, &owners)?;
    for (system, owner, open, overdue) in counts {
        figures.open += open;
        figures.overdue += overdue;
        let system_name = systems
            .iter()
            .find(|s| s.code == system)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        add(
            &mut figures.by_system,
            system.to_string(),
            system_name,
            open,
            overdue,
        );
        let owner_name = owner_names
            .iter()
            .find(|(id, _, _)| *id == owner)
            .map(|(_, name, _)| name.clone())
            .unwrap_or_default();
        add(
            &mut figures.by_owner,
            owner.to_string(),
            owner_name,
            open,
            overdue,
        );
    }
    figures.by_system.sort_by(|a, b| a.key.cmp(&b.key));
    figures.by_owner.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(b.open.cmp(&a.open))
            .then(a.name.cmp(&b.name))
    });
    Ok(figures)
}

/// The letters to requesters, for the teams in sight.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LetterFigures {
    /// Letters waiting to leave by e-mail.
    pub queued: i64,
    /// Letters by e-mail that failed for good: send them by post, or fix the address.
    pub failed: i64,
    /// Decisions communicated in the last 90 days without a decision letter on record.
    pub decisions_without_letter: i64,
}

/// The open counts summed by one of their keys (status, kind or team).
fn open_by<K: Ord + Clone>(open: &[OpenCount], key: impl Fn(&OpenCount) -> &K) -> BTreeMap<K, i64> {
    let mut sums = BTreeMap::new();
    for row in open {
        *sums.entry(key(row).clone()).or_default() += row.count;
    }
    sums
}

/// Per kind: decisions and completions in the window, on-time shares, medians, extensions.
fn per_kind(figures: &WindowFigures) -> BTreeMap<KindCode, KindFigures> {
    let of_kind = |rows: &[OutcomeCount], kind: KindCode| -> (i64, i64, Option<f64>) {
        let rows: Vec<&OutcomeCount> = rows.iter().filter(|r| r.kind == kind).collect();
        let total: i64 = rows.iter().map(|r| r.count).sum();
        let on_time: i64 = rows
            .iter()
            .filter(|r| r.on_time == Some(true))
            .map(|r| r.count)
            .sum();
        let histogram: Vec<(i64, i64)> = rows
            .iter()
            .filter_map(|r| r.days.map(|days| (i64::from(days), r.count)))
            .collect();
        (total, on_time, median_of_counts(&histogram))
    };
    KindCode::ALL
        .iter()
        .map(|&kind| {
            let (decided, decided_on_time, to_decision) = of_kind(&figures.decisions, kind);
            let (completed, completed_on_time, to_completion) = of_kind(&figures.completions, kind);
            let extensions = figures
                .extensions
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, n)| n)
                .sum();
            let figures = KindFigures {
                decided,
                decided_on_time_share: share(decided_on_time as usize, decided as usize),
                completed,
                completed_on_time_share: share(completed_on_time as usize, completed as usize),
                median_days_to_decision: to_decision,
                median_days_to_completion: to_completion,
                extensions,
            };
            (kind, figures)
        })
        .collect()
}

fn overdue_of(figures: &OpenFigures, today: NaiveDate) -> Result<Overdue, ServiceError> {
    let oldest = figures
        .oldest_overdue
        .iter()
        .map(|r| {
            let due = r.open_due.unwrap_or(r.response_due);
            Ok(OverdueRequest {
                id: r.id.uuid(),
                reference: r.reference.clone(),
                kind: r.kind,
                team: r.team.clone(),
                status: r.status,
                assignee: r.assignee_id(),
                deadline: if r.decided_on.is_some() {
                    DeadlineKind::Execution
                } else {
                    DeadlineKind::Response
                },
                due,
                days_overdue: (today - due).num_days(),
                past_legal_limit: r.legal_due < r.suspended_since.unwrap_or(today),
            })
        })
        .collect::<Result<Vec<_>, ServiceError>>()?;
    Ok(Overdue {
        total: figures.overdue_response + figures.overdue_execution,
        response: figures.overdue_response,
        execution: figures.overdue_execution,
        past_legal_limit: figures.past_legal_limit,
        oldest,
    })
}

/// The team codes in sight, and the ids of deactivated users.
fn sight_in(
    conn: &mut DbConnection,
    teams: &Option<Vec<TeamCode>>,
) -> Result<(Vec<TeamCode>, Vec<UserId>), ServiceError> {
    Ok((store::sight(conn, teams)?, users::inactive_ids(conn)?))
}

/// Completions and extensions of the window (decisions are read beside it).
fn completions_in(
    conn: &mut DbConnection,
    sight: &[TeamCode],
    since: NaiveDate,
) -> Result<WindowFigures, ServiceError> {
    Ok(WindowFigures {
        decisions: Vec::new(),
        completions: store::completions(conn, sight, since)?,
        extensions: store::extensions(conn, sight, since)?,
    })
}

/// The dashboard of `caller` at `now`.
pub async fn dashboard(
    db: &Db,
    rules: &Rules,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<Dashboard, ServiceError> {
    let teams = caller.dashboard_scope()?;
    let today = rules.today(now);
    let soon_until = rules.soon_until(now);
    let since = today - Days::new(WINDOW_DAYS);
    let scope = teams.clone();
    let (sight, inactive) = db.read(move |conn| sight_in(conn, &scope)).await?;
    // Four independent reads on four pooled connections at once: the dashboard
    // takes as long as the slowest, not the sum (each is its own snapshot).
    let (scope, sight_1, sight_2, sight_3) = (teams.clone(), sight.clone(), sight.clone(), sight.clone());
    // Every letter belongs to a request of a team: the teams in sight, named even
    // for a caller who sees all, so that the counts read by team (the decisions
    // without a letter from their counters, migration 000019).
    let letters = db.read(move |conn| {
        Ok::<_, ServiceError>((
            crate::storage::letters::counts(conn, &sight, since)?,
            store::duplicates_closed(conn, &sight, since)?,
            task_figures_in(conn, &sight, today)?,
        ))
    });
    let (figures, decisions, mut window, (letters, duplicates_closed, tasks)) = try_join4(
        db.read(move |conn| {
            Ok::<_, ServiceError>(store::open_figures(conn, &scope, &sight_1, today, soon_until)?)
        }),
        db.read(move |conn| Ok::<_, ServiceError>(store::decisions(conn, &sight_2, since)?)),
        db.read(move |conn| completions_in(conn, &sight_3, since)),
        letters,
    )
    .await?;
    window.decisions = decisions;
    let open = &figures.open;
    Ok(Dashboard {
        today,
        scope: teams.map_or(Sight::All, Sight::Teams),
        open: OpenCounts {
            total: open.iter().map(|r| r.count).sum(),
            by_status: open_by(open, |r| &r.status),
            by_kind: open_by(open, |r| &r.kind),
            by_team: open_by(open, |r| &r.team),
        },
        overdue: overdue_of(&figures, today)?,
        due_soon: figures.due_soon,
        due_soon_until: soon_until,
        suspended: open
            .iter()
            .filter(|r| r.status == Status::AwaitingRequester)
            .map(|r| r.count)
            .sum(),
        unassigned: open
            .iter()
            .filter(|r| r.assignee.as_ref().is_none_or(|a| inactive.contains(a)))
            .map(|r| r.count)
            .sum(),
        held_by_deactivated_users: open
            .iter()
            .filter(|r| r.assignee.as_ref().is_some_and(|a| inactive.contains(a)))
            .map(|r| r.count)
            .sum(),
        tasks,
        failed_mails: figures.failed_mails,
        letters: LetterFigures {
            queued: letters.queued,
            failed: letters.failed,
            decisions_without_letter: letters.decisions_without_letter,
        },
        last_90_days: Window {
            since,
            per_kind: per_kind(&window),
            duplicates_closed,
        },
    })
}

/// Keeps the 90-day window's counters on the window of `now` (D63): when the day has
/// moved the window, or no window is kept (a new register, after seeding), counts it
/// afresh. Run by `serve`'s background loop; until it has run on a new day, the
/// dashboard reads the window the slower way, with the same figures.
pub async fn keep_window(db: &Db, rules: &Rules, now: DateTime<Utc>) -> Result<bool, ServiceError> {
    let since = rules.today(now) - Days::new(WINDOW_DAYS);
    if db.read(crate::storage::dashboard::window_start).await? == Some(since) {
        return Ok(false);
    }
    db.write(move |conn| Ok::<_, ServiceError>(crate::storage::dashboard::start_window(conn, since)?))
        .await?;
    Ok(true)
}

/// What `/metrics` reports beside the HTTP figures.
#[derive(Debug, Clone, Default)]
pub struct Gauges {
    pub open_by_status: BTreeMap<Status, i64>,
    pub overdue_response: i64,
    pub overdue_execution: i64,
    pub past_legal_limit: i64,
    pub outbox: BTreeMap<OutboxStatus, i64>,
}

/// The gauges of the whole register at `now`.
pub async fn gauges(db: &Db, rules: &Rules, now: DateTime<Utc>) -> Result<Gauges, ServiceError> {
    let (today, soon_until) = (rules.today(now), rules.soon_until(now));
    db.read(move |conn| gauges_in(conn, today, soon_until)).await
}

fn gauges_in(
    conn: &mut DbConnection,
    today: NaiveDate,
    soon_until: NaiveDate,
) -> Result<Gauges, ServiceError> {
    let sight = store::sight(conn, &None)?;
    let figures = store::open_figures(conn, &None, &sight, today, soon_until)?;
    Ok(Gauges {
        open_by_status: open_by(&figures.open, |r| &r.status),
        overdue_response: figures.overdue_response,
        overdue_execution: figures.overdue_execution,
        past_legal_limit: figures.past_legal_limit,
        outbox: notifications::counts(conn, true)?.into_iter().collect(),
    })
}
