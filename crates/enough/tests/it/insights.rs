//! The Light & Mood insights through the page and the API, on seeded days.

use crate::common::{TestServer, get, on_every_backend, signed_in_browser};
use chrono::{Days, NaiveDate};
use enough_domain::account::Role;
use enough_domain::day::DayText;
use serde_json::Value;

/// Logs `n` days up to today: outside every other morning, with mood `bonus` points higher then.
pub async fn seed_days(server: &TestServer, user: &enough_app::Me, n: u64, bonus: u8) -> NaiveDate {
    let today = server.app.today(user);
    for i in 0..n {
        let date = today.checked_sub_days(Days::new(i)).unwrap();
        let outside = i % 2 == 0;
        let wobble = (i * 7 % 5) as u8;
        let text = DayText {
            daylight_hours: format!(
                "{}",
                f64::from(if outside { 8 + wobble } else { wobble }) / 4.0
            ),
            energy: (3 + wobble).to_string(),
            mood: (3 + wobble / 2 + if outside { bonus } else { 0 }).to_string(),
            outside_morning: if outside { "yes" } else { "no" }.into(),
            habits: if i % 3 == 0 {
                vec!["social_contact".into()]
            } else {
                vec![]
            },
            note: String::new(),
        };
        log_day(server, user, date, text).await;
    }
    today
}

/// Saves one day for `user` as the form would, which must be accepted.
pub async fn log_day(server: &TestServer, user: &enough_app::Me, date: NaiveDate, text: DayText) {
    let (fields, errors) = text.to_fields();
    server
        .app
        .log_day(user, date, fields, errors)
        .await
        .unwrap();
}

#[tokio::test]
async fn sixty_days_give_a_comparison_in_words_and_charts() {
    on_every_backend("insights_page", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let today = seed_days(&server, &ana, 60, 2).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let from = today.checked_sub_days(Days::new(59)).unwrap();
        let (status, page) = get(
            &client,
            &format!("{}/insights?from={from}&to={today}", server.url),
        )
        .await;
        assert_eq!(status, 200);
        assert!(page.contains("60 days logged"), "all 60 days are in range");
        assert!(
            page.contains("On the 30 mornings you went outside, your mood averaged"),
            "the comparison sentence"
        );
        assert!(page.contains("95% interval: from"));
        assert!(page.contains("How to read these numbers") && page.contains("2/√"));
        assert!(page.contains("not what caused what"));
        assert_eq!(
            page.matches("<svg class=\"chart\"").count(),
            3,
            "three charts"
        );
        assert!(page.contains("<desc"), "charts describe themselves");
        assert!(
            page.contains("<p class=\"headline\">Your mood was ")
                && page.contains("higher on outside mornings (likely from "),
            "the outside card's headline names the difference and its range"
        );
        assert!(page.matches("<summary>How sure is this?</summary>").count() >= 4);
        assert!(
            page.contains("Start an experiment"),
            "the experiment card invites one"
        );

        let (_, default_range) = get(&client, &format!("{}/insights", server.url)).await;
        assert!(
            default_range.contains("56 days logged"),
            "the default range is the last 8 weeks"
        );
    })
    .await;
}

#[tokio::test]
async fn few_days_say_not_enough_yet_and_bad_ranges_are_refused() {
    on_every_backend("insights_few_days", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        seed_days(&server, &ana, 6, 2).await;
        let token = server.token_for(&ana).await;
        let api = reqwest::Client::new();
        let json: Value = api
            .get(format!("{}/api/v1/insights/light-mood", server.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(json["insights"]["days"], 6);
        assert_eq!(
            json["insights"]["outside_vs_indoor"][0]["status"],
            "not_enough_days"
        );
        assert!(
            json["insights"]["outside_vs_indoor"][0]
                .get("difference")
                .is_none(),
            "no number"
        );
        let text = json["reflection"]["outside_vs_indoor"][0].as_str().unwrap();
        assert!(text.contains("Not enough days yet"), "{text}");

        for (query, field) in [
            ("from=2026-02-01&to=2026-01-01", "from"),
            ("from=yesterday", "from"),
            ("from=1950-01-01&to=2026-01-01", "from"),
            ("to=2026-13-40", "to"),
        ] {
            let r = api
                .get(format!("{}/api/v1/insights/light-mood?{query}", server.url))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 422, "{query}");
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["error"]["fields"][0]["field"], field, "{query}");
        }
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (status, page) = get(
            &client,
            &format!("{}/insights?from=2026-02-01&to=2026-01-01", server.url),
        )
        .await;
        assert_eq!(status, 422);
        assert!(page.contains("The start date must not be after the end date."));
    })
    .await;
}

