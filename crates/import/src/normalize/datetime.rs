//! Date/time text → civil date-time: every §5.8 pattern, Excel's single-digit hours
//! (`06.11.2026 9:05`), ISO 8601 with `T`, fractions and an offset (`2026-11-06T09:05:00+03:00`).
//!
//! A hand-written byte parser: it is on the hot path of every CRM row and must not allocate.
//! Time-zone conversion and the future/window rules are in [`crate::validate`].

use jiff::civil::DateTime;
use jiff::tz::Offset;
use std::fmt::Write as _;

/// One parsed date or date-time, as written in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalDateTime {
    pub dt: DateTime,
    /// False for date-only values (time is then 00:00:00).
    pub has_time: bool,
    /// An explicit offset (`Z`, `+03:00`), meaning the value is an instant, not wall-clock.
    pub offset: Option<Offset>,
    /// Exactly one of the §5.8 patterns (no rewrite needed for Metrica to accept it).
    pub accepted: bool,
}

struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    /// Read 1..=max digits; returns (value, count).
    fn digits(&mut self, max: usize) -> Option<(i32, usize)> {
        let start = self.i;
        let mut v: i32 = 0;
        while self.i < self.b.len() && self.i - start < max && self.b[self.i].is_ascii_digit() {
            v = v * 10 + i32::from(self.b[self.i] - b'0');
            self.i += 1;
        }
        let n = self.i - start;
        (n > 0).then_some((v, n))
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

/// Parse one date or date-time (trimmed by the caller). `None` when it is no known shape or
/// not a real calendar date.
pub fn parse_local(s: &str) -> Option<LocalDateTime> {
    let mut c = Cur {
        b: s.as_bytes(),
        i: 0,
    };
    let (a, an) = c.digits(4)?;
    let (year, month, day, iso, date_ok);
    if an == 4 && c.eat(b'-') {
        let (m, mn) = c.digits(2)?;
        if !c.eat(b'-') {
            return None;
        }
        let (d, dn) = c.digits(2)?;
        (year, month, day, iso, date_ok) = (a, m, d, true, mn == 2 && dn == 2);
    } else if an == 4 && (c.eat(b'.') || c.eat(b'/')) {
        // `2026.12.01`, `2026/12/01`: year first, then month and day, as in ISO.
        let sep = c.b[c.i - 1];
        let (m, _) = c.digits(2)?;
        if !c.eat(sep) {
            return None;
        }
        let (d, _) = c.digits(2)?;
        (year, month, day, iso, date_ok) = (a, m, d, false, false);
    } else if an <= 2 && (c.eat(b'.') || c.eat(b'/') || c.eat(b'-')) {
        let sep = c.b[c.i - 1];
        let (m, mn) = c.digits(2)?;
        if !c.eat(sep) {
            return None;
        }
        let (y, yn) = c.digits(4)?;
        let y = match yn {
            // `26-11-06` could be year-first: with dashes only a four-digit year is read.
            2 if sep != b'-' => 2000 + y,
            4 => y,
            _ => return None,
        };
        (year, month, day, iso, date_ok) = (y, m, a, false, an == 2 && mn == 2 && sep == b'.');
    } else {
        return None;
    }
    let mut accepted = date_ok;
    let (mut hh, mut mm, mut ss, mut ns, mut has_time, mut offset) = (0, 0, 0, 0, false, None);
    if !c.done() {
        let t = c.peek()?;
        if t == b'T' && iso {
            c.i += 1;
            accepted = false;
        } else if t == b' ' {
            while c.eat(b' ') {}
        } else {
            return None;
        }
        let (h, hn) = c.digits(2)?;
        // `10:00`, or 1C's `10.00`.
        let tsep = if c.eat(b':') {
            b':'
        } else if c.eat(b'.') {
            b'.'
        } else {
            return None;
        };
        let (m, mn) = c.digits(2)?;
        if mn != 2 {
            return None;
        }
        accepted &= hn == 2 && tsep == b':';
        (hh, mm, has_time) = (h, m, true);
        if c.eat(tsep) {
            let (sec, sn) = c.digits(2)?;
            if sn != 2 {
                return None;
            }
            ss = sec;
            if c.eat(b'.') || c.eat(b',') {
                let start = c.i;
                let (f, fnn) = c.digits(9)?;
                let _ = start;
                ns = f * 10i32.pow(9 - fnn as u32);
                accepted = false;
            }
        }
        while c.eat(b' ') {}
        if !c.done() {
            accepted = false;
            if c.eat(b'Z') || c.eat(b'z') {
                offset = Some(Offset::UTC);
            } else {
                let sign = match c.peek()? {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                c.i += 1;
                let (oh, ohn) = c.digits(2)?;
                if ohn != 2 {
                    return None;
                }
                c.eat(b':');
                let om = c.digits(2).map_or(0, |(v, _)| v);
                let secs = sign * (oh * 3600 + om * 60);
                offset = Some(Offset::from_seconds(secs).ok()?);
            }
            if !c.done() {
                return None;
            }
        }
    }
    let dt = DateTime::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
        i8::try_from(hh).ok()?,
        i8::try_from(mm).ok()?,
        i8::try_from(ss).ok()?,
        ns,
    )
    .ok()?;
    Some(LocalDateTime {
        dt,
        has_time,
        offset,
        accepted,
    })
}

/// `1481718166.12345` → `1481718166`: Unix seconds with a fraction, which Yandex accepts and
/// reads as the whole second (docs/metrika-api.md §4.2). `None` for anything else.
pub fn truncate_fractional_seconds(s: &str) -> Option<&str> {
    let (int, frac) = s.split_once('.')?;
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    (digits(int) && digits(frac)).then_some(int)
}

/// Write `yyyy-MM-dd HH:mm:ss` (or `yyyy-MM-dd` when `has_time` is false) into `out`.
pub fn format_crm(dt: &DateTime, has_time: bool, out: &mut String) {
    out.clear();
    let y = dt.year();
    if (0..=9999).contains(&y) {
        let y = y as u16;
        for d in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10] {
            out.push(char::from(b'0' + d as u8));
        }
    } else {
        let _ = write!(out, "{y:04}");
    }
    let two = |out: &mut String, sep: char, v: i8| {
        out.push(sep);
        out.push(char::from(b'0' + (v / 10) as u8));
        out.push(char::from(b'0' + (v % 10) as u8));
    };
    two(out, '-', dt.month());
    two(out, '-', dt.day());
    if has_time {
        two(out, ' ', dt.hour());
        two(out, ':', dt.minute());
        two(out, ':', dt.second());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn fractional_unix_seconds_truncate_to_the_whole_second() {
        assert_eq!(
            truncate_fractional_seconds("1481718166.12345"),
            Some("1481718166")
        );
        assert_eq!(truncate_fractional_seconds("1481718166"), None);
        assert_eq!(truncate_fractional_seconds("1481718166."), None);
        assert_eq!(truncate_fractional_seconds("14.11.2026"), None);
        assert_eq!(truncate_fractional_seconds("-5.5"), None);
    }

    fn p(s: &str) -> LocalDateTime {
        parse_local(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn reads_every_metrica_datetime_pattern_as_accepted() {
        for s in [
            "06.11.2026 09:05:00",
            "06.11.26 09:05",
            "06.11.2026 09:05",
            "06.11.26 09:05:00",
            "2026-11-06 09:05:00",
            "2026-11-06 09:05",
        ] {
            let v = p(s);
            assert!(v.accepted && v.has_time, "{s}");
            assert_eq!(v.dt.date(), date(2026, 11, 6), "{s}");
            assert_eq!((v.dt.hour(), v.dt.minute()), (9, 5), "{s}");
        }
    }

    #[test]
    fn reads_the_shapes_russian_exports_also_write_as_changed() {
        for s in [
            "06.11.2026 09.05",
            "06-11-2026 09:05",
            "2026.11.06 09:05",
            "2026/11/06 09:05",
            "06.11.2026 09.05.00",
        ] {
            let v = p(s);
            assert!(!v.accepted && v.has_time, "{s}");
            assert_eq!(v.dt.date(), date(2026, 11, 6), "{s}");
            assert_eq!((v.dt.hour(), v.dt.minute()), (9, 5), "{s}");
        }
        assert!(parse_local("31.11.2026 10:00").is_none());
        assert!(parse_local("06.11.2026 09-05").is_none());
    }

    #[test]
    fn reads_date_only_patterns() {
        for s in ["06.11.2026", "06.11.26", "2026-11-06"] {
            let v = p(s);
            assert!(v.accepted && !v.has_time, "{s}");
            assert_eq!(v.dt.date(), date(2026, 11, 6));
        }
    }

    #[test]
    fn reads_single_digit_hour_as_not_accepted() {
        let v = p("06.11.2026 9:05");
        assert!(!v.accepted);
        assert_eq!(v.dt.hour(), 9);
    }

    #[test]
    fn reads_iso_with_offset_as_an_instant() {
        let v = p("2026-11-06T09:05:00+03:00");
        assert_eq!(v.offset, Some(Offset::from_seconds(3 * 3600).unwrap()));
        assert!(!v.accepted);
        assert_eq!(p("2026-11-06T06:05:00.123Z").offset, Some(Offset::UTC));
    }

    #[test]
    fn refuses_impossible_dates_and_garbage() {
        for s in [
            "31.02.2026",
            "2026-13-01",
            "06.11.2026 25:00",
            "yesterday",
            "06-11-2026 9:5",
            "26-11-06",
            "2026-11-06 9",
        ] {
            assert!(parse_local(s).is_none(), "{s}");
        }
    }

    #[test]
    fn formats_crm_output_with_seconds() {
        let mut o = String::new();
        format_crm(&p("06.11.2026 9:05").dt, true, &mut o);
        assert_eq!(o, "2026-11-06 09:05:00");
        format_crm(&p("06.11.2026").dt, false, &mut o);
        assert_eq!(o, "2026-11-06");
    }
}
