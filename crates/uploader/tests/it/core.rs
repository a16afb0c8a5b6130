//! The use cases as the desktop app calls them, on a demo core (in-process fake, real PKCE
//! sign-in, real SQLite file in a temporary folder).

use std::path::PathBuf;

use mb_uploader::dto::{
    ColumnMapping, HistoryFilter, JobSchedule, OrderStatusType, ReadOverrides, ScheduleEvery,
    StatusMapEntry, StatusesHeld, UploadKind, UploadRequest, UploadState, ValidateRequest, WeekDay,
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

/// The demo core for job runs: a job's file is read at once (no wait for it to be still).
async fn demo_jobs(dir: &tempfile::TempDir) -> Core {
    Core::start(CoreOptions {
        data_dir: Some(dir.path().to_path_buf()),
        demo: Some(true),
        file_settle: Some(std::time::Duration::ZERO),
        ..CoreOptions::default()
    })
    .await
    .unwrap()
}

const COUNTER: u32 = 51234501;

/// Job `name` run now (see [`RUN_NOW`]); the run it made.
async fn ran(core: &Core, name: &str) -> mb_history::JobRun {
    core.run_job(name, RUN_NOW).await.unwrap().run.expect("ran")
}

/// A run now, paused or not (the scheduler's wait left out).
const RUN_NOW: mb_uploader::jobs::RunOptions = mb_uploader::jobs::RunOptions {
    wait: std::time::Duration::ZERO,
    even_if_paused: true,
};

/// A job `name` made from upload `upload_id` («Повторять автоматически»), taking the CSV
/// files of `folder`, by hand.
fn job_from(core: &Core, upload_id: u32, name: &str, folder: &std::path::Path) {
    core.create_job_from_upload(&mb_uploader::dto::NewJob {
        upload_id,
        name: name.into(),
        folder: folder.display().to_string(),
        pattern: "*.csv".into(),
        schedule: None,
        stop_on_bad_rows: false,
        each_new_file: false,
    })
    .unwrap();
}

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
    let roma = page.counters.iter().find(|c| c.id == COUNTER).unwrap();
    assert!(roma.can_upload);
    // The zone and its offset as the window shows them («Москва, GMT+3»; Moscow keeps no DST).
    assert_eq!(roma.time_zone, "Europe/Moscow");
    assert_eq!(roma.utc_offset_minutes, Some(180));
    // A window into the whole list: from the 31st, as many as there are (36 in the demo).
    let all = core
        .counters(&mb_uploader::dto::CountersQuery {
            search: None,
            offset: 0,
            limit: 10_000,
        })
        .await
        .unwrap();
    assert_eq!(all.counters.len() as u32, all.total);
    let rest = core
        .counters(&mb_uploader::dto::CountersQuery {
            search: None,
            offset: 30,
            limit: 50,
        })
        .await
        .unwrap();
    assert_eq!(rest.total, all.total);
    let ids = |v: &[mb_uploader::dto::Counter]| v.iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(ids(&rest.counters), ids(&all.counters[30..]));
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
        .suggest_mapping(&file, &read, UploadKind::SimpleOrders, &[])
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
    // A known CRM phrase is no guess; a word stem or nothing is (the window marks those).
    assert!(!new.guessed, "{new:?}");
    assert!(
        values
            .iter()
            .all(|v| v.guessed == (v.confidence < mb_import::status::SURE_FROM)),
        "{values:?}"
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
    assert!(!new.guessed);
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
        .suggest_mapping(&file, &read, UploadKind::Conversions, &[])
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
        .suggest_mapping(&file, &read, UploadKind::Conversions, &[])
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
        .suggest_mapping(&file, &read, UploadKind::Conversions, &[])
        .unwrap();
    let mut req = request(&file, mapping, vec![]);
    let v = core
        .validate_dto(&req, "v1", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(v.known_rows, 0, "nothing sent yet");
    assert_eq!(v.new_rows, v.valid_rows);
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
    // Metrica has not matched anything yet: no linked count to show (not «0 %»).
    assert!(matches!(u.state, UploadState::Sent), "{u:?}");
    assert_eq!(
        (u.linked, u.user_not_found, u.goal_not_found),
        (None, None, None)
    );
    assert_eq!(first.new_rows, v.valid_rows);
    // The same file, only new rows: the review says 0 new of M, and sending says so too.
    req.only_new_rows = true;
    let v2 = core
        .validate_dto(&req, "v2", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(v2.known_rows, v.valid_rows);
    assert_eq!(v2.new_rows, 0, "the review promises nothing new");
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
        .suggest_mapping(
            &file,
            &ReadOverrides::default(),
            UploadKind::Conversions,
            &[],
        )
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

    // The dialog and `jobs add --from-upload` start from the core's draft: files like this
    // upload's, every day at 09:00, rows with errors left out (this upload had none to skip).
    let draft = core.job_draft(i64::from(sent.id)).unwrap();
    assert_eq!(
        (
            draft.pattern.as_str(),
            &draft.schedule,
            draft.stop_on_bad_rows
        ),
        ("*.csv", &Some(JobSchedule::default()), false)
    );
    assert!(draft.folder.is_empty() && draft.name.is_empty());
    let new_job = |name: &str| mb_uploader::dto::NewJob {
        name: name.into(),
        folder: drop.display().to_string(),
        ..draft.clone()
    };
    // A name in Russian is written in Latin letters for the scheduler; none typed: the
    // counter's name and the kind, made unique; a name another job has is refused, never
    // replacing that job.
    let typed = core
        .create_job_from_upload(&new_job(" Заказы Рома "))
        .unwrap();
    assert_eq!(typed.name, "zakazy-roma");
    // The app keeps calling it what was typed, as read back from the store too.
    assert_eq!(typed.title, "Заказы Рома");
    assert_eq!(core.job_view("zakazy-roma").unwrap().title, "Заказы Рома");
    let refused = core.create_job_from_upload(&new_job("zakazy-roma"));
    assert!(
        matches!(&refused, Err(mb_uploader::dto::AppError::InvalidInput { field, reason }) if field == "name" && reason == "exists:zakazy-roma:Заказы Рома"),
        "{refused:?}"
    );
    assert!(core.create_job_from_upload(&new_job("«»")).is_err());
    // Another name, the same files for the same counter: refused, naming the job that takes
    // them (a second would only read what the first sends).
    let same = core.create_job_from_upload(&new_job("Заказы Рома ещё раз"));
    assert!(
        matches!(&same, Err(mb_uploader::dto::AppError::InvalidInput { field, reason }) if field == "source" && reason == "same_files:zakazy-roma:Заказы Рома"),
        "{same:?}"
    );
    let other_files = |pattern: &str| mb_uploader::dto::NewJob {
        pattern: pattern.into(),
        ..new_job("")
    };
    let first = core
        .create_job_from_upload(&other_files("a-*.csv"))
        .unwrap()
        .name;
    let second = core
        .create_job_from_upload(&other_files("b-*.csv"))
        .unwrap()
        .name;
    assert!(
        first.ends_with("-conversions") && first.len() <= 64,
        "{first}"
    );
    assert_eq!(second, format!("{first}-2"));
    // The same files read otherwise (another goal for every row) are another job.
    let mut other_goal = core.job("zakazy-roma").unwrap();
    other_goal.name = "roma-lead".into();
    other_goal.spec.title = None;
    other_goal
        .spec
        .mapping
        .set_constant("Target", "lead_qualified");
    core.add_job(other_goal).unwrap();
    core.remove_job("roma-lead").unwrap();
    // Nor can «Изменить» make one job the twin of another (letter case apart in the pattern).
    let onto = core.edit_job(&mb_uploader::dto::JobEdit {
        name: second.clone(),
        folder: drop.display().to_string(),
        pattern: "*.CSV".into(),
        schedule: None,
        stop_on_bad_rows: false,
        each_new_file: false,
    });
    assert!(
        matches!(&onto, Err(mb_uploader::dto::AppError::InvalidInput { field, reason }) if field == "source" && reason == "same_files:zakazy-roma:Заказы Рома"),
        "{onto:?}"
    );
    // Called as the dialog promises, by the counter, in words (the scheduler's name stays Latin).
    let title = core.job_view(&first).unwrap().title;
    assert!(
        title.starts_with("Мебель «Рома»") && title.ends_with(" · Офлайн-конверсии"),
        "{title}"
    );
    for name in ["zakazy-roma", first.as_str(), second.as_str()] {
        core.remove_job(name).unwrap();
    }
    let bad_name = new_job("roma");
    let job = core.create_job_from_upload(&bad_name).unwrap();
    assert_eq!(
        (job.counter_id, job.schedule),
        (COUNTER, Some(JobSchedule::default()))
    );
    assert_eq!(
        core.job("roma").unwrap().every.as_deref(),
        Some("daily@09:00")
    );
    // Not switched on in the system's scheduler yet: no next run is promised.
    assert!(job.next_run.is_none() && job.last_run.is_none() && !job.scheduled);
    // Nor can it be, in the demo: said with the job, before «Включить расписание» is pressed.
    assert_eq!(
        job.schedule_block,
        Some(mb_uploader::dto::ScheduleBlock::Demo)
    );

    let edited = core.edit_job(&edited_request(&drop)).unwrap();
    assert_eq!(edited.title, "roma");
    assert_eq!(edited.pattern.as_deref(), Some("offline*.csv"));
    assert_eq!(
        edited.schedule,
        Some(JobSchedule {
            every: ScheduleEvery::Weekly,
            day: WeekDay::Fri,
            at: "18:00".into()
        })
    );
    assert!(edited.stop_on_bad_rows && !edited.each_new_file);
    // «Каждый новый файл по очереди» is the folder's way of taking files, kept with the job.
    let each = core
        .edit_job(&mb_uploader::dto::JobEdit {
            each_new_file: true,
            ..edited_request(&drop)
        })
        .unwrap();
    assert!(each.each_new_file);
    assert!(matches!(
        core.job("roma").unwrap().source,
        mb_uploader::jobs::JobSource::Folder {
            take: mb_uploader::jobs::Take::EachNew,
            ..
        }
    ));
    // The core owns the grammar: the window sends fields, the stored text is the CLI's.
    assert_eq!(
        core.job("roma").unwrap().every.as_deref(),
        Some("weekly@fri@18:00")
    );
    // «9:05» is a time (stored as 09:05); «25:00» and «9.00» are not, and nothing changes.
    let early = core
        .edit_job(&mb_uploader::dto::JobEdit {
            schedule: Some(JobSchedule {
                every: ScheduleEvery::Daily,
                at: "9:05".into(),
                ..JobSchedule::default()
            }),
            ..edited_request(&drop)
        })
        .unwrap();
    assert_eq!(early.schedule.unwrap().at, "09:05");
    assert_eq!(
        core.job("roma").unwrap().every.as_deref(),
        Some("daily@09:05")
    );
    for bad in ["25:00", "9.00", ""] {
        let refused = core.edit_job(&mb_uploader::dto::JobEdit {
            schedule: Some(JobSchedule {
                every: ScheduleEvery::Weekly,
                day: WeekDay::Sun,
                at: bad.into(),
            }),
            ..edited_request(&drop)
        });
        assert!(
            matches!(&refused, Err(mb_uploader::dto::AppError::InvalidInput { field, .. }) if field == "at"),
            "{bad}: {refused:?}"
        );
    }
    assert_eq!(
        core.job("roma").unwrap().every.as_deref(),
        Some("daily@09:05")
    );
    // An hourly job keeps no day or time of its own; by hand only is no schedule at all.
    let hourly = core
        .edit_job(&mb_uploader::dto::JobEdit {
            schedule: Some(JobSchedule {
                every: ScheduleEvery::Hourly,
                at: "not looked at".into(),
                ..JobSchedule::default()
            }),
            ..edited_request(&drop)
        })
        .unwrap();
    assert_eq!(hourly.schedule.unwrap().every, ScheduleEvery::Hourly);
    let by_hand = core
        .edit_job(&mb_uploader::dto::JobEdit {
            schedule: None,
            ..edited_request(&drop)
        })
        .unwrap();
    assert_eq!(
        (by_hand.schedule, core.job("roma").unwrap().every),
        (None, None)
    );
    assert_eq!(
        by_hand.schedule_block,
        Some(mb_uploader::dto::ScheduleBlock::NoSchedule)
    );
    core.edit_job(&edited_request(&drop)).unwrap();

    let opts = RUN_NOW;
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

    // An old export lies in the folder too: a job that takes the newest file never takes it,
    // so it is not data waiting to be sent (it warned «the window is closing» for good).
    let old = drop.join("offline-old.csv");
    std::fs::copy(fixture("offline_clientid.csv"), &old).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(20 * 86_400))
        .unwrap();
    let overview = core.overview().await.unwrap();
    let mine = overview.iter().find(|c| c.counter_id == COUNTER).unwrap();
    assert!(mine.warnings.is_empty(), "{:?}", mine.warnings);

    // A job on a counter no account may upload to (access taken away; the demo agency only
    // views 51234510) still has its client row, with the job, not nothing at all.
    let view_only: mb_uploader::jobs::Job = serde_json::from_value(serde_json::json!({
        "name": "atlet", "account_login": "", "counter_id": 51234510,
        "kind": "conversions",
        "spec": { "mapping": { "kind": "conversions", "fields": {}, "signature": "" } },
        "source": { "type": "file", "path": "/srv/exports/atlet.csv" },
        "every": null, "paused": false, "created_at": "2026-12-01T00:00:00Z"
    }))
    .unwrap();
    core.save_job(view_only).unwrap();
    let overview = core.overview().await.unwrap();
    let atlet = overview
        .iter()
        .find(|c| c.counter_id == 51234510)
        .expect("the job's counter is listed");
    assert_eq!(atlet.jobs.len(), 1);
    assert_ne!(atlet.counter_name, "51234510", "named as Metrica names it");
    core.remove_job("atlet").unwrap();

    // A run whose process was killed (its lock gone, its record still «running») is shown
    // as interrupted, with the job's warning, not «выполняется» until the next run.
    core.store().start_job_run("roma").unwrap();
    let view = core.job_view("roma").unwrap();
    assert_eq!(
        view.last_run.as_ref().map(|r| r.result),
        Some(mb_history::RunResult::Interrupted),
        "{view:?}"
    );
    // «Все запуски» and `mbridge jobs runs` say the same, with the note said in words (they
    // said «выполняется» while the card said «прервано»).
    let runs = core.job_run_views("roma", 5).unwrap();
    assert_eq!(
        runs[0].result,
        mb_history::RunResult::Interrupted,
        "{runs:?}"
    );
    assert_eq!(runs[0].message.as_deref(), Some(mb_history::PROCESS_DIED));
    // The next run closes it and goes on.
    let r = core.run_job("roma", opts).await.unwrap();
    assert_eq!(r.reconciled_runs, 1);

    // The folder disappears (a shared drive offline): the run fails and the overview says so.
    std::fs::remove_dir_all(&drop).unwrap();
    let r = core.run_job("roma", opts).await.unwrap();
    assert_eq!(r.run.unwrap().result, mb_history::RunResult::Failed);
    // Said as a folder, not «файл не найден».
    assert!(
        matches!(
            &r.error,
            Some(mb_uploader::dto::AppError::FileUnreadable {
                reason: mb_uploader::dto::FileReason::FolderNotFound,
                ..
            })
        ),
        "{:?}",
        r.error
    );
    let overview = core.overview().await.unwrap();
    let mine = overview.iter().find(|c| c.counter_id == COUNTER).unwrap();
    assert_eq!(
        mine.warnings[0].code,
        mb_uploader::dto::OverviewWarningCode::JobFailed
    );
    assert_eq!(mine.warnings[0].job.as_deref(), Some("roma"));
    // The warning names the job's handle, so the window says it with the card's reason.
    assert_eq!(mine.warnings[0].job_name.as_deref(), Some("roma"));
    assert!(
        mine.jobs
            .iter()
            .any(|j| j.name == "roma" && j.last_run.as_ref().is_some_and(|r| r.error.is_some()))
    );

    // Not deleted while a run holds its lock (this process's or another's): the run would
    // finish into a job that is gone, and a job re-added under the name could run beside it.
    let lock_path = core.paths().root.join("jobs").join("roma.lock");
    let held = std::fs::File::options()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .unwrap();
    held.lock().unwrap();
    let refused = core.remove_job("roma");
    assert!(
        matches!(&refused, Err(mb_uploader::dto::AppError::JobRunning { name }) if name == "roma"),
        "{refused:?}"
    );
    assert!(
        core.job("roma").is_ok() && lock_path.exists(),
        "the job and its run's lock stay"
    );
    std::mem::drop(held);
    core.remove_job("roma").unwrap();
    assert!(core.job("roma").is_err() && !lock_path.exists());
}

/// The CRM is still writing its export when a run starts (the last row cut at «…,11»): the run
/// waits until the file has been still for the settle time and sends the whole row (it sent
/// 11 instead of 119.50, and the ledger then thought the row sent).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_waits_for_a_file_the_crm_is_still_writing() {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::start(CoreOptions {
        data_dir: Some(dir.path().to_path_buf()),
        demo: Some(true),
        file_settle: Some(std::time::Duration::from_millis(3000)),
        ..CoreOptions::default()
    })
    .await
    .unwrap();
    let drop = dir.path().join("exports");
    std::fs::create_dir(&drop).unwrap();
    let first = drop.join("a.csv");
    std::fs::copy(fixture("offline_clientid.csv"), &first).unwrap();
    let mapping = core
        .suggest_mapping(
            &first,
            &ReadOverrides::default(),
            UploadKind::Conversions,
            &[],
        )
        .unwrap();
    let sent = core
        .upload_dto(
            &UploadRequest {
                validate: request(&first, mapping, vec![]),
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
    core.create_job_from_upload(&mb_uploader::dto::NewJob {
        upload_id: sent.id,
        name: "crm".into(),
        folder: drop.display().to_string(),
        pattern: "*.csv".into(),
        schedule: Some(JobSchedule {
            every: ScheduleEvery::Hourly,
            ..JobSchedule::default()
        }),
        stop_on_bad_rows: false,
        each_new_file: false,
    })
    .unwrap();

    let when = jiff::Timestamp::now().as_second() - 3600;
    let head = "ClientId,Target,DateTime,Price,Currency\n";
    let whole = format!("{head}1762345098999999999,offline_paid,{when},119.50,RUB\n");
    let cut = &whole[..whole.find("9.50").unwrap()];
    let second = drop.join("b.csv");
    std::fs::write(&second, cut).unwrap();
    let writer = {
        let (second, whole) = (second.clone(), whole.clone());
        tokio::spawn(async move {
            // Well inside the settle time, so a loaded machine cannot make the run read the
            // cut file first.
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            std::fs::write(&second, whole).unwrap();
        })
    };
    let opts = RUN_NOW;
    let r = core.run_job("crm", opts).await.unwrap();
    writer.await.unwrap();
    let run = r.run.expect("ran");
    assert_eq!(run.result, mb_history::RunResult::Sent, "{run:?}");
    let id = run.upload_ids[0];
    let server_id: i64 = core
        .store()
        .upload(id)
        .unwrap()
        .server_upload_id
        .unwrap()
        .parse()
        .unwrap();
    let rows = core
        .demo_server()
        .unwrap()
        .state()
        .upload_rows(server_id)
        .unwrap();
    assert!(
        rows.iter().any(|r| r.iter().any(|c| c == "119.50")),
        "the whole row went: {rows:?}"
    );
}

fn edited_request(drop: &std::path::Path) -> mb_uploader::dto::JobEdit {
    mb_uploader::dto::JobEdit {
        name: "roma".into(),
        folder: drop.display().to_string(),
        pattern: "offline*.csv".into(),
        schedule: Some(JobSchedule {
            every: ScheduleEvery::Weekly,
            day: WeekDay::Fri,
            at: "18:00".into(),
        }),
        stop_on_bad_rows: true,
        each_new_file: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notification_and_update_switches_are_on_by_default_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let core = demo(&dir).await;
        let s = core.settings().unwrap();
        assert!(
            s.notify_when_processed,
            "notifications are on until turned off"
        );
        assert!(
            s.check_updates,
            "the update check at start is on until turned off"
        );
        let saved = core
            .save_settings(&mb_uploader::dto::Settings {
                notify_when_processed: false,
                check_updates: false,
                ..s
            })
            .unwrap();
        assert!(!saved.notify_when_processed);
        assert!(!saved.check_updates);
        assert!(saved.hash_contacts_by_default == s.hash_contacts_by_default);
        // The language the app speaks is the core's answer (what it was told is ignored).
        let en = core
            .save_settings(&mb_uploader::dto::Settings {
                language: "en".into(),
                resolved_language: "ru".into(),
                ..saved.clone()
            })
            .unwrap();
        assert_eq!(en.resolved_language, "en");
    }
    let core = demo(&dir).await;
    let s = core.settings().unwrap();
    assert!(!s.notify_when_processed && !s.check_updates);
}

/// docs/metrika-api.md §5.3/§5.6: a contacts column beyond the documented ones is sent only
/// onto an attribute the counter declares. The user declares one for a column from the app
/// (the fake then accepts the file); a mapping onto an undeclared attribute is stopped before
/// anything is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contacts_extra_columns_go_to_declared_attributes_only() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let file = dir.path().join("contacts.csv");
    std::fs::write(
        &file,
        "ID;Имя;Телефон;Уровень лояльности\n\
         C-1;Анна;+7 912 345-67-89;3\n\
         C-2;Борис;8 (912) 000-11-22;5\n",
    )
    .unwrap();
    let read = ReadOverrides::default();
    let kind = UploadKind::Contacts;
    let none = core.counter_attributes(COUNTER, kind).await.unwrap();
    assert!(
        none.is_empty(),
        "the demo counter declares no contact attribute"
    );
    let before = core.suggest_mapping(&file, &read, kind, &none).unwrap();
    assert!(
        before
            .unmapped_columns
            .iter()
            .any(|c| c.header == "Уровень лояльности")
    );
    assert!(before.fields.iter().all(|f| f.attribute_title.is_none()));

    let made = core
        .create_contact_attribute(COUNTER, "Уровень лояльности", "numeric")
        .await
        .unwrap();
    assert_eq!(made.name, "uroven_loyalnosti");
    let again = core
        .create_contact_attribute(COUNTER, "Уровень лояльности", "numeric")
        .await
        .unwrap();
    assert_eq!(
        again, made,
        "declaring the same title twice reuses the attribute"
    );

    let attrs = core.counter_attributes(COUNTER, kind).await.unwrap();
    let mapping = core.suggest_mapping(&file, &read, kind, &attrs).unwrap();
    let loyalty = mapping
        .fields
        .iter()
        .find(|f| f.field == made.name)
        .expect("the column maps onto the new attribute");
    assert_eq!(
        loyalty.attribute_title.as_deref(),
        Some("Уровень лояльности")
    );
    assert!(
        !mapping
            .unmapped_columns
            .iter()
            .any(|c| c.header == "Уровень лояльности")
    );
    assert_eq!(mapping.attributes, vec![made.clone()]);

    let sent = core
        .upload_dto(
            &UploadRequest {
                validate: request(&file, mapping.clone(), vec![]),
                merge_mode: Some("SAVE".into()),
                comment: None,
                confirm_duplicate: false,
                skip_invalid: false,
            },
            "contacts-1",
            no_progress_sink(),
        )
        .await
        .unwrap()
        .upload
        .expect("sent");
    assert!(matches!(sent.state, UploadState::Processed), "{sent:?}");

    // A mapping onto an attribute the counter does not have never leaves the machine.
    let mut ghost = mapping.clone();
    ghost
        .fields
        .iter_mut()
        .find(|f| f.field == made.name)
        .unwrap()
        .field = "ghost_attribute".into();
    let s = core
        .validate_dto(
            &request(&file, ghost, vec![]),
            "contacts-2",
            no_progress_sink(),
        )
        .await
        .unwrap();
    let issue = s
        .issues
        .iter()
        .find(|i| i.code == "attribute_not_on_counter")
        .expect("undeclared attribute reported");
    assert_eq!(issue.column.as_deref(), Some("Уровень лояльности"));
    assert_eq!(s.valid_rows, 0);
}

