//! Real quotas (§6.1), made deterministic with the hold gate and the manual clock.

use crate::common::*;
use mb_fake::Quotas;

#[tokio::test]
async fn fourth_concurrent_request_gets_quota_parallel_requests() {
    let env = std::sync::Arc::new(env().await);
    env.server.faults().hold_requests();
    let mut held = Vec::new();
    for _ in 0..3 {
        let env = env.clone();
        held.push(tokio::spawn(async move {
            env.get("/management/v1/counters?per_page=1").await.0
        }));
    }
    env.server.wait_in_flight(mb_fake::DEMO_AGENCY, 3).await;
    let (s, v) = env.get("/management/v1/counters?per_page=1").await;
    assert_eq!((s, error_type(&v)), (429, "quota_parallel_requests"));
    env.server.faults().release_requests();
    for h in held {
        assert_eq!(h.await.unwrap(), 200);
    }
    env.server.wait_in_flight(mb_fake::DEMO_AGENCY, 0).await;
    let (s, _) = env.get("/management/v1/counters?per_page=1").await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn thirty_first_request_in_one_second_is_quota_requests_by_ip() {
    let (mut cfg, clock) = config();
    cfg.quotas = Quotas::default();
    let env = env_with(cfg, clock).await;
    for i in 0..30 {
        let (s, _) = env.get("/management/v1/counters?per_page=1").await;
        assert_eq!(s, 200, "request {i}");
    }
    let (s, v) = env.get("/management/v1/counters?per_page=1").await;
    assert_eq!((s, error_type(&v)), (429, "quota_requests_by_ip"));
    env.advance_secs(1);
    let (s, _) = env.get("/management/v1/counters?per_page=1").await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn daily_user_and_counter_quotas_reset_the_next_day() {
    let (mut cfg, clock) = config();
    cfg.quotas = Quotas {
        per_ip_per_second: 10_000,
        daily_per_user: 5,
        daily_per_counter: 3,
        ..Quotas::default()
    };
    let env = env_with(cfg, clock).await;
    let path = format!("/management/v1/counter/{MEBEL}");
    for _ in 0..3 {
        assert_eq!(env.get(&path).await.0, 200);
    }
    let (s, v) = env.get(&path).await;
    assert_eq!((s, error_type(&v)), (429, "quota_requests_by_counter_id"));
    assert_eq!(env.get("/management/v1/counters?per_page=1").await.0, 200);
    let (s, v) = env.get("/management/v1/counters?per_page=1").await;
    assert_eq!((s, error_type(&v)), (429, "quota_requests_by_uid"));
    env.advance_secs(86_400);
    assert_eq!(env.get(&path).await.0, 200);
}

/// «Counted separately per method group» (reference §6.1): a login that used up its reads
/// for the day still uploads, and the other way round.
#[tokio::test]
async fn daily_quotas_count_reads_and_writes_apart() {
    let (mut cfg, clock) = config();
    cfg.quotas = Quotas {
        per_ip_per_second: 10_000,
        daily_per_user: 2,
        daily_per_counter: 1_000,
        ..Quotas::default()
    };
    let env = env_with(cfg, clock).await;
    let read = "/management/v1/counters?per_page=1";
    for _ in 0..2 {
        assert_eq!(env.get(read).await.0, 200);
    }
    let (s, v) = env.get(read).await;
    assert_eq!((s, error_type(&v)), (429, "quota_requests_by_uid"));
    let upload = format!("/management/v1/counter/{MEBEL}/offline_conversions/upload");
    let (s, v) = env.upload(&upload, fixture("offline_clientid.csv")).await;
    assert_eq!(s, 200, "reads used up, writes still go: {v}");
    let (s, _) = env.upload(&upload, fixture("offline_clientid.csv")).await;
    assert_eq!(s, 200);
    let (s, v) = env.upload(&upload, fixture("offline_clientid.csv")).await;
    assert_eq!((s, error_type(&v)), (429, "quota_requests_by_uid"));
}
