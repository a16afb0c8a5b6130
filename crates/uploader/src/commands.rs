//! The one command table. Every command the UI can call is written once here — name, arguments
//! (camelCase on the wire), result DTO and body — and everything else is generated from it:
//!
//! - [`call`]: the dispatcher both front ends use (the desktop shell's single Tauri command and
//!   the loopback HTTP adapter `mb-http`);
//! - [`NAMES`]: the list of commands;
//! - [`typescript_client`]: the typed TypeScript `Commands` interface and the runtime table the
//!   UI builds its `Backend` from (appended to `ui/src/ipc/bindings.ts`; a test fails when stale).
//!
//! What only a front end can do (native dialogs, opening a file or the browser, telling the
//! window that history changed, the file the app was started with) goes through [`Host`].
//!
//! Adding a command: add one `fn` to the `commands!` block below, then regenerate the bindings
//! (`UPDATE_BINDINGS=1 cargo test -p mb-uploader --test it bindings`). Nothing else.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use ts_rs::TS;

use crate::core::Core;
use crate::dto::{
    Account, AppError, AppInfo, ClientOverview, ColumnMapping, CounterAttributeDto, CounterPage,
    CountersQuery, FilePreview, Goal, HistoryFilter, JobEdit, JobRunView, JobView, LearnedColumns,
    LinkingWindow, MappingCheck, NewJob, ReadOverrides, SendResult, Settings, SignInMethod,
    SignInStarted, Stage, StatusMapEntry, StatusValue, UpdateCheck, UpdateStep, UploadDetail,
    UploadKind, UploadRequest, UploadSummary, ValidateRequest, ValidationSummary,
};
use crate::error::Result;
use crate::upload::ProgressSink;

/// What the front end provides: native dialogs, the system's opener, window notices.
pub trait Host: Send + Sync {
    /// The open-file dialog; `None` when the user cancelled.
    fn pick_file(&self) -> BoxFuture<'static, Option<String>>;
    /// The folder dialog; `None` when the user cancelled.
    fn pick_folder(&self) -> BoxFuture<'static, Option<String>>;
    /// The save dialog, suggesting `file_name`; `None` when the user cancelled.
    fn save_as(&self, file_name: String) -> BoxFuture<'static, Option<PathBuf>>;
    /// Opens a file in the system's program for it.
    fn open_path(&self, path: &Path) -> Result<()>;
    /// Opens an address in the browser (sign-in); failures are only logged, the UI shows it.
    fn open_url(&self, url: &str);
    /// An upload was added or changed: the window refreshes its history.
    fn history_changed(&self, upload_id: u32);
    /// The file the app was started with, once.
    fn opened_file(&self) -> Option<String>;
    /// The Clients overview was computed: the desktop turns its new warnings into
    /// notifications (each once); other front ends ignore it.
    fn overview_loaded(&self, _list: &[ClientOverview]) {}
    /// Whether this front end updates itself from a release server.
    fn updates_configured(&self) -> bool {
        false
    }
    /// Asks the release server for a newer version. Only the desktop app updates itself;
    /// other front ends have no release server.
    fn check_update(&self) -> BoxFuture<'static, Result<UpdateCheck>> {
        Box::pin(async {
            Ok(UpdateCheck::NotConfigured {
                current: env!("CARGO_PKG_VERSION").to_string(),
            })
        })
    }
    /// Downloads the newer version found by `check_update`, checks its signature, installs it
    /// and restarts the app (so on success it does not return).
    fn install_update(&self, _progress: ProgressSink) -> BoxFuture<'static, Result<()>> {
        Box::pin(async {
            Err(AppError::UpdateFailed {
                step: UpdateStep::Check,
            })
        })
    }
}

/// Everything a command body may use.
#[derive(Clone)]
pub struct Ctx {
    pub core: Arc<Core>,
    pub host: Arc<dyn Host>,
}

impl Ctx {
    pub fn new(core: Arc<Core>, host: Arc<dyn Host>) -> Self {
        Self { core, host }
    }
}

/// `counter_id` → `counterId`: argument names on the wire (what Tauri used to do per command).
pub fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// One argument from the call's JSON object; a missing one reads as `null` (so optional
/// arguments may be left out). A wrong shape names the command and the argument.
fn arg<T: DeserializeOwned>(command: &str, args: &Value, name: &str) -> Result<T> {
    let v = args.get(name).cloned().unwrap_or(Value::Null);
    serde_json::from_value(v).map_err(|e| AppError::InvalidInput {
        field: format!("{command}.{name}"),
        reason: e.to_string(),
    })
}

fn to_json<T: Serialize>(v: T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| AppError::Internal {
        detail: e.to_string(),
    })
}

