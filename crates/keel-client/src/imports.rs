//! Imports: feedback from a CSV file, sent as the request body itself.

use crate::{ClientError, KeelClient};
use keel_api_types::FeedbackImport;
use reqwest::Method;
use std::time::Duration;

/// An import may upload up to 50 MB and write 200,000 rows: longer than
/// the client's usual request timeout allows.
const IMPORT_TIMEOUT: Duration = Duration::from_secs(600);

/// How to read a feedback CSV file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackImportParams {
    /// Product key.
    pub product: String,
    /// The source of rows without one (`survey`, `support`, …).
    pub source: Option<String>,
    /// `COLUMN=FIELD` (or `COLUMN:FIELD`) pairs; empty uses the columns
    /// named like fields.
    pub map: Vec<String>,
    /// Check only; write nothing.
    pub dry_run: bool,
}

impl KeelClient {
    /// `POST /api/v1/workspaces/{ws}/feedback/import` with `csv` as the
    /// body. A file with problems is refused as a whole:
    /// [`ClientError::Api`] whose `errors` name each problem's place
    /// (`line 17, column "date"`), at most 100, and whose `detail` counts
    /// them all.
    pub async fn import_feedback(
        &self,
        ws: &str,
        params: &FeedbackImportParams,
        csv: Vec<u8>,
    ) -> Result<FeedbackImport, ClientError> {
        let url = self.url(&["api", "v1", "workspaces", ws, "feedback", "import"])?;
        let mut query: Vec<(&str, String)> = vec![
            ("product", params.product.clone()),
            ("dry_run", params.dry_run.to_string()),
        ];
        if let Some(source) = &params.source {
            query.push(("source", source.clone()));
        }
        query.extend(params.map.iter().map(|m| ("map", m.clone())));
        let builder = self
            .request(Method::POST, url.clone())
            .query(&query)
            .header(reqwest::header::CONTENT_TYPE, "text/csv; charset=utf-8")
            .timeout(IMPORT_TIMEOUT)
            .body(csv);
        let response = self.execute(builder, &url).await?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|err| ClientError::from_reqwest(self.base_url(), &err))?;
        serde_json::from_slice(&bytes).map_err(|err| ClientError::Decode {
            url: url.to_string(),
            status,
            message: crate::error::flatten(&err.to_string()),
        })
    }
}
