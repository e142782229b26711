//! Homework a therapist assigns: what can be assigned, the rules an assignment must follow, and
//! how completion is read from what the person actually did (there is no "mark as done").
//!
//! Everything here is pure: the app gathers the dates on which matching things happened (a
//! logged day, a finished exercise, a completed questionnaire) and these functions turn them
//! into occurrences and kind counts. The words never say "overdue", "missed" or "failed": work
//! whose window has passed is simply "still open, whenever you're ready".

use crate::ValidationErrors;
use crate::care::Category;
use crate::day::parse_date;
use crate::measures::{instrument, instruments};
use crate::toolkit::catalogue;
use chrono::{Days, NaiveDate};

/// Longest note a therapist can write with homework, in characters.
pub const NOTE_MAX: usize = 500;
/// Longest "every N days".
pub const EVERY_DAYS_MAX: i64 = 365;
/// How far ahead homework may start, in days.
pub const START_AHEAD_MAX_DAYS: i64 = 366;
/// How long one piece of homework may run, in days (first to last day).
pub const LENGTH_MAX_DAYS: i64 = 366;
/// How long after its last day unfinished homework is still offered on the home page.
pub const STILL_OPEN_DAYS: i64 = 14;

/// What a piece of homework asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Log the Light & Mood day, daily.
    Log,
    /// Do a toolkit exercise (its catalogue id).
    Exercise(String),
    /// Fill in a questionnaire (its instrument id).
    Questionnaire(String),
    /// Work through a programme (reserved: programmes are not assignable yet).
    Programme(String),
}

impl Kind {
    /// Reads a stored or submitted kind, e.g. `log`, `exercise:thought-record`, `questionnaire:phq-9`.
    /// Only things that exist in the shipped content are accepted.
    pub fn parse(key: &str) -> Option<Kind> {
        let key = key.trim();
        if key == "log" {
            return Some(Kind::Log);
        }
        if let Some(id) = key.strip_prefix("exercise:") {
            return catalogue()
                .exercise(id)
                .map(|e| Kind::Exercise(e.id.clone()));
        }
        if let Some(id) = key.strip_prefix("questionnaire:") {
            return instrument(id).map(|i| Kind::Questionnaire(i.id.clone()));
        }
        None
    }

    /// The stable key, as stored.
    pub fn key(&self) -> String {
        match self {
            Kind::Log => "log".to_owned(),
            Kind::Exercise(id) => format!("exercise:{id}"),
            Kind::Questionnaire(id) => format!("questionnaire:{id}"),
            Kind::Programme(id) => format!("programme:{id}"),
        }
    }

    /// A short title, e.g. "Light & Mood log" or "Thought record".
    pub fn title(&self) -> String {
        match self {
            Kind::Log => "Light & Mood log".to_owned(),
            Kind::Exercise(id) => catalogue()
                .exercise(id)
                .map(|e| e.title.clone())
                .unwrap_or_else(|| id.clone()),
            Kind::Questionnaire(id) => instrument(id)
                .map(|i| format!("{} check-in", i.short_name))
                .unwrap_or_else(|| id.clone()),
            Kind::Programme(id) => format!("Programme {id}"),
        }
    }

    /// Where the person does it.
    pub fn link(&self) -> String {
        match self {
            Kind::Log => "/".to_owned(),
            Kind::Exercise(id) => format!("/toolkit/{id}/new"),
            Kind::Questionnaire(id) => format!("/measures/{id}"),
            Kind::Programme(_) => "/toolkit".to_owned(),
        }
    }

    /// The consent category whose data shows whether it was done.
    pub fn category(&self) -> Option<Category> {
        match self {
            Kind::Log => Some(Category::Log),
            Kind::Exercise(id) => catalogue()
                .exercise(id)
                .map(|e| Category::Exercises(e.approach)),
            Kind::Questionnaire(_) => Some(Category::Questionnaires),
            Kind::Programme(_) => None,
        }
    }

    /// True for exercises with an "afterwards" part, where a plan counts as started.
    pub fn can_be_started(&self) -> bool {
        match self {
            Kind::Exercise(id) => catalogue()
                .exercise(id)
                .is_some_and(|e| e.has_after_steps()),
            _ => false,
        }
    }
}

