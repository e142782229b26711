//! How failures become responses: HTML pages for browsers, JSON for the API. Neither leaks
//! internal details; internal errors are logged on the server.
//!
//! The status says whose move it is: 422 (a value to correct, each field named), 409 (taken
//! or already done: what to do instead), 429/503 (wait), 401/403/404 (who may see what), and
//! 500 only for bugs and storage failures. Every error carries the request's id
//! ([`crate::observe::current_request_id`]), which is also on the server's log lines, so a
//! person can quote it to their administrator without the page showing anything internal.

use crate::observe::current_request_id;
use crate::views::{ErrorPage, Layout, render_with};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use enough_app::AppError;
use enough_domain::{FieldError, ValidationErrors};
use enough_store::StoreError;
use serde::Serialize;

/// A failure while serving a page.
#[derive(Debug)]
pub enum PageError {
    /// Not signed in: go to the sign-in page and come back to `next`.
    SignInFirst {
        /// Where to return after signing in.
        next: String,
    },
    /// A state-changing form without a valid CSRF token.
    CsrfRejected,
    /// Nothing here.
    NotFound,
    /// Not allowed.
    Forbidden,
    /// A linked person has not shared this category with the signed-in therapist (shown with
    /// the therapist's own layout).
    NotShared(QuietLayout),
    /// Too many attempts (429) or password hashing saturated (503): come back later.
    Limited {
        /// 429 or 503.
        busy: bool,
        /// Seconds to wait, sent as `Retry-After`.
        retry_after_secs: i64,
    },
    /// The values sent cannot be used (422): every field and its reason is listed.
    Invalid(ValidationErrors),
    /// Taken or already done (409): the field, and what to do instead.
    Conflict {
        /// The field at fault.
        field: String,
        /// What to do about it.
        message: String,
    },
    /// Something broke inside (a bug or a storage failure): 500, details only in the log.
    Internal(String),
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Unauthenticated => PageError::SignInFirst {
                next: "/".to_owned(),
            },
            AppError::NotFound(_) => PageError::NotFound,
            AppError::Forbidden | AppError::SignUpClosed => PageError::Forbidden,
            AppError::Disabled => PageError::SignInFirst {
                next: "/".to_owned(),
            },
            AppError::RateLimited { retry_after_secs } => PageError::Limited {
                busy: false,
                retry_after_secs,
            },
            AppError::Busy { retry_after_secs } => PageError::Limited {
                busy: true,
                retry_after_secs,
            },
            AppError::Validation(errors) => PageError::Invalid(errors),
            AppError::WrongCredentials => PageError::Invalid(ValidationErrors::single(
                "password",
                AppError::WrongCredentials.to_string(),
            )),
            AppError::Conflict { field, message } => PageError::Conflict {
                field: field.to_owned(),
                message,
            },
            AppError::AlreadySetUp => PageError::Conflict {
                field: String::new(),
                message: "This server is already set up: sign in instead.".to_owned(),
            },
            AppError::Store(StoreError::Conflict(_)) => PageError::Conflict {
                field: String::new(),
                message: CONFLICT_MESSAGE.to_owned(),
            },
            other @ (AppError::Store(_) | AppError::Internal(_)) => {
                PageError::Internal(other.to_string())
            }
        }
    }
}

/// What a conflict the use case did not name says.
const CONFLICT_MESSAGE: &str = "This was changed or already done in the meantime (perhaps in \
     another window). Reload the page to see how things stand now, then try again.";

