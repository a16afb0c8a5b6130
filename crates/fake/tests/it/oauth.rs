//! OAuth and login info (§2): PKCE, code page, redirect matching, refresh, device flow, revoke.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::common::*;

const VERIFIER: &str = "kq3Xv0pD9yZ2wT8rL1nB5cM7eH4jF6gA0sQ9uI2oP3aR8tY7";

fn challenge(v: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(v.as_bytes()))
}

fn query_of(location: &str) -> Vec<(String, String)> {
    let u = url::Url::parse(location).unwrap();
    u.query_pairs().into_owned().collect()
}

fn get<'a>(q: &'a [(String, String)], k: &str) -> Option<&'a str> {
    q.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str())
}

async fn authorize(env: &Env, extra: &str) -> reqwest::Response {
    let url = format!(
        "{}/authorize?response_type=code&client_id=mbridge-demo{extra}",
        env.server.oauth_base
    );
    env.http.get(url).send().await.unwrap()
}

async fn code_for_loopback(env: &Env, port: u16) -> String {
    let extra = format!(
        "&redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Fcallback&state=xyz&code_challenge={}&code_challenge_method=S256&login_hint=shop-owner",
        challenge(VERIFIER)
    );
    let r = authorize(env, &extra).await;
    assert_eq!(r.status(), 302, "{:?}", r.text().await);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        loc.starts_with(&format!("http://127.0.0.1:{port}/callback?")),
        "{loc}"
    );
    let q = query_of(&loc);
    assert_eq!(get(&q, "state"), Some("xyz"));
    get(&q, "code").unwrap().to_string()
}

