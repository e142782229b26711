//! The one safety decision: every save of a person's words or answers (web form, JSON API,
//! CLI, import, draft or finished) calls [`App::safety_decision`] after it is written, and
//! shows the support page (or returns the `support` object) when it answers `Some`. A save
//! that records its events in its own transaction (a day, a reflection, an import) runs the
//! same decision in two halves: [`assess`] inside the transaction (its events written with
//! the save), [`App::support_for`] after the commit.
//!
//! The rules, in one place:
//! - **Risk language** ([`mentions_self_harm`]) in a text that is new or changed by this save
//!   → support after saving and one `self-harm-language` event. A text already saved word for
//!   word in the same place never triggers again, so re-saving an unchanged note does not send
//!   the person back to the support page (support never loops).
//! - **A safety item** (PHQ-9 item 9) answered above its lowest value → support at once and one
//!   `phq9-item9` event, in any saved state: a finished sitting always (it is a new record the
//!   person's therapist may see), a draft ("save and finish later") when the item's answer is
//!   new or different from the draft saved before.
//! - **One support outcome per save** and at most one event per reason per save: an import
//!   of a thousand rows is one save; its event points at the first place that triggered it.
//! - **The safety plan** is where a person writes what to do when things are at their worst,
//!   so naming suicide there is expected and is not a sign of a new crisis: its saves go
//!   through this decision but never record an event or redirect (the plan's own page always
//!   shows the crisis lines beside it).
//! - **Never blocking**: the decision cannot refuse a save. A failure inside detection is
//!   logged and treated as "nothing noticed". After a save, a failure to record the event is
//!   logged and support is still shown; where the events are written in the save's own
//!   transaction, the database failing there fails the save as a whole (nothing half-saved).

use crate::App;
use crate::Me;
use enough_domain::crisis::CrisisLine;
use enough_domain::measures::Instrument;
use enough_domain::safety::self_harm::mentions_self_harm;
use enough_store::User;
use serde::Serialize;

use super::{EVENT_PHQ9_ITEM9, EVENT_SELF_HARM_LANGUAGE};

/// Which kind of save this is: decides the safety plan's rule and where the support page
/// leads back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saving {
    /// A day of the log (web form, API, CLI).
    Day,
    /// A Light & Mood reflection.
    Reflection,
    /// A toolkit exercise (draft, plan or done) or a ladder attempt.
    Exercise,
    /// A planned activity or how it went.
    Activity,
    /// A finished questionnaire.
    Questionnaire,
    /// A questionnaire saved to finish later.
    QuestionnaireDraft,
    /// An import (CSV, Daylio, Bearable, Apple Health, or enough's own export).
    Import,
    /// The person's own safety plan (never an event or a redirect; see the module notes).
    SafetyPlan,
}

impl Saving {
    /// The support page's `after` value: where "back" leads.
    pub fn after(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Reflection => "reflection",
            Self::Exercise => "exercise",
            Self::Activity => "activity",
            Self::Questionnaire | Self::QuestionnaireDraft => "questionnaire",
            Self::Import => "import",
            Self::SafetyPlan => "safety-plan",
        }
    }
}

/// One place a save touched, with what is there now and what was there before.
#[derive(Debug, Clone)]
pub enum Change<'a> {
    /// Free text.
    Words {
        /// The event's reference to the place (`day:2026-11-30`, `exercise:12`), never words.
        place: String,
        /// The texts as saved now.
        new: Vec<&'a str>,
        /// The texts in the same place before this save (empty when it is new).
        before: Vec<&'a str>,
    },
    /// Questionnaire answers (`None` for an unanswered item).
    Answers {
        /// The event's reference to the place (`questionnaire:4`, `questionnaire-draft:phq-9`).
        place: String,
        /// The instrument answered.
        instrument: &'static Instrument,
        /// The answers as saved now, in item order.
        new: Vec<Option<u8>>,
        /// The answers in the same place before (a previous draft); empty when there was none.
        /// A finished sitting passes none: it is always a new record.
        before: Vec<Option<u8>>,
    },
}

/// Why support is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportReason {
    /// A safety item (PHQ-9 item 9) above its lowest answer.
    Answer,
    /// Words about suicide or self-harm.
    Words,
}

/// What a person sees after a save that needs it: the crisis lines of their country and the
/// support page. Serialised as the JSON API's `support` object.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "utoipa",
    schema(
        description = "Present on the answer to a save when the app's safety decision asks for it: crisis lines of the person's country and the support page. The save went through."
    )
)]
pub struct Support {
    /// The country whose lines are listed (ISO 3166-1 alpha-2, e.g. `GB`).
    pub country: String,
    /// The emergency number of that country.
    pub emergency: String,
    /// The crisis lines, in the directory's order.
    pub lines: Vec<CrisisLine>,
    /// The support page (signed in), e.g. `/support?after=day`.
    pub url: String,
    /// A plain sentence for API clients to show.
    pub message: &'static str,
    /// Why (not serialised: the page words it).
    #[serde(skip)]
    pub reason: SupportReason,
    /// The support page's `after` value.
    #[serde(skip)]
    pub after: &'static str,
}

/// The message API clients may show with `support`.
const MESSAGE: &str = "Saved. Some of what was saved suggests things may be very hard right now; \
                       crisis lines and your safety plan are one tap away.";

/// Whether `text` carries risk language; a failure inside detection is logged and read as no.
fn risky(text: &str) -> bool {
    match std::panic::catch_unwind(|| mentions_self_harm(text)) {
        Ok(found) => found,
        Err(_) => {
            tracing::error!("self-harm detection failed; the save went through unchecked");
            false
        }
    }
}

