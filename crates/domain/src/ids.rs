//! Typed ids: one newtype per kind of row, so a link's id cannot be passed where a person's
//! id is expected. Each is a plain `i64` underneath: it displays and parses as the number, and
//! serialises as a bare JSON number (serde `transparent`), so the JSON API and path
//! extractors (`Path<PersonId>`) see exactly what they saw when ids were `i64`.
//!
//! The point is what does not compile. A function that ends a care link takes a [`LinkId`]:
//!
//! ```
//! use enough_domain::{LinkId, PersonId};
//! fn end_link(link: LinkId) -> i64 {
//!     link.get()
//! }
//! assert_eq!(end_link(LinkId(7)), 7);
//! # let _ = PersonId(7);
//! ```
//!
//! and a person's id, the same number underneath, is refused:
//!
//! ```compile_fail,E0308
//! use enough_domain::{LinkId, PersonId};
//! fn end_link(link: LinkId) -> i64 {
//!     link.get()
//! }
//! end_link(PersonId(7));
//! ```
//!
//! Likewise a browser session's id cannot revoke an API token:
//!
//! ```
//! use enough_domain::{SessionId, TokenId};
//! fn revoke_token(token: TokenId) -> i64 {
//!     token.get()
//! }
//! assert_eq!(revoke_token(TokenId(3)), 3);
//! # let _ = SessionId(3);
//! ```
//!
//! ```compile_fail,E0308
//! use enough_domain::{SessionId, TokenId};
//! fn revoke_token(token: TokenId) -> i64 {
//!     token.get()
//! }
//! revoke_token(SessionId(3));
//! ```
//!
//! and ids of two kinds cannot even be compared:
//!
//! ```compile_fail,E0308
//! use enough_domain::{ExerciseId, ResponseId};
//! assert!(ExerciseId(1) != ResponseId(1));
//! ```

use serde::{Deserialize, Serialize};

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The number stored in the database.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                Self(v)
            }
        }

        impl From<$name> for i64 {
            fn from(v: $name) -> Self {
                v.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }

        /// Compares with a raw number (tests and old call sites); two different id types
        /// still cannot be compared.
        impl PartialEq<i64> for $name {
            fn eq(&self, other: &i64) -> bool {
                self.0 == *other
            }
        }
    )*};
}

/// Calls `$m!(Type)` for every id type (for conversions other crates implement once).
#[macro_export]
macro_rules! for_each_id {
    ($m:ident) => {
        $m!(PersonId);
        $m!(LinkId);
        $m!(InvitationId);
        $m!(ExerciseId);
        $m!(ResponseId);
        $m!(ActivityId);
        $m!(ExperimentId);
        $m!(HomeworkId);
        $m!(SessionId);
        $m!(TokenId);
        $m!(ProgrammeRunId);
        $m!(SafetyEventId);
        $m!(AccessRecordId);
    };
}

ids! {
    /// An account: a person, a therapist or an administrator (`users.id`).
    PersonId;
    /// A care link between a person and a therapist (`care_links.id`).
    LinkId;
    /// An invitation from a therapist (`care_invitations.id`).
    InvitationId;
    /// A logged toolkit exercise.
    ExerciseId;
    /// A questionnaire response.
    ResponseId;
    /// A planned activity.
    ActivityId;
    /// A personal experiment.
    ExperimentId;
    /// A homework assignment.
    HomeworkId;
    /// A signed-in browser session.
    SessionId;
    /// A personal access token.
    TokenId;
    /// A run of a guided programme.
    ProgrammeRunId;
    /// A safety-plan event.
    SafetyEventId;
    /// An entry of the care access log.
    AccessRecordId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_numbers_in_text_and_json() {
        let id = PersonId(42);
        assert_eq!(id.to_string(), "42");
        assert_eq!("42".parse::<PersonId>().ok(), Some(id));
        assert!("forty-two".parse::<PersonId>().is_err());
        assert_eq!(serde_json::to_string(&id).ok().as_deref(), Some("42"));
        assert_eq!(serde_json::from_str::<PersonId>("42").ok(), Some(id));
        let link: Option<LinkId> = serde_json::from_str("{\"id\":7}")
            .ok()
            .and_then(|v: serde_json::Value| serde_json::from_value(v["id"].clone()).ok());
        assert_eq!(link, Some(LinkId(7)));
        assert!(
            serde_json::from_str::<LinkId>("\"7\"").is_err(),
            "a string is not an id"
        );
    }
}
