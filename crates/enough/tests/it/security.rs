//! The security suite for accounts and sessions (issue 16): each test reproduces an attack that
//! worked on the earlier code, on every store, and checks that it no longer does. The input-side
//! findings (imports, CSV, proxies, timeouts) live in `security_input.rs`.

use crate::common::{
    FreshDb, PASSWORD, TestServer, backends, browser, csrf_in, get, on_every_backend,
    signed_in_browser,
};
use enough_app::{App, AppConfig, AppError};
use enough_domain::account::Role;
use enough_web::{AppState, WebConfig};
use reqwest::header::{LOCATION, RETRY_AFTER, SET_COOKIE, STRICT_TRANSPORT_SECURITY};
use std::sync::Arc;

/// One sign-in through the real form with a fresh form token.
async fn sign_in_form(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
    next: &str,
) -> reqwest::Response {
    let (_, page) = get(client, &format!("{base}/sign-in")).await;
    client
        .post(format!("{base}/sign-in"))
        .form(&[
            ("csrf", csrf_in(&page).as_str()),
            ("email", email),
            ("password", password),
            ("next", next),
        ])
        .send()
        .await
        .unwrap()
}

/// The form token of the page at `path` for a signed-in client.
async fn form_token(client: &reqwest::Client, url: &str) -> String {
    let (status, page) = get(client, url).await;
    assert_eq!(status, 200, "{url}");
    csrf_in(&page)
}

