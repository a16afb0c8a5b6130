//! The "send only new rows" ledger: verdicts against a model, the accepted-only commit rule,
//! isolation per (counter, kind), and large inputs.

use crate::common::{new_upload, report, store};
use mb_history::{Error, LedgerVerdict, RowHash, Store, row_hash};
use mb_schema::UploadKind;
use proptest::prelude::*;
use std::collections::HashMap;

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
    key: &RowHash,
    content: &RowHash,
) -> LedgerVerdict {
    match model.get(key) {
        None => LedgerVerdict::New,
        Some(c) if c == content => LedgerVerdict::Unchanged,
        Some(_) => LedgerVerdict::Changed,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any sequence of (commit batch, then filter batch) agrees with a HashMap model where
    /// the last committed content of a key wins.
    #[test]
    fn verdicts_match_a_last_write_wins_model(
        batches in prop::collection::vec(
            prop::collection::vec((0u32..40, 0u32..4), 0..30), 1..5),
        probe in prop::collection::vec((0u32..60, 0u32..4), 0..50),
    ) {
        let (s, _) = store();
        let mut model = HashMap::new();
        for batch in &batches {
            let rows: Vec<_> = batch.iter().map(|&(k, c)| (h(k), h(1000 + c))).collect();
            let want: Vec<_> = rows.iter().map(|(k, c)| model_verdict(&model, k, c)).collect();
            let got = s.ledger_filter(5, UploadKind::SimpleOrders, rows.iter().copied()).unwrap();
            prop_assert_eq!(got, want);
            let id = accepted_upload(&s, 5, UploadKind::SimpleOrders);
            let n = s.ledger_commit(id, rows.iter().copied()).unwrap();
            prop_assert_eq!(n, rows.len());
            for (k, c) in rows {
                model.insert(k, c);
            }
        }
        let rows: Vec<_> = probe.iter().map(|&(k, c)| (h(k), h(1000 + c))).collect();
        let want: Vec<_> = rows.iter().map(|(k, c)| model_verdict(&model, k, c)).collect();
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
