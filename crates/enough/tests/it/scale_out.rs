//! Several `enough serve` processes over one PostgreSQL: sessions, writes and reads are shared.

use crate::cli::enough;
use crate::common::{FreshDb, PASSWORD, csrf_in};
use crate::durability::start_server;
use enough_store_postgres::testing::base_url_from_env;
use serde_json::{Value, json};

#[tokio::test]
async fn two_servers_share_sessions_and_days_over_postgres() {
    if base_url_from_env("two_servers_share_sessions_and_days_over_postgres").is_none() {
        return;
    }
    let db = FreshDb::new(crate::common::Backend::Postgres).await;
    let token = crate::cli::ana_with_token(&db.url).await;
    let (mut one, one_url) = start_server(&db.url).await;
    let (mut two, two_url) = start_server(&db.url).await;

    // Sign in through server one; the session cookie works on server two.
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client
        .get(format!("{one_url}/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let signed_in = client
        .post(format!("{one_url}/sign-in"))
        .form(&[
            ("csrf", csrf_in(&page).as_str()),
            ("email", "ana@example.org"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let cookie = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("enough_session="))
        .unwrap();
    let on_two = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let home = on_two
        .get(&two_url)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        home.status(),
        200,
        "the session from server one is valid on server two"
    );
    let home = home.text().await.unwrap();
    assert!(home.contains("Today, "));

    // A form on server two, with the CSRF token that server one's session carries.
    let api = reqwest::Client::new();
    let date = "2026-11-20";
    let saved = on_two
        .post(format!("{two_url}/days"))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf_in(&home).as_str()),
            ("date", date),
            ("daylight_hours", "2"),
            ("energy", "4"),
            ("mood", "6"),
            ("outside_morning", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 303);
    let read: Value = api
        .get(format!("{one_url}/api/v1/days/{date}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["mood"], 6, "written through two, read through one");

    // Concurrent writes of the same day through both servers end in one consistent row.
    for round in 0..10 {
        let day = format!("2026-10-{:02}", round + 1);
        let write = |base: String, mood: u8| {
            let (api, token, day) = (api.clone(), token.clone(), day.clone());
            async move {
                let body = json!({"daylight_hours": 1, "energy": mood, "mood": mood, "outside_morning": true, "note": format!("from {mood}")});
                api.put(format!("{base}/api/v1/days/{day}"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        let (a, b) = tokio::join!(write(one_url.clone(), 3), write(two_url.clone(), 8));
        let mut statuses = [a, b];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 201], "exactly one write created the day");
        let row: Value = api
            .get(format!("{two_url}/api/v1/days/{day}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mood = row["mood"].as_u64().unwrap();
        assert!(mood == 3 || mood == 8);
        assert_eq!(
            row["energy"].as_u64().unwrap(),
            mood,
            "no mix of the two writes"
        );
        assert_eq!(row["note"], format!("from {mood}"));
    }
    let all: Value = api
        .get(format!("{one_url}/api/v1/days"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["days"].as_array().unwrap().len(), 11);

    one.kill().await.unwrap();
    two.kill().await.unwrap();
    db.finish().await;
}

#[tokio::test]
async fn an_sqlite_installation_moves_to_postgres_verified() {
    if base_url_from_env("an_sqlite_installation_moves_to_postgres_verified").is_none() {
        return;
    }
    let sqlite = FreshDb::new(crate::common::Backend::Sqlite).await;
    let postgres = FreshDb::new(crate::common::Backend::Postgres).await;
    let (from, to) = (sqlite.url.clone(), postgres.url.clone());
    let token = tokio::task::spawn_blocking(move || {
        enough(
            &from,
            &[
                "user",
                "add",
                "--email",
                "ana@example.org",
                "--role",
                "admin",
                "--password-stdin",
            ],
            Some(&format!("{PASSWORD}\n")),
        );
        enough(
            &from,
            &[
                "user",
                "add",
                "--email",
                "ben@example.org",
                "--password-stdin",
            ],
            Some(&format!("{PASSWORD}\n")),
        );
        for day in 1..=20 {
            let date = format!("2026-09-{day:02}");
            let mood = (day % 11).to_string();
            let out = enough(
                &from,
                &[
                    "log",
                    "--email",
                    "ben@example.org",
                    "--date",
                    &date,
                    "--daylight",
                    "0.75",
                    "--energy",
                    "5",
                    "--mood",
                    &mood,
                    "--outside-morning",
                    "no",
                    "--note",
                    "ünïcode and 'quotes'",
                ],
                None,
            );
            assert!(out.status.success());
        }
        let token = String::from_utf8(
            enough(
                &from,
                &["token", "create", "--email", "ben@example.org"],
                None,
            )
            .stdout,
        )
        .unwrap();
        let moved = enough(
            &from,
            &["migrate-store", "--from", &from, "--to", &to],
            None,
        );
        let report = String::from_utf8_lossy(&moved.stdout).into_owned();
        assert!(
            moved.status.success(),
            "{}",
            String::from_utf8_lossy(&moved.stderr)
        );
        assert!(report.contains("verified"), "{report}");
        assert!(
            report
                .lines()
                .any(|l| l.starts_with("days") && l.contains(" 20 ")),
            "{report}"
        );
        assert!(
            report
                .lines()
                .any(|l| l.starts_with("users") && l.contains(" 2 ")),
            "{report}"
        );
        let again = enough(
            &from,
            &["migrate-store", "--from", &from, "--to", &to],
            None,
        );
        assert!(
            !again.status.success(),
            "a second migration into a full database is refused"
        );
        assert!(String::from_utf8_lossy(&again.stderr).contains("already holds data"));
        token
    })
    .await
    .unwrap();

    // The moved installation works: the same token reads the same days through PostgreSQL.
    let (mut server, base) = start_server(&postgres.url).await;
    let days: Value = reqwest::Client::new()
        .get(format!("{base}/api/v1/days"))
        .bearer_auth(token.trim())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let days = days["days"].as_array().unwrap();
    assert_eq!(days.len(), 20);
    assert_eq!(days[0]["note"], "ünïcode and 'quotes'");
    server.kill().await.unwrap();
    sqlite.finish().await;
    postgres.finish().await;
}
