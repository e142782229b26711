//! What an attacker sends, answered calmly: imports bounded whatever the file, deleted data
//! gone from the SQLite files, private file modes, timeouts on unfinished requests, JSON-only
//! API bodies with JSON errors, CSV exports that do not run formulas, bounded timer
//! parameters, absolute links from `--public-url`, and `X-Forwarded-For` read right to left.

use crate::cli::enough;
use crate::common::{
    Backend, FreshDb, PASSWORD, TestServer, backends, csrf_in, get, on_every_backend,
    signed_in_browser,
};
use enough_domain::account::Role;
use enough_web::WebConfig;
use serde_json::{Value, json};
use std::io::Write;
use std::time::{Duration, Instant};

const ANA: &str = "ana@example.org";

/// Uploads `bytes` as a `format` import; returns (status, page, seconds taken).
async fn upload(
    client: &reqwest::Client,
    server: &TestServer,
    format: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, String, f64) {
    let (_, form) = get(client, &format!("{}/import", server.url)).await;
    let multipart = reqwest::multipart::Form::new()
        .text("csrf", csrf_in(&form))
        .text("format", format.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    let started = Instant::now();
    let response = client
        .post(format!("{}/import/preview", server.url))
        .multipart(multipart)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        response.text().await.unwrap(),
        started.elapsed().as_secs_f64(),
    )
}

/// A zip holding one `export.xml` whose only content is a text node of `mib` MiB.
fn zip_with_one_text_node(mib: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "apple_health_export/export.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?>\n<HealthData locale=\"en\">")
        .unwrap();
    let mib_of_text = vec![b'a'; 1 << 20];
    for _ in 0..mib {
        zip.write_all(&mib_of_text).unwrap();
    }
    zip.write_all(b"</HealthData>\n").unwrap();
    zip.finish().unwrap().into_inner()
}

#[tokio::test]
async fn imports_over_a_limit_are_refused_with_422_naming_it_and_write_nothing() {
    on_every_backend("security_input_import_limits", |server, _| async move {
        let ana = server.add_user(ANA, Role::Person).await;
        let client = signed_in_browser(&server, ANA).await;
        // 5,000 columns: the old reader built a field per column for every row.
        let wide = format!("date,mood\n2025-01-01{}\n", ",5".repeat(5_000)).into_bytes();
        // One 10 MB line.
        let long = format!("date,note\n2025-01-01,{}\n", "x".repeat(10 << 20)).into_bytes();
        // A small zip holding one 64 MiB text node (the attack used 2 GB).
        let bomb = zip_with_one_text_node(64);
        assert!(bomb.len() < 1 << 20, "the zip is small: {}", bomb.len());
        for (format, name, bytes, limit) in [
            ("csv", "wide.csv", wide, "more than 1000 columns"),
            ("csv", "long.csv", long, "longer than 1 MiB"),
            ("apple-health", "export.zip", bomb, "the most enough reads"),
        ] {
            let (status, page, seconds) = upload(&client, &server, format, name, bytes).await;
            assert_eq!(status, 422, "{name}: {page}");
            assert!(page.contains(limit), "{name} names the limit: {page}");
            assert!(seconds < 10.0, "{name} answered in {seconds:.1} s");
        }
        assert!(
            server.app.days(&ana, None, None).await.unwrap().is_empty(),
            "nothing was written"
        );
    })
    .await;
}

