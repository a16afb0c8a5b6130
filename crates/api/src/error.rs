//! The one error enum of mb-api, and the parser of Metrica's error body (reference §6.2/§6.3).
//! Variants carry data for the UI's exhaustive table; no variant ever carries a token.

use jiff::Timestamp;
use serde::Deserialize;

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

/// Which quota the server said was exceeded (`errors[].error_type`, §6.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuotaKind {
    /// `quota_requests_by_ip`: per second, retried automatically.
    RequestsByIp,
    /// `quota_parallel_requests`: too many in flight, retried automatically.
    ParallelRequests,
    /// `quota_requests_by_uid`: daily per user, resets at 00:00 UTC.
    RequestsByUid,
    /// `quota_requests_by_counter_id`: daily per counter, resets at 00:00 UTC.
    RequestsByCounterId,
    /// `quota_delegate_requests`, `quota_grants_requests`: hourly.
    Hourly(String),
    /// A 420/429 with a body we could not classify.
    Other(String),
}

impl QuotaKind {
    pub(crate) fn from_error_type(s: &str) -> Self {
        match s {
            "quota_requests_by_ip" => QuotaKind::RequestsByIp,
            "quota_parallel_requests" => QuotaKind::ParallelRequests,
            "quota_requests_by_uid" => QuotaKind::RequestsByUid,
            "quota_requests_by_counter_id" => QuotaKind::RequestsByCounterId,
            "quota_delegate_requests" | "quota_grants_requests" => QuotaKind::Hourly(s.into()),
            other => QuotaKind::Other(other.into()),
        }
    }

    /// Short-lived quotas worth a back-off and a retry.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            QuotaKind::RequestsByIp | QuotaKind::ParallelRequests | QuotaKind::Other(_)
        )
    }

    pub fn is_daily(&self) -> bool {
        matches!(
            self,
            QuotaKind::RequestsByUid | QuotaKind::RequestsByCounterId
        )
    }
}

