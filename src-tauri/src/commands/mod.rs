//! The desktop front end of mb-uploader's command table: one Tauri command, `call`, dispatches
//! every command (`mb_uploader::commands::call`), and `DesktopHost` gives the table what only the
//! desktop has (native dialogs via rfd, the system opener, window notices). Nothing here is per
//! command: adding a command is one entry in crates/uploader/src/commands.rs.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::future::BoxFuture;
use mb_uploader::Core;
use mb_uploader::commands::{Ctx, Host};
use mb_uploader::dto::{AppError, Progress};
use mb_uploader::upload::ProgressSink;
use serde_json::Value;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use tokio::sync::watch;

/// The only command names Tauri knows (build.rs and the capability file list exactly these).
#[cfg_attr(not(test), allow(dead_code))]
pub const NAMES: &[&str] = &["call"];

/// Every command of the table: `name`, its arguments as a camelCase object, and a channel for
/// the progress of long jobs.
#[tauri::command]
pub async fn call(
    app: AppHandle,
    core: State<'_, CoreReady>,
    name: String,
    args: Value,
    on_progress: Channel<Progress>,
) -> Result<Value, AppError> {
    let sink: ProgressSink = Arc::new(move |p| {
        let _ = on_progress.send(p);
    });
    let core = core.get().await;
    let ctx = Ctx::new(core.clone(), Arc::new(DesktopHost(app.clone())));
    let out = mb_uploader::commands::call(&ctx, &name, args, sink).await;
    // A send the user left to the tray: when it did not finish, a notification says so (the
    // window tells what happened) and the app waits for its click before it quits.
    if matches!(name.as_str(), "upload" | "resend" | "resend_part")
        && crate::desktop::hidden_in_tray(&app)
        && !out.as_ref().is_ok_and(mb_uploader::notices::send_went)
    {
        crate::notify::notify_send_stopped(&app, &core);
    }
    out
}

/// The core once it has started (it starts beside the window, not before it).
pub struct CoreReady {
    tx: watch::Sender<Option<Arc<Core>>>,
}

impl Default for CoreReady {
    fn default() -> Self {
        Self {
            tx: watch::channel(None).0,
        }
    }
}

impl CoreReady {
    pub fn set(&self, core: Arc<Core>) {
        self.tx.send_replace(Some(core));
    }

    /// The core, waiting for its start when a command comes first.
    pub async fn get(&self) -> Arc<Core> {
        let mut rx = self.tx.subscribe();
        let core = rx
            .wait_for(Option::is_some)
            .await
            .expect("the sender lives in the app state");
        core.clone().expect("waited for Some")
    }
}

/// Native dialogs and notices. (The desktop tests, which cannot click inside a native window,
/// open files as the file manager does: a second launch with the path.)
struct DesktopHost(AppHandle);

impl Host for DesktopHost {
    fn pick_file(&self) -> BoxFuture<'static, Option<String>> {
        Box::pin(async {
            rfd::AsyncFileDialog::new()
                .set_title("Файл для загрузки в Метрику")
                .add_filter("CSV, Excel", &["csv", "txt", "tsv", "xlsx", "xls", "ods"])
                .add_filter("*", &["*"])
                .pick_file()
                .await
                .map(|f| f.path().display().to_string())
        })
    }

    fn pick_folder(&self) -> BoxFuture<'static, Option<String>> {
        Box::pin(async {
            rfd::AsyncFileDialog::new()
                .set_title("Папка, куда CRM кладёт выгрузки")
                .pick_folder()
                .await
                .map(|f| f.path().display().to_string())
        })
    }

    fn save_as(&self, file_name: String) -> BoxFuture<'static, Option<PathBuf>> {
        Box::pin(async move {
            rfd::AsyncFileDialog::new()
                .set_file_name(file_name)
                .add_filter("CSV", &["csv"])
                .save_file()
                .await
                .map(|f| f.path().to_path_buf())
        })
    }

    fn open_path(&self, path: &Path) -> Result<(), AppError> {
        open::that_detached(path).map_err(|e| AppError::Internal {
            detail: e.to_string(),
        })
    }

    fn open_url(&self, url: &str) {
        if let Err(e) = open::that_detached(url) {
            tracing::warn!(error = %e, "could not open the browser; the UI shows the address");
        }
    }

    fn history_changed(&self, upload_id: u32) {
        crate::events::history_changed(&self.0, upload_id);
    }

    fn opened_file(&self) -> Option<String> {
        self.0.state::<crate::desktop::OpenedFile>().take()
    }

    fn overview_loaded(&self, list: &[mb_uploader::dto::ClientOverview]) {
        let core = self.0.state::<Arc<Core>>();
        crate::notify::notify_warnings(&self.0, &core, list);
    }

    fn updates_configured(&self) -> bool {
        crate::update::configured(&self.0)
    }

    fn check_update(&self) -> BoxFuture<'static, Result<mb_uploader::dto::UpdateCheck, AppError>> {
        crate::update::check(self.0.clone())
    }

    fn install_update(&self, progress: ProgressSink) -> BoxFuture<'static, Result<(), AppError>> {
        crate::update::install(self.0.clone(), progress)
    }
}
