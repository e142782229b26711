//! The frame and the settings pages: four tabs and More, settings as short pages, "who looked"
//! grouped by day and therapist, times on the person's own clock, a therapist's own voice and
//! landing page, one-off homework, and a finished exercise opened as a record.

use crate::common::{
    PASSWORD, TestServer, browser, csrf_in, get, on_every_backend, signed_in_browser,
};
use enough_domain::account::Role;
use enough_domain::care::{Category, Sharing};

/// Links `person` with `therapist`, sharing everything.
async fn link_everything(server: &TestServer, therapist: &enough_app::Me, person: &enough_app::Me) {
    let (_, code) = server.app.create_invitation(therapist, "").await.unwrap();
    let all: Vec<String> = Category::all().into_iter().map(|c| c.key()).collect();
    server
        .app
        .accept_invitation(person, &code, &Sharing::from_stored(&all.join(" ")))
        .await
        .unwrap();
}

#[tokio::test]
async fn every_page_has_four_tabs_the_crisis_link_and_more_lists_the_rest() {
    on_every_backend("frame_tabs", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        for path in ["/", "/insights", "/toolkit", "/more", "/settings/profile"] {
            let (status, page) = get(&client, &format!("{}{path}", server.url)).await;
            assert_eq!(status, 200, "{path}");
            for tab in [
                "href=\"/\"",
                "href=\"/insights\"",
                "href=\"/toolkit\"",
                "href=\"/more\"",
            ] {
                assert!(page.contains(tab), "{path} has the tab {tab}");
            }
            assert!(page.contains("href=\"/crisis\">Need help now?"), "{path}");
            assert!(!page.contains("href=\"/care\""), "no caseload for a person");
        }
        let (_, more) = get(&client, &format!("{}/more", server.url)).await;
        for item in [
            "/history",
            "/measures",
            "/experiment",
            "/settings/profile",
            "/settings/reminders",
            "/sharing",
            "/settings/data",
            "/settings/sessions",
        ] {
            assert!(
                more.contains(&format!("href=\"{item}\"")),
                "More links {item}"
            );
        }
        assert!(
            more.contains("action=\"/sign-out\""),
            "signing out is on More"
        );
        assert!(
            !more.contains("/settings/server"),
            "only administrators see the server"
        );
        let (status, _) = get(&client, &format!("{}/settings/server", server.url)).await;
        assert_eq!(status, 403);

        let admin = signed_in_browser(&server, "admin@example.org").await;
        let (status, page) = get(&admin, &format!("{}/settings/server", server.url)).await;
        assert_eq!(status, 200);
        assert!(page.contains("Sign-up is"));
        let (_, more) = get(&admin, &format!("{}/more", server.url)).await;
        assert!(more.contains("/settings/server"));
    })
    .await;
}

#[tokio::test]
async fn who_looked_is_grouped_by_day_and_therapist_with_repeats_counted_on_one_line() {
    on_every_backend("frame_who_looked", |server, _| async move {
        let lee = server.add_user("dr.lee@example.org", Role::Therapist).await;
        let ana = server.add_user("ana@example.org", Role::Person).await;
        link_everything(&server, &lee, &ana).await;
        let dr = signed_in_browser(&server, "dr.lee@example.org").await;
        for _ in 0..3 {
            let (status, _) = get(
                &dr,
                &format!("{}/care/people/{}/safety", server.url, ana.id),
            )
            .await;
            assert_eq!(status, 200);
        }
        assert_eq!(server.app.access_log(&ana).await.unwrap().len(), 3);
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, page) = get(&client, &format!("{}/sharing", server.url)).await;
        assert_eq!(
            page.matches("Safety alerts and my safety plan").count(),
            2,
            "once as a choice, once in the log: {page}"
        );
        assert!(page.contains("×&nbsp;3"), "the three looks are one line");
        assert_eq!(
            page.matches("<strong>dr.lee@example.org</strong>").count(),
            1,
            "the therapist is named once for the day"
        );
        assert!(!page.contains("UTC"), "times are Ana's own");
    })
    .await;
}

#[tokio::test]
async fn times_are_shown_on_the_persons_own_clock() {
    on_every_backend("frame_time_zone", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        server
            .app
            .set_time_zone(&ana, "Australia/Brisbane")
            .await
            .unwrap();
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, page) = get(&client, &format!("{}/settings/sessions", server.url)).await;
        // Brisbane keeps UTC+10 all year.
        let now = chrono::Utc::now() + chrono::Duration::hours(10);
        let shown = now.format("%-d %b %Y, %H:").to_string();
        assert!(
            page.contains(&shown),
            "signed in at {shown}.. Brisbane time: {page}"
        );
        assert!(!page.contains("UTC"));
        assert!(
            page.contains("this browser"),
            "the current session is marked"
        );
    })
    .await;
}

