//! Workbooks (.xlsx, .xls, .ods through calamine) as rows: sheet choice, header detection on
//! sheet rows, and cell values rendered as the user sees them (dates as ISO text, integers
//! without `.0`, no scientific notation, text cells untouched). A sheet is held as its used
//! cells row by row, never as a dense rectangle; containers are checked ([`container`]) before
//! calamine sees them, so a damaged or hostile file is `DamagedWorkbook`, not an abort.
//!
//! Deliberately not here: streaming (a sheet is loaded whole, as calamine does), formulas,
//! styles, and any interpretation beyond the text a cell shows.

mod container;

pub(crate) use container::FILE_MAX;

use std::io::Cursor;

use calamine::{Data, DataRef, Ods, Range, Reader, Xls, Xlsx, XlsxError};

use super::sniff::{clean_headers, effective_len, find_header, is_blank};
use super::{
    Malformed, MalformedKind, ReadError, ReadEvent, ReadOptions, Row, RowSource, SourceFormat,
    SourceInfo,
};

const SAMPLE_ROWS: usize = 200;
const XLSX_MAX_ROWS: u32 = 1_048_576;
const XLSX_MAX_COLUMNS: u32 = 16_384;
const TEXT_LIMIT: usize = 200;

pub(crate) struct ExcelSource {
    info: SourceInfo,
    cells: SheetCells,
    /// Index in `cells.rows` of the next row to yield.
    next: usize,
    ncols: usize,
    record: u64,
}

/// The non-empty cells of a sheet, row by row: never a dense rectangle, whose size one far
/// cell (say XFD1048576 in an otherwise small sheet) would decide.
#[derive(Debug, Default)]
struct SheetCells {
    /// (0-based sheet row, cells as (column counted from the leftmost used column, value)),
    /// rows ascending, columns ascending within a row.
    rows: Vec<(u32, Vec<(u32, Data)>)>,
}

/// Counts a sheet's cells and text while it loads; past [`container::CELL_BUDGET`] cells or
/// [`container::TEXT_BUDGET`] bytes of text the workbook is refused.
#[derive(Debug, Default)]
struct Budget {
    cells: u64,
    text: u64,
}

impl Budget {
    fn take(&mut self, value: &Data) -> Result<(), ReadError> {
        self.cells += 1;
        self.text += match value {
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.len() as u64,
            _ => 0,
        };
        if self.cells > container::CELL_BUDGET || self.text > container::TEXT_BUDGET {
            tracing::debug!(cells = self.cells, text = self.text, "workbook over budget");
            return Err(ReadError::WorkbookTooLarge);
        }
        Ok(())
    }
}

impl SheetCells {
    /// Appends a cell read in sheet order (rows ascending, columns ascending within a row);
    /// `false` when it comes out of order (the caller then sorts everything once at the end).
    fn push_in_order(&mut self, r: u32, c: u32, v: Data) -> bool {
        match self.rows.last_mut() {
            Some((row, cells)) if *row == r => {
                let ordered = cells.last().is_none_or(|&(last, _)| last < c);
                cells.push((c, v));
                ordered
            }
            Some((row, cells)) => {
                // A finished row keeps no spare capacity (short rows would double in size).
                cells.shrink_to_fit();
                let ordered = *row < r;
                self.rows.push((r, vec![(c, v)]));
                ordered
            }
            None => {
                self.rows.push((r, vec![(c, v)]));
                true
            }
        }
    }

    /// Shifts columns so that the leftmost used one is 0 (after [`SheetCells::push_in_order`]).
    fn shift_to_first_column(&mut self) {
        let first = self
            .rows
            .iter()
            .filter_map(|(_, cells)| cells.first().map(|&(c, _)| c))
            .min()
            .unwrap_or(0);
        for (_, cells) in &mut self.rows {
            for (c, _) in cells.iter_mut() {
                *c -= first;
            }
        }
    }

    fn from_cells(mut cells: Vec<(u32, u32, Data)>) -> SheetCells {
        cells.retain(|(_, _, v)| !matches!(v, Data::Empty));
        cells.sort_by_key(|&(r, c, _)| (r, c));
        let first_col = cells.iter().map(|&(_, c, _)| c).min().unwrap_or(0);
        let mut rows: Vec<(u32, Vec<(u32, Data)>)> = Vec::new();
        for (r, c, v) in cells {
            match rows.last_mut() {
                Some((row, row_cells)) if *row == r => row_cells.push((c - first_col, v)),
                _ => rows.push((r, vec![(c - first_col, v)])),
            }
        }
        SheetCells { rows }
    }

