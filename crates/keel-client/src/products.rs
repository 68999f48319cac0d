//! Products of a workspace, addressed by their key (`KEEL`).

use crate::request::ListParams;
use crate::{ClientError, KeelClient};
use keel_api_types::{NewProduct, Page, Product, ProductPatch};

impl KeelClient {
    /// `GET /api/v1/workspaces/{ws}/products`.
    pub async fn list_products(
        &self,
        ws: &str,
        page: &ListParams,
    ) -> Result<Page<Product>, ClientError> {
        let mut query = Vec::new();
        page.push_query(&mut query);
        self.get(&["api", "v1", "workspaces", ws, "products"], &query)
            .await
    }

    /// `POST /api/v1/workspaces/{ws}/products`.
    pub async fn create_product(&self, ws: &str, new: &NewProduct) -> Result<Product, ClientError> {
        self.post(&["api", "v1", "workspaces", ws, "products"], new)
            .await
    }

    /// `GET /api/v1/workspaces/{ws}/products/{key}`.
    pub async fn get_product(&self, ws: &str, key: &str) -> Result<Product, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "products", key],
            &Vec::new(),
        )
        .await
    }

    /// `PATCH /api/v1/workspaces/{ws}/products/{key}`.
    pub async fn update_product(
        &self,
        ws: &str,
        key: &str,
        patch: &ProductPatch,
        if_version: Option<i64>,
    ) -> Result<Product, ClientError> {
        self.patch(
            &["api", "v1", "workspaces", ws, "products", key],
            patch,
            if_version,
        )
        .await
    }
}
