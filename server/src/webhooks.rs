//! Webhooks of async jobs, as Reducto's direct mode: when a job that asked for one ends, its
//! URL gets a POST of `{status, job_id, metadata}`, retried up to [`MAX_RETRIES`] times with
//! doubling waits when the receiver fails or cannot be reached.
//!
//! - A request asks with `async.webhook` (`{mode: "direct", url}`, and `async.metadata`), or,
//!   for `/edit_async`, with `webhook` (`{mode, url, metadata}`); `routes::webhook` reads either.
//! - Every delivery is recorded in the store with its attempts and outcome (`GET /studio/webhooks`
//!   lists them); one a stop interrupted is tried again at the next start.
//! - `mode: "svix"` is accepted and recorded as not deliverable: Svix is Reducto's hosted
//!   service, and there is none offline.
//! - A loopback receiver is allowed (a developer's own); other non-public addresses follow the
//!   URL-input policy (`--allow-private-urls`), checked when the request arrives and on connect.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::outbound;
use crate::store::{DeliveryMode, DeliveryRow, DeliveryState, NewDelivery, Store, StoreError};

/// Retries after the first attempt.
pub const MAX_RETRIES: u32 = 3;

/// Why an svix webhook is recorded but not sent.
const SVIX_OFFLINE: &str = "Svix webhooks go through Reducto's hosted Svix service, which reducto-local \
    does not have: it records them but cannot deliver them. Use {\"mode\": \"direct\", \"url\": ...}";

/// Where a job's end is announced. Kept with the job, so a restart still announces it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    pub mode: DeliveryMode,
    pub url: Option<String>,
    #[serde(default)]
    pub metadata: Value,
}

/// Sends and records deliveries.
pub struct Deliverer {
    store: Arc<Store>,
    client: reqwest::Client,
    /// The wait before the first retry; it doubles for each next one.
    first_backoff: Duration,
}

impl Deliverer {
    pub fn new(store: Arc<Store>, allow_private: bool) -> Result<Arc<Deliverer>, String> {
        let client = outbound::webhook_client(allow_private)?;
        Ok(Arc::new(Deliverer { store, client, first_backoff: Duration::from_secs(1) }))
    }

    /// Announces that job `job_id` ended with `status` (`Completed` or `Failed`).
    pub fn job_ended(self: &Arc<Self>, job_id: &str, status: &str, webhook: &Webhook) {
        let payload = json!({"status": status, "job_id": job_id, "metadata": webhook.metadata}).to_string();
        // Svix is recorded with the reason it is not sent; no attempt is made.
        let (state, error) = match webhook.mode {
            DeliveryMode::Direct => (DeliveryState::Pending, None),
            DeliveryMode::Svix => (DeliveryState::NotDeliverable, Some(SVIX_OFFLINE)),
        };
        let delivery = NewDelivery {
            job_id,
            mode: webhook.mode,
            url: webhook.url.as_deref(),
            payload: &payload,
            state,
            error,
        };
        let id = match self.store.insert_delivery(&delivery) {
            Ok(id) => id,
            Err(e) => return eprintln!("reducto-local: cannot record the webhook of job {job_id}: {e}"),
        };
        if let (DeliveryMode::Direct, Some(url)) = (webhook.mode, &webhook.url) {
            self.spawn(id, url.clone(), payload, 0);
        }
    }

    /// Tries again, at start, every delivery a stop interrupted.
    pub fn resume(self: &Arc<Self>) -> Result<(), String> {
        let pending =
            self.store.pending_deliveries().map_err(|e| format!("cannot read webhook deliveries: {e}"))?;
        for delivery in pending {
            if let Some(url) = delivery.url {
                self.spawn(delivery.id, url, delivery.payload, delivery.attempts);
            }
        }
        Ok(())
    }

    pub fn list(&self, limit: usize) -> Result<Vec<DeliveryRow>, StoreError> {
        self.store.deliveries(limit)
    }

    fn spawn(self: &Arc<Self>, id: i64, url: String, payload: String, attempts_made: u32) {
        let deliverer = self.clone();
        tokio::spawn(async move { deliverer.deliver(id, &url, payload, attempts_made).await });
    }

    async fn deliver(&self, id: i64, url: &str, payload: String, attempts_made: u32) {
        for attempt in attempts_made..=MAX_RETRIES {
            if attempt > 0 {
                tokio::time::sleep(self.first_backoff * 2u32.pow(attempt - 1)).await;
            }
            let sent = self
                .client
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(reqwest::header::USER_AGENT, concat!("reducto-local/", env!("CARGO_PKG_VERSION")))
                .body(payload.clone())
                .send()
                .await;
            let (status, error) = match sent {
                Ok(response) if response.status().is_success() => (Some(response.status().as_u16()), None),
                Ok(response) => {
                    let status = response.status();
                    (Some(status.as_u16()), Some(format!("the receiver answered {status}")))
                }
                Err(e) => (None, Some(outbound::error_chain(&e.without_url()))),
            };
            let state = match (&error, attempt == MAX_RETRIES) {
                (None, _) => DeliveryState::Delivered,
                (Some(_), true) => DeliveryState::Failed,
                (Some(_), false) => DeliveryState::Pending,
            };
            if let Err(e) = self.store.record_attempt(id, state, status, error.as_deref()) {
                eprintln!("reducto-local: cannot record webhook delivery {id}: {e}");
            }
            if error.is_none() {
                return;
            }
        }
    }
}
