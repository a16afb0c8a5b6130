//! Upload records and their state machine. An upload's whole life is recorded here BEFORE
//! anything goes on the wire: `record_prepared` first, then `mark_sending`, then the outcome.
//!
//! States and the only transitions allowed ([`can_transition`]):
//!
//! ```text
//! prepared ──▶ sending ──▶ sent ──▶ processing ──▶ processed | linkage_failure
//!                │           │  └──────────────────▶ processed | linkage_failure (*)
//!                │           └──▶ failed            processing ──▶ failed
//!                ├──▶ rejected     (the server refused the data; message kept, redacted)
//!                ├──▶ failed       (network/server error known NOT to have stored it)
//!                └──▶ interrupted  (the app died, or the outcome is unknown)
//! interrupted ──▶ sent        (reconciliation found it on the server)
//!             ──▶ rejected | failed (reconciliation found it refused / proved it absent)
//!             ──▶ superseded  (only through `resend`)
//! ```
//!
//! (*) `sent → processed` is how CRM kinds finish (`api_validation_status` PASSED: they have
//! no processing status), and how an offline upload finishes when the first status the
//! server shows is already final. `processing` and `linkage_failure` exist for offline
//! conversions and calls only.
//!
//! Resending (decided here): an interrupted or failed upload is resent in one action by
//! [`crate::Store::resend`], which writes a NEW `prepared` row with a new tag and
//! `resent_from` = the old id (a tag is never reused, so reconciliation by marker stays
//! unambiguous). An interrupted original becomes `superseded`; a failed one keeps its
//! truthful `failed` state. Both get `superseded_by`. Rejected uploads are not resendable
//! (the same bytes would be refused again): fix the file and make a new upload.
//!
//! Does not own: talking to the API, polling cadence (see `query`), explanations.

use crate::session::random_u64;
use crate::{Error, Result, Store, from_ms, ms, opt_from_ms, redact};
use jiff::Timestamp;
use mb_schema::{MergeMode, UploadKind, UploadingStatus};
use rusqlite::{OptionalExtension, Row, Transaction, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// `server_message` of an upload the user stopped while it was being sent: the stored form of
/// [`crate::FailureReason::Cancelled`].
pub const STOPPED_BY_USER: &str = "cancelled";

/// Where an upload is in its life (see the module docs for the transitions).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadState {
    Prepared,
    Sending,
    Sent,
    Processing,
    Processed,
    LinkageFailure,
    Rejected,
    Failed,
    Interrupted,
    Superseded,
}

impl UploadState {
    pub const ALL: [UploadState; 10] = [
        UploadState::Prepared,
        UploadState::Sending,
        UploadState::Sent,
        UploadState::Processing,
        UploadState::Processed,
        UploadState::LinkageFailure,
        UploadState::Rejected,
        UploadState::Failed,
        UploadState::Interrupted,
        UploadState::Superseded,
    ];

    /// The stable name stored in the database and shown by `--json`.
    pub fn as_str(self) -> &'static str {
        match self {
            UploadState::Prepared => "prepared",
            UploadState::Sending => "sending",
            UploadState::Sent => "sent",
            UploadState::Processing => "processing",
            UploadState::Processed => "processed",
            UploadState::LinkageFailure => "linkage_failure",
            UploadState::Rejected => "rejected",
            UploadState::Failed => "failed",
            UploadState::Interrupted => "interrupted",
            UploadState::Superseded => "superseded",
        }
    }

    pub fn parse(s: &str) -> Option<UploadState> {
        UploadState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// No transition leaves a final state.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            UploadState::Processed
                | UploadState::LinkageFailure
                | UploadState::Rejected
                | UploadState::Failed
                | UploadState::Superseded
        )
    }

    /// The server holds the data (the ledger may learn its rows).
    pub fn is_accepted(self) -> bool {
        matches!(
            self,
            UploadState::Sent
                | UploadState::Processing
                | UploadState::Processed
                | UploadState::LinkageFailure
        )
    }

    /// The server is (or may be) still working on it and should be polled.
    pub fn is_pollable(self) -> bool {
        matches!(self, UploadState::Sent | UploadState::Processing)
    }

    /// Asking again can change what is known: polled, or (a send whose process is gone) looked
    /// up on the server by its marker.
    pub fn is_refreshable(self) -> bool {
        self == UploadState::Sending || self.is_pollable()
    }

    /// Not settled yet: on its way, with Metrica, or cut off (whether Metrica has it is to be
    /// looked up). What `mbridge status` lists as open.
    pub fn is_open(self) -> bool {
        self.is_refreshable() || self == UploadState::Interrupted
    }
}

/// The transition table of the module docs, as code.
pub fn can_transition(kind: UploadKind, from: UploadState, to: UploadState) -> bool {
    use UploadState::*;
    let offline = !kind.is_crm();
    match (from, to) {
        (Prepared, Sending) => true,
        (Sending, Sent | Rejected | Failed | Interrupted) => true,
        (Sent, Processed | Failed) => true,
        (Sent, Processing | LinkageFailure) => offline,
        (Processing, Processed | LinkageFailure | Failed) => offline,
        (Interrupted, Sent | Rejected | Failed | Superseded) => true,
        _ => false,
    }
}

