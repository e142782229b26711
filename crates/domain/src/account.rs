//! Account rules: roles, e-mail addresses, passwords and time zones.

use crate::validation::ValidationErrors;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Longest e-mail address accepted (RFC 5321 path limit).
pub const EMAIL_MAX: usize = 254;
/// Shortest password accepted; long passphrases beat complexity rules (NIST SP 800-63B).
pub const PASSWORD_MIN: usize = 10;
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

/// Checks a new password's length; the hash is made in the app layer.
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
    Ok(())
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
    fn password_length_rules() {
        assert!(check_new_password("short").is_err());
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
