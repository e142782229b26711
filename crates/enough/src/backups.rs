//! Dated backups in a folder, and retention: `enough backup /var/backups/enough/ --keep 14`
//! writes `enough-20260105T030000Z.db` and removes the oldest dated backups beyond 14.
//!
//! Only files named exactly as this module names them are ever removed, so a folder shared
//! with other files (or a backup someone renamed to keep it) is safe.

use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

const PREFIX: &str = "enough-";
const SUFFIX: &str = ".db";
/// `20260105T030000Z`.
const STAMP: &str = "%Y%m%dT%H%M%SZ";

/// Where a backup made at `now` goes when the target is a folder.
pub fn dated_path(folder: &Path, now: DateTime<Utc>) -> PathBuf {
    folder.join(format!("{PREFIX}{}{SUFFIX}", now.format(STAMP)))
}

/// Whether `name` is one of our dated backups (`enough-YYYYMMDDTHHMMSSZ.db`).
fn is_dated_backup(name: &str) -> bool {
    name.strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_suffix(SUFFIX))
        .is_some_and(|stamp| chrono::NaiveDateTime::parse_from_str(stamp, STAMP).is_ok())
}

/// Of the names in a folder, the dated backups to remove so that the newest `keep` remain,
/// oldest first. The stamp sorts like the time it names.
pub fn beyond(names: &[String], keep: usize) -> Vec<String> {
    let mut dated: Vec<&String> = names.iter().filter(|n| is_dated_backup(n)).collect();
    dated.sort_unstable_by(|a, b| b.cmp(a));
    let mut old: Vec<String> = dated.into_iter().skip(keep).cloned().collect();
    old.reverse();
    old
}

/// Removes the dated backups in `folder` beyond the newest `keep`; returns the removed paths.
pub fn prune(folder: &Path, keep: usize) -> std::io::Result<Vec<PathBuf>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        if entry.file_type()?.is_file()
            && let Some(name) = entry.file_name().to_str()
        {
            names.push(name.to_owned());
        }
    }
    let mut removed = Vec::new();
    for name in beyond(&names, keep) {
        // Older versions left the files SQLite opens beside a WAL database; they go too.
        for companion in ["-wal", "-shm"] {
            match std::fs::remove_file(folder.join(format!("{name}{companion}"))) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        let path = folder.join(name);
        std::fs::remove_file(&path)?;
        removed.push(path);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn dated_names_sort_like_their_time() {
        let at = |d, h| Utc.with_ymd_and_hms(2026, 1, d, h, 0, 0).unwrap();
        let folder = Path::new("/b");
        assert_eq!(
            dated_path(folder, at(5, 3)),
            Path::new("/b/enough-20260105T030000Z.db")
        );
        assert!(dated_path(folder, at(5, 3)) < dated_path(folder, at(5, 4)));
        assert!(dated_path(folder, at(9, 23)) < dated_path(folder, at(10, 0)));
    }

    #[test]
    fn only_the_oldest_dated_backups_beyond_the_limit_go() {
        let folder = names(&[
            "enough-20260103T030000Z.db",
            "enough-20260101T030000Z.db",
            "notes.txt",
            "enough-20260102T030000Z.db",
            "enough-before-upgrade.db",
            "enough-20260104T030000Z.db",
            "enough-20260199T030000Z.db",
            "enough-20260105T030000Z.db.partial",
            "live.db",
        ]);
        assert_eq!(
            beyond(&folder, 2),
            names(&["enough-20260101T030000Z.db", "enough-20260102T030000Z.db"])
        );
        assert!(beyond(&folder, 4).is_empty());
        assert_eq!(beyond(&folder, 1).len(), 3);
    }
}
