//! System notifications: an upload's processing ended or failed (with the counter and the
//! linked share), an overview warning appeared (each once), and what a click on one opens.
//! Through the official notification plugin; the texts follow the app's language setting.

use mb_history::Upload;
use mb_uploader::Core;
use mb_uploader::dto::{
    AppEvent, ClientOverview, OverviewWarning, UploadState as DtoState, UploadSummary,
};
use mb_uploader::history::summary;
use tauri::{AppHandle, Emitter, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::desktop::show_main;
use crate::events::EVENT;

/// The language of notifications: the app's setting, or the system's when it says `system`.
pub(crate) fn english(language: &str) -> bool {
    match language {
        "en" => true,
        "ru" => false,
        _ => std::env::var("LANG")
            .or_else(|_| std::env::var("LC_ALL"))
            .map(|l| l.starts_with("en"))
            .unwrap_or(false),
    }
}

/// Title and text of the notification for an upload that reached a final state; `None` for
/// states nobody needs to hear about (a superseded upload was replaced by the user).
pub fn notification_text(u: &UploadSummary, en: bool) -> Option<(String, String)> {
    let file = &u.file_name;
    let counter = match &u.counter_name {
        Some(name) => format!("{name} ({})", u.counter_id),
        None => u.counter_id.to_string(),
    };
    let linked = u.linked.unwrap_or(0);
    let total = u.valid_rows;
    let message = u
        .failure
        .as_ref()
        .map(|f| {
            f.describe(if en {
                mb_text::Lang::En
            } else {
                mb_text::Lang::Ru
            })
        })
        .unwrap_or_default();
    let (title, body) = match (u.state, en) {
        (DtoState::Processed, false) => (
            "Загрузка обработана".to_string(),
            format!("«{file}»: связано {linked} из {total} строк. Счётчик {counter}"),
        ),
        (DtoState::Processed, true) => (
            "Upload processed".to_string(),
            format!("“{file}”: {linked} of {total} rows linked. Counter {counter}"),
        ),
        (DtoState::LinkageFailure, false) => (
            "Метрика не связала строки".to_string(),
            format!("«{file}»: связано {linked} из {total} строк. Счётчик {counter}"),
        ),
        (DtoState::LinkageFailure, true) => (
            "Metrica linked no rows".to_string(),
            format!("“{file}”: {linked} of {total} rows linked. Counter {counter}"),
        ),
        (DtoState::Rejected | DtoState::Failed, false) => (
            "Загрузка не прошла".to_string(),
            format!("«{file}», счётчик {counter}. {message}")
                .trim_end_matches([' ', '.'])
                .to_string(),
        ),
        (DtoState::Rejected | DtoState::Failed, true) => (
            "Upload failed".to_string(),
            format!("“{file}”, counter {counter}. {message}")
                .trim_end_matches([' ', '.'])
                .to_string(),
        ),
        _ => return None,
    };
    Some((title, body))
}

/// Called by the follow-up for every upload whose state changed: a final state becomes a
/// system notification, unless the user turned them off in Settings.
pub fn notify_if_final<R: Runtime>(app: &AppHandle<R>, core: &Core, u: &Upload) {
    if !u.state.is_final() {
        return;
    }
    let settings = match core.settings() {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "settings unreadable: no notification");
            return;
        }
    };
    if !settings.notify_when_processed {
        return;
    }
    let Some((title, body)) = notification_text(&summary(u), english(&settings.language)) else {
        return;
    };
    match app
        .notification()
        .builder()
        .title(&title)
        .body(&body)
        .extra(EXTRA_UPLOAD, u.id)
        .show()
    {
        Ok(()) => tracing::info!(upload = u.id, state = ?u.state, "notification shown"),
        Err(e) => tracing::warn!(upload = u.id, error = %e, "notification failed"),
    }
}