/// «Включить расписание» / «Выключить» as the app calls them (the CLI's `jobs schedule` runs the
/// same code): the job's entry lands in the scheduler's folder, pinned to the installed
/// `mbridge` and this data folder, the job says it is scheduled, and taking it off deletes the
/// files. The scheduler tool is recorded, not run (this machine has no systemd user manager).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_is_put_on_the_os_scheduler_and_taken_off_again() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sched = dir.path().join("systemd-user");
    let core = Core::start(CoreOptions {
        data_dir: Some(data.clone()),
        api_base: Some("http://127.0.0.1:9".into()),
        demo: Some(false),
        memory_tokens: true,
        scheduler_dir: Some(sched.clone()),
        ..CoreOptions::default()
    })
    .await
    .unwrap();
    // Two jobs, each its own file (a second job on the same file would be refused as a twin).
    let job = |name: &str, every: Option<&str>| -> mb_uploader::jobs::Job {
        serde_json::from_value(serde_json::json!({
            "name": name, "account_login": "shop-owner", "counter_id": COUNTER,
            "kind": "conversions",
            "spec": { "mapping": { "kind": "conversions", "fields": {}, "signature": "" } },
            "source": { "type": "file", "path": format!("/srv/exports/{name}.csv") },
            "every": every, "paused": false, "created_at": "2026-12-01T00:00:00Z"
        }))
        .unwrap()
    };
    core.save_job(job("shop", Some("daily@09:30"))).unwrap();
    core.save_job(job("by-hand", None)).unwrap();
    assert!(!core.job_view("shop").unwrap().scheduled);

    let calls = std::cell::RefCell::new(Vec::<String>::new());
    let record = |p: &str, a: &[&str]| {
        calls.borrow_mut().push(format!("{p} {}", a.join(" ")));
        Ok(())
    };
    let exe = PathBuf::from("/usr/bin/mbridge");
    assert_eq!(core.schedule_job("shop", &exe, &record).unwrap(), sched);
    assert!(core.job_view("shop").unwrap().scheduled);
    assert!(!calls.borrow().is_empty(), "the scheduler was told");
    #[cfg(target_os = "linux")]
    {
        let service = std::fs::read_to_string(sched.join("mbridge-job-shop.service")).unwrap();
        // The Metrica this core was started with goes along (a scheduled run has no
        // environment of its own).
        let exec = format!(
            "ExecStart=\"/usr/bin/mbridge\" \"--data-dir\" \"{}\" \"--api-base\" \"http://127.0.0.1:9\" \"jobs\" \"run\" \"shop\"",
            data.display()
        );
        assert!(service.contains(&exec), "{service}");
        let timer = std::fs::read_to_string(sched.join("mbridge-job-shop.timer")).unwrap();
        assert!(timer.contains("OnCalendar=*-*-* 09:30:00"), "{timer}");
    }

    let by_hand = core.schedule_job("by-hand", &exe, &record);
    assert!(
        matches!(&by_hand, Err(mb_uploader::dto::AppError::InvalidInput { field, .. }) if field == "every"),
        "{by_hand:?}"
    );
    let missing = core.schedule_job("nobody", &exe, &record);
    assert!(
        matches!(missing, Err(mb_uploader::dto::AppError::NotFound { .. })),
        "{missing:?}"
    );

    core.unschedule_job("shop", &record).unwrap();
    assert!(!core.job_view("shop").unwrap().scheduled);
    assert_eq!(std::fs::read_dir(&sched).unwrap().count(), 0);

    // The core keeps the entry in step (the app and `mbridge jobs add|remove` alike): saved
    // again with another schedule, it is rewritten; without one, taken away; and deleting a
    // job deletes its entry first (they were left behind by the CLI, failing at every tick).
    core.schedule_job("shop", &exe, &record).unwrap();
    core.save_job_with(job("shop", Some("weekly@fri@18:00")), &record, Some(&exe))
        .unwrap();
    assert!(core.job_view("shop").unwrap().scheduled);
    #[cfg(target_os = "linux")]
    {
        let timer = std::fs::read_to_string(sched.join("mbridge-job-shop.timer")).unwrap();
        assert!(timer.contains("OnCalendar=Fri *-*-* 18:00:00"), "{timer}");
    }
    core.save_job_with(job("shop", None), &record, Some(&exe))
        .unwrap();
    assert!(!core.job_view("shop").unwrap().scheduled);
    core.save_job_with(job("shop", Some("hourly")), &record, Some(&exe))
        .unwrap();
    core.schedule_job("shop", &exe, &record).unwrap();
    core.remove_job_with("shop", &record).unwrap();
    assert_eq!(std::fs::read_dir(&sched).unwrap().count(), 0);
    assert!(core.job_view("shop").is_err());

    // Scheduled by a process with the file token store (the CLI on a server), then edited by
    // one without (the app): the entry keeps `--token-store file`.
    let cli = Core::start(CoreOptions {
        data_dir: Some(data.clone()),
        api_base: Some("http://127.0.0.1:9".into()),
        demo: Some(false),
        memory_tokens: true,
        token_store: Some("file".into()),
        scheduler_dir: Some(sched.clone()),
        ..CoreOptions::default()
    })
    .await
    .unwrap();
    cli.save_job_with(job("shop", Some("daily@09:30")), &record, Some(&exe))
        .unwrap();
    cli.schedule_job("shop", &exe, &record).unwrap();
    core.save_job_with(job("shop", Some("daily@10:00")), &record, Some(&exe))
        .unwrap();
    #[cfg(target_os = "linux")]
    {
        let service = std::fs::read_to_string(sched.join("mbridge-job-shop.service")).unwrap();
        assert!(service.contains("\"--token-store\" \"file\""), "{service}");
        let timer = std::fs::read_to_string(sched.join("mbridge-job-shop.timer")).unwrap();
        assert!(timer.contains("OnCalendar=*-*-* 10:00:00"), "{timer}");
    }
    // Another data folder's job of the same name is not this one's: not «scheduled» there.
    let other = Core::start(CoreOptions {
        data_dir: Some(dir.path().join("other-data")),
        api_base: Some("http://127.0.0.1:9".into()),
        demo: Some(false),
        memory_tokens: true,
        scheduler_dir: Some(sched.clone()),
        ..CoreOptions::default()
    })
    .await
    .unwrap();
    other
        .save_job_with(job("shop", Some("hourly")), &record, Some(&exe))
        .unwrap();
    assert!(!other.job_view("shop").unwrap().scheduled);
    other.remove_job_with("shop", &record).unwrap();
    assert!(
        core.job_view("shop").unwrap().scheduled,
        "untouched by the other"
    );
}

