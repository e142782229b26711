//! The crisis directory: how to reach help now, by country. Compiled in from
//! `content/crisis_lines.json` so that it works offline and can be reviewed without Rust.

use serde::Deserialize;
use std::sync::OnceLock;

/// One crisis or support line.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct CrisisLine {
    /// The service's name.
    pub name: String,
    /// Number to call, if the service takes calls.
    pub phone: Option<String>,
    /// How to reach it by text message, in words (e.g. "Text SHOUT to 85258").
    pub text: Option<String>,
    /// The same as a number to text and, where the service asks for one, a first word.
    #[serde(default)]
    pub sms: Option<Sms>,
    /// Web chat address, if any.
    pub chat: Option<String>,
    /// Opening hours, e.g. "24/7".
    pub hours: String,
    /// Where the details were taken from.
    pub source: String,
    /// When they were last checked (YYYY-MM-DD).
    pub checked: String,
}

/// A text-message line: where to send it and what to write first.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Sms {
    /// The number to text, as the service writes it.
    pub to: String,
    /// The keyword the service asks for as the first message (e.g. "SHOUT"), if any.
    pub body: Option<String>,
}

/// How a line is reached: the kind decides the link and the wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactKind {
    /// A phone call (`tel:`).
    Call,
    /// A text message (`sms:`).
    Text,
    /// A web or messenger chat (`https:`).
    Chat,
}

/// One way to reach a line, ready to show as a large button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// Call, text or chat.
    pub kind: ContactKind,
    /// The link target: `tel:…`, `sms:…` or `https://…`.
    pub href: String,
    /// What the button says, with the number in readable form ("Call 116 123").
    pub label: String,
}

/// Digits (and a leading `+`) of a number as written, for `tel:` and `sms:` targets.
fn dial_digits(number: &str) -> String {
    let mut out = String::new();
    for c in number.trim().chars() {
        if c.is_ascii_digit() || (c == '+' && out.is_empty()) {
            out.push(c);
        }
    }
    out
}

impl CrisisLine {
    /// The phone number as a `tel:` link target (digits and `+` only).
    pub fn tel_href(&self) -> Option<String> {
        self.phone
            .as_ref()
            .map(|p| format!("tel:{}", dial_digits(p)))
    }

    /// The text line as an `sms:` link target, with the keyword as the message body when the
    /// service asks for one. `?&body=` is understood by both iOS and Android messaging apps.
    pub fn sms_href(&self) -> Option<String> {
        self.sms.as_ref().map(|s| {
            let to = dial_digits(&s.to);
            match s.body.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
                Some(body) => {
                    let body: String = body.chars().filter(char::is_ascii_alphanumeric).collect();
                    format!("sms:{to}?&body={body}")
                }
                None => format!("sms:{to}"),
            }
        })
    }

    /// Every way to reach this line, phone first, each a link a phone can act on.
    pub fn contacts(&self) -> Vec<Contact> {
        let mut out = Vec::new();
        if let (Some(phone), Some(href)) = (&self.phone, self.tel_href()) {
            out.push(Contact {
                kind: ContactKind::Call,
                href,
                label: format!("Call {}", phone.trim()),
            });
        }
        if let Some(href) = self.sms_href() {
            let label = match (&self.text, &self.sms) {
                (Some(text), _) => text.trim().to_owned(),
                (None, Some(sms)) => format!("Text {}", sms.to.trim()),
                (None, None) => String::new(),
            };
            out.push(Contact {
                kind: ContactKind::Text,
                href,
                label,
            });
        }
        if let Some(chat) = &self.chat {
            let label = if chat.starts_with("https://wa.me/") {
                self.text
                    .clone()
                    .filter(|t| self.sms.is_none() && t.starts_with("WhatsApp"))
                    .unwrap_or_else(|| "Chat on WhatsApp".to_owned())
            } else {
                "Chat online".to_owned()
            };
            out.push(Contact {
                kind: ContactKind::Chat,
                href: chat.clone(),
                label,
            });
        }
        out
    }

    /// Ways to reach the line that are only described in words (none, when every way is a
    /// link): shown as plain text beside the buttons.
    pub fn unlinked_text(&self) -> Option<&str> {
        let text = self.text.as_deref()?;
        let linked = self.sms.is_some()
            || (self
                .chat
                .as_deref()
                .is_some_and(|c| c.starts_with("https://wa.me/"))
                && text.starts_with("WhatsApp"));
        (!linked).then_some(text)
    }
}

