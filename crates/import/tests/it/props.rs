//! Property tests on the normalisers: money round trip, phone and e-mail idempotence, every
//! accepted date format read back to the same wall-clock time.

use jiff::civil::DateTime;
use mb_import::normalize::{Outcome, email_list, format_crm, money, parse_local, phone_list};
use mb_schema::{CRM_DATE_FORMATS, CRM_DATETIME_FORMATS};
use proptest::prelude::*;

fn group(int: u64, sep: &str) -> String {
    let digits = int.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

proptest! {
    #[test]
    fn money_round_trips_through_russian_and_english_spellings(
        int in 0u64..1_000_000_000_000,
        frac in 0u32..100,
        sep in prop::sample::select(vec!["", " ", "\u{a0}", "\u{202f}"]),
        comma in any::<bool>(),
        suffix in prop::sample::select(vec!["", " руб.", " ₽", " р.", "р"]),
    ) {
        let mark = if comma { ',' } else { '.' };
        // A dot decimal with dot... would be ambiguous with a dot thousands separator: not used.
        let text = format!("{}{}{:02}{}", group(int, sep), mark, frac, suffix);
        let mut out = String::new();
        let o = money(&text, &mut out);
        prop_assert!(!o.is_invalid(), "{text}");
        prop_assert_eq!(out, format!("{int}.{frac:02}"));
    }

    #[test]
    fn money_never_panics_and_outputs_dot_decimals(s in "\\PC{0,20}") {
        let mut out = String::new();
        if !money(&s, &mut out).is_invalid() {
            prop_assert!(out.parse::<f64>().is_ok(), "{s:?} -> {out:?}");
            prop_assert!(!out.contains(','));
        }
    }

    #[test]
    fn phone_normalisation_is_idempotent(s in "[0-9 ()+,;-]{0,40}") {
        let mut once = String::new();
        if !phone_list(&s, &mut once).is_invalid() {
            let mut twice = String::new();
            prop_assert_eq!(phone_list(&once, &mut twice), Outcome::Same);
            prop_assert_eq!(&twice, &once);
            prop_assert!(once.split(',').all(|p| p.bytes().all(|b| b.is_ascii_digit())));
        }
    }

    #[test]
    fn russian_mobile_numbers_normalise_to_eleven_digits_with_seven(
        rest in "9[0-9]{9}",
        style in 0usize..4,
    ) {
        let text = match style {
            0 => format!("8{rest}"),
            1 => format!("+7 ({}) {}-{}-{}", &rest[..3], &rest[3..6], &rest[6..8], &rest[8..]),
            2 => format!("8 {} {} {} {}", &rest[..3], &rest[3..6], &rest[6..8], &rest[8..]),
            _ => rest.clone(),
        };
        let mut out = String::new();
        prop_assert!(!phone_list(&text, &mut out).is_invalid());
        prop_assert_eq!(out, format!("7{rest}"));
    }

    #[test]
    fn email_normalisation_is_idempotent(
        local in "[A-Za-z0-9._]{1,12}",
        domain in "[A-Za-z0-9]{1,10}",
        tld in "[A-Za-z]{2,4}",
        pad in prop::sample::select(vec!["", " ", "\u{a0}"]),
    ) {
        let text = format!("{pad}{local}@{domain}.{tld}{pad}");
        let mut once = String::new();
        prop_assert!(!email_list(&text, &mut once).is_invalid());
        prop_assert_eq!(&once, &once.to_lowercase());
        let mut twice = String::new();
        prop_assert_eq!(email_list(&once, &mut twice), Outcome::Same);
        prop_assert_eq!(twice, once);
    }

    #[test]
    fn every_accepted_datetime_format_reads_back_the_same_time(
        y in 2000i16..2069, mo in 1i8..=12, d in 1i8..=28,
        h in 0i8..24, mi in 0i8..60, s in 0i8..60,
    ) {
        let dt = DateTime::new(y, mo, d, h, mi, s, 0).unwrap();
        for (name, fmt) in CRM_DATETIME_FORMATS {
            let text = dt.strftime(fmt).to_string();
            let p = parse_local(&text).unwrap_or_else(|| panic!("{name}: {text}"));
            prop_assert!(p.accepted && p.has_time, "{name}: {text}");
            let want_s = if fmt.contains("%S") { s } else { 0 };
            prop_assert_eq!(p.dt, DateTime::new(y, mo, d, h, mi, want_s, 0).unwrap(), "{}", name);
            let mut out = String::new();
            format_crm(&p.dt, true, &mut out);
            prop_assert_eq!(parse_local(&out).map(|q| q.dt), Some(p.dt));
        }
        for (name, fmt) in CRM_DATE_FORMATS {
            let text = dt.date().strftime(fmt).to_string();
            let p = parse_local(&text).unwrap_or_else(|| panic!("{name}: {text}"));
            prop_assert!(p.accepted && !p.has_time);
            prop_assert_eq!(p.dt.date(), dt.date());
        }
    }
}
