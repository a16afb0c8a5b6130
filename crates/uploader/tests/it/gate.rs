//! The gate a check gives (what keeps the file from going, and which answers lift it) says what
//! the send then does, for every answer a person can give: where the window shows no stop, the
//! send goes (or finds nothing new when «только новые» leaves nothing); where it shows one, the
//! send is refused for that reason. The window shows the gate's first open stop and decides
//! nothing itself, so this holds the window and the send together.

use std::path::{Path, PathBuf};

use mb_uploader::dto::{AppError, ReadOverrides, UploadKind, UploadRequest, ValidateRequest};
use mb_uploader::gate::{SendAnswer, SendStop, first};
use mb_uploader::plan::OutcomeKind;
use mb_uploader::{Core, CoreOptions, no_progress_sink};

const COUNTER: u32 = 51234501;
/// The demo account may only view this one.
const VIEW_ONLY: u32 = 51234510;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

async fn demo(dir: &Path) -> Core {
    Core::start(CoreOptions {
        data_dir: Some(dir.to_path_buf()),
        demo: Some(true),
        ..CoreOptions::default()
    })
    .await
    .expect("demo core starts")
}

fn upload(
    core: &Core,
    kind: UploadKind,
    file: &Path,
    counter: u32,
    answers: &[SendAnswer],
) -> UploadRequest {
    let read = ReadOverrides::default();
    let mapping = core.suggest_mapping(file, &read, kind, &[]).unwrap();
    UploadRequest {
        validate: ValidateRequest {
            path: file.display().to_string(),
            read,
            kind,
            mapping,
            counter_id: counter,
            status_map: vec![],
            hash_contacts: false,
            only_new_rows: answers.contains(&SendAnswer::OnlyNew),
        },
        merge_mode: None,
        comment: None,
        confirm_duplicate: answers.contains(&SendAnswer::Duplicate),
        skip_invalid: answers.contains(&SendAnswer::SkipInvalid),
    }
}

#[derive(Debug, Clone)]
enum Before {
    Nothing,
    /// The same file sent and accepted.
    Sent,
    /// The same file's send cut off (Metrica may have it).
    CutOff,
    /// `before`'s send cut off while Metrica was still making its answer: not in its lists yet.
    CutOffUnlisted {
        before: PathBuf,
    },
}

struct Case {
    name: &'static str,
    kind: UploadKind,
    file: PathBuf,
    counter: u32,
    before: Before,
    /// The stop the review shows with no answer given.
    stops: Option<SendStop>,
}

/// Every subset of the answers a person can give on the way to «Отправить».
fn every_answer() -> Vec<Vec<SendAnswer>> {
    let all = [
        SendAnswer::SkipInvalid,
        SendAnswer::Duplicate,
        SendAnswer::OnlyNew,
    ];
    (0..8u8)
        .map(|bits| {
            (0..3)
                .filter(|i| bits & (1 << i) != 0)
                .map(|i| all[i])
                .collect()
        })
        .collect()
}

/// What the send did, as a front end tells it.
#[derive(Debug)]
enum Did {
    Went,
    NothingNew,
    Refused(AppError),
}

