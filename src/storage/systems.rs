//! The `systems` table: the register of systems that hold clients' data.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::systems;
use super::{DbConnection, StorageError};
use crate::domain::ids::UserId;
use crate::domain::tasks::SystemCode;

/// One system as stored (`kinds` as codes separated by commas).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = systems, treat_none_as_null = true)]
pub struct SystemRow {
    pub code: SystemCode,
    pub name: String,
    pub owner_id: UserId,
    pub deputy_id: Option<UserId>,
    pub kinds: String,
    pub active: bool,
    pub processor: bool,
    pub webhook_url: Option<String>,
    pub callback_secret: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts a system; `Ok(false)` when the code is taken (nothing is written then).
pub fn insert(conn: &mut DbConnection, row: &SystemRow) -> Result<bool, StorageError> {
    super::inserted(diesel::insert_into(systems::table).values(row).execute(conn))
}

/// Writes a system's changed row (its code stays).
pub fn update(conn: &mut DbConnection, row: &SystemRow) -> Result<(), StorageError> {
    diesel::update(systems::table.find(&row.code))
        .set(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, code: &SystemCode) -> Result<Option<SystemRow>, StorageError> {
    Ok(systems::table
        .find(code)
        .select(SystemRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Every system, by code.
pub fn list(conn: &mut DbConnection) -> Result<Vec<SystemRow>, StorageError> {
    Ok(systems::table
        .order(systems::code.asc())
        .select(SystemRow::as_select())
        .load(conn)?)
}

/// The active systems, by code (each names the kinds it takes part in).
pub fn active(conn: &mut DbConnection) -> Result<Vec<SystemRow>, StorageError> {
    Ok(systems::table
        .filter(systems::active.eq(true))
        .order(systems::code.asc())
        .select(SystemRow::as_select())
        .load(conn)?)
}
