//! Values typed on the command line that several commands take: numbers,
//! and the word `none` that clears a field.

/// Whether `text` is the word that clears a field.
pub fn is_none_word(text: &str) -> bool {
    text.trim().eq_ignore_ascii_case("none")
}

/// `Some(None)` for `none`, else the value.
pub fn clearable(text: Option<String>) -> Option<Option<String>> {
    text.map(|t| if is_none_word(&t) { None } else { Some(t) })
}

/// A finite number. Rust reads `nan`, `inf` and `infinity` as numbers,
/// but JSON cannot carry them: sent, they become `null`, which clears the
/// field instead of setting it.
pub fn finite(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n),
        _ => Err(format!("'{text}' is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_finite_numbers_are_numbers() {
        assert_eq!(finite(" 2.5 "), Ok(2.5));
        assert_eq!(finite("-3"), Ok(-3.0));
        for word in ["nan", "NaN", "inf", "-infinity", "", "1e999", "two"] {
            assert!(finite(word).is_err(), "{word}");
        }
    }
}
