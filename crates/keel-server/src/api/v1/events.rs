//! The live event stream: `GET /api/v1/workspaces/{ws}/events` upgraded to
//! a WebSocket. `?after=SEQ` first replays every later event from the
//! events table, then goes live; gaps and slow clients are repaired from the
//! table too, so a client sees every sequence number exactly once, in order.
//!
//! A subscriber sees what its role may read: events of customer data
//! (see [`crate::live::item_permission`]) reach roles without
//! `ReadCustomers` without their item. Access is checked again while the
//! socket is open, before an event goes out once the last check is older
//! than [`RECHECK_EVERY`]: a revoked token, an ended session or a removed
//! member gets the socket closed (code 1008) instead of more events, and a
//! changed role takes effect.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::auth::Credential;
use crate::extract::{Query, WorkspaceCtx};
use crate::live::{Published, item_permission, to_wire};
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::response::Response;
use keel_api_types::LiveEvent;
use keel_domain::time::Timestamp;
use keel_domain::{Permission, Role};
use keel_store::{Store, StoreResult, repo};
use serde::Deserialize;
use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::RecvError;
use utoipa::IntoParams;

/// Events read from the table per query while catching up.
const CATCH_UP_PAGE: i64 = 500;

/// How old the last access check may be when an event is about to go
/// out. Checking before every event would cost a query per subscriber per
/// write (a thousand subscribers: a thousand queries); at most one a second
/// per subscriber bounds that, and bounds how long a revoked subscriber can
/// still receive events.
pub const RECHECK_EVERY: Duration = Duration::from_secs(1);

/// How often an idle socket checks access, so a revoked one is closed even
/// when nothing happens in the workspace.
const RECHECK_IDLE: Duration = Duration::from_secs(30);

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
    let access = Access {
        credential: ctx.caller.credential.clone(),
        user_id: ctx.user_id().to_string(),
        role: ctx.role,
        checked: Instant::now(),
    };
    let workspace_id = ctx.workspace.id.clone();
    Ok(upgrade.on_upgrade(move |socket| async move {
        let mut stream = Stream {
            socket,
            store: app.store.clone(),
            workspace_id,
            last: start,
            access,
        };
        match stream.run(rx).await {
            Err(Closed::AccessLost) => {
                let frame = CloseFrame {
                    code: close_code::POLICY,
                    reason: "access to this workspace ended".into(),
                };
                let _ = stream.socket.send(Message::Close(Some(frame))).await;
            }
            Err(Closed::Failed(reason)) => tracing::debug!(%reason, "event stream closed"),
            Ok(()) => {}
        }
    }))
}

/// Why a stream stopped early.
enum Closed {
    /// The subscriber may no longer read the workspace.
    AccessLost,
    /// The socket or the database failed.
    Failed(String),
}

impl<E: std::fmt::Display> From<E> for Closed {
    fn from(e: E) -> Self {
        Closed::Failed(e.to_string())
    }
}

/// Who the subscriber is and what their role allowed when last checked.
struct Access {
    credential: Credential,
    user_id: String,
    role: Role,
    checked: Instant,
}

impl Access {
    /// Checks the credential and the membership again; the role now, or
    /// `None` when the token was revoked, the session ended or the member
    /// was removed or deactivated.
    async fn current_role(&self, store: &Store, workspace_id: &str) -> StoreResult<Option<Role>> {
        let live = match &self.credential {
            Credential::Token(token_id) => repo::tokens::exists(store.db(), token_id).await?,
            Credential::Session { id_hash, .. } => {
                let now = Timestamp::now().to_rfc3339();
                repo::sessions::get(store.db(), id_hash, &now)
                    .await?
                    .is_some_and(|s| s.user.id == self.user_id)
            }
        };
        if !live {
            return Ok(None);
        }
        let member = repo::workspaces::member(store.db(), workspace_id, &self.user_id).await?;
        Ok(member.filter(|m| m.active).map(|m| m.role))
    }
}

struct Stream {
    socket: WebSocket,
    store: Store,
    workspace_id: String,
    /// The last sequence number sent.
    last: i64,
    access: Access,
}

impl Stream {
    async fn run(
        &mut self,
        mut rx: tokio::sync::broadcast::Receiver<Arc<Published>>,
    ) -> Result<(), Closed> {
        self.catch_up(None).await?;
        let mut idle = tokio::time::interval(RECHECK_IDLE);
        idle.tick().await; // the first tick is at once; access was just checked
        loop {
            tokio::select! {
                _ = idle.tick() => {
                    if self.access.checked.elapsed() >= RECHECK_IDLE {
                        self.check_access().await?;
                    }
                }
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
                    Some(Err(e)) => return Err(e.into()),
                },
            }
        }
    }

    /// Sends every stored event after `last` (up to `until`, if given).
    async fn catch_up(&mut self, until: Option<i64>) -> Result<(), Closed> {
        loop {
            let events = repo::events::after(
                self.store.db(),
                &self.workspace_id,
                self.last,
                CATCH_UP_PAGE,
            )
            .await?;
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

    /// Checks access again; fails with [`Closed::AccessLost`] when it ended.
    async fn check_access(&mut self) -> Result<(), Closed> {
        let role = self
            .access
            .current_role(&self.store, &self.workspace_id)
            .await?;
        self.access.role = role.ok_or(Closed::AccessLost)?;
        self.access.checked = Instant::now();
        Ok(())
    }

    /// Sends one event, without its item when the role may not read it,
    /// checking access first when the last check is stale.
    async fn send(&mut self, event: &LiveEvent) -> Result<(), Closed> {
        if self.access.checked.elapsed() >= RECHECK_EVERY {
            self.check_access().await?;
        }
        let event =
            if event.item.is_some() && !self.access.role.allows(item_permission(&event.kind)) {
                Cow::Owned(LiveEvent {
                    item: None,
                    ..event.clone()
                })
            } else {
                Cow::Borrowed(event)
            };
        let text = serde_json::to_string(&*event)?;
        self.socket.send(Message::Text(text.into())).await?;
        self.last = event.seq;
        Ok(())
    }
}
