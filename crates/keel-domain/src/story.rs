//! User stories under a feature: "As a … I want … so that …", acceptance
//! criteria as Given/When/Then, and the rules for breaking a story down into
//! tasks.
//!
//! Pure: validation names the exact field (`acceptance_criteria[2].then`) so
//! a form can point at the row that is wrong, and the breakdown rule decides
//! which criteria still need a task without touching storage.
//!
//! Breakdown idempotence (also in docs/API-DESIGN.md): a task made from a
//! criterion remembers the criterion's text ([`Criterion::key`]). Breaking
//! the story down again skips every criterion whose text already produced a
//! task of this story, so pressing the button twice creates nothing new;
//! a criterion that was edited counts as new, and deleting its task frees
//! it again.

use crate::values::{MAX_LINE_CHARS, body, line};
use crate::{FieldError, ValidationErrors};

/// At most this many acceptance criteria on one story: a story with more is
/// several stories.
pub const MAX_CRITERIA: usize = 50;
/// At most this many tasks made by one breakdown.
pub const MAX_BREAKDOWN_TASKS: usize = 100;

vocabulary! {
    /// Where a story is in its life.
    StoryStatus {
        Draft => "draft",
        Ready => "ready",
        InProgress => "in_progress",
        Done => "done",
    }
}

/// One acceptance criterion, validated.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Criterion {
    pub given: String,
    pub when: String,
    pub then: String,
}

