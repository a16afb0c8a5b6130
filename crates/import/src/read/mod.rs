//! Reading a source file: bytes on disk → rows with exact physical positions.
//!
//! Owns: file-format detection by magic bytes, text encodings (detected, reported, overridable,
//! transcoded as a stream), delimiter and header sniffing, CSV parsing that reports broken
//! quoting at the physical line where it starts, and workbooks through calamine.
//!
//! Deliberately does not: map columns, judge or normalise values, or build user-facing text.
//! Malformed input is data ([`Malformed`]); [`ReadError`] means the file itself cannot be read.

mod csv_source;
mod encoding;
pub use encoding::ENCODINGS;
mod excel;
mod sniff;

use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use serde::{Deserialize, Serialize};

use csv_source::{CountingReader, CsvSource};
use encoding::{DecodingReader, SNIFF_BYTES};
use excel::ExcelSource;

/// What the caller may force instead of letting the reader guess.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReadOptions {
    /// An encoding_rs label: "windows-1251", "utf-16le", "koi8-r", "utf-8"…
    pub encoding: Option<String>,
    pub delimiter: Option<u8>,
    /// 1-based physical line (sheet row) of the header row.
    pub header_line: Option<u64>,
    /// Workbook sheet name; default: the first sheet with data.
    pub sheet: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    Csv,
    Xlsx,
    Xls,
    Ods,
}

/// What the reader found out about a source.
#[derive(Debug, Clone, Serialize)]
pub struct SourceInfo {
    pub format: SourceFormat,
    /// Canonical encoding_rs name ("UTF-8", "windows-1251", "UTF-16LE"…); "UTF-8" for workbooks.
    pub encoding: String,
    pub bom: bool,
    /// False when the encoding was forced by [`ReadOptions::encoding`].
    pub encoding_detected: bool,
    /// None for workbooks.
    pub delimiter: Option<char>,
    /// 1-based physical line (sheet row) of the header.
    pub header_line: u64,
    /// Trimmed, BOM stripped, empty trailing columns dropped.
    pub headers: Vec<String>,
    /// Non-blank lines above the header, as text.
    pub preamble: Vec<String>,
    /// All sheet names of a workbook; empty for CSV.
    pub sheets: Vec<String>,
    pub sheet: Option<String>,
    pub file_size: u64,
}

/// What a cell held in the file: text as typed (every cell of a text file), or a value a
/// workbook typed (a number, a date…) that the reader wrote as text. A number cell's `1.500` is
/// one and a half; a text cell's `1.500` may be a thousand five hundred.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CellKind {
    #[default]
    Text,
    Number,
    Date,
    DateTime,
    Time,
    Duration,
    Bool,
    Error,
}

/// One data record. `line`: 1-based physical line where it starts (as an editor shows it, or
/// the sheet row); `record`: 1-based data record number, header excluded.
///
/// The cells live in one text buffer (for CSV: the physical line itself, handed over without a
/// copy) with a (start, end) byte range per cell.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub line: u64,
    pub record: u64,
    text: String,
    bounds: Vec<(u32, u32)>,
    /// The record had fewer fields than the header (CSV only; a workbook's empty trailing
    /// cells are just empty).
    short: bool,
    /// A line of the record was UTF-8 in a file read in a single-byte code page, and was read
    /// as UTF-8 (CSV only).
    recoded: bool,
    /// The workbook's kinds of the cells up to the last typed one (a text file's rows keep
    /// none: every cell is text).
    kinds: Vec<CellKind>,
}

impl Row {
    pub fn new() -> Row {
        Row::default()
    }

