//! Large responses go out gzipped when the client takes gzip: the insights page (the person's
//! and their therapist's view, with the year's daylight) and the API's day list read exactly as
//! their plain versions, in a fraction of the bytes, and a change of data shows at once.

use crate::common::{TestServer, on_every_backend, signed_in_browser};
use crate::insights::{log_day, seed_days};
use chrono::Days;
use enough_domain::account::Role;
use enough_domain::care::{Category, Sharing};
use std::io::Read;

/// The body of `url` as it comes: plain, or gzipped when `gzip`; with its headers.
async fn fetch(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    gzip: bool,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = client.get(url);
    if gzip {
        request = request.header("Accept-Encoding", "br, gzip;q=0.9, deflate");
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

fn gunzip(bytes: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut out)
        .expect("a whole gzip stream of UTF-8");
    out
}

/// Fetches `url` plain and gzipped (twice: the second from what was kept) and checks that all
/// three read the same and that the gzipped body is under `most` of the plain one; returns
/// the plain text.
async fn same_either_way(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    most: f64,
) -> String {
    let (status, headers, plain) = fetch(client, url, token, false).await;
    assert_eq!(status, 200, "{url}");
    assert!(
        headers.get("content-encoding").is_none(),
        "plain when not asked"
    );
    let plain = String::from_utf8(plain).unwrap();
    for round in ["first", "second"] {
        let (status, headers, zipped) = fetch(client, url, token, true).await;
        assert_eq!(status, 200, "{url}");
        assert_eq!(headers["content-encoding"], "gzip", "{url}");
        assert_eq!(headers["vary"], "accept-encoding", "{url}");
        assert_eq!(gunzip(&zipped), plain, "{url}, {round} gzipped response");
        assert!(
            (zipped.len() as f64) < plain.len() as f64 * most,
            "{url}: {} gzipped bytes for {} plain",
            zipped.len(),
            plain.len()
        );
    }
    plain
}

#[tokio::test]
async fn big_pages_and_lists_read_the_same_gzipped_in_a_fraction_of_the_bytes() {
    on_every_backend("gzipped", |server: TestServer, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let today = seed_days(&server, &ana, 400, 2).await;
        server
            .app
            .set_location(&ana, "", "52.37", "4.90")
            .await
            .unwrap();
        let client = signed_in_browser(&server, "ana@example.org").await;
        let year = today.checked_sub_days(Days::new(399)).unwrap();
        let weeks = today.checked_sub_days(Days::new(59)).unwrap();
        let base = &server.url;

        // A year and more: the year's daylight is drawn from the result's own days.
        let page = same_either_way(
            &client,
            &format!("{base}/insights?from={year}&to={today}"),
            None,
            0.3,
        )
        .await;
        assert!(page.contains("400 days logged") && page.contains("year-heading"));
        assert!(page.contains("Your days over time") && page.contains("outside-heading"));
        assert!(
            !page.contains("enough:kept-part"),
            "no marker is left on the page"
        );
        // Eight weeks: the year's days are read for this view.
        let short = same_either_way(
            &client,
            &format!("{base}/insights?from={weeks}&to={today}"),
            None,
            0.3,
        )
        .await;
        assert!(short.contains("60 days logged") && short.contains("year-heading"));

        // The therapist's view of the same result speaks about the person.
        let dr = server.add_user("dr@example.org", Role::Therapist).await;
        let (_, code) = server.app.create_invitation(&dr, "").await.unwrap();
        let all: Vec<String> = Category::all().into_iter().map(|c| c.key()).collect();
        server
            .app
            .accept_invitation(&ana, &code, &Sharing::from_stored(&all.join(" ")))
            .await
            .unwrap();
        let therapist = signed_in_browser(&server, "dr@example.org").await;
        let theirs = same_either_way(
            &therapist,
            &format!(
                "{base}/care/people/{}/insights?from={year}&to={today}",
                ana.id
            ),
            None,
            0.3,
        )
        .await;
        assert!(theirs.contains("Their mood was ") || theirs.contains("their mood"));
        assert!(!theirs.contains("Your mood was "), "not the person's voice");
        assert!(page.contains("Your mood was "), "the person's own voice");

        // The API's day list.
        let token = server.token_for(&ana).await;
        let list_url = format!("{base}/api/v1/days?from={year}&to={today}");
        let list = same_either_way(&client, &list_url, Some(&token), 0.3).await;
        assert_eq!(list.matches("\"date\"").count(), 400);

        // A new day shows in both forms at once.
        let before = today.checked_sub_days(Days::new(400)).unwrap();
        let text = enough_domain::day::DayText {
            mood: "4".into(),
            note: "A quiet walk home.".into(),
            ..Default::default()
        };
        log_day(&server, &ana, before, text).await;
        let wider = format!("{base}/api/v1/days?from={before}&to={today}");
        let list = same_either_way(&client, &wider, Some(&token), 0.3).await;
        assert!(list.contains("A quiet walk home."));
        let page = same_either_way(
            &client,
            &format!("{base}/insights?from={before}&to={today}"),
            None,
            0.3,
        )
        .await;
        assert!(page.contains("401 days logged"));
    })
    .await;
}
