//! The register of systems that hold clients' data: kept by the privacy officer,
//! read by every member of staff (a task names its system). Every change is an audit
//! event; a webhook's key is shown once, when it is made.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::admin::Admin;
use super::auth::random_hex;
use super::input::Issues;
use super::{record_in, ServiceError};
use crate::domain::access::Role;
use crate::domain::audit::RecordAction;
use crate::domain::ids::UserId;
use crate::domain::kind::KindCode;
use crate::domain::tasks::{kinds_of_text, kinds_text, parse_kinds, system_name, SystemCode};
use crate::storage::systems::{self as store, SystemRow};
use crate::storage::{tasks, users, Db, DbConnection};

/// A new system (`POST /api/v1/systems`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSystemInput {
    /// 1-16 upper-case letters, digits and `-`, starting with a letter (e.g. `ECD`).
    #[schema(value_type = SystemCode)]
    pub code: String,
    /// The name people know it by (e.g. "Elektronisch cliëntdossier").
    pub name: String,
    /// The user who answers for it and carries its tasks out.
    #[schema(value_type = uuid::Uuid)]
    pub owner: String,
    /// Who stands in for the owner.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub deputy: Option<String>,
    /// The kinds of request it takes part in.
    #[schema(value_type = Vec<KindCode>)]
    pub kinds: Vec<String>,
    /// Whether new requests get a task for it (default true).
    pub active: Option<bool>,
    /// A processor's system (verwerker), kept by another organisation.
    pub processor: Option<bool>,
    /// Where its automation is told of a new task (http or https).
    pub webhook_url: Option<String>,
}

/// A change to a system (`PATCH /api/v1/systems/{code}`): the fields given change;
/// `deputy` and `webhook_url` given as `null` are removed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemChangeInput {
    pub name: Option<String>,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub owner: Option<String>,
    #[serde(default, deserialize_with = "super::commands::present")]
    #[schema(value_type = Option<uuid::Uuid>)]
    pub deputy: Option<Option<String>>,
    #[schema(value_type = Option<Vec<KindCode>>)]
    pub kinds: Option<Vec<String>>,
    pub active: Option<bool>,
    pub processor: Option<bool>,
    #[serde(default, deserialize_with = "super::commands::present")]
    #[schema(value_type = Option<String>)]
    pub webhook_url: Option<Option<String>>,
}

/// A system as its readers see it; the key of its webhook only when just made.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SystemView {
    pub code: SystemCode,
    pub name: String,
    #[schema(value_type = uuid::Uuid)]
    pub owner: UserId,
    pub owner_name: String,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub deputy: Option<UserId>,
    pub deputy_name: Option<String>,
    pub kinds: Vec<KindCode>,
    pub active: bool,
    pub processor: bool,
    pub webhook_url: Option<String>,
    /// The key of the webhook's and the reports' signatures (HMAC-SHA256), shown this
    /// once: when the webhook is set or the key replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_secret: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The systems in the register.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SystemList {
    pub items: Vec<SystemView>,
}

fn view_in(conn: &mut DbConnection, row: SystemRow, secret_shown: bool) -> Result<SystemView, ServiceError> {
    let name_of = |conn: &mut DbConnection, id: UserId| -> Result<String, ServiceError> {
        Ok(users::find(conn, id)?.map(|u| u.name).unwrap_or_default())
    };
    let owner_name = name_of(conn, row.owner_id)?;
    let deputy_name = row.deputy_id.map(|id| name_of(conn, id)).transpose()?;
    Ok(SystemView {
        code: row.code,
        name: row.name,
        owner: row.owner_id,
        owner_name,
        deputy: row.deputy_id,
        deputy_name,
        kinds: kinds_of_text(&row.kinds),
        active: row.active,
        processor: row.processor,
        webhook_url: row.webhook_url,
        callback_secret: if secret_shown { row.callback_secret } else { None },
        created_at: DateTime::from_naive_utc_and_offset(row.created_at, Utc),
        updated_at: DateTime::from_naive_utc_and_offset(row.updated_at, Utc),
    })
}

fn not_found(code: &str) -> ServiceError {
    ServiceError::NotFound(format!("no system with code {code}"))
}

/// Every system (every member of staff may read the register; never the keys).
pub async fn list(db: &Db) -> Result<SystemList, ServiceError> {
    db.read(|conn| {
        let items = store::list(conn)?
            .into_iter()
            .map(|row| view_in(conn, row, false))
            .collect::<Result<_, _>>()?;
        Ok(SystemList { items })
    })
    .await
}

