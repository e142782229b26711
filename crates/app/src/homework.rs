//! Homework: a therapist assigns it to a linked person; completion is read from what the person
//! actually did. The person always sees their own progress; the therapist sees it only for
//! categories the person shares, each read through the [`ClientView`] of `App::open_for` (which
//! writes the access log). Assigning and cancelling need an active link but no shared category.

use crate::{App, AppError, AppResult, ClientView, Me};
use chrono::NaiveDate;
use enough_domain::homework::{AssignmentText, Kind, Progress, Schedule, progress};
use enough_domain::toolkit::Status;
use enough_domain::{HomeworkId, PersonId};
use enough_store::{Homework, NewHomework, User};
use std::collections::BTreeMap;

/// One piece of homework with how it stands.
#[derive(Debug, Clone)]
pub struct HomeworkView {
    /// The stored record.
    pub homework: Homework,
    /// What it asks for.
    pub kind: Kind,
    /// Its schedule.
    pub schedule: Schedule,
    /// Who assigned it (their e-mail address), if that account still exists.
    pub assigned_by: Option<String>,
    /// How it stands; `None` for a therapist when the category is not shared.
    pub progress: Option<Progress>,
}

fn schedule_of(h: &Homework) -> Schedule {
    Schedule {
        start: h.start_date,
        end: h.end_date,
        every_days: h.every_days,
    }
}

impl App {
    /// Assigns homework to a linked person. `NotFound` unless the therapist has an active link
    /// to `person_id`; nothing is written when any field is wrong.
    pub async fn assign_homework(
        &self,
        therapist: &Me,
        person_id: PersonId,
        text: &AssignmentText,
    ) -> AppResult<Homework> {
        self.link_to(therapist, person_id).await?;
        let person = self
            .store
            .user_by_id(person_id)
            .await?
            .ok_or(AppError::NotFound("person"))?;
        let assignment = text.validate(self.today(&person))?;
        Ok(self
            .store
            .create_homework(&NewHomework {
                person_id,
                therapist_id: therapist.id,
                kind: assignment.kind.key(),
                note: assignment.note,
                start_date: assignment.schedule.start,
                end_date: assignment.schedule.end,
                every_days: assignment.schedule.every_days,
                created_at: self.now().timestamp(),
            })
            .await?)
    }

