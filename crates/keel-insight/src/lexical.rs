//! The lexical fallback: TF-IDF vectors over stemmed words, compared by
//! cosine similarity.
//!
//! Used when no embedding model is configured. It finds feedback that uses
//! the same words, which is weaker than meaning (two customers asking for
//! the same thing in different words look unrelated; two asking for
//! different things about "export" look alike), and needs no files.
//!
//! The weights depend on the whole set of texts (a word in every text says
//! nothing), so vectors are built by a [`LexicalIndex`] over the set and are
//! only comparable with vectors of the same index; they are cheap to
//! rebuild, so they are not meant to be stored.

use crate::text::terms;
use std::collections::HashMap;

/// A sparse, L2-normalised vector: `(term id, weight)` pairs sorted by term
/// id. Built only by a [`LexicalIndex`], so the invariants hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseVector {
    entries: Vec<(u32, f32)>,
}

impl SparseVector {
    /// Builds from `(term, weight)` pairs with distinct terms, sorting and
    /// normalising them; zero weights are dropped.
    fn normalised(mut entries: Vec<(u32, f32)>) -> SparseVector {
        entries.retain(|&(_, w)| w != 0.0);
        entries.sort_by_key(|&(term, _)| term);
        let norm = entries.iter().map(|&(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, w) in &mut entries {
                *w /= norm;
            }
        }
        SparseVector { entries }
    }

    /// `(term id, weight)` pairs, sorted by term id.
    pub fn entries(&self) -> &[(u32, f32)] {
        &self.entries
    }

    /// Whether no known word survived normalisation (the text was empty,
    /// all stop words, or only words the index has not seen).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Cosine similarity in [0, 1]: both vectors are normalised, so it is
    /// their dot product, computed by walking the two sorted lists. An empty
    /// vector is similar to nothing (0).
    pub fn cosine(&self, other: &SparseVector) -> f32 {
        let (a, b) = (&self.entries, &other.entries);
        let (mut i, mut j, mut dot) = (0, 0, 0.0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += a[i].1 * b[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        dot
    }
}

/// TF-IDF over a set of texts: the vocabulary (stems), each stem's inverse
/// document frequency, and the vector of every text in the set.
#[derive(Debug, Clone)]
pub struct LexicalIndex {
    term_ids: HashMap<String, u32>,
    /// Indexed by term id.
    idf: Vec<f32>,
    vectors: Vec<SparseVector>,
}

impl LexicalIndex {
    /// Indexes `texts`; vector `i` belongs to `texts[i]`.
    pub fn build(texts: &[&str]) -> LexicalIndex {
        let mut term_ids: HashMap<String, u32> = HashMap::new();
        let mut document_frequency: Vec<u32> = Vec::new();
        let mut counts_per_text: Vec<HashMap<u32, u32>> = Vec::with_capacity(texts.len());
        for text in texts {
            let mut counts: HashMap<u32, u32> = HashMap::new();
            for term in terms(text) {
                let next_id = term_ids.len() as u32;
                let id = *term_ids.entry(term.stem).or_insert(next_id);
                if id == next_id {
                    document_frequency.push(0);
                }
                *counts.entry(id).or_default() += 1;
            }
            for &id in counts.keys() {
                document_frequency[id as usize] += 1;
            }
            counts_per_text.push(counts);
        }

        // Smoothed IDF (as scikit-learn's default): ln((1+N)/(1+df)) + 1,
        // so a word in every text still weighs a little instead of zero and
        // a word from outside the set (df 0) does not divide by zero.
        let n = texts.len() as f32;
        let idf: Vec<f32> = document_frequency
            .iter()
            .map(|&df| ((1.0 + n) / (1.0 + df as f32)).ln() + 1.0)
            .collect();

        let vectors = counts_per_text
            .into_iter()
            .map(|counts| Self::weigh(&idf, counts))
            .collect();
        LexicalIndex {
            term_ids,
            idf,
            vectors,
        }
    }

    /// Sub-linear term frequency (1 + ln tf) times IDF, normalised: a word
    /// said three times counts more than once, but not three times as much.
    fn weigh(idf: &[f32], counts: HashMap<u32, u32>) -> SparseVector {
        SparseVector::normalised(
            counts
                .into_iter()
                .map(|(id, tf)| (id, (1.0 + (tf as f32).ln()) * idf[id as usize]))
                .collect(),
        )
    }

    /// How many texts the index was built from.
    pub fn len(&self) -> usize {
        self.vectors.len()
    }

    /// Whether the index was built from no texts.
    pub fn is_empty(&self) -> bool {
        self.vectors.is_empty()
    }

    /// The vector of `texts[i]` from [`LexicalIndex::build`].
    pub fn vector(&self, i: usize) -> Option<&SparseVector> {
        self.vectors.get(i)
    }

    /// The vectors of all indexed texts, in their order.
    pub fn vectors(&self) -> &[SparseVector] {
        &self.vectors
    }

    /// The vector of a text that may not be in the set (a new piece of
    /// feedback to find neighbours for), comparable with [`Self::vectors`].
    /// Words the set never used are dropped: they cannot match anything.
    pub fn lexical_vector(&self, text: &str) -> SparseVector {
        let mut counts: HashMap<u32, u32> = HashMap::new();
        for term in terms(text) {
            if let Some(&id) = self.term_ids.get(&term.stem) {
                *counts.entry(id).or_default() += 1;
            }
        }
        Self::weigh(&self.idf, counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_score_one_and_unrelated_zero() {
        let index = LexicalIndex::build(&[
            "Export the roadmap to PDF",
            "exporting roadmaps to pdf",
            "Dark mode for the board",
        ]);
        let v = index.vectors();
        assert!((v[0].cosine(&v[1]) - 1.0).abs() < 1e-6);
        assert_eq!(v[0].cosine(&v[2]), 0.0);
        assert!((v[2].cosine(&v[2]) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn rare_words_weigh_more_than_common_ones() {
        let index = LexicalIndex::build(&[
            "export roadmap",
            "export gantt",
            "export csv",
            "export roadmap pdf",
        ]);
        let q = index.lexical_vector("roadmap");
        let v = index.vectors();
        // Sharing "roadmap" (rare) beats sharing "export" (everywhere).
        assert!(q.cosine(&v[0]) > index.lexical_vector("export").cosine(&v[0]));
        assert_eq!(q.cosine(&v[1]), 0.0);
    }

    #[test]
    fn empty_and_unknown_texts_give_empty_vectors() {
        let index = LexicalIndex::build(&["", "the and of", "roadmap"]);
        assert!(index.vectors()[0].is_empty());
        assert!(index.vectors()[1].is_empty());
        assert!(index.lexical_vector("zebra").is_empty());
        assert_eq!(index.vectors()[0].cosine(&index.vectors()[2]), 0.0);
        assert_eq!(index.len(), 3);
    }

    #[test]
    fn vectors_are_sorted_and_normalised() {
        let index = LexicalIndex::build(&["zeta alpha alpha beta", "alpha"]);
        let e = index.vectors()[0].entries();
        assert!(e.windows(2).all(|w| w[0].0 < w[1].0));
        let norm: f32 = e.iter().map(|(_, w)| w * w).sum();
        assert!((norm - 1.0).abs() < 1e-6);
    }
}
