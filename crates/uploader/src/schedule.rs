//! When a repeating job runs, and how the operating system's own scheduler is told to run it
//! (a systemd user timer on Linux, a Task Scheduler task on Windows, a launchd agent on macOS):
//! no daemon of ours stays in memory between runs.
//!
//! Owns the schedule grammar (`hourly`, `daily@HH:MM`, `weekly@DAY@HH:MM`), the next run time
//! in the user's zone, job names that are safe in every scheduler's vocabulary, and the text of
//! the scheduler files, and installing them (writing the files where the scheduler looks and
//! calling `systemctl --user`/`schtasks`/`launchctl`): the CLI's `mbridge jobs schedule` and the
//! app's «Включить расписание» call the same code. Does not own what a run does.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use jiff::civil::{Time, Weekday};
use jiff::{ToSpan, Zoned};

/// How often a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// At minute 0 of every hour.
    Hourly,
    /// Every day at a local time.
    Daily { at: Time },
    /// Once a week on a day at a local time.
    Weekly { day: Weekday, at: Time },
}

/// Why a schedule or a job name was refused, in data the front ends put into words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("unknown schedule {0:?}: use hourly, daily@HH:MM or weekly@DAY@HH:MM")]
    Schedule(String),
    #[error(
        "job name {0:?}: use 1–64 Latin letters, digits, '-' or '_', starting with a letter or digit"
    )]
    JobName(String),
}

const DAYS: [(Weekday, &str, &str); 7] = [
    (Weekday::Monday, "mon", "пн"),
    (Weekday::Tuesday, "tue", "вт"),
    (Weekday::Wednesday, "wed", "ср"),
    (Weekday::Thursday, "thu", "чт"),
    (Weekday::Friday, "fri", "пт"),
    (Weekday::Saturday, "sat", "сб"),
    (Weekday::Sunday, "sun", "вс"),
];

fn short(day: Weekday) -> &'static str {
    DAYS.iter().find(|d| d.0 == day).map_or("mon", |d| d.1)
}

fn parse_day(s: &str) -> Option<Weekday> {
    let s = s.trim().to_lowercase();
    let full = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    // In Russian as typed after «каждую/каждый»: «пятница», «пятницу».
    let full_ru: [&[&str]; 7] = [
        &["понедельник"],
        &["вторник"],
        &["среда", "среду"],
        &["четверг"],
        &["пятница", "пятницу"],
        &["суббота", "субботу"],
        &["воскресенье"],
    ];
    DAYS.iter()
        .zip(full.into_iter().zip(full_ru))
        .find(|((_, en, ru), (f, f_ru))| {
            s == *en || s == *ru || s == *f || f_ru.contains(&s.as_str())
        })
        .map(|((d, _, _), _)| *d)
}

/// `HH:MM` or `H:MM`, a time of day.
pub(crate) fn parse_time(s: &str) -> Option<Time> {
    let (h, m) = s.trim().split_once(':')?;
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if h.is_empty() || h.len() > 2 || m.len() != 2 || !digits(h) || !digits(m) {
        return None;
    }
    let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    Time::new(h, m, 0, 0).ok()
}

impl FromStr for Every {
    type Err = ScheduleError;

    /// `hourly`, `daily@09:30`, `weekly@mon@09:30` (days: mon…sun, monday…, пн…вс, понедельник…).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ScheduleError::Schedule(s.to_string());
        let parts: Vec<&str> = s.trim().split('@').collect();
        match parts.as_slice() {
            [k] if k.eq_ignore_ascii_case("hourly") => Ok(Every::Hourly),
            [k, t] if k.eq_ignore_ascii_case("daily") => Ok(Every::Daily {
                at: parse_time(t).ok_or_else(bad)?,
            }),
            [k, d, t] if k.eq_ignore_ascii_case("weekly") => Ok(Every::Weekly {
                day: parse_day(d).ok_or_else(bad)?,
                at: parse_time(t).ok_or_else(bad)?,
            }),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Every {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Every::Hourly => f.write_str("hourly"),
            Every::Daily { at } => write!(f, "daily@{}", at.strftime("%H:%M")),
            Every::Weekly { day, at } => {
                write!(f, "weekly@{}@{}", short(*day), at.strftime("%H:%M"))
            }
        }
    }
}

impl Every {
    /// The first run strictly after `after`, in `after`'s time zone. A local time that a
    /// clock change skips runs at the first instant after the gap (jiff's compatible rule).
    pub fn next_after(&self, after: &Zoned) -> Zoned {
        let plus = |z: &Zoned, span: jiff::Span| z.checked_add(span).unwrap_or_else(|_| z.clone());
        match self {
            Every::Hourly => {
                let hour = after
                    .with()
                    .minute(0)
                    .second(0)
                    .subsec_nanosecond(0)
                    .build()
                    .unwrap_or_else(|_| after.clone());
                plus(&hour, 1.hour())
            }
            Every::Daily { at } => {
                let today = after
                    .with()
                    .time(*at)
                    .build()
                    .unwrap_or_else(|_| after.clone());
                if today > *after {
                    today
                } else {
                    let tomorrow = after.date().tomorrow().unwrap_or(after.date());
                    tomorrow
                        .to_datetime(*at)
                        .to_zoned(after.time_zone().clone())
                        .unwrap_or_else(|_| plus(&today, 1.day()))
                }
            }
            Every::Weekly { day, at } => {
                let mut date = after.date();
                for _ in 0..8 {
                    if date.weekday() == *day
                        && let Ok(z) = date.to_datetime(*at).to_zoned(after.time_zone().clone())
                        && z > *after
                    {
                        return z;
                    }
                    date = date.tomorrow().unwrap_or(date);
                }
                plus(after, 7.days())
            }
        }
    }

