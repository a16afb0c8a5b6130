//! The gate every Metrica request passes: scripted faults, per-IP and per-user quotas (§6.1),
//! `Authorization: OAuth <token>` checking, `ulogin` resolution (§3.5), the hold gate and
//! latency. Hands the handler a [`Caller`]. It does not check counter permissions (handlers do,
//! since they know which access they need).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::App;
use crate::error::{ApiError, ErrorType};

/// Who is calling, after authentication.
#[derive(Clone, Debug)]
pub(crate) struct Caller {
    /// The token's owner.
    pub login: String,
    /// The login acted for: `ulogin` when given and allowed, else `login`.
    pub acting: String,
    pub scope: Vec<String>,
}

impl Caller {
    fn has(&self, s: &str) -> bool {
        self.scope.iter().any(|x| x == s)
    }
    pub fn can_read(&self) -> bool {
        self.has("metrika:read") || self.has("metrika:write")
    }
    pub fn can_upload(&self) -> bool {
        self.has("metrika:write") || self.has("metrika:offline_data")
    }
    pub fn can_manage(&self) -> bool {
        self.has("metrika:write")
    }
}

/// Yandex counts daily requests separately per method group (reference §6.1): reads
/// (`client_read`: every GET) and writes (`client_write`: uploads, changes). A day of status
/// polling does not stop an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum MethodGroup {
    Read,
    Write,
}

impl MethodGroup {
    fn of(method: &axum::http::Method) -> MethodGroup {
        if method == axum::http::Method::GET || method == axum::http::Method::HEAD {
            MethodGroup::Read
        } else {
            MethodGroup::Write
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct QuotaState {
    ip: HashMap<IpAddr, (i64, u32)>,
    in_flight: HashMap<String, u32>,
    /// Daily counts per login and per counter, each per method group (reference §6.1:
    /// «counted separately per method group: client_read, client_write, …»).
    daily_user: HashMap<(String, MethodGroup, i64), u32>,
    daily_counter: HashMap<(u64, MethodGroup, i64), u32>,
}

impl QuotaState {
    pub(crate) fn in_flight(&self, login: &str) -> u32 {
        self.in_flight.get(login).copied().unwrap_or(0)
    }
}

struct InFlight {
    app: App,
    login: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut q = self.app.quota.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = q.in_flight.get_mut(&self.login) {
            *n = n.saturating_sub(1);
        }
        drop(q);
        self.app.in_flight_changed.notify_waiters();
    }
}

fn quota_error(app: &App, kind: ErrorType) -> Response {
    let msg = match kind {
        ErrorType::QuotaRequestsByIp => "Превышен лимит запросов с одного IP в секунду",
        ErrorType::QuotaParallelRequests => "Превышен лимит параллельных запросов",
        ErrorType::QuotaRequestsByUid => "Превышен суточный лимит запросов пользователя",
        _ => "Превышен суточный лимит запросов к счётчику",
    };
    ApiError::new(kind, msg)
        .with_status(app.faults.quota_status())
        .into_response()
}

/// Extracts the token from `Authorization: OAuth <token>`; `None` if absent or garbled.
pub(crate) fn oauth_token(headers: &HeaderMap) -> Option<String> {
    let v = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = v.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("OAuth") && !token.is_empty() && !token.contains(' '))
        .then(|| token.to_string())
}

/// Resolves a token to (login, scope) or the §6.3 error.
pub(crate) fn authenticate(
    app: &App,
    headers: &HeaderMap,
) -> Result<(String, Vec<String>), ApiError> {
    let Some(token) = oauth_token(headers) else {
        return Err(ApiError::new(
            ErrorType::Unauthorized,
            "Неавторизованный пользователь",
        ));
    };
    let invalid = || ApiError::new(ErrorType::InvalidToken, "Invalid oauth_token");
    if app.faults.token_kill(&token).is_some() {
        return Err(invalid());
    }
    let now = app.now();
    let d = app.data();
    match d.tokens.get(&token) {
        Some(t) if !t.revoked && t.expires_at > now => Ok((t.login.clone(), t.scope.clone())),
        _ => Err(invalid()),
    }
}

fn counter_in_path(path: &str) -> Option<u64> {
    let mut it = path.split('/');
    while let Some(seg) = it.next() {
        if seg == "counter" {
            return it.next()?.parse().ok();
        }
    }
    None
}

fn ulogin(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "ulogin")
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())
}

