//! Repeating jobs as stored: a job row (its profile body is JSON owned by mb-uploader), its
//! runs with their result and report, and the files a folder job has already taken.
//! Does not own what a run does, when it runs, or the lock that keeps runs apart.

use crate::{Error, Result, Store, from_ms, ms, opt_from_ms};
use jiff::Timestamp;
use mb_schema::UploadKind;
use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

/// The note of a run whose process ended while it went (killed, a power cut): recorded by the
/// next run, which closes it; the window and the CLI say it in words.
pub const PROCESS_DIED: &str = "process_died";

/// One job as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    pub name: String,
    pub account_login: String,
    pub counter_id: i64,
    pub kind: UploadKind,
    /// Mapping, status map, read options, policies (mb-uploader's `JobSpec`).
    pub spec: serde_json::Value,
    /// Where the file comes from (mb-uploader's `JobSource`).
    pub source: serde_json::Value,
    /// `hourly`, `daily@HH:MM`, `weekly@DAY@HH:MM`; None: run by hand only.
    pub schedule: Option<String>,
    pub paused: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// How a run ended. `Running` is a run in progress, or one whose process died (the next run
/// of the job, holding the job's lock, marks it `Interrupted`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RunResult {
    Running,
    /// Every part accepted by Metrica.
    Sent,
    /// The file held no row the ledger had not seen: nothing sent.
    NothingNew,
    /// No file matched the job's source: nothing sent.
    NoFile,
    /// The file was still being written while the run read it: left for the next run, not
    /// read (so not «nothing new»); nothing sent.
    Deferred,
    /// The file had bad rows and the job's policy is "stop": nothing sent.
    Blocked,
    /// Metrica refused the data.
    Rejected,
    /// Network, quota, sign-in or server trouble.
    Failed,
    /// The process died or was stopped mid-run.
    Interrupted,
}

impl RunResult {
    pub fn as_str(self) -> &'static str {
        match self {
            RunResult::Running => "running",
            RunResult::Sent => "sent",
            RunResult::NothingNew => "nothing_new",
            RunResult::NoFile => "no_file",
            RunResult::Deferred => "deferred",
            RunResult::Blocked => "blocked",
            RunResult::Rejected => "rejected",
            RunResult::Failed => "failed",
            RunResult::Interrupted => "interrupted",
        }
    }

    pub fn parse(s: &str) -> Option<RunResult> {
        [
            RunResult::Running,
            RunResult::Sent,
            RunResult::NothingNew,
            RunResult::NoFile,
            RunResult::Deferred,
            RunResult::Blocked,
            RunResult::Rejected,
            RunResult::Failed,
            RunResult::Interrupted,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    /// A run that did what it should (sent, or rightly found nothing to send).
    pub fn is_success(self) -> bool {
        matches!(
            self,
            RunResult::Sent | RunResult::NothingNew | RunResult::NoFile | RunResult::Deferred
        )
    }
}

/// One run of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRun {
    pub id: i64,
    pub job_name: String,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    pub result: RunResult,
    /// File names taken by this run.
    pub files: Vec<String>,
    /// Local upload ids this run created.
    pub upload_ids: Vec<i64>,
    pub rows_new: u64,
    pub rows_unchanged: u64,
    pub rows_rejected: u64,
    /// A short code or text (never data, never secrets).
    pub message: Option<String>,
    /// The validation summary kept with the run.
    pub report: Option<serde_json::Value>,
}

impl JobRun {
    /// Of `rows_unchanged`: calls sent before with other values (an amount corrected since),
    /// as the run counted them in its report, left out: they may count twice.
    pub fn rows_changed(&self) -> u64 {
        self.report
            .as_ref()
            .and_then(|r| r["changed_rows"].as_u64())
            .unwrap_or(0)
    }

    /// Of `rows_new`: corrections, rows Metrica held with other values (an amount or an
    /// order's status changed since), sent to replace them.
    pub fn rows_corrected(&self) -> u64 {
        self.report
            .as_ref()
            .and_then(|r| r["corrected_rows"].as_u64())
            .unwrap_or(0)
    }

