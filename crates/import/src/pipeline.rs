//! The streaming pipeline: rows from a [`RowSource`] → [`Validator`] → Metrica CSV parts and
//! the rejected-rows file, with progress and cancellation, in bounded memory.
//!
//! Reading (decoding, CSV parsing) runs on a second thread and hands over batches of reused
//! [`Row`]s through a bounded channel. Checking rows (the per-row rules and normalisers, and
//! encoding valid rows as output CSV) is split into chunks of a batch that either thread may
//! claim: the reader checks chunks of the newest batches it handed over whenever it is ahead
//! (the channel is full), so both cores stay busy. The caller's thread takes the batches in
//! order, checks the chunks nobody took, and commits every row in file order (issues,
//! duplicates, totals) and writes the output, so the report is that of a one-thread run.
//! Owns orchestration and the [`Report`]; the rules live in [`crate::validate`].

use crate::codes::IssueCode;
use crate::mapping::Mapping;
use crate::messages::Lang;
use crate::read::{Malformed, MalformedKind, ReadError, ReadEvent, Row, RowSource};
use crate::report::{Report, Severity};
use crate::validate::{ImportError, RowChecker, RowFacts, RowIssue, ValidateOptions, Validator};
use crate::write::{MetricaWriter, OutputSpec, RejectedWriter, encode_record};
use mb_schema::DelimiterType;
use std::collections::VecDeque;
use std::ops::{ControlFlow, Range};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

/// Rows per batch handed from the reader thread to the validator.
const BATCH_ROWS: usize = 1024;
/// Rows per chunk: the unit of work either thread claims.
const CHUNK_ROWS: usize = 128;
const CHUNKS: usize = BATCH_ROWS.div_ceil(CHUNK_ROWS);
/// Batches in flight (bounds memory whatever the file size).
const BATCHES_IN_FLIGHT: usize = 4;

/// Progress of a running [`prepare`] / [`validate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    /// Data records processed so far.
    pub rows: u64,
    /// Source bytes consumed so far.
    pub bytes_read: u64,
    /// Source size (0 when unknown).
    pub total_bytes: u64,
}

/// One checked row of a chunk.
struct Checked {
    facts: RowFacts,
    /// The encoded output row (valid rows, when writing): a range of `Chunk::bytes`.
    out: Range<usize>,
}

/// The results of checking up to [`CHUNK_ROWS`] rows of a batch.
#[derive(Default)]
struct Chunk {
    done: bool,
    rows: Vec<Checked>,
    log: Vec<RowIssue>,
    text: String,
    bytes: Vec<u8>,
}

struct Batch {
    rows: Vec<Row>,
    n: usize,
    /// (index of the row it precedes, event)
    malformed: Vec<(usize, Malformed)>,
    bytes_read: u64,
    chunks: Vec<Mutex<Chunk>>,
    /// Next chunk to claim.
    next: AtomicUsize,
}

impl Batch {
    fn new() -> Batch {
        Batch {
            rows: Vec::new(),
            n: 0,
            malformed: Vec::new(),
            bytes_read: 0,
            chunks: (0..CHUNKS).map(|_| Mutex::new(Chunk::default())).collect(),
            next: AtomicUsize::new(0),
        }
    }

    fn reset(&mut self) {
        self.n = 0;
        self.malformed.clear();
        *self.next.get_mut() = 0;
        for c in &mut self.chunks {
            // A poisoned chunk only means a checker panicked; the pipeline has failed then.
            if let Ok(c) = c.get_mut() {
                c.done = false;
            }
        }
    }

    fn chunk_count(&self) -> usize {
        self.n.div_ceil(CHUNK_ROWS)
    }
}

/// What a thread needs to check chunks: its own checker, and how to encode valid rows.
struct Worker {
    checker: RowChecker,
    /// Output delimiter when valid rows are written.
    encode: Option<u8>,
}

impl Worker {
    /// Check chunk `c` of `batch` unless some thread already did.
    fn check_chunk(&mut self, batch: &Batch, c: usize) -> Result<(), ImportError> {
        let mut guard = batch.chunks[c]
            .lock()
            .map_err(|_| ImportError::Internal("row checker panicked".into()))?;
        self.fill(batch, c, &mut guard);
        Ok(())
    }

