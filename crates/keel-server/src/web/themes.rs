//! The themes of a product's inbox: each a label, how many pieces of
//! feedback share it, a sparkline of how many arrived each week, and a few
//! of them to read, linking into the inbox.

use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::similarity::themes_of;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::ThemeWeek;
use keel_domain::Permission;
use keel_store::repo;
use std::collections::HashMap;

/// Quotes shown per theme.
const SAMPLES: usize = 4;

pub struct ThemeView {
    pub label: String,
    pub count: i64,
    pub sparkline: String,
    pub weeks: String,
    pub samples: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "themes.html")]
struct ThemesPage {
    chrome: Chrome,
    product_name: String,
    method: String,
    themes: Vec<ThemeView>,
}

/// A small SVG line of weekly counts (no text from users in it).
pub fn sparkline(weeks: &[ThemeWeek]) -> String {
    const W: f64 = 120.0;
    const H: f64 = 28.0;
    let max = weeks.iter().map(|w| w.count).max().unwrap_or(0).max(1) as f64;
    let step = if weeks.len() > 1 {
        W / (weeks.len() - 1) as f64
    } else {
        0.0
    };
    let points: Vec<String> = weeks
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let x = if weeks.len() > 1 {
                i as f64 * step
            } else {
                W / 2.0
            };
            let y = H - 2.0 - (w.count as f64 / max) * (H - 4.0);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let shape = if points.len() == 1 {
        let (x, y) = points[0].split_once(',').unwrap_or(("0", "0"));
        format!(r#"<circle cx="{x}" cy="{y}" r="2.5"/>"#)
    } else {
        format!(r#"<polyline points="{}"/>"#, points.join(" "))
    };
    format!(
        r#"<svg class="sparkline" viewBox="0 0 {W} {H}" width="{W}" height="{H}" aria-hidden="true">{shape}</svg>"#
    )
}

pub async fn themes_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product_key)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (mut chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Themes", "feedback").await?;
    if !access.role.allows(Permission::ReadCustomers) {
        return Err(not_found("page"));
    }
    let ws_id = access.workspace.id.as_str();
    let product = repo::products::get(app.store.db(), ws_id, &product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} themes", product.name);
    let list = themes_of(&app, &product.id).await?;
    let wanted: Vec<String> = list
        .items
        .iter()
        .flat_map(|t| t.feedback_ids.iter().take(SAMPLES).cloned())
        .collect();
    let rows = repo::feedback::get_many(app.store.db(), ws_id, &wanted).await?;
    let text: HashMap<&str, &str> = rows
        .iter()
        .map(|r| (r.id.as_str(), r.text.as_str()))
        .collect();
    let themes = list
        .items
        .iter()
        .map(|t| ThemeView {
            label: t.label.clone(),
            count: t.count,
            sparkline: sparkline(&t.trend),
            weeks: t
                .trend
                .iter()
                .map(|w| format!("{}: {}", w.week, w.count))
                .collect::<Vec<_>>()
                .join(", "),
            samples: t
                .feedback_ids
                .iter()
                .take(SAMPLES)
                .filter_map(|id| text.get(id.as_str()).map(|x| (id.clone(), x.to_string())))
                .collect(),
        })
        .collect();
    page(&ThemesPage {
        chrome,
        product_name: product.name,
        method: list.method,
        themes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weeks(counts: &[i64]) -> Vec<ThemeWeek> {
        counts
            .iter()
            .enumerate()
            .map(|(i, &count)| ThemeWeek {
                week: format!("2026-W{:02}", i + 1),
                count,
            })
            .collect()
    }

    #[test]
    fn sparkline_scales_to_the_busiest_week() {
        let svg = sparkline(&weeks(&[1, 4, 2]));
        assert!(
            svg.contains(r#"points="0.0,20.0 60.0,2.0 120.0,14.0""#),
            "{svg}"
        );
        assert!(sparkline(&weeks(&[3])).contains("<circle"));
        assert!(sparkline(&[]).contains("<polyline points=\"\"/>"));
    }
}
