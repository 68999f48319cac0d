//! `keel admin …`: offline administration straight on the database, for
//! when no account exists yet or the server is down.

use super::serve::{DatabaseArgs, with_store};
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use keel_domain::ids::new_id;
use keel_domain::time::Timestamp;
use keel_domain::values::{Email, Password, line};
use keel_store::repo;
use std::io::Read;

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an account directly in the database.
    CreateUser {
        /// The email they sign in with
        #[arg(long)]
        email: String,
        /// Their name as others see it
        #[arg(long)]
        name: String,
        /// Read the password from standard input (required: passwords are
        /// never taken as arguments, which other users could see).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Make the account an instance admin.
        #[arg(long)]
        admin: bool,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

pub fn run(cmd: AdminCommand) -> Result<()> {
    match cmd {
        AdminCommand::CreateUser {
            email,
            name,
            password_stdin: _,
            admin,
            db,
        } => {
            let email = Email::parse("email", &email).map_err(|e| anyhow::anyhow!("{e}"))?;
            let name = line("name", &name).map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut input = String::new();
            std::io::stdin()
                .read_to_string(&mut input)
                .context("cannot read the password from standard input")?;
            let password = input.trim_end_matches(['\n', '\r']);
            let password =
                Password::parse("password", password).map_err(|e| anyhow::anyhow!("{e}"))?;
            let hash = keel_server::secrets::hash_password(password.expose())
                .map_err(|e| anyhow::anyhow!(e))?;
            let user = with_store(&db, async |store| {
                if repo::users::by_email(store.db(), email.as_str())
                    .await?
                    .is_some()
                {
                    bail!("an account with email {} already exists", email.as_str());
                }
                let mut tx = store.begin().await?;
                let id = new_id();
                let now = Timestamp::now().to_rfc3339();
                let user = repo::users::insert(
                    &mut tx,
                    repo::users::NewUserRecord {
                        id: &id,
                        email: email.as_str(),
                        name: &name,
                        password_hash: &hash,
                        is_admin: admin,
                        created_at: &now,
                    },
                )
                .await?;
                tx.commit().await?;
                Ok(user)
            })?;
            super::output::line(format!(
                "created {} <{}>{} with id {}",
                user.name,
                user.email,
                if user.is_admin {
                    " (instance admin)"
                } else {
                    ""
                },
                user.id
            ))?;
            Ok(())
        }
    }
}