#[tokio::test]
async fn a_daylight_point_worth_a_billion_days_is_one_problem_answered_at_once() {
    on_every_backend("security_input_daylight_point", |server, _| async move {
        server.add_user(ANA, Role::Person).await;
        let client = signed_in_browser(&server, ANA).await;
        // Equal start and end with value="1e13": the old code stepped ~7·10⁹ days.
        let xml = "<?xml version=\"1.0\"?>\n<HealthData locale=\"en\">\n\
             <Record type=\"HKQuantityTypeIdentifierTimeInDaylight\" unit=\"min\" \
             startDate=\"2025-01-01 10:00:00 +0000\" endDate=\"2025-01-01 10:00:00 +0000\" \
             value=\"1e13\"/>\n</HealthData>\n";
        let (status, page, seconds) = upload(
            &client,
            &server,
            "apple-health",
            "export.xml",
            xml.as_bytes().to_vec(),
        )
        .await;
        assert_eq!(status, 200, "{page}");
        assert!(seconds < 10.0, "answered in {seconds:.1} s");
        assert!(
            page.contains("more daylight than two days hold"),
            "the problem is named: {page}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_cli_refuses_an_adversarial_import_with_a_non_zero_exit_naming_the_limit() {
    let db = FreshDb::new(Backend::Sqlite).await;
    let url = db.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wide.csv");
    std::fs::write(
        &file,
        format!("date,mood\n2025-01-01{}\n", ",5".repeat(5_000)),
    )
    .unwrap();
    tokio::task::spawn_blocking(move || {
        let added = enough(
            &url,
            &["user", "add", "--email", ANA, "--password-stdin"],
            Some(&format!("{PASSWORD}\n")),
        );
        assert!(added.status.success());
        let out = enough(
            &url,
            &[
                "import",
                "csv",
                file.to_str().unwrap(),
                "--email",
                ANA,
                "--dry-run",
            ],
            None,
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "refused");
        assert!(stderr.contains("more than 1000 columns"), "{stderr}");
    })
    .await
    .unwrap();
    db.finish().await;
}

fn file_bytes(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn a_deleted_accounts_text_is_gone_from_the_database_and_its_wal() {
    for backend in backends("security_input_secure_delete") {
        let db = FreshDb::new(backend).await;
        let server = TestServer::start(db.store().await).await;
        let ana = server.add_user(ANA, Role::Person).await;
        let token = server.token_for(&ana).await;
        let secret = "Zebra-lantern-4471 is why I stay";
        let client = reqwest::Client::new();
        let reply = client
            .put(format!("{}/api/v1/safety-plan", server.url))
            .bearer_auth(&token)
            .json(&json!({ "reasons_for_living": [secret] }))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200);
        server.app.delete_account(&ana, PASSWORD).await.unwrap();
        assert!(server.app.user_by_email(ANA).await.is_err(), "deleted");
        if backend == Backend::Sqlite {
            let path = db.url.strip_prefix("sqlite://").unwrap().to_owned();
            for file in [path.clone(), format!("{path}-wal")] {
                let bytes = file_bytes(std::path::Path::new(&file));
                assert!(
                    !contains(&bytes, secret.as_bytes()),
                    "{file} still holds the deleted text"
                );
            }
        }
        drop(server);
        db.finish().await;
    }
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_folder_database_backups_and_exports_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db_path = data.join("enough.db");
    let url = format!("sqlite://{}", db_path.display());
    let backup = dir.path().join("backup.db");
    let export = dir.path().join("export.zip");
    let (b, e) = (backup.clone(), export.clone());
    tokio::task::spawn_blocking(move || {
        let added = enough(
            &url,
            &["user", "add", "--email", ANA, "--password-stdin"],
            Some(&format!("{PASSWORD}\n")),
        );
        assert!(added.status.success(), "{added:?}");
        let backed_up = enough(&url, &["backup", b.to_str().unwrap()], None);
        assert!(backed_up.status.success(), "{backed_up:?}");
        let exported = enough(
            &url,
            &[
                "export",
                "--email",
                ANA,
                "--format",
                "csv",
                "--output",
                e.to_str().unwrap(),
            ],
            None,
        );
        assert!(exported.status.success(), "{exported:?}");
    })
    .await
    .unwrap();
    assert_eq!(mode(&data), 0o700, "data folder");
    assert_eq!(mode(&db_path), 0o600, "database");
    assert_eq!(mode(&backup), 0o600, "backup");
    assert_eq!(mode(&export), 0o600, "CLI export");
    // While a server has it open, the WAL and shared-memory files too.
    let store = enough_store_sqlite::SqliteStore::open(&format!("sqlite://{}", db_path.display()))
        .await
        .unwrap();
    for suffix in ["-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", db_path.display()));
        assert_eq!(mode(&file), 0o600, "{suffix}");
    }
    drop(store);
}

#[tokio::test]
async fn connections_that_never_finish_their_headers_are_dropped() {
    // Not about storage: the listener is the same whatever the backend, so SQLite only.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let db = FreshDb::new(Backend::Sqlite).await;
    let server = TestServer::start(db.store().await).await;
    let address = server.url.strip_prefix("http://").unwrap().to_owned();
    let mut held = Vec::new();
    for _ in 0..50 {
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1")
            .await
            .unwrap();
        held.push(stream);
    }
    let started = Instant::now();
    let limit = enough_web::HEADER_READ_TIMEOUT + Duration::from_secs(5);
    for stream in &mut held {
        let mut buf = [0u8; 512];
        let left = limit.saturating_sub(started.elapsed());
        let closed = tokio::time::timeout(left, async {
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        })
        .await;
        assert!(
            closed.is_ok(),
            "a connection was still held after {limit:?}"
        );
    }
    // Meanwhile, and after, the server answers others.
    let (status, _) = get(&reqwest::Client::new(), &format!("{}/crisis", server.url)).await;
    assert_eq!(status, 200);
    drop(server);
    db.finish().await;
}

#[tokio::test]
async fn the_api_takes_only_json_bodies_and_answers_every_refusal_in_json() {
    on_every_backend("security_input_api_json", |server, _| async move {
        let ana = server.add_user(ANA, Role::Person).await;
        let token = server.token_for(&ana).await;
        let client = reqwest::Client::new();
        let body = r#"{"daylight_hours": 2, "energy": 5, "mood": 5, "outside_morning": true}"#;
        let today = server.app.today(&ana);
        let date = today.to_string();
        let plain = client
            .put(format!("{}/api/v1/days/{date}", server.url))
            .bearer_auth(&token)
            .header("content-type", "text/plain")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(plain.status(), 415);
        let error: Value = plain.json().await.unwrap();
        assert_eq!(error["error"]["status"], 415);
        assert!(server.app.day(&ana, today).await.is_err(), "nothing saved");

        let json_body = client
            .put(format!("{}/api/v1/days/{date}", server.url))
            .bearer_auth(&token)
            .header("content-type", "application/json; charset=utf-8")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(json_body.status().is_success(), "{}", json_body.status());

        let bad_id = client
            .get(format!("{}/api/v1/exercises/not-a-number", server.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(bad_id.status(), 400);
        assert!(
            bad_id.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let error: Value = bad_id.json().await.unwrap();
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.contains("id"), "names the parameter: {message}");
    })
    .await;
}

#[tokio::test]
async fn csv_exports_do_not_run_formulas() {
    on_every_backend("security_input_csv_formulas", |server, _| async move {
        let ana = server.add_user(ANA, Role::Person).await;
        let token = server.token_for(&ana).await;
        let date = server.app.today(&ana).to_string();
        let formula = "=HYPERLINK(\"http://127.0.0.1:9/x\",\"open\")";
        let reply = reqwest::Client::new()
            .put(format!("{}/api/v1/days/{date}", server.url))
            .bearer_auth(&token)
            .json(&json!({"daylight_hours": 2, "energy": 5, "mood": 5,
                          "outside_morning": true, "note": formula}))
            .send()
            .await
            .unwrap();
        assert!(reply.status().is_success());
        let zip = server.app.export_csv_zip(&ana).await.unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let mut days = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("days.csv").unwrap(), &mut days)
            .unwrap();
        let mut reader = csv::Reader::from_reader(days.as_bytes());
        let note = reader.records().next().unwrap().unwrap()[10].to_owned();
        assert_eq!(note, format!("'{formula}"));
    })
    .await;
}

#[tokio::test]
async fn timer_parameters_out_of_range_get_a_clear_page_not_a_crash() {
    on_every_backend("security_input_timer", |server, _| async move {
        server.add_user(ANA, Role::Person).await;
        let client = signed_in_browser(&server, ANA).await;
        for query in [
            "minutes=240&until=-8334601228800",
            "minutes=25&until=9223372036854775807",
            "minutes=99999",
            "minutes=-5",
        ] {
            let (status, page) =
                get(&client, &format!("{}/toolkit/timer?{query}", server.url)).await;
            assert_eq!(status, 400, "{query}: {page}");
            assert!(page.contains("Start a new timer"), "{query}");
        }
        let (status, _) = get(&client, &format!("{}/toolkit/timer?minutes=10", server.url)).await;
        assert_eq!(status, 303, "a good timer starts");
    })
    .await;
}

#[tokio::test]
async fn feed_links_use_the_public_url_never_the_host_header() {
    for backend in backends("security_input_public_url") {
        let db = FreshDb::new(backend).await;
        let server = TestServer::start_with(
            db.store().await,
            WebConfig {
                public_url: Some("https://enough.example.org".to_owned()),
                ..WebConfig::default()
            },
        )
        .await;
        let ana = server.add_user(ANA, Role::Person).await;
        let token = server.token_for(&ana).await;
        let reply = reqwest::Client::new()
            .put(format!("{}/api/v1/calendar-feed", server.url))
            .bearer_auth(&token)
            .header("host", "evil.example")
            .header("x-forwarded-proto", "https")
            .json(&json!({"reminder_time": "08:30"}))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 201);
        let body: Value = reply.json().await.unwrap();
        let url = body["url"].as_str().unwrap();
        assert!(
            url.starts_with("https://enough.example.org/calendar/"),
            "{url}"
        );
        drop(server);
        db.finish().await;
    }
}

#[tokio::test]
async fn forwarded_for_is_read_right_to_left_past_trusted_proxies_only() {
    for backend in backends("security_input_forwarded_for") {
        let db = FreshDb::new(backend).await;
        let server = TestServer::start_with(
            db.store().await,
            WebConfig {
                trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
                ..WebConfig::default()
            },
        )
        .await;
        let therapist = server.add_user("t@example.org", Role::Therapist).await;
        let ana = server.add_user(ANA, Role::Person).await;
        let (t_token, a_token) = (
            server.token_for(&therapist).await,
            server.token_for(&ana).await,
        );
        let client = reqwest::Client::new();
        let invitation: Value = client
            .post(format!("{}/api/v1/care/invitations", server.url))
            .bearer_auth(&t_token)
            .json(&json!({"label": "first session"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let joined: Value = client
            .post(format!("{}/api/v1/care/join", server.url))
            .bearer_auth(&a_token)
            .json(&json!({"code": invitation["code"], "categories": ["log"]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(joined["id"].is_i64(), "{joined}");
        for forwarded in ["Your own home, 203.0.113.9", "203.0.113.9, Your own home"] {
            let read = client
                .get(format!("{}/api/v1/care/people/{}/days", server.url, ana.id))
                .bearer_auth(&t_token)
                .header("x-forwarded-for", forwarded)
                .send()
                .await
                .unwrap();
            assert_eq!(read.status(), 200);
        }
        let log = server.app.access_log(&ana).await.unwrap();
        let mut addresses: Vec<&str> = log.iter().map(|r| r.address.as_str()).collect();
        addresses.sort_unstable();
        assert_eq!(
            addresses,
            ["127.0.0.1", "203.0.113.9"],
            "the proxy's own claim, or the proxy itself; never the client's text"
        );
        drop(server);
        db.finish().await;
    }
}
