//! The validation report: issues (`{line, record, column, code, severity, value, fix}`),
//! per-(code, column) counts, and the bounded issue sink that keeps the first N issues in
//! memory and spills the rest to an optional JSONL file.
//!
//! Owns the JSON contract of `mbridge validate --json`. Does NOT produce user-facing
//! sentences: `code` is a stable snake_case word the CLI and the UI translate.

use crate::codes::IssueCode;
use mb_schema::{DelimiterType, UploadKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// How bad an issue is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row (or the file) cannot be sent as is.
    Error,
    /// It can be sent, but something will probably not work as the user expects.
    Warning,
    /// We changed something (the fix is in `fix`) or want to tell the user something harmless.
    Notice,
}

/// One finding. `line` is the 1-based physical line (the header line for file-level issues),
/// `record` the 1-based data record (0 for file-level issues).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub line: u64,
    pub record: u64,
    /// Metrica field name for row issues; source header for file-level ones; none for the file.
    pub column: Option<String>,
    /// Stable snake_case code (`future_datetime`, `excel_scientific_id`, …).
    pub code: IssueCode,
    pub severity: Severity,
    /// The offending source value (as read).
    pub value: String,
    /// The applied (notice) or suggested (error/warning) replacement value, when one is known.
    pub fix: Option<String>,
    /// `fix` (or, with no fix, `value`) the way a person reads it, when that differs from the
    /// machine form (a date sent as Unix time or `yyyy-MM-dd HH:mm:ss` shown as
    /// `20.11.2026 14:05` in the counter's zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown: Option<String>,
}

/// One before → after example of a (code, column): the first ones in file order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    pub line: u64,
    /// The source value as read.
    pub value: String,
    /// The applied or suggested value, when one is known.
    pub fix: Option<String>,
    /// `fix` the way a person reads it (see [`Issue::shown`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown: Option<String>,
}

/// Examples kept per (code, column, severity): enough to show what a change looks like.
pub const EXAMPLES_PER_COUNT: usize = 2;

#[derive(Serialize)]
struct IssueRef<'a> {
    line: u64,
    record: u64,
    column: Option<&'a str>,
    code: IssueCode,
    severity: Severity,
    value: &'a str,
    fix: Option<&'a str>,
}

/// How often one (code, column, severity) occurred, over the whole file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueCount {
    pub code: IssueCode,
    pub column: Option<String>,
    pub severity: Severity,
    pub count: u64,
    /// Said of the file itself (its header, a column it lacks), not of rows: `count` is how
    /// often, not how many rows.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_file: bool,
    /// The first [`EXAMPLES_PER_COUNT`] occurrences (of a notice: different ones) whose texts were kept (in memory or
    /// spilled), in file order: the before → after of a summary line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
}

/// First and last date seen in the main date column, as written to the output
/// (`yyyy-MM-dd HH:mm:ss` in the counter's zone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    pub first: String,
    pub last: String,
}

/// One currency for the whole file, offered when every row that names a currency names the
/// same one, but some (or all) under a name Metrica does not know: `руб.`, `RUR`, `р.` for
/// `RUB`. Metrica would drop those rows' revenue, so they are errors; naming those words as
/// the code (`Mapping::currency_names`: `--currency 'руб.=RUB'`, or one click in the app)
/// fixes them without editing the file, and leaves every other currency checked. Not offered
/// when a row with an amount has no currency or one no code stands for, or when two
/// currencies appear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencyOffer {
    /// The Metrica field of the currency (`Currency`; `currency` for CRM orders), filled in
    /// when the check ends.
    pub field: String,
    /// The ISO 4217 code every row means (`RUB`).
    pub code: String,
    /// The names used for it that Metrica does not know, as written (trimmed; file order).
    pub values: Vec<String>,
    /// Rows that name it so.
    pub rows: u64,
}

impl CurrencyOffer {
    /// How many of the names used are kept (every one the core knows a code for fits).
    pub const VALUES: usize = 16;
}

/// Where an issue is, for saying so (see [`Report::place_of`]).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuePlace {
    /// The header line: a column missing or not found.
    Header,
    /// The file as a whole, or a whole column (Excel damaged it, every call is static).
    File,
    /// Its line: a data row, or a broken line of the file.
    Line,
}

