//! The send side: counters and goals, validation against a counter, the upload pipeline
//! (read → map → validate → prepare → record → send → record), status follow-up,
//! reconciliation after a crash, and resending.
//!
//! Rules that live here: an upload is recorded BEFORE anything goes on the wire; the same
//! content to the same counter and kind is refused unless confirmed; a lost answer is
//! resolved by the tag, never by sending again; EVERY upload's row keys are staged in the
//! "only new rows" ledger before the send and confirmed by the transaction that records the
//! server's acceptance (mb-history), whatever the mode.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use mb_api::{
    ApiError, CancellationToken, Client, CounterQuery, CrmUploadOptions, FoundUpload,
    OfflineConversionUploading, UploadOptions, UploadTag, UploadingMetaExternal,
};
use mb_history::{
    CdpValidation, FailureReason, IssueCounts, NewUpload, RowCounts, ServerReport, ServerStatus,
    SourceFile, Upload, UploadState,
};
use mb_import::mapping::Mapping;
use mb_import::read::ReadOptions;
use mb_import::report::{Report, Severity};
use mb_import::validate::ValidateOptions;
use mb_import::write::OutputSpec;
use mb_schema::{DelimiterType, MergeMode, UploadKind};

use crate::core::Core;
use crate::dto::{self, AppError, CounterPage, CountersQuery, Permission, Stage};
use crate::error::{Result, join_error};
use crate::import::check_output;
use crate::send_lock::SendLock;

/// What the validator needs to know about a counter.
#[derive(Debug, Clone)]
pub struct CounterContext {
    pub id: u32,
    pub name: String,
    pub time_zone: String,
    pub can_upload: bool,
    /// JavaScript-event goal identifiers (targetable goals).
    pub goals: Vec<String>,
    /// Goal name → identifier.
    pub goal_names: BTreeMap<String, String>,
    pub window_start: Option<Timestamp>,
    /// Status ids mapped on the counter (detailed orders).
    pub order_status_ids: Option<Vec<String>>,
    /// Contact attributes declared on the counter (contacts only, when Metrica answered).
    pub attributes: Option<Vec<mb_import::attributes::CounterAttribute>>,
}

/// Everything one upload needs, already decided.
#[derive(Debug, Clone)]
pub struct UploadPlan {
    pub path: PathBuf,
    pub read: ReadOptions,
    pub mapping: Mapping,
    pub counter_id: u32,
    /// CRM value → status type / goal id / mapped id.
    pub status_map: BTreeMap<String, String>,
    /// The wizard's full entries (detailed orders sync them to the counter first).
    pub status_entries: Vec<dto::StatusMapEntry>,
    pub hash_contacts: bool,
    pub only_new: bool,
    pub merge_mode: MergeMode,
    pub skip_invalid: bool,
    /// Send even when the same content went to this counter and kind before.
    pub force: bool,
    /// "Now" for the future/old checks (tests); None = the clock.
    pub now: Option<Timestamp>,
    /// Name of the calls goal to create when the counter has none (calls only).
    pub new_goal_name: Option<String>,
    /// The user's own words about this upload, kept in the local history only (Metrica's
    /// `comment` carries the upload tag).
    pub note: Option<String>,
}

/// What an upload attempt ended with.
#[derive(Debug)]
pub enum UploadOutcome {
    /// The file has errors and `skip_invalid` was not given: nothing was sent.
    Blocked { report: Box<Report> },
    /// An earlier upload of the same content exists: nothing was sent.
    Duplicate { earlier: Box<Upload> },
    /// Only-new-rows mode found nothing new: nothing was sent.
    NothingNew {
        report: Box<Report>,
        unchanged_rows: u64,
    },
    /// Sent (one history entry per file part, in order). States may be
    /// rejected/failed/interrupted: a part that did not go stops the send, and the parts after
    /// it are in `uploads` as not sent.
    ///
    /// `stopped` is the error that ended the send part-way (a sign-in that expired while the
    /// parts went): `uploads` still holds every part in the history — those Metrica accepted,
    /// the one it stopped on (failed, or still prepared when the error came before it left)
    /// and the later ones recorded as not sent — whether or not any part was accepted. A send
    /// that stopped before any part was in the history is an `Err`, as nothing went.
    Sent {
        report: Box<Report>,
        uploads: Vec<Upload>,
        unchanged_rows: u64,
        stopped: Option<AppError>,
    },
}

/// What a prepared upload would send, said before anything leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SendReview {
    /// Rows of the file that passed validation (M).
    pub valid_rows: u64,
    /// Rows that will be sent (N): all valid rows, or in only-new mode the ones the ledger
    /// has not seen unchanged.
    pub new_rows: u64,
    /// Rows left out because the ledger holds them unchanged (only-new mode).
    pub unchanged_rows: u64,
    /// Of `unchanged_rows`: calls sent before with other content (see
    /// [`crate::ledger::Filtered::changed`]), left out as they may count twice.
    pub changed_rows: u64,
    /// Of `new_rows`: corrections, rows Metrica holds with other values, sent to replace them
    /// ([`crate::ledger::Filtered::corrected`]).
    pub corrected_rows: u64,
    /// Of `unchanged_rows` (only-new) or of the rows that go (all rows): older values than
    /// Metrica's, accepted once and replaced since ([`crate::ledger::Filtered::outdated`]).
    pub outdated_rows: u64,
    /// All-rows mode: of the rows that go, those Metrica holds already (what only-new would
    /// have left out). Calls among them may count twice (conversions replace themselves, CRM
    /// records are updated); `new_rows` less these are the rows Metrica has not seen.
    pub again_rows: u64,
    pub only_new: bool,
}

