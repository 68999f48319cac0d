//! Workspace members: list, add an existing account with a role, change a
//! role or (de)activate. A member is addressed by user id or email.

use crate::request::ListParams;
use crate::{ClientError, KeelClient};
use keel_api_types::{MemberPatch, Membership, NewMember, Page};

impl KeelClient {
    /// `GET /api/v1/workspaces/{ws}/members`.
    pub async fn list_members(
        &self,
        ws: &str,
        page: &ListParams,
    ) -> Result<Page<Membership>, ClientError> {
        let mut query = Vec::new();
        page.push_query(&mut query);
        self.get(&["api", "v1", "workspaces", ws, "members"], &query)
            .await
    }

    /// `POST /api/v1/workspaces/{ws}/members` (owner/admin only).
    pub async fn add_member(&self, ws: &str, new: &NewMember) -> Result<Membership, ClientError> {
        self.post(&["api", "v1", "workspaces", ws, "members"], new)
            .await
    }

    /// `PATCH /api/v1/workspaces/{ws}/members/{user}` where `user` is a user
    /// id or an email.
    pub async fn update_member(
        &self,
        ws: &str,
        user: &str,
        patch: &MemberPatch,
        if_version: Option<i64>,
    ) -> Result<Membership, ClientError> {
        self.patch(
            &["api", "v1", "workspaces", ws, "members", user],
            patch,
            if_version,
        )
        .await
    }
}
