//! Streaming file uploads (multipart part `file`, text/csv, known length, 1 MiB reads), progress
//! and cancellation, upload tags, and the "lost answer" recovery: a POST whose answer was lost
//! after its body was sent is never re-sent; the server's upload list is searched for the tag.
//!
//! Does not read or check file contents (mb-import prepared them).

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;
use jiff::{Timestamp, ToSpan};
use mb_schema::UploadKind;
use reqwest::multipart::{Form, Part};
use tokio_util::io::ReaderStream;
use tokio_util::sync::CancellationToken;

use crate::client::{
    BODY_MAX, BodyError, Client, Safety, Verdict, decode, network_verdict, read_capped,
    retry_after, too_large,
};
use crate::error::{ApiError, Result};
use crate::model::*;

/// Read size for upload bodies: 4 KiB reads made reqwest 14–19× slower than curl here; 1 MiB
/// reads with a known length match curl.
pub(crate) const CHUNK: usize = 1 << 20;

/// Progress callback: `(bytes handed to the connection, total bytes)`.
pub type ProgressFn = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// A progress callback that ignores progress.
pub fn no_progress() -> ProgressFn {
    Arc::new(|_, _| {})
}

/// The next 00:00 UTC after `now`: when daily quotas reset (§6.1, §10 #15).
pub fn next_utc_midnight(now: Timestamp) -> Timestamp {
    let utc = now.to_zoned(jiff::tz::TimeZone::UTC);
    let midnight = utc.date().to_datetime(jiff::civil::Time::midnight());
    midnight
        .to_zoned(jiff::tz::TimeZone::UTC)
        .and_then(|z| z.checked_add(1.day()))
        .map(|z| z.timestamp())
        .unwrap_or(now)
}

/// The next full UTC hour after `now` (hourly quotas).
pub(crate) fn next_utc_hour(now: Timestamp) -> Timestamp {
    let secs = now.as_second();
    Timestamp::from_second(secs - secs.rem_euclid(3600) + 3600).unwrap_or(now)
}

/// A marker put in an upload's `comment` so a lost answer can be recovered: `MB`, the UTC time
/// `YYYYMMDDTHHMMSSZ`, four random hex digits — letters and digits only (§4.1, §6.5).
/// The caller stores it BEFORE sending, so that after a crash `find_upload_by_tag` can tell
/// whether the upload reached Metrica.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UploadTag {
    text: String,
    created_at: Timestamp,
}

