//! Management endpoints: shapes, paging, permissions, goals, thresholds, accounts (§3, §4.7).

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn counters_pages_with_one_based_offset_and_total_rows() {
    let env = env().await;
    let (s, v) = env.get("/management/v1/counters").await;
    assert_eq!(s, 200);
    assert_eq!(v["rows"], 36);
    assert_eq!(v["counters"].as_array().unwrap().len(), 36);
    let (_, p1) = env
        .get("/management/v1/counters?per_page=10&offset=1")
        .await;
    let (_, p4) = env
        .get("/management/v1/counters?per_page=10&offset=31")
        .await;
    assert_eq!(p1["rows"], 36);
    assert_eq!(p1["counters"].as_array().unwrap().len(), 10);
    assert_eq!(p1["counters"][0]["id"], MEBEL);
    assert_eq!(p4["counters"].as_array().unwrap().len(), 6);
    let (s, v) = env.get("/management/v1/counters?offset=0").await;
    assert_eq!((s, error_type(&v)), (400, "invalid_parameter"));
}

#[tokio::test]
async fn counter_brief_carries_the_documented_fields() {
    let env = env().await;
    let (_, v) = env.get("/management/v1/counters?per_page=1").await;
    let c = &v["counters"][0];
    for f in [
        "id",
        "name",
        "site2",
        "owner_login",
        "permission",
        "status",
        "type",
        "favorite",
        "create_time",
        "time_zone_name",
        "time_zone_offset",
    ] {
        assert!(c.get(f).is_some(), "missing {f}: {c}");
    }
    assert_eq!(c["site2"]["site"], "mebel-roma.ru");
    assert_eq!(c["permission"], "edit");
    assert_eq!(c["owner_login"], "mebel-roma");
    assert_eq!(c["time_zone_offset"], 180);
    assert!(c.get("goals").is_none());
    let (_, v) = env
        .get("/management/v1/counters?per_page=1&field=goals")
        .await;
    assert!(v["counters"][0]["goals"].as_array().unwrap().len() >= 7);
}

