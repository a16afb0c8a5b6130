//! `mbridge upload`: the arguments become the one [`PlanRequest`] the app also sends, the
//! core plans and sends it, and the [`UploadResult`] is printed; its exit code is the core's.

use std::path::{Path, PathBuf};
use std::time::Duration;

use mb_uploader::dto::AppError;
use mb_uploader::{
    Core, MappingSource, MergeMode, OutcomeKind, PlanRequest, UploadOutcome, UploadResult,
};

use crate::args::{Lang, ReadArgs};
use crate::local::{given_now, kind_of, load_mapping, pairs, read_options};
use crate::text::{self, t};
use crate::{lists, print_json, progress, report};

/// `mbridge upload`'s arguments.
pub struct UploadArgs<'a> {
    pub file: &'a PathBuf,
    pub read: &'a ReadArgs,
    pub counter: u32,
    pub merge_mode: Option<&'a str>,
    pub skip_invalid: bool,
    pub force: bool,
    pub only_new: bool,
}

/// The `reason` of an option `upload` refuses because it belongs to `validate`/`prepare`.
pub const VALIDATE_ONLY: &str = "validate_only";

/// The arguments as the planner's request.
pub fn request(a: &UploadArgs) -> Result<PlanRequest, AppError> {
    // An upload checks against the counter itself (its time zone and goals, from Metrica);
    // options meant for an offline `validate` would be silently ignored here, so they are
    // refused with the reason.
    for (given, field) in [
        (a.read.tz.is_some(), "tz"),
        (a.read.goals.is_some(), "goals"),
    ] {
        if given {
            return Err(AppError::InvalidInput {
                field: field.into(),
                reason: VALIDATE_ONLY.into(),
            });
        }
    }
    Ok(PlanRequest {
        path: a.file.clone(),
        read: read_options(a.read)?,
        mapping: MappingSource::Local {
            kind: kind_of(a.read.kind),
            template: load_mapping(&a.read.mapping)?,
            constants: pairs(&a.read.constants, "set")?,
            currency_names: pairs(&a.read.currency_names, "currency")?,
        },
        counter_id: a.counter,
        status_entries: Vec::new(),
        status_pairs: pairs(&a.read.status_map, "status")?,
        // Neither flag: the app's setting decides (in the core, as for the app's own sends).
        hash_contacts: a.read.hash_choice(),
        only_new: a.only_new,
        merge_mode: match a.merge_mode {
            Some(m) => m.parse().map_err(|reason| AppError::InvalidInput {
                field: "merge-mode".into(),
                reason,
            })?,
            None => MergeMode::Save,
        },
        skip_invalid: a.skip_invalid,
        force: a.force,
        now: given_now(a.read)?,
        note: None,
    })
}

