//! Accounts: first-run setup, sign-up, sign-in with throttling, sessions, passwords,
//! disabling, time zones.
//!
//! Every request that hashes first takes its place in the hashing queue (so a flood beyond the
//! queue is answered 503 without a database write), then *reserves* an attempt in the store
//! (atomically, per account and per address), so concurrent guesses cannot run more checks than
//! the limit. A browser that
//! signed in successfully before carries a signed device cookie (OWASP "device cookies"); its
//! attempts are counted under that device instead of the account, so someone guessing from
//! elsewhere cannot lock the owner out of their own device.

use crate::hashing::Place;
use crate::secrets::{SessionToken, random_token, token_hash};
use crate::{App, AppError, AppResult, Me};
use enough_domain::ValidationErrors;
use enough_domain::account::{Email, Role, check_new_password, parse_time_zone};
use enough_domain::{PersonId, SessionId, TokenId};
use enough_store::{NewSession, NewUser, Session, StoreError, User};

/// The window in which failed sign-ins are counted, in seconds.
pub const SIGN_IN_WINDOW_SECS: i64 = 15 * 60;
const SIGNUP_SETTING: &str = "signup_enabled";
const DEVICE_KEY_SETTING: &str = "device_cookie_key";
/// How long a request refused for a full hashing queue waits before it is answered.
pub const BUSY_DELAY: std::time::Duration = std::time::Duration::from_millis(250);
/// How long a device cookie is remembered, in seconds (one year).
pub const DEVICE_COOKIE_MAX_AGE_SECS: i64 = 365 * 24 * 3600;

use crate::rules::disabled_setting;

/// HMAC-SHA-256 (RFC 2104), hex.
fn hmac_hex(key: &[u8], message: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |b: u8| block.iter().map(|k| k ^ b).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message.as_bytes())
        .finalize();
    let outer = Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    outer.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a successful sign-in hands the browser.
#[derive(Debug)]
pub struct SignedInAs {
    /// The new session's token.
    pub session: SessionToken,
    /// The account.
    pub user: User,
    /// A device cookie value for this account on this browser.
    pub device: String,
}

