//! E-mails (§5.8): trimmed, lower case, Latin, `local@domain.tld`; lists joined by commas.

use super::{IssueCode, Outcome, split_list, trim};

/// Per byte: 0 never in an e-mail, 1 allowed, 2 `@`.
const EMAIL_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = if c == b'@' {
            2
        } else if c.is_ascii_graphic() && c != b',' && c != b';' && c != b'"' {
            1
        } else {
            0
        };
        i += 1;
    }
    t
};

fn is_email_shape(s: &str) -> bool {
    // One pass over the bytes: the same rules as `email_shape_reference` (tested against it).
    let b = s.as_bytes();
    let mut at = None;
    for (i, &c) in b.iter().enumerate() {
        match EMAIL_BYTE[usize::from(c)] {
            1 => {}
            2 if at.is_none() => at = Some(i),
            _ => return false,
        }
    }
    let Some(at) = at else {
        return false;
    };
    let domain = &b[at + 1..];
    at > 0
        && domain.first().is_some_and(|&c| c != b'.')
        && domain.last().is_some_and(|&c| c != b'.')
        && domain.contains(&b'.')
        && !domain.windows(2).any(|w| w == b"..")
}

fn push_one(part: &str, out: &mut String) -> bool {
    let start = out.len();
    out.push_str(part);
    out[start..].make_ascii_lowercase();
    if !is_email_shape(&out[start..]) {
        out.truncate(start);
        return false;
    }
    true
}

/// Normalise one e-mail.
pub fn email(raw: &str, out: &mut String) -> Outcome {
    out.clear();
    if !push_one(trim(raw), out) {
        out.clear();
        return Outcome::Invalid(IssueCode::InvalidEmail);
    }
    if out == raw {
        Outcome::Same
    } else {
        Outcome::Changed(IssueCode::EmailNormalized)
    }
}

/// Normalise an `emails` cell: several addresses separated by `,` `;` or blanks.
pub fn email_list(raw: &str, out: &mut String) -> Outcome {
    out.clear();
    let s = trim(raw);
    if !s.bytes().any(|b| b == b',' || b == b';' || b == b' ') {
        return email(raw, out);
    }
    for part in split_list(s, true) {
        if !out.is_empty() {
            out.push(',');
        }
        if !push_one(part, out) {
            out.clear();
            return Outcome::Invalid(IssueCode::InvalidEmail);
        }
    }
    if out.is_empty() {
        return Outcome::Invalid(IssueCode::InvalidEmail);
    }
    if out == raw {
        Outcome::Same
    } else {
        Outcome::Changed(IssueCode::EmailNormalized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules as first written (string searches), the oracle for `is_email_shape`.
    fn email_shape_reference(s: &str) -> bool {
        let Some((local, domain)) = s.split_once('@') else {
            return false;
        };
        !local.is_empty()
            && !domain.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && s.bytes()
                .all(|b| b.is_ascii_graphic() && b != b',' && b != b';' && b != b'"')
    }

    #[test]
    fn email_shape_agrees_with_the_reference_rules() {
        let parts = [
            "a", "@", ".", "..", "B", ",", ";", "\"", " ", "я", "-", "x.y",
        ];
        let mut n = 0u64;
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in parts {
                        for e in ["", "ru", ".", "@"] {
                            let s = format!("{a}{b}{c}{d}{e}");
                            assert_eq!(is_email_shape(&s), email_shape_reference(&s), "{s:?}");
                            n += u64::from(is_email_shape(&s));
                        }
                    }
                }
            }
        }
        assert!(n > 100, "{n}");
    }

    #[test]
    fn lower_cases_and_trims_emails() {
        let mut o = String::new();
        assert_eq!(
            email_list("Sergey.Ivanov@Example.RU", &mut o),
            Outcome::Changed(IssueCode::EmailNormalized)
        );
        assert_eq!(o, "sergey.ivanov@example.ru");
        email_list(" mail@yandex.ru ", &mut o);
        assert_eq!(o, "mail@yandex.ru");
    }

    #[test]
    fn keeps_normal_email_lists_unchanged() {
        let mut o = String::new();
        assert_eq!(
            email_list("ivan@example.com,i.petrov@example.org", &mut o),
            Outcome::Same
        );
    }

    #[test]
    fn splits_emails_separated_by_semicolons_and_blanks() {
        let mut o = String::new();
        email_list("a@b.ru; C@D.com e@f.org", &mut o);
        assert_eq!(o, "a@b.ru,c@d.com,e@f.org");
    }

    #[test]
    fn refuses_emails_without_at_or_domain_or_in_cyrillic() {
        let mut o = String::new();
        for bad in [
            "mail.yandex.ru",
            "mail@yandex",
            "a@@b.ru",
            "почта@пример.рф",
            "@x.ru",
        ] {
            assert_eq!(
                email(bad, &mut o),
                Outcome::Invalid(IssueCode::InvalidEmail),
                "{bad}"
            );
        }
    }
}