    /// The cell at `i`, or "" when the row is shorter.
    #[inline]
    pub fn get(&self, i: usize) -> &str {
        match self.bounds.get(i) {
            Some(&(a, b)) => &self.text[a as usize..b as usize],
            None => "",
        }
    }

    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// The cells in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.bounds
            .iter()
            .map(|&(a, b)| &self.text[a as usize..b as usize])
    }

    /// True when every cell is empty or whitespace.
    pub fn is_blank(&self) -> bool {
        self.iter().all(|f| f.trim().is_empty())
    }

    /// Removes every cell.
    pub fn clear(&mut self) {
        self.text.clear();
        self.bounds.clear();
        self.kinds.clear();
    }

    /// Appends a cell of a workbook with the kind of value it held.
    pub fn push_typed(&mut self, cell: &str, kind: CellKind) {
        if kind != CellKind::Text {
            self.kinds.resize(self.bounds.len(), CellKind::Text);
            self.kinds.push(kind);
        }
        self.push_field(cell);
    }

    /// What the cell at `i` held ([`CellKind::Text`] for a text file's cells).
    #[inline]
    pub fn kind(&self, i: usize) -> CellKind {
        self.kinds.get(i).copied().unwrap_or_default()
    }

    /// Appends a cell.
    pub fn push_field(&mut self, cell: &str) {
        let start = self.text.len();
        self.text.push_str(cell);
        self.bounds.push((start as u32, self.text.len() as u32));
    }

    /// Whether the record had fewer fields than the header: the missing cells read as empty,
    /// but the row may be the first half of one split by a line break inside a cell.
    pub fn is_short(&self) -> bool {
        self.short
    }

    /// See the `recoded` field: a line of this record was UTF-8 in a code-page file.
    pub fn is_recoded(&self) -> bool {
        self.recoded
    }

    /// Keeps the first `n` cells.
    pub fn truncate(&mut self, n: usize) {
        self.bounds.truncate(n);
        self.kinds.truncate(n);
    }
}

/// A record the reader refuses to guess about.
#[derive(Debug, Clone, Serialize)]
pub struct Malformed {
    pub line: u64,
    pub record: u64,
    /// Header name of the column where the problem is, when it is known.
    pub column: Option<String>,
    pub kind: MalformedKind,
    /// The offending physical line, whole (the rejected-rows file keeps it); shown cut to
    /// [`Malformed::SHOWN`] characters.
    pub text: String,
    /// The cell the problem is in, as written, when it is known (a stray quote's): what a
    /// report shows instead of the line.
    pub cell: Option<String>,
}

impl Malformed {
    /// How much of the line a report shows.
    pub const SHOWN: usize = 200;

    /// What a report shows: the cell when known, else the line; its first
    /// [`Malformed::SHOWN`] characters.
    pub fn shown(&self) -> String {
        self.cell
            .as_deref()
            .unwrap_or(&self.text)
            .chars()
            .take(Self::SHOWN)
            .collect()
    }
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MalformedKind {
    UnclosedQuote,
    StrayQuote,
    /// Bytes that the (detected or forced) encoding cannot decode.
    BadEncoding,
    TooManyFields,
    /// A spreadsheet row with a value right of the header's last column (`cell` holds it).
    CellsPastHeader,
    /// NUL characters in the line (binary junk after the sniffed start of the file).
    NulByte,
}

#[derive(Debug)]
pub enum ReadEvent {
    /// The `&mut Row` passed to [`RowSource::next_event`] was filled.
    Row,
    Malformed(Malformed),
}

/// A stream of rows from one source.
pub trait RowSource: Send {
    fn info(&self) -> &SourceInfo;
    /// `Ok(None)` at end of input. Blank lines are skipped (never yielded).
    fn next_event(&mut self, row: &mut Row) -> Result<Option<ReadEvent>, ReadError>;
    /// Bytes of the source consumed so far (for progress bars).
    fn bytes_read(&self) -> u64;
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path:?}")]
    Io {
        path: Option<PathBuf>,
        #[source]
        source: io::Error,
    },
    #[error("the source is empty")]
    Empty,
    #[error("no header row found")]
    NoHeader,
    #[error("unknown encoding label {0:?}")]
    UnknownEncoding(String),
    #[error("unusable delimiter byte {0}")]
    BadDelimiter(u8),
    #[error("workbook error: {0}")]
    Excel(String),
    /// The workbook reader gave up on a damaged file.
    #[error("damaged workbook")]
    DamagedWorkbook,
    /// A workbook past the reader's budgets: more than 1.5 million cells, 48 MiB of cell
    /// text, 1.5 million shared strings, a cell over 1 MiB, or a file over 64 MiB (32 MiB for
    /// .xls). Memory stays bounded; CSV has no such limit.
    #[error(
        "the workbook is too large to read safely (over 1.5 million cells, 48 MB of text or \
         a file over 64 MB, 32 MB for .xls); save the sheet as CSV"
    )]
    WorkbookTooLarge,
    #[error("sheet {0:?} not found")]
    SheetNotFound(String),
    #[error("not a text or spreadsheet file")]
    NotText,
    /// A physical line too long to be a table row (64 MiB).
    #[error("line {line} is too long")]
    LineTooLong { line: u64 },
}

