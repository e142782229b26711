-- A content-free record that an account was deleted: when, and nothing about whom.
CREATE TABLE account_deletions (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deleted_at BIGINT NOT NULL
);
