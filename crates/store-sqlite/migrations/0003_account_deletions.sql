-- A content-free record that an account was deleted: when, and nothing about whom.
CREATE TABLE account_deletions (
    id         INTEGER PRIMARY KEY,
    deleted_at INTEGER NOT NULL
);
