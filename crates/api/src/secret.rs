//! The OAuth token newtype. Owns redaction: the value can only be read through
//! [`Token::expose`], and Debug/Display never print it. Does not own storage (see `tokens`).

use std::fmt;

/// An OAuth access (or refresh) token. Debug and Display print `y0_…(redacted)`; the raw value
/// is reachable only through [`Token::expose`], which the HTTP layer and the token store use.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(value: impl Into<String>) -> Self {
        Token(value.into())
    }

    /// The raw value, for the `Authorization` header and the token store only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A stable, non-reversible key for per-token bookkeeping (quota semaphores).
    pub(crate) fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.0.hash(&mut h);
        h.finish()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("y0_…(redacted)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("y0_…(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_debug_and_display_never_show_the_value() {
        let t = Token::new("y0_AgAAAAB-secret-value");
        assert_eq!(format!("{t:?}"), "y0_…(redacted)");
        assert_eq!(t.to_string(), "y0_…(redacted)");
        assert!(!format!("{:?}", Some(&t)).contains("secret"));
        assert_eq!(t.expose(), "y0_AgAAAAB-secret-value");
    }
}
