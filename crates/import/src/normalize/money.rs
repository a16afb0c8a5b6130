//! Money: `12 500,50 руб.`, `₽ 1 234.5`, `$99`, `2'990.00` → dot decimal (`12500.50`).
//!
//! Spaces (incl. U+00A0, U+202F) and apostrophes are thousands separators; with both `,` and
//! `.` the last one is the decimal mark; a single `,` is a decimal comma (Russian habit).
//! Currency words and symbols around the number are dropped (the currency column says it).

use super::{IssueCode, Outcome, is_space, trim};

fn is_plain_decimal(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !b[0].is_ascii_digit() || !b[b.len() - 1].is_ascii_digit() {
        return false;
    }
    let mut dots = 0;
    for &c in b {
        if c == b'.' {
            dots += 1;
        } else if !c.is_ascii_digit() {
            return false;
        }
    }
    dots <= 1
}

fn is_affix_char(c: char) -> bool {
    matches!(c, 'а'..='я' | 'А'..='Я' | 'a'..='z' | 'A'..='Z' | ' ' | '.' | '\u{a0}')
        || matches!(c, '₽' | '$' | '€' | '£' | '¥' | '₸')
        || c.is_alphabetic()
        || is_space(c)
}

/// Normalise one amount. Negative amounts are refused (`negative_money`).
pub fn money(raw: &str, out: &mut String) -> Outcome {
    out.clear();
    let s = trim(raw);
    if is_plain_decimal(s) {
        out.push_str(s);
        return if s.len() == raw.len() {
            Outcome::Same
        } else {
            Outcome::Changed(IssueCode::MoneyNormalized)
        };
    }
    if let Some(o) = grouped_ascii(s, out) {
        return o;
    }
    if let Some(o) = ascii_with_suffix(s, out) {
        return o;
    }
    general(s, out)
}

/// Normalise one number (a `numeric` contact attribute): read as an amount is (spaces, a decimal
/// comma), and said as a number, not a sum: `invalid_number`, `number_normalized`. A minus is
/// kept: a number, unlike an amount, may be below zero.
pub fn number(raw: &str, out: &mut String) -> Outcome {
    let s = trim(raw);
    let (minus, rest) = match s.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let o = match money(rest, out) {
        Outcome::Invalid(_) => {
            out.clear();
            return Outcome::Invalid(IssueCode::InvalidNumber);
        }
        Outcome::Changed(_) => Outcome::Changed(IssueCode::NumberNormalized),
        Outcome::Same if s.len() != raw.len() || s.starts_with('\u{2212}') => {
            Outcome::Changed(IssueCode::NumberNormalized)
        }
        Outcome::Same => Outcome::Same,
    };
    if minus {
        out.insert(0, '-');
    }
    o
}

/// `12500 руб.`: an amount [`grouped_ascii`] reads, then currency words or signs. Same result
/// as [`general`] (tested against it); `None` for any other shape.
fn ascii_with_suffix(s: &str, out: &mut String) -> Option<Outcome> {
    let b = s.as_bytes();
    if !b.first()?.is_ascii_digit() {
        return None;
    }
    let last = b.iter().rposition(u8::is_ascii_digit)?;
    // `last` is an ASCII byte, so a character boundary follows it.
    let (core, suffix) = s.split_at(last + 1);
    if !suffix.chars().all(is_affix_char) {
        return None;
    }
    grouped_ascii(core, out)
}

/// The common `12 500,50` / `1,234.50` shape, byte by byte: digits first and last, only
/// digits, blanks, `,` `.` `'` between. Same rules as [`general`] (tested against it); `None`
/// for any other shape.
fn grouped_ascii(s: &str, out: &mut String) -> Option<Outcome> {
    let b = s.as_bytes();
    if !b.first()?.is_ascii_digit()
        || !b.last()?.is_ascii_digit()
        || !b
            .iter()
            .all(|&c| c.is_ascii_digit() || matches!(c, b' ' | b',' | b'.' | b'\''))
    {
        return None;
    }
    let (mut commas, mut dots, mut last_comma, mut last_dot) = (0, 0, None, None);
    for (i, &c) in b.iter().enumerate() {
        if c == b',' {
            commas += 1;
            last_comma = Some(i);
        } else if c == b'.' {
            dots += 1;
            last_dot = Some(i);
        }
    }
    let decimal = match (last_comma, last_dot) {
        (Some(c), Some(d)) => Some(c.max(d)),
        (Some(c), None) if commas == 1 => Some(c),
        (None, Some(d)) if dots == 1 => Some(d),
        _ => None,
    };
    for (i, &c) in b.iter().enumerate() {
        if c.is_ascii_digit() {
            out.push(char::from(c));
        } else if Some(i) == decimal {
            out.push('.');
        } else if decimal.is_some_and(|d| i > d) {
            out.clear();
            return Some(Outcome::Invalid(IssueCode::InvalidMoney));
        }
    }
    Some(Outcome::Changed(IssueCode::MoneyNormalized))
}

