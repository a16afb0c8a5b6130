//! Repeating jobs: a saved client profile plus a source, run unattended by the operating
//! system's scheduler through `mbridge jobs run NAME` (or "run now" in the app).
//!
//! Owns: what a job is (account, counter, kind, mapping, status map, read options, merge
//! mode, hashing, bad-rows policy, source, schedule), picking the source file, the per-job
//! lock (an OS file lock in the data folder: a crashed run leaves nothing stuck), one run
//! (validate with the saved mapping, send only new rows, follow the upload for a bounded
//! time, record the run with its report), running every job with bounded parallelism, each
//! under its own account's token, and the list with last run, next run and warnings.
//! Does not own the schedule grammar or scheduler files (`schedule`), nor the send itself
//! (`upload`): a run is the same two-phase upload the wizard and `mbridge upload` use.

use std::collections::BTreeMap;
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt;
use jiff::{Timestamp, tz::TimeZone};
use mb_history::{JobRecord, JobRun, RunEnd, RunResult, Upload, UploadState};
use mb_import::mapping::Mapping;
use mb_import::read::ReadOptions;
use mb_schema::{MergeMode, UploadKind};
use serde::{Deserialize, Serialize};

use crate::core::Core;
use crate::dto::AppError;
use crate::error::Result;
use crate::schedule::{Every, JobName};
use crate::upload::{Prepared, UploadOutcome, UploadPlan, no_progress_sink};

tokio::task_local! {
    /// The account whose token API calls in this task use (a job's own account).
    pub(crate) static ACCOUNT: String;
    /// The job's run this task works for: each upload it records is added to the run at once,
    /// so a run whose process dies keeps them.
    pub(crate) static RUN: i64;
}

/// What to do with rows the validator rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadRows {
    /// Send the valid rows; the rejected ones are counted and kept in the run's report.
    #[default]
    Skip,
    /// Send nothing while the file has errors; the run is `blocked` with the report.
    Stop,
}

/// The remembered choices of a job (everything an upload needs but the file).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JobSpec {
    pub mapping: Mapping,
    #[serde(default)]
    pub read: ReadOptions,
    /// CRM value → Metrica status.
    #[serde(default)]
    pub status_map: BTreeMap<String, String>,
    #[serde(default)]
    pub merge_mode: MergeMode,
    #[serde(default)]
    pub hash_contacts: bool,
    #[serde(default)]
    pub on_bad_rows: BadRows,
    /// The name as typed («Заказы Рома»), shown by the app; the job's `name` is its Latin
    /// form for the OS scheduler (`zakazy-roma`). None: the name says it all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The file's columns the job does not read, as they were when it was made (from the
    /// upload it repeats, or the file `jobs add` learnt from). A run names the columns its file
    /// has beyond these and the ones it reads ([`JobRun::new_columns`]): an export that gains
    /// a column (e-mails, a yclid) is not silently read as before. None: a job made before
    /// this was kept, or from a template with no file; its runs name none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unread_columns: Option<Vec<String>>,
}

impl JobSpec {
    /// What the app calls the job: the typed title, else its name.
    pub fn title_or<'a>(&'a self, name: &'a str) -> &'a str {
        self.title.as_deref().unwrap_or(name)
    }
}

/// The counts a run keeps in its report over all its files: calls left out as sent before
/// with other values ([`mb_history::JobRun::rows_changed`]), corrections sent
/// ([`mb_history::JobRun::rows_corrected`]) and older values left out
/// ([`mb_history::JobRun::rows_outdated`]).
const RUN_COUNTS: [&str; 3] = ["changed_rows", "corrected_rows", "outdated_rows"];

/// Which files of a folder a run takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Take {
    /// The newest matching file (a CRM that rewrites or dates its export).
    #[default]
    Newest,
    /// Every matching file not taken before, oldest first, each once.
    EachNew,
}

impl Take {
    /// The window's and the CLI's yes/no («каждый новый файл») as a choice.
    pub fn of(each_new_file: bool) -> Take {
        if each_new_file {
            Take::EachNew
        } else {
            Take::Newest
        }
    }
}

/// Where a job's file comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum JobSource {
    Folder {
        folder: PathBuf,
        /// A file-name pattern (`*.csv`, `orders-*.xlsx`), matched case-insensitively.
        pattern: String,
        #[serde(default)]
        take: Take,
    },
    File {
        path: PathBuf,
    },
}

/// One path, as the system's files are named: letter case apart on Windows and macOS.
fn same_path(a: &Path, b: &Path) -> bool {
    if cfg!(any(windows, target_os = "macos")) {
        a.to_string_lossy().to_lowercase() == b.to_string_lossy().to_lowercase()
    } else {
        a == b
    }
}

impl JobSource {
    /// Whether both take the same files: one folder and pattern (letter case apart, as
    /// patterns match; which of them is taken aside), or one file.
    pub fn same_files(&self, other: &JobSource) -> bool {
        match (self, other) {
            (
                JobSource::Folder {
                    folder: a,
                    pattern: p,
                    ..
                },
                JobSource::Folder {
                    folder: b,
                    pattern: q,
                    ..
                },
            ) => same_path(a, b) && p.to_lowercase() == q.to_lowercase(),
            (JobSource::File { path: a }, JobSource::File { path: b }) => same_path(a, b),
            _ => false,
        }
    }

    /// A folder whose every new file is taken in turn ([`Take::EachNew`]).
    pub fn takes_each_new(&self) -> bool {
        matches!(
            self,
            JobSource::Folder {
                take: Take::EachNew,
                ..
            }
        )
    }
}

/// A job as the front ends see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub name: String,
    pub account_login: String,
    pub counter_id: u32,
    pub kind: UploadKind,
    pub spec: JobSpec,
    pub source: JobSource,
    /// `hourly`, `daily@HH:MM`, `weekly@DAY@HH:MM`; None: by hand only.
    pub every: Option<String>,
    pub paused: bool,
    pub created_at: Timestamp,
}

/// A job with what happened and what comes next.
#[derive(Debug, Clone, Serialize)]
pub struct JobStatus {
    #[serde(flatten)]
    pub job: Job,
    pub last_run: Option<JobRun>,
    /// The newest run that took files and kept a report (what «new statuses» are read from).
    #[serde(skip)]
    pub last_taken: Option<JobRun>,
    pub next_run: Option<Timestamp>,
    /// `failed`, `overdue` (no new file or no good run for longer than the schedule implies).
    pub warning: Option<String>,
    /// The OS scheduler has this job's entry (timer, task or agent file) on this computer.
    pub scheduled: bool,
}

/// How a run is started.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// How long to follow the uploads after sending (until processed or this bound).
    pub wait: Duration,
    /// Run a paused job too ("run now" in the app).
    pub even_if_paused: bool,
}

/// Whether a job's run happened (`mbridge jobs run --json` says it as `outcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    Ran,
    /// Another run holds the job's lock.
    AlreadyRunning,
    /// The job is paused (and the run was not asked to run it anyway).
    Paused,
    /// The run could not start (its job or account could not be read): the report's error.
    Error,
}

/// What `run` ended with.
#[derive(Debug, Clone, Serialize)]
pub struct JobRunReport {
    pub job: String,
    pub outcome: RunOutcome,
    pub run: Option<JobRun>,
    /// Runs of this job a dead process left open, found and closed by this one.
    pub reconciled_runs: usize,
    /// The error behind a failed run (exit codes tell sign-in from network trouble; `--json`
    /// carries it, so a script knows why).
    pub error: Option<AppError>,
}

/// The columns of `headers` a job with `mapping` leaves unread ([`JobSpec::unread_columns`]).
pub fn unread_columns(mapping: &Mapping, headers: &[String]) -> Vec<String> {
    mb_import::mapping::unmapped_columns(mapping, headers)
}

/// The plan fields a job repeats, as kept in an upload's history options, with the file's
/// columns it leaves unread.
pub(crate) fn recorded_plan(plan: &UploadPlan, unread_columns: &[String]) -> serde_json::Value {
    serde_json::json!({
        "unread_columns": unread_columns,
        "mapping": plan.mapping,
        "read": plan.read,
        "status_map": plan.status_map,
        "merge_mode": plan.merge_mode,
        "hash_contacts": plan.hash_contacts,
        "on_bad_rows": if plan.skip_invalid { BadRows::Skip } else { BadRows::Stop },
    })
}

/// A folder pattern for files like `name`: its extension (`*.csv`), or `*` without one.
fn pattern_like(name: &str) -> String {
    // `Path::extension` has none for `.hidden` or `name.`.
    match std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
    {
        Some(ext) => format!("*.{}", ext.to_lowercase()),
        None => "*".to_string(),
    }
}

#[cfg(test)]
mod draft_tests {
    #[test]
    fn a_draft_takes_files_like_the_uploads() {
        for (name, pattern) in [
            ("продажи.CSV", "*.csv"),
            ("Выгрузка 1С.2026.xlsx", "*.xlsx"),
            ("sales", "*"),
            (".hidden", "*"),
        ] {
            assert_eq!(super::pattern_like(name), pattern, "{name}");
        }
    }
}