    /// How long a job may go without sending anything new before the overview warns that its
    /// export may have stopped: longer than a shop's quiet night or weekend (an hourly job of a
    /// shop closed at night was «давно не отправляло» every morning), up to a long holiday for
    /// a daily one, three missed weeks for a weekly one.
    pub fn overdue_after(&self) -> jiff::SignedDuration {
        let hours = match self {
            Every::Hourly => 3 * 24,
            Every::Daily { .. } => 4 * 24,
            Every::Weekly { .. } => 21 * 24,
        };
        jiff::SignedDuration::from_hours(hours)
    }

    /// systemd's `OnCalendar=` expression.
    pub fn on_calendar(&self) -> String {
        match self {
            Every::Hourly => "*-*-* *:00:00".into(),
            Every::Daily { at } => format!("*-*-* {}", at.strftime("%H:%M:00")),
            Every::Weekly { day, at } => {
                let d = short(*day);
                let d = format!("{}{}", d[..1].to_uppercase(), &d[1..]);
                format!("{d} *-*-* {}", at.strftime("%H:%M:00"))
            }
        }
    }
}

/// A job's name as every scheduler can carry it in a file name, a unit name and a task path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct JobName(String);

impl JobName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for JobName {
    type Err = ScheduleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(JobName(s.to_string()))
        } else {
            Err(ScheduleError::JobName(s.to_string()))
        }
    }
}

impl JobName {
    /// A name every scheduler can carry, made from what a person typed or from a counter's
    /// name: letters in Latin (deunicode: «Заказы Рома» → `zakazy-roma`), anything else a
    /// `-`, at most 64 characters. None when nothing of it is left.
    pub fn from_words(text: &str) -> Option<JobName> {
        let latin = deunicode::deunicode(text).to_lowercase();
        let mut out = String::new();
        for c in latin.chars() {
            if c.is_ascii_alphanumeric() || c == '_' {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let mut name: String = out.trim_start_matches('_').chars().take(64).collect();
        while name.ends_with(['-', '_']) {
            name.pop();
        }
        name.parse().ok()
    }
}

impl fmt::Display for JobName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the scheduler starts: `mbridge jobs run NAME`, with the data folder pinned when the
/// user moved it (the scheduler does not see the user's shell variables).
#[derive(Debug, Clone)]
pub struct Launch<'a> {
    pub job: &'a JobName,
    pub exe: &'a Path,
    pub data_dir: Option<&'a Path>,
    pub every: Every,
    /// More `mbridge` options the run needs (`--api-base`, `--token-store file`), as the
    /// scheduling process was started with them: a scheduled run has none of its environment.
    pub flags: &'a [String],
}

impl<'a> Launch<'a> {
    /// A launch that only names the job's entry files (their contents do not matter).
    fn probe(job: &'a JobName, exe: &'a Path) -> Launch<'a> {
        Launch {
            job,
            exe,
            data_dir: None,
            every: Every::Hourly,
            flags: &[],
        }
    }

    fn args(&self) -> Vec<String> {
        let mut a = Vec::new();
        if let Some(d) = self.data_dir {
            a.push("--data-dir".to_string());
            a.push(d.display().to_string());
        }
        a.extend(self.flags.iter().cloned());
        a.extend(["jobs".into(), "run".into(), self.job.to_string()]);
        a
    }

    /// The systemd user unit names (`mbridge-job-NAME.service`, `.timer`).
    pub fn systemd_unit(&self) -> String {
        format!("mbridge-job-{}", self.job)
    }

    /// The `.service` and `.timer` files of a systemd user timer. `Persistent=true` runs a
    /// job missed while the computer was off at the next start.
    pub fn systemd_units(&self) -> (String, String) {
        let quote = |s: &str| {
            let escaped = s
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('%', "%%")
                .replace('$', "$$");
            format!("\"{escaped}\"")
        };
        let exec: Vec<String> = std::iter::once(self.exe.display().to_string())
            .chain(self.args())
            .map(|a| quote(&a))
            .collect();
        let service = format!(
            "[Unit]\n\
             Description=Metrika Bridge: job {job}\n\
             \n\
             [Service]\n\
             Type=oneshot\n\
             ExecStart={exec}\n\
             # Exit 7 (a run of this job was still going) did nothing and is no failure. Exit 1\n\
             # (rows with errors under the stop policy, or data Metrica refused) is one: it\n\
             # shows in `systemctl --user --failed` and reaches OnFailure= handlers.\n\
             SuccessExitStatus=7\n",
            job = self.job,
            exec = exec.join(" "),
        );
        let timer = format!(
            "[Unit]\n\
             Description=Metrika Bridge: run job {job} ({every})\n\
             \n\
             [Timer]\n\
             OnCalendar={cal}\n\
             Persistent=true\n\
             RandomizedDelaySec=60\n\
             Unit={unit}.service\n\
             \n\
             [Install]\n\
             WantedBy=timers.target\n",
            job = self.job,
            every = self.every,
            cal = self.every.on_calendar(),
            unit = self.systemd_unit(),
        );
        (service, timer)
    }

