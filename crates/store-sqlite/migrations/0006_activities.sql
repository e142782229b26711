-- Small imperfect steps: planned activities (behavioural activation) and guided programmes.

CREATE TABLE activities (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    what       TEXT    NOT NULL,
    date       TEXT    NOT NULL,
    time       TEXT,
    kind       TEXT    NOT NULL,
    value      TEXT,
    outcome    TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX activities_by_user ON activities (user_id, date);

CREATE TABLE programme_runs (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    programme_id   TEXT    NOT NULL,
    programme      TEXT,
    started        TEXT    NOT NULL,
    completed_days TEXT    NOT NULL,
    assigned_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL,
    ended_at       INTEGER
);
CREATE INDEX programme_runs_by_user ON programme_runs (user_id);
-- A programme runs once at a time for a person (a composed one is identified by its run).
CREATE UNIQUE INDEX one_active_run ON programme_runs (user_id, programme_id) WHERE ended_at IS NULL;
