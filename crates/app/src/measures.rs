//! Questionnaires (check-ins): filling them in, resuming a draft, history with honest change,
//! schedules, and the FHIR export. Scoring and wording live in the domain crate; this module
//! only decides who may see what and what is stored.

use crate::{App, AppError, AppResult, Change, Me, Saving, Support};
use chrono::{DateTime, NaiveDate, Utc};
use enough_domain::measures::{
    ChangeAssessment, Instrument, MeasureChange, Responses, Score, TalkingTherapiesResult,
    complete, fhir, instrument, instruments, judge_change, measure_change, next_due, parse_answers,
    score, talking_therapies,
};
use enough_domain::{ResponseId, ValidationErrors};
use enough_store::{NewResponse, QuestionnaireResponse, SavedResponse, StoreError, User};
use std::collections::BTreeMap;

/// Longest client id accepted, in characters.
pub const CLIENT_ID_MAX: usize = 64;
/// Longest schedule interval, in days.
pub const SCHEDULE_MAX_DAYS: i64 = 365;
/// The instruments included in the FHIR export of everything (those with interchange codes).
const FHIR_INSTRUMENTS: [&str; 3] = ["phq-9", "gad-7", "who-5"];

/// One completed questionnaire with its answers and score.
#[derive(Debug, Clone)]
pub struct Administration {
    /// As stored.
    pub response: QuestionnaireResponse,
    /// The item values, in item order.
    pub answers: Vec<u8>,
    /// The score, scored again from the answers (so a corrected manual corrects old scores).
    pub score: Score,
}

/// An instrument with the person's latest result and schedule, for the list of check-ins.
#[derive(Debug, Clone)]
pub struct InstrumentOverview {
    /// The questionnaire.
    pub instrument: &'static Instrument,
    /// The most recent completion, if any.
    pub latest: Option<Administration>,
    /// "Every N days", if the person set it.
    pub every_days: Option<i64>,
    /// When it is next due, if scheduled.
    pub next_due: Option<NaiveDate>,
    /// Scheduled and due today (or since an earlier day).
    pub due: bool,
    /// Answers of an unfinished sitting, if one was saved.
    pub draft_answered: usize,
}

/// What happened when a questionnaire was submitted.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// As stored (the earlier one when the same client id was sent again).
    pub response: QuestionnaireResponse,
    /// Its score.
    pub score: Score,
    /// A safety item (PHQ-9 item 9) was answered above its lowest value: show support now.
    pub safety: bool,
    /// The same client id and answers were saved before; nothing new was stored.
    pub already_saved: bool,
    /// Support to show now, when the safety decision asks for it (not for a repeat).
    pub support: Option<Support>,
}

/// One administration in a history, with change against the first and the previous one.
#[derive(Debug, Clone)]
pub struct HistoryPoint {
    /// The administration.
    pub administration: Administration,
    /// Change since the first administration (not for the first itself), judged by the rule
    /// that fits the instrument (`judge_change`: NHS Talking Therapies for PHQ-9 and GAD-7).
    pub vs_first: Option<ChangeAssessment>,
    /// Change since the previous administration, judged the same way.
    pub vs_previous: Option<ChangeAssessment>,
    /// NHS Talking Therapies change since the first (PHQ-9 and GAD-7 only).
    pub tt_vs_first: Option<MeasureChange>,
    /// NHS Talking Therapies change since the previous (PHQ-9 and GAD-7 only).
    pub tt_vs_previous: Option<MeasureChange>,
}

/// Every administration of one instrument, oldest first, with change judged honestly.
#[derive(Debug, Clone)]
pub struct MeasureHistory {
    /// The questionnaire.
    pub instrument: &'static Instrument,
    /// Oldest first.
    pub points: Vec<HistoryPoint>,
    /// The paired PHQ-9 + GAD-7 outcome (first against latest), when both were filled in at
    /// least twice. Shown on the PHQ-9 and GAD-7 histories only.
    pub paired: Option<TalkingTherapiesResult>,
}