    fn fill(&mut self, batch: &Batch, c: usize, chunk: &mut Chunk) {
        if chunk.done {
            return;
        }
        chunk.rows.clear();
        chunk.bytes.clear();
        // The chunk's log and text become the checker's arenas while it checks the chunk.
        chunk.log.clear();
        chunk.text.clear();
        std::mem::swap(&mut chunk.log, &mut self.checker.log);
        std::mem::swap(&mut chunk.text, &mut self.checker.text);
        self.checker.sync_text_wanted();
        let end = ((c + 1) * CHUNK_ROWS).min(batch.n);
        for row in &batch.rows[c * CHUNK_ROWS..end] {
            let facts = self.checker.check(row);
            let start = chunk.bytes.len();
            if facts.ok
                && let Some(delim) = self.encode
            {
                encode_record(self.checker.cells(), delim, &mut chunk.bytes);
            }
            chunk.rows.push(Checked {
                facts,
                out: start..chunk.bytes.len(),
            });
        }
        std::mem::swap(&mut chunk.log, &mut self.checker.log);
        std::mem::swap(&mut chunk.text, &mut self.checker.text);
        chunk.done = true;
    }
}

/// The reader's share of the checking: chunks of the batches it handed over and nobody has
/// claimed yet (in hand-over order).
struct Helper {
    worker: Worker,
    sent: VecDeque<Arc<Batch>>,
}

impl Helper {
    /// Check one unclaimed chunk of a handed-over batch; false when there is none. The newest
    /// batch first: the committer reaches it last, so it never waits for the helper's chunk.
    fn help_one(&mut self) -> bool {
        self.sent
            .retain(|b| b.next.load(Ordering::Relaxed) < b.chunk_count());
        for b in self.sent.iter().rev() {
            let c = b.next.fetch_add(1, Ordering::Relaxed);
            if c < b.chunk_count() {
                // A failed chunk is checked again (and its error reported) by the committer.
                let _ = self.worker.check_chunk(b, c);
                return true;
            }
        }
        false
    }
}

/// The issue a line the reader could not split is reported as.
pub fn malformed_code(kind: MalformedKind) -> IssueCode {
    match kind {
        MalformedKind::UnclosedQuote => IssueCode::UnclosedQuote,
        MalformedKind::StrayQuote => IssueCode::StrayQuote,
        MalformedKind::BadEncoding => IssueCode::BadEncoding,
        MalformedKind::TooManyFields => IssueCode::TooManyFields,
        MalformedKind::CellsPastHeader => IssueCode::CellsPastHeader,
        MalformedKind::NulByte => IssueCode::NulByte,
    }
}

/// Hand `batch` over; while the channel is full, check chunks of it and of batches already
/// handed over (the committer then finds them done). False when the receiving side is gone.
fn hand_over(
    tx: &mpsc::SyncSender<Result<Arc<Batch>, ReadError>>,
    batch: Arc<Batch>,
    helper: &mut Option<Helper>,
    cancel: &AtomicBool,
) -> bool {
    let keep = helper.as_ref().map(|_| Arc::clone(&batch));
    #[cfg(test)]
    if tests::EAGER_HELP.load(Ordering::Relaxed)
        && let Some(h) = helper.as_mut()
    {
        // Tests: check the previous batches' chunks even when the committer is waiting.
        while h.help_one() {}
    }
    if let (Some(h), Some(b)) = (helper.as_mut(), keep) {
        // Listed before it is sent: while the channel is full the helper starts on this
        // batch (still in its cache), then on older ones.
        h.sent.push_back(b);
    }
    let mut msg = Ok(batch);
    loop {
        match tx.try_send(msg) {
            Ok(()) => break,
            Err(mpsc::TrySendError::Disconnected(_)) => return false,
            Err(mpsc::TrySendError::Full(m)) => msg = m,
        }
        let helped = match helper.as_mut() {
            Some(h) if !cancel.load(Ordering::Relaxed) => h.help_one(),
            _ => false,
        };
        if !helped {
            if tx.send(msg).is_err() {
                return false;
            }
            break;
        }
    }
    true
}

