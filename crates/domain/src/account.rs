//! Account rules: roles, e-mail addresses, passwords and time zones.

use crate::validation::ValidationErrors;
pub use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Longest e-mail address accepted (RFC 5321 path limit).
pub const EMAIL_MAX: usize = 254;
/// Shortest password accepted when one is set; long passphrases beat complexity rules
/// (NIST SP 800-63B §5.1.1.2; accounts with older, shorter passwords keep signing in).
pub const PASSWORD_MIN: usize = 12;
/// Longest password accepted, so hashing cost stays bounded.
pub const PASSWORD_MAX: usize = 256;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A client or solo user who owns their own data.
    Person,
    /// A therapist; sees a person's data only when that person shares it.
    Therapist,
    /// Manages accounts; never reads entries.
    Admin,
}

impl Role {
    /// The name used in storage, the CLI and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Person => "person",
            Role::Therapist => "therapist",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ValidationErrors;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "person" => Ok(Role::Person),
            "therapist" => Ok(Role::Therapist),
            "admin" => Ok(Role::Admin),
            _ => Err(ValidationErrors::single(
                "role",
                "Role must be one of: person, therapist, admin.",
            )),
        }
    }
}

/// A normalised (trimmed, lower-cased) e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Email(String);

impl Email {
    /// Checks the address's shape (one `@`, a dotted domain, no spaces) and normalises it.
    pub fn parse(raw: &str) -> Result<Self, ValidationErrors> {
        let email = raw.trim().to_lowercase();
        let bad = |msg: &str| Err(ValidationErrors::single("email", msg));
        if email.is_empty() {
            return bad("Please enter your e-mail address.");
        }
        if email.chars().count() > EMAIL_MAX {
            return bad("That e-mail address is too long (at most 254 characters).");
        }
        let Some((local, domain)) = email.split_once('@') else {
            return bad("An e-mail address needs an @, like name@example.org.");
        };
        let valid_domain = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty()
            || domain.contains('@')
            || !valid_domain
            || email.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return bad("That does not look like an e-mail address, e.g. name@example.org.");
        }
        Ok(Self(email))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The 49,233 most common passwords, lower-cased, one a line: the `passwords` dictionary of the
/// npm package `@zxcvbn-ts/language-common` 4.1.3 (MIT, © Dan Wheeler, Dropbox and @zxcvbn-ts;
/// see `content/common-passwords.LICENSE`), itself from leaked-password frequency lists.
const COMMON_PASSWORDS: &str = include_str!("../content/common-passwords.txt");

fn common_passwords() -> &'static std::collections::HashSet<&'static str> {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| COMMON_PASSWORDS.lines().filter(|l| !l.is_empty()).collect())
}

/// True when `password` is a well-known one: on the bundled list (ignoring case and trailing
/// digits or symbols, as in "Password2024!"), or one short piece repeated ("aaaaaaaaaaaa",
/// "abcabcabcabc"), as NIST SP 800-63B §5.1.1.2 asks verifiers to refuse.
pub fn is_common_password(password: &str) -> bool {
    let lower = password.to_lowercase();
    let list = common_passwords();
    if list.contains(lower.as_str()) {
        return true;
    }
    let stem = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    if stem.chars().count() >= 4 && stem.len() < lower.len() && list.contains(stem) {
        return true;
    }
    let chars: Vec<char> = lower.chars().collect();
    (1..=4).any(|unit| {
        chars.len() >= unit * 2
            && chars.len().is_multiple_of(unit)
            && chars.chunks(unit).all(|c| c == &chars[..unit])
    }) || is_run(&chars)
}

/// "1234567890123", "abcdefghijklm": each character one more (or one less) than the last.
fn is_run(chars: &[char]) -> bool {
    let steps: Vec<i64> = chars
        .windows(2)
        .map(|w| i64::from(u32::from(w[1])) - i64::from(u32::from(w[0])))
        .collect();
    let digits_wrap = |d: i64| d == 1 || d == -9 || d == -1 || d == 9;
    !steps.is_empty()
        && (steps.iter().all(|d| *d == 1)
            || steps.iter().all(|d| *d == -1)
            || (chars.iter().all(char::is_ascii_digit) && steps.iter().all(|d| digits_wrap(*d))))
}

