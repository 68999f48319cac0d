//! `keel login`, `keel logout`, `keel whoami`: getting a personal API token
//! for this computer, giving it back, and checking who it belongs to.

use super::config::{self, Credentials};
use super::output;
use super::session::{ClientOpts, Session, same_server};
use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use keel_api_types::NewToken;
use keel_client::KeelClient;
use std::io::BufRead;

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Server URL, e.g. http://127.0.0.1:7070 [default: the one you last logged in to]
    #[arg(long, env = "KEEL_SERVER", hide_env_values = true, value_name = "URL")]
    pub server: Option<String>,
    /// Your account's email
    #[arg(long, value_name = "EMAIL")]
    pub email: String,
    /// Read the password from the first line of standard input instead of
    /// prompting (for scripts: `echo "$PW" | keel login ... --password-stdin`)
    #[arg(long)]
    pub password_stdin: bool,
    /// Name of the token, as listed on the server [default: "keel CLI on <hostname>"]
    #[arg(long, value_name = "NAME")]
    pub token_name: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Delete the local credentials even if the server cannot revoke the token
    #[arg(long)]
    pub force: bool,
    /// Log out everywhere: end every browser session of the account and
    /// revoke every one of its API tokens (on all computers), not just this
    /// computer's
    #[arg(long)]
    pub everywhere: bool,
}

/// Creates a token with email + password and stores it.
pub async fn login(args: LoginArgs) -> Result<()> {
    let path = config::path()?;
    let previous = config::load(&path)?;
    let server = args
        .server
        .filter(|s| !s.trim().is_empty())
        .or_else(|| previous.server.clone())
        .ok_or_else(|| {
            anyhow!("no server given: pass --server URL (e.g. http://127.0.0.1:7070)")
        })?;
    let server = server.trim().trim_end_matches('/').to_owned();
    let anonymous = KeelClient::new(&server, None)?;
    let password = read_password(&args.email, args.password_stdin)?;
    let name = args
        .token_name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("keel CLI on {}", hostname()));
    let created = anonymous
        .create_token(&NewToken {
            email: args.email.clone(),
            password,
            name,
        })
        .await?;
    let client = anonymous.with_token(created.token.clone());
    let me = client.me().await?;

    let same = previous
        .server
        .as_deref()
        .is_some_and(|s| same_server(s, &server));
    // Replacing a login on the same server: give the old token back rather
    // than leaving it valid and forgotten.
    if same
        && let (Some(old_token), Some(old_id)) = (&previous.token, &previous.token_id)
        && old_id != &created.id
    {
        let _ = anonymous
            .with_token(old_token.clone())
            .revoke_token(old_id)
            .await;
    }
    let creds = Credentials {
        server: Some(server.clone()),
        token: Some(created.token),
        token_id: Some(created.id),
        email: Some(me.email.clone()),
        workspace: if same { previous.workspace } else { None },
    };
    config::save(&path, &creds)?;
    output::line(format!(
        "Logged in to {server} as {} <{}>. Credentials saved to {}.",
        me.name,
        me.email,
        path.display()
    ))
}

fn read_password(email: &str, from_stdin: bool) -> Result<String> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    } else {
        rpassword::prompt_password(format!("Password for {email}: ")).map_err(|err| {
            anyhow!(
                "cannot read the password ({err}): use --password-stdin when there is no terminal"
            )
        })?
    };
    if password.is_empty() {
        bail!("the password is empty");
    }
    Ok(password)
}

/// This computer's name, for naming its token.
fn hostname() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .chain(std::env::var("HOSTNAME").ok())
        .chain(std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_owned())
        .find(|h| !h.is_empty())
        .unwrap_or_else(|| "this computer".to_owned())
}

/// Revokes the stored token on the server, then deletes the credentials.
pub async fn logout(args: LogoutArgs) -> Result<()> {
    let path = config::path()?;
    let creds = config::load(&path)?;
    let (Some(server), Some(token)) = (&creds.server, &creds.token) else {
        if config::remove(&path)? {
            return output::line(format!("Removed {}.", path.display()));
        }
        bail!("not logged in (no credentials in {})", path.display());
    };
    let client = KeelClient::new(server, Some(token.clone()))?;
    if args.everywhere {
        return logout_everywhere(&client, server, &path, args.force).await;
    }
    let note = match &creds.token_id {
        Some(id) => match client.revoke_token(id).await {
            Ok(()) => "token revoked".to_owned(),
            // Already revoked or deleted: nothing left to give back.
            Err(err) if err.is_unauthorized() || err.is_not_found() => {
                "the token was no longer valid".to_owned()
            }
            Err(err) if args.force => format!("token NOT revoked: {err}"),
            Err(err) => {
                return Err(anyhow!(
                    "{err}; the token was not revoked and the credentials are kept \
                     (use `keel logout --force` to delete them anyway)"
                ));
            }
        },
        None => "no token id stored, so the token was not revoked".to_owned(),
    };
    config::remove(&path)?;
    output::line(format!("Logged out of {server} ({note})."))
}

/// `keel logout --everywhere`: every session and token of the account
/// ends on the server (this one included), then the local credentials go.
async fn logout_everywhere(
    client: &KeelClient,
    server: &str,
    path: &std::path::Path,
    force: bool,
) -> Result<()> {
    let note = match client.logout_all(true).await {
        Ok(out) => format!(
            "{} browser session{} ended, {} token{} revoked",
            out.sessions_ended,
            if out.sessions_ended == 1 { "" } else { "s" },
            out.tokens_revoked,
            if out.tokens_revoked == 1 { "" } else { "s" },
        ),
        Err(err) if force => format!("NOT logged out everywhere: {err}"),
        Err(err) => {
            return Err(anyhow!(
                "{err}; nothing was logged out and the credentials are kept \
                 (use `keel logout --everywhere --force` to delete them anyway)"
            ));
        }
    };
    config::remove(path)?;
    output::line(format!("Logged out of {server} everywhere ({note})."))
}

/// Shows the account behind the token.
pub async fn whoami(opts: ClientOpts) -> Result<()> {
    let session = Session::open(&opts)?;
    let me = session.client.me().await?;
    if opts.json {
        return output::json(&me);
    }
    let admin = if me.is_admin { " (instance admin)" } else { "" };
    output::line(format!(
        "{} <{}>{admin} on {}",
        me.name,
        me.email,
        session.client.base_url()
    ))?;
    let default_ws = opts.workspace.clone().or_else(|| {
        session
            .creds_match_server
            .then(|| session.creds.workspace.clone())
            .flatten()
    });
    if let Some(ws) = default_ws {
        output::line(format!("Workspace: {ws}"))?;
    }
    Ok(())
}
