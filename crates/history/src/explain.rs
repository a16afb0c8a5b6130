//! Why an upload ended where it did, as codes the UI and CLI translate (never sentences).
//! Owns the reading of server counters; does not own the words nor any state change.

use crate::{Upload, UploadState};
use mb_schema::UploadKind;
use serde::{Deserialize, Serialize};

/// What happened, one item per fact worth showing.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExplanationCode {
    /// Recorded but not sent yet.
    NotSent,
    /// A send is in flight.
    Sending,
    /// The server accepted it and is still processing.
    Processing,
    /// Rows linked to visits (count).
    Linked,
    /// CRM rows the server accepted (`elements_count`).
    CrmAccepted,
    /// Of the rows sent, corrections: rows Metrica had with other values (count; recorded by
    /// the send as `options.review.corrected`).
    RowsCorrected,
    /// Rows left out as Metrica has them unchanged, «только новые строки» (count; recorded as
    /// `options.review.known`).
    RowsKnownLeftOut,
    /// Rows left out as older than Metrica's values (count; `options.review.outdated`).
    RowsOutdatedLeftOut,
    /// Calls left out as sent before with other content (count; `options.review.changed`).
    CallsChangedLeftOut,
    /// Every row sent: rows Metrica had already that went again (count; `options.review.again`).
    RowsSentAgain,
    /// Every row sent: of those, earlier data put back (count; `options.review.outdated_sent`).
    RowsOutdatedSent,
    /// Rows the validator rejected before sending (count).
    RowsRejectedLocally,
    /// Rows Metrica kept of the rows it received (`line_quantity`), shown when it dropped some.
    RowsKeptByServer,
    /// Rows the server dropped in validation (`source_quantity - line_quantity`).
    RowsDroppedByServer,
    /// Rows whose identifier matched no visitor (count).
    UsersNotFound,
    /// Rows whose `Target` matched no goal (count).
    GoalsNotFound,
    /// Static calls: never linked to visits, still in call reports (count).
    StaticCalls,
    /// Nothing could be linked.
    LinkageFailure,
    /// The server refused the file.
    Rejected,
    /// Not stored: network or server error.
    Failed,
    /// Outcome unknown: the send was cut off.
    Interrupted,
    /// Outcome unknown: the user stopped the send while the file was on its way.
    StoppedByUser,
    /// Replaced by a resend.
    Superseded,
}

/// What the user can do about it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdviceCode {
    /// Processing takes up to ~2 hours; we keep polling.
    WaitForProcessing,
    /// Check the rejected rows in the validation report.
    ReviewRejectedRows,
    /// Check that the site collects ClientID/UserID and that the visits are within the
    /// 21-day linking window.
    CheckIdentifiersAndWindow,
    /// Check the goal identifiers (JavaScript-event goals) in the counter.
    CheckGoalIdentifiers,
    /// Fix the file per the server message and upload it again.
    FixFileAndUploadAgain,
    /// Metrica drops a row whose required value (identifier, goal, date) is missing or
    /// invalid by its own rules — e.g. a date still in the future by its clock — and keeps the
    /// rest; the kept rows need no resend (docs/metrika-api.md §4.2).
    ServerDroppedInvalidRows,
    /// Resend (nothing reached the server).
    Resend,
    /// Check whether the server got it (reconciliation), then resend if not.
    ReconcileThenResend,
    /// Look at the newer upload that replaced this one.
    SeeNewerUpload,
    /// The file prepared for it is gone: no resend; choose the file again (the rows Metrica
    /// accepted before are not sent twice with «только новые строки»).
    UploadFileAgain,
}