pub(crate) async fn metrica_guard(
    State(app): State<App>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(kind) = app.faults.take_rate_limit() {
        return quota_error(&app, kind.error_type());
    }
    if let Some(kind) = app.faults.take_server_fault() {
        return ApiError::new(
            kind.error_type(),
            "Внутренняя ошибка сервера, повторите позже",
        )
        .with_status(kind.status())
        .into_response();
    }
    let now = app.now();
    let second = now.as_second();
    let day = second.div_euclid(86_400);
    let limits = app.cfg.quotas.clone();
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>() {
        let mut q = app.quota.lock().unwrap_or_else(|e| e.into_inner());
        let e = q.ip.entry(peer.ip()).or_insert((second, 0));
        if e.0 != second {
            *e = (second, 0);
        }
        e.1 += 1;
        if e.1 > limits.per_ip_per_second {
            drop(q);
            return quota_error(&app, ErrorType::QuotaRequestsByIp);
        }
    }
    let path = req.uri().path();
    if req.method() == axum::http::Method::POST
        && (path.contains("/offline_conversions/upload") || path.contains("/data/"))
        && app.faults.take_expire_at_upload()
        && let Some(token) = oauth_token(req.headers())
    {
        app.faults.expire_token(&token);
    }
    let (login, scope) = match authenticate(&app, req.headers()) {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let acting = match ulogin(req.uri().query()) {
        Some(u) if u != login => {
            let d = app.data();
            let allowed = d
                .users
                .get(&login)
                .is_some_and(|usr| usr.represents.iter().any(|(l, _)| *l == u));
            if !allowed {
                return ApiError::access_denied().into_response();
            }
            u
        }
        _ => login.clone(),
    };
    let counter = counter_in_path(req.uri().path());
    let group = MethodGroup::of(req.method());
    let _in_flight = {
        let mut q = app.quota.lock().unwrap_or_else(|e| e.into_inner());
        let n = q.in_flight.entry(login.clone()).or_insert(0);
        if *n >= limits.parallel_per_user {
            drop(q);
            return quota_error(&app, ErrorType::QuotaParallelRequests);
        }
        *n += 1;
        app.in_flight_changed.notify_waiters();
        let guard = InFlight {
            app: app.clone(),
            login: login.clone(),
        };
        let u = q.daily_user.entry((login.clone(), group, day)).or_insert(0);
        *u += 1;
        if *u > limits.daily_per_user {
            drop(q);
            return quota_error(&app, ErrorType::QuotaRequestsByUid);
        }
        if let Some(c) = counter {
            let n = q.daily_counter.entry((c, group, day)).or_insert(0);
            *n += 1;
            if *n > limits.daily_per_counter {
                drop(q);
                return quota_error(&app, ErrorType::QuotaRequestsByCounterId);
            }
        }
        guard
    };
    app.faults.wait_until_released().await;
    let latency = app.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let pretty = req.uri().query().is_some_and(|q| {
        url::form_urlencoded::parse(q.as_bytes()).any(|(k, v)| k == "pretty" && v == "1")
    });
    req.extensions_mut().insert(Caller {
        login,
        acting,
        scope,
    });
    let resp = next.run(req).await;
    if pretty { prettify(resp).await } else { resp }
}

/// `pretty=1` (§1): re-serialises a JSON answer with indentation.
async fn prettify(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 << 20).await else {
        return Response::from_parts(parts, axum::body::Body::empty());
    };
    let body = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| serde_json::to_vec_pretty(&v).ok())
        .unwrap_or_else(|| bytes.to_vec());
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_the_oauth_scheme() {
        let mut h = HeaderMap::new();
        h.insert("authorization", "OAuth y0_abc".parse().unwrap());
        assert_eq!(oauth_token(&h).as_deref(), Some("y0_abc"));
        h.insert("authorization", "Bearer y0_abc".parse().unwrap());
        assert_eq!(oauth_token(&h), None);
    }

    #[test]
    fn finds_the_counter_id_in_management_and_cdp_paths() {
        assert_eq!(
            counter_in_path("/management/v1/counter/51234501/goals"),
            Some(51234501)
        );
        assert_eq!(
            counter_in_path("/cdp/api/v1/counter/7/last_uploadings"),
            Some(7)
        );
        assert_eq!(counter_in_path("/management/v1/counters"), None);
    }
}
