//! Sign-in flows against mb-fake's OAuth: PKCE loopback, paste-the-code, device flow, refresh,
//! revoke.

use std::time::Duration;

use mb_api::oauth::{AuthorizeOptions, OAuthAppConfig, SignIn, VERIFICATION_CODE_URI};
use mb_api::{ApiError, CancellationToken, Client, Token};
use mb_fake::FakeConfig;

use crate::fake;

/// The app config for `f`: its loopback port is a free one, registered on the fake (which,
/// like Yandex, matches redirect ports exactly — docs/metrika-api.md §2).
fn app_for(f: &fake::Fake, secret: bool) -> OAuthAppConfig {
    let mut a = app(secret);
    a.loopback_port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    f.server
        .register_redirect_uri(&format!("http://127.0.0.1:{}/callback", a.loopback_port));
    a
}

fn app(secret: bool) -> OAuthAppConfig {
    let d = FakeConfig::default();
    let mut a = OAuthAppConfig::new(d.client_id.clone());
    a.loopback_port = 0;
    if secret {
        a.client_secret = d.client_secret.map(Token::new);
    }
    a
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Plays the browser: follows the authorize redirect to our loopback listener.
async fn loopback_sign_in(f: &fake::Fake, signin: &SignIn) -> mb_api::tokens::StoredToken {
    let opts = AuthorizeOptions {
        login_hint: Some("demo-agency".into()),
        device_id: Some("0f7c9a3e-test-device".into()),
        device_name: Some("test laptop".into()),
        ..Default::default()
    };
    let flow = signin.start_loopback(&opts).await.unwrap();
    let url = flow.authorize_url().clone();
    assert!(url.as_str().starts_with(&f.server.oauth_base));
    let waiting = tokio::spawn(flow.finish(Duration::from_secs(10)));
    let resp = browser().get(url).send().await.unwrap();
    assert!(resp.status().is_redirection(), "{}", resp.status());
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("http://127.0.0.1:"), "{location}");
    let page = browser().get(&location).send().await.unwrap();
    assert!(page.status().is_success());
    waiting.await.unwrap().unwrap()
}

#[tokio::test]
async fn pkce_loopback_sign_in_gives_a_working_token() {
    let f = fake::start().await;
    let signin = SignIn::new(&fake::config(&f.server), app_for(&f, false)).unwrap();
    let stored = loopback_sign_in(&f, &signin).await;
    assert!(stored.access.expose().starts_with("y0_"));
    assert!(stored.refresh.is_some());
    assert!(stored.expires_at.is_some());
    let client = Client::new(fake::config(&f.server), stored.access.clone()).unwrap();
    assert_eq!(client.user_info().await.unwrap().login, "demo-agency");
}

/// Any web page can make the browser request `127.0.0.1:53682/callback?state=x`: such a request
/// is answered 400 and the sign-in goes on waiting for the real callback, which then succeeds.
#[tokio::test]
async fn a_forged_state_gets_400_and_the_real_callback_still_signs_in() {
    let f = fake::start().await;
    let signin = SignIn::new(&fake::config(&f.server), app_for(&f, false)).unwrap();
    let flow = signin
        .start_loopback(&AuthorizeOptions::default())
        .await
        .unwrap();
    let redirect = flow.redirect_uri().to_string();
    let url = flow.authorize_url().clone();
    let waiting = tokio::spawn(flow.finish(Duration::from_secs(10)));
    for forged in ["?code=abc&state=forged", "?code=abc", ""] {
        let resp = browser()
            .get(format!("{redirect}{forged}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{forged}");
        assert!(!resp.text().await.unwrap().contains("вход выполнен"));
    }
    assert!(!waiting.is_finished());
    let resp = browser().get(url).send().await.unwrap();
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let page = browser().get(&location).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("вход выполнен"));
    assert!(waiting.await.unwrap().is_ok());
}

