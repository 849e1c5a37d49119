//! Three-valued matching, the engine's form of the dual-reading rule (docs/rules.md 0.2).
//!
//! When a construct has more than one plausible meaning, every reading is evaluated: `True` means
//! it holds under every reading, `False` under none, `Unknown` under some but not all. An `Allow`
//! statement applies only when its match is `True`; a `Deny` statement applies when it is `True`
//! or `Unknown`. Combining follows Kleene's logic, which is exact when readings are independent.

/// Whether something holds, under every reading of what was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Truth {
    /// Holds under no reading.
    False,
    /// Holds under some readings and not others, or cannot be decided from what is known.
    Unknown,
    /// Holds under every reading.
    True,
}

impl Truth {
    /// `True` or `False`: a question with one reading.
    pub fn from_bool(b: bool) -> Truth {
        if b {
            Truth::True
        } else {
            Truth::False
        }
    }

    /// Both hold (Kleene's AND: `False` wins, then `Unknown`).
    #[must_use]
    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, Truth::True) => Truth::True,
            _ => Truth::Unknown,
        }
    }

    /// Either holds (Kleene's OR: `True` wins, then `Unknown`).
    #[must_use]
    pub fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::True, _) | (_, Truth::True) => Truth::True,
            (Truth::False, Truth::False) => Truth::False,
            _ => Truth::Unknown,
        }
    }

    /// The negation; `Unknown` stays `Unknown`.
    #[allow(clippy::should_implement_trait)]
    #[must_use]
    pub fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }

    /// Holds under every reading (what an `Allow` needs).
    pub fn is_true(self) -> bool {
        self == Truth::True
    }

    /// Holds under at least one reading (what makes a `Deny` apply).
    pub fn may_be_true(self) -> bool {
        self != Truth::False
    }

    /// Two readings, one per flag: `True` when both hold, `False` when neither does.
    pub fn from_readings(a: bool, b: bool) -> Truth {
        match (a, b) {
            (true, true) => Truth::True,
            (false, false) => Truth::False,
            _ => Truth::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Truth::{self, *};

    #[test]
    fn kleene_tables() {
        let all = [False, Unknown, True];
        for a in all {
            for b in all {
                // De Morgan holds in Kleene logic.
                assert_eq!(a.and(b).not(), a.not().or(b.not()));
                assert_eq!(a.and(b), b.and(a));
                assert_eq!(a.or(b), b.or(a));
            }
        }
        assert_eq!(Unknown.and(True), Unknown);
        assert_eq!(Unknown.and(False), False);
        assert_eq!(Unknown.or(True), True);
        assert_eq!(Truth::from_readings(true, false), Unknown);
    }
}