impl MeasureHistory {
    /// The latest administration's point, if any.
    pub fn latest(&self) -> Option<&HistoryPoint> {
        self.points.last()
    }
}

/// The instrument with this id, or `NotFound`.
fn known(id: &str) -> AppResult<&'static Instrument> {
    instrument(id).ok_or(AppError::NotFound("questionnaire"))
}

/// Checks an idempotency key: 1–64 characters of letters, digits, `-` and `_`.
fn check_client_id(client_id: &str) -> Result<(), ValidationErrors> {
    let ok = !client_id.is_empty()
        && client_id.chars().count() <= CLIENT_ID_MAX
        && client_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(ValidationErrors::single(
            "client_id",
            "The response id must be 1 to 64 letters, digits, - or _ (a new one for each sitting).",
        ))
    }
}

/// Reads stored answers back, scoring them again.
pub(crate) fn administration(response: QuestionnaireResponse) -> AppResult<Administration> {
    let inst = known(&response.instrument)?;
    let answers: Vec<u8> = serde_json::from_str(&response.answers)
        .map_err(|e| AppError::Internal(format!("stored answers {}: {e}", response.id)))?;
    let score = score(inst, &answers)
        .map_err(|e| AppError::Internal(format!("stored answers {}: {e}", response.id)))?;
    Ok(Administration {
        response,
        answers,
        score,
    })
}

/// A whole-number score as the `u8` the Talking Therapies rules take.
fn whole(score: &Score) -> u8 {
    score.value.round().clamp(0.0, 255.0) as u8
}

/// Reads a stored draft (JSON array with nulls), padded or cut to the instrument's length.
fn draft_answers(inst: &Instrument, json: &str) -> Responses {
    let mut answers: Vec<Option<u8>> = serde_json::from_str(json).unwrap_or_default();
    answers.resize(inst.items.len(), None);
    for value in answers.iter_mut() {
        if value.is_some_and(|v| inst.option(v).is_none()) {
            *value = None;
        }
    }
    Responses(answers)
}

/// Parses "every N days" as typed: empty means no schedule.
pub fn parse_every_days(raw: &str) -> Result<Option<i64>, ValidationErrors> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>().map(Some).map_err(|_| {
        ValidationErrors::single(
            "every_days",
            "Choose how often: a whole number of days from 1 to 365, or leave it empty for no reminder.",
        )
    })
}

impl App {
    /// Every instrument with the person's latest result, schedule and whether it is due.
    pub async fn instruments_overview(&self, user: &Me) -> AppResult<Vec<InstrumentOverview>> {
        let responses = self.store.responses(user.id, None).await?;
        let schedules = self.store.schedules(user.id).await?;
        let today = self.today(user);
        let mut list = Vec::new();
        for inst in instruments() {
            let latest = responses
                .iter()
                .rev()
                .find(|r| r.instrument == inst.id)
                .cloned()
                .map(administration)
                .transpose()?;
            let schedule = schedules.iter().find(|s| s.instrument == inst.id);
            let every_days = schedule.map(|s| s.every_days);
            let due_on = schedule.map(|s| {
                let every = u16::try_from(s.every_days).unwrap_or(u16::MAX);
                next_due(latest.as_ref().map(|a| a.response.date), every).unwrap_or(s.since)
            });
            let draft = self.store.questionnaire_draft(user.id, &inst.id).await?;
            list.push(InstrumentOverview {
                instrument: inst,
                latest,
                every_days,
                next_due: due_on,
                due: due_on.is_some_and(|d| d <= today),
                draft_answered: draft
                    .map(|d| draft_answers(inst, &d.answers).0.iter().flatten().count())
                    .unwrap_or(0),
            });
        }
        Ok(list)
    }

    /// The scheduled questionnaires due today or since an earlier day, with the day each
    /// became due.
    pub async fn due(&self, user: &Me) -> AppResult<Vec<(&'static Instrument, NaiveDate)>> {
        Ok(self
            .instruments_overview(user)
            .await?
            .into_iter()
            .filter(|o| o.due)
            .filter_map(|o| o.next_due.map(|d| (o.instrument, d)))
            .collect())
    }

