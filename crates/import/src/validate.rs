//! Row validation and normalisation per upload kind (reference §4.2, §4.5, §5.2–§5.8, §7).
//!
//! A [`Validator`] is built once per file from a [`Mapping`], the source headers and
//! [`ValidateOptions`]; [`Validator::check_row`] then turns one source row into the output
//! cells of the Metrica CSV (reused buffers, no allocation for already-normal values) and
//! records issues in a bounded [`IssueSink`]. Owns the rules (future dates, linking window,
//! identifiers, goal ids, statuses, duplicates); does NOT read or write files (see
//! [`crate::pipeline`], [`crate::write`]).
//!
//! Inside, a validator is two halves so that rows can be checked on two threads with the
//! report of a one-thread run: a `RowChecker` (rules and normalisers; clones check rows
//! anywhere, logging each row's issues and facts) and `Validator::commit`, which folds the
//! checked rows, strictly in file order, into the issue sink, the duplicate set and the totals.
//! [`Validator::check_row`] is simply check + commit.

use crate::codes::IssueCode;
use crate::dups::{DupIndex, Seen};
use crate::mapping::{FieldSource, Mapping, identifier_fields, normalize_header};
use crate::normalize::{self as n, Outcome, format_crm, parse_local, trim};
use crate::report::{
    ALL_SEVERITIES, CurrencyOffer, DateRange, IssueCaps, IssueCounter, IssueSink, Severity, sev_bit,
};
use crate::status::{status_id, suggest_status};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use mb_schema::{
    FieldFormat, FieldSpec, LINKING_WINDOW_DAYS, OrderStatusType, Requirement, UploadKind,
    is_valid_status_id,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::Hasher;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

/// The error type of this crate's pipeline half.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Read(#[from] crate::read::ReadError),
    #[error("unknown time zone {0:?}")]
    UnknownTimeZone(String),
    #[error("cannot write {path:?}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cancelled")]
    Cancelled,
    #[error("internal pipeline failure: {0}")]
    Internal(String),
}

/// What the validator needs to know about the counter and the user's choices.
#[derive(Debug, Clone)]
pub struct ValidateOptions {
    /// The counter's IANA time zone (`Europe/Moscow`).
    pub time_zone: String,
    /// Injected clock (never the wall clock in tests).
    pub now: Timestamp,
    /// Start of the linking window if the API told us (`visit_join_threshold`); else
    /// `now − 21 days`.
    pub window_start: Option<Timestamp>,
    /// The counter's JS-event goal identifiers, when known.
    pub goals: Option<Vec<String>>,
    /// Goal name → identifier, to explain a Target given by name.
    pub goal_names: BTreeMap<String, String>,
    /// Status ids mapped on the counter (detailed orders), when known.
    pub order_status_ids: Option<Vec<String>>,
    /// Replace e-mails and phones by their MD5 (`emails_md5`, `phones_md5`).
    pub hash_contacts: bool,
    /// CRM status value → Metrica status type, goal id or mapped status id.
    pub status_map: BTreeMap<String, String>,
    /// Leave invalid rows out and upload the rest instead of blocking.
    pub skip_invalid: bool,
    /// Warnings kept in memory, and notices kept in memory (each; the rest are counted, and
    /// spilled when a path is given).
    pub max_issues: usize,
    /// Errors kept in memory (errors are kept before any warning or notice).
    pub max_errors: usize,
    /// Where issues beyond the caps go (JSONL, created only when needed). [`ValidateOptions::new`]
    /// picks a fresh file in the temporary directory; `None` spills nothing.
    pub issue_spill_path: Option<PathBuf>,
    /// The counter's declared attributes for the kind (contacts), when known. A mapped column
    /// that is neither documented nor declared is then an error before any row is read;
    /// unknown (`None`, checked without a counter) lets attribute columns through as text.
    pub attributes: Option<Vec<crate::attributes::CounterAttribute>>,
    /// Whether contacts were ever accepted for the counter (detailed orders link to visits
    /// only after the first contacts upload, seed 004); `None`: not known, nothing said.
    pub contacts_uploaded: Option<bool>,
}

impl ValidateOptions {
    pub fn new(time_zone: &str, now: Timestamp) -> ValidateOptions {
        ValidateOptions {
            time_zone: time_zone.to_string(),
            now,
            window_start: None,
            goals: None,
            goal_names: BTreeMap::new(),
            order_status_ids: None,
            hash_contacts: false,
            status_map: BTreeMap::new(),
            skip_invalid: false,
            max_issues: 1000,
            max_errors: 10_000,
            issue_spill_path: Some(default_spill_path()),
            attributes: None,
            contacts_uploaded: None,
        }
    }
}

/// A fresh path in the temporary directory for the issues beyond the caps.
pub fn default_spill_path() -> PathBuf {
    use std::sync::atomic::AtomicU64;
    static N: AtomicU64 = AtomicU64::new(0);
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!(
        "mbridge-issues-{}-{stamp}-{n}.jsonl",
        std::process::id()
    ))
}

#[derive(Debug, Clone)]
enum Src {
    Index(usize),
    Const(String),
    Missing,
}

#[derive(Debug, Clone)]
struct Col {
    spec: &'static FieldSpec,
    src: Src,
    out: usize,
    is_identifier: bool,
    is_main_date: bool,
    /// `emails_md5` / `phones_md5` as given in the source.
    is_md5: bool,
    /// Part of the duplicate key (order/contact id; identifiers + Target + DateTime).
    in_dup_key: bool,
}

/// A fast non-cryptographic 64-bit hash of duplicate keys (xor-multiply-xorshift rounds
/// with a murmur finaliser).
#[derive(Default)]
struct KeyHasher(u64);

impl KeyHasher {
    /// One bijective round: xor, multiply (spreads low bits up), xor-shift (brings high bits
    /// down, so structured inputs such as consecutive numbers do not collide).
    fn round(&mut self, v: u64) {
        let mut h = (self.0 ^ v).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^= h >> 31;
        self.0 = h;
    }
}

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.round(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        // The zero-padded little-endian tail, assembled in registers (a copy into a stack
        // buffer would be a memcpy call and a store-forwarding stall).
        let rest = chunks.remainder();
        let tail = rest
            .iter()
            .enumerate()
            .fold(0u64, |t, (i, &b)| t | u64::from(b) << (8 * i));
        self.round(tail ^ ((bytes.len() as u64) << 56));
    }
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// `len` in decimal then `:` (a length prefix in the duplicate key).
fn push_len(out: &mut String, mut len: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (len % 10) as u8;
        len /= 10;
        if len == 0 {
            break;
        }
    }
    for &d in &buf[i..] {
        out.push(char::from(d));
    }
    out.push(':');
}

/// [`KeyHasher`] for the per-row lookups of small user maps (statuses): no SipHash cost.
type KeyBuild = std::hash::BuildHasherDefault<KeyHasher>;

/// One issue of a checked row; its texts are ranges of the checker's text arena.
#[derive(Debug, Clone)]
pub(crate) struct RowIssue {
    col: Option<&'static str>,
    code: IssueCode,
    sev: Severity,
    value: Range<usize>,
    fix: Option<Range<usize>>,
}

/// What checking one row found besides its cells: [`Validator::commit`] folds it, in file
/// order, into the file's issues, duplicate set and totals.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowFacts {
    /// No error: the row goes to the output.
    pub(crate) ok: bool,
    /// The row's issues: a range of the checker's issue log.
    issues: Range<usize>,
    /// Duplicate key hash and the code to report it with.
    dup: Option<(u64, IssueCode)>,
    /// The duplicate key's bytes: a range of the text arena.
    dup_key: Range<usize>,
    /// Bit `i`: identifier column `cols[i]` is filled.
    ident_mask: u64,
    static_call: bool,
    /// The (valid) currency of the row: a range of the text arena.
    currency: Option<Range<usize>>,
    /// A currency Metrica does not know that stands for exactly one it does (`руб.` for
    /// `RUB`): the value as written and that code, ranges of the text arena.
    currency_alias: Option<(Range<usize>, Range<usize>)>,
    /// The currency cell holds a value no code stands for.
    currency_unsure: bool,
    /// The currency cell is empty (Metrica then books the amount in rubles for CRM orders,
    /// seed 003; undocumented for conversions and calls).
    currency_blank: bool,
    /// A money cell of the row is filled.
    money_given: bool,
    /// Bit `i`: identifier column `cols[i]` holds a long (16+ digit) ID that does not look
    /// rounded by Excel.
    long_ids: u64,
    /// Bit `i`: column `cols[i]` holds a long ID whose digits after the 15th are all zeros
    /// (logged as [`ID_TRAILING_ZEROS`]; the validator judges the column in file order).
    rounded: u64,
    /// Bit `i`: column `cols[i]` holds an ID in Excel's scientific notation (an error, and
    /// evidence that Excel touched the column).
    scientific: u64,
    /// Not a data row: a totals row or a note (one notice, no errors, not sent, not rejected).
    pub(crate) skipped: bool,
}

/// A long ID ending in zeros in a column not (yet) judged damaged: a warning.
const ID_TRAILING_ZEROS: IssueCode = IssueCode::IdTrailingZeros;
/// A long ID ending in zeros in a column judged damaged by Excel: an error.
const EXCEL_ROUNDED_ID: IssueCode = IssueCode::ExcelRoundedId;
/// A column is judged damaged by Excel once it has at least this many rounded-looking IDs…
const DAMAGE_MIN_ROUNDED: u64 = 3;
/// …and they are at least 1 in this many of its long IDs. A genuine 19-digit ClientID ends in
/// `0000` about once in 10 000, so a healthy column reaches 1 in 20 by chance with
/// probability well under 10⁻⁹; a column Excel touched has (nearly) all its long IDs rounded.
const DAMAGE_SHARE_DEN: u64 = 20;

/// The per-row half of a [`Validator`]: rules and normalisers, no file-wide state, so that
/// clones can check rows on several threads while the validator commits them in order.
#[derive(Clone)]
pub(crate) struct RowChecker {
    kind: UploadKind,
    /// The cell being checked held a number in its workbook: no separator to misread (a text
    /// cell's `1.500`, even in a workbook, may be thousands).
    number_cell: bool,
    /// The row's amount that reads like thousands (`1.500`): its column and value, said at
    /// the row's end unless its currency has three decimals.
    thousands: Option<(usize, String)>,
    tz: TimeZone,
    now: Timestamp,
    now_civil: DateTime,
    window: Timestamp,
    /// What an event before `window` is: older than Metrica's 21 days, or before the day the
    /// counter started linking offline data (its window grows from there).
    before_window: IssueCode,
    goals: Option<HashSet<String>>,
    goal_names: HashMap<String, String>,
    status_map: HashMap<String, String, KeyBuild>,
    status_map_folded: HashMap<String, String, KeyBuild>,
    mapped_status_ids: HashSet<String>,
    order_status_ids: Option<HashSet<String>>,
    hash: bool,
    cols: Vec<Col>,
    out_headers: Vec<&'static str>,
    cells: Vec<String>,
    scratch: String,
    scratch2: String,
    row_errors: u32,
    /// Some identifier cell of this row is non-empty in the source (even if invalid).
    id_given: bool,
    /// Source index of the cell every data row fills (the main date, else the first required
    /// column): a row where it holds no number may be a totals row or a note.
    guard_src: Option<usize>,
    /// (cell index, max chars) of the text a skipped row is quoted by.
    note_text: (usize, usize),
    blocked: bool,
    last_currency: String,
    /// The mapping's currencies written in words, as the user named them (`руб.` → `RUB`).
    currency_names: HashMap<String, String>,
    /// Issues of the rows checked since the caller last cleared it (append-only).
    pub(crate) log: Vec<RowIssue>,
    /// Values and fixes of `log`, currencies.
    pub(crate) text: String,
    /// Facts of the row being checked.
    facts: RowFacts,
    /// First and last main date of the rows this checker saw (before their first error):
    /// wall-clock (CRM) or instants (conversions). Order-free, so kept here and merged by
    /// [`Validator::absorb`].
    range: Option<(DateTime, DateTime)>,
    range_ts: Option<(Timestamp, Timestamp)>,
    /// Severities ([`sev_bit`]) whose issue texts are still wanted; a bit is cleared (for
    /// good) by the validator once the issue sink keeps no more texts of that severity:
    /// such issues are then only counted, and checkers stop copying their values and fixes.
    text_wanted: Arc<AtomicU8>,
    /// `text_wanted` as read by [`RowChecker::sync_text_wanted`] (per chunk of rows: the
    /// shared flag stays out of the per-issue path).
    keep_text: u8,
    /// Issues of rows checked once their `text_wanted` bit was cleared: they only count, in any order,
    /// so they are counted here and handed over by [`Validator::absorb`] / `finish`.
    counted: IssueCounter,
}

/// Validates and normalises rows of one file.
pub struct Validator {
    checker: RowChecker,
    issues: IssueSink,
    /// The exact in-file duplicate check (bounded memory, spills to disk).
    dups: DupIndex,
    /// The code repeats are reported with (per kind), once a key was seen.
    dup_code: Option<IssueCode>,
    /// The duplicate check could not write its partition files: it stopped (a notice says so).
    dup_failed: bool,
    /// Valid rows filling each column (index of `cols`); named in [`Validator::finish`].
    ident_counts: Vec<u64>,
    currencies: Vec<String>,
    /// The withdrawn or Russian names of one currency seen so far (see [`CurrencyOffer`]).
    currency_offer: Option<CurrencyOffer>,
    /// A row ruled the offer out (an amount without a currency, a currency no code stands
    /// for, or two different codes).
    currency_offer_off: bool,
    static_calls: u64,
    valid_rows: u64,
    /// Severities whose texts the issue sink still keeps ([`IssueSink::wants_mask`]).
    text_wanted: u8,
    /// Checkers keep the texts of errors whatever the sink keeps (the rejected-rows file
    /// explains every rejected row).
    keep_error_texts: bool,
    /// The user's name of each column of `cols` (source header; field name for constants).
    labels: Vec<String>,
    /// Per column of `cols`: long IDs seen, rounded-looking (or scientific) ones among them, and rounded-looking
    /// ones in valid rows committed before the column was judged damaged.
    ids_seen: Vec<u64>,
    ids_rounded: Vec<u64>,
    rounded_early: Vec<u64>,
    /// Bit `i`: column `cols[i]` is judged damaged by Excel (for good).
    damaged: u64,
}

