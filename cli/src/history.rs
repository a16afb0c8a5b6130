//! After an upload: its status, the server's list, the local history, sending again.

use mb_uploader::UploadKind;
use mb_uploader::dto::{AppError, HistoryFilter};

use crate::args::{Cli, KindArg};
use crate::local::kind_of;
use crate::text;
use crate::{core, lists, print_json, progress};

pub async fn status(cli: &Cli, upload: &Option<u32>) -> Result<u8, AppError> {
    let (lang, json) = (cli.global.lang, cli.global.json);
    let core = core(cli).await?;
    let reconciled = core.reconcile().await?;
    match upload {
        Some(id) => {
            let u = core.refresh_status(i64::from(*id)).await?;
            let d = mb_uploader::history::detail(&u);
            if json {
                print_json(&d)
            } else {
                lists::detail(&d, lang)
            }
        }
        None => {
            // The states listed are Metrica's answers of now (every open upload is asked), or
            // the command says why not (a sign-in needed: exit 3); one upload's network trouble
            // is logged and the rest go on. What finished since is said, not just dropped.
            let changed: Vec<_> = core
                .poll_open_now()
                .await?
                .iter()
                .map(mb_uploader::history::summary)
                .collect();
            let open = core.history(&HistoryFilter {
                states: mb_uploader::dto::UploadState::ALL
                    .into_iter()
                    .filter(|s| s.is_open())
                    .collect(),
                ..HistoryFilter::default()
            })?;
            if json {
                print_json(&serde_json::json!({
                    "reconciled": reconciled.len(), "changed": changed, "open": open,
                }))
            } else {
                if !changed.is_empty() {
                    println!("{}:", text::t(lang, "Изменилось", "Changed"));
                    lists::history(&changed, lang);
                }
                if open.is_empty() {
                    println!(
                        "{}",
                        text::t(
                            lang,
                            "Незавершённых загрузок нет (все — в mbridge history)",
                            "No unfinished uploads (all of them: mbridge history)"
                        )
                    );
                } else {
                    if !changed.is_empty() {
                        println!("{}:", text::t(lang, "Ещё не завершены", "Not finished yet"));
                    }
                    lists::history(&open, lang);
                }
            }
        }
    }
    Ok(0)
}

pub async fn uploads(cli: &Cli, counter: &u32, kind: &Option<KindArg>) -> Result<u8, AppError> {
    let core = core(cli).await?;
    let kind = kind.and_then(kind_of).unwrap_or(UploadKind::Conversions);
    let v = core.server_uploads(*counter, kind).await?;
    print_json(&v);
    Ok(0)
}

#[allow(clippy::too_many_arguments)]
pub async fn history(
    cli: &Cli,
    counter: &Option<u32>,
    kind: &Option<KindArg>,
    account: &Option<String>,
    state: &[String],
    from: &Option<String>,
    to: &Option<String>,
    limit: &u32,
    export: &Option<std::path::PathBuf>,
) -> Result<u8, AppError> {
    let (lang, json) = (cli.global.lang, cli.global.json);
    let core = core(cli).await?;
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
        // Days of this computer's zone, the one the dates are printed in.
        time_zone: None,
    };
    if let Some(path) = export {
        core.export_history(&filter, path)?;
        if json {
            print_json(&serde_json::json!({ "exported": path }));
        } else {
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
        lists::history(&list, lang);
        // A full page may not be all: said, with the way to see more.
        if list.len() as u32 >= *limit && *limit > 0 {
            println!(
                "{} {limit}; {} --limit",
                text::t(lang, "Показаны последние", "Showing the latest"),
                text::t(lang, "больше —", "more with")
            );
        }
    }
    Ok(0)
}

pub async fn resend(cli: &Cli, upload: &u32) -> Result<u8, AppError> {
    let (lang, json) = (cli.global.lang, cli.global.json);
    let core = core(cli).await?;
    let u = core
        .resend(
            i64::from(*upload),
            "cli",
            progress::progress_sink(json, lang),
        )
        .await?;
    progress::clear_progress(json);
    let d = mb_uploader::history::detail(&u);
    if json {
        print_json(&d)
    } else {
        lists::detail(&d, lang)
    }
    // A resend that ends «sending» (its answer lost) is interrupted (6), as a send is.
    Ok(mb_uploader::OutcomeKind::of_state(u.state).exit_code())
}
