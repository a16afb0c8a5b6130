//! Shared helpers: a store on a manual clock and realistic uploads.

use jiff::Timestamp;
use mb_history::{
    IssueCounts, ManualClock, NewUpload, RowCounts, ServerReport, ServerStatus, SourceFile, Store,
};
use mb_schema::{MergeMode, UploadKind};
use std::sync::Arc;

pub const T0: &str = "2026-11-22T07:15:00Z";

pub fn t0() -> Timestamp {
    T0.parse().unwrap()
}

pub fn store() -> (Store, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(t0()));
    (
        Store::open_in_memory_with_clock(clock.clone()).unwrap(),
        clock,
    )
}

pub fn new_upload(counter_id: i64, kind: UploadKind, content: &str) -> NewUpload {
    NewUpload {
        account_login: "agency-login".into(),
        counter_id,
        kind,
        source: SourceFile::from_bytes("crm-export.csv", content.as_bytes()),
        prepared_sha256: Some("ab".repeat(32)),
        mapping_template_id: None,
        mapping: Some(serde_json::json!({"Телефон": "phones", "Дата": "create_date_time"})),
        rows: RowCounts {
            rows: 10,
            valid: 9,
            rejected: 1,
        },
        issues: IssueCounts {
            errors: 1,
            warnings: 2,
            notices: 0,
        },
        merge_mode: kind.is_crm().then_some(MergeMode::Save),
        options: Some(serde_json::json!({"delimiter_type": "COMMA"})),
    }
}

pub fn report(s: &str) -> ServerReport {
    ServerReport {
        status: Some(ServerStatus::parse(s).unwrap()),
        ..Default::default()
    }
}
