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

/// Whether S3 Block Public Access takes `s` for public (7.10, 7.11). A marked statement was
/// widened where its files leave a principal or condition open: whether the statement as
/// deployed is public is not known, so Block Public Access is not taken to void it; it stays,
/// and decides nothing for sure (0.2).
pub(crate) fn public_for_block(s: &Statement) -> bool {
    iamsim_policy::public::statement_is_public(s) && references(s).next().is_none()
}

/// Whether S3 Block Public Access takes the policy for public: any of its statements is
/// ([`public_for_block`]).
pub(crate) fn policy_public_for_block(p: &iamsim_policy::Policy) -> bool {
    p.statements.iter().any(public_for_block)
}

#[cfg(test)]
mod tests {
    use crate::explain::Decision;
    use crate::request::{Action, Caller};
    use crate::{decide_only, evaluate_hop, HopRequest};
    use iamsim_policy::Context;

    const MARK: &str = r#""Condition":{"StringEqualsIfExists":{"iamsim:unresolved":["var.x"]}}"#;

    /// The decision of alice's `action` on object `k` of bucket `b`, with these statements as
    /// her policy; the explained and the decision-only walks agree.
    fn decide(statements: &str, action: &str) -> (Decision, String) {
        let policy = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
        let world = crate::test_world::test_world(&format!(
            r#"{{"accounts": {{"111111111111": {{"users": {{"alice": {{"policies": [{policy}]}}}}, "buckets": {{"b": {{}}}}}}}}}}"#
        ));
        let caller = Caller::parse(&world, "arn:aws:iam::111111111111:user/alice").unwrap();
        let action = Action::parse(action).unwrap();
        let context = Context::new();
        let req = HopRequest {
            caller: &caller,
            action: &action,
            resource: "arn:aws:s3:::b/k",
            context: &context,
            assume: None,
        };
        let hop = evaluate_hop(&world, &req);
        assert_eq!(decide_only(&world, &req), hop.decision);
        (hop.decision, format!("{hop:?}"))
    }

    /// Bob of account 222222222222 (allowed s3:GetObject by his own policy) reading object `k`
    /// of bucket `b` of account 111111111111, whose Block Public Access is on and whose bucket
    /// policy is `statement`.
    fn cross_account(statement: &str) -> Decision {
        let world = crate::test_world::test_world(&format!(
            r#"{{"accounts": {{
                "111111111111": {{"buckets": {{"b": {{"block_public_access": true,
                    "policy": {{"Version":"2012-10-17","Statement":[{statement}]}}}}}}}},
                "222222222222": {{"users": {{"bob": {{"policies": [{{"Version":"2012-10-17",
                    "Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}]}}]}}}}}}}}}}"#
        ));
        let caller = Caller::parse(&world, "arn:aws:iam::222222222222:user/bob").unwrap();
        let action = Action::parse("s3:GetObject").unwrap();
        let context = Context::new();
        let req = HopRequest {
            caller: &caller,
            action: &action,
            resource: "arn:aws:s3:::b/k",
            context: &context,
            assume: None,
        };
        let hop = evaluate_hop(&world, &req);
        assert_eq!(decide_only(&world, &req), hop.decision);
        hop.decision
    }

    /// A grant whose principal the files leave open is widened to `*` and marked: Block Public
    /// Access (7.10) may not take it for public and void it, since the principal as deployed
    /// (another account, say) may not be public. It is indeterminate; unmarked, it is void.
    #[test]
    fn block_public_access_does_not_void_a_marked_grant() {
        let grant = r#""Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*""#;
        assert_eq!(
            cross_account(&format!("{{{grant},{MARK}}}")),
            Decision::Indeterminate
        );
        assert_eq!(
            cross_account(&format!("{{{grant}}}")),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn a_marked_allow_that_matches_is_indeterminate_and_names_the_reference() {
        let (d, text) = decide(
            &format!(r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",{MARK}}}"#),
            "s3:GetObject",
        );
        assert_eq!(d, Decision::Indeterminate);
        assert!(text.contains("var.x"), "{text}");
    }

    #[test]
    fn a_marked_deny_that_may_apply_stops_a_sure_allow_as_indeterminate() {
        let allow = r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#;
        let deny =
            format!(r#"{{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*",{MARK}}}"#);
        let (d, _) = decide(&format!("{allow},{deny}"), "s3:DeleteObject");
        assert_eq!(d, Decision::Indeterminate);
        // The same Deny unmarked denies for sure.
        let plain = r#"{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}"#;
        assert_eq!(
            decide(&format!("{allow},{plain}"), "s3:DeleteObject").0,
            Decision::ExplicitDeny
        );
    }

    #[test]
    fn a_marked_statement_whose_known_parts_do_not_match_changes_nothing() {
        let allow = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#;
        let deny =
            format!(r#"{{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*",{MARK}}}"#);
        assert_eq!(
            decide(&format!("{allow},{deny}"), "s3:GetObject").0,
            Decision::Allow
        );
        let marked_allow =
            format!(r#"{{"Effect":"Allow","Action":"s3:PutObject","Resource":"*",{MARK}}}"#);
        assert_eq!(
            decide(&marked_allow, "s3:GetObject").0,
            Decision::ImplicitDeny
        );
    }
}
