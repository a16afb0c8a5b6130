//! Desktop behaviour through Tauri's official plugins: one instance (a second launch focuses
//! the first window and hands it its file), remembered window geometry, system notifications
//! when an upload's processing ends, and the tray that keeps following uploads after the window
//! is closed. Nothing here is platform-specific outside what the plugins already cover.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use mb_history::Upload;
use mb_uploader::Core;
use mb_uploader::dto::{
    AppEvent, ClientOverview, HistoryFilter, OverviewWarning, UploadState as DtoState,
    UploadSummary,
};
use mb_uploader::history::summary;
use tauri::menu::{MenuBuilder, MenuItemBuilder};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Emitter, Manager, Runtime, WebviewWindow, WindowEvent};
use tauri_plugin_notification::NotificationExt;

use crate::events::EVENT;

/// A file the system handed over on the first launch, until the UI takes it.
#[derive(Default)]
pub struct OpenedFile(Mutex<Option<String>>);

impl OpenedFile {
    pub fn new(path: Option<PathBuf>) -> Self {
        Self(Mutex::new(path.map(|p| p.display().to_string())))
    }
}

impl OpenedFile {
    /// The file the app was started with («Открыть в Metrika Bridge», or a path on the command
    /// line), once: the import wizard opens it.
    pub fn take(&self) -> Option<String> {
        self.0.lock().ok().and_then(|mut g| g.take())
    }
}

/// The first argument after the program name that names an existing file (relative paths are
/// taken from `cwd`, the launching process's folder). Options (`-…`) are skipped.
pub fn file_from_args<I, S>(args: I, cwd: &Path) -> Option<PathBuf>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    args.into_iter()
        .skip(1)
        .map(|a| a.as_ref().to_string())
        .filter(|a| !a.starts_with('-') && !a.is_empty())
        .map(|a| {
            let a = a.strip_prefix("file://").map(str::to_string).unwrap_or(a);
            let p = PathBuf::from(a);
            if p.is_absolute() { p } else { cwd.join(p) }
        })
        .find(|p| p.is_file())
}

pub fn main_window<R: Runtime>(app: &AppHandle<R>) -> Option<WebviewWindow<R>> {
    app.get_webview_window("main")
}

/// Brings the main window back (from the tray, or in front of a second launch).
pub fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = main_window(app) {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// What a second launch does: the first window comes forward and opens the file it was given.
pub fn on_second_launch<R: Runtime>(app: &AppHandle<R>, argv: Vec<String>, cwd: String) {
    tracing::info!(
        args = argv.len(),
        "second launch: focusing the running window"
    );
    show_main(app);
    if let Some(p) = file_from_args(&argv, Path::new(&cwd)) {
        let _ = app.emit(
            EVENT,
            AppEvent::OpenFile {
                path: p.display().to_string(),
            },
        );
    }
}

/// The language of notifications: the app's setting, or the system's when it says `system`.
fn english(language: &str) -> bool {
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

/// Uploads Metrica is still processing (the follow-up polls them).
pub fn still_processing(core: &Core) -> usize {
    let filter = HistoryFilter {
        states: vec![DtoState::Sent, DtoState::Processing],
        ..HistoryFilter::default()
    };
    core.history(&filter).map(|l| l.len()).unwrap_or(0)
}

/// The tray icon kept while the window is closed and uploads are still processing.
#[derive(Default)]
pub struct Tray(pub Mutex<Option<TrayIcon>>);

fn build_tray<R: Runtime>(app: &AppHandle<R>, en: bool) -> tauri::Result<TrayIcon<R>> {
    let (open, quit, tip) = if en {
        (
            "Open Metrika Bridge",
            "Quit",
            "Metrika Bridge follows your uploads",
        )
    } else {
        (
            "Открыть Metrika Bridge",
            "Выйти",
            "Metrika Bridge следит за загрузками",
        )
    };
    let menu = MenuBuilder::new(app)
        .item(&MenuItemBuilder::with_id("open", open).build(app)?)
        .separator()
        .item(&MenuItemBuilder::with_id("quit", quit).build(app)?)
        .build()?;
    let mut b = TrayIconBuilder::with_id("follow-up")
        .menu(&menu)
        .tooltip(tip)
        .on_menu_event(|app, ev| match ev.id().as_ref() {
            "open" => show_main(app),
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        b = b.icon(icon.clone().to_owned());
    }
    b.build(app)
}

/// Closing the main window while uploads are still processing hides it behind a tray icon
/// that goes on following them (and notifying); quitting from the tray stops the app. Where
/// no tray can be made, the window closes and the app stops: the uploads are followed again
/// on the next start.
pub fn on_window_event(window: &tauri::Window, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    if window.label() != "main" {
        return;
    }
    let Some(core) = window.app_handle().try_state::<Arc<Core>>() else {
        return;
    };
    let core: &Core = &core;
    let pending = still_processing(core);
    if pending == 0 {
        return;
    }
    let app = window.app_handle();
    let en = core
        .settings()
        .map(|s| english(&s.language))
        .unwrap_or(false);
    let tray = app.state::<Tray>();
    let mut slot = tray.0.lock().expect("tray lock");
    if slot.is_none() {
        match build_tray(app, en) {
            Ok(t) => *slot = Some(t),
            Err(e) => {
                tracing::warn!(error = %e, pending, "no tray on this desktop: closing; uploads are followed on the next start");
                return;
            }
        }
    }
    api.prevent_close();
    let _ = window.hide();
    tracing::info!(
        pending,
        "window closed while uploads are processing: following them from the tray"
    );
}

/// After each follow-up round: with the window hidden in the tray and nothing left to follow,
/// the app stops.
pub fn quit_when_done<R: Runtime>(app: &AppHandle<R>, core: &Core) {
    let hidden = main_window(app)
        .map(|w| !w.is_visible().unwrap_or(true))
        .unwrap_or(false);
    let in_tray = app
        .try_state::<Tray>()
        .is_some_and(|t| t.0.lock().map(|g| g.is_some()).unwrap_or(false));
    if hidden && in_tray && still_processing(core) == 0 {
        tracing::info!("every upload is final and the window is closed: stopping");
        app.exit(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_existing_file_argument_is_taken_relative_to_the_launch_folder() {
        let dir = std::env::temp_dir().join(format!("mb-args-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("заказы.csv"), "a\n").unwrap();
        let got = file_from_args(["metrika-bridge", "--flag", "заказы.csv"], &dir);
        assert_eq!(got, Some(dir.join("заказы.csv")));
        let abs = dir.join("заказы.csv").display().to_string();
        assert_eq!(
            file_from_args(["metrika-bridge", &abs], Path::new("/")),
            Some(dir.join("заказы.csv"))
        );
        let uri = format!("file://{abs}");
        assert_eq!(
            file_from_args(["metrika-bridge", &uri], Path::new("/")),
            Some(dir.join("заказы.csv"))
        );
        assert_eq!(file_from_args(["metrika-bridge", "нет.csv"], &dir), None);
        assert_eq!(file_from_args(["metrika-bridge"], &dir), None);
        // The program's own path is never taken for a file.
        assert_eq!(file_from_args([abs.as_str()], &dir), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

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
