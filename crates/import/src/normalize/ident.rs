//! Identifiers and small codes: ClientID/Yclid digits (with Excel-damage detection),
//! ClientID lists, ISO 4217 currency, MD5 hashes, 0/1 flags, durations, `client_type`,
//! `goals` and `products` list syntax.

use super::{IssueCode, Outcome, money, split_list, trim};
use mb_schema::is_iso_4217;
use md5::{Digest, Md5};

/// Excel writes long numbers as `1,63251E+18` / `1.76235E+18`.
fn looks_scientific(s: &str) -> bool {
    let up = s.to_ascii_uppercase();
    let Some((mant, exp)) = up.split_once('E') else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    !mant.is_empty()
        && !exp.is_empty()
        && exp.bytes().all(|b| b.is_ascii_digit())
        && mant
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        && mant.bytes().any(|b| b.is_ascii_digit())
}

/// Excel keeps 15 significant digits: a 16+ digit number whose tail after the 15th digit is
/// all zeros has almost surely been rounded (`1762345098123450000`).
fn looks_rounded(s: &str) -> bool {
    s.len() >= 16 && s.as_bytes()[15..].iter().all(|&b| b == b'0')
}

/// A ClientID / Yclid: decimal digits, kept as text.
pub fn digits_id(raw: &str, out: &mut String) -> Outcome {
    out.clear();
    // `'1762…`: the apostrophe Excel users type so a long number stays text; not part of it.
    let s = trim(raw);
    let s = s.strip_prefix('\'').unwrap_or(s);
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        if looks_rounded(s) {
            return Outcome::Invalid(IssueCode::ExcelRoundedId);
        }
        out.push_str(s);
        return if s.len() == raw.len() {
            Outcome::Same
        } else {
            Outcome::Changed(IssueCode::IdTrimmed)
        };
    }
    if looks_scientific(s) {
        return Outcome::Invalid(IssueCode::ExcelScientificId);
    }
    if let Some(int) = s.strip_suffix(".0").or_else(|| s.strip_suffix(",0"))
        && !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
    {
        return Outcome::Invalid(if looks_rounded(int) {
            IssueCode::ExcelRoundedId
        } else {
            IssueCode::ExcelNumberId
        });
    }
    Outcome::Invalid(IssueCode::InvalidDigitsId)
}

/// A `client_ids` cell: ClientIDs separated by `,` `;` or blanks.
pub fn client_id_list(raw: &str, out: &mut String) -> Outcome {
    out.clear();
    let s = trim(raw);
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return match digits_id(raw, out) {
            Outcome::Changed(_) => Outcome::Changed(IssueCode::ListNormalized),
            o => o,
        };
    }
    let mut one = String::new();
    for part in split_list(s, true) {
        match digits_id(part, &mut one) {
            Outcome::Invalid(code) => {
                out.clear();
                return Outcome::Invalid(code);
            }
            _ => {
                if !out.is_empty() {
                    out.push(',');
                }
                out.push_str(&one);
            }
        }
    }
    if out.is_empty() {
        return Outcome::Invalid(IssueCode::InvalidDigitsId);
    }
    if out == raw {
        Outcome::Same
    } else {
        Outcome::Changed(IssueCode::ListNormalized)
    }
}

/// ISO 4217 upper case. `usd` is fixed; `RUR`, `руб`, `р.` … are refused with `RUB` offered.
pub fn currency(raw: &str, out: &mut String) -> Outcome {
    out.clear();
    let s = trim(raw);
    if is_iso_4217(s) {
        out.push_str(s);
        return if s.len() == raw.len() {
            Outcome::Same
        } else {
            Outcome::Changed(IssueCode::CurrencyTrimmed)
        };
    }
    let up = s.to_uppercase();
    if is_iso_4217(&up) {
        out.push_str(&up);
        return Outcome::Changed(IssueCode::CurrencyLowercase);
    }
    let low = s.to_lowercase();
    let low = low.trim_end_matches('.');
    let suggestion = match low {
        "rur" | "руб" | "р" | "рубль" | "рубля" | "рублей" | "рубли" | "₽" | "rub." | "rubles" => {
            "RUB"
        }
        "$" | "долл" | "доллар" | "долларов" | "us$" => "USD",
        "€" | "евро" => "EUR",
        "тенге" | "тг" | "₸" => "KZT",
        "byr" | "бел. руб" | "бел.руб" => "BYN",
        "грн" | "₴" => "UAH",
        "юань" | "юаней" | "rmb" => "CNY",
        _ => "",
    };
    out.push_str(suggestion);
    Outcome::Invalid(IssueCode::UnknownCurrency)
}