/// Read batches until the end, an error or cancellation; returns the helper's checker.
fn read_loop(
    source: &mut dyn RowSource,
    tx: mpsc::SyncSender<Result<Arc<Batch>, ReadError>>,
    recycle: mpsc::Receiver<Arc<Batch>>,
    cancel: &AtomicBool,
    helper: Worker,
) -> RowChecker {
    let mut helper = Some(Helper {
        worker: helper,
        sent: VecDeque::new(),
    });
    read_batches(source, tx, recycle, cancel, &mut helper);
    helper.map(|h| h.worker.checker).expect("helper")
}

fn read_batches(
    source: &mut dyn RowSource,
    tx: mpsc::SyncSender<Result<Arc<Batch>, ReadError>>,
    recycle: mpsc::Receiver<Arc<Batch>>,
    cancel: &AtomicBool,
    helper: &mut Option<Helper>,
) {
    let mut batch = Batch::new();
    let mut created = 1;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return;
        }
        if batch.rows.len() <= batch.n {
            batch.rows.push(Row::new());
        }
        let ev = source.next_event(&mut batch.rows[batch.n]);
        let end = match ev {
            Ok(Some(ReadEvent::Row)) => {
                batch.n += 1;
                false
            }
            Ok(Some(ReadEvent::Malformed(m))) => {
                batch.malformed.push((batch.n, m));
                false
            }
            Ok(None) => true,
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        };
        if end || batch.n >= BATCH_ROWS || batch.malformed.len() >= 256 {
            batch.bytes_read = source.bytes_read();
            if batch.n > 0 || !batch.malformed.is_empty() {
                let full = Arc::new(std::mem::replace(&mut batch, Batch::new()));
                if !hand_over(&tx, full, helper, cancel) {
                    return;
                }
            }
            if end {
                return;
            }
            // Reuse a returned batch (its rows keep their buffers); allocate only until
            // enough batches exist to keep both threads busy.
            let reused = match recycle.try_recv() {
                Ok(b) => Some(b),
                Err(_) if created < BATCHES_IN_FLIGHT + 2 => {
                    created += 1;
                    None
                }
                Err(_) => match recycle.recv() {
                    Ok(b) => Some(b),
                    Err(_) => return,
                },
            };
            // The committer is done with a recycled batch: drop the helper's handle too.
            if let Some(b) = reused {
                if let Some(h) = helper.as_mut() {
                    h.sent.retain(|x| !Arc::ptr_eq(x, &b));
                }
                if let Ok(b) = Arc::try_unwrap(b) {
                    batch = b;
                }
            }
            batch.reset();
        }
    }
}

fn handle(
    m: &Malformed,
    v: &mut Validator,
    rejected: Option<&mut RejectedWriter>,
    lang: Lang,
) -> Result<(), ImportError> {
    let code = malformed_code(m.kind);
    v.file_issue(
        m.line,
        m.column.as_deref(),
        code,
        Severity::Error,
        &m.shown(),
    );
    if let Some(r) = rejected {
        let reason = crate::messages::reason(lang, code, m.column.as_deref(), "", None);
        r.write(m.line, &reason, std::iter::once(m.text.as_str()))?;
    }
    Ok(())
}

