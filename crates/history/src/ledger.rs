//! The "send only new rows" ledger: per (counter, kind), hashed row key → hash of the row's
//! normalised content as last ACCEPTED by the server. Owns the verdicts, the storage and the
//! commit rule: an upload's keys are staged PENDING before it is sent ([`Store::ledger_stage`])
//! and confirmed by the very transaction that records the server's acceptance (`mark_sent`),
//! so a kill at any instant leaves either all of an upload's keys or none of them; rejected,
//! failed and superseded uploads lose their pending keys and never teach the ledger. Does not
//! own what a row key or normalised content is: the import crate decides and hands over
//! digests ([`row_hash`] is the shared way to make them).
//!
//! Storage: a *segment* is one sorted run of 16-byte entries (the first 8 bytes of the key's
//! SHA-256, big-endian, then the first 8 of the content's) in one BLOB. Each upload stages one
//! segment; confirming it is an UPDATE of one row. Confirmed segments of finished uploads are
//! merged pairwise so a counter's ledger stays a few blobs of about 16 MB per million keys; a
//! merged key keeps the contents it held before its newest (last), so a row whose content was
//! accepted once and replaced since is told apart ([`LedgerVerdict::Reverted`]) from a
//! correction. A lookup is a galloping merge of the sorted probes through each segment, oldest
//! first, so later segments overwrite earlier answers.
//!
//! Why 8 bytes each is enough: a row is left out only when BOTH its key and its content
//! digests match the stored entry; two different rows doing so by chance has odds of about
//! 2^-64 per row. A key-only collision makes a new row look "changed", and it is sent anyway.

use crate::upload::{UploadState, load};
use crate::{Error, Result, Store};
use mb_schema::UploadKind;
use rusqlite::{OptionalExtension, Transaction, params};
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
    /// The key was accepted with different content, and never with this one (an order's
    /// status changed since, an amount corrected): a correction.
    Changed,
    /// Accepted before with exactly this content: can be left out.
    Unchanged,
    /// Accepted with exactly this content once, and with other content since: an OLDER value
    /// than Metrica's (an older export picked again: an order paid since, still cancelled
    /// here). Sending it would put the older value back.
    Reverted,
}

/// One stored entry: (key, content), each the leading 8 bytes of its digest.
type Entry = (u64, u64);

const ENTRY: usize = 16;

/// Merging stops before a segment would pass this many entries (64 MiB): a lookup holds one
/// segment in memory at a time.
const MERGE_CAP: u64 = 4 << 20;

/// Above this many mergeable segments the newest two are merged whatever their sizes.
const MAX_SEGMENTS: usize = 8;

/// The stable small code of a kind in the ledger tables.
fn kind_code(kind: UploadKind) -> i64 {
    UploadKind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as i64
}

fn head(d: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_be_bytes(b)
}

fn entry(key: &RowHash, content: &RowHash) -> Entry {
    (head(key), head(content))
}

/// Sorted by key, one entry per key, the last input row of a key winning.
fn run_of(rows: impl IntoIterator<Item = (RowHash, RowHash)>) -> (Vec<Entry>, usize) {
    let mut v: Vec<Entry> = rows.into_iter().map(|(k, c)| entry(&k, &c)).collect();
    let n = v.len();
    v.sort_by_key(|e| e.0); // stable: equal keys keep input order
    (dedup_last(v), n)
}

fn dedup_last(v: Vec<Entry>) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::with_capacity(v.len());
    for e in v {
        match out.last_mut() {
            Some(l) if l.0 == e.0 => *l = e,
            _ => out.push(e),
        }
    }
    out
}

