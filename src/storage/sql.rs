//! Raw SQL on both backends, for the few statements the query builder cannot say
//! (a dashboard figure with an index hint, an `UPDATE … CASE` over many rows).
//!
//! The text is written once, with `?` parameters (SQLite's); on PostgreSQL they are
//! numbered `$1`, `$2`, …. Values are bound in order, typed by the method that adds
//! them, so nothing is ever pasted into the text.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::backend::Backend;
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::serialize::ToSql;
use diesel::sql_types::{Date, HasSqlType, Nullable, Text, Timestamp};
use diesel::sqlite::Sqlite;
use diesel::{QueryableByName, RunQueryDsl};

use super::{DbConnection, StorageError};

/// SQL text written with `?` parameters (SQLite's), numbered `$1`, `$2`, … for
/// PostgreSQL. The text must hold no `?` other than parameters.
pub(crate) fn numbered_parameters(sql: &str) -> String {
    let mut numbered = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            numbered.push_str(&format!("${n}"));
        } else {
            numbered.push(c);
        }
    }
    numbered
}

#[derive(Debug, Clone)]
enum Bind {
    Text(String),
    Date(NaiveDate),
    Timestamp(Option<NaiveDateTime>),
}

/// One raw statement and its parameters.
#[derive(Debug, Clone)]
pub(crate) struct RawSql {
    sql: String,
    binds: Vec<Bind>,
}

impl RawSql {
    /// The statement, with `?` where each parameter goes.
    pub(crate) fn new(sql: impl Into<String>) -> Self {
        RawSql {
            sql: sql.into(),
            binds: Vec::new(),
        }
    }

    pub(crate) fn text(mut self, value: impl Into<String>) -> Self {
        self.binds.push(Bind::Text(value.into()));
        self
    }

    pub(crate) fn date(mut self, value: NaiveDate) -> Self {
        self.binds.push(Bind::Date(value));
        self
    }

    /// A nullable timestamp (UTC).
    pub(crate) fn timestamp(mut self, value: Option<NaiveDateTime>) -> Self {
        self.binds.push(Bind::Timestamp(value));
        self
    }

    /// The statement for `DB`, its parameters bound.
    fn bound<DB>(sql: String, binds: Vec<Bind>) -> BoxedSqlQuery<'static, DB, SqlQuery>
    where
        DB: Backend + HasSqlType<Text> + HasSqlType<Date> + HasSqlType<Nullable<Timestamp>>,
        String: ToSql<Text, DB>,
        NaiveDate: ToSql<Date, DB>,
        Option<NaiveDateTime>: ToSql<Nullable<Timestamp>, DB>,
    {
        let mut query = diesel::sql_query(sql).into_boxed::<DB>();
        for bind in binds {
            query = match bind {
                Bind::Text(value) => query.bind::<Text, _>(value),
                Bind::Date(value) => query.bind::<Date, _>(value),
                Bind::Timestamp(value) => query.bind::<Nullable<Timestamp>, _>(value),
            };
        }
        query
    }

    /// Runs a query and reads its rows.
    pub(crate) fn load<T>(self, conn: &mut DbConnection) -> Result<Vec<T>, StorageError>
    where
        T: QueryableByName<Pg> + QueryableByName<Sqlite> + 'static,
    {
        Ok(match conn {
            DbConnection::Postgresql(pg) => {
                Self::bound::<Pg>(numbered_parameters(&self.sql), self.binds).load(pg)?
            }
            DbConnection::Sqlite(lite) => Self::bound::<Sqlite>(self.sql, self.binds).load(lite)?,
        })
    }

    /// Runs a statement; returns the number of rows it changed.
    pub(crate) fn execute(self, conn: &mut DbConnection) -> Result<usize, StorageError> {
        Ok(match conn {
            DbConnection::Postgresql(pg) => {
                Self::bound::<Pg>(numbered_parameters(&self.sql), self.binds).execute(pg)?
            }
            DbConnection::Sqlite(lite) => Self::bound::<Sqlite>(self.sql, self.binds).execute(lite)?,
        })
    }
}

/// The overdue rule ([`crate::domain::request::overdue`]) in SQL, over the stored
/// columns; the `?` is today. Lists and the dashboard filter in the database, so they
/// need it as a condition rather than a function. A pause begins on a day not in the
/// future, so an overdue request's deadline always lies before today: the leading range
/// lets an index on `open_due` skip every request not due yet. The triggers of
/// migration 000019 keep the count of requests that can become overdue with the same
/// condition without the day (a trigger does not know today); migrations are history
/// and stay as they ran.
pub const OVERDUE: &str = "open_due < ? AND (suspended_since IS NULL OR open_due < suspended_since)";

/// Sets `next_reminder_at` of many rows of `table` (`requests`, `tasks`: keyed by a
/// text `id`) in one statement per 500: the reminder sweep's moments.
pub fn set_next_reminders<Id: std::fmt::Display>(
    conn: &mut DbConnection,
    table: &'static str,
    moments: &[(Id, Option<NaiveDateTime>)],
) -> Result<(), StorageError> {
    for chunk in moments.chunks(500) {
        let mut query = RawSql::new(format!(
            "UPDATE {table} SET next_reminder_at = CASE id {} END WHERE id IN ({})",
            vec!["WHEN ? THEN ?"; chunk.len()].join(" "),
            vec!["?"; chunk.len()].join(", ")
        ));
        for (id, at) in chunk {
            query = query.text(id.to_string()).timestamp(*at);
        }
        for (id, _) in chunk {
            query = query.text(id.to_string());
        }
        query.execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_numbered_for_postgresql() {
        assert_eq!(
            numbered_parameters("SELECT 1 WHERE a = ? AND b IN (?, ?)"),
            "SELECT 1 WHERE a = $1 AND b IN ($2, $3)"
        );
        assert_eq!(numbered_parameters("SELECT 1"), "SELECT 1");
    }
}
