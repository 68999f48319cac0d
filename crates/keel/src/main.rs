//! `keel`: the one binary. `keel serve` runs the server; every other
//! subcommand is either an offline admin tool working on the database
//! directly or a client of a running server.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
