//! The operations exactly as the desktop app calls them: boundary DTOs in, DTOs out. Each is a
//! thin translation onto the use cases, so a Tauri command is one line.

use std::path::{Path, PathBuf};

use mb_schema::MergeMode;

use crate::core::Core;
use crate::dto::{
    AppError, ColumnMapping, ReadOverrides, SendResult, SendStopped, StatusValue, UploadRequest,
    UploadSummary, ValidateRequest, ValidationSummary,
};
use crate::error::Result;
use crate::history::summary;
use crate::import::{headers, mapping_dto, mapping_for, mapping_from_dto, read_options};
use crate::plan::{MappingSource, PlanRequest, UploadResult};
use crate::upload::{ProgressSink, UploadPlan};

impl Core {
    /// The mapping for this file: a remembered template or automatic matching; for contacts,
    /// extra columns go onto the counter's `attributes` (from [`Core::counter_attributes`])
    /// when a column's header names one.
    pub fn suggest_mapping(
        &self,
        path: &Path,
        read: &ReadOverrides,
        kind: crate::dto::UploadKind,
        attributes: &[mb_import::attributes::CounterAttribute],
    ) -> Result<ColumnMapping> {
        let opts = read_options(read)?;
        let headers = headers(path, &opts)?;
        let (mut m, from_template) = mapping_for(Some(&self.store), kind, &headers)?;
        if !from_template {
            mb_import::attributes::map_attributes(&mut m, &headers, attributes);
        }
        Ok(mapping_dto(&m, &headers, from_template, attributes))
    }

    /// The file's CRM status values with suggestions; what the user chose for this counter
    /// before wins over the wording-based guess.
    pub fn status_values_dto(
        &self,
        path: &Path,
        read: &ReadOverrides,
        mapping: &ColumnMapping,
        counter_id: Option<u32>,
    ) -> Result<Vec<StatusValue>> {
        let opts = read_options(read)?;
        let headers = headers(path, &opts)?;
        let m = mapping_from_dto(mapping, &headers)?;
        let mut values = crate::import::status_values(path, &opts, &m)?;
        if let Some(c) = counter_id {
            let known = self.store.status_map(i64::from(c))?;
            for v in &mut values {
                if let Some(k) = known.iter().find(|k| k.crm_value == v.value) {
                    v.suggested_type = k.status_type;
                    v.suggested_id = k.status_id.clone();
                    v.confidence = 1.0;
                    v.guessed = false;
                }
            }
        }
        Ok(values)
    }

    /// Builds the plan a desktop request describes (the one planner, [`Core::plan_upload`]).
    pub async fn plan(
        &self,
        req: &ValidateRequest,
        merge_mode: Option<&str>,
        skip_invalid: bool,
        force: bool,
    ) -> Result<UploadPlan> {
        self.plan_upload(&plan_request(req, merge_mode, skip_invalid, force, None)?)
            .await
    }

    pub async fn validate_dto(
        &self,
        req: &ValidateRequest,
        job_id: &str,
        sink: ProgressSink,
    ) -> Result<ValidationSummary> {
        let plan = self.plan(req, None, false, false).await?;
        let crate::upload::Checked {
            report,
            duplicate_of: dup,
            window_opens_on,
            can_upload,
        } = self
            .validate_for_counter(&plan, job_id, sink.clone())
            .await?;
        let mut s = crate::import::summary(&report);
        s.window_opens_on = window_opens_on.map(|d| d.to_string());
        s.duplicate_of = dup.as_ref().map(summary);
        // A «sending» whose process is alive is a send still going (the send waits for it);
        // one left by a dead process was cut off, as an interrupted one.
        s.duplicate_cut_off = match &dup {
            Some(d) if d.state == mb_history::UploadState::Sending => {
                d.is_cut_off() && !self.store().send_in_progress(d.id)?
            }
            Some(d) => d.is_cut_off(),
            None => false,
        };
        if report.valid_rows > 0 {
            let crate::upload::KnownRows {
                review: known,
                unsettled,
            } = self.known_rows(&plan, job_id, sink).await?;
            s.cut_off_unsettled = unsettled;
            let of = |f: fn(&crate::upload::SendReview) -> u64| known.as_ref().map_or(0, f) as u32;
            s.known_rows = of(|r| r.unchanged_rows).min(s.valid_rows);
            s.new_rows = s.valid_rows - s.known_rows;
            s.changed_rows = of(|r| r.changed_rows);
            s.corrected_rows = of(|r| r.corrected_rows);
            s.outdated_rows = of(|r| r.outdated_rows);
            if plan.only_new {
                s.unchanged_rows = s.known_rows;
            }
        }
        s.gate = crate::gate::SendGate::of(&crate::gate::GateFacts {
            can_upload,
            window_closed: s.window_opens_on.is_some(),
            send_block: s.send_block,
            valid_rows: s.valid_rows,
            new_rows: s.new_rows,
            duplicate: s.duplicate_of.is_some(),
            duplicate_accepted: dup.as_ref().is_some_and(|d| d.state.is_accepted()),
            duplicate_cut_off: s.duplicate_cut_off,
            unsettled: s.cut_off_unsettled.is_some(),
            unsettled_is_duplicate: matches!(
                (&s.cut_off_unsettled, &s.duplicate_of),
                (Some(AppError::CutOffUnsettled { upload_id, .. }), Some(d)) if *upload_id == d.id
            ),
        });
        Ok(s)
    }

