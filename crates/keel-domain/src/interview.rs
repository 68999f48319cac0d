//! Customer interviews: the rules of guides, answers and turning answers
//! into feedback.
//!
//! An **interview guide** is a name and an ordered list of questions, each
//! with an optional hint for the interviewer. Every workspace has the
//! built-in [`discovery_guide`] without anyone creating it: it is defined
//! here rather than seeded into each workspace, so reading the guides never
//! writes, it cannot drift between workspaces, and a better wording ships
//! with the next release. People who want to change it copy it into a
//! guide of their own (the web page and the API take the same questions).
//!
//! An interview copies its guide's questions when it is created, so
//! editing a guide later never rewrites what was asked in past interviews.
//!
//! Pure values and functions, no IO.

use crate::FieldError;

/// The id under which the built-in guide is addressed. Not an id the
/// server issues (those are 32 hex digits), so it can never clash.
pub const DISCOVERY_GUIDE_ID: &str = "discovery";

/// Most questions one guide may have: an interview, not a survey.
pub const MAX_QUESTIONS: usize = 30;

/// Longest hint, in characters.
pub const MAX_HINT_CHARS: usize = 1_000;

/// Longest answer, in characters. With a question of at most 500
/// characters the feedback item made of both stays under the feedback
/// text limit (20,000).
pub const MAX_ANSWER_CHARS: usize = 10_000;

/// The tag every feedback item made from an interview answer carries, so
/// the inbox can filter them (`?tag=interview`).
pub const FEEDBACK_TAG: &str = "interview";

/// One question of a guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub question: String,
    /// What to listen for or ask next; `""` when none.
    pub hint: String,
}

/// The built-in guide's name.
pub const DISCOVERY_GUIDE_NAME: &str = "Discovery interview";

/// The built-in "Discovery interview" guide's questions, in order: who
/// they are, the last time the problem happened, today's workaround, its
/// cost, what they would change, and anything else.
pub fn discovery_guide() -> Vec<Question> {
    [
        (
            "What is your role, and what are you responsible for?",
            "Context: team, company size, tools they use every day.",
        ),
        (
            "Tell me about the last time you ran into this problem.",
            "Ask for one concrete story: when, where, what happened.",
        ),
        (
            "How do you solve it today?",
            "Workarounds, spreadsheets, other products, asking a colleague.",
        ),
        (
            "What does it cost you?",
            "Time, money, risk, frustration; how often it happens.",
        ),
        (
            "If you could change one thing about it, what would it be?",
            "Listen for the outcome they want, not the feature they name.",
        ),
        ("Is there anything else we should have asked?", ""),
    ]
    .into_iter()
    .map(|(q, h)| Question {
        question: q.to_string(),
        hint: h.to_string(),
    })
    .collect()
}

/// A hint: trimmed, at most [`MAX_HINT_CHARS`], no NUL; may be empty.
pub fn hint(field: &str, s: &str) -> Result<String, FieldError> {
    let t = s.trim();
    if t.chars().count() > MAX_HINT_CHARS {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_HINT_CHARS} characters"),
        ));
    }
    if t.contains('\0') {
        return Err(FieldError::new(field, "must not contain NUL characters"));
    }
    Ok(t.to_string())
}

/// An answer: trimmed, at most [`MAX_ANSWER_CHARS`], no NUL; empty means
/// not answered (yet).
pub fn answer(field: &str, s: &str) -> Result<String, FieldError> {
    let t = s.trim();
    if t.chars().count() > MAX_ANSWER_CHARS {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_ANSWER_CHARS} characters"),
        ));
    }
    if t.contains('\0') {
        return Err(FieldError::new(field, "must not contain NUL characters"));
    }
    Ok(t.to_string())
}

/// The text of the feedback item an answer becomes: the question quoted
/// on the first line (`Q: …`), a blank line, then the answer as said.
///
/// The question goes into the text rather than a tag because tags are
/// short labels without commas, and an item in the inbox must make sense
/// on its own ("Weekly, it takes a day" means nothing without "How often
/// do you export?"). The cost: similar-feedback and themes see the
/// question's words too; sentiment is suggested from the answer alone.
pub fn feedback_text(question: &str, answer: &str) -> String {
    format!("Q: {}\n\n{}", question.trim(), answer.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_discovery_guide_covers_the_interview() {
        let g = discovery_guide();
        assert_eq!(g.len(), 6);
        assert!(g.iter().all(|q| !q.question.is_empty()));
        assert!(g.len() <= MAX_QUESTIONS);
    }

    #[test]
    fn feedback_text_quotes_the_question_first() {
        let t = feedback_text(
            " How do you solve it today? ",
            " A spreadsheet.\nEvery week. ",
        );
        assert_eq!(
            t,
            "Q: How do you solve it today?\n\nA spreadsheet.\nEvery week."
        );
        assert_eq!(t.lines().next(), Some("Q: How do you solve it today?"));
    }

    #[test]
    fn answers_and_hints_are_bounded() {
        assert_eq!(answer("a", "  yes ").unwrap(), "yes");
        assert_eq!(answer("a", "").unwrap(), "");
        assert_eq!(answer("a", "x\0").unwrap_err().field, "a");
        assert!(answer("a", &"x".repeat(MAX_ANSWER_CHARS + 1)).is_err());
        assert!(hint("h", &"x".repeat(MAX_HINT_CHARS + 1)).is_err());
        // The longest question and answer still make valid feedback text.
        let q = "q".repeat(crate::values::MAX_LINE_CHARS);
        let a = "a".repeat(MAX_ANSWER_CHARS);
        assert!(feedback_text(&q, &a).chars().count() <= 20_000);
    }
}
