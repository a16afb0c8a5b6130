//! Tauri commands: one line of glue each over `mb_uploader::Core`. Arguments arrive camelCase
//! from the web view (Tauri's default); errors cross as the tagged `AppError`.

use std::path::PathBuf;
use std::sync::Arc;

use mb_uploader::Core;
use mb_uploader::dto::{
    Account, AppError, AppInfo, ClientOverview, ColumnMapping, CounterAttributeDto, CounterPage,
    CountersQuery, FilePreview, Goal, HistoryFilter, JobEdit, JobRunView, JobView, NewJob,
    Progress, ReadOverrides, SendResult, Settings, SignInMethod, SignInStarted, StatusValue,
    UploadDetail, UploadKind, UploadRequest, UploadSummary, ValidateRequest, ValidationSummary,
};
use mb_uploader::upload::ProgressSink;
use tauri::State;
use tauri::ipc::Channel;

type R<T> = Result<T, AppError>;
type CoreState<'a> = State<'a, Arc<Core>>;

/// Every command name, for the capability manifest (build.rs keeps its own copy in sync; a
/// test checks they match).
#[cfg_attr(not(test), allow(dead_code))]
pub const NAMES: &[&str] = &[
    "app_info",
    "accounts",
    "begin_sign_in",
    "complete_sign_in",
    "switch_account",
    "sign_out",
    "counters",
    "goals",
    "create_goal",
    "create_contact_attribute",
    "linking_window",
    "enable_extended_window",
    "pick_file",
    "inspect_file",
    "suggest_mapping",
    "status_values",
    "validate",
    "upload",
    "cancel",
    "history",
    "upload_detail",
    "refresh_status",
    "resend",
    "export_history",
    "overview",
    "settings",
    "save_settings",
    "open_rejected",
    "save_rejected",
    "pick_folder",
    "create_job",
    "run_job",
    "set_job_paused",
    "remove_job",
    "edit_job",
    "set_job_scheduled",
    "job_runs",
    "opened_file",
];

fn sink(ch: Channel<Progress>) -> ProgressSink {
    Arc::new(move |p| {
        let _ = ch.send(p);
    })
}

fn job_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Runs blocking file work off the async runtime's threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> R<T> + Send + 'static) -> R<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal {
            detail: e.to_string(),
        })?
}

#[tauri::command]
pub fn app_info(core: CoreState<'_>) -> AppInfo {
    core.app_info()
}

#[tauri::command]
pub fn accounts(core: CoreState<'_>) -> R<Vec<Account>> {
    core.accounts()
}

#[tauri::command]
pub async fn begin_sign_in(core: CoreState<'_>, method: SignInMethod) -> R<SignInStarted> {
    let started = core.begin_sign_in(method, None).await?;
    if method != SignInMethod::Device {
        if let Err(e) = open::that_detached(&started.authorize_url) {
            tracing::warn!(error = %e, "could not open the browser; the UI shows the address");
        }
    } else if let Some(url) = &started.verification_url {
        let _ = open::that_detached(url);
    }
    Ok(started)
}

#[tauri::command]
pub async fn complete_sign_in(
    core: CoreState<'_>,
    flow_id: String,
    code: Option<String>,
) -> R<Account> {
    core.complete_sign_in(&flow_id, code).await
}

#[tauri::command]
pub fn switch_account(core: CoreState<'_>, login: String) -> R<Vec<Account>> {
    core.switch_account(&login)
}

#[tauri::command]
pub async fn sign_out(core: CoreState<'_>, login: String) -> R<Vec<Account>> {
    core.sign_out(&login).await
}

#[tauri::command]
pub async fn counters(core: CoreState<'_>, query: CountersQuery) -> R<CounterPage> {
    core.counters(&query).await
}

#[tauri::command]
pub async fn goals(core: CoreState<'_>, counter_id: u32) -> R<Vec<Goal>> {
    core.goals(counter_id).await
}

#[tauri::command]
pub async fn create_goal(
    core: CoreState<'_>,
    counter_id: u32,
    name: String,
    identifier: String,
) -> R<Goal> {
    core.create_goal(counter_id, &name, &identifier).await
}

/// Declares a contact attribute on the counter for a file column (docs/metrika-api.md §5.6).
#[tauri::command]
pub async fn create_contact_attribute(
    core: CoreState<'_>,
    counter_id: u32,
    title: String,
    type_name: String,
) -> R<CounterAttributeDto> {
    core.create_contact_attribute(counter_id, &title, &type_name)
        .await
}

#[tauri::command]
pub async fn linking_window(
    core: CoreState<'_>,
    counter_id: u32,
    kind: UploadKind,
) -> R<mb_uploader::dto::LinkingWindow> {
    core.linking_window(counter_id, kind).await
}

#[tauri::command]
pub async fn enable_extended_window(
    core: CoreState<'_>,
    counter_id: u32,
    kind: UploadKind,
) -> R<mb_uploader::dto::LinkingWindow> {
    core.enable_extended_window(counter_id, kind).await
}

