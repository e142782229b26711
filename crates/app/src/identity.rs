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
use enough_store::{DataVersion, User};
use std::ops::Deref;

/// The signed-in person: the account a request (or the shell) authenticated as. Only this
/// module can make one; it reads as the [`User`] it wraps.
#[derive(Debug, Clone)]
pub struct Me {
    user: User,
    seen: Option<Seen>,
}

/// The person's data version as their sign-in read it, and how many writes this process had
/// started by then.
#[derive(Debug, Clone)]
struct Seen {
    version: DataVersion,
    writes: u64,
}

impl Me {
    /// Private on purpose: only authentication makes a `Me`.
    fn authenticated(user: User) -> Self {
        Self { user, seen: None }
    }

    /// As [`Self::authenticated`], remembering the data version read with the credential.
    fn authenticated_at(user: User, version: DataVersion) -> Self {
        Self {
            user,
            seen: Some(Seen {
                version,
                writes: enough_store::writes_started(),
            }),
        }
    }

    /// The account's id.
    pub fn id(&self) -> PersonId {
        self.user.id
    }

    /// The account record.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// The person's data version as read at sign-in, while nothing in this process has
    /// written since: a cached view stored under it shows the data as it was when the request
    /// began, so looking it up needs no read of its own. `None` after any write here (the
    /// request's own, say), and for the shell. A `Me` lives for one request.
    pub(crate) fn seen_version(&self) -> Option<&DataVersion> {
        self.seen
            .as_ref()
            .filter(|s| s.writes == enough_store::writes_started())
            .map(|s| &s.version)
    }
}

impl Deref for Me {
    type Target = User;

    fn deref(&self) -> &User {
        &self.user
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
            user: Me::authenticated_at(found.user, found.version),
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
            user: Me::authenticated_at(found.user, found.version),
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