    /// The answers so far of an unfinished sitting (all unanswered when there is none).
    pub async fn questionnaire_draft(&self, user: &Me, id: &str) -> AppResult<Responses> {
        let inst = known(id)?;
        Ok(match self.store.questionnaire_draft(user.id, id).await? {
            Some(draft) => draft_answers(inst, &draft.answers),
            None => Responses(vec![None; inst.items.len()]),
        })
    }

    /// Saves the answers given so far (`item1` … `itemN`, any may be blank) to finish later.
    /// Only answers outside the instrument's values are refused. A safety item answered above
    /// its lowest value leads to support at once, as for a finished sitting.
    pub async fn save_draft(
        &self,
        user: &Me,
        id: &str,
        form: &BTreeMap<String, String>,
    ) -> AppResult<(Responses, Option<Support>)> {
        let inst = known(id)?;
        let (answers, errors) = parse_answers(inst, form);
        errors.into_result(())?;
        self.save_draft_answers(user, inst, answers).await
    }

    /// Saves parsed answers of an unfinished sitting (see [`App::save_draft`]).
    async fn save_draft_answers(
        &self,
        user: &Me,
        inst: &'static Instrument,
        answers: Responses,
    ) -> AppResult<(Responses, Option<Support>)> {
        let json = serde_json::to_string(&answers.0)
            .map_err(|e| AppError::Internal(format!("draft: {e}")))?;
        let mut change = Change::Answers {
            place: format!("questionnaire-draft:{}", inst.id),
            instrument: inst,
            new: answers.0.clone(),
            before: Vec::new(),
        };
        let before = if change.may_trigger() {
            self.questionnaire_draft(user, &inst.id).await?.0
        } else {
            Vec::new()
        };
        self.store
            .save_questionnaire_draft(user.id, &inst.id, &json, self.now().timestamp())
            .await?;
        if let Change::Answers { before: b, .. } = &mut change {
            *b = before;
        }
        let support = self
            .safety_decision(user, Saving::QuestionnaireDraft, &[change])
            .await;
        Ok((answers, support))
    }

    /// Stores a completed sitting. Every item must have an answer; nothing is saved otherwise.
    /// `type_errors` are problems the caller found while reading the input. Sending the same
    /// `client_id` and answers again changes nothing (`already_saved`); other answers under the
    /// same id are a conflict. A PHQ-9 item 9 answer above 0 records a safety event once.
    pub async fn submit(
        &self,
        user: &Me,
        id: &str,
        client_id: &str,
        answers: &Responses,
        type_errors: ValidationErrors,
    ) -> AppResult<Submitted> {
        let inst = known(id)?;
        let mut errors = type_errors;
        if let Err(e) = check_client_id(client_id) {
            errors.0.extend(e.0);
        }
        let values = match complete(inst, answers) {
            Ok(values) => values,
            Err(e) => {
                for problem in e.0 {
                    if errors.message_for(&problem.field).is_none() {
                        errors.0.push(problem);
                    }
                }
                Vec::new()
            }
        };
        // Problems in the order the person meets them: the id, then question by question.
        errors
            .0
            .sort_by_key(|e| match e.field.strip_prefix("item") {
                Some(n) => n.parse::<usize>().unwrap_or(usize::MAX),
                None if e.field == "client_id" => 0,
                None => usize::MAX,
            });
        errors.into_result(())?;
        let scored = score(inst, &values)?;
        let now = self.now();
        let new = NewResponse {
            client_id: client_id.to_owned(),
            instrument: inst.id.clone(),
            answers: serde_json::to_string(&values)
                .map_err(|e| AppError::Internal(format!("answers: {e}")))?,
            date: self.today(user),
            completed_at: now.timestamp(),
        };
        let (response, already_saved) = match self.store.save_response(user.id, &new).await {
            Ok(SavedResponse::Created(r)) => (r, false),
            Ok(SavedResponse::AlreadySaved(r)) => (r, true),
            Err(StoreError::Conflict(_)) => {
                return Err(AppError::Conflict {
                    field: "client_id",
                    message: "Different answers were already saved under this response id; \
                              send a new id for a new sitting."
                        .to_owned(),
                });
            }
            Err(e) => return Err(e.into()),
        };
        let support = if already_saved {
            None
        } else {
            let change = Change::Answers {
                place: format!("questionnaire:{}", response.id),
                instrument: inst,
                new: values.iter().copied().map(Some).collect(),
                before: Vec::new(),
            };
            self.safety_decision(user, Saving::Questionnaire, &[change])
                .await
        };
        Ok(Submitted {
            response,
            safety: scored.safety_flag,
            score: scored,
            already_saved,
            support,
        })
    }

