//! Personal access tokens for the JSON API.

use crate::secrets::{random_token, token_hash};
use crate::{App, AppError, AppResult, Me};
use enough_domain::{TokenId, ValidationErrors};
use enough_store::{ApiToken, NewToken};

/// The prefix of every token, so that leaked tokens are easy to recognise in logs and scanners.
pub const TOKEN_PREFIX: &str = "enough_pat_";
const NAME_MAX: usize = 100;
/// Tokens one account may create per attempt window (15 minutes).
const TOKENS_PER_WINDOW: i64 = 20;

impl App {
    /// Creates a token for `user`; the secret is returned once and never stored.
    pub async fn create_token(&self, user: &Me, name: &str) -> AppResult<(ApiToken, String)> {
        let name = name.trim();
        let name = if name.is_empty() { "API token" } else { name };
        if name.chars().count() > NAME_MAX {
            return Err(ValidationErrors::single(
                "name",
                "A token name can be at most 100 characters.",
            )
            .into());
        }
        self.reserve(&[(format!("token:{}", user.id), TOKENS_PER_WINDOW)])
            .await?;
        let secret = format!("{TOKEN_PREFIX}{}", random_token());
        let token = self
            .store
            .create_token(NewToken {
                user_id: user.id,
                name: name.to_owned(),
                token_hash: token_hash(&secret),
                created_at: self.now().timestamp(),
            })
            .await?;
        Ok((token, secret))
    }

    /// The user's tokens, newest first.
    pub async fn tokens(&self, user: &Me) -> AppResult<Vec<ApiToken>> {
        Ok(self.store.list_tokens(user.id).await?)
    }

    /// Revokes one of the user's own tokens; it stops working at once.
    pub async fn revoke_token(&self, user: &Me, token_id: TokenId) -> AppResult<()> {
        if self
            .store
            .revoke_token(user.id, token_id, self.now().timestamp())
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound("token"))
        }
    }
}
