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
    let t = Instant::now();
    let n = s.ledger_commit(last, (0..rows).map(|i| (key(i), content(i))))?;
    let e = t.elapsed();
    lines.push(format!(
        "ledger_commit {n} rows: {e:?} ({:.0} rows/s)",
        f64::from(rows) / e.as_secs_f64()
    ));

    // Half known (of which half changed), half new.
    let t = Instant::now();
    let v = s.ledger_filter(
        1 + i64::from((last as u32 - 1) % 20),
        UploadKind::Conversions,
        (rows / 2..rows + rows / 2).map(|i| (key(i), if i % 2 == 0 { content(i) } else { key(i) })),
    )?;
    let e = t.elapsed();
    let new_rows = v.iter().filter(|v| **v == LedgerVerdict::New).count();
    lines.push(format!(
        "ledger_filter {} rows ({new_rows} new): {e:?} ({:.0} rows/s)",
        v.len(),
        v.len() as f64 / e.as_secs_f64()
    ));
    let size = std::fs::metadata(dir.path().join("bench.sqlite"))?.len()
        + std::fs::metadata(dir.path().join("bench.sqlite-wal")).map_or(0, |m| m.len());
    lines.push(format!("database + wal size: {:.1} MB", size as f64 / 1e6));

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
