//! Phones. CRM lists (§5.8): digits with country code, `8…` → `7…`, 10-digit numbers get
//! `7`, several numbers in one cell (`,` `;` or blanks) → comma list. Calls (§4.5): one
//! number, `+` and digits.

use super::{IssueCode, Outcome, is_space, split_list, trim};

fn is_phone_punct(c: char) -> bool {
    is_space(c) || matches!(c, '+' | '(' | ')' | '-' | '.' | '–' | '—' | '/')
}

/// Digits of one number with the Russian habits fixed, appended to `out`; false if not a phone.
fn push_one(part: &str, out: &mut String) -> bool {
    let start = out.len();
    let mut n = 0;
    for c in part.chars() {
        if c.is_ascii_digit() {
            out.push(c);
            n += 1;
        } else if !is_phone_punct(c) {
            out.truncate(start);
            return false;
        }
    }
    let first = out.as_bytes().get(start).copied();
    match (n, first) {
        (11, Some(b'8')) => out.replace_range(start..start + 1, "7"),
        (10, _) => out.insert(start, '7'),
        (11..=15, _) => {}
        _ => {
            out.truncate(start);
            return false;
        }
    }
    true
}

fn digit_count(s: &str) -> usize {
    s.bytes().filter(u8::is_ascii_digit).count()
}

/// Normalise a CRM `phones` cell into `79161234567,79031112233`.
pub fn phone_list(raw: &str, out: &mut String) -> Outcome {
    out.clear();
    let s = trim(raw);
    if !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_digit() || b == b',')
        && s.split(',').all(|p| p.len() == 11 && p.starts_with('7'))
    {
        out.push_str(s);
        return if s.len() == raw.len() {
            Outcome::Same
        } else {
            Outcome::Changed(IssueCode::PhoneNormalized)
        };
    }
    if let Some(o) = one_ascii_phone(s, raw, out) {
        return o;
    }
    if !s.bytes().any(|b| b == b',' || b == b';') && digit_count(s) <= 15 {
        return phone(raw, out);
    }
    for part in split_list(s, false) {
        if digit_count(part) <= 15 {
            if !out.is_empty() {
                out.push(',');
            }
            if !push_one(part, out) {
                out.clear();
                return Outcome::Invalid(IssueCode::InvalidPhone);
            }
            continue;
        }
        // Several numbers separated by blanks: group tokens until a number is complete.
        let mut group_start: Option<usize> = None;
        let mut digits = 0;
        // (byte offset, token): offsets from `char_indices`, since a blank may take up to
        // three bytes (U+2000…, U+3000 from a UTF-16 file read as another encoding).
        let mut tokens: Vec<(usize, &str)> = Vec::new();
        let mut token_start = None;
        for (i, c) in part.char_indices() {
            if is_space(c) {
                if let Some(s) = token_start.take() {
                    tokens.push((s, &part[s..i]));
                }
            } else if token_start.is_none() {
                token_start = Some(i);
            }
        }
        if let Some(s) = token_start {
            tokens.push((s, &part[s..]));
        }
        for (at, t) in tokens {
            let start = *group_start.get_or_insert(at);
            digits += digit_count(t);
            let end = at + t.len();
            let complete = match digits {
                11 => true,
                10 => {
                    let g = &part[start..end];
                    let lead = g.trim_start_matches(|c: char| !c.is_ascii_digit());
                    !(lead.starts_with('7') || lead.starts_with('8'))
                }
                _ => false,
            };
            if complete {
                if !out.is_empty() {
                    out.push(',');
                }
                if !push_one(&part[start..end], out) {
                    out.clear();
                    return Outcome::Invalid(IssueCode::InvalidPhone);
                }
                group_start = None;
                digits = 0;
            } else if digits > 11 {
                out.clear();
                return Outcome::Invalid(IssueCode::InvalidPhone);
            }
        }
        if group_start.is_some() {
            out.clear();
            return Outcome::Invalid(IssueCode::InvalidPhone);
        }
    }
    if out.is_empty() {
        return Outcome::Invalid(IssueCode::InvalidPhone);
    }
    if out == s && s.len() == raw.len() {
        Outcome::Same
    } else {
        Outcome::Changed(IssueCode::PhoneNormalized)
    }
}

