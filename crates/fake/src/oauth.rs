//! Yandex OAuth and Yandex ID user info (§2): authorize (auto-consent, loopback or
//! copy-the-code redirect, PKCE), token (authorization_code, refresh_token, device_code),
//! device code, revoke, the verification-code and device pages, `/login/info`, and the status
//! page at `/`. Error bodies are `{"error","error_description"}` (OAuth) and
//! `{"code","message"}` (login). It does not check Metrica permissions.

use std::collections::BTreeMap;

use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jiff::SignedDuration;
use rand::Rng;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::error::OAuthError;
use crate::management::{param, params};
use crate::state::{AuthCode, DeviceGrant, TokenRec};
use crate::{App, Shared, VERIFICATION_CODE_URI, seed};

pub(crate) fn routes(app: App) -> Router<App> {
    Router::new()
        .route("/oauth/authorize", get(authorize))
        .route("/oauth/verification_code", get(verification_page))
        .route("/oauth/token", post(token))
        .route("/oauth/device/code", post(device_code))
        .route("/oauth/device", get(device_page))
        .route("/oauth/revoke_token", post(revoke))
        .route("/login/info", get(login_info))
        .layer(axum::middleware::from_fn_with_state(app, latency))
        .route("/", get(status_page))
}

async fn latency(State(app): State<App>, req: Request, next: Next) -> Response {
    let d = app.faults.latency();
    if !d.is_zero() {
        tokio::time::sleep(d).await;
    }
    next.run(req).await
}

const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn random_from(alphabet: &[u8], n: usize) -> String {
    let mut rng = rand::rng();
    (0..n)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect()
}

/// Mints an access token (`y0_` + 54 base64url chars) and its refresh token.
pub(crate) fn mint_token(app: &Shared, login: &str, scope: Vec<String>) -> (String, String) {
    let access = format!("y0_{}", random_from(B64URL, 54));
    let refresh = format!("1:{}:{}", random_from(B64URL, 16), random_from(B64URL, 40));
    let now = app.now();
    let rec = TokenRec {
        login: login.to_string(),
        client_id: app.cfg.client_id.clone(),
        scope,
        issued_at: now,
        expires_at: now
            .checked_add(SignedDuration::from_secs(app.cfg.token_lifetime_secs))
            .unwrap_or(now),
        refresh_token: refresh.clone(),
        revoked: false,
    };
    let mut d = app.data();
    d.tokens.insert(access.clone(), rec);
    d.refresh.insert(refresh.clone(), access.clone());
    (access, refresh)
}

fn token_json(app: &Shared, access: &str) -> Response {
    let d = app.data();
    let Some(t) = d.tokens.get(access) else {
        return OAuthError::new("invalid_grant", "token vanished").into_response();
    };
    let expires_in = (t.expires_at.as_second() - app.now().as_second()).max(0);
    Json(json!({
        "token_type": "bearer", "access_token": access, "expires_in": expires_in,
        "refresh_token": t.refresh_token, "scope": t.scope.join(" "),
    }))
    .into_response()
}

fn error_page(status: StatusCode, title: &str, detail: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"ru\"><meta charset=\"utf-8\"><title>{title}</title>\
         <body><h1>{title}</h1><p id=\"error\">{detail}</p></body></html>",
        title = html_escape(title),
        detail = html_escape(detail)
    );
    (status, Html(body)).into_response()
}

/// 302 Found, as oauth.yandex.ru answers.
fn found(location: &str) -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Scheme, host, port and path must match a registered URI (query/fragment may differ), as on
/// Yandex (docs/metrika-api.md §2): loopback hosts get no "any port" exception.
pub(crate) fn redirect_registered(registered: &[String], uri: &str) -> bool {
    let Ok(u) = url::Url::parse(uri) else {
        return false;
    };
    registered
        .iter()
        .filter_map(|r| url::Url::parse(r).ok())
        .any(|r| {
            r.scheme() == u.scheme()
                && r.host_str() == u.host_str()
                && r.path() == u.path()
                && r.port_or_known_default() == u.port_or_known_default()
        })
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let (base, frag) = match uri.split_once('#') {
        Some((b, _)) => (b, ""),
        None => (uri, ""),
    };
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}{}{frag}", ser.finish())
}

