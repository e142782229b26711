//! Homework, session summaries and the calendar feed, through the pages and the API, on every
//! backend: consent decides what a therapist sees, and every read is in the access log.

use crate::common::{TestServer, csrf_in, get, on_every_backend, signed_in_browser};
use chrono::{Days, NaiveDate};
use enough_app::Me;
use enough_domain::account::Role;
use enough_domain::care::Sharing;
use enough_domain::day::DayText;
use serde_json::{Value, json};

struct Care {
    therapist: Me,
    person: Me,
    link_id: enough_domain::LinkId,
}

async fn link(server: &TestServer, therapist: &str, person: &str, shares: &[&str]) -> Care {
    let therapist = match server.app.store().user_by_email(therapist).await.unwrap() {
        Some(_) => panic!("use a fresh therapist address"),
        None => server.add_user(therapist, Role::Therapist).await,
    };
    let person = match server.app.store().user_by_email(person).await.unwrap() {
        Some(_) => server.app.me_at_shell(person).await.unwrap(),
        None => server.add_user(person, Role::Person).await,
    };
    let (_, code) = server
        .app
        .create_invitation(&therapist, "client")
        .await
        .unwrap();
    let link = server
        .app
        .accept_invitation(
            &person,
            &code,
            &Sharing::from_keys(shares.iter().copied()).unwrap(),
        )
        .await
        .unwrap();
    Care {
        therapist,
        person,
        link_id: link.id,
    }
}

async fn log_day(server: &TestServer, person: &Me, date: NaiveDate) {
    let text = DayText {
        daylight_hours: "1.5".into(),
        energy: "5".into(),
        mood: "6".into(),
        outside_morning: "yes".into(),
        ..DayText::default()
    };
    let (fields, errors) = text.to_fields();
    server
        .app
        .log_day(person, date, fields, errors)
        .await
        .unwrap();
}

async fn api(
    server: &TestServer,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}/api/v1{path}", server.url))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn fields(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn shift(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date.checked_add_days(Days::new(days as u64)).unwrap()
    } else {
        date.checked_sub_days(Days::new((-days) as u64)).unwrap()
    }
}

