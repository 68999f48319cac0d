//! The audit log, and logging out everywhere.

use crate::request::ListParams;
use crate::{ClientError, KeelClient};
use keel_api_types::{AuditEvent, LoggedOut, LogoutAll, Page};

impl KeelClient {
    /// `POST /api/v1/auth/logout-all`: ends every browser session of the
    /// caller; with `revoke_tokens`, also every API token (this one too).
    pub async fn logout_all(&self, revoke_tokens: bool) -> Result<LoggedOut, ClientError> {
        self.post(
            &["api", "v1", "auth", "logout-all"],
            &LogoutAll { revoke_tokens },
        )
        .await
    }

    /// `GET /api/v1/workspaces/{ws}/audit` (workspace owners and admins).
    pub async fn workspace_audit(
        &self,
        ws: &str,
        page: &ListParams,
    ) -> Result<Page<AuditEvent>, ClientError> {
        let mut query = Vec::new();
        page.push_query(&mut query);
        self.get(&["api", "v1", "workspaces", ws, "audit"], &query)
            .await
    }

    /// `GET /api/v1/admin/audit`: everything (instance admins only).
    pub async fn instance_audit(&self, page: &ListParams) -> Result<Page<AuditEvent>, ClientError> {
        let mut query = Vec::new();
        page.push_query(&mut query);
        self.get(&["api", "v1", "admin", "audit"], &query).await
    }
}