fn default_login(app: &Shared) -> String {
    let d = app.data();
    if d.users.contains_key(seed::DEMO_AGENCY) {
        seed::DEMO_AGENCY.to_string()
    } else {
        seed::MINIMAL_LOGIN.to_string()
    }
}

async fn authorize(State(app): State<App>, RawQuery(q): RawQuery) -> Response {
    let p = params(&q);
    match param(&p, "client_id") {
        Some(c) if c == app.cfg.client_id => {}
        _ => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "Ошибка OAuth",
                "invalid_client: неизвестное приложение",
            );
        }
    }
    let response_type = param(&p, "response_type").unwrap_or("");
    if response_type != "code" && response_type != "token" {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Ошибка OAuth",
            "unsupported_response_type",
        );
    }
    let redirect = param(&p, "redirect_uri").filter(|u| !u.is_empty());
    let to_code_page = redirect.is_none_or(|u| u == VERIFICATION_CODE_URI);
    if let Some(u) = redirect
        && !to_code_page
        && !redirect_registered(&app.redirect_uris(), u)
    {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Ошибка OAuth",
            "redirect_uri не совпадает ни с одним зарегистрированным адресом",
        );
    }
    let target = if to_code_page {
        format!("{}/verification_code", app.oauth_base)
    } else {
        redirect.unwrap_or_default().to_string()
    };
    let state = param(&p, "state").unwrap_or("").to_string();
    let reply = |pairs: &[(&str, &str)]| -> Response {
        let mut all: Vec<(&str, &str)> = pairs.to_vec();
        if !state.is_empty() {
            all.push(("state", &state));
        }
        found(&with_query(&target, &all))
    };
    if param(&p, "deny") == Some("1") {
        return reply(&[
            ("error", "access_denied"),
            ("error_description", "user denied access"),
        ]);
    }
    // device_id: 6–50 printable ASCII; device_name: up to 100 characters (§2.4).
    if let Some(id) = param(&p, "device_id")
        && !((6..=50).contains(&id.len()) && id.bytes().all(|b| (32..=126).contains(&b)))
    {
        return reply(&[
            ("error", "invalid_request"),
            ("error_description", "bad device_id"),
        ]);
    }
    if param(&p, "device_name").is_some_and(|n| n.chars().count() > 100) {
        return reply(&[
            ("error", "invalid_request"),
            ("error_description", "bad device_name"),
        ]);
    }
    let login = param(&p, "login_hint")
        .filter(|l| !l.is_empty())
        .map(|l| l.split('@').next().unwrap_or(l).to_string())
        .unwrap_or_else(|| default_login(&app));
    if !app.data().users.contains_key(&login) {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Ошибка OAuth",
            "Такого пользователя нет в демо-данных",
        );
    }
    let mut scope: Vec<String> = Vec::new();
    for s in ["scope", "optional_scope"]
        .iter()
        .filter_map(|k| param(&p, k))
        .flat_map(|v| v.split([' ', '+']).filter(|s| !s.is_empty()))
    {
        if !app.cfg.scopes.iter().any(|r| r == s) {
            return reply(&[
                ("error", "invalid_scope"),
                ("error_description", "scope is not registered"),
            ]);
        }
        if !scope.iter().any(|x| x == s) {
            scope.push(s.to_string());
        }
    }
    if scope.is_empty() {
        scope = app.cfg.scopes.clone();
    }
    let challenge = match (
        param(&p, "code_challenge"),
        param(&p, "code_challenge_method"),
    ) {
        (None, _) => None,
        (Some(c), None | Some("plain")) => Some((c.to_string(), "plain".to_string())),
        (Some(c), Some("S256")) => Some((c.to_string(), "S256".to_string())),
        (Some(_), Some(_)) => {
            return reply(&[
                ("error", "invalid_request"),
                ("error_description", "unsupported code_challenge_method"),
            ]);
        }
    };
    if response_type == "token" {
        let (access, _) = mint_token(&app, &login, scope);
        let expires = app.cfg.token_lifetime_secs.to_string();
        let mut frag = url::form_urlencoded::Serializer::new(String::new());
        frag.append_pair("access_token", &access)
            .append_pair("token_type", "bearer")
            .append_pair("expires_in", &expires);
        if !state.is_empty() {
            frag.append_pair("state", &state);
        }
        return found(&format!("{target}#{}", frag.finish()));
    }
    let code = random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 16);
    let now = app.now();
    app.data().codes.insert(
        code.clone(),
        AuthCode {
            login,
            client_id: app.cfg.client_id.clone(),
            redirect_uri: redirect.map(str::to_string),
            challenge,
            scope,
            expires_at: now
                .checked_add(SignedDuration::from_mins(10))
                .unwrap_or(now),
            used: false,
        },
    );
    reply(&[("code", &code)])
}

