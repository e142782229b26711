//! Body shapes for the OpenAPI document where the handler has no type of its own to derive
//! `ToSchema` on: request bodies that handlers read field by field (so that every bad field is
//! named in a 422), and answers built with `json!`. Answers with a type of their own derive
//! `ToSchema` beside it. These types are never built; they only describe.

#![allow(dead_code)]

use super::day_json::DayJson;
use enough_app::Support;
use enough_domain::HomeworkId;
use enough_domain::day::Habits;
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};

/// Schemas that must be in the document even where no path names them directly.
#[derive(OpenApi)]
#[openapi(components(schemas(crate::error::ApiErrorBody, Support, Habits, DayInput, SavedDay)))]
pub(crate) struct Components;

/// Every value is optional (null or left out means not known, never zero); a day needs at least one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DayInput {
    /// Hours of daylight exposure, to the quarter hour
    #[schema(minimum = 0, maximum = 24, multiple_of = 0.25)]
    daylight_hours: Option<f64>,
    #[schema(minimum = 0, maximum = 10)]
    energy: Option<u8>,
    #[schema(minimum = 0, maximum = 10)]
    mood: Option<u8>,
    outside_morning: Option<bool>,
    habits: Option<Habits>,
    #[schema(max_length = 2000)]
    note: Option<String>,
}

/// A day as saved, with `support` when the safety decision asks for it.
#[derive(ToSchema)]
pub(crate) struct SavedDay {
    #[serde(flatten)]
    day: DayJson,
    support: Option<Support>,
}

/// `PUT /api/v1/location`: a city, or coordinates.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LocationInput {
    /// e.g. Dublin or Dublin, Ireland (one of the embedded cities)
    city: Option<String>,
    #[schema(minimum = -90, maximum = 90)]
    latitude: Option<f64>,
    #[schema(minimum = -180, maximum = 180)]
    longitude: Option<f64>,
}

/// `PUT /api/v1/reflections/{date}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReflectionInput {
    #[schema(max_length = 5000)]
    text: String,
}

/// `POST /api/v1/experiments`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExperimentInput {
    #[schema(minimum = 2, maximum = 8)]
    weeks: u8,
}

/// `POST /api/v1/experiments/{id}/swap`: swap today's morning with a later one of this week.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SwapInput {
    /// Today's date (the person's local date): the morning to swap
    date: chrono::NaiveDate,
    /// A later morning of the same week whose condition differs
    with: chrono::NaiveDate,
}

/// `POST /api/v1/measures/{id}/responses`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SubmissionInput {
    /// The client's own id for this sitting; a new one per sitting
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    client_id: String,
    /// One value per item, in item order
    answers: Vec<u8>,
}

/// `PUT /api/v1/measures/{id}/draft`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DraftInput {
    /// At most one value per item, in item order
    answers: Vec<Option<u8>>,
}

/// `PUT /api/v1/measures/{id}/schedule`: a reminder every N days, or none with null.
#[derive(Deserialize, ToSchema)]
pub(crate) struct ScheduleInput {
    #[schema(minimum = 1, maximum = 365, required = true)]
    every_days: Option<u16>,
}

/// A FHIR R4 Bundle of type collection.
#[derive(ToSchema)]
#[schema(as = FhirBundle)]
pub(crate) struct FhirBundleDoc {
    #[serde(rename = "resourceType")]
    #[schema(value_type = String, pattern = "^Bundle$")]
    resource_type: (),
    /// Always `collection`
    #[serde(rename = "type")]
    kind: String,
    entry: Vec<serde_json::Value>,
}

/// How far an exercise has come.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ExerciseStatus {
    /// Nothing required
    Draft,
    /// The steps before doing it (only exercises with an 'afterwards' part)
    Planned,
    /// Every required step
    Done,
}

/// `POST /api/v1/exercises` and `PUT /api/v1/exercises/{id}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExerciseInput {
    /// Required when creating; cannot change on update
    kind: Option<String>,
    /// At most one day after today
    date: chrono::NaiveDate,
    /// draft: nothing required. planned: the steps before doing it (only exercises with an 'afterwards' part). done: every required step.
    #[schema(inline)]
    status: ExerciseStatus,
    /// Step id → answer, as in Exercise.answers
    #[schema(value_type = Object)]
    answers: (),
}

/// `PUT /api/v1/safety-plan`: seven sections, each a list of lines (at most 20 lines of at
/// most 300 characters each).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SafetyPlanInput {
    #[schema(max_items = 20)]
    warning_signs: Option<Vec<String>>,
    #[schema(max_items = 20)]
    coping_alone: Option<Vec<String>>,
    #[schema(max_items = 20)]
    distractions: Option<Vec<String>>,
    #[schema(max_items = 20)]
    people_to_ask: Option<Vec<String>>,
    #[schema(max_items = 20)]
    professionals: Option<Vec<String>>,
    #[schema(max_items = 20)]
    safer_surroundings: Option<Vec<String>>,
    #[schema(max_items = 20)]
    reasons_for_living: Option<Vec<String>>,
}

/// `POST /api/v1/activities`: plan an activity.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActivityInput {
    #[schema(min_length = 1, max_length = 200)]
    what: String,
    /// Today or later, at most a year ahead
    date: chrono::NaiveDate,
    /// HH:MM
    #[schema(pattern = "^[0-2][0-9]:[0-5][0-9]$")]
    time: Option<String>,
    kind: enough_domain::activities::ActivityKind,
    /// A life-value id (GET /api/v1/toolkit)
    value: Option<String>,
}