/// Runs blocking file work off the async runtime's threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal {
            detail: e.to_string(),
        })?
}

fn new_job_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The first progress report of a long job: it carries the id `cancel` takes.
fn started(progress: &ProgressSink) -> String {
    let id = new_job_id();
    progress(crate::progress::progress(&id, Stage::Reading, 0, None, 0));
    id
}

fn set_scheduled(core: &Core, name: &str, on: bool) -> Result<JobView> {
    let tool = crate::schedule::system_tool;
    if on {
        let exe = crate::schedule::runner()?;
        core.schedule_job(name, &exe, &tool)?;
    } else {
        core.unschedule_job(name, &tool)?;
    }
    core.job_view(name)
}

/// A rejected-rows file the app wrote into its own data folder; anything else is refused.
fn rejected_file(core: &Core, path: &str) -> Result<PathBuf> {
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

/// One command's description, for the generated TypeScript and for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandInfo {
    pub name: &'static str,
    /// Argument names as written in Rust (snake_case); on the wire they are camelCase.
    pub args: &'static [&'static str],
    /// Whether the command reports progress (the UI passes an `onProgress` callback).
    pub progress: bool,
}

macro_rules! commands {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($ctx:ident, $progress:ident $(, $arg:ident : $ty:ty)* $(,)?)
            -> $ret:ty $([$streams:ident])? $body:block
    )*) => {
        /// Every command name, in table order.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Every command with its argument names and whether it streams progress.
        pub const COMMANDS: &[CommandInfo] = &[$(CommandInfo {
            name: stringify!($name),
            args: &[$(stringify!($arg)),*],
            progress: false $(|| !stringify!($streams).is_empty())?,
        }),*];

        /// Runs command `name` with its arguments (a JSON object, camelCase keys); progress of
        /// long jobs goes to `progress`. Unknown commands are refused.
        pub async fn call(
            ctx: &Ctx,
            name: &str,
            args: Value,
            progress: ProgressSink,
        ) -> Result<Value> {
            match name {
                $(stringify!($name) => {
                    $(let $arg: $ty = arg(name, &args, &camel(stringify!($arg)))?;)*
                    let $ctx = ctx;
                    let $progress = progress;
                    let _ = (&$ctx, &$progress);
                    let out: Result<$ret> = async move $body.await;
                    to_json(out?)
                })*
                _ => Err(AppError::InvalidInput {
                    field: "command".into(),
                    reason: format!("unknown command {name}"),
                }),
            }
        }

        /// TypeScript for each command: `method(args…): Promise<Result>`.
        fn typescript_methods(cfg: &ts_rs::Config) -> Vec<String> {
            vec![$({
                #[allow(unused_mut)]
                let mut params: Vec<String> = vec![
                    $(format!("{}: {}", camel(stringify!($arg)), <$ty as TS>::name(cfg))),*
                ];
                $(let _ = stringify!($streams);
                params.push("onProgress: (p: Progress) => void".to_string());)?
                let docs: Vec<&str> = vec![$($doc.trim()),*];
                let doc = if docs.is_empty() {
                    String::new()
                } else {
                    format!("  /** {} */\n", docs.join(" "))
                };
                format!(
                    "{doc}  {}({}): Promise<{}>;",
                    camel(stringify!($name)),
                    params.join(", "),
                    // `()` is JSON null on the wire; TypeScript callers know it as `void`.
                    Some(<$ret as TS>::name(cfg)).filter(|n| n != "null")
                        .unwrap_or_else(|| "void".into())
                )
            }),*]
        }
    };
}

