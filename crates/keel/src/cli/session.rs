//! Connecting to a server for one command: the global client options
//! (`--server`, `--token`, `--workspace`, `--json`), how they combine with
//! the environment and the credentials file, and which workspace a
//! workspace-scoped command acts on.
//!
//! Precedence, highest first: flag, environment (`KEEL_SERVER`,
//! `KEEL_TOKEN`, `KEEL_WORKSPACE`), credentials file. The stored token is
//! only ever sent to the server it was issued by: pointing `--server`
//! elsewhere without `--token` means no token, not a leaked one.

use super::config::{self, Credentials};
use anyhow::{Result, anyhow, bail};
use clap::Args;
use keel_client::{KeelClient, ListParams};
use std::path::PathBuf;

/// Options every command that talks to a server accepts.
#[derive(Debug, Clone, Default, Args)]
pub struct ClientOpts {
    /// Server URL, e.g. http://127.0.0.1:7070 [default: the one you logged in to]
    #[arg(
        long,
        global = true,
        env = "KEEL_SERVER",
        hide_env_values = true,
        value_name = "URL",
        help_heading = "Global options"
    )]
    pub server: Option<String>,
    /// API token [default: the one stored by `keel login`]
    #[arg(
        long,
        global = true,
        env = "KEEL_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN",
        help_heading = "Global options"
    )]
    pub token: Option<String>,
    /// Workspace slug [default: set by `keel workspace use`, else your only workspace]
    #[arg(
        short = 'w',
        long,
        global = true,
        env = "KEEL_WORKSPACE",
        hide_env_values = true,
        value_name = "SLUG",
        help_heading = "Global options"
    )]
    pub workspace: Option<String>,
    /// Print the JSON the server returned instead of a table
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,
}

/// A signed-in connection for one command.
pub struct Session {
    pub client: KeelClient,
    pub opts: ClientOpts,
    /// The credentials file as read (used to find the default workspace and
    /// updated by `workspace use`).
    pub creds: Credentials,
    pub config_path: PathBuf,
    /// True when `creds` belongs to the server this session talks to.
    pub creds_match_server: bool,
}

/// Compares server URLs ignoring a trailing slash.
pub fn same_server(a: &str, b: &str) -> bool {
    a.trim().trim_end_matches('/') == b.trim().trim_end_matches('/')
}

impl Session {
    /// Resolves server and token and builds the client; fails with a hint
    /// when there is no server or no token.
    pub fn open(opts: &ClientOpts) -> Result<Self> {
        let config_path = config::path()?;
        let creds = config::load(&config_path)?;
        let server = opts
            .server
            .clone()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| creds.server.clone())
            .ok_or_else(|| {
                anyhow!(
                    "not logged in: run `keel login --server URL --email EMAIL` \
                     (or set KEEL_SERVER and KEEL_TOKEN)"
                )
            })?;
        let creds_match_server = creds
            .server
            .as_deref()
            .is_some_and(|stored| same_server(stored, &server));
        let token = opts
            .token
            .clone()
            .filter(|t| !t.trim().is_empty())
            .or_else(|| creds_match_server.then(|| creds.token.clone()).flatten());
        let Some(token) = token else {
            bail!(
                "not logged in to {}: run `keel login --server {} --email EMAIL` (or set KEEL_TOKEN)",
                server.trim_end_matches('/'),
                server.trim_end_matches('/')
            );
        };
        let client = KeelClient::new(&server, Some(token))?;
        Ok(Self {
            client,
            opts: opts.clone(),
            creds,
            config_path,
            creds_match_server,
        })
    }

    /// The workspace to act on: `--workspace`/`KEEL_WORKSPACE`, else the
    /// stored default, else the caller's only workspace.
    pub async fn workspace(&self) -> Result<String> {
        if let Some(ws) = self.opts.workspace.as_deref().filter(|w| !w.is_empty()) {
            return Ok(ws.to_owned());
        }
        if self.creds_match_server
            && let Some(ws) = self.creds.workspace.as_deref().filter(|w| !w.is_empty())
        {
            return Ok(ws.to_owned());
        }
        let page = self.client.list_workspaces(&ListParams::limit(500)).await?;
        match page.items.as_slice() {
            [only] => Ok(only.slug.clone()),
            [] => bail!(
                "you are not a member of any workspace yet: create one with \
                 `keel workspace create --name NAME --slug SLUG`"
            ),
            many => {
                let slugs: Vec<&str> = many.iter().map(|w| w.slug.as_str()).collect();
                bail!(
                    "you belong to several workspaces ({}): choose one with --workspace SLUG \
                     or `keel workspace use SLUG`",
                    slugs.join(", ")
                )
            }
        }
    }
}

/// Every item of a paged list, following `next_cursor` to the end.
pub async fn collect_all<T, F, Fut>(mut fetch: F) -> Result<Vec<T>>
where
    F: FnMut(ListParams) -> Fut,
    Fut: std::future::Future<Output = Result<keel_api_types::Page<T>, keel_client::ClientError>>,
{
    let mut items = Vec::new();
    let mut params = ListParams::limit(500);
    loop {
        let page = fetch(params.clone()).await?;
        items.extend(page.items);
        match page.next_cursor {
            Some(cursor) if !cursor.is_empty() => params.cursor = Some(cursor),
            _ => return Ok(items),
        }
    }
}

/// Lower-cases a vocabulary value and turns `-` and spaces into `_`, so
/// `In-Progress` and `"in progress"` both mean `in_progress`. A
/// comma-separated list (a filter matching any of several values) is
/// normalized item by item.
pub fn vocab(value: &str) -> String {
    value
        .split(',')
        .map(|item| {
            item.trim()
                .to_lowercase()
                .chars()
                .map(|c| if c == '-' || c == ' ' { '_' } else { c })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_values_are_normalized() {
        assert_eq!(vocab("In-Progress"), "in_progress");
        assert_eq!(vocab(" in review "), "in_review");
        assert_eq!(vocab("tech_debt"), "tech_debt");
        assert_eq!(vocab("todo, In Progress"), "todo,in_progress");
    }

    #[test]
    fn servers_compare_without_trailing_slash() {
        assert!(same_server("http://a:1/", "http://a:1"));
        assert!(!same_server("http://a:1", "http://b:1"));
    }
}
