//! The request engine: auth header, per-token concurrency, client-side rate limit, retries with
//! back-off, and mapping of HTTP answers to [`ApiError`] (reference §6). Endpoint methods live
//! in `management`, `cdp` and `upload`; this module knows no endpoint.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use tokio::time::Instant;

use bytes::Bytes;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::ApiConfig;
use crate::error::{ApiError, ErrorBody, QuotaKind, Result, line_in_message, linking_window_date};
use crate::secret::Token;
use crate::upload::{next_utc_hour, next_utc_midnight};

/// The most an answer to a JSON request (or an OAuth request) may hold. Metrica's largest
/// answers (counter lists of an agency, upload lists) are well under a megabyte.
pub(crate) const BODY_MAX: usize = 8 << 20;

/// Why an answer's body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    Network(reqwest::Error),
    /// The body (or its declared length) passed `limit` bytes; reading stopped there.
    TooLarge {
        limit: usize,
    },
}

impl From<reqwest::Error> for BodyError {
    fn from(e: reqwest::Error) -> Self {
        BodyError::Network(e)
    }
}

/// Reads an answer's body, refusing one longer than `limit` bytes without holding more.
pub(crate) async fn read_capped(
    mut resp: reqwest::Response,
    limit: usize,
) -> std::result::Result<Bytes, BodyError> {
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge { limit });
    }
    let mut buf = bytes::BytesMut::new();
    while let Some(chunk) = resp.chunk().await? {
        if buf.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge { limit });
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// How long an answer's `Retry-After` asks to wait (seconds, or an HTTP date after `now`);
/// none when absent, unreadable or already past.
pub(crate) fn retry_after(
    headers: &reqwest::header::HeaderMap,
    now: jiff::Timestamp,
) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = jiff::fmt::rfc2822::parse(v).ok()?.timestamp();
    let wait = now.duration_until(at);
    (wait.is_positive()).then(|| wait.unsigned_abs())
}

/// The error for an answer over the cap, naming the endpoint (never the query: no token there,
/// but no need to log it either).
pub(crate) fn too_large(url: &str, limit: usize) -> ApiError {
    let endpoint = url.split('?').next().unwrap_or(url);
    ApiError::Protocol {
        endpoint: endpoint.to_string(),
        detail: format!("answer larger than {} MiB", limit >> 20),
    }
}

/// A Metrica API client for one token (one Yandex account). Cheap to clone; clones share the
/// connection pool and the per-token limits. Several `Client`s built for the same token and
/// API host share one in-flight semaphore as well.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub http: reqwest::Client,
    /// Same pool settings but no overall timeout: uploads of 1 GB take minutes.
    pub upload_http: reqwest::Client,
    pub config: ApiConfig,
    pub token: Token,
    pub gate: Arc<Gate>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api_base", &self.inner.config.api_base)
            .field("token", &self.inner.token)
            .finish()
    }
}

/// Per (host, token) concurrency and per host rate.
pub(crate) struct Gate {
    in_flight: Arc<Semaphore>,
    bucket: Arc<Bucket>,
}

/// A token bucket: `rate` requests per second, bursts up to `rate`.
pub(crate) struct Bucket {
    rate: f64,
    state: Mutex<(f64, Instant)>,
}

impl Bucket {
    fn new(rate: u32) -> Self {
        let rate = f64::from(rate.max(1));
        Bucket {
            rate,
            state: Mutex::new((rate, Instant::now())),
        }
    }

    async fn take(&self) {
        loop {
            let wait = {
                let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                let refill = now.duration_since(st.1).as_secs_f64() * self.rate;
                st.0 = (st.0 + refill).min(self.rate);
                st.1 = now;
                if st.0 >= 1.0 {
                    st.0 -= 1.0;
                    return;
                }
                Duration::from_secs_f64((1.0 - st.0) / self.rate)
            };
            tokio::time::sleep(wait).await;
        }
    }
}

type Registry<T> = Mutex<HashMap<String, Weak<T>>>;