/// Why a checked file cannot be sent as it is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SendBlock {
    /// Errors in the file itself (a missing column, a row with more fields than the header,
    /// broken quoting, a column Excel damaged): the rows cannot be trusted, so skipping the
    /// rows with errors does not get around them.
    FileErrors,
    /// No row is without errors.
    NoValidRows,
    /// Some rows have errors: the others go when the user chooses to skip those.
    RowErrors,
}

/// The outcome of validating (and possibly writing) one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub kind: UploadKind,
    /// Source encoding as detected or forced (`UTF-8`, `windows-1251`, …).
    pub encoding: String,
    /// Source delimiter (none for Excel).
    pub delimiter: Option<char>,
    /// The sheet read, for a workbook (none for CSV).
    #[serde(default)]
    pub sheet: Option<String>,
    /// Delimiter of the written Metrica CSV (CRM kinds send it as `delimiter_type`).
    pub delimiter_type: DelimiterType,
    pub header_line: u64,
    /// Errors about the file itself (missing column, broken quoting, empty file).
    pub file_errors: u64,
    /// Data records read (blank lines, totals rows and notes excluded).
    pub rows: u64,
    /// Rows without errors (written to the output).
    pub valid_rows: u64,
    pub invalid_rows: u64,
    /// Metrica field → source column header, or `=value` for a constant.
    pub mapping: BTreeMap<String, String>,
    /// Source columns no Metrica field reads (informational).
    pub unmapped_columns: Vec<String>,
    /// The first issues of each severity (errors up to `max_errors`, warnings and notices up
    /// to `max_issues` each), errors first, then warnings, then notices, each in file order.
    /// `counts` has the exact totals; the rest are in `issue_spill_path` when set.
    pub issues: Vec<Issue>,
    /// Totals per (code, column, severity), sorted by severity then count.
    pub counts: Vec<IssueCount>,
    /// More issues happened than `issues` holds (see `counts` and `issue_spill_path`).
    pub truncated_issues: bool,
    /// JSONL file with the issues `issues` does not hold (up to [`MAX_SPILLED_PER_SEVERITY`] per severity), when
    /// any were spilled.
    pub issue_spill_path: Option<PathBuf>,
    /// Identifier field → number of valid rows that fill it (`ClientId: 2, UserId: 2, …`).
    pub identifier_summary: BTreeMap<String, u64>,
    /// Range of the main date column of valid rows.
    pub datetime_range: Option<DateRange>,
    /// Metrica-ready files written, in order (`out.csv`, `out.part2.csv`, …).
    pub outputs: Vec<PathBuf>,
    /// Rejected-rows file for Excel, when written and non-empty.
    pub rejected_path: Option<PathBuf>,
    /// Whether invalid rows are skipped (upload the valid ones) rather than blocking.
    pub skip_invalid: bool,
    /// One currency for the whole file, when it would fix every currency error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_offer: Option<CurrencyOffer>,
}

impl Report {
    /// Any error at all (file-level or row-level): CLI exit code 1.
    pub fn has_errors(&self) -> bool {
        self.counts
            .iter()
            .any(|c| c.severity == Severity::Error && c.count > 0)
    }

    /// Total issues of one severity over the whole file (the error count every front end
    /// shows).
    pub fn total(&self, severity: Severity) -> u64 {
        self.counts
            .iter()
            .filter(|c| c.severity == severity)
            .map(|c| c.count)
            .sum()
    }

    /// Errors that concern the file itself (missing column, broken quoting, empty file).
    pub fn has_file_errors(&self) -> bool {
        self.file_errors > 0
    }

    /// Where `issue` is. File-level issues carry record 0: at the header line, at no line
    /// (the whole file or a column), or at a broken line of the file.
    pub fn place_of(&self, issue: &Issue) -> IssuePlace {
        if issue.line == 0 {
            IssuePlace::File
        } else if issue.record == 0 && issue.line == self.header_line {
            IssuePlace::Header
        } else {
            IssuePlace::Line
        }
    }

    /// What keeps the valid rows from being sent, the first that applies; only
    /// [`SendBlock::RowErrors`] is lifted by skipping the rows with errors.
    pub fn send_block(&self) -> Option<SendBlock> {
        if self.has_file_errors() {
            Some(SendBlock::FileErrors)
        } else if self.valid_rows == 0 {
            Some(SendBlock::NoValidRows)
        } else if self.has_errors() {
            Some(SendBlock::RowErrors)
        } else {
            None
        }
    }