/// A server with its own settings (the common harness always uses the defaults).
async fn start_with(
    store: Arc<dyn enough_store::Store>,
    app: AppConfig,
    web: WebConfig,
) -> (String, App) {
    let app = App::with_config(store, app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(app.clone(), web);
    tokio::spawn(async move {
        let _ = enough_web::serve(listener, state, std::future::pending()).await;
    });
    (url, app)
}

/// A server whose hashing queue has a place for each of `concurrent` requests, so that every
/// one of them reaches the attempt reservation: what the concurrency tests check is the
/// reservation, not the queue in front of it (which the default pool would fill at once).
async fn start_wide(db: &FreshDb, concurrent: usize) -> (String, App) {
    let config = AppConfig {
        hash_threads: concurrent.div_ceil(3),
        ..AppConfig::default()
    };
    let (url, app) = start_with(db.store().await, config, WebConfig::default()).await;
    app.add_user("ana@example.org", Role::Person, PASSWORD, "UTC")
        .await
        .unwrap();
    (url, app)
}

// ---- 1. Sign-in limits that hold under concurrency ----

#[tokio::test]
async fn sixty_concurrent_sign_ins_check_at_most_the_limit() {
    for backend in backends("security_concurrent_sign_in") {
        let db = FreshDb::new(backend).await;
        let (base, _app) = start_wide(&db, 60).await;
        let client = browser();
        let (_, page) = get(&client, &format!("{base}/sign-in")).await;
        let csrf = csrf_in(&page);
        let mut running = Vec::new();
        for i in 0..60 {
            let client = client.clone();
            let csrf = csrf.clone();
            let url = format!("{base}/sign-in");
            let password = if i == 59 {
                PASSWORD
            } else {
                "not my password at all"
            };
            running.push(tokio::spawn(async move {
                client
                    .post(url)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("email", "ana@example.org"),
                        ("password", password),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
        let mut statuses = Vec::new();
        for task in running {
            statuses.push(task.await.unwrap());
        }
        let checked = statuses.iter().filter(|s| **s == 422 || **s == 303).count();
        assert!(
            checked <= 5,
            "{backend:?}: at most the 5 allowed password checks ran, not {checked}: {statuses:?}"
        );
        assert!(statuses.iter().all(|s| [303, 422, 429, 503].contains(s)));
        assert!(
            statuses.iter().filter(|s| **s == 429).count() >= 50,
            "{backend:?}: {statuses:?}"
        );
        let after = sign_in_form(&browser(), &base, "ana@example.org", PASSWORD, "/").await;
        assert_eq!(after.status(), 429, "the right password waits while paused");
        assert!(after.headers().get(RETRY_AFTER).is_some());
        db.finish().await;
    }
}

#[tokio::test]
async fn concurrent_sign_ins_from_one_address_are_limited_too() {
    for backend in backends("security_address_limit") {
        let db = FreshDb::new(backend).await;
        let (base, _app) = start_wide(&db, 45).await;
        let client = browser();
        let (_, page) = get(&client, &format!("{base}/sign-in")).await;
        let csrf = csrf_in(&page);
        let mut running = Vec::new();
        // A different account each time: only the per-address limit (30) can stop this.
        for i in 0..45 {
            let client = client.clone();
            let csrf = csrf.clone();
            let url = format!("{base}/sign-in");
            running.push(tokio::spawn(async move {
                let email = format!("guess{i}@example.org");
                client
                    .post(url)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("email", email.as_str()),
                        ("password", "not my password at all"),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
        let mut statuses = Vec::new();
        for task in running {
            statuses.push(task.await.unwrap());
        }
        let limited = statuses.iter().filter(|s| **s == 429).count();
        assert!(limited >= 15, "{backend:?}: {statuses:?}");
        db.finish().await;
    }
}

#[tokio::test]
async fn the_owner_still_signs_in_from_a_known_device_while_someone_guesses() {
    on_every_backend("security_device_cookie", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let base = &server.url;
        // Ana's own browser signed in here before, and signed out.
        let owner = signed_in_browser(&server, "ana@example.org").await;
        let token = form_token(&owner, &format!("{base}/settings/profile")).await;
        owner
            .post(format!("{base}/sign-out"))
            .form(&[("csrf", token.as_str())])
            .send()
            .await
            .unwrap();
        // Someone elsewhere exhausts the account's attempts.
        let attacker = browser();
        for _ in 0..5 {
            let r = sign_in_form(&attacker, base, "ana@example.org", "guessing wrongly", "/").await;
            assert_eq!(r.status(), 422);
        }
        let r = sign_in_form(&attacker, base, "ana@example.org", PASSWORD, "/").await;
        assert_eq!(
            r.status(),
            429,
            "paused for the guesser, even with the right password"
        );
        // Ana's known browser is not locked out.
        let r = sign_in_form(&owner, base, "ana@example.org", PASSWORD, "/").await;
        assert_eq!(r.status(), 303, "the owner's device still signs in");
    })
    .await;
}

#[tokio::test]
async fn deletion_passwords_invitation_codes_and_tokens_are_limited() {
    on_every_backend("security_other_limits", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let base = &server.url;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let mut last = 0;
        for _ in 0..6 {
            let token = form_token(&client, &format!("{base}/settings/profile")).await;
            last = client
                .post(format!("{base}/settings/delete"))
                .form(&[("csrf", token.as_str()), ("password", "not my password")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
        }
        assert_eq!(last, 429, "the sixth deletion password check is refused");
        assert!(server.app.user_by_email("ana@example.org").await.is_ok());

        let sharing = enough_domain::care::Sharing(Default::default());
        let mut limited = false;
        for _ in 0..12 {
            match server
                .app
                .accept_invitation(&ana, "ABCD-EFGH-JKLM", &sharing)
                .await
            {
                Err(AppError::RateLimited { .. }) => limited = true,
                Err(AppError::Validation(_)) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(limited, "invitation codes cannot be tried without limit");

        let mut limited = false;
        for i in 0..25 {
            if let Err(AppError::RateLimited { .. }) =
                server.app.create_token(&ana, &format!("t{i}")).await
            {
                limited = true;
            }
        }
        assert!(limited, "tokens cannot be created without limit");
    })
    .await;
}

// ---- 2. Bounded hashing ----

#[tokio::test]
async fn a_flood_of_sign_ins_gets_503_with_retry_after_instead_of_memory() {
    for backend in backends("security_hash_busy") {
        let db = FreshDb::new(backend).await;
        let config = AppConfig {
            hash_threads: 1,
            max_failures_per_address: 1000,
            ..AppConfig::default()
        };
        let (url, app) = start_with(db.store().await, config, WebConfig::default()).await;
        app.add_user("admin@example.org", Role::Admin, PASSWORD, "UTC")
            .await
            .unwrap();
        let client = browser();
        let (_, page) = get(&client, &format!("{url}/sign-in")).await;
        let csrf = csrf_in(&page);
        let mut running = Vec::new();
        for i in 0..40 {
            let client = client.clone();
            let csrf = csrf.clone();
            let url = format!("{url}/sign-in");
            running.push(tokio::spawn(async move {
                let email = format!("nobody{i}@example.org");
                let r = client
                    .post(url)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("email", email.as_str()),
                        ("password", "not my password at all"),
                    ])
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.headers().get(RETRY_AFTER).is_some())
            }));
        }
        let (mut busy, mut checked) = (0, 0);
        for task in running {
            let (status, retry_after) = task.await.unwrap();
            assert!(status == 422 || status == 503, "{backend:?} {status}");
            if status == 503 {
                assert!(retry_after, "503 names when to come back");
                busy += 1;
            } else {
                checked += 1;
            }
        }
        assert!(
            busy > 0,
            "{backend:?}: one hashing thread cannot take 40 at once"
        );
        // The refused ones wrote nothing: they did not even count against the address.
        let recorded = app
            .store()
            .count_login_failures("ip:127.0.0.1", 0)
            .await
            .unwrap();
        assert_eq!(
            recorded, checked,
            "{backend:?}: only the {checked} checked sign-ins were recorded, not the {busy} refused"
        );
        db.finish().await;
    }
}

// ---- 7. Absolute links from --public-url ----

#[tokio::test]
async fn invitation_links_use_the_public_url_never_the_host_header() {
    for backend in backends("security_invitation_link") {
        let db = FreshDb::new(backend).await;
        let server = crate::common::TestServer::start_with(
            db.store().await,
            WebConfig {
                public_url: Some("https://enough.example.org".to_owned()),
                ..WebConfig::default()
            },
        )
        .await;
        let therapist = server.add_user("t@example.org", Role::Therapist).await;
        let token = server.token_for(&therapist).await;
        let reply = reqwest::Client::new()
            .post(format!("{}/api/v1/care/invitations", server.url))
            .bearer_auth(&token)
            .header("host", "evil.example")
            .header("x-forwarded-host", "evil.example")
            .json(&serde_json::json!({"label": "first session"}))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 201);
        let body: serde_json::Value = reply.json().await.unwrap();
        let code = body["code"].as_str().unwrap();
        assert_eq!(
            body["url"].as_str().unwrap(),
            format!("https://enough.example.org/join?code={code}")
        );

        // The caseload page shows the same full link, whatever Host the browser sent.
        let client = signed_in_browser(&server, "t@example.org").await;
        let csrf = form_token(&client, &format!("{}/care", server.url)).await;
        let page = client
            .post(format!("{}/care/invitations", server.url))
            .header("host", "evil.example")
            .form(&[("csrf", csrf.as_str()), ("label", "second session")])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("https://enough.example.org/join?code="),
            "{backend:?}: the page links to the public address"
        );
        assert!(!page.contains("evil.example"), "{backend:?}");
        drop(server);
        db.finish().await;
    }
}

// ---- 4. Same-origin redirects only ----

#[tokio::test]
async fn next_never_leads_to_another_site() {
    on_every_backend("security_redirects", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let base = &server.url;
        let client = signed_in_browser(&server, "ana@example.org").await;
        for evil in [
            "/%09/127.0.0.1:18299/phish.html",
            "/%0a",
            "//evil.example",
            "/%2F/evil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "https:evil.example",
            "javascript:alert(1)",
        ] {
            let url = format!("{base}/sign-in?next={}", evil.replace('%', "%25"));
            let r = client.get(&url).send().await.unwrap();
            assert_eq!(r.status(), 303, "{evil}");
            assert_eq!(r.headers()[LOCATION], "/", "{evil}");
            // Also as the browser sends it, decoded once by the query parser.
            let r = client
                .get(format!("{base}/sign-in?next={evil}"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 303, "{evil}");
            assert_eq!(r.headers()[LOCATION], "/", "{evil}");
        }
        let r = client
            .get(format!("{base}/sign-in?next=/history"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()[LOCATION], "/history", "local paths still work");
        // After signing in through the form, too.
        let r = sign_in_form(
            &browser(),
            base,
            "ana@example.org",
            PASSWORD,
            "/\t/evil.example",
        )
        .await;
        assert_eq!(r.headers()[LOCATION], "/");
    })
    .await;
}

// ---- 6. Credentials ----

#[tokio::test]
async fn changing_the_password_ends_other_sessions_and_tokens() {
    on_every_backend("security_password_change", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let base = &server.url;
        let here = signed_in_browser(&server, "ana@example.org").await;
        let elsewhere = signed_in_browser(&server, "ana@example.org").await;
        let token = server.token_for(&ana).await;
        let api = reqwest::Client::new();
        let days = |t: String| {
            let api = api.clone();
            let url = format!("{base}/api/v1/days");
            async move {
                api.get(url)
                    .bearer_auth(t)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        assert_eq!(days(token.clone()).await, 200);

        let change = |current: &'static str, new: &'static str| {
            let here = here.clone();
            let url = format!("{base}/settings");
            async move {
                let csrf = form_token(&here, &format!("{url}/profile")).await;
                let r = here
                    .post(format!("{url}/password"))
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("current_password", current),
                        ("new_password", new),
                    ])
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (status, body) = change("not my password", "lantern pebble ochre whistle").await;
        assert_eq!(status, 422);
        assert!(body.contains("not your current password"));
        let (status, body) = change(PASSWORD, "aaaaaaaaaaaaaaaa").await;
        assert_eq!(status, 422, "a common password is refused");
        assert!(body.contains("most common"));
        assert_eq!(
            get(&elsewhere, &format!("{base}/settings/profile")).await.0,
            200,
            "nothing changed yet"
        );

        let (status, _) = change(PASSWORD, "lantern pebble ochre whistle").await;
        assert_eq!(status, 303);
        assert_eq!(
            get(&here, &format!("{base}/settings/profile")).await.0,
            200,
            "this browser stays"
        );
        let (status, _) = get(&elsewhere, &format!("{base}/settings/profile")).await;
        assert_eq!(status, 303, "the other browser is signed out");
        assert_eq!(days(token).await, 401, "tokens are revoked");
        let r = sign_in_form(&browser(), base, "ana@example.org", PASSWORD, "/").await;
        assert_eq!(r.status(), 422, "the old password no longer works");
        let r = sign_in_form(
            &browser(),
            base,
            "ana@example.org",
            "lantern pebble ochre whistle",
            "/",
        )
        .await;
        assert_eq!(r.status(), 303);

        // The API, with a token: the token used keeps working, every other one and every
        // browser session ends.
        let token = server.token_for(&ana).await;
        let other = server.token_for(&ana).await;
        let browser_session = browser();
        let r = sign_in_form(
            &browser_session,
            base,
            "ana@example.org",
            "lantern pebble ochre whistle",
            "/",
        )
        .await;
        assert_eq!(r.status(), 303);
        let r = api
            .post(format!("{base}/api/v1/account/password"))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "current_password": "lantern pebble ochre whistle",
                "new_password": "harbour quill meadow drift"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let answer: serde_json::Value = r.json().await.unwrap();
        assert!(
            answer["note"]
                .as_str()
                .unwrap()
                .contains("this one still works")
        );
        assert_eq!(days(token).await, 200, "the script's own token goes on");
        assert_eq!(days(other).await, 401, "other tokens are revoked");
        let (status, _) = get(&browser_session, &format!("{base}/settings/profile")).await;
        assert_eq!(status, 303, "browser sessions end");
        let r = sign_in_form(
            &browser(),
            base,
            "ana@example.org",
            "harbour quill meadow drift",
            "/",
        )
        .await;
        assert_eq!(r.status(), 303);
    })
    .await;
}

#[tokio::test]
async fn a_disabled_account_is_refused_at_once_everywhere() {
    on_every_backend("security_disable", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let base = &server.url;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let token = server.token_for(&ana).await;
        let admin = signed_in_browser(&server, "admin@example.org").await;
        let (status, page) = get(&admin, &format!("{base}/admin/accounts")).await;
        assert_eq!(status, 200);
        assert!(page.contains("ana@example.org"));
        let csrf = csrf_in(&page);
        let r = admin
            .post(format!("{base}/admin/accounts/{}/disable", ana.id))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);

        assert_eq!(
            get(&client, &format!("{base}/settings/profile")).await.0,
            303,
            "session ended"
        );
        let r = reqwest::Client::new()
            .get(format!("{base}/api/v1/days"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "token refused");
        let r = sign_in_form(&browser(), base, "ana@example.org", PASSWORD, "/").await;
        assert_eq!(r.status(), 403);
        assert!(r.text().await.unwrap().contains("disabled"));
        // A person cannot reach the admin page.
        let person = server.add_user("ben@example.org", Role::Person).await;
        let ben = signed_in_browser(&server, &person.email).await;
        assert_eq!(get(&ben, &format!("{base}/admin/accounts")).await.0, 403);

        server
            .app
            .set_disabled_from_shell("ana@example.org", false)
            .await
            .unwrap();
        let r = sign_in_form(&browser(), base, "ana@example.org", PASSWORD, "/").await;
        assert_eq!(r.status(), 303, "enabled again");
    })
    .await;
}

#[tokio::test]
async fn an_unused_session_ends_after_the_idle_timeout() {
    on_every_backend("security_idle", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let base = &server.url;
        let client = signed_in_browser(&server, "ana@example.org").await;
        // Used every six days, the session lives on past the seven-day idle limit.
        for _ in 0..2 {
            server.app.advance_clock(chrono::Duration::days(6));
            assert_eq!(
                get(&client, &format!("{base}/settings/profile")).await.0,
                200
            );
        }
        // Eight days unused: it ends.
        server.app.advance_clock(chrono::Duration::days(8));
        assert_eq!(
            get(&client, &format!("{base}/settings/profile")).await.0,
            303
        );
    })
    .await;
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session() {
    on_every_backend("security_everywhere", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let base = &server.url;
        let here = signed_in_browser(&server, "ana@example.org").await;
        let elsewhere = signed_in_browser(&server, "ana@example.org").await;
        let csrf = form_token(&here, &format!("{base}/settings/profile")).await;
        let r = here
            .post(format!("{base}/settings/sign-out-everywhere"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(get(&here, &format!("{base}/settings/profile")).await.0, 303);
        assert_eq!(
            get(&elsewhere, &format!("{base}/settings/profile")).await.0,
            303
        );
    })
    .await;
}

#[tokio::test]
async fn common_and_short_passwords_are_refused_when_set() {
    on_every_backend("security_common_passwords", |server, _| async move {
        server.app.set_sign_up_open_from_shell(true).await.unwrap();
        let client = browser();
        let (_, page) = get(&client, &format!("{}/sign-up", server.url)).await;
        let csrf = csrf_in(&page);
        for weak in ["aaaaaaaaaa", "password1234", "aaaaaaaaaaaa", "123456789012"] {
            let r = client
                .post(format!("{}/sign-up", server.url))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("email", "new@example.org"),
                    ("password", weak),
                    ("time_zone", "UTC"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 422, "{weak}");
        }
        assert!(server.app.user_by_email("new@example.org").await.is_err());
        assert!(matches!(
            server
                .app
                .set_password_from_shell("admin@example.org", "qwertyuiop1234")
                .await,
            Err(AppError::Validation(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn the_shell_resets_passwords_and_disables_accounts() {
    use crate::cli::enough;
    for backend in backends("security_cli_credentials") {
        let db = FreshDb::new(backend).await;
        let server = TestServer::start(db.store().await).await;
        server.add_user("admin@example.org", Role::Admin).await;
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let base = &server.url;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let token = server.token_for(&ana).await;
        let new = "lantern pebble ochre whistle";

        let weak = enough(
            &db.url,
            &[
                "user",
                "set-password",
                "--email",
                "ana@example.org",
                "--password-stdin",
            ],
            Some("aaaaaaaaaaaaaa\n"),
        );
        assert!(!weak.status.success());
        assert!(String::from_utf8_lossy(&weak.stderr).contains("most common"));

        let reset = enough(
            &db.url,
            &[
                "user",
                "set-password",
                "--email",
                "ana@example.org",
                "--password-stdin",
            ],
            Some(&format!("{new}\n")),
        );
        assert!(reset.status.success(), "{reset:?}");
        assert_eq!(
            get(&client, &format!("{base}/settings/profile")).await.0,
            303,
            "{backend:?}"
        );
        let r = reqwest::Client::new()
            .get(format!("{base}/api/v1/days"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        let r = sign_in_form(&browser(), base, "ana@example.org", PASSWORD, "/").await;
        assert_eq!(r.status(), 422);
        let r = sign_in_form(&browser(), base, "ana@example.org", new, "/").await;
        assert_eq!(r.status(), 303);

        let disable = enough(
            &db.url,
            &["user", "disable", "--email", "ana@example.org"],
            None,
        );
        assert!(disable.status.success(), "{disable:?}");
        let r = sign_in_form(&browser(), base, "ana@example.org", new, "/").await;
        assert_eq!(r.status(), 403);
        let enable = enough(
            &db.url,
            &["user", "enable", "--email", "ana@example.org"],
            None,
        );
        assert!(enable.status.success(), "{enable:?}");
        let r = sign_in_form(&browser(), base, "ana@example.org", new, "/").await;
        assert_eq!(r.status(), 303);
        drop(server);
        db.finish().await;
    }
}

// ---- 7. Cookies, HSTS and sign-up ----

fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

fn assert_flags(cookie: &str, secure: bool) {
    for flag in ["HttpOnly", "SameSite=", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} missing: {cookie}");
    }
    assert_eq!(cookie.contains("Secure"), secure, "{cookie}");
}

#[tokio::test]
async fn every_cookie_carries_its_flags_and_secure_servers_use_host_names_and_hsts() {
    for backend in backends("security_cookies") {
        for secure in [false, true] {
            let db = FreshDb::new(backend).await;
            let store = db.store().await;
            let web = WebConfig {
                secure_cookies: secure,
                ..WebConfig::default()
            };
            let (url, app) = start_with(store, AppConfig::default(), web).await;
            app.add_user("ana@example.org", Role::Person, PASSWORD, "UTC")
                .await
                .unwrap();
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let page = client.get(format!("{url}/sign-in")).send().await.unwrap();
            assert_eq!(
                page.headers().contains_key(STRICT_TRANSPORT_SECURITY),
                secure
            );
            let cookies = set_cookies(&page);
            let csrf_cookie = cookies[0].split(';').next().unwrap().to_owned();
            assert_flags(&cookies[0], secure);
            assert_eq!(cookies[0].starts_with("__Host-"), secure, "{}", cookies[0]);
            let html = page.text().await.unwrap();
            let r = client
                .post(format!("{url}/sign-in"))
                .header("cookie", &csrf_cookie)
                .form(&[
                    ("csrf", csrf_in(&html).as_str()),
                    ("email", "ana@example.org"),
                    ("password", PASSWORD),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 303, "{backend:?} secure={secure}");
            let cookies = set_cookies(&r);
            assert!(
                cookies.len() >= 2,
                "session and device cookies: {cookies:?}"
            );
            for cookie in &cookies {
                assert_flags(cookie, secure);
                assert_eq!(cookie.starts_with("__Host-"), secure, "{cookie}");
            }
            let session = cookies
                .iter()
                .find(|c| c.contains("enough_session="))
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_owned();
            let (_, settings) = {
                let r = client
                    .get(format!("{url}/settings/profile"))
                    .header("cookie", &session)
                    .send()
                    .await
                    .unwrap();
                (r.status(), r.text().await.unwrap())
            };
            let r = client
                .post(format!("{url}/sign-out"))
                .header("cookie", &session)
                .form(&[("csrf", csrf_in(&settings).as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 303);
            let removal = set_cookies(&r);
            assert_eq!(removal.len(), 1);
            assert_flags(&removal[0], secure);
            assert!(removal[0].contains("Max-Age=0"), "{}", removal[0]);
            db.finish().await;
        }
    }
}

#[tokio::test]
async fn sign_up_is_closed_once_the_first_account_exists() {
    on_every_backend("security_sign_up_closed", |server, _| async move {
        let client = browser();
        let (status, page) = get(&client, &format!("{}/sign-up", server.url)).await;
        assert_eq!(status, 200);
        assert!(page.contains("Sign-up is closed"));
        let (_, sign_in) = get(&client, &format!("{}/sign-in", server.url)).await;
        let r = client
            .post(format!("{}/sign-up", server.url))
            .form(&[
                ("csrf", csrf_in(&sign_in).as_str()),
                ("email", "new@example.org"),
                ("password", PASSWORD),
                ("time_zone", "UTC"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        assert!(server.app.user_by_email("new@example.org").await.is_err());
    })
    .await;
}
