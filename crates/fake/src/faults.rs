//! Scripted faults: what tests (and the demo's "chaos" switches) ask the fake to do wrong on
//! purpose — quota answers, 5xx, latency, dropped connections, lost answers, dead tokens,
//! 404 threshold endpoints and the two behaviour switches the reference leaves open (§10).
//! Thread-safe and usable while the server runs. It does not apply the faults itself; the
//! guard and the upload handlers consult it.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::watch;

use crate::error::ErrorType;

/// Which §6.3 quota `error_type` a scripted rate limit answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuotaKind {
    ByIp,
    Parallel,
    ByUid,
    ByCounterId,
}

impl QuotaKind {
    pub fn error_type(self) -> ErrorType {
        match self {
            QuotaKind::ByIp => ErrorType::QuotaRequestsByIp,
            QuotaKind::Parallel => ErrorType::QuotaParallelRequests,
            QuotaKind::ByUid => ErrorType::QuotaRequestsByUid,
            QuotaKind::ByCounterId => ErrorType::QuotaRequestsByCounterId,
        }
    }
}

/// Which server failure a scripted 5xx answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerFault {
    /// 503 `backend_error`
    BackendError,
    /// 504 `timeout`
    Timeout,
    /// 500; no `error_type` is documented for it, so the body says `backend_error` (§6.3)
    Internal,
}

impl ServerFault {
    /// The HTTP status of the answer.
    pub fn status(self) -> axum::http::StatusCode {
        match self {
            ServerFault::Internal => axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            other => other.error_type().status(),
        }
    }

    pub fn error_type(self) -> ErrorType {
        match self {
            ServerFault::BackendError => ErrorType::BackendError,
            ServerFault::Timeout => ErrorType::Timeout,
            ServerFault::Internal => ErrorType::BackendError,
        }
    }
}

#[derive(Debug, Default)]
struct FaultState {
    rate_limit_left: u32,
    rate_limit_kind: Option<QuotaKind>,
    quota_status_420: bool,
    server_left: u32,
    server_kind: Option<ServerFault>,
    latency: Duration,
    upload_bytes_per_sec: Option<u64>,
    drop_upload_after: Option<u64>,
    lose_upload_answers: u32,
    answer_late: bool,
    /// Uploads stored whose answer is not made yet: not in the lists.
    unlisted: HashSet<i64>,
    stall_before_store: bool,
    stall_after_store: bool,
    thresholds_404: bool,
    bad_rows_reject_file: bool,
    status_post_replaces: bool,
    unknown_status_as_other: bool,
    refresh_requires_secret: bool,
    expire_at_upload: Option<u32>,
    fail_after_store: Option<ServerFault>,
    expired: HashSet<String>,
    revoked: HashSet<String>,
}

/// How a token was killed by a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKill {
    Expired,
    Revoked,
}

/// Scripted faults; see the module docs.
#[derive(Debug)]
pub struct Faults {
    state: Mutex<FaultState>,
    hold: watch::Sender<bool>,
    stalled: tokio::sync::Notify,
}

/// Where [`Faults::stall_next_upload`] stops an upload for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StallPoint {
    /// After the first chunk of the file arrived, before anything is stored.
    BeforeStore,
    /// After the upload is stored, before the answer is written.
    AfterStore,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            state: Mutex::new(FaultState::default()),
            hold: watch::Sender::new(false),
            stalled: tokio::sync::Notify::new(),
        }
    }
}

impl Faults {
    fn st(&self) -> std::sync::MutexGuard<'_, FaultState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next `n` Metrica requests get a quota answer of `kind` (429, or 420 after
    /// [`Faults::use_status_420`]). No `Retry-After` header, as on the real server.
    pub fn rate_limit_next(&self, n: u32, kind: QuotaKind) {
        let mut s = self.st();
        s.rate_limit_left = n;
        s.rate_limit_kind = Some(kind);
    }

    /// Quota answers (scripted and real) use HTTP 420 instead of 429 (§6.1, §10 row 14).
    pub fn use_status_420(&self, on: bool) {
        self.st().quota_status_420 = on;
    }

    /// The next `n` Metrica requests fail with `kind`.
    pub fn fail_next(&self, n: u32, kind: ServerFault) {
        let mut s = self.st();
        s.server_left = n;
        s.server_kind = Some(kind);
    }

    /// Adds `d` of latency to every Metrica and OAuth answer (zero turns it off).
    pub fn set_latency(&self, d: Duration) {
        self.st().latency = d;
    }

    /// Uploaded files are read no faster than `bytes_per_sec` (None: as fast as they come), so
    /// a send lasts long enough to watch its progress or stop it.
    pub fn throttle_uploads(&self, bytes_per_sec: Option<u64>) {
        self.st().upload_bytes_per_sec = bytes_per_sec.filter(|b| *b > 0);
    }

