//! Transport behaviour against stubs: retries, quotas, error mapping, streaming, lost answers,
//! cancellation. Stubs let a test script exact answers the fake may not offer.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use mb_api::{
    ApiConfig, ApiError, CancellationToken, Client, Clock, CounterQuery, QuotaKind, Token,
    UploadOptions, UploadTag, no_progress,
};

use crate::stub::{Stub, TOKEN, error_body};

type Script = Arc<Mutex<VecDeque<(u16, String)>>>;

fn script(items: &[(u16, &str)]) -> Script {
    Arc::new(Mutex::new(
        items.iter().map(|(s, b)| (*s, b.to_string())).collect(),
    ))
}

async fn scripted(State(s): State<Script>) -> (StatusCode, String) {
    let next = s.lock().unwrap().pop_front();
    match next {
        Some((code, body)) => (StatusCode::from_u16(code).unwrap(), body),
        None => (
            StatusCode::OK,
            r#"{"rows":1,"counters":[{"id":1,"name":"a","permission":"own"}],
               "goal":{"id":7,"name":"g","type":"action","conditions":[]}}"#
                .to_string(),
        ),
    }
}

async fn stub_with(items: &[(u16, &str)]) -> Stub {
    let s = script(items);
    Stub::start(
        Router::new()
            .route("/management/v1/counters", get(scripted))
            .route("/management/v1/counter/{id}/goals", post(scripted))
            .with_state(s),
    )
    .await
}

#[tokio::test]
async fn transient_quota_is_retried_until_success() {
    let q = error_body(429, "quota_requests_by_ip");
    let p = error_body(420, "quota_parallel_requests");
    let stub = stub_with(&[(429, &q), (420, &p)]).await;
    let page = stub
        .client()
        .counters(&CounterQuery::default())
        .await
        .unwrap();
    assert_eq!(page.rows, 1);
    assert_eq!(stub.hits(), 3);
}

#[tokio::test]
async fn server_errors_are_retried_for_get_but_not_for_post() {
    let e = error_body(503, "backend_error");
    let stub = stub_with(&[(503, &e), (504, &error_body(504, "timeout"))]).await;
    stub.client()
        .counters(&CounterQuery::default())
        .await
        .unwrap();
    assert_eq!(stub.hits(), 3);

    let stub = stub_with(&[(503, &e)]).await;
    let err = stub
        .client()
        .create_js_goal(5, "g", "offline_paid")
        .await
        .unwrap_err();
    assert!(
        matches!(err, ApiError::Server { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(stub.hits(), 1);
}

/// A `Retry-After` is waited for (up to the longest back-off): in seconds on a 503 of a read,
/// as an HTTP date on a 429. Before, 1–3 s of quota back-off or the 5 ms test back-off went by
/// whatever the server asked.
#[tokio::test]
async fn retry_after_is_waited_for_up_to_the_longest_back_off() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let at = |when: &'static str| {
        let n = Arc::new(AtomicUsize::new(0));
        move || {
            let n = n.clone();
            async move {
                if n.fetch_add(1, Ordering::SeqCst) == 0 {
                    let (code, body) = if when == "secs" {
                        (503, error_body(503, "backend_error"))
                    } else {
                        (429, error_body(429, "quota_requests_by_ip"))
                    };
                    let wait = if when == "secs" {
                        "1".to_string()
                    } else {
                        jiff::fmt::rfc2822::to_string(
                            &(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2))
                                .to_zoned(jiff::tz::TimeZone::UTC),
                        )
                        .unwrap()
                    };
                    return axum::response::Response::builder()
                        .status(code)
                        .header("retry-after", wait)
                        .body(axum::body::Body::from(body))
                        .unwrap();
                }
                axum::response::Response::builder()
                    .status(200)
                    .body(axum::body::Body::from(
                        r#"{"rows":1,"counters":[{"id":1,"name":"a","permission":"own"}]}"#,
                    ))
                    .unwrap()
            }
        }
    };
    for (when, at_least) in [("secs", 900), ("date", 900)] {
        let stub = Stub::start(Router::new().route("/management/v1/counters", get(at(when)))).await;
        let mut policy = mb_api::RetryPolicy::fast();
        policy.max_delay = Duration::from_secs(5);
        let client = Client::new(stub.config().with_retry(policy), Token::new(TOKEN)).unwrap();
        let started = std::time::Instant::now();
        client.counters(&CounterQuery::default()).await.unwrap();
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(at_least),
            "{when}: retried after {waited:?}"
        );
        assert_eq!(stub.hits(), 2, "{when}");
    }
    // Never longer than the longest back-off, whatever is asked.
    let long = || async {
        axum::response::Response::builder()
            .status(503)
            .header("retry-after", "3600")
            .body(axum::body::Body::from(error_body(503, "backend_error")))
            .unwrap()
    };
    let stub = Stub::start(Router::new().route("/management/v1/counters", get(long))).await;
    let started = std::time::Instant::now();
    let err = stub
        .client()
        .counters(&CounterQuery::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ApiError::Server { status: 503, .. }),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// A base that is no web address (a typo in `MBRIDGE_API_BASE`) is a configuration error that