/// The `reason` of an `InvalidInput` on `name` when another job has that name
/// (`exists:NAME:TITLE`, naming that job by its handle, which never holds `:`, then as the app
/// shows it: a Russian name may clash once written in Latin letters). See [`exists_of`].
pub const EXISTS: &str = "exists";

/// The job a name clash names, `(handle, title)`, from an `InvalidInput`'s field and reason.
pub fn exists_of<'a>(field: &str, reason: &'a str) -> Option<(&'a str, &'a str)> {
    job_named_in(EXISTS, "name", field, reason)
}

/// The job a refusal `<code>:NAME:TITLE` on `want` names, `(handle, title)`: handles never
/// hold `:`, titles may.
fn job_named_in<'a>(
    code: &str,
    want: &str,
    field: &str,
    reason: &'a str,
) -> Option<(&'a str, &'a str)> {
    let rest = reason.strip_prefix(code)?.strip_prefix(':')?;
    (field == want).then(|| rest.split_once(':').unwrap_or((rest, rest)))
}

/// The `reason` of an `InvalidInput` on `source` when another job already takes the same
/// files for the same counter and kind and reads them alike (`same_files:NAME:TITLE`, as
/// [`EXISTS`]): a second one would only read them again. See [`same_files_of`].
pub const SAME_FILES: &str = "same_files";

/// The job that takes the same files, `(handle, title)`, from an `InvalidInput`'s field and
/// reason.
pub fn same_files_of<'a>(field: &str, reason: &'a str) -> Option<(&'a str, &'a str)> {
    job_named_in(SAME_FILES, "source", field, reason)
}

fn invalid(field: &str, reason: impl Into<String>) -> AppError {
    AppError::InvalidInput {
        field: field.into(),
        reason: reason.into(),
    }
}

/// A run's error as kept with the run: the typed error (JSON), so the window and the CLI say it
/// in the user's language, not the Rust text of the moment.
fn run_error(e: &AppError) -> String {
    serde_json::to_string(e).unwrap_or_else(|_| e.to_string())
}

fn storage(e: impl std::fmt::Display) -> AppError {
    AppError::Storage {
        detail: e.to_string(),
    }
}

impl Job {
    fn from_record(r: JobRecord) -> Result<Job> {
        Ok(Job {
            counter_id: u32::try_from(r.counter_id).map_err(|_| invalid("counter", "range"))?,
            spec: serde_json::from_value(r.spec).map_err(|e| invalid("job", e.to_string()))?,
            source: serde_json::from_value(r.source).map_err(|e| invalid("job", e.to_string()))?,
            name: r.name,
            account_login: r.account_login,
            kind: r.kind,
            every: r.schedule,
            paused: r.paused,
            created_at: r.created_at,
        })
    }

    fn record(&self) -> Result<JobRecord> {
        Ok(JobRecord {
            name: self.name.clone(),
            account_login: self.account_login.clone(),
            counter_id: i64::from(self.counter_id),
            kind: self.kind,
            spec: serde_json::to_value(&self.spec).map_err(|e| invalid("job", e.to_string()))?,
            source: serde_json::to_value(&self.source)
                .map_err(|e| invalid("job", e.to_string()))?,
            schedule: self.every.clone(),
            paused: self.paused,
            created_at: self.created_at,
            updated_at: self.created_at,
        })
    }

    /// The parsed schedule (a stored one was checked when saved).
    pub fn schedule(&self) -> Option<Every> {
        self.every.as_deref().and_then(|s| s.parse().ok())
    }

    fn plan(&self, path: &Path) -> UploadPlan {
        UploadPlan {
            path: path.to_path_buf(),
            read: self.spec.read.clone(),
            mapping: self.spec.mapping.clone(),
            counter_id: self.counter_id,
            status_map: self.spec.status_map.clone(),
            status_entries: Vec::new(),
            hash_contacts: self.spec.hash_contacts,
            only_new: true,
            merge_mode: self.spec.merge_mode,
            skip_invalid: self.spec.on_bad_rows == BadRows::Skip,
            // The ledger decides what is new; the same file again is "nothing new".
            force: true,
            now: None,
            new_goal_name: crate::plan::calls_goal_name(self.spec.mapping.kind),
            // History's comment is the user's: a job's upload has none (the run knows its job).
            note: None,
        }
    }
}

/// One file a source offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub path: PathBuf,
    pub size: u64,
    pub modified_ms: i64,
}

impl Candidate {
    fn of(path: PathBuf) -> Option<Candidate> {
        let meta = std::fs::metadata(&path).ok().filter(|m| m.is_file())?;
        let modified_ms = meta
            .modified()
            .ok()
            .and_then(|t| Timestamp::try_from(t).ok())
            .map_or(0, |t| t.as_millisecond());
        Some(Candidate {
            path,
            size: meta.len(),
            modified_ms,
        })
    }

    fn key(&self) -> String {
        self.path.display().to_string()
    }

    /// The same file on disk now (size and modification time), if it is still there.
    fn now_on_disk(&self) -> Option<Candidate> {
        Candidate::of(self.path.clone())
    }
}

/// A file the CRM changed this recently may still be being written: a run waits until it has
/// been still this long (at most [`SETTLE_MAX`]) before reading it.
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(5);
const SETTLE_MAX: Duration = Duration::from_secs(60);

/// The note on a run that found its file changing while it read it.
pub const FILE_CHANGING: &str = "file_changing";
pub use mb_history::PROCESS_DIED;

/// The note on a run whose file had not changed since the last run: it was not read again.
pub const FILE_UNCHANGED: &str = "file_unchanged";

/// The note on a run of a job taking each new file that found none it had not taken.
pub const NO_NEW_FILE: &str = "no_new_file";

/// The note on a run that found no file of its pattern in its folder (the CRM writes its
/// export elsewhere now, or under another name).
pub const NO_MATCHING_FILE: &str = "no_matching_file";

/// Waits until `c` was modified at least `settle` ago, or has not changed (size and time)
/// for `settle` while we watched it (a modification time in the future, a share's clock
/// ahead, is judged so), at most [`SETTLE_MAX`]; returns the file as it is then. A text file
/// that does not end with a line end waits [`OPEN_END_SETTLE_FACTOR`] times longer.
async fn settled(c: Candidate, settle: Duration) -> Candidate {
    let start = tokio::time::Instant::now();
    let mut still_since = start;
    let mut c = c;
    loop {
        let settle = if ends_a_line(&c.path) {
            settle
        } else {
            settle * OPEN_END_SETTLE_FACTOR
        };
        let age_ms = Timestamp::now().as_millisecond() - c.modified_ms;
        let left = settle.as_millis() as i64 - age_ms;
        if left <= 0 || still_since.elapsed() >= settle || start.elapsed() >= SETTLE_MAX {
            return c;
        }
        let watch_left = settle.saturating_sub(still_since.elapsed()).as_millis() as i64;
        let nap = left.min(watch_left).clamp(50, 1000) as u64;
        tokio::time::sleep(Duration::from_millis(nap)).await;
        match c.now_on_disk() {
            Some(now) if now == c => {}
            Some(now) => {
                c = now;
                still_since = tokio::time::Instant::now();
            }
            None => return c,
        }
    }
}

/// A text file that does not end with a line end may be cut in the middle of its last row
/// (the CRM paused while writing it): such a file must be still this many times longer than
/// the usual wait before it is read. A pause inside the last cell would otherwise send a cut
/// value (`…,49` of `…,4990`); a finished file saved without a line end goes after the longer
/// wait. Workbooks are zip or binary files and never end with one.
const OPEN_END_SETTLE_FACTOR: u32 = 6;

/// Whether the file ends with a line end (`\n` or `\r`, in UTF-16 too), or is a workbook.
fn ends_a_line(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let workbook = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["xlsx", "xlsm", "xls", "ods"]
            .iter()
            .any(|w| e.eq_ignore_ascii_case(w))
    });
    if workbook {
        return true;
    }
    let mut last = [0u8; 2];
    let read = std::fs::File::open(path).and_then(|mut f| {
        let len = f.metadata()?.len();
        if len < 2 {
            return Ok(len == 0);
        }
        f.seek(SeekFrom::End(-2))?;
        f.read_exact(&mut last)?;
        let eol = |b: u8| matches!(b, b'\n' | b'\r');
        // UTF-16 LE puts the zero after the line end, UTF-16 BE before it.
        Ok(eol(last[1]) || (last[1] == 0 && eol(last[0])))
    });
    // A file that cannot be read here is left to the reading, which says why.
    read.unwrap_or(true)
}

