//! Who "me" is: the signed-in person, as only authentication establishes it.
//!
//! Use cases on one's own data take a [`Me`], never a bare [`User`] or person id, so no handler
//! can act on someone else's data by passing the wrong account. A `Me` is made here and
//! nowhere else (its constructor is private to this module): from a live session cookie
//! ([`App::session`]), a live bearer token ([`App::authenticate_token`]), or, for the CLI, the
//! person at the shell ([`App::me_at_shell`]), who holds the database anyway. A therapist
//! reaches someone else's data only through the [`crate::ClientView`] of `App::open_for`.

use crate::secrets::token_hash;
use crate::tokens::TOKEN_PREFIX;
use crate::{App, AppError, AppResult, SignedIn};
use enough_domain::PersonId;
use enough_store::User;
use std::ops::Deref;

/// The signed-in person: the account a request (or the shell) authenticated as. Only this
/// module can make one; it reads as the [`User`] it wraps.
#[derive(Debug, Clone)]
pub struct Me(User);

impl Me {
    /// Private on purpose: only authentication makes a `Me`.
    fn authenticated(user: User) -> Self {
        Self(user)
    }

    /// The account's id.
    pub fn id(&self) -> PersonId {
        self.0.id
    }

    /// The account record.
    pub fn user(&self) -> &User {
        &self.0
    }
}

impl Deref for Me {
    type Target = User;

    fn deref(&self) -> &User {
        &self.0
    }
}

impl App {
    /// The signed-in user behind a session cookie, if the session is live: not past its
    /// absolute end, used within the idle timeout, and its account not disabled.
    pub async fn session(&self, token: &str) -> AppResult<Option<SignedIn>> {
        let now = self.now().timestamp();
        let hash = token_hash(token);
        // One read: the session, its account and whether that account is disabled.
        let Some(found) = crate::rules::session_by_token_hash(&*self.store, &hash, now).await?
        else {
            return Ok(None);
        };
        let session = found.found;
        if now - session.last_seen_at > self.config.session_idle_secs {
            self.store.delete_session(&hash).await?;
            return Ok(None);
        }
        if found.disabled {
            return Ok(None);
        }
        crate::rules::touch_session_when_due(&*self.store, &session, now).await?;
        Ok(Some(SignedIn {
            user: Me::authenticated(found.user),
            session: Some(session),
            token_id: None,
        }))
    }

    /// The user behind a bearer token, if it is live.
    pub async fn authenticate_token(&self, secret: &str) -> AppResult<SignedIn> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Err(AppError::Unauthenticated);
        }
        // One read: the token, its owner and whether the account is disabled.
        let found = crate::rules::user_by_token_hash(
            &*self.store,
            &token_hash(secret),
            self.now().timestamp(),
        )
        .await?
        .ok_or(AppError::Unauthenticated)?;
        if found.disabled {
            return Err(AppError::Unauthenticated);
        }
        Ok(SignedIn {
            user: Me::authenticated(found.user),
            session: None,
            token_id: Some(found.found),
        })
    }

    /// The account named by `email`, acting as itself: for the command line only, where
    /// whoever runs `enough` already holds the database (never called by the web layer).
    pub async fn me_at_shell(&self, email: &str) -> AppResult<Me> {
        Ok(Me::authenticated(self.user_by_email(email).await?))
    }
}
