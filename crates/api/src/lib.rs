//! mb-api: the HTTP client for the Yandex Metrica API (management, offline conversions, calls,
//! CRM "CDP"), Yandex OAuth sign-in, and the token store.
//!
//! Owns: wire types mirroring the documented JSON (reference §3–§5), quotas and retries (§6),
//! streaming multipart uploads with progress and cancellation, the "lost answer" recovery by
//! upload tag, OAuth flows (§2) and where tokens live.
//!
//! Deliberately does NOT own: source files, mapping or validation (mb-import prepares the CSV
//! this crate uploads), which account is active and upload history (mb-history), Tauri.

mod cdp;
mod client;
mod config;
mod error;
mod management;
mod model;
pub mod oauth;
mod secret;
pub mod tokens;
mod upload;

pub use client::Client;
pub use config::{ApiConfig, Clock, RetryPolicy};
pub use error::{ApiError, QuotaKind, Result};
pub use model::*;
pub use secret::Token;
pub use tokio_util::sync::CancellationToken;
pub use upload::{
    CrmUploadOptions, ProgressFn, UploadOptions, UploadTag, next_utc_midnight, no_progress,
};
