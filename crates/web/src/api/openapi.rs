//! The OpenAPI 3.1 description of the API, written out by hand so a reviewer can read it whole.

use axum::Json;
use serde_json::{Value, json};

pub async fn document() -> Json<Value> {
    Json(spec())
}

/// Adds `more` paths to the document's `paths`.
fn merge_paths(doc: &mut Value, more: Value) {
    if let (Some(paths), Value::Object(more)) = (doc["paths"].as_object_mut(), more) {
        paths.extend(more);
    }
}

/// The OpenAPI document.
pub fn spec() -> Value {
    let mut doc = days_spec();
    merge_paths(&mut doc, super::openapi_toolkit::paths());
    merge_paths(&mut doc, super::openapi_homework::paths());
    merge_paths(&mut doc, super::openapi_care::paths());
    merge_paths(&mut doc, super::openapi_steps::paths());
    merge_paths(&mut doc, account_paths());
    doc
}

/// The account's own credentials.
fn account_paths() -> Value {
    let error = json!({"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    json!({
        "/api/v1/account/password": {
            "post": {
                "summary": "Change your password",
                "description": "Needs the current password. The new one needs at least 12 characters and must not be a common password. Every browser session ends and every other token is revoked; the token used here keeps working, so a script can go on. Limited to 5 tries in 15 minutes; 503 with Retry-After while password hashing is saturated.",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["current_password", "new_password"],
                    "properties": {
                        "current_password": {"type": "string"},
                        "new_password": {"type": "string", "minLength": 12, "maxLength": 256}
                    }
                }}}},
                "responses": {
                    "200": {"description": "Changed: {changed, hint, note}"},
                    "401": error, "422": error, "429": error, "503": error
                }
            }
        }
    })
}

