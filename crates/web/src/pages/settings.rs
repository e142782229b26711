//! Settings as a few short pages: profile & place, reminders & calendar, your data, sessions &
//! tokens, and (for administrators) the server. Privacy & sharing is the sharing page.

use crate::error::PageError;
use crate::identity::SignedInPage;
use crate::views::local_time;
use crate::views::{Layout, render_with};
use crate::{AppState, csrf};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use enough_app::{AppError, SignedIn};
use enough_domain::ValidationErrors;
use enough_domain::{PersonId, SessionId, TokenId};
use serde::Deserialize;

struct TokenRow {
    id: TokenId,
    name: String,
    created: String,
    last_used: String,
    revoked: bool,
}

struct SessionRow {
    id: SessionId,
    agent: String,
    created: String,
    last_seen: String,
    current: bool,
}

/// One settings page; the index lists them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Section {
    Index,
    Profile,
    Reminders,
    Data,
    Sessions,
    Server,
}

impl Section {
    fn title(self) -> &'static str {
        match self {
            Section::Index => "Settings",
            Section::Profile => "Profile & place",
            Section::Reminders => "Reminders & calendar",
            Section::Data => "Your data",
            Section::Sessions => "Sessions & tokens",
            Section::Server => "Server",
        }
    }

    /// The name the template switches on.
    fn key(self) -> &'static str {
        match self {
            Section::Index => "index",
            Section::Profile => "profile",
            Section::Reminders => "reminders",
            Section::Data => "data",
            Section::Sessions => "sessions",
            Section::Server => "server",
        }
    }
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    /// Which page of the settings: `index`, `profile`, `reminders`, `data`, `sessions`, `server`.
    section: &'static str,
    /// How many other browsers are signed in (the current one is listed on its own).
    other_sessions: usize,
    flash: Option<String>,
    email: String,
    today: String,
    time_zone: String,
    /// `offer`: the browser's zone is offered when it differs from the saved one.
    tz_detect: &'static str,
    errors: ValidationErrors,
    new_secret: Option<String>,
    tokens: Vec<TokenRow>,
    sessions: Vec<SessionRow>,
    sign_up_open: bool,
    export_version: u32,
    place: Option<String>,
    city: String,
    latitude: String,
    longitude: String,
    /// The calendar feed's reminder time, when the person has a feed.
    calendar_time: Option<String>,
}

/// Shortens a User-Agent to something a person recognises.
fn browser_name(agent: &str) -> String {
    let browser = ["Firefox", "Edg", "Chrome", "Safari"]
        .into_iter()
        .find(|b| agent.contains(b))
        .map(|b| if b == "Edg" { "Edge" } else { b });
    let system = ["Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux"]
        .into_iter()
        .find(|s| agent.contains(s));
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b.to_owned(),
        _ => agent.chars().take(40).collect(),
    }
}

struct Extras {
    location_form: Option<LocationForm>,
    flash: Option<String>,
    errors: ValidationErrors,
    new_secret: Option<String>,
    time_zone: Option<String>,
}