    /// The Task Scheduler path of the task (`\Metrika Bridge\NAME`).
    pub fn windows_task(&self) -> String {
        format!("\\Metrika Bridge\\{}", self.job)
    }

    /// Task Scheduler XML (schema 1.2) for `schtasks /Create /XML`; the caller writes it as
    /// UTF-16 with a BOM, as schtasks expects. The triggers start at the schedule's first run
    /// after `now` (local, no zone): Task Scheduler repeats from the start boundary's time, so
    /// that time must be the chosen one (it was the moment of scheduling: «daily@09:30»
    /// switched on at 14:17 ran daily at 14:17).
    pub fn task_scheduler_xml(&self, now: &Zoned) -> String {
        let start = self.every.next_after(now).datetime();
        let boundary = start.strftime("%Y-%m-%dT%H:%M:%S").to_string();
        let trigger = match self.every {
            Every::Hourly => format!(
                "    <TimeTrigger>\n      <StartBoundary>{boundary}</StartBoundary>\n      \
                 <Repetition><Interval>PT1H</Interval></Repetition>\n      \
                 <Enabled>true</Enabled>\n    </TimeTrigger>\n"
            ),
            Every::Daily { .. } => format!(
                "    <CalendarTrigger>\n      <StartBoundary>{boundary}</StartBoundary>\n      \
                 <ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>\n      \
                 <Enabled>true</Enabled>\n    </CalendarTrigger>\n"
            ),
            Every::Weekly { day, .. } => {
                let name = format!("{day:?}");
                format!(
                    "    <CalendarTrigger>\n      <StartBoundary>{boundary}</StartBoundary>\n      \
                     <ScheduleByWeek><WeeksInterval>1</WeeksInterval><DaysOfWeek><{name} />\
                     </DaysOfWeek></ScheduleByWeek>\n      <Enabled>true</Enabled>\n    \
                     </CalendarTrigger>\n"
                )
            }
        };
        let args = self
            .args()
            .iter()
            .map(|a| windows_arg(a))
            .collect::<Vec<_>>()
            .join(" ");
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n\
             <Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n  \
             <RegistrationInfo>\n    <Description>Metrika Bridge: job {job} ({every})</Description>\n  \
             </RegistrationInfo>\n  <Triggers>\n{trigger}  </Triggers>\n  <Principals>\n    \
             <Principal id=\"Author\">\n      <LogonType>InteractiveToken</LogonType>\n      \
             <RunLevel>LeastPrivilege</RunLevel>\n    </Principal>\n  </Principals>\n  <Settings>\n    \
             <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n    \
             <StartWhenAvailable>true</StartWhenAvailable>\n    \
             <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n    \
             <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n    \
             <ExecutionTimeLimit>PT4H</ExecutionTimeLimit>\n    <Enabled>true</Enabled>\n  \
             </Settings>\n  <Actions Context=\"Author\">\n    <Exec>\n      \
             <Command>{cmd}</Command>\n      <Arguments>{args}</Arguments>\n    </Exec>\n  \
             </Actions>\n</Task>\n",
            job = xml(self.job.as_str()),
            every = self.every,
            cmd = xml(&self.exe.display().to_string()),
            args = xml(&args),
        )
    }

    /// The launchd label (`ru.metrikabridge.job.NAME`).
    pub fn launchd_label(&self) -> String {
        format!("ru.metrikabridge.job.{}", self.job)
    }

    /// A launchd agent property list for `~/Library/LaunchAgents/`.
    pub fn launchd_plist(&self) -> String {
        let interval = match self.every {
            Every::Hourly => "    <dict><key>Minute</key><integer>0</integer></dict>\n".to_string(),
            Every::Daily { at } => format!(
                "    <dict><key>Hour</key><integer>{}</integer><key>Minute</key>\
                 <integer>{}</integer></dict>\n",
                at.hour(),
                at.minute()
            ),
            Every::Weekly { day, at } => format!(
                "    <dict><key>Weekday</key><integer>{}</integer><key>Hour</key>\
                 <integer>{}</integer><key>Minute</key><integer>{}</integer></dict>\n",
                day.to_sunday_zero_offset(),
                at.hour(),
                at.minute()
            ),
        };
        let program: String = std::iter::once(self.exe.display().to_string())
            .chain(self.args())
            .map(|a| format!("    <string>{}</string>\n", xml(&a)))
            .collect();
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \
             \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
             <plist version=\"1.0\">\n<dict>\n  <key>Label</key>\n  <string>{label}</string>\n  \
             <key>ProgramArguments</key>\n  <array>\n{program}  </array>\n  \
             <key>StartCalendarInterval</key>\n  <array>\n{interval}  </array>\n  \
             <key>ProcessType</key>\n  <string>Background</string>\n</dict>\n</plist>\n",
            label = xml(&self.launchd_label()),
        )
    }
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// One argument as the Windows C runtime splits a command line back (quotes doubled inside).
fn windows_arg(a: &str) -> String {
    if !a.is_empty() && !a.contains([' ', '\t', '"']) {
        return a.to_string();
    }
    let mut out = String::from("\"");
    let mut backslashes = 0;
    for c in a.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                out.push_str(&"\\".repeat(backslashes * 2 + 1));
                out.push('"');
                backslashes = 0;
            }
            _ => {
                out.push_str(&"\\".repeat(backslashes));
                out.push(c);
                backslashes = 0;
            }
        }
    }
    out.push_str(&"\\".repeat(backslashes * 2));
    out.push('"');
    out
}

