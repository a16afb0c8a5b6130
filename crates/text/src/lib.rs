//! mb-text: the one message catalogue (Russian, English) for the codes the core emits —
//! issue codes, upload explanations and advice, failure reasons, states, severities.
//!
//! The catalogue is two data files, `messages/ru.json` and `messages/en.json`, in i18next's
//! JSON format (nested keys, `{{name}}` placeholders, plural keys `_one`/`_few`/`_many`/
//! `_other` chosen by `count`). Rust reads them here (embedded at build time); the app imports
//! the same files (`ui/src/i18n/catalogue-{ru,en}.ts`) typed by `ui/src/i18n/catalogue.ts`,
//! generated from them with TypeScript types keyed by the code enums (`Record<IssueCode, …>`),
//! so a code without a text fails the app's type check; a test fails when that file is stale
//! ([`typescript_catalogue`]).
//!
//! Owns texts, plural choice and placeholder filling only; which codes exist is owned by the
//! crates that emit them (mb-import's `IssueCode`, mb-history's `ExplanationCode`, …), whose
//! tests check that every variant has its texts here.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Language of the texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    /// `ru`/`en` (anything else: Russian, the product's language).
    pub fn parse(s: &str) -> Lang {
        if s.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Ru
        }
    }

    pub const ALL: [Lang; 2] = [Lang::Ru, Lang::En];

    /// `ru` / `en`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }
}

/// The catalogue files as written.
pub const RU_JSON: &str = include_str!("../messages/ru.json");
pub const EN_JSON: &str = include_str!("../messages/en.json");

fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => RU_JSON,
        Lang::En => EN_JSON,
    }
}

/// Dotted key (`issues.future_datetime.title`) → text, per language.
fn flat(lang: Lang) -> &'static BTreeMap<String, String> {
    static RU: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    static EN: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    let cell = match lang {
        Lang::Ru => &RU,
        Lang::En => &EN,
    };
    cell.get_or_init(|| {
        // The files are part of the build and checked by this crate's tests.
        let v: serde_json::Value =
            serde_json::from_str(source(lang)).expect("messages/*.json is valid JSON");
        let mut out = BTreeMap::new();
        flatten("", &v, &mut out);
        out
    })
}

fn flatten(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        serde_json::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// Every dotted key of a language, in order.
pub fn keys(lang: Lang) -> impl Iterator<Item = &'static str> {
    flat(lang).keys().map(String::as_str)
}

/// The text of a key as written (placeholders unfilled); `None` when the key is missing.
pub fn text(lang: Lang, key: &str) -> Option<&'static str> {
    flat(lang).get(key).map(String::as_str)
}

/// CLDR plural category of an integer: Russian one/few/many, English one/other.
pub fn plural_category(lang: Lang, n: u64) -> &'static str {
    match lang {
        Lang::Ru => {
            let (m10, m100) = (n % 10, n % 100);
            if m10 == 1 && m100 != 11 {
                "one"
            } else if (2..=4).contains(&m10) && !(12..=14).contains(&m100) {
                "few"
            } else {
                "many"
            }
        }
        Lang::En => {
            if n == 1 {
                "one"
            } else {
                "other"
            }
        }
    }
}

/// A value for a placeholder.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Str(&'a str),
    Num(u64),
}

