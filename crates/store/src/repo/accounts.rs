//! Accounts, installation settings and the record of deletions.

use crate::sql::{Dialect, Row, Tx};
use crate::{NewUser, StoreError, StoreResult, User, UserCredentials, params};
use enough_domain::PersonId;
use enough_domain::account::{Role, Tz};

/// Accounts, settings and deletions, inside one transaction.
pub struct Accounts<'t>(pub(crate) &'t mut dyn Tx);

/// The columns [`user_from_row`] reads.
pub(crate) const USER_COLUMNS: &str =
    "users.id, users.email, users.role, users.time_zone, users.created_at, users.country";
/// How many columns [`USER_COLUMNS`] lists.
pub(crate) const USER_WIDTH: usize = 6;

/// The advisory-lock key that serialises "create the first account" on PostgreSQL (any fixed
/// number will do; this one is "enough" in ASCII).
const FIRST_USER_LOCK: i64 = 0x656E_6F75_6768;

/// A user from [`USER_COLUMNS`] at `at`.
pub(crate) fn user_from_row(r: &Row, at: usize) -> StoreResult<User> {
    let role = r.text(at + 2)?;
    Ok(User {
        id: r.id(at)?,
        email: r.text(at + 1)?,
        role: role
            .parse::<Role>()
            .map_err(|_| StoreError::Corrupt(format!("users.role: {role:?}")))?,
        time_zone: time_zone(&r.text(at + 3)?)?,
        created_at: r.i64(at + 4)?,
        country: r.opt_text(at + 5)?,
    })
}

/// Parses a stored time zone name. Every name was validated when it was written, so an unknown
/// one means the data was changed outside the app (or the zone database lost a name): that is
/// reported as corrupt rather than quietly read as UTC, which would shift every day of the
/// person's record.
pub(crate) fn time_zone(name: &str) -> StoreResult<Tz> {
    name.parse::<Tz>()
        .map_err(|_| StoreError::Corrupt(format!("users.time_zone: unknown zone {name:?}")))
}

fn created(id: PersonId, user: NewUser) -> StoreResult<User> {
    Ok(User {
        id,
        email: user.email,
        role: user.role,
        time_zone: time_zone(&user.time_zone)?,
        country: None,
        created_at: user.created_at,
    })
}

