//! `mb-http`: the real core behind loopback HTTP for the UI in a plain browser (vite dev server,
//! Playwright, Vitest). Demo mode only: the built-in fake Metrica and, unless `--data-dir` is
//! given, a throwaway data folder. Prints `mb-http listening on http://127.0.0.1:PORT` once
//! ready, then serves until stopped.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

#[derive(Parser)]
#[command(
    version,
    about = "Metrika Bridge's core over loopback HTTP, for the UI in a browser"
)]
struct Args {
    /// Port on 127.0.0.1 (0: any free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Data folder (default: a throwaway one, removed on exit).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// The built UI to serve on `/` (ui/dist).
    #[arg(long = "static")]
    static_dir: Option<PathBuf>,
    /// What the open-file dialog answers.
    #[arg(long)]
    pick_file: Option<String>,
    /// What the folder dialog answers.
    #[arg(long)]
    pick_folder: Option<String>,
    /// Seconds between checks of uploads that are not final.
    #[arg(long, default_value_t = 15)]
    follow_up_secs: u64,
    /// The file the app was "started with" (the desktop's command-line path), handed to the
    /// UI once.
    #[arg(long)]
    opened_file: Option<String>,
    /// Cut the first upload's connection once its body has arrived, before the fake Metrica
    /// stores it: the send ends interrupted (for History's resend journey).
    #[arg(long)]
    cut_first_upload: bool,
    /// Nobody approves sign-in pages: a sign-in waits for the browser until cancelled.
    #[arg(long)]
    sign_in_waits: bool,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let server = match mb_http::serve(mb_http::Options {
        port: args.port,
        data_dir: args.data_dir,
        static_dir: args.static_dir,
        pick_file: args.pick_file,
        pick_folder: args.pick_folder,
        follow_up: Some(Duration::from_secs(args.follow_up_secs.max(1))),
        opened_file: args.opened_file,
        cut_first_upload: args.cut_first_upload,
        sign_in_waits: args.sign_in_waits,
    })
    .await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("mb-http: could not start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("mb-http listening on {}", server.url());
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    drop(server);
    std::process::ExitCode::SUCCESS
}
