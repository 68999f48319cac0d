//! The yardstick: how well a representation finds duplicates and forms
//! themes, measured on texts labelled with the need they express.
//!
//! Used by the quality test and the `quality` example on
//! `tests/data/feedback_paraphrases.json`, and usable on any labelled set
//! (say, feedback a team has already merged as duplicates).

use crate::search::{Similarity, similar_to};
use crate::themes::Themes;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Texts labelled with the need they express.
#[derive(Debug, Clone, Default)]
pub struct LabelledSet {
    pub texts: Vec<String>,
    /// Per text: index into [`LabelledSet::needs`].
    pub labels: Vec<usize>,
    /// Per need: its topic and description.
    pub needs: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct File {
    topics: Vec<TopicJson>,
}
#[derive(Deserialize)]
struct TopicJson {
    topic: String,
    needs: Vec<NeedJson>,
}
#[derive(Deserialize)]
struct NeedJson {
    need: String,
    texts: Vec<String>,
}

impl LabelledSet {
    /// Reads the format of `tests/data/feedback_paraphrases.json`:
    /// `{"topics": [{"topic", "needs": [{"need", "texts": [..]}]}]}`.
    pub fn from_json(json: &str) -> Result<LabelledSet, serde_json::Error> {
        let file: File = serde_json::from_str(json)?;
        let mut set = LabelledSet::default();
        for topic in file.topics {
            for need in topic.needs {
                let label = set.needs.len();
                set.needs.push((topic.topic.clone(), need.need));
                for text in need.texts {
                    set.texts.push(text);
                    set.labels.push(label);
                }
            }
        }
        Ok(set)
    }

    /// The texts as `&str`s, for the APIs that take `&[&str]`.
    pub fn text_refs(&self) -> Vec<&str> {
        self.texts.iter().map(String::as_str).collect()
    }
}

/// Mean over all items of the share of their `k` most similar other items
/// that carry the same label. Top-1 accuracy is `k` = 1.
pub fn precision_at_k<V: Similarity>(vectors: &[V], labels: &[usize], k: usize) -> f64 {
    if vectors.is_empty() || k == 0 {
        return 0.0;
    }
    let total: f64 = (0..vectors.len())
        .map(|i| {
            let hits = similar_to(vectors, i, k)
                .iter()
                .filter(|&&(j, _)| labels[j] == labels[i])
                .count();
            hits as f64 / k as f64
        })
        .sum();
    total / vectors.len() as f64
}

/// How clean the themes are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Purity {
    /// Share of clustered items whose theme's most common label is theirs
    /// (1.0 when nothing was clustered).
    pub purity: f64,
    pub themes: usize,
    pub clustered: usize,
    pub unclustered: usize,
}

/// The purity of `themes` against `labels`.
pub fn purity(themes: &Themes, labels: &[usize]) -> Purity {
    let mut clustered = 0;
    let mut majority_total = 0;
    for theme in &themes.themes {
        let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
        for &i in &theme.members {
            *counts.entry(labels[i]).or_default() += 1;
        }
        majority_total += counts.values().copied().max().unwrap_or(0);
        clustered += theme.members.len();
    }
    Purity {
        purity: if clustered == 0 {
            1.0
        } else {
            majority_total as f64 / clustered as f64
        },
        themes: themes.themes.len(),
        clustered,
        unclustered: themes.unclustered.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::themes::Theme;

    #[test]
    fn precision_counts_same_label_neighbours() {
        let v = vec![
            vec![1.0, 0.0],
            vec![0.99, 0.14],
            vec![0.0, 1.0],
            vec![0.14, 0.99],
        ];
        assert_eq!(precision_at_k(&v, &[0, 0, 1, 1], 1), 1.0);
        assert_eq!(precision_at_k(&v, &[0, 1, 0, 1], 1), 0.0);
        assert!((precision_at_k(&v, &[0, 0, 1, 1], 3) - 1.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn purity_uses_each_themes_majority() {
        let theme = |members: Vec<usize>| Theme {
            label: String::new(),
            keywords: vec![],
            members,
        };
        let themes = Themes {
            themes: vec![theme(vec![0, 1, 2]), theme(vec![3, 4])],
            unclustered: vec![5],
        };
        let p = purity(&themes, &[7, 7, 8, 9, 9, 9]);
        assert!((p.purity - 4.0 / 5.0).abs() < 1e-9);
        assert_eq!((p.themes, p.clustered, p.unclustered), (2, 5, 1));
    }

    #[test]
    fn reads_the_data_set_format() {
        let set = LabelledSet::from_json(
            r#"{"description": "x", "topics": [{"topic": "t", "needs": [
                {"need": "a", "texts": ["1", "2"]}, {"need": "b", "texts": ["3"]}]}]}"#,
        )
        .unwrap();
        assert_eq!(set.texts, ["1", "2", "3"]);
        assert_eq!(set.labels, [0, 0, 1]);
        assert_eq!(set.needs[1], ("t".to_owned(), "b".to_owned()));
    }
}
