//! Desktop behaviour through Tauri's official plugins: one instance (a second launch focuses
//! the first window and hands it its file), remembered window geometry, system notifications
//! when an upload's processing ends, and the tray that keeps following uploads after the window
//! is closed. Nothing here is platform-specific outside what the plugins already cover.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use mb_uploader::Core;
use mb_uploader::dto::AppEvent;
use tauri::menu::{MenuBuilder, MenuItemBuilder};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Emitter, Manager, Runtime, WebviewWindow, WindowEvent};

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

/// What closing the window would cut or leave unfollowed: sends going on now, and uploads
/// Metrica is still processing that the follow-up can poll (those of accounts still signed
/// in: a signed-out account's uploads wait for its next sign-in). `None` when the history
/// cannot be read: then nobody can say that nothing is left.
pub fn still_processing(core: &Core) -> Option<usize> {
    match core.uploads_still_followed() {
        Ok(n) => Some(n + core.sends_in_progress()),
        Err(e) => {
            tracing::warn!(error = %e, "uploads still processing: history unreadable");
            None
        }
    }
}

/// The tray icon kept while the window is closed and uploads are still processing.
#[derive(Default)]
pub struct Tray(pub Mutex<Option<TrayIcon>>);

/// When the app last showed a notification about an upload: hidden in the tray, it stays a
/// while after it ([`LINGER`]) so that a click on it still opens the upload.
#[derive(Default)]
pub struct LastNotice(pub Mutex<Option<std::time::Instant>>);

/// How long the app hidden in the tray waits, after its last notification, for a click on it.
pub const LINGER: std::time::Duration = std::time::Duration::from_secs(180);

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

/// Closing the main window while a file is being sent or uploads are still processing hides
/// it behind a tray icon: the send goes on, the uploads are followed (and notified), and a
/// notification says so once. Quitting from the tray stops the app. Where no tray can be
/// made, the window closes and the app stops: the uploads are followed again on the next
/// start (a send cut so is shown as interrupted, with its safe resend).
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
    let pending = still_processing(core).unwrap_or(0);
    if pending == 0 {
        return;
    }
    let app = window.app_handle();
    let en = crate::notify::app_lang(core) == mb_text::Lang::En;
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
    let sending = core.sends_in_progress() > 0;
    tracing::info!(
        pending,
        sending,
        "window closed while uploads are processing: following them from the tray"
    );
    drop(slot);
    crate::notify::notify_in_tray(app, core, sending);
}

/// The main window is closed and the app lives on in its tray icon.
pub fn hidden_in_tray<R: Runtime>(app: &AppHandle<R>) -> bool {
    let hidden = main_window(app)
        .map(|w| !w.is_visible().unwrap_or(true))
        .unwrap_or(false);
    hidden
        && app
            .try_state::<Tray>()
            .is_some_and(|t| t.0.lock().map(|g| g.is_some()).unwrap_or(false))
}

/// After each follow-up round: with the window hidden in the tray and nothing left to follow,
/// the app stops.
pub fn quit_when_done<R: Runtime>(app: &AppHandle<R>, core: &Core) {
    let noticed = app
        .try_state::<LastNotice>()
        .and_then(|n| *n.0.lock().expect("notice lock"));
    if noticed.is_some_and(|t| t.elapsed() < LINGER) {
        return;
    }
    if hidden_in_tray(app) && still_processing(core) == Some(0) {
        tracing::info!("every upload is final and the window is closed: stopping");
        app.exit(0);
    }
}

/// The follow-up needs a sign-in: with the window hidden in the tray it cannot get one, so a
/// notification says so and the app stops (the next start follows the uploads again).
pub fn stop_when_unfollowable<R: Runtime>(app: &AppHandle<R>, core: &Core) {
    // A send going on ends first (with its own error, which is notified).
    if !hidden_in_tray(app) || core.sends_in_progress() > 0 {
        return;
    }
    crate::notify::notify_follow_stopped(app, core);
    tracing::info!("the follow-up needs a sign-in and the window is closed: stopping");
    app.exit(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tray stays while uploads can still be followed, and only those: a signed-out
    /// account's uploads (nobody can ask Metrica about them) do not keep the app in the tray.
    #[test]
    fn the_tray_counts_only_uploads_it_can_follow() {
        use mb_uploader::dto::{ReadOverrides, UploadKind, UploadRequest, ValidateRequest};
        let dir = std::env::temp_dir().join(format!("mb-tray-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let core = Core::start(mb_uploader::CoreOptions {
                data_dir: Some(dir.clone()),
                demo: Some(true),
                memory_tokens: true,
                ..Default::default()
            })
            .await
            .unwrap();
            assert_eq!(still_processing(&core), Some(0));
            let file =
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/offline_clientid.csv");
            let read = ReadOverrides::default();
            let mapping = core
                .suggest_mapping(&file, &read, UploadKind::Conversions, &[])
                .unwrap();
            let request = UploadRequest {
                validate: ValidateRequest {
                    path: file.display().to_string(),
                    read,
                    kind: UploadKind::Conversions,
                    mapping,
                    counter_id: 51234501,
                    status_map: vec![],
                    hash_contacts: false,
                    only_new_rows: false,
                },
                merge_mode: None,
                comment: None,
                confirm_duplicate: false,
                skip_invalid: true,
            };
            // While the file goes, the send itself keeps the app: closing now would cut it.
            let core = Arc::new(core);
            let seen = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let sink: mb_uploader::ProgressSink = {
                let (core, seen) = (Arc::downgrade(&core), seen.clone());
                Arc::new(move |p: mb_uploader::dto::Progress| {
                    // A small file has no «uploading» step: it goes, then its answer is
                    // waited for.
                    if p.stage == mb_uploader::dto::Stage::Waiting
                        && let Some(core) = core.upgrade()
                    {
                        let n = still_processing(&core).unwrap_or(0);
                        seen.fetch_max(n, std::sync::atomic::Ordering::SeqCst);
                    }
                })
            };
            let sent = core.upload_dto(&request, "tray", sink).await.unwrap();
            assert!(sent.upload.is_some());
            assert!(seen.load(std::sync::atomic::Ordering::SeqCst) >= 1);
            assert_eq!(core.sends_in_progress(), 0);
            assert_eq!(still_processing(&core), Some(1));
            core.sign_out(mb_uploader::DEMO_LOGIN).await.unwrap();
            assert_eq!(still_processing(&core), Some(0));
        });
        let _ = std::fs::remove_dir_all(&dir);
    }

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
}