/// Title and text of the notification for an overview warning (the Clients screen says the
/// same in the UI's words).
pub fn warning_text(counter: &str, w: &OverviewWarning, en: bool) -> (String, String) {
    let job = w.job.as_deref().unwrap_or("");
    let percent = w
        .value
        .map(|v| format!("{:.0} %", v * 100.0))
        .unwrap_or_default();
    let days = w.value.map(|v| v.round() as i64).unwrap_or(0);
    let ru_days = |n: i64| {
        let (m10, m100) = (n % 10, n % 100);
        if m10 == 1 && m100 != 11 {
            "день"
        } else if (2..=4).contains(&m10) && !(12..=14).contains(&m100) {
            "дня"
        } else {
            "дней"
        }
    };
    let body = match (w.code.as_str(), en) {
        ("linked_share_drop", false) => format!("Доля связанных упала до {percent}"),
        ("linked_share_drop", true) => format!("Linked share fell to {percent}"),
        ("job_failed", false) => format!("Задание «{job}» не сработало"),
        ("job_failed", true) => format!("Job “{job}” did not work"),
        ("job_overdue", false) => format!("Задание «{job}» давно не отправляло новых данных"),
        ("job_overdue", true) => format!("Job “{job}” has sent nothing new for too long"),
        ("window_closing", false) => format!(
            "Файл задания «{job}» не отправлен: через {days} {} Метрика перестанет связывать эти данные",
            ru_days(days)
        ),
        ("window_closing", true) => format!(
            "A file of job “{job}” is not sent: in {days} day{} Metrica stops linking this data",
            if days == 1 { "" } else { "s" }
        ),
        (other, _) => other.to_string(),
    };
    let title = if en {
        format!("Needs a look: {counter}")
    } else {
        format!("Нужно посмотреть: {counter}")
    };
    (title, body)
}

/// After the overview was computed: its warnings not announced before become system
/// notifications (each once), unless the user turned notifications off in Settings.
pub fn notify_warnings<R: Runtime>(app: &AppHandle<R>, core: &Core, list: &[ClientOverview]) {
    let fresh = match core.unannounced_warnings(list) {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(error = %e, "overview warnings: not announced");
            return;
        }
    };
    let Ok(settings) = core.settings() else {
        return;
    };
    if fresh.is_empty() || !settings.notify_when_processed {
        return;
    }
    let en = english(&settings.language);
    for (counter, w) in &fresh {
        let (title, body) = warning_text(counter, w, en);
        match app
            .notification()
            .builder()
            .title(&title)
            .body(&body)
            .show()
        {
            Ok(()) => tracing::info!(code = %w.code, "warning notification shown"),
            Err(e) => tracing::warn!(error = %e, "warning notification failed"),
        }
    }
}

const EXTRA_UPLOAD: &str = "upload_id";
const EXTRA_OPEN: &str = "open";

/// What a click on one of our notifications opens: the upload in History, or the Clients
/// screen for an overview warning. Only a click on the notification itself (`tap`: the
/// notification server's `default` action) opens anything.
pub fn notification_target(
    action_id: &str,
    extra: &std::collections::HashMap<String, serde_json::Value>,
) -> Option<AppEvent> {
    if action_id != "tap" {
        return None;
    }
    if let Some(id) = extra.get(EXTRA_UPLOAD).and_then(serde_json::Value::as_u64) {
        return u32::try_from(id)
            .ok()
            .map(|upload_id| AppEvent::ShowUpload { upload_id });
    }
    (extra.get(EXTRA_OPEN).and_then(serde_json::Value::as_str) == Some("clients"))
        .then_some(AppEvent::ShowClients)
}

