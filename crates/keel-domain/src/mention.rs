//! `@mentions` in comment text, resolved against the people who can be
//! mentioned (a workspace's members).
//!
//! A mention is an `@` at the start of the text or after a character that
//! cannot be part of a name or an address (space, punctuation, a bracket),
//! followed by one of a person's handles, matched without regard to case:
//!
//! - their email (`@grace@example.com`);
//! - their full name (`@Grace Hopper`), or the same without spaces
//!   (`@GraceHopper`);
//! - their first name (`@grace`) or the local part of their email
//!   (`@ghopper`), but only when no one else has the same one — an
//!   ambiguous short handle mentions nobody rather than the wrong person.
//!
//! The longest handle wins, so `@Grace Hopper` is not read as `@Grace`
//! followed by " Hopper". Code (fenced blocks and inline spans) is skipped:
//! a pasted `@decorator` or stack trace mentions no one.

/// Someone who can be mentioned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mentionable<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub email: &'a str,
}

/// The ids of the people `text` mentions, in order of first mention, each
/// once.
pub fn mentioned<'a>(text: &str, people: &[Mentionable<'a>]) -> Vec<&'a str> {
    let handles = handles(people);
    let window = handles
        .iter()
        .map(|(h, _)| h.chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let prose = without_code(text);
    let mut found: Vec<&'a str> = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in prose.char_indices() {
        if c == '@' && prev.is_none_or(|p| !is_handle_char(p)) {
            // Only as much text as the longest handle needs is looked at,
            // so a comment full of `@` stays linear.
            let rest: String = prose[i + 1..].chars().take(window).collect();
            if let Some(id) = longest_match(&rest, &handles)
                && !found.contains(&id)
            {
                found.push(id);
            }
        }
        prev = Some(c);
    }
    found
}

/// Characters that continue a name or an address: an `@` right after one
/// of them (as in `bob@example.com`) does not start a mention.
fn is_handle_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '+' | '@')
}

/// Every `(handle, person id)` pair, with ambiguous short handles left out.
fn handles<'a>(people: &[Mentionable<'a>]) -> Vec<(String, &'a str)> {
    let mut out: Vec<(String, &'a str)> = Vec::new();
    let mut short: Vec<(String, &'a str)> = Vec::new();
    for p in people {
        let name = p.name.split_whitespace().collect::<Vec<_>>();
        out.push((p.email.to_lowercase(), p.id));
        if !name.is_empty() {
            out.push((name.join(" ").to_lowercase(), p.id));
            out.push((name.concat().to_lowercase(), p.id));
            short.push((name[0].to_lowercase(), p.id));
        }
        if let Some((local, _)) = p.email.split_once('@') {
            short.push((local.to_lowercase(), p.id));
        }
    }
    for (handle, id) in &short {
        let unique = short.iter().all(|(h, other)| h != handle || other == id);
        if unique && !handle.is_empty() {
            out.push((handle.clone(), id));
        }
    }
    out.retain(|(h, _)| !h.is_empty());
    out
}

/// The person whose handle is the longest prefix of `rest` (ending at a
/// word boundary); `None` when there is none, or when two people share
/// that longest handle.
fn longest_match<'a>(rest: &str, handles: &[(String, &'a str)]) -> Option<&'a str> {
    let lower = rest.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    let mut tie = false;
    for (handle, id) in handles {
        let Some(after) = lower.strip_prefix(handle.as_str()) else {
            continue;
        };
        if !ends_handle(after) {
            continue;
        }
        let len = handle.chars().count();
        match best {
            Some((n, other)) if n == len && other != *id => tie = true,
            Some((n, _)) if n >= len => {}
            _ => {
                best = Some((len, id));
                tie = false;
            }
        }
    }
    if tie { None } else { best.map(|(_, id)| id) }
}

/// Whether a handle may end right before `after`: at the end of the text,
/// before a space or punctuation, or before a full stop that ends a
/// sentence (not one inside `grace.hopper`).
fn ends_handle(after: &str) -> bool {
    let mut chars = after.chars();
    match chars.next() {
        None => true,
        Some('.') => chars.next().is_none_or(|c| !c.is_alphanumeric()),
        Some(c) => !(c.is_alphanumeric() || matches!(c, '_' | '-' | '@' | '+')),
    }
}

/// `text` with code blanked out (replaced by spaces, so positions and word
/// boundaries stay as they were): fenced blocks and inline code spans.
fn without_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fence: Option<String> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let marker: String = trimmed
            .chars()
            .take_while(|c| *c == '`' || *c == '~')
            .collect();
        let opens = marker.len() >= 3 && marker.chars().all(|c| c == marker.as_bytes()[0] as char);
        match &fence {
            Some(open) => {
                if opens && marker.starts_with(open.as_str()) {
                    fence = None;
                }
                out.push_str(&blank(line));
            }
            None if opens => {
                fence = Some(marker);
                out.push_str(&blank(line));
            }
            None => out.push_str(&without_code_spans(line)),
        }
    }
    out
}