/// The lines of one country.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Country {
    /// ISO 3166-1 alpha-2 code.
    pub code: String,
    /// English name.
    pub name: String,
    /// The local emergency number.
    pub emergency: String,
    /// Crisis lines, most general first.
    pub lines: Vec<CrisisLine>,
}

impl Country {
    /// The emergency text split into pieces, each number with a `tel:` target, so that
    /// "995 (ambulance) or 999 (police)" becomes two tappable numbers and the words between.
    pub fn emergency_parts(&self) -> Vec<(String, Option<String>)> {
        let mut parts: Vec<(String, Option<String>)> = Vec::new();
        let mut current = String::new();
        let mut in_number = false;
        for c in self.emergency.chars() {
            let digit = c.is_ascii_digit();
            if digit != in_number && !current.is_empty() {
                let tel = in_number.then(|| format!("tel:{current}"));
                parts.push((std::mem::take(&mut current), tel));
            }
            in_number = digit;
            current.push(c);
        }
        if !current.is_empty() {
            let tel = in_number.then(|| format!("tel:{current}"));
            parts.push((current, tel));
        }
        parts
    }
}

/// Every country's crisis lines.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct CrisisDirectory {
    /// How the directory was compiled.
    pub note: String,
    /// Countries sorted by name.
    pub countries: Vec<Country>,
}

impl CrisisDirectory {
    /// The country with this ISO code, ignoring case.
    pub fn country(&self, code: &str) -> Option<&Country> {
        self.countries
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(code))
    }
}

/// Languages whose speakers live, with hardly any doubt, in one country we have lines for, so a
/// browser that names the language without a region may still pick that country. Languages
/// spoken as a national language in several countries (English, German, French, Spanish,
/// Portuguese, Dutch, Swedish, Greek, Italian, Chinese, Arabic …) are deliberately absent.
const UNAMBIGUOUS_LANGUAGES: [(&str, &str); 12] = [
    ("da", "DK"),
    ("fi", "FI"),
    ("he", "IL"),
    ("is", "IS"),
    ("iw", "IL"),
    ("ja", "JP"),
    ("ko", "KR"),
    ("nb", "NO"),
    ("nn", "NO"),
    ("no", "NO"),
    ("pl", "PL"),
    ("uk", "UA"),
];

/// The language tags of an HTTP `Accept-Language` header, most preferred first (by `q`, ties
/// in the order given); tags with `q=0` or a malformed `q` are left out.
fn language_preferences(header: &str) -> Vec<&str> {
    let mut tags: Vec<(u16, usize, &str)> = header
        .split(',')
        .take(32)
        .enumerate()
        .filter_map(|(i, part)| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let mut q = 1000_u16;
            for param in pieces {
                let (key, value) = param.split_once('=')?;
                if key.trim().eq_ignore_ascii_case("q") {
                    let value: f32 = value.trim().parse().ok()?;
                    if !(0.0..=1.0).contains(&value) {
                        return None;
                    }
                    q = (value * 1000.0).round() as u16;
                }
            }
            (q > 0 && !tag.is_empty() && tag != "*").then_some((q, i, tag))
        })
        .collect();
    tags.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.into_iter().map(|(_, _, tag)| tag).collect()
}

