//! The command-line contract of `mbridge`. Scripts and schedulers depend on these names, flags
//! and exit codes: add, never rename.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "mbridge",
    version,
    about = "Metrika Bridge: offline sales, calls and CRM orders into Yandex Metrica",
    long_about = None
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Print one JSON object instead of a human report.
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of the human report.
    #[arg(long, global = true, value_enum, default_value_t = Lang::Ru)]
    pub lang: Lang,
    /// Metrica API base URL (default: the real Yandex host).
    #[arg(long, global = true, env = "MBRIDGE_API_BASE")]
    pub api_base: Option<String>,
    /// Yandex OAuth base URL.
    #[arg(long, global = true, env = "MBRIDGE_OAUTH_BASE")]
    pub oauth_base: Option<String>,
    /// Data folder (history database, logs, prepared files).
    #[arg(long, global = true, env = "MBRIDGE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where sign-ins are kept: `file` (a private file in the data folder, for servers without
    /// a keychain; scheduled jobs are told the same); default: the system's keychain.
    #[arg(long, global = true, env = "MBRIDGE_TOKEN_STORE", value_parser = ["keychain", "file", "memory"])]
    pub token_store: Option<String>,
    /// Log to stderr too (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Ru,
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Conversions,
    Calls,
    SimpleOrders,
    Contacts,
    Orders,
    Auto,
}

#[derive(Debug, Args, Clone)]
pub struct ReadArgs {
    /// The upload kind, or `auto` to detect it from the header.
    #[arg(long, value_enum, default_value = "auto")]
    pub kind: KindArg,
    /// The counter's time zone (IANA name) for local dates, for validate and prepare (default
    /// Europe/Moscow); upload takes the counter's own zone from Metrica.
    #[arg(long)]
    pub tz: Option<String>,
    /// "Now" for future/old checks (RFC 3339); default: the clock.
    #[arg(long)]
    pub now: Option<String>,
    /// Excel sheet name (default: the first sheet with data).
    #[arg(long)]
    pub sheet: Option<String>,
    /// A saved mapping template (JSON) to use instead of automatic matching.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Force the encoding (e.g. windows-1251, utf-16le, koi8-r).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Force the delimiter (`,` `;` `tab` `|`).
    #[arg(long)]
    pub delimiter: Option<String>,
    /// The counter's goal identifiers, comma-separated, to check Target/status values against.
    #[arg(long, value_delimiter = ',')]
    pub goals: Option<Vec<String>>,
    /// Hash e-mails and phones (MD5) locally so raw contacts never leave the computer. For
    /// upload the default is the app's setting «Шифровать телефоны и почту по умолчанию».
    #[arg(long, conflicts_with = "no_hash_contacts")]
    pub hash_contacts: bool,
    /// Send e-mails and phones as they are, whatever the app's setting (upload).
    #[arg(long)]
    pub no_hash_contacts: bool,
    /// CRM status mapping: `VALUE=STATUS` pairs, e.g. `Оплачен=PAID`; repeatable.
    #[arg(long = "status", value_name = "VALUE=STATUS")]
    pub status_map: Vec<String>,
    /// A constant for a missing column: `FIELD=VALUE`, e.g. `Target=offline_paid`; repeatable.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub constants: Vec<String>,
    /// A currency written as a word, read as a code: `WORD=CODE`, e.g. `руб.=RUB` (what
    /// `validate` offers when every currency of the file is one); repeatable.
    #[arg(long = "currency", value_name = "WORD=CODE")]
    pub currency_names: Vec<String>,
}

