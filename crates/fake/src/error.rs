//! Error types: the crate's own [`FakeError`] (for library callers) and the wire errors the
//! fake answers with — the Metrica body of §6.2 ([`ApiError`]) and the OAuth body of §2.5
//! ([`OAuthError`]). Messages are the fake's own short texts (§6.4); only shapes are contract.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Errors a library caller of the fake can see.
#[derive(Debug, thiserror::Error)]
pub enum FakeError {
    #[error("could not bind {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// CSV: a quote opened at `start_line` is never closed.
    #[error("unclosed quote opened at line {start_line}")]
    UnclosedQuote { start_line: u64 },
    /// CSV: a quote inside an unquoted field.
    #[error("stray quote at line {line}")]
    StrayQuote { line: u64 },
    /// CSV: text right after a closing quote.
    #[error("text after a closing quote at line {line} (field opened at line {start_line})")]
    TextAfterQuote { line: u64, start_line: u64 },
    /// CSV: the file could not be read.
    #[error("read error: {0}")]
    Read(String),
}

impl FakeError {
    /// A short Russian message naming the physical line(s), for error bodies.
    pub fn message(&self) -> String {
        match self {
            FakeError::UnclosedQuote { start_line } => {
                format!("Некорректные кавычки: кавычка в строке {start_line} не закрыта")
            }
            FakeError::StrayQuote { line } => {
                format!("Некорректные кавычки: лишняя кавычка в строке {line}")
            }
            FakeError::TextAfterQuote { line, start_line } => format!(
                "Некорректные кавычки: поле, открытое в строке {start_line}, \
                 продолжается после закрывающей кавычки в строке {line}"
            ),
            FakeError::Read(e) => format!("Ошибка чтения файла: {e}"),
            other => other.to_string(),
        }
    }
}

impl From<FakeError> for std::io::Error {
    fn from(e: FakeError) -> Self {
        match e {
            FakeError::Bind { source, .. } => source,
            FakeError::Io(e) => e,
            other => std::io::Error::other(other.to_string()),
        }
    }
}

/// The `error_type` catalogue (reference §6.3); the fake answers with no other value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorType {
    InvalidParameter,
    MissingParameter,
    InvalidUploading,
    InvalidJson,
    LimitExceeded,
    Unauthorized,
    AccessDenied,
    InvalidToken,
    NotFound,
    QuotaRequestsByIp,
    QuotaParallelRequests,
    QuotaRequestsByUid,
    QuotaRequestsByCounterId,
    BackendError,
    Timeout,
}

impl ErrorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::InvalidParameter => "invalid_parameter",
            ErrorType::MissingParameter => "missing_parameter",
            ErrorType::InvalidUploading => "invalid_uploading",
            ErrorType::InvalidJson => "invalid_json",
            ErrorType::LimitExceeded => "limit_exceeded",
            ErrorType::Unauthorized => "unauthorized",
            ErrorType::AccessDenied => "access_denied",
            ErrorType::InvalidToken => "invalid_token",
            ErrorType::NotFound => "not_found",
            ErrorType::QuotaRequestsByIp => "quota_requests_by_ip",
            ErrorType::QuotaParallelRequests => "quota_parallel_requests",
            ErrorType::QuotaRequestsByUid => "quota_requests_by_uid",
            ErrorType::QuotaRequestsByCounterId => "quota_requests_by_counter_id",
            ErrorType::BackendError => "backend_error",
            ErrorType::Timeout => "timeout",
        }
    }

    /// The HTTP status §6.3 pairs with the type (quota types use 429; 420 is a fault switch).
    pub fn status(self) -> StatusCode {
        match self {
            ErrorType::InvalidParameter
            | ErrorType::MissingParameter
            | ErrorType::InvalidUploading
            | ErrorType::InvalidJson
            | ErrorType::LimitExceeded => StatusCode::BAD_REQUEST,
            ErrorType::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorType::AccessDenied | ErrorType::InvalidToken => StatusCode::FORBIDDEN,
            ErrorType::NotFound => StatusCode::NOT_FOUND,
            ErrorType::QuotaRequestsByIp
            | ErrorType::QuotaParallelRequests
            | ErrorType::QuotaRequestsByUid
            | ErrorType::QuotaRequestsByCounterId => StatusCode::TOO_MANY_REQUESTS,
            ErrorType::BackendError => StatusCode::SERVICE_UNAVAILABLE,
            ErrorType::Timeout => StatusCode::GATEWAY_TIMEOUT,
        }
    }
}

/// A Metrica error answer: `{"errors":[{"error_type","message"}],"code","message"}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub errors: Vec<(ErrorType, String)>,
}

impl ApiError {
    pub fn new(kind: ErrorType, message: impl Into<String>) -> Self {
        ApiError {
            status: kind.status(),
            errors: vec![(kind, message.into())],
        }
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub fn many(kind: ErrorType, messages: Vec<String>) -> Self {
        ApiError {
            status: kind.status(),
            errors: messages.into_iter().map(|m| (kind, m)).collect(),
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        ApiError::new(ErrorType::NotFound, what)
    }

    pub fn access_denied() -> Self {
        ApiError::new(ErrorType::AccessDenied, "Access is denied")
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        ApiError::new(ErrorType::InvalidParameter, message)
    }

    pub fn missing(name: &str) -> Self {
        ApiError::new(
            ErrorType::MissingParameter,
            format!("Не указан обязательный параметр {name}"),
        )
    }

    pub fn first_type(&self) -> Option<ErrorType> {
        self.errors.first().map(|e| e.0)
    }

    pub fn body(&self) -> serde_json::Value {
        let errors: Vec<_> = self
            .errors
            .iter()
            .map(|(t, m)| json!({"error_type": t.as_str(), "message": m}))
            .collect();
        let message = self.errors.first().map(|e| e.1.clone()).unwrap_or_default();
        json!({"errors": errors, "code": self.status.as_u16(), "message": message})
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

/// An OAuth error answer: `{"error","error_description"}` (HTTP 400 unless stated).
#[derive(Debug, Clone)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    pub fn new(error: &'static str, description: impl Into<String>) -> Self {
        OAuthError {
            status: StatusCode::BAD_REQUEST,
            error,
            description: description.into(),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({"error": self.error, "error_description": self.description})),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_carries_type_code_and_message() {
        let e = ApiError::new(ErrorType::InvalidUploading, "строка 3: дата в будущем");
        let b = e.body();
        assert_eq!(b["code"], 400);
        assert_eq!(b["errors"][0]["error_type"], "invalid_uploading");
        assert_eq!(b["message"], "строка 3: дата в будущем");
    }
}