/// MD5 of a normalised value, lower-case hex, appended to `out`.
pub fn md5_hex(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let d = Md5::digest(value.as_bytes());
    for b in d {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
}

/// An `emails_md5` / `phones_md5` cell: 32 lower-hex hashes joined by commas.
pub fn md5_list(raw: &str, out: &mut String) -> Outcome {
    out.clear();
    for part in split_list(trim(raw), true) {
        if part.len() != 32 || !part.bytes().all(|b| b.is_ascii_hexdigit()) {
            out.clear();
            return Outcome::Invalid(IssueCode::InvalidMd5);
        }
        if !out.is_empty() {
            out.push(',');
        }
        out.extend(part.chars().map(|c| c.to_ascii_lowercase()));
    }
    if out.is_empty() {
        return Outcome::Invalid(IssueCode::InvalidMd5);
    }
    if out == raw {
        Outcome::Same
    } else {
        Outcome::Changed(IssueCode::Md5Normalized)
    }
}

/// `0` / `1` (accepting `true`/`false`, `да`/`нет`, `yes`/`no`).
pub fn flag(raw: &str, out: &mut String) -> Outcome {
    out.clear();
    let s = trim(raw);
    let v = match s.to_lowercase().as_str() {
        "0" => "0",
        "1" => "1",
        "true" | "yes" | "да" | "y" | "д" => "1",
        "false" | "no" | "нет" | "n" | "н" => "0",
        _ => return Outcome::Invalid(IssueCode::InvalidFlag),
    };
    out.push_str(v);
    if out == raw {
        Outcome::Same
    } else {
        Outcome::Changed(IssueCode::FlagNormalized)
    }
}

/// Whole seconds; `m:ss` and `h:mm:ss` are converted.
pub fn seconds(raw: &str, out: &mut String) -> Outcome {
    out.clear();
    let s = trim(raw);
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        out.push_str(s);
        return if s.len() == raw.len() {
            Outcome::Same
        } else {
            Outcome::Changed(IssueCode::DurationNormalized)
        };
    }
    let parts: Vec<&str> = s.split(':').collect();
    if (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 6 && p.bytes().all(|b| b.is_ascii_digit()))
    {
        let total = parts
            .iter()
            .fold(0u64, |acc, p| acc * 60 + p.parse::<u64>().unwrap_or(0));
        out.push_str(&total.to_string());
        return Outcome::Changed(IssueCode::DurationNormalized);
    }
    Outcome::Invalid(IssueCode::InvalidDuration)
}

/// `client_type`: only `CONTACT`.
pub fn client_type(raw: &str, out: &mut String) -> Outcome {
    out.clear();
    out.push_str("CONTACT");
    let s = trim(raw);
    if raw == "CONTACT" {
        Outcome::Same
    } else if s.eq_ignore_ascii_case("CONTACT") {
        Outcome::Changed(IssueCode::ClientTypeCase)
    } else {
        Outcome::Invalid(IssueCode::InvalidClientType)
    }
}

/// Whether `s` can be a JavaScript-event goal identifier (docs/metrika-api.md §3.3): Yandex
/// forbids only `/ \ & # ? = "` (and wants `+` written `%2B`), so `form.submit` and Cyrillic
/// identifiers are fine. Blanks and control characters are refused too: an identifier with a
/// space is almost always a goal's name typed instead of its identifier.
pub fn is_js_goal_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= 255
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "/\\&#?=\"+".contains(c))
}

