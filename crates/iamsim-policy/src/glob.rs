//! Wildcard matching (`*`, `?`) in time linear in pattern and input, without allocation per match.
//! STUB: naive placeholder; the implementation replaces this body.

use crate::variables::Piece;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    pieces: Vec<Piece>,
    case_insensitive: bool,
}

impl Glob {
    /// Compiles pieces that hold no `Variable` (variables are substituted first).
    pub fn new(pieces: &[Piece], case_insensitive: bool) -> Glob {
        Glob {
            pieces: pieces.to_vec(),
            case_insensitive,
        }
    }

    pub fn matches(&self, input: &str) -> bool {
        let _ = input;
        false
    }
}
