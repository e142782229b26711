-- Insights: a person's location, their written reflections, and Light & Mood experiments.

CREATE TABLE locations (
    user_id   BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    latitude  DOUBLE PRECISION NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude DOUBLE PRECISION NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    place     TEXT NOT NULL
);

CREATE TABLE reflections (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date       DATE   NOT NULL,
    text       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, date)
);

CREATE TABLE experiments (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    start_date DATE   NOT NULL,
    end_date   DATE   NOT NULL,
    weeks      BIGINT NOT NULL CHECK (weeks BETWEEN 2 AND 8),
    seed       BIGINT NOT NULL,
    schedule   TEXT   NOT NULL,
    status     TEXT   NOT NULL CHECK (status IN ('active', 'completed', 'abandoned')),
    created_at BIGINT NOT NULL,
    ended_at   BIGINT
);
CREATE INDEX experiments_by_user ON experiments (user_id);
-- One experiment at a time.
CREATE UNIQUE INDEX one_active_experiment ON experiments (user_id) WHERE status = 'active';
