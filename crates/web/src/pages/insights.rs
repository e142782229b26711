//! The Light & Mood insights page.

use crate::AppState;
use crate::charts;
use crate::error::PageError;
use crate::finding_charts;
use crate::identity::SignedInPage;
use crate::precompressed::{self, KeptPart, Part};
use crate::views::Layout;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Days, NaiveDate};
use enough_app::AppError;
use enough_domain::ValidationErrors;
use enough_domain::day::parse_date;
use enough_domain::light_mood::{Comparison, DaylightLink, Finding};
use enough_domain::light_mood::{MIN_GROUP_DAYS, MIN_PAIRS, Outcome};
use enough_domain::reflection::{
    bounds, carryover_sentence, comparison_headline, daylight_headline, daylight_sentence,
    experiment_sentences, habit_sentence, habits_headline, one, outside_sentences,
};
use serde::Deserialize;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

#[derive(Template)]
#[template(path = "insights.html")]
struct InsightsPage {
    layout: Layout,
    errors: ValidationErrors,
    from: String,
    to: String,
    to_default: String,
    from_label: String,
    to_label: String,
    quick_ranges: Vec<(&'static str, String)>,
    days: usize,
    /// Where a kept part goes ([`precompressed::MARKER`]): the question cards, the days over
    /// time, and the year's daylight when `year_chart`.
    kept: &'static str,
    /// Cards made for this view (the experiment's), after the kept ones.
    cards: Vec<Card>,
    min_group: usize,
    min_pairs: usize,
    year_chart: bool,
    today_label: String,
    reflection_text: String,
    reflection_errors: ValidationErrors,
    /// (date label, text)
    reflections: Vec<(String, String)>,
    /// Where the range form goes (`/insights`, or a therapist's view of a person).
    action: String,
    /// The person looks at their own insights (and can write a reflection).
    own: bool,
    /// Reflections are shown (the person's own, or shared with the viewer).
    show_reflections: bool,
}

/// One question's card: a plain headline per outcome, one picture, and the numbers folded
/// beneath under "How sure is this?".
pub(crate) struct Card {
    /// The heading's id (and the picture's).
    pub id: &'static str,
    pub heading: &'static str,
    pub headlines: Vec<String>,
    pub chart: Option<String>,
    /// The full sentences with every number.
    pub sentences: Vec<String>,
    /// A second, more detailed picture inside the fold.
    pub detail_chart: Option<String>,
    /// A link under the card: (href, words, rest of the sentence).
    pub link: Option<(&'static str, &'static str, &'static str)>,
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// The difference rows of ready comparisons, labelled `label(comparison)`.
fn difference_rows(
    findings: &[(String, &Finding<Comparison>)],
) -> (Vec<finding_charts::Row>, String) {
    let mut rows = Vec::new();
    let mut desc = String::new();
    for (label, f) in findings {
        let Finding::Ready(c) = f else { continue };
        if c.no_spread() {
            continue;
        }
        let (l, h) = bounds(c.low, c.high, 1);
        desc.push_str(&format!(
            "{label}: {} points (95% interval {l} to {h}). ",
            one(c.difference)
        ));
        rows.push(finding_charts::Row {
            label: label.clone(),
            estimate: c.difference,
            low: c.low,
            high: c.high,
            class: match c.outcome {
                Outcome::Mood => "c-mood",
                Outcome::Energy => "c-energy",
            },
        });
    }
    (rows, desc)
}

/// A picture of differences in points, or none when nothing is ready.
pub(crate) fn difference_chart(
    id: &str,
    title: &str,
    what: &str,
    findings: &[(String, &Finding<Comparison>)],
    right: &'static str,
) -> Option<String> {
    let (rows, desc) = difference_rows(findings);
    if rows.is_empty() {
        return None;
    }
    let axis = finding_charts::Axis {
        span: finding_charts::span_for(&rows, 10.0),
        left: "lower",
        right,
        middle: "no difference",
    };
    let desc = format!(
        "{what} Dots are the differences, lines their 95% intervals; a line that crosses the middle includes no difference. {desc}"
    );
    Some(finding_charts::intervals(
        id,
        title,
        desc.trim(),
        &rows,
        &axis,
    ))
}

/// A picture of the daylight links (r from −1 to 1), or none when nothing is ready.
fn daylight_chart(links: &[(String, &Finding<DaylightLink>, &'static str)]) -> Option<String> {
    let mut rows = Vec::new();
    let mut desc = String::new();
    for (label, f, class) in links {
        let Finding::Ready(l) = f else { continue };
        if l.high - l.low < 5e-5 {
            continue;
        }
        let (lo, hi) = bounds(l.low, l.high, 2);
        desc.push_str(&format!(
            "{label}: r = {} (95% interval {lo} to {hi}). ",
            enough_domain::reflection::fixed(l.r, 2)
        ));
        rows.push(finding_charts::Row {
            label: label.clone(),
            estimate: l.r,
            low: l.low,
            high: l.high,
            class,
        });
    }
    if rows.is_empty() {
        return None;
    }
    let axis = finding_charts::Axis {
        span: 1.0,
        left: "opposite",
        right: "together",
        middle: "no link",
    };
    let desc = format!(
        "How closely daylight and each feeling rose and fell together, from −1 (opposite) to 1 (together); lines are 95% intervals, and a line that crosses the middle includes no link. {desc}"
    );
    Some(finding_charts::intervals(
        "daylight-chart",
        "Daylight and how you felt",
        desc.trim(),
        &rows,
        &axis,
    ))
}

/// The experiment's card: its result by plan, or an invitation to start one.
fn experiment_card(views: &[enough_app::ExperimentView]) -> Card {
    let Some(view) = views.last() else {
        return Card {
            id: "experiment-heading",
            heading: "Make it an experiment",
            headlines: vec![
                "Let chance pick which mornings to spend outside, for a fairer answer than comparing days afterwards."
                    .to_owned(),
            ],
            chart: None,
            sentences: Vec::new(),
            detail_chart: None,
            link: Some(("/experiment", "Start an experiment", ": two to eight weeks, a few mornings each week.")),
        };
    };
    let outcomes = &view.analysis.outcomes;
    let findings: Vec<(String, &Finding<Comparison>)> = outcomes
        .iter()
        .map(|o| (capitalised(o.outcome.word()), &o.as_assigned))
        .collect();
    Card {
        id: "experiment-heading",
        heading: "Your experiment",
        headlines: outcomes
            .iter()
            .map(|o| {
                comparison_headline(
                    &o.as_assigned,
                    "morning-light mornings",
                    "as-usual mornings",
                )
            })
            .collect(),
        chart: difference_chart(
            "experiment-chart",
            "The experiment: morning-light mornings against as-usual mornings",
            "Differences on morning-light mornings, by the plan.",
            &findings,
            "higher with light",
        ),
        sentences: outcomes.iter().flat_map(experiment_sentences).collect(),
        detail_chart: None,
        link: Some((
            "/experiment",
            "The experiment",
            ": its plan, today's morning and the full result.",
        )),
    }
}

/// The pictures drawn from one insights result: they depend on nothing else (not on who
/// looks), so they are drawn once per cached result.
struct Pictures {
    outside: Option<String>,
    outside_detail: Option<String>,
    daylight: Option<String>,
    daylight_scatter: String,
    habits: Option<String>,
    over_time: String,
}

/// The comparisons of mornings outside and indoors, each labelled with its outcome.
fn outside_findings(
    insights: &enough_domain::light_mood::LightMoodInsights,
) -> Vec<(String, &Finding<Comparison>)> {
    insights
        .outside_vs_indoor
        .iter()
        .map(|f| match f {
            Finding::Ready(c) => (capitalised(c.outcome.word()), f),
            _ => (String::new(), f),
        })
        .collect()
}

/// Draws every picture of `range`.
fn draw(range: &enough_app::InsightsRange) -> Pictures {
    let insights = &range.insights;
    let none = Finding::NotEnoughDays {
        have: vec![],
        need: MIN_PAIRS,
    };
    let d = &insights.daylight;
    let link = |i: usize| d.get(i).unwrap_or(&none);
    let habit_findings: Vec<(String, &Finding<Comparison>)> = insights
        .habits
        .iter()
        .map(|h| (h.label.to_owned(), &h.mood))
        .collect();
    Pictures {
        outside: difference_chart(
            "outside-chart",
            "Mornings outside against mornings indoors",
            "Differences on outside mornings compared with indoor mornings.",
            &outside_findings(insights),
            "higher outside",
        ),
        outside_detail: charts::groups(&insights.outside_vs_indoor),
        daylight: daylight_chart(&[
            ("Mood, the same day".to_owned(), link(0), "c-mood"),
            ("Mood, the next day".to_owned(), link(2), "c-mood"),
            ("Energy, the same day".to_owned(), link(1), "c-energy"),
            ("Energy, the next day".to_owned(), link(3), "c-energy"),
        ]),
        daylight_scatter: charts::daylight_scatter(&range.days),
        habits: difference_chart(
            "habits-chart",
            "Mood with and without each habit",
            "Differences in mood on days with each habit compared with days without it.",
            &habit_findings,
            "higher with it",
        ),
        over_time: charts::over_time(&range.days, range.from, range.to),
    }
}

/// What every view of one insights result shares, made once and kept with the result
/// ([`enough_app::Derived`]): its pictures, its cards as HTML in each voice, and the year's
/// daylight for the last place it was drawn for.
#[derive(Default)]
struct Kept {
    pictures: OnceLock<Pictures>,
    own: OnceLock<Sections>,
    theirs: OnceLock<Sections>,
    /// The year's daylight, for the last place it was drawn for.
    year: Mutex<Option<YearAt>>,
}

/// The year's daylight chart and where it was drawn for: (latitude, longitude) as bits.
type YearAt = ((u64, u64), Arc<KeptPart>);

/// The parts of the page that follow from the result alone, in one voice.
struct Sections {
    /// The question cards (mornings outside, daylight, habits).
    cards: KeptPart,
    /// The days over time, with the carry-over sentences.
    time: KeptPart,
}

#[derive(Template)]
#[template(path = "insights_cards.html")]
struct CardsHtml<'a> {
    cards: &'a [Card],
}

#[derive(Template)]
#[template(path = "insights_time.html")]
struct TimeHtml<'a> {
    over_time: &'a str,
    carryover: &'a [String],
}

/// Renders a part; a failure (none is known) leaves a plain line in its place.
fn rendered(template: &impl Template) -> KeptPart {
    KeptPart::new(
        template
            .render()
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "an insights section failed to render");
                "<p>This part could not be shown.</p>".to_owned()
            })
            .into_bytes(),
    )
}

