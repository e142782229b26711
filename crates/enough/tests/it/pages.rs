//! The HTML pages through real HTTP: setup, accounts, the log form, CSRF, privacy, headers.

use crate::common::{
    FreshDb, PASSWORD, TestServer, backends, browser, csrf_in, get, on_every_backend,
    signed_in_browser,
};
use enough_domain::account::Role;

#[tokio::test]
async fn a_fresh_server_asks_for_the_first_account_once() {
    for backend in backends("a_fresh_server_asks_for_the_first_account_once") {
        let db = FreshDb::new(backend).await;
        let server = TestServer::start(db.store().await).await;
        let client = browser();
        let home = client.get(&server.url).send().await.unwrap();
        assert_eq!(home.headers()["location"], "/setup");
        let (_, page) = get(&client, &format!("{}/setup", server.url)).await;
        assert!(page.contains("Create the first account"));
        let created = client
            .post(format!("{}/setup", server.url))
            .form(&[
                ("csrf", csrf_in(&page).as_str()),
                ("email", "root@example.org"),
                ("password", PASSWORD),
                ("time_zone", "Europe/Dublin"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 303);
        let users = server.app.list_users().await.unwrap();
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].role, Role::Admin);
        let (status, home) = get(&client, &server.url).await;
        assert_eq!(status, 200, "signed in straight after setup");
        assert!(home.contains("Today, "));
        let again = browser()
            .get(format!("{}/setup", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(
            again.headers()["location"],
            "/sign-in",
            "setup is offered only once"
        );
        drop(server);
        db.finish().await;
    }
}

#[tokio::test]
async fn sign_up_refuses_duplicates_and_bad_input_keeping_what_was_typed() {
    on_every_backend("sign_up_refuses_duplicates", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        // Sign-up is closed by default once an account exists; the admin opens it.
        server.app.set_sign_up_open_from_shell(true).await.unwrap();
        let client = browser();
        let (_, page) = get(&client, &format!("{}/sign-up", server.url)).await;
        let csrf = csrf_in(&page);
        let attempt = |email: &'static str, password: &'static str, tz: &'static str| {
            let client = client.clone();
            let csrf = csrf.clone();
            let url = format!("{}/sign-up", server.url);
            async move {
                let r = client
                    .post(url)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("email", email),
                        ("password", password),
                        ("time_zone", tz),
                    ])
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (status, body) = attempt("ANA@example.org", PASSWORD, "UTC").await;
        assert_eq!(status, 422);
        assert!(body.contains("An account with this e-mail address already exists"));
        assert!(
            body.contains("value=\"ANA@example.org\""),
            "the e-mail is kept"
        );
        let (status, body) = attempt("not-an-email", "short", "Mars/Base").await;
        assert_eq!(status, 422);
        assert!(body.contains("An e-mail address needs an @"));
        assert!(body.contains("at least 12 characters"));
        assert!(body.contains("is not a time zone we know"));
        assert_eq!(
            server.app.list_users().await.unwrap().len(),
            2,
            "nothing was created"
        );
        let (status, _) = attempt("new@example.org", PASSWORD, "America/Toronto").await;
        assert_eq!(status, 303);
        let new = server.app.me_at_shell("new@example.org").await.unwrap();
        assert_eq!(
            (new.role, new.time_zone.name()),
            (Role::Person, "America/Toronto")
        );
    })
    .await;
}

