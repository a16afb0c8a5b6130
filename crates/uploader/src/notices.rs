//! The words of the desktop's system notifications: an upload that reached a final state (with
//! the counter and the linked share) and an overview warning. Texts come from the message
//! catalogue (`notify.*` in mb-text, with plural forms); the desktop shell only shows them.

use mb_text::{Arg, Lang};

use crate::dto::{OverviewWarning, OverviewWarningCode, UploadState, UploadSummary};

/// A notification's title and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

/// The language the app speaks (window, notifications): the app's setting, or for `system`
/// the system's preferred languages (Windows' display languages, macOS' preferred languages,
/// `LANGUAGE`/`LC_ALL`/`LC_MESSAGES`/`LANG` on Linux) as [`system_lang`] picks.
pub fn notice_lang(setting: &str) -> Lang {
    match setting {
        "en" => Lang::En,
        "ru" => Lang::Ru,
        _ => system_lang(sys_locale::get_locales()),
    }
}

/// The first of the preferred `locales` that is Russian or English; Russian when none is.
pub fn system_lang(locales: impl IntoIterator<Item = String>) -> Lang {
    for l in locales {
        let l = l.to_ascii_lowercase();
        if l.starts_with("ru") {
            return Lang::Ru;
        }
        if l.starts_with("en") {
            return Lang::En;
        }
    }
    Lang::Ru
}

/// The notification for an upload that reached a final state; `None` for states nobody needs
/// to hear about (a superseded upload was replaced by the user, or it is not final yet).
pub fn upload_notice(u: &UploadSummary, lang: Lang) -> Option<Notice> {
    let counter = match &u.counter_name {
        Some(name) => format!("{name} ({})", u.counter_id),
        None => u.counter_id.to_string(),
    };
    // With Metrica's linked count when it gave one; CRM uploads (and older answers) carry
    // none, and «связано 0» would be untrue: then only what Metrica took.
    let linked = |title: &str| Notice {
        title: mb_text::format(lang, title, &[]),
        body: match u.linked {
            Some(n) => mb_text::format(
                lang,
                "notify.linked",
                &[
                    ("file", Arg::Str(&u.file_name)),
                    ("linked", Arg::Num(n.into())),
                    ("count", Arg::Num(u.valid_rows.into())),
                    ("counter", Arg::Str(&counter)),
                ],
            ),
            None => mb_text::format(
                lang,
                "notify.accepted",
                &[
                    ("file", Arg::Str(&u.file_name)),
                    ("count", Arg::Num(u.valid_rows.into())),
                    ("counter", Arg::Str(&counter)),
                ],
            ),
        },
    };
    match u.state {
        UploadState::Processed => Some(linked("notify.processed")),
        UploadState::LinkageFailure => Some(linked("notify.linkage_failure")),
        UploadState::Rejected | UploadState::Failed => {
            let message = u
                .failure
                .as_ref()
                .map(|f| f.describe(lang))
                .unwrap_or_default();
            let body = mb_text::format(
                lang,
                "notify.failed_body",
                &[
                    ("file", Arg::Str(&u.file_name)),
                    ("counter", Arg::Str(&counter)),
                    ("message", Arg::Str(&message)),
                ],
            );
            Some(Notice {
                title: mb_text::format(lang, "notify.failed", &[]),
                body: body.trim_end_matches([' ', '.']).to_string(),
            })
        }
        _ => None,
    }
}

/// Why the tray stops: the follow-up needs a sign-in nobody can give while the window is
/// closed, so the app says so and ends instead of promising to follow.
pub fn follow_stopped_notice(lang: Lang) -> Notice {
    Notice {
        title: mb_text::format(lang, "notify.follow_stopped_title", &[]),
        body: mb_text::format(lang, "notify.follow_stopped", &[]),
    }
}

/// Said once when the window is closed but the app stays in the tray: a send is going on
/// (`sending`), or uploads are still being processed.
pub fn in_tray_notice(sending: bool, lang: Lang) -> Notice {
    let what = mb_text::format(
        lang,
        if sending {
            "notify.in_tray_sending"
        } else {
            "notify.in_tray_following"
        },
        &[],
    );
    Notice {
        title: mb_text::format(lang, "notify.in_tray_title", &[]),
        body: mb_text::format(lang, "notify.in_tray", &[("what", Arg::Str(&what))]),
    }
}

/// Said when a send the user left to the tray did not finish (an error, a cut connection):
/// the window tells what happened, the notification brings it back.
pub fn send_stopped_notice(lang: Lang) -> Notice {
    Notice {
        title: mb_text::format(lang, "notify.send_stopped_title", &[]),
        body: mb_text::format(lang, "notify.send_stopped", &[]),
    }
}

/// Whether a send command's answer (`upload`, `resend_part`: a [`crate::dto::SendResult`];
/// `resend`: an [`UploadSummary`]) says the file reached Metrica, or that nothing had to go.
pub fn send_went(answer: &serde_json::Value) -> bool {
    use crate::plan::OutcomeKind;
    if let Ok(r) = serde_json::from_value::<crate::dto::SendResult>(answer.clone()) {
        return matches!(r.outcome, OutcomeKind::Sent | OutcomeKind::NothingNew);
    }
    serde_json::from_value::<UploadSummary>(answer.clone()).is_ok_and(|u| {
        matches!(
            u.state,
            UploadState::Sent
                | UploadState::Processing
                | UploadState::Processed
                | UploadState::LinkageFailure
        )
    })
}

