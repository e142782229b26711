//! The crisis directory: how to reach help now, by country. Compiled in from
//! `content/crisis_lines.json` so that it works offline and can be reviewed without Rust.

use serde::Deserialize;
use std::sync::OnceLock;

/// One crisis or support line.
#[derive(Debug, Clone, Deserialize)]
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
#[derive(Debug, Clone, Deserialize)]
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
#[derive(Debug, Clone, Deserialize)]
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
            assert!(!country.emergency.is_empty(), "{code} emergency number");
            assert!(!country.lines.is_empty(), "{code} lines");
            for line in &country.lines {
                assert!(line.source.starts_with("https://"), "{} source", line.name);
                assert!(
                    line.phone.is_some() || line.text.is_some(),
                    "{} reachable",
                    line.name
                );
            }
        }
        assert_eq!(directory().countries.len(), parsed.countries.len());
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
