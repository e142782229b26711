//! The account's own credentials over the API.

use crate::AppState;
use crate::error::ApiError;
use crate::identity::ApiCaller;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

/// `POST /api/v1/account/password`.
#[derive(Deserialize)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// What changed.
#[derive(Serialize)]
pub struct PasswordChanged {
    changed: bool,
    /// How strong the new password is, in a sentence.
    hint: &'static str,
    /// What else happened.
    note: &'static str,
}

/// Changes the caller's password; every browser session ends and every other token is
/// revoked. The token used for this request keeps working, so a script is not cut off.
pub async fn change_password(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Json(body): Json<PasswordChange>,
) -> Result<Json<PasswordChanged>, ApiError> {
    state
        .app
        .change_password(&caller, &body.current_password, &body.new_password)
        .await?;
    Ok(Json(PasswordChanged {
        changed: true,
        hint: enough_domain::account::password_hint(&body.new_password),
        note: "Every browser session has ended and every other token is revoked; this one still works.",
    }))
}
