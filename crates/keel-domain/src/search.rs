//! Global search, the parts that need no database: which kinds of item can
//! be searched and who may see them, turning the typed text into words, and
//! the snippet with the matches marked.
//!
//! The databases match and rank (SQLite FTS5, PostgreSQL full text; see
//! `keel_store::repo::search`); this module decides what is asked of them and
//! how a hit is shown, so both backends behave the same here.
//!
//! **Words.** A word is a run of letters and digits (`char::is_alphanumeric`);
//! everything else separates words, so no character typed can be query
//! syntax. Case and diacritics do not matter (`zurich` finds `Zürich`). All
//! words must match (AND). The last word also matches as a prefix while it is
//! still being typed (`notif` finds `notifications`) when it has at least
//! [`MIN_PREFIX_CHARS`] characters and the text does not end in a separator
//! (`notif ` means the word is complete).
//!
//! **Snippets** mark each matched word as `«word»`. A `«` or `»` in the
//! item's own text is shown as `‹` or `›`, so every marker in a snippet is
//! one of ours; a client HTML-escapes the snippet first and then turns the
//! markers into `<mark>` elements.

use crate::{FieldError, Permission};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

vocabulary! {
    /// What a search hit is. `doc` is accepted and finds nothing until docs
    /// exist.
    SearchKind {
        Task => "task",
        Feedback => "feedback",
        Feature => "feature",
        Idea => "idea",
        Customer => "customer",
        Company => "company",
        Persona => "persona",
        Goal => "goal",
        Doc => "doc",
    }
}

impl SearchKind {
    /// The permission a caller needs to see hits of this kind: feedback and
    /// the people and companies behind it are customer data.
    pub fn permission(self) -> Permission {
        match self {
            SearchKind::Feedback
            | SearchKind::Customer
            | SearchKind::Company
            | SearchKind::Persona => Permission::ReadCustomers,
            SearchKind::Task
            | SearchKind::Feature
            | SearchKind::Idea
            | SearchKind::Goal
            | SearchKind::Doc => Permission::Read,
        }
    }

    /// Parses a comma-separated list (`task,feature`); empty means every
    /// kind. Repeats are dropped.
    pub fn parse_list(field: &str, s: &str) -> Result<Vec<SearchKind>, FieldError> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let kind = SearchKind::parse(field, part)?;
            if !out.contains(&kind) {
                out.push(kind);
            }
        }
        if out.is_empty() {
            out.extend_from_slice(SearchKind::ALL);
        }
        Ok(out)
    }
}

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// Words after this many are ignored.
pub const MAX_WORDS: usize = 8;
/// Longer words cannot match anything an index holds; they are ignored.
pub const MAX_WORD_CHARS: usize = 100;
/// The last word matches as a prefix only from this length: a one-letter
/// prefix would match most of the index and tell the user nothing.
pub const MIN_PREFIX_CHARS: usize = 2;
/// Marks the start of a match in a snippet.
pub const MARK_START: char = '«';
/// Marks the end of a match in a snippet.
pub const MARK_END: char = '»';
/// How many times a title word counts as much as a body word.
pub const TITLE_WEIGHT: f64 = 10.0;
/// What a word matched only as the typed prefix counts, of a whole match.
pub const PREFIX_MATCH: f64 = 0.7;
/// Field lengths (in words) at which length normalisation is neutral.
const TYPICAL_TITLE_WORDS: f64 = 8.0;
const TYPICAL_BODY_WORDS: f64 = 40.0;
/// Longest snippet, in characters (without the `…` and markers).
pub const SNIPPET_CHARS: usize = 160;
/// Longest title made from a text (feedback has no title of its own).
pub const TITLE_CHARS: usize = 80;

/// The words of a search, ready for either database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// Lower-cased, distinct, in the order typed; diacritics kept (the
    /// databases fold them, and so does [`SearchQuery::snippet`]).
    words: Vec<String>,
    /// Whether the last word also matches as a prefix.
    prefix_last: bool,
    /// The words folded (no case, no diacritics), for marking matches.
    folded: Vec<String>,
}

