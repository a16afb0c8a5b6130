//! Progress of a send and of a resend as the app shows it: rows of rows, a rate and the time
//! left, and a stop that lands (the demo's fake reads uploads slowly here, as the demo's office
//! line does for the desktop test).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use mb_uploader::dto::{Progress, Stage, UploadRequest, UploadState};

use crate::check::{big_conversions_request, recorder, until};

fn uploading(seen: &Mutex<Vec<Progress>>) -> Vec<Progress> {
    seen.lock()
        .unwrap()
        .iter()
        .filter(|p| p.stage == Stage::Uploading)
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_send_reports_rows_rate_and_time_left_and_stops_on_cancel_as_does_its_resend() {
    let dir = tempfile::tempdir().unwrap();
    let (core, req) = big_conversions_request(&dir, 300_000).await;
    let faults = core.demo_server().expect("demo").faults();
    // Loopback sockets buffer a few MB at once; past them the send follows the server's pace.
    faults.throttle_uploads(Some(2 << 20));
    let request = UploadRequest {
        validate: req,
        merge_mode: None,
        comment: None,
        confirm_duplicate: false,
        skip_invalid: true,
    };

    let (sink, seen) = recorder();
    let c = core.clone();
    let send = tokio::spawn(async move { c.upload_dto(&request, "send-1", sink).await });
    until("a second of sending with a rate", || {
        uploading(&seen).iter().any(|p| p.eta_secs.is_some())
    })
    .await;
    let p = uploading(&seen).last().cloned().unwrap();
    let total_rows = p.total_rows.expect("rows in all are known when sending");
    assert!(p.rows > 0 && p.rows < total_rows, "{p:?}");
    assert!(p.bytes_per_sec.is_some_and(|r| r > 0.0), "{p:?}");
    // «Остановить отправку»: the result says interrupted, never sent.
    core.cancel("send-1");
    let out = send.await.unwrap().unwrap();
    let u = out.upload.expect("recorded");
    assert_eq!(u.state, UploadState::Interrupted);

    // Resend from History: progress from the start (reading, asking Metrica, sending), and
    // a stop lands there too.
    let (sink, seen) = recorder();
    let c = core.clone();
    let id = u.id;
    let resend = tokio::spawn(async move { c.resend_dto(id, "resend-1", sink).await });
    until("the resend is sending", || !uploading(&seen).is_empty()).await;
    let stages: Vec<Stage> = seen.lock().unwrap().iter().map(|p| p.stage).collect();
    assert_eq!(stages.first(), Some(&Stage::Reading), "{stages:?}");
    assert!(
        stages.contains(&Stage::Waiting),
        "asks Metrica first: {stages:?}"
    );
    core.cancel("resend-1");
    let again = resend.await.unwrap().unwrap();
    assert_eq!(again.state, UploadState::Interrupted);

    // Without the slow server the one-action resend goes through.
    faults.throttle_uploads(None);
    let t0 = Instant::now();
    let done = core
        .resend_dto(again.id, "resend-2", mb_uploader::no_progress_sink())
        .await
        .unwrap();
    assert!(
        matches!(
            done.state,
            UploadState::Sent | UploadState::Processing | UploadState::Processed
        ),
        "{done:?}"
    );
    assert!(t0.elapsed() < Duration::from_secs(60));
}