async fn verification_page(RawQuery(q): RawQuery) -> Response {
    let p = params(&q);
    if let Some(e) = param(&p, "error") {
        return error_page(StatusCode::OK, "Доступ не предоставлен", e);
    }
    let code = param(&p, "code").unwrap_or("");
    let body = format!(
        "<!doctype html><html lang=\"ru\"><meta charset=\"utf-8\"><title>Код подтверждения</title>\
         <body><h1>Код подтверждения</h1><p>Скопируйте код и вставьте его в приложение:</p>\
         <p><code id=\"verification-code\">{}</code></p></body></html>",
        html_escape(code)
    );
    Html(body).into_response()
}

async fn device_page(State(app): State<App>, RawQuery(q): RawQuery) -> Response {
    let p = params(&q);
    let known = param(&p, "user_code").is_some_and(|c| {
        app.data()
            .devices
            .values()
            .any(|g| g.user_code == c && !g.used)
    });
    let status = if known {
        "Код принят."
    } else {
        "Введите код с экрана приложения."
    };
    let body = format!(
        "<!doctype html><html lang=\"ru\"><meta charset=\"utf-8\"><title>Вход на устройстве</title>\
         <body><h1>Вход на устройстве</h1><p id=\"status\">{status}</p><p>Демо-сервер \
         подтверждает код сам: приложение получит токен после {} опросов.</p></body></html>",
        app.cfg.device_pending_polls
    );
    Html(body).into_response()
}

/// Form fields plus client credentials (a Basic header wins over the body, §2.5).
struct TokenForm {
    fields: BTreeMap<String, String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

async fn read_form(headers: &HeaderMap, req: Request) -> Result<TokenForm, OAuthError> {
    let bytes = axum::body::to_bytes(req.into_body(), 1 << 20)
        .await
        .map_err(|_| OAuthError::new("invalid_request", "body too large"))?;
    let fields: BTreeMap<String, String> =
        url::form_urlencoded::parse(&bytes).into_owned().collect();
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.split_once(':')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        });
    let (client_id, client_secret) = match basic {
        Some((id, secret)) => (Some(id), Some(secret).filter(|s| !s.is_empty())),
        None => (
            fields.get("client_id").cloned(),
            fields
                .get("client_secret")
                .cloned()
                .filter(|s| !s.is_empty()),
        ),
    };
    Ok(TokenForm {
        fields,
        client_id,
        client_secret,
    })
}

impl TokenForm {
    fn get(&self, k: &str) -> Option<&str> {
        self.fields
            .get(k)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }
}

fn check_client(app: &Shared, f: &TokenForm) -> Result<(), OAuthError> {
    match f.client_id.as_deref() {
        Some(c) if c == app.cfg.client_id => Ok(()),
        Some(_) => Err(OAuthError::new("invalid_client", "Client not found")),
        None => Err(OAuthError::new("invalid_client", "client_id is required")),
    }
}

/// `Ok(true)` when a correct secret was given, `Ok(false)` when none, error when wrong.
fn check_secret(app: &Shared, f: &TokenForm) -> Result<bool, OAuthError> {
    match (&f.client_secret, &app.cfg.client_secret) {
        (None, _) => Ok(false),
        (Some(given), Some(real)) if given == real => Ok(true),
        _ => Err(OAuthError::new("invalid_client", "Wrong client secret")),
    }
}