impl Criterion {
    /// The text a breakdown remembers for this criterion: the three parts
    /// with case and inner spacing normalised, so re-typing the same words
    /// does not count as a new criterion.
    pub fn key(&self) -> String {
        [&self.given, &self.when, &self.then]
            .iter()
            .map(|s| {
                s.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// "Given …, when …, then …", the sentence a task made from it carries.
    pub fn sentence(&self) -> String {
        format!(
            "Given {}, when {}, then {}",
            self.given, self.when, self.then
        )
    }

    /// The title of the task made from this criterion: the sentence, cut
    /// with "…" to fit a title.
    pub fn task_title(&self) -> String {
        let s = self.sentence();
        if s.chars().count() <= MAX_LINE_CHARS {
            return s;
        }
        let mut cut: String = s.chars().take(MAX_LINE_CHARS - 1).collect();
        cut.push('…');
        cut
    }

    /// The description of that task: the whole criterion, one part a line,
    /// and the story it serves.
    pub fn task_description(&self, story: &str) -> String {
        format!(
            "**Given** {}\n**When** {}\n**Then** {}\n\nAcceptance criterion of the story: {story}",
            self.given, self.when, self.then
        )
    }
}

/// A criterion as sent, parts possibly missing.
#[derive(Debug, Clone, Default)]
pub struct RawCriterion<'a> {
    pub given: Option<&'a str>,
    pub when: Option<&'a str>,
    pub then: Option<&'a str>,
}

/// Checks every criterion, reporting each bad part by its place
/// (`acceptance_criteria[2].then`); `None` when any was bad.
pub fn criteria(errors: &mut ValidationErrors, raw: &[RawCriterion<'_>]) -> Option<Vec<Criterion>> {
    if raw.len() > MAX_CRITERIA {
        errors.push(FieldError::new(
            "acceptance_criteria",
            format!("at most {MAX_CRITERIA} criteria"),
        ));
        return None;
    }
    let before = errors.0.len();
    let mut out = Vec::with_capacity(raw.len());
    for (i, c) in raw.iter().enumerate() {
        let part = |name: &str, v: Option<&str>| {
            line(&format!("acceptance_criteria[{i}].{name}"), v.unwrap_or(""))
        };
        let given = errors.check(part("given", c.given));
        let when = errors.check(part("when", c.when));
        let then = errors.check(part("then", c.then));
        if let (Some(given), Some(when), Some(then)) = (given, when, then) {
            out.push(Criterion { given, when, then });
        }
    }
    (errors.0.len() == before).then_some(out)
}

/// The "As a … I want … so that …" sentence of a story.
pub fn narrative(as_a: &str, i_want: &str, so_that: &str) -> String {
    if so_that.is_empty() {
        format!("As a {as_a}, I want {i_want}")
    } else {
        format!("As a {as_a}, I want {i_want} so that {so_that}")
    }
}

/// A story's texts, validated: `as_a` and `i_want` are required single
/// lines, `so_that` a single line that may be empty, technical
/// requirements Markdown.
pub fn texts(
    errors: &mut ValidationErrors,
    as_a: &str,
    i_want: &str,
    so_that: &str,
    technical_requirements: &str,
) -> Option<(String, String, String, String)> {
    let as_a = errors.check(line("as_a", as_a));
    let i_want = errors.check(line("i_want", i_want));
    let so_that = if so_that.trim().is_empty() {
        Some(String::new())
    } else {
        errors.check(line("so_that", so_that))
    };
    let tech = errors.check(body("technical_requirements", technical_requirements));
    Some((as_a?, i_want?, so_that?, tech?))
}

/// The indexes of the criteria a breakdown should make tasks for: those
/// whose [`Criterion::key`] is not among `done` (the keys of criteria that
/// already have a task of this story), each key once even when two
/// criteria read the same.
pub fn criteria_to_break_down(criteria: &[Criterion], done: &[String]) -> Vec<usize> {
    let mut seen: Vec<String> = done.to_vec();
    let mut out = Vec::new();
    for (i, c) in criteria.iter().enumerate() {
        let k = c.key();
        if !seen.contains(&k) {
            seen.push(k);
            out.push(i);
        }
    }
    out
}

/// Where a story moved to `to` lands among `count` stories: clamped to the
/// end.
pub fn clamp_position(to: i64, count: usize) -> Result<usize, FieldError> {
    if to < 0 {
        return Err(FieldError::new("position", "must be 0 or more"));
    }
    Ok((to as usize).min(count.saturating_sub(1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn c(g: &str, w: &str, t: &str) -> Criterion {
        Criterion {
            given: g.into(),
            when: w.into(),
            then: t.into(),
        }
    }

    #[test]
    fn each_bad_part_is_named_by_its_place() {
        let long = "x".repeat(MAX_LINE_CHARS + 1);
        let cases: Vec<(Vec<RawCriterion>, Vec<&str>)> = vec![
            (vec![], vec![]),
            (
                vec![RawCriterion {
                    given: Some("a"),
                    when: Some("b"),
                    then: Some("c"),
                }],
                vec![],
            ),
            (
                vec![RawCriterion {
                    given: Some("a"),
                    when: None,
                    then: Some(" "),
                }],
                vec!["acceptance_criteria[0].when", "acceptance_criteria[0].then"],
            ),
            (
                vec![
                    RawCriterion {
                        given: Some("a"),
                        when: Some("b"),
                        then: Some("c"),
                    },
                    RawCriterion {
                        given: Some("a"),
                        when: Some("b"),
                        then: Some("c"),
                    },
                    RawCriterion {
                        given: Some("a\nb"),
                        when: Some("b"),
                        then: Some(&long),
                    },
                ],
                vec![
                    "acceptance_criteria[2].given",
                    "acceptance_criteria[2].then",
                ],
            ),
        ];
        for (raw, fields) in cases {
            let mut errors = ValidationErrors::new();
            let out = criteria(&mut errors, &raw);
            let named: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(named, fields);
            assert_eq!(out.is_some(), fields.is_empty());
            if let Some(out) = out {
                assert_eq!(out.len(), raw.len());
            }
        }
    }

    #[test]
    fn too_many_criteria_are_refused_as_a_whole() {
        let raw = vec![RawCriterion::default(); MAX_CRITERIA + 1];
        let mut errors = ValidationErrors::new();
        assert!(criteria(&mut errors, &raw).is_none());
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].field, "acceptance_criteria");
    }

    #[test]
    fn story_texts_name_their_fields() {
        let cases = [
            (("admin", "x", "", ""), vec![]),
            (("", "x", "y", ""), vec!["as_a"]),
            (("a", " ", "y", ""), vec!["i_want"]),
            (("a", "x", "line\nbreak", "md\nok"), vec!["so_that"]),
            (("a", "x", "y", "nul\0"), vec!["technical_requirements"]),
        ];
        for ((a, w, s, t), fields) in cases {
            let mut errors = ValidationErrors::new();
            let out = texts(&mut errors, a, w, s, t);
            let named: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(named, fields, "{a:?} {w:?} {s:?} {t:?}");
            assert_eq!(out.is_some(), fields.is_empty());
        }
    }

    #[test]
    fn task_text_carries_the_whole_criterion() {
        let k = c("a signed-in admin", "they export", "a CSV downloads");
        assert_eq!(
            k.task_title(),
            "Given a signed-in admin, when they export, then a CSV downloads"
        );
        assert!(
            k.task_description("As a admin, I want x")
                .contains("**Then** a CSV downloads")
        );
        let long = c(&"g".repeat(300), &"w".repeat(300), "t");
        let title = long.task_title();
        assert_eq!(title.chars().count(), MAX_LINE_CHARS);
        assert!(title.ends_with('…'));
        assert!(line("title", &title).is_ok());
    }

    #[test]
    fn narrative_leaves_out_an_empty_so_that() {
        assert_eq!(narrative("PM", "x", ""), "As a PM, I want x");
        assert_eq!(narrative("PM", "x", "y"), "As a PM, I want x so that y");
    }

    #[test]
    fn breakdown_skips_criteria_already_done() {
        let a = c("A", "b", "c");
        let same_words = c("a ", "B", " c");
        let other = c("x", "y", "z");
        let cases: Vec<(Vec<Criterion>, Vec<String>, Vec<usize>)> = vec![
            (vec![], vec![], vec![]),
            (vec![a.clone(), other.clone()], vec![], vec![0, 1]),
            (vec![a.clone(), other.clone()], vec![a.key()], vec![1]),
            (vec![a.clone(), same_words.clone()], vec![], vec![0]),
            (
                vec![other.clone(), a.clone()],
                vec![other.key(), a.key()],
                vec![],
            ),
        ];
        for (criteria, done, want) in cases {
            assert_eq!(criteria_to_break_down(&criteria, &done), want);
        }
    }

    #[test]
    fn positions_clamp_to_the_end() {
        assert_eq!(clamp_position(0, 3), Ok(0));
        assert_eq!(clamp_position(9, 3), Ok(2));
        assert_eq!(clamp_position(0, 0), Ok(0));
        assert_eq!(clamp_position(-1, 3).unwrap_err().field, "position");
    }

    #[test]
    fn statuses_round_trip() {
        for s in StoryStatus::ALL {
            assert_eq!(StoryStatus::parse("status", s.as_str()), Ok(*s));
        }
        assert_eq!(
            StoryStatus::parse("status", "doing").unwrap_err().field,
            "status"
        );
    }

    fn criterion() -> impl Strategy<Value = Criterion> {
        ("[a-c ]{1,4}", "[a-c]{1,3}", "[a-c]{1,3}").prop_map(|(g, w, t)| Criterion {
            given: g,
            when: w,
            then: t,
        })
    }

    proptest! {
        /// Breaking down twice makes nothing the second time, and every
        /// criterion ends up with a task whose key is its own.
        #[test]
        fn breakdown_is_idempotent(cs in proptest::collection::vec(criterion(), 0..12),
                                   pre in proptest::collection::vec(criterion(), 0..4)) {
            let mut done: Vec<String> = pre.iter().map(Criterion::key).collect();
            let first = criteria_to_break_down(&cs, &done);
            done.extend(first.iter().map(|&i| cs[i].key()));
            prop_assert!(criteria_to_break_down(&cs, &done).is_empty());
            for c in &cs {
                prop_assert!(done.contains(&c.key()));
            }
            let mut keys: Vec<String> = first.iter().map(|&i| cs[i].key()).collect();
            let n = keys.len();
            keys.sort();
            keys.dedup();
            prop_assert_eq!(keys.len(), n);
        }
    }
}
