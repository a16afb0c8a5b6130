//! The "send only new rows" ledger: verdicts against a model, the accepted-only commit rule,
//! isolation per (counter, kind), and large inputs.

use crate::common::{new_upload, report, store};
use mb_history::{Error, LedgerVerdict, RowHash, Store, row_hash};
use mb_schema::UploadKind;
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};

fn accepted_upload(s: &Store, counter: i64, kind: UploadKind) -> i64 {
    let u = s
        .record_prepared(&new_upload(counter, kind, "rows"))
        .unwrap();
    s.mark_sending(u.id).unwrap();
    s.mark_sent(u.id, "1", &report("UPLOADED")).unwrap();
    u.id
}

fn h(n: u32) -> RowHash {
    row_hash(&[n.to_le_bytes()])
}

fn model_verdict(
    model: &HashMap<RowHash, RowHash>,
    seen: &HashSet<(RowHash, RowHash)>,
    key: &RowHash,
    content: &RowHash,
) -> LedgerVerdict {
    match model.get(key) {
        None => LedgerVerdict::New,
        Some(c) if c == content => LedgerVerdict::Unchanged,
        Some(_) if seen.contains(&(*key, *content)) => LedgerVerdict::Reverted,
        Some(_) => LedgerVerdict::Changed,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any sequence of (commit batch, then filter batch) agrees with a HashMap model where
    /// the last committed content of a key wins, and a content committed before and replaced
    /// since is an older one (`Reverted`), whatever the merges of segments between.
    #[test]
    fn verdicts_match_a_last_write_wins_model(
        batches in prop::collection::vec(
            prop::collection::vec((0u32..40, 0u32..4), 0..30), 1..5),
        probe in prop::collection::vec((0u32..60, 0u32..4), 0..50),
    ) {
        let (s, _) = store();
        let mut model = HashMap::new();
        let mut seen = HashSet::new();
        for batch in &batches {
            let rows: Vec<_> = batch.iter().map(|&(k, c)| (h(k), h(1000 + c))).collect();
            let want: Vec<_> =
                rows.iter().map(|(k, c)| model_verdict(&model, &seen, k, c)).collect();
            let got = s.ledger_filter(5, UploadKind::SimpleOrders, rows.iter().copied()).unwrap();
            prop_assert_eq!(got, want);
            let id = accepted_upload(&s, 5, UploadKind::SimpleOrders);
            let n = s.ledger_commit(id, rows.iter().copied()).unwrap();
            prop_assert_eq!(n, rows.len());
            // Processed: its segment may be merged with the earlier ones from now on.
            s.record_server_report(id, &report("PROCESSED")).unwrap();
            s.ledger_compact(5, UploadKind::SimpleOrders).unwrap();
            // One upload keeps the last row of a key (what Metrica applies last).
            let mut last = HashMap::new();
            for (k, c) in rows {
                last.insert(k, c);
            }
            for (k, c) in last {
                model.insert(k, c);
                seen.insert((k, c));
            }
        }
        let rows: Vec<_> = probe.iter().map(|&(k, c)| (h(k), h(1000 + c))).collect();
        let want: Vec<_> = rows.iter().map(|(k, c)| model_verdict(&model, &seen, k, c)).collect();
        prop_assert_eq!(s.ledger_filter(5, UploadKind::SimpleOrders, rows).unwrap(), want);
        prop_assert_eq!(s.ledger_len(5, UploadKind::SimpleOrders).unwrap(), model.len() as u64);
        // Other counters and kinds never see these keys.
        let keys: Vec<_> = model.iter().map(|(k, c)| (*k, *c)).collect();
        let other = s.ledger_filter(6, UploadKind::SimpleOrders, keys.iter().copied()).unwrap();
        prop_assert!(other.iter().all(|v| *v == LedgerVerdict::New));
        let other = s.ledger_filter(5, UploadKind::Orders, keys).unwrap();
        prop_assert!(other.iter().all(|v| *v == LedgerVerdict::New));
    }
}

#[test]
fn a_failed_or_unsent_upload_cannot_teach_the_ledger() {
    let (s, _) = store();
    let rows = [(h(1), h(2))];
    let u = s
        .record_prepared(&new_upload(1, UploadKind::Orders, "x"))
        .unwrap();
    let refused = |id| {
        matches!(
            s.ledger_commit(id, rows),
            Err(Error::LedgerNotAccepted { .. })
        )
    };
    assert!(refused(u.id), "prepared");
    s.mark_sending(u.id).unwrap();
    assert!(refused(u.id), "sending");
    s.mark_failed(u.id, None).unwrap();
    assert!(refused(u.id), "failed");
    assert_eq!(s.ledger_len(1, UploadKind::Orders).unwrap(), 0);
    assert_eq!(
        s.ledger_filter(1, UploadKind::Orders, rows).unwrap(),
        [LedgerVerdict::New]
    );
}

#[test]
fn empty_inputs_are_fine() {
    let (s, _) = store();
    assert!(
        s.ledger_filter(1, UploadKind::Orders, [])
            .unwrap()
            .is_empty()
    );
    let id = accepted_upload(&s, 1, UploadKind::Orders);
    assert_eq!(s.ledger_commit(id, []).unwrap(), 0);
}

#[test]
fn commits_larger_than_one_chunk_are_all_recorded_and_clear_forgets_them() {
    let (s, _) = store();
    let id = accepted_upload(&s, 3, UploadKind::Conversions);
    let n = 45_001u32;
    let rows = (0..n).map(|i| (h(i), h(i + 1)));
    assert_eq!(s.ledger_commit(id, rows).unwrap(), n as usize);
    assert_eq!(
        s.ledger_len(3, UploadKind::Conversions).unwrap(),
        u64::from(n)
    );
    let probe = [(h(0), h(1)), (h(45_000), h(7)), (h(45_001), h(0))];
    assert_eq!(
        s.ledger_filter(3, UploadKind::Conversions, probe).unwrap(),
        [
            LedgerVerdict::Unchanged,
            LedgerVerdict::Changed,
            LedgerVerdict::New
        ]
    );
    assert_eq!(
        s.ledger_clear(3, UploadKind::Conversions).unwrap(),
        n as usize
    );
    assert_eq!(s.ledger_len(3, UploadKind::Conversions).unwrap(), 0);
}

fn staged(s: &Store, counter: i64, kind: UploadKind, rows: &[(RowHash, RowHash)]) -> i64 {
    let u = s
        .record_prepared(&new_upload(counter, kind, "staged"))
        .unwrap();
    s.ledger_stage(u.id, rows.iter().copied()).unwrap();
    u.id
}

#[test]
fn staged_keys_teach_nothing_until_the_acceptance_is_recorded() {
    let (s, _) = store();
    let rows = [(h(1), h(10)), (h(2), h(20))];
    let id = staged(&s, 7, UploadKind::Conversions, &rows);
    assert!(s.ledger_has_pending(id).unwrap());
    s.mark_sending(id).unwrap();
    let probe = || s.ledger_filter(7, UploadKind::Conversions, rows).unwrap();
    assert_eq!(probe(), [LedgerVerdict::New; 2], "pending keys are unknown");
    s.mark_sent(id, "9", &report("UPLOADED")).unwrap();
    assert_eq!(probe(), [LedgerVerdict::Unchanged; 2]);
    assert!(!s.ledger_has_pending(id).unwrap());
    assert!(s.ledger_knows_upload(id).unwrap());
}

#[test]
fn rejected_failed_and_cdp_failed_uploads_never_teach_the_ledger() {
    let (s, _) = store();
    let rows = [(h(1), h(10))];
    let rejected = staged(&s, 7, UploadKind::Conversions, &rows);
    s.mark_sending(rejected).unwrap();
    s.mark_rejected(rejected, Some("bad")).unwrap();
    let failed = staged(&s, 7, UploadKind::Conversions, &rows);
    s.mark_sending(failed).unwrap();
    s.mark_failed(failed, Some("network")).unwrap();
    // A CRM upload accepted, then refused by the server's validation: withdrawn.
    let cdp = staged(&s, 7, UploadKind::SimpleOrders, &rows);
    s.mark_sending(cdp).unwrap();
    s.mark_sent(cdp, "uuid", &Default::default()).unwrap();
    assert_eq!(
        s.ledger_filter(7, UploadKind::SimpleOrders, rows).unwrap(),
        [LedgerVerdict::Unchanged]
    );
    s.record_server_report(cdp, &report("FAILED")).unwrap();
    for kind in [UploadKind::Conversions, UploadKind::SimpleOrders] {
        assert_eq!(
            s.ledger_filter(7, kind, rows).unwrap(),
            [LedgerVerdict::New],
            "{kind}"
        );
        assert_eq!(s.ledger_len(7, kind).unwrap(), 0);
    }
    for id in [rejected, failed, cdp] {
        assert!(!s.ledger_has_pending(id).unwrap(), "{id}");
    }
}

#[test]
fn an_interrupted_upload_keeps_its_pending_keys_for_the_reconcile_or_the_resend() {
    let (s, _) = store();
    let rows = [(h(1), h(10))];
    // Found on the server by the reconcile: confirmed then.
    let a = staged(&s, 7, UploadKind::Conversions, &rows);
    s.mark_sending(a).unwrap();
    s.mark_interrupted(a).unwrap();
    assert!(s.ledger_has_pending(a).unwrap());
    s.mark_sent(a, "1", &report("UPLOADED")).unwrap();
    assert_eq!(
        s.ledger_filter(7, UploadKind::Conversions, rows).unwrap(),
        [LedgerVerdict::Unchanged]
    );
    // Not found: resent, the keys move to the new upload and wait for its acceptance.
    let rows = [(h(2), h(20))];
    let b = staged(&s, 7, UploadKind::Conversions, &rows);
    s.mark_sending(b).unwrap();
    s.mark_interrupted(b).unwrap();
    let c = s.resend(b).unwrap().id;
    assert!(!s.ledger_has_pending(b).unwrap());
    assert!(s.ledger_has_pending(c).unwrap());
    s.mark_sending(c).unwrap();
    s.mark_sent(c, "2", &report("UPLOADED")).unwrap();
    assert_eq!(
        s.ledger_filter(7, UploadKind::Conversions, rows).unwrap(),
        [LedgerVerdict::Unchanged]
    );
}

/// A job's run was interrupted (outcome unknown); its next run sent the same rows, and more,
/// and Metrica took them. The interrupted upload is then superseded by the later one: a
/// resend from History would have sent those rows a second time. So is one whose rows went
/// with other content (an amount corrected since): its resend would put its values back over
/// the later ones, and the core refuses it. One whose rows were only partly sent since stays
/// resendable.
#[test]
fn an_interrupted_upload_whose_rows_a_later_one_sent_is_superseded_by_it() {
    use mb_history::UploadState;
    let (s, _) = store();
    let interrupted = |rows: &[(RowHash, RowHash)]| {
        let id = staged(&s, 7, UploadKind::Conversions, rows);
        s.mark_sending(id).unwrap();
        s.mark_interrupted(id).unwrap();
        id
    };
    let covered = interrupted(&[(h(1), h(10)), (h(2), h(20))]);
    let partly = interrupted(&[(h(2), h(20)), (h(9), h(90))]);
    let changed = interrupted(&[(h(3), h(31))]);
    let other_kind = staged(&s, 7, UploadKind::Calls, &[(h(1), h(10))]);
    s.mark_sending(other_kind).unwrap();
    s.mark_interrupted(other_kind).unwrap();

    let later = staged(
        &s,
        7,
        UploadKind::Conversions,
        &[(h(1), h(10)), (h(2), h(20)), (h(3), h(30))],
    );
    s.mark_sending(later).unwrap();
    s.mark_sent(later, "5", &report("UPLOADED")).unwrap();

    for id in [covered, changed] {
        let u = s.upload(id).unwrap();
        assert_eq!(
            (u.state, u.superseded_by),
            (UploadState::Superseded, Some(later)),
            "{id}"
        );
        assert!(!s.ledger_has_pending(id).unwrap());
        assert!(matches!(s.resend(id), Err(Error::NotResendable { .. })));
    }
    for id in [partly, other_kind] {
        let u = s.upload(id).unwrap();
        assert_eq!(
            (u.state, u.superseded_by),
            (UploadState::Interrupted, None),
            "{id}"
        );
        assert!(s.ledger_has_pending(id).unwrap());
    }
}

#[test]
fn keys_are_staged_only_before_the_send() {
    let (s, _) = store();
    let id = accepted_upload(&s, 1, UploadKind::Orders);
    assert!(matches!(
        s.ledger_stage(id, [(h(1), h(2))]),
        Err(Error::LedgerNotPending { .. })
    ));
}

#[test]
fn many_finished_uploads_are_merged_into_few_segments_with_the_newest_content() {
    let (s, _) = store();
    let mut model = HashMap::new();
    for round in 0..40u32 {
        let rows: Vec<_> = (0..50u32).map(|i| (h(round * 30 + i), h(round))).collect();
        let id = staged(&s, 9, UploadKind::Orders, &rows);
        s.mark_sending(id).unwrap();
        s.mark_sent(id, "x", &report("PASSED")).unwrap();
        s.ledger_compact(9, UploadKind::Orders).unwrap();
        for (k, c) in rows {
            model.insert(k, c);
        }
    }
    let segments = s.ledger_segments(9, UploadKind::Orders).unwrap();
    assert!(segments <= 8, "{segments} segments");
    assert_eq!(
        s.ledger_len(9, UploadKind::Orders).unwrap(),
        model.len() as u64
    );
    let probe: Vec<_> = model.iter().map(|(k, c)| (*k, *c)).collect();
    assert!(
        s.ledger_filter(9, UploadKind::Orders, probe)
            .unwrap()
            .iter()
            .all(|v| *v == LedgerVerdict::Unchanged)
    );
}

/// An order sent cancelled, then paid: the cancelled row again is an older value, also once
/// the two uploads' segments are merged into one; a status never sent is a correction.
#[test]
fn a_value_accepted_once_and_replaced_since_is_older_after_a_merge_too() {
    let (s, _) = store();
    let kind = UploadKind::SimpleOrders;
    for content in [h(10), h(11)] {
        let id = accepted_upload(&s, 7, kind);
        s.ledger_commit(id, [(h(1), content)]).unwrap();
        s.record_server_report(id, &report("PROCESSED")).unwrap();
        s.ledger_compact(7, kind).unwrap();
    }
    assert_eq!(s.ledger_segments(7, kind).unwrap(), 1, "merged");
    assert_eq!(
        s.ledger_filter(7, kind, [(h(1), h(10)), (h(1), h(11)), (h(1), h(12))])
            .unwrap(),
        [
            LedgerVerdict::Reverted,
            LedgerVerdict::Unchanged,
            LedgerVerdict::Changed
        ]
    );
    assert_eq!(s.ledger_len(7, kind).unwrap(), 1);
}
