//! The OpenAPI 3.1 document of the API, generated from the code: each handler carries a
//! `#[utoipa::path]` attribute (method, path, summary, parameters, answers) and each body a
//! `ToSchema` type. A test reads the real router and fails when a route is missing from the
//! document or the document lists a path the router does not have.

use axum::Json;
use serde_json::Value;
use std::sync::OnceLock;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::openapi_schemas as schemas;

/// What the document says about the API as a whole.
const DESCRIPTION: &str = "The daily Light & Mood log and the check-in questionnaires of the signed-in person. Authenticate with a personal access token from Settings: `Authorization: Bearer enough_pat_…`. Errors are JSON with the status, a message and, for invalid input, every field with its reason. Safety: every answer to a save (days, reflections, exercises and ladder attempts, activities and outcomes, questionnaire responses and drafts) carries `support` (schema Support) when the app's one safety decision asks for it: words about suicide or self-harm that are new in this save, or a safety item (PHQ-9 item 9) above its lowest answer. The save has gone through either way; show the lines at once. A text saved again unchanged does not bring `support` again. The safety plan never brings it (a plan names the crisis it is for).";

#[derive(OpenApi)]
#[openapi(
    info(title = "enough API", version = "1", description = DESCRIPTION),
    security(("bearerAuth" = [])),
    modifiers(&Overview),
    components(responses(ErrorResponse)),
    paths(
        document,
        super::account::change_password,
        super::days::list,
        super::days::get,
        super::days::put,
        super::days::patch,
        super::days::delete,
        super::insights::light_mood,
        super::light::get_location,
        super::light::put_location,
        super::light::delete_location,
        super::light::reflections,
        super::light::put_reflection,
        super::light::experiments,
        super::light::start_experiment,
        super::light::abandon_experiment,
        super::light::swap_experiment,
        super::toolkit::catalogue_json,
        super::toolkit::progress,
        super::toolkit::list,
        super::toolkit::create,
        super::toolkit::get,
        super::toolkit::put,
        super::toolkit::delete,
        super::toolkit::add_attempt,
        super::toolkit::safety_plan,
        super::toolkit::put_safety_plan,
        super::toolkit::crisis,
        super::measures::list,
        super::measures::fhir_everything,
        super::measures::responses,
        super::measures::submit,
        super::measures::delete,
        super::measures::fhir_response,
        super::measures::put_draft,
        super::measures::put_schedule,
        super::steps::list,
        super::steps::create,
        super::steps::insights,
        super::steps::get,
        super::steps::delete,
        super::steps::put_outcome,
        super::steps::catalogue,
        super::steps::start,
        super::steps::runs,
        super::steps::complete,
        super::steps::stop,
        super::steps::morning_light,
        super::steps::assign,
        super::homework::mine,
        super::homework::for_person,
        super::homework::assign,
        super::homework::cancel,
        super::homework::summary,
        super::homework::put_calendar_feed,
        super::homework::delete_calendar_feed,
        super::care::invitations,
        super::care::create_invitation,
        super::care::revoke_invitation,
        super::care::caseload,
        super::care::person,
        super::care::person_days,
        super::care::person_insights,
        super::care::person_reflections,
        super::care::person_exercises,
        super::care::person_measures,
        super::care::person_safety,
        super::care::join,
        super::care::links,
        super::care::put_link,
        super::care::end_link,
        super::care::access_log,
        super::export,
        super::export_fhir,
    )
)]
struct ApiDoc;

/// The bearer-token scheme the whole API uses, and operation ids and tags named after the
/// handler's module (`days_put`, tag `days`) instead of the bare function name.
struct Overview;

impl Modify for Overview {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let module = operation
                    .tags
                    .as_ref()
                    .and_then(|tags| tags.first())
                    .and_then(|tag| tag.rsplit("::").next())
                    .filter(|module| *module != "super")
                    .unwrap_or("api")
                    .to_owned();
                if let Some(id) = &operation.operation_id {
                    operation.operation_id = Some(format!("{module}_{id}"));
                }
                operation.tags = Some(vec![module]);
            }
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearerAuth",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The shared error answer (`#/components/responses/Error`): the JSON body of every failure.
pub(crate) struct ErrorResponse;

impl<'s> utoipa::ToResponse<'s> for ErrorResponse {
    fn response() -> (&'s str, RefOr<Response>) {
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Error")))
            .build();
        (
            "Error",
            ResponseBuilder::new()
                .description("An error")
                .content("application/json", content)
                .build()
                .into(),
        )
    }
}