impl Validator {
    /// Build for one file. File-level issues (missing required columns, mapped columns that
    /// are not in the file) are recorded at `header_line`.
    pub fn new(
        mapping: &Mapping,
        headers: &[String],
        header_line: u64,
        opts: &ValidateOptions,
    ) -> Result<Validator, ImportError> {
        let tz = TimeZone::get(&opts.time_zone)
            .map_err(|_| ImportError::UnknownTimeZone(opts.time_zone.clone()))?;
        let kind = mapping.kind;
        let now_civil = opts.now.to_zoned(tz.clone()).datetime();
        let window = opts.window_start.unwrap_or_else(|| {
            opts.now
                .checked_sub((LINKING_WINDOW_DAYS * 24).hours())
                .unwrap_or(opts.now)
        });
        let full_window = opts
            .now
            .checked_sub((LINKING_WINDOW_DAYS * 24).hours())
            .unwrap_or(opts.now);
        let before_window = if window > full_window {
            IssueCode::BeforeCounterWindow
        } else {
            IssueCode::OutsideLinkingWindow
        };
        let caps = IssueCaps {
            errors: opts.max_errors,
            warnings: opts.max_issues,
            notices: opts.max_issues,
        };
        let mut issues = IssueSink::new(caps, opts.issue_spill_path.clone()).map_err(|source| {
            ImportError::Write {
                path: opts.issue_spill_path.clone().unwrap_or_default(),
                source,
            }
        })?;
        let norm_headers: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
        let ids: Vec<&str> = identifier_fields(kind).collect();
        let mut cols = Vec::new();
        let mut out_headers: Vec<&'static str> = Vec::new();
        let mut blocked = false;
        let mut attr_specs: Vec<&'static FieldSpec> = Vec::new();
        if crate::attributes::kind_takes_attributes(kind) {
            for name in crate::attributes::mapped_attribute_names(mapping) {
                let declared = opts
                    .attributes
                    .as_ref()
                    .map(|a| a.iter().find(|a| a.name == name));
                match declared {
                    Some(Some(a)) => attr_specs.push(crate::attributes::spec(&name, a.format())),
                    None => attr_specs.push(crate::attributes::spec(&name, FieldFormat::Text)),
                    Some(None) => {
                        let header = match mapping.fields.get(&name) {
                            Some(FieldSource::Column { header, .. }) => header.as_str(),
                            _ => name.as_str(),
                        };
                        issues.push_file(
                            header_line,
                            Some(header),
                            IssueCode::AttributeNotOnCounter,
                            Severity::Error,
                            &name,
                            None,
                        );
                        blocked = true;
                    }
                }
            }
        }
        for spec in kind.fields().iter().chain(attr_specs) {
            let src = match mapping.fields.get(spec.name) {
                Some(FieldSource::Column { index, header, .. }) => {
                    let want = normalize_header(header);
                    if norm_headers.get(*index) == Some(&want) {
                        Src::Index(*index)
                    } else if let Some(i) = norm_headers.iter().position(|h| *h == want) {
                        Src::Index(i)
                    } else {
                        issues.push_file(
                            header_line,
                            Some(header),
                            IssueCode::MappedColumnNotFound,
                            Severity::Error,
                            header,
                            None,
                        );
                        blocked = true;
                        Src::Missing
                    }
                }
                Some(FieldSource::Constant { value }) => Src::Const(value.clone()),
                None => Src::Missing,
            };
            let keep_empty = kind == UploadKind::SimpleOrders && spec.name == "id";
            if matches!(src, Src::Missing) && !keep_empty {
                continue;
            }
            let out_name = match (opts.hash_contacts, spec.name) {
                (true, "emails") => "emails_md5",
                (true, "phones") => "phones_md5",
                (_, name) => name,
            };
            let out = match out_headers.iter().position(|h| *h == out_name) {
                Some(i) => i,
                None => {
                    out_headers.push(out_name);
                    out_headers.len() - 1
                }
            };
            cols.push(Col {
                spec,
                src,
                out,
                is_identifier: ids.contains(&spec.name)
                    || (kind == UploadKind::Contacts
                        && matches!(
                            spec.name,
                            "client_ids" | "emails" | "phones" | "emails_md5" | "phones_md5"
                        )),
                is_main_date: matches!(spec.name, "DateTime" | "create_date_time"),
                is_md5: matches!(spec.name, "emails_md5" | "phones_md5"),
                in_dup_key: match kind {
                    UploadKind::SimpleOrders | UploadKind::Orders => spec.name == "id",
                    UploadKind::Contacts => spec.name == "uniq_id",
                    UploadKind::Conversions | UploadKind::Calls => {
                        ids.contains(&spec.name) || matches!(spec.name, "Target" | "DateTime")
                    }
                },
            });
        }
        for missing in mapping.missing_required() {
            // «One of the identifiers» is named by them, not by the mapping's internal word.
            let named;
            let missing = if missing == crate::mapping::ANY_IDENTIFIER {
                named = identifier_fields(kind).collect::<Vec<_>>().join(" / ");
                named.as_str()
            } else {
                missing
            };
            issues.push_file(
                header_line,
                Some(missing),
                IssueCode::MissingRequiredColumn,
                Severity::Error,
                "",
                None,
            );
            blocked = true;
        }
        if kind.is_crm()
            && !mapping.fields.contains_key("currency")
            && (mapping.fields.contains_key("revenue") || mapping.fields.contains_key("cost"))
        {
            issues.push_file(
                header_line,
                None,
                IssueCode::CrmRevenueInRubles,
                Severity::Notice,
                "",
                None,
            );
        }
        if kind == UploadKind::Orders && opts.contacts_uploaded == Some(false) {
            // «данные о заказах будут привязываться к визитам, которые были совершены после
            // первой удачной загрузки информации о клиентах» (seed 004): orders sent before
            // any contacts may never link. A warning: contacts may have come another way.
            issues.push_file(
                header_line,
                None,
                IssueCode::OrdersBeforeContacts,
                Severity::Warning,
                "",
                None,
            );
        }
        if kind == UploadKind::SimpleOrders {
            // Metrica counts an order without a status as paid (its «CRM: Заказ создан» and
            // «CRM: Заказ оплачен» goals, its revenue): new, cancelled and spam leads among
            // them would be paid sales in the reports. Said, not refused: a shop that exports
            // only its paid orders has nothing to fix.
            if !mapping.fields.contains_key("order_status") {
                issues.push_file(
                    header_line,
                    None,
                    IssueCode::StatusDefaultsToPaid,
                    Severity::Warning,
                    "",
                    None,
                );
            }
            // Without order numbers Metrica links the orders by date only and cannot update
            // them: the next export with a changed status adds the order again.
            if !mapping.fields.contains_key("id") {
                issues.push_file(
                    header_line,
                    None,
                    IssueCode::NoOrderIdColumn,
                    Severity::Warning,
                    "",
                    None,
                );
            }
        }
        if matches!(kind, UploadKind::Conversions | UploadKind::Calls)
            && mapping.fields.contains_key("UserId")
        {
            issues.push_file(
                header_line,
                Some("UserId"),
                IssueCode::UserIdNeedsSetUserId,
                Severity::Notice,
                "",
                None,
            );
        }
        let fold = |s: &str| s.trim().to_lowercase().replace('ё', "е");
        // Identifier columns are named by a bit of `RowFacts::ident_mask`; kinds have < 30.
        assert!(cols.len() <= 64, "more than 64 columns for one kind");
        let ident_counts = vec![0; cols.len()];
        let labels: Vec<String> = cols
            .iter()
            .map(|c| match &c.src {
                Src::Index(i) => headers
                    .get(*i)
                    .map_or_else(|| c.spec.name.to_string(), |h| h.trim().to_string()),
                Src::Const(_) | Src::Missing => c.spec.name.to_string(),
            })
            .collect();
        let src_of = |c: &Col| match c.src {
            Src::Index(i) => Some(i),
            _ => None,
        };
        let guard_src = cols
            .iter()
            .filter(|c| c.is_main_date)
            .find_map(src_of)
            .or_else(|| {
                cols.iter()
                    .filter(|c| c.spec.requirement == Requirement::Required)
                    .find_map(src_of)
            });
        let checker = RowChecker {
            kind,
            number_cell: false,
            thousands: None,
            tz,
            now: opts.now,
            now_civil,
            window,
            before_window,
            goals: opts.goals.as_ref().map(|g| g.iter().cloned().collect()),
            goal_names: opts
                .goal_names
                .iter()
                .map(|(name, id)| (fold(name), id.clone()))
                .collect(),
            status_map: opts
                .status_map
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            status_map_folded: opts
                .status_map
                .iter()
                .map(|(k, v)| (fold(k), v.clone()))
                .collect(),
            mapped_status_ids: opts.status_map.values().cloned().collect(),
            order_status_ids: opts
                .order_status_ids
                .as_ref()
                .map(|g| g.iter().cloned().collect()),
            hash: opts.hash_contacts,
            cells: vec![String::new(); out_headers.len()],
            cols,
            out_headers,
            scratch: String::new(),
            scratch2: String::new(),
            row_errors: 0,
            id_given: false,
            guard_src,
            note_text: (0, 0),
            blocked,
            last_currency: String::new(),
            currency_names: mapping.currency_names.clone().into_iter().collect(),
            log: Vec::new(),
            text: String::new(),
            facts: RowFacts::default(),
            range: None,
            range_ts: None,
            text_wanted: Arc::new(AtomicU8::new(ALL_SEVERITIES)),
            keep_text: ALL_SEVERITIES,
            counted: IssueCounter::default(),
        };
        Ok(Validator {
            checker,
            issues,
            dups: DupIndex::new(crate::dups::MEM_BUDGET),
            dup_code: None,
            dup_failed: false,
            ident_counts,
            currencies: Vec::new(),
            currency_offer: None,
            currency_offer_off: false,
            static_calls: 0,
            valid_rows: 0,
            text_wanted: ALL_SEVERITIES,
            keep_error_texts: false,
            ids_seen: vec![0; labels.len()],
            ids_rounded: vec![0; labels.len()],
            rounded_early: vec![0; labels.len()],
            labels,
            damaged: 0,
        })
    }

    /// A copy of the per-row half, to check rows on another thread (see [`Validator::commit`]).
    pub(crate) fn row_checker(&self) -> RowChecker {
        let mut c = self.checker.clone();
        c.log.clear();
        c.text.clear();
        c.range = None;
        c.range_ts = None;
        c.counted = IssueCounter::default();
        c
    }

    /// Take in the date range of a checker made by [`Validator::row_checker`] once all the
    /// rows it checked are committed.
    pub(crate) fn absorb(&mut self, other: &RowChecker) {
        fn merge<T: Ord + Copy>(a: Option<(T, T)>, b: Option<(T, T)>) -> Option<(T, T)> {
            match (a, b) {
                (Some((x, y)), Some((p, q))) => Some((x.min(p), y.max(q))),
                (a, b) => a.or(b),
            }
        }
        self.checker.range = merge(self.checker.range, other.range);
        self.checker.range_ts = merge(self.checker.range_ts, other.range_ts);
        self.issues.absorb_counts(&other.counted);
    }

    fn publish_text_wanted(&self) {
        let forced = if self.keep_error_texts {
            sev_bit(Severity::Error)
        } else {
            0
        };
        self.checker
            .text_wanted
            .store(self.text_wanted | forced, Ordering::Relaxed);
    }

    /// Make checkers keep every error's texts (for the rejected-rows file), whatever the
    /// issue sink keeps. Call before [`Validator::row_checker`].
    pub(crate) fn keep_error_texts(&mut self) {
        self.keep_error_texts = true;
        self.publish_text_wanted();
    }

    pub fn kind(&self) -> UploadKind {
        self.checker.kind
    }

    /// A file-level error (missing required column…) makes row checks pointless.
    pub fn is_blocked(&self) -> bool {
        self.checker.blocked
    }

    /// Headers of the Metrica CSV, canonical casing, kind order.
    pub fn output_headers(&self) -> &[&'static str] {
        &self.checker.out_headers
    }

    /// Output cells of the last checked row (valid or not).
    pub fn cells(&self) -> &[String] {
        &self.checker.cells
    }

    /// Record a file-level issue (broken quoting…) reported by the reader.
    pub fn file_issue(
        &mut self,
        line: u64,
        column: Option<&str>,
        code: IssueCode,
        severity: Severity,
        value: &str,
    ) {
        self.issues
            .push_file(line, column, code, severity, value, None);
    }

    /// Check and normalise one row. Returns true when it has no error; the output cells are
    /// then in [`Validator::cells`].
    pub fn check_row(&mut self, line: u64, record: u64, fields: &csv::StringRecord) -> bool {
        self.check_cells(line, record, fields)
    }

    /// [`Validator::check_row`] over any row of cells (a workbook's, with their kinds).
    pub(crate) fn check_cells<C: Cells + ?Sized>(
        &mut self,
        line: u64,
        record: u64,
        fields: &C,
    ) -> bool {
        self.checker.log.clear();
        self.checker.text.clear();
        self.checker.sync_text_wanted();
        let facts = self.checker.check(fields);
        let log = std::mem::take(&mut self.checker.log);
        let text = std::mem::take(&mut self.checker.text);
        let ok = self.commit(line, record, &facts, &log, &text) && !facts.skipped;
        self.checker.log = log;
        self.checker.text = text;
        ok
    }

