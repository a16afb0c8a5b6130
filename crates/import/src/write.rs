//! Output files: the Metrica-ready CSV (UTF-8, canonical headers, streamed, split into
//! `out.csv`, `out.part2.csv`, … under a byte limit, each with the header) and the
//! rejected-rows file for Russian Excel (UTF-8 BOM, `;`, CRLF, `Строка` and `Причина`
//! columns, formula injection neutralised).
//!
//! Does NOT decide which rows are valid ([`crate::validate`]) nor upload anything.

use crate::validate::ImportError;
use mb_schema::{DelimiterType, MAX_UPLOAD_BYTES, UploadKind};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Where and how to write the Metrica CSV.
#[derive(Debug, Clone)]
pub struct OutputSpec {
    /// First part's path (`out.csv`); later parts are `out.part2.csv`, …
    pub path: PathBuf,
    /// Byte limit per part (default [`MAX_UPLOAD_BYTES`]).
    pub max_bytes: u64,
    /// CRM kinds only; `None` = comma for simple orders and contacts, semicolon for detailed
    /// orders (products and goals hold commas). Conversions and calls are always comma.
    pub delimiter: Option<DelimiterType>,
    /// Rejected-rows file for Excel (written only when some row is rejected).
    pub rejected_path: Option<PathBuf>,
    /// Language of the rejected-rows file's reasons (default Russian).
    pub lang: crate::messages::Lang,
    /// Write the Metrica CSV (false: only the rejected-rows file, see
    /// [`OutputSpec::rejected_only`]).
    pub metrica: bool,
}

impl OutputSpec {
    pub fn new(path: impl Into<PathBuf>) -> OutputSpec {
        OutputSpec {
            path: path.into(),
            max_bytes: MAX_UPLOAD_BYTES,
            delimiter: None,
            rejected_path: None,
            lang: crate::messages::Lang::Ru,
            metrica: true,
        }
    }

    /// Only the rejected-rows file (a check before sending: the user can read why rows are
    /// left out without a Metrica CSV being written).
    pub fn rejected_only(rejected: impl Into<PathBuf>) -> OutputSpec {
        let rejected = rejected.into();
        OutputSpec {
            metrica: false,
            rejected_path: Some(rejected.clone()),
            ..OutputSpec::new(rejected)
        }
    }

    /// The delimiter actually used for `kind`.
    pub fn delimiter_for(&self, kind: UploadKind) -> DelimiterType {
        if !kind.is_crm() {
            return DelimiterType::Comma;
        }
        self.delimiter.unwrap_or(if kind == UploadKind::Orders {
            DelimiterType::Semicolon
        } else {
            DelimiterType::Comma
        })
    }
}

