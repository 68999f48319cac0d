//! Validated input values. Each constructor checks one field and returns a
//! [`FieldError`] naming it, so a value of these types is always valid.

use crate::FieldError;

/// Longest single-line text (titles, names) we accept, in characters.
pub const MAX_LINE_CHARS: usize = 500;
/// Longest Markdown body (descriptions, comments) we accept, in characters.
pub const MAX_BODY_CHARS: usize = 100_000;
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted; argon2 cost grows with length.
pub const MAX_PASSWORD_CHARS: usize = 1_000;

/// Longest text filter (`?q=` on a list) accepted, in characters. Nobody
/// types more into a search box, and SQLite refuses a `LIKE` pattern over
/// 50,000 bytes, which a longer `q` once turned into a 500.
pub const MAX_FILTER_CHARS: usize = 200;

/// A list's text filter: trimmed, `None` when blank, else one line of at
/// most [`MAX_FILTER_CHARS`].
pub fn text_filter(field: &str, s: Option<&str>) -> Result<Option<String>, FieldError> {
    let trimmed = s.unwrap_or("").trim();
    if trimmed.chars().count() > MAX_FILTER_CHARS || trimmed.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            format!("must be one line of at most {MAX_FILTER_CHARS} characters"),
        ));
    }
    Ok(Some(trimmed.to_string()).filter(|t| !t.is_empty()))
}

/// Trimmed, non-empty, single-line text of at most [`MAX_LINE_CHARS`].
pub fn line(field: &str, s: &str) -> Result<String, FieldError> {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if trimmed.chars().count() > MAX_LINE_CHARS {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_LINE_CHARS} characters"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "must be a single line without control characters",
        ));
    }
    Ok(trimmed.to_string())
}

/// Markdown body text of at most [`MAX_BODY_CHARS`]; may be empty.
pub fn body(field: &str, s: &str) -> Result<String, FieldError> {
    if s.chars().count() > MAX_BODY_CHARS {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_BODY_CHARS} characters"),
        ));
    }
    if s.contains('\0') {
        return Err(FieldError::new(field, "must not contain NUL characters"));
    }
    Ok(s.to_string())
}

/// Non-empty Markdown body (comments).
pub fn non_empty_body(field: &str, s: &str) -> Result<String, FieldError> {
    if s.trim().is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    body(field, s)
}

