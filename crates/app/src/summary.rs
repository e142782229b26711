//! A session summary: one printable page for a date range, for the person themselves or, per
//! shared category only, for their therapist (each category read goes through the
//! [`ClientView`] of `App::open_for`, which writes the access log).

use crate::insights::InsightsRange;
use crate::{App, AppResult, ClientView, Me};
use chrono::{DateTime, Days, NaiveDate};
use chrono_tz::Tz;
use enough_domain::PersonId;
use enough_domain::ValidationErrors;
use enough_domain::care::Category;
use enough_domain::day::parse_date;
use enough_domain::measures::{instruments, judge_change};
use enough_domain::toolkit::{Approach, Status, change_values};
use enough_store::{Reflection, SafetyEvent, User};

/// The range a summary covers when none is chosen: the last 4 weeks.
pub const SUMMARY_DEFAULT_DAYS: u64 = 28;
/// The longest range a summary may cover, in days (first to last date).
pub const SUMMARY_MAX_DAYS: i64 = 366;

/// The log over the range.
#[derive(Debug, Clone)]
pub struct LogSummary {
    /// Days logged.
    pub days_logged: usize,
    /// Days in the range.
    pub days_in_range: usize,
    /// Mean mood (0–10), when any day was logged.
    pub mean_mood: Option<f64>,
    /// Mean energy (0–10).
    pub mean_energy: Option<f64>,
    /// Mean hours of daylight outside.
    pub mean_daylight: Option<f64>,
    /// Days with a mood (the mean mood's count).
    pub mood_days: usize,
    /// Days with an energy.
    pub energy_days: usize,
    /// Days with daylight.
    pub daylight_days: usize,
    /// The Light & Mood statistics for the range.
    pub insights: std::sync::Arc<InsightsRange>,
}

/// One exercise in the range.
#[derive(Debug, Clone)]
pub struct ExerciseLine {
    /// Its date.
    pub date: NaiveDate,
    /// The exercise's title.
    pub title: String,
    /// Draft, planned or done.
    pub status: Status,
    /// Before/after ratings: (label, before, after).
    pub changes: Vec<(String, f64, f64)>,
}

/// One questionnaire sitting in the range.
#[derive(Debug, Clone)]
pub struct ScoreLine {
    /// Its date.
    pub date: NaiveDate,
    /// The score as shown.
    pub display: String,
    /// The band, if the instrument has bands.
    pub band: Option<String>,
    /// Reliable change since the sitting before, in a sentence.
    pub change: Option<String>,
}

/// One questionnaire's sittings in the range.
#[derive(Debug, Clone)]
pub struct QuestionnaireSummary {
    /// Short name, e.g. PHQ-9.
    pub instrument: String,
    /// The sittings, oldest first.
    pub scores: Vec<ScoreLine>,
    /// Reliable change from the first to the last sitting in the range, in a sentence.
    pub change_in_range: Option<String>,
}

/// Exercises of one approach: `None` when that approach is not shared.
#[derive(Debug, Clone)]
pub struct ExerciseGroup {
    /// The approach.
    pub approach: Approach,
    /// The entries in the range, oldest first.
    pub entries: Option<Vec<ExerciseLine>>,
}

/// Everything in a summary; each `None` means "not shared" (never "nothing").
#[derive(Debug, Clone)]
pub struct SessionSummary {
    /// Whose.
    pub person_email: String,
    /// First date.
    pub from: NaiveDate,
    /// Last date.
    pub to: NaiveDate,
    /// The log.
    pub log: Option<LogSummary>,
    /// Exercises, per approach.
    pub exercises: Vec<ExerciseGroup>,
    /// Questionnaires.
    pub questionnaires: Option<Vec<QuestionnaireSummary>>,
    /// Reflections in the range.
    pub reflections: Option<Vec<Reflection>>,
    /// Safety events in the range.
    pub safety: Option<Vec<SafetyEvent>>,
}

