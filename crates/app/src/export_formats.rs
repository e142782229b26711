//! The same export in two more open formats: CSV files (one per kind) in a zip, and a FHIR R4
//! Bundle (daily values as Observations with our documented code system; PHQ-9, GAD-7 and WHO-5
//! as QuestionnaireResponse + score Observation with LOINC codes where they exist).

use crate::{App, AppError, AppResult, Export, Me};
use enough_domain::measures::fhir;
use std::io::Write;

/// What the zip's README says about each file.
const README: &str = "enough export (CSV)\r
\r
One file per kind of data, UTF-8, comma-separated, with a header row. Dates are YYYY-MM-DD,\r
times RFC 3339 (UTC). The JSON export (export.json) holds the same data in one document.\r
Text that begins with = + - @, a tab or a carriage return starts with an extra ' here, so that\r
spreadsheets show it instead of running it as a formula (the JSON export has it as written).\r
\r
days.csv                     date, daylight_hours, energy (0-10), mood (0-10), outside_morning,\r
                             got_outside, moved_my_body, nourishing_food, joyful_activity,\r
                             social_contact (true/false), note\r
reflections.csv              date, text\r
experiments.csv              start, end, weeks, seed, schedule in force (O = morning light, I = as usual), status\r
exercises.csv                kind, date, status (draft/planned/done), created_at, updated_at,\r
                             answers (JSON: step id -> answer, as in the API)\r
questionnaire_responses.csv  instrument, date, completed_at, score, score_display,\r
                             answers (item values in item order, separated by spaces)\r
safety_plan.csv              section, item\r
safety_events.csv            at, kind, detail\r
activities.csv               date, time, what, kind, value, done, pleasure, achievement,\r
                             mood_before, mood_after, note\r
";

fn csv_error(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("csv export: {e}"))
}

/// A cell as written: text that a spreadsheet would run as a formula (it starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading `'`, as OWASP's "CSV Injection" page
/// recommends. Plain numbers (`-3`, `7.5`) are left as they are, so numeric columns stay
/// numbers; none of ours holds a negative value today.
pub(crate) fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = cell.parse::<f64>().is_ok_and(f64::is_finite);
    if risky && !number {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Writes rows (header first) as CSV bytes, every cell through [`neutralise`].
fn csv_file(header: &[&str], rows: Vec<Vec<String>>) -> AppResult<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(csv_error)?;
    for row in rows {
        writer
            .write_record(row.iter().map(|c| neutralise(c).into_owned()))
            .map_err(csv_error)?;
    }
    writer.into_inner().map_err(csv_error)
}