    fn from_range(range: &Range<Data>) -> Result<SheetCells, ReadError> {
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut budget = Budget::default();
        let mut cells = Vec::new();
        for (r, c, v) in range.used_cells() {
            if !matches!(v, Data::Empty) {
                budget.take(v)?;
                cells.push((r0 + r as u32, c0 + c as u32, v.clone()));
            }
        }
        Ok(SheetCells::from_cells(cells))
    }

    fn has_text(&self) -> bool {
        self.rows
            .iter()
            .flat_map(|(_, cells)| cells)
            .any(|(_, v)| !cell_text(v).trim().is_empty())
    }

    /// Row `k` as text, from the leftmost used column to the row's last cell.
    fn row_text(&self, k: usize) -> Vec<String> {
        let cells = &self.rows[k].1;
        let width = cells.last().map_or(0, |&(c, _)| c as usize + 1);
        let mut out = vec![String::new(); width];
        for (c, v) in cells {
            out[*c as usize] = cell_text(v);
        }
        out
    }
}

fn excel_err(e: impl std::fmt::Display) -> ReadError {
    ReadError::Excel(e.to_string())
}

/// The sheet to read: the one asked for (exact name, then trimmed and case-insensitive), or
/// the first sheet (in order) with a cell that shows text.
fn choose_sheet(
    names: &[String],
    sheet: Option<&str>,
    mut load: impl FnMut(&str) -> Result<SheetCells, ReadError>,
) -> Result<(String, SheetCells), ReadError> {
    if let Some(wanted) = sheet {
        let name = names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.trim().eq_ignore_ascii_case(wanted.trim()))
            })
            .cloned()
            .ok_or_else(|| ReadError::SheetNotFound(wanted.to_owned()))?;
        let cells = load(&name)?;
        return Ok((name, cells));
    }
    for name in names {
        let cells = load(name)?;
        if cells.has_text() {
            return Ok((name.clone(), cells));
        }
    }
    Err(ReadError::Empty)
}

/// Sheet names and the chosen sheet's cells (.xls, .ods: calamine builds the sheet itself).
fn load<R: Reader<Cursor<Vec<u8>>>>(
    bytes: Vec<u8>,
    sheet: Option<&str>,
) -> Result<(Vec<String>, String, SheetCells), ReadError>
where
    R::Error: std::fmt::Display,
{
    let mut book = R::new(Cursor::new(bytes)).map_err(excel_err)?;
    let names = book.sheet_names();
    let (name, cells) = choose_sheet(&names, sheet, |name| {
        let range = book.worksheet_range(name).map_err(excel_err)?;
        SheetCells::from_range(&range)
    })?;
    Ok((names, name, cells))
}

/// .xlsx through calamine's cell reader: calamine's own `worksheet_range` allocates the whole
/// bounding rectangle of the used cells (17 billion cells for one at XFD1048576).
fn load_xlsx(
    bytes: Vec<u8>,
    sheet: Option<&str>,
) -> Result<(Vec<String>, String, SheetCells), ReadError> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(excel_err)?;
    let names = book.sheet_names();
    let (name, cells) = choose_sheet(&names, sheet, |name| {
        let mut reader = match book.worksheet_cells_reader(name) {
            Ok(reader) => reader,
            Err(XlsxError::NotAWorksheet(_)) => return Ok(SheetCells::default()),
            Err(e) => return Err(excel_err(e)),
        };
        // Cells go straight into rows (one copy in memory); cells out of sheet order, which
        // Excel never writes, are sorted once at the end.
        let mut sheet = SheetCells::default();
        let mut ordered = true;
        let mut budget = Budget::default();
        while let Some(cell) = reader.next_cell().map_err(excel_err)? {
            if !matches!(cell.get_value(), DataRef::Empty) {
                let (r, c) = cell.get_position();
                // Excel's own limits; beyond them a row could not be laid out in memory.
                if r >= XLSX_MAX_ROWS || c >= XLSX_MAX_COLUMNS {
                    return Err(ReadError::DamagedWorkbook);
                }
                let value = Data::from(cell.get_value().clone());
                budget.take(&value)?;
                ordered &= sheet.push_in_order(r, c, value);
            }
        }
        if !ordered {
            let cells = std::mem::take(&mut sheet.rows)
                .into_iter()
                .flat_map(|(r, cells)| cells.into_iter().map(move |(c, v)| (r, c, v)))
                .collect();
            return Ok(SheetCells::from_cells(cells));
        }
        sheet.shift_to_first_column();
        Ok(sheet)
    })?;
    Ok((names, name, cells))
}

