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
