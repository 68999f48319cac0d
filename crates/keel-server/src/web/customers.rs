//! Customers and companies on the web: who feedback comes from.
//!
//! - `/w/{ws}/customers`: search and filter (company, segment), and a form
//!   to add someone (company picked by name, custom attributes as
//!   `key=value` lines).
//! - `/w/{ws}/customers/{id}`: their details, everything they said (each
//!   item opens in its product's inbox), the features their feedback is
//!   evidence for — shipped ones marked "shipped for them" — a download of
//!   everything stored about them, and erasure with their feedback kept
//!   anonymously.
//! - `/w/{ws}/companies` and `/w/{ws}/companies/{id}`: revenue, plan and
//!   segment, the company's customers, and the demand they represent.
//!
//! Customer data is personal data: these pages need `ReadCustomers`
//! (guests get a 403 page); edit controls need `Write`. `customers.js`
//! writes through the JSON API, so the API's rules and events apply.

use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::features::money;
use super::inbox::human;
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::customers::{company, customer};
use crate::api::v1::features::demand_by_feature;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use keel_api_types::{Company, Customer, Demand};
use keel_domain::Permission;
use keel_domain::model::WorkspaceAccess;
use keel_domain::values::text_filter;
use keel_store::repo;
use keel_store::repo::companies::CompanyFilter;
use keel_store::repo::customers::CustomerFilter;
use keel_store::repo::feedback::FeedbackFilter;
use keel_store::repo::personas::PersonaFilter;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Rows one list page shows.
const PAGE_SIZE: i64 = 100;
/// Most choices a picker offers (companies, personas); the API's page cap.
const PICKER_SIZE: i64 = 500;

/// 403 unless the role may read customer data.
fn require_customers(access: &WorkspaceAccess) -> Result<(), PageError> {
    if access.role.allows(Permission::ReadCustomers) {
        Ok(())
    } else {
        Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Customers and companies are personal data, which guests of a workspace do not see."
                .into(),
        ))
    }
}

/// A choice in a picker or filter.
pub struct Choice {
    pub id: String,
    pub name: String,
}

/// Attributes as the edit forms show them: one `key=value` per line.
fn attributes_text(attributes: &BTreeMap<String, String>) -> String {
    attributes
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `?a=1&b=2` of the non-empty pairs, or "" when there are none.
fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !v.is_empty() {
            ser.append_pair(k, v);
        }
    }
    let s = ser.finish();
    if s.is_empty() { s } else { format!("?{s}") }
}

/// Whether `s` is among `all`, ignoring ASCII case (segments).
fn listed(all: &[String], s: &str) -> bool {
    all.iter().any(|x| x.eq_ignore_ascii_case(s))
}

/// The next page's link: `base` + the filters + `cursor`.
fn next_href(base: &str, filter_query: &str, cursor: &str) -> String {
    let sep = if filter_query.is_empty() { "?" } else { "&" };
    format!("{base}{filter_query}{sep}cursor={cursor}")
}

async fn company_choices(app: &AppState, ws: &str) -> Result<Vec<Company>, PageError> {
    let filter = CompanyFilter {
        limit: PICKER_SIZE,
        ..Default::default()
    };
    let (rows, _) = repo::companies::list(app.store.db(), ws, &filter).await?;
    let mut all: Vec<Company> = rows.into_iter().map(company).collect();
    all.sort_by_key(|c| c.name.to_lowercase());
    Ok(all)
}

// ---------------------------------------------------------------------------
// Customers.

#[derive(Debug, Default, Deserialize)]
pub struct CustomersQuery {
    #[serde(default)]
    pub q: String,
    /// Company id.
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub segment: String,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: String,
    /// Set after an erasure, to say so.
    #[serde(default)]
    pub deleted: String,
}

#[derive(Template)]
#[template(path = "customers.html")]
struct CustomersPage {
    chrome: Chrome,
    filters: CustomersQuery,
    customers: Vec<Customer>,
    companies: Vec<Choice>,
    segments: Vec<String>,
    next_href: String,
}