// --- installing ------------------------------------------------------------------------------

/// Why installing or removing a scheduler entry failed, with what the tool said.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstallError {
    #[error("{what}: {detail}")]
    Io { what: String, detail: String },
    #[error("{command}: {detail}")]
    Tool { command: String, detail: String },
    #[error("mbridge is not installed beside {beside} nor on PATH")]
    NoRunner { beside: String },
}

impl From<InstallError> for crate::dto::AppError {
    fn from(e: InstallError) -> Self {
        match e {
            InstallError::NoRunner { .. } => crate::dto::AppError::NotFound {
                what: e.to_string(),
            },
            InstallError::Io { .. } => crate::dto::AppError::Storage {
                detail: e.to_string(),
            },
            InstallError::Tool { .. } => crate::dto::AppError::SchedulerFailed {
                detail: e.to_string(),
            },
        }
    }
}

/// Runs a scheduler tool (`systemctl`, `schtasks`, `launchctl`); tests pass a recorder.
pub type Tool<'a> = &'a dyn Fn(&str, &[&str]) -> Result<(), InstallError>;

/// The system's tool: the program's exit status decides, its stderr is the detail.
pub fn system_tool(program: &str, args: &[&str]) -> Result<(), InstallError> {
    let command = format!("{program} {}", args.join(" "));
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .map_err(|e| InstallError::Tool {
            command: command.clone(),
            detail: e.to_string(),
        })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(InstallError::Tool {
            command,
            detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        })
    }
}

/// The scheduler files for this operating system, by file name.
pub fn files(launch: &Launch<'_>) -> Vec<(String, String)> {
    if cfg!(windows) {
        vec![(
            format!("{}.xml", launch.job),
            launch.task_scheduler_xml(&jiff::Zoned::now()),
        )]
    } else if cfg!(target_os = "macos") {
        vec![(
            format!("{}.plist", launch.launchd_label()),
            launch.launchd_plist(),
        )]
    } else {
        let (service, timer) = launch.systemd_units();
        let unit = launch.systemd_unit();
        vec![
            (format!("{unit}.service"), service),
            (format!("{unit}.timer"), timer),
        ]
    }
}

/// Where the scheduler reads the files: `~/.config/systemd/user` (or `$XDG_CONFIG_HOME`),
/// `~/Library/LaunchAgents`, or on Windows the data folder's `jobs` (schtasks imports a copy).
pub fn system_dir(data_dir: &Path) -> Result<PathBuf, InstallError> {
    let home = || {
        std::env::var_os("HOME")
            .map(PathBuf::from)
            .ok_or_else(|| InstallError::Io {
                what: "HOME".into(),
                detail: "not set".into(),
            })
    };
    if cfg!(windows) {
        Ok(data_dir.join("jobs"))
    } else if cfg!(target_os = "macos") {
        Ok(home()?.join("Library/LaunchAgents"))
    } else {
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .map_or_else(|| home().map(|h| h.join(".config")), Ok)?;
        Ok(config.join("systemd/user"))
    }
}

/// UTF-16 LE with a byte-order mark, as `schtasks /XML` expects.
fn utf16_bom(s: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

fn io(what: &Path) -> impl Fn(std::io::Error) -> InstallError + '_ {
    move |e| InstallError::Io {
        what: what.display().to_string(),
        detail: e.to_string(),
    }
}

/// Writes the scheduler files into `dir` and turns the entry on (a systemd user timer enabled
/// and started, a Task Scheduler task created, a launchd agent loaded). Installing again
/// replaces the entry (a changed schedule or program path).
pub fn install(launch: &Launch<'_>, dir: &Path, tool: Tool<'_>) -> Result<(), InstallError> {
    let files = files(launch);
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    // The entry as it was (a job scheduled before, being changed): put back if the scheduler
    // refuses the new one, since the system still runs the old one.
    let before: Vec<Option<Vec<u8>>> = files
        .iter()
        .map(|(file, _)| std::fs::read(dir.join(file)).ok())
        .collect();
    for (file, body) in &files {
        let bytes = if cfg!(windows) {
            utf16_bom(body)
        } else {
            body.clone().into_bytes()
        };
        let path = dir.join(file);
        std::fs::write(&path, bytes).map_err(io(&path))?;
    }
    let first = dir.join(&files[0].0).display().to_string();
    let turned_on = if cfg!(windows) {
        let task = launch.windows_task();
        tool("schtasks", &["/Create", "/XML", &first, "/TN", &task, "/F"])
    } else if cfg!(target_os = "macos") {
        let _ = tool("launchctl", &["unload", &first]);
        tool("launchctl", &["load", "-w", &first])
    } else {
        tool("systemctl", &["--user", "daemon-reload"]).and_then(|()| {
            let timer = format!("{}.timer", launch.systemd_unit());
            tool("systemctl", &["--user", "enable", "--now", &timer])
        })
    };
    // An entry the scheduler did not take is not left behind: its files are what says a job
    // is scheduled («По расписанию», its next run), and nothing would start it. One that was
    // there before gets its files back: the system still has it (and `uninstall` needs them
    // to take it away).
    if turned_on.is_err() {
        for ((file, _), old) in files.iter().zip(&before) {
            let path = dir.join(file);
            let _ = match old {
                Some(bytes) => std::fs::write(&path, bytes),
                None => std::fs::remove_file(&path),
            };
        }
    }
    turned_on
}