fn encode(run: &[Entry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(run.len() * ENTRY);
    for (k, c) in run {
        out.extend_from_slice(&k.to_be_bytes());
        out.extend_from_slice(&c.to_be_bytes());
    }
    out
}

fn key_at(seg: &[u8], i: usize) -> u64 {
    head(&seg[i * ENTRY..])
}

fn content_at(seg: &[u8], i: usize) -> u64 {
    head(&seg[i * ENTRY + 8..])
}

/// First index in `seg[from..]` whose key is `>= k` (galloping, then binary search), so a
/// sorted sweep of probes costs O(p log(n/p)).
fn seek(seg: &[u8], from: usize, k: u64) -> usize {
    let n = seg.len() / ENTRY;
    if from >= n || key_at(seg, from) >= k {
        return from;
    }
    let mut step = 1;
    let mut lo = from; // key_at(lo) < k
    let mut hi = loop {
        let probe = lo + step;
        if probe >= n {
            break n;
        }
        if key_at(seg, probe) >= k {
            break probe;
        }
        lo = probe;
        step *= 2;
    };
    // Invariant: key_at(lo) < k, and hi == n or key_at(hi) >= k.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if key_at(seg, mid) < k {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// The entries of `seg` from `from` on whose key is `k`: `from..end`.
fn key_run(seg: &[u8], from: usize, k: u64) -> usize {
    let n = seg.len() / ENTRY;
    let mut end = from;
    while end < n && key_at(seg, end) == k {
        end += 1;
    }
    end
}

/// For each sorted probe key, writes into `stored[idx]` the content `seg` holds now (the last
/// of the key's entries: a merged segment keeps the earlier contents of a key before its
/// newest) and sets `seen[idx]` when one of the key's entries is the probe's own content.
fn look_up(
    seg: &[u8],
    probes: &[(u64, u32)],
    contents: &[u64],
    stored: &mut [Option<u64>],
    seen: &mut [bool],
) {
    let n = seg.len() / ENTRY;
    let mut pos = 0;
    for &(k, idx) in probes {
        pos = seek(seg, pos, k);
        if pos == n {
            break;
        }
        let end = key_run(seg, pos, k);
        if end > pos {
            let i = idx as usize;
            stored[i] = Some(content_at(seg, end - 1));
            seen[i] |= (pos..end).any(|e| content_at(seg, e) == contents[i]);
        }
    }
}

/// Merges two sorted runs. On equal keys the newer entries come last (they are what the key
/// holds now), after the older ones whose content they do not repeat (what it held before).
fn merge(older: &[u8], newer: &[u8]) -> Vec<u8> {
    let (a, b) = (older.len() / ENTRY, newer.len() / ENTRY);
    let mut out = Vec::with_capacity(older.len() + newer.len());
    let (mut i, mut j) = (0, 0);
    while i < a && j < b {
        let (ka, kb) = (key_at(older, i), key_at(newer, j));
        if ka < kb {
            out.extend_from_slice(&older[i * ENTRY..(i + 1) * ENTRY]);
            i += 1;
        } else if kb < ka {
            out.extend_from_slice(&newer[j * ENTRY..(j + 1) * ENTRY]);
            j += 1;
        } else {
            let (ei, ej) = (key_run(older, i, ka), key_run(newer, j, kb));
            for e in i..ei {
                let c = content_at(older, e);
                if !(j..ej).any(|f| content_at(newer, f) == c) {
                    out.extend_from_slice(&older[e * ENTRY..(e + 1) * ENTRY]);
                }
            }
            out.extend_from_slice(&newer[j * ENTRY..ej * ENTRY]);
            (i, j) = (ei, ej);
        }
    }
    out.extend_from_slice(&older[i * ENTRY..]);
    out.extend_from_slice(&newer[j * ENTRY..]);
    out
}

fn next_ord(tx: &Transaction<'_>, counter_id: i64, kind: i64) -> Result<i64> {
    Ok(tx
        .prepare_cached(
            "SELECT COALESCE(MAX(ord), 0) + 1 FROM ledger_segments \
             WHERE counter_id = ?1 AND kind = ?2",
        )?
        .query_row(params![counter_id, kind], |r| r.get(0))?)
}

/// Confirms the upload's pending keys: called inside the transaction that records the
/// server's acceptance, so both happen or neither does.
pub(crate) fn confirm(tx: &Transaction<'_>, upload_id: i64) -> Result<()> {
    let seg: Option<(i64, i64)> = tx
        .prepare_cached(
            "SELECT counter_id, kind FROM ledger_segments WHERE upload_id = ?1 AND ord IS NULL",
        )?
        .query_row([upload_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((counter_id, kind)) = seg {
        let ord = next_ord(tx, counter_id, kind)?;
        tx.prepare_cached("UPDATE ledger_segments SET ord = ?2 WHERE upload_id = ?1")?
            .execute(params![upload_id, ord])?;
    }
    Ok(())
}

/// Drops whatever the upload would have taught (pending or confirmed but not yet merged):
/// for uploads that end rejected or failed.
pub(crate) fn forget(tx: &Transaction<'_>, upload_id: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM ledger_segments WHERE upload_id = ?1")?
        .execute([upload_id])?;
    Ok(())
}

/// Interrupted uploads of the same counter and kind whose every pending row (by its key) the
/// confirmed upload `upload_id` carried: a later send (a job's next run, the file sent again)
/// took their rows, so resending one would send those rows twice, or put its older or other
/// values back over the later ones (a resend that the core refuses: no button should offer
/// it).
pub(crate) fn covered_interrupted(tx: &Transaction<'_>, upload_id: i64) -> Result<Vec<i64>> {
    let new: Option<(i64, i64, Vec<u8>)> = tx
        .prepare_cached(
            "SELECT counter_id, kind, data FROM ledger_segments \
             WHERE upload_id = ?1 AND ord IS NOT NULL",
        )?
        .query_row([upload_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((counter_id, kind, new)) = new else {
        return Ok(Vec::new());
    };
    let mut stmt = tx.prepare_cached(
        "SELECT s.data, s.upload_id FROM ledger_segments s JOIN uploads u ON u.id = s.upload_id \
         WHERE s.counter_id = ?1 AND s.kind = ?2 AND s.ord IS NULL AND s.entries > 0 \
         AND u.state = 'interrupted' AND u.superseded_by IS NULL AND s.upload_id <> ?3",
    )?;
    let mut rows = stmt.query(params![counter_id, kind, upload_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let old_id: i64 = r.get(1)?;
        if covers(&new, blob_ref(r)?) {
            out.push(old_id);
        }
    }
    Ok(out)
}

/// Whether every entry of the sorted run `old` is in the sorted run `new` with the same content.
fn covers(new: &[u8], old: &[u8]) -> bool {
    let (n, m) = (new.len() / ENTRY, old.len() / ENTRY);
    let mut pos = 0;
    for i in 0..m {
        let k = key_at(old, i);
        pos = seek(new, pos, k);
        if pos == n || key_at(new, pos) != k {
            return false;
        }
    }
    true
}

/// Hands an interrupted or failed upload's pending keys to the upload that resends it.
pub(crate) fn hand_over(tx: &Transaction<'_>, from: i64, to: i64) -> Result<()> {
    tx.prepare_cached(
        "UPDATE ledger_segments SET upload_id = ?2 WHERE upload_id = ?1 AND ord IS NULL",
    )?
    .execute(params![from, to])?;
    forget(tx, from)
}

/// Migration 0003's data step: the old one-row-per-key table becomes one confirmed segment
/// per (counter, kind), then goes.
pub(crate) fn migrate_0003(tx: &Transaction<'_>) -> Result<()> {
    let mut groups: Vec<((i64, i64), Vec<Entry>)> = Vec::new();
    {
        let mut stmt = tx.prepare(
            "SELECT counter_id, kind, key_hash, content_hash FROM ledger \
             ORDER BY counter_id, kind, key_hash",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let g = (r.get::<_, i64>(0)?, r.get::<_, i64>(1)?);
            let (k, c): (Vec<u8>, Vec<u8>) = (r.get(2)?, r.get(3)?);
            if k.len() < 8 || c.len() < 8 {
                continue;
            }
            let e = (head(&k), head(&c));
            match groups.last_mut() {
                Some((last, v)) if *last == g => v.push(e),
                _ => groups.push((g, vec![e])),
            }
        }
    }
    for ((counter_id, kind), v) in groups {
        let run = dedup_last(v);
        tx.execute(
            "INSERT INTO ledger_segments (counter_id, kind, upload_id, ord, entries, data) \
             VALUES (?1, ?2, NULL, 1, ?3, ?4)",
            params![counter_id, kind, run.len() as i64, encode(&run)],
        )?;
    }
    tx.execute_batch("DROP TABLE ledger")?;
    Ok(())
}

struct SegmentInfo {
    id: i64,
    ord: i64,
    entries: u64,
    mergeable: bool,
}

impl Store {
    /// One verdict per input row, in input order, from one consistent snapshot of the
    /// confirmed keys. Pending keys (uploads not yet accepted) count as unknown.
    pub fn ledger_filter(
        &self,
        counter_id: i64,
        kind: UploadKind,
        rows: impl IntoIterator<Item = (RowHash, RowHash)>,
    ) -> Result<Vec<LedgerVerdict>> {
        let mut contents = Vec::new();
        let mut probes: Vec<(u64, u32)> = Vec::new();
        for (i, (k, c)) in rows.into_iter().enumerate() {
            probes.push((head(&k), i as u32));
            contents.push(head(&c));
        }
        if probes.is_empty() {
            return Ok(Vec::new());
        }
        probes.sort_unstable();
        let mut stored: Vec<Option<u64>> = vec![None; contents.len()];
        let mut seen = vec![false; contents.len()];
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "SELECT data FROM ledger_segments WHERE counter_id = ?1 AND kind = ?2 \
                 AND ord IS NOT NULL ORDER BY ord",
            )?;
            let mut segs = stmt.query(params![counter_id, kind_code(kind)])?;
            while let Some(r) = segs.next()? {
                look_up(blob_ref(r)?, &probes, &contents, &mut stored, &mut seen);
            }
        }
        tx.finish()?;
        Ok(stored
            .into_iter()
            .zip(contents)
            .zip(seen)
            .map(|((s, c), seen)| match s {
                None => LedgerVerdict::New,
                Some(s) if s == c => LedgerVerdict::Unchanged,
                Some(_) if seen => LedgerVerdict::Reverted,
                Some(_) => LedgerVerdict::Changed,
            })
            .collect())
    }

    /// Records the keys of a `prepared` upload as PENDING, before anything is sent; the
    /// transaction that records the server's acceptance confirms them. Staging again replaces
    /// the earlier pending keys. Returns the number of distinct keys.
    pub fn ledger_stage(
        &self,
        upload_id: i64,
        rows: impl IntoIterator<Item = (RowHash, RowHash)>,
    ) -> Result<usize> {
        let (run, _) = run_of(rows);
        let data = encode(&run);
        self.write(|tx, _| {
            let u = load(tx, upload_id)?;
            if u.state != UploadState::Prepared {
                return Err(Error::LedgerNotPending {
                    id: upload_id,
                    state: u.state,
                });
            }
            forget(tx, upload_id)?;
            tx.prepare_cached(
                "INSERT INTO ledger_segments (counter_id, kind, upload_id, ord, entries, data) \
                 VALUES (?1, ?2, ?3, NULL, ?4, ?5)",
            )?
            .execute(params![
                u.counter_id,
                kind_code(u.kind),
                upload_id,
                run.len() as i64,
                &data
            ])?;
            Ok(run.len())
        })
    }

    /// How many of `keys` are among the keys upload `upload_id` staged before its send and
    /// the server has not confirmed (an interrupted upload's rows, should it have arrived).
    /// None when it staged none: its rows are not known.
    pub fn ledger_pending_shares(
        &self,
        upload_id: i64,
        keys: impl IntoIterator<Item = RowHash>,
    ) -> Result<Option<u64>> {
        let mut probes: Vec<u64> = keys.into_iter().map(|k| head(&k)).collect();
        probes.sort_unstable();
        self.read(|c| {
            let seg: Option<Vec<u8>> = c
                .prepare_cached(
                    "SELECT data FROM ledger_segments WHERE upload_id = ?1 AND ord IS NULL",
                )?
                .query_row([upload_id], |r| r.get(0))
                .optional()?;
            Ok(seg.map(|seg| {
                let n = seg.len() / ENTRY;
                let mut pos = 0;
                let mut shared = 0;
                for k in probes {
                    pos = seek(&seg, pos, k);
                    if pos == n {
                        break;
                    }
                    if key_at(&seg, pos) == k {
                        shared += 1;
                    }
                }
                shared
            }))
        })
    }

    /// True when the upload has keys waiting for the server's acceptance.
    pub fn ledger_has_pending(&self, upload_id: i64) -> Result<bool> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT 1 FROM ledger_segments WHERE upload_id = ?1 AND ord IS NULL",
            )?
            .exists([upload_id])?)
        })
    }

    /// True when the upload's keys are in the ledger (confirmed, possibly merged away).
    pub fn ledger_knows_upload(&self, upload_id: i64) -> Result<bool> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT 1 FROM ledger_segments WHERE upload_id = ?1 AND ord IS NOT NULL",
            )?
            .exists([upload_id])?)
        })
    }

    /// Records at once, confirmed, the rows of an upload the server ALREADY accepted (an
    /// upload from an older build, completed from its kept prepared file). Refused with
    /// [`Error::LedgerNotAccepted`] unless the upload is `sent`, `processing`, `processed`
    /// or `linkage_failure`. A later row with the same key wins; one transaction, so
    /// re-running after a kill is harmless. Returns the number of input rows.
    pub fn ledger_commit(
        &self,
        upload_id: i64,
        rows: impl IntoIterator<Item = (RowHash, RowHash)>,
    ) -> Result<usize> {
        let (run, n) = run_of(rows);
        let data = encode(&run);
        let upload = self.write(|tx, _| {
            let u = load(tx, upload_id)?;
            if !u.state.is_accepted() {
                return Err(Error::LedgerNotAccepted {
                    id: upload_id,
                    state: u.state,
                });
            }
            forget(tx, upload_id)?;
            let code = kind_code(u.kind);
            let ord = next_ord(tx, u.counter_id, code)?;
            tx.prepare_cached(
                "INSERT INTO ledger_segments (counter_id, kind, upload_id, ord, entries, data) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                u.counter_id,
                code,
                upload_id,
                ord,
                run.len() as i64,
                &data
            ])?;
            Ok(u)
        })?;
        self.ledger_compact(upload.counter_id, upload.kind)?;
        Ok(n)
    }

    /// Merges the newest confirmed segments of finished uploads while the newer is at least
    /// half the size of the older (or there are too many), keeping a counter's ledger to
    /// O(log n) segments at an amortised O(log n) rewrite per key. Segments of uploads that
    /// may still fail (`sent`, `processing`) are left alone so failing can forget them.
    pub fn ledger_compact(&self, counter_id: i64, kind: UploadKind) -> Result<()> {
        let code = kind_code(kind);
        self.write(|tx, _| {
            let mut segs = Vec::new();
            {
                let mut stmt = tx.prepare_cached(
                    "SELECT s.id, s.ord, s.entries, s.upload_id IS NULL \
                     OR u.state IN ('processed', 'linkage_failure') \
                     FROM ledger_segments s LEFT JOIN uploads u ON u.id = s.upload_id \
                     WHERE s.counter_id = ?1 AND s.kind = ?2 AND s.ord IS NOT NULL \
                     ORDER BY s.ord",
                )?;
                let mut rows = stmt.query(params![counter_id, code])?;
                while let Some(r) = rows.next()? {
                    segs.push(SegmentInfo {
                        id: r.get(0)?,
                        ord: r.get(1)?,
                        entries: r.get::<_, i64>(2)? as u64,
                        mergeable: r.get(3)?,
                    });
                }
            }
            let prefix = segs.iter().take_while(|s| s.mergeable).count();
            segs.truncate(prefix);
            while segs.len() >= 2 {
                let (a, b) = (&segs[segs.len() - 2], &segs[segs.len() - 1]);
                let worth = segs.len() > MAX_SEGMENTS || b.entries * 2 >= a.entries;
                if !worth || a.entries + b.entries > MERGE_CAP {
                    break;
                }
                let blob = |id: i64| -> Result<Vec<u8>> {
                    Ok(tx
                        .prepare_cached("SELECT data FROM ledger_segments WHERE id = ?1")?
                        .query_row([id], |r| r.get(0))?)
                };
                let merged = merge(&blob(a.id)?, &blob(b.id)?);
                let entries = (merged.len() / ENTRY) as u64;
                tx.prepare_cached("DELETE FROM ledger_segments WHERE id IN (?1, ?2)")?
                    .execute(params![a.id, b.id])?;
                tx.prepare_cached(
                    "INSERT INTO ledger_segments (counter_id, kind, upload_id, ord, entries, \
                     data) VALUES (?1, ?2, NULL, ?3, ?4, ?5)",
                )?
                .execute(params![
                    counter_id,
                    code,
                    b.ord,
                    entries as i64,
                    &merged
                ])?;
                let info = SegmentInfo {
                    id: tx.last_insert_rowid(),
                    ord: b.ord,
                    entries,
                    mergeable: true,
                };
                segs.truncate(segs.len() - 2);
                segs.push(info);
            }
            Ok(())
        })
    }

    /// How many distinct keys the ledger holds for a counter and kind.
    pub fn ledger_len(&self, counter_id: i64, kind: UploadKind) -> Result<u64> {
        self.read(|c| distinct_keys(c, counter_id, kind_code(kind)))
    }

    /// How many confirmed segments hold a counter's keys for a kind (benchmarks, tests).
    pub fn ledger_segments(&self, counter_id: i64, kind: UploadKind) -> Result<u64> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT count(*) FROM ledger_segments WHERE counter_id = ?1 AND kind = ?2 \
                 AND ord IS NOT NULL",
            )?
            .query_row(params![counter_id, kind_code(kind)], |r| r.get::<_, i64>(0))?
                as u64)
        })
    }

    /// Forgets a counter's ledger for one kind (the user wants to resend everything).
    /// Pending keys of uploads in flight stay. Returns the number of keys removed.
    pub fn ledger_clear(&self, counter_id: i64, kind: UploadKind) -> Result<usize> {
        let code = kind_code(kind);
        self.write(|tx, _| {
            let n = distinct_keys(tx, counter_id, code)?;
            tx.prepare_cached(
                "DELETE FROM ledger_segments WHERE counter_id = ?1 AND kind = ?2 \
                 AND ord IS NOT NULL",
            )?
            .execute(params![counter_id, code])?;
            Ok(n as usize)
        })
    }
}

