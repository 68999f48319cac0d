//! The market page of a product: the feature comparison matrix (our
//! features × competitors, each cell a level and a note), the competitors
//! with their strengths and weaknesses, the SWOT board and the market-trend
//! notes. `market.js` writes through the JSON API and re-reads the page's
//! regions (`data-region`) after each change and on live events.

use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::inbox::human;
use super::markdown;
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::market::{competitor, matrix, swot_board, trend};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{Competitor, Matrix, MatrixCompetitor, SwotItem, Trend};
use keel_domain::market::{CoverageLevel, TrendImpact};
use keel_store::repo;

/// One cell of the matrix as the page shows it.
pub struct CellView {
    pub competitor: String,
    /// The competitor's name, for the controls' labels.
    pub name: String,
    /// `""` when not assessed.
    pub level: String,
    pub note: String,
}

/// One row of the matrix: a feature of the product.
pub struct RowView {
    pub feature: String,
    pub title: String,
    pub us: String,
    pub cells: Vec<CellView>,
}

/// The rows of the matrix, each cell with its competitor's name.
fn rows(m: Matrix) -> Vec<RowView> {
    m.rows
        .into_iter()
        .map(|r| RowView {
            cells: r
                .cells
                .into_iter()
                .zip(&m.competitors)
                .map(|(c, comp)| CellView {
                    competitor: c.competitor,
                    name: comp.name.clone(),
                    level: c.level.unwrap_or_default(),
                    note: c.note,
                })
                .collect(),
            feature: r.feature,
            title: r.title,
            us: r.us,
        })
        .collect()
}

/// A competitor as the page shows it: Markdown rendered to safe HTML.
pub struct CompetitorView {
    pub c: Competitor,
    pub description_html: String,
    pub strengths_html: String,
    pub weaknesses_html: String,
    pub pricing_html: String,
}

/// One quadrant of the SWOT board.
pub struct Quadrant {
    /// The wire name (`strength`, …).
    pub key: &'static str,
    pub title: &'static str,
    /// Its initial, on the buttons that move an item here.
    pub short: &'static str,
    /// What belongs here, as a hint under the title.
    pub hint: &'static str,
    pub items: Vec<SwotItem>,
}

/// A trend with its Markdown rendered.
pub struct TrendView {
    pub t: Trend,
    pub body_html: String,
}

#[derive(Template)]
#[template(path = "market.html")]
struct MarketPage {
    chrome: Chrome,
    product_name: String,
    columns: Vec<MatrixCompetitor>,
    rows: Vec<RowView>,
    competitors: Vec<CompetitorView>,
    quadrants: Vec<Quadrant>,
    trends: Vec<TrendView>,
    levels: Vec<&'static str>,
    impacts: Vec<&'static str>,
    today: String,
}

impl MarketPage {
    /// The other quadrants an item of `key` may move to.
    fn others(&self, key: &str) -> Vec<&Quadrant> {
        self.quadrants.iter().filter(|q| q.key != key).collect()
    }
}

/// How a level reads in a cell.
fn level_label(level: &str) -> &'static str {
    match level {
        "has" => "Has it",
        "partial" => "Partly",
        "none" => "Lacks it",
        _ => "Not assessed",
    }
}

pub async fn market_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product_key)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (mut chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Market", "market").await?;
    let ws_id = access.workspace.id.as_str();
    let product = repo::products::get(app.store.db(), ws_id, &product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} market", product.name);
    let matrix = matrix(app.store.db(), ws_id, &product).await?;
    let columns = matrix.competitors.clone();
    let rows = rows(matrix);
    let competitors =
        repo::market::list_competitors(app.store.db(), ws_id, Some(&product.id)).await?;
    let competitors = competitors
        .into_iter()
        .map(|c| {
            let c = competitor(c, None);
            CompetitorView {
                description_html: markdown::render(&c.description),
                strengths_html: markdown::render(&c.strengths),
                weaknesses_html: markdown::render(&c.weaknesses),
                pricing_html: markdown::render(&c.pricing),
                c,
            }
        })
        .collect();
    let board = swot_board(app.store.db(), ws_id, &product).await?;
    let quadrants = vec![
        Quadrant {
            key: "strength",
            title: "Strengths",
            short: "S",
            hint: "Internal, helpful",
            items: board.strengths,
        },
        Quadrant {
            key: "weakness",
            title: "Weaknesses",
            short: "W",
            hint: "Internal, harmful",
            items: board.weaknesses,
        },
        Quadrant {
            key: "opportunity",
            title: "Opportunities",
            short: "O",
            hint: "External, helpful",
            items: board.opportunities,
        },
        Quadrant {
            key: "threat",
            title: "Threats",
            short: "T",
            hint: "External, harmful",
            items: board.threats,
        },
    ];
    let trends = repo::market::list_trends(app.store.db(), ws_id, Some(&product.id))
        .await?
        .into_iter()
        .map(|t| {
            let t = trend(t);
            TrendView {
                body_html: markdown::render(&t.body),
                t,
            }
        })
        .collect();
    page(&MarketPage {
        chrome,
        product_name: product.name,
        columns,
        rows,
        competitors,
        quadrants,
        trends,
        levels: CoverageLevel::ALL
            .iter()
            .map(CoverageLevel::as_str)
            .collect(),
        impacts: TrendImpact::ALL.iter().map(TrendImpact::as_str).collect(),
        today: keel_domain::time::Timestamp::now().date().as_string(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn levels_read_as_words() {
        assert_eq!(super::level_label("has"), "Has it");
        assert_eq!(super::level_label("none"), "Lacks it");
        assert_eq!(super::level_label(""), "Not assessed");
    }
}
