//! The one redaction policy of the product: what is masked in any free text that is written
//! down (log lines, server messages kept in the history). OAuth tokens and secrets, e-mail
//! addresses and phone numbers are masked; identifiers that are not contact data stay readable
//! (19-digit ClientIDs, counter numbers, Unix times, line numbers, amounts), so a message such
//! as «строка 12, ClientId 1762…» still helps. Owns only masking; it does not decide what text
//! is stored or logged.

use std::sync::LazyLock;

use regex::Regex;

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    // Yandex tokens (`y0_…`, `y1_…`), refresh tokens (`1:abc:def`), and whatever follows an
    // `OAuth`/`Bearer` scheme or a `*token=` parameter.
    Regex::new(
        r#"(?i)\by[0-9]_[A-Za-z0-9_\-]{8,}|\b(OAuth|Bearer)\s+[A-Za-z0-9_\-.:]{8,}|\b((?:access|refresh)_token|code_verifier|client_secret)(["']?\s*[:=]\s*["']?)[^"'&\s,}]+"#,
    )
    .expect("token regex")
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b([A-Z0-9._%+\-])[A-Z0-9._%+\-]*@([A-Z0-9\-]+(?:\.[A-Z0-9\-]+)*\.[A-Z]{2,})\b",
    )
    .expect("email regex")
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    // 10–12 digits, optionally written with +, spaces, brackets and dashes; not part of a longer
    // digit run (19-digit ClientIDs and Unix times stay readable).
    Regex::new(r"(^|[^\d])(\+?\d[\d\s()\-]{8,16}\d)($|[^\d])").expect("phone regex")
});

/// Masks secrets and personal data in one line of free text.
pub fn redact(line: &str) -> String {
    let s = TOKEN.replace_all(line, |c: &regex::Captures<'_>| {
        if let Some(name) = c.get(3) {
            format!(
                "{}{}***",
                name.as_str(),
                c.get(4).map_or("", |m| m.as_str())
            )
        } else if let Some(scheme) = c.get(2) {
            format!("{} ***", scheme.as_str())
        } else {
            "y*_***".to_string()
        }
    });
    let s = EMAIL.replace_all(&s, "$1***@$2");
    PHONE
        .replace_all(&s, |c: &regex::Captures<'_>| {
            let raw = &c[2];
            let digits = raw.chars().filter(char::is_ascii_digit).count();
            let plain = raw.chars().all(|ch| ch.is_ascii_digit());
            // A bare run of digits is a phone only as a Russian 11-digit 7…/8… number; a bare
            // 10-digit run is far more often a Unix time.
            let phone = if plain {
                digits == 11 && (raw.starts_with('7') || raw.starts_with('8'))
            } else {
                (10..=12).contains(&digits)
            };
            if phone {
                let tail: String = raw
                    .chars()
                    .rev()
                    .filter(char::is_ascii_digit)
                    .take(2)
                    .collect();
                let tail: String = tail.chars().rev().collect();
                format!("{}***{}{}", &c[1], tail, &c[3])
            } else {
                c[0].to_string()
            }
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn masks_yandex_tokens_and_auth_headers() {
        let line = "sent Authorization: OAuth y0_AgAAAAB1234567890abcdefXYZ to api";
        let out = redact(line);
        assert!(!out.contains("AgAAAAB1234567890"), "{out}");
        let out =
            redact(r#"{"access_token":"y0_secretsecretsecret","refresh_token":"1:ab:cdefgh"}"#);
        assert!(
            !out.contains("secretsecret") && !out.contains("cdefgh"),
            "{out}"
        );
    }

    #[test]
    fn masks_emails_keeping_first_letter_and_domain() {
        assert_eq!(
            redact("user Sergey.Ivanov@Example.RU failed"),
            "user S***@Example.RU failed"
        );
    }

    #[test]
    fn masks_phones_in_russian_notations() {
        for p in [
            "+7 (916) 123-45-67",
            "89031112233",
            "79995551111",
            "8 903 111-22-33",
        ] {
            let out = redact(&format!("phone {p} bad"));
            assert!(!out.contains("111") || !out.contains("903"), "{p} -> {out}");
            assert!(out.starts_with("phone ") && out.ends_with(" bad"), "{out}");
        }
    }

    #[test]
    fn keeps_client_ids_and_unix_times_readable() {
        let line = "row 3 ClientId 1762345098123456789 DateTime 1794228120 counter 44000001";
        assert_eq!(redact(line), line);
    }

    #[test]
    fn masks_emails_and_phones_in_server_messages_but_keeps_the_sentence() {
        let out =
            redact("строка 3: неверный email ivan.petrov@mail.ru, телефон +7 (912) 345-67-89");
        assert!(!out.contains("petrov") && !out.contains("345-67"), "{out}");
        assert!(out.starts_with("строка 3: неверный email "), "{out}");
    }

    #[test]
    fn keeps_short_numbers_like_line_numbers_counts_and_dates() {
        let line = "line 12, 345 rows, 2026-11-22, 12 345 678 ₽";
        assert_eq!(redact(line), line);
    }

    #[test]
    fn leaves_a_lone_at_sign_alone() {
        assert_eq!(redact("a @ b"), "a @ b");
    }
}