/// The country a language tag names: its region subtag (`en-GB` → GB, `zh-Hant-TW` → TW), or
/// for a bare language one of [`UNAMBIGUOUS_LANGUAGES`].
fn tag_country(tag: &str) -> Option<String> {
    let mut subtags = tag.split(['-', '_']);
    let language = subtags.next()?.to_ascii_lowercase();
    let region = subtags
        .take(2)
        .find(|s| s.len() == 2 && s.chars().all(|c| c.is_ascii_alphabetic()));
    match region {
        Some(region) => Some(region.to_ascii_uppercase()),
        None => UNAMBIGUOUS_LANGUAGES
            .iter()
            .find(|(lang, _)| *lang == language)
            .map(|(_, code)| (*code).to_owned()),
    }
}

impl CrisisDirectory {
    /// The country suggested by a browser's `Accept-Language` header: the first tag, in `q`
    /// order, whose region (or unambiguous language) is a country we have lines for.
    pub fn country_for_languages(&self, accept_language: &str) -> Option<&Country> {
        language_preferences(accept_language)
            .into_iter()
            .filter_map(tag_country)
            .find_map(|code| self.country(&code))
    }
}

/// One piece of free text: words, or a phone number with its `tel:` target.
pub type TextPart = (String, Option<String>);

/// Words that, right before a short number (3–5 digits, such as 999 or 1737), say it is one
/// to call.
const CALL_WORDS: [&str; 6] = ["call", "ring", "dial", "phone", "tel", "tel:"];

/// Splits free text (a safety-plan line) into words and phone numbers, so that numbers can be
/// shown as `tel:` links without trusting the text as HTML. A number is 6 to 15 digits (the
/// E.164 maximum), optionally with `+`, spaces, dashes and brackets, and not shaped like a
/// date; or 3 to 5 digits right after "call", "ring", "dial", "phone" or "tel".
pub fn phone_parts(text: &str) -> Vec<TextPart> {
    let bytes = text.as_bytes();
    let mut parts: Vec<TextPart> = Vec::new();
    let mut plain_from = 0;
    let mut i = 0;
    while i < bytes.len() {
        let starts = (bytes[i].is_ascii_digit() || bytes[i] == b'+' || bytes[i] == b'(')
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'+'));
        if !starts {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < bytes.len() && matches!(bytes[end], b'0'..=b'9' | b' ' | b'-' | b'(' | b')') {
            if bytes[end] == b' ' && bytes.get(end + 1) == Some(&b' ') {
                break;
            }
            end += 1;
        }
        while end > i && !bytes[end - 1].is_ascii_digit() {
            end -= 1;
        }
        let candidate = &text[i..end];
        let digits = candidate.chars().filter(char::is_ascii_digit).count();
        let followed_by_word = bytes.get(end).is_some_and(u8::is_ascii_alphanumeric);
        let before = text[..i].trim_end().to_ascii_lowercase();
        let after_call_word = CALL_WORDS.iter().any(|w| {
            before.ends_with(w)
                && before[..before.len() - w.len()]
                    .chars()
                    .last()
                    .is_none_or(|c| !c.is_alphanumeric())
        });
        let is_phone = end > i
            && !followed_by_word
            && !looks_like_date(candidate)
            && ((6..=15).contains(&digits)
                || ((3..=5).contains(&digits)
                    && after_call_word
                    && candidate.chars().all(|c| c.is_ascii_digit())));
        if is_phone {
            if plain_from < i {
                parts.push((text[plain_from..i].to_owned(), None));
            }
            parts.push((
                candidate.to_owned(),
                Some(format!("tel:{}", dial_digits(candidate))),
            ));
            plain_from = end;
            i = end;
        } else {
            i = end.max(i + 1);
        }
    }
    if plain_from < text.len() {
        parts.push((text[plain_from..].to_owned(), None));
    }
    parts
}

