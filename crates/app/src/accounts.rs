//! Accounts: first-run setup, sign-up, sign-in with throttling, sessions, time zones.

use crate::secrets::{SessionToken, hash_password, random_token, token_hash, verify_password};
use crate::{App, AppError, AppResult};
use enough_domain::ValidationErrors;
use enough_domain::account::{Email, Role, check_new_password, parse_time_zone};
use enough_store::{NewSession, NewUser, Session, StoreError, User};

/// The window in which failed sign-ins are counted, in seconds.
pub const SIGN_IN_WINDOW_SECS: i64 = 15 * 60;
const SIGNUP_SETTING: &str = "signup_enabled";

/// A request's verified identity: the user and, for browsers, their session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Who is signed in.
    pub user: User,
    /// The browser session, absent for API tokens.
    pub session: Option<Session>,
}

impl App {
    /// True until the first account exists.
    pub async fn needs_setup(&self) -> AppResult<bool> {
        Ok(self.store.count_users().await? == 0)
    }

    /// Creates the first account, an admin, on a fresh installation.
    pub async fn create_first_account(
        &self,
        email: &str,
        password: &str,
        time_zone: &str,
    ) -> AppResult<User> {
        let new = self
            .new_user(email, password, time_zone, Role::Admin)
            .await?;
        self.store
            .create_first_user(new)
            .await?
            .ok_or(AppError::AlreadySetUp)
    }

    /// Whether people may create their own accounts (on by default).
    pub async fn sign_up_open(&self) -> AppResult<bool> {
        Ok(self.store.setting(SIGNUP_SETTING).await?.as_deref() != Some("false"))
    }

    /// Opens or closes sign-up; admins only.
    pub async fn set_sign_up_open(&self, actor: &User, open: bool) -> AppResult<()> {
        if actor.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        self.store
            .set_setting(SIGNUP_SETTING, if open { "true" } else { "false" })
            .await?;
        Ok(())
    }

    /// Opens or closes sign-up from the server's shell (whoever runs the CLI is its admin).
    pub async fn set_sign_up_open_from_shell(&self, open: bool) -> AppResult<()> {
        self.store
            .set_setting(SIGNUP_SETTING, if open { "true" } else { "false" })
            .await?;
        Ok(())
    }

    /// A person creates their own account (when sign-up is open).
    pub async fn sign_up(&self, email: &str, password: &str, time_zone: &str) -> AppResult<User> {
        if !self.sign_up_open().await? {
            return Err(AppError::SignUpClosed);
        }
        let new = self
            .new_user(email, password, time_zone, Role::Person)
            .await?;
        self.insert_user(new).await
    }

    /// An admin at the shell adds an account with any role.
    pub async fn add_user(
        &self,
        email: &str,
        role: Role,
        password: &str,
        time_zone: &str,
    ) -> AppResult<User> {
        let new = self.new_user(email, password, time_zone, role).await?;
        self.insert_user(new).await
    }

    /// Every account (for admins at the shell).
    pub async fn list_users(&self) -> AppResult<Vec<User>> {
        Ok(self.store.list_users().await?)
    }

    /// The account with this e-mail address.
    pub async fn user_by_email(&self, email: &str) -> AppResult<User> {
        let email = Email::parse(email)?;
        self.store
            .user_by_email(email.as_str())
            .await?
            .map(|c| c.user)
            .ok_or(AppError::NotFound("account"))
    }

    async fn insert_user(&self, new: NewUser) -> AppResult<User> {
        match self.store.create_user(new).await {
            Err(StoreError::Conflict(_)) => Err(AppError::Conflict {
                field: "email",
                message: "An account with this e-mail address already exists. Try signing in."
                    .to_owned(),
            }),
            other => Ok(other?),
        }
    }

