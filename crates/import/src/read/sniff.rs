//! Guessing the shape of a table from its first lines: the delimiter (field-count consistency
//! outside quotes) and the header row under any preamble ("Отчёт по продажам…", export dates,
//! blank lines). Works on already decoded text, and on sheet rows for workbooks.
//!
//! Deliberately not here: strict parsing and error reporting (that is `csv_source`), encodings.

use super::ReadError;

/// Delimiters we sniff for, in order of preference on a tie.
pub(crate) const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
/// How many non-blank lines the sniffers look at.
const SAMPLE_LINES: usize = 200;

/// What the sniffers decided about a table.
#[derive(Debug, Clone)]
pub(crate) struct Sniffed {
    pub delimiter: u8,
    pub header_line: u64,
    /// Last physical line of the header record (a quoted header cell may span lines).
    pub header_end: u64,
    pub headers: Vec<String>,
    pub preamble: Vec<String>,
}

/// Physical lines of `text` with their 1-based numbers; `\n`, `\r\n` and a lone `\r` all end a
/// line, as in an editor.
pub(crate) fn physical_lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    let mut rest = text;
    let mut no = 0u64;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        no += 1;
        let bytes = rest.as_bytes();
        match memchr::memchr2(b'\n', b'\r', bytes) {
            Some(i) => {
                let line = &rest[..i];
                let skip = if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                rest = &rest[i + skip..];
                Some((no, line))
            }
            None => {
                let line = rest;
                rest = "";
                Some((no, line))
            }
        }
    })
}

/// Splits text into records with the 1-based line each starts on. Lenient (quotes may span
/// lines, stray quotes are kept as text): used for guessing, never for the data itself.
pub(crate) fn split_records(text: &str, delim: u8, max: usize) -> Vec<(u64, Vec<String>)> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut at_start = true;
    let mut line = 1u64;
    let mut start = 1u64;
    let mut chars = text.chars().peekable();
    while let Some(mut c) = chars.next() {
        let newline = c == '\n' || c == '\r';
        if newline {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
                if in_quotes {
                    cur.push('\r');
                }
                c = '\n';
            }
            line += 1;
        }
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                cur.push(c);
            }
        } else if newline {
            fields.push(std::mem::take(&mut cur));
            records.push((start, std::mem::take(&mut fields)));
            if records.len() >= max {
                return records;
            }
            start = line;
            at_start = true;
            continue;
        } else if c as u32 == u32::from(delim) {
            fields.push(std::mem::take(&mut cur));
            at_start = true;
            continue;
        } else if c == '"' && at_start {
            in_quotes = true;
        } else {
            cur.push(c);
        }
        at_start = false;
    }
    if !cur.is_empty() || !fields.is_empty() {
        fields.push(cur);
        records.push((start, fields));
    }
    records
}

/// True for cells that look like data rather than a column name: numbers, dates, times,
/// phones (digits with separators only).
pub(crate) fn looks_like_data(cell: &str) -> bool {
    let cell = cell.trim();
    let mut digit = false;
    for c in cell.chars() {
        if c.is_ascii_digit() {
            digit = true;
        } else if !matches!(
            c,
            ' ' | '\u{a0}' | '+' | '-' | '(' | ')' | '.' | ',' | ':' | '/' | 'T'
        ) {
            return false;
        }
    }
    digit
}

/// Number of cells up to the last non-empty one.
pub(crate) fn effective_len(cells: &[String]) -> usize {
    cells
        .iter()
        .rposition(|c| !c.trim().is_empty())
        .map_or(0, |i| i + 1)
}

pub(crate) fn is_blank(cells: &[String]) -> bool {
    effective_len(cells) == 0
}

/// Index in `rows` of the header: the first row whose cells look like names and whose width
/// fits the dominant width of the table.
pub(crate) fn find_header(rows: &[(u64, Vec<String>)], dominant: usize) -> Option<usize> {
    let min_width = dominant.min(2).max(dominant.div_ceil(2));
    rows.iter().position(|(_, cells)| {
        let eff = effective_len(cells);
        eff >= min_width.max(1)
            && eff <= dominant.max(1)
            && cells[..eff].iter().all(|c| !looks_like_data(c))
    })
}

/// Header cells as reported: trimmed, BOM stripped, empty trailing cells dropped.
pub(crate) fn clean_headers(cells: &[String]) -> Vec<String> {
    let mut out: Vec<String> = cells
        .iter()
        .map(|c| c.trim_start_matches('\u{feff}').trim().to_owned())
        .collect();
    out.truncate(effective_len(&out));
    out
}

/// Picks the delimiter whose per-record field count is the most consistent (≥ 2 fields).
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let mut best: Option<(usize, usize, u8)> = None; // (records agreeing, field count, delimiter)
    for &d in &CANDIDATES {
        let records = split_records(text, d, SAMPLE_LINES);
        let (count, freq) = mode(
            records
                .iter()
                .filter(|(_, c)| !is_blank(c))
                .map(|(_, c)| c.len()),
        );
        if count < 2 {
            continue;
        }
        if best.is_none_or(|(bf, bc, _)| (freq, count) > (bf, bc)) {
            best = Some((freq, count, d));
        }
    }
    best.map_or(b',', |(_, _, d)| d)
}

