//! The repositories: every statement of the store, written once for every backend, grouped
//! by area and reached from a transaction (`tx.days().upsert(…)`).
//!
//! A repository only runs statements: rules that span several of them (accepting an
//! invitation, deleting an account, starting an experiment) are use cases of `enough-app`,
//! which run them inside one `store.write(|tx| …)`.

mod accounts;
mod care;
mod days;
mod imports;
mod measures;
mod practice;
mod sessions;
mod steps;

pub use accounts::Accounts;
pub use care::Care;
pub use days::Days;
pub use imports::Imports;
pub use measures::Measures;
pub use practice::Practice;
pub use sessions::{Sessions, TokenOwner};
pub use steps::Steps;

use crate::sql::Tx;

impl dyn Tx + '_ {
    /// Accounts, installation settings and the record of deletions.
    pub fn accounts(&mut self) -> Accounts<'_> {
        Accounts(self)
    }
    /// Sessions, personal access tokens and sign-in throttling.
    pub fn sessions(&mut self) -> Sessions<'_> {
        Sessions(self)
    }
    /// The daily log and what insights read besides it: location, reflections, experiments.
    pub fn days(&mut self) -> Days<'_> {
        Days(self)
    }
    /// The therapist's side: invitations, links, the access log, homework, calendar feeds.
    pub fn care(&mut self) -> Care<'_> {
        Care(self)
    }
    /// Toolkit exercises, the safety plan and safety events.
    pub fn practice(&mut self) -> Practice<'_> {
        Practice(self)
    }
    /// Questionnaires: responses, drafts and schedules.
    pub fn measures(&mut self) -> Measures<'_> {
        Measures(self)
    }
    /// Moving a whole installation: every row out, or into an empty store.
    pub fn imports(&mut self) -> Imports<'_> {
        Imports(self)
    }
    /// Small imperfect steps: activities and programme runs.
    pub fn steps(&mut self) -> Steps<'_> {
        Steps(self)
    }
}
