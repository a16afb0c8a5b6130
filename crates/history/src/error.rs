//! The crate's one error type. Variants carry data; the front ends build the sentences.

use crate::upload::UploadState;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite itself failed (I/O, corruption, constraint we did not expect).
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database stayed locked by another process through every retry.
    #[error("database still busy after {attempts} attempts")]
    Busy { attempts: u32 },
    /// The file was written by a newer version of the product; we refuse to touch it.
    #[error("database schema version {found} is newer than this build supports ({supported})")]
    NewerSchema { found: u32, supported: u32 },
    /// An upload state change the state machine does not allow.
    #[error("upload {id}: illegal transition {from:?} -> {to:?}")]
    IllegalTransition {
        id: i64,
        from: UploadState,
        to: UploadState,
    },
    /// No upload with this local id.
    #[error("no upload with id {0}")]
    UploadNotFound(i64),
    /// The ledger may only learn rows of an upload the server accepted.
    #[error("upload {id} is {state:?}: the ledger only records accepted uploads")]
    LedgerNotAccepted { id: i64, state: UploadState },
    /// Keys can be staged only for an upload that is `prepared` (not yet on the wire).
    #[error("upload {id} is {state:?}: keys are staged before sending only")]
    LedgerNotPending { id: i64, state: UploadState },
    /// `resend` was asked for an upload that cannot be resent from its state.
    #[error("upload {id} is {state:?} and cannot be resent")]
    NotResendable { id: i64, state: UploadState },
    /// Only `sent`/`processing` uploads have a poll schedule.
    #[error("upload {id} is {state:?}: nothing to poll")]
    NotPollable { id: i64, state: UploadState },
    /// No account with this login.
    #[error("no account `{0}`")]
    AccountNotFound(String),
    /// A setting key that looks like a place for a secret; secrets live in the token store.
    #[error("setting `{0}` looks like a secret; secrets belong in the token store")]
    SecretSetting(String),
    /// A value read back from the database does not parse (hand-edited or corrupt file).
    #[error("column `{column}` holds an unknown value `{value}`")]
    BadValue { column: &'static str, value: String },
    /// JSON body stored or read failed to (de)serialise.
    #[error("json in `{column}`: {source}")]
    Json {
        column: &'static str,
        source: serde_json::Error,
    },
    /// Reading a source file to hash it, or writing an export, failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// Writing the CSV export failed.
    #[error("csv export: {0}")]
    Csv(#[from] csv::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn json(column: &'static str) -> impl FnOnce(serde_json::Error) -> Error {
        move |source| Error::Json { column, source }
    }

    /// True for SQLITE_BUSY / SQLITE_LOCKED, the errors a write retry can cure.
    pub(crate) fn is_busy(&self) -> bool {
        match self {
            Error::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ),
            _ => false,
        }
    }
}