fn files(export: &Export) -> AppResult<Vec<(&'static str, Vec<u8>)>> {
    let days = export
        .days
        .iter()
        .map(|d| {
            vec![
                d.date.clone(),
                // A missing value is an empty cell, never 0.
                d.daylight_hours.map(|h| h.to_string()).unwrap_or_default(),
                d.energy.map(|v| v.to_string()).unwrap_or_default(),
                d.mood.map(|v| v.to_string()).unwrap_or_default(),
                d.outside_morning.map(|v| v.to_string()).unwrap_or_default(),
                d.habits.got_outside.to_string(),
                d.habits.moved_my_body.to_string(),
                d.habits.nourishing_food.to_string(),
                d.habits.joyful_activity.to_string(),
                d.habits.social_contact.to_string(),
                d.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let plan_rows = export
        .safety_plan
        .as_ref()
        .map(|plan| {
            enough_domain::safety::plan::Section::all()
                .into_iter()
                .flat_map(|s| {
                    plan.items(s)
                        .iter()
                        .map(move |item| vec![s.key().to_owned(), item.clone()])
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(vec![
        ("README.txt", README.as_bytes().to_vec()),
        (
            "days.csv",
            csv_file(
                &[
                    "date",
                    "daylight_hours",
                    "energy",
                    "mood",
                    "outside_morning",
                    "got_outside",
                    "moved_my_body",
                    "nourishing_food",
                    "joyful_activity",
                    "social_contact",
                    "note",
                ],
                days,
            )?,
        ),
        (
            "reflections.csv",
            csv_file(
                &["date", "text"],
                export
                    .reflections
                    .iter()
                    .map(|r| vec![r.date.clone(), r.text.clone()])
                    .collect(),
            )?,
        ),
        (
            "experiments.csv",
            csv_file(
                &["start", "end", "weeks", "seed", "schedule", "status"],
                export
                    .experiments
                    .iter()
                    .map(|e| {
                        vec![
                            e.start.clone(),
                            e.end.clone(),
                            e.weeks.to_string(),
                            e.seed.to_string(),
                            e.schedule.clone(),
                            e.status.to_owned(),
                        ]
                    })
                    .collect(),
            )?,
        ),
        (
            "exercises.csv",
            csv_file(
                &[
                    "kind",
                    "date",
                    "status",
                    "created_at",
                    "updated_at",
                    "answers",
                ],
                export
                    .exercises
                    .iter()
                    .map(|e| {
                        vec![
                            e.kind.clone(),
                            e.date.clone(),
                            e.status.to_owned(),
                            e.created_at.clone(),
                            e.updated_at.clone(),
                            e.answers.to_string(),
                        ]
                    })
                    .collect(),
            )?,
        ),
        (
            "questionnaire_responses.csv",
            csv_file(
                &[
                    "instrument",
                    "date",
                    "completed_at",
                    "score",
                    "score_display",
                    "answers",
                ],
                export
                    .questionnaire_responses
                    .iter()
                    .map(|r| {
                        vec![
                            r.instrument.clone(),
                            r.date.clone(),
                            r.completed_at.clone(),
                            r.score.to_string(),
                            r.score_display.clone(),
                            r.answers
                                .iter()
                                .map(u8::to_string)
                                .collect::<Vec<_>>()
                                .join(" "),
                        ]
                    })
                    .collect(),
            )?,
        ),
        (
            "safety_plan.csv",
            csv_file(&["section", "item"], plan_rows)?,
        ),
        (
            "safety_events.csv",
            csv_file(
                &["at", "kind", "detail"],
                export
                    .safety_events
                    .iter()
                    .map(|e| vec![e.at.clone(), e.kind.clone(), e.detail.clone()])
                    .collect(),
            )?,
        ),
    ])
}

impl App {
    /// Everything the person owns as CSV files in a zip (built in memory).
    pub async fn export_csv_zip(&self, user: &Me) -> AppResult<Vec<u8>> {
        let export = self.export(user).await?;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let zip_error = |e: zip::result::ZipError| AppError::Internal(format!("zip: {e}"));
        for (name, bytes) in files(&export)? {
            zip.start_file(name, options).map_err(zip_error)?;
            zip.write_all(&bytes)
                .map_err(|e| AppError::Internal(format!("zip: {e}")))?;
        }
        Ok(zip.finish().map_err(zip_error)?.into_inner())
    }

    /// Everything with an interchange form as one FHIR R4 `collection` Bundle.
    pub async fn export_fhir(&self, user: &Me) -> AppResult<serde_json::Value> {
        let subject = format!("Patient/{}", user.id);
        let mut resources: Vec<serde_json::Value> = Vec::new();
        let mut days = self.store.list_days(user.id, None, None).await?;
        days.reverse();
        for day in &days {
            resources.extend(fhir::day_observations(day, &subject));
        }
        let questionnaires = self.fhir_everything(user).await?;
        if let Some(entries) = questionnaires["entry"].as_array() {
            resources.extend(entries.iter().map(|e| e["resource"].clone()));
        }
        Ok(fhir::bundle(resources))
    }
}

#[cfg(test)]
mod csv_cells {
    use super::neutralise;

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        for (cell, out) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1+cmd", "'+1+cmd"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-3", "-3"),
            ("7.5", "7.5"),
            ("plain text", "plain text"),
        ] {
            assert_eq!(neutralise(cell), out, "{cell}");
        }
    }
}
