//! Every page, as a person, a therapist, an administrator and someone signed out would see it,
//! on a small phone (360×740) and a laptop (1280×800), in light and dark: nothing scrolls
//! sideways, every primary button is at least 44 px high, and axe-core finds no violation.
//! The pages are found by following the links on them, from each role's start pages.
//! Set `ENOUGH_SCREENSHOTS=DIR` to keep a screenshot of every page (light): the whole page at
//! phone width (`crawl-…`) and the first screen on a laptop (`wide-…`).
//! axe-core is a test asset only (`assets/axe.min.js`, see `assets/README.md`).

use crate::browser::{Driver, Screen, cdp, launch_chromium, sign_in, start_driver};
use crate::common::{FreshDb, TestServer};
use enough_domain::account::Role;
use fantoccini::Client;
use std::collections::{BTreeSet, VecDeque};

const AXE: &str = include_str!("assets/axe.min.js");

/// (name, width, height, mobile)
const SIZES: [(&str, u32, u32, bool); 2] = [("phone", 360, 740, true), ("wide", 1280, 800, false)];

/// At most this many distinct pages per role (the crawl stops there; the test says so).
const MAX_PAGES: usize = 70;

/// Paths never opened: downloads, feeds, the API and assets.
fn skipped(path: &str) -> bool {
    [
        "/export",
        "/calendar/",
        "/api/",
        "/assets/",
        "/manifest",
        "/favicon",
        "/healthz",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

/// One pattern per kind of page: ids and dates become `N`, so /days/2026-03-01 and
/// /days/2026-03-02 are opened once.
fn pattern(path: &str) -> String {
    let mut out = String::new();
    let mut in_number = false;
    for c in path.chars() {
        if c.is_ascii_digit() || (in_number && c == '-') {
            if !in_number {
                out.push('N');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

async fn set_size(client: &Client, width: u32, height: u32, mobile: bool) {
    cdp(
        client,
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({"width": width, "height": height,
            "deviceScaleFactor": if mobile { 2 } else { 1 }, "mobile": mobile}),
    )
    .await;
}

async fn set_dark(client: &Client, dark: bool) {
    cdp(
        client,
        "Emulation.setEmulatedMedia",
        // Reduced motion: no colour transition is caught half-way by the contrast check.
        serde_json::json!({"features": [{"name": "prefers-color-scheme",
            "value": if dark { "dark" } else { "light" }},
            {"name": "prefers-reduced-motion", "value": "reduce"}]}),
    )
    .await;
}

/// Same-origin links on the page, as paths without query or fragment.
async fn links(client: &Client) -> Vec<String> {
    let found = client
        .execute(
            "return Array.from(document.querySelectorAll('a[href]'))\
               .filter(function (a) { return !a.hasAttribute('download') && a.origin === location.origin; })\
               .map(function (a) { return a.pathname; })",
            vec![],
        )
        .await
        .unwrap();
    found
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// What is wrong with the page as it is now shown, in words (empty when nothing).
/// One rule is off on one page: the timer's reload (`meta-refresh`) is the timer the person
/// started, at the time they chose, with a link to stop it; without JavaScript it is the only
/// way to say "time's up".
async fn problems(client: &Client, at: &str) -> Vec<String> {
    let mut found = Vec::new();
    let layout = client
        .execute(
            "var wide = document.scrollingElement.scrollWidth, screen = window.innerWidth;\
             var small = Array.from(document.querySelectorAll(\
               'button:not(.link-button):not([hidden]), .button, input[type=submit]'))\
               .filter(function (b) { return b.getClientRects().length > 0 && getComputedStyle(b).visibility !== 'hidden'; })\
               .map(function (b) { return [b.textContent.trim().slice(0, 40), b.getBoundingClientRect().height]; })\
               .filter(function (p) { return p[1] < 44; });\
             return [wide, screen, small];",
            vec![],
        )
        .await
        .unwrap();
    let (wide, screen) = (layout[0].as_f64().unwrap(), layout[1].as_f64().unwrap());
    if wide > screen {
        found.push(format!("{at}: {wide}px wide on a {screen}px screen"));
    }
    for b in layout[2].as_array().unwrap() {
        found.push(format!("{at}: the button {} is {}px high", b[0], b[1]));
    }
    let axe = client
        .execute_async(
            "var done = arguments[arguments.length - 1];\
             var rules = location.pathname === '/toolkit/timer' ? {'meta-refresh': {enabled: false}} : {};\
             axe.run(document, {resultTypes: ['violations'], rules: rules}).then(function (r) {\
               done(r.violations.map(function (v) {\
                 return v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(function (n) {\
                   return n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('');\
                 }).join(' | ');\
               }));\
             }, function (e) { done(['axe failed: ' + e]); });",
            vec![],
        )
        .await
        .unwrap();
    for v in axe.as_array().unwrap() {
        found.push(format!("{at}: axe {}", v.as_str().unwrap_or_default()));
    }
    found
}

/// Opens every page reachable from `seeds` at both sizes and both colour schemes; returns
/// (pages visited, problems found).
/// Pages whose pattern is in `seen` (opened as an earlier role) are not opened again, except
/// the role's own `seeds`.
async fn crawl(
    client: &Client,
    base: &str,
    role: &str,
    seeds: &[&str],
    seen: &mut BTreeSet<String>,
) -> (usize, Vec<String>) {
    let mut queue: VecDeque<String> = seeds.iter().map(|s| (*s).to_owned()).collect();
    seen.extend(queue.iter().map(|p| pattern(p)));
    let mut problems_found = Vec::new();
    let mut visited = 0;
    let shots = std::env::var("ENOUGH_SCREENSHOTS").ok();
    while let Some(path) = queue.pop_front() {
        if visited >= MAX_PAGES {
            eprintln!(
                "crawl ({role}): stopped at {MAX_PAGES} pages; {} left",
                queue.len()
            );
            break;
        }
        visited += 1;
        for (size, width, height, mobile) in SIZES {
            set_size(client, width, height, mobile).await;
            set_dark(client, false).await;
            client.goto(&format!("{base}{path}")).await.unwrap();
            // Chromium may drop the override when a fresh browser opens its first site.
            set_size(client, width, height, mobile).await;
            let inner = client
                .execute("return window.innerWidth", vec![])
                .await
                .unwrap()
                .as_f64()
                .unwrap_or_default();
            // A phone widens its layout to fit content that is too wide; that is overflow too.
            if inner != f64::from(width) {
                problems_found.push(format!(
                    "{role} {path} at {size}: laid out {inner}px wide on a {width}px screen"
                ));
            }
            if size == "phone" {
                for link in links(client).await {
                    if !skipped(&link) && seen.insert(pattern(&link)) {
                        queue.push_back(link);
                    }
                }
                if let Some(dir) = &shots {
                    // The whole page, up to 4,000 px, at phone width.
                    let tall = client
                        .execute("return document.scrollingElement.scrollHeight", vec![])
                        .await
                        .unwrap()
                        .as_f64()
                        .unwrap_or(740.0)
                        .clamp(740.0, 4000.0) as u32;
                    set_size(client, width, tall, mobile).await;
                    std::fs::create_dir_all(dir).unwrap();
                    let name = format!("{role}{}", path.replace('/', "_"));
                    let png = client.screenshot().await.unwrap();
                    std::fs::write(format!("{dir}/crawl-{name}.png"), png).unwrap();
                    set_size(client, width, height, mobile).await;
                }
            }
            if size == "wide"
                && let Some(dir) = &shots
            {
                let name = format!("{role}{}", path.replace('/', "_"));
                let png = client.screenshot().await.unwrap();
                std::fs::write(format!("{dir}/wide-{name}.png"), png).unwrap();
            }
            for dark in [false, true] {
                set_dark(client, dark).await;
                let at = format!(
                    "{role} {path} at {size} {}",
                    if dark { "dark" } else { "light" }
                );
                problems_found.extend(problems(client, &at).await);
            }
        }
    }
    (visited, problems_found)
}

/// A person with a few weeks of days, an exercise, a safety plan, a programme, an experiment
/// and homework; a therapist they share everything with, who looked; an administrator who
/// logs days too.
async fn a_full_server(server: &TestServer) {
    let ana = server.add_user("ana@example.org", Role::Person).await;
    let lee = server.add_user("dr.lee@example.org", Role::Therapist).await;
    let admin = server.app.me_at_shell("admin@example.org").await.unwrap();
    crate::insights::seed_days(server, &ana, 30, 2).await;
    crate::insights::seed_days(server, &admin, 5, 0).await;
    let today = server.app.today(&ana);
    server
        .app
        .save_reflection(&ana, &today.to_string(), "Mornings outside help a bit.")
        .await
        .unwrap();
    let def = enough_domain::toolkit::catalogue()
        .exercise("defusion")
        .unwrap();
    let answers = enough_domain::toolkit::Answers::from_json(
        def,
        &serde_json::json!({"thought": "I am a failure", "believability-before": 80,
            "rewrite": "I notice I'm having the thought that I am a failure",
            "believability-after": 40}),
    )
    .unwrap();
    server
        .app
        .save_exercise(
            &ana,
            None,
            enough_app::ExerciseSubmission {
                kind: "defusion".into(),
                date: today.to_string(),
                status: "done".into(),
                answers,
            },
        )
        .await
        .unwrap();
    let plan = enough_domain::safety::plan::SafetyPlan::from_form([
        ("people_to_ask", "My sister"),
        ("warning_signs", "Staying in bed past noon"),
    ])
    .unwrap();
    server.app.save_safety_plan(&ana, &plan).await.unwrap();
    server
        .app
        .start_programme(&ana, "winter-light")
        .await
        .unwrap();
    server.app.start_experiment(&ana, "4").await.unwrap();
    // Two WHO-5 check-ins, for the results and history pages.
    for (n, answers) in [(1, [2u8, 2, 3, 1, 2]), (2, [3, 3, 3, 2, 3])] {
        let answers = enough_domain::measures::Responses(answers.map(Some).to_vec());
        server
            .app
            .submit(
                &ana,
                "who-5",
                &format!("crawl-{n}"),
                &answers,
                enough_domain::ValidationErrors::default(),
            )
            .await
            .unwrap();
    }
    let all: Vec<String> = enough_domain::care::Category::all()
        .into_iter()
        .map(|c| c.key())
        .collect();
    let sharing = enough_domain::care::Sharing::from_stored(&all.join(" "));
    for person in [&ana, &admin] {
        let (_, code) = server.app.create_invitation(&lee, "").await.unwrap();
        server
            .app
            .accept_invitation(person, &code, &sharing)
            .await
            .unwrap();
    }
    server
        .app
        .assign_homework(
            &lee,
            ana.id,
            &enough_domain::homework::AssignmentText {
                kind: "exercise:thought-record".into(),
                note: "One is plenty.".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // The therapist looked a few times (the same page again, too), for "who looked".
    for _ in 0..2 {
        let client = server
            .app
            .open_for(&lee, ana.id, "192.0.2.7")
            .await
            .unwrap();
        client.insights(None, None).await.unwrap();
    }
    let client = server
        .app
        .open_for(&lee, ana.id, "192.0.2.7")
        .await
        .unwrap();
    client.safety().await.unwrap();
    server.app.set_sign_up_open_from_shell(true).await.unwrap();
}

#[tokio::test]
async fn every_page_fits_a_phone_and_a_laptop_in_light_and_dark_with_no_axe_violations() {
    let Some(driver) = start_driver().await else {
        return;
    };
    // The pages, not the stores, are under test here: SQLite alone keeps the crawl short.
    let db = FreshDb::new(crate::common::Backend::Sqlite).await;
    let server = TestServer::start(db.store().await).await;
    server.add_user("admin@example.org", Role::Admin).await;
    a_full_server(&server).await;
    let base = server.url.clone();
    let mut all = Vec::new();
    let mut pages = 0;
    let mut seen = BTreeSet::new();
    // The person first: their pages have the most in them.
    for (role, email, seeds) in [
        (
            "person",
            Some("ana@example.org"),
            &["/", "/more", "/settings", "/toolkit", "/sharing"][..],
        ),
        (
            "therapist",
            Some("dr.lee@example.org"),
            &["/care", "/more", "/"][..],
        ),
        (
            "admin",
            Some("admin@example.org"),
            &["/settings/server", "/more", "/sharing"][..],
        ),
        ("anonymous", None, &["/sign-in", "/sign-up", "/crisis"][..]),
    ] {
        let client = start(&driver).await;
        if let Some(email) = email {
            sign_in(&client, &base, email).await;
        }
        let (visited, found) = crawl(&client, &base, role, seeds, &mut seen).await;
        eprintln!("crawl ({role}): {visited} pages, {} problems", found.len());
        pages += visited;
        all.extend(found);
        client.close().await.unwrap();
    }
    assert!(pages >= 40, "the crawl found only {pages} pages");
    assert!(
        all.is_empty(),
        "{} problems:\n{}",
        all.len(),
        all.join("\n")
    );
    drop(server);
    db.finish().await;
}

/// Chromium with axe-core added to every page it opens (through DevTools, so the page's own
/// Content-Security-Policy is untouched).
async fn start(driver: &Driver) -> Client {
    // No chromedriver mobile emulation: the crawl sets each screen size itself.
    let client = launch_chromium(driver, Screen::SetPerPage, None).await;
    cdp(
        &client,
        "Page.addScriptToEvaluateOnNewDocument",
        serde_json::json!({"source": AXE}),
    )
    .await;
    client
}