/// Who is reading: the person, or a therapist through the person's [`ClientView`].
enum Reader<'a> {
    Own(&'a User),
    Therapist(&'a ClientView<'a>),
}

/// Reads the typed range (empty: the last 4 weeks up to `today`); errors name `from` or `to`.
pub fn summary_range(
    from: &str,
    to: &str,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut read = |field: &str, raw: &str| {
        if raw.trim().is_empty() {
            return None;
        }
        parse_date(field, raw)
            .map_err(|e| errors.0.extend(e.0))
            .ok()
    };
    let to_date = read("to", to);
    let from_date = read("from", from);
    if !errors.is_empty() {
        return Err(errors);
    }
    let to = to_date.unwrap_or(today);
    let from = match from_date {
        Some(f) => f,
        None => to
            .checked_sub_days(Days::new(SUMMARY_DEFAULT_DAYS - 1))
            .unwrap_or(to),
    };
    if from > to {
        return Err(ValidationErrors::single(
            "from",
            "The start date must not be after the end date.",
        ));
    }
    if (to - from).num_days() >= SUMMARY_MAX_DAYS {
        return Err(ValidationErrors::single(
            "from",
            "A summary can cover at most a year; choose a later start date.",
        ));
    }
    Ok((from, to))
}

/// The mean of the values that are there, and how many there were (missing ones are skipped).
fn mean(values: impl Iterator<Item = Option<f64>>) -> (Option<f64>, usize) {
    let (sum, n) = values
        .flatten()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    ((n > 0).then(|| sum / n as f64), n)
}

impl App {
    /// The person's own summary for the typed range (nothing is logged: it is their data).
    pub async fn own_summary(
        &self,
        person: &Me,
        from: &str,
        to: &str,
    ) -> AppResult<SessionSummary> {
        let (from, to) = summary_range(from, to, self.today(person))?;
        self.summary(Reader::Own(person), from, to).await
    }

    /// A therapist's summary of a linked person: only shared categories, each read logged.
    /// `NotFound` when not linked.
    pub async fn summary_for(
        &self,
        therapist: &Me,
        person_id: PersonId,
        from: &str,
        to: &str,
        address: &str,
    ) -> AppResult<SessionSummary> {
        let view = self.open_for(therapist, person_id, address).await?;
        let (from, to) = summary_range(from, to, view.today())?;
        self.summary(Reader::Therapist(&view), from, to).await
    }