impl ExcelSource {
    pub(crate) fn open(
        bytes: Vec<u8>,
        format: SourceFormat,
        opts: &ReadOptions,
    ) -> Result<Self, ReadError> {
        let file_size = bytes.len() as u64;
        if file_size > container::FILE_MAX
            || (format == SourceFormat::Xls && file_size > container::XLS_FILE_MAX)
        {
            return Err(ReadError::WorkbookTooLarge);
        }
        // calamine allocates from the container's own tables; a damaged table must not reach it.
        let checked = match format {
            SourceFormat::Xls => container::check_cfb(&bytes),
            _ => container::check_zip(&bytes)
                .and_then(|()| container::check_zip_parts(&bytes, format == SourceFormat::Ods)),
        };
        if let Err(damage) = checked {
            tracing::debug!(?damage, "workbook container refused");
            return Err(match damage {
                container::Damage::TooLarge { .. } => ReadError::WorkbookTooLarge,
                _ => ReadError::DamagedWorkbook,
            });
        }
        let sheet = opts.sheet.as_deref();
        let (sheets, name, sheet_cells) = match format {
            SourceFormat::Xls => load::<Xls<_>>(bytes, sheet)?,
            SourceFormat::Ods => load::<Ods<_>>(bytes, sheet)?,
            _ => load_xlsx(bytes, sheet)?,
        };
        // (index in cells.rows, 1-based sheet row, text)
        let mut sample: Vec<(usize, u64, Vec<String>)> = Vec::new();
        for (k, (r, _)) in sheet_cells.rows.iter().enumerate() {
            let text = sheet_cells.row_text(k);
            if !is_blank(&text) {
                sample.push((k, u64::from(*r) + 1, text));
                if sample.len() >= SAMPLE_ROWS {
                    break;
                }
            }
        }
        if sample.is_empty() {
            return Err(ReadError::Empty);
        }
        let header_k = sample.iter().map(|(k, _, _)| *k).collect::<Vec<_>>();
        let sample: Vec<(u64, Vec<String>)> =
            sample.into_iter().map(|(_, no, text)| (no, text)).collect();
        let idx = match opts.header_line {
            Some(h) => sample
                .iter()
                .position(|(no, _)| *no == h)
                .ok_or(ReadError::NoHeader)?,
            None => {
                let dominant = {
                    // The widest width shared by two rows or more, so that one stray far cell
                    // (a single row thousands of columns wide) does not become the table's width.
                    let widths: Vec<usize> = sample.iter().map(|(_, c)| effective_len(c)).collect();
                    let repeated = widths
                        .iter()
                        .filter(|w| widths.iter().filter(|v| v == w).count() >= 2)
                        .max();
                    repeated.or(widths.iter().max()).copied().unwrap_or(0)
                };
                find_header(&sample, dominant).ok_or(ReadError::NoHeader)?
            }
        };
        let (header_line, cells) = &sample[idx];
        let headers = clean_headers(cells);
        if headers.is_empty() {
            return Err(ReadError::NoHeader);
        }
        let preamble = sample[..idx]
            .iter()
            .map(|(_, c)| {
                let parts: Vec<&str> = c
                    .iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect();
                parts.join(" ")
            })
            .collect();
        let info = SourceInfo {
            format,
            encoding: "UTF-8".to_owned(),
            bom: false,
            encoding_detected: false,
            delimiter: None,
            header_line: *header_line,
            headers,
            preamble,
            sheets,
            sheet: Some(name),
            file_size,
        };
        Ok(ExcelSource {
            ncols: info.headers.len(),
            next: header_k[idx] + 1,
            info,
            cells: sheet_cells,
            record: 0,
        })
    }
}

