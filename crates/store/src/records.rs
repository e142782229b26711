//! Plain records passed across the store interface.

use enough_domain::account::Role;
use enough_domain::{PersonId, SessionId, TokenId};

pub use enough_domain::account::User;

/// An account with its password hash, for signing in.
#[derive(Clone)]
pub struct UserCredentials {
    /// The account.
    pub user: User,
    /// PHC-format argon2id hash.
    pub password_hash: String,
}

impl std::fmt::Debug for UserCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserCredentials")
            .field("user", &self.user)
            .field("password_hash", &"<redacted>")
            .finish()
    }
}

/// What is needed to create an account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Normalised e-mail address.
    pub email: String,
    /// PHC-format argon2id hash.
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// IANA time zone name.
    pub time_zone: String,
    /// Creation time (Unix seconds).
    pub created_at: i64,
}

/// A signed-in browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Id, for listing and revoking.
    pub id: SessionId,
    /// Owner.
    pub user_id: PersonId,
    /// Token for forms of this session (CSRF protection).
    pub csrf_token: String,
    /// Created (Unix seconds).
    pub created_at: i64,
    /// Last request seen (Unix seconds, refreshed at most once a minute).
    pub last_seen_at: i64,
    /// Expiry (Unix seconds).
    pub expires_at: i64,
    /// The browser's own description, shortened, to recognise the session.
    pub user_agent: String,
}

/// What is needed to create a session.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 of the cookie token, hex.
    pub token_hash: String,
    /// Owner.
    pub user_id: PersonId,
    /// CSRF token for this session's forms.
    pub csrf_token: String,
    /// Created (Unix seconds).
    pub created_at: i64,
    /// Expiry (Unix seconds).
    pub expires_at: i64,
    /// Browser description.
    pub user_agent: String,
}

/// A personal access token (only its hash is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Id, for listing and revoking.
    pub id: TokenId,
    /// Owner.
    pub user_id: PersonId,
    /// The person's name for it, e.g. "Shortcuts on my phone".
    pub name: String,
    /// Created (Unix seconds).
    pub created_at: i64,
    /// Last used (Unix seconds), if ever.
    pub last_used_at: Option<i64>,
    /// Revoked (Unix seconds), if so.
    pub revoked_at: Option<i64>,
}

/// What is needed to create a token.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// Owner.
    pub user_id: PersonId,
    /// Name.
    pub name: String,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// Created (Unix seconds).
    pub created_at: i64,
}