/// The demo's Metrica lives inside the running app: a scheduled run could not reach it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_refuses_to_schedule_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::start(CoreOptions {
        data_dir: Some(dir.path().to_path_buf()),
        demo: Some(true),
        scheduler_dir: Some(dir.path().join("systemd-user")),
        ..CoreOptions::default()
    })
    .await
    .unwrap();
    let never = |_: &str, _: &[&str]| panic!("the scheduler is not called in the demo");
    let r = core.schedule_job("shop", std::path::Path::new("/usr/bin/mbridge"), &never);
    assert!(
        matches!(&r, Err(mb_uploader::dto::AppError::InvalidInput { field, .. }) if field == "schedule"),
        "{r:?}"
    );
    assert!(!dir.path().join("systemd-user").exists());
}

/// The desktop notification of overview warnings: each warning once, not at every refresh;
/// one that clears and returns is announced again; the memory survives a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_overview_warning_is_announced_once() {
    use mb_uploader::dto::{ClientOverview, OverviewWarning};
    let dir = tempfile::tempdir().unwrap();
    let warn = |code: &str, job: Option<&str>, value: Option<f64>| OverviewWarning {
        code: serde_json::from_value(serde_json::json!(code)).expect("a warning code"),
        job: job.map(str::to_string),
        job_name: job.map(str::to_string),
        value,
    };
    let client = |warnings: Vec<OverviewWarning>| ClientOverview {
        counter_id: COUNTER,
        counter_name: "Цветы на Ленина".into(),
        account: "demo".into(),
        last_upload: None,
        linked_share: None,
        linked_trend: vec![],
        warnings,
        jobs: vec![],
    };
    let codes = |v: Vec<(String, OverviewWarning)>| -> Vec<String> {
        v.into_iter()
            .map(|(c, w)| format!("{c}: {}", w.code))
            .collect()
    };
    {
        let core = demo(&dir).await;
        let both = [client(vec![
            warn("linked_share_drop", None, Some(0.2)),
            warn("job_failed", Some("roma"), None),
        ])];
        assert_eq!(
            codes(core.unannounced_warnings(&both).unwrap()),
            [
                "Цветы на Ленина: linked_share_drop",
                "Цветы на Ленина: job_failed"
            ]
        );
        assert!(core.unannounced_warnings(&both).unwrap().is_empty());
        // The share moved a little: the same warning, not a new one.
        let moved = [client(vec![
            warn("linked_share_drop", None, Some(0.18)),
            warn("job_failed", Some("roma"), None),
        ])];
        assert!(core.unannounced_warnings(&moved).unwrap().is_empty());
        // The job recovered, then failed again: announced again.
        let share_only = [client(vec![warn("linked_share_drop", None, Some(0.2))])];
        assert!(core.unannounced_warnings(&share_only).unwrap().is_empty());
    }
    let core = demo(&dir).await;
    let again = [client(vec![
        warn("linked_share_drop", None, Some(0.2)),
        warn("job_failed", Some("roma"), None),
    ])];
    assert_eq!(
        codes(core.unannounced_warnings(&again).unwrap()),
        ["Цветы на Ленина: job_failed"]
    );
}

/// «Шифровать телефоны и почту» changes what goes to Metrica, not which orders were sent: the
/// same export sent once with contacts in the clear, then in only-new mode with them hashed,
/// has nothing new (the review's count and the send agree; nothing goes twice).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashing_contacts_or_not_leaves_sent_crm_rows_known() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let file = fixture("simple_orders_cp1251_ru_statuses.csv");
    let read = ReadOverrides::default();
    let mapping = core
        .suggest_mapping(&file, &read, UploadKind::SimpleOrders, &[])
        .unwrap();
    let statuses: Vec<StatusMapEntry> = core
        .status_values_dto(&file, &read, &mapping, Some(COUNTER))
        .unwrap()
        .into_iter()
        .map(|v| StatusMapEntry {
            value: v.value,
            status_type: v.suggested_type,
            status_id: v.suggested_id,
            goal_ids: vec![],
        })
        .collect();
    let plain = request(&file, mapping, statuses);
    let send = |validate: ValidateRequest| UploadRequest {
        validate,
        merge_mode: Some("SAVE".into()),
        comment: None,
        confirm_duplicate: true,
        skip_invalid: true,
    };
    let first = core
        .upload_dto(&send(plain.clone()), "plain", no_progress_sink())
        .await
        .unwrap();
    assert!(first.new_rows > 0, "{first:?}");
    let hashed = ValidateRequest {
        hash_contacts: true,
        only_new_rows: true,
        ..plain
    };
    let check = core
        .validate_dto(&hashed, "check-hashed", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(
        check.known_rows, check.valid_rows,
        "every valid row was sent before, hashed or not: {check:?}"
    );
    let again = core
        .upload_dto(&send(hashed), "hashed", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(again.new_rows, 0, "{again:?}");
    assert!(again.parts.is_empty(), "nothing sent: {again:?}");
}

/// An agency signs in a second account and switches to it while an upload of the first is
/// being followed: the upload is still followed (and would be resent) as the account it
/// belongs to, not as whichever account is active — the second one cannot even see that
/// counter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_is_followed_as_its_own_account_after_a_switch() {
    use mb_uploader::dto::SignInMethod;
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let file = fixture("offline_clientid.csv");
    let read = ReadOverrides::default();
    let mapping = core
        .suggest_mapping(&file, &read, UploadKind::Conversions, &[])
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
    assert_eq!(sent.account, mb_uploader::DEMO_LOGIN);

    // The second account signs in through the app's own loopback flow (the fake consents).
    let started = core
        .begin_sign_in(SignInMethod::Loopback, Some("shop-owner".into()))
        .await
        .unwrap();
    let url = started.authorize_url.clone();
    let browser = tokio::spawn(async move {
        let c = reqwest::Client::builder().no_proxy().build().unwrap();
        c.get(url).send().await.map(|_| ())
    });
    core.complete_sign_in(&started.flow_id, None).await.unwrap();
    browser.await.unwrap().unwrap();
    assert_eq!(core.active_login().unwrap(), "shop-owner");

    let followed = core.refresh_status_dto(sent.id).await.unwrap();
    assert_eq!(followed.id, sent.id);
    assert!(
        matches!(
            followed.state,
            UploadState::Sent | UploadState::Processing | UploadState::Processed
        ),
        "{followed:?}"
    );
    assert!(core.poll_due().await.is_ok());
}

/// A demo core that sends files in parts of at most 120 bytes: the header and one row of
/// the conversions fixture each.
async fn demo_in_parts(dir: &tempfile::TempDir) -> Core {
    Core::start(CoreOptions {
        data_dir: Some(dir.path().to_path_buf()),
        demo: Some(true),
        part_bytes: Some(120),
        ..CoreOptions::default()
    })
    .await
    .unwrap()
}

/// The conversions fixture's header and its first `rows` rows: a file that goes in `rows`
/// parts on [`demo_in_parts`].
fn conversions_rows(dir: &std::path::Path, rows: usize) -> PathBuf {
    fixture_rows(dir, "offline_clientid.csv", rows)
}

/// The header and the first `rows` rows of fixture `name`, as a file in `dir`.
fn fixture_rows(dir: &std::path::Path, name: &str, rows: usize) -> PathBuf {
    let all = std::fs::read_to_string(fixture(name)).unwrap();
    let file = dir.join(format!("{rows}-{name}"));
    let lines: Vec<&str> = all.lines().take(rows + 1).collect();
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    file
}

async fn send_in_parts(core: &Core, file: &std::path::Path) -> mb_uploader::dto::SendResult {
    core.upload_dto(
        &path_upload(core, UploadKind::Conversions, file, false, false),
        "parts",
        no_progress_sink(),
    )
    .await
    .expect("a send stopped part-way is a result with the parts, not an error")
}

/// A sign-in that runs out in the middle of a send in three parts: the result says both what
/// happened and why — part 1 accepted, part 2 failed for the sign-in, part 3 not sent, and the
/// sign-in error itself (the send used to answer with the error alone, so the screen said
/// «error» over a part Metrica had accepted). The history holds the same three parts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_on_a_part_is_told_beside_the_parts_that_went() {
    use mb_uploader::OutcomeKind;
    use mb_uploader::dto::{AppError, FailureReason};
    let dir = tempfile::tempdir().unwrap();
    let core = demo_in_parts(&dir).await;
    core.demo_server()
        .unwrap()
        .faults()
        .expire_token_at_upload(2);
    let sent = send_in_parts(&core, &conversions_rows(dir.path(), 3)).await;

    assert!(
        matches!(sent.error, Some(AppError::TokenExpired { .. })),
        "{sent:?}"
    );
    assert_eq!(sent.outcome, OutcomeKind::Failed);
    let parts = &sent.parts;
    assert_eq!(parts.len(), 3, "{parts:?}");
    assert!(
        matches!(parts[0].state, UploadState::Sent | UploadState::Processing),
        "{:?}",
        parts[0]
    );
    assert_eq!(parts[1].state, UploadState::Failed, "{:?}", parts[1]);
    assert_eq!(parts[1].failure, Some(FailureReason::SignInNeeded));
    assert_eq!(parts[2].state, UploadState::Failed, "{:?}", parts[2]);
    assert_eq!(parts[2].failure, Some(FailureReason::NotSent));
    assert_eq!(parts.iter().map(|p| p.valid_rows).sum::<u32>(), 3);
    // The part it stopped on is the one shown.
    assert_eq!(sent.upload.as_ref().map(|u| u.id), Some(parts[1].id));

    let mut history = core.history(&HistoryFilter::default()).unwrap();
    history.sort_by_key(|u| u.id);
    let ids = |v: &[mb_uploader::dto::UploadSummary]| v.iter().map(|u| u.id).collect::<Vec<_>>();
    assert_eq!(ids(&history), ids(parts));
}

/// The same stop on the very first part: no part was accepted, and the answer has the same
/// shape — every part (the first failed, the rest not sent) and the error — with the error's
/// own exit code for `mbridge` (3: sign in), not the generic «failed» (4).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_on_the_first_part_still_answers_with_the_parts_and_the_error() {
    use mb_uploader::OutcomeKind;
    use mb_uploader::dto::{AppError, FailureReason};
    let dir = tempfile::tempdir().unwrap();
    let core = demo_in_parts(&dir).await;
    core.demo_server()
        .unwrap()
        .faults()
        .expire_token_at_upload(1);
    let file = conversions_rows(dir.path(), 3);
    let mapping = core
        .suggest_mapping(
            &file,
            &ReadOverrides::default(),
            UploadKind::Conversions,
            &[],
        )
        .unwrap();
    let plan = core
        .plan(&request(&file, mapping, vec![]), None, true, false)
        .await
        .unwrap();
    let done = core
        .run_upload(&plan, "first", no_progress_sink(), |_| {})
        .await
        .expect("the parts are in the history: a result, not an error");
    assert!(
        matches!(done.stopped(), Some(AppError::TokenExpired { .. })),
        "{:?}",
        done.outcome
    );
    assert_eq!(done.kind(), OutcomeKind::Failed);
    assert_eq!(done.exit_code(), 3);
    let states: Vec<_> = done
        .uploads()
        .iter()
        .map(|u| {
            (
                u.state,
                u.server_message.as_deref().map(FailureReason::from_stored),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            (UploadState::Failed, Some(FailureReason::SignInNeeded)),
            (UploadState::Failed, Some(FailureReason::NotSent)),
            (UploadState::Failed, Some(FailureReason::NotSent)),
        ]
    );
    assert_eq!(done.resend_id(), Some(done.uploads()[0].id));
}

/// A job's run that an error stops part-way is recorded as failed with the error, and keeps
/// the ids of the parts it recorded — the one that went among them — so the job's history
/// does not lose an upload Metrica accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_run_stopped_part_way_is_failed_with_the_error_and_the_parts() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo_in_parts(&dir).await;
    let drop = dir.path().join("exports");
    std::fs::create_dir(&drop).unwrap();
    // A first upload (one row) to make the job from; the job's file then brings three rows
    // the ledger has not seen.
    let all = std::fs::read_to_string(fixture("offline_clientid.csv")).unwrap();
    let lines: Vec<&str> = all.lines().collect();
    let first = dir.path().join("first.csv");
    std::fs::write(&first, format!("{}\n{}\n", lines[0], lines[1])).unwrap();
    let sent = send_in_parts(&core, &first).await;
    assert_eq!(sent.error, None);
    let from = sent.upload.expect("sent").id;
    // The job repeats that upload's choices, by hand only (as `jobs add --from-upload`).
    let (counter_id, kind, account_login, spec) =
        core.job_spec_from_upload(i64::from(from)).unwrap();
    let export = drop.join("export.csv");
    core.save_job(mb_uploader::jobs::Job {
        name: "parts".into(),
        account_login,
        counter_id,
        kind,
        spec,
        source: mb_uploader::jobs::JobSource::File {
            path: export.clone(),
        },
        every: None,
        paused: false,
        created_at: jiff::Timestamp::now(),
    })
    .unwrap();
    std::fs::write(
        &export,
        format!("{}\n{}\n{}\n{}\n", lines[0], lines[2], lines[3], lines[5]),
    )
    .unwrap();
    core.demo_server()
        .unwrap()
        .faults()
        .expire_token_at_upload(2);
    let r = core
        .run_job(
            "parts",
            mb_uploader::jobs::RunOptions {
                wait: std::time::Duration::ZERO,
                even_if_paused: true,
            },
        )
        .await
        .unwrap();
    assert!(
        matches!(
            r.error,
            Some(mb_uploader::dto::AppError::TokenExpired { .. })
        ),
        "{r:?}"
    );
    let run = r.run.expect("ran");
    assert_eq!(run.result, mb_history::RunResult::Failed, "{run:?}");
    assert!(
        run.message
            .as_deref()
            .is_some_and(|m| m.contains("token_expired")),
        "{run:?}"
    );
    assert_eq!(run.upload_ids.len(), 3, "{run:?}");
    let states: Vec<_> = run
        .upload_ids
        .iter()
        .map(|id| core.store().upload(*id).unwrap().state)
        .collect();
    assert!(states[0].is_accepted(), "{states:?}");
    assert_eq!(&states[1..], [UploadState::Failed, UploadState::Failed]);
}

