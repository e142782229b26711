//! How pages travel: compressed as the browser asks (br or gzip), assets under names that carry
//! a hash of their bytes and may be kept for a year, and no page heavier than 60 KB on the wire
//! after the first visit, even with a year of days logged.

use crate::common::{TestServer, get, on_every_backend, signed_in_browser};
use chrono::Days;
use enough_domain::account::Role;
use enough_domain::day::DayText;

/// A year of full days, each with a note, the way a faithful logger's account looks.
pub async fn seed_year(server: &TestServer, user: &enough_app::Me) {
    let today = server.app.today(user);
    for i in 0..365u64 {
        let date = today.checked_sub_days(Days::new(i)).unwrap();
        let wobble = (i * 7 % 5) as u8;
        let text = DayText {
            daylight_hours: format!("{}", f64::from(wobble * 3) / 4.0),
            energy: (3 + wobble).to_string(),
            mood: (4 + wobble / 2 + u8::from(i % 2 == 0)).to_string(),
            outside_morning: if i % 2 == 0 { "yes" } else { "no" }.into(),
            habits: if i % 3 == 0 {
                vec!["social_contact".into(), "moved_my_body".into()]
            } else {
                vec!["got_outside".into()]
            },
            note: format!("Walked to the shop and back, day {i}; talked to my sister for a while."),
        };
        let (fields, errors) = text.to_fields();
        server
            .app
            .log_day(user, date, fields, errors)
            .await
            .unwrap();
    }
    server
        .app
        .set_location(user, "London", "", "")
        .await
        .unwrap();
}

/// (bytes on the wire, Content-Encoding) for `path` asked with `encoding`.
async fn weigh(client: &reqwest::Client, url: &str, encoding: &str) -> (usize, String, u16) {
    let r = client
        .get(url)
        .header("accept-encoding", encoding)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let used = r
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (r.bytes().await.unwrap().len(), used, status)
}

#[tokio::test]
async fn pages_are_compressed_and_stay_under_sixty_kilobytes_with_a_year_of_days() {
    on_every_backend("delivery_weight", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        seed_year(&server, &ana).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let today = server.app.today(&ana);
        let year_ago = today.checked_sub_days(Days::new(364)).unwrap();
        let pages = [
            "/".to_owned(),
            format!("/insights?from={year_ago}&to={today}"),
            "/insights".to_owned(),
            "/history".to_owned(),
            "/settings".to_owned(),
            "/crisis".to_owned(),
            "/toolkit".to_owned(),
        ];
        for path in &pages {
            let url = format!("{}{path}", server.url);
            let (raw, none, status) = weigh(&client, &url, "identity").await;
            assert_eq!(status, 200, "{path}");
            assert_eq!(
                none, "",
                "{path}: not compressed when the browser cannot unpack"
            );
            let (br, used_br, _) = weigh(&client, &url, "br").await;
            assert_eq!(used_br, "br", "{path}");
            let (gz, used_gz, _) = weigh(&client, &url, "gzip").await;
            assert_eq!(used_gz, "gzip", "{path}");
            eprintln!("{path}: {raw} bytes raw, {br} br, {gz} gzip");
            assert!(br < raw && gz < raw, "{path}");
            assert!(
                gz < 60 * 1024 && br < 60 * 1024,
                "{path} weighs {gz} bytes gzipped, {br} with br"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn assets_carry_a_hash_in_their_names_and_are_kept_for_a_year() {
    on_every_backend("delivery_assets", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, home) = get(&client, &format!("{}/", server.url)).await;
        let mut linked = Vec::new();
        for marker in ["src=\"/assets/", "href=\"/assets/"] {
            for part in home.split(marker).skip(1) {
                linked.push(part[..part.find('"').unwrap()].to_owned());
            }
        }
        assert!(
            linked
                .iter()
                .any(|n| n.starts_with("style.") && n.ends_with(".css") && n.len() > 16),
            "the stylesheet is linked by a hashed name: {linked:?}"
        );
        for name in &linked {
            let r = client
                .get(format!("{}/assets/{name}", server.url))
                .header("accept-encoding", "br")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{name}");
            assert_eq!(
                r.headers()["cache-control"],
                "public, max-age=31536000, immutable",
                "{name}"
            );
            if name.ends_with(".js") || name.ends_with(".css") {
                assert_eq!(r.headers()["content-encoding"], "br", "{name}");
            }
        }
        // The plain names still answer, kept only for a day.
        let r = client
            .get(format!("{}/assets/htmx.min.js", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["cache-control"], "public, max-age=86400");
        let (status, _) = get(&client, &format!("{}/assets/style.0000.css", server.url)).await;
        assert_eq!(status, 404, "a wrong hash is not found");

        // Installable: a manifest, and a same-origin service worker the CSP allows.
        let r = client
            .get(format!("{}/sw.js", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.headers()["cache-control"],
            "no-cache",
            "updates reach people"
        );
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("worker-src 'self'") && csp.contains("manifest-src 'self'"));
        assert!(
            csp.contains("script-src 'self'"),
            "the CSP stays strict: {csp}"
        );
        let worker = r.text().await.unwrap();
        for shell in linked
            .iter()
            .filter(|n| n.ends_with(".css") || n.ends_with(".js"))
        {
            assert!(
                worker.contains(&format!("/assets/{shell}")),
                "the worker keeps {shell}"
            );
        }
        assert!(worker.contains("\"/crisis\""), "and the crisis page");
        let (status, manifest) =
            get(&client, &format!("{}/manifest.webmanifest", server.url)).await;
        assert_eq!(status, 200);
        let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
        assert_eq!(manifest["display"], "standalone");
        assert_eq!(manifest["shortcuts"][1]["url"], "/crisis");
    })
    .await;
}