/// Matching files of a source, oldest first (ties by name). Hidden files and Office lock
/// files (`~$…`) are never taken.
pub fn candidates(source: &JobSource) -> Result<Vec<Candidate>> {
    match source {
        JobSource::File { path } => Ok(Candidate::of(path.clone()).into_iter().collect()),
        JobSource::Folder {
            folder, pattern, ..
        } => {
            let pat = glob::Pattern::new(pattern).map_err(|e| invalid("pattern", e.msg))?;
            let opts = glob::MatchOptions {
                case_sensitive: false,
                ..glob::MatchOptions::default()
            };
            // A folder that is not there is said as a folder (it was «файл не найден»).
            let dir = std::fs::read_dir(folder).map_err(|e| AppError::FileUnreadable {
                file_name: folder.display().to_string(),
                reason: if e.kind() == std::io::ErrorKind::NotFound {
                    crate::dto::FileReason::FolderNotFound
                } else {
                    crate::error::io_reason(&e)
                },
            })?;
            let mut out: Vec<Candidate> = dir
                .filter_map(|e| e.ok())
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    !name.starts_with('.')
                        && !name.starts_with("~$")
                        && pat.matches_with(&name, opts)
                })
                .filter_map(|e| Candidate::of(e.path()))
                .collect();
            out.sort_by(|a, b| (a.modified_ms, &a.path).cmp(&(b.modified_ms, &b.path)));
            Ok(out)
        }
    }
}

/// What a run takes from its source.
#[derive(Debug, PartialEq, Eq)]
enum Pick {
    NoFile,
    /// Files exist but the job took every one of them as they are now.
    Unchanged,
    Files(Vec<Candidate>),
}

/// An exclusive OS lock on `jobs/NAME.lock` in the data folder, held while the run lasts;
/// the OS drops it when the process dies, however it dies.
struct RunLock(#[allow(dead_code)] File);

impl RunLock {
    /// Takes the lock, trying for a moment: a job list that looked at the lock (see
    /// [`RunLock::is_held`]) holds it for microseconds, and a run starting then must not
    /// answer «already running».
    async fn take(dir: &Path, name: &str) -> Result<Option<RunLock>> {
        for _ in 0..5 {
            if let Some(lock) = Self::try_take(dir, name)? {
                return Ok(Some(lock));
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
        Ok(None)
    }

    /// Whether a live process holds the job's lock (a run is going). An error reading it
    /// counts as held: nothing is called dead on a guess.
    fn is_held(dir: &Path, name: &str) -> bool {
        !matches!(Self::try_take(dir, name), Ok(Some(_)))
    }

    /// Takes the lock from blocking code, trying for a moment as [`RunLock::take`] does; a run
    /// that holds it is `JobRunning`.
    fn take_or_refuse(dir: &Path, name: &str) -> Result<RunLock> {
        for _ in 0..5 {
            if let Some(lock) = Self::try_take(dir, name)? {
                return Ok(lock);
            }
            std::thread::sleep(Duration::from_millis(40));
        }
        Err(AppError::JobRunning {
            name: name.to_string(),
        })
    }

    fn try_take(dir: &Path, name: &str) -> Result<Option<RunLock>> {
        std::fs::create_dir_all(dir).map_err(storage)?;
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(format!("{name}.lock")))
            .map_err(storage)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(RunLock(file))),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(storage(e)),
        }
    }
}

/// Keeps in the run's report (`new_columns`) the columns of its file the job neither reads
/// nor had when it was made (see [`JobSpec::unread_columns`]), after those an earlier file of
/// the run named.
fn note_new_columns(end: &mut RunEnd, mut names: Vec<String>, job: &Job, unread: &[String]) {
    let Some(known) = &job.spec.unread_columns else {
        return;
    };
    for c in unread {
        if !holds_column(known, c) && !names.contains(c) {
            names.push(c.clone());
        }
    }
    if let (Some(r), false) = (end.report.as_mut(), names.is_empty()) {
        r["new_columns"] = names.into();
    }
}

/// Whether `columns` has `column`, as headers are matched (spaces and letter case apart).
pub(crate) fn holds_column(columns: &[String], column: &str) -> bool {
    let want = mb_import::mapping::normalize_header(column);
    columns
        .iter()
        .any(|c| mb_import::mapping::normalize_header(c) == want)
}

/// Whether two mappings read the same: each field from the same column (by its header, as
/// matched) or the same constant. How sure the guess was does not matter.
fn reads_alike(a: &Mapping, b: &Mapping) -> bool {
    use mb_import::mapping::{FieldSource, normalize_header};
    let key = |f: &FieldSource| match f {
        FieldSource::Column { header, .. } => format!("c:{}", normalize_header(header)),
        FieldSource::Constant { value } => format!("v:{value}"),
    };
    a.fields.len() == b.fields.len()
        && a.fields
            .iter()
            .all(|(name, f)| b.fields.get(name).is_some_and(|g| key(f) == key(g)))
}

/// The worse of two run results (what a run over several files reports).
fn worse(a: RunResult, b: RunResult) -> RunResult {
    let rank = |r: RunResult| match r {
        RunResult::Running => 0,
        RunResult::NoFile => 1,
        RunResult::NothingNew => 2,
        // Alone, a run that left its file for next time says so; beside a file that went,
        // it is «sent» with the note.
        RunResult::Deferred => 3,
        RunResult::Sent => 4,
        RunResult::Blocked => 5,
        RunResult::Rejected => 6,
        RunResult::Failed => 7,
        RunResult::Interrupted => 8,
    };
    if rank(b) > rank(a) { b } else { a }
}

fn result_of(uploads: &[Upload]) -> RunResult {
    uploads.iter().fold(RunResult::Sent, |acc, u| {
        worse(
            acc,
            match u.state {
                s if s.is_accepted() => RunResult::Sent,
                UploadState::Rejected => RunResult::Rejected,
                UploadState::Interrupted | UploadState::Sending => RunResult::Interrupted,
                _ => RunResult::Failed,
            },
        )
    })
}

/// The warning a job's state deserves at `now`, if any: its last run went wrong, or it
/// has sent nothing new for longer than its schedule implies ([`Every::overdue_after`]).
pub fn warning(
    job: &Job,
    last: Option<&JobRun>,
    last_sent: Option<&JobRun>,
    now: Timestamp,
) -> Option<String> {
    if job.paused {
        return None;
    }
    if let Some(r) = last
        && matches!(
            r.result,
            RunResult::Failed | RunResult::Rejected | RunResult::Blocked | RunResult::Interrupted
        )
    {
        return Some(r.result.as_str().to_string());
    }
    let every = job.schedule()?;
    let since = last_sent.map_or(job.created_at, |r| r.started_at);
    (now.duration_since(since) > every.overdue_after()).then(|| "overdue".into())
}

impl Core {
    fn jobs_dir(&self) -> PathBuf {
        self.paths.root.join("jobs")
    }

    /// Saves a new job (or replaces the one with this name). The account defaults to the
    /// active one; the schedule and the name are checked.
    pub fn save_job(&self, job: Job) -> Result<Job> {
        self.save_job_with(job, &crate::schedule::system_tool, None)
    }

    /// [`Core::save_job`] with the scheduler tool and the `mbridge` to start given (tests).
    pub fn save_job_with(
        &self,
        mut job: Job,
        tool: crate::schedule::Tool<'_>,
        exe: Option<&Path>,
    ) -> Result<Job> {
        job.name
            .parse::<JobName>()
            .map_err(|_| invalid("name", format!("{}:{}", crate::error::JOB_NAME, job.name)))?;
        if let Some(e) = &job.every {
            let every: Every = e.parse().map_err(|_: crate::schedule::ScheduleError| {
                invalid("every", format!("{}:{e}", crate::error::UNKNOWN_SCHEDULE))
            })?;
            job.every = Some(every.to_string());
        }
        if job.account_login.is_empty() {
            job.account_login = self.active_login()?;
        }
        if job.spec.mapping.kind != job.kind {
            return Err(invalid("mapping", "template is for another kind"));
        }
        match &job.source {
            JobSource::Folder {
                folder, pattern, ..
            } => {
                glob::Pattern::new(pattern).map_err(|e| invalid("pattern", e.msg))?;
                // The scheduler starts runs from another working folder: a relative path
                // typed into the window would find no file on any run.
                if !folder.is_absolute() {
                    return Err(invalid("folder", "relative"));
                }
                if !folder.is_dir() {
                    return Err(AppError::FileUnreadable {
                        file_name: folder.display().to_string(),
                        reason: crate::dto::FileReason::NotAFolder,
                    });
                }
            }
            JobSource::File { path } if path.as_os_str().is_empty() => {
                return Err(invalid("file", "empty"));
            }
            JobSource::File { path } if !path.is_absolute() => {
                return Err(invalid("path", "relative"));
            }
            JobSource::File { .. } => {}
        }
        self.refuse_a_twin(&job)?;
        if self.store.job(&job.name)?.is_none() {
            job.created_at = self.store.now();
        }
        let saved = Job::from_record(self.store.save_job(&job.record()?)?)?;
        self.keep_schedule_in_step(&saved.name, tool, exe)?;
        Ok(saved)
    }

    /// Whether the job's entry is in the OS scheduler.
    pub fn is_scheduled(&self, name: &str) -> bool {
        match (self.scheduler_dir(), name.parse::<JobName>()) {
            (Ok(dir), Ok(name)) => crate::schedule::is_installed_for(&name, &dir, &self.paths.root),
            _ => false,
        }
    }

