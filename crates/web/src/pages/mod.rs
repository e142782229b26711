//! HTML pages. Every handler reads like a sentence: parse, authorise (through the app), call one
//! use case, render.

mod account;
pub(crate) mod calendar;
pub(crate) mod care;
mod crisis;
mod day;
mod experiment;
mod history;
mod homework;
mod import;
pub(crate) mod insights;
mod measure_history;
mod measures;
mod more;
mod safety;
mod settings;
mod steps;
mod summary;
mod toolkit;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(day::home))
        .route("/healthz", get(healthz))
        .route("/setup", get(account::setup_page).post(account::setup))
        .route(
            "/sign-in",
            get(account::sign_in_page).post(account::sign_in),
        )
        .route(
            "/sign-up",
            get(account::sign_up_page).post(account::sign_up),
        )
        .route("/sign-out", post(account::sign_out))
        .route("/days", post(day::save))
        .route("/days/quick", post(day::quick_save))
        .route("/days/{date}", get(day::edit_page))
        .route(
            "/days/{date}/delete",
            get(day::delete_page).post(day::delete),
        )
        .route("/history", get(history::page))
        .route("/insights", get(insights::page))
        .route("/experiment", get(experiment::page).post(experiment::start))
        .route("/experiment/{id}/abandon", post(experiment::abandon))
        .route("/experiment/{id}/swap", post(experiment::swap))
        .route("/insights/reflection", post(insights::save_reflection))
        .route("/more", get(more::page))
        .route("/settings", get(settings::page))
        .route("/settings/profile", get(settings::profile))
        .route("/settings/reminders", get(settings::reminders))
        .route("/settings/data", get(settings::data))
        .route("/settings/sessions", get(settings::sessions))
        .route("/settings/server", get(settings::server))
        .route("/settings/time-zone", post(settings::time_zone))
        .route("/settings/location", post(settings::location))
        .route("/settings/delete", post(settings::delete_account))
        .route("/export.json", get(settings::export))
        .route("/export.zip", get(settings::export_csv))
        .route("/export.fhir.json", get(settings::export_fhir))
        .route("/account-deleted", get(settings::deleted))
        .route("/settings/tokens", post(settings::create_token))
        .route("/settings/tokens/{id}/revoke", post(settings::revoke_token))
        .route("/settings/sessions/{id}/end", post(settings::end_session))
        .route("/settings/sign-up", post(settings::sign_up_switch))
        .route("/settings/password", post(settings::change_password))
        .route(
            "/settings/sign-out-everywhere",
            post(settings::sign_out_everywhere),
        )
        .route("/admin/accounts", get(settings::admin_accounts))
        .route(
            "/admin/accounts/{id}/{action}",
            post(settings::admin_set_disabled),
        )
        .route("/crisis", get(crisis::page))
        .route("/import", get(import::page))
        .route(
            "/import/preview",
            post(import::preview).layer(axum::extract::DefaultBodyLimit::max(
                import::UPLOAD_LIMIT_BYTES,
            )),
        )
        .route(
            "/import/apply",
            post(import::apply).layer(axum::extract::DefaultBodyLimit::max(
                import::UPLOAD_LIMIT_BYTES,
            )),
        )
        .route("/activities", get(steps::week).post(steps::plan))
        .route(
            "/activities/{id}",
            get(steps::outcome_page).post(steps::record_outcome),
        )
        .route("/activities/{id}/delete", post(steps::delete_activity))
        .route("/programmes", get(steps::programmes_page))
        .route("/programmes/{id}/start", post(steps::start_programme))
        .route(
            "/programmes/runs/{run}/days/{day}",
            post(steps::complete_day),
        )
        .route("/programmes/runs/{run}/stop", post(steps::stop_programme))
        .route("/care", get(care::caseload))
        .route("/care/invitations", post(care::create_invitation))
        .route(
            "/care/invitations/{id}/revoke",
            post(care::revoke_invitation),
        )
        .route("/care/people/{id}", get(care::person_page))
        .route("/care/people/{id}/insights", get(care::person_insights))
        .route(
            "/care/people/{id}/exercises/{approach}",
            get(care::person_exercises),
        )
        .route("/care/people/{id}/measures", get(care::person_measures))
        .route("/care/people/{id}/safety", get(care::person_safety))
        .route("/care/people/{id}/programmes", post(care::assign_programme))
        .route("/join", get(care::join_page).post(care::join))
        .route("/sharing", get(care::sharing_page))
        .route("/sharing/{id}", post(care::set_sharing))
        .route("/sharing/{id}/end", post(care::end_link))
        .route("/toolkit", get(toolkit::catalogue_page))
        .route("/toolkit/journal", get(toolkit::journal_page))
        .route("/toolkit/progress", get(toolkit::progress_page))
        .route("/toolkit/timer", get(toolkit::timer_page))
        .route("/toolkit/resume", post(toolkit::resume))
        .route("/toolkit/{kind}", post(toolkit::create))
        .route("/toolkit/{kind}/new", get(toolkit::new_page))
        .route(
            "/toolkit/entries/{id}",
            get(toolkit::edit_page).post(toolkit::update),
        )
        .route(
            "/toolkit/entries/{id}/delete",
            get(toolkit::delete_page).post(toolkit::delete),
        )
        .route("/toolkit/entries/{id}/attempts", post(toolkit::add_attempt))
        .route("/safety-plan", get(safety::plan_page).post(safety::save))
        .route("/safety-plan/edit", get(safety::edit_page))
        .route("/support", get(safety::support_page))
        .route("/settings/country", post(safety::set_country))
        .route("/measures", get(measures::list))
        .route(
            "/measures/{id}",
            get(measures::form_page).post(measures::submit),
        )
        .route("/measures/{id}/schedule", post(measures::schedule))
        .route("/measures/{id}/history", get(measure_history::history))
        .route(
            "/measures/{id}/result/{response_id}",
            get(measure_history::result),
        )
        .route(
            "/measures/{id}/result/{response_id}/delete",
            post(measure_history::delete),
        )
        // Homework, session summaries and the calendar feed.
        .route("/homework", get(homework::mine))
        .route(
            "/care/people/{id}/homework",
            get(homework::for_person).post(homework::assign),
        )
        .route(
            "/care/people/{id}/homework/{homework_id}/cancel",
            post(homework::cancel),
        )
        .route("/summary", get(summary::own))
        .route("/care/people/{id}/summary", get(summary::for_person))
        .route("/settings/calendar", post(calendar::create))
        .route("/settings/calendar/revoke", post(calendar::revoke))
        .route("/calendar/{file}", get(calendar::feed))
}

/// The bare endpoint: proves the process answers, touches no storage (benchmark baseline).
async fn healthz() -> &'static str {
    "ok"
}
