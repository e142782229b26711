//! "More": everything the four tabs leave out, one tap from every page on a phone.

use crate::error::PageError;
use crate::identity::SignedInPage;
use crate::views::{Layout, render};
use askama::Template;
use axum::response::Response;

#[derive(Template)]
#[template(path = "more.html")]
struct MorePage {
    layout: Layout,
    email: String,
}

pub async fn page(SignedInPage(signed_in): SignedInPage) -> Result<Response, PageError> {
    Ok(render(&MorePage {
        layout: Layout::signed_in("More", &signed_in, "more"),
        email: signed_in.user.email.clone(),
    }))
}
