//! mb-uploader: the use cases both front ends (desktop app and `mbridge`) call.
//!
//! Owns orchestration: sign in, discovery, preview, validate, upload, poll, reconcile,
//! history. Does not own parsing (mb-import), HTTP (mb-api), storage (mb-history) or
//! presentation (UI / CLI): a Tauri command or a CLI subcommand is a few lines over this crate.

pub mod attributes;
pub mod boundary;
pub mod check;
pub mod commands;
pub mod config;
pub mod core;
pub mod dto;
pub mod error;
pub mod history;
pub mod import;
pub mod jobs;
pub mod ledger;
pub mod logging;
pub mod overview;
pub mod progress;
pub mod schedule;
pub mod upload;
pub mod window;

pub use crate::core::{Core, DEMO_LOGIN};
pub use config::CoreOptions;
pub use upload::{
    Prepared, PreparedUpload, ProgressSink, SendReview, UploadOutcome, UploadPlan, no_progress_sink,
};
