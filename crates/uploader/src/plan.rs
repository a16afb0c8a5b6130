//! One way to plan an upload: both front ends describe what the user asked for as a
//! [`PlanRequest`] (the app from its wizard's DTOs, `mbridge upload` from its arguments),
//! [`Core::plan_upload`] decides everything else the same way for both, and
//! [`Core::run_upload`] runs it and answers with an [`UploadResult`] whose
//! [`exit_code`](UploadResult::exit_code) the CLI exits with.
//!
//! Decided here, once: the column mapping (the wizard's, a saved template, or automatic
//! matching plus the counter's contact attributes), the CRM status map (the user's choice,
//! else what was chosen for this counter before; remembered and, for detailed orders, synced
//! to the counter when sent), and the calls goal's name.

use std::path::PathBuf;

use jiff::Timestamp;
use mb_history::{Upload, UploadState};
use mb_import::mapping::Mapping;
use mb_import::read::ReadOptions;
use mb_import::report::{Report, Severity};
use mb_schema::{MergeMode, OrderStatusType, UploadKind};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::core::Core;
use crate::dto::{self, AppError};
use crate::error::Result;
use crate::import::{LocalJob, headers, mapping_from_dto, status_map_for};
use crate::upload::{Prepared, ProgressSink, SendReview, UploadOutcome, UploadPlan};

/// The name of the calls goal Metrica creates when the counter has none.
pub const CALLS_GOAL_NAME: &str = "Звонок";

/// The calls goal's name for an upload of `kind` (calls only).
pub fn calls_goal_name(kind: UploadKind) -> Option<String> {
    (kind == UploadKind::Calls).then(|| CALLS_GOAL_NAME.to_string())
}

/// Where the column mapping comes from.
#[derive(Debug, Clone)]
pub enum MappingSource {
    /// The app's Columns step, as the user left it.
    Chosen(dto::ColumnMapping),
    /// `kind` (None = detect from the header), a saved template (None = a remembered
    /// template or automatic matching, then the counter's contact attributes) and
    /// `FIELD=VALUE` constants.
    Local {
        kind: Option<UploadKind>,
        template: Option<Mapping>,
        constants: Vec<(String, String)>,
        /// `WORD=CODE` currencies written as words.
        currency_names: Vec<(String, String)>,
    },
}

/// What the user asked for: one file, to one counter.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub path: PathBuf,
    pub read: ReadOptions,
    pub mapping: MappingSource,
    pub counter_id: u32,
    /// The app's status choices (CRM kinds).
    pub status_entries: Vec<dto::StatusMapEntry>,
    /// The CLI's `VALUE=STATUS` pairs (see [`status_entry`]); added to `status_entries`.
    pub status_pairs: Vec<(String, String)>,
    /// Hash e-mails and phones before they leave; None: the app's setting «Шифровать телефоны
    /// и почту по умолчанию» decides (the CLI without --hash-contacts / --no-hash-contacts).
    pub hash_contacts: Option<bool>,
    pub only_new: bool,
    pub merge_mode: MergeMode,
    pub skip_invalid: bool,
    /// Send even when the same content went to this counter and kind before.
    pub force: bool,
    /// "Now" for the future/old checks (tests); None = the clock.
    pub now: Option<Timestamp>,
    /// The user's own words, kept in the local history only.
    pub note: Option<String>,
}

/// One `VALUE=STATUS` pair as a status choice. STATUS is a status type (`PAID`,
/// `IN_PROGRESS`, `CANCELLED`, `SPAM`; the status id is then derived from VALUE by the Latin-id
/// rule), or a goal id (simple orders) / a status id already on the counter (detailed orders;
/// its type is the one chosen for it before, else guessed from VALUE's wording).
pub fn status_entry(
    kind: UploadKind,
    value: &str,
    target: &str,
    known: &[dto::StatusMapEntry],
) -> dto::StatusMapEntry {
    let value = value.to_string();
    if let Some(t) = OrderStatusType::parse(&target.to_uppercase()) {
        return dto::StatusMapEntry {
            status_id: mb_import::status::status_id(&value),
            value,
            status_type: t,
            goal_ids: Vec::new(),
        };
    }
    let status_type = match kind {
        UploadKind::Orders => known
            .iter()
            .find(|k| k.status_id == target)
            .map(|k| k.status_type)
            .unwrap_or_else(|| mb_import::status::suggest_status(&value).0),
        _ => dto::OrderStatusType::Other,
    };
    dto::StatusMapEntry {
        value,
        status_type,
        status_id: target.to_string(),
        goal_ids: if kind == UploadKind::SimpleOrders {
            vec![target.to_string()]
        } else {
            Vec::new()
        },
    }
}

