//! The therapist's side: invitations, the person's consent per category, the access log, and
//! the one door through which a therapist reaches a person's data ([`App::open_for`]).
//!
//! Authorisation lives here, not in templates or handlers: `open_for` checks for an active
//! link and hands back a [`ClientView`], which nothing else can build. Each of its methods
//! reads one category, refuses (`Forbidden`) when the person does not share it, and writes the
//! access-log row (once per category per view) before anything is returned. Admins manage
//! accounts and never pass this door.

use crate::caseload::SafetyAlert;
use crate::secrets::token_hash;
use crate::toolkit::ExerciseRecord;
use crate::{App, AppError, AppResult, InsightsRange, Me, MeasureHistory, SafetyPlanView};
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use enough_domain::ValidationErrors;
use enough_domain::account::Role;
use enough_domain::care::{Category, Sharing};
use enough_domain::day::DayEntry;
use enough_domain::toolkit::Approach;
use enough_domain::{AccessRecordId, InvitationId, LinkId, PersonId};
use enough_store::{
    AccessRecord, CareLink, CareLinkWith, Invitation, InvitationRefused, Location, NewInvitation,
    Reflection, User,
};
use rand::Rng;
use std::collections::BTreeSet;
use std::sync::Mutex;

/// How long an invitation stays usable.
pub const INVITATION_DAYS: i64 = 7;
/// Longest label a therapist can give an invitation.
pub const LABEL_MAX: usize = 80;

/// A linked person as their therapist sees them in lists.
#[derive(Debug, Clone)]
pub struct LinkedPerson {
    /// The link.
    pub link: CareLink,
    /// The person's e-mail address.
    pub email: String,
    /// What they share.
    pub sharing: Sharing,
}

/// Normalises a typed invitation code: letters and digits only, upper case.
fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A fresh code: 12 characters from an alphabet without look-alikes, shown as XXXX-XXXX-XXXX.
fn new_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let code: String = (0..12)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("{}-{}-{}", &code[0..4], &code[4..8], &code[8..12])
}

impl App {
    fn require_therapist(user: &User) -> AppResult<()> {
        if user.role == Role::Therapist {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Creates a one-time invitation (therapists only); returns it with its code, which is
    /// shown once and stored only as a hash.
    pub async fn create_invitation(
        &self,
        therapist: &Me,
        label: &str,
    ) -> AppResult<(Invitation, String)> {
        Self::require_therapist(therapist)?;
        let label = label.trim();
        if label.chars().count() > LABEL_MAX {
            return Err(ValidationErrors::single(
                "label",
                format!("Keep the label to {LABEL_MAX} characters or fewer."),
            )
            .into());
        }
        let code = new_code();
        let now = self.now();
        let invitation = self
            .store
            .create_invitation(&NewInvitation {
                therapist_id: therapist.id,
                code_hash: token_hash(&normalise_code(&code)),
                label: label.to_owned(),
                created_at: now.timestamp(),
                expires_at: (now + Duration::days(INVITATION_DAYS)).timestamp(),
            })
            .await?;
        Ok((invitation, code))
    }

    /// The therapist's invitations, newest first.
    pub async fn invitations(&self, therapist: &Me) -> AppResult<Vec<Invitation>> {
        Self::require_therapist(therapist)?;
        Ok(self.store.invitations(therapist.id).await?)
    }

    /// Withdraws an unused invitation.
    pub async fn revoke_invitation(&self, therapist: &Me, id: InvitationId) -> AppResult<()> {
        Self::require_therapist(therapist)?;
        if self
            .store
            .revoke_invitation(therapist.id, id, self.now().timestamp())
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound("invitation"))
        }
    }

    /// Accepts an invitation: links the person to the therapist, sharing exactly `sharing`.
    pub async fn accept_invitation(
        &self,
        person: &Me,
        code: &str,
        sharing: &Sharing,
    ) -> AppResult<CareLink> {
        // Roles are capabilities, not identities: an administrator (often the one person who
        // runs the server for themselves) keeps their own log and may share it like anyone.
        let code = normalise_code(code);
        if code.len() != 12 {
            return Err(ValidationErrors::single(
                "code",
                "An invitation code has 12 letters and digits, like ABCD-EFGH-JKLM.",
            )
            .into());
        }
        // Codes carry ~60 bits, but guessing is still throttled per account.
        self.reserve(&[(
            format!("join:{}", person.id),
            self.config.max_failures_per_account * 2,
        )])
        .await?;
        let outcome = crate::rules::accept_invitation(
            &*self.store,
            &token_hash(&code),
            person.id,
            &sharing.to_stored(),
            self.now().timestamp(),
        )
        .await?;
        outcome.map_err(|refused| {
            let message = match refused {
                InvitationRefused::Unknown => {
                    "That code doesn't match an invitation. Check it, or ask your therapist for a new one."
                }
                InvitationRefused::Expired => {
                    "This invitation has expired (they last 7 days). Ask your therapist for a new one."
                }
                InvitationRefused::AlreadyUsed => {
                    "This invitation was already used. Ask your therapist for a new one."
                }
                InvitationRefused::AlreadyLinked => "You are already linked to this therapist.",
                InvitationRefused::OwnInvitation => "This is your own invitation.",
            };
            ValidationErrors::single("code", message).into()
        })
    }

