//! Metrika Bridge desktop app: a thin shell. Commands are a few lines of glue over
//! `mb-uploader`; if one grows logic, that logic belongs in a crate below.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod desktop;
mod events;
mod handover;
mod notify;
mod update;

use std::sync::Arc;

use mb_uploader::config::DataPaths;
use mb_uploader::{Core, CoreOptions};
use tauri::Manager;
use tauri_plugin_window_state::StateFlags;

fn main() {
    let context = tauri::generate_context!("../tauri.conf.json");
    let opts = CoreOptions::default().with_env();
    // One instance per data folder: a second profile runs beside the first.
    let instance = handover::instance_id(&context.config().identifier, opts.data_dir.as_deref());
    // A second launch hands over its file and ends here, before GTK, WebKit or the log writer
    // start (handover.rs says why the plugin alone is not enough on Linux).
    if handover::to_running_instance(&instance) {
        eprintln!("Metrika Bridge уже запущен: его окно выведено вперёд, аргументы переданы ему");
        handover::end();
    }
    // A data folder given by MBRIDGE_DATA_DIR (tests, a second profile, a portable copy) holds
    // the web view's storage too (the chosen counter, the demo's introduction seen), so that
    // folder is the whole of what the app keeps. Without it, WebKit's own place is kept.
    let webview_dir = opts.data_dir.as_ref().map(|d| d.join("webview"));
    // The window's size and place too (the plugin keeps them in the config folder otherwise).
    let window_state = opts.data_dir.as_ref().map(|d| d.join("window-state.json"));
    let data_dir = opts
        .data_dir
        .clone()
        .unwrap_or_else(mb_uploader::config::default_data_dir);
    let _log = mb_uploader::logging::init(&DataPaths::new(&data_dir).logs(), None);
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        "Metrika Bridge starting"
    );

    let cwd = std::env::current_dir().unwrap_or_default();
    let opened = desktop::file_from_args(std::env::args(), &cwd);
    tauri::Builder::default()
        // First: it owns the instance's name and serves the hand-over; a second launch that
        // raced this one past `handover` hands over here and ends before the core is started.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .callback(desktop::on_second_launch)
                .dbus_id(instance)
                .build(),
        )
        .plugin({
            // Size, position, maximized; never "hidden" (the tray hides the window on close).
            let b = tauri_plugin_window_state::Builder::default()
                .with_state_flags(StateFlags::all() & !StateFlags::VISIBLE);
            // An absolute name: the plugin joins it to its folder, which it then replaces.
            match window_state {
                Some(f) => b.with_filename(f.display().to_string()),
                None => b,
            }
            .build()
        })
        .plugin(tauri_plugin_notification::init())
        // Signed updates; the web view gets no updater permission (it asks through `call`).
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(update::Pending::default())
        .manage(desktop::OpenedFile::new(opened))
        .manage(desktop::Tray::default())
        .manage(desktop::LastNotice::default())
        .on_window_event(desktop::on_window_event)
        .manage(commands::CoreReady::default())
        .setup(move |app| {
            // The one window (tauri.conf.json, `create: false`), built here so that its web
            // data can follow the data folder.
            let config = app
                .config()
                .app
                .windows
                .first()
                .cloned()
                .ok_or("tauri.conf.json has no window")?;
            let build = |dir: Option<std::path::PathBuf>| {
                let mut window = tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?;
                if let Some(dir) = dir {
                    window = window.data_directory(dir);
                }
                window.build()
            };
            // A data folder that cannot be written: the window is made with WebKit's own
            // folder, and the core's start below says what is wrong.
            let built = build(webview_dir.clone()).or_else(|e| {
                tracing::warn!(error = %e, "the window could not keep its data in the data folder");
                if webview_dir.is_some() {
                    build(None)
                } else {
                    Err(e)
                }
            });
            if let Err(e) = built {
                tracing::error!(error = %e, "no window");
                let e = mb_uploader::dto::AppError::Storage {
                    detail: e.to_string(),
                };
                tauri::async_runtime::spawn(failed_to_start(app.handle().clone(), e, data_dir));
                return Ok(());
            }
            // The window appears while the core starts (database, the demo's fake Metrica,
            // reconciling interrupted uploads): commands wait for it (`CoreReady::get`), so
            // its start is not on the way to the first screen.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                match Core::start(opts).await {
                    Ok(core) => ready(&handle, Arc::new(core)),
                    Err(e) => failed_to_start(handle, e, data_dir).await,
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![commands::call])
        .run(context)
        .expect("error while running Metrika Bridge");
}

/// The app cannot start (its data folder cannot be written, the history is locked, damaged or
/// from a newer version): a native dialog says what and where, then the app ends. The dialog
/// runs on GTK's own loop (rfd's async dialog): a blocking one shown on the main thread, which
/// already runs that loop, never appeared and hung the app.
async fn failed_to_start(
    app: tauri::AppHandle,
    e: mb_uploader::dto::AppError,
    data_dir: std::path::PathBuf,
) {
    tracing::error!(error = %e, detail = ?e, "start failed");
    let n = mb_uploader::notices::start_failure(
        &e,
        &data_dir.display().to_string(),
        &DataPaths::new(&data_dir).logs().display().to_string(),
    );
    eprintln!("{}\n{}", n.title, n.body);
    // The empty window goes: the dialog is what there is to see, and the window's ✕ would
    // end the app (exit 0) with the dialog unread.
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.hide();
    }
    rfd::AsyncMessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title(n.title)
        .set_description(n.body)
        .set_buttons(rfd::MessageButtons::Ok)
        .show()
        .await;
    app.exit(1);
}

/// The core is up: it becomes the app's state, commands waiting for it go on, and the
/// follow-up of uploads and notification clicks start.
fn ready(app: &tauri::AppHandle, core: Arc<Core>) {
    tracing::info!(demo = core.is_demo(), api = %core.api_config().api_base, "core ready");
    app.manage(core.clone());
    app.state::<commands::CoreReady>().set(core.clone());
    events::spawn_follow_up(app.clone(), core.clone());
    notify::on_notification_clicks(app);
    if core.is_demo()
        && let Some(w) = app.get_webview_window("main")
    {
        // In the app's language as it starts (a change in Settings shows at the next start).
        let en = notify::app_lang(&core) == mb_text::Lang::En;
        let _ = w.set_title(if en {
            "Metrika Bridge — demo"
        } else {
            "Metrika Bridge — демо"
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn capability_manifest_lists_every_command() {
        let build = include_str!("../build.rs");
        let cap = include_str!("../capabilities/default.json");
        for name in crate::commands::NAMES {
            assert!(
                build.contains(&format!("\"{name}\"")),
                "build.rs misses {name}"
            );
            let perm = format!("allow-{}", name.replace('_', "-"));
            assert!(cap.contains(&perm), "capability misses {perm}");
        }
    }
}