    /// Fold one checked row into the file's issues, duplicate set and totals. Rows must be
    /// committed in file order; `log` and `text` are those of the checker that checked it.
    /// Returns whether the row is valid: the checker's verdict, unless a column of the row
    /// is judged damaged by Excel (see [`Validator::judge_ids`]).
    pub(crate) fn commit(
        &mut self,
        line: u64,
        record: u64,
        facts: &RowFacts,
        log: &[RowIssue],
        text: &str,
    ) -> bool {
        let issues = &log[facts.issues.clone()];
        let mut ok = facts.ok;
        let upgraded = if (facts.long_ids | facts.rounded | facts.scientific) != 0 {
            self.judge_ids(facts)
        } else {
            0
        };
        if upgraded != 0 {
            ok = false;
        }
        for i in issues {
            let (code, sev) = if upgraded != 0 {
                self.refiled(i)
            } else {
                (i.code, i.sev)
            };
            if self.text_wanted & sev_bit(sev) != 0 {
                let fix = i.fix.clone().map(|r| &text[r]);
                let value = &text[i.value.clone()];
                self.issues.push(line, record, i.col, code, sev, value, fix);
            } else {
                // The sink keeps no more texts of this severity: count only.
                self.issues.push_counted(i.col, code, sev);
            }
        }
        if !issues.is_empty() {
            let m = self.issues.wants_mask();
            if m != self.text_wanted {
                // Rows checked from now on are committed after this one: their texts of the
                // severities the sink no longer keeps are unused.
                self.text_wanted = m;
                self.publish_text_wanted();
            }
        }
        if let Some(r) = facts.currency.clone()
            && self.currencies.len() < 2
        {
            let c = &text[r];
            if !self.currencies.iter().any(|x| x == c) {
                self.currencies.push(c.to_string());
            }
        }
        // One currency for every row would change what this row says: a currency no code
        // stands for, or none on a row with an amount (rubles for CRM orders, seed 003; for
        // conversions no page says). A row without an amount says nothing about money.
        if facts.currency_unsure || (facts.currency_blank && facts.money_given) {
            self.currency_offer_off = true;
        }
        if let Some((value, code)) = facts.currency_alias.clone()
            && !self.currency_offer_off
        {
            let (value, code) = (&text[value], &text[code]);
            match &mut self.currency_offer {
                None => {
                    self.currency_offer = Some(CurrencyOffer {
                        field: String::new(),
                        code: code.to_string(),
                        values: vec![value.to_string()],
                        rows: 1,
                    })
                }
                Some(o) if o.code == code => {
                    o.rows += 1;
                    if o.values.len() < CurrencyOffer::VALUES
                        && !o.values.iter().any(|v| v == value)
                    {
                        o.values.push(value.to_string());
                    }
                }
                Some(_) => self.currency_offer_off = true,
            }
        }
        if facts.static_call {
            self.static_calls += 1;
        }
        if let Some((hash, code)) = facts.dup
            && !self.dup_failed
        {
            self.dup_code = Some(code);
            let key = text[facts.dup_key.clone()].as_bytes();
            match self.dups.add(hash, key, line, record) {
                Ok(Seen::Repeat) => {
                    let value = repeat_value(code, key);
                    self.repeat(line, record, code, &value)
                }
                Ok(Seen::First | Seen::Later) => {}
                Err(e) => self.dup_check_failed(line, &e),
            }
        }
        if ok {
            self.valid_rows += 1;
            let mut mask = facts.ident_mask;
            while mask != 0 {
                self.ident_counts[mask.trailing_zeros() as usize] += 1;
                mask &= mask - 1;
            }
        }
        ok
    }

    /// Count the row's long IDs per column and judge each column that has rounded-looking
    /// ones; returns the row's columns judged damaged (its rounded IDs are then errors).
    ///
    /// The verdict is reached in file order and is final: rows committed before it keep their
    /// warning (they may already be written), and if such rows exist in a column judged
    /// damaged, [`Validator::finish`] adds the file-level error `excel_damaged_column`, so a
    /// damaged export is never sent as valid.
    fn judge_ids(&mut self, facts: &RowFacts) -> u64 {
        let mut m = facts.long_ids;
        while m != 0 {
            self.ids_seen[m.trailing_zeros() as usize] += 1;
            m &= m - 1;
        }
        let mut upgraded = 0;
        // IDs in scientific notation are errors anyway; they count as evidence of damage.
        let mut m = facts.scientific;
        while m != 0 {
            let i = m.trailing_zeros() as usize;
            m &= m - 1;
            self.ids_seen[i] += 1;
            self.ids_rounded[i] += 1;
            self.judge_column(i);
        }
        let mut m = facts.rounded;
        while m != 0 {
            let i = m.trailing_zeros() as usize;
            let bit = 1u64 << i;
            m &= m - 1;
            self.ids_seen[i] += 1;
            self.ids_rounded[i] += 1;
            self.judge_column(i);
            if self.damaged & bit != 0 {
                upgraded |= bit;
            } else if facts.ok {
                self.rounded_early[i] += 1;
            }
        }
        upgraded
    }

    fn judge_column(&mut self, i: usize) {
        let bit = 1u64 << i;
        if self.damaged & bit == 0
            && self.ids_rounded[i] >= DAMAGE_MIN_ROUNDED
            && self.ids_rounded[i] * DAMAGE_SHARE_DEN >= self.ids_seen[i]
        {
            self.damaged |= bit;
        }
    }

    /// Code and severity of a logged issue after the Excel verdict on its column.
    fn refiled(&self, i: &RowIssue) -> (IssueCode, Severity) {
        if i.code == ID_TRAILING_ZEROS {
            let ci = self
                .checker
                .cols
                .iter()
                .position(|c| Some(c.spec.name) == i.col);
            if ci.is_some_and(|ci| self.damaged & (1 << ci) != 0) {
                return (EXCEL_ROUNDED_ID, Severity::Error);
            }
        }
        (i.code, i.sev)
    }

    /// The row's errors as sentences in `lang` with the user's column names, `; `-separated,
    /// appended to `out` (for the rejected-rows file). Call right after committing the row.
    pub(crate) fn row_reasons(
        &self,
        facts: &RowFacts,
        log: &[RowIssue],
        text: &str,
        lang: crate::messages::Lang,
        out: &mut String,
    ) {
        for i in &log[facts.issues.clone()] {
            let (code, sev) = self.refiled(i);
            if sev != Severity::Error {
                continue;
            }
            let label = i.col.and_then(|name| {
                self.checker
                    .cols
                    .iter()
                    .position(|c| c.spec.name == name)
                    .map(|ci| self.labels[ci].as_str())
            });
            if !out.is_empty() {
                out.push_str("; ");
            }
            let fix = i.fix.clone().map(|r| &text[r]);
            out.push_str(&crate::messages::reason(
                lang,
                code,
                label.or(i.col),
                &text[i.value.clone()],
                fix,
            ));
        }
    }
}

/// A row's cells by index, as [`RowChecker::check`] reads them.
pub(crate) trait Cells {
    /// The cell at `i`, or "" when the row is shorter.
    fn cell(&self, i: usize) -> &str;
    /// Cells in the row.
    fn count(&self) -> usize;
    /// The reader found fewer fields than the header has columns.
    fn short(&self) -> bool {
        false
    }
    /// A line of the row was UTF-8 in a file of a single-byte code page (read as UTF-8).
    fn recoded(&self) -> bool {
        false
    }
    /// The cell at `i` held a number in its workbook (never for a text file's cells).
    fn number(&self, _i: usize) -> bool {
        false
    }
}

impl Cells for csv::StringRecord {
    fn cell(&self, i: usize) -> &str {
        self.get(i).unwrap_or("")
    }
    fn count(&self) -> usize {
        self.len()
    }
}

impl Cells for crate::read::Row {
    #[inline]
    fn cell(&self, i: usize) -> &str {
        self.get(i)
    }
    fn count(&self) -> usize {
        self.len()
    }
    fn short(&self) -> bool {
        self.is_short()
    }
    fn recoded(&self) -> bool {
        self.is_recoded()
    }
    #[inline]
    fn number(&self, i: usize) -> bool {
        self.kind(i) == crate::read::CellKind::Number
    }
}

/// 2000-01-01 00:00 UTC: no offline conversion or call happened before it. A Unix time below
/// is a small number taken for a time (an ID, a zero, a count), not an event.
const OLDEST_EVENT: i64 = 946_684_800;

/// An Excel serial date (days since 1899-12-30, the fraction the time of day) as a cell
/// without a date format shows it: `46346` or `46346.5868055556` (also with a decimal
/// comma), 20000–79999 (1954–2119). As Unix seconds these would be hours after 1970-01-01,
/// so no real time is taken for one. Returns the instant in the counter's zone `tz`.
fn excel_serial(s: &str, tz: &TimeZone) -> Option<Timestamp> {
    let (int, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.len() != 5 || !digits(int) || !digits(frac) {
        return None;
    }
    let days: i64 = int.parse().ok()?;
    if !(20_000..80_000).contains(&days) {
        return None;
    }
    let frac: f64 = format!("0.{frac}").parse().ok()?;
    let secs = (frac * 86_400.0).round() as i64;
    let dt = jiff::civil::date(1899, 12, 30)
        .to_datetime(jiff::civil::Time::midnight())
        .checked_add(days.days())
        .ok()?
        .checked_add(secs.seconds())
        .ok()?;
    dt.to_zoned(tz.clone()).ok().map(|z| z.timestamp())
}

/// Words a totals or summary row starts with («Итого: 42 заказа», «Total»).
const SUMMARY_WORDS: [&str; 6] = ["итого", "итог", "всего", "total", "totals", "grand total"];

/// Whether `text` starts a totals row: a summary word alone or followed by a non-letter.
fn is_summary_word(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    SUMMARY_WORDS.iter().any(|w| {
        t.strip_prefix(w)
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_alphabetic()))
    })
}

impl RowChecker {
    /// Output cells of the last checked row (valid or not).
    pub(crate) fn cells(&self) -> &[String] {
        &self.cells
    }

    /// Read whether issue texts are still wanted; rows checked until the next call follow it.
    /// Reading it late only keeps texts nobody needs (the flag never comes back).
    pub(crate) fn sync_text_wanted(&mut self) {
        self.keep_text = self.text_wanted.load(Ordering::Relaxed);
    }

    fn issue(
        &mut self,
        col: Option<&'static str>,
        code: IssueCode,
        sev: Severity,
        value: &str,
        fix: Option<&str>,
    ) {
        if sev == Severity::Error {
            self.row_errors += 1;
        }
        if self.keep_text & sev_bit(sev) == 0 {
            self.counted.add(code, col, sev, 1);
            return;
        }
        let start = self.text.len();
        self.text.push_str(value);
        let value = start..self.text.len();
        let fix = fix.map(|f| {
            let start = self.text.len();
            self.text.push_str(f);
            start..self.text.len()
        });
        self.log.push(RowIssue {
            col,
            code,
            sev,
            value,
            fix,
        });
    }

    /// A row that is not data: a totals row («Итого», «Всего», «Total» as its first cell) or
    /// a note (a single text cell, such as «Выгружено из CRM 04.12.2026»), recognised only
    /// when the cell every data row fills ([`RowChecker::guard_src`]) holds no number, so
    /// real rows never take this path. Sets [`RowChecker::note_text`] to the cell to quote.
    fn not_data<C: Cells + ?Sized>(&mut self, fields: &C) -> Option<IssueCode> {
        let g = self.guard_src?;
        if fields
            .cell(g)
            .trim()
            .starts_with(|c: char| c.is_ascii_digit())
        {
            return None;
        }
        let mut first = None;
        let mut filled = 0;
        for i in 0..fields.count() {
            if !fields.cell(i).trim().is_empty() {
                filled += 1;
                first.get_or_insert(i);
            }
        }
        let first = first?;
        self.note_text = (first, 80);
        let text = fields.cell(first);
        if is_summary_word(text) {
            Some(IssueCode::SummaryRowSkipped)
        } else if filled == 1 && fields.count() >= 3 && text.chars().any(char::is_alphabetic) {
            Some(IssueCode::NoteRowSkipped)
        } else {
            None
        }
    }

    /// Apply a normaliser outcome: notice + fixed value, or error + suggestion.
    fn apply(&mut self, ci: usize, raw: &str, o: Outcome) {
        let name = self.cols[ci].spec.name;
        match o {
            Outcome::Same => {}
            Outcome::Changed(code) => {
                let fix = std::mem::take(&mut self.scratch);
                self.issue(Some(name), code, Severity::Notice, raw, Some(&fix));
                self.scratch = fix;
            }
            Outcome::Invalid(code) => {
                let fix = std::mem::take(&mut self.scratch);
                let f = (!fix.is_empty()).then_some(fix.as_str());
                self.issue(Some(name), code, Severity::Error, raw, f);
                self.scratch = fix;
                self.scratch.clear();
            }
        }
    }

    /// Check and normalise one row into [`RowChecker::cells`], appending its issues to `log`.
    pub(crate) fn check<C: Cells + ?Sized>(&mut self, fields: &C) -> RowFacts {
        self.row_errors = 0;
        self.id_given = false;
        let first = self.log.len();
        self.facts = RowFacts {
            issues: first..first,
            ..RowFacts::default()
        };
        for c in &mut self.cells {
            c.clear();
        }
        if self.blocked {
            return std::mem::take(&mut self.facts);
        }
        if let Some(code) = self.not_data(fields) {
            let mut facts = std::mem::take(&mut self.facts);
            let (a, b) = self.note_text;
            let text = fields.cell(a).trim();
            let text: String = text.chars().take(b).collect();
            self.issue(None, code, Severity::Notice, &text, None);
            facts.skipped = true;
            facts.issues = first..self.log.len();
            return facts;
        }
        if fields.short() {
            self.short_row(fields);
        }
        if fields.recoded() {
            // Said with the row's first words beyond ASCII, as they now read (a name).
            let words = (0..fields.count())
                .map(|i| fields.cell(i).trim())
                .find(|c| !c.is_ascii())
                .unwrap_or("");
            let words: String = words.chars().take(80).collect();
            self.issue(
                None,
                IssueCode::LineReadAsUtf8,
                Severity::Notice,
                &words,
                None,
            );
        }
        for ci in 0..self.cols.len() {
            let raw: &str = match &self.cols[ci].src {
                Src::Index(i) => {
                    self.number_cell = fields.number(*i);
                    fields.cell(*i)
                }
                Src::Const(v) => {
                    // Constants are few and short; cloning keeps the borrow checker simple.
                    let v = v.clone();
                    self.number_cell = false;
                    self.check_cell(ci, &v);
                    continue;
                }
                Src::Missing => {
                    self.number_cell = false;
                    ""
                }
            };
            self.check_cell(ci, raw);
        }
        self.thousands_check();
        self.row_checks();
        let ok = self.row_errors == 0;
        let mut facts = std::mem::take(&mut self.facts);
        facts.ok = ok;
        facts.issues = first..self.log.len();
        if ok {
            for (i, col) in self.cols.iter().enumerate() {
                if col.is_identifier && !self.cells[col.out].is_empty() {
                    facts.ident_mask |= 1 << i;
                }
            }
        }
        facts
    }