#[tokio::test]
async fn counters_filter_by_permission_and_search() {
    let env = env().await;
    let (_, v) = env.get("/management/v1/counters?permission=view").await;
    assert_eq!(v["rows"], 2);
    let (_, v) = env.get("/management/v1/counters?permission=own,view").await;
    assert_eq!(v["rows"], 5);
    let (_, v) = env
        .get("/management/v1/counters?search_string=%D1%86%D0%B2%D0%B5%D1%82%D1%8B")
        .await;
    assert_eq!(v["rows"], 1, "{v}");
    let (_, v) = env
        .get(&format!("/management/v1/counters?search_string={URAL}"))
        .await;
    assert_eq!(v["counters"][0]["id"], URAL);
    let (_, v) = env
        .get("/management/v1/counters?search_string=sibshina.ru")
        .await;
    assert_eq!(v["rows"], 1);
    let (s, _) = env.get("/management/v1/counters?permission=boss").await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn ulogin_lists_a_represented_clients_counters_only() {
    let env = env().await;
    let (_, v) = env.get("/management/v1/counters?ulogin=mebel-roma").await;
    assert_eq!(v["rows"], 1);
    assert_eq!(v["counters"][0]["permission"], "own");
    let (s, v) = env.get("/management/v1/counters?ulogin=sibshina").await;
    assert_eq!((s, error_type(&v)), (403, "access_denied"));
    let (_, v) = env.get("/management/v1/accounts").await;
    let logins: Vec<_> = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["user_login"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(logins, ["mebel-roma", "cvety-spb", "autoservice-ural"]);
    assert!(v["accounts"][0]["created_at"].is_string());
}

#[tokio::test]
async fn shop_owner_sees_two_own_counters() {
    let env = env().await;
    let t = env.server.issue_token(mb_fake::SHOP_OWNER);
    let (_, v) = env.get_as("/management/v1/counters", &t).await;
    assert_eq!(v["rows"], 2);
    assert!(
        v["counters"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["permission"] == "own")
    );
}

#[tokio::test]
async fn one_counter_and_json_suffix() {
    let env = env().await;
    let (s, v) = env.get(&format!("/management/v1/counter/{URAL}")).await;
    assert_eq!(s, 200);
    let c = &v["counter"];
    assert_eq!(c["time_zone_name"], "Asia/Yekaterinburg");
    assert_eq!(c["time_zone_offset"], 300);
    assert!(c["offline_options"]["offline_conversion_extended_threshold"].is_boolean());
    let (s, v2) = env
        .get(&format!("/management/v1/counter/{URAL}.json"))
        .await;
    assert_eq!(s, 200);
    assert_eq!(v2["counter"]["id"], v["counter"]["id"]);
    let (s, v) = env.get("/management/v1/counter/99999999").await;
    assert_eq!((s, error_type(&v)), (404, "not_found"));
    let (s, v) = env.get(&format!("/management/v1/counter/{SHOP}")).await;
    assert_eq!((s, error_type(&v)), (403, "access_denied"));
}

#[tokio::test]
async fn goals_list_has_exact_action_goals_and_a_greyed_contain_goal() {
    let env = env().await;
    let (_, v) = env
        .get(&format!("/management/v1/counter/{MEBEL}/goals"))
        .await;
    let goals = v["goals"].as_array().unwrap();
    let exact: Vec<&str> = goals
        .iter()
        .filter(|g| g["type"] == "action" && g["conditions"][0]["type"] == "exact")
        .map(|g| g["conditions"][0]["url"].as_str().unwrap())
        .collect();
    for (id, _) in mb_fake::SAMPLE_GOALS {
        assert!(exact.contains(&id), "{id}");
    }
    assert!(
        goals
            .iter()
            .any(|g| g["type"] == "action" && g["conditions"][0]["type"] == "contain")
    );
    assert!(goals.iter().any(|g| g["type"] == "url"));
    let g = &goals[0];
    for f in [
        "id",
        "name",
        "type",
        "default_price",
        "goal_source",
        "is_favorite",
        "status",
        "conditions",
    ] {
        assert!(g.get(f).is_some(), "missing {f}");
    }
    let (s, one) = env
        .get(&format!("/management/v1/counter/{MEBEL}/goal/{}", g["id"]))
        .await;
    assert_eq!((s, &one["goal"]), (200, g));
}

#[tokio::test]
async fn creating_a_goal_validates_and_returns_the_id() {
    let env = env().await;
    let path = format!("/management/v1/counter/{MEBEL}/goals");
    let body = json!({"goal": {"name": "Оплата в офисе 2", "type": "action", "conditions": [{"type": "exact", "url": "offline_paid_2"}]}});
    let (s, v) = env.send_json(reqwest::Method::POST, &path, &body).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["goal"]["id"].as_i64().unwrap() > 0);
    assert_eq!(v["goal"]["conditions"][0]["url"], "offline_paid_2");
    assert!(
        env.server
            .state()
            .counter(MEBEL)
            .unwrap()
            .goal_ids()
            .contains("offline_paid_2")
    );
    for bad in [
        json!({"goal": {"type": "action", "conditions": [{"type": "exact", "url": "x"}]}}),
        json!({"goal": {"name": "x", "type": "teleport"}}),
        json!({"goal": {"name": "x", "type": "action"}}),
        json!({"goal": {"name": "x", "type": "action", "conditions": [{"type": "exact", "url": "a?b"}]}}),
    ] {
        let (s, v) = env.send_json(reqwest::Method::POST, &path, &bad).await;
        assert_eq!((s, error_type(&v)), (400, "invalid_parameter"), "{bad}");
    }
    let r = env
        .http
        .post(env.url(&path))
        .header("Authorization", format!("OAuth {}", env.token))
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let (s, v) = env
        .send_json(
            reqwest::Method::POST,
            &format!("/management/v1/counter/{VIEW_ONLY}/goals"),
            &body,
        )
        .await;
    assert_eq!((s, error_type(&v)), (403, "access_denied"));
}

#[tokio::test]
async fn goal_limit_is_limit_exceeded() {
    let env = env().await;
    let path = format!("/management/v1/counter/{AGENCY_OWN}/goals");
    let mut last = (0, json!(null));
    for i in 0..200 {
        let body = json!({"goal": {"name": format!("g{i}"), "type": "action", "conditions": [{"type": "exact", "url": format!("g{i}")}]}});
        last = env.send_json(reqwest::Method::POST, &path, &body).await;
        if last.0 != 200 {
            break;
        }
    }
    assert_eq!((last.0, error_type(&last.1)), (400, "limit_exceeded"));
}

#[tokio::test]
async fn threshold_endpoints_answer_success_and_a_date() {
    let env = env().await;
    let oc = format!("/management/v1/counter/{MEBEL}/offline_conversions");
    for p in ["extended_threshold", "calls_extended_threshold"] {
        let (s, v) = env
            .send_json(reqwest::Method::POST, &format!("{oc}/{p}"), &json!({}))
            .await;
        assert_eq!((s, v), (200, json!({"success": true})));
        let (s, v) = env
            .send_json(reqwest::Method::DELETE, &format!("{oc}/{p}"), &json!({}))
            .await;
        assert_eq!((s, v), (200, json!({"success": true})));
    }
    env.send_json(
        reqwest::Method::POST,
        &format!("{oc}/extended_threshold"),
        &json!({}),
    )
    .await;
    let (_, v) = env.get(&format!("{oc}/visit_join_threshold")).await;
    assert_eq!(v["date"], "2026-11-22", "enabled just now");
    let (_, v) = env
        .get(&format!(
            "/management/v1/counter/{AGENCY_OWN}/offline_conversions/calls_visit_join_threshold"
        ))
        .await;
    assert_eq!(v["date"], "2026-11-01", "enabled long ago: now − 21 days");
}

#[tokio::test]
async fn auth_errors_follow_the_documented_choice() {
    let env = env().await;
    let r = env
        .http
        .get(env.url("/management/v1/counters"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(error_type(&v), "unauthorized");
    let r = env
        .http
        .get(env.url("/management/v1/counters"))
        .header("Authorization", format!("Bearer {}", env.token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let (s, v) = env.get_as("/management/v1/counters", "y0_unknown").await;
    assert_eq!((s, error_type(&v)), (403, "invalid_token"));
    let t = env
        .server
        .issue_token_with_scope(mb_fake::DEMO_AGENCY, &["metrika:read".to_string()]);
    let (s, _) = env.get_as("/management/v1/counters", &t).await;
    assert_eq!(s, 200);
    let r = env
        .http
        .post(env.url(&format!(
            "/management/v1/counter/{MEBEL}/offline_conversions/upload"
        )))
        .header("Authorization", format!("OAuth {t}"))
        .multipart(reqwest::multipart::Form::new().text("file", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "read scope cannot upload");
    env.clock
        .advance(std::time::Duration::from_secs(31_536_001));
    let (s, v) = env.get("/management/v1/counters").await;
    assert_eq!((s, error_type(&v)), (403, "invalid_token"), "expired");
}

#[tokio::test]
async fn unknown_paths_are_json_404s_and_requests_are_logged_without_tokens() {
    let env = env().await;
    let (s, v) = env.get("/management/v1/nothing").await;
    assert_eq!((s, error_type(&v)), (404, "not_found"));
    let log = env.server.state().request_log();
    let e = log
        .iter()
        .find(|e| e.path == "/management/v1/nothing")
        .unwrap();
    assert_eq!((e.method.as_str(), e.status), ("GET", 404));
    assert!(
        e.headers
            .iter()
            .all(|(k, v)| k != "authorization" && !v.contains(&env.token))
    );
}

#[tokio::test]
async fn pretty_one_indents_the_json() {
    let env = env().await;
    let r = env
        .http
        .get(env.url("/management/v1/counters?per_page=1&pretty=1"))
        .header("Authorization", format!("OAuth {}", env.token))
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    assert!(text.contains("\n  \"counters\""), "{text}");
}

#[tokio::test]
async fn status_page_is_served() {
    let env = env().await;
    let r = env.http.get(env.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("demo-agency"));
}

#[tokio::test]
async fn minimal_seed_has_one_login_and_three_counters() {
    let (mut cfg, clock) = config();
    cfg.seed = mb_fake::Seed::Minimal;
    let server = mb_fake::FakeServer::start(cfg).await.unwrap();
    let _keep = clock;
    let t = server.issue_token(mb_fake::MINIMAL_LOGIN);
    let r = reqwest::Client::new()
        .get(format!("{}/management/v1/counters", server.api_base))
        .header("Authorization", format!("OAuth {t}"))
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    let perms: Vec<_> = v["counters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["permission"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(perms, ["own", "edit", "view"]);
    let line: serde_json::Value = serde_json::from_str(&server.ready_line()).unwrap();
    assert_eq!(line["oauth_base"], format!("{}/oauth", server.api_base));
    assert!(server.ready_line().starts_with("{\"api_base\""));
    assert_eq!(line["time_scale"], 1.0);
    server.shutdown().await;
}
