//! Whole lives of uploads: timestamps from the injected clock, poll schedule and backoff,
//! recovery after a crash, resend chains, duplicates and explanations.

use crate::common::{new_upload, report, store, t0};
use jiff::SignedDuration;
use mb_history::{
    AdviceCode, Error, ExplanationCode, ServerReport, Store, UploadState, explain, poll_delay,
};
use mb_schema::UploadKind;

fn secs(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n)
}

#[test]
fn offline_upload_records_every_step_with_clock_times() {
    let (s, clock) = store();
    let u = s
        .record_prepared(&new_upload(2215573, UploadKind::Conversions, "a"))
        .unwrap();
    assert_eq!((u.state, u.created_at), (UploadState::Prepared, t0()));
    assert_eq!(u.source.name, "crm-export.csv");
    assert!(u.tag.starts_with("MB20261122T071500Z"), "{}", u.tag);

    clock.advance(secs(1));
    let sending = s.mark_sending(u.id).unwrap();
    assert_eq!(sending.sending_started_at, Some(t0() + secs(1)));

    clock.advance(secs(2));
    let sent = s.mark_sent(u.id, "48213377", &report("UPLOADED")).unwrap();
    assert_eq!(sent.sent_at, Some(t0() + secs(3)));
    assert_eq!(sent.next_poll_at, Some(t0() + secs(3) + secs(30)));
    assert_eq!(sent.poll_attempts, 0);

    // Not due yet, then due.
    assert!(s.pending_polls(t0() + secs(32)).unwrap().is_empty());
    clock.advance(secs(30));
    let due = s.pending_polls(s.now()).unwrap();
    assert_eq!(due.iter().map(|u| u.id).collect::<Vec<_>>(), [u.id]);

    let mut r = report("MATCHED");
    r.source_quantity = Some(10);
    r.line_quantity = Some(9);
    let p = s.record_server_report(u.id, &r).unwrap();
    assert_eq!(p.state, UploadState::Processing);
    assert_eq!(p.poll_attempts, 1);
    assert_eq!(p.next_poll_at, Some(s.now() + secs(60)));
    assert_eq!(p.last_polled_at, Some(s.now()));

    clock.advance(secs(60));
    let r = ServerReport {
        linked_quantity: Some(6),
        user_not_found_quantity: Some(2),
        goal_not_found_quantity: Some(1),
        ..report("PROCESSED")
    };
    let done = s.record_server_report(u.id, &r).unwrap();
    assert_eq!(done.state, UploadState::Processed);
    assert_eq!(done.finished_at, Some(s.now()));
    assert_eq!(done.next_poll_at, None);
    // Counts reported earlier survive a report that omits them.
    assert_eq!(
        (done.source_quantity, done.line_quantity),
        (Some(10), Some(9))
    );
    assert_eq!(done.linked_share(), Some(6.0 / 9.0));
    assert!(s.pending_polls(s.now() + secs(86_400)).unwrap().is_empty());

    let e = explain(&done);
    let codes: Vec<_> = e
        .items
        .iter()
        .map(|i| (i.code, i.count, i.advice_code))
        .collect();
    assert_eq!(
        codes,
        [
            (ExplanationCode::Linked, Some(6), None),
            (
                ExplanationCode::RowsRejectedLocally,
                Some(1),
                Some(AdviceCode::ReviewRejectedRows)
            ),
            (ExplanationCode::RowsKeptByServer, Some(9), None),
            (
                ExplanationCode::RowsDroppedByServer,
                Some(1),
                Some(AdviceCode::ServerDroppedInvalidRows)
            ),
            (
                ExplanationCode::UsersNotFound,
                Some(2),
                Some(AdviceCode::CheckIdentifiersAndWindow)
            ),
            (
                ExplanationCode::GoalsNotFound,
                Some(1),
                Some(AdviceCode::CheckGoalIdentifiers)
            ),
        ]
    );
    assert_eq!(e.linked_share, Some(6.0 / 9.0));
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["items"][4]["code"], "users_not_found");
    assert_eq!(
        json["items"][4]["advice_code"],
        "check_identifiers_and_window"
    );
}