    /// The person's links (active and ended), newest first.
    pub async fn my_therapists(&self, person: &Me) -> AppResult<Vec<CareLinkWith>> {
        Ok(self.store.links_of_person(person.id).await?)
    }

    /// Changes what the person shares on one of their active links; takes effect on the
    /// therapist's next request.
    pub async fn set_sharing(
        &self,
        person: &Me,
        link_id: LinkId,
        sharing: &Sharing,
    ) -> AppResult<()> {
        if self
            .store
            .set_link_categories(person.id, link_id, &sharing.to_stored())
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound("link"))
        }
    }

    /// Ends a link (either side may).
    pub async fn end_link(&self, user: &Me, link_id: LinkId) -> AppResult<()> {
        if self
            .store
            .end_link(user.id, link_id, self.now().timestamp())
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound("link"))
        }
    }

    /// The therapist's linked people, by address.
    pub async fn linked_people(&self, therapist: &Me) -> AppResult<Vec<LinkedPerson>> {
        Self::require_therapist(therapist)?;
        Ok(self
            .store
            .links_of_therapist(therapist.id)
            .await?
            .into_iter()
            .map(|l| LinkedPerson {
                sharing: Sharing::from_stored(&l.link.categories),
                email: l.other_email,
                link: l.link,
            })
            .collect())
    }

    /// The one door to someone else's data: `viewer` must be a therapist with an active link
    /// to `person_id`. Nothing is read yet: each method of the [`ClientView`] reads one
    /// category, checking that it is shared and logging the read (from `address`). An
    /// unlinked person is "not found" (nothing leaks whether they exist).
    pub async fn open_for<'a>(
        &'a self,
        viewer: &'a Me,
        person_id: PersonId,
        address: &str,
    ) -> AppResult<ClientView<'a>> {
        Self::require_therapist(viewer).map_err(|_| AppError::NotFound("person"))?;
        let link = self
            .store
            .active_link(viewer.id, person_id)
            .await?
            .ok_or(AppError::NotFound("person"))?;
        let person = self
            .store
            .user_by_id(person_id)
            .await?
            .ok_or(AppError::NotFound("person"))?;
        Ok(ClientView {
            app: self,
            viewer,
            sharing: Sharing::from_stored(&link.categories),
            person,
            address: address.chars().take(100).collect(),
            logged: Mutex::new(BTreeSet::new()),
        })
    }

    /// The link between a therapist and a person, for pages that list what is shared (no
    /// data is read, so nothing is logged). `NotFound` when not linked.
    pub async fn link_to(&self, viewer: &Me, person_id: PersonId) -> AppResult<LinkedPerson> {
        Self::require_therapist(viewer).map_err(|_| AppError::NotFound("person"))?;
        let link = self
            .store
            .active_link(viewer.id, person_id)
            .await?
            .ok_or(AppError::NotFound("person"))?;
        let person = self
            .store
            .user_by_id(person_id)
            .await?
            .ok_or(AppError::NotFound("person"))?;
        Ok(LinkedPerson {
            sharing: Sharing::from_stored(&link.categories),
            email: person.email,
            link,
        })
    }

    /// Writes one access-log row (only [`ClientView`] calls it, after the consent check).
    async fn record_access(
        &self,
        viewer: &User,
        person_id: PersonId,
        category: Category,
        what: &str,
        address: &str,
    ) -> AppResult<()> {
        self.store
            .record_access(&AccessRecord {
                id: AccessRecordId(0),
                person_id,
                viewer_id: Some(viewer.id),
                viewer_email: viewer.email.clone(),
                category: category.key(),
                what: what.chars().take(200).collect(),
                address: address.chars().take(100).collect(),
                at: self.now().timestamp(),
            })
            .await?;
        Ok(())
    }

    /// "Who looked at my data": every read by someone else, newest first.
    pub async fn access_log(&self, person: &Me) -> AppResult<Vec<AccessRecord>> {
        Ok(self.store.access_log(person.id).await?)
    }
}

/// A linked person's data as their therapist may read it: made only by [`App::open_for`]
/// (which checked the link). Every method reads one category: it answers `Forbidden` when
/// that category is not shared, and writes the access-log row (who, what, when, from where)
/// before returning anything, once per category for the life of the view (one request).
pub struct ClientView<'a> {
    app: &'a App,
    viewer: &'a Me,
    person: User,
    sharing: Sharing,
    address: String,
    logged: Mutex<BTreeSet<Category>>,
}

impl std::fmt::Debug for ClientView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientView")
            .field("person_id", &self.person.id)
            .field("sharing", &self.sharing)
            .finish_non_exhaustive()
    }
}

/// A person's safety alerts in their therapist's words, with their safety plan.
#[derive(Debug, Clone)]
pub struct ClientSafety {
    /// Safety events, newest first, described from what else is shared.
    pub alerts: Vec<SafetyAlert>,
    /// The safety plan.
    pub plan: SafetyPlanView,
}