/// One idle local connection (it never sends a byte) used to block the listener until it
/// closed; now each connection has its own task and the real callback gets through.
#[tokio::test]
async fn an_idle_local_connection_does_not_block_the_callback() {
    let f = fake::start().await;
    let signin = SignIn::new(&fake::config(&f.server), app_for(&f, false)).unwrap();
    let flow = signin
        .start_loopback(&AuthorizeOptions::default())
        .await
        .unwrap();
    let redirect = flow.redirect_uri().to_string();
    let port = url::Url::parse(&redirect).unwrap().port().unwrap();
    let url = flow.authorize_url().clone();
    let waiting = tokio::spawn(flow.finish(Duration::from_secs(10)));
    let _idle = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let _idle2 = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let resp = browser().get(url).send().await.unwrap();
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let page = tokio::time::timeout(Duration::from_secs(3), browser().get(&location).send())
        .await
        .expect("the callback is served while idle sockets stay open")
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(waiting.await.unwrap().is_ok());
}

/// The page says «вход выполнен» only once the code was exchanged: a callback with the right
/// state but a code the server refuses shows the failure page and ends the sign-in with the
/// server's error.
#[tokio::test]
async fn the_success_page_waits_for_the_exchange() {
    let f = fake::start().await;
    let signin = SignIn::new(&fake::config(&f.server), app_for(&f, false)).unwrap();
    let flow = signin
        .start_loopback(&AuthorizeOptions::default())
        .await
        .unwrap();
    let redirect = flow.redirect_uri().to_string();
    let state = flow
        .authorize_url()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let waiting = tokio::spawn(flow.finish(Duration::from_secs(10)));
    let page = browser()
        .get(format!("{redirect}?code=not-a-real-code&state={state}"))
        .send()
        .await
        .unwrap();
    let text = page.text().await.unwrap();
    assert!(text.contains("вход не выполнен"), "{text}");
    assert!(waiting.await.unwrap().is_err());
}

/// A cancelled sign-in ends at once and frees the port for the next attempt.
#[tokio::test]
async fn a_cancelled_loopback_sign_in_frees_the_port() {
    let f = fake::start().await;
    let signin = SignIn::new(&fake::config(&f.server), app_for(&f, false)).unwrap();
    let flow = signin
        .start_loopback(&AuthorizeOptions::default())
        .await
        .unwrap();
    let port = url::Url::parse(flow.redirect_uri())
        .unwrap()
        .port()
        .unwrap();
    let cancel = CancellationToken::new();
    let c = cancel.clone();
    let waiting =
        tokio::spawn(async move { flow.finish_or_cancel(Duration::from_secs(300), &c).await });
    cancel.cancel();
    let r = tokio::time::timeout(Duration::from_secs(2), waiting)
        .await
        .expect("cancel ends the wait at once")
        .unwrap();
    assert!(matches!(r, Err(ApiError::Cancelled)));
    tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("the port is free again");
}

#[tokio::test]
async fn loopback_sign_in_times_out_when_the_browser_never_returns() {
    let f = fake::start().await;
    let signin = SignIn::new(&fake::config(&f.server), app_for(&f, false)).unwrap();
    let flow = signin
        .start_loopback(&AuthorizeOptions::default())
        .await
        .unwrap();
    let r = flow.finish(Duration::from_millis(50)).await;
    assert!(matches!(r, Err(ApiError::SignInTimeout)));
}

#[tokio::test]
async fn paste_the_code_sign_in() {
    let f = fake::start().await;
    let signin = SignIn::new(&fake::config(&f.server), app_for(&f, false)).unwrap();
    let flow = signin.start_paste(&AuthorizeOptions::default()).unwrap();
    let q: std::collections::HashMap<_, _> =
        flow.authorize_url().query_pairs().into_owned().collect();
    assert_eq!(q["redirect_uri"], VERIFICATION_CODE_URI);
    let code = code_from_page(flow.authorize_url().clone()).await;
    let stored = flow.finish(&code).await.unwrap();
    let client = Client::new(fake::config(&f.server), stored.access).unwrap();
    assert_eq!(client.user_info().await.unwrap().login, "demo-agency");
}