pub async fn customers_page(
    State(app): State<AppState>,
    user: WebUser,
    Path(ws): Path<String>,
    Query(mut filters): Query<CustomersQuery>,
) -> Result<Response, PageError> {
    let (chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Customers", "customers").await?;
    require_customers(&access)?;
    let ws_id = access.workspace.id.as_str();
    let companies = company_choices(&app, ws_id).await?;
    // An unknown company in the address bar shows everyone rather than
    // failing: the address bar is not an API.
    if !filters.company.is_empty() && !companies.iter().any(|c| c.id == filters.company) {
        filters.company.clear();
    }
    filters.segment = filters.segment.trim().to_string();
    let filter = CustomerFilter {
        q: text_filter("q", Some(&filters.q)).ok().flatten(),
        company_id: Some(filters.company.clone()).filter(|c| !c.is_empty()),
        segment: Some(filters.segment.clone()).filter(|s| !s.is_empty()),
        persona_id: None,
        cursor: Some(filters.cursor.clone()).filter(|c| !c.is_empty()),
        limit: PAGE_SIZE,
    };
    let (rows, next) = repo::customers::list(app.store.db(), ws_id, &filter).await?;
    let customers: Vec<Customer> = rows.into_iter().map(customer).collect();
    let mut segments: Vec<String> = companies
        .iter()
        .map(|c| c.segment.clone())
        .chain(customers.iter().map(|c| c.segment.clone()))
        .filter(|s| !s.is_empty())
        .collect();
    segments.sort_by_key(|s| s.to_lowercase());
    segments.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    let filter_query = query_string(&[
        ("q", filters.q.as_str()),
        ("company", filters.company.as_str()),
        ("segment", filters.segment.as_str()),
    ]);
    let next_href = next
        .map(|c| next_href(&format!("/w/{}/customers", chrome.ws), &filter_query, &c))
        .unwrap_or_default();
    page(&CustomersPage {
        chrome,
        customers,
        companies: companies
            .into_iter()
            .map(|c| Choice {
                id: c.id,
                name: c.name,
            })
            .collect(),
        segments,
        next_href,
        filters,
    })
}

/// One feedback item on a customer's page.
pub struct SaidRow {
    pub id: String,
    pub product: String,
    pub text: String,
    pub source: String,
    pub status: String,
    pub received_on: String,
}

/// A feature their feedback is evidence for.
pub struct WantedFeature {
    pub id: String,
    pub product: String,
    pub title: String,
    pub status: String,
    /// The strongest importance among their links to it.
    pub importance: String,
    /// Their passages linked to it, in the order linked.
    pub excerpts: Vec<String>,
}

impl WantedFeature {
    pub fn shipped(&self) -> bool {
        self.status == "shipped"
    }
}

fn importance_weight(importance: &str) -> u8 {
    match importance {
        "critical" => 3,
        "important" => 2,
        _ => 1,
    }
}

#[derive(Template)]
#[template(path = "customer.html")]
struct CustomerPage {
    chrome: Chrome,
    customer: Customer,
    company_arr: String,
    attributes: String,
    companies: Vec<Choice>,
    personas: Vec<Choice>,
    said: Vec<SaidRow>,
    said_more: bool,
    features: Vec<WantedFeature>,
    shipped: usize,
}

impl CustomerPage {
    fn company_name(&self) -> &str {
        self.customer
            .company
            .as_ref()
            .map(|c| c.name.as_str())
            .unwrap_or("")
    }

    fn persona_id(&self) -> &str {
        self.customer
            .persona
            .as_ref()
            .map(|p| p.id.as_str())
            .unwrap_or("")
    }

    /// The day they were added (UTC), as the fallback of a local time.
    fn added(&self) -> &str {
        self.customer
            .created_at
            .get(..10)
            .unwrap_or(&self.customer.created_at)
    }

    fn email(&self) -> &str {
        self.customer.email.as_deref().unwrap_or("")
    }

    /// The inbox entry of one of their feedback items.
    fn item_href(&self, product: &str, id: &str) -> String {
        format!(
            "/w/{}/p/{product}/feedback?status=all&item={id}",
            self.chrome.ws
        )
    }
}

pub async fn customer_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (mut chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Customer", "customers").await?;
    require_customers(&access)?;
    let ws_id = access.workspace.id.as_str();
    let db = app.store.db();
    let stored = repo::customers::get(db, ws_id, &id)
        .await?
        .ok_or_else(|| not_found("customer"))?;
    chrome.title = stored.name.clone();
    let company_arr = stored.company_arr.map(money).unwrap_or_default();

    let filter = FeedbackFilter {
        customer_id: Some(stored.id.clone()),
        limit: PICKER_SIZE,
        ..Default::default()
    };
    let (items, more) = repo::feedback::list(app.store.db(), ws_id, &filter).await?;
    let said = items
        .into_iter()
        .map(|f| SaidRow {
            id: f.id,
            product: f.product_key,
            text: f.text,
            source: f.source,
            status: f.status,
            received_on: f.received_on,
        })
        .collect();

    let mut features: Vec<WantedFeature> = Vec::new();
    for l in repo::customers::feature_links_of(app.store.db(), ws_id, &stored.id).await? {
        match features.iter_mut().find(|f| f.id == l.feature_id) {
            Some(f) => {
                if importance_weight(&l.importance) > importance_weight(&f.importance) {
                    f.importance = l.importance;
                }
                f.excerpts.push(l.excerpt);
            }
            None => features.push(WantedFeature {
                id: l.feature_id,
                product: l.product,
                title: l.title,
                status: l.status,
                importance: l.importance,
                excerpts: vec![l.excerpt],
            }),
        }
    }
    // What shipped for them first, then what they need most.
    features.sort_by(|a, b| {
        b.shipped()
            .cmp(&a.shipped())
            .then(importance_weight(&b.importance).cmp(&importance_weight(&a.importance)))
    });
    let shipped = features.iter().filter(|f| f.shipped()).count();

    let (personas, _) = repo::personas::list(
        app.store.db(),
        ws_id,
        &PersonaFilter {
            limit: PICKER_SIZE,
            ..Default::default()
        },
    )
    .await?;
    let mut personas: Vec<Choice> = personas
        .into_iter()
        .map(|p| Choice {
            id: p.id,
            name: p.name,
        })
        .collect();
    personas.sort_by_key(|p| p.name.to_lowercase());
    let companies = company_choices(&app, ws_id)
        .await?
        .into_iter()
        .map(|c| Choice {
            id: c.id,
            name: c.name,
        })
        .collect();
    let customer = customer(stored);
    page(&CustomerPage {
        chrome,
        attributes: attributes_text(&customer.attributes),
        customer,
        company_arr,
        companies,
        personas,
        said,
        said_more: more.is_some(),
        features,
        shipped,
    })
}

// ---------------------------------------------------------------------------
// Companies.

#[derive(Debug, Default, Deserialize)]
pub struct CompaniesQuery {
    #[serde(default)]
    pub q: String,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: String,
}

#[derive(Template)]
#[template(path = "companies.html")]
struct CompaniesPage {
    chrome: Chrome,
    filters: CompaniesQuery,
    companies: Vec<Company>,
    next_href: String,
}

/// ARR for people, or "—" when unknown.
fn arr_text(arr: &Option<f64>) -> String {
    arr.map(money).unwrap_or_else(|| "—".into())
}

pub async fn companies_page(
    State(app): State<AppState>,
    user: WebUser,
    Path(ws): Path<String>,
    Query(filters): Query<CompaniesQuery>,
) -> Result<Response, PageError> {
    let (chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Companies", "companies").await?;
    require_customers(&access)?;
    let filter = CompanyFilter {
        q: text_filter("q", Some(&filters.q)).ok().flatten(),
        cursor: Some(filters.cursor.clone()).filter(|c| !c.is_empty()),
        limit: PAGE_SIZE,
    };
    let (rows, next) = repo::companies::list(app.store.db(), &access.workspace.id, &filter).await?;
    let filter_query = query_string(&[("q", filters.q.as_str())]);
    let next_href = next
        .map(|c| next_href(&format!("/w/{}/companies", chrome.ws), &filter_query, &c))
        .unwrap_or_default();
    page(&CompaniesPage {
        chrome,
        filters,
        companies: rows.into_iter().map(company).collect(),
        next_href,
    })
}

/// A feature the company's people asked for, with the demand they add.
pub struct CompanyDemand {
    pub id: String,
    pub product: String,
    pub title: String,
    pub status: String,
    pub demand: Demand,
}

#[derive(Template)]
#[template(path = "company.html")]
struct CompanyPage {
    chrome: Chrome,
    company: Company,
    attributes: String,
    customers: Vec<Customer>,
    customers_more: bool,
    /// Feedback items of its customers.
    feedback_count: i64,
    demand: Vec<CompanyDemand>,
    /// The demand scores of every feature they asked for, added up.
    demand_total: i64,
}

impl CompanyPage {
    fn arr_input(&self) -> String {
        self.company.arr.map(|a| a.to_string()).unwrap_or_default()
    }
}

pub async fn company_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (mut chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Company", "companies").await?;
    require_customers(&access)?;
    let ws_id = access.workspace.id.as_str();
    let stored = repo::companies::get(app.store.db(), ws_id, &id)
        .await?
        .ok_or_else(|| not_found("company"))?;
    chrome.title = stored.name.clone();
    let filter = CustomerFilter {
        company_id: Some(stored.id.clone()),
        limit: PICKER_SIZE,
        ..Default::default()
    };
    let (rows, more) = repo::customers::list(app.store.db(), ws_id, &filter).await?;
    let customers: Vec<Customer> = rows.into_iter().map(customer).collect();
    let feedback_count = customers.iter().map(|c| c.feedback_count).sum();

    // The evidence from this company's people, and what it adds up to per
    // feature, by the same formula as the features' own demand.
    let evidence: Vec<_> = repo::features::evidence(app.store.db(), ws_id, None)
        .await?
        .into_iter()
        .filter(|r| r.company_id.as_deref() == Some(stored.id.as_str()))
        .collect();
    let mut demand = Vec::new();
    if !evidence.is_empty() {
        let features: BTreeMap<String, repo::features::Feature> =
            repo::features::list(app.store.db(), ws_id, None, &[])
                .await?
                .into_iter()
                .map(|f| (f.id.clone(), f))
                .collect();
        for (feature_id, d) in demand_by_feature(&evidence) {
            if let Some(f) = features.get(&feature_id) {
                demand.push(CompanyDemand {
                    id: feature_id,
                    product: f.product_key.clone(),
                    title: f.title.clone(),
                    status: f.status.clone(),
                    demand: d,
                });
            }
        }
    }
    demand.sort_by(|a, b| {
        b.demand
            .score
            .cmp(&a.demand.score)
            .then(a.title.cmp(&b.title))
    });
    let demand_total = demand.iter().map(|d| d.demand.score).sum();
    let company = company(stored);
    page(&CompanyPage {
        chrome,
        attributes: attributes_text(&company.attributes),
        company,
        customers,
        customers_more: more.is_some(),
        feedback_count,
        demand,
        demand_total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_read_as_lines() {
        let a: BTreeMap<String, String> = [
            ("plan".to_string(), "gold".to_string()),
            ("seats".to_string(), "40".to_string()),
        ]
        .into();
        assert_eq!(attributes_text(&a), "plan=gold\nseats=40");
        assert_eq!(attributes_text(&BTreeMap::new()), "");
    }

    #[test]
    fn filters_keep_to_the_next_page() {
        let q = query_string(&[("q", "ann lee"), ("company", ""), ("segment", "smb")]);
        assert_eq!(q, "?q=ann+lee&segment=smb");
        assert_eq!(
            next_href("/w/acme/customers", &q, "abc"),
            "/w/acme/customers?q=ann+lee&segment=smb&cursor=abc"
        );
        assert_eq!(
            next_href("/w/acme/customers", "", "abc"),
            "/w/acme/customers?cursor=abc"
        );
    }

    #[test]
    fn the_strongest_importance_wins() {
        assert!(importance_weight("critical") > importance_weight("important"));
        assert!(importance_weight("important") > importance_weight("nice_to_have"));
    }
}
