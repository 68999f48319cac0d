//! Companies and customers: who feedback comes from. Reading them needs a
//! role that may read customer data (every role but guest); changing them
//! needs the right to write. A customer's company and persona are given by
//! id or name.

use crate::request::{ListParams, Query};
use crate::{ClientError, KeelClient};
use keel_api_types::{
    Company, CompanyPatch, Customer, CustomerExport, CustomerPatch, NewCompany, NewCustomer, Page,
};

/// Filters for [`KeelClient::list_customers`]; `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerFilter {
    /// Text in the name or email (any case).
    pub q: Option<String>,
    /// Company id or name.
    pub company: Option<String>,
    /// Segment (any case).
    pub segment: Option<String>,
    /// Persona id or name.
    pub persona: Option<String>,
    pub page: ListParams,
}

impl CustomerFilter {
    fn query(&self) -> Query {
        let mut query = Vec::new();
        for (name, value) in [
            ("q", &self.q),
            ("company", &self.company),
            ("segment", &self.segment),
            ("persona", &self.persona),
        ] {
            if let Some(v) = value {
                query.push((name, v.clone()));
            }
        }
        self.page.push_query(&mut query);
        query
    }
}

impl KeelClient {
    /// `GET /api/v1/workspaces/{ws}/companies?q=`: newest first.
    pub async fn list_companies(
        &self,
        ws: &str,
        q: Option<&str>,
        page: &ListParams,
    ) -> Result<Page<Company>, ClientError> {
        let mut query: Query = q.map(|q| vec![("q", q.to_owned())]).unwrap_or_default();
        page.push_query(&mut query);
        self.get(&["api", "v1", "workspaces", ws, "companies"], &query)
            .await
    }

    /// `POST /api/v1/workspaces/{ws}/companies`.
    pub async fn create_company(&self, ws: &str, new: &NewCompany) -> Result<Company, ClientError> {
        self.post(&["api", "v1", "workspaces", ws, "companies"], new)
            .await
    }

    /// `GET /api/v1/workspaces/{ws}/companies/{id}`.
    pub async fn get_company(&self, ws: &str, id: &str) -> Result<Company, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "companies", id],
            &Vec::new(),
        )
        .await
    }

    /// `PATCH /api/v1/workspaces/{ws}/companies/{id}`; with `if_version`, a
    /// company changed meanwhile is refused (412) and left alone.
    pub async fn update_company(
        &self,
        ws: &str,
        id: &str,
        patch: &CompanyPatch,
        if_version: Option<i64>,
    ) -> Result<Company, ClientError> {
        self.patch(
            &["api", "v1", "workspaces", ws, "companies", id],
            patch,
            if_version,
        )
        .await
    }

    /// `GET /api/v1/workspaces/{ws}/customers`: newest first, filtered.
    pub async fn list_customers(
        &self,
        ws: &str,
        filter: &CustomerFilter,
    ) -> Result<Page<Customer>, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "customers"],
            &filter.query(),
        )
        .await
    }

    /// `POST /api/v1/workspaces/{ws}/customers`.
    pub async fn create_customer(
        &self,
        ws: &str,
        new: &NewCustomer,
    ) -> Result<Customer, ClientError> {
        self.post(&["api", "v1", "workspaces", ws, "customers"], new)
            .await
    }

    /// `GET /api/v1/workspaces/{ws}/customers/{id}`.
    pub async fn get_customer(&self, ws: &str, id: &str) -> Result<Customer, ClientError> {
        self.get(
            &["api", "v1", "workspaces", ws, "customers", id],
            &Vec::new(),
        )
        .await
    }

    /// `PATCH /api/v1/workspaces/{ws}/customers/{id}`; with `if_version`, a
    /// customer changed meanwhile is refused (412) and left alone.
    pub async fn update_customer(
        &self,
        ws: &str,
        id: &str,
        patch: &CustomerPatch,
        if_version: Option<i64>,
    ) -> Result<Customer, ClientError> {
        self.patch(
            &["api", "v1", "workspaces", ws, "customers", id],
            patch,
            if_version,
        )
        .await
    }

    /// `DELETE /api/v1/workspaces/{ws}/customers/{id}`: erases the person;
    /// their feedback stays, anonymised.
    pub async fn delete_customer(&self, ws: &str, id: &str) -> Result<(), ClientError> {
        self.delete(&["api", "v1", "workspaces", ws, "customers", id])
            .await
    }

    /// `GET /api/v1/workspaces/{ws}/customers/{id}/export`: everything
    /// stored about one person.
    pub async fn export_customer(&self, ws: &str, id: &str) -> Result<CustomerExport, ClientError> {
        self.get(&export_path(ws, id), &Vec::new()).await
    }

    /// The same export as the server sent it, fields this client does not
    /// know included: what to hand to the person who asked for their data.
    pub async fn export_customer_document(
        &self,
        ws: &str,
        id: &str,
    ) -> Result<serde_json::Value, ClientError> {
        self.get(&export_path(ws, id), &Vec::new()).await
    }
}

fn export_path<'a>(ws: &'a str, id: &'a str) -> [&'a str; 7] {
    ["api", "v1", "workspaces", ws, "customers", id, "export"]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_query_pairs() {
        let filter = CustomerFilter {
            q: Some("ann".into()),
            company: Some("Initech".into()),
            page: ListParams::limit(10),
            ..CustomerFilter::default()
        };
        assert_eq!(
            filter.query(),
            vec![
                ("q", "ann".to_owned()),
                ("company", "Initech".to_owned()),
                ("limit", "10".to_owned()),
            ]
        );
    }
}