/// A file that goes in parts and whose first part does not go: the send stops there, and the
/// parts after it are in the history as not sent (never lost, never called sent), each with
/// its rows; resending each one, in order, sends the whole file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_part_that_did_not_go_leaves_the_later_parts_recorded_as_not_sent() {
    use mb_uploader::dto::FailureReason;
    let dir = tempfile::tempdir().unwrap();
    let core = Core::start(CoreOptions {
        data_dir: Some(dir.path().to_path_buf()),
        demo: Some(true),
        // Header plus one or two rows of the 5-row fixture per part.
        part_bytes: Some(120),
        ..CoreOptions::default()
    })
    .await
    .unwrap();
    // The fake cuts the first send: its outcome is unknown (interrupted).
    core.demo_server()
        .unwrap()
        .faults()
        .drop_next_upload_after(u64::MAX);
    let file = fixture("offline_clientid.csv");
    let mapping = core
        .suggest_mapping(
            &file,
            &ReadOverrides::default(),
            UploadKind::Conversions,
            &[],
        )
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
            "parts",
            no_progress_sink(),
        )
        .await
        .unwrap();
    let parts = &sent.parts;
    assert!(parts.len() >= 3, "{parts:?}");
    assert_eq!(parts.iter().map(|p| p.valid_rows).sum::<u32>(), 5);
    assert!(
        matches!(parts[0].state, UploadState::Interrupted),
        "{:?}",
        parts[0]
    );
    for p in &parts[1..] {
        assert!(matches!(p.state, UploadState::Failed), "{p:?}");
        assert_eq!(p.failure, Some(FailureReason::NotSent));
    }
    // The result names the first part that did not go, not the last one.
    assert_eq!(sent.upload.as_ref().map(|u| u.id), Some(parts[0].id));
    assert_eq!(
        core.history(&HistoryFilter::default()).unwrap().len(),
        parts.len()
    );

    for p in parts {
        // The core offers the resend it will take.
        assert!(p.resendable, "{p:?}");
        let again = core
            .resend_dto(p.id, "resend", no_progress_sink())
            .await
            .unwrap();
        assert!(
            matches!(again.state, UploadState::Sent | UploadState::Processing),
            "{again:?}"
        );
        // Sent again: no second resend is offered (its rows would go twice), the upload names
        // the one that sent them, and its advice is to follow that one.
        let old = core.upload_detail(i64::from(p.id)).unwrap();
        assert!(!old.summary.resendable, "{:?}", old.summary);
        assert_eq!(old.summary.replaced_by, Some(again.id));
        assert!(
            old.explanation
                .iter()
                .all(|e| e.advice != Some(mb_uploader::dto::AdviceCode::Resend)),
            "{:?}",
            old.explanation
        );
        assert!(
            core.resend_dto(p.id, "resend-twice", no_progress_sink())
                .await
                .is_err()
        );
    }
}

/// A line with a cell too many is an error in the file itself: it is said at its line, and the
/// file cannot go, rows with errors skipped or not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_line_is_said_at_its_line_and_blocks_the_send() {
    use mb_uploader::dto::{IssuePlace, SendBlock};
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let mapping = core
        .suggest_mapping(
            &fixture("offline_clientid.csv"),
            &ReadOverrides::default(),
            UploadKind::Conversions,
            &[],
        )
        .unwrap();
    let s = core
        .validate_dto(
            &request(&fixture("decimal-comma-unquoted.csv"), mapping, vec![]),
            "where",
            no_progress_sink(),
        )
        .await
        .unwrap();
    let broken = s
        .issues
        .iter()
        .find(|i| i.code.as_str() == "too_many_fields")
        .unwrap_or_else(|| panic!("{:?}", s.issues));
    assert_eq!(
        (broken.line, broken.record, broken.place),
        (3, 0, IssuePlace::Line)
    );
    assert_eq!(s.valid_rows, 2);
    assert_eq!(s.send_block, Some(SendBlock::FileErrors));
}

/// An interrupted upload whose prepared file is gone (the data folder was cleaned): no resend
/// is offered (the core would refuse it), and the advice is to choose the file again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_whose_prepared_file_is_gone_is_not_offered_a_resend() {
    use mb_uploader::dto::AdviceCode;
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    core.demo_server()
        .unwrap()
        .faults()
        .drop_next_upload_after(u64::MAX);
    let file = fixture("offline_clientid.csv");
    let mapping = core
        .suggest_mapping(
            &file,
            &ReadOverrides::default(),
            UploadKind::Conversions,
            &[],
        )
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
            "gone",
            no_progress_sink(),
        )
        .await
        .unwrap();
    let u = sent.upload.clone().unwrap();
    assert_eq!(u.state, UploadState::Interrupted);
    assert!(u.resendable, "{u:?}");
    // Every prepared file of the data folder goes.
    fn remove_csv(d: &std::path::Path) {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                remove_csv(&p);
            } else if p.extension().is_some_and(|x| x == "csv") {
                std::fs::remove_file(&p).unwrap();
            }
        }
    }
    remove_csv(dir.path());
    let d = core.upload_detail(i64::from(u.id)).unwrap();
    assert!(!d.summary.resendable, "{:?}", d.summary);
    let advice: Vec<_> = d.explanation.iter().filter_map(|e| e.advice).collect();
    assert_eq!(advice, [AdviceCode::UploadFileAgain], "{:?}", d.explanation);
}

/// Detailed orders link to visits only after the first contacts upload (seed 004): checked for
/// a counter that never had contacts from this app, the orders are warned of; once contacts
/// were accepted, not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_before_any_contacts_are_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let read = ReadOverrides::default();
    let check = |kind: UploadKind, name: &str| {
        let file = fixture(name);
        let mapping = core.suggest_mapping(&file, &read, kind, &[]).unwrap();
        request(&file, mapping, vec![])
    };
    let warned = |v: &mb_uploader::dto::ValidationSummary| {
        v.counts
            .iter()
            .any(|c| c.code.as_str() == "orders_before_contacts" && c.in_file)
    };
    let orders = check(UploadKind::Orders, "orders.csv");
    let v = core
        .validate_dto(&orders, "o1", no_progress_sink())
        .await
        .unwrap();
    assert!(warned(&v), "{:?}", v.counts);
    let contacts = core
        .upload_dto(
            &UploadRequest {
                validate: check(UploadKind::Contacts, "contacts.csv"),
                merge_mode: Some("SAVE".into()),
                comment: None,
                confirm_duplicate: false,
                skip_invalid: true,
            },
            "c1",
            no_progress_sink(),
        )
        .await
        .unwrap();
    let u = contacts.upload.expect("contacts sent");
    assert!(u.state.is_accepted(), "{u:?}");
    let v = core
        .validate_dto(&orders, "o2", no_progress_sink())
        .await
        .unwrap();
    assert!(!warned(&v), "{:?}", v.counts);
}

/// The demo core with a CRM simple-orders job `crm` made from an upload of October's export
/// (every status mapped), watching `exports/*.csv`; returns the export's path and its text.
async fn crm_job(dir: &tempfile::TempDir) -> (Core, std::path::PathBuf, String) {
    let core = demo_jobs(dir).await;
    let drop = dir.path().join("exports");
    std::fs::create_dir(&drop).unwrap();
    let file = drop.join("orders.csv");
    let october = std::fs::read_to_string(fixture("crm-orders-october.csv")).unwrap();
    std::fs::write(&file, &october).unwrap();
    let read = ReadOverrides::default();
    let mapping = core
        .suggest_mapping(&file, &read, UploadKind::SimpleOrders, &[])
        .unwrap();
    let entries: Vec<StatusMapEntry> = core
        .status_values_dto(&file, &read, &mapping, Some(COUNTER))
        .unwrap()
        .into_iter()
        .map(|v| StatusMapEntry {
            value: v.value,
            status_type: v.suggested_type,
            status_id: v.suggested_id,
            goal_ids: vec![],
        })
        .collect();
    let sent = core
        .upload_dto(
            &UploadRequest {
                validate: request(&file, mapping, entries),
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
    job_from(&core, sent.id, "crm", &drop);
    (core, file, october)
}

/// One run of the `crm` job [`crm_job`] made, by hand now.
async fn run_crm(core: &Core) -> mb_history::JobRun {
    core.run_job("crm", RUN_NOW)
        .await
        .unwrap()
        .run
        .expect("ran")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crm_job_that_meets_a_new_status_has_it_mapped_and_sends_the_rows_it_held_back() {
    let dir = tempfile::tempdir().unwrap();
    let (core, file, october) = crm_job(&dir).await;

    // The CRM's next export has a status nobody mapped: that row is held back with the
    // export's 3 rows that have errors of their own, the rest goes.
    let row = "Z-2101;05.10.2026 10:00;79035550099;;Возврат;1500;Олег\n";
    std::fs::write(&file, format!("{october}{row}")).unwrap();
    let run = run_crm(&core).await;
    assert_eq!(run.rows_rejected, 4, "{run:?}");
    // «Отправить верные строки»: the rows with the new status were held back, the rest went.
    assert_eq!(
        core.job_view("crm").unwrap().statuses_to_map,
        Some(StatusesHeld::Rows)
    );
    // An hour later the export is the same: that run takes nothing, and the offer stays.
    let idle = run_crm(&core).await;
    assert_eq!(idle.result, mb_history::RunResult::NothingNew, "{idle:?}");
    assert_eq!(
        core.job_view("crm").unwrap().statuses_to_map,
        Some(StatusesHeld::Rows)
    );
    let new = core.job_new_statuses("crm").unwrap();
    assert_eq!(
        new.iter()
            .map(|v| (v.value.as_str(), v.count))
            .collect::<Vec<_>>(),
        vec![("Возврат", 1)]
    );
    assert_eq!(new[0].suggested_type, OrderStatusType::Cancelled);

    // «Другое» without a goal would be read as a goal id that does not exist: refused by the
    // core, whoever asks (the window does not offer it).
    let other = core.map_job_statuses(
        "crm",
        &[StatusMapEntry {
            value: "Возврат".into(),
            status_type: OrderStatusType::Other,
            status_id: String::new(),
            goal_ids: vec![],
        }],
    );
    assert!(
        matches!(&other, Err(mb_uploader::dto::AppError::InvalidInput { field, .. }) if field == "statuses"),
        "{other:?}"
    );
    assert!(
        core.job_view("crm").unwrap().statuses_to_map.is_some(),
        "nothing saved"
    );

    // Mapped from the job's card: the next run reads the same file again and sends that row
    // only (the file is unchanged, which alone would have been «nothing new»).
    let job = core
        .map_job_statuses(
            "crm",
            &[StatusMapEntry {
                value: "Возврат".into(),
                status_type: OrderStatusType::Cancelled,
                status_id: String::new(),
                goal_ids: vec![],
            }],
        )
        .unwrap();
    assert_eq!(job.name, "crm");
    // Mapped: the card stops offering it at once, before the next run.
    assert_eq!(job.statuses_to_map, None);
    assert!(core.job_new_statuses("crm").unwrap().is_empty());
    let run = run_crm(&core).await;
    assert_eq!(
        (run.result, run.rows_new, run.rows_rejected),
        (mb_history::RunResult::Sent, 1, 3),
        "{run:?}"
    );
    assert_eq!(core.job_view("crm").unwrap().statuses_to_map, None);
    // Then the file is taken again: nothing more.
    let run = run_crm(&core).await;
    assert_eq!(run.result, mb_history::RunResult::NothingNew, "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_names_the_columns_its_export_gained_since_the_job_was_made() {
    let dir = tempfile::tempdir().unwrap();
    let (core, file, october) = crm_job(&dir).await;
    // Made from an upload of the October export: «Менеджер» was there and not read.
    assert_eq!(
        core.job("crm").unwrap().spec.unread_columns,
        Some(vec!["Менеджер".to_string()])
    );
    // The CRM's export gains a column: the rows the job reads are the same, so nothing goes,
    // and the run says which column it does not read.
    let gained: String = october
        .lines()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "{l};{}\n",
                if i == 0 {
                    "Источник"
                } else {
                    "сайт"
                }
            )
        })
        .collect();
    std::fs::write(&file, gained).unwrap();
    let run = run_crm(&core).await;
    assert_eq!(run.result, mb_history::RunResult::NothingNew, "{run:?}");
    assert_eq!(run.new_columns(), ["Источник"]);
    let views = core.job_run_views("crm", 1).unwrap();
    assert_eq!(views[0].new_columns, ["Источник"]);
    // Said again by each run that reads such a file, not by one that does not read it; the
    // card says it until the columns are learnt, whatever runs came since.
    let idle = run_crm(&core).await;
    assert!(idle.new_columns().is_empty(), "{idle:?}");
    assert_eq!(core.job_view("crm").unwrap().new_columns, ["Источник"]);
    // The export as it was: nothing to say.
    std::fs::write(&file, &october).unwrap();
    let back = run_crm(&core).await;
    assert!(back.new_columns().is_empty(), "{back:?}");
    assert!(core.job_view("crm").unwrap().new_columns.is_empty());

    // Then it gains a column Metrica reads (ClientIDs) beside one it has no field for:
    // «Учесть новые столбцы» reads the first from now on and knows the second, keeping the
    // rest of the job (its statuses, schedule, policy).
    let before = core.job("crm").unwrap();
    let gained: String = october
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l};Источник;ClientID\n")
            } else {
                format!("{l};сайт;\n")
            }
        })
        .collect();
    std::fs::write(&file, &gained).unwrap();
    run_crm(&core).await;
    assert_eq!(
        core.job_view("crm").unwrap().new_columns,
        ["Источник", "ClientID"]
    );
    let learnt = core.learn_job_columns("crm").unwrap();
    assert_eq!(
        learnt.read,
        [mb_uploader::dto::ColumnRead {
            column: "ClientID".into(),
            field: "client_ids".into()
        }]
    );
    assert_eq!(learnt.ignored, ["Источник"]);
    assert!(learnt.job.new_columns.is_empty(), "{learnt:?}");
    let after = core.job("crm").unwrap();
    assert!(after.spec.mapping.fields.contains_key("client_ids"));
    assert_eq!(
        (&after.spec.status_map, &after.every, after.spec.on_bad_rows),
        (
            &before.spec.status_map,
            &before.every,
            before.spec.on_bad_rows
        )
    );
    // «Менеджер», declined when the job was made, stays unread, and no run names these again.
    let unread = after.spec.unread_columns.unwrap_or_default();
    assert!(
        unread.contains(&"Менеджер".to_string()) && unread.contains(&"Источник".to_string()),
        "{unread:?}"
    );
    std::fs::write(&file, format!("{gained}\n")).unwrap();
    let again = run_crm(&core).await;
    assert!(again.new_columns().is_empty(), "{again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_status_under_stop_is_told_as_the_file_held_back_by_the_policy_the_run_had() {
    let dir = tempfile::tempdir().unwrap();
    let (core, file, october) = crm_job(&dir).await;
    let policy = |stop: bool| mb_uploader::dto::JobEdit {
        name: "crm".into(),
        folder: file.parent().unwrap().display().to_string(),
        pattern: "*.csv".into(),
        schedule: None,
        stop_on_bad_rows: stop,
        each_new_file: false,
    };
    core.edit_job(&policy(true)).unwrap();
    let row = "Z-2101;05.10.2026 10:00;79035550099;;Возврат;1500;Олег\n";
    std::fs::write(&file, format!("{october}{row}")).unwrap();
    let run = run_crm(&core).await;
    assert_eq!(run.result, mb_history::RunResult::Blocked, "{run:?}");
    // «Не отправлять ничего»: the new status stopped the whole file.
    assert_eq!(
        core.job_view("crm").unwrap().statuses_to_map,
        Some(StatusesHeld::File)
    );
    // The policy changed since: what that run held back did not.
    let edited = core.edit_job(&policy(false)).unwrap();
    assert!(!edited.stop_on_bad_rows);
    assert_eq!(edited.statuses_to_map, Some(StatusesHeld::File));
}