    /// A job on the OS scheduler that was saved again (the app's «Изменить», `mbridge jobs add
    /// --replace`) has its entry rewritten with the schedule it has now, or taken
    /// away when it has none: the system runs what the job says. `exe` is the `mbridge` to
    /// start (default: the one installed with this program).
    pub fn keep_schedule_in_step(
        &self,
        name: &str,
        tool: crate::schedule::Tool<'_>,
        exe: Option<&Path>,
    ) -> Result<()> {
        if !self.is_scheduled(name) {
            return Ok(());
        }
        if self.job(name)?.schedule().is_none() {
            return self.unschedule_job(name, tool);
        }
        let exe = match exe {
            Some(e) => e.to_path_buf(),
            None => crate::schedule::runner()?,
        };
        // The entry keeps the token store it was made with: the app (keychain) editing a job
        // the CLI scheduled with `--token-store file` must not drop it.
        let dir = self.scheduler_dir()?;
        let (job, every) = self.launch_parts(name)?;
        let mut flags = self.run_flags.clone();
        let had_file_store = crate::schedule::entry_texts(&job, &dir)
            .iter()
            .any(|t| t.contains("--token-store"));
        if had_file_store && !flags.iter().any(|f| f == "--token-store") {
            flags.extend(["--token-store".to_string(), "file".to_string()]);
        }
        let launch = crate::schedule::Launch {
            job: &job,
            exe: &exe,
            data_dir: Some(&self.paths.root),
            every,
            flags: &flags,
        };
        // Nothing to do when the entry already says it all (a save that changed no schedule).
        let same = crate::schedule::files(&launch).iter().all(|(file, body)| {
            std::fs::read(dir.join(file)).is_ok_and(|b| crate::schedule::entry_text(&b) == *body)
        });
        if same {
            return Ok(());
        }
        crate::schedule::install(&launch, &dir, tool)?;
        Ok(())
    }

    /// The job a typed name means: the job of that name, or the one whose Latin scheduler
    /// name the typed one gives («Рома CRM» is `roma-crm`, as [`typed_job_name`] named it when
    /// the job was added); the name as typed when neither is a job, so a refusal quotes it.
    /// Letter case aside, as jobs are told apart ([`Core::add_job`]).
    pub fn job_name(&self, typed: &str) -> String {
        let jobs = self.store.jobs().unwrap_or_default();
        let known = |n: &str| {
            jobs.iter()
                .find(|j| j.name.eq_ignore_ascii_case(n))
                .map(|j| j.name.clone())
        };
        known(typed)
            .or_else(|| typed_job_name(typed).ok().and_then(|(n, _)| known(&n)))
            .unwrap_or_else(|| typed.to_string())
    }

    pub fn job(&self, name: &str) -> Result<Job> {
        let r = self.store.job(name)?.ok_or_else(|| AppError::NotFound {
            what: format!("job {name}"),
        })?;
        Job::from_record(r)
    }

    /// The remembered choices of an earlier upload, for a job that repeats it.
    pub fn job_spec_from_upload(&self, id: i64) -> Result<(u32, UploadKind, String, JobSpec)> {
        let u = self.store.upload(id)?;
        let plan = u
            .options
            .as_ref()
            .and_then(|o| o.get("plan"))
            .cloned()
            .ok_or_else(|| invalid("from-upload", "this upload kept no mapping to repeat"))?;
        let spec: JobSpec =
            serde_json::from_value(plan).map_err(|e| invalid("from-upload", e.to_string()))?;
        let counter = u32::try_from(u.counter_id).map_err(|_| invalid("counter", "range"))?;
        Ok((counter, u.kind, u.account_login, spec))
    }

    /// Every job with its last run, next run and warning.
    pub fn jobs(&self) -> Result<Vec<JobStatus>> {
        let now = self.store.now();
        let zoned = now.to_zoned(TimeZone::system());
        let dir = self.scheduler_dir().ok();
        let mut out = Vec::new();
        for r in self.store.jobs()? {
            let job = Job::from_record(r)?;
            let last = self.seen_runs(&job.name, 1)?.into_iter().next();
            let good = self.store.last_sent_job_run(&job.name)?;
            let warning = warning(&job, last.as_ref(), good.as_ref(), now);
            let scheduled = match (&dir, job.name.parse::<JobName>()) {
                (Some(dir), Ok(name)) => {
                    crate::schedule::is_installed_for(&name, dir, &self.paths.root)
                }
                _ => false,
            };
            // Only a schedule the system has will run: a job whose schedule is not switched
            // on shows no next run (it said «next run tomorrow 09:30», which never came).
            let next_run = (scheduled && !job.paused)
                .then(|| job.schedule())
                .flatten()
                .map(|e| e.next_after(&zoned).timestamp());
            let last_taken = self.store.last_job_run_taking_files(&job.name)?;
            out.push(JobStatus {
                job,
                last_run: last,
                last_taken,
                next_run,
                warning,
                scheduled,
            });
        }
        Ok(out)
    }

    /// What a job made from upload `id` starts as, before the user changes anything, for the
    /// window's dialog and `jobs add --from-upload` alike: files like that upload's (`*.csv` for
    /// `продажи.csv`: a folder of exports often holds other files too), every day at 09:00, and
    /// rows with errors left out and reported rather than the whole run held (an unattended
    /// job that stops on one bad row sends nothing for days; the run says what was left out).
    /// The folder and the name are the user's to give (an empty name gets the counter's).
    pub fn job_draft(&self, id: i64) -> Result<crate::dto::NewJob> {
        let u = self.store.upload(id)?;
        Ok(crate::dto::NewJob {
            upload_id: u32::try_from(id).map_err(|_| invalid("upload_id", "range"))?,
            name: String::new(),
            folder: String::new(),
            pattern: pattern_like(&u.source.name),
            schedule: Some(crate::dto::JobSchedule::default()),
            stop_on_bad_rows: BadRows::default() == BadRows::Stop,
            each_new_file: Take::default() == Take::EachNew,
        })
    }

    /// «Повторять автоматически»: the app makes a finished upload into a job.
    pub fn create_job_from_upload(&self, n: &crate::dto::NewJob) -> Result<crate::dto::JobView> {
        let (counter_id, kind, account_login, mut spec) =
            self.job_spec_from_upload(i64::from(n.upload_id))?;
        spec.on_bad_rows = if n.stop_on_bad_rows {
            BadRows::Stop
        } else {
            BadRows::Skip
        };
        let pattern = match n.pattern.trim() {
            "" => "*".to_string(),
            p => p.to_string(),
        };
        let name = self.new_job_name(n)?;
        spec.title = if n.name.trim().is_empty() {
            self.untyped_title(n)
        } else {
            job_title(n.name.trim(), &name)
        };
        self.add_job(Job {
            name: name.clone(),
            account_login,
            counter_id,
            kind,
            spec,
            source: JobSource::Folder {
                folder: PathBuf::from(n.folder.trim()),
                pattern,
                take: Take::of(n.each_new_file),
            },
            every: n
                .schedule
                .as_ref()
                .map(|s| s.to_every().map(|e| e.to_string()))
                .transpose()?,
            paused: false,
            created_at: self.store.now(),
        })?;
        self.job_view(&name)
    }

    /// A new job's name: the one typed (in Latin letters for the scheduler: «Заказы Рома» is
    /// `zakazy-roma`), or, when none was typed, the counter's name and the kind (made unique).
    /// A job made without a typed name is called as the dialog promises, «по счётчику»: the
    /// counter's name and what it uploads, in the app's language («Мебель «Рома» —
    /// интернет-магазин · Офлайн-конверсии»); its scheduler name stays the Latin one.
    fn untyped_title(&self, n: &crate::dto::NewJob) -> Option<String> {
        let u = self.store.upload(i64::from(n.upload_id)).ok()?;
        let counter = u
            .options
            .as_ref()
            .and_then(|o| o.get("counter_name"))
            .and_then(|v| v.as_str())?
            .to_string();
        let lang = crate::notices::notice_lang(&self.settings().ok()?.language);
        let kind = mb_text::text(lang, &format!("kinds.{}", u.kind.as_str()))?;
        Some(format!("{counter} · {kind}").chars().take(120).collect())
    }