fn blob_ref<'a>(r: &'a rusqlite::Row<'_>) -> Result<&'a [u8]> {
    Ok(r.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?)
}

fn distinct_keys(c: &rusqlite::Connection, counter_id: i64, code: i64) -> Result<u64> {
    let mut keys = Vec::new();
    let mut stmt = c.prepare_cached(
        "SELECT data FROM ledger_segments WHERE counter_id = ?1 AND kind = ?2 \
         AND ord IS NOT NULL",
    )?;
    let mut rows = stmt.query(params![counter_id, code])?;
    while let Some(r) = rows.next()? {
        let seg = blob_ref(r)?;
        keys.extend((0..seg.len() / ENTRY).map(|i| key_at(seg, i)));
    }
    keys.sort_unstable();
    keys.dedup();
    Ok(keys.len() as u64)
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

    fn seg(keys: &[(u64, u64)]) -> Vec<u8> {
        encode(keys)
    }

    #[test]
    fn seek_finds_the_first_key_not_below_the_probe() {
        let keys: Vec<(u64, u64)> = (0..1000u64).map(|i| (i * 3, i)).collect();
        let s = seg(&keys);
        for from in [0usize, 1, 17, 500, 999, 1000] {
            for k in [0u64, 1, 2, 3, 299, 300, 2997, 2998, 5000] {
                let want = from.max(keys.partition_point(|e| e.0 < k));
                assert_eq!(seek(&s, from, k), want, "from {from} k {k}");
            }
        }
    }

    #[test]
    fn merge_keeps_the_newer_content_last_after_the_earlier_ones() {
        let older = seg(&[(1, 10), (3, 30), (3, 32), (5, 50)]);
        let newer = seg(&[(0, 1), (3, 31), (5, 50), (6, 61)]);
        let m = merge(&older, &newer);
        let got: Vec<(u64, u64)> = (0..m.len() / ENTRY)
            .map(|i| (key_at(&m, i), content_at(&m, i)))
            .collect();
        // Key 3 held 30, then 32, now 31; key 5 held 50 all along (kept once).
        assert_eq!(
            got,
            [(0, 1), (1, 10), (3, 30), (3, 32), (3, 31), (5, 50), (6, 61)]
        );
        let mut stored = vec![None; 3];
        let mut seen = vec![false; 3];
        look_up(
            &m,
            &[(3, 0), (3, 1), (5, 2)],
            &[30, 99, 50],
            &mut stored,
            &mut seen,
        );
        assert_eq!(stored, [Some(31), Some(31), Some(50)]);
        assert_eq!(seen, [true, false, true]);
    }

    #[test]
    fn a_run_keeps_the_last_row_of_a_repeated_key() {
        let h = |n: u8| {
            let mut d = [0u8; 32];
            d[7] = n;
            d
        };
        let (run, n) = run_of([(h(2), h(1)), (h(1), h(1)), (h(2), h(9))]);
        assert_eq!(n, 3);
        assert_eq!(run, [(1, 1), (2, 9)]);
    }
}