impl Core {
    /// What was chosen for this counter's CRM statuses before (the app's Statuses step or an
    /// earlier `--status`).
    pub fn remembered_statuses(&self, counter_id: u32) -> Result<Vec<dto::StatusMapEntry>> {
        Ok(self
            .store
            .status_map(i64::from(counter_id))?
            .into_iter()
            .map(|e| dto::StatusMapEntry {
                status_type: e.status_type,
                goal_ids: Vec::new(),
                value: e.crm_value,
                status_id: e.status_id,
            })
            .collect())
    }

    /// Decides everything the request leaves open; nothing is read from Metrica except the
    /// counter's contact attributes when a contacts file is matched automatically.
    pub async fn plan_upload(&self, req: &PlanRequest) -> Result<UploadPlan> {
        let mapping = match &req.mapping {
            MappingSource::Chosen(c) => mapping_from_dto(c, &headers(&req.path, &req.read)?)?,
            MappingSource::Local {
                kind,
                template,
                constants,
                currency_names,
            } => {
                let job = LocalJob {
                    path: req.path.clone(),
                    read: req.read.clone(),
                    kind: *kind,
                    mapping: template.clone(),
                    constants: constants.clone(),
                    currency_names: currency_names.clone(),
                    options: mb_import::validate::ValidateOptions::new(
                        crate::config::DEFAULT_TIME_ZONE,
                        Timestamp::now(),
                    ),
                };
                let (mut m, headers) = crate::import::resolve(&job, Some(&self.store))?;
                if template.is_none() {
                    // Extra contact columns named like the counter's attributes go to them.
                    self.map_counter_attributes(&mut m, &headers, req.counter_id)
                        .await?;
                }
                m
            }
        };
        let kind = mapping.kind;
        let mut entries = Vec::new();
        if kind.is_crm() {
            let known = self.remembered_statuses(req.counter_id)?;
            entries = req.status_entries.clone();
            for (v, t) in &req.status_pairs {
                entries.retain(|e| &e.value != v);
                entries.push(status_entry(kind, v, t, &known));
            }
            if entries.is_empty() {
                entries = known;
            }
        }
        Ok(UploadPlan {
            path: req.path.clone(),
            read: req.read.clone(),
            status_map: status_map_for(kind, &entries),
            status_entries: entries,
            mapping,
            counter_id: req.counter_id,
            hash_contacts: self.hash_contacts(req.hash_contacts)?,
            only_new: req.only_new,
            merge_mode: req.merge_mode,
            skip_invalid: req.skip_invalid,
            force: req.force,
            now: req.now,
            new_goal_name: calls_goal_name(kind),
            note: req.note.clone().filter(|n| !n.trim().is_empty()),
        })
    }

    /// Prepares and sends a plan: `on_review` hears what will be sent before anything leaves.
    /// Stops (errors in the data, a duplicate, nothing new) are outcomes, not errors.
    pub async fn run_upload(
        &self,
        plan: &UploadPlan,
        job_id: &str,
        sink: ProgressSink,
        on_review: impl FnOnce(&SendReview),
    ) -> Result<UploadResult> {
        // One cancel token for both phases: a stop pressed between them stops the send.
        let _job = self.job_scope(job_id);
        // A send from the moment it reads the file again: closing the app now would lose it.
        let _sending = self.sending();
        match self.prepare_upload(plan, job_id, sink.clone()).await? {
            Prepared::Stopped(outcome) => Ok(UploadResult {
                outcome,
                review: None,
            }),
            Prepared::Ready(p) => {
                let review = p.review;
                on_review(&review);
                let outcome = self.send_prepared(p, job_id, sink).await?;
                Ok(UploadResult {
                    outcome,
                    review: Some(review),
                })
            }
        }
    }
}