/// Path of part `n` (1-based): `out.csv`, `out.part2.csv`, …
pub fn part_path(first: &Path, n: usize) -> PathBuf {
    if n <= 1 {
        return first.to_path_buf();
    }
    let stem = first.file_stem().and_then(|s| s.to_str()).unwrap_or("out");
    let name = match first.extension().and_then(|e| e.to_str()) {
        Some(ext) => format!("{stem}.part{n}.{ext}"),
        None => format!("{stem}.part{n}"),
    };
    first.with_file_name(name)
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> ImportError + '_ {
    move |source| ImportError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Bytes collected before one `write` to the current part.
const OUT_BUF: usize = 64 * 1024;

/// Streams rows into Metrica CSV parts.
pub struct MetricaWriter {
    first: PathBuf,
    max_bytes: u64,
    delimiter: u8,
    header: Vec<u8>,
    /// Encoded rows not yet written to `file` (rows are encoded straight into it).
    buf: Vec<u8>,
    file: Option<File>,
    written: u64,
    parts: Vec<PathBuf>,
}

impl MetricaWriter {
    pub fn create(
        spec: &OutputSpec,
        kind: UploadKind,
        headers: &[&str],
    ) -> Result<MetricaWriter, ImportError> {
        let delimiter = spec.delimiter_for(kind).byte();
        let mut header = Vec::new();
        encode_record(headers, delimiter, &mut header);
        let mut w = MetricaWriter {
            first: spec.path.clone(),
            max_bytes: spec.max_bytes.max(header.len() as u64 + 1),
            delimiter,
            header,
            buf: Vec::with_capacity(OUT_BUF + 4096),
            file: None,
            written: 0,
            parts: Vec::new(),
        };
        w.open_part()?;
        Ok(w)
    }

    /// Write `buf[..end]` to the current part and drop it from `buf`.
    fn flush_buf(&mut self, end: usize) -> Result<(), ImportError> {
        if end == 0 {
            return Ok(());
        }
        if let Some(f) = self.file.as_mut() {
            let p = self
                .parts
                .last()
                .map_or(self.first.as_path(), PathBuf::as_path);
            f.write_all(&self.buf[..end]).map_err(write_err(p))?;
        }
        self.buf.drain(..end);
        Ok(())
    }

    fn open_part(&mut self) -> Result<(), ImportError> {
        let path = part_path(&self.first, self.parts.len() + 1);
        let file = File::create(&path).map_err(write_err(&path))?;
        self.file = Some(file);
        self.parts.push(path);
        // The header goes in front of whatever is buffered for the new part.
        self.buf.splice(0..0, self.header.iter().copied());
        self.written = self.header.len() as u64;
        Ok(())
    }

    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Write one row of output cells (same order as the headers).
    pub fn write_row<S: AsRef<[u8]>>(&mut self, cells: &[S]) -> Result<(), ImportError> {
        let start = self.buf.len();
        encode_record(cells, self.delimiter, &mut self.buf);
        self.written_row(start)
    }

    /// Write one row already encoded by [`encode_record`] with [`MetricaWriter::delimiter`].
    pub fn write_encoded(&mut self, row: &[u8]) -> Result<(), ImportError> {
        let start = self.buf.len();
        self.buf.extend_from_slice(row);
        self.written_row(start)
    }

    /// Account for the row appended to `buf` at `start`: part split, flush.
    fn written_row(&mut self, start: usize) -> Result<(), ImportError> {
        let len = (self.buf.len() - start) as u64;
        if self.written + len > self.max_bytes && self.written > self.header.len() as u64 {
            // The row starts the next part: everything before it belongs to this one.
            self.flush_buf(start)?;
            self.open_part()?;
        }
        self.written += len;
        if self.buf.len() >= OUT_BUF {
            self.flush_buf(self.buf.len())?;
        }
        Ok(())
    }

    /// Flush and return the parts written.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, ImportError> {
        self.flush_buf(self.buf.len())?;
        self.file = None;
        Ok(self.parts)
    }
}

/// RFC 4180 encoding of one record, LF-terminated: a field is quoted when it holds the
/// delimiter, a quote or a line break (so multi-value lists are quoted with the comma).
pub fn encode_record<S: AsRef<[u8]>>(cells: &[S], delimiter: u8, out: &mut Vec<u8>) {
    // Common case first: join the cells, then check the whole row at once (SIMD memchr).
    // No cell needs quotes iff the row holds no quote or line break and exactly one
    // delimiter between each two cells.
    let start = out.len();
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(delimiter);
        }
        out.extend_from_slice(c.as_ref());
    }
    let row = &out[start..];
    if memchr::memchr3(b'"', b'\n', b'\r', row).is_none()
        && count_byte(row, delimiter) + 1 == cells.len().max(1)
    {
        out.push(b'\n');
        return;
    }
    out.truncate(start);
    encode_quoting(cells, delimiter, out);
}

/// [`encode_record`] cell by cell, quoting the cells that need it.
fn encode_quoting<S: AsRef<[u8]>>(cells: &[S], delimiter: u8, out: &mut Vec<u8>) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(delimiter);
        }
        let c = c.as_ref();
        if needs_quotes(c, delimiter) {
            out.push(b'"');
            for &b in c {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(c);
        }
    }
    out.push(b'\n');
}