/// One system.
pub async fn get(db: &Db, code: &str) -> Result<SystemView, ServiceError> {
    let code = code.to_string();
    db.read(move |conn| {
        let parsed = SystemCode::parse(&code).map_err(|_| not_found(&code))?;
        let row = store::find(conn, &parsed)?.ok_or_else(|| not_found(&code))?;
        view_in(conn, row, false)
    })
    .await
}

/// A user who can own or stand in for a system: active, and not the auditor (who
/// changes nothing).
fn check_person_in(conn: &mut DbConnection, issues: &mut Issues, field: &str, value: &str) -> Option<UserId> {
    let id = issues.parse(field, UserId::parse(value.trim()))?;
    match users::find(conn, id) {
        Ok(Some(user)) if user.active && user.role != Role::Auditor => Some(id),
        Ok(Some(user)) if user.active => {
            issues.push(
                field,
                "an auditor reads along and carries out no tasks",
                "een kwaliteitsmedewerker leest mee en voert geen taken uit",
            );
            None
        }
        Ok(_) => {
            issues.push(
                field,
                "no active user with this ID",
                "geen actieve gebruiker met dit ID",
            );
            None
        }
        Err(_) => None,
    }
}

/// A webhook's address: http or https, with a host, at most 500 characters.
fn check_webhook(issues: &mut Issues, value: &str) -> Option<String> {
    let value = value.trim();
    let valid = value.len() <= 500
        && url::Url::parse(value)
            .ok()
            .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if valid {
        Some(value.to_string())
    } else {
        issues.push(
            "webhook_url",
            "an http or https address with a host, at most 500 characters",
            "een http- of https-adres met een host, hoogstens 500 tekens",
        );
        None
    }
}

impl Admin {
    /// Adds a system to the register; with a webhook, its key is shown this once.
    pub async fn create_system(
        &self,
        db: &Db,
        input: NewSystemInput,
        now: DateTime<Utc>,
    ) -> Result<SystemView, ServiceError> {
        self.write(db, move |conn, actor| create_system_in(conn, actor, input, now))
            .await
    }

    /// Changes a system; a webhook set where there was none gets a key, shown once.
    pub async fn change_system(
        &self,
        db: &Db,
        code: String,
        input: SystemChangeInput,
        now: DateTime<Utc>,
    ) -> Result<SystemView, ServiceError> {
        self.write(db, move |conn, actor| {
            change_system_in(conn, actor, &code, input, now)
        })
        .await
    }

    /// Replaces the key of a system's webhook (shown once); the old one stops working.
    pub async fn rotate_system_secret(
        &self,
        db: &Db,
        code: String,
        now: DateTime<Utc>,
    ) -> Result<SystemView, ServiceError> {
        self.write(db, move |conn, actor| rotate_secret_in(conn, actor, &code, now))
            .await
    }
}

fn create_system_in(
    conn: &mut DbConnection,
    actor: &str,
    input: NewSystemInput,
    now: DateTime<Utc>,
) -> Result<SystemView, ServiceError> {
    let mut issues = Issues::default();
    let code = issues.parse("code", SystemCode::parse(&input.code));
    let name = system_name("name", &input.name, &mut issues.0);
    let owner = check_person_in(conn, &mut issues, "owner", &input.owner);
    let deputy = input
        .deputy
        .as_deref()
        .and_then(|d| check_person_in(conn, &mut issues, "deputy", d));
    let kinds = parse_kinds("kinds", &input.kinds, &mut issues.0);
    let webhook_url = input
        .webhook_url
        .as_deref()
        .and_then(|u| check_webhook(&mut issues, u));
    let checked = match (code, name, owner) {
        (Some(code), Some(name), Some(owner)) => Some((code, name, owner)),
        _ => None,
    };
    let (code, name, owner) = issues.into_result(checked)?;
    let row = SystemRow {
        code,
        name,
        owner_id: owner,
        deputy_id: deputy,
        kinds: kinds_text(&kinds),
        active: input.active.unwrap_or(true),
        processor: input.processor.unwrap_or(false),
        callback_secret: webhook_url.as_ref().map(|_| random_hex()),
        webhook_url,
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
    };
    if !store::insert(conn, &row)? {
        return Err(ServiceError::conflict(
            format!("system {} already exists", row.code),
            format!("systeem {} bestaat al", row.code),
        ));
    }
    record_in(
        conn,
        actor,
        RecordAction::SystemCreated,
        now,
        &json!({"system": row.code}),
    )?;
    tracing::info!(system = %row.code, "system added");
    view_in(conn, row, true)
}

