//! Insights are computed once per change of a person's data and kept in memory: every kind of
//! write shows in them at once, two people never see each other's results, and a result
//! served from memory is counted in `/metrics`.

use crate::common::{PASSWORD, TestServer, on_every_backend};
use crate::insights::{log_day, seed_days};
use chrono::{Days, NaiveDate};
use enough_app::InsightsRange;
use enough_app::Me;
use enough_domain::account::Role;
use serde_json::{Value, json};
use std::sync::Arc;

/// The last 60 days up to today, as insights of `user` read them.
fn range(server: &TestServer, user: &Me) -> (NaiveDate, NaiveDate) {
    let today = server.app.today(user);
    (today.checked_sub_days(Days::new(59)).unwrap(), today)
}

async fn insights(server: &TestServer, user: &Me) -> Arc<InsightsRange> {
    let (from, to) = range(server, user);
    server
        .app
        .light_mood_insights(user, Some(from), Some(to))
        .await
        .unwrap()
}

fn mood_on(r: &InsightsRange, date: NaiveDate) -> Option<u8> {
    r.days.iter().find(|d| d.date == date).and_then(|d| d.mood)
}

async fn send(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: &str,
    body: &str,
) -> u16 {
    client
        .request(method, url)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// PUTs `body` to each day URL with `token`; each must answer 201 Created.
async fn put_days(
    client: &reqwest::Client,
    urls: impl IntoIterator<Item = String>,
    token: &str,
    body: &Value,
) {
    for url in urls {
        let status = send(client, reqwest::Method::PUT, &url, token, &body.to_string()).await;
        assert_eq!(status, 201, "{url}");
    }
}

#[tokio::test]
async fn every_kind_of_write_shows_in_the_insights_at_once() {
    on_every_backend("insights_cache_writes", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let token = server.token_for(&ana).await;
        let client = reqwest::Client::new();
        let today = seed_days(&server, &ana, 10, 2).await;
        let day = |back: u64| today.checked_sub_days(Days::new(back)).unwrap();

        let first = insights(&server, &ana).await;
        assert_eq!(first.days.len(), 10);
        assert_eq!(first.insights.days, 10);
        let before = server.app.insights_cache_stats();
        let again = insights(&server, &ana).await;
        let after = server.app.insights_cache_stats();
        assert!(
            Arc::ptr_eq(&first, &again),
            "unchanged data: the same result"
        );
        assert_eq!(
            after.hits,
            before.hits + 1,
            "the second read is a counted hit"
        );

        // A day written through the API.
        let url = |date: NaiveDate| format!("{}/api/v1/days/{date}", server.url);
        let body = json!({"daylight_hours": 1.5, "energy": 5, "mood": 8, "outside_morning": true});
        let status = send(
            &client,
            reqwest::Method::PUT,
            &url(day(20)),
            &token,
            &body.to_string(),
        )
        .await;
        assert_eq!(status, 201);
        let now = insights(&server, &ana).await;
        assert_eq!(now.days.len(), 11, "the new day counts at once");
        assert_eq!(mood_on(&now, day(20)), Some(8));

        // A PATCH of one field.
        let status = send(
            &client,
            reqwest::Method::PATCH,
            &url(day(20)),
            &token,
            r#"{"mood": 2}"#,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(mood_on(&*insights(&server, &ana).await, day(20)), Some(2));

        // A deletion.
        let status = send(&client, reqwest::Method::DELETE, &url(day(20)), &token, "").await;
        assert!(status == 204 || status == 200, "{status}");
        let now = insights(&server, &ana).await;
        assert_eq!(now.days.len(), 10);
        assert_eq!(mood_on(&now, day(20)), None);

        // An import of enough's own export, from someone who logged other days.
        let bob = server.add_user("bob@example.org", Role::Person).await;
        let bob_token = server.token_for(&bob).await;
        let body = json!({"daylight_hours": 2, "energy": 4, "mood": 9, "outside_morning": false});
        put_days(
            &client,
            [30, 31, 32].map(|back| url(day(back))),
            &bob_token,
            &body,
        )
        .await;
        let export = server.app.export(&bob).await.unwrap();
        server.app.import_own_export(&ana, &export).await.unwrap();
        let now = insights(&server, &ana).await;
        assert_eq!(now.days.len(), 13, "imported days count at once");
        assert_eq!(mood_on(&now, day(31)), Some(9));

        // An experiment started: computed again, not served from before.
        let before = server.app.insights_cache_stats();
        server.app.start_experiment(&ana, "4").await.unwrap();
        let _ = insights(&server, &ana).await;
        let after = server.app.insights_cache_stats();
        assert_eq!(
            after.hits, before.hits,
            "not a hit after the experiment started"
        );
        assert_eq!(after.misses, before.misses + 1);

        // The account deleted: nothing of it is shown any more, to anyone with the same id.
        let kept = insights(&server, &ana).await;
        assert_eq!(kept.days.len(), 13);
        server.app.delete_account(&ana, PASSWORD).await.unwrap();
        assert!(
            insights(&server, &ana).await.days.is_empty(),
            "deleted days are gone"
        );
        let next = server.add_user("next@example.org", Role::Person).await;
        assert!(
            insights(&server, &next).await.days.is_empty(),
            "a new account never sees a deleted one's results"
        );
    })
    .await;
}

#[tokio::test]
async fn two_people_never_see_each_others_results() {
    on_every_backend("insights_cache_people", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let bob = server.add_user("bob@example.org", Role::Person).await;
        seed_days(&server, &ana, 12, 2).await;
        seed_days(&server, &bob, 25, 0).await;
        let client = reqwest::Client::new();
        let light_mood = |token: String| {
            let client = client.clone();
            let url = format!("{}/api/v1/insights/light-mood", server.url);
            async move {
                let reply: Value = client
                    .get(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                reply["insights"]["days"].as_u64().unwrap()
            }
        };
        let (ana_token, bob_token) = (server.token_for(&ana).await, server.token_for(&bob).await);
        for _ in 0..3 {
            assert_eq!(light_mood(ana_token.clone()).await, 12);
            assert_eq!(light_mood(bob_token.clone()).await, 25);
            assert_eq!(insights(&server, &ana).await.days.len(), 12);
            assert_eq!(insights(&server, &bob).await.days.len(), 25);
        }

        // The repeats were served from memory, and operators can see that.
        let text = reqwest::get(format!("{}/metrics", server.url))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let hits: u64 = text
            .lines()
            .find_map(|l| l.strip_prefix("enough_insights_cache_hits_total "))
            .expect("the hit counter is exported")
            .trim()
            .parse()
            .unwrap();
        assert!(hits >= 4, "{text}");
        assert!(
            !text.contains("ana@example.org"),
            "no personal data in metrics"
        );
    })
    .await;
}

#[tokio::test]
async fn small_steps_insights_follow_a_new_activity() {
    on_every_backend("insights_cache_steps", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        seed_days(&server, &ana, 20, 0).await;
        let first = server.app.activity_insights(&ana, 56).await.unwrap();
        let again = server.app.activity_insights(&ana, 56).await.unwrap();
        assert_eq!(first, again);
        let token = server.token_for(&ana).await;
        let client = reqwest::Client::new();
        let today = server.app.today(&ana);
        let status = send(
            &client,
            reqwest::Method::POST,
            &format!("{}/api/v1/activities", server.url),
            &token,
            &json!({"what": "A walk", "date": today.to_string(), "kind": "outdoors"}).to_string(),
        )
        .await;
        assert_eq!(status, 201);
        let id = server.app.activities(&ana, None, None).await.unwrap()[0].id;
        let status = send(
            &client,
            reqwest::Method::PUT,
            &format!("{}/api/v1/activities/{id}/outcome", server.url),
            &token,
            &json!({"done": true, "pleasure": 7}).to_string(),
        )
        .await;
        assert_eq!(status, 200);
        let now = server.app.activity_insights(&ana, 56).await.unwrap();
        assert_ne!(now, first, "the rated activity shows at once");
    })
    .await;
}