/// A field's form name in words: `time_zone` → "Time zone"; empty for none.
fn field_words(field: &str) -> String {
    let words = field.replace(['_', '-'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A page layout carried by an error; its `Debug` leaves out the session's form token.
pub struct QuietLayout(pub Layout);

impl std::fmt::Debug for QuietLayout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Layout")
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, layout, message, problems) = match self {
            PageError::SignInFirst { next } => {
                let target = format!("/sign-in?next={}", encode_query_value(&next));
                return Redirect::to(&target).into_response();
            }
            PageError::CsrfRejected => (
                StatusCode::FORBIDDEN,
                Layout::anonymous("This form has expired"),
                "For your safety the form could not be accepted (it was open too long or came from \
                 another site). Please go back, reload the page and try again.",
                Vec::new(),
            ),
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                Layout::anonymous("Nothing here"),
                "This page does not exist, or is not yours to see.",
                Vec::new(),
            ),
            PageError::Forbidden => (
                StatusCode::FORBIDDEN,
                Layout::anonymous("Not available"),
                "Your account cannot open this page.",
                Vec::new(),
            ),
            PageError::NotShared(QuietLayout(layout)) => (
                StatusCode::FORBIDDEN,
                layout,
                "This part is not shared with you. The person chooses what to share and can change it at any time; nothing of it was read.",
                Vec::new(),
            ),
            PageError::Limited {
                busy,
                retry_after_secs,
            } => {
                let (status, title, message) = if busy {
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "Busy for a moment",
                        "Many people are signing in right now. Please try again in a few seconds.",
                    )
                } else {
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        "Paused for a while",
                        "There were too many attempts, so this is paused for a while to keep \
                         accounts safe. Please try again later.",
                    )
                };
                let page = error_page(Layout::anonymous(title), message, Vec::new());
                return with_retry_after(render_with(status, &page), retry_after_secs);
            }
            PageError::Invalid(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Layout::anonymous("Please check what you entered"),
                "Nothing was saved, because of the following. Go back with your browser's back \
                 button (what you typed is still there), correct it and send it again.",
                errors
                    .0
                    .into_iter()
                    .map(|e| (field_words(&e.field), e.message))
                    .collect(),
            ),
            PageError::Conflict { field, message } => (
                StatusCode::CONFLICT,
                Layout::anonymous("Already taken or already done"),
                "Nothing was changed, because of the following.",
                vec![(field_words(&field), message)],
            ),
            PageError::Internal(detail) => {
                tracing::error!(%detail, "internal error while serving a page");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Layout::anonymous("Something went wrong"),
                    "The server could not finish this request. Nothing you entered was lost on \
                     purpose, but please check and try again in a moment.",
                    Vec::new(),
                )
            }
        };
        render_with(status, &error_page(layout, message, problems))
    }
}

/// An error page with the request's id for support.
fn error_page(layout: Layout, message: &'static str, problems: Vec<(String, String)>) -> ErrorPage {
    ErrorPage {
        layout,
        message,
        problems,
        request_id: current_request_id(),
    }
}

/// Adds `Retry-After: secs` to a response.
pub fn with_retry_after(mut response: Response, secs: i64) -> Response {
    if let Ok(value) = HeaderValue::from_str(&secs.max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Percent-encodes a value for a query string.
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A failure of an API request, rendered as JSON.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    fields: Vec<FieldError>,
    retry_after_secs: Option<i64>,
}

/// The body of every API error (the OpenAPI document's `Error` schema).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub(crate) struct ApiErrorBody<'a> {
    error: ApiErrorDetail<'a>,
}

/// What went wrong.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ApiErrorDetail<'a> {
    /// The HTTP status again
    status: u16,
    message: &'a str,
    /// For invalid input: every field with its reason
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    fields: &'a [FieldError],
    /// The request's id (also sent as `X-Request-Id`), to quote when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
}

