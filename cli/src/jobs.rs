//! `mbridge jobs …`: repeating jobs for unattended runs by the OS scheduler. Thin over
//! `mb_uploader::jobs`; installing the scheduler files lives in `jobs_os`.

use std::time::Duration;

use clap::Subcommand;
use mb_uploader::RunResult;
use mb_uploader::dto::{AppError, ValidationSummary};
use mb_uploader::jobs::{JobRunReport, RunOptions, RunOutcome};

use crate::args::{Cli, Lang};
use crate::text::{self, t};

#[derive(Debug, Subcommand)]
pub enum JobsCmd {
    /// List jobs with their last run, next run and warning.
    List,
    /// Save a job: an account, a counter, the mapping and options of `mbridge upload` (or
    /// those of an earlier upload with --from-upload) and a source (a folder + pattern, or
    /// one file). Only new rows are ever sent.
    Add(Box<crate::jobs_add::AddArgs>),
    /// Run one job, or every job that is not paused (--all). Exit 0 sent, nothing new, no
    /// file or paused; 1 bad rows under the stop policy, or Metrica refused the data; 2 no
    /// such job; 3 sign-in needed; 4 failed (network, quota, server); 6 interrupted (the
    /// next run reconciles it); 7 this job is already running (nothing done).
    Run {
        name: Option<String>,
        /// Run every job that is not paused.
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
        /// How many runs to list, newest first.
        #[arg(long, default_value_t = 10)]
        limit: u32,
    },
    /// Delete a job with its runs; its entry in the OS scheduler goes too.
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
    /// Read the newest file's columns again: new ones Metrica has a field for are read from
    /// now on, the rest are known (runs stop naming them); everything else stays.
    LearnColumns { name: String },
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
                // A schedule the system's scheduler does not have runs nothing: said, as the
                // app's card says «Расписание не включено».
                let next = match s.next_run {
                    Some(at) => when(at),
                    None if s.job.every.is_some() && !s.job.paused && !s.scheduled => format!(
                        "— ({} mbridge jobs schedule {})",
                        t(lang, "расписание не включено:", "schedule not switched on:"),
                        s.job.name
                    ),
                    None => "—".to_string(),
                };
                let state = if s.job.paused {
                    t(lang, " [пауза]", " [paused]")
                } else {
                    ""
                };
                // A job made in the app keeps its typed title beside the scheduler's name.
                let title = s
                    .job
                    .spec
                    .title
                    .as_deref()
                    .map_or(String::new(), |t| format!(" «{t}»"));
                println!(
                    "{}{title}{state}: {} {} · {} · {}: {last} · {}: {next}{}",
                    s.job.name,
                    t(lang, "счётчик", "counter"),
                    s.job.counter_id,
                    crate::text::every_words(s.job.every.as_deref(), lang),
                    t(lang, "последний", "last"),
                    t(lang, "следующий", "next"),
                    s.warning.as_deref().map_or(String::new(), |w| {
                        // A failed run says why, as the app's card does: a list of thirty jobs
                        // is not read run by run.
                        let why = s
                            .last_run
                            .as_ref()
                            .filter(|_| w == "failed")
                            .map(mb_uploader::overview::run_view)
                            .and_then(|v| v.error)
                            .map(|e| format!(": {}", text::error(&e, lang)))
                            .unwrap_or_default();
                        format!(" ⚠ {}{why}", warning_words(w, lang))
                    }),
                );
            }
            Ok(0)
        }
        JobsCmd::Add(a) => {
            let job = crate::jobs_add::add(&core, a).await?;
            if json {
                crate::print_json(&job);
            } else {
                let title = job
                    .spec
                    .title
                    .as_deref()
                    .map_or(String::new(), |t| format!(" «{t}»"));
                println!(
                    "{}: {}{title}",
                    t(lang, "Задание сохранено", "Job saved"),
                    job.name
                );
                // Saved is not scheduled: a job with a schedule runs by itself only once the
                // system's scheduler has it.
                if job.every.is_some() && !core.is_scheduled(&job.name) {
                    println!(
                        "{} mbridge jobs schedule {}",
                        t(
                            lang,
                            "Расписание ещё не включено: чтобы задание запускалось само, выполните",
                            "The schedule is not switched on yet: for the job to run by itself, run"
                        ),
                        job.name
                    );
                }
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
                (Some(n), false) => {
                    let n = &core.job_name(n);
                    // Ctrl-C stops the send truthfully: the run is recorded as interrupted.
                    let run = core.run_job(n, opts);
                    tokio::pin!(run);
                    let report = tokio::select! {
                        r = &mut run => r,
                        _ = tokio::signal::ctrl_c() => {
                            core.cancel(&format!("job:{n}"));
                            run.await
                        }
                    };
                    vec![report?]
                }
                (None, true) => core.run_all_jobs(*parallel, opts).await?,
                _ => return Err(invalid("name", "name_or_all")),
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
            // As the app lists them: the error typed (not JSON inside a string), and in words
            // why a run did not do its job.
            let runs = core.job_run_views(&core.job_name(name), *limit)?;
            if json {
                crate::print_json(&runs);
            }
            for r in runs.iter().filter(|_| !json) {
                let at = r
                    .started_at
                    .parse::<jiff::Timestamp>()
                    .map(when)
                    .unwrap_or_else(|_| r.started_at.clone());
                let mut line = format!("#{} {at} {}", r.id, result(r.result, lang));
                if !r.files.is_empty() {
                    line += &format!(" · {}", r.files.join(", "));
                }
                // Counts only of a file that was read («уже отправленных: 0» of a file not
                // read again was untrue).
                if r.file_read {
                    line += &format!(
                        " · {}: {}, {}: {}",
                        t(lang, "новых", "new"),
                        text::rows(u64::from(r.rows_new), lang),
                        t(lang, "уже отправленных", "sent before"),
                        text::rows(u64::from(r.rows_unchanged), lang)
                    );
                }
                if let Some(c) = text::of_rows("send.corrected", u64::from(r.rows_corrected), lang)
                {
                    line += &format!("; {}", clause(&c));
                }
                if let Some(changed) = text::changed_kept(u64::from(r.rows_changed), lang) {
                    line += &format!("; {}", clause(&changed));
                }
                if let Some(old) = text::of_rows("send.outdated", u64::from(r.rows_outdated), lang)
                {
                    line += &format!("; {}", clause(&old));
                }
                if r.rows_rejected > 0 {
                    line += &format!(
                        ", {}: {}",
                        t(lang, "с ошибками", "with errors"),
                        text::rows(u64::from(r.rows_rejected), lang)
                    );
                    if let Some(at) = first_bad_row(r.report.as_ref(), lang) {
                        line += &format!(" ({at})");
                    }
                }
                // Last: it ends with a command to run.
                if let Some(cols) = new_columns(&r.new_columns, &core.job_name(name), lang) {
                    line += &format!("; {cols}");
                }
                if let Some(e) = &r.error {
                    line += &format!(" — {}", text::error(e, lang));
                } else if let Some(note) = r.message.as_deref() {
                    line += &format!(" — {}", run_note(note, lang));
                }
                println!("{line}");
            }
            Ok(0)
        }
        // A job added under a Russian name answers to it too («Рома CRM» for `roma-crm`).
        JobsCmd::Remove { name } => {
            let name = &core.job_name(name);
            let said = t(
                lang,
                "удалено, и его запись в планировщике системы, если была, тоже",
                "removed, with its entry in the system's scheduler if it had one",
            );
            done(json, lang, core.remove_job(name).map(|_| name), said)
        }
        JobsCmd::Pause { name } => {
            let name = &core.job_name(name);
            let said = t(
                lang,
                "на паузе: по расписанию не запускается, пока не выполните mbridge jobs resume",
                "paused: the schedule does not run it until mbridge jobs resume",
            );
            done(
                json,
                lang,
                core.set_job_paused(name, true).map(|_| name),
                said,
            )
        }
        JobsCmd::Resume { name } => {
            let name = &core.job_name(name);
            let said = t(
                lang,
                "снова запускается по расписанию",
                "runs on its schedule again",
            );
            done(
                json,
                lang,
                core.set_job_paused(name, false).map(|_| name),
                said,
            )
        }
        JobsCmd::LearnColumns { name } => {
            let l = core.learn_job_columns(&core.job_name(name))?;
            if json {
                crate::print_json(&l);
            } else {
                println!("{}", learnt_words(&l, lang));
            }
            Ok(0)
        }
        JobsCmd::Schedule { name, print } => {
            crate::jobs_os::schedule(cli, &core, &core.job_name(name), *print)
        }
        JobsCmd::Unschedule { name } => {
            crate::jobs_os::unschedule(cli, &core, &core.job_name(name))
        }
    }
}

