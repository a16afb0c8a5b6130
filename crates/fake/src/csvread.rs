//! A strict, streaming RFC 4180 reader used to validate uploaded files the way a careful
//! server would: it refuses unbalanced and stray quotes (instead of silently gluing lines
//! together) and reports physical line numbers. It reads from any `BufRead` with a reusable
//! record buffer, so a 1 GB file is validated in bounded memory. It does not decode text
//! (callers check UTF-8 per field) and does not know column meanings.

use std::io::BufRead;

use crate::error::FakeError as CsvError;

/// One parsed record; reused between calls to avoid per-row allocation.
#[derive(Debug, Default, Clone)]
pub struct Record {
    /// Physical line (1-based) where the record starts.
    pub line: u64,
    buf: Vec<u8>,
    ends: Vec<usize>,
}

impl Record {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.buf[start..end])
    }

    /// The field as UTF-8 text; `None` if out of range, `Some(Err)` if not UTF-8.
    pub fn text(&self, i: usize) -> Option<Result<&str, std::str::Utf8Error>> {
        self.get(i).map(std::str::from_utf8)
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.ends.clear();
    }

    fn end_field(&mut self) {
        self.ends.push(self.buf.len());
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum St {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Streaming strict reader.
pub struct StrictReader<R> {
    inner: R,
    delim: u8,
    line: u64,
    skip_lf: bool,
    eof: bool,
}

impl<R: BufRead> StrictReader<R> {
    pub fn new(inner: R, delim: u8) -> Self {
        StrictReader {
            inner,
            delim,
            line: 1,
            skip_lf: false,
            eof: false,
        }
    }

    /// Reads the next non-blank record. `Ok(false)` at end of input.
    pub fn read(&mut self, rec: &mut Record) -> Result<bool, CsvError> {
        loop {
            if !self.read_raw(rec)? {
                return Ok(false);
            }
            let blank = rec.len() == 1 && rec.get(0).is_some_and(|f| f.is_empty());
            if !blank {
                return Ok(true);
            }
        }
    }

    fn read_raw(&mut self, rec: &mut Record) -> Result<bool, CsvError> {
        rec.clear();
        if self.eof {
            return Ok(false);
        }
        rec.line = self.line;
        let mut st = St::FieldStart;
        let mut field_line = self.line;
        let mut any = false;
        loop {
            let chunk = match self.inner.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(CsvError::Read(e.to_string())),
            };
            if chunk.is_empty() {
                self.eof = true;
                return match st {
                    St::Quoted => Err(CsvError::UnclosedQuote {
                        start_line: field_line,
                    }),
                    _ if !any => Ok(false),
                    _ => {
                        rec.end_field();
                        Ok(true)
                    }
                };
            }
            let mut used = 0;
            let mut done = false;
            for &b in chunk {
                used += 1;
                if self.skip_lf {
                    self.skip_lf = false;
                    if b == b'\n' {
                        self.line += 1;
                        continue;
                    }
                }
                any = true;
                match st {
                    St::FieldStart | St::Unquoted => {
                        if b == self.delim {
                            rec.end_field();
                            st = St::FieldStart;
                        } else if b == b'\n' {
                            self.line += 1;
                            rec.end_field();
                            done = true;
                        } else if b == b'\r' {
                            self.skip_lf = true;
                            rec.end_field();
                            done = true;
                        } else if b == b'"' {
                            if st == St::FieldStart {
                                st = St::Quoted;
                                field_line = self.line;
                            } else {
                                return Err(CsvError::StrayQuote { line: self.line });
                            }
                        } else {
                            rec.buf.push(b);
                            st = St::Unquoted;
                        }
                    }
                    St::Quoted => {
                        if b == b'"' {
                            st = St::QuoteInQuoted;
                        } else {
                            if b == b'\n' {
                                self.line += 1;
                            }
                            rec.buf.push(b);
                        }
                    }
                    St::QuoteInQuoted => {
                        if b == b'"' {
                            rec.buf.push(b'"');
                            st = St::Quoted;
                        } else if b == self.delim {
                            rec.end_field();
                            st = St::FieldStart;
                        } else if b == b'\n' {
                            self.line += 1;
                            rec.end_field();
                            done = true;
                        } else if b == b'\r' {
                            self.skip_lf = true;
                            rec.end_field();
                            done = true;
                        } else {
                            return Err(CsvError::TextAfterQuote {
                                line: self.line,
                                start_line: field_line,
                            });
                        }
                    }
                }
                if done {
                    break;
                }
            }
            self.inner.consume(used);
            if done {
                return Ok(true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &str, delim: u8) -> Result<Vec<Vec<String>>, CsvError> {
        let mut r = StrictReader::new(input.as_bytes(), delim);
        let mut rec = Record::default();
        let mut out = Vec::new();
        while r.read(&mut rec)? {
            out.push(
                (0..rec.len())
                    .map(|i| rec.text(i).unwrap().unwrap().to_string())
                    .collect(),
            );
        }
        Ok(out)
    }

    #[test]
    fn reads_quoted_fields_with_commas_and_doubled_quotes() {
        let rows = all("a,b\n\"x,y\",\"ООО \"\"Р\"\"\"\n", b',').unwrap();
        assert_eq!(rows, vec![vec!["a", "b"], vec!["x,y", "ООО \"Р\""]]);
    }

    #[test]
    fn handles_crlf_and_missing_final_newline() {
        let rows = all("a;b\r\n1;2\r\n3;4", b';').unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2], vec!["3", "4"]);
    }

    #[test]
    fn rejects_stray_quote_with_its_line() {
        let err = all("a,b\n1,2\n3,4\"\n", b',').unwrap_err();
        assert!(matches!(err, CsvError::StrayQuote { line: 3 }), "{err:?}");
    }

    #[test]
    fn rejects_quote_never_closed_naming_the_opening_line() {
        let err = all("a,b\n1,\"2\n3,4\n", b',').unwrap_err();
        assert!(
            matches!(err, CsvError::UnclosedQuote { start_line: 2 }),
            "{err:?}"
        );
    }

    #[test]
    fn rejects_broken_quoting_sample_at_line_two() {
        let text = "id,e,p,s\nD-1,\"a@x.ru,b,,PAID\nD-2,c,,PAID\nD-3,\"v@x.ru\",7916\",PAID\n";
        let err = all(text, b',').unwrap_err();
        assert!(
            matches!(
                err,
                CsvError::TextAfterQuote {
                    line: 4,
                    start_line: 2
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn reports_physical_line_of_each_record() {
        let mut r = StrictReader::new("h\n\"a\nb\"\nc\n".as_bytes(), b',');
        let mut rec = Record::default();
        r.read(&mut rec).unwrap();
        r.read(&mut rec).unwrap();
        assert_eq!(rec.line, 2);
        r.read(&mut rec).unwrap();
        assert_eq!(rec.line, 4);
    }
}