#[tokio::test]
async fn homework_completion_is_read_from_what_was_done_and_shown_only_when_shared() {
    on_every_backend("homework_completion", |server, _| async move {
        let care = link(
            &server,
            "t@example.org",
            "p@example.org",
            &["questionnaires"],
        )
        .await;
        let today = server.app.today(&care.person);
        let therapist = signed_in_browser(&server, "t@example.org").await;
        let page_url = format!("{}/care/people/{}/homework", server.url, care.person.id);
        let (status, page) = get(&therapist, &page_url).await;
        assert_eq!(status, 200, "{page}");
        let response = therapist
            .post(&page_url)
            .form(&[
                ("csrf", csrf_in(&page).as_str()),
                ("kind", "log"),
                ("start_date", &shift(today, -2).to_string()),
                ("end_date", &shift(today, 4).to_string()),
                ("every_days", ""),
                ("note", "Rough numbers are fine."),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);

        for d in [-2, -1, 0] {
            log_day(&server, &care.person, shift(today, d)).await;
        }
        let person = signed_in_browser(&server, "p@example.org").await;
        let (_, home) = get(&person, &format!("{}/", server.url)).await;
        assert!(
            home.contains("Today&#39;s homework") || home.contains("Today's homework"),
            "{home}"
        );
        assert!(home.contains("done, nice"));
        assert!(home.contains("Rough numbers are fine."));
        for word in ["overdue", "missed", "failed"] {
            assert!(!home.to_lowercase().contains(word));
        }
        let (status, list) = get(&person, &format!("{}/homework", server.url)).await;
        assert_eq!(status, 200);
        assert!(list.contains("3 of 7 days logged"), "{list}");
        assert!(list.contains("t@example.org"));

        // Log is not shared: the therapist sees that, and nothing about logging is read.
        let (_, page) = get(&therapist, &page_url).await;
        assert!(page.contains("not shared"), "{page}");
        assert!(!page.contains("3 of 7"));
        let log = server.app.access_log(&care.person).await.unwrap();
        assert!(log.iter().all(|r| r.category != "log"));

        server
            .app
            .set_sharing(
                &care.person,
                care.link_id,
                &Sharing::from_keys(["log", "questionnaires"]).unwrap(),
            )
            .await
            .unwrap();
        let (_, page) = get(&therapist, &page_url).await;
        assert!(page.contains("3 of 7 days logged"), "{page}");
        let log = server.app.access_log(&care.person).await.unwrap();
        assert!(log.iter().any(|r| r.category == "log"
            && r.what == "homework"
            && r.viewer_email == "t@example.org"));

        let person_token = server.token_for(&care.person).await;
        let (status, mine) = api(
            &server,
            &person_token,
            reqwest::Method::GET,
            "/homework",
            None,
        )
        .await;
        assert_eq!(status, 200, "{mine}");
        assert_eq!(mine["homework"][0]["progress"]["done"], 3);
        assert_eq!(mine["homework"][0]["progress"]["total"], 7);
        let t_token = server.token_for(&care.therapist).await;
        let (status, theirs) = api(
            &server,
            &t_token,
            reqwest::Method::GET,
            &format!("/care/people/{}/homework", care.person.id),
            None,
        )
        .await;
        assert_eq!(status, 200, "{theirs}");
        assert_eq!(
            theirs["homework"][0]["progress"]["sentence"],
            "3 of 7 days logged"
        );

        // The caseload counts homework too (days logged of those begun).
        let rows = server.app.caseload(&care.therapist, "test").await.unwrap();
        assert_eq!(rows[0].homework, Some((3, 3)));
    })
    .await;
}

#[tokio::test]
async fn assigning_is_checked_and_only_the_assigning_therapist_can_withdraw() {
    on_every_backend("homework_checks", |server, _| async move {
        let stranger = server.add_user("s@example.org", Role::Person).await;
        let care = link(&server, "t@example.org", "p@example.org", &[]).await;
        let other = link(&server, "t2@example.org", "p@example.org", &[]).await;
        let token = server.token_for(&care.therapist).await;
        let today = server.app.today(&care.person);
        let body = |start: NaiveDate, end: NaiveDate| {
            json!({"kind": "exercise:thought-record", "start_date": start.to_string(),
                   "end_date": end.to_string(), "note": "One is plenty."})
        };

        let (status, _) = api(
            &server,
            &token,
            reqwest::Method::POST,
            &format!("/care/people/{}/homework", stranger.id),
            Some(body(today, shift(today, 6))),
        )
        .await;
        assert_eq!(status, 404);
        assert!(server.app.store().homework_of_person(stranger.id).await.unwrap().is_empty());

        let path = format!("/care/people/{}/homework", care.person.id);
        let (status, err) = api(
            &server,
            &token,
            reqwest::Method::POST,
            &path,
            Some(body(today, shift(today, -1))),
        )
        .await;
        assert_eq!(status, 422, "{err}");
        assert_eq!(fields(&err), vec!["end_date"]);
        let (status, err) = api(
            &server,
            &token,
            reqwest::Method::POST,
            &path,
            Some(json!({"kind": "exercise:nope", "start_date": "soon", "end_date": today.to_string(), "every_days": 400})),
        )
        .await;
        assert_eq!(status, 422);
        let f = fields(&err);
        assert!(f.contains(&"kind".into()) && f.contains(&"start_date".into()) && f.contains(&"every_days".into()), "{f:?}");
        assert!(server.app.store().homework_of_person(care.person.id).await.unwrap().is_empty());

        // The form says it in words and keeps the input.
        let therapist = signed_in_browser(&server, "t@example.org").await;
        let url = format!("{}/care/people/{}/homework", server.url, care.person.id);
        let (_, page) = get(&therapist, &url).await;
        let response = therapist
            .post(&url)
            .form(&[
                ("csrf", csrf_in(&page).as_str()),
                ("kind", "log"),
                ("start_date", &today.to_string()),
                ("end_date", &shift(today, -3).to_string()),
                ("note", "kept"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let html = response.text().await.unwrap();
        assert!(html.contains("The schedule ends before it starts."));
        assert!(html.contains(">kept</textarea>"));

        let (status, created) = api(
            &server,
            &token,
            reqwest::Method::POST,
            &path,
            Some(body(today, shift(today, 6))),
        )
        .await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_i64().unwrap();
        let other_token = server.token_for(&other.therapist).await;
        let (status, _) = api(
            &server,
            &other_token,
            reqwest::Method::POST,
            &format!("/care/people/{}/homework/{id}/cancel", care.person.id),
            None,
        )
        .await;
        assert_eq!(status, 404);
        let (status, theirs) = api(&server, &other_token, reqwest::Method::GET, &path, None).await;
        assert_eq!((status, theirs["homework"].as_array().map(Vec::len)), (200, Some(0)));
        let person_token = server.token_for(&care.person).await;
        let (_, mine) = api(&server, &person_token, reqwest::Method::GET, "/homework", None).await;
        assert_eq!(mine["homework"].as_array().map(Vec::len), Some(1));
        assert_eq!(mine["homework"][0]["progress"]["sentence"], "not done yet");

        let (status, _) = api(
            &server,
            &token,
            reqwest::Method::POST,
            &format!("/care/people/{}/homework/{id}/cancel", care.person.id),
            None,
        )
        .await;
        assert_eq!(status, 204);
        let (_, mine) = api(&server, &person_token, reqwest::Method::GET, "/homework", None).await;
        assert_eq!(mine["homework"].as_array().map(Vec::len), Some(0));
    })
    .await;
}

#[tokio::test]
async fn the_summary_shows_only_shared_categories_and_logs_each_read() {
    on_every_backend("homework_summary", |server, _| async move {
        let care = link(
            &server,
            "t@example.org",
            "p@example.org",
            &["log", "reflections"],
        )
        .await;
        let today = server.app.today(&care.person);
        log_day(&server, &care.person, today).await;
        server
            .app
            .save_reflection(
                &care.person,
                &today.to_string(),
                "Mornings outside seem to help.",
            )
            .await
            .unwrap();

        let therapist = signed_in_browser(&server, "t@example.org").await;
        let url = format!("{}/care/people/{}/summary", server.url, care.person.id);
        let (status, page) = get(&therapist, &url).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("1 of 28 days logged"), "{page}");
        assert!(page.contains("Mornings outside seem to help."));
        assert!(page.contains("Not shared."));
        let log = server.app.access_log(&care.person).await.unwrap();
        let summary_reads: Vec<&str> = log
            .iter()
            .filter(|r| r.what.starts_with("summary "))
            .map(|r| r.category.as_str())
            .collect();
        assert!(summary_reads.contains(&"log") && summary_reads.contains(&"reflections"));
        assert!(!summary_reads.contains(&"questionnaires") && !summary_reads.contains(&"safety"));

        let (status, _) = get(&therapist, &format!("{url}?from=2026-03-10&to=2026-03-01")).await;
        assert_eq!(status, 422);
        let (status, _) = get(&therapist, &format!("{url}?from=2020-01-01&to=2026-03-01")).await;
        assert_eq!(status, 422);

        let token = server.token_for(&care.therapist).await;
        let (status, json) = api(
            &server,
            &token,
            reqwest::Method::GET,
            &format!("/care/people/{}/summary", care.person.id),
            None,
        )
        .await;
        assert_eq!(status, 200, "{json}");
        assert_eq!(json["log"]["days_logged"], 1);
        assert!(json["questionnaires"].is_null() && json["safety_events"].is_null());
        assert_eq!(
            json["reflections"][0]["text"],
            "Mornings outside seem to help."
        );

        let stranger = server.add_user("t3@example.org", Role::Therapist).await;
        let stranger_token = server.token_for(&stranger).await;
        let (status, _) = api(
            &server,
            &stranger_token,
            reqwest::Method::GET,
            &format!("/care/people/{}/summary", care.person.id),
            None,
        )
        .await;
        assert_eq!(status, 404);

        let before = server.app.access_log(&care.person).await.unwrap().len();
        let person = signed_in_browser(&server, "p@example.org").await;
        let (status, own) = get(&person, &format!("{}/summary", server.url)).await;
        assert_eq!(status, 200);
        assert!(own.contains("Mornings outside seem to help."));
        assert!(!own.contains("Not shared."));
        assert_eq!(
            server.app.access_log(&care.person).await.unwrap().len(),
            before
        );

        // Safety events read in the same words as a therapist's alert, named by the note's date.
        let yesterday = today.pred_opt().unwrap();
        server
            .app
            .save_reflection(&care.person, &yesterday.to_string(), "I want to die.")
            .await
            .unwrap();
        let (status, own) = get(&person, &format!("{}/summary", server.url)).await;
        assert_eq!(status, 200);
        let words = format!(
            "Words about self-harm in the reflection of {}",
            yesterday.format("%-d %b")
        );
        assert!(own.contains(&words), "{own}");
        assert!(!own.contains("reflection:"), "no internal references");
    })
    .await;
}

fn property<'a>(
    event: &'a ical::parser::ical::component::IcalEvent,
    name: &str,
) -> Option<&'a ical::property::Property> {
    event.properties.iter().find(|p| p.name == name)
}

#[tokio::test]
async fn the_calendar_feed_is_icalendar_and_can_be_revoked() {
    on_every_backend("homework_calendar", |server, _| async move {
        let care = link(&server, "t@example.org", "p@example.org", &[]).await;
        let today = server.app.today(&care.person);
        let due = shift(today, 5);
        server
            .app
            .assign_homework(
                &care.therapist,
                care.person.id,
                &enough_domain::homework::AssignmentText {
                    kind: "exercise:thought-record".into(),
                    start_date: today.to_string(),
                    end_date: due.to_string(),
                    every_days: String::new(),
                    note: "A private note, not for the calendar".into(),
                },
            )
            .await
            .unwrap();
        let token = server.token_for(&care.person).await;
        let (status, err) = api(
            &server,
            &token,
            reqwest::Method::PUT,
            "/calendar-feed",
            Some(json!({"reminder_time": "8:30pm"})),
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(fields(&err), vec!["reminder_time"]);
        let (status, created) = api(
            &server,
            &token,
            reqwest::Method::PUT,
            "/calendar-feed",
            Some(json!({"reminder_time": "08:30"})),
        )
        .await;
        assert_eq!(status, 201, "{created}");
        let url = created["url"].as_str().unwrap().to_owned();
        assert!(url.ends_with(".ics") && url.contains("/calendar/"));

        let response = reqwest::get(&url).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "text/calendar; charset=utf-8"
        );
        let text = response.text().await.unwrap();
        assert!(text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'));
        assert!(text.split("\r\n").all(|l| l.len() <= 75));
        assert!(!text.contains("private note"));
        let calendar = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()))
            .next()
            .unwrap()
            .unwrap();
        let daily = calendar
            .events
            .iter()
            .find(|e| property(e, "RRULE").and_then(|p| p.value.as_deref()) == Some("FREQ=DAILY"))
            .expect("a daily reminder");
        let start = property(daily, "DTSTART").unwrap().value.clone().unwrap();
        assert!(start.ends_with("T083000"), "{start}");
        assert!(!start.ends_with('Z'), "floating local time");
        assert_eq!(daily.alarms.len(), 1);
        let due_text = due.format("%Y%m%d").to_string();
        let homework = calendar
            .events
            .iter()
            .find(|e| {
                property(e, "DTSTART").and_then(|p| p.value.as_deref()) == Some(due_text.as_str())
            })
            .expect("the homework's due date");
        assert!(
            property(homework, "SUMMARY")
                .unwrap()
                .value
                .as_deref()
                .unwrap()
                .contains("Thought record")
        );
        assert!(property(homework, "UID").is_some());

        // Settings offers the same, and the form refuses a bad time.
        let person = signed_in_browser(&server, "p@example.org").await;
        let (_, settings) = get(&person, &format!("{}/settings/reminders", server.url)).await;
        assert!(settings.contains("08:30"));

        let (status, _) = api(
            &server,
            &token,
            reqwest::Method::DELETE,
            "/calendar-feed",
            None,
        )
        .await;
        assert_eq!(status, 204);
        assert_eq!(reqwest::get(&url).await.unwrap().status(), 404);
        let (status, _) = get(&person, &format!("{}/calendar/not-a-token.ics", server.url)).await;
        assert_eq!(status, 404);
    })
    .await;
}