/// Everything a therapist can assign, as (key, title), in the order the form offers them.
pub fn assignable() -> Vec<(String, String)> {
    let mut out = vec![(Kind::Log.key(), "Light & Mood log, daily".to_owned())];
    for e in &catalogue().exercises {
        let k = Kind::Exercise(e.id.clone());
        out.push((k.key(), format!("Exercise: {}", e.title)));
    }
    for i in instruments() {
        let k = Kind::Questionnaire(i.id.clone());
        out.push((k.key(), format!("Questionnaire: {}", i.short_name)));
    }
    out
}

/// When homework happens: from `start` to `end` inclusive, once or every N days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// First day.
    pub start: NaiveDate,
    /// Last day (the due date of one-off work).
    pub end: NaiveDate,
    /// Repeat every N days; `None` for once.
    pub every_days: Option<i64>,
}

/// An assignment as typed into the form or sent to the API.
#[derive(Debug, Clone, Default)]
pub struct AssignmentText {
    /// `log`, `exercise:<id>` or `questionnaire:<id>`.
    pub kind: String,
    /// First day, `YYYY-MM-DD`; empty for today.
    pub start_date: String,
    /// Last day, `YYYY-MM-DD`; empty for one-off work due on the first day.
    pub end_date: String,
    /// Repeat every N days (empty for once).
    pub every_days: String,
    /// A note to the person.
    pub note: String,
}

/// A valid assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// What.
    pub kind: Kind,
    /// When.
    pub schedule: Schedule,
    /// The note, trimmed.
    pub note: String,
}

impl AssignmentText {
    /// Checks every field against `today` (the person's date), naming each problem's field.
    pub fn validate(&self, today: NaiveDate) -> Result<Assignment, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let kind = Kind::parse(&self.kind);
        if kind.is_none() {
            errors.push(
                "kind",
                "Choose what to assign from the list: the log, an exercise or a questionnaire.",
            );
        }
        let mut date = |field: &str, raw: &str| match parse_date(field, raw) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        };
        // Sensible defaults: no first day means today; no last day means one-off work, due on
        // the first day.
        let start = match self.start_date.trim() {
            "" => Some(today),
            raw => date("start_date", raw),
        };
        let end = match self.end_date.trim() {
            "" => start,
            raw => date("end_date", raw),
        };
        if let Some(start) = start
            && (start - today).num_days() > START_AHEAD_MAX_DAYS
        {
            errors.push(
                "start_date",
                "Homework can start at most a year from today.",
            );
        }
        if let (Some(start), Some(end)) = (start, end) {
            if end < start {
                errors.push("end_date", "The schedule ends before it starts.");
            } else if (end - start).num_days() >= LENGTH_MAX_DAYS {
                errors.push("end_date", "Homework can run for at most a year.");
            }
        }
        let every_days = match self.every_days.trim() {
            "" => None,
            raw => match raw.parse::<i64>() {
                Ok(n) if (1..=EVERY_DAYS_MAX).contains(&n) => Some(n),
                _ => {
                    errors.push(
                        "every_days",
                        format!(
                            "Repeat every: a whole number of days from 1 to {EVERY_DAYS_MAX}, or leave it empty for once."
                        ),
                    );
                    None
                }
            },
        };
        let note = self.note.trim().to_owned();
        let chars = note.chars().count();
        if chars > NOTE_MAX {
            errors.push(
                "note",
                format!("Please keep the note to {NOTE_MAX} characters or fewer (it has {chars})."),
            );
        }
        match (kind, start, end, errors.is_empty()) {
            (Some(kind), Some(start), Some(end), true) => Ok(Assignment {
                kind,
                schedule: Schedule {
                    start,
                    end,
                    every_days,
                },
                note,
            }),
            _ => Err(errors),
        }
    }
}

/// How one occurrence stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Done in its window.
    Done,
    /// Begun (an exercise planned, its "afterwards" part still to come).
    Started,
    /// Its window includes today and it is not done yet.
    Open,
    /// Its window has passed without it being done: still open, whenever the person is ready.
    StillOpen,
    /// Its window has not begun.
    Later,
}

