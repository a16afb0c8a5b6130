//! Proof that there is one way to plan an upload: the same files go through `mbridge upload`
//! (the binary) and through the app's command layer (`Core::upload_dto`, what the Tauri
//! command calls) to the same fake Metrica, and the outcomes agree field by field: outcome,
//! rows sent, valid/new/unchanged counts, every part's state, the calls goal's name, and the
//! CRM status map remembered for the counter.

use std::path::Path;

use mb_uploader::dto::{
    ColumnMapping, OrderStatusType, ReadOverrides, SendResult, StatusMapEntry, UploadKind,
    UploadRequest, ValidateRequest,
};
use mb_uploader::{Core, CoreOptions, OutcomeKind, no_progress_sink};
use serde_json::Value;

use crate::{Env, fixture};

const COUNTER: u32 = 51234501;

/// The app's side: a demo core (its own fake, signed in), and the CLI pointed at that fake.
async fn app_and_cli() -> (tempfile::TempDir, Core, Env) {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::start(CoreOptions {
        data_dir: Some(dir.path().to_path_buf()),
        demo: Some(true),
        ..CoreOptions::default()
    })
    .await
    .expect("demo core starts");
    let fake = core.demo_server().expect("the demo runs its fake");
    let mut env = Env::new(fake);
    env.token = Some(fake.issue_token(mb_uploader::DEMO_LOGIN));
    (dir, core, env)
}

async fn cli(env: &Env, args: Vec<String>) -> (i32, Value) {
    let cmd = env.cmd();
    tokio::task::spawn_blocking(move || {
        let mut cmd = cmd;
        let out = cmd.args(&args).output().unwrap();
        let code = out.status.code().unwrap_or(-1);
        let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}); exit {code}\nstderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (code, v)
    })
    .await
    .unwrap()
}

