//! CRM ("CDP") endpoints (reference §5): simple orders, contacts and orders CSV uploads, the
//! upload list, and the order status mapping. A 200 whose `api_validation_status` is `FAILED`
//! is turned into [`ApiError::RejectedData`], so `Ok` always means "accepted".

use std::path::Path;

use mb_schema::UploadKind;
use reqwest::Method;
use tokio_util::sync::CancellationToken;

use crate::client::{Call, Client, decode};
use crate::error::{ApiError, Result};
use crate::model::*;
use crate::upload::{CrmUploadOptions, FilePost, ProgressFn, Sent};

impl Client {
    /// `POST /cdp/api/v1/counter/{id}/data/simple_orders` (§5.2).
    pub async fn upload_simple_orders(
        &self,
        counter: u64,
        path: &Path,
        options: &CrmUploadOptions,
        progress: ProgressFn,
        cancel: &CancellationToken,
    ) -> Result<UploadingMetaExternal> {
        self.crm_upload(
            counter,
            "data/simple_orders",
            UploadKind::SimpleOrders,
            path,
            options,
            progress,
            cancel,
        )
        .await
    }

    /// `POST /cdp/api/v1/counter/{id}/data/contacts/csv` (§5.3).
    pub async fn upload_contacts_csv(
        &self,
        counter: u64,
        path: &Path,
        options: &CrmUploadOptions,
        progress: ProgressFn,
        cancel: &CancellationToken,
    ) -> Result<UploadingMetaExternal> {
        self.crm_upload(
            counter,
            "data/contacts/csv",
            UploadKind::Contacts,
            path,
            options,
            progress,
            cancel,
        )
        .await
    }

