//! What operators see: `/metrics` (by route template, never a person's path; loopback or a
//! token only), `/healthz`, `/readyz`, and a request id on every answer and log line.

use crate::common::{Backend, FreshDb, TestServer, backends, on_every_backend};
use enough_domain::account::Role;
use enough_web::WebConfig;
use serde_json::{Value, json};
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};

async fn metrics_text(url: &str) -> String {
    let reply = reqwest::get(format!("{url}/metrics")).await.unwrap();
    assert_eq!(reply.status(), 200);
    assert!(
        reply.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    reply.text().await.unwrap()
}

/// The count on the `enough_http_requests_total` line with exactly these labels.
fn requests(text: &str, method: &str, route: &str, status: &str) -> u64 {
    let prefix = format!(
        "enough_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} "
    );
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .map_or(0, |n| n.parse().unwrap())
}

#[tokio::test]
async fn metrics_count_requests_under_their_route_template_and_never_the_path_asked() {
    on_every_backend("operations_metrics", |server, backend| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let token = server.token_for(&ana).await;
        let client = reqwest::Client::new();
        for date in ["2025-03-04", "2025-03-05"] {
            let put = client
                .put(format!("{}/api/v1/days/{date}", server.url))
                .bearer_auth(&token)
                .json(&json!({"mood": 6}))
                .send()
                .await
                .unwrap();
            assert_eq!(put.status(), 201, "{backend:?}");
        }
        let read = client
            .get(format!("{}/api/v1/days/2025-03-04", server.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(read.status(), 200);
        // A path no route has, with an address in it: counted, but only as "unmatched".
        let lost = client
            .get(format!("{}/people/ana@example.org/1999-12-31", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(lost.status(), 404);

        let text = metrics_text(&server.url).await;
        assert_eq!(
            requests(&text, "PUT", "/api/v1/days/{date}", "2xx"),
            2,
            "{backend:?}: {text}"
        );
        assert_eq!(requests(&text, "GET", "/api/v1/days/{date}", "2xx"), 1);
        assert!(requests(&text, "GET", "unmatched", "4xx") >= 1);
        assert!(text.contains(
            "enough_http_request_duration_seconds_count{method=\"PUT\",route=\"/api/v1/days/{date}\"} 2"
        ));
        for personal in [
            "2025-03-04",
            "1999-12-31",
            "ana@example.org",
            "admin@example.org",
            token.as_str(),
        ] {
            assert!(!text.contains(personal), "{backend:?}: {personal} in\n{text}");
        }
        assert!(text.contains("enough_password_hash_threads "));
    })
    .await;
}

#[tokio::test]
async fn metrics_answer_loopback_or_the_token_and_nobody_relayed() {
    let db = FreshDb::new(Backend::Sqlite).await;
    let open = TestServer::start(db.store().await).await;
    let client = reqwest::Client::new();
    // A request a reverse proxy on this machine passed on is not the operator's own.
    for header in ["x-forwarded-for", "forwarded", "x-real-ip"] {
        let relayed = client
            .get(format!("{}/metrics", open.url))
            .header(header, "203.0.113.9")
            .send()
            .await
            .unwrap();
        assert_eq!(relayed.status(), 403, "{header}");
    }
    drop(open);

    let secret = "a-scraper-secret-of-32-characters";
    let guarded = TestServer::start_with(
        db.store().await,
        WebConfig {
            metrics_token: Some(secret.parse().unwrap()),
            ..WebConfig::default()
        },
    )
    .await;
    let status = |token: Option<&'static str>| {
        let mut request = client.get(format!("{}/metrics", guarded.url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.unwrap().status().as_u16() }
    };
    // With a token set, the token is needed even from loopback.
    assert_eq!(status(None).await, 403);
    assert_eq!(status(Some("a-scraper-secret-of-32-characterz")).await, 403);
    assert_eq!(status(Some("a-scraper-secret")).await, 403);
    assert_eq!(status(Some("a-scraper-secret-of-32-characters")).await, 200);
    db.finish().await;
}

#[tokio::test]
async fn healthz_and_readyz_answer_and_readyz_says_when_the_database_is_gone() {
    on_every_backend("operations_health", |server, backend| async move {
        for probe in ["healthz", "readyz"] {
            let reply = reqwest::get(format!("{}/{probe}", server.url))
                .await
                .unwrap();
            assert_eq!(reply.status(), 200, "{backend:?} {probe}");
        }
    })
    .await;
    // PostgreSQL can be taken away under a running server: readiness follows, liveness stays.
    for backend in backends("operations_not_ready") {
        if backend != Backend::Postgres {
            continue;
        }
        let db = FreshDb::new(backend).await;
        let server = TestServer::start(db.store().await).await;
        let ready = reqwest::get(format!("{}/readyz", server.url))
            .await
            .unwrap();
        assert_eq!(ready.status(), 200);
        db.finish().await; // drops the database, ending the server's connections
        let ready = reqwest::get(format!("{}/readyz", server.url))
            .await
            .unwrap();
        assert_eq!(ready.status(), 503);
        assert!(ready.headers().contains_key("retry-after"));
        let alive = reqwest::get(format!("{}/healthz", server.url))
            .await
            .unwrap();
        assert_eq!(alive.status(), 200);
    }
}

#[tokio::test]
async fn request_ids_are_made_here_unless_a_trusted_proxy_sent_one() {
    let db = FreshDb::new(Backend::Sqlite).await;
    let client = reqwest::Client::new();
    let direct = TestServer::start(db.store().await).await;
    let id_of = |url: String, sent: Option<&'static str>| {
        let mut request = client.get(url);
        if let Some(sent) = sent {
            request = request.header("x-request-id", sent);
        }
        async move {
            let reply = request.send().await.unwrap();
            reply.headers()["x-request-id"].to_str().unwrap().to_owned()
        }
    };
    let (a, b) = (
        id_of(format!("{}/healthz", direct.url), None).await,
        id_of(format!("{}/healthz", direct.url), Some("chosen-by-client")).await,
    );
    assert_ne!(a, b);
    assert_ne!(b, "chosen-by-client", "a client cannot choose its id");
    drop(direct);

    let behind_proxy = TestServer::start_with(
        db.store().await,
        WebConfig {
            trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
            ..WebConfig::default()
        },
    )
    .await;
    let url = format!("{}/healthz", behind_proxy.url);
    assert_eq!(
        id_of(url.clone(), Some("proxy-id-7f3a")).await,
        "proxy-id-7f3a"
    );
    // Not an id: a fresh one instead.
    assert_ne!(id_of(url, Some("ana@example.org")).await, "ana@example.org");
    drop(behind_proxy);
    db.finish().await;
}

#[tokio::test]
async fn json_log_lines_carry_the_request_id() {
    let db = FreshDb::new(Backend::Sqlite).await;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_enough"))
        .args(["--log-format", "json", "serve", "--addr", "127.0.0.1:0"])
        .env("ENOUGH_DATABASE", &db.url)
        .env("RUST_LOG", "info,enough_web::access=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let next_json = async |lines: &mut tokio::io::Lines<BufReader<_>>| -> Value {
        let line = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
            .await
            .expect("a log line within a minute")
            .unwrap()
            .expect("the server is still logging");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: not JSON: {line}"))
    };
    // Every line is JSON, the migrations' too, up to the one that says where the server is.
    let url = loop {
        let line = next_json(&mut lines).await;
        let message = line["fields"]["message"].as_str().unwrap_or_default();
        if let Some(rest) = message.split("listening on ").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };

    let reply = crate::common::browser()
        .get(format!("{url}/days/2025-01-01"))
        .send()
        .await
        .unwrap();
    let id = reply.headers()["x-request-id"].to_str().unwrap().to_owned();
    let answered = loop {
        let line = next_json(&mut lines).await;
        if line["fields"]["message"] == "answered" {
            break line;
        }
    };
    assert_eq!(answered["span"]["request_id"], id.as_str(), "{answered}");
    assert_eq!(answered["fields"]["route"], "/days/{date}");
    assert_eq!(answered["fields"]["status"], 303);
    child.kill().await.unwrap();
    db.finish().await;
}
