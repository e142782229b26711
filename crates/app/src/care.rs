//! The therapist's side: invitations, the person's consent per category, the access log, and
//! the one door through which a therapist reaches a person's data ([`App::open_for`]).
//!
//! Authorisation lives here, not in templates: every read of someone else's data goes through
//! `open_for`, which checks an active link that shares the category and writes an access-log
//! row before anything is returned. Admins manage accounts and never pass this door.

use crate::secrets::token_hash;
use crate::{App, AppError, AppResult};
use chrono::Duration;
use enough_domain::ValidationErrors;
use enough_domain::account::Role;
use enough_domain::care::{Category, Sharing};
use enough_store::{
    AccessRecord, CareLink, CareLinkWith, Invitation, InvitationRefused, NewInvitation, User,
};
use rand::Rng;

/// How long an invitation stays usable.
pub const INVITATION_DAYS: i64 = 7;
/// Longest label a therapist can give an invitation.
pub const LABEL_MAX: usize = 80;

/// A person's data opened for someone else, after the consent check and the audit row.
#[derive(Debug, Clone)]
pub struct OpenedFor {
    /// Whose data.
    pub person: User,
    /// What they share with this viewer.
    pub sharing: Sharing,
}

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
        therapist: &User,
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
    pub async fn invitations(&self, therapist: &User) -> AppResult<Vec<Invitation>> {
        Self::require_therapist(therapist)?;
        Ok(self.store.invitations(therapist.id).await?)
    }

    /// Withdraws an unused invitation.
    pub async fn revoke_invitation(&self, therapist: &User, id: i64) -> AppResult<()> {
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
        person: &User,
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
    pub async fn my_therapists(&self, person: &User) -> AppResult<Vec<CareLinkWith>> {
        Ok(self.store.links_of_person(person.id).await?)
    }

    /// Changes what the person shares on one of their active links; takes effect on the
    /// therapist's next request.
    pub async fn set_sharing(
        &self,
        person: &User,
        link_id: i64,
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
    pub async fn end_link(&self, user: &User, link_id: i64) -> AppResult<()> {
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
    pub async fn linked_people(&self, therapist: &User) -> AppResult<Vec<LinkedPerson>> {
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
    /// to `person_id` that shares `category`. Writes the access-log row (who, what, when,
    /// from where) before returning. An unlinked person is "not found" (nothing leaks whether
    /// they exist); a linked person who does not share the category is "forbidden".
    pub async fn open_for(
        &self,
        viewer: &User,
        person_id: i64,
        category: Category,
        what: &str,
        address: &str,
    ) -> AppResult<OpenedFor> {
        Self::require_therapist(viewer).map_err(|_| AppError::NotFound("person"))?;
        let link = self
            .store
            .active_link(viewer.id, person_id)
            .await?
            .ok_or(AppError::NotFound("person"))?;
        let sharing = Sharing::from_stored(&link.categories);
        if !sharing.allows(category) {
            return Err(AppError::Forbidden);
        }
        let person = self
            .store
            .user_by_id(person_id)
            .await?
            .ok_or(AppError::NotFound("person"))?;
        self.record_access(viewer, person_id, category, what, address)
            .await?;
        Ok(OpenedFor { person, sharing })
    }

    /// The link between a therapist and a person, for pages that list what is shared (no
    /// data is read, so nothing is logged). `NotFound` when not linked.
    pub async fn link_to(&self, viewer: &User, person_id: i64) -> AppResult<LinkedPerson> {
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

    /// Writes one access-log row.
    pub(crate) async fn record_access(
        &self,
        viewer: &User,
        person_id: i64,
        category: Category,
        what: &str,
        address: &str,
    ) -> AppResult<()> {
        self.store
            .record_access(&AccessRecord {
                id: 0,
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
    pub async fn access_log(&self, person: &User) -> AppResult<Vec<AccessRecord>> {
        Ok(self.store.access_log(person.id).await?)
    }
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