#[test]
fn backoff_grows_with_each_scheduled_poll_and_caps() {
    let (s, clock) = store();
    let u = s
        .record_prepared(&new_upload(1, UploadKind::Calls, "a"))
        .unwrap();
    s.mark_sending(u.id).unwrap();
    s.mark_sent(u.id, "1", &Default::default()).unwrap();
    for attempts in 0..10 {
        clock.advance(secs(7));
        let at = s.schedule_next_poll(u.id, attempts).unwrap();
        assert_eq!(at, s.now() + poll_delay(attempts));
        assert_eq!(s.upload(u.id).unwrap().poll_attempts, attempts);
    }
    assert_eq!(poll_delay(9), secs(1800));
    let failed = s.mark_failed(u.id, Some("HTTP 500")).unwrap();
    // Metrica gave it an id before it failed it: received, so «Отправлена», not «начата».
    assert!(failed.received());
    assert!(matches!(
        s.schedule_next_poll(failed.id, 0),
        Err(Error::NotPollable {
            state: UploadState::Failed,
            ..
        })
    ));
}

#[test]
fn linkage_failure_on_all_static_calls_is_explained() {
    let (s, _) = store();
    let u = s
        .record_prepared(&new_upload(1, UploadKind::Calls, "a"))
        .unwrap();
    s.mark_sending(u.id).unwrap();
    let r = ServerReport {
        static_calls_quantity: Some(4),
        dynamic_calls_quantity: Some(0),
        linked_quantity: Some(0),
        line_quantity: Some(4),
        ..report("LINKAGE_FAILURE")
    };
    let done = s.mark_sent(u.id, "77", &r).unwrap();
    assert_eq!(done.state, UploadState::LinkageFailure);
    let codes: Vec<_> = explain(&done).items.iter().map(|i| i.code).collect();
    assert!(codes.contains(&ExplanationCode::LinkageFailure));
    assert!(codes.contains(&ExplanationCode::StaticCalls));
    assert_eq!(done.linked_share(), Some(0.0));
}

#[test]
fn one_piece_of_advice_is_given_once() {
    // Nothing linked and visitors not found: both advise checking the identifiers, said once,
    // under the first.
    let (s, _) = store();
    let u = s
        .record_prepared(&new_upload(1, UploadKind::Conversions, "a"))
        .unwrap();
    s.mark_sending(u.id).unwrap();
    let r = ServerReport {
        linked_quantity: Some(0),
        line_quantity: Some(4),
        user_not_found_quantity: Some(4),
        ..report("LINKAGE_FAILURE")
    };
    let done = s.mark_sent(u.id, "78", &r).unwrap();
    let items = explain(&done).items;
    let advice = items
        .iter()
        .filter(|i| i.advice_code == Some(AdviceCode::CheckIdentifiersAndWindow));
    assert_eq!(advice.count(), 1, "{items:?}");
    assert!(
        items
            .iter()
            .any(|i| i.code == ExplanationCode::UsersNotFound && i.advice_code.is_none())
    );
}

#[test]
fn crash_recovery_returns_only_sends_whose_process_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    let crashed = Store::open(&path).unwrap();
    let u = crashed
        .record_prepared(&new_upload(1, UploadKind::Conversions, "a"))
        .unwrap();
    crashed.mark_sending(u.id).unwrap();

    // A second process (another session) starts while the first is still alive: the send
    // is in flight, not lost.
    let other = Store::open(&path).unwrap();
    assert!(other.recover_on_start().unwrap().is_empty());
    // The owner itself never sees its own send as left over.
    assert!(crashed.recover_on_start().unwrap().is_empty());
    assert!(crashed.send_in_progress(u.id).unwrap());
    assert!(other.send_in_progress(u.id).unwrap());

    drop(crashed); // the OS releases its session lock, as it does when a process dies
    let left = other.recover_on_start().unwrap();
    assert_eq!(left.iter().map(|u| u.id).collect::<Vec<_>>(), [u.id]);
    assert!(!other.send_in_progress(u.id).unwrap());

    // Outcome unknown → interrupted → resend as a new row with a new tag.
    let int = other.mark_interrupted(u.id).unwrap();
    assert_eq!(int.state, UploadState::Interrupted);
    assert!(other.recover_on_start().unwrap().is_empty());
    let again = other.resend(u.id).unwrap();
    assert_eq!(
        (again.state, again.resent_from),
        (UploadState::Prepared, Some(u.id))
    );
    assert_ne!(again.tag, u.tag);
    assert_eq!(again.source, u.source);
    let old = other.upload(u.id).unwrap();
    assert_eq!(
        (old.state, old.superseded_by),
        (UploadState::Superseded, Some(again.id))
    );
    assert!(matches!(
        other.resend(u.id),
        Err(Error::NotResendable { .. })
    ));
}