/// The document as JSON, built once.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let mut doc = ApiDoc::openapi();
        // Schemas that only bodies refer to are collected from the paths; the error schema is
        // referred to by name from the shared error answer, so it is added here.
        doc.merge(schemas::Components::openapi());
        serde_json::to_value(doc).unwrap_or_default()
    })
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    summary = "This OpenAPI 3.1 document",
    security(()),
    responses((status = 200, description = "The document", body = Object))
)]
pub async fn document() -> Json<Value> {
    Json(spec().clone())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use crate::route_table::routes_of;
    use std::collections::BTreeSet;

    /// `(METHOD, path)` of every operation in the document.
    fn documented() -> BTreeSet<(String, String)> {
        let doc = super::spec();
        let mut found = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                if crate::route_table::METHODS.contains(&method.as_str()) {
                    found.insert((method.to_uppercase(), path.clone()));
                }
            }
        }
        found
    }

    #[test]
    fn every_api_route_is_in_the_openapi_document_and_nothing_else() {
        let routed: BTreeSet<(String, String)> = routes_of(&crate::routes())
            .into_iter()
            .filter(|(_, path)| path.starts_with("/api/"))
            .collect();
        let documented = documented();
        let missing: Vec<String> = routed
            .difference(&documented)
            .map(|(m, p)| format!("{m} {p}"))
            .collect();
        assert!(
            missing.is_empty(),
            "These API routes are not in the OpenAPI document: {missing:?}. Put a \
             #[utoipa::path] attribute on each handler and list it in `paths(...)` in \
             crates/web/src/api/openapi.rs."
        );
        let stale: Vec<String> = documented
            .difference(&routed)
            .map(|(m, p)| format!("{m} {p}"))
            .collect();
        assert!(
            stale.is_empty(),
            "The OpenAPI document lists operations the router does not have: {stale:?}"
        );
        println!("{} API operations, every one documented", routed.len());
    }

    #[test]
    fn operation_ids_are_unique() {
        let doc = super::spec();
        let mut seen = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let id = operation["operationId"].as_str().unwrap_or_default();
                assert!(
                    seen.insert(id.to_owned()),
                    "{method} {path}: operationId {id} twice"
                );
            }
        }
    }

    #[test]
    fn the_document_keeps_its_shared_parts() {
        let doc = super::spec();
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(
            doc["components"]["securitySchemes"]["bearerAuth"]["scheme"],
            "bearer"
        );
        for schema in [
            "Error",
            "Support",
            "Day",
            "DayInput",
            "QuestionnaireResponse",
        ] {
            assert!(
                doc["components"]["schemas"][schema].is_object(),
                "schema {schema}"
            );
        }
        // Every answer to a save that can trigger the safety decision says so.
        let saved_day = &doc["components"]["schemas"]["SavedDay"];
        assert!(
            saved_day
                .to_string()
                .contains("#/components/schemas/Support")
        );
    }

    /// Ids that are text by design, not row ids: the client's own key for a response, a
    /// questionnaire's catalogue name and the request id of an error.
    const TEXT_IDS: [&str; 3] = ["client_id", "instrument_id", "request_id"];

    /// True when `schema` is an `int64` integer, possibly nullable.
    fn is_int64(schema: &serde_json::Value) -> bool {
        let integer = match &schema["type"] {
            serde_json::Value::String(t) => t == "integer",
            serde_json::Value::Array(ts) => {
                ts.iter().any(|t| t == "integer")
                    && ts.iter().all(|t| t == "integer" || t == "null")
            }
            _ => false,
        };
        integer && schema["format"] == "int64"
    }

    /// Every property named `id` or `…_id` under `value`, with where it is.
    fn id_properties(
        value: &serde_json::Value,
        at: &str,
        found: &mut Vec<(String, serde_json::Value)>,
    ) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(properties)) = map.get("properties") {
                    for (name, schema) in properties {
                        if name == "id" || name.ends_with("_id") {
                            found.push((format!("{at}.{name}"), schema.clone()));
                        }
                    }
                }
                for (key, inner) in map {
                    id_properties(inner, &format!("{at}/{key}"), found);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, inner) in items.iter().enumerate() {
                    id_properties(inner, &format!("{at}[{i}]"), found);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_id_is_an_int64_integer() {
        let doc = super::spec();
        let mut found = Vec::new();
        id_properties(doc, "", &mut found);
        let row_ids: Vec<&(String, serde_json::Value)> = found
            .iter()
            .filter(|(at, _)| !TEXT_IDS.iter().any(|t| at.ends_with(&format!(".{t}"))))
            .collect();
        for name in [".id", ".person_id", ".link_id"] {
            assert!(
                row_ids.iter().any(|(at, _)| at.ends_with(name)),
                "the document has a property {name}"
            );
        }
        let wrong: Vec<String> = row_ids
            .iter()
            .filter(|(_, schema)| !is_int64(schema))
            .map(|(at, schema)| format!("{at}: {schema}"))
            .collect();
        assert!(
            wrong.is_empty(),
            "ids must be described as integers of format int64 (put \
             #[schema(value_type = i64)] on a typed id field): {wrong:?}"
        );
        // Path parameters naming a row (`{id}` of a number, `{…_id}`) are int64 too.
        for (path, item) in doc["paths"].as_object().unwrap() {
            for operation in item.as_object().unwrap().values() {
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    let name = parameter["name"].as_str().unwrap_or_default();
                    if parameter["in"] == "path" && name.ends_with("_id") {
                        assert!(is_int64(&parameter["schema"]), "{path}: {name}");
                    }
                }
            }
        }
        println!("{} id properties, every one an int64", row_ids.len());
    }
}
