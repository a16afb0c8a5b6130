//! Delimited text as a stream of rows with exact physical positions.
//!
//! Lines are read one by one (`\n`, `\r\n` or a lone `\r` ends a line). A line without a quote
//! character is split directly (the common, fast path). A line with quotes goes through a strict
//! parser: a quote inside an unquoted field is a [`MalformedKind::StrayQuote`]; a quoted field
//! that runs past the end of its line is accepted only if the record it produces has the
//! header's width and no line it swallows looks like a row of its own (as many delimiters as
//! the header); otherwise it is an [`MalformedKind::UnclosedQuote`] at the opening line and
//! reading resumes at the next physical line, so no line is ever silently swallowed.
//!
//! Deliberately not here: encoding detection and sniffing (done before this source is built),
//! any interpretation of cell values.

use std::collections::VecDeque;
use std::io::{self, BufRead};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{Malformed, MalformedKind, ReadError, ReadEvent, Row, RowSource, SourceInfo};

/// A quoted field may span at most this many extra lines / bytes before it counts as unclosed.
const MAX_SPAN_LINES: usize = 1000;
const MAX_SPAN_BYTES: usize = 1 << 20;
/// A physical line longer than this is refused: memory stays bounded on binary junk.
const MAX_LINE_BYTES: usize = 64 << 20;

#[derive(Debug, Default)]
struct Line {
    no: u64,
    text: String,
    term: &'static str,
    /// The line held bytes that could not be decoded.
    bad: bool,
    /// The line held NUL characters.
    nul: bool,
    /// The line was UTF-8 in a file of a single-byte code page, and was read as UTF-8.
    recoded: bool,
}

/// Physical lines of a UTF-8 byte stream, numbered as an editor numbers them.
struct LineReader {
    inner: Box<dyn BufRead + Send>,
    /// The raw bytes of the line being read.
    bytes: Vec<u8>,
    no: u64,
    /// The single-byte or UTF-16 encoding the stream was decoded from; None: the stream is
    /// the raw source (UTF-8 expected).
    code_page: Option<&'static encoding_rs::Encoding>,
    /// The bytes of a line got back from its code page (see [`super::encoding::utf8_line`]).
    scratch: Vec<u8>,
    /// What UTF-8's Cyrillic lead bytes read as in `code_page`: only a line with one of them
    /// can be a UTF-8 line among the code page's.
    utf8_leads: Option<[char; 2]>,
}

impl LineReader {
    fn read(&mut self, mut out: Vec<u8>) -> Result<Option<Line>, ReadError> {
        let io_err = |source| ReadError::Io { path: None, source };
        out.clear();
        let mut text = String::from_utf8(out).unwrap_or_default();
        // The whole line sat in the read buffer and was decoded from there into `text`.
        let mut direct = false;
        let buf = &mut self.bytes;
        buf.clear();
        let mut any = false;
        let term = loop {
            if buf.len() > MAX_LINE_BYTES {
                return Err(ReadError::LineTooLong { line: self.no + 1 });
            }
            let avail = self.inner.fill_buf().map_err(io_err)?;
            if avail.is_empty() {
                if !any {
                    return Ok(None);
                }
                break "";
            }
            let first = !any;
            any = true;
            match memchr::memchr2(b'\n', b'\r', avail) {
                Some(i) => {
                    direct = first && decode_utf8(&avail[..i], &mut text);
                    if !direct {
                        buf.extend_from_slice(&avail[..i]);
                    }
                    let end = avail[i];
                    self.inner.consume(i + 1);
                    if end == b'\n' {
                        break "\n";
                    }
                    if self.inner.fill_buf().map_err(io_err)?.first() == Some(&b'\n') {
                        self.inner.consume(1);
                        break "\r\n";
                    }
                    break "\r";
                }
                None => {
                    let n = avail.len();
                    buf.extend_from_slice(avail);
                    self.inner.consume(n);
                }
            }
        };
        self.no += 1;
        let fast = direct || {
            text.clear();
            decode_utf8(&self.bytes, &mut text)
        };
        let (text, bad) = if fast {
            let bad = self.code_page.is_some() && text.contains('\u{FFFD}');
            (text, bad)
        } else {
            let lossy = String::from_utf8_lossy(&self.bytes);
            let bad = matches!(lossy, std::borrow::Cow::Owned(_))
                || (self.code_page.is_some() && lossy.contains('\u{FFFD}'));
            (lossy.into_owned(), bad)
        };
        // Two exports pasted into one file: a UTF-8 line among the code page's is its own
        // words, not mojibake sent as they look.
        let leads = self.utf8_leads;
        let (text, recoded) = match self
            .code_page
            .filter(|_| !bad && leads.is_some_and(|[a, b]| text.contains([a, b])))
            .and_then(|enc| super::encoding::utf8_line(enc, &text, &mut self.scratch))
        {
            Some(utf8) => (utf8, true),
            None => (text, false),
        };
        let nul = memchr::memchr(0, text.as_bytes()).is_some();
        Ok(Some(Line {
            no: self.no,
            text,
            term,
            bad,
            nul,
            recoded,
        }))
    }
}