fn shared<T>(reg: &'static OnceLock<Registry<T>>, key: String, make: impl FnOnce() -> T) -> Arc<T> {
    let map = reg.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    map.retain(|_, w| w.strong_count() > 0);
    if let Some(found) = map.get(&key).and_then(Weak::upgrade) {
        return found;
    }
    let made = Arc::new(make());
    map.insert(key, Arc::downgrade(&made));
    made
}

static GATES: OnceLock<Registry<Gate>> = OnceLock::new();
static BUCKETS: OnceLock<Registry<Bucket>> = OnceLock::new();

impl Gate {
    pub async fn enter(&self) -> OwnedSemaphorePermit {
        let permit = self
            .in_flight
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        self.bucket.take().await;
        permit
    }
}

/// Whether a request may be repeated after an ambiguous failure (5xx, broken connection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Safety {
    /// GET/DELETE: repeat on 5xx and network errors.
    Safe,
    /// POST: repeat only when the server provably did nothing (429/420, connect refused).
    Unsafe,
}

/// What to do with one answer.
pub(crate) enum Verdict {
    Done(Bytes),
    /// `None`: the exponential back-off for this attempt.
    Retry(Option<Duration>, ApiError),
    Fail(ApiError),
}

/// One JSON request (no file).
pub(crate) struct Call {
    pub method: Method,
    pub url: String,
    pub query: Vec<(&'static str, String)>,
    pub json: Option<serde_json::Value>,
    pub counter: Option<u64>,
}

impl Call {
    pub fn get(url: String) -> Self {
        Call {
            method: Method::GET,
            url,
            query: Vec::new(),
            json: None,
            counter: None,
        }
    }
    pub fn new(method: Method, url: String) -> Self {
        Call {
            method,
            url,
            query: Vec::new(),
            json: None,
            counter: None,
        }
    }
    pub fn counter(mut self, id: u64) -> Self {
        self.counter = Some(id);
        self
    }
    pub fn query(mut self, k: &'static str, v: impl ToString) -> Self {
        self.query.push((k, v.to_string()));
        self
    }
    pub fn query_opt(self, k: &'static str, v: Option<impl ToString>) -> Self {
        match v {
            Some(v) => self.query(k, v),
            None => self,
        }
    }
    pub fn json(mut self, body: serde_json::Value) -> Self {
        self.json = Some(body);
        self
    }
}

impl Client {
    /// A client for `token` against `config`'s hosts.
    pub fn new(config: ApiConfig, token: Token) -> Result<Self> {
        // A base that is no web address (a typo in `MBRIDGE_API_BASE`) is said as such, not
        // as «no connection to Metrica» at the first request.
        for (name, base) in [
            ("API base", &config.api_base),
            ("OAuth base", &config.oauth_base),
            ("login base", &config.login_base),
        ] {
            let ok = reqwest::Url::parse(base)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
            if !ok {
                return Err(ApiError::Config(format!(
                    "{name} «{base}» is not an http(s) address"
                )));
            }
        }
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ApiError::Config(e.to_string()))?;
        let upload_http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ApiError::Config(e.to_string()))?;
        let key = format!("{}#{:x}", config.api_base, token.fingerprint());
        let max = config.max_in_flight.max(1);
        let rate = config.max_requests_per_second;
        let bucket = shared(&BUCKETS, config.api_base.clone(), || Bucket::new(rate));
        let gate = shared(&GATES, key, || Gate {
            in_flight: Arc::new(Semaphore::new(max)),
            bucket,
        });
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                upload_http,
                config,
                token,
                gate,
            }),
        })
    }

    pub fn config(&self) -> &ApiConfig {
        &self.inner.config
    }

    pub(crate) fn api(&self, path: &str) -> String {
        format!("{}{}", self.inner.config.api_base, path)
    }

    /// `OAuth <token>`, marked sensitive so HTTP-layer logging never prints it.
    pub(crate) fn auth_value(&self) -> Result<reqwest::header::HeaderValue> {
        let mut v =
            reqwest::header::HeaderValue::from_str(&format!("OAuth {}", self.inner.token.expose()))
                .map_err(|_| {
                    ApiError::Config("token has characters not allowed in a header".into())
                })?;
        v.set_sensitive(true);
        Ok(v)
    }

    /// Send a JSON call and decode the 2xx body as `T`.
    pub(crate) async fn call<T: DeserializeOwned>(&self, call: Call) -> Result<T> {
        let url = call.url.clone();
        let bytes = self.call_raw(call).await?;
        decode(&url, &bytes)
    }

    /// Send a JSON call with retries; the 2xx body as bytes.
    pub(crate) async fn call_raw(&self, call: Call) -> Result<Bytes> {
        let safety = if call.method == Method::GET || call.method == Method::DELETE {
            Safety::Safe
        } else {
            Safety::Unsafe
        };
        let policy = &self.inner.config.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let _permit = self.inner.gate.enter().await;
            let mut req = self
                .inner
                .http
                .request(call.method.clone(), &call.url)
                .header(reqwest::header::AUTHORIZATION, self.auth_value()?)
                .header(reqwest::header::ACCEPT, "application/json");
            if !call.query.is_empty() {
                req = req.query(&call.query);
            }
            if let Some(body) = &call.json {
                req = req.json(body);
            }
            let result = match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    let wait = retry_after(resp.headers(), self.inner.config.clock.now());
                    read_capped(resp, BODY_MAX).await.map(|b| (status, wait, b))
                }
                Err(e) => Err(BodyError::Network(e)),
            };
            drop(_permit);
            let verdict = match result {
                Ok((status, wait, body)) => self.judge(status, body, safety, call.counter, wait),
                Err(BodyError::Network(e)) => network_verdict(e, safety, policy, attempt),
                Err(BodyError::TooLarge { limit }) => Verdict::Fail(too_large(&call.url, limit)),
            };
            match verdict {
                Verdict::Done(b) => return Ok(b),
                Verdict::Fail(e) => return Err(e),
                Verdict::Retry(delay, e) => {
                    if attempt >= policy.max_attempts {
                        return Err(e);
                    }
                    let delay = delay.unwrap_or_else(|| policy.backoff(attempt));
                    tracing::debug!(url = %call.url, attempt, ?delay, "retrying");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Classify one HTTP answer (§6.3, §6.5). `asked`: the wait its `Retry-After` asks for,
    /// taken (up to the policy's longest back-off) when the answer is retried.
    pub(crate) fn judge(
        &self,
        status: StatusCode,
        body: Bytes,
        safety: Safety,
        counter: Option<u64>,
        asked: Option<Duration>,
    ) -> Verdict {
        if status.is_success() {
            return Verdict::Done(body);
        }
        let policy = &self.inner.config.retry;
        let asked = asked.map(|d| d.min(policy.max_delay));
        let parsed = ErrorBody::parse(&body);
        let error_type = parsed.error_type().map(str::to_string);
        let code = status.as_u16();
        let is_quota = code == 429
            || code == 420
            || error_type
                .as_deref()
                .is_some_and(|t| t.starts_with("quota_"));
        if is_quota {
            let kind = crate::error::quota_kind(&parsed);
            let now = self.inner.config.clock.now();
            return match kind {
                k if k.is_daily() => Verdict::Fail(ApiError::QuotaExceeded {
                    kind: k,
                    retry_at: Some(next_utc_midnight(now)),
                }),
                QuotaKind::Hourly(t) => Verdict::Fail(ApiError::QuotaExceeded {
                    kind: QuotaKind::Hourly(t),
                    retry_at: Some(next_utc_hour(now)),
                }),
                // Never sooner than the back-off (a `Retry-After: 0` would use the tries at once).
                k => {
                    Verdict::Retry(
                        Some(asked.map_or_else(
                            || policy.quota_backoff(),
                            |d| d.max(policy.quota_backoff()),
                        )),
                        ApiError::QuotaExceeded {
                            kind: k,
                            retry_at: None,
                        },
                    )
                }
            };
        }
        match code {
            401 => Verdict::Fail(ApiError::TokenExpired { status: code }),
            403 => match error_type.as_deref() {
                Some("invalid_token") | Some("unauthorized") => {
                    Verdict::Fail(ApiError::TokenExpired { status: code })
                }
                other => Verdict::Fail(ApiError::NoAccess {
                    counter,
                    error_type: other.unwrap_or("access_denied").to_string(),
                }),
            },
            404 => Verdict::Fail(ApiError::NotFound),
            500..=599 => {
                let e = ApiError::Server {
                    status: code,
                    error_type,
                };
                if safety == Safety::Safe {
                    // `None`: the attempt's back-off; a zero ask takes it too.
                    Verdict::Retry(asked.filter(|d| !d.is_zero()), e)
                } else {
                    Verdict::Fail(e)
                }
            }
            400..=499 => {
                let message = parsed.text();
                if let Some(date) = linking_window_date(&message) {
                    return Verdict::Fail(ApiError::LinkingWindowNotOpen { date });
                }
                if code == 405 {
                    return Verdict::Fail(ApiError::Server {
                        status: code,
                        error_type,
                    });
                }
                Verdict::Fail(ApiError::RejectedData {
                    line: line_in_message(&message),
                    error_type: error_type.unwrap_or_else(|| format!("http_{code}")),
                    message,
                })
            }
            _ => Verdict::Fail(ApiError::Server {
                status: code,
                error_type,
            }),
        }
    }
}

/// Network failures: retry when nothing can have happened server-side (connect) or the request
/// is safe; back-off grows with the attempt.
pub(crate) fn network_verdict(
    e: reqwest::Error,
    safety: Safety,
    policy: &crate::config::RetryPolicy,
    attempt: u32,
) -> Verdict {
    let e = e.without_url();
    if safety == Safety::Safe || e.is_connect() {
        Verdict::Retry(Some(policy.backoff(attempt)), ApiError::Network(e))
    } else {
        Verdict::Fail(ApiError::Network(e))
    }
}

pub(crate) fn decode<T: DeserializeOwned>(url: &str, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::Protocol {
        endpoint: strip_host(url),
        detail: e.to_string(),
    })
}

