-- 0001: the first schema. Times are Unix milliseconds (UTC); hashes are lowercase hex.
-- Never add a column here: write a new numbered migration instead.

CREATE TABLE accounts (
    login        TEXT PRIMARY KEY NOT NULL,
    display_name TEXT,
    added_at     INTEGER NOT NULL,
    is_active    INTEGER NOT NULL DEFAULT 0 CHECK (is_active IN (0, 1))
);
-- At most one active account; the store keeps it exactly one while any exists.
CREATE UNIQUE INDEX accounts_one_active ON accounts (is_active) WHERE is_active = 1;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE profiles (
    counter_id     INTEGER PRIMARY KEY NOT NULL,
    account_login  TEXT NOT NULL,
    counter_name   TEXT,
    default_goal   TEXT,
    currency       TEXT,
    time_zone      TEXT,
    merge_mode     TEXT NOT NULL DEFAULT 'SAVE',
    hash_contacts  INTEGER NOT NULL DEFAULT 0 CHECK (hash_contacts IN (0, 1)),
    ledger_opt_in  INTEGER NOT NULL DEFAULT 0 CHECK (ledger_opt_in IN (0, 1)),
    updated_at     INTEGER NOT NULL
);

CREATE TABLE mapping_templates (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    header_signature TEXT NOT NULL,
    name             TEXT NOT NULL,
    body_json        TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    last_used_at     INTEGER NOT NULL,
    UNIQUE (kind, header_signature)
);

CREATE TABLE status_maps (
    counter_id INTEGER PRIMARY KEY NOT NULL,
    body_json  TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE uploads (
    id                      INTEGER PRIMARY KEY,
    tag                     TEXT NOT NULL UNIQUE,
    account_login           TEXT NOT NULL,
    counter_id              INTEGER NOT NULL,
    kind                    TEXT NOT NULL,
    state                   TEXT NOT NULL,
    source_name             TEXT NOT NULL,
    source_size             INTEGER NOT NULL,
    source_sha256           TEXT NOT NULL,
    prepared_sha256         TEXT,
    mapping_template_id     INTEGER REFERENCES mapping_templates (id) ON DELETE SET NULL,
    mapping_json            TEXT,
    rows_total              INTEGER NOT NULL DEFAULT 0,
    rows_valid              INTEGER NOT NULL DEFAULT 0,
    rows_rejected           INTEGER NOT NULL DEFAULT 0,
    issues_errors           INTEGER NOT NULL DEFAULT 0,
    issues_warnings         INTEGER NOT NULL DEFAULT 0,
    issues_notices          INTEGER NOT NULL DEFAULT 0,
    merge_mode              TEXT,
    options_json            TEXT,
    server_upload_id        TEXT,
    server_status           TEXT,
    source_quantity         INTEGER,
    line_quantity           INTEGER,
    linked_quantity         INTEGER,
    user_not_found_quantity INTEGER,
    goal_not_found_quantity INTEGER,
    static_calls_quantity   INTEGER,
    dynamic_calls_quantity  INTEGER,
    elements_count          INTEGER,
    server_message          TEXT,
    created_at              INTEGER NOT NULL,
    sending_started_at      INTEGER,
    sent_at                 INTEGER,
    last_polled_at          INTEGER,
    finished_at             INTEGER,
    next_poll_at            INTEGER,
    poll_attempts           INTEGER NOT NULL DEFAULT 0,
    resent_from             INTEGER REFERENCES uploads (id),
    superseded_by           INTEGER REFERENCES uploads (id)
);
CREATE INDEX uploads_by_created ON uploads (created_at DESC, id DESC);
CREATE INDEX uploads_by_counter ON uploads (counter_id, kind, created_at DESC);