    /// Whether the written output may be sent: no file-level error, at least one valid row,
    /// and either no row errors or `skip_invalid`.
    pub fn is_uploadable(&self) -> bool {
        match self.send_block() {
            None => true,
            Some(SendBlock::RowErrors) => self.skip_invalid,
            Some(SendBlock::FileErrors | SendBlock::NoValidRows) => false,
        }
    }

    /// Total of one code over the whole file.
    pub fn count_of(&self, code: IssueCode) -> u64 {
        self.counts
            .iter()
            .filter(|c| c.code == code)
            .map(|c| c.count)
            .sum()
    }
}

/// (kept issues, sorted counts, truncated, spill path).
pub type SinkResult = (Vec<Issue>, Vec<IssueCount>, bool, Option<PathBuf>);

type CountKey = (IssueCode, Option<&'static str>, Severity);

const COUNT_CACHE: usize = 64;
const NO_SLOT: u32 = u32::MAX;

/// Cache slot of a count key, from its pointers (the same key text at another address just
/// takes the slow path).
#[inline]
fn cache_slot(code: IssueCode, column: Option<&'static str>, severity: Severity) -> usize {
    let c = code as usize;
    let col = column.map_or(0, |s| s.as_ptr() as usize);
    let h = (c ^ col.rotate_left(17) ^ severity as usize).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h >> (usize::BITS - 6)
}

/// Issue totals per (code, column, severity) with static texts.
#[derive(Clone)]
pub(crate) struct IssueCounter {
    /// Few distinct keys (tens): a vector scanned by pointer first beats hashing strings.
    counts: Vec<(CountKey, u64)>,
    /// Index into `counts` by a hash of the key's pointers (checked by pointer equality).
    cache: [u32; COUNT_CACHE],
}

impl Default for IssueCounter {
    fn default() -> IssueCounter {
        IssueCounter {
            counts: Vec::new(),
            cache: [NO_SLOT; COUNT_CACHE],
        }
    }
}

impl IssueCounter {
    /// Add `n` to the count of one key.
    #[inline]
    pub(crate) fn add(
        &mut self,
        code: IssueCode,
        column: Option<&'static str>,
        severity: Severity,
        n: u64,
    ) {
        let slot = cache_slot(code, column, severity);
        if let Some(((c, col, sev), c_n)) = self.counts.get_mut(self.cache[slot] as usize)
            && *sev == severity
            && *c == code
            && match (col, column) {
                (Some(a), Some(b)) => std::ptr::eq(*a, b),
                (None, None) => true,
                _ => false,
            }
        {
            *c_n += n;
            return;
        }
        let same = |a: &str, b: &str| std::ptr::eq(a, b) || a == b;
        for (i, ((c, col, sev), c_n)) in self.counts.iter_mut().enumerate() {
            if *sev == severity
                && *c == code
                && match (col, column) {
                    (Some(a), Some(b)) => same(a, b),
                    (None, None) => true,
                    _ => false,
                }
            {
                *c_n += n;
                self.cache[slot] = i as u32;
                return;
            }
        }
        self.cache[slot] = self.counts.len() as u32;
        self.counts.push(((code, column, severity), n));
    }
}

/// How many issues of each severity are kept in memory (the report's `issues`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueCaps {
    pub errors: usize,
    pub warnings: usize,
    pub notices: usize,
}

impl IssueCaps {
    /// The same cap for every severity.
    pub fn uniform(n: usize) -> IssueCaps {
        IssueCaps {
            errors: n,
            warnings: n,
            notices: n,
        }
    }

    fn of(&self, s: Severity) -> usize {
        match s {
            Severity::Error => self.errors,
            Severity::Warning => self.warnings,
            Severity::Notice => self.notices,
        }
    }
}

/// Issues of one severity written to the spill file at most (then only counted): bounds the
/// spill file (~150 bytes a line, so ~15 MB a severity) and its cost whatever the input.
pub const MAX_SPILLED_PER_SEVERITY: u64 = 100_000;

/// Bit of a severity in a "texts wanted" mask ([`IssueSink::wants_mask`]).
#[inline]
pub(crate) fn sev_bit(s: Severity) -> u8 {
    1 << (s as u8)
}

/// Every severity's bit.
pub(crate) const ALL_SEVERITIES: u8 = 0b111;

