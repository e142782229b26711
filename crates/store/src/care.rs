//! Records of the therapist's side: invitations, consent-based links between a person and a
//! therapist, the access log the person can read, homework, and calendar feeds.

use chrono::NaiveDate;
use enough_domain::{AccessRecordId, HomeworkId, InvitationId, LinkId, PersonId};

/// A one-time invitation a therapist gives a person (only the code's hash is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Id.
    pub id: InvitationId,
    /// Who invites.
    pub therapist_id: PersonId,
    /// SHA-256 of the code, hex.
    pub code_hash: String,
    /// The therapist's own label for it, e.g. "Tuesday 10:00 client" (never shown to others).
    pub label: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds; unusable from then on.
    pub expires_at: i64,
    /// When it was accepted, if it was.
    pub used_at: Option<i64>,
    /// Who accepted it (None after that account was deleted).
    pub used_by: Option<PersonId>,
    /// When the therapist withdrew it, if they did.
    pub revoked_at: Option<i64>,
}

/// What is needed to create an invitation.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    /// Who invites.
    pub therapist_id: PersonId,
    /// SHA-256 of the code, hex.
    pub code_hash: String,
    /// The therapist's label.
    pub label: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
}

/// Why an invitation could not be accepted (the same answer for a forged code and an unknown
/// one, so codes cannot be probed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationRefused {
    /// No invitation has this code (or it was withdrawn).
    Unknown,
    /// It expired.
    Expired,
    /// It was accepted before.
    AlreadyUsed,
    /// The person is already linked to this therapist.
    AlreadyLinked,
    /// A therapist tried to accept their own invitation.
    OwnInvitation,
}

/// A person's consent for a therapist to see some of their data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareLink {
    /// Id.
    pub id: LinkId,
    /// Whose data.
    pub person_id: PersonId,
    /// Who may see it.
    pub therapist_id: PersonId,
    /// The shared categories, space-separated (see the app's `Category`).
    pub categories: String,
    /// Unix seconds.
    pub created_at: i64,
    /// When the link ended (by either side), if it did.
    pub ended_at: Option<i64>,
}

/// A link with the other side's e-mail address, for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareLinkWith {
    /// The link.
    pub link: CareLink,
    /// The therapist's address (in a person's list) or the person's (in a therapist's).
    pub other_email: String,
}

/// One read of a person's data by someone else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRecord {
    /// Id (0 before it is stored).
    pub id: AccessRecordId,
    /// Whose data was read.
    pub person_id: PersonId,
    /// Who read it (None once their account is deleted; the address stays).
    pub viewer_id: Option<PersonId>,
    /// The reader's e-mail address at the time.
    pub viewer_email: String,
    /// Which category, e.g. `log`.
    pub category: String,
    /// What was looked at, e.g. `caseload` or `summary 2026-11-01..2026-11-28`.
    pub what: String,
    /// From where (network address).
    pub address: String,
    /// Unix seconds.
    pub at: i64,
}

/// Homework a therapist assigned to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Homework {
    /// Id.
    pub id: HomeworkId,
    /// Who does it.
    pub person_id: PersonId,
    /// Who assigned it (None once their account is deleted).
    pub therapist_id: Option<PersonId>,
    /// What: `log`, `exercise:<id>`, `questionnaire:<id>` or `programme:<id>`.
    pub kind: String,
    /// The therapist's note to the person.
    pub note: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day (the due date for one-off work).
    pub end_date: NaiveDate,
    /// Repeat every N days (None: once, by `end_date`).
    pub every_days: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
    /// When the therapist withdrew it, if they did.
    pub cancelled_at: Option<i64>,
}

/// What is needed to assign homework.
#[derive(Debug, Clone)]
pub struct NewHomework {
    /// Who does it.
    pub person_id: PersonId,
    /// Who assigns it.
    pub therapist_id: PersonId,
    /// What.
    pub kind: String,
    /// Note.
    pub note: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
    /// Repeat every N days.
    pub every_days: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
}

/// A person's secret calendar feed (only the token's hash is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarFeed {
    /// Owner.
    pub user_id: PersonId,
    /// SHA-256 of the token in the feed's URL, hex.
    pub token_hash: String,
    /// The daily log reminder, local time `HH:MM`.
    pub reminder_time: String,
    /// Unix seconds.
    pub created_at: i64,
}
