//! The exposure ladder: steps from least to most uncomfortable, each tried as often as the
//! person likes. Progress is "how far up the ladder", never a count of days in a row.

use crate::validation::ValidationErrors;
use chrono::NaiveDate;
use serde::Serialize;

/// Most rungs on one ladder.
pub const MAX_RUNGS: usize = 20;
/// Most attempts logged on one rung.
pub const MAX_ATTEMPTS: usize = 200;
/// Longest note on an attempt, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;
/// Longest rung text, in characters.
pub const MAX_RUNG_CHARS: usize = 300;
/// The top of the SUDS scale (subjective units of distress, 0–100).
pub const MAX_SUDS: u8 = 100;

/// An exposure ladder.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Ladder {
    /// The rungs, in the order the person wrote them.
    pub rungs: Vec<Rung>,
}

/// One step on the ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rung {
    /// What the step is, e.g. "Send an email with one typo left in".
    pub text: String,
    /// Expected distress, 0–100.
    pub suds: u8,
    /// Every time it was tried.
    pub attempts: Vec<Attempt>,
}

/// One try at a rung.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// The day it was tried.
    pub date: NaiveDate,
    /// Distress just before, 0–100.
    pub suds_before: u8,
    /// Distress at its highest, 0–100.
    pub suds_peak: u8,
    /// Distress afterwards, 0–100.
    pub suds_after: u8,
    /// What the person noticed (may be empty).
    pub note: String,
}

impl Attempt {
    /// Range and size problems, each named `<prefix>suds_before` etc.
    pub(crate) fn check(&self, prefix: &str, errors: &mut ValidationErrors) {
        for (field, label, value) in [
            ("suds_before", "Distress before", self.suds_before),
            ("suds_peak", "Distress at its peak", self.suds_peak),
            ("suds_after", "Distress after", self.suds_after),
        ] {
            if value > MAX_SUDS {
                errors.push(
                    format!("{prefix}{field}"),
                    format!("{label}: choose a number from 0 to {MAX_SUDS}."),
                );
            }
        }
        let chars = self.note.chars().count();
        if chars > MAX_NOTE_CHARS {
            errors.push(
                format!("{prefix}note"),
                format!(
                    "Note: please keep this to {MAX_NOTE_CHARS} characters or fewer (it has {chars})."
                ),
            );
        }
    }
}

impl Ladder {
    /// Logs a try at the rung at `rung_index` (an index into [`Ladder::rungs`]). Refuses an
    /// unknown rung, out-of-range distress, an over-long note, and more than [`MAX_ATTEMPTS`].
    pub fn add_attempt(
        &mut self,
        rung_index: usize,
        attempt: Attempt,
    ) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        attempt.check("", &mut errors);
        match self.rungs.get_mut(rung_index) {
            None => errors.push(
                "rung",
                "That step is not on this ladder. Choose one from the list.",
            ),
            Some(rung) if rung.attempts.len() >= MAX_ATTEMPTS => errors.push(
                "rung",
                format!(
                    "This step already holds {MAX_ATTEMPTS} tries, the most one step can keep. \
                     Perhaps add a new step for the next stage."
                ),
            ),
            Some(rung) if errors.is_empty() => {
                rung.attempts.push(attempt);
                rung.attempts.sort_by_key(|a| a.date);
            }
            Some(_) => {}
        }
        errors.into_result(())
    }

    /// The rungs from least to most uncomfortable (by expected SUDS; ties keep their order).
    pub fn sorted(&self) -> Vec<&Rung> {
        let mut rungs: Vec<&Rung> = self.rungs.iter().collect();
        rungs.sort_by_key(|r| r.suds);
        rungs
    }
}

/// How one rung has gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RungProgress {
    /// The rung's text.
    pub text: String,
    /// Expected distress.
    pub suds: u8,
    /// Tries logged.
    pub attempts: usize,
    /// Peak distress at the first try, if any.
    pub first_peak: Option<u8>,
    /// Peak distress at the latest try, if any.
    pub latest_peak: Option<u8>,
}

/// Progress up the ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LadderProgress {
    /// Rungs on the ladder.
    pub rungs: usize,
    /// Rungs tried at least once.
    pub tried: usize,
    /// Tries logged over all rungs.
    pub attempts: usize,
    /// The expected distress of the most uncomfortable rung tried so far.
    pub highest_tried_suds: Option<u8>,
    /// The least uncomfortable rung not tried yet: a suggestion for next time.
    pub next_untried: Option<String>,
    /// Each rung, least uncomfortable first.
    pub by_rung: Vec<RungProgress>,
}

