//! The background side of customer insight: the optional sentence-embedding
//! model, and the worker that embeds feedback as it arrives (woken by
//! [`Insight::feedback_changed`], and every minute in case another instance
//! took the feedback in). Without a model, similar feedback and themes use
//! word overlap, computed when asked.

use keel_insight::{Model, to_bytes};
use keel_store::{Backend, Store, repo};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// The name stored with each vector, so vectors of another model are never
/// compared with these.
pub const MODEL_NAME: &str = "all-MiniLM-L6-v2";

/// Feedback items embedded per batch (one transaction each).
const BATCH: i64 = 64;

/// Shared handle, cheap to clone.
#[derive(Clone, Default)]
pub struct Insight {
    wake: Arc<Notify>,
    model: Option<Arc<Model>>,
}

impl Insight {
    /// With a loaded model: vectors are computed in the background.
    pub fn with_model(model: Model) -> Insight {
        Insight {
            wake: Arc::default(),
            model: Some(Arc::new(model)),
        }
    }

    /// The model, if one is configured.
    pub fn model(&self) -> Option<&Arc<Model>> {
        self.model.as_ref()
    }

    /// Tells the embedding worker there is new or changed feedback text.
    pub fn feedback_changed(&self) {
        self.wake.notify_one();
    }

    /// Starts the embedding worker when there is a model.
    pub fn spawn_worker(&self, store: Store) {
        let Some(model) = self.model.clone() else {
            return;
        };
        let wake = self.wake.clone();
        tokio::spawn(async move {
            loop {
                match embed_pending(&store, &model).await {
                    // A full batch: there may be more.
                    Ok(n) if n as i64 == BATCH => continue,
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "embedding feedback failed; retrying later")
                    }
                }
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(60)) => {}
                }
            }
        });
    }
}

/// Embeds one batch of feedback that has no vector yet; returns how many.
/// The model runs on a blocking thread; the vectors are written in one
/// transaction, and only where the text is still the one embedded.
///
/// On PostgreSQL several instances share the work: the batch is claimed
/// (a transaction-level advisory lock) *before* it is read and embedded,
/// and the claim is held until the vectors are written, so each batch is
/// computed by one instance, not by every instance. On SQLite there is one
/// instance, and the claim would hold the single writer for the whole
/// embedding, so the batch is read and embedded first and written after.
pub async fn embed_pending(store: &Store, model: &Arc<Model>) -> Result<usize, String> {
    let err = |e: keel_store::StoreError| e.to_string();
    if store.backend() == Backend::Postgres {
        let mut tx = store.begin().await.map_err(err)?;
        if !repo::feedback::claim_job(&mut tx, repo::feedback::EMBEDDING_JOB)
            .await
            .map_err(err)?
        {
            // Another instance is embedding; it will do these.
            return Ok(0);
        }
        let todo = repo::feedback::missing_vectors(tx.db(), MODEL_NAME, BATCH)
            .await
            .map_err(err)?;
        let vectors = embed(model, &todo).await?;
        write_vectors(&mut tx, &todo, &vectors).await?;
        tx.commit().await.map_err(err)?;
        return Ok(todo.len());
    }
    let todo = repo::feedback::missing_vectors(store.db(), MODEL_NAME, BATCH)
        .await
        .map_err(err)?;
    let vectors = embed(model, &todo).await?;
    let mut tx = store.begin().await.map_err(err)?;
    write_vectors(&mut tx, &todo, &vectors).await?;
    tx.commit().await.map_err(err)?;
    Ok(todo.len())
}

/// The vectors of `todo`'s texts, computed on a blocking thread.
async fn embed(
    model: &Arc<Model>,
    todo: &[repo::feedback::VectorTodo],
) -> Result<Vec<Vec<f32>>, String> {
    if todo.is_empty() {
        return Ok(Vec::new());
    }
    let texts: Vec<String> = todo.iter().map(|t| t.text.clone()).collect();
    let model = model.clone();
    tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        model.embed(&refs)
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())
}

async fn write_vectors(
    tx: &mut keel_store::Tx,
    todo: &[repo::feedback::VectorTodo],
    vectors: &[Vec<f32>],
) -> Result<(), String> {
    let now = keel_domain::time::Timestamp::now().to_rfc3339();
    for (item, vector) in todo.iter().zip(vectors) {
        repo::feedback::put_vector(tx, item, MODEL_NAME, &to_bytes(vector), &now)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