/// What the desktop app says when its core cannot start (the data folder cannot be written,
/// the history is locked, damaged or from a newer version), in the system's language: the
/// app's own setting is in that folder.
pub fn start_failure(e: &crate::dto::AppError, dir: &str, logs: &str) -> Notice {
    let lang = notice_lang("system");
    let detail = match e {
        crate::dto::AppError::Storage { detail } | crate::dto::AppError::Internal { detail } => {
            detail.clone()
        }
        other => other.to_string(),
    };
    // The history store's own words for a file from a newer build (mb_history::Error).
    let key = if detail.contains("is newer than this build supports") {
        "start.newer"
    } else {
        "start.failed"
    };
    Notice {
        title: mb_text::format(lang, "start.failed_title", &[]),
        body: mb_text::format(
            lang,
            key,
            &[
                ("dir", Arg::Str(dir)),
                ("logs", Arg::Str(logs)),
                ("detail", Arg::Str(&detail)),
            ],
        ),
    }
}

/// The notification for an overview warning (the Clients screen says the same in its words).
pub fn warning_notice(counter: &str, w: &OverviewWarning, lang: Lang) -> Notice {
    let job = w.job.as_deref().unwrap_or("");
    let key = format!("notify.{}", w.code.as_str());
    let body = match w.code {
        OverviewWarningCode::LinkedShareDrop => {
            let percent = format!("{:.0}", w.value.unwrap_or(0.0) * 100.0);
            mb_text::format(lang, &key, &[("percent", Arg::Str(&percent))])
        }
        OverviewWarningCode::WindowClosing => {
            let days = w.value.unwrap_or(0.0).round().max(0.0) as u64;
            mb_text::format(
                lang,
                &key,
                &[("job", Arg::Str(job)), ("count", Arg::Num(days))],
            )
        }
        OverviewWarningCode::JobFailed | OverviewWarningCode::JobOverdue => {
            mb_text::format(lang, &key, &[("job", Arg::Str(job))])
        }
    };
    Notice {
        title: mb_text::format(lang, "notify.needs_look", &[("counter", Arg::Str(counter))]),
        body,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_start_failure_names_the_folder_and_a_newer_history_says_to_update() {
        let newer: crate::dto::AppError = mb_history::Error::NewerSchema {
            found: 999,
            supported: 9,
        }
        .into();
        let n = super::start_failure(&newer, "/home/u/mb", "/home/u/mb/logs");
        assert!(
            n.body.contains("/home/u/mb")
                && n.body.contains("/home/u/mb/logs")
                && !n.body.contains("schema"),
            "{n:?}"
        );
        let io = crate::dto::AppError::Storage {
            detail: "Read-only file system (os error 30)".into(),
        };
        let n = super::start_failure(&io, "/ro", "/ro/logs");
        assert!(
            n.body.contains("Read-only file system") && n.body.contains("/ro"),
            "{n:?}"
        );
    }

    #[test]
    fn a_send_went_when_metrica_has_the_file_or_nothing_had_to_go() {
        use crate::dto::UploadState as S;
        for (state, went) in [
            (S::Sent, true),
            (S::Processing, true),
            (S::Processed, true),
            (S::Failed, false),
            (S::Interrupted, false),
            (S::Prepared, false),
        ] {
            let v = serde_json::to_value(super::tests::upload(state)).unwrap();
            assert_eq!(super::send_went(&v), went, "{state:?}");
        }
        assert!(!super::send_went(&serde_json::json!({"error": "x"})));
    }

    #[test]
    fn the_tray_notice_says_what_goes_on() {
        let ru = super::in_tray_notice(true, mb_text::Lang::Ru);
        assert!(ru.body.contains("отправка продолжается"), "{ru:?}");
        let en = super::in_tray_notice(false, mb_text::Lang::En);
        assert!(
            en.body.contains("follow-up of your uploads goes on"),
            "{en:?}"
        );
    }

    use super::*;
    use crate::dto::{FailureReason, UploadKind};

    fn upload(state: UploadState) -> UploadSummary {
        UploadSummary {
            id: 7,
            tag: "mb7".into(),
            account: "demo".into(),
            counter_id: 51234501,
            counter_name: Some("Цветы на Ленина".into()),
            kind: UploadKind::Conversions,
            file_name: "заказы.csv".into(),
            rows: 6,
            valid_rows: 5,
            state,
            server_id: Some("123".into()),
            server_status: None,
            linked: Some(4),
            user_not_found: Some(1),
            goal_not_found: None,
            linked_share: Some(0.8),
            created_at: "2026-12-04T10:00:00Z".into(),
            finished_at: None,
            failure: Some(FailureReason::Message {
                text: "Неверный формат".into(),
            }),
            note: None,
            resendable: false,
            refreshable: false,
            replaced_by: None,
            outcome: crate::plan::OutcomeKind::of_state(state),
            received: true,
        }
    }

    #[test]
    fn uploads_name_the_file_the_counter_and_the_linked_share() {
        let n = upload_notice(&upload(UploadState::Processed), Lang::Ru).unwrap();
        assert_eq!(n.title, "Загрузка обработана");
        assert_eq!(
            n.body,
            "«заказы.csv»: связано 4 из 5 строк. Счётчик Цветы на Ленина (51234501)"
        );
        let one = UploadSummary {
            valid_rows: 1,
            linked: Some(1),
            ..upload(UploadState::Processed)
        };
        assert!(
            upload_notice(&one, Lang::Ru)
                .unwrap()
                .body
                .contains("связано 1 из 1 строки.")
        );
        let big = UploadSummary {
            valid_rows: 21_001,
            linked: Some(20_000),
            ..upload(UploadState::Processed)
        };
        let body = upload_notice(&big, Lang::Ru).unwrap().body;
        assert!(
            body.contains("связано 20\u{202F}000 из 21\u{202F}001 строки."),
            "{body}"
        );
        let n = upload_notice(&upload(UploadState::Processed), Lang::En).unwrap();
        assert_eq!(n.title, "Upload processed");
        assert!(n.body.contains("4 of 5 rows linked"), "{}", n.body);
        let n = upload_notice(&upload(UploadState::Rejected), Lang::Ru).unwrap();
        assert_eq!(n.title, "Загрузка не прошла");
        assert!(n.body.ends_with("Неверный формат"), "{}", n.body);
        assert_eq!(
            upload_notice(&upload(UploadState::LinkageFailure), Lang::Ru).map(|n| n.title),
            Some("Метрика не связала строки".to_string())
        );
        // A CRM upload: Metrica gives no linked count, and the notice does not invent «0».
        let crm = UploadSummary {
            kind: UploadKind::Contacts,
            linked: None,
            linked_share: None,
            ..upload(UploadState::Processed)
        };
        assert_eq!(
            upload_notice(&crm, Lang::Ru).unwrap().body,
            "«заказы.csv»: Метрика приняла 5 строк. Счётчик Цветы на Ленина (51234501)"
        );
        assert!(upload_notice(&upload(UploadState::Superseded), Lang::Ru).is_none());
        assert!(upload_notice(&upload(UploadState::Processing), Lang::Ru).is_none());
    }

    #[test]
    fn overview_warnings_are_said_in_words_with_plurals() {
        let w = |code, job: Option<&str>, value: Option<f64>| OverviewWarning {
            code,
            job: job.map(str::to_string),
            job_name: None,
            value,
        };
        use OverviewWarningCode as C;
        let n = warning_notice("Цветы", &w(C::LinkedShareDrop, None, Some(0.2)), Lang::Ru);
        assert_eq!(n.title, "Нужно посмотреть: Цветы");
        assert_eq!(n.body, "Доля связанных упала до 20 %");
        let n = warning_notice("Цветы", &w(C::JobFailed, Some("roma"), None), Lang::Ru);
        assert_eq!(n.body, "Задание «roma» не сработало");
        let days =
            |d: f64| warning_notice("x", &w(C::WindowClosing, Some("j"), Some(d)), Lang::Ru).body;
        assert!(days(1.0).contains("через 1 день "), "{}", days(1.0));
        assert!(days(3.0).contains("через 3 дня "), "{}", days(3.0));
        assert!(days(5.0).contains("через 5 дней "), "{}", days(5.0));
        assert!(days(11.0).contains("через 11 дней "), "{}", days(11.0));
        assert!(days(21.0).contains("через 21 день "), "{}", days(21.0));
        let n = warning_notice("Flowers", &w(C::JobOverdue, Some("roma"), None), Lang::En);
        assert_eq!(n.title, "Needs a look: Flowers");
        assert_eq!(n.body, "Job “roma” has sent nothing new for too long");
        let one_day = warning_notice("x", &w(C::WindowClosing, Some("j"), Some(1.0)), Lang::En);
        assert!(one_day.body.contains("in 1 day "), "{}", one_day.body);
    }

    #[test]
    fn the_language_follows_the_setting() {
        assert_eq!(notice_lang("en"), Lang::En);
        assert_eq!(notice_lang("ru"), Lang::Ru);
    }

    #[test]
    fn the_system_language_is_the_first_preferred_russian_or_english() {
        let pick = |l: &[&str]| system_lang(l.iter().map(|s| s.to_string()));
        // Windows in English with Russian second: English, as the window shows it.
        assert_eq!(pick(&["en-US", "ru-RU"]), Lang::En);
        assert_eq!(pick(&["de-DE", "en-GB"]), Lang::En);
        assert_eq!(pick(&["ru_RU.UTF-8"]), Lang::Ru);
        assert_eq!(pick(&["de-DE"]), Lang::Ru);
        assert_eq!(pick(&["C.UTF-8"]), Lang::Ru);
        assert_eq!(pick(&[]), Lang::Ru);
    }
}