/// Opens a file for streaming. CSV sources are read with bounded memory whatever their size.
pub fn open(path: &Path, opts: &ReadOptions) -> Result<Box<dyn RowSource>, ReadError> {
    let io_err = |source| ReadError::Io {
        path: Some(path.to_owned()),
        source,
    };
    // Only regular files: a FIFO or a device would block here forever.
    let mut file = mb_schema::fs::open_regular(path).map_err(io_err)?;
    let file_size = file.metadata().map_err(io_err)?.len();
    let mut prefix = Vec::with_capacity(SNIFF_BYTES);
    (&mut file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut prefix)
        .map_err(io_err)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    open_stream(prefix, Box::new(file), file_size, name, opts).map_err(|e| match e {
        ReadError::Io { path: None, source } => io_err(source),
        e => e,
    })
}

/// Reads from memory: for tests, fuzzing and previews.
pub fn open_bytes(
    mut bytes: Vec<u8>,
    file_name: &str,
    opts: &ReadOptions,
) -> Result<Box<dyn RowSource>, ReadError> {
    let file_size = bytes.len() as u64;
    let rest = bytes.split_off(bytes.len().min(SNIFF_BYTES));
    open_stream(
        bytes,
        Box::new(Cursor::new(rest)),
        file_size,
        file_name,
        opts,
    )
}

/// The first rows of a source, for the mapping screen.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub info: SourceInfo,
    /// (line, record, cells)
    pub rows: Vec<(u64, u64, Vec<String>)>,
    /// Per row of `rows`, the kind of each cell (all [`CellKind::Text`] for a text file).
    pub kinds: Vec<Vec<CellKind>>,
    pub malformed: Vec<Malformed>,
    /// More rows follow.
    pub truncated: bool,
}

/// Reads only as much of the source as `max_rows` rows need.
pub fn preview(path: &Path, opts: &ReadOptions, max_rows: usize) -> Result<Preview, ReadError> {
    let mut source = open(path, opts)?;
    preview_source(source.as_mut(), max_rows)
}

/// [`preview`] over an already opened source.
pub fn preview_source(source: &mut dyn RowSource, max_rows: usize) -> Result<Preview, ReadError> {
    let mut row = Row::new();
    let mut rows = Vec::new();
    let mut kinds = Vec::new();
    let mut malformed = Vec::new();
    let mut truncated = false;
    while let Some(event) = source.next_event(&mut row)? {
        if rows.len() + malformed.len() >= max_rows {
            truncated = true;
            break;
        }
        match event {
            ReadEvent::Row => {
                rows.push((
                    row.line,
                    row.record,
                    row.iter().map(str::to_owned).collect(),
                ));
                kinds.push((0..row.len()).map(|i| row.kind(i)).collect());
            }
            ReadEvent::Malformed(m) => malformed.push(m),
        }
    }
    Ok(Preview {
        info: source.info().clone(),
        rows,
        kinds,
        malformed,
        truncated,
    })
}

