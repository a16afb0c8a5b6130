//! Workbooks (.xlsx, .xls, .ods through calamine) as rows: sheet choice, header detection on
//! sheet rows, and cell values rendered as the user sees them (dates as ISO text, integers
//! without `.0`, no scientific notation, text cells untouched).
//!
//! Deliberately not here: streaming (a sheet is loaded whole, as calamine does), formulas,
//! styles, and any interpretation beyond the text a cell shows.

mod container;

use std::io::Cursor;

use calamine::{Data, Ods, Range, Reader, Xls, Xlsx};

use super::sniff::{clean_headers, effective_len, find_header, is_blank};
use super::{
    Malformed, MalformedKind, ReadError, ReadEvent, ReadOptions, Row, RowSource, SourceFormat,
    SourceInfo,
};

const SAMPLE_ROWS: usize = 200;
const TEXT_LIMIT: usize = 200;

pub(crate) struct ExcelSource {
    info: SourceInfo,
    range: Range<Data>,
    /// Sheet row number (0-based) of the range's first row.
    first_row: u64,
    next: usize,
    ncols: usize,
    record: u64,
}

fn excel_err(e: impl std::fmt::Display) -> ReadError {
    ReadError::Excel(e.to_string())
}

/// Sheet names and the chosen sheet's cells.
fn load<R: Reader<Cursor<Vec<u8>>>>(
    bytes: Vec<u8>,
    sheet: Option<&str>,
) -> Result<(Vec<String>, String, Range<Data>), ReadError>
where
    R::Error: std::fmt::Display,
{
    let mut book = R::new(Cursor::new(bytes)).map_err(excel_err)?;
    let names = book.sheet_names();
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
        let range = book.worksheet_range(&name).map_err(excel_err)?;
        return Ok((names, name, range));
    }
    for name in &names {
        let range = book.worksheet_range(name).map_err(excel_err)?;
        if range
            .used_cells()
            .any(|(_, _, c)| !cell_text(c).trim().is_empty())
        {
            return Ok((names.clone(), name.clone(), range));
        }
    }
    Err(ReadError::Empty)
}

impl ExcelSource {
    pub(crate) fn open(
        bytes: Vec<u8>,
        format: SourceFormat,
        opts: &ReadOptions,
    ) -> Result<Self, ReadError> {
        let file_size = bytes.len() as u64;
        // calamine allocates from the container's own tables; a damaged table must not reach it.
        let checked = match format {
            SourceFormat::Xls => container::check_cfb(&bytes),
            _ => container::check_zip(&bytes),
        };
        if let Err(damage) = checked {
            tracing::debug!(?damage, "workbook container refused");
            return Err(ReadError::DamagedWorkbook);
        }
        let sheet = opts.sheet.as_deref();
        let (sheets, name, range) = match format {
            SourceFormat::Xls => load::<Xls<_>>(bytes, sheet)?,
            SourceFormat::Ods => load::<Ods<_>>(bytes, sheet)?,
            _ => load::<Xlsx<_>>(bytes, sheet)?,
        };
        let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
        let mut sample: Vec<(u64, Vec<String>)> = Vec::new();
        for i in 0..range.height() {
            let cells = row_cells(&range, i);
            if !is_blank(&cells) {
                sample.push((first_row + i as u64 + 1, cells));
                if sample.len() >= SAMPLE_ROWS {
                    break;
                }
            }
        }
        if sample.is_empty() {
            return Err(ReadError::Empty);
        }
        let idx = match opts.header_line {
            Some(h) => sample
                .iter()
                .position(|(no, _)| *no == h)
                .ok_or(ReadError::NoHeader)?,
            None => {
                let dominant = sample
                    .iter()
                    .map(|(_, c)| effective_len(c))
                    .max()
                    .unwrap_or(0);
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
            next: (header_line - first_row) as usize,
            info,
            range,
            first_row,
            record: 0,
        })
    }
}

fn row_cells(range: &Range<Data>, i: usize) -> Vec<String> {
    (0..range.width())
        .map(|j| range.get((i, j)).map_or_else(String::new, cell_text))
        .collect()
}

impl RowSource for ExcelSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn next_event(&mut self, row: &mut Row) -> Result<Option<ReadEvent>, ReadError> {
        while self.next < self.range.height() {
            let i = self.next;
            self.next += 1;
            row.fields.clear();
            for j in 0..self.range.width() {
                match self.range.get((i, j)) {
                    Some(cell) => row.fields.push_field(&cell_text(cell)),
                    None => row.fields.push_field(""),
                }
            }
            if row.is_blank() {
                continue;
            }
            let line = self.first_row + i as u64 + 1;
            self.record += 1;
            if row
                .fields
                .iter()
                .skip(self.ncols)
                .any(|f| !f.trim().is_empty())
            {
                let text: Vec<&str> = row.fields.iter().collect();
                return Ok(Some(ReadEvent::Malformed(Malformed {
                    line,
                    record: self.record,
                    column: None,
                    kind: MalformedKind::TooManyFields,
                    text: text.join("\t").chars().take(TEXT_LIMIT).collect(),
                })));
            }
            row.fields.truncate(self.ncols);
            row.line = line;
            row.record = self.record;
            return Ok(Some(ReadEvent::Row));
        }
        Ok(None)
    }

    fn bytes_read(&self) -> u64 {
        let height = self.range.height().max(1) as u64;
        self.info.file_size * (self.next as u64).min(height) / height
    }
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
        if f.abs() < 1e15 {
            return format!("{}", f as i64);
        }
        return format!("{f}");
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
    fn integral_floats_have_no_decimal_point_or_exponent() {
        assert_eq!(float_text(5.0), "5");
        assert_eq!(float_text(-125000.0), "-125000");
        assert_eq!(
            float_text(1_762_345_098_123_456_789.0),
            "1762345098123456800"
        );
        assert_eq!(float_text(1e21), "1000000000000000000000");
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
    fn text_cells_keep_leading_zeros() {
        assert_eq!(cell_text(&Data::String("007123".into())), "007123");
        assert_eq!(cell_text(&Data::Int(42)), "42");
        assert_eq!(cell_text(&Data::Bool(true)), "TRUE");
    }
}
