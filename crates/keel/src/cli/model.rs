//! `keel model download`: fetches the sentence-embedding model used for
//! similar feedback and themes (all-MiniLM-L6-v2) into a folder, for people
//! whose server has the internet; then `keel serve --model-dir DIR`.
//! Offline installs copy the same three files into a folder by hand.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the files come from by default (the model's home on the hub).
const HUB: &str = "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main";

/// What the model folder needs.
const FILES: [&str; 3] = ["config.json", "tokenizer.json", "model.safetensors"];

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Download the embedding model into a folder and check that it loads
    Download {
        /// The folder to fill
        #[arg(long, default_value = "keel-data/model", value_name = "DIR")]
        dir: PathBuf,
        /// Base URL to fetch the files from (a mirror)
        #[arg(long, default_value = HUB, value_name = "URL")]
        from: String,
    },
}

pub fn run(command: ModelCommand) -> Result<()> {
    match command {
        ModelCommand::Download { dir, from } => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the async runtime")?;
            runtime.block_on(download(&dir, from.trim_end_matches('/')))?;
            let started = std::time::Instant::now();
            let model = keel_insight::Model::load(&dir).with_context(|| {
                format!("the files in {} do not load as a model", dir.display())
            })?;
            let probe = model.embed(&["a quick check"])?;
            super::output::line(format!(
                "Model saved in {} ({}-dimensional, loads in {} ms). Start the server with: keel serve --model-dir {}",
                dir.display(),
                probe.first().map_or(0, Vec::len),
                started.elapsed().as_millis(),
                dir.display()
            ))?;
            Ok(())
        }
    }
}

/// Fetches each file to `NAME.part` and renames it when complete, so an
/// interrupted download never leaves a truncated file under the real name.
async fn download(dir: &Path, from: &str) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let client = reqwest::Client::builder()
        .user_agent(concat!("keel/", env!("CARGO_PKG_VERSION")))
        .build()?;
    for name in FILES {
        let url = format!("{from}/{name}");
        eprintln!("fetching {url}");
        let mut response = client
            .get(&url)
            .send()
            .await
            .with_context(|| format!("cannot fetch {url}"))?;
        if !response.status().is_success() {
            bail!("{url} answered {}", response.status());
        }
        let part = dir.join(format!("{name}.part"));
        // A command-line tool on a one-thread runtime: plain blocking writes.
        let mut file = std::fs::File::create(&part)
            .with_context(|| format!("cannot write {}", part.display()))?;
        while let Some(chunk) = response.chunk().await? {
            file.write_all(&chunk)?;
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&part, dir.join(name))?;
    }
    Ok(())
}