/// A moment in the computer's zone, as people write it here: 04.12.2026 09:00.
fn when(ts: jiff::Timestamp) -> String {
    text::when(ts)
}

/// «Задание roma-crm на паузе: …»: what became of the job, in words.
fn done(json: bool, lang: Lang, r: Result<&String, AppError>, said: &str) -> Result<u8, AppError> {
    let name = r?;
    if json {
        crate::print_json(&serde_json::json!({ "job": name, "ok": true }));
    } else {
        println!("{} {name} {said}", t(lang, "Задание", "Job"));
    }
    Ok(0)
}

fn invalid(field: &str, reason: &str) -> AppError {
    AppError::InvalidInput {
        field: field.into(),
        reason: reason.into(),
    }
}

fn exit_of(r: &JobRunReport, single: bool) -> u8 {
    match (r.outcome, &r.run, &r.error) {
        (RunOutcome::AlreadyRunning, ..) => u8::from(single) * 7,
        // A run failed by something on this side (its folder gone, a counter Metrica does not
        // know: 2) or by the sign-in (3) says so, as `upload` would: not 4, «network or
        // server trouble», which a wrapper would retry for ever.
        (_, _, Some(e)) if matches!(crate::exit_code(e), 2 | 3) => crate::exit_code(e),
        (_, Some(run), _) => mb_uploader::OutcomeKind::of_run(run.result).exit_code(),
        (_, None, Some(e)) => crate::exit_code(e),
        _ => 0,
    }
}