/// The source file as the store remembers it: its NAME (never the path, which carries user
/// names), size and SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    pub name: String,
    pub size: u64,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
}

impl SourceFile {
    /// Hashes the file at `path` (streamed) and keeps only its file name.
    pub fn from_path(path: impl AsRef<Path>) -> Result<SourceFile> {
        Self::from_path_with_progress(path, |_, _| std::ops::ControlFlow::Continue(()))
    }

    /// [`SourceFile::from_path`] reporting `(bytes hashed, file size)` after every 1 MiB; the
    /// callback stops the work by answering `Break` (the error is then `Io(Interrupted)`).
    pub fn from_path_with_progress(
        path: impl AsRef<Path>,
        mut progress: impl FnMut(u64, u64) -> std::ops::ControlFlow<()>,
    ) -> Result<SourceFile> {
        let path = path.as_ref();
        // Only regular files: a FIFO or a device would block here forever.
        let mut file = mb_schema::fs::open_regular(path)?;
        let total = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        let mut size = 0u64;
        let mut reported = 0u64;
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            size += n as u64;
            hasher.update(&buf[..n]);
            if size - reported >= 1 << 20 {
                reported = size;
                if progress(size, total.max(size)).is_break() {
                    return Err(std::io::Error::from(std::io::ErrorKind::Interrupted).into());
                }
            }
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(SourceFile {
            name,
            size,
            sha256: hex::encode(hasher.finalize()),
        })
    }

    /// Builds one from bytes already in memory.
    pub fn from_bytes(name: &str, bytes: &[u8]) -> SourceFile {
        SourceFile {
            name: base_name(name).to_string(),
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(bytes)),
        }
    }
}

fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Rows of the source file after validation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCounts {
    pub rows: u64,
    pub valid: u64,
    pub rejected: u64,
}

/// Issues the validator reported, by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueCounts {
    pub errors: u64,
    pub warnings: u64,
    pub notices: u64,
}

/// What the caller knows when an upload is prepared (before anything is sent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewUpload {
    pub account_login: String,
    pub counter_id: i64,
    pub kind: UploadKind,
    pub source: SourceFile,
    /// Lowercase hex SHA-256 of the Metrica-ready file that will be sent.
    pub prepared_sha256: Option<String>,
    pub mapping_template_id: Option<i64>,
    /// The column mapping used (header names → Metrica fields), never cell values.
    pub mapping: Option<serde_json::Value>,
    pub rows: RowCounts,
    pub issues: IssueCounts,
    /// CRM kinds only.
    pub merge_mode: Option<MergeMode>,
    /// Other request options (delimiter, new_goal_name, …). Never put data or secrets here.
    pub options: Option<serde_json::Value>,
}

/// CDP `api_validation_status` (reference §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CdpValidation {
    Passed,
    Failed,
}

/// A status as Metrica reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ServerStatus {
    /// Offline conversions and calls (§4.3).
    Uploading(UploadingStatus),
    /// CRM uploads (§5.1).
    Validation(CdpValidation),
}

impl ServerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ServerStatus::Uploading(s) => match s {
                UploadingStatus::Prepared => "PREPARED",
                UploadingStatus::Uploaded => "UPLOADED",
                UploadingStatus::Exported => "EXPORTED",
                UploadingStatus::Matched => "MATCHED",
                UploadingStatus::Processed => "PROCESSED",
                UploadingStatus::LinkageFailure => "LINKAGE_FAILURE",
            },
            ServerStatus::Validation(CdpValidation::Passed) => "PASSED",
            ServerStatus::Validation(CdpValidation::Failed) => "FAILED",
        }
    }

    pub fn parse(s: &str) -> Option<ServerStatus> {
        use UploadingStatus as U;
        Some(match s {
            "PREPARED" => ServerStatus::Uploading(U::Prepared),
            "UPLOADED" => ServerStatus::Uploading(U::Uploaded),
            "EXPORTED" => ServerStatus::Uploading(U::Exported),
            "MATCHED" => ServerStatus::Uploading(U::Matched),
            "PROCESSED" => ServerStatus::Uploading(U::Processed),
            "LINKAGE_FAILURE" => ServerStatus::Uploading(U::LinkageFailure),
            "PASSED" => ServerStatus::Validation(CdpValidation::Passed),
            "FAILED" => ServerStatus::Validation(CdpValidation::Failed),
            _ => return None,
        })
    }

    /// The local state this server status means for an upload that is `sent` or later.
    fn target(self) -> UploadState {
        use UploadingStatus as U;
        match self {
            ServerStatus::Uploading(U::Prepared | U::Uploaded) => UploadState::Sent,
            ServerStatus::Uploading(U::Exported | U::Matched) => UploadState::Processing,
            ServerStatus::Uploading(U::Processed) => UploadState::Processed,
            ServerStatus::Uploading(U::LinkageFailure) => UploadState::LinkageFailure,
            ServerStatus::Validation(CdpValidation::Passed) => UploadState::Processed,
            ServerStatus::Validation(CdpValidation::Failed) => UploadState::Failed,
        }
    }
}

