//! Subscribers on a workspace's live event stream
//! (`/api/v1/workspaces/{ws}/events`), as the web app opens them.

use anyhow::{Context, Result};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

/// One open event stream.
pub type EventSocket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the event stream of workspace `slug` on the server at `base`
/// (`http://…`) with a bearer `token`.
pub async fn subscribe(base: &str, slug: &str, token: &str) -> Result<EventSocket> {
    let url = format!(
        "{}/api/v1/workspaces/{slug}/events",
        base.replacen("http://", "ws://", 1)
    );
    let mut request = url.as_str().into_client_request()?;
    request.headers_mut().insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {token}"))?,
    );
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .with_context(|| format!("cannot open {url}"))?;
    Ok(socket)
}