fn upload_args(file: &Path, kind: &str, extra: &[String]) -> Vec<String> {
    let mut a: Vec<String> = [
        "upload",
        file.to_str().unwrap(),
        "--kind",
        kind,
        "--counter",
        &COUNTER.to_string(),
        "--json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.extend_from_slice(extra);
    a
}

async fn app_upload(
    core: &Core,
    file: &Path,
    mapping: ColumnMapping,
    status_map: Vec<StatusMapEntry>,
    only_new: bool,
) -> SendResult {
    let req = UploadRequest {
        validate: ValidateRequest {
            path: file.display().to_string(),
            read: ReadOverrides::default(),
            kind: mapping.kind,
            mapping,
            counter_id: COUNTER,
            status_map,
            hash_contacts: false,
            only_new_rows: only_new,
        },
        merge_mode: None,
        comment: None,
        confirm_duplicate: only_new,
        skip_invalid: false,
    };
    core.upload_dto(&req, "same", no_progress_sink())
        .await
        .expect("the app's send")
}

/// The CLI's JSON and the app's result, field by field.
fn same(cli: &Value, app: &SendResult) {
    let outcome = serde_json::to_value(app.outcome).unwrap();
    assert_eq!(cli["outcome"], outcome, "outcome\ncli: {cli}\napp: {app:?}");
    assert_eq!(cli["valid_rows"], app.valid_rows, "valid rows: {cli}");
    assert_eq!(cli["new_rows"], app.new_rows, "rows to send: {cli}");
    assert_eq!(
        cli["unchanged_rows"], app.unchanged_rows,
        "unchanged: {cli}"
    );
    assert_eq!(
        cli["error"],
        serde_json::to_value(&app.error).unwrap(),
        "error: {cli}"
    );
    let parts = cli["uploads"].as_array().expect("uploads");
    assert_eq!(parts.len(), app.parts.len(), "parts: {cli}");
    for (c, a) in parts.iter().zip(&app.parts) {
        let c = &c["summary"];
        assert_eq!(c["state"], serde_json::to_value(a.state).unwrap(), "{c}");
        assert_eq!(c["kind"], serde_json::to_value(a.kind).unwrap(), "{c}");
        assert_eq!(c["valid_rows"], a.valid_rows, "rows sent: {c}");
        assert_eq!(c["rows"], a.rows, "{c}");
    }
}

/// The local history's record of an upload as the CLI's core (its own data folder) sees it.
async fn cli_core(env: &Env) -> Core {
    Core::start(CoreOptions {
        data_dir: Some(env.dir.path().to_path_buf()),
        api_base: Some(env.api_base.clone()),
        demo: Some(false),
        memory_tokens: true,
        ..CoreOptions::default()
    })
    .await
    .unwrap()
}

fn goal_name(core: &Core, id: u32) -> Value {
    let u = core.store().upload(i64::from(id)).unwrap();
    u.options.unwrap_or_default()["new_goal_name"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_and_the_cli_plan_and_send_the_same_upload_alike() {
    let (_dir, core, env) = app_and_cli().await;
    let read = ReadOverrides::default();

    // Calls: both name the calls goal.
    let calls = fixture("calls_clientid.csv");
    let (code, c) = cli(&env, upload_args(&calls, "calls", &[])).await;
    assert_eq!(code, 0, "{c}");
    let mapping = core
        .suggest_mapping(&calls, &read, UploadKind::Calls, &[])
        .unwrap();
    let a = app_upload(&core, &calls, mapping.clone(), vec![], false).await;
    same(&c, &a);
    assert_eq!(a.outcome, OutcomeKind::Sent);
    let app_goal = goal_name(&core, a.parts[0].id);
    assert_eq!(app_goal, "Звонок");
    let cli_id = c["uploads"][0]["summary"]["id"].as_u64().unwrap() as u32;

    // The same calls again, only new rows: nothing new is a calm result in both.
    let again = ["--only-new".to_string()];
    let (code, c2) = cli(&env, upload_args(&calls, "calls", &again)).await;
    assert_eq!(code, 0, "nothing new is not a failure: {c2}");
    let a2 = app_upload(&core, &calls, mapping, vec![], true).await;
    same(&c2, &a2);
    assert_eq!(a2.outcome, OutcomeKind::NothingNew);
    assert!(a2.upload.is_none() && a2.parts.is_empty());

    // Simple orders with the user's status choices: both remember the same map.
    let orders = fixture("simple_orders_cp1251_ru_statuses.csv");
    let mapping = core
        .suggest_mapping(&orders, &read, UploadKind::SimpleOrders, &[])
        .unwrap();
    let values = core
        .status_values_dto(&orders, &read, &mapping, None)
        .unwrap();
    let chosen = |v: &str| {
        if v == "Новый" {
            OrderStatusType::Spam
        } else {
            values.iter().find(|x| x.value == v).unwrap().suggested_type
        }
    };
    let type_word = |t: OrderStatusType| serde_json::to_value(t).unwrap();
    let mut pairs = Vec::new();
    let mut entries = Vec::new();
    for v in &values {
        let t = chosen(&v.value);
        let word = type_word(t).as_str().unwrap().to_uppercase();
        pairs.push("--status".to_string());
        pairs.push(format!("{}={word}", v.value));
        entries.push(StatusMapEntry {
            value: v.value.clone(),
            status_type: t,
            status_id: v.suggested_id.clone(),
            goal_ids: vec![],
        });
    }
    let (code, c3) = cli(&env, upload_args(&orders, "simple-orders", &pairs)).await;
    assert_eq!(code, 0, "{c3}");
    let a3 = app_upload(&core, &orders, mapping, entries, false).await;
    same(&c3, &a3);

    let cli_side = cli_core(&env).await;
    assert_eq!(
        goal_name(&cli_side, cli_id),
        app_goal,
        "the CLI names the calls goal as the app does"
    );
    let mut app_map = core.remembered_statuses(COUNTER).unwrap();
    let mut cli_map = cli_side.remembered_statuses(COUNTER).unwrap();
    app_map.sort_by(|a, b| a.value.cmp(&b.value));
    cli_map.sort_by(|a, b| a.value.cmp(&b.value));
    assert!(!app_map.is_empty(), "the app remembers its choices");
    assert_eq!(cli_map, app_map, "the CLI remembers the same status map");
    assert_eq!(
        cli_map
            .iter()
            .find(|e| e.value == "Новый")
            .unwrap()
            .status_type,
        OrderStatusType::Spam
    );
}
