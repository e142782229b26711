//! The Light & Mood insights for a range of the person's days.

use crate::{App, AppResult};
use chrono::{Days, NaiveDate};
use enough_domain::ValidationErrors;
use enough_domain::day::DayEntry;
use enough_domain::light_mood::{LightMoodInsights, light_mood_insights};
use enough_store::User;

/// The range the insights cover when none is chosen: the last 8 weeks.
pub const DEFAULT_RANGE_DAYS: u64 = 56;

/// A resolved date range with the days in it.
#[derive(Debug, Clone)]
pub struct InsightsRange {
    /// First date, inclusive.
    pub from: NaiveDate,
    /// Last date, inclusive.
    pub to: NaiveDate,
    /// The person's days in the range, oldest first.
    pub days: Vec<DayEntry>,
    /// The statistics.
    pub insights: LightMoodInsights,
}

impl App {
    /// The insights for `from`..=`to` (default: the last 8 weeks up to today).
    pub async fn light_mood_insights(
        &self,
        user: &User,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> AppResult<InsightsRange> {
        let today = self.today(user);
        let to = to.unwrap_or(today);
        let from = match from {
            Some(from) => from,
            None => to
                .checked_sub_days(Days::new(DEFAULT_RANGE_DAYS - 1))
                .ok_or_else(|| ValidationErrors::single("to", "That date is too early."))?,
        };
        let mut days = self.days(user, Some(from), Some(to)).await?;
        days.reverse();
        let insights = light_mood_insights(&days);
        Ok(InsightsRange {
            from,
            to,
            days,
            insights,
        })
    }
}