    /// An amount with three digits after its only separator may be thousands: a warning, unless
    /// the row's currency has three decimals (Kuwaiti dinar and its kind), where it is a
    /// fraction. No fix to offer: which one it is only the file's author knows.
    fn thousands_check(&mut self) {
        const THREE_DECIMALS: [&str; 7] = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
        let Some((ci, raw)) = self.thousands.take() else {
            return;
        };
        let currency = self.facts.currency.clone().map(|r| &self.text[r]);
        if currency.is_some_and(|c| THREE_DECIMALS.contains(&c)) {
            return;
        }
        let name = self.cols[ci].spec.name;
        self.issue(
            Some(name),
            IssueCode::MoneyThousandsLike,
            Severity::Warning,
            &raw,
            None,
        );
    }

    /// A row with fewer fields than the header: a warning at the first mapped column it lacks,
    /// quoting the cell it ends with. A line break inside a cell splits a row in two, and an
    /// export still being written ends mid-row; but some exporters also leave out trailing
    /// empty cells, so the row still goes (an error would drop such rows on every run), and
    /// the warning is said on the Check step and by `mbridge upload`. Nothing when only
    /// columns that are not sent are missing.
    fn short_row<C: Cells + ?Sized>(&mut self, fields: &C) {
        let n = fields.count();
        let Some(name) = self.cols.iter().find_map(|c| match c.src {
            Src::Index(i) if i >= n => Some(c.spec.name),
            _ => None,
        }) else {
            return;
        };
        let last = (0..n)
            .rev()
            .map(|i| fields.cell(i).trim())
            .find(|c| !c.is_empty())
            .unwrap_or("");
        let last: String = last.chars().take(80).collect();
        self.issue(
            Some(name),
            IssueCode::TooFewFields,
            Severity::Warning,
            &last,
            None,
        );
    }

    fn check_cell(&mut self, ci: usize, raw: &str) {
        let spec = self.cols[ci].spec;
        let s = trim(raw);
        self.scratch.clear();
        if !s.is_empty() && self.cols[ci].is_identifier {
            self.id_given = true;
        }
        if s.is_empty() {
            if spec.format == FieldFormat::Currency {
                self.facts.currency_blank = true;
            }
            if spec.requirement == Requirement::Required {
                self.issue(
                    Some(spec.name),
                    IssueCode::MissingValue,
                    Severity::Error,
                    raw,
                    None,
                );
            } else if self.kind == UploadKind::Conversions && spec.name == "Price" {
                self.issue(
                    Some(spec.name),
                    IssueCode::NoRevenue,
                    Severity::Notice,
                    raw,
                    None,
                );
            } else if self.kind == UploadKind::SimpleOrders
                && matches!(self.cols[ci].src, Src::Index(_))
            {
                // Metrica accepts these blanks, with a meaning the user should know, said with
                // the line: no status is `PAID` (reference §5.5); no order number links the
                // order by date only, and a later upload of it cannot update it.
                let code = match spec.name {
                    "order_status" => Some(IssueCode::StatusDefaultsToPaid),
                    "id" => Some(IssueCode::EmptyOrderId),
                    _ => None,
                };
                if let Some(code) = code {
                    self.issue(Some(spec.name), code, Severity::Warning, raw, None);
                }
            }
            return;
        }
        match spec.format {
            FieldFormat::Text => {
                self.scratch.push_str(s);
            }
            FieldFormat::DigitsId | FieldFormat::ClientIdList => {
                let o = if spec.format == FieldFormat::DigitsId {
                    n::digits_id(raw, &mut self.scratch)
                } else {
                    n::client_id_list(raw, &mut self.scratch)
                };
                if o == Outcome::Invalid(EXCEL_ROUNDED_ID) && s.bytes().all(|b| b.is_ascii_digit())
                {
                    self.rounded_id(ci, raw, s);
                } else {
                    if o == Outcome::Invalid(IssueCode::ExcelScientificId) {
                        self.facts.scientific |= 1 << ci;
                    }
                    self.apply(ci, raw, o);
                    if self.scratch.len() >= 16 {
                        self.facts.long_ids |= 1 << ci;
                    }
                }
            }
            FieldFormat::GoalId => self.check_target(ci, raw, s),
            FieldFormat::UnixSeconds => self.check_unix(ci, raw, s),
            FieldFormat::CrmDateTime | FieldFormat::Date => self.check_crm_date(ci, raw, s),
            FieldFormat::Money => {
                self.facts.money_given = true;
                let o = n::money(raw, &mut self.scratch);
                self.apply(ci, raw, o);
                if !o.is_invalid() && !self.number_cell && n::money::thousands_like(&self.scratch) {
                    self.thousands = Some((ci, raw.to_owned()));
                }
            }
            FieldFormat::Number => {
                let o = n::number(raw, &mut self.scratch);
                self.apply(ci, raw, o);
            }
            FieldFormat::Currency if raw == self.last_currency => {
                self.scratch.push_str(raw);
                let start = self.text.len();
                self.text.push_str(raw);
                self.facts.currency = Some(start..self.text.len());
            }
            FieldFormat::Currency if self.currency_names.contains_key(s) => {
                // A word the user named as a currency for this export (the currency offer).
                let code = &self.currency_names[s];
                self.scratch.push_str(code);
                let start = self.text.len();
                self.text.push_str(code);
                self.facts.currency = Some(start..self.text.len());
                self.apply(ci, raw, Outcome::Changed(IssueCode::CurrencyNamed));
            }
            FieldFormat::Currency => {
                let o = n::currency(raw, &mut self.scratch);
                if o == Outcome::Same {
                    self.last_currency.clear();
                    self.last_currency.push_str(raw);
                }
                if o.is_invalid() && self.scratch.is_empty() {
                    self.facts.currency_unsure = true;
                } else if o.is_invalid() {
                    let value = self.text.len();
                    self.text.push_str(s);
                    let code = self.text.len();
                    self.text.push_str(&self.scratch);
                    self.facts.currency_alias = Some((value..code, code..self.text.len()));
                }
                self.apply(ci, raw, o);
                if !o.is_invalid() {
                    let start = self.text.len();
                    self.text.push_str(&self.scratch);
                    self.facts.currency = Some(start..self.text.len());
                }
            }
            FieldFormat::CallPhone => {
                let o = n::call_phone(raw, &mut self.scratch);
                self.apply(ci, raw, o);
            }
            FieldFormat::Seconds => {
                let o = n::seconds(raw, &mut self.scratch);
                self.apply(ci, raw, o);
            }
            FieldFormat::Flag => {
                let o = n::flag(raw, &mut self.scratch);
                self.apply(ci, raw, o);
                if spec.name == "StaticCall" && self.scratch == "1" {
                    self.facts.static_call = true;
                    self.issue(
                        Some(spec.name),
                        IssueCode::StaticCall,
                        Severity::Notice,
                        raw,
                        None,
                    );
                }
            }
            FieldFormat::EmailList => {
                let o = n::email_list(raw, &mut self.scratch);
                self.apply(ci, raw, o);
                self.hash_scratch();
            }
            FieldFormat::PhoneList => {
                let o = n::phone_list(raw, &mut self.scratch);
                self.apply(ci, raw, o);
                self.hash_scratch();
            }
            FieldFormat::Md5List => {
                let o = n::md5_list(raw, &mut self.scratch);
                self.apply(ci, raw, o);
            }
            FieldFormat::OrderStatus => self.check_status(ci, raw, s),
            FieldFormat::GoalList => {
                let o = n::goal_list(raw, &mut self.scratch);
                self.apply(ci, raw, o);
                if let Some(goals) = &self.goals {
                    let unknown = self
                        .scratch
                        .split(',')
                        .map(|g| g.split(':').next().unwrap_or(""))
                        .find(|g| !g.is_empty() && !goals.contains(*g))
                        .map(str::to_string);
                    if let Some(g) = unknown {
                        self.issue(
                            Some(spec.name),
                            IssueCode::UnknownGoal,
                            Severity::Warning,
                            &g,
                            None,
                        );
                    }
                }
            }
            FieldFormat::ProductList => {
                let o = n::product_list(raw, &mut self.scratch);
                self.apply(ci, raw, o);
            }
            FieldFormat::ClientType => {
                let o = n::client_type(raw, &mut self.scratch);
                self.apply(ci, raw, o);
            }
        }
        let out = self.cols[ci].out;
        let cell = &mut self.cells[out];
        if cell.is_empty() {
            // Hand the buffer over instead of copying; the cleared cell becomes scratch.
            std::mem::swap(cell, &mut self.scratch);
        } else if !self.scratch.is_empty() {
            cell.push(',');
            cell.push_str(&self.scratch);
        }
    }

    /// A long ID whose digits after the 15th are all zeros: Excel's rounding, or one genuine ID
    /// in 10 000. Kept as is with a warning; the validator, which sees the rows in file order,
    /// turns it into an error when the column is judged damaged. Logged whatever
    /// `keep_text` says, so that the validator can re-file it.
    fn rounded_id(&mut self, ci: usize, raw: &str, s: &str) {
        self.scratch.clear();
        self.scratch.push_str(s);
        self.facts.rounded |= 1 << ci;
        let start = self.text.len();
        self.text.push_str(raw);
        self.log.push(RowIssue {
            col: Some(self.cols[ci].spec.name),
            code: ID_TRAILING_ZEROS,
            sev: Severity::Warning,
            value: start..self.text.len(),
            fix: None,
        });
    }

    /// With `hash_contacts`, replace the normalised list in `scratch` by its MD5 list.
    fn hash_scratch(&mut self) {
        if !self.hash || self.scratch.is_empty() {
            return;
        }
        self.scratch2.clear();
        for (i, v) in self.scratch.split(',').enumerate() {
            if i > 0 {
                self.scratch2.push(',');
            }
            n::md5_hex(v, &mut self.scratch2);
        }
        std::mem::swap(&mut self.scratch, &mut self.scratch2);
    }

