//! Issue texts for Rust (the CLI's report, the rejected-rows file), read from the one
//! message catalogue (`mb-text`, `crates/text/messages/*.json`) keyed by the stable issue
//! code of [`crate::report::Issue`]. The app's screens show the same catalogue's texts.
//!
//! Two shapes: [`issue_text`] says what the code means (for a list grouped by code), and
//! [`reason`] makes the one sentence of one row's problem with the user's column name and the
//! value interpolated («Дата «31.02.2026» в столбце «Дата заказа» не распознана…»).

use crate::codes::IssueCode;
use mb_text::Arg;
pub use mb_text::Lang;

/// What `code` means, in `lang` (`issues.<code>.meaning`; the code itself if the catalogue
/// lacked it, which a test rules out).
pub fn issue_text(code: IssueCode, lang: Lang) -> &'static str {
    mb_text::text(lang, &format!("issues.{}.meaning", code.as_str())).unwrap_or(code.as_str())
}

pub fn reason(
    lang: Lang,
    code: IssueCode,
    column: Option<&str>,
    value: &str,
    fix: Option<&str>,
) -> String {
    let mut out = String::new();
    if let Some(c) = column.filter(|c| !c.is_empty()) {
        match lang {
            Lang::Ru => out.push_str(&format!("Столбец «{c}»: ")),
            Lang::En => out.push_str(&format!("Column «{c}»: ")),
        }
    }
    let key = format!("issues.{}.reason", code.as_str());
    let meaning = issue_text(code, lang);
    match mb_text::text(lang, &key) {
        Some(_) => out.push_str(&mb_text::format(lang, &key, &[("value", Arg::Str(value))])),
        None if value.is_empty() => out.push_str(meaning),
        None => out.push_str(&format!("«{value}» — {meaning}")),
    }
    if let Some(f) = fix.filter(|f| !f.is_empty()) {
        match lang {
            Lang::Ru => out.push_str(&format!(" (предлагаем «{f}»)")),
            Lang::En => out.push_str(&format!(" (suggested: «{f}»)")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_issue_code_has_both_languages() {
        for &code in IssueCode::ALL {
            for lang in Lang::ALL {
                for part in ["title", "what", "todo", "meaning"] {
                    let key = format!("issues.{}.{part}", code.as_str());
                    assert!(mb_text::text(lang, &key).is_some(), "{key} {lang:?}");
                }
            }
        }
    }

    #[test]
    fn the_catalogue_has_no_issue_code_rust_does_not_know() {
        for key in mb_text::keys(Lang::Ru).filter(|k| k.starts_with("issues.")) {
            let code = key.split('.').nth(1).unwrap();
            assert!(IssueCode::parse(code).is_some(), "{key}");
        }
    }

    #[test]
    fn a_reason_names_the_users_column_and_value_in_words() {
        let r = reason(
            Lang::Ru,
            IssueCode::InvalidDatetime,
            Some("Дата заказа"),
            "31.02.2026 10:00",
            None,
        );
        assert_eq!(
            r,
            "Столбец «Дата заказа»: дата «31.02.2026 10:00» не распознана или не существует"
        );
        let r = reason(
            Lang::En,
            IssueCode::InvalidMoney,
            Some("Sum"),
            "abc",
            Some("0"),
        );
        assert_eq!(
            r,
            "Column «Sum»: «abc» does not look like an amount (suggested: «0»)"
        );
    }

    #[test]
    fn a_reason_without_a_template_uses_the_meaning() {
        let r = reason(Lang::Ru, IssueCode::NoIdentifier, None, "", None);
        assert!(
            r.starts_with("в строке нет ни одного идентификатора"),
            "{r}"
        );
        let r = reason(Lang::En, IssueCode::Md5Normalized, None, "AB", None);
        assert_eq!(r, "«AB» — MD5 hash lower-cased and trimmed");
    }
}
