//! How failures become responses: HTML pages for browsers, JSON for the API. Neither leaks
//! internal details; internal errors are logged on the server.

use crate::views::{ErrorPage, Layout, render};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use enough_app::AppError;
use enough_domain::{FieldError, ValidationErrors};
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
    /// Something broke inside.
    Internal(String),
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Unauthenticated => PageError::SignInFirst {
                next: "/".to_owned(),
            },
            AppError::NotFound(_) => PageError::NotFound,
            AppError::Forbidden => PageError::Forbidden,
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
            other => PageError::Internal(other.to_string()),
        }
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
        let (status, title, message) = match self {
            PageError::SignInFirst { next } => {
                let target = format!("/sign-in?next={}", encode_query_value(&next));
                return Redirect::to(&target).into_response();
            }
            PageError::CsrfRejected => (
                StatusCode::FORBIDDEN,
                "This form has expired",
                "For your safety the form could not be accepted (it was open too long or came from \
                 another site). Please go back, reload the page and try again.",
            ),
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "Nothing here",
                "This page does not exist, or is not yours to see.",
            ),
            PageError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Not available",
                "Your account cannot open this page.",
            ),
            PageError::NotShared(QuietLayout(layout)) => {
                let page = ErrorPage {
                    layout,
                    message: "This part is not shared with you. The person chooses what to share and can change it at any time; nothing of it was read.",
                };
                return (StatusCode::FORBIDDEN, render(&page)).into_response();
            }
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
                let page = ErrorPage {
                    layout: Layout::anonymous(title),
                    message,
                };
                return with_retry_after((status, render(&page)).into_response(), retry_after_secs);
            }
            PageError::Internal(detail) => {
                tracing::error!(%detail, "internal error while serving a page");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The server could not finish this request. Nothing you entered was lost on \
                     purpose, but please check and try again in a moment.",
                )
            }
        };
        let page = ErrorPage {
            layout: Layout::anonymous(title),
            message,
        };
        (status, render(&page)).into_response()
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
            other => {
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