/// What one server response said about an upload. Absent fields keep their stored value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerReport {
    pub status: Option<ServerStatus>,
    pub source_quantity: Option<i64>,
    pub line_quantity: Option<i64>,
    pub linked_quantity: Option<i64>,
    pub user_not_found_quantity: Option<i64>,
    pub goal_not_found_quantity: Option<i64>,
    pub static_calls_quantity: Option<i64>,
    pub dynamic_calls_quantity: Option<i64>,
    /// CDP `elements_count`.
    pub elements_count: Option<i64>,
    /// Server text; stored with e-mails and phone-like numbers masked.
    pub message: Option<String>,
}

/// One upload as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Upload {
    pub id: i64,
    /// The marker sent in the API `comment` (letters and digits only, unique, never reused).
    pub tag: String,
    pub account_login: String,
    pub counter_id: i64,
    pub kind: UploadKind,
    pub state: UploadState,
    pub source: SourceFile,
    pub prepared_sha256: Option<String>,
    pub mapping_template_id: Option<i64>,
    pub mapping: Option<serde_json::Value>,
    pub rows: RowCounts,
    pub issues: IssueCounts,
    pub merge_mode: Option<MergeMode>,
    pub options: Option<serde_json::Value>,
    /// Offline ids are integers, CDP ids UUIDs: kept as text.
    pub server_upload_id: Option<String>,
    pub server_status: Option<ServerStatus>,
    pub source_quantity: Option<i64>,
    pub line_quantity: Option<i64>,
    pub linked_quantity: Option<i64>,
    pub user_not_found_quantity: Option<i64>,
    pub goal_not_found_quantity: Option<i64>,
    pub static_calls_quantity: Option<i64>,
    pub dynamic_calls_quantity: Option<i64>,
    pub elements_count: Option<i64>,
    pub server_message: Option<String>,
    pub created_at: Timestamp,
    pub sending_started_at: Option<Timestamp>,
    pub sent_at: Option<Timestamp>,
    pub last_polled_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    pub next_poll_at: Option<Timestamp>,
    pub poll_attempts: u32,
    pub resent_from: Option<i64>,
    pub superseded_by: Option<i64>,
}

impl Upload {
    /// `linked / line_quantity` when both are known and the denominator is not zero.
    pub fn linked_share(&self) -> Option<f64> {
        match (self.linked_quantity, self.line_quantity) {
            (Some(l), Some(n)) if n > 0 => Some(l as f64 / n as f64),
            _ => None,
        }
    }

    /// Whether [`crate::Store::resend`] takes it: interrupted or failed, and not sent again
    /// already (a second resend would send its rows twice).
    pub fn is_resendable(&self) -> bool {
        matches!(self.state, UploadState::Interrupted | UploadState::Failed)
            && self.superseded_by.is_none()
    }

    /// A send whose end is not known here: cut off (`interrupted`), or left `sending` by a
    /// process that is gone or whose look-up failed. Metrica may have it, so it is never sent
    /// again blindly: its resend looks on the server first.
    pub fn is_cut_off(&self) -> bool {
        matches!(self.state, UploadState::Interrupted | UploadState::Sending)
            && self.superseded_by.is_none()
    }

    /// Metrica has the file: it gave the upload its id, or accepted or refused it (a CRM file
    /// it answered FAILED after receiving it is received, and failed).
    pub fn received(&self) -> bool {
        self.server_upload_id.is_some()
            || self.state.is_accepted()
            || self.state == UploadState::Rejected
    }
}

/// How far apart two look-ups that did not find an interrupted upload on the server must be
/// to settle it as never arrived (see [`crate::Store::known_absent`]).
pub const ABSENCE_SETTLES_AFTER: jiff::SignedDuration = jiff::SignedDuration::from_mins(30);

pub(crate) const UPLOAD_COLUMNS: &str = "id, tag, account_login, counter_id, kind, state, \
    source_name, source_size, source_sha256, prepared_sha256, mapping_template_id, \
    mapping_json, rows_total, rows_valid, rows_rejected, issues_errors, issues_warnings, \
    issues_notices, merge_mode, options_json, server_upload_id, server_status, \
    source_quantity, line_quantity, linked_quantity, user_not_found_quantity, \
    goal_not_found_quantity, static_calls_quantity, dynamic_calls_quantity, elements_count, \
    server_message, created_at, sending_started_at, sent_at, last_polled_at, finished_at, \
    next_poll_at, poll_attempts, resent_from, superseded_by";

fn json_col(v: Option<String>, column: &'static str) -> Result<Option<serde_json::Value>> {
    v.map(|s| serde_json::from_str(&s).map_err(Error::json(column)))
        .transpose()
}

