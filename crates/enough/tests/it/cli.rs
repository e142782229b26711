//! The real binary's shell commands, on every backend.

use crate::common::{FreshDb, backends};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

pub fn enough(db_url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_enough"))
        .args(args)
        .env("ENOUGH_DATABASE", db_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// Adds ana@example.org through the real CLI and returns a personal access token for her.
pub async fn ana_with_token(db_url: &str) -> String {
    let url = db_url.to_owned();
    let token = tokio::task::spawn_blocking(move || {
        ok(&enough(
            &url,
            &[
                "user",
                "add",
                "--email",
                "ana@example.org",
                "--password-stdin",
            ],
            Some("a long enough password\n"),
        ));
        ok(&enough(
            &url,
            &["token", "create", "--email", "ana@example.org"],
            None,
        ))
    })
    .await
    .unwrap();
    token.trim().to_owned()
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn an_admin_manages_accounts_and_logs_days_from_the_shell() {
    for backend in backends("cli") {
        let db = FreshDb::new(backend).await;
        let url = db.url.clone();
        tokio::task::spawn_blocking(move || {
            let added = ok(&enough(
                &url,
                &[
                    "user",
                    "add",
                    "--email",
                    "Ana@Example.org",
                    "--role",
                    "therapist",
                    "--password-stdin",
                    "--time-zone",
                    "Europe/London",
                ],
                Some("a long enough password\n"),
            ));
            assert!(added.contains("added ana@example.org (therapist)"));
            let duplicate = enough(
                &url,
                &[
                    "user",
                    "add",
                    "--email",
                    "ana@example.org",
                    "--password-stdin",
                ],
                Some("a long enough password\n"),
            );
            assert!(!duplicate.status.success());
            assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));
            let short = enough(
                &url,
                &[
                    "user",
                    "add",
                    "--email",
                    "ben@example.org",
                    "--password-stdin",
                ],
                Some("short\n"),
            );
            assert!(
                String::from_utf8_lossy(&short.stderr)
                    .contains("--password: Please choose a password of at least 12")
            );

            let users: Value =
                serde_json::from_str(&ok(&enough(&url, &["user", "list", "--json"], None)))
                    .unwrap();
            assert_eq!(users.as_array().unwrap().len(), 1);
            assert_eq!(users[0]["role"], "therapist");

            let token = ok(&enough(
                &url,
                &["token", "create", "--email", "ana@example.org"],
                None,
            ));
            assert!(token.trim().starts_with("enough_pat_"));

            let logged = ok(&enough(
                &url,
                &[
                    "log",
                    "--email",
                    "ana@example.org",
                    "--date",
                    "2026-01-05",
                    "--daylight",
                    "1.75",
                    "--energy",
                    "4",
                    "--mood",
                    "6",
                    "--outside-morning",
                    "yes",
                    "--habit",
                    "got_outside",
                    "--note",
                    "frosty walk",
                ],
                None,
            ));
            assert!(logged.contains("logged 2026-01-05"));
            let bad = enough(
                &url,
                &[
                    "log",
                    "--email",
                    "ana@example.org",
                    "--date",
                    "2026-01-06",
                    "--daylight",
                    "30",
                    "--energy",
                    "x",
                    "--mood",
                    "11",
                    "--outside-morning",
                    "maybe",
                ],
                None,
            );
            assert!(!bad.status.success());
            let err = String::from_utf8_lossy(&bad.stderr);
            for flag in [
                "--daylight-hours",
                "--energy",
                "--mood",
                "--outside-morning",
            ] {
                assert!(err.contains(flag), "{flag} named in {err}");
            }
            let days: Value = serde_json::from_str(&ok(&enough(
                &url,
                &["days", "--email", "ana@example.org", "--json"],
                None,
            )))
            .unwrap();
            let days = days.as_array().unwrap();
            assert_eq!(days.len(), 1, "the refused day was not written");
            assert_eq!(days[0]["daylight_hours"], 1.75);
            assert_eq!(days[0]["habits"]["got_outside"], true);
            assert_eq!(days[0]["note"], "frosty walk");

            let unknown = enough(&url, &["days", "--email", "nobody@example.org"], None);
            assert!(
                String::from_utf8_lossy(&unknown.stderr)
                    .contains("no account has that e-mail address")
            );
        })
        .await
        .unwrap();
        db.finish().await;
    }
}

#[test]
fn a_backup_restores_and_a_damaged_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("live.db").display());
    let backup = dir.path().join("backup.db");
    let backup_arg = backup.to_str().unwrap();
    ok(&enough(
        &url,
        &[
            "user",
            "add",
            "--email",
            "ana@example.org",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    ));
    ok(&enough(
        &url,
        &[
            "log",
            "--email",
            "ana@example.org",
            "--date",
            "2026-01-05",
            "--daylight",
            "1",
            "--energy",
            "4",
            "--mood",
            "6",
            "--outside-morning",
            "yes",
        ],
        None,
    ));
    assert!(ok(&enough(&url, &["backup", backup_arg], None)).contains("integrity check ok"));
    // A day logged after the backup disappears again on restore.
    ok(&enough(
        &url,
        &[
            "log",
            "--email",
            "ana@example.org",
            "--date",
            "2026-01-06",
            "--daylight",
            "1",
            "--energy",
            "4",
            "--mood",
            "2",
            "--outside-morning",
            "no",
        ],
        None,
    ));
    assert!(ok(&enough(&url, &["restore", backup_arg], None)).contains("restored"));
    let days: Value = serde_json::from_str(&ok(&enough(
        &url,
        &["days", "--email", "ana@example.org", "--json"],
        None,
    )))
    .unwrap();
    assert_eq!(days.as_array().unwrap().len(), 1);

    let damaged = dir.path().join("damaged.db");
    let mut bytes = std::fs::read(&backup).unwrap();
    bytes.truncate(bytes.len() / 2);
    for b in bytes.iter_mut().skip(200).take(4000) {
        *b = 0x5a;
    }
    std::fs::write(&damaged, bytes).unwrap();
    let refused = enough(&url, &["restore", damaged.to_str().unwrap()], None);
    assert!(!refused.status.success(), "a damaged backup is refused");
    let days: Value = serde_json::from_str(&ok(&enough(
        &url,
        &["days", "--email", "ana@example.org", "--json"],
        None,
    )))
    .unwrap();
    assert_eq!(
        days.as_array().unwrap().len(),
        1,
        "the live database is untouched"
    );
    let not_sqlite = enough("postgres://x@127.0.0.1/none", &["backup", backup_arg], None);
    assert!(String::from_utf8_lossy(&not_sqlite.stderr).contains("pg_dump"));
}