/// A run that met a new status and then did not get its file to Metrica at all (the sign-in
/// expired mid-send) is not told as «their rows were held back»: nothing of the file went.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_status_in_a_run_whose_send_failed_is_told_as_the_file_unsent() {
    let dir = tempfile::tempdir().unwrap();
    let (core, file, october) = crm_job(&dir).await;
    // The sign-in runs out as the job's upload arrives.
    core.demo_server()
        .unwrap()
        .faults()
        .expire_token_at_upload(1);
    // The new status's row, and a new paid order that makes the run send.
    let rows = "Z-2101;05.10.2026 10:00;79035550099;;Возврат;1500;Олег\n\
                Z-2102;05.10.2026 11:00;79035550098;;Оплачен;1200;Олег\n";
    std::fs::write(&file, format!("{october}{rows}")).unwrap();
    let run = run_crm(&core).await;
    assert_eq!(run.result, mb_history::RunResult::Failed, "{run:?}");
    assert_eq!(
        core.job_view("crm").unwrap().statuses_to_map,
        Some(StatusesHeld::Unsent)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_send_says_the_rows_it_left_out_as_it_read_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let file = dir.path().join("sales.csv");
    let when = jiff::Timestamp::now().as_second() - 3600;
    let head = "ClientId,Target,DateTime,Price,Currency\n";
    let good = format!("1762345098123456789,offline_paid,{when},100,RUB\n");
    std::fs::write(&file, format!("{head}{good}")).unwrap();
    let mapping = core
        .suggest_mapping(
            &file,
            &ReadOverrides::default(),
            UploadKind::Conversions,
            &[],
        )
        .unwrap();
    // Checked clean; then the CRM wrote the export again with two rows it cannot send.
    let checked = core
        .validate_dto(
            &request(&file, mapping.clone(), vec![]),
            "c1",
            no_progress_sink(),
        )
        .await
        .unwrap();
    assert_eq!(checked.rows - checked.valid_rows, 0);
    let bad = format!(
        "1762345098123456780,offline_paid,tomorrow,100,RUB\n\
         1762345098123456781,offline_paid,{when},сто,RUB\n"
    );
    std::fs::write(&file, format!("{head}{good}{bad}")).unwrap();
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
        .unwrap();
    assert_eq!((sent.valid_rows, sent.rejected_rows), (1, 2), "{sent:?}");
    let path = sent.rejected_path.expect("the send's rejected rows");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("1762345098123456780"), "{text}");
}

/// An interrupted upload Metrica never got is looked up before the next uploads of its
/// counter and kind only until two look-ups half an hour apart settle it: after that, each
/// upload no longer walks the server's list for it (the account's API quota).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_that_never_arrived_is_not_looked_up_before_every_upload() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let fake = core.demo_server().unwrap();
    fake.faults().drop_next_upload_after(u64::MAX);
    let send = |name: &'static str, job: &'static str| {
        let core = &core;
        async move {
            core.upload_dto(
                &conversions_upload(core, name, true, false),
                job,
                no_progress_sink(),
            )
            .await
            .unwrap()
        }
    };
    let cut = send("offline_clientid.csv", "cut").await;
    let cut = cut.upload.unwrap();
    assert_eq!(cut.state, UploadState::Interrupted);
    let lists = || {
        fake.state()
            .request_log()
            .iter()
            .filter(|r| r.method == "GET" && r.path.contains("uploadings"))
            .count()
    };
    let before = lists();
    send("offline_userid.csv", "next").await;
    assert!(
        lists() > before,
        "looked up once more before the next upload"
    );
    assert!(!core.store().known_absent(i64::from(cut.id)).unwrap());
    // The first look-up that missed it was two hours ago (the history's clock is the
    // system's): the one just made settles it.
    let two_hours_ago = jiff::Timestamp::now().as_millisecond() - 2 * 3600 * 1000;
    rusqlite::Connection::open(core.paths().database())
        .unwrap()
        .execute(
            "UPDATE absent_lookups SET first_at = ?2, last_at = ?2 WHERE upload_id = ?1",
            rusqlite::params![i64::from(cut.id), two_hours_ago],
        )
        .unwrap();
    let before = lists();
    send("offline_yclid.csv", "later").await;
    assert!(lists() > before, "looked up again");
    assert!(core.store().known_absent(i64::from(cut.id)).unwrap());
    let u = core.store().upload(i64::from(cut.id)).unwrap();
    assert_eq!(
        u.state,
        UploadState::Interrupted,
        "still for the user to resend"
    );

    let before = lists();
    send("offline_mixed_ids.csv", "after").await;
    assert_eq!(lists() - before, 0, "not looked up again");
}

/// Sends `req` with Metrica dropping the answer: the upload is left interrupted (whether
/// Metrica has it is not known) and returned.
async fn cut_off(core: &Core, req: &UploadRequest) -> mb_uploader::dto::UploadSummary {
    core.demo_server()
        .unwrap()
        .faults()
        .drop_next_upload_after(u64::MAX);
    let cut = core
        .upload_dto(req, "cut", no_progress_sink())
        .await
        .unwrap()
        .upload
        .unwrap();
    assert_eq!(cut.state, UploadState::Interrupted);
    cut
}

/// The prices of the conversions the demo's Metrica holds for the counter.
fn stored_prices(fake: &mb_fake::FakeServer) -> Vec<String> {
    fake.state()
        .conversions(u64::from(COUNTER))
        .iter()
        .filter_map(|r| r.price.clone())
        .collect()
}

fn conversions_upload(core: &Core, name: &str, only_new: bool, confirm: bool) -> UploadRequest {
    kind_upload(core, UploadKind::Conversions, name, only_new, confirm)
}

fn kind_upload(
    core: &Core,
    kind: UploadKind,
    name: &str,
    only_new: bool,
    confirm: bool,
) -> UploadRequest {
    path_upload(core, kind, &fixture(name), only_new, confirm)
}

/// An upload of the file at `file` as `kind`, with its suggested mapping, rows with errors
/// left out.
fn path_upload(
    core: &Core,
    kind: UploadKind,
    file: &std::path::Path,
    only_new: bool,
    confirm: bool,
) -> UploadRequest {
    let mapping = core
        .suggest_mapping(file, &ReadOverrides::default(), kind, &[])
        .unwrap();
    let mut validate = request(file, mapping, vec![]);
    validate.only_new_rows = only_new;
    UploadRequest {
        validate,
        merge_mode: None,
        comment: None,
        confirm_duplicate: confirm,
        skip_invalid: true,
    }
}

/// A file whose send was cut off, looked up and not found on the server: the Check step
/// says so (its way on is the resend in History), a plain upload is refused with that way on
/// (`interrupted`), and a confirmed one goes like the resend would, replacing it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_off_send_is_resent_or_sent_again_only_when_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let fake = core.demo_server().unwrap();
    let stored = || fake.state().conversions(u64::from(COUNTER)).len();
    let before = stored();
    fake.faults().drop_next_upload_after(u64::MAX);
    let cut = core
        .upload_dto(
            &conversions_upload(&core, "offline_clientid.csv", true, false),
            "cut",
            no_progress_sink(),
        )
        .await
        .unwrap();
    let cut = cut.upload.unwrap();
    assert_eq!(cut.state, UploadState::Interrupted);
    let check = core
        .validate_dto(
            &conversions_upload(&core, "offline_clientid.csv", true, false).validate,
            "check",
            no_progress_sink(),
        )
        .await
        .unwrap();
    assert!(check.duplicate_cut_off, "the Check step says so");
    for only_new in [true, false] {
        let r = core
            .upload_dto(
                &conversions_upload(&core, "offline_clientid.csv", only_new, false),
                "again",
                no_progress_sink(),
            )
            .await;
        assert!(
            matches!(
                r,
                Err(mb_uploader::dto::AppError::Duplicate {
                    interrupted: true,
                    ..
                })
            ),
            "only_new {only_new}: {r:?}"
        );
    }
    assert_eq!(stored(), before, "nothing sent");
    let sent = core
        .upload_dto(
            &conversions_upload(&core, "offline_clientid.csv", true, true),
            "confirmed",
            no_progress_sink(),
        )
        .await
        .unwrap();
    assert_eq!(sent.outcome, mb_uploader::plan::OutcomeKind::Sent);
    assert_eq!(stored() - before, sent.new_rows as usize);
    let old = core.store().upload(i64::from(cut.id)).unwrap();
    assert!(
        old.superseded_by.is_some(),
        "no resend offered any more: {old:?}"
    );
}

/// Two sends of one export to one counter at once (a job's run beside the window): the
/// second waits for the first («Ждём: в этот счётчик…»), then finds its rows known and
/// sends nothing; Metrica gets each row once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sends_of_one_file_at_once_send_its_rows_once() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let fake = core.demo_server().unwrap();
    let size = std::fs::metadata(fixture("offline_clientid.csv"))
        .unwrap()
        .len();
    let before = fake.state().conversions(u64::from(COUNTER)).len() as u32;
    // A send takes about a second and a half: whichever takes the lock first, the other
    // waits for it.
    fake.faults().throttle_uploads(Some(size * 2 / 3));
    let staged = || {
        let stages = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = stages.clone();
        let sink: mb_uploader::ProgressSink = std::sync::Arc::new(move |p| {
            seen.lock().unwrap().push(p.stage);
        });
        (stages, sink)
    };
    let (stages_a, sink_a) = staged();
    let (stages_b, sink_b) = staged();
    let req = conversions_upload(&core, "offline_clientid.csv", true, false);
    let (a, b) = tokio::join!(
        core.upload_dto(&req, "a", sink_a),
        core.upload_dto(&req, "b", sink_b)
    );
    let mut ends = [(a.unwrap(), stages_a), (b.unwrap(), stages_b)];
    ends.sort_by_key(|(r, _)| r.outcome != mb_uploader::plan::OutcomeKind::Sent);
    let [(sent, _), (second, waited)] = ends;
    assert_eq!(
        sent.outcome,
        mb_uploader::plan::OutcomeKind::Sent,
        "{sent:?}"
    );
    assert_eq!(
        second.outcome,
        mb_uploader::plan::OutcomeKind::NothingNew,
        "{second:?}"
    );
    assert!(
        waited
            .lock()
            .unwrap()
            .contains(&mb_uploader::dto::Stage::Queued),
        "the second said it waits: {:?}",
        waited.lock().unwrap()
    );
    let stored = fake.state().conversions(u64::from(COUNTER)).len() as u32;
    assert_eq!(stored - before, sent.new_rows, "each row once");
}

/// A stop pressed while the review is shown (between preparing and sending: the CLI's Ctrl-C
/// at the «Отправим N строк» line, the window's stop button) stops the send: nothing leaves,
/// and the answer is «cancelled», not «sent». The first phase's token used to end with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_between_review_and_send_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let fake = core.demo_server().unwrap();
    let before = fake.state().conversions(u64::from(COUNTER)).len();
    let req = conversions_upload(&core, "offline_clientid.csv", true, false);
    let plan = core.plan(&req.validate, None, true, false).await.unwrap();
    let r = core
        .run_upload(&plan, "stopped", no_progress_sink(), |_| {
            core.cancel("stopped")
        })
        .await;
    assert!(
        matches!(r, Err(mb_uploader::dto::AppError::Cancelled)),
        "{:?}",
        r.map(|d| d.outcome)
    );
    assert_eq!(fake.state().conversions(u64::from(COUNTER)).len(), before);
    let h = core.store().uploads(&Default::default()).unwrap();
    assert!(h.is_empty(), "nothing recorded: {h:?}");
    // The next send under the same id is not stopped by the old cancel.
    let sent = core
        .upload_dto(&req, "stopped", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(sent.outcome, mb_uploader::plan::OutcomeKind::Sent);
    // Metrica is processing it: the follow-up (and the desktop's tray) counts it.
    assert_eq!(core.uploads_still_followed().unwrap(), 1);
}

/// A cut-off upload some of whose calls another upload delivered since (a file with some of
/// the same rows): its resend may count those twice, so it is refused in words
/// (`sent_since`); sending the file again sends only its new rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resend_of_rows_delivered_since_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let fake = core.demo_server().unwrap();
    // Calls Metrica took (the fake keeps no call rows, only each upload's count).
    let stored = || {
        fake.state()
            .uploads(u64::from(COUNTER))
            .iter()
            .map(|u| u.line_quantity as usize)
            .sum::<usize>()
    };
    let cut = cut_off(
        &core,
        &kind_upload(&core, UploadKind::Calls, "calls_clientid.csv", true, false),
    )
    .await;
    // Half an hour on, Metrica still does not list it: it never arrived (before that,
    // nothing that could repeat its calls goes).
    settle_absence(&core, cut.id);
    // Three of its five rows go in another file.
    let three = fixture_rows(dir.path(), "calls_clientid.csv", 3);
    let mut req = kind_upload(&core, UploadKind::Calls, "calls_clientid.csv", true, false);
    req.validate.path = three.display().to_string();
    let before = stored();
    let sent = core
        .upload_dto(&req, "three", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(sent.outcome, mb_uploader::plan::OutcomeKind::Sent);
    assert_eq!(stored() - before, 3);
    let r = core.resend_dto(cut.id, "resend", no_progress_sink()).await;
    assert!(
        matches!(&r, Err(mb_uploader::dto::AppError::InvalidInput { field, reason })
            if field == "upload" && reason == mb_uploader::error::SENT_SINCE),
        "{r:?}"
    );
    assert_eq!(stored() - before, 3, "nothing counted twice");
    // The upload that delivered them is no resend's business: said as such, not «sent since».
    let r = core
        .resend_dto(
            sent.upload.as_ref().unwrap().id,
            "resend-sent",
            no_progress_sink(),
        )
        .await;
    assert!(
        matches!(&r, Err(mb_uploader::dto::AppError::InvalidInput { field, reason })
            if field == "upload" && reason == mb_uploader::error::NOT_RESENDABLE),
        "{r:?}"
    );
    let again = core
        .upload_dto(
            &kind_upload(&core, UploadKind::Calls, "calls_clientid.csv", true, true),
            "again",
            no_progress_sink(),
        )
        .await
        .unwrap();
    assert_eq!(again.new_rows, 1, "{again:?}");
    assert_eq!(stored() - before, 4);
}

/// A cut-off conversions upload whose rows another upload delivered since with a corrected
/// amount: sending it again would put the old amount back over the new one (a conversion sent
/// again replaces itself), so its resend is refused in words, and Metrica keeps the new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resend_that_would_put_an_old_amount_back_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let fake = core.demo_server().unwrap();
    let cut = cut_off(
        &core,
        &conversions_upload(&core, "offline_clientid.csv", true, false),
    )
    .await;
    // Three of its five rows go again, one with its amount corrected: the cut one is not
    // wholly covered, so it stays to be resent, and its resend is what is refused.
    let three = std::fs::read_to_string(conversions_rows(dir.path(), 3)).unwrap();
    let corrected = dir.path().join("corrected.csv");
    std::fs::write(&corrected, three.replace("18450.00", "18990.00")).unwrap();
    let mut req = conversions_upload(&core, "offline_clientid.csv", true, true);
    req.validate.path = corrected.display().to_string();
    let sent = core
        .upload_dto(&req, "corrected", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(
        sent.outcome,
        mb_uploader::plan::OutcomeKind::Sent,
        "{sent:?}"
    );
    let r = core.resend_dto(cut.id, "resend", no_progress_sink()).await;
    assert!(
        matches!(&r, Err(mb_uploader::dto::AppError::InvalidInput { field, reason })
            if field == "upload" && reason == mb_uploader::error::SENT_SINCE),
        "{r:?}"
    );
    let prices = stored_prices(fake);
    assert!(prices.iter().any(|p| p.starts_with("18990")), "{prices:?}");
    assert!(!prices.iter().any(|p| p.starts_with("18450")), "{prices:?}");
}

