-- 0003: the "only new rows" ledger becomes segments: one sorted run of 16-byte entries per
-- upload (8 bytes of the row key's SHA-256, 8 bytes of its content's), written PENDING before
-- the upload is sent and confirmed by the same transaction that records the server's
-- acceptance (an UPDATE of one row, so a kill can never leave a partly taught ledger).
-- Rejected, failed and superseded uploads lose their segment. Confirmed segments of finished
-- uploads are merged in the background of later commits (newest knowledge wins), so a
-- counter's ledger stays a handful of blobs: ~16 MB per million keys instead of ~93 MB, and
-- lookups are merges of sorted arrays instead of one B-tree probe per row.
-- The rows of the old `ledger` table are carried over by the Rust step of this migration
-- (crates/history/src/ledger.rs, `migrate_0003`), which then drops it.

CREATE TABLE ledger_segments (
    id          INTEGER PRIMARY KEY,
    counter_id  INTEGER NOT NULL,
    -- The index of the kind in `UploadKind::ALL` (0 conversions … 4 orders).
    kind        INTEGER NOT NULL,
    -- The upload these keys belong to; NULL once merged with other uploads' segments.
    upload_id   INTEGER REFERENCES uploads (id),
    -- NULL while pending; otherwise the order of acceptance (larger = newer, wins).
    ord         INTEGER,
    entries     INTEGER NOT NULL,
    data        BLOB NOT NULL
);
CREATE INDEX ledger_segments_by_counter ON ledger_segments (counter_id, kind, ord);
CREATE UNIQUE INDEX ledger_segments_by_upload ON ledger_segments (upload_id)
    WHERE upload_id IS NOT NULL;