fn pkce_ok(challenge: &(String, String), verifier: &str) -> bool {
    let valid_chars = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !valid_chars {
        return false;
    }
    match challenge.1.as_str() {
        "S256" => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge.0,
        _ => verifier == challenge.0,
    }
}

async fn token(State(app): State<App>, headers: HeaderMap, req: Request) -> Response {
    match token_inner(&app, &headers, req).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn token_inner(app: &App, headers: &HeaderMap, req: Request) -> Result<Response, OAuthError> {
    let f = read_form(headers, req).await?;
    let grant = f.get("grant_type").unwrap_or("").to_string();
    check_client(app, &f)?;
    let now = app.now();
    match grant.as_str() {
        "authorization_code" => {
            let secret_ok = check_secret(app, &f)?;
            let code = f
                .get("code")
                .ok_or_else(|| OAuthError::new("invalid_request", "code is required"))?;
            let (login, scope) = {
                let mut d = app.data();
                let c = d
                    .codes
                    .get_mut(code)
                    .filter(|c| !c.used && c.client_id == app.cfg.client_id)
                    .ok_or_else(|| OAuthError::new("invalid_grant", "Invalid code"))?;
                if c.expires_at <= now {
                    return Err(OAuthError::new("invalid_grant", "Code has expired"));
                }
                if let (Some(sent), Some(orig)) = (f.get("redirect_uri"), &c.redirect_uri)
                    && sent != orig
                {
                    return Err(OAuthError::new("invalid_grant", "redirect_uri mismatch"));
                }
                match (f.get("code_verifier"), &c.challenge) {
                    (Some(v), Some(ch)) if !pkce_ok(ch, v) => {
                        return Err(OAuthError::new("invalid_grant", "Invalid code_verifier"));
                    }
                    (Some(_), None) if !secret_ok => {
                        return Err(OAuthError::new(
                            "invalid_grant",
                            "code_verifier without code_challenge",
                        ));
                    }
                    (None, Some(_)) if !secret_ok => {
                        return Err(OAuthError::new(
                            "invalid_grant",
                            "code_verifier is required",
                        ));
                    }
                    (None, None) if !secret_ok => {
                        return Err(OAuthError::new("invalid_client", "Wrong client secret"));
                    }
                    _ => {}
                }
                c.used = true;
                (c.login.clone(), c.scope.clone())
            };
            let (access, _) = mint_token(app, &login, scope);
            Ok(token_json(app, &access))
        }
        "refresh_token" => {
            let secret_ok = check_secret(app, &f)?;
            if app.faults.refresh_needs_secret() && !secret_ok {
                return Err(OAuthError::new("invalid_client", "Wrong client secret"));
            }
            let rt = f
                .get("refresh_token")
                .ok_or_else(|| OAuthError::new("invalid_request", "refresh_token is required"))?;
            let (old, rec) =
                {
                    let d = app.data();
                    let old =
                        d.refresh.get(rt).cloned().ok_or_else(|| {
                            OAuthError::new("invalid_grant", "Invalid refresh token")
                        })?;
                    let rec =
                        d.tokens.get(&old).cloned().ok_or_else(|| {
                            OAuthError::new("invalid_grant", "Invalid refresh token")
                        })?;
                    (old, rec)
                };
            let kill = app.faults.token_kill(&old);
            if rec.revoked || kill == Some(crate::faults::TokenKill::Revoked) {
                return Err(OAuthError::new("invalid_grant", "Token has been revoked"));
            }
            let remaining = rec.expires_at.as_second() - now.as_second();
            if kill.is_none() && remaining > app.cfg.token_lifetime_secs / 2 {
                return Ok(token_json(app, &old));
            }
            app.data().refresh.remove(rt);
            let (access, _) = mint_token(app, &rec.login, rec.scope);
            Ok(token_json(app, &access))
        }
        "device_code" => {
            if !check_secret(app, &f)? {
                return Err(OAuthError::new("invalid_client", "Wrong client secret"));
            }
            let code = f
                .get("code")
                .ok_or_else(|| OAuthError::new("invalid_request", "code is required"))?;
            let interval = app.cfg.device_interval_secs;
            let pending = app.cfg.device_pending_polls;
            let (login, scope) = {
                let mut d = app.data();
                let g = d
                    .devices
                    .get_mut(code)
                    .filter(|g| !g.used)
                    .ok_or_else(|| OAuthError::new("invalid_grant", "Invalid device code"))?;
                if g.expires_at <= now {
                    return Err(OAuthError::new("invalid_grant", "Device code has expired"));
                }
                if let Some(last) = g.last_poll
                    && now.as_second() - last.as_second() < interval
                {
                    g.last_poll = Some(now);
                    return Err(OAuthError::new("slow_down", "Polling too often"));
                }
                g.last_poll = Some(now);
                g.polls += 1;
                if g.polls <= pending {
                    return Err(OAuthError::new(
                        "authorization_pending",
                        "User has not yet confirmed the code",
                    ));
                }
                g.used = true;
                (g.login.clone(), g.scope.clone())
            };
            let (access, _) = mint_token(app, &login, scope);
            Ok(token_json(app, &access))
        }
        "" => Err(OAuthError::new("invalid_request", "grant_type is required")),
        _ => Err(OAuthError::new(
            "unsupported_grant_type",
            "Unsupported grant_type",
        )),
    }
}

async fn device_code(State(app): State<App>, headers: HeaderMap, req: Request) -> Response {
    let f = match read_form(&headers, req).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = check_client(&app, &f) {
        return e.into_response();
    }
    let login = f
        .get("login_hint")
        .map(str::to_string)
        .unwrap_or_else(|| default_login(&app));
    if !app.data().users.contains_key(&login) {
        return OAuthError::new("invalid_request", "unknown login_hint").into_response();
    }
    let mut scope: Vec<String> = f
        .get("scope")
        .map(|s| {
            s.split(' ')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if scope.iter().any(|s| !app.cfg.scopes.contains(s)) {
        return OAuthError::new("invalid_scope", "scope is not registered").into_response();
    }
    if scope.is_empty() {
        scope = app.cfg.scopes.clone();
    }
    let device = random_from(b"0123456789abcdef", 32);
    let user_code = random_from(b"abcdefghijkmnpqrstuvwxyz23456789", 8);
    let now = app.now();
    app.data().devices.insert(
        device.clone(),
        DeviceGrant {
            user_code: user_code.clone(),
            login,
            scope,
            expires_at: now
                .checked_add(SignedDuration::from_secs(300))
                .unwrap_or(now),
            polls: 0,
            last_poll: None,
            used: false,
        },
    );
    Json(json!({
        "device_code": device, "user_code": user_code,
        "verification_url": format!("{}/device", app.oauth_base),
        "interval": app.cfg.device_interval_secs, "expires_in": 300,
    }))
    .into_response()
}

async fn revoke(State(app): State<App>, headers: HeaderMap, req: Request) -> Response {
    let f = match read_form(&headers, req).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = check_client(&app, &f) {
        return e.into_response();
    }
    match check_secret(&app, &f) {
        Ok(true) => {}
        Ok(false) if app.cfg.client_secret.is_none() => {}
        Ok(false) => {
            return OAuthError::new("invalid_client", "Wrong client secret").into_response();
        }
        Err(e) => return e.into_response(),
    }
    let Some(tok) = f.get("access_token") else {
        return OAuthError::new("invalid_request", "access_token is required").into_response();
    };
    let mut d = app.data();
    match d.tokens.get_mut(tok) {
        Some(t) => {
            t.revoked = true;
            let rt = t.refresh_token.clone();
            d.refresh.remove(&rt);
            Json(json!({"status": "ok"})).into_response()
        }
        None => OAuthError::new("invalid_grant", "Invalid token").into_response(),
    }
}

fn login_error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({"code": code, "message": message}))).into_response()
}

