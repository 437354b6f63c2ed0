//! `avg-loket seed`: reproducible synthetic requests for demos and benchmarks.
//!
//! The same `--seed` gives the same requests (kinds, teams, dates, states, outcomes,
//! references) on any backend. Nothing in them is real: requesters are "Cliënt 000123".
//! Requests are written directly in their final state (with the deadlines the domain
//! computes for them), 1,000 per transaction, with the tasks of five systems their
//! states imply; one audit event records the seeding.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::admin::{create_team_in, create_user_in, NewUser};
use super::{Rules, ServiceError};
use crate::domain::access::Role;
use crate::domain::audit::RecordAction;
use crate::domain::ids::{RequestId, TaskId, UserId};
use crate::domain::intake::{Channel, Intake, Requester, Subject};
use crate::domain::kind::{ErasureScope, Kind, KindCode, RectificationMode};
use crate::domain::request::ActionName;
use crate::domain::request::{
    Completion, Decision, Extension, IdentityCheck, Outcome, Request, Status, SuspendReason, Suspension,
    Withdrawal,
};
use crate::domain::tasks::{kinds_of_text, opens_tasks, SystemCode, TaskStatus};
use crate::domain::team::TeamCode;
use crate::storage::requests::{self as store, StoredRequest};
use crate::storage::systems::{self, SystemRow};
use crate::storage::tasks::TaskRow;
use crate::storage::{teams, users, Db, DbConnection};

const TEAMS: [(&str, &str); 4] = [
    ("AMW", "Algemeen maatschappelijk werk"),
    ("JGD", "Jeugd en gezin"),
    ("WMO", "Wmo-consulenten"),
    ("SCHULD", "Schuldhulpverlening"),
];
/// The systems of a seeded register (code, name, the kinds they take part in): a
/// request granted gets a task in each that handles its kind.
const SYSTEMS: [(&str, &str, &str); 5] = [
    (
        "ECD",
        "Elektronisch cliëntdossier",
        "access,rectification,erasure,restriction,portability,objection",
    ),
    (
        "DOSSIER",
        "Online dossier",
        "access,rectification,erasure,portability",
    ),
    ("MAIL", "E-mailarchief", "access,erasure"),
    (
        "FIN",
        "Financiële administratie",
        "access,rectification,erasure,restriction",
    ),
    ("NIEUWS", "Nieuwsbrief", "erasure,objection"),
];
const BATCH: usize = 1000;
/// The audit actor of seeding.
const SEED_ACTOR: &str = "seed";

/// A small deterministic generator (SplitMix64): the same seed, the same register.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub requests: usize,
}