/// Everything that can go wrong talking to Metrica or Yandex OAuth.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No token for this account (the caller should start a sign-in).
    #[error("not signed in")]
    NotSignedIn,
    /// 401, or 403 `invalid_token`/`unauthorized`: expired or revoked; sign in again.
    #[error("token expired or revoked (HTTP {status})")]
    TokenExpired { status: u16 },
    /// 403 `access_denied` (or `counter_in_connect`): no rights on the counter or scope (§3.4).
    #[error("no access (counter {counter:?}, error_type {error_type})")]
    NoAccess {
        counter: Option<u64>,
        error_type: String,
    },
    /// 420/429 quota; `retry_at` is the next 00:00 UTC for daily quotas.
    #[error("quota exceeded: {kind:?} (retry at {retry_at:?})")]
    QuotaExceeded {
        kind: QuotaKind,
        retry_at: Option<Timestamp>,
    },
    /// 400 (or a CDP 200 with `api_validation_status: FAILED`): the server refused the request or
    /// file; `message` is the server's text, shown verbatim next to the file.
    #[error("rejected: {error_type}: {message} (line {line:?})")]
    RejectedData {
        error_type: String,
        message: String,
        line: Option<u64>,
    },
    /// 404.
    #[error("not found")]
    NotFound,
    /// The upload was refused because the counter's linking window opens later.
    #[error("linking window opens on {date}")]
    LinkingWindowNotOpen { date: String },
    /// Could not reach the server or the connection broke before an answer.
    #[error("network error: {0}")]
    Network(#[source] reqwest::Error),
    /// 5xx (after retries for safe requests) or another unexpected status.
    #[error("server error HTTP {status} ({error_type:?})")]
    Server {
        status: u16,
        error_type: Option<String>,
    },
    /// The caller's cancellation token fired.
    #[error("cancelled")]
    Cancelled,
    /// A file upload was cancelled before any of it went: the server cannot have it (no
    /// look-up needed; sending it again is safe).
    #[error("cancelled before the file went")]
    CancelledBeforeSend,
    /// The upload body was sent but its answer was lost, and no upload carrying `tag` was found
    /// on the server (yet). Do not re-send blindly; look again later with `find_upload_by_tag`.
    #[error("upload outcome unknown (tag {tag})")]
    UploadOutcomeUnknown { tag: String },
    /// The server answered with a body we do not understand.
    #[error("unexpected answer from {endpoint}: {detail}")]
    Protocol { endpoint: String, detail: String },
    /// Reading the file to upload failed.
    #[error("cannot read {path}: {source}")]
    File {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// OAuth: refresh or code exchange refused in a way that means "sign in again"
    /// (`invalid_grant`, `invalid_client`).
    #[error("sign in again ({error})")]
    SignInAgain { error: String },
    /// OAuth: any other error answer (`access_denied` by the user, `invalid_scope`…).
    #[error("oauth error {error}: {description:?}")]
    OAuth {
        error: String,
        description: Option<String>,
    },
    /// OAuth: the `state` on the callback did not match ours (possible CSRF).
    #[error("oauth state mismatch")]
    StateMismatch,
    /// OAuth: the user did not finish in time (loopback callback or device code).
    #[error("sign-in timed out")]
    SignInTimeout,
    /// Local I/O for the loopback listener or the token file.
    #[error("local i/o: {0}")]
    Io(#[from] std::io::Error),
    /// Configuration unusable (bad base URL, bad yandex-app.json).
    #[error("configuration: {0}")]
    Config(String),
    /// The token store failed (keychain error text, never the secret).
    #[error("token store: {0}")]
    TokenStore(String),
}

impl ApiError {
    /// Whether the user has to sign in again to go on.
    pub fn needs_sign_in(&self) -> bool {
        matches!(
            self,
            ApiError::NotSignedIn | ApiError::TokenExpired { .. } | ApiError::SignInAgain { .. }
        )
    }
}

/// The §6.2 error body.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub errors: Vec<ErrorItem>,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorItem {
    #[serde(default)]
    pub error_type: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

impl ErrorBody {
    pub fn parse(bytes: &[u8]) -> Self {
        serde_json::from_slice(bytes).unwrap_or_default()
    }
    pub fn error_type(&self) -> Option<&str> {
        self.errors.iter().find_map(|e| e.error_type.as_deref())
    }
    pub fn text(&self) -> String {
        self.message
            .clone()
            .or_else(|| self.errors.iter().find_map(|e| e.message.clone()))
            .unwrap_or_default()
    }
}

/// Which quota classification a 420/429 body carries.
pub(crate) fn quota_kind(body: &ErrorBody) -> QuotaKind {
    body.errors
        .iter()
        .filter_map(|e| e.error_type.as_deref())
        .find(|t| t.starts_with("quota"))
        .map(QuotaKind::from_error_type)
        .unwrap_or_else(|| QuotaKind::Other(body.error_type().unwrap_or("").to_string()))
}

/// A line number the server mentions in its message (`строка 3`, `line 3`), if any.
pub(crate) fn line_in_message(message: &str) -> Option<u64> {
    let lower = message.to_lowercase();
    for key in ["строка", "строке", "line", "row"] {
        if let Some(pos) = lower.find(key) {
            let rest = &lower[pos + key.len()..];
            let digits: String = rest
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(|c| c.is_ascii_digit())
                .collect();
            let gap = rest.chars().take_while(|c| !c.is_ascii_digit()).count();
            if !digits.is_empty() && gap <= 3 {
                return digits.parse().ok();
            }
        }
    }
    None
}

/// How Yandex begins the 400 for an upload made before the counter's linking window opens
/// (docs/metrika-api.md §4.7, observed): a date follows, `dd.MM.yyyy` or ISO.
pub const WINDOW_NOT_OPEN_PREFIX: &str = "Загрузить данные сейчас невозможно";

/// The date (`YYYY-MM-DD`) in a message saying uploads open later: Yandex's «Загрузить данные
/// сейчас невозможно. Загрузка станет доступна …» (Yandex's own API tests expect that start:
/// `VISIT_JOIN_THRESHOLD_UNMET`), or the API's own English name of that threshold. The date may
/// be `dd.MM.yyyy` or ISO. Looser words («окно», «порог») with a date once took any other
/// refusal for a closed window, and the counter waited for that date.
pub(crate) fn linking_window_date(message: &str) -> Option<String> {
    let lower = message.to_lowercase();
    let about_window = lower.contains(&WINDOW_NOT_OPEN_PREFIX.to_lowercase())
        || lower.contains("загрузка станет доступна")
        || lower.contains("visit join threshold")
        || lower.contains("visit_join_threshold");
    if !about_window {
        return None;
    }
    let b = message.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let w = &b[i..i + 10];
        let iso = w.iter().enumerate().all(|(j, c)| match j {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
        let ru = w.iter().enumerate().all(|(j, c)| match j {
            2 | 5 => *c == b'.',
            _ => c.is_ascii_digit(),
        });
        let text = std::str::from_utf8(w).ok()?;
        if !(iso || ru) {
            return None;
        }
        crate::model::parse_date_lenient(text).map(|d| d.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_error_body() {
        let b = ErrorBody::parse(
            br#"{"errors":[{"error_type":"invalid_uploading","message":"bad"}],"code":400,"message":"top"}"#,
        );
        assert_eq!(b.error_type(), Some("invalid_uploading"));
        assert_eq!(b.text(), "top");
        let b = ErrorBody::parse(br#"{"errors":[{"error_type":"x","message":"inner"}]}"#);
        assert_eq!(b.text(), "inner");
        assert_eq!(ErrorBody::parse(b"<html>").error_type(), None);
    }

    #[test]
    fn classifies_quota_types() {
        let b = ErrorBody::parse(br#"{"errors":[{"error_type":"quota_requests_by_uid"}]}"#);
        assert_eq!(quota_kind(&b), QuotaKind::RequestsByUid);
        assert!(quota_kind(&b).is_daily());
        let b = ErrorBody::parse(br#"{"errors":[{"error_type":"quota_requests_by_ip"}]}"#);
        assert!(quota_kind(&b).is_transient());
    }

    #[test]
    fn finds_line_numbers_in_messages() {
        assert_eq!(line_in_message("Строка 3: DateTime в будущем"), Some(3));
        assert_eq!(line_in_message("error at line 12, column Target"), Some(12));
        assert_eq!(line_in_message("Файл пуст"), None);
    }

    #[test]
    fn finds_linking_window_dates_only_when_the_message_is_about_it() {
        assert_eq!(
            linking_window_date("visit join threshold is 2026-11-01").as_deref(),
            Some("2026-11-01")
        );
        assert_eq!(linking_window_date("bad date 2026-11-01"), None);
        // Another refusal that happens to say «окно» or «порог» beside a date is not this one.
        assert_eq!(
            linking_window_date("Строка 4: дата 2026-11-01 вне окна атрибуции"),
            None
        );
        assert_eq!(
            linking_window_date("Превышен порог загрузок до 01.12.2026"),
            None
        );
    }

    #[test]
    fn recognises_yandex_window_not_open_message_with_either_date_form() {
        assert_eq!(
            linking_window_date(
                "Загрузить данные сейчас невозможно. Загрузка станет доступна 23.11.2026"
            )
            .as_deref(),
            Some("2026-11-23")
        );
        assert_eq!(
            linking_window_date(
                "Загрузить данные сейчас невозможно. Загрузка станет доступна 2026-11-23T00:00:00"
            )
            .as_deref(),
            Some("2026-11-23")
        );
        assert_eq!(
            linking_window_date("Неверный формат данных, ошибка в строке номер 12"),
            None
        );
    }
}