async fn login_info(State(app): State<App>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let p = params(&q);
    if let Some(fmt) = param(&p, "format")
        && fmt != "json"
    {
        return login_error(
            StatusCode::BAD_REQUEST,
            "UNSUPPORTED_FORMAT",
            "only format=json is served by the fake",
        );
    }
    let token = crate::guard::oauth_token(&headers)
        .or_else(|| param(&p, "oauth_token").map(str::to_string));
    let Some(token) = token else {
        return login_error(StatusCode::UNAUTHORIZED, "NOT_AUTHORIZED", "no token");
    };
    let now = app.now();
    if app.faults.token_kill(&token).is_some() {
        return login_error(StatusCode::UNAUTHORIZED, "NOT_AUTHORIZED", "expired_token");
    }
    let d = app.data();
    let Some(t) = d
        .tokens
        .get(&token)
        .filter(|t| !t.revoked && t.expires_at > now)
    else {
        return login_error(StatusCode::UNAUTHORIZED, "NOT_AUTHORIZED", "invalid token");
    };
    let Some(u) = d.users.get(&t.login) else {
        return login_error(StatusCode::UNAUTHORIZED, "NOT_AUTHORIZED", "invalid token");
    };
    let has = |s: &str| t.scope.iter().any(|x| x == s);
    let psuid = format!(
        "1.AA{}",
        &URL_SAFE_NO_PAD.encode(Sha256::digest(format!("{}:{}", u.uid, t.client_id)))[..32]
    );
    let mut v = json!({"id": u.uid, "login": u.login, "client_id": t.client_id, "psuid": psuid});
    if has("login:info") {
        v["display_name"] = json!(u.display_name);
        v["real_name"] = json!(format!("{} {}", u.first_name, u.last_name).trim());
        v["first_name"] = json!(u.first_name);
        v["last_name"] = json!(u.last_name);
        v["sex"] = json!(null);
    }
    if has("login:email") {
        let email = format!("{}@yandex.ru", u.login);
        v["default_email"] = json!(email);
        v["emails"] = json!([email]);
    }
    if has("login:avatar") {
        v["default_avatar_id"] = json!("0/0-0");
        v["is_avatar_empty"] = json!(true);
    }
    Json(v).into_response()
}

