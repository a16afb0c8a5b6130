//! Measures the store's heavy paths on a real file and writes the figures to
//! `bench-out/history.txt` (run: `cargo run --release -p mb-history --example ledger_bench
//! [rows]`). Figures are recorded, never asserted.

use mb_history::{
    IssueCounts, LedgerVerdict, NewUpload, RowCounts, ServerReport, ServerStatus, SourceFile,
    Store, UploadFilter, row_hash,
};
use mb_schema::UploadKind;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: u32 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir()?;
    let s = Store::open(dir.path().join("bench.sqlite"))?;
    let mut lines = Vec::new();

    let new = |i: u32| NewUpload {
        account_login: "bench".into(),
        counter_id: 1 + i64::from(i % 20),
        kind: UploadKind::Conversions,
        source: SourceFile::from_bytes("file.csv", &i.to_le_bytes()),
        prepared_sha256: None,
        mapping_template_id: None,
        mapping: None,
        rows: RowCounts {
            rows: 100,
            valid: 100,
            rejected: 0,
        },
        issues: IssueCounts::default(),
        merge_mode: None,
        options: None,
    };
    let uploads = 2_000;
    let t = Instant::now();
    let mut last = 0;
    for i in 0..uploads {
        let u = s.record_prepared(&new(i))?;
        s.mark_sending(u.id)?;
        let r = ServerReport {
            status: ServerStatus::parse("PROCESSED"),
            linked_quantity: Some(80),
            line_quantity: Some(100),
            ..Default::default()
        };
        s.mark_sent(u.id, &i.to_string(), &r)?;
        last = u.id;
    }
    let per = t.elapsed().as_secs_f64() * 1e6 / f64::from(uploads * 3);
    lines.push(format!(
        "upload write transaction: {per:.0} us each ({uploads} uploads x 3)"
    ));

    let t = Instant::now();
    let page = s.uploads(&UploadFilter {
        limit: Some(50),
        ..Default::default()
    })?;
    lines.push(format!(
        "history page of {} of {uploads}: {:?}",
        page.len(),
        t.elapsed()
    ));
    let t = Instant::now();
    let text = UploadFilter {
        text: Some("file".into()),
        limit: Some(50),
        ..Default::default()
    };
    s.uploads(&text)?;
    lines.push(format!("history text search page: {:?}", t.elapsed()));
    let t = Instant::now();
    let o = s.agency_overview()?;
    lines.push(format!(
        "agency overview ({} counters): {:?}",
        o.len(),
        t.elapsed()
    ));

    let key = |i: u32| row_hash(&[i.to_le_bytes()]);
    let content = |i: u32| row_hash(&[(i / 2).to_le_bytes()]);
    let counter = 1 + i64::from((last as u32 - 1) % 20);
    let db_bytes = || -> u64 {
        std::fs::metadata(dir.path().join("bench.sqlite")).map_or(0, |m| m.len())
            + std::fs::metadata(dir.path().join("bench.sqlite-wal")).map_or(0, |m| m.len())
    };
    let checkpoint = |s: &Store| s.checkpoint();
    checkpoint(&s)?;
    let before = db_bytes();

    // Commit as an upload does it: stage pending keys, then the acceptance confirms them.
    let hashes: Vec<_> = (0..rows).map(|i| (key(i), content(i))).collect();
    let u = s.record_prepared(&NewUpload {
        counter_id: counter,
        ..new(uploads)
    })?;
    let t = Instant::now();
    let n = s.ledger_stage(u.id, hashes.iter().copied())?;
    let staged = t.elapsed();
    s.mark_sending(u.id)?;
    let t = Instant::now();
    s.mark_sent(
        u.id,
        "big",
        &ServerReport {
            status: ServerStatus::parse("PROCESSED"),
            ..Default::default()
        },
    )?;
    s.ledger_compact(counter, UploadKind::Conversions)?;
    let confirmed = t.elapsed();
    let e = staged + confirmed;
    lines.push(format!(
        "ledger commit {n} keys (stage {staged:?} + confirm {confirmed:?}): {e:?} ({:.0} rows/s)",
        f64::from(rows) / e.as_secs_f64()
    ));
    checkpoint(&s)?;
    let grown = db_bytes().saturating_sub(before);
    lines.push(format!(
        "database growth: {:.1} MB per million keys (file after checkpoint)",
        grown as f64 / 1e6 * 1e6 / f64::from(rows)
    ));

    // Half known (of which half changed), half new.
    let probe: Vec<_> = (rows / 2..rows + rows / 2)
        .map(|i| (key(i), if i % 2 == 0 { content(i) } else { key(i) }))
        .collect();
    let t = Instant::now();
    let v = s.ledger_filter(counter, UploadKind::Conversions, probe.iter().copied())?;
    let e = t.elapsed();
    let new_rows = v.iter().filter(|v| **v == LedgerVerdict::New).count();
    lines.push(format!(
        "ledger_filter {} rows ({new_rows} new): {e:?} ({:.0} rows/s)",
        v.len(),
        v.len() as f64 / e.as_secs_f64()
    ));

    // A daily run: 30 uploads of 5 000 rows (10 % new) against the big ledger.
    let t = Instant::now();
    let mut filtered = 0u64;
    for day in 0..30u32 {
        let probe: Vec<_> = (0..5_000u32)
            .map(|i| {
                let k = if i % 10 == 0 {
                    rows + day * 5_000 + i
                } else {
                    i * 97 % rows
                };
                (key(k), content(k))
            })
            .collect();
        filtered += s
            .ledger_filter(counter, UploadKind::Conversions, probe.iter().copied())?
            .len() as u64;
        let u = s.record_prepared(&NewUpload {
            counter_id: counter,
            ..new(uploads + 1 + day)
        })?;
        s.ledger_stage(u.id, probe)?;
        s.mark_sending(u.id)?;
        s.mark_sent(
            u.id,
            "d",
            &ServerReport {
                status: ServerStatus::parse("PROCESSED"),
                ..Default::default()
            },
        )?;
        s.ledger_compact(counter, UploadKind::Conversions)?;
    }
    let e = t.elapsed();
    lines.push(format!(
        "30 daily uploads of 5000 rows (filter + stage + confirm + compact): {e:?} \
         ({:.0} rows/s), {} segments",
        filtered as f64 / e.as_secs_f64(),
        s.ledger_segments(counter, UploadKind::Conversions)?
    ));
    checkpoint(&s)?;
    lines.push(format!("database size: {:.1} MB", db_bytes() as f64 / 1e6));

    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench-out");
    std::fs::create_dir_all(&out)?;
    let report = format!(
        "mb-history bench ({rows} ledger rows)\n{}\n",
        lines.join("\n")
    );
    std::fs::write(out.join("history.txt"), &report)?;
    print!("{report}");
    Ok(())
}