/// A request's verified identity: the user and, for browsers, their session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Who is signed in (see [`Me`]: only authentication makes one, so only authentication
    /// makes a `SignedIn`).
    pub user: Me,
    /// The browser session, absent for API tokens.
    pub session: Option<Session>,
    /// The id of the API token used, absent for browser sessions.
    pub token_id: Option<TokenId>,
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
        let place = self.hash_place().await?;
        let new = self
            .new_user(&place, email, password, time_zone, Role::Admin)
            .await?;
        self.store
            .create_first_user(new)
            .await?
            .ok_or(AppError::AlreadySetUp)
    }

    /// Whether people may create their own accounts (closed until an admin opens it).
    pub async fn sign_up_open(&self) -> AppResult<bool> {
        Ok(self.store.setting(SIGNUP_SETTING).await?.as_deref() == Some("true"))
    }

    /// Opens or closes sign-up; admins only.
    pub async fn set_sign_up_open(&self, actor: &Me, open: bool) -> AppResult<()> {
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

    /// A person creates their own account (when sign-up is open); limited per address.
    pub async fn sign_up(
        &self,
        email: &str,
        password: &str,
        time_zone: &str,
        address: &str,
    ) -> AppResult<User> {
        if !self.sign_up_open().await? {
            return Err(AppError::SignUpClosed);
        }
        let place = self.hash_place().await?;
        self.reserve(&[(
            format!("signup-ip:{address}"),
            self.config.max_failures_per_address,
        )])
        .await?;
        let new = self
            .new_user(&place, email, password, time_zone, Role::Person)
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
        let place = self.hash_place().await?;
        let new = self
            .new_user(&place, email, password, time_zone, role)
            .await?;
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
        place: &Place<'_>,
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
            password_hash: place.hash(password.to_owned()).await?,
            role,
            time_zone: tz.name().to_owned(),
            created_at: self.now().timestamp(),
        })
    }

    /// A place in the password-hashing queue, taken before anything is written. When every
    /// place is taken the refusal (503 with `Retry-After`) comes after [`BUSY_DELAY`]: a flood
    /// over keep-alive connections then gets a few answers a second per connection instead of
    /// thousands, and the cores stay with the people reading their days.
    pub(crate) async fn hash_place(&self) -> AppResult<Place<'_>> {
        match self.hasher.place() {
            Err(busy @ AppError::Busy { .. }) => {
                tokio::time::sleep(BUSY_DELAY).await;
                Err(busy)
            }
            other => other,
        }
    }

    /// Reserves one attempt under every `(key, limit)` within the window, or refuses.
    pub(crate) async fn reserve(&self, keys: &[(String, i64)]) -> AppResult<()> {
        let now = self.now().timestamp();
        if self
            .store
            .reserve_attempt(keys, now - SIGN_IN_WINDOW_SECS, now)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::RateLimited {
                retry_after_secs: SIGN_IN_WINDOW_SECS,
            })
        }
    }

    async fn device_key(&self) -> AppResult<String> {
        if let Some(key) = self.store.setting(DEVICE_KEY_SETTING).await? {
            return Ok(key);
        }
        self.store
            .set_setting(DEVICE_KEY_SETTING, &random_token())
            .await?;
        // Re-read, so that two servers racing here agree on one key (the last write).
        self.store
            .setting(DEVICE_KEY_SETTING)
            .await?
            .ok_or(AppError::Internal("device key not stored".into()))
    }

    /// The device id in `cookie` when it was issued for `email` by this server.
    async fn device_for(&self, cookie: Option<&str>, email: &Email) -> AppResult<Option<String>> {
        let Some((id, mac)) = cookie.and_then(|c| c.split_once('.')) else {
            return Ok(None);
        };
        let key = self.device_key().await?;
        let expected = hmac_hex(key.as_bytes(), &format!("device|{email}|{id}"));
        let same = expected.len() == mac.len()
            && expected
                .bytes()
                .zip(mac.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        Ok(same.then(|| id.to_owned()))
    }

    async fn new_device(&self, email: &Email) -> AppResult<String> {
        let id = random_token();
        let key = self.device_key().await?;
        let mac = hmac_hex(key.as_bytes(), &format!("device|{email}|{id}"));
        Ok(format!("{id}.{mac}"))
    }

    /// Checks e-mail and password and opens a session (no device cookie).
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        address: &str,
        user_agent: &str,
    ) -> AppResult<(SessionToken, User)> {
        let done = self
            .sign_in_with_device(email, password, address, user_agent, None)
            .await?;
        Ok((done.session, done.user))
    }

    /// Checks e-mail and password and opens a session. An attempt is reserved per account
    /// (or per known device) and per address *before* the password is checked, so the limits
    /// hold however many requests arrive at once, on one server or several.
    pub async fn sign_in_with_device(
        &self,
        email: &str,
        password: &str,
        address: &str,
        user_agent: &str,
        device_cookie: Option<&str>,
    ) -> AppResult<SignedInAs> {
        let email = Email::parse(email).map_err(|_| AppError::WrongCredentials)?;
        // The place first: a flood beyond the queue is refused before anything is written.
        let place = self.hash_place().await?;
        let now = self.now().timestamp();
        let since = now - SIGN_IN_WINDOW_SECS;
        let account_key = match self.device_for(device_cookie, &email).await? {
            Some(device) => format!("device:{device}"),
            None => format!("email:{email}"),
        };
        let address_key = format!("ip:{address}");
        self.reserve(&[
            (account_key.clone(), self.config.max_failures_per_account),
            (address_key, self.config.max_failures_per_address),
        ])
        .await?;
        let found = self.store.user_by_email(email.as_str()).await?;
        let hash = found.as_ref().map(|c| c.password_hash.clone());
        let valid = place.verify(password.to_owned(), hash).await?;
        drop(place);
        let Some(credentials) = found.filter(|_| valid) else {
            return Err(AppError::WrongCredentials);
        };
        if self.is_disabled(credentials.user.id).await? {
            return Err(AppError::Disabled);
        }
        self.store.clear_login_failures(&account_key, since).await?;
        let session = self.start_session(&credentials.user, user_agent).await?;
        let device = self.new_device(&email).await?;
        Ok(SignedInAs {
            session,
            user: credentials.user,
            device,
        })
    }

    /// Whether an admin has disabled this account.
    pub async fn is_disabled(&self, user_id: PersonId) -> AppResult<bool> {
        Ok(self
            .store
            .setting(&disabled_setting(user_id))
            .await?
            .as_deref()
            == Some("true"))
    }

    /// Disables or enables an account; admins only, and never their own. Disabling ends its
    /// sessions and revokes its tokens at once.
    pub async fn set_disabled(
        &self,
        actor: &Me,
        target_id: PersonId,
        disabled: bool,
    ) -> AppResult<()> {
        if actor.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        if actor.id == target_id {
            return Err(ValidationErrors::single(
                "account",
                "You cannot disable your own account; ask another administrator or use the CLI.",
            )
            .into());
        }
        self.store
            .user_by_id(target_id)
            .await?
            .ok_or(AppError::NotFound("account"))?;
        self.apply_disabled(target_id, disabled).await
    }

    /// Disables or enables an account from the server's shell.
    pub async fn set_disabled_from_shell(&self, email: &str, disabled: bool) -> AppResult<User> {
        let user = self.user_by_email(email).await?;
        self.apply_disabled(user.id, disabled).await?;
        Ok(user)
    }

    async fn apply_disabled(&self, user_id: PersonId, disabled: bool) -> AppResult<()> {
        self.store
            .set_setting(
                &disabled_setting(user_id),
                if disabled { "true" } else { "false" },
            )
            .await?;
        if disabled {
            self.store
                .end_sessions(user_id, None, self.now().timestamp())
                .await?;
        }
        Ok(())
    }

    /// Every account with whether it is disabled (admins only).
    pub async fn accounts_for_admin(&self, actor: &Me) -> AppResult<Vec<(User, bool)>> {
        if actor.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        let mut all = Vec::new();
        for user in self.store.list_users().await? {
            let disabled = self.is_disabled(user.id).await?;
            all.push((user, disabled));
        }
        Ok(all)
    }

    /// Changes the signed-in person's password after checking the current one; ends every
    /// other session and revokes every other token (the browser session or API token used for
    /// the change stays, so a script changing its own password is not cut off).
    pub async fn change_password(
        &self,
        signed_in: &SignedIn,
        current: &str,
        new: &str,
    ) -> AppResult<()> {
        let user = &signed_in.user;
        let place = self.hash_place().await?;
        self.reserve(&[(
            format!("password:{}", user.id),
            self.config.max_failures_per_account,
        )])
        .await?;
        let mut errors = ValidationErrors::default();
        if let Err(e) = check_new_password(new) {
            errors.0.extend(e.0);
        }
        let credentials = self
            .store
            .user_by_email(&user.email)
            .await?
            .ok_or(AppError::NotFound("account"))?;
        if !place
            .verify(current.to_owned(), Some(credentials.password_hash))
            .await?
        {
            errors.0.insert(
                0,
                enough_domain::FieldError::new(
                    "current_password",
                    "That is not your current password; nothing was changed.",
                ),
            );
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let hash = place.hash(new.to_owned()).await?;
        drop(place);
        let keep_session = signed_in.session.as_ref().map(|s| s.id);
        self.store
            .set_password_hash(
                user.id,
                &hash,
                keep_session,
                signed_in.token_id,
                self.now().timestamp(),
            )
            .await?;
        Ok(())
    }

    /// Sets an account's password from the server's shell (an admin reset); ends every session
    /// and revokes every token of the account.
    pub async fn set_password_from_shell(&self, email: &str, new: &str) -> AppResult<User> {
        let user = self.user_by_email(email).await?;
        check_new_password(new)?;
        let hash = self.hash_place().await?.hash(new.to_owned()).await?;
        self.store
            .set_password_hash(user.id, &hash, None, None, self.now().timestamp())
            .await?;
        Ok(user)
    }

    /// Ends every session of the signed-in person, this one included, and revokes their tokens.
    pub async fn sign_out_everywhere(&self, user: &Me) -> AppResult<()> {
        Ok(self
            .store
            .end_sessions(user.id, None, self.now().timestamp())
            .await?)
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

    /// Ends the session behind a cookie.
    pub async fn sign_out(&self, token: &str) -> AppResult<()> {
        Ok(self.store.delete_session(&token_hash(token)).await?)
    }

    /// A user's live sessions, newest first.
    pub async fn sessions(&self, user: &Me) -> AppResult<Vec<Session>> {
        Ok(self
            .store
            .list_sessions(user.id, self.now().timestamp())
            .await?)
    }

    /// Ends one of the user's own sessions.
    pub async fn end_session(&self, user: &Me, session_id: SessionId) -> AppResult<()> {
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
    pub async fn set_time_zone(&self, user: &Me, time_zone: &str) -> AppResult<User> {
        let tz = parse_time_zone(time_zone)?;
        self.store.set_time_zone(user.id, tz.name()).await?;
        Ok(User {
            time_zone: tz,
            ..user.user().clone()
        })
    }
}