/// An email address, lower-cased. Deliberately loose: one `@`, something on
/// each side, a dot in the domain; delivery is what really validates it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let s = s.trim().to_lowercase();
        let bad = || FieldError::new(field, "must be an email address like name@example.com");
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        if local.is_empty() || domain.contains('@') || !domain.contains('.') {
            return Err(bad());
        }
        if domain.starts_with('.') || domain.ends_with('.') {
            return Err(bad());
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the length rules. Never printed.
pub struct Password(String);

impl Password {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let n = s.chars().count();
        if n < MIN_PASSWORD_CHARS {
            return Err(FieldError::new(
                field,
                format!("must be at least {MIN_PASSWORD_CHARS} characters"),
            ));
        }
        if n > MAX_PASSWORD_CHARS {
            return Err(FieldError::new(
                field,
                format!("must be at most {MAX_PASSWORD_CHARS} characters"),
            ));
        }
        Ok(Self(s.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A copy, for handing to a hashing thread.
    pub fn clone_secret(&self) -> Password {
        Password(self.0.clone())
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A workspace slug: 2–40 of `a-z`, `0-9` and inner `-`; used in URLs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let ok = (2..=40).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err(FieldError::new(
                field,
                "must be 2-40 characters of a-z, 0-9 and '-', not starting or ending with '-'",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A product key such as `KEEL`: 2–10 upper-case letters or digits, starting
/// with a letter. It prefixes every task key of the product, so it never
/// changes once the product exists.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProductKey(String);

impl ProductKey {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let ok = (2..=10).contains(&s.len())
            && s.as_bytes()[0].is_ascii_uppercase()
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err(FieldError::new(
                field,
                "must be 2-10 upper-case letters or digits, starting with a letter (e.g. KEEL)",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A task key, `PRODUCTKEY-N` with N ≥ 1.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TaskKey {
    pub product: ProductKey,
    pub number: i64,
}

impl TaskKey {
    pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new(field, "must be a task key like KEEL-42 or a task id");
        let (prefix, number) = s.rsplit_once('-').ok_or_else(bad)?;
        let product = ProductKey::parse(field, prefix).map_err(|_| bad())?;
        if number.is_empty() || number.len() > 15 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let number: i64 = number.parse().map_err(|_| bad())?;
        if number < 1 {
            return Err(bad());
        }
        Ok(Self { product, number })
    }

    pub fn format(product: &str, number: i64) -> String {
        format!("{product}-{number}")
    }
}

impl std::fmt::Display for TaskKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.product.as_str(), self.number)
    }
}

/// A label: 1–50 characters, trimmed, no commas (labels are often typed as a
/// comma-separated list).
pub fn label(field: &str, s: &str) -> Result<String, FieldError> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > 50 || t.contains(',') || t.chars().any(char::is_control)
    {
        return Err(FieldError::new(
            field,
            "each label must be 1-50 characters without commas",
        ));
    }
    Ok(t.to_string())
}

/// An estimate in points: finite, 0 to 1000.
pub fn estimate(field: &str, v: f64) -> Result<f64, FieldError> {
    if v.is_finite() && (0.0..=1000.0).contains(&v) {
        Ok(v)
    } else {
        Err(FieldError::new(
            field,
            "must be a number of points from 0 to 1000",
        ))
    }
}

/// A team key such as `eng`: 1–20 lower-case letters, digits or `-`.
pub fn team_key(field: &str, s: &str) -> Result<String, FieldError> {
    let ok = (1..=20).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(s.to_string())
    } else {
        Err(FieldError::new(
            field,
            "must be 1-20 characters of a-z, 0-9 and '-'",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse("email", " Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
        for bad in [
            "", "ada", "ada@", "@x.io", "a@b", "a b@c.io", "a@b@c.io", "a@.io",
        ] {
            assert_eq!(
                Email::parse("email", bad).unwrap_err().field,
                "email",
                "{bad}"
            );
        }
    }

    #[test]
    fn keys_and_slugs() {
        assert!(ProductKey::parse("key", "KEEL").is_ok());
        assert!(ProductKey::parse("key", "K2").is_ok());
        for bad in ["", "K", "keel", "2K", "KEEL-1", "ABCDEFGHIJK"] {
            assert!(ProductKey::parse("key", bad).is_err(), "{bad}");
        }
        let k = TaskKey::parse("id", "KEEL-42").unwrap();
        assert_eq!((k.product.as_str(), k.number), ("KEEL", 42));
        for bad in [
            "KEEL-0",
            "KEEL-",
            "KEEL",
            "-1",
            "keel-1",
            "KEEL-1x",
            "KEEL--1",
            "KEEL-99999999999999999999",
        ] {
            assert!(TaskKey::parse("id", bad).is_err(), "{bad}");
        }
        assert!(Slug::parse("slug", "acme-inc").is_ok());
        for bad in ["a", "Acme", "-acme", "acme-", "ac me", "acme_inc"] {
            assert!(Slug::parse("slug", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lines_and_bodies() {
        assert_eq!(line("title", "  Fix it ").unwrap(), "Fix it");
        assert!(line("title", "   ").is_err());
        assert!(line("title", &"x".repeat(MAX_LINE_CHARS + 1)).is_err());
        assert!(line("title", "a\nb").is_err());
        assert!(body("description", &"x".repeat(MAX_BODY_CHARS + 1)).is_err());
        assert!(body("description", "").is_ok());
        assert!(estimate("estimate", f64::NAN).is_err());
        assert!(estimate("estimate", -1.0).is_err());
        assert!(Password::parse("password", "short").is_err());
    }

    proptest! {
        #[test]
        fn task_key_parser_never_panics_and_round_trips(s in ".{0,30}") {
            if let Ok(k) = TaskKey::parse("id", &s) {
                prop_assert_eq!(k.to_string(), s);
            }
        }

        /// Fuzz: near-misses of a key (signs, spaces, unicode digits,
        /// huge numbers, several dashes, lower case) never panic; what
        /// parses prints back exactly, has a number from 1 and a valid
        /// product key; the rest is refused naming the field.
        #[test]
        fn fuzz_task_key_near_misses_round_trip_or_are_refused(
            prefix in "[A-Za-z0-9_ -]{0,12}|\\PC{0,4}",
            sep in prop_oneof![Just("-"), Just("--"), Just(" - "), Just("‐"), Just("")],
            number in "[0-9]{0,22}|[+-][0-9]{1,4}|[٠-٩]{1,3}|0x1f|1e3| 7|7 ",
        ) {
            let s = format!("{prefix}{sep}{number}");
            match TaskKey::parse("task", &s) {
                Ok(k) => {
                    prop_assert_eq!(k.to_string(), s.clone());
                    prop_assert!(k.number >= 1);
                    prop_assert!(ProductKey::parse("p", k.product.as_str()).is_ok());
                    prop_assert_eq!(TaskKey::parse("task", &k.to_string()), Ok(k));
                }
                Err(e) => prop_assert_eq!(e.field, "task"),
            }
        }

        #[test]
        fn valid_task_keys_parse(p in "[A-Z][A-Z0-9]{1,9}", n in 1i64..1_000_000_000) {
            let s = TaskKey::format(&p, n);
            let k = TaskKey::parse("id", &s).unwrap();
            prop_assert_eq!(k.number, n);
            prop_assert_eq!(k.product.as_str(), p.as_str());
        }
    }

    #[test]
    fn text_filters_are_trimmed_and_bounded() {
        assert_eq!(text_filter("q", None).unwrap(), None);
        assert_eq!(text_filter("q", Some("  ")).unwrap(), None);
        assert_eq!(
            text_filter("q", Some(" login ")).unwrap().as_deref(),
            Some("login")
        );
        let longest = "é".repeat(MAX_FILTER_CHARS);
        assert_eq!(
            text_filter("q", Some(&longest)).unwrap(),
            Some(longest.clone())
        );
        for bad in [format!("{longest}e"), "two\nlines".to_string()] {
            assert_eq!(text_filter("q", Some(&bad)).unwrap_err().field, "q");
        }
    }
}
