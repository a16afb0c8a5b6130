//! The operations exactly as the desktop app calls them: boundary DTOs in, DTOs out. Each is a
//! thin translation onto the use cases, so a Tauri command is one line.

use std::path::{Path, PathBuf};

use mb_schema::{MergeMode, UploadKind};

use crate::core::Core;
use crate::dto::{
    AppError, ColumnMapping, ReadOverrides, SendResult, StatusValue, UploadRequest, UploadSummary,
    ValidateRequest, ValidationSummary,
};
use crate::error::Result;
use crate::history::summary;
use crate::import::{
    headers, mapping_dto, mapping_for, mapping_from_dto, read_options, status_map_for,
};
use crate::upload::{Prepared, ProgressSink, UploadOutcome, UploadPlan};

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
                }
            }
        }
        Ok(values)
    }

    /// Builds the plan a desktop request describes.
    pub fn plan(
        &self,
        req: &ValidateRequest,
        merge_mode: Option<&str>,
        skip_invalid: bool,
        force: bool,
    ) -> Result<UploadPlan> {
        let path = PathBuf::from(&req.path);
        let read = read_options(&req.read)?;
        let headers = headers(&path, &read)?;
        let mapping = mapping_from_dto(&req.mapping, &headers)?;
        let kind: UploadKind = req.kind;
        if mapping.kind != kind {
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
        Ok(UploadPlan {
            path,
            read,
            status_map: status_map_for(kind, &req.status_map),
            status_entries: req.status_map.clone(),
            mapping,
            counter_id: req.counter_id,
            hash_contacts: req.hash_contacts,
            only_new: req.only_new_rows,
            merge_mode,
            skip_invalid,
            force,
            now: None,
            new_goal_name: (kind == UploadKind::Calls).then(|| "Звонок".to_string()),
            note: None,
        })
    }

    pub async fn validate_dto(
        &self,
        req: &ValidateRequest,
        job_id: &str,
        sink: ProgressSink,
    ) -> Result<ValidationSummary> {
        let plan = self.plan(req, None, false, false)?;
        let (report, dup) = self
            .validate_for_counter(&plan, job_id, sink.clone())
            .await?;
        let mut s = crate::import::summary(&report);
        s.duplicate_of = dup.as_ref().map(summary);
        if report.valid_rows > 0 {
            s.known_rows = self.known_rows(&plan, job_id, sink).await? as u32;
            if plan.only_new {
                s.unchanged_rows = s.known_rows;
            }
        }
        Ok(s)
    }

    /// Sends as the app's review described. "Nothing new" is a result, not an error: the
    /// CLI and the app both say it calmly.
    pub async fn upload_dto(
        &self,
        req: &UploadRequest,
        job_id: &str,
        sink: ProgressSink,
    ) -> Result<SendResult> {
        let mut plan = self.plan(
            &req.validate,
            req.merge_mode.as_deref(),
            req.skip_invalid,
            req.confirm_duplicate,
        )?;
        plan.note = req.comment.clone().filter(|c| !c.trim().is_empty());
        let p = match self.prepare_upload(&plan, job_id, sink.clone()).await? {
            Prepared::Ready(p) => p,
            Prepared::Stopped(UploadOutcome::Blocked { report }) => {
                let errors = report
                    .counts
                    .iter()
                    .filter(|c| c.severity == mb_import::report::Severity::Error)
                    .map(|c| c.count)
                    .sum::<u64>();
                return Err(AppError::DataHasErrors {
                    errors: errors as u32,
                });
            }
            Prepared::Stopped(UploadOutcome::Duplicate { earlier, .. }) => {
                return Err(AppError::Duplicate {
                    upload_id: earlier.id as u32,
                    sent_at: earlier.created_at.to_string(),
                });
            }
            Prepared::Stopped(other) => {
                return Err(AppError::Internal {
                    detail: format!("unexpected stop before preparing: {other:?}"),
                });
            }
        };
        let review = p.review;
        let upload = match self.send_prepared(p, job_id, sink).await? {
            UploadOutcome::Sent { uploads, .. } => {
                // The first part that did not end accepted is the truth to show; otherwise
                // the last part.
                let shown = uploads
                    .iter()
                    .find(|u| !u.state.is_accepted())
                    .or(uploads.last())
                    .ok_or_else(|| AppError::Internal {
                        detail: "no upload recorded".into(),
                    })?;
                Some(summary(shown))
            }
            _ => None,
        };
        Ok(SendResult {
            upload,
            valid_rows: review.valid_rows as u32,
            new_rows: review.new_rows as u32,
            unchanged_rows: review.unchanged_rows as u32,
        })
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
}