async fn settings_page(
    state: &AppState,
    signed_in: &SignedIn,
    section: Section,
    extras: Extras,
) -> Result<SettingsPage, PageError> {
    let user = &signed_in.user;
    if section == Section::Server && user.role != enough_domain::account::Role::Admin {
        return Err(PageError::Forbidden);
    }
    let tz = user.time_zone;
    let when = |secs: i64| local_time(secs, tz);
    let current = signed_in.session.as_ref().map(|s| s.id);
    let tokens = state.app.tokens(user).await?;
    let sessions = state.app.sessions(user).await?;
    let location = state.app.location(user).await?;
    let place = location.as_ref().map(|l| {
        if l.place.is_empty() {
            format!("{:.3}, {:.3}", l.latitude, l.longitude)
        } else {
            l.place.clone()
        }
    });
    let form = extras.location_form.unwrap_or_default();
    let sessions: Vec<SessionRow> = sessions
        .into_iter()
        .map(|s| SessionRow {
            id: s.id,
            agent: browser_name(&s.user_agent),
            created: when(s.created_at),
            last_seen: when(s.last_seen_at),
            current: Some(s.id) == current,
        })
        .collect();
    Ok(SettingsPage {
        layout: Layout::signed_in(section.title(), signed_in, "settings"),
        section: section.key(),
        other_sessions: sessions.iter().filter(|s| !s.current).count(),
        flash: extras.flash,
        email: user.email.clone(),
        today: super::day::long_date(state.app.today(user)),
        time_zone: extras
            .time_zone
            .unwrap_or_else(|| user.time_zone.name().to_owned()),
        tz_detect: "offer",
        errors: extras.errors,
        new_secret: extras.new_secret,
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id,
                name: t.name,
                created: when(t.created_at),
                last_used: t
                    .last_used_at
                    .map(&when)
                    .unwrap_or_else(|| "never".to_owned()),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
        sessions,
        sign_up_open: state.app.sign_up_open().await?,
        export_version: enough_app::EXPORT_VERSION,
        place,
        city: form.city,
        latitude: form.latitude,
        longitude: form.longitude,
        calendar_time: state
            .app
            .calendar_feed(user)
            .await?
            .map(|f| f.reminder_time),
    })
}

