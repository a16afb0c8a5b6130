//! `mbridge jobs add`: its arguments (the options of `upload`, a source, a schedule and the
//! bad-rows policy) and how a job is built from them or from an earlier upload.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use mb_uploader::dto::AppError;
use mb_uploader::jobs::{BadRows, Job, JobSource, JobSpec, Take};

use crate::args::ReadArgs;

fn invalid(field: &str, reason: &str) -> AppError {
    AppError::InvalidInput {
        field: field.into(),
        reason: reason.into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BadRowsArg {
    Skip,
    Stop,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The job's name: Latin letters, digits, '-' and '_' name the scheduler entry as they
    /// are; any other name («Рома CRM») is kept as the title and written in Latin letters
    /// (`roma-crm`) for the scheduler and the other `jobs` commands.
    pub name: String,
    #[command(flatten)]
    pub read: ReadArgs,
    /// The counter's number (`mbridge counters` lists them); with --from-upload, that upload's.
    #[arg(long)]
    pub counter: Option<u32>,
    /// The Yandex login whose token the job uses (default: the active account).
    #[arg(long)]
    pub account: Option<String>,
    /// CRM merge mode: SAVE (default), UPDATE or APPEND.
    #[arg(long)]
    pub merge_mode: Option<String>,
    /// The folder the CRM drops its exports into.
    #[arg(long, required_unless_present = "file")]
    pub folder: Option<PathBuf>,
    /// File-name pattern in the folder (case-insensitive; default: every file, or with
    /// --from-upload files like that upload's, `*.csv`).
    #[arg(long)]
    pub pattern: Option<String>,
    /// Take every new matching file once (default: the newest one).
    #[arg(long)]
    pub each_new: bool,
    /// One fixed file instead of a folder.
    #[arg(long, conflicts_with = "folder")]
    pub file: Option<PathBuf>,
    /// hourly, daily@HH:MM or weekly@DAY@HH:MM (local time).
    #[arg(long)]
    pub every: Option<String>,
    /// Rows with errors: leave them out and report (skip) or send nothing (stop).
    #[arg(long, value_enum)]
    pub on_bad_rows: Option<BadRowsArg>,
    /// Repeat the mapping and options of this earlier upload (`mbridge history`).
    #[arg(long)]
    pub from_upload: Option<u32>,
    /// Change the job of this name (its runs and taken files stay); without it a name another
    /// job has is refused.
    #[arg(long)]
    pub replace: bool,
}

/// The `reason` of an option `jobs add --from-upload` refuses: the job repeats that upload's
/// mapping and options, so the option would be silently dropped (`--hash-contacts` among them).
pub const FROM_UPLOAD_FIXED: &str = "from_upload_fixed";

/// Options that would be ignored are refused (exit 2), as `upload` does: a job must do what
/// its command line says.
fn refuse_ignored(a: &AddArgs) -> Result<(), AppError> {
    let offline = [
        (a.read.tz.is_some(), "tz"),
        (a.read.goals.is_some(), "goals"),
    ];
    if let Some((_, field)) = offline.into_iter().find(|(given, _)| *given) {
        return Err(invalid(field, crate::upload::VALIDATE_ONLY));
    }
    if a.from_upload.is_none() {
        return Ok(());
    }
    let fixed = [
        (a.read.hash_contacts, "hash-contacts"),
        (a.read.no_hash_contacts, "no-hash-contacts"),
        (!a.read.constants.is_empty(), "set"),
        (!a.read.currency_names.is_empty(), "currency"),
        (!a.read.status_map.is_empty(), "status"),
        (a.read.mapping.is_some(), "mapping"),
        (a.read.kind != crate::args::KindArg::Auto, "kind"),
        (a.read.sheet.is_some(), "sheet"),
        (a.read.encoding.is_some(), "encoding"),
        (a.read.delimiter.is_some(), "delimiter"),
        (a.merge_mode.is_some(), "merge-mode"),
    ];
    match fixed.into_iter().find(|(given, _)| *given) {
        Some((_, field)) => Err(invalid(field, FROM_UPLOAD_FIXED)),
        None => Ok(()),
    }
}

pub async fn add(core: &mb_uploader::Core, a: &AddArgs) -> Result<Job, AppError> {
    refuse_ignored(a)?;
    // A job made from an upload starts where the window's dialog does (the core's draft).
    let draft = a
        .from_upload
        .map(|id| core.job_draft(i64::from(id)))
        .transpose()?;
    let source = match (&a.file, &a.folder) {
        (Some(path), _) => JobSource::File {
            path: std::path::absolute(path).unwrap_or_else(|_| path.clone()),
        },
        (None, Some(folder)) => JobSource::Folder {
            folder: std::path::absolute(folder).unwrap_or_else(|_| folder.clone()),
            pattern: a
                .pattern
                .clone()
                .or_else(|| draft.as_ref().map(|d| d.pattern.clone()))
                .unwrap_or_else(|| "*".into()),
            take: Take::of(a.each_new),
        },
        (None, None) => return Err(invalid("folder", "give --folder or --file")),
    };
    let policy = a.on_bad_rows.map(|p| match p {
        BadRowsArg::Skip => BadRows::Skip,
        BadRowsArg::Stop => BadRows::Stop,
    });
    let (counter_id, account, spec) = match a.from_upload {
        Some(id) => {
            let (counter, _, login, mut spec) = core.job_spec_from_upload(i64::from(id))?;
            let drafted = match draft.as_ref().is_some_and(|d| d.stop_on_bad_rows) {
                true => BadRows::Stop,
                false => BadRows::Skip,
            };
            spec.on_bad_rows = policy.unwrap_or(drafted);
            (a.counter.unwrap_or(counter), Some(login), spec)
        }
        None => {
            let counter = a.counter.ok_or_else(|| invalid("counter", "required"))?;
            (counter, None, spec_from_args(core, a, &source, policy)?)
        }
    };
    let account_login = match a.account.clone().or(account) {
        Some(l) => l,
        None => core.client().await?.0,
    };
    // A typo in the counter, or one the account may only view: said now, not at 03:00.
    core.check_job_counter(&account_login, counter_id).await?;
    let mut spec = spec;
    // A name in Russian becomes the scheduler's Latin one and stays as the title, as the
    // window's dialog does («Рома CRM» is `roma-crm`).
    let (name, title) = mb_uploader::jobs::typed_job_name(&a.name)?;
    // `--replace` changes the job the name means, letter case aside (the name the refusal
    // named), never adds a second one beside it.
    let name = if a.replace {
        core.job_name(&name)
    } else {
        name
    };
    spec.title = title;
    if a.replace && spec.title.is_none() {
        // The title the app shows («Заказы Рома») stays with the job it names.
        spec.title = core.job(&name).ok().and_then(|j| j.spec.title);
    }
    let job = Job {
        name,
        account_login,
        counter_id,
        kind: spec.mapping.kind,
        spec,
        source,
        every: a.every.clone(),
        paused: false,
        created_at: jiff::Timestamp::now(),
    };
    if a.replace {
        core.save_job(job)
    } else {
        core.add_job(job)
    }
}

/// The mapping is learnt from the newest file the source offers now (or `--mapping`).
fn spec_from_args(
    core: &mb_uploader::Core,
    a: &AddArgs,
    source: &JobSource,
    policy: Option<BadRows>,
) -> Result<JobSpec, AppError> {
    let sample = mb_uploader::jobs::candidates(source)?.pop().map(|c| c.path);
    let mut unread_columns = None;
    let mapping = match (&sample, crate::local::load_mapping(&a.read.mapping)?) {
        (Some(file), _) => {
            let mut job = crate::local::local_job(file, &a.read)?;
            job.kind = job.kind.or(job.mapping.as_ref().map(|m| m.kind));
            let (mapping, headers) = mb_uploader::import::resolve(&job, Some(core.store()))?;
            // What the job leaves unread now: a later file's other columns are named by its
            // runs.
            unread_columns = Some(mb_uploader::jobs::unread_columns(&mapping, &headers));
            mapping
        }
        (None, Some(mut m)) => {
            for (field, value) in crate::local::pairs(&a.read.constants, "set")? {
                m.set_constant(&field, &value);
            }
            let names = crate::local::pairs(&a.read.currency_names, "currency")?;
            mb_uploader::import::name_currencies(&mut m, &names)?;
            m
        }
        (None, None) => {
            return Err(invalid("folder", mb_uploader::error::NO_FILE_TO_LEARN));
        }
    };
    Ok(JobSpec {
        mapping,
        read: crate::local::read_options(&a.read)?,
        status_map: crate::local::pairs(&a.read.status_map, "status")?
            .into_iter()
            .collect(),
        merge_mode: match &a.merge_mode {
            Some(m) => m.parse().map_err(|reason: String| AppError::InvalidInput {
                field: "merge-mode".into(),
                reason,
            })?,
            None => mb_uploader::MergeMode::Save,
        },
        hash_contacts: core.hash_contacts(a.read.hash_choice())?,
        on_bad_rows: policy.unwrap_or_default(),
        title: None,
        unread_columns,
    })
}
