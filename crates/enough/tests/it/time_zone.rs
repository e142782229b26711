//! The time zone is chosen from a list of places, never typed: at first-visit setup, at sign-up
//! and in settings. Without a choice the list asks for one (nothing is guessed as UTC), and a
//! zone that is not real is refused with the field named, changing nothing.

use crate::common::{
    FreshDb, PASSWORD, TestServer, backends, browser, csrf_in, get, on_every_backend,
    signed_in_browser,
};
use enough_domain::account::Role;

fn is_a_list(page: &str) {
    assert!(
        page.contains("<select id=\"field-time_zone\" name=\"time_zone\""),
        "a list"
    );
    assert!(
        !page.contains("name=\"time_zone\" type=\"text\""),
        "no text box"
    );
    assert!(
        page.contains("<optgroup label=\"Europe\">"),
        "grouped by region"
    );
    assert!(page.contains("<option value=\"Europe/London\">London (Europe/London)</option>"));
}

#[tokio::test]
async fn setup_and_sign_up_offer_a_list_of_places_and_ask_when_none_is_chosen() {
    for backend in backends("time_zone_setup") {
        let db = FreshDb::new(backend).await;
        let server = TestServer::start(db.store().await).await;
        let client = browser();
        let (_, page) = get(&client, &format!("{}/setup", server.url)).await;
        is_a_list(&page);
        assert!(
            page.contains("<option value=\"\" selected>Choose your time zone…</option>"),
            "nothing is preselected as UTC"
        );
        assert!(
            page.contains("data-detect-time-zone=\"replace\""),
            "the browser fills it in"
        );
        let r = client
            .post(format!("{}/setup", server.url))
            .form(&[
                ("csrf", csrf_in(&page).as_str()),
                ("email", "root@example.org"),
                ("password", PASSWORD),
                ("time_zone", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap();
        assert!(
            body.contains("Please choose your time zone"),
            "the field is named"
        );
        assert!(body.contains("root@example.org"), "the input is kept");
        assert!(
            server.app.list_users().await.unwrap().is_empty(),
            "nothing created"
        );
        let r = client
            .post(format!("{}/setup", server.url))
            .form(&[
                ("csrf", csrf_in(&body).as_str()),
                ("email", "root@example.org"),
                ("password", PASSWORD),
                ("time_zone", "Europe/London"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let users = server.app.list_users().await.unwrap();
        assert_eq!(users[0].time_zone.name(), "Europe/London");
        drop(server);
        db.finish().await;
    }
}

#[tokio::test]
async fn settings_show_the_zone_as_a_place_and_refuse_one_that_is_not_real() {
    on_every_backend("time_zone_settings", |server, _| async move {
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let (_, page) = get(&client, &format!("{}/settings/profile", server.url)).await;
        is_a_list(&page.replace(
            "<option value=\"Europe/London\" selected>",
            "<option value=\"Europe/London\">",
        ));
        let before = ana.time_zone;
        let r = client
            .post(format!("{}/settings/time-zone", server.url))
            .form(&[("csrf", csrf_in(&page).as_str()), ("time_zone", "Mars/Olympus_Mons")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap();
        assert!(body.contains("is not a time zone we know"), "{body}");
        let after = server.app.list_users().await.unwrap();
        let ana_now = after.iter().find(|u| u.email == "ana@example.org").unwrap();
        assert_eq!(ana_now.time_zone, before, "nothing changed");
        let r = client
            .post(format!("{}/settings/time-zone", server.url))
            .form(&[("csrf", csrf_in(&page).as_str()), ("time_zone", "America/Argentina/Buenos_Aires")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, page) = get(&client, &format!("{}/settings/profile", server.url)).await;
        assert!(page.contains("midnight in <strong>Buenos Aires (America/Argentina/Buenos_Aires)</strong>"));
        assert!(page.contains(
            "<option value=\"America/Argentina/Buenos_Aires\" selected>Buenos Aires (America/Argentina/Buenos_Aires)</option>"
        ));
    })
    .await;
}