pub async fn run(
    core: &Core,
    a: &UploadArgs<'_>,
    wait: Option<Duration>,
    json: bool,
    lang: Lang,
) -> Result<u8, AppError> {
    let plan = core.plan_upload(&request(a)?).await?;
    let twice_counts = plan.mapping.kind.counts_sent_again();
    let progress = progress::progress_sink(json, lang);
    // The review goes to stderr before anything leaves: stdout stays the result.
    let on_review = |r: &mb_uploader::SendReview| {
        progress::clear_progress(json);
        if !json {
            eprintln!("{}", text::review(r, lang));
            // Of the rows that go, the corrections (Metrica replaces its values with them).
            if let Some(corrected) = text::of_rows("send.corrected", r.corrected_rows, lang) {
                eprintln!("{corrected}");
            }
            // Every row goes: older values than Metrica's go back with them.
            if !r.only_new
                && let Some(back) = text::of_rows("send.outdatedAll", r.outdated_rows, lang)
            {
                eprintln!("{back}");
            }
            // What stays out, then which of those were corrected since («Из них» is about the
            // rows left out, not the new ones). Nothing new: the result says it, once.
            if r.new_rows > 0 && r.unchanged_rows > 0 {
                eprintln!(
                    "{}: {}.",
                    t(
                        lang,
                        "Уже в Метрике, не отправим",
                        "Already in Metrica, not sent"
                    ),
                    text::rows(r.unchanged_rows, lang)
                );
                if let Some(changed) = text::changed_kept(r.changed_rows, lang) {
                    eprintln!("{changed}");
                }
                if let Some(old) = text::of_rows("send.outdated", r.outdated_rows, lang) {
                    eprintln!("{old}");
                }
            }
            // All rows go: calls Metrica has already may count twice (conversions replace
            // themselves and CRM records are rewritten by id, which is harmless).
            if let Some(twice) = text::twice(r.again_rows, twice_counts, lang) {
                eprintln!("{twice}");
            }
        }
    };
    // Ctrl-C stops the send: the upload is recorded as interrupted (exit 6), never reported
    // as sent.
    let send = core.run_upload(&plan, "cli", progress, on_review);
    tokio::pin!(send);
    let done = tokio::select! {
        out = &mut send => out,
        _ = tokio::signal::ctrl_c() => {
            core.cancel("cli");
            send.await
        }
    };
    progress::clear_progress(json);
    let mut done = done?;
    // A send an error stopped (a sign-in, the network) is not followed: the same error would
    // stop the status questions.
    if let (Some(every), None) = (wait, done.stopped()) {
        follow(core, &mut done, every, lang).await;
    }
    print(&done, json, lang, a.file)?;
    Ok(done.exit_code())
}

/// `--wait`: asks Metrica every `every` until each part is final. The file is in Metrica by
/// then: a status question that fails, or Ctrl-C, ends the waiting (said on stderr) and the
/// result is printed as last known — never as a failed send.
async fn follow(core: &Core, done: &mut UploadResult, every: Duration, lang: Lang) {
    let UploadOutcome::Sent { uploads, .. } = &mut done.outcome else {
        return;
    };
    for u in uploads.iter_mut() {
        while u.state.is_pollable() {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = tokio::signal::ctrl_c() => {
                    eprintln!(
                        "{} mbridge status {}",
                        t(
                            lang,
                            "Ждать перестали; загрузка уже в Метрике. Её состояние:",
                            "Stopped waiting; the upload is in Metrica. Its state:"
                        ),
                        u.id
                    );
                    return;
                }
            }
            match core.refresh_status(u.id).await {
                Ok(n) => *u = n,
                Err(e) => {
                    eprintln!(
                        "{} {} (mbridge status {})",
                        t(
                            lang,
                            "Загрузка в Метрике, но узнать её состояние сейчас не удалось:",
                            "The upload is in Metrica, but its state could not be asked now:"
                        ),
                        text::error(&e, lang),
                        u.id
                    );
                    return;
                }
            }
        }
    }
}

