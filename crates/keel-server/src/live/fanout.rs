//! Cross-instance fan-out on PostgreSQL: listen for NOTIFY, read the event
//! row (and its item) once, publish it on this instance's bus.

use super::LiveBus;
use keel_store::{Store, repo};
use std::time::Duration;

/// Starts the listener task when the store is PostgreSQL; does nothing on
/// SQLite, where every write goes through this process.
pub fn spawn_fanout(store: Store, bus: LiveBus) {
    tokio::spawn(async move {
        loop {
            match store.listen_events().await {
                Ok(None) => return,
                Ok(Some(mut listener)) => loop {
                    match listener.recv().await {
                        Ok((workspace_id, seq)) => {
                            if !bus.already_published(&workspace_id, seq) {
                                forward(&store, &bus, &workspace_id, seq).await;
                            }
                        }
                        Err(err) => {
                            tracing::warn!(%err, "event listener failed; reconnecting");
                            break;
                        }
                    }
                },
                Err(err) => tracing::warn!(%err, "cannot listen for events; retrying"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

async fn forward(store: &Store, bus: &LiveBus, workspace_id: &str, seq: i64) {
    let event = match repo::events::get(store.db(), workspace_id, seq).await {
        Ok(Some(e)) => e,
        Ok(None) => return,
        Err(err) => {
            tracing::warn!(%err, "cannot read announced event");
            return;
        }
    };
    let item = super::item_for(
        store,
        workspace_id,
        &event.kind,
        &event.event_type,
        &event.item_id,
    )
    .await;
    bus.publish(workspace_id, &event, item);
}
