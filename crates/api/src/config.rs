//! Where the client talks to and how politely: base URLs, concurrency, rate and retry timings,
//! and the injectable clock. Owns no I/O.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

/// "Now", injectable so that quota reset times and tag times are testable without the wall clock.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Timestamp + Send + Sync>);

impl Clock {
    pub fn system() -> Self {
        Clock(Arc::new(Timestamp::now))
    }
    pub fn fixed(at: Timestamp) -> Self {
        Clock(Arc::new(move || at))
    }
    pub fn from_fn(f: impl Fn() -> Timestamp + Send + Sync + 'static) -> Self {
        Clock(Arc::new(f))
    }
    pub fn now(&self) -> Timestamp {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

/// Back-off timings (reference §6.5). Tests shrink them with [`RetryPolicy::fast`].
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Total attempts for a retryable request, the first one included.
    pub max_attempts: u32,
    /// First back-off after 5xx / network errors; doubles each time (2, 4, 8, 16 s).
    pub base_delay: Duration,
    /// Upper bound of one back-off.
    pub max_delay: Duration,
    /// Back-off range after `quota_requests_by_ip` / `quota_parallel_requests` (1–3 s).
    pub quota_delay_min: Duration,
    pub quota_delay_max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(32),
            quota_delay_min: Duration::from_secs(1),
            quota_delay_max: Duration::from_secs(3),
        }
    }
}

impl RetryPolicy {
    /// Millisecond back-offs for tests against the local fake.
    pub fn fast() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(40),
            quota_delay_min: Duration::from_millis(2),
            quota_delay_max: Duration::from_millis(10),
        }
    }

    /// Exponential back-off with full jitter in the upper half: attempt 1 → ~base, 2 → ~2·base…
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.max_delay);
        let half = capped / 2;
        half + jitter(half)
    }

    pub(crate) fn quota_backoff(&self) -> Duration {
        let span = self.quota_delay_max.saturating_sub(self.quota_delay_min);
        self.quota_delay_min + jitter(span)
    }
}

fn jitter(up_to: Duration) -> Duration {
    let nanos = up_to.as_nanos().min(u64::MAX as u128) as u64;
    if nanos == 0 {
        return Duration::ZERO;
    }
    Duration::from_nanos(rand::random_range(0..=nanos))
}

/// Where the three services live and how the client paces itself.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// `https://api-metrika.yandex.net` (management API at `/management/v1`, CDP at `/cdp/api/v1`).
    pub api_base: String,
    /// `https://oauth.yandex.ru` (`/authorize`, `/token`, `/device/code`).
    pub oauth_base: String,
    /// `https://login.yandex.ru` (`/info`).
    pub login_base: String,
    /// Requests in flight per token (the server allows 3; §6.5 suggests 2).
    pub max_in_flight: usize,
    /// Client-side request rate per API host (the server allows 30/s per IP).
    pub max_requests_per_second: u32,
    pub retry: RetryPolicy,
    /// Timeout for ordinary (non-upload) requests.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// An upload whose answer does not arrive within this time after the body was sent counts
    /// as a lost answer (then the tag lookup runs).
    pub upload_answer_timeout: Duration,
    /// While an upload's body is being sent: no bytes taken by the connection for this long
    /// (the server stopped reading) ends the send as a network failure, which is then
    /// reconciled by the upload's tag like a lost answer (never re-sent blindly).
    pub upload_stall_timeout: Duration,
    pub clock: Clock,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            api_base: "https://api-metrika.yandex.net".into(),
            oauth_base: "https://oauth.yandex.ru".into(),
            login_base: "https://login.yandex.ru".into(),
            max_in_flight: 2,
            max_requests_per_second: 20,
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(15),
            upload_answer_timeout: Duration::from_secs(300),
            upload_stall_timeout: Duration::from_secs(60),
            clock: Clock::system(),
        }
    }
}

impl ApiConfig {
    /// Points the client at other hosts (the fake), keeping the other defaults.
    pub fn with_bases(
        api_base: impl Into<String>,
        oauth_base: impl Into<String>,
        login_base: impl Into<String>,
    ) -> Self {
        ApiConfig {
            api_base: trim(api_base.into()),
            oauth_base: trim(oauth_base.into()),
            login_base: trim(login_base.into()),
            ..ApiConfig::default()
        }
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }
}

fn trim(mut s: String) -> String {
    while s.ends_with('/') {
        s.pop();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_under_the_cap() {
        let p = RetryPolicy::default();
        for attempt in 1..10 {
            let d = p.backoff(attempt);
            assert!(d <= p.max_delay, "{attempt}: {d:?}");
        }
        assert!(p.backoff(1) >= Duration::from_secs(1) && p.backoff(1) <= Duration::from_secs(2));
        assert!(p.backoff(3) >= Duration::from_secs(4));
    }

    #[test]
    fn bases_lose_trailing_slashes() {
        let c = ApiConfig::with_bases("http://127.0.0.1:1/", "http://x/oauth/", "http://x/login");
        assert_eq!(c.api_base, "http://127.0.0.1:1");
        assert_eq!(c.oauth_base, "http://x/oauth");
    }
}