fn strip_host(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_else(|_| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_for_one_token_share_one_in_flight_gate() {
        let cfg = ApiConfig::with_bases("http://127.0.0.1:9", "http://o", "http://l");
        let a = Client::new(cfg.clone(), Token::new("y0_same")).unwrap();
        let b = Client::new(cfg.clone(), Token::new("y0_same")).unwrap();
        let c = Client::new(cfg, Token::new("y0_other")).unwrap();
        assert!(Arc::ptr_eq(&a.inner.gate, &b.inner.gate));
        assert!(!Arc::ptr_eq(&a.inner.gate, &c.inner.gate));
        assert!(
            Arc::ptr_eq(&a.inner.gate.bucket, &c.inner.gate.bucket),
            "one rate per host"
        );
    }

    #[tokio::test]
    async fn gate_lets_at_most_max_in_flight_through() {
        let mut cfg = ApiConfig::with_bases("http://127.0.0.1:8", "http://o", "http://l");
        cfg.max_in_flight = 2;
        let client = Client::new(cfg, Token::new("y0_gate")).unwrap();
        let p1 = client.inner.gate.enter().await;
        let _p2 = client.inner.gate.enter().await;
        assert_eq!(client.inner.gate.in_flight.available_permits(), 0);
        let third = client.inner.gate.enter();
        tokio::pin!(third);
        assert!(futures_util::poll!(third.as_mut()).is_pending());
        drop(p1);
        let _p3 = third.await;
    }

    #[tokio::test(start_paused = true)]
    async fn bucket_holds_the_rate_after_a_burst() {
        let bucket = Bucket::new(20);
        let start = Instant::now();
        for _ in 0..20 {
            bucket.take().await;
        }
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "a full bucket allows a burst"
        );
        for _ in 0..20 {
            bucket.take().await;
        }
        let spent = start.elapsed();
        assert!(
            spent >= Duration::from_millis(950) && spent <= Duration::from_millis(1100),
            "{spent:?}"
        );
    }
}
