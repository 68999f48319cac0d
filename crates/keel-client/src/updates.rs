//! The stakeholder update of a product for a period.

use crate::request::Query;
use crate::{ClientError, KeelClient};
use keel_api_types::StakeholderUpdate;

impl KeelClient {
    /// `GET /api/v1/workspaces/{ws}/updates?product=&since=&until=&format=`:
    /// the digest; `format` `markdown` or `html` fills only that one.
    pub async fn stakeholder_update(
        &self,
        ws: &str,
        product: &str,
        since: &str,
        until: Option<&str>,
        format: Option<&str>,
    ) -> Result<StakeholderUpdate, ClientError> {
        let mut query: Query = vec![("product", product.to_owned()), ("since", since.to_owned())];
        if let Some(until) = until {
            query.push(("until", until.to_owned()));
        }
        if let Some(format) = format {
            query.push(("format", format.to_owned()));
        }
        self.get(&["api", "v1", "workspaces", ws, "updates"], &query)
            .await
    }
}
