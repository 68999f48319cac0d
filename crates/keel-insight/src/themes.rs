//! Themes: groups of similar feedback, each named by its most distinctive
//! words.
//!
//! The items are clustered ([`crate::cluster`]); groups smaller than
//! [`ThemeOptions::min_size`] are not themes and go to
//! [`Themes::unclustered`]. A theme's label is the few words that its texts
//! use much more than the whole set does: TF-IDF with the theme as one
//! document, where a word counts once per member text that uses it (so one
//! long text repeating a word cannot name the theme) and the IDF comes from
//! the whole set (so "please" or the product's name, common everywhere,
//! cannot either).

use crate::InsightError;
use crate::cluster::cluster;
use crate::search::Similarity;
use crate::text::terms;
use std::collections::{BTreeMap, HashMap, HashSet};

/// How to form themes.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeOptions {
    /// Groups merge while their average pairwise similarity is at least this.
    pub min_similarity: f32,
    /// Smaller groups are left unclustered.
    pub min_size: usize,
    /// Words in a label.
    pub label_words: usize,
}

impl ThemeOptions {
    /// For embeddings of all-MiniLM-L6-v2.
    ///
    /// Chosen on the labelled paraphrase set (tests/data; `cargo run
    /// --release -p keel-insight --example quality -- MODEL_DIR --sweep`),
    /// where paraphrases of one need average a cosine of 0.34, other needs
    /// of the same topic 0.20 and other topics 0.11. Raising the threshold
    /// trades coverage for purity: 0.35 clusters 87% of the texts at 0.70
    /// purity, 0.4 clusters 72% at 0.74, 0.5 only 37% at 0.86. 0.4 keeps
    /// most feedback in a theme while most themes are about one thing. It
    /// is a knob, not a constant of nature: tune it on a labelled set of
    /// your own feedback if it differs in kind.
    pub fn model() -> ThemeOptions {
        ThemeOptions {
            min_similarity: 0.4,
            min_size: 2,
            label_words: 3,
        }
    }

    /// For TF-IDF vectors of the lexical fallback, whose cosines run much
    /// lower (two texts share a word or two at most). On the same set, 0.15
    /// clusters 70% of the texts at 0.52 purity; 0.2 clusters only 42%.
    pub fn lexical() -> ThemeOptions {
        ThemeOptions {
            min_similarity: 0.15,
            min_size: 2,
            label_words: 3,
        }
    }
}

/// One theme.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// The keywords joined for display: "export · pdf · roadmap".
    pub label: String,
    /// The label's words, most distinctive first.
    pub keywords: Vec<String>,
    /// Indices of the member items, ascending.
    pub members: Vec<usize>,
}

/// The themes of a set of items.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Themes {
    /// Largest first; equal sizes in order of their lowest member.
    pub themes: Vec<Theme>,
    /// Items in no theme, ascending.
    pub unclustered: Vec<usize>,
}

/// Groups `vectors` into themes and names them from `texts` (`texts[i]` is
/// the text of `vectors[i]`). Deterministic; O(n²) in time and memory, up
/// to [`crate::MAX_CLUSTER_ITEMS`] items.
pub fn themes<V: Similarity>(
    vectors: &[V],
    texts: &[&str],
    options: &ThemeOptions,
) -> Result<Themes, InsightError> {
    if vectors.len() != texts.len() {
        return Err(InsightError::LengthMismatch {
            vectors: vectors.len(),
            texts: texts.len(),
        });
    }
    let groups = cluster(vectors, options.min_similarity)?;
    let words = TextWords::new(texts);

    let mut result = Themes::default();
    for group in groups {
        if group.len() >= options.min_size.max(2) {
            let keywords = words.distinctive(&group, options.label_words);
            result.themes.push(Theme {
                label: keywords.join(" · "),
                keywords,
                members: group,
            });
        } else {
            result.unclustered.extend(group);
        }
    }
    // `cluster` returns groups by lowest member, and the sort is stable.
    result
        .themes
        .sort_by_key(|theme| std::cmp::Reverse(theme.members.len()));
    result.unclustered.sort_unstable();
    Ok(result)
}

/// The stems of each text, and how many texts of the set use each stem.
struct TextWords {
    /// Per text: each distinct stem with the word it was written as.
    per_text: Vec<BTreeMap<String, String>>,
    document_frequency: HashMap<String, usize>,
}