/// The settings page again, with the person's input and what was wrong (422).
async fn refused(
    state: &AppState,
    signed_in: &SignedIn,
    section: Section,
    extras: Extras,
) -> Result<Response, PageError> {
    let page = settings_page(state, signed_in, section, extras).await?;
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

fn no_extras(flash: Option<String>) -> Extras {
    Extras {
        location_form: None,
        flash,
        errors: ValidationErrors::default(),
        new_secret: None,
        time_zone: None,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct FlashQuery {
    done: String,
}

/// The settings index: a short list of the pages below.
pub async fn page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    query: axum::extract::Query<FlashQuery>,
) -> Result<Response, PageError> {
    section_page(&state, &signed_in, Section::Index, &query.done).await
}

pub async fn profile(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    query: axum::extract::Query<FlashQuery>,
) -> Result<Response, PageError> {
    section_page(&state, &signed_in, Section::Profile, &query.done).await
}

pub async fn reminders(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    query: axum::extract::Query<FlashQuery>,
) -> Result<Response, PageError> {
    section_page(&state, &signed_in, Section::Reminders, &query.done).await
}

pub async fn data(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    query: axum::extract::Query<FlashQuery>,
) -> Result<Response, PageError> {
    section_page(&state, &signed_in, Section::Data, &query.done).await
}

pub async fn sessions(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    query: axum::extract::Query<FlashQuery>,
) -> Result<Response, PageError> {
    section_page(&state, &signed_in, Section::Sessions, &query.done).await
}

pub async fn server(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    query: axum::extract::Query<FlashQuery>,
) -> Result<Response, PageError> {
    section_page(&state, &signed_in, Section::Server, &query.done).await
}

async fn section_page(
    state: &AppState,
    signed_in: &SignedIn,
    section: Section,
    done: &str,
) -> Result<Response, PageError> {
    let flash = match done {
        "time-zone" => Some("Time zone saved.".to_owned()),
        "revoked" => Some("Token revoked. It no longer works.".to_owned()),
        "session" => Some("Signed out of that browser.".to_owned()),
        "calendar-revoked" => {
            Some("Calendar feed revoked. Its address no longer works.".to_owned())
        }
        "sign-up" => Some("Sign-up setting saved.".to_owned()),
        "location" => Some("Location saved.".to_owned()),
        "password" => Some(
            "Password changed. Your other browsers were signed out and your tokens revoked."
                .to_owned(),
        ),
        _ => None,
    };
    let page = settings_page(state, signed_in, section, no_extras(flash)).await?;
    Ok(render_with(StatusCode::OK, &page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct TimeZoneForm {
    csrf: String,
    time_zone: String,
}

pub async fn time_zone(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(form): Form<TimeZoneForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state
        .app
        .set_time_zone(&signed_in.user, &form.time_zone)
        .await
    {
        Ok(_) => Ok(Redirect::to("/settings/profile?done=time-zone").into_response()),
        Err(AppError::Validation(errors)) => {
            let extras = Extras {
                errors,
                time_zone: Some(form.time_zone),
                ..no_extras(None)
            };
            refused(&state, &signed_in, Section::Profile, extras).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct TokenForm {
    csrf: String,
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    let (status, extras) = match state.app.create_token(&signed_in.user, &form.name).await {
        Ok((_, secret)) => (
            StatusCode::OK,
            Extras {
                new_secret: Some(secret),
                ..no_extras(None)
            },
        ),
        Err(AppError::Validation(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Extras {
                errors,
                ..no_extras(None)
            },
        ),
        Err(e) => return Err(e.into()),
    };
    // The secret is shown in this response only, never in a URL or a redirect.
    let page = settings_page(&state, &signed_in, Section::Sessions, extras).await?;
    Ok(render_with(status, &page))
}

pub async fn revoke_token(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(id): Path<TokenId>,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    state.app.revoke_token(&signed_in.user, id).await?;
    Ok(Redirect::to("/settings/sessions?done=revoked").into_response())
}

pub async fn end_session(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(id): Path<SessionId>,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    state.app.end_session(&signed_in.user, id).await?;
    Ok(Redirect::to("/settings/sessions?done=session").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SignUpForm {
    csrf: String,
    open: String,
}

pub async fn sign_up_switch(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(form): Form<SignUpForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    state
        .app
        .set_sign_up_open(&signed_in.user, form.open == "true")
        .await?;
    Ok(Redirect::to("/settings/server?done=sign-up").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PasswordForm {
    csrf: String,
    current_password: String,
    new_password: String,
}

/// Changes the password; other sessions end and tokens are revoked, this browser stays.
pub async fn change_password(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state
        .app
        .change_password(&signed_in, &form.current_password, &form.new_password)
        .await
    {
        Ok(()) => Ok(Redirect::to("/settings/profile?done=password").into_response()),
        Err(AppError::Validation(errors)) => {
            let mut extras = no_extras(None);
            extras.errors = errors;
            if extras.errors.message_for("password").is_some() {
                extras.flash = Some(format!(
                    "Strength: {}",
                    enough_domain::account::password_hint(&form.new_password)
                ));
            }
            refused(&state, &signed_in, Section::Profile, extras).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Ends every session of the account (this one too) and revokes its tokens.
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    state.app.sign_out_everywhere(&signed_in.user).await?;
    Ok((
        [(
            axum::http::header::SET_COOKIE,
            crate::identity::expired_session_cookie(state.config.secure_cookies).to_string(),
        )],
        Redirect::to("/sign-in"),
    )
        .into_response())
}

struct AccountRow {
    id: PersonId,
    email: String,
    role: String,
    disabled: bool,
    is_you: bool,
}

#[derive(Template)]
#[template(path = "admin_accounts.html")]
struct AdminAccountsPage {
    layout: Layout,
    flash: Option<String>,
    accounts: Vec<AccountRow>,
}

/// Every account, with a button to disable or enable it (admins only).
pub async fn admin_accounts(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    axum::extract::Query(query): axum::extract::Query<FlashQuery>,
) -> Result<Response, PageError> {
    let accounts = state.app.accounts_for_admin(&signed_in.user).await?;
    let flash = match query.done.as_str() {
        "disabled" => Some("Account disabled; its sessions and tokens have ended.".to_owned()),
        "enabled" => Some("Account enabled; its owner can sign in again.".to_owned()),
        _ => None,
    };
    let page = AdminAccountsPage {
        layout: Layout::signed_in("Accounts", &signed_in, "settings"),
        flash,
        accounts: accounts
            .into_iter()
            .map(|(u, disabled)| AccountRow {
                id: u.id,
                is_you: u.id == signed_in.user.id,
                email: u.email,
                role: u.role.to_string(),
                disabled,
            })
            .collect(),
    };
    Ok(render_with(StatusCode::OK, &page))
}

/// Disables (`disable`) or enables (`enable`) an account (admins only).
pub async fn admin_set_disabled(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path((id, action)): Path<(PersonId, String)>,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    let disabled = match action.as_str() {
        "disable" => true,
        "enable" => false,
        _ => return Err(PageError::NotFound),
    };
    match state.app.set_disabled(&signed_in.user, id, disabled).await {
        Ok(()) => Ok(Redirect::to(if disabled {
            "/admin/accounts?done=disabled"
        } else {
            "/admin/accounts?done=enabled"
        })
        .into_response()),
        Err(AppError::Validation(_)) => Err(PageError::Forbidden),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::browser_name;

    #[test]
    fn browsers_are_named_as_people_know_them() {
        let ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(browser_name(ua), "Safari on iPhone");
        assert_eq!(browser_name("curl/8.0"), "curl/8.0");
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct LocationForm {
    csrf: String,
    city: String,
    latitude: String,
    longitude: String,
}

pub async fn location(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(form): Form<LocationForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state
        .app
        .set_location(&signed_in.user, &form.city, &form.latitude, &form.longitude)
        .await
    {
        Ok(_) => Ok(Redirect::to("/settings/profile?done=location").into_response()),
        Err(AppError::Validation(errors)) => {
            let extras = Extras {
                errors,
                location_form: Some(form),
                ..no_extras(None)
            };
            refused(&state, &signed_in, Section::Profile, extras).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DeleteForm {
    csrf: String,
    password: String,
}

/// Deletes the account after the password is confirmed, then signs the browser out.
pub async fn delete_account(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(form): Form<DeleteForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state
        .app
        .delete_account(&signed_in.user, &form.password)
        .await
    {
        Ok(()) => Ok((
            [(
                axum::http::header::SET_COOKIE,
                crate::identity::expired_session_cookie(state.config.secure_cookies).to_string(),
            )],
            Redirect::to("/account-deleted"),
        )
            .into_response()),
        Err(AppError::Validation(errors)) => {
            let message = errors
                .0
                .first()
                .map(|e| e.message.clone())
                .unwrap_or_default();
            let extras = Extras {
                errors: ValidationErrors::single("delete_password", message),
                ..no_extras(None)
            };
            refused(&state, &signed_in, Section::Data, extras).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The whole export as a download.
pub async fn export(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
) -> Result<Response, PageError> {
    let export = state.app.export(&signed_in.user).await?;
    let name = format!("enough-export-{}.json", state.app.today(&signed_in.user));
    Ok((
        [(
            axum::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        )],
        axum::Json(export),
    )
        .into_response())
}

/// Everything as CSV files in a zip.
pub async fn export_csv(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
) -> Result<Response, PageError> {
    let zip = state.app.export_csv_zip(&signed_in.user).await?;
    let name = format!("enough-export-{}.zip", state.app.today(&signed_in.user));
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/zip".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        zip,
    )
        .into_response())
}

/// Everything with an interchange form as a FHIR R4 Bundle.
pub async fn export_fhir(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
) -> Result<Response, PageError> {
    let bundle = state.app.export_fhir(&signed_in.user).await?;
    let name = format!("enough-fhir-{}.json", state.app.today(&signed_in.user));
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/fhir+json".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bundle.to_string(),
    )
        .into_response())
}

/// Shown once after an account was deleted.
pub async fn deleted() -> Response {
    crate::views::render(&super::account::MessagePage {
        layout: crate::views::Layout::anonymous("Your account is deleted"),
        message: "Your account and everything in it have been deleted from this server. Take care of yourself.",
        links: vec![("/crisis", "Crisis help is always here, without an account")],
    })
}
