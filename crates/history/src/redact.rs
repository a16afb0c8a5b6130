//! Masking of contact data in free text the store keeps (server messages can echo a cell).
//! Owns only masking; it does not decide what text is stored.

/// Replaces e-mail addresses with `***@***`, and with `***` any number that looks like a
/// phone or an identifier: 7+ digits in a row, or 10+ digits joined by spaces, dashes, dots,
/// parentheses and a leading `+`. Everything else is kept, so "line 12, column emails" stays readable.
pub fn redact(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' {
            // Drop the local part already written, skip the domain.
            let keep = out.trim_end_matches(|c: char| is_email_char(c)).len();
            let local_len = out.len() - keep;
            let mut j = i + 1;
            while j < chars.len() && is_email_char(chars[j]) {
                j += 1;
            }
            if local_len > 0 && j > i + 1 {
                out.truncate(keep);
                out.push_str("***@***");
                i = j;
                continue;
            }
        }
        if chars[i].is_ascii_digit() || (chars[i] == '+' && next_is_digit(&chars, i)) {
            let mut j = i;
            let (mut digits, mut run, mut longest_run) = (0, 0, 0);
            while j < chars.len() {
                let c = chars[j];
                if c.is_ascii_digit() {
                    digits += 1;
                    run += 1;
                    longest_run = longest_run.max(run);
                } else if !(matches!(c, ' ' | '-' | '(' | ')' | '.') || (c == '+' && j == i))
                    || !next_is_digit_after_separators(&chars, j)
                {
                    break;
                }
                if !c.is_ascii_digit() {
                    run = 0;
                }
                j += 1;
            }
            // 7+ digits in a row (ClientID, bare phone) or 10+ with separators (a spelled-out
            // phone); dates like 2026-11-22 and "12 345 678" stay readable.
            if longest_run >= 7 || digits >= 10 {
                out.push_str("***");
                i = j;
                continue;
            }
            out.extend(&chars[i..j]);
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn is_email_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '%')
}

fn next_is_digit(chars: &[char], i: usize) -> bool {
    chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())
}

fn next_is_digit_after_separators(chars: &[char], mut j: usize) -> bool {
    while j < chars.len() && matches!(chars[j], ' ' | '-' | '(' | ')' | '.' | '+') {
        j += 1;
    }
    chars.get(j).is_some_and(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_emails_but_keeps_the_sentence() {
        assert_eq!(
            redact("строка 3: неверный email ivan.petrov@mail.ru, поле emails"),
            "строка 3: неверный email ***@***, поле emails"
        );
    }

    #[test]
    fn masks_phone_numbers_in_any_spelling() {
        assert_eq!(redact("phone +7 (912) 345-67-89 bad"), "phone *** bad");
        assert_eq!(redact("79123456789;"), "***;");
    }

    #[test]
    fn keeps_short_numbers_like_line_numbers_and_counts() {
        assert_eq!(
            redact("line 12, 345 rows, 2026-11-22"),
            "line 12, 345 rows, 2026-11-22"
        );
    }

    #[test]
    fn masks_long_client_ids() {
        assert_eq!(
            redact("ClientId 1762345098123456789 unknown"),
            "ClientId *** unknown"
        );
    }

    #[test]
    fn leaves_a_lone_at_sign_alone() {
        assert_eq!(redact("a @ b"), "a @ b");
    }
}
