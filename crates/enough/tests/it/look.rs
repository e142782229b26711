//! The pages a year of days makes, looked at in Chromium as a person would: at 390×844 and
//! 1280×800, light and dark. Nothing scrolls sideways, and every chart's text renders at 12 px
//! or more. With `ENOUGH_SCREENSHOTS=DIR` each page is kept whole as a PNG.

use crate::browser::{
    Screen, cdp, chromium, fits_the_phone, launch_chromium, sign_in, start_driver,
};
use crate::common::on_every_backend;
use chrono::Days;
use enough_domain::account::Role;
use fantoccini::Client;

/// Sets the colour scheme through DevTools.
pub(crate) async fn view_as(client: &Client, dark: bool) {
    cdp(
        client,
        "Emulation.setEmulatedMedia",
        serde_json::json!({"features": [{"name": "prefers-color-scheme",
            "value": if dark { "dark" } else { "light" }}]}),
    )
    .await;
}

/// The whole page as PNGs, one per screen from the top (at most six).
pub(crate) async fn whole_page(client: &Client, height: u32, name: &str) {
    let Ok(dir) = std::env::var("ENOUGH_SCREENSHOTS") else {
        return;
    };
    std::fs::create_dir_all(&dir).unwrap();
    let full = client
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap() as u32;
    for (i, top) in (0..full).step_by(height as usize).take(6).enumerate() {
        client
            .execute(&format!("window.scrollTo(0, {top})"), vec![])
            .await
            .unwrap();
        let png = client.screenshot().await.unwrap();
        std::fs::write(format!("{dir}/{name}-{}.png", i + 1), png).unwrap();
    }
    client
        .execute("window.scrollTo(0, 0)", vec![])
        .await
        .unwrap();
}

/// The smallest rendered size of the text in the page's visible charts, in CSS pixels.
async fn smallest_chart_text(client: &Client) -> f64 {
    let script = "var least = 1000; document.querySelectorAll('svg.chart').forEach(function (svg) { \
        var box = svg.getBoundingClientRect(); if (box.width === 0) { return; } \
        var scale = box.width / svg.viewBox.baseVal.width; \
        svg.querySelectorAll('text').forEach(function (t) { \
          least = Math.min(least, parseFloat(getComputedStyle(t).fontSize) * scale); }); }); \
        return least;";
    client
        .execute(script, vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap()
}

#[tokio::test]
async fn a_year_of_days_reads_on_a_phone_and_a_desktop_in_light_and_dark() {
    let Some(driver) = start_driver().await else {
        return;
    };
    on_every_backend("look_year", |server, _| {
        let driver = &driver;
        async move {
            let ana = server.add_user("ana@example.org", Role::Person).await;
            crate::delivery::seed_year(&server, &ana).await;
            let today = server.app.today(&ana);
            let year_ago = today.checked_sub_days(Days::new(364)).unwrap();
            let pages = [
                ("insights", format!("/insights?from={year_ago}&to={today}")),
                ("history", "/history".to_owned()),
                ("settings", "/settings".to_owned()),
                ("today", "/".to_owned()),
                ("steps", "/activities".to_owned()),
            ];
            for (width, height) in [(390, 844), (1280, 800)] {
                let browser = if width < 600 {
                    chromium(driver).await
                } else {
                    launch_chromium(driver, Screen::Window(1280, 800), None).await
                };
                sign_in(&browser, &server.url, "ana@example.org").await;
                for dark in [false, true] {
                    view_as(&browser, dark).await;
                    for (name, path) in &pages {
                        browser
                            .goto(&format!("{}{path}", server.url))
                            .await
                            .unwrap();
                        let label =
                            format!("{name} at {width}, {}", if dark { "dark" } else { "light" });
                        fits_the_phone(&browser, &label).await;
                        whole_page(
                            &browser,
                            height,
                            &format!(
                                "look-{name}-{width}-{}",
                                if dark { "dark" } else { "light" }
                            ),
                        )
                        .await;
                        let least = smallest_chart_text(&browser).await;
                        assert!(least >= 12.0, "{label}: chart text renders at {least:.1}px");
                    }
                }
                browser.close().await.unwrap();
            }
        }
    })
    .await;
}