#[test]
fn reconciliation_finds_an_interrupted_upload_on_the_server_by_tag() {
    let (s, _) = store();
    let u = s
        .record_prepared(&new_upload(1, UploadKind::Conversions, "a"))
        .unwrap();
    s.mark_sending(u.id).unwrap();
    s.mark_interrupted(u.id).unwrap();
    let found = s.upload_by_tag(&u.tag).unwrap().unwrap();
    assert_eq!(found.id, u.id);
    let sent = s
        .mark_sent(found.id, "48213377", &report("UPLOADED"))
        .unwrap();
    assert_eq!(sent.state, UploadState::Sent);
    assert!(s.upload_by_tag("MBNOPE").unwrap().is_none());
}

/// An interrupted upload the server's list did not show is settled as never arrived only by
/// two look-ups half an hour apart or more (a big file's answer can come long after its send
/// began, and Metrica lists an upload from its answer on): one look-up, or two close together,
/// leave it to be looked up again.
#[test]
fn an_interrupted_upload_is_known_absent_after_two_look_ups_far_enough_apart() {
    let (s, clock) = store();
    let u = s
        .record_prepared(&new_upload(1, UploadKind::Conversions, "a"))
        .unwrap();
    s.mark_sending(u.id).unwrap();
    s.mark_interrupted(u.id).unwrap();
    assert!(!s.known_absent(u.id).unwrap(), "never looked up");
    // The send began long ago (a big file), the answer was lost just now: one look-up.
    clock.advance(mb_history::ABSENCE_SETTLES_AFTER * 2);
    s.note_absent_on_server(u.id).unwrap();
    assert!(
        !s.known_absent(u.id).unwrap(),
        "one look-up right after the cut"
    );
    clock.advance(secs(60));
    s.note_absent_on_server(u.id).unwrap();
    assert!(!s.known_absent(u.id).unwrap(), "two, a minute apart");
    clock.advance(mb_history::ABSENCE_SETTLES_AFTER);
    s.note_absent_on_server(u.id).unwrap();
    assert!(s.known_absent(u.id).unwrap());
    assert_eq!(s.upload(u.id).unwrap().state, UploadState::Interrupted);
    // Found after all (marked sent): no longer «absent».
    s.mark_sent(u.id, "7", &report("UPLOADED")).unwrap();
    assert!(!s.known_absent(u.id).unwrap());
}