/// Bounded collector of issues. Keeps, per severity, the first issues in file order (errors
/// up to [`IssueCaps::errors`], and so on), so a flood of notices never pushes an error out;
/// the rest go to an optional JSONL spill file (created on first use, up to
/// [`MAX_SPILLED_PER_SEVERITY`] lines per severity, in commit order) and are always counted
/// exactly per (code, column, severity).
pub struct IssueSink {
    /// Kept issues, indexed by `Severity as usize`.
    kept: [Vec<Issue>; 3],
    caps: IssueCaps,
    spill: Option<BufWriter<File>>,
    spill_path: Option<PathBuf>,
    spilled: [u64; 3],
    counts: IssueCounter,
    dynamic_counts: BTreeMap<(IssueCode, Option<String>, Severity), u64>,
    truncated: bool,
    file_errors: u64,
    spill_error: Option<std::io::Error>,
    /// First examples per (code, column, severity): tens of keys, two examples each.
    examples: Vec<(ExampleKey, Vec<Example>)>,
}

type ExampleKey = (IssueCode, Option<String>, Severity);

impl IssueSink {
    /// `spill_path` is created only when an issue does not fit in memory.
    pub fn new(caps: IssueCaps, spill_path: Option<PathBuf>) -> std::io::Result<IssueSink> {
        Ok(IssueSink {
            kept: [Vec::new(), Vec::new(), Vec::new()],
            caps,
            spill: None,
            spill_path,
            spilled: [0; 3],
            counts: IssueCounter::default(),
            dynamic_counts: BTreeMap::new(),
            truncated: false,
            file_errors: 0,
            spill_error: None,
            examples: Vec::new(),
        })
    }

