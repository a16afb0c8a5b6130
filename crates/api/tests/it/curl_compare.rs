//! An independent check that the fake is not shaped by our client: the same requests sent by
//! the `curl` binary must get the same JSON answers (modulo ids and times) as our client.

use tokio::process::Command;

use mb_api::{
    ApiError, CancellationToken, CounterQuery, CrmUploadOptions, UploadOptions, UploadTag,
    no_progress,
};
use serde_json::Value;

use crate::fake::{self, OWN, VIEW, fixture};

/// `curl` with our auth header; returns (HTTP status, parsed JSON body).
async fn curl(token: &str, args: &[&str]) -> (u16, Value) {
    let out = Command::new("curl")
        .args(["-sS", "-w", "\n%{http_code}", "-H"])
        .arg(format!("Authorization: OAuth {token}"))
        .args(args)
        .output()
        .await
        .expect("the curl binary");
    let text = String::from_utf8_lossy(&out.stdout);
    let (body, code) = text.rsplit_once('\n').unwrap();
    (
        code.trim().parse().unwrap(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

fn without(mut v: Value, keys: &[&str]) -> Value {
    if let Some(o) = v.as_object_mut() {
        for k in keys {
            o.remove(*k);
        }
    }
    v
}

#[tokio::test]
async fn counters_list_matches_curl() {
    let f = fake::start().await;
    let url = format!(
        "{}/management/v1/counters?per_page=5&offset=1",
        f.server.api_base
    );
    let (code, body) = curl(&f.token, &[&url]).await;
    assert_eq!(code, 200);
    let ours = f
        .client
        .counters(&CounterQuery {
            per_page: Some(5),
            offset: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(body["rows"].as_u64(), Some(ours.rows));
    let ids: Vec<u64> = body["counters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_u64())
        .collect();
    assert_eq!(ids, ours.counters.iter().map(|c| c.id).collect::<Vec<_>>());
    let zones: Vec<Option<&str>> = body["counters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["time_zone_name"].as_str())
        .collect();
    assert_eq!(
        zones,
        ours.counters
            .iter()
            .map(|c| c.time_zone_name.as_deref())
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn offline_upload_matches_curl() {
    let f = fake::start().await;
    let path = fixture("offline_clientid.csv");
    let tag = UploadTag::new();
    let url = format!(
        "{}/management/v1/counter/{OWN}/offline_conversions/upload?comment={tag}",
        f.server.api_base
    );
    let file_arg = format!("file=@{};type=text/csv", path.display());
    let (code, body) = curl(&f.token, &["-F", &file_arg, &url]).await;
    assert_eq!(code, 200, "{body}");
    let ours = f
        .client
        .upload_conversions(
            OWN,
            &path,
            &UploadOptions::new(UploadTag::new()),
            no_progress(),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    let ours = serde_json::to_value(&ours).unwrap();
    let strip = |v: Value| {
        let mut v = without(v, &["id", "create_time", "comment"]);
        // Fields absent on one side must be absent (null) on the other as well.
        if let Some(o) = v.as_object_mut() {
            o.retain(|_, x| !x.is_null());
        }
        v
    };
    assert_eq!(strip(body["uploading"].clone()), strip(ours));
}

#[tokio::test]
async fn simple_orders_upload_matches_curl() {
    let f = fake::start().await;
    let path = fixture("simple_orders_comma.csv");
    let url = format!(
        "{}/cdp/api/v1/counter/{OWN}/data/simple_orders?merge_mode=SAVE&delimiter_type=COMMA",
        f.server.api_base
    );
    let file_arg = format!("file=@{};type=text/csv", path.display());
    let (code, body) = curl(&f.token, &["-F", &file_arg, &url]).await;
    assert_eq!(code, 200, "{body}");
    let ours = f
        .client
        .upload_simple_orders(
            OWN,
            &path,
            &CrmUploadOptions::new(UploadTag::new()),
            no_progress(),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    let ours = serde_json::to_value(&ours).unwrap();
    let keys = ["uploading_id", "datetime"];
    assert_eq!(
        without(body["uploading"].clone(), &keys),
        without(ours, &keys)
    );
}

#[tokio::test]
async fn error_answers_match_curl() {
    let f = fake::start().await;
    let path = fixture("offline_clientid.csv");
    let url = format!(
        "{}/management/v1/counter/{VIEW}/offline_conversions/upload?comment=x",
        f.server.api_base
    );
    let file_arg = format!("file=@{};type=text/csv", path.display());
    let (code, body) = curl(&f.token, &["-F", &file_arg, &url]).await;
    assert_eq!(code, 403);
    assert_eq!(body["errors"][0]["error_type"], "access_denied");
    let err = f
        .client
        .upload_conversions(
            VIEW,
            &path,
            &UploadOptions::new(UploadTag::new()),
            no_progress(),
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ApiError::NoAccess { error_type, .. } if error_type == "access_denied"),
        "{err:?}"
    );

    // Whole-file rejection of bad rows is the fake's fault switch (docs/metrika-api.md §4.2).
    f.server.faults().reject_files_with_bad_rows(true);
    let bad = fixture("bad_future_datetime.csv");
    let url = format!(
        "{}/management/v1/counter/{OWN}/offline_conversions/upload",
        f.server.api_base
    );
    let file_arg = format!("file=@{};type=text/csv", bad.display());
    let (code, body) = curl(&f.token, &["-F", &file_arg, &url]).await;
    assert_eq!(code, 400);
    let err = f
        .client
        .upload_conversions(
            OWN,
            &bad,
            &UploadOptions::new(UploadTag::new()),
            no_progress(),
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();
    match err {
        ApiError::RejectedData {
            error_type,
            message,
            ..
        } => {
            assert_eq!(
                body["errors"][0]["error_type"].as_str(),
                Some(error_type.as_str())
            );
            assert_eq!(
                body["message"]
                    .as_str()
                    .or(body["errors"][0]["message"].as_str()),
                Some(message.as_str())
            );
        }
        other => panic!("{other:?}"),
    }
}