impl ExplanationCode {
    /// Every code.
    pub const ALL: &'static [ExplanationCode] = &[
        ExplanationCode::NotSent,
        ExplanationCode::Sending,
        ExplanationCode::Processing,
        ExplanationCode::Linked,
        ExplanationCode::CrmAccepted,
        ExplanationCode::RowsCorrected,
        ExplanationCode::RowsKnownLeftOut,
        ExplanationCode::RowsOutdatedLeftOut,
        ExplanationCode::CallsChangedLeftOut,
        ExplanationCode::RowsSentAgain,
        ExplanationCode::RowsOutdatedSent,
        ExplanationCode::RowsRejectedLocally,
        ExplanationCode::RowsKeptByServer,
        ExplanationCode::RowsDroppedByServer,
        ExplanationCode::UsersNotFound,
        ExplanationCode::GoalsNotFound,
        ExplanationCode::StaticCalls,
        ExplanationCode::LinkageFailure,
        ExplanationCode::Rejected,
        ExplanationCode::Failed,
        ExplanationCode::Interrupted,
        ExplanationCode::StoppedByUser,
        ExplanationCode::Superseded,
    ];

    /// The wire word (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            ExplanationCode::NotSent => "not_sent",
            ExplanationCode::Sending => "sending",
            ExplanationCode::Processing => "processing",
            ExplanationCode::Linked => "linked",
            ExplanationCode::CrmAccepted => "crm_accepted",
            ExplanationCode::RowsCorrected => "rows_corrected",
            ExplanationCode::RowsKnownLeftOut => "rows_known_left_out",
            ExplanationCode::RowsOutdatedLeftOut => "rows_outdated_left_out",
            ExplanationCode::CallsChangedLeftOut => "calls_changed_left_out",
            ExplanationCode::RowsSentAgain => "rows_sent_again",
            ExplanationCode::RowsOutdatedSent => "rows_outdated_sent",
            ExplanationCode::RowsRejectedLocally => "rows_rejected_locally",
            ExplanationCode::RowsKeptByServer => "rows_kept_by_server",
            ExplanationCode::RowsDroppedByServer => "rows_dropped_by_server",
            ExplanationCode::UsersNotFound => "users_not_found",
            ExplanationCode::GoalsNotFound => "goals_not_found",
            ExplanationCode::StaticCalls => "static_calls",
            ExplanationCode::LinkageFailure => "linkage_failure",
            ExplanationCode::Rejected => "rejected",
            ExplanationCode::Failed => "failed",
            ExplanationCode::Interrupted => "interrupted",
            ExplanationCode::StoppedByUser => "stopped_by_user",
            ExplanationCode::Superseded => "superseded",
        }
    }
}

impl AdviceCode {
    /// Every code.
    pub const ALL: &'static [AdviceCode] = &[
        AdviceCode::WaitForProcessing,
        AdviceCode::ReviewRejectedRows,
        AdviceCode::CheckIdentifiersAndWindow,
        AdviceCode::CheckGoalIdentifiers,
        AdviceCode::FixFileAndUploadAgain,
        AdviceCode::ServerDroppedInvalidRows,
        AdviceCode::Resend,
        AdviceCode::ReconcileThenResend,
        AdviceCode::SeeNewerUpload,
        AdviceCode::UploadFileAgain,
    ];

    /// The wire word (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            AdviceCode::WaitForProcessing => "wait_for_processing",
            AdviceCode::ReviewRejectedRows => "review_rejected_rows",
            AdviceCode::CheckIdentifiersAndWindow => "check_identifiers_and_window",
            AdviceCode::CheckGoalIdentifiers => "check_goal_identifiers",
            AdviceCode::FixFileAndUploadAgain => "fix_file_and_upload_again",
            AdviceCode::ServerDroppedInvalidRows => "server_dropped_invalid_rows",
            AdviceCode::Resend => "resend",
            AdviceCode::ReconcileThenResend => "reconcile_then_resend",
            AdviceCode::SeeNewerUpload => "see_newer_upload",
            AdviceCode::UploadFileAgain => "upload_file_again",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplanationItem {
    pub code: ExplanationCode,
    pub count: Option<i64>,
    pub advice_code: Option<AdviceCode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub state: UploadState,
    /// `linked / line_quantity`, when known.
    pub linked_share: Option<f64>,
    pub items: Vec<ExplanationItem>,
}

fn item(code: ExplanationCode, count: Option<i64>, advice: Option<AdviceCode>) -> ExplanationItem {
    ExplanationItem {
        code,
        count,
        advice_code: advice,
    }
}

