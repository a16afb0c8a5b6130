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
//! 7 (`jobs run NAME`) another run of the same job holds its lock: nothing was done;
//! 8 the data folder cannot be used (read-only, full, a damaged history): named on stderr.
//! A send that an error stopped part-way (a sign-in that expired between the parts of a big
//! file) prints every part — those that went too — and the error (`"error"` beside
//! `"uploads"` with `--json`), and exits with that error's code.

mod account;
mod args;
mod history;
mod jobs;
mod jobs_add;
mod jobs_os;
mod lists;
mod local;
mod progress;
mod report;
mod text;
mod upload;
mod usage;

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use mb_uploader::dto::AppError;
use mb_uploader::{Core, CoreOptions};

use args::{Cli, Command};

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::try_parse().unwrap_or_else(|e| usage::refuse(e));
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
    let _log = mb_uploader::logging::init(
        &mb_uploader::config::DataPaths::new(&data_dir).logs(),
        level,
    );
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
                // Local storage: where it is, so a full disk or a read-only folder is found.
                if matches!(e, AppError::Storage { .. }) {
                    eprintln!("{}", text::data_folder(&data_dir, lang));
                }
            }
            ExitCode::from(exit_code(&e))
        }
    }
}

/// `mbridge history | head`: once the reader has gone, printing fails with a broken pipe,
/// which `println!` turns into a panic with a backtrace. Ended quietly instead, with the code a
/// program killed by SIGPIPE has (141), as other command-line tools end there. (Restoring
/// SIGPIPE's default would need `unsafe`, which the workspace forbids.)
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        // EPIPE is os error 32 on Linux and macOS; Windows says ERROR_NO_DATA (232), in the
        // system's language, so the number is matched, not the words.
        let closed = ["(os error 32)", "(os error 232)", "Broken pipe"]
            .iter()
            .any(|m| text.contains(m));
        if text.contains("failed printing to stdout") && closed {
            std::process::exit(141);
        }
        default(info);
    }));
}

/// Ctrl-C, listened for from the moment this is called: on Unix the handler is installed here,
/// not at the first poll, so a Ctrl-C right after the sign-in address is printed is not lost.
pub(crate) fn interrupted() -> impl std::future::Future<Output = ()> {
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

/// Whether `--lang` was on the command line (its default is Russian either way).
fn lang_given() -> bool {
    std::env::args().any(|a| a == "--lang" || a.starts_with("--lang="))
}

fn exit_code(e: &AppError) -> u8 {
    e.exit_code()
}

pub(crate) async fn core(cli: &Cli) -> Result<Core, AppError> {
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
        part_bytes: None,
        file_settle: mb_uploader::config::file_settle_from_env(),
        token_store: g.token_store.clone(),
        // Only a `--lang` given: a scheduled `jobs run` (no `--lang`) writes in the app's
        // language, as the app's own sends do.
        lang: lang_given().then(|| text::msg_lang(g.lang)),
    })
    .await
}

pub(crate) fn print_json(v: &impl serde::Serialize) {
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
            local::check(cli.global.data_dir.as_deref(), file, read, None, lang, json).await
        }
        Command::Prepare { file, read, out } => {
            local::check(
                cli.global.data_dir.as_deref(),
                file,
                read,
                Some(out),
                lang,
                json,
            )
            .await
        }
        Command::DemoServer { addr, time_scale } => {
            let addr = addr.parse().map_err(|_| AppError::InvalidInput {
                field: "addr".into(),
                reason: addr.clone(),
            })?;
            let cfg = mb_uploader::demo::FakeConfig {
                time_scale: time_scale.max(f64::MIN_POSITIVE),
                ..mb_uploader::demo::FakeConfig::default()
            };
            mb_uploader::demo::run_until_ctrl_c(addr, cfg)
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
        } => account::login(&cli, login_hint, paste_code, device, no_browser).await,
        Command::Logout { login } => account::logout(&cli, login).await,
        Command::Accounts { switch } => account::accounts(&cli, switch).await,
        Command::Counters { search } => account::counters(&cli, search).await,
        Command::Goals { counter } => account::goals(&cli, counter).await,
        Command::Window {
            counter,
            kind,
            enable_extended,
        } => account::window(&cli, counter, kind, enable_extended).await,
        Command::Upload {
            file,
            read,
            counter,
            merge_mode,
            skip_invalid,
            force,
            only_new: _,
            all_rows,
            wait,
            wait_every,
        } => {
            if *force && !*all_rows {
                eprintln!(
                    "{}",
                    text::t(
                        lang,
                        "--force действует только вместе с --all-rows: уходят только новые строки, повторов не будет",
                        "--force only acts with --all-rows: only new rows go, nothing is sent twice",
                    )
                );
            }
            let core = core(&cli).await?;
            let a = upload::UploadArgs {
                file,
                read,
                counter: *counter,
                merge_mode: merge_mode.as_deref(),
                skip_invalid: *skip_invalid,
                // Only with every row asked for: only new rows never need it (a cut-off send
                // wants `resend`, which looks in Metrica first), said rather than refused, for
                // scripts written when --force went with --only-new.
                force: *force && *all_rows,
                // Only new rows unless every row is asked for: the app's default too, so
                // that a re-exported file never counts its old conversions twice.
                only_new: !*all_rows,
            };
            let wait = wait.then(|| Duration::from_secs((*wait_every).max(1)));
            upload::run(&core, &a, wait, json, lang).await
        }
        Command::Status { upload } => history::status(&cli, upload).await,
        Command::Uploads { counter, kind } => history::uploads(&cli, counter, kind).await,
        Command::History {
            counter,
            kind,
            account,
            state,
            from,
            to,
            limit,
            export,
        } => history::history(&cli, counter, kind, account, state, from, to, limit, export).await,
        Command::Resend { upload } => history::resend(&cli, upload).await,
    }
}