    fn closest_goal(&self, s: &str) -> Option<String> {
        let goals = self.goals.as_ref()?;
        let probe = status_id(s);
        goals
            .iter()
            .map(|g| (strsim::jaro_winkler(&probe, g), g))
            .filter(|(score, _)| *score >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
            .map(|(_, g)| g.clone())
    }

    fn check_target(&mut self, ci: usize, raw: &str, s: &str) {
        let name = self.cols[ci].spec.name;
        self.scratch.push_str(s);
        let Some(goals) = &self.goals else {
            if !n::ident::is_js_goal_identifier(s) {
                self.issue(
                    Some(name),
                    IssueCode::TargetNotIdentifier,
                    Severity::Warning,
                    raw,
                    None,
                );
            }
            return;
        };
        if goals.contains(s) {
            return;
        }
        let by_name = self
            .goal_names
            .get(&s.to_lowercase().replace('ё', "е"))
            .cloned();
        if let Some(id) = by_name {
            self.issue(
                Some(name),
                IssueCode::GoalNameNotIdentifier,
                Severity::Error,
                raw,
                Some(&id),
            );
        } else if !n::ident::is_js_goal_identifier(s) {
            let fix = self.closest_goal(s);
            self.issue(
                Some(name),
                IssueCode::GoalNameNotIdentifier,
                Severity::Error,
                raw,
                fix.as_deref(),
            );
        } else {
            let fix = self.closest_goal(s);
            self.issue(
                Some(name),
                IssueCode::UnknownGoal,
                Severity::Warning,
                raw,
                fix.as_deref(),
            );
        }
    }

    fn check_unix(&mut self, ci: usize, raw: &str, s: &str) {
        let col = &self.cols[ci];
        let (name, main) = (col.spec.name, col.is_main_date);
        if let Some(ts) = excel_serial(s, &self.tz) {
            let _ = write!(self.scratch, "{}", ts.as_second());
            let fix = std::mem::take(&mut self.scratch);
            self.issue(
                Some(name),
                IssueCode::ExcelSerialDate,
                Severity::Error,
                raw,
                Some(&fix),
            );
            self.scratch = fix;
            self.scratch.clear();
            return;
        }
        let s = match crate::normalize::datetime::truncate_fractional_seconds(s) {
            Some(int) => {
                let n = Severity::Notice;
                self.issue(
                    Some(name),
                    IssueCode::FractionalSecondsTruncated,
                    n,
                    raw,
                    Some(int),
                );
                int
            }
            None => s,
        };
        let ts = if s.bytes().all(|b| b.is_ascii_digit()) {
            if s.len() >= 13 {
                let fix = (s.len() <= 14)
                    .then(|| s.parse::<i64>().ok().map(|v| (v / 1000).to_string()))
                    .flatten();
                self.issue(
                    Some(name),
                    IssueCode::MillisecondsTimestamp,
                    Severity::Error,
                    raw,
                    fix.as_deref(),
                );
                return;
            }
            let Some(ts) = s
                .parse::<i64>()
                .ok()
                .and_then(|v| Timestamp::from_second(v).ok())
            else {
                self.issue(
                    Some(name),
                    IssueCode::InvalidDatetime,
                    Severity::Error,
                    raw,
                    None,
                );
                return;
            };
            self.scratch.push_str(s);
            ts
        } else {
            let Some(p) = parse_local(s) else {
                self.issue(
                    Some(name),
                    IssueCode::InvalidDatetime,
                    Severity::Error,
                    raw,
                    None,
                );
                return;
            };
            let zoned = match p.offset {
                Some(off) => p.dt.to_zoned(TimeZone::fixed(off)),
                None => p.dt.to_zoned(self.tz.clone()),
            };
            let Ok(z) = zoned else {
                self.issue(
                    Some(name),
                    IssueCode::InvalidDatetime,
                    Severity::Error,
                    raw,
                    None,
                );
                return;
            };
            let ts = z.timestamp();
            // A bare day goes as its 00:00 (deterministic: a job that reads the file again
            // sends the same row). Metrica links the event to the visit before it (seed 002),
            // so that day's own visits miss it: said, not silently.
            if !p.has_time && main {
                self.issue(
                    Some(name),
                    IssueCode::DateOnlyDayStart,
                    Severity::Notice,
                    raw,
                    None,
                );
            }
            let _ = write!(self.scratch, "{}", ts.as_second());
            let fix = std::mem::take(&mut self.scratch);
            self.issue(
                Some(name),
                IssueCode::DatetimeConverted,
                Severity::Notice,
                raw,
                Some(&fix),
            );
            self.scratch = fix;
            ts
        };
        if ts.as_second() < OLDEST_EVENT {
            self.issue(
                Some(name),
                IssueCode::DatetimeTooOld,
                Severity::Error,
                raw,
                None,
            );
            return;
        }
        if ts > self.now {
            self.issue(
                Some(name),
                IssueCode::FutureDatetime,
                Severity::Error,
                raw,
                None,
            );
        } else if main && ts < self.window {
            self.issue(Some(name), self.before_window, Severity::Warning, raw, None);
        }
        if main && self.row_errors == 0 {
            self.range_ts = Some(match self.range_ts {
                None => (ts, ts),
                Some((a, b)) => (a.min(ts), b.max(ts)),
            });
        }
    }

    fn check_crm_date(&mut self, ci: usize, raw: &str, s: &str) {
        let col = &self.cols[ci];
        let (name, main, date_only_field) = (
            col.spec.name,
            col.is_main_date,
            col.spec.format == FieldFormat::Date,
        );
        let Some(p) = parse_local(s) else {
            self.issue(
                Some(name),
                IssueCode::InvalidDatetime,
                Severity::Error,
                raw,
                None,
            );
            return;
        };
        let mut converted = false;
        let civil = match p.offset {
            Some(off) => match p.dt.to_zoned(TimeZone::fixed(off)) {
                Ok(z) => {
                    converted = true;
                    z.timestamp().to_zoned(self.tz.clone()).datetime()
                }
                Err(_) => {
                    self.issue(
                        Some(name),
                        IssueCode::InvalidDatetime,
                        Severity::Error,
                        raw,
                        None,
                    );
                    return;
                }
            },
            None => p.dt,
        };
        let has_time = p.has_time && !date_only_field;
        if s.len() == 19 && p.accepted && s.as_bytes()[4] == b'-' && has_time {
            self.scratch.push_str(s);
        } else {
            format_crm(&civil, has_time, &mut self.scratch);
        }
        if civil.year() < 1970 {
            self.issue(
                Some(name),
                IssueCode::DatetimeBefore1970,
                Severity::Error,
                raw,
                None,
            );
            return;
        }
        let future = if has_time {
            civil > self.now_civil
        } else {
            civil.date() > self.now_civil.date()
        };
        if future && !date_only_field {
            let sev = if main {
                Severity::Error
            } else {
                Severity::Warning
            };
            self.issue(Some(name), IssueCode::FutureDatetime, sev, raw, None);
        }
        // No «older than 21 days» for CRM orders: Yandex documents that window for offline
        // conversions only (docs/metrika-api.md §4.2); an order links to the visits nearest
        // its creation date (§5.2), and saying it will not link would be a guess.
        if self.scratch != raw {
            let code = if converted {
                IssueCode::DatetimeOffsetConverted
            } else if !has_time && !date_only_field {
                IssueCode::DateOnly
            } else if p.accepted {
                IssueCode::DatetimeReformatted
            } else {
                IssueCode::DatetimeNormalized
            };
            let fix = std::mem::take(&mut self.scratch);
            self.issue(Some(name), code, Severity::Notice, raw, Some(&fix));
            self.scratch = fix;
        } else if !has_time && !date_only_field {
            let fix = std::mem::take(&mut self.scratch);
            self.issue(
                Some(name),
                IssueCode::DateOnly,
                Severity::Notice,
                raw,
                Some(&fix),
            );
            self.scratch = fix;
        }
        if main && self.row_errors == 0 {
            self.range = Some(match self.range {
                None => (civil, civil),
                Some((a, b)) => (a.min(civil), b.max(civil)),
            });
        }
    }

    fn check_status(&mut self, ci: usize, raw: &str, s: &str) {
        let name = self.cols[ci].spec.name;
        let mapped = match self.status_map.get(s) {
            Some(m) => Some(m),
            None if !self.status_map_folded.is_empty() => self
                .status_map_folded
                .get(&s.to_lowercase().replace('ё', "е")),
            None => None,
        };
        self.scratch.push_str(mapped.map_or(s, String::as_str));
        if mapped.is_some() {
            let fix = std::mem::take(&mut self.scratch);
            self.issue(
                Some(name),
                IssueCode::StatusMapped,
                Severity::Notice,
                raw,
                Some(&fix),
            );
            self.scratch = fix;
        }
        if let Some(t) = OrderStatusType::parse(&self.scratch) {
            if !t.is_sendable_without_mapping() && self.kind == UploadKind::SimpleOrders {
                self.issue(
                    Some(name),
                    IssueCode::UnknownStatus,
                    Severity::Error,
                    raw,
                    None,
                );
            }
            return;
        }
        // Rare paths below: allocating is fine.
        let v = self.scratch.clone();
        if let Some(t) = OrderStatusType::parse(&v.to_ascii_uppercase())
            && t.is_sendable_without_mapping()
        {
            self.scratch.clear();
            self.scratch.push_str(t.as_str());
            let fix = t.as_str();
            self.issue(
                Some(name),
                IssueCode::StatusCase,
                Severity::Notice,
                raw,
                Some(fix),
            );
            return;
        }
        // The counter's JS-goal identifiers are statuses without a mapping (seed 004).
        let in_goals = self.goals.as_ref().map(|g| g.contains(&v));
        if in_goals != Some(true) && !is_valid_status_id(&v) {
            let fix = match self.kind {
                UploadKind::Orders => Some(status_id(&v)),
                _ => simple_order_fix(&v).map(str::to_string),
            };
            self.scratch.clear();
            self.issue(
                Some(name),
                IssueCode::UnmappedStatus,
                Severity::Error,
                raw,
                fix.as_deref(),
            );
            return;
        }
        match self.kind {
            UploadKind::Orders => {
                let known = self.order_status_ids.as_ref().map(|ids| ids.contains(&v));
                match known {
                    Some(true) => {}
                    _ if in_goals == Some(true) => {}
                    _ if self.mapped_status_ids.contains(&v) => {}
                    None => self.issue(
                        Some(name),
                        IssueCode::StatusMappingUnverified,
                        Severity::Warning,
                        raw,
                        None,
                    ),
                    Some(false) => {
                        let fix = suggest_status(&v).0.as_str();
                        self.issue(
                            Some(name),
                            IssueCode::UnknownStatus,
                            Severity::Error,
                            raw,
                            Some(fix),
                        );
                    }
                }
            }
            _ => match in_goals {
                Some(true) => {}
                None => self.issue(
                    Some(name),
                    IssueCode::StatusGoalUnverified,
                    Severity::Warning,
                    raw,
                    None,
                ),
                Some(false) => {
                    let fix = simple_order_fix(&v);
                    self.issue(
                        Some(name),
                        IssueCode::UnknownStatus,
                        Severity::Error,
                        raw,
                        fix,
                    );
                }
            },
        }
    }

    /// Rules over the whole row: identifiers, hashed-only notice, duplicates.
    fn row_checks(&mut self) {
        let mut any_id = false;
        let mut any_plain = false;
        let mut has_ids = false;
        for col in &self.cols {
            if col.is_identifier {
                has_ids = true;
                if !self.cells[col.out].is_empty() {
                    any_id = true;
                    if !col.is_md5 || self.hash {
                        any_plain = true;
                    }
                }
            }
        }
        if has_ids && !any_id && !self.id_given {
            let sev = if self.kind == UploadKind::Contacts {
                Severity::Warning
            } else {
                Severity::Error
            };
            // Offline conversions and calls are matched by ClientID, UserID or yclid only:
            // phones and e-mails do not apply to them.
            let code = match self.kind {
                UploadKind::Conversions | UploadKind::Calls => IssueCode::NoVisitorId,
                _ => IssueCode::NoIdentifier,
            };
            self.issue(None, code, sev, "", None);
        } else if any_id && !any_plain && self.kind.is_crm() {
            self.issue(
                None,
                IssueCode::OnlyHashedIdentifiers,
                Severity::Notice,
                "",
                None,
            );
        }
        // A CRM order with a sum and a blank currency is booked in rubles (seed 003), not in
        // the counter's currency: a remark on its line (a file with no currency column at all
        // is told once, in `Validator::new`).
        if self.kind.is_crm() && self.facts.currency_blank && self.facts.money_given {
            let col = self
                .cols
                .iter()
                .find(|c| c.spec.format == FieldFormat::Currency)
                .map(|c| c.spec.name);
            self.issue(
                col,
                IssueCode::CrmRevenueInRubles,
                Severity::Notice,
                "",
                None,
            );
        }
        let start = self.text.len();
        let code = match self.kind {
            UploadKind::SimpleOrders | UploadKind::Orders | UploadKind::Contacts => {
                let Some(col) = self.cols.iter().find(|c| c.in_dup_key) else {
                    return;
                };
                let v = &self.cells[col.out];
                if v.is_empty() {
                    return;
                }
                self.text.push_str(v);
                if self.kind == UploadKind::Contacts {
                    IssueCode::DuplicateContactId
                } else {
                    IssueCode::DuplicateOrderId
                }
            }
            UploadKind::Conversions | UploadKind::Calls => {
                for col in &self.cols {
                    if col.in_dup_key {
                        // Length-prefixed cells: the key is unambiguous whatever they hold.
                        let cell = &self.cells[col.out];
                        push_len(&mut self.text, cell.len());
                        self.text.push_str(cell);
                    }
                }
                if self.kind == UploadKind::Calls {
                    IssueCode::DuplicateCall
                } else {
                    IssueCode::DuplicateConversion
                }
            }
        };
        let mut h = KeyHasher::default();
        h.write(&self.text.as_bytes()[start..]);
        self.facts.dup_key = start..self.text.len();
        self.facts.dup = Some((h.finish(), code));
    }
}

/// What a repeated row's issue says of it: an order's or a contact's key is its id; a
/// conversion's or a call's is its cells, length-prefixed, and its texts say what repeats.
/// The order type to suggest for a simple order's status Metrica does not take: the one its
/// wording reads as, never «Другое» (that sends the value as a goal identifier, which it is
/// not), nothing when the wording says nothing.
fn simple_order_fix(v: &str) -> Option<&'static str> {
    match suggest_status(v).0 {
        OrderStatusType::Other => None,
        t => Some(t.as_str()),
    }
}

fn repeat_value(code: IssueCode, key: &[u8]) -> String {
    match code {
        IssueCode::DuplicateOrderId | IssueCode::DuplicateContactId => {
            String::from_utf8_lossy(key).into_owned()
        }
        _ => String::new(),
    }
}

impl Validator {
    /// Report a row whose duplicate key an earlier row has.
    fn repeat(&mut self, line: u64, record: u64, code: IssueCode, value: &str) {
        // An order's or a contact's repeat is of its number: said at that column.
        let column = match code {
            IssueCode::DuplicateOrderId | IssueCode::DuplicateContactId => self
                .checker
                .cols
                .iter()
                .find(|c| c.in_dup_key)
                .map(|c| c.spec.name),
            _ => None,
        };
        if self.text_wanted & sev_bit(Severity::Warning) != 0 {
            self.issues
                .push(line, record, column, code, Severity::Warning, value, None);
        } else {
            self.issues.push_counted(column, code, Severity::Warning);
        }
    }

    fn dup_check_failed(&mut self, line: u64, e: &std::io::Error) {
        tracing::warn!("duplicate check stopped: {e}");
        self.dup_failed = true;
        self.issues.push_file(
            line,
            None,
            IssueCode::DuplicateCheckFailed,
            Severity::Notice,
            "",
            None,
        );
    }

    /// File-level notices at the end, then everything the report needs.
    pub fn finish(mut self, rows: u64) -> Result<ValidatorSummary, ImportError> {
        let counted = std::mem::take(&mut self.checker.counted);
        self.issues.absorb_counts(&counted);
        let dups = std::mem::replace(&mut self.dups, DupIndex::new(0));
        let mut repeats = Vec::new();
        let code = self.dup_code;
        if let Err(e) = dups.finish(|line, record, key| {
            repeats.push((
                line,
                record,
                code.map(|c| repeat_value(c, key)).unwrap_or_default(),
            ))
        }) {
            self.dup_check_failed(0, &e);
        }
        if let Some(code) = code {
            for (line, record, value) in repeats {
                self.issues
                    .push(line, record, None, code, Severity::Warning, &value, None);
            }
        }
        let range = self.checker.range.or_else(|| {
            let (a, b) = self.checker.range_ts?;
            let civil = |t: Timestamp| t.to_zoned(self.checker.tz.clone()).datetime();
            Some((civil(a), civil(b)))
        });
        if rows == 0 && !self.checker.blocked {
            self.issues
                .push_file(0, None, IssueCode::EmptyFile, Severity::Error, "", None);
        }
        if self.checker.kind == UploadKind::Calls && rows > 0 && self.static_calls == rows {
            self.issues.push_file(
                0,
                Some("StaticCall"),
                IssueCode::AllStaticCalls,
                Severity::Warning,
                "",
                None,
            );
        }
        for (ci, col) in self.checker.cols.iter().enumerate() {
            if self.damaged & (1 << ci) != 0 && self.rounded_early[ci] > 0 {
                let v = format!("{}/{}", self.ids_rounded[ci], self.ids_seen[ci]);
                self.issues.push_file(
                    0,
                    Some(col.spec.name),
                    IssueCode::ExcelDamagedColumn,
                    Severity::Error,
                    &v,
                    None,
                );
            }
        }
        if self.currencies.len() > 1 {
            let v = self.currencies.join(",");
            self.issues.push_file(
                0,
                Some("Currency"),
                IssueCode::MixedCurrencies,
                Severity::Notice,
                &v,
                None,
            );
        }
        // Every currency given is one code, under names Metrica does not know in some rows.
        let currency_offer = self
            .currency_offer
            .take()
            .filter(|o| !self.currency_offer_off && self.currencies.iter().all(|c| *c == o.code))
            .and_then(|o| {
                let col = self
                    .checker
                    .cols
                    .iter()
                    .find(|c| c.spec.format == FieldFormat::Currency)?;
                Some(CurrencyOffer {
                    field: col.spec.name.to_string(),
                    ..o
                })
            });
        let file_errors = self.issues.file_errors();
        let (mut issues, mut counts, truncated, spill) =
            self.issues.finish().map_err(|source| ImportError::Write {
                path: PathBuf::from("issue spill"),
                source,
            })?;
        crate::human::fill(
            self.checker.kind,
            &self.checker.tz,
            &mut issues,
            &mut counts,
        );
        let _ = self.checker.now;
        Ok(ValidatorSummary {
            issues,
            counts,
            truncated,
            spill,
            identifier_summary: {
                let mut m: BTreeMap<String, u64> = BTreeMap::new();
                for (col, &v) in self.checker.cols.iter().zip(&self.ident_counts) {
                    if v > 0 {
                        *m.entry(col.spec.name.to_string()).or_insert(0) += v;
                    }
                }
                m
            },
            range: range.map(|(a, b)| {
                let (mut first, mut last) = (String::new(), String::new());
                format_crm(&a, true, &mut first);
                format_crm(&b, true, &mut last);
                DateRange { first, last }
            }),
            valid_rows: self.valid_rows,
            file_errors,
            currency_offer,
        })
    }
}