    /// The next upload request is cut: after `bytes` of its multipart body (or at its end if
    /// shorter) the connection is closed without an answer and nothing is stored.
    pub fn drop_next_upload_after(&self, bytes: u64) {
        self.st().drop_upload_after = Some(bytes);
    }

    /// The next `n` uploads are stored, then the connection is closed without an answer, so
    /// the client must find the upload in the list (by its comment) instead of re-sending.
    pub fn lose_next_upload_answers(&self, n: u32) {
        self.st().lose_upload_answers = n;
    }

    /// The next upload (conversions or calls) is stored, and its answer is still being made
    /// when the connection breaks: the client gets none, and the upload is missing from the
    /// lists until [`Faults::list_late_uploads`]. Metrica lists an upload from its answer on,
    /// which for a big file can come long after its send began (docs/metrika-api.md §6): one
    /// look-up right after a cut proves nothing.
    pub fn answer_next_upload_late(&self) {
        self.st().answer_late = true;
    }

    /// The answers [`Faults::answer_next_upload_late`] held back are made: those uploads are
    /// in the lists from now on.
    pub fn list_late_uploads(&self) {
        self.st().unlisted.clear();
    }

    pub(crate) fn take_answer_late(&self, upload_id: i64) -> bool {
        let mut s = self.st();
        if std::mem::take(&mut s.answer_late) {
            s.unlisted.insert(upload_id);
            true
        } else {
            false
        }
    }

    pub(crate) fn listed(&self, upload_id: i64) -> bool {
        !self.st().unlisted.contains(&upload_id)
    }

    /// The next upload is stored, then answered with `kind` (a 5xx): Metrica's documented
    /// server errors say nothing about whether the file was kept (§6.3), so the client must
    /// look for it by its tag before anything is sent again.
    pub fn fail_next_upload_after_store(&self, kind: ServerFault) {
        self.st().fail_after_store = Some(kind);
    }

    pub(crate) fn take_fail_after_store(&self) -> Option<ServerFault> {
        self.st().fail_after_store.take()
    }

    /// All five threshold endpoints (§4.7) answer 404.
    pub fn thresholds_404(&self, on: bool) {
        self.st().thresholds_404 = on;
    }

    /// Offline conversions and calls: a row with a bad value (future `DateTime`, missing
    /// identifier, bad `Price`, flag, duration or phone…) rejects the whole file with 400
    /// `invalid_uploading` listing the rows, instead of the default of dropping the row (or
    /// the optional value) and lowering `line_quantity`. The default is what Yandex's own API
    /// tests expect of the real server (docs/metrika-api.md §4.2); this switch is only a
    /// robustness check. The client never sends such rows, and explains either outcome.
    pub fn reject_files_with_bad_rows(&self, on: bool) {
        self.st().bad_rows_reject_file = on;
    }

    /// `POST …/schema/order_statuses` replaces the counter's whole list instead of updating
    /// the statuses it names by id: no page says which (docs/metrika-api.md §5.5), so the
    /// client must keep the other statuses under either reading.
    pub fn status_post_replaces(&self, on: bool) {
        self.st().status_post_replaces = on;
    }

    /// Unknown simple-order statuses are stored as `OTHER` instead of failing the file (§5.2).
    pub fn accept_unknown_status_as_other(&self, on: bool) {
        self.st().unknown_status_as_other = on;
    }

    /// `grant_type=refresh_token` demands `client_secret` (§2.5, §10 row 11).
    pub fn refresh_requires_secret(&self, on: bool) {
        self.st().refresh_requires_secret = on;
    }

    /// Makes `token` expired from now on (Metrica answers 403 `invalid_token`; its refresh
    /// token still works).
    pub fn expire_token(&self, token: &str) {
        self.st().expired.insert(token.to_string());
    }

    /// The token expires as the `nth` upload from now arrives (1 = the next one): a sign-in
    /// that runs out in the middle of a send in parts. That upload is answered 403
    /// `invalid_token` and stores nothing.
    pub fn expire_token_at_upload(&self, nth: u32) {
        self.st().expire_at_upload = (nth > 0).then_some(nth);
    }

    pub(crate) fn take_expire_at_upload(&self) -> bool {
        let mut s = self.st();
        match s.expire_at_upload {
            Some(1) => {
                s.expire_at_upload = None;
                true
            }
            Some(n) => {
                s.expire_at_upload = Some(n - 1);
                false
            }
            None => false,
        }
    }

    /// Revokes `token` as the user would on id.yandex.ru (its refresh token dies too).
    pub fn revoke_token(&self, token: &str) {
        self.st().revoked.insert(token.to_string());
    }

    /// Holds every Metrica request (after quotas are counted, so it stays "in flight") until
    /// [`Faults::release_requests`]. Lets tests build concurrency without sleeping.
    pub fn hold_requests(&self) {
        self.hold.send_replace(true);
    }