fn change_system_in(
    conn: &mut DbConnection,
    actor: &str,
    code: &str,
    input: SystemChangeInput,
    now: DateTime<Utc>,
) -> Result<SystemView, ServiceError> {
    let parsed = SystemCode::parse(code).map_err(|_| not_found(code))?;
    let before = store::find(conn, &parsed)?.ok_or_else(|| not_found(code))?;
    let mut row = before.clone();
    let mut issues = Issues::default();
    let mut changed = Vec::new();
    if let Some(name) = &input.name {
        row.name = system_name("name", name, &mut issues.0).unwrap_or_default();
        changed.push("name");
    }
    if let Some(owner) = &input.owner {
        row.owner_id = check_person_in(conn, &mut issues, "owner", owner).unwrap_or(row.owner_id);
        changed.push("owner");
    }
    if let Some(deputy) = &input.deputy {
        row.deputy_id = deputy
            .as_deref()
            .and_then(|d| check_person_in(conn, &mut issues, "deputy", d));
        changed.push("deputy");
    }
    if let Some(kinds) = &input.kinds {
        row.kinds = kinds_text(&parse_kinds("kinds", kinds, &mut issues.0));
        changed.push("kinds");
    }
    if let Some(active) = input.active {
        row.active = active;
        changed.push("active");
    }
    if let Some(processor) = input.processor {
        row.processor = processor;
        changed.push("processor");
    }
    if let Some(webhook) = &input.webhook_url {
        row.webhook_url = webhook.as_deref().and_then(|u| check_webhook(&mut issues, u));
        changed.push("webhook_url");
    }
    issues.into_result(Some(()))?;
    changed.retain(|field| field_differs(&before, &row, field));
    let new_secret = row.webhook_url.is_some() && before.callback_secret.is_none();
    row.callback_secret = match &row.webhook_url {
        None => None,
        Some(_) if new_secret => Some(random_hex()),
        Some(_) => before.callback_secret.clone(),
    };
    if changed.is_empty() {
        return view_in(conn, before, false);
    }
    row.updated_at = now.naive_utc();
    store::update(conn, &row)?;
    let mut data = json!({"system": row.code, "fields": changed});
    if row.owner_id != before.owner_id {
        // The open tasks follow the new owner; closed ones keep who did them.
        let moved = tasks::move_open_to(conn, &row.code, row.owner_id, now.naive_utc())?;
        data["open_tasks_moved"] = json!(moved);
    }
    record_in(conn, actor, RecordAction::SystemChanged, now, &data)?;
    tracing::info!(system = %row.code, "system changed");
    view_in(conn, row, new_secret)
}

/// Whether a changed field really changed (a change to the same value is none).
fn field_differs(before: &SystemRow, after: &SystemRow, field: &str) -> bool {
    match field {
        "name" => before.name != after.name,
        "owner" => before.owner_id != after.owner_id,
        "deputy" => before.deputy_id != after.deputy_id,
        "kinds" => before.kinds != after.kinds,
        "active" => before.active != after.active,
        "processor" => before.processor != after.processor,
        _ => before.webhook_url != after.webhook_url,
    }
}

fn rotate_secret_in(
    conn: &mut DbConnection,
    actor: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<SystemView, ServiceError> {
    let parsed = SystemCode::parse(code).map_err(|_| not_found(code))?;
    let mut row = store::find(conn, &parsed)?.ok_or_else(|| not_found(code))?;
    if row.webhook_url.is_none() {
        return Err(ServiceError::conflict(
            format!("system {code} has no webhook, so no key to replace"),
            format!("systeem {code} heeft geen webhook en dus geen sleutel om te vervangen"),
        ));
    }
    row.callback_secret = Some(random_hex());
    row.updated_at = now.naive_utc();
    store::update(conn, &row)?;
    record_in(
        conn,
        actor,
        RecordAction::SystemSecretRotated,
        now,
        &json!({"system": row.code}),
    )?;
    tracing::info!(system = %row.code, "system's key replaced");
    view_in(conn, row, true)
}