/// A short, kind hint on how strong a new password is (never a refusal on its own).
pub fn password_hint(password: &str) -> &'static str {
    let len = password.chars().count();
    let words = password.split_whitespace().count();
    if len < PASSWORD_MIN || is_common_password(password) {
        "Too easy to guess: try three or four unrelated words together."
    } else if len >= 20 || words >= 4 {
        "Strong: long and not a common password."
    } else {
        "Good enough; one more unrelated word would make it stronger."
    }
}

/// Checks a new password: length and not a common one; the hash is made in the app layer.
pub fn check_new_password(password: &str) -> Result<(), ValidationErrors> {
    let len = password.chars().count();
    if len < PASSWORD_MIN {
        return Err(ValidationErrors::single(
            "password",
            format!(
                "Please choose a password of at least {PASSWORD_MIN} characters; a few words together work well."
            ),
        ));
    }
    if len > PASSWORD_MAX {
        return Err(ValidationErrors::single(
            "password",
            format!("Passwords can be at most {PASSWORD_MAX} characters."),
        ));
    }
    if is_common_password(password) {
        return Err(ValidationErrors::single(
            "password",
            "That password is one of the most common ones, so it is easy to guess. Please choose \
             another; a few unrelated words together work well.",
        ));
    }
    Ok(())
}

/// An account as the rest of the app sees it (no password hash). The store reads it; its
/// time zone is parsed once, when the row is read (an unknown zone in the database is an
/// error, never a silent UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Stable id.
    pub id: crate::ids::PersonId,
    /// Normalised e-mail address.
    pub email: String,
    /// What the account may do.
    pub role: Role,
    /// The person's time zone, e.g. `Europe/Dublin` (`time_zone.name()` is the IANA name).
    pub time_zone: Tz,
    /// ISO 3166 country code chosen for crisis lines, if any.
    pub country: Option<String>,
    /// When it was created (Unix seconds).
    pub created_at: i64,
}

/// Parses an IANA time zone name such as `Europe/Dublin`.
pub fn parse_time_zone(raw: &str) -> Result<Tz, ValidationErrors> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(ValidationErrors::single(
            "time_zone",
            "Please choose your time zone, e.g. Europe/London.",
        ));
    }
    Tz::from_str(name).map_err(|_| {
        ValidationErrors::single(
            "time_zone",
            format!(
                "\"{}\" is not a time zone we know; use a name like Europe/London or America/Toronto.",
                truncate(name, 60)
            ),
        )
    })
}

/// Cuts `s` to at most `max` characters, for echoing input back in a message.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised() {
        let email = Email::parse("  Ana@Example.ORG ").unwrap();
        assert_eq!(email.as_str(), "ana@example.org");
    }

    #[test]
    fn malformed_emails_are_refused_with_the_field_named() {
        for raw in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "a b@example.org",
            "ana@@x.org",
            "ana@x..org",
        ] {
            let err = Email::parse(raw).unwrap_err();
            assert_eq!(err.0[0].field, "email", "{raw:?}");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert!(
            Email::parse(&long).unwrap_err().0[0]
                .message
                .contains("too long")
        );
    }

    #[test]
    fn common_and_patterned_passwords_are_refused() {
        for weak in [
            "aaaaaaaaaaaa",
            "abcabcabcabc",
            "123456789012",
            "qwertyuiop1234",
            "Password1234",
            "iloveyou1234!",
            "abcdefghijklmn",
            "1qaz2wsx3edc",
        ] {
            assert!(check_new_password(weak).is_err(), "{weak}");
        }
        for fine in [
            "correct horse battery",
            "lantern-pebble-ochre",
            "a long enough password",
        ] {
            assert!(check_new_password(fine).is_ok(), "{fine}");
        }
        assert!(password_hint("lantern pebble ochre whistle").starts_with("Strong"));
        assert!(password_hint("aaaaaaaaaaaa").starts_with("Too easy"));
    }

    #[test]
    fn password_length_rules() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("elevenchars").is_err());
        assert!(check_new_password("correct horse").is_ok());
        assert!(check_new_password(&"x".repeat(PASSWORD_MAX + 1)).is_err());
    }

    #[test]
    fn time_zones_by_iana_name() {
        assert_eq!(
            parse_time_zone("Europe/Dublin").unwrap(),
            chrono_tz::Europe::Dublin
        );
        let err = parse_time_zone("Mars/Olympus").unwrap_err();
        assert!(err.0[0].message.contains("Mars/Olympus"));
        assert!(parse_time_zone(" ").is_err());
    }

    #[test]
    fn roles_round_trip() {
        for role in [Role::Person, Role::Therapist, Role::Admin] {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!("root".parse::<Role>().is_err());
    }
}
