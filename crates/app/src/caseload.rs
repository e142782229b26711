//! The therapist's caseload: one row per linked person, built only from what each person
//! shares, with safety alerts first. Every category read is written to the access log.

use crate::{App, AppError, AppResult, ClientView, EVENT_PHQ9_ITEM9, EVENT_SELF_HARM_LANGUAGE, Me};
use chrono::{DateTime, Days, NaiveDate};
use chrono_tz::Tz;
use enough_domain::PersonId;
use enough_domain::care::{Category, Sharing};
use enough_domain::measures::{ReliableChange, instrument, instruments};
use enough_domain::safety::alert::{
    Origin, PHQ9_ITEM9_ABOUT, questionnaire_sentence, words_sentence,
};
use enough_store::{SafetyEvent, User};

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
    pub person_id: PersonId,
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
    /// The latest recent alert in words (see [`SafetyAlert`]).
    pub latest_alert: Option<SafetyAlert>,
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
    pub async fn caseload(&self, therapist: &Me, address: &str) -> AppResult<Vec<CaseloadRow>> {
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
                latest_alert: None,
                homework: None,
            };
            let view = self.open_for(therapist, person_id, address).await?;
            if let Some(person) = view.open_shared(Category::Log, "caseload").await? {
                row.adherence = Some(self.adherence(person).await?);
            }
            if let Some(person) = view
                .open_shared(Category::Questionnaires, "caseload")
                .await?
            {
                row.scores = Some(self.latest_scores(person).await?);
            }
            if let Some(person) = view.open_shared(Category::Safety, "caseload").await? {
                let since = self.now().timestamp() - ALERT_DAYS * 86_400;
                let events = self.safety_events_of(person).await?;
                let recent: Vec<_> = events.iter().filter(|e| e.at >= since).collect();
                row.alerts = Some((recent.len(), recent.first().map(|e| e.at)));
                if let Some(latest) = recent.first() {
                    row.latest_alert = self
                        .describe_alerts(&view, vec![(*latest).clone()], "caseload")
                        .await?
                        .pop();
                }
            }
            row.homework = self.homework_counts(therapist, &view, "caseload").await?;
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
    pub(crate) async fn adherence(&self, person: &User) -> AppResult<(usize, usize)> {
        let today = self.today(person);
        let from = today.checked_sub_days(Days::new(27)).unwrap_or(today);
        let week = today.checked_sub_days(Days::new(6)).unwrap_or(today);
        let days = self.days_of(person, Some(from), Some(today)).await?;
        Ok((days.iter().filter(|d| d.date >= week).count(), days.len()))
    }

    /// The latest score of every questionnaire the person has filled in.
    pub(crate) async fn latest_scores(&self, person: &User) -> AppResult<Vec<LatestScore>> {
        let mut out = Vec::new();
        for inst in instruments() {
            let history = self.history_of(person, &inst.id).await?;
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

    /// Safety events in a therapist's words, newest first as given, read through `view` (no
    /// alerts unless the person shares their safety events). The answer, the exercise's name
    /// or the person's words are read only from categories the person shares with this
    /// therapist, each opened (and its read logged) at most once per view; from anything
    /// unshared the alert says only what the event itself records, with no link.
    pub(crate) async fn describe_alerts(
        &self,
        view: &ClientView<'_>,
        events: Vec<SafetyEvent>,
        what: &str,
    ) -> AppResult<Vec<SafetyAlert>> {
        let Some(person) = view.open_shared(Category::Safety, what).await? else {
            return Ok(Vec::new());
        };
        let tz: Tz = person.time_zone;
        let mut out = Vec::with_capacity(events.len());
        for event in events {
            let origin = Origin::parse(&event.detail);
            let event_date = DateTime::from_timestamp(event.at, 0)
                .map(|t| t.with_timezone(&tz).date_naive())
                .unwrap_or_default();
            let mut alert = SafetyAlert {
                sentence: String::new(),
                href: None,
                link_text: "",
                quote: None,
                event,
            };
            let base = format!("/care/people/{}", person.id);
            match (alert.event.kind.as_str(), origin) {
                (EVENT_PHQ9_ITEM9, _) => {
                    let phq9 = instrument("phq-9");
                    let lowest = phq9
                        .and_then(|i| i.options.first())
                        .map_or("Not at all", |o| o.label.as_str());
                    let mut answer = None;
                    let mut date = event_date;
                    if let Origin::Questionnaire(id) = origin
                        && let Some(person) =
                            view.open_shared(Category::Questionnaires, what).await?
                    {
                        match self.administration_of(person, "phq-9", id).await {
                            Ok(a) => {
                                date = a.response.date;
                                answer = a.answers.get(8).and_then(|v| {
                                    phq9?
                                        .options
                                        .iter()
                                        .find(|o| o.value == *v)
                                        .map(|o| o.label.clone())
                                });
                                alert.href = Some(format!("{base}/measures"));
                                alert.link_text = "See their answers";
                            }
                            Err(AppError::NotFound(_)) => {}
                            Err(e) => return Err(e),
                        }
                    }
                    alert.sentence = questionnaire_sentence(
                        "PHQ-9",
                        9,
                        Some(PHQ9_ITEM9_ABOUT),
                        answer.as_deref(),
                        lowest,
                        date,
                    );
                }
                (EVENT_SELF_HARM_LANGUAGE, Origin::Day(date)) => {
                    alert.sentence = words_sentence(origin, None, date);
                    if let Some(person) = view.open_shared(Category::Log, what).await? {
                        match self.day_of(person, date).await {
                            Ok(day) => alert.quote = day.note.filter(|n| !n.trim().is_empty()),
                            Err(AppError::NotFound(_)) => {}
                            Err(e) => return Err(e),
                        }
                    }
                }
                (EVENT_SELF_HARM_LANGUAGE, Origin::Reflection(date)) => {
                    alert.sentence = words_sentence(origin, None, date);
                    if view
                        .open_shared(Category::Reflections, what)
                        .await?
                        .is_some()
                    {
                        alert.href = Some(format!("{base}/insights"));
                        alert.link_text = "See their reflections";
                    }
                }
                (EVENT_SELF_HARM_LANGUAGE, Origin::Exercise(id)) => {
                    let mut title = None;
                    let mut date = event_date;
                    // Which approach it belongs to decides whether it is shared at all.
                    if view
                        .sharing()
                        .0
                        .iter()
                        .any(|c| matches!(c, Category::Exercises(_)))
                    {
                        match self.exercise_of(person, id).await {
                            Ok(record) => {
                                let category = Category::Exercises(record.def.approach);
                                if view.open_shared(category, what).await?.is_some() {
                                    title = Some(record.def.title.clone());
                                    date = record.date;
                                    alert.href = Some(format!(
                                        "{base}/exercises/{}",
                                        record.def.approach.slug()
                                    ));
                                    alert.link_text = "See the exercise";
                                }
                            }
                            Err(AppError::NotFound(_)) => {}
                            Err(e) => return Err(e),
                        }
                    }
                    alert.sentence = words_sentence(origin, title.as_deref(), date);
                }
                (EVENT_SELF_HARM_LANGUAGE, Origin::Activity(_)) => {
                    alert.sentence = words_sentence(origin, None, event_date);
                }
                (EVENT_SELF_HARM_LANGUAGE, _) => {
                    alert.sentence = words_sentence(Origin::Other, None, event_date);
                }
                _ => {
                    alert.sentence = format!(
                        "A safety alert on {}",
                        enough_domain::safety::alert::short_date(event_date)
                    );
                }
            }
            out.push(alert);
        }
        Ok(out)
    }
}

/// A safety alert as a therapist reads it: a sentence in plain words, and where the answer or
/// the words can be read when that category is shared.
#[derive(Debug, Clone)]
pub struct SafetyAlert {
    /// The stored event (its kind and reference stay for machines, never for pages).
    pub event: SafetyEvent,
    /// What happened, e.g. "PHQ-9 question 9 (…) answered 'Several days' on 30 Nov".
    pub sentence: String,
    /// The therapist's page that shows it, when its category is shared.
    pub href: Option<String>,
    /// What the link says ("See their answers").
    pub link_text: &'static str,
    /// The person's own words, when the log is shared and no page of the therapist's shows
    /// that day's note.
    pub quote: Option<String>,
}