impl SearchQuery {
    /// Parses the typed text. Empty or whitespace-only text and text longer
    /// than [`MAX_QUERY_CHARS`] are errors naming `field`; text with no
    /// letter or digit gives a query without words, which finds nothing.
    pub fn parse(field: &str, q: &str) -> Result<SearchQuery, FieldError> {
        if q.trim().is_empty() {
            return Err(FieldError::new(field, "must not be empty"));
        }
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(FieldError::new(
                field,
                format!("must be at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        let mut words: Vec<String> = Vec::new();
        for word in split_words(q).map(|(_, w)| w) {
            if word.chars().count() > MAX_WORD_CHARS {
                continue;
            }
            let word = word.to_lowercase();
            if !words.contains(&word) {
                words.push(word);
            }
            if words.len() == MAX_WORDS {
                break;
            }
        }
        let still_typing = q.chars().last().is_some_and(char::is_alphanumeric);
        let prefix_last = still_typing
            && words
                .last()
                .is_some_and(|w| w.chars().count() >= MIN_PREFIX_CHARS)
            && split_words(q)
                .last()
                .is_some_and(|(_, w)| w.to_lowercase() == words[words.len() - 1]);
        let folded = words.iter().map(|w| fold(w)).collect();
        Ok(SearchQuery {
            words,
            prefix_last,
            folded,
        })
    }

    /// The words, lower-cased, in the order typed.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Whether the last word also matches as a prefix.
    pub fn prefix_last(&self) -> bool {
        self.prefix_last
    }

    /// True when nothing can match (no letter or digit was typed).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The snippet of a hit: a passage of `body` around its matches, or
    /// `title` when only the title matches (marked the same way), or the
    /// start of `body` (of `title` when there is no body) when neither does,
    /// which happens when a database matched a word differently.
    pub fn snippet(&self, title: &str, body: &str) -> String {
        if self.has_match(body) || (!self.has_match(title) && !body.trim().is_empty()) {
            self.passage(body, SNIPPET_CHARS)
        } else {
            self.passage(title, SNIPPET_CHARS)
        }
    }

    fn has_match(&self, text: &str) -> bool {
        split_words(text).any(|(_, w)| self.matching_word(w).is_some())
    }

    /// Which query word `word` (as it appears in a text) matches, if any,
    /// and whether whole (not only as the typed prefix).
    fn match_of(&self, word: &str) -> Option<(usize, bool)> {
        let last = self.folded.len().checked_sub(1)?;
        // Most words are ASCII: compare without folding (no allocation).
        if word.is_ascii() {
            if let Some(i) = self
                .folded
                .iter()
                .position(|w| w.len() == word.len() && w.eq_ignore_ascii_case(word))
            {
                return Some((i, true));
            }
            let prefix = self.folded[last].as_bytes();
            let typed = self.prefix_last
                && word.len() > prefix.len()
                && word.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix);
            return typed.then_some((last, false));
        }
        let word = fold(word);
        if let Some(i) = self.folded.iter().position(|w| *w == word) {
            return Some((i, true));
        }
        (self.prefix_last && word.starts_with(self.folded[last].as_str())).then_some((last, false))
    }

    /// Which query word `word` matches, if any.
    fn matching_word(&self, word: &str) -> Option<usize> {
        self.match_of(word).map(|(i, _)| i)
    }

    /// How well an item matches, higher is better: per field, BM25's
    /// saturating term frequency with length normalisation, a title word
    /// counting [`TITLE_WEIGHT`] times a body word, and a word matched only
    /// as the typed prefix counting [`PREFIX_MATCH`] of a whole one. There
    /// is no inverse document frequency: every candidate contains every
    /// word, so it would only reweigh words against each other. A title
    /// match always beats a body-only match.
    pub fn score(&self, title: &str, body: &str) -> f64 {
        TITLE_WEIGHT * self.field_score(title, TYPICAL_TITLE_WORDS)
            + self.field_score(body, TYPICAL_BODY_WORDS)
    }

    fn field_score(&self, text: &str, typical_words: f64) -> f64 {
        const K1: f64 = 1.2;
        const B: f64 = 0.75;
        let mut frequency = [0.0f64; MAX_WORDS];
        let mut words = 0usize;
        for (_, word) in split_words(text) {
            words += 1;
            if let Some((i, whole)) = self.match_of(word) {
                frequency[i] += if whole { 1.0 } else { PREFIX_MATCH };
            }
        }
        let norm = K1 * (1.0 - B + B * words as f64 / typical_words);
        frequency
            .iter()
            .filter(|f| **f > 0.0)
            .map(|f| f * (K1 + 1.0) / (f + norm))
            .sum()
    }

    /// Up to `max` characters of `text` (whitespace runs count as one
    /// space) showing the most distinct matched words, matches marked.
    fn passage(&self, text: &str, max: usize) -> String {
        let chars: Vec<char> = text.chars().collect();
        // Matched words as (start, end) char positions and the query word.
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_alphanumeric() {
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if let Some(which) = self.matching_word(&word) {
                hits.push((start, i, which));
            }
        }
        // The window starts a little before a match, at a word boundary, and
        // is the one showing the most distinct query words (earliest wins).
        let context = max / 4;
        let mut best: Option<(usize, usize)> = None;
        for &(start, _, _) in &hits {
            let mut from = start.saturating_sub(context);
            while from > 0 && from < start && chars[from - 1].is_alphanumeric() {
                from += 1;
            }
            let to = (from + max).min(chars.len());
            let mut distinct: Vec<usize> = hits
                .iter()
                .filter(|(s, e, _)| *s >= from && *e <= to)
                .map(|(_, _, w)| *w)
                .collect();
            distinct.sort_unstable();
            distinct.dedup();
            if best.is_none_or(|(_, n)| distinct.len() > n) {
                best = Some((from, distinct.len()));
            }
        }
        let from = best.map_or(0, |(f, _)| f);
        let mut to = (from + max).min(chars.len());
        // Do not cut the last word in two.
        while to < chars.len()
            && to > from
            && chars[to].is_alphanumeric()
            && chars[to - 1].is_alphanumeric()
        {
            to -= 1;
        }
        if to == from {
            to = (from + max).min(chars.len());
        }
        let mut out = String::new();
        let mut pending_space = false;
        let mut i = from;
        while i < to {
            if let Some(&(s, e, _)) = hits.iter().find(|(s, e, _)| *s == i && *e <= to) {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(MARK_START);
                out.extend(&chars[s..e]);
                out.push(MARK_END);
                i = e;
                continue;
            }
            let c = chars[i];
            if c.is_whitespace() || c.is_control() {
                pending_space = true;
            } else {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(match c {
                    MARK_START => '‹',
                    MARK_END => '›',
                    c => c,
                });
            }
            i += 1;
        }
        if from > 0 {
            out.insert(0, '…');
        }
        if to < chars.len() {
            out.push('…');
        }
        out
    }
}

/// A title made from a text (for items with none, such as feedback): its
/// first line, whitespace collapsed, cut at a word boundary after at most
/// [`TITLE_CHARS`] characters.
pub fn title_from_text(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let collapsed: String = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= TITLE_CHARS {
        return collapsed;
    }
    let cut: String = collapsed.chars().take(TITLE_CHARS).collect();
    let at_word = match cut.rfind(' ') {
        Some(i) if i > TITLE_CHARS / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end())
}

/// The words of a text with their byte offsets.
fn split_words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start: Option<usize> = None;
    let mut iter = text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')));
    std::iter::from_fn(move || {
        for (i, c) in iter.by_ref() {
            match (start, c.is_alphanumeric() && i < text.len()) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    start = None;
                    return Some((s, &text[s..i]));
                }
                _ => {}
            }
        }
        None
    })
}