#[tokio::test]
async fn a_therapist_lands_on_the_caseload_and_reads_about_them_not_to_them() {
    on_every_backend("frame_therapist", |server, _| async move {
        let lee = server.add_user("dr.lee@example.org", Role::Therapist).await;
        let ana = server.add_user("ana@example.org", Role::Person).await;
        link_everything(&server, &lee, &ana).await;
        let plan = enough_domain::safety::plan::SafetyPlan::from_form([(
            "warning_signs",
            "Staying in bed past noon",
        )])
        .unwrap();
        server.app.save_safety_plan(&ana, &plan).await.unwrap();

        // Signing in without a destination: a therapist starts at the caseload.
        let client = browser();
        let (_, page) = get(&client, &format!("{}/sign-in", server.url)).await;
        let signed = client
            .post(format!("{}/sign-in", server.url))
            .form(&[
                ("csrf", csrf_in(&page).as_str()),
                ("email", "dr.lee@example.org"),
                ("password", PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(signed.status(), 303);
        assert_eq!(signed.headers()["location"], "/care");
        let (_, caseload) = get(&client, &format!("{}/care", server.url)).await;
        assert!(caseload.contains("Shares: everything"));
        assert!(caseload.contains("href=\"/care\" aria-current=\"page\""));

        let person = format!("{}/care/people/{}", server.url, ana.id);
        let (_, safety) = get(&client, &format!("{person}/safety")).await;
        assert!(safety.contains("Their warning signs"), "{safety}");
        assert!(!safety.contains("My warning signs"));
        let (_, overview) = get(&client, &person).await;
        assert!(overview.contains("Safety alerts and their safety plan"));
        assert!(!overview.contains("API"), "no talk of the API on pages");

        // A one-off homework needs no last day.
        let (_, form) = get(&client, &format!("{person}/homework")).await;
        let assigned = client
            .post(format!("{person}/homework"))
            .form(&[
                ("csrf", csrf_in(&form).as_str()),
                ("kind", "exercise:thought-record"),
                ("start_date", ""),
                ("end_date", ""),
                ("every_days", ""),
                ("note", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(assigned.status(), 303, "{}", assigned.text().await.unwrap());
        let (_, list) = get(&client, &format!("{person}/homework")).await;
        assert!(list.contains("Thought record"));
    })
    .await;
}

#[tokio::test]
async fn an_administrator_can_also_share_their_own_log_with_a_therapist() {
    on_every_backend("frame_admin_shares", |server, _| async move {
        let lee = server.add_user("dr.lee@example.org", Role::Therapist).await;
        let (_, code) = server.app.create_invitation(&lee, "").await.unwrap();
        let admin = signed_in_browser(&server, "admin@example.org").await;
        let (status, join) = get(&admin, &format!("{}/join?code={code}", server.url)).await;
        assert_eq!(status, 200, "the admin may open the join page");
        let joined = admin
            .post(format!("{}/join", server.url))
            .form(&[
                ("csrf", csrf_in(&join).as_str()),
                ("code", code.as_str()),
                ("categories", "log"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(joined.status(), 303);
        let caseload = server.app.caseload(&lee, "127.0.0.1").await.unwrap();
        assert_eq!(caseload.len(), 1);
        assert_eq!(caseload[0].email, "admin@example.org");
    })
    .await;
}

#[tokio::test]
async fn a_finished_exercise_opens_as_a_record_with_an_edit_button() {
    on_every_backend("frame_record", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let def = enough_domain::toolkit::catalogue()
            .exercise("defusion")
            .unwrap();
        let answers = enough_domain::toolkit::Answers::from_json(
            def,
            &serde_json::json!({"thought": "I must never make a mistake at work or anywhere else",
                "believability-before": 80, "rewrite": "I notice the thought",
                "believability-after": 40}),
        )
        .unwrap();
        let saved = server
            .app
            .save_exercise(
                &ana,
                None,
                enough_app::ExerciseSubmission {
                    kind: "defusion".into(),
                    date: server.app.today(&ana).to_string(),
                    status: "done".into(),
                    answers,
                },
            )
            .await
            .unwrap();
        let id = saved.record.id;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let entry = format!("{}/toolkit/entries/{id}", server.url);
        let (_, record) = get(&client, &entry).await;
        assert!(record.contains("I must never make a mistake at work or anywhere else"));
        assert!(!record.contains("<form method=\"post\" action=\"/toolkit/entries/"));
        assert!(record.contains(&format!("href=\"/toolkit/entries/{id}?edit=1\">Edit")));
        let (_, form) = get(&client, &format!("{entry}?edit=1")).await;
        assert!(form.contains(&format!("action=\"/toolkit/entries/{id}\"")));
        assert!(
            form.contains("<textarea id=\"field-thought\""),
            "a long answer gets a text area"
        );
    })
    .await;
}

#[tokio::test]
async fn the_values_exercise_is_rated_with_buttons_not_typed() {
    on_every_backend("frame_values", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (status, page) = get(&client, &format!("{}/toolkit/values/new", server.url)).await;
        assert_eq!(status, 200);
        assert!(page.contains("type=\"radio\""));
        assert!(
            !page.contains(".importance\" value=\"\" inputmode"),
            "no typed ratings"
        );
        assert!(!page.contains("My what matters"), "wording");
    })
    .await;
}