async fn status_page(State(app): State<App>) -> Response {
    let d = app.data();
    let mut rows = String::new();
    for u in d.users.values() {
        let n = d
            .counters
            .values()
            .filter(|c| c.grants.contains_key(&u.login))
            .count();
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{n}</td></tr>",
            html_escape(&u.login),
            html_escape(&u.display_name)
        ));
    }
    let body = format!(
        "<!doctype html><html lang=\"ru\"><meta charset=\"utf-8\"><title>Metrika Bridge — демо-сервер</title>\
         <body><h1>Демо-сервер Метрики работает</h1>\
         <p>API: <code>{api}</code>, OAuth: <code>{oauth}</code>, login: <code>{login}</code></p>\
         <p>Загрузок: {ups}, CRM-загрузок: {cdp}, выдано токенов: {toks}</p>\
         <table><tr><th>Логин</th><th>Имя</th><th>Счётчиков</th></tr>{rows}</table></body></html>",
        api = app.api_base,
        oauth = app.oauth_base,
        login = app.login_base,
        ups = d.uploads.len(),
        cdp = d.cdp_uploads.len(),
        toks = d.tokens.len(),
    );
    Html(body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirect_needs_the_registered_port_and_path() {
        let reg = vec!["http://127.0.0.1:8765/callback".to_string()];
        assert!(redirect_registered(
            &reg,
            "http://127.0.0.1:8765/callback?x=1"
        ));
        assert!(!redirect_registered(
            &reg,
            "http://127.0.0.1:51234/callback?x=1"
        ));
        assert!(!redirect_registered(&reg, "http://127.0.0.1:8765/other"));
        assert!(!redirect_registered(
            &reg,
            "https://127.0.0.1:8765/callback"
        ));
        assert!(!redirect_registered(&reg, "http://evil.example/callback"));
    }

    #[test]
    fn non_loopback_redirect_needs_the_exact_port() {
        let reg = vec!["https://app.example.ru/cb".to_string()];
        assert!(redirect_registered(&reg, "https://app.example.ru:443/cb"));
        assert!(!redirect_registered(&reg, "https://app.example.ru:8443/cb"));
    }

    #[test]
    fn pkce_s256_matches_the_rfc_7636_example() {
        let ch = (
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".to_string(),
            "S256".to_string(),
        );
        assert!(pkce_ok(&ch, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert!(!pkce_ok(&ch, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl"));
    }
}