#[test]
fn dated_backups_in_a_folder_keep_only_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("live.db").display());
    ok(&enough(
        &url,
        &[
            "user",
            "add",
            "--email",
            "ana@example.org",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    ));
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    // Three older dated backups, a renamed one and someone's notes.
    for name in [
        "enough-20200101T030000Z.db",
        "enough-20200101T030000Z.db-wal",
        "enough-20200102T030000Z.db",
        "enough-20200103T030000Z.db",
        "enough-before-upgrade.db",
        "notes.txt",
    ] {
        std::fs::write(folder.join(name), b"older").unwrap();
    }
    let listing = |folder: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    let folder_arg = format!("{}/", folder.display());
    let out = ok(&enough(&url, &["backup", &folder_arg, "--keep", "2"], None));
    assert!(out.contains("integrity check ok"), "{out}");
    let names = listing(&folder);
    let new: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("enough-20") && !n.starts_with("enough-2020"))
        .collect();
    assert_eq!(new.len(), 1, "{names:?}");
    assert_eq!(
        names,
        vec![
            "enough-20200103T030000Z.db".to_owned(),
            new[0].clone(),
            "enough-before-upgrade.db".to_owned(),
            "notes.txt".to_owned(),
        ],
        "the newest two dated backups stay, nothing else is touched"
    );
    assert!(out.contains("removed") && out.contains("enough-20200101T030000Z.db"));
    // The new backup restores.
    let restored = ok(&enough(
        &url,
        &["restore", folder.join(new[0]).to_str().unwrap()],
        None,
    ));
    assert!(restored.contains("1 accounts"), "{restored}");

    // --keep needs a folder, and keeps at least one.
    let file = dir.path().join("one.db");
    let refused = enough(
        &url,
        &["backup", file.to_str().unwrap(), "--keep", "3"],
        None,
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--keep needs a folder"));
    assert!(!file.exists(), "nothing was written");
    let refused = enough(&url, &["backup", &folder_arg, "--keep", "0"], None);
    assert!(!refused.status.success());
    assert_eq!(listing(&folder), names, "nothing changed");
    // A folder that does not exist yet is created, private.
    let fresh = dir.path().join("fresh");
    let fresh_arg = format!("{}/", fresh.display());
    ok(&enough(&url, &["backup", &fresh_arg, "--keep", "1"], None));
    assert_eq!(listing(&fresh).len(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&fresh).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}

#[tokio::test]
async fn imports_preview_write_once_and_change_nothing_the_second_time() {
    for backend in backends("cli_import") {
        let db = FreshDb::new(backend).await;
        let url = db.url.clone();
        tokio::task::spawn_blocking(move || {
            ok(&enough(
                &url,
                &[
                    "user",
                    "add",
                    "--email",
                    "ana@example.org",
                    "--password-stdin",
                ],
                Some("a long enough password\n"),
            ));
            let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../domain/tests-data/import");
            let generic = format!("{fixtures}/generic.csv");
            let clean = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/clean.csv");
            let import = |extra: &[&str]| {
                let mut args = vec!["import", "csv", clean, "--email", "ana@example.org"];
                args.extend_from_slice(extra);
                enough(&url, &args, None)
            };

            // Rows with errors: every problem named by line, and nothing imported at all.
            let bad = enough(
                &url,
                &[
                    "import",
                    "csv",
                    generic.as_str(),
                    "--email",
                    "ana@example.org",
                ],
                None,
            );
            assert!(!bad.status.success());
            let out = String::from_utf8_lossy(&bad.stdout);
            assert!(
                out.contains("line 5"),
                "the out-of-range mood is named by line: {out}"
            );
            assert!(String::from_utf8_lossy(&bad.stderr).contains("nothing was imported"));

            // A dry run reports rows and changes, and writes nothing.
            let dry = ok(&import(&["--dry-run"]));
            assert!(dry.contains("Would create 2 days"), "{dry}");
            assert!(dry.contains("nothing was written"));
            let days = ok(&enough(
                &url,
                &["days", "--email", "ana@example.org", "--json"],
                None,
            ));
            assert_eq!(days.trim(), "[]", "{days}");

            let first = ok(&import(&[]));
            assert!(first.contains("Wrote 2 days"), "{first}");
            let second = ok(&import(&[]));
            assert!(second.contains("Would create 0 days, change 0"), "{second}");
            assert!(second.contains("Wrote 0 days"), "{second}");
            let days = ok(&enough(
                &url,
                &["days", "--email", "ana@example.org", "--json"],
                None,
            ));
            assert!(days.contains("Short walk, then tea"), "{days}");

            // Daylio has moods but no daylight: new days bring the mood, the rest stays missing.
            let daylio = format!("{fixtures}/daylio_current.csv");
            let out = enough(
                &url,
                &[
                    "import",
                    "daylio",
                    daylio.as_str(),
                    "--email",
                    "ana@example.org",
                    "--dry-run",
                ],
                None,
            );
            let out = String::from_utf8_lossy(&out.stdout);
            assert!(out.contains("without daylight"), "{out}");
            assert!(out.contains("never guessed"), "{out}");
            assert!(
                out.contains("\"Anxious\" is not in the mood mapping"),
                "{out}"
            );
            // The person's own labels are read with their own mapping.
            let mapped = enough(
                &url,
                &[
                    "import",
                    "daylio",
                    daylio.as_str(),
                    "--email",
                    "ana@example.org",
                    "--dry-run",
                    "--moods",
                    "rad=10, good=8, meh=5, bad=3, awful=0, Anxious=3",
                ],
                None,
            );
            let mapped = String::from_utf8_lossy(&mapped.stdout);
            assert!(!mapped.contains("Anxious"), "{mapped}");
            // Activities no keyword matches are listed by name, never guessed; the person's own
            // activity mapping replaces the defaults.
            assert!(out.contains("Not matched to a habit: sleeping (1)"), "{out}");
            let own = enough(
                &url,
                &[
                    "import",
                    "daylio",
                    daylio.as_str(),
                    "--email",
                    "ana@example.org",
                    "--dry-run",
                    "--activities",
                    "moved_my_body: gym; joyful_activity: sleep",
                ],
                None,
            );
            let own = String::from_utf8_lossy(&own.stdout);
            assert!(
                own.contains("Not matched to a habit: friends (1), good meal (1), movies / tv (1), walking (1)"),
                "{own}"
            );
            let bad = enough(
                &url,
                &[
                    "import",
                    "daylio",
                    daylio.as_str(),
                    "--email",
                    "ana@example.org",
                    "--dry-run",
                    "--activities",
                    "moved_my_body: gym, , walk",
                ],
                None,
            );
            assert!(!bad.status.success());
            let bad = String::from_utf8_lossy(&bad.stderr);
            assert!(bad.contains("empty activity"), "{bad}");

            // A non-empty file with nothing to import is a failure, with the reason.
            let empty_dir = tempfile::tempdir().unwrap();
            let useless = empty_dir.path().join("useless.csv");
            std::fs::write(
                &useless,
                "full_date,date,weekday,time,mood,activities,note_title,note\n",
            )
            .unwrap();
            let nothing = enough(
                &url,
                &[
                    "import",
                    "daylio",
                    useless.to_str().unwrap(),
                    "--email",
                    "ana@example.org",
                ],
                None,
            );
            assert!(!nothing.status.success(), "nothing imported is an error");
            assert!(
                String::from_utf8_lossy(&nothing.stderr).contains("nothing could be imported"),
                "{}",
                String::from_utf8_lossy(&nothing.stderr)
            );

            let missing = enough(
                &url,
                &[
                    "import",
                    "csv",
                    "/nonexistent.csv",
                    "--email",
                    "ana@example.org",
                ],
                None,
            );
            assert!(!missing.status.success());
            assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot open"));
        })
        .await
        .unwrap();
        db.finish().await;
    }
}