/// The cards and the days over time of `range`, in the person's voice (`own`) or their
/// therapist's.
fn sections(range: &enough_app::InsightsRange, pictures: &Pictures, own: bool) -> Sections {
    let insights = &range.insights;
    // A therapist reads findings about the person, not addressed to them.
    let voice = |list: Vec<String>| -> Vec<String> {
        if own {
            list
        } else {
            list.iter().map(|s| crate::views::their_voice(s)).collect()
        }
    };
    let (outside, daylight, habits) = sentences(insights);
    let outside_card = Card {
        id: "outside-heading",
        heading: "Mornings outside and indoors",
        headlines: {
            let mut h: Vec<String> = insights
                .outside_vs_indoor
                .iter()
                .map(|f| comparison_headline(f, "outside mornings", "indoor mornings"))
                .collect();
            h.dedup();
            voice(h)
        },
        chart: pictures.outside.clone(),
        sentences: voice(outside),
        detail_chart: pictures.outside_detail.clone(),
        link: None,
    };
    let none = Finding::NotEnoughDays {
        have: vec![],
        need: MIN_PAIRS,
    };
    let d = &insights.daylight;
    let link = |i: usize| d.get(i).unwrap_or(&none);
    let daylight_card = Card {
        id: "daylight-heading",
        heading: "Daylight and how you felt",
        headlines: voice(vec![
            daylight_headline(link(0), link(2), "mood"),
            daylight_headline(link(1), link(3), "energy"),
        ]),
        chart: pictures.daylight.clone(),
        sentences: voice(daylight),
        detail_chart: Some(pictures.daylight_scatter.clone()),
        link: None,
    };
    let habits_card = Card {
        id: "habits-heading",
        heading: "Seasonal habits",
        headlines: voice(vec![habits_headline(&insights.habits)]),
        chart: pictures.habits.clone(),
        sentences: voice(habits),
        detail_chart: None,
        link: None,
    };
    let carryover = voice(vec![
        carryover_sentence("mood", &insights.mood_carryover),
        carryover_sentence("energy", &insights.energy_carryover),
    ]);
    Sections {
        cards: rendered(&CardsHtml {
            cards: &[outside_card, daylight_card, habits_card],
        }),
        time: rendered(&TimeHtml {
            over_time: &pictures.over_time,
            carryover: &carryover,
        }),
    }
}

