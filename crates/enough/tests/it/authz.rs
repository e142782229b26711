//! Who may read what on the therapist's side: every care endpoint, HTML and API, against every
//! kind of caller, on every backend; consent changes that bite on the next request; invitation
//! codes that must not link; and a therapist who cannot write a person's entries.

use crate::common::{TestServer, browser, csrf_in, on_every_backend, signed_in_browser};
use enough_app::Me;
use enough_domain::account::Role;
use enough_store::{AccessRecord, AccessRecordId, NewInvitation};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

const NOTE: &str = "Private note about the harbour at dawn";
const REFLECTION: &str = "Private reflection on resting without a list";
const CBT_TEXT: &str = "Private situation the report felt like a verdict";
const ACT_TEXT: &str = "Private action phone my sister";
const PLAN_LINE: &str = "Private plan line walk the pier with Niamh";

/// Every private text with the category that shares it.
const PRIVATE: [(&str, &str); 5] = [
    (NOTE, "log"),
    (REFLECTION, "reflections"),
    (CBT_TEXT, "exercises:cbt"),
    (ACT_TEXT, "exercises:act"),
    (PLAN_LINE, "safety"),
];

const P_EMAIL: &str = "pat.private@example.org";
const UNKNOWN_PERSON: i64 = 987_654_321;

/// One caller: anonymous, or an account with a token and a signed-in browser.
struct Actor {
    name: &'static str,
    user: Option<Me>,
    token: Option<String>,
    browser: reqwest::Client,
}

impl Actor {
    async fn new(server: &TestServer, name: &'static str, email: &str, role: Role) -> Actor {
        let user = server.add_user(email, role).await;
        let token = server.token_for(&user).await;
        Actor {
            name,
            browser: signed_in_browser(server, email).await,
            user: Some(user),
            token: Some(token),
        }
    }

    fn anonymous() -> Actor {
        Actor {
            name: "anonymous",
            user: None,
            token: None,
            browser: browser(),
        }
    }

    fn email(&self) -> &str {
        self.user.as_ref().map(|u| u.email.as_str()).unwrap_or("")
    }
}