    /// Sends as the app's review described. "Nothing new" is a result, not an error: the
    /// CLI and the app both say it calmly. An error that stopped a send part-way is in the
    /// result with the parts (`SendResult::error`), not an `Err`: some parts may have gone.
    pub async fn upload_dto(
        &self,
        req: &UploadRequest,
        job_id: &str,
        sink: ProgressSink,
    ) -> Result<SendResult> {
        // Known from the first moment: a stop while the counter is asked is not lost.
        let job = self.job_scope(job_id);
        let plan = self
            .plan_upload(&plan_request(
                &req.validate,
                req.merge_mode.as_deref(),
                req.skip_invalid,
                req.confirm_duplicate,
                req.comment.clone(),
            )?)
            .await?;
        if job.token.is_cancelled() {
            return Err(AppError::Cancelled);
        }
        let done = self.run_upload(&plan, job_id, sink, |_| {}).await?;
        if let Some(e) = done.stop_error() {
            return Err(e);
        }
        Ok(send_result(&done))
    }

    pub async fn refresh_status_dto(&self, id: u32) -> Result<UploadSummary> {
        Ok(summary(&self.refresh_status(i64::from(id)).await?))
    }

    pub async fn resend_dto(
        &self,
        id: u32,
        job_id: &str,
        sink: ProgressSink,
    ) -> Result<UploadSummary> {
        Ok(summary(&self.resend(i64::from(id), job_id, sink).await?))
    }

    /// «Отправить заново» on a send's result: sends part `id` of `result` again and answers
    /// the whole result as it is now ([`result_after_resend`]).
    pub async fn resend_part_dto(
        &self,
        result: SendResult,
        id: u32,
        job_id: &str,
        sink: ProgressSink,
    ) -> Result<SendResult> {
        match self.resend_dto(id, job_id, sink).await {
            Ok(resent) => Ok(result_after_resend(result, id, resent)),
            // The resend made its new row before it stopped: the result shows that row (failed,
            // to be sent again) with the error, not the replaced part that can no longer be.
            Err(e) => {
                let replaced = self
                    .store()
                    .upload(i64::from(id))
                    .ok()
                    .and_then(|u| u.superseded_by)
                    .and_then(|n| self.store().upload(n).ok());
                match replaced {
                    Some(new) => {
                        let mut r = result_after_resend(result, id, summary(&new));
                        if r.error.is_none() {
                            r.outcome = crate::plan::OutcomeKind::of_state(new.state);
                        }
                        r.error = Some(e);
                        Ok(r)
                    }
                    None => Err(e),
                }
            }
        }
    }
}

