//! `mbridge`: the command-line twin of Metrika Bridge, for people and for scheduled jobs.
//!
//! Thin: parses arguments, calls `mb_uploader`, prints a human report (Russian or English)
//! or one JSON object, and exits with a stable code:
//! 0 success / no errors: Metrica accepted every part, or (`--only-new`) nothing was new, so
//!   nothing was sent (`"reason": "nothing_new"`);
//! 1 the data has errors, or Metrica refused it; 2 the file cannot be read or the arguments
//!   are wrong; 3 sign-in needed; 4 network, quota or server trouble (the upload failed: not
//!   stored); 5 a duplicate upload was refused (use --force);
//! 6 the send was interrupted (Ctrl-C, or the answer was lost): Metrica may or may not have
//!   it; `mbridge resend ID` looks for it on the server first and sends it only if absent;
//! 7 (`jobs run NAME`) another run of the same job holds its lock: nothing was done.

mod args;
mod jobs;
mod jobs_add;
mod jobs_os;
mod report;
mod text;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use jiff::Timestamp;
use mb_import::mapping::Mapping;
use mb_import::read::ReadOptions;
use mb_import::validate::ValidateOptions;
use mb_import::write::OutputSpec;
use mb_schema::UploadKind;
use mb_uploader::dto::{AppError, HistoryFilter, SignInMethod};
use mb_uploader::import::{LocalJob, parse_delimiter};
use mb_uploader::{Core, CoreOptions, UploadOutcome, UploadPlan};

use args::{Cli, Command, KindArg, Lang, ReadArgs};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let g = &cli.global;
    let data_dir = g
        .data_dir
        .clone()
        .unwrap_or_else(mb_uploader::config::default_data_dir);
    let level = match g.verbose {
        0 => None,
        1 => Some(tracing::Level::INFO),
        _ => Some(tracing::Level::DEBUG),
    };
    let _log = mb_uploader::logging::init(&data_dir.join("logs"), level);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mbridge: {e}");
            return ExitCode::from(2);
        }
    };
    let lang = g.lang;
    let json = g.json;
    match rt.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if json {
                let v = serde_json::json!({ "error": e });
                let _ = writeln!(std::io::stdout(), "{v}");
            } else {
                eprintln!("mbridge: {}", text::error(&e, lang));
            }
            ExitCode::from(exit_code(&e))
        }
    }
}

