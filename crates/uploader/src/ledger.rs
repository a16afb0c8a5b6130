//! "Send only new rows": which rows of a prepared Metrica file the ledger has already seen.
//!
//! Owns what a row KEY is per upload kind (the identity Metrica dedupes or updates on) and
//! that a row's CONTENT is its whole normalised line. Streams files; holds at most one chunk
//! of hashes in memory. The ledger itself (storage and the accepted-only rule) is mb-history.

use std::path::Path;

use mb_history::{LedgerVerdict, RowHash, Store, row_hash};
use mb_schema::UploadKind;

use crate::dto::AppError;
use crate::error::Result;

/// The columns that identify a row for `kind` (case-insensitive header match).
fn key_columns(kind: UploadKind) -> &'static [&'static str] {
    match kind {
        UploadKind::Conversions => &[
            "ClientId",
            "UserId",
            "Yclid",
            "PurchaseId",
            "Target",
            "DateTime",
        ],
        UploadKind::Calls => &["ClientId", "UserId", "Yclid", "DateTime", "PhoneNumber"],
        UploadKind::SimpleOrders | UploadKind::Orders => &["id"],
        UploadKind::Contacts => &["uniq_id"],
    }
}

fn io(e: impl std::fmt::Display) -> AppError {
    AppError::Storage {
        detail: e.to_string(),
    }
}

struct Hasher {
    key_idx: Vec<usize>,
    /// Plain `emails`/`phones` columns: their content counts as its MD5 list, so a row sent
    /// with «Шифровать телефоны и почту» on is the same row as that row sent with it off
    /// (the prepared file holds `emails_md5` in the same place then).
    plain_contacts: Vec<usize>,
}

/// A comma-joined list of normalised values as the list of their MD5s (as the validator
/// writes `emails_md5`/`phones_md5`).
fn md5_list(plain: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(plain);
    let mut out = String::with_capacity(33 * (text.matches(',').count() + 1));
    for (i, v) in text.split(',').enumerate() {
        if i > 0 {
            out.push(',');
        }
        mb_import::normalize::md5_hex(v, &mut out);
    }
    out.into_bytes()
}

impl Hasher {
    fn new(kind: UploadKind, headers: &csv::ByteRecord) -> Hasher {
        let names: Vec<String> = headers
            .iter()
            .map(|h| String::from_utf8_lossy(h).to_ascii_lowercase())
            .collect();
        let key_idx = key_columns(kind)
            .iter()
            .filter_map(|k| names.iter().position(|n| n == &k.to_ascii_lowercase()))
            .collect();
        let plain_contacts = if kind.is_crm() {
            names
                .iter()
                .enumerate()
                .filter(|(_, n)| *n == "emails" || *n == "phones")
                .map(|(i, _)| i)
                .collect()
        } else {
            Vec::new()
        };
        Hasher {
            key_idx,
            plain_contacts,
        }
    }

    fn hashes(&self, rec: &csv::ByteRecord) -> (RowHash, RowHash) {
        let hashed: Vec<(usize, Vec<u8>)> = self
            .plain_contacts
            .iter()
            .filter_map(|&i| {
                rec.get(i)
                    .filter(|v| !v.is_empty())
                    .map(|v| (i, md5_list(v)))
            })
            .collect();
        let fields: Vec<&[u8]> = rec
            .iter()
            .enumerate()
            .map(|(i, v)| {
                hashed
                    .iter()
                    .find(|(j, _)| *j == i)
                    .map_or(v, |(_, h)| h.as_slice())
            })
            .collect();
        let key_parts: Vec<&[u8]> = self
            .key_idx
            .iter()
            .map(|&i| fields.get(i).copied().unwrap_or(b""))
            .collect();
        // An order without an id has no identity: its whole content is the key.
        let key = if key_parts.iter().all(|p| p.is_empty()) {
            row_hash(&fields)
        } else {
            row_hash(&key_parts)
        };
        (key, row_hash(&fields))
    }
}

fn reader(path: &Path) -> Result<csv::Reader<std::fs::File>> {
    let delim = sniff_delimiter(path)?;
    csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_path(path)
        .map_err(io)
}

/// The prepared files use `,` or (detailed orders) `;`: read it off the header line.
fn sniff_delimiter(path: &Path) -> Result<u8> {
    use std::io::BufRead;
    let f = std::fs::File::open(path).map_err(io)?;
    let mut line = String::new();
    std::io::BufReader::new(f)
        .read_line(&mut line)
        .map_err(io)?;
    Ok(if line.matches(';').count() > line.matches(',').count() {
        b';'
    } else {
        b','
    })
}

/// Rows hashed per ledger lookup: bounds memory (64 bytes a row) while keeping the number of
/// sweeps through the ledger's segments small.
const BATCH: usize = 262_144;

/// The (key, content) digests of every data row of a prepared file, read lazily; the first
/// read error ends the stream and is kept in `error`.
struct Digests {
    reader: csv::Reader<std::fs::File>,
    hasher: Hasher,
    rec: csv::ByteRecord,
    error: Option<AppError>,
}

