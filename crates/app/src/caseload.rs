//! The therapist's caseload: one row per linked person, built only from what each person
//! shares, with safety alerts first. Every category read is written to the access log.

use crate::{App, AppResult};
use chrono::{Days, NaiveDate};
use enough_domain::care::{Category, Sharing};
use enough_domain::measures::{ReliableChange, instruments};
use enough_store::User;

/// Days over which recent safety events count as alerts on the caseload.
pub const ALERT_DAYS: i64 = 28;

/// A questionnaire's latest score with the direction of reliable change since the first.
#[derive(Debug, Clone)]
pub struct LatestScore {
    /// Short name, e.g. PHQ-9.
    pub instrument: String,
    /// Instrument id.
    pub instrument_id: String,
    /// The score as shown.
    pub display: String,
    /// The band's label, if the instrument has bands.
    pub band: Option<String>,
    /// Reliable change since the first administration, when there are two or more and the
    /// instrument has an agreed threshold (NHS Talking Therapies for PHQ-9 and GAD-7); `None`
    /// otherwise.
    pub change: Option<ReliableChange>,
    /// Local date of the latest.
    pub date: NaiveDate,
}

/// One linked person on the caseload. `None` means "not shared" (never "zero").
#[derive(Debug, Clone)]
pub struct CaseloadRow {
    /// The person's account id.
    pub person_id: i64,
    /// Their e-mail address.
    pub email: String,
    /// What they share.
    pub sharing: Sharing,
    /// Days logged of the last 7 and of the last 28.
    pub adherence: Option<(usize, usize)>,
    /// Latest questionnaire scores.
    pub scores: Option<Vec<LatestScore>>,
    /// Safety events in the last [`ALERT_DAYS`] days, and the latest one's time.
    pub alerts: Option<(usize, Option<i64>)>,
    /// Homework this therapist assigned: windows done of those due so far, counting only
    /// categories the person shares; `None` when there is no homework.
    pub homework: Option<(usize, usize)>,
}

impl CaseloadRow {
    /// True when a shared safety alert is recent: these rows come first.
    pub fn has_alert(&self) -> bool {
        matches!(self.alerts, Some((n, _)) if n > 0)
    }
}

impl App {
    /// The therapist's caseload, safety alerts first, then by address.
    pub async fn caseload(&self, therapist: &User, address: &str) -> AppResult<Vec<CaseloadRow>> {
        let people = self.linked_people(therapist).await?;
        let mut rows = Vec::with_capacity(people.len());
        for p in people {
            let person_id = p.link.person_id;
            let mut row = CaseloadRow {
                person_id,
                email: p.email.clone(),
                sharing: p.sharing.clone(),
                adherence: None,
                scores: None,
                alerts: None,
                homework: None,
            };
            let mut opened_categories = std::collections::BTreeMap::new();
            if p.sharing.allows(Category::Log) {
                let opened = self
                    .open_for(therapist, person_id, Category::Log, "caseload", address)
                    .await?;
                row.adherence = Some(self.adherence(&opened.person).await?);
                opened_categories.insert(Category::Log, opened.person);
            }
            if p.sharing.allows(Category::Questionnaires) {
                let opened = self
                    .open_for(
                        therapist,
                        person_id,
                        Category::Questionnaires,
                        "caseload",
                        address,
                    )
                    .await?;
                row.scores = Some(self.latest_scores(&opened.person).await?);
                opened_categories.insert(Category::Questionnaires, opened.person);
            }
            if p.sharing.allows(Category::Safety) {
                let opened = self
                    .open_for(therapist, person_id, Category::Safety, "caseload", address)
                    .await?;
                let since = self.now().timestamp() - ALERT_DAYS * 86_400;
                let events = self.safety_events(&opened.person).await?;
                let recent: Vec<_> = events.iter().filter(|e| e.at >= since).collect();
                row.alerts = Some((recent.len(), recent.first().map(|e| e.at)));
            }
            row.homework = self
                .homework_counts(
                    therapist,
                    person_id,
                    &p.sharing,
                    address,
                    &mut opened_categories,
                )
                .await?;
            rows.push(row);
        }
        rows.sort_by(|a, b| {
            b.has_alert()
                .cmp(&a.has_alert())
                .then_with(|| a.email.cmp(&b.email))
        });
        Ok(rows)
    }

    /// Days logged of the last 7 and of the last 28 (today included).
    pub async fn adherence(&self, person: &User) -> AppResult<(usize, usize)> {
        let today = self.today(person);
        let from = today.checked_sub_days(Days::new(27)).unwrap_or(today);
        let week = today.checked_sub_days(Days::new(6)).unwrap_or(today);
        let days = self.days(person, Some(from), Some(today)).await?;
        Ok((days.iter().filter(|d| d.date >= week).count(), days.len()))
    }

    /// The latest score of every questionnaire the person has filled in.
    pub async fn latest_scores(&self, person: &User) -> AppResult<Vec<LatestScore>> {
        let mut out = Vec::new();
        for inst in instruments() {
            let history = self.history(person, &inst.id).await?;
            let Some(latest) = history.latest() else {
                continue;
            };
            out.push(LatestScore {
                instrument: inst.short_name.clone(),
                instrument_id: inst.id.clone(),
                display: latest.administration.score.display.clone(),
                band: latest
                    .administration
                    .score
                    .band
                    .as_ref()
                    .map(|b| b.label.clone()),
                change: latest.vs_first.as_ref().and_then(|c| c.verdict),
                date: latest.administration.response.date,
            });
        }
        Ok(out)
    }
}
