//! ARN patterns for the Arn operators (3.14): six colon-separated components, each a
//! case-sensitive glob whose `*` cannot reach into the next component.

use crate::arn::parse_arn;
use crate::glob::Glob;
use crate::truth::Truth;
use crate::variables::Piece;

/// A compiled ARN pattern; `None` when the pattern has fewer than six components, which makes
/// every comparison indeterminate (3.14).
#[derive(Clone, Debug)]
pub struct ArnPattern {
    components: Option<Box<[Glob; 6]>>,
}

impl ArnPattern {
    /// Compiles pieces that hold no `Variable`. Colons in literal text separate components; the
    /// sixth component takes the rest, colons included.
    pub fn new(pieces: &[Piece]) -> ArnPattern {
        let mut parts: Vec<Vec<Piece>> = vec![Vec::new()];
        for piece in pieces {
            let Piece::Literal(text) = piece else {
                if let Some(current) = parts.last_mut() {
                    current.push(piece.clone());
                }
                continue;
            };
            let mut rest = text.as_str();
            while parts.len() < 6 {
                let Some((head, tail)) = rest.split_once(':') else {
                    break;
                };
                push_literal(&mut parts, head);
                parts.push(Vec::new());
                rest = tail;
            }
            push_literal(&mut parts, rest);
        }
        let globs: Vec<Glob> = parts.iter().map(|p| Glob::new(p, false)).collect();
        ArnPattern {
            components: <[Glob; 6]>::try_from(globs).ok().map(Box::new),
        }
    }

    /// Whether the pattern is not an ARN of six parts; it then matches nothing with certainty
    /// and every comparison is indeterminate (3.14).
    pub fn is_malformed(&self) -> bool {
        self.components.is_none()
    }

    /// Matches a request ARN component by component; a malformed ARN on either side is
    /// indeterminate.
    pub(crate) fn matches(&self, value: &str) -> Truth {
        let (Some(globs), Ok(arn)) = (&self.components, parse_arn(value)) else {
            return Truth::Unknown;
        };
        let [prefix, partition, service, region, account, resource] = globs.as_ref();
        // The first component is the literal `arn`, matched like the others.
        Truth::from_bool(
            prefix.matches("arn")
                && partition.matches(arn.partition)
                && service.matches(arn.service)
                && region.matches(arn.region)
                && account.matches(arn.account)
                && resource.matches(arn.resource),
        )
    }
}

fn push_literal(parts: &mut [Vec<Piece>], text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(current) = parts.last_mut() {
        match current.last_mut() {
            Some(Piece::Literal(s)) => s.push_str(text),
            _ => current.push(Piece::Literal(text.to_string())),
        }
    }
}