    /// `POST /cdp/api/v1/counter/{id}/data/orders/csv` (§5.4).
    pub async fn upload_orders_csv(
        &self,
        counter: u64,
        path: &Path,
        options: &CrmUploadOptions,
        progress: ProgressFn,
        cancel: &CancellationToken,
    ) -> Result<UploadingMetaExternal> {
        self.crm_upload(
            counter,
            "data/orders/csv",
            UploadKind::Orders,
            path,
            options,
            progress,
            cancel,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn crm_upload(
        &self,
        counter: u64,
        leaf: &str,
        kind: UploadKind,
        path: &Path,
        options: &CrmUploadOptions,
        progress: ProgressFn,
        cancel: &CancellationToken,
    ) -> Result<UploadingMetaExternal> {
        let url = self.cdp(counter, leaf);
        let mut query = vec![
            ("merge_mode", options.merge_mode.as_str().to_string()),
            (
                "delimiter_type",
                options.delimiter_type.as_str().to_string(),
            ),
        ];
        if let Some(m) = &options.columns_mapping {
            query.push(("columns_mapping", m.clone()));
        }
        let post = FilePost {
            url: url.clone(),
            query,
            counter,
            path,
            progress,
            cancel,
        };
        let answer = match self.post_file(post).await? {
            Sent::Answer(bytes) => {
                match decode::<UploadingEnvelope<UploadingMetaExternal>>(&url, &bytes) {
                    Ok(env) => Some(env.uploading),
                    // A success we cannot read still may have stored the file.
                    Err(e) => {
                        tracing::warn!(counter, error = %e, "unreadable upload answer");
                        None
                    }
                }
            }
            Sent::Lost => None,
        };
        let meta = match answer {
            Some(meta) => meta,
            None => {
                match self
                    .recover_lost(
                        counter,
                        kind,
                        &options.tag,
                        options.expected_rows,
                        &options.claimed,
                    )
                    .await
                {
                    Some(FoundUpload::Crm(u)) => u,
                    _ => {
                        return Err(ApiError::UploadOutcomeUnknown {
                            tag: options.tag.to_string(),
                        });
                    }
                }
            }
        };
        accepted(meta)
    }

    /// `GET /cdp/api/v1/counter/{id}/last_uploadings` (§5.1): newest first; `datetime_offset`
    /// returns uploads strictly earlier than that time (`YYYY-MM-DD HH:MM:SS`).
    pub async fn last_uploadings(
        &self,
        counter: u64,
        limit: Option<u32>,
        datetime_offset: Option<&str>,
    ) -> Result<Vec<UploadingMetaExternal>> {
        let call = Call::get(self.cdp(counter, "last_uploadings"))
            .counter(counter)
            .query_opt("limit", limit)
            .query_opt("datetime_offset", datetime_offset);
        let env: UploadingsEnvelope<UploadingMetaExternal> = self.call(call).await?;
        Ok(env.uploadings)
    }

    /// Every CDP upload of the counter sent from `since` on (and some before), newest first:
    /// pages back through `last_uploadings`, 1 000 a page, until a page is short or reaches
    /// before `since` (§5.1). Stops early when `found` says so. Each next page asks for uploads
    /// earlier than the oldest one seen plus a second (the offset has whole seconds and is
    /// strict), so uploads of that same second on both sides of a page's edge are all seen.
    pub async fn cdp_uploadings_back_to(
        &self,
        counter: u64,
        since: jiff::Timestamp,
        mut found: impl FnMut(&UploadingMetaExternal) -> bool,
    ) -> Result<Vec<UploadingMetaExternal>> {
        const PAGE: u32 = 1000;
        // A bound on the walk: 200 000 uploads back is far beyond any counter's hours.
        const MAX_PAGES: usize = 200;
        let mut all: Vec<UploadingMetaExternal> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut offset: Option<jiff::Timestamp> = None;
        for _ in 0..MAX_PAGES {
            let text = offset.map(|t| t.strftime("%Y-%m-%d %H:%M:%S").to_string());
            let page = self
                .last_uploadings(counter, Some(PAGE), text.as_deref())
                .await?;
            let full = page.len() as u32 >= PAGE;
            let oldest = page.iter().filter_map(|u| u.sent_at()).min();
            let mut new = 0;
            for u in page {
                if seen.insert(u.uploading_id.clone()) {
                    new += 1;
                    let stop = found(&u);
                    all.push(u);
                    if stop {
                        return Ok(all);
                    }
                }
            }
            let Some(oldest) = oldest else { break };
            if !full || oldest < since {
                break;
            }
            // A page all of one second seen before: step past that second.
            let next = if new == 0 {
                oldest
            } else {
                oldest + jiff::SignedDuration::from_secs(1)
            };
            if offset == Some(next) {
                break;
            }
            offset = Some(next);
        }
        Ok(all)
    }

    /// The counter's order status mapping (§5.5).
    pub async fn order_statuses(&self, counter: u64) -> Result<Vec<OrderStatusMapping>> {
        let call = Call::get(self.cdp(counter, "schema/order_statuses")).counter(counter);
        let env: OrderStatusesEnvelope = self.call(call).await?;
        Ok(env.order_statuses)
    }

    /// Write (upsert) the status mapping (§5.5).
    pub async fn set_order_statuses(
        &self,
        counter: u64,
        statuses: &[OrderStatusMapping],
    ) -> Result<()> {
        let body = serde_json::to_value(OrderStatusesEnvelope {
            order_statuses: statuses.to_vec(),
        })
        .map_err(|e| ApiError::Config(e.to_string()))?;
        let call = Call::new(Method::POST, self.cdp(counter, "schema/order_statuses"))
            .counter(counter)
            .json(body);
        let env: SuccessEnvelope = self.call(call).await?;
        match env.success {
            Some(false) => Err(ApiError::Protocol {
                endpoint: "schema/order_statuses".into(),
                detail: "success: false".into(),
            }),
            _ => Ok(()),
        }
    }

    /// The attributes declared on the counter for `entity` (§5.6).
    pub async fn cdp_attributes(
        &self,
        counter: u64,
        entity: CdpEntity,
    ) -> Result<Vec<CdpAttribute>> {
        let call = Call::get(self.cdp(counter, "schema/attributes"))
            .counter(counter)
            .query("entity_type", entity.as_str());
        let env: AttributesEnvelope = self.call(call).await?;
        Ok(env.attributes)
    }

    /// Declare new attributes on the counter (§5.6); needs upload rights.
    pub async fn create_cdp_attributes(
        &self,
        counter: u64,
        entity: CdpEntity,
        attributes: &[CdpAttribute],
    ) -> Result<()> {
        let body = serde_json::to_value(AttributesEnvelope {
            attributes: attributes.to_vec(),
        })
        .map_err(|e| ApiError::Config(e.to_string()))?;
        let call = Call::new(Method::POST, self.cdp(counter, "schema/attributes"))
            .counter(counter)
            .query("entity_type", entity.as_str())
            .json(body);
        let env: SuccessEnvelope = self.call(call).await?;
        match env.success {
            Some(false) => Err(ApiError::Protocol {
                endpoint: "schema/attributes".into(),
                detail: "success: false".into(),
            }),
            _ => Ok(()),
        }
    }

    fn cdp(&self, counter: u64, leaf: &str) -> String {
        self.api(&format!("/cdp/api/v1/counter/{counter}/{leaf}"))
    }
}

/// `FAILED` means "file rejected, nothing stored" (§5.1).
fn accepted(meta: UploadingMetaExternal) -> Result<UploadingMetaExternal> {
    match &meta.api_validation_status {
        ApiValidationStatus::Failed => Err(ApiError::RejectedData {
            error_type: "api_validation_failed".into(),
            message: format!("uploading {} FAILED", meta.uploading_id),
            line: None,
        }),
        _ => Ok(meta),
    }
}
