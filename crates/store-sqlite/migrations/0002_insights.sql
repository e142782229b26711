-- Insights: a person's location, their written reflections, and Light & Mood experiments.

CREATE TABLE locations (
    user_id   INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    latitude  REAL NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude REAL NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    place     TEXT NOT NULL
);

CREATE TABLE reflections (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date       TEXT   NOT NULL,
    text       TEXT   NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, date)
);

CREATE TABLE experiments (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    start_date TEXT   NOT NULL,
    end_date   TEXT   NOT NULL,
    weeks      INTEGER NOT NULL CHECK (weeks BETWEEN 2 AND 8),
    seed       INTEGER NOT NULL,
    schedule   TEXT   NOT NULL,
    status     TEXT   NOT NULL CHECK (status IN ('active', 'completed', 'abandoned')),
    created_at INTEGER NOT NULL,
    ended_at   INTEGER
);
CREATE INDEX experiments_by_user ON experiments (user_id);
-- One experiment at a time.
CREATE UNIQUE INDEX one_active_experiment ON experiments (user_id) WHERE status = 'active';
