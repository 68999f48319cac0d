//! `GET /healthz`: is the server up? (No authentication.)

use crate::{ClientError, KeelClient};
use keel_api_types::Health;

impl KeelClient {
    /// `GET /healthz` → `{"status":"ok"}`.
    pub async fn health(&self) -> Result<Health, ClientError> {
        self.get(&["healthz"], &Vec::new()).await
    }
}
