//! The page templates' data and the shared layout.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
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
}