/// `goals`: `goal_id[:revenue]` joined by commas; ids are JS-goal identifiers
/// ([`is_js_goal_identifier`]).
pub fn goal_list(raw: &str, out: &mut String) -> Outcome {
    out.clear();
    let mut amount = String::new();
    for part in split_list(trim(raw), false) {
        let (id, rev) = match part.rsplit_once(':') {
            Some((id, rev))
                if !rev.is_empty()
                    && rev
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b == b'.' || b == b' ') =>
            {
                (trim(id), Some(rev))
            }
            _ => (part, None),
        };
        if !is_js_goal_identifier(id) {
            out.clear();
            return Outcome::Invalid(IssueCode::InvalidGoalList);
        }
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(id);
        if let Some(rev) = rev {
            if money(rev, &mut amount).is_invalid() {
                out.clear();
                return Outcome::Invalid(IssueCode::InvalidGoalList);
            }
            out.push(':');
            out.push_str(&amount);
        }
    }
    if out == raw {
        Outcome::Same
    } else {
        Outcome::Changed(IssueCode::ListNormalized)
    }
}

/// `products`: `product:qty` joined by commas; qty a positive whole number.
pub fn product_list(raw: &str, out: &mut String) -> Outcome {
    out.clear();
    for part in split_list(trim(raw), false) {
        let Some((name, qty)) = part.rsplit_once(':') else {
            out.clear();
            return Outcome::Invalid(IssueCode::InvalidProductList);
        };
        let (name, qty) = (trim(name), trim(qty));
        if name.is_empty()
            || qty.is_empty()
            || !qty.bytes().all(|b| b.is_ascii_digit())
            || qty.bytes().all(|b| b == b'0')
        {
            out.clear();
            return Outcome::Invalid(IssueCode::InvalidProductList);
        }
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(name);
        out.push(':');
        out.push_str(qty);
    }
    if out == raw {
        Outcome::Same
    } else {
        Outcome::Changed(IssueCode::ListNormalized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: fn(&str, &mut String) -> Outcome, s: &str) -> (Outcome, String) {
        let mut o = String::new();
        (f(s, &mut o), o)
    }

    #[test]
    fn accepts_nineteen_digit_client_ids_as_text() {
        assert_eq!(run(digits_id, "1762345098123456789").0, Outcome::Same);
    }

    #[test]
    fn drops_the_apostrophe_excel_users_type_before_a_long_number() {
        assert_eq!(
            run(digits_id, "'1762345098123456789"),
            (
                Outcome::Changed(IssueCode::IdTrimmed),
                "1762345098123456789".to_owned()
            )
        );
        assert_eq!(
            run(digits_id, "'").0,
            Outcome::Invalid(IssueCode::InvalidDigitsId)
        );
    }

    #[test]
    fn refuses_excel_scientific_notation_ids() {
        assert_eq!(
            run(digits_id, "1,63251E+18").0,
            Outcome::Invalid(IssueCode::ExcelScientificId)
        );
        assert_eq!(
            run(digits_id, "1.76235E+18").0,
            Outcome::Invalid(IssueCode::ExcelScientificId)
        );
    }

    #[test]
    fn refuses_ids_rounded_by_excel_to_fifteen_digits() {
        assert_eq!(
            run(digits_id, "1762345098123450000").0,
            Outcome::Invalid(IssueCode::ExcelRoundedId)
        );
    }

    #[test]
    fn refuses_non_digit_client_ids() {
        assert_eq!(
            run(digits_id, "abc-1").0,
            Outcome::Invalid(IssueCode::InvalidDigitsId)
        );
    }

    #[test]
    fn suggests_rub_for_rur_and_russian_words() {
        for s in ["RUR", "руб", "руб.", "р.", "рубль"] {
            assert_eq!(
                run(currency, s),
                (Outcome::Invalid(IssueCode::UnknownCurrency), "RUB".into()),
                "{s}"
            );
        }
    }

    #[test]
    fn upper_cases_lower_case_currency_with_a_notice() {
        assert_eq!(
            run(currency, "usd"),
            (Outcome::Changed(IssueCode::CurrencyLowercase), "USD".into())
        );
    }

    #[test]
    fn refuses_unknown_currency_codes_without_suggestion() {
        assert_eq!(
            run(currency, "XYZ"),
            (Outcome::Invalid(IssueCode::UnknownCurrency), String::new())
        );
    }

    #[test]
    fn md5_matches_published_test_vectors() {
        let mut o = String::new();
        md5_hex("mail@yandex.ru", &mut o);
        assert_eq!(o, "3c56ff8fef0f6c65b36b2d25720fe276");
        o.clear();
        md5_hex("79995551111", &mut o);
        assert_eq!(o, "f09f2c3d48f31e2a802944ade2e5aec5");
    }

    #[test]
    fn md5_lists_must_be_32_hex() {
        assert_eq!(
            run(md5_list, "3c56ff8fef0f6c65b36b2d25720fe276").0,
            Outcome::Same
        );
        assert_eq!(
            run(md5_list, "3C56FF8FEF0F6C65B36B2D25720FE276").0,
            Outcome::Changed(IssueCode::Md5Normalized)
        );
        assert_eq!(
            run(md5_list, "3c56ff8fef0f6c65b36b2d25720fe27g").0,
            Outcome::Invalid(IssueCode::InvalidMd5)
        );
    }

    #[test]
    fn flags_are_zero_or_one() {
        assert_eq!(run(flag, "1").0, Outcome::Same);
        assert_eq!(
            run(flag, "да"),
            (Outcome::Changed(IssueCode::FlagNormalized), "1".into())
        );
        assert_eq!(run(flag, "2").0, Outcome::Invalid(IssueCode::InvalidFlag));
    }

    #[test]
    fn durations_are_whole_seconds() {
        assert_eq!(run(seconds, "186").0, Outcome::Same);
        assert_eq!(
            run(seconds, "3:06"),
            (
                Outcome::Changed(IssueCode::DurationNormalized),
                "186".into()
            )
        );
        assert_eq!(
            run(seconds, "1.5").0,
            Outcome::Invalid(IssueCode::InvalidDuration)
        );
    }

    #[test]
    fn client_type_lower_case_is_fixed() {
        assert_eq!(
            run(client_type, "contact"),
            (
                Outcome::Changed(IssueCode::ClientTypeCase),
                "CONTACT".into()
            )
        );
        assert_eq!(
            run(client_type, "COMPANY").0,
            Outcome::Invalid(IssueCode::InvalidClientType)
        );
    }

    #[test]
    fn goal_lists_take_ids_with_optional_revenue() {
        assert_eq!(
            run(goal_list, "oplata_karta:18450,dostavka_kurier").0,
            Outcome::Same
        );
        assert_eq!(
            run(goal_list, "oplata_karta:18450, dostavka_kurier").1,
            "oplata_karta:18450,dostavka_kurier"
        );
        assert_eq!(
            run(goal_list, "Оплата картой").0,
            Outcome::Invalid(IssueCode::InvalidGoalList)
        );
    }

    #[test]
    fn goal_identifiers_are_what_yandex_allows_not_just_ascii_words() {
        for ok in [
            "offline_paid",
            "form.submit",
            "оплата_в_офисе",
            "stage:won-1",
            "a%2Bb",
        ] {
            assert!(is_js_goal_identifier(ok), "{ok}");
        }
        for bad in [
            "",
            "a/b",
            "a\\b",
            "a&b",
            "a#b",
            "a?b",
            "a=b",
            "a\"b",
            "a+b",
            "Оплата картой",
        ] {
            assert!(!is_js_goal_identifier(bad), "{bad}");
        }
        assert_eq!(
            run(goal_list, "form.submit:100,оплата_в_офисе").0,
            Outcome::Same
        );
    }

    #[test]
    fn product_lists_take_name_and_quantity() {
        assert_eq!(
            run(product_list, "SOFA-ROMA-3:1,PILLOW-02:2").0,
            Outcome::Same
        );
        assert_eq!(
            run(product_list, "SOFA").0,
            Outcome::Invalid(IssueCode::InvalidProductList)
        );
    }
}
