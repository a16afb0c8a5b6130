//! The agency overview's judgement, computed here so the app only shows it: a counter's
//! linked-share trend over its recent finished uploads and the warnings that need the user's
//! eye (the share dropped sharply, a job failed or sent nothing new for longer than its
//! schedule implies, data a job has not sent is about to leave Metrica's linking window),
//! plus the job views the Clients screen lists.

use jiff::{SignedDuration, Timestamp};
use mb_history::{JobRun, RunResult, Upload, UploadState};

use crate::dto::{JobRunView, JobView, OverviewWarning, OverviewWarningCode, UploadKind};
use crate::jobs::{Job, JobSource, JobStatus};

/// How many finished uploads the trend shows.
pub const TREND_LEN: usize = 8;
/// Metrica links a conversion only within 21 days of the visit (docs/metrika-api.md §4.3).
pub const LINKING_DAYS: i64 = 21;
/// Warn when fewer days than this are left to send a file a job has not sent.
pub const WARN_DAYS_LEFT: i64 = 5;

/// Uploads of fewer rows than this (as Metrica counted them) stay out of the trend: one
/// unlinked row is 0 %, one linked row 100 %, and neither says anything about the counter
/// (one such row raised «the share fell to 0 %» while History called it normal).
pub const MIN_TREND_ROWS: u64 = 10;

/// Linked shares of the finished uploads among `uploads` (any order) of at least
/// [`MIN_TREND_ROWS`] rows, oldest first, at most [`TREND_LEN`].
pub fn linked_trend(uploads: &[Upload]) -> Vec<f64> {
    let mut done: Vec<&Upload> = uploads
        .iter()
        .filter(|u| {
            matches!(
                u.state,
                UploadState::Processed | UploadState::LinkageFailure
            )
        })
        .filter(|u| u.linked_share().is_some())
        .filter(|u| u.line_quantity.unwrap_or(0) >= MIN_TREND_ROWS as i64)
        .collect();
    done.sort_by_key(|u| (u.created_at, u.id));
    let skip = done.len().saturating_sub(TREND_LEN);
    done.iter()
        .skip(skip)
        .filter_map(|u| u.linked_share())
        .collect()
}

/// The newest share when it fell sharply against the ones before it: at least 15 points
/// below their mean and under 60 % of it (needs two earlier points).
pub fn share_drop(trend: &[f64]) -> Option<f64> {
    let (&last, before) = trend.split_last()?;
    if before.len() < 2 {
        return None;
    }
    let mean = before.iter().sum::<f64>() / before.len() as f64;
    (mean - last >= 0.15 && last < mean * 0.6).then_some(last)
}

/// Days left before the oldest file a job has not sent leaves the linking window, when that
/// is [`WARN_DAYS_LEFT`] or fewer (a file's modification time stands for its newest row).
pub fn window_days_left(oldest_unsent: Option<Timestamp>, now: Timestamp) -> Option<i64> {
    let age = now.duration_since(oldest_unsent?);
    let left = (SignedDuration::from_hours(24 * LINKING_DAYS) - age).as_hours() / 24;
    (left <= WARN_DAYS_LEFT).then_some(left.max(0))
}

/// Every warning of one counter.
pub fn warnings(
    trend: &[f64],
    jobs: &[JobStatus],
    oldest_unsent: &dyn Fn(&Job) -> Option<Timestamp>,
    now: Timestamp,
) -> Vec<OverviewWarning> {
    let mut out = Vec::new();
    if let Some(v) = share_drop(trend) {
        out.push(OverviewWarning {
            code: OverviewWarningCode::LinkedShareDrop,
            job: None,
            job_name: None,
            value: Some(v),
        });
    }
    for s in jobs.iter().filter(|s| !s.job.paused) {
        if let Some(w) = &s.warning {
            out.push(OverviewWarning {
                code: if w == "overdue" {
                    OverviewWarningCode::JobOverdue
                } else {
                    OverviewWarningCode::JobFailed
                },
                job: Some(s.job.spec.title_or(&s.job.name).to_string()),
                job_name: Some(s.job.name.clone()),
                value: None,
            });
        }
        if let Some(left) = window_days_left(oldest_unsent(&s.job), now) {
            out.push(OverviewWarning {
                code: OverviewWarningCode::WindowClosing,
                job: Some(s.job.spec.title_or(&s.job.name).to_string()),
                job_name: Some(s.job.name.clone()),
                value: Some(left as f64),
            });
        }
    }
    out
}

/// Whether a run's new and sent-before counts say something: it sent, or counted rows of its
/// file. A run that found the file unchanged, still being written, or that died has none, and
/// neither has one stopped by rows with errors (it stopped before asking what is new: «новых 0,
/// уже было 0» of a file with new rows waiting was untrue).
pub fn file_read(r: &JobRun) -> bool {
    r.result != RunResult::Blocked
        && (r.result == RunResult::Sent || r.rows_new + r.rows_unchanged + r.rows_rejected > 0)
}