/// Validate `source` with `mapping` and, when `output` is given, write the Metrica-ready CSV
/// parts and the rejected-rows file. `progress` is called after every batch of rows; return
/// `ControlFlow::Break(())` to cancel (files written so far are removed, `Err(Cancelled)`).
pub fn prepare(
    source: &mut dyn RowSource,
    mapping: &Mapping,
    opts: &ValidateOptions,
    output: Option<&OutputSpec>,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<Report, ImportError> {
    let info = source.info().clone();
    let mut v = Validator::new(mapping, &info.headers, info.header_line, opts)?;
    let lang = output.map_or(Lang::Ru, |o| o.lang);
    let mut reasons = String::new();
    let delimiter_type = output.map_or_else(
        || OutputSpec::new("").delimiter_for(mapping.kind),
        |o| o.delimiter_for(mapping.kind),
    );
    let mut writer = match output {
        Some(spec) if spec.metrica && !v.is_blocked() => Some(MetricaWriter::create(
            spec,
            mapping.kind,
            v.output_headers(),
        )?),
        _ => None,
    };
    let mut rejected = output
        .and_then(|o| o.rejected_path.as_ref())
        .map(|p| RejectedWriter::new(p, &info.headers).with_lang(lang));
    if rejected.is_some() {
        v.keep_error_texts();
    }

    let cancel = AtomicBool::new(false);
    let total_bytes = info.file_size;
    let mut rows: u64 = 0;
    let mut invalid: u64 = 0;
    let encode = writer.as_ref().map(MetricaWriter::delimiter);
    let mut mine = Worker {
        checker: v.row_checker(),
        encode,
    };
    let helper = Worker {
        checker: v.row_checker(),
        encode,
    };
    let blocked = v.is_blocked();
    let result: Result<(), ImportError> = std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Result<Arc<Batch>, ReadError>>(BATCHES_IN_FLIGHT);
        let (back_tx, back_rx) = mpsc::channel::<Arc<Batch>>();
        let cancel_ref = &cancel;
        let reader = std::thread::Builder::new()
            .name("mb-import-read".into())
            .spawn_scoped(scope, move || {
                read_loop(source, tx, back_rx, cancel_ref, helper)
            })
            .map_err(|e| ImportError::Internal(e.to_string()))?;
        for msg in rx.iter() {
            let batch = msg?;
            let mut mi = 0;
            for c in 0..batch.chunk_count() {
                // Check chunk `c` here unless the helper did or is doing it (then the lock
                // waits for it), and commit it while its results are still in cache.
                batch.next.fetch_max(c + 1, Ordering::Relaxed);
                let mut chunk = batch.chunks[c]
                    .lock()
                    .map_err(|_| ImportError::Internal("row checker panicked".into()))?;
                mine.fill(&batch, c, &mut chunk);
                for (j, checked) in chunk.rows.iter().enumerate() {
                    let i = c * CHUNK_ROWS + j;
                    while mi < batch.malformed.len() && batch.malformed[mi].0 <= i {
                        handle(&batch.malformed[mi].1, &mut v, rejected.as_mut(), lang)?;
                        rows += 1;
                        invalid += 1;
                        mi += 1;
                    }
                    let row = &batch.rows[i];
                    rows += 1;
                    let f = &checked.facts;
                    let ok = v.commit(row.line, row.record, f, &chunk.log, &chunk.text);
                    if f.skipped {
                        // A totals row or a note: its one notice says so; not a data row.
                        rows -= 1;
                    } else if ok {
                        if let Some(w) = writer.as_mut() {
                            w.write_encoded(&chunk.bytes[checked.out.clone()])?;
                        }
                    } else {
                        invalid += 1;
                        // A file-level error (missing column) is not the rows' fault.
                        if let Some(r) = rejected.as_mut().filter(|_| !blocked) {
                            reasons.clear();
                            v.row_reasons(f, &chunk.log, &chunk.text, lang, &mut reasons);
                            r.write(row.line, &reasons, row.iter())?;
                        }
                    }
                }
            }
            for (_, m) in &batch.malformed[mi..] {
                handle(m, &mut v, rejected.as_mut(), lang)?;
                rows += 1;
                invalid += 1;
            }
            let p = Progress {
                rows,
                bytes_read: batch.bytes_read,
                total_bytes,
            };
            let _ = back_tx.send(batch);
            if progress(p).is_break() {
                cancel.store(true, Ordering::Relaxed);
                return Err(ImportError::Cancelled);
            }
        }
        // Every row is committed: the date ranges the checkers kept are complete.
        let helper = reader
            .join()
            .map_err(|_| ImportError::Internal("reader thread panicked".into()))?;
        v.absorb(&helper);
        v.absorb(&mine.checker);
        Ok(())
    });
    let outputs = match writer {
        Some(w) => w.finish()?,
        None => Vec::new(),
    };
    let rejected_path = match rejected {
        Some(r) => r.finish()?,
        None => None,
    };
    if let Err(e) = result {
        for p in outputs.iter().chain(rejected_path.iter()) {
            let _ = std::fs::remove_file(p);
        }
        return Err(e);
    }
    let kind = v.kind();
    let s = v.finish(rows)?;
    Ok(Report {
        kind,
        encoding: info.encoding.clone(),
        delimiter: info.delimiter,
        sheet: info.sheet.clone(),
        delimiter_type,
        header_line: info.header_line,
        file_errors: s.file_errors,
        rows,
        valid_rows: s.valid_rows,
        invalid_rows: invalid,
        mapping: mapping.summary(),
        unmapped_columns: crate::mapping::unmapped_columns(mapping, &info.headers),
        issues: s.issues,
        counts: s.counts,
        truncated_issues: s.truncated,
        issue_spill_path: s.spill,
        identifier_summary: s.identifier_summary,
        datetime_range: s.range,
        outputs,
        rejected_path,
        skip_invalid: opts.skip_invalid,
        currency_offer: s.currency_offer,
    })
}

