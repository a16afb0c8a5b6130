//! "Only new rows" end to end on prepared files, as an upload does it: read the Metrica-ready
//! CSV, hash each row's key and content, stage the keys, confirm them with the acceptance; then
//! filter a grown export. Writes `bench-out/ledger-files.txt` (run: `cargo run --release -p
//! mb-uploader --example ledger_files [rows]`). Figures are recorded, never asserted.

use std::io::Write;
use std::time::Instant;

use mb_history::{
    IssueCounts, NewUpload, RowCounts, ServerReport, ServerStatus, SourceFile, Store,
};
use mb_schema::UploadKind;

fn write(path: &std::path::Path, rows: std::ops::Range<u64>) -> std::io::Result<()> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(f, "ClientId,Target,DateTime,Price,Currency")?;
    for i in rows {
        writeln!(
            f,
            "1770{i:014}{},offline_paid,{},{}.50,RUB",
            1 + i % 9,
            1_794_000_000 + i,
            100 + i % 900
        )?;
    }
    f.flush()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path().join("bench.sqlite"))?;
    let first = dir.path().join("first.csv");
    let grown = dir.path().join("grown.csv");
    let out = dir.path().join("new.csv");
    write(&first, 0..rows)?;
    write(&grown, 0..rows + rows / 10)?;
    let mut lines = Vec::new();

    let u = store.record_prepared(&NewUpload {
        account_login: "bench".into(),
        counter_id: 1,
        kind: UploadKind::Conversions,
        source: SourceFile::from_path(&first)?,
        prepared_sha256: None,
        mapping_template_id: None,
        mapping: None,
        rows: RowCounts {
            rows,
            valid: rows,
            rejected: 0,
        },
        issues: IssueCounts::default(),
        merge_mode: None,
        options: None,
    })?;
    let t = Instant::now();
    mb_uploader::ledger::stage_file(&store, u.id, UploadKind::Conversions, &first)?;
    store.mark_sending(u.id)?;
    let report = ServerReport {
        status: ServerStatus::parse("PROCESSED"),
        ..Default::default()
    };
    store.mark_sent(u.id, "1", &report)?;
    let e = t.elapsed();
    lines.push(format!(
        "commit from the prepared file (read + hash + stage + confirm) {rows} rows: {e:?} \
         ({:.0} rows/s)",
        rows as f64 / e.as_secs_f64()
    ));

    let t = Instant::now();
    let mb_uploader::ledger::Filtered {
        written, skipped, ..
    } = {
        let verdicts =
            mb_uploader::ledger::verdicts_of_file(&store, 1, UploadKind::Conversions, &grown)?;
        mb_uploader::ledger::filter_file(verdicts, UploadKind::Conversions, &grown, &out)?
    };
    let e = t.elapsed();
    let total = written + skipped;
    lines.push(format!(
        "filter a grown export (read + hash + verdicts + write the new rows) {total} rows, \
         {written} new: {e:?} ({:.0} rows/s)",
        total as f64 / e.as_secs_f64()
    ));

    let bench = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench-out");
    std::fs::create_dir_all(&bench)?;
    let text = format!(
        "mb-uploader only-new rows on prepared files ({rows} rows, conversions)\n{}\n",
        lines.join("\n")
    );
    std::fs::write(bench.join("ledger-files.txt"), &text)?;
    print!("{text}");
    Ok(())
}