pub(crate) fn upload_from_row(r: &Row<'_>) -> Result<Upload> {
    let kind: String = r.get(4)?;
    let state: String = r.get(5)?;
    let merge: Option<String> = r.get(18)?;
    let status: Option<String> = r.get(21)?;
    let u64_col = |i: usize| -> rusqlite::Result<u64> { Ok(r.get::<_, i64>(i)?.max(0) as u64) };
    Ok(Upload {
        id: r.get(0)?,
        tag: r.get(1)?,
        account_login: r.get(2)?,
        counter_id: r.get(3)?,
        kind: kind.parse().map_err(|_| Error::BadValue {
            column: "kind",
            value: kind.clone(),
        })?,
        state: UploadState::parse(&state).ok_or_else(|| Error::BadValue {
            column: "state",
            value: state.clone(),
        })?,
        source: SourceFile {
            name: r.get(6)?,
            size: u64_col(7)?,
            sha256: r.get(8)?,
        },
        prepared_sha256: r.get(9)?,
        mapping_template_id: r.get(10)?,
        mapping: json_col(r.get(11)?, "mapping_json")?,
        rows: RowCounts {
            rows: u64_col(12)?,
            valid: u64_col(13)?,
            rejected: u64_col(14)?,
        },
        issues: IssueCounts {
            errors: u64_col(15)?,
            warnings: u64_col(16)?,
            notices: u64_col(17)?,
        },
        merge_mode: merge
            .map(|m| {
                m.parse().map_err(|_| Error::BadValue {
                    column: "merge_mode",
                    value: m,
                })
            })
            .transpose()?,
        options: json_col(r.get(19)?, "options_json")?,
        server_upload_id: r.get(20)?,
        server_status: status
            .map(|s| {
                ServerStatus::parse(&s).ok_or(Error::BadValue {
                    column: "server_status",
                    value: s,
                })
            })
            .transpose()?,
        source_quantity: r.get(22)?,
        line_quantity: r.get(23)?,
        linked_quantity: r.get(24)?,
        user_not_found_quantity: r.get(25)?,
        goal_not_found_quantity: r.get(26)?,
        static_calls_quantity: r.get(27)?,
        dynamic_calls_quantity: r.get(28)?,
        elements_count: r.get(29)?,
        server_message: r.get(30)?,
        created_at: from_ms(r.get(31)?)?,
        sending_started_at: opt_from_ms(r.get(32)?)?,
        sent_at: opt_from_ms(r.get(33)?)?,
        last_polled_at: opt_from_ms(r.get(34)?)?,
        finished_at: opt_from_ms(r.get(35)?)?,
        next_poll_at: opt_from_ms(r.get(36)?)?,
        poll_attempts: r.get::<_, i64>(37)?.clamp(0, u32::MAX as i64) as u32,
        resent_from: r.get(38)?,
        superseded_by: r.get(39)?,
    })
}

pub(crate) fn load(tx: &rusqlite::Connection, id: i64) -> Result<Upload> {
    let sql = format!("SELECT {UPLOAD_COLUMNS} FROM uploads WHERE id = ?1");
    let mut stmt = tx.prepare_cached(&sql)?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(r) => upload_from_row(r),
        None => Err(Error::UploadNotFound(id)),
    }
}

/// `MB` + UTC time + `Z` + 8 random hex digits: letters and digits only, as `comment` needs.
fn new_tag(now: Timestamp) -> String {
    let t = now.strftime("%Y%m%dT%H%M%S");
    format!("MB{t}Z{:08X}", random_u64() as u32)
}

fn opt_json(v: &Option<serde_json::Value>) -> Option<String> {
    v.as_ref().map(|v| v.to_string())
}

fn insert_prepared(
    tx: &Transaction<'_>,
    now: Timestamp,
    n: &NewUpload,
    resent_from: Option<i64>,
) -> Result<i64> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO uploads (tag, account_login, counter_id, kind, state, source_name, \
         source_size, source_sha256, prepared_sha256, mapping_template_id, mapping_json, \
         rows_total, rows_valid, rows_rejected, issues_errors, issues_warnings, issues_notices, \
         merge_mode, options_json, created_at, resent_from) \
         VALUES (?1, ?2, ?3, ?4, 'prepared', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, \
         ?16, ?17, ?18, ?19, ?20) ON CONFLICT (tag) DO NOTHING",
    )?;
    // A tag collision is astronomically unlikely; loop rather than fail if it happens.
    loop {
        let inserted = stmt.execute(params![
            new_tag(now),
            n.account_login,
            n.counter_id,
            n.kind.as_str(),
            base_name(&n.source.name),
            n.source.size as i64,
            n.source.sha256,
            n.prepared_sha256,
            n.mapping_template_id,
            opt_json(&n.mapping),
            n.rows.rows as i64,
            n.rows.valid as i64,
            n.rows.rejected as i64,
            n.issues.errors as i64,
            n.issues.warnings as i64,
            n.issues.notices as i64,
            n.merge_mode.map(MergeMode::as_str),
            opt_json(&n.options),
            ms(now),
            resent_from,
        ])?;
        if inserted == 1 {
            return Ok(tx.last_insert_rowid());
        }
    }
}