/// A send's result once its part `from` was sent again as `resent`: that part is replaced; the
/// part whose state is the truth is again the first not accepted (a file in parts is sent only
/// when every part is), else the one just resent; the error that stopped the send was about
/// the part it stopped on, so it goes once that part is resent; the outcome follows the parts.
pub fn result_after_resend(prev: SendResult, from: u32, resent: UploadSummary) -> SendResult {
    let parts: Vec<UploadSummary> = prev
        .parts
        .into_iter()
        .map(|p| if p.id == from { resent.clone() } else { p })
        .collect();
    let shown = parts
        .iter()
        .find(|p| !p.state.is_accepted())
        .cloned()
        .unwrap_or(resent);
    // Rows no part carries were never recorded (the send stopped before it made their parts):
    // the file is not sent, and the error that said so stays, whichever part went again.
    let carried: u64 = parts.iter().map(|p| u64::from(p.valid_rows)).sum();
    let all_recorded = carried >= u64::from(prev.new_rows);
    let error = if prev.upload.as_ref().map(|u| u.id) == Some(from) && all_recorded {
        None
    } else {
        prev.error
    };
    let outcome = match (shown.state.is_accepted(), &error) {
        (true, Some(_)) => crate::plan::OutcomeKind::Failed,
        _ => crate::plan::OutcomeKind::of_state(shown.state),
    };
    SendResult {
        outcome,
        upload: Some(shown),
        stopped: SendStopped::of(&parts, error.is_some()),
        parts,
        error,
        ..prev
    }
}

/// The app's request in the planner's terms.
fn plan_request(
    req: &ValidateRequest,
    merge_mode: Option<&str>,
    skip_invalid: bool,
    force: bool,
    note: Option<String>,
) -> Result<PlanRequest> {
    if req.mapping.kind != req.kind {
        return Err(AppError::InvalidInput {
            field: "kind".into(),
            reason: "mapping is for another kind".into(),
        });
    }
    let merge_mode = match merge_mode {
        None | Some("") => MergeMode::Save,
        Some(m) => m.parse().map_err(|reason| AppError::InvalidInput {
            field: "merge_mode".into(),
            reason,
        })?,
    };
    Ok(PlanRequest {
        path: PathBuf::from(&req.path),
        read: read_options(&req.read)?,
        mapping: MappingSource::Chosen(req.mapping.clone()),
        counter_id: req.counter_id,
        status_entries: req.status_map.clone(),
        status_pairs: Vec::new(),
        hash_contacts: Some(req.hash_contacts),
        only_new: req.only_new_rows,
        merge_mode,
        skip_invalid,
        force,
        now: None,
        note,
    })
}