/// A normalised amount (`1.500`) whose fraction is three digits after one to three digits
/// (not `0.…`): written so, it is as often a thousands separator (`1.500` for 1 500 in a
/// German-style export, `1,500` in an English one) as a fraction. Money has two decimals in
/// the currencies a shop uses, so it is said as a warning, not read silently 1000 times
/// smaller.
pub fn thousands_like(normalised: &str) -> bool {
    let Some((int, frac)) = normalised.split_once('.') else {
        return false;
    };
    (1..=3).contains(&int.len())
        && !int.starts_with('0')
        && frac.len() == 3
        && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
}

/// Any other amount: currency words and signs around the number, non-ASCII blanks.
fn general(s: &str, out: &mut String) -> Outcome {
    let Some(first) = s.find(|c: char| c.is_ascii_digit()) else {
        return Outcome::Invalid(IssueCode::InvalidMoney);
    };
    let last = s.rfind(|c: char| c.is_ascii_digit()).unwrap_or(first);
    let (prefix, core, suffix) = (&s[..first], &s[first..=last], &s[last + 1..]);
    let mut negative = false;
    for c in prefix.chars() {
        if c == '-' || c == '−' {
            negative = true;
        } else if !(is_affix_char(c) || c == '+') {
            return Outcome::Invalid(IssueCode::InvalidMoney);
        }
    }
    if !suffix.chars().all(is_affix_char) {
        return Outcome::Invalid(IssueCode::InvalidMoney);
    }
    let last_comma = core.rfind(',');
    let last_dot = core.rfind('.');
    let commas = core.matches(',').count();
    let dots = core.matches('.').count();
    let decimal = match (last_comma, last_dot) {
        (Some(c), Some(d)) => Some(c.max(d)),
        (Some(c), None) if commas == 1 => Some(c),
        (None, Some(d)) if dots == 1 => Some(d),
        _ => None,
    };
    for (i, c) in core.char_indices() {
        if c.is_ascii_digit() {
            out.push(c);
        } else if Some(i) == decimal {
            out.push('.');
        } else if c == ',' || c == '.' || c == '\'' || is_space(c) {
            if decimal.is_some_and(|d| i > d) {
                out.clear();
                return Outcome::Invalid(IssueCode::InvalidMoney);
            }
        } else {
            out.clear();
            return Outcome::Invalid(IssueCode::InvalidMoney);
        }
    }
    if negative {
        return Outcome::Invalid(IssueCode::NegativeMoney);
    }
    Outcome::Changed(IssueCode::MoneyNormalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A number attribute reads as an amount does, says «число» and keeps a minus.
    #[test]
    fn a_number_is_read_like_an_amount_and_may_be_negative() {
        let n = |raw: &str| {
            let mut out = String::new();
            let o = number(raw, &mut out);
            (o, out)
        };
        assert_eq!(n("1500"), (Outcome::Same, "1500".into()));
        assert_eq!(n("-3"), (Outcome::Same, "-3".into()));
        assert_eq!(
            n("1 500,5"),
            (
                Outcome::Changed(IssueCode::NumberNormalized),
                "1500.5".into()
            )
        );
        assert_eq!(
            n("\u{2212}2,5"),
            (Outcome::Changed(IssueCode::NumberNormalized), "-2.5".into())
        );
        assert_eq!(
            n(" 7 "),
            (Outcome::Changed(IssueCode::NumberNormalized), "7".into())
        );
        assert_eq!(
            n("сто"),
            (Outcome::Invalid(IssueCode::InvalidNumber), String::new())
        );
        assert_eq!(n("--5").0, Outcome::Invalid(IssueCode::InvalidNumber));
    }

    fn n(s: &str) -> (Outcome, String) {
        let mut o = String::new();
        let r = money(s, &mut o);
        (r, o)
    }

    #[test]
    fn three_digits_after_one_separator_read_like_thousands() {
        for (raw, like) in [
            ("1.500", true),
            ("1,500", true),
            ("100,000", true),
            ("999.999 руб.", true),
            ("0.500", false),
            ("1500", false),
            ("1.50", false),
            ("1 234,567", false),
            ("12,345,678", false),
            ("1.5000", false),
        ] {
            let (o, out) = n(raw);
            assert!(!o.is_invalid(), "{raw}");
            assert_eq!(thousands_like(&out), like, "{raw} → {out}");
        }
    }

    #[test]
    fn grouped_fast_path_agrees_with_the_general_rules() {
        let parts = ["1", "23", "456", " ", ",", ".", "'", "0"];
        let mut seen = 0;
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in parts {
                        let s = format!("7{a}{b}{c}{d}9");
                        let (mut fast, mut slow) = (String::new(), String::new());
                        if let Some(o) = grouped_ascii(&s, &mut fast) {
                            assert_eq!((o, &fast), (general(&s, &mut slow), &slow), "{s:?}");
                            seen += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(seen, 8 * 8 * 8 * 8);
        assert_eq!(grouped_ascii("12 руб", &mut String::new()), None);
    }

    #[test]
    fn suffixed_fast_path_agrees_with_the_general_rules() {
        let parts = ["1", "23", " ", ",", ".", "'", "\u{a0}", "р"];
        let suffixes = [
            "",
            " руб.",
            "\u{a0}руб.",
            " р.",
            "₽",
            " $",
            "x",
            " 1",
            "-",
            "\u{a0}",
            "€ ",
            "!",
        ];
        let mut seen = 0;
        for a in parts {
            for b in parts {
                for c in parts {
                    for suffix in suffixes {
                        let s = format!("7{a}{b}{c}9{suffix}");
                        let (mut fast, mut slow) = (String::new(), String::new());
                        if let Some(o) = ascii_with_suffix(&s, &mut fast) {
                            assert_eq!((o, &fast), (general(&s, &mut slow), &slow), "{s:?}");
                            seen += 1;
                        }
                    }
                }
            }
        }
        assert!(seen > 2000, "{seen}");
        assert_eq!(n("12500\u{a0}руб.").1, "12500");
    }

    #[test]
    fn keeps_plain_dot_decimals_unchanged() {
        assert_eq!(n("18450.00"), (Outcome::Same, "18450.00".into()));
        assert_eq!(n("0"), (Outcome::Same, "0".into()));
    }

    #[test]
    fn turns_spaces_and_nbsp_and_decimal_comma_into_dot_decimal() {
        assert_eq!(n("12\u{a0}500,50").1, "12500.50");
        assert_eq!(n("8 000,00").1, "8000.00");
        assert_eq!(n("349,9").1, "349.9");
        assert_eq!(n("1\u{202f}234,5").1, "1234.5");
    }

    #[test]
    fn drops_currency_words_and_symbols() {
        assert_eq!(n("12 500,50 руб.").1, "12500.50");
        assert_eq!(n("₽ 990").1, "990");
        assert_eq!(n("$99.95").1, "99.95");
        assert_eq!(n("1500 р.").1, "1500");
    }

    #[test]
    fn reads_the_last_mark_as_decimal_when_both_are_present() {
        assert_eq!(n("1,234.50").1, "1234.50");
        assert_eq!(n("1.234,50").1, "1234.50");
        assert_eq!(n("1.234.567").1, "1234567");
    }

    #[test]
    fn refuses_negative_and_non_numeric_amounts() {
        assert_eq!(n("-5").0, Outcome::Invalid(IssueCode::NegativeMoney));
        assert_eq!(n("abc").0, Outcome::Invalid(IssueCode::InvalidMoney));
        assert_eq!(n("12 3x4").0, Outcome::Invalid(IssueCode::InvalidMoney));
    }
}
