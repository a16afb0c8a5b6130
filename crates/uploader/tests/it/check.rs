//! A check lives in the core: leaving the Check step and coming back joins the same running
//! check (same job, progress from where it is); a cancelled or abandoned check stops its worker.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mb_uploader::dto::{AppError, Progress, ReadOverrides, Stage, UploadKind, ValidateRequest};
use mb_uploader::{Core, CoreOptions, ProgressSink};

const COUNTER: u32 = 51234501;

/// A conversions export big enough that a debug build checks it for many seconds.
fn big_conversions(dir: &Path, rows: u64) -> std::path::PathBuf {
    use std::io::Write;
    let path = dir.join("big-conversions.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(w, "ClientId,Target,DateTime,Price,Currency").unwrap();
    for i in 0..rows {
        writeln!(
            w,
            "17620000{:011},offline_paid,{},{}.50,RUB",
            i,
            1_794_228_120 + i % 86_400,
            1000 + i % 5000
        )
        .unwrap();
    }
    w.flush().unwrap();
    path
}

pub(crate) async fn big_conversions_request(
    dir: &tempfile::TempDir,
    rows: u64,
) -> (Arc<Core>, ValidateRequest) {
    let core = Core::start(CoreOptions {
        data_dir: Some(dir.path().to_path_buf()),
        demo: Some(true),
        ..CoreOptions::default()
    })
    .await
    .expect("demo core starts");
    let file = big_conversions(dir.path(), rows);
    let read = ReadOverrides::default();
    let mapping = core
        .suggest_mapping(&file, &read, UploadKind::Conversions, &[])
        .unwrap();
    let req = ValidateRequest {
        path: file.display().to_string(),
        read,
        kind: UploadKind::Conversions,
        mapping,
        counter_id: COUNTER,
        status_map: vec![],
        hash_contacts: false,
        only_new_rows: false,
    };
    (Arc::new(core), req)
}

pub(crate) fn recorder() -> (ProgressSink, Arc<Mutex<Vec<Progress>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    (Arc::new(move |p| s.lock().unwrap().push(p)), seen)
}

pub(crate) async fn until(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn checked_bytes(seen: &Mutex<Vec<Progress>>) -> u64 {
    seen.lock()
        .unwrap()
        .iter()
        .filter(|p| p.stage == Stage::Validating)
        .map(|p| p.done)
        .max()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_and_coming_back_joins_the_same_check_and_cancel_stops_its_worker() {
    let dir = tempfile::tempdir().unwrap();
    // Long enough that the check is still on its way a second after re-attaching, when the
    // meter adds its rate, even on a fast machine (400 000 rows take under a second here).
    let (core, req) = big_conversions_request(&dir, 2_000_000).await;

    // The Check step starts the check and shows its progress…
    let (sink, seen) = recorder();
    let (c, r) = (core.clone(), req.clone());
    let first = tokio::spawn(async move { c.check(&r, sink).await });
    until("the check is under way", || checked_bytes(&seen) > 0).await;
    let job = seen.lock().unwrap()[0].job_id.clone();
    assert_eq!(core.running_checks(), vec![job.clone()]);

    // …the user leaves the step: the screen stops listening, the check goes on.
    first.abort();
    let left_at = checked_bytes(&seen);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(core.running_checks(), vec![job.clone()], "still running");

    // Coming back joins it: same job, progress from where it is, not from zero.
    let (sink2, seen2) = recorder();
    let (c, r) = (core.clone(), req.clone());
    let again = tokio::spawn(async move { c.check(&r, sink2).await });
    until("the re-attached screen hears the check", || {
        !seen2.lock().unwrap().is_empty()
    })
    .await;
    let resumed = seen2.lock().unwrap()[0].clone();
    assert_eq!(resumed.job_id, job, "the same check, not a new one");
    assert!(
        resumed.stage != Stage::Validating || resumed.done >= left_at,
        "continues from {left_at}, got {resumed:?}"
    );
    until("progress goes on after re-attaching", || {
        checked_bytes(&seen2) > resumed.done.max(left_at)
    })
    .await;
    assert_eq!(
        core.running_checks(),
        vec![job.clone()],
        "one check, not two"
    );
    // The meter adds a rate once a second of checking has passed.
    until("a rate is reported", || {
        seen2
            .lock()
            .unwrap()
            .iter()
            .any(|p| p.bytes_per_sec.is_some())
    })
    .await;

    // «Остановить проверку»: the result is Cancelled and the worker thread returns.
    core.cancel(&job);
    let out = tokio::time::timeout(Duration::from_secs(30), again)
        .await
        .expect("the check answers the cancel")
        .unwrap();
    assert_eq!(out, Err(AppError::Cancelled));
    until("the worker stopped", || core.running_checks().is_empty()).await;
    let stopped_at = checked_bytes(&seen2);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        checked_bytes(&seen2),
        stopped_at,
        "no progress after the stop"
    );

    // Asking again after a cancel starts a fresh check.
    let (sink3, seen3) = recorder();
    let (c, r) = (core.clone(), req.clone());
    let fresh = tokio::spawn(async move { c.check(&r, sink3).await });
    until("a new check starts", || !seen3.lock().unwrap().is_empty()).await;
    assert_ne!(seen3.lock().unwrap()[0].job_id, job);
    let id = seen3.lock().unwrap()[0].job_id.clone();
    core.cancel(&id);
    assert_eq!(fresh.await.unwrap(), Err(AppError::Cancelled));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_of_another_request_cancels_the_abandoned_one() {
    let dir = tempfile::tempdir().unwrap();
    let (core, req) = big_conversions_request(&dir, 400_000).await;
    let (sink, seen) = recorder();
    let (c, r) = (core.clone(), req.clone());
    let abandoned = tokio::spawn(async move { c.check(&r, sink).await });
    until("the first check is under way", || checked_bytes(&seen) > 0).await;
    let old = seen.lock().unwrap()[0].job_id.clone();

    // The user went back and changed the mapping (here: only new rows): a new check starts and
    // the old one stops, so only one keeps the CPU busy.
    let mut other = req.clone();
    other.only_new_rows = true;
    let (sink2, seen2) = recorder();
    let c = core.clone();
    let next = tokio::spawn(async move { c.check(&other, sink2).await });
    let out = tokio::time::timeout(Duration::from_secs(30), abandoned)
        .await
        .expect("the abandoned check stops")
        .unwrap();
    assert_eq!(out, Err(AppError::Cancelled));
    until("only the new check runs", || {
        core.running_checks().len() == 1 && !core.running_checks().contains(&old)
    })
    .await;
    let new = seen2.lock().unwrap()[0].job_id.clone();
    assert_ne!(new, old);
    core.cancel(&new);
    assert_eq!(next.await.unwrap(), Err(AppError::Cancelled));
    until("nothing runs", || core.running_checks().is_empty()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_screens_asking_for_the_same_check_get_the_same_result() {
    let dir = tempfile::tempdir().unwrap();
    let (core, req) = big_conversions_request(&dir, 2_000).await;
    let (a, b) = (core.clone(), core.clone());
    let (ra, rb) = (req.clone(), req.clone());
    let (x, y) = tokio::join!(
        async move { a.check(&ra, mb_uploader::no_progress_sink()).await },
        async move { b.check(&rb, mb_uploader::no_progress_sink()).await },
    );
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(x, y);
    assert_eq!(x.rows, 2_000);
    assert!(core.running_checks().is_empty());
}