/// Registered at start: a click on a notification brings the window forward (also from the
/// tray) and opens what the notification was about.
pub fn on_notification_clicks<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    let _ = app.notification().on_action(move |a| {
        let Some(event) = a
            .notification()
            .and_then(|n| notification_target(a.action_id(), n.extra()))
        else {
            return;
        };
        tracing::info!(?event, "notification clicked");
        show_main(&handle);
        let _ = handle.emit(EVENT, event);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(state: DtoState) -> UploadSummary {
        UploadSummary {
            id: 7,
            tag: "mb7".into(),
            account: "demo".into(),
            counter_id: 51234501,
            counter_name: Some("Цветы на Ленина".into()),
            kind: mb_uploader::dto::UploadKind::Conversions,
            file_name: "заказы.csv".into(),
            rows: 6,
            valid_rows: 5,
            state,
            server_id: Some("123".into()),
            server_status: None,
            linked: Some(4),
            user_not_found: Some(1),
            goal_not_found: None,
            created_at: "2026-12-04T10:00:00Z".into(),
            finished_at: None,
            failure: Some(mb_uploader::dto::FailureReason::Message {
                text: "Неверный формат".into(),
            }),
            note: None,
        }
    }

    #[test]
    fn a_click_on_a_notification_opens_its_upload_or_the_clients_screen() {
        let extra =
            |k: &str, v: serde_json::Value| std::collections::HashMap::from([(k.to_string(), v)]);
        assert_eq!(
            notification_target("tap", &extra(EXTRA_UPLOAD, 7.into())),
            Some(AppEvent::ShowUpload { upload_id: 7 })
        );
        assert_eq!(
            notification_target("tap", &extra(EXTRA_OPEN, "clients".into())),
            Some(AppEvent::ShowClients)
        );
        assert_eq!(
            notification_target("dismiss", &extra(EXTRA_UPLOAD, 7.into())),
            None
        );
        assert_eq!(notification_target("tap", &Default::default()), None);
        assert_eq!(
            notification_target("tap", &extra(EXTRA_UPLOAD, (-1).into())),
            None
        );
    }

    #[test]
    fn overview_warnings_are_said_as_the_clients_screen_says_them() {
        let w = |code: &str, job: Option<&str>, value: Option<f64>| OverviewWarning {
            code: serde_json::from_value(serde_json::json!(code)).expect("a warning code"),
            job: job.map(str::to_string),
            value,
        };
        let (t, b) = warning_text("Цветы", &w("linked_share_drop", None, Some(0.2)), false);
        assert_eq!(t, "Нужно посмотреть: Цветы");
        assert_eq!(b, "Доля связанных упала до 20 %");
        let (_, b) = warning_text("Цветы", &w("job_failed", Some("roma"), None), false);
        assert_eq!(b, "Задание «roma» не сработало");
        let days = |n: f64| warning_text("x", &w("window_closing", Some("j"), Some(n)), false).1;
        assert!(days(1.0).contains("через 1 день "), "{}", days(1.0));
        assert!(days(3.0).contains("через 3 дня "), "{}", days(3.0));
        assert!(days(5.0).contains("через 5 дней "), "{}", days(5.0));
        assert!(days(11.0).contains("через 11 дней "), "{}", days(11.0));
        let (t, b) = warning_text("Flowers", &w("job_overdue", Some("roma"), None), true);
        assert_eq!(t, "Needs a look: Flowers");
        assert_eq!(b, "Job “roma” has sent nothing new for too long");
    }

    #[test]
    fn notifications_name_the_file_the_counter_and_the_linked_share() {
        let (t, b) = notification_text(&upload(DtoState::Processed), false).unwrap();
        assert_eq!(t, "Загрузка обработана");
        assert_eq!(
            b,
            "«заказы.csv»: связано 4 из 5 строк. Счётчик Цветы на Ленина (51234501)"
        );
        let (t, b) = notification_text(&upload(DtoState::Processed), true).unwrap();
        assert_eq!(t, "Upload processed");
        assert!(b.contains("4 of 5 rows linked"), "{b}");
        let (t, b) = notification_text(&upload(DtoState::Rejected), false).unwrap();
        assert_eq!(t, "Загрузка не прошла");
        assert!(b.ends_with("Неверный формат"), "{b}");
        assert!(notification_text(&upload(DtoState::LinkageFailure), false).is_some());
        assert!(notification_text(&upload(DtoState::Superseded), false).is_none());
        assert!(notification_text(&upload(DtoState::Processing), false).is_none());
    }
}
