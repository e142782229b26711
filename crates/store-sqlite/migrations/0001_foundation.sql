-- Accounts, sessions, sign-in throttling, personal access tokens and the daily log.
-- Times are Unix seconds (UTC); dates are the person's local date as YYYY-MM-DD.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('person', 'therapist', 'admin')),
    time_zone     TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    user_agent   TEXT    NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE login_failures (
    key TEXT    NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

CREATE TABLE days (
    user_id                INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date                   TEXT    NOT NULL,
    daylight_quarter_hours INTEGER NOT NULL CHECK (daylight_quarter_hours BETWEEN 0 AND 96),
    energy                 INTEGER NOT NULL CHECK (energy BETWEEN 0 AND 10),
    mood                   INTEGER NOT NULL CHECK (mood BETWEEN 0 AND 10),
    outside_morning        INTEGER NOT NULL CHECK (outside_morning IN (0, 1)),
    habits                 INTEGER NOT NULL DEFAULT 0,
    note                   TEXT,
    revision               INTEGER NOT NULL DEFAULT 1,
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL,
    PRIMARY KEY (user_id, date)
) WITHOUT ROWID;