/// One window in which the homework is done once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    /// First day of the window.
    pub start: NaiveDate,
    /// Last day of the window.
    pub end: NaiveDate,
    /// How it stands.
    pub state: State,
}

/// The windows of a schedule: one-off work has one, `[start, end]`; every N days gives
/// `[start + kN, start + kN + N − 1]`, the last one clipped to `end`; the log is daily.
pub fn windows(kind: &Kind, schedule: &Schedule) -> Vec<(NaiveDate, NaiveDate)> {
    let step = match kind {
        Kind::Log => Some(1),
        _ => schedule.every_days,
    };
    let Some(step) = step.filter(|n| *n >= 1) else {
        return vec![(schedule.start, schedule.end)];
    };
    let mut out = Vec::new();
    let mut start = schedule.start;
    while start <= schedule.end && out.len() <= LENGTH_MAX_DAYS as usize {
        let last = start
            .checked_add_days(Days::new(step.unsigned_abs() - 1))
            .unwrap_or(schedule.end)
            .min(schedule.end);
        out.push((start, last));
        match last.succ_opt() {
            Some(next) => start = next,
            None => break,
        }
    }
    out
}

/// Homework's standing: every occurrence, and kind counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Every window, in order.
    pub occurrences: Vec<Occurrence>,
    /// Windows done.
    pub done: usize,
    /// Windows begun by today (today's included).
    pub due_so_far: usize,
    /// Every window.
    pub total: usize,
}

/// Where the homework stands on the person's home page today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Today {
    /// Today's window is open.
    Open,
    /// Begun today's window (a plan saved).
    Started,
    /// Today's window is done — nice.
    Done,
    /// The last window has passed without it being done: still open, whenever you're ready.
    StillOpen,
}

impl Progress {
    /// Where the homework stands today, or `None` when there is nothing to show (not begun,
    /// or finished some time ago). The log's past days never show as still open: a day not
    /// logged is normal.
    pub fn today(&self, kind: &Kind, today: NaiveDate) -> Option<Today> {
        if let Some(o) = self
            .occurrences
            .iter()
            .find(|o| o.start <= today && today <= o.end)
        {
            return Some(match o.state {
                State::Done => Today::Done,
                State::Started => Today::Started,
                _ => Today::Open,
            });
        }
        let last = self.occurrences.last()?;
        let recent = (today - last.end).num_days() <= STILL_OPEN_DAYS;
        match (kind, last.state) {
            (Kind::Log, _) => None,
            (_, State::StillOpen | State::Started) if recent => Some(Today::StillOpen),
            _ => None,
        }
    }

    /// "3 of 7 days logged", "1 of 2 done" — never a percentage, never a streak.
    pub fn sentence(&self, kind: &Kind) -> String {
        match kind {
            Kind::Log => format!(
                "{} of {} {} logged",
                self.done,
                self.total,
                if self.total == 1 { "day" } else { "days" }
            ),
            _ if self.total == 1 => {
                if self.done == 1 {
                    "done".to_owned()
                } else {
                    "not done yet".to_owned()
                }
            }
            _ => format!("{} of {} done", self.done, self.total),
        }
    }
}