    /// The person's completed sittings of one instrument, oldest first.
    pub async fn administrations(&self, user: &Me, id: &str) -> AppResult<Vec<Administration>> {
        self.administrations_of(user, id).await
    }

    /// For a person already authorised: `me`, or someone opened through a
    /// [`crate::ClientView`].
    pub(crate) async fn administrations_of(
        &self,
        user: &User,
        id: &str,
    ) -> AppResult<Vec<Administration>> {
        known(id)?;
        self.store
            .responses(user.id, Some(id))
            .await?
            .into_iter()
            .map(administration)
            .collect()
    }

    /// One completed sitting of the person (`NotFound` when it is not theirs or not of `id`).
    pub async fn administration(
        &self,
        user: &Me,
        id: &str,
        response_id: ResponseId,
    ) -> AppResult<Administration> {
        self.administration_of(user, id, response_id).await
    }

    /// For a person already authorised: `me`, or someone opened through a
    /// [`crate::ClientView`].
    pub(crate) async fn administration_of(
        &self,
        user: &User,
        id: &str,
        response_id: ResponseId,
    ) -> AppResult<Administration> {
        self.administrations_of(user, id)
            .await?
            .into_iter()
            .find(|a| a.response.id == response_id)
            .ok_or(AppError::NotFound("response"))
    }

    /// Every sitting of one instrument with its change against the first and the previous,
    /// and for PHQ-9/GAD-7 the NHS Talking Therapies view.
    pub async fn history(&self, user: &Me, id: &str) -> AppResult<MeasureHistory> {
        self.history_of(user, id).await
    }

    /// For a person already authorised: `me`, or someone opened through a
    /// [`crate::ClientView`].
    pub(crate) async fn history_of(&self, user: &User, id: &str) -> AppResult<MeasureHistory> {
        let inst = known(id)?;
        let all = self.administrations_of(user, id).await?;
        let first = all.first().map(|a| a.score.clone());
        let mut points = Vec::with_capacity(all.len());
        let mut previous: Option<Score> = None;
        for (i, administration) in all.into_iter().enumerate() {
            let now = &administration.score;
            let against =
                |before: &Option<Score>| -> (Option<ChangeAssessment>, Option<MeasureChange>) {
                    match before {
                        Some(b) if i > 0 => (
                            Some(judge_change(inst, b.value, now.value)),
                            measure_change(&inst.id, whole(b), whole(now)),
                        ),
                        _ => (None, None),
                    }
                };
            let (vs_first, tt_vs_first) = against(&first);
            let (vs_previous, tt_vs_previous) = against(&previous);
            previous = Some(now.clone());
            points.push(HistoryPoint {
                administration,
                vs_first,
                vs_previous,
                tt_vs_first,
                tt_vs_previous,
            });
        }
        let paired = if inst.nhs_talking_therapies.is_some() {
            self.paired_outcome(user).await?
        } else {
            None
        };
        Ok(MeasureHistory {
            instrument: inst,
            points,
            paired,
        })
    }

