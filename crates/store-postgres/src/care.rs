//! The therapist's side in PostgreSQL: invitations, care links, the access log, homework and
//! calendar feeds.

use crate::USER_COLUMNS;
use crate::rows::{col, db_error, user_from_row};
use enough_store::{
    AccessRecord, CalendarFeed, CareLink, CareLinkWith, Homework, Invitation, InvitationRefused,
    NewHomework, NewInvitation, StoreError, StoreResult, User,
};
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, PgPool};

pub(crate) const INVITATION_COLUMNS: &str =
    "id, therapist_id, code_hash, label, created_at, expires_at, used_at, used_by, revoked_at";
/// Qualified, for joins with `users` (the e-mail is selected as `other_email`).
pub(crate) const LINK_COLUMNS: &str = "care_links.id, care_links.person_id, \
     care_links.therapist_id, care_links.categories, care_links.created_at, care_links.ended_at";
pub(crate) const ACCESS_COLUMNS: &str =
    "id, person_id, viewer_id, viewer_email, category, what, address, at";
pub(crate) const HOMEWORK_COLUMNS: &str = "id, person_id, therapist_id, kind, note, start_date, \
     end_date, every_days, created_at, cancelled_at";
pub(crate) const FEED_COLUMNS: &str = "user_id, token_hash, reminder_time, created_at";

pub(crate) fn invitation_from_row(r: &PgRow) -> StoreResult<Invitation> {
    Ok(Invitation {
        id: col(r, "id")?,
        therapist_id: col(r, "therapist_id")?,
        code_hash: col(r, "code_hash")?,
        label: col(r, "label")?,
        created_at: col(r, "created_at")?,
        expires_at: col(r, "expires_at")?,
        used_at: col(r, "used_at")?,
        used_by: col(r, "used_by")?,
        revoked_at: col(r, "revoked_at")?,
    })
}

pub(crate) fn link_from_row(r: &PgRow) -> StoreResult<CareLink> {
    Ok(CareLink {
        id: col(r, "id")?,
        person_id: col(r, "person_id")?,
        therapist_id: col(r, "therapist_id")?,
        categories: col(r, "categories")?,
        created_at: col(r, "created_at")?,
        ended_at: col(r, "ended_at")?,
    })
}

fn link_with_from_row(r: &PgRow) -> StoreResult<CareLinkWith> {
    Ok(CareLinkWith {
        link: link_from_row(r)?,
        other_email: col(r, "other_email")?,
    })
}

pub(crate) fn access_from_row(r: &PgRow) -> StoreResult<AccessRecord> {
    Ok(AccessRecord {
        id: col(r, "id")?,
        person_id: col(r, "person_id")?,
        viewer_id: col(r, "viewer_id")?,
        viewer_email: col(r, "viewer_email")?,
        category: col(r, "category")?,
        what: col(r, "what")?,
        address: col(r, "address")?,
        at: col(r, "at")?,
    })
}

pub(crate) fn homework_from_row(r: &PgRow) -> StoreResult<Homework> {
    Ok(Homework {
        id: col(r, "id")?,
        person_id: col(r, "person_id")?,
        therapist_id: col(r, "therapist_id")?,
        kind: col(r, "kind")?,
        note: col(r, "note")?,
        start_date: col(r, "start_date")?,
        end_date: col(r, "end_date")?,
        every_days: col(r, "every_days")?,
        created_at: col(r, "created_at")?,
        cancelled_at: col(r, "cancelled_at")?,
    })
}

/// A feed; `created_at` names its creation column (aliased when joined with `users`).
fn feed_with_created(r: &PgRow, created_at: &str) -> StoreResult<CalendarFeed> {
    Ok(CalendarFeed {
        user_id: col(r, "user_id")?,
        token_hash: col(r, "token_hash")?,
        reminder_time: col(r, "reminder_time")?,
        created_at: col(r, created_at)?,
    })
}

pub(crate) fn feed_from_row(r: &PgRow) -> StoreResult<CalendarFeed> {
    feed_with_created(r, "created_at")
}

