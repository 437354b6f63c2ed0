//! Both migration folders must end in the same tables and columns. Each backend is
//! compared with one committed description (`tests/schema.txt`), so SQLite and
//! PostgreSQL agree with each other whenever both runs pass.
//! Regenerate after a migration with `AVG_LOKET_UPDATE_SCHEMA=1 cargo test schema`.

use avg_loket::storage::DbConnection;
use diesel::sql_types::{Bool, Text};
use diesel::{QueryableByName, RunQueryDsl};

use crate::helpers::spawn_app;

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Bool)]
    not_null: bool,
}

const SQLITE_COLUMNS: &str = r#"
    SELECT m.name AS table_name, p.name AS column_name, lower(p.type) AS data_type,
           p."notnull" <> 0 AS not_null
    FROM sqlite_master m, pragma_table_info(m.name) p
    WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'"#;

const POSTGRES_COLUMNS: &str = r#"
    SELECT table_name::text AS table_name, column_name::text AS column_name,
           data_type::text AS data_type, is_nullable = 'NO' AS not_null
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name <> '__diesel_schema_migrations'"#;

fn canonical_type(declared: &str) -> &'static str {
    match declared {
        "text" | "character varying" | "varchar" => "text",
        "integer" | "int" | "int4" => "integer",
        "bigint" | "int8" => "bigint",
        "smallint" | "int2" => "smallint",
        "boolean" | "bool" => "boolean",
        "date" => "date",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "double precision" | "double" | "real" | "float8" => "double",
        "bytea" | "blob" | "binary" => "binary",
        other => panic!("column type {other} is not one both backends share (see docs/architecture.md, storage on two backends)"),
    }
}

#[actix_web::test]
async fn both_backends_end_with_the_same_tables_and_columns() {
    let app = spawn_app().await;
    let mut conn = app.db.get().unwrap();
    let columns: Vec<Column> = match &mut *conn {
        DbConnection::Sqlite(c) => diesel::sql_query(SQLITE_COLUMNS).load(c).unwrap(),
        DbConnection::Postgresql(c) => diesel::sql_query(POSTGRES_COLUMNS).load(c).unwrap(),
    };
    let mut lines: Vec<String> = columns
        .iter()
        .map(|c| {
            let null = if c.not_null { "not null" } else { "null" };
            format!(
                "{}.{} {} {}",
                c.table_name,
                c.column_name,
                canonical_type(&c.data_type),
                null
            )
        })
        .collect();
    lines.sort();
    let actual = lines.join("\n") + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schema.txt");
    if std::env::var("AVG_LOKET_UPDATE_SCHEMA").is_ok() {
        std::fs::write(path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "the {} schema differs from tests/schema.txt — keep migrations/sqlite and migrations/postgres in step\n--- expected\n{expected}--- actual\n{actual}",
        app.db.backend()
    );
}
