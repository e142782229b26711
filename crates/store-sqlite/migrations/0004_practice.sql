-- Practice between sessions: toolkit exercises, questionnaires, safety plan and safety events,
-- and the person's country (for crisis lines).

ALTER TABLE users ADD COLUMN country TEXT;

CREATE TABLE exercise_entries (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    date       TEXT    NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('draft', 'planned', 'done')),
    answers    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX exercise_entries_by_user ON exercise_entries (user_id, date);

CREATE TABLE questionnaire_responses (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id    TEXT    NOT NULL,
    instrument   TEXT    NOT NULL,
    answers      TEXT    NOT NULL,
    date         TEXT    NOT NULL,
    completed_at INTEGER NOT NULL,
    UNIQUE (user_id, client_id)
);
CREATE INDEX questionnaire_responses_by_user ON questionnaire_responses (user_id, instrument, completed_at);

CREATE TABLE questionnaire_drafts (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    instrument TEXT    NOT NULL,
    answers    TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, instrument)
);

CREATE TABLE questionnaire_schedules (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    instrument TEXT    NOT NULL,
    every_days INTEGER NOT NULL CHECK (every_days BETWEEN 1 AND 365),
    since      TEXT    NOT NULL,
    PRIMARY KEY (user_id, instrument)
);

CREATE TABLE safety_plans (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    plan       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE safety_events (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      INTEGER NOT NULL,
    kind    TEXT    NOT NULL,
    detail  TEXT    NOT NULL
);
CREATE INDEX safety_events_by_user ON safety_events (user_id, at);