/// A line with inline code spans (a run of backticks up to the next run of
/// the same length) blanked out.
fn without_code_spans(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|c| **c == '`').count();
        // Find the closing run of exactly the same length.
        let mut j = i + run;
        let mut close = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let n = chars[j..].iter().take_while(|c| **c == '`').count();
                if n == run {
                    close = Some(j + n);
                    break;
                }
                j += n;
            } else {
                j += 1;
            }
        }
        match close {
            Some(end) => {
                out.extend(std::iter::repeat_n(' ', end - i));
                i = end;
            }
            None => {
                out.extend(std::iter::repeat_n('`', run));
                i += run;
            }
        }
    }
    out
}

fn blank(line: &str) -> String {
    line.chars()
        .map(|c| if c == '\n' { '\n' } else { ' ' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEOPLE: [Mentionable<'static>; 5] = [
        Mentionable {
            id: "ada",
            name: "Ada Lovelace",
            email: "ada@example.com",
        },
        Mentionable {
            id: "grace",
            name: "Grace Hopper",
            email: "ghopper@example.com",
        },
        Mentionable {
            id: "sam1",
            name: "Sam Smith",
            email: "sam.smith@example.com",
        },
        Mentionable {
            id: "sam2",
            name: "Sam Jones",
            email: "sjones@example.org",
        },
        Mentionable {
            id: "linus",
            name: "Linus",
            email: "linus@example.org",
        },
    ];

    fn ids(text: &str) -> Vec<&'static str> {
        mentioned(text, &PEOPLE)
    }

    #[test]
    fn case_table() {
        let cases: &[(&str, &[&str])] = &[
            // By email, full name, name without spaces, first name, local part.
            ("@ada@example.com please look", &["ada"]),
            ("@Grace Hopper can you review?", &["grace"]),
            ("@gracehopper thoughts?", &["grace"]),
            ("thanks @Grace!", &["grace"]),
            ("cc @ghopper", &["grace"]),
            ("@GHOPPER@EXAMPLE.COM", &["grace"]),
            // Start of text, after punctuation and brackets, end of sentence.
            ("@ada", &["ada"]),
            ("(@ada) and [@grace]", &["ada", "grace"]),
            ("ask @ada.", &["ada"]),
            ("ask @ada, then @linus; done", &["ada", "linus"]),
            // Each person once, in order of first mention.
            ("@grace @ada @Grace Hopper", &["grace", "ada"]),
            // Shared first names are ambiguous; full names and addresses are not.
            ("@sam what do you think", &[]),
            ("@Sam Smith and @sjones", &["sam1", "sam2"]),
            ("@sam.smith@example.com", &["sam1"]),
            ("@sam.smith", &["sam1"]),
            // Not mentions: an address in prose, unknown names, partial words.
            ("mail ada@example.com", &[]),
            ("@adam is not ada", &[]),
            ("@ada_bot", &[]),
            ("@ada.lovelace", &[]),
            ("@nobody", &[]),
            ("@", &[]),
            ("@ ada", &[]),
            // Code is not prose.
            ("`@ada` in code", &[]),
            ("``code with ` and @ada`` but @grace", &["grace"]),
            ("```\n@ada\n```\n@linus", &["linus"]),
            ("~~~python\n@grace.decorator\n~~~", &[]),
            ("unclosed `@ada", &["ada"]),
        ];
        for (text, want) in cases {
            assert_eq!(ids(text), *want, "{text:?}");
        }
    }

    #[test]
    fn full_name_beats_first_name() {
        let people = [
            Mentionable {
                id: "a",
                name: "Ann",
                email: "ann@x.io",
            },
            Mentionable {
                id: "b",
                name: "Ann Lee",
                email: "lee@x.io",
            },
        ];
        // "Ann" is both a's full name and b's first name: "@Ann" alone is
        // a's full name (first names are only a fallback when unique).
        assert_eq!(mentioned("@Ann Lee", &people), vec!["b"]);
        assert_eq!(mentioned("@ann@x.io", &people), vec!["a"]);
        assert_eq!(mentioned("hi @Ann", &people), vec!["a"]);
    }

    #[test]
    fn unicode_names_and_no_people() {
        let people = [Mentionable {
            id: "z",
            name: "Zoë Ångström",
            email: "zoe@example.com",
        }];
        assert_eq!(mentioned("@zoë ångström ok", &people), vec!["z"]);
        assert_eq!(mentioned("@ZOË", &people), vec!["z"]);
        assert!(mentioned("@anyone", &[]).is_empty());
    }

    proptest::proptest! {
        /// Any text (including broken code fences, lone backticks and
        /// multi-byte characters) gives a list of known ids without
        /// repeats, and never panics.
        #[test]
        fn any_text_gives_known_ids_once(text in "[@a-zA-Z `~.\n\u{e9}\u{1F600}]{0,80}") {
            let found = mentioned(&text, &PEOPLE);
            let mut seen = found.clone();
            seen.sort_unstable();
            seen.dedup();
            proptest::prop_assert_eq!(seen.len(), found.len());
            for id in found {
                proptest::prop_assert!(PEOPLE.iter().any(|p| p.id == id));
            }
        }
    }
}
