//! Crisis help in seconds: whose lines come first for a visitor, that a choice is remembered,
//! and that every way to reach a line is a link a phone can act on.

use crate::common::*;
use enough_domain::account::Role;
use enough_domain::crisis::directory;

/// GETs `path` with an `Accept-Language` header; returns (status, set-cookie headers, body).
async fn get_with_language(
    client: &reqwest::Client,
    url: &str,
    language: &str,
) -> (u16, Vec<String>, String) {
    let response = client
        .get(url)
        .header("Accept-Language", language)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let cookies = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    (status, cookies, response.text().await.unwrap())
}

/// The `tel:` targets of a page, in the order they appear.
fn tels(body: &str) -> Vec<&str> {
    body.match_indices("href=\"tel:")
        .map(|(i, m)| {
            let start = i + m.len() - 4;
            let end = start + body[start..].find('"').unwrap();
            &body[start..end]
        })
        .collect()
}

#[tokio::test]
async fn a_visitor_sees_the_lines_of_their_browsers_language_region_first() {
    on_every_backend("crisis_language", |server, _| async move {
        let url = format!("{}/crisis", server.url);
        let (status, _, body) = get_with_language(&browser(), &url, "en-GB,en;q=0.9").await;
        assert_eq!(status, 200);
        let numbers = tels(&body);
        assert_eq!(
            numbers.first(),
            Some(&"tel:116123"),
            "Samaritans first: {numbers:?}"
        );
        assert!(
            !numbers.contains(&"tel:911"),
            "no United States numbers: {numbers:?}"
        );
        assert!(
            numbers.contains(&"tel:999"),
            "the UK emergency number: {numbers:?}"
        );
        assert!(body.contains("United Kingdom"));
        assert!(
            !body.contains("data-guess-country"),
            "no need to ask the time zone"
        );

        let (_, _, body) = get_with_language(&browser(), &url, "de-AT,de;q=0.8").await;
        assert_eq!(
            tels(&body).first(),
            Some(&"tel:142"),
            "Austria: TelefonSeelsorge"
        );

        // By q order, not the order written.
        let (_, _, body) = get_with_language(&browser(), &url, "en-US;q=0.3, en-IE;q=0.9").await;
        assert!(body.contains("Ireland"), "en-IE has the higher q");

        // A bare English says nothing about the country: the page asks the browser's time zone.
        let (_, _, body) = get_with_language(&browser(), &url, "en").await;
        assert!(body.contains("data-guess-country"), "the script may guess");
        let zone = browser();
        let (_, _, body) = get_with_language(&zone, &url, "en").await;
        assert!(body.contains("data-guess-country"));
        let response = zone
            .get(&url)
            .header("Accept-Language", "en")
            .header("Cookie", "enough_tz=Australia/Sydney")
            .send()
            .await
            .unwrap();
        let body = response.text().await.unwrap();
        assert_eq!(
            tels(&body).first(),
            Some(&"tel:131114"),
            "Lifeline Australia"
        );
        assert!(
            !body.contains("data-guess-country"),
            "asked once, not again"
        );
        // A zone that is not a place keeps the fallback and does not ask again.
        let response = browser()
            .get(&url)
            .header("Cookie", "enough_tz=Etc/UTC")
            .send()
            .await
            .unwrap();
        let body = response.text().await.unwrap();
        assert!(!body.contains("data-guess-country"), "no reload loop");
        assert!(
            body.contains("Choose your country") || body.contains("Show lines for another country")
        );
    })
    .await;
}

#[tokio::test]
async fn a_chosen_country_is_remembered_in_this_browser() {
    on_every_backend("crisis_cookie", |server, _| async move {
        let client = browser();
        let url = format!("{}/crisis", server.url);
        let (status, cookies, body) =
            get_with_language(&client, &format!("{url}?country=NZ"), "en-GB").await;
        assert_eq!(status, 200);
        assert_eq!(tels(&body).first(), Some(&"tel:1737"), "the chosen country");
        let cookie = cookies
            .iter()
            .find(|c| c.starts_with("enough_country="))
            .unwrap_or_else(|| panic!("a country cookie: {cookies:?}"));
        assert!(cookie.starts_with("enough_country=NZ;"), "{cookie}");
        for part in ["SameSite=Lax", "Path=/", "Max-Age=31536000"] {
            assert!(cookie.contains(part), "{cookie} has {part}");
        }
        // Later, with no choice in the address, the browser's choice beats its language.
        let (_, cookies, body) = get_with_language(&client, &url, "en-GB").await;
        assert_eq!(
            tels(&body).first(),
            Some(&"tel:1737"),
            "remembered: New Zealand"
        );
        assert!(cookies.is_empty(), "nothing new to remember: {cookies:?}");
        // An unknown code is not remembered and changes nothing.
        let (status, cookies, _) =
            get_with_language(&client, &format!("{url}?country=XX"), "en-GB").await;
        assert_eq!(status, 200);
        assert!(cookies.is_empty(), "{cookies:?}");
        let (_, _, body) = get_with_language(&client, &url, "en-GB").await;
        assert_eq!(tels(&body).first(), Some(&"tel:1737"));
    })
    .await;
}

