//! What `validate`, `prepare` and `upload` share: the file's reading options, the mapping
//! template, constants and status pairs as given on the command line; and the two subcommands
//! that never leave the computer (`validate`, `prepare`).

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use mb_uploader::dto::AppError;
use mb_uploader::import::{LocalJob, parse_delimiter};
use mb_uploader::{Mapping, OutputSpec, ReadOptions, UploadKind, ValidateOptions};

use crate::args::{KindArg, Lang, ReadArgs};
use crate::text::t;
use crate::{print_json, report};

pub fn kind_of(k: KindArg) -> Option<UploadKind> {
    match k {
        KindArg::Conversions => Some(UploadKind::Conversions),
        KindArg::Calls => Some(UploadKind::Calls),
        KindArg::SimpleOrders => Some(UploadKind::SimpleOrders),
        KindArg::Contacts => Some(UploadKind::Contacts),
        KindArg::Orders => Some(UploadKind::Orders),
        KindArg::Auto => None,
    }
}

/// `KEY=VALUE` arguments (`--set`, `--status`).
pub fn pairs(list: &[String], what: &str) -> Result<Vec<(String, String)>, AppError> {
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

pub fn read_options(r: &ReadArgs) -> Result<ReadOptions, AppError> {
    Ok(ReadOptions {
        encoding: r.encoding.clone(),
        delimiter: r.delimiter.as_deref().map(parse_delimiter).transpose()?,
        header_line: None,
        sheet: r.sheet.clone(),
    })
}

/// `--now`, for the future/old checks; None = the clock.
pub fn given_now(r: &ReadArgs) -> Result<Option<Timestamp>, AppError> {
    r.now
        .as_ref()
        .map(|s| {
            s.parse().map_err(|_| AppError::InvalidInput {
                field: "now".into(),
                reason: s.clone(),
            })
        })
        .transpose()
}

pub fn load_mapping(p: &Option<PathBuf>) -> Result<Option<Mapping>, AppError> {
    let Some(p) = p else { return Ok(None) };
    // Only a regular file (a FIFO would block here), and no more than a template can be.
    let read = || -> std::io::Result<String> {
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut std::io::Read::take(mb_uploader::open_regular(p)?, 4 << 20),
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
            // Said in words by `text::error`: the file, where in it, then JSON's own reason.
            reason: format!(
                "{MAPPING_JSON}{}:{}:{}\n{e}",
                e.line(),
                e.column(),
                p.display()
            ),
        })
}

/// The start of an `InvalidInput { field: "mapping" }` reason for a template file that is not
/// a template: `json:LINE:COLUMN:PATH`, then JSON's words on the next line.
pub const MAPPING_JSON: &str = "json:";

pub fn local_job(file: &Path, r: &ReadArgs) -> Result<LocalJob, AppError> {
    let tz =
        r.tz.clone()
            .unwrap_or_else(|| mb_uploader::config::DEFAULT_TIME_ZONE.into());
    let mut o = ValidateOptions::new(&tz, given_now(r)?.unwrap_or_else(Timestamp::now));
    o.goals = r.goals.clone();
    o.hash_contacts = r.hash_contacts;
    o.status_map = pairs(&r.status_map, "status")?.into_iter().collect();
    Ok(LocalJob {
        path: file.to_path_buf(),
        read: read_options(r)?,
        kind: kind_of(r.kind),
        mapping: load_mapping(&r.mapping)?,
        constants: pairs(&r.constants, "set")?,
        currency_names: pairs(&r.currency_names, "currency")?,
        options: o,
    })
}

/// `mbridge validate FILE` and `mbridge prepare FILE --out OUT`: exit 1 when the data has
/// errors.
pub async fn check(
    data_dir: Option<&Path>,
    file: &Path,
    read: &ReadArgs,
    out: Option<&Path>,
    lang: Lang,
    json: bool,
) -> Result<u8, AppError> {
    let mut job = local_job(file, read)?;
    // Issues beyond the listed ones go to a file only for `--json`, which names it
    // (`issue_spill_path`, the caller's to delete); the human report names no such file, so
    // it would only leave the file's values in the temporary folder.
    if !json {
        job.options.issue_spill_path = None;
    }
    // The columns as `upload` reads them: a template saved for this header (in the app or by an
    // earlier upload) wins. Only a data folder that exists is opened; none is made here.
    let history = mb_uploader::import::existing_history(data_dir);
    if let mb_uploader::import::ExistingHistory::Unreadable { path, reason } = &history {
        eprintln!(
            "{} {} ({reason}). {}",
            t(
                lang,
                "Сохранённые шаблоны столбцов не прочитаны: не удалось открыть историю приложения",
                "Saved column templates were not read: the app's history could not be opened:"
            ),
            path.display(),
            t(
                lang,
                "Столбцы определены автоматически.",
                "Columns were matched automatically."
            )
        );
    }
    if matches!(history, mb_uploader::import::ExistingHistory::OtherVersion) {
        eprintln!(
            "{}",
            t(
                lang,
                "Сохранённые шаблоны столбцов не прочитаны: историю приложения записала другая \
                 его версия (запустите приложение, и оно её обновит). Столбцы определены \
                 автоматически.",
                "Saved column templates were not read: the app's history was written by another \
                 version of it (start the app and it will update it). Columns were matched \
                 automatically."
            )
        );
    }
    let spec = out.map(|out| {
        let mut spec = OutputSpec::new(out);
        spec.rejected_path = Some(rejected_beside(out));
        spec.lang = crate::text::msg_lang(lang);
        spec
    });
    let report = tokio::task::spawn_blocking(move || {
        mb_uploader::import::run_local(&job, spec.as_ref(), history.store())
    })
    .await
    .map_err(mb_uploader::error::join_error)??;
    if json {
        print_json(&report)
    } else {
        report::validation(file, &report, lang);
        if out.is_some() {
            report::outputs(&report, lang)
        }
    }
    Ok(u8::from(report.has_errors()))
}

/// `out.csv` → `out.rejected.csv`.
fn rejected_beside(out: &Path) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    out.with_file_name(format!("{stem}.rejected.csv"))
}
