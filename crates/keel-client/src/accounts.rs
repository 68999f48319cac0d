//! Accounts and personal API tokens: first-run set-up, signing in (creating
//! a token), listing and revoking tokens, `me`, and admin-created users.

use crate::request::ListParams;
use crate::{ClientError, KeelClient};
use keel_api_types::{CreatedToken, Me, NewToken, NewUser, Page, SetupResponse, TokenInfo, User};

impl KeelClient {
    /// `POST /api/v1/setup`: creates the first account (an instance admin)
    /// and returns it with a token. Only while no user exists (else 409).
    pub async fn setup(&self, user: &NewUser) -> Result<SetupResponse, ClientError> {
        self.post(&["api", "v1", "setup"], user).await
    }

    /// `POST /api/v1/auth/tokens`: exchanges email + password for a named
    /// personal API token. The secret is in the answer only this once.
    pub async fn create_token(&self, request: &NewToken) -> Result<CreatedToken, ClientError> {
        self.post(&["api", "v1", "auth", "tokens"], request).await
    }

    /// `GET /api/v1/auth/tokens`: the caller's tokens (never the secrets).
    pub async fn list_tokens(&self, page: &ListParams) -> Result<Page<TokenInfo>, ClientError> {
        let mut query = Vec::new();
        page.push_query(&mut query);
        self.get(&["api", "v1", "auth", "tokens"], &query).await
    }

    /// `DELETE /api/v1/auth/tokens/{id}`: the token stops working at once.
    pub async fn revoke_token(&self, id: &str) -> Result<(), ClientError> {
        self.delete(&["api", "v1", "auth", "tokens", id]).await
    }

    /// `GET /api/v1/me`: who the token belongs to.
    pub async fn me(&self) -> Result<Me, ClientError> {
        self.get(&["api", "v1", "me"], &Vec::new()).await
    }

    /// `POST /api/v1/admin/users`: creates an account (instance admins only).
    pub async fn create_user(&self, user: &NewUser) -> Result<User, ClientError> {
        self.post(&["api", "v1", "admin", "users"], user).await
    }
}