/// Validates `bytes` as UTF-8 while appending them to `text` (encoding_rs validates faster than
/// `String::from_utf8` on Cyrillic text). False, with `text` in an unspecified state, when they
/// are not valid UTF-8.
fn decode_utf8(bytes: &[u8], text: &mut String) -> bool {
    let mut decoder = encoding_rs::UTF_8.new_decoder_without_bom_handling();
    decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .is_some_and(|cap| {
            text.reserve(cap);
            let (res, _) = decoder.decode_to_string_without_replacement(bytes, text, true);
            res == encoding_rs::DecoderResult::InputEmpty
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    AfterClose,
}

enum Feed {
    Complete,
    NeedMore,
    /// A quote where none may be, in the field with this index, whose text as written is
    /// `text[start..end]` of the line fed (from the field's start, or the line's when the field
    /// began on an earlier line, to the next delimiter or the line's end).
    Stray {
        field: usize,
        start: usize,
        end: usize,
    },
}

/// The cell a stray quote is in, as written: from `start` to the next `delim` after `at`.
fn stray(out: &Row, text: &str, delim: u8, start: usize, at: usize) -> Feed {
    let end = memchr::memchr(delim, &text.as_bytes()[at..]).map_or(text.len(), |j| at + j);
    Feed::Stray {
        field: out.len(),
        start,
        end,
    }
}

/// The strict parser for records that contain quotes; resumable across lines.
struct QuoteParser {
    state: State,
    cur: String,
}

impl QuoteParser {
    fn feed(&mut self, text: &str, delim: u8, out: &mut Row) -> Feed {
        let b = text.as_bytes();
        let mut i = 0;
        // Where the current field starts on this line (0 when it began on an earlier one).
        let mut start = 0;
        while i < b.len() {
            match self.state {
                State::FieldStart => {
                    start = i;
                    if b[i] == b'"' {
                        self.state = State::Quoted;
                        i += 1;
                    } else {
                        self.state = State::Unquoted;
                    }
                }
                State::Unquoted => match memchr::memchr2(delim, b'"', &b[i..]) {
                    None => {
                        self.cur.push_str(&text[i..]);
                        i = b.len();
                    }
                    Some(j) => {
                        self.cur.push_str(&text[i..i + j]);
                        i += j;
                        if b[i] == delim {
                            out.push_field(&self.cur);
                            self.cur.clear();
                            self.state = State::FieldStart;
                        } else if self.cur.trim().is_empty() || self.cur.trim() == "=" {
                            // `, "value"`: spaces before an opening quote. `="0012"`: the
                            // text Excel must not read as a number (a CRM's way to keep a long
                            // id or leading zeros whole), whose value is what the quotes hold.
                            self.cur.clear();
                            self.state = State::Quoted;
                        } else {
                            return stray(out, text, delim, start, i);
                        }
                        i += 1;
                    }
                },
                State::Quoted => match memchr::memchr(b'"', &b[i..]) {
                    None => {
                        self.cur.push_str(&text[i..]);
                        i = b.len();
                    }
                    Some(j) => {
                        self.cur.push_str(&text[i..i + j]);
                        i += j + 1;
                        if b.get(i) == Some(&b'"') {
                            self.cur.push('"');
                            i += 1;
                        } else {
                            self.state = State::AfterClose;
                        }
                    }
                },
                State::AfterClose => {
                    if b[i] == delim {
                        out.push_field(&self.cur);
                        self.cur.clear();
                        self.state = State::FieldStart;
                    } else if b[i] != b' ' && b[i] != b'\t' {
                        return stray(out, text, delim, start, i);
                    }
                    i += 1;
                }
            }
        }
        if self.state == State::Quoted {
            return Feed::NeedMore;
        }
        out.push_field(&self.cur);
        self.cur.clear();
        self.state = State::FieldStart;
        Feed::Complete
    }
}

/// How a source's bytes are counted for [`RowSource::bytes_read`].
pub(crate) struct CountingReader<R> {
    pub inner: R,
    pub count: Arc<AtomicU64>,
}

impl<R: io::Read> io::Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

pub(crate) struct CsvSource {
    info: SourceInfo,
    lines: LineReader,
    pending: VecDeque<Line>,
    spare: Vec<u8>,
    delim: u8,
    ncols: usize,
    record: u64,
    parser: QuoteParser,
    count: Arc<AtomicU64>,
}

impl CsvSource {
    /// `stream` yields UTF-8 positioned at the first byte after any BOM; `code_page` is the
    /// encoding it was decoded from, None when it is the undecoded source. Lines up to `header_end` (the header's last line) are skipped.
    pub(crate) fn new(
        info: SourceInfo,
        header_end: u64,
        stream: Box<dyn BufRead + Send>,
        code_page: Option<&'static encoding_rs::Encoding>,
        count: Arc<AtomicU64>,
    ) -> Result<Self, ReadError> {
        let delim = info.delimiter.map_or(b',', |c| c as u8);
        let ncols = info.headers.len();
        let mut source = CsvSource {
            lines: LineReader {
                inner: stream,
                bytes: Vec::new(),
                no: 0,
                code_page,
                scratch: Vec::new(),
                utf8_leads: code_page.and_then(super::encoding::utf8_cyrillic_leads),
            },
            pending: VecDeque::new(),
            spare: Vec::new(),
            delim,
            ncols,
            record: 0,
            parser: QuoteParser {
                state: State::FieldStart,
                cur: String::new(),
            },
            count,
            info,
        };
        while source.lines.no < header_end.max(source.info.header_line) {
            match source.next_line()? {
                Some(line) => source.recycle(line),
                None => return Err(ReadError::NoHeader),
            }
        }
        Ok(source)
    }

    fn next_line(&mut self) -> Result<Option<Line>, ReadError> {
        if let Some(line) = self.pending.pop_front() {
            return Ok(Some(line));
        }
        let buf = std::mem::take(&mut self.spare);
        self.lines.read(buf)
    }

    fn recycle(&mut self, line: Line) {
        self.spare = line.text.into_bytes();
    }

    fn malformed(&mut self, line: &Line, kind: MalformedKind, field: Option<usize>) -> ReadEvent {
        self.malformed_at(line.no, &line.text, kind, field)
    }

    fn malformed_at(
        &mut self,
        no: u64,
        text: &str,
        kind: MalformedKind,
        field: Option<usize>,
    ) -> ReadEvent {
        self.record += 1;
        ReadEvent::Malformed(Malformed {
            line: no,
            record: self.record,
            column: field.and_then(|i| self.info.headers.get(i).cloned()),
            kind,
            // Whole: the rejected-rows file keeps it for fixing; screens show it cut.
            text: text.to_string(),
            cell: None,
        })
    }

    /// Width check and numbering of a parsed record. `None`: a blank row, skipped. `moved`:
    /// the physical line's text was handed over to `row` (the fast path), so `line.text` no
    /// longer holds it.
    fn finish(&mut self, row: &mut Row, line: &Line, moved: bool) -> Option<ReadEvent> {
        if row.is_blank() {
            return None;
        }
        let bad = if row.len() > self.ncols
            && row.iter().skip(self.ncols).any(|f| !f.trim().is_empty())
        {
            Some(MalformedKind::TooManyFields)
        } else if line.bad {
            Some(MalformedKind::BadEncoding)
        } else if line.nul {
            Some(MalformedKind::NulByte)
        } else {
            None
        };
        if let Some(kind) = bad {
            let text = if moved { &row.text } else { &line.text };
            return Some(self.malformed_at(line.no, text, kind, None));
        }
        row.truncate(self.ncols);
        row.short = row.len() < self.ncols;
        row.recoded = line.recoded;
        self.record += 1;
        row.line = line.no;
        row.record = self.record;
        Some(ReadEvent::Row)
    }

    fn fits(&self, fields: &Row) -> bool {
        fields.len() == self.ncols
            || (fields.len() > self.ncols
                && fields.iter().skip(self.ncols).all(|f| f.trim().is_empty()))
    }

    /// Whether a line that starts inside a quoted field (the one at index `open`) would be a
    /// whole row on its own: the field is then not a comment written on several lines but a
    /// quote never closed on its own line (`"VIP клиент,5000`) that ran into the next row, and
    /// merging them would lose one row and give the other wrong values. Only the delimiters
    /// of the field's text on this line count (up to its closing quote): if the field goes on
    /// past the line, one per header column but the last; if it closes here, as many as the
    /// cells before the field, and at least one, and only when the record's first line
    /// (`opening_whole`) held a row's worth of delimiters itself: a quote left open on a
    /// whole row. A cell Excel wrote on two lines (Alt+Enter) in a short first line, whose
    /// second line has a comma («филиал, Москва»), is one cell. Headers of one or two columns
    /// are left out: there a comment line with a comma would look like a row.
    fn is_a_row(&self, text: &str, open: usize, opening_whole: bool) -> bool {
        if self.ncols < 3 {
            return false;
        }
        let b = text.as_bytes();
        let mut i = 0;
        let mut close = None;
        while let Some(j) = memchr::memchr(b'"', &b[i..]) {
            if b.get(i + j + 1) == Some(&b'"') {
                i += j + 2;
            } else {
                close = Some(i + j);
                break;
            }
        }
        let (inside, need) = match close {
            None => (b, self.ncols - 1),
            Some(_) if !opening_whole => return false,
            Some(end) => (&b[..end], open.max(1)),
        };
        memchr::memchr_iter(self.delim, inside).count() >= need
    }

    /// A record whose quoted field ran past its first line.
    fn spanning(&mut self, row: &mut Row, first: Line) -> Result<Option<ReadEvent>, ReadError> {
        let open_field = row.len();
        let mut taken: Vec<Line> = Vec::new();
        let mut bytes = 0usize;
        // Some line the quoted field ran into looks like a row of its own.
        let mut swallowed = false;
        let opening_whole =
            memchr::memchr_iter(self.delim, first.text.as_bytes()).count() + 1 >= self.ncols;
        self.parser.cur.push_str(first.term);
        let legit = loop {
            if taken.len() >= MAX_SPAN_LINES || bytes >= MAX_SPAN_BYTES {
                break false;
            }
            let Some(next) = self.next_line()? else {
                break false;
            };
            bytes += next.text.len();
            swallowed = swallowed || self.is_a_row(&next.text, row.len(), opening_whole);
            let fed = self.parser.feed(&next.text, self.delim, row);
            let term = next.term;
            taken.push(next);
            match fed {
                Feed::Complete => break self.fits(row) && !swallowed,
                Feed::Stray { .. } => break false,
                Feed::NeedMore => self.parser.cur.push_str(term),
            }
        };
        self.parser.state = State::FieldStart;
        self.parser.cur.clear();
        if legit {
            let event = if let Some(bad) = taken.iter().find(|l| l.bad || l.nul) {
                let kind = if bad.bad {
                    MalformedKind::BadEncoding
                } else {
                    MalformedKind::NulByte
                };
                let bad = Line {
                    no: first.no,
                    text: bad.text.clone(),
                    ..Line::default()
                };
                Some(self.malformed(&bad, kind, None))
            } else {
                let event = self.finish(row, &first, false);
                row.recoded |= taken.iter().any(|l| l.recoded);
                event
            };
            self.recycle(first);
            return Ok(event);
        }
        for line in taken.into_iter().rev() {
            self.pending.push_front(line);
        }
        let event = self.malformed(&first, MalformedKind::UnclosedQuote, Some(open_field));
        self.recycle(first);
        Ok(Some(event))
    }
}

/// The fast path: splits a line that holds no quote character into the byte ranges of its
/// cells. Returns false (leaving `out` in an unspecified state) as soon as a quote shows up.
/// Looks for a quote with (SIMD) memchr first, then for delimiters eight bytes at a time.
fn split_unquoted(text: &str, delim: u8, out: &mut Vec<(u32, u32)>) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // High bit of each byte of `x` that equals `b` (exact: no carries between bytes).
    let eq = |x: u64, b: u8| {
        let y = x ^ (LO * u64::from(b));
        !(((y & LOW7) + LOW7) | y) & HI
    };
    let b = text.as_bytes();
    if memchr::memchr(b'"', b).is_some() {
        return false;
    }
    let mut start = 0;
    let mut chunks = b.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        let mut m = eq(x, delim);
        while m != 0 {
            let i = base + (m.trailing_zeros() / 8) as usize;
            // Both ends sit on ASCII bytes, hence on character boundaries.
            out.push((start as u32, i as u32));
            start = i + 1;
            m &= m - 1;
        }
        base += 8;
    }
    for (k, &c) in chunks.remainder().iter().enumerate() {
        if c == delim {
            out.push((start as u32, (base + k) as u32));
            start = base + k + 1;
        }
    }
    out.push((start as u32, b.len() as u32));
    true
}