/// A word without case or diacritics, as both databases compare words
/// (`Zürich` and `zurich` fold the same).
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.nfd().filter(|c| !is_combining_mark(*c)) {
        match c {
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ø' | 'Ø' => out.push('o'),
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' => out.push('d'),
            'ı' => out.push('i'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(s: &str) -> SearchQuery {
        SearchQuery::parse("q", s).unwrap()
    }

    #[test]
    fn kinds_parse_and_need_the_right_permission() {
        assert_eq!(
            SearchKind::parse_list("kind", "task, feature,task").unwrap(),
            vec![SearchKind::Task, SearchKind::Feature]
        );
        assert_eq!(SearchKind::parse_list("kind", "").unwrap().len(), 9);
        assert_eq!(
            SearchKind::parse_list("kind", "task,nope")
                .unwrap_err()
                .field,
            "kind"
        );
        assert_eq!(SearchKind::Task.permission(), Permission::Read);
        assert_eq!(SearchKind::Feedback.permission(), Permission::ReadCustomers);
        assert_eq!(SearchKind::Persona.permission(), Permission::ReadCustomers);
    }

    #[test]
    fn words_are_letters_and_digits_only() {
        let cases: &[(&str, &[&str], bool)] = &[
            ("Export CSV", &["export", "csv"], true),
            ("export ", &["export"], false),
            (
                "\"export\" AND (csv OR -slow):*",
                &["export", "and", "csv", "or", "slow"],
                false,
            ),
            ("notif", &["notif"], true),
            ("a", &["a"], false),
            ("Zürich zürich", &["zürich"], true),
            ("e-mail", &["e", "mail"], true),
            ("\"*()-:", &[], false),
            ("nul\0byte", &["nul", "byte"], true),
        ];
        for (text, words, prefix) in cases {
            let parsed = q(text);
            assert_eq!(parsed.words(), *words, "{text:?}");
            assert_eq!(parsed.prefix_last(), *prefix, "{text:?}");
        }
        assert!(q("**").is_empty());
    }

    #[test]
    fn bad_queries_name_the_field() {
        for bad in ["", "   ", "\t\n"] {
            assert_eq!(SearchQuery::parse("q", bad).unwrap_err().field, "q");
        }
        let long = "a".repeat(MAX_QUERY_CHARS + 1);
        assert_eq!(SearchQuery::parse("q", &long).unwrap_err().field, "q");
        let many = (0..20)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(q(&many).words().len(), MAX_WORDS);
    }

    #[test]
    fn snippets_mark_matches_without_case_or_diacritics() {
        let s = q("zurich export").snippet("", "Our office in Zürich needs the CSV Export.");
        assert_eq!(s, "Our office in «Zürich» needs the CSV «Export».");
        let s = q("notif").snippet("", "Notifications are noisy; notify less");
        assert_eq!(s, "«Notifications» are noisy; «notify» less");
        // A complete word does not match longer words.
        let s = q("notif ").snippet("", "Notifications are noisy");
        assert_eq!(s, "Notifications are noisy");
    }

    #[test]
    fn snippets_show_the_title_when_only_it_matches() {
        assert_eq!(
            q("export").snippet("Faster export", "Make it quick"),
            "Faster «export»"
        );
        assert_eq!(q("nothing").snippet("Title", "Body"), "Body");
        assert_eq!(q("nothing").snippet("Title", ""), "Title");
    }

    #[test]
    fn snippets_never_contain_the_text_s_own_markers() {
        let s = q("quote").snippet("", "He said «quote» and »more«");
        assert_eq!(s, "He said ‹«quote»› and ›more‹");
    }

    #[test]
    fn long_texts_are_cut_around_the_match() {
        let body = format!(
            "{} the export fails {}",
            "lorem ipsum ".repeat(40),
            "dolor sit ".repeat(40)
        );
        let s = q("export").snippet("", &body);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("«export»"), "{s}");
        assert!(s.chars().count() <= SNIPPET_CHARS + 6, "{s}");
    }

    #[test]
    fn the_window_prefers_more_distinct_words() {
        let body = format!(
            "export here. {} csv export together",
            "filler words ".repeat(30)
        );
        let s = q("csv export").snippet("", &body);
        assert!(s.contains("«csv» «export»"), "{s}");
    }

    #[test]
    fn scores_rank_titles_whole_words_and_focus_first() {
        let export = q("export");
        let title = export.score("Export to CSV", "");
        let body = export.score("Polish", "The export export export button is misaligned");
        assert!(
            title > body,
            "a title match beats any body match: {title} {body}"
        );
        let whole = export.score("", "export it");
        let prefix = export.score("", "exporting it");
        assert!(whole > prefix && prefix > 0.0, "{whole} {prefix}");
        assert!(
            q("export ").score("", "exporting it") == 0.0,
            "a finished word is whole"
        );
        let twice = export.score("", "export and export again");
        let once = export.score("", "export and then again");
        assert!(twice > once, "{twice} {once}");
        let short = export.score("", "export");
        let long = export.score("", &format!("export {}", "word ".repeat(80)));
        assert!(short > long, "{short} {long}");
        let both = q("csv export").score("", "export to csv");
        assert!(both > once, "more of the words");
        assert_eq!(
            q("zurich").score("Office in Zürich", ""),
            q("zurich").score("Office in Zurich", "")
        );
        assert_eq!(q("nothing").score("Title", "Body"), 0.0);
    }

    #[test]
    fn titles_from_texts() {
        assert_eq!(
            title_from_text("\n  Export is slow\nmore"),
            "Export is slow"
        );
        let long = "word ".repeat(40);
        let t = title_from_text(&long);
        assert!(
            t.ends_with('…') && t.chars().count() <= TITLE_CHARS + 1,
            "{t}"
        );
    }

    #[test]
    fn folding() {
        assert_eq!(fold("Zürich"), "zurich");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("cafe\u{301}"), "cafe");
    }

    proptest! {
        #[test]
        fn any_text_parses_or_names_q(s in "\\PC{0,60}") {
            match SearchQuery::parse("q", &s) {
                Ok(parsed) => {
                    prop_assert!(parsed.words().len() <= MAX_WORDS);
                    for w in parsed.words() {
                        prop_assert!(w.chars().all(char::is_alphanumeric));
                    }
                }
                Err(e) => prop_assert_eq!(e.field, "q"),
            }
        }

        #[test]
        fn snippets_balance_their_markers(query in "[a-zé ]{1,12}", text in "\\PC{0,400}") {
            if let Ok(parsed) = SearchQuery::parse("q", &query) {
                let s = parsed.snippet("", &text);
                let opens = s.matches(MARK_START).count();
                let closes = s.matches(MARK_END).count();
                prop_assert_eq!(opens, closes);
                prop_assert!(s.chars().count() <= SNIPPET_CHARS + 2 + 2 * opens);
                let mut open = false;
                for c in s.chars() {
                    if c == MARK_START { prop_assert!(!open); open = true; }
                    if c == MARK_END { prop_assert!(open); open = false; }
                }
            }
        }
    }
}
