//! The goals a feature moves, on the feature API: `goals` on POST and
//! PATCH (a whole set, replacing the links) and on every feature returned.
//! Each goal must be a goal of the feature's product — a goal of another
//! product or workspace is a field error on `goals`, never a link.

use crate::error::ApiResult;
use keel_api_types::Feature;
use keel_domain::{FieldError, ValidationErrors};
use keel_store::repo::{feature_goals, goals};
use keel_store::{Db, Tx};
use std::collections::{BTreeSet, HashMap};

/// Checks `ids` are goals of `product_id` in the workspace; the ids to
/// link (trimmed, duplicates dropped), or `None` with errors pushed.
pub(crate) async fn check(
    mut db: Db<'_>,
    ws: &str,
    product_id: Option<&str>,
    ids: &[String],
    errors: &mut ValidationErrors,
) -> ApiResult<Option<Vec<String>>> {
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    let mut ok = true;
    for id in ids.iter().map(|i| i.trim()) {
        if out.iter().any(|o| o == id) {
            continue;
        }
        match goals::get(db.re(), ws, id).await? {
            Some(g) if product_id.is_none_or(|p| p == g.product_id) => out.push(g.id),
            Some(_) => {
                ok = false;
                errors.push(FieldError::new(
                    "goals",
                    format!("goal {id} belongs to another product"),
                ));
            }
            None => {
                ok = false;
                errors.push(FieldError::new(
                    "goals",
                    format!("no goal {id} in this workspace"),
                ));
            }
        }
    }
    Ok(ok.then_some(out))
}

/// Replaces the feature's goals, inside the feature's write.
pub(crate) async fn set(
    tx: &mut Tx,
    ws: &str,
    feature_id: &str,
    ids: &[String],
    now: &str,
) -> ApiResult<()> {
    feature_goals::set_for_feature(tx, ws, feature_id, ids, now).await?;
    Ok(())
}

/// Fills `goals` on each feature, reading the links of their products.
pub(crate) async fn attach(mut db: Db<'_>, ws: &str, features: &mut [Feature]) -> ApiResult<()> {
    let ids: BTreeSet<&str> = features.iter().map(|f| f.id.as_str()).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let mut by_feature: HashMap<String, Vec<String>> = HashMap::new();
    for product in product_ids(db.re(), ws, features).await? {
        for (feature, goal) in feature_goals::links_of_product(db.re(), ws, &product).await? {
            if ids.contains(feature.as_str()) {
                by_feature.entry(feature).or_default().push(goal);
            }
        }
    }
    for f in features.iter_mut() {
        f.goals = by_feature.remove(&f.id).unwrap_or_default();
    }
    Ok(())
}

/// The product ids of `features` (the wire form carries product keys).
async fn product_ids(db: Db<'_>, ws: &str, features: &[Feature]) -> ApiResult<Vec<String>> {
    let keys: BTreeSet<&str> = features.iter().map(|f| f.product.as_str()).collect();
    let products = keel_store::repo::products::list(db, ws).await?;
    Ok(products
        .into_iter()
        .filter(|p| keys.contains(p.key.as_str()))
        .map(|p| p.id)
        .collect())
}