/// True for `2026-11-30` and `30-11-2026` shapes, which are dates rather than numbers to call.
fn looks_like_date(candidate: &str) -> bool {
    let groups: Vec<&str> = candidate.split('-').collect();
    groups.len() == 3
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.len() <= 4 && g.chars().all(|c| c.is_ascii_digit()))
}

const CRISIS_LINES_JSON: &str = include_str!("../content/crisis_lines.json");

/// The directory shipped in the binary. A test guarantees the file parses; were it ever broken,
/// the page would still show the general advice to call the local emergency number.
pub fn directory() -> &'static CrisisDirectory {
    static DIRECTORY: OnceLock<CrisisDirectory> = OnceLock::new();
    DIRECTORY.get_or_init(|| {
        serde_json::from_str(CRISIS_LINES_JSON).unwrap_or_else(|_| CrisisDirectory {
            note: String::new(),
            countries: Vec::new(),
        })
    })
}

const ZONE_COUNTRIES_TSV: &str = include_str!("../content/zone_countries.tsv");

/// Zone → country pairs from `content/zone_countries.tsv`, parsed once.
fn zone_countries() -> &'static [(&'static str, &'static str)] {
    static PAIRS: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    PAIRS.get_or_init(|| {
        ZONE_COUNTRIES_TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split_once('\t'))
            .map(|(zone, code)| (zone.trim(), code.trim()))
            .collect()
    })
}

