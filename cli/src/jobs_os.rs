//! `mbridge jobs schedule | unschedule`: the words around `Core::schedule_job` and
//! `Core::unschedule_job` (mb_uploader::schedule writes the files and calls the scheduler; the
//! app's «Включить расписание» runs the same code).

use mb_uploader::Core;
use mb_uploader::dto::AppError;
use mb_uploader::schedule::{runner, system_tool};

use crate::args::Cli;
use crate::text::t;

pub fn schedule(cli: &Cli, core: &Core, name: &str, print: bool) -> Result<u8, AppError> {
    let lang = cli.global.lang;
    let exe = runner()?;
    if print {
        let files = core.schedule_files(name, &exe)?;
        if cli.global.json {
            crate::print_json(&serde_json::json!({ "files": files }));
        } else {
            for (file, body) in &files {
                println!("# {file}\n{body}");
            }
        }
        return Ok(0);
    }
    let dir = core.schedule_job(name, &exe, &system_tool)?;
    let every = core.job(name)?.every.unwrap_or_default();
    if cli.global.json {
        crate::print_json(&serde_json::json!({ "job": name, "scheduled": every,
            "dir": dir.display().to_string() }));
    } else {
        println!(
            "{}: {name} ({every}) — {}",
            t(lang, "Расписание установлено", "Scheduled"),
            dir.display()
        );
    }
    Ok(0)
}

pub fn unschedule(cli: &Cli, core: &Core, name: &str) -> Result<u8, AppError> {
    core.unschedule_job(name, &system_tool)?;
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