pub fn run_view(r: &JobRun) -> JobRunView {
    // Errors are kept typed (JSON); runs recorded before that kept their text, shown as it is.
    let (message, error) = match r.message.as_deref() {
        Some(m) if m.starts_with('{') => match serde_json::from_str::<crate::dto::AppError>(m) {
            Ok(e) => (None, Some(e)),
            Err(_) => (Some(m.to_string()), None),
        },
        other => (other.map(str::to_string), None),
    };
    JobRunView {
        id: r.id as u32,
        started_at: r.started_at.to_string(),
        finished_at: r.finished_at.map(|t| t.to_string()),
        result: r.result,
        bad: matches!(
            r.result,
            RunResult::Failed | RunResult::Blocked | RunResult::Rejected | RunResult::Interrupted
        ),
        files: r.files.clone(),
        file_read: file_read(r),
        rows_new: r.rows_new as u32,
        rows_unchanged: r.rows_unchanged as u32,
        rows_changed: r.rows_changed() as u32,
        rows_corrected: r.rows_corrected() as u32,
        rows_outdated: r.rows_outdated() as u32,
        new_columns: r.new_columns(),
        rows_rejected: r.rows_rejected as u32,
        message,
        error,
        upload_ids: r.upload_ids.iter().map(|&i| i as u32).collect(),
        report: r
            .report
            .clone()
            .and_then(|v| serde_json::from_value(v).ok()),
    }
}