fn check(u: &Upload, to: UploadState) -> Result<()> {
    if can_transition(u.kind, u.state, to) {
        Ok(())
    } else {
        Err(Error::IllegalTransition {
            id: u.id,
            from: u.state,
            to,
        })
    }
}

fn set_state(tx: &Transaction<'_>, id: i64, to: UploadState) -> Result<()> {
    tx.prepare_cached("UPDATE uploads SET state = ?2 WHERE id = ?1")?
        .execute(params![id, to.as_str()])?;
    Ok(())
}

/// Stores the report's fields (absent ones keep their value) and moves the state the status
/// implies. `u` must be the freshly loaded row.
fn apply_report(
    tx: &Transaction<'_>,
    now: Timestamp,
    u: &Upload,
    report: &ServerReport,
) -> Result<UploadState> {
    let target = report.status.map(ServerStatus::target).unwrap_or(u.state);
    if target != u.state {
        check(u, target)?;
    }
    let message = report.message.as_deref().map(redact);
    tx.prepare_cached(
        "UPDATE uploads SET state = ?2, \
         server_status = COALESCE(?3, server_status), \
         source_quantity = COALESCE(?4, source_quantity), \
         line_quantity = COALESCE(?5, line_quantity), \
         linked_quantity = COALESCE(?6, linked_quantity), \
         user_not_found_quantity = COALESCE(?7, user_not_found_quantity), \
         goal_not_found_quantity = COALESCE(?8, goal_not_found_quantity), \
         static_calls_quantity = COALESCE(?9, static_calls_quantity), \
         dynamic_calls_quantity = COALESCE(?10, dynamic_calls_quantity), \
         elements_count = COALESCE(?11, elements_count), \
         server_message = COALESCE(?12, server_message) WHERE id = ?1",
    )?
    .execute(params![
        u.id,
        target.as_str(),
        report.status.map(ServerStatus::as_str),
        report.source_quantity,
        report.line_quantity,
        report.linked_quantity,
        report.user_not_found_quantity,
        report.goal_not_found_quantity,
        report.static_calls_quantity,
        report.dynamic_calls_quantity,
        report.elements_count,
        message,
    ])?;
    if target.is_final() {
        finish(tx, now, u.id)?;
    }
    if target == UploadState::Failed {
        // CDP validation refused it after all: what it taught is withdrawn.
        crate::ledger::forget(tx, u.id)?;
    }
    Ok(target)
}

fn finish(tx: &Transaction<'_>, now: Timestamp, id: i64) -> Result<()> {
    tx.prepare_cached(
        "UPDATE uploads SET finished_at = COALESCE(finished_at, ?2), next_poll_at = NULL, \
         sending_owner = NULL WHERE id = ?1",
    )?
    .execute(params![id, ms(now)])?;
    Ok(())
}

impl Store {
    /// Records a new upload in state `prepared`, with a fresh unique tag. Call it BEFORE
    /// anything is sent; put the returned `tag` in the API `comment`.
    pub fn record_prepared(&self, new: &NewUpload) -> Result<Upload> {
        self.write(|tx, now| {
            let id = insert_prepared(tx, now, new, None)?;
            load(tx, id)
        })
    }

    /// One upload by local id.
    pub fn upload(&self, id: i64) -> Result<Upload> {
        self.read(|c| load(c, id))
    }

    /// One upload by its tag (the marker reconciliation finds in the server's list).
    pub fn upload_by_tag(&self, tag: &str) -> Result<Option<Upload>> {
        self.read(|c| {
            let id: Option<i64> = c
                .prepare_cached("SELECT id FROM uploads WHERE tag = ?1")?
                .query_row([tag], |r| r.get(0))
                .optional()?;
            id.map(|id| load(c, id)).transpose()
        })
    }

    /// `prepared → sending`, owned by this process until it records the outcome.
    pub fn mark_sending(&self, id: i64) -> Result<Upload> {
        self.write(|tx, now| {
            let u = load(tx, id)?;
            check(&u, UploadState::Sending)?;
            tx.prepare_cached(
                "UPDATE uploads SET state = 'sending', sending_started_at = ?2, \
                 sending_owner = ?3 WHERE id = ?1",
            )?
            .execute(params![id, ms(now), self.session.id()])?;
            load(tx, id)
        })
    }