#[tokio::test]
async fn a_location_shows_the_daylight_there_was_and_bad_locations_are_refused() {
    on_every_backend("location", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        seed_days(&server, &ana, 3, 1).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, settings) = get(&client, &format!("{}/settings/profile", server.url)).await;
        let csrf = crate::common::csrf_in(&settings);
        for (city, lat, lon, message) in [
            ("Atlantis", "", "", "is not in the list of cities"),
            ("", "91", "0", "Latitude must be a number from −90"),
            ("", "53", "-181", "Longitude must be a number from −180"),
            ("", "north", "0", "Latitude must be a number"),
        ] {
            let r = client
                .post(format!("{}/settings/location", server.url))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("city", city),
                    ("latitude", lat),
                    ("longitude", lon),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 422, "{city} {lat} {lon}");
            assert!(r.text().await.unwrap().contains(message), "{message}");
        }
        assert!(
            server.app.location(&ana).await.unwrap().is_none(),
            "nothing was saved"
        );

        let r = client
            .post(format!("{}/settings/location", server.url))
            .form(&[
                ("csrf", csrf.as_str()),
                ("city", "Dublin, Ireland"),
                ("latitude", ""),
                ("longitude", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, history) = get(&client, &format!("{}/history", server.url)).await;
        assert!(
            history.contains(" h</b> of "),
            "each day shows the daylight available: {history}"
        );
        let (_, home) = get(&client, &server.url).await;
        assert!(
            home.contains("Where you are, there are"),
            "today's sunrise and sunset"
        );
        let (_, insights) = get(&client, &format!("{}/insights", server.url)).await;
        assert!(
            insights.contains("Day length over the year"),
            "the year chart"
        );
    })
    .await;
}

#[tokio::test]
async fn reflections_are_saved_by_date_and_empty_ones_refused() {
    on_every_backend("reflections", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, page) = get(&client, &format!("{}/insights", server.url)).await;
        let csrf = crate::common::csrf_in(&page);
        let today = server.app.today(&ana).to_string();
        let post = |text: String| {
            let (client, csrf, today, url) = (
                client.clone(),
                csrf.clone(),
                today.clone(),
                format!("{}/insights/reflection", server.url),
            );
            async move {
                let r = client
                    .post(url)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("date", today.as_str()),
                        ("text", text.as_str()),
                    ])
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (status, body) = post("   ".into()).await;
        assert_eq!(status, 422);
        assert!(body.contains("Please write something first"));
        let (status, body) = post("x".repeat(5001)).await;
        assert_eq!(status, 422);
        assert!(body.contains("at most 5,000 characters"));
        assert!(server.app.reflections(&ana).await.unwrap().is_empty());
        let (status, _) = post("Brighter on walking days.".into()).await;
        assert_eq!(status, 303);
        let (_, page) = get(&client, &format!("{}/insights", server.url)).await;
        assert!(
            page.contains("Brighter on walking days."),
            "listed with earlier answers"
        );
    })
    .await;
}

#[tokio::test]
async fn an_experiment_is_randomised_shown_on_the_day_and_can_be_stopped() {
    on_every_backend("experiment", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, page) = get(&client, &format!("{}/experiment", server.url)).await;
        let csrf = crate::common::csrf_in(&page);
        let start = |weeks: &'static str| {
            let (client, csrf, url) = (
                client.clone(),
                csrf.clone(),
                format!("{}/experiment", server.url),
            );
            async move {
                let r = client
                    .post(url)
                    .form(&[("csrf", csrf.as_str()), ("weeks", weeks)])
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        for bad in ["1", "9", "four"] {
            let (status, body) = start(bad).await;
            assert_eq!(status, 422, "{bad}");
            assert!(
                body.contains("2 to 8") || body.contains("from 2 to 8"),
                "{bad}: names the range"
            );
        }
        assert!(
            server.app.experiments(&ana).await.unwrap().is_empty(),
            "nothing was started"
        );
        let (status, _) = start("3").await;
        assert_eq!(status, 303);
        let (status, body) = start("4").await;
        assert_eq!(status, 422);
        assert!(body.contains("already running"));

        let views = server.app.experiments(&ana).await.unwrap();
        let view = &views[0];
        assert_eq!(view.experiment.schedule.len(), 21);
        for week in view.experiment.schedule.as_bytes().chunks(7) {
            let outside = week.iter().filter(|c| **c == b'O').count();
            assert!(outside == 3 || outside == 4, "balanced weeks");
        }
        let (_, page) = get(&client, &format!("{}/experiment", server.url)).await;
        assert!(page.contains("Running: 3 weeks"));
        // The first morning is tomorrow; the log page shows the plan on the day itself.
        let tomorrow = server.app.today(&ana).succ_opt().unwrap();
        assert!(view.plan.condition_on(tomorrow).is_some());

        let r = client
            .post(format!(
                "{}/experiment/{}/abandon",
                server.url, view.experiment.id
            ))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, page) = get(&client, &format!("{}/experiment", server.url)).await;
        assert!(page.contains("stopped early"));
        assert!(page.contains("Start an experiment"), "a new one can start");
    })
    .await;
}

