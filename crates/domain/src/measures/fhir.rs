//! FHIR R4 (4.0.1) resources for a completed questionnaire: a QuestionnaireResponse with the
//! answers, an Observation with the total score, and a collection Bundle to carry them.
//!
//! Shapes follow the HL7 Personal Health Record Format IG and the MII PROMs IG examples
//! (see `shared/reference/clinical.md` §2.2):
//! - item `linkId` is the LOINC item code where LOINC has one, else `item-N`. Item `code`s are in
//!   the [`questionnaire`] definition: R4 QuestionnaireResponse.item has no `code` element (the
//!   official schema rejects it), so receivers map via the Questionnaire's item codes;
//! - answers are `valueCoding` with the LOINC answer code (LA…) where one exists, else a code from
//!   this project's own code system (below), always with the scored value in the standard
//!   `ordinalValue` extension;
//! - the score Observation uses the LOINC total-score code (PHQ-9 44261-6, GAD-7 70274-6). The
//!   WHO-5 has no LOINC code; its total uses SNOMED CT 1144665009 "5-item World Health
//!   Organization Well-being Index value (observable entity)", as the Danish KL FHIR IG does.
//!   CPQ and SCS-SF have neither, so they use our own code system.
//!
//! Our own code systems live under [`OWN_BASE`], a deliberately unresolvable `.invalid` address
//! (RFC 2606): a stable, clearly non-official namespace until the project has a published
//! canonical base. Item codes are `item-N` in `…/CodeSystem/<instrument>-items`, answer codes the
//! scored value (`0`…`5`) in `…/CodeSystem/<instrument>-answers`, and total-score codes `total` in
//! `…/CodeSystem/<instrument>-items`.

use super::{Instrument, Item, Score, Scoring};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

/// Base of this project's own FHIR identifiers and code systems.
pub const OWN_BASE: &str = "https://enough.invalid/fhir";
const LOINC: &str = "http://loinc.org";
const SNOMED: &str = "http://snomed.info/sct";
const UCUM: &str = "http://unitsofmeasure.org";
const ORDINAL_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

fn items_system(inst: &Instrument) -> String {
    format!("{OWN_BASE}/CodeSystem/{}-items", inst.id)
}

fn answers_system(inst: &Instrument) -> String {
    format!("{OWN_BASE}/CodeSystem/{}-answers", inst.id)
}

/// The canonical Questionnaire: the LOINC form where LOINC has the panel, else our own.
fn questionnaire_canonical(inst: &Instrument) -> String {
    match &inst.loinc {
        Some(codes) => format!("{LOINC}/q/{}", codes.panel),
        None => format!("{OWN_BASE}/Questionnaire/{}", inst.id),
    }
}

/// The coding for the total score.
fn total_coding(inst: &Instrument) -> Value {
    let display = format!("{} total score", inst.short_name);
    if let Some(codes) = &inst.loinc {
        json!({"system": LOINC, "code": codes.total, "display": display})
    } else if let Some(code) = &inst.snomed_total {
        json!({"system": SNOMED, "code": code, "display": display})
    } else {
        json!({"system": items_system(inst), "code": "total", "display": display})
    }
}

