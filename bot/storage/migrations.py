"""The schema, as numbered migrations. Append only: never edit or drop a shipped step."""

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, """
CREATE TABLE conversation_state (
    platform    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    flow        TEXT NOT NULL,
    data        TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    PRIMARY KEY (platform, user_id)
);

CREATE TABLE member_region (
    platform    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    country     TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (platform, user_id)
);

CREATE TABLE community_setting (
    platform      TEXT NOT NULL,
    community_id  TEXT NOT NULL,
    key           TEXT NOT NULL,
    value         TEXT NOT NULL,
    PRIMARY KEY (platform, community_id, key)
);

CREATE TABLE setting_change (
    id            INTEGER PRIMARY KEY,
    platform      TEXT NOT NULL,
    community_id  TEXT NOT NULL,
    key           TEXT NOT NULL,
    old_value     TEXT,
    new_value     TEXT NOT NULL,
    changed_by    TEXT NOT NULL,
    changed_at    TEXT NOT NULL
);

CREATE TABLE escalation (
    id               INTEGER PRIMARY KEY,
    platform         TEXT NOT NULL,
    community_id     TEXT NOT NULL,
    channel_id       TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    message_id       TEXT NOT NULL,
    link             TEXT NOT NULL,
    tier             TEXT NOT NULL,
    category         TEXT NOT NULL,      -- 'self' (self-risk) or 'harassment'
    signal           TEXT NOT NULL,      -- the id of the pattern that fired
    excerpt          TEXT,               -- cleared when the escalation closes
    state            TEXT NOT NULL,      -- open | acknowledged | resolved
    created_at       TEXT NOT NULL,
    acknowledged_by  TEXT,
    acknowledged_at  TEXT,
    resolved_by      TEXT,
    resolved_at      TEXT,
    next_ping_at     TEXT,               -- when an un-acknowledged alert is paged again
    ping_count       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX escalation_due ON escalation (next_ping_at) WHERE next_ping_at IS NOT NULL;
CREATE INDEX escalation_member ON escalation (platform, user_id, created_at);
CREATE INDEX escalation_state ON escalation (platform, community_id, state);

CREATE TABLE escalation_event (
    id             INTEGER PRIMARY KEY,
    escalation_id  INTEGER NOT NULL REFERENCES escalation(id) ON DELETE CASCADE,
    at             TEXT NOT NULL,
    what           TEXT NOT NULL,
    detail         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX escalation_event_by_escalation ON escalation_event (escalation_id);

CREATE TABLE audit (
    id            INTEGER PRIMARY KEY,
    platform      TEXT NOT NULL,
    community_id  TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    what          TEXT NOT NULL,
    at            TEXT NOT NULL
);
"""),
    (2, """
CREATE TABLE checkin_schedule (
    platform       TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    community_id   TEXT NOT NULL,
    schedule       TEXT NOT NULL,        -- Schedule.to_text()
    next_due_at    TEXT NOT NULL,        -- UTC
    paused_until   TEXT,
    paused_reason  TEXT,
    failures       INTEGER NOT NULL DEFAULT 0,
    claim_token    TEXT,                 -- set while one loop is sending this slot
    claimed_until  TEXT,                 -- the claim's lease; after it, another loop may take it
    created_at     TEXT NOT NULL,
    PRIMARY KEY (platform, user_id)
);
CREATE INDEX checkin_schedule_due ON checkin_schedule (next_due_at);

-- One row per member and slot: the idempotency key that stops a slot being sent twice.
CREATE TABLE checkin_slot (
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    slot       TEXT NOT NULL,            -- the member's local date of the slot
    kind       TEXT NOT NULL,            -- mood | who5
    sent_at    TEXT NOT NULL,
    PRIMARY KEY (platform, user_id, slot)
);

CREATE TABLE checkin_answer (
    platform     TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    day          TEXT NOT NULL,          -- the member's local date
    kind         TEXT NOT NULL,          -- mood | who5
    value        INTEGER,                -- mood 1-5, or the WHO-5 percentage 0-100; NULL when skipped
    detail       TEXT,                   -- WHO-5 item answers as JSON
    note         TEXT,
    answered_at  TEXT NOT NULL,
    PRIMARY KEY (platform, user_id, day, kind)
);
"""),
    (3, """
CREATE TABLE resource_schedule (
    id            INTEGER PRIMARY KEY,
    platform      TEXT NOT NULL,
    community_id  TEXT NOT NULL,
    channel_id    TEXT NOT NULL,
    topic         TEXT NOT NULL,
    every_days    INTEGER NOT NULL,
    next_post_at  TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (platform, community_id, channel_id, topic)
);
CREATE INDEX resource_schedule_due ON resource_schedule (next_post_at);
"""),
)

LATEST_VERSION = MIGRATIONS[-1][0]
