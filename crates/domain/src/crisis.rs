//! The crisis directory: how to reach help now, by country. Compiled in from
//! `content/crisis_lines.json` so that it works offline and can be reviewed without Rust.

use serde::Deserialize;
use std::sync::OnceLock;

/// One crisis or support line.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct CrisisLine {
    /// The service's name.
    pub name: String,
    /// Number to call, if the service takes calls.
    pub phone: Option<String>,
    /// How to reach it by text message, if it can be.
    pub text: Option<String>,
    /// Web chat address, if any.
    pub chat: Option<String>,
    /// Opening hours, e.g. "24/7".
    pub hours: String,
    /// Where the details were taken from.
    pub source: String,
    /// When they were last checked (YYYY-MM-DD).
    pub checked: String,
}

impl CrisisLine {
    /// The phone number as a `tel:` link target (digits and `+` only).
    pub fn tel_href(&self) -> Option<String> {
        self.phone.as_ref().map(|p| {
            let digits: String = p
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect();
            format!("tel:{digits}")
        })
    }
}

/// The lines of one country.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
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
}
