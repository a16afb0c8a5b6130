//! Hostile servers: an answer without end, one far over the cap, a server that stops reading
//! an upload mid-body, and a file that is not a regular file.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use mb_api::{
    ApiError, CancellationToken, Client, CounterQuery, Token, UploadOptions, UploadTag, no_progress,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::stub::{Stub, TOKEN};

/// An answer that never ends (no length, 64 KiB chunks forever) is cut at the cap: the call
/// fails with a clear protocol error instead of filling memory (before: 300 MB held 431 MB).
#[tokio::test]
async fn an_endless_answer_is_cut_at_the_cap() {
    let endless = || async {
        let chunk = bytes::Bytes::from(vec![b' '; 64 * 1024]);
        let stream =
            futures_util::stream::repeat_with(move || Ok::<_, std::io::Error>(chunk.clone()));
        Body::from_stream(stream)
    };
    let stub = Stub::start(Router::new().route("/management/v1/counters", get(endless))).await;
    let err = tokio::time::timeout(
        Duration::from_secs(20),
        stub.client().counters(&CounterQuery::default()),
    )
    .await
    .expect("the read stops at the cap")
    .unwrap_err();
    assert!(
        matches!(&err, ApiError::Protocol { detail, .. } if detail.contains("larger than")),
        "{err:?}"
    );
}

/// A declared length over the cap is refused before a byte of the body is read.
#[tokio::test]
async fn a_declared_length_over_the_cap_is_refused_at_once() {
    let big = || async {
        axum::response::Response::builder()
            .header("content-length", (300u64 << 20).to_string())
            .body(Body::from_stream(futures_util::stream::pending::<
                Result<bytes::Bytes, std::io::Error>,
            >()))
            .unwrap()
    };
    let stub = Stub::start(Router::new().route("/management/v1/counters", get(big))).await;
    let err = tokio::time::timeout(
        Duration::from_secs(5),
        stub.client().counters(&CounterQuery::default()),
    )
    .await
    .expect("no wait for the body")
    .unwrap_err();
    assert!(matches!(err, ApiError::Protocol { .. }), "{err:?}");
}

/// A server that reads the upload's headers and then stops reading: the watchdog ends the send
/// after `upload_stall_timeout` without progress, the tag lookup runs (nothing found here), and
/// the result is "outcome unknown" for that tag; the file is never sent a second time.
#[tokio::test]
async fn a_server_that_stops_reading_the_upload_is_caught_by_the_watchdog() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let posts = Arc::new(AtomicUsize::new(0));
    let p = posts.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                if sock.read(&mut byte).await.unwrap_or(0) == 0 {
                    break;
                }
                head.push(byte[0]);
            }
            if head.starts_with(b"POST") {
                p.fetch_add(1, Ordering::SeqCst);
                // Never read the body, never answer: hold the socket open.
                held.push(sock);
            } else {
                let body = r#"{"uploadings":[]}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(answer.as_bytes()).await;
            }
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("offline.csv");
    // Far more than the loopback socket buffers hold.
    let mut csv = String::from("ClientId,Target,DateTime\n");
    while csv.len() < 48 << 20 {
        csv.push_str("1762345098123450000,offline_paid,1794228120\n");
    }
    std::fs::write(&path, csv).unwrap();
    let mut cfg =
        mb_api::ApiConfig::with_bases(&base, &base, &base).with_retry(mb_api::RetryPolicy::fast());
    cfg.upload_stall_timeout = Duration::from_millis(500);
    let client = Client::new(cfg, Token::new(TOKEN)).unwrap();
    let tag = UploadTag::new();
    let err = tokio::time::timeout(
        Duration::from_secs(30),
        client.upload_conversions(
            7,
            &path,
            &UploadOptions::new(tag.clone()),
            no_progress(),
            &CancellationToken::new(),
        ),
    )
    .await
    .expect("the watchdog ends the stalled send")
    .unwrap_err();
    assert!(
        matches!(&err, ApiError::UploadOutcomeUnknown { tag: t } if t == tag.as_str()),
        "{err:?}"
    );
    assert_eq!(posts.load(Ordering::SeqCst), 1, "never re-sent");
}

/// A FIFO given as the file to upload is refused at once (it used to block the send forever).
#[cfg(unix)]
#[tokio::test]
async fn a_fifo_is_refused_as_the_file_to_upload() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("offline.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let stub = Stub::start(Router::new()).await;
    let err = tokio::time::timeout(
        Duration::from_secs(5),
        stub.client().upload_conversions(
            7,
            &fifo,
            &UploadOptions::new(UploadTag::new()),
            no_progress(),
            &CancellationToken::new(),
        ),
    )
    .await
    .expect("refused at once")
    .unwrap_err();
    assert!(
        matches!(&err, ApiError::File { source, .. } if mb_schema::fs::is_not_regular(source)),
        "{err:?}"
    );
    assert_eq!(stub.hits(), 0);
}

/// A gateway that stores the upload and answers with an error page over the answer cap: the
/// file went whole, so the outcome is unknown and looked up by its tag, never «not stored»
/// (the history then offered to send it again, and the next «only new rows» send did: twice in
/// Metrica). Found here by the tag, the send is done.
#[tokio::test]
async fn an_oversized_error_page_after_the_whole_file_is_looked_up_by_the_tag() {
    use axum::routing::post;
    let stored: Arc<std::sync::Mutex<Option<String>>> = Arc::default();
    let (s1, s2) = (stored.clone(), stored.clone());
    let upload = move |q: axum::extract::Query<std::collections::HashMap<String, String>>,
                       body: bytes::Bytes| {
        let s = s1.clone();
        async move {
            assert!(body.len() > 100, "the whole file was read");
            *s.lock().unwrap() = q.get("comment").cloned();
            axum::response::Response::builder()
                .status(503)
                .header("content-type", "text/html")
                .header("content-length", (20u64 << 20).to_string())
                .body(Body::from(vec![b'x'; 20 << 20]))
                .unwrap()
        }
    };
    let list = move || {
        let s = s2.clone();
        async move {
            let comment = s.lock().unwrap().clone().unwrap_or_default();
            axum::Json(serde_json::json!({"uploadings": [{
                "id": 42, "source_quantity": 1, "line_quantity": 1,
                "create_time": "2026-12-07T08:00:00+03:00", "comment": comment,
                "status": "UPLOADED", "client_id_type": "CLIENT_ID"
            }]}))
        }
    };
    let stub = Stub::start(
        Router::new()
            .route(
                "/management/v1/counter/7/offline_conversions/upload",
                post(upload),
            )
            .route(
                "/management/v1/counter/7/offline_conversions/uploadings",
                get(list),
            ),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("offline.csv");
    std::fs::write(
        &path,
        "ClientId,Target,DateTime\n1762345098123450000,offline_paid,1794228120\n",
    )
    .unwrap();
    let tag = UploadTag::new();
    let answer = stub
        .client()
        .upload_conversions(
            7,
            &path,
            &UploadOptions::new(tag.clone()),
            no_progress(),
            &CancellationToken::new(),
        )
        .await;
    assert_eq!(stored.lock().unwrap().as_deref(), Some(tag.as_str()));
    let found = answer.expect("found by its tag, not a failure");
    assert_eq!(found.id, 42);
}
