//! `mbridge jobs …`: repeating jobs for unattended runs by the OS scheduler. Thin over
//! `mb_uploader::jobs`; installing the scheduler files lives in `jobs_os`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use mb_history::RunResult;
use mb_uploader::dto::AppError;
use mb_uploader::jobs::{BadRows, Job, JobRunReport, JobSource, JobSpec, RunOptions, Take};

use crate::args::{Cli, Lang, ReadArgs};
use crate::text::{self, t};

#[derive(Debug, Subcommand)]
pub enum JobsCmd {
    /// List jobs with their last run, next run and warning.
    List,
    /// Save a job: an account, a counter, the mapping and options of `mbridge upload` (or
    /// those of an earlier upload with --from-upload) and a source (a folder + pattern, or
    /// one file). Only new rows are ever sent.
    Add(Box<AddArgs>),
    /// Run one job, or every job that is not paused (--all). Exit 0 sent, nothing new, no
    /// file or paused; 1 bad rows under the stop policy, or Metrica refused the data; 2 no
    /// such job; 3 sign-in needed; 4 failed (network, quota, server); 6 interrupted (the
    /// next run reconciles it); 7 this job is already running (nothing done).
    Run {
        name: Option<String>,
        #[arg(long, conflicts_with = "name")]
        all: bool,
        /// Jobs run at the same time with --all.
        #[arg(long, default_value_t = 4)]
        parallel: usize,
        /// Seconds to follow the uploads until Metrica has processed them.
        #[arg(long, default_value_t = 120)]
        wait: u64,
        /// Run a paused job too.
        #[arg(long)]
        even_if_paused: bool,
    },
    /// The last runs of a job with their reports.
    Runs {
        name: String,
        #[arg(long, default_value_t = 10)]
        limit: u32,
    },
    /// Delete a job with its runs (unschedule it first).
    Remove { name: String },
    /// Stop running a job on its schedule (it stays, with its runs).
    Pause { name: String },
    /// Run a paused job on its schedule again.
    Resume { name: String },
    /// Install the OS scheduler entry (systemd user timer, Task Scheduler task, launchd agent).
    Schedule {
        name: String,
        /// Show the files instead of installing them.
        #[arg(long)]
        print: bool,
    },
    /// Remove the OS scheduler entry.
    Unschedule { name: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BadRowsArg {
    Skip,
    Stop,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Latin letters, digits, '-' and '_' (it names the scheduler entry).
    pub name: String,
    #[command(flatten)]
    pub read: ReadArgs,
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
    /// File-name pattern in the folder (case-insensitive).
    #[arg(long, default_value = "*")]
    pub pattern: String,
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
}

pub async fn run(cli: &Cli, cmd: &JobsCmd) -> Result<u8, AppError> {
    let (json, lang) = (cli.global.json, cli.global.lang);
    let core = crate::core(cli).await?;
    match cmd {
        JobsCmd::List => {
            let list = core.jobs()?;
            if json {
                crate::print_json(&list);
            } else if list.is_empty() {
                println!("{}", t(lang, "Заданий нет", "No jobs"));
            }
            for s in list.iter().filter(|_| !json) {
                let last = s.last_run.as_ref().map_or_else(
                    || t(lang, "не запускалось", "never run").to_string(),
                    |r| format!("{} {}", when(r.started_at), result(r.result, lang)),
                );
                let next = s.next_run.map_or_else(|| "—".to_string(), when);
                let state = if s.job.paused {
                    t(lang, " [пауза]", " [paused]")
                } else {
                    ""
                };
                println!(
                    "{}{state}: {} {} · {} · {}: {last} · {}: {next}{}",
                    s.job.name,
                    t(lang, "счётчик", "counter"),
                    s.job.counter_id,
                    s.job.every.as_deref().unwrap_or("—"),
                    t(lang, "последний", "last"),
                    t(lang, "следующий", "next"),
                    s.warning
                        .as_deref()
                        .map_or(String::new(), |w| format!(" ⚠ {w}")),
                );
            }
            Ok(0)
        }
        JobsCmd::Add(a) => {
            let job = add(&core, a).await?;
            if json {
                crate::print_json(&job);
            } else {
                println!(
                    "{}: {}",
                    t(lang, "Задание сохранено", "Job saved"),
                    job.name
                );
            }
            Ok(0)
        }
        JobsCmd::Run {
            name,
            all,
            parallel,
            wait,
            even_if_paused,
        } => {
            let opts = RunOptions {
                wait: Duration::from_secs(*wait),
                even_if_paused: *even_if_paused,
            };
            let reports = match (name, all) {
                (Some(n), false) => vec![core.run_job(n, opts).await?],
                (None, true) => core.run_all_jobs(*parallel, opts).await?,
                _ => return Err(invalid("name", "give a job name or --all")),
            };
            let single = !*all;
            let code = reports
                .iter()
                .map(|r| exit_of(r, single))
                .max()
                .unwrap_or(0);
            if json {
                if single {
                    crate::print_json(&reports[0]);
                } else {
                    crate::print_json(&reports);
                }
            } else {
                for r in &reports {
                    println!("{}", say_run(r, lang));
                }
            }
            Ok(code)
        }
        JobsCmd::Runs { name, limit } => {
            let runs = core.job_runs(name, *limit)?;
            if json {
                crate::print_json(&runs);
            }
            for r in runs.iter().filter(|_| !json) {
                println!(
                    "#{} {} {} · {} · {}",
                    r.id,
                    when(r.started_at),
                    result(r.result, lang),
                    r.files.join(", "),
                    text::rows(r.rows_new, lang)
                );
            }
            Ok(0)
        }
        JobsCmd::Remove { name } => done(json, lang, core.remove_job(name).map(|_| name)),
        JobsCmd::Pause { name } => done(json, lang, core.set_job_paused(name, true).map(|_| name)),
        JobsCmd::Resume { name } => {
            done(json, lang, core.set_job_paused(name, false).map(|_| name))
        }
        JobsCmd::Schedule { name, print } => {
            crate::jobs_os::schedule(cli, &core.job(name)?, *print)
        }
        JobsCmd::Unschedule { name } => crate::jobs_os::unschedule(cli, name),
    }
}

/// A moment in the computer's zone, as people write it here: 04.12.2026 09:00.
fn when(ts: jiff::Timestamp) -> String {
    ts.to_zoned(jiff::tz::TimeZone::system())
        .strftime("%d.%m.%Y %H:%M")
        .to_string()
}

fn done(json: bool, lang: Lang, r: Result<&String, AppError>) -> Result<u8, AppError> {
    let name = r?;
    if json {
        crate::print_json(&serde_json::json!({ "job": name, "ok": true }));
    } else {
        println!("{}: {name}", t(lang, "Готово", "Done"));
    }
    Ok(0)
}

fn invalid(field: &str, reason: &str) -> AppError {
    AppError::InvalidInput {
        field: field.into(),
        reason: reason.into(),
    }
}

async fn add(core: &mb_uploader::Core, a: &AddArgs) -> Result<Job, AppError> {
    let source = match (&a.file, &a.folder) {
        (Some(path), _) => JobSource::File {
            path: std::path::absolute(path).unwrap_or_else(|_| path.clone()),
        },
        (None, Some(folder)) => JobSource::Folder {
            folder: std::path::absolute(folder).unwrap_or_else(|_| folder.clone()),
            pattern: a.pattern.clone(),
            take: if a.each_new {
                Take::EachNew
            } else {
                Take::Newest
            },
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
            spec.on_bad_rows = policy.unwrap_or(spec.on_bad_rows);
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
    core.save_job(Job {
        name: a.name.clone(),
        account_login,
        counter_id,
        kind: spec.mapping.kind,
        spec,
        source,
        every: a.every.clone(),
        paused: false,
        created_at: jiff::Timestamp::now(),
    })
}

/// The mapping is learnt from the newest file the source offers now (or `--mapping`).
fn spec_from_args(
    core: &mb_uploader::Core,
    a: &AddArgs,
    source: &JobSource,
    policy: Option<BadRows>,
) -> Result<JobSpec, AppError> {
    let sample = mb_uploader::jobs::candidates(source)?.pop().map(|c| c.path);
    let mapping = match (&sample, crate::load_mapping(&a.read.mapping)?) {
        (Some(file), _) => {
            let mut job = crate::local_job(file, &a.read)?;
            job.kind = job.kind.or(job.mapping.as_ref().map(|m| m.kind));
            mb_uploader::import::resolve(&job, Some(core.store()))?.0
        }
        (None, Some(mut m)) => {
            for (field, value) in crate::pairs(&a.read.constants, "set")? {
                m.set_constant(&field, &value);
            }
            m
        }
        (None, None) => {
            return Err(invalid(
                "folder",
                "no matching file to learn the columns from: put an export there or pass --mapping",
            ));
        }
    };
    Ok(JobSpec {
        mapping,
        read: crate::read_options(&a.read)?,
        status_map: crate::pairs(&a.read.status_map, "status")?
            .into_iter()
            .collect(),
        merge_mode: match &a.merge_mode {
            Some(m) => m.parse().map_err(|reason: String| AppError::InvalidInput {
                field: "merge-mode".into(),
                reason,
            })?,
            None => mb_schema::MergeMode::Save,
        },
        hash_contacts: a.read.hash_contacts,
        on_bad_rows: policy.unwrap_or_default(),
    })
}

fn exit_of(r: &JobRunReport, single: bool) -> u8 {
    match (r.outcome, &r.run, &r.error) {
        ("already_running", ..) => u8::from(single) * 7,
        (_, _, Some(e)) if crate::exit_code(e) == 3 => 3,
        (_, Some(run), _) => match run.result {
            RunResult::Blocked | RunResult::Rejected => 1,
            RunResult::Failed => 4,
            RunResult::Interrupted | RunResult::Running => 6,
            _ => 0,
        },
        (_, None, Some(e)) => crate::exit_code(e),
        _ => 0,
    }
}

fn result(r: RunResult, lang: Lang) -> &'static str {
    match r {
        RunResult::Running => t(lang, "выполняется", "running"),
        RunResult::Sent => t(lang, "отправлено", "sent"),
        RunResult::NothingNew => t(lang, "новых строк нет", "nothing new"),
        RunResult::NoFile => t(lang, "файла нет", "no file"),
        RunResult::Blocked => t(
            lang,
            "остановлено: ошибки в файле",
            "stopped: errors in the file",
        ),
        RunResult::Rejected => t(lang, "Метрика отклонила", "rejected by Metrica"),
        RunResult::Failed => t(lang, "не удалось", "failed"),
        RunResult::Interrupted => t(lang, "прервано", "interrupted"),
    }
}

fn say_run(r: &JobRunReport, lang: Lang) -> String {
    let Some(run) = &r.run else {
        let what = match r.outcome {
            "already_running" => t(lang, "уже выполняется", "already running"),
            "paused" => t(lang, "на паузе", "paused"),
            _ => t(lang, "ошибка", "error"),
        };
        let err = r
            .error
            .as_ref()
            .map(|e| format!(": {}", text::error(e, lang)));
        return format!("{}: {what}{}", r.job, err.unwrap_or_default());
    };
    let mut s = format!("{}: {}", r.job, result(run.result, lang));
    if !run.files.is_empty() {
        s += &format!(" ({})", run.files.join(", "));
    }
    if run.result == RunResult::Sent || run.rows_unchanged > 0 {
        s += &format!(
            " — {} {}, {} {}",
            t(lang, "новых", "new"),
            text::rows(run.rows_new, lang),
            t(lang, "уже отправленных", "sent before"),
            text::rows(run.rows_unchanged, lang)
        );
    }
    if run.rows_rejected > 0 {
        s += &format!(
            "; {} {}",
            t(lang, "с ошибками", "with errors"),
            text::rows(run.rows_rejected, lang)
        );
    }
    if let Some(e) = &r.error {
        s += &format!(": {}", text::error(e, lang));
    }
    s
}