    /// Withdraws homework; only the therapist who assigned it may.
    pub async fn cancel_homework(&self, therapist: &Me, id: HomeworkId) -> AppResult<()> {
        if self
            .store
            .cancel_homework(therapist.id, id, self.now().timestamp())
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound("homework"))
        }
    }

    /// The person's own homework (withdrawn work left out), newest first, with progress.
    pub async fn my_homework(&self, person: &Me) -> AppResult<Vec<HomeworkView>> {
        let today = self.today(person);
        let mut emails: BTreeMap<PersonId, Option<String>> = BTreeMap::new();
        let mut out = Vec::new();
        for h in self.store.homework_of_person(person.id).await? {
            if h.cancelled_at.is_some() {
                continue;
            }
            let Some(kind) = Kind::parse(&h.kind) else {
                continue;
            };
            let assigned_by = match h.therapist_id {
                Some(id) => match emails.get(&id) {
                    Some(e) => e.clone(),
                    None => {
                        let e = self.store.user_by_id(id).await?.map(|u| u.email);
                        emails.insert(id, e.clone());
                        e
                    }
                },
                None => None,
            };
            let schedule = schedule_of(&h);
            let p = self
                .homework_progress(person, &kind, &schedule, today)
                .await?;
            out.push(HomeworkView {
                homework: h,
                kind,
                schedule,
                assigned_by,
                progress: Some(p),
            });
        }
        Ok(out)
    }

    /// The homework this therapist assigned to a linked person (withdrawn work left out), with
    /// progress only where the person shares the category; each category read is logged.
    pub async fn homework_for_therapist(
        &self,
        therapist: &Me,
        person_id: PersonId,
        address: &str,
    ) -> AppResult<Vec<HomeworkView>> {
        let view = self.open_for(therapist, person_id, address).await?;
        let mut out = Vec::new();
        for h in self.store.homework_of_person(person_id).await? {
            if h.cancelled_at.is_some() || h.therapist_id != Some(therapist.id) {
                continue;
            }
            let Some(kind) = Kind::parse(&h.kind) else {
                continue;
            };
            let schedule = schedule_of(&h);
            let progress = self
                .progress_if_shared(&view, &kind, &schedule, "homework")
                .await?;
            out.push(HomeworkView {
                homework: h,
                kind,
                schedule,
                assigned_by: Some(therapist.email.clone()),
                progress,
            });
        }
        Ok(out)
    }

    /// Done / due so far across this therapist's homework for the person, counting only shared
    /// categories (for the caseload), each read through `view` (logged once per view); `None`
    /// when there is no homework.
    pub(crate) async fn homework_counts(
        &self,
        therapist: &Me,
        view: &ClientView<'_>,
        what: &str,
    ) -> AppResult<Option<(usize, usize)>> {
        let mut any = false;
        let (mut done, mut due) = (0, 0);
        for h in self.store.homework_of_person(view.person_id()).await? {
            if h.cancelled_at.is_some() || h.therapist_id != Some(therapist.id) {
                continue;
            }
            let Some(kind) = Kind::parse(&h.kind) else {
                continue;
            };
            any = true;
            if let Some(p) = self
                .progress_if_shared(view, &kind, &schedule_of(&h), what)
                .await?
            {
                done += p.done;
                due += p.due_so_far;
            }
        }
        Ok(any.then_some((done, due)))
    }

    /// Progress for a therapist when the category is shared, opening it through `view`
    /// (which logs the read at most once per view).
    async fn progress_if_shared(
        &self,
        view: &ClientView<'_>,
        kind: &Kind,
        schedule: &Schedule,
        what: &str,
    ) -> AppResult<Option<Progress>> {
        let Some(category) = kind.category() else {
            return Ok(None);
        };
        let Some(person) = view.open_shared(category, what).await? else {
            return Ok(None);
        };
        let today = self.today(person);
        Ok(Some(
            self.homework_progress(person, kind, schedule, today)
                .await?,
        ))
    }

    /// How one piece of homework stands, from the person's own data (no consent check: callers
    /// are the person, or have opened the category).
    async fn homework_progress(
        &self,
        person: &User,
        kind: &Kind,
        schedule: &Schedule,
        today: NaiveDate,
    ) -> AppResult<Progress> {
        let (done, started) = self.evidence(person, kind, schedule.start).await?;
        Ok(progress(kind, schedule, &done, &started, today))
    }

    /// The dates (from `from` on) of things that count for `kind`: done, and started.
    async fn evidence(
        &self,
        person: &User,
        kind: &Kind,
        from: NaiveDate,
    ) -> AppResult<(Vec<NaiveDate>, Vec<NaiveDate>)> {
        Ok(match kind {
            Kind::Log => (
                self.store
                    .list_days(person.id, Some(from), None)
                    .await?
                    .into_iter()
                    .map(|d| d.date)
                    .collect(),
                Vec::new(),
            ),
            Kind::Exercise(id) => {
                let mut done = Vec::new();
                let mut started = Vec::new();
                let counts_started = kind.can_be_started();
                for e in self.store.exercises(person.id, Some(id)).await? {
                    if e.date < from {
                        continue;
                    }
                    match Status::parse(&e.status) {
                        Some(Status::Done) => done.push(e.date),
                        Some(Status::Planned) if counts_started => started.push(e.date),
                        _ => {}
                    }
                }
                (done, started)
            }
            Kind::Questionnaire(id) => (
                self.store
                    .responses(person.id, Some(id))
                    .await?
                    .into_iter()
                    .map(|r| r.date)
                    .filter(|d| *d >= from)
                    .collect(),
                Vec::new(),
            ),
            Kind::Programme(_) => (Vec::new(), Vec::new()),
        })
    }
}