#[tokio::test]
async fn the_experiment_asks_for_morning_light_or_as_usual_and_a_morning_can_be_swapped() {
    on_every_backend("experiment_swap", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, page) = get(&client, &format!("{}/experiment", server.url)).await;
        let csrf = crate::common::csrf_in(&page);
        assert!(page.contains("If your mood is very low,") && page.contains("href=\"/crisis\""));
        let r = client
            .post(format!("{}/experiment", server.url))
            .form(&[("csrf", csrf.as_str()), ("weeks", "2")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        // The first morning is tomorrow: move there.
        server.app.advance_clock(chrono::Duration::days(1));
        let today = server.app.today(&ana);
        let view = server.app.experiments(&ana).await.unwrap().remove(0);
        let planned = view.plan.condition_on(today).unwrap();
        let (_, page) = get(&client, &format!("{}/experiment", server.url)).await;
        let lower = page.to_lowercase();
        assert!(!lower.contains("stay in"), "nobody is asked to stay in");
        assert!(page.contains(&format!("Today: {}.", planned.label())));
        let (_, day) = get(&client, &format!("{}/", server.url)).await;
        assert!(
            day.contains(planned.label()),
            "the log page shows today's plan"
        );

        // The form offers the later mornings of this week with the other plan.
        let select = &page[page.find("name=\"with\"").expect("a swap form")..];
        let at = select.find("<option value=\"").unwrap() + 15;
        let with = &select[at..at + 10];
        let swap = |date: String, with: String| {
            let (client, csrf, url) = (client.clone(), csrf.clone(), server.url.clone());
            let id = view.experiment.id;
            async move {
                let r = client
                    .post(format!("{url}/experiment/{id}/swap"))
                    .form(&[("csrf", csrf), ("date", date), ("with", with)])
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        // A morning that has passed cannot be swapped; nothing changes.
        let yesterday = today.pred_opt().unwrap().to_string();
        let (status, body) = swap(yesterday, with.to_owned()).await;
        assert_eq!(status, 422);
        assert!(
            body.contains("Both mornings must be part of the experiment"),
            "{body}"
        );
        let (status, _) = swap(today.to_string(), with.to_owned()).await;
        assert_eq!(status, 303);

        let after = server.app.experiments(&ana).await.unwrap().remove(0);
        assert_eq!(
            after.in_force_on(today),
            Some(planned.other()),
            "today took the other plan"
        );
        assert_eq!(after.swapped().len(), 2, "the swap is recorded");
        assert_eq!(
            after.plan, view.plan,
            "the seeded plan, used by the analysis, is unchanged"
        );
        let (_, day) = get(&client, &format!("{}/", server.url)).await;
        assert!(day.contains(planned.other().label()));
        let (_, page) = get(&client, &format!("{}/experiment", server.url)).await;
        assert!(page.contains("Swapped mornings:"));

        // Someone else cannot swap Ana's mornings.
        server.add_user("bo@example.org", Role::Person).await;
        let bo = signed_in_browser(&server, "bo@example.org").await;
        let (_, bo_page) = get(&bo, &format!("{}/experiment", server.url)).await;
        let bo_csrf = crate::common::csrf_in(&bo_page);
        let r = bo
            .post(format!(
                "{}/experiment/{}/swap",
                server.url, view.experiment.id
            ))
            .form(&[
                ("csrf", bo_csrf.as_str()),
                ("date", today.to_string().as_str()),
                ("with", with),
            ])
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