/// names it, not «no connection to Metrica» at the first request.
#[test]
fn a_base_that_is_no_web_address_is_said_as_such() {
    let cfg = ApiConfig::with_bases("not a url", "http://x/oauth", "http://x/login");
    match Client::new(cfg, Token::new(TOKEN)) {
        Err(ApiError::Config(what)) => assert!(what.contains("not a url"), "{what}"),
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("a client on no address"),
    }
    let cfg = ApiConfig::with_bases("ftp://x", "http://x/oauth", "http://x/login");
    assert!(matches!(
        Client::new(cfg, Token::new(TOKEN)),
        Err(ApiError::Config(_))
    ));
}

#[tokio::test]
async fn daily_quota_is_not_retried_and_says_when_it_resets() {
    let stub = stub_with(&[(429, &error_body(429, "quota_requests_by_uid"))]).await;
    let now: jiff::Timestamp = "2026-11-22T07:15:00Z".parse().unwrap();
    let client = Client::new(
        stub.config().with_clock(Clock::fixed(now)),
        Token::new(TOKEN),
    )
    .unwrap();
    let err = client.counters(&CounterQuery::default()).await.unwrap_err();
    match err {
        ApiError::QuotaExceeded { kind, retry_at } => {
            assert_eq!(kind, QuotaKind::RequestsByUid);
            assert_eq!(retry_at, Some("2026-11-23T00:00:00Z".parse().unwrap()));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(stub.hits(), 1);
}

#[tokio::test]
async fn auth_failures_map_to_typed_errors_without_the_token() {
    let stub = stub_with(&[
        (401, &error_body(401, "unauthorized")),
        (403, &error_body(403, "invalid_token")),
        (403, &error_body(403, "access_denied")),
        (400, &error_body(400, "invalid_parameter")),
        (404, &error_body(404, "not_found")),
    ])
    .await;
    let c = stub.client();
    let q = CounterQuery::default();
    let e1 = c.counters(&q).await.unwrap_err();
    assert!(
        matches!(e1, ApiError::TokenExpired { status: 401 }),
        "{e1:?}"
    );
    let e2 = c.counters(&q).await.unwrap_err();
    assert!(
        matches!(e2, ApiError::TokenExpired { status: 403 }),
        "{e2:?}"
    );
    assert!(e2.needs_sign_in());
    let e3 = c.counters(&q).await.unwrap_err();
    assert!(matches!(e3, ApiError::NoAccess { .. }), "{e3:?}");
    let e4 = c.counters(&q).await.unwrap_err();
    assert!(
        matches!(&e4, ApiError::RejectedData { error_type, .. } if error_type == "invalid_parameter"),
        "{e4:?}"
    );
    let e5 = c.counters(&q).await.unwrap_err();
    assert!(matches!(e5, ApiError::NotFound), "{e5:?}");
    for e in [e1, e2, e3, e4, e5] {
        assert!(!format!("{e:?} {e}").contains(TOKEN));
    }
    assert!(!format!("{c:?}").contains(TOKEN));
}

#[tokio::test]
async fn network_errors_on_get_are_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let cfg = ApiConfig::with_bases(&base, &base, &base).with_retry(mb_api::RetryPolicy::fast());
    let err = Client::new(cfg, Token::new(TOKEN))
        .unwrap()
        .user_info()
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Network(_)), "{err:?}");
}

/// What the upload stub saw.
#[derive(Default, Clone)]
struct Seen {
    uploads: Vec<(String, String, String, usize, Option<u64>)>,
    comments: Vec<String>,
    /// Store the next upload, then never answer.
    hang_next: bool,
}

type SeenState = Arc<Mutex<Seen>>;