/// Explains an upload from its recorded state and counters.
pub fn explain(u: &Upload) -> Explanation {
    use AdviceCode as A;
    use ExplanationCode as C;
    let mut items = Vec::new();
    let positive = |v: Option<i64>| v.filter(|&n| n > 0);
    match u.state {
        UploadState::Prepared => items.push(item(C::NotSent, None, None)),
        UploadState::Sending => items.push(item(C::Sending, None, None)),
        UploadState::Interrupted => {
            let code = if u.server_message.as_deref() == Some(crate::STOPPED_BY_USER) {
                C::StoppedByUser
            } else {
                C::Interrupted
            };
            items.push(item(code, None, Some(A::ReconcileThenResend)))
        }
        UploadState::Superseded => items.push(item(C::Superseded, None, Some(A::SeeNewerUpload))),
        UploadState::Rejected => {
            items.push(item(C::Rejected, None, Some(A::FixFileAndUploadAgain)))
        }
        // Sent again already: that upload is the one to follow.
        UploadState::Failed if u.superseded_by.is_some() => {
            items.push(item(C::Failed, None, Some(A::SeeNewerUpload)))
        }
        UploadState::Failed => items.push(item(C::Failed, None, Some(A::Resend))),
        UploadState::Sent | UploadState::Processing => {
            items.push(item(C::Processing, None, Some(A::WaitForProcessing)))
        }
        UploadState::LinkageFailure => items.push(item(
            C::LinkageFailure,
            None,
            Some(A::CheckIdentifiersAndWindow),
        )),
        UploadState::Processed => {
            if u.kind.is_crm() {
                items.push(item(C::CrmAccepted, u.elements_count, None));
            } else if let Some(n) = u.linked_quantity {
                items.push(item(C::Linked, Some(n), None));
            }
        }
    }
    // What the send's review said of the rows (the first part of a file records it, under
    // `options.review`), in the result screen's order: kept for History.
    let review = u.options.as_ref().and_then(|o| o.get("review"));
    for (key, code) in [
        ("corrected", C::RowsCorrected),
        ("known", C::RowsKnownLeftOut),
        ("outdated", C::RowsOutdatedLeftOut),
        ("changed", C::CallsChangedLeftOut),
        ("again", C::RowsSentAgain),
        ("outdated_sent", C::RowsOutdatedSent),
    ] {
        let n = review
            .and_then(|r| r.get(key))
            .and_then(serde_json::Value::as_i64);
        if let Some(n) = n.filter(|&n| n > 0) {
            items.push(item(code, Some(n), None));
        }
    }
    if u.rows.rejected > 0 {
        let n = i64::try_from(u.rows.rejected).unwrap_or(i64::MAX);
        items.push(item(
            C::RowsRejectedLocally,
            Some(n),
            Some(A::ReviewRejectedRows),
        ));
    }
    if u.state.is_accepted() {
        if let (Some(src), Some(lines)) = (u.source_quantity, u.line_quantity)
            && src > lines
        {
            items.push(item(C::RowsKeptByServer, Some(lines), None));
            items.push(item(
                C::RowsDroppedByServer,
                Some(src - lines),
                Some(A::ServerDroppedInvalidRows),
            ));
        }
        if let Some(n) = positive(u.user_not_found_quantity) {
            items.push(item(
                C::UsersNotFound,
                Some(n),
                Some(A::CheckIdentifiersAndWindow),
            ));
        }
        if let Some(n) = positive(u.goal_not_found_quantity) {
            items.push(item(
                C::GoalsNotFound,
                Some(n),
                Some(A::CheckGoalIdentifiers),
            ));
        }
        if u.kind == UploadKind::Calls
            && let Some(n) = positive(u.static_calls_quantity)
        {
            items.push(item(C::StaticCalls, Some(n), None));
        }
    }
    // One piece of advice is said once (linkage failure and visitors not found both advise
    // checking the identifiers): under the first point it answers.
    let mut advised: Vec<AdviceCode> = Vec::new();
    for i in &mut items {
        if let Some(a) = i.advice_code {
            if advised.contains(&a) {
                i.advice_code = None;
            } else {
                advised.push(a);
            }
        }
    }
    Explanation {
        state: u.state,
        linked_share: u.linked_share(),
        items,
    }
}

impl Upload {
    /// See [`explain`].
    pub fn explain(&self) -> Explanation {
        explain(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_explanation_and_advice_has_its_text_in_both_languages() {
        for lang in mb_text::Lang::ALL {
            for c in ExplanationCode::ALL {
                let key = format!("explain.{}", c.as_str());
                assert!(mb_text::text(lang, &key).is_some(), "{key} {lang:?}");
            }
            for c in AdviceCode::ALL {
                let key = format!("advice.{}", c.as_str());
                assert!(mb_text::text(lang, &key).is_some(), "{key} {lang:?}");
            }
            for s in crate::UploadState::ALL {
                let key = format!("states.{}", s.as_str());
                assert!(mb_text::text(lang, &key).is_some(), "{key} {lang:?}");
            }
        }
        let explain = mb_text::keys(mb_text::Lang::Ru).filter(|k| k.starts_with("explain."));
        assert_eq!(
            explain.count(),
            ExplanationCode::ALL.len(),
            "no stale texts"
        );
    }

    #[test]
    fn the_wire_words_are_the_serde_names() {
        for &c in ExplanationCode::ALL {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        for &c in AdviceCode::ALL {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
    }
}
