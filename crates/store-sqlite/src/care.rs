//! The therapist's side in SQLite: invitations, care links, the access log, homework and
//! calendar feeds.

use crate::rows::{
    date_from_row, date_text, execute, get, query_all, query_one, query_opt, user_columns,
    user_from_row,
};
use enough_store::{
    AccessRecord, CalendarFeed, CareLink, CareLinkWith, Homework, Invitation, InvitationRefused,
    NewHomework, NewInvitation, StoreError, StoreResult, User,
};
use rusqlite::{Connection, Row, params};

/// The columns [`invitation_from_row`] reads.
pub(crate) const INVITATION_COLUMNS: &str =
    "id, therapist_id, code_hash, label, created_at, expires_at, used_at, used_by, revoked_at";

pub(crate) fn invitation_from_row(r: &Row<'_>) -> StoreResult<Invitation> {
    Ok(Invitation {
        id: get(r, 0)?,
        therapist_id: get(r, 1)?,
        code_hash: get(r, 2)?,
        label: get(r, 3)?,
        created_at: get(r, 4)?,
        expires_at: get(r, 5)?,
        used_at: get(r, 6)?,
        used_by: get(r, 7)?,
        revoked_at: get(r, 8)?,
    })
}

/// The columns [`link_from_row`] reads (qualified, for joins with `users`).
pub(crate) const LINK_COLUMNS: &str = "care_links.id, care_links.person_id, \
     care_links.therapist_id, care_links.categories, care_links.created_at, care_links.ended_at";
/// How many columns [`link_from_row`] takes, for the columns after them.
const LINK_WIDTH: usize = 6;

pub(crate) fn link_from_row(r: &Row<'_>) -> StoreResult<CareLink> {
    Ok(CareLink {
        id: get(r, 0)?,
        person_id: get(r, 1)?,
        therapist_id: get(r, 2)?,
        categories: get(r, 3)?,
        created_at: get(r, 4)?,
        ended_at: get(r, 5)?,
    })
}

fn link_with_from_row(r: &Row<'_>) -> StoreResult<CareLinkWith> {
    Ok(CareLinkWith {
        link: link_from_row(r)?,
        other_email: get(r, LINK_WIDTH)?,
    })
}

/// The columns [`access_from_row`] reads.
pub(crate) const ACCESS_COLUMNS: &str =
    "id, person_id, viewer_id, viewer_email, category, what, address, at";

pub(crate) fn access_from_row(r: &Row<'_>) -> StoreResult<AccessRecord> {
    Ok(AccessRecord {
        id: get(r, 0)?,
        person_id: get(r, 1)?,
        viewer_id: get(r, 2)?,
        viewer_email: get(r, 3)?,
        category: get(r, 4)?,
        what: get(r, 5)?,
        address: get(r, 6)?,
        at: get(r, 7)?,
    })
}

/// The columns [`homework_from_row`] reads.
pub(crate) const HOMEWORK_COLUMNS: &str = "id, person_id, therapist_id, kind, note, start_date, \
     end_date, every_days, created_at, cancelled_at";

pub(crate) fn homework_from_row(r: &Row<'_>) -> StoreResult<Homework> {
    Ok(Homework {
        id: get(r, 0)?,
        person_id: get(r, 1)?,
        therapist_id: get(r, 2)?,
        kind: get(r, 3)?,
        note: get(r, 4)?,
        start_date: date_from_row(r, 5)?,
        end_date: date_from_row(r, 6)?,
        every_days: get(r, 7)?,
        created_at: get(r, 8)?,
        cancelled_at: get(r, 9)?,
    })
}

/// The columns [`feed_from_row`] reads (qualified, for joins with `users`).
pub(crate) const FEED_COLUMNS: &str = "calendar_feeds.user_id, calendar_feeds.token_hash, \
     calendar_feeds.reminder_time, calendar_feeds.created_at";
/// How many columns [`feed_from_row`] takes, for the columns after them.
const FEED_WIDTH: usize = 4;

pub(crate) fn feed_from_row(r: &Row<'_>) -> StoreResult<CalendarFeed> {
    Ok(CalendarFeed {
        user_id: get(r, 0)?,
        token_hash: get(r, 1)?,
        reminder_time: get(r, 2)?,
        created_at: get(r, 3)?,
    })
}

