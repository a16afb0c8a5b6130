//! Every (from, to) pair of upload states, for an offline kind and a CRM kind: legal ones
//! succeed through the public API and land in `to`; every other one is refused with a typed
//! error and leaves the row untouched.

use crate::common::{new_upload, report, store};
use mb_history::{Error, Store, Upload, UploadState, can_transition};
use mb_schema::UploadKind;

use UploadState as S;

/// Drives a fresh upload into `state` through legal steps; `None` if the kind cannot reach it.
fn reach(s: &Store, kind: UploadKind, state: UploadState) -> Option<Upload> {
    let done = if kind.is_crm() { "PASSED" } else { "PROCESSED" };
    let u = s
        .record_prepared(&new_upload(1, kind, &format!("{state:?}")))
        .unwrap();
    let id = u.id;
    let sending = |s: &Store| s.mark_sending(id).unwrap();
    let sent = |s: &Store| {
        sending(s);
        s.mark_sent(id, "48213377", &Default::default()).unwrap()
    };
    let interrupted = |s: &Store| {
        sending(s);
        s.mark_interrupted(id).unwrap()
    };
    Some(match state {
        S::Prepared => u,
        S::Sending => sending(s),
        S::Sent => sent(s),
        S::Processing if kind.is_crm() => return None,
        S::Processing => {
            sent(s);
            s.record_server_report(id, &report("EXPORTED")).unwrap()
        }
        S::Processed => {
            sent(s);
            s.record_server_report(id, &report(done)).unwrap()
        }
        S::LinkageFailure if kind.is_crm() => return None,
        S::LinkageFailure => {
            sent(s);
            s.record_server_report(id, &report("LINKAGE_FAILURE"))
                .unwrap()
        }
        S::Rejected => {
            sending(s);
            s.mark_rejected(id, Some("bad file")).unwrap()
        }
        S::Failed => {
            sending(s);
            s.mark_failed(id, None).unwrap()
        }
        S::Interrupted => interrupted(s),
        S::Superseded => {
            interrupted(s);
            s.resend(id).unwrap();
            s.upload(id).unwrap()
        }
    })
}

/// The one public operation that aims at `to`.
fn attempt(s: &Store, kind: UploadKind, id: i64, to: UploadState) -> Result<Upload, Error> {
    match to {
        S::Prepared => unreachable!("no operation goes back to prepared"),
        S::Sending => s.mark_sending(id),
        S::Sent => s.mark_sent(id, "48213377", &Default::default()),
        S::Processing => s.record_server_report(id, &report("MATCHED")),
        S::Processed if kind.is_crm() => s.record_server_report(id, &report("PASSED")),
        S::Processed => s.record_server_report(id, &report("PROCESSED")),
        S::LinkageFailure => s.record_server_report(id, &report("LINKAGE_FAILURE")),
        S::Rejected => s.mark_rejected(id, None),
        S::Failed => s.mark_failed(id, None),
        S::Interrupted => s.mark_interrupted(id),
        S::Superseded => s.resend(id).and_then(|_| s.upload(id)),
    }
}

