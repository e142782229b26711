//! Offline in Chromium: the connection drops (DevTools network emulation), a day is logged, the
//! page says plainly that it is waiting on this device, and when the connection returns it is
//! sent and found on the server. A day changed on the server meanwhile asks the person which to
//! keep; a day the server refuses comes back with the reason.

use crate::browser::{Cdp, chromium, click, fill, sign_in, start_driver, wait_text};
use crate::common::on_every_backend;
use enough_domain::account::Role;
use enough_domain::day::{DAYLIGHT_MESSAGE, DayText};
use fantoccini::{Client, Locator};
use std::time::Duration;

/// Takes the page and its service worker off the network (or back on). The worker's DevTools
/// session is kept in `worker` and reused, so that one setting is in force at a time.
async fn network(client: &Client, worker: &mut Option<serde_json::Value>, offline: bool) {
    client
        .issue_cmd(Cdp(
            serde_json::json!({"cmd": "Network.enable", "params": {}}),
        ))
        .await
        .unwrap();
    client
        .issue_cmd(Cdp(serde_json::json!({
            "cmd": "Network.emulateNetworkConditions",
            "params": {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}})))
        .await
        .unwrap();
    // The service worker fetches for the page on its own connection: it goes offline too
    // (what the "Offline" box of DevTools' service worker panel does).
    let targets = client
        .issue_cmd(Cdp(
            serde_json::json!({"cmd": "Target.getTargets", "params": {}}),
        ))
        .await
        .unwrap();
    if worker.is_none() {
        let target = targets["targetInfos"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["type"] == "service_worker")
            .cloned();
        if let Some(target) = target {
            let attached = client
                .issue_cmd(Cdp(serde_json::json!({
                    "cmd": "Target.attachToTarget",
                    "params": {"targetId": target["targetId"], "flatten": false}})))
                .await
                .unwrap();
            *worker = Some(attached["sessionId"].clone());
        }
    }
    let session = worker.clone().expect("the service worker is running");
    for (id, method, params) in [
        (1, "Network.enable", serde_json::json!({})),
        (
            2,
            "Network.emulateNetworkConditions",
            serde_json::json!({"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
        ),
    ] {
        client
            .issue_cmd(Cdp(serde_json::json!({
                "cmd": "Target.sendMessageToTarget",
                "params": {"sessionId": session,
                           "message": serde_json::json!({"id": id, "method": method, "params": params}).to_string()}})))
            .await
            .unwrap();
    }
    for _ in 0..50 {
        let online = client
            .execute("return navigator.onLine", vec![])
            .await
            .unwrap();
        if online == serde_json::json!(!offline) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the page never saw the network go {}",
        if offline { "away" } else { "back" }
    );
}

/// Picks a 0–10 scale answer or a yes/no on the day form.
async fn pick(client: &Client, name: &str, value: &str) {
    client
        .execute(
            &format!("document.querySelector(\"form[action='/days'] input[name='{name}'][value='{value}']\").click()"),
            vec![],
        )
        .await
        .unwrap();
}

async fn save(client: &Client) {
    click(
        client,
        Locator::Css("form[action='/days'] button[type=submit]"),
    )
    .await;
}

/// Waits until the server has the day with this mood.
async fn server_mood(
    server: &crate::common::TestServer,
    user: &enough_app::Me,
    date: chrono::NaiveDate,
    mood: u8,
) {
    for _ in 0..100 {
        if let Ok(day) = server.app.day(user, date).await
            && day.mood == Some(mood)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server never had mood {mood} on {date}");
}

#[tokio::test]
async fn a_day_logged_offline_waits_on_the_device_and_reaches_the_server() {
    let Some(driver) = start_driver().await else {
        return;
    };
    on_every_backend("offline_log", |server, _| {
        let driver = &driver;
        async move {
            let ana = server.add_user("ana@example.org", Role::Person).await;
            let today = server.app.today(&ana);
            let browser = chromium(driver).await;
            sign_in(&browser, &server.url, "ana@example.org").await;
            // The service worker is in charge of the page before the connection drops.
            let ready = browser
                .execute_async(
                    "var done = arguments[arguments.length - 1]; \
                     navigator.serviceWorker.ready.then(function () { done(true); });",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(ready, serde_json::json!(true));
            browser.refresh().await.unwrap();
            // Once signed in, the person's own crisis page (their country's lines) is kept.
            let mut kept = false;
            for _ in 0..50 {
                let signed_in_copy = browser
                    .execute_async(
                        "var done = arguments[arguments.length - 1]; \
                         caches.open('enough-pages').then(function (c) { return c.match('/crisis'); }) \
                           .then(function (r) { return r ? r.text() : ''; }) \
                           .then(function (t) { done(t.indexOf('data-signed-in') !== -1); });",
                        vec![],
                    )
                    .await
                    .unwrap();
                if signed_in_copy == serde_json::json!(true) {
                    kept = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert!(kept, "the signed-in crisis page is kept on the device");
            let mut worker = None;

            network(&browser, &mut worker, true).await;
            fill(&browser, "#field-daylight_hours", "1.5").await;
            pick(&browser, "mood", "6").await;
            pick(&browser, "energy", "4").await;
            pick(&browser, "outside_morning", "yes").await;
            fill(&browser, "#field-note", "Written on the train").await;
            save(&browser).await;
            let text = wait_text(&browser, "Waiting to be sent").await;
            assert!(text.contains("saved on this device"), "{text}");
            assert!(
                server.app.day(&ana, today).await.is_err(),
                "nothing reached the server while offline"
            );
            // A reload without a connection still shows the log and what is waiting.
            browser.refresh().await.unwrap();
            wait_text(&browser, "Waiting to be sent").await;
            crate::browser::screenshot(&browser, "o1-waiting").await;
            // Crisis help is kept too; a page that is not kept says so plainly.
            browser
                .goto(&format!("{}/crisis", server.url))
                .await
                .unwrap();
            let text = wait_text(&browser, "Waiting to be sent").await;
            assert!(
                text.contains("emergency") || text.contains("Emergency"),
                "{text}"
            );
            browser
                .goto(&format!("{}/insights", server.url))
                .await
                .unwrap();
            wait_text(&browser, "You are offline").await;
            browser.goto(&format!("{}/", server.url)).await.unwrap();
            wait_text(&browser, "Waiting to be sent").await;

            network(&browser, &mut worker, false).await;
            wait_text(&browser, "Sent: your entry").await;
            server_mood(&server, &ana, today, 6).await;
            let day = server.app.day(&ana, today).await.unwrap();
            assert_eq!(day.note.as_deref(), Some("Written on the train"));
            assert_eq!(day.outside_morning, Some(true));
            assert_eq!(day.daylight_quarter_hours, Some(6));

            // Changed on the server while this device was offline: the person is asked.
            browser.refresh().await.unwrap();
            network(&browser, &mut worker, true).await;
            pick(&browser, "mood", "8").await;
            save(&browser).await;
            wait_text(&browser, "Waiting to be sent").await;
            let text = DayText {
                mood: "3".into(),
                ..DayText::default()
            };
            let (fields, errors) = text.to_fields();
            server
                .app
                .log_day(&ana, today, fields, errors)
                .await
                .unwrap();
            network(&browser, &mut worker, false).await;
            wait_text(&browser, "changed on the server").await;
            crate::browser::screenshot(&browser, "o2-changed").await;
            assert_eq!(server.app.day(&ana, today).await.unwrap().mood, Some(3));
            let keep = "//button[normalize-space()=\"Keep the one from this device\"]";
            click(&browser, Locator::XPath(keep)).await;
            server_mood(&server, &ana, today, 8).await;

            // Refused when sent: the reason comes back, and nothing changes on the server.
            browser.refresh().await.unwrap();
            network(&browser, &mut worker, true).await;
            fill(&browser, "#field-daylight_hours", "25").await;
            save(&browser).await;
            wait_text(&browser, "Waiting to be sent").await;
            network(&browser, &mut worker, false).await;
            let text = wait_text(&browser, "was not saved").await;
            assert!(text.contains(DAYLIGHT_MESSAGE), "{text}");
            crate::browser::screenshot(&browser, "o3-refused").await;
            assert_eq!(server.app.day(&ana, today).await.unwrap().mood, Some(8));
            let back = "//button[normalize-space()=\"Put it back in the form\"]";
            click(&browser, Locator::XPath(back)).await;
            let text = wait_text(&browser, "back in the form").await;
            assert!(text.contains(DAYLIGHT_MESSAGE), "{text}");
            let typed = browser
                .find(Locator::Css("#field-daylight_hours"))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap();
            assert_eq!(typed.as_deref(), Some("25"), "the person's input is kept");
            browser.close().await.unwrap();
        }
    })
    .await;
}