impl ReadArgs {
    /// --hash-contacts / --no-hash-contacts; neither: None (the core takes the app's setting).
    pub fn hash_choice(&self) -> Option<bool> {
        match (self.hash_contacts, self.no_hash_contacts) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a file and report every problem with line, column and value.
    Validate {
        file: PathBuf,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Write the Metrica-ready file(s) and the rejected rows beside them.
    Prepare {
        file: PathBuf,
        #[command(flatten)]
        read: ReadArgs,
        /// The Metrica-ready file to write (a large one goes on in OUT.part2.csv …); rows with
        /// errors go to OUT.rejected.csv beside it.
        #[arg(long)]
        out: PathBuf,
    },
    /// Sign in with a Yandex account.
    Login {
        /// Pre-select this Yandex login on the consent page.
        #[arg(long)]
        login_hint: Option<String>,
        /// Show a code page in the browser and paste the code here (no local port needed).
        #[arg(long, conflicts_with = "device")]
        paste_code: bool,
        /// Type a short code at ya.ru/device (needs a client secret).
        #[arg(long)]
        device: bool,
        /// Do not open a browser; print the address instead.
        #[arg(long)]
        no_browser: bool,
    },
    /// Sign out (revoke and forget the token).
    Logout { login: Option<String> },
    /// List signed-in accounts, or switch the active one.
    Accounts {
        /// Make this signed-in Yandex login the active account.
        #[arg(long)]
        switch: Option<String>,
    },
    /// List the counters the active account can see.
    Counters {
        /// Only counters whose name, site or number contains this.
        #[arg(long)]
        search: Option<String>,
    },
    /// List a counter's goals.
    Goals {
        /// The counter's number (`mbridge counters` lists them).
        #[arg(long)]
        counter: u32,
    },
    /// From which day the counter takes offline conversions or calls; `--enable-extended`
    /// switches the 21-day linking window on (needs `metrika:write`).
    Window {
        /// The counter's number (`mbridge counters` lists them).
        #[arg(long)]
        counter: u32,
        #[arg(long, value_enum, default_value = "conversions")]
        kind: KindArg,
        /// Switch the counter's 21-day linking window on.
        #[arg(long)]
        enable_extended: bool,
    },
    /// Read, map, validate, prepare and upload a file. Exit 0 sent (or nothing new), 1 data
    /// errors or rejected, 2 file or argument, 3 sign-in or access, 4 failed (try again), 5
    /// duplicate, 6 interrupted (`mbridge resend ID`), 8 the data folder cannot be used.
    Upload {
        file: PathBuf,
        #[command(flatten)]
        read: ReadArgs,
        /// The counter's number (`mbridge counters` lists them).
        #[arg(long)]
        counter: u32,
        /// CRM merge mode for records Metrica has already (new ones are added in every mode):
        /// SAVE (default) replaces a record whole, fields the file lacks become empty; UPDATE
        /// changes only the fields in the file; APPEND adds the file's phones, e-mails and
        /// ClientIDs to the earlier ones and replaces its other fields.
        #[arg(long)]
        merge_mode: Option<String>,
        /// Send the valid rows and leave the bad ones out.
        #[arg(long)]
        skip_invalid: bool,
        /// With --all-rows: send even if the same file was already sent to this counter (only
        /// new rows, the default, never need it and ignore it; a send that was cut off wants
        /// `resend`).
        #[arg(long)]
        force: bool,
        /// Send only rows Metrica has not accepted before for this counter and kind (new, or
        /// changed since): the default, as in the app; kept for scripts that say it. Every
        /// accepted upload is remembered. Nothing new: exit 0, nothing sent.
        #[arg(long, conflicts_with = "all_rows")]
        only_new: bool,
        /// Send every valid row, also those Metrica accepted before (Metrica keeps one conversion
        /// per identifier, goal and time: one sent again replaces the earlier one and its price;
        /// the same file again is a duplicate, exit 5, without --force).
        #[arg(long)]
        all_rows: bool,
        /// Wait until Metrica finishes processing and report the result.
        #[arg(long)]
        wait: bool,
        /// With --wait: seconds between two questions to Metrica.
        #[arg(long, value_name = "SECONDS", default_value_t = 30)]
        wait_every: u64,
    },
    /// Poll and reconcile uploads that are not final; show one upload's state.
    Status { upload: Option<u32> },
    /// List the server's uploads of a counter as Metrica's own JSON (for support; offline
    /// conversions unless --kind names another kind).
    Uploads {
        /// The counter's number (`mbridge counters` lists them).
        #[arg(long)]
        counter: u32,
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
    },
    /// The local upload history.
    History {
        /// Only this counter's uploads (its number).
        #[arg(long)]
        counter: Option<u32>,
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        #[arg(long)]
        account: Option<String>,
        /// States to show, comma-separated (e.g. failed,interrupted).
        #[arg(long, value_delimiter = ',')]
        state: Vec<String>,
        /// From this day (2026-11-21 or 21.11.2026), a day of this computer's time zone.
        #[arg(long)]
        from: Option<String>,
        /// Up to this day (2026-11-21 or 21.11.2026), included, of this computer's time zone.
        #[arg(long)]
        to: Option<String>,
        /// How many uploads to list, newest first.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Write the history as CSV (for Excel) to this file.
        #[arg(long)]
        export: Option<PathBuf>,
    },
    /// Send an interrupted or failed upload again.
    Resend { upload: u32 },
    /// Repeating jobs: a saved client profile plus a folder or file, run by the OS scheduler.
    Jobs {
        #[command(subcommand)]
        cmd: crate::jobs::JobsCmd,
    },
    /// Run the local fake Metrica + OAuth server (demo and tests).
    DemoServer {
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: String,
        /// How much faster than real time uploads advance (the app's demo uses the same).
        #[arg(long, default_value_t = mb_uploader::demo::DEMO_TIME_SCALE)]
        time_scale: f64,
    },
}
