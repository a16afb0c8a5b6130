-- 0002: the opt-in "send only new rows" ledger, the owner of a send in flight (so a second
-- process does not mistake an upload another live process is still sending for a crashed
-- one), poll and duplicate-lookup indexes.

ALTER TABLE uploads ADD COLUMN sending_owner TEXT;

CREATE INDEX uploads_by_content ON uploads (counter_id, kind, source_sha256);
CREATE INDEX uploads_by_next_poll ON uploads (next_poll_at) WHERE next_poll_at IS NOT NULL;
CREATE INDEX uploads_by_state ON uploads (state);

-- One row per (counter, kind, hashed row key): the hash of that row's normalised content as
-- last accepted by the server. Keys and contents are the first 16 bytes of SHA-256 digests
-- (collision odds stay negligible for billions of rows), never the data itself. `kind` is
-- the index of the kind in `UploadKind::ALL` (0 conversions … 4 orders): this table grows to
-- millions of rows, so every byte per row counts.
CREATE TABLE ledger (
    counter_id   INTEGER NOT NULL,
    kind         INTEGER NOT NULL,
    key_hash     BLOB NOT NULL,
    content_hash BLOB NOT NULL,
    upload_id    INTEGER NOT NULL REFERENCES uploads (id),
    PRIMARY KEY (counter_id, kind, key_hash)
) WITHOUT ROWID;
