//! The streaming pipeline: rows from a [`RowSource`] → [`Validator`] → Metrica CSV parts and
//! the rejected-rows file, with progress and cancellation, in bounded memory.
//!
//! Reading (decoding, CSV parsing) runs on a second thread and hands over batches of reused
//! [`Row`]s through a bounded channel; validation and writing run on the caller's thread.
//! Owns orchestration and the [`Report`]; the rules live in [`crate::validate`].

use crate::mapping::Mapping;
use crate::read::{Malformed, MalformedKind, ReadError, ReadEvent, Row, RowSource};
use crate::report::{Report, Severity};
use crate::validate::{ImportError, ValidateOptions, Validator};
use crate::write::{MetricaWriter, OutputSpec, RejectedWriter};
use mb_schema::DelimiterType;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

/// Rows per batch handed from the reader thread to the validator.
const BATCH_ROWS: usize = 2048;
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

struct Batch {
    rows: Vec<Row>,
    n: usize,
    /// (index of the row it precedes, event)
    malformed: Vec<(usize, Malformed)>,
    bytes_read: u64,
}

impl Batch {
    fn new() -> Batch {
        Batch {
            rows: Vec::new(),
            n: 0,
            malformed: Vec::new(),
            bytes_read: 0,
        }
    }
}

fn malformed_code(kind: MalformedKind) -> &'static str {
    match kind {
        MalformedKind::UnclosedQuote => "unclosed_quote",
        MalformedKind::StrayQuote => "stray_quote",
        MalformedKind::BadEncoding => "bad_encoding",
        MalformedKind::TooManyFields => "too_many_fields",
    }
}

fn read_loop(
    source: &mut dyn RowSource,
    tx: mpsc::SyncSender<Result<Batch, ReadError>>,
    recycle: mpsc::Receiver<Batch>,
    cancel: &AtomicBool,
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
            if (batch.n > 0 || !batch.malformed.is_empty()) && tx.send(Ok(batch)).is_err() {
                return;
            }
            if end {
                return;
            }
            // Reuse a returned batch (its rows keep their buffers); allocate only until
            // enough batches exist to keep both threads busy.
            batch = match recycle.try_recv() {
                Ok(b) => b,
                Err(_) if created < BATCHES_IN_FLIGHT + 2 => {
                    created += 1;
                    Batch::new()
                }
                Err(_) => match recycle.recv() {
                    Ok(b) => b,
                    Err(_) => return,
                },
            };
            batch.n = 0;
            batch.malformed.clear();
        }
    }
}

fn handle(
    m: &Malformed,
    v: &mut Validator,
    rejected: Option<&mut RejectedWriter>,
) -> Result<(), ImportError> {
    let code = malformed_code(m.kind);
    v.file_issue(m.line, m.column.as_deref(), code, Severity::Error, &m.text);
    if let Some(r) = rejected {
        r.write(m.line, code, std::iter::once(m.text.as_str()))?;
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
    v.size_hint(info.file_size);
    let delimiter_type = output.map_or_else(
        || OutputSpec::new("").delimiter_for(mapping.kind),
        |o| o.delimiter_for(mapping.kind),
    );
    let mut writer = match output {
        Some(spec) if !v.is_blocked() => Some(MetricaWriter::create(
            spec,
            mapping.kind,
            v.output_headers(),
        )?),
        _ => None,
    };
    let mut rejected = output
        .and_then(|o| o.rejected_path.as_ref())
        .map(|p| RejectedWriter::new(p, &info.headers));

    let cancel = AtomicBool::new(false);
    let total_bytes = info.file_size;
    let mut rows: u64 = 0;
    let mut invalid: u64 = 0;
    let result: Result<(), ImportError> = std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Result<Batch, ReadError>>(BATCHES_IN_FLIGHT);
        let (back_tx, back_rx) = mpsc::channel::<Batch>();
        let cancel_ref = &cancel;
        std::thread::Builder::new()
            .name("mb-import-read".into())
            .spawn_scoped(scope, move || read_loop(source, tx, back_rx, cancel_ref))
            .map_err(|e| ImportError::Internal(e.to_string()))?;
        for msg in rx.iter() {
            let batch = msg?;
            let mut mi = 0;
            for i in 0..batch.n {
                while mi < batch.malformed.len() && batch.malformed[mi].0 <= i {
                    handle(&batch.malformed[mi].1, &mut v, rejected.as_mut())?;
                    rows += 1;
                    invalid += 1;
                    mi += 1;
                }
                let row = &batch.rows[i];
                rows += 1;
                if v.check_row(row.line, row.record, &row.fields) {
                    if let Some(w) = writer.as_mut() {
                        w.write_row(v.cells())?;
                    }
                } else {
                    invalid += 1;
                    // A file-level error (missing column) is not the rows' fault.
                    if let Some(r) = rejected.as_mut().filter(|_| !v.is_blocked()) {
                        r.write(row.line, v.reasons(), row.fields.iter())?;
                    }
                }
            }
            for (_, m) in &batch.malformed[mi..] {
                handle(m, &mut v, rejected.as_mut())?;
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
        delimiter_type,
        header_line: info.header_line,
        file_errors: s.file_errors,
        rows,
        valid_rows: s.valid_rows,
        invalid_rows: invalid,
        mapping: mapping.summary(),
        unmapped_columns: unmapped(mapping, &info.headers),
        issues: s.issues,
        counts: s.counts,
        truncated_issues: s.truncated,
        issue_spill_path: s.spill,
        identifier_summary: s.identifier_summary,
        datetime_range: s.range,
        outputs,
        rejected_path,
        skip_invalid: opts.skip_invalid,
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

fn unmapped(mapping: &Mapping, headers: &[String]) -> Vec<String> {
    let used: Vec<String> = mapping
        .fields
        .values()
        .filter_map(|f| match f {
            crate::mapping::FieldSource::Column { header, .. } => {
                Some(crate::mapping::normalize_header(header))
            }
            crate::mapping::FieldSource::Constant { .. } => None,
        })
        .collect();
    headers
        .iter()
        .filter(|h| !h.trim().is_empty() && !used.contains(&crate::mapping::normalize_header(h)))
        .cloned()
        .collect()
}

/// The delimiter type a report's output uses, for the upload call.
pub fn delimiter_type(report: &Report) -> DelimiterType {
    report.delimiter_type
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::auto_map;
    use crate::read::{ReadOptions, open_bytes};

    fn opts() -> ValidateOptions {
        ValidateOptions::new("Europe/Moscow", "2026-11-22T07:00:00Z".parse().unwrap())
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
            rej.contains("3;future_datetime DateTime=1893456000;1762101987654321098"),
            "{rej}"
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
        assert_eq!(r.count_of("empty_file"), 1);
    }
}