#[test]
fn duplicates_are_found_for_the_same_content_counter_and_kind_only() {
    let (s, clock) = store();
    let a = s
        .record_prepared(&new_upload(1, UploadKind::SimpleOrders, "same"))
        .unwrap();
    let hash = a.source.sha256.clone();
    assert_eq!(
        s.find_duplicate(1, UploadKind::SimpleOrders, &hash)
            .unwrap()
            .unwrap()
            .id,
        a.id
    );
    assert!(
        s.find_duplicate(2, UploadKind::SimpleOrders, &hash)
            .unwrap()
            .is_none()
    );
    assert!(
        s.find_duplicate(1, UploadKind::Orders, &hash)
            .unwrap()
            .is_none()
    );

    // A failed or rejected copy does not count; the newest live one is returned.
    s.mark_sending(a.id).unwrap();
    s.mark_failed(a.id, None).unwrap();
    assert!(
        s.find_duplicate(1, UploadKind::SimpleOrders, &hash)
            .unwrap()
            .is_none()
    );
    clock.advance(secs(60));
    let b = s
        .record_prepared(&new_upload(1, UploadKind::SimpleOrders, "same"))
        .unwrap();
    s.mark_sending(b.id).unwrap();
    s.mark_sent(b.id, "u", &report("PASSED")).unwrap();
    clock.advance(secs(60));
    let c = s
        .record_prepared(&new_upload(1, UploadKind::SimpleOrders, "same"))
        .unwrap();
    assert_eq!(
        s.find_duplicate(1, UploadKind::SimpleOrders, &hash)
            .unwrap()
            .unwrap()
            .id,
        c.id
    );
    s.mark_sending(c.id).unwrap();
    s.mark_rejected(c.id, None).unwrap();
    assert_eq!(
        s.find_duplicate(1, UploadKind::SimpleOrders, &hash)
            .unwrap()
            .unwrap()
            .id,
        b.id
    );
}

#[test]
fn rejected_message_is_kept_with_contact_data_masked() {
    let (s, _) = store();
    let u = s
        .record_prepared(&new_upload(1, UploadKind::Contacts, "a"))
        .unwrap();
    s.mark_sending(u.id).unwrap();
    let r = s
        .mark_rejected(
            u.id,
            Some("Строка 4: неверный email olga@example.ru, телефон +7 912 345 67 89"),
        )
        .unwrap();
    assert_eq!(
        r.server_message.as_deref(),
        Some("Строка 4: неверный email o***@example.ru, телефон ***89")
    );
    let e = explain(&r);
    assert_eq!(e.items[0].code, ExplanationCode::Rejected);
    assert_eq!(
        e.items[0].advice_code,
        Some(AdviceCode::FixFileAndUploadAgain)
    );
}

#[test]
fn source_file_keeps_name_size_and_content_hash_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("заказы ноябрь.csv");
    std::fs::write(&path, "id,status\n1,paid\n").unwrap();
    let from_disk = mb_history::SourceFile::from_path(&path).unwrap();
    let in_memory =
        mb_history::SourceFile::from_bytes("x/заказы ноябрь.csv", b"id,status\n1,paid\n");
    assert_eq!(from_disk, in_memory);
    assert_eq!(from_disk.size, 17);
    assert_eq!(from_disk.sha256.len(), 64);
}

/// A send the user stopped reads as what happened («Вы остановили отправку»), not as a lost
/// connection; both are interrupted with the same advice (look on the server, then resend).
#[test]
fn a_send_stopped_by_the_user_is_explained_as_such() {
    let (s, _) = store();
    let explained = |u: &mb_history::Upload| {
        let e = explain(u);
        let i = e.items.first().expect("one item");
        (i.code, i.advice_code)
    };
    let a = s
        .record_prepared(&new_upload(1, UploadKind::Conversions, "a"))
        .unwrap();
    s.mark_sending(a.id).unwrap();
    let stopped = s.mark_stopped_by_user(a.id).unwrap();
    assert_eq!(stopped.state, UploadState::Interrupted);
    // Its reason does not say Metrica lacks the file: that is not known (it was on the wire).
    let reason = mb_history::FailureReason::from_stored(stopped.server_message.as_deref().unwrap())
        .describe(mb_text::Lang::Ru);
    assert_eq!(reason, "Вы остановили отправку.");
    assert_eq!(
        explained(&stopped),
        (
            ExplanationCode::StoppedByUser,
            Some(AdviceCode::ReconcileThenResend)
        )
    );
    let b = s
        .record_prepared(&new_upload(1, UploadKind::Conversions, "b"))
        .unwrap();
    s.mark_sending(b.id).unwrap();
    let lost = s.mark_interrupted(b.id).unwrap();
    // Whether Metrica has it is not known: the send was only begun.
    assert!(!lost.received() && !stopped.received());
    assert_eq!(
        explained(&lost),
        (
            ExplanationCode::Interrupted,
            Some(AdviceCode::ReconcileThenResend)
        )
    );
}