/// What the app shows after a send: every part, the one whose state is the truth (the first
/// part not accepted, else the last) and the error that stopped the send part-way, if one
/// did. Nothing new is a result with no part.
pub fn send_result(done: &UploadResult) -> SendResult {
    let parts: Vec<UploadSummary> = done.uploads().iter().map(summary).collect();
    let shown = done.worst().or(done.uploads().last()).map(summary);
    SendResult {
        outcome: done.kind(),
        upload: shown,
        valid_rows: done.valid_rows() as u32,
        new_rows: done.new_rows() as u32,
        unchanged_rows: done.unchanged_rows() as u32,
        changed_rows: done.review.map_or(0, |r| r.changed_rows) as u32,
        corrected_rows: done.review.map_or(0, |r| r.corrected_rows) as u32,
        outdated_rows: done.review.map_or(0, |r| r.outdated_rows) as u32,
        rejected_rows: done
            .report()
            .map_or(0, |r| r.rows.saturating_sub(r.valid_rows) as u32),
        rejected_path: done
            .report()
            .and_then(|r| r.rejected_path.as_deref())
            .filter(|p| p.is_file())
            .map(|p| p.display().to_string()),
        stopped: SendStopped::of(&parts, done.stopped().is_some()),
        error: done.stopped().cloned(),
        parts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::OutcomeKind;
    use mb_history::UploadState;

    fn part(id: u32, state: UploadState) -> UploadSummary {
        let mut u: UploadSummary = serde_json::from_value(serde_json::json!({
            "id": id, "tag": "t", "account": "a", "counter_id": 1, "counter_name": null,
            "kind": "conversions", "file_name": "f.csv", "rows": 1, "valid_rows": 1,
            "state": "prepared", "server_id": null, "server_status": null, "linked": null,
            "user_not_found": null, "goal_not_found": null, "linked_share": null,
            "created_at": "2026-12-06T00:00:00Z", "finished_at": null, "failure": null,
            "note": null, "resendable": false, "refreshable": false, "replaced_by": null,
            "outcome": "failed",
        }))
        .expect("an upload summary");
        u.state = state;
        u.outcome = OutcomeKind::of_state(state);
        u
    }

    fn result(parts: Vec<UploadSummary>, shown: u32, error: Option<AppError>) -> SendResult {
        let upload = parts.iter().find(|p| p.id == shown).cloned();
        SendResult {
            outcome: OutcomeKind::of_state(upload.as_ref().unwrap().state),
            upload,
            stopped: SendStopped::of(&parts, error.is_some()),
            parts,
            valid_rows: 5,
            new_rows: 3,
            unchanged_rows: 0,
            changed_rows: 0,
            corrected_rows: 0,
            outdated_rows: 0,
            rejected_rows: 0,
            rejected_path: None,
            error,
        }
    }

    #[test]
    fn a_send_that_did_not_all_go_says_its_part_and_count() {
        use UploadState::*;
        let of = |parts: Vec<UploadSummary>, error| SendStopped::of(&parts, error);
        assert_eq!(of(vec![part(1, Processed), part(2, Sent)], false), None);
        let s = of(
            vec![part(1, Processed), part(2, Rejected), part(3, Failed)],
            false,
        )
        .unwrap();
        assert_eq!(
            (s.state, s.part, s.accepted, s.total),
            (OutcomeKind::Rejected, 2, 1, 3)
        );
        // A dead «sending» is said as interrupted (Metrica may have it).
        let s = of(vec![part(1, Sending)], false).unwrap();
        assert_eq!((s.state, s.part), (OutcomeKind::Interrupted, 1));
        // Every part recorded went, and an error stopped the send before the rest.
        let s = of(vec![part(1, Processing)], true).unwrap();
        assert_eq!((s.state, s.part, s.accepted), (OutcomeKind::Failed, 0, 1));
        // After a resend the part it stopped on moves on.
        let r = result(vec![part(1, Interrupted), part(2, Failed)], 1, None);
        let r = result_after_resend(r, 1, part(3, Processing));
        let s = r.stopped.unwrap();
        assert_eq!((s.state, s.part, s.accepted), (OutcomeKind::Failed, 2, 1));
    }

    #[test]
    fn a_file_in_parts_is_sent_only_when_every_part_went_also_after_a_resend() {
        use UploadState::*;
        let r = result(
            vec![part(1, Interrupted), part(2, Failed), part(3, Failed)],
            1,
            None,
        );
        let r = result_after_resend(r, 1, part(4, Processing));
        assert_eq!(r.parts.iter().map(|p| p.id).collect::<Vec<_>>(), [4, 2, 3]);
        assert_eq!(r.upload.as_ref().unwrap().id, 2);
        assert_eq!(r.outcome, OutcomeKind::Failed);
        let r = result_after_resend(r, 2, part(5, Processing));
        let r = result_after_resend(r, 3, part(6, Processing));
        assert_eq!(r.upload.as_ref().unwrap().id, 6);
        assert_eq!(r.outcome, OutcomeKind::Sent);
    }

    #[test]
    fn the_error_that_stopped_a_send_stays_until_its_part_is_resent() {
        use UploadState::*;
        let error = AppError::TokenExpired {
            login: "demo-agency".into(),
        };
        let r = result(
            vec![part(1, Processing), part(2, Failed), part(3, Failed)],
            2,
            Some(error.clone()),
        );
        let r = result_after_resend(r, 3, part(5, Processing));
        assert_eq!(r.error, Some(error));
        assert_eq!(r.upload.as_ref().unwrap().id, 2);
        let r = result_after_resend(r, 2, part(4, Processing));
        assert_eq!(r.error, None);
        assert_eq!(r.parts.iter().map(|p| p.id).collect::<Vec<_>>(), [1, 4, 5]);
        assert_eq!(r.outcome, OutcomeKind::Sent);
    }

    /// The send stopped before it made the last part (its ledger could not be written): the
    /// part it stopped on sent again is not the whole file, and the error stays.
    #[test]
    fn rows_no_part_carries_keep_the_file_unsent() {
        use UploadState::*;
        let error = AppError::Storage {
            detail: "disk full".into(),
        };
        let mut r = result(
            vec![part(1, Processing), part(2, Failed)],
            2,
            Some(error.clone()),
        );
        r.new_rows = 3;
        let r = result_after_resend(r, 2, part(4, Processing));
        assert_eq!(r.error, Some(error));
        assert_eq!(r.outcome, OutcomeKind::Failed);
    }
}