/// Workers of each team, created on first use (`worker1.amw@seed.example`, …).
fn workers(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Vec<(TeamCode, Vec<Uuid>)>, ServiceError> {
    let mut result = Vec::new();
    for (code, name) in TEAMS {
        let team = TeamCode::parse(code).map_err(|e| ServiceError::invalid_value("seed", e))?;
        if teams::find(conn, &team)?.is_none() {
            create_team_in(conn, SEED_ACTOR, code, name, now)?;
        }
        let mut ids = Vec::new();
        for (i, role) in [(1, Role::Caseworker), (2, Role::Caseworker), (3, Role::Manager)] {
            let email = format!("{role}{i}.{}@seed.example", code.to_lowercase());
            let id = match users::find_by_email(conn, &email)? {
                Some(user) => user.id,
                None => {
                    let new = NewUser::parse(
                        &format!("Seed {role} {i} {code}"),
                        &email,
                        role.code(),
                        &[code.to_string()],
                    )?;
                    create_user_in(conn, SEED_ACTOR, new, now)?.user.id
                }
            };
            ids.push(id.uuid());
        }
        result.push((team, ids));
    }
    Ok(result)
}

/// The register's systems, created on first use, each owned by a team's manager
/// with a caseworker as deputy.
fn systems_in(
    conn: &mut DbConnection,
    staff: &[(TeamCode, Vec<Uuid>)],
    now: DateTime<Utc>,
) -> Result<Vec<SystemRow>, ServiceError> {
    for (i, (code, name, kinds)) in SYSTEMS.iter().enumerate() {
        let (_, people) = &staff[i % staff.len()];
        let code = SystemCode::parse(code).map_err(|e| ServiceError::invalid_value("seed", e))?;
        if systems::find(conn, &code)?.is_some() {
            continue;
        }
        let row = SystemRow {
            code,
            name: name.to_string(),
            owner_id: UserId::from(people[2]),
            deputy_id: Some(UserId::from(people[0])),
            kinds: kinds.to_string(),
            active: true,
            processor: false,
            webhook_url: None,
            callback_secret: None,
            created_at: now.naive_utc(),
            updated_at: now.naive_utc(),
        };
        systems::insert(conn, &row)?;
    }
    Ok(systems::active(conn)?)
}

/// The tasks of a seeded request as its state implies: open for an access or
/// portability request in assessment; for a granted one in execution, done in about
/// 6 of 10 systems and open in the rest; for a completed one, done (or, in about 1 of
/// 10, nothing found). `n` varies the outcomes reproducibly.
fn synthetic_tasks(
    rules: &Rules,
    systems: &[SystemRow],
    stored: &StoredRequest,
    deadlines: &crate::domain::deadlines::Deadlines,
    n: usize,
    now: DateTime<Utc>,
) -> Vec<TaskRow> {
    let r = &stored.request;
    let kind = r.kind.code();
    let opened_on = match (r.status, &r.decision) {
        (Status::InAssessment, _) if opens_tasks(kind, ActionName::StartAssessment, None) => r.received_on,
        (Status::InExecution | Status::Completed, Some(decision)) => {
            decision.communicated_on.unwrap_or(r.received_on)
        }
        _ => return vec![],
    };
    let due = crate::domain::tasks::due(
        deadlines.execution,
        opened_on,
        rules.task_margin_days,
        rules.calendar,
    );
    let by = r.assignee.map(|a| a.to_string());
    systems
        .iter()
        .enumerate()
        .filter(|(_, system)| kinds_of_text(&system.kinds).contains(&kind))
        .map(|(i, system)| {
            let roll = (n * 7 + i * 3) % 10;
            let status = match r.status {
                Status::Completed if roll == 0 => TaskStatus::NotFound,
                Status::Completed => TaskStatus::Done,
                Status::InExecution if roll < 6 => TaskStatus::Done,
                _ => TaskStatus::Open,
            };
            let open = status.is_open();
            let done_on = r.completion.as_ref().map_or(opened_on, |c| c.completed_on);
            TaskRow {
                id: TaskId::from(Uuid::now_v7()),
                request_id: RequestId::from(r.id),
                system_code: system.code.clone(),
                owner_id: system.owner_id,
                status,
                opened_on,
                due,
                note: None,
                done_by: if open { None } else { by.clone() },
                done_at: (!open).then(|| done_on.and_hms_opt(12, 0, 0).expect("noon")),
                next_reminder_at: open.then(|| now.naive_utc()),
                created_at: now.naive_utc(),
                updated_at: now.naive_utc(),
                team: r.team.clone(),
            }
        })
        .collect()
}

/// One synthetic request, received within three years before `today`.
fn synthetic(
    rng: &mut Rng,
    n: usize,
    team: &TeamCode,
    staff: &[Uuid],
    today: NaiveDate,
) -> (Request, Intake) {
    let kind = synthetic_kind(rng);
    let received_on = today - Days::new(rng.below(3 * 365));
    let age = (today - received_on).num_days() as u64;
    let day = |offset: u64| (received_on + Days::new(offset.min(age))).min(today);
    let mut request = Request::received(
        Uuid::now_v7(),
        String::new(),
        kind,
        team.clone(),
        None,
        received_on,
    );
    // Recent requests are in every state. Older ones are closed, but for about 2 in 100
    // that were forgotten and are overdue now: what an organisation that has missed
    // deadlines looks like, and what the dashboard is for.
    let stage = if age <= 60 {
        rng.below(70)
    } else if rng.chance(2) {
        rng.below(33)
    } else {
        33 + rng.below(67)
    };
    if stage >= 5 || rng.chance(70) {
        request.assignee = Some(staff[rng.below(staff.len() as u64) as usize]);
    }
    if rng.chance(8) && age > 20 {
        let asked = day(1 + rng.below(5));
        let back = if stage < 15 {
            None
        } else {
            Some(day((asked - received_on).num_days() as u64 + 1 + rng.below(10)))
        };
        request.suspensions.push(Suspension {
            reason: SuspendReason::Identity,
            asked_on: asked,
            resumed_on: back,
            resume_to: Status::InAssessment,
        });
    }
    if rng.chance(6) && age > 25 {
        request.extension = Some(Extension {
            reason: "Synthetisch: omvangrijk dossier".into(),
            informed_on: day(20),
            until: None,
        });
    }
    let late = rng.chance(15);
    let decided = day(if late {
        16 + rng.below(30)
    } else {
        3 + rng.below(10)
    });
    let closed = day((decided - received_on).num_days() as u64
        + if late {
            20 + rng.below(40)
        } else {
            2 + rng.below(12)
        });
    match stage {
        0..=9 => {}
        10..=14 if request.suspensions.last().is_some_and(|s| s.resumed_on.is_none()) => {
            request.status = Status::AwaitingRequester;
        }
        10..=24 if request.assignee.is_some() => {
            request.status = Status::InAssessment;
            request.identity_verified_by = Some(IdentityCheck::KnownClient);
        }
        25..=32 if request.assignee.is_some() => {
            request.status = Status::InExecution;
            request.identity_verified_by = Some(IdentityCheck::IdDocument);
            request.decision = Some(Decision {
                outcome: Outcome::Granted,
                grounds: vec![],
                explanation: None,
                communicated_on: Some(decided),
            });
        }
        33..=40 => {
            request.status = Status::Withdrawn;
            request.withdrawal = Some(Withdrawal {
                reason: "Synthetisch: ingetrokken".into(),
                on: day(2 + rng.below(20)),
                duplicate_of: None,
            });
        }
        41..=52 if !request.kind.is_absolute() => {
            request.status = Status::Refused;
            request.identity_verified_by = Some(IdentityCheck::KnownClient);
            request.decision = Some(Decision {
                outcome: Outcome::Refused,
                grounds: vec!["manifestly_unfounded".into()],
                explanation: Some("Synthetisch: kennelijk ongegrond".into()),
                communicated_on: Some(decided),
            });
        }
        _ if request.assignee.is_some() => {
            request.status = Status::Completed;
            request.identity_verified_by = Some(IdentityCheck::KnownClient);
            request.decision = Some(Decision {
                outcome: Outcome::Granted,
                grounds: vec![],
                explanation: None,
                communicated_on: Some(decided),
            });
            request.completion = Some(Completion {
                summary: "Synthetisch: uitgevoerd".into(),
                completed_on: closed.max(decided),
                recipients_informed: vec![],
                recipients_note: request
                    .kind
                    .code()
                    .informs_recipients()
                    .then(|| "Synthetisch: geen ontvangers".to_string()),
            });
        }
        _ => {}
    }
    if request.status != Status::AwaitingRequester {
        // Only a waiting request keeps an open pause.
        for pause in &mut request.suspensions {
            pause.resumed_on.get_or_insert(pause.asked_on + Days::new(3));
        }
    }
    let intake = synthetic_intake(rng, n);
    (request, intake)
}

/// A kind of request, about as often as organisations see each.
fn synthetic_kind(rng: &mut Rng) -> Kind {
    match rng.below(100) {
        0..=44 => Kind::Access,
        45..=59 => Kind::Rectification {
            mode: if rng.chance(50) {
                RectificationMode::Correct
            } else {
                RectificationMode::Supplement
            },
        },
        60..=79 => Kind::Erasure {
            scope: if rng.chance(70) {
                ErasureScope::Data
            } else {
                ErasureScope::WholeFile
            },
        },
        80..=87 => Kind::Restriction {
            related_request: None,
        },
        88..=93 => Kind::Portability,
        _ => Kind::Objection {
            direct_marketing: rng.chance(20),
        },
    }
}

/// The intake of synthetic request `n`: a channel, a requester with a synthetic name,
/// an adult client with a numbered reference.
fn synthetic_intake(rng: &mut Rng, n: usize) -> Intake {
    Intake {
        channel: [
            Channel::Phone,
            Channel::Letter,
            Channel::Email,
            Channel::InPerson,
            Channel::WebForm,
        ][rng.below(5) as usize],
        requester: Requester::themselves(synthetic_name(rng)),
        subject: Subject::adult(Some(format!("S-{n:07}"))),
        description: None,
    }
}

/// A name as a register of Dutch clients holds them ("M. van der Berg", "A. Yılmaz"):
/// an initial, an optional prefix and a surname, so that a search by name meets many
/// namesakes in a large register (each surname about one in fifty).
fn synthetic_name(rng: &mut Rng) -> String {
    const SURNAMES: [&str; 48] = [
        "Jansen",
        "Vries",
        "Bakker",
        "Visser",
        "Smit",
        "Meijer",
        "Mulder",
        "Boer",
        "Bos",
        "Vos",
        "Peters",
        "Hendriks",
        "Dekker",
        "Brouwer",
        "Wit",
        "Dijkstra",
        "Smits",
        "Graaf",
        "Leeuwen",
        "Berg",
        "Kok",
        "Jacobs",
        "Vermeulen",
        "Heuvel",
        "Veen",
        "Broek",
        "Schouten",
        "Willems",
        "Hoekstra",
        "Maas",
        "Verhoeven",
        "Koster",
        "Prins",
        "Blom",
        "Huisman",
        "Peeters",
        "Kuipers",
        "Wijk",
        "Postma",
        "Yılmaz",
        "Şahin",
        "El Amrani",
        "Öztürk",
        "Janssens",
        "Müller",
        "Çelik",
        "Bouzid",
        "Nguyễn",
    ];
    const PREFIXES: [&str; 6] = ["", "", "", "de ", "van ", "van der "];
    let initial = (b'A' + rng.below(26) as u8) as char;
    let prefix = PREFIXES[rng.below(PREFIXES.len() as u64) as usize];
    let surname = SURNAMES[rng.below(SURNAMES.len() as u64) as usize];
    format!("{initial}. {prefix}{surname}")
}

/// Fills the database with `count` synthetic requests. Refuses a database that holds
/// requests already, unless `force`.
pub async fn seed(
    db: &Db,
    rules: &Rules,
    count: usize,
    seed: u64,
    force: bool,
    now: DateTime<Utc>,
) -> Result<SeedReport, ServiceError> {
    let existing = db.read(|conn| Ok::<_, ServiceError>(store::count(conn)?)).await?;
    if existing > 0 && !force {
        return Err(ServiceError::conflict(
            format!("the database holds {existing} request(s) already; seed only an empty register, or add --force"),
            format!("de database bevat al {existing} verzoek(en); vul alleen een leeg register, of geef --force"),
        ));
    }
    let staff = db.write(move |conn| workers(conn, now)).await?;
    let staff_in = staff.clone();
    let systems = db.write(move |conn| systems_in(conn, &staff_in, now)).await?;
    // Years of decisions in random order: the dashboard's running totals are rebuilt
    // once at the end (or at the next start, should seeding stop).
    db.write(|conn| Ok::<_, ServiceError>(crate::storage::dashboard::pause_totals(conn)?))
        .await?;
    let today = rules.today(now);
    let mut rng = Rng(seed);
    let mut written = 0;
    while written < count {
        let size = BATCH.min(count - written);
        let mut batch = Vec::with_capacity(size);
        for i in 0..size {
            let (team, ids) = &staff[rng.below(staff.len() as u64) as usize];
            batch.push(synthetic(&mut rng, written + i + 1, team, ids, today));
        }
        let (rules_in, systems_in) = (rules.clone(), systems.clone());
        // A transaction of its own, not a job of the SQLite writer's group commit: a
        // job runs in a savepoint, and SQLite's statement journals inside a savepoint
        // that spans a thousand requests made each statement slower as the batch grew.
        db.read(move |conn| {
            crate::storage::write_transaction(conn, |conn| {
                insert_batch_in(conn, &rules_in, &systems_in, batch, now)
            })
        })
        .await?;
        written += size;
        // Statistics as the register grows (after the first batch, then each time it
        // doubled): PostgreSQL keeps the plans of its foreign-key checks per
        // connection, and a plan made for an empty table scans the whole table on
        // every check (34 requests a second at 70,000 instead of thousands).
        if (written / BATCH).is_power_of_two() && written % BATCH == 0 {
            db.read(|conn| Ok::<_, ServiceError>(crate::storage::analyze(conn)?))
                .await?;
        }
    }
    db.write(move |conn| record_seed_in(conn, count, seed, now))
        .await?;
    db.write(|conn| Ok::<_, ServiceError>(crate::storage::dashboard::rebuild_totals(conn)?))
        .await?;
    // A register filled at once has no planner statistics until autovacuum (or
    // SQLite's next `PRAGMA optimize`) comes round; without them a search by name
    // scanned a million requests on PostgreSQL (0.9 s instead of 14 ms).
    db.read(|conn| Ok::<_, ServiceError>(crate::storage::analyze(conn)?))
        .await?;
    Ok(SeedReport { requests: written })
}

/// Writes a batch of synthetic requests with gap-free references: one counter update
/// per year of receipt in the batch, numbers handed out in the order of the batch.
fn insert_batch_in(
    conn: &mut DbConnection,
    rules: &Rules,
    systems: &[SystemRow],
    batch: Vec<(Request, Intake)>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let mut tasks = Vec::new();
    let mut next: std::collections::BTreeMap<i32, i32> = std::collections::BTreeMap::new();
    for (request, _) in &batch {
        *next.entry(request.received_on.year()).or_default() += 1;
    }
    for (year, count) in next.iter_mut() {
        *count = store::reserve_reference_numbers(conn, *year, *count)?;
    }
    for (mut request, intake) in batch {
        let year = request.received_on.year();
        let number = next.get_mut(&year).expect("counted above");
        request.reference = crate::domain::request::reference_of(year, *number);
        *number += 1;
        let context = rules.context(request.kind.code(), now);
        let deadlines = request.deadlines(context.periods, context.calendar);
        let stored = StoredRequest {
            request,
            intake,
            created_at: now,
            updated_at: now,
            anonymised_at: None,
            registered_by: None,
        };
        let next = rules.next_reminder_at(&stored, &deadlines, now);
        store::insert(conn, &stored, &deadlines, next)?;
        let n = *number as usize;
        tasks.extend(synthetic_tasks(rules, systems, &stored, &deadlines, n, now));
    }
    crate::storage::tasks::insert_many(conn, &tasks)?;
    Ok(())
}

fn record_seed_in(
    conn: &mut DbConnection,
    count: usize,
    seed: u64,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let data = json!({"requests": count, "seed": seed, "kinds": KindCode::ALL.len()});
    Ok(super::record_in(
        conn,
        SEED_ACTOR,
        RecordAction::Seed,
        now,
        &data,
    )?)
}
