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
pub mod gate;
pub mod history;
pub mod import;
pub mod jobs;
pub mod ledger;
pub mod logging;
pub mod notices;
pub mod overview;
pub mod plan;
pub mod progress;
pub mod schedule;
pub mod send_lock;
pub mod upload;
pub mod window;

pub use crate::core::{Core, DEMO_LOGIN};
pub use config::CoreOptions;
pub use plan::{MappingSource, OutcomeKind, PlanRequest, UploadResult};
pub use upload::{
    Prepared, PreparedUpload, ProgressSink, SendReview, UploadOutcome, UploadPlan, no_progress_sink,
};

// What the front ends need of the crates below, so that they depend on this crate alone.
pub use mb_history::{RunResult, UploadState};
pub use mb_import::human::said;
pub use mb_import::mapping::Mapping;
pub use mb_import::read::ReadOptions;
pub use mb_import::report::{IssueCount, IssuePlace, Report, Severity};
pub use mb_import::validate::ValidateOptions;
pub use mb_import::write::OutputSpec;
pub use mb_import::{IssueCode, messages};
pub use mb_schema::fs::open_regular;
pub use mb_schema::{MergeMode, UploadKind};

/// The built-in fake Metrica (`mbridge demo-server`).
pub mod demo {
    pub use mb_fake::{DEMO_TIME_SCALE, FakeConfig, run_until_ctrl_c};
}
