//! The therapist's side: invitations, care links, the access log, homework and calendar feeds.

use super::accounts::{USER_COLUMNS, user_from_row};
use crate::sql::{Dialect, Row, Tx};
use crate::{
    AccessRecord, CalendarFeed, CareLink, CareLinkWith, Homework, Invitation, NewHomework,
    NewInvitation, StoreResult, User, params,
};
use enough_domain::{HomeworkId, InvitationId, LinkId, PersonId};

/// Invitations, links, the access log, homework and feeds, inside one transaction.
pub struct Care<'t>(pub(crate) &'t mut dyn Tx);

pub(crate) const INVITATION_COLUMNS: &str =
    "id, therapist_id, code_hash, label, created_at, expires_at, used_at, used_by, revoked_at";
pub(crate) const LINK_COLUMNS: &str = "care_links.id, care_links.person_id, care_links.therapist_id, \
     care_links.categories, care_links.created_at, care_links.ended_at";
pub(crate) const ACCESS_COLUMNS: &str =
    "id, person_id, viewer_id, viewer_email, category, what, address, at";
pub(crate) const HOMEWORK_COLUMNS: &str = "id, person_id, therapist_id, kind, note, start_date, end_date, \
     every_days, created_at, cancelled_at";
pub(crate) const FEED_COLUMNS: &str = "calendar_feeds.user_id, calendar_feeds.token_hash, \
     calendar_feeds.reminder_time, calendar_feeds.created_at";

pub(crate) fn invitation_from_row(r: &Row) -> StoreResult<Invitation> {
    Ok(Invitation {
        id: r.id(0)?,
        therapist_id: r.id(1)?,
        code_hash: r.text(2)?,
        label: r.text(3)?,
        created_at: r.i64(4)?,
        expires_at: r.i64(5)?,
        used_at: r.opt_i64(6)?,
        used_by: r.opt_id(7)?,
        revoked_at: r.opt_i64(8)?,
    })
}

pub(crate) fn link_from_row(r: &Row) -> StoreResult<CareLink> {
    Ok(CareLink {
        id: r.id(0)?,
        person_id: r.id(1)?,
        therapist_id: r.id(2)?,
        categories: r.text(3)?,
        created_at: r.i64(4)?,
        ended_at: r.opt_i64(5)?,
    })
}

pub(crate) fn access_from_row(r: &Row) -> StoreResult<AccessRecord> {
    Ok(AccessRecord {
        id: r.id(0)?,
        person_id: r.id(1)?,
        viewer_id: r.opt_id(2)?,
        viewer_email: r.text(3)?,
        category: r.text(4)?,
        what: r.text(5)?,
        address: r.text(6)?,
        at: r.i64(7)?,
    })
}

pub(crate) fn homework_from_row(r: &Row) -> StoreResult<Homework> {
    Ok(Homework {
        id: r.id(0)?,
        person_id: r.id(1)?,
        therapist_id: r.opt_id(2)?,
        kind: r.text(3)?,
        note: r.text(4)?,
        start_date: r.date(5)?,
        end_date: r.date(6)?,
        every_days: r.opt_i64(7)?,
        created_at: r.i64(8)?,
        cancelled_at: r.opt_i64(9)?,
    })
}

pub(crate) fn feed_from_row(r: &Row) -> StoreResult<CalendarFeed> {
    Ok(CalendarFeed {
        user_id: r.id(0)?,
        token_hash: r.text(1)?,
        reminder_time: r.text(2)?,
        created_at: r.i64(3)?,
    })
}

