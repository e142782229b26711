-- Insights are computed once per change: every write that can change what a person's insights,
-- history or progress show bumps their counter in the same transaction, and computed results
-- are cached under (epoch, person, version). No foreign key to users: the counter outlives a
-- deleted account, so an id SQLite hands out again never meets a version used before.
CREATE TABLE data_versions (
    user_id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL
);

-- One random id per database, made when it is created and again when a backup is restored, so
-- cached results of another copy of the database are never reused.
CREATE TABLE data_epoch (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    epoch TEXT    NOT NULL
);
INSERT INTO data_epoch (id, epoch) VALUES (1, lower(hex(randomblob(16))));
