//! The storage rules that span several statements, written once for every backend: each
//! runs as one transaction (`store.write(|tx| …)`) over the store's repositories. The `_in`
//! forms run inside a transaction the caller already holds, so a use case can combine them.

use chrono::NaiveDate;
use enough_domain::{PersonId, TokenId};
use enough_store::sql::Tx;
use enough_store::{
    CareLink, Experiment, InvitationRefused, NewExperiment, Session, Store, StoreError,
    StoreResult, User,
};

/// How often a session's (or token's) last use is written: at most once a minute, so that
/// most requests only read.
pub const TOUCH_EVERY_SECS: i64 = 60;

/// Accepts the invitation with this code hash for `person_id`, creating the link with the
/// given categories, in one transaction. A code works once, even when two people race: the
/// invitation is read for update (a row lock on PostgreSQL; SQLite's writer runs one
/// transaction at a time), and a partial unique index catches two invitations racing for one
/// pair.
pub async fn accept_invitation(
    store: &dyn Store,
    code_hash: &str,
    person_id: PersonId,
    categories: &str,
    now: i64,
) -> StoreResult<Result<CareLink, InvitationRefused>> {
    let (code_hash, categories) = (code_hash.to_owned(), categories.to_owned());
    store
        .write(move |tx| {
            Box::pin(async move {
                accept_invitation_in(tx, &code_hash, person_id, &categories, now).await
            })
        })
        .await
}

/// [`accept_invitation`] inside the caller's transaction.
pub async fn accept_invitation_in(
    tx: &mut dyn Tx,
    code_hash: &str,
    person_id: PersonId,
    categories: &str,
    now: i64,
) -> StoreResult<Result<CareLink, InvitationRefused>> {
    let Some(invitation) = tx.care().invitation_for_update(code_hash).await? else {
        return Ok(Err(InvitationRefused::Unknown));
    };
    if invitation.revoked_at.is_some() {
        return Ok(Err(InvitationRefused::Unknown));
    }
    if invitation.expires_at <= now {
        return Ok(Err(InvitationRefused::Expired));
    }
    if invitation.used_at.is_some() {
        return Ok(Err(InvitationRefused::AlreadyUsed));
    }
    if invitation.therapist_id == person_id {
        return Ok(Err(InvitationRefused::OwnInvitation));
    }
    if tx
        .care()
        .active_link(invitation.therapist_id, person_id)
        .await?
        .is_some()
    {
        return Ok(Err(InvitationRefused::AlreadyLinked));
    }
    let link = match tx
        .care()
        .create_link(person_id, invitation.therapist_id, categories, now)
        .await
    {
        Ok(link) => link,
        // Another invitation of the same therapist won the race for this pair; on PostgreSQL
        // the failed statement leaves the transaction to be rolled back, which its commit does.
        Err(StoreError::Conflict(_)) => return Ok(Err(InvitationRefused::AlreadyLinked)),
        Err(e) => return Err(e),
    };
    tx.care()
        .mark_invitation_used(invitation.id, person_id, now)
        .await?;
    Ok(Ok(link))
}

/// Deletes the account and every row that belongs to it, in one transaction, and records
/// only the time of the deletion. False if there was no such account.
pub async fn delete_account(store: &dyn Store, user_id: PersonId, now: i64) -> StoreResult<bool> {
    store
        .write(move |tx| Box::pin(async move { delete_account_in(tx, user_id, now).await }))
        .await
}

/// [`delete_account`] inside the caller's transaction. Every table references users with
/// `ON DELETE CASCADE`; deleting explicitly as well keeps this correct even if a future table
/// forgets the cascade. The person's data version (`data_versions`) is bumped, not deleted.
/// The care tables keep the other person's record of what happened
/// ([`enough_store::CARE_DELETIONS`]).
pub async fn delete_account_in(tx: &mut dyn Tx, user_id: PersonId, now: i64) -> StoreResult<bool> {
    for table in enough_store::PERSONAL_TABLES {
        tx.accounts().delete_personal_rows(table, user_id).await?;
    }
    for index in 0..enough_store::CARE_DELETIONS.len() {
        tx.accounts().run_care_deletion(index, user_id).await?;
    }
    let deleted = tx.accounts().delete(user_id).await?;
    if deleted {
        tx.accounts().record_deletion(now).await?;
        // Cached insights of the person are never read again: the version moves on. The row
        // (a counter, nothing personal) stays, so an id SQLite hands out again starts above
        // every version the deleted person's results were cached under.
        tx.days().bump_version(user_id).await?;
    }
    Ok(deleted)
}

