//! Turning each crate's error into the one boundary shape, [`AppError`]. Data only: the UI and
//! the CLI translate `kind` (and `reason` codes) into words.

use crate::dto::{AppError, FileReason};
use mb_api::{ApiError, QuotaKind};
use mb_import::read::ReadError;
use mb_import::validate::ImportError;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl From<ApiError> for AppError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::NotSignedIn => AppError::NotSignedIn,
            ApiError::TokenExpired { .. } | ApiError::SignInAgain { .. } => {
                AppError::TokenExpired {
                    login: String::new(),
                }
            }
            ApiError::NoAccess { counter, .. } => AppError::NoAccess {
                counter_id: counter.unwrap_or(0) as u32,
            },
            ApiError::QuotaExceeded { kind, retry_at } => AppError::QuotaExceeded {
                quota: quota_name(&kind).to_string(),
                retry_at: retry_at.map(|t| t.to_string()),
            },
            ApiError::RejectedData {
                error_type,
                message,
                line,
            } => AppError::RejectedData {
                error_type,
                message,
                line: line.map(|l| l as u32),
            },
            ApiError::NotFound => AppError::NotFound {
                what: "metrica_object".into(),
            },
            ApiError::LinkingWindowNotOpen { date } => AppError::LinkingWindowNotOpen { date },
            ApiError::Network(err) => AppError::Network {
                detail: network_detail(&err),
            },
            ApiError::Server { status, .. } => AppError::Server { status },
            ApiError::Cancelled | ApiError::CancelledBeforeSend => AppError::Cancelled,
            ApiError::UploadOutcomeUnknown { tag } => AppError::Network {
                detail: format!("outcome_unknown:{tag}"),
            },
            ApiError::Protocol { endpoint, detail } => AppError::Internal {
                detail: format!("unexpected answer from {endpoint}: {detail}"),
            },
            ApiError::File { path, source } => AppError::FileUnreadable {
                file_name: crate::config::file_name(&path),
                reason: io_reason(&source),
            },
            ApiError::OAuth { error, .. } => AppError::SignInFailed { reason: error },
            ApiError::StateMismatch => AppError::SignInFailed {
                reason: "state_mismatch".into(),
            },
            ApiError::SignInTimeout => AppError::SignInFailed {
                reason: "timeout".into(),
            },
            ApiError::Io(e) => AppError::Internal {
                detail: e.to_string(),
            },
            ApiError::Config(what) => AppError::InvalidInput {
                field: "config".into(),
                reason: what,
            },
            ApiError::TokenStore(what) => AppError::Storage { detail: what },
        }
    }
}

fn quota_name(k: &QuotaKind) -> &str {
    match k {
        QuotaKind::RequestsByIp => "quota_requests_by_ip",
        QuotaKind::ParallelRequests => "quota_parallel_requests",
        QuotaKind::RequestsByUid => "quota_requests_by_uid",
        QuotaKind::RequestsByCounterId => "quota_requests_by_counter_id",
        QuotaKind::Hourly(s) | QuotaKind::Other(s) => s,
    }
}

/// A short, token-free description of a transport failure.
fn network_detail(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "connect".into()
    } else if e.is_body() || e.is_request() {
        "connection_lost".into()
    } else {
        "network".into()
    }
}

pub(crate) fn io_reason(e: &std::io::Error) -> FileReason {
    if mb_schema::fs::is_not_regular(e) {
        return FileReason::NotRegularFile;
    }
    match e.kind() {
        std::io::ErrorKind::NotFound => FileReason::NotFound,
        std::io::ErrorKind::PermissionDenied => FileReason::PermissionDenied,
        _ => FileReason::Io,
    }
}

impl AppError {
    /// The exit code `mbridge` ends with for this error (its help lists them): 1 the data has
    /// errors or Metrica refused it, 2 the file or an argument, 3 sign-in or access, 5 a
    /// duplicate, 6 stopped (Ctrl-C: as a send interrupted, whether or not a byte had gone),
    /// 7 a job's run is going (as `jobs run` when another run holds the lock), 8 the data
    /// folder cannot be used (read-only, full, a damaged history: trying again as it is does
    /// not help), 4 the rest (network, quota, server).
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::DataHasErrors { .. } | AppError::RejectedData { .. } => 1,
            AppError::FileUnreadable { .. }
            | AppError::InvalidInput { .. }
            | AppError::NotFound { .. } => 2,
            AppError::NotSignedIn
            | AppError::TokenExpired { .. }
            | AppError::SignInFailed { .. } => 3,
            AppError::NoAccess { .. } => 3,
            AppError::Duplicate { .. } => 5,
            AppError::Cancelled => 6,
            AppError::JobRunning { .. } => 7,
            AppError::Storage { .. } => 8,
            _ => 4,
        }
    }
}

/// `InvalidInput { field: "sign_in", reason }` of a change of the counter's settings (the
/// extended linking window) by a sign-in that did not ask for `metrika:write`.
pub const WRITE_SCOPE: &str = "write_scope";