impl RowSource for ExcelSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn next_event(&mut self, row: &mut Row) -> Result<Option<ReadEvent>, ReadError> {
        while let Some((sheet_row, cells)) = self.cells.rows.get(self.next) {
            self.next += 1;
            row.clear();
            for (c, value) in cells {
                while row.len() < *c as usize {
                    row.push_field("");
                }
                let (text, kind) = typed_cell(value);
                row.push_typed(&text, kind);
            }
            if row.is_blank() {
                continue;
            }
            while row.len() < self.ncols {
                row.push_field("");
            }
            let line = u64::from(*sheet_row) + 1;
            self.record += 1;
            if let Some(past) = row.iter().skip(self.ncols).find(|f| !f.trim().is_empty()) {
                // A sheet has no delimiter to blame: a value stands right of the header's last
                // column (a note, a total, a stray cell far away), said with that value.
                let cell = Some(past.chars().take(TEXT_LIMIT).collect());
                let text: Vec<&str> = row.iter().collect();
                return Ok(Some(ReadEvent::Malformed(Malformed {
                    line,
                    record: self.record,
                    column: None,
                    kind: MalformedKind::CellsPastHeader,
                    text: text.join("\t").chars().take(TEXT_LIMIT).collect(),
                    cell,
                })));
            }
            row.truncate(self.ncols);
            row.line = line;
            row.record = self.record;
            return Ok(Some(ReadEvent::Row));
        }
        Ok(None)
    }

    fn bytes_read(&self) -> u64 {
        let height = self.cells.rows.len().max(1) as u64;
        self.info.file_size * (self.next as u64).min(height) / height
    }
}

/// A cell as the user sees it ([`cell_text`]) and what it held: text typed into it, or a value
/// the workbook typed.
pub(crate) fn typed_cell(cell: &Data) -> (String, super::CellKind) {
    use super::CellKind as K;
    let text = cell_text(cell);
    let kind = match cell {
        Data::Empty | Data::String(_) => K::Text,
        Data::Int(_) | Data::Float(_) => K::Number,
        Data::Bool(_) => K::Bool,
        Data::DateTime(dt) if dt.is_duration() => K::Duration,
        // As `cell_text` wrote it: `13:15:00`, `2026-11-13` or `2026-11-13 13:15:00`.
        Data::DateTime(_) | Data::DateTimeIso(_) => {
            match (text.contains('-'), text.contains(':')) {
                (true, true) => K::DateTime,
                (true, false) => K::Date,
                _ => K::Time,
            }
        }
        Data::DurationIso(_) => K::Duration,
        Data::Error(_) => K::Error,
    };
    (text, kind)
}

#[cfg(test)]
fn cell_kind(cell: &Data) -> super::CellKind {
    typed_cell(cell).1
}

/// A cell as the user sees it in the spreadsheet.
pub(crate) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) if dt.is_duration() => duration_text(dt.as_f64()),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if dt.as_f64() < 1.0 && dt.as_f64() > 0.0 {
                format!("{h:02}:{mi:02}:{s:02}")
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) => iso_text(s),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// Integers without `.0` and never in scientific notation; other numbers rounded to the 15
/// significant digits Excel shows (so `0.1 + 0.2` reads `0.3`).
pub(crate) fn float_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f.fract() == 0.0 {
        // Up to 2^53 a number holds every integer exactly (a 16-digit id a program wrote).
        if f.abs() <= 9_007_199_254_740_992.0 {
            return format!("{}", f as i64);
        }
        // Beyond, the number has lost digits: shown as Excel shows it, 15 significant digits
        // and zeros after them (`1762345098123460000`), which the identifier checks read as
        // Excel's rounding (a 19-digit ClientID is refused, not sent changed).
        let sci = format!("{:.14e}", f.abs());
        let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "15"));
        let exp: usize = exp.parse().unwrap_or(15);
        let mut s = String::with_capacity(exp + 2);
        if f < 0.0 {
            s.push('-');
        }
        s.extend(mant.chars().filter(|c| c.is_ascii_digit()));
        s.extend(std::iter::repeat_n('0', (exp + 1).saturating_sub(15)));
        return s;
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    format!("{rounded}")
}

fn duration_text(days: f64) -> String {
    let total = (days * 86_400.0).round() as i64;
    let sign = if total < 0 { "-" } else { "" };
    let total = total.abs();
    format!(
        "{sign}{}:{:02}:{:02}",
        total / 3600,
        total / 60 % 60,
        total % 60
    )
}

