//! Errors by whose move it is: a value to correct is a 422 page naming the field, a broken
//! store is a 500 with nothing internal on it, and every error page and API error carries
//! the request's id (the same as the `X-Request-Id` header) for the person to quote.

use crate::common::{csrf_in, get, on_every_backend, signed_in_browser};
use enough_domain::account::Role;
use enough_domain::care::{Category, Sharing};

/// The id printed in an error page's small print.
fn id_on_page(page: &str) -> Option<String> {
    let marker = "If you contact your administrator, mention: ";
    let start = page.find(marker)? + marker.len();
    let end = start + page[start..].find('<')?;
    Some(page[start..end].trim().to_owned())
}

fn header_id(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_form_with_a_value_that_cannot_be_used_is_a_422_page_naming_the_field() {
    on_every_backend("errors_422_page", |server, _| async move {
        let base = &server.url;
        let lee = server.add_user("dr.lee@example.org", Role::Therapist).await;
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let (_, code) = server.app.create_invitation(&lee, "").await.unwrap();
        let log_only = Sharing([Category::Log].into_iter().collect());
        let link = server
            .app
            .accept_invitation(&ana, &code, &log_only)
            .await
            .unwrap();

        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, sharing) = get(&client, &format!("{base}/sharing")).await;
        let response = client
            .post(format!("{base}/sharing/{}", link.id))
            .form(&[
                ("csrf", csrf_in(&sharing).as_str()),
                ("categories", "log"),
                ("categories", "everything-please"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "not a 500, not a 404");
        let id = header_id(&response);
        let page = response.text().await.unwrap();
        assert!(page.contains("Categories:"), "the field is named: {page}");
        assert!(
            page.contains("is not something that can be shared"),
            "and why: {page}"
        );
        assert!(page.contains("Nothing was saved"), "{page}");
        assert!(
            page.contains("/crisis"),
            "the crisis link is on error pages too"
        );
        assert_eq!(
            id_on_page(&page),
            Some(id),
            "the page quotes the request id"
        );
        let links = server.app.my_therapists(&ana).await.unwrap();
        assert_eq!(
            Sharing::from_stored(&links[0].link.categories),
            log_only,
            "nothing was changed"
        );

        // The therapist starting a programme that does not exist: 422, not "nothing here".
        let dr = signed_in_browser(&server, "dr.lee@example.org").await;
        let (_, person) = get(&dr, &format!("{base}/care/people/{}", ana.id)).await;
        let response = dr
            .post(format!("{base}/care/people/{}/programmes", ana.id))
            .form(&[
                ("csrf", csrf_in(&person).as_str()),
                ("programme", "no-such-programme"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let page = response.text().await.unwrap();
        assert!(id_on_page(&page).is_some(), "{page}");
    })
    .await;
}

#[tokio::test]
async fn a_used_invitation_is_refused_with_what_to_do_not_a_500() {
    on_every_backend("errors_used_invitation", |server, _| async move {
        let base = &server.url;
        let lee = server.add_user("dr.lee@example.org", Role::Therapist).await;
        let ana = server.add_user("ana@example.org", Role::Person).await;
        server.add_user("ben@example.org", Role::Person).await;
        let (_, code) = server.app.create_invitation(&lee, "").await.unwrap();
        server
            .app
            .accept_invitation(&ana, &code, &Sharing::default())
            .await
            .unwrap();
        let ben = signed_in_browser(&server, "ben@example.org").await;
        let (_, join) = get(&ben, &format!("{base}/join")).await;
        let response = ben
            .post(format!("{base}/join"))
            .form(&[
                ("csrf", csrf_in(&join).as_str()),
                ("code", code.as_str()),
                ("categories", "log"),
            ])
            .send()
            .await
            .unwrap();
        assert!(
            [409, 422].contains(&response.status().as_u16()),
            "{}",
            response.status()
        );
        let page = response.text().await.unwrap();
        assert!(page.contains("Ask your therapist for a new one"), "{page}");
    })
    .await;
}

#[tokio::test]
async fn a_broken_store_is_a_500_with_the_request_id_and_nothing_internal() {
    on_every_backend("errors_broken_store", |server, _| async move {
        let base = &server.url;
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let token = server.token_for(&ana).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        // Break the store under the running server: the days table disappears.
        server
            .store
            .write(|tx| {
                Box::pin(async move {
                    tx.execute("ALTER TABLE days RENAME TO days_gone", &[])
                        .await?;
                    Ok(())
                })
            })
            .await
            .unwrap();

        let response = client.get(format!("{base}/history")).send().await.unwrap();
        assert_eq!(response.status(), 500);
        let id = header_id(&response);
        let page = response.text().await.unwrap();
        assert!(page.contains("Something went wrong"), "{page}");
        assert_eq!(id_on_page(&page), Some(id));
        for internal in [
            "days_gone",
            "no such table",
            "relation",
            "database error",
            "SQL",
        ] {
            assert!(!page.contains(internal), "{internal} leaked: {page}");
        }

        let response = client
            .get(format!("{base}/api/v1/days"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 500);
        let id = header_id(&response);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["request_id"], serde_json::json!(id));
        let text = body.to_string();
        for internal in ["days_gone", "no such table", "relation", "database error"] {
            assert!(!text.contains(internal), "{internal} leaked: {text}");
        }
    })
    .await;
}

#[tokio::test]
async fn api_errors_carry_the_request_id_and_the_right_status() {
    on_every_backend("errors_api_ids", |server, _| async move {
        let base = &server.url;
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let token = server.token_for(&ana).await;
        let client = reqwest::Client::new();
        let response = client
            .put(format!("{base}/api/v1/days/2026-01-02"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(r#"{"mood": 99}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let id = header_id(&response);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["request_id"], serde_json::json!(id));
        assert_eq!(body["error"]["fields"][0]["field"], "mood", "{body}");

        // A second acceptance of the same link is a conflict with what to do.
        let lee = server.add_user("dr.lee@example.org", Role::Therapist).await;
        let (_, code) = server.app.create_invitation(&lee, "").await.unwrap();
        server
            .app
            .accept_invitation(&ana, &code, &Sharing::default())
            .await
            .unwrap();
        let (_, second) = server.app.create_invitation(&lee, "").await.unwrap();
        let response = client
            .post(format!("{base}/api/v1/care/join"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"code": second, "categories": []}))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap();
        assert!([409, 422].contains(&status), "{status} {body}");
        assert!(body["error"]["request_id"].is_string(), "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("already linked"),
            "{body}"
        );
    })
    .await;
}