async fn upload_handler(
    State(seen): State<SeenState>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
    mut mp: Multipart,
) -> (StatusCode, String) {
    let len = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let mut field = mp.next_field().await.unwrap().unwrap();
    let name = field.name().unwrap_or("").to_string();
    let file = field.file_name().unwrap_or("").to_string();
    let ctype = field.content_type().unwrap_or("").to_string();
    let mut n = 0;
    while let Some(chunk) = field.chunk().await.unwrap() {
        n += chunk.len();
    }
    let comment = q.get("comment").cloned().unwrap_or_default();
    let (id, hang) = {
        let mut s = seen.lock().unwrap();
        s.uploads.push((name, file, ctype, n, len));
        s.comments.push(comment.clone());
        (s.comments.len(), std::mem::take(&mut s.hang_next))
    };
    if hang {
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
    (
        StatusCode::OK,
        format!(r#"{{"uploading":{{"id":{id},"comment":"{comment}","status":"UPLOADED"}}}}"#),
    )
}

async fn list_handler(State(seen): State<SeenState>) -> String {
    let s = seen.lock().unwrap();
    let items: Vec<_> = s
        .comments
        .iter()
        .enumerate()
        .map(|(i, c)| serde_json::json!({"id": i + 1, "comment": c, "status": "UPLOADED"}))
        .collect();
    serde_json::json!({ "uploadings": items }).to_string()
}

async fn upload_stub() -> (Stub, SeenState) {
    let seen = SeenState::default();
    let router = Router::new()
        .route(
            "/management/v1/counter/{id}/offline_conversions/upload",
            post(upload_handler),
        )
        .route(
            "/management/v1/counter/{id}/offline_conversions/uploadings",
            get(list_handler),
        )
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(seen.clone());
    (Stub::start(router).await, seen)
}

fn csv_file(dir: &std::path::Path, rows: usize) -> std::path::PathBuf {
    let path = dir.join("offline.csv");
    let mut s = String::from("ClientId,Target,DateTime,Price,Currency\n");
    for i in 0..rows {
        s.push_str(&format!(
            "17623450981234{i:05},offline_paid,1794228120,18450.00,RUB\n"
        ));
    }
    std::fs::write(&path, s).unwrap();
    path
}

#[tokio::test]
async fn uploads_stream_the_file_as_multipart_with_a_known_length_and_progress() {
    let (stub, seen) = upload_stub().await;
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(dir.path(), 60_000);
    let size = std::fs::metadata(&path).unwrap().len();
    let last = Arc::new(Mutex::new((0u64, 0u64, 0usize)));
    let l = last.clone();
    let progress: mb_api::ProgressFn = Arc::new(move |sent, total| {
        let mut g = l.lock().unwrap();
        *g = (sent, total, g.2 + 1);
    });
    let tag = UploadTag::new();
    let up = stub
        .client()
        .upload_conversions(
            7,
            &path,
            &UploadOptions::new(tag.clone()),
            progress,
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(up.comment.as_deref(), Some(tag.as_str()));
    let s = seen.lock().unwrap();
    let (name, file, ctype, n, len) = s.uploads[0].clone();
    assert_eq!(
        (name.as_str(), file.as_str(), ctype.as_str()),
        ("file", "offline.csv", "text/csv")
    );
    assert_eq!(n as u64, size);
    assert!(len.unwrap() > size, "Content-Length must be known: {len:?}");
    let (sent, total, calls) = *last.lock().unwrap();
    assert_eq!((sent, total), (size, size));
    assert!(
        calls >= 3,
        "reads are ~1 MiB, the file is {size} bytes: {calls} callbacks"
    );
}

#[tokio::test]
async fn a_lost_answer_is_resolved_by_the_tag_without_resending() {
    let (stub, seen) = upload_stub().await;
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(dir.path(), 10);
    let mut cfg = stub.config();
    cfg.upload_answer_timeout = Duration::from_millis(300);
    let client = Client::new(cfg, Token::new(TOKEN)).unwrap();
    let tag = UploadTag::new();
    seen.lock().unwrap().hang_next = true;
    let opts = UploadOptions::new(tag.clone());
    let found = client
        .upload_conversions(7, &path, &opts, no_progress(), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(found.comment.as_deref(), Some(tag.as_str()));
    assert_eq!(
        seen.lock().unwrap().uploads.len(),
        1,
        "uploaded once, never re-sent"
    );
}

#[tokio::test]
async fn cancelling_mid_upload_stops_with_cancelled() {
    let (stub, _seen) = upload_stub().await;
    let dir = tempfile::tempdir().unwrap();
    let path = csv_file(dir.path(), 200_000);
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    let progress: mb_api::ProgressFn = Arc::new(move |sent, _| {
        if sent >= 1 << 20 {
            c2.cancel();
        }
    });
    let err = stub
        .client()
        .upload_conversions(
            7,
            &path,
            &UploadOptions::new(UploadTag::new()),
            progress,
            &cancel,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Cancelled), "{err:?}");
}
