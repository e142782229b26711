//! The OpenAPI paths of homework, session summaries and the calendar feed (merged into the
//! document by [`super::openapi::spec`]).

use serde_json::{Value, json};

/// The paths, keyed by URL.
pub fn paths() -> Value {
    let error = json!({"$ref": "#/components/responses/Error"});
    let person = json!({"name": "person_id", "in": "path", "required": true, "schema": {"type": "integer"}, "description": "A person linked to the calling therapist"});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let homework = json!({
        "type": "object",
        "required": ["id", "kind", "title", "link", "note", "start_date", "end_date", "every_days", "shared", "progress"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "description": "log, exercise:<exercise id> or questionnaire:<instrument id>"},
            "title": {"type": "string"},
            "link": {"type": "string", "description": "Where the person does it"},
            "note": {"type": "string"},
            "start_date": {"type": "string", "format": "date"},
            "end_date": {"type": "string", "format": "date"},
            "every_days": {"type": ["integer", "null"]},
            "assigned_by": {"type": ["string", "null"]},
            "created_at": {"type": "integer"},
            "shared": {"type": "boolean", "description": "False when the person does not share the category that shows completion"},
            "progress": {"type": ["object", "null"], "description": "Null when not shared. Completion is read from what the person did: logged days, exercises (planned counts as started), questionnaires.", "properties": {
                "done": {"type": "integer"}, "due_so_far": {"type": "integer"}, "total": {"type": "integer"},
                "sentence": {"type": "string", "description": "e.g. \"3 of 7 days logged\""},
                "occurrences": {"type": "array", "items": {"type": "object", "properties": {
                    "start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date"},
                    "state": {"enum": ["done", "started", "open", "still-open", "later"]}
                }}}
            }}
        }
    });
    let list =
        json!({"type": "object", "properties": {"homework": {"type": "array", "items": homework}}});
    json!({
        "/api/v1/homework": {"get": {
            "summary": "The caller's homework (withdrawn work left out), newest first, with progress",
            "responses": {"200": {"description": "Homework", "content": {"application/json": {"schema": list}}}, "401": error}
        }},
        "/api/v1/care/people/{person_id}/homework": {
            "get": {
                "summary": "Homework the calling therapist assigned to a linked person; progress only for shared categories (each read is written to the person's access log)",
                "parameters": [person],
                "responses": {"200": {"description": "Homework", "content": {"application/json": {"schema": list}}}, "401": error, "404": error}
            },
            "post": {
                "summary": "Assign homework to a linked person (404 when not linked; nothing is written on 422)",
                "parameters": [person],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": false, "required": ["kind", "start_date", "end_date"],
                    "properties": {
                        "kind": {"type": "string", "description": "log, exercise:<id> (GET /api/v1/toolkit) or questionnaire:<id> (GET /api/v1/measures)"},
                        "start_date": {"type": "string", "format": "date", "description": "At most a year from today"},
                        "end_date": {"type": "string", "format": "date", "description": "The due date of one-off work; for \"log daily for N days\" start + N − 1. Not before start_date; at most a year after it."},
                        "every_days": {"type": ["integer", "null"], "minimum": 1, "maximum": 365, "description": "Repeat in windows of N days, the last clipped to end_date (the log is always daily)"},
                        "note": {"type": "string", "maxLength": 500}
                    }
                }}}},
                "responses": {"201": {"description": "Assigned"}, "400": error, "401": error, "404": error, "422": error}
            }
        },
        "/api/v1/care/people/{person_id}/homework/{id}/cancel": {"post": {
            "summary": "Withdraw homework (only the therapist who assigned it)",
            "parameters": [person, id],
            "responses": {"204": {"description": "Withdrawn"}, "401": error, "404": error}
        }},
        "/api/v1/care/people/{person_id}/summary": {"get": {
            "summary": "A session summary of a linked person for a date range (default the last 28 days, at most a year). Sections the person does not share are null; every shared category read is written to their access log.",
            "parameters": [person,
                {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
                {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}}],
            "responses": {"200": {"description": "The summary: log (days logged, means, insight sentences), exercises per approach, questionnaires with reliable-change sentences, reflections, safety_events"}, "401": error, "404": error, "422": error}
        }},
        "/api/v1/calendar-feed": {
            "put": {
                "summary": "Create or replace the caller's secret calendar feed (the old URL stops working). The URL is only in this answer.",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": false, "required": ["reminder_time"],
                    "properties": {"reminder_time": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "description": "Daily log reminder, local time HH:MM"}}
                }}}},
                "responses": {"201": {"description": "The feed", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"url": {"type": "string", "description": "…/calendar/<token>.ics, an RFC 5545 feed served without sign-in"}, "reminder_time": {"type": "string"}}
                }}}}, "400": error, "401": error, "422": error}
            },
            "delete": {
                "summary": "Revoke the caller's calendar feed",
                "responses": {"204": {"description": "Revoked"}, "401": error, "404": error}
            }
        }
    })
}
