//! Cell normalisers: one pure function per wire format, `(raw, &mut out) -> Outcome`.
//!
//! Each writes the normalised value into a reused `String` (no allocation on the fast path
//! where the value is already normal) and says whether it changed it, or why it cannot. For
//! an `Invalid` outcome `out` holds the suggested replacement, or is empty when none is known.
//! Owns value syntax only: row-level rules (future dates, goal lists, duplicates) are in
//! [`crate::validate`].

pub mod datetime;
pub mod email;
pub mod ident;
pub mod money;
pub mod phone;

pub use datetime::{LocalDateTime, format_crm, parse_local};
pub use email::{email, email_list};
pub use ident::{
    client_id_list, client_type, currency, digits_id, flag, goal_list, md5_hex, md5_list,
    product_list, seconds,
};
pub use money::{money, number};

pub(crate) use crate::codes::IssueCode;
pub use phone::{call_phone, phone, phone_list};

/// What a normaliser did with one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Already normal; `out` holds the same text (trimmed).
    Same,
    /// Rewritten into `out`; the code names the change (`phone_normalized`).
    Changed(IssueCode),
    /// Not acceptable; the code names the problem; `out` holds a suggestion or is empty.
    Invalid(IssueCode),
}

impl Outcome {
    pub fn is_invalid(self) -> bool {
        matches!(self, Outcome::Invalid(_))
    }
}

/// Whitespace including the no-break spaces Excel and 1C use as thousands separators.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}' || c == '\u{2009}' || c == '\u{feff}'
}

#[inline]
pub fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&a), Some(&b)) if a > b' ' && a < 0x80 && b > b' ' && b < 0x80 => s,
        _ => trim_non_ascii(s),
    }
}

/// A byte that starts a character [`is_space`] can never be: every such character is ASCII
/// up to `' '` or starts with 0xC2 (U+0085, U+00A0), 0xE1 (U+1680), 0xE2 (U+2000–U+205F),
/// 0xE3 (U+3000) or 0xEF (U+FEFF).
fn never_space_lead(b: u8) -> bool {
    b > b' ' && !matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF)
}

/// [`trim`] when an end is blank or not ASCII: ends that cannot start a space (Cyrillic
/// letters, `₽`…) are recognised by their first byte alone.
#[inline(never)]
fn trim_non_ascii(s: &str) -> &str {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return s;
    };
    // The first byte of the last character: step back over continuation bytes.
    let mut i = b.len() - 1;
    while i > 0 && (0x80..0xC0).contains(&b[i]) {
        i -= 1;
    }
    if never_space_lead(first) && never_space_lead(b[i]) {
        s
    } else {
        trim_slow(s)
    }
}

/// [`trim`] when an end is blank or not ASCII: the same as `s.trim_matches(is_space)`.
fn trim_slow(s: &str) -> &str {
    let mut t = s;
    while let Some(c) = t.chars().next().filter(|&c| is_space(c)) {
        t = &t[c.len_utf8()..];
    }
    while let Some(c) = t.chars().next_back().filter(|&c| is_space(c)) {
        t = &t[..t.len() - c.len_utf8()];
    }
    t
}

/// Split a multi-value cell on `,` and `;` (and, when `spaces`, on blanks), skipping empties.
pub(crate) fn split_list(s: &str, spaces: bool) -> impl Iterator<Item = &str> {
    s.split(move |c: char| c == ',' || c == ';' || (spaces && is_space(c)))
        .map(trim)
        .filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_matches_trimming_by_is_space_on_every_mix_of_ends() {
        let ends = [
            "", " ", "\u{a0}", "\u{202f}", "\u{feff}", "\t", "я", "x", "\u{3000}", " я", "\u{85}",
            "\u{2028}", "€", "😀", "ё",
        ];
        for a in ends {
            for b in ends {
                for mid in ["", "Оплачен", "12 500", "x", " "] {
                    let s = format!("{a}{mid}{b}");
                    assert_eq!(trim(&s), s.trim_matches(is_space), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn no_space_character_starts_with_a_byte_the_fast_trim_takes_for_a_non_space() {
        for c in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| is_space(c))
        {
            let mut buf = [0u8; 4];
            let lead = c.encode_utf8(&mut buf).as_bytes()[0];
            assert!(!never_space_lead(lead), "{c:?}");
        }
    }
}