/// How an upload ended, in one word (the CLI's `"outcome"`).
/// The error a stop on an earlier upload of the same file is told as (the app, `mbridge`, a
/// job's run). A cut-off one (`interrupted`: Metrica may have it) is taken by its resend, which
/// looks on the server first, never by a second send.
pub(crate) fn duplicate_of(earlier: &Upload) -> AppError {
    AppError::Duplicate {
        upload_id: earlier.id as u32,
        sent_at: earlier.created_at.to_string(),
        interrupted: earlier.is_cut_off(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// Metrica accepted every part.
    Sent,
    /// Only-new mode found nothing new: nothing was sent (calm, exit 0).
    NothingNew,
    /// The data has errors: nothing was sent.
    DataHasErrors,
    /// The same content went before: nothing was sent.
    Duplicate,
    /// Metrica refused a part.
    Rejected,
    /// A part did not reach Metrica (network, quota, server).
    Failed,
    /// The send was stopped or its answer lost: Metrica may or may not have it.
    Interrupted,
}

impl OutcomeKind {
    /// How a send ended, told by the state of its upload (the first part not accepted).
    pub fn of_state(state: UploadState) -> OutcomeKind {
        match state {
            s if s.is_accepted() => OutcomeKind::Sent,
            UploadState::Rejected => OutcomeKind::Rejected,
            UploadState::Interrupted | UploadState::Sending => OutcomeKind::Interrupted,
            _ => OutcomeKind::Failed,
        }
    }

    /// How a job's run ended, in the same words (a run still going counts as interrupted:
    /// its answer is not known).
    pub fn of_run(result: mb_history::RunResult) -> OutcomeKind {
        use mb_history::RunResult as R;
        match result {
            R::Sent => OutcomeKind::Sent,
            R::NothingNew | R::NoFile | R::Deferred => OutcomeKind::NothingNew,
            R::Blocked => OutcomeKind::DataHasErrors,
            R::Rejected => OutcomeKind::Rejected,
            R::Failed => OutcomeKind::Failed,
            R::Interrupted | R::Running => OutcomeKind::Interrupted,
        }
    }

    /// The CLI's exit code for it: 0 sent or nothing new, 1 errors in the data or refused by
    /// Metrica, 4 failed, 5 duplicate, 6 interrupted.
    pub fn exit_code(self) -> u8 {
        match self {
            OutcomeKind::Sent | OutcomeKind::NothingNew => 0,
            OutcomeKind::DataHasErrors | OutcomeKind::Rejected => 1,
            OutcomeKind::Failed => 4,
            OutcomeKind::Duplicate => 5,
            OutcomeKind::Interrupted => 6,
        }
    }
}

/// An upload attempt's whole answer: the outcome (every part) and the review it was sent on.
#[derive(Debug)]
pub struct UploadResult {
    pub outcome: UploadOutcome,
    /// What was to be sent (None when it stopped before preparing).
    pub review: Option<SendReview>,
}

impl UploadResult {
    /// The validation report (None when stopped as a duplicate before reading).
    pub fn report(&self) -> Option<&Report> {
        match &self.outcome {
            UploadOutcome::Blocked { report }
            | UploadOutcome::NothingNew { report, .. }
            | UploadOutcome::Sent { report, .. } => Some(report),
            UploadOutcome::Duplicate { .. } => None,
        }
    }

    /// Every part's history entry, in order (empty when nothing was sent).
    pub fn uploads(&self) -> &[Upload] {
        match &self.outcome {
            UploadOutcome::Sent { uploads, .. } => uploads,
            _ => &[],
        }
    }

    /// The first part that did not end accepted: the truth to show.
    pub fn worst(&self) -> Option<&Upload> {
        self.uploads().iter().find(|u| !u.state.is_accepted())
    }

    pub fn kind(&self) -> OutcomeKind {
        match &self.outcome {
            UploadOutcome::Blocked { .. } => OutcomeKind::DataHasErrors,
            UploadOutcome::Duplicate { .. } => OutcomeKind::Duplicate,
            UploadOutcome::NothingNew { .. } => OutcomeKind::NothingNew,
            UploadOutcome::Sent { stopped, .. } => match self.worst().map(|u| u.state) {
                // Every part recorded was accepted, but the send stopped before the rest.
                None if stopped.is_some() => OutcomeKind::Failed,
                None => OutcomeKind::Sent,
                Some(state) => OutcomeKind::of_state(state),
            },
        }
    }

    /// `mbridge upload`'s exit code (see the CLI's help): 0 sent or nothing new, 1 errors in
    /// the data or refused by Metrica, 4 failed, 5 duplicate, 6 interrupted; a send an error
    /// stopped part-way exits with that error's code ([`AppError::exit_code`]: 3 for a
    /// sign-in that expired).
    pub fn exit_code(&self) -> u8 {
        if let Some(e) = self.stopped() {
            return e.exit_code();
        }
        self.kind().exit_code()
    }

    /// Errors found in the data (the one count both front ends show).
    pub fn errors(&self) -> u32 {
        self.report().map_or(0, |r| r.total(Severity::Error) as u32)
    }

    pub fn valid_rows(&self) -> u64 {
        self.report().map_or(0, |r| r.valid_rows)
    }

    /// Rows that were to be sent.
    pub fn new_rows(&self) -> u64 {
        self.review.map_or(0, |r| r.new_rows)
    }

    pub fn unchanged_rows(&self) -> u64 {
        match &self.outcome {
            UploadOutcome::NothingNew { unchanged_rows, .. }
            | UploadOutcome::Sent { unchanged_rows, .. } => *unchanged_rows,
            _ => self.review.map_or(0, |r| r.unchanged_rows),
        }
    }

    /// The earlier upload a duplicate stop points at.
    pub fn duplicate_of(&self) -> Option<&Upload> {
        match &self.outcome {
            UploadOutcome::Duplicate { earlier } => Some(earlier),
            _ => None,
        }
    }

    /// The part to send again (`mbridge resend ID`), when one failed or was interrupted.
    pub fn resend_id(&self) -> Option<i64> {
        self.worst()
            .filter(|u| matches!(u.state, UploadState::Interrupted | UploadState::Failed))
            .map(|u| u.id)
    }

    /// Whether the resend of [`Self::resend_id`] looks the upload up in Metrica first: only an
    /// interrupted one may have arrived; a failed one was refused or never left.
    pub fn resend_looks_up(&self) -> bool {
        self.worst()
            .is_some_and(|u| u.state == UploadState::Interrupted)
    }

    /// The error that stopped a send part-way, told beside the parts it left (see
    /// [`UploadOutcome::Sent`]); None when every part got its answer.
    pub fn stopped(&self) -> Option<&AppError> {
        match &self.outcome {
            UploadOutcome::Sent { stopped, .. } => stopped.as_ref(),
            _ => None,
        }
    }

    /// The stop as the error a front end reports (errors in the data, a duplicate): nothing
    /// was sent. A send stopped part-way is not one: see [`UploadResult::stopped`].
    pub fn stop_error(&self) -> Option<AppError> {
        match &self.outcome {
            UploadOutcome::Blocked { report } => Some(AppError::DataHasErrors {
                errors: if report.has_file_errors() {
                    report.file_errors.min(u64::from(u32::MAX)) as u32
                } else {
                    self.errors()
                },
                in_file: report.has_file_errors(),
                no_valid_rows: report.send_block()
                    == Some(mb_import::report::SendBlock::NoValidRows),
            }),
            UploadOutcome::Duplicate { earlier } => Some(duplicate_of(earlier)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::OrderStatusType as T;

    fn known() -> Vec<dto::StatusMapEntry> {
        vec![dto::StatusMapEntry {
            value: "Отгружен".into(),
            status_type: T::Paid,
            status_id: "shipped".into(),
            goal_ids: vec![],
        }]
    }

    #[test]
    fn a_status_type_names_the_type_and_derives_a_latin_id() {
        let e = status_entry(UploadKind::Orders, "В работе", "in_progress", &[]);
        assert_eq!(e.status_type, T::InProgress);
        assert_eq!(e.status_id, "v_rabote");
        let m = status_map_for(UploadKind::SimpleOrders, std::slice::from_ref(&e));
        assert_eq!(m["В работе"], "IN_PROGRESS");
        let m = status_map_for(UploadKind::Orders, &[e]);
        assert_eq!(m["В работе"], "v_rabote");
    }

    #[test]
    fn anything_else_is_a_goal_for_simple_orders_and_a_status_id_for_orders() {
        let e = status_entry(UploadKind::SimpleOrders, "Оплачен", "offline_paid", &[]);
        assert_eq!(e.status_type, T::Other);
        let m = status_map_for(UploadKind::SimpleOrders, &[e]);
        assert_eq!(m["Оплачен"], "offline_paid");
        // A status id the counter knows keeps the type chosen for it before.
        let e = status_entry(UploadKind::Orders, "Доставлен", "shipped", &known());
        assert_eq!((e.status_type, e.status_id.as_str()), (T::Paid, "shipped"));
        // An unknown one is typed by its wording.
        let e = status_entry(UploadKind::Orders, "Отменён", "cancel_1", &known());
        assert_eq!(e.status_type, T::Cancelled);
    }

    #[test]
    fn only_calls_name_a_goal() {
        assert_eq!(
            calls_goal_name(UploadKind::Calls).as_deref(),
            Some("Звонок")
        );
        assert_eq!(calls_goal_name(UploadKind::Conversions), None);
        assert_eq!(calls_goal_name(UploadKind::SimpleOrders), None);
    }

    /// One word and one exit code per ending, whether a send, a resend or a job run tells it.
    #[test]
    fn every_ending_has_one_exit_code() {
        use mb_history::RunResult as R;
        let state = |s| OutcomeKind::of_state(s).exit_code();
        assert_eq!(state(UploadState::Processed), 0);
        assert_eq!(state(UploadState::Rejected), 1);
        assert_eq!(state(UploadState::Failed), 4);
        // A resend whose answer was lost is interrupted like a send (it said 4).
        assert_eq!(state(UploadState::Sending), 6);
        assert_eq!(state(UploadState::Interrupted), 6);
        let run = |r| OutcomeKind::of_run(r).exit_code();
        assert_eq!([R::Sent, R::NothingNew, R::NoFile].map(run), [0, 0, 0]);
        assert_eq!([R::Blocked, R::Rejected].map(run), [1, 1]);
        assert_eq!([R::Failed, R::Interrupted, R::Running].map(run), [4, 6, 6]);
    }
}
