//! Management API endpoints (reference §2.9, §3, §4): account, counters, goals, offline
//! conversion and calls upload history, linking-window endpoints. Uploads themselves are in
//! `upload`.

use reqwest::Method;
use serde_json::json;

use crate::client::{Call, Client};
use crate::error::{ApiError, Result};
use crate::model::*;

/// Page size used by [`Client::all_counters`].
const COUNTERS_PAGE: u32 = 1000;

impl Client {
    /// Who the token belongs to: `GET {login_base}/info?format=json` (§2.9).
    pub async fn user_info(&self) -> Result<UserInfo> {
        let url = format!("{}/info", self.inner.config.login_base);
        self.call(Call::get(url).query("format", "json")).await
    }

    /// One page of counters (§3.1). `offset` is 1-based.
    pub async fn counters(&self, q: &CounterQuery) -> Result<CountersPage> {
        let mut call = Call::get(self.api("/management/v1/counters"))
            .query_opt("search_string", q.search.as_ref())
            .query_opt("per_page", q.per_page)
            .query_opt("offset", q.offset)
            .query_opt("ulogin", q.ulogin.as_ref());
        if !q.permission.is_empty() {
            call = call.query("permission", q.permission.join(","));
        }
        self.call(call).await
    }

    /// Every counter matching `q`, paging until `offset > rows` (agencies have hundreds).
    /// `q.per_page` is the page size (1 000 by default).
    pub async fn all_counters(&self, q: &CounterQuery) -> Result<Vec<Counter>> {
        let first = q.offset.unwrap_or(1);
        Ok(self.counters_range(q, first, u32::MAX).await?.counters)
    }

    /// Up to `limit` counters matching `q` from the `first` (1-based), asked a page of
    /// `q.per_page` (1 000 by default) at a time until there are `limit` or no more; `rows` is
    /// Metrica's total for the query, as on one page.
    pub async fn counters_range(
        &self,
        q: &CounterQuery,
        first: u32,
        limit: u32,
    ) -> Result<CountersPage> {
        let page_size = q.per_page.unwrap_or(COUNTERS_PAGE).max(1);
        let mut offset = first.max(1);
        let mut out = CountersPage {
            rows: 0,
            counters: Vec::new(),
        };
        while (out.counters.len() as u64) < u64::from(limit) {
            let left = u64::from(limit) - out.counters.len() as u64;
            let page = self
                .counters(&CounterQuery {
                    per_page: Some(page_size.min(u32::try_from(left).unwrap_or(u32::MAX))),
                    offset: Some(offset),
                    ..q.clone()
                })
                .await?;
            let got = page.counters.len() as u32;
            out.rows = page.rows;
            out.counters.extend(page.counters);
            offset = offset.saturating_add(got);
            if got == 0 || u64::from(offset) > page.rows {
                break;
            }
        }
        Ok(out)
    }

    /// One counter with its time zone and `offline_options` (§3.2).
    pub async fn counter(&self, id: u64) -> Result<Counter> {
        let url = self.api(&format!("/management/v1/counter/{id}"));
        let env: CounterEnvelope = self.call(Call::get(url).counter(id)).await?;
        Ok(env.counter)
    }

    /// The counter's goals (§3.3).
    pub async fn goals(&self, counter: u64) -> Result<Vec<Goal>> {
        let url = self.api(&format!("/management/v1/counter/{counter}/goals"));
        let env: GoalsEnvelope = self.call(Call::get(url).counter(counter)).await?;
        Ok(env.goals)
    }

    /// Create a JavaScript-event goal whose `exact` condition is `identifier` (§3.3).
    pub async fn create_js_goal(&self, counter: u64, name: &str, identifier: &str) -> Result<Goal> {
        let url = self.api(&format!("/management/v1/counter/{counter}/goals"));
        let body = json!({"goal": {"name": name, "type": "action",
            "conditions": [{"type": "exact", "url": identifier}]}});
        let env: GoalEnvelope = self
            .call(Call::new(Method::POST, url).counter(counter).json(body))
            .await?;
        Ok(env.goal)
    }

    /// Offline conversion upload history (§4.4); `offset` is 0-based.
    pub async fn conversion_uploadings(
        &self,
        counter: u64,
        limit: Option<u32>,
        offset: Option<u32>,
    ) -> Result<Vec<OfflineConversionUploading>> {
        let url = self.offline(counter, "uploadings");
        let call = Call::get(url)
            .counter(counter)
            .query_opt("limit", limit)
            .query_opt("offset", offset);
        let env: UploadingsEnvelope<OfflineConversionUploading> = self.call(call).await?;
        Ok(env.uploadings)
    }