impl Care<'_> {
    /// Stores a new invitation.
    pub async fn create_invitation(&mut self, new: &NewInvitation) -> StoreResult<Invitation> {
        let sql = format!(
            "INSERT INTO invitations (therapist_id, code_hash, label, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING {INVITATION_COLUMNS}"
        );
        let row = self
            .0
            .query_one(
                &sql,
                &params![
                    new.therapist_id,
                    &new.code_hash,
                    &new.label,
                    new.created_at,
                    new.expires_at
                ],
            )
            .await?;
        invitation_from_row(&row)
    }

    /// The therapist's invitations, newest first.
    pub async fn invitations(&mut self, therapist_id: PersonId) -> StoreResult<Vec<Invitation>> {
        let sql = format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations WHERE therapist_id = $1
             ORDER BY created_at DESC, id DESC"
        );
        let rows = self.0.query(&sql, &params![therapist_id]).await?;
        rows.iter().map(invitation_from_row).collect()
    }

    /// The invitation with this code hash, locked until the transaction ends (PostgreSQL's
    /// `FOR UPDATE`; SQLite's single writer already runs nothing else meanwhile), so that a
    /// second accept of the same code waits and then sees it used.
    pub async fn invitation_for_update(
        &mut self,
        code_hash: &str,
    ) -> StoreResult<Option<Invitation>> {
        let lock = match self.0.dialect() {
            Dialect::Postgres => " FOR UPDATE",
            Dialect::Sqlite => "",
        };
        let sql =
            format!("SELECT {INVITATION_COLUMNS} FROM invitations WHERE code_hash = $1{lock}");
        let row = self.0.query_opt(&sql, &params![code_hash]).await?;
        row.as_ref().map(invitation_from_row).transpose()
    }

    /// Marks invitation `id` used by `person_id`.
    pub async fn mark_invitation_used(
        &mut self,
        id: InvitationId,
        person_id: PersonId,
        now: i64,
    ) -> StoreResult<()> {
        self.0
            .execute(
                "UPDATE invitations SET used_at = $1, used_by = $2 WHERE id = $3",
                &params![now, person_id, id],
            )
            .await
            .map(drop)
    }

    /// Withdraws an unused invitation of the therapist; false if there was none.
    pub async fn revoke_invitation(
        &mut self,
        therapist_id: PersonId,
        id: InvitationId,
        now: i64,
    ) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "UPDATE invitations SET revoked_at = $1
                 WHERE id = $2 AND therapist_id = $3 AND used_at IS NULL AND revoked_at IS NULL",
                &params![now, id, therapist_id],
            )
            .await?;
        Ok(n > 0)
    }

    /// Creates an active link; `Conflict` if the pair already has one (partial unique index).
    pub async fn create_link(
        &mut self,
        person_id: PersonId,
        therapist_id: PersonId,
        categories: &str,
        now: i64,
    ) -> StoreResult<CareLink> {
        let sql = format!(
            "INSERT INTO care_links (person_id, therapist_id, categories, created_at)
             VALUES ($1, $2, $3, $4) RETURNING {LINK_COLUMNS}"
        );
        let row = self
            .0
            .query_one(&sql, &params![person_id, therapist_id, categories, now])
            .await?;
        link_from_row(&row)
    }

    /// The person's links (active and ended), newest first, with the therapist's address.
    pub async fn links_of_person(&mut self, person_id: PersonId) -> StoreResult<Vec<CareLinkWith>> {
        let sql = format!(
            "SELECT {LINK_COLUMNS}, users.email FROM care_links
             JOIN users ON users.id = care_links.therapist_id
             WHERE care_links.person_id = $1
             ORDER BY care_links.created_at DESC, care_links.id DESC"
        );
        let rows = self.0.query(&sql, &params![person_id]).await?;
        rows.iter().map(link_with_from_row).collect()
    }

    /// The therapist's active links, with each person's address, by address.
    pub async fn links_of_therapist(
        &mut self,
        therapist_id: PersonId,
    ) -> StoreResult<Vec<CareLinkWith>> {
        let sql = format!(
            "SELECT {LINK_COLUMNS}, users.email FROM care_links
             JOIN users ON users.id = care_links.person_id
             WHERE care_links.therapist_id = $1 AND care_links.ended_at IS NULL
             ORDER BY users.email, care_links.id"
        );
        let rows = self.0.query(&sql, &params![therapist_id]).await?;
        rows.iter().map(link_with_from_row).collect()
    }

    /// The active link between a therapist and a person, if any.
    pub async fn active_link(
        &mut self,
        therapist_id: PersonId,
        person_id: PersonId,
    ) -> StoreResult<Option<CareLink>> {
        let sql = format!(
            "SELECT {LINK_COLUMNS} FROM care_links
             WHERE therapist_id = $1 AND person_id = $2 AND ended_at IS NULL"
        );
        let row = self
            .0
            .query_opt(&sql, &params![therapist_id, person_id])
            .await?;
        row.as_ref().map(link_from_row).transpose()
    }

    /// Changes what the person shares on their active link `link_id`; false if not theirs.
    pub async fn set_link_categories(
        &mut self,
        person_id: PersonId,
        link_id: LinkId,
        categories: &str,
    ) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "UPDATE care_links SET categories = $3
                 WHERE id = $1 AND person_id = $2 AND ended_at IS NULL",
                &params![link_id, person_id, categories],
            )
            .await?;
        Ok(n > 0)
    }

    /// Ends active link `link_id` where `user_id` is either side; false if there was none.
    pub async fn end_link(
        &mut self,
        user_id: PersonId,
        link_id: LinkId,
        now: i64,
    ) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "UPDATE care_links SET ended_at = $3
                 WHERE id = $1 AND (person_id = $2 OR therapist_id = $2) AND ended_at IS NULL",
                &params![link_id, user_id, now],
            )
            .await?;
        Ok(n > 0)
    }

    /// Writes one access-log row.
    pub async fn record_access(&mut self, r: &AccessRecord) -> StoreResult<()> {
        self.0
            .execute(
                "INSERT INTO access_log (person_id, viewer_id, viewer_email, category, what,
                                         address, at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &params![
                    r.person_id,
                    r.viewer_id,
                    &r.viewer_email,
                    &r.category,
                    &r.what,
                    &r.address,
                    r.at
                ],
            )
            .await
            .map(drop)
    }

    /// Who read the person's data, newest first.
    pub async fn access_log(&mut self, person_id: PersonId) -> StoreResult<Vec<AccessRecord>> {
        let sql = format!(
            "SELECT {ACCESS_COLUMNS} FROM access_log WHERE person_id = $1
             ORDER BY at DESC, id DESC"
        );
        let rows = self.0.query(&sql, &params![person_id]).await?;
        rows.iter().map(access_from_row).collect()
    }

    /// Assigns homework.
    pub async fn create_homework(&mut self, new: &NewHomework) -> StoreResult<Homework> {
        let sql = format!(
            "INSERT INTO homework (person_id, therapist_id, kind, note, start_date, end_date,
                                   every_days, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {HOMEWORK_COLUMNS}"
        );
        let row = self
            .0
            .query_one(
                &sql,
                &params![
                    new.person_id,
                    new.therapist_id,
                    &new.kind,
                    &new.note,
                    new.start_date,
                    new.end_date,
                    new.every_days,
                    new.created_at
                ],
            )
            .await?;
        homework_from_row(&row)
    }

    /// The person's homework (cancelled too), newest first.
    pub async fn homework_of_person(&mut self, person_id: PersonId) -> StoreResult<Vec<Homework>> {
        let sql = format!(
            "SELECT {HOMEWORK_COLUMNS} FROM homework WHERE person_id = $1
             ORDER BY created_at DESC, id DESC"
        );
        let rows = self.0.query(&sql, &params![person_id]).await?;
        rows.iter().map(homework_from_row).collect()
    }

    /// Withdraws homework `id` the therapist assigned; false if there was none.
    pub async fn cancel_homework(
        &mut self,
        therapist_id: PersonId,
        id: HomeworkId,
        now: i64,
    ) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "UPDATE homework SET cancelled_at = $1
                 WHERE id = $2 AND therapist_id = $3 AND cancelled_at IS NULL",
                &params![now, id, therapist_id],
            )
            .await?;
        Ok(n > 0)
    }

    /// Creates or replaces the person's calendar feed.
    pub async fn set_calendar_feed(&mut self, f: &CalendarFeed) -> StoreResult<()> {
        self.0
            .execute(
                "INSERT INTO calendar_feeds (user_id, token_hash, reminder_time, created_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash,
                     reminder_time = excluded.reminder_time, created_at = excluded.created_at",
                &params![f.user_id, &f.token_hash, &f.reminder_time, f.created_at],
            )
            .await
            .map(drop)
    }

    /// The person's calendar feed, if any.
    pub async fn calendar_feed(&mut self, user_id: PersonId) -> StoreResult<Option<CalendarFeed>> {
        let sql = format!("SELECT {FEED_COLUMNS} FROM calendar_feeds WHERE user_id = $1");
        let row = self.0.query_opt(&sql, &params![user_id]).await?;
        row.as_ref().map(feed_from_row).transpose()
    }

    /// The feed (and its owner) with this token hash.
    pub async fn calendar_feed_by_token(
        &mut self,
        token_hash: &str,
    ) -> StoreResult<Option<(CalendarFeed, User)>> {
        let sql = format!(
            "SELECT {FEED_COLUMNS}, {USER_COLUMNS}
             FROM calendar_feeds JOIN users ON users.id = calendar_feeds.user_id
             WHERE calendar_feeds.token_hash = $1"
        );
        let row = self.0.query_opt(&sql, &params![token_hash]).await?;
        row.map(|r| Ok((feed_from_row(&r)?, user_from_row(&r, 4)?)))
            .transpose()
    }

    /// Revokes the person's calendar feed; false if there was none.
    pub async fn delete_calendar_feed(&mut self, user_id: PersonId) -> StoreResult<bool> {
        let n = self
            .0
            .execute(
                "DELETE FROM calendar_feeds WHERE user_id = $1",
                &params![user_id],
            )
            .await?;
        Ok(n > 0)
    }
}

fn link_with_from_row(r: &Row) -> StoreResult<CareLinkWith> {
    Ok(CareLinkWith {
        link: link_from_row(r)?,
        other_email: r.text(6)?,
    })
}