commands! {
    fn app_info(ctx, progress) -> AppInfo {
        Ok(AppInfo {
            updates: ctx.host.updates_configured(),
            ..ctx.core.app_info()
        })
    }

    fn accounts(ctx, progress) -> Vec<Account> { ctx.core.accounts() }

    /// Starts signing in; the browser is opened on the Yandex page (the UI shows the address too).
    fn begin_sign_in(ctx, progress, method: SignInMethod) -> SignInStarted {
        let started = ctx.core.begin_sign_in(method, None).await?;
        if method != SignInMethod::Device {
            ctx.host.open_url(&started.authorize_url);
        } else if let Some(url) = &started.verification_url {
            ctx.host.open_url(url);
        }
        Ok(started)
    }

    fn complete_sign_in(ctx, progress, flow_id: String, code: Option<String>) -> Account {
        ctx.core.complete_sign_in(&flow_id, code).await
    }

    fn switch_account(ctx, progress, login: String) -> Vec<Account> {
        ctx.core.switch_account(&login)
    }

    fn sign_out(ctx, progress, login: String) -> Vec<Account> { ctx.core.sign_out(&login).await }

    fn counters(ctx, progress, query: CountersQuery) -> CounterPage {
        ctx.core.counters(&query).await
    }

    fn goals(ctx, progress, counter_id: u32) -> Vec<Goal> { ctx.core.goals(counter_id).await }

    fn create_goal(ctx, progress, counter_id: u32, name: String, identifier: String) -> Goal {
        ctx.core.create_goal(counter_id, &name, &identifier).await
    }

    /// Declares a contact attribute on the counter for a file column (docs/metrika-api.md §5.6).
    fn create_contact_attribute(
        ctx, progress,
        counter_id: u32,
        title: String,
        type_name: String,
    ) -> CounterAttributeDto {
        ctx.core.create_contact_attribute(counter_id, &title, &type_name).await
    }

    fn linking_window(ctx, progress, counter_id: u32, kind: UploadKind) -> LinkingWindow {
        ctx.core.linking_window(counter_id, kind).await
    }

    fn enable_extended_window(ctx, progress, counter_id: u32, kind: UploadKind)
        -> LinkingWindow
    {
        ctx.core.enable_extended_window(counter_id, kind).await
    }

    /// The open-file dialog; the web view never reads files itself.
    fn pick_file(ctx, progress) -> Option<String> { Ok(ctx.host.pick_file().await) }

    fn inspect_file(ctx, progress, path: String, read: ReadOverrides) -> FilePreview {
        blocking(move || crate::import::inspect_file(&PathBuf::from(path), &read)).await
    }

    fn suggest_mapping(
        ctx, progress,
        path: String,
        read: ReadOverrides,
        kind: UploadKind,
        counter_id: Option<u32>,
    ) -> ColumnMapping {
        // The counter's contact attributes, when one is chosen: best effort, a mapping without
        // them is still right for the documented columns (validation asks again and is strict).
        let attributes = match counter_id {
            Some(c) => ctx.core.counter_attributes(c, kind).await.unwrap_or_default(),
            None => Vec::new(),
        };
        let core = ctx.core.clone();
        blocking(move || core.suggest_mapping(&PathBuf::from(path), &read, kind, &attributes))
            .await
    }

    /// What keeps the mapping from being checked and which of the file's columns (`headers`, as
    /// the preview read them) no field reads: the Columns step asks after each change.
    fn check_mapping(ctx, progress, mapping: ColumnMapping, headers: Vec<String>) -> MappingCheck {
        crate::import::check_mapping(&mapping, &headers)
    }

    /// Suggestions; the counter's remembered choices win when `counterId` is given.
    fn status_values(
        ctx, progress,
        path: String,
        read: ReadOverrides,
        mapping: ColumnMapping,
        counter_id: Option<u32>,
    ) -> Vec<StatusValue> {
        let core = ctx.core.clone();
        blocking(move || {
            core.status_values_dto(&PathBuf::from(path), &read, &mapping, counter_id)
        })
        .await
    }

    /// Joins the check of the same request when one is running (the user came back to the
    /// Check step); a check of another request cancels the abandoned one.
    fn validate(ctx, progress, request: ValidateRequest) -> ValidationSummary [progress] {
        ctx.core.check(&request, progress).await
    }

    /// Sends as reviewed; `upload` is null when nothing was new (a result, not an error).
    fn upload(ctx, progress, request: UploadRequest) -> SendResult [progress] {
        let id = started(&progress);
        let out = ctx.core.upload_dto(&request, &id, progress).await?;
        if let Some(u) = &out.upload {
            ctx.host.history_changed(u.id);
        }
        Ok(out)
    }

    fn cancel(ctx, progress, job_id: String) -> () {
        ctx.core.cancel(&job_id);
        Ok(())
    }

    fn history(ctx, progress, filter: HistoryFilter) -> Vec<UploadSummary> {
        ctx.core.history(&filter)
    }

    fn upload_detail(ctx, progress, id: u32) -> UploadDetail {
        ctx.core.upload_detail(i64::from(id))
    }

    fn refresh_status(ctx, progress, id: u32) -> UploadSummary {
        ctx.core.refresh_status_dto(id).await
    }

    fn resend(ctx, progress, id: u32) -> UploadSummary [progress] {
        let job = started(&progress);
        let out = ctx.core.resend_dto(id, &job, progress).await?;
        ctx.host.history_changed(out.id);
        Ok(out)
    }

    /// «Отправить заново» on a send's result: part `id` again, and the whole result as it is now.
    fn resend_part(ctx, progress, result: SendResult, id: u32) -> SendResult [progress] {
        let job = started(&progress);
        let out = ctx.core.resend_part_dto(result, id, &job, progress).await?;
        if let Some(u) = &out.upload {
            ctx.host.history_changed(u.id);
        }
        Ok(out)
    }

    /// Asks where to save, then writes the history as CSV for Excel; the path written.
    fn export_history(ctx, progress, filter: HistoryFilter) -> Option<String> {
        // Named with its day: an export of another day does not offer to replace this one.
        let today = jiff::Zoned::now().date();
        let Some(path) = ctx
            .host
            .save_as(format!("metrika-bridge-history-{today}.csv"))
            .await
        else {
            return Ok(None);
        };
        let core = ctx.core.clone();
        let shown = path.display().to_string();
        blocking(move || core.export_history(&filter, &path)).await?;
        Ok(Some(shown))
    }

    /// The Clients screen; its new warnings also become desktop notifications (each once).
    fn overview(ctx, progress) -> Vec<ClientOverview> {
        let list = ctx.core.overview().await?;
        ctx.host.overview_loaded(&list);
        Ok(list)
    }

    fn settings(ctx, progress) -> Settings { ctx.core.settings() }

    /// «Проверить обновления» (and the quiet check at start when the setting is on).
    fn check_update(ctx, progress) -> UpdateCheck { ctx.host.check_update().await }

    /// «Установить и перезапустить»: download (with progress), signature, install, restart.
    fn install_update(ctx, progress) -> () [progress] {
        ctx.host.install_update(progress).await
    }

    fn save_settings(ctx, progress, settings: Settings) -> Settings {
        ctx.core.save_settings(&settings)
    }

    /// Opens a rejected-rows file the app wrote into its own data folder (nothing else).
    fn open_rejected(ctx, progress, path: String) -> () {
        let p = rejected_file(&ctx.core, &path)?;
        ctx.host.open_path(&p)
    }

    /// Save dialog, then a copy; the path written, or null when cancelled.
    fn save_rejected(ctx, progress, path: String) -> Option<String> {
        let p = rejected_file(&ctx.core, &path)?;
        // Suggested as the app named it (after the file it comes from).
        let name = p
            .file_name()
            .map_or_else(|| "rejected-rows.csv".into(), |n| n.to_string_lossy().into_owned());
        let Some(to) = ctx.host.save_as(name).await else {
            return Ok(None);
        };
        let shown = to.display().to_string();
        blocking(move || {
            std::fs::copy(&p, &to).map(|_| ()).map_err(|e| AppError::Storage {
                detail: e.to_string(),
            })
        })
        .await?;
        Ok(Some(shown))
    }

    /// The folder dialog (repeating jobs).
    fn pick_folder(ctx, progress) -> Option<String> { Ok(ctx.host.pick_folder().await) }

    /// What «Повторять автоматически» starts from for an upload (`Core::job_draft`).
    fn job_draft(ctx, progress, upload_id: u32) -> NewJob { ctx.core.job_draft(i64::from(upload_id)) }

    /// «Повторять автоматически»: a finished upload made into a job.
    fn create_job(ctx, progress, job: NewJob) -> JobView { ctx.core.create_job_from_upload(&job) }

    /// «Запустить сейчас»: runs the job (even a paused one) and returns it with the new run.
    fn run_job(ctx, progress, name: String) -> JobView {
        let opts = crate::jobs::RunOptions {
            wait: std::time::Duration::from_secs(30),
            even_if_paused: true,
        };
        ctx.core.run_job(&name, opts).await?;
        ctx.core.job_view(&name)
    }

    fn set_job_paused(ctx, progress, name: String, paused: bool) -> JobView {
        ctx.core.set_job_paused(&name, paused)?;
        ctx.core.job_view(&name)
    }

    /// Deleting a job takes its OS scheduler entry away first (the core does, for the CLI too).
    fn remove_job(ctx, progress, name: String) -> () {
        ctx.core.remove_job(&name)
    }

    /// «Изменить»: folder, pattern, schedule, bad-rows policy. A job on the OS scheduler gets
    /// its entry rewritten with the new schedule, or removed when it has none (in the core).
    fn edit_job(ctx, progress, job: JobEdit) -> JobView {
        ctx.core.edit_job(&job)
    }

    /// A CRM job's run met statuses its map has no Metrica status for: those of the files it
    /// took, with suggestions (Clients → job → «Сопоставить новые статусы»).
    fn job_new_statuses(ctx, progress, name: String) -> Vec<StatusValue> {
        let core = ctx.core.clone();
        blocking(move || core.job_new_statuses(&name)).await
    }

    /// Adds the statuses as set to the job's map; its next run reads its last files again.
    fn map_job_statuses(ctx, progress, name: String, entries: Vec<StatusMapEntry>) -> JobView {
        ctx.core.map_job_statuses(&name, &entries)
    }

    /// «Учесть новые столбцы»: the job reads its newest file's header again (the columns
    /// Metrica has a field for are read from now on, the rest are known).
    fn learn_job_columns(ctx, progress, name: String) -> LearnedColumns {
        let core = ctx.core.clone();
        blocking(move || core.learn_job_columns(&name)).await
    }

    /// «Включить расписание» / «Выключить»: the job's entry in the OS scheduler (systemd user
    /// timer, Task Scheduler task, launchd agent), starting the `mbridge` installed with the app.
    fn set_job_scheduled(ctx, progress, name: String, on: bool) -> JobView {
        set_scheduled(&ctx.core, &name, on)
    }

    /// Every run of a job, newest first (Clients → job → runs).
    fn job_runs(ctx, progress, name: String) -> Vec<JobRunView> {
        ctx.core.job_run_views(&name, 200)
    }

    /// The file the app was started with (a path on the command line, «Открыть в…»), once.
    fn opened_file(ctx, progress) -> Option<String> { Ok(ctx.host.opened_file()) }

    /// The window painted its first screen (called once, after that frame; `pageMs` is the page's clock then): an info line in the log, which `scripts/bench-desktop.sh` times.
    fn first_screen(ctx, progress, page_ms: f64) -> () {
        tracing::info!(page_ms, "first screen painted");
        Ok(())
    }
}

