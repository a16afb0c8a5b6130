//! Updates through the official updater plugin: the release server's addresses and the public
//! key the packages are signed with come from `tauri.conf.json` (`plugins.updater`). A build
//! without addresses (built from source, `./dev package`) never asks any server; the release
//! workflow sets them. Nothing is installed unless its minisign signature matches the built-in
//! key and was made for the version the server announces (`requireSignedVersion`).

use std::sync::Mutex;

use futures_util::future::BoxFuture;
use mb_uploader::dto::{AppError, Stage, UpdateCheck, UpdateStep};
use mb_uploader::upload::ProgressSink;
use tauri::{AppHandle, Manager};
use tauri_plugin_updater::{Error as UpdError, Update, UpdaterExt};

/// The newer version the last check found, kept for «Установить и перезапустить».
#[derive(Default)]
pub struct Pending(Mutex<Option<Update>>);

/// Whether this build has a release server at all.
pub fn configured(app: &AppHandle) -> bool {
    app.config()
        .plugins
        .0
        .get("updater")
        .and_then(|u| u.get("endpoints"))
        .and_then(|e| e.as_array())
        .is_some_and(|e| !e.is_empty())
}

fn failed(step: UpdateStep, e: &UpdError) -> AppError {
    // The plugin's own words stay in the log; the user gets the step in their language.
    tracing::warn!(?step, error = %e, "update failed");
    let step = match e {
        UpdError::Minisign(_) | UpdError::Base64(_) | UpdError::SignatureUtf8(_) => {
            UpdateStep::Signature
        }
        _ => step,
    };
    AppError::UpdateFailed { step }
}

pub fn check(app: AppHandle) -> BoxFuture<'static, Result<UpdateCheck, AppError>> {
    Box::pin(async move {
        let current = app.package_info().version.to_string();
        if !configured(&app) {
            return Ok(UpdateCheck::NotConfigured { current });
        }
        let updater = app.updater().map_err(|e| failed(UpdateStep::Check, &e))?;
        let found = updater
            .check()
            .await
            .map_err(|e| failed(UpdateStep::Check, &e))?;
        let pending = app.state::<Pending>();
        let mut slot = pending.0.lock().unwrap_or_else(|e| e.into_inner());
        Ok(match found {
            Some(u) => {
                tracing::info!(current, version = %u.version, "an update is available");
                let out = UpdateCheck::Available {
                    current,
                    version: u.version.clone(),
                    notes: u.body.clone().filter(|b| !b.trim().is_empty()),
                };
                *slot = Some(u);
                out
            }
            None => {
                *slot = None;
                UpdateCheck::UpToDate { current }
            }
        })
    })
}

pub fn install(app: AppHandle, progress: ProgressSink) -> BoxFuture<'static, Result<(), AppError>> {
    // Rate and time left, as every other progress the UI shows.
    let progress = mb_uploader::progress::metered(progress);
    Box::pin(async move {
        let take = || {
            app.state::<Pending>()
                .0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
        };
        // Asked without a check first (or after the screen was reloaded): check now.
        let update = match take() {
            Some(u) => u,
            None => {
                check(app.clone()).await?;
                take().ok_or(AppError::UpdateFailed {
                    step: UpdateStep::Check,
                })?
            }
        };
        let job = format!("update-{}", update.version);
        let mut done = 0u64;
        let sink = progress.clone();
        let id = job.clone();
        let bytes = update
            .download(
                move |chunk, total| {
                    done += chunk as u64;
                    sink(mb_uploader::progress::progress(
                        &id,
                        Stage::Downloading,
                        done,
                        total,
                        0,
                    ));
                },
                || {},
            )
            .await
            .map_err(|e| failed(UpdateStep::Download, &e))?;
        progress(mb_uploader::progress::progress(
            &job,
            Stage::Installing,
            0,
            None,
            0,
        ));
        tracing::info!(version = %update.version, "installing the update");
        let installing = update.clone();
        tauri::async_runtime::spawn_blocking(move || installing.install(&bytes))
            .await
            .map_err(|e| AppError::Internal {
                detail: e.to_string(),
            })?
            .map_err(|e| failed(UpdateStep::Install, &e))?;
        tracing::info!(version = %update.version, "update installed, restarting");
        app.restart()
    })
}