/// What [`Validator::finish`] hands to the report.
#[derive(Debug)]
pub struct ValidatorSummary {
    pub issues: Vec<crate::report::Issue>,
    pub counts: Vec<crate::report::IssueCount>,
    pub truncated: bool,
    pub spill: Option<PathBuf>,
    pub identifier_summary: BTreeMap<String, u64>,
    pub range: Option<DateRange>,
    pub valid_rows: u64,
    pub file_errors: u64,
    pub currency_offer: Option<CurrencyOffer>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::auto_map;

    pub(crate) fn now() -> Timestamp {
        "2026-11-22T07:00:00Z".parse().unwrap()
    }

    pub(crate) fn opts() -> ValidateOptions {
        let mut o = ValidateOptions::new("Europe/Moscow", now());
        o.issue_spill_path = None;
        o.goals = Some(
            [
                "offline_paid",
                "dogovor_signed",
                "visit_showroom",
                "lead_qualified",
                "good_lead",
                "oplata_karta",
                "dostavka_kurier",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        );
        o
    }

    struct T {
        v: Validator,
    }

    impl T {
        fn new(kind: UploadKind, headers: &[&str], o: &ValidateOptions) -> T {
            let h: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
            let m = auto_map(kind, &h).mapping;
            T {
                v: Validator::new(&m, &h, 1, o).unwrap(),
            }
        }
        fn row(&mut self, cells: &[&str]) -> bool {
            let rec = csv::StringRecord::from(cells.to_vec());
            self.v.check_row(2, 1, &rec)
        }
        fn cell(&self, name: &str) -> &str {
            let i = self
                .v
                .output_headers()
                .iter()
                .position(|h| *h == name)
                .unwrap();
            &self.v.cells()[i]
        }
        fn codes(self) -> Vec<(String, Severity, Option<String>)> {
            let s = self.v.finish(1).unwrap();
            s.issues
                .into_iter()
                .map(|i| (i.code.as_str().to_string(), i.severity, i.fix))
                .collect()
        }
    }

    fn conv() -> T {
        T::new(
            UploadKind::Conversions,
            &["ClientId", "Target", "DateTime", "Price", "Currency"],
            &opts(),
        )
    }

    fn has(codes: &[(String, Severity, Option<String>)], code: &str, sev: Severity) -> bool {
        codes.iter().any(|(c, s, _)| c == code && *s == sev)
    }

    /// Yandex documents the 21-day window for offline conversions only: a month-old order is
    /// not said to miss its visit, while a month-old conversion is.
    #[test]
    fn an_old_crm_order_is_not_said_to_miss_its_visit() {
        let mut t = T::new(
            UploadKind::SimpleOrders,
            &["id", "create_date_time", "client_ids", "order_status"],
            &opts(),
        );
        assert!(t.row(&["A-1", "2026-10-20 10:00:00", "1762345098123456789", "PAID"]));
        let codes = t.codes();
        assert!(
            !codes
                .iter()
                .any(|(c, _, _)| c == "outside_linking_window" || c == "before_counter_window"),
            "{codes:?}"
        );
        let mut t = conv();
        assert!(t.row(&[
            "1762345098123456789",
            "offline_paid",
            "1792490400",
            "100",
            "RUB"
        ]));
        assert!(has(&t.codes(), "outside_linking_window", Severity::Warning));
    }

    #[test]
    fn a_conversion_day_without_a_time_goes_at_its_midnight_and_says_so() {
        let at = |s: &str| s.parse::<Timestamp>().unwrap().as_second().to_string();
        let mut t = conv();
        // Every reading of the file gives the same time (a job must not send it again).
        for _ in 0..2 {
            assert!(t.row(&[
                "1762345098123456789",
                "offline_paid",
                "20.11.2026",
                "990",
                "RUB"
            ]));
            assert_eq!(t.cell("DateTime"), at("2026-11-20T00:00:00+03:00"));
        }
        // A time given, even midnight, is no remark.
        assert!(t.row(&[
            "1762345098123456789",
            "offline_paid",
            "20.11.2026 0:00",
            "990",
            "RUB"
        ]));
        let c = t.codes();
        let day_start: Vec<_> = c.iter().filter(|x| x.0 == "date_only_day_start").collect();
        assert_eq!(day_start.len(), 2, "{c:?}");
        assert!(
            day_start
                .iter()
                .all(|x| x.1 == Severity::Notice && x.2.is_none())
        );
        assert!(!IssueCode::DateOnlyDayStart.is_change());
    }

    #[test]
    fn accepts_a_normal_conversion_row_unchanged() {
        let mut t = conv();
        assert!(t.row(&[
            "1762345098123456789",
            "offline_paid",
            "1794228120",
            "18450.00",
            "RUB"
        ]));
        assert_eq!(t.cell("DateTime"), "1794228120");
        assert!(t.codes().is_empty());
    }

    /// A conversions file read and checked as the pipeline does, row by row: whether each row
    /// goes, and the summary.
    fn check_conversions_file(bytes: Vec<u8>) -> (Vec<bool>, ValidatorSummary) {
        use crate::read::{ReadEvent, ReadOptions, Row, open_bytes};
        let mut src = open_bytes(bytes, "c.csv", &ReadOptions::default()).unwrap();
        let headers = src.info().headers.clone();
        let m = auto_map(UploadKind::Conversions, &headers).mapping;
        let mut v = Validator::new(&m, &headers, 1, &opts()).unwrap();
        let mut row = Row::new();
        let mut oks = Vec::new();
        while let Some(ReadEvent::Row) = src.next_event(&mut row).unwrap() {
            let mut checker = v.row_checker();
            checker.sync_text_wanted();
            let facts = checker.check(&row);
            oks.push(v.commit(row.line, row.record, &facts, &checker.log, &checker.text));
        }
        let rows = oks.len() as u64;
        (oks, v.finish(rows).unwrap())
    }

    #[test]
    fn a_row_shorter_than_the_header_is_a_warning_at_the_first_missing_sent_column() {
        let text = "ClientId,Target,DateTime,Comment,Price,Note\n\
                    1762345098123456789,offline_paid,1794228120,VIP клиент\n\
                    1762345098123456789,offline_paid,1794228121,ok,100\n\
                    1762345098123456789,offline_paid,1794228122,ok,100,x\n";
        let (oks, s) = check_conversions_file(text.into());
        // Warnings only: the rows still go out (trailing empty cells left out are legal).
        assert_eq!(oks, [true, true, true]);
        let got: Vec<_> = s
            .issues
            .iter()
            .filter(|i| i.severity != Severity::Notice)
            .map(|i| {
                (
                    i.code.as_str(),
                    i.line,
                    i.column.as_deref(),
                    i.value.as_str(),
                )
            })
            .collect();
        // Line 3 lacks only «Note», which is not sent: nothing to say.
        assert_eq!(
            got,
            [("too_few_fields", 2, Some("Price"), "VIP клиент")],
            "{:?}",
            s.issues
        );
        assert_eq!(s.issues[0].severity, Severity::Warning);
    }

    #[test]
    fn an_amount_with_three_digits_after_its_separator_is_a_warning_and_goes_as_read() {
        let mut t = conv();
        assert!(t.row(&[
            "1762345098123456789",
            "offline_paid",
            "1794228120",
            "1.500",
            "RUB"
        ]));
        assert_eq!(t.cell("Price"), "1.500");
        assert_eq!(
            t.codes(),
            [("money_thousands_like".to_owned(), Severity::Warning, None)]
        );
        let mut t = conv();
        assert!(t.row(&[
            "1762345098123456789",
            "offline_paid",
            "1794228120",
            "1500.50",
            "RUB"
        ]));
        assert!(t.codes().is_empty());
    }

    #[test]
    fn an_amount_in_a_three_decimal_currency_or_a_workbook_number_is_a_fraction_without_a_word() {
        let mut t = conv();
        assert!(t.row(&[
            "1762345098123456789",
            "offline_paid",
            "1794228120",
            "1.500",
            "KWD"
        ]));
        assert!(t.codes().is_empty());
        // A workbook's number cell is a number; the same text typed into a cell may be
        // thousands, as in a text file.
        for (kind, said) in [
            (crate::read::CellKind::Number, false),
            (crate::read::CellKind::Text, true),
        ] {
            let mut t = conv();
            let mut row = crate::read::Row::new();
            for cell in ["1762345098123456789", "offline_paid", "1794228120"] {
                row.push_field(cell);
            }
            row.push_typed("170.145", kind);
            row.push_field("RUB");
            t.v.check_cells(2, 1, &row);
            let codes = t.codes();
            assert_eq!(
                codes.iter().any(|c| c.0 == "money_thousands_like"),
                said,
                "{kind:?}: {codes:?}"
            );
        }
    }

    #[test]
    fn a_utf8_row_in_a_code_page_file_is_a_notice_with_its_words() {
        let mut bytes = "ClientId,Target,DateTime,Price,Comment\n\
                         1762345098123456789,offline_paid,1794228120,100,Иванов Иван\n"
            .as_bytes()
            .to_vec();
        let (cp, _, _) = encoding_rs::WINDOWS_1251.encode(
            "1762345098123456780,offline_paid,1794228121,200,Петров Пётр позвонит\n\
             1762345098123456781,offline_paid,1794228122,300,Сидорова Анна заходила\n",
        );
        bytes.extend_from_slice(&cp);
        let (oks, s) = check_conversions_file(bytes);
        assert_eq!(oks, [true, true, true]);
        let got: Vec<_> = s
            .issues
            .iter()
            .map(|i| (i.code.as_str(), i.severity, i.line, i.value.as_str()))
            .collect();
        assert_eq!(
            got,
            [("line_read_as_utf8", Severity::Notice, 2, "Иванов Иван")]
        );
    }

    #[test]
    fn rejects_future_datetime() {
        let mut t = conv();
        assert!(!t.row(&[
            "1762345098123456789",
            "offline_paid",
            "1893456000",
            "1",
            "RUB"
        ]));
        assert!(has(&t.codes(), "future_datetime", Severity::Error));
    }

    #[test]
    fn small_numbers_are_not_times_and_excel_serial_dates_get_their_date_as_fix() {
        let row =
            |t: &mut T, dt: &str| t.row(&["1762345098123456789", "offline_paid", dt, "1", "RUB"]);
        // A small number is a date in 1970 (or before 2000): an error, not a warning.
        for dt in ["1", "0", "946684799", "123456789"] {
            let mut t = conv();
            assert!(!row(&mut t, dt), "{dt}");
            let c = t.codes();
            assert!(has(&c, "datetime_too_old", Severity::Error), "{dt}: {c:?}");
            assert!(
                !has(&c, "outside_linking_window", Severity::Warning),
                "{dt}"
            );
        }
        // 2000-01-01 itself is only old.
        let mut t = conv();
        assert!(row(&mut t, "946684800"));
        assert!(has(&t.codes(), "outside_linking_window", Severity::Warning));
        // Excel serial dates (an xlsx cell without a date format), read in the counter's zone.
        for (dt, fix) in [
            ("46346.5868055556", "1795172700"),
            ("46346,5868055556", "1795172700"),
            ("45980", "1763499600"),
        ] {
            let mut t = conv();
            assert!(!row(&mut t, dt), "{dt}");
            let c = t.codes();
            assert_eq!(
                c,
                [(
                    "excel_serial_date".to_string(),
                    Severity::Error,
                    Some(fix.to_string())
                )],
                "{dt}"
            );
        }
    }

    #[test]
    fn flags_millisecond_timestamps_with_the_seconds_as_fix() {
        let mut t = conv();
        assert!(!t.row(&[
            "1762345098123456789",
            "offline_paid",
            "1794663000000",
            "1",
            "RUB"
        ]));
        let c = t.codes();
        assert!(
            c.iter()
                .any(|(code, _, fix)| code == "milliseconds_timestamp"
                    && fix.as_deref() == Some("1794663000"))
        );
    }

    #[test]
    fn converts_local_datetimes_in_the_counter_zone_to_unix_seconds() {
        let mut t = conv();
        assert!(t.row(&[
            "1762345098123456789",
            "offline_paid",
            "18.11.2026 19:21",
            "1",
            "RUB"
        ]));
        let want = "2026-11-18T16:21:00Z"
            .parse::<Timestamp>()
            .unwrap()
            .as_second()
            .to_string();
        assert_eq!(t.cell("DateTime"), want);
        assert!(t.row(&[
            "1762345098123456789",
            "offline_paid",
            "2026-11-18T19:21:00+03:00",
            "1",
            "RUB"
        ]));
        assert_eq!(t.cell("DateTime"), want);
        assert!(t.row(&[
            "1762345098123456789",
            "offline_paid",
            "18.11.2026 9:05",
            "1",
            "RUB"
        ]));
    }

    #[test]
    fn warns_when_older_than_the_linking_window() {
        let mut t = conv();
        assert!(t.row(&[
            "1762345098123456789",
            "offline_paid",
            "01.10.2026 10:00",
            "1",
            "RUB"
        ]));
        assert!(has(&t.codes(), "outside_linking_window", Severity::Warning));
    }

    #[test]
    fn uses_window_start_from_the_api_when_given() {
        let mut o = opts();
        o.window_start = Some("2026-11-20T00:00:00Z".parse().unwrap());
        let mut t = T::new(
            UploadKind::Conversions,
            &["ClientId", "Target", "DateTime"],
            &o,
        );
        assert!(t.row(&["1762345098123456789", "offline_paid", "15.11.2026 10:00"]));
        // The counter's window began on 20.11 (later than 21 days ago): a row before it is
        // not «older than 21 days».
        let c = t.codes();
        assert!(has(&c, "before_counter_window", Severity::Warning), "{c:?}");
        assert!(!has(&c, "outside_linking_window", Severity::Warning));
        // A window start from the API as old as 21 days or older is the 21 days.
        o.window_start = o
            .now
            .checked_sub(jiff::SignedDuration::from_hours(30 * 24))
            .ok();
        let mut t = T::new(
            UploadKind::Conversions,
            &["ClientId", "Target", "DateTime"],
            &o,
        );
        assert!(t.row(&["1762345098123456789", "offline_paid", "01.10.2026 10:00"]));
        assert!(has(&t.codes(), "outside_linking_window", Severity::Warning));
    }

    #[test]
    fn rejects_rows_without_any_identifier() {
        let mut t = T::new(
            UploadKind::Conversions,
            &["ClientId", "UserId", "Target", "DateTime"],
            &opts(),
        );
        assert!(!t.row(&["", " ", "offline_paid", "1794228120"]));
        assert!(has(&t.codes(), "no_visitor_id", Severity::Error));
        let mut t = simple(&["id", "create_date_time", "phones", "emails"], &opts());
        assert!(!t.row(&["B-1", "06.11.2026 9:05", "", " "]));
        assert!(has(&t.codes(), "no_identifier", Severity::Error));
    }

    #[test]
    fn refuses_excel_scientific_ids_in_any_column() {
        let mut t = conv();
        assert!(!t.row(&["1,76235E+18", "offline_paid", "1794228120", "", ""]));
        let c = t.codes();
        assert!(has(&c, "excel_scientific_id", Severity::Error));
    }

    /// A 19-digit ClientID-like number from a seed (a splitmix step): the last four digits
    /// are uniform, so about 1 in 10 000 ends in `0000` as real ones do.
    fn genuine_id(seed: u64) -> String {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        format!("17{:017}", z % 100_000_000_000_000_000)
    }

    /// What Excel shows after it touched `id`: 15 significant digits, then zeros.
    fn excel_rounded(id: &str) -> String {
        format!("{}0000", &id[..15])
    }

    fn run_ids(ids: &[String]) -> (Vec<bool>, ValidatorSummary) {
        let mut t = conv();
        let ok = ids
            .iter()
            .map(|id| t.row(&[id, "offline_paid", "1794228120", "", ""]))
            .collect();
        (ok, t.v.finish(ids.len() as u64).unwrap())
    }

    fn count(s: &ValidatorSummary, code: &str, sev: Severity) -> u64 {
        s.counts
            .iter()
            .filter(|c| c.code == code && c.severity == sev)
            .map(|c| c.count)
            .sum()
    }

    #[test]
    fn genuine_ids_ending_in_zeros_in_a_healthy_column_are_only_warnings() {
        let mut ids: Vec<String> = (0..30_000).map(genuine_id).collect();
        // The natural rate of a 3 M-row export, concentrated: three genuine zero endings.
        for at in [7, 12_000, 29_000] {
            ids[at] = excel_rounded(&ids[at]);
        }
        let natural = ids.iter().filter(|i| i.ends_with("0000")).count();
        let (ok, s) = run_ids(&ids);
        assert!(ok.iter().all(|o| *o), "a healthy column rejects no row");
        assert_eq!(s.valid_rows, 30_000);
        assert_eq!(
            count(&s, "id_trailing_zeros", Severity::Warning),
            natural as u64
        );
        assert_eq!(count(&s, "excel_rounded_id", Severity::Error), 0);
        assert_eq!(count(&s, "excel_damaged_column", Severity::Error), 0);
        assert_eq!(s.file_errors, 0);
    }

    #[test]
    fn a_column_excel_rounded_is_damaged_and_every_affected_row_is_an_error() {
        let ids: Vec<String> = (0..1000).map(|i| excel_rounded(&genuine_id(i))).collect();
        let (ok, s) = run_ids(&ids);
        // Judged damaged at the third rounded ID; the two before it were already taken…
        assert_eq!(ok.iter().filter(|o| **o).count(), 2);
        assert!(ok[..2].iter().all(|o| *o) && ok[2..].iter().all(|o| !*o));
        assert_eq!(count(&s, "excel_rounded_id", Severity::Error), 998);
        assert_eq!(count(&s, "id_trailing_zeros", Severity::Warning), 2);
        // …so the file itself gets an error: a damaged export is never sent as valid.
        assert_eq!(count(&s, "excel_damaged_column", Severity::Error), 1);
        assert_eq!(s.file_errors, 1);
        let i = s
            .issues
            .iter()
            .find(|i| i.code == "excel_damaged_column")
            .unwrap();
        assert_eq!(
            (i.column.as_deref(), i.value.as_str()),
            (Some("ClientId"), "1000/1000")
        );
        assert_eq!(s.issues[0].severity, Severity::Error);
    }

    #[test]
    fn a_column_damaged_after_healthy_rows_is_judged_by_its_share() {
        let mut ids: Vec<String> = (0..1000).map(|i| genuine_id(i * 3 + 1)).collect();
        ids.retain(|i| !i.ends_with("0000"));
        let healthy = ids.len();
        ids.extend((0..200).map(|i| excel_rounded(&genuine_id(50_000 + i))));
        let (ok, s) = run_ids(&ids);
        // Damaged once the rounded ones are 1 in 20 of the long IDs seen: k·20 ≥ healthy + k.
        let early = (healthy as u64).div_ceil(DAMAGE_SHARE_DEN - 1) - 1;
        assert_eq!(count(&s, "id_trailing_zeros", Severity::Warning), early);
        assert_eq!(count(&s, "excel_rounded_id", Severity::Error), 200 - early);
        assert_eq!(ok.iter().filter(|o| !**o).count() as u64, 200 - early);
        assert_eq!(count(&s, "excel_damaged_column", Severity::Error), 1);
    }

    #[test]
    fn target_given_as_goal_name_is_an_error_with_the_identifier_as_fix() {
        let mut o = opts();
        o.goal_names
            .insert("Оплата офлайн".into(), "offline_paid".into());
        let mut t = T::new(
            UploadKind::Conversions,
            &["ClientId", "Target", "DateTime"],
            &o,
        );
        assert!(!t.row(&["1762345098123456789", "Оплата офлайн", "1794228120"]));
        let c = t.codes();
        assert!(
            c.iter()
                .any(|(code, _, fix)| code == "goal_name_not_identifier"
                    && fix.as_deref() == Some("offline_paid"))
        );
    }

    #[test]
    fn unknown_target_identifier_is_a_warning() {
        let mut t = conv();
        assert!(t.row(&["1762345098123456789", "offline_payd", "1794228120", "", ""]));
        let c = t.codes();
        assert!(c.iter().any(|(code, s, fix)| code == "unknown_goal"
            && *s == Severity::Warning
            && fix.as_deref() == Some("offline_paid")));
    }

    #[test]
    fn currency_rules_follow_the_bad_currency_sample() {
        let mut t = conv();
        assert!(!t.row(&[
            "1762345098123456789",
            "offline_paid",
            "1794228120",
            "1",
            "RUR"
        ]));
        assert!(t.row(&[
            "1762345098123456789",
            "offline_paid",
            "1794228121",
            "1",
            "usd"
        ]));
        assert_eq!(t.cell("Currency"), "USD");
        let c = t.codes();
        assert!(c.iter().any(|(code, s, fix)| code == "unknown_currency"
            && *s == Severity::Error
            && fix.as_deref() == Some("RUB")));
        assert!(has(&c, "currency_lowercase", Severity::Notice));
    }

    /// The currency cells of rows, and the one currency the check offers for them.
    fn offer(currencies: &[&str]) -> Option<CurrencyOffer> {
        let mut t = conv();
        for (i, c) in currencies.iter().enumerate() {
            let time = (1794228120 + i).to_string();
            t.row(&["1762345098123456789", "offline_paid", &time, "1", c]);
        }
        t.v.finish(currencies.len() as u64).unwrap().currency_offer
    }

    #[test]
    fn one_currency_is_offered_only_when_it_fixes_every_row_and_changes_none() {
        let o = offer(&["руб.", "RUR", "руб.", "RUB", " rub ", " р. ", "руб"]).unwrap();
        assert_eq!(o.field, "Currency");
        assert_eq!(o.code, "RUB");
        // As written (trimmed), each once, in file order.
        assert_eq!(o.values, ["руб.", "RUR", "р.", "руб"]);
        // `rub` is a known code in the wrong case (fixed, not an error): not counted.
        assert_eq!(o.rows, 5);
        assert_eq!(offer(&["руб", "руб"]).unwrap().rows, 2);
        // Nothing to fix; two currencies; an amount without a currency (Metrica takes the
        // counter's currency) or a name no code stands for: one code would change those rows.
        assert_eq!(offer(&["RUB", "RUB"]), None);
        assert_eq!(offer(&["руб.", "USD"]), None);
        assert_eq!(offer(&["руб.", "$"]), None);
        assert_eq!(offer(&["руб.", ""]), None);
        assert_eq!(offer(&["", "руб."]), None);
        assert_eq!(offer(&["руб.", "тугрик"]), None);
        // A row without an amount says nothing about money: a lead with no currency is fine.
        let mut t = conv();
        t.row(&[
            "1762345098123456789",
            "offline_paid",
            "1794228120",
            "1",
            "руб.",
        ]);
        t.row(&[
            "1762345098123456789",
            "lead_qualified",
            "1794228121",
            "",
            "",
        ]);
        assert!(t.v.finish(2).unwrap().currency_offer.is_some());
    }

    /// Words named as a currency (the offer taken) are read as that code, with a notice; every
    /// other currency is checked as before, so a later file's `USD` or unknown word is not RUB.
    #[test]
    fn currency_names_read_only_the_words_named() {
        let h: Vec<String> = ["ClientId", "Target", "DateTime", "Price", "Currency"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut m = auto_map(UploadKind::Conversions, &h).mapping;
        m.currency_names.insert("руб.".into(), "RUB".into());
        let mut t = T {
            v: Validator::new(&m, &h, 1, &opts()).unwrap(),
        };
        fn row(c: &str) -> [&str; 5] {
            ["1762345098123456789", "offline_paid", "1794228120", "5", c]
        }
        assert!(t.row(&row(" руб. ")));
        assert_eq!(t.cell("Currency"), "RUB");
        assert!(t.row(&row("USD")));
        assert_eq!(t.cell("Currency"), "USD");
        assert!(!t.row(&row("тугрик")));
        assert!(!t.row(&row("RUR")));
        let c = t.codes();
        assert!(c.iter().any(|(code, s, fix)| code == "currency_named"
            && *s == Severity::Notice
            && fix.as_deref() == Some("RUB")));
        assert!(has(&c, "unknown_currency", Severity::Error));
    }

    /// Rows `(line, id)`; the lines the check reports as repeats, for a memory budget.
    fn repeats(ids: &[String], budget: usize) -> Vec<u64> {
        let mut t = simple(&["id", "create_date_time", "phones"], &opts());
        t.v.dups = DupIndex::new(budget);
        for (i, id) in ids.iter().enumerate() {
            let rec =
                csv::StringRecord::from(vec![id.as_str(), "2026-11-06 09:05:00", "79161234567"]);
            t.v.check_row(i as u64 + 2, i as u64 + 1, &rec);
        }
        let s = t.v.finish(ids.len() as u64).unwrap();
        let dups: Vec<_> = s
            .issues
            .iter()
            .filter(|i| i.code == "duplicate_order_id")
            .collect();
        // Each repeat names the order number it repeats, in memory or spilled.
        for i in &dups {
            assert_eq!(i.value, ids[i.line as usize - 2], "line {}", i.line);
        }
        let mut lines: Vec<u64> = dups.iter().map(|i| i.line).collect();
        lines.sort_unstable();
        lines
    }

    #[test]
    fn the_duplicate_check_is_exact_in_memory_and_once_spilled_to_disk() {
        // 3000 rows (the issue list keeps 1000 warnings, so few repeats); every 97th row
        // repeats an earlier id, the others are distinct (and look alike).
        let ids: Vec<String> = (0..3000)
            .map(|i| {
                if i % 97 == 96 {
                    format!("ORD-{:07}", i / 3)
                } else {
                    format!("ORD-{i:07}")
                }
            })
            .collect();
        let mut seen = HashSet::new();
        let want: Vec<u64> = ids
            .iter()
            .enumerate()
            .filter(|(_, id)| !seen.insert(id.as_str()))
            .map(|(i, _)| i as u64 + 2)
            .collect();
        assert!(want.len() > 10, "{want:?}");
        assert_eq!(repeats(&ids, crate::dups::MEM_BUDGET), want);
        // A budget of 4 KB: the check moves to partition files after a few keys.
        assert_eq!(repeats(&ids, 4 << 10), want);
    }

    #[test]
    fn distinct_conversions_are_never_reported_as_duplicates() {
        let mut t = conv();
        for i in 0..5000 {
            let dt = (1_794_228_120 + i).to_string();
            t.row(&["1.76235E+18", "offline_paid", &dt, "", ""]);
            t.row(&["1762345098123456789", "offline_paid", &dt, "", ""]);
        }
        let c = t.codes();
        assert!(!has(&c, "duplicate_conversion", Severity::Warning));
    }

    #[test]
    fn warns_about_duplicate_conversions() {
        let mut t = conv();
        assert!(t.row(&[
            "1762345098123456789",
            "offline_paid",
            "1794228120",
            "1",
            "RUB"
        ]));
        assert!(t.row(&[
            "1762345098123456789",
            "offline_paid",
            "1794228120",
            "2",
            "RUB"
        ]));
        assert!(has(&t.codes(), "duplicate_conversion", Severity::Warning));
    }

    fn simple(headers: &[&str], o: &ValidateOptions) -> T {
        T::new(UploadKind::SimpleOrders, headers, o)
    }

    #[test]
    fn a_totals_row_is_skipped_with_one_notice_and_no_errors() {
        let mut t = simple(&["id", "create_date_time", "phones", "revenue"], &opts());
        assert!(t.row(&["B-1", "06.11.2026 9:05", "79161234567", "2990.50"]));
        for totals in [
            ["Итого:", "", "", "5980.00"],
            ["", "ВСЕГО", "", "5980"],
            ["Total", "", "", "5980"],
        ] {
            assert!(!t.row(&totals));
        }
        let c = t.codes();
        let skipped: Vec<_> = c.iter().filter(|x| x.0 == "summary_row_skipped").collect();
        assert_eq!(skipped.len(), 3);
        assert!(skipped.iter().all(|x| x.1 == Severity::Notice));
        assert!(!c.iter().any(|x| x.1 == Severity::Error), "{c:?}");
    }

    #[test]
    fn a_note_line_is_skipped_but_real_rows_never_are() {
        let mut t = simple(&["id", "create_date_time", "phones", "revenue"], &opts());
        assert!(!t.row(&["Выгружено из amoCRM 04.12.2026", "", "", ""]));
        // A client called «Итого» on a row with a date is an order like any other.
        assert!(t.row(&["Итого", "06.11.2026 9:05", "79161234567", "100"]));
        // A row with a bad date and a phone is an error, not a note.
        assert!(!t.row(&["B-3", "вчера", "79161234567", "100"]));
        let c = t.codes();
        assert!(has(&c, "note_row_skipped", Severity::Notice));
        assert!(has(&c, "invalid_datetime", Severity::Error));
        assert_eq!(c.iter().filter(|x| x.0.ends_with("_skipped")).count(), 1);
    }

    #[test]
    fn offline_conversions_without_a_visitor_id_name_what_applies() {
        let mut t = T::new(
            UploadKind::Conversions,
            &["ClientId", "UserId", "Target", "DateTime"],
            &opts(),
        );
        assert!(!t.row(&["", "", "offline_paid", "1794228120"]));
        let c = t.codes();
        assert!(has(&c, "no_visitor_id", Severity::Error));
        assert!(!c.iter().any(|x| x.0 == "no_identifier"));
    }

    #[test]
    fn only_md5_is_said_of_rows_with_md5_only() {
        let mut t = simple(&["id", "create_date_time", "phones", "phones_md5"], &opts());
        // An invalid phone and no MD5: the phone error, not «only MD5».
        assert!(!t.row(&["B-1", "06.11.2026 9:05", "8 800", ""]));
        let c = t.codes();
        assert!(!c.iter().any(|x| x.0 == "only_hashed_identifiers"), "{c:?}");
        let mut t = simple(&["id", "create_date_time", "phones", "phones_md5"], &opts());
        let md5 = "0123456789abcdef0123456789abcdef";
        assert!(t.row(&["B-1", "06.11.2026 9:05", "", md5]));
        assert!(has(&t.codes(), "only_hashed_identifiers", Severity::Notice));
    }

    #[test]
    fn an_empty_order_number_is_flagged_with_its_line() {
        let mut t = simple(&["id", "create_date_time", "phones"], &opts());
        assert!(t.row(&["", "06.11.2026 9:05", "79161234567"]));
        let c = t.codes();
        assert!(has(&c, "empty_order_id", Severity::Warning));
        // Without an order-number column, nothing to say.
        let mut t = simple(&["create_date_time", "phones"], &opts());
        assert!(t.row(&["06.11.2026 9:05", "79161234567"]));
        assert!(!t.codes().iter().any(|x| x.0 == "empty_order_id"));
    }

    #[test]
    fn normalises_single_digit_hour_to_the_crm_output_format() {
        let mut t = simple(&["id", "create_date_time", "phones"], &opts());
        assert!(t.row(&["B-1", "06.11.2026 9:05", "79161234567"]));
        assert_eq!(t.cell("create_date_time"), "2026-11-06 09:05:00");
        assert!(has(&t.codes(), "datetime_normalized", Severity::Notice));
    }

    #[test]
    fn keeps_date_only_values_date_only_with_a_notice() {
        let mut t = simple(&["id", "create_date_time", "phones"], &opts());
        assert!(t.row(&["B-1", "08.11.2026", "79161234567"]));
        assert_eq!(t.cell("create_date_time"), "2026-11-08");
        assert!(has(&t.codes(), "date_only", Severity::Notice));
    }

    #[test]
    fn converts_iso_offsets_into_the_counter_zone() {
        let mut t = simple(&["id", "create_date_time", "phones"], &opts());
        assert!(t.row(&["B-1", "2026-11-06T06:05:00Z", "79161234567"]));
        assert_eq!(t.cell("create_date_time"), "2026-11-06 09:05:00");
    }

    #[test]
    fn rejects_future_create_dates_and_dates_before_1970() {
        let mut t = simple(&["id", "create_date_time", "phones"], &opts());
        assert!(!t.row(&["B-1", "2026-12-01 10:00:00", "79161234567"]));
        assert!(!t.row(&["B-2", "1969-12-31 10:00:00", "79161234567"]));
        let c = t.codes();
        assert!(has(&c, "future_datetime", Severity::Error));
        assert!(has(&c, "datetime_before_1970", Severity::Error));
    }

    #[test]
    fn hashes_contacts_into_md5_columns_when_asked() {
        let mut o = opts();
        o.hash_contacts = true;
        let mut t = simple(&["id", "create_date_time", "emails", "phones"], &o);
        assert!(t.row(&[
            "B-1",
            "2026-11-06 09:05:00",
            " Mail@Yandex.ru ",
            "+7 999 555-11-11"
        ]));
        assert_eq!(
            t.v.output_headers(),
            ["id", "create_date_time", "emails_md5", "phones_md5"]
        );
        assert_eq!(t.cell("emails_md5"), "3c56ff8fef0f6c65b36b2d25720fe276");
        assert_eq!(t.cell("phones_md5"), "f09f2c3d48f31e2a802944ade2e5aec5");
    }

    #[test]
    fn detailed_orders_before_any_contacts_are_warned_of_once() {
        let headers = [
            "id",
            "client_uniq_id",
            "client_type",
            "create_date_time",
            "order_status",
        ];
        let row = ["A-1", "C-1", "CONTACT", "2026-11-06 09:05:00", "PAID"];
        let warned = |known: Option<bool>| {
            let mut o = opts();
            o.contacts_uploaded = known;
            let mut t = T::new(UploadKind::Orders, &headers, &o);
            assert!(t.row(&row));
            t.codes()
                .iter()
                .filter(|x| x.0 == "orders_before_contacts" && x.1 == Severity::Warning)
                .count()
        };
        assert_eq!(warned(Some(false)), 1);
        assert_eq!(warned(Some(true)), 0);
        // Checked without a counter: nothing known, nothing said.
        assert_eq!(warned(None), 0);
    }

    #[test]
    fn an_order_without_a_status_is_said_to_count_as_paid() {
        // No status column: every order is `PAID` for Metrica, said once for the file.
        let mut t = simple(&["id", "create_date_time", "phones"], &opts());
        assert!(t.row(&["B-1", "2026-11-06 09:05:00", "79161234567"]));
        let c = t.codes();
        let paid: Vec<_> = c
            .iter()
            .filter(|x| x.0 == "status_defaults_to_paid")
            .collect();
        assert_eq!(paid.len(), 1, "{c:?}");
        assert_eq!(paid[0].1, Severity::Warning);
        assert!(!c.iter().any(|x| x.0 == "no_order_id_column"), "{c:?}");
        // A status column with a blank cell: that order, on its line; the row still goes.
        let mut t = simple(
            &["id", "create_date_time", "phones", "order_status"],
            &opts(),
        );
        assert!(t.row(&["B-1", "2026-11-06 09:05:00", "79161234567", "PAID"]));
        assert!(t.row(&["B-2", "2026-11-06 09:05:00", "79161234567", " "]));
        let c = t.codes();
        assert_eq!(
            c.iter()
                .filter(|x| x.0 == "status_defaults_to_paid")
                .count(),
            1,
            "{c:?}"
        );
        // No order numbers at all: linked by date only, and added again by the next export.
        let mut t = simple(&["create_date_time", "phones", "order_status"], &opts());
        assert!(t.row(&["2026-11-06 09:05:00", "79161234567", "PAID"]));
        let c = t.codes();
        assert!(has(&c, "no_order_id_column", Severity::Warning), "{c:?}");
        assert!(!c.iter().any(|x| x.0 == "status_defaults_to_paid"), "{c:?}");
    }

    #[test]
    fn a_crm_sum_without_a_currency_is_said_to_be_in_rubles() {
        let rubles = |c: &[(String, Severity, Option<String>)]| {
            c.iter()
                .filter(|x| x.0 == "crm_revenue_in_rubles" && x.1 == Severity::Notice)
                .count()
        };
        // No currency column: once, for the file.
        let mut t = simple(&["id", "create_date_time", "phones", "revenue"], &opts());
        assert!(t.row(&["B-1", "2026-11-06 09:05:00", "79161234567", "2990"]));
        assert!(t.row(&["B-2", "2026-11-06 09:05:00", "79161234567", "1990"]));
        assert_eq!(rubles(&t.codes()), 1);
        // A currency column: the row with a sum and no currency, not the one without a sum.
        let headers = ["id", "create_date_time", "phones", "revenue", "currency"];
        let mut t = simple(&headers, &opts());
        assert!(t.row(&["B-1", "2026-11-06 09:05:00", "79161234567", "2990", "KZT"]));
        assert!(t.row(&["B-2", "2026-11-06 09:05:00", "79161234567", "1990", ""]));
        assert!(t.row(&["B-3", "2026-11-06 09:05:00", "79161234567", "", ""]));
        assert_eq!(rubles(&t.codes()), 1);
        // No sum at all: nothing about money.
        let mut t = simple(&["id", "create_date_time", "phones"], &opts());
        assert!(t.row(&["B-1", "2026-11-06 09:05:00", "79161234567"]));
        assert_eq!(rubles(&t.codes()), 0);
        // Offline conversions: no page says rubles; not told.
        let mut t = conv();
        assert!(t.row(&[
            "1762345098123456789",
            "offline_paid",
            "1794228120",
            "990",
            ""
        ]));
        assert_eq!(rubles(&t.codes()), 0);
    }

    #[test]
    fn cyrillic_status_without_mapping_is_an_error_with_a_suggested_type() {
        let mut t = simple(
            &["id", "create_date_time", "phones", "order_status"],
            &opts(),
        );
        assert!(!t.row(&["B-1", "2026-11-06 09:05:00", "79161234567", "Оплачен"]));
        let c = t.codes();
        assert!(
            c.iter()
                .any(|(code, _, fix)| code == "unmapped_status" && fix.as_deref() == Some("PAID"))
        );
    }

    #[test]
    fn status_map_turns_crm_values_into_metrica_statuses() {
        let mut o = opts();
        o.status_map.insert("В работе".into(), "IN_PROGRESS".into());
        let mut t = simple(&["id", "create_date_time", "phones", "order_status"], &o);
        assert!(t.row(&["B-1", "2026-11-06 09:05:00", "79161234567", "В работе"]));
        assert_eq!(t.cell("order_status"), "IN_PROGRESS");
    }

    #[test]
    fn goal_status_without_goal_list_is_a_warning() {
        let mut o = opts();
        o.goals = None;
        let mut t = simple(&["id", "create_date_time", "phones", "order_status"], &o);
        assert!(t.row(&["B-1", "2026-11-06 09:05:00", "79161234567", "good_lead"]));
        assert!(has(&t.codes(), "status_goal_unverified", Severity::Warning));
    }

    #[test]
    fn unknown_latin_status_with_goal_list_is_an_error() {
        let mut t = simple(
            &["id", "create_date_time", "phones", "order_status"],
            &opts(),
        );
        assert!(!t.row(&["B-1", "2026-11-06 09:05:00", "79161234567", "shipped"]));
        assert!(has(&t.codes(), "unknown_status", Severity::Error));
    }

    #[test]
    fn warns_about_duplicate_order_ids() {
        let mut t = simple(&["id", "create_date_time", "phones"], &opts());
        assert!(t.row(&["B-1", "2026-11-06 09:05:00", "79161234567"]));
        assert!(t.row(&["B-1", "2026-11-07 09:05:00", "79161234567"]));
        assert!(has(&t.codes(), "duplicate_order_id", Severity::Warning));
    }

    #[test]
    fn simple_orders_always_carry_the_id_header() {
        let t = simple(&["create_date_time", "phones"], &opts());
        assert_eq!(t.v.output_headers()[0], "id");
    }

    #[test]
    fn client_type_lower_case_is_fixed_with_a_notice() {
        let headers = [
            "id",
            "client_uniq_id",
            "client_type",
            "create_date_time",
            "order_status",
        ];
        let mut o = opts();
        o.order_status_ids = Some(vec!["success".into()]);
        let mut t = T::new(UploadKind::Orders, &headers, &o);
        assert!(t.row(&["A-1", "C-1", "contact", "2026-11-05 14:22:10", "success"]));
        assert_eq!(t.cell("client_type"), "CONTACT");
        assert!(!t.row(&["A-2", "C-1", "CONTACT", "2026-11-05 14:22:10", "mystery"]));
        let c = t.codes();
        assert!(has(&c, "client_type_case", Severity::Notice));
        assert!(has(&c, "unknown_status", Severity::Error));
    }

    #[test]
    fn calls_normalise_phones_and_flag_static_calls() {
        let headers = [
            "ClientId",
            "DateTime",
            "PhoneNumber",
            "TalkDuration",
            "StaticCall",
        ];
        let mut t = T::new(UploadKind::Calls, &headers, &opts());
        assert!(t.row(&[
            "1762345098123456789",
            "1794294873",
            "+7 (495) 123-45-67",
            "186",
            "1"
        ]));
        assert_eq!(t.cell("PhoneNumber"), "+74951234567");
        assert!(!t.row(&[
            "1762345098123456789",
            "1794294874",
            "+74951234567",
            "1.5",
            "0"
        ]));
        let c = t.codes();
        assert!(has(&c, "static_call", Severity::Notice));
        assert!(has(&c, "invalid_duration", Severity::Error));
    }

    #[test]
    fn missing_required_column_blocks_the_file() {
        let t = T::new(UploadKind::Conversions, &["ClientId", "DateTime"], &opts());
        assert!(t.v.is_blocked());
        let c = t.codes();
        assert!(has(&c, "missing_required_column", Severity::Error));
        // No identifier at all: named by the identifiers, not the mapping's word «identifier».
        let t = T::new(UploadKind::Conversions, &["Target", "DateTime"], &opts());
        let columns: Vec<String> =
            t.v.finish(1)
                .unwrap()
                .issues
                .into_iter()
                .filter(|i| i.code.as_str() == "missing_required_column")
                .filter_map(|i| i.column)
                .collect();
        assert!(
            columns
                .iter()
                .any(|col| col.starts_with("ClientId / UserId")),
            "{columns:?}"
        );
        assert!(
            !columns.iter().any(|col| col == "identifier"),
            "{columns:?}"
        );
    }

    #[test]
    fn unknown_time_zone_is_an_error() {
        let o = ValidateOptions::new("Mars/Olympus", now());
        let h = vec!["ClientId".to_string()];
        let m = auto_map(UploadKind::Conversions, &h).mapping;
        assert!(matches!(
            Validator::new(&m, &h, 1, &o),
            Err(ImportError::UnknownTimeZone(_))
        ));
    }
}