    /// One offline conversion upload (§4.4).
    pub async fn conversion_uploading(
        &self,
        counter: u64,
        id: i64,
    ) -> Result<OfflineConversionUploading> {
        let url = self.offline(counter, &format!("uploading/{id}"));
        let env: UploadingEnvelope<_> = self.call(Call::get(url).counter(counter)).await?;
        Ok(env.uploading)
    }

    /// Calls upload history (§4.5); `offset` is 0-based.
    pub async fn calls_uploadings(
        &self,
        counter: u64,
        limit: Option<u32>,
        offset: Option<u32>,
    ) -> Result<Vec<OfflineConversionUploading>> {
        let url = self.offline(counter, "calls_uploadings");
        let call = Call::get(url)
            .counter(counter)
            .query_opt("limit", limit)
            .query_opt("offset", offset);
        let env: UploadingsEnvelope<OfflineConversionUploading> = self.call(call).await?;
        Ok(env.uploadings)
    }

    /// One calls upload (§4.5).
    pub async fn calls_uploading(
        &self,
        counter: u64,
        id: i64,
    ) -> Result<OfflineConversionUploading> {
        let url = self.offline(counter, &format!("calls_uploading/{id}"));
        let env: UploadingEnvelope<_> = self.call(Call::get(url).counter(counter)).await?;
        Ok(env.uploading)
    }

    /// Legacy, best effort (§4.7): from which date conversions can be linked. `None` when the
    /// endpoint is gone (404/405) or answers with a body we cannot read.
    pub async fn visit_join_threshold(&self, counter: u64) -> Result<Option<jiff::civil::Date>> {
        self.threshold_date(counter, "visit_join_threshold").await
    }

    /// Same as [`Client::visit_join_threshold`] for calls.
    pub async fn calls_visit_join_threshold(
        &self,
        counter: u64,
    ) -> Result<Option<jiff::civil::Date>> {
        self.threshold_date(counter, "calls_visit_join_threshold")
            .await
    }

    async fn threshold_date(&self, counter: u64, leaf: &str) -> Result<Option<jiff::civil::Date>> {
        let url = self.offline(counter, leaf);
        match self.call_raw(Call::get(url).counter(counter)).await {
            Ok(bytes) => Ok(threshold_from_body(&bytes)),
            Err(ApiError::NotFound) | Err(ApiError::Server { status: 405, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Turn the extended (21-day) linking window on or off for conversions (§4.7).
    pub async fn set_extended_threshold(&self, counter: u64, enabled: bool) -> Result<bool> {
        self.switch_threshold(counter, "extended_threshold", enabled)
            .await
    }

    /// Turn the extended linking window on or off for calls (§4.7).
    pub async fn set_calls_extended_threshold(&self, counter: u64, enabled: bool) -> Result<bool> {
        self.switch_threshold(counter, "calls_extended_threshold", enabled)
            .await
    }

    async fn switch_threshold(&self, counter: u64, leaf: &str, enabled: bool) -> Result<bool> {
        let method = if enabled {
            Method::POST
        } else {
            Method::DELETE
        };
        let url = self.offline(counter, leaf);
        let env: SuccessEnvelope = self.call(Call::new(method, url).counter(counter)).await?;
        Ok(env.success.unwrap_or(true))
    }

    pub(crate) fn offline(&self, counter: u64, leaf: &str) -> String {
        self.api(&format!(
            "/management/v1/counter/{counter}/offline_conversions/{leaf}"
        ))
    }
}

fn threshold_from_body(bytes: &[u8]) -> Option<jiff::civil::Date> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let date = v.get("date")?.as_str()?;
    parse_date_lenient(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_body_is_read_leniently() {
        let d = jiff::civil::date(2026, 11, 1);
        assert_eq!(threshold_from_body(br#"{"date":"2026-11-01"}"#), Some(d));
        assert_eq!(
            threshold_from_body(br#"{"date":"2026-11-01 00:00:00"}"#),
            Some(d)
        );
        assert_eq!(threshold_from_body(br#"{"date":12}"#), None);
        assert_eq!(threshold_from_body(b"nope"), None);
    }
}