/// The native open dialog (GTK / Windows / macOS) via rfd; the web view never reads files.
/// (The desktop tests, which cannot click inside a native window, open files as the file
/// manager does: a second launch with the path.)
#[tauri::command]
pub async fn pick_file() -> Option<String> {
    rfd::AsyncFileDialog::new()
        .set_title("Файл для загрузки в Метрику")
        .add_filter("CSV, Excel", &["csv", "txt", "tsv", "xlsx", "xls", "ods"])
        .add_filter("*", &["*"])
        .pick_file()
        .await
        .map(|f| f.path().display().to_string())
}

#[tauri::command]
pub async fn inspect_file(path: String, read: ReadOverrides) -> R<FilePreview> {
    blocking(move || mb_uploader::import::inspect_file(&PathBuf::from(path), &read)).await
}

#[tauri::command]
pub async fn suggest_mapping(
    core: CoreState<'_>,
    path: String,
    read: ReadOverrides,
    kind: UploadKind,
    counter_id: Option<u32>,
) -> R<ColumnMapping> {
    let core = core.inner().clone();
    // The counter's contact attributes, when one is chosen: best effort, a mapping without
    // them is still right for the documented columns (validation asks again and is strict).
    let attributes = match counter_id {
        Some(c) => core
            .counter_attributes(c, kind.into())
            .await
            .unwrap_or_default(),
        None => Vec::new(),
    };
    blocking(move || core.suggest_mapping(&PathBuf::from(path), &read, kind, &attributes)).await
}

#[tauri::command]
pub async fn status_values(
    core: CoreState<'_>,
    path: String,
    read: ReadOverrides,
    mapping: ColumnMapping,
    counter_id: Option<u32>,
) -> R<Vec<StatusValue>> {
    let core = core.inner().clone();
    blocking(move || core.status_values_dto(&PathBuf::from(path), &read, &mapping, counter_id))
        .await
}

#[tauri::command]
pub async fn validate(
    core: CoreState<'_>,
    request: ValidateRequest,
    on_progress: Channel<Progress>,
) -> R<ValidationSummary> {
    // Joins the check of the same request when one is running (the user came back to the
    // Check step); a check of another request cancels the abandoned one.
    let core = core.inner().clone();
    core.check(&request, sink(on_progress)).await
}

#[tauri::command]
pub async fn upload(
    app: tauri::AppHandle,
    core: CoreState<'_>,
    request: UploadRequest,
    on_progress: Channel<Progress>,
) -> R<SendResult> {
    let id = job_id();
    let s = sink(on_progress);
    s(first(&id));
    let out = core.upload_dto(&request, &id, s).await;
    if let Ok(SendResult {
        upload: Some(u), ..
    }) = &out
    {
        crate::events::history_changed(&app, u.id);
    }
    out
}

fn first(id: &str) -> Progress {
    mb_uploader::progress::progress(id, mb_uploader::dto::Stage::Reading, 0, None, 0)
}

#[tauri::command]
pub fn cancel(core: CoreState<'_>, job_id: String) {
    core.cancel(&job_id);
}

#[tauri::command]
pub fn history(core: CoreState<'_>, filter: HistoryFilter) -> R<Vec<UploadSummary>> {
    core.history(&filter)
}

#[tauri::command]
pub fn upload_detail(core: CoreState<'_>, id: u32) -> R<UploadDetail> {
    core.upload_detail(i64::from(id))
}

#[tauri::command]
pub async fn refresh_status(core: CoreState<'_>, id: u32) -> R<UploadSummary> {
    core.refresh_status_dto(id).await
}

#[tauri::command]
pub async fn resend(
    app: tauri::AppHandle,
    core: CoreState<'_>,
    id: u32,
    on_progress: Channel<Progress>,
) -> R<UploadSummary> {
    let job = job_id();
    let s = sink(on_progress);
    s(first(&job));
    let out = core.resend_dto(id, &job, s).await;
    if let Ok(u) = &out {
        crate::events::history_changed(&app, u.id);
    }
    out
}

/// Asks where to save, then writes the history as CSV for Excel; returns the path written.
#[tauri::command]
pub async fn export_history(core: CoreState<'_>, filter: HistoryFilter) -> R<Option<String>> {
    let Some(target) = rfd::AsyncFileDialog::new()
        .set_file_name("metrika-bridge-history.csv")
        .add_filter("CSV", &["csv"])
        .save_file()
        .await
    else {
        return Ok(None);
    };
    let path = target.path().to_path_buf();
    let core = core.inner().clone();
    let shown = path.display().to_string();
    blocking(move || core.export_history(&filter, &path)).await?;
    Ok(Some(shown))
}

/// The Clients screen; its new warnings also become desktop notifications (each once).
#[tauri::command]
pub async fn overview(app: tauri::AppHandle, core: CoreState<'_>) -> R<Vec<ClientOverview>> {
    let list = core.overview().await?;
    crate::desktop::notify_warnings(&app, &core, &list);
    Ok(list)
}

#[tauri::command]
pub fn settings(core: CoreState<'_>) -> R<Settings> {
    core.settings()
}