/// A cut-off upload whose every row a later one carried, some with other values: it is
/// replaced by that one in History (no «Отправить заново» that the core would refuse).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_off_upload_carried_whole_with_other_values_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let cut = cut_off(
        &core,
        &conversions_upload(&core, "offline_clientid.csv", true, false),
    )
    .await;
    let all = std::fs::read_to_string(fixture("offline_clientid.csv")).unwrap();
    let corrected = dir.path().join("corrected.csv");
    std::fs::write(&corrected, all.replace("18450.00", "18990.00")).unwrap();
    let mut req = conversions_upload(&core, "offline_clientid.csv", true, true);
    req.validate.path = corrected.display().to_string();
    let sent = core
        .upload_dto(&req, "corrected", no_progress_sink())
        .await
        .unwrap();
    let by = sent.upload.as_ref().expect("sent").id;
    let old = core.store().upload(i64::from(cut.id)).unwrap();
    assert_eq!(old.superseded_by, Some(i64::from(by)), "{old:?}");
    assert!(!old.is_resendable());
}

/// An amount corrected in the CRM after the conversion went: Metrica rewrites a conversion's
/// amount when the same row comes again (its API FAQ), so «только новые» sends the corrected
/// row, and Metrica ends with the new amount (it was left out: «Metrica keeps the earlier
/// values», which the FAQ contradicts).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversion_sent_before_with_another_amount_goes_again_and_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let fake = core.demo_server().unwrap();
    let first = core
        .upload_dto(
            &conversions_upload(&core, "offline_clientid.csv", true, false),
            "first",
            no_progress_sink(),
        )
        .await
        .unwrap();
    assert_eq!(first.outcome, mb_uploader::plan::OutcomeKind::Sent);
    let stored = || fake.state().conversions(u64::from(COUNTER)).len();
    let before = stored();
    let all = std::fs::read_to_string(fixture("offline_clientid.csv")).unwrap();
    let corrected = all.replace("18450.00", "18990.00");
    assert_ne!(corrected, all);
    let file = dir.path().join("corrected.csv");
    std::fs::write(&file, corrected).unwrap();
    let mut req = conversions_upload(&core, "offline_clientid.csv", true, false);
    req.validate.path = file.display().to_string();
    let check = core
        .validate_dto(&req.validate, "check", no_progress_sink())
        .await
        .unwrap();
    assert_eq!((check.known_rows, check.changed_rows), (4, 0), "{check:?}");
    // The one row that goes is a correction, said apart from the new ones.
    assert_eq!((check.new_rows, check.corrected_rows), (1, 1), "{check:?}");
    assert_eq!(check.outdated_rows, 0, "{check:?}");
    let sent = core
        .upload_dto(&req, "corrected", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(
        sent.outcome,
        mb_uploader::plan::OutcomeKind::Sent,
        "{sent:?}"
    );
    assert_eq!((sent.new_rows, sent.unchanged_rows), (1, 4), "{sent:?}");
    assert_eq!(sent.corrected_rows, 1, "{sent:?}");
    assert_eq!(stored(), before, "replaced, not added");
    // History says what the result screen said of the rows, not only Metrica's counts.
    let id = sent.upload.as_ref().expect("recorded").id;
    let said = explained(&core, i64::from(id));
    assert!(
        said.contains(&("rows_corrected", Some(1)))
            && said.contains(&("rows_known_left_out", Some(4))),
        "{said:?}"
    );
    let prices = stored_prices(fake);
    assert!(prices.iter().any(|p| p.starts_with("18990")), "{prices:?}");
    assert!(!prices.iter().any(|p| p.starts_with("18450")), "{prices:?}");

    // The first file picked again: its amount is OLDER than the one Metrica has now (a later
    // upload replaced it). «Только новые» does not send it back, and says so; not «new».
    let old = conversions_upload(&core, "offline_clientid.csv", true, false);
    let check = core
        .validate_dto(&old.validate, "old", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(
        (check.new_rows, check.corrected_rows, check.outdated_rows),
        (0, 0, 1),
        "{check:?}"
    );
    let again = core
        .upload_dto(&old, "old", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(
        (again.outcome, again.new_rows, again.outdated_rows),
        (mb_uploader::plan::OutcomeKind::NothingNew, 0, 1),
        "{again:?}"
    );
    let prices = stored_prices(fake);
    assert!(prices.iter().any(|p| p.starts_with("18990")), "{prices:?}");
    assert!(!prices.iter().any(|p| p.starts_with("18450")), "{prices:?}");
    // Every row, confirmed: the user chose it, and the result says which values went back.
    let all_rows = conversions_upload(&core, "offline_clientid.csv", false, true);
    let forced = core
        .upload_dto(&all_rows, "all", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(
        (forced.outcome, forced.outdated_rows),
        (mb_uploader::plan::OutcomeKind::Sent, 1),
        "{forced:?}"
    );
    // History keeps what that result said: the rows that went again, the earlier value among
    // them put back.
    let id = forced.upload.as_ref().expect("recorded").id;
    let said = explained(&core, i64::from(id));
    assert!(
        said.contains(&("rows_sent_again", Some(5)))
            && said.contains(&("rows_outdated_sent", Some(1)))
            && !said.iter().any(|(c, _)| *c == "rows_known_left_out"),
        "{said:?}"
    );
}

/// A call's amount corrected after it went: no page says Metrica replaces a call sent again,
/// so «только новые» leaves it out (it may count twice) and says so apart from the unchanged
/// rows, in the Check step and in the result, instead of calling it «already in Metrica».
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_sent_before_with_another_amount_is_said_apart() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let first = core
        .upload_dto(
            &kind_upload(&core, UploadKind::Calls, "calls_clientid.csv", true, false),
            "first",
            no_progress_sink(),
        )
        .await
        .unwrap();
    assert_eq!(
        first.outcome,
        mb_uploader::plan::OutcomeKind::Sent,
        "{first:?}"
    );
    let all = std::fs::read_to_string(fixture("calls_clientid.csv")).unwrap();
    let corrected = all.replacen(",2500,RUB", ",2700,RUB", 1);
    assert_ne!(corrected, all);
    let file = dir.path().join("corrected.csv");
    std::fs::write(&file, corrected).unwrap();
    let mut req = kind_upload(&core, UploadKind::Calls, "calls_clientid.csv", true, false);
    req.validate.path = file.display().to_string();
    let check = core
        .validate_dto(&req.validate, "check", no_progress_sink())
        .await
        .unwrap();
    let valid = check.valid_rows;
    assert_eq!(
        (check.known_rows, check.changed_rows),
        (valid, 1),
        "{check:?}"
    );
    let sent = core
        .upload_dto(&req, "corrected", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(sent.outcome, mb_uploader::plan::OutcomeKind::NothingNew);
    assert_eq!(
        (sent.unchanged_rows, sent.changed_rows),
        (valid, 1),
        "{sent:?}"
    );
}

/// A job's folder or file given as a relative path (typed into the window's field) is refused
/// in words: the scheduler starts its runs from another folder, where it finds nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_with_a_relative_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let job = |source: serde_json::Value| -> mb_uploader::jobs::Job {
        serde_json::from_value(serde_json::json!({
            "name": "shop", "account_login": "", "counter_id": COUNTER,
            "kind": "conversions",
            "spec": { "mapping": { "kind": "conversions", "fields": {}, "signature": "" } },
            "source": source,
            "every": null, "paused": false, "created_at": "2026-12-01T00:00:00Z"
        }))
        .unwrap()
    };
    // A folder that exists here, relative to this process's working folder.
    let here = std::env::current_dir().unwrap();
    let relative = std::fs::read_dir(&here)
        .unwrap()
        .flatten()
        .find(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .expect("a folder beside the tests");
    for (source, field) in [
        (
            serde_json::json!({ "type": "folder", "folder": relative, "pattern": "*.csv" }),
            "folder",
        ),
        (
            serde_json::json!({ "type": "file", "path": "exports/orders.csv" }),
            "path",
        ),
    ] {
        let r = core.save_job(job(source));
        assert!(
            matches!(&r, Err(mb_uploader::dto::AppError::InvalidInput { field: f, reason })
                if f == field && reason == "relative"),
            "{r:?}"
        );
    }
    let absolute = dir.path().to_path_buf();
    core.save_job(job(
        serde_json::json!({ "type": "folder", "folder": absolute, "pattern": "*.csv" }),
    ))
    .expect("a full path is kept");
}

/// Only new calls while a cut-off send of them cannot be looked up (Metrica's quota, its
/// servers, the network): its rows are unknown to the ledger and would go twice if Metrica has
/// them (a conversion sent again replaces itself: those go). The send stops with that trouble and nothing leaves; the cut-off one stays a
/// question (not «replaced»).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_new_rows_stop_while_a_cut_off_send_cannot_be_looked_up() {
    only_new_rows_stop_while_the_look_up_fails(false).await;
}

/// The same for a send left «sending» by a process that died (a crash, a power cut): it is
/// looked up like an interrupted one, and a failed look-up stops only-new rows too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_new_rows_stop_while_a_dead_sending_cannot_be_looked_up() {
    only_new_rows_stop_while_the_look_up_fails(true).await;
}

async fn only_new_rows_stop_while_the_look_up_fails(dead_sending: bool) {
    let dir = tempfile::tempdir().unwrap();
    let core = std::sync::Arc::new(demo(&dir).await);
    let fake = core.demo_server().unwrap();
    let cut = cut_off(
        &core,
        &kind_upload(&core, UploadKind::Calls, "calls_clientid.csv", true, false),
    )
    .await;
    if dead_sending {
        // As a process that died mid-send leaves it: «sending», owned by no live session.
        rusqlite::Connection::open(core.paths().database())
            .unwrap()
            .execute(
                "UPDATE uploads SET state = 'sending', sending_owner = 'gone' WHERE id = ?1",
                [cut.id],
            )
            .unwrap();
    }
    let before = fake.state().uploads(u64::from(COUNTER)).len();

    // Hold the counter's send lock, so the next upload waits right before its look-ups.
    let never = mb_api::CancellationToken::new();
    let held = mb_uploader::send_lock::SendLock::take(
        &core.paths().locks(),
        COUNTER,
        UploadKind::Calls,
        &never,
        || {},
    )
    .await
    .unwrap();
    let queued = std::sync::Arc::new(tokio::sync::Notify::new());
    let q = queued.clone();
    let sink: mb_uploader::ProgressSink = std::sync::Arc::new(move |p| {
        if p.stage == mb_uploader::dto::Stage::Queued {
            q.notify_one();
        }
    });
    let three = fixture_rows(dir.path(), "calls_clientid.csv", 3);
    let mut req = kind_upload(&core, UploadKind::Calls, "calls_clientid.csv", true, false);
    req.validate.path = three.display().to_string();
    let c = core.clone();
    let next = tokio::spawn(async move { c.upload_dto(&req, "next", sink).await });
    queued.notified().await;
    // The look-up meets the account's daily quota.
    fake.faults().rate_limit_next(1, mb_fake::QuotaKind::ByUid);
    drop(held);
    let r = next.await.unwrap();
    assert!(
        matches!(r, Err(mb_uploader::dto::AppError::QuotaExceeded { .. })),
        "{r:?}"
    );
    assert_eq!(fake.state().uploads(u64::from(COUNTER)).len(), before);
    let cut = core.store().upload(i64::from(cut.id)).unwrap();
    assert_eq!(cut.superseded_by, None);
}

/// A job's file that changes while the run reads it (the CRM still writing its export) is
/// left for the next run, and the run says so («Файл ещё записывался»), not «Новых строк
/// нет»: it was not read at all. The next run takes it whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_file_still_being_written_is_deferred_not_nothing_new() {
    let dir = tempfile::tempdir().unwrap();
    let core = std::sync::Arc::new(demo_jobs(&dir).await);
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    let file = exports.join("sales.csv");
    let all = std::fs::read_to_string(fixture("offline_clientid.csv")).unwrap();
    let lines: Vec<&str> = all.lines().collect();
    std::fs::write(&file, lines[..3].join("\n") + "\n").unwrap();
    let mut req = conversions_upload(&core, "offline_clientid.csv", true, false);
    req.validate.path = file.display().to_string();
    let sent = core
        .upload_dto(&req, "u1", no_progress_sink())
        .await
        .unwrap()
        .upload
        .expect("sent");
    job_from(&core, sent.id, "shop", &exports);
    let opts = RUN_NOW;
    // The export grows; the run is held at the counter's send lock while the CRM writes on.
    std::fs::write(&file, lines[..4].join("\n") + "\n").unwrap();
    let never = mb_api::CancellationToken::new();
    let held = mb_uploader::send_lock::SendLock::take(
        &core.paths().locks(),
        COUNTER,
        UploadKind::Conversions,
        &never,
        || {},
    )
    .await
    .unwrap();
    let c = core.clone();
    let run = tokio::spawn(async move { c.run_job("shop", opts).await });
    // The run has picked the file (in milliseconds) and waits at the lock.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    drop(held);
    let run = run.await.unwrap().unwrap().run.expect("ran");
    assert_eq!(run.result, mb_history::RunResult::Deferred, "{run:?}");
    assert_eq!(run.rows_new, 0);
    // The next run takes the whole export: the three rows that were not sent yet.
    let next = core.run_job("shop", opts).await.unwrap().run.expect("ran");
    assert_eq!(
        (next.result, next.rows_new, next.rows_unchanged),
        (mb_history::RunResult::Sent, 3, 2),
        "{next:?}"
    );
}

/// An export the CRM paused in the middle of its last row, longer than the usual wait: a text
/// file that does not end with a line end must be still six times longer before a run reads
/// it. The run takes the whole file once it is written (the cut row went without its amount,
/// or with `…,49` of `…,4990`, and the run said «Отправлено»); a finished file saved without a
/// line end still goes, after the longer wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_file_cut_in_the_middle_of_a_row_waits_for_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let settle = std::time::Duration::from_millis(300);
    let core = std::sync::Arc::new(
        Core::start(CoreOptions {
            data_dir: Some(dir.path().to_path_buf()),
            demo: Some(true),
            file_settle: Some(settle),
            ..CoreOptions::default()
        })
        .await
        .unwrap(),
    );
    let fake = core.demo_server().unwrap();
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    let file = exports.join("sales.csv");
    let all = std::fs::read_to_string(fixture("offline_clientid.csv")).unwrap();
    let lines: Vec<&str> = all.lines().collect();
    std::fs::write(&file, lines[..3].join("\n") + "\n").unwrap();
    let mut req = conversions_upload(&core, "offline_clientid.csv", true, false);
    req.validate.path = file.display().to_string();
    let sent = core
        .upload_dto(&req, "u1", no_progress_sink())
        .await
        .unwrap()
        .upload
        .expect("sent");
    job_from(&core, sent.id, "shop", &exports);
    // The next row is written up to the middle of its last cell: all its cells are there
    // («RUB» is still «R»).
    let fourth = lines[3];
    let cut = &fourth[..fourth.len() - 2];
    std::fs::write(&file, lines[..3].join("\n") + "\n" + cut).unwrap();
    let c = core.clone();
    let run = tokio::spawn(async move { c.run_job("shop", RUN_NOW).await });
    // Longer than the usual wait, shorter than the open end's: the CRM writes the rest.
    tokio::time::sleep(settle * 3).await;
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let run = run.await.unwrap().unwrap().run.expect("ran");
    assert_eq!(
        (run.result, run.rows_new),
        (mb_history::RunResult::Sent, 3),
        "{run:?}"
    );
    let stored = fake.state().conversions(u64::from(COUNTER));
    let whole = fourth.split(',').nth(3).unwrap();
    assert!(
        stored
            .iter()
            .any(|r| r.price.as_deref() == Some(whole) && r.currency.as_deref() == Some("RUB")),
        "{stored:?}"
    );
    // A finished file without a line end at its end goes, after the longer wait.
    let more = format!(
        "{}\n1762345098123499999,offline_paid,1794639600,100.00,RUB",
        all.trim_end()
    );
    std::fs::write(&file, more).unwrap();
    let last = ran(&core, "shop").await;
    assert_eq!(
        (last.result, last.rows_new),
        (mb_history::RunResult::Sent, 1),
        "{last:?}"
    );
}

