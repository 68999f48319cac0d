//! Nearest neighbours by similarity, for either representation.
//!
//! A linear scan: for the few thousand pieces of feedback of a workspace it
//! is a few hundred microseconds per query, far below the cost of an index
//! that would have to be kept in step with the database.

use crate::lexical::SparseVector;
use std::cmp::Ordering;

/// How alike two vectors of one kind are; higher is more alike.
pub trait Similarity {
    /// Similarity of `self` and `other`, in [-1, 1].
    fn similarity(&self, other: &Self) -> f32;
}

/// Dense embeddings are L2-normalised by [`crate::Model::embed`], so their
/// dot product is their cosine similarity.
///
/// Vectors of different lengths (from different models) are a caller bug:
/// debug builds panic, release builds compare the common prefix.
impl Similarity for [f32] {
    fn similarity(&self, other: &[f32]) -> f32 {
        debug_assert_eq!(self.len(), other.len(), "vectors of different models");
        self.iter().zip(other).map(|(a, b)| a * b).sum()
    }
}

impl Similarity for Vec<f32> {
    fn similarity(&self, other: &Vec<f32>) -> f32 {
        self.as_slice().similarity(other.as_slice())
    }
}

impl Similarity for SparseVector {
    fn similarity(&self, other: &SparseVector) -> f32 {
        self.cosine(other)
    }
}

/// The `k` candidates most similar to `query`, as `(index into candidates,
/// score)`, best first; ties go to the lower index so results are stable.
/// `exclude` skips one candidate: the query itself when it is in the list.
pub fn top_k<V: Similarity>(
    query: &V,
    candidates: &[V],
    k: usize,
    exclude: Option<usize>,
) -> Vec<(usize, f32)> {
    let mut scored: Vec<(usize, f32)> = candidates
        .iter()
        .enumerate()
        .filter(|&(i, _)| Some(i) != exclude)
        .map(|(i, c)| (i, query.similarity(c)))
        .collect();
    let best_first = |a: &(usize, f32), b: &(usize, f32)| -> Ordering {
        b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
    };
    // Partial selection first: O(n) instead of sorting every candidate.
    if k < scored.len() {
        scored.select_nth_unstable_by(k, best_first);
        scored.truncate(k);
    }
    scored.sort_by(best_first);
    scored
}

/// The `k` items most similar to `items[index]`, itself excluded.
pub fn similar_to<V: Similarity>(items: &[V], index: usize, k: usize) -> Vec<(usize, f32)> {
    match items.get(index) {
        Some(query) => top_k(query, items, k, Some(index)),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(x: f32, y: f32) -> Vec<f32> {
        let n = (x * x + y * y).sqrt();
        vec![x / n, y / n]
    }

    #[test]
    fn best_first_and_excludes_the_query() {
        let items = vec![
            unit(1.0, 0.0),
            unit(0.0, 1.0),
            unit(1.0, 0.1),
            unit(1.0, 1.0),
        ];
        let got = similar_to(&items, 0, 3);
        let order: Vec<usize> = got.iter().map(|&(i, _)| i).collect();
        assert_eq!(order, [2, 3, 1]);
        assert!(got.windows(2).all(|w| w[0].1 >= w[1].1));
    }

    #[test]
    fn k_larger_than_the_set_returns_all_others() {
        let items = vec![unit(1.0, 0.0), unit(0.0, 1.0)];
        assert_eq!(similar_to(&items, 1, 10).len(), 1);
        assert!(similar_to(&items, 5, 10).is_empty());
        assert!(similar_to(&items, 0, 0).is_empty());
    }

    #[test]
    fn ties_go_to_the_lower_index() {
        let items = vec![unit(1.0, 0.0); 6];
        let got = top_k(&unit(1.0, 0.0), &items, 3, Some(1));
        let order: Vec<usize> = got.iter().map(|&(i, _)| i).collect();
        assert_eq!(order, [0, 2, 3]);
    }

    #[test]
    fn works_on_sparse_vectors() {
        let index = crate::LexicalIndex::build(&["pdf export", "csv export", "pdf export please"]);
        let got = similar_to(index.vectors(), 0, 2);
        assert_eq!(got[0].0, 2);
        assert!((got[0].1 - 1.0).abs() < 1e-6);
    }
}
