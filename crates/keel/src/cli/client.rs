//! The client subcommands (everything that talks to a running server, plus
//! `completions`) and their dispatch. They run on a single-threaded tokio
//! runtime: a CLI command makes a handful of sequential requests.

use super::audit::{self, AuditArgs};
use super::completions::{self, CompletionsArgs};
use super::customer::{self, CompanyArgs, CustomerArgs};
use super::decision::{self, DecisionArgs};
use super::feedback::{self, FeatureArgs, FeedbackArgs};
use super::goal::{self, GoalArgs};
use super::idea::{self, IdeaArgs};
use super::import::{self, ImportArgs};
use super::interview::{self, InterviewArgs};
use super::login::{self, LoginArgs, LogoutArgs};
use super::member::{self, MemberArgs};
use super::my_day::{self, MyDayArgs};
use super::product::{self, ProductArgs};
use super::release::{self, ReleaseArgs};
use super::search::{self, SearchArgs};
use super::session::ClientOpts;
use super::task::{self, TaskArgs};
use super::team::{self, TeamArgs};
use super::update::{self, UpdateArgs};
use super::workspace::{self, WorkspaceArgs};
use anyhow::{Context, Result, anyhow};
use clap::Subcommand;
use keel_client::ClientError;

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Sign in to a server and store a personal API token for this computer
    Login(LoginArgs),
    /// Revoke the stored token on the server and delete the local credentials
    /// (`--everywhere`: end every browser session and revoke every token too)
    Logout(LogoutArgs),
    /// Show who the stored (or given) token belongs to
    Whoami(ClientOpts),
    /// List, create and choose workspaces
    #[command(visible_alias = "ws")]
    Workspace(WorkspaceArgs),
    /// Manage the members of a workspace and their roles
    Member(MemberArgs),
    /// List and create products
    Product(ProductArgs),
    /// List and create teams
    Team(TeamArgs),
    /// Work with tasks: list, add, show, edit, move, done, assign, comment
    Task(Box<TaskArgs>),
    /// Customer feedback: add, list, show, link to a feature, similar, themes
    #[command(visible_alias = "fb")]
    Feedback(Box<FeedbackArgs>),
    /// Features ranked by customer demand, with their evidence
    Feature(FeatureArgs),
    /// Ideas: list by votes, add, vote, promote to a feature
    Idea(IdeaArgs),
    /// Customer interviews: list, show, turn into feedback
    Interview(InterviewArgs),
    /// Plan your day: list, add, done, undo, remove, carry, history
    #[command(name = "my-day")]
    MyDay(MyDayArgs),
    /// Import from files: feedback from CSV (all or nothing, with a dry run)
    Import(ImportArgs),
    /// Search tasks, features, feedback, customers, companies and personas
    Search(SearchArgs),
    /// Customers: list, add, show, edit, export their data, delete (anonymising their feedback)
    Customer(CustomerArgs),
    /// Companies: list, add, show, edit
    Company(CompanyArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions(CompletionsArgs),
    /// Goals and key results: list with progress and health, add, check in
    Goal(GoalArgs),
    /// The decision log: list, add, show
    Decision(DecisionArgs),
    /// Releases: list with progress, notes in customer language, ship
    Release(ReleaseArgs),
    /// The stakeholder update of a product for a period, as Markdown or HTML
    Update(UpdateArgs),
    /// The audit log: sign-ins, failed sign-ins, tokens, role changes, exports
    Audit(AuditArgs),
}

/// Runs one client command to completion.
pub fn run(command: ClientCommand) -> Result<()> {
    if let ClientCommand::Completions(args) = command {
        return completions::run(args);
    }
    let is_login = matches!(command, ClientCommand::Login(_));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime
        .block_on(async move {
            match command {
                ClientCommand::Login(args) => login::login(args).await,
                ClientCommand::Logout(args) => login::logout(args).await,
                ClientCommand::Whoami(opts) => login::whoami(opts).await,
                ClientCommand::Workspace(args) => workspace::run(args).await,
                ClientCommand::Member(args) => member::run(args).await,
                ClientCommand::Product(args) => product::run(args).await,
                ClientCommand::Team(args) => team::run(args).await,
                ClientCommand::Task(args) => task::run(*args).await,
                ClientCommand::MyDay(args) => my_day::run(args).await,
                ClientCommand::Import(args) => import::run(args).await,
                ClientCommand::Feedback(args) => feedback::run(*args).await,
                ClientCommand::Feature(args) => feedback::run_feature(args).await,
                ClientCommand::Idea(args) => idea::run(args).await,
                ClientCommand::Interview(args) => interview::run(args).await,
                ClientCommand::Search(args) => search::run(args).await,
                ClientCommand::Customer(args) => customer::run_customer(args).await,
                ClientCommand::Company(args) => customer::run_company(args).await,
                ClientCommand::Completions(args) => completions::run(args),
                ClientCommand::Goal(args) => goal::run(args).await,
                ClientCommand::Decision(args) => decision::run(args).await,
                ClientCommand::Release(args) => release::run(args).await,
                ClientCommand::Update(args) => update::run(args).await,
                ClientCommand::Audit(args) => audit::run(args).await,
            }
        })
        .map_err(|err| if is_login { err } else { with_hint(err) })
}

/// Adds what to do next to errors a person can fix.
fn with_hint(err: anyhow::Error) -> anyhow::Error {
    match err.downcast_ref::<ClientError>() {
        Some(client) if client.is_unauthorized() => {
            anyhow!("{client} (sign in again with `keel login`)")
        }
        _ => err,
    }
}