#[tokio::test]
async fn every_line_in_the_directory_is_a_link_that_calls_texts_or_chats() {
    on_every_backend("crisis_links", |server, _| async move {
        let client = browser();
        let mut checked = 0;
        for country in &directory().countries {
            let (status, body) = get(
                &client,
                &format!("{}/crisis?country={}", server.url, country.code),
            )
            .await;
            assert_eq!(status, 200, "{}", country.code);
            for line in &country.lines {
                let who = format!("{}: {}", country.code, line.name);
                if let Some(phone) = &line.phone {
                    let tel = line.tel_href().unwrap();
                    let button = format!("href=\"{tel}\">Call {phone}</a>");
                    assert!(body.contains(&button), "{who}: a call button {button}");
                    checked += 1;
                }
                if line.text.is_some() && !line.text.as_deref().unwrap().starts_with("WhatsApp") {
                    let sms = line
                        .sms_href()
                        .unwrap_or_else(|| panic!("{who}: no sms link"));
                    assert!(sms.starts_with("sms:"), "{who}");
                    let href = format!("href=\"{}\"", sms.replace('&', "&#38;"));
                    assert!(body.contains(&href), "{who}: {href}");
                    checked += 1;
                }
                if let Some(chat) = &line.chat {
                    assert!(
                        body.contains(&format!("href=\"{chat}\"")),
                        "{who}: chat link"
                    );
                    checked += 1;
                }
                for contact in line.contacts() {
                    let class_then_href =
                        format!("\" href=\"{}\"", contact.href.replace('&', "&#38;"));
                    let at = body
                        .find(&class_then_href)
                        .unwrap_or_else(|| panic!("{who}"));
                    assert!(
                        body[..at]
                            .rsplit("class=\"")
                            .next()
                            .unwrap()
                            .starts_with("line-button"),
                        "{who}: {} is a large button",
                        contact.href
                    );
                }
            }
        }
        assert!(checked > 60, "checked {checked} ways in");
        // The keyword services send their keyword.
        let (_, gb) = get(&client, &format!("{}/crisis?country=GB", server.url)).await;
        assert!(gb.contains("href=\"sms:85258?&#38;body=SHOUT\""), "Shout");
        let (_, us) = get(&client, &format!("{}/crisis?country=US", server.url)).await;
        assert!(us.contains("href=\"sms:988\""), "text 988");
        assert!(
            us.contains("href=\"https://988lifeline.org/chat/\""),
            "988 chat"
        );
    })
    .await;
}

#[tokio::test]
async fn a_signed_in_persons_own_country_beats_the_browser() {
    on_every_backend("crisis_signed_in", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let base = &server.url;
        // Chosen in this browser before: GB. Language: en-GB. Own setting: New Zealand.
        let (_, _, _) =
            get_with_language(&client, &format!("{base}/crisis?country=GB"), "en-GB").await;
        let (_, settings) = get(&client, &format!("{base}/crisis")).await;
        let csrf = csrf_in(&settings);
        let saved = client
            .post(format!("{base}/settings/country"))
            .form(&[("csrf", csrf.as_str()), ("country", "NZ")])
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), 303);
        for path in ["/crisis", "/support?after=questionnaire", "/safety-plan"] {
            let (status, _, body) =
                get_with_language(&client, &format!("{base}{path}"), "en-GB").await;
            assert_eq!(status, 200, "{path}");
            assert_eq!(
                tels(&body).first(),
                Some(&"tel:1737"),
                "{path}: their own setting"
            );
            assert!(!tels(&body).contains(&"tel:116123"), "{path}");
        }
    })
    .await;
}

#[tokio::test]
async fn numbers_in_the_safety_plan_are_tappable_and_nothing_else_becomes_html() {
    on_every_backend("crisis_plan_numbers", |server, _| async move {
        server.add_user("ana@example.org", Role::Person).await;
        let client = signed_in_browser(&server, "ana@example.org").await;
        let base = &server.url;
        let (_, edit) = get(&client, &format!("{base}/safety-plan/edit")).await;
        let csrf = csrf_in(&edit);
        let saved = client
            .post(format!("{base}/safety-plan"))
            .form(&[
                ("csrf", csrf.as_str()),
                (
                    "people_to_ask",
                    "My sister Niamh 07700 900123\nDad <b>bold</b> +44 20 7946 0018",
                ),
                (
                    "professionals",
                    "GP surgery (020) 7946-0999\ncall 999 if I am not safe",
                ),
                ("coping_alone", "Walk for 20 minutes on 2026-11-30"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), 303);
        for path in ["/safety-plan", "/support?after=day"] {
            let (_, body) = get(&client, &format!("{base}{path}")).await;
            for tel in [
                "tel:07700900123",
                "tel:+442079460018",
                "tel:02079460999",
                "tel:999",
            ] {
                assert!(
                    body.contains(&format!("class=\"plan-tel\" href=\"{tel}\"")),
                    "{path}: {tel}"
                );
            }
            assert!(
                body.contains(">07700 900123</a>"),
                "{path}: the number as written"
            );
            assert!(body.contains("bold"), "{path}: the words are shown");
            assert!(!body.contains("<b>bold"), "{path}: the text stays text");
            assert!(
                !body.contains("tel:20261130"),
                "{path}: a date is not a number"
            );
        }
    })
    .await;
}