/// [`prepare`] without output files.
pub fn validate(
    source: &mut dyn RowSource,
    mapping: &Mapping,
    opts: &ValidateOptions,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<Report, ImportError> {
    prepare(source, mapping, opts, None, progress)
}

/// A progress callback that never cancels.
pub fn no_progress() -> impl FnMut(Progress) -> ControlFlow<()> {
    |_| ControlFlow::Continue(())
}

/// The delimiter type a report's output uses, for the upload call.
pub fn delimiter_type(report: &Report) -> DelimiterType {
    report.delimiter_type
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::auto_map;

    /// Make the reader check every chunk it can, so that tests see both threads' results.
    pub(super) static EAGER_HELP: AtomicBool = AtomicBool::new(false);
    use crate::read::{ReadOptions, open_bytes};

    fn opts() -> ValidateOptions {
        let mut o = ValidateOptions::new("Europe/Moscow", "2026-11-22T07:00:00Z".parse().unwrap());
        // Tests that want a spill file name one in their temp dir.
        o.issue_spill_path = None;
        o
    }

    fn run(text: &str, output: Option<&OutputSpec>) -> Report {
        let mut src =
            open_bytes(text.as_bytes().to_vec(), "x.csv", &ReadOptions::default()).unwrap();
        let m = auto_map(mapping_kind(text), &src.info().headers).mapping;
        prepare(src.as_mut(), &m, &opts(), output, &mut no_progress()).unwrap()
    }

    fn mapping_kind(text: &str) -> mb_schema::UploadKind {
        let headers: Vec<String> = text
            .lines()
            .next()
            .unwrap()
            .split(',')
            .map(str::to_string)
            .collect();
        crate::mapping::detect_kind(&headers).unwrap().0
    }

    #[test]
    fn writes_valid_rows_and_rejects_invalid_ones() {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = OutputSpec::new(dir.path().join("out.csv"));
        spec.rejected_path = Some(dir.path().join("rejected.csv"));
        let text = "ClientId,Target,DateTime,Price\n\
                    1762345098123456789,offline_paid,1794228120,\"1 500,50\"\n\
                    1762101987654321098,offline_paid,1893456000,7000\n";
        let r = run(text, Some(&spec));
        assert_eq!((r.rows, r.valid_rows, r.invalid_rows), (2, 1, 1));
        assert!(r.has_errors());
        let out = std::fs::read_to_string(&r.outputs[0]).unwrap();
        assert_eq!(
            out,
            "ClientId,Target,DateTime,Price\n1762345098123456789,offline_paid,1794228120,1500.50\n"
        );
        let rej = std::fs::read(r.rejected_path.as_ref().unwrap()).unwrap();
        let rej = String::from_utf8_lossy(&rej);
        assert!(
            rej.contains(
                "3;Столбец «DateTime»: дата «1893456000» ещё не наступила;1762101987654321098"
            ),
            "{rej}"
        );
        // English, with the user's own column names.
        let mut spec = OutputSpec::new(dir.path().join("out2.csv"));
        spec.rejected_path = Some(dir.path().join("rejected2.csv"));
        spec.lang = Lang::En;
        let text = "ClientId,Target,Дата конверсии,Price\n\
                    1762101987654321098,offline_paid,31.02.2026 10:00,7000\n";
        let r = run(text, Some(&spec));
        let rej = std::fs::read_to_string(r.rejected_path.as_ref().unwrap()).unwrap();
        assert!(rej.contains("Line;Reason;"), "{rej}");
        assert!(
            rej.contains(
                "2;Column «Дата конверсии»: date «31.02.2026 10:00» is not recognised or does not \
                 exist;"
            ),
            "{rej}"
        );
    }

    #[test]
    fn a_check_can_write_only_the_rejected_rows() {
        let dir = tempfile::tempdir().unwrap();
        let spec = OutputSpec::rejected_only(dir.path().join("rejected.csv"));
        let text = "ClientId,Target,DateTime,Price\n\
                    1762345098123456789,offline_paid,1794228120,10\n\
                    1762101987654321098,offline_paid,1893456000,7000\n";
        let r = run(text, Some(&spec));
        assert!(r.outputs.is_empty());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("rejected.csv")]);
        let rej = std::fs::read_to_string(r.rejected_path.unwrap()).unwrap();
        assert!(rej.contains("ещё не наступила"), "{rej}");
    }

    /// Every row gets a notice, a few get errors: the errors are all in the report, first.
    #[test]
    fn errors_are_never_pushed_out_by_notices() {
        let mut text = String::from("ClientId,Target,DateTime,Price\n");
        for i in 0..5000u64 {
            // A date with an offset: converted (a notice) on every row.
            let price = if i % 1000 == 999 { "abc" } else { "10" };
            text.push_str(&format!(
                "17623450981234{:05},offline_paid,2026-11-20T10:00:00+03:00,{price}\n",
                i * 10 + 1
            ));
        }
        let dir = tempfile::tempdir().unwrap();
        let mut o = opts();
        o.max_issues = 100;
        o.max_errors = 3;
        o.issue_spill_path = Some(dir.path().join("spill.jsonl"));
        let kind = mapping_kind(&text);
        let mut src = open_bytes(text.into_bytes(), "x.csv", &ReadOptions::default()).unwrap();
        let m = auto_map(kind, &src.info().headers).mapping;
        let r = validate(src.as_mut(), &m, &o, &mut no_progress()).unwrap();
        let errors: Vec<u64> = r
            .issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .map(|i| i.line)
            .collect();
        assert_eq!(errors, vec![1001, 2001, 3001]);
        assert_eq!(r.issues[0].severity, Severity::Error);
        let n = |s: Severity| r.issues.iter().filter(|i| i.severity == s).count();
        assert_eq!(
            (n(Severity::Warning), n(Severity::Notice)),
            (0, 100),
            "{:?}",
            r.counts
        );
        assert!(r.truncated_issues);
        assert_eq!(r.count_of(IssueCode::InvalidMoney), 5);
        assert_eq!(r.count_of(IssueCode::DatetimeConverted), 5000);
        let spill = std::fs::read_to_string(r.issue_spill_path.as_ref().unwrap()).unwrap();
        let spilled: Vec<crate::report::Issue> = spill
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(spilled.len(), 5000 - 100 + 2);
        assert_eq!(
            spilled
                .iter()
                .filter(|i| i.severity == Severity::Error)
                .map(|i| i.line)
                .collect::<Vec<_>>(),
            vec![4001, 5001]
        );
    }

    #[test]
    fn cancelling_through_the_callback_stops_and_removes_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let spec = OutputSpec::new(dir.path().join("out.csv"));
        let mut text = String::from("ClientId,Target,DateTime\n");
        for i in 0..5000 {
            text.push_str(&format!("17623450981234{i:05},offline_paid,1794228120\n"));
        }
        let mut src = open_bytes(text.into_bytes(), "x.csv", &ReadOptions::default()).unwrap();
        let m = auto_map(mb_schema::UploadKind::Conversions, &src.info().headers).mapping;
        let mut calls = 0;
        let r = prepare(src.as_mut(), &m, &opts(), Some(&spec), &mut |_| {
            calls += 1;
            ControlFlow::Break(())
        });
        assert!(matches!(r, Err(ImportError::Cancelled)));
        assert_eq!(calls, 1);
        assert!(!dir.path().join("out.csv").exists());
    }

    #[test]
    fn reports_progress_with_rows_and_bytes() {
        let mut text = String::from("ClientId,Target,DateTime\n");
        for i in 0..3000 {
            text.push_str(&format!("17623450981234{i:05},offline_paid,1794228120\n"));
        }
        let mut src = open_bytes(text.into_bytes(), "x.csv", &ReadOptions::default()).unwrap();
        let m = auto_map(mb_schema::UploadKind::Conversions, &src.info().headers).mapping;
        let mut last = None;
        let r = validate(src.as_mut(), &m, &opts(), &mut |p| {
            last = Some(p);
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(r.rows, 3000);
        assert_eq!(last.unwrap().rows, 3000);
        assert!(r.outputs.is_empty());
    }

    #[test]
    fn report_serialises_to_the_cli_json_contract() {
        let r = run(
            "ClientId,Target,DateTime\n1762345098123456789,offline_paid,1794228120\n",
            None,
        );
        let j = serde_json::to_value(&r).unwrap();
        for key in [
            "encoding",
            "delimiter",
            "rows",
            "valid_rows",
            "mapping",
            "issues",
            "counts",
            "truncated_issues",
            "identifier_summary",
            "outputs",
            "rejected_path",
        ] {
            assert!(j.get(key).is_some(), "{key}");
        }
        assert_eq!(j["mapping"]["Target"], "Target");
        assert_eq!(j["identifier_summary"]["ClientId"], 1);
        let back: Report = serde_json::from_value(j).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn header_only_file_is_an_empty_file_error() {
        let r = run("ClientId,Target,DateTime\n", None);
        assert!(r.has_file_errors());
        assert_eq!(r.count_of(IssueCode::EmptyFile), 1);
    }

    /// A file of several batches with every kind of finding, including duplicates across
    /// batches and malformed lines.
    fn mixed_orders(rows: usize) -> String {
        let mut t = String::from(
            "id;create_date_time;client_uniq_id;emails;phones;order_status;revenue;currency\n",
        );
        for i in 0..rows {
            let line = match i % 13 {
                0 => format!(
                    "A-{i};06.11.2026 9:05;K-{i};Mail{i}@Example.RU;8 916 123-45-67;PAID;1 500,50;RUB"
                ),
                1 => format!("A-{};2026-11-05 10:00:00;K-1;a@b.ru;;Paid;100;usd", i % 700),
                2 => format!("A-{i};2026-12-01 10:00:00;;;;PAID;-5;RUR"),
                3 => {
                    format!("A-{i};\"06.11.2026\";K-2;\"x@y.ru, z@w.ru\";79161234567;mystery;1;EUR")
                }
                4 => format!("A-{i};06.11.2026 10:00;K-3;bad email;123;PAID;1;RUB"),
                5 => format!("A-{i};06.11.2026 10:00;K-4;a@b.ru;7916\"123;PAID;1;RUB"),
                6 => format!("A-{i};2026-11-06T06:05:00Z;K-5;;79161234567;CANCELLED;2;RUB;extra"),
                7 => format!("A-{i};01.10.2026 10:00;K-6;;79161234567;IN_PROGRESS;3;RUB"),
                8 => String::new(),
                _ => format!(
                    "A-{i};2026-11-{:02} 1{}:00:00;K-{i};c{i}@d.ru;7916{i:07};PAID;{i}.5;RUB",
                    1 + i % 20,
                    i % 10
                ),
            };
            t.push_str(&line);
            t.push('\n');
        }
        t
    }

    /// What the one-thread reference (a plain `check_row` loop) reports and writes.
    fn one_thread(text: &str, o: &ValidateOptions, out: &std::path::Path) -> (Report, String) {
        let mut src =
            open_bytes(text.as_bytes().to_vec(), "x.csv", &ReadOptions::default()).unwrap();
        let info = src.info().clone();
        let m = auto_map(mb_schema::UploadKind::SimpleOrders, &info.headers).mapping;
        let mut v = Validator::new(&m, &info.headers, info.header_line, o).unwrap();
        let spec = OutputSpec::new(out);
        let mut w = MetricaWriter::create(&spec, m.kind, v.output_headers()).unwrap();
        let (mut row, mut rows) = (Row::new(), 0);
        while let Some(ev) = src.next_event(&mut row).unwrap() {
            rows += 1;
            match ev {
                ReadEvent::Row => {
                    if v.check_row(row.line, row.record, &row.iter().collect()) {
                        w.write_row(v.cells()).unwrap();
                    }
                }
                ReadEvent::Malformed(m) => {
                    handle(&m, &mut v, None, Lang::Ru).unwrap();
                }
            }
        }
        w.finish().unwrap();
        let s = v.finish(rows).unwrap();
        let mut r = run(text, None);
        r.issues = s.issues;
        r.counts = s.counts;
        r.valid_rows = s.valid_rows;
        r.datetime_range = s.range;
        r.identifier_summary = s.identifier_summary;
        r.truncated_issues = s.truncated;
        (r, std::fs::read_to_string(out).unwrap())
    }

    #[test]
    fn two_threads_report_and_write_exactly_what_one_thread_does() {
        let text = mixed_orders(9000);
        EAGER_HELP.store(true, Ordering::Relaxed);
        for max_issues in [100_000, 10] {
            let mut o = opts();
            o.max_issues = max_issues;
            o.status_map.insert("Paid".into(), "PAID".into());
            let dir = tempfile::tempdir().unwrap();
            let (want, want_out) = one_thread(&text, &o, &dir.path().join("ref.csv"));
            let mut src =
                open_bytes(text.as_bytes().to_vec(), "x.csv", &ReadOptions::default()).unwrap();
            let m = auto_map(mb_schema::UploadKind::SimpleOrders, &src.info().headers).mapping;
            let spec = OutputSpec::new(dir.path().join("out.csv"));
            let got = prepare(src.as_mut(), &m, &o, Some(&spec), &mut no_progress()).unwrap();
            assert!(
                got.rows > 8000 && got.valid_rows > 1000,
                "{}",
                got.valid_rows
            );
            assert!(got.count_of(IssueCode::DuplicateOrderId) > 0);
            assert!(got.count_of(IssueCode::StrayQuote) > 0);
            assert_eq!(got.issues, want.issues, "max_issues {max_issues}");
            assert_eq!(got.counts, want.counts);
            assert_eq!(got.valid_rows, want.valid_rows);
            assert_eq!(got.datetime_range, want.datetime_range);
            assert_eq!(got.identifier_summary, want.identifier_summary);
            assert_eq!(got.truncated_issues, want.truncated_issues);
            let out = std::fs::read_to_string(&got.outputs[0]).unwrap();
            assert!(out == want_out, "outputs differ");
        }
    }

    #[test]
    fn two_threads_split_the_output_into_the_same_parts() {
        let text = mixed_orders(6000);
        EAGER_HELP.store(true, Ordering::Relaxed);
        let o = opts();
        let dir = tempfile::tempdir().unwrap();
        let (_, whole) = one_thread(&text, &o, &dir.path().join("ref.csv"));
        let mut src =
            open_bytes(text.as_bytes().to_vec(), "x.csv", &ReadOptions::default()).unwrap();
        let m = auto_map(mb_schema::UploadKind::SimpleOrders, &src.info().headers).mapping;
        let mut spec = OutputSpec::new(dir.path().join("out.csv"));
        spec.max_bytes = 20_000;
        let got = prepare(src.as_mut(), &m, &o, Some(&spec), &mut no_progress()).unwrap();
        assert!(got.outputs.len() > 5, "{}", got.outputs.len());
        let header = whole.lines().next().unwrap();
        let mut body = String::new();
        for p in &got.outputs {
            let part = std::fs::read_to_string(p).unwrap();
            assert!(part.len() <= 20_000, "{}", part.len());
            let rest = part
                .strip_prefix(header)
                .unwrap()
                .strip_prefix('\n')
                .unwrap();
            body.push_str(rest);
        }
        assert!(
            whole.strip_prefix(header).unwrap()[1..] == body,
            "parts differ"
        );
    }
}