/// A file with rows in error sent in parts: the whole file's counts (its rows, the rows left
/// out for errors, its issues) are told once, on the first part, so History and its CSV
/// export add up to the file (the rejected rows were repeated on every part).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_sent_in_parts_counts_its_rejected_rows_once() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo_in_parts(&dir).await;
    let all = std::fs::read_to_string(fixture("offline_clientid.csv")).unwrap();
    let mut lines: Vec<String> = all.lines().take(4).map(str::to_string).collect();
    lines.push("1762101987654321098,offline_paid,not a date,1,RUB".into());
    lines.push("not an id,offline_paid,1794297900,1,RUB".into());
    let file = dir.path().join("with-errors.csv");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let sent = send_in_parts(&core, &file).await;
    assert_eq!(sent.outcome, mb_uploader::OutcomeKind::Sent, "{sent:?}");
    let parts = &sent.parts;
    assert_eq!(parts.len(), 3, "{parts:?}");
    assert_eq!(parts.iter().map(|p| p.valid_rows).sum::<u32>(), 3);
    assert_eq!(parts.iter().map(|p| p.rows).sum::<u32>(), 5, "{parts:?}");
    let stored: Vec<_> = parts
        .iter()
        .map(|p| core.store().upload(i64::from(p.id)).unwrap())
        .collect();
    assert_eq!(stored.iter().map(|u| u.rows.rejected).sum::<u64>(), 2);
    assert_eq!(stored[0].rows.rejected, 2, "on the first part");
    assert!(stored[0].issues.errors > 0);
    assert_eq!(stored[1].issues, Default::default());
}

/// The Check step's count of rows Metrica has does not wait for a send going to the counter
/// (a job's run of a big file): it decides nothing, and the send counts again under the lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_does_not_wait_for_a_send_to_the_counter() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let req = conversions_upload(&core, "offline_clientid.csv", true, false);
    core.upload_dto(&req, "first", no_progress_sink())
        .await
        .unwrap();
    let never = mb_api::CancellationToken::new();
    let _held = mb_uploader::send_lock::SendLock::take(
        &core.paths().locks(),
        COUNTER,
        UploadKind::Conversions,
        &never,
        || {},
    )
    .await
    .unwrap();
    let check = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        core.validate_dto(&req.validate, "check", no_progress_sink()),
    )
    .await
    .expect("not held behind the send")
    .unwrap();
    assert_eq!(check.known_rows, 5);
}

/// A job's run whose export has amounts corrected since the rows went: the conversion goes
/// again (Metrica rewrites its amount); the call does not (it may count twice), and the run
/// says it apart instead of only «nothing new»; `mbridge jobs run` and the Clients card read
/// it from the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_run_sends_a_corrected_conversion_and_says_a_corrected_call_apart() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo_jobs(&dir).await;
    for (kind, name, from, to, job) in [
        (
            UploadKind::Conversions,
            "offline_clientid.csv",
            "18450.00",
            "18990.00",
            "shop",
        ),
        (
            UploadKind::Calls,
            "calls_clientid.csv",
            ",2500,RUB",
            ",2700,RUB",
            "calls",
        ),
    ] {
        let exports = dir.path().join(job);
        std::fs::create_dir(&exports).unwrap();
        let sent = core
            .upload_dto(
                &kind_upload(&core, kind, name, true, false),
                "first",
                no_progress_sink(),
            )
            .await
            .unwrap()
            .upload
            .expect("sent");
        job_from(&core, sent.id, job, &exports);
        let all = std::fs::read_to_string(fixture(name)).unwrap();
        std::fs::write(exports.join("sales.csv"), all.replacen(from, to, 1)).unwrap();
        let report = core.run_job(job, RUN_NOW).await.unwrap();
        let run = report.run.expect("ran");
        let view = core.job_runs(job, 10).unwrap();
        let view = mb_uploader::overview::run_view(&view[0]);
        if kind == UploadKind::Conversions {
            assert_eq!(run.result, mb_history::RunResult::Sent, "{run:?}");
            assert_eq!((run.rows_new, run.rows_changed()), (1, 0), "{run:?}");
            // The one «new» row is a correction, and the run says so.
            assert_eq!(
                (run.rows_corrected(), view.rows_corrected),
                (1, 1),
                "{run:?}"
            );
            assert_eq!(view.rows_changed, 0);
        } else {
            assert_eq!(run.result, mb_history::RunResult::NothingNew, "{run:?}");
            assert_eq!(run.rows_changed(), 1, "{run:?}");
            assert_eq!(view.rows_changed, 1);
        }
    }
}

/// «Отправить заново» on the result whose resend stops (here the sign-in runs out as the file
/// arrives): the result shows the new row, failed and to be sent again, with the error; not the
/// replaced part, which could no longer be resent («уже отправлена заново»).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resend_from_the_result_that_stops_shows_its_new_row_with_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let fake = core.demo_server().unwrap();
    fake.faults().drop_next_upload_after(u64::MAX);
    let first = core
        .upload_dto(
            &conversions_upload(&core, "offline_clientid.csv", true, false),
            "cut",
            no_progress_sink(),
        )
        .await
        .unwrap();
    let cut = first.upload.clone().unwrap();
    assert_eq!(cut.state, UploadState::Interrupted);
    fake.faults().expire_token_at_upload(1);
    let r = core
        .resend_part_dto(first, cut.id, "again", no_progress_sink())
        .await
        .unwrap();
    assert!(
        matches!(
            r.error,
            Some(mb_uploader::dto::AppError::TokenExpired { .. })
        ),
        "{r:?}"
    );
    let shown = r.upload.as_ref().unwrap();
    assert_ne!(shown.id, cut.id, "the new row, not the replaced one");
    assert_eq!(shown.state, UploadState::Failed);
    assert_eq!(r.parts.iter().map(|p| p.id).collect::<Vec<_>>(), [shown.id]);
    assert_ne!(r.outcome, mb_uploader::plan::OutcomeKind::Sent);
}

/// «Каждый новый файл по очереди», chosen in the window: a run takes every file the job has
/// not taken, oldest first, so the newer amount is the one Metrica keeps (a conversion sent
/// again replaces the first); the next run has nothing new.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_taking_each_new_file_sends_them_oldest_first_once() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo_jobs(&dir).await;
    let exports = dir.path().join("daily");
    std::fs::create_dir(&exports).unwrap();
    let sent = core
        .upload_dto(
            &kind_upload(
                &core,
                UploadKind::Conversions,
                "offline_clientid.csv",
                true,
                false,
            ),
            "first",
            no_progress_sink(),
        )
        .await
        .unwrap()
        .upload
        .expect("sent");
    let mut draft = core.job_draft(i64::from(sent.id)).unwrap();
    assert!(!draft.each_new_file, "the newest file is the default");
    draft.name = "daily".into();
    draft.folder = exports.display().to_string();
    draft.each_new_file = true;
    let job = core.create_job_from_upload(&draft).unwrap();
    assert!(job.each_new_file);

    // Nothing in the folder yet: said with what to look at, not only «Файла нет».
    let empty = ran(&core, "daily").await;
    assert_eq!(empty.result, mb_history::RunResult::NoFile, "{empty:?}");
    assert_eq!(
        empty.message.as_deref(),
        Some(mb_uploader::jobs::NO_MATCHING_FILE)
    );
    let all = std::fs::read_to_string(fixture("offline_clientid.csv")).unwrap();
    let now = std::time::SystemTime::now();
    // Named against their age, so the order can only come from the times.
    for (name, price, age) in [("b.csv", "18990.00", 7200), ("a.csv", "19500.00", 3600)] {
        let path = exports.join(name);
        std::fs::write(&path, all.replacen("18450.00", price, 1)).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(now - std::time::Duration::from_secs(age))
            .unwrap();
    }
    let run = ran(&core, "daily").await;
    assert_eq!(run.result, mb_history::RunResult::Sent, "{run:?}");
    assert_eq!(run.files, ["b.csv", "a.csv"], "{run:?}");
    let prices = stored_prices(core.demo_server().unwrap());
    assert!(
        prices.contains(&"19500.00".to_string()) && !prices.contains(&"18990.00".to_string()),
        "the newer file's amount stays: {prices:?}"
    );
    let again = ran(&core, "daily").await;
    assert_eq!(again.result, mb_history::RunResult::NothingNew, "{again:?}");
    // Said as what it waits for: another file, not a change to this one.
    assert_eq!(
        again.message.as_deref(),
        Some(mb_uploader::jobs::NO_NEW_FILE)
    );
    // A later file puts back the amount Metrica had before the newest one. An older export
    // copied into the folder (newest by its file time only) looks exactly like this, and so
    // does a correction undone in the CRM: the row is held back as an older value and the run
    // counts it apart (sending it would undo the correction and call that a correction).
    std::fs::write(
        exports.join("c.csv"),
        all.replacen("18450.00", "18990.00", 1),
    )
    .unwrap();
    let older = ran(&core, "daily").await;
    assert_eq!(
        (older.result, older.rows_corrected(), older.rows_outdated()),
        (mb_history::RunResult::NothingNew, 0, 1),
        "{older:?}"
    );
    let prices = stored_prices(core.demo_server().unwrap());
    assert!(
        prices.contains(&"19500.00".to_string()) && !prices.contains(&"18990.00".to_string()),
        "the corrected amount stays: {prices:?}"
    );
    // A value Metrica never had is a correction, whatever else the file holds: it goes, the
    // earlier value beside it still does not.
    std::fs::write(
        exports.join("d.csv"),
        all.replacen("18450.00", "18990.00", 1)
            .replacen("7200.50", "7250.50", 1),
    )
    .unwrap();
    let late = ran(&core, "daily").await;
    assert_eq!(
        (late.result, late.rows_corrected(), late.rows_outdated()),
        (mb_history::RunResult::Sent, 1, 1),
        "{late:?}"
    );
    // History tells the held-back row apart from the rows Metrica has as they are.
    let said = explained(&core, late.upload_ids[0]);
    assert!(
        said.contains(&("rows_corrected", Some(1)))
            && said.contains(&("rows_outdated_left_out", Some(1)))
            && said.contains(&("rows_known_left_out", Some(4))),
        "{said:?}"
    );
    let prices = stored_prices(core.demo_server().unwrap());
    assert!(
        prices.contains(&"7250.50".to_string())
            && prices.contains(&"19500.00".to_string())
            && !prices.contains(&"18990.00".to_string()),
        "{prices:?}"
    );
}

/// A file sent in parts whose second part stopped (the sign-in ran out): sent again, the
/// correction in that part goes. (The accepted first part of this very file says nothing of
/// the rows Metrica never got.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correction_in_a_part_that_failed_goes_when_the_file_is_sent_again() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo_in_parts(&dir).await;
    let fake = core.demo_server().unwrap();
    let b = conversions_rows(dir.path(), 3);
    let first = send_in_parts(&core, &b).await;
    assert_eq!(first.parts.len(), 3, "{first:?}");
    let text = std::fs::read_to_string(&b).unwrap();
    let a = dir.path().join("a.csv");
    std::fs::write(
        &a,
        text.replace("7200.50", "7300.50")
            .replace(",125000,", ",126000,"),
    )
    .unwrap();
    fake.faults().expire_token_at_upload(2);
    let req = path_upload(&core, UploadKind::Conversions, &a, true, false);
    let v = req.validate.clone();
    let partly = core
        .upload_dto(&req, "a1", no_progress_sink())
        .await
        .unwrap();
    assert!(
        partly.error.is_some(),
        "the second part stopped: {partly:?}"
    );
    // A new session (signed in again): the history and the ledger stay.
    drop(core);
    let core = demo_in_parts(&dir).await;
    let fake = core.demo_server().unwrap();
    // The correction that never arrived is a correction, not an older value: the first part
    // of this very file was accepted, which says nothing of the rows of the part that failed.
    let check = core
        .validate_dto(&v, "check", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(check.outdated_rows, 0, "{check:?}");
    assert!(check.corrected_rows >= 1, "{check:?}");
    let again = core
        .upload_dto(&req, "a2", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(again.outdated_rows, 0, "{again:?}");
    let prices = stored_prices(fake);
    assert!(
        prices.iter().any(|p| p.starts_with("126000")),
        "the correction never went: {prices:?}"
    );
}

/// Metrica lists an upload from its answer on, and a big file's answer can come long after its
/// send began: a send of calls cut off while its answer was being made is missing from the
/// list at first. Nothing that could repeat its calls goes then (they would count twice): not
/// the grown export, not the same file confirmed, not its resend; each says when to try
/// again; other calls go. Once Metrica lists it, the grown export's new rows go, and only they.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_of_a_cut_off_send_metrica_does_not_list_yet_never_go_twice() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let fake = core.demo_server().unwrap();
    let calls = || {
        fake.state()
            .request_log()
            .iter()
            .filter(|r| r.method == "POST" && r.path.contains("calls"))
            .count()
    };
    let first = fixture("calls_clientid.csv");
    let grown = dir.path().join("calls-grown.csv");
    std::fs::write(
        &grown,
        std::fs::read_to_string(&first).unwrap()
            + "1762345098123456789,1795105010,+74951234567,60,3,0,0,,https://shop.example.ru/,https://calltracker.example.com/calls/89100,0,,\n",
    )
    .unwrap();
    fake.faults().answer_next_upload_late();
    let cut = core
        .upload_dto(
            &kind_upload(&core, UploadKind::Calls, "calls_clientid.csv", true, false),
            "cut",
            no_progress_sink(),
        )
        .await
        .unwrap()
        .upload
        .unwrap();
    assert_eq!(cut.state, UploadState::Interrupted, "its answer never came");
    let posts = calls();
    let refused = |r: Result<_, mb_uploader::dto::AppError>, what: &str| match r {
        Err(mb_uploader::dto::AppError::CutOffUnsettled {
            upload_id,
            look_again_at,
            ..
        }) => {
            assert_eq!(upload_id, cut.id, "{what}");
            let at: jiff::Timestamp = look_again_at.parse().unwrap();
            assert!(at > jiff::Timestamp::now(), "{what}: a time ahead, {at}");
        }
        other => panic!("{what}: {other:?}"),
    };
    let grown_only_new = path_upload(&core, UploadKind::Calls, &grown, true, false);
    refused(
        core.upload_dto(&grown_only_new, "grown", no_progress_sink())
            .await
            .map(|_| ()),
        "the grown export",
    );
    refused(
        core.upload_dto(
            &kind_upload(&core, UploadKind::Calls, "calls_clientid.csv", false, true),
            "again",
            no_progress_sink(),
        )
        .await
        .map(|_| ()),
        "the same file, confirmed",
    );
    refused(
        core.resend_dto(cut.id, "resend", no_progress_sink())
            .await
            .map(|_| ()),
        "its resend",
    );
    assert_eq!(calls(), posts, "nothing more went");
    // Other calls go meanwhile.
    let other = dir.path().join("calls-other.csv");
    std::fs::write(
        &other,
        "ClientId,DateTime,PhoneNumber,TalkDuration\n1762101987654321098,1795205010,+74951234567,30\n",
    )
    .unwrap();
    let r = core
        .upload_dto(
            &path_upload(&core, UploadKind::Calls, &other, true, false),
            "other",
            no_progress_sink(),
        )
        .await
        .unwrap();
    assert_eq!(r.outcome, mb_uploader::plan::OutcomeKind::Sent, "{r:?}");

    // Metrica's answer is made: the upload is listed, found, and its calls known.
    fake.faults().list_late_uploads();
    // The next start (or `mbridge status`) finds it without waiting for a send.
    let found = core.reconcile().await.unwrap();
    assert!(
        found
            .iter()
            .any(|u| u.id == i64::from(cut.id) && u.state.is_accepted()),
        "{found:?}"
    );
    let r = core
        .upload_dto(&grown_only_new, "later", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(r.outcome, mb_uploader::plan::OutcomeKind::Sent, "{r:?}");
    assert_eq!(r.unchanged_rows, 4, "{r:?}");
    assert!(
        core.store()
            .upload(i64::from(cut.id))
            .unwrap()
            .state
            .is_accepted()
    );
    assert_eq!(calls_on_metrica(fake), 4 + 1 + 1, "each call once");
}

/// A send of calls cut off before Metrica kept it: its resend waits until two look-ups half an
/// hour apart have not found it, then goes once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_off_send_of_calls_is_resent_once_its_absence_is_settled() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let fake = core.demo_server().unwrap();
    fake.faults().drop_next_upload_after(u64::MAX);
    let cut = core
        .upload_dto(
            &kind_upload(&core, UploadKind::Calls, "calls_clientid.csv", true, false),
            "cut",
            no_progress_sink(),
        )
        .await
        .unwrap()
        .upload
        .unwrap();
    assert_eq!(cut.state, UploadState::Interrupted);
    let r = core.resend_dto(cut.id, "resend", no_progress_sink()).await;
    assert!(
        matches!(r, Err(mb_uploader::dto::AppError::CutOffUnsettled { .. })),
        "{r:?}"
    );
    settle_absence(&core, cut.id);
    let resent = core
        .resend_dto(cut.id, "resend-later", no_progress_sink())
        .await
        .unwrap();
    assert!(resent.state != UploadState::Interrupted, "{resent:?}");
    assert_eq!(calls_on_metrica(fake), 4, "each call once");
}