#[tauri::command]
pub fn save_settings(core: CoreState<'_>, settings: Settings) -> R<Settings> {
    core.save_settings(&settings)
}

/// A rejected-rows file the app wrote into its own data folder; anything else is refused.
fn rejected_file(core: &CoreState<'_>, path: &str) -> R<PathBuf> {
    let p = PathBuf::from(path);
    let inside = p
        .canonicalize()
        .ok()
        .zip(core.paths().root.canonicalize().ok())
        .is_some_and(|(p, root)| p.starts_with(root));
    if !inside {
        return Err(AppError::InvalidInput {
            field: "path".into(),
            reason: "outside_data_folder".into(),
        });
    }
    Ok(p)
}

/// Opens the rejected-rows file in the system's spreadsheet program. Only files the app wrote
/// into its own data folder may be opened this way.
#[tauri::command]
pub fn open_rejected(core: CoreState<'_>, path: String) -> R<()> {
    let p = rejected_file(&core, &path)?;
    open::that_detached(&p).map_err(|e| AppError::Internal {
        detail: e.to_string(),
    })
}

/// Asks where to save a copy of the rejected-rows file (native dialog), then copies it;
/// returns the path written, or nothing when the user cancelled.
#[tauri::command]
pub async fn save_rejected(core: CoreState<'_>, path: String) -> R<Option<String>> {
    let p = rejected_file(&core, &path)?;
    let Some(target) = rfd::AsyncFileDialog::new()
        .set_file_name("rejected-rows.csv")
        .add_filter("CSV", &["csv"])
        .save_file()
        .await
    else {
        return Ok(None);
    };
    let to = target.path().to_path_buf();
    let shown = to.display().to_string();
    blocking(move || {
        std::fs::copy(&p, &to)
            .map(|_| ())
            .map_err(|e| AppError::Storage {
                detail: e.to_string(),
            })
    })
    .await?;
    Ok(Some(shown))
}

// --- repeating jobs ------------------------------------------------------------------------

/// The native folder dialog; `MBRIDGE_PICK_FOLDER` answers instead (end-to-end tests).
#[tauri::command]
pub async fn pick_folder() -> Option<String> {
    if let Ok(p) = std::env::var("MBRIDGE_PICK_FOLDER") {
        return Some(p);
    }
    rfd::AsyncFileDialog::new()
        .set_title("Папка, куда CRM кладёт выгрузки")
        .pick_folder()
        .await
        .map(|f| f.path().display().to_string())
}

/// «Повторять автоматически»: a finished upload made into a job.
#[tauri::command]
pub fn create_job(core: CoreState<'_>, job: NewJob) -> R<JobView> {
    core.create_job_from_upload(&job)
}

/// «Запустить сейчас»: runs the job (even a paused one) and returns it with the new run.
#[tauri::command]
pub async fn run_job(core: CoreState<'_>, name: String) -> R<JobView> {
    let opts = mb_uploader::jobs::RunOptions {
        wait: std::time::Duration::from_secs(30),
        even_if_paused: true,
    };
    core.run_job(&name, opts).await?;
    core.job_view(&name)
}

#[tauri::command]
pub fn set_job_paused(core: CoreState<'_>, name: String, paused: bool) -> R<JobView> {
    core.set_job_paused(&name, paused)?;
    core.job_view(&name)
}

/// Deleting a job takes its OS scheduler entry away first.
#[tauri::command]
pub fn remove_job(core: CoreState<'_>, name: String) -> R<()> {
    if core.job_view(&name)?.scheduled {
        core.unschedule_job(&name, &mb_uploader::schedule::system_tool)?;
    }
    core.remove_job(&name)
}

/// «Изменить»: folder, pattern, schedule, bad-rows policy. A job on the OS scheduler gets its
/// entry rewritten with the new schedule (or removed when it has none any more).
#[tauri::command]
pub fn edit_job(core: CoreState<'_>, job: JobEdit) -> R<JobView> {
    let view = core.edit_job(&job)?;
    if view.scheduled {
        // A job made "by hand only" leaves the scheduler.
        let on = view.every.is_some();
        return set_job_scheduled(core, job.name, on);
    }
    Ok(view)
}

/// «Включить расписание» / «Выключить»: the job's entry in the OS scheduler (systemd user
/// timer, Task Scheduler task, launchd agent), starting the `mbridge` installed with the app.
#[tauri::command]
pub fn set_job_scheduled(core: CoreState<'_>, name: String, on: bool) -> R<JobView> {
    let tool = mb_uploader::schedule::system_tool;
    if on {
        let exe = mb_uploader::schedule::runner()?;
        core.schedule_job(&name, &exe, &tool)?;
    } else {
        core.unschedule_job(&name, &tool)?;
    }
    core.job_view(&name)
}

/// Every run of a job, newest first (Clients → job → runs).
#[tauri::command]
pub fn job_runs(core: CoreState<'_>, name: String) -> R<Vec<JobRunView>> {
    core.job_run_views(&name, 200)
}
