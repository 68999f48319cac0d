//! A local, explainable sentiment suggestion for feedback text: a small
//! word list with negation ("not great") and a tie rule. It only suggests;
//! the person triaging can always change it.

use crate::insight::Sentiment;

const POSITIVE: &[&str] = &[
    "love",
    "loved",
    "loves",
    "great",
    "awesome",
    "amazing",
    "excellent",
    "fantastic",
    "nice",
    "good",
    "helpful",
    "useful",
    "easy",
    "fast",
    "smooth",
    "happy",
    "glad",
    "thanks",
    "thank",
    "perfect",
    "brilliant",
    "intuitive",
    "clean",
    "delighted",
    "enjoy",
    "enjoying",
    "impressed",
    "wonderful",
    "best",
    "reliable",
    "simple",
    "appreciate",
    "works",
];

const NEGATIVE: &[&str] = &[
    "hate",
    "hated",
    "bad",
    "terrible",
    "awful",
    "awfull",
    "horrible",
    "slow",
    "broken",
    "bug",
    "buggy",
    "crash",
    "crashes",
    "crashed",
    "confusing",
    "confused",
    "annoying",
    "annoyed",
    "frustrating",
    "frustrated",
    "useless",
    "painful",
    "impossible",
    "fails",
    "failed",
    "failing",
    "error",
    "errors",
    "stuck",
    "lost",
    "missing",
    "worse",
    "worst",
    "difficult",
    "hard",
    "unusable",
    "disappointed",
    "disappointing",
    "angry",
    "cancel",
    "churn",
    "laggy",
    "freezes",
    "nightmare",
    "tedious",
    "clunky",
    "wrong",
    "problem",
    "problems",
    "issue",
    "issues",
    "ugly",
];

const NEGATIONS: &[&str] = &[
    "not", "no", "never", "don't", "dont", "doesn't", "doesnt", "isn't", "isnt", "wasn't", "wasnt",
    "can't", "cant", "cannot", "won't", "wont", "hardly", "without",
];

/// Suggests a sentiment: each positive word counts +1 and each negative
/// word −1, flipped when one of the two words before it is a negation.
/// A net score of zero is neutral.
pub fn suggest(text: &str) -> Sentiment {
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('’', "'"))
        .collect();
    let mut score = 0i32;
    for (i, w) in words.iter().enumerate() {
        let polarity = if POSITIVE.contains(&w.as_str()) {
            1
        } else if NEGATIVE.contains(&w.as_str()) {
            -1
        } else {
            continue;
        };
        let negated = words[i.saturating_sub(2)..i]
            .iter()
            .any(|p| NEGATIONS.contains(&p.as_str()));
        score += if negated { -polarity } else { polarity };
    }
    match score {
        s if s > 0 => Sentiment::Positive,
        s if s < 0 => Sentiment::Negative,
        _ => Sentiment::Neutral,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_table() {
        let cases = [
            ("I love the new board, it is so fast", Sentiment::Positive),
            (
                "Export is broken again and support was useless",
                Sentiment::Negative,
            ),
            ("Please add a CSV export", Sentiment::Neutral),
            ("This is not good at all", Sentiment::Negative),
            ("Not bad, the search works", Sentiment::Positive),
            ("", Sentiment::Neutral),
            (
                "The app CRASHES every time I open a report!!!",
                Sentiment::Negative,
            ),
            (
                "Great idea but the editor is confusing and slow",
                Sentiment::Negative,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(suggest(text), want, "{text}");
        }
    }
}