impl Digests {
    fn open(kind: UploadKind, path: &Path) -> Result<Digests> {
        let mut reader = reader(path)?;
        let headers = reader.byte_headers().map_err(io)?.clone();
        Ok(Digests {
            hasher: Hasher::new(kind, &headers),
            reader,
            rec: csv::ByteRecord::new(),
            error: None,
        })
    }

    fn finish(self) -> Result<()> {
        self.error.map_or(Ok(()), Err)
    }
}

impl Iterator for Digests {
    type Item = (RowHash, RowHash);

    fn next(&mut self) -> Option<Self::Item> {
        if self.error.is_some() {
            return None;
        }
        match self.reader.read_byte_record(&mut self.rec) {
            Ok(true) => Some(self.hasher.hashes(&self.rec)),
            Ok(false) => None,
            Err(e) => {
                self.error = Some(io(e));
                None
            }
        }
    }
}

/// The ledger's verdict on every data row of a prepared file, in file order.
pub fn verdicts_of_file(
    store: &Store,
    counter_id: u32,
    kind: UploadKind,
    path: &Path,
) -> Result<Vec<LedgerVerdict>> {
    let mut digests = Digests::open(kind, path)?;
    let mut out = Vec::new();
    loop {
        let batch: Vec<_> = digests.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        out.extend(store.ledger_filter(i64::from(counter_id), kind, batch)?);
    }
    digests.finish()?;
    Ok(out)
}

/// Whether a row with this verdict goes out in only-new mode. CRM records (orders, contacts)
/// are updated by id, and a conversion sent again replaces the one with its identifiers, goal
/// and time (its amount is rewritten), so a changed one is sent again. A call whose key was
/// accepted before is not: it may count twice ([`UploadKind::counts_sent_again`]). A row
/// whose value Metrica had once and replaced since is older than Metrica's: never.
pub fn resend(kind: UploadKind, verdict: LedgerVerdict) -> bool {
    match verdict {
        LedgerVerdict::New => true,
        LedgerVerdict::Changed => !kind.counts_sent_again(),
        LedgerVerdict::Unchanged | LedgerVerdict::Reverted => false,
    }
}

/// What [`filter_file`] did with a file's rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filtered {
    /// Rows written: new, or changed where [`resend`] sends them (CRM records, conversions).
    pub written: u64,
    /// Of `written`: corrections, rows Metrica holds with other values (an amount or a status
    /// changed since), sent to replace them.
    pub corrected: u64,
    /// Rows left out as sent before (all of them, changed ones included).
    pub skipped: u64,
    /// Of `skipped`: calls whose key was sent before with other content (an amount corrected
    /// in the CRM). Sending them again may add a second call, so they are left out, and said.
    pub changed: u64,
    /// Of `skipped`: older values than Metrica's (accepted once and replaced since, an older
    /// export picked again, or copied into a job's folder): sending them would put the older
    /// values back.
    pub outdated: u64,
}

impl Filtered {
    /// Counts one row. A row back at values Metrica had before is held back from any file,
    /// a job's export too: an older export copied into the folder looks new by its file time,
    /// and neither its contents nor its dates tell it from a correction undone in the CRM
    /// (a changes-only export keeps its orders' dates; a corrected amount keeps its sale's).
    /// Held back and said («прежние данные»), a correction undone is sent by hand; sent, an
    /// older export would silently undo corrections.
    fn count(&mut self, kind: UploadKind, v: LedgerVerdict) -> bool {
        if resend(kind, v) {
            self.written += 1;
            self.corrected += u64::from(v == LedgerVerdict::Changed);
            true
        } else {
            self.skipped += 1;
            self.changed += u64::from(v == LedgerVerdict::Changed);
            self.outdated += u64::from(v == LedgerVerdict::Reverted);
            false
        }
    }

    /// Adds another part's counts.
    pub fn add(&mut self, o: Filtered) {
        self.written += o.written;
        self.corrected += o.corrected;
        self.skipped += o.skipped;
        self.changed += o.changed;
        self.outdated += o.outdated;
    }
}

/// Copies the rows of `input` the ledger does not know (new, or changed where [`resend`] says
/// so) to `output`; `verdicts` from [`verdicts_of_file`].
pub fn filter_file(
    verdicts: Vec<LedgerVerdict>,
    kind: UploadKind,
    input: &Path,
    output: &Path,
) -> Result<Filtered> {
    let delim = sniff_delimiter(input)?;
    let mut r = reader(input)?;
    let headers = r.byte_headers().map_err(io)?.clone();
    let mut w = csv::WriterBuilder::new()
        .delimiter(delim)
        .from_path(output)
        .map_err(io)?;
    w.write_byte_record(&headers).map_err(io)?;
    let mut f = Filtered::default();
    let mut rec = csv::ByteRecord::new();
    let mut verdicts = verdicts.into_iter();
    while r.read_byte_record(&mut rec).map_err(io)? {
        let goes = match verdicts.next() {
            Some(v) => f.count(kind, v),
            None => {
                f.written += 1;
                true
            }
        };
        if goes {
            w.write_byte_record(&rec).map_err(io)?;
        }
    }
    w.flush().map_err(io)?;
    Ok(f)
}

