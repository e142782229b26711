-- A day holds what the person knows: daylight, energy, mood and outside in the morning may each
-- be missing (NULL), never zero. SQLite cannot drop NOT NULL in place, so the table is rebuilt
-- with every existing row kept as it was. Nothing references `days`, and its only index is the
-- primary key, which the new table declares again.
CREATE TABLE days_partial (
    user_id                INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date                   TEXT    NOT NULL,
    daylight_quarter_hours INTEGER CHECK (daylight_quarter_hours BETWEEN 0 AND 96),
    energy                 INTEGER CHECK (energy BETWEEN 0 AND 10),
    mood                   INTEGER CHECK (mood BETWEEN 0 AND 10),
    outside_morning        INTEGER CHECK (outside_morning IN (0, 1)),
    habits                 INTEGER NOT NULL DEFAULT 0,
    note                   TEXT,
    revision               INTEGER NOT NULL DEFAULT 1,
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL,
    PRIMARY KEY (user_id, date)
) WITHOUT ROWID;

INSERT INTO days_partial (user_id, date, daylight_quarter_hours, energy, mood, outside_morning,
                          habits, note, revision, created_at, updated_at)
SELECT user_id, date, daylight_quarter_hours, energy, mood, outside_morning,
       habits, note, revision, created_at, updated_at
FROM days;

DROP TABLE days;
ALTER TABLE days_partial RENAME TO days;