/// Turns the entry off and deletes its files. Removing an entry that is not there is not an
/// error (the job may have been scheduled on another computer).
pub fn uninstall(job: &JobName, dir: &Path, tool: Tool<'_>) -> Result<(), InstallError> {
    let exe = PathBuf::from("mbridge");
    let launch = Launch::probe(job, &exe);
    let files = files(&launch);
    if cfg!(windows) {
        if dir.join(&files[0].0).exists() {
            tool(
                "schtasks",
                &["/Delete", "/TN", &launch.windows_task(), "/F"],
            )?;
        }
    } else if cfg!(target_os = "macos") {
        let plist = dir.join(&files[0].0).display().to_string();
        let _ = tool("launchctl", &["unload", "-w", &plist]);
    } else {
        let timer = format!("{}.timer", launch.systemd_unit());
        let _ = tool("systemctl", &["--user", "disable", "--now", &timer]);
    }
    for (file, _) in &files {
        let path = dir.join(file);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&path)(e)),
        }
    }
    if !cfg!(windows) && !cfg!(target_os = "macos") {
        let _ = tool("systemctl", &["--user", "daemon-reload"]);
    }
    Ok(())
}

/// Whether `dir` holds this job's scheduler entry AND that entry runs the job of the data
/// folder `data_dir`: the systemd and launchd folders are the user's, shared by every data
/// folder, so a job of the same name in another data folder is not this one.
pub fn is_installed_for(job: &JobName, dir: &Path, data_dir: &Path) -> bool {
    let shown = data_dir.display().to_string();
    let forms = [shown.clone(), shown.replace('%', "%%"), xml(&shown)];
    is_installed(job, dir)
        && entry_texts(job, dir)
            .iter()
            .any(|t| forms.iter().any(|f| t.contains(f.as_str())))
}

/// The texts of the job's entry files in `dir` (those that exist).
pub fn entry_texts(job: &JobName, dir: &Path) -> Vec<String> {
    let exe = PathBuf::from("mbridge");
    let launch = Launch::probe(job, &exe);
    files(&launch)
        .iter()
        .filter_map(|(file, _)| std::fs::read(dir.join(file)).ok())
        .map(|b| entry_text(&b))
        .collect()
}