    fn new_job_name(&self, n: &crate::dto::NewJob) -> Result<String> {
        if !n.name.trim().is_empty() {
            return typed_job_name(&n.name).map(|(name, _)| name);
        }
        let u = self.store.upload(i64::from(n.upload_id))?;
        let counter = u
            .options
            .as_ref()
            .and_then(|o| o.get("counter_name"))
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("client {}", u.counter_id));
        let kind = u.kind.as_str();
        let base: String = JobName::from_words(&counter)
            .map(|j| j.to_string())
            .unwrap_or_else(|| format!("client-{}", u.counter_id))
            .chars()
            .take(64 - kind.len() - 8)
            .collect();
        let base = format!("{}-{kind}", base.trim_end_matches(['-', '_']));
        let taken: Vec<String> = self.store.jobs()?.into_iter().map(|j| j.name).collect();
        let free = |n: &str| !taken.iter().any(|t| t.eq_ignore_ascii_case(n));
        let mut name = base.clone();
        for i in 2.. {
            if free(&name) {
                break;
            }
            name = format!("{base}-{i}");
        }
        Ok(name)
    }

    /// Adds a new job: a name a job already has is refused (`jobs add` and «Повторять
    /// автоматически» never replace another job; editing is [`Core::save_job`]).
    pub fn add_job(&self, job: Job) -> Result<Job> {
        // Case apart only: the lock file and the Windows/macOS scheduler entries of «Shop» and
        // «shop» are one.
        let taken = self.store.jobs()?;
        if let Some(other) = taken
            .iter()
            .find(|j| j.name.eq_ignore_ascii_case(&job.name))
        {
            let title = Job::from_record(other.clone())
                .map(|o| o.spec.title_or(&o.name).to_string())
                .unwrap_or_else(|_| other.name.clone());
            return Err(invalid("name", format!("{EXISTS}:{}:{title}", other.name)));
        }
        self.save_job(job)
    }

    /// Refuses `job` when another job takes the same files for the same counter and kind and
    /// reads them alike (columns, constants, statuses): it would only read what that one sends
    /// (the ledger keeps them from going twice) and double every warning. Two jobs on one export
    /// that send other goals or columns are two jobs.
    fn refuse_a_twin(&self, job: &Job) -> Result<()> {
        let twin = self
            .store
            .jobs()?
            .into_iter()
            .filter(|r| !r.name.eq_ignore_ascii_case(&job.name))
            .filter_map(|r| Job::from_record(r).ok())
            .find(|o| {
                o.counter_id == job.counter_id
                    && o.kind == job.kind
                    && o.source.same_files(&job.source)
                    && reads_alike(&o.spec.mapping, &job.spec.mapping)
                    && o.spec.status_map == job.spec.status_map
            });
        match twin {
            Some(other) => {
                let title = other.spec.title_or(&other.name).to_string();
                Err(invalid(
                    "source",
                    format!("{SAME_FILES}:{}:{title}", other.name),
                ))
            }
            None => Ok(()),
        }
    }

    /// «Учесть новые столбцы» (`mbridge jobs learn-columns`): the job reads its newest file's
    /// header again. A column it did not have when it was made that Metrica has a field for,
    /// one the job does not fill yet, is read from now on («emails_md5», «yclid»); the rest of
    /// the new columns are taken as known, so runs stop naming them. Columns declined when the
    /// job was made stay unread, and everything else (schedule, statuses, policy) stays.
    pub fn learn_job_columns(&self, name: &str) -> Result<crate::dto::LearnedColumns> {
        let mut job = self.job(name)?;
        let newest = candidates(&job.source)?
            .pop()
            .ok_or_else(|| invalid("folder", crate::error::NO_FILE_TO_LEARN))?;
        let headers = crate::import::headers(&newest.path, &job.spec.read)?;
        let known = job.spec.unread_columns.clone();
        let reads = |m: &Mapping, header: &str| {
            m.fields.values().any(|f| match f {
                mb_import::mapping::FieldSource::Column { header: h, .. } => {
                    mb_import::mapping::normalize_header(h)
                        == mb_import::mapping::normalize_header(header)
                }
                mb_import::mapping::FieldSource::Constant { .. } => false,
            })
        };
        let mut read = Vec::new();
        // A job made before its columns were kept learns nothing new: which of the file's
        // columns were declined then is not known.
        if let Some(known) = &known {
            let auto = mb_import::mapping::auto_map(job.kind, &headers);
            for (field, source) in auto.mapping.fields {
                let mb_import::mapping::FieldSource::Column { header, .. } = &source else {
                    continue;
                };
                if job.spec.mapping.fields.contains_key(&field)
                    || holds_column(known, header)
                    || reads(&job.spec.mapping, header)
                {
                    continue;
                }
                read.push(crate::dto::ColumnRead {
                    column: header.clone(),
                    field: field.clone(),
                });
                job.spec.mapping.fields.insert(field, source);
            }
        }
        let unread = unread_columns(&job.spec.mapping, &headers);
        let ignored = unread
            .iter()
            .filter(|c| !known.as_deref().is_some_and(|k| holds_column(k, c)))
            .cloned()
            .collect();
        job.spec.unread_columns = Some(unread);
        self.save_job(job)?;
        Ok(crate::dto::LearnedColumns {
            job: self.job_view(name)?,
            read,
            ignored,
        })
    }

    /// The app's «Изменить»: a new folder, pattern, schedule or bad-rows policy; the profile
    /// (mapping, status map, account) stays.
    pub fn edit_job(&self, e: &crate::dto::JobEdit) -> Result<crate::dto::JobView> {
        let mut job = self.job(&e.name)?;
        job.source = match &job.source {
            // A fixed-file job stays one: `folder` names the file.
            JobSource::File { .. } => JobSource::File {
                path: PathBuf::from(e.folder.trim()),
            },
            JobSource::Folder { .. } => JobSource::Folder {
                folder: PathBuf::from(e.folder.trim()),
                pattern: match e.pattern.trim() {
                    "" => "*".to_string(),
                    p => p.to_string(),
                },
                take: Take::of(e.each_new_file),
            },
        };
        job.every = e
            .schedule
            .as_ref()
            .map(|s| s.to_every().map(|e| e.to_string()))
            .transpose()?;
        job.spec.on_bad_rows = if e.stop_on_bad_rows {
            BadRows::Stop
        } else {
            BadRows::Skip
        };
        self.save_job(job)?;
        self.job_view(&e.name)
    }

    /// The statuses of the newest file a job's run took that its map gives no Metrica status
    /// (a CRM that started writing «Возврат» after the job was made), with the core's
    /// suggestions (the counter's remembered choices first), most rows first. CRM simple
    /// orders only: a detailed-orders job's statuses are the counter's own list.
    pub fn job_new_statuses(&self, name: &str) -> Result<Vec<crate::dto::StatusValue>> {
        let job = self.job(name)?;
        if job.kind != UploadKind::SimpleOrders {
            return Err(invalid(
                "kind",
                "only CRM simple-order jobs map statuses here",
            ));
        }
        let known = self.store.status_map(i64::from(job.counter_id))?;
        let mut out: Vec<crate::dto::StatusValue> = Vec::new();
        // The file the next run will read again once they are mapped (`map_job_statuses`).
        if let Some(path) = self.last_taken_file(&job)? {
            for mut v in crate::import::status_values(&path, &job.spec.read, &job.spec.mapping)? {
                if !needs_mapping(&job.spec.status_map, &v.value) {
                    continue;
                }
                if let Some(k) = known.iter().find(|k| k.crm_value == v.value) {
                    v.suggested_type = k.status_type;
                    v.suggested_id = k.status_id.clone();
                    v.confidence = 1.0;
                    v.guessed = false;
                }
                out.push(v);
            }
        }
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        Ok(out)
    }

    /// Adds statuses to a job's map (what [`Core::job_new_statuses`] listed, as the user set
    /// them) and lets its next run read its last files again: a file taken before is otherwise
    /// «unchanged» and the rows it held back would wait for the CRM's next export. The ledger
    /// keeps what went from going twice.
    pub fn map_job_statuses(
        &self,
        name: &str,
        entries: &[crate::dto::StatusMapEntry],
    ) -> Result<crate::dto::JobView> {
        let mut job = self.job(name)?;
        if job.kind != UploadKind::SimpleOrders {
            return Err(invalid(
                "kind",
                "only CRM simple-order jobs map statuses here",
            ));
        }
        if entries.is_empty() {
            return Err(invalid("statuses", "empty"));
        }
        // A simple order's «other» status names a goal: without one it would be read as a
        // goal id that does not exist, and the rows would be held back again on every run.
        if entries
            .iter()
            .any(|e| e.status_type == crate::dto::OrderStatusType::Other && e.goal_ids.is_empty())
        {
            return Err(invalid("statuses", "other_without_goal"));
        }
        // Not under a run that is going: it could mark the file taken again after this.
        {
            let _lock = RunLock::take_or_refuse(&self.jobs_dir(), name)?;
            let newest = self.last_taken_file(&job)?;
            job.spec
                .status_map
                .extend(crate::import::status_map_for(job.kind, entries));
            self.save_job(job)?;
            if let Some(path) = newest {
                self.store
                    .forget_job_file(name, &path.display().to_string())?;
            }
        }
        self.job_view(name)
    }

    /// The newest file of the job's newest run that took files, as a path, while it is still
    /// on disk (a file gone since is not replaced by an older one of that run: re-read, it
    /// would send older versions of the same orders after the newer).
    fn last_taken_file(&self, job: &Job) -> Result<Option<PathBuf>> {
        let Some(run) = self.store.last_job_run_taking_files(&job.name)? else {
            return Ok(None);
        };
        Ok(run
            .files
            .last()
            .map(|f| match &job.source {
                JobSource::Folder { folder, .. } => folder.join(f),
                JobSource::File { path } => path.clone(),
            })
            .filter(|p| p.is_file()))
    }

    /// One job as the app lists it.
    pub fn job_view(&self, name: &str) -> Result<crate::dto::JobView> {
        self.jobs()?
            .iter()
            .find(|s| s.job.name == name)
            .map(|s| crate::overview::job_view(s, self.is_demo()))
            .ok_or_else(|| AppError::NotFound {
                what: format!("job {name}"),
            })
    }

    pub fn job_runs(&self, name: &str, limit: u32) -> Result<Vec<JobRun>> {
        self.job(name)?;
        Ok(self.store.job_runs(name, limit)?)
    }

    /// Before a job is kept: whether `login` may upload to `counter_id`, as its runs will ask.
    /// A counter Metrica does not know, or one the account may only view, is refused now
    /// instead of at the first scheduled run; when Metrica cannot be asked (offline, a quota)
    /// the job is kept and its first run says what it finds.
    pub async fn check_job_counter(&self, login: &str, counter_id: u32) -> Result<()> {
        let asked = ACCOUNT
            .scope(login.to_string(), async {
                let (login, client) = self.client().await?;
                client
                    .counter(u64::from(counter_id))
                    .await
                    .map_err(|e| self.counter_err(&login, u64::from(counter_id), e))
            })
            .await;
        match asked {
            Ok(c) if c.can_upload() => Ok(()),
            Ok(_) => Err(AppError::NoAccess { counter_id }),
            Err(
                e @ (AppError::NotFound { .. }
                | AppError::NoAccess { .. }
                | AppError::TokenExpired { .. }
                | AppError::NotSignedIn),
            ) => Err(e),
            Err(e) => {
                tracing::warn!(counter = counter_id, error = %e, "counter not checked");
                Ok(())
            }
        }
    }

    /// A job's runs, newest first, as the app lists them (with each run's report).
    pub fn job_run_views(&self, name: &str, limit: u32) -> Result<Vec<crate::dto::JobRunView>> {
        // A name no job has (a typo, a job removed) is said, not answered with no runs.
        self.job(name)?;
        Ok(self
            .seen_runs(name, limit)?
            .iter()
            .map(crate::overview::run_view)
            .collect())
    }

    /// The newest runs as they stand: a run recorded as going whose process is gone (killed,
    /// a power cut) is shown as interrupted, as the next run will record it, not «выполняется»
    /// until then (a week for a weekly job). One rule for the card, the list and `jobs runs`.
    fn seen_runs(&self, name: &str, limit: u32) -> Result<Vec<JobRun>> {
        let mut runs = self.store.job_runs(name, limit)?;
        if let Some(r) = runs.first_mut()
            && r.result == RunResult::Running
            && !RunLock::is_held(&self.jobs_dir(), name)
        {
            r.result = RunResult::Interrupted;
            r.message = Some(mb_history::PROCESS_DIED.into());
        }
        Ok(runs)
    }

    pub fn set_job_paused(&self, name: &str, paused: bool) -> Result<Job> {
        if !self.store.set_job_paused(name, paused)? {
            return Err(AppError::NotFound {
                what: format!("job {name}"),
            });
        }
        self.job(name)
    }

    /// Where this computer's scheduler reads job entries.
    pub fn scheduler_dir(&self) -> Result<PathBuf> {
        match &self.scheduler_dir {
            Some(d) => Ok(d.clone()),
            None => Ok(crate::schedule::system_dir(&self.paths.root)?),
        }
    }

    fn launch_parts(&self, name: &str) -> Result<(JobName, Every)> {
        let job = self.job(name)?;
        let every = job.schedule().ok_or_else(|| AppError::InvalidInput {
            field: "every".into(),
            reason: crate::error::NO_SCHEDULE.into(),
        })?;
        let name: JobName = job.name.parse().map_err(|e| AppError::InvalidInput {
            field: "name".into(),
            reason: format!("{e}"),
        })?;
        Ok((name, every))
    }

    /// The scheduler files that would start `exe jobs run NAME` on the job's schedule, by
    /// file name (`mbridge jobs schedule --print`).
    pub fn schedule_files(&self, name: &str, exe: &Path) -> Result<Vec<(String, String)>> {
        let (job, every) = self.launch_parts(name)?;
        Ok(crate::schedule::files(&crate::schedule::Launch {
            job: &job,
            exe,
            data_dir: Some(&self.paths.root),
            every,
            flags: &self.run_flags,
        }))
    }

    /// «Включить расписание» / `mbridge jobs schedule NAME`: installs the job's entry in the OS
    /// scheduler, starting `exe` (the installed `mbridge`) with this data folder. Refused in the
    /// demo, whose Metrica lives only inside the running app. Returns the scheduler folder.
    pub fn schedule_job(
        &self,
        name: &str,
        exe: &Path,
        tool: crate::schedule::Tool<'_>,
    ) -> Result<PathBuf> {
        if self.is_demo() {
            return Err(AppError::InvalidInput {
                field: "schedule".into(),
                reason: "the demo runs jobs only while the app is open: sign in to Yandex to \
                         schedule them"
                    .into(),
            });
        }
        let (job, every) = self.launch_parts(name)?;
        let dir = self.scheduler_dir()?;
        let launch = crate::schedule::Launch {
            job: &job,
            exe,
            data_dir: Some(&self.paths.root),
            every,
            flags: &self.run_flags,
        };
        crate::schedule::install(&launch, &dir, tool)?;
        Ok(dir)
    }

    /// «Выключить» / `mbridge jobs unschedule NAME`: removes the job's OS scheduler entry (the
    /// job stays, with its runs). The job need not exist any more.
    pub fn unschedule_job(&self, name: &str, tool: crate::schedule::Tool<'_>) -> Result<()> {
        let job: JobName = name.parse().map_err(|e| AppError::InvalidInput {
            field: "name".into(),
            reason: format!("{e}"),
        })?;
        Ok(crate::schedule::uninstall(
            &job,
            &self.scheduler_dir()?,
            tool,
        )?)
    }

    /// Deletes a job; its OS scheduler entry goes first (a timer left behind would start a job
    /// that is gone, every time, failing).
    pub fn remove_job(&self, name: &str) -> Result<()> {
        self.remove_job_with(name, &crate::schedule::system_tool)
    }

    /// [`Core::remove_job`] with the scheduler tool given (tests record it instead).
    pub fn remove_job_with(&self, name: &str, tool: crate::schedule::Tool<'_>) -> Result<()> {
        if self.store.job(name)?.is_none() {
            return Err(AppError::NotFound {
                what: format!("job {name}"),
            });
        }
        // A run that is going would finish into a job that is gone (its run record with it),
        // and a job re-added under the name could start beside it: refused until it ends. The
        // lock is held through the deletion, so no run starts in between.
        let _lock = RunLock::take_or_refuse(&self.jobs_dir(), name)?;
        if self.is_scheduled(name) {
            self.unschedule_job(name, tool)?;
        }
        if !self.store.delete_job(name)? {
            return Err(AppError::NotFound {
                what: format!("job {name}"),
            });
        }
        let _ = std::fs::remove_file(self.jobs_dir().join(format!("{name}.lock")));
        Ok(())
    }

    /// Runs one job: lock, close runs a dead process left open (reconciling its uploads),
    /// pick the file(s), send only new rows under the job's own account, follow, record.
    /// Two runs of one job never overlap: the second answers [`RunOutcome::AlreadyRunning`].
    pub async fn run_job(&self, name: &str, opts: RunOptions) -> Result<JobRunReport> {
        let job = self.job(name)?;
        let report = |outcome, run, reconciled_runs, error| JobRunReport {
            job: name.to_string(),
            outcome,
            run,
            reconciled_runs,
            error,
        };
        if job.paused && !opts.even_if_paused {
            return Ok(report(RunOutcome::Paused, None, 0, None));
        }
        let Some(_lock) = RunLock::take(&self.jobs_dir(), name).await? else {
            return Ok(report(RunOutcome::AlreadyRunning, None, 0, None));
        };
        // Read again under the lock: a job deleted (or deleted and added anew) between the
        // first read and the lock is not run as it was.
        let job = self.job(name)?;
        if job.paused && !opts.even_if_paused {
            return Ok(report(RunOutcome::Paused, None, 0, None));
        }
        let login = job.account_login.clone();
        let dead = self.store.interrupt_open_job_runs(name)?;
        if !dead.is_empty()
            && let Err(e) = ACCOUNT.scope(login.clone(), self.reconcile()).await
        {
            tracing::warn!(job = name, error = %e, "reconciling a dead run postponed");
        }
        let run_id = self.store.start_job_run(name)?;
        let (result, end, error) = ACCOUNT
            .scope(login, RUN.scope(run_id, self.run_body(&job, opts)))
            .await;
        let run = self.store.finish_job_run(run_id, result, &end)?;
        Ok(report(RunOutcome::Ran, Some(run), dead.len(), error))
    }

    /// The modification time of the oldest file the job's source offers and the job has not
    /// taken (data not sent yet); None when there is none or the folder is unreadable.
    pub(crate) fn oldest_unsent(&self, job: &Job) -> Option<Timestamp> {
        let all = candidates(&job.source).ok()?;
        // A job that takes the newest file never takes the older ones: they are not data it
        // will send late (they warned «the window is closing» for good).
        let offered: Vec<Candidate> = if job.source.takes_each_new() {
            all
        } else {
            all.into_iter().last().into_iter().collect()
        };
        offered
            .into_iter()
            .find(|c| {
                !self
                    .store
                    .job_file_taken(&job.name, &c.key(), c.size, c.modified_ms)
                    .unwrap_or(true)
            })
            .and_then(|c| Timestamp::from_millisecond(c.modified_ms).ok())
    }

    fn pick(&self, job: &Job) -> Result<Pick> {
        let all = candidates(&job.source)?;
        if all.is_empty() {
            return Ok(Pick::NoFile);
        }
        let fresh = |c: &Candidate| {
            self.store
                .job_file_taken(&job.name, &c.key(), c.size, c.modified_ms)
                .map(|taken| !taken)
        };
        let files = match &job.source {
            JobSource::Folder {
                take: Take::EachNew,
                ..
            } => {
                let mut out = Vec::new();
                for c in all {
                    if fresh(&c)? {
                        out.push(c);
                    }
                }
                out
            }
            _ => {
                let newest = all.into_iter().next_back().expect("not empty");
                if fresh(&newest)? {
                    vec![newest]
                } else {
                    vec![]
                }
            }
        };
        Ok(if files.is_empty() {
            Pick::Unchanged
        } else {
            Pick::Files(files)
        })
    }

    async fn run_body(&self, job: &Job, opts: RunOptions) -> (RunResult, RunEnd, Option<AppError>) {
        let mut end = RunEnd::default();
        let files = match self.pick(job) {
            Ok(Pick::NoFile) => {
                if matches!(job.source, JobSource::Folder { .. }) {
                    end.message = Some(NO_MATCHING_FILE.into());
                }
                return (RunResult::NoFile, end, None);
            }
            Ok(Pick::Unchanged) => {
                // «Каждый новый по очереди» waits for another file, not for this one to change.
                let each_new = matches!(
                    job.source,
                    JobSource::Folder {
                        take: Take::EachNew,
                        ..
                    }
                );
                end.message = Some(
                    if each_new {
                        NO_NEW_FILE
                    } else {
                        FILE_UNCHANGED
                    }
                    .into(),
                );
                return (RunResult::NothingNew, end, None);
            }
            Ok(Pick::Files(f)) => f,
            Err(e) => {
                end.message = Some(run_error(&e));
                return (RunResult::Failed, end, Some(e));
            }
        };
        let mut result = RunResult::Running;
        for file in files {
            let file = settled(file, self.file_settle).await;
            end.files.push(
                file.path
                    .file_name()
                    .map_or_else(|| file.key(), |n| n.to_string_lossy().into_owned()),
            );
            let Some((r, err)) = self.run_file(job, &file, opts, &mut end).await else {
                // Changed while it was read: nothing was sent and the file is not taken, so
                // the next run reads it whole.
                // The run stops here, as for any file that did not go: a newer file sent
                // before an older one would let the older one's rows overwrite it next time.
                end.message = Some(FILE_CHANGING.into());
                result = worse(result, RunResult::Deferred);
                break;
            };
            result = worse(result, r);
            if let Some(e) = err {
                end.message = Some(run_error(&e));
                return (result, end, Some(e));
            }
            if !r.is_success() {
                break;
            }
            if let Err(e) =
                self.store
                    .take_job_file(&job.name, &file.key(), file.size, file.modified_ms)
            {
                return (RunResult::Failed, end, Some(e.into()));
            }
        }
        (result, end, None)
    }

    /// Reads, checks and sends one file; `None` when the file changed while it was read (a
    /// CRM still writing it): nothing is sent then.
    async fn run_file(
        &self,
        job: &Job,
        file: &Candidate,
        opts: RunOptions,
        end: &mut RunEnd,
    ) -> Option<(RunResult, Option<AppError>)> {
        let job_id = format!("job:{}", job.name);
        let _job = self.job_scope(&job_id);
        let plan = job.plan(&file.path);
        let failed = |e: AppError| {
            let r = if matches!(e, AppError::Cancelled) {
                RunResult::Interrupted
            } else {
                RunResult::Failed
            };
            Some((r, Some(e)))
        };
        let prepared = self
            .prepare_upload(&plan, &job_id, no_progress_sink())
            .await;
        if file.now_on_disk().as_ref() != Some(file) {
            tracing::info!(file = %file.key(), "changed while it was read: left for the next run");
            return None;
        }
        let p = match prepared {
            Ok(Prepared::Ready(p)) => p,
            Ok(Prepared::Stopped(UploadOutcome::Blocked { report })) => {
                end.rows_rejected += report.invalid_rows;
                // Corrected rows counted for an earlier file of this run stay counted.
                let kept = RUN_COUNTS.map(|k| end.report.as_ref().and_then(|r| r[k].as_u64()));
                let earlier = mb_history::new_columns_of(end.report.as_ref());
                end.report = serde_json::to_value(crate::import::summary(&report)).ok();
                if let Some(r) = end.report.as_mut() {
                    for (k, v) in RUN_COUNTS.iter().zip(kept) {
                        if let Some(v) = v {
                            r[*k] = v.into();
                        }
                    }
                }
                note_new_columns(end, earlier, job, &report.unmapped_columns);
                return Some((RunResult::Blocked, None));
            }
            // A cut-off send of this file that Metrica could not be asked about: not «nothing
            // new», and the file is not taken, so a later run (or its resend) settles it.
            Ok(Prepared::Stopped(UploadOutcome::Duplicate { earlier })) => {
                return failed(crate::plan::duplicate_of(&earlier));
            }
            Ok(Prepared::Stopped(_)) => return Some((RunResult::NothingNew, None)),
            // Calls of a cut-off send Metrica does not list yet: the file waits for a later
            // run (which looks again), said with why; not a failure.
            Err(e @ AppError::CutOffUnsettled { .. }) => {
                return Some((RunResult::Deferred, Some(e)));
            }
            Err(e) => return failed(e),
        };
        end.rows_rejected += p.report.invalid_rows;
        end.rows_unchanged += p.review.unchanged_rows;
        end.rows_new += p.review.new_rows;
        // Calls sent before with other values (an amount corrected in the CRM), left out, and
        // corrections sent (counted among the new rows): over the run's files in its report,
        // so the run says them apart instead of hiding them among «new» or «nothing new».
        let sums = RUN_COUNTS.map(|k| end.report.as_ref().and_then(|r| r[k].as_u64()).unwrap_or(0));
        let sums = [
            sums[0] + p.review.changed_rows,
            sums[1] + p.review.corrected_rows,
            sums[2] + p.review.outdated_rows,
        ];
        let earlier = mb_history::new_columns_of(end.report.as_ref());
        if p.report.invalid_rows > 0 || end.report.is_none() {
            end.report = serde_json::to_value(crate::import::summary(&p.report)).ok();
        }
        if let Some(r) = end.report.as_mut() {
            for (k, v) in RUN_COUNTS.iter().zip(sums) {
                r[*k] = v.into();
            }
        }
        note_new_columns(end, earlier, job, &p.report.unmapped_columns);
        match self.send_prepared(p, &job_id, no_progress_sink()).await {
            // Stopped part-way by an error: the run failed with it, and keeps the ids of the
            // parts it recorded (those that went among them). Nothing is followed: the error
            // (a sign-in, the network) would stop the status questions too.
            Ok(UploadOutcome::Sent {
                uploads,
                stopped: Some(e),
                ..
            }) => {
                end.upload_ids.extend(uploads.iter().map(|u| u.id));
                failed(e)
            }
            Ok(UploadOutcome::Sent {
                mut uploads,
                stopped: None,
                ..
            }) => {
                self.follow(&mut uploads, opts.wait).await;
                end.upload_ids.extend(uploads.iter().map(|u| u.id));
                Some((result_of(&uploads), None))
            }
            Ok(_) => Some((RunResult::NothingNew, None)),
            Err(e) => failed(e),
        }
    }

    /// Polls the uploads until Metrica finishes them or `wait` runs out (the history's own
    /// poll schedule follows them after that).
    async fn follow(&self, uploads: &mut [Upload], wait: Duration) {
        let deadline = tokio::time::Instant::now() + wait;
        let mut delay = Duration::from_millis(250);
        for u in uploads.iter_mut() {
            while u.state.is_pollable() {
                let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                if left.is_zero() {
                    return;
                }
                tokio::time::sleep(delay.min(left)).await;
                delay = (delay * 2).min(Duration::from_secs(15));
                match self.refresh_status(u.id).await {
                    Ok(n) => *u = n,
                    Err(e) => {
                        tracing::warn!(upload = u.id, error = %e, "status poll failed");
                        return;
                    }
                }
            }
        }
    }

    /// Runs every job that is not paused, `parallel` at a time, each under its own account.
    pub async fn run_all_jobs(
        &self,
        parallel: usize,
        opts: RunOptions,
    ) -> Result<Vec<JobRunReport>> {
        let names: Vec<String> = self
            .store
            .jobs()?
            .into_iter()
            .filter(|j| !j.paused)
            .map(|j| j.name)
            .collect();
        let mut out: Vec<JobRunReport> = futures_util::stream::iter(names)
            .map(|n| async move {
                match self.run_job(&n, opts).await {
                    Ok(r) => r,
                    Err(e) => JobRunReport {
                        job: n,
                        outcome: RunOutcome::Error,
                        run: None,
                        reconciled_runs: 0,
                        error: Some(e),
                    },
                }
            })
            .buffer_unordered(parallel.max(1))
            .collect()
            .await;
        out.sort_by(|a, b| a.job.cmp(&b.job));
        Ok(out)
    }
}

