//! The OpenAPI paths of the therapist's side: invitations, the caseload, a linked person's
//! shared data, and a person's links and access log (merged into the document by
//! [`super::openapi::spec`]).

use serde_json::{Value, json};

/// The paths, keyed by URL.
pub fn paths() -> Value {
    let error = json!({"$ref": "#/components/responses/Error"});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let person = json!({"name": "id", "in": "path", "required": true, "description": "The person's account id", "schema": {"type": "integer"}});
    let categories = json!({
        "type": "array",
        "items": {"type": "string", "description": "log, reflections, exercises:<approach> (cbt, exposure, self-compassion, act, mindfulness, emotional-core), questionnaires or safety"}
    });
    let from =
        json!({"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}});
    let to = json!({"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}});
    let link = json!({
        "type": "object",
        "required": ["id", "therapist", "categories", "created_at", "ended_at"],
        "properties": {
            "id": {"type": "integer"},
            "therapist": {"type": "string", "description": "The therapist's e-mail address"},
            "categories": categories,
            "created_at": {"type": "integer"},
            "ended_at": {"type": ["integer", "null"]}
        }
    });
    let consent = "A therapist only: 404 unless the person has an active link with the caller (the same body whether the account exists or not), 403 when linked but this category is not shared. Each successful read writes a row to the person's access log.";
    let shared = |summary: &str, category: &str, params: Value, ok: Value| {
        json!({"get": {
            "summary": summary,
            "description": format!("Category `{category}`. {consent}"),
            "parameters": params,
            "responses": {"200": ok, "401": error, "403": error, "404": error, "422": error}
        }})
    };
    let mut paths = serde_json::Map::new();
    paths.insert(
        "/api/v1/care/invitations".to_owned(),
        json!({
            "get": {
                "summary": "The caller's invitations, newest first (therapists only)",
                "responses": {"200": {"description": "Invitations", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"invitations": {"type": "array", "items": {
                        "type": "object", "properties": {
                            "id": {"type": "integer"}, "label": {"type": "string"},
                            "created_at": {"type": "integer"}, "expires_at": {"type": "integer"},
                            "state": {"enum": ["open", "accepted", "withdrawn", "expired"]}
                        }
                    }}}
                }}}}, "401": error, "403": error}
            },
            "post": {
                "summary": "Create a one-time invitation, valid 7 days (therapists only). The code is shown only in this answer.",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": false,
                    "properties": {"label": {"type": "string", "maxLength": 80, "description": "Your own note, never shown to the person"}}
                }}}},
                "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["id", "code", "url", "label", "expires_at"],
                    "properties": {"id": {"type": "integer"}, "code": {"type": "string", "description": "Like ABCD-EFGH-JKLM"}, "url": {"type": "string", "description": "The link that accepts it (/join?code=…), from the server's --public-url, never the request's Host"}, "label": {"type": "string"}, "expires_at": {"type": "integer"}}
                }}}}, "400": error, "401": error, "403": error, "422": error}
            }
        }),
    );
    paths.insert(
        "/api/v1/care/invitations/{id}/revoke".to_owned(),
        json!({"post": {
            "summary": "Withdraw an unused invitation",
            "parameters": [id],
            "responses": {"204": {"description": "Withdrawn"}, "401": error, "403": error, "404": error}
        }}),
    );
    paths.insert(
        "/api/v1/care/caseload".to_owned(),
        json!({"get": {
            "summary": "Every linked person, safety alerts first; null means the category is not shared. Each shared category read is logged.",
            "responses": {"200": {"description": "The caseload", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"people": {"type": "array", "items": {
                    "type": "object",
                    "required": ["person_id", "email", "categories", "adherence", "scores", "alerts"],
                    "properties": {
                        "person_id": {"type": "integer"},
                        "email": {"type": "string"},
                        "categories": categories,
                        "adherence": {"type": ["object", "null"], "description": "Days logged (log shared)", "properties": {"last_7": {"type": "integer"}, "last_28": {"type": "integer"}}},
                        "scores": {"type": ["array", "null"], "description": "Latest score per questionnaire (questionnaires shared)", "items": {"type": "object", "properties": {
                            "instrument": {"type": "string"}, "instrument_id": {"type": "string"}, "display": {"type": "string"},
                            "band": {"type": ["string", "null"]}, "change": {"enum": ["improved", "no_reliable_change", "deteriorated", null]},
                            "date": {"type": "string", "format": "date"}
                        }}},
                        "alerts": {"type": ["object", "null"], "description": "Safety events in the last 28 days (safety shared)", "properties": {"count": {"type": "integer"}, "latest_at": {"type": ["integer", "null"]}}}
                    }
                }}}
            }}}}, "401": error, "403": error}
        }}),
    );
    paths.insert(
        "/api/v1/care/people/{id}".to_owned(),
        json!({"get": {
            "summary": "What a linked person shares with the caller (no data is read, nothing is logged)",
            "parameters": [person],
            "responses": {"200": {"description": "The link", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "person_id": {"type": "integer"}, "email": {"type": "string"}, "link_id": {"type": "integer"},
                    "linked_at": {"type": "integer"}, "categories": categories
                }
            }}}}, "401": error, "404": error}
        }}),
    );
    paths.insert(
        "/api/v1/care/people/{id}/days".to_owned(),
        shared(
            "The person's days, as GET /api/v1/days shows them", "log",
            json!([person, from, to]),
            json!({"description": "Days", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"days": {"type": "array", "items": {"$ref": "#/components/schemas/Day"}}}
            }}}})
        ),
    );
    paths.insert(
        "/api/v1/care/people/{id}/insights/light-mood".to_owned(),
        shared(
            "The person's Light & Mood insights, as GET /api/v1/insights/light-mood shows them",
            "log",
            json!([person, from, to]),
            json!({"description": "Insights"}),
        ),
    );
    paths.insert(
        "/api/v1/care/people/{id}/reflections".to_owned(),
        shared(
            "The person's written reflections", "reflections",
            json!([person]),
            json!({"description": "Reflections", "content": {"application/json": {"schema": {
                "type": "array", "items": {"type": "object", "properties": {
                    "date": {"type": "string", "format": "date"}, "text": {"type": "string"}, "updated_at": {"type": "integer"}
                }}
            }}}})
        ),
    );
    paths.insert(
        "/api/v1/care/people/{id}/exercises".to_owned(),
        shared(
            "The person's exercises of one approach; without ?approach, of every approach they share (403 when none)", "exercises:<approach>",
            json!([person, {"name": "approach", "in": "query", "schema": {"enum": ["cbt", "exposure", "self-compassion", "act", "mindfulness", "emotional-core"]}}]),
            json!({"description": "Exercises, in the shape of GET /api/v1/exercises"})
        ),
    );
    paths.insert(
        "/api/v1/care/people/{id}/measures".to_owned(),
        shared(
            "The person's questionnaire responses with scores", "questionnaires",
            json!([person]),
            json!({"description": "Responses", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"responses": {"type": "array", "items": {"$ref": "#/components/schemas/QuestionnaireResponse"}}}
            }}}})
        ),
    );
    paths.insert(
        "/api/v1/care/people/{id}/safety".to_owned(),
        shared(
            "The person's safety events (newest first) and safety plan", "safety",
            json!([person]),
            json!({"description": "Events and plan", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "events": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "at": {"type": "integer"},
                        "kind": {"enum": ["phq9-item9", "self-harm-language"]},
                        "detail": {"type": "string", "description": "Where, e.g. questionnaire:12 (never the person's words)"}
                    }}},
                    "plan": {"type": "object", "description": "As GET /api/v1/safety-plan"}
                }
            }}}})
        ),
    );
    paths.insert(
        "/api/v1/care/join".to_owned(),
        json!({"post": {
            "summary": "Accept a therapist's invitation, sharing exactly the categories listed (an empty list shares nothing)",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": false, "required": ["code", "categories"],
                "properties": {"code": {"type": "string", "description": "12 letters and digits; spaces and dashes are ignored"}, "categories": categories}
            }}}},
            "responses": {
                "201": {"description": "Linked", "content": {"application/json": {"schema": link}}},
                "400": error, "401": error, "403": error,
                "422": {"description": "A bad, unknown, expired or already used code (field code), or an unknown category (field categories); no link is made", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
        }}),
    );
    paths.insert(
        "/api/v1/care/links".to_owned(),
        json!({"get": {
            "summary": "The caller's links to therapists, active and ended, newest first",
            "responses": {"200": {"description": "Links", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"links": {"type": "array", "items": link}}
            }}}}, "401": error}
        }}),
    );
    paths.insert(
        "/api/v1/care/links/{id}".to_owned(),
        json!({"put": {
            "summary": "Replace what an active link shares; applies from the therapist's next request",
            "parameters": [id],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "additionalProperties": false, "required": ["categories"],
                "properties": {"categories": categories}
            }}}},
            "responses": {"200": {"description": "The link", "content": {"application/json": {"schema": link}}}, "400": error, "401": error, "404": error, "422": error}
        }}),
    );
    paths.insert(
        "/api/v1/care/links/{id}/end".to_owned(),
        json!({"post": {
            "summary": "End an active link (either side may); access ends with the next request",
            "parameters": [id],
            "responses": {"204": {"description": "Ended"}, "401": error, "404": error}
        }}),
    );
    paths.insert(
        "/api/v1/care/access-log".to_owned(),
        json!({"get": {
            "summary": "Who read the caller's data: every read by someone else, newest first",
            "responses": {"200": {"description": "The log", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"entries": {"type": "array", "items": {"type": "object", "properties": {
                    "at": {"type": "integer"}, "viewer": {"type": "string"}, "category": {"type": "string"},
                    "what": {"type": "string"}, "address": {"type": "string"}
                }}}}
            }}}}, "401": error}
        }}),
    );
    Value::Object(paths)
}