impl ClientView<'_> {
    /// The person's account id.
    pub fn person_id(&self) -> PersonId {
        self.person.id
    }

    /// The person's e-mail address (how their therapist knows them in lists and titles).
    pub fn email(&self) -> &str {
        &self.person.email
    }

    /// The person's time zone, as they chose it.
    pub fn time_zone(&self) -> Tz {
        self.person.time_zone
    }

    /// Today on the person's calendar.
    pub fn today(&self) -> NaiveDate {
        self.app.today(&self.person)
    }

    /// What the person shares with this therapist.
    pub fn sharing(&self) -> &Sharing {
        &self.sharing
    }

    /// True when the person shares `category` (nothing is read, nothing is logged).
    pub fn shares(&self, category: Category) -> bool {
        self.sharing.allows(category)
    }

    /// The consent check and the access-log row, at most once per category per view.
    async fn open(&self, category: Category, what: &str) -> AppResult<()> {
        if !self.sharing.allows(category) {
            return Err(AppError::Forbidden);
        }
        let first = self
            .logged
            .lock()
            .map_or(true, |logged| !logged.contains(&category));
        if first {
            self.app
                .record_access(self.viewer, self.person.id, category, what, &self.address)
                .await?;
            if let Ok(mut logged) = self.logged.lock() {
                logged.insert(category);
            }
        }
        Ok(())
    }

    /// The person, once `category` is opened: `None` when it is not shared, otherwise the
    /// read is logged (once per category per view) and the person's record handed back for
    /// the app's own multi-category reads (caseload, summary, homework, safety alerts). The
    /// only way inside the crate to reach a linked person's record.
    pub(crate) async fn open_shared(
        &self,
        category: Category,
        what: &str,
    ) -> AppResult<Option<&User>> {
        if !self.sharing.allows(category) {
            return Ok(None);
        }
        self.open(category, what).await?;
        Ok(Some(&self.person))
    }

    /// The person's days in `from`..=`to` (either open), oldest first as stored (the log).
    pub async fn days(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> AppResult<Vec<DayEntry>> {
        self.open(Category::Log, &format!("days {}", range_words(from, to)))
            .await?;
        self.app.days_of(&self.person, from, to).await
    }

    /// The person's Light & Mood insights for `from`..=`to` (the log).
    pub async fn insights(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> AppResult<std::sync::Arc<InsightsRange>> {
        self.open(
            Category::Log,
            &format!("insights {}", range_words(from, to)),
        )
        .await?;
        self.app
            .light_mood_insights_of(&self.person, None, from, to)
            .await
    }

    /// Where the person logs from, for day lengths (the log).
    pub async fn location(&self) -> AppResult<Option<Location>> {
        self.open(Category::Log, "insights").await?;
        self.app.location_of(&self.person).await
    }

    /// The person's written reflections.
    pub async fn reflections(&self) -> AppResult<Vec<Reflection>> {
        self.open(Category::Reflections, "reflections").await?;
        self.app.reflections_of(&self.person).await
    }

    /// The person's exercises of `approaches`, newest first; each approach must be shared.
    pub async fn exercises(&self, approaches: &[Approach]) -> AppResult<Vec<ExerciseRecord>> {
        for approach in approaches {
            self.open(
                Category::Exercises(*approach),
                &format!("exercises {}", approach.slug()),
            )
            .await?;
        }
        Ok(self
            .app
            .journal_of(&self.person, None)
            .await?
            .into_iter()
            .filter(|r| approaches.contains(&r.def.approach))
            .collect())
    }

    /// Every questionnaire's history (oldest first within each), in catalogue order.
    pub async fn questionnaires(&self) -> AppResult<Vec<MeasureHistory>> {
        self.open(Category::Questionnaires, "questionnaires")
            .await?;
        let mut out = Vec::new();
        for inst in enough_domain::measures::instruments() {
            out.push(self.app.history_of(&self.person, &inst.id).await?);
        }
        Ok(out)
    }

    /// The person's safety events described in words (reading the answer or the words only
    /// from other categories they share, each logged) and their safety plan.
    pub async fn safety(&self) -> AppResult<ClientSafety> {
        self.open(Category::Safety, "safety").await?;
        let events = self.app.safety_events_of(&self.person).await?;
        let alerts = self.app.describe_alerts(self, events, "safety").await?;
        let plan = self.app.safety_plan_of(&self.person).await?;
        Ok(ClientSafety { alerts, plan })
    }
}

/// A date range in words for the access log: `2026-01-01..2026-01-31`, open ends empty.
fn range_words(from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    let show = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    format!("{}..{}", show(from), show(to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_readable_and_typed_codes_are_forgiving() {
        let code = new_code();
        assert_eq!(code.len(), 14);
        assert_eq!(code.matches('-').count(), 2);
        assert!(!code.contains('O') && !code.contains('0') && !code.contains('I'));
        assert_eq!(normalise_code(" abcd-efgh jkmn "), "ABCDEFGHJKMN");
        assert_ne!(new_code(), new_code());
    }
}
