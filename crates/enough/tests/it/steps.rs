//! Small imperfect steps through the API: activities planned and recorded, insights with their
//! uncertainty, programmes that continue wherever the person is.

use crate::common::{get, on_every_backend, signed_in_browser};
use enough_domain::account::Role;
use serde_json::{Value, json};

async fn send(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = client.request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn activities_are_planned_recorded_and_never_marked_failed() {
    on_every_backend("steps_activities", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let token = server.token_for(&ana).await;
        let api = format!("{}/api/v1", server.url);
        let client = reqwest::Client::new();
        let today = server.app.today(&ana);
        let yesterday = today.pred_opt().unwrap();

        let (status, body) = send(&client, reqwest::Method::POST, format!("{api}/activities"), &token,
            Some(json!({"what": "Walk to the bakery", "date": today.to_string(), "time": "09:30", "kind": "outdoors"}))).await;
        assert_eq!(status, 201, "{body}");
        let id = body["id"].as_i64().unwrap();

        // Bad input: a plan in the past, an unknown kind, a rating out of range.
        let (status, body) = send(&client, reqwest::Method::POST, format!("{api}/activities"), &token,
            Some(json!({"what": "Too late", "date": yesterday.to_string(), "kind": "joy"}))).await;
        assert_eq!(status, 422);
        assert!(body.to_string().contains("date"), "{body}");
        let (status, _) = send(&client, reqwest::Method::POST, format!("{api}/activities"), &token,
            Some(json!({"what": "Juggle", "date": today.to_string(), "kind": "circus"}))).await;
        assert_eq!(status, 422);
        let (status, body) = send(&client, reqwest::Method::PUT, format!("{api}/activities/{id}/outcome"), &token,
            Some(json!({"done": true, "pleasure": 11}))).await;
        assert_eq!(status, 422);
        assert!(body.to_string().contains("pleasure"), "{body}");
        let (_, list) = send(&client, reqwest::Method::GET, format!("{api}/activities"), &token, None).await;
        assert_eq!(list.as_array().unwrap().len(), 1, "nothing half-saved");
        assert!(list[0]["outcome"].is_null());

        let (status, body) = send(&client, reqwest::Method::PUT, format!("{api}/activities/{id}/outcome"), &token,
            Some(json!({"done": true, "pleasure": 7, "achievement": 5, "mood_before": 4, "mood_after": 6}))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["outcome"]["pleasure"], 7);

        // The week page shows it done; nothing says failed or missed.
        let browser = signed_in_browser(&server, "ana@example.org").await;
        let (status, page) = get(&browser, &format!("{}/activities", server.url)).await;
        assert_eq!(status, 200);
        assert!(page.contains("Walk to the bakery"));
        assert!(page.contains("Done"));
        assert!(
            page.contains("<p class=\"headline\">Not enough days yet to compare days with an activity done and other days.</p>"),
            "the 8-week card leads with a plain headline"
        );
        assert!(page.contains("<summary>How sure is this?</summary>"));
        for word in ["failed", "missed", "overdue"] {
            assert!(!page.to_lowercase().contains(word), "{word}");
        }
        let (_, insights) = send(&client, reqwest::Method::GET, format!("{api}/activities/insights"), &token, None).await;
        assert!(insights.to_string().to_lowercase().contains("too few") || insights.to_string().contains("need"), "{insights}");
    })
    .await;
}

#[tokio::test]
async fn a_programme_continues_from_the_first_step_not_done_whatever_the_date() {
    on_every_backend("steps_programmes", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let token = server.token_for(&ana).await;
        let api = format!("{}/api/v1", server.url);
        let client = reqwest::Client::new();

        let (status, catalogue) = send(
            &client,
            reqwest::Method::GET,
            format!("{api}/programmes"),
            &token,
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert!(catalogue.to_string().contains("good-enough-21"));
        assert!(catalogue.to_string().contains("winter-light"));

        // Started a week ago, only day 1 done: today offers day 2, not day 8.
        let started = server.app.today(&ana) - chrono::Days::new(7);
        let run = server
            .store
            .start_programme(
                ana.id,
                &enough_store::NewProgrammeRun {
                    programme_id: "good-enough-21".into(),
                    programme: None,
                    started,
                    assigned_by: None,
                    created_at: 1,
                },
            )
            .await
            .unwrap();
        server
            .store
            .set_run_days(ana.id, run.id, "1")
            .await
            .unwrap();
        let (_, runs) = send(
            &client,
            reqwest::Method::GET,
            format!("{api}/programme-runs"),
            &token,
            None,
        )
        .await;
        assert_eq!(runs[0]["step"]["status"], "day");
        assert_eq!(runs[0]["step"]["day"], 2);
        let (status, _) = send(
            &client,
            reqwest::Method::POST,
            format!("{api}/programmes/good-enough-21/start"),
            &token,
            None,
        )
        .await;
        assert_eq!(status, 409, "already following it");
        let (status, body) = send(
            &client,
            reqwest::Method::POST,
            format!("{api}/programme-runs/{}/days/2", run.id),
            &token,
            None,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["step"]["day"], 3);
        let (status, _) = send(
            &client,
            reqwest::Method::POST,
            format!("{api}/programme-runs/{}/days/99", run.id),
            &token,
            None,
        )
        .await;
        assert_eq!(status, 422);
    })
    .await;
}

#[tokio::test]
async fn a_therapist_assigns_a_shipped_or_composed_programme_only_to_a_linked_person() {
    on_every_backend("steps_assign", |server, _| async move {
        let therapist = server.add_user("dr.lee@example.org", Role::Therapist).await;
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let ben = server.add_user("ben@example.org", Role::Person).await;
        let (_, code) = server.app.create_invitation(&therapist, "").await.unwrap();
        server
            .app
            .accept_invitation(&ana, &code, &enough_domain::care::Sharing::default())
            .await
            .unwrap();
        let token = server.token_for(&therapist).await;
        let client = reqwest::Client::new();
        let url = |id: enough_domain::PersonId| format!("{}/api/v1/care/people/{id}/programmes", server.url);

        let (status, body) = send(&client, reqwest::Method::POST, url(ana.id), &token,
            Some(json!({"programme": "winter-light"}))).await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = send(&client, reqwest::Method::POST, url(ana.id), &token,
            Some(json!({"title": "Two kind days", "days": [
                {"day": 1, "title": "Be a friend to yourself", "text": "Try the friend perspective.", "exercise": "friend-perspective", "log": false},
                {"day": 2, "title": "Rest", "text": "Rest without earning it.", "exercise": "rest-without-justification", "log": false}
            ]}))).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["title"], "Two kind days");
        let runs = server.app.my_programmes(&ana).await.unwrap();
        assert_eq!(runs.len(), 2);
        assert!(runs.iter().all(|r| r.run.assigned_by == Some(therapist.id)));

        // A step pointing at an exercise that does not exist is refused; nothing started.
        let (status, body) = send(&client, reqwest::Method::POST, url(ana.id), &token,
            Some(json!({"title": "Broken", "days": [{"day": 1, "title": "x", "text": "y", "exercise": "no-such-thing", "log": false}]}))).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(server.app.my_programmes(&ana).await.unwrap().len(), 2);

        // Not linked: not found, and nothing written.
        let (status, _) = send(&client, reqwest::Method::POST, url(ben.id), &token,
            Some(json!({"programme": "winter-light"}))).await;
        assert_eq!(status, 404);
        assert!(server.app.my_programmes(&ben).await.unwrap().is_empty());
    })
    .await;
}
