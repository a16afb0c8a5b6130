//! Installing a job into the operating system's own scheduler: a systemd user timer on Linux,
//! a Task Scheduler task on Windows, a launchd agent on macOS. The file contents come from
//! `mb_uploader::schedule::Launch` (tested there); this file writes them and calls the tool.

use std::path::{Path, PathBuf};

use mb_uploader::dto::AppError;
use mb_uploader::jobs::Job;
use mb_uploader::schedule::{Every, JobName, Launch};

use crate::args::Cli;
use crate::text::t;

fn invalid(field: &str, reason: String) -> AppError {
    AppError::InvalidInput {
        field: field.into(),
        reason,
    }
}

fn io(e: std::io::Error) -> AppError {
    AppError::Storage {
        detail: e.to_string(),
    }
}

/// The files to install, by name, for this operating system.
fn files(launch: &Launch<'_>) -> Vec<(String, String)> {
    if cfg!(windows) {
        let start = jiff::Zoned::now().datetime();
        vec![(
            format!("{}.xml", launch.job),
            launch.task_scheduler_xml(start),
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

/// Where the files go: ~/.config/systemd/user, ~/Library/LaunchAgents, or the data folder
/// (Windows keeps its copy; schtasks imports it).
fn target_dir(data_dir: &Path) -> Result<PathBuf, AppError> {
    let home = || {
        std::env::var_os("HOME")
            .map(PathBuf::from)
            .ok_or_else(|| invalid("home", "HOME is not set".into()))
    };
    if cfg!(windows) {
        Ok(data_dir.join("jobs"))
    } else if cfg!(target_os = "macos") {
        Ok(home()?.join("Library/LaunchAgents"))
    } else {
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .map_or_else(|| home().map(|h| h.join(".config")), Ok)?;
        Ok(config.join("systemd/user"))
    }
}

fn command(program: &str, args: &[&str]) -> Result<(), AppError> {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .map_err(|e| invalid(program, e.to_string()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(invalid(
            program,
            format!(
                "{} {}: {}",
                program,
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ))
    }
}

/// UTF-16 LE with a byte-order mark, as `schtasks /XML` expects.
fn utf16_bom(s: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

pub fn schedule(cli: &Cli, job: &Job, print: bool) -> Result<u8, AppError> {
    let lang = cli.global.lang;
    let every: Every = job.schedule().ok_or_else(|| {
        invalid(
            "every",
            "the job has no schedule: add it again with --every".into(),
        )
    })?;
    let name: JobName = job
        .name
        .parse()
        .map_err(|e| invalid("name", format!("{e}")))?;
    let exe = std::env::current_exe().map_err(io)?;
    let data_dir = cli
        .global
        .data_dir
        .clone()
        .unwrap_or_else(mb_uploader::config::default_data_dir);
    let launch = Launch {
        job: &name,
        exe: &exe,
        data_dir: Some(&data_dir),
        every,
    };
    let files = files(&launch);
    if print {
        for (file, body) in &files {
            if cli.global.json {
                continue;
            }
            println!("# {file}\n{body}");
        }
        if cli.global.json {
            crate::print_json(&serde_json::json!({ "files": files }));
        }
        return Ok(0);
    }
    let dir = target_dir(&data_dir)?;
    std::fs::create_dir_all(&dir).map_err(io)?;
    for (file, body) in &files {
        let bytes = if cfg!(windows) {
            utf16_bom(body)
        } else {
            body.clone().into_bytes()
        };
        std::fs::write(dir.join(file), bytes).map_err(io)?;
    }
    if cfg!(windows) {
        let xml = dir.join(&files[0].0).display().to_string();
        command(
            "schtasks",
            &["/Create", "/XML", &xml, "/TN", &launch.windows_task(), "/F"],
        )?;
    } else if cfg!(target_os = "macos") {
        let plist = dir.join(&files[0].0).display().to_string();
        let _ = command("launchctl", &["unload", &plist]);
        command("launchctl", &["load", "-w", &plist])?;
    } else {
        command("systemctl", &["--user", "daemon-reload"])?;
        let timer = format!("{}.timer", launch.systemd_unit());
        command("systemctl", &["--user", "enable", "--now", &timer])?;
    }
    if cli.global.json {
        crate::print_json(
            &serde_json::json!({ "job": job.name, "scheduled": every.to_string(),
            "dir": dir.display().to_string() }),
        );
    } else {
        println!(
            "{}: {} ({every}) — {}",
            t(lang, "Расписание установлено", "Scheduled"),
            job.name,
            dir.display()
        );
    }
    Ok(0)
}

pub fn unschedule(cli: &Cli, name: &str) -> Result<u8, AppError> {
    let job: JobName = name.parse().map_err(|e| invalid("name", format!("{e}")))?;
    let exe = PathBuf::from("mbridge");
    let data_dir = cli
        .global
        .data_dir
        .clone()
        .unwrap_or_else(mb_uploader::config::default_data_dir);
    let launch = Launch {
        job: &job,
        exe: &exe,
        data_dir: None,
        every: Every::Hourly,
    };
    let dir = target_dir(&data_dir)?;
    if cfg!(windows) {
        command(
            "schtasks",
            &["/Delete", "/TN", &launch.windows_task(), "/F"],
        )?;
    } else if cfg!(target_os = "macos") {
        let plist = dir.join(format!("{}.plist", launch.launchd_label()));
        let _ = command("launchctl", &["unload", "-w", &plist.display().to_string()]);
    } else {
        let timer = format!("{}.timer", launch.systemd_unit());
        let _ = command("systemctl", &["--user", "disable", "--now", &timer]);
    }
    for (file, _) in files(&launch) {
        let _ = std::fs::remove_file(dir.join(file));
    }
    if !cfg!(windows) && !cfg!(target_os = "macos") {
        let _ = command("systemctl", &["--user", "daemon-reload"]);
    }
    if cli.global.json {
        crate::print_json(&serde_json::json!({ "job": name, "unscheduled": true }));
    } else {
        println!(
            "{}: {name}",
            t(cli.global.lang, "Расписание снято", "Unscheduled")
        );
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_installs_a_service_and_a_timer_under_the_users_systemd_folder() {
        let job: JobName = "shop".parse().unwrap();
        let exe = PathBuf::from("/usr/bin/mbridge");
        let launch = Launch {
            job: &job,
            exe: &exe,
            data_dir: Some(Path::new("/data")),
            every: "daily@09:30".parse().unwrap(),
        };
        let names: Vec<String> = files(&launch).into_iter().map(|f| f.0).collect();
        assert_eq!(
            names,
            ["mbridge-job-shop.service", "mbridge-job-shop.timer"]
        );
        let dir = target_dir(Path::new("/data")).unwrap();
        assert!(dir.ends_with("systemd/user"), "{}", dir.display());
    }

    #[test]
    fn the_task_file_is_utf16_le_with_a_bom() {
        assert_eq!(utf16_bom("<T>"), [0xFF, 0xFE, b'<', 0, b'T', 0, b'>', 0]);
        assert_eq!(utf16_bom("Я"), [0xFF, 0xFE, 0x2F, 0x04]);
    }
}