    async fn new_user(
        &self,
        email: &str,
        password: &str,
        time_zone: &str,
        role: Role,
    ) -> AppResult<NewUser> {
        let mut errors = ValidationErrors::default();
        let email = Email::parse(email).map_err(|e| errors.0.extend(e.0)).ok();
        let _ = check_new_password(password).map_err(|e| errors.0.extend(e.0));
        let tz = parse_time_zone(time_zone)
            .map_err(|e| errors.0.extend(e.0))
            .ok();
        let (Some(email), Some(tz)) = (email, tz) else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        Ok(NewUser {
            email: email.as_str().to_owned(),
            password_hash: hash_password(password.to_owned()).await?,
            role,
            time_zone: tz.name().to_owned(),
            created_at: self.now().timestamp(),
        })
    }

    /// Checks e-mail and password and opens a session. Failed attempts are counted per
    /// account and per address in the store, so the limit holds across several servers.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        address: &str,
        user_agent: &str,
    ) -> AppResult<(SessionToken, User)> {
        let email = Email::parse(email).map_err(|_| AppError::WrongCredentials)?;
        let now = self.now().timestamp();
        let since = now - SIGN_IN_WINDOW_SECS;
        let account_key = format!("email:{email}");
        let address_key = format!("ip:{address}");
        if self.store.count_login_failures(&account_key, since).await?
            >= self.config.max_failures_per_account
            || self.store.count_login_failures(&address_key, since).await?
                >= self.config.max_failures_per_address
        {
            return Err(AppError::RateLimited {
                retry_after_secs: SIGN_IN_WINDOW_SECS,
            });
        }
        let found = self.store.user_by_email(email.as_str()).await?;
        let hash = found.as_ref().map(|c| c.password_hash.clone());
        let valid = verify_password(password.to_owned(), hash).await?;
        let Some(credentials) = found.filter(|_| valid) else {
            self.store
                .record_login_failure(&[account_key, address_key], now)
                .await?;
            return Err(AppError::WrongCredentials);
        };
        self.store.clear_login_failures(&account_key, since).await?;
        let token = self.start_session(&credentials.user, user_agent).await?;
        Ok((token, credentials.user))
    }

    /// Opens a browser session for `user` (after sign-up or sign-in).
    pub async fn start_session(&self, user: &User, user_agent: &str) -> AppResult<SessionToken> {
        let token = random_token();
        let now = self.now().timestamp();
        self.store
            .create_session(NewSession {
                token_hash: token_hash(&token),
                user_id: user.id,
                csrf_token: random_token(),
                created_at: now,
                expires_at: now + self.config.session_ttl_secs,
                user_agent: user_agent.chars().take(200).collect(),
            })
            .await?;
        Ok(SessionToken(token))
    }

    /// The signed-in user behind a session cookie, if the session is live.
    pub async fn session(&self, token: &str) -> AppResult<Option<SignedIn>> {
        let now = self.now().timestamp();
        Ok(self
            .store
            .session_by_token_hash(&token_hash(token), now)
            .await?
            .map(|(session, user)| SignedIn {
                user,
                session: Some(session),
            }))
    }

    /// Ends the session behind a cookie.
    pub async fn sign_out(&self, token: &str) -> AppResult<()> {
        Ok(self.store.delete_session(&token_hash(token)).await?)
    }

    /// A user's live sessions, newest first.
    pub async fn sessions(&self, user: &User) -> AppResult<Vec<Session>> {
        Ok(self
            .store
            .list_sessions(user.id, self.now().timestamp())
            .await?)
    }

    /// Ends one of the user's own sessions.
    pub async fn end_session(&self, user: &User, session_id: i64) -> AppResult<()> {
        if self.store.delete_session_by_id(user.id, session_id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound("session"))
        }
    }

    /// Removes expired sessions (housekeeping; expired ones are refused anyway).
    pub async fn purge_expired_sessions(&self) -> AppResult<u64> {
        Ok(self
            .store
            .purge_expired_sessions(self.now().timestamp())
            .await?)
    }

    /// Changes the user's time zone (which decides their "today").
    pub async fn set_time_zone(&self, user: &User, time_zone: &str) -> AppResult<User> {
        let tz = parse_time_zone(time_zone)?;
        self.store.set_time_zone(user.id, tz.name()).await?;
        Ok(User {
            time_zone: tz.name().to_owned(),
            ..user.clone()
        })
    }
}