/// Counts what [`filter_file`] would keep and leave out of a file with these verdicts, writing
/// nothing: the rows an all-rows send carries although Metrica holds them already.
pub fn count_file(kind: UploadKind, verdicts: &[LedgerVerdict]) -> Filtered {
    let mut f = Filtered::default();
    for v in verdicts {
        f.count(kind, *v);
    }
    f
}

/// Whether any row of `path` is one interrupted upload `upload_id` staged before its send
/// (true too when it staged none: its rows are not known).
pub fn shares_pending(
    store: &Store,
    upload_id: i64,
    kind: UploadKind,
    path: &Path,
) -> Result<bool> {
    let mut digests = Digests::open(kind, path)?;
    loop {
        let batch: Vec<_> = digests.by_ref().take(BATCH).map(|(k, _)| k).collect();
        if batch.is_empty() {
            break;
        }
        match store.ledger_pending_shares(upload_id, batch)? {
            Some(0) => {}
            _ => return Ok(true),
        }
    }
    digests.finish()?;
    Ok(false)
}

/// Records every row of a prepared file as PENDING keys of its not-yet-sent upload; the
/// acceptance confirms them in the same transaction (see `mb_history::Store::ledger_stage`).
pub fn stage_file(store: &Store, upload_id: i64, kind: UploadKind, path: &Path) -> Result<()> {
    let mut digests = Digests::open(kind, path)?;
    store.ledger_stage(upload_id, digests.by_ref())?;
    digests.finish()
}

/// Teaches the ledger every row of a file the server ALREADY accepted (an upload whose keys
/// were never staged: made by an older build, completed by the reconcile).
pub fn commit_file(store: &Store, upload_id: i64, kind: UploadKind, path: &Path) -> Result<()> {
    let mut digests = Digests::open(kind, path)?;
    let rows: Vec<_> = digests.by_ref().collect();
    digests.finish()?;
    store.ledger_commit(upload_id, rows)?;
    Ok(())
}

#[cfg(test)]
mod resend_tests {
    use super::*;

    #[test]
    fn calls_are_never_sent_twice_conversions_and_crm_records_are_updated() {
        for kind in UploadKind::ALL {
            assert!(resend(kind, LedgerVerdict::New));
            assert!(!resend(kind, LedgerVerdict::Unchanged));
            assert!(
                !resend(kind, LedgerVerdict::Reverted),
                "an older value never goes"
            );
        }
        // A conversion sent again rewrites its amount (Metrica's FAQ); a call may count twice.
        assert!(resend(UploadKind::Conversions, LedgerVerdict::Changed));
        assert!(!resend(UploadKind::Calls, LedgerVerdict::Changed));
        assert!(resend(UploadKind::Orders, LedgerVerdict::Changed));
        assert!(resend(UploadKind::SimpleOrders, LedgerVerdict::Changed));
        assert!(resend(UploadKind::Contacts, LedgerVerdict::Changed));
    }

    #[test]
    fn a_crm_row_is_the_same_row_with_contacts_hashed_or_not() {
        let rec = |v: &[&str]| csv::ByteRecord::from(v.to_vec());
        let plain = Hasher::new(
            UploadKind::SimpleOrders,
            &rec(&["id", "emails", "phones", "revenue"]),
        );
        let hashed = Hasher::new(
            UploadKind::SimpleOrders,
            &rec(&["id", "emails_md5", "phones_md5", "revenue"]),
        );
        let mut e = String::new();
        mb_import::normalize::md5_hex("anna@example.ru", &mut e);
        e.push(',');
        mb_import::normalize::md5_hex("ivan@example.ru", &mut e);
        let mut p = String::new();
        mb_import::normalize::md5_hex("79161234567", &mut p);
        let sent_plain = plain.hashes(&rec(&[
            "A-1",
            "anna@example.ru,ivan@example.ru",
            "79161234567",
            "2990.50",
        ]));
        let sent_hashed = hashed.hashes(&rec(&["A-1", &e, &p, "2990.50"]));
        assert_eq!(sent_plain, sent_hashed, "hashing on or off: the same row");
        // A real change is still one.
        let other = plain.hashes(&rec(&["A-1", "anna@example.ru", "79161234567", "2990.50"]));
        assert_eq!(other.0, sent_plain.0, "same order");
        assert_ne!(other.1, sent_plain.1, "an e-mail less: changed");
        // An empty contact cell stays empty on both sides.
        assert_eq!(
            plain.hashes(&rec(&["A-2", "", "", "10"])),
            hashed.hashes(&rec(&["A-2", "", "", "10"]))
        );
        // Offline conversions carry no contact lists: nothing is rewritten there.
        let conv = Hasher::new(UploadKind::Conversions, &rec(&["ClientId", "emails"]));
        assert!(conv.plain_contacts.is_empty());
    }
}
