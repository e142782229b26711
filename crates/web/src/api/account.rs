//! The account's own credentials over the API.

use super::openapi::ErrorResponse;
use crate::AppState;
use crate::error::ApiError;
use crate::identity::ApiCaller;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

/// `POST /api/v1/account/password`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    current_password: String,
    /// At least 12 characters, not a common password
    #[schema(min_length = 12, max_length = 256)]
    new_password: String,
}

/// What changed.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PasswordChanged {
    changed: bool,
    /// How strong the new password is, in a sentence.
    hint: &'static str,
    /// What else happened.
    note: &'static str,
}

/// Changes the caller's password; every browser session ends and every other token is
/// revoked. The token used for this request keeps working, so a script is not cut off.
#[utoipa::path(post, path = "/api/v1/account/password", summary = "Change your password",
    description = "Needs the current password. The new one needs at least 12 characters and must not be a common password. Every browser session ends and every other token is revoked; the token used here keeps working, so a script can go on. Limited to 5 tries in 15 minutes; 503 with Retry-After while password hashing is saturated.",
    request_body = PasswordChange,
    responses((status = 200, description = "Changed", body = PasswordChanged), (status = 401, response = ErrorResponse), (status = 422, response = ErrorResponse), (status = 429, response = ErrorResponse), (status = 503, response = ErrorResponse)))]
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
