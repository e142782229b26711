//! The page templates' data and the shared layout.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono_tz::Tz;
use enough_app::SignedIn;
use enough_domain::account::Role;

/// What the shared layout (header, navigation, crisis link) needs.
pub struct Layout {
    /// The page's title.
    pub title: String,
    /// The signed-in person's e-mail, if any.
    pub email: Option<String>,
    /// Whether to show admin links.
    pub is_admin: bool,
    /// Whether to show the caseload link.
    pub is_therapist: bool,
    /// The CSRF token for forms in the layout (sign-out).
    pub csrf: String,
    /// Which navigation item is current: `log`, `history`, `insights`, `measures`, `settings` or ``.
    pub nav: &'static str,
}

impl Layout {
    /// The layout for a signed-in person.
    pub fn signed_in(title: impl Into<String>, signed_in: &SignedIn, nav: &'static str) -> Self {
        Self {
            title: title.into(),
            email: Some(signed_in.user.email.clone()),
            is_admin: signed_in.user.role == Role::Admin,
            is_therapist: signed_in.user.role == Role::Therapist,
            csrf: crate::csrf::session_token(signed_in),
            nav,
        }
    }

    /// The layout for someone not signed in.
    pub fn anonymous(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            email: None,
            is_admin: false,
            is_therapist: false,
            csrf: String::new(),
            nav: "",
        }
    }

    /// The layout for a page that may or may not have someone signed in.
    pub fn maybe(
        title: impl Into<String>,
        signed_in: Option<&SignedIn>,
        nav: &'static str,
    ) -> Self {
        match signed_in {
            Some(s) => Self::signed_in(title, s, nav),
            None => Self::anonymous(title),
        }
    }
}

/// Renders a template to an HTML response (a 500 page if rendering fails).
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be shown.",
            )
                .into_response()
        }
    }
}

/// Renders with a status other than 200 (e.g. 422 for a form with errors).
pub fn render_with(status: StatusCode, template: &impl Template) -> Response {
    let mut response = render(template);
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

/// A page that only explains what went wrong.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub message: &'static str,
    /// Each problem as (field in words, possibly empty; what to do).
    pub problems: Vec<(String, String)>,
    /// The request's id, for the person to quote to their administrator.
    pub request_id: Option<String>,
}

/// A moment (seconds since 1970) as the person's own clock shows it: "3 Mar 2026, 14:05".
pub fn local_time(secs: i64, time_zone: Tz) -> String {
    let Some(utc) = chrono::DateTime::from_timestamp(secs, 0) else {
        return String::new();
    };
    utc.with_timezone(&time_zone)
        .format("%-d %b %Y, %H:%M")
        .to_string()
}

/// The day of a moment on the person's own calendar, for grouping ("Tuesday 3 March 2026").
pub fn local_day(secs: i64, time_zone: Tz) -> (chrono::NaiveDate, String) {
    let utc = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
    let date = utc.with_timezone(&time_zone).date_naive();
    (date, date.format("%A %-d %B %Y").to_string())
}

/// The clock time alone of a moment in the person's zone ("14:05").
pub fn local_clock(secs: i64, time_zone: Tz) -> String {
    let utc = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
    utc.with_timezone(&time_zone).format("%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::{Tz, local_day, local_time};

    #[test]
    fn times_are_shown_on_the_persons_own_clock() {
        // 2026-07-01 12:00 UTC is 13:00 in Dublin (summer time) and 22:00 in Brisbane.
        let noon = 1_782_907_200;
        assert_eq!(local_time(noon, Tz::Europe__Dublin), "1 Jul 2026, 13:00");
        assert_eq!(
            local_time(noon, Tz::Australia__Brisbane),
            "1 Jul 2026, 22:00"
        );
        // 23:30 UTC on 1 July is already 2 July in Brisbane.
        assert_eq!(
            local_day(noon + 41_400, Tz::Australia__Brisbane).1,
            "Thursday 2 July 2026"
        );
    }
}

/// A sentence written to the person, as their therapist reads it: the advice addressed to the
/// person ("It may help to talk it over with … your therapist.") is left out; the finding stays.
pub fn without_advice(sentence: &str) -> String {
    match sentence.find(" It may help to talk it over") {
        Some(i) => sentence[..i].to_owned(),
        None => sentence.to_owned(),
    }
}

/// A finding written to the person ("your mood averaged …", "mornings you went outside"), as
/// someone else reads it about them ("their mood", "they went"). The findings only use "you"
/// as a subject and "your" as a possessive, which "they" and "their" replace word for word.
pub fn their_voice(sentence: &str) -> String {
    let mut out = String::with_capacity(sentence.len() + 8);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(match word.as_str() {
            "you" => "they",
            "You" => "They",
            "your" => "their",
            "Your" => "Their",
            "yours" => "theirs",
            "yourself" => "themselves",
            other => other,
        });
        word.clear();
    };
    for c in sentence.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod voice_tests {
    use super::{their_voice, without_advice};

    #[test]
    fn a_therapist_reads_findings_about_the_person_not_to_them() {
        assert_eq!(
            their_voice("On the 9 mornings you went outside, your mood averaged 6.4."),
            "On the 9 mornings they went outside, their mood averaged 6.4."
        );
        assert_eq!(
            their_voice("Your mood was higher; young yourself"),
            "Their mood was higher; young themselves"
        );
        assert_eq!(
            without_advice(
                "This is reliably worse. It may help to talk it over with your therapist."
            ),
            "This is reliably worse."
        );
    }
}