/// What [`Core::follow_up`] tells its window.
#[derive(Debug)]
pub enum FollowUp<'a> {
    /// An upload a dead run left, looked up on start.
    Reconciled(&'a Upload),
    /// An upload whose state a poll changed (a final one is worth a notification).
    Polled(&'a Upload),
    /// A round could not poll: the sign-in is gone.
    Failed(&'a AppError),
    /// A round ended.
    RoundDone,
}

/// What [`Core::known_rows`] counted: the review «только новые» would give (None when the
/// ledger knows nothing there), and the refusal a send would meet for repeating the calls of a
/// cut-off send Metrica does not list yet.
#[derive(Debug, Default)]
pub struct KnownRows {
    pub review: Option<SendReview>,
    pub unsettled: Option<AppError>,
}

/// A file checked for one counter, nothing prepared: the report, an earlier upload of the same
/// file, and the day the counter starts taking offline data when that is still ahead (a send
/// before it is refused: [`crate::window::ensure_open`]).
#[derive(Debug)]
pub struct Checked {
    pub report: Report,
    pub duplicate_of: Option<Upload>,
    pub window_opens_on: Option<jiff::civil::Date>,
    /// The account may send to the counter (it may only view it otherwise).
    pub can_upload: bool,
}

/// A file validated and prepared for one counter, not sent. Dropping it deletes its files.
#[derive(Debug)]
pub struct PreparedUpload {
    plan: UploadPlan,
    ctx: CounterContext,
    login: String,
    source: SourceFile,
    parts: Vec<PathBuf>,
    /// What phase two would send.
    pub review: SendReview,
    /// The validation report of the whole file.
    pub report: Box<Report>,
    /// The folder of the prepared files while nobody else owns them.
    dir: Option<PathBuf>,
    /// A count only ([`Core::known_rows`]): the send would be refused as it would repeat the
    /// calls of a cut-off send Metrica does not list yet ([`AppError::CutOffUnsettled`]).
    pub unsettled: Option<AppError>,
    /// This counter and kind's send lock, from the duplicate check to the send's end: no
    /// other send decides what is new while these parts go (see [`crate::send_lock`]). None
    /// for a count that sends nothing ([`Core::known_rows`]).
    _lock: Option<SendLock>,
}

impl Drop for PreparedUpload {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Phase one's answer.
#[derive(Debug)]
pub enum Prepared {
    /// Ready to send (possibly nothing new: `review.new_rows == 0`).
    Ready(Box<PreparedUpload>),
    /// Stopped before preparing: errors in the data, or a duplicate. Nothing was sent.
    Stopped(UploadOutcome),
}

pub use crate::progress::{ProgressSink, no_progress_sink};
use crate::progress::{metered, progress};

/// Hashes the source file off the async threads, reporting «Читаем файл» with bytes and
/// stopping when the job is cancelled.
async fn hash_source(
    path: &Path,
    job_id: &str,
    cancel: &CancellationToken,
    sink: &ProgressSink,
) -> Result<SourceFile> {
    let (path, job, cancel2, sink) = (
        path.to_path_buf(),
        job_id.to_string(),
        cancel.clone(),
        sink.clone(),
    );
    let out = tokio::task::spawn_blocking(move || {
        SourceFile::from_path_with_progress(&path, |done, total| {
            if cancel2.is_cancelled() {
                return ControlFlow::Break(());
            }
            sink(progress(&job, Stage::Reading, done, Some(total), 0));
            ControlFlow::Continue(())
        })
    })
    .await
    .map_err(join_error)?;
    match out {
        Err(_) if cancel.is_cancelled() => Err(AppError::Cancelled),
        other => Ok(other?),
    }
}

impl Core {
    // --- discovery -------------------------------------------------------------------------

    pub async fn counters(&self, q: &CountersQuery) -> Result<CounterPage> {
        let (login, client) = self.client().await?;
        // Pages of Metrica's default size (1 000) until `limit`: an agency with more counters
        // than one page sees all of them, not the first page.
        let page = client
            .counters_range(
                &CounterQuery {
                    search: q.search.clone().filter(|s| !s.trim().is_empty()),
                    ..CounterQuery::default()
                },
                q.offset.saturating_add(1),
                q.limit.max(1),
            )
            .await
            .map_err(|e| self.api_err(&login, e))?;
        Ok(CounterPage {
            total: page.rows as u32,
            counters: page.counters.iter().map(counter_dto).collect(),
        })
    }

    pub async fn goals(&self, counter_id: u32) -> Result<Vec<dto::Goal>> {
        let (login, client) = self.client().await?;
        let goals = client
            .goals(u64::from(counter_id))
            .await
            .map_err(|e| self.counter_err(&login, u64::from(counter_id), e))?;
        Ok(goals.iter().map(goal_dto).collect())
    }

    pub async fn create_goal(
        &self,
        counter_id: u32,
        name: &str,
        identifier: &str,
    ) -> Result<dto::Goal> {
        if !mb_schema::is_valid_status_id(identifier) {
            return Err(AppError::InvalidInput {
                field: "identifier".into(),
                reason: "latin_letters_digits_only".into(),
            });
        }
        let (login, client) = self.client().await?;
        let g = client
            .create_js_goal(u64::from(counter_id), name, identifier)
            .await
            .map_err(|e| self.api_err(&login, e))?;
        Ok(goal_dto(&g))
    }

    /// Time zone, goals, linking window and mapped statuses of a counter, for validation.
    pub async fn counter_context(
        &self,
        counter_id: u32,
        kind: UploadKind,
    ) -> Result<CounterContext> {
        let (login, client) = self.client().await?;
        let id = u64::from(counter_id);
        let counter = client
            .counter(id)
            .await
            .map_err(|e| self.counter_err(&login, id, e))?;
        let goals = client
            .goals(id)
            .await
            .map_err(|e| self.counter_err(&login, id, e))?;
        let mut idents = Vec::new();
        let mut names = BTreeMap::new();
        for g in &goals {
            if let Some(i) = g.goal_identifier() {
                idents.push(i.to_string());
                names.insert(g.name.clone(), i.to_string());
            }
        }
        // Best effort: legacy endpoints may be gone (reference §4.7).
        let window_start = match kind {
            UploadKind::Conversions => client.visit_join_threshold(id).await.ok().flatten(),
            UploadKind::Calls => client.calls_visit_join_threshold(id).await.ok().flatten(),
            _ => None,
        }
        .and_then(|d| {
            crate::window::day_start(
                d,
                counter
                    .time_zone_name
                    .as_deref()
                    .unwrap_or(crate::config::DEFAULT_TIME_ZONE),
            )
        });
        let order_status_ids = if kind == UploadKind::Orders {
            client
                .order_statuses(id)
                .await
                .ok()
                .map(|v| v.into_iter().map(|s| s.id).collect())
        } else {
            None
        };
        let attributes = if mb_import::attributes::kind_takes_attributes(kind) {
            Some(
                self.declared_attributes(&client, id)
                    .await
                    .map_err(|e| self.api_err(&login, e))?,
            )
        } else {
            None
        };
        Ok(CounterContext {
            attributes,
            id: counter_id,
            name: counter.name.clone(),
            time_zone: counter
                .time_zone_name
                .clone()
                .unwrap_or_else(|| crate::config::DEFAULT_TIME_ZONE.into()),
            can_upload: counter.can_upload(),
            goals: idents,
            goal_names: names,
            window_start,
            order_status_ids,
        })
    }

    fn validate_options(&self, ctx: &CounterContext, plan: &UploadPlan) -> ValidateOptions {
        let mut o = ValidateOptions::new(&ctx.time_zone, plan.now.unwrap_or_else(Timestamp::now));
        o.window_start = crate::window::for_validation(ctx.window_start, Timestamp::now());
        o.goals = Some(ctx.goals.clone());
        o.goal_names = ctx.goal_names.clone();
        o.order_status_ids = ctx.order_status_ids.clone();
        o.attributes = ctx.attributes.clone();
        o.hash_contacts = plan.hash_contacts;
        o.status_map = plan.status_map.clone();
        o.skip_invalid = plan.skip_invalid;
        if plan.mapping.kind == UploadKind::Orders {
            o.contacts_uploaded = self.contacts_accepted(plan.counter_id).ok();
        }
        // The app shows the kept issues and the exact counts; nothing reads a spill file.
        o.issue_spill_path = None;
        o
    }

    /// Whether this app ever had contacts accepted for the counter (any account).
    fn contacts_accepted(&self, counter_id: u32) -> Result<bool> {
        let f = mb_history::UploadFilter {
            counter: Some(i64::from(counter_id)),
            kind: Some(UploadKind::Contacts),
            states: mb_history::UploadState::ALL
                .into_iter()
                .filter(|s| s.is_accepted())
                .collect(),
            limit: Some(1),
            ..mb_history::UploadFilter::default()
        };
        Ok(!self.store.uploads(&f)?.is_empty())
    }

    // --- validate against a counter ---------------------------------------------------------

    /// Validates the file for a counter without sending anything; reports an earlier upload of
    /// the same content.
    pub async fn validate_for_counter(
        &self,
        plan: &UploadPlan,
        job_id: &str,
        sink: ProgressSink,
    ) -> Result<Checked> {
        let sink = metered(sink);
        let cancel = self.start_job(job_id);
        let out = self.validate_inner(plan, job_id, &cancel, sink).await;
        self.end_job(job_id);
        let (report, source, window_opens_on, can_upload) = out?;
        let duplicate_of = self.store.find_duplicate(
            i64::from(plan.counter_id),
            plan.mapping.kind,
            &source.sha256,
        )?;
        Ok(Checked {
            report,
            duplicate_of,
            window_opens_on,
            can_upload,
        })
    }

    async fn validate_inner(
        &self,
        plan: &UploadPlan,
        job_id: &str,
        cancel: &CancellationToken,
        sink: ProgressSink,
    ) -> Result<(Report, SourceFile, Option<jiff::civil::Date>, bool)> {
        let ctx = self
            .counter_context(plan.counter_id, plan.mapping.kind)
            .await?;
        let window_opens_on =
            crate::window::closed_until(ctx.window_start, &ctx.time_zone, Timestamp::now());
        let opts = self.validate_options(&ctx, plan);
        let report = self
            .run_pipeline(
                plan,
                &opts,
                check_output(&self.paths.root),
                job_id,
                cancel,
                sink.clone(),
            )
            .await?;
        let source = hash_source(&plan.path, job_id, cancel, &sink).await?;
        Ok((report, source, window_opens_on, ctx.can_upload))
    }

    async fn run_pipeline(
        &self,
        plan: &UploadPlan,
        opts: &ValidateOptions,
        output: Option<OutputSpec>,
        job_id: &str,
        cancel: &CancellationToken,
        sink: ProgressSink,
    ) -> Result<Report> {
        let (path, read, mapping, opts) = (
            plan.path.clone(),
            plan.read.clone(),
            plan.mapping.clone(),
            opts.clone(),
        );
        let cancel = cancel.clone();
        let job = job_id.to_string();
        let stage = if output.as_ref().is_some_and(|o| o.metrica) {
            Stage::Writing
        } else {
            Stage::Validating
        };
        tokio::task::spawn_blocking(move || {
            let mut last = std::time::Instant::now();
            let mut cb = |p: mb_import::pipeline::Progress| {
                if cancel.is_cancelled() {
                    return ControlFlow::Break(());
                }
                if last.elapsed().as_millis() >= 100 {
                    last = std::time::Instant::now();
                    let total = (p.total_bytes > 0).then_some(p.total_bytes);
                    sink(progress(&job, stage, p.bytes_read, total, p.rows));
                }
                ControlFlow::Continue(())
            };
            crate::import::run(&path, &read, &mapping, &opts, output.as_ref(), &mut cb)
        })
        .await
        .map_err(join_error)?
    }

    // --- upload ----------------------------------------------------------------------------

    /// The whole pipeline in one call, without the review ([`Core::run_upload`]).
    pub async fn upload(
        &self,
        plan: &UploadPlan,
        job_id: &str,
        sink: ProgressSink,
    ) -> Result<UploadOutcome> {
        Ok(self.run_upload(plan, job_id, sink, |_| {}).await?.outcome)
    }

    /// Phase one, nothing leaves the computer: counter context → duplicate check → validate
    /// & prepare → the ledger's verdicts. The answer says what phase two WOULD send (the
    /// review: «Отправим N новых строк из M»); a front end shows it, then calls
    /// [`Core::send_prepared`] or drops it (which deletes the prepared files).
    pub async fn prepare_upload(
        &self,
        plan: &UploadPlan,
        job_id: &str,
        sink: ProgressSink,
    ) -> Result<Prepared> {
        self.prepare_registered(plan, job_id, sink, Purpose::Send)
            .await
    }

    /// [`Core::prepare_inner`] as a phase of job `job_id` (its cancel token).
    async fn prepare_registered(
        &self,
        plan: &UploadPlan,
        job_id: &str,
        sink: ProgressSink,
        purpose: Purpose,
    ) -> Result<Prepared> {
        let sink = metered(sink);
        let cancel = self.start_job(job_id);
        let out = self
            .prepare_inner(plan, job_id, &cancel, sink, purpose)
            .await;
        self.end_job(job_id);
        out
    }

    async fn prepare_inner(
        &self,
        plan: &UploadPlan,
        job_id: &str,
        cancel: &CancellationToken,
        sink: ProgressSink,
        purpose: Purpose,
    ) -> Result<Prepared> {
        let kind = plan.mapping.kind;
        let (login, _) = self.client().await?;
        let ctx = self.counter_context(plan.counter_id, kind).await?;
        if !ctx.can_upload {
            return Err(AppError::NoAccess {
                counter_id: plan.counter_id,
            });
        }
        crate::window::ensure_open(&ctx, Timestamp::now())?;
        // One send at a time per counter and kind decides what is new and sends it: a second
        // (a job's run beside the window) waits, then finds the first one's rows known. Taken
        // before the file is read, so what is read is what goes (an export rewritten during
        // the wait is read as it is then).
        let lock = match purpose {
            Purpose::Send => Some(
                self.send_lock(plan.counter_id, kind, job_id, cancel, &sink)
                    .await?,
            ),
            // A count for the Check step decides nothing: it does not wait for a send going
            // to the counter (the send itself counts again under the lock).
            Purpose::Count => None,
        };
        sink(progress(job_id, Stage::Reading, 0, None, 0));
        let source = hash_source(&plan.path, job_id, cancel, &sink).await?;
        // Sends whose process died or whose answer was lost are looked up on the server first
        // (by their marker): the duplicate check and the ledger then know whether Metrica has
        // them, and a dead «sending» is not taken for a send still going.
        let settled = self.settle_unknown_sends(plan.counter_id, kind).await;
        // Only new calls, while a cut-off send of them could not be looked up (Metrica out of
        // reach, a quota): its rows are not known to the ledger and would go a second time if
        // Metrica has them, and may count twice. The send stops with that trouble, as it would
        // meet it anyway; nothing leaves. (CRM records are updated by id and a conversion sent
        // again replaces itself: sending them again is harmless. A look-up refused for another
        // reason, such as an account signed out since, would stop every later send: it is left
        // to the resend.)
        if matches!(purpose, Purpose::Send)
            && plan.only_new
            && kind.counts_sent_again()
            && let Some(e) = settled.unknown.values().find(|e| {
                matches!(
                    e,
                    AppError::Network { .. }
                        | AppError::Server { .. }
                        | AppError::QuotaExceeded { .. }
                )
            })
        {
            return Err(e.clone());
        }
        let mut unsettled = None;
        if let Some(earlier) =
            self.store
                .find_duplicate(i64::from(plan.counter_id), kind, &source.sha256)?
        {
            // A send of this file that was cut off and that Metrica could not be asked about
            // just now (or left «sending») is never sent again past this point, not even when
            // the user confirmed the duplicate: Metrica may have it. One looked up and not
            // found goes again only when confirmed (a job's run, «Отправить всё»): like its
            // resend, which looks once and sends. Otherwise, only the new rows of a file
            // Metrica accepted before go without asking (the ledger may answer «nothing new»,
            // which a scheduled upload does not call an error).
            let unknown_now = earlier.is_cut_off()
                && !(earlier.state == UploadState::Interrupted
                    && settled.absent.contains(&earlier.id));
            let asked = !(plan.force || plan.only_new && earlier.state.is_accepted());
            // A cut-off send of these calls Metrica does not list yet: said as what it waits
            // for (its resend would wait as well); a count goes on to say so.
            if let Some(u) = settled.unsettled.get(&earlier.id) {
                match purpose {
                    Purpose::Send => return Err(self.cut_off_unsettled(u)),
                    Purpose::Count => unsettled = Some(self.cut_off_unsettled(u)),
                }
            } else if unknown_now || asked {
                return Ok(Prepared::Stopped(UploadOutcome::Duplicate {
                    earlier: Box::new(earlier),
                }));
            }
        }
        // Prepared files live in the data folder until the upload is final (resend needs them).
        let dir = self.paths.outgoing().join(format!(
            "{}-{}",
            Timestamp::now().strftime("%Y%m%dT%H%M%S"),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        ));
        crate::config::private_dir(&dir).map_err(|e| AppError::Storage {
            detail: e.to_string(),
        })?;
        let mut spec = OutputSpec::new(dir.join("metrica.csv"));
        spec.rejected_path = Some(dir.join("rejected-rows.csv"));
        // The reasons in the rejected-rows file, in the language the person reads.
        spec.lang = self.lang.unwrap_or_else(|| {
            self.settings()
                .map(|s| crate::notices::notice_lang(&s.language))
                .unwrap_or(mb_text::Lang::Ru)
        });
        if let Some(max) = self.part_bytes {
            spec.max_bytes = max;
        }
        let opts = self.validate_options(&ctx, plan);
        let report = match self
            .run_pipeline(plan, &opts, Some(spec), job_id, cancel, sink.clone())
            .await
        {
            Ok(r) => r,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(e);
            }
        };
        if !report.is_uploadable() {
            let _ = remove_outputs(&report);
            return Ok(Prepared::Stopped(UploadOutcome::Blocked {
                report: Box::new(report),
            }));
        }
        let mut prepared = PreparedUpload {
            plan: plan.clone(),
            ctx,
            login,
            source,
            parts: report.outputs.clone(),
            review: SendReview {
                valid_rows: report.valid_rows,
                new_rows: report.valid_rows,
                unchanged_rows: 0,
                changed_rows: 0,
                corrected_rows: 0,
                outdated_rows: 0,
                again_rows: 0,
                only_new: plan.only_new,
            },
            report: Box::new(report),
            dir: Some(dir),
            unsettled: None,
            _lock: lock,
        };
        // Only new rows: filter each part through the ledger.
        if plan.only_new {
            let (filtered, f) = self
                .ledger_filter_parts(plan.counter_id, kind, &prepared.parts)
                .await?;
            let unchanged = f.skipped;
            prepared.parts = filtered;
            prepared.review.unchanged_rows = unchanged;
            prepared.review.changed_rows = f.changed;
            prepared.review.corrected_rows = f.corrected;
            prepared.review.outdated_rows = f.outdated;
            prepared.review.new_rows = prepared.review.valid_rows.saturating_sub(unchanged);
        } else if self
            .store
            .ledger_segments(i64::from(plan.counter_id), kind)?
            > 0
        {
            // Every row goes: say how many of them Metrica has already, and how many of those
            // carry older values than Metrica's.
            let f = self
                .ledger_count_parts(plan.counter_id, kind, &prepared.parts)
                .await?;
            prepared.review.again_rows = f.skipped;
            prepared.review.corrected_rows = f.corrected;
            prepared.review.outdated_rows = f.outdated;
        }
        // Calls of a cut-off send Metrica does not list yet may be there: none of them goes
        // again before a later look-up settles it (a grown export, or every row, would repeat
        // them; the ledger does not know them). Other calls go.
        if kind.counts_sent_again() && unsettled.is_none() {
            for u in settled.unsettled.values() {
                if self.repeats_pending(u, &prepared.parts).await? {
                    match purpose {
                        Purpose::Send => return Err(self.cut_off_unsettled(u)),
                        Purpose::Count => {
                            unsettled = Some(self.cut_off_unsettled(u));
                            break;
                        }
                    }
                }
            }
        }
        prepared.unsettled = unsettled;
        Ok(Prepared::Ready(Box::new(prepared)))
    }

    /// What «только новые строки» would do with the file's valid rows for this counter and
    /// kind, counted without sending anything (nothing prepared when the ledger is empty
    /// there and no send of calls was cut off): the rows it leaves out as Metrica holds them
    /// ([`SendReview::unchanged_rows`], the changed calls and the older values among them),
    /// the corrections it sends, and whether the send would wait for a cut-off send of calls.
    pub async fn known_rows(
        &self,
        plan: &UploadPlan,
        job_id: &str,
        sink: ProgressSink,
    ) -> Result<KnownRows> {
        let kind = plan.mapping.kind;
        let counter = i64::from(plan.counter_id);
        let cut_calls = kind.counts_sent_again()
            && !self
                .store
                .uploads(&mb_history::UploadFilter {
                    counter: Some(counter),
                    kind: Some(kind),
                    states: vec![UploadState::Interrupted, UploadState::Sending],
                    limit: Some(1),
                    ..Default::default()
                })?
                .is_empty();
        if self.store.ledger_segments(counter, kind)? == 0 && !cut_calls {
            return Ok(KnownRows::default());
        }
        let mut p = plan.clone();
        p.only_new = true;
        p.force = true;
        p.skip_invalid = true;
        Ok(
            match self
                .prepare_registered(&p, job_id, sink, Purpose::Count)
                .await?
            {
                Prepared::Ready(r) => KnownRows {
                    review: Some(r.review),
                    unsettled: r.unsettled.clone(),
                },
                Prepared::Stopped(_) => KnownRows::default(),
            },
        )
    }

    /// Phase two: records each part (its row keys staged in the ledger), sends it and
    /// records the outcome. With nothing new to send it sends nothing and says so. An error
    /// once a part is in the history is the outcome's `stopped`, beside the parts (see
    /// [`UploadOutcome::Sent`]); `Err` means no part was recorded.
    pub async fn send_prepared(
        &self,
        mut p: Box<PreparedUpload>,
        job_id: &str,
        sink: ProgressSink,
    ) -> Result<UploadOutcome> {
        let report = p.report.clone();
        if p.review.new_rows == 0 || p.parts.is_empty() {
            return Ok(UploadOutcome::NothingNew {
                report,
                unchanged_rows: p.review.unchanged_rows,
            });
        }
        let sink = metered(sink);
        let _sending = self.sending();
        let cancel = self.start_job(job_id);
        if cancel.is_cancelled() {
            // Stopped after the review (or while the ledger filtered): nothing leaves, and
            // the prepared files go with `p`.
            self.end_job(job_id);
            return Err(AppError::Cancelled);
        }
        // The whole send (status map, every part) goes as the account it was prepared for.
        let login = p.login.clone();
        let out = crate::jobs::ACCOUNT
            .scope(
                login,
                self.send_inner(&mut p, &report, job_id, &cancel, sink),
            )
            .await;
        self.end_job(job_id);
        let (uploads, stopped) = out?;
        Ok(UploadOutcome::Sent {
            report,
            uploads,
            unchanged_rows: p.review.unchanged_rows,
            stopped,
        })
    }

    /// Sends the parts in order; the answer is every part recorded and the error that
    /// stopped the send, if one did. `Err` only when the send stopped before any part was in
    /// the history (the status map, or recording the first part).
    async fn send_inner(
        &self,
        p: &mut PreparedUpload,
        report: &Report,
        job_id: &str,
        cancel: &CancellationToken,
        sink: ProgressSink,
    ) -> Result<(Vec<Upload>, Option<AppError>)> {
        let plan = &p.plan;
        let kind = plan.mapping.kind;
        if kind == UploadKind::Orders {
            self.sync_status_map(plan).await?;
        } else if kind.is_crm() && !plan.status_entries.is_empty() {
            // Simple orders are mapped locally (reference §5.5); remember the choice.
            self.store
                .save_status_map(i64::from(plan.counter_id), &local_status_map(plan))?;
        }
        // From here the prepared files belong to the history entries (resend needs them).
        let shares = PartShares::of(&p.parts)?;
        p.dir = None;
        let mut uploads = Vec::new();
        let mut parts = p.parts.iter();
        // An error on a part (a sign-in that expired, Metrica out of reach) stops the send
        // like a part that did not go: the later parts are recorded first, then it is told,
        // beside the parts.
        let mut stopped = None;
        // A part that could not be recorded (storage) leaves the later ones unrecorded too:
        // recorded as not sent after a hole, their rows would be nowhere in order.
        let mut record_later = true;
        for part in parts.by_ref() {
            let recorded = match self
                .record_part(
                    &p.login, &p.ctx, plan, &p.review, &p.source, report, &shares, part,
                )
                .await
            {
                Ok(r) => r,
                Err(e) => {
                    stopped = Some(e);
                    record_later = false;
                    break;
                }
            };
            let id = recorded.id;
            let sent = match self.ledger_stage_part(id, kind, part).await {
                Ok(()) => self.send_recorded(recorded, job_id, cancel, &sink).await,
                Err(e) => {
                    record_later = false;
                    Err(e)
                }
            };
            let u = match sent {
                Ok(u) => u,
                Err(e) => {
                    // The part it stopped on, as the history has it now. One the error
                    // stopped before it left (a sign-in that could not be renewed, its file
                    // gone) did not go: it is failed with the reason, so it can be resent.
                    let read = self.store.upload(id).and_then(|u| {
                        if u.state == UploadState::Prepared {
                            self.store.mark_sending(id)?;
                            self.store.mark_failed(id, Some(&failure_of(&e).stored()))
                        } else {
                            Ok(u)
                        }
                    });
                    match read {
                        Ok(u) => uploads.push(u),
                        Err(read) => {
                            tracing::warn!(upload = id, error = %read, "part not read back")
                        }
                    }
                    stopped = Some(e);
                    break;
                }
            };
            let accepted = u.state.is_accepted();
            cleanup_if_final(&u);
            uploads.push(u);
            if !accepted {
                break;
            }
        }
        // A part that did not go stops the send; the parts after it are recorded as not sent
        // (each can be resent from History or the result), so none is lost or called sent.
        let later: Vec<&PathBuf> = if record_later {
            parts.collect()
        } else {
            Vec::new()
        };
        for part in later {
            match self.record_not_sent(p, report, &shares, part).await {
                Ok(u) => uploads.push(u),
                // The first error is the one that stopped the send; a later one is logged.
                Err(e) => {
                    match &stopped {
                        Some(first) => {
                            tracing::error!(error = %e, stopped = %first, "later parts not recorded")
                        }
                        None => stopped = Some(e),
                    }
                    break;
                }
            }
        }
        if let Some(e) = stopped {
            if uploads.is_empty() {
                return Err(e);
            }
            return Ok((uploads, Some(e)));
        }
        self.remember(plan, &p.ctx, &p.login)?;
        sink(progress(job_id, Stage::Done, 0, None, report.valid_rows));
        Ok((uploads, None))
    }

    /// Records a part after the one that stopped the send as failed, not sent.
    async fn record_not_sent(
        &self,
        p: &PreparedUpload,
        report: &Report,
        shares: &PartShares,
        part: &Path,
    ) -> Result<Upload> {
        let recorded = self
            .record_part(
                &p.login, &p.ctx, &p.plan, &p.review, &p.source, report, shares, part,
            )
            .await?;
        self.store.mark_sending(recorded.id)?;
        let reason = mb_history::FailureReason::NotSent.stored();
        Ok(self.store.mark_failed(recorded.id, Some(&reason))?)
    }

    /// Records one prepared part in the history (`prepared`), ready to be sent or resent.
    #[allow(clippy::too_many_arguments)]
    async fn record_part(
        &self,
        login: &str,
        ctx: &CounterContext,
        plan: &UploadPlan,
        review: &SendReview,
        source: &SourceFile,
        report: &Report,
        shares: &PartShares,
        part: &Path,
    ) -> Result<Upload> {
        let kind = plan.mapping.kind;
        let part_owned = part.to_path_buf();
        let part_info = tokio::task::spawn_blocking(move || SourceFile::from_path(&part_owned))
            .await
            .map_err(join_error)??;
        let rows = count_data_rows(part)?;
        let new = NewUpload {
            account_login: login.to_string(),
            counter_id: i64::from(ctx.id),
            kind,
            source: source.clone(),
            prepared_sha256: Some(part_info.sha256.clone()),
            mapping_template_id: None,
            mapping: serde_json::to_value(plan.mapping.summary()).ok(),
            rows: shares.rows(report, part, rows),
            issues: if shares.is_first(part) {
                issue_counts(report)
            } else {
                IssueCounts::default()
            },
            merge_mode: kind.is_crm().then_some(plan.merge_mode),
            options: Some(serde_json::json!({
                "prepared_file": part.display().to_string(),
                "delimiter_type": report.delimiter_type.as_str(),
                "new_goal_name": plan.new_goal_name,
                "note": plan.note,
                "counter_name": ctx.name,
                "time_zone": ctx.time_zone,
                // What a job made from this upload repeats (`jobs add --from-upload`).
                "plan": crate::jobs::recorded_plan(plan, &report.unmapped_columns),
                // What History says of the rows besides Metrica's counts: the corrections among
                // them, and the rows left out as Metrica has them (the file's, on its first part).
                // Only new rows: the rows left out as Metrica has them, and of those the earlier
                // data and the calls sent before with other content. Every row: the rows Metrica
                // had that went again, and of those the earlier data put back. As the result
                // screen says them.
                "review": shares.is_first(part).then(|| {
                    let r = review;
                    let (left, sent) = if r.only_new { (1, 0) } else { (0, 1) };
                    serde_json::json!({
                        "corrected": r.corrected_rows,
                        "known": r.unchanged_rows * left,
                        "outdated": r.outdated_rows * left,
                        "changed": r.changed_rows * left,
                        "again": r.again_rows * sent,
                        "outdated_sent": r.outdated_rows * sent,
                    })
                }),
            })),
        };
        // Every upload teaches the ledger once accepted, whatever the mode: its keys are
        // staged (by the caller) before anything leaves, and confirmed with the acceptance.
        let u = self.store.record_prepared(&new)?;
        if let Ok(run) = crate::jobs::RUN.try_with(|r| *r) {
            self.store.add_job_run_upload(run, u.id)?;
        }
        Ok(u)
    }

    /// Sends a `prepared` history entry's file and records the outcome.
    async fn send_recorded(
        &self,
        recorded: Upload,
        job_id: &str,
        cancel: &CancellationToken,
        sink: &ProgressSink,
    ) -> Result<Upload> {
        let (login, client) = self.client_of(&recorded.account_login).await?;
        let file = prepared_file(&recorded)?;
        let tag = UploadTag::parse(&recorded.tag).ok_or_else(|| AppError::Internal {
            detail: format!("history tag {} is not an upload tag", recorded.tag),
        })?;
        let id = recorded.id;
        if !self.store.ledger_has_pending(id)? {
            // A resend of a failed upload (failing withdrew its keys): stage them again.
            self.ledger_stage_part(id, recorded.kind, &file).await?;
        }
        // Known before the send starts: an error here leaves the upload as it was, not
        // «sending» with no one sending it.
        let claimed = self.claimed_ids(&recorded)?;
        self.store.mark_sending(id)?;
        let job = job_id.to_string();
        let sink2 = sink.clone();
        // Rows sent are estimated from bytes: the prepared file's rows are all alike.
        let total_rows = u32::try_from(recorded.rows.valid).unwrap_or(u32::MAX);
        let progress_fn: mb_api::ProgressFn = Arc::new(move |sent: u64, total: u64| {
            let rows = (u64::from(total_rows) * sent.min(total))
                .checked_div(total)
                .unwrap_or(0);
            // Every byte handed over: now the server reads the rest and answers («Ждём ответа
            // Метрики»), which is not "all rows sent" yet.
            let stage = if total > 0 && sent >= total {
                Stage::Waiting
            } else {
                Stage::Uploading
            };
            let mut p = progress(&job, stage, sent, Some(total), rows);
            p.total_rows = Some(total_rows);
            sink2(p);
        });
        let counter = recorded.counter_id as u64;
        let result = send(
            &client,
            &recorded,
            &file,
            &tag,
            &claimed,
            progress_fn,
            cancel,
        )
        .await;
        let u = match result {
            Ok(Sent::Offline(up)) => {
                self.store
                    .mark_sent(id, &up.id.to_string(), &offline_report(&up))?
            }
            Ok(Sent::Crm(meta)) => {
                self.store
                    .mark_sent(id, &meta.uploading_id, &crm_report(&meta))?
            }
            Err(ApiError::RejectedData {
                error_type,
                message,
                line,
            }) => {
                let text = match line {
                    Some(l) => format!("{error_type}: {message} (line {l})"),
                    None => format!("{error_type}: {message}"),
                };
                self.store.mark_rejected(id, Some(&text))?
            }
            Err(ApiError::UploadOutcomeUnknown { .. }) => self.store.mark_interrupted(id)?,
            // A cancel may land after the whole body went out: the outcome is then unknown, and
            // resending an interrupted upload looks for it on the server first.
            Err(ApiError::Cancelled) => self.store.mark_stopped_by_user(id)?,
            // Stopped before a byte of it went: not sent, nothing to look up, sent again safely.
            // The send stops with the cancel (a job's run is «interrupted», not «failed»).
            Err(ApiError::CancelledBeforeSend) => {
                self.store
                    .mark_failed(id, Some(&FailureReason::StoppedBeforeSend.stored()))?;
                return Err(AppError::Cancelled);
            }
            Err(e) if e.needs_sign_in() => {
                self.store
                    .mark_failed(id, Some(&FailureReason::SignInNeeded.stored()))?;
                return Err(self.api_err(&login, e));
            }
            Err(e) => {
                let msg = short_error(&e).stored();
                self.store.mark_failed(id, Some(&msg))?
            }
        };
        tracing::info!(
            upload = id,
            counter,
            state = u.state.as_str(),
            "upload recorded"
        );
        self.ledger_settle(&u).await;
        Ok(u)
    }

    /// Detailed orders carry mapped status ids: the counter must know them before the file
    /// arrives (reference §5.5). No page says whether the POST replaces the counter's list or
    /// updates the statuses it names, so the list read from the counter goes back whole with
    /// this file's statuses merged in by id: statuses mapped by earlier files (or a CRM's own
    /// integration) survive either reading. The local copy is kept per counter.
    async fn sync_status_map(&self, plan: &UploadPlan) -> Result<()> {
        if plan.status_entries.is_empty() {
            return Ok(());
        }
        let ours: Vec<mb_api::OrderStatusMapping> = plan
            .status_entries
            .iter()
            .map(|e| mb_api::OrderStatusMapping {
                id: e.status_id.clone(),
                humanized: e.value.clone(),
                kind: e.status_type,
                goal_action_ids: e.goal_ids.clone(),
                source: None,
            })
            .collect();
        let (login, client) = self.client().await?;
        let counter = u64::from(plan.counter_id);
        let mut mappings = client
            .order_statuses(counter)
            .await
            .map_err(|e| self.api_err(&login, e))?;
        for m in ours {
            match mappings.iter_mut().find(|x| x.id == m.id) {
                Some(x) => *x = m,
                None => mappings.push(m),
            }
        }
        // What the counter said of where a status came from is not ours to write back.
        for m in &mut mappings {
            m.source = None;
        }
        client
            .set_order_statuses(counter, &mappings)
            .await
            .map_err(|e| self.api_err(&login, e))?;
        self.store
            .save_status_map(i64::from(plan.counter_id), &local_status_map(plan))?;
        Ok(())
    }

    fn remember(&self, plan: &UploadPlan, ctx: &CounterContext, login: &str) -> Result<()> {
        let body = serde_json::to_value(&plan.mapping).map_err(|e| AppError::Internal {
            detail: e.to_string(),
        })?;
        self.store.save_template(
            plan.mapping.kind,
            &plan.mapping.signature,
            &crate::config::file_name(&plan.path),
            &body,
        )?;
        let mut profile =
            self.store
                .profile(i64::from(ctx.id))?
                .unwrap_or(mb_history::ClientProfile {
                    counter_id: i64::from(ctx.id),
                    account_login: login.to_string(),
                    counter_name: None,
                    default_goal: None,
                    currency: None,
                    time_zone: None,
                    merge_mode: MergeMode::Save,
                    hash_contacts: false,
                    ledger_opt_in: false,
                });
        profile.counter_name = Some(ctx.name.clone());
        profile.time_zone = Some(ctx.time_zone.clone());
        profile.account_login = login.to_string();
        profile.hash_contacts = plan.hash_contacts;
        profile.ledger_opt_in = plan.only_new;
        if plan.mapping.kind.is_crm() {
            profile.merge_mode = plan.merge_mode;
        }
        self.store.save_profile(&profile)?;
        Ok(())
    }

    // --- only new rows ----------------------------------------------------------------------

    async fn ledger_filter_parts(
        &self,
        counter_id: u32,
        kind: UploadKind,
        parts: &[PathBuf],
    ) -> Result<(Vec<PathBuf>, crate::ledger::Filtered)> {
        let store = self.store.clone();
        let parts = parts.to_vec();
        tokio::task::spawn_blocking(move || {
            let mut kept = Vec::new();
            let mut all = crate::ledger::Filtered::default();
            for part in parts {
                let verdicts = crate::ledger::verdicts_of_file(&store, counter_id, kind, &part)?;
                let out = part.with_extension("new.csv");
                let f = crate::ledger::filter_file(verdicts, kind, &part, &out)?;
                all.add(f);
                let _ = std::fs::remove_file(&part);
                if f.written > 0 {
                    std::fs::rename(&out, &part).map_err(|e| AppError::Storage {
                        detail: e.to_string(),
                    })?;
                    kept.push(part);
                } else {
                    let _ = std::fs::remove_file(&out);
                }
            }
            Ok((kept, all))
        })
        .await
        .map_err(join_error)?
    }

    /// What only-new mode would keep and leave out of the parts (nothing is changed).
    async fn ledger_count_parts(
        &self,
        counter_id: u32,
        kind: UploadKind,
        parts: &[PathBuf],
    ) -> Result<crate::ledger::Filtered> {
        let store = self.store.clone();
        let parts = parts.to_vec();
        tokio::task::spawn_blocking(move || {
            let mut all = crate::ledger::Filtered::default();
            for part in &parts {
                let verdicts = crate::ledger::verdicts_of_file(&store, counter_id, kind, part)?;
                all.add(crate::ledger::count_file(kind, &verdicts));
            }
            Ok(all)
        })
        .await
        .map_err(join_error)?
    }

    /// This counter and kind's send lock, saying «Ждём: …» while another send holds it.
    async fn send_lock(
        &self,
        counter_id: u32,
        kind: UploadKind,
        job_id: &str,
        cancel: &CancellationToken,
        sink: &ProgressSink,
    ) -> Result<SendLock> {
        SendLock::take(&self.paths.locks(), counter_id, kind, cancel, || {
            sink(progress(job_id, Stage::Queued, 0, None, 0));
        })
        .await
    }

    /// Before the ledger judges what is new: sends whose outcome is unknown (a dead process
    /// left them `sending`, or they ended `interrupted`) are looked up on the server once, so
    /// rows Metrica did accept are known and not sent twice. Best effort: when Metrica cannot
    /// be asked, the filter goes on with what the ledger knows.
    /// Before the ledger judges what is new: sends of this counter and kind whose outcome is
    /// unknown (a dead process left them `sending`, or they ended `interrupted`) are looked up
    /// on the server, so rows Metrica did accept are known and not sent twice. Answers what it
    /// learned: which are absent from the server (looked up now, or settled before), and which
    /// could not be asked about, with why. Dead sends of other counters are looked up too
    /// (best effort, as at start).
    async fn settle_unknown_sends(&self, counter_id: u32, kind: UploadKind) -> Settled {
        let mut out = Settled::default();
        let ours = |u: &Upload| u.counter_id == i64::from(counter_id) && u.kind == kind;
        match self.store.recover_on_start() {
            Ok(dead) => {
                for u in dead {
                    match self.reconcile_one(&u).await {
                        Ok(n) if ours(&u) && n.state == UploadState::Interrupted => {
                            self.not_found(n, &mut out);
                        }
                        Ok(_) => {}
                        Err(e) => {
                            tracing::warn!(upload = u.id, error = %e, "reconciliation postponed");
                            if ours(&u) {
                                out.unknown.insert(u.id, e);
                            }
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "dead sends not read"),
        }
        let open = self.store.uploads(&mb_history::UploadFilter {
            counter: Some(i64::from(counter_id)),
            kind: Some(kind),
            states: vec![UploadState::Interrupted],
            limit: Some(20),
            ..Default::default()
        });
        for u in open.unwrap_or_default() {
            if u.superseded_by.is_some() || out.absent.contains(&u.id) {
                continue;
            }
            if self.store.known_absent(u.id).unwrap_or(false) {
                out.absent.insert(u.id);
                continue;
            }
            match self.reconcile_interrupted(&u).await {
                Ok(n) if n.state == UploadState::Interrupted => self.not_found(n, &mut out),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(upload = u.id, error = %e, "interrupted upload not looked up");
                    out.unknown.insert(u.id, e);
                }
            }
        }
        out
    }

    /// Interrupted upload `u` was just looked up and not found: absent, unless it holds calls
    /// whose absence is not settled yet (Metrica lists an upload from its answer on).
    fn not_found(&self, u: Upload, out: &mut Settled) {
        if !u.kind.counts_sent_again() || self.store.known_absent(u.id).unwrap_or(false) {
            out.absent.insert(u.id);
        } else {
            out.unsettled.insert(u.id, u);
        }
    }

    /// Whether any of `parts` holds a row cut-off upload `u` staged before its send.
    async fn repeats_pending(&self, u: &Upload, parts: &[PathBuf]) -> Result<bool> {
        let store = self.store.clone();
        let (id, kind, parts) = (u.id, u.kind, parts.to_vec());
        tokio::task::spawn_blocking(move || -> Result<bool> {
            for p in &parts {
                if crate::ledger::shares_pending(&store, id, kind, p)? {
                    return Ok(true);
                }
            }
            Ok(false)
        })
        .await
        .map_err(join_error)?
    }

    /// The refusal of a send that could repeat cut-off upload `u`'s calls before its absence
    /// is settled.
    fn cut_off_unsettled(&self, u: &Upload) -> AppError {
        let at = self
            .store
            .absence_settles_at(u.id)
            .ok()
            .flatten()
            .unwrap_or_else(|| Timestamp::now() + mb_history::ABSENCE_SETTLES_AFTER);
        AppError::CutOffUnsettled {
            upload_id: u.id as u32,
            sent_at: u.created_at.to_string(),
            look_again_at: at.to_string(),
        }
    }

    async fn ledger_stage_part(&self, upload_id: i64, kind: UploadKind, part: &Path) -> Result<()> {
        let store = self.store.clone();
        let part = part.to_path_buf();
        tokio::task::spawn_blocking(move || {
            crate::ledger::stage_file(&store, upload_id, kind, &part)
        })
        .await
        .map_err(join_error)?
    }

    /// After an upload's state moved: an accepted upload whose keys were never staged (made
    /// by an older build, found by the reconcile) is completed from its kept prepared file,
    /// and the counter's ledger segments are merged. Never fails the caller: the acceptance
    /// is already recorded, and a merge left undone is only slower lookups.
    async fn ledger_settle(&self, u: &Upload) {
        if !u.state.is_accepted() {
            return;
        }
        let store = self.store.clone();
        let u = u.clone();
        let done = tokio::task::spawn_blocking(move || -> Result<()> {
            if !store.ledger_knows_upload(u.id)? && !store.ledger_has_pending(u.id)? {
                match prepared_file(&u) {
                    Ok(file) => crate::ledger::commit_file(&store, u.id, u.kind, &file)?,
                    Err(_) => tracing::warn!(
                        upload = u.id,
                        "accepted upload without staged keys and without its prepared file: \
                         the ledger cannot learn its rows"
                    ),
                }
            }
            store.ledger_compact(u.counter_id, u.kind)?;
            Ok(())
        })
        .await;
        match done {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "ledger upkeep postponed"),
            Err(e) => tracing::warn!(error = %e, "ledger upkeep panicked"),
        }
    }

    // --- follow-up ---------------------------------------------------------------------------

    /// Asks Metrica about one upload that is not final and records the answer.
    pub async fn refresh_status(&self, id: i64) -> Result<Upload> {
        let u = self.store.upload(id)?;
        if u.state == UploadState::Sending {
            // Still going (this window, or the CLI beside it): its own answer will say.
            // Only a send whose process is gone is looked up on the server.
            if self.store.send_in_progress(id)? {
                return Ok(u);
            }
            self.reconcile_one(&u).await?;
            return Ok(self.store.upload(id)?);
        }
        if !u.state.is_pollable() {
            return Ok(u);
        }
        let (login, client) = self.client_of(&u.account_login).await?;
        let server_id = u.server_upload_id.clone().unwrap_or_default();
        let counter = u.counter_id as u64;
        let report = match u.kind {
            UploadKind::Conversions | UploadKind::Calls => {
                let sid: i64 = server_id.parse().map_err(|_| AppError::Internal {
                    detail: format!("server upload id {server_id} is not a number"),
                })?;
                let up = if u.kind == UploadKind::Calls {
                    client.calls_uploading(counter, sid).await
                } else {
                    client.conversion_uploading(counter, sid).await
                }
                .map_err(|e| self.api_err(&login, e))?;
                offline_report(&up)
            }
            _ => {
                // CDP has no per-id status; its list carries the validation result (§5.1).
                // Back to a day before it was sent (the list's times may be the counter's
                // wall clock read as UTC), stopping at it.
                let sent = u.sent_at.unwrap_or(u.created_at);
                let list = client
                    .cdp_uploadings_back_to(
                        counter,
                        sent - jiff::SignedDuration::from_hours(24),
                        |m| m.uploading_id == server_id,
                    )
                    .await
                    .map_err(|e| self.api_err(&login, e))?;
                match list.into_iter().find(|m| m.uploading_id == server_id) {
                    Some(meta) => crm_report(&meta),
                    None => ServerReport::default(),
                }
            }
        };
        let u = self.store.record_server_report(id, &report)?;
        if u.state.is_final() {
            self.ledger_settle(&u).await;
        }
        cleanup_if_final(&u);
        Ok(u)
    }

    /// The follow-up a window runs while it is open (the desktop app, `mb-http`): reconciles
    /// what a previous run left once, then polls the uploads that are due every `every`, for
    /// ever. `on` hears of each upload a round changed, of a round that failed (the sign-in is
    /// gone) and of each round's end.
    pub async fn follow_up(&self, every: std::time::Duration, mut on: impl FnMut(FollowUp<'_>)) {
        match self.reconcile().await {
            Ok(list) => list.iter().for_each(|u| on(FollowUp::Reconciled(u))),
            Err(e) => tracing::warn!(error = %e, "reconciliation on start failed"),
        }
        loop {
            match self.poll_due().await {
                Ok(changed) => changed.iter().for_each(|u| on(FollowUp::Polled(u))),
                Err(e) => {
                    tracing::warn!(error = %e, "status follow-up paused: sign-in needed");
                    on(FollowUp::Failed(&e));
                }
            }
            on(FollowUp::RoundDone);
            tokio::time::sleep(every).await;
        }
    }

    /// Polls every upload whose next poll is due; returns the ones that changed.
    pub async fn poll_due(&self) -> Result<Vec<Upload>> {
        let due = self.store.pending_polls(self.store.now())?;
        self.poll_these(due).await
    }

    /// Asks Metrica now about every upload it is still working on (`mbridge status`: a person
    /// asking wants the answer of now, not of the follow-up's last turn); the ones whose state
    /// or linked count changed.
    pub async fn poll_open_now(&self) -> Result<Vec<Upload>> {
        let open = self.store.uploads(&mb_history::UploadFilter {
            states: vec![UploadState::Sent, UploadState::Processing],
            limit: Some(200),
            ..Default::default()
        })?;
        self.poll_these(open).await
    }

    async fn poll_these(&self, due: Vec<Upload>) -> Result<Vec<Upload>> {
        let mut changed = Vec::new();
        for u in due {
            match self.refresh_status(u.id).await {
                Ok(n) if n.state != u.state || n.linked_quantity != u.linked_quantity => {
                    changed.push(n)
                }
                Ok(_) => {}
                // The active account's sign-in is the user's to renew now; another account's
                // uploads wait until that account is signed in again.
                Err(e @ (AppError::TokenExpired { .. } | AppError::NotSignedIn))
                    if self.active_login().ok().as_deref() == Some(u.account_login.as_str()) =>
                {
                    return Err(e);
                }
                // A question that failed (no access any more, Metrica out of reach) is asked
                // again later, at the same growing intervals as an unfinished answer — not at
                // every tick of the app's timer.
                Err(e) => {
                    tracing::warn!(upload = u.id, error = %e, "status poll failed");
                    let next = u.poll_attempts.saturating_add(1);
                    if let Err(e) = self.store.schedule_next_poll(u.id, next) {
                        tracing::debug!(upload = u.id, error = %e, "not polled any more");
                    }
                }
            }
        }
        Ok(changed)
    }

    /// On start (and `mbridge status`): uploads a dead process left in `sending` are looked up
    /// on the server by their tag and marked sent, or interrupted when the server does not
    /// have them; interrupted ones whose absence is not settled are looked up again, so one
    /// Metrica lists late is recorded (its rows become known) without waiting for the next
    /// send to its counter. Answers the uploads whose state this changed.
    pub async fn reconcile(&self) -> Result<Vec<Upload>> {
        let mut out = Vec::new();
        for u in self.store.recover_on_start()? {
            match self.reconcile_one(&u).await {
                Ok(n) => out.push(n),
                Err(e) => tracing::warn!(upload = u.id, error = %e, "reconciliation postponed"),
            }
        }
        // Conversions and calls only: found by their marker, their absence settles (a CRM
        // upload is matched by time and size, is looked up by its resend, and would be asked
        // about at every start for good).
        let mut open = Vec::new();
        for kind in [UploadKind::Conversions, UploadKind::Calls] {
            open.extend(self.store.uploads(&mb_history::UploadFilter {
                kind: Some(kind),
                states: vec![UploadState::Interrupted],
                limit: Some(20),
                ..Default::default()
            })?);
        }
        for u in open {
            if u.superseded_by.is_some()
                || out.iter().any(|o| o.id == u.id)
                || self.store.known_absent(u.id).unwrap_or(false)
            {
                continue;
            }
            match self.reconcile_interrupted(&u).await {
                Ok(n) if n.state != u.state => out.push(n),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(upload = u.id, error = %e, "interrupted upload not looked up")
                }
            }
        }
        self.sweep_outgoing();
        Ok(out)
    }

    /// Prepared files hold the user's data (phones, e-mails) and stay only while an upload may
    /// need them (to be sent, followed or sent again). A process that died, or an upload that
    /// became final by another way (found after a crash, replaced by a resend), leaves them
    /// behind. A folder untouched for a day (a send of another process may be preparing one
    /// now) loses them: the whole folder when no upload knows it, else all but the
    /// rejected-rows file History offers beside its upload.
    fn sweep_outgoing(&self) {
        let Ok(dirs) = std::fs::read_dir(self.paths.outgoing()) else {
            return;
        };
        let Ok(all) = self.store.uploads(&mb_history::UploadFilter::default()) else {
            return;
        };
        let dir_of = |u: &Upload| {
            u.options
                .as_ref()?
                .get("prepared_file")?
                .as_str()
                .and_then(|p| Path::new(p).parent().map(Path::to_path_buf))
        };
        let mut known = std::collections::HashSet::new();
        let mut needed = std::collections::HashSet::new();
        for u in &all {
            if let Some(d) = dir_of(u) {
                if !matches!(
                    u.state,
                    UploadState::Processed | UploadState::LinkageFailure | UploadState::Superseded
                ) {
                    needed.insert(d.clone());
                }
                known.insert(d);
            }
        }
        let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(24 * 3600);
        for d in dirs.flatten() {
            let path = d.path();
            let old = d
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t < day_ago);
            if !old || !path.is_dir() || needed.contains(&path) {
                continue;
            }
            if !known.contains(&path) {
                tracing::info!(dir = %path.display(), "prepared files no upload knows removed");
                let _ = std::fs::remove_dir_all(&path);
                continue;
            }
            for f in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                if f.file_name() != "rejected-rows.csv" {
                    let _ = std::fs::remove_file(f.path());
                }
            }
            let _ = std::fs::remove_dir(&path);
        }
    }

    /// For a CRM upload, the server ids of the counter's other CRM uploads (a lost answer is
    /// never matched to one of them); nothing for conversions and calls (found by their tag).
    fn claimed_ids(&self, u: &Upload) -> Result<Vec<String>> {
        if !u.kind.is_crm() {
            return Ok(Vec::new());
        }
        // Around the send's own time (its tag), where the lookup searches.
        let at = UploadTag::parse(&u.tag).map_or(u.created_at, |t| t.created_at());
        Ok(self.store.claimed_crm_ids(u.counter_id, at)?)
    }

    async fn reconcile_one(&self, u: &Upload) -> Result<Upload> {
        let tag = UploadTag::parse(&u.tag).ok_or_else(|| AppError::Internal {
            detail: format!("bad tag {}", u.tag),
        })?;
        let u = match self.find_by_tag(u, &tag).await? {
            Some(found) => self.mark_found(u, &found)?,
            None => {
                let n = self.store.mark_interrupted(u.id)?;
                self.note_absent(&n)?;
                n
            }
        };
        self.ledger_settle(&u).await;
        Ok(u)
    }

    /// Looks `u` up on the server by its tag (CRM kinds: by time and size, leaving out the
    /// counter's uploads the app already knows), as its own account.
    async fn find_by_tag(&self, u: &Upload, tag: &UploadTag) -> Result<Option<FoundUpload>> {
        let (login, client) = self.client_of(&u.account_login).await?;
        let claimed = self.claimed_ids(u)?;
        client
            .find_upload_by_tag(
                u.counter_id as u64,
                u.kind,
                tag,
                Some(u.rows.valid),
                &claimed,
            )
            .await
            .map_err(|e| self.api_err(&login, e))
    }

    /// Records the upload the server was found to have as sent, with its report.
    fn mark_found(&self, u: &Upload, found: &FoundUpload) -> Result<Upload> {
        Ok(match found {
            FoundUpload::Offline(up) => {
                self.store
                    .mark_sent(u.id, &up.id.to_string(), &offline_report(up))?
            }
            FoundUpload::Crm(meta) => {
                self.store
                    .mark_sent(u.id, &meta.uploading_id, &crm_report(meta))?
            }
        })
    }

    /// Sends an interrupted or failed upload again, in one action: a new history entry with a
    /// new tag, the same prepared file (checked unchanged by its hash).
    ///
    /// Long like a send: «Читаем файл» (its hash) with bytes, «Ждём ответа Метрики» while the
    /// server is asked whether it has the upload after all, then the send with rate and time
    /// left. `cancel(job_id)` stops it at any of these; a cancel before the send leaves the
    /// upload as it was.
    pub async fn resend(&self, id: i64, job_id: &str, sink: ProgressSink) -> Result<Upload> {
        let sink = metered(sink);
        let _sending = self.sending();
        let cancel = self.start_job(job_id);
        let out = self.resend_inner(id, job_id, &cancel, &sink).await;
        self.end_job(job_id);
        if let Ok(u) = &out {
            cleanup_if_final(u);
        }
        out
    }

    async fn resend_inner(
        &self,
        id: i64,
        job_id: &str,
        cancel: &CancellationToken,
        sink: &ProgressSink,
    ) -> Result<Upload> {
        let old = self.store.upload(id)?;
        // Accepted, finished or sent again already: nothing to resend, said as such before
        // the file, the lock or the ledger could give another reason.
        if !old.is_resendable() {
            return Err(mb_history::Error::NotResendable {
                id,
                state: old.state,
            }
            .into());
        }
        let file = prepared_file(&old)?;
        sink(progress(job_id, Stage::Reading, 0, None, 0));
        if let Some(expected) = &old.prepared_sha256 {
            let now = hash_source(&file, job_id, cancel, sink).await?;
            if &now.sha256 != expected {
                return Err(AppError::InvalidInput {
                    field: "prepared_file".into(),
                    reason: "changed_since_prepared".into(),
                });
            }
        }
        let _lock = self
            .send_lock(old.counter_id as u32, old.kind, job_id, cancel, sink)
            .await?;
        if old.state == UploadState::Interrupted {
            // The server may have it after all: look once more before sending again.
            sink(progress(job_id, Stage::Waiting, 0, None, 0));
            let again = tokio::select! {
                r = self.reconcile_interrupted(&old) => r?,
                _ = cancel.cancelled() => return Err(AppError::Cancelled),
            };
            if again.state.is_accepted() {
                return Ok(again);
            }
            // Calls: one look-up that does not find it proves nothing yet.
            if old.kind.counts_sent_again() && !self.store.known_absent(old.id)? {
                return Err(self.cut_off_unsettled(&again));
            }
        }
        // Calls another cut-off send may have delivered (Metrica does not list it yet): none
        // of them goes again in this resend either.
        if old.kind.counts_sent_again() {
            let settled = self
                .settle_unknown_sends(old.counter_id as u32, old.kind)
                .await;
            for u in settled.unsettled.values().filter(|u| u.id != old.id) {
                if self.repeats_pending(u, std::slice::from_ref(&file)).await? {
                    return Err(self.cut_off_unsettled(u));
                }
            }
        }
        if cancel.is_cancelled() {
            return Err(AppError::Cancelled);
        }
        // Rows another upload has delivered since (the same file sent again after this one
        // failed): a call sent again may count twice, and a row Metrica has with other values
        // (an amount, a status) would get this upload's back, older or not. A conversion or a
        // CRM record Metrica has as it is here is harmless to send again.
        {
            let store = self.store.clone();
            let (counter, kind, path) = (old.counter_id as u32, old.kind, file.clone());
            let known = tokio::task::spawn_blocking(move || {
                crate::ledger::verdicts_of_file(&store, counter, kind, &path).map(|v| {
                    v.into_iter()
                        .filter(|v| match v {
                            mb_history::LedgerVerdict::New => false,
                            mb_history::LedgerVerdict::Changed
                            | mb_history::LedgerVerdict::Reverted => true,
                            mb_history::LedgerVerdict::Unchanged => kind.counts_sent_again(),
                        })
                        .count()
                })
            })
            .await
            .map_err(join_error)??;
            if known > 0 {
                return Err(AppError::InvalidInput {
                    field: "upload".into(),
                    reason: crate::error::SENT_SINCE.into(),
                });
            }
        }
        // A stop while the file was read again leaves the upload as it was (no new row).
        if cancel.is_cancelled() {
            return Err(AppError::Cancelled);
        }
        let new = self.store.resend(id)?;
        let new_id = new.id;
        let sent = self.send_recorded(new, job_id, cancel, sink).await;
        // Stopped before the new row was sending (a sign-in that could not be renewed, a stop):
        // it is failed with the reason and can be sent again, as the first send's parts are,
        // not left «prepared» for good with the original marked as sent again.
        if let Err(e) = &sent
            && let Ok(u) = self.store.upload(new_id)
            && u.state == UploadState::Prepared
        {
            let _ = self.store.mark_sending(new_id).and_then(|_| {
                self.store
                    .mark_failed(new_id, Some(&failure_of(e).stored()))
            });
        }
        sent
    }

    async fn reconcile_interrupted(&self, u: &Upload) -> Result<Upload> {
        let Some(tag) = UploadTag::parse(&u.tag) else {
            return Ok(u.clone());
        };
        let Some(found) = self.find_by_tag(u, &tag).await? else {
            self.note_absent(u)?;
            return Ok(u.clone());
        };
        let found = self.mark_found(u, &found)?;
        self.ledger_settle(&found).await;
        Ok(found)
    }

    /// Records a look-up that did not find interrupted upload `u` on the server. Only
    /// conversions and calls, which are found by their exact marker: a CRM upload is matched
    /// by time and size, and «not found» may mean «several fit» (and resending CRM records is
    /// harmless).
    fn note_absent(&self, u: &Upload) -> Result<()> {
        if matches!(u.kind, UploadKind::Conversions | UploadKind::Calls) {
            self.store.note_absent_on_server(u.id)?;
        }
        Ok(())
    }

    /// The server's own list of uploads for a counter (newest first).
    pub async fn server_uploads(
        &self,
        counter_id: u32,
        kind: UploadKind,
    ) -> Result<serde_json::Value> {
        let (login, client) = self.client().await?;
        let c = u64::from(counter_id);
        let v = match kind {
            UploadKind::Conversions => serde_json::to_value(
                client
                    .conversion_uploadings(c, Some(100), None)
                    .await
                    .map_err(|e| self.api_err(&login, e))?,
            ),
            UploadKind::Calls => serde_json::to_value(
                client
                    .calls_uploadings(c, Some(100), None)
                    .await
                    .map_err(|e| self.api_err(&login, e))?,
            ),
            _ => serde_json::to_value(
                client
                    .last_uploadings(c, Some(100), None)
                    .await
                    .map_err(|e| self.api_err(&login, e))?,
            ),
        };
        v.map_err(|e| AppError::Internal {
            detail: e.to_string(),
        })
    }
}

enum Sent {
    Offline(OfflineConversionUploading),
    Crm(UploadingMetaExternal),
}

async fn send(
    client: &Client,
    u: &Upload,
    file: &Path,
    tag: &UploadTag,
    claimed: &[String],
    progress: mb_api::ProgressFn,
    cancel: &CancellationToken,
) -> std::result::Result<Sent, ApiError> {
    let counter = u.counter_id as u64;
    let opt = |k: &str| {
        u.options
            .as_ref()
            .and_then(|o| o.get(k))
            .and_then(|v| v.as_str().map(str::to_string))
    };
    match u.kind {
        UploadKind::Conversions => client
            .upload_conversions(
                counter,
                file,
                &UploadOptions::new(tag.clone()),
                progress,
                cancel,
            )
            .await
            .map(Sent::Offline),
        UploadKind::Calls => client
            .upload_calls(
                counter,
                file,
                opt("new_goal_name").as_deref(),
                &UploadOptions::new(tag.clone()),
                progress,
                cancel,
            )
            .await
            .map(Sent::Offline),
        kind => {
            let mut o = CrmUploadOptions::new(tag.clone());
            o.merge_mode = u.merge_mode.unwrap_or_default();
            o.delimiter_type = match opt("delimiter_type").as_deref() {
                Some("SEMICOLON") => DelimiterType::Semicolon,
                _ => DelimiterType::Comma,
            };
            o.expected_rows = Some(u.rows.valid);
            o.claimed = claimed.to_vec();
            let r = match kind {
                UploadKind::SimpleOrders => {
                    client
                        .upload_simple_orders(counter, file, &o, progress, cancel)
                        .await
                }
                UploadKind::Contacts => {
                    client
                        .upload_contacts_csv(counter, file, &o, progress, cancel)
                        .await
                }
                _ => {
                    client
                        .upload_orders_csv(counter, file, &o, progress, cancel)
                        .await
                }
            };
            r.map(Sent::Crm)
        }
    }
}

fn local_status_map(plan: &UploadPlan) -> Vec<mb_history::StatusMapEntry> {
    plan.status_entries
        .iter()
        .map(|e| mb_history::StatusMapEntry {
            crm_value: e.value.clone(),
            status_id: e.status_id.clone(),
            status_type: e.status_type,
            humanized: e.value.clone(),
            goal_ids: Vec::new(),
        })
        .collect()
}

/// A prepared file holds the user's data: once Metrica has it for good, it goes.
fn cleanup_if_final(u: &Upload) {
    if u.state.is_final()
        && u.state.is_accepted()
        && let Ok(f) = prepared_file(u)
    {
        let _ = std::fs::remove_file(&f);
        if let Some(dir) = f.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// The Metrica-ready file an upload sent (or was to send), while it is still on disk.
pub(crate) fn prepared_file(u: &Upload) -> Result<PathBuf> {
    u.options
        .as_ref()
        .and_then(|o| o.get("prepared_file"))
        .and_then(|v| v.as_str())
        .map(PathBuf::from)
        .filter(|p| p.exists())
        .ok_or_else(|| AppError::NotFound {
            what: format!("prepared_file:{}", u.id),
        })
}

fn offline_report(u: &OfflineConversionUploading) -> ServerReport {
    let status = ServerStatus::parse(u.status.as_str());
    // Metrica answers the matching counts as 0 until it has matched the file (reference §4.3):
    // a 0 before then means «not known yet», not «nothing linked», and is not kept.
    let matched = matches!(
        status,
        Some(ServerStatus::Uploading(
            mb_schema::UploadingStatus::Matched
                | mb_schema::UploadingStatus::Processed
                | mb_schema::UploadingStatus::LinkageFailure
        ))
    );
    let known = |n: Option<i64>| n.filter(|_| matched);
    ServerReport {
        status,
        source_quantity: u.source_quantity,
        line_quantity: u.line_quantity,
        linked_quantity: known(u.linked_quantity),
        user_not_found_quantity: known(u.user_not_found_quantity),
        goal_not_found_quantity: known(u.goal_not_found_quantity),
        static_calls_quantity: u.static_calls_quantity,
        dynamic_calls_quantity: u.dynamic_calls_quantity,
        elements_count: None,
        message: None,
    }
}

/// The CRM answer as History keeps it. Only `PASSED` and `FAILED` are documented; any other
/// value says nothing yet, so the upload stays sent and is asked about again (it was taken
/// for FAILED: «not stored», offered to be sent again).
fn crm_report(m: &UploadingMetaExternal) -> ServerReport {
    let status = match &m.api_validation_status {
        mb_api::ApiValidationStatus::Passed => Some(CdpValidation::Passed),
        mb_api::ApiValidationStatus::Failed => Some(CdpValidation::Failed),
        mb_api::ApiValidationStatus::Unknown(other) => {
            tracing::warn!(status = %other, "CRM upload answered with an unknown validation status");
            None
        }
    };
    ServerReport {
        status: status.map(ServerStatus::Validation),
        elements_count: m.elements_count.map(|n| n as i64),
        ..ServerReport::default()
    }
}

fn issue_counts(r: &Report) -> IssueCounts {
    IssueCounts {
        errors: r.total(Severity::Error),
        warnings: r.total(Severity::Warning),
        notices: r.total(Severity::Notice),
    }
}

/// History's reason for a part an error stopped before it left.
fn failure_of(e: &AppError) -> FailureReason {
    match e {
        AppError::NotSignedIn | AppError::TokenExpired { .. } | AppError::SignInFailed { .. } => {
            FailureReason::SignInNeeded
        }
        AppError::NoAccess { .. } => FailureReason::NoAccess,
        AppError::Network { .. } => FailureReason::Network,
        AppError::Server { status } => FailureReason::ServerError { status: *status },
        AppError::Cancelled => FailureReason::StoppedBeforeSend,
        AppError::LinkingWindowNotOpen { date } => {
            FailureReason::LinkingWindow { date: date.clone() }
        }
        _ => FailureReason::NotSent,
    }
}

fn short_error(e: &ApiError) -> FailureReason {
    match e {
        ApiError::Network(_) => FailureReason::Network,
        ApiError::Server { status, .. } => FailureReason::ServerError { status: *status },
        // Only a daily quota waits for 00:00 UTC; the others pass in minutes.
        ApiError::QuotaExceeded { kind, .. } if kind.is_daily() => FailureReason::QuotaExceeded,
        ApiError::QuotaExceeded { .. } => FailureReason::QuotaBusy,
        ApiError::NoAccess { .. } => FailureReason::NoAccess,
        ApiError::NotFound => FailureReason::NotFound,
        ApiError::LinkingWindowNotOpen { date } => {
            FailureReason::LinkingWindow { date: date.clone() }
        }
        // Metrica's own words for a refusal stay its words (masked when stored).
        ApiError::RejectedData { .. } => FailureReason::Message {
            text: e.to_string(),
        },
        // The rest is the app's English for developers (an answer it could not read, …): the
        // user gets a reason in words; the details went to the log.
        other => {
            tracing::warn!(error = %other, "upload failed");
            FailureReason::Unexpected
        }
    }
}

/// What [`Core::settle_unknown_sends`] learned about a counter's sends of unknown outcome.
#[derive(Default)]
struct Settled {
    /// Interrupted, and not on the server: looked up now (conversions and CRM records, which
    /// are harmless to send again), or settled by two look-ups half an hour apart.
    absent: std::collections::HashSet<i64>,
    /// Calls not found by a look-up that does not settle it yet (see
    /// [`AppError::CutOffUnsettled`]): their rows may be on Metrica.
    unsettled: std::collections::BTreeMap<i64, Upload>,
    /// Could not be asked about, with why.
    unknown: std::collections::HashMap<i64, AppError>,
}

/// Why a file is prepared: to be sent (under the counter's send lock), or only to count what
/// would go (the Check step).
#[derive(Clone, Copy)]
enum Purpose {
    Send,
    Count,
}

/// How a file sent in parts is told in the history: each part its own rows, and what belongs
/// to the whole file (its rows with errors left out, the rows known before, its issues) on the
/// first part only, so History and its CSV export add up to the file once, not once per part.
struct PartShares {
    first: Option<PathBuf>,
    /// Rows the parts after the first carry.
    others: u64,
}

impl PartShares {
    fn of(parts: &[PathBuf]) -> Result<PartShares> {
        let mut others = 0;
        for part in parts.iter().skip(1) {
            others += count_data_rows(part)?;
        }
        Ok(PartShares {
            first: parts.first().cloned(),
            others,
        })
    }

    fn is_first(&self, part: &Path) -> bool {
        self.first.as_deref() == Some(part)
    }

    fn rows(&self, report: &Report, part: &Path, valid: u64) -> RowCounts {
        if self.is_first(part) {
            RowCounts {
                rows: report.rows.saturating_sub(self.others),
                valid,
                rejected: report.invalid_rows,
            }
        } else {
            RowCounts {
                rows: valid,
                valid,
                rejected: 0,
            }
        }
    }
}

fn count_data_rows(path: &Path) -> Result<u64> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| AppError::Storage {
            detail: e.to_string(),
        })?;
    let mut rec = csv::ByteRecord::new();
    let mut n = 0;
    while r
        .read_byte_record(&mut rec)
        .map_err(|e| AppError::Storage {
            detail: e.to_string(),
        })?
    {
        n += 1;
    }
    Ok(n)
}

fn remove_outputs(r: &Report) -> std::io::Result<()> {
    for p in &r.outputs {
        std::fs::remove_file(p)?;
    }
    Ok(())
}

pub(crate) fn counter_dto(c: &mb_api::Counter) -> dto::Counter {
    dto::Counter {
        id: c.id as u32,
        name: c.name.clone(),
        site: c.site_name().map(str::to_string),
        owner_login: c.owner_login.clone(),
        permission: match c.permission.as_deref() {
            Some("own") => Permission::Own,
            Some("edit") => Permission::Edit,
            Some("view") => Permission::View,
            _ => Permission::Other,
        },
        time_zone: c.time_zone_name.clone().unwrap_or_default(),
        utc_offset_minutes: c
            .time_zone_name
            .as_deref()
            .and_then(|tz| jiff::tz::TimeZone::get(tz).ok())
            .map(|zone| zone.to_offset(jiff::Timestamp::now()).seconds() / 60),
        can_upload: c.can_upload(),
    }
}

fn goal_dto(g: &mb_api::Goal) -> dto::Goal {
    dto::Goal {
        id: g.id,
        name: g.name.clone(),
        identifier: g.goal_identifier().map(str::to_string),
        goal_type: g.kind.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::{counter_dto, crm_report, offline_report, short_error};

    /// Only the two documented CRM answers settle an upload; another value, or none, leaves it
    /// sent and asked about again (it was taken for FAILED: «not stored», offered again).
    #[test]
    fn an_unknown_crm_validation_status_settles_nothing() {
        use mb_history::{CdpValidation, ServerStatus};
        let meta = |status: Option<&str>| {
            let mut v = serde_json::json!({"uploading_id": "u1", "elements_count": 3});
            if let Some(s) = status {
                v["api_validation_status"] = s.into();
            }
            serde_json::from_value::<mb_api::UploadingMetaExternal>(v).unwrap()
        };
        let status = |s| crm_report(&meta(s)).status;
        assert_eq!(
            status(Some("PASSED")),
            Some(ServerStatus::Validation(CdpValidation::Passed))
        );
        assert_eq!(
            status(Some("FAILED")),
            Some(ServerStatus::Validation(CdpValidation::Failed))
        );
        assert_eq!(status(Some("IN_PROGRESS")), None);
        assert_eq!(status(Some("failed")), None);
        assert_eq!(status(None), None);
    }

    /// History's reason for a quota says when to send again: a daily quota waits for
    /// 00:00 UTC (03:00 Moscow); one per second, in flight or per hour passes in minutes (it
    /// said «after 03:00» for all). The app's own English never becomes the reason.
    #[test]
    fn failure_reasons_are_words_not_the_apps_english() {
        use mb_api::{ApiError, QuotaKind};
        use mb_history::FailureReason;
        let quota = |kind| ApiError::QuotaExceeded {
            kind,
            retry_at: None,
        };
        assert_eq!(
            short_error(&quota(QuotaKind::RequestsByUid)),
            FailureReason::QuotaExceeded
        );
        for kind in [
            QuotaKind::RequestsByIp,
            QuotaKind::ParallelRequests,
            QuotaKind::Hourly("quota_delegate_requests".into()),
        ] {
            assert_eq!(short_error(&quota(kind)), FailureReason::QuotaBusy);
        }
        let unreadable = ApiError::Protocol {
            endpoint: "/x".into(),
            detail: "expected value at line 1 column 1".into(),
        };
        assert_eq!(short_error(&unreadable), FailureReason::Unexpected);
        assert_eq!(
            short_error(&ApiError::LinkingWindowNotOpen {
                date: "2026-12-10".into()
            }),
            FailureReason::LinkingWindow {
                date: "2026-12-10".into()
            }
        );
    }

    #[test]
    fn matching_counts_are_kept_only_once_metrica_has_matched_the_file() {
        let at = |status: &str| {
            let u: mb_api::OfflineConversionUploading = serde_json::from_value(serde_json::json!({
                "id": 7, "status": status, "source_quantity": 5, "line_quantity": 5,
                "linked_quantity": 0, "user_not_found_quantity": 0, "goal_not_found_quantity": 0,
            }))
            .unwrap();
            offline_report(&u)
        };
        for early in ["PREPARED", "UPLOADED", "EXPORTED"] {
            let r = at(early);
            assert_eq!(
                (
                    r.linked_quantity,
                    r.user_not_found_quantity,
                    r.goal_not_found_quantity
                ),
                (None, None, None),
                "{early}: Metrica's zeros mean «not known yet»"
            );
            assert_eq!(r.line_quantity, Some(5));
        }
        for matched in ["MATCHED", "PROCESSED", "LINKAGE_FAILURE"] {
            assert_eq!(at(matched).linked_quantity, Some(0), "{matched}");
        }
    }

    fn counter(tz: Option<&str>) -> mb_api::Counter {
        let mut c: mb_api::Counter = serde_json::from_value(serde_json::json!({"id": 1})).unwrap();
        c.time_zone_name = tz.map(str::to_string);
        c
    }

    #[test]
    fn the_counter_carries_its_zones_offset_now() {
        // Zones without daylight saving, so the figures do not depend on the day the test runs.
        for (tz, minutes) in [
            ("Europe/Moscow", 180),
            ("Asia/Kolkata", 330),
            ("America/Bogota", -300),
            ("UTC", 0),
        ] {
            let c = counter_dto(&counter(Some(tz)));
            assert_eq!(c.utc_offset_minutes, Some(minutes), "{tz}");
        }
        // A zone the bundled database does not know, or none: the window shows the name alone.
        let odd = counter_dto(&counter(Some("Mars/Olympus_Mons")));
        assert_eq!(
            (odd.time_zone.as_str(), odd.utc_offset_minutes),
            ("Mars/Olympus_Mons", None)
        );
        assert_eq!(counter_dto(&counter(None)).utc_offset_minutes, None);
    }
}