/// Ctrl-C, listened for from the moment this is called: on Unix the handler is installed here,
/// not at the first poll, so a Ctrl-C right after the sign-in address is printed is not lost.
fn interrupted() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let sig = signal(SignalKind::interrupt());
        async move {
            match sig {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

fn exit_code(e: &AppError) -> u8 {
    match e {
        AppError::DataHasErrors { .. } | AppError::RejectedData { .. } => 1,
        AppError::FileUnreadable { .. }
        | AppError::InvalidInput { .. }
        | AppError::NotFound { .. } => 2,
        AppError::NotSignedIn | AppError::TokenExpired { .. } | AppError::SignInFailed { .. } => 3,
        AppError::NoAccess { .. } => 3,
        AppError::Duplicate { .. } => 5,
        _ => 4,
    }
}

async fn core(cli: &Cli) -> Result<Core, AppError> {
    let g = &cli.global;
    Core::start(CoreOptions {
        data_dir: g.data_dir.clone(),
        api_base: g.api_base.clone(),
        oauth_base: g.oauth_base.clone(),
        login_base: None,
        // The CLI never starts the demo by itself: it talks to real Metrica unless told
        // otherwise (`--api-base`, or `mbridge demo-server` in another terminal).
        demo: Some(false),
        memory_tokens: false,
        scheduler_dir: None,
    })
    .await
}

fn kind_of(k: KindArg) -> Option<UploadKind> {
    match k {
        KindArg::Conversions => Some(UploadKind::Conversions),
        KindArg::Calls => Some(UploadKind::Calls),
        KindArg::SimpleOrders => Some(UploadKind::SimpleOrders),
        KindArg::Contacts => Some(UploadKind::Contacts),
        KindArg::Orders => Some(UploadKind::Orders),
        KindArg::Auto => None,
    }
}

fn pairs(list: &[String], what: &str) -> Result<Vec<(String, String)>, AppError> {
    list.iter()
        .map(|s| {
            s.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .filter(|(k, _)| !k.is_empty())
                .ok_or_else(|| AppError::InvalidInput {
                    field: what.into(),
                    reason: s.clone(),
                })
        })
        .collect()
}

fn read_options(r: &ReadArgs) -> Result<ReadOptions, AppError> {
    Ok(ReadOptions {
        encoding: r.encoding.clone(),
        delimiter: r.delimiter.as_deref().map(parse_delimiter).transpose()?,
        header_line: None,
        sheet: r.sheet.clone(),
    })
}

fn parse_now(r: &ReadArgs) -> Result<Timestamp, AppError> {
    match &r.now {
        Some(s) => s.parse().map_err(|_| AppError::InvalidInput {
            field: "now".into(),
            reason: s.clone(),
        }),
        None => Ok(Timestamp::now()),
    }
}

fn load_mapping(p: &Option<std::path::PathBuf>) -> Result<Option<Mapping>, AppError> {
    let Some(p) = p else { return Ok(None) };
    // Only a regular file (a FIFO would block here), and no more than a template can be.
    let read = || -> std::io::Result<String> {
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut std::io::Read::take(mb_schema::fs::open_regular(p)?, 4 << 20),
            &mut text,
        )?;
        Ok(text)
    };
    let text = read().map_err(|e| AppError::InvalidInput {
        field: "mapping".into(),
        reason: format!("{}: {e}", p.display()),
    })?;
    Mapping::from_json(&text)
        .map(Some)
        .map_err(|e| AppError::InvalidInput {
            field: "mapping".into(),
            reason: e.to_string(),
        })
}

fn local_job(file: &Path, r: &ReadArgs) -> Result<LocalJob, AppError> {
    let tz = r.tz.clone().unwrap_or_else(|| "Europe/Moscow".into());
    let mut o = ValidateOptions::new(&tz, parse_now(r)?);
    o.goals = r.goals.clone();
    o.hash_contacts = r.hash_contacts;
    o.status_map = pairs(&r.status_map, "status")?
        .into_iter()
        .collect::<BTreeMap<_, _>>();
    Ok(LocalJob {
        path: file.to_path_buf(),
        read: read_options(r)?,
        kind: kind_of(r.kind),
        mapping: load_mapping(&r.mapping)?,
        constants: pairs(&r.constants, "set")?,
        options: o,
    })
}

fn print_json(v: &impl serde::Serialize) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer_pretty(&mut out, v);
    let _ = writeln!(out);
}