/// How many bytes of `row` equal `b`: eight bytes at a time (rows are short; this beats a
/// vectorised count's set-up).
fn count_byte(row: &[u8], b: u8) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let pattern = LO * u64::from(b);
    let mut n = 0;
    let mut chunks = row.chunks_exact(8);
    for c in &mut chunks {
        let y = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) ^ pattern;
        // High bit set exactly in the zero bytes of `y` (no carries between bytes).
        n += (!(((y & LOW7) + LOW7) | y) & HI).count_ones() as usize;
    }
    n + chunks.remainder().iter().filter(|&&c| c == b).count()
}

/// Whether `cell` holds the delimiter, a quote or a line break: eight bytes at a time.
fn needs_quotes(cell: &[u8], delimiter: u8) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // Exact "some byte of x equals b" test (the classic has-zero-byte trick on x ^ b…b).
    let has = |x: u64, b: u8| {
        let y = x ^ (LO * u64::from(b));
        y.wrapping_sub(LO) & !y & HI != 0
    };
    let special = |b: u8| b == delimiter || b == b'"' || b == b'\n' || b == b'\r';
    let mut chunks = cell.chunks_exact(8);
    for c in &mut chunks {
        let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        if has(x, delimiter) || has(x, b'"') || has(x, b'\n') || has(x, b'\r') {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| special(b))
}

/// `'`-prefix cells Excel would run as a formula: a formula character first, or after
/// characters Excel or LibreOffice skip or show as nothing (spaces, NBSP, zero-width
/// characters, a BOM), and the full-width `＝ ＋ － ＠` that Excel with an East Asian input
/// method reads as `= + - @`.
fn excel_safe(cell: &str, buf: &mut String) -> bool {
    const INVISIBLE: [char; 11] = [
        ' ', '\u{A0}', '\u{2007}', '\u{202F}', '\u{3000}', '\u{200B}', '\u{200C}', '\u{200D}',
        '\u{2060}', '\u{FEFF}', '\u{180E}',
    ];
    const FORMULA: [char; 10] = [
        '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
    ];
    buf.clear();
    if cell.trim_start_matches(INVISIBLE).starts_with(FORMULA) {
        buf.push('\'');
        buf.push_str(cell);
        true
    } else {
        false
    }
}

#[cfg(test)]
mod formula_guard_tests {
    use super::excel_safe;

    #[test]
    fn formulas_behind_invisible_or_full_width_characters_are_defused() {
        let mut buf = String::new();
        for cell in [
            "=1+1",
            " =1+1",
            "\u{A0}=HYPERLINK(\"x\")",
            "\u{200B}=cmd|' /C calc'!A0",
            "\u{FEFF}@SUM(A1)",
            " \u{3000}+1",
            "\u{FF1D}1+1",
            "\u{FF0B}1",
            "\u{FF0D}1",
            "\u{FF20}SUM(A1)",
            "\t=1",
        ] {
            assert!(excel_safe(cell, &mut buf), "{cell:?}");
            assert_eq!(buf, format!("'{cell}"));
        }
        for cell in [
            "offline_paid",
            "ООО «Ромашка»",
            " 42",
            "a=b",
            "\u{A0}text",
            "",
        ] {
            assert!(!excel_safe(cell, &mut buf), "{cell:?}");
        }
    }
}

/// The rejected-rows file: original columns + `Строка` + `Причина`, for Russian Excel.
pub struct RejectedWriter {
    path: PathBuf,
    w: Option<csv::Writer<BufWriter<File>>>,
    headers: Vec<String>,
    buf: Vec<String>,
    rows: u64,
    lang: crate::messages::Lang,
}

impl RejectedWriter {
    /// Column titles (`Строка`, `Причина`) in `lang` (reasons are made by the caller).
    pub fn with_lang(mut self, lang: crate::messages::Lang) -> RejectedWriter {
        self.lang = lang;
        self
    }

