//! Sessions, personal access tokens and sign-in throttling.

use super::accounts::{USER_COLUMNS, USER_WIDTH, user_from_row};
use crate::sql::{Dialect, Row, Tx};
use crate::{ApiToken, DataVersion, NewSession, NewToken, Session, StoreResult, User, params};
use enough_domain::{PersonId, SessionId, TokenId};

/// Sessions, tokens and sign-in throttling, inside one transaction.
pub struct Sessions<'t>(pub(crate) &'t mut dyn Tx);

pub(crate) const SESSION_COLUMNS: &str = "sessions.id, sessions.user_id, sessions.csrf_token, \
     sessions.created_at, sessions.last_seen_at, sessions.expires_at, sessions.user_agent";
pub(crate) const TOKEN_COLUMNS: &str = "api_tokens.id, api_tokens.user_id, api_tokens.name, \
     api_tokens.created_at, api_tokens.last_used_at, api_tokens.revoked_at";

/// How many columns [`SESSION_COLUMNS`] holds.
const SESSION_WIDTH: usize = 7;
/// The value of the setting named by the third parameter followed by the user's id.
const USER_SETTING: &str = "(SELECT value FROM settings \
     WHERE key = CAST($3 AS TEXT) || CAST(users.id AS TEXT))";
/// The database's epoch and the user's data version (as `Days::data_version` reads them).
const USER_VERSION: &str = "(SELECT epoch FROM data_epoch WHERE id = 1), \
     COALESCE((SELECT version FROM data_versions WHERE user_id = users.id), 0)";
/// As [`USER_SETTING`], the name's start given as the second parameter.
const USER_SETTING_2: &str = "(SELECT value FROM settings \
     WHERE key = CAST($2 AS TEXT) || CAST(users.id AS TEXT))";

fn session_from_row(r: &Row, at: usize) -> StoreResult<Session> {
    Ok(Session {
        id: r.id(at)?,
        user_id: r.id(at + 1)?,
        csrf_token: r.text(at + 2)?,
        created_at: r.i64(at + 3)?,
        last_seen_at: r.i64(at + 4)?,
        expires_at: r.i64(at + 5)?,
        user_agent: r.text(at + 6)?,
    })
}

fn token_from_row(r: &Row) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: r.id(0)?,
        user_id: r.id(1)?,
        name: r.text(2)?,
        created_at: r.i64(3)?,
        last_used_at: r.opt_i64(4)?,
        revoked_at: r.opt_i64(5)?,
    })
}

/// A live token's owner, with what the once-a-minute "last used" rule needs.
#[derive(Debug, Clone)]
pub struct TokenOwner {
    /// The owner.
    pub user: User,
    /// The token's id.
    pub token_id: TokenId,
    /// When it was last used, if ever.
    pub last_used_at: Option<i64>,
}