/// A CRM value the check would hold back for want of a Metrica status: not one of Metrica's
/// own words, and not in the job's map as written or as the check also matches it (case, ё).
pub(crate) fn needs_mapping(map: &BTreeMap<String, String>, value: &str) -> bool {
    let sendable = mb_schema::OrderStatusType::parse(&value.trim().to_uppercase())
        .is_some_and(|t| t.is_sendable_without_mapping());
    if sendable || map.contains_key(value.trim()) {
        return false;
    }
    let folded = mb_import::status::fold(value);
    !map.keys().any(|k| mb_import::status::fold(k) == folded)
}

/// A typed job name as the scheduler's name for the job and the title it keeps: «Рома CRM» is
/// `roma-crm`, titled «Рома CRM»; a name the scheduler takes as it is has no title. The window's
/// dialog and `mbridge jobs add` both name jobs so.
pub fn typed_job_name(typed: &str) -> Result<(String, Option<String>)> {
    let typed = typed.trim();
    let name = typed
        .parse::<JobName>()
        .ok()
        .or_else(|| JobName::from_words(typed))
        .map(|j| j.to_string())
        .ok_or_else(|| invalid("name", format!("{}:{typed}", crate::error::JOB_NAME)))?;
    let title = job_title(typed, &name);
    Ok((name, title))
}

