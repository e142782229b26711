//! An acknowledged write survives SIGKILL of the server right after the response.

use crate::common::{FreshDb, backends};
use serde_json::json;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Starts `enough serve` on a free port and returns it with its base URL.
pub async fn start_server(db_url: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_enough"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("ENOUGH_DATABASE", db_url)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let url = loop {
        let line = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
            .await
            .expect("the server starts within a minute")
            .unwrap()
            .expect("the server printed its address");
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

#[tokio::test]
async fn acknowledged_days_survive_a_kill_9() {
    for backend in backends("durability") {
        let db = FreshDb::new(backend).await;
        let token = crate::cli::ana_with_token(&db.url).await;

        let (mut server, base) = start_server(&db.url).await;
        let client = reqwest::Client::new();
        let mut writes = tokio::task::JoinSet::new();
        for i in 0..80u32 {
            let (client, base, token) = (client.clone(), base.clone(), token.clone());
            writes.spawn(async move {
                let date = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(u64::from(i));
                let body = json!({"daylight_hours": 1, "energy": i % 11, "mood": (i * 7) % 11, "outside_morning": i % 2 == 0});
                let r = client.put(format!("{base}/api/v1/days/{date}")).bearer_auth(&token).json(&body).send().await;
                match r {
                    Ok(r) if r.status() == 201 => Some((date, (i * 7) % 11)),
                    _ => None,
                }
            });
        }
        // Kill the server the moment 40 writes are acknowledged, with the rest still in flight.
        let mut acknowledged = Vec::new();
        let mut killed = false;
        while let Some(result) = writes.join_next().await {
            if let Some(ack) = result.unwrap() {
                acknowledged.push(ack);
            }
            if acknowledged.len() >= 40 && !killed {
                server.kill().await.unwrap(); // SIGKILL: no shutdown, no flush
                killed = true;
            }
        }
        assert!(
            killed,
            "{backend:?}: 40 writes were acknowledged before the kill"
        );

        let (mut again, base) = start_server(&db.url).await;
        for (date, mood) in acknowledged {
            let day: serde_json::Value = client
                .get(format!("{base}/api/v1/days/{date}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(day["mood"], mood, "{backend:?}: {date} survived");
        }
        again.kill().await.unwrap();
        db.finish().await;
    }
}
