//! The therapist's side in pages: invitations and the caseload for therapists; accepting an
//! invitation, choosing what to share, ending a link and "who looked at my data" for people;
//! and a therapist's read-only view of one person, category by category. Every read of a
//! person's data goes through the `ClientView` of `App::open_for` (consent check + access log).

use crate::error::PageError;
use crate::identity::{ClientAddress, SignedInPage};
use crate::views::{Layout, render, render_with};
use crate::{AppState, csrf};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono_tz::Tz;
use enough_app::{AppError, CaseloadRow, SignedIn};
use enough_domain::account::Role;
use enough_domain::care::{Category, Sharing};
use enough_domain::measures::ReliableChange;
use enough_domain::safety::plan::Section;
use enough_domain::toolkit::{Answer, Status, catalogue};
use enough_domain::{InvitationId, ValidationErrors};
use enough_domain::{LinkId, PersonId};
use serde::Deserialize;

use super::day::long_date;
use super::insights::{InsightsView, RangeQuery, Whose, insights_for};

/// A moment on the reader's own clock.
fn when(secs: i64, time_zone: Tz) -> String {
    crate::views::local_time(secs, time_zone)
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

/// A category as a checkbox.
struct CategoryChoice {
    key: String,
    title: String,
    description: &'static str,
    checked: bool,
}

fn choices(sharing: &Sharing) -> Vec<CategoryChoice> {
    Category::all()
        .into_iter()
        .map(|c| CategoryChoice {
            key: c.key(),
            title: c.title(),
            description: c.description(),
            checked: sharing.allows(c),
        })
        .collect()
}

fn sharing_from(fields: &[(String, String)]) -> Result<Sharing, ValidationErrors> {
    Sharing::from_keys(
        fields
            .iter()
            .filter(|(k, _)| k == "categories")
            .map(|(_, v)| v.as_str()),
    )
}

/// What a read of a linked person's data gave, or a page (with the therapist's own layout)
/// saying this part is not shared.
fn shared_or<T>(signed_in: &SignedIn, result: Result<T, AppError>) -> Result<T, PageError> {
    result.map_err(|e| match e {
        AppError::Forbidden => PageError::NotShared(crate::error::QuietLayout(Layout::signed_in(
            "Not shared",
            signed_in,
            "care",
        ))),
        other => other.into(),
    })
}

fn is_therapist(signed_in: &SignedIn) -> Result<(), PageError> {
    if signed_in.user.role == Role::Therapist {
        Ok(())
    } else {
        Err(PageError::Forbidden)
    }
}

// ---- therapist: caseload and invitations ----

struct InvitationRow {
    id: InvitationId,
    label: String,
    expires: String,
    state: &'static str,
}

struct CaseloadView {
    person_id: PersonId,
    email: String,
    shared: String,
    adherence: String,
    scores: Vec<String>,
    alert: Option<String>,
    /// The latest alert in words, with the page that shows it when shared.
    latest: Option<(String, Option<(String, &'static str)>)>,
}

fn change_words(change: Option<ReliableChange>) -> &'static str {
    match change {
        Some(ReliableChange::Improved) => " — reliably improved since the first",
        Some(ReliableChange::Deteriorated) => " — reliably worse since the first",
        Some(ReliableChange::NoReliableChange) => " — no reliable change since the first",
        None => "",
    }
}

fn caseload_view(row: &CaseloadRow, time_zone: Tz) -> CaseloadView {
    CaseloadView {
        person_id: row.person_id,
        email: row.email.clone(),
        shared: if row.sharing.0.len() == Category::all().len() {
            "everything".to_owned()
        } else {
            row.sharing
                .0
                .iter()
                .map(|c| c.title_for_therapist())
                .collect::<Vec<_>>()
                .join(", ")
        },
        adherence: match row.adherence {
            Some((week, month)) => format!("{week} of the last 7 days logged, {month} of 28"),
            None => "Log not shared".to_owned(),
        },
        scores: match &row.scores {
            Some(scores) if scores.is_empty() => vec!["No questionnaires yet".to_owned()],
            Some(scores) => scores
                .iter()
                .map(|s| {
                    format!(
                        "{} {}{}{} ({})",
                        s.instrument,
                        s.display,
                        s.band
                            .as_ref()
                            .map(|b| format!(", {b}"))
                            .unwrap_or_default(),
                        change_words(s.change),
                        s.date.format("%-d %b")
                    )
                })
                .collect(),
            None => vec!["Questionnaires not shared".to_owned()],
        },
        alert: match row.alerts {
            Some((n, Some(at))) if n > 0 => Some(format!(
                "{n} safety {} in the last 28 days (latest {})",
                if n == 1 { "alert" } else { "alerts" },
                when(at, time_zone)
            )),
            _ => None,
        },
        latest: row.latest_alert.as_ref().map(|a| {
            (
                format!("Latest: {}.", a.sentence),
                a.href.clone().map(|h| (h, a.link_text)),
            )
        }),
    }
}

#[derive(Template)]
#[template(path = "care_caseload.html")]
struct CaseloadPage {
    layout: Layout,
    rows: Vec<CaseloadView>,
    invitations: Vec<InvitationRow>,
    new_code: Option<String>,
    /// The new invitation's full link, from the configured public address.
    new_link: Option<String>,
    errors: ValidationErrors,
}

/// An invitation's full link for a code, from the configured public address (never from the
/// request's `Host`, which the client chooses).
pub(crate) fn join_url(config: &crate::WebConfig, code: &str) -> String {
    format!("{}/join?code={code}", config.public_base())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct CodeQuery {
    code: String,
}

async fn caseload_page(
    state: &AppState,
    signed_in: &SignedIn,
    address: &str,
    new_code: Option<String>,
    errors: ValidationErrors,
) -> Result<Response, PageError> {
    is_therapist(signed_in)?;
    let rows = state.app.caseload(&signed_in.user, address).await?;
    let now = state.app.now().timestamp();
    let invitations = state
        .app
        .invitations(&signed_in.user)
        .await?
        .into_iter()
        .map(|i| InvitationRow {
            id: i.id,
            label: i.label,
            expires: when(i.expires_at, signed_in.user.time_zone),
            state: if i.used_at.is_some() {
                "accepted"
            } else if i.revoked_at.is_some() {
                "withdrawn"
            } else if i.expires_at <= now {
                "expired"
            } else {
                "open"
            },
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_with(
        status,
        &CaseloadPage {
            layout: Layout::signed_in("Caseload", signed_in, "care"),
            rows: rows
                .iter()
                .map(|r| caseload_view(r, signed_in.user.time_zone))
                .collect(),
            invitations,
            new_link: new_code.as_deref().map(|c| join_url(&state.config, c)),
            new_code,
            errors,
        },
    ))
}

/// The caseload: every linked person, safety alerts first.
pub async fn caseload(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    ClientAddress(address): ClientAddress,
) -> Result<Response, PageError> {
    caseload_page(
        &state,
        &signed_in,
        &address,
        None,
        ValidationErrors::default(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct InvitationForm {
    csrf: String,
    label: String,
}

/// Creates an invitation and shows its code once.
pub async fn create_invitation(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<InvitationForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state
        .app
        .create_invitation(&signed_in.user, &form.label)
        .await
    {
        Ok((_, code)) => {
            caseload_page(
                &state,
                &signed_in,
                &address,
                Some(code),
                ValidationErrors::default(),
            )
            .await
        }
        Err(AppError::Validation(errors)) => {
            caseload_page(&state, &signed_in, &address, None, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Withdraws an unused invitation.
pub async fn revoke_invitation(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(id): Path<InvitationId>,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    state.app.revoke_invitation(&signed_in.user, id).await?;
    Ok(Redirect::to("/care").into_response())
}

// ---- person: accept, share, end, audit ----

#[derive(Template)]
#[template(path = "care_join.html")]
struct JoinPage {
    layout: Layout,
    code: String,
    choices: Vec<CategoryChoice>,
    errors: ValidationErrors,
}

/// The consent page for an invitation link (`/join?code=…`).
pub async fn join_page(
    SignedInPage(signed_in): SignedInPage,
    Query(query): Query<CodeQuery>,
) -> Result<Response, PageError> {
    Ok(render(&JoinPage {
        layout: Layout::signed_in("Link with your therapist", &signed_in, "settings"),
        code: query.code,
        choices: choices(&Sharing::default()),
        errors: ValidationErrors::default(),
    }))
}

/// Accepts an invitation with the categories ticked.
pub async fn join(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, field(&fields, "csrf"))?;
    let code = field(&fields, "code").to_owned();
    let result = match sharing_from(&fields) {
        Ok(sharing) => state
            .app
            .accept_invitation(&signed_in.user, &code, &sharing)
            .await
            .map(drop),
        Err(e) => Err(AppError::Validation(e)),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/sharing?linked=1").into_response()),
        Err(AppError::Validation(errors)) => {
            let sharing = Sharing::from_keys(
                fields
                    .iter()
                    .filter(|(k, _)| k == "categories")
                    .map(|(_, v)| v.as_str()),
            )
            .unwrap_or_default();
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &JoinPage {
                    layout: Layout::signed_in("Link with your therapist", &signed_in, "settings"),
                    code,
                    choices: choices(&sharing),
                    errors,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

struct LinkView {
    /// How many categories they see now.
    shared_count: usize,
    id: LinkId,
    therapist: String,
    since: String,
    ended: Option<String>,
    choices: Vec<CategoryChoice>,
}

/// One day of "who looked": each therapist once, identical looks folded into one row.
struct AccessDay {
    day: String,
    viewers: Vec<AccessViewer>,
}

struct AccessViewer {
    who: String,
    looks: Vec<AccessLook>,
}

/// What was opened, from where; `count` times between `first` and `last` (local clock).
struct AccessLook {
    category: String,
    what: String,
    address: String,
    count: usize,
    first: String,
    last: String,
}

/// Groups the access log (newest first) by the person's day, then by who looked; the same
/// page opened again from the same address that day is one row with a count.
fn group_access_log(log: Vec<enough_store::AccessRecord>, time_zone: Tz) -> Vec<AccessDay> {
    let mut days: Vec<(chrono::NaiveDate, AccessDay)> = Vec::new();
    for a in log {
        let (date, label) = crate::views::local_day(a.at, time_zone);
        let clock = crate::views::local_clock(a.at, time_zone);
        let category = Category::parse(&a.category)
            .map(|c| c.title())
            .unwrap_or(a.category);
        let day = match days.iter_mut().find(|(d, _)| *d == date) {
            Some((_, day)) => day,
            None => {
                days.push((
                    date,
                    AccessDay {
                        day: label,
                        viewers: Vec::new(),
                    },
                ));
                match days.last_mut() {
                    Some((_, day)) => day,
                    None => continue,
                }
            }
        };
        let viewer = match day.viewers.iter().position(|v| v.who == a.viewer_email) {
            Some(i) => &mut day.viewers[i],
            None => {
                day.viewers.push(AccessViewer {
                    who: a.viewer_email,
                    looks: Vec::new(),
                });
                let last = day.viewers.len() - 1;
                &mut day.viewers[last]
            }
        };
        match viewer
            .looks
            .iter_mut()
            .find(|l| l.category == category && l.what == a.what && l.address == a.address)
        {
            // Newest first: a later row in the log is an earlier look.
            Some(look) => {
                look.count += 1;
                look.first = clock;
            }
            None => viewer.looks.push(AccessLook {
                category,
                what: a.what,
                address: a.address,
                count: 1,
                first: clock.clone(),
                last: clock,
            }),
        }
    }
    days.into_iter().map(|(_, day)| day).collect()
}

#[derive(Template)]
#[template(path = "care_sharing.html")]
struct SharingPage {
    layout: Layout,
    links: Vec<LinkView>,
    log: Vec<AccessDay>,
    flash: Option<&'static str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SharingQuery {
    linked: String,
    saved: String,
    ended: String,
}

/// My therapists, what each may see, and who looked at my data.
pub async fn sharing_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Query(query): Query<SharingQuery>,
) -> Result<Response, PageError> {
    let links = state.app.my_therapists(&signed_in.user).await?;
    let log = state.app.access_log(&signed_in.user).await?;
    let flash = if !query.linked.is_empty() {
        Some(
            "You're linked. Your therapist sees only what you ticked, and you can change it here any time.",
        )
    } else if !query.saved.is_empty() {
        Some("Saved. The change applies from your therapist's next click.")
    } else if !query.ended.is_empty() {
        Some("The link has ended. They can no longer see anything of yours.")
    } else {
        None
    };
    Ok(render(&SharingPage {
        layout: Layout::signed_in("Privacy & sharing", &signed_in, "settings"),
        links: links
            .into_iter()
            .map(|l| LinkView {
                id: l.link.id,
                therapist: l.other_email,
                since: when(l.link.created_at, signed_in.user.time_zone),
                ended: l.link.ended_at.map(|t| when(t, signed_in.user.time_zone)),
                shared_count: Sharing::from_stored(&l.link.categories).0.len(),
                choices: choices(&Sharing::from_stored(&l.link.categories)),
            })
            .collect(),
        log: group_access_log(log, signed_in.user.time_zone),
        flash,
    }))
}

/// Changes what one therapist may see.
pub async fn set_sharing(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(id): Path<LinkId>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, field(&fields, "csrf"))?;
    let sharing = sharing_from(&fields).map_err(PageError::Invalid)?;
    state.app.set_sharing(&signed_in.user, id, &sharing).await?;
    Ok(Redirect::to("/sharing?saved=1").into_response())
}

/// Ends a link (either side).
pub async fn end_link(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(id): Path<LinkId>,
    Form(form): Form<super::account::CsrfOnly>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    state.app.end_link(&signed_in.user, id).await?;
    if signed_in.user.role == Role::Therapist {
        Ok(Redirect::to("/care").into_response())
    } else {
        Ok(Redirect::to("/sharing?ended=1").into_response())
    }
}

// ---- therapist: one person ----

struct SectionLink {
    href: String,
    title: String,
}

#[derive(Template)]
#[template(path = "care_person.html")]
struct PersonPage {
    layout: Layout,
    person_id: PersonId,
    link_id: LinkId,
    email: String,
    sections: Vec<SectionLink>,
    not_shared: Vec<String>,
    /// Shipped programmes: (id, title).
    programmes: Vec<(String, String)>,
}

/// A linked person: what they share, with a link per category.
pub async fn person_page(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    Path(person_id): Path<PersonId>,
) -> Result<Response, PageError> {
    let linked = state.app.link_to(&signed_in.user, person_id).await?;
    let mut sections = Vec::new();
    let mut not_shared = Vec::new();
    for c in Category::all() {
        let href = match c {
            Category::Log | Category::Reflections => format!("/care/people/{person_id}/insights"),
            Category::Exercises(a) => format!("/care/people/{person_id}/exercises/{}", a.slug()),
            Category::Questionnaires => format!("/care/people/{person_id}/measures"),
            Category::Safety => format!("/care/people/{person_id}/safety"),
        };
        if linked.sharing.allows(c) {
            if !(c == Category::Reflections && linked.sharing.allows(Category::Log)) {
                sections.push(SectionLink {
                    href,
                    title: c.title_for_therapist(),
                });
            }
        } else {
            not_shared.push(c.title_for_therapist());
        }
    }
    Ok(render(&PersonPage {
        layout: Layout::signed_in(linked.email.clone(), &signed_in, "care"),
        person_id,
        link_id: linked.link.id,
        email: linked.email,
        sections,
        not_shared,
        programmes: enough_domain::programmes::programmes()
            .iter()
            .map(|p| (p.id.clone(), p.title.clone()))
            .collect(),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct AssignProgrammeForm {
    csrf: String,
    programme: String,
}

/// Starts a shipped programme for a linked person.
pub async fn assign_programme(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    headers: HeaderMap,
    Path(person_id): Path<PersonId>,
    Form(form): Form<AssignProgrammeForm>,
) -> Result<Response, PageError> {
    csrf::verify_session(&headers, &signed_in, &form.csrf)?;
    match state
        .app
        .assign_programme(
            &signed_in.user,
            person_id,
            enough_app::ProgrammeChoice::Shipped(form.programme),
        )
        .await
    {
        Ok(_) | Err(AppError::Conflict { .. }) => {
            Ok(Redirect::to(&format!("/care/people/{person_id}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The person's Light & Mood insights, exactly as they see them (read-only).
pub async fn person_insights(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    ClientAddress(address): ClientAddress,
    Path(person_id): Path<PersonId>,
    headers: axum::http::HeaderMap,
    Query(query): Query<RangeQuery>,
) -> Result<Response, PageError> {
    let client = state
        .app
        .open_for(&signed_in.user, person_id, &address)
        .await?;
    let show_reflections = client.shares(Category::Reflections);
    if !client.shares(Category::Log) {
        // Only reflections are shared: show them without the log.
        let reflections = shared_or(&signed_in, client.reflections().await)?;
        return Ok(reflections_only(&signed_in, client.email(), reflections));
    }
    let view = InsightsView {
        layout: Layout::signed_in(
            format!("{} — Light & Mood", client.email()),
            &signed_in,
            "care",
        ),
        whose: Whose::Client(&client),
        action: format!("/care/people/{person_id}/insights"),
        own: false,
        show_reflections,
        request: &headers,
    };
    insights_for(&state, view, &query, None, ValidationErrors::default()).await
}

/// One item of a read-only list: (date, title, [(label, text)]).
type ListItem = (String, String, Vec<(String, String)>);

#[derive(Template)]
#[template(path = "care_list.html")]
struct ListPage {
    layout: Layout,
    intro: String,
    items: Vec<ListItem>,
}

fn reflections_only(
    signed_in: &SignedIn,
    email: &str,
    reflections: Vec<enough_store::Reflection>,
) -> Response {
    let items = reflections
        .into_iter()
        .map(|r| {
            (
                long_date(r.date),
                String::new(),
                vec![(String::new(), r.text)],
            )
        })
        .collect();
    render(&ListPage {
        layout: Layout::signed_in(format!("{email} — reflections"), signed_in, "care"),
        intro: "The daily log is not shared; these are the reflections they share.".to_owned(),
        items,
    })
}

/// The text of one answer, for a read-only view.
pub(crate) fn answer_text(answer: &Answer) -> String {
    match answer {
        Answer::Text(t) => t.clone(),
        Answer::Rating(n) | Answer::Minutes(n) => n.to_string(),
        Answer::YesNo(b) => if *b { "yes" } else { "no" }.to_owned(),
        Answer::Choices(list) => list
            .iter()
            .map(|id| {
                catalogue()
                    .distortion(id)
                    .map(|d| d.name.clone())
                    .unwrap_or_else(|| id.clone())
            })
            .collect::<Vec<_>>()
            .join(", "),
        Answer::Emotions(list) => list
            .iter()
            .map(|e| match e.after {
                Some(after) => format!("{} {} → {}", e.name, e.before, after),
                None => format!("{} {}", e.name, e.before),
            })
            .collect::<Vec<_>>()
            .join("; "),
        Answer::ValueRatings(list) => list
            .iter()
            .map(|v| {
                format!(
                    "{}: important {}, lived {}",
                    v.domain, v.importance, v.lived
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        Answer::Ladder(l) => l
            .sorted()
            .iter()
            .map(|r| format!("{} ({}; {} tries)", r.text, r.suds, r.attempts.len()))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The person's exercises of one approach, read-only.
pub async fn person_exercises(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    ClientAddress(address): ClientAddress,
    Path((person_id, approach)): Path<(PersonId, String)>,
) -> Result<Response, PageError> {
    let approach =
        enough_domain::toolkit::Approach::from_slug(&approach).ok_or(PageError::NotFound)?;
    let client = state
        .app
        .open_for(&signed_in.user, person_id, &address)
        .await?;
    let items = shared_or(&signed_in, client.exercises(&[approach]).await)?
        .into_iter()
        .map(|r| {
            let status = match r.status {
                Status::Draft => " (draft)",
                Status::Planned => " (planned)",
                Status::Done => "",
            };
            let answers = r
                .def
                .steps
                .iter()
                .filter_map(|s| {
                    r.answers
                        .get(&s.id)
                        .map(|a| (s.label.clone(), answer_text(a)))
                })
                .collect();
            (
                long_date(r.date),
                format!("{}{status}", r.def.title),
                answers,
            )
        })
        .collect();
    Ok(render(&ListPage {
        layout: Layout::signed_in(
            format!("{} — {}", client.email(), approach.title()),
            &signed_in,
            "care",
        ),
        intro: "Exercises they saved, newest first, exactly as written.".to_owned(),
        items,
    }))
}

/// The person's questionnaire results.
pub async fn person_measures(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    ClientAddress(address): ClientAddress,
    Path(person_id): Path<PersonId>,
) -> Result<Response, PageError> {
    let client = state
        .app
        .open_for(&signed_in.user, person_id, &address)
        .await?;
    let mut items = Vec::new();
    for history in shared_or(&signed_in, client.questionnaires().await)? {
        let inst = history.instrument;
        for p in history.points.iter().rev() {
            let a = &p.administration;
            let mut lines = vec![(
                "Score".to_owned(),
                format!(
                    "{}{}",
                    a.score.display,
                    a.score
                        .band
                        .as_ref()
                        .map(|b| format!(" (in the range usually called {})", b.label))
                        .unwrap_or_default()
                ),
            )];
            if let Some(c) = &p.vs_first {
                lines.push((
                    "Since the first".to_owned(),
                    crate::views::without_advice(&c.sentence),
                ));
            }
            items.push((long_date(a.response.date), inst.short_name.clone(), lines));
        }
    }
    Ok(render(&ListPage {
        layout: Layout::signed_in(
            format!("{} — questionnaires", client.email()),
            &signed_in,
            "care",
        ),
        intro: "Scores are screening measures, not diagnoses; change is judged against each questionnaire's measurement error.".to_owned(),
        items,
    }))
}

/// The person's safety alerts and safety plan.
pub async fn person_safety(
    State(state): State<AppState>,
    SignedInPage(signed_in): SignedInPage,
    ClientAddress(address): ClientAddress,
    Path(person_id): Path<PersonId>,
) -> Result<Response, PageError> {
    let client = state
        .app
        .open_for(&signed_in.user, person_id, &address)
        .await?;
    let safety = shared_or(&signed_in, client.safety().await)?;
    let plan = safety.plan;
    let alerts = safety
        .alerts
        .into_iter()
        .map(|a| AlertView {
            when: when(a.event.at, signed_in.user.time_zone),
            sentence: a.sentence,
            href: a.href.map(|h| (h, a.link_text)),
            quote: a.quote,
        })
        .collect();
    let plan_lines: Vec<(String, String)> = Section::all()
        .into_iter()
        .filter(|s| !plan.plan.items(*s).is_empty())
        .map(|s| {
            (
                s.title_for_others().to_owned(),
                plan.plan.items(s).join("; "),
            )
        })
        .collect();
    Ok(render(&SafetyPage {
        layout: Layout::signed_in(format!("{} — safety", client.email()), &signed_in, "care"),
        alerts,
        plan_lines,
    }))
}

/// One safety alert on the therapist's safety page.
struct AlertView {
    when: String,
    sentence: String,
    href: Option<(String, &'static str)>,
    quote: Option<String>,
}

#[derive(Template)]
#[template(path = "care_safety.html")]
struct SafetyPage {
    layout: Layout,
    alerts: Vec<AlertView>,
    plan_lines: Vec<(String, String)>,
}