impl TextWords {
    fn new(texts: &[&str]) -> TextWords {
        let per_text: Vec<BTreeMap<String, String>> = texts
            .iter()
            .map(|text| {
                let mut stems = BTreeMap::new();
                for term in terms(text) {
                    stems.entry(term.stem).or_insert(term.word);
                }
                stems
            })
            .collect();
        let mut document_frequency: HashMap<String, usize> = HashMap::new();
        for stems in &per_text {
            for stem in stems.keys() {
                *document_frequency.entry(stem.clone()).or_default() += 1;
            }
        }
        TextWords {
            per_text,
            document_frequency,
        }
    }

    /// Up to `count` words that best tell `members` apart from the set.
    fn distinctive(&self, members: &[usize], count: usize) -> Vec<String> {
        let n = self.per_text.len() as f32;
        // stem → (member texts using it, written forms with their counts)
        let mut in_theme: BTreeMap<&str, (usize, BTreeMap<&str, usize>)> = BTreeMap::new();
        for &i in members {
            for (stem, word) in &self.per_text[i] {
                let entry = in_theme.entry(stem).or_default();
                entry.0 += 1;
                *entry.1.entry(word).or_default() += 1;
            }
        }
        // A word one member uses is that member's, not the theme's, unless
        // no word is shared at all.
        let shared = in_theme.values().any(|(df, _)| *df >= 2);
        let mut scored: Vec<(f32, usize, &str, &str)> = in_theme
            .iter()
            .filter(|(_, (df, _))| !shared || *df >= 2)
            .map(|(stem, (df, forms))| {
                let df_all = self.document_frequency.get(*stem).copied().unwrap_or(1) as f32;
                let score = (*df as f32 / members.len() as f32) * (n / df_all).ln();
                // The most used written form (the BTreeMap breaks ties
                // alphabetically).
                let word = forms
                    .iter()
                    .fold(
                        ("", 0),
                        |best, (w, c)| if *c > best.1 { (w, *c) } else { best },
                    )
                    .0;
                (score, *df, *stem, word)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
        let mut seen = HashSet::new();
        scored
            .into_iter()
            .filter(|(_, _, _, word)| seen.insert(*word))
            .take(count)
            .map(|(_, _, _, word)| word.to_owned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LexicalIndex;

    const TEXTS: &[&str] = &[
        "Export the roadmap to PDF please",
        "Dark mode for the board at night",
        "I need a PDF export of the roadmap",
        "roadmap pdf export is broken",
        "dark mode please, my eyes hurt at night",
        "Something unrelated about invoices",
    ];

    #[test]
    fn groups_labels_and_leaves_loners_unclustered() {
        let index = LexicalIndex::build(TEXTS);
        let got = themes(index.vectors(), TEXTS, &ThemeOptions::lexical()).unwrap();
        assert_eq!(got.themes.len(), 2, "{got:#?}");
        assert_eq!(got.themes[0].members, vec![0, 2, 3]);
        let mut kw = got.themes[0].keywords.clone();
        kw.sort();
        assert_eq!(kw, ["export", "pdf", "roadmap"]);
        assert_eq!(got.themes[0].label.matches(" · ").count(), 2);
        assert_eq!(got.themes[1].members, vec![1, 4]);
        assert!(got.themes[1].keywords.contains(&"dark".to_owned()));
        assert_eq!(got.unclustered, vec![5]);
    }

    #[test]
    fn is_deterministic() {
        let index = LexicalIndex::build(TEXTS);
        let first = themes(index.vectors(), TEXTS, &ThemeOptions::lexical()).unwrap();
        for _ in 0..5 {
            let again = LexicalIndex::build(TEXTS);
            assert_eq!(
                themes(again.vectors(), TEXTS, &ThemeOptions::lexical()).unwrap(),
                first
            );
        }
    }

    #[test]
    fn min_size_moves_small_groups_out() {
        let index = LexicalIndex::build(TEXTS);
        let options = ThemeOptions {
            min_size: 3,
            ..ThemeOptions::lexical()
        };
        let got = themes(index.vectors(), TEXTS, &options).unwrap();
        assert_eq!(got.themes.len(), 1);
        assert_eq!(got.unclustered, vec![1, 4, 5]);
    }

    #[test]
    fn refuses_mismatched_lengths() {
        let index = LexicalIndex::build(TEXTS);
        let err = themes(index.vectors(), &TEXTS[..2], &ThemeOptions::lexical()).unwrap_err();
        assert!(matches!(err, InsightError::LengthMismatch { .. }));
    }

    #[test]
    fn nothing_in_nothing_out() {
        let index = LexicalIndex::build(&[]);
        let got = themes(index.vectors(), &[], &ThemeOptions::lexical()).unwrap();
        assert_eq!(got, Themes::default());
    }
}
