//! The use cases as the desktop app calls them, on a demo core (in-process fake, real PKCE
//! sign-in, real SQLite file in a temporary folder).

use std::path::PathBuf;

use mb_uploader::dto::{
    ColumnMapping, HistoryFilter, OrderStatusType, ReadOverrides, StatusMapEntry, UploadKind,
    UploadRequest, UploadState, ValidateRequest,
};
use mb_uploader::{Core, CoreOptions, no_progress_sink};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

async fn demo(dir: &tempfile::TempDir) -> Core {
    Core::start(CoreOptions {
        data_dir: Some(dir.path().to_path_buf()),
        demo: Some(true),
        ..CoreOptions::default()
    })
    .await
    .expect("demo core starts")
}

const COUNTER: u32 = 51234501;

fn request(
    path: &std::path::Path,
    mapping: ColumnMapping,
    status_map: Vec<StatusMapEntry>,
) -> ValidateRequest {
    ValidateRequest {
        path: path.display().to_string(),
        read: ReadOverrides::default(),
        kind: mapping.kind,
        mapping,
        counter_id: COUNTER,
        status_map,
        hash_contacts: false,
        only_new_rows: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_signs_in_to_the_fake_and_lists_the_agency_counters() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    assert!(core.is_demo());
    let accounts = core.accounts().unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].login, mb_uploader::DEMO_LOGIN);
    let page = core
        .counters(&mb_uploader::dto::CountersQuery {
            search: Some("Рома".into()),
            offset: 0,
            limit: 50,
        })
        .await
        .unwrap();
    assert!(
        page.counters
            .iter()
            .any(|c| c.id == COUNTER && c.can_upload)
    );
    // The agency overview lists every client counter it can upload to, before any upload.
    let overview = core.overview().await.unwrap();
    assert!(overview.len() >= 30, "{}", overview.len());
    assert!(overview.iter().all(|o| o.last_upload.is_none()));
    // The demo keeps its own history, apart from a real account's.
    assert!(dir.path().join("demo/history.sqlite").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crm_status_choices_are_remembered_per_counter_and_prefilled_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let file = fixture("simple_orders_cp1251_ru_statuses.csv");
    let read = ReadOverrides::default();
    let mapping = core
        .suggest_mapping(&file, &read, UploadKind::SimpleOrders)
        .unwrap();
    let values = core
        .status_values_dto(&file, &read, &mapping, Some(COUNTER))
        .unwrap();
    let new = values
        .iter()
        .find(|v| v.value == "Новый")
        .expect("Новый is a status value");
    assert_eq!(
        new.suggested_type,
        OrderStatusType::InProgress,
        "suggested from wording"
    );
    // The user decides differently for «Новый» and sends.
    let entries: Vec<StatusMapEntry> = values
        .iter()
        .map(|v| StatusMapEntry {
            value: v.value.clone(),
            status_type: if v.value == "Новый" {
                OrderStatusType::Spam
            } else {
                v.suggested_type
            },
            status_id: v.suggested_id.clone(),
            goal_ids: vec![],
        })
        .collect();
    let req = UploadRequest {
        validate: request(&file, mapping.clone(), entries),
        merge_mode: Some("SAVE".into()),
        comment: Some("ноябрь, офис на Ленина".into()),
        confirm_duplicate: false,
        skip_invalid: false,
    };
    let sent = core
        .upload_dto(&req, "job-1", no_progress_sink())
        .await
        .unwrap()
        .upload
        .unwrap();
    assert!(
        matches!(sent.state, UploadState::Processed),
        "CRM PASSED is final: {sent:?}"
    );
    assert_eq!(sent.note.as_deref(), Some("ноябрь, офис на Ленина"));
    // Next time the same counter remembers the user's choice, with full confidence.
    let again = core
        .status_values_dto(&file, &read, &mapping, Some(COUNTER))
        .unwrap();
    let new = again.iter().find(|v| v.value == "Новый").unwrap();
    assert_eq!(new.suggested_type, OrderStatusType::Spam);
    assert_eq!(new.confidence, 1.0);
    // Another counter still gets the wording-based suggestion.
    let other = core
        .status_values_dto(&file, &read, &mapping, Some(51234503))
        .unwrap();
    assert_eq!(
        other
            .iter()
            .find(|v| v.value == "Новый")
            .unwrap()
            .suggested_type,
        OrderStatusType::InProgress
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_reports_an_earlier_identical_upload_and_upload_refuses_it_until_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let file = fixture("offline_clientid.csv");
    let read = ReadOverrides::default();
    let mapping = core
        .suggest_mapping(&file, &read, UploadKind::Conversions)
        .unwrap();
    assert!(!mapping.from_template, "first time: automatic matching");
    let req = UploadRequest {
        validate: request(&file, mapping, vec![]),
        merge_mode: None,
        comment: None,
        confirm_duplicate: false,
        skip_invalid: false,
    };
    let first = core
        .upload_dto(&req, "a", no_progress_sink())
        .await
        .unwrap()
        .upload
        .unwrap();
    assert!(first.server_id.is_some());
    // The mapping is now a remembered template for this header.
    let mapping = core
        .suggest_mapping(&file, &read, UploadKind::Conversions)
        .unwrap();
    assert!(mapping.from_template);
    let summary = core
        .validate_dto(&req.validate, "b", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(summary.duplicate_of.as_ref().map(|d| d.id), Some(first.id));
    let err = core
        .upload_dto(&req, "c", no_progress_sink())
        .await
        .unwrap_err();
    assert!(
        matches!(err, mb_uploader::dto::AppError::Duplicate { .. }),
        "{err:?}"
    );
    let confirmed = UploadRequest {
        confirm_duplicate: true,
        ..req
    };
    core.upload_dto(&confirmed, "d", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(core.history(&HistoryFilter::default()).unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_review_counts_what_the_ledger_knows_and_nothing_new_is_a_calm_result() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let file = fixture("offline_clientid.csv");
    let read = ReadOverrides::default();
    let mapping = core
        .suggest_mapping(&file, &read, UploadKind::Conversions)
        .unwrap();
    let mut req = request(&file, mapping, vec![]);
    let v = core
        .validate_dto(&req, "v1", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(v.known_rows, 0, "nothing sent yet");
    // A plain upload teaches the ledger every accepted row.
    let send = |req: &ValidateRequest, confirm: bool| UploadRequest {
        validate: req.clone(),
        merge_mode: None,
        comment: None,
        confirm_duplicate: confirm,
        skip_invalid: true,
    };
    let first = core
        .upload_dto(&send(&req, false), "u1", no_progress_sink())
        .await
        .unwrap();
    let u = first.upload.expect("sent");
    assert_eq!(u.valid_rows, v.valid_rows);
    assert_eq!(first.new_rows, v.valid_rows);
    // The same file, only new rows: the review says 0 new of M, and sending says so too.
    req.only_new_rows = true;
    let v2 = core
        .validate_dto(&req, "v2", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(v2.known_rows, v.valid_rows);
    assert_eq!(v2.unchanged_rows, v.valid_rows);
    let again = core
        .upload_dto(&send(&req, true), "u2", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(again.upload, None, "nothing sent");
    assert_eq!((again.new_rows, again.valid_rows), (0, v.valid_rows));
    assert_eq!(core.history(&HistoryFilter::default()).unwrap().len(), 1);
}

/// The app can cancel a sign-in waiting for the browser: the wait ends at once with
/// `Cancelled` and the flow (and its loopback port) is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loopback_sign_in_can_be_cancelled_by_its_flow_id() {
    use mb_uploader::dto::{AppError, SignInMethod};
    let dir = tempfile::tempdir().unwrap();
    let core = std::sync::Arc::new(demo(&dir).await);
    let started = core
        .begin_sign_in(SignInMethod::Loopback, None)
        .await
        .unwrap();
    assert_eq!(started.method, SignInMethod::Loopback);
    let c = core.clone();
    let id = started.flow_id.clone();
    let waiting = tokio::spawn(async move { c.complete_sign_in(&id, None).await });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    core.cancel(&started.flow_id);
    let r = tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
        .await
        .expect("cancel ends the wait")
        .unwrap();
    assert!(matches!(r, Err(AppError::Cancelled)), "{r:?}");
    // Cancelled before anyone waits: the flow is dropped at once.
    let started = core
        .begin_sign_in(SignInMethod::Loopback, None)
        .await
        .unwrap();
    core.cancel(&started.flow_id);
    assert!(matches!(
        core.complete_sign_in(&started.flow_id, None).await,
        Err(AppError::NotFound { .. })
    ));
}

/// «Повторять автоматически» as the app calls it: a finished upload becomes a job, the job is
/// edited, run now (nothing new: the same rows went out with the wizard), and the overview
/// lists it under its counter; a failed run warns there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_upload_becomes_a_job_the_overview_lists_and_warns_about() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let drop = dir.path().join("exports");
    std::fs::create_dir(&drop).unwrap();
    let file = drop.join("offline.csv");
    std::fs::copy(fixture("offline_clientid.csv"), &file).unwrap();
    let mapping = core
        .suggest_mapping(&file, &ReadOverrides::default(), UploadKind::Conversions)
        .unwrap();
    let sent = core
        .upload_dto(
            &UploadRequest {
                validate: request(&file, mapping, vec![]),
                merge_mode: None,
                comment: None,
                confirm_duplicate: false,
                skip_invalid: true,
            },
            "u1",
            no_progress_sink(),
        )
        .await
        .unwrap()
        .upload
        .expect("sent");

    let bad_name = mb_uploader::dto::NewJob {
        upload_id: sent.id,
        name: "Мебель".into(),
        folder: drop.display().to_string(),
        pattern: "*.csv".into(),
        every: "daily@09:00".into(),
        stop_on_bad_rows: false,
    };
    assert!(
        core.create_job_from_upload(&bad_name).is_err(),
        "names are Latin"
    );
    let job = core
        .create_job_from_upload(&mb_uploader::dto::NewJob {
            name: "roma".into(),
            ..bad_name.clone()
        })
        .unwrap();
    assert_eq!(
        (job.counter_id, job.every.as_deref()),
        (COUNTER, Some("daily@09:00"))
    );
    assert!(job.next_run.is_some() && job.last_run.is_none());

    let edited = core.edit_job(&edited_request(&drop)).unwrap();
    assert_eq!(edited.pattern.as_deref(), Some("offline*.csv"));
    assert_eq!(edited.every.as_deref(), Some("weekly@fri@18:00"));
    assert!(edited.stop_on_bad_rows);
    let monthly = core.edit_job(&mb_uploader::dto::JobEdit {
        every: "monthly".into(),
        ..edited_request(&drop)
    });
    assert!(
        matches!(&monthly, Err(mb_uploader::dto::AppError::InvalidInput { field, .. }) if field == "every"),
        "{monthly:?}"
    );

    let opts = mb_uploader::jobs::RunOptions {
        wait: std::time::Duration::ZERO,
        even_if_paused: true,
    };
    let r = core.run_job("roma", opts).await.unwrap();
    let run = r.run.expect("ran");
    assert_eq!(run.result, mb_history::RunResult::NothingNew, "{run:?}");
    assert!(run.rows_unchanged > 0);

    let overview = core.overview().await.unwrap();
    let mine = overview.iter().find(|c| c.counter_id == COUNTER).unwrap();
    assert_eq!(mine.jobs.len(), 1);
    assert_eq!(
        mine.jobs[0].last_run.as_ref().unwrap().result,
        mb_history::RunResult::NothingNew
    );
    assert!(mine.warnings.is_empty(), "{:?}", mine.warnings);

    // The folder disappears (a shared drive offline): the run fails and the overview says so.
    std::fs::remove_dir_all(&drop).unwrap();
    let r = core.run_job("roma", opts).await.unwrap();
    assert_eq!(r.run.unwrap().result, mb_history::RunResult::Failed);
    let overview = core.overview().await.unwrap();
    let mine = overview.iter().find(|c| c.counter_id == COUNTER).unwrap();
    assert_eq!(
        mine.warnings[0].code,
        mb_uploader::dto::OverviewWarningCode::JobFailed
    );
    assert_eq!(mine.warnings[0].job.as_deref(), Some("roma"));
}

fn edited_request(drop: &std::path::Path) -> mb_uploader::dto::JobEdit {
    mb_uploader::dto::JobEdit {
        name: "roma".into(),
        folder: drop.display().to_string(),
        pattern: "offline*.csv".into(),
        every: "weekly@fri@18:00".into(),
        stop_on_bad_rows: true,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notification_switch_is_on_by_default_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let core = demo(&dir).await;
        let s = core.settings().unwrap();
        assert!(
            s.notify_when_processed,
            "notifications are on until turned off"
        );
        let saved = core
            .save_settings(&mb_uploader::dto::Settings {
                notify_when_processed: false,
                ..s
            })
            .unwrap();
        assert!(!saved.notify_when_processed);
    }
    let core = demo(&dir).await;
    assert!(!core.settings().unwrap().notify_when_processed);
}
