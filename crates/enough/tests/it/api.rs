//! The JSON API through real HTTP: round trip, validation, isolation, authentication.

use crate::common::{TestServer, on_every_backend};
use enough_domain::account::Role;
use serde_json::{Value, json};

fn yesterday(server: &TestServer, user: &enough_app::Me) -> String {
    server.app.today(user).pred_opt().unwrap().to_string()
}

async fn put(client: &reqwest::Client, url: &str, token: &str, body: &str) -> (u16, Value) {
    let response = client
        .put(url)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_day_round_trips_through_the_api() {
    on_every_backend("a_day_round_trips_through_the_api", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let token = server.token_for(&ana).await;
        let date = yesterday(&server, &ana);
        let url = format!("{}/api/v1/days/{date}", server.url);
        let client = reqwest::Client::new();

        let body = json!({"daylight_hours": 2.25, "energy": 6, "mood": 7, "outside_morning": true,
                          "habits": {"got_outside": true, "social_contact": true}, "note": "Walk by the sea"});
        let (status, created) = put(&client, &url, &token, &body.to_string()).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["daylight_hours"], 2.25);
        assert_eq!(created["habits"]["social_contact"], true);
        assert_eq!(created["habits"]["moved_my_body"], false);

        let got: Value = client.get(&url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(got, created, "GET returns what PUT stored");

        let (status, replaced) = put(&client, &url, &token, r#"{"daylight_hours": 0, "energy": 2, "mood": 3, "outside_morning": false}"#).await;
        assert_eq!(status, 200, "replacing an existing day");
        assert_eq!(replaced["note"], Value::Null);
        assert_eq!(replaced["habits"]["got_outside"], false);

        let list: Value = client
            .get(format!("{}/api/v1/days?from={date}&to={date}", server.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["days"].as_array().unwrap().len(), 1);
        assert_eq!(list["days"][0]["mood"], 3);

        let deleted = client.delete(&url).bearer_auth(&token).send().await.unwrap();
        assert_eq!(deleted.status(), 204);
        let gone = client.get(&url).bearer_auth(&token).send().await.unwrap();
        assert_eq!(gone.status(), 404);
        let again = client.delete(&url).bearer_auth(&token).send().await.unwrap();
        assert_eq!(again.status(), 404);
    })
    .await;
}

async fn send(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: &str,
    body: &str,
) -> (u16, Value) {
    let response = client
        .request(method, url)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn patch_merges_the_given_fields_and_null_clears_one() {
    on_every_backend("patch_merges", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let token = server.token_for(&ana).await;
        let date = yesterday(&server, &ana);
        let url = format!("{}/api/v1/days/{date}", server.url);
        let client = reqwest::Client::new();
        let patch = reqwest::Method::PATCH;

        let (status, first) = send(&client, patch.clone(), &url, &token, r#"{"mood": 6}"#).await;
        assert_eq!(status, 201, "{first}");
        assert_eq!(first["mood"], 6);
        for missing in ["energy", "daylight_hours", "outside_morning"] {
            assert_eq!(first[missing], Value::Null, "{missing} is null, never 0");
        }
        let (status, more) = send(
            &client,
            patch.clone(),
            &url,
            &token,
            r#"{"energy": 3, "note": "Grey"}"#,
        )
        .await;
        assert_eq!(status, 200, "{more}");
        assert_eq!(
            (more["mood"].clone(), more["energy"].clone()),
            (json!(6), json!(3)),
            "merged"
        );
        let (_, cleared) = send(&client, patch.clone(), &url, &token, r#"{"note": null}"#).await;
        assert_eq!(cleared["note"], Value::Null);
        assert_eq!(cleared["energy"], 3);

        // Clearing every value is refused naming the day, and nothing changes.
        let (status, error) = send(
            &client,
            patch.clone(),
            &url,
            &token,
            r#"{"mood": null, "energy": null}"#,
        )
        .await;
        assert_eq!(status, 422, "{error}");
        let message = error["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            message.contains("A day needs at least one value")
                && message.contains(&date.to_string()),
            "{message}"
        );
        let got: Value = client
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(got, cleared, "a failed request changes nothing");

        // PUT still replaces the whole day.
        let (status, replaced) = send(
            &client,
            reqwest::Method::PUT,
            &url,
            &token,
            r#"{"daylight_hours": 1.5}"#,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            (replaced["mood"].clone(), replaced["daylight_hours"].clone()),
            (Value::Null, json!(1.5))
        );
        let (status, _) = send(&client, reqwest::Method::PUT, &url, &token, "{}").await;
        assert_eq!(status, 422, "an empty day is refused");
    })
    .await;
}

#[tokio::test]
async fn invalid_days_are_refused_with_the_field_and_nothing_is_written() {
    on_every_backend("invalid_days_are_refused", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let token = server.token_for(&ana).await;
        let client = reqwest::Client::new();
        let today = server.app.today(&ana);
        let url = format!("{}/api/v1/days/{today}", server.url);
        let valid = json!({"daylight_hours": 1.5, "energy": 5, "mood": 5, "outside_morning": true});
        let with = |key: &str, value: Value| {
            let mut body = valid.clone();
            body[key] = value;
            body.to_string()
        };
        let long_note = "x".repeat(2001);
        let cases: Vec<(String, &str, &str)> = vec![
            (
                with("mood", json!(11)),
                "mood",
                "Mood must be a whole number from 0 to 10.",
            ),
            (
                with("mood", json!(-1)),
                "mood",
                "Mood must be a whole number from 0 to 10.",
            ),
            (
                with("energy", json!("high")),
                "energy",
                "Energy must be a whole number from 0 to 10.",
            ),
            (
                with("energy", json!(4.5)),
                "energy",
                "Energy must be a whole number from 0 to 10.",
            ),
            (
                with("daylight_hours", json!(25)),
                "daylight_hours",
                "quarter hours",
            ),
            (
                with("daylight_hours", json!(1.1)),
                "daylight_hours",
                "quarter hours",
            ),
            (
                with("daylight_hours", json!("lots")),
                "daylight_hours",
                "quarter hours",
            ),
            (
                with("outside_morning", json!("sometimes")),
                "outside_morning",
                "true or false",
            ),
            (
                with("note", json!(long_note)),
                "note",
                "at most 2,000 characters",
            ),
            (with("colour", json!("blue")), "colour", "Unknown field"),
            (
                with("habits", json!({"flying": true})),
                "habits.flying",
                "Unknown habit",
            ),
            (
                json!({"habits": {}, "note": "  "}).to_string(),
                "day",
                "A day needs at least one value",
            ),
        ];
        for (body, field, reason) in cases {
            let (status, error) = put(&client, &url, &token, &body).await;
            assert_eq!(status, 422, "{body}");
            let fields = error["error"]["fields"].as_array().unwrap();
            let found = fields
                .iter()
                .find(|f| f["field"] == field)
                .unwrap_or_else(|| panic!("{field} not named in {error}"));
            assert!(
                found["message"].as_str().unwrap().contains(reason),
                "{field}: {found}"
            );
        }

        let (status, error) = put(&client, &url, &token, "{\"mood\": ").await;
        assert_eq!(status, 400, "malformed JSON");
        assert!(
            error["error"]["message"]
                .as_str()
                .unwrap()
                .contains("not valid JSON")
        );

        for (date, status) in [("2026-13-01", 422), ("yesterday", 422)] {
            let (got, error) = put(
                &client,
                &format!("{}/api/v1/days/{date}", server.url),
                &token,
                &valid.to_string(),
            )
            .await;
            assert_eq!(got, status, "{date}");
            assert_eq!(error["error"]["fields"][0]["field"], "date");
        }
        let far = today.checked_add_days(chrono::Days::new(2)).unwrap();
        let (status, error) = put(
            &client,
            &format!("{}/api/v1/days/{far}", server.url),
            &token,
            &valid.to_string(),
        )
        .await;
        assert_eq!(status, 422, "two days ahead");
        assert!(
            error["error"]["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("ahead")
        );

        let reversed = client
            .get(format!(
                "{}/api/v1/days?from=2026-02-01&to=2026-01-01",
                server.url
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(reversed.status(), 422);

        assert!(
            server.app.days(&ana, None, None).await.unwrap().is_empty(),
            "nothing was written"
        );
    })
    .await;
}

#[tokio::test]
async fn another_persons_days_are_invisible_through_the_api() {
    on_every_backend("another_persons_days_are_invisible", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let ben = server.add_user("ben@example.org", Role::Person).await;
        let (ana_token, ben_token) = (server.token_for(&ana).await, server.token_for(&ben).await);
        let client = reqwest::Client::new();
        let date = yesterday(&server, &ana);
        let url = format!("{}/api/v1/days/{date}", server.url);
        let (status, _) = put(&client, &url, &ana_token, r#"{"daylight_hours": 1, "energy": 4, "mood": 4, "outside_morning": true, "note": "private"}"#).await;
        assert_eq!(status, 201);

        let as_ben = client.get(&url).bearer_auth(&ben_token).send().await.unwrap();
        assert_eq!(as_ben.status(), 404);
        let body = as_ben.text().await.unwrap();
        assert!(!body.contains("private"));
        let list: Value = client.get(format!("{}/api/v1/days", server.url)).bearer_auth(&ben_token).send().await.unwrap().json().await.unwrap();
        assert_eq!(list["days"], json!([]));
        let delete = client.delete(&url).bearer_auth(&ben_token).send().await.unwrap();
        assert_eq!(delete.status(), 404);
        assert_eq!(server.app.days(&ana, None, None).await.unwrap().len(), 1, "ben could not delete it");
    })
    .await;
}

#[tokio::test]
async fn the_api_needs_a_live_token() {
    on_every_backend("the_api_needs_a_live_token", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let client = reqwest::Client::new();
        let url = format!("{}/api/v1/days", server.url);
        let none = client.get(&url).send().await.unwrap();
        assert_eq!(none.status(), 401);
        assert_eq!(none.headers()["www-authenticate"], "Bearer");
        let forged = client
            .get(&url)
            .bearer_auth("enough_pat_forged")
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), 401);

        let (token, secret) = server.app.create_token(&ana, "phone").await.unwrap();
        assert_eq!(
            client
                .get(&url)
                .bearer_auth(&secret)
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        server.app.revoke_token(&ana, token.id).await.unwrap();
        assert_eq!(
            client
                .get(&url)
                .bearer_auth(&secret)
                .send()
                .await
                .unwrap()
                .status(),
            401,
            "revoked at once"
        );
    })
    .await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_days_endpoints() {
    on_every_backend("openapi", |server, _| async move {
        let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", server.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        for method in ["get", "put", "patch", "delete"] {
            assert!(
                doc["paths"]["/api/v1/days/{date}"][method].is_object(),
                "{method}"
            );
        }
        assert!(doc["paths"]["/api/v1/days"]["get"].is_object());
        let input = &doc["components"]["schemas"]["DayInput"];
        assert!(
            input["required"].is_null(),
            "every value of a day is optional"
        );
        assert_eq!(
            input["properties"]["mood"]["type"],
            json!(["integer", "null"])
        );
        assert!(doc["paths"]["/api/v1/days/{date}"]["patch"].is_object());
    })
    .await;
}

#[tokio::test]
async fn location_reflections_and_experiments_through_the_api() {
    on_every_backend("light_api", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let token = server.token_for(&ana).await;
        let client = reqwest::Client::new();
        let url = |path: &str| format!("{}/api/v1{path}", server.url);

        assert_eq!(
            client
                .get(url("/location"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        let (status, error) = put(
            &client,
            &url("/location"),
            &token,
            r#"{"latitude": 95, "longitude": 10}"#,
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(error["error"]["fields"][0]["field"], "latitude");
        let (status, error) = put(
            &client,
            &url("/location"),
            &token,
            r#"{"city": "Atlantis"}"#,
        )
        .await;
        assert_eq!(
            (status, error["error"]["fields"][0]["field"].as_str()),
            (422, Some("city"))
        );
        let (status, saved) =
            put(&client, &url("/location"), &token, r#"{"city": "Toronto"}"#).await;
        assert_eq!(status, 200);
        assert_eq!(saved["place"], "Toronto, Canada");

        let today = server.app.today(&ana);
        let (status, _) = put(
            &client,
            &url(&format!("/reflections/{today}")),
            &token,
            r#"{"text": "More light, steadier mood."}"#,
        )
        .await;
        assert_eq!(status, 200);
        let (status, _) = put(
            &client,
            &url(&format!("/reflections/{today}")),
            &token,
            r#"{"text": 5}"#,
        )
        .await;
        assert_eq!(status, 422);
        let list: Value = client
            .get(url("/reflections"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list[0]["text"], "More light, steadier mood.");

        let started = client
            .post(url("/experiments"))
            .bearer_auth(&token)
            .json(&json!({"weeks": 2}))
            .send()
            .await
            .unwrap();
        assert_eq!(started.status(), 201);
        let started: Value = started.json().await.unwrap();
        assert_eq!(started["schedule"].as_str().unwrap().len(), 14);
        let again = client
            .post(url("/experiments"))
            .bearer_auth(&token)
            .json(&json!({"weeks": 3}))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 409, "one at a time");
        let bad = client
            .post(url("/experiments"))
            .bearer_auth(&token)
            .json(&json!({"weeks": 12}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 422);
        let id = started["id"].as_i64().unwrap();
        let stop = client
            .post(url(&format!("/experiments/{id}/abandon")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(stop.status(), 204);
        let list: Value = client
            .get(url("/experiments"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list[0]["status"], "abandoned");
    })
    .await;
}

#[tokio::test]
async fn a_morning_of_the_experiment_is_swapped_through_the_api() {
    on_every_backend("experiment_swap_api", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let token = server.token_for(&ana).await;
        let client = reqwest::Client::new();
        let url = |path: &str| format!("{}/api/v1{path}", server.url);
        let started = client
            .post(url("/experiments"))
            .bearer_auth(&token)
            .json(&json!({"weeks": 2}))
            .send()
            .await
            .unwrap();
        assert_eq!(started.status(), 201);
        let id = started.json::<Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap();
        // The first morning is tomorrow: move there, and find a later morning of this week
        // with the other plan.
        server.app.advance_clock(chrono::Duration::days(1));
        let today = server.app.today(&ana);
        let view = server.app.experiments(&ana).await.unwrap().remove(0);
        let planned = view.plan.condition_on(today).unwrap();
        let with = (1..7)
            .map(|d| today + chrono::Days::new(d))
            .find(|d| view.plan.condition_on(*d) == Some(planned.other()))
            .expect("each week holds both plans");
        let swap = |body: Value| {
            let (client, token, url) = (
                client.clone(),
                token.clone(),
                url(&format!("/experiments/{id}/swap")),
            );
            async move {
                let r = client
                    .post(url)
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                (
                    r.status().as_u16(),
                    r.json::<Value>().await.unwrap_or(Value::Null),
                )
            }
        };

        // A morning that has passed cannot be swapped; nothing changes.
        let yesterday = today.pred_opt().unwrap();
        let (status, error) = swap(json!({"date": yesterday, "with": with})).await;
        assert_eq!(status, 422, "{error}");
        assert_eq!(error["error"]["fields"][0]["field"], "with");
        let (status, error) = swap(json!({"date": today, "with": with, "why": "x"})).await;
        assert_eq!(status, 422, "unknown field: {error}");
        assert!(
            server.app.experiments(&ana).await.unwrap()[0]
                .swapped()
                .is_empty()
        );

        let (status, swapped) = swap(json!({"date": today, "with": with})).await;
        assert_eq!(status, 200, "{swapped}");
        let after = server.app.experiments(&ana).await.unwrap().remove(0);
        assert_eq!(
            after.in_force_on(today),
            Some(planned.other()),
            "today took the other plan"
        );
        assert_eq!(after.in_force_on(with), Some(planned));
        assert_eq!(
            after.plan, view.plan,
            "the seeded plan, used by the analysis, is unchanged"
        );
        assert_eq!(
            swapped["schedule"], after.experiment.schedule,
            "the answer shows the schedule in force"
        );

        // Someone else cannot swap Ana's mornings.
        let bo = server.add_user("bo@example.org", Role::Person).await;
        let bo_token = server.token_for(&bo).await;
        let r = client
            .post(url(&format!("/experiments/{id}/swap")))
            .bearer_auth(&bo_token)
            .json(&json!({"date": today, "with": with}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        assert_eq!(
            server.app.experiments(&ana).await.unwrap()[0]
                .swapped()
                .len(),
            2
        );
    })
    .await;
}