/// Whose insights are shown, and to whom.
pub(crate) enum Whose<'a> {
    /// The person themself.
    Own(&'a enough_app::Me),
    /// A linked person, opened for their therapist: each read checks consent and is logged.
    Client(&'a enough_app::ClientView<'a>),
}

impl Whose<'_> {
    async fn insights(
        &self,
        state: &AppState,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<std::sync::Arc<enough_app::InsightsRange>, AppError> {
        match self {
            Whose::Own(user) => state.app.light_mood_insights(user, from, to).await,
            Whose::Client(client) => client.insights(from, to).await,
        }
    }

    fn today(&self, state: &AppState) -> NaiveDate {
        match self {
            Whose::Own(user) => state.app.today(user),
            Whose::Client(client) => client.today(),
        }
    }

    async fn location(&self, state: &AppState) -> Result<Option<enough_store::Location>, AppError> {
        match self {
            Whose::Own(user) => state.app.location(user).await,
            Whose::Client(client) => client.location().await,
        }
    }

    async fn reflections(
        &self,
        state: &AppState,
    ) -> Result<Vec<enough_store::Reflection>, AppError> {
        match self {
            Whose::Own(user) => state.app.reflections(user).await,
            Whose::Client(client) => client.reflections().await,
        }
    }
}

/// Who is looking at whose insights.
pub(crate) struct InsightsView<'a> {
    /// The page's layout (the viewer's).
    pub layout: Layout,
    /// Whose data, and through which door.
    pub whose: Whose<'a>,
    /// The range form's action.
    pub action: String,
    /// The person themself.
    pub own: bool,
    /// Whether their reflections may be shown.
    pub show_reflections: bool,
    /// The request's headers (whether it takes gzip).
    pub request: &'a axum::http::HeaderMap,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RangeQuery {
    pub(crate) from: String,
    pub(crate) to: String,
}

