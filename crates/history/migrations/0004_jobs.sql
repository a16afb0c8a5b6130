-- Repeating jobs: a saved client profile plus a source, run by the OS scheduler through
-- `mbridge jobs run NAME`. The profile body (mapping, status map, read options, policies) is
-- JSON owned by mb-uploader; this schema only keeps it, the runs and the files taken.
CREATE TABLE jobs (
    name            TEXT PRIMARY KEY,
    account_login   TEXT NOT NULL,
    counter_id      INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    spec_json       TEXT NOT NULL,
    source_json     TEXT NOT NULL,
    schedule        TEXT,
    paused          INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

CREATE INDEX jobs_by_counter ON jobs (counter_id);

CREATE TABLE job_runs (
    id              INTEGER PRIMARY KEY,
    job_name        TEXT NOT NULL REFERENCES jobs (name) ON DELETE CASCADE,
    started_at      INTEGER NOT NULL,
    finished_at     INTEGER,
    -- running, sent, nothing_new, no_file, blocked, rejected, failed, interrupted
    result          TEXT NOT NULL,
    files_json      TEXT NOT NULL DEFAULT '[]',
    upload_ids_json TEXT NOT NULL DEFAULT '[]',
    rows_new        INTEGER NOT NULL DEFAULT 0,
    rows_unchanged  INTEGER NOT NULL DEFAULT 0,
    rows_rejected   INTEGER NOT NULL DEFAULT 0,
    message         TEXT,
    report_json     TEXT
) STRICT;

CREATE INDEX job_runs_by_job ON job_runs (job_name, id);

-- Files a folder job has taken (size and modification time tell a rewritten file).
CREATE TABLE job_files (
    job_name        TEXT NOT NULL REFERENCES jobs (name) ON DELETE CASCADE,
    path            TEXT NOT NULL,
    size            INTEGER NOT NULL,
    modified_ms     INTEGER NOT NULL,
    taken_at        INTEGER NOT NULL,
    PRIMARY KEY (job_name, path)
) STRICT;