/// The result on stdout (one JSON object with `--json`); a stop is the error it stands for.
fn print(done: &UploadResult, json: bool, lang: Lang, file: &Path) -> Result<(), AppError> {
    let kind = done.kind();
    if kind == OutcomeKind::DataHasErrors {
        if let (Some(r), true) = (done.report(), json) {
            // One JSON object, with the error in it (exit 1 says the same).
            print_json(&serde_json::json!({
                "sent": false, "reason": "data_has_errors", "report": r,
                "error": done.stop_error(),
            }));
            return Ok(());
        } else if let Some(r) = done.report() {
            report::validation(file, r, lang);
        }
    }
    if let Some(e) = done.stop_error() {
        return Err(e);
    }
    let details: Vec<_> = done
        .uploads()
        .iter()
        .map(mb_uploader::history::detail)
        .collect();
    if json {
        let again = done.review.map_or(0, |r| r.again_rows);
        let mut v = serde_json::json!({
            "sent": kind == OutcomeKind::Sent,
            "outcome": kind,
            "rows": done.report().map(|r| r.rows),
            "valid_rows": done.valid_rows(),
            // Rows Metrica had not seen; with `--all-rows`, those it had and got again are
            // `again_rows` (the rows sent are the two together).
            "new_rows": done.new_rows().saturating_sub(again),
            "again_rows": again,
            "unchanged_rows": done.unchanged_rows(),
            // Of those, conversions or calls sent before with other values (kept as they were).
            "changed_rows": done.review.map_or(0, |r| r.changed_rows),
            // Of `new_rows`, corrections replacing what Metrica had.
            "corrected_rows": done.review.map_or(0, |r| r.corrected_rows),
            // Older values than Metrica's (accepted once, replaced since): left out, or with
            // `--all-rows` put back.
            "outdated_rows": done.review.map_or(0, |r| r.outdated_rows),
            // Rows of the file left out for their errors (`rows` = valid + rejected).
            "rejected_rows": done.report().map(|r| r.rows.saturating_sub(r.valid_rows)),
            // What the app's Check step warns about, counted per kind and column.
            "warnings": done.report().map(|r| r.counts.iter()
                .filter(|c| c.severity == mb_uploader::Severity::Warning)
                .collect::<Vec<_>>()),
            "resend_upload_id": done.resend_id(),
            "uploads": details,
            // The error that stopped a send part-way (the exit code is its own); the parts it
            // left are in `uploads`.
            "error": done.stopped(),
        });
        if kind == OutcomeKind::NothingNew {
            v["reason"] = "nothing_new".into();
        }
        print_json(&v);
        return Ok(());
    }
    if kind == OutcomeKind::NothingNew {
        println!(
            "{}: {}",
            t(
                lang,
                "Новых строк нет — отправлять нечего; уже отправляли раньше",
                "No new rows — nothing to send; sent before"
            ),
            text::rows(done.unchanged_rows(), lang)
        );
        if let Some(changed) = text::changed_kept(done.review.map_or(0, |r| r.changed_rows), lang) {
            println!("{changed}");
        }
        if let Some(old) = text::of_rows(
            "send.outdated",
            done.review.map_or(0, |r| r.outdated_rows),
            lang,
        ) {
            println!("{old}");
        }
        return Ok(());
    }
    for d in &details {
        lists::detail(d, lang);
    }
    if let Some(r) = done.report() {
        let all_went = done.review.is_none_or(|v| v.unchanged_rows == 0);
        report::warnings(r, all_went, lang);
    }
    // What happened to the file as a whole, and the error that stopped it: never only one.
    let partial = text::partial(done, lang);
    match (&partial, done.stopped()) {
        (Some(p), Some(e)) => eprintln!("{p}: {}", text::error(e, lang)),
        (Some(p), None) => eprintln!("{p}."),
        (None, Some(e)) => eprintln!("mbridge: {}", text::error(e, lang)),
        (None, None) => {}
    }
    if let Some(id) = done.resend_id() {
        // After the lines above, what happened is said already.
        let what = if partial.is_some() || done.stopped().is_some() {
            ""
        } else if kind == OutcomeKind::Interrupted {
            t(
                lang,
                "Отправка прервана: Метрика могла не получить файл. ",
                "The send was interrupted: Metrica may not have the file. ",
            )
        } else if done.worst().is_some_and(|u| u.received()) {
            t(
                lang,
                "Метрика получила файл, но не приняла его при обработке. ",
                "Metrica received the file but did not take it when processing it. ",
            )
        } else {
            t(
                lang,
                "Отправка не удалась: файл не попал в Метрику. ",
                "The send failed: the file did not reach Metrica. ",
            )
        };
        let again = if done.resend_looks_up() {
            t(
                lang,
                "Отправить снова одной командой (сначала проверим, не дошёл ли он):",
                "Send it again in one command (we check first whether it arrived):",
            )
        } else {
            t(
                lang,
                "Отправить снова одной командой:",
                "Send it again in one command:",
            )
        };
        eprintln!("{what}{again} mbridge resend {id}");
    }
    Ok(())
}
