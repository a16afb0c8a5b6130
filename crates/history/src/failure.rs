//! Why an upload ended without Metrica keeping it, as a value the UI and CLI translate.
//!
//! Stored in `uploads.server_message` as before (`network`, `server_error:503`, or Metrica's
//! own words for a rejection, e-mails and phones masked), so no migration is needed; read
//! back with [`FailureReason::from_stored`]. The app receives the typed value, never the
//! `code:arg` string to split.

use serde::{Deserialize, Serialize};

/// What stopped an upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FailureReason {
    /// No connection to Metrica.
    Network,
    /// Metrica answered with an HTTP 5xx.
    ServerError { status: u16 },
    /// The API's daily quota was used up (it resets at 00:00 UTC).
    QuotaExceeded,
    /// Metrica asked to wait (too many requests at once or this hour), after the app's own
    /// retries.
    QuotaBusy,
    /// The account has no edit access to the counter.
    NoAccess,
    /// Metrica does not know the counter or the upload.
    NotFound,
    /// The account's sign-in expired.
    SignInNeeded,
    /// The user stopped the send. Alone it says no more: a send stopped while its file was
    /// on the wire is `interrupted` with this reason (its explanation says the outcome is
    /// unknown); one stopped before it went is [`FailureReason::StoppedBeforeSend`].
    Cancelled,
    /// The user stopped the send before a byte of this part went: Metrica does not have it.
    StoppedBeforeSend,
    /// A part of a file that went in parts, never sent because a part before it did not go.
    NotSent,
    /// The counter takes no conversions before this day (`YYYY-MM-DD`): its linking window
    /// was switched on only recently.
    LinkingWindow { date: String },
    /// Metrica answered something the app could not read (the details are in the log).
    Unexpected,
    /// Anything else, in the words it came with (Metrica's message for a rejection).
    Message { text: String },
}

impl FailureReason {
    /// The text kept in the history database.
    pub fn stored(&self) -> String {
        match self {
            FailureReason::Network => "network".into(),
            FailureReason::ServerError { status } => format!("server_error:{status}"),
            FailureReason::QuotaExceeded => "quota_exceeded".into(),
            FailureReason::QuotaBusy => "quota_busy".into(),
            FailureReason::NoAccess => "no_access".into(),
            FailureReason::NotFound => "not_found".into(),
            FailureReason::SignInNeeded => "sign_in_needed".into(),
            FailureReason::Cancelled => "cancelled".into(),
            FailureReason::StoppedBeforeSend => "stopped_before_send".into(),
            FailureReason::NotSent => "not_sent".into(),
            FailureReason::LinkingWindow { date } => format!("linking_window:{date}"),
            FailureReason::Unexpected => "unexpected".into(),
            FailureReason::Message { text } => text.clone(),
        }
    }

    /// The reason a stored text stands for; any text that is no local code is a message.
    pub fn from_stored(s: &str) -> FailureReason {
        match s {
            "network" => FailureReason::Network,
            "quota_exceeded" => FailureReason::QuotaExceeded,
            "quota_busy" => FailureReason::QuotaBusy,
            "no_access" => FailureReason::NoAccess,
            "not_found" => FailureReason::NotFound,
            "sign_in_needed" => FailureReason::SignInNeeded,
            "cancelled" => FailureReason::Cancelled,
            "stopped_before_send" => FailureReason::StoppedBeforeSend,
            "not_sent" => FailureReason::NotSent,
            "unexpected" => FailureReason::Unexpected,
            _ if s.starts_with("linking_window:") => FailureReason::LinkingWindow {
                date: s["linking_window:".len()..].to_string(),
            },
            _ => match s
                .strip_prefix("server_error:")
                .and_then(|n| n.parse::<u16>().ok())
            {
                Some(status) => FailureReason::ServerError { status },
                None => FailureReason::Message {
                    text: s.to_string(),
                },
            },
        }
    }

