//! Every way words or answers enter goes through the one safety decision: for each saving path,
//! the support page (web), the `support` object (API) or the crisis lines (CLI), and exactly one
//! safety event; an unchanged re-save brings neither again. Names match the classifications in
//! `crates/web/src/saving_routes.rs`.

use crate::cli::enough;
use crate::common::{
    FreshDb, PASSWORD, TestServer, backends, csrf_in, get, on_every_backend, signed_in_browser,
};
use enough_app::App;
use enough_app::Me;
use enough_domain::account::Role;
use serde_json::{Value, json};
use std::process::Output;

const RISKY: &str = "I want to kill myself tonight";
const CALM: &str = "A slow walk, then tea";

/// A person with a browser session and an API token.
struct Person {
    user: Me,
    browser: reqwest::Client,
    token: String,
}

impl Person {
    async fn new(server: &TestServer) -> Self {
        let user = server.add_user("ana@example.org", Role::Person).await;
        Self {
            browser: signed_in_browser(server, "ana@example.org").await,
            token: server.token_for(&user).await,
            user,
        }
    }

    /// An API call: (status, JSON body).
    async fn api(
        &self,
        server: &TestServer,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> (u16, Value) {
        let response = reqwest::Client::new()
            .request(method, format!("{}/api/v1{path}", server.url))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Posts a form (with the CSRF token of `page_path`) and returns (status, Location).
    async fn post_form(
        &self,
        server: &TestServer,
        page_path: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String) {
        let (_, page) = get(&self.browser, &format!("{}{page_path}", server.url)).await;
        let csrf = csrf_in(&page);
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        let response = self
            .browser
            .post(format!("{}{action}", server.url))
            .form(&form)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, location)
    }
}

/// The person's safety events as (kind, place), oldest first.
async fn events(app: &App, user: &Me) -> Vec<(String, String)> {
    let mut all: Vec<_> = app
        .safety_events(user)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.kind, e.detail))
        .collect();
    all.reverse();
    all
}

/// A `support` object holds the person's country, its lines and the support page.
fn assert_support(body: &Value, after: &str, app: &App, user: &Me) {
    let support = &body["support"];
    let country = app.crisis_country(Some(user));
    assert_eq!(support["country"], country.code.as_str(), "{body}");
    assert_eq!(
        support["lines"].as_array().map(Vec::len),
        Some(country.lines.len()),
        "{body}"
    );
    assert!(!country.lines.is_empty());
    assert_eq!(support["lines"][0]["name"], country.lines[0].name.as_str());
    assert_eq!(support["url"], format!("/support?after={after}"));
}