    /// The person when the reader may see `category`, `None` otherwise; a therapist's read
    /// is logged by their view.
    async fn may_read<'r>(
        reader: &'r Reader<'_>,
        category: Category,
        what: &str,
    ) -> AppResult<Option<&'r User>> {
        match reader {
            Reader::Own(person) => Ok(Some(person)),
            Reader::Therapist(view) => view.open_shared(category, what).await,
        }
    }

    async fn summary(
        &self,
        reader: Reader<'_>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<SessionSummary> {
        let what = format!("summary {from}..{to}");
        let in_range = |d: NaiveDate| d >= from && d <= to;

        let log = if let Some(person) = Self::may_read(&reader, Category::Log, &what).await? {
            let insights = self
                .light_mood_insights_of(person, None, Some(from), Some(to))
                .await?;
            let days = &insights.days;
            let (mean_mood, mood_days) = mean(days.iter().map(|d| d.mood.map(f64::from)));
            let (mean_energy, energy_days) = mean(days.iter().map(|d| d.energy.map(f64::from)));
            let (mean_daylight, daylight_days) = mean(days.iter().map(|d| d.daylight_hours()));
            Some(LogSummary {
                days_logged: days.len(),
                days_in_range: usize::try_from((to - from).num_days() + 1).unwrap_or(0),
                mean_mood,
                mean_energy,
                mean_daylight,
                mood_days,
                energy_days,
                daylight_days,
                insights,
            })
        } else {
            None
        };

        let mut exercises = Vec::new();
        let mut journal = None;
        for approach in Approach::ALL {
            let entries = if let Some(person) =
                Self::may_read(&reader, Category::Exercises(approach), &what).await?
            {
                if journal.is_none() {
                    journal = Some(self.journal_of(person, None).await?);
                }
                let mut lines: Vec<ExerciseLine> = journal
                    .iter()
                    .flatten()
                    .filter(|r| r.def.approach == approach && in_range(r.date))
                    .map(|r| ExerciseLine {
                        date: r.date,
                        title: r.def.title.clone(),
                        status: r.status,
                        changes: r
                            .def
                            .changes
                            .iter()
                            .filter_map(|c| {
                                change_values(r.def, c, &r.answers)
                                    .map(|(b, a)| (c.label.clone(), b, a))
                            })
                            .collect(),
                    })
                    .collect();
                lines.reverse();
                Some(lines)
            } else {
                None
            };
            exercises.push(ExerciseGroup { approach, entries });
        }

        let questionnaires =
            if let Some(person) = Self::may_read(&reader, Category::Questionnaires, &what).await? {
                let mut out = Vec::new();
                for inst in instruments() {
                    let history = self.history_of(person, &inst.id).await?;
                    let points: Vec<_> = history
                        .points
                        .iter()
                        .filter(|p| in_range(p.administration.response.date))
                        .collect();
                    if points.is_empty() {
                        continue;
                    }
                    let change_in_range = match (points.first(), points.last()) {
                        (Some(a), Some(b)) if points.len() > 1 => Some(
                            judge_change(
                                inst,
                                a.administration.score.value,
                                b.administration.score.value,
                            )
                            .sentence,
                        ),
                        _ => None,
                    };
                    out.push(QuestionnaireSummary {
                        instrument: inst.short_name.clone(),
                        scores: points
                            .iter()
                            .map(|p| ScoreLine {
                                date: p.administration.response.date,
                                display: p.administration.score.display.clone(),
                                band: p
                                    .administration
                                    .score
                                    .band
                                    .as_ref()
                                    .map(|b| b.label.clone()),
                                change: p.vs_previous.as_ref().map(|c| c.sentence.clone()),
                            })
                            .collect(),
                        change_in_range,
                    });
                }
                Some(out)
            } else {
                None
            };

        let reflections =
            if let Some(person) = Self::may_read(&reader, Category::Reflections, &what).await? {
                let mut list: Vec<Reflection> = self
                    .reflections_of(person)
                    .await?
                    .into_iter()
                    .filter(|r| in_range(r.date))
                    .collect();
                list.reverse();
                Some(list)
            } else {
                None
            };

        let safety = if let Some(person) = Self::may_read(&reader, Category::Safety, &what).await? {
            let tz: Tz = person.time_zone;
            let mut list: Vec<SafetyEvent> = self
                .safety_events_of(person)
                .await?
                .into_iter()
                .filter(|e| {
                    DateTime::from_timestamp(e.at, 0)
                        .is_some_and(|t| in_range(t.with_timezone(&tz).date_naive()))
                })
                .collect();
            list.reverse();
            Some(list)
        } else {
            None
        };

        Ok(SessionSummary {
            person_email: match reader {
                Reader::Own(person) => person.email.clone(),
                Reader::Therapist(view) => view.email().to_owned(),
            },
            from,
            to,
            log,
            exercises,
            questionnaires,
            reflections,
            safety,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ranges_default_to_four_weeks_and_are_checked() {
        let today: NaiveDate = "2026-03-28".parse().unwrap();
        let (from, to) = summary_range("", "", today).unwrap();
        assert_eq!((from.to_string(), to), ("2026-03-01".to_owned(), today));
        let err = summary_range("2026-03-10", "2026-03-01", today).unwrap_err();
        assert!(err.message_for("from").is_some());
        assert!(summary_range("2025-01-01", "2026-03-01", today).is_err());
        assert!(summary_range("2025-03-02", "2026-03-01", today).is_ok());
        assert!(
            summary_range("x", "", today)
                .unwrap_err()
                .message_for("from")
                .is_some()
        );
    }
}
