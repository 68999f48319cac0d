//! Customer journey maps: the rules of the grid.
//!
//! A map is a row of **stages** (the customer's steps, left to right) and
//! fixed **lanes** (what happens at each step: actions, touchpoints,
//! thoughts, pain points, opportunities). Each stage carries one
//! **emotion** score from −2 (very unhappy) to +2 (delighted), drawn as the
//! emotion curve. The opportunities of a stage may be **linked** to the
//! things that would act on them: features today, ideas once they exist
//! ([`LinkedKind`] grows a variant, the storage does not change).
//!
//! Pure values and functions, no IO.

use crate::FieldError;

vocabulary! {
    /// A row of the journey grid.
    Lane {
        Actions => "actions",
        Touchpoints => "touchpoints",
        Thoughts => "thoughts",
        PainPoints => "pain_points",
        Opportunities => "opportunities",
    }
}

vocabulary! {
    /// What an opportunity may be linked to: a feature, or an idea not yet
    /// decided on.
    LinkedKind {
        Feature => "feature",
        Idea => "idea",
    }
}

impl Lane {
    /// The lane's heading, for people.
    pub fn label(&self) -> &'static str {
        match self {
            Lane::Actions => "Actions",
            Lane::Touchpoints => "Touchpoints",
            Lane::Thoughts => "Thoughts",
            Lane::PainPoints => "Pain points",
            Lane::Opportunities => "Opportunities",
        }
    }
}

/// Most stages one map may have: a journey, not a backlog.
pub const MAX_STAGES: usize = 30;

/// Longest text of one cell, in characters.
pub const MAX_CELL_CHARS: usize = 2_000;

/// Most opportunities one stage may link.
pub const MAX_LINKS_PER_STAGE: usize = 50;

/// The lowest and highest emotion score.
pub const EMOTION_MIN: i64 = -2;
pub const EMOTION_MAX: i64 = 2;

/// How a customer feels at a stage: an integer from −2 to +2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Emotion(i8);

impl Emotion {
    /// Neutral, the score of a new stage.
    pub const NEUTRAL: Emotion = Emotion(0);

    pub fn parse(field: &str, v: i64) -> Result<Emotion, FieldError> {
        if (EMOTION_MIN..=EMOTION_MAX).contains(&v) {
            // In range, so it fits.
            Ok(Emotion(v as i8))
        } else {
            Err(FieldError::new(
                field,
                format!("must be a whole number from {EMOTION_MIN} to {EMOTION_MAX}"),
            ))
        }
    }

    pub fn value(&self) -> i64 {
        i64::from(self.0)
    }

    /// The score in words, for people and screen readers.
    pub fn label(&self) -> &'static str {
        match self.0 {
            -2 => "very negative",
            -1 => "negative",
            0 => "neutral",
            1 => "positive",
            _ => "very positive",
        }
    }

    /// Every score, lowest first (for pickers).
    pub fn all() -> impl Iterator<Item = Emotion> {
        (EMOTION_MIN..=EMOTION_MAX).map(|v| Emotion(v as i8))
    }

    /// `+2`, `+1`, `0`, `−1`, `−2` (with a real minus sign).
    pub fn signed(&self) -> String {
        match self.0 {
            v if v > 0 => format!("+{v}"),
            v if v < 0 => format!("\u{2212}{}", -v),
            _ => "0".to_string(),
        }
    }
}

/// Cell text: any text (Markdown-free, shown as typed) of at most
/// [`MAX_CELL_CHARS`], without NUL; surrounding whitespace is trimmed, and
/// empty means the cell is blank.
pub fn cell_text(field: &str, s: &str) -> Result<String, FieldError> {
    let t = s.trim();
    if t.chars().count() > MAX_CELL_CHARS {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_CELL_CHARS} characters"),
        ));
    }
    if t.contains('\0') {
        return Err(FieldError::new(field, "must not contain NUL characters"));
    }
    Ok(t.to_string())
}

/// Stage ids in order after moving `moving` to index `to` (clamped to the
/// end); `None` when `moving` is not among them.
pub fn move_stage(ids: &[String], moving: &str, to: usize) -> Option<Vec<String>> {
    let from = ids.iter().position(|id| id == moving)?;
    let mut out = ids.to_vec();
    let item = out.remove(from);
    out.insert(to.min(out.len()), item);
    Some(out)
}

/// Where a new stage goes: `wanted` (clamped to the end), or the end.
pub fn insert_at(count: usize, wanted: Option<usize>) -> usize {
    wanted.map_or(count, |w| w.min(count))
}

/// A position given by a client: 0 or more.
pub fn position(field: &str, v: i64) -> Result<usize, FieldError> {
    usize::try_from(v).map_err(|_| FieldError::new(field, "must be 0 or more"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emotions_are_whole_numbers_from_minus_two_to_two() {
        for v in -2..=2 {
            assert_eq!(Emotion::parse("emotion", v).unwrap().value(), v);
        }
        for v in [-3, 3, i64::MIN, i64::MAX] {
            let e = Emotion::parse("emotion", v).unwrap_err();
            assert_eq!(e.field, "emotion");
        }
        assert_eq!(Emotion::default(), Emotion::NEUTRAL);
        let signed: Vec<String> = Emotion::all().map(|e| e.signed()).collect();
        assert_eq!(signed, ["\u{2212}2", "\u{2212}1", "0", "+1", "+2"]);
        assert_eq!(Emotion::parse("e", -2).unwrap().label(), "very negative");
        assert_eq!(Emotion::parse("e", 2).unwrap().label(), "very positive");
    }

    #[test]
    fn lanes_and_kinds_parse_their_words_only() {
        assert_eq!(Lane::parse("lane", "pain_points"), Ok(Lane::PainPoints));
        assert_eq!(Lane::ALL.len(), 5);
        assert_eq!(Lane::parse("lane", "emotion").unwrap_err().field, "lane");
        assert_eq!(
            LinkedKind::parse("linked_kind", "feature"),
            Ok(LinkedKind::Feature)
        );
        assert_eq!(
            LinkedKind::parse("linked_kind", "idea"),
            Ok(LinkedKind::Idea)
        );
        assert!(LinkedKind::parse("linked_kind", "goal").is_err());
    }

    #[test]
    fn cell_text_is_trimmed_and_bounded() {
        assert_eq!(cell_text("text", "  Signs up \n").unwrap(), "Signs up");
        assert_eq!(cell_text("text", "   ").unwrap(), "");
        assert_eq!(cell_text("text", "two\nlines").unwrap(), "two\nlines");
        assert!(cell_text("text", &"x".repeat(MAX_CELL_CHARS + 1)).is_err());
        assert!(cell_text("text", "a\0b").is_err());
    }

    #[test]
    fn moving_a_stage_keeps_the_others_in_order() {
        let ids: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        assert_eq!(move_stage(&ids, "a", 2).unwrap(), ["b", "c", "a", "d"]);
        assert_eq!(move_stage(&ids, "d", 0).unwrap(), ["d", "a", "b", "c"]);
        assert_eq!(move_stage(&ids, "b", 99).unwrap(), ["a", "c", "d", "b"]);
        assert_eq!(move_stage(&ids, "c", 2).unwrap(), ids);
        assert!(move_stage(&ids, "x", 0).is_none());
        assert_eq!(insert_at(3, None), 3);
        assert_eq!(insert_at(3, Some(1)), 1);
        assert_eq!(insert_at(3, Some(9)), 3);
        assert!(position("position", -1).is_err());
        assert_eq!(position("position", 4).unwrap(), 4);
    }
}
