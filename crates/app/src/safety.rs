//! Safety: which crisis lines to show, the person's safety plan, and safety events. The one
//! safety decision every save goes through lives in [`decision`].

mod decision;

pub(crate) use decision::may_carry_risk;
pub use decision::{Assessment, Change, Saving, Support, SupportReason, assess};

use crate::{App, AppResult, Me};
use enough_domain::ValidationErrors;
use enough_domain::crisis::{Country, directory, guess_country};
use enough_domain::safety::plan::{SafetyPlan, Section};
use enough_store::{SafetyEvent, User};

/// The kind of safety event recorded when a PHQ-9 item 9 answer is above 0.
pub const EVENT_PHQ9_ITEM9: &str = "phq9-item9";
/// The kind of safety event recorded when saved free text contains self-harm language.
pub const EVENT_SELF_HARM_LANGUAGE: &str = "self-harm-language";

/// The country whose lines are shown when nothing else is known.
const FALLBACK_COUNTRY: &str = "US";

/// What the browser tells us about where someone may be, for choosing crisis lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountryHints<'a> {
    /// A country chosen earlier in this browser (remembered in a cookie).
    pub chosen: Option<&'a str>,
    /// The `Accept-Language` header.
    pub accept_language: Option<&'a str>,
    /// The browser's IANA time zone, sent by a small script.
    pub time_zone: Option<&'a str>,
}

/// Where the crisis country came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountrySource {
    /// The signed-in person's own setting.
    Setting,
    /// Chosen earlier in this browser.
    Chosen,
    /// The browser's language region.
    Language,
    /// A time zone (the person's setting or the browser's).
    TimeZone,
    /// Nothing was known.
    Fallback,
}

/// A person's safety plan with when it was last changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SafetyPlanView {
    /// The plan (empty when never written).
    pub plan: SafetyPlan,
    /// Last changed (Unix seconds), if ever saved.
    pub updated_at: Option<i64>,
}

impl App {
    /// The crisis-directory country for a person: their setting, else a guess from their time
    /// zone, else the fallback. Without a person, the fallback.
    pub fn crisis_country(&self, user: Option<&User>) -> &'static Country {
        self.crisis_country_from(user, &CountryHints::default()).0
    }

    /// The crisis-directory country and where it came from. In order: a signed-in person's own
    /// setting; the country chosen earlier in this browser; a signed-in person's time zone;
    /// the browser's `Accept-Language` region; the browser's time zone; the fallback.
    pub fn crisis_country_from(
        &self,
        user: Option<&User>,
        hints: &CountryHints<'_>,
    ) -> (&'static Country, CountrySource) {
        let dir = directory();
        let candidates = [
            (
                user.and_then(|u| u.country.as_deref()),
                CountrySource::Setting,
            ),
            (hints.chosen, CountrySource::Chosen),
            (
                user.and_then(|u| guess_country(u.time_zone.name())),
                CountrySource::TimeZone,
            ),
            (
                hints
                    .accept_language
                    .and_then(|h| dir.country_for_languages(h))
                    .map(|c| c.code.as_str()),
                CountrySource::Language,
            ),
            (
                hints.time_zone.and_then(guess_country),
                CountrySource::TimeZone,
            ),
        ];
        for (code, source) in candidates {
            if let Some(country) = code.and_then(|c| dir.country(c)) {
                return (country, source);
            }
        }
        let fallback = dir.country(FALLBACK_COUNTRY).unwrap_or(&dir.countries[0]);
        (fallback, CountrySource::Fallback)
    }

    /// Sets the person's country for crisis lines; empty clears it (back to the time-zone guess).
    pub async fn set_country(&self, user: &Me, code: &str) -> AppResult<()> {
        let code = code.trim().to_ascii_uppercase();
        if code.is_empty() {
            self.store.set_country(user.id, None).await?;
            return Ok(());
        }
        if directory().country(&code).is_none() {
            return Err(ValidationErrors::single(
                "country",
                "Choose a country from the list (it has the crisis lines we could check).",
            )
            .into());
        }
        self.store.set_country(user.id, Some(&code)).await?;
        Ok(())
    }

    /// The person's safety plan (empty if they have not written one).
    pub async fn safety_plan(&self, user: &Me) -> AppResult<SafetyPlanView> {
        self.safety_plan_of(user).await
    }

    /// For a person already authorised: `me`, or someone opened through a
    /// [`crate::ClientView`].
    pub(crate) async fn safety_plan_of(&self, user: &User) -> AppResult<SafetyPlanView> {
        let Some(record) = self.store.safety_plan(user.id).await? else {
            return Ok(SafetyPlanView::default());
        };
        let value: serde_json::Value = serde_json::from_str(&record.plan)
            .map_err(|e| crate::AppError::Internal(format!("stored safety plan: {e}")))?;
        let plan = SafetyPlan::from_json(&value)
            .map_err(|e| crate::AppError::Internal(format!("stored safety plan: {e}")))?;
        Ok(SafetyPlanView {
            plan,
            updated_at: Some(record.updated_at),
        })
    }

    /// Saves the person's safety plan (validated: at most 20 lines of 300 characters a section).
    /// Naming suicide in a plan records no safety event (see [`decision`]).
    pub async fn save_safety_plan(&self, user: &Me, plan: &SafetyPlan) -> AppResult<()> {
        plan.validate()?;
        let json = serde_json::to_string(plan)
            .map_err(|e| crate::AppError::Internal(format!("safety plan: {e}")))?;
        self.store
            .set_safety_plan(user.id, &json, self.now().timestamp())
            .await?;
        // Through the one decision like every save; its rule for the plan is "no event, no
        // redirect" (a plan names the crisis it is for), so this never asks for support.
        let texts: Vec<&str> = Section::all()
            .into_iter()
            .flat_map(|s| plan.items(s).iter().map(String::as_str))
            .collect();
        let change = Change::Words {
            place: "safety-plan".to_owned(),
            new: texts,
            before: Vec::new(),
        };
        let none = self
            .safety_decision(user, Saving::SafetyPlan, &[change])
            .await;
        debug_assert!(none.is_none());
        Ok(())
    }

    /// Records a safety event of `kind` at `detail` (a reference such as `exercise:12`, never
    /// the person's words).
    pub async fn record_safety_event(
        &self,
        user: &Me,
        kind: &str,
        detail: &str,
    ) -> AppResult<SafetyEvent> {
        Ok(self
            .store
            .record_safety_event(user.id, kind, detail, self.now().timestamp())
            .await?)
    }

    /// The person's safety events, newest first.
    pub async fn safety_events(&self, user: &Me) -> AppResult<Vec<SafetyEvent>> {
        self.safety_events_of(user).await
    }

    /// For a person already authorised: `me`, or someone opened through a
    /// [`crate::ClientView`].
    pub(crate) async fn safety_events_of(&self, user: &User) -> AppResult<Vec<SafetyEvent>> {
        Ok(self.store.safety_events(user.id).await?)
    }
}
