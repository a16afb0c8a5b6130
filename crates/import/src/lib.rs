//! mb-import: read → sniff → map → validate & normalise → Metrica-ready CSV.
//!
//! No network, no Tauri. Used by the app, the CLI and the tests alike.
//!
//! * [`read`] owns bytes → rows: encodings, delimiters, header row, Excel, physical lines.
//! * [`mapping`], [`status`], [`normalize`], [`validate`], [`write`](mod@write), [`pipeline`] own
//!   rows → checked, normalised rows → files; [`report`] is the JSON contract of
//!   `mbridge validate --json`; [`codes`] is the list of issue codes; [`messages`] is the one catalogue of issue texts (ru, en).

pub mod attributes;
pub mod codes;
mod dups;
pub mod human;
pub mod mapping;
pub mod messages;
pub mod normalize;
pub mod pipeline;
pub mod read;
pub mod report;
pub mod status;
pub mod validate;
pub mod write;

pub use codes::IssueCode;
pub use report::Report;
pub use validate::ImportError;