/// A response: status, body and `Location`.
struct Reply {
    status: u16,
    body: String,
    location: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

async fn send(
    server: &TestServer,
    actor: &Actor,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Reply {
    let url = format!("{}{path}", server.url);
    let client = if path.starts_with("/api/") {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    } else {
        actor.browser.clone()
    };
    let mut request = client.request(method.parse().unwrap(), &url);
    if path.starts_with("/api/")
        && let Some(token) = &actor.token
    {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Reply {
        status,
        location,
        body: response.text().await.unwrap(),
    }
}

async fn api(server: &TestServer, actor: &Actor, method: &str, path: &str, body: Value) -> Reply {
    send(server, actor, method, path, Some(body)).await
}

async fn fetch(server: &TestServer, actor: &Actor, path: &str) -> Reply {
    send(server, actor, "GET", path, None).await
}

/// Posts a form from `actor`'s browser with a valid CSRF token.
async fn post_form(
    server: &TestServer,
    actor: &Actor,
    path: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let page = fetch(server, actor, "/settings/profile").await;
    let csrf = csrf_in(&page.body);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let response = actor
        .browser
        .post(format!("{}{path}", server.url))
        .form(&all)
        .send()
        .await
        .unwrap();
    Reply {
        status: response.status().as_u16(),
        location: response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        body: response.text().await.unwrap(),
    }
}

/// A response body without the request's id (which differs on every request by design).
fn without_request_id(body: &str) -> String {
    let mut out = body.to_owned();
    for (marker, end) in [("\"request_id\":\"", '"'), ("mention: ", '<')] {
        if let Some(start) = out.find(marker).map(|i| i + marker.len())
            && let Some(len) = out[start..].find(end)
        {
            out.replace_range(start..start + len, "");
        }
    }
    out
}

/// The therapist invites, the person accepts sharing `categories`; returns the link id.
async fn link(server: &TestServer, therapist: &Actor, person: &Actor, categories: &[&str]) -> i64 {
    let invitation = api(
        server,
        therapist,
        "POST",
        "/api/v1/care/invitations",
        json!({"label": "first session"}),
    )
    .await;
    assert_eq!(invitation.status, 201, "{}", invitation.body);
    let code = invitation.json()["code"].as_str().unwrap().to_owned();
    let joined = api(
        server,
        person,
        "POST",
        "/api/v1/care/join",
        json!({"code": code, "categories": categories}),
    )
    .await;
    assert_eq!(joined.status, 201, "{}", joined.body);
    assert_eq!(joined.json()["therapist"], therapist.email());
    joined.json()["id"].as_i64().unwrap()
}

/// P with data in every category (a day, a reflection, a CBT and an ACT exercise, a PHQ-9
/// whose item 9 records a safety event, a safety plan).
async fn person_with_everything(server: &TestServer) -> Actor {
    let p = Actor::new(server, "P (owner)", P_EMAIL, Role::Person).await;
    let date = server
        .app
        .today(p.user.as_ref().unwrap())
        .pred_opt()
        .unwrap()
        .to_string();
    let writes = [
        (
            "PUT",
            format!("/api/v1/days/{date}"),
            json!({"daylight_hours": 3, "energy": 5, "mood": 6, "outside_morning": true, "note": NOTE}),
        ),
        (
            "PUT",
            format!("/api/v1/reflections/{date}"),
            json!({"text": REFLECTION}),
        ),
        (
            "POST",
            "/api/v1/exercises".to_owned(),
            json!({"kind": "thought-record", "date": date, "status": "draft", "answers": {"situation": CBT_TEXT}}),
        ),
        (
            "POST",
            "/api/v1/exercises".to_owned(),
            json!({"kind": "committed-action", "date": date, "status": "draft", "answers": {"action": ACT_TEXT}}),
        ),
        (
            "POST",
            "/api/v1/measures/phq-9/responses".to_owned(),
            json!({"client_id": "p-1", "answers": [1, 1, 2, 1, 1, 1, 1, 1, 1]}),
        ),
        (
            "PUT",
            "/api/v1/safety-plan".to_owned(),
            json!({"reasons_for_living": [PLAN_LINE]}),
        ),
    ];
    for (method, path, body) in writes {
        let reply = api(server, &p, method, &path, body).await;
        assert!(
            reply.status == 200 || reply.status == 201,
            "{path}: {}",
            reply.body
        );
    }
    let events = server
        .app
        .safety_events(p.user.as_ref().unwrap())
        .await
        .unwrap();
    assert_eq!(events.len(), 1, "the PHQ-9 item 9 answer is a safety event");
    p
}

/// Everyone of the matrix.
struct World {
    p: Actor,
    t1: Actor,
    t2: Actor,
    t3: Actor,
    t4: Actor,
    q: Actor,
    a: Actor,
    anonymous: Actor,
    t1_link: i64,
}

/// What T1 and T2 are given.
const T1_SHARES: [&str; 3] = ["log", "exercises:cbt", "safety"];
const T2_SHARES: [&str; 1] = ["exercises:act"];

async fn world(server: &TestServer) -> World {
    let p = person_with_everything(server).await;
    let t1 = Actor::new(
        server,
        "T1 (shares some)",
        "t1@example.org",
        Role::Therapist,
    )
    .await;
    let t2 = Actor::new(
        server,
        "T2 (other category)",
        "t2@example.org",
        Role::Therapist,
    )
    .await;
    let t3 = Actor::new(server, "T3 (unlinked)", "t3@example.org", Role::Therapist).await;
    let t4 = Actor::new(server, "T4 (link ended)", "t4@example.org", Role::Therapist).await;
    let q = Actor::new(server, "Q (other person)", "q@example.org", Role::Person).await;
    let a = Actor::new(server, "A (admin)", "a@example.org", Role::Admin).await;
    let t1_link = link(server, &t1, &p, &T1_SHARES).await;
    link(server, &t2, &p, &T2_SHARES).await;
    let all: Vec<String> = enough_domain::care::Category::all()
        .into_iter()
        .map(|c| c.key())
        .collect();
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let t4_link = link(server, &t4, &p, &all).await;
    let ended = api(
        server,
        &p,
        "POST",
        &format!("/api/v1/care/links/{t4_link}/end"),
        json!({}),
    )
    .await;
    assert_eq!(ended.status, 204, "{}", ended.body);
    World {
        p,
        t1,
        t2,
        t3,
        t4,
        q,
        a,
        anonymous: Actor::anonymous(),
        t1_link,
    }
}

impl World {
    fn actors(&self) -> [&Actor; 8] {
        [
            &self.anonymous,
            &self.p,
            &self.t1,
            &self.t2,
            &self.t3,
            &self.t4,
            &self.q,
            &self.a,
        ]
    }

    fn p_id(&self) -> enough_domain::PersonId {
        self.p.user.as_ref().unwrap().id
    }

    /// What `actor` is shared by P through an active link (None: no active link).
    fn shared_with(&self, actor: &Actor) -> Option<BTreeSet<&'static str>> {
        match actor.name {
            n if n == self.t1.name => Some(T1_SHARES.into_iter().collect()),
            n if n == self.t2.name => Some(T2_SHARES.into_iter().collect()),
            _ => None,
        }
    }
}

/// What an endpoint needs from the link.
#[derive(Debug, Clone, Copy)]
enum Need {
    /// An active link only (what is shared; no data read, nothing logged).
    Link,
    /// This category.
    Category(&'static str),
    /// The log, or else reflections (the HTML insights page).
    LogOrReflections,
    /// Any exercise category (the API's exercises without `?approach`).
    AnyExercises,
}

/// One endpoint that shows a person's data to someone else.
struct PersonEndpoint {
    path: &'static str,
    need: Need,
    /// Private text a 200 must contain.
    shows: Option<&'static str>,
}

#[rustfmt::skip]
const PERSON_ENDPOINTS: [PersonEndpoint; 15] = [
    PersonEndpoint { path: "/care/people/{P}", need: Need::Link, shows: None },
    PersonEndpoint { path: "/care/people/{P}/insights", need: Need::LogOrReflections, shows: None },
    PersonEndpoint { path: "/care/people/{P}/exercises/cbt", need: Need::Category("exercises:cbt"), shows: Some(CBT_TEXT) },
    PersonEndpoint { path: "/care/people/{P}/exercises/act", need: Need::Category("exercises:act"), shows: Some(ACT_TEXT) },
    PersonEndpoint { path: "/care/people/{P}/measures", need: Need::Category("questionnaires"), shows: None },
    PersonEndpoint { path: "/care/people/{P}/safety", need: Need::Category("safety"), shows: Some(PLAN_LINE) },
    PersonEndpoint { path: "/api/v1/care/people/{P}", need: Need::Link, shows: None },
    PersonEndpoint { path: "/api/v1/care/people/{P}/days", need: Need::Category("log"), shows: Some(NOTE) },
    PersonEndpoint { path: "/api/v1/care/people/{P}/insights/light-mood", need: Need::Category("log"), shows: None },
    PersonEndpoint { path: "/api/v1/care/people/{P}/reflections", need: Need::Category("reflections"), shows: Some(REFLECTION) },
    PersonEndpoint { path: "/api/v1/care/people/{P}/exercises?approach=cbt", need: Need::Category("exercises:cbt"), shows: Some(CBT_TEXT) },
    PersonEndpoint { path: "/api/v1/care/people/{P}/exercises?approach=act", need: Need::Category("exercises:act"), shows: Some(ACT_TEXT) },
    PersonEndpoint { path: "/api/v1/care/people/{P}/exercises", need: Need::AnyExercises, shows: None },
    PersonEndpoint { path: "/api/v1/care/people/{P}/measures", need: Need::Category("questionnaires"), shows: None },
    PersonEndpoint { path: "/api/v1/care/people/{P}/safety", need: Need::Category("safety"), shows: Some(PLAN_LINE) },
];

/// The categories an endpoint may log for a viewer who shares `shared`, or None when it must
/// be refused with 403.
fn allowed(need: Need, shared: &BTreeSet<&'static str>) -> Option<BTreeSet<&'static str>> {
    match need {
        Need::Link => Some(BTreeSet::new()),
        Need::Category(c) => shared.contains(c).then(|| [c].into_iter().collect()),
        Need::LogOrReflections => {
            let s: BTreeSet<_> = shared
                .iter()
                .copied()
                .filter(|c| *c == "log" || *c == "reflections")
                .collect();
            (!s.is_empty()).then_some(s)
        }
        Need::AnyExercises => {
            let s: BTreeSet<_> = shared
                .iter()
                .copied()
                .filter(|c| c.starts_with("exercises:"))
                .collect();
            (!s.is_empty()).then_some(s)
        }
    }
}

async fn log_of(server: &TestServer, p: &Actor) -> Vec<AccessRecord> {
    server
        .app
        .access_log(p.user.as_ref().unwrap())
        .await
        .unwrap()
}

fn new_rows(before: &[AccessRecord], after: &[AccessRecord]) -> Vec<AccessRecord> {
    let old: BTreeSet<AccessRecordId> = before.iter().map(|r| r.id).collect();
    after
        .iter()
        .filter(|r| !old.contains(&r.id))
        .cloned()
        .collect()
}

/// A refusal says nothing about P: not their address, none of their words.
fn assert_nothing_leaks(what: &str, body: &str) {
    assert!(!body.contains(P_EMAIL), "{what}: the body names P: {body}");
    for (text, _) in PRIVATE {
        assert!(
            !body.contains(text),
            "{what}: the body shows P's words: {body}"
        );
    }
}

#[tokio::test]
async fn every_care_endpoint_answers_every_caller_as_consent_says() {
    on_every_backend("authz_matrix", |server, _| async move {
        let w = world(&server).await;
        let p_id = w.p_id();
        let mut checked = 0;

        // ---- a person's data, seen by someone else ----
        for endpoint in &PERSON_ENDPOINTS {
            let path = endpoint.path.replace("{P}", &p_id.to_string());
            let html = !path.starts_with("/api/");
            for actor in w.actors() {
                let what = format!("{} GET {path}", actor.name);
                let before = log_of(&server, &w.p).await;
                let reply = fetch(&server, actor, &path).await;
                let rows = new_rows(&before, &log_of(&server, &w.p).await);
                checked += 1;
                if actor.user.is_none() {
                    if html {
                        assert_eq!(reply.status, 303, "{what}");
                        assert!(
                            reply.location.starts_with("/sign-in"),
                            "{what}: {}",
                            reply.location
                        );
                    } else {
                        assert_eq!(reply.status, 401, "{what}");
                    }
                    assert!(rows.is_empty(), "{what}: logged without a reader");
                    continue;
                }
                let expected = w
                    .shared_with(actor)
                    .map(|shared| allowed(endpoint.need, &shared));
                match expected {
                    // No active link (P themself, Q, A, T3, T4): not found, and the same
                    // answer as for a person who does not exist.
                    None => {
                        assert_eq!(reply.status, 404, "{what}: {}", reply.body);
                        let unknown = endpoint.path.replace("{P}", &UNKNOWN_PERSON.to_string());
                        let other = fetch(&server, actor, &unknown).await;
                        assert_eq!(other.status, 404, "{what} (unknown person)");
                        assert_eq!(
                            without_request_id(&other.body),
                            without_request_id(&reply.body),
                            "{what}: 404 tells whether P exists"
                        );
                    }
                    Some(None) => assert_eq!(reply.status, 403, "{what}: {}", reply.body),
                    Some(Some(categories)) => {
                        assert_eq!(reply.status, 200, "{what}: {}", reply.body);
                        let logged: BTreeSet<&str> =
                            rows.iter().map(|r| r.category.as_str()).collect();
                        assert_eq!(logged, categories, "{what}: the access log");
                        for row in &rows {
                            assert_eq!(row.viewer_email, actor.email(), "{what}");
                            assert_eq!(row.viewer_id, actor.user.as_ref().map(|u| u.id));
                            assert!(!row.address.is_empty(), "{what}: the address is logged");
                        }
                        if let Some(text) = endpoint.shows {
                            assert!(reply.body.contains(text), "{what}: shows the data");
                        }
                        let shared = w.shared_with(actor).unwrap();
                        for (text, category) in PRIVATE {
                            if !shared.contains(category) {
                                assert!(
                                    !reply.body.contains(text),
                                    "{what}: shows unshared {category}"
                                );
                            }
                        }
                        continue;
                    }
                }
                assert!(rows.is_empty(), "{what}: a refused read was logged");
                assert_nothing_leaks(&what, &reply.body);
            }
        }

        // ---- therapists' own tools ----
        let therapist_only: [(&str, &str, Option<Value>); 4] = [
            ("GET", "/care", None),
            ("GET", "/api/v1/care/invitations", None),
            ("GET", "/api/v1/care/caseload", None),
            (
                "POST",
                "/api/v1/care/invitations",
                Some(json!({"label": "matrix"})),
            ),
        ];
        for (method, path, body) in &therapist_only {
            for actor in w.actors() {
                let what = format!("{} {method} {path}", actor.name);
                let reply = send(&server, actor, method, path, body.clone()).await;
                checked += 1;
                let is_therapist = actor
                    .user
                    .as_ref()
                    .is_some_and(|u| u.role == Role::Therapist);
                let expected = match (
                    actor.user.is_some(),
                    path.starts_with("/api/"),
                    is_therapist,
                ) {
                    (false, false, _) => 303,
                    (false, true, _) => 401,
                    (true, _, false) => 403,
                    (true, _, true) if *method == "POST" => 201,
                    (true, _, true) => 200,
                };
                assert_eq!(reply.status, expected, "{what}: {}", reply.body);
                if reply.status >= 400 {
                    assert_nothing_leaks(&what, &reply.body);
                }
                let sees_p = reply.body.contains(P_EMAIL);
                let linked = w.shared_with(actor).is_some();
                if path.contains("caseload") || *path == "/care" {
                    assert_eq!(
                        sees_p, linked,
                        "{what}: P is on the caseload only while linked"
                    );
                }
            }
        }

        // The caseload shows only what is shared: null is "not shared".
        let caseload = fetch(&server, &w.t1, "/api/v1/care/caseload").await.json();
        let row = &caseload["people"][0];
        assert_eq!(row["person_id"], p_id.get());
        assert_eq!(row["categories"], json!(T1_SHARES));
        assert_eq!(row["adherence"]["last_7"], 1);
        assert_eq!(
            row["scores"],
            Value::Null,
            "questionnaires are not shared with T1"
        );
        assert_eq!(row["alerts"]["count"], 1);
        let caseload = fetch(&server, &w.t2, "/api/v1/care/caseload").await.json();
        let row = &caseload["people"][0];
        assert_eq!(
            (
                row["adherence"].clone(),
                row["scores"].clone(),
                row["alerts"].clone()
            ),
            (Value::Null, Value::Null, Value::Null)
        );

        // ---- everyone's own side: their links, their access log, their own entries ----
        let own: [&str; 11] = [
            "/sharing",
            "/join",
            "/api/v1/care/links",
            "/api/v1/care/access-log",
            "/api/v1/days",
            "/api/v1/reflections",
            "/api/v1/exercises",
            "/api/v1/measures/phq-9/responses",
            "/api/v1/safety-plan",
            "/history",
            "/toolkit/journal",
        ];
        for path in own {
            for actor in w.actors() {
                let what = format!("{} GET {path}", actor.name);
                let before = log_of(&server, &w.p).await;
                let reply = fetch(&server, actor, path).await;
                checked += 1;
                assert!(
                    new_rows(&before, &log_of(&server, &w.p).await).is_empty(),
                    "{what}: logged"
                );
                match (&actor.user, path.starts_with("/api/")) {
                    (None, false) => assert_eq!(reply.status, 303, "{what}"),
                    (None, true) => assert_eq!(reply.status, 401, "{what}"),
                    (Some(_), _) => assert_eq!(reply.status, 200, "{what}: {}", reply.body),
                }
                if actor.name != w.p.name {
                    for (text, _) in PRIVATE {
                        assert!(!reply.body.contains(text), "{what}: shows P's words");
                    }
                } else if path == "/api/v1/days" {
                    assert!(reply.body.contains(NOTE), "{what}: P reads their own day");
                }
            }
        }
        // P sees who looked, with the category.
        let log = fetch(&server, &w.p, "/api/v1/care/access-log").await.json();
        let entries = log["entries"].as_array().unwrap();
        assert!(
            entries
                .iter()
                .any(|e| e["viewer"] == w.t1.email() && e["category"] == "log")
        );
        assert!(
            entries
                .iter()
                .all(|e| e["viewer"] != w.t3.email() && e["viewer"] != w.a.email())
        );

        // ---- changing someone else's consent: nobody but P can ----
        let links = format!("/api/v1/care/links/{}", w.t1_link);
        for actor in [&w.t1, &w.t2, &w.t3, &w.q, &w.a] {
            let what = format!("{} on P's link", actor.name);
            let widen = api(
                &server,
                actor,
                "PUT",
                &links,
                json!({"categories": ["log", "reflections", "questionnaires"]}),
            )
            .await;
            assert_eq!(widen.status, 404, "{what}: PUT {}", widen.body);
            assert_nothing_leaks(&what, &widen.body);
            let form = post_form(
                &server,
                actor,
                &format!("/sharing/{}", w.t1_link),
                &[("categories", "reflections")],
            )
            .await;
            assert_eq!(form.status, 404, "{what}: POST /sharing/{{id}}");
            if actor.name != w.t1.name {
                let end = api(&server, actor, "POST", &format!("{links}/end"), json!({})).await;
                assert_eq!(end.status, 404, "{what}: end {}", end.body);
                let end =
                    post_form(&server, actor, &format!("/sharing/{}/end", w.t1_link), &[]).await;
                assert_eq!(end.status, 404, "{what}: POST /sharing/{{id}}/end");
            }
            checked += 4;
        }
        let still = fetch(&server, &w.t1, &format!("/api/v1/care/people/{p_id}")).await;
        assert_eq!(
            still.json()["categories"],
            json!(T1_SHARES),
            "nobody else changed P's consent"
        );
        assert_eq!(
            fetch(
                &server,
                &w.t1,
                &format!("/api/v1/care/people/{p_id}/reflections")
            )
            .await
            .status,
            403
        );

        // Anonymous forms go to sign in.
        for path in [
            "/care/invitations",
            "/care/invitations/1/revoke",
            "/join",
            "/sharing/1",
            "/sharing/1/end",
        ] {
            let reply = w
                .anonymous
                .browser
                .post(format!("{}{path}", server.url))
                .form(&[("csrf", "x")])
                .send()
                .await
                .unwrap();
            assert_eq!(reply.status(), 303, "anonymous POST {path}");
            checked += 1;
        }
        // Invitations are the therapist's own.
        let t1_invitations = fetch(&server, &w.t1, "/api/v1/care/invitations")
            .await
            .json();
        let open_id = t1_invitations["invitations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["state"] == "open")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        for actor in [&w.t2, &w.p, &w.a] {
            let reply = api(
                &server,
                actor,
                "POST",
                &format!("/api/v1/care/invitations/{open_id}/revoke"),
                json!({}),
            )
            .await;
            assert!(
                reply.status == 404 || reply.status == 403,
                "{} revokes T1's invitation: {}",
                actor.name,
                reply.status
            );
            checked += 1;
        }
        let revoked = api(
            &server,
            &w.t1,
            "POST",
            &format!("/api/v1/care/invitations/{open_id}/revoke"),
            json!({}),
        )
        .await;
        assert_eq!(revoked.status, 204, "{}", revoked.body);

        println!("authorisation matrix: {checked} checks");
    })
    .await;
}

#[tokio::test]
async fn access_ends_on_the_next_request_after_consent_changes() {
    on_every_backend("authz_consent_changes", |server, _| async move {
        let p = person_with_everything(&server).await;
        let t = Actor::new(&server, "T", "t@example.org", Role::Therapist).await;
        let id = p.user.as_ref().unwrap().id;
        let link_id = link(&server, &t, &p, &["log", "safety"]).await;
        let days = format!("/api/v1/care/people/{id}/days");
        let safety = format!("/api/v1/care/people/{id}/safety");
        assert_eq!(fetch(&server, &t, &days).await.status, 200);
        assert_eq!(
            fetch(&server, &t, &format!("/care/people/{id}/insights"))
                .await
                .status,
            200
        );

        // Untick the log through the API: the very next request is refused.
        let changed = api(
            &server,
            &p,
            "PUT",
            &format!("/api/v1/care/links/{link_id}"),
            json!({"categories": ["safety"]}),
        )
        .await;
        assert_eq!(changed.status, 200, "{}", changed.body);
        assert_eq!(changed.json()["categories"], json!(["safety"]));
        let before = log_of(&server, &p).await.len();
        let refused = fetch(&server, &t, &days).await;
        assert_eq!(refused.status, 403);
        assert_nothing_leaks("after unticking", &refused.body);
        assert_eq!(
            fetch(&server, &t, &format!("/care/people/{id}/insights"))
                .await
                .status,
            403
        );
        assert_eq!(
            log_of(&server, &p).await.len(),
            before,
            "refusals are not reads"
        );
        assert_eq!(fetch(&server, &t, &safety).await.status, 200);

        // Untick safety (tick the log) through the sharing page.
        let form = post_form(
            &server,
            &p,
            &format!("/sharing/{link_id}"),
            &[("categories", "log")],
        )
        .await;
        assert_eq!(form.status, 303);
        assert_eq!(fetch(&server, &t, &safety).await.status, 403);
        assert_eq!(
            fetch(&server, &t, &format!("/care/people/{id}/safety"))
                .await
                .status,
            403
        );
        assert_eq!(fetch(&server, &t, &days).await.status, 200);

        // End the link through the sharing page: everything is gone at once.
        let ended = post_form(&server, &p, &format!("/sharing/{link_id}/end"), &[]).await;
        assert_eq!(ended.status, 303);
        for path in [
            days.clone(),
            format!("/api/v1/care/people/{id}"),
            format!("/care/people/{id}"),
            format!("/care/people/{id}/insights"),
        ] {
            let reply = fetch(&server, &t, &path).await;
            assert_eq!(reply.status, 404, "after the end: {path}");
            assert_nothing_leaks(&path, &reply.body);
        }
        let caseload = fetch(&server, &t, "/api/v1/care/caseload").await.json();
        assert_eq!(caseload["people"], json!([]));
        // An ended link cannot be widened again.
        let reopen = api(
            &server,
            &p,
            "PUT",
            &format!("/api/v1/care/links/{link_id}"),
            json!({"categories": ["log"]}),
        )
        .await;
        assert_eq!(reopen.status, 404);
        assert_eq!(fetch(&server, &t, &days).await.status, 404);
        let links = fetch(&server, &p, "/api/v1/care/links").await.json();
        assert!(links["links"][0]["ended_at"].is_i64(), "{links}");

        // The therapist's side can end a link too.
        let again = link(&server, &t, &p, &["log"]).await;
        assert_eq!(fetch(&server, &t, &days).await.status, 200);
        let ended = api(
            &server,
            &t,
            "POST",
            &format!("/api/v1/care/links/{again}/end"),
            json!({}),
        )
        .await;
        assert_eq!(ended.status, 204);
        assert_eq!(fetch(&server, &t, &days).await.status, 404);
    })
    .await;
}

fn code_hash(code: &str) -> String {
    let normalised: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    Sha256::digest(normalised.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The single field named in a 422 and its message.
fn refusal(reply: &Reply) -> (String, String) {
    assert_eq!(reply.status, 422, "{}", reply.body);
    let body = reply.json();
    let fields = body["error"]["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{body}");
    (
        fields[0]["field"].as_str().unwrap().to_owned(),
        fields[0]["message"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn expired_reused_and_forged_codes_are_refused_and_link_nothing() {
    on_every_backend("authz_invitation_codes", |server, _| async move {
        let t = Actor::new(&server, "T", "t@example.org", Role::Therapist).await;
        let p = Actor::new(&server, "P", "p@example.org", Role::Person).await;
        let q = Actor::new(&server, "Q", "q@example.org", Role::Person).await;
        let a = Actor::new(&server, "A", "a@example.org", Role::Admin).await;
        let join = |code: &str| json!({"code": code, "categories": ["log"]});

        // Expired: written straight to the store, a week and a bit ago.
        let now = server.app.now().timestamp();
        server
            .store
            .create_invitation(&NewInvitation {
                therapist_id: t.user.as_ref().unwrap().id,
                code_hash: code_hash("EXPI-REDC-ODE2"),
                label: "old".to_owned(),
                created_at: now - 10 * 86_400,
                expires_at: now - 3 * 86_400,
            })
            .await
            .unwrap();
        let reply = api(
            &server,
            &p,
            "POST",
            "/api/v1/care/join",
            join("expi-redc-ode2"),
        )
        .await;
        let (field, message) = refusal(&reply);
        assert_eq!(field, "code");
        assert!(message.contains("expired"), "{message}");

        // Forged, malformed and withdrawn codes.
        let reply = api(
            &server,
            &p,
            "POST",
            "/api/v1/care/join",
            join("ZZZZ-ZZZZ-ZZZZ"),
        )
        .await;
        let (field, message) = refusal(&reply);
        assert_eq!(field, "code");
        assert!(message.contains("doesn't match"), "{message}");
        let (field, message) =
            refusal(&api(&server, &p, "POST", "/api/v1/care/join", join("ABC")).await);
        assert_eq!(field, "code");
        assert!(message.contains("12 letters"), "{message}");
        let withdrawn = api(
            &server,
            &t,
            "POST",
            "/api/v1/care/invitations",
            json!({"label": "x"}),
        )
        .await
        .json();
        let revoked = api(
            &server,
            &t,
            "POST",
            &format!("/api/v1/care/invitations/{}/revoke", withdrawn["id"]),
            json!({}),
        )
        .await;
        assert_eq!(revoked.status, 204);
        let (_, message) = refusal(
            &api(
                &server,
                &p,
                "POST",
                "/api/v1/care/join",
                join(withdrawn["code"].as_str().unwrap()),
            )
            .await,
        );
        assert!(message.contains("doesn't match"), "{message}");

        // A forged code through the HTML form: the page says so, no link.
        let page = post_form(
            &server,
            &p,
            "/join",
            &[("code", "YYYY-YYYY-YYYY"), ("categories", "log")],
        )
        .await;
        assert_eq!(page.status, 422);
        assert!(
            page.body.contains("match an invitation"),
            "the form explains"
        );

        // A fresh code for P; a therapist cannot accept their own.
        let fresh = api(
            &server,
            &t,
            "POST",
            "/api/v1/care/invitations",
            json!({"label": "fresh"}),
        )
        .await
        .json();
        let code = fresh["code"].as_str().unwrap().to_owned();
        let (_, message) =
            refusal(&api(&server, &t, "POST", "/api/v1/care/join", join(&code)).await);
        assert!(message.contains("own invitation"), "{message}");

        // Nothing so far made a link.
        assert_eq!(
            fetch(&server, &p, "/api/v1/care/links").await.json()["links"],
            json!([])
        );
        assert_eq!(
            fetch(&server, &t, "/api/v1/care/caseload").await.json()["people"],
            json!([])
        );

        // Used once, then reused.
        let joined = api(&server, &p, "POST", "/api/v1/care/join", join(&code)).await;
        assert_eq!(joined.status, 201, "{}", joined.body);
        let (field, message) =
            refusal(&api(&server, &q, "POST", "/api/v1/care/join", join(&code)).await);
        assert_eq!(field, "code");
        assert!(message.contains("already used"), "{message}");
        assert_eq!(
            fetch(&server, &q, "/api/v1/care/links").await.json()["links"],
            json!([])
        );
        let caseload = fetch(&server, &t, "/api/v1/care/caseload").await.json();
        assert_eq!(
            caseload["people"].as_array().unwrap().len(),
            1,
            "only P is linked"
        );
        let invitations = fetch(&server, &t, "/api/v1/care/invitations").await.json();
        let states: Vec<&str> = invitations["invitations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["state"].as_str().unwrap())
            .collect();
        assert!(
            states.contains(&"expired")
                && states.contains(&"withdrawn")
                && states.contains(&"accepted"),
            "{states:?}"
        );

        // Roles are capabilities: the administrator keeps a log of their own and can share it
        // with a therapist like anyone (they still read no one else's).
        let for_admin = api(
            &server,
            &t,
            "POST",
            "/api/v1/care/invitations",
            json!({"label": "admin"}),
        )
        .await
        .json();
        let joined = api(
            &server,
            &a,
            "POST",
            "/api/v1/care/join",
            join(for_admin["code"].as_str().unwrap()),
        )
        .await;
        assert_eq!(joined.status, 201, "{}", joined.body);
        let caseload = fetch(&server, &t, "/api/v1/care/caseload").await.json();
        assert_eq!(caseload["people"].as_array().unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn bad_input_names_its_field() {
    on_every_backend("authz_bad_input", |server, _| async move {
        let t = Actor::new(&server, "T", "t@example.org", Role::Therapist).await;
        let p = Actor::new(&server, "P", "p@example.org", Role::Person).await;
        let cases = [
            (&t, "/api/v1/care/invitations", json!({"label": 5}), "label"),
            (
                &t,
                "/api/v1/care/invitations",
                json!({"label": "x".repeat(81)}),
                "label",
            ),
            (
                &t,
                "/api/v1/care/invitations",
                json!({"lable": "typo"}),
                "lable",
            ),
            (
                &p,
                "/api/v1/care/join",
                json!({"categories": ["log"]}),
                "code",
            ),
            (
                &p,
                "/api/v1/care/join",
                json!({"code": "ABCD-EFGH-JKLM"}),
                "categories",
            ),
            (
                &p,
                "/api/v1/care/join",
                json!({"code": "ABCD-EFGH-JKLM", "categories": "log"}),
                "categories",
            ),
            (
                &p,
                "/api/v1/care/join",
                json!({"code": "ABCD-EFGH-JKLM", "categories": ["log", "passwords"]}),
                "categories",
            ),
            (
                &p,
                "/api/v1/care/join",
                json!({"code": 12, "categories": [3]}),
                "code",
            ),
        ];
        for (actor, path, body, field) in cases {
            let reply = api(&server, actor, "POST", path, body.clone()).await;
            assert_eq!(reply.status, 422, "{body}: {}", reply.body);
            let fields: Vec<String> = reply.json()["error"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["field"].as_str().unwrap().to_owned())
                .collect();
            assert!(fields.contains(&field.to_owned()), "{body}: {fields:?}");
        }
        let link_id = link(&server, &t, &p, &["log"]).await;
        let reply = api(
            &server,
            &p,
            "PUT",
            &format!("/api/v1/care/links/{link_id}"),
            json!({"categories": ["log", 3]}),
        )
        .await;
        assert_eq!(refusal(&reply).0, "categories");
        let links = fetch(&server, &p, "/api/v1/care/links").await.json();
        assert_eq!(
            links["links"][0]["categories"],
            json!(["log"]),
            "a refused change changes nothing"
        );
        let reply = send(&server, &p, "POST", "/api/v1/care/join", None).await;
        assert_eq!(reply.status, 400, "no body: {}", reply.body);
        let reply = fetch(
            &server,
            &t,
            "/api/v1/care/people/1/exercises?approach=juggling",
        )
        .await;
        assert_eq!(reply.status, 422);
        let reply = fetch(
            &server,
            &t,
            &format!(
                "/api/v1/care/people/{}/exercises?approach=cbt",
                p.user.as_ref().unwrap().id
            ),
        )
        .await;
        assert_eq!(reply.status, 403, "linked, exercises not shared");
        let reply = fetch(
            &server,
            &t,
            &format!(
                "/api/v1/care/people/{}/exercises",
                p.user.as_ref().unwrap().id
            ),
        )
        .await;
        assert_eq!(reply.status, 403, "no approach shared at all");
        let spec = fetch(&server, &p, "/api/v1/openapi.json").await.json();
        for path in [
            "/api/v1/care/join",
            "/api/v1/care/people/{id}/safety",
            "/api/v1/care/caseload",
            "/api/v1/care/access-log",
        ] {
            assert!(spec["paths"][path].is_object(), "{path} is documented");
        }
    })
    .await;
}

#[tokio::test]
async fn a_therapist_writes_only_their_own_entries() {
    on_every_backend("authz_no_writes", |server, _| async move {
        let p = person_with_everything(&server).await;
        let t = Actor::new(&server, "T", "t@example.org", Role::Therapist).await;
        link(&server, &t, &p, &["log", "reflections", "safety"]).await;
        let person = p.user.as_ref().unwrap();
        let date = server.app.today(person).pred_opt().unwrap().to_string();
        let day = format!("/api/v1/days/{date}");
        let p_day = fetch(&server, &p, &day).await.body;

        let written = api(&server, &t, "PUT", &day, json!({"daylight_hours": 1, "energy": 1, "mood": 1, "outside_morning": false, "note": "Written by the therapist"})).await;
        assert_eq!(written.status, 201, "a day of T's own: {}", written.body);
        assert_eq!(fetch(&server, &p, &day).await.body, p_day, "P's day unchanged");
        let t_days = fetch(&server, &t, "/api/v1/days").await.json();
        assert_eq!(t_days["days"].as_array().unwrap().len(), 1);
        assert_eq!(t_days["days"][0]["note"], "Written by the therapist");
        let deleted = send(&server, &t, "DELETE", &day, None).await;
        assert_eq!(deleted.status, 204);
        assert_eq!(fetch(&server, &p, &day).await.body, p_day, "P's day still there");
        let reflection = api(&server, &t, "PUT", &format!("/api/v1/reflections/{date}"), json!({"text": "T's words"})).await;
        assert_eq!(reflection.status, 200);
        let p_reflections = fetch(&server, &p, "/api/v1/reflections").await.body;
        assert!(p_reflections.contains(REFLECTION) && !p_reflections.contains("T's words"));

        // Nor can P's entries be reached by their ids.
        let exercise = fetch(&server, &p, "/api/v1/exercises").await.json()["exercises"][0]["id"].as_i64().unwrap();
        let response = fetch(&server, &p, "/api/v1/measures/phq-9/responses").await.json()["responses"][0]["id"].as_i64().unwrap();
        let by_id = [
            ("GET", format!("/api/v1/exercises/{exercise}"), None),
            ("PUT", format!("/api/v1/exercises/{exercise}"), Some(json!({"date": date, "status": "draft", "answers": {}}))),
            ("DELETE", format!("/api/v1/exercises/{exercise}"), None),
            ("DELETE", format!("/api/v1/measures/phq-9/responses/{response}"), None),
            ("GET", format!("/api/v1/measures/phq-9/responses/{response}/fhir"), None),
            ("GET", format!("/toolkit/entries/{exercise}"), None),
            ("GET", format!("/measures/phq-9/result/{response}"), None),
        ];
        for (method, path, body) in by_id {
            let reply = send(&server, &t, method, &path, body).await;
            assert_eq!(reply.status, 404, "T {method} {path}: {}", reply.body);
            assert_nothing_leaks(&path, &reply.body);
        }
        let p_exercises = fetch(&server, &p, "/api/v1/exercises").await.body;
        assert!(p_exercises.contains(CBT_TEXT) && p_exercises.contains(ACT_TEXT));
        let p_responses = fetch(&server, &p, "/api/v1/measures/phq-9/responses").await.json();
        assert_eq!(p_responses["responses"].as_array().unwrap().len(), 1);

        // The care endpoints only read.
        let id = person.id;
        for (method, path) in [
            ("PUT", format!("/api/v1/care/people/{id}/days")),
            ("POST", format!("/api/v1/care/people/{id}/reflections")),
            ("PUT", format!("/api/v1/care/people/{id}/safety")),
            ("DELETE", format!("/api/v1/care/people/{id}")),
        ] {
            let reply = api(&server, &t, method, &path, json!({"text": "overwrite"})).await;
            assert_eq!(reply.status, 405, "{method} {path}");
        }
        let p_days = fetch(&server, &p, "/api/v1/days").await.json();
        assert_eq!(p_days["days"].as_array().unwrap().len(), 1);
        assert_eq!(p_days["days"][0]["note"], NOTE);
    })
    .await;
}