/// The title a typed job name keeps when its scheduler name had to change («Заказы Рома» for
/// `zakazy-roma`); None when nothing was typed or the name is kept as typed.
fn job_title(typed: &str, name: &str) -> Option<String> {
    (!typed.is_empty() && typed != name).then(|| typed.chars().take(120).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A modification time in the future (a share whose clock is ahead) is not «modified
    /// just now» for ever: the file is taken once it stayed still for the settle time, not
    /// after [`SETTLE_MAX`].
    #[tokio::test]
    async fn a_file_dated_in_the_future_settles_when_it_stays_still() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ahead.csv");
        std::fs::write(&p, "a").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_modified(std::time::SystemTime::now() + Duration::from_secs(3600))
            .unwrap();
        let started = std::time::Instant::now();
        let c = settled(Candidate::of(p).unwrap(), Duration::from_millis(300)).await;
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(c.size, 1);
    }

    fn touch(dir: &Path, name: &str, age_s: u64) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, name).unwrap();
        let t = std::time::SystemTime::now() - Duration::from_secs(age_s);
        File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_modified(t)
            .unwrap();
        p
    }

    #[test]
    fn a_folder_offers_matching_files_oldest_first_without_hidden_or_lock_files() {
        let d = tempfile::tempdir().unwrap();
        touch(d.path(), "b.CSV", 10);
        touch(d.path(), "a.csv", 100);
        touch(d.path(), ".hidden.csv", 1);
        touch(d.path(), "~$open.csv", 1);
        touch(d.path(), "notes.txt", 1);
        std::fs::create_dir(d.path().join("dir.csv")).unwrap();
        let src = JobSource::Folder {
            folder: d.path().to_path_buf(),
            pattern: "*.csv".into(),
            take: Take::Newest,
        };
        let names: Vec<String> = candidates(&src)
            .unwrap()
            .iter()
            .map(|c| c.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.csv", "b.CSV"]);
        let missing = JobSource::File {
            path: d.path().join("nope.csv"),
        };
        assert!(candidates(&missing).unwrap().is_empty());
        let bad = JobSource::Folder {
            folder: d.path().to_path_buf(),
            pattern: "[".into(),
            take: Take::Newest,
        };
        assert!(matches!(
            candidates(&bad),
            Err(AppError::InvalidInput { .. })
        ));
    }

    #[test]
    fn a_second_lock_on_the_same_job_is_refused_until_the_first_is_dropped() {
        let d = tempfile::tempdir().unwrap();
        let first = RunLock::try_take(d.path(), "shop").unwrap();
        assert!(first.is_some());
        assert!(RunLock::try_take(d.path(), "shop").unwrap().is_none());
        assert!(RunLock::try_take(d.path(), "other").unwrap().is_some());
        drop(first);
        assert!(RunLock::try_take(d.path(), "shop").unwrap().is_some());
    }

    #[test]
    fn the_worst_result_of_a_run_wins() {
        assert_eq!(
            worse(RunResult::Sent, RunResult::NothingNew),
            RunResult::Sent
        );
        assert_eq!(
            worse(RunResult::Sent, RunResult::Blocked),
            RunResult::Blocked
        );
        assert_eq!(
            worse(RunResult::Failed, RunResult::Interrupted),
            RunResult::Interrupted
        );
        assert_eq!(
            worse(RunResult::Running, RunResult::NoFile),
            RunResult::NoFile
        );
    }

    fn job(every: Option<&str>) -> Job {
        Job {
            name: "shop".into(),
            account_login: "a".into(),
            counter_id: 1,
            kind: UploadKind::Conversions,
            spec: JobSpec {
                mapping: Mapping::from_json(r#"{"kind":"conversions","fields":{},"signature":""}"#)
                    .unwrap(),
                read: ReadOptions::default(),
                status_map: BTreeMap::new(),
                merge_mode: MergeMode::Save,
                hash_contacts: false,
                on_bad_rows: BadRows::Skip,
                title: None,
                unread_columns: None,
            },
            source: JobSource::File { path: "x".into() },
            every: every.map(str::to_string),
            paused: false,
            created_at: "2026-03-01T00:00:00Z".parse().unwrap(),
        }
    }

    fn run(result: RunResult, at: &str) -> JobRun {
        JobRun {
            id: 1,
            job_name: "shop".into(),
            started_at: at.parse().unwrap(),
            finished_at: None,
            result,
            files: vec![],
            upload_ids: vec![],
            rows_new: 0,
            rows_unchanged: 0,
            rows_rejected: 0,
            message: None,
            report: None,
        }
    }

    /// Which files may be cut in their last row: a text file without a line end at its end
    /// (in UTF-8 or UTF-16, either byte order); never a workbook or an empty file.
    #[test]
    fn a_file_ends_a_line_in_any_of_its_encodings() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            super::ends_a_line(&p)
        };
        assert!(at("a.csv", b"id;sum\n1;2\n"));
        assert!(at("b.csv", b"id;sum\r\n1;2\r"));
        assert!(!at("c.csv", b"id;sum\n1;49"));
        assert!(at("d.txt", &[b'1', 0, b'\r', 0, b'\n', 0]));
        assert!(at("e.txt", &[0, b'1', 0, b'\r', 0, b'\n']));
        assert!(!at("f.txt", &[b'1', 0, b'2', 0]));
        assert!(at("g.xlsx", b"PK\x03\x04zip"));
        assert!(at("h.csv", b""));
    }

    #[test]
    fn a_daily_job_warns_when_failed_or_without_a_new_file_for_four_days() {
        let now: Timestamp = "2026-03-10T12:00:00Z".parse().unwrap();
        let daily = job(Some("daily@09:00"));
        let failed = run(RunResult::Failed, "2026-03-10T09:00:00Z");
        assert_eq!(
            warning(&daily, Some(&failed), None, now).as_deref(),
            Some("failed")
        );
        let sent = run(RunResult::Sent, "2026-03-10T09:00:00Z");
        assert_eq!(warning(&daily, Some(&sent), Some(&sent), now), None);
        // Nothing new since the 5th: five days without a new file.
        let nothing = run(RunResult::NothingNew, "2026-03-10T09:00:00Z");
        let good = run(RunResult::Sent, "2026-03-05T09:00:00Z");
        assert_eq!(
            warning(&daily, Some(&nothing), Some(&good), now).as_deref(),
            Some("overdue")
        );
        // A long weekend is no alarm.
        let recent = run(RunResult::Sent, "2026-03-07T09:00:00Z");
        assert_eq!(warning(&daily, Some(&nothing), Some(&recent), now), None);
        // Nor is a shop's quiet night for an hourly job (it warned after two hours).
        let hourly = job(Some("hourly"));
        let evening = run(RunResult::Sent, "2026-03-09T20:00:00Z");
        assert_eq!(warning(&hourly, Some(&nothing), Some(&evening), now), None);
        // A job by hand only is never overdue; a paused one never warns.
        assert_eq!(warning(&job(None), Some(&nothing), Some(&good), now), None);
        let mut paused = daily.clone();
        paused.paused = true;
        assert_eq!(warning(&paused, Some(&failed), None, now), None);
    }
}
