//! A check (validation of a file against a counter) that lives in the core, not in the screen
//! that asked for it.
//!
//! Rules: a check runs in its own task, so a front end that stops listening (the user left the
//! Check step) does not stop it; asking again for the same request joins the running check
//! (the same job id, progress from where it is, the same result) instead of starting from zero;
//! starting a check of another request (a new file, another mapping, the wizard reset) cancels
//! the checks still running, so an abandoned one never keeps burning CPU; `cancel(job_id)`
//! stops it and its worker thread. One wizard per app: the core runs one check at a time.

use std::sync::Arc;

use tokio::sync::watch;

use crate::core::Core;
use crate::dto::{Progress, Stage, ValidateRequest, ValidationSummary};
use crate::error::Result;
use crate::progress::{ProgressSink, progress};

type Outcome = Option<Result<ValidationSummary>>;

/// A check running in the background: what it checks and how to listen to it.
pub(crate) struct RunningCheck {
    key: String,
    progress: watch::Receiver<Option<Progress>>,
    result: watch::Receiver<Outcome>,
}

/// What identifies a check: the request as sent (file, reading options, kind, mapping, counter,
/// statuses, modes).
fn check_key(req: &ValidateRequest) -> String {
    serde_json::to_string(req).unwrap_or_default()
}

impl Core {
    /// Checks `req`, or joins the check of the same request already running; reports progress
    /// to `sink` (first the latest event, so a re-attached screen continues where the check
    /// is) until the result. Dropping this future detaches without stopping the check.
    pub async fn check(
        self: &Arc<Self>,
        req: &ValidateRequest,
        sink: ProgressSink,
    ) -> Result<ValidationSummary> {
        let (job_id, mut progress_rx, mut result_rx) = self.start_or_join(req);
        let latest = progress_rx.borrow_and_update().clone();
        sink(latest.unwrap_or_else(|| progress(&job_id, Stage::Reading, 0, None, 0)));
        loop {
            tokio::select! {
                biased;
                changed = progress_rx.changed() => {
                    if changed.is_err() {
                        // The check ended; its result is (or is about to be) there.
                        break;
                    }
                    if let Some(p) = progress_rx.borrow_and_update().clone() {
                        sink(p);
                    }
                }
                done = result_rx.wait_for(Option::is_some) => {
                    if let Ok(r) = done && let Some(r) = (*r).clone() {
                        return r;
                    }
                    break;
                }
            }
        }
        let r = result_rx
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|r| (*r).clone());
        r.unwrap_or(Err(crate::dto::AppError::Cancelled))
    }

    /// Job ids of the checks still running (their worker has not returned yet).
    pub fn running_checks(&self) -> Vec<String> {
        self.checks
            .lock()
            .expect("checks lock")
            .keys()
            .cloned()
            .collect()
    }

    fn start_or_join(
        self: &Arc<Self>,
        req: &ValidateRequest,
    ) -> (
        String,
        watch::Receiver<Option<Progress>>,
        watch::Receiver<Outcome>,
    ) {
        let key = check_key(req);
        let mut checks = self.checks.lock().expect("checks lock");
        if let Some((id, c)) = checks.iter().find(|(_, c)| c.key == key) {
            tracing::debug!(job = %id, "joining the running check");
            return (id.clone(), c.progress.clone(), c.result.clone());
        }
        // Any other check was abandoned: another file, mapping or counter is being checked.
        for id in checks.keys() {
            tracing::debug!(job = %id, "cancelling an abandoned check");
            self.cancel(id);
        }
        let job_id = uuid::Uuid::new_v4().to_string();
        let (ptx, prx) = watch::channel(None);
        let (rtx, rrx) = watch::channel(None);
        checks.insert(
            job_id.clone(),
            RunningCheck {
                key,
                progress: prx.clone(),
                result: rrx.clone(),
            },
        );
        drop(checks);
        // Held for the whole check, so a cancel between its phases is not lost.
        self.start_job(&job_id);
        let core = Arc::clone(self);
        let req = req.clone();
        let id = job_id.clone();
        tokio::spawn(async move {
            let sink: ProgressSink = Arc::new(move |p| {
                ptx.send_replace(Some(p));
            });
            let out = core.validate_dto(&req, &id, sink).await;
            core.end_job(&id);
            core.checks.lock().expect("checks lock").remove(&id);
            rtx.send_replace(Some(out));
        });
        (job_id, prx, rrx)
    }
}
