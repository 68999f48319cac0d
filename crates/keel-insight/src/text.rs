//! Words of a text for the lexical fallback and for theme labels.
//!
//! Lower-case, split on anything that is not a letter or digit, drop
//! one-character pieces and English stop words, then strip common
//! inflections with a light stemmer ([`stem`]). Each kept word comes back as
//! a [`Term`]: its stem (what vectors count) and the word as written (what a
//! theme label shows, since "notif" reads worse than "notifications").

/// One word of a text after normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The stem: what two texts must share to count as sharing the word.
    pub stem: String,
    /// The lower-cased word as it appeared.
    pub word: String,
}

/// The terms of `text`, in order, stop words removed.
pub fn terms(text: &str) -> Vec<Term> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|piece| !piece.is_empty())
        .map(str::to_lowercase)
        // One letter carries no topic; pieces of contractions ("don't" →
        // "don", "t") are in the stop list.
        .filter(|word| word.chars().count() > 1 && !is_stop_word(word))
        .map(|word| Term {
            stem: stem(&word),
            word,
        })
        .collect()
}

/// Whether `word` (lower-case) is an English function word that says
/// nothing about what feedback is about. The list is the usual short one
/// plus the halves of contractions and a few words every piece of feedback
/// uses ("please", "would", "like").
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// Sorted, so [`is_stop_word`] can binary-search it (a unit test checks).
const STOP_WORDS: &[&str] = &[
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "aren",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "couldn",
    "did",
    "didn",
    "do",
    "does",
    "doesn",
    "doing",
    "don",
    "down",
    "during",
    "each",
    "else",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "get",
    "gets",
    "getting",
    "got",
    "had",
    "hadn",
    "has",
    "hasn",
    "have",
    "haven",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "if",
    "in",
    "into",
    "is",
    "isn",
    "it",
    "its",
    "itself",
    "just",
    "let",
    "like",
    "ll",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "please",
    "pls",
    "re",
    "really",
    "same",
    "shan",
    "she",
    "should",
    "shouldn",
    "so",
    "some",
    "still",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "ve",
    "very",
    "want",
    "was",
    "wasn",
    "way",
    "we",
    "were",
    "weren",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "won",
    "would",
    "wouldn",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// A light suffix-stripping stemmer for English: plurals, `-ed`, `-ing`,
/// `-ly`, then a final `e`, so "export", "exports", "exported" and
/// "exporting" meet, as do "date", "dates" and "dated".
///
/// Deliberately lighter than Porter's: it strips inflections, not
/// derivations ("notification" stays apart from "notify"), which keeps
/// stems readable and mistakes rare; a stem is never shorter than three
/// characters. Non-ASCII words are left as they are.
pub fn stem(word: &str) -> String {
    if !word.is_ascii() || word.len() <= 3 {
        return word.to_owned();
    }
    let mut w = word.to_owned();

    // Plurals: "stories" → "story", "boxes" → "box", "exports" → "export";
    // not "class", "status", "analysis".
    if let Some(base) = w.strip_suffix("ies").filter(|b| b.len() >= 3) {
        w = format!("{base}y");
    } else if let Some(base) = w
        .strip_suffix("es")
        .filter(|b| b.len() >= 3 && ["sh", "ch", "ss", "x", "z"].iter().any(|s| b.ends_with(s)))
    {
        w = base.to_owned();
    } else if w.ends_with('s') && !["ss", "us", "is"].iter().any(|s| w.ends_with(s)) {
        w.pop();
    }

    // Verb endings: "exported", "exporting" → "export"; "planned" →
    // "plan"; but not "need" or "thing" (the rest must hold a vowel).
    for suffix in ["ing", "ed"] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.len() >= 3
            && base.chars().any(is_vowel)
        {
            w = undouble(base);
            break;
        }
    }

    // "weekly" → "week", "quickly" → "quick"; "daily", "only" stay.
    if let Some(base) = w.strip_suffix("ly").filter(|b| b.len() >= 4) {
        w = base.to_owned();
    }

    // "update"/"updated"/"updating" all end as "updat".
    if w.len() > 3 && w.ends_with('e') {
        w.pop();
    }
    w
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// "plann" → "plan", "runn" → "run"; "fill", "pass", "buzz" keep theirs
/// (Porter's rule: double l, s and z are part of the word).
fn undouble(base: &str) -> String {
    let bytes = base.as_bytes();
    let n = bytes.len();
    if n >= 2 && bytes[n - 1] == bytes[n - 2] && !matches!(bytes[n - 1], b'l' | b's' | b'z') {
        let last = bytes[n - 1] as char;
        if !is_vowel(last) {
            return base[..n - 1].to_owned();
        }
    }
    base.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_and_unique() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn stems_inflections_together() {
        let cases = [
            ("export", "export"),
            ("exports", "export"),
            ("exported", "export"),
            ("exporting", "export"),
            ("stories", "story"),
            ("boxes", "box"),
            ("status", "status"),
            ("class", "class"),
            ("analysis", "analysis"),
            ("planned", "plan"),
            ("running", "run"),
            ("filled", "fill"),
            ("need", "need"),
            ("thing", "thing"),
            ("weekly", "week"),
            ("daily", "daily"),
            ("update", "updat"),
            ("updated", "updat"),
            ("updating", "updat"),
            ("dates", "dat"),
            ("csv", "csv"),
            ("café", "café"),
        ];
        for (word, want) in cases {
            assert_eq!(stem(word), want, "stem({word:?})");
        }
    }

    #[test]
    fn terms_lowercase_split_and_drop_stop_words() {
        let got: Vec<String> = terms("Please, I can't EXPORT the Roadmap to PDF!!! (v2)")
            .into_iter()
            .map(|t| t.stem)
            .collect();
        assert_eq!(got, ["export", "roadmap", "pdf", "v2"]);
    }

    #[test]
    fn terms_keep_the_written_word() {
        let t = &terms("Notifications")[0];
        assert_eq!(t.word, "notifications");
        assert_eq!(t.stem, "notification");
    }

    #[test]
    fn terms_of_nothing_are_nothing() {
        assert!(terms("").is_empty());
        assert!(terms("  ,;: !! a I").is_empty());
    }

    #[test]
    fn terms_handle_non_ascii() {
        let got: Vec<String> = terms("Zürich façade 日本語")
            .into_iter()
            .map(|t| t.word)
            .collect();
        assert_eq!(got, ["zürich", "façade", "日本語"]);
    }
}