#[tokio::test]
async fn day_form_and_api() {
    on_every_backend("safety_day", |server, _| async move {
        let ana = Person::new(&server).await;
        let today = server.app.today(&ana.user).to_string();
        let day = |note: &'static str| {
            [
                ("date", today.clone()),
                ("daylight_hours", "1".to_owned()),
                ("energy", "2".to_owned()),
                ("mood", "1".to_owned()),
                ("outside_morning", "no".to_owned()),
                ("note", note.to_owned()),
            ]
        };
        let fields = day(RISKY);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, to) = ana.post_form(&server, "/", "/days", &fields).await;
        assert_eq!((status, to.as_str()), (303, "/support?after=day"));
        let (status, page) = get(&ana.browser, &format!("{}{to}", server.url)).await;
        assert_eq!(status, 200);
        assert!(page.contains(&server.app.crisis_country(Some(&ana.user)).lines[0].name));
        assert_eq!(
            events(&server.app, &ana.user).await,
            [("self-harm-language".to_owned(), format!("day:{today}"))]
        );
        // The same note saved again: no second support page, no second event.
        let (_, to) = ana.post_form(&server, "/", "/days", &fields).await;
        assert_eq!(to, format!("/?saved={today}"));
        assert_eq!(events(&server.app, &ana.user).await.len(), 1);

        // An htmx request is sent to the page with HX-Redirect instead of a 303.
        let (_, home) = get(&ana.browser, &server.url).await;
        let htmx = ana
            .browser
            .post(format!("{}/days", server.url))
            .header("hx-request", "true")
            .form(&[
                ("csrf", csrf_in(&home).as_str()),
                ("date", today.as_str()),
                ("daylight_hours", "1"),
                ("energy", "2"),
                ("mood", "1"),
                ("outside_morning", "no"),
                ("note", "Still feeling suicidal"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(htmx.status(), 200);
        assert_eq!(htmx.headers()["hx-redirect"], "/support?after=day");
        assert_eq!(events(&server.app, &ana.user).await.len(), 2, "a changed note is a new save");

        // The API: a day with risk language answers 201 with `support`, once.
        let yesterday = server.app.today(&ana.user).pred_opt().unwrap().to_string();
        let body = json!({"daylight_hours": 1, "energy": 2, "mood": 1, "outside_morning": false, "note": "I feel suicidal"});
        let path = format!("/days/{yesterday}");
        let (status, saved) = ana.api(&server, reqwest::Method::PUT, &path, body.clone()).await;
        assert_eq!(status, 201, "{saved}");
        assert_support(&saved, "day", &server.app, &ana.user);
        assert_eq!(saved["mood"], 1, "the day itself is in the answer");
        let (status, again) = ana.api(&server, reqwest::Method::PUT, &path, body).await;
        assert_eq!(status, 200);
        assert!(again.get("support").is_none(), "{again}");
        let (_, calm) = ana
            .api(&server, reqwest::Method::PUT, &path, json!({"daylight_hours": 1, "energy": 2, "mood": 1, "outside_morning": false, "note": CALM}))
            .await;
        assert!(calm.get("support").is_none());
        assert_eq!(
            events(&server.app, &ana.user).await[2],
            ("self-harm-language".to_owned(), format!("day:{yesterday}"))
        );
        assert_eq!(events(&server.app, &ana.user).await.len(), 3);
        // PATCH: only the note sent, same decision, once.
        let before = server.app.today(&ana.user).pred_opt().unwrap().pred_opt().unwrap();
        let path = format!("/days/{before}");
        let note = json!({"note": "I keep thinking about ending my life"});
        let (status, patched) = ana.api(&server, reqwest::Method::PATCH, &path, note.clone()).await;
        assert_eq!(status, 201, "{patched}");
        assert_support(&patched, "day", &server.app, &ana.user);
        let (_, again) = ana.api(&server, reqwest::Method::PATCH, &path, note).await;
        assert!(again.get("support").is_none(), "{again}");
        let (_, calm) = ana.api(&server, reqwest::Method::PATCH, &path, json!({"mood": 4})).await;
        assert!(calm.get("support").is_none(), "another value added later: {calm}");
        assert_eq!(events(&server.app, &ana.user).await.len(), 4);

        // The home page's quick rows: a note saved from its row goes to support, once; a
        // mood tapped afterwards does not send the person back.
        let (_, home) = get(&ana.browser, &server.url).await;
        let quick = |fields: Vec<(&'static str, String)>| {
            let mut form = vec![("csrf", csrf_in(&home)), ("date", today.clone())];
            form.extend(fields);
            ana.browser
                .post(format!("{}/days/quick", server.url))
                .header("hx-request", "true")
                .form(&form)
                .send()
        };
        let noted = quick(vec![("note", "I cut my arms again last night".to_owned())])
            .await
            .unwrap();
        assert_eq!(noted.headers()["hx-redirect"], "/support?after=day");
        let mood = quick(vec![("mood", "3".to_owned())]).await.unwrap();
        assert!(mood.headers().get("hx-redirect").is_none());
        assert_eq!(events(&server.app, &ana.user).await.len(), 5);

        // Visible in the person's export too.
        let (_, export) = ana.api(&server, reqwest::Method::GET, "/export", Value::Null).await;
        assert_eq!(export["safety_events"].as_array().unwrap().len(), 5);
    })
    .await;
}

#[tokio::test]
async fn reflections() {
    on_every_backend("safety_reflections", |server, _| async move {
        let ana = Person::new(&server).await;
        let today = server.app.today(&ana.user).to_string();
        let (status, to) = ana
            .post_form(
                &server,
                "/insights",
                "/insights/reflection",
                &[("date", &today), ("text", RISKY)],
            )
            .await;
        assert_eq!((status, to.as_str()), (303, "/support?after=reflection"));
        let yesterday = server.app.today(&ana.user).pred_opt().unwrap().to_string();
        let path = format!("/reflections/{yesterday}");
        let (status, saved) = ana
            .api(
                &server,
                reqwest::Method::PUT,
                &path,
                json!({"text": "Feeling suicidal again"}),
            )
            .await;
        assert_eq!(status, 200, "{saved}");
        assert_support(&saved, "reflection", &server.app, &ana.user);
        assert_eq!(
            events(&server.app, &ana.user).await,
            [
                (
                    "self-harm-language".to_owned(),
                    format!("reflection:{today}")
                ),
                (
                    "self-harm-language".to_owned(),
                    format!("reflection:{yesterday}")
                ),
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn exercises() {
    on_every_backend("safety_exercises", |server, _| async move {
        let ana = Person::new(&server).await;
        // A web draft of a thought record.
        let (status, to) = ana
            .post_form(
                &server,
                "/toolkit/thought-record/new",
                "/toolkit/thought-record",
                &[("date", "2026-11-20"), ("thought", RISKY), ("status", "draft")],
            )
            .await;
        assert_eq!((status, to.as_str()), (303, "/support?after=exercise"));
        assert_eq!(events(&server.app, &ana.user).await.len(), 1);

        // An API exercise saved as done, then an exposure ladder attempt with a note.
        let (status, saved) = ana
            .api(&server, reqwest::Method::POST, "/exercises", json!({
                "kind": "thought-record", "date": "2026-11-21", "status": "draft",
                "answers": {"thought": "Some nights I feel suicidal"}
            }))
            .await;
        assert_eq!(status, 201, "{saved}");
        assert_support(&saved, "exercise", &server.app, &ana.user);
        let (_, ladder) = ana
            .api(&server, reqwest::Method::POST, "/exercises", json!({
                "kind": "exposure-ladder", "date": "2026-11-21", "status": "draft",
                "answers": {}
            }))
            .await;
        assert!(ladder.get("support").is_none(), "{ladder}");
        let id = ladder["id"].as_i64().unwrap();
        let (status, with_rung) = ana
            .api(&server, reqwest::Method::PUT, &format!("/exercises/{id}"), json!({
                "date": "2026-11-21", "status": "draft",
                "answers": {"ladder": {"rungs": [{"text": "Send an email with a typo", "suds": 40, "attempts": []}]}}
            }))
            .await;
        assert_eq!(status, 200, "{with_rung}");
        let (status, attempt) = ana
            .api(&server, reqwest::Method::POST, &format!("/exercises/{id}/ladder-attempts"), json!({
                "rung": 0, "date": "2026-11-21", "suds_before": 40, "suds_peak": 60, "suds_after": 20,
                "note": "Afterwards I wanted to kill myself"
            }))
            .await;
        assert_eq!(status, 200, "{attempt}");
        assert_support(&attempt, "exercise", &server.app, &ana.user);
        let all = events(&server.app, &ana.user).await;
        assert_eq!(all.len(), 3, "{all:?}");
        assert_eq!(all[2].1, format!("exercise:{id}"));
    })
    .await;
}

#[tokio::test]
async fn activities() {
    on_every_backend("safety_activities", |server, _| async move {
        let ana = Person::new(&server).await;
        let today = server.app.today(&ana.user).to_string();
        let (status, planned) = ana
            .api(
                &server,
                reqwest::Method::POST,
                "/activities",
                json!({"what": "Walk to the bakery", "date": today, "kind": "outdoors"}),
            )
            .await;
        assert_eq!(status, 201);
        assert!(planned.get("support").is_none(), "a calm plan: {planned}");
        let id = planned["id"].as_i64().unwrap();
        // The web form for how it went.
        let (status, to) = ana
            .post_form(
                &server,
                &format!("/activities/{id}"),
                &format!("/activities/{id}"),
                &[("done", "no"), ("note", RISKY)],
            )
            .await;
        assert_eq!((status, to.as_str()), (303, "/support?after=activity"));
        assert_eq!(
            events(&server.app, &ana.user).await,
            [("self-harm-language".to_owned(), format!("activity:{id}"))]
        );
        // The API: the same note again is not new; another one is.
        let path = format!("/activities/{id}/outcome");
        let (_, same) = ana
            .api(
                &server,
                reqwest::Method::PUT,
                &path,
                json!({"done": false, "note": RISKY}),
            )
            .await;
        assert!(same.get("support").is_none(), "{same}");
        let (status, other) = ana
            .api(
                &server,
                reqwest::Method::PUT,
                &path,
                json!({"done": false, "note": "Still suicidal"}),
            )
            .await;
        assert_eq!(status, 200, "{other}");
        assert_support(&other, "activity", &server.app, &ana.user);
        // A plan whose words carry it, through the web form.
        let (status, to) = ana
            .post_form(
                &server,
                "/activities",
                "/activities",
                &[
                    ("what", "Not hurting myself tonight"),
                    ("date", &today),
                    ("kind", "rest"),
                ],
            )
            .await;
        assert_eq!((status, to.as_str()), (303, "/support?after=activity"));
        assert_eq!(events(&server.app, &ana.user).await.len(), 3);
    })
    .await;
}

/// The PHQ-9 form with `answers` (blank where `None`) and `action`; returns (status, Location).
async fn phq9_form(
    ana: &Person,
    server: &TestServer,
    answers: &[Option<u8>],
    action: &str,
) -> (u16, String) {
    let (_, page) = get(&ana.browser, &format!("{}/measures/phq-9", server.url)).await;
    let marker = r#"name="client_id" value=""#;
    let start = page.find(marker).unwrap() + marker.len();
    let client_id = page[start..start + page[start..].find('"').unwrap()].to_owned();
    let mut form = vec![
        ("client_id".to_owned(), client_id),
        ("action".to_owned(), action.to_owned()),
    ];
    for (i, a) in answers.iter().enumerate() {
        form.push((
            format!("item{}", i + 1),
            a.map(|v| v.to_string()).unwrap_or_default(),
        ));
    }
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    ana.post_form(server, "/measures/phq-9", "/measures/phq-9", &fields)
        .await
}

#[tokio::test]
async fn questionnaires() {
    on_every_backend("safety_questionnaires", |server, _| async move {
        let ana = Person::new(&server).await;
        // Save and finish later, item 9 "More than half the days": support at once.
        let mut answers = vec![Some(1), None, None, None, None, None, None, None, Some(2)];
        let (status, to) = phq9_form(&ana, &server, &answers, "save").await;
        assert_eq!((status, to.as_str()), (303, "/support?after=questionnaire"));
        assert_eq!(
            events(&server.app, &ana.user).await,
            [(
                "phq9-item9".to_owned(),
                "questionnaire-draft:phq-9".to_owned()
            )]
        );
        // Saving the same draft again: back to the list, no second event.
        answers[1] = Some(1);
        let (_, to) = phq9_form(&ana, &server, &answers, "save").await;
        assert_eq!(to, "/measures?saved=phq-9");
        assert_eq!(events(&server.app, &ana.user).await.len(), 1);
        // Finishing: the sitting is a new record with its own event.
        let all: Vec<Option<u8>> = vec![Some(1); 8].into_iter().chain([Some(2)]).collect();
        let (_, to) = phq9_form(&ana, &server, &all, "finish").await;
        assert_eq!(to, "/support?after=questionnaire");
        let kinds = events(&server.app, &ana.user).await;
        assert_eq!(kinds.len(), 2);
        assert!(kinds[1].1.starts_with("questionnaire:"), "{kinds:?}");

        // The API: a draft and a finished sitting, each with `support`.
        let (status, draft) = ana
            .api(
                &server,
                reqwest::Method::PUT,
                "/measures/phq-9/draft",
                json!({"answers": [0, null, null, null, null, null, null, null, 1]}),
            )
            .await;
        assert_eq!(status, 200, "{draft}");
        assert_support(&draft, "questionnaire", &server.app, &ana.user);
        assert_eq!(draft["answers"][8], 1);
        let (_, same) = ana
            .api(
                &server,
                reqwest::Method::PUT,
                "/measures/phq-9/draft",
                json!({"answers": [0, 0, null, null, null, null, null, null, 1]}),
            )
            .await;
        assert!(
            same.get("support").is_none(),
            "the same item 9 answer again: {same}"
        );
        let (_, calm) = ana
            .api(
                &server,
                reqwest::Method::PUT,
                "/measures/gad-7/draft",
                json!({"answers": [3, 3, 3, null]}),
            )
            .await;
        assert!(calm.get("support").is_none());
        let (status, bad) = ana
            .api(
                &server,
                reqwest::Method::PUT,
                "/measures/phq-9/draft",
                json!({"answers": [7]}),
            )
            .await;
        assert_eq!(status, 422, "{bad}");
        assert_eq!(bad["error"]["fields"][0]["field"], "answers[0]");
        let (status, done) = ana
            .api(
                &server,
                reqwest::Method::POST,
                "/measures/phq-9/responses",
                json!({"client_id": "s-1", "answers": [0, 0, 0, 0, 0, 0, 0, 0, 3]}),
            )
            .await;
        assert_eq!(status, 201, "{done}");
        assert_support(&done, "questionnaire", &server.app, &ana.user);
        assert_eq!(done["safety"], true);
        let (status, repeat) = ana
            .api(
                &server,
                reqwest::Method::POST,
                "/measures/phq-9/responses",
                json!({"client_id": "s-1", "answers": [0, 0, 0, 0, 0, 0, 0, 0, 3]}),
            )
            .await;
        assert_eq!(status, 200);
        assert!(
            repeat.get("support").is_none(),
            "a repeat stores nothing new"
        );
        let all = events(&server.app, &ana.user).await;
        assert_eq!(all.len(), 4, "{all:?}");
        let (_, export) = ana
            .api(&server, reqwest::Method::GET, "/export", Value::Null)
            .await;
        assert!(
            export["safety_events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["detail"] == "questionnaire-draft:phq-9"),
            "the draft's event is in the export"
        );
    })
    .await;
}

#[tokio::test]
async fn safety_plan_text_records_no_event() {
    on_every_backend("safety_plan_rule", |server, _| async move {
        let ana = Person::new(&server).await;
        let (status, to) = ana
            .post_form(
                &server,
                "/safety-plan/edit",
                "/safety-plan",
                &[
                    ("warning_signs", "Thinking about killing myself"),
                    ("people_to_ask", "My sister"),
                ],
            )
            .await;
        assert_eq!((status, to.as_str()), (303, "/safety-plan?saved=1"));
        let (status, saved) = ana
            .api(
                &server,
                reqwest::Method::PUT,
                "/safety-plan",
                json!({"warning_signs": ["I want to kill myself"]}),
            )
            .await;
        assert_eq!(status, 200, "{saved}");
        assert!(saved.get("support").is_none());
        assert!(events(&server.app, &ana.user).await.is_empty());
    })
    .await;
}

fn succeeded(output: &Output) -> (String, String) {
    let (out, err) = (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    );
    assert!(output.status.success(), "failed: {err}");
    (out, err)
}

/// Runs the real binary on `url` without blocking the runtime.
async fn run(url: &str, args: Vec<String>, stdin: Option<&'static str>) -> Output {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        enough(&url, &args, stdin)
    })
    .await
    .unwrap()
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// The crisis lines as the CLI prints them: the first line's name and the emergency number.
fn assert_cli_support(stderr: &str, app: &App, user: &Me) {
    let country = app.crisis_country(Some(user));
    assert!(stderr.contains(&country.lines[0].name), "{stderr}");
    assert!(
        stderr.contains(&format!("call {}", country.emergency)),
        "{stderr}"
    );
    assert!(stderr.contains("/support?after="), "{stderr}");
}

#[tokio::test]
async fn cli_log() {
    for backend in backends("safety_cli_log") {
        let db = FreshDb::new(backend).await;
        let app = App::new(db.store().await);
        app.add_user("ana@example.org", Role::Person, PASSWORD, "Europe/London")
            .await
            .unwrap();
        let user = app.me_at_shell("ana@example.org").await.unwrap();
        let log = |note: &str| {
            args(&[
                "log",
                "--email",
                "ana@example.org",
                "--daylight",
                "1",
                "--energy",
                "2",
                "--mood",
                "1",
                "--outside-morning",
                "no",
                "--note",
                note,
            ])
        };
        let (out, err) = succeeded(&run(&db.url, log(RISKY), None).await);
        assert!(out.contains("logged"), "{out}");
        assert_cli_support(&err, &app, &user);
        assert!(
            err.contains("Samaritans"),
            "GB lines for Europe/London: {err}"
        );
        let (_, err) = succeeded(&run(&db.url, log(RISKY), None).await);
        assert!(
            err.trim().is_empty(),
            "an unchanged note: nothing again: {err}"
        );
        assert_eq!(
            events(&app, &user).await,
            [(
                "self-harm-language".to_owned(),
                format!("day:{}", app.today(&user))
            )]
        );
        db.finish().await;
    }
}

/// Writes `content` to a file named `name` in a fresh folder.
fn file(dir: &tempfile::TempDir, name: &str, content: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn imports() {
    for backend in backends("safety_imports") {
        let db = FreshDb::new(backend).await;
        let server = TestServer::start(db.store().await).await;
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let dir = tempfile::tempdir().unwrap();
        let fill = [
            "--fill-daylight",
            "1",
            "--fill-energy",
            "3",
            "--fill-mood",
            "3",
            "--fill-outside",
            "no",
        ];
        let cases = [
            (
                "csv",
                file(
                    &dir,
                    "days.csv",
                    &format!(
                        "date,daylight_hours,energy,mood,outside_morning,note\n\
                     2024-01-10,1.5,5,6,yes,\"{CALM}\"\n\
                     2024-01-11,1,2,1,no,\"{RISKY}\"\n\
                     2024-01-12,1,2,1,no,\"Feeling suicidal\"\n"
                    ),
                ),
                "day:2024-01-11",
            ),
            (
                "daylio",
                file(
                    &dir,
                    "daylio.csv",
                    &format!(
                        "full_date,date,weekday,time,mood,activities,note_title,note\n\
                     2024-03-02,2 March,Saturday,9:15 pm,awful,\"\",\"\",\"{RISKY}\"\n\
                     2024-03-03,3 March,Sunday,9:15 pm,awful,\"\",\"\",\"Feeling suicidal\"\n"
                    ),
                ),
                "day:2024-03-02",
            ),
            (
                "bearable",
                file(
                    &dir,
                    "bearable.csv",
                    &format!(
                        "date,weekday,time of day,category,rating/amount,detail,notes\n\
                     22nd Sep 2020,Tuesday,am,Mood,3,,\"{RISKY}\"\n"
                    ),
                ),
                "day:2020-09-22",
            ),
        ];
        let mut expected = 0;
        for (format, path, place) in cases {
            let mut list = vec![
                "import",
                format,
                path.as_str(),
                "--email",
                "ana@example.org",
            ];
            list.extend_from_slice(&fill);
            let (out, err) = succeeded(&run(&db.url, args(&list), None).await);
            assert!(out.contains("Wrote"), "{format}: {out}");
            assert_cli_support(&err, &server.app, &ana);
            expected += 1;
            let all = events(&server.app, &ana).await;
            assert_eq!(
                all.len(),
                expected,
                "one event for the whole {format} import: {all:?}"
            );
            assert_eq!(
                all[expected - 1],
                ("self-harm-language".to_owned(), place.to_owned())
            );
            // The same file again: nothing new, so no support and no event.
            let (_, err) = succeeded(&run(&db.url, args(&list), None).await);
            assert!(err.trim().is_empty(), "{format} again: {err}");
            assert_eq!(events(&server.app, &ana).await.len(), expected);
        }

        // enough's own export, into a second account: the export's events come along, and the
        // import itself adds one per reason (words, item 9); a second import adds nothing.
        let token = server.token_for(&ana).await;
        let phq = reqwest::Client::new()
            .post(format!("{}/api/v1/measures/phq-9/responses", server.url))
            .bearer_auth(&token)
            .json(&json!({"client_id": "own-1", "answers": [0, 0, 0, 0, 0, 0, 0, 0, 1]}))
            .send()
            .await
            .unwrap();
        assert_eq!(phq.status(), 201);
        let export: Value = reqwest::Client::new()
            .get(format!("{}/api/v1/export", server.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let exported_events = export["safety_events"].as_array().unwrap().len();
        assert_eq!(exported_events, expected + 1);
        let own = file(&dir, "export.json", &export.to_string());
        let ben = server.add_user("ben@example.org", Role::Person).await;
        let list = args(&["import", "json", own.as_str(), "--email", "ben@example.org"]);
        let (out, err) = succeeded(&run(&db.url, list.clone(), None).await);
        assert!(out.contains("Imported"), "{out}");
        assert_cli_support(&err, &server.app, &ben);
        let all = events(&server.app, &ben).await;
        assert_eq!(all.len(), exported_events + 2, "{all:?}");
        let new: Vec<&str> = all[exported_events..]
            .iter()
            .map(|e| e.0.as_str())
            .collect();
        assert_eq!(new, ["phq9-item9", "self-harm-language"], "{all:?}");
        assert!(err.contains("/support?after=import"), "{err}");
        let (_, err) = succeeded(&run(&db.url, list, None).await);
        assert!(err.trim().is_empty(), "own export again: {err}");
        assert_eq!(events(&server.app, &ben).await.len(), exported_events + 2);

        // The web import: preview, then apply; one support page for the whole file.
        let cy = server.add_user("cy@example.org", Role::Person).await;
        let browser = signed_in_browser(&server, "cy@example.org").await;
        let (_, page) = get(&browser, &format!("{}/import", server.url)).await;
        let csrf = csrf_in(&page);
        let csv = format!(
            "date,daylight_hours,energy,mood,outside_morning,note\n\
             2024-01-11,1,2,1,no,\"{RISKY}\"\n2024-01-12,1,2,1,no,\"Feeling suicidal\"\n"
        );
        let upload = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("format", "csv")
            .text("rule", "keep-mine")
            .part(
                "file",
                reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("days.csv"),
            );
        let preview = browser
            .post(format!("{}/import/preview", server.url))
            .multipart(upload)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let marker = "name=\"staged\" value=\"";
        let start = preview.find(marker).expect("a staged import") + marker.len();
        let staged = preview[start..start + preview[start..].find('"').unwrap()]
            .replace("&quot;", "\"")
            .replace("&#34;", "\"");
        let applied = browser
            .post(format!("{}/import/apply", server.url))
            .form(&[("csrf", csrf.as_str()), ("staged", staged.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(applied.status(), 303);
        assert_eq!(applied.headers()["location"], "/support?after=import");
        assert_eq!(
            events(&server.app, &cy).await,
            [("self-harm-language".to_owned(), "day:2024-01-11".to_owned())]
        );
        drop(server);
        db.finish().await;
    }
}