    /// Of `rows_unchanged`: older values than Metrica's (accepted once, replaced since), left
    /// out.
    pub fn rows_outdated(&self) -> u64 {
        self.report
            .as_ref()
            .and_then(|r| r["outdated_rows"].as_u64())
            .unwrap_or(0)
    }

    /// Columns its file had that the job neither reads nor had when it was made, as the run
    /// counted them in its report (empty for a run that read none, or of an older job).
    pub fn new_columns(&self) -> Vec<String> {
        new_columns_of(self.report.as_ref())
    }
}

/// [`JobRun::new_columns`] of a run's report as it is being written.
pub fn new_columns_of(report: Option<&serde_json::Value>) -> Vec<String> {
    report
        .and_then(|r| r["new_columns"].as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// How a run ended, as the caller records it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunEnd {
    pub files: Vec<String>,
    pub upload_ids: Vec<i64>,
    pub rows_new: u64,
    pub rows_unchanged: u64,
    pub rows_rejected: u64,
    pub message: Option<String>,
    pub report: Option<serde_json::Value>,
}

const JOB_COLUMNS: &str = "name, account_login, counter_id, kind, spec_json, source_json, \
    schedule, paused, created_at, updated_at";

const RUN_COLUMNS: &str = "id, job_name, started_at, finished_at, result, files_json, \
    upload_ids_json, rows_new, rows_unchanged, rows_rejected, message, report_json";

fn json(col: &'static str, s: String) -> Result<serde_json::Value> {
    serde_json::from_str(&s).map_err(Error::json(col))
}

fn job_from_row(r: &Row<'_>) -> Result<JobRecord> {
    let kind: String = r.get(3)?;
    Ok(JobRecord {
        name: r.get(0)?,
        account_login: r.get(1)?,
        counter_id: r.get(2)?,
        kind: kind.parse().map_err(|_| Error::BadValue {
            column: "kind",
            value: kind.clone(),
        })?,
        spec: json("spec_json", r.get(4)?)?,
        source: json("source_json", r.get(5)?)?,
        schedule: r.get(6)?,
        paused: r.get(7)?,
        created_at: from_ms(r.get(8)?)?,
        updated_at: from_ms(r.get(9)?)?,
    })
}

fn run_from_row(r: &Row<'_>) -> Result<JobRun> {
    let result: String = r.get(4)?;
    let report: Option<String> = r.get(11)?;
    Ok(JobRun {
        id: r.get(0)?,
        job_name: r.get(1)?,
        started_at: from_ms(r.get(2)?)?,
        finished_at: opt_from_ms(r.get(3)?)?,
        result: RunResult::parse(&result).ok_or(Error::BadValue {
            column: "result",
            value: result.clone(),
        })?,
        files: serde_json::from_str(&r.get::<_, String>(5)?).map_err(Error::json("files_json"))?,
        upload_ids: serde_json::from_str(&r.get::<_, String>(6)?)
            .map_err(Error::json("upload_ids_json"))?,
        rows_new: r.get::<_, i64>(7)? as u64,
        rows_unchanged: r.get::<_, i64>(8)? as u64,
        rows_rejected: r.get::<_, i64>(9)? as u64,
        message: r.get(10)?,
        report: report.map(|s| json("report_json", s)).transpose()?,
    })
}

impl Store {
    /// Saves a new job, or replaces the profile and source of the job with this name (its
    /// runs stay; so do its taken files, unless it now sends to another counter, kind or
    /// account: those files were never sent there). Returns the stored job.
    pub fn save_job(&self, job: &JobRecord) -> Result<JobRecord> {
        self.write(|tx, now| {
            let before: Option<(String, i64, String)> = tx
                .query_row(
                    "SELECT account_login, counter_id, kind FROM jobs WHERE name = ?1",
                    [&job.name],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            if before.is_some_and(|(login, counter, kind)| {
                login != job.account_login
                    || counter != job.counter_id
                    || kind != job.kind.as_str()
            }) {
                tx.execute("DELETE FROM job_files WHERE job_name = ?1", [&job.name])?;
            }
            tx.query_row(
                &format!(
                    "INSERT INTO jobs ({JOB_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) \
                     ON CONFLICT (name) DO UPDATE SET account_login = excluded.account_login, \
                     counter_id = excluded.counter_id, kind = excluded.kind, \
                     spec_json = excluded.spec_json, source_json = excluded.source_json, \
                     schedule = excluded.schedule, paused = excluded.paused, \
                     updated_at = excluded.updated_at RETURNING {JOB_COLUMNS}"
                ),
                params![
                    job.name,
                    job.account_login,
                    job.counter_id,
                    job.kind.as_str(),
                    job.spec.to_string(),
                    job.source.to_string(),
                    job.schedule,
                    job.paused,
                    ms(now)
                ],
                |r| Ok(job_from_row(r)),
            )?
        })
    }

    pub fn job(&self, name: &str) -> Result<Option<JobRecord>> {
        self.read(|c| {
            c.query_row(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE name = ?1"),
                [name],
                |r| Ok(job_from_row(r)),
            )
            .optional()?
            .transpose()
        })
    }

    /// Every job, by name.
    pub fn jobs(&self) -> Result<Vec<JobRecord>> {
        self.read(|c| {
            let mut st = c.prepare(&format!("SELECT {JOB_COLUMNS} FROM jobs ORDER BY name"))?;
            let rows = st.query_map([], |r| Ok(job_from_row(r)))?;
            rows.map(|r| r?).collect()
        })
    }

    /// Pauses or resumes a job; false when there is no such job.
    pub fn set_job_paused(&self, name: &str, paused: bool) -> Result<bool> {
        self.write(|tx, now| {
            Ok(tx.execute(
                "UPDATE jobs SET paused = ?2, updated_at = ?3 WHERE name = ?1",
                params![name, paused, ms(now)],
            )? > 0)
        })
    }

    /// Removes a job with its runs and taken files; false when there is no such job.
    pub fn delete_job(&self, name: &str) -> Result<bool> {
        self.write(|tx, _| Ok(tx.execute("DELETE FROM jobs WHERE name = ?1", [name])? > 0))
    }

    /// Records the start of a run; returns its id.
    pub fn start_job_run(&self, name: &str) -> Result<i64> {
        self.write(|tx, now| {
            Ok(tx.query_row(
                "INSERT INTO job_runs (job_name, started_at, result) VALUES (?1, ?2, 'running') \
                 RETURNING id",
                params![name, ms(now)],
                |r| r.get(0),
            )?)
        })
    }

    /// Records an upload a still running run has made, as it is made: a run whose process
    /// dies keeps the uploads it made (its parts, and whether they went, are found through
    /// them). Nothing for a run that has ended.
    pub fn add_job_run_upload(&self, run_id: i64, upload_id: i64) -> Result<()> {
        self.write(|tx, _| {
            let ids: Option<String> = tx
                .query_row(
                    "SELECT upload_ids_json FROM job_runs WHERE id = ?1 AND result = 'running'",
                    [run_id],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(ids) = ids else {
                return Ok(());
            };
            let mut ids: Vec<i64> =
                serde_json::from_str(&ids).map_err(Error::json("upload_ids_json"))?;
            if !ids.contains(&upload_id) {
                ids.push(upload_id);
            }
            tx.execute(
                "UPDATE job_runs SET upload_ids_json = ?2 WHERE id = ?1",
                params![
                    run_id,
                    serde_json::to_string(&ids).map_err(Error::json("upload_ids_json"))?
                ],
            )?;
            Ok(())
        })
    }

    /// Records how a run ended.
    pub fn finish_job_run(&self, id: i64, result: RunResult, end: &RunEnd) -> Result<JobRun> {
        self.write(|tx, now| {
            tx.query_row(
                &format!(
                    "UPDATE job_runs SET finished_at = ?2, result = ?3, files_json = ?4, \
                     upload_ids_json = ?5, rows_new = ?6, rows_unchanged = ?7, \
                     rows_rejected = ?8, message = ?9, report_json = ?10 WHERE id = ?1 \
                     RETURNING {RUN_COLUMNS}"
                ),
                params![
                    id,
                    ms(now),
                    result.as_str(),
                    serde_json::to_string(&end.files).map_err(Error::json("files_json"))?,
                    serde_json::to_string(&end.upload_ids)
                        .map_err(Error::json("upload_ids_json"))?,
                    end.rows_new as i64,
                    end.rows_unchanged as i64,
                    end.rows_rejected as i64,
                    end.message,
                    end.report.as_ref().map(|r| r.to_string()),
                ],
                |r| Ok(run_from_row(r)),
            )?
        })
    }

    /// Runs of a job still `running`. Called by a run that holds the job's lock, these are
    /// runs whose process died: they are marked interrupted ([`PROCESS_DIED`]) and returned.
    pub fn interrupt_open_job_runs(&self, name: &str) -> Result<Vec<JobRun>> {
        self.write(|tx, now| {
            let mut st = tx.prepare_cached(&format!(
                "UPDATE job_runs SET result = 'interrupted', finished_at = ?2, \
                 message = ?3 WHERE job_name = ?1 AND result = 'running' \
                 RETURNING {RUN_COLUMNS}"
            ))?;
            let rows = st.query_map(params![name, ms(now), PROCESS_DIED], |r| {
                Ok(run_from_row(r))
            })?;
            rows.map(|r| r?).collect()
        })
    }

    /// The newest runs of a job, newest first.
    pub fn job_runs(&self, name: &str, limit: u32) -> Result<Vec<JobRun>> {
        self.read(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {RUN_COLUMNS} FROM job_runs WHERE job_name = ?1 ORDER BY id DESC LIMIT ?2"
            ))?;
            let rows = st.query_map(params![name, limit], |r| Ok(run_from_row(r)))?;
            rows.map(|r| r?).collect()
        })
    }

    /// The newest run of a job that sent something (the overview's "no new data since").
    pub fn last_sent_job_run(&self, name: &str) -> Result<Option<JobRun>> {
        self.read(|c| {
            c.query_row(
                &format!(
                    "SELECT {RUN_COLUMNS} FROM job_runs WHERE job_name = ?1 \
                     AND result = 'sent' ORDER BY id DESC LIMIT 1"
                ),
                [name],
                |r| Ok(run_from_row(r)),
            )
            .optional()?
            .transpose()
        })
    }

    /// The job's newest run that took files and kept a report (a later run that found the
    /// file unchanged, or none, took nothing and says nothing of its rows).
    pub fn last_job_run_taking_files(&self, name: &str) -> Result<Option<JobRun>> {
        self.read(|c| {
            c.query_row(
                &format!(
                    "SELECT {RUN_COLUMNS} FROM job_runs WHERE job_name = ?1 \
                     AND files_json != '[]' AND report_json IS NOT NULL ORDER BY id DESC LIMIT 1"
                ),
                [name],
                |r| Ok(run_from_row(r)),
            )
            .optional()?
            .transpose()
        })
    }

    /// True when the job already took this file with this size and modification time.
    pub fn job_file_taken(&self, name: &str, path: &str, size: u64, modified: i64) -> Result<bool> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT EXISTS (SELECT 1 FROM job_files WHERE job_name = ?1 AND path = ?2 \
                 AND size = ?3 AND modified_ms = ?4)",
                params![name, path, size as i64, modified],
                |r| r.get(0),
            )?)
        })
    }

    /// Forgets that the job took this file: its next run reads it again.
    pub fn forget_job_file(&self, name: &str, path: &str) -> Result<()> {
        self.write(|tx, _| {
            tx.execute(
                "DELETE FROM job_files WHERE job_name = ?1 AND path = ?2",
                params![name, path],
            )?;
            Ok(())
        })
    }

    /// Remembers that the job took this file (as it is now).
    pub fn take_job_file(&self, name: &str, path: &str, size: u64, modified: i64) -> Result<()> {
        self.write(|tx, now| {
            tx.execute(
                "INSERT INTO job_files (job_name, path, size, modified_ms, taken_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (job_name, path) DO UPDATE SET \
                 size = excluded.size, modified_ms = excluded.modified_ms, \
                 taken_at = excluded.taken_at",
                params![name, path, size as i64, modified, ms(now)],
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ManualClock;
    use std::sync::Arc;

    fn job(name: &str) -> JobRecord {
        JobRecord {
            name: name.into(),
            account_login: "agency".into(),
            counter_id: 51234501,
            kind: UploadKind::Conversions,
            spec: serde_json::json!({"mapping": {"a": 1}}),
            source: serde_json::json!({"folder": "/x", "pattern": "*.csv"}),
            schedule: Some("daily@09:00".into()),
            paused: false,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_job_is_saved_replaced_paused_and_removed_with_its_runs() {
        let clock = Arc::new(ManualClock::new("2026-03-01T10:00:00Z".parse().unwrap()));
        let s = Store::open_in_memory_with_clock(clock).unwrap();
        let saved = s.save_job(&job("shop")).unwrap();
        assert_eq!(saved.created_at.to_string(), "2026-03-01T10:00:00Z");
        assert_eq!(saved.spec, job("shop").spec);
        let mut changed = job("shop");
        changed.schedule = Some("hourly".into());
        s.save_job(&changed).unwrap();
        assert_eq!(s.jobs().unwrap().len(), 1);
        assert_eq!(
            s.job("shop").unwrap().unwrap().schedule.as_deref(),
            Some("hourly")
        );

        assert!(s.set_job_paused("shop", true).unwrap());
        assert!(s.job("shop").unwrap().unwrap().paused);
        assert!(!s.set_job_paused("nope", true).unwrap());

        let run = s.start_job_run("shop").unwrap();
        s.take_job_file("shop", "/x/a.csv", 10, 5).unwrap();
        assert!(s.job_file_taken("shop", "/x/a.csv", 10, 5).unwrap());
        assert!(!s.job_file_taken("shop", "/x/a.csv", 11, 5).unwrap());
        let end = RunEnd {
            files: vec!["a.csv".into()],
            upload_ids: vec![7],
            rows_new: 3,
            report: Some(serde_json::json!({"errors": 0})),
            ..RunEnd::default()
        };
        let r = s.finish_job_run(run, RunResult::Sent, &end).unwrap();
        assert_eq!(
            (r.result, r.upload_ids.clone(), r.rows_new),
            (RunResult::Sent, vec![7], 3)
        );
        // Saved again for the same counter: the file stays taken. For another counter: the
        // files were never sent there, so the job takes them again.
        s.save_job(&changed).unwrap();
        assert!(s.job_file_taken("shop", "/x/a.csv", 10, 5).unwrap());
        let elsewhere = JobRecord {
            counter_id: 51234503,
            ..changed.clone()
        };
        s.save_job(&elsewhere).unwrap();
        assert!(!s.job_file_taken("shop", "/x/a.csv", 10, 5).unwrap());
        assert_eq!(s.last_sent_job_run("shop").unwrap().unwrap().id, run);

        assert!(s.delete_job("shop").unwrap());
        assert!(s.job("shop").unwrap().is_none());
        assert!(s.job_runs("shop", 10).unwrap().is_empty());
        assert!(!s.job_file_taken("shop", "/x/a.csv", 10, 5).unwrap());
    }

    #[test]
    fn a_run_left_running_is_interrupted_by_the_next_and_only_once() {
        let s = Store::open_in_memory().unwrap();
        s.save_job(&job("shop")).unwrap();
        let dead = s.start_job_run("shop").unwrap();
        let found = s.interrupt_open_job_runs("shop").unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].id, found[0].result),
            (dead, RunResult::Interrupted)
        );
        assert!(s.interrupt_open_job_runs("shop").unwrap().is_empty());
        assert!(s.last_sent_job_run("shop").unwrap().is_none());
    }

    #[test]
    fn run_results_round_trip() {
        for r in [
            RunResult::Running,
            RunResult::Sent,
            RunResult::NothingNew,
            RunResult::NoFile,
            RunResult::Deferred,
            RunResult::Blocked,
            RunResult::Rejected,
            RunResult::Failed,
            RunResult::Interrupted,
        ] {
            assert_eq!(RunResult::parse(r.as_str()), Some(r));
        }
        assert_eq!(RunResult::parse("done"), None);
    }
}