pub(crate) async fn create_invitation(
    pool: &PgPool,
    new: &NewInvitation,
) -> StoreResult<Invitation> {
    let sql = format!(
        "INSERT INTO invitations (therapist_id, code_hash, label, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING {INVITATION_COLUMNS}"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(new.therapist_id)
        .bind(&new.code_hash)
        .bind(&new.label)
        .bind(new.created_at)
        .bind(new.expires_at)
        .fetch_one(pool)
        .await
        .map_err(db_error)?;
    invitation_from_row(&row)
}

pub(crate) async fn invitations(pool: &PgPool, therapist_id: i64) -> StoreResult<Vec<Invitation>> {
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations WHERE therapist_id = $1
         ORDER BY created_at DESC, id DESC"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(therapist_id)
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(invitation_from_row).collect()
}

pub(crate) async fn revoke_invitation(
    pool: &PgPool,
    therapist_id: i64,
    id: i64,
    now: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE invitations SET revoked_at = $1
         WHERE id = $2 AND therapist_id = $3 AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(therapist_id)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

/// One transaction. The invitation's row is locked (`FOR UPDATE`), so a second accept of the
/// same code waits for the first and then sees it used; the partial unique index
/// `one_active_link` catches two different invitations racing for the same pair.
pub(crate) async fn accept_invitation(
    pool: &PgPool,
    code_hash: &str,
    person_id: i64,
    categories: &str,
    now: i64,
) -> StoreResult<Result<CareLink, InvitationRefused>> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    let sql =
        format!("SELECT {INVITATION_COLUMNS} FROM invitations WHERE code_hash = $1 FOR UPDATE");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(code_hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
    let Some(row) = row else {
        return Ok(Err(InvitationRefused::Unknown));
    };
    let invitation = invitation_from_row(&row)?;
    // Returning early drops `tx`, which rolls it back (and releases the lock).
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
    let linked = sqlx::query(
        "SELECT 1 AS one FROM care_links
         WHERE therapist_id = $1 AND person_id = $2 AND ended_at IS NULL",
    )
    .bind(invitation.therapist_id)
    .bind(person_id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_error)?;
    if linked.is_some() {
        return Ok(Err(InvitationRefused::AlreadyLinked));
    }
    let sql = format!(
        "INSERT INTO care_links (person_id, therapist_id, categories, created_at)
         VALUES ($1, $2, $3, $4) RETURNING {LINK_COLUMNS}"
    );
    let inserted = sqlx::query(AssertSqlSafe(sql))
        .bind(person_id)
        .bind(invitation.therapist_id)
        .bind(categories)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error);
    let link = match inserted {
        Ok(row) => link_from_row(&row)?,
        Err(StoreError::Conflict(_)) => return Ok(Err(InvitationRefused::AlreadyLinked)),
        Err(e) => return Err(e),
    };
    sqlx::query("UPDATE invitations SET used_at = $1, used_by = $2 WHERE id = $3")
        .bind(now)
        .bind(person_id)
        .bind(invitation.id)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(Ok(link))
}

pub(crate) async fn links_of_person(
    pool: &PgPool,
    person_id: i64,
) -> StoreResult<Vec<CareLinkWith>> {
    let sql = format!(
        "SELECT {LINK_COLUMNS}, users.email AS other_email FROM care_links
         JOIN users ON users.id = care_links.therapist_id
         WHERE care_links.person_id = $1
         ORDER BY care_links.created_at DESC, care_links.id DESC"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(link_with_from_row).collect()
}

pub(crate) async fn links_of_therapist(
    pool: &PgPool,
    therapist_id: i64,
) -> StoreResult<Vec<CareLinkWith>> {
    let sql = format!(
        "SELECT {LINK_COLUMNS}, users.email AS other_email FROM care_links
         JOIN users ON users.id = care_links.person_id
         WHERE care_links.therapist_id = $1 AND care_links.ended_at IS NULL
         ORDER BY users.email, care_links.id"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(therapist_id)
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(link_with_from_row).collect()
}

pub(crate) async fn active_link(
    pool: &PgPool,
    therapist_id: i64,
    person_id: i64,
) -> StoreResult<Option<CareLink>> {
    let sql = format!(
        "SELECT {LINK_COLUMNS} FROM care_links
         WHERE therapist_id = $1 AND person_id = $2 AND ended_at IS NULL"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(therapist_id)
        .bind(person_id)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.as_ref().map(link_from_row).transpose()
}

pub(crate) async fn set_link_categories(
    pool: &PgPool,
    person_id: i64,
    link_id: i64,
    categories: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE care_links SET categories = $3
         WHERE id = $1 AND person_id = $2 AND ended_at IS NULL",
    )
    .bind(link_id)
    .bind(person_id)
    .bind(categories)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn end_link(
    pool: &PgPool,
    user_id: i64,
    link_id: i64,
    now: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE care_links SET ended_at = $3
         WHERE id = $1 AND (person_id = $2 OR therapist_id = $2) AND ended_at IS NULL",
    )
    .bind(link_id)
    .bind(user_id)
    .bind(now)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn record_access(pool: &PgPool, record: &AccessRecord) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO access_log (person_id, viewer_id, viewer_email, category, what, address, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(record.person_id)
    .bind(record.viewer_id)
    .bind(&record.viewer_email)
    .bind(&record.category)
    .bind(&record.what)
    .bind(&record.address)
    .bind(record.at)
    .execute(pool)
    .await
    .map_err(db_error)
    .map(drop)
}

pub(crate) async fn access_log(pool: &PgPool, person_id: i64) -> StoreResult<Vec<AccessRecord>> {
    let sql = format!(
        "SELECT {ACCESS_COLUMNS} FROM access_log WHERE person_id = $1 ORDER BY at DESC, id DESC"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(access_from_row).collect()
}

pub(crate) async fn create_homework(pool: &PgPool, new: &NewHomework) -> StoreResult<Homework> {
    let sql = format!(
        "INSERT INTO homework (person_id, therapist_id, kind, note, start_date, end_date,
                               every_days, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {HOMEWORK_COLUMNS}"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(new.person_id)
        .bind(new.therapist_id)
        .bind(&new.kind)
        .bind(&new.note)
        .bind(new.start_date)
        .bind(new.end_date)
        .bind(new.every_days)
        .bind(new.created_at)
        .fetch_one(pool)
        .await
        .map_err(db_error)?;
    homework_from_row(&row)
}

pub(crate) async fn homework_of_person(
    pool: &PgPool,
    person_id: i64,
) -> StoreResult<Vec<Homework>> {
    let sql = format!(
        "SELECT {HOMEWORK_COLUMNS} FROM homework WHERE person_id = $1
         ORDER BY created_at DESC, id DESC"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(person_id)
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.iter().map(homework_from_row).collect()
}

pub(crate) async fn cancel_homework(
    pool: &PgPool,
    therapist_id: i64,
    id: i64,
    now: i64,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE homework SET cancelled_at = $1
         WHERE id = $2 AND therapist_id = $3 AND cancelled_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(therapist_id)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn set_calendar_feed(pool: &PgPool, feed: &CalendarFeed) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO calendar_feeds (user_id, token_hash, reminder_time, created_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash,
             reminder_time = excluded.reminder_time, created_at = excluded.created_at",
    )
    .bind(feed.user_id)
    .bind(&feed.token_hash)
    .bind(&feed.reminder_time)
    .bind(feed.created_at)
    .execute(pool)
    .await
    .map_err(db_error)
    .map(drop)
}

pub(crate) async fn calendar_feed(
    pool: &PgPool,
    user_id: i64,
) -> StoreResult<Option<CalendarFeed>> {
    let sql = format!("SELECT {FEED_COLUMNS} FROM calendar_feeds WHERE user_id = $1");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.as_ref().map(feed_from_row).transpose()
}

pub(crate) async fn calendar_feed_by_token(
    pool: &PgPool,
    token_hash: &str,
) -> StoreResult<Option<(CalendarFeed, User)>> {
    let sql = format!(
        "SELECT calendar_feeds.user_id, calendar_feeds.token_hash, calendar_feeds.reminder_time,
                calendar_feeds.created_at AS feed_created_at, {USER_COLUMNS}
         FROM calendar_feeds JOIN users ON users.id = calendar_feeds.user_id
         WHERE calendar_feeds.token_hash = $1"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(token_hash)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
    row.map(|row| {
        Ok((
            feed_with_created(&row, "feed_created_at")?,
            user_from_row(&row)?,
        ))
    })
    .transpose()
}

pub(crate) async fn delete_calendar_feed(pool: &PgPool, user_id: i64) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM calendar_feeds WHERE user_id = $1")
        .bind(user_id)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}
