//! Average-linkage agglomerative clustering, cut at a similarity threshold.
//!
//! Two groups merge while the mean similarity over all pairs across them is
//! at least the threshold. Average linkage (rather than single linkage)
//! keeps one stray pair of similar texts from chaining two topics together,
//! and rather than complete linkage, lets a group of paraphrases in
//! different words hold together although not every pair is close.
//!
//! Computed with the nearest-neighbour chain algorithm: O(n²) time instead of
//! the O(n³) of merging the globally closest pair each step, and the same
//! result, because average linkage is "reducible" (a merged group is never
//! more similar to a third than the closer of its two parts was). The same
//! property allows stopping early: a group whose best similarity to any
//! other is below the threshold can never rise above it, so it is final.
//!
//! Memory is the n(n-1)/2 pairwise similarities as `f32`: 50 MB at
//! [`MAX_CLUSTER_ITEMS`] = 5,000 items, which took 4 s (release build,
//! 384-d vectors, one busy core; 1 s at 2,500, 0.14 s at 1,000). Larger sets
//! are refused rather than allowed to eat the server's memory and minutes of
//! CPU; cluster a recent window or a sample instead.
//!
//! Deterministic: the same vectors in the same order always give the same
//! groups (ties go to the lower index), with no randomness anywhere.

use crate::InsightError;
use crate::search::Similarity;

/// The largest set [`cluster`] accepts.
pub const MAX_CLUSTER_ITEMS: usize = 5_000;

/// Groups of indices into `vectors` (each sorted, singletons included),
/// ordered by their lowest member. Every index is in exactly one group.
pub fn cluster<V: Similarity>(
    vectors: &[V],
    min_similarity: f32,
) -> Result<Vec<Vec<usize>>, InsightError> {
    let n = vectors.len();
    if n > MAX_CLUSTER_ITEMS {
        return Err(InsightError::TooManyItems {
            items: n,
            max: MAX_CLUSTER_ITEMS,
        });
    }
    let mut sims = PairMatrix::new(n, |i, j| vectors[i].similarity(&vectors[j]));

    // A group lives in the slot of one of its members; `members[slot]` is
    // empty once that slot's group merged into another.
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    // Still able to merge: neither merged away nor final.
    let mut active = vec![true; n];
    let mut finished: Vec<Vec<usize>> = Vec::new();
    let mut chain: Vec<usize> = Vec::new();

    for start in 0..n {
        if !active[start] {
            continue;
        }
        chain.push(start);
        while let Some(&a) = chain.last() {
            let previous = chain.len().checked_sub(2).map(|i| chain[i]);
            let best = nearest(&sims, &active, a, previous);
            match best {
                Some((b, s)) if s >= min_similarity => {
                    if Some(b) == previous {
                        // Mutual nearest neighbours: merge them.
                        chain.truncate(chain.len() - 2);
                        let (keep, gone) = (a.min(b), a.max(b));
                        let (n_keep, n_gone) =
                            (members[keep].len() as f32, members[gone].len() as f32);
                        // Lance–Williams update for average linkage.
                        for c in (0..n).filter(|&c| active[c] && c != keep && c != gone) {
                            let merged = (n_keep * sims.get(keep, c) + n_gone * sims.get(gone, c))
                                / (n_keep + n_gone);
                            sims.set(keep, c, merged);
                        }
                        let moved = std::mem::take(&mut members[gone]);
                        members[keep].extend(moved);
                        active[gone] = false;
                        if chain.is_empty() {
                            chain.push(keep);
                        }
                    } else {
                        chain.push(b);
                    }
                }
                _ => {
                    // Nothing is close enough to the top of the chain; the
                    // chain's similarities rise towards its top, so nothing
                    // is close enough to any group on it either: all final.
                    for slot in chain.drain(..) {
                        active[slot] = false;
                        let mut group = std::mem::take(&mut members[slot]);
                        group.sort_unstable();
                        finished.push(group);
                    }
                }
            }
        }
    }
    finished.sort_by_key(|group| group[0]);
    Ok(finished)
}

/// The active group most similar to `a`, preferring `previous` (the group
/// below `a` on the chain) on a tie, which the algorithm needs to end, and
/// otherwise the lower index. NaN similarities never win.
fn nearest(
    sims: &PairMatrix,
    active: &[bool],
    a: usize,
    previous: Option<usize>,
) -> Option<(usize, f32)> {
    let mut best: Option<(usize, f32)> = None;
    for c in (0..active.len()).filter(|&c| active[c] && c != a) {
        let s = sims.get(a, c);
        let better = match best {
            None => !s.is_nan(),
            Some((_, bs)) => s > bs || (s == bs && Some(c) == previous),
        };
        if better {
            best = Some((c, s));
        }
    }
    best
}

/// A symmetric matrix without its diagonal, stored as its upper triangle.
struct PairMatrix {
    n: usize,
    values: Vec<f32>,
}

impl PairMatrix {
    fn new(n: usize, f: impl Fn(usize, usize) -> f32) -> PairMatrix {
        let mut values = Vec::with_capacity(n * n.saturating_sub(1) / 2);
        for i in 0..n {
            for j in i + 1..n {
                values.push(f(i, j));
            }
        }
        PairMatrix { n, values }
    }