impl Accounts<'_> {
    /// How many accounts exist.
    pub async fn count(&mut self) -> StoreResult<i64> {
        self.0
            .query_one("SELECT COUNT(*) FROM users", &[])
            .await?
            .i64(0)
    }

    /// Creates an account; `Conflict` if the e-mail is taken.
    pub async fn create(&mut self, user: NewUser) -> StoreResult<User> {
        let row = self
            .0
            .query_one(
                "INSERT INTO users (email, password_hash, role, time_zone, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &params![
                    &user.email,
                    &user.password_hash,
                    user.role.as_str(),
                    &user.time_zone,
                    user.created_at
                ],
            )
            .await?;
        let id = row.id(0)?;
        // A new account starts at a version no earlier account with its id has used.
        super::days::bump_version(self.0, id).await?;
        created(id, user)
    }

    /// Creates an account only if there is none yet; `None` if one existed. SQLite's writer
    /// runs nothing else meanwhile; on PostgreSQL a transaction-scoped advisory lock makes two
    /// callers take turns, and the second one's `NOT EXISTS` sees the first one's account.
    pub async fn create_first(&mut self, user: NewUser) -> StoreResult<Option<User>> {
        if self.0.dialect() == Dialect::Postgres {
            self.0
                .execute(
                    "SELECT pg_advisory_xact_lock($1)",
                    &params![FIRST_USER_LOCK],
                )
                .await?;
        }
        let row = self
            .0
            .query_opt(
                "INSERT INTO users (email, password_hash, role, time_zone, created_at)
                 SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM users) RETURNING id",
                &params![
                    &user.email,
                    &user.password_hash,
                    user.role.as_str(),
                    &user.time_zone,
                    user.created_at
                ],
            )
            .await?;
        match row {
            Some(r) => {
                let id = r.id(0)?;
                super::days::bump_version(self.0, id).await?;
                created(id, user).map(Some)
            }
            None => Ok(None),
        }
    }

    /// The account with this (normalised) e-mail, with its password hash.
    pub async fn by_email(&mut self, email: &str) -> StoreResult<Option<UserCredentials>> {
        let sql = format!("SELECT {USER_COLUMNS}, users.password_hash FROM users WHERE email = $1");
        let row = self.0.query_opt(&sql, &params![email]).await?;
        row.map(|r| {
            Ok(UserCredentials {
                user: user_from_row(&r, 0)?,
                password_hash: r.text(USER_WIDTH)?,
            })
        })
        .transpose()
    }

    /// The account with this id.
    pub async fn by_id(&mut self, id: PersonId) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row = self.0.query_opt(&sql, &params![id]).await?;
        row.map(|r| user_from_row(&r, 0)).transpose()
    }

    /// Every account, oldest first.
    pub async fn list(&mut self) -> StoreResult<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY id");
        let rows = self.0.query(&sql, &[]).await?;
        rows.iter().map(|r| user_from_row(r, 0)).collect()
    }

    /// Changes a person's time zone.
    pub async fn set_time_zone(&mut self, user_id: PersonId, time_zone: &str) -> StoreResult<()> {
        self.0
            .execute(
                "UPDATE users SET time_zone = $1 WHERE id = $2",
                &params![time_zone, user_id],
            )
            .await?;
        // "Today", and so the default ranges, moves with the time zone.
        super::days::bump_version(self.0, user_id).await
    }

    /// Sets (or with `None`, clears) the person's country.
    pub async fn set_country(
        &mut self,
        user_id: PersonId,
        country: Option<&str>,
    ) -> StoreResult<()> {
        self.0
            .execute(
                "UPDATE users SET country = $1 WHERE id = $2",
                &params![country, user_id],
            )
            .await
            .map(drop)
    }

    /// Replaces an account's password hash.
    pub async fn set_password_hash(&mut self, user_id: PersonId, hash: &str) -> StoreResult<()> {
        self.0
            .execute(
                "UPDATE users SET password_hash = $1 WHERE id = $2",
                &params![hash, user_id],
            )
            .await
            .map(drop)
    }

    /// An installation setting, e.g. `signup_enabled`.
    pub async fn setting(&mut self, key: &str) -> StoreResult<Option<String>> {
        let row = self
            .0
            .query_opt("SELECT value FROM settings WHERE key = $1", &params![key])
            .await?;
        row.map(|r| r.text(0)).transpose()
    }

    /// Sets an installation setting.
    pub async fn set_setting(&mut self, key: &str, value: &str) -> StoreResult<()> {
        self.0
            .execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &params![key, value],
            )
            .await
            .map(drop)
    }

    /// Deletes the rows of `user_id` in a table listed in [`crate::PERSONAL_TABLES`].
    pub async fn delete_personal_rows(
        &mut self,
        table: &str,
        user_id: PersonId,
    ) -> StoreResult<u64> {
        if !crate::PERSONAL_TABLES.contains(&table) {
            return Err(StoreError::Database(format!(
                "{table} is not a table of personal rows"
            )));
        }
        let sql = format!("DELETE FROM {table} WHERE user_id = $1");
        self.0.execute(&sql, &params![user_id]).await
    }

    /// Runs one of [`crate::CARE_DELETIONS`] for `user_id`.
    pub async fn run_care_deletion(&mut self, index: usize, user_id: PersonId) -> StoreResult<u64> {
        let sql = crate::CARE_DELETIONS
            .get(index)
            .ok_or_else(|| StoreError::Database(format!("no care deletion {index}")))?;
        self.0.execute(sql, &params![user_id]).await
    }

    /// Deletes the account row itself; false if there was none. Asks the backend to erase
    /// the freed pages' old content once the transaction commits.
    pub async fn delete(&mut self, user_id: PersonId) -> StoreResult<bool> {
        let deleted = self
            .0
            .execute("DELETE FROM users WHERE id = $1", &params![user_id])
            .await?
            > 0;
        if deleted {
            self.0.erase_after_commit();
        }
        Ok(deleted)
    }

    /// Records that an account was deleted, and when: nothing else.
    pub async fn record_deletion(&mut self, at: i64) -> StoreResult<()> {
        self.0
            .execute(
                "INSERT INTO account_deletions (deleted_at) VALUES ($1)",
                &params![at],
            )
            .await
            .map(drop)
    }

    /// How many accounts have been deleted.
    pub async fn count_deletions(&mut self) -> StoreResult<i64> {
        self.0
            .query_one("SELECT COUNT(*) FROM account_deletions", &[])
            .await?
            .i64(0)
    }
}