impl RowSource for CsvSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn next_event(&mut self, row: &mut Row) -> Result<Option<ReadEvent>, ReadError> {
        loop {
            let Some(mut line) = self.next_line()? else {
                return Ok(None);
            };
            row.bounds.clear();
            if split_unquoted(&line.text, self.delim, &mut row.bounds) {
                // The line becomes the row's text; the row's old buffer reads the next line.
                std::mem::swap(&mut row.text, &mut line.text);
                let event = self.finish(row, &line, true);
                self.recycle(line);
                match event {
                    Some(event) => return Ok(Some(event)),
                    None => continue,
                }
            }
            row.clear();
            match self.parser.feed(&line.text, self.delim, row) {
                Feed::Complete => {
                    let event = self.finish(row, &line, false);
                    self.recycle(line);
                    if let Some(event) = event {
                        return Ok(Some(event));
                    }
                }
                Feed::Stray { field, start, end } => {
                    self.parser.state = State::FieldStart;
                    self.parser.cur.clear();
                    let mut event = self.malformed(&line, MalformedKind::StrayQuote, Some(field));
                    if let ReadEvent::Malformed(m) = &mut event {
                        m.cell = line.text.get(start..end).map(str::to_string);
                    }
                    self.recycle(line);
                    return Ok(Some(event));
                }
                Feed::NeedMore => {
                    if let Some(event) = self.spanning(row, line)? {
                        return Ok(Some(event));
                    }
                }
            }
        }
    }

    fn bytes_read(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time split the word-at-a-time one must equal.
    fn split_reference(text: &str, delim: u8) -> Option<Vec<String>> {
        if text.contains('"') {
            return None;
        }
        Some(text.split(char::from(delim)).map(str::to_string).collect())
    }

    /// A stray quote names its cell as written: after a closed quote, inside an unquoted
    /// value, in the last cell. (The cell ends at the next delimiter: of `"Иван "Ваня", Петров"`
    /// it shows `"Иван "Ваня"`, which is where the quoting went wrong. A stray on a record's
    /// later line is told as the first line's unclosed quote, by `spanning`.)
    #[test]
    fn a_stray_quote_names_its_cell() {
        let cell = |lines: &[&str]| {
            let mut p = QuoteParser {
                state: State::FieldStart,
                cur: String::new(),
            };
            let mut row = Row::default();
            for l in lines {
                if let Feed::Stray { field, start, end } = p.feed(l, b',', &mut row) {
                    return Some((field, l[start..end].to_string()));
                }
            }
            None
        };
        assert_eq!(cell(&["a,\"vera\"x,b"]), Some((1, "\"vera\"x".into())));
        assert_eq!(cell(&["a,7916\",b"]), Some((1, "7916\"".into())));
        assert_eq!(cell(&["a,b,7916\""]), Some((2, "7916\"".into())));
        assert_eq!(cell(&["a,\"ok\",b"]), None);
    }

    #[test]
    fn word_at_a_time_split_equals_a_plain_split() {
        let parts = [
            "",
            "a",
            ";",
            ",",
            "\"",
            "Оплачен",
            "12 500,50",
            "x;y;z",
            "\u{a0}руб.",
        ];
        for delim in [b';', b',', b'\t', b'|'] {
            for a in parts {
                for b in parts {
                    for c in parts {
                        let text = format!("{a}{b};{c}{a},{b}|{c}");
                        let mut bounds = Vec::new();
                        let ok = split_unquoted(&text, delim, &mut bounds);
                        let got = ok.then(|| {
                            bounds
                                .iter()
                                .map(|&(a, b)| text[a as usize..b as usize].to_string())
                                .collect()
                        });
                        assert_eq!(got, split_reference(&text, delim), "{text:?} {delim}");
                    }
                }
            }
        }
    }
}
