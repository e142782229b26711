//! Therapist safety alerts say what happened in plain words, link to it only when that
//! category is shared, and never show an internal reference.

use crate::common::*;
use enough_domain::account::Role;
use enough_domain::care::Sharing;
use serde_json::{Value, json};

async fn send(server: &TestServer, token: &str, method: &str, path: &str, body: Value) -> Value {
    let client = reqwest::Client::new();
    let url = format!("{}{path}", server.url);
    let request = match method {
        "PUT" => client.put(url),
        _ => client.post(url),
    };
    let reply = request.bearer_auth(token).json(&body).send().await.unwrap();
    let status = reply.status().as_u16();
    let text = reply.text().await.unwrap();
    assert!(status == 200 || status == 201, "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// A person with a PHQ-9 whose item 9 is "More than half the days" and a day note with
/// self-harm words, linked to a therapist who is shared `shares`. Returns the therapist's
/// signed-in browser, the person's id and the note's date.
async fn world(
    server: &TestServer,
    shares: &str,
) -> (reqwest::Client, enough_domain::PersonId, String) {
    let person = server.add_user("pat@example.org", Role::Person).await;
    let therapist = server
        .add_user("therapist@example.org", Role::Therapist)
        .await;
    let token = server.token_for(&person).await;
    let date = server.app.today(&person).to_string();
    send(
        server,
        &token,
        "POST",
        "/api/v1/measures/phq-9/responses",
        json!({"client_id": "alert-1", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 2]}),
    )
    .await;
    send(
        server,
        &token,
        "PUT",
        &format!("/api/v1/days/{date}"),
        json!({"daylight_hours": 1, "energy": 3, "mood": 2, "outside_morning": false,
               "note": "I want to kill myself tonight"}),
    )
    .await;
    let events = server.app.safety_events(&person).await.unwrap();
    assert_eq!(events.len(), 2, "{events:?}");
    let (_, code) = server.app.create_invitation(&therapist, "").await.unwrap();
    server
        .app
        .accept_invitation(&person, &code, &Sharing::from_stored(shares))
        .await
        .unwrap();
    let client = signed_in_browser(server, "therapist@example.org").await;
    (client, person.id, date)
}

fn short(date: &str) -> String {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .unwrap()
        .format("%-d %b")
        .to_string()
}

#[tokio::test]
async fn alerts_say_what_happened_and_link_to_it_when_shared() {
    on_every_backend("alerts_shared", |server, _| async move {
        let (client, id, date) = world(&server, "safety questionnaires log").await;
        let day = short(&date);
        let (status, page) = get(&client, &format!("{}/care/people/{id}/safety", server.url)).await;
        assert_eq!(status, 200, "{page}");
        let answered = format!(
            "PHQ-9 question 9 (thoughts that they would be better off dead or of hurting \
             themselves) answered &#39;More than half the days&#39; on {day}"
        );
        assert!(page.contains(&answered), "{answered} in {page}");
        assert!(
            page.contains(&format!("Words about self-harm in the day note of {day}")),
            "{page}"
        );
        assert!(
            page.contains("I want to kill myself tonight"),
            "the shared note is shown"
        );
        assert!(
            page.contains(&format!("href=\"/care/people/{id}/measures\"")),
            "a link to the answers"
        );
        for reference in ["day:", "questionnaire:", "Where"] {
            assert!(!page.contains(reference), "no {reference} on the page");
        }
        // The caseload gives the latest alert in words, with its link.
        let (_, caseload) = get(&client, &format!("{}/care", server.url)).await;
        assert!(caseload.contains("2 safety alerts"), "{caseload}");
        assert!(
            caseload.contains(&format!(
                "Latest: Words about self-harm in the day note of {day}"
            )) || caseload.contains("Latest: PHQ-9 question 9"),
            "{caseload}"
        );
        assert!(!caseload.contains("day:") && !caseload.contains("questionnaire:"));
        // The API keeps its machine fields and adds the words.
        let therapist = server
            .app
            .me_at_shell("therapist@example.org")
            .await
            .unwrap();
        let token = server.token_for(&therapist).await;
        let api = reqwest::Client::new()
            .get(format!("{}/api/v1/care/people/{id}/safety", server.url))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap();
        let events = api["events"].as_array().unwrap();
        assert!(events.iter().all(|e| e["detail"].is_string()), "{api}");
        let phq = events.iter().find(|e| e["kind"] == "phq9-item9").unwrap();
        assert!(
            phq["description"]
                .as_str()
                .unwrap()
                .contains("'More than half the days'"),
            "{phq}"
        );
        assert_eq!(phq["href"], format!("/care/people/{id}/measures"));
    })
    .await;
}

#[tokio::test]
async fn alerts_give_no_link_and_no_content_from_unshared_categories() {
    on_every_backend("alerts_unshared", |server, _| async move {
        let (client, id, date) = world(&server, "safety").await;
        let day = short(&date);
        let log_before = server
            .app
            .access_log(&server.app.me_at_shell("pat@example.org").await.unwrap())
            .await
            .unwrap()
            .len();
        let (status, page) = get(&client, &format!("{}/care/people/{id}/safety", server.url)).await;
        assert_eq!(status, 200);
        assert!(
            page.contains(&format!(
                "PHQ-9 question 9 (thoughts that they would be better off dead or of hurting \
                 themselves) answered above &#39;Not at all&#39; on {day}"
            )),
            "{page}"
        );
        assert!(
            !page.contains("More than half the days"),
            "the answer is not shared"
        );
        assert!(page.contains(&format!("Words about self-harm in the day note of {day}")));
        assert!(!page.contains("kill myself"), "the note is not shared");
        assert!(
            !page.contains(&format!("/care/people/{id}/measures")),
            "no link"
        );
        assert!(!page.contains("See their answers"));
        let log = server
            .app
            .access_log(&server.app.me_at_shell("pat@example.org").await.unwrap())
            .await
            .unwrap();
        let new: Vec<&str> = log[..log.len() - log_before]
            .iter()
            .map(|r| r.category.as_str())
            .collect();
        assert_eq!(new, ["safety"], "only the safety read is logged");
    })
    .await;
}
