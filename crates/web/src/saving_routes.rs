//! Every route that can save something, with how it meets the one safety decision. A test
//! reads the real router (axum's own description of it) and fails when a POST, PUT or PATCH
//! route is missing here, when an entry is no longer routed, or when a `SafetyChecked` entry
//! names a test that `crates/enough/tests/it/safety_paths.rs` does not have.

/// How a saving route meets the app's safety decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) enum Safety {
    /// Its use case calls `App::safety_decision`; the web layer shows the outcome. The text
    /// names the test in `crates/enough/tests/it/safety_paths.rs` that proves it.
    SafetyChecked(&'static str),
    /// Nothing the person writes about themselves enters here; the text says why.
    NoFreeText(&'static str),
}

use Safety::{NoFreeText, SafetyChecked};

const ACCOUNT: &str =
    "account credentials, names of devices and settings: no words about how the person is";
const DELETE: &str = "only removes or ends something; nothing is written";
const CHOICE: &str = "a choice from fixed options or numbers only";
const THERAPIST: &str = "a therapist's words to a client, not the person's words about themselves";

/// Every saving route: `(method, path as routed, classification)`. API paths start `/api/v1`.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const SAVING_ROUTES: &[(&str, &str, Safety)] = &[
    // Pages.
    ("POST", "/setup", NoFreeText(ACCOUNT)),
    ("POST", "/sign-in", NoFreeText(ACCOUNT)),
    ("POST", "/sign-up", NoFreeText(ACCOUNT)),
    ("POST", "/sign-out", NoFreeText(ACCOUNT)),
    ("POST", "/settings/password", NoFreeText(ACCOUNT)),
    ("POST", "/settings/sign-out-everywhere", NoFreeText(ACCOUNT)),
    ("POST", "/admin/accounts/{id}/{action}", NoFreeText(ACCOUNT)),
    ("POST", "/api/v1/account/password", NoFreeText(ACCOUNT)),
    ("POST", "/days", SafetyChecked("day_form_and_api")),
    ("POST", "/days/quick", SafetyChecked("day_form_and_api")),
    ("POST", "/days/{date}/delete", NoFreeText(DELETE)),
    ("POST", "/experiment", NoFreeText(CHOICE)),
    ("POST", "/experiment/{id}/abandon", NoFreeText(DELETE)),
    ("POST", "/experiment/{id}/swap", NoFreeText(CHOICE)),
    ("POST", "/insights/reflection", SafetyChecked("reflections")),
    ("POST", "/settings/time-zone", NoFreeText(CHOICE)),
    (
        "POST",
        "/settings/location",
        NoFreeText("a place name or coordinates"),
    ),
    ("POST", "/settings/delete", NoFreeText(DELETE)),
    ("POST", "/settings/tokens", NoFreeText(ACCOUNT)),
    ("POST", "/settings/tokens/{id}/revoke", NoFreeText(DELETE)),
    ("POST", "/settings/sessions/{id}/end", NoFreeText(DELETE)),
    ("POST", "/settings/sign-up", NoFreeText(CHOICE)),
    (
        "POST",
        "/import/preview",
        NoFreeText("a preview: nothing is written"),
    ),
    ("POST", "/import/apply", SafetyChecked("imports")),
    ("POST", "/activities", SafetyChecked("activities")),
    ("POST", "/activities/{id}", SafetyChecked("activities")),
    ("POST", "/activities/{id}/delete", NoFreeText(DELETE)),
    ("POST", "/programmes/{id}/start", NoFreeText(CHOICE)),
    (
        "POST",
        "/programmes/runs/{run}/days/{day}",
        NoFreeText(CHOICE),
    ),
    ("POST", "/programmes/runs/{run}/stop", NoFreeText(DELETE)),
    ("POST", "/care/invitations", NoFreeText(ACCOUNT)),
    ("POST", "/care/invitations/{id}/revoke", NoFreeText(DELETE)),
    (
        "POST",
        "/care/people/{id}/programmes",
        NoFreeText(THERAPIST),
    ),
    ("POST", "/join", NoFreeText(ACCOUNT)),
    ("POST", "/sharing/{id}", NoFreeText(CHOICE)),
    ("POST", "/sharing/{id}/end", NoFreeText(DELETE)),
    (
        "POST",
        "/toolkit/resume",
        NoFreeText("signs in again and shows the kept form; nothing is saved until it is posted"),
    ),
    ("POST", "/toolkit/{kind}", SafetyChecked("exercises")),
    ("POST", "/toolkit/entries/{id}", SafetyChecked("exercises")),
    ("POST", "/toolkit/entries/{id}/delete", NoFreeText(DELETE)),
    (
        "POST",
        "/toolkit/entries/{id}/attempts",
        SafetyChecked("exercises"),
    ),
    (
        "POST",
        "/safety-plan",
        SafetyChecked("safety_plan_text_records_no_event"),
    ),
    ("POST", "/settings/country", NoFreeText(CHOICE)),
    ("POST", "/measures/{id}", SafetyChecked("questionnaires")),
    ("POST", "/measures/{id}/schedule", NoFreeText(CHOICE)),
    (
        "POST",
        "/measures/{id}/result/{response_id}/delete",
        NoFreeText(DELETE),
    ),
    ("POST", "/care/people/{id}/homework", NoFreeText(THERAPIST)),
    (
        "POST",
        "/care/people/{id}/homework/{homework_id}/cancel",
        NoFreeText(DELETE),
    ),
    ("POST", "/settings/calendar", NoFreeText(ACCOUNT)),
    ("POST", "/settings/calendar/revoke", NoFreeText(DELETE)),
    // JSON API.
    (
        "PUT",
        "/api/v1/days/{date}",
        SafetyChecked("day_form_and_api"),
    ),
    (
        "PATCH",
        "/api/v1/days/{date}",
        SafetyChecked("day_form_and_api"),
    ),
    (
        "PUT",
        "/api/v1/location",
        NoFreeText("a place name or coordinates"),
    ),
    (
        "PUT",
        "/api/v1/reflections/{date}",
        SafetyChecked("reflections"),
    ),
    ("POST", "/api/v1/experiments", NoFreeText(CHOICE)),
    (
        "POST",
        "/api/v1/experiments/{id}/abandon",
        NoFreeText(DELETE),
    ),
    ("POST", "/api/v1/experiments/{id}/swap", NoFreeText(CHOICE)),
    ("POST", "/api/v1/exercises", SafetyChecked("exercises")),
    ("PUT", "/api/v1/exercises/{id}", SafetyChecked("exercises")),
    (
        "POST",
        "/api/v1/exercises/{id}/ladder-attempts",
        SafetyChecked("exercises"),
    ),
    (
        "PUT",
        "/api/v1/safety-plan",
        SafetyChecked("safety_plan_text_records_no_event"),
    ),
    (
        "POST",
        "/api/v1/measures/{id}/responses",
        SafetyChecked("questionnaires"),
    ),
    (
        "PUT",
        "/api/v1/measures/{id}/draft",
        SafetyChecked("questionnaires"),
    ),
    ("PUT", "/api/v1/measures/{id}/schedule", NoFreeText(CHOICE)),
    ("POST", "/api/v1/activities", SafetyChecked("activities")),
    (
        "PUT",
        "/api/v1/activities/{id}/outcome",
        SafetyChecked("activities"),
    ),
    ("POST", "/api/v1/programmes/{id}/start", NoFreeText(CHOICE)),
    (
        "POST",
        "/api/v1/programme-runs/{run}/days/{day}",
        NoFreeText(CHOICE),
    ),
    (
        "POST",
        "/api/v1/programme-runs/{run}/stop",
        NoFreeText(DELETE),
    ),
    (
        "POST",
        "/api/v1/care/people/{id}/programmes",
        NoFreeText(THERAPIST),
    ),
    (
        "POST",
        "/api/v1/care/people/{id}/homework",
        NoFreeText(THERAPIST),
    ),
    (
        "POST",
        "/api/v1/care/people/{id}/homework/{homework_id}/cancel",
        NoFreeText(DELETE),
    ),
    ("PUT", "/api/v1/calendar-feed", NoFreeText(ACCOUNT)),
    ("POST", "/api/v1/care/invitations", NoFreeText(ACCOUNT)),
    (
        "POST",
        "/api/v1/care/invitations/{id}/revoke",
        NoFreeText(DELETE),
    ),
    ("POST", "/api/v1/care/join", NoFreeText(ACCOUNT)),
    ("PUT", "/api/v1/care/links/{id}", NoFreeText(CHOICE)),
    ("POST", "/api/v1/care/links/{id}/end", NoFreeText(DELETE)),
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use std::collections::BTreeSet;

    /// The methods that can bring words or answers in.
    const SAVING: [&str; 3] = ["post", "put", "patch"];

    /// `(METHOD, path)` of every saving route of a router.
    fn saving_routes_of(router: &axum::Router<crate::AppState>) -> BTreeSet<(String, String)> {
        crate::route_table::routes_of(router)
            .into_iter()
            .filter(|(method, _)| SAVING.contains(&method.to_lowercase().as_str()))
            .collect()
    }

    #[test]
    fn every_saving_route_is_classified_for_safety() {
        let routed = saving_routes_of(&crate::routes());
        let classified: BTreeSet<(String, String)> = SAVING_ROUTES
            .iter()
            .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
            .collect();
        let missing: Vec<String> = routed
            .difference(&classified)
            .map(|(m, p)| format!("{m} {p}"))
            .collect();
        assert!(
            missing.is_empty(),
            "These saving routes have no safety classification: {missing:?}. Add each to \
             SAVING_ROUTES in crates/web/src/saving_routes.rs: SafetyChecked(\"<test in \
             crates/enough/tests/it/safety_paths.rs>\") when its use case calls \
             App::safety_decision and the handler shows the outcome, or NoFreeText(\"<why>\") \
             when nothing the person writes about themselves enters there."
        );
        let stale: Vec<String> = classified
            .difference(&routed)
            .map(|(m, p)| format!("{m} {p}"))
            .collect();
        assert!(
            stale.is_empty(),
            "Classified but not routed (remove them): {stale:?}"
        );
        // Each covered route names a test that exists in the integration tests.
        let proofs = include_str!("../../enough/tests/it/safety_paths.rs");
        for (m, p, safety) in SAVING_ROUTES {
            let (SafetyChecked(why) | NoFreeText(why)) = safety;
            assert!(
                why.len() > 5,
                "{m} {p}: say which test proves it, or why it is exempt"
            );
            if let SafetyChecked(test) = safety {
                assert!(
                    proofs.contains(&format!("async fn {test}() {{")),
                    "{m} {p}: no test `{test}` in crates/enough/tests/it/safety_paths.rs"
                );
            }
        }
        println!("{} saving routes, every one classified", routed.len());
    }
}
