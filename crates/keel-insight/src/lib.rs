//! Customer insight computed locally: how similar two pieces of feedback
//! are (a sentence-embedding model, or word overlap when no model is
//! configured) and the themes the inbox falls into.
//!
//! No database and no HTTP: callers pass texts and vectors in and store
//! what comes out ([`to_bytes`] / [`from_bytes`] for a BLOB column).
//!
//! - [`Model`]: all-MiniLM-L6-v2 on the CPU → 384-d normalised vectors.
//! - [`LexicalIndex`]: TF-IDF over stemmed words, when there is no model.
//! - [`top_k`] / [`similar_to`]: nearest neighbours for either kind.
//! - [`themes()`]: groups with a label, e.g. "export · pdf · roadmap".
//! - [`evaluate`]: precision@k and theme purity on labelled texts.

mod bert;
mod bytes;
pub mod cluster;
mod error;
pub mod evaluate;
pub mod lexical;
mod model;
pub mod search;
pub mod text;
pub mod themes;
mod tokenizer;

pub use bytes::{from_bytes, to_bytes};
pub use cluster::{MAX_CLUSTER_ITEMS, cluster};
pub use error::InsightError;
pub use lexical::{LexicalIndex, SparseVector};
pub use model::{BATCH_SIZE, Model};
pub use search::{Similarity, similar_to, top_k};
pub use themes::{Theme, ThemeOptions, Themes, themes};
pub use tokenizer::{MAX_TOKENS, Tokenizer};