/// The common case of [`phone_list`] in one pass: `s` (the trimmed `raw`) is one number of
/// at most 15 digits written with ASCII digits, blanks and `+()-./` only. `None`: anything
/// else, for the general path. Gives what [`phone`] gives for such a cell.
fn one_ascii_phone(s: &str, raw: &str, out: &mut String) -> Option<Outcome> {
    let mut digits = [0u8; 15];
    let mut n = 0;
    for &b in s.as_bytes() {
        if b.is_ascii_digit() {
            *digits.get_mut(n)? = b;
            n += 1;
        } else if !matches!(b, b' ' | b'+' | b'(' | b')' | b'-' | b'.' | b'/') {
            return None;
        }
    }
    out.clear();
    let digits = match (n, digits[0]) {
        (11, b'8') => {
            out.push('7');
            &digits[1..11]
        }
        (10, _) => {
            out.push('7');
            &digits[..10]
        }
        (11..=15, _) => &digits[..n],
        _ => return Some(Outcome::Invalid(IssueCode::InvalidPhone)),
    };
    out.extend(digits.iter().map(|&d| char::from(d)));
    Some(if out == raw {
        Outcome::Same
    } else {
        Outcome::Changed(IssueCode::PhoneNormalized)
    })
}

/// Normalise one CRM phone (no list).
pub fn phone(raw: &str, out: &mut String) -> Outcome {
    out.clear();
    if !push_one(trim(raw), out) {
        out.clear();
        return Outcome::Invalid(IssueCode::InvalidPhone);
    }
    if out == raw {
        Outcome::Same
    } else {
        Outcome::Changed(IssueCode::PhoneNormalized)
    }
}

/// Normalise a calls `PhoneNumber`: `+` then digits with country code.
pub fn call_phone(raw: &str, out: &mut String) -> Outcome {
    out.clear();
    out.push('+');
    if !push_one(trim(raw), out) {
        out.clear();
        return Outcome::Invalid(IssueCode::InvalidPhone);
    }
    if out == raw {
        Outcome::Same
    } else {
        Outcome::Changed(IssueCode::PhoneNormalized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(s: &str) -> (Outcome, String) {
        let mut o = String::new();
        (phone_list(s, &mut o), o)
    }

    /// Fuzz crash: blanks of two or three bytes (U+2000, U+3000) between the numbers of a list
    /// shifted the token offsets off character boundaries (a panic on slicing).
    #[test]
    fn multi_byte_blanks_between_numbers_do_not_panic() {
        let (_, out) = l("7916999887\u{3000}1 79031112233");
        assert!(!out.is_empty());
        let _ = l("7916999887<\u{3700}\u{2000}\u{4004}\u{3000}\u{3000}12");
        assert_eq!(
            l("79031112233\u{2003}79261234567").1,
            "79031112233,79261234567"
        );
    }

    #[test]
    fn keeps_normal_phone_lists_unchanged() {
        assert_eq!(
            l("79031112233,79261234567"),
            (Outcome::Same, "79031112233,79261234567".into())
        );
    }

    #[test]
    fn strips_plus_brackets_spaces_and_dashes() {
        assert_eq!(l("+7 (916) 123-45-67").1, "79161234567");
    }

    #[test]
    fn turns_leading_eight_into_seven() {
        assert_eq!(l("8 903 111-22-33").1, "79031112233");
    }

    #[test]
    fn prefixes_ten_digit_numbers_with_seven() {
        assert_eq!(l("9161234567").1, "79161234567");
    }

    #[test]
    fn splits_several_numbers_in_one_cell() {
        assert_eq!(
            l("8 916 123-45-67; +7 903 111 22 33").1,
            "79161234567,79031112233"
        );
        assert_eq!(l("89161234567 89031112233").1, "79161234567,79031112233");
        assert_eq!(
            l("916 123 45 67 903 111 22 33").1,
            "79161234567,79031112233"
        );
    }

    #[test]
    fn one_pass_path_equals_the_general_one_on_every_mix_of_parts() {
        let parts = [
            "", "7", "8", "9", "916", "123", "45", "+", " ", "(", ")", "-", ".", "/", "\t", ",",
            "\u{a0}", "я", "1234567", "00",
        ];
        let mut n = 0u64;
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in ["", "4567", " ", "12345678"] {
                        let raw = format!("{a}{b}{c}{d}");
                        let s = trim(&raw);
                        let mut fast = String::new();
                        let Some(o) = one_ascii_phone(s, &raw, &mut fast) else {
                            continue;
                        };
                        n += 1;
                        let mut slow = String::new();
                        assert_eq!((o, &fast), (phone(&raw, &mut slow), &slow), "{raw:?}");
                    }
                }
            }
        }
        assert!(n > 1000, "{n}");
    }

    #[test]
    fn refuses_text_and_short_numbers() {
        assert_eq!(l("нет").0, Outcome::Invalid(IssueCode::InvalidPhone));
        assert_eq!(l("12345").0, Outcome::Invalid(IssueCode::InvalidPhone));
    }

    #[test]
    fn call_phones_keep_the_plus() {
        let mut o = String::new();
        assert_eq!(call_phone("+74951234567", &mut o), Outcome::Same);
        assert_eq!(
            call_phone("8 (495) 123-45-67", &mut o),
            Outcome::Changed(IssueCode::PhoneNormalized)
        );
        assert_eq!(o, "+74951234567");
    }
}
