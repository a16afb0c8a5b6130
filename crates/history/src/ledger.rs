//! The opt-in "send only new rows" ledger: per (counter, kind), hashed row key → hash of
//! the row's normalised content as last ACCEPTED by the server. Owns the verdicts and the
//! commit rule (only accepted uploads teach the ledger, so a failed upload cannot poison
//! it). Does not own what a row key or normalised content is: the import crate decides and
//! hands over digests ([`row_hash`] is the shared way to make them).

use crate::upload::load;
use crate::{Error, Result, Store};
use mb_schema::UploadKind;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A SHA-256 digest of a row key or of a row's normalised content.
pub type RowHash = [u8; 32];

/// SHA-256 over the parts, each length-prefixed so `("ab","c")` and `("a","bc")` differ.
pub fn row_hash<S: AsRef<[u8]>>(parts: &[S]) -> RowHash {
    let mut h = Sha256::new();
    for p in parts {
        let p = p.as_ref();
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().into()
}

/// What the ledger says about one row of a file about to be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerVerdict {
    /// The key was never accepted for this counter and kind.
    New,
    /// The key was accepted with different content (e.g. an order's status changed).
    Changed,
    /// Accepted before with exactly this content: can be left out.
    Unchanged,
}

/// How many leading bytes of each digest are stored.
const STORED: usize = 16;

/// The stable small code of a kind in the ledger table.
fn kind_code(kind: UploadKind) -> i64 {
    UploadKind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as i64
}

/// Rows per write transaction in `ledger_commit`: short enough that the other process never
/// waits long for the write lock, long enough to amortise the commit.
const COMMIT_CHUNK: usize = 20_000;

impl Store {
    /// One verdict per input row, in input order. Runs every lookup through one prepared
    /// statement inside one read transaction (a consistent snapshot, primary-key probes).
    pub fn ledger_filter(
        &self,
        counter_id: i64,
        kind: UploadKind,
        rows: impl IntoIterator<Item = (RowHash, RowHash)>,
    ) -> Result<Vec<LedgerVerdict>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let code = kind_code(kind);
        let mut out = Vec::new();
        {
            let mut stmt = tx.prepare_cached(
                "SELECT content_hash FROM ledger WHERE counter_id = ?1 AND kind = ?2 \
                 AND key_hash = ?3",
            )?;
            for (key, content) in rows {
                let stored: Option<Vec<u8>> = stmt
                    .query_row(params![counter_id, code, &key[..STORED]], |r| r.get(0))
                    .optional()?;
                out.push(match stored {
                    None => LedgerVerdict::New,
                    Some(s) if s == content[..STORED] => LedgerVerdict::Unchanged,
                    Some(_) => LedgerVerdict::Changed,
                });
            }
        }
        tx.finish()?;
        Ok(out)
    }

    /// Records the rows of upload `upload_id` (key hash, content hash) for its counter and
    /// kind. Refused with [`Error::LedgerNotAccepted`] unless the server accepted the upload
    /// (`sent`, `processing`, `processed`, `linkage_failure`). A later row with the same key
    /// wins. Written in chunks of 20 000 rows per transaction; re-running is harmless.
    /// Returns the number of rows written.
    pub fn ledger_commit(
        &self,
        upload_id: i64,
        rows: impl IntoIterator<Item = (RowHash, RowHash)>,
    ) -> Result<usize> {
        let upload = self.upload(upload_id)?;
        if !upload.state.is_accepted() {
            return Err(Error::LedgerNotAccepted {
                id: upload_id,
                state: upload.state,
            });
        }
        let mut rows = rows.into_iter().peekable();
        let mut written = 0;
        let mut chunk: Vec<(RowHash, RowHash)> = Vec::with_capacity(COMMIT_CHUNK);
        while rows.peek().is_some() {
            chunk.clear();
            chunk.extend(rows.by_ref().take(COMMIT_CHUNK));
            // Key order turns random B-tree inserts into mostly sequential ones; the stable
            // sort keeps "a later row with the same key wins".
            chunk.sort_by_key(|row| row.0);
            written += self.write(|tx, _| {
                // Re-checked under the write lock: another process may have failed it.
                let state = load(tx, upload_id)?.state;
                if !state.is_accepted() {
                    return Err(Error::LedgerNotAccepted {
                        id: upload_id,
                        state,
                    });
                }
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO ledger (counter_id, kind, key_hash, content_hash, upload_id) \
                     VALUES (?1, ?2, ?3, ?4, ?5) \
                     ON CONFLICT (counter_id, kind, key_hash) DO UPDATE SET \
                     content_hash = excluded.content_hash, upload_id = excluded.upload_id",
                )?;
                for (key, content) in &chunk {
                    stmt.execute(params![
                        upload.counter_id,
                        kind_code(upload.kind),
                        &key[..STORED],
                        &content[..STORED],
                        upload_id,
                    ])?;
                }
                Ok(chunk.len())
            })?;
        }
        Ok(written)
    }

    /// How many keys the ledger holds for a counter and kind.
    pub fn ledger_len(&self, counter_id: i64, kind: UploadKind) -> Result<u64> {
        self.read(|c| {
            Ok(
                c.prepare_cached("SELECT count(*) FROM ledger WHERE counter_id = ?1 AND kind = ?2")?
                    .query_row(params![counter_id, kind_code(kind)], |r| r.get::<_, i64>(0))?
                    as u64,
            )
        })
    }

    /// Forgets a counter's ledger for one kind (the user switched the option off, or wants
    /// to resend everything). Returns the number of keys removed.
    pub fn ledger_clear(&self, counter_id: i64, kind: UploadKind) -> Result<usize> {
        self.write(|tx, _| {
            Ok(tx
                .prepare_cached("DELETE FROM ledger WHERE counter_id = ?1 AND kind = ?2")?
                .execute(params![counter_id, kind_code(kind)])?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_codes_are_the_stable_positions_in_all() {
        let codes: Vec<i64> = UploadKind::ALL.into_iter().map(kind_code).collect();
        assert_eq!(codes, [0, 1, 2, 3, 4]);
        assert_eq!(
            kind_code(UploadKind::Orders),
            4,
            "stored in files: never renumber"
        );
    }

    #[test]
    fn row_hash_separates_parts() {
        assert_ne!(row_hash(&["ab", "c"]), row_hash(&["a", "bc"]));
        assert_eq!(
            row_hash(&["a", "b"]),
            row_hash(&[b"a".as_slice(), b"b".as_slice()])
        );
    }
}
