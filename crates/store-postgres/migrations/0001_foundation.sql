-- Accounts, sessions, sign-in throttling, personal access tokens and the daily log.
-- Times are Unix seconds (UTC) in BIGINT, as in the SQLite schema, so both backends hand the
-- same i64 values to the app; dates are the person's local date.
-- Small counts are BIGINT too: the store reads every integer as i64 on both backends.

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT   NOT NULL UNIQUE,
    password_hash TEXT   NOT NULL,
    role          TEXT   NOT NULL CHECK (role IN ('person', 'therapist', 'admin')),
    time_zone     TEXT   NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sessions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   TEXT   NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    user_agent   TEXT   NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE login_failures (
    key TEXT   NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);

CREATE TABLE api_tokens (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL,
    token_hash   TEXT   NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

CREATE TABLE days (
    user_id                BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date                   DATE    NOT NULL,
    daylight_quarter_hours BIGINT  NOT NULL CHECK (daylight_quarter_hours BETWEEN 0 AND 96),
    energy                 BIGINT  NOT NULL CHECK (energy BETWEEN 0 AND 10),
    mood                   BIGINT  NOT NULL CHECK (mood BETWEEN 0 AND 10),
    outside_morning        BOOLEAN NOT NULL,
    habits                 BIGINT  NOT NULL DEFAULT 0,
    note                   TEXT,
    -- 1 when inserted, +1 on every replacement: `upsert_day` reports "new" iff it reads back 1.
    revision               BIGINT  NOT NULL DEFAULT 1,
    created_at             BIGINT  NOT NULL,
    updated_at             BIGINT  NOT NULL,
    PRIMARY KEY (user_id, date)
);
