//! The toolkit and safety features through the JSON API and the HTML pages, on every backend.

use crate::common::{
    PASSWORD, TestServer, browser, csrf_in, get, on_every_backend, signed_in_browser,
};
use enough_domain::account::Role;
use enough_domain::toolkit::{StepKind, catalogue};
use serde_json::{Value, json};

/// A POST/PUT/GET helper for the API with a bearer token.
struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn for_person(server: &TestServer, email: &str) -> Self {
        let user = server.add_user(email, Role::Person).await;
        Self {
            client: reqwest::Client::new(),
            base: format!("{}/api/v1", server.url),
            token: server.token_for(&user).await,
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }
}

fn error_fields(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .map(|f| f["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A complete set of answers for any exercise, built from its definition.
fn complete_answers(kind: &str) -> Value {
    let def = catalogue().exercise(kind).unwrap();
    let mut answers = serde_json::Map::new();
    for step in &def.steps {
        let value = match &step.kind {
            StepKind::Text { .. } | StepKind::LongText { .. } => json!(format!("my {}", step.id)),
            StepKind::Rating { min, max, .. } => json!((min + max) / 2),
            StepKind::Distortions => json!([catalogue().distortions[0].id]),
            StepKind::Emotions => json!([{"name": "anxious", "before": 80, "after": 40}]),
            StepKind::ValueDomain => json!(catalogue().life_values[0].id),
            StepKind::ValueRatings => json!([
                {"domain": catalogue().life_values[0].id, "importance": 9, "lived": 4}
            ]),
            StepKind::YesNo => json!(true),
            StepKind::Minutes { .. } => json!(20),
            StepKind::Ladder => json!({"rungs": [
                {"text": "Send a message with a typo", "suds": 30, "attempts": []},
                {"text": "Present without notes", "suds": 70, "attempts": []}
            ]}),
        };
        answers.insert(step.id.clone(), value);
    }
    Value::Object(answers)
}

#[tokio::test]
async fn every_exercise_is_saved_read_changed_and_deleted_through_the_api() {
    on_every_backend("toolkit_api_every_exercise", |server, _| async move {
        let api = Api::for_person(&server, "ana@example.org").await;
        let (status, cat) = api.get("/toolkit").await;
        assert_eq!(status, 200);
        assert_eq!(cat["exercises"].as_array().unwrap().len(), catalogue().exercises.len());
        assert!(cat["distortions"].as_array().unwrap().len() >= 12);

        for def in &catalogue().exercises {
            let answers = complete_answers(&def.id);
            let (status, saved) = api
                .post(
                    "/exercises",
                    json!({"kind": def.id, "date": "2026-11-20", "status": "done", "answers": answers}),
                )
                .await;
            assert_eq!(status, 201, "{}: {saved}", def.id);
            assert_eq!(saved["status"], "done");
            assert_eq!(saved["answers"], answers, "{} comes back as written", def.id);
            let id = saved["id"].as_i64().unwrap();
            let (status, read) = api.get(&format!("/exercises/{id}")).await;
            assert_eq!(status, 200);
            assert_eq!(read["answers"], answers);
        }
        let (_, list) = api.get("/exercises").await;
        assert_eq!(list["exercises"].as_array().unwrap().len(), catalogue().exercises.len());
        let (_, only) = api.get("/exercises?kind=thought-record").await;
        assert_eq!(only["exercises"].as_array().unwrap().len(), 1);

        // Change one, then delete it.
        let id = only["exercises"][0]["id"].as_i64().unwrap();
        let mut answers = complete_answers("thought-record");
        answers["balanced"] = json!("One slow reply is not a verdict on me.");
        let (status, changed) = api
            .put(
                &format!("/exercises/{id}"),
                json!({"date": "2026-11-21", "status": "done", "answers": answers}),
            )
            .await;
        assert_eq!(status, 200, "{changed}");
        assert_eq!(changed["date"], "2026-11-21");
        let (status, _) = api.send(reqwest::Method::DELETE, &format!("/exercises/{id}"), None).await;
        assert_eq!(status, 204);
        let (status, _) = api.get(&format!("/exercises/{id}")).await;
        assert_eq!(status, 404);
    })
    .await;
}

#[tokio::test]
async fn bad_exercises_are_refused_by_field_and_nothing_is_saved() {
    on_every_backend("toolkit_api_bad_input", |server, _| async move {
        let api = Api::for_person(&server, "ana@example.org").await;
        let good = complete_answers("thought-record");

        let mut missing = good.clone();
        missing.as_object_mut().unwrap().remove("situation");
        let (status, body) = api
            .post("/exercises", json!({"kind": "thought-record", "date": "2026-11-20", "status": "done", "answers": missing}))
            .await;
        assert_eq!(status, 422, "{body}");
        assert!(error_fields(&body).iter().any(|f| f.contains("situation")), "{body}");

        let mut wild = complete_answers("rigid-rule");
        wild["belief-before"] = json!(140);
        let (status, body) = api
            .post("/exercises", json!({"kind": "rigid-rule", "date": "2026-11-20", "status": "done", "answers": wild}))
            .await;
        assert_eq!(status, 422);
        assert!(error_fields(&body).iter().any(|f| f.contains("belief-before")), "{body}");

        let mut unknown = good.clone();
        unknown["distortions"] = json!(["mind-bending"]);
        let (status, body) = api
            .post("/exercises", json!({"kind": "thought-record", "date": "2026-11-20", "status": "done", "answers": unknown}))
            .await;
        assert_eq!(status, 422);
        assert!(body.to_string().contains("mind-bending"), "{body}");

        let mut long = good.clone();
        long["situation"] = json!("x".repeat(20_000));
        let (status, _) = api
            .post("/exercises", json!({"kind": "thought-record", "date": "2026-11-20", "status": "done", "answers": long}))
            .await;
        assert_eq!(status, 422, "oversize text");

        let (status, body) = api
            .post("/exercises", json!({"kind": "juggling", "date": "2026-11-20", "status": "done", "answers": {}}))
            .await;
        assert_eq!(status, 422);
        assert_eq!(error_fields(&body), vec!["kind"]);

        let (status, body) = api
            .post("/exercises", json!({"kind": "thought-record", "date": "2099-01-01", "status": "done", "answers": good}))
            .await;
        assert_eq!(status, 422);
        assert!(error_fields(&body).contains(&"date".to_owned()));

        // A plan is only for exercises with an "afterwards" part.
        let (status, _) = api
            .post("/exercises", json!({"kind": "thought-record", "date": "2026-11-20", "status": "planned", "answers": good}))
            .await;
        assert_eq!(status, 422);

        // A draft needs nothing filled in.
        let (status, _) = api
            .post("/exercises", json!({"kind": "thought-record", "date": "2026-11-20", "status": "draft", "answers": {"situation": "Started…"}}))
            .await;
        assert_eq!(status, 201);

        let (_, list) = api.get("/exercises").await;
        assert_eq!(list["exercises"].as_array().unwrap().len(), 1, "only the draft was saved");

        // Someone else sees none of it.
        let other = Api::for_person(&server, "ben@example.org").await;
        let id = list["exercises"][0]["id"].as_i64().unwrap();
        assert_eq!(other.get(&format!("/exercises/{id}")).await.0, 404);
        assert_eq!(
            other.send(reqwest::Method::DELETE, &format!("/exercises/{id}"), None).await.0,
            404
        );
        assert_eq!(other.get("/exercises").await.1["exercises"], json!([]));
    })
    .await;
}

#[tokio::test]
async fn behavioural_experiments_are_planned_finished_and_measure_the_inner_critic() {
    on_every_backend("toolkit_critic", |server, _| async move {
        let api = Api::for_person(&server, "ana@example.org").await;
        let (_, progress) = api.get("/toolkit/progress").await;
        assert_eq!(progress["inner_critic"]["n"], 0);
        assert!(progress["inner_critic_sentence"].as_str().unwrap().contains("Too few"));

        // (predicted, actual): overestimates 50, 30, 70 → mean 50; sd 20, se 20/√3 = 11.547,
        // t(0.975, 2) = 4.303 → 95% interval 50 ± 49.7 = 0.3 to 99.7.
        for (day, (predicted, actual)) in [(80, 30), (70, 40), (90, 20)].into_iter().enumerate() {
            let date = format!("2026-11-1{day}");
            let mut plan = serde_json::Map::new();
            plan.insert("belief".into(), json!("If I send it with a typo, they'll think I'm careless"));
            plan.insert("belief-before".into(), json!(80));
            plan.insert("prediction".into(), json!("They will point it out"));
            plan.insert("predicted-badness".into(), json!(predicted));
            plan.insert("plan".into(), json!("Send the update with one typo left in"));
            let (status, planned) = api
                .post("/exercises", json!({"kind": "behavioural-experiment", "date": date, "status": "planned", "answers": plan}))
                .await;
            assert_eq!(status, 201, "{planned}");
            let id = planned["id"].as_i64().unwrap();

            let (status, body) = api
                .put(&format!("/exercises/{id}"), json!({"date": date, "status": "done", "answers": plan}))
                .await;
            assert_eq!(status, 422, "finishing needs what happened");
            assert!(error_fields(&body).iter().any(|f| f.contains("outcome") || f.contains("actual")), "{body}");

            let mut done = plan.clone();
            done.insert("outcome".into(), json!("Nobody mentioned it"));
            done.insert("actual-badness".into(), json!(actual));
            done.insert("learned".into(), json!("My critic guesses high"));
            done.insert("belief-after".into(), json!(40));
            let (status, body) = api
                .put(&format!("/exercises/{id}"), json!({"date": date, "status": "done", "answers": done}))
                .await;
            assert_eq!(status, 200, "{body}");
        }
        let (_, progress) = api.get("/toolkit/progress").await;
        let critic = &progress["inner_critic"];
        assert_eq!(critic["n"], 3);
        assert!((critic["mean_overestimate"].as_f64().unwrap() - 50.0).abs() < 1e-9);
        let interval = &critic["interval"];
        assert!((interval["low"].as_f64().unwrap() - 0.31).abs() < 0.1, "{interval}");
        assert!((interval["high"].as_f64().unwrap() - 99.69).abs() < 0.1, "{interval}");
        let sentence = progress["inner_critic_sentence"].as_str().unwrap();
        assert!(sentence.contains("3 experiments") && sentence.contains("50 points"), "{sentence}");

        // The progress page shows the same sentence and the chart.
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (status, page) = get(&client, &format!("{}/toolkit/progress", server.url)).await;
        assert_eq!(status, 200);
        assert!(page.contains("50 points"), "{page}");
        assert!(page.contains("<svg class=\"chart\""));
    })
    .await;
}

#[tokio::test]
async fn ladder_attempts_are_logged_and_kept_when_the_ladder_is_edited() {
    on_every_backend("toolkit_ladder", |server, _| async move {
        let api = Api::for_person(&server, "ana@example.org").await;
        let answers = complete_answers("exposure-ladder");
        let (_, saved) = api
            .post("/exercises", json!({"kind": "exposure-ladder", "date": "2026-11-20", "status": "done", "answers": answers}))
            .await;
        let id = saved["id"].as_i64().unwrap();
        let attempt = json!({"rung": 0, "date": "2026-11-21", "suds_before": 40, "suds_peak": 55, "suds_after": 20});
        let (status, body) = api.post(&format!("/exercises/{id}/ladder-attempts"), attempt).await;
        assert_eq!(status, 200, "{body}");
        let ladder_step = catalogue()
            .exercise("exposure-ladder")
            .unwrap()
            .steps
            .iter()
            .find(|s| matches!(s.kind, StepKind::Ladder))
            .unwrap()
            .id
            .clone();
        assert_eq!(body["answers"][&ladder_step]["rungs"][0]["attempts"][0]["suds_peak"], 55);

        let (status, _) = api
            .post(&format!("/exercises/{id}/ladder-attempts"), json!({"rung": 9, "date": "2026-11-21", "suds_before": 1, "suds_peak": 1, "suds_after": 1}))
            .await;
        assert_eq!(status, 422, "no such rung");
        let (status, _) = api
            .post(&format!("/exercises/{id}/ladder-attempts"), json!({"rung": 0, "date": "2099-11-21", "suds_before": 1, "suds_peak": 1, "suds_after": 1}))
            .await;
        assert_eq!(status, 422, "not in the future");

        // Editing the ladder (without its attempts) keeps the logged tries.
        let (status, edited) = api
            .put(&format!("/exercises/{id}"), json!({"date": "2026-11-20", "status": "done", "answers": answers}))
            .await;
        assert_eq!(status, 200);
        assert_eq!(edited["answers"][&ladder_step]["rungs"][0]["attempts"].as_array().unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn self_harm_language_in_an_exercise_is_saved_and_answered_gently() {
    on_every_backend("toolkit_safety", |server, _| async move {
        let api = Api::for_person(&server, "ana@example.org").await;
        let ana = server.app.me_at_shell("ana@example.org").await.unwrap();
        let mut answers = complete_answers("letter-to-myself");
        let text_step = catalogue()
            .exercise("letter-to-myself")
            .unwrap()
            .steps
            .iter()
            .find(|s| matches!(s.kind, StepKind::LongText { .. }))
            .unwrap()
            .id
            .clone();
        answers[&text_step] = json!("Some nights I want to die rather than fail again.");
        let (status, saved) = api
            .post("/exercises", json!({"kind": "letter-to-myself", "date": "2026-11-20", "status": "done", "answers": answers}))
            .await;
        assert_eq!(status, 201, "saving is never blocked");
        assert_eq!(saved["support"]["url"], "/support?after=exercise");
        let events = server.app.safety_events(&ana).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, "self-harm-language");
        assert!(!events[0].detail.contains("die"), "the event holds no words");

        // Saving it again unchanged does not record a second event; a calm text none at all.
        let id = saved["id"].as_i64().unwrap();
        api.put(&format!("/exercises/{id}"), json!({"date": "2026-11-20", "status": "done", "answers": answers}))
            .await;
        let (_, calm) = api
            .post("/exercises", json!({"kind": "letter-to-myself", "date": "2026-11-20", "status": "done", "answers": complete_answers("letter-to-myself")}))
            .await;
        assert!(calm.get("support").is_none());
        assert_eq!(server.app.safety_events(&ana).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn the_exercise_form_keeps_every_word_on_errors_and_across_an_ended_session() {
    on_every_backend("toolkit_pages", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let base = &server.url;
        let (status, catalogue_page) = get(&client, &format!("{base}/toolkit")).await;
        assert_eq!(status, 200);
        assert!(catalogue_page.contains("Thought record"));
        let (status, form) = get(&client, &format!("{base}/toolkit/thought-record/new")).await;
        assert_eq!(status, 200);
        assert!(
            form.contains("All-or-nothing"),
            "distortions are listed with explanations"
        );
        let csrf = csrf_in(&form);

        // Finishing with the situation missing: refused, the rest kept.
        let refused = client
            .post(format!("{base}/toolkit/thought-record"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("date", "2026-11-20"),
                ("thought", "They will see I am a fraud"),
                ("emotions.0.name", "ashamed"),
                ("emotions.0.before", "90"),
                ("distortions", "mind-reading"),
                ("status", "done"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 422);
        let page = refused.text().await.unwrap();
        assert!(page.contains("They will see I am a fraud"), "text kept");
        assert!(page.contains("value=\"ashamed\""));
        assert!(page.contains("error-summary"));

        // As a draft the same input is saved.
        let draft = client
            .post(format!("{base}/toolkit/thought-record"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("date", "2026-11-20"),
                ("thought", "They will see I am a fraud"),
                ("status", "draft"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(draft.status(), 303);
        let location = draft.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/toolkit/entries/"));
        let (_, journal) = get(&client, &format!("{base}/toolkit/journal")).await;
        assert!(journal.contains("draft"));

        // The session ends while writing: the text comes back after signing in again.
        let stranger = browser();
        let ended = stranger
            .post(format!("{base}/toolkit/thought-record"))
            .form(&[
                ("csrf", "stale"),
                ("date", "2026-11-21"),
                ("situation", "A long evening of writing"),
                ("status", "done"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(ended.status(), 401);
        let page = ended.text().await.unwrap();
        assert!(
            page.contains("A long evening of writing"),
            "kept in the page"
        );
        let resumed = stranger
            .post(format!("{base}/toolkit/resume"))
            .form(&[
                ("csrf", csrf_in(&page).as_str()),
                ("resume_action", "/toolkit/thought-record"),
                ("email", "ana@example.org"),
                ("password", PASSWORD),
                ("kept.date", "2026-11-21"),
                ("kept.situation", "A long evening of writing"),
                ("kept.status", "done"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resumed.status(), 200);
        let page = resumed.text().await.unwrap();
        assert!(page.contains("A long evening of writing"));
        assert!(page.contains("signed in again"));
        let (status, _) = get(&stranger, &format!("{base}/toolkit/journal")).await;
        assert_eq!(status, 200, "and now signed in");
    })
    .await;
}

#[tokio::test]
async fn the_safety_plan_is_written_shown_with_local_lines_and_refuses_overlong_lines() {
    on_every_backend("safety_plan_pages", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let base = &server.url;

        // Dublin's time zone means Irish lines until a country is chosen.
        let (_, crisis) = get(&client, &format!("{base}/crisis")).await;
        assert!(crisis.contains("Ireland"), "guessed from Europe/Dublin");
        assert!(crisis.contains("/safety-plan"), "the plan is one tap away");

        let (_, edit) = get(&client, &format!("{base}/safety-plan/edit")).await;
        let csrf = csrf_in(&edit);
        let too_long = "x".repeat(301);
        let refused = client
            .post(format!("{base}/safety-plan"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("warning_signs", "Lying awake replaying a mistake"),
                ("reasons_for_living", too_long.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 422);
        let page = refused.text().await.unwrap();
        assert!(page.contains("Lying awake replaying a mistake"), "kept");
        assert!(page.contains("300"), "says the limit");
        assert!(
            server
                .app
                .safety_plan(&ana)
                .await
                .unwrap()
                .updated_at
                .is_none(),
            "nothing saved"
        );

        let saved = client
            .post(format!("{base}/safety-plan"))
            .form(&[
                ("csrf", csrf.as_str()),
                (
                    "warning_signs",
                    "Lying awake replaying a mistake\n\nSkipping meals",
                ),
                ("people_to_ask", "My sister Maeve"),
                ("reasons_for_living", "My dog Bran"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), 303);
        let (_, plan) = get(&client, &format!("{base}/safety-plan")).await;
        for text in [
            "Lying awake replaying a mistake",
            "Skipping meals",
            "My sister Maeve",
            "My dog Bran",
            "Samaritans",
        ] {
            assert!(plan.contains(text), "{text} on the plan page");
        }

        // Choosing another country sticks.
        let chosen = client
            .post(format!("{base}/settings/country"))
            .form(&[("csrf", csrf.as_str()), ("country", "NZ")])
            .send()
            .await
            .unwrap();
        assert_eq!(chosen.status(), 303);
        let (_, crisis) = get(&client, &format!("{base}/crisis")).await;
        assert!(crisis.contains("New Zealand"));
        assert_eq!(
            server
                .app
                .me_at_shell("ana@example.org")
                .await
                .unwrap()
                .country
                .as_deref(),
            Some("NZ")
        );

        // Another person sees their own (empty) plan, never Ana's.
        server.add_user("ben@example.org", Role::Person).await;
        let ben = signed_in_browser(&server, "ben@example.org").await;
        let (_, plan) = get(&ben, &format!("{base}/safety-plan")).await;
        assert!(!plan.contains("My dog Bran"));
    })
    .await;
}

#[tokio::test]
async fn a_day_note_about_self_harm_is_saved_then_leads_to_support() {
    on_every_backend("day_note_support", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let base = &server.url;
        let (_, home) = get(&client, base).await;
        let today = server.app.today(&ana).to_string();
        let saved = client
            .post(format!("{base}/days"))
            .form(&[
                ("csrf", csrf_in(&home).as_str()),
                ("date", today.as_str()),
                ("daylight_hours", "1"),
                ("energy", "2"),
                ("mood", "1"),
                ("outside_morning", "no"),
                ("note", "I keep thinking about ending my life"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), 303);
        assert_eq!(saved.headers()["location"], "/support?after=day");
        assert_eq!(
            server.app.days(&ana, None, None).await.unwrap().len(),
            1,
            "saved"
        );
        let (status, support) = get(&client, &format!("{base}/support?after=day")).await;
        assert_eq!(status, 200);
        assert!(support.contains("is saved"));
        assert!(
            support.contains("Samaritans"),
            "Irish lines for Europe/Dublin"
        );
        let events = server.app.safety_events(&ana).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].detail, format!("day:{today}"));
    })
    .await;
}