/// `2026-11-10T10:00:00.000` → `2026-11-10 10:00:00`; a midnight time part is dropped.
fn iso_text(s: &str) -> String {
    let Some((date, time)) = s.split_once('T') else {
        return s.to_owned();
    };
    let time = time.split('.').next().unwrap_or(time);
    if time == "00:00:00" || time.is_empty() {
        date.to_owned()
    } else {
        format!("{date} {time}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn sheet_cells_keep_only_used_cells_row_by_row_from_the_leftmost_column() {
        let cells = SheetCells::from_cells(vec![
            (1_048_575, 16_383, Data::String("far".into())),
            (2, 3, Data::Int(7)),
            (2, 1, Data::String("a".into())),
            (5, 2, Data::Empty),
        ]);
        let rows: Vec<u32> = cells.rows.iter().map(|(r, _)| *r).collect();
        assert_eq!(rows, [2, 1_048_575]);
        assert_eq!(cells.row_text(0), ["a", "", "7"]);
        assert_eq!(cells.row_text(1).len(), 16_383);
        assert_eq!(cells.row_text(1)[16_382], "far");
    }

    #[test]
    fn the_budget_counts_cells_and_text() {
        let mut b = Budget::default();
        for _ in 0..container::CELL_BUDGET {
            b.take(&Data::Int(1)).unwrap();
        }
        assert!(matches!(
            b.take(&Data::Int(1)),
            Err(ReadError::WorkbookTooLarge)
        ));
        let mut b = Budget::default();
        let big = Data::String("x".repeat(1 << 20));
        for _ in 0..container::TEXT_BUDGET >> 20 {
            b.take(&big).unwrap();
        }
        assert!(matches!(b.take(&big), Err(ReadError::WorkbookTooLarge)));
    }

    #[test]
    fn cells_in_sheet_order_go_straight_into_rows() {
        let mut s = SheetCells::default();
        assert!(s.push_in_order(2, 3, Data::Int(1)));
        assert!(s.push_in_order(2, 5, Data::Int(2)));
        assert!(s.push_in_order(4, 4, Data::Int(3)));
        assert!(!s.push_in_order(4, 1, Data::Int(4)));
        assert!(!s.push_in_order(1, 9, Data::Int(5)));
        let mut s = SheetCells::default();
        s.push_in_order(0, 2, Data::Int(1));
        s.push_in_order(1, 3, Data::Int(2));
        s.shift_to_first_column();
        assert_eq!(s.row_text(0), ["1"]);
        assert_eq!(s.row_text(1), ["", "2"]);
    }

    #[test]
    fn integral_floats_have_no_decimal_point_or_exponent() {
        assert_eq!(float_text(5.0), "5");
        assert_eq!(float_text(-125000.0), "-125000");
        assert_eq!(
            float_text(1_762_345_098_123_456_789.0),
            "1762345098123460000"
        );
        assert_eq!(float_text(1e21), "1000000000000000000000");
        // 16 digits within 2^53 are exact: kept as written.
        assert_eq!(float_text(1_234_567_890_123_456.0), "1234567890123456");
    }

    #[test]
    fn fractions_show_fifteen_significant_digits() {
        assert_eq!(float_text(0.1 + 0.2), "0.3");
        assert_eq!(float_text(18450.5), "18450.5");
        assert_eq!(float_text(0.0000001), "0.0000001");
    }

    #[test]
    fn dates_are_iso_with_time_only_when_present() {
        let dt = |v| Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(cell_text(&dt(45943.0)), "2025-10-13");
        assert_eq!(cell_text(&dt(45943.5)), "2025-10-13 12:00:00");
        assert_eq!(
            cell_text(&Data::DateTimeIso("2026-11-10T10:00:00".into())),
            "2026-11-10 10:00:00"
        );
        assert_eq!(
            cell_text(&Data::DateTimeIso("2026-11-10".into())),
            "2026-11-10"
        );
    }

    #[test]
    fn each_cell_says_what_it_held() {
        use crate::read::CellKind as K;
        let dt = |v| Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(cell_kind(&dt(45943.0)), K::Date);
        assert_eq!(cell_kind(&dt(45943.5)), K::DateTime);
        assert_eq!(cell_kind(&dt(0.5)), K::Time);
        assert_eq!(cell_kind(&Data::DateTimeIso("2026-11-10".into())), K::Date);
        assert_eq!(
            cell_kind(&Data::DateTimeIso("2026-11-10T10:00:00".into())),
            K::DateTime
        );
        assert_eq!(cell_kind(&Data::Float(1.5)), K::Number);
        assert_eq!(cell_kind(&Data::Int(1500)), K::Number);
        // Typed as text, it stays text: «1.500» may be a thousand five hundred.
        assert_eq!(cell_kind(&Data::String("1.500".into())), K::Text);
        assert_eq!(cell_kind(&Data::Empty), K::Text);
    }

    #[test]
    fn text_cells_keep_leading_zeros() {
        assert_eq!(cell_text(&Data::String("007123".into())), "007123");
        assert_eq!(cell_text(&Data::Int(42)), "42");
        assert_eq!(cell_text(&Data::Bool(true)), "TRUE");
    }
}