    pub fn release_requests(&self) {
        self.hold.send_replace(false);
    }

    /// Clears every scripted fault and switch (killed tokens stay dead).
    pub fn reset(&self) {
        let mut s = self.st();
        let expired = std::mem::take(&mut s.expired);
        let revoked = std::mem::take(&mut s.revoked);
        *s = FaultState {
            expired,
            revoked,
            ..FaultState::default()
        };
        drop(s);
        self.release_requests();
    }

    // ---- consulted by the server ----

    pub(crate) fn take_rate_limit(&self) -> Option<QuotaKind> {
        let mut s = self.st();
        if s.rate_limit_left > 0 {
            s.rate_limit_left -= 1;
            s.rate_limit_kind
        } else {
            None
        }
    }

    pub(crate) fn quota_status(&self) -> axum::http::StatusCode {
        if self.st().quota_status_420 {
            axum::http::StatusCode::from_u16(420)
                .unwrap_or(axum::http::StatusCode::TOO_MANY_REQUESTS)
        } else {
            axum::http::StatusCode::TOO_MANY_REQUESTS
        }
    }

    pub(crate) fn take_server_fault(&self) -> Option<ServerFault> {
        let mut s = self.st();
        if s.server_left > 0 {
            s.server_left -= 1;
            s.server_kind
        } else {
            None
        }
    }

    pub(crate) fn latency(&self) -> Duration {
        self.st().latency
    }

    pub(crate) fn upload_throttle(&self) -> Option<u64> {
        self.st().upload_bytes_per_sec
    }

    pub(crate) fn take_drop_upload(&self) -> Option<u64> {
        self.st().drop_upload_after.take()
    }

    /// The next upload request never gets an answer: it stops for good at `at` (a client that
    /// is killed meanwhile, as in a crash test, finds out on restart what the server kept).
    pub fn stall_next_upload(&self, at: StallPoint) {
        let mut s = self.st();
        match at {
            StallPoint::BeforeStore => s.stall_before_store = true,
            StallPoint::AfterStore => s.stall_after_store = true,
        }
    }

    /// Resolves once an upload has stalled at the point given to [`Faults::stall_next_upload`].
    pub async fn wait_stalled(&self) {
        self.stalled.notified().await;
    }

    /// If an upload should stall at `at`, signals it and never returns.
    pub(crate) async fn maybe_stall(&self, at: StallPoint) {
        let hit = {
            let mut s = self.st();
            let flag = match at {
                StallPoint::BeforeStore => &mut s.stall_before_store,
                StallPoint::AfterStore => &mut s.stall_after_store,
            };
            std::mem::take(flag)
        };
        if hit {
            self.stalled.notify_one();
            std::future::pending::<()>().await;
        }
    }

    pub(crate) fn take_lose_answer(&self) -> bool {
        let mut s = self.st();
        if s.lose_upload_answers > 0 {
            s.lose_upload_answers -= 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn thresholds_are_404(&self) -> bool {
        self.st().thresholds_404
    }

    pub(crate) fn bad_rows_reject_file(&self) -> bool {
        self.st().bad_rows_reject_file
    }

    pub(crate) fn status_posts_replace(&self) -> bool {
        self.st().status_post_replaces
    }

    pub(crate) fn unknown_status_is_other(&self) -> bool {
        self.st().unknown_status_as_other
    }

    pub(crate) fn refresh_needs_secret(&self) -> bool {
        self.st().refresh_requires_secret
    }

    pub(crate) fn token_kill(&self, token: &str) -> Option<TokenKill> {
        let s = self.st();
        if s.revoked.contains(token) {
            Some(TokenKill::Revoked)
        } else if s.expired.contains(token) {
            Some(TokenKill::Expired)
        } else {
            None
        }
    }

    pub(crate) async fn wait_until_released(&self) {
        let mut rx = self.hold.subscribe();
        // An Err means the sender is gone, i.e. the server is shutting down: stop holding.
        let _ = rx.wait_for(|held| !*held).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_counts_down_to_zero() {
        let f = Faults::default();
        f.rate_limit_next(2, QuotaKind::ByUid);
        assert_eq!(f.take_rate_limit(), Some(QuotaKind::ByUid));
        assert_eq!(f.take_rate_limit(), Some(QuotaKind::ByUid));
        assert_eq!(f.take_rate_limit(), None);
    }

    #[test]
    fn reset_keeps_killed_tokens_dead() {
        let f = Faults::default();
        f.revoke_token("y0_x");
        f.thresholds_404(true);
        f.reset();
        assert!(!f.thresholds_are_404());
        assert_eq!(f.token_kill("y0_x"), Some(TokenKill::Revoked));
    }
}
