//! BERT WordPiece tokenisation, exactly as the model was trained with.
//!
//! Uses the Hugging Face `tokenizers` crate rather than a hand-written
//! WordPiece: candle-core already depends on it (with `fancy-regex`, without
//! the onig C library or progress bars), so it costs no extra build time,
//! and it reads the model's own `tokenizer.json`, so lower-casing, accent
//! stripping, CJK splitting, control-character cleaning and punctuation
//! rules are the reference implementation's and not a re-implementation's
//! (a test checks token ids against Python's output for hard cases).
//!
//! A model folder with only `vocab.txt` gets the standard uncased BERT
//! pipeline built around that vocabulary.
//!
//! Whatever the files say about padding and truncation is replaced: no
//! padding (the model pads each batch to its longest text) and truncation at
//! [`MAX_TOKENS`], special tokens included, as sentence-transformers does
//! for this model (`max_seq_length` 256; its tokenizer.json says 128).

use crate::InsightError;
use std::path::Path;
use tokenizers::models::wordpiece::WordPiece;
use tokenizers::normalizers::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::processors::bert::BertProcessing;
use tokenizers::{TruncationDirection, TruncationParams, TruncationStrategy};

/// Longest input in tokens, `[CLS]` and `[SEP]` included; the rest of a
/// longer text is ignored.
pub const MAX_TOKENS: usize = 256;

/// Text → token ids for the model.
pub struct Tokenizer {
    inner: tokenizers::Tokenizer,
}

impl Tokenizer {
    /// From `dir/tokenizer.json`, or else `dir/vocab.txt`.
    pub fn load(dir: &Path) -> Result<Tokenizer, InsightError> {
        let json = dir.join("tokenizer.json");
        let vocab = dir.join("vocab.txt");
        if json.is_file() {
            Self::from_tokenizer_json(&json)
        } else if vocab.is_file() {
            Self::from_vocab(&vocab)
        } else {
            Err(InsightError::MissingFile {
                dir: dir.to_owned(),
                what: "tokenizer.json or vocab.txt",
            })
        }
    }

    /// From a Hugging Face `tokenizer.json`.
    pub fn from_tokenizer_json(path: &Path) -> Result<Tokenizer, InsightError> {
        let inner = tokenizers::Tokenizer::from_file(path)
            .map_err(|e| InsightError::Tokenizer(format!("{}: {e}", path.display())))?;
        Self::configured(inner)
    }

    /// From a BERT `vocab.txt` (one token per line, id = line number):
    /// lower-case, strip accents, split CJK characters and punctuation,
    /// WordPiece with `##` continuations, `[CLS] … [SEP]`.
    pub fn from_vocab(path: &Path) -> Result<Tokenizer, InsightError> {
        let wordpiece = WordPiece::from_file(&path.to_string_lossy())
            .unk_token("[UNK]".into())
            .build()
            .map_err(|e| InsightError::Tokenizer(format!("{}: {e}", path.display())))?;
        let mut inner = tokenizers::Tokenizer::new(wordpiece);
        let special = |token: &str| {
            inner.token_to_id(token).ok_or_else(|| {
                InsightError::Tokenizer(format!("{} has no {token}", path.display()))
            })
        };
        let (cls, sep) = (special("[CLS]")?, special("[SEP]")?);
        inner
            .with_normalizer(Some(BertNormalizer::new(true, true, None, true)))
            .map_err(|e| InsightError::Tokenizer(e.to_string()))?;
        inner.with_pre_tokenizer(Some(BertPreTokenizer));
        inner.with_post_processor(Some(BertProcessing::new(
            ("[SEP]".into(), sep),
            ("[CLS]".into(), cls),
        )));
        Self::configured(inner)
    }

    fn configured(mut inner: tokenizers::Tokenizer) -> Result<Tokenizer, InsightError> {
        inner.with_padding(None);
        inner
            .with_truncation(Some(TruncationParams {
                direction: TruncationDirection::Right,
                max_length: MAX_TOKENS,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
            }))
            .map_err(|e| InsightError::Tokenizer(e.to_string()))?;
        Ok(Tokenizer { inner })
    }

    /// The ids of `text`, `[CLS]` first and `[SEP]` last, at most
    /// [`MAX_TOKENS`].
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, InsightError> {
        let encoding = self
            .inner
            .encode(text, true)
            .map_err(|e| InsightError::Tokenizer(e.to_string()))?;
        Ok(encoding.get_ids().to_vec())
    }

    /// The id of one token of the vocabulary, e.g. `[PAD]`.
    pub fn token_id(&self, token: &str) -> Option<u32> {
        self.inner.token_to_id(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A tiny vocabulary in a fresh folder, for tests that need no model.
    fn tiny_vocab() -> (PathBuf, Tokenizer) {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "keel-insight-vocab-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let vocab = [
            "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "export", "##ing", "the", "cafe",
            "naive", "zurich", ",", "!", "'", "s", "日", "本", "pdf", "##s",
        ];
        std::fs::write(dir.join("vocab.txt"), vocab.join("\n") + "\n").unwrap();
        let tokenizer = Tokenizer::load(&dir).unwrap();
        (dir, tokenizer)
    }

    fn id(t: &Tokenizer, token: &str) -> u32 {
        t.token_id(token).unwrap()
    }

    #[test]
    fn empty_text_is_cls_sep() {
        let (dir, t) = tiny_vocab();
        assert_eq!(t.encode("").unwrap(), [id(&t, "[CLS]"), id(&t, "[SEP]")]);
        assert_eq!(t.encode(" \t\n ").unwrap().len(), 2);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn splits_words_pieces_and_punctuation() {
        let (dir, t) = tiny_vocab();
        let ids = t.encode("Exporting the PDFs, NOW!").unwrap();
        let want: Vec<u32> = [
            "[CLS]", "export", "##ing", "the", "pdf", "##s", ",", "[UNK]", "!", "[SEP]",
        ]
        .iter()
        .map(|tok| id(&t, tok))
        .collect();
        assert_eq!(ids, want);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn lowercases_strips_accents_and_splits_cjk() {
        let (dir, t) = tiny_vocab();
        let ids = t.encode("Café NAÏVE Zürich's 日本 🚀").unwrap();
        let want: Vec<u32> = [
            "[CLS]", "cafe", "naive", "zurich", "'", "s", "日", "本", "[UNK]", "[SEP]",
        ]
        .iter()
        .map(|tok| id(&t, tok))
        .collect();
        assert_eq!(ids, want);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn truncates_long_text_keeping_sep() {
        let (dir, t) = tiny_vocab();
        let ids = t.encode(&"export ".repeat(1000)).unwrap();
        assert_eq!(ids.len(), MAX_TOKENS);
        assert_eq!(ids[0], id(&t, "[CLS]"));
        assert_eq!(ids[MAX_TOKENS - 1], id(&t, "[SEP]"));
        assert!(
            ids[1..MAX_TOKENS - 1]
                .iter()
                .all(|&i| i == id(&t, "export"))
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_folder_without_a_tokenizer_is_named() {
        let err = Tokenizer::load(Path::new("/nonexistent-keel-model"))
            .err()
            .unwrap();
        assert!(matches!(err, InsightError::MissingFile { .. }), "{err}");
    }
}