impl LadderProgress {
    /// One plain sentence about how far up the ladder the person has come.
    pub fn sentence(&self) -> String {
        if self.rungs == 0 {
            return "No steps on this ladder yet. Start with one that feels only a little uncomfortable."
                .to_owned();
        }
        match self.highest_tried_suds {
            None => format!(
                "Nothing tried yet. The gentlest of the {} steps is a good place to begin.",
                self.rungs
            ),
            Some(highest) => format!(
                "You have tried {} of {} steps, up to one you expected at {highest} out of 100.",
                self.tried, self.rungs
            ),
        }
    }
}

/// How far up the ladder the person has come.
pub fn ladder_progress(ladder: &Ladder) -> LadderProgress {
    let sorted = ladder.sorted();
    let by_rung: Vec<RungProgress> = sorted
        .iter()
        .map(|r| RungProgress {
            text: r.text.clone(),
            suds: r.suds,
            attempts: r.attempts.len(),
            first_peak: r.attempts.first().map(|a| a.suds_peak),
            latest_peak: r.attempts.last().map(|a| a.suds_peak),
        })
        .collect();
    LadderProgress {
        rungs: ladder.rungs.len(),
        tried: by_rung.iter().filter(|r| r.attempts > 0).count(),
        attempts: by_rung.iter().map(|r| r.attempts).sum(),
        highest_tried_suds: by_rung
            .iter()
            .filter(|r| r.attempts > 0)
            .map(|r| r.suds)
            .max(),
        next_untried: by_rung
            .iter()
            .find(|r| r.attempts == 0)
            .map(|r| r.text.clone()),
        by_rung,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
    }

    fn attempt(d: u32, peak: u8) -> Attempt {
        Attempt {
            date: day(d),
            suds_before: 40,
            suds_peak: peak,
            suds_after: 20,
            note: String::new(),
        }
    }

    fn ladder() -> Ladder {
        let rung = |text: &str, suds| Rung {
            text: text.into(),
            suds,
            attempts: vec![],
        };
        Ladder {
            rungs: vec![
                rung("Leave a typo in a chat message", 30),
                rung("Hand in a report without a final reread", 70),
                rung("Send an email without rereading it", 50),
            ],
        }
    }

    #[test]
    fn sorted_orders_rungs_by_expected_distress() {
        let l = ladder();
        let suds: Vec<u8> = l.sorted().iter().map(|r| r.suds).collect();
        assert_eq!(suds, [30, 50, 70]);
        assert_eq!(l.rungs[1].suds, 70, "the stored order is left alone");
    }

    #[test]
    fn attempts_are_logged_in_date_order_and_counted_as_progress() {
        let mut l = ladder();
        l.add_attempt(2, attempt(5, 60)).unwrap();
        l.add_attempt(2, attempt(3, 65)).unwrap();
        l.add_attempt(0, attempt(4, 35)).unwrap();
        assert_eq!(l.rungs[2].attempts[0].date, day(3));

        let p = ladder_progress(&l);
        assert_eq!((p.rungs, p.tried, p.attempts), (3, 2, 3));
        assert_eq!(p.highest_tried_suds, Some(50));
        assert_eq!(
            p.next_untried.as_deref(),
            Some("Hand in a report without a final reread")
        );
        assert_eq!(p.by_rung[1].first_peak, Some(65));
        assert_eq!(p.by_rung[1].latest_peak, Some(60));
        assert_eq!(
            p.sentence(),
            "You have tried 2 of 3 steps, up to one you expected at 50 out of 100."
        );
    }

    #[test]
    fn an_untried_ladder_suggests_the_gentlest_step() {
        let p = ladder_progress(&ladder());
        assert_eq!(p.tried, 0);
        assert_eq!(p.highest_tried_suds, None);
        assert_eq!(
            p.next_untried.as_deref(),
            Some("Leave a typo in a chat message")
        );
        assert!(p.sentence().starts_with("Nothing tried yet."));
    }

    #[test]
    fn bad_attempts_are_refused_and_nothing_is_stored() {
        let mut l = ladder();
        let err = l.add_attempt(7, attempt(1, 50)).unwrap_err();
        assert!(err.message_for("rung").is_some());

        let mut loud = attempt(1, 101);
        loud.note = "x".repeat(MAX_NOTE_CHARS + 1);
        let err = l.add_attempt(0, loud).unwrap_err();
        assert_eq!(
            err.message_for("suds_peak"),
            Some("Distress at its peak: choose a number from 0 to 100.")
        );
        assert!(err.message_for("note").is_some());
        assert!(l.rungs[0].attempts.is_empty());
    }

    #[test]
    fn a_rung_holds_at_most_max_attempts() {
        let mut l = ladder();
        for _ in 0..MAX_ATTEMPTS {
            l.add_attempt(0, attempt(1, 30)).unwrap();
        }
        assert!(l.add_attempt(0, attempt(2, 30)).is_err());
        assert_eq!(l.rungs[0].attempts.len(), MAX_ATTEMPTS);
    }
}