fn rfc3339(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The score as a FHIR value: `valueInteger` for sums, `valueQuantity` for means and for the
/// WHO-5 percentage (Observation has no `valueDecimal`).
fn score_value(inst: &Instrument, score: &Score) -> (&'static str, Value) {
    match &inst.scoring {
        Scoring::Sum => ("valueInteger", json!(score.value.round() as i64)),
        Scoring::Mean => (
            "valueQuantity",
            json!({"value": (score.value * 100.0).round() / 100.0, "unit": "{score}", "system": UCUM, "code": "{score}"}),
        ),
        Scoring::SumTimes { unit, .. } => (
            "valueQuantity",
            json!({"value": score.value, "unit": unit, "system": UCUM, "code": unit}),
        ),
    }
}

/// An item's linkId (LOINC code, else `item-N`) and its coding.
fn item_link_and_code(inst: &Instrument, item: &Item) -> (String, Value) {
    match &item.loinc {
        Some(code) => (
            code.clone(),
            json!({"system": LOINC, "code": code, "display": item.text}),
        ),
        None => {
            let own = format!("item-{}", item.number);
            let coding = json!({"system": items_system(inst), "code": own, "display": item.text});
            (own, coding)
        }
    }
}

/// An answer's coding: the LOINC answer code where one exists, else our own code (the value),
/// always with the scored value in the `ordinalValue` extension.
fn answer_coding(inst: &Instrument, value: u8) -> Value {
    let option = inst.option(value);
    let label = option.map(|o| o.label.clone()).unwrap_or_default();
    let mut coding = match option.and_then(|o| o.loinc_answer.as_ref()) {
        Some(la) => json!({"system": LOINC, "code": la, "display": label}),
        None => {
            json!({"system": answers_system(inst), "code": value.to_string(), "display": label})
        }
    };
    coding["extension"] = json!([{"url": ORDINAL_VALUE, "valueDecimal": value}]);
    coding
}

/// The Questionnaire definition, carrying each item's `code` (R4 puts item codes here, not in the
/// QuestionnaireResponse) and the answer options with their codes. Its `url` is the canonical the
/// QuestionnaireResponse points to.
pub fn questionnaire(inst: &Instrument) -> Value {
    let items: Vec<Value> = inst
        .items
        .iter()
        .map(|item| {
            let (link_id, code) = item_link_and_code(inst, item);
            let options: Vec<Value> = inst
                .options
                .iter()
                .map(|o| json!({"valueCoding": answer_coding(inst, o.value)}))
                .collect();
            json!({
                "linkId": link_id,
                "code": [code],
                "text": item.text,
                "type": "choice",
                "required": true,
                "answerOption": options
            })
        })
        .collect();
    let mut q = json!({
        "resourceType": "Questionnaire",
        "id": inst.id,
        "url": questionnaire_canonical(inst),
        "name": inst.short_name.replace('-', ""),
        "title": inst.name,
        "status": "active",
        "description": inst.description,
        "copyright": inst.licence,
        "item": items
    });
    if let Some(codes) = &inst.loinc {
        q["code"] = json!([{"system": LOINC, "code": codes.panel, "display": inst.name}]);
    }
    q
}

/// A completed QuestionnaireResponse. `answers` are the item values in item order, as returned by
/// [`super::complete`]; answers beyond the item count are ignored.
pub fn questionnaire_response(
    inst: &Instrument,
    answers: &[u8],
    authored: DateTime<Utc>,
    subject_reference: &str,
    id: &str,
) -> Value {
    let mut items: Vec<Value> = inst
        .items
        .iter()
        .zip(answers)
        .map(|(item, value)| {
            let (link_id, _) = item_link_and_code(inst, item);
            let coding = answer_coding(inst, *value);
            // R4 QuestionnaireResponse.item has no `code` element (the official schema rejects
            // it): the item code travels as the linkId, and as `code` in [`questionnaire`],
            // which is where receivers should map from.
            json!({
                "linkId": link_id,
                "text": item.text,
                "answer": [{"valueCoding": coding}]
            })
        })
        .collect();

    if answers.len() >= inst.items.len()
        && let Ok(score) = super::score(inst, &answers[..inst.items.len()])
    {
        let link_id = match &inst.loinc {
            Some(codes) => codes.total.clone(),
            None => "total".to_string(),
        };
        let answer = match inst.scoring {
            Scoring::Sum => json!({"valueInteger": score.value.round() as i64}),
            _ => json!({"valueDecimal": (score.value * 100.0).round() / 100.0}),
        };
        items.push(json!({
            "linkId": link_id,
            "text": format!("{} total score", inst.short_name),
            "answer": [answer]
        }));
    }

    json!({
        "resourceType": "QuestionnaireResponse",
        "id": id,
        "questionnaire": questionnaire_canonical(inst),
        "status": "completed",
        "subject": {"reference": subject_reference},
        "authored": rfc3339(&authored),
        "item": items
    })
}

/// The total-score Observation: status final, category survey, the total-score code, the value,
/// the band (if any) as interpretation text, and `derivedFrom` the QuestionnaireResponse.
pub fn score_observation(
    inst: &Instrument,
    score: &Score,
    effective: DateTime<Utc>,
    subject_reference: &str,
    questionnaire_response_id: &str,
    id: &str,
) -> Value {
    let (value_key, value) = score_value(inst, score);
    let mut obs = json!({
        "resourceType": "Observation",
        "id": id,
        "status": "final",
        "category": [{
            "coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]
        }],
        "code": {
            "coding": [total_coding(inst)],
            "text": format!("{} total score", inst.short_name)
        },
        "subject": {"reference": subject_reference},
        "effectiveDateTime": rfc3339(&effective),
        "derivedFrom": [{"reference": format!("QuestionnaireResponse/{questionnaire_response_id}")}]
    });
    obs[value_key] = value;
    if let Some(band) = &score.band {
        obs["interpretation"] = json!([{"text": band.label}]);
    }
    obs
}

/// The code system of the daily Light & Mood values (no standard codes exist for them; the
/// codes are documented in the README under "FHIR export").
pub const LIGHT_MOOD_SYSTEM: &str = "https://enough.invalid/fhir/CodeSystem/light-mood";

/// The daily log of one day as up to four Observations (daylight hours, energy 0–10, mood 0–10,
/// outside in the morning), each with our own code, the day as `effectiveDateTime`
/// (a plain date) and the category `survey` (self-reported). A value the day lacks has no
/// Observation: missing is never written as zero.
pub fn day_observations(day: &crate::day::DayEntry, subject_reference: &str) -> Vec<Value> {
    let date = day.date.to_string();
    let observation = |code: &str, display: &str, value_key: &str, value: Value| {
        let mut obs = json!({
            "resourceType": "Observation",
            "id": format!("day-{date}-{code}"),
            "status": "final",
            "category": [{
                "coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]
            }],
            "code": {"coding": [{"system": LIGHT_MOOD_SYSTEM, "code": code, "display": display}], "text": display},
            "subject": {"reference": subject_reference},
            "effectiveDateTime": date
        });
        obs[value_key] = value;
        obs
    };
    let mut observations = Vec::new();
    if let Some(hours) = day.daylight_hours() {
        observations.push(observation(
            "daylight-hours",
            "Hours of daylight exposure",
            "valueQuantity",
            json!({"value": hours, "unit": "h", "system": "http://unitsofmeasure.org", "code": "h"}),
        ));
    }
    if let Some(energy) = day.energy {
        observations.push(observation(
            "energy",
            "Energy (0-10)",
            "valueInteger",
            json!(energy),
        ));
    }
    if let Some(mood) = day.mood {
        observations.push(observation(
            "mood",
            "Mood (0-10)",
            "valueInteger",
            json!(mood),
        ));
    }
    if let Some(outside) = day.outside_morning {
        observations.push(observation(
            "outside-morning",
            "Went outside in the morning",
            "valueBoolean",
            json!(outside),
        ));
    }
    observations
}

/// A `collection` Bundle holding `resources`. Each entry's `fullUrl` is built from
/// [`OWN_BASE`], the resource type and id, so that relative references inside the bundle resolve.
pub fn bundle(resources: Vec<Value>) -> Value {
    let entries: Vec<Value> = resources
        .into_iter()
        .map(|resource| {
            let full_url = match (
                resource.get("resourceType").and_then(Value::as_str),
                resource.get("id").and_then(Value::as_str),
            ) {
                (Some(t), Some(id)) => Some(format!("{OWN_BASE}/{t}/{id}")),
                _ => None,
            };
            match full_url {
                Some(url) => json!({"fullUrl": url, "resource": resource}),
                None => json!({"resource": resource}),
            }
        })
        .collect();
    json!({"resourceType": "Bundle", "type": "collection", "entry": entries})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::{instrument, score};
    use chrono::TimeZone;
    use std::io::Read;
    use std::sync::OnceLock;

    /// The official FHIR R4 JSON schema (see `tests-data/README.md` for provenance).
    fn validator() -> &'static jsonschema::Validator {
        static V: OnceLock<jsonschema::Validator> = OnceLock::new();
        V.get_or_init(|| {
            let schema = schema();
            assert_eq!(schema["id"], "http://hl7.org/fhir/json-schema/4.0");
            jsonschema::draft6::new(&schema).unwrap()
        })
    }

    fn schema() -> Value {
        let gz = include_bytes!("../../tests-data/fhir.schema.json.gz");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut text)
            .unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// Validates against the whole R4 schema; on failure, re-validates against the resource
    /// type's own definition, because a failed root `oneOf` hides the reason.
    fn assert_valid(resource: &Value) {
        if validator().is_valid(resource) {
            return;
        }
        let mut narrowed = schema();
        let kind = resource["resourceType"].as_str().unwrap_or("?");
        narrowed["oneOf"] = json!([{"$ref": format!("#/definitions/{kind}")}]);
        let v = jsonschema::draft6::new(&narrowed).unwrap();
        let errors: Vec<String> = v
            .iter_errors(resource)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .take(5)
            .collect();
        panic!("{kind} is not valid FHIR R4: {errors:#?}");
    }

    fn when() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 15, 9, 30, 0).unwrap()
    }

    fn resources(id: &str, answers: &[u8]) -> (Value, Value) {
        let inst = instrument(id).unwrap();
        let qr = questionnaire_response(inst, answers, when(), "Patient/ana", "qr-1");
        let s = score(inst, answers).unwrap();
        let obs = score_observation(inst, &s, when(), "Patient/ana", "qr-1", "obs-1");
        (qr, obs)
    }

    #[test]
    fn phq9_resources_use_loinc_and_validate() {
        let (qr, obs) = resources("phq-9", &[2, 2, 1, 2, 1, 1, 1, 1, 1]);
        assert_eq!(qr["item"][0]["linkId"], "44250-9");
        assert_eq!(qr["item"][8]["linkId"], "44260-8");
        assert_eq!(
            qr["item"][0]["answer"][0]["valueCoding"]["code"],
            "LA6570-1"
        );
        assert_eq!(qr["item"][9]["linkId"], "44261-6");
        assert_eq!(qr["item"][9]["answer"][0]["valueInteger"], 12);
        assert_eq!(obs["code"]["coding"][0]["code"], "44261-6");
        assert_eq!(obs["valueInteger"], 12);
        assert_eq!(obs["interpretation"][0]["text"], "moderate");
        assert_eq!(obs["category"][0]["coding"][0]["code"], "survey");
        assert_eq!(
            obs["derivedFrom"][0]["reference"],
            "QuestionnaireResponse/qr-1"
        );
        assert_valid(&qr);
        assert_valid(&obs);
        assert_valid(&bundle(vec![qr, obs]));
    }

    #[test]
    fn gad7_resources_validate() {
        let (qr, obs) = resources("gad-7", &[1, 1, 1, 1, 1, 1, 2]);
        assert_eq!(qr["item"][1]["linkId"], "68509-9");
        assert_eq!(obs["code"]["coding"][0]["code"], "70274-6");
        assert_eq!(obs["valueInteger"], 8);
        assert_valid(&qr);
        assert_valid(&obs);
        assert_valid(&bundle(vec![qr, obs]));
    }

    #[test]
    fn who5_uses_snomed_and_own_codes_and_validates() {
        let (qr, obs) = resources("who-5", &[3, 3, 3, 3, 4]);
        assert_eq!(qr["item"][0]["linkId"], "item-1");
        assert_eq!(
            qr["item"][0]["answer"][0]["valueCoding"]["system"],
            "https://enough.invalid/fhir/CodeSystem/who-5-answers"
        );
        assert_eq!(obs["code"]["coding"][0]["system"], "http://snomed.info/sct");
        assert_eq!(obs["code"]["coding"][0]["code"], "1144665009");
        assert_eq!(obs["valueQuantity"]["value"], 64.0);
        assert_eq!(obs["valueQuantity"]["unit"], "%");
        assert_valid(&qr);
        assert_valid(&obs);
        assert_valid(&bundle(vec![qr, obs]));
    }

    #[test]
    fn mean_scored_resources_validate() {
        let (qr, obs) = resources("scs-sf", &[3; 12]);
        assert_eq!(obs["valueQuantity"]["value"], 3.0);
        assert_valid(&qr);
        assert_valid(&obs);
        let (qr, obs) = resources("cpq", &[2; 12]);
        assert_valid(&bundle(vec![qr, obs]));
    }

    #[test]
    fn every_questionnaire_definition_validates() {
        for inst in crate::measures::instruments() {
            let q = questionnaire(inst);
            assert_eq!(q["item"].as_array().unwrap().len(), inst.items.len());
            assert_valid(&q);
        }
        let q = questionnaire(instrument("gad-7").unwrap());
        assert_eq!(q["url"], "http://loinc.org/q/69737-5");
        assert_eq!(q["item"][1]["code"][0]["code"], "68509-9");
    }

    #[test]
    fn daily_log_observations_validate_and_carry_the_values() {
        let day = crate::day::DayEntry {
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            daylight_quarter_hours: Some(6),
            energy: Some(4),
            mood: Some(7),
            outside_morning: Some(true),
            habits: crate::day::Habits::default(),
            note: Some("private words stay out".into()),
        };
        let observations = day_observations(&day, "Patient/1");
        assert_eq!(observations.len(), 4);
        for o in &observations {
            assert_valid(o);
            assert_eq!(o["effectiveDateTime"], "2026-11-20");
            assert!(
                !o.to_string().contains("private words"),
                "notes are not exported to FHIR"
            );
        }
        assert_eq!(observations[0]["valueQuantity"]["value"], 1.5);
        assert_eq!(observations[2]["valueInteger"], 7);
        assert_eq!(observations[3]["valueBoolean"], true);
        assert_valid(&bundle(observations));

        let partial = crate::day::DayEntry {
            daylight_quarter_hours: None,
            energy: None,
            outside_morning: None,
            ..day
        };
        let only_mood = day_observations(&partial, "Patient/1");
        assert_eq!(only_mood.len(), 1, "no Observation for a missing value");
        assert_eq!(only_mood[0]["code"]["coding"][0]["code"], "mood");
    }

    #[test]
    fn the_validator_rejects_broken_resources() {
        let (qr, mut obs) = resources("phq-9", &[0; 9]);
        obs["status"] = json!("done");
        assert!(!validator().is_valid(&obs), "unknown status must fail");
        let mut qr2 = qr.clone();
        qr2["item"] = json!("not a list");
        assert!(!validator().is_valid(&qr2), "item must be an array");
        let mut qr3 = qr.clone();
        qr3["answers"] = json!([]);
        assert!(!validator().is_valid(&qr3), "unknown property must fail");
        let mut qr4 = qr;
        qr4["item"][0]["code"] = json!([{"system": LOINC, "code": "44250-9"}]);
        assert!(
            !validator().is_valid(&qr4),
            "R4 QuestionnaireResponse.item has no code"
        );
    }
}