async fn run(cli: Cli) -> Result<u8, AppError> {
    let lang = cli.global.lang;
    let json = cli.global.json;
    match &cli.command {
        Command::Jobs { cmd } => jobs::run(&cli, cmd).await,
        Command::Validate { file, read } => {
            let job = local_job(file, read)?;
            let report =
                tokio::task::spawn_blocking(move || mb_uploader::import::run_local(&job, None))
                    .await
                    .map_err(mb_uploader::error::join_error)??;
            if json {
                print_json(&report)
            } else {
                report::validation(file, &report, lang)
            }
            Ok(u8::from(report.has_errors()))
        }
        Command::Prepare { file, read, out } => {
            let job = local_job(file, read)?;
            let mut spec = OutputSpec::new(out);
            spec.rejected_path = Some(rejected_beside(out));
            spec.lang = crate::text::msg_lang(lang);
            let report = tokio::task::spawn_blocking(move || {
                mb_uploader::import::run_local(&job, Some(&spec))
            })
            .await
            .map_err(mb_uploader::error::join_error)??;
            if json {
                print_json(&report)
            } else {
                report::validation(file, &report, lang);
                report::outputs(&report, lang)
            }
            Ok(u8::from(report.has_errors()))
        }
        Command::DemoServer { addr, time_scale } => {
            let addr = addr.parse().map_err(|_| AppError::InvalidInput {
                field: "addr".into(),
                reason: addr.clone(),
            })?;
            let cfg = mb_fake::FakeConfig {
                time_scale: time_scale.max(f64::MIN_POSITIVE),
                ..mb_fake::FakeConfig::default()
            };
            mb_fake::run_until_ctrl_c(addr, cfg)
                .await
                .map_err(|e| AppError::Internal {
                    detail: e.to_string(),
                })?;
            Ok(0)
        }
        Command::Login {
            login_hint,
            paste_code,
            device,
            no_browser,
        } => {
            let core = core(&cli).await?;
            let method = if *device {
                SignInMethod::Device
            } else if *paste_code {
                SignInMethod::PasteCode
            } else {
                SignInMethod::Loopback
            };
            let started = core.begin_sign_in(method, login_hint.clone()).await?;
            // Listening for Ctrl-C from before the address is printed.
            let interrupted = interrupted();
            let method = started.method;
            if method == SignInMethod::PasteCode && !*paste_code {
                // The loopback port was busy: the core switched to paste-the-code.
                eprintln!(
                    "{}",
                    text::t(
                        lang,
                        "Порт для возврата из браузера занят другой программой — войдём по коду: \
                         Яндекс покажет код, вставьте его сюда.",
                        "The port the browser returns to is busy (another program holds it), so \
                         we sign in with a code instead: Yandex shows a code, paste it here."
                    )
                );
            }
            let url = started
                .verification_url
                .clone()
                .unwrap_or_else(|| started.authorize_url.clone());
            if !no_browser {
                let _ = open::that_detached(&url);
            }
            eprintln!(
                "{} {url}",
                text::t(lang, "Откройте в браузере:", "Open in a browser:")
            );
            if let Some(code) = &started.user_code {
                eprintln!(
                    "{} {code}",
                    text::t(lang, "и введите код:", "and enter the code:")
                );
            }
            let code = if method == SignInMethod::PasteCode {
                eprint!(
                    "{} ",
                    text::t(
                        lang,
                        "Вставьте код со страницы Яндекса:",
                        "Paste the code from the Yandex page:"
                    )
                );
                let mut s = String::new();
                std::io::stdin()
                    .read_line(&mut s)
                    .map_err(|e| AppError::Internal {
                        detail: e.to_string(),
                    })?;
                Some(s.trim().to_string())
            } else {
                None
            };
            // Ctrl-C stops the wait (and frees the loopback port) instead of killing the process.
            let completing = core.complete_sign_in(&started.flow_id, code);
            tokio::pin!(completing);
            let account = tokio::select! {
                r = &mut completing => r?,
                () = interrupted => {
                    core.cancel(&started.flow_id);
                    completing.await?
                }
            };
            if json {
                print_json(&account)
            } else {
                println!(
                    "{} {}",
                    text::t(lang, "Вы вошли как", "Signed in as"),
                    account.login
                )
            }
            Ok(0)
        }
        Command::Logout { login } => {
            let core = core(&cli).await?;
            let login = match login {
                Some(l) => l.clone(),
                None => core.active_login()?,
            };
            let accounts = core.sign_out(&login).await?;
            if json {
                print_json(&accounts)
            } else {
                println!("{} {login}", text::t(lang, "Вы вышли из", "Signed out of"))
            }
            Ok(0)
        }
        Command::Accounts { switch } => {
            let core = core(&cli).await?;
            let accounts = match switch {
                Some(l) => core.switch_account(l)?,
                None => core.accounts()?,
            };
            if json {
                print_json(&accounts)
            } else {
                report::accounts(&accounts, lang)
            }
            Ok(0)
        }
        Command::Counters { search } => {
            let core = core(&cli).await?;
            let mut all = Vec::new();
            let mut offset = 0;
            loop {
                let page = core
                    .counters(&mb_uploader::dto::CountersQuery {
                        search: search.clone(),
                        offset,
                        limit: 1000,
                    })
                    .await?;
                let n = page.counters.len() as u32;
                all.extend(page.counters);
                offset += n;
                if n == 0 || offset >= page.total {
                    break;
                }
            }
            if json {
                print_json(&all)
            } else {
                report::counters(&all, lang)
            }
            Ok(0)
        }
        Command::Goals { counter } => {
            let core = core(&cli).await?;
            let goals = core.goals(*counter).await?;
            if json {
                print_json(&goals)
            } else {
                report::goals(&goals, lang)
            }
            Ok(0)
        }
        Command::Window {
            counter,
            kind,
            enable_extended,
        } => {
            let core = core(&cli).await?;
            let kind = kind_of(*kind).unwrap_or(UploadKind::Conversions);
            let w = if *enable_extended {
                core.enable_extended_window(*counter, kind).await?
            } else {
                core.linking_window(*counter, kind).await?
            };
            if json {
                print_json(&w)
            } else {
                println!("{}", text::linking_window(&w, lang));
            }
            Ok(0)
        }
        Command::Upload {
            file,
            read,
            counter,
            merge_mode,
            skip_invalid,
            force,
            only_new,
            wait,
        } => {
            let core = core(&cli).await?;
            let mut job = local_job(file, read)?;
            let (mut mapping, headers) = mb_uploader::import::resolve(&job, Some(core.store()))?;
            if job.mapping.is_none() {
                // Extra contact columns named like the counter's attributes go to them.
                core.map_counter_attributes(&mut mapping, &headers, *counter)
                    .await?;
            }
            job.kind = Some(mapping.kind);
            let plan = UploadPlan {
                path: file.clone(),
                read: job.read.clone(),
                mapping,
                counter_id: *counter,
                status_map: job.options.status_map.clone(),
                status_entries: Vec::new(),
                hash_contacts: read.hash_contacts,
                only_new: *only_new,
                merge_mode: match merge_mode {
                    Some(m) => m.parse().map_err(|reason| AppError::InvalidInput {
                        field: "merge-mode".into(),
                        reason,
                    })?,
                    None => mb_schema::MergeMode::Save,
                },
                skip_invalid: *skip_invalid,
                force: *force,
                now: read.now.as_ref().map(|_| parse_now(read)).transpose()?,
                new_goal_name: None,
                note: None,
            };
            let progress = report::progress_sink(json);
            let prepared = core.prepare_upload(&plan, "cli", progress.clone()).await;
            report::clear_progress(json);
            let p = match prepared? {
                mb_uploader::Prepared::Stopped(outcome) => {
                    return upload_outcome(&core, outcome, None, *wait, json, lang, file).await;
                }
                mb_uploader::Prepared::Ready(p) => p,
            };
            // The review, before anything leaves (stderr: stdout stays the result).
            let review = p.review;
            if !json {
                eprintln!("{}", text::review(&review, lang));
            }
            // Ctrl-C stops the send: the upload is recorded as interrupted (exit 6), never
            // reported as sent.
            let send = core.send_prepared(p, "cli", progress);
            tokio::pin!(send);
            let outcome = tokio::select! {
                out = &mut send => out,
                _ = tokio::signal::ctrl_c() => {
                    core.cancel("cli");
                    send.await
                }
            };
            report::clear_progress(json);
            upload_outcome(&core, outcome?, Some(review), *wait, json, lang, file).await
        }
        Command::Status { upload } => {
            let core = core(&cli).await?;
            let reconciled = core.reconcile().await?;
            let _ = core.poll_due().await;
            match upload {
                Some(id) => {
                    let u = core.refresh_status(i64::from(*id)).await?;
                    let d = mb_uploader::history::detail(&u);
                    if json {
                        print_json(&d)
                    } else {
                        report::detail(&d, lang)
                    }
                }
                None => {
                    let open = core.history(&HistoryFilter {
                        states: vec![
                            mb_uploader::dto::UploadState::Sending,
                            mb_uploader::dto::UploadState::Sent,
                            mb_uploader::dto::UploadState::Processing,
                            mb_uploader::dto::UploadState::Interrupted,
                        ],
                        ..HistoryFilter::default()
                    })?;
                    if json {
                        print_json(
                            &serde_json::json!({ "reconciled": reconciled.len(), "open": open }),
                        )
                    } else {
                        report::history(&open, lang);
                    }
                }
            }
            Ok(0)
        }
        Command::Uploads { counter, kind } => {
            let core = core(&cli).await?;
            let kind = kind.and_then(kind_of).unwrap_or(UploadKind::Conversions);
            let v = core.server_uploads(*counter, kind).await?;
            print_json(&v);
            Ok(0)
        }
        Command::History {
            counter,
            kind,
            account,
            state,
            from,
            to,
            limit,
            export,
        } => {
            let core = core(&cli).await?;
            let states = state
                .iter()
                .map(|s| {
                    serde_json::from_value(serde_json::Value::String(s.clone())).map_err(|_| {
                        AppError::InvalidInput {
                            field: "state".into(),
                            reason: s.clone(),
                        }
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let filter = HistoryFilter {
                account: account.clone(),
                counter_id: *counter,
                kind: kind.and_then(kind_of),
                states,
                from: from.clone(),
                to: to.clone(),
                limit: Some(*limit),
            };
            if let Some(path) = export {
                core.export_history(&filter, path)?;
                if !json {
                    println!(
                        "{} {}",
                        text::t(lang, "История записана в", "History written to"),
                        path.display()
                    );
                }
                return Ok(0);
            }
            let list = core.history(&filter)?;
            if json {
                print_json(&list)
            } else {
                report::history(&list, lang)
            }
            Ok(0)
        }
        Command::Resend { upload } => {
            let core = core(&cli).await?;
            let u = core
                .resend(i64::from(*upload), "cli", report::progress_sink(json))
                .await?;
            report::clear_progress(json);
            let d = mb_uploader::history::detail(&u);
            if json {
                print_json(&d)
            } else {
                report::detail(&d, lang)
            }
            Ok(match u.state {
                s if s.is_accepted() => 0,
                mb_history::UploadState::Rejected => 1,
                mb_history::UploadState::Interrupted => 6,
                _ => 4,
            })
        }
    }
}

async fn upload_outcome(
    core: &Core,
    outcome: UploadOutcome,
    review: Option<mb_uploader::SendReview>,
    wait: bool,
    json: bool,
    lang: Lang,
    file: &Path,
) -> Result<u8, AppError> {
    match outcome {
        UploadOutcome::Blocked { report } => {
            if json {
                print_json(
                    &serde_json::json!({ "sent": false, "reason": "data_has_errors", "report": report }),
                );
            } else {
                report::validation(file, &report, lang);
            }
            let errors = report.count_of_severity_errors();
            Err(AppError::DataHasErrors { errors })
        }
        UploadOutcome::Duplicate { earlier, .. } => Err(AppError::Duplicate {
            upload_id: earlier.id as u32,
            sent_at: earlier.created_at.to_string(),
        }),
        UploadOutcome::NothingNew { unchanged_rows, .. } => {
            if json {
                print_json(&serde_json::json!({
                    "sent": false,
                    "outcome": "nothing_new",
                    "reason": "nothing_new",
                    "new_rows": 0,
                    "valid_rows": review.map(|r| r.valid_rows),
                    "unchanged_rows": unchanged_rows,
                }));
            } else {
                println!(
                    "{} ({})",
                    text::t(
                        lang,
                        "Новых строк нет — отправлять нечего",
                        "No new rows — nothing to send"
                    ),
                    text::rows(unchanged_rows, lang)
                );
            }
            Ok(0)
        }
        UploadOutcome::Sent {
            report,
            mut uploads,
            unchanged_rows,
        } => {
            if wait {
                for u in uploads.iter_mut() {
                    while u.state.is_pollable() {
                        tokio::time::sleep(std::time::Duration::from_secs(
                            if cfg!(debug_assertions) { 2 } else { 30 },
                        ))
                        .await;
                        *u = core.refresh_status(u.id).await?;
                    }
                }
            }
            use mb_history::UploadState as S;
            let accepted = uploads.iter().all(|u| u.state.is_accepted());
            let worst = uploads.iter().find(|u| !u.state.is_accepted());
            let (outcome, code) = match worst.map(|u| u.state) {
                None => ("sent", 0),
                Some(S::Rejected) => ("rejected", 1),
                Some(S::Interrupted | S::Sending) => ("interrupted", 6),
                Some(_) => ("failed", 4),
            };
            let resend = worst
                .filter(|u| matches!(u.state, S::Interrupted | S::Failed))
                .map(|u| u.id);
            let details: Vec<_> = uploads.iter().map(mb_uploader::history::detail).collect();
            if json {
                print_json(&serde_json::json!({
                    "sent": accepted,
                    "outcome": outcome,
                    "rows": report.rows,
                    "valid_rows": report.valid_rows,
                    "new_rows": review.map_or(report.valid_rows, |r| r.new_rows),
                    "unchanged_rows": unchanged_rows,
                    "resend_upload_id": resend,
                    "uploads": details,
                }));
            } else {
                for d in &details {
                    report::detail(d, lang);
                }
                if let Some(id) = resend {
                    let what = if outcome == "interrupted" {
                        text::t(
                            lang,
                            "Отправка прервана: Метрика могла не получить файл.",
                            "The send was interrupted: Metrica may not have the file.",
                        )
                    } else {
                        text::t(
                            lang,
                            "Отправка не удалась: файл не попал в Метрику.",
                            "The send failed: the file did not reach Metrica.",
                        )
                    };
                    eprintln!(
                        "{what} {} mbridge resend {id}",
                        text::t(
                            lang,
                            "Отправить снова одной командой (сначала проверим, не дошёл ли он):",
                            "Send it again in one command (we check first whether it arrived):"
                        )
                    );
                }
            }
            Ok(code)
        }
    }
}

/// `out.csv` → `out.rejected.csv`.
fn rejected_beside(out: &Path) -> std::path::PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    out.with_file_name(format!("{stem}.rejected.csv"))
}

trait ErrorCount {
    fn count_of_severity_errors(&self) -> u32;
}

impl ErrorCount for mb_import::report::Report {
    fn count_of_severity_errors(&self) -> u32 {
        self.counts
            .iter()
            .filter(|c| c.severity == mb_import::report::Severity::Error)
            .map(|c| c.count)
            .sum::<u64>() as u32
    }
}
