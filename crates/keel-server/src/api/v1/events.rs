//! The live event stream: `GET /api/v1/workspaces/{ws}/events` upgraded to
//! a WebSocket. `?after=SEQ` first replays every later event from the
//! events table, then goes live; gaps and slow clients are repaired from the
//! table too, so a client sees every sequence number exactly once, in order.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Query, WorkspaceCtx};
use crate::live::{Published, to_wire};
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use keel_domain::Permission;
use keel_store::{Store, repo};
use serde::Deserialize;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use utoipa::IntoParams;

/// Events read from the table per query while catching up.
const CATCH_UP_PAGE: i64 = 500;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// Replay every event after this sequence number first.
    pub after: Option<i64>,
}

/// Subscribes to the workspace's live events (WebSocket). Messages are JSON
/// `{seq, type, kind, id, key?, item?}`.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/events", tag = "workspaces",
    params(("ws" = String, Path, description = "Workspace slug"), EventsQuery),
    responses((status = 101, description = "Switching to the WebSocket protocol; then one LiveEvent per message", body = keel_api_types::LiveEvent),
        (status = 401, body = keel_api_types::Problem), (status = 404, body = keel_api_types::Problem)),
    security(("bearer" = [])))]
pub async fn events(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<EventsQuery>,
    upgrade: WebSocketUpgrade,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    if q.after.is_some_and(|a| a < 0) {
        return Err(ApiError::field(
            "after",
            "must be a sequence number (0 or more)",
        ));
    }
    // Subscribe before reading the starting point, so nothing committed in
    // between is missed.
    let rx = app.live.subscribe();
    let start = match q.after {
        Some(after) => after,
        None => repo::events::latest_seq(app.store.db(), &ctx.workspace.id).await?,
    };
    let workspace_id = ctx.workspace.id.clone();
    Ok(upgrade.on_upgrade(move |socket| async move {
        let mut stream = Stream {
            socket,
            store: app.store.clone(),
            workspace_id,
            last: start,
        };
        if let Err(reason) = stream.run(rx).await {
            tracing::debug!(%reason, "event stream closed");
        }
    }))
}

struct Stream {
    socket: WebSocket,
    store: Store,
    workspace_id: String,
    /// The last sequence number sent.
    last: i64,
}

impl Stream {
    async fn run(
        &mut self,
        mut rx: tokio::sync::broadcast::Receiver<Arc<Published>>,
    ) -> Result<(), String> {
        self.catch_up(None).await?;
        loop {
            tokio::select! {
                received = rx.recv() => match received {
                    Ok(p) if p.workspace_id == self.workspace_id => {
                        if p.event.seq <= self.last {
                            continue;
                        }
                        if p.event.seq > self.last + 1 {
                            self.catch_up(Some(p.event.seq - 1)).await?;
                        }
                        self.send(&p.event).await?;
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => self.catch_up(None).await?,
                    Err(RecvError::Closed) => return Ok(()),
                },
                incoming = self.socket.recv() => match incoming {
                    // Clients have nothing to say; pings are answered by axum.
                    Some(Ok(Message::Close(_))) | None => return Ok(()),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(e.to_string()),
                },
            }
        }
    }

    /// Sends every stored event after `last` (up to `until`, if given).
    async fn catch_up(&mut self, until: Option<i64>) -> Result<(), String> {
        loop {
            let events = repo::events::after(
                self.store.db(),
                &self.workspace_id,
                self.last,
                CATCH_UP_PAGE,
            )
            .await
            .map_err(|e| e.to_string())?;
            let n = events.len() as i64;
            for e in events {
                if until.is_some_and(|u| e.seq > u) {
                    return Ok(());
                }
                let item = crate::live::item_for(
                    &self.store,
                    &self.workspace_id,
                    &e.kind,
                    &e.event_type,
                    &e.item_id,
                )
                .await;
                self.send(&to_wire(&e, item)).await?;
            }
            if n < CATCH_UP_PAGE {
                return Ok(());
            }
        }
    }

    async fn send(&mut self, event: &keel_api_types::LiveEvent) -> Result<(), String> {
        let text = serde_json::to_string(event).map_err(|e| e.to_string())?;
        self.socket
            .send(Message::Text(text.into()))
            .await
            .map_err(|e| e.to_string())?;
        self.last = event.seq;
        Ok(())
    }
}
