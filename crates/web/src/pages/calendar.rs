//! The calendar feed: created and revoked in Settings, fetched by calendar apps at
//! `/calendar/<token>.ics` without signing in (the secret token is the key).

use crate::error::PageError;
use crate::identity::SignedInPage;
use crate::views::{Layout, render, render_with};
use crate::{AppState, csrf};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use enough_app::AppError;
use enough_domain::ValidationErrors;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "calendar_feed.html")]
struct FeedPage {
    layout: Layout,
    url: Option<String>,
    reminder_time: String,
    errors: ValidationErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct FeedForm {
    csrf: String,
    reminder_time: String,
}

/// The feed's full address for a token, from the configured public address (never from the
/// request's `Host`, which the client chooses).
pub(crate) fn feed_url(config: &crate::WebConfig, token: &str) -> String {
    format!("{}/calendar/{token}.ics", config.public_base())
}

/// Creates (or replaces) the feed and shows its address once.
pub async fn create(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(form): Form<FeedForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state
        .app
        .create_calendar_feed(&signed_in.user, &form.reminder_time)
        .await
    {
        Ok(token) => Ok(render(&FeedPage {
            layout: Layout::signed_in("Calendar address", &signed_in, "settings"),
            url: Some(feed_url(&state.config, &token)),
            reminder_time: form.reminder_time,
            errors: ValidationErrors::default(),
        })),
        Err(AppError::Validation(errors)) => Ok(render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FeedPage {
                layout: Layout::signed_in("Calendar address", &signed_in, "settings"),
                url: None,
                reminder_time: form.reminder_time,
                errors,
            },
        )),
        Err(e) => Err(e.into()),
    }
}

/// Revokes the feed.
pub async fn revoke(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state.app.revoke_calendar_feed(&signed_in.user).await {
        Ok(()) | Err(AppError::NotFound(_)) => {
            Ok(Redirect::to("/settings/reminders?done=calendar-revoked").into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The feed itself: `text/calendar`, 404 for an unknown or revoked token.
pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, PageError> {
    let token = file.strip_suffix(".ics").ok_or(PageError::NotFound)?;
    let body = state.app.calendar_ics(token).await?;
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    Ok(response)
}