/// `PUT /api/v1/activities/{id}/outcome`: how it went.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutcomeInput {
    done: bool,
    /// Needs done
    #[schema(minimum = 0, maximum = 10)]
    pleasure: Option<u8>,
    /// Needs done
    #[schema(minimum = 0, maximum = 10)]
    achievement: Option<u8>,
    #[schema(minimum = 0, maximum = 10)]
    mood_before: Option<u8>,
    #[schema(minimum = 0, maximum = 10)]
    mood_after: Option<u8>,
    #[schema(max_length = 1000)]
    note: Option<String>,
}

/// One day of a composed programme.
#[derive(Deserialize, ToSchema)]
pub(crate) struct ProgrammeDayInput {
    day: u16,
    title: String,
    text: String,
    /// An exercise id (GET /api/v1/toolkit)
    exercise: Option<String>,
    /// Whether the day asks for the daily log
    log: Option<bool>,
    /// A questionnaire id (GET /api/v1/measures)
    questionnaire: Option<String>,
}

/// `POST /api/v1/care/people/{id}/programmes`: `{programme: id}`, or a composed one
/// `{title, days}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProgrammeAssignment {
    /// A shipped programme's id (GET /api/v1/programmes)
    programme: Option<String>,
    /// The title of a composed programme
    title: Option<String>,
    /// The days of a composed programme
    days: Option<Vec<ProgrammeDayInput>>,
}

/// One homework window and how it stands.
#[derive(ToSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum OccurrenceState {
    Done,
    Started,
    Open,
    StillOpen,
    Later,
}

/// One window of homework.
#[derive(ToSchema)]
pub(crate) struct Occurrence {
    start: chrono::NaiveDate,
    end: chrono::NaiveDate,
    #[schema(inline)]
    state: OccurrenceState,
}

/// Null when not shared. Completion is read from what the person did: logged days, exercises
/// (planned counts as started), questionnaires.
#[derive(ToSchema)]
pub(crate) struct HomeworkProgress {
    done: u32,
    due_so_far: u32,
    total: u32,
    /// e.g. "3 of 7 days logged"
    sentence: String,
    occurrences: Vec<Occurrence>,
}

/// Homework a therapist assigned.
#[derive(ToSchema)]
pub(crate) struct Homework {
    #[schema(value_type = i64)]
    id: HomeworkId,
    /// log, exercise:<exercise id> or questionnaire:<instrument id>
    kind: String,
    title: String,
    /// Where the person does it
    link: String,
    note: String,
    start_date: chrono::NaiveDate,
    end_date: chrono::NaiveDate,
    #[schema(required = true)]
    every_days: Option<u16>,
    assigned_by: Option<String>,
    created_at: i64,
    /// False when the person does not share the category that shows completion
    shared: bool,
    #[schema(required = true)]
    progress: Option<HomeworkProgress>,
}

/// A list of homework, newest first.
#[derive(ToSchema)]
pub(crate) struct HomeworkList {
    homework: Vec<Homework>,
}

/// `POST /api/v1/care/people/{id}/homework`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct HomeworkInput {
    /// log, exercise:<id> (GET /api/v1/toolkit) or questionnaire:<id> (GET /api/v1/measures)
    kind: String,
    /// At most a year from today
    start_date: chrono::NaiveDate,
    /// The due date of one-off work; for "log daily for N days" start + N − 1. Not before
    /// start_date; at most a year after it.
    end_date: chrono::NaiveDate,
    /// Repeat in windows of N days, the last clipped to end_date (the log is always daily)
    #[schema(minimum = 1, maximum = 365)]
    every_days: Option<u16>,
    #[schema(max_length = 500)]
    note: Option<String>,
}

/// Homework as assigned.
#[derive(ToSchema)]
pub(crate) struct AssignedHomework {
    #[schema(value_type = i64)]
    id: HomeworkId,
    kind: String,
    note: String,
    start_date: chrono::NaiveDate,
    end_date: chrono::NaiveDate,
    every_days: Option<u16>,
    created_at: i64,
}

/// `PUT /api/v1/calendar-feed`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CalendarFeedInput {
    /// Daily log reminder, local time HH:MM
    #[schema(pattern = "^[0-2][0-9]:[0-5][0-9]$")]
    reminder_time: String,
}

/// The caller's calendar feed.
#[derive(ToSchema)]
pub(crate) struct CalendarFeed {
    /// …/calendar/<token>.ics, an RFC 5545 feed served without sign-in
    url: String,
    reminder_time: String,
}

/// `POST /api/v1/care/invitations`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct InvitationInput {
    /// Your own note, never shown to the person
    #[schema(max_length = 80)]
    label: Option<String>,
}

/// `POST /api/v1/care/join`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct JoinInput {
    /// 12 letters and digits; spaces and dashes are ignored
    code: String,
    /// log, reflections, exercises:<approach> (cbt, exposure, self-compassion, act,
    /// mindfulness, emotional-core), questionnaires or safety; an empty list shares nothing
    categories: Vec<String>,
}

/// `PUT /api/v1/care/links/{id}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LinkInput {
    /// log, reflections, exercises:<approach> (cbt, exposure, self-compassion, act,
    /// mindfulness, emotional-core), questionnaires or safety
    categories: Vec<String>,
}

/// A questionnaire response as newly stored, with `support` when the safety decision asks.
#[derive(ToSchema)]
pub(crate) struct SavedQuestionnaireResponse {
    #[serde(flatten)]
    response: super::measures::ResponseJson,
    support: Option<Support>,
}

/// A draft as saved, with `support` when the safety decision asks.
#[derive(ToSchema)]
pub(crate) struct SavedDraft {
    #[serde(flatten)]
    draft: super::measures::DraftJson,
    support: Option<Support>,
}

/// An activity as planned or recorded, with `support` when the safety decision asks.
#[derive(ToSchema)]
pub(crate) struct SavedActivity {
    #[serde(flatten)]
    activity: super::steps::ActivityJson,
    support: Option<Support>,
}
