//! The `teams` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::teams;
use super::{DbConnection, StorageError};
use crate::domain::team::TeamCode;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = teams)]
pub struct TeamRow {
    pub code: TeamCode,
    pub name: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = teams)]
pub struct NewTeam<'a> {
    pub code: &'a TeamCode,
    pub name: &'a str,
    pub created_at: NaiveDateTime,
}

/// Inserts a team; `Ok(false)` when the code is taken (nothing is written then).
pub fn insert(conn: &mut DbConnection, team: &NewTeam<'_>) -> Result<bool, StorageError> {
    super::inserted(diesel::insert_into(teams::table).values(team).execute(conn))
}

pub fn find(conn: &mut DbConnection, code: &TeamCode) -> Result<Option<TeamRow>, StorageError> {
    Ok(teams::table
        .find(code)
        .select(TeamRow::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn list(conn: &mut DbConnection) -> Result<Vec<TeamRow>, StorageError> {
    Ok(teams::table
        .order(teams::code.asc())
        .select(TeamRow::as_select())
        .load(conn)?)
}

/// Gives a team another name; `Ok(false)` when there is no such team.
pub fn rename(conn: &mut DbConnection, code: &TeamCode, name: &str) -> Result<bool, StorageError> {
    Ok(diesel::update(teams::table.find(code))
        .set(teams::name.eq(name))
        .execute(conn)?
        > 0)
}