/// The text of `key` with its placeholders filled from `args` (`{{value}}`, `{{count, number}}`).
/// A `count` argument picks the plural form (`key_one`, `key_few`, …) when the key has them.
/// A missing key yields the key itself, so nothing is silently blank.
pub fn format(lang: Lang, key: &str, args: &[(&str, Arg<'_>)]) -> String {
    let count = args.iter().find_map(|(k, a)| match (k, a) {
        (&"count", Arg::Num(n)) => Some(*n),
        _ => None,
    });
    // `key_zero` for a count of 0 when the key has it (as i18next does in the window).
    let template = count
        .and_then(|n| {
            (n == 0)
                .then(|| text(lang, &format!("{key}_zero")))
                .flatten()
                .or_else(|| text(lang, &format!("{key}_{}", plural_category(lang, n))))
                .or_else(|| text(lang, &format!("{key}_other")))
        })
        .or_else(|| text(lang, key));
    let Some(template) = template else {
        return key.to_string();
    };
    fill(lang, template, args)
}

fn fill(lang: Lang, template: &str, args: &[(&str, Arg<'_>)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = &after[..end];
        let (name, fmt) = match inner.split_once(',') {
            Some((n, f)) => (n.trim(), Some(f.trim())),
            None => (inner.trim(), None),
        };
        match args.iter().find(|(k, _)| *k == name).map(|(_, a)| a) {
            Some(Arg::Str(s)) => out.push_str(s),
            Some(Arg::Num(n)) if fmt == Some("number") => out.push_str(&group(lang, *n)),
            Some(Arg::Num(n)) => out.push_str(&n.to_string()),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// A whole number as the language writes it: `1 204` (narrow no-break space) in Russian,
/// `1,204` in English.
pub fn group(lang: Lang, n: u64) -> String {
    let sep = match lang {
        Lang::Ru => '\u{202F}',
        Lang::En => ',',
    };
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// `ui/src/i18n/catalogue.ts`: the catalogue's type, its sections keyed by the code enums of
/// `ui/src/ipc/bindings.ts`. `UPDATE_BINDINGS=1 cargo test -p mb-text` rewrites it. The texts
/// themselves are these JSON files, which `ui/src/i18n/catalogue-{ru,en}.ts` import and type
/// (the app reads English's only when it speaks English).
pub fn typescript_catalogue() -> String {
    let mut out = String::from(
        "// Generated from crates/text/messages/*.json by mb-text. Do not edit by hand:\n\
         // change the JSON, then run `UPDATE_BINDINGS=1 cargo test -p mb-text`.\n\
         // The texts are the JSON files themselves, typed by this in catalogue-ru.ts / catalogue-en.ts.\n\
         import type {\n  AdviceCode,\n  ExplanationCode,\n  FailureReason,\n  FileReason,\n  IssueCode,\n  \
         Severity,\n  UploadKind,\n  UploadState,\n} from '../ipc/bindings';\n\n\
         /** The texts of one issue code: the app shows title/what/todo, the CLI meaning/reason. */\n\
         export type IssueText = { title: string; what: string; todo: string; meaning: string; reason?: string };\n\
         /** Failure reasons that are codes (a `message` is shown as it came). */\n\
         export type FailureCode = Exclude<FailureReason['kind'], 'message'>;\n\
         export type Catalogue = {\n",
    );
    // Sections keyed by a code enum are typed by it; the others by their own keys.
    let typed = [
        ("severity", "Record<Severity, string>"),
        ("states", "Record<UploadState, string>"),
        ("kinds", "Record<UploadKind, string>"),
        ("issues", "Record<IssueCode, IssueText>"),
        ("explain", "Record<ExplanationCode, string>"),
        ("advice", "Record<AdviceCode, string>"),
        ("reason", "Record<FailureCode, string>"),
        ("file_reason", "Record<FileReason['kind'], string>"),
    ];
    let ru: serde_json::Value = serde_json::from_str(RU_JSON).expect("valid JSON");
    for (section, v) in ru.as_object().into_iter().flatten() {
        let ty = match typed.iter().find(|(s, _)| s == section) {
            Some((_, ty)) => ty.to_string(),
            None => {
                let keys: Vec<String> = v
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| format!("{k}: string"))
                    .collect();
                format!("{{ {} }}", keys.join("; "))
            }
        };
        out.push_str(&format!("  {section}: {ty};\n"));
    }
    out.push_str("};\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys_and_no_empty_text() {
        let ru: Vec<_> = keys(Lang::Ru).collect();
        let en: Vec<_> = keys(Lang::En).collect();
        assert_eq!(ru, en);
        for lang in Lang::ALL {
            for k in keys(lang) {
                assert!(!text(lang, k).unwrap().trim().is_empty(), "{k} {lang:?}");
            }
        }
    }

    #[test]
    fn placeholders_match_between_languages() {
        let names = |s: &str| {
            let mut v: Vec<String> = s
                .split("{{")
                .skip(1)
                .filter_map(|p| p.split_once("}}").map(|(n, _)| n.to_string()))
                .collect();
            v.sort();
            v
        };
        for k in keys(Lang::Ru) {
            assert_eq!(
                names(text(Lang::Ru, k).unwrap()),
                names(text(Lang::En, k).unwrap()),
                "{k}"
            );
        }
    }

    #[test]
    fn a_count_of_zero_takes_the_zero_form_when_there_is_one() {
        let closing = |n| {
            format(
                Lang::Ru,
                "notify.window_closing",
                &[("job", Arg::Str("shop")), ("count", Arg::Num(n))],
            )
        };
        assert!(
            closing(0).contains("сегодня последний день"),
            "{}",
            closing(0)
        );
        assert!(closing(2).contains("через 2 дня"), "{}", closing(2));
        let rows = format(Lang::Ru, "common.rows", &[("count", Arg::Num(0))]);
        assert_eq!(rows, "0 строк");
    }

    #[test]
    fn russian_plurals_have_one_few_many() {
        let rows = |n| format(Lang::Ru, "common.rows", &[("count", Arg::Num(n))]);
        assert_eq!(rows(1), "1 строка");
        assert_eq!(rows(2), "2 строки");
        assert_eq!(rows(5), "5 строк");
        assert_eq!(rows(11), "11 строк");
        assert_eq!(rows(21), "21 строка");
        assert_eq!(rows(24), "24 строки");
        assert_eq!(rows(112), "112 строк");
        assert_eq!(rows(1204), "1\u{202F}204 строки");
        let en = |n| format(Lang::En, "common.rows", &[("count", Arg::Num(n))]);
        assert_eq!(en(1), "1 row");
        assert_eq!(en(1204), "1,204 rows");
    }

    #[test]
    fn placeholders_are_filled_and_a_missing_key_stays_visible() {
        let s = format(
            Lang::Ru,
            "issues.future_datetime.what",
            &[("value", Arg::Str("01.01.2030"))],
        );
        assert!(s.starts_with("Дата «01.01.2030» ещё не наступила"), "{s}");
        assert_eq!(format(Lang::En, "no.such.key", &[]), "no.such.key");
        assert_eq!(
            format(
                Lang::En,
                "reason.server_error",
                &[("status", Arg::Num(503))]
            ),
            "The Metrica server answered with error 503. Send again a bit later."
        );
    }

    #[test]
    fn the_apps_catalogue_is_generated_from_these_files() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/i18n/catalogue.ts");
        let want = typescript_catalogue();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "ui/src/i18n/catalogue.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p mb-text`"
        );
    }
}