/// A job as the app lists it; `demo`: the core runs on the demo (no OS scheduler for it).
pub fn job_view(s: &JobStatus, demo: bool) -> JobView {
    let j = &s.job;
    let (folder, pattern) = match &j.source {
        JobSource::Folder {
            folder, pattern, ..
        } => (folder.display().to_string(), Some(pattern.clone())),
        JobSource::File { path } => (path.display().to_string(), None),
    };
    let last_run = s.last_run.as_ref().map(run_view);
    let schedule = j.schedule().map(crate::dto::JobSchedule::from);
    // The newest run that took files held rows back for CRM statuses the job's map lacks:
    // the card offers to map them ([`crate::Core::job_new_statuses`]) until they are (the
    // report's examples are all in the map now; a report that kept none of them offers), and
    // says what that run held back by the policy it ran with.
    let statuses_to_map = s
        .last_taken
        .as_ref()
        .filter(|_| j.kind == UploadKind::SimpleOrders)
        .filter(|r| {
            r.report
                .clone()
                .and_then(|v| serde_json::from_value::<crate::dto::ValidationSummary>(v).ok())
                .is_some_and(|rep| {
                    use crate::dto::IssueCode as C;
                    let of_status = |c: C| matches!(c, C::UnmappedStatus | C::UnknownStatus);
                    let held = rep.counts.iter().any(|c| of_status(c.code) && c.count > 0);
                    let mut examples = rep.issues.iter().filter(|i| of_status(i.code)).peekable();
                    held && (examples.peek().is_none()
                        || examples.any(|i| {
                            i.value
                                .as_deref()
                                .is_some_and(|v| crate::jobs::needs_mapping(&j.spec.status_map, v))
                        }))
                })
        })
        .map(|r| match r.result {
            RunResult::Sent | RunResult::NothingNew => crate::dto::StatusesHeld::Rows,
            RunResult::Blocked => crate::dto::StatusesHeld::File,
            // Nothing of the file went for another reason (Metrica refused it, the network,
            // the process stopped): not the statuses' doing, and not the policy's.
            _ => crate::dto::StatusesHeld::Unsent,
        });
    // Columns the newest file it took had that the job neither reads nor knows (learnt since,
    // or read now): said on the card until «Учесть новые столбцы», whatever runs came after
    // (a run that found the file unchanged reads no header).
    let new_columns = s
        .last_taken
        .as_ref()
        .map(|r| r.new_columns())
        .unwrap_or_default()
        .into_iter()
        .filter(|c| {
            !j.spec
                .unread_columns
                .as_deref()
                .is_some_and(|k| crate::jobs::holds_column(k, c))
                && !j.spec.mapping.fields.values().any(|f| {
                    matches!(f, mb_import::mapping::FieldSource::Column { header, .. }
                        if mb_import::mapping::normalize_header(header)
                            == mb_import::mapping::normalize_header(c))
                })
        })
        .collect();
    JobView {
        name: j.name.clone(),
        title: j.spec.title_or(&j.name).to_string(),
        account: j.account_login.clone(),
        counter_id: j.counter_id,
        kind: j.kind,
        folder,
        pattern,
        every_key: crate::dto::JobSchedule::words_key(schedule.as_ref()),
        schedule,
        paused: j.paused,
        stop_on_bad_rows: j.spec.on_bad_rows == crate::jobs::BadRows::Stop,
        each_new_file: j.source.takes_each_new(),
        last_run,
        statuses_to_map,
        new_columns,
        next_run: s.next_run.map(|t| t.to_string()),
        warning: s.warning.clone(),
        scheduled: s.scheduled,
        schedule_block: match (s.scheduled, j.schedule().is_some(), demo) {
            (true, ..) => None,
            (false, false, _) => Some(crate::dto::ScheduleBlock::NoSchedule),
            (false, true, true) => Some(crate::dto::ScheduleBlock::Demo),
            (false, true, false) => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A share of a handful of rows says nothing about the counter: one unlinked row after
    /// uploads of hundreds does not raise «the share fell to 0 %».
    #[test]
    fn uploads_of_a_few_rows_stay_out_of_the_trend() {
        use mb_history::{
            IssueCounts, NewUpload, RowCounts, ServerReport, ServerStatus, SourceFile, Store,
        };
        let s = Store::open_in_memory().unwrap();
        let sent = |lines: i64, linked: i64, tag: &str| {
            let u = s
                .record_prepared(&NewUpload {
                    account_login: "a".into(),
                    counter_id: 1,
                    kind: UploadKind::Conversions,
                    source: SourceFile::from_bytes("f.csv", tag.as_bytes()),
                    prepared_sha256: None,
                    mapping_template_id: None,
                    mapping: None,
                    rows: RowCounts {
                        rows: lines as u64,
                        valid: lines as u64,
                        rejected: 0,
                    },
                    issues: IssueCounts::default(),
                    merge_mode: None,
                    options: None,
                })
                .unwrap();
            s.mark_sending(u.id).unwrap();
            s.mark_sent(
                u.id,
                tag,
                &ServerReport {
                    status: ServerStatus::parse("PROCESSED"),
                    line_quantity: Some(lines),
                    source_quantity: Some(lines),
                    linked_quantity: Some(linked),
                    ..Default::default()
                },
            )
            .unwrap()
        };
        let all = vec![
            sent(200, 120, "1"),
            sent(300, 180, "2"),
            sent(250, 150, "3"),
            sent(1, 0, "4"),
        ];
        let trend = linked_trend(&all);
        assert_eq!(trend, [0.6, 0.6, 0.6]);
        assert_eq!(share_drop(&trend), None);
        // The same fall over a real file is said.
        let all = [all, vec![sent(100, 10, "5")]].concat();
        assert_eq!(share_drop(&linked_trend(&all)), Some(0.1));
    }

    #[test]
    fn a_runs_error_comes_back_typed_and_notes_and_old_texts_as_they_are() {
        let run = |message: Option<String>| JobRun {
            id: 1,
            job_name: "roma".into(),
            started_at: "2026-12-01T09:00:00Z".parse().unwrap(),
            finished_at: None,
            result: mb_history::RunResult::Failed,
            files: vec![],
            upload_ids: vec![],
            rows_new: 0,
            rows_unchanged: 0,
            rows_rejected: 0,
            message,
            report: None,
        };
        let e = crate::dto::AppError::Network {
            detail: "connection refused".into(),
        };
        let v = run_view(&run(Some(serde_json::to_string(&e).unwrap())));
        assert_eq!((v.message, v.error), (None, Some(e)));
        let v = run_view(&run(Some("file_unchanged".into())));
        assert_eq!(
            (v.message.as_deref(), v.error),
            (Some("file_unchanged"), None)
        );
        let v = run_view(&run(Some("network error".into())));
        assert_eq!(v.message.as_deref(), Some("network error"));
    }

    #[test]
    fn a_sharp_drop_against_the_recent_mean_warns_and_noise_does_not() {
        assert_eq!(share_drop(&[0.6, 0.62, 0.2]), Some(0.2));
        assert_eq!(
            share_drop(&[0.6, 0.55, 0.5]),
            None,
            "a slow slide is not sharp"
        );
        assert_eq!(share_drop(&[0.6, 0.2]), None, "two points are not a trend");
        assert_eq!(
            share_drop(&[0.1, 0.12, 0.05]),
            None,
            "small shares move a little"
        );
        assert_eq!(share_drop(&[]), None);
    }

    #[test]
    fn the_window_warns_five_days_before_unsent_data_leaves_it() {
        let now: Timestamp = "2026-03-30T12:00:00Z".parse().unwrap();
        let days_ago = |d: i64| Some(now - SignedDuration::from_hours(24 * d));
        assert_eq!(window_days_left(days_ago(10), now), None);
        assert_eq!(window_days_left(days_ago(16), now), Some(5));
        assert_eq!(window_days_left(days_ago(20), now), Some(1));
        assert_eq!(window_days_left(days_ago(40), now), Some(0));
        assert_eq!(window_days_left(None, now), None);
    }
}