impl UploadTag {
    /// A fresh tag stamped with the system clock.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self::at(Timestamp::now())
    }

    /// A fresh tag stamped with `now` (tests, injected clocks).
    pub fn at(now: Timestamp) -> Self {
        let now = Timestamp::from_second(now.as_second()).unwrap_or(now);
        let stamp = now
            .to_zoned(jiff::tz::TimeZone::UTC)
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string();
        let text = format!("MB{stamp}{:04X}", rand::random::<u16>());
        UploadTag {
            text,
            created_at: now,
        }
    }

    /// Read back a stored tag; `None` when it is not one of ours.
    pub fn parse(s: &str) -> Option<Self> {
        let body = s.strip_prefix("MB")?;
        // Our own tags carry 4 random hex digits; the history store mints 8. Both are ours.
        if !(20..=24).contains(&body.len()) || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let dt = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%SZ", &body[..16]).ok()?;
        let created_at = dt.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
        Some(UploadTag {
            text: s.to_string(),
            created_at,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// When the tag was made (second precision): just before sending.
    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }
}

impl std::fmt::Display for UploadTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Options of an offline conversion or calls upload.
#[derive(Debug, Clone)]
pub struct UploadOptions {
    /// Sent as `comment`; also the recovery marker.
    pub comment_tag: UploadTag,
    /// Legacy per-type file (§4.1). `None` = the current mixed-ID format (default).
    pub client_id_type: Option<ClientIdType>,
}

impl UploadOptions {
    pub fn new(comment_tag: UploadTag) -> Self {
        UploadOptions {
            comment_tag,
            client_id_type: None,
        }
    }
}

/// Options of a CRM (CDP) CSV upload.
#[derive(Debug, Clone)]
pub struct CrmUploadOptions {
    pub merge_mode: mb_schema::MergeMode,
    pub delimiter_type: mb_schema::DelimiterType,
    /// Not sent (CDP has no comment); its time is the send time for lost-answer lookups.
    pub tag: UploadTag,
    /// Data rows in the file (header excluded), matched against `elements_count` when looking
    /// for an upload whose answer was lost. `None` matches any count.
    pub expected_rows: Option<u64>,
    /// `columns_mapping` for contacts/orders (§5.1), already in `"a":"B","c":"D"` form.
    pub columns_mapping: Option<String>,
    /// Server ids of this counter's CRM uploads already known to be other uploads: a lost
    /// answer is never matched to one of them.
    pub claimed: Vec<String>,
}

impl CrmUploadOptions {
    pub fn new(tag: UploadTag) -> Self {
        CrmUploadOptions {
            merge_mode: mb_schema::MergeMode::Save,
            delimiter_type: mb_schema::DelimiterType::Comma,
            tag,
            expected_rows: None,
            columns_mapping: None,
            claimed: Vec::new(),
        }
    }
}

/// How a file POST ended.
pub(crate) enum Sent {
    /// The server answered 2xx with this body.
    Answer(Bytes),
    /// The whole body was handed over but the answer never came (connection error or timeout).
    Lost,
}

/// A file stream that reports progress, stops on cancellation, and says when it is finished.
struct FileBody {
    /// The first chunk, read before the request starts so that hyper writes it together with
    /// the headers (small files then travel in one write: a server that answers early, before
    /// reading the body, has still consumed the whole request and closes cleanly).
    first: Option<Bytes>,
    inner: ReaderStream<tokio::fs::File>,
    sent: u64,
    total: u64,
    progress: ProgressFn,
    cancel: CancellationToken,
    done: Arc<AtomicBool>,
    /// When the connection last took bytes (the upload watchdog reads it).
    moved: Arc<Moved>,
}

/// The time of the last progress of a send, for the stall watchdog.
struct Moved {
    started: tokio::time::Instant,
    /// Milliseconds after `started`.
    last_ms: std::sync::atomic::AtomicU64,
}

impl Moved {
    fn new() -> Self {
        Moved {
            started: tokio::time::Instant::now(),
            last_ms: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn touch(&self) {
        let ms = self.started.elapsed().as_millis() as u64;
        self.last_ms.store(ms, Ordering::SeqCst);
    }

    fn idle(&self) -> std::time::Duration {
        let last = std::time::Duration::from_millis(self.last_ms.load(Ordering::SeqCst));
        self.started.elapsed().saturating_sub(last)
    }
}

impl Stream for FileBody {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.cancel.is_cancelled() {
            return Poll::Ready(Some(Err(std::io::Error::other("upload cancelled"))));
        }
        let next = match self.first.take() {
            Some(chunk) => Poll::Ready(Some(Ok(chunk))),
            None => Pin::new(&mut self.inner).poll_next(cx),
        };
        if let Poll::Ready(item) = &next {
            match item {
                Some(Ok(chunk)) => {
                    self.moved.touch();
                    self.sent += chunk.len() as u64;
                    (self.progress)(self.sent, self.total);
                    if self.sent >= self.total {
                        self.done.store(true, Ordering::SeqCst);
                    }
                }
                None => self.done.store(true, Ordering::SeqCst),
                Some(Err(_)) => {}
            }
        }
        next
    }
}

/// Up to [`CHUNK`] bytes from the start of the file (less only at end of file).
async fn read_first_chunk(file: &mut tokio::fs::File) -> std::io::Result<Bytes> {
    use tokio::io::AsyncReadExt;
    let mut buf = bytes::BytesMut::with_capacity(CHUNK);
    while buf.len() < CHUNK {
        if file.read_buf(&mut buf).await? == 0 {
            break;
        }
    }
    Ok(buf.freeze())
}

/// One upload request: where to, with which query.
pub(crate) struct FilePost<'a> {
    pub url: String,
    pub query: Vec<(&'static str, String)>,
    pub counter: u64,
    pub path: &'a Path,
    pub progress: ProgressFn,
    pub cancel: &'a CancellationToken,
}

impl Client {
    /// Stream `path` as the multipart part `file`. Retries only what provably did not reach the
    /// server (420/429 transient quotas, connect errors); never a 5xx or a lost answer.
    pub(crate) async fn post_file(&self, post: FilePost<'_>) -> Result<Sent> {
        let policy = &self.inner.config.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            // Before this attempt's request: nothing of the file went (an earlier attempt is
            // retried only when it provably did not reach the server).
            if post.cancel.is_cancelled() {
                return Err(ApiError::CancelledBeforeSend);
            }
            let file_err = |source| ApiError::File {
                path: PathBuf::from(post.path),
                source,
            };
            // Only regular files (opened without blocking): a FIFO would hang the send.
            let file = mb_schema::fs::open_regular(post.path).map_err(file_err)?;
            let mut file = tokio::fs::File::from_std(file);
            let total = file.metadata().await.map_err(file_err)?.len();
            let first = read_first_chunk(&mut file).await.map_err(file_err)?;
            let done = Arc::new(AtomicBool::new(false));
            let moved = Arc::new(Moved::new());
            let body = FileBody {
                moved: moved.clone(),
                first: (!first.is_empty()).then_some(first),
                inner: ReaderStream::with_capacity(file, CHUNK),
                sent: 0,
                total,
                progress: post.progress.clone(),
                cancel: post.cancel.clone(),
                done: done.clone(),
            };
            let file_name = post
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "data.csv".into());
            let part = Part::stream_with_length(reqwest::Body::wrap_stream(body), total)
                .file_name(file_name)
                .mime_str("text/csv")
                .map_err(|e| ApiError::Config(e.to_string()))?;
            let form = Form::new().part("file", part);

            let permit = self.inner.gate.enter().await;
            let req = self
                .inner
                .upload_http
                .post(&post.url)
                .query(&post.query)
                .header(reqwest::header::AUTHORIZATION, self.auth_value()?)
                .header(reqwest::header::ACCEPT, "application/json")
                .multipart(form);
            let exchange = async {
                let resp = req.send().await?;
                let status = resp.status();
                let wait = retry_after(resp.headers(), self.inner.config.clock.now());
                let bytes = read_capped(resp, BODY_MAX).await?;
                Ok::<_, BodyError>((status, wait, bytes))
            };
            // Waiting for the gate is not a stall: the watchdog counts from here.
            moved.touch();
            let outcome = self
                .await_answer(exchange, &done, &moved, post.cancel)
                .await;
            drop(permit);
            let verdict = match outcome {
                Answer::Cancelled => return Err(ApiError::Cancelled),
                Answer::TimedOut => return Ok(Sent::Lost),
                Answer::Stalled => {
                    // Part of the body may have reached the server: reconcile by the tag,
                    // never send again blindly.
                    tracing::warn!(
                        counter = post.counter,
                        "upload stalled: the server took no bytes for {:?}",
                        self.inner.config.upload_stall_timeout
                    );
                    return Ok(Sent::Lost);
                }
                // A server error after the whole file was handed over does not say the file
                // was not stored (a 504 `timeout` is an answer that took too long): look for
                // it by the tag, as for a lost answer, never send again blindly.
                Answer::Got(Ok((status, _, _)))
                    if status.is_server_error() && done.load(Ordering::SeqCst) =>
                {
                    tracing::warn!(
                        counter = post.counter,
                        status = status.as_u16(),
                        "server error after the body was sent: outcome unknown"
                    );
                    return Ok(Sent::Lost);
                }
                Answer::Got(Ok((status, wait, bytes))) => {
                    self.judge(status, bytes, Safety::Unsafe, Some(post.counter), wait)
                }
                // An answer too large to read (a gateway's error page) after the whole file went
                // says nothing of whether it was stored: look for it by the tag.
                Answer::Got(Err(BodyError::TooLarge { limit })) if done.load(Ordering::SeqCst) => {
                    tracing::warn!(
                        counter = post.counter,
                        limit,
                        "answer over the size limit after the body was sent: outcome unknown"
                    );
                    return Ok(Sent::Lost);
                }
                Answer::Got(Err(BodyError::TooLarge { limit })) => {
                    Verdict::Fail(too_large(&post.url, limit))
                }
                Answer::Got(Err(BodyError::Network(e))) => {
                    if post.cancel.is_cancelled() {
                        return Err(ApiError::Cancelled);
                    }
                    if done.load(Ordering::SeqCst) && !e.is_connect() {
                        tracing::warn!(
                            counter = post.counter,
                            "upload answer lost after body sent"
                        );
                        return Ok(Sent::Lost);
                    }
                    network_verdict(e, Safety::Unsafe, policy, attempt)
                }
            };
            match verdict {
                Verdict::Done(bytes) => return Ok(Sent::Answer(bytes)),
                Verdict::Fail(e) => return Err(e),
                Verdict::Retry(delay, e) => {
                    if attempt >= policy.max_attempts {
                        return Err(e);
                    }
                    let delay = delay.unwrap_or_else(|| policy.backoff(attempt));
                    tokio::select! {
                        _ = tokio::time::sleep(delay) => {}
                        _ = post.cancel.cancelled() => return Err(ApiError::Cancelled),
                    }
                }
            }
        }
    }

    /// Drive the exchange; while the body is being sent, the connection must take bytes at
    /// least every `upload_stall_timeout`; once it is fully handed over, the answer must come
    /// within `upload_answer_timeout`.
    async fn await_answer<F>(
        &self,
        exchange: F,
        done: &AtomicBool,
        moved: &Moved,
        cancel: &CancellationToken,
    ) -> Answer
    where
        F: std::future::Future<
                Output = std::result::Result<
                    (reqwest::StatusCode, Option<std::time::Duration>, Bytes),
                    BodyError,
                >,
            >,
    {
        let stall = self.inner.config.upload_stall_timeout;
        tokio::pin!(exchange);
        let limit = self.inner.config.upload_answer_timeout;
        let tick = std::time::Duration::from_millis(50).min(limit);
        let mut deadline: Option<tokio::time::Instant> = None;
        loop {
            let sleep_until = match deadline {
                Some(d) => d,
                None => tokio::time::Instant::now() + tick,
            };
            tokio::select! {
                r = &mut exchange => return Answer::Got(r),
                _ = cancel.cancelled() => return Answer::Cancelled,
                _ = tokio::time::sleep_until(sleep_until) => {
                    match deadline {
                        Some(_) => return Answer::TimedOut,
                        None if done.load(Ordering::SeqCst) => {
                            deadline = Some(tokio::time::Instant::now() + limit);
                        }
                        None if moved.idle() >= stall => return Answer::Stalled,
                        None => {}
                    }
                }
            }
        }
    }

    /// Upload an offline conversions file (§4.1). Without `client_id_type` the file is in the
    /// current mixed-ID format. A lost answer is resolved by the comment tag, never by re-sending.
    pub async fn upload_conversions(
        &self,
        counter: u64,
        path: &Path,
        options: &UploadOptions,
        progress: ProgressFn,
        cancel: &CancellationToken,
    ) -> Result<OfflineConversionUploading> {
        let mut query = vec![("comment", options.comment_tag.to_string())];
        if let Some(t) = options.client_id_type {
            query.push(("client_id_type", t.as_str().to_string()));
        }
        let post = FilePost {
            url: self.offline(counter, "upload"),
            query,
            counter,
            path,
            progress,
            cancel,
        };
        self.offline_upload(post, UploadKind::Conversions, &options.comment_tag)
            .await
    }

    /// Upload a calls file (§4.5); `new_goal_name` names the calls goal if the counter has none.
    pub async fn upload_calls(
        &self,
        counter: u64,
        path: &Path,
        new_goal_name: Option<&str>,
        options: &UploadOptions,
        progress: ProgressFn,
        cancel: &CancellationToken,
    ) -> Result<OfflineConversionUploading> {
        let mut query = vec![("comment", options.comment_tag.to_string())];
        if let Some(name) = new_goal_name {
            query.push(("new_goal_name", name.to_string()));
        }
        if let Some(t) = options.client_id_type {
            query.push(("client_id_type", t.as_str().to_string()));
        }
        let url = self.offline(counter, "upload_calls");
        let post = FilePost {
            url,
            query,
            counter,
            path,
            progress,
            cancel,
        };
        self.offline_upload(post, UploadKind::Calls, &options.comment_tag)
            .await
    }

    async fn offline_upload(
        &self,
        post: FilePost<'_>,
        kind: UploadKind,
        tag: &UploadTag,
    ) -> Result<OfflineConversionUploading> {
        let counter = post.counter;
        let url = post.url.clone();
        match self.post_file(post).await? {
            Sent::Answer(bytes) => {
                match decode::<UploadingEnvelope<OfflineConversionUploading>>(&url, &bytes) {
                    Ok(env) => Ok(env.uploading),
                    // A success we cannot read still may have stored the file.
                    Err(e) => {
                        tracing::warn!(counter, error = %e, "unreadable upload answer");
                        match self.recover_lost(counter, kind, tag, None, &[]).await {
                            Some(FoundUpload::Offline(u)) => Ok(u),
                            _ => Err(ApiError::UploadOutcomeUnknown {
                                tag: tag.to_string(),
                            }),
                        }
                    }
                }
            }
            Sent::Lost => match self.recover_lost(counter, kind, tag, None, &[]).await {
                Some(FoundUpload::Offline(u)) => Ok(u),
                _ => Err(ApiError::UploadOutcomeUnknown {
                    tag: tag.to_string(),
                }),
            },
        }
    }

    /// After a lost answer: look for the tag twice (the list may lag a moment). Lookup errors
    /// count as "not found": the caller gets `UploadOutcomeUnknown` and never re-sends blindly.
    pub(crate) async fn recover_lost(
        &self,
        counter: u64,
        kind: UploadKind,
        tag: &UploadTag,
        expected_rows: Option<u64>,
        claimed: &[String],
    ) -> Option<FoundUpload> {
        for attempt in 1..=2 {
            match self
                .find_upload_by_tag(counter, kind, tag, expected_rows, claimed)
                .await
            {
                Ok(Some(found)) => return Some(found),
                Ok(None) => {}
                Err(e) => tracing::warn!(counter, %tag, error = %e, "lost-upload lookup failed"),
            }
            if attempt == 1 {
                tokio::time::sleep(self.inner.config.retry.backoff(1)).await;
            }
        }
        None
    }

    /// Look on the server for the upload that carries `tag` (after a lost answer, or on restart
    /// when history holds a tag with no server id).
    ///
    /// * Conversions and calls: the upload whose `comment` equals the tag.
    /// * CRM kinds have no comment: the ONE `last_uploadings` item whose `datetime` lies
    ///   between the tag's time − 5 min and + 6 h, whose `elements_count` equals
    ///   `expected_rows` (when given) and whose id is not `claimed` (known to be another
    ///   upload). Two such items are ambiguous: not found (the caller reports the outcome as
    ///   unknown rather than take another upload's success for this one's).
    pub async fn find_upload_by_tag(
        &self,
        counter: u64,
        kind: UploadKind,
        tag: &UploadTag,
        expected_rows: Option<u64>,
        claimed: &[String],
    ) -> Result<Option<FoundUpload>> {
        match kind {
            UploadKind::Conversions | UploadKind::Calls => {
                const PAGE: u32 = 1000;
                let mut offset = 0;
                loop {
                    let page = if kind == UploadKind::Calls {
                        self.calls_uploadings(counter, Some(PAGE), Some(offset))
                            .await?
                    } else {
                        self.conversion_uploadings(counter, Some(PAGE), Some(offset))
                            .await?
                    };
                    let n = page.len() as u32;
                    if let Some(u) = page
                        .into_iter()
                        .find(|u| u.comment.as_deref() == Some(tag.as_str()))
                    {
                        return Ok(Some(FoundUpload::Offline(u)));
                    }
                    if n < PAGE {
                        return Ok(None);
                    }
                    offset += n;
                }
            }
            UploadKind::SimpleOrders | UploadKind::Contacts | UploadKind::Orders => {
                let from = tag.created_at() - 5.minutes();
                let to = tag.created_at() + 6.hours();
                // Times in the list may be the counter's wall clock read as UTC: a day's
                // margin on the walk back.
                let list = self
                    .cdp_uploadings_back_to(counter, from - 24.hours(), |_| false)
                    .await?;
                let mut fits: Vec<UploadingMetaExternal> = list
                    .into_iter()
                    .filter(|u| {
                        u.sent_at().is_some_and(|t| t >= from && t <= to)
                            && expected_rows.is_none_or(|n| u.elements_count == Some(n))
                            && !claimed.contains(&u.uploading_id)
                    })
                    .collect();
                if fits.len() > 1 {
                    tracing::warn!(
                        counter,
                        %tag,
                        candidates = fits.len(),
                        "lost CRM answer: several uploads fit, none taken"
                    );
                    return Ok(None);
                }
                Ok(fits.pop().map(FoundUpload::Crm))
            }
        }
    }
}