fn check_every_pair(kind: UploadKind) -> usize {
    let (s, _) = store();
    let mut checked = 0;
    for from in UploadState::ALL {
        for to in UploadState::ALL {
            if to == S::Prepared {
                assert!(
                    !can_transition(kind, from, to),
                    "nothing returns to prepared"
                );
                continue;
            }
            if from == to {
                // Staying put is not a transition (a repeated poll answer); see below.
                assert!(!can_transition(kind, from, to));
                continue;
            }
            let Some(u) = reach(&s, kind, from) else {
                continue;
            };
            assert_eq!(u.state, from);
            let result = attempt(&s, kind, u.id, to);
            let resend_of_failed = from == S::Failed && to == S::Superseded;
            if can_transition(kind, from, to) {
                let after = result.unwrap_or_else(|e| panic!("{kind} {from:?}->{to:?}: {e}"));
                assert_eq!(after.state, to, "{kind} {from:?}->{to:?}");
            } else if resend_of_failed {
                // A failed upload is resent without changing its truthful state.
                let after = result.unwrap();
                assert_eq!(after.state, S::Failed);
                assert!(after.superseded_by.is_some());
            } else {
                match result {
                    Err(Error::IllegalTransition { id, from: f, to: t }) => {
                        assert_eq!((id, f), (u.id, from), "{kind} {from:?}->{to:?}");
                        assert_eq!(t, to, "{kind} {from:?}->{to:?}");
                    }
                    Err(Error::NotResendable { id, state }) => {
                        assert_eq!((id, state, to), (u.id, from, S::Superseded));
                    }
                    other => panic!("{kind} {from:?}->{to:?} should be refused: {other:?}"),
                }
                assert_eq!(
                    s.upload(u.id).unwrap().state,
                    from,
                    "refusal changed the row"
                );
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_offline_transition_is_legal_or_refused_as_the_table_says() {
    let n = check_every_pair(UploadKind::Conversions);
    assert_eq!(n, 9 + 9 * 8, "pairs checked");
    check_every_pair(UploadKind::Calls);
}

#[test]
fn every_crm_transition_is_legal_or_refused_as_the_table_says() {
    let n = check_every_pair(UploadKind::SimpleOrders);
    assert_eq!(
        n,
        9 + 7 * 8,
        "pairs checked (no processing or linkage_failure for CRM)"
    );
    check_every_pair(UploadKind::Orders);
}

#[test]
fn the_allowed_transitions_are_exactly_the_documented_ones() {
    let mut offline = Vec::new();
    let mut crm = Vec::new();
    for from in UploadState::ALL {
        for to in UploadState::ALL {
            if can_transition(UploadKind::Conversions, from, to) {
                offline.push((from, to));
            }
            if can_transition(UploadKind::SimpleOrders, from, to) {
                crm.push((from, to));
            }
        }
    }
    let common = [
        (S::Prepared, S::Sending),
        (S::Sending, S::Sent),
        (S::Sending, S::Rejected),
        (S::Sending, S::Failed),
        (S::Sending, S::Interrupted),
        (S::Sent, S::Processed),
        (S::Sent, S::Failed),
        (S::Interrupted, S::Sent),
        (S::Interrupted, S::Rejected),
        (S::Interrupted, S::Failed),
        (S::Interrupted, S::Superseded),
    ];
    let offline_only = [
        (S::Sent, S::Processing),
        (S::Sent, S::LinkageFailure),
        (S::Processing, S::Processed),
        (S::Processing, S::LinkageFailure),
        (S::Processing, S::Failed),
    ];
    let mut want_offline: Vec<_> = common.iter().chain(&offline_only).copied().collect();
    let mut want_crm = common.to_vec();
    for v in [&mut offline, &mut crm, &mut want_offline, &mut want_crm] {
        v.sort_by_key(|(a, b)| (*a as u8, *b as u8));
    }
    assert_eq!(offline, want_offline);
    assert_eq!(crm, want_crm);
}

#[test]
fn a_repeated_poll_answer_keeps_the_state_and_reschedules() {
    let (s, clock) = store();
    let u = reach(&s, UploadKind::Conversions, S::Processing).unwrap();
    clock.advance(jiff::SignedDuration::from_secs(90));
    let again = s.record_server_report(u.id, &report("MATCHED")).unwrap();
    assert_eq!(again.state, S::Processing);
    assert_eq!(again.poll_attempts, u.poll_attempts + 1);
    assert_eq!(again.last_polled_at, Some(s.now()));
}

#[test]
fn crm_upload_answered_passed_goes_straight_to_processed() {
    let (s, _) = store();
    let u = s
        .record_prepared(&new_upload(7, UploadKind::SimpleOrders, "x"))
        .unwrap();
    s.mark_sending(u.id).unwrap();
    let mut r = report("PASSED");
    r.elements_count = Some(5);
    let done = s
        .mark_sent(u.id, "9c0e3b7e-3f5e-4d7a-9d55-0b2f6f1c2a11", &r)
        .unwrap();
    assert_eq!(done.state, S::Processed);
    assert_eq!(
        done.server_upload_id.as_deref(),
        Some("9c0e3b7e-3f5e-4d7a-9d55-0b2f6f1c2a11")
    );
    assert_eq!(done.elements_count, Some(5));
    assert!(done.sent_at.is_some() && done.finished_at.is_some());
    assert_eq!(done.next_poll_at, None);
}

#[test]
fn offline_upload_answered_uploaded_stays_sent_until_the_server_moves() {
    let (s, _) = store();
    let u = s
        .record_prepared(&new_upload(7, UploadKind::Conversions, "x"))
        .unwrap();
    s.mark_sending(u.id).unwrap();
    let sent = s.mark_sent(u.id, "48213377", &report("UPLOADED")).unwrap();
    assert_eq!(sent.state, S::Sent);
    assert_eq!(sent.server_status.map(|st| st.as_str()), Some("UPLOADED"));
}

#[test]
fn crm_status_failed_after_acceptance_fails_the_upload() {
    let (s, _) = store();
    let u = reach(&s, UploadKind::Contacts, S::Sent).unwrap();
    let after = s.record_server_report(u.id, &report("FAILED")).unwrap();
    assert_eq!(after.state, S::Failed);
}

#[test]
fn unknown_upload_id_is_a_typed_error() {
    let (s, _) = store();
    assert!(matches!(
        s.mark_sending(404),
        Err(Error::UploadNotFound(404))
    ));
}
