-- Look-ups on the server that did not find an interrupted upload: the first and the latest.
-- Two of them half an hour apart or more settle it as never arrived (an upload Metrica took
-- is in its list from its answer on, which may come long after a big file's send began), so
-- later sends stop asking about it. Only conversions and calls are found by their exact tag.
CREATE TABLE absent_lookups (
    upload_id       INTEGER PRIMARY KEY REFERENCES uploads (id) ON DELETE CASCADE,
    first_at        INTEGER NOT NULL,
    last_at         INTEGER NOT NULL
) STRICT;