    /// The paired PHQ-9 + GAD-7 Talking Therapies outcome, first against latest, when each was
    /// filled in at least twice.
    async fn paired_outcome(&self, user: &User) -> AppResult<Option<TalkingTherapiesResult>> {
        let phq9 = self.administrations_of(user, "phq-9").await?;
        let gad7 = self.administrations_of(user, "gad-7").await?;
        if phq9.len() < 2 || gad7.len() < 2 {
            return Ok(None);
        }
        Ok(
            match (phq9.first(), gad7.first(), phq9.last(), gad7.last()) {
                (Some(fp), Some(fg), Some(lp), Some(lg)) => Some(talking_therapies(
                    whole(&fp.score),
                    whole(&fg.score),
                    whole(&lp.score),
                    whole(&lg.score),
                )),
                _ => None,
            },
        )
    }

    /// Sets "every N days" (1–365) for an instrument, or with `None` removes the reminder.
    pub async fn set_schedule(
        &self,
        user: &Me,
        id: &str,
        every_days: Option<i64>,
    ) -> AppResult<()> {
        known(id)?;
        if let Some(n) = every_days
            && !(1..=SCHEDULE_MAX_DAYS).contains(&n)
        {
            return Err(ValidationErrors::single(
                "every_days",
                "Choose how often: a whole number of days from 1 to 365, or leave it empty for no reminder.",
            )
            .into());
        }
        self.store
            .set_schedule(user.id, id, every_days, self.today(user))
            .await?;
        Ok(())
    }

    /// Deletes one of the person's completed sittings.
    pub async fn delete_response(
        &self,
        user: &Me,
        id: &str,
        response_id: ResponseId,
    ) -> AppResult<()> {
        // Checks it is theirs and of this instrument before deleting.
        self.administration(user, id, response_id).await?;
        if self.store.delete_response(user.id, response_id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound("response"))
        }
    }

    /// One sitting as a FHIR R4 `collection` Bundle: the QuestionnaireResponse and its score
    /// Observation.
    pub async fn fhir_response(
        &self,
        user: &Me,
        id: &str,
        response_id: ResponseId,
    ) -> AppResult<serde_json::Value> {
        let a = self.administration(user, id, response_id).await?;
        Ok(fhir::bundle(fhir_resources(user, &a)?))
    }

    /// Every PHQ-9, GAD-7 and WHO-5 sitting of the person as one FHIR R4 Bundle.
    pub async fn fhir_everything(&self, user: &Me) -> AppResult<serde_json::Value> {
        let mut resources = Vec::new();
        for response in self.store.responses(user.id, None).await? {
            if FHIR_INSTRUMENTS.contains(&response.instrument.as_str()) {
                resources.extend(fhir_resources(user, &administration(response)?)?);
            }
        }
        Ok(fhir::bundle(resources))
    }
}

/// The QuestionnaireResponse and Observation of one sitting.
fn fhir_resources(user: &User, a: &Administration) -> AppResult<Vec<serde_json::Value>> {
    let inst = known(&a.response.instrument)?;
    let at: DateTime<Utc> =
        DateTime::from_timestamp(a.response.completed_at, 0).unwrap_or_default();
    let subject = format!("Patient/{}", user.id);
    let qr_id = format!("{}-{}", inst.id, a.response.id);
    let obs_id = format!("{qr_id}-score");
    Ok(vec![
        fhir::questionnaire_response(inst, &a.answers, at, &subject, &qr_id),
        fhir::score_observation(inst, &a.score, at, &subject, &qr_id, &obs_id),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_short_and_plain() {
        assert!(check_client_id("a-b_C9").is_ok());
        assert!(check_client_id("").is_err());
        assert!(check_client_id(&"x".repeat(65)).is_err());
        assert!(check_client_id("has space").is_err());
    }

    #[test]
    fn every_days_parses_blank_as_none() {
        assert_eq!(parse_every_days(" "), Ok(None));
        assert_eq!(parse_every_days("14"), Ok(Some(14)));
        assert!(parse_every_days("often").is_err());
    }
}