/// The document with the days, insights and Light & Mood paths.
fn days_spec() -> Value {
    let date_param = json!({
        "name": "date", "in": "path", "required": true,
        "description": "The person's local date, YYYY-MM-DD. At most one day after their today.",
        "schema": {"type": "string", "format": "date"}
    });
    let error = json!({"$ref": "#/components/responses/Error"});
    let instrument_param = json!({
        "name": "id", "in": "path", "required": true,
        "description": "Questionnaire id: phq-9, gad-7, who-5, cpq or scs-sf.",
        "schema": {"type": "string"}
    });
    let response_param = json!({
        "name": "response_id", "in": "path", "required": true,
        "schema": {"type": "integer"}
    });
    let fhir_bundle = json!({"description": "A FHIR R4 Bundle of type collection", "content": {"application/fhir+json": {"schema": {
        "type": "object", "required": ["resourceType", "type", "entry"],
        "properties": {"resourceType": {"const": "Bundle"}, "type": {"const": "collection"}, "entry": {"type": "array"}}
    }}}});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "enough API",
            "version": "1",
            "description": "The daily Light & Mood log and the check-in questionnaires of the signed-in person. Authenticate with a personal access token from Settings: `Authorization: Bearer enough_pat_…`. Errors are JSON with the status, a message and, for invalid input, every field with its reason. Safety: every answer to a save (days, reflections, exercises and ladder attempts, activities and outcomes, questionnaire responses and drafts) carries `support` (schema Support) when the app's one safety decision asks for it: words about suicide or self-harm that are new in this save, or a safety item (PHQ-9 item 9) above its lowest answer. The save has gone through either way; show the lines at once. A text saved again unchanged does not bring `support` again. The safety plan never brings it (a plan names the crisis it is for)."
        },
        "security": [{"bearerAuth": []}],
        "paths": {
            "/api/v1/days": {
                "get": {
                    "summary": "List days, newest first",
                    "parameters": [
                        {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "First date, inclusive"},
                        {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "Last date, inclusive"}
                    ],
                    "responses": {
                        "200": {"description": "The days", "content": {"application/json": {"schema": {
                            "type": "object", "required": ["days"],
                            "properties": {"days": {"type": "array", "items": {"$ref": "#/components/schemas/Day"}}}
                        }}}},
                        "400": error, "401": error, "422": error
                    }
                }
            },
            "/api/v1/insights/light-mood": {
                "get": {
                    "summary": "Light & Mood insights for a date range (default: the last 8 weeks)",
                    "description": "Mornings outside vs indoors (n, mean, SD, difference with a 95% Welch interval widened by Bartlett's product rule when both the outcome and the group indicator carry over, the group means' intervals, the effective n, Hedges' g), daylight vs mood and energy on the same and the next day (Pearson r with a Fisher-z interval, Spearman rho), the seasonal habits, and the plain-language sentences. Parts with too few days have status `not_enough_days` and no numbers; parts whose values never varied have status `no_variation`.",
                    "parameters": [
                        {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
                        {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}}
                    ],
                    "responses": {
                        "200": {"description": "The insights", "content": {"application/json": {"schema": {"type": "object", "required": ["from", "to", "insights", "reflection"]}}}},
                        "400": error, "401": error, "422": error
                    }
                }
            },
            "/api/v1/location": {
                "get": {"summary": "The person's location (404 when none)", "responses": {"200": {"description": "Latitude, longitude, place"}, "401": error, "404": error}},
                "put": {
                    "summary": "Set the location from a city or coordinates",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {
                        "city": {"type": "string", "description": "e.g. Dublin or Dublin, Ireland (one of the embedded cities)"},
                        "latitude": {"type": "number", "minimum": -90, "maximum": 90},
                        "longitude": {"type": "number", "minimum": -180, "maximum": 180}
                    }}}}},
                    "responses": {"200": {"description": "Saved"}, "400": error, "401": error, "422": error}
                },
                "delete": {"summary": "Remove the location", "responses": {"204": {"description": "Removed"}, "401": error}}
            },
            "/api/v1/reflections": {
                "get": {"summary": "The person's reflections, newest date first", "responses": {"200": {"description": "List of {date, text, updated_at}"}, "401": error}}
            },
            "/api/v1/reflections/{date}": {
                "parameters": [date_param.clone()],
                "put": {
                    "summary": "Save the reflection for a date",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["text"], "additionalProperties": false, "properties": {"text": {"type": "string", "maxLength": 5000}}}}}},
                    "responses": {"200": {"description": "Saved: {date, text, updated_at} and `support` when the safety decision asks", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["date", "text", "updated_at"],
                        "properties": {"date": {"type": "string", "format": "date"}, "text": {"type": "string"}, "updated_at": {"type": "integer"}, "support": {"$ref": "#/components/schemas/Support"}}
                    }}}}, "400": error, "401": error, "422": error}
                }
            },
            "/api/v1/experiments": {
                "get": {"summary": "The person's Light & Mood experiments with their analyses", "responses": {"200": {"description": "List"}, "401": error}},
                "post": {
                    "summary": "Start an experiment tomorrow (one at a time)",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["weeks"], "additionalProperties": false, "properties": {"weeks": {"type": "integer", "minimum": 2, "maximum": 8}}}}}},
                    "responses": {"201": {"description": "Started: schedule and analysis"}, "400": error, "401": error, "409": error, "422": error}
                }
            },
            "/api/v1/experiments/{id}/abandon": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "post": {"summary": "Stop the running experiment; its data stays", "responses": {"204": {"description": "Stopped"}, "401": error, "404": error}}
            },
            "/api/v1/measures": {
                "get": {
                    "summary": "The questionnaires: items, answer options, scoring, bands, reliable-change constants and sources",
                    "responses": {
                        "200": {"description": "The definitions", "content": {"application/json": {"schema": {
                            "type": "object", "required": ["instruments"],
                            "properties": {"instruments": {"type": "array", "items": {"type": "object", "required": ["id", "name", "short_name", "items", "options"]}}}
                        }}}},
                        "401": error
                    }
                }
            },
            "/api/v1/measures/fhir": {
                "get": {
                    "summary": "Every PHQ-9, GAD-7 and WHO-5 response as one FHIR R4 Bundle",
                    "description": "For each response a QuestionnaireResponse and a total-score Observation (LOINC 44261-6 for PHQ-9, 70274-6 for GAD-7; SNOMED CT for WHO-5) derived from it.",
                    "responses": {"200": fhir_bundle.clone(), "401": error}
                }
            },
            "/api/v1/measures/{id}/responses": {
                "parameters": [instrument_param.clone()],
                "get": {
                    "summary": "The person's responses to one questionnaire, oldest first",
                    "responses": {
                        "200": {"description": "The responses", "content": {"application/json": {"schema": {
                            "type": "object", "required": ["responses"],
                            "properties": {"responses": {"type": "array", "items": {"$ref": "#/components/schemas/QuestionnaireResponse"}}}
                        }}}},
                        "401": error, "404": error
                    }
                },
                "post": {
                    "summary": "Submit a completed questionnaire (idempotent by client_id)",
                    "description": "Every item needs an answer from the questionnaire's options. Sending the same client_id with the same answers again returns 200 and the stored response; with other answers, 409. Field errors name the answer, e.g. `answers[3]` (0-based). When a safety item (PHQ-9 item 9) is above its lowest answer, `safety` is true and `crisis` carries the person's crisis lines; a newly stored sitting also carries `support` (and records a safety event): show them at once.",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["client_id", "answers"], "additionalProperties": false,
                        "properties": {
                            "client_id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$", "description": "The client's own id for this sitting; a new one per sitting"},
                            "answers": {"type": "array", "items": {"type": "integer", "minimum": 0}, "description": "One value per item, in item order"}
                        }
                    }}}},
                    "responses": {
                        "201": {"description": "Stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QuestionnaireResponse"}}}},
                        "200": {"description": "Already stored with this client_id and these answers; nothing changed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QuestionnaireResponse"}}}},
                        "400": error, "401": error, "404": error, "409": error, "422": error
                    }
                }
            },
            "/api/v1/measures/{id}/responses/{response_id}": {
                "parameters": [instrument_param.clone(), response_param.clone()],
                "delete": {"summary": "Delete one response", "responses": {"204": {"description": "Deleted"}, "401": error, "404": error}}
            },
            "/api/v1/measures/{id}/responses/{response_id}/fhir": {
                "parameters": [instrument_param.clone(), response_param],
                "get": {"summary": "One response as a FHIR R4 Bundle (QuestionnaireResponse + score Observation)", "responses": {"200": fhir_bundle, "401": error, "404": error}}
            },
            "/api/v1/measures/{id}/draft": {
                "parameters": [instrument_param.clone()],
                "put": {
                    "summary": "Save the answers so far, to finish later",
                    "description": "Any answer may be null. A safety item (PHQ-9 item 9) answered above its lowest value brings `support` at once, as a finished sitting does (once per answer: saving the same draft again does not).",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["answers"], "additionalProperties": false,
                        "properties": {"answers": {"type": "array", "items": {"type": ["integer", "null"], "minimum": 0}, "description": "At most one value per item, in item order"}}
                    }}}},
                    "responses": {
                        "200": {"description": "Saved", "content": {"application/json": {"schema": {
                            "type": "object", "required": ["instrument", "answers"],
                            "properties": {
                                "instrument": {"type": "string"},
                                "answers": {"type": "array", "items": {"type": ["integer", "null"]}},
                                "support": {"$ref": "#/components/schemas/Support"}
                            }
                        }}}},
                        "400": error, "401": error, "404": error, "422": error
                    }
                }
            },
            "/api/v1/measures/{id}/schedule": {
                "parameters": [instrument_param],
                "put": {
                    "summary": "Set a reminder every N days, or remove it with null",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["every_days"],
                        "properties": {"every_days": {"type": ["integer", "null"], "minimum": 1, "maximum": 365}}
                    }}}},
                    "responses": {"200": {"description": "Saved: {instrument, every_days}"}, "400": error, "401": error, "404": error, "422": error}
                }
            },
            "/api/v1/days/{date}": {
                "parameters": [date_param],
                "get": {
                    "summary": "Read one day",
                    "responses": {
                        "200": {"description": "The day", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Day"}}}},
                        "401": error, "404": error, "422": error
                    }
                },
                "put": {
                    "summary": "Create or replace one day",
                    "description": "Replaces the whole day: a field left out or null is missing afterwards. A day needs at least one value (422 \"a day needs at least one value\" otherwise, nothing saved).",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DayInput"}}}},
                    "responses": {
                        "200": {"description": "Replaced (with `support` when the safety decision asks)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SavedDay"}}}},
                        "201": {"description": "Created (with `support` when the safety decision asks)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SavedDay"}}}},
                        "400": error, "401": error, "413": {"description": "Body larger than 64 KiB"}, "422": error
                    }
                },
                "patch": {
                    "summary": "Change some values of one day",
                    "description": "Merges the fields sent into the day (creating it if there is none): a field left out is kept, a field sent as null is cleared, `habits` replaces the ticked set. The result must still hold at least one value.",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DayInput"}}}},
                    "responses": {
                        "200": {"description": "Changed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Day"}}}},
                        "201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Day"}}}},
                        "400": error, "401": error, "413": {"description": "Body larger than 64 KiB"}, "422": error
                    }
                },
                "delete": {
                    "summary": "Delete one day",
                    "responses": {"204": {"description": "Deleted"}, "401": error, "404": error, "422": error}
                }
            }
        },
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Habits": {
                    "type": "object", "additionalProperties": false,
                    "properties": {
                        "got_outside": {"type": "boolean"},
                        "moved_my_body": {"type": "boolean"},
                        "nourishing_food": {"type": "boolean"},
                        "joyful_activity": {"type": "boolean"},
                        "social_contact": {"type": "boolean"}
                    }
                },
                "DayInput": {
                    "type": "object", "additionalProperties": false,
                    "description": "Every value is optional (null or left out means not known, never zero); a day needs at least one.",
                    "properties": {
                        "daylight_hours": {"type": ["number", "null"], "minimum": 0, "maximum": 24, "multipleOf": 0.25, "description": "Hours of daylight exposure, to the quarter hour"},
                        "energy": {"type": ["integer", "null"], "minimum": 0, "maximum": 10},
                        "mood": {"type": ["integer", "null"], "minimum": 0, "maximum": 10},
                        "outside_morning": {"type": ["boolean", "null"]},
                        "habits": {"$ref": "#/components/schemas/Habits"},
                        "note": {"type": ["string", "null"], "maxLength": 2000}
                    }
                },
                "Day": {
                    "allOf": [{"$ref": "#/components/schemas/DayInput"}, {
                        "type": "object", "required": ["date", "daylight_hours", "energy", "mood", "outside_morning", "habits", "note"],
                        "properties": {"date": {"type": "string", "format": "date"}}
                    }]
                },
                "SavedDay": {
                    "allOf": [{"$ref": "#/components/schemas/Day"}, {
                        "type": "object",
                        "properties": {"support": {"$ref": "#/components/schemas/Support"}}
                    }]
                },
                "Support": {
                    "type": "object",
                    "description": "Present on the answer to a save when the app's safety decision asks for it: crisis lines of the person's country and the support page. The save went through.",
                    "required": ["country", "emergency", "lines", "url", "message"],
                    "properties": {
                        "country": {"type": "string", "description": "ISO 3166-1 alpha-2 code, e.g. GB"},
                        "emergency": {"type": "string", "description": "The emergency number"},
                        "lines": {"type": "array", "items": {"type": "object", "required": ["name", "hours"], "properties": {
                            "name": {"type": "string"}, "phone": {"type": ["string", "null"]}, "text": {"type": ["string", "null"]},
                            "chat": {"type": ["string", "null"]}, "hours": {"type": "string"}, "source": {"type": "string"}, "checked": {"type": "string"}
                        }}},
                        "url": {"type": "string", "description": "The support page (signed in), e.g. /support?after=day"},
                        "message": {"type": "string", "description": "A plain sentence to show"}
                    }
                },
                "QuestionnaireResponse": {
                    "type": "object",
                    "required": ["id", "client_id", "instrument", "date", "completed_at", "answers", "score", "band", "sentence", "safety"],
                    "properties": {
                        "id": {"type": "integer"},
                        "client_id": {"type": "string"},
                        "instrument": {"type": "string"},
                        "date": {"type": "string", "format": "date", "description": "The person's local date"},
                        "completed_at": {"type": "integer", "description": "Unix seconds"},
                        "answers": {"type": "array", "items": {"type": "integer"}},
                        "score": {"type": "object", "required": ["value", "display", "total"], "properties": {
                            "value": {"type": "number", "description": "On the reported scale (WHO-5: 0-100)"},
                            "display": {"type": "string", "description": "As shown, e.g. 12 or 64%"},
                            "total": {"type": "number", "description": "Raw sum (or mean for mean-scored questionnaires)"}
                        }},
                        "band": {"type": ["string", "null"], "description": "The range the score is in, e.g. mild; not a diagnosis"},
                        "sentence": {"type": "string", "description": "One plain sentence about the score"},
                        "safety": {"type": "boolean", "description": "A safety item was answered above its lowest value"},
                        "crisis": {"type": "object", "description": "Present when safety is true", "required": ["country", "name", "emergency", "lines", "url"], "properties": {
                            "country": {"type": "string"}, "name": {"type": "string"}, "emergency": {"type": "string"},
                            "lines": {"type": "array", "items": {"type": "object"}}, "url": {"type": "string"}
                        }},
                        "support": {"$ref": "#/components/schemas/Support"}
                    }
                },
                "Error": {
                    "type": "object", "required": ["error"],
                    "properties": {"error": {
                        "type": "object", "required": ["status", "message"],
                        "properties": {
                            "status": {"type": "integer"},
                            "message": {"type": "string"},
                            "fields": {"type": "array", "items": {
                                "type": "object", "required": ["field", "message"],
                                "properties": {"field": {"type": "string"}, "message": {"type": "string"}}
                            }}
                        }
                    }}
                }
            },
            "responses": {
                "Error": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
        }
    })
}
