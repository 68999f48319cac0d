//! The background side of customer insight: the optional sentence-embedding
//! model and the worker that embeds feedback as it arrives, woken by
//! [`Insight::feedback_changed`].

use std::sync::Arc;
use tokio::sync::Notify;

/// Shared handle, cheap to clone.
#[derive(Clone, Default)]
pub struct Insight {
    wake: Arc<Notify>,
}

impl Insight {
    /// Tells the embedding worker there is new or changed feedback text.
    pub fn feedback_changed(&self) {
        self.wake.notify_one();
    }
}