/// Whether any text of a change is new or changed by this save and carries risk language.
pub(crate) fn words_trigger(new: &[&str], before: &[&str]) -> bool {
    new.iter()
        .any(|t| !t.trim().is_empty() && !before.iter().any(|b| b.trim() == t.trim()) && risky(t))
}

/// Whether a safety item is answered above its lowest value, and (for a draft) differently
/// from before.
pub(crate) fn answers_trigger(
    instrument: &Instrument,
    new: &[Option<u8>],
    before: &[Option<u8>],
) -> bool {
    let lowest = instrument
        .options
        .iter()
        .map(|o| o.value)
        .min()
        .unwrap_or(0);
    instrument.items.iter().enumerate().any(|(i, item)| {
        let now = new.get(i).copied().flatten();
        instrument.safety_items.contains(&item.number)
            && now.is_some_and(|v| v > lowest)
            && before.get(i).copied().flatten() != now
    })
}

/// Whether any of `texts` carries risk language (a quick look before reading what was there).
pub(crate) fn may_carry_risk(texts: &[&str]) -> bool {
    words_trigger(texts, &[])
}

impl Change<'_> {
    /// Whether a quick look at the new content alone could trigger support, so a caller reads
    /// what was there before only when it matters (most saves carry nothing to compare).
    pub(crate) fn may_trigger(&self) -> bool {
        match self {
            Change::Words { new, .. } => words_trigger(new, &[]),
            Change::Answers {
                instrument, new, ..
            } => answers_trigger(instrument, new, &[]),
        }
    }
}

/// What the decision found in one save, before anything is recorded: the events to record
/// (kind and place) and why support is offered, if it is. Computed without touching the store,
/// so a use case can record the events in the same transaction as the save.
#[derive(Debug, Clone, Default)]
pub struct Assessment {
    /// `(kind, place)` of each event to record: at most one per reason.
    pub events: Vec<(&'static str, String)>,
    /// Why support is offered; `None` when it is not.
    pub reason: Option<SupportReason>,
}

/// Assesses one save (see the module notes for the rules).
pub fn assess(saving: Saving, changes: &[Change<'_>]) -> Assessment {
    if saving == Saving::SafetyPlan {
        return Assessment::default();
    }
    let mut answer_place = None;
    let mut words_place = None;
    for change in changes {
        match change {
            Change::Words { place, new, before } => {
                if words_place.is_none() && words_trigger(new, before) {
                    words_place = Some(place.as_str());
                }
            }
            Change::Answers {
                place,
                instrument,
                new,
                before,
            } => {
                if answer_place.is_none() && answers_trigger(instrument, new, before) {
                    answer_place = Some(place.as_str());
                }
            }
        }
    }
    let events = [
        (EVENT_PHQ9_ITEM9, answer_place),
        (EVENT_SELF_HARM_LANGUAGE, words_place),
    ]
    .into_iter()
    .filter_map(|(kind, place)| Some((kind, place?.to_owned())))
    .collect();
    let reason = match (answer_place, words_place) {
        (Some(_), _) => Some(SupportReason::Answer),
        (None, Some(_)) => Some(SupportReason::Words),
        (None, None) => None,
    };
    Assessment { events, reason }
}

impl App {
    /// The one safety decision, made after a save is written: `Some` when the person should
    /// see the support page now. Records at most one event per reason for the whole save.
    /// Never fails and never undoes the save (see the module notes for the rules). Use cases
    /// that record the events in the save's own transaction call [`assess`] and
    /// [`App::support_for`] instead.
    pub async fn safety_decision(
        &self,
        user: &Me,
        saving: Saving,
        changes: &[Change<'_>],
    ) -> Option<Support> {
        let assessment = assess(saving, changes);
        for (kind, place) in &assessment.events {
            if let Err(e) = self.record_safety_event(user, kind, place).await {
                tracing::error!(error = %e, kind, "could not record a safety event; support is still shown");
            }
        }
        self.support_for(user, saving, &assessment)
    }

    /// The support a person sees after a save with this assessment (its events recorded).
    pub fn support_for(
        &self,
        user: &User,
        saving: Saving,
        assessment: &Assessment,
    ) -> Option<Support> {
        let reason = assessment.reason?;
        let country = self.crisis_country(Some(user));
        Some(Support {
            country: country.code.clone(),
            emergency: country.emergency.clone(),
            lines: country.lines.clone(),
            url: format!("/support?after={}", saving.after()),
            message: MESSAGE,
            reason,
            after: saving.after(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use enough_domain::measures::instrument;

    #[test]
    fn unchanged_words_never_trigger_again() {
        let note = "I want to kill myself";
        assert!(words_trigger(&[note], &[]));
        assert!(!words_trigger(&[note], &[note]));
        assert!(words_trigger(&[note], &["a calm day"]));
        assert!(!words_trigger(&["a calm day"], &[]));
    }

    #[test]
    fn item_nine_triggers_in_a_draft_once_per_answer() {
        let phq9 = instrument("phq-9").unwrap();
        let mut answers = vec![None; 9];
        assert!(!answers_trigger(phq9, &answers, &[]));
        answers[8] = Some(0);
        assert!(!answers_trigger(phq9, &answers, &[]));
        answers[8] = Some(2);
        assert!(answers_trigger(phq9, &answers, &[]));
        assert!(!answers_trigger(phq9, &answers, &answers.clone()));
        let mut before = answers.clone();
        before[8] = Some(1);
        assert!(answers_trigger(phq9, &answers, &before));
        let gad7 = instrument("gad-7").unwrap();
        assert!(!answers_trigger(gad7, &[Some(3); 7], &[]));
    }
}
