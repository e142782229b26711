//! The therapist's side through the pages: invite, join with chosen categories, the caseload,
//! a person's shared views, "who looked at my data", and access ending on the next request.

use crate::common::{csrf_in, get, on_every_backend, signed_in_browser};
use enough_domain::account::Role;

fn code_in(page: &str) -> String {
    let marker = "id=\"invitation-code\">";
    let start = page.find(marker).expect("the new code is shown") + marker.len();
    let end = start + page[start..].find('<').unwrap();
    page[start..end].to_owned()
}

#[tokio::test]
async fn a_therapist_invites_the_person_chooses_what_to_share_and_sees_every_look() {
    on_every_backend("care_flow", |server, _| async move {
        let base = &server.url;
        let therapist = server.add_user("dr.lee@example.org", Role::Therapist).await;
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let today = server.app.today(&ana);
        let day = enough_domain::day::DayText {
            daylight_hours: "1.5".into(),
            energy: "6".into(),
            mood: "7".into(),
            outside_morning: "yes".into(),
            habits: vec![],
            note: "Walked to work in the low sun".into(),
        };
        let (fields, errors) = day.to_fields();
        server
            .app
            .log_day(&ana, today, fields, errors)
            .await
            .unwrap();

        // The therapist creates an invitation; the code is shown once.
        let dr = signed_in_browser(&server, "dr.lee@example.org").await;
        let (status, caseload) = get(&dr, &format!("{base}/care")).await;
        assert_eq!(status, 200);
        assert!(caseload.contains("No one is linked yet"));
        let created = dr
            .post(format!("{base}/care/invitations"))
            .form(&[
                ("csrf", csrf_in(&caseload).as_str()),
                ("label", "Tuesday 10:00"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 200);
        let code = code_in(&created.text().await.unwrap());

        // Ana joins and shares only her log.
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, join) = get(&client, &format!("{base}/join?code={code}")).await;
        assert!(join.contains("nothing is shared unless you tick it"));
        let joined = client
            .post(format!("{base}/join"))
            .form(&[
                ("csrf", csrf_in(&join).as_str()),
                ("code", code.to_lowercase().as_str()),
                ("categories", "log"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(joined.status(), 303);
        // The code works once.
        let again = client
            .post(format!("{base}/join"))
            .form(&[
                ("csrf", csrf_in(&join).as_str()),
                ("code", code.as_str()),
                ("categories", "log"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 422);
        assert!(again.text().await.unwrap().contains("already used"));

        // The caseload shows adherence but not questionnaires; opening it is logged.
        let (_, caseload) = get(&dr, &format!("{base}/care")).await;
        assert!(caseload.contains("ana@example.org"));
        assert!(
            caseload.contains("1 of the last 7 days logged"),
            "{caseload}"
        );
        assert!(caseload.contains("Questionnaires not shared"));
        let person = format!("{base}/care/people/{}", ana.id);
        let (status, insights) = get(&dr, &format!("{person}/insights")).await;
        assert_eq!(status, 200);
        assert!(
            insights.contains("What patterns do you notice between light and mood"),
            "{insights}"
        );
        assert!(
            !insights.contains("Save my reflection"),
            "read-only for the therapist"
        );
        let (status, _) = get(&dr, &format!("{person}/measures")).await;
        assert_eq!(status, 403, "questionnaires are not shared");
        let (status, _) = get(&dr, &format!("{person}/safety")).await;
        assert_eq!(status, 403);

        let log = server.app.access_log(&ana).await.unwrap();
        assert!(
            log.len() >= 2,
            "the caseload and the insights page were logged"
        );
        assert!(
            log.iter()
                .all(|a| a.viewer_email == "dr.lee@example.org" && a.category == "log")
        );
        let (_, sharing) = get(&client, &format!("{base}/sharing")).await;
        assert!(sharing.contains("Who looked at my data"));
        assert!(sharing.contains("dr.lee@example.org"));

        // Ana adds questionnaires, then ends the link: access stops at once.
        let links = server.app.my_therapists(&ana).await.unwrap();
        let link_id = links[0].link.id;
        let saved = client
            .post(format!("{base}/sharing/{link_id}"))
            .form(&[
                ("csrf", csrf_in(&sharing).as_str()),
                ("categories", "log"),
                ("categories", "questionnaires"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), 303);
        let (status, _) = get(&dr, &format!("{person}/measures")).await;
        assert_eq!(status, 200, "shared from the next request");
        let ended = client
            .post(format!("{base}/sharing/{link_id}/end"))
            .form(&[("csrf", csrf_in(&sharing).as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(ended.status(), 303);
        for path in ["", "/insights", "/measures"] {
            let (status, body) = get(&dr, &format!("{person}{path}")).await;
            assert_eq!(status, 404, "{path} after the link ended");
            assert!(!body.contains("ana@example.org") && !body.contains("Walked to work"));
        }
        let (_, caseload) = get(&dr, &format!("{base}/care")).await;
        assert!(!caseload.contains("ana@example.org"));
        let _ = therapist;
    })
    .await;
}

#[tokio::test]
async fn people_and_admins_have_no_caseload_and_forged_codes_link_nothing() {
    on_every_backend("care_roles", |server, _| async move {
        let base = &server.url;
        server.add_user("ana@example.org", Role::Person).await;
        let ana = signed_in_browser(&server, "ana@example.org").await;
        let (status, _) = get(&ana, &format!("{base}/care")).await;
        assert_eq!(status, 403);
        let admin = signed_in_browser(&server, "admin@example.org").await;
        let (status, _) = get(&admin, &format!("{base}/care")).await;
        assert_eq!(status, 403);

        let (_, join) = get(&ana, &format!("{base}/join")).await;
        for (code, message) in [
            ("ABCD-EFGH-JKMN", "match an invitation"),
            ("short", "12 letters and digits"),
        ] {
            let refused = ana
                .post(format!("{base}/join"))
                .form(&[
                    ("csrf", csrf_in(&join).as_str()),
                    ("code", code),
                    ("categories", "log"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(refused.status(), 422);
            assert!(refused.text().await.unwrap().contains(message), "{code}");
        }
        let me = server.app.me_at_shell("ana@example.org").await.unwrap();
        assert!(server.app.my_therapists(&me).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn an_opened_client_reads_only_shared_categories_and_logs_each_once() {
    on_every_backend("care_client_view", |server, _| async move {
        use enough_app::AppError;
        use enough_domain::care::{Category, Sharing};
        let lee = server.add_user("dr.lee@example.org", Role::Therapist).await;
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let ben = server.add_user("ben@example.org", Role::Person).await;
        let (_, code) = server.app.create_invitation(&lee, "").await.unwrap();
        let log_only = Sharing([Category::Log].into_iter().collect());
        server
            .app
            .accept_invitation(&ana, &code, &log_only)
            .await
            .unwrap();

        // Not linked: not found, whoever they are.
        let unlinked = server.app.open_for(&lee, ben.id, "192.0.2.1").await;
        assert!(matches!(unlinked, Err(AppError::NotFound(_))));
        let as_person = server.app.open_for(&ben, ana.id, "192.0.2.1").await;
        assert!(matches!(as_person, Err(AppError::NotFound(_))));

        let client = server
            .app
            .open_for(&lee, ana.id, "192.0.2.1")
            .await
            .unwrap();
        assert!(
            server.app.access_log(&ana).await.unwrap().is_empty(),
            "opening reads nothing, so logs nothing"
        );
        for refused in [
            client.questionnaires().await.map(|_| ()),
            client.reflections().await.map(|_| ()),
            client.safety().await.map(|_| ()),
        ] {
            assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
        }
        assert!(server.app.access_log(&ana).await.unwrap().is_empty());
        client.days(None, None).await.unwrap();
        client.insights(None, None).await.unwrap();
        let log = server.app.access_log(&ana).await.unwrap();
        assert_eq!(log.len(), 1, "one row per category per view: {log:?}");
        assert_eq!(log[0].category, "log");
        assert_eq!(log[0].viewer_email, "dr.lee@example.org");
        assert_eq!(log[0].address, "192.0.2.1");
    })
    .await;
}
