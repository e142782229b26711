-- Insights are computed once per change: every write that can change what a person's insights,
-- history or progress show bumps their counter in the same transaction, and computed results
-- are cached under (epoch, person, version). No foreign key to users: the counter outlives a
-- deleted account, so a version is never used for two different states.
CREATE TABLE data_versions (
    user_id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);

-- One random id per database, made when it is created, so cached results of another copy of
-- the database are never reused.
CREATE TABLE data_epoch (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    epoch TEXT    NOT NULL
);
INSERT INTO data_epoch (id, epoch) VALUES (1, md5(random()::text || clock_timestamp()::text));