impl Sessions<'_> {
    /// Stores a new session (only the hash of its token).
    pub async fn create(&mut self, s: &NewSession) -> StoreResult<()> {
        self.0
            .execute(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at,
                                       expires_at, user_agent)
                 VALUES ($1, $2, $3, $4, $4, $5, $6)",
                &params![
                    &s.token_hash,
                    s.user_id,
                    &s.csrf_token,
                    s.created_at,
                    s.expires_at,
                    &s.user_agent
                ],
            )
            .await
            .map(drop)
    }

    /// The live (unexpired) session with this token hash, and its user. Only reads.
    pub async fn by_token_hash(
        &mut self,
        token_hash: &str,
        now: i64,
    ) -> StoreResult<Option<(Session, User)>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, {SESSION_COLUMNS}
             FROM sessions JOIN users ON users.id = sessions.user_id
             WHERE sessions.token_hash = $1 AND sessions.expires_at > $2"
        );
        let row = self.0.query_opt(&sql, &params![token_hash, now]).await?;
        row.map(|r| Ok((session_from_row(&r, USER_WIDTH)?, user_from_row(&r, 0)?)))
            .transpose()
    }

    /// As [`Self::by_token_hash`], with one of the user's settings read by the same statement
    /// (the installation setting named `setting_prefix` followed by the user's id: an account
    /// flag, such as whether it is disabled) and the user's data version. One round trip for
    /// what every signed-in request asks first.
    pub async fn by_token_hash_with_setting(
        &mut self,
        token_hash: &str,
        now: i64,
        setting_prefix: &str,
    ) -> StoreResult<Option<(Session, User, Option<String>, DataVersion)>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, {SESSION_COLUMNS}, {USER_SETTING}, {USER_VERSION}
             FROM sessions JOIN users ON users.id = sessions.user_id
             WHERE sessions.token_hash = $1 AND sessions.expires_at > $2"
        );
        let row = self
            .0
            .query_opt(&sql, &params![token_hash, now, setting_prefix])
            .await?;
        row.map(|r| {
            Ok((
                session_from_row(&r, USER_WIDTH)?,
                user_from_row(&r, 0)?,
                r.opt_text(USER_WIDTH + SESSION_WIDTH)?,
                DataVersion {
                    epoch: r.text(USER_WIDTH + SESSION_WIDTH + 1)?,
                    version: r.i64(USER_WIDTH + SESSION_WIDTH + 2)?,
                },
            ))
        })
        .transpose()
    }

    /// Records activity on session `id`.
    pub async fn touch(&mut self, id: SessionId, now: i64) -> StoreResult<()> {
        self.0
            .execute(
                "UPDATE sessions SET last_seen_at = $1 WHERE id = $2",
                &params![now, id],
            )
            .await
            .map(drop)
    }

    /// Ends a session by its token hash.
    pub async fn delete(&mut self, token_hash: &str) -> StoreResult<()> {
        self.0
            .execute(
                "DELETE FROM sessions WHERE token_hash = $1",
                &params![token_hash],
            )
            .await
            .map(drop)
    }

    /// A user's live sessions, newest first.
    pub async fn list(&mut self, user_id: PersonId, now: i64) -> StoreResult<Vec<Session>> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = $1 AND expires_at > $2
             ORDER BY created_at DESC, id DESC"
        );
        let rows = self.0.query(&sql, &params![user_id, now]).await?;
        rows.iter().map(|r| session_from_row(r, 0)).collect()
    }

    /// Ends one of a user's sessions by id; false if it was not theirs or did not exist.
    pub async fn delete_by_id(
        &mut self,
        user_id: PersonId,
        session_id: SessionId,
    ) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "DELETE FROM sessions WHERE id = $1 AND user_id = $2",
                &params![session_id, user_id],
            )
            .await?;
        Ok(n > 0)
    }

    /// Removes sessions that expired before `now`.
    pub async fn purge_expired(&mut self, now: i64) -> StoreResult<u64> {
        self.0
            .execute("DELETE FROM sessions WHERE expires_at <= $1", &params![now])
            .await
    }

    /// Ends every session of `user_id` but `keep_session` and revokes its live tokens but
    /// `keep_token`.
    pub async fn end_all(
        &mut self,
        user_id: PersonId,
        keep_session: Option<SessionId>,
        keep_token: Option<TokenId>,
        now: i64,
    ) -> StoreResult<()> {
        self.0
            .execute(
                "DELETE FROM sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2",
                &params![user_id, keep_session],
            )
            .await?;
        self.0
            .execute(
                "UPDATE api_tokens SET revoked_at = $1
                 WHERE user_id = $2 AND revoked_at IS NULL AND id IS DISTINCT FROM $3",
                &params![now, user_id, keep_token],
            )
            .await
            .map(drop)
    }

    /// Records one failed sign-in under `key`.
    pub async fn record_failure(&mut self, key: &str, at: i64) -> StoreResult<()> {
        self.0
            .execute(
                "INSERT INTO login_failures (key, at) VALUES ($1, $2)",
                &params![key, at],
            )
            .await
            .map(drop)
    }

    /// Failed sign-ins for `key` since `since`.
    pub async fn count_failures(&mut self, key: &str, since: i64) -> StoreResult<i64> {
        self.0
            .query_one(
                "SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2",
                &params![key, since],
            )
            .await?
            .i64(0)
    }

    /// Forgets failures for `key` and those older than `before`.
    pub async fn clear_failures(&mut self, key: &str, before: i64) -> StoreResult<()> {
        self.0
            .execute(
                "DELETE FROM login_failures WHERE key = $1 OR at < $2",
                &params![key, before],
            )
            .await
            .map(drop)
    }

    /// When each key has fewer than its limit of attempts at or after `since`, records one
    /// attempt per key at `now` and returns true; otherwise records nothing, false. SQLite's
    /// single writer runs no other write meanwhile; on PostgreSQL a transaction-scoped
    /// advisory lock per key (taken in one order) makes concurrent reservations take turns.
    pub async fn reserve_attempt(
        &mut self,
        keys: &[(String, i64)],
        since: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let mut sorted = keys.to_vec();
        sorted.sort();
        if self.0.dialect() == Dialect::Postgres {
            for (key, _) in &sorted {
                self.0
                    .execute(
                        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                        &params![key],
                    )
                    .await?;
            }
        }
        for (key, limit) in &sorted {
            if self.count_failures(key, since).await? >= *limit {
                return Ok(false);
            }
        }
        for (key, _) in &sorted {
            self.record_failure(key, now).await?;
        }
        Ok(true)
    }

    /// Stores a new token (only its hash).
    pub async fn create_token(&mut self, t: NewToken) -> StoreResult<ApiToken> {
        let row = self
            .0
            .query_one(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at)
                 VALUES ($1, $2, $3, $4) RETURNING id",
                &params![t.user_id, &t.name, &t.token_hash, t.created_at],
            )
            .await?;
        Ok(ApiToken {
            id: row.id(0)?,
            user_id: t.user_id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: None,
            revoked_at: None,
        })
    }

    /// The owner of a live (unrevoked) token. Only reads.
    pub async fn token_owner(&mut self, token_hash: &str) -> StoreResult<Option<TokenOwner>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, api_tokens.id, api_tokens.last_used_at
             FROM api_tokens JOIN users ON users.id = api_tokens.user_id
             WHERE api_tokens.token_hash = $1 AND api_tokens.revoked_at IS NULL"
        );
        let row = self.0.query_opt(&sql, &params![token_hash]).await?;
        row.map(|r| {
            Ok(TokenOwner {
                user: user_from_row(&r, 0)?,
                token_id: r.id(USER_WIDTH)?,
                last_used_at: r.opt_i64(USER_WIDTH + 1)?,
            })
        })
        .transpose()
    }

    /// As [`Self::token_owner`], with the user's setting named `setting_prefix` followed by
    /// their id and their data version read by the same statement (see
    /// [`Self::by_token_hash_with_setting`]).
    pub async fn token_owner_with_setting(
        &mut self,
        token_hash: &str,
        setting_prefix: &str,
    ) -> StoreResult<Option<(TokenOwner, Option<String>, DataVersion)>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, api_tokens.id, api_tokens.last_used_at, {USER_SETTING_2},
                    {USER_VERSION}
             FROM api_tokens JOIN users ON users.id = api_tokens.user_id
             WHERE api_tokens.token_hash = $1 AND api_tokens.revoked_at IS NULL"
        );
        let row = self
            .0
            .query_opt(&sql, &params![token_hash, setting_prefix])
            .await?;
        row.map(|r| {
            Ok((
                TokenOwner {
                    user: user_from_row(&r, 0)?,
                    token_id: r.id(USER_WIDTH)?,
                    last_used_at: r.opt_i64(USER_WIDTH + 1)?,
                },
                r.opt_text(USER_WIDTH + 2)?,
                DataVersion {
                    epoch: r.text(USER_WIDTH + 3)?,
                    version: r.i64(USER_WIDTH + 4)?,
                },
            ))
        })
        .transpose()
    }

    /// Records that token `id` was used.
    pub async fn touch_token(&mut self, id: TokenId, now: i64) -> StoreResult<()> {
        self.0
            .execute(
                "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
                &params![now, id],
            )
            .await
            .map(drop)
    }

    /// A user's tokens, newest first, revoked ones included.
    pub async fn tokens(&mut self, user_id: PersonId) -> StoreResult<Vec<ApiToken>> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1
             ORDER BY created_at DESC, id DESC"
        );
        let rows = self.0.query(&sql, &params![user_id]).await?;
        rows.iter().map(token_from_row).collect()
    }

    /// Revokes one of a user's tokens; false if it was not theirs or already revoked.
    pub async fn revoke_token(
        &mut self,
        user_id: PersonId,
        token_id: TokenId,
        now: i64,
    ) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "UPDATE api_tokens SET revoked_at = $1
                 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
                &params![now, token_id, user_id],
            )
            .await?;
        Ok(n > 0)
    }
}
