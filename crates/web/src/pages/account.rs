//! First-run setup, sign-up, sign-in and sign-out.

use crate::error::PageError;
use crate::identity::{
    ClientAddress, MaybeSignedIn, SignedInPage, device_cookie, device_cookie_name,
    expired_session_cookie, session_cookie, session_cookie_name, user_agent,
};
use crate::views::{Layout, render, render_with};
use crate::{AppState, csrf};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::Form;
use enough_app::AppError;
use enough_domain::ValidationErrors;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    intro: &'static str,
    action: &'static str,
    submit: &'static str,
    csrf: String,
    next: String,
    email: String,
    time_zone: String,
    /// `replace` on a first view (the browser's zone is chosen for the person), else empty.
    tz_detect: &'static str,
    ask_time_zone: bool,
    new_password: bool,
    errors: ValidationErrors,
    links: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct MessagePage {
    pub layout: Layout,
    pub message: &'static str,
    pub links: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AccountForm {
    csrf: String,
    email: String,
    password: String,
    time_zone: String,
    next: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct NextQuery {
    next: String,
}

/// Percent-decodes `s` once (bytes that are not valid escapes are kept as they are).
fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// A path on this site, decided on every percent-decoding of it (browsers and proxies may
/// decode once more): starts with a single `/`, has no `//`, no backslash, no control or
/// non-ASCII character and no scheme. Anything else falls back to `/`.
fn safe_next(next: &str) -> &str {
    let mut current = next.as_bytes().to_vec();
    for _ in 0..4 {
        let ok = current.first() == Some(&b'/')
            && !current.windows(2).any(|w| w == b"//")
            && !current
                .iter()
                .any(|b| *b == b'\\' || b.is_ascii_control() || !b.is_ascii())
            && !current
                .split(|b| *b == b'/' || *b == b'?' || *b == b'#')
                .nth(1)
                .is_some_and(|first| first.contains(&b':') && current.get(1) != Some(&b'?'));
        if !ok {
            return "/";
        }
        let Ok(text) = std::str::from_utf8(&current) else {
            return "/";
        };
        let decoded = percent_decode(text);
        if decoded == current {
            // The raw value must also be a valid header value as it is.
            return if next.bytes().all(|b| (0x21..0x7f).contains(&b)) {
                next
            } else {
                "/"
            };
        }
        current = decoded;
    }
    "/"
}

enum Kind {
    Setup,
    SignIn,
    SignUp,
}

fn account_page(
    kind: Kind,
    csrf: String,
    form: &AccountForm,
    errors: ValidationErrors,
) -> AccountPage {
    let (title, intro, action, submit, new_password, links) = match kind {
        Kind::Setup => (
            "Welcome to enough",
            "This server is new. Create the first account; it will be the administrator, and can \
             log days like everyone else.",
            "/setup",
            "Create the first account",
            true,
            vec![],
        ),
        Kind::SignIn => (
            "Sign in",
            "",
            "/sign-in",
            "Sign in",
            false,
            vec![("/sign-up", "New here? Create an account")],
        ),
        Kind::SignUp => (
            "Create your account",
            "Your entries are private: they stay on this server, and only you can see them.",
            "/sign-up",
            "Create account",
            true,
            vec![("/sign-in", "Already have an account? Sign in")],
        ),
    };
    let ask_time_zone = !matches!(kind, Kind::SignIn);
    AccountPage {
        layout: Layout::anonymous(title),
        intro,
        action,
        submit,
        csrf,
        next: form.next.clone(),
        email: form.email.clone(),
        // Nothing is guessed on the server: the browser fills in its own zone (a small
        // script), and without one the list asks for a choice.
        time_zone: form.time_zone.clone(),
        tz_detect: if form.time_zone.is_empty() {
            "replace"
        } else {
            ""
        },
        ask_time_zone,
        new_password,
        errors,
        links,
    }
}

fn show(
    kind: Kind,
    jar: CookieJar,
    state: &AppState,
    form: &AccountForm,
    errors: ValidationErrors,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let (jar, token) = csrf::anonymous_token(jar, state.config.secure_cookies);
    (
        jar,
        render_with(status, &account_page(kind, token, form, errors)),
    )
        .into_response()
}

/// Errors from account creation, as form errors where the person can fix them.
fn form_errors(e: AppError) -> Result<ValidationErrors, PageError> {
    match e {
        AppError::Validation(errors) => Ok(errors),
        AppError::Conflict { field, message } => Ok(ValidationErrors::single(field, message)),
        other => Err(other.into()),
    }
}

fn signed_in_redirect(state: &AppState, jar: CookieJar, token: String, next: &str) -> Response {
    let cookie = session_cookie(
        token,
        state.config.secure_cookies,
        state.app.session_ttl_secs(),
    );
    (jar.add(cookie), Redirect::to(safe_next(next))).into_response()
}

pub async fn setup_page(
    State(state): State<AppState>,
    jar: CookieJar,
) -> Result<Response, PageError> {
    if !state.app.needs_setup().await? {
        return Ok(Redirect::to("/sign-in").into_response());
    }
    Ok(show(
        Kind::Setup,
        jar,
        &state,
        &AccountForm::default(),
        ValidationErrors::default(),
    ))
}

pub async fn setup(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<AccountForm>,
) -> Result<Response, PageError> {
    csrf::verify_anonymous(&headers, &jar, &form.csrf, state.config.secure_cookies)?;
    match state
        .app
        .create_first_account(&form.email, &form.password, &form.time_zone)
        .await
    {
        Ok(user) => {
            let token = state
                .app
                .start_session(&user, &user_agent(&headers))
                .await?;
            Ok(signed_in_redirect(&state, jar, token.0, "/"))
        }
        Err(AppError::AlreadySetUp) => Ok(Redirect::to("/sign-in").into_response()),
        Err(e) => Ok(show(Kind::Setup, jar, &state, &form, form_errors(e)?)),
    }
}

pub async fn sign_in_page(
    State(state): State<AppState>,
    MaybeSignedIn(signed_in): MaybeSignedIn,
    jar: CookieJar,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    if state.app.needs_setup().await? {
        return Ok(Redirect::to("/setup").into_response());
    }
    if signed_in.is_some() {
        return Ok(Redirect::to(safe_next(&query.next)).into_response());
    }
    let form = AccountForm {
        next: query.next,
        ..AccountForm::default()
    };
    Ok(show(
        Kind::SignIn,
        jar,
        &state,
        &form,
        ValidationErrors::default(),
    ))
}

pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(address): ClientAddress,
    jar: CookieJar,
    Form(form): Form<AccountForm>,
) -> Result<Response, PageError> {
    csrf::verify_anonymous(&headers, &jar, &form.csrf, state.config.secure_cookies)?;
    let device = jar
        .get(device_cookie_name(state.config.secure_cookies))
        .map(|c| c.value().to_owned());
    let result = state
        .app
        .sign_in_with_device(
            &form.email,
            &form.password,
            &address,
            &user_agent(&headers),
            device.as_deref(),
        )
        .await;
    // The password is never sent back in a re-rendered form.
    let form = AccountForm {
        password: String::new(),
        ..form
    };
    match result {
        Ok(done) => {
            let jar = jar.add(device_cookie(done.device, state.config.secure_cookies));
            // A therapist's day starts with their caseload; their own log is one tap away.
            let next = if done.user.role == enough_domain::account::Role::Therapist
                && safe_next(&form.next) == "/"
            {
                "/care"
            } else {
                form.next.as_str()
            };
            Ok(signed_in_redirect(&state, jar, done.session.0, next))
        }
        Err(AppError::Disabled) => {
            let errors = ValidationErrors::single(
                "email",
                "This account is disabled. Please ask the person who runs this server.",
            );
            let mut response = show(Kind::SignIn, jar, &state, &form, errors);
            *response.status_mut() = StatusCode::FORBIDDEN;
            Ok(response)
        }
        Err(AppError::WrongCredentials) => {
            let errors = ValidationErrors::single(
                "password",
                "That e-mail address and password do not match an account. Please try again.",
            );
            Ok(show(Kind::SignIn, jar, &state, &form, errors))
        }
        Err(AppError::RateLimited { retry_after_secs }) => {
            let errors = ValidationErrors::single(
                "password",
                format!(
                    "There were too many unsuccessful attempts, so signing in is paused for {} minutes to keep the account safe.",
                    retry_after_secs / 60
                ),
            );
            let mut response = show(Kind::SignIn, jar, &state, &form, errors);
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            Ok(crate::error::with_retry_after(response, retry_after_secs))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn sign_up_page(
    State(state): State<AppState>,
    jar: CookieJar,
) -> Result<Response, PageError> {
    if state.app.needs_setup().await? {
        return Ok(Redirect::to("/setup").into_response());
    }
    if !state.app.sign_up_open().await? {
        return Ok(render(&sign_up_closed()));
    }
    Ok(show(
        Kind::SignUp,
        jar,
        &state,
        &AccountForm::default(),
        ValidationErrors::default(),
    ))
}

fn sign_up_closed() -> MessagePage {
    MessagePage {
        layout: Layout::anonymous("Sign-up is closed"),
        message: "New accounts on this server are created by its administrator. Please ask them \
                  (or your therapist) for an account.",
        links: vec![("/sign-in", "Sign in")],
    }
}

pub async fn sign_up(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(address): ClientAddress,
    jar: CookieJar,
    Form(form): Form<AccountForm>,
) -> Result<Response, PageError> {
    csrf::verify_anonymous(&headers, &jar, &form.csrf, state.config.secure_cookies)?;
    match state
        .app
        .sign_up(&form.email, &form.password, &form.time_zone, &address)
        .await
    {
        Ok(user) => {
            let token = state
                .app
                .start_session(&user, &user_agent(&headers))
                .await?;
            Ok(signed_in_redirect(&state, jar, token.0, "/"))
        }
        Err(AppError::SignUpClosed) => Ok(render_with(StatusCode::FORBIDDEN, &sign_up_closed())),
        Err(e) => Ok(show(Kind::SignUp, jar, &state, &form, form_errors(e)?)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CsrfOnly {
    pub csrf: String,
}

pub async fn sign_out(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    let secure = state.config.secure_cookies;
    if let Some(cookie) = jar.get(session_cookie_name(secure)) {
        state.app.sign_out(cookie.value()).await?;
    }
    Ok((
        jar.add(expired_session_cookie(secure)),
        Redirect::to("/sign-in"),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        for fine in [
            "/history?x=1",
            "/",
            "/day/2026-01-05",
            "/toolkit/timer?minutes=10&until=2",
            "/search?q=a%20b",
            "/insights?range=90#top",
        ] {
            assert_eq!(safe_next(fine), fine);
        }
        for evil in [
            "https://evil.example",
            "http:evil.example",
            "https:evil.example",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\/\\/evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/%09/127.0.0.1:18299/phish.html",
            "/%0a",
            "/%0d%0aSet-Cookie:x=y",
            "%2F%2Fevil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%255C%255Cevil.example",
            "/%252F%252Fevil.example",
            "%2F%5Cevil.example",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,hi",
            "/javascript:alert(1)",
            "evil.example",
            " /history",
            "/caf\u{e9}",
            "",
        ] {
            assert_eq!(safe_next(evil), "/", "{evil:?}");
        }
    }
}
