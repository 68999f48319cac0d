//! The one error type of this crate.
//!
//! Loading a model is the only fallible step with outside causes (missing or
//! corrupt files); the rest are caller mistakes (a BLOB of the wrong length,
//! more items than clustering is meant for) that the caller should see named.

use std::path::PathBuf;

/// Everything that can go wrong in `keel-insight`.
#[derive(Debug, thiserror::Error)]
pub enum InsightError {
    /// A model file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A model folder lacks a file it needs.
    #[error("model folder {dir} has no {what}")]
    MissingFile { dir: PathBuf, what: &'static str },
    /// `config.json` is not a BERT configuration this crate can run.
    #[error("unsupported model config {path}: {reason}")]
    Config { path: PathBuf, reason: String },
    /// The tokenizer could not be loaded or failed on a text.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// The tensor library failed (bad weights file, shape mismatch).
    #[error("model: {0}")]
    Tensor(#[from] candle_core::Error),
    /// A stored vector's byte length is not a multiple of 4.
    #[error("a vector BLOB must be a multiple of 4 bytes long, got {len}")]
    VectorBytes { len: usize },
    /// Vectors and texts given to clustering differ in number.
    #[error("{vectors} vectors but {texts} texts")]
    LengthMismatch { vectors: usize, texts: usize },
    /// More items than the O(n²) clustering is meant for.
    #[error("{items} items is more than the {max} that theme clustering handles")]
    TooManyItems { items: usize, max: usize },
}
