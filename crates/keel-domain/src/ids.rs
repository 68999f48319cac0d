//! Opaque identifiers. Every stored item gets a UUIDv7 rendered as text, so
//! ids sort by creation time on both databases and never leak a counter.

/// A new identifier, time-ordered.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// Whether `s` looks like an id we issued (32 lowercase hex digits).
pub fn looks_like_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_recognised_and_ordered() {
        let a = new_id();
        let b = new_id();
        assert!(looks_like_id(&a));
        assert!(a < b, "UUIDv7 ids sort by creation time");
        assert!(!looks_like_id("KEEL-1"));
    }
}