/// The typed client: the `Commands` interface (one method per command, camelCase) and the
/// `COMMANDS` table a `Backend` is built from. Appended to the DTO bindings.
pub fn typescript_client() -> String {
    let cfg = ts_rs::Config::new();
    let mut out = String::from(
        "\n// ---- Commands: generated from mb-uploader's command table (commands.rs) ----\n\n",
    );
    out.push_str("/** One method per Rust command. Rejections carry `AppError`. */\n");
    out.push_str("export interface Commands {\n");
    for m in typescript_methods(&cfg) {
        out.push_str(&m);
        out.push('\n');
    }
    out.push_str("}\n\n");
    out.push_str(
        "/** Wire names: the command, its method, its arguments in order (camelCase), whether it \
         streams progress. */\n",
    );
    out.push_str(
        "export const COMMANDS: ReadonlyArray<{ name: string; method: keyof Commands; args: \
         readonly string[]; progress: boolean }> = [\n",
    );
    for c in COMMANDS {
        let args: Vec<String> = c.args.iter().map(|a| format!("'{}'", camel(a))).collect();
        out.push_str(&format!(
            "  {{ name: '{}', method: '{}', args: [{}], progress: {} }},\n",
            c.name,
            camel(c.name),
            args.join(", "),
            c.progress
        ));
    }
    out.push_str("];\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_names() {
        assert_eq!(camel("counter_id"), "counterId");
        assert_eq!(camel("enable_extended_window"), "enableExtendedWindow");
        assert_eq!(camel("accounts"), "accounts");
    }

    #[test]
    fn table_is_consistent() {
        assert_eq!(NAMES.len(), COMMANDS.len());
        let mut seen = std::collections::BTreeSet::new();
        for c in COMMANDS {
            assert!(seen.insert(c.name), "{} twice", c.name);
        }
        let streaming: Vec<_> = COMMANDS
            .iter()
            .filter(|c| c.progress)
            .map(|c| c.name)
            .collect();
        assert_eq!(
            streaming,
            [
                "validate",
                "upload",
                "resend",
                "resend_part",
                "install_update"
            ]
        );
        let sm = COMMANDS
            .iter()
            .find(|c| c.name == "suggest_mapping")
            .unwrap();
        assert_eq!(sm.args, ["path", "read", "kind", "counter_id"]);
    }

    #[test]
    fn typescript_has_typed_methods() {
        let ts = typescript_client();
        assert!(
            ts.contains("  createContactAttribute(counterId: number, title: string, typeName: string): Promise<CounterAttributeDto>;"),
            "{ts}"
        );
        assert!(
            ts.contains(
                "  validate(request: ValidateRequest, onProgress: (p: Progress) => void): \
                 Promise<ValidationSummary>;"
            ),
            "{ts}"
        );
        assert!(
            ts.contains("  cancel(jobId: string): Promise<void>;"),
            "{ts}"
        );
        assert!(ts.contains("name: 'suggest_mapping', method: 'suggestMapping', args: ['path', 'read', 'kind', 'counterId']"), "{ts}");
    }
}
