//! The real page in headless Chromium: sign up, sign in, log a day, see it in the history.
//! Skipped (saying so) where chromedriver is not installed, unless `ENOUGH_REQUIRE_BROWSER=1`
//! (set by `.ci/run`, which installs it).
//! Set `ENOUGH_SCREENSHOTS=DIR` to keep phone-sized screenshots of each step.

use crate::common::{PASSWORD, on_every_backend};
use enough_domain::account::Role;
use fantoccini::{Client, ClientBuilder, Locator};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub(crate) struct Driver {
    _process: Child,
    pub(crate) url: String,
}

pub(crate) async fn start_driver() -> Option<Driver> {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(
            std::env::var("ENOUGH_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "browser test: ENOUGH_REQUIRE_BROWSER=1 but {CHROMEDRIVER} is not installed"
        );
        eprintln!(
            "skipping browser test: {CHROMEDRIVER} not found (apt-get install chromium chromium-driver)"
        );
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let process = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some(Driver {
                _process: process,
                url,
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

pub(crate) async fn chromium(driver: &Driver) -> Client {
    launch_chromium(driver, Screen::Phone, None).await
}

/// The screen Chromium starts with.
pub(crate) enum Screen {
    /// A 390×844 phone (chromedriver's mobile emulation).
    Phone,
    /// A desktop window of this width and height.
    Window(u32, u32),
    /// No emulation: the test sets each size itself through DevTools, and scrollbars are hidden
    /// so that none takes width from the page.
    SetPerPage,
}

/// Headless Chromium under `driver`; with `lang` (e.g. "en-GB,en") it sends that
/// `Accept-Language` and runs in that locale.
pub(crate) async fn launch_chromium(driver: &Driver, screen: Screen, lang: Option<&str>) -> Client {
    let profile = tempfile::tempdir().unwrap().keep();
    let mut args = vec![
        "--headless=new".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--no-first-run".to_owned(),
    ];
    let mut options = serde_json::json!({"binary": "/usr/bin/chromium"});
    match screen {
        Screen::Phone => {
            options["mobileEmulation"] = serde_json::json!(
                {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2.0}}
            );
        }
        Screen::Window(width, height) => args.push(format!("--window-size={width},{height}")),
        Screen::SetPerPage => args.push("--hide-scrollbars".to_owned()),
    }
    if let Some(lang) = lang {
        args.push(format!("--lang={}", lang.split(',').next().unwrap_or(lang)));
        options["prefs"] = serde_json::json!({"intl.accept_languages": lang});
    }
    args.push(format!("--user-data-dir={}", profile.display()));
    options["args"] = serde_json::json!(args);
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".to_owned(), options);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("chromium starts under chromedriver")
}

/// Runs a Chrome DevTools command on the page.
pub(crate) async fn cdp(client: &Client, cmd: &str, params: serde_json::Value) {
    client
        .issue_cmd(Cdp(serde_json::json!({"cmd": cmd, "params": params})))
        .await
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
}

pub(crate) async fn screenshot(client: &Client, name: &str) {
    if let Ok(dir) = std::env::var("ENOUGH_SCREENSHOTS") {
        std::fs::create_dir_all(&dir).unwrap();
        let png = client.screenshot().await.unwrap();
        std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
    }
}

pub(crate) async fn fill(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Clicks an element after scrolling it to the middle of the screen, as a person would before
/// tapping (the phone's tab bar covers the bottom edge).
pub(crate) async fn click(client: &Client, locator: Locator<'_>) {
    let element = client.find(locator).await.unwrap();
    client
        .execute(
            "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})",
            vec![serde_json::to_value(&element).unwrap()],
        )
        .await
        .unwrap();
    element.click().await.unwrap();
}

pub(crate) async fn wait_for(client: &Client, css: &str) {
    client.wait().for_element(Locator::Css(css)).await.unwrap();
}

/// Signs in through the real form and waits for the page behind it.
pub(crate) async fn sign_in(client: &Client, base: &str, email: &str) {
    client.goto(&format!("{base}/sign-in")).await.unwrap();
    fill(client, "#field-email", email).await;
    fill(client, "#field-password", PASSWORD).await;
    click(client, Locator::Css("form.card button[type=submit]")).await;
    wait_for(client, "nav.tabbar a[href='/more']").await;
}

/// Taps More in the tab bar, then the item with this name.
async fn from_more(client: &Client, item: &str) {
    click(client, Locator::Css("nav.tabbar a[href='/more']")).await;
    let xpath = format!("//ul[@class='menu']//a[strong[normalize-space()=\"{item}\"]]");
    click(client, Locator::XPath(&xpath)).await;
}

/// Signs out from the More page, where the button lives.
async fn sign_out(client: &Client, base: &str) {
    client.goto(&format!("{base}/more")).await.unwrap();
    press(client, "Sign out").await;
}

/// Clicks the button with this text.
pub(crate) async fn press(client: &Client, label: &str) {
    let xpath = format!("//button[normalize-space()=\"{label}\"]");
    click(client, Locator::XPath(&xpath)).await;
}

/// Waits until the page's text contains `text` (after a form submit replaced the page).
pub(crate) async fn wait_text(client: &Client, text: &str) -> String {
    for _ in 0..100 {
        if let Ok(body) = client.find(Locator::Css("body")).await
            && let Ok(t) = body.text().await
            && t.contains(text)
        {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never showed {text:?}");
}

pub(crate) async fn body_text(client: &Client) -> String {
    client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Nothing on the page is wider than the phone's screen (no sideways scrolling).
pub(crate) async fn fits_the_phone(client: &Client, page: &str) {
    let widths = client
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth]",
            vec![],
        )
        .await
        .unwrap();
    let (scroll, inner) = (widths[0].as_f64().unwrap(), widths[1].as_f64().unwrap());
    assert!(
        scroll <= inner,
        "{page} is {scroll}px wide on a {inner}px screen"
    );
}

async fn choose(client: &Client, name: &str, value: &str) {
    let xpath = format!("//input[@name='{name}' and @value='{value}']/following-sibling::span");
    click(client, Locator::XPath(&xpath)).await;
}

#[tokio::test]
async fn a_person_signs_up_signs_in_logs_a_day_and_finds_it_in_history() {
    let Some(driver) = start_driver().await else {
        return;
    };
    on_every_backend("browser", |server, backend| {
        let driver = &driver;
        async move {
            let browser = chromium(driver).await;
            let base = &server.url;

            // Sign-up is closed by default once an account exists; the admin opens it.
            server.app.set_sign_up_open_from_shell(true).await.unwrap();
            // The device is in Dublin: the time zone is taken from it, nobody types a code.
            browser
                .issue_cmd(Cdp(serde_json::json!({
                    "cmd": "Emulation.setTimezoneOverride",
                    "params": {"timezoneId": "Europe/Dublin"}})))
                .await
                .unwrap();
            browser.goto(&format!("{base}/sign-up")).await.unwrap();
            screenshot(&browser, "1-sign-up").await;
            let zone = browser
                .execute(
                    "var s = document.getElementById('field-time_zone'); \
                     return [s.tagName, s.value, s.options[s.selectedIndex].text];",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(
                zone,
                serde_json::json!(["SELECT", "Europe/Dublin", "Dublin (Europe/Dublin)"]),
                "a list, set to the device's zone and shown as a place"
            );
            fill(&browser, "#field-email", "ana@example.org").await;
            fill(&browser, "#field-password", PASSWORD).await;
            click(&browser, Locator::Css("form.card button[type=submit]")).await;
            wait_for(&browser, "#field-daylight_hours").await;
            assert!(
                body_text(&browser).await.contains("Today, "),
                "signed up and on today's page"
            );

            sign_out(&browser, base).await;
            wait_for(&browser, "#field-email").await;
            sign_in(&browser, base, "ana@example.org").await;

            // A wrong value is named and what was typed is kept.
            fill(&browser, "#field-note", "Frost on the grass").await;
            fill(&browser, "#field-daylight_hours", "two").await;
            press(&browser, "Save").await;
            wait_for(&browser, ".error-summary").await;
            let text = body_text(&browser).await;
            assert!(
                text.contains("Daylight must be a number of hours"),
                "{text}"
            );
            let note = browser
                .find(Locator::Css("#field-note"))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap();
            assert_eq!(note.as_deref(), Some("Frost on the grass"));
            screenshot(&browser, "2-log-errors").await;

            fill(&browser, "#field-daylight_hours", "1.5").await;
            choose(&browser, "mood", "7").await;
            choose(&browser, "energy", "5").await;
            choose(&browser, "outside_morning", "yes").await;
            click(&browser, Locator::XPath("//input[@value='got_outside']")).await;
            fits_the_phone(&browser, "log form").await;
            screenshot(&browser, "3-log-filled").await;
            press(&browser, "Save").await;
            wait_for(&browser, ".flash").await;
            assert!(body_text(&browser).await.contains("Saved"));
            screenshot(&browser, "4-saved").await;

            from_more(&browser, "History").await;
            browser
                .wait()
                .for_url(&url::Url::parse(&format!("{base}/history")).unwrap())
                .await
                .unwrap();
            let history = body_text(&browser).await;
            assert!(history.contains("Frost on the grass"), "{history}");
            assert!(history.contains("Mood 7/10"));
            assert!(history.contains("Daylight 1.5 h"));
            assert!(history.contains("Outside in the morning"));
            fits_the_phone(&browser, "history").await;
            screenshot(&browser, "5-history").await;

            browser
                .goto(&format!("{base}/crisis?country=GB"))
                .await
                .unwrap();
            assert!(body_text(&browser).await.contains("116 123"));
            screenshot(&browser, "6-crisis").await;

            let ana = server.app.me_at_shell("ana@example.org").await.unwrap();
            assert_eq!(ana.role, Role::Person);
            let days = server.app.days(&ana, None, None).await.unwrap();
            assert_eq!(days.len(), 1, "{backend:?}");
            assert_eq!(
                (days[0].mood, days[0].energy, days[0].daylight_quarter_hours),
                (Some(7), Some(5), Some(6))
            );
            browser.close().await.unwrap();
        }
    })
    .await;
}

#[tokio::test]
async fn the_insights_page_shows_sentences_and_charts_in_the_browser() {
    let Some(driver) = start_driver().await else {
        return;
    };
    on_every_backend("browser_insights", |server, _| {
        let driver = &driver;
        async move {
            let ana = server.add_user("ana@example.org", Role::Person).await;
            crate::insights::seed_days(&server, &ana, 60, 2).await;
            let browser = chromium(driver).await;
            browser
                .goto(&format!("{}/sign-in", server.url))
                .await
                .unwrap();
            fill(&browser, "#field-email", "ana@example.org").await;
            fill(&browser, "#field-password", PASSWORD).await;
            click(&browser, Locator::Css("form.card button[type=submit]")).await;
            wait_for(&browser, "#field-daylight_hours").await;
            click(&browser, Locator::LinkText("Insights")).await;
            wait_for(&browser, "#outside-heading").await;
            let text = body_text(&browser).await;
            assert!(
                text.contains("Your mood was") && text.contains("higher on outside mornings"),
                "the headline says the finding in one line: {text}"
            );
            assert!(
                !text.contains("mornings you went outside, your mood averaged"),
                "the numbers are folded away"
            );
            click(
                &browser,
                Locator::Css("section[aria-labelledby=outside-heading] details summary"),
            )
            .await;
            let text = body_text(&browser).await;
            assert!(
                text.contains("mornings you went outside, your mood averaged"),
                "{text}"
            );
            assert!(text.contains("95% interval"));
            let charts = browser.find_all(Locator::Css("svg.chart")).await.unwrap();
            let mut shown = 0;
            for chart in charts {
                let (_, _, width, height) = chart.rectangle().await.unwrap();
                if width == 0.0 {
                    continue; // folded in a card's "How sure is this?"
                }
                shown += 1;
                assert!(
                    width > 300.0 && height > 100.0,
                    "charts are drawn at a readable size"
                );
            }
            assert!(shown >= 5, "a picture per card, {shown} shown");
            fits_the_phone(&browser, "insights").await;
            screenshot(&browser, "7-insights").await;
            browser
                .execute("window.scrollTo(0, 900)", vec![])
                .await
                .unwrap();
            screenshot(&browser, "8-insights-charts").await;

            // Make it an experiment: the plan appears, and fits the phone.
            click(&browser, Locator::LinkText("Start an experiment")).await;
            wait_for(&browser, "#field-weeks").await;
            press(&browser, "Start").await;
            wait_for(&browser, "#active-heading").await;
            let text = body_text(&browser).await;
            assert!(text.contains("Running: 4 weeks"), "{text}");
            fits_the_phone(&browser, "experiment").await;
            screenshot(&browser, "9-experiment").await;
            browser
                .goto(&format!("{}/settings/sessions", server.url))
                .await
                .unwrap();
            fits_the_phone(&browser, "settings").await;
            screenshot(&browser, "10-settings").await;
            browser.close().await.unwrap();
        }
    })
    .await;
}

#[tokio::test]
async fn a_phq9_with_item_9_above_zero_leads_to_irish_crisis_lines_and_the_safety_plan() {
    let Some(driver) = start_driver().await else {
        return;
    };
    on_every_backend("browser_measures_safety", |server, _| {
        let driver = &driver;
        async move {
            let ana = server.add_user("ana@example.org", Role::Person).await;
            server.app.set_country(&ana, "IE").await.unwrap();
            let plan = enough_domain::safety::plan::SafetyPlan::from_form([
                ("warning_signs", "Lying awake going over one mistake"),
                ("coping_alone", "Walk to the harbour and back"),
            ])
            .unwrap();
            server.app.save_safety_plan(&ana, &plan).await.unwrap();

            let browser = chromium(driver).await;
            browser
                .goto(&format!("{}/sign-in", server.url))
                .await
                .unwrap();
            fill(&browser, "#field-email", "ana@example.org").await;
            fill(&browser, "#field-password", PASSWORD).await;
            click(&browser, Locator::Css("form.card button[type=submit]")).await;
            wait_for(&browser, "#field-daylight_hours").await;
            from_more(&browser, "Check-ins").await;
            wait_for(&browser, "#measure-phq-9").await;
            click(&browser, Locator::Css("a.button[href='/measures/phq-9']")).await;
            wait_for(&browser, "form[data-questionnaire]").await;
            for item in 1..=8 {
                let xpath = format!("//input[@name='item{item}' and @value='0']/..");
                click(&browser, Locator::XPath(&xpath)).await;
            }
            let progress = browser
                .find(Locator::Css("#progress"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert_eq!(progress, "8 of 9 answered", "the count follows the answers");
            click(
                &browser,
                Locator::XPath(
                    "//input[@name='item9']/parent::label[normalize-space()='Several days']",
                ),
            )
            .await;
            fits_the_phone(&browser, "questionnaire").await;
            screenshot(&browser, "11-questionnaire").await;
            press(&browser, "Finish").await;
            wait_for(&browser, "#lines-heading").await;
            let url = browser.current_url().await.unwrap();
            assert_eq!(url.path(), "/support");
            let text = body_text(&browser).await;
            assert!(text.contains("Crisis lines — Ireland"), "{text}");
            assert!(text.contains("Samaritans Ireland"));
            assert!(text.contains("116 123"));
            assert!(
                text.contains("Walk to the harbour and back"),
                "their own plan"
            );
            fits_the_phone(&browser, "support").await;
            screenshot(&browser, "12-support").await;
            browser.close().await.unwrap();
        }
    })
    .await;
}

#[tokio::test]
async fn a_person_completes_a_thought_record_and_an_experiment_and_sees_them_in_the_journal() {
    let Some(driver) = start_driver().await else {
        return;
    };
    on_every_backend("browser_toolkit", |server, _| {
        let driver = &driver;
        async move {
            server.add_user("ana@example.org", Role::Person).await;
            let browser = chromium(driver).await;
            let base = &server.url;
            sign_in(&browser, base, "ana@example.org").await;

            click(&browser, Locator::LinkText("Toolkit")).await;
            wait_for(&browser, ".catalogue").await;
            fits_the_phone(&browser, "toolkit").await;
            screenshot(&browser, "t1-toolkit").await;

            // A thought record.
            click(
                &browser,
                Locator::Css("a[href='/toolkit/thought-record/new']"),
            )
            .await;
            wait_for(&browser, "#field-situation").await;
            fill(&browser, "#field-situation", "My report got one comment").await;
            fill(&browser, "#field-thought", "They think my work is sloppy").await;
            fill(&browser, "input[name='emotions.0.name']", "ashamed").await;
            fill(&browser, "input[name='emotions.0.before']", "80").await;
            click(
                &browser,
                Locator::Css("input[name='distortions'][value='mind-reading']"),
            )
            .await;
            fill(
                &browser,
                "#field-evidence-for",
                "The comment was about a typo",
            )
            .await;
            fill(
                &browser,
                "#field-evidence-against",
                "They said the rest was clear",
            )
            .await;
            fill(
                &browser,
                "#field-balanced",
                "One comment on a typo is not a verdict",
            )
            .await;
            fill(&browser, "input[name='emotions.0.after']", "30").await;
            fits_the_phone(&browser, "thought record").await;
            screenshot(&browser, "t2-thought-record").await;
            click(&browser, Locator::Css("button[name=status][value=done]")).await;
            wait_for(&browser, ".flash").await;
            assert!(body_text(&browser).await.contains("Saved"));

            // A behavioural experiment: plan now, finish later.
            browser
                .goto(&format!("{base}/toolkit/behavioural-experiment/new"))
                .await
                .unwrap();
            wait_for(&browser, "#field-belief").await;
            fill(
                &browser,
                "#field-belief",
                "If I leave a typo, people will think less of me",
            )
            .await;
            fill(&browser, "#field-belief-before", "75").await;
            fill(
                &browser,
                "#field-prediction",
                "Someone will point it out and I'll feel awful",
            )
            .await;
            fill(&browser, "#field-predicted-badness", "80").await;
            fill(
                &browser,
                "#field-plan",
                "Send Friday's update with one typo",
            )
            .await;
            press(&browser, "Save my plan").await;
            wait_for(&browser, ".flash").await;
            assert!(body_text(&browser).await.contains("Plan saved"));
            // The "afterwards" part is open for a plan.
            fill(&browser, "#field-outcome", "Nobody mentioned it").await;
            fill(&browser, "#field-actual-badness", "10").await;
            fill(
                &browser,
                "#field-learned",
                "My critic guessed far worse than it was",
            )
            .await;
            fill(&browser, "#field-belief-after", "40").await;
            screenshot(&browser, "t3-experiment").await;
            click(&browser, Locator::Css("button[name=status][value=done]")).await;
            // The plan page already shows a notice: wait for the finished record itself.
            wait_for(&browser, "a.button[href$='?edit=1']").await;

            browser
                .goto(&format!("{base}/toolkit/journal"))
                .await
                .unwrap();
            let journal = body_text(&browser).await;
            assert!(journal.contains("Thought record"), "{journal}");
            assert!(journal.contains("Behavioural experiment"));
            assert!(journal.contains("My report got one comment"));
            fits_the_phone(&browser, "journal").await;
            screenshot(&browser, "t4-journal").await;

            browser
                .goto(&format!("{base}/toolkit/progress"))
                .await
                .unwrap();
            let progress = body_text(&browser).await;
            assert!(progress.contains("How accurate is my inner critic?"));
            assert!(progress.contains("1 done"), "{progress}");
            assert!(progress.contains("2 finished exercises"), "{progress}");
            fits_the_phone(&browser, "progress").await;
            screenshot(&browser, "t5-progress").await;
            browser.close().await.unwrap();
        }
    })
    .await;
}

#[tokio::test]
async fn a_person_links_with_a_therapist_who_sees_the_caseload_and_the_person_sees_the_look() {
    let Some(driver) = start_driver().await else {
        return;
    };
    on_every_backend("browser_care", |server, _| {
        let driver = &driver;
        async move {
            let therapist = server.add_user("dr.lee@example.org", Role::Therapist).await;
            let ana = server.add_user("ana@example.org", Role::Person).await;
            let (_, code) = server
                .app
                .create_invitation(&therapist, "Tuesday")
                .await
                .unwrap();
            let base = &server.url;

            let browser = chromium(driver).await;
            sign_in(&browser, base, "ana@example.org").await;
            browser
                .goto(&format!("{base}/join?code={code}"))
                .await
                .unwrap();
            wait_for(&browser, "#field-code").await;
            click(&browser, Locator::Css("input[name=categories][value=log]")).await;
            click(
                &browser,
                Locator::Css("input[name=categories][value=safety]"),
            )
            .await;
            fits_the_phone(&browser, "join").await;
            screenshot(&browser, "c1-join").await;
            click(
                &browser,
                Locator::Css("form[action='/join'] button[type=submit]"),
            )
            .await;
            wait_for(&browser, ".flash").await;
            assert!(body_text(&browser).await.contains("dr.lee@example.org"));
            screenshot(&browser, "c2-sharing").await;

            // The therapist opens the caseload (in the same browser after signing out).
            sign_out(&browser, base).await;
            wait_for(&browser, "#field-email").await;
            sign_in(&browser, base, "dr.lee@example.org").await;
            browser.goto(&format!("{base}/care")).await.unwrap();
            wait_for(&browser, ".caseload").await;
            let caseload = body_text(&browser).await;
            assert!(caseload.contains("ana@example.org"), "{caseload}");
            assert!(caseload.contains("0 of the last 7 days logged"));
            fits_the_phone(&browser, "caseload").await;
            screenshot(&browser, "c3-caseload").await;

            // A new invitation: its code on one line, with a Copy button (JavaScript is on).
            press(&browser, "Create invitation").await;
            wait_for(&browser, "#invitation-code").await;
            let code_box = boxes(&browser, "#invitation-code").await;
            let copy_box = boxes(&browser, "button[data-copy='invitation-code']").await;
            assert!(
                code_box[0].3 < 60.0,
                "the code is on one line: {code_box:?}"
            );
            assert!(
                copy_box[0].3 >= 44.0,
                "the Copy button is shown: {copy_box:?}"
            );
            fits_the_phone(&browser, "invitation").await;
            screenshot(&browser, "c3b-invitation").await;

            let log = server.app.access_log(&ana).await.unwrap();
            assert!(log.iter().any(|a| a.category == "safety"));

            // Ana logs a day; the therapist sees the log but not the unshared questionnaires.
            let day = enough_domain::day::DayText {
                daylight_hours: "2".into(),
                energy: "6".into(),
                mood: "7".into(),
                outside_morning: "yes".into(),
                habits: vec![],
                note: "Sunny walk at lunch".into(),
            };
            let (fields, errors) = day.to_fields();
            let today = server.app.today(&ana);
            server
                .app
                .log_day(&ana, today, fields, errors)
                .await
                .unwrap();
            let person = format!("{base}/care/people/{}", ana.id);
            browser.goto(&format!("{person}/insights")).await.unwrap();
            assert!(body_text(&browser).await.contains("What patterns"));
            browser.goto(&format!("{person}/measures")).await.unwrap();
            let refused = body_text(&browser).await;
            assert!(!refused.contains("PHQ-9"), "{refused}");
            assert!(refused.contains("not shared with you"), "{refused}");
            screenshot(&browser, "c4-not-shared").await;

            // Ana ends the link; the therapist is refused at once.
            browser.goto(base).await.unwrap();
            sign_out(&browser, base).await;
            wait_for(&browser, "#field-email").await;
            sign_in(&browser, base, "ana@example.org").await;
            browser.goto(&format!("{base}/sharing")).await.unwrap();
            assert!(body_text(&browser).await.contains("Who looked at my data"));
            screenshot(&browser, "c5-who-looked").await;
            press(&browser, "End this link").await;
            wait_text(&browser, "The link has ended").await;
            sign_out(&browser, base).await;
            wait_for(&browser, "#field-email").await;
            sign_in(&browser, base, "dr.lee@example.org").await;
            browser.goto(&format!("{person}/insights")).await.unwrap();
            let after = body_text(&browser).await;
            assert!(
                !after.contains("Sunny walk") && !after.contains("What patterns"),
                "{after}"
            );
            browser.close().await.unwrap();
        }
    })
    .await;
}

#[tokio::test]
async fn a_person_plans_an_activity_records_it_and_a_programme_continues_after_a_missed_day() {
    let Some(driver) = start_driver().await else {
        return;
    };
    on_every_backend("browser_steps", |server, _| {
        let driver = &driver;
        async move {
            let ana = server.add_user("ana@example.org", Role::Person).await;
            let base = &server.url;
            let browser = chromium(driver).await;
            sign_in(&browser, base, "ana@example.org").await;

            // Plan something small for today, then record how it went.
            from_more(&browser, "Small steps").await;
            wait_for(&browser, "#field-what").await;
            fill(&browser, "#field-what", "Walk to the bakery in daylight").await;
            click(&browser, Locator::Css("#field-kind option[value=outdoors]")).await;
            click(
                &browser,
                Locator::Css("form[action='/activities'] button[type=submit]"),
            )
            .await;
            wait_for(&browser, ".flash").await;
            fits_the_phone(&browser, "activities").await;
            screenshot(&browser, "s1-week").await;
            click(&browser, Locator::Css(".week-items a")).await;
            wait_for(&browser, "#field-pleasure").await;
            choose(&browser, "done", "yes").await;
            fill(&browser, "#field-pleasure", "7").await;
            fill(&browser, "#field-achievement", "5").await;
            fill(&browser, "#field-mood_before", "4").await;
            fill(&browser, "#field-mood_after", "6").await;
            press(&browser, "Save how it went").await;
            let week = wait_text(&browser, "Recorded").await;
            assert!(week.contains("Walk to the bakery in daylight"), "{week}");
            assert!(week.contains("Done"));
            let done = server.app.activities(&ana, None, None).await.unwrap();
            assert_eq!(done[0].outcome.as_ref().and_then(|o| o.pleasure), Some(7));

            // Start "21 days of good enough" and do day 1.
            browser.goto(&format!("{base}/programmes")).await.unwrap();
            press(&browser, "Start 21 days of good enough").await;
            wait_text(&browser, "Day 1").await;
            press(&browser, "I did today's step").await;
            wait_text(&browser, "Day 2").await;

            // Two days pass without opening it: nothing resets, day 2 is still today's step.
            server.app.advance_clock(chrono::Duration::days(2));
            browser.goto(&format!("{base}/programmes")).await.unwrap();
            let page = body_text(&browser).await;
            assert!(page.contains("Day 2"), "{page}");
            for word in ["missed", "failed", "streak", "behind"] {
                assert!(!page.to_lowercase().contains(word), "{word} in {page}");
            }
            fits_the_phone(&browser, "programmes").await;
            screenshot(&browser, "s2-programme").await;
            // And the home page offers the step too.
            browser.goto(base).await.unwrap();
            assert!(
                body_text(&browser)
                    .await
                    .contains("21 days of good enough, day 2")
            );
            browser.close().await.unwrap();
        }
    })
    .await;
}

/// Chromium whose `Accept-Language` is `lang` (e.g. "en-GB,en").
async fn chromium_with_language(driver: &Driver, lang: &str) -> Client {
    launch_chromium(driver, Screen::Phone, Some(lang)).await
}

/// A Chrome DevTools command through chromedriver (`goog/cdp/execute`).
#[derive(Debug)]
pub(crate) struct Cdp(pub(crate) serde_json::Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }
    fn method_and_body(&self, _: &url::Url) -> (reqwest::Method, Option<String>) {
        (reqwest::Method::POST, Some(self.0.to_string()))
    }
}

/// (top, bottom, width, height) of every element matching `css`.
pub(crate) async fn boxes(client: &Client, css: &str) -> Vec<(f64, f64, f64, f64)> {
    let script = format!(
        "return Array.from(document.querySelectorAll({css:?})).map(function (e) {{ \
           var r = e.getBoundingClientRect(); return [r.top, r.bottom, r.width, r.height]; }})"
    );
    let value = client.execute(&script, vec![]).await.unwrap();
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let n = |i: usize| b[i].as_f64().unwrap();
            (n(0), n(1), n(2), n(3))
        })
        .collect()
}

/// Pages in a PDF: its `/Type /Page` objects (not `/Type /Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's')
        .count()
}

#[tokio::test]
async fn crisis_help_is_big_local_and_first_and_the_safety_plan_prints_on_one_page() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let driver = &driver;
    on_every_backend("browser_crisis", |server, backend| async move {
        if backend != crate::common::Backend::Sqlite {
            return;
        }
        let ana = server.add_user("ana@example.org", Role::Person).await;
        let plan = enough_domain::safety::plan::SafetyPlan::from_form([
            ("warning_signs", "Lying awake replaying a mistake\nCancelling plans with friends\nSkipping meals\nThinking everyone would be better off\nStaying in bed past noon"),
            ("coping_alone", "Walk to the harbour and back\nA hot shower\nThe breathing exercise, 4 in and 6 out\nWrite the thought down and leave it there\nPut on the playlist from summer"),
            ("distractions", "Café on Quay Street\nThe library reading room\nSwimming at the leisure centre\nCalling Gran about her garden\nThe park with the dog"),
            ("people_to_ask", "My sister Niamh 07700 900123\nDad 07700 900456\nSam from work 07700 900789\nMy neighbour Ruth, flat 2\nAunt Claire +353 87 123 4567"),
            ("professionals", "Dr Okafor (GP) 020 7946 0018\nOut of hours GP 111\nCrisis team (020) 7946 0999\nSamaritans 116 123\nCall 999 if I am not safe"),
            ("safer_surroundings", "Give the spare tablets to Niamh\nKeep only a week of medicine at home\nLeave the car keys with Dad\nDon't drink when I feel like this\nStay with someone tonight"),
            ("reasons_for_living", "My nephew Finn\nThe dog\nSeeing the sea in spring\nFinishing the course\nNiamh's wedding next year"),
        ])
        .unwrap();
        server.app.save_safety_plan(&ana, &plan).await.unwrap();

        let base = &server.url;
        // A browser that names no region: the script sends its time zone and the page reloads
        // with that country's lines.
        let english = chromium_with_language(driver, "en").await;
        english
            .issue_cmd(Cdp(serde_json::json!({
                "cmd": "Emulation.setTimezoneOverride",
                "params": {"timezoneId": "Australia/Sydney"}})))
            .await
            .unwrap();
        english.goto(&format!("{base}/crisis")).await.unwrap();
        wait_text(&english, "Talk to someone now — Australia").await;
        let first = english.find(Locator::Css("a.line-button")).await.unwrap();
        assert_eq!(first.attr("href").await.unwrap().as_deref(), Some("tel:131114"));
        english.close().await.unwrap();

        let browser = chromium_with_language(driver, "en-GB,en").await;
        // Signed out, a British browser: Samaritans first, no US numbers.
        browser.goto(&format!("{base}/crisis")).await.unwrap();
        let first = browser
            .find(Locator::Css("a.line-button"))
            .await
            .unwrap();
        assert_eq!(first.attr("href").await.unwrap().as_deref(), Some("tel:116123"));
        assert_eq!(first.text().await.unwrap(), "Call 116 123");
        let text = body_text(&browser).await;
        assert!(text.contains("Samaritans") && !text.contains("988"), "{text}");
        let buttons = boxes(&browser, "a.line-button").await;
        assert!(buttons.len() >= 4, "calls, Shout and 999/112: {buttons:?}");
        for (i, (_, _, width, height)) in buttons.iter().enumerate() {
            assert!(*height >= 48.0, "button {i} is {height}px high");
            assert!(*width >= 48.0, "button {i} is {width}px wide");
        }
        let lines = boxes(&browser, ".crisis-lines a.line-button").await;
        assert!(lines.iter().all(|b| b.2 >= 340.0), "full width on the phone: {lines:?}");
        assert!(lines[0].1 < 844.0, "the first line is on the first screen: {lines:?}");
        fits_the_phone(&browser, "crisis").await;
        screenshot(&browser, "20-crisis-en-gb").await;

        // Signed in: the support page shows the first line above the fold.
        sign_in(&browser, base, "ana@example.org").await;
        browser
            .goto(&format!("{base}/support?after=questionnaire"))
            .await
            .unwrap();
        let support = boxes(&browser, "a.line-button").await;
        assert!(
            support[0].1 < 844.0 && support[0].3 >= 48.0,
            "the first button's bottom is {}px at 390×844",
            support[0].1
        );
        fits_the_phone(&browser, "support").await;
        screenshot(&browser, "21-support").await;

        // The safety plan: its numbers are tappable; printed, it is one A4 page.
        browser.goto(&format!("{base}/safety-plan")).await.unwrap();
        let tels = boxes(&browser, "a.plan-tel").await;
        assert!(tels.len() >= 8, "numbers in the plan are links: {tels:?}");
        assert!(tels.iter().all(|b| b.3 >= 48.0), "tap-sized: {tels:?}");
        fits_the_phone(&browser, "safety plan").await;
        screenshot(&browser, "22-safety-plan").await;
        let pdf = browser
            .print(
                fantoccini::wd::PrintConfiguration::builder()
                    .size(fantoccini::wd::PrintSize::A4)
                    .build()
                    .unwrap(),
            )
            .await
            .unwrap();
        if let Ok(dir) = std::env::var("ENOUGH_SCREENSHOTS") {
            std::fs::write(format!("{dir}/23-safety-plan.pdf"), &pdf).unwrap();
        }
        assert_eq!(pdf_pages(&pdf), 1, "the printed plan is one A4 page");
        // A look at the print styles at A4 width (what the PDF holds).
        browser
            .issue_cmd(Cdp(serde_json::json!({
                "cmd": "Emulation.setEmulatedMedia", "params": {"media": "print"}})))
            .await
            .unwrap();
        browser
            .issue_cmd(Cdp(serde_json::json!({
                "cmd": "Emulation.setDeviceMetricsOverride",
                "params": {"width": 794, "height": 1123, "deviceScaleFactor": 1, "mobile": false}})))
            .await
            .unwrap();
        let header = boxes(&browser, ".site-header").await;
        assert!(header.iter().all(|b| b.3 == 0.0), "no header in print: {header:?}");
        screenshot(&browser, "24-safety-plan-print").await;
        browser.close().await.unwrap();
    })
    .await;
}

/// Whether the element is wholly inside the first screen (no scrolling needed to reach it).
async fn on_first_screen(client: &Client, css: &str) -> bool {
    let script = format!(
        "const r = document.querySelector({css:?}).getBoundingClientRect(); \
         return [r.top, r.bottom, window.innerHeight, window.scrollY];"
    );
    let v = client.execute(&script, vec![]).await.unwrap();
    let (top, bottom, height, scrolled) = (
        v[0].as_f64().unwrap(),
        v[1].as_f64().unwrap(),
        v[2].as_f64().unwrap(),
        v[3].as_f64().unwrap(),
    );
    top >= 0.0 && bottom <= height && scrolled == 0.0
}

#[tokio::test]
async fn a_mood_is_logged_in_two_taps_without_scrolling_and_energy_added_later() {
    let Some(driver) = start_driver().await else {
        return;
    };
    on_every_backend("browser_two_taps", |server, _| {
        let driver = &driver;
        async move {
            let ana = server.add_user("ana@example.org", Role::Person).await;
            // Everything that can sit above the log on the home page is there.
            server
                .app
                .set_location(&ana, "Dublin", "", "")
                .await
                .unwrap();
            server
                .app
                .start_programme(&ana, "winter-light")
                .await
                .unwrap();
            let browser = chromium(driver).await;
            sign_in(&browser, &server.url, "ana@example.org").await;
            browser.goto(&format!("{}/", server.url)).await.unwrap();
            wait_for(&browser, "#quick-mood").await;
            screenshot(&browser, "two-taps-1-home").await;
            let text = body_text(&browser).await;
            assert!(!text.to_lowercase().contains("incomplete"));

            // Tap 1: the mood value. htmx saves it at once; no Save button is needed.
            let mut taps = 0;
            let seven = "#quick-mood button[value='7']";
            assert!(
                on_first_screen(&browser, seven).await,
                "the mood row is on the first screen at 390×844"
            );
            click(&browser, Locator::Css(seven)).await;
            taps += 1;
            let status = wait_until(&browser, "#quick-status", "Saved mood 7").await;
            assert!(status.contains("Saved"), "{status}");
            assert!(taps <= 2, "a mood in at most two taps, took {taps}");
            let today = server.app.today(&ana);
            let day = server.app.day(&ana, today).await.unwrap();
            assert_eq!(day.mood, Some(7));
            assert_eq!(
                (day.energy, day.daylight_quarter_hours, day.outside_morning),
                (None, None, None),
                "nothing else is saved, nothing is guessed"
            );
            fits_the_phone(&browser, "home after a mood").await;
            screenshot(&browser, "two-taps-2-saved").await;

            // Later the same day: the page shows what is there and offers the rest.
            browser.goto(&format!("{}/", server.url)).await.unwrap();
            wait_for(&browser, "#quick-mood").await;
            let text = body_text(&browser).await;
            assert!(text.contains("Mood: 7 of 10"), "{text}");
            assert!(text.contains("Add energy?"), "{text}");
            assert!(!text.to_lowercase().contains("incomplete"));
            let energy = "button[name='energy'][value='4']";
            browser
                .execute(
                    &format!("document.querySelector({energy:?}).scrollIntoView()"),
                    vec![],
                )
                .await
                .unwrap();
            click(&browser, Locator::Css(energy)).await;
            wait_until(&browser, "#quick-status", "Saved energy 4").await;
            let day = server.app.day(&ana, today).await.unwrap();
            assert_eq!((day.mood, day.energy), (Some(7), Some(4)));
            assert_eq!(
                (
                    day.daylight_quarter_hours,
                    day.outside_morning,
                    day.habits.to_bits(),
                    day.note.clone()
                ),
                (None, None, 0, None),
                "the day holds mood and energy and nothing else"
            );
            screenshot(&browser, "two-taps-3-energy").await;
            browser.close().await.unwrap();
        }
    })
    .await;
}

/// Waits until the element's text contains `text`, and returns it.
async fn wait_until(client: &Client, css: &str, text: &str) -> String {
    for _ in 0..100 {
        if let Ok(element) = client.find(Locator::Css(css)).await
            && let Ok(t) = element.text().await
            && t.contains(text)
        {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never showed {text:?}");
}