    fn index(&self, i: usize, j: usize) -> usize {
        let (i, j) = if i < j { (i, j) } else { (j, i) };
        // Rows 0..i hold (n-1) + (n-2) + … + (n-i) values.
        i * (2 * self.n - i - 1) / 2 + (j - i - 1)
    }

    fn get(&self, i: usize, j: usize) -> f32 {
        self.values[self.index(i, j)]
    }

    fn set(&mut self, i: usize, j: usize, value: f32) {
        let k = self.index(i, j);
        self.values[k] = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(angle_degrees: f32) -> Vec<f32> {
        let r = angle_degrees.to_radians();
        vec![r.cos(), r.sin()]
    }

    #[test]
    fn pair_matrix_indexes_every_pair_once() {
        let m = PairMatrix::new(5, |i, j| (i * 10 + j) as f32);
        for i in 0..5 {
            for j in 0..5 {
                if i != j {
                    assert_eq!(m.get(i, j), (i.min(j) * 10 + i.max(j)) as f32);
                }
            }
        }
    }

    #[test]
    fn groups_near_vectors_and_leaves_far_ones_alone() {
        // Two tight groups (around 0° and 90°) and a loner at 200°.
        let v = vec![
            unit(0.0),
            unit(90.0),
            unit(5.0),
            unit(200.0),
            unit(85.0),
            unit(-4.0),
        ];
        let groups = cluster(&v, 0.9).unwrap();
        assert_eq!(groups, vec![vec![0, 2, 5], vec![1, 4], vec![3]]);
    }

    #[test]
    fn average_linkage_does_not_chain() {
        // Each neighbour is 20° from the next (cos 0.94), but the ends are
        // 80° apart: single linkage would make one group of all five.
        let v: Vec<Vec<f32>> = (0..5).map(|i| unit(20.0 * i as f32)).collect();
        let groups = cluster(&v, 0.9).unwrap();
        assert!(groups.len() > 1, "{groups:?}");
    }

    #[test]
    fn is_deterministic_with_ties() {
        // All identical: every similarity ties.
        let v = vec![unit(0.0); 7];
        let first = cluster(&v, 0.5).unwrap();
        assert_eq!(first, vec![(0..7).collect::<Vec<_>>()]);
        let mixed: Vec<Vec<f32>> = (0..40).map(|i| unit(((i * 37) % 360) as f32)).collect();
        let a = cluster(&mixed, 0.8).unwrap();
        for _ in 0..5 {
            assert_eq!(cluster(&mixed, 0.8).unwrap(), a);
        }
        let mut all: Vec<usize> = a.concat();
        all.sort_unstable();
        assert_eq!(all, (0..40).collect::<Vec<_>>());
    }

    #[test]
    fn matches_the_naive_greedy_merge() {
        // The chain algorithm must give what merging the globally closest
        // pair (average linkage) until none reaches the threshold gives.
        let v: Vec<Vec<f32>> = (0..60)
            .map(|i| unit(((i * 53 + i * i * 7) % 360) as f32))
            .collect();
        for threshold in [0.99, 0.95, 0.8, 0.5] {
            assert_eq!(
                cluster(&v, threshold).unwrap(),
                naive(&v, threshold),
                "{threshold}"
            );
        }
    }

    fn naive(v: &[Vec<f32>], t: f32) -> Vec<Vec<usize>> {
        let mut groups: Vec<Vec<usize>> = (0..v.len()).map(|i| vec![i]).collect();
        let avg = |a: &[usize], b: &[usize]| {
            let mut s = 0.0f64;
            for &i in a {
                for &j in b {
                    s += f64::from(v[i].similarity(&v[j]));
                }
            }
            s / (a.len() * b.len()) as f64
        };
        loop {
            let mut best: Option<(usize, usize, f64)> = None;
            for x in 0..groups.len() {
                for y in x + 1..groups.len() {
                    let s = avg(&groups[x], &groups[y]);
                    if best.is_none_or(|(_, _, bs)| s > bs) {
                        best = Some((x, y, s));
                    }
                }
            }
            match best {
                Some((x, y, s)) if s >= f64::from(t) => {
                    let moved = groups.remove(y);
                    groups[x].extend(moved);
                }
                _ => break,
            }
        }
        for g in &mut groups {
            g.sort_unstable();
        }
        groups.sort_by_key(|g| g[0]);
        groups
    }

    #[test]
    fn empty_and_single_inputs() {
        let none: Vec<Vec<f32>> = Vec::new();
        assert!(cluster(&none, 0.5).unwrap().is_empty());
        assert_eq!(cluster(&[unit(0.0)], 0.5).unwrap(), vec![vec![0]]);
    }

    #[test]
    fn refuses_more_than_the_limit() {
        let v = vec![vec![1.0f32]; MAX_CLUSTER_ITEMS + 1];
        assert!(matches!(
            cluster(&v, 0.5),
            Err(InsightError::TooManyItems { .. })
        ));
    }
}