/// `InvalidInput { field: "name", reason: "job_name:<typed>" }`: not a name a job can have
/// (1–64 Latin letters, digits, `-`, `_`, from a letter or digit; or no letters at all).
pub const JOB_NAME: &str = "job_name";
/// `InvalidInput { field: "every", reason: "unknown_schedule:<typed>" }`.
pub const UNKNOWN_SCHEDULE: &str = "unknown_schedule";
/// `InvalidInput { field: "every", reason }`: the job runs by hand only, so there is nothing
/// for the system's scheduler.
pub const NO_SCHEDULE: &str = "no_schedule";
/// `InvalidInput { field: "folder", reason }`: `jobs add` found no file in the folder to learn
/// the columns from, and no `--mapping` was given.
pub const NO_FILE_TO_LEARN: &str = "no_file_to_learn";

/// `InvalidInput { field: "export", reason: "<code>:<path>" }`: a file the user named (the
/// history's export, `prepare --out`) could not be written there: its folder is not there, no
/// right to write, the path is a folder, or another failure.
pub const EXPORT_NO_FOLDER: &str = "no_folder";
pub const EXPORT_DENIED: &str = "denied";
pub const EXPORT_IS_FOLDER: &str = "is_folder";
pub const EXPORT_FAILED: &str = "failed";

/// A file the user named could not be created at `path`: said with the path and why
/// ([`EXPORT_NO_FOLDER`] …), as the user's own choice, not trouble with the app's storage.
pub fn unwritable(path: &std::path::Path, e: &std::io::Error) -> AppError {
    AppError::InvalidInput {
        field: "export".into(),
        reason: format!(
            "{}:{}",
            match e.kind() {
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory =>
                    EXPORT_NO_FOLDER,
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem =>
                    EXPORT_DENIED,
                std::io::ErrorKind::IsADirectory => EXPORT_IS_FOLDER,
                _ => EXPORT_FAILED,
            },
            path.display()
        ),
    }
}

/// `InvalidInput { field: "upload", reason }` of a resend of an upload that cannot be resent.
pub const NOT_RESENDABLE: &str = "not_resendable";

/// `InvalidInput { field: "upload", reason }` of a resend some of whose rows Metrica has
/// accepted since, from another upload (the file sent again): calls may count twice, and rows
/// Metrica has with other values would get this upload's back. Sending the file again sends only its new rows.
pub const SENT_SINCE: &str = "sent_since";

impl From<mb_history::Error> for AppError {
    fn from(e: mb_history::Error) -> Self {
        match e {
            mb_history::Error::UploadNotFound(id) => AppError::NotFound {
                what: format!("upload:{id}"),
            },
            mb_history::Error::AccountNotFound(login) => AppError::NotFound {
                what: format!("account:{login}"),
            },
            // Accepted, still being processed, or resent already: a wrong upload to resend,
            // not trouble with the computer's storage.
            mb_history::Error::NotResendable { .. } => AppError::InvalidInput {
                field: "upload".into(),
                reason: NOT_RESENDABLE.into(),
            },
            e @ (mb_history::Error::Busy { .. } | mb_history::Error::IllegalTransition { .. }) => {
                AppError::HistoryBusy {
                    detail: e.to_string(),
                }
            }
            other => AppError::Storage {
                detail: other.to_string(),
            },
        }
    }
}

/// A read failure of the user's file, named by the file.
pub fn read_error(file_name: &str, e: &ReadError) -> AppError {
    let reason = match e {
        ReadError::Io { source, .. } => io_reason(source),
        ReadError::Empty => FileReason::Empty,
        ReadError::NoHeader => FileReason::NoHeader,
        ReadError::UnknownEncoding(_) => FileReason::UnknownEncoding,
        ReadError::BadDelimiter(_) => FileReason::BadDelimiter,
        ReadError::Excel(_) | ReadError::DamagedWorkbook => FileReason::DamagedWorkbook,
        ReadError::WorkbookTooLarge => FileReason::WorkbookTooLarge,
        ReadError::SheetNotFound(_) => FileReason::SheetNotFound,
        ReadError::NotText => FileReason::NotText,
        ReadError::LineTooLong { line } => FileReason::LineTooLong { line: *line },
    };
    AppError::FileUnreadable {
        file_name: file_name.to_string(),
        reason,
    }
}

pub fn import_error(file_name: &str, e: ImportError) -> AppError {
    match e {
        ImportError::Read(r) => read_error(file_name, &r),
        ImportError::UnknownTimeZone(tz) => AppError::InvalidInput {
            field: "time_zone".into(),
            reason: tz,
        },
        ImportError::Write { source, .. } => AppError::Storage {
            detail: source.to_string(),
        },
        ImportError::Cancelled => AppError::Cancelled,
        ImportError::Internal(detail) => AppError::Internal { detail },
    }
}

pub fn join_error(e: tokio::task::JoinError) -> AppError {
    AppError::Internal {
        detail: format!("background task failed: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resend_of_an_upload_that_cannot_be_resent_is_a_wrong_argument_not_storage_trouble() {
        let e = AppError::from(mb_history::Error::NotResendable {
            id: 42,
            state: mb_history::UploadState::Processed,
        });
        assert!(
            matches!(&e, AppError::InvalidInput { field, reason } if field == "upload" && reason == NOT_RESENDABLE),
            "{e:?}"
        );
        assert_eq!(e.exit_code(), 2);
        // Ctrl-C is a stop, never «network or server trouble».
        assert_eq!(AppError::Cancelled.exit_code(), 6);
    }
}