    /// Nothing is created until the first rejected row.
    pub fn new(path: &Path, source_headers: &[String]) -> RejectedWriter {
        RejectedWriter {
            path: path.to_path_buf(),
            w: None,
            headers: source_headers.to_vec(),
            buf: Vec::new(),
            rows: 0,
            lang: crate::messages::Lang::Ru,
        }
    }

    fn open(&mut self) -> Result<(), ImportError> {
        let mut file = File::create(&self.path).map_err(write_err(&self.path))?;
        file.write_all(b"\xEF\xBB\xBF")
            .map_err(write_err(&self.path))?;
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(BufWriter::new(file));
        let mut head: Vec<String> = match self.lang {
            crate::messages::Lang::Ru => vec!["Строка".into(), "Причина".into()],
            crate::messages::Lang::En => vec!["Line".into(), "Reason".into()],
        };
        let mut s = String::new();
        for h in &self.headers {
            head.push(if excel_safe(h, &mut s) {
                s.clone()
            } else {
                h.clone()
            });
        }
        w.write_record(&head)
            .map_err(|e| ImportError::Internal(e.to_string()))?;
        self.w = Some(w);
        Ok(())
    }

    /// One rejected source row with its line and `reasons` (sentences, see
    /// [`crate::messages::reason`]).
    pub fn write<'a>(
        &mut self,
        line: u64,
        reasons: &str,
        fields: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), ImportError> {
        if self.w.is_none() {
            self.open()?;
        }
        let mut tmp = String::new();
        self.buf.clear();
        self.buf.push(line.to_string());
        self.buf.push(if excel_safe(reasons, &mut tmp) {
            tmp.clone()
        } else {
            reasons.to_string()
        });
        for f in fields {
            self.buf.push(if excel_safe(f, &mut tmp) {
                tmp.clone()
            } else {
                f.to_string()
            });
        }
        if let Some(w) = self.w.as_mut() {
            w.write_record(&self.buf)
                .map_err(|e| ImportError::Internal(e.to_string()))?;
        }
        self.rows += 1;
        Ok(())
    }

    /// Flush; the path when at least one row was written.
    pub fn finish(mut self) -> Result<Option<PathBuf>, ImportError> {
        match self.w.take() {
            Some(mut w) => {
                w.flush().map_err(write_err(&self.path))?;
                Ok(Some(self.path))
            }
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_check_finds_every_special_byte_at_every_position() {
        for len in 0..20 {
            for pos in 0..len {
                for special in [b',', b'"', b'\n', b'\r'] {
                    let mut cell = vec![b'a'; len];
                    cell[pos] = special;
                    assert!(needs_quotes(&cell, b','), "{len} {pos} {special}");
                }
                let mut cell = vec![0xd0u8; len];
                cell[pos] = b';';
                assert!(!needs_quotes(&cell, b','));
                assert!(needs_quotes(&cell, b';'));
            }
            assert!(!needs_quotes(&vec![b'x'; len], b','));
        }
    }

    #[test]
    fn whole_row_encoding_equals_cell_by_cell_quoting() {
        let pool = [
            "",
            "a",
            "a,b",
            "x\"y",
            "l\nm",
            "r\r",
            "Оплачен",
            "a;b",
            ",",
            "\"\"",
        ];
        for delim in [b',', b';', b'\t', b'|'] {
            for a in pool {
                for b in pool {
                    for cells in [vec![a], vec![a, b], vec![b, a, b], vec![]] {
                        let (mut fast, mut slow) = (Vec::new(), Vec::new());
                        encode_record(&cells, delim, &mut fast);
                        encode_quoting(&cells, delim, &mut slow);
                        assert_eq!(fast, slow, "{cells:?} {delim}");
                    }
                }
            }
        }
    }

    #[test]
    fn counts_a_byte_at_every_position_and_length() {
        for len in 0..40 {
            for step in 1..5 {
                let row: Vec<u8> = (0..len)
                    .map(|i| {
                        if i % step == 0 {
                            b','
                        } else {
                            b'x' + (i % 3) as u8
                        }
                    })
                    .collect();
                let want = row.iter().filter(|&&c| c == b',').count();
                assert_eq!(count_byte(&row, b','), want, "{len} {step}");
                assert_eq!(count_byte(&row, 0xd0), 0);
            }
        }
    }

    #[test]
    fn names_later_parts_after_the_first() {
        let p = Path::new("/tmp/x/out.csv");
        assert_eq!(part_path(p, 1), p);
        assert_eq!(part_path(p, 2), Path::new("/tmp/x/out.part2.csv"));
    }

    #[test]
    fn quotes_multi_value_cells_with_the_comma_delimiter() {
        let dir = tempfile::tempdir().unwrap();
        let spec = OutputSpec::new(dir.path().join("out.csv"));
        let mut w =
            MetricaWriter::create(&spec, UploadKind::SimpleOrders, &["id", "emails"]).unwrap();
        w.write_row(&["A-1", "a@b.ru,c@d.ru"]).unwrap();
        let parts = w.finish().unwrap();
        let text = std::fs::read_to_string(&parts[0]).unwrap();
        assert_eq!(text, "id,emails\nA-1,\"a@b.ru,c@d.ru\"\n");
    }

    #[test]
    fn splits_output_into_parts_under_the_byte_limit_each_with_the_header() {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = OutputSpec::new(dir.path().join("out.csv"));
        spec.max_bytes = 40;
        let mut w =
            MetricaWriter::create(&spec, UploadKind::Conversions, &["ClientId", "Target"]).unwrap();
        for i in 0..10 {
            w.write_row(&[format!("17623450981234567{i:02}"), "x".to_string()])
                .unwrap();
        }
        let parts = w.finish().unwrap();
        assert!(parts.len() > 1);
        let mut rows = 0;
        for p in &parts {
            let text = std::fs::read_to_string(p).unwrap();
            assert!(text.len() <= 40, "{}", text.len());
            assert!(text.starts_with("ClientId,Target\n"));
            rows += text.lines().count() - 1;
        }
        assert_eq!(rows, 10);
        assert_eq!(parts[1].file_name().unwrap(), "out.part2.csv");
    }

    #[test]
    fn detailed_orders_default_to_semicolon() {
        let spec = OutputSpec::new("x.csv");
        assert_eq!(
            spec.delimiter_for(UploadKind::Orders),
            DelimiterType::Semicolon
        );
        assert_eq!(
            spec.delimiter_for(UploadKind::SimpleOrders),
            DelimiterType::Comma
        );
        let mut s2 = spec.clone();
        s2.delimiter = Some(DelimiterType::Semicolon);
        assert_eq!(
            s2.delimiter_for(UploadKind::Conversions),
            DelimiterType::Comma
        );
    }

    #[test]
    fn rejected_file_opens_cleanly_in_russian_excel() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("rejected.csv");
        let mut w = RejectedWriter::new(&p, &["ClientId".into(), "Price".into()]);
        w.write(
            3,
            "future_datetime DateTime=1893456000",
            ["=HYPERLINK(\"x\")", "-5"],
        )
        .unwrap();
        assert_eq!(w.finish().unwrap().as_deref(), Some(p.as_path()));
        let bytes = std::fs::read(&p).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "Строка;Причина;ClientId;Price");
        assert_eq!(
            lines[1],
            "3;future_datetime DateTime=1893456000;\"'=HYPERLINK(\"\"x\"\")\";'-5"
        );
    }

    #[test]
    fn rejected_file_is_not_created_without_rejected_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("rejected.csv");
        let w = RejectedWriter::new(&p, &["a".into()]);
        assert_eq!(w.finish().unwrap(), None);
        assert!(!p.exists());
    }
}