enum Answer {
    Got(std::result::Result<(reqwest::StatusCode, Option<std::time::Duration>, Bytes), BodyError>),
    Cancelled,
    TimedOut,
    /// The connection took no bytes of the body for `upload_stall_timeout`.
    Stalled,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_letters_and_digits_and_round_trip() {
        let now: Timestamp = "2026-11-22T07:15:02.7Z".parse().unwrap();
        let tag = UploadTag::at(now);
        assert!(tag.as_str().starts_with("MB20261122T071502Z"), "{tag}");
        assert!(tag.as_str().bytes().all(|b| b.is_ascii_alphanumeric()));
        let back = UploadTag::parse(tag.as_str()).unwrap();
        assert_eq!(back, tag);
        assert_eq!(
            back.created_at(),
            "2026-11-22T07:15:02Z".parse::<Timestamp>().unwrap()
        );
        assert!(UploadTag::parse("CRM export").is_none());
        let from_history = UploadTag::parse("MB20261122T071502Z1A2B3C4D").unwrap();
        assert_eq!(from_history.created_at(), back.created_at());
        assert!(UploadTag::parse("MB20261122T071502Z1A2B3C4D5E").is_none());
    }

    #[test]
    fn daily_quota_resets_at_the_next_utc_midnight() {
        let now: Timestamp = "2026-11-22T23:59:59Z".parse().unwrap();
        assert_eq!(
            next_utc_midnight(now),
            "2026-11-23T00:00:00Z".parse::<Timestamp>().unwrap()
        );
        let now: Timestamp = "2026-11-22T00:00:00Z".parse().unwrap();
        assert_eq!(
            next_utc_midnight(now),
            "2026-11-23T00:00:00Z".parse::<Timestamp>().unwrap()
        );
        let now: Timestamp = "2026-11-22T10:20:00Z".parse().unwrap();
        assert_eq!(
            next_utc_hour(now),
            "2026-11-22T11:00:00Z".parse::<Timestamp>().unwrap()
        );
    }
}
