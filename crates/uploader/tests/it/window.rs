//! Journeys where Metrica behaves as docs/metrika-api.md says and our fake now does: a counter
//! whose linking window opens tomorrow (§4.7), and a file Metrica accepts with fewer lines than
//! it received (§4.2).

use mb_uploader::dto::{AppError, ReadOverrides, UploadKind, UploadRequest, ValidateRequest};
use mb_uploader::upload::UploadOutcome;
use mb_uploader::{Core, CoreOptions, no_progress_sink};

async fn demo(dir: &tempfile::TempDir) -> Core {
    Core::start(CoreOptions {
        data_dir: Some(dir.path().to_path_buf()),
        demo: Some(true),
        ..CoreOptions::default()
    })
    .await
    .expect("demo core starts")
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_window_is_explained_with_its_day_and_the_extended_window_offered() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let counter = mb_fake::WINDOW_OPENS_TOMORROW as u32;
    let samara = jiff::tz::TimeZone::get("Europe/Samara").unwrap();
    let tomorrow = jiff::Timestamp::now()
        .to_zoned(samara)
        .date()
        .tomorrow()
        .unwrap()
        .to_string();
    // When the counter is chosen.
    let w = core
        .linking_window(counter, UploadKind::Conversions)
        .await
        .unwrap();
    assert_eq!(w.opens_on.as_deref(), Some(tomorrow.as_str()), "{w:?}");
    assert_eq!(w.extended, Some(false));
    assert!(w.can_enable_extended, "the demo token has metrika:write");
    // Before sending: refused locally with the day, nothing recorded.
    let file = fixture("offline_clientid.csv");
    let read = ReadOverrides::default();
    let mapping = core
        .suggest_mapping(&file, &read, UploadKind::Conversions, &[])
        .unwrap();
    let req = UploadRequest {
        validate: ValidateRequest {
            path: file.display().to_string(),
            read,
            kind: UploadKind::Conversions,
            mapping,
            counter_id: counter,
            status_map: vec![],
            hash_contacts: false,
            only_new_rows: false,
        },
        merge_mode: None,
        comment: None,
        confirm_duplicate: false,
        skip_invalid: false,
    };
    // The check says it too, so the window offers no send that can only be refused.
    let check = core
        .validate_dto(&req.validate, "w0", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(check.window_opens_on.as_deref(), Some(tomorrow.as_str()));
    let err = core
        .upload_dto(&req, "w1", no_progress_sink())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        AppError::LinkingWindowNotOpen {
            date: tomorrow.clone()
        }
    );
    assert!(core.history(&Default::default()).unwrap().is_empty());
    // The offered action switches the extended window on.
    let w = core
        .enable_extended_window(counter, UploadKind::Conversions)
        .await
        .unwrap();
    assert_eq!(w.extended, Some(true));
    assert!(!w.can_enable_extended);
    // CRM kinds have no such window.
    let w = core
        .linking_window(counter, UploadKind::SimpleOrders)
        .await
        .unwrap();
    assert_eq!(w.opens_on, None);
    // An ordinary counter is open.
    let w = core
        .linking_window(51234501, UploadKind::Conversions)
        .await
        .unwrap();
    assert_eq!(w.opens_on, None);
    let mut open = req.validate.clone();
    open.counter_id = 51234501;
    let check = core
        .validate_dto(&open, "w2", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(check.window_opens_on, None);
}

/// Our clock runs two days ahead of Metrica's: the client sees 100 past conversions, Metrica
/// sees 2 of them in the future and drops them. History says how many rows it kept and what
/// may have happened to the others.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_explains_rows_metrica_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(&dir).await;
    let now = jiff::Timestamp::now().as_second();
    let mut text = String::from("ClientId,Target,DateTime,Price,Currency\n");
    for i in 0..98 {
        text.push_str(&format!(
            "1762345098123456789,offline_paid,{},100,RUB\n",
            now - 86_400 - i
        ));
    }
    for i in 0..2 {
        text.push_str(&format!(
            "1762345098123456789,offline_paid,{},100,RUB\n",
            now + 86_400 + i
        ));
    }
    let file = dir.path().join("sales.csv");
    std::fs::write(&file, text).unwrap();
    let read = ReadOverrides::default();
    let mapping = core
        .suggest_mapping(&file, &read, UploadKind::Conversions, &[])
        .unwrap();
    let req = ValidateRequest {
        path: file.display().to_string(),
        read,
        kind: UploadKind::Conversions,
        mapping,
        counter_id: 51234501,
        status_map: vec![],
        hash_contacts: false,
        only_new_rows: false,
    };
    let mut plan = core.plan(&req, None, false, false).await.unwrap();
    plan.now = Some(jiff::Timestamp::from_second(now + 2 * 86_400).unwrap());
    let out = core.upload(&plan, "d1", no_progress_sink()).await.unwrap();
    let UploadOutcome::Sent {
        uploads, report, ..
    } = out
    else {
        panic!("not sent: {out:?}");
    };
    assert_eq!(report.valid_rows, 100, "the client saw no bad row");
    let d = core.upload_detail(uploads[0].id).unwrap();
    let item = |code: &str| {
        d.explanation
            .iter()
            .find(|e| e.code.as_str() == code)
            .unwrap_or_else(|| panic!("{code} missing: {:?}", d.explanation))
            .clone()
    };
    assert_eq!(item("rows_kept_by_server").count, Some(98));
    let dropped = item("rows_dropped_by_server");
    assert_eq!(dropped.count, Some(2));
    assert_eq!(
        dropped.advice,
        Some(mb_history::AdviceCode::ServerDroppedInvalidRows)
    );
}