/// The most frequent value (the larger one on a tie) and its frequency.
pub(crate) fn mode(values: impl Iterator<Item = usize>) -> (usize, usize) {
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for v in values {
        match counts.iter_mut().find(|(k, _)| *k == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(k, n)| (n, k))
        .unwrap_or((0, 0))
}

/// Sniffs delimiter and header from the decoded beginning of a CSV source. `text` must end at
/// a line boundary.
pub(crate) fn sniff_text(
    text: &str,
    delimiter: Option<u8>,
    header_line: Option<u64>,
) -> Result<Sniffed, ReadError> {
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(text));
    let all = split_records(text, delimiter, SAMPLE_LINES);
    let starts: Vec<u64> = all.iter().map(|(no, _)| *no).collect();
    let rows: Vec<(u64, Vec<String>)> = all.into_iter().filter(|(_, c)| !is_blank(c)).collect();
    if rows.is_empty() {
        return Err(ReadError::Empty);
    }
    let idx = match header_line {
        Some(h) => rows
            .iter()
            .position(|(no, _)| *no == h)
            .ok_or(ReadError::NoHeader)?,
        None => {
            let (dominant, _) = mode(rows.iter().map(|(_, c)| c.len()));
            find_header(&rows, dominant).ok_or(ReadError::NoHeader)?
        }
    };
    let (header_line, cells) = &rows[idx];
    let headers = clean_headers(cells);
    if headers.is_empty() {
        return Err(ReadError::NoHeader);
    }
    let preamble = physical_lines(text)
        .take_while(|(no, _)| no < header_line)
        .map(|(_, l)| preamble_text(l, delimiter))
        .filter(|l| !l.is_empty())
        .collect();
    let header_end = starts
        .iter()
        .find(|&&no| no > *header_line)
        .map_or(*header_line, |n| n - 1);
    Ok(Sniffed {
        delimiter,
        header_line: *header_line,
        header_end,
        headers,
        preamble,
    })
}

/// A preamble line as the user would read it: no trailing delimiters or spaces.
pub(crate) fn preamble_text(line: &str, delimiter: u8) -> String {
    let d = char::from(delimiter);
    line.trim_start_matches('\u{feff}')
        .trim_end_matches(|c: char| c == d || c.is_whitespace())
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lone_carriage_returns_and_crlf_as_one_line_end_each() {
        let lines: Vec<_> = physical_lines("a\r\nb\rc\nd").collect();
        assert_eq!(lines, vec![(1, "a"), (2, "b"), (3, "c"), (4, "d")]);
    }

    #[test]
    fn prefers_the_delimiter_with_consistent_counts() {
        assert_eq!(
            sniff_delimiter("id;sum;note\n1;349,9;a,b,c\n2;1,5;x\n"),
            b';'
        );
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3"), b'\t');
        assert_eq!(sniff_delimiter("a|b\n1|2"), b'|');
    }

    #[test]
    fn ignores_delimiters_inside_quotes() {
        assert_eq!(sniff_delimiter("a,b\n\"x;y;z\",1\n\"p;q\nr;s\",2\n"), b',');
    }

    #[test]
    fn skips_title_and_export_date_above_the_header() {
        let text = "Отчёт по продажам за ноябрь;;;\n\nВыгружено: 22.11.2026;;;\nid;date;sum;status\n\
                    1;01.11.2026;100;Оплачен\n2;02.11.2026;200;Новый\n";
        let s = sniff_text(text, None, None).unwrap();
        assert_eq!(s.delimiter, b';');
        assert_eq!(s.header_line, 4);
        assert_eq!(s.headers, ["id", "date", "sum", "status"]);
        assert_eq!(
            s.preamble,
            ["Отчёт по продажам за ноябрь", "Выгружено: 22.11.2026"]
        );
    }

    #[test]
    fn records_spanning_lines_start_where_their_first_line_is() {
        let records = split_records("a,b\r\n\"x\r\ny\",1\r\n2,3", b',', 10);
        let starts: Vec<u64> = records.iter().map(|(l, _)| *l).collect();
        assert_eq!(starts, [1, 2, 4]);
        assert_eq!(records[1].1, ["x\r\ny", "1"]);
    }

    #[test]
    fn numbers_dates_and_phones_are_not_names() {
        for cell in [
            "1762345098123456789",
            "12 500,50",
            "22.11.2026",
            "2026-11-10 10:00",
            "+7 (916)",
        ] {
            assert!(looks_like_data(cell), "{cell}");
        }
        for cell in ["ClientId", "№", "create_date_time", ""] {
            assert!(!looks_like_data(cell), "{cell}");
        }
    }

    #[test]
    fn a_table_of_numbers_has_no_header() {
        assert!(matches!(
            sniff_text("1,2\n3,4\n", None, None),
            Err(ReadError::NoHeader)
        ));
    }

    #[test]
    fn header_cells_lose_bom_spaces_and_empty_tail() {
        let cells: Vec<String> = ["\u{feff}id", " name ", "", ""].map(String::from).to_vec();
        assert_eq!(clean_headers(&cells), ["id", "name"]);
    }
}