pub(crate) fn create_invitation(c: &Connection, new: &NewInvitation) -> StoreResult<Invitation> {
    let sql = format!(
        "INSERT INTO invitations (therapist_id, code_hash, label, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5) RETURNING {INVITATION_COLUMNS}"
    );
    query_one(
        c,
        &sql,
        params![
            new.therapist_id,
            new.code_hash,
            new.label,
            new.created_at,
            new.expires_at
        ],
        invitation_from_row,
    )
}

pub(crate) fn invitations(c: &Connection, therapist_id: i64) -> StoreResult<Vec<Invitation>> {
    let sql = format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations WHERE therapist_id = ?1
         ORDER BY created_at DESC, id DESC"
    );
    query_all(c, &sql, params![therapist_id], invitation_from_row)
}

pub(crate) fn revoke_invitation(
    c: &Connection,
    therapist_id: i64,
    id: i64,
    now: i64,
) -> StoreResult<bool> {
    execute(
        c,
        "UPDATE invitations SET revoked_at = ?1
         WHERE id = ?2 AND therapist_id = ?3 AND used_at IS NULL AND revoked_at IS NULL",
        params![now, id, therapist_id],
    )
    .map(|n| n > 0)
}

/// Runs as one write job (a savepoint of the writer's transaction), and the single writer
/// serialises it with every other write, so two accepts of one code cannot interleave.
pub(crate) fn accept_invitation(
    c: &Connection,
    code_hash: &str,
    person_id: i64,
    categories: &str,
    now: i64,
) -> StoreResult<Result<CareLink, InvitationRefused>> {
    let sql = format!("SELECT {INVITATION_COLUMNS} FROM invitations WHERE code_hash = ?1");
    let Some(invitation) = query_opt(c, &sql, params![code_hash], invitation_from_row)? else {
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
    if active_link(c, invitation.therapist_id, person_id)?.is_some() {
        return Ok(Err(InvitationRefused::AlreadyLinked));
    }
    // The link first: if the unique index refuses it, nothing has been changed yet.
    let sql = format!(
        "INSERT INTO care_links (person_id, therapist_id, categories, created_at)
         VALUES (?1, ?2, ?3, ?4) RETURNING {LINK_COLUMNS}"
    );
    let link = match query_one(
        c,
        &sql,
        params![person_id, invitation.therapist_id, categories, now],
        link_from_row,
    ) {
        Ok(link) => link,
        Err(StoreError::Conflict(_)) => return Ok(Err(InvitationRefused::AlreadyLinked)),
        Err(e) => return Err(e),
    };
    execute(
        c,
        "UPDATE invitations SET used_at = ?1, used_by = ?2 WHERE id = ?3",
        params![now, person_id, invitation.id],
    )?;
    Ok(Ok(link))
}

pub(crate) fn links_of_person(c: &Connection, person_id: i64) -> StoreResult<Vec<CareLinkWith>> {
    let sql = format!(
        "SELECT {LINK_COLUMNS}, users.email FROM care_links
         JOIN users ON users.id = care_links.therapist_id
         WHERE care_links.person_id = ?1
         ORDER BY care_links.created_at DESC, care_links.id DESC"
    );
    query_all(c, &sql, params![person_id], link_with_from_row)
}

pub(crate) fn links_of_therapist(
    c: &Connection,
    therapist_id: i64,
) -> StoreResult<Vec<CareLinkWith>> {
    let sql = format!(
        "SELECT {LINK_COLUMNS}, users.email FROM care_links
         JOIN users ON users.id = care_links.person_id
         WHERE care_links.therapist_id = ?1 AND care_links.ended_at IS NULL
         ORDER BY users.email, care_links.id"
    );
    query_all(c, &sql, params![therapist_id], link_with_from_row)
}

pub(crate) fn active_link(
    c: &Connection,
    therapist_id: i64,
    person_id: i64,
) -> StoreResult<Option<CareLink>> {
    let sql = format!(
        "SELECT {LINK_COLUMNS} FROM care_links
         WHERE therapist_id = ?1 AND person_id = ?2 AND ended_at IS NULL"
    );
    query_opt(c, &sql, params![therapist_id, person_id], link_from_row)
}

pub(crate) fn set_link_categories(
    c: &Connection,
    person_id: i64,
    link_id: i64,
    categories: &str,
) -> StoreResult<bool> {
    execute(
        c,
        "UPDATE care_links SET categories = ?3
         WHERE id = ?1 AND person_id = ?2 AND ended_at IS NULL",
        params![link_id, person_id, categories],
    )
    .map(|n| n > 0)
}

pub(crate) fn end_link(c: &Connection, user_id: i64, link_id: i64, now: i64) -> StoreResult<bool> {
    execute(
        c,
        "UPDATE care_links SET ended_at = ?3
         WHERE id = ?1 AND (person_id = ?2 OR therapist_id = ?2) AND ended_at IS NULL",
        params![link_id, user_id, now],
    )
    .map(|n| n > 0)
}

pub(crate) fn record_access(c: &Connection, record: &AccessRecord) -> StoreResult<()> {
    execute(
        c,
        "INSERT INTO access_log (person_id, viewer_id, viewer_email, category, what, address, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            record.person_id,
            record.viewer_id,
            record.viewer_email,
            record.category,
            record.what,
            record.address,
            record.at
        ],
    )
    .map(drop)
}

