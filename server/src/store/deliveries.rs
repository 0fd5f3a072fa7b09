//! Webhook deliveries and their attempts.

use rusqlite::{params, Row};

use super::db::{stored_as_text, Result, Store, NOW};

/// How a webhook is delivered: POSTed by this server, or by Svix (Reducto's hosted service,
/// which a local server cannot reach).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMode {
    Direct,
    Svix,
}

stored_as_text!(DeliveryMode { Direct => "direct", Svix => "svix" });

/// Where a webhook delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// To be sent, or to be tried again.
    Pending,
    Delivered,
    /// Every attempt failed.
    Failed,
    /// It will not be sent (a Svix webhook, offline).
    NotDeliverable,
}

stored_as_text!(DeliveryState {
    Pending => "pending",
    Delivered => "delivered",
    Failed => "failed",
    NotDeliverable => "not_deliverable",
});

/// A webhook delivery as recorded when a job ends.
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    pub job_id: &'a str,
    pub mode: DeliveryMode,
    pub url: Option<&'a str>,
    pub payload: &'a str,
    pub state: DeliveryState,
    /// Why it will not be sent, when it will not.
    pub error: Option<&'a str>,
}

/// A delivery as the store keeps it (never sent as it is: `GET /studio/webhooks` shows it with
/// its payload parsed).
#[derive(Debug, Clone)]
pub struct DeliveryRow {
    pub id: i64,
    pub job_id: String,
    pub mode: DeliveryMode,
    pub url: Option<String>,
    pub payload: String,
    pub state: DeliveryState,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Store {
    pub fn insert_delivery(&self, delivery: &NewDelivery) -> Result<i64> {
        let conn = self.conn();
        conn.execute(
            &format!(
                "INSERT INTO webhook_deliveries (job_id, mode, url, payload, state, last_error, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, {NOW}, {NOW})"
            ),
            params![delivery.job_id, delivery.mode, delivery.url, delivery.payload, delivery.state, delivery.error],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Records one attempt of delivery `id` and the state it leaves the delivery in.
    pub fn record_attempt(
        &self,
        id: i64,
        state: DeliveryState,
        status: Option<u16>,
        error: Option<&str>,
    ) -> Result<()> {
        self.conn().execute(
            &format!(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, state = ?2, last_status = ?3,
                        last_error = ?4, updated_at = {NOW}
                 WHERE id = ?1"
            ),
            params![id, state, status, error],
        )?;
        Ok(())
    }

    /// The newest `limit` deliveries, newest first.
    pub fn deliveries(&self, limit: usize) -> Result<Vec<DeliveryRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries ORDER BY id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit as i64], delivery_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deliveries a stop interrupted, oldest first, to be tried again at start.
    pub fn pending_deliveries(&self) -> Result<Vec<DeliveryRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE state = ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([DeliveryState::Pending], delivery_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

pub(super) const DELIVERY_COLUMNS: &str =
    "id, job_id, mode, url, payload, state, attempts, last_status, last_error, created_at, updated_at";

pub(super) fn delivery_from_row(r: &Row) -> rusqlite::Result<DeliveryRow> {
    Ok(DeliveryRow {
        id: r.get(0)?,
        job_id: r.get(1)?,
        mode: r.get(2)?,
        url: r.get(3)?,
        payload: r.get(4)?,
        state: r.get(5)?,
        attempts: r.get(6)?,
        last_status: r.get(7)?,
        last_error: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}
