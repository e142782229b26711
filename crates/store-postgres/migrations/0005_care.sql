-- The therapist's side: invitations, consent-based links, the access log the person reads,
-- homework, and secret calendar feeds.

CREATE TABLE invitations (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    therapist_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   TEXT    NOT NULL UNIQUE,
    label       TEXT    NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    used_by     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    revoked_at  BIGINT
);
CREATE INDEX invitations_by_therapist ON invitations (therapist_id);

CREATE TABLE care_links (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    therapist_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    categories   TEXT    NOT NULL,
    created_at   BIGINT NOT NULL,
    ended_at     BIGINT
);
CREATE INDEX care_links_by_person ON care_links (person_id);
CREATE INDEX care_links_by_therapist ON care_links (therapist_id);
-- At most one active link between two people.
CREATE UNIQUE INDEX one_active_link ON care_links (person_id, therapist_id) WHERE ended_at IS NULL;

CREATE TABLE access_log (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    viewer_id    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    viewer_email TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    what         TEXT    NOT NULL,
    address      TEXT    NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX access_log_by_person ON access_log (person_id, at);

CREATE TABLE homework (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    therapist_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    kind         TEXT    NOT NULL,
    note         TEXT    NOT NULL,
    start_date   DATE    NOT NULL,
    end_date     DATE    NOT NULL,
    every_days   BIGINT CHECK (every_days IS NULL OR every_days BETWEEN 1 AND 365),
    created_at   BIGINT NOT NULL,
    cancelled_at BIGINT,
    CHECK (end_date >= start_date)
);
CREATE INDEX homework_by_person ON homework (person_id);

CREATE TABLE calendar_feeds (
    user_id       BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash    TEXT    NOT NULL UNIQUE,
    reminder_time TEXT    NOT NULL,
    created_at    BIGINT NOT NULL
);