pub(crate) fn access_log(c: &Connection, person_id: i64) -> StoreResult<Vec<AccessRecord>> {
    let sql = format!(
        "SELECT {ACCESS_COLUMNS} FROM access_log WHERE person_id = ?1 ORDER BY at DESC, id DESC"
    );
    query_all(c, &sql, params![person_id], access_from_row)
}

pub(crate) fn create_homework(c: &Connection, new: &NewHomework) -> StoreResult<Homework> {
    let sql = format!(
        "INSERT INTO homework (person_id, therapist_id, kind, note, start_date, end_date,
                               every_days, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING {HOMEWORK_COLUMNS}"
    );
    query_one(
        c,
        &sql,
        params![
            new.person_id,
            new.therapist_id,
            new.kind,
            new.note,
            date_text(new.start_date),
            date_text(new.end_date),
            new.every_days,
            new.created_at
        ],
        homework_from_row,
    )
}

pub(crate) fn homework_of_person(c: &Connection, person_id: i64) -> StoreResult<Vec<Homework>> {
    let sql = format!(
        "SELECT {HOMEWORK_COLUMNS} FROM homework WHERE person_id = ?1
         ORDER BY created_at DESC, id DESC"
    );
    query_all(c, &sql, params![person_id], homework_from_row)
}

pub(crate) fn cancel_homework(
    c: &Connection,
    therapist_id: i64,
    id: i64,
    now: i64,
) -> StoreResult<bool> {
    execute(
        c,
        "UPDATE homework SET cancelled_at = ?1
         WHERE id = ?2 AND therapist_id = ?3 AND cancelled_at IS NULL",
        params![now, id, therapist_id],
    )
    .map(|n| n > 0)
}

pub(crate) fn set_calendar_feed(c: &Connection, feed: &CalendarFeed) -> StoreResult<()> {
    execute(
        c,
        "INSERT INTO calendar_feeds (user_id, token_hash, reminder_time, created_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash,
             reminder_time = excluded.reminder_time, created_at = excluded.created_at",
        params![
            feed.user_id,
            feed.token_hash,
            feed.reminder_time,
            feed.created_at
        ],
    )
    .map(drop)
}

pub(crate) fn calendar_feed(c: &Connection, user_id: i64) -> StoreResult<Option<CalendarFeed>> {
    let sql = format!("SELECT {FEED_COLUMNS} FROM calendar_feeds WHERE user_id = ?1");
    query_opt(c, &sql, params![user_id], feed_from_row)
}

pub(crate) fn calendar_feed_by_token(
    c: &Connection,
    token_hash: &str,
) -> StoreResult<Option<(CalendarFeed, User)>> {
    let sql = format!(
        "SELECT {FEED_COLUMNS}, {} FROM calendar_feeds
         JOIN users ON users.id = calendar_feeds.user_id
         WHERE calendar_feeds.token_hash = ?1",
        user_columns!()
    );
    query_opt(c, &sql, params![token_hash], |r| {
        Ok((feed_from_row(r)?, user_from_row(r, FEED_WIDTH)?))
    })
}

pub(crate) fn delete_calendar_feed(c: &Connection, user_id: i64) -> StoreResult<bool> {
    execute(
        c,
        "DELETE FROM calendar_feeds WHERE user_id = ?1",
        params![user_id],
    )
    .map(|n| n > 0)
}