async fn one(case: &Case, answers: &[SendAnswer]) {
    let dir = tempfile::tempdir().unwrap();
    let core = demo(dir.path()).await;
    let file = &case.file;
    let kind = case.kind;
    match &case.before {
        Before::Nothing => {}
        Before::Sent => {
            let r = core
                .upload_dto(
                    &upload(&core, kind, file, case.counter, &[SendAnswer::SkipInvalid]),
                    "before",
                    no_progress_sink(),
                )
                .await
                .unwrap();
            assert_eq!(r.outcome, OutcomeKind::Sent, "{}", case.name);
        }
        Before::CutOff => {
            core.demo_server()
                .unwrap()
                .faults()
                .drop_next_upload_after(u64::MAX);
            core.upload_dto(
                &upload(&core, kind, file, case.counter, &[SendAnswer::SkipInvalid]),
                "before",
                no_progress_sink(),
            )
            .await
            .unwrap();
        }
        Before::CutOffUnlisted { before } => {
            core.demo_server()
                .unwrap()
                .faults()
                .answer_next_upload_late();
            core.upload_dto(
                &upload(
                    &core,
                    kind,
                    before,
                    case.counter,
                    &[SendAnswer::SkipInvalid],
                ),
                "before",
                no_progress_sink(),
            )
            .await
            .unwrap();
        }
    }
    let req = upload(&core, kind, file, case.counter, answers);
    let v = core
        .validate_dto(&req.validate, "check", no_progress_sink())
        .await
        .unwrap();
    assert_eq!(
        first(&v.gate.review, &[]),
        case.stops,
        "{}: the review's first stop with no answer",
        case.name
    );
    let shown = first(&v.gate.review, answers);
    // As the window reads it: «только новые» chosen, and the core says nothing would go.
    let nothing_new = answers.contains(&SendAnswer::OnlyNew) && v.gate.nothing_new;
    let did = match core.upload_dto(&req, "send", no_progress_sink()).await {
        Ok(r) if r.outcome == OutcomeKind::NothingNew => Did::NothingNew,
        Ok(r) if r.outcome == OutcomeKind::Sent => Did::Went,
        Ok(r) => panic!("{}, {answers:?}: {r:?}", case.name),
        Err(e) => Did::Refused(e),
    };
    let at = format!(
        "{}, answers {answers:?}: shown {shown:?}, did {did:?}",
        case.name
    );
    match (shown, &did) {
        (None, Did::Went) => assert!(!nothing_new, "{at}"),
        // The review offers no send when nothing is new: the send agrees, calmly.
        (None, Did::NothingNew) => assert!(nothing_new, "{at}"),
        (Some(SendStop::NoAccess), Did::Refused(AppError::NoAccess { .. }))
        | (Some(SendStop::WindowNotOpen), Did::Refused(AppError::LinkingWindowNotOpen { .. }))
        | (
            Some(SendStop::FileErrors | SendStop::NoValidRows | SendStop::RowErrors),
            Did::Refused(AppError::DataHasErrors { .. }),
        )
        | (
            Some(SendStop::Duplicate | SendStop::DuplicateCutOff),
            Did::Refused(AppError::Duplicate { .. }),
        )
        | (Some(SendStop::CutOffUnsettled), Did::Refused(AppError::CutOffUnsettled { .. })) => {}
        // The one place the window is stricter than the send: a cut-off send that Metrica was
        // asked about and lacks goes again when confirmed (the CLI's `--force`), while the
        // window sends it from History, whose resend does the same.
        (Some(SendStop::DuplicateCutOff), Did::Went)
            if answers.contains(&SendAnswer::Duplicate)
                && v.duplicate_of.as_ref().is_some_and(|d| {
                    d.state == mb_uploader::dto::UploadState::Interrupted && !d.received
                }) => {}
        _ => panic!("the window and the send disagree: {at}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gate_says_what_the_send_does() {
    let dir = tempfile::tempdir().unwrap();
    // Two good conversions and one in milliseconds.
    let with_bad_row = dir.path().join("one-bad-row.csv");
    std::fs::write(
        &with_bad_row,
        "ClientId,Target,DateTime,Price,Currency\n\
         1762345098123456789,offline_paid,1794228120,18450.00,RUB\n\
         1762101987654321098,offline_paid,1794297900000,7200.50,RUB\n\
         1761998877123400001,dogovor_signed,1794493800,125000,RUB\n",
    )
    .unwrap();
    let good = fixture("offline_clientid.csv");
    let grown = dir.path().join("calls-grown.csv");
    std::fs::write(
        &grown,
        std::fs::read_to_string(fixture("calls_clientid.csv")).unwrap()
            + "1762345098123456789,1795105010,+74951234567,60,3,0,0,,https://shop.example.ru/,https://calltracker.example.com/calls/89100,0,,\n",
    )
    .unwrap();
    let calls = fixture("calls_clientid.csv");
    let case = |name, file: &PathBuf, counter, before, stops| Case {
        name,
        kind: UploadKind::Conversions,
        file: file.clone(),
        counter,
        before,
        stops,
    };
    let cases = [
        case("a clean file", &good, COUNTER, Before::Nothing, None),
        case(
            "rows with errors",
            &with_bad_row,
            COUNTER,
            Before::Nothing,
            Some(SendStop::RowErrors),
        ),
        case(
            "no valid row",
            &fixture("all-rows-bad.csv"),
            COUNTER,
            Before::Nothing,
            Some(SendStop::NoValidRows),
        ),
        case(
            "a column missing",
            &fixture("bad_missing_target_column.csv"),
            COUNTER,
            Before::Nothing,
            Some(SendStop::FileErrors),
        ),
        case(
            "sent before",
            &good,
            COUNTER,
            Before::Sent,
            Some(SendStop::Duplicate),
        ),
        case(
            "rows with errors sent before",
            &with_bad_row,
            COUNTER,
            Before::Sent,
            Some(SendStop::Duplicate),
        ),
        case(
            "cut off before",
            &good,
            COUNTER,
            Before::CutOff,
            Some(SendStop::DuplicateCutOff),
        ),
        case(
            "a counter only viewed",
            &good,
            VIEW_ONLY,
            Before::Nothing,
            Some(SendStop::NoAccess),
        ),
        case(
            "a window not open yet",
            &good,
            mb_fake::WINDOW_OPENS_TOMORROW as u32,
            Before::Nothing,
            Some(SendStop::WindowNotOpen),
        ),
        Case {
            kind: UploadKind::Calls,
            ..case(
                "calls of a cut-off send Metrica does not list yet",
                &calls,
                COUNTER,
                Before::CutOffUnlisted {
                    before: calls.clone(),
                },
                Some(SendStop::CutOffUnsettled),
            )
        },
        Case {
            kind: UploadKind::Calls,
            ..case(
                "a grown export of them",
                &grown,
                COUNTER,
                Before::CutOffUnlisted {
                    before: calls.clone(),
                },
                Some(SendStop::CutOffUnsettled),
            )
        },
    ];
    for case in &cases {
        for answers in every_answer() {
            one(case, &answers).await;
        }
    }
}