async fn token(env: &Env, form: &[(&str, &str)]) -> (u16, Value) {
    let r = env
        .http
        .post(format!("{}/token", env.server.oauth_base))
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn pkce_code_exchange_issues_a_y0_token_once() {
    let env = env().await;
    let code = code_for_loopback(&env, 53682).await;
    let (s, v) = token(
        &env,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "mbridge-demo"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let t = v["access_token"].as_str().unwrap();
    assert!(t.starts_with("y0_") && t.len() == 57, "{t}");
    assert!(
        t[3..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_eq!(v["token_type"], "bearer");
    assert_eq!(v["expires_in"], 31_536_000);
    assert!(v["refresh_token"].is_string());
    let (s, info) = env.get_as("/login/info?format=json", t).await;
    assert_eq!(s, 200);
    assert_eq!(info["login"], "shop-owner");
    assert_eq!(info["client_id"], "mbridge-demo");
    let (s, v) = token(
        &env,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "mbridge-demo"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (400, Some("invalid_grant")),
        "single use"
    );
}

#[tokio::test]
async fn wrong_or_missing_verifier_is_invalid_grant() {
    let env = env().await;
    let code = code_for_loopback(&env, 8765).await;
    let wrong = "x".repeat(50);
    let (s, v) = token(
        &env,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "mbridge-demo"),
            ("code_verifier", &wrong),
        ],
    )
    .await;
    assert_eq!((s, v["error"].as_str()), (400, Some("invalid_grant")));
    assert!(v["error_description"].is_string());
    let (s, v) = token(
        &env,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "mbridge-demo"),
        ],
    )
    .await;
    assert_eq!((s, v["error"].as_str()), (400, Some("invalid_grant")));
    let (s, _) = token(
        &env,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "mbridge-demo"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(s, 200, "the code survives failed attempts");
}

#[tokio::test]
async fn codes_expire_after_ten_minutes() {
    let env = env().await;
    let code = code_for_loopback(&env, 8765).await;
    env.advance_secs(601);
    let (s, v) = token(
        &env,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "mbridge-demo"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!((s, v["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn client_secret_is_the_alternative_to_pkce() {
    let env = env().await;
    let r = authorize(
        &env,
        "&redirect_uri=http%3A%2F%2Flocalhost%3A53682%2Fcallback",
    )
    .await;
    let code = get(&query_of(r.headers()["location"].to_str().unwrap()), "code")
        .unwrap()
        .to_string();
    let (s, _) = token(
        &env,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "mbridge-demo"),
            ("client_secret", "nope"),
        ],
    )
    .await;
    assert_eq!(s, 400);
    let (s, v) = token(
        &env,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "mbridge-demo"),
        ],
    )
    .await;
    assert_eq!((s, v["error"].as_str()), (400, Some("invalid_client")));
    let basic =
        base64::engine::general_purpose::STANDARD.encode("mbridge-demo:mbridge-demo-secret");
    let r = env
        .http
        .post(format!("{}/token", env.server.oauth_base))
        .header("Authorization", format!("Basic {basic}"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "Basic header credentials");
}

/// docs/metrika-api.md §2: scheme, host, port and path must match; the app's real port is
/// registered, and another port works only once registered.
#[tokio::test]
async fn s2_loopback_redirects_match_the_registered_port_exactly() {
    let env = env().await;
    let at = |port: u16| format!("&redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Fcallback");
    assert_eq!(authorize(&env, &at(53682)).await.status(), 302);
    assert_eq!(authorize(&env, &at(49152)).await.status(), 400);
    env.server
        .register_redirect_uri("http://127.0.0.1:49152/callback");
    assert_eq!(authorize(&env, &at(49152)).await.status(), 302);
}

#[tokio::test]
async fn unregistered_redirects_get_an_error_page_not_a_redirect() {
    let env = env().await;
    for uri in [
        "http%3A%2F%2F127.0.0.1%3A8765%2Fother",
        "https%3A%2F%2Fevil.example%2Fcallback",
        // docs/metrika-api.md §2: a loopback URI on an unregistered port is refused too.
        "http%3A%2F%2F127.0.0.1%3A49152%2Fcallback",
    ] {
        let r = authorize(&env, &format!("&redirect_uri={uri}")).await;
        assert_eq!(r.status(), 400);
        assert!(r.headers().get("location").is_none());
    }
    let r = env
        .http
        .get(format!(
            "{}/authorize?response_type=code&client_id=other",
            env.server.oauth_base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn verification_code_flow_shows_the_code() {
    let env = env().await;
    for extra in [
        "",
        "&redirect_uri=https%3A%2F%2Foauth.yandex.ru%2Fverification_code",
    ] {
        let r = authorize(&env, extra).await;
        let loc = r.headers()["location"].to_str().unwrap().to_string();
        assert!(
            loc.starts_with(&format!("{}/verification_code?", env.server.oauth_base)),
            "{loc}"
        );
        let code = get(&query_of(&loc), "code").unwrap().to_string();
        let page = env
            .http
            .get(&loc)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains(&code));
        let (s, _) = token(
            &env,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("client_id", "mbridge-demo"),
                ("client_secret", "mbridge-demo-secret"),
            ],
        )
        .await;
        assert_eq!(s, 200);
    }
}

#[tokio::test]
async fn denial_and_bad_scope_come_back_on_the_redirect() {
    let env = env().await;
    let r = authorize(
        &env,
        "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback&state=s1&deny=1",
    )
    .await;
    let q = query_of(r.headers()["location"].to_str().unwrap());
    assert_eq!(
        (get(&q, "error"), get(&q, "state")),
        (Some("access_denied"), Some("s1"))
    );
    let r = authorize(
        &env,
        "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback&scope=metrika%3Aexpenses",
    )
    .await;
    let q = query_of(r.headers()["location"].to_str().unwrap());
    assert_eq!(get(&q, "error"), Some("invalid_scope"));
}

#[tokio::test]
async fn refresh_returns_the_same_token_while_young_and_can_demand_the_secret() {
    let env = env().await;
    let code = code_for_loopback(&env, 8765).await;
    let (_, v) = token(
        &env,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "mbridge-demo"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    let access = v["access_token"].as_str().unwrap().to_string();
    let refresh = v["refresh_token"].as_str().unwrap().to_string();
    let (s, r) = token(
        &env,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", "mbridge-demo"),
        ],
    )
    .await;
    assert_eq!(
        (s, r["access_token"].as_str()),
        (200, Some(access.as_str()))
    );
    env.server.faults().refresh_requires_secret(true);
    let (s, r) = token(
        &env,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", "mbridge-demo"),
        ],
    )
    .await;
    assert_eq!((s, r["error"].as_str()), (400, Some("invalid_client")));
    env.server.faults().refresh_requires_secret(false);
    env.server.faults().expire_token(&access);
    let (s, _) = env.get_as("/management/v1/counters", &access).await;
    assert_eq!(s, 403);
    let (s, r) = token(
        &env,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", "mbridge-demo"),
        ],
    )
    .await;
    assert_eq!(s, 200);
    let fresh = r["access_token"].as_str().unwrap();
    assert_ne!(fresh, access);
    let (s, _) = env.get_as("/management/v1/counters", fresh).await;
    assert_eq!(s, 200);
    let (s, r) = token(
        &env,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", "1:bogus:bogus"),
            ("client_id", "mbridge-demo"),
        ],
    )
    .await;
    assert_eq!((s, r["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn device_flow_is_pending_then_slow_down_then_success() {
    let env = env().await;
    let r = env
        .http
        .post(format!("{}/device/code", env.server.oauth_base))
        .form(&[("client_id", "mbridge-demo")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let d: Value = r.json().await.unwrap();
    let dc = d["device_code"].as_str().unwrap().to_string();
    assert_eq!(d["user_code"].as_str().unwrap().len(), 8);
    assert_eq!(d["interval"], 5);
    assert_eq!(d["expires_in"], 300);
    assert_eq!(
        d["verification_url"],
        format!("{}/device", env.server.oauth_base)
    );
    let poll = |secret: &'static str| {
        let dc = dc.clone();
        let env = &env;
        async move {
            let mut f = vec![
                ("grant_type", "device_code"),
                ("code", dc.as_str()),
                ("client_id", "mbridge-demo"),
            ];
            if !secret.is_empty() {
                f.push(("client_secret", secret));
            }
            token(env, &f).await
        }
    };
    let (s, v) = poll("").await;
    assert_eq!(
        (s, v["error"].as_str()),
        (400, Some("invalid_client")),
        "secret required"
    );
    let (_, v) = poll("mbridge-demo-secret").await;
    assert_eq!(v["error"], "authorization_pending");
    let (_, v) = poll("mbridge-demo-secret").await;
    assert_eq!(v["error"], "slow_down", "polled again without waiting");
    env.advance_secs(5);
    let (_, v) = poll("mbridge-demo-secret").await;
    assert_eq!(v["error"], "authorization_pending");
    env.advance_secs(5);
    let (s, v) = poll("mbridge-demo-secret").await;
    assert_eq!(s, 200, "{v}");
    assert!(v["access_token"].as_str().unwrap().starts_with("y0_"));
}

#[tokio::test]
async fn revoked_tokens_stop_working_everywhere() {
    let env = env().await;
    let t = env.server.issue_token(mb_fake::DEMO_AGENCY);
    let r = env
        .http
        .post(format!("{}/revoke_token", env.server.oauth_base))
        .form(&[
            ("access_token", t.as_str()),
            ("client_id", "mbridge-demo"),
            ("client_secret", "mbridge-demo-secret"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (s, v) = env.get_as("/management/v1/counters", &t).await;
    assert_eq!((s, error_type(&v)), (403, "invalid_token"));
    let r = env
        .http
        .get(format!("{}/info?format=json", env.server.login_base))
        .header("Authorization", format!("OAuth {t}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "NOT_AUTHORIZED");
    assert_eq!(env.server.state().tokens_revoked().len(), 1);
    let t2 = env.server.issue_token(mb_fake::DEMO_AGENCY);
    env.server.faults().revoke_token(&t2);
    assert!(!env.server.state().token_is_valid(&t2));
}

#[tokio::test]
async fn login_info_fields_follow_scopes() {
    let env = env().await;
    let r = env
        .http
        .get(format!("{}/info?format=json", env.server.login_base))
        .header("Authorization", format!("OAuth {}", env.token))
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["login"], "demo-agency");
    assert_eq!(v["display_name"], "Демо-агентство");
    assert_eq!(v["id"], "1130000012345678");
    assert!(v["psuid"].as_str().unwrap().starts_with("1.AA"));
    let t = env
        .server
        .issue_token_with_scope("demo-agency", &["metrika:read".into()]);
    let r = env
        .http
        .get(format!("{}/info?format=json", env.server.login_base))
        .header("Authorization", format!("OAuth {t}"))
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert!(v.get("display_name").is_none());
    let r = env
        .http
        .get(format!("{}/info?format=json", env.server.login_base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