    /// `sending | interrupted → sent`: the server accepted the upload as `server_upload_id`.
    /// The first poll is due 30 s later. If the report's status already goes further (CRM
    /// `PASSED`, offline `PROCESSED`), the upload moves on in the same transaction.
    pub fn mark_sent(
        &self,
        id: i64,
        server_upload_id: &str,
        report: &ServerReport,
    ) -> Result<Upload> {
        self.write(|tx, now| {
            let u = load(tx, id)?;
            check(&u, UploadState::Sent)?;
            tx.prepare_cached(
                "UPDATE uploads SET state = 'sent', server_upload_id = ?2, sent_at = ?3, \
                 sending_owner = NULL, poll_attempts = 0, next_poll_at = ?4 WHERE id = ?1",
            )?
            .execute(params![
                id,
                server_upload_id,
                ms(now),
                ms(now + crate::poll_delay(0))
            ])?;
            // The keys staged before the send become ledger knowledge in this same
            // transaction: accepted and taught together, or neither.
            crate::ledger::confirm(tx, id)?;
            let u = load(tx, id)?;
            apply_report(tx, now, &u, report)?;
            let u = load(tx, id)?;
            if u.state.is_accepted() {
                // An interrupted upload whose rows this one carried is not to be resent: it
                // is superseded by this one (History offers no «send again» for it).
                for old in crate::ledger::covered_interrupted(tx, id)? {
                    let o = load(tx, old)?;
                    check(&o, UploadState::Superseded)?;
                    set_state(tx, old, UploadState::Superseded)?;
                    finish(tx, now, old)?;
                    tx.prepare_cached("UPDATE uploads SET superseded_by = ?2 WHERE id = ?1")?
                        .execute(params![old, id])?;
                    crate::ledger::forget(tx, old)?;
                }
            }
            Ok(u)
        })
    }

    /// `sending | interrupted → rejected`: the server refused the data (HTTP 400, or CDP
    /// `FAILED`). The message is stored with e-mails and phone numbers masked.
    pub fn mark_rejected(&self, id: i64, message: Option<&str>) -> Result<Upload> {
        self.end_with(id, UploadState::Rejected, message)
    }

    /// `sending | sent | processing | interrupted → failed`: known not stored (network or
    /// server error before the server kept it, or reconciliation proved it absent).
    pub fn mark_failed(&self, id: i64, message: Option<&str>) -> Result<Upload> {
        self.end_with(id, UploadState::Failed, message)
    }

    fn end_with(&self, id: i64, to: UploadState, message: Option<&str>) -> Result<Upload> {
        self.write(|tx, now| {
            let u = load(tx, id)?;
            check(&u, to)?;
            set_state(tx, id, to)?;
            // Rejected or failed: its staged keys never teach the ledger (a resend stages
            // them again from the kept prepared file).
            crate::ledger::forget(tx, id)?;
            if let Some(m) = message {
                tx.prepare_cached("UPDATE uploads SET server_message = ?2 WHERE id = ?1")?
                    .execute(params![id, redact(m)])?;
            }
            finish(tx, now, id)?;
            load(tx, id)
        })
    }

    /// `sending → interrupted`: the outcome of the send is unknown (app died, timeout after
    /// the body went out). Reconcile by tag before resending.
    /// `sending → interrupted` because the user pressed stop: the same unknown outcome, said
    /// as what happened ([`STOPPED_BY_USER`] in `server_message`).
    pub fn mark_stopped_by_user(&self, id: i64) -> Result<Upload> {
        self.write(|tx, _| {
            let u = load(tx, id)?;
            check(&u, UploadState::Interrupted)?;
            tx.prepare_cached(
                "UPDATE uploads SET state = 'interrupted', sending_owner = NULL, \
                 server_message = ?2 WHERE id = ?1",
            )?
            .execute(params![id, STOPPED_BY_USER])?;
            load(tx, id)
        })
    }

    pub fn mark_interrupted(&self, id: i64) -> Result<Upload> {
        self.write(|tx, _| {
            let u = load(tx, id)?;
            check(&u, UploadState::Interrupted)?;
            tx.prepare_cached(
                "UPDATE uploads SET state = 'interrupted', sending_owner = NULL WHERE id = ?1",
            )?
            .execute([id])?;
            load(tx, id)
        })
    }

    /// Records a look-up of the server's list that did not find interrupted upload `id`.
    pub fn note_absent_on_server(&self, id: i64) -> Result<()> {
        self.write(|tx, now| {
            tx.prepare_cached(
                "INSERT INTO absent_lookups (upload_id, first_at, last_at) VALUES (?1, ?2, ?2) \
                 ON CONFLICT (upload_id) DO UPDATE SET last_at = excluded.last_at",
            )?
            .execute(params![id, ms(now)])?;
            Ok(())
        })
    }

    /// An interrupted upload the server's list did not show at two look-ups at least
    /// [`ABSENCE_SETTLES_AFTER`] apart: Metrica lists an upload it took from its answer on,
    /// and a big file's answer can come long after its send began, so one look-up right after
    /// the cut is not enough. Settled, it is not asked about again before every send (the
    /// account's API quota); its resend still looks once more.
    pub fn known_absent(&self, id: i64) -> Result<bool> {
        self.read(|c| {
            let span: Option<(i64, i64)> = c
                .prepare_cached(
                    "SELECT first_at, last_at FROM absent_lookups a JOIN uploads u ON u.id = \
                     a.upload_id WHERE a.upload_id = ?1 AND u.state = 'interrupted'",
                )?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            Ok(span.is_some_and(|(first, last)| {
                last - first >= ABSENCE_SETTLES_AFTER.as_millis() as i64
            }))
        })
    }