#[tokio::test]
async fn closed_sign_up_creates_no_account() {
    on_every_backend("closed_sign_up", |server, _| async move {
        server.app.set_sign_up_open_from_shell(false).await.unwrap();
        let client = browser();
        let (_, page) = get(&client, &format!("{}/sign-up", server.url)).await;
        assert!(page.contains("Sign-up is closed"));
        let (_, sign_in) = get(&client, &format!("{}/sign-in", server.url)).await;
        let response = client
            .post(format!("{}/sign-up", server.url))
            .form(&[
                ("csrf", csrf_in(&sign_in).as_str()),
                ("email", "x@example.org"),
                ("password", PASSWORD),
                ("time_zone", "UTC"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);
        assert_eq!(server.app.list_users().await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn wrong_passwords_are_refused_and_then_paused() {
    on_every_backend("wrong_passwords", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let client = browser();
        let (_, page) = get(&client, &format!("{}/sign-in", server.url)).await;
        let csrf = csrf_in(&page);
        let try_password = |password: &'static str| {
            let client = client.clone();
            let csrf = csrf.clone();
            let url = format!("{}/sign-in", server.url);
            async move {
                let r = client
                    .post(url)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("email", "ana@example.org"),
                        ("password", password),
                    ])
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        for _ in 0..5 {
            let (status, body) = try_password("not my password").await;
            assert_eq!(status, 422);
            assert!(body.contains("do not match an account"));
            assert!(
                !body.contains("not my password"),
                "the password is never echoed"
            );
        }
        let (status, body) = try_password(PASSWORD).await;
        assert_eq!(status, 429, "paused even with the right password");
        assert!(body.contains("paused for 15 minutes"));
    })
    .await;
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site() {
    on_every_backend("session_cookie_flags", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let client = browser();
        let (_, page) = get(&client, &format!("{}/sign-in", server.url)).await;
        let response = client
            .post(format!("{}/sign-in", server.url))
            .form(&[
                ("csrf", csrf_in(&page).as_str()),
                ("email", "ana@example.org"),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("enough_session="))
            .unwrap();
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        // Signing out ends the session on the server, not just in this browser.
        let (_, home) = get(&client, &server.url).await;
        let out = client
            .post(format!("{}/sign-out", server.url))
            .form(&[("csrf", csrf_in(&home))])
            .send()
            .await
            .unwrap();
        assert_eq!(out.status(), 303);
        let token = cookie
            .split(';')
            .next()
            .unwrap()
            .trim_start_matches("enough_session=");
        assert!(server.app.session(token).await.unwrap().is_none());
    })
    .await;
}

async fn post_day(
    client: &reqwest::Client,
    server: &TestServer,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let r = client
        .post(format!("{}/days", server.url))
        .form(fields)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_log_form_refuses_bad_values_keeps_the_input_and_writes_nothing() {
    on_every_backend("log_form_validation", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, home) = get(&client, &server.url).await;
        let csrf = csrf_in(&home);
        let today = server.app.today(&ana).to_string();
        let far = server
            .app
            .today(&ana)
            .checked_add_days(chrono::Days::new(3))
            .unwrap()
            .to_string();
        let long_note = "n".repeat(2001);
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (
                vec![("mood", "11")],
                "Mood must be a whole number from 0 to 10.",
            ),
            (
                vec![("energy", "lots")],
                "Energy must be a whole number from 0 to 10.",
            ),
            (
                vec![("daylight_hours", "26")],
                "Daylight must be a number of hours from 0 to 24",
            ),
            (
                vec![("daylight_hours", "two")],
                "Daylight must be a number of hours from 0 to 24",
            ),
            (
                vec![("note", long_note.as_str())],
                "Notes can be at most 2,000 characters",
            ),
            (vec![("date", far.as_str())], "is still ahead"),
            (vec![("date", "2026-02-30")], "is not a date"),
            (
                vec![("outside_morning", "maybe")],
                "Outside in the morning must be yes or no",
            ),
        ];
        for (overrides, message) in cases {
            let mut fields = vec![
                ("csrf", csrf.as_str()),
                ("date", today.as_str()),
                ("daylight_hours", "1.5"),
                ("energy", "6"),
                ("mood", "5"),
                ("outside_morning", "yes"),
                ("note", "kept note"),
            ];
            for (k, v) in &overrides {
                fields.retain(|(key, _)| key != k);
                fields.push((k, v));
            }
            let (status, body) = post_day(&client, &server, &fields).await;
            assert_eq!(status, 422, "{overrides:?}");
            assert!(
                body.contains(message),
                "{message} not in the page for {overrides:?}"
            );
            assert!(body.contains("error-summary"));
            if !overrides.iter().any(|(k, _)| *k == "note") {
                assert!(body.contains("kept note"), "the note is kept");
            }
        }
        assert!(
            server.app.days(&ana, None, None).await.unwrap().is_empty(),
            "nothing was written"
        );

        let (status, _) = post_day(
            &client,
            &server,
            &[
                ("csrf", csrf.as_str()),
                ("date", today.as_str()),
                ("daylight_hours", "1:30"),
                ("energy", "6"),
                ("mood", "5"),
                ("outside_morning", "no"),
                ("habits", "moved_my_body"),
                ("habits", "social_contact"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        let saved = server.app.day(&ana, server.app.today(&ana)).await.unwrap();
        assert_eq!(saved.daylight_quarter_hours, Some(6));
        assert!(
            saved.habits.moved_my_body && saved.habits.social_contact && !saved.habits.got_outside
        );
    })
    .await;
}

#[tokio::test]
async fn forms_without_a_valid_csrf_token_are_refused() {
    on_every_backend("csrf", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, home) = get(&client, &server.url).await;
        let good = csrf_in(&home);
        let today = server.app.today(&ana).to_string();
        let day = |csrf: &str| {
            vec![
                ("csrf".to_owned(), csrf.to_owned()),
                ("date".to_owned(), today.clone()),
                ("daylight_hours".to_owned(), "1".to_owned()),
                ("energy".to_owned(), "5".to_owned()),
                ("mood".to_owned(), "5".to_owned()),
                ("outside_morning".to_owned(), "yes".to_owned()),
            ]
        };
        for csrf in ["", "forged-token-of-the-right-length-00000000000"] {
            let r = client
                .post(format!("{}/days", server.url))
                .form(&day(csrf))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 403, "csrf {csrf:?}");
            assert!(r.text().await.unwrap().contains("This form has expired"));
        }
        let cross_site = client
            .post(format!("{}/days", server.url))
            .header("origin", "https://evil.example")
            .form(&day(&good))
            .send()
            .await
            .unwrap();
        assert_eq!(
            cross_site.status(),
            403,
            "a valid token from another origin"
        );
        assert!(
            server.app.days(&ana, None, None).await.unwrap().is_empty(),
            "nothing was written"
        );

        // Before sign-in: the form token must match its cookie.
        let stranger = browser();
        let r = stranger
            .post(format!("{}/sign-in", server.url))
            .form(&[
                ("csrf", good.as_str()),
                ("email", "ana@example.org"),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "sign-in without the csrf cookie");

        let ok = client
            .post(format!("{}/days", server.url))
            .form(&day(&good))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 303, "the real token works");
    })
    .await;
}

#[tokio::test]
async fn another_persons_days_are_invisible_in_the_pages() {
    on_every_backend("html_isolation", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        server.add_user("ben@example.org", Role::Person).await;
        let date = server.app.today(&ana).pred_opt().unwrap();
        let (fields, errors) = enough_domain::day::DayText {
            daylight_hours: "2".into(),
            energy: "3".into(),
            mood: "4".into(),
            outside_morning: "yes".into(),
            habits: vec![],
            note: "ana's private note".into(),
        }
        .to_fields();
        server
            .app
            .log_day(&ana, date, fields, errors)
            .await
            .unwrap();

        let ana_client = signed_in_browser(&server, "ana@example.org").await;
        // Yesterday may be in last month (on the 1st): ask for its month.
        let month = date.format("%Y-%m");
        let (_, history) = get(
            &ana_client,
            &format!("{}/history?month={month}", server.url),
        )
        .await;
        assert!(history.contains("s private note"), "ana sees her own note");

        let ben = signed_in_browser(&server, "ben@example.org").await;
        for path in [
            format!("/history?month={month}"),
            format!("/days/{date}"),
            "/".to_owned(),
        ] {
            let (status, body) = get(&ben, &format!("{}{path}", server.url)).await;
            assert_eq!(status, 200, "{path}");
            assert!(
                !body.contains("private note"),
                "{path} leaks ana's note to ben"
            );
        }
        let (status, _) = get(&ben, &format!("{}/days/{date}/delete", server.url)).await;
        assert_eq!(status, 404, "ben cannot reach ana's delete page");
        let (_, home) = get(&ben, &server.url).await;
        let r = ben
            .post(format!("{}/days/{date}/delete", server.url))
            .form(&[("csrf", csrf_in(&home))])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        assert_eq!(server.app.days(&ana, None, None).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn pages_are_private_light_and_carry_the_crisis_link() {
    on_every_backend("pages_light", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let anonymous = browser();
        let r = anonymous
            .get(format!("{}/history", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/sign-in?next=/history");

        let client = signed_in_browser(&server, "ana@example.org").await;
        let assets: u64 = {
            let mut total = 0;
            for asset in [
                "/assets/style.css",
                "/assets/htmx.min.js",
                "/assets/enough.js",
            ] {
                let r = client
                    .get(format!("{}{asset}", server.url))
                    .header("accept-encoding", "br, gzip")
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200, "{asset}");
                total += r.bytes().await.unwrap().len() as u64;
            }
            total
        };
        for path in ["/", "/history", "/settings", "/more", "/crisis"] {
            let r = client
                .get(format!("{}{path}", server.url))
                .send()
                .await
                .unwrap();
            let headers = r.headers().clone();
            // What travels: the same page as the browser gets it, compressed.
            let wire = client
                .get(format!("{}{path}", server.url))
                .header("accept-encoding", "br, gzip")
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
                .len() as u64;
            assert!(
                headers["content-security-policy"]
                    .to_str()
                    .unwrap()
                    .contains("script-src 'self'")
            );
            assert_eq!(headers["x-content-type-options"], "nosniff");
            assert_eq!(headers["cache-control"], "no-store", "{path} is personal");
            let body = r.text().await.unwrap();
            assert!(
                body.contains("href=\"/crisis\""),
                "{path} has the crisis link"
            );
            assert!(
                !body.contains("https://cdn") && !body.contains("src=\"http"),
                "{path} loads nothing from elsewhere"
            );
            assert!(!body.is_empty());
            let weight = wire + assets;
            assert!(
                weight < 100 * 1024,
                "{path} weighs {weight} bytes with its assets, compressed"
            );
        }
        let (status, _) = get(&anonymous, &format!("{}/manifest.webmanifest", server.url)).await;
        assert_eq!(status, 200);
    })
    .await;
}

#[tokio::test]
async fn crisis_help_works_without_signing_in() {
    on_every_backend("crisis", |server, _| async move {
        let client = browser();
        for (country, expected) in [
            ("GB", "116 123"),
            ("US", "988"),
            ("AU", "13 11 14"),
            ("NZ", "1737"),
            ("IE", "116 123"),
            ("CA", "988"),
        ] {
            let (status, body) =
                get(&client, &format!("{}/crisis?country={country}", server.url)).await;
            assert_eq!(status, 200);
            assert!(body.contains(expected), "{country} shows {expected}");
            assert!(body.contains("Source:"), "{country} cites its source");
        }
        let (_, sign_in) = get(&client, &format!("{}/sign-in", server.url)).await;
        assert!(sign_in.contains("href=\"/crisis\""));
    })
    .await;
}

#[tokio::test]
async fn settings_create_and_revoke_a_token() {
    on_every_backend("settings_tokens", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, settings) = get(&client, &format!("{}/settings/sessions", server.url)).await;
        let csrf = csrf_in(&settings);
        let r = client
            .post(format!("{}/settings/tokens", server.url))
            .form(&[("csrf", csrf.as_str()), ("name", "Shortcut")])
            .send()
            .await
            .unwrap();
        let page = r.text().await.unwrap();
        let start = page
            .find("enough_pat_")
            .expect("the new token is shown once");
        let secret: String = page[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let api = reqwest::Client::new();
        let list = api
            .get(format!("{}/api/v1/days", server.url))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap();
        assert_eq!(list.status(), 200);
        let id_start = page.find("/settings/tokens/").unwrap() + "/settings/tokens/".len();
        let id: String = page[id_start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let r = client
            .post(format!("{}/settings/tokens/{id}/revoke", server.url))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let list = api
            .get(format!("{}/api/v1/days", server.url))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap();
        assert_eq!(list.status(), 401);
        let (_, settings) = get(&client, &format!("{}/settings/sessions", server.url)).await;
        assert!(
            !settings.contains(&secret),
            "the secret is never shown again"
        );
    })
    .await;
}

#[tokio::test]
async fn a_person_exports_everything_and_deletes_their_account() {
    on_every_backend("export_and_delete", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let ben = server.add_user("ben@example.org", Role::Person).await;
        for user in [&ana, &ben] {
            crate::insights::seed_days(&server, user, 4, 1).await;
        }
        server
            .app
            .save_reflection(&ana, &server.app.today(&ana).to_string(), "Light helps.")
            .await
            .unwrap();
        let token = server.token_for(&ana).await;
        let client = signed_in_browser(&server, "ana@example.org").await;

        let download = client
            .get(format!("{}/export.json", server.url))
            .send()
            .await
            .unwrap();
        assert!(
            download.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        let export: serde_json::Value = download.json().await.unwrap();
        assert_eq!(
            (export["format"].as_str(), export["version"].as_u64()),
            (Some("enough-export"), Some(1))
        );
        assert_eq!(export["account"]["email"], "ana@example.org");
        assert!(
            export["account"].get("password_hash").is_none(),
            "no secrets in the export"
        );
        assert_eq!(export["days"].as_array().unwrap().len(), 4);
        assert_eq!(export["reflections"][0]["text"], "Light helps.");
        let via_api: serde_json::Value = reqwest::Client::new()
            .get(format!("{}/api/v1/export", server.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(via_api["days"], export["days"]);

        let (_, settings) = get(&client, &format!("{}/settings/data", server.url)).await;
        let csrf = csrf_in(&settings);
        let wrong = client
            .post(format!("{}/settings/delete", server.url))
            .form(&[("csrf", csrf.as_str()), ("password", "not my password")])
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 422);
        assert!(wrong.text().await.unwrap().contains("nothing was deleted"));
        assert_eq!(server.app.days(&ana, None, None).await.unwrap().len(), 4);

        let deleted = client
            .post(format!("{}/settings/delete", server.url))
            .form(&[("csrf", csrf.as_str()), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), 303);
        assert_eq!(deleted.headers()["location"], "/account-deleted");
        assert!(
            server.app.user_by_email("ana@example.org").await.is_err(),
            "the account is gone"
        );
        assert_eq!(server.app.store().count_deletions().await.unwrap(), 1);
        let snapshot = server.app.store().export_all().await.unwrap();
        assert!(
            snapshot.days.iter().all(|d| d.user_id != ana.id),
            "no day of hers remains"
        );
        assert!(snapshot.reflections.iter().all(|r| r.user_id != ana.id));
        assert_eq!(
            server.app.days(&ben, None, None).await.unwrap().len(),
            4,
            "ben keeps his"
        );
        let (status, _) = get(&client, &format!("{}/history", server.url)).await;
        assert_eq!(status, 303, "her session ended");
        let api = reqwest::Client::new()
            .get(format!("{}/api/v1/days", server.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), 401, "her token ended");
    })
    .await;
}

#[tokio::test]
async fn moving_a_day_onto_a_logged_date_shows_both_and_the_person_chooses() {
    on_every_backend("move_day_page", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let today = server.app.today(&ana);
        let (d1, d2) = (today.pred_opt().unwrap(), today);
        for (date, mood) in [(d1, "3"), (d2, "8")] {
            let text = enough_domain::day::DayText {
                mood: mood.into(),
                ..Default::default()
            };
            let (fields, errors) = text.to_fields();
            server
                .app
                .log_day(&ana, date, fields, errors)
                .await
                .unwrap();
        }
        let (_, edit) = get(&client, &format!("{}/days/{d1}", server.url)).await;
        assert!(
            edit.contains("name=\"original_date\""),
            "the edit page knows where the entry is"
        );
        let csrf = csrf_in(&edit);
        let (d1s, d2s) = (d1.to_string(), d2.to_string());
        let base = [
            ("csrf", csrf.as_str()),
            ("original_date", d1s.as_str()),
            ("date", d2s.as_str()),
            ("mood", "4"),
        ];
        // Never silent: both days are shown, nothing changes.
        let (status, page) = post_day(&client, &server, &base).await;
        assert_eq!(status, 200);
        assert!(page.contains("already has an entry"), "{page}");
        assert!(
            page.contains("Mood <b>8</b>") && page.contains("Mood <b>4</b>"),
            "both shown"
        );
        assert!(
            page.contains("Keep the entry on")
                && page.contains("Replace it")
                && page.contains("Cancel")
        );
        assert_eq!(server.app.day(&ana, d1).await.unwrap().mood, Some(3));
        assert_eq!(server.app.day(&ana, d2).await.unwrap().mood, Some(8));

        // Replace: the moved entry is on the new date, and gone from the old one.
        let mut replace = base.to_vec();
        replace.push(("on_conflict", "replace"));
        let (status, _) = post_day(&client, &server, &replace).await;
        assert_eq!(status, 303);
        assert_eq!(server.app.day(&ana, d2).await.unwrap().mood, Some(4));
        assert!(server.app.day(&ana, d1).await.is_err(), "moved, not copied");

        // Onto a free date it simply moves.
        let (status, _) = post_day(
            &client,
            &server,
            &[
                ("csrf", csrf.as_str()),
                ("original_date", d2s.as_str()),
                ("date", d1s.as_str()),
                ("mood", "4"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        let days = server.app.days(&ana, None, None).await.unwrap();
        assert_eq!((days.len(), days[0].date, days[0].mood), (1, d1, Some(4)));
    })
    .await;
}

#[tokio::test]
async fn the_quick_rows_work_without_javascript() {
    on_every_backend("quick_rows_plain", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, home) = get(&client, &server.url).await;
        assert!(
            home.contains("name=\"mood\" value=\"7\""),
            "one button per mood value"
        );
        let csrf = csrf_in(&home);
        let today = server.app.today(&ana).to_string();
        let post = |fields: Vec<(&'static str, String)>| {
            let client = client.clone();
            let url = format!("{}/days/quick", server.url);
            async move {
                let r = client.post(url).form(&fields).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (status, _) = post(vec![
            ("csrf", csrf.clone()),
            ("date", today.clone()),
            ("mood", "7".into()),
        ])
        .await;
        assert_eq!(status, 303, "a plain form post is redirected");
        let (status, _) = post(vec![
            ("csrf", csrf.clone()),
            ("date", today.clone()),
            ("daylight_hours", "0.5".into()),
        ])
        .await;
        assert_eq!(status, 303);
        let (status, _) = post(vec![
            ("csrf", csrf.clone()),
            ("date", today.clone()),
            ("habit", "got_outside".into()),
        ])
        .await;
        assert_eq!(status, 303);
        let day = server.app.day(&ana, server.app.today(&ana)).await.unwrap();
        assert_eq!(
            (day.mood, day.daylight_quarter_hours, day.energy),
            (Some(7), Some(2), None)
        );
        assert!(day.habits.got_outside);
        let (status, page) = post(vec![
            ("csrf", csrf.clone()),
            ("date", today.clone()),
            ("energy", "12".into()),
        ])
        .await;
        assert_eq!(status, 422);
        assert!(
            page.contains("Energy must be a whole number from 0 to 10"),
            "{page}"
        );
        assert_eq!(
            server.app.day(&ana, server.app.today(&ana)).await.unwrap(),
            day,
            "nothing changed"
        );
        let (_, later) = get(&client, &server.url).await;
        assert!(later.contains("Add energy?") && !later.to_lowercase().contains("incomplete"));
    })
    .await;
}