/// A best guess at the person's country from their IANA time zone (e.g. the browser's
/// `Intl.DateTimeFormat().resolvedOptions().timeZone`), as an ISO 3166-1 alpha-2 code.
///
/// The table comes from tzdata's `zone.tab` plus its backward-compatible names (`Europe/Kiev`,
/// `US/Eastern`, `Asia/Calcutta`), so older browsers' names work too. `UTC`, `Etc/*` and
/// unknown names give `None`: they say nothing about where someone is. A time zone is only a
/// hint — several countries share one and travellers keep theirs — so the crisis page should
/// show the guess as a preselection the person can change, never as the only choice.
pub fn guess_country(time_zone: &str) -> Option<&'static str> {
    let time_zone = time_zone.trim();
    zone_countries()
        .iter()
        .find(|(zone, _)| zone.eq_ignore_ascii_case(time_zone))
        .map(|(_, code)| *code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_directory_parses_and_covers_the_required_countries() {
        let parsed: CrisisDirectory = serde_json::from_str(CRISIS_LINES_JSON).unwrap();
        for code in ["US", "GB", "CA", "AU", "IE", "NZ"] {
            let country = parsed
                .country(code)
                .unwrap_or_else(|| panic!("{code} missing"));
            assert!(!country.lines.is_empty(), "{code} lines");
        }
        assert_eq!(directory().countries.len(), parsed.countries.len());
    }

    #[test]
    fn every_country_and_line_in_the_directory_is_complete_and_sourced() {
        let parsed: CrisisDirectory = serde_json::from_str(CRISIS_LINES_JSON).unwrap();
        assert!(
            parsed.countries.len() >= 30,
            "only {} countries",
            parsed.countries.len()
        );
        let known_codes: std::collections::HashSet<&str> =
            zone_countries().iter().map(|(_, code)| *code).collect();
        let mut seen = std::collections::HashSet::new();
        for country in &parsed.countries {
            let code = country.code.as_str();
            assert!(
                code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()),
                "{code} is not an upper-case two-letter code"
            );
            assert!(
                known_codes.contains(code),
                "{code} is not an ISO 3166-1 code"
            );
            assert!(seen.insert(code), "{code} appears twice");
            assert!(!country.name.trim().is_empty(), "{code} name");
            assert!(
                country.emergency.chars().any(|c| c.is_ascii_digit()),
                "{code} emergency number"
            );
            assert!(!country.lines.is_empty(), "{code} has no lines");
            for line in &country.lines {
                let who = format!("{code}: {}", line.name);
                assert!(!line.name.trim().is_empty(), "{who} name");
                assert!(
                    line.phone.is_some() || line.text.is_some() || line.chat.is_some(),
                    "{who} cannot be reached"
                );
                if let Some(phone) = &line.phone {
                    assert!(phone.chars().any(|c| c.is_ascii_digit()), "{who} phone");
                }
                if let Some(chat) = &line.chat {
                    assert!(chat.starts_with("https://"), "{who} chat");
                }
                assert!(!line.hours.trim().is_empty(), "{who} hours");
                assert!(line.source.starts_with("https://"), "{who} source");
                assert!(
                    chrono::NaiveDate::parse_from_str(&line.checked, "%Y-%m-%d").is_ok(),
                    "{who} checked date {:?}",
                    line.checked
                );
            }
        }
        let names: Vec<&str> = parsed.countries.iter().map(|c| c.name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "countries are sorted by name");
    }

    #[test]
    fn the_country_is_guessed_from_the_time_zone() {
        assert_eq!(guess_country("Europe/Dublin"), Some("IE"));
        assert_eq!(guess_country("America/New_York"), Some("US"));
        assert_eq!(guess_country("Australia/Sydney"), Some("AU"));
        assert_eq!(guess_country("Asia/Kolkata"), Some("IN"));
        assert_eq!(guess_country("Europe/Kyiv"), Some("UA"));
        assert_eq!(
            guess_country(" europe/london "),
            Some("GB"),
            "case and spaces"
        );
    }

    #[test]
    fn old_time_zone_names_still_give_a_country() {
        assert_eq!(guess_country("Europe/Kiev"), Some("UA"));
        assert_eq!(guess_country("US/Eastern"), Some("US"));
        assert_eq!(guess_country("Asia/Calcutta"), Some("IN"));
        assert_eq!(guess_country("Australia/ACT"), Some("AU"));
        assert_eq!(
            guess_country("Iceland"),
            Some("IS"),
            "a link into another country"
        );
    }

    #[test]
    fn time_zones_that_are_not_places_give_no_country() {
        for zone in [
            "UTC",
            "Etc/UTC",
            "Etc/GMT+5",
            "GMT",
            "Zulu",
            "",
            "Mars/Olympus_Mons",
        ] {
            assert_eq!(guess_country(zone), None, "{zone:?}");
        }
    }

    #[test]
    fn every_emergency_number_is_tappable() {
        let country = Country {
            code: "SG".into(),
            name: "Singapore".into(),
            emergency: "995 (ambulance) or 999 (police)".into(),
            lines: vec![],
        };
        let parts = country.emergency_parts();
        let tels: Vec<&str> = parts.iter().filter_map(|p| p.1.as_deref()).collect();
        assert_eq!(tels, ["tel:995", "tel:999"]);
        let text: String = parts.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(text, country.emergency, "no words are lost");
    }

    #[test]
    fn tel_links_keep_only_digits() {
        let line = &directory().country("au").unwrap().lines[0];
        assert_eq!(line.tel_href().as_deref(), Some("tel:131114"));
    }

    #[test]
    fn every_text_line_is_an_sms_link_and_every_way_in_is_a_link() {
        for country in &directory().countries {
            for line in &country.lines {
                let contacts = line.contacts();
                assert!(!contacts.is_empty(), "{}: {}", country.code, line.name);
                for c in &contacts {
                    let ok = match c.kind {
                        ContactKind::Call => c.href.starts_with("tel:"),
                        ContactKind::Text => c.href.starts_with("sms:"),
                        ContactKind::Chat => c.href.starts_with("https://"),
                    };
                    assert!(ok, "{}: {} {:?}", country.code, line.name, c);
                    assert!(
                        c.label.chars().any(|ch| ch.is_ascii_digit())
                            || c.kind == ContactKind::Chat
                    );
                }
                if let Some(text) = &line.text {
                    assert!(
                        line.unlinked_text().is_none(),
                        "{}: {} says {text:?} but has no link for it",
                        country.code,
                        line.name
                    );
                }
            }
        }
    }

    #[test]
    fn keyword_lines_send_their_keyword() {
        let gb = directory().country("GB").unwrap();
        let shout = gb.lines.iter().find(|l| l.name == "Shout").unwrap();
        assert_eq!(shout.sms_href().as_deref(), Some("sms:85258?&body=SHOUT"));
        let us = &directory().country("US").unwrap().lines[0];
        let kinds: Vec<ContactKind> = us.contacts().iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [ContactKind::Call, ContactKind::Text, ContactKind::Chat]
        );
        let hrefs: Vec<String> = us.contacts().into_iter().map(|c| c.href).collect();
        assert_eq!(
            hrefs,
            ["tel:988", "sms:988", "https://988lifeline.org/chat/"]
        );
    }

    #[test]
    fn the_country_comes_from_the_first_language_with_a_region_we_know() {
        let dir = directory();
        let code = |h: &str| dir.country_for_languages(h).map(|c| c.code.as_str());
        assert_eq!(code("en-GB,en;q=0.9"), Some("GB"));
        assert_eq!(code("de-AT"), Some("AT"));
        assert_eq!(code("en-US;q=0.5, en-GB;q=0.8"), Some("GB"), "q order");
        assert_eq!(
            code("en-ZZ, fr-CH;q=0.7"),
            Some("CH"),
            "unknown regions skipped"
        );
        assert_eq!(code("zh-Hant-TW"), Some("TW"), "script subtag");
        assert_eq!(code("en_IE"), Some("IE"));
        assert_eq!(code("ja"), Some("JP"), "an unambiguous language");
        assert_eq!(code("en"), None, "English is spoken in many countries");
        assert_eq!(code("de, fr"), None);
        assert_eq!(code("es-419"), None, "a region that is not a country");
        assert_eq!(code("en-GB;q=0"), None, "q=0 means not wanted");
        assert_eq!(
            code("en-GB;q=abc, de-AT;q=0.1"),
            Some("AT"),
            "malformed q skipped"
        );
        assert_eq!(code(""), None);
        assert_eq!(code("*"), None);
    }

    fn tels(text: &str) -> Vec<String> {
        phone_parts(text).into_iter().filter_map(|p| p.1).collect()
    }

    #[test]
    fn phone_numbers_in_free_text_become_tel_links_and_no_words_are_lost() {
        for (text, expected) in [
            ("Mum 07700 900123", vec!["tel:07700900123"]),
            (
                "Dr Okafor (GP) +44 20 7946 0018, weekdays",
                vec!["tel:+442079460018"],
            ),
            ("Samaritans 116 123 any time", vec!["tel:116123"]),
            ("Crisis team: (020) 7946-0999", vec!["tel:02079460999"]),
            ("call 999 if I am not safe", vec!["tel:999"]),
            ("Ring 1737", vec!["tel:1737"]),
            ("Text SHOUT to 85258", vec![]),
            ("Appointment 2026-11-30 at 10:00", vec![]),
            ("walk 20 minutes, 3 times", vec![]),
            ("my 2 cats and 1 dog", vec![]),
            ("room 101", vec![]),
            ("order ABC123456", vec![]),
        ] {
            assert_eq!(tels(text), expected, "{text:?}");
            let joined: String = phone_parts(text).into_iter().map(|p| p.0).collect();
            assert_eq!(joined, text, "no words are lost in {text:?}");
        }
        assert_eq!(
            phone_parts("Jo 07700 900456 or Sam 07700 900789")
                .iter()
                .filter(|p| p.1.is_some())
                .count(),
            2
        );
        // Text that is not ASCII stays whole.
        let joined: String = phone_parts("Zoë — 0151 2345678 ✓")
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(joined, "Zoë — 0151 2345678 ✓");
    }
}
