//! The OpenAPI paths of the toolkit, the safety plan and the crisis lines (merged into the
//! document by [`super::openapi::spec`]).

use serde_json::{Value, json};

/// The paths, keyed by URL.
pub fn paths() -> Value {
    let error = json!({"$ref": "#/components/responses/Error"});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let exercise = json!({
        "type": "object",
        "required": ["id", "kind", "date", "status", "answers", "summary", "created_at", "updated_at"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "description": "Exercise id from GET /api/v1/toolkit, e.g. thought-record"},
            "date": {"type": "string", "format": "date"},
            "status": {"enum": ["draft", "planned", "done"]},
            "answers": {"type": "object", "description": "Step id → answer. Text steps take a string (long text ≤ 5000 characters, short ≤ 300); ratings an integer in the step's range; distortions an array of distortion ids; emotions [{name, before 0–100, after 0–100|null}] (≤ 12); a value domain a life-value id; value ratings [{domain, importance 0–10, lived 0–10}]; yes/no a boolean; minutes an integer; a ladder {rungs: [{text, suds 0–100, attempts: [...]}]} (≤ 20 rungs). The whole object ≤ 64 KiB."},
            "summary": {"type": "string"},
            "created_at": {"type": "integer"},
            "updated_at": {"type": "integer"},
            "support": {"$ref": "#/components/schemas/Support", "description": "Only on the answer to a save (create, replace, ladder attempt), when the safety decision asks for it. Saving is never blocked."}
        }
    });
    let input = json!({
        "type": "object", "additionalProperties": false, "required": ["date", "status", "answers"],
        "properties": {
            "kind": {"type": "string", "description": "Required when creating; cannot change on update"},
            "date": {"type": "string", "format": "date", "description": "At most one day after today"},
            "status": {"enum": ["draft", "planned", "done"], "description": "draft: nothing required. planned: the steps before doing it (only exercises with an 'afterwards' part). done: every required step."},
            "answers": {"type": "object"}
        }
    });
    json!({
        "/api/v1/toolkit": {"get": {
            "summary": "The catalogue: every exercise with its introduction and steps, the cognitive distortions, the life values",
            "responses": {"200": {"description": "The catalogue"}, "401": error}
        }},
        "/api/v1/toolkit/progress": {"get": {
            "summary": "Progress: counts, before/after changes with 95% intervals, and the inner critic's accuracy (mean predicted − actual badness across finished behavioural experiments, null interval below 3)",
            "responses": {"200": {"description": "Progress"}, "401": error}
        }},
        "/api/v1/exercises": {
            "get": {
                "summary": "The journal: saved exercises, newest first",
                "parameters": [{"name": "kind", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "Exercises", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"exercises": {"type": "array", "items": exercise}}
                }}}}, "401": error, "422": error}
            },
            "post": {
                "summary": "Save an exercise",
                "requestBody": {"required": true, "content": {"application/json": {"schema": input}}},
                "responses": {"201": {"description": "Saved", "content": {"application/json": {"schema": exercise}}}, "400": error, "401": error, "422": error}
            }
        },
        "/api/v1/exercises/{id}": {
            "get": {"summary": "One exercise", "parameters": [id], "responses": {"200": {"description": "The exercise"}, "401": error, "404": error}},
            "put": {
                "summary": "Replace an exercise (ladder attempts already logged are kept)",
                "parameters": [id],
                "requestBody": {"required": true, "content": {"application/json": {"schema": input}}},
                "responses": {"200": {"description": "Saved"}, "400": error, "401": error, "404": error, "422": error}
            },
            "delete": {"summary": "Delete an exercise", "parameters": [id], "responses": {"204": {"description": "Deleted"}, "401": error, "404": error}}
        },
        "/api/v1/exercises/{id}/ladder-attempts": {"post": {
            "summary": "Log a try at one rung of an exposure ladder",
            "parameters": [id],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": false,
                "required": ["rung", "date", "suds_before", "suds_peak", "suds_after"],
                "properties": {
                    "rung": {"type": "integer", "minimum": 0, "description": "Index in the order written"},
                    "date": {"type": "string", "format": "date"},
                    "suds_before": {"type": "integer", "minimum": 0, "maximum": 100},
                    "suds_peak": {"type": "integer", "minimum": 0, "maximum": 100},
                    "suds_after": {"type": "integer", "minimum": 0, "maximum": 100},
                    "note": {"type": "string", "maxLength": 1000}
                }
            }}}},
            "responses": {"200": {"description": "The ladder with the attempt"}, "401": error, "404": error, "422": error}
        }},
        "/api/v1/safety-plan": {
            "get": {"summary": "The safety plan (seven sections, each a list of lines)", "responses": {"200": {"description": "The plan"}, "401": error}},
            "put": {
                "summary": "Replace the safety plan",
                "description": "The plan goes through the same safety decision as every save, whose rule for plans is: no safety event and no `support` (a plan names the crisis it is for, and its page always shows the crisis lines).",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": false,
                    "properties": {
                        "warning_signs": {"type": "array", "items": {"type": "string", "maxLength": 300}, "maxItems": 20},
                        "coping_alone": {"type": "array", "items": {"type": "string", "maxLength": 300}, "maxItems": 20},
                        "distractions": {"type": "array", "items": {"type": "string", "maxLength": 300}, "maxItems": 20},
                        "people_to_ask": {"type": "array", "items": {"type": "string", "maxLength": 300}, "maxItems": 20},
                        "professionals": {"type": "array", "items": {"type": "string", "maxLength": 300}, "maxItems": 20},
                        "safer_surroundings": {"type": "array", "items": {"type": "string", "maxLength": 300}, "maxItems": 20},
                        "reasons_for_living": {"type": "array", "items": {"type": "string", "maxLength": 300}, "maxItems": 20}
                    }
                }}}},
                "responses": {"200": {"description": "Saved"}, "400": error, "401": error, "422": error}
            }
        },
        "/api/v1/crisis": {"get": {
            "summary": "Crisis lines and the emergency number: for ?country=XX, else the caller's country (setting, else guessed from the time zone)",
            "parameters": [{"name": "country", "in": "query", "schema": {"type": "string", "minLength": 2, "maxLength": 2}}],
            "responses": {"200": {"description": "The country's lines"}, "401": error, "404": error}
        }}
    })
}