impl ApiError {
    /// An error with a status and a message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            fields: Vec::new(),
            retry_after_secs: None,
        }
    }

    /// 422 with every field problem listed.
    pub fn invalid(errors: ValidationErrors) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: errors.to_string(),
            fields: errors.0,
            retry_after_secs: None,
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Validation(errors) => ApiError::invalid(errors),
            AppError::Conflict { field, message } => Self {
                status: StatusCode::CONFLICT,
                message: message.clone(),
                fields: vec![FieldError::new(field, message)],
                retry_after_secs: None,
            },
            AppError::NotFound(what) => {
                ApiError::new(StatusCode::NOT_FOUND, format!("{what} not found"))
            }
            AppError::Unauthenticated => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "A valid personal access token is required: send `Authorization: Bearer <token>`. \
                 Create one under Settings.",
            ),
            AppError::Forbidden => {
                ApiError::new(StatusCode::FORBIDDEN, "You are not allowed to do that.")
            }
            AppError::RateLimited { retry_after_secs } => Self {
                retry_after_secs: Some(retry_after_secs),
                ..ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!("Too many attempts; try again in {retry_after_secs} seconds."),
                )
            },
            AppError::Busy { retry_after_secs } => Self {
                retry_after_secs: Some(retry_after_secs),
                ..ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("The server is busy; try again in {retry_after_secs} seconds."),
                )
            },
            AppError::Disabled => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "This account is disabled; ask the server's administrator.",
            ),
            AppError::WrongCredentials => ApiError::new(
                StatusCode::UNAUTHORIZED,
                AppError::WrongCredentials.to_string(),
            ),
            AppError::SignUpClosed => ApiError::new(
                StatusCode::FORBIDDEN,
                "Sign-up is closed on this server; ask its administrator for an account.",
            ),
            AppError::AlreadySetUp => {
                ApiError::new(StatusCode::CONFLICT, "This server is already set up.")
            }
            AppError::Store(StoreError::Conflict(_)) => {
                ApiError::new(StatusCode::CONFLICT, CONFLICT_MESSAGE)
            }
            other @ (AppError::Store(_) | AppError::Internal(_)) => {
                tracing::error!(error = %other, "internal error while serving the API");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "The server could not finish this request.",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ApiErrorBody {
            error: ApiErrorDetail {
                status: self.status.as_u16(),
                message: &self.message,
                fields: &self.fields,
                request_id: current_request_id(),
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after_secs {
            response = with_retry_after(response, secs);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of failure with the status it must answer with (made fresh per call, as
    /// `AppError` is not `Clone`).
    fn cases() -> Vec<(AppError, u16)> {
        vec![
            (ValidationErrors::single("mood", "0 to 10").into(), 422),
            (AppError::WrongCredentials, 422),
            (
                AppError::Conflict {
                    field: "email",
                    message: "taken".to_owned(),
                },
                409,
            ),
            (AppError::Store(StoreError::Conflict("x".to_owned())), 409),
            (AppError::AlreadySetUp, 409),
            (
                AppError::RateLimited {
                    retry_after_secs: 5,
                },
                429,
            ),
            (
                AppError::Busy {
                    retry_after_secs: 1,
                },
                503,
            ),
            (AppError::NotFound("day"), 404),
            (AppError::Forbidden, 403),
            (AppError::SignUpClosed, 403),
            (
                AppError::Store(StoreError::Database("down".to_owned())),
                500,
            ),
            (AppError::Internal("bug".to_owned()), 500),
        ]
    }

    #[test]
    fn each_kind_of_failure_answers_with_its_own_status_and_only_bugs_are_500() {
        for (error, status) in cases() {
            let what = format!("{error:?}");
            let page = PageError::from(error).into_response().status().as_u16();
            assert_eq!(page, status, "page for {what}");
        }
        for (error, status) in cases() {
            let what = format!("{error:?}");
            let api = ApiError::from(error).into_response().status().as_u16();
            // The API has no form to re-show: wrong credentials are "unauthorised" there.
            let status = if matches!(error_kind(&what), "WrongCredentials") {
                401
            } else {
                status
            };
            assert_eq!(api, status, "API for {what}");
        }
    }

    fn error_kind(debug: &str) -> &str {
        debug.split([' ', '(', '{']).next().unwrap_or_default()
    }

    #[test]
    fn field_names_read_as_words() {
        assert_eq!(field_words("time_zone"), "Time zone");
        assert_eq!(field_words(""), "");
    }
}
