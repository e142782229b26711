//! The OpenAPI paths of activities, programmes, morning light, import-free exports and the
//! therapist's programme assignment (merged into the document by [`super::openapi::spec`]).

use serde_json::{Value, json};

/// The paths, keyed by URL.
pub fn paths() -> Value {
    let error = json!({"$ref": "#/components/responses/Error"});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    json!({
        "/api/v1/activities": {
            "get": {"summary": "Planned activities with their outcome, by date and time", "parameters": [
                {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
                {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}}
            ], "responses": {"200": {"description": "Activities"}, "401": error, "422": error}},
            "post": {"summary": "Plan an activity: {what (1–200 chars), date (today or later, ≤ 1 year), time? HH:MM, kind: joy|movement|outdoors|social|rest, value? life-value id}",
                "responses": {"201": {"description": "Planned (with `support`, schema Support, when the safety decision asks)"}, "400": error, "401": error, "422": error}}
        },
        "/api/v1/activities/insights": {"get": {"summary": "Average pleasure by kind and mood on days with vs without an activity done (last 8 weeks), with n and 95% intervals; 'too few' below 5", "responses": {"200": {"description": "Sentences"}, "401": error}}},
        "/api/v1/activities/{id}": {
            "get": {"summary": "One activity", "parameters": [id], "responses": {"200": {"description": "The activity"}, "401": error, "404": error}},
            "delete": {"summary": "Delete it", "parameters": [id], "responses": {"204": {"description": "Deleted"}, "401": error, "404": error}}
        },
        "/api/v1/activities/{id}/outcome": {"put": {"summary": "How it went: {done, pleasure? 0–10, achievement? 0–10 (both need done), mood_before?, mood_after?, note? ≤ 1000}", "parameters": [id],
            "responses": {"200": {"description": "Recorded (with `support`, schema Support, when the safety decision asks)"}, "400": error, "401": error, "404": error, "422": error}}},
        "/api/v1/programmes": {"get": {"summary": "The shipped programmes with their days", "responses": {"200": {"description": "Programmes"}, "401": error}}},
        "/api/v1/programmes/{id}/start": {"post": {"summary": "Start a programme today", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"201": {"description": "Started"}, "401": error, "409": error, "422": error}}},
        "/api/v1/programme-runs": {"get": {"summary": "Programmes followed, with today's step (the first day not done: a skipped day resets nothing)", "responses": {"200": {"description": "Runs"}, "401": error}}},
        "/api/v1/programme-runs/{run}/days/{day}": {"post": {"summary": "Mark a day done", "parameters": [
            {"name": "run", "in": "path", "required": true, "schema": {"type": "integer"}},
            {"name": "day", "in": "path", "required": true, "schema": {"type": "integer"}}
        ], "responses": {"200": {"description": "The run"}, "401": error, "404": error, "422": error}}},
        "/api/v1/programme-runs/{run}/stop": {"post": {"summary": "Stop following it", "parameters": [{"name": "run", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"204": {"description": "Stopped"}, "401": error, "404": error}}},
        "/api/v1/morning-light": {"get": {"summary": "The morning-light window for ?from=DATE (default today) where the person is", "responses": {"200": {"description": "The window"}, "401": error, "404": error}}},
        "/api/v1/care/people/{id}/programmes": {"post": {"summary": "A therapist starts a programme for a linked person: {programme: id} or a composed one {title, days: [{day, title, text, exercise?, log?, questionnaire?}]}",
            "parameters": [id], "responses": {"201": {"description": "Started"}, "401": error, "404": error, "409": error, "422": error}}},
        "/api/v1/export/fhir": {"get": {"summary": "Everything with an interchange form as a FHIR R4 Bundle (application/fhir+json)", "responses": {"200": {"description": "The Bundle"}, "401": error}}}
    })
}
