//! When a questionnaire is due again. Being late is never an error: a questionnaire that is due
//! simply stays due until it is filled in.

use chrono::{Days, NaiveDate};

/// The first day the next sitting is due: `every_days` after the last completion. `None` when it
/// has never been completed (due now).
pub fn next_due(last_completed: Option<NaiveDate>, every_days: u16) -> Option<NaiveDate> {
    let last = last_completed?;
    Some(
        last.checked_add_days(Days::new(u64::from(every_days)))
            .unwrap_or(NaiveDate::MAX),
    )
}

/// True when a sitting is due on `today`: never completed, or at least `every_days` days have
/// passed since the last one.
pub fn is_due(last_completed: Option<NaiveDate>, every_days: u16, today: NaiveDate) -> bool {
    match next_due(last_completed, every_days) {
        None => true,
        Some(due) => today >= due,
    }
}