/// Calls in the demo's Metrica for the counter, over every upload of them (a call sent twice
/// counts twice).
fn calls_on_metrica(fake: &mb_fake::FakeServer) -> u64 {
    fake.state()
        .uploads(u64::from(COUNTER))
        .iter()
        .filter(|u| u.kind == mb_fake::UploadType::Calls)
        .map(|u| u.line_quantity)
        .sum()
}

/// A look-up that missed upload `id` two hours ago (the history's clock is the system's): the
/// next look-up that misses it settles that it never arrived.
fn settle_absence(core: &Core, id: u32) {
    let two_hours_ago = jiff::Timestamp::now().as_millisecond() - 2 * 3600 * 1000;
    rusqlite::Connection::open(core.paths().database())
        .unwrap()
        .execute(
            "INSERT INTO absent_lookups (upload_id, first_at, last_at) VALUES (?1, ?2, ?2) \
             ON CONFLICT (upload_id) DO UPDATE SET first_at = excluded.first_at",
            rusqlite::params![i64::from(id), two_hours_ago],
        )
        .unwrap();
}

/// A simple order's «Другое» sends the value as one of the counter's goal identifiers, so a
/// word the wording says nothing about is never preset to it (it would fail the check), while
/// a value written like a goal identifier is, and a choice remembered for the counter wins; the
/// check of a status that is no type and no goal suggests no «Другое».
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_simple_orders_status_is_never_preset_to_a_goal_it_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let file = dir.path().join("orders-1c.csv");
    std::fs::write(
        &file,
        "id,create_date_time,client_ids,order_status,revenue\n\
         A-1,2026-11-20 10:00:00,1762345098123456789,Отгружен,1500\n\
         A-2,2026-11-20 11:00:00,1762101987654321098,refund_requested,900\n\
         A-4,2026-11-20 13:00:00,1762101987654321098,Возврат частично,900\n",
    )
    .unwrap();
    // The user chose «Цель счётчика» `good_lead` for «Особый» before.
    core.store()
        .save_status_map(
            i64::from(COUNTER),
            &[mb_history::StatusMapEntry {
                crm_value: "Особый".into(),
                status_type: OrderStatusType::Other,
                status_id: "good_lead".into(),
                humanized: "Особый".into(),
                goal_ids: vec![],
            }],
        )
        .unwrap();
    let read = ReadOverrides::default();
    let mapping = core
        .suggest_mapping(&file, &read, UploadKind::SimpleOrders, &[])
        .unwrap();
    let values = core
        .status_values_dto(&file, &read, &mapping, Some(COUNTER))
        .unwrap();
    let of = |v: &str| values.iter().find(|x| x.value == v).unwrap().clone();
    assert_eq!(of("Отгружен").suggested_type, OrderStatusType::Paid);
    let goal_like = of("refund_requested");
    assert_eq!(goal_like.suggested_type, OrderStatusType::Other);
    assert!(goal_like.guessed, "marked «проверьте»: {goal_like:?}");
    assert_eq!(
        of("Возврат частично").suggested_type,
        OrderStatusType::InProgress
    );
    // Chosen «Другое» for a value that is no goal: the check says why it does not go, and
    // suggests no «Другое».
    let entries = vec![StatusMapEntry {
        value: "refund_requested".into(),
        status_type: OrderStatusType::Other,
        status_id: "refund_requested".into(),
        goal_ids: vec![],
    }];
    let v = core
        .validate_dto(
            &request(&file, mapping.clone(), entries),
            "check",
            no_progress_sink(),
        )
        .await
        .unwrap();
    let issue = v
        .issues
        .iter()
        .find(|i| i.code == mb_uploader::dto::IssueCode::UnknownStatus)
        .unwrap_or_else(|| panic!("{:?}", v.issues));
    assert_eq!(issue.fix, None, "{issue:?}");
    // A choice remembered for the counter wins over the wording.
    let file2 = dir.path().join("orders-2.csv");
    std::fs::write(
        &file2,
        "id,create_date_time,client_ids,order_status,revenue\nB-1,2026-11-20 10:00:00,1762345098123456789,Особый,100\n",
    )
    .unwrap();
    let values = core
        .status_values_dto(&file2, &read, &mapping, Some(COUNTER))
        .unwrap();
    assert_eq!(values[0].suggested_type, OrderStatusType::Other);
    assert_eq!(values[0].suggested_id, "good_lead");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prepared_files_no_upload_needs_are_swept_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let cut = cut_off(
        &core,
        &kind_upload(
            &core,
            UploadKind::Conversions,
            "offline_clientid.csv",
            true,
            false,
        ),
    )
    .await;
    let kept = core
        .store()
        .upload(i64::from(cut.id))
        .unwrap()
        .options
        .unwrap()["prepared_file"]
        .as_str()
        .map(std::path::PathBuf::from)
        .unwrap();
    let kept = kept.parent().unwrap().to_path_buf();
    let orphan = core.paths().outgoing().join("20200101T000000-deadbeef");
    std::fs::create_dir_all(&orphan).unwrap();
    std::fs::write(
        orphan.join("metrica.csv"),
        "ClientId\n1762345098123456789\n",
    )
    .unwrap();
    let fresh = core.paths().outgoing().join("20991231T000000-preparing");
    std::fs::create_dir_all(&fresh).unwrap();
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400);
    for d in [&orphan, &kept] {
        std::fs::File::open(d)
            .unwrap()
            .set_modified(two_days_ago)
            .unwrap();
    }
    // A processed upload's folder keeps the rejected-rows file History offers beside it.
    let bad = dir.path().join("one-bad-row.csv");
    std::fs::write(
        &bad,
        "ClientId,Target,DateTime,Price,Currency\n\
         1762101987654321098,offline_paid,1794297900,7200.50,RUB\n\
         1761998877123400001,dogovor_signed,1794493800000,125000,RUB\n",
    )
    .unwrap();
    let done = core
        .upload_dto(
            &path_upload(&core, UploadKind::Conversions, &bad, true, false),
            "bad",
            no_progress_sink(),
        )
        .await
        .unwrap()
        .upload
        .unwrap();
    rusqlite::Connection::open(core.paths().database())
        .unwrap()
        .execute(
            "UPDATE uploads SET state = 'processed' WHERE id = ?1",
            [i64::from(done.id)],
        )
        .unwrap();
    let done_file = core
        .store()
        .upload(i64::from(done.id))
        .unwrap()
        .options
        .unwrap()["prepared_file"]
        .as_str()
        .map(std::path::PathBuf::from)
        .unwrap();
    assert!(done_file.exists());
    let done_dir = done_file.parent().unwrap().to_path_buf();
    assert!(done_dir.join("rejected-rows.csv").exists());
    std::fs::File::open(&done_dir)
        .unwrap()
        .set_modified(two_days_ago)
        .unwrap();
    core.reconcile().await.unwrap();
    assert!(
        done_dir.join("rejected-rows.csv").exists(),
        "History still offers it"
    );
    assert!(
        !done_dir.join("metrica.csv").exists(),
        "the prepared file went"
    );
    assert!(!orphan.exists(), "the dead process's folder went");
    assert!(
        kept.exists(),
        "the interrupted upload's stays for its resend"
    );
    assert!(fresh.exists(), "one another process may be preparing stays");
}

/// A resend of one cut-off send of calls that overlaps another cut-off send Metrica does not
/// list yet (a grown export cut while its answer was being made) holds back as that one does:
/// its calls may be in Metrica already.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resend_never_repeats_the_calls_of_another_unsettled_cut_off_send() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let fake = core.demo_server().unwrap();
    let first = cut_off(
        &core,
        &kind_upload(&core, UploadKind::Calls, "calls_clientid.csv", true, false),
    )
    .await;
    // Half an hour on, it is not on Metrica: it never arrived.
    settle_absence(&core, first.id);
    let grown = dir.path().join("calls-grown.csv");
    std::fs::write(
        &grown,
        std::fs::read_to_string(fixture("calls_clientid.csv")).unwrap()
            + "1762345098123456789,1795105010,+74951234567,60,3,0,0,,https://shop.example.ru/,https://calltracker.example.com/calls/89100,0,,\n",
    )
    .unwrap();
    fake.faults().answer_next_upload_late();
    let second = core
        .upload_dto(
            &path_upload(&core, UploadKind::Calls, &grown, true, false),
            "grown",
            no_progress_sink(),
        )
        .await
        .unwrap()
        .upload
        .unwrap();
    assert_eq!(second.state, UploadState::Interrupted);
    let before = calls_on_metrica(fake);
    let r = core
        .resend_dto(first.id, "resend", no_progress_sink())
        .await;
    assert!(
        matches!(&r, Err(mb_uploader::dto::AppError::CutOffUnsettled { upload_id, .. }) if *upload_id == second.id),
        "{r:?}"
    );
    assert_eq!(calls_on_metrica(fake), before, "nothing went");
}

/// A job's run that would repeat the calls of a cut-off send Metrica does not list yet waits
/// for a later run, said with why: not a failure (no red run, no alarm).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jobs_run_waits_for_an_unsettled_cut_off_send_instead_of_failing() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo_jobs(&dir).await;
    let fake = core.demo_server().unwrap();
    let other = dir.path().join("calls-other.csv");
    std::fs::write(
        &other,
        "ClientId,DateTime,PhoneNumber,TalkDuration\n1762101987654321098,1795205010,+74951234567,30\n",
    )
    .unwrap();
    let first = core
        .upload_dto(
            &path_upload(&core, UploadKind::Calls, &other, true, false),
            "first",
            no_progress_sink(),
        )
        .await
        .unwrap()
        .upload
        .unwrap();
    let folder = dir.path().join("exports");
    std::fs::create_dir_all(&folder).unwrap();
    job_from(&core, first.id, "calls", &folder);
    fake.faults().answer_next_upload_late();
    let cut = core
        .upload_dto(
            &kind_upload(&core, UploadKind::Calls, "calls_clientid.csv", true, false),
            "cut",
            no_progress_sink(),
        )
        .await
        .unwrap()
        .upload
        .unwrap();
    assert_eq!(cut.state, UploadState::Interrupted);
    std::fs::copy(fixture("calls_clientid.csv"), folder.join("calls.csv")).unwrap();
    let run = ran(&core, "calls").await;
    assert_eq!(run.result, mb_history::RunResult::Deferred, "{run:?}");
    assert!(
        run.message
            .as_deref()
            .is_some_and(|m| m.contains("cut_off_unsettled")),
        "said with why: {run:?}"
    );
}

/// A job's run whose process dies mid-send keeps the uploads it made: each is added to the run
/// as it is recorded, so the next run (which marks the dead one interrupted) and History can
/// tell which uploads were the dead run's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_jobs_run_keeps_the_uploads_it_made() {
    let dir = tempfile::tempdir().unwrap();
    let core = std::sync::Arc::new(demo_jobs(&dir).await);
    let fake = core.demo_server().unwrap();
    let first = core
        .upload_dto(
            &conversions_upload(&core, "offline_clientid.csv", true, false),
            "first",
            no_progress_sink(),
        )
        .await
        .unwrap()
        .upload
        .unwrap();
    let folder = dir.path().join("exports");
    std::fs::create_dir_all(&folder).unwrap();
    job_from(&core, first.id, "conv", &folder);
    std::fs::write(
        folder.join("grown.csv"),
        std::fs::read_to_string(fixture("offline_clientid.csv")).unwrap()
            + "1762101987654321098,offline_paid,1795297900,300,RUB\n",
    )
    .unwrap();
    fake.faults()
        .stall_next_upload(mb_fake::StallPoint::AfterStore);
    let c = core.clone();
    let run = tokio::spawn(async move { c.run_job("conv", RUN_NOW).await });
    fake.faults().wait_stalled().await;
    // The process dies: the run never ends.
    run.abort();
    let _ = run.await;
    let dead = core.store().interrupt_open_job_runs("conv").unwrap();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0].upload_ids.len(), 1, "{dead:?}");
    let u = core.store().upload(dead[0].upload_ids[0]).unwrap();
    assert_eq!(u.source.name, "grown.csv");
}

/// What History says of upload `id`: its explanation's codes and counts.
fn explained(core: &mb_uploader::Core, id: i64) -> Vec<(&'static str, Option<u32>)> {
    core.upload_detail(id)
        .unwrap()
        .explanation
        .iter()
        .map(|e| (e.code.as_str(), e.count))
        .collect()
}
