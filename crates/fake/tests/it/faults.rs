//! Scripted faults (the `Faults` handle) as a client sees them.

use serde_json::Value;

use crate::common::*;
use mb_fake::{QuotaKind, ServerFault};

#[tokio::test]
async fn rate_limit_next_n_answers_429_without_retry_after() {
    let env = env().await;
    env.server.faults().rate_limit_next(2, QuotaKind::ByUid);
    for _ in 0..2 {
        let r = env
            .http
            .get(env.url("/management/v1/counters"))
            .header("Authorization", format!("OAuth {}", env.token))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 429);
        assert!(r.headers().get("retry-after").is_none());
        let v: Value = r.json().await.unwrap();
        assert_eq!(error_type(&v), "quota_requests_by_uid");
        assert_eq!(v["code"], 429);
    }
    let (s, _) = env.get("/management/v1/counters").await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn quota_status_can_be_420() {
    let env = env().await;
    env.server.faults().use_status_420(true);
    env.server.faults().rate_limit_next(1, QuotaKind::ByIp);
    let (s, v) = env.get("/management/v1/counters").await;
    assert_eq!((s, error_type(&v)), (420, "quota_requests_by_ip"));
}

#[tokio::test]
async fn server_faults_answer_503_504_500() {
    let env = env().await;
    for (kind, status, t) in [
        (ServerFault::BackendError, 503, "backend_error"),
        (ServerFault::Timeout, 504, "timeout"),
        (ServerFault::Internal, 500, "backend_error"),
    ] {
        env.server.faults().fail_next(1, kind);
        let (s, v) = env.get("/management/v1/counters").await;
        assert_eq!((s, error_type(&v)), (status, t));
    }
    let (s, _) = env.get("/management/v1/counters").await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn latency_delays_answers() {
    let env = env().await;
    env.server
        .faults()
        .set_latency(std::time::Duration::from_millis(300));
    let t0 = std::time::Instant::now();
    let (s, _) = env.get("/management/v1/counters?per_page=1").await;
    assert_eq!(s, 200);
    assert!(t0.elapsed() >= std::time::Duration::from_millis(300));
}

#[tokio::test]
async fn dropped_upload_connection_stores_nothing() {
    let env = env().await;
    env.server.faults().drop_next_upload_after(1000);
    let mut body = String::from("ClientId,Target,DateTime\n");
    for i in 0..2000 {
        body.push_str(&format!(
            "17700000000000000{:02},offline_paid,1794228120\n",
            i % 100
        ));
    }
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(body.into_bytes()).file_name("d.csv"),
    );
    let r = env
        .http
        .post(env.url(&format!(
            "/management/v1/counter/{MEBEL}/offline_conversions/upload"
        )))
        .header("Authorization", format!("OAuth {}", env.token))
        .multipart(form)
        .send()
        .await;
    assert!(
        r.is_err(),
        "connection must close without an answer: {:?}",
        r.map(|r| r.status())
    );
    assert!(env.server.state().uploads(MEBEL).is_empty());
    let (s, _) = env
        .upload(
            &format!("/management/v1/counter/{MEBEL}/offline_conversions/upload"),
            fixture("offline_clientid.csv"),
        )
        .await;
    assert_eq!(s, 200, "only the next upload is cut");
}

#[tokio::test]
async fn lost_answer_upload_is_stored_and_findable_by_comment() {
    let env = env().await;
    env.server.faults().lose_next_upload_answers(1);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(fixture("offline_clientid.csv")).file_name("d.csv"),
    );
    let r = env
        .http
        .post(env.url(&format!(
            "/management/v1/counter/{MEBEL}/offline_conversions/upload?comment=MU20261122T0700ZLOST"
        )))
        .header("Authorization", format!("OAuth {}", env.token))
        .multipart(form)
        .send()
        .await;
    assert!(r.is_err());
    let (_, v) = env
        .get(&format!(
            "/management/v1/counter/{MEBEL}/offline_conversions/uploadings"
        ))
        .await;
    assert_eq!(v["uploadings"][0]["comment"], "MU20261122T0700ZLOST");
    let log = env.server.state().request_log();
    assert!(
        log.iter()
            .any(|e| e.path.ends_with("/upload") && e.status == 0),
        "logged, unanswered"
    );
}

#[tokio::test]
async fn lost_answer_applies_to_cdp_uploads_too() {
    let env = env().await;
    env.server.faults().lose_next_upload_answers(1);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(fixture("contacts.csv")).file_name("c.csv"),
    );
    let r = env
        .http
        .post(env.url(&format!(
            "/cdp/api/v1/counter/{MEBEL}/data/contacts/csv?merge_mode=SAVE"
        )))
        .header("Authorization", format!("OAuth {}", env.token))
        .multipart(form)
        .send()
        .await;
    assert!(r.is_err());
    let (_, v) = env
        .get(&format!("/cdp/api/v1/counter/{MEBEL}/last_uploadings"))
        .await;
    assert_eq!(v["uploadings"][0]["api_validation_status"], "PASSED");
}

#[tokio::test]
async fn threshold_endpoints_can_404() {
    let env = env().await;
    env.server.faults().thresholds_404(true);
    let oc = format!("/management/v1/counter/{MEBEL}/offline_conversions");
    for p in ["visit_join_threshold", "calls_visit_join_threshold"] {
        let (s, v) = env.get(&format!("{oc}/{p}")).await;
        assert_eq!((s, error_type(&v)), (404, "not_found"));
    }
    let (s, _) = env
        .send_json(
            reqwest::Method::POST,
            &format!("{oc}/extended_threshold"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn reset_clears_switches() {
    let env = env().await;
    env.server.faults().thresholds_404(true);
    env.server.faults().fail_next(5, ServerFault::BackendError);
    env.server.faults().reset();
    let (s, _) = env
        .get(&format!(
            "/management/v1/counter/{MEBEL}/offline_conversions/visit_join_threshold"
        ))
        .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn throttled_uploads_are_read_no_faster_than_the_rate() {
    let env = env().await;
    let mut body = String::from("ClientId,Target,DateTime\n");
    for i in 0..6000 {
        body.push_str(&format!("17700000000000{:05},offline_paid,1794228120\n", i));
    }
    let len = body.len() as u64; // about 270 KB
    let path = format!("/management/v1/counter/{MEBEL}/offline_conversions/upload");
    let send = |body: String| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(body.into_bytes()).file_name("t.csv"),
        );
        env.http
            .post(env.url(&path))
            .header("Authorization", format!("OAuth {}", env.token))
            .multipart(form)
            .send()
    };
    env.server.faults().throttle_uploads(Some(len));
    let t0 = std::time::Instant::now();
    let r = send(body.clone()).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        t0.elapsed() >= std::time::Duration::from_millis(900),
        "{len} bytes at {len} B/s took {:?}",
        t0.elapsed()
    );
    // Reading slowly changes nothing of what is stored.
    assert_eq!(env.server.state().uploads(MEBEL).len(), 1);
    env.server.faults().throttle_uploads(None);
    assert_eq!(send(body).await.unwrap().status(), 200);
    assert_eq!(env.server.state().uploads(MEBEL).len(), 2);
}