    /// The catalogue key of the reason (`failure.server_error`), `None` for a message.
    pub fn code(&self) -> Option<&'static str> {
        Some(match self {
            FailureReason::Network => "network",
            FailureReason::ServerError { .. } => "server_error",
            FailureReason::QuotaExceeded => "quota_exceeded",
            FailureReason::QuotaBusy => "quota_busy",
            FailureReason::NoAccess => "no_access",
            FailureReason::NotFound => "not_found",
            FailureReason::SignInNeeded => "sign_in_needed",
            FailureReason::Cancelled => "cancelled",
            FailureReason::StoppedBeforeSend => "stopped_before_send",
            FailureReason::NotSent => "not_sent",
            FailureReason::LinkingWindow { .. } => "linking_window",
            FailureReason::Unexpected => "unexpected",
            FailureReason::Message { .. } => return None,
        })
    }

    /// The reason in words from the message catalogue (`reason.<code>`); a message as it came.
    pub fn describe(&self, lang: mb_text::Lang) -> String {
        match (self, self.code()) {
            (FailureReason::Message { text }, _) => text.clone(),
            (FailureReason::ServerError { status }, Some(code)) => mb_text::format(
                lang,
                &format!("reason.{code}"),
                &[("status", mb_text::Arg::Num(u64::from(*status)))],
            ),
            (FailureReason::LinkingWindow { date }, Some(code)) => {
                // 2026-12-10 as people here write it: 10.12.2026.
                let day = date
                    .parse::<jiff::civil::Date>()
                    .map_or_else(|_| date.clone(), |d| d.strftime("%d.%m.%Y").to_string());
                mb_text::format(
                    lang,
                    &format!("reason.{code}"),
                    &[("date", mb_text::Arg::Str(&day))],
                )
            }
            (_, Some(code)) => mb_text::format(lang, &format!("reason.{code}"), &[]),
            (_, None) => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_survives_the_database_and_metricas_words_stay_words() {
        let all = [
            FailureReason::Network,
            FailureReason::ServerError { status: 503 },
            FailureReason::QuotaExceeded,
            FailureReason::NoAccess,
            FailureReason::NotFound,
            FailureReason::SignInNeeded,
            FailureReason::Cancelled,
            FailureReason::StoppedBeforeSend,
            FailureReason::NotSent,
            FailureReason::LinkingWindow {
                date: "2026-12-10".into(),
            },
            FailureReason::Unexpected,
            FailureReason::QuotaBusy,
            FailureReason::Message {
                text: "invalid_uploading: Некорректный DateTime в строке 4".into(),
            },
        ];
        for r in all {
            assert_eq!(FailureReason::from_stored(&r.stored()), r);
        }
        assert_eq!(
            FailureReason::from_stored("server_error:abc"),
            FailureReason::Message {
                text: "server_error:abc".into()
            }
        );
        assert!(
            FailureReason::ServerError { status: 503 }
                .describe(mb_text::Lang::Ru)
                .contains("ошибкой 503")
        );
        let window = FailureReason::LinkingWindow {
            date: "2026-12-10".into(),
        }
        .describe(mb_text::Lang::Ru);
        assert!(window.contains("10.12.2026"), "{window}");
        for r in [
            FailureReason::Network,
            FailureReason::QuotaExceeded,
            FailureReason::NoAccess,
            FailureReason::NotFound,
            FailureReason::SignInNeeded,
            FailureReason::Cancelled,
            FailureReason::StoppedBeforeSend,
            FailureReason::Unexpected,
            FailureReason::QuotaBusy,
            FailureReason::LinkingWindow {
                date: "2026-12-10".into(),
            },
        ] {
            for lang in mb_text::Lang::ALL {
                let key = format!("reason.{}", r.code().unwrap());
                assert!(mb_text::text(lang, &key).is_some(), "{key}");
            }
        }
        assert_eq!(
            serde_json::to_string(&FailureReason::ServerError { status: 503 }).unwrap(),
            r#"{"kind":"server_error","status":503}"#
        );
    }
}