/// `prefix` holds the first bytes of the source (up to [`SNIFF_BYTES`]); `rest` the others.
fn open_stream(
    prefix: Vec<u8>,
    rest: Box<dyn Read + Send>,
    file_size: u64,
    name: &str,
    opts: &ReadOptions,
) -> Result<Box<dyn RowSource>, ReadError> {
    let io_err = |source| ReadError::Io { path: None, source };
    if prefix.is_empty() {
        return Err(ReadError::Empty);
    }
    if prefix.starts_with(b"PK\x03\x04") || prefix.starts_with(&OLE_MAGIC) {
        // The file is held whole while calamine reads it: refuse a huge one before reading it.
        if file_size > excel::FILE_MAX {
            return Err(ReadError::WorkbookTooLarge);
        }
        let mut bytes = prefix;
        rest.take(excel::FILE_MAX + 1)
            .read_to_end(&mut bytes)
            .map_err(io_err)?;
        if bytes.len() as u64 > excel::FILE_MAX {
            return Err(ReadError::WorkbookTooLarge);
        }
        let format = workbook_format(&bytes, name).ok_or(ReadError::NotText)?;
        // calamine can panic on damaged files; a damaged file is an error, not a crash.
        let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            ExcelSource::open(bytes, format, opts)
        }));
        return match opened {
            Ok(source) => Ok(Box::new(source?)),
            Err(_) => Err(ReadError::DamagedWorkbook),
        };
    }
    if let Some(d) = opts.delimiter
        && (d >= 0x80 || matches!(d, b'"' | b'\r' | b'\n'))
    {
        return Err(ReadError::BadDelimiter(d));
    }
    let whole = prefix.len() as u64 >= file_size || prefix.len() < SNIFF_BYTES;
    let det = encoding::detect(&prefix, whole, opts.encoding.as_deref())
        .map_err(ReadError::UnknownEncoding)?;
    let mut text =
        encoding::recode_utf8_lines(det.encoding, encoding::decode_prefix(&det, &prefix, whole));
    if looks_binary(&text) || is_document(&prefix) {
        return Err(ReadError::NotText);
    }
    if !whole && let Some(cut) = text.rfind(['\n', '\r']) {
        text.truncate(cut + 1);
    }
    let sniffed = sniff::sniff_text(&text, opts.delimiter, opts.header_line)?;
    let info = SourceInfo {
        format: SourceFormat::Csv,
        encoding: det.encoding.name().to_owned(),
        bom: det.bom_len > 0,
        encoding_detected: det.detected,
        delimiter: Some(char::from(sniffed.delimiter)),
        header_line: sniffed.header_line,
        headers: sniffed.headers.clone(),
        preamble: sniffed.preamble,
        sheets: Vec::new(),
        sheet: None,
        file_size,
    };
    let count = Arc::new(AtomicU64::new(0));
    let mut stream = CountingReader {
        inner: Cursor::new(prefix).chain(rest),
        count: Arc::clone(&count),
    };
    io::copy(&mut (&mut stream).take(det.bom_len as u64), &mut io::sink()).map_err(io_err)?;
    let utf8 = det.encoding == encoding_rs::UTF_8;
    let stream: Box<dyn BufRead + Send> = if utf8 {
        Box::new(BufReader::with_capacity(64 * 1024, stream))
    } else {
        Box::new(DecodingReader::new(stream, det.encoding))
    };
    Ok(Box::new(CsvSource::new(
        info,
        sniffed.header_end,
        stream,
        (!utf8).then_some(det.encoding),
        count,
    )?))
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Which workbook a zip or OLE container holds; by content first, then by extension.
fn workbook_format(bytes: &[u8], name: &str) -> Option<SourceFormat> {
    if bytes.starts_with(&OLE_MAGIC) {
        return Some(SourceFormat::Xls);
    }
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    if has(b"application/vnd.oasis.opendocument.spreadsheet") {
        return Some(SourceFormat::Ods);
    }
    if has(b"xl/workbook") {
        return Some(SourceFormat::Xlsx);
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("xlsx" | "xlsm") => Some(SourceFormat::Xlsx),
        Some("ods") => Some(SourceFormat::Ods),
        _ => None,
    }
}

/// Binary junk: NUL bytes or many control characters in what should be text.
/// A PDF or RTF document: text at its start, but no table (a PDF whose stream is plain text
/// would otherwise be «read» as a one-column CSV).
fn is_document(prefix: &[u8]) -> bool {
    prefix.starts_with(b"%PDF-") || prefix.starts_with(b"{\\rtf")
}

fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(SNIFF_BYTES) {
        total += 1;
        if c == '\0' {
            return true;
        }
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c') {
            control += 1;
        }
    }
    control * 20 > total
}