/// An entry file's text: UTF-8, or the UTF-16 LE with a BOM the Task Scheduler file is.
pub fn entry_text(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFF, 0xFE]) {
        Some(rest) => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Whether `dir` holds this job's scheduler entry (its timer, task or agent file).
pub fn is_installed(job: &JobName, dir: &Path) -> bool {
    let exe = PathBuf::from("mbridge");
    let launch = Launch::probe(job, &exe);
    files(&launch)
        .last()
        .is_some_and(|(file, _)| dir.join(file).is_file())
}

/// The `mbridge` a scheduled run starts, for a program at `exe`: the program itself when it is
/// `mbridge`, else the `mbridge` installed beside it (the .deb and .rpm put both into
/// /usr/bin), else the first `mbridge` on `path` (`PATH`).
pub fn runner_for(exe: &Path, path: Option<OsString>) -> Result<PathBuf, InstallError> {
    let name = if cfg!(windows) {
        "mbridge.exe"
    } else {
        "mbridge"
    };
    if exe.file_name().is_some_and(|n| n == name) {
        return Ok(exe.to_path_buf());
    }
    let beside = exe.with_file_name(name);
    if beside.is_file() {
        return Ok(beside);
    }
    path.iter()
        .flat_map(std::env::split_paths)
        .map(|d| d.join(name))
        .find(|p| p.is_file() && p.is_absolute())
        .ok_or_else(|| InstallError::NoRunner {
            beside: exe.display().to_string(),
        })
}

/// [`runner_for`] the running program and the process's `PATH`.
pub fn runner() -> Result<PathBuf, InstallError> {
    let exe = std::env::current_exe().map_err(|e| InstallError::Io {
        what: "current program".into(),
        detail: e.to_string(),
    })?;
    runner_for(&exe, std::env::var_os("PATH"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn every(s: &str) -> Every {
        s.parse().unwrap()
    }

    fn at(s: &str) -> Zoned {
        s.parse().unwrap()
    }

    #[test]
    fn a_name_in_words_becomes_one_every_scheduler_carries() {
        let name = |s: &str| JobName::from_words(s).map(|n| n.to_string());
        assert_eq!(name("Заказы Рома").as_deref(), Some("zakazy-roma"));
        assert_eq!(
            name("Мебель «Рома» — интернет-магазин").as_deref(),
            Some("mebel-roma-internet-magazin")
        );
        assert_eq!(name("shop_1").as_deref(), Some("shop_1"));
        assert_eq!(name("_shop").as_deref(), Some("shop"));
        assert_eq!(name("  «»  ").as_deref(), None);
        let long = name(&"длинное название ".repeat(10)).unwrap();
        assert!(long.len() <= 64 && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn reads_the_three_schedules_and_writes_them_back() {
        for s in [
            "hourly",
            "daily@09:30",
            "weekly@mon@07:05",
            "weekly@sun@23:59",
        ] {
            assert_eq!(every(s).to_string(), s);
        }
        assert_eq!(every("weekly@пт@9:00").to_string(), "weekly@fri@09:00");
        assert_eq!(every("Weekly@Friday@18:00").to_string(), "weekly@fri@18:00");
        // A day in Russian words, as typed: «пятница», «в пятницу», «среду».
        assert_eq!(
            every("weekly@Пятница@10:00").to_string(),
            "weekly@fri@10:00"
        );
        assert_eq!(
            every("weekly@пятницу@10:00").to_string(),
            "weekly@fri@10:00"
        );
        assert_eq!(every("weekly@среду@07:00").to_string(), "weekly@wed@07:00");
        assert_eq!(
            every("weekly@воскресенье@23:00").to_string(),
            "weekly@sun@23:00"
        );
    }

    #[test]
    fn refuses_schedules_it_cannot_run() {
        for s in [
            "",
            "daily",
            "daily@25:00",
            "daily@9:5",
            "weekly@mon",
            "weekly@funday@10:00",
            "every 5 minutes",
            "hourly@10:00",
        ] {
            assert!(s.parse::<Every>().is_err(), "{s:?} accepted");
        }
    }

    #[test]
    fn next_run_is_strictly_later_in_the_users_zone() {
        let now = at("2026-12-04T12:16:40+03:00[Europe/Moscow]");
        assert_eq!(
            every("hourly").next_after(&now).to_string(),
            "2026-12-04T13:00:00+03:00[Europe/Moscow]"
        );
        assert_eq!(
            every("daily@12:16").next_after(&now).to_string(),
            "2026-12-05T12:16:00+03:00[Europe/Moscow]"
        );
        assert_eq!(
            every("daily@23:00").next_after(&now).to_string(),
            "2026-12-04T23:00:00+03:00[Europe/Moscow]"
        );
        // 2026-12-04 is a Friday.
        assert_eq!(
            every("weekly@fri@09:00").next_after(&now).to_string(),
            "2026-12-11T09:00:00+03:00[Europe/Moscow]"
        );
        assert_eq!(
            every("weekly@mon@09:00").next_after(&now).to_string(),
            "2026-12-07T09:00:00+03:00[Europe/Moscow]"
        );
    }

    #[test]
    fn next_run_survives_a_clock_change() {
        // Berlin skips 02:00–03:00 on 2027-03-28: the 02:30 run happens right after the gap.
        let before = at("2027-03-27T12:00:00+01:00[Europe/Berlin]");
        let day = every("daily@02:30").next_after(&before);
        let next = every("daily@02:30").next_after(&day);
        assert!(day > before && next > day, "{day} then {next}");
        assert_eq!(next.date().to_string(), "2027-03-29");
    }

    #[test]
    fn job_names_are_safe_everywhere() {
        for ok in ["mebel-roma", "client_42", "A1"] {
            assert!(ok.parse::<JobName>().is_ok(), "{ok}");
        }
        for bad in ["", "-x", "две слова", "a/b", "a.b", "x y", &"a".repeat(65)] {
            assert!(bad.parse::<JobName>().is_err(), "{bad:?}");
        }
    }

    fn launch<'a>(job: &'a JobName, exe: &'a Path, every: Every) -> Launch<'a> {
        Launch {
            job,
            exe,
            data_dir: None,
            every,
            flags: &[],
        }
    }

    #[test]
    fn systemd_timer_runs_the_cli_on_the_calendar() {
        let job: JobName = "mebel-roma".parse().unwrap();
        let exe = PathBuf::from("/opt/Metrika Bridge/mbridge");
        let data = PathBuf::from("/home/u/100%/data");
        let mut l = launch(&job, &exe, every("weekly@mon@09:30"));
        l.data_dir = Some(&data);
        let (service, timer) = l.systemd_units();
        assert!(
            service.contains(
                "ExecStart=\"/opt/Metrika Bridge/mbridge\" \"--data-dir\" \"/home/u/100%%/data\" \
                 \"jobs\" \"run\" \"mebel-roma\""
            ),
            "{service}"
        );
        // A refused run is a failure the admin sees; only «already running» is not.
        assert!(service.contains("\nSuccessExitStatus=7\n"), "{service}");
        assert!(timer.contains("OnCalendar=Mon *-*-* 09:30:00\n"), "{timer}");
        assert!(
            timer.contains("Persistent=true")
                && timer.contains("Unit=mbridge-job-mebel-roma.service")
        );
        assert_eq!(every("hourly").on_calendar(), "*-*-* *:00:00");
        assert_eq!(every("daily@07:05").on_calendar(), "*-*-* 07:05:00");
    }

    #[test]
    fn task_scheduler_xml_has_the_trigger_and_a_quoted_command() {
        let job: JobName = "client_42".parse().unwrap();
        let exe = PathBuf::from(r"C:\Program Files\Metrika Bridge\mbridge.exe");
        // Switched on on Saturday 5 December at 14:17: the triggers start at the chosen time.
        let now = at("2026-12-05T14:17:00+03:00[Europe/Moscow]");
        let weekly = launch(&job, &exe, every("weekly@wed@09:30")).task_scheduler_xml(&now);
        assert!(
            weekly.contains("<DaysOfWeek><Wednesday /></DaysOfWeek>"),
            "{weekly}"
        );
        assert!(
            weekly.contains("<StartBoundary>2026-12-09T09:30:00</StartBoundary>"),
            "{weekly}"
        );
        let daily = launch(&job, &exe, every("daily@09:30")).task_scheduler_xml(&now);
        assert!(
            daily.contains("<StartBoundary>2026-12-06T09:30:00</StartBoundary>"),
            "{daily}"
        );
        assert!(weekly.contains(r"<Command>C:\Program Files\Metrika Bridge\mbridge.exe</Command>"));
        assert!(weekly.contains("<Arguments>jobs run client_42</Arguments>"));
        assert!(weekly.contains("<MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>"));
        let hourly = launch(&job, &exe, Every::Hourly).task_scheduler_xml(&now);
        assert!(hourly.contains("<Interval>PT1H</Interval>"));
        assert!(
            hourly.contains("<StartBoundary>2026-12-05T15:00:00</StartBoundary>"),
            "{hourly}"
        );
        assert_eq!(windows_arg(r#"C:\a b\"q""#), r#""C:\a b\\\"q\"""#);
        assert_eq!(
            windows_arg(r"C:\dir with space\"),
            r#""C:\dir with space\\""#
        );
        assert_eq!(
            launch(&job, &exe, Every::Hourly).windows_task(),
            r"\Metrika Bridge\client_42"
        );
    }

    #[test]
    fn launchd_plist_uses_sunday_zero_weekdays_and_escapes_xml() {
        let job: JobName = "shop".parse().unwrap();
        let exe = PathBuf::from("/Applications/Metrika Bridge.app/Contents/MacOS/mbridge");
        let data = PathBuf::from("/Users/a&b/data");
        let mut l = launch(&job, &exe, every("weekly@sun@08:15"));
        l.data_dir = Some(&data);
        let plist = l.launchd_plist();
        assert!(plist.contains("<key>Weekday</key><integer>0</integer><key>Hour</key><integer>8</integer><key>Minute</key><integer>15</integer>"), "{plist}");
        assert!(plist.contains("<string>/Users/a&amp;b/data</string>"));
        assert!(plist.contains("<string>ru.metrikabridge.job.shop</string>"));
        let daily = launch(&job, &exe, every("daily@18:00")).launchd_plist();
        assert!(
            daily.contains(
                "<key>Hour</key><integer>18</integer><key>Minute</key><integer>0</integer>"
            )
        );
    }

    /// `systemd-analyze verify` reads the generated units as systemd itself would (it refuses
    /// a bad calendar, a missing executable or a bad quote). CI installs systemd; elsewhere
    /// the test says why it did not run.
    #[test]
    fn systemd_analyze_verifies_the_generated_units() {
        let Ok(out) = std::process::Command::new("systemd-analyze")
            .arg("--version")
            .output()
        else {
            assert!(std::env::var_os("CI").is_none(), "CI must install systemd");
            eprintln!("SKIP: systemd-analyze is not installed");
            return;
        };
        assert!(out.status.success());
        let dir = tempfile::tempdir().unwrap();
        let exe = std::env::current_exe().unwrap();
        let data = dir.path().join("data with space %");
        for (name, sched) in [
            ("hourly-job", "hourly"),
            ("daily", "daily@07:05"),
            ("w", "weekly@sun@23:59"),
        ] {
            let job: JobName = name.parse().unwrap();
            let mut l = launch(&job, &exe, every(sched));
            l.data_dir = Some(&data);
            let (service, timer) = l.systemd_units();
            let unit = l.systemd_unit();
            let sp = dir.path().join(format!("{unit}.service"));
            let tp = dir.path().join(format!("{unit}.timer"));
            std::fs::write(&sp, service).unwrap();
            std::fs::write(&tp, timer).unwrap();
            let out = std::process::Command::new("systemd-analyze")
                .arg("verify")
                .arg(&sp)
                .arg(&tp)
                .output()
                .unwrap();
            let said = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && said.trim().is_empty(),
                "{sched}: {said}"
            );
        }
    }

    #[test]
    fn the_task_file_is_utf16_le_with_a_bom() {
        assert_eq!(utf16_bom("<T>"), [0xFF, 0xFE, b'<', 0, b'T', 0, b'>', 0]);
        assert_eq!(entry_text(&utf16_bom("C:\\Данные")), "C:\\Данные");
        assert_eq!(entry_text(b"ExecStart=x"), "ExecStart=x");
        assert_eq!(utf16_bom("Я"), [0xFF, 0xFE, 0x2F, 0x04]);
    }

    /// Install writes the files and turns the entry on; uninstall turns it off and deletes
    /// them; the calls are the scheduler tool's (recorded, not run).
    #[test]
    fn install_writes_the_files_and_enables_them_and_uninstall_takes_them_away() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("systemd/user");
        let job: JobName = "shop".parse().unwrap();
        let exe = PathBuf::from("/usr/bin/mbridge");
        let data = PathBuf::from("/data dir");
        let mut l = launch(&job, &exe, every("daily@09:30"));
        l.data_dir = Some(&data);
        let calls = std::cell::RefCell::new(Vec::<String>::new());
        let record = |p: &str, a: &[&str]| {
            calls.borrow_mut().push(format!("{p} {}", a.join(" ")));
            Ok(())
        };
        assert!(!is_installed(&job, &dir));
        install(&l, &dir, &record).unwrap();
        assert!(is_installed(&job, &dir));
        // The user's scheduler folder is shared by every data folder: the entry is this data
        // folder's job, not another's of the same name.
        assert!(is_installed_for(&job, &dir, &data));
        assert!(!is_installed_for(&job, &dir, Path::new("/another data")));
        for (file, body) in files(&l) {
            let written = std::fs::read(dir.join(&file)).unwrap();
            if cfg!(windows) {
                assert_eq!(written, utf16_bom(&body));
            } else {
                assert_eq!(String::from_utf8(written).unwrap(), body);
            }
        }
        #[cfg(target_os = "linux")]
        {
            let service = std::fs::read_to_string(dir.join("mbridge-job-shop.service")).unwrap();
            assert!(
                service.contains(
                    "ExecStart=\"/usr/bin/mbridge\" \"--data-dir\" \"/data dir\" \"jobs\" \"run\" \"shop\""
                ),
                "{service}"
            );
            assert_eq!(
                *calls.borrow(),
                [
                    "systemctl --user daemon-reload",
                    "systemctl --user enable --now mbridge-job-shop.timer"
                ]
            );
        }
        calls.borrow_mut().clear();
        uninstall(&job, &dir, &record).unwrap();
        assert!(!is_installed(&job, &dir));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        #[cfg(target_os = "linux")]
        assert_eq!(
            *calls.borrow(),
            [
                "systemctl --user disable --now mbridge-job-shop.timer",
                "systemctl --user daemon-reload"
            ]
        );
        // Twice is fine: the entry is simply not there.
        uninstall(&job, &dir, &record).unwrap();
    }

    #[test]
    fn a_failing_scheduler_tool_is_an_error_that_says_what_it_said() {
        let tmp = tempfile::tempdir().unwrap();
        let job: JobName = "shop".parse().unwrap();
        let exe = PathBuf::from("/usr/bin/mbridge");
        let l = launch(&job, &exe, Every::Hourly);
        let refuse = |p: &str, a: &[&str]| {
            Err(InstallError::Tool {
                command: format!("{p} {}", a.join(" ")),
                detail: "Failed to connect to bus".into(),
            })
        };
        let e = install(&l, tmp.path(), &refuse).unwrap_err();
        assert!(e.to_string().contains("Failed to connect to bus"), "{e}");
        // Not a wrong argument (exit 2, «неверное значение systemctl»): the system's trouble.
        let app: crate::dto::AppError = e.into();
        assert!(
            matches!(&app, crate::dto::AppError::SchedulerFailed { detail } if detail.contains("bus")),
            "{app:?}"
        );
        // Nothing left behind to say the job is scheduled (it was «По расписанию», next run
        // 09:30, with no timer on).
        assert!(!is_installed(&job, tmp.path()));
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
        // A schedule being changed whose new entry is refused keeps the old one's files: the
        // system still runs it, and taking it away later needs them.
        let ok = |_: &str, _: &[&str]| Ok(());
        install(&l, tmp.path(), &ok).unwrap();
        let old = entry_texts(&job, tmp.path());
        let daily = launch(&job, &exe, "daily@09:30".parse().unwrap());
        install(&daily, tmp.path(), &refuse).unwrap_err();
        assert_eq!(entry_texts(&job, tmp.path()), old);
        // A tool that is not installed at all.
        let e = system_tool("mbridge-no-such-tool", &["x"]).unwrap_err();
        assert!(e.to_string().starts_with("mbridge-no-such-tool x: "), "{e}");
    }

    #[test]
    fn the_runner_is_mbridge_itself_or_the_one_beside_the_app_or_on_path() {
        let name = if cfg!(windows) {
            "mbridge.exe"
        } else {
            "mbridge"
        };
        let tmp = tempfile::tempdir().unwrap();
        let bin = tmp.path().join("bin");
        let other = tmp.path().join("other");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(&other).unwrap();
        let app = bin.join("metrika-bridge");
        // The CLI schedules itself.
        assert_eq!(runner_for(&bin.join(name), None).unwrap(), bin.join(name));
        // The app alone, nothing on PATH: a clear refusal naming where it looked.
        let e = runner_for(&app, None).unwrap_err();
        assert!(e.to_string().contains("metrika-bridge"), "{e}");
        // On PATH.
        std::fs::write(other.join(name), "").unwrap();
        let path = std::env::join_paths([&other]).unwrap();
        assert_eq!(
            runner_for(&app, Some(path.clone())).unwrap(),
            other.join(name)
        );
        // Beside the app wins (the package installs both into one folder).
        std::fs::write(bin.join(name), "").unwrap();
        assert_eq!(runner_for(&app, Some(path)).unwrap(), bin.join(name));
    }
}