/// The day list as the API sends it, as raw bytes.
async fn day_list_bytes(client: &reqwest::Client, url: &str, token: &str) -> Vec<u8> {
    let reply = client.get(url).bearer_auth(token).send().await.unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(
        reply.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    reply.bytes().await.unwrap().to_vec()
}

/// The same list serialised afresh: each day read on its own (never cached), newest first.
async fn fresh_day_list(
    client: &reqwest::Client,
    server: &TestServer,
    token: &str,
    dates: &[NaiveDate],
) -> Value {
    let mut days = Vec::new();
    for date in dates {
        let day: Value = client
            .get(format!("{}/api/v1/days/{date}", server.url))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        days.push(day);
    }
    json!({ "days": days })
}

/// The dates in a day list body.
fn dates_in(body: &[u8]) -> Vec<NaiveDate> {
    let list: Value = serde_json::from_slice(body).unwrap();
    list["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn the_day_list_is_serialised_once_per_change_and_every_write_shows() {
    on_every_backend("day_list_cache", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let token = server.token_for(&ana).await;
        let client = reqwest::Client::new();
        let today = seed_days(&server, &ana, 10, 2).await;
        let day = |back: u64| today.checked_sub_days(Days::new(back)).unwrap();
        let (from, to) = (day(59), today);
        let list_url = format!("{}/api/v1/days?from={from}&to={to}", server.url);

        let first = day_list_bytes(&client, &list_url, &token).await;
        let before = server.app.insights_cache_stats();
        let again = day_list_bytes(&client, &list_url, &token).await;
        let after = server.app.insights_cache_stats();
        assert_eq!(
            after.hits,
            before.hits + 1,
            "the repeat is served from memory"
        );
        assert_eq!(again, first, "the same bytes");
        let dates = dates_in(&again);
        assert_eq!(dates.len(), 10);
        let cached: Value = serde_json::from_slice(&again).unwrap();
        assert_eq!(
            cached,
            fresh_day_list(&client, &server, &token, &dates).await,
            "the kept list is what a fresh serialisation gives"
        );
        // Another range is a list of its own.
        let short = format!("{}/api/v1/days?from={}&to={to}", server.url, day(2));
        assert_eq!(
            dates_in(&day_list_bytes(&client, &short, &token).await).len(),
            3
        );
        // An open range too (no dates: every day).
        let open = format!("{}/api/v1/days", server.url);
        assert_eq!(
            dates_in(&day_list_bytes(&client, &open, &token).await).len(),
            10
        );

        // A day put through the API shows at once, with its note.
        let url = |date: NaiveDate| format!("{}/api/v1/days/{date}", server.url);
        let body = json!({"daylight_hours": 1.5, "energy": 5, "mood": 8, "note": "a walk"});
        let status = send(
            &client,
            reqwest::Method::PUT,
            &url(day(20)),
            &token,
            &body.to_string(),
        )
        .await;
        assert_eq!(status, 201);
        let now = day_list_bytes(&client, &list_url, &token).await;
        assert_ne!(now, first, "a new day changes the list");
        let dates = dates_in(&now);
        assert!(dates.contains(&day(20)));
        assert_eq!(
            serde_json::from_slice::<Value>(&now).unwrap(),
            fresh_day_list(&client, &server, &token, &dates).await
        );
        assert_eq!(
            dates_in(&day_list_bytes(&client, &open, &token).await).len(),
            11
        );

        // A deletion.
        let status = send(&client, reqwest::Method::DELETE, &url(day(20)), &token, "").await;
        assert!(status == 204 || status == 200, "{status}");
        let now = day_list_bytes(&client, &list_url, &token).await;
        assert!(
            !dates_in(&now).contains(&day(20)),
            "the deleted day is gone at once"
        );
        assert_eq!(dates_in(&now).len(), 10);

        // An import of enough's own export, from someone who logged other days.
        let bob = server.add_user("bob@example.org", Role::Person).await;
        let bob_token = server.token_for(&bob).await;
        let body = json!({"daylight_hours": 2, "energy": 4, "mood": 9});
        put_days(
            &client,
            [30, 31, 32].map(|back| url(day(back))),
            &bob_token,
            &body,
        )
        .await;
        let export = server.app.export(&bob).await.unwrap();
        server.app.import_own_export(&ana, &export).await.unwrap();
        let now = day_list_bytes(&client, &list_url, &token).await;
        let dates = dates_in(&now);
        assert_eq!(dates.len(), 13, "imported days show at once");
        assert_eq!(
            serde_json::from_slice::<Value>(&now).unwrap(),
            fresh_day_list(&client, &server, &token, &dates).await
        );
        // Bob's own list never was Ana's.
        assert_eq!(
            dates_in(&day_list_bytes(&client, &list_url, &bob_token).await).len(),
            3
        );

        // The account deleted: its list is empty at once, and so is a new account's.
        server.app.delete_account(&ana, PASSWORD).await.unwrap();
        let count = |days: &[enough_domain::day::DayEntry]| {
            serde_json::to_vec(&json!({ "days": days.len() }))
        };
        let left = server
            .app
            .days_rendered(&ana, Some(from), Some(to), count)
            .await
            .unwrap();
        assert_eq!(
            &*left.bytes, br#"{"days":0}"#,
            "rendered afresh, from no days"
        );
        let next = server.add_user("next@example.org", Role::Person).await;
        let next_token = server.token_for(&next).await;
        assert!(dates_in(&day_list_bytes(&client, &list_url, &next_token).await).is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_pages_extras_follow_every_write_to_them() {
    on_every_backend("cache_extras", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        seed_days(&server, &ana, 10, 1).await;
        let first = server.app.insights_extras(&ana).await.unwrap();
        assert!(first.location.is_none() && first.reflections.is_empty());
        assert!(first.experiments.is_empty());
        let again = server.app.insights_extras(&ana).await.unwrap();
        assert!(Arc::ptr_eq(&first, &again), "kept while nothing changed");

        server
            .app
            .set_location(&ana, "", "52.37", "4.90")
            .await
            .unwrap();
        let placed = server.app.insights_extras(&ana).await.unwrap();
        assert_eq!(placed.location.as_ref().map(|l| l.latitude), Some(52.37));

        let today = server.app.today(&ana).to_string();
        server
            .app
            .save_reflection(&ana, &today, "Brighter on walking days.")
            .await
            .unwrap();
        let reflected = server.app.insights_extras(&ana).await.unwrap();
        assert_eq!(reflected.reflections.len(), 1);
        assert_eq!(reflected.reflections[0].text, "Brighter on walking days.");

        server.app.start_experiment(&ana, "2").await.unwrap();
        let trying = server.app.insights_extras(&ana).await.unwrap();
        assert_eq!(trying.experiments.len(), 1, "the new experiment shows");
        assert_eq!(trying.reflections.len(), 1, "and the reflection stays");

        // Another person's extras are their own.
        let bo = server.add_user("bo@example.org", Role::Person).await;
        let theirs = server.app.insights_extras(&bo).await.unwrap();
        assert!(theirs.reflections.is_empty() && theirs.location.is_none());
    })
    .await;
}

/// What one request reads of `me`'s cached views: the insights, the day list (as a count) and
/// how many reflections the page's extras hold.
async fn cached_views(
    server: &TestServer,
    me: &Me,
    from: NaiveDate,
    to: NaiveDate,
) -> (Arc<InsightsRange>, Vec<u8>, usize) {
    let count =
        |days: &[enough_domain::day::DayEntry]| serde_json::to_vec(&json!({ "days": days.len() }));
    let app = &server.app;
    let insights = app
        .light_mood_insights(me, Some(from), Some(to))
        .await
        .unwrap();
    let list = app
        .days_rendered(me, Some(from), Some(to), count)
        .await
        .unwrap();
    let reflections = app.insights_extras(me).await.unwrap().reflections.len();
    (insights, list.bytes.to_vec(), reflections)
}

#[tokio::test]
async fn a_request_that_writes_then_reads_sees_its_own_write() {
    on_every_backend("cache_own_write", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        seed_days(&server, &ana, 10, 1).await;
        let token = server.token_for(&ana).await;
        // As a request: signed in by token (which reads the data version with it), then
        // reads, writes and reads again with the same identity.
        let signed = server.app.authenticate_token(&token).await.unwrap();
        let me = &signed.user;
        let (from, to) = range(&server, me);
        let (before, listed, reflections) = cached_views(&server, me, from, to).await;
        assert_eq!(before.days.len(), 10);
        assert_eq!(listed, br#"{"days":10}"#);
        assert_eq!(reflections, 0);

        let new_day = to.checked_sub_days(Days::new(20)).unwrap();
        let text = enough_domain::day::DayText {
            daylight_hours: "2".into(),
            energy: "6".into(),
            mood: "9".into(),
            outside_morning: "yes".into(),
            ..Default::default()
        };
        log_day(&server, me, new_day, text).await;
        server
            .app
            .save_reflection(me, &to.to_string(), "More light, more ease.")
            .await
            .unwrap();

        let (after, listed, reflections) = cached_views(&server, me, from, to).await;
        assert_eq!(after.days.len(), 11, "the request's own day shows");
        assert_eq!(mood_on(&after, new_day), Some(9));
        assert_eq!(listed, br#"{"days":11}"#);
        assert_eq!(reflections, 1);

        // A later request (a new sign-in) finds the result kept under the new version.
        let again = server.app.authenticate_token(&token).await.unwrap();
        let later = server
            .app
            .light_mood_insights(&again.user, Some(from), Some(to))
            .await
            .unwrap();
        assert!(Arc::ptr_eq(&after, &later), "kept under the new version");
    })
    .await;
}