/// Parses an optional date field, collecting its error.
pub(crate) fn optional_date(
    field: &str,
    raw: &str,
    errors: &mut ValidationErrors,
) -> Option<NaiveDate> {
    if raw.trim().is_empty() {
        return None;
    }
    parse_date(field, raw)
        .map_err(|e| errors.0.extend(e.0))
        .ok()
}

/// Every sentence of the reflection, grouped as the page shows them.
pub(crate) fn sentences(
    insights: &enough_domain::light_mood::LightMoodInsights,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut outside: Vec<String> = insights
        .outside_vs_indoor
        .iter()
        .flat_map(outside_sentences)
        .collect();
    // "Not enough days yet" reads the same for mood and energy: say it once.
    outside.dedup();
    let daylight = insights
        .daylight
        .iter()
        .zip([
            (Outcome::Mood, 0),
            (Outcome::Energy, 0),
            (Outcome::Mood, 1),
            (Outcome::Energy, 1),
        ])
        .map(|(f, (o, lag))| daylight_sentence(f, o.word(), lag))
        .collect();
    let habits = insights.habits.iter().map(habit_sentence).collect();
    (outside, daylight, habits)
}

pub async fn page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: axum::http::HeaderMap,
    Query(query): Query<RangeQuery>,
) -> Result<Response, PageError> {
    insights_page(
        &state,
        &signed_in,
        &headers,
        &query,
        None,
        ValidationErrors::default(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReflectionForm {
    csrf: String,
    date: String,
    text: String,
}

/// Saves the person's reflection; on a problem the page comes back with their words kept.
pub async fn save_reflection(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: axum::http::HeaderMap,
    axum_extra::extract::Form(form): axum_extra::extract::Form<ReflectionForm>,
) -> Result<Response, PageError> {
    crate::csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state
        .app
        .save_reflection(&signed_in.user, &form.date, &form.text)
        .await
    {
        Ok((_, support)) => Ok(crate::support::or_support(
            &headers,
            support.as_ref(),
            || {
                axum::response::IntoResponse::into_response(axum::response::Redirect::to(
                    "/insights#reflect-heading",
                ))
            },
        )),
        Err(AppError::Validation(errors)) => {
            insights_page(
                &state,
                &signed_in,
                &headers,
                &RangeQuery::default(),
                Some(form.text),
                errors,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn insights_page(
    state: &AppState,
    signed_in: &enough_app::SignedIn,
    request: &axum::http::HeaderMap,
    query: &RangeQuery,
    reflection_text: Option<String>,
    reflection_errors: ValidationErrors,
) -> Result<Response, PageError> {
    let view = InsightsView {
        layout: Layout::signed_in("Light & Mood", signed_in, "insights"),
        whose: Whose::Own(&signed_in.user),
        action: "/insights".to_owned(),
        own: true,
        show_reflections: true,
        request,
    };
    insights_for(state, view, query, reflection_text, reflection_errors).await
}

/// The insights page for `view.person`, as `view` says who is looking.
pub(crate) async fn insights_for(
    state: &AppState,
    view: InsightsView<'_>,
    query: &RangeQuery,
    reflection_text: Option<String>,
    reflection_errors: ValidationErrors,
) -> Result<Response, PageError> {
    let whose = &view.whose;
    let mut errors = ValidationErrors::default();
    let from = optional_date("from", &query.from, &mut errors);
    let to = optional_date("to", &query.to, &mut errors);
    let (from, to) = if errors.is_empty() {
        (from, to)
    } else {
        (None, None)
    };
    let range = match whose.insights(state, from, to).await {
        Ok(range) => range,
        Err(AppError::Validation(e)) => {
            errors.0.extend(e.0);
            whose.insights(state, None, None).await?
        }
        Err(e) => return Err(e.into()),
    };
    let today = whose.today(state);
    let back = |days: u64| {
        today
            .checked_sub_days(Days::new(days - 1))
            .unwrap_or(today)
            .to_string()
    };
    // Made once per cached result; made here again only if another type were kept.
    let fresh;
    let kept = match range.derived.get_or_init(Kept::default) {
        Some(kept) => kept,
        None => {
            fresh = Kept::default();
            &fresh
        }
    };
    let pictures = kept.pictures.get_or_init(|| draw(&range));
    let sections = if view.own {
        kept.own.get_or_init(|| sections(&range, pictures, true))
    } else {
        kept.theirs
            .get_or_init(|| sections(&range, pictures, false))
    };
    let mut cards = Vec::new();
    // The person's own page reads its experiments, location and reflections in one read; a
    // therapist's view opens each category on its own (each checked and logged).
    let extras = match whose {
        Whose::Own(user) => Some(state.app.insights_extras(user).await?),
        Whose::Client(_) => None,
    };
    if let Some(extras) = &extras {
        cards.push(experiment_card(&extras.experiments));
    }
    let status = if errors.is_empty() && reflection_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let location = match &extras {
        Some(extras) => extras.location.clone(),
        None => whose.location(state).await?,
    };
    let year_chart = match &location {
        Some(l) => Some(year_chart(state, whose, &range, l).await?),
        None => None,
    };
    let reflections = if view.show_reflections {
        let label =
            |r: &enough_store::Reflection| (r.date.format("%-d %B %Y").to_string(), r.text.clone());
        match &extras {
            Some(extras) => extras.reflections.iter().map(label).collect(),
            None => whose.reflections(state).await?.iter().map(label).collect(),
        }
    } else {
        Vec::new()
    };
    let page = InsightsPage {
        layout: view.layout,
        errors,
        from: range.from.to_string(),
        to: range.to.to_string(),
        to_default: today.to_string(),
        from_label: range.from.format("%-d %B %Y").to_string(),
        to_label: range.to.format("%-d %B %Y").to_string(),
        quick_ranges: vec![
            ("4 weeks", back(28)),
            ("8 weeks", back(56)),
            ("3 months", back(91)),
            ("1 year", back(365)),
        ],
        days: range.insights.days,
        kept: precompressed::MARKER,
        cards,
        min_group: MIN_GROUP_DAYS,
        min_pairs: MIN_PAIRS,
        year_chart: year_chart.is_some(),
        today_label: today.format("%-d %B").to_string(),
        reflection_text: reflection_text.unwrap_or_default(),
        reflection_errors,
        reflections,
        action: view.action,
        own: view.own,
        show_reflections: view.show_reflections,
    };
    let html = page.render().map_err(|e| {
        tracing::error!(error = %e, "template failed to render");
        AppError::Internal("the insights page failed to render".to_owned())
    })?;
    // The template places the kept parts only when there are days to show.
    let mut inserts = Vec::new();
    if range.insights.days != 0 {
        inserts.push(Part::Kept(&sections.cards));
        inserts.push(Part::Kept(&sections.time));
        if let Some(part) = &year_chart {
            inserts.push(Part::Kept(part));
        }
    }
    let parts = precompressed::around(&html, &inserts).ok_or_else(|| {
        AppError::Internal("the insights page's parts did not fit its template".to_owned())
    })?;
    let mut response = precompressed::response(view.request, "text/html; charset=utf-8", &parts);
    *response.status_mut() = status;
    Ok(response)
}

/// The year's daylight chart, kept with the insights result that holds the year's days (for
/// the last place it was drawn for): the viewed range's when it covers the year, the year's
/// own (a cached result too) when it is shorter.
async fn year_chart(
    state: &AppState,
    whose: &Whose<'_>,
    range: &Arc<enough_app::InsightsRange>,
    location: &enough_store::Location,
) -> Result<Arc<KeptPart>, AppError> {
    let year_start = range
        .to
        .checked_sub_days(Days::new(364))
        .unwrap_or(range.to);
    // The chart reads only dates and daylight, in any order.
    let year = if range.from <= year_start {
        Arc::clone(range)
    } else {
        whose
            .insights(state, Some(year_start), Some(range.to))
            .await?
    };
    let fresh;
    let kept = match year.derived.get_or_init(Kept::default) {
        Some(kept) => kept,
        None => {
            fresh = Kept::default();
            &fresh
        }
    };
    let place = (location.latitude.to_bits(), location.longitude.to_bits());
    let mut slot = kept.year.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((at, part)) = slot.as_ref()
        && *at == place
    {
        return Ok(Arc::clone(part));
    }
    let lengths = enough_domain::solar::day_lengths(
        year_start,
        range.to,
        location.latitude,
        location.longitude,
    );
    let chart = charts::day_length_year(&year.days, &lengths);
    let part = Arc::new(KeptPart::new(chart.into_bytes()));
    *slot = Some((place, Arc::clone(&part)));
    Ok(part)
}
