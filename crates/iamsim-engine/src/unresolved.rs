//! Statements holding values that Terraform or CloudFormation files leave open (rule 0.2): the
//! world builder widens them and marks them with a condition on `iamsim:unresolved` listing the
//! references (docs/world-format.md). The one walk never takes a marked statement to apply for
//! sure: where the widened statement matches, it *may* apply.

use crate::statement::StatementMatch;
use iamsim_policy::{Statement, Truth};

/// The condition key of the mark (the IaC readers write it).
pub(crate) const KEY: &str = "iamsim:unresolved";

/// The references a marked statement lists; empty when it is not marked.
fn references(s: &Statement) -> impl Iterator<Item = &str> {
    s.conditions
        .iter()
        .filter(|c| c.key.value.eq_ignore_ascii_case(KEY))
        .flat_map(|c| c.values.iter().map(|v| v.text.as_str()))
}

/// A statement's match, with a marked statement's sure match made a possible one; true when
/// the statement is marked and may apply.
#[inline]
pub(crate) fn demote(
    s: &Statement,
    mut m: StatementMatch,
    reasons: bool,
) -> (StatementMatch, bool) {
    if m.applies == Truth::False && m.by_kind.any() == Truth::False {
        return (m, false);
    }
    if s.conditions.is_empty() || references(s).next().is_none() {
        return (m, false);
    }
    m.applies = m.applies.and(Truth::Unknown);
    m.by_kind.direct = m.by_kind.direct.and(Truth::Unknown);
    m.by_kind.entity = m.by_kind.entity.and(Truth::Unknown);
    m.by_kind.account = m.by_kind.account.and(Truth::Unknown);
    if reasons {
        let refs: Vec<&str> = references(s).collect();
        m.why = Some(format!(
            "it holds values the Terraform or CloudFormation files leave open ({}): it may apply, so it decides nothing for sure (0.2)",
            refs.join(", ")
        ));
    }
    (m, true)
}