/// Starts an experiment in one transaction: the person's active experiments that ended
/// before `today` are marked completed first; `Conflict` if one is still running.
pub async fn start_experiment(
    store: &dyn Store,
    user_id: PersonId,
    new: NewExperiment,
    today: NaiveDate,
) -> StoreResult<Experiment> {
    store
        .write(move |tx| {
            Box::pin(async move {
                tx.days()
                    .complete_ended_experiments(user_id, today, new.created_at)
                    .await?;
                tx.days().insert_experiment(user_id, &new).await
            })
        })
        .await
}

/// What one read found behind a credential: the record, its account, and whether that
/// account is disabled.
#[derive(Debug)]
pub struct Credential<T> {
    /// The session, or the token's owner record.
    pub found: T,
    /// The account it signs in as.
    pub user: User,
    /// The account is disabled: the credential must not sign anyone in.
    pub disabled: bool,
    /// The account's data version, read by the same statement.
    pub version: enough_store::DataVersion,
}

/// The installation setting that marks an account as disabled.
pub(crate) fn disabled_setting(user_id: PersonId) -> String {
    format!("{DISABLED_PREFIX}{user_id}")
}

/// The start of the setting that marks an account disabled; the account's id follows.
const DISABLED_PREFIX: &str = "account_disabled:";

/// The live session with this token hash, its user and whether the account is disabled,
/// in one read (what every signed-in request asks first).
pub async fn session_by_token_hash(
    store: &dyn Store,
    token_hash: &str,
    now: i64,
) -> StoreResult<Option<Credential<Session>>> {
    let hash = token_hash.to_owned();
    store
        .read_short(move |tx| {
            Box::pin(async move {
                let Some((session, user, flag, version)) = tx
                    .sessions()
                    .by_token_hash_with_setting(&hash, now, DISABLED_PREFIX)
                    .await?
                else {
                    return Ok(None);
                };
                Ok(Some(Credential {
                    found: session,
                    user,
                    disabled: flag.as_deref() == Some("true"),
                    version,
                }))
            })
        })
        .await
}

/// Records activity on `session` when its last one is at least [`TOUCH_EVERY_SECS`] old,
/// so that most requests only read.
pub async fn touch_session_when_due(
    store: &dyn Store,
    session: &Session,
    now: i64,
) -> StoreResult<()> {
    if now - session.last_seen_at >= TOUCH_EVERY_SECS {
        store.touch_session(session.id, now).await?;
    }
    Ok(())
}

/// The owner of a live (unrevoked) token and whether their account is disabled, in one
/// read; records the token's use at most once a minute (a write only then).
pub async fn user_by_token_hash(
    store: &dyn Store,
    token_hash: &str,
    now: i64,
) -> StoreResult<Option<Credential<TokenId>>> {
    let hash = token_hash.to_owned();
    let found = store
        .read_short(move |tx| {
            Box::pin(async move {
                let Some((owner, flag, version)) = tx
                    .sessions()
                    .token_owner_with_setting(&hash, DISABLED_PREFIX)
                    .await?
                else {
                    return Ok(None);
                };
                Ok(Some((owner, flag.as_deref() == Some("true"), version)))
            })
        })
        .await?;
    let Some((owner, disabled, version)) = found else {
        return Ok(None);
    };
    if !disabled
        && owner
            .last_used_at
            .is_none_or(|t| now - t >= TOUCH_EVERY_SECS)
    {
        store.touch_token(owner.token_id, now).await?;
    }
    Ok(Some(Credential {
        found: owner.token_id,
        user: owner.user,
        disabled,
        version,
    }))
}
