//! A command line `mbridge` cannot read, said in Russian (the report's language by default):
//! which option, which value, what it takes, and where the list of options is. The parser's
//! own English words stay for `--lang en`, for `--help` and `--version`.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// Ends the process for a command line the parser refused: help and version as the parser
/// prints them, anything else said in Russian unless `--lang en` was given (exit 2, as the
/// parser's own refusals).
pub fn refuse(e: clap::Error) -> ! {
    let english = wants_english(std::env::args().skip(1));
    match (e.kind(), said_in_russian(&e)) {
        (
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand,
            _,
        )
        | (_, None) => e.exit(),
        _ if english => e.exit(),
        (_, Some(msg)) => {
            let cmd = command_of(std::env::args().skip(1));
            eprintln!("mbridge: {msg}");
            eprintln!(
                "Все параметры: mbridge {}--help",
                cmd.map(|c| format!("{c} ")).unwrap_or_default()
            );
            std::process::exit(2)
        }
    }
}

/// `--lang en` / `--lang=en` among the arguments.
fn wants_english(args: impl Iterator<Item = String>) -> bool {
    let args: Vec<String> = args.collect();
    args.iter().any(|a| a == "--lang=en")
        || args.windows(2).any(|w| w[0] == "--lang" && w[1] == "en")
}

/// The command given (`upload`, `jobs add`), for its own help.
fn command_of(args: impl Iterator<Item = String>) -> Option<String> {
    const WITH_SUB: [&str; 1] = ["jobs"];
    let words: Vec<String> = args.filter(|a| !a.starts_with('-')).take(2).collect();
    let first = words.first()?;
    if !first.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
        return None;
    }
    match words.get(1) {
        Some(sub) if WITH_SUB.contains(&first.as_str()) => Some(format!("{first} {sub}")),
        _ => Some(first.clone()),
    }
}

fn context(e: &clap::Error, kind: ContextKind) -> String {
    match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The refusal in Russian; None for the kinds the parser words best itself.
fn said_in_russian(e: &clap::Error) -> Option<String> {
    let arg = context(e, ContextKind::InvalidArg);
    let value = context(e, ContextKind::InvalidValue);
    let maybe = |kind: ContextKind| {
        let s = context(e, kind);
        if s.is_empty() {
            String::new()
        } else {
            format!(" — может быть, {}?", s.replace(", ", " или "))
        }
    };
    Some(match e.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let valid = context(e, ContextKind::ValidValue);
            let what = if !valid.is_empty() {
                format!(": возможные значения — {valid}")
            } else if arg.contains("COUNTER") {
                ": нужен номер счётчика (mbridge counters покажет их)".to_string()
            } else if ["LIMIT", "PARALLEL", "WAIT", "UPLOAD", "TIME_SCALE"]
                .iter()
                .any(|n| arg.contains(n))
            {
                ": нужно число".to_string()
            } else {
                String::new()
            };
            if value.is_empty() {
                format!("не указано значение для {arg}{what}")
            } else {
                format!("неверное значение «{value}» для {arg}{what}")
            }
        }
        ErrorKind::MissingRequiredArgument => format!("не указано обязательное: {arg}"),
        ErrorKind::UnknownArgument => {
            format!(
                "неизвестный параметр «{arg}»{}",
                maybe(ContextKind::SuggestedArg)
            )
        }
        ErrorKind::InvalidSubcommand => format!(
            "неизвестная команда «{}»{}",
            context(e, ContextKind::InvalidSubcommand),
            maybe(ContextKind::SuggestedSubcommand)
        ),
        ErrorKind::ArgumentConflict => format!(
            "{arg} нельзя указать вместе с {}",
            context(e, ContextKind::PriorArg)
        ),
        ErrorKind::MissingSubcommand => "укажите команду".to_string(),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("лишнее значение «{value}» для {arg}")
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn refusal(args: &[&str]) -> String {
        let e = crate::args::Cli::try_parse_from(
            std::iter::once("mbridge").chain(args.iter().copied()),
        )
        .expect_err("refused");
        said_in_russian(&e).unwrap_or_else(|| format!("(parser's own) {e}"))
    }

    #[test]
    fn refusals_say_the_option_the_value_and_what_it_takes() {
        assert_eq!(
            refusal(&["upload", "--counter", "Мебель", "a.csv"]),
            "неверное значение «Мебель» для --counter <COUNTER>: нужен номер счётчика (mbridge counters покажет их)"
        );
        assert_eq!(
            refusal(&["upload", "a.csv"]),
            "не указано обязательное: --counter <COUNTER>"
        );
        assert_eq!(
            refusal(&["uplod"]),
            "неизвестная команда «uplod» — может быть, uploads или upload?"
        );
        assert!(
            refusal(&["validate", "--kind", "sales", "a.csv"])
                .starts_with("неверное значение «sales» для --kind <KIND>: возможные значения — conversions, calls"),
        );
        assert!(
            refusal(&["validate", "--frobnicate", "a.csv"])
                .starts_with("неизвестный параметр «--frobnicate»")
        );
    }

    #[test]
    fn english_and_the_command_are_read_from_the_arguments() {
        let args = |a: &[&str]| {
            a.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .into_iter()
        };
        assert!(wants_english(args(&["upload", "--lang", "en"])));
        assert!(wants_english(args(&["--lang=en", "upload"])));
        assert!(!wants_english(args(&["upload", "--lang", "ru"])));
        assert_eq!(
            command_of(args(&["jobs", "add", "x"])).as_deref(),
            Some("jobs add")
        );
        assert_eq!(
            command_of(args(&["--json", "upload", "a.csv"])).as_deref(),
            Some("upload")
        );
        assert_eq!(command_of(args(&["Мебель"])), None);
    }
}
