//! The feedback inbox, evidence links and features as the API serves them.

use crate::request::{ListParams, Query};
use crate::{ClientError, KeelClient};
use keel_api_types::{
    Feature, FeatureEvidence, Feedback, FeedbackLink, NewFeature, NewFeedback, NewFeedbackLink,
    Page, SimilarList, ThemeList,
};

/// Filters of `GET /workspaces/{ws}/feedback`; `None` means "any".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedbackFilter {
    /// Product key.
    pub product: Option<String>,
    pub status: Option<String>,
    pub source: Option<String>,
    pub sentiment: Option<String>,
    pub tag: Option<String>,
    /// Customer id or email.
    pub customer: Option<String>,
    pub segment: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub q: Option<String>,
    pub page: ListParams,
}

impl FeedbackFilter {
    fn to_query(&self) -> Query {
        let mut query = Vec::new();
        let pairs = [
            ("product", &self.product),
            ("status", &self.status),
            ("source", &self.source),
            ("sentiment", &self.sentiment),
            ("tag", &self.tag),
            ("customer", &self.customer),
            ("segment", &self.segment),
            ("since", &self.since),
            ("until", &self.until),
            ("q", &self.q),
        ];
        for (name, value) in pairs {
            if let Some(value) = value {
                query.push((name, value.clone()));
            }
        }
        self.page.push_query(&mut query);
        query
    }
}

impl KeelClient {
    /// `POST /api/v1/workspaces/{ws}/feedback`.
    pub async fn add_feedback(
        &self,
        ws: &str,
        body: &NewFeedback,
    ) -> Result<Feedback, ClientError> {
        self.post(&["api", "v1", "workspaces", ws, "feedback"], body)
            .await
    }

    /// `GET /api/v1/workspaces/{ws}/feedback` with filters and paging.
    pub async fn list_feedback(
        &self,
        ws: &str,
        filter: &FeedbackFilter,
    ) -> Result<Page<Feedback>, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "feedback"],
            &filter.to_query(),
        )
        .await
    }

    /// `GET /api/v1/workspaces/{ws}/feedback/{id}`.
    pub async fn get_feedback(&self, ws: &str, id: &str) -> Result<Feedback, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "feedback", id],
            &Vec::new(),
        )
        .await
    }

    /// `POST /api/v1/workspaces/{ws}/feedback/{id}/links`.
    pub async fn link_feedback(
        &self,
        ws: &str,
        id: &str,
        body: &NewFeedbackLink,
    ) -> Result<FeedbackLink, ClientError> {
        self.post(
            &["api", "v1", "workspaces", ws, "feedback", id, "links"],
            body,
        )
        .await
    }

    /// `GET /api/v1/workspaces/{ws}/feedback/{id}/similar`.
    pub async fn similar_feedback(&self, ws: &str, id: &str) -> Result<SimilarList, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "feedback", id, "similar"],
            &Vec::new(),
        )
        .await
    }

    /// `GET /api/v1/workspaces/{ws}/feedback/themes?product=`.
    pub async fn feedback_themes(&self, ws: &str, product: &str) -> Result<ThemeList, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "feedback", "themes"],
            &vec![("product", product.to_owned())],
        )
        .await
    }

    /// `POST /api/v1/workspaces/{ws}/features`.
    pub async fn create_feature(
        &self,
        ws: &str,
        body: &NewFeature,
    ) -> Result<Feature, ClientError> {
        self.post(&["api", "v1", "workspaces", ws, "features"], body)
            .await
    }

    /// `GET /api/v1/workspaces/{ws}/features?product=&status=&sort=`.
    pub async fn list_features(
        &self,
        ws: &str,
        product: Option<&str>,
        sort: Option<&str>,
        page: &ListParams,
    ) -> Result<Page<Feature>, ClientError> {
        let mut query: Query = Vec::new();
        if let Some(p) = product {
            query.push(("product", p.to_owned()));
        }
        if let Some(s) = sort {
            query.push(("sort", s.to_owned()));
        }
        page.push_query(&mut query);
        self.get(&["api", "v1", "workspaces", ws, "features"], &query)
            .await
    }

    /// `GET /api/v1/workspaces/{ws}/features/{id}/evidence`.
    pub async fn feature_evidence(
        &self,
        ws: &str,
        id: &str,
    ) -> Result<FeatureEvidence, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "features", id, "evidence"],
            &Vec::new(),
        )
        .await
    }
}