/// The fake shows the code on a page (possibly after a redirect to its verification page).
async fn code_from_page(url: url::Url) -> String {
    let b = reqwest::Client::builder().build().unwrap();
    let resp = b.get(url).send().await.unwrap();
    let final_url = resp.url().clone();
    if let Some((_, c)) = final_url.query_pairs().find(|(k, _)| k == "code") {
        return c.into_owned();
    }
    let html = resp.text().await.unwrap();
    extract_code(&html).unwrap_or_else(|| panic!("no code in page: {html}"))
}

fn extract_code(html: &str) -> Option<String> {
    for marker in ["data-code=\"", "id=\"code\">", "<code>"] {
        if let Some(i) = html.find(marker) {
            let rest = &html[i + marker.len()..];
            let end = rest.find(['"', '<'])?;
            return Some(rest[..end].trim().to_string());
        }
    }
    None
}

#[tokio::test]
async fn device_flow_polls_until_the_user_confirms() {
    let f = fake::start_with(FakeConfig {
        device_interval_secs: 0,
        ..FakeConfig::default()
    })
    .await;
    let signin = SignIn::new(&fake::config(&f.server), app_for(&f, true)).unwrap();
    let flow = signin
        .start_device(&AuthorizeOptions::default())
        .await
        .unwrap();
    assert!(!flow.user_code().is_empty());
    assert!(!flow.verification_url().is_empty());
    let stored = flow
        .finish_with_interval(Some(Duration::from_millis(5)), &CancellationToken::new())
        .await
        .unwrap();
    let client = Client::new(fake::config(&f.server), stored.access).unwrap();
    assert!(client.user_info().await.is_ok());
}

#[tokio::test]
async fn device_flow_needs_a_secret() {
    let f = fake::start().await;
    let signin = SignIn::new(&fake::config(&f.server), app_for(&f, false)).unwrap();
    assert!(matches!(
        signin.start_device(&AuthorizeOptions::default()).await,
        Err(ApiError::Config(_))
    ));
}

#[tokio::test]
async fn refresh_without_secret_then_sign_in_again_when_the_secret_is_demanded() {
    let f = fake::start().await;
    let signin = SignIn::new(&fake::config(&f.server), app_for(&f, false)).unwrap();
    let stored = loopback_sign_in(&f, &signin).await;
    let refresh = stored.refresh.clone().unwrap();
    let renewed = signin.refresh(&refresh).await.unwrap();
    let client = Client::new(fake::config(&f.server), renewed.access.clone()).unwrap();
    assert!(client.user_info().await.is_ok());

    f.server.faults().refresh_requires_secret(true);
    let err = signin
        .refresh(renewed.refresh.as_ref().unwrap())
        .await
        .unwrap_err();
    assert!(err.needs_sign_in(), "{err:?}");
    let with_secret = SignIn::new(&fake::config(&f.server), app_for(&f, true)).unwrap();
    assert!(
        with_secret
            .refresh(renewed.refresh.as_ref().unwrap())
            .await
            .is_ok()
    );

    let err = signin.refresh(&Token::new("1:garbage")).await.unwrap_err();
    assert!(matches!(err, ApiError::SignInAgain { .. }), "{err:?}");
}

#[tokio::test]
async fn revoke_kills_the_token_when_a_secret_is_configured() {
    let f = fake::start().await;
    let signin = SignIn::new(&fake::config(&f.server), app_for(&f, true)).unwrap();
    let stored = loopback_sign_in(&f, &signin).await;
    let without = SignIn::new(&fake::config(&f.server), app_for(&f, false)).unwrap();
    assert!(!without.revoke(&stored.access).await.unwrap());
    assert!(signin.revoke(&stored.access).await.unwrap());
    assert!(!f.server.state().token_is_valid(stored.access.expose()));
    let client = Client::new(fake::config(&f.server), stored.access).unwrap();
    assert!(client.user_info().await.unwrap_err().needs_sign_in());
}