/// A job's warning in words (the core gives a run result's name or `overdue`).
fn warning_words(w: &str, lang: Lang) -> &'static str {
    match RunResult::parse(w) {
        Some(r) => result(r, lang),
        None if w == "overdue" => t(
            lang,
            "давно не отправляло новых данных",
            "has sent no new data for a long time",
        ),
        None => t(lang, "нужно посмотреть", "needs a look"),
    }
}

fn result(r: RunResult, lang: Lang) -> &'static str {
    match r {
        RunResult::Running => t(lang, "выполняется", "running"),
        RunResult::Sent => t(lang, "отправлено", "sent"),
        RunResult::NothingNew => t(lang, "новых строк нет", "nothing new"),
        RunResult::NoFile => t(lang, "файла нет", "no file"),
        RunResult::Deferred => t(
            lang,
            "отложено до следующего запуска",
            "left for the next run",
        ),
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

/// Where a run's rows with errors are: the first such row its report kept, in the file's own
/// column name, with its value («например, строка 3, «Price»: «две тысячи»»), as the window's
/// runs table says it.
fn first_bad_row(report: Option<&ValidationSummary>, lang: Lang) -> Option<String> {
    use mb_uploader::dto::{IssuePlace, Severity};
    let r = report?;
    let i = r
        .issues
        .iter()
        .find(|i| i.severity == Severity::Error && i.place == IssuePlace::Line)?;
    let column = i
        .column
        .as_deref()
        .map(|c| r.headers.get(c).map_or(c, String::as_str));
    Some(
        format!(
            "{} {}{}{}",
            t(lang, "например, строка", "e.g. line"),
            i.line,
            column.map(|c| format!(", «{c}»")).unwrap_or_default(),
            // As the core says the value (the window's runs say it so); a run kept before it did,
            // as written.
            i.said
                .as_deref()
                .or(i.value.as_deref())
                .map(|v| format!(": «{v}»"))
                .unwrap_or_default(),
        ) + &format!(" — {}", text::issue_text(i.code, lang)),
    )
}

/// A sentence of the app's («Из них 1 строка — исправление…») as a clause after «;».
fn clause(sentence: &str) -> String {
    let mut c = sentence.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// A run's note (the core's codes) in the catalogue's words, shared with the window; a note
/// kept as text by an older version as it is.
fn run_note(note: &str, lang: Lang) -> String {
    let key = format!("run_note.{note}");
    match mb_text::text(text::msg_lang(lang), &key) {
        Some(_) => mb_text::format(text::msg_lang(lang), &key, &[]),
        None => note.to_string(),
    }
}

/// «в файле новые столбцы «emails», «yclid»: задание их не читает…» (the window's words) and
/// how to make the job read them; None when its file gained none.
fn new_columns(cols: &[String], job: &str, lang: Lang) -> Option<String> {
    if cols.is_empty() {
        return None;
    }
    let quoted: Vec<String> = cols
        .iter()
        .map(|c| match lang {
            Lang::Ru => format!("«{c}»"),
            Lang::En => format!("\"{c}\""),
        })
        .collect();
    let note = mb_text::format(
        text::msg_lang(lang),
        "run_note.new_columns",
        &[
            ("count", mb_text::Arg::Num(cols.len() as u64)),
            ("columns", mb_text::Arg::Str(&quoted.join(", "))),
        ],
    );
    let how = match (lang, cols.len()) {
        (Lang::Ru, 1) => {
            "чтобы задание читало его, если Метрике он нужен, или перестало о нём напоминать"
        }
        (Lang::Ru, _) => {
            "чтобы задание читало те, что нужны Метрике, и перестало напоминать об остальных"
        }
        (Lang::En, 1) => "to have the job read it if Metrica has a field for it, or stop naming it",
        (Lang::En, _) => {
            "to have the job read those Metrica has a field for and stop naming the rest"
        }
    };
    Some(format!("{note}; {how}: mbridge jobs learn-columns {job}"))
}

/// What `jobs learn-columns` did, in words: the columns read from now on, the ones known.
fn learnt_words(l: &mb_uploader::dto::LearnedColumns, lang: Lang) -> String {
    let q = |c: &str| match lang {
        Lang::Ru => format!("«{c}»"),
        Lang::En => format!("\"{c}\""),
    };
    let mut out = vec![format!("{} {}:", t(lang, "Задание", "Job"), l.job.name)];
    if !l.read.is_empty() {
        let read: Vec<String> = l
            .read
            .iter()
            .map(|r| format!("{} → {}", q(&r.column), r.field))
            .collect();
        out.push(format!(
            "{} {}",
            t(lang, "теперь читает", "now reads"),
            read.join(", ")
        ));
    }
    if !l.ignored.is_empty() {
        let ignored: Vec<String> = l.ignored.iter().map(|c| q(c)).collect();
        out.push(format!(
            "{} {}",
            t(
                lang,
                "не читает (у Метрики нет для них поля или оно уже заполнено) и больше не упоминает",
                "does not read (Metrica has no field for them, or it is filled already) and no longer names"
            ),
            ignored.join(", ")
        ));
    }
    if l.read.is_empty() && l.ignored.is_empty() {
        out.push(
            t(
                lang,
                "новых столбцов в файле нет",
                "the file has no new columns",
            )
            .to_string(),
        );
    }
    out.join(" ")
}

fn say_run(r: &JobRunReport, lang: Lang) -> String {
    let Some(run) = &r.run else {
        let what = match r.outcome {
            RunOutcome::AlreadyRunning => t(lang, "уже выполняется", "already running"),
            RunOutcome::Paused => t(lang, "на паузе", "paused"),
            RunOutcome::Ran | RunOutcome::Error => t(lang, "ошибка", "error"),
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
    if mb_uploader::overview::file_read(run) {
        // «новых: 1 строка», not «новых 1 строка» (the app's card words it the same way).
        s += &format!(
            " — {}: {}, {}: {}",
            t(lang, "новых", "new"),
            text::rows(run.rows_new, lang),
            t(lang, "уже отправленных", "sent before"),
            text::rows(run.rows_unchanged, lang)
        );
    }
    if let Some(c) = text::of_rows("send.corrected", run.rows_corrected(), lang) {
        s += &format!("; {}", clause(&c));
    }
    if let Some(changed) = text::changed_kept(run.rows_changed(), lang) {
        s += &format!("; {}", clause(&changed));
    }
    if let Some(old) = text::of_rows("send.outdated", run.rows_outdated(), lang) {
        s += &format!("; {}", clause(&old));
    }
    if run.rows_rejected > 0 {
        s += &format!(
            "; {}: {}",
            t(lang, "с ошибками", "with errors"),
            text::rows(run.rows_rejected, lang)
        );
        let report = run
            .report
            .clone()
            .and_then(|v| serde_json::from_value::<ValidationSummary>(v).ok());
        if let Some(at) = first_bad_row(report.as_ref(), lang) {
            s += &format!(" ({at})");
        }
    }
    // Last: it ends with a command to run.
    if let Some(cols) = new_columns(&run.new_columns(), &r.job, lang) {
        s += &format!("; {cols}");
    }
    if let Some(e) = &r.error {
        s += &format!(": {}", text::error(e, lang));
    } else if let Some(note) = run.message.as_deref().filter(|m| !m.starts_with('{')) {
        s += &format!(" — {}", run_note(note, lang));
    }
    s
}