/// Reads completion from what happened: `done` are the dates of matching things that count as
/// done (a logged day, a finished exercise, a completed questionnaire), `started` the dates of
/// plans (exercises with an "afterwards" part). A window is done when a done date falls in it;
/// for the last window of work other than the log, doing it later still counts (late is
/// fine), up to `today`.
pub fn progress(
    kind: &Kind,
    schedule: &Schedule,
    done: &[NaiveDate],
    started: &[NaiveDate],
    today: NaiveDate,
) -> Progress {
    let all = windows(kind, schedule);
    let count = all.len();
    let occurrences: Vec<Occurrence> = all
        .into_iter()
        .enumerate()
        .map(|(i, (start, end))| {
            let last_open_end = if i + 1 == count && *kind != Kind::Log {
                end.max(today)
            } else {
                end
            };
            let within = |d: &&NaiveDate| **d >= start && **d <= last_open_end;
            let state = if done.iter().any(|d| within(&d)) {
                State::Done
            } else if started.iter().any(|d| within(&d)) {
                State::Started
            } else if start > today {
                State::Later
            } else if end >= today {
                State::Open
            } else {
                State::StillOpen
            };
            Occurrence { start, end, state }
        })
        .collect();
    Progress {
        done: occurrences
            .iter()
            .filter(|o| o.state == State::Done)
            .count(),
        due_so_far: occurrences.iter().filter(|o| o.start <= today).count(),
        total: occurrences.len(),
        occurrences,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn schedule(start: &str, end: &str, every: Option<i64>) -> Schedule {
        Schedule {
            start: d(start),
            end: d(end),
            every_days: every,
        }
    }

    #[test]
    fn kinds_round_trip_and_unknown_ones_are_refused() {
        for (key, _) in assignable() {
            assert_eq!(Kind::parse(&key).unwrap().key(), key);
        }
        assert!(Kind::parse("exercise:no-such").is_none());
        assert!(Kind::parse("questionnaire:").is_none());
        assert!(Kind::parse("programme:x").is_none());
        assert_eq!(Kind::parse("log").unwrap().category(), Some(Category::Log));
        let tr = Kind::parse("exercise:thought-record").unwrap();
        assert_eq!(tr.link(), "/toolkit/thought-record/new");
        assert!(matches!(tr.category(), Some(Category::Exercises(_))));
        assert!(
            Kind::parse("exercise:behavioural-experiment")
                .unwrap()
                .can_be_started()
        );
        assert_eq!(
            Kind::parse("questionnaire:phq-9").unwrap().category(),
            Some(Category::Questionnaires)
        );
    }

    #[test]
    fn one_off_work_has_one_window() {
        let s = schedule("2026-03-02", "2026-03-09", None);
        let k = Kind::Exercise("thought-record".into());
        assert_eq!(windows(&k, &s), vec![(d("2026-03-02"), d("2026-03-09"))]);
    }

    #[test]
    fn schedules_are_clipped_at_the_end_date() {
        let s = schedule("2026-03-01", "2026-03-10", Some(4));
        let k = Kind::Questionnaire("phq-9".into());
        assert_eq!(
            windows(&k, &s),
            vec![
                (d("2026-03-01"), d("2026-03-04")),
                (d("2026-03-05"), d("2026-03-08")),
                (d("2026-03-09"), d("2026-03-10")),
            ]
        );
        let exact = schedule("2026-03-01", "2026-03-08", Some(4));
        assert_eq!(windows(&k, &exact).len(), 2);
        let single_day = schedule("2026-03-01", "2026-03-01", Some(7));
        assert_eq!(
            windows(&k, &single_day),
            vec![(d("2026-03-01"), d("2026-03-01"))]
        );
    }

    #[test]
    fn the_log_is_daily() {
        let s = schedule("2026-03-01", "2026-03-07", None);
        let w = windows(&Kind::Log, &s);
        assert_eq!(w.len(), 7);
        assert!(w.iter().all(|(a, b)| a == b));
    }

    #[test]
    fn log_completion_counts_logged_days_and_past_days_are_never_still_open_on_the_home_page() {
        let s = schedule("2026-03-01", "2026-03-07", None);
        let logged = [
            d("2026-03-01"),
            d("2026-03-03"),
            d("2026-03-04"),
            d("2026-02-28"),
        ];
        let p = progress(&Kind::Log, &s, &logged, &[], d("2026-03-04"));
        assert_eq!((p.done, p.due_so_far, p.total), (3, 4, 7));
        assert_eq!(p.sentence(&Kind::Log), "3 of 7 days logged");
        assert_eq!(p.occurrences[1].state, State::StillOpen);
        assert_eq!(p.occurrences[4].state, State::Later);
        assert_eq!(p.today(&Kind::Log, d("2026-03-04")), Some(Today::Done));
        assert_eq!(p.today(&Kind::Log, d("2026-03-20")), None);
        let p = progress(&Kind::Log, &s, &logged, &[], d("2026-03-05"));
        assert_eq!(p.today(&Kind::Log, d("2026-03-05")), Some(Today::Open));
    }

    #[test]
    fn exercises_count_done_and_plans_count_as_started() {
        let k = Kind::Exercise("behavioural-experiment".into());
        let s = schedule("2026-03-01", "2026-03-14", Some(7));
        let p = progress(
            &k,
            &s,
            &[d("2026-03-03")],
            &[d("2026-03-09")],
            d("2026-03-10"),
        );
        assert_eq!(p.occurrences[0].state, State::Done);
        assert_eq!(p.occurrences[1].state, State::Started);
        assert_eq!((p.done, p.due_so_far, p.total), (1, 2, 2));
        assert_eq!(p.sentence(&k), "1 of 2 done");
        assert_eq!(p.today(&k, d("2026-03-10")), Some(Today::Started));
    }

    #[test]
    fn unfinished_one_off_work_is_still_open_for_a_while_and_late_work_counts() {
        let k = Kind::Questionnaire("phq-9".into());
        let s = schedule("2026-03-01", "2026-03-05", None);
        let p = progress(&k, &s, &[], &[], d("2026-03-08"));
        assert_eq!(p.occurrences[0].state, State::StillOpen);
        assert_eq!(p.today(&k, d("2026-03-08")), Some(Today::StillOpen));
        assert_eq!(p.today(&k, d("2026-04-30")), None);
        assert_eq!(p.sentence(&k), "not done yet");
        let late = progress(&k, &s, &[d("2026-03-07")], &[], d("2026-03-08"));
        assert_eq!(late.occurrences[0].state, State::Done);
        assert_eq!(late.sentence(&k), "done");
        let before = progress(&k, &s, &[d("2026-02-27")], &[], d("2026-03-08"));
        assert_eq!(before.done, 0);
        let not_yet = progress(&k, &s, &[], &[], d("2026-02-20"));
        assert_eq!(
            (not_yet.due_so_far, not_yet.occurrences[0].state),
            (0, State::Later)
        );
        assert_eq!(not_yet.today(&k, d("2026-02-20")), None);
    }

    #[test]
    fn assignments_name_every_wrong_field_and_nothing_else() {
        let today = d("2026-03-01");
        let ok = AssignmentText {
            kind: "log".into(),
            start_date: "2026-03-01".into(),
            end_date: "2026-03-07".into(),
            every_days: String::new(),
            note: "  Rough numbers are fine. ".into(),
        }
        .validate(today)
        .unwrap();
        assert_eq!(ok.note, "Rough numbers are fine.");
        let err = AssignmentText {
            kind: "exercise:nope".into(),
            start_date: "2026-03-09".into(),
            end_date: "2026-03-02".into(),
            every_days: "0".into(),
            note: "x".repeat(501),
        }
        .validate(today)
        .unwrap_err();
        assert!(err.message_for("kind").is_some());
        assert_eq!(
            err.message_for("end_date"),
            Some("The schedule ends before it starts.")
        );
        assert!(err.message_for("every_days").is_some());
        assert!(err.message_for("note").unwrap().contains("501"));
        let err = AssignmentText {
            kind: "questionnaire:phq-9".into(),
            start_date: "2028-01-01".into(),
            end_date: "soon".into(),
            ..Default::default()
        }
        .validate(today)
        .unwrap_err();
        assert!(err.message_for("start_date").unwrap().contains("year"));
        assert!(err.message_for("end_date").is_some());
    }

    #[test]
    fn one_off_homework_needs_no_last_day_and_no_first_day_means_today() {
        let today = d("2026-03-01");
        let once = AssignmentText {
            kind: "exercise:thought-record".into(),
            start_date: "2026-03-04".into(),
            ..Default::default()
        }
        .validate(today)
        .unwrap();
        assert_eq!(
            (once.schedule.start, once.schedule.end),
            (d("2026-03-04"), d("2026-03-04"))
        );
        let now = AssignmentText {
            kind: "log".into(),
            end_date: "2026-03-07".into(),
            ..Default::default()
        }
        .validate(today)
        .unwrap();
        assert_eq!(now.schedule.start, today);
    }
}
