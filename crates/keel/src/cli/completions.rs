//! `keel completions SHELL`: prints a completion script for the whole CLI.
//!
//! bash: `keel completions bash > ~/.local/share/bash-completion/completions/keel`
//! zsh:  `keel completions zsh > "${fpath[1]}/_keel"`
//! fish: `keel completions fish > ~/.config/fish/completions/keel.fish`

use super::output;
use anyhow::Result;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: CompletionsArgs) -> Result<()> {
    let mut command = super::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "keel", &mut script);
    output::emit(&String::from_utf8_lossy(&script))
}
