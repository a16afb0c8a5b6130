//! mb-uploader: the use cases both front ends (desktop app and `mbridge`) call.
//!
//! Owns orchestration: sign in, discovery, preview, validate, upload, poll, history. Does not
//! own parsing (mb-import), HTTP (mb-api), storage (mb-history) or presentation (UI / CLI).

pub mod dto;
pub mod logging;