    /// Record one issue whose code and column are static.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        line: u64,
        record: u64,
        column: Option<&'static str>,
        code: IssueCode,
        severity: Severity,
        value: &str,
        fix: Option<&str>,
    ) {
        self.count(code, column, severity);
        self.store(line, record, column, code, severity, value, fix);
    }

    /// [`IssueSink::push`] once [`IssueSink::wants_text`] is false for `severity`: only
    /// counted.
    pub fn push_counted(
        &mut self,
        column: Option<&'static str>,
        code: IssueCode,
        severity: Severity,
    ) {
        debug_assert!(!self.wants_text(severity));
        self.count(code, column, severity);
        self.truncated = true;
    }

    fn count(&mut self, code: IssueCode, column: Option<&'static str>, severity: Severity) {
        self.counts.add(code, column, severity, 1);
    }

    /// Take in issues counted elsewhere (by row checkers) once this sink kept no more texts
    /// of their severity: as if each had been pushed here.
    pub(crate) fn absorb_counts(&mut self, other: &IssueCounter) {
        for &((code, column, severity), n) in &other.counts {
            self.counts.add(code, column, severity, n);
            self.truncated = true;
        }
    }

    /// Whether a new issue of `severity` would keep its value and fix text (in memory or in
    /// the spill file); once false it stays false.
    pub fn wants_text(&self, severity: Severity) -> bool {
        let s = severity as usize;
        self.kept[s].len() < self.caps.of(severity)
            || (self.spill_path.is_some()
                && self.spill_error.is_none()
                && self.spilled[s] < MAX_SPILLED_PER_SEVERITY)
    }

    /// [`IssueSink::wants_text`] of every severity as a bit mask ([`sev_bit`]).
    pub(crate) fn wants_mask(&self) -> u8 {
        [Severity::Error, Severity::Warning, Severity::Notice]
            .into_iter()
            .filter(|s| self.wants_text(*s))
            .fold(0, |m, s| m | sev_bit(s))
    }

    /// Record a file-level issue whose column is a source header (not static).
    pub fn push_file(
        &mut self,
        line: u64,
        column: Option<&str>,
        code: IssueCode,
        severity: Severity,
        value: &str,
        fix: Option<&str>,
    ) {
        if severity == Severity::Error {
            self.file_errors += 1;
        }
        *self
            .dynamic_counts
            .entry((code, column.map(str::to_string), severity))
            .or_insert(0) += 1;
        self.store(line, 0, column, code, severity, value, fix);
    }

    #[allow(clippy::too_many_arguments)]
    fn store(
        &mut self,
        line: u64,
        record: u64,
        column: Option<&str>,
        code: IssueCode,
        severity: Severity,
        value: &str,
        fix: Option<&str>,
    ) {
        self.example(line, column, code, severity, value, fix);
        let s = severity as usize;
        if self.kept[s].len() < self.caps.of(severity) {
            self.kept[s].push(Issue {
                line,
                record,
                column: column.map(str::to_string),
                code,
                severity,
                value: value.to_string(),
                fix: fix.map(str::to_string),
                shown: None,
            });
            return;
        }
        self.truncated = true;
        if self.spilled[s] >= MAX_SPILLED_PER_SEVERITY || self.spill_error.is_some() {
            return;
        }
        let Some(path) = self.spill_path.as_ref() else {
            return;
        };
        if self.spill.is_none() {
            match mb_schema::fs::create_private(path) {
                Ok(f) => self.spill = Some(BufWriter::new(f)),
                Err(e) => {
                    self.spill_error = Some(e);
                    return;
                }
            }
        }
        if let Some(w) = self.spill.as_mut() {
            let r = IssueRef {
                line,
                record,
                column,
                code,
                severity,
                value,
                fix,
            };
            let res = serde_json::to_writer(&mut *w, &r)
                .map_err(std::io::Error::other)
                .and_then(|()| w.write_all(b"\n"));
            match res {
                Ok(()) => self.spilled[s] += 1,
                Err(e) => {
                    self.spill_error = Some(e);
                    self.spill = None;
                }
            }
        }
    }

    /// Keep the first examples of each (code, column, severity). Issues of a batched check
    /// (duplicates) may arrive out of file order; `finish` sorts each list by line.
    fn example(
        &mut self,
        line: u64,
        column: Option<&str>,
        code: IssueCode,
        severity: Severity,
        value: &str,
        fix: Option<&str>,
    ) {
        let found = self
            .examples
            .iter_mut()
            .find(|((c, col, sev), _)| *sev == severity && *c == code && col.as_deref() == column);
        let list = match found {
            Some((_, list)) => list,
            None => {
                self.examples
                    .push(((code, column.map(str::to_string), severity), Vec::new()));
                &mut self.examples.last_mut().expect("just pushed").1
            }
        };
        // A change is shown by two different examples, not one twice («руб. → RUB; руб. →
        // RUB»); a problem's examples are its first lines, whatever they hold.
        let seen = severity == Severity::Notice
            && list
                .iter()
                .any(|e| e.value == value && e.fix.as_deref() == fix);
        if list.len() < EXAMPLES_PER_COUNT && !seen {
            list.push(Example {
                line,
                value: value.to_string(),
                fix: fix.map(str::to_string),
                shown: None,
            });
        }
    }

    /// File-level errors so far.
    pub fn file_errors(&self) -> u64 {
        self.file_errors
    }

    /// Total number of issues with this severity so far.
    pub fn total(&self, severity: Severity) -> u64 {
        self.counts
            .counts
            .iter()
            .filter(|(k, _)| k.2 == severity)
            .map(|(_, v)| *v)
            .sum::<u64>()
            + self
                .dynamic_counts
                .iter()
                .filter(|(k, _)| k.2 == severity)
                .map(|(_, v)| *v)
                .sum::<u64>()
    }

    /// Flush the spill file; returns (kept issues, sorted counts, truncated, spill path).
    pub fn finish(mut self) -> std::io::Result<SinkResult> {
        if let Some(mut w) = self.spill.take()
            && let Err(e) = w.flush()
        {
            self.spill_error = Some(e);
        }
        // A spill file that could not be written is not worth failing the check for: the
        // counts stay exact, and the report then names no spill file.
        if self.spill_error.is_some() {
            if let Some(p) = &self.spill_path {
                let _ = std::fs::remove_file(p);
            }
            self.spilled = [0; 3];
        }
        let mut counts: Vec<IssueCount> = self
            .counts
            .counts
            .into_iter()
            .map(|((code, column, severity), count)| IssueCount {
                code,
                column: column.map(str::to_string),
                severity,
                count,
                in_file: false,
                examples: Vec::new(),
            })
            .chain(
                self.dynamic_counts
                    .into_iter()
                    .map(|((code, column, severity), count)| IssueCount {
                        code,
                        column,
                        severity,
                        count,
                        // A line the reader could not split is said at its line, not of the
                        // file (its count is of lines).
                        in_file: !code.is_unreadable_line(),
                        examples: Vec::new(),
                    }),
            )
            .collect();
        for ((code, column, severity), mut list) in self.examples {
            list.sort_by_key(|e| e.line);
            if let Some(c) = counts.iter_mut().find(|c| {
                c.severity == severity && c.code == code && c.column.as_deref() == column.as_deref()
            }) {
                c.examples = list;
            }
        }
        counts.sort_by(|a, b| {
            a.severity
                .cmp(&b.severity)
                .then(b.count.cmp(&a.count))
                .then(a.code.cmp(&b.code))
                .then(a.column.cmp(&b.column))
        });
        // Errors first, then warnings, then notices; each in file order (batched checks such
        // as duplicates may record an issue after later rows' issues).
        let mut kept = Vec::with_capacity(self.kept.iter().map(Vec::len).sum());
        for mut k in self.kept {
            k.sort_by_key(|i| i.line);
            kept.append(&mut k);
        }
        let spill_path = if self.spilled.iter().any(|n| *n > 0) {
            self.spill_path
        } else {
            None
        };
        Ok((kept, counts, self.truncated, spill_path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sink_keeps_first_issues_and_counts_all() {
        let mut s = IssueSink::new(IssueCaps::uniform(2), None).unwrap();
        for i in 0..10 {
            s.push(
                i + 2,
                i + 1,
                Some("Price"),
                IssueCode::InvalidMoney,
                Severity::Error,
                "x",
                None,
            );
        }
        let (kept, counts, truncated, _) = s.finish().unwrap();
        assert_eq!(kept.len(), 2);
        assert!(truncated);
        assert_eq!(counts.len(), 1);
        assert_eq!(counts[0].count, 10);
    }

    #[test]
    fn the_examples_of_a_count_are_different_ones() {
        let mut s = IssueSink::new(IssueCaps::uniform(10), None).unwrap();
        for (i, v) in ["руб.", "руб.", "руб.", "RUR"].into_iter().enumerate() {
            let i = i as u64;
            s.push(
                i + 2,
                i + 1,
                Some("Currency"),
                IssueCode::CurrencyNamed,
                Severity::Notice,
                v,
                Some("RUB"),
            );
        }
        let (_, counts, _, _) = s.finish().unwrap();
        let shown: Vec<_> = counts[0]
            .examples
            .iter()
            .map(|e| (e.line, e.value.as_str()))
            .collect();
        assert_eq!(counts[0].count, 4);
        assert_eq!(shown, [(2, "руб."), (5, "RUR")]);
    }

    #[test]
    fn counts_carry_the_first_two_examples_of_each_code_and_column() {
        let mut s = IssueSink::new(IssueCaps::uniform(1), None).unwrap();
        for i in 0..50u64 {
            let v = format!("8 (912) 345-67-{i:02}");
            let f = format!("791234567{i:02}");
            s.push(
                i + 2,
                i + 1,
                Some("phones"),
                IssueCode::PhoneNormalized,
                Severity::Notice,
                &v,
                Some(&f),
            );
            if i % 10 == 9 {
                s.push(
                    i + 2,
                    i + 1,
                    Some("revenue"),
                    IssueCode::InvalidMoney,
                    Severity::Error,
                    "x",
                    None,
                );
            }
        }
        s.push_file(
            1,
            Some("Итого"),
            IssueCode::MappedColumnNotFound,
            Severity::Notice,
            "Итого",
            None,
        );
        let (kept, counts, _, _) = s.finish().unwrap();
        // Examples do not depend on how many issue texts are kept.
        assert_eq!(kept.len(), 2);
        let phones = counts
            .iter()
            .find(|c| c.code == "phone_normalized")
            .unwrap();
        assert_eq!(phones.count, 50);
        let ex: Vec<(u64, &str, Option<&str>)> = phones
            .examples
            .iter()
            .map(|e| (e.line, e.value.as_str(), e.fix.as_deref()))
            .collect();
        assert_eq!(
            ex,
            vec![
                (2, "8 (912) 345-67-00", Some("79123456700")),
                (3, "8 (912) 345-67-01", Some("79123456701"))
            ]
        );
        let money = counts.iter().find(|c| c.code == "invalid_money").unwrap();
        assert_eq!(
            money.examples.iter().map(|e| e.line).collect::<Vec<_>>(),
            vec![11, 21]
        );
        let file = counts
            .iter()
            .find(|c| c.code == "mapped_column_not_found")
            .unwrap();
        assert_eq!(file.examples.len(), 1);
    }

    #[test]
    fn sink_spills_issues_beyond_the_cap_as_jsonl() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("spill.jsonl");
        let mut s = IssueSink::new(IssueCaps::uniform(1), Some(p.clone())).unwrap();
        for i in 0..4 {
            s.push(
                i + 2,
                i + 1,
                None,
                IssueCode::NoIdentifier,
                Severity::Error,
                "",
                Some("y"),
            );
        }
        let (_, _, truncated, path) = s.finish().unwrap();
        assert!(truncated);
        assert_eq!(path.as_deref(), Some(p.as_path()));
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text.lines().count(), 3);
        let first: Issue = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(first.line, 3);
        assert_eq!(first.fix.as_deref(), Some("y"));
    }

    #[test]
    fn errors_are_kept_first_whatever_the_notices_before_them() {
        let caps = IssueCaps {
            errors: 3,
            warnings: 2,
            notices: 2,
        };
        let mut s = IssueSink::new(caps, None).unwrap();
        for i in 0..1000u64 {
            s.push(
                i + 2,
                i + 1,
                Some("DateTime"),
                IssueCode::DateOnly,
                Severity::Notice,
                "x",
                None,
            );
            if i % 100 == 99 {
                s.push(
                    i + 2,
                    i + 1,
                    Some("Price"),
                    IssueCode::InvalidMoney,
                    Severity::Error,
                    "y",
                    None,
                );
            }
            if i % 300 == 0 {
                s.push(
                    i + 2,
                    i + 1,
                    None,
                    IssueCode::NoIdentifier,
                    Severity::Warning,
                    "",
                    None,
                );
            }
        }
        let (kept, counts, truncated, spill) = s.finish().unwrap();
        assert!(truncated);
        assert_eq!(spill, None);
        let sevs: Vec<(Severity, u64)> = kept.iter().map(|i| (i.severity, i.line)).collect();
        assert_eq!(
            sevs,
            vec![
                (Severity::Error, 101),
                (Severity::Error, 201),
                (Severity::Error, 301),
                (Severity::Warning, 2),
                (Severity::Warning, 302),
                (Severity::Notice, 2),
                (Severity::Notice, 3),
            ]
        );
        let n = |code: IssueCode| counts.iter().find(|c| c.code == code).unwrap().count;
        assert_eq!(
            (
                n(IssueCode::InvalidMoney),
                n(IssueCode::NoIdentifier),
                n(IssueCode::DateOnly)
            ),
            (10, 4, 1000)
        );
        assert_eq!(counts[0].severity, Severity::Error);
    }

    #[test]
    fn texts_stop_being_wanted_per_severity() {
        let mut s = IssueSink::new(IssueCaps::uniform(1), None).unwrap();
        assert_eq!(s.wants_mask(), ALL_SEVERITIES);
        s.push(2, 1, None, IssueCode::DateOnly, Severity::Notice, "", None);
        assert!(!s.wants_text(Severity::Notice));
        assert!(s.wants_text(Severity::Error));
        assert_eq!(
            s.wants_mask(),
            sev_bit(Severity::Error) | sev_bit(Severity::Warning)
        );
    }

    #[test]
    fn spill_file_is_created_only_when_needed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("spill.jsonl");
        let mut s = IssueSink::new(IssueCaps::uniform(5), Some(p.clone())).unwrap();
        s.push(
            2,
            1,
            None,
            IssueCode::NoIdentifier,
            Severity::Error,
            "",
            None,
        );
        let (_, _, truncated, path) = s.finish().unwrap();
        assert!(!truncated);
        assert_eq!(path, None);
        assert!(!p.exists());
    }

    #[test]
    fn an_unwritable_spill_file_does_not_fail_the_check() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("no-such-dir").join("spill.jsonl");
        let mut s = IssueSink::new(IssueCaps::uniform(1), Some(p)).unwrap();
        for i in 0..3 {
            s.push(
                i + 2,
                i + 1,
                None,
                IssueCode::NoIdentifier,
                Severity::Error,
                "",
                None,
            );
        }
        let (kept, counts, truncated, path) = s.finish().unwrap();
        assert_eq!((kept.len(), counts[0].count, truncated), (1, 3, true));
        assert_eq!(path, None);
    }
}
