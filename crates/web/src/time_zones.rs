//! The time zones a person can choose from, by region, each shown as a place ("London
//! (Europe/London)") rather than a code to type. The list is chrono-tz's (the IANA database
//! the server checks against), without the old aliases (`GB`, `US/Eastern`) that only repeat it.

use std::fmt::Write;
use std::sync::LazyLock;

/// Regions in the order a list shows them.
const REGIONS: [&str; 10] = [
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
    "Arctic",
];

/// A region and its zones: (IANA name, label).
type Group = (&'static str, Vec<(&'static str, String)>);

/// The regions' zones, sorted by label within each region; "UTC" last.
static GROUPS: LazyLock<Vec<Group>> = LazyLock::new(|| {
    let mut groups: Vec<Group> = REGIONS.iter().map(|r| (*r, Vec::new())).collect();
    for tz in chrono_tz::TZ_VARIANTS {
        let name = tz.name();
        let Some((region, _)) = name.split_once('/') else {
            continue;
        };
        if let Some(group) = groups.iter_mut().find(|g| g.0 == region) {
            group.1.push((name, label(name)));
        }
    }
    for group in &mut groups {
        group.1.sort_by(|a, b| a.1.cmp(&b.1));
    }
    groups.retain(|g| !g.1.is_empty());
    groups.push(("Other", vec![("UTC", label("UTC"))]));
    groups
});

/// "London (Europe/London)", "Buenos Aires (America/Argentina/Buenos_Aires)", "UTC
/// (Coordinated Universal Time)".
pub fn label(name: &str) -> String {
    if name == "UTC" || name == "Etc/UTC" {
        return "UTC (Coordinated Universal Time)".to_owned();
    }
    let place = name.rsplit('/').next().unwrap_or(name).replace('_', " ");
    if place == name {
        name.to_owned()
    } else {
        format!("{place} ({name})")
    }
}

/// Whether `name` is one of the listed zones.
pub fn is_listed(name: &str) -> bool {
    GROUPS.iter().any(|g| g.1.iter().any(|z| z.0 == name))
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The `<option>`s of a time zone `<select>` with `selected` chosen. With no (valid) choice, a
/// first option asks for one; a valid zone that is not listed (an alias) is kept at the top.
pub fn options(selected: &str) -> String {
    let mut html = String::with_capacity(32 * 1024);
    let valid = selected.parse::<chrono_tz::Tz>().is_ok();
    if !valid {
        html.push_str(r#"<option value="" selected>Choose your time zone…</option>"#);
    } else if !is_listed(selected) {
        let _ = write!(
            html,
            r#"<option value="{}" selected>{}</option>"#,
            esc(selected),
            esc(&label(selected))
        );
    }
    for (region, zones) in GROUPS.iter() {
        let _ = write!(html, r#"<optgroup label="{region}">"#);
        for (name, text) in zones {
            let mark = if *name == selected { " selected" } else { "" };
            let _ = write!(
                html,
                r#"<option value="{name}"{mark}>{}</option>"#,
                esc(text)
            );
        }
        html.push_str("</optgroup>");
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_read_as_places_and_every_listed_one_is_accepted() {
        assert_eq!(label("Europe/London"), "London (Europe/London)");
        assert_eq!(
            label("America/Argentina/Buenos_Aires"),
            "Buenos Aires (America/Argentina/Buenos_Aires)"
        );
        assert!(is_listed("Europe/London") && is_listed("Pacific/Auckland") && is_listed("UTC"));
        assert!(!is_listed("US/Eastern"), "aliases are not listed twice");
        for (_, zones) in GROUPS.iter() {
            for (name, _) in zones {
                assert!(
                    enough_domain::account::parse_time_zone(name).is_ok(),
                    "{name}"
                );
            }
        }
        let html = options("Europe/London");
        assert!(
            html.contains(
                r#"<option value="Europe/London" selected>London (Europe/London)</option>"#
            )
        );
        assert!(!html.contains("Choose your time zone"));
        assert!(options("").starts_with(r#"<option value="" selected>Choose"#));
        assert!(options("Mars/Base").starts_with(r#"<option value="" selected>Choose"#));
        assert!(options("US/Eastern").starts_with(r#"<option value="US/Eastern" selected>"#));
    }
}
