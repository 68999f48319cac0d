//! Dependencies between features on the feature API: `depends_on` on POST
//! and PATCH (a whole set, replacing the edges) and `depends_on` / `blocks`
//! on every feature returned.
//!
//! Each dependency must be another feature of the same product. A feature
//! of another workspace reads exactly like a missing one, so ids cannot be
//! probed across workspaces. A set that would close a cycle is refused
//! with the cycle's path (checked by `keel_domain::feasibility`) while the
//! product's dependency lock is held, so concurrent writes cannot close
//! one between them either.

use crate::error::ApiResult;
use keel_api_types::Feature;
use keel_domain::feasibility::{self, DependencyError};
use keel_domain::{FieldError, ValidationErrors};
use keel_store::repo::{self, feature_dependencies as deps, features};
use keel_store::{Db, Tx};
use std::collections::{BTreeMap, BTreeSet};

const FIELD: &str = "depends_on";

/// Checks `ids` are other features of `product_id` in the workspace; the
/// ids to store (trimmed, duplicates dropped), or `None` with errors pushed.
pub(crate) async fn check(
    mut db: Db<'_>,
    ws: &str,
    product_id: &str,
    feature_id: Option<&str>,
    ids: &[String],
    errors: &mut ValidationErrors,
) -> ApiResult<Option<Vec<String>>> {
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    let mut ok = true;
    for id in ids.iter().map(|i| i.trim()) {
        if out.iter().any(|o| o == id) {
            continue;
        }
        if feature_id == Some(id) {
            ok = false;
            errors.push(FieldError::new(FIELD, "a feature cannot depend on itself"));
            continue;
        }
        match features::get(db.re(), ws, id).await? {
            Some(f) if f.product_id == product_id => out.push(f.id),
            Some(_) => {
                ok = false;
                errors.push(FieldError::new(
                    FIELD,
                    format!("feature {id} belongs to another product"),
                ));
            }
            None => {
                ok = false;
                errors.push(FieldError::new(
                    FIELD,
                    format!("no feature {id} in this workspace"),
                ));
            }
        }
    }
    Ok(ok.then_some(out))
}

/// Takes the product's dependency lock and refuses `ids` when they would
/// close a cycle, naming its path; call inside the write, before [`set`].
pub(crate) async fn check_acyclic(
    tx: &mut Tx,
    ws: &str,
    product_id: &str,
    feature_id: &str,
    ids: &[String],
) -> ApiResult<Result<(), FieldError>> {
    repo::guard::lock(tx, repo::guard::Locked::Product, product_id).await?;
    let edges = deps::edges_of_product(tx.db(), ws, product_id).await?;
    match feasibility::check_dependencies(&edges, feature_id, ids) {
        Ok(()) => Ok(Ok(())),
        Err(DependencyError::OnItself) => Ok(Err(FieldError::new(
            FIELD,
            "a feature cannot depend on itself",
        ))),
        Err(DependencyError::Cycle(path)) => {
            let mut names = Vec::with_capacity(path.len());
            for id in &path {
                let title = features::get(tx.db(), ws, id)
                    .await?
                    .map(|f| f.title)
                    .unwrap_or_default();
                names.push(format!("{title} ({id})"));
            }
            Ok(Err(FieldError::new(
                FIELD,
                format!("would close a dependency cycle: {}", names.join(" → ")),
            )))
        }
    }
}

/// Replaces what the feature depends on, inside the feature's write.
pub(crate) async fn set(
    tx: &mut Tx,
    ws: &str,
    feature_id: &str,
    ids: &[String],
    now: &str,
) -> ApiResult<()> {
    deps::set_for_feature(tx, ws, feature_id, ids, now).await?;
    Ok(())
}

/// Fills `depends_on` and `blocks` on each feature (ids sorted).
pub(crate) async fn attach(db: Db<'_>, ws: &str, features: &mut [Feature]) -> ApiResult<()> {
    if features.is_empty() {
        return Ok(());
    }
    let wanted: BTreeSet<&str> = features.iter().map(|f| f.id.as_str()).collect();
    let mut on: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut blocks: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (from, to) in deps::edges_of_workspace(db, ws).await? {
        if wanted.contains(from.as_str()) {
            on.entry(from.clone()).or_default().push(to.clone());
        }
        if wanted.contains(to.as_str()) {
            blocks.entry(to).or_default().push(from);
        }
    }
    for f in features.iter_mut() {
        f.depends_on = on.remove(&f.id).unwrap_or_default();
        f.depends_on.sort();
        f.blocks = blocks.remove(&f.id).unwrap_or_default();
        f.blocks.sort();
    }
    Ok(())
}
