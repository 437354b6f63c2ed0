//! Files the service writes are its user's alone: the SQLite database and its journal,
//! backups, the file mail outbox and its mails. Every process of `avg-loket` creates
//! files readable and writable by its own user only (umask 077: files 0600, folders
//! 0700), and `serve` takes group and others off the database and the outbox that
//! an earlier version may have left open.

use std::path::Path;

/// From now on this process creates files for its own user only.
pub fn restrict_new_files() {
    // SAFETY: `umask` only sets the process's file mode creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Takes group and others off `path` (a file, or a folder and the files in it), if it
/// exists; what it changed.
pub fn restrict(path: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    use std::os::unix::fs::PermissionsExt;
    let mut changed = Vec::new();
    let mut tighten = |path: &Path| -> std::io::Result<()> {
        let Ok(metadata) = std::fs::metadata(path) else {
            return Ok(());
        };
        let mode = metadata.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & !0o077))?;
            changed.push(path.to_path_buf());
        }
        Ok(())
    };
    tighten(path)?;
    if path.is_dir() {
        for entry in std::fs::read_dir(path)?.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                tighten(&entry.path())?;
            }
        }
    }
    Ok(changed)
}
