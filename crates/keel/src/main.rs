//! `keel`: the one binary. `keel serve` runs the server; every other
//! subcommand is either an offline admin tool working on the database
//! directly or a client of a running server.

mod cli;

use std::process::ExitCode;

/// mimalloc rather than the C library's allocator: a request allocates and
/// frees many small pieces (a task's fields, its JSON, the headers), and
/// glibc's malloc and free were about a tenth of the server's CPU time
/// reading tasks; with mimalloc a task read costs less against `/healthz`
/// (BENCHMARKS.md, session 23). SQLite keeps to the C library's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}