    /// When interrupted upload `id`'s absence can be settled: half an hour
    /// ([`ABSENCE_SETTLES_AFTER`]) after the first look-up that did not find it. None before
    /// any such look-up.
    pub fn absence_settles_at(&self, id: i64) -> Result<Option<Timestamp>> {
        self.read(|c| {
            let first: Option<i64> = c
                .prepare_cached("SELECT first_at FROM absent_lookups WHERE upload_id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            Ok(first.and_then(|f| {
                Timestamp::from_millisecond(f + ABSENCE_SETTLES_AFTER.as_millis() as i64).ok()
            }))
        })
    }

    /// Records what a status poll (or the list endpoint) said about a `sent`/`processing`
    /// upload and moves it accordingly: `EXPORTED`/`MATCHED` → processing, `PROCESSED`/
    /// `PASSED` → processed, `LINKAGE_FAILURE` → linkage_failure, CDP `FAILED` → failed.
    /// Non-final: the next poll is scheduled with backoff; final: polling stops.
    pub fn record_server_report(&self, id: i64, report: &ServerReport) -> Result<Upload> {
        self.write(|tx, now| {
            let u = load(tx, id)?;
            if !u.state.is_pollable() && !u.state.is_final() {
                let to = report.status.map(ServerStatus::target).unwrap_or(u.state);
                return Err(Error::IllegalTransition {
                    id,
                    from: u.state,
                    to,
                });
            }
            let target = apply_report(tx, now, &u, report)?;
            tx.prepare_cached("UPDATE uploads SET last_polled_at = ?2 WHERE id = ?1")?
                .execute(params![id, ms(now)])?;
            if !target.is_final() {
                let attempts = u.poll_attempts.saturating_add(1);
                crate::query::schedule(tx, now, id, attempts)?;
            }
            load(tx, id)
        })
    }

    /// Resends an interrupted or failed upload in one action: a NEW `prepared` row with a
    /// new tag and `resent_from = id`. An interrupted original becomes `superseded`; a
    /// failed one stays `failed`. Both get `superseded_by`. Returns the new row.
    pub fn resend(&self, id: i64) -> Result<Upload> {
        self.write(|tx, now| {
            let old = load(tx, id)?;
            if !old.is_resendable() {
                return Err(Error::NotResendable {
                    id,
                    state: old.state,
                });
            }
            let new = NewUpload {
                account_login: old.account_login.clone(),
                counter_id: old.counter_id,
                kind: old.kind,
                source: old.source.clone(),
                prepared_sha256: old.prepared_sha256.clone(),
                mapping_template_id: old.mapping_template_id,
                mapping: old.mapping.clone(),
                rows: old.rows,
                issues: old.issues,
                merge_mode: old.merge_mode,
                options: old.options.clone(),
            };
            let new_id = insert_prepared(tx, now, &new, Some(id))?;
            if old.state == UploadState::Interrupted {
                check(&old, UploadState::Superseded)?;
                set_state(tx, id, UploadState::Superseded)?;
                finish(tx, now, id)?;
            }
            tx.prepare_cached("UPDATE uploads SET superseded_by = ?2 WHERE id = ?1")?
                .execute(params![id, new_id])?;
            crate::ledger::hand_over(tx, id, new_id)?;
            load(tx, new_id)
        })
    }

    /// Uploads left in `sending` by a process that is no longer alive (crashed, killed,
    /// power cut): the caller reconciles each by tag, then calls `mark_sent`,
    /// `mark_rejected`/`mark_failed`, or `mark_interrupted`. Sends in flight in another live
    /// process (the app and the CLI share the file) are not returned.
    pub fn recover_on_start(&self) -> Result<Vec<Upload>> {
        self.read(|c| {
            let sql = format!(
                "SELECT {UPLOAD_COLUMNS}, sending_owner FROM uploads WHERE state = 'sending' \
                 ORDER BY id"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let owner: Option<String> = r.get(40)?;
                if owner.is_none_or(|o| !self.session.is_alive(&o)) {
                    out.push(upload_from_row(r)?);
                }
            }
            Ok(out)
        })
    }

    /// Server ids of the counter's CRM uploads (simple orders, contacts, orders) recorded
    /// from a day before `around` to a day after it (the lookup for a lost answer searches
    /// −5 min…+6 h around its send): it never takes one of them for another upload.
    pub fn claimed_crm_ids(&self, counter_id: i64, around: Timestamp) -> Result<Vec<String>> {
        self.read(|c| {
            let day = jiff::SignedDuration::from_hours(24);
            let mut st = c.prepare_cached(
                "SELECT server_upload_id FROM uploads WHERE counter_id = ?1 \
                 AND server_upload_id IS NOT NULL \
                 AND kind IN ('simple-orders', 'contacts', 'orders') \
                 AND created_at BETWEEN ?2 AND ?3",
            )?;
            let rows = st.query_map(
                params![counter_id, ms(around - day), ms(around + day)],
                |r| r.get::<_, String>(0),
            )?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Whether upload `id` is being sent right now by a live process (this one or another
    /// sharing the file): a status question must not take it for a send left over.
    pub fn send_in_progress(&self, id: i64) -> Result<bool> {
        self.read(|c| {
            let owner: Option<Option<String>> = c
                .prepare_cached(
                    "SELECT sending_owner FROM uploads WHERE id = ?1 AND state = 'sending'",
                )?
                .query_row(params![id], |r| r.get(0))
                .optional()?;
            Ok(owner.flatten().is_some_and(|o| self.session.is_alive(&o)))
        })
    }

    /// The most recent upload of the same file content to the same counter and kind that is
    /// not failed, rejected or superseded, so the caller can ask before sending it again.
    pub fn find_duplicate(
        &self,
        counter_id: i64,
        kind: UploadKind,
        source_sha256: &str,
    ) -> Result<Option<Upload>> {
        self.read(|c| {
            let id: Option<i64> = c
                .prepare_cached(
                    "SELECT id FROM uploads WHERE counter_id = ?1 AND kind = ?2 \
                     AND source_sha256 = ?3 AND state NOT IN ('failed', 'rejected', 'superseded') \
                     ORDER BY created_at DESC, id DESC LIMIT 1",
                )?
                .query_row(params![counter_id, kind.as_str(), source_sha256], |r| {
                    r.get(0)
                })
                .optional()?;
            id.map(|id| load(c, id)).transpose()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asking_again_is_offered_where_it_can_change_what_is_known() {
        let refreshable: Vec<UploadState> = UploadState::ALL
            .into_iter()
            .filter(|s| s.is_refreshable())
            .collect();
        assert_eq!(
            refreshable,
            vec![
                UploadState::Sending,
                UploadState::Sent,
                UploadState::Processing
            ]
        );
    }

    #[test]
    fn open_uploads_are_those_not_settled() {
        let open: Vec<UploadState> = UploadState::ALL
            .into_iter()
            .filter(|s| s.is_open())
            .collect();
        assert_eq!(
            open,
            [
                UploadState::Sending,
                UploadState::Sent,
                UploadState::Processing,
                UploadState::Interrupted
            ]
        );
    }

    #[test]
    fn tags_hold_only_letters_and_digits() {
        let t = new_tag("2026-11-22T07:15:02Z".parse().unwrap());
        assert!(t.starts_with("MB20261122T071502Z"), "{t}");
        assert!(t.bytes().all(|b| b.is_ascii_alphanumeric()), "{t}");
        assert_eq!(t.len(), 26);
    }

    #[test]
    fn hashing_reports_progress_and_stops_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        let bytes = vec![b'x'; (3 << 20) + 5];
        std::fs::write(&path, &bytes).unwrap();
        let mut seen = Vec::new();
        let s = SourceFile::from_path_with_progress(&path, |done, total| {
            seen.push((done, total));
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(s, SourceFile::from_bytes("big.csv", &bytes));
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert!(seen.iter().all(|(d, t)| *t == bytes.len() as u64 && d <= t));
        assert!(seen.windows(2).all(|w| w[0].0 < w[1].0));
        let mut calls = 0;
        let stopped = SourceFile::from_path_with_progress(&path, |_, _| {
            calls += 1;
            std::ops::ControlFlow::Break(())
        });
        assert!(
            matches!(&stopped, Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::Interrupted),
            "{stopped:?}"
        );
        assert_eq!(calls, 1);
    }

    #[test]
    fn source_name_drops_directories() {
        let s = SourceFile::from_bytes("C:\\Users\\ivan\\crm.csv", b"a");
        assert_eq!(s.name, "crm.csv");
        assert_eq!(base_name("/home/olga/x.xlsx"), "x.xlsx");
    }

    #[test]
    fn server_statuses_round_trip_through_their_wire_names() {
        for s in [
            "PREPARED",
            "UPLOADED",
            "EXPORTED",
            "MATCHED",
            "PROCESSED",
            "LINKAGE_FAILURE",
            "PASSED",
            "FAILED",
        ] {
            assert_eq!(ServerStatus::parse(s).unwrap().as_str(), s);
        }
        assert!(ServerStatus::parse("DONE").is_none());
    }

    #[test]
    fn states_round_trip_through_their_names() {
        for s in UploadState::ALL {
            assert_eq!(UploadState::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
    }

    #[test]
    fn final_states_have_no_way_out() {
        for kind in UploadKind::ALL {
            for from in UploadState::ALL.into_iter().filter(|s| s.is_final()) {
                for to in UploadState::ALL {
                    assert!(!can_transition(kind, from, to), "{kind} {from:?}->{to:?}");
                }
            }
        }
    }
}
