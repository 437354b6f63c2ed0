//! `avg-loket backup`: a consistent copy of a SQLite register while `serve` runs.

use std::path::{Path, PathBuf};

use super::ServiceError;
use crate::storage::{backup, Db};

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct Backup {
    pub path: PathBuf,
    pub bytes: u64,
}

/// Copies the register to `to`, a file that must not exist yet. On PostgreSQL it
/// refuses: `pg_dump` makes the consistent copy there.
pub async fn copy_to(db: &Db, to: &Path) -> Result<Backup, ServiceError> {
    if db.backend() != "sqlite" {
        return Err(ServiceError::invalid(
            "to",
            "avg-loket backup copies a SQLite register; for PostgreSQL use pg_dump (docs/operations.md, Backups)",
            "avg-loket backup kopieert een SQLite-register; gebruik voor PostgreSQL pg_dump (docs/operations.md, Backups)",
        ));
    }
    if to.exists() {
        return Err(ServiceError::invalid(
            "to",
            format!(
                "{} exists already; a backup never overwrites a file",
                to.display()
            ),
            format!(
                "{} bestaat al; een back-up overschrijft nooit een bestand",
                to.display()
            ),
        ));
    }
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(ServiceError::invalid(
                "to",
                format!("the folder {} does not exist", dir.display()),
                format!("de map {} bestaat niet", dir.display()),
            ));
        }
    }
    let path = to.to_path_buf();
    let target = path.clone();
    db.read(move |conn| Ok::<_, ServiceError>(backup::sqlite_copy(conn, &target)?))
        .await?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    Ok(Backup { path, bytes })
}
