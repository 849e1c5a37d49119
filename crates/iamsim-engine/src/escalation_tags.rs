//! The change-tags step (docs/rules.md 10.4): a caller allowed `iam:TagUser` / `iam:TagRole`
//! (or their `Untag` counterparts) on itself, or on a user or role it can act as, gives that
//! principal the tags a condition asks for, or takes away a tag a condition keys on; the
//! principal's later requests carry `aws:PrincipalTag/KEY` as changed.
//!
//! The values a caller would write are the ones the world's policies compare a principal tag
//! with ([`TagValues`]): a tag no condition names changes no decision. Each tagging request is
//! decided by the one evaluator with the keys AWS sends with it (`aws:RequestTag/KEY`,
//! `aws:TagKeys`), so a policy that limits which tags its holder may write is honoured.

use crate::escalation_alter::{Change, ChangeData};
use crate::escalation_hops::{change_hop, Asker, Decider, IdentityAllows, PathHop, PathIndex};
use crate::request::Caller;
use iamsim_catalog::escalation::Target;
use iamsim_policy::condition::OperatorBase;
use iamsim_policy::Context;
use iamsim_world::World;
use std::collections::{BTreeMap, BTreeSet};

/// The prefix of the condition keys that read a principal's tags.
const PRINCIPAL_TAG: &str = "aws:principaltag/";

/// The values conditions of a world's policies compare each principal tag key with.
#[derive(Debug, Default)]
pub(crate) struct TagValues {
    /// Key → the values named (a `StringLike` value with each wildcard made `x`).
    by_key: BTreeMap<String, BTreeSet<String>>,
}

impl TagValues {
    /// From every policy of the world (identity, boundary, resource and organization policies).
    pub(crate) fn of(world: &World) -> TagValues {
        let mut by_key: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for p in iamsim_world::world_policies(world) {
            for s in &p.statements {
                for c in &s.conditions {
                    let key = &c.key.value;
                    let Some(tag) = key
                        .get(..PRINCIPAL_TAG.len())
                        .filter(|p| p.eq_ignore_ascii_case(PRINCIPAL_TAG))
                        .and_then(|_| key.get(PRINCIPAL_TAG.len()..))
                    else {
                        continue;
                    };
                    let values = by_key.entry(tag.to_string()).or_default();
                    if c.operator.value.base == OperatorBase::Null {
                        continue;
                    }
                    for v in &c.values {
                        // A policy variable stands for another key's value: not a value one
                        // can write here.
                        if v.text.contains("${") {
                            continue;
                        }
                        values.insert(v.text.replace(['*', '?'], "x"));
                    }
                }
            }
        }
        TagValues { by_key }
    }
}

/// The change-tags hops by which `actor` changes `subject` (of kind `kind`, ARN `arn`): each tag
/// value a condition names set, and each tag a condition names that the subject has removed.
#[allow(clippy::too_many_arguments)]
pub(crate) fn tag_changes(
    ix: &PathIndex<'_>,
    actor: &Caller,
    allows: &IdentityAllows<'_>,
    subject: &Caller,
    (kind, arn): (Target, &str),
    context: &Context,
    decide: Decider<'_>,
    out: &mut Vec<PathHop>,
) {
    let world = ix.world;
    let Some(step) = iamsim_catalog::escalation::step("change-tags") else {
        return;
    };
    if ix.principal_tags.by_key.is_empty() || !step.targets.contains(&kind) {
        return;
    }
    let (tag, untag): (Vec<&str>, Vec<&str>) = step
        .needs_for(kind)
        .flat_map(|n| n.any_of.iter().copied())
        .partition(|a| !a.contains(":Untag"));
    if !allows.may(&tag) && !allows.may(&untag) {
        return;
    }
    let current = match kind {
        Target::User => subject.acting_user(world).map(|u| &u.tags),
        _ => subject.acting_role(world).map(|r| &r.tags),
    };
    let Some(current) = current else { return };
    let subject_name = subject.arn(world);
    for (key, values) in &ix.principal_tags.by_key {
        // One hop per tag written (`Some`) or removed (`None`), asked by `asker`.
        let mut hop = |asker, value: Option<&String>, said: String| {
            let change = Change::Tag {
                key: key.clone(),
                value: value.cloned(),
            };
            out.extend(change_hop(
                world,
                subject,
                asker,
                step,
                arn,
                change,
                ChangeData::None,
                said,
            ));
        };
        let request_tag = format!("aws:RequestTag/{key}");
        for value in values {
            if current.get(key) == Some(value) {
                continue;
            }
            let mut asker = Asker::new(world, actor, allows, context, decide);
            asker.ask(
                &tag,
                arn,
                &[(&request_tag, value), ("aws:TagKeys", key.as_str())],
            );
            let said = format!("change-tags: {subject_name} tagged {key}={value}");
            hop(asker, Some(value), said);
        }
        if current.contains_key(key) {
            let mut asker = Asker::new(world, actor, allows, context, decide);
            asker.ask(&untag, arn, &[("aws:TagKeys", key.as_str())]);
            hop(
                asker,
                None,
                format!("change-tags: tag {key} removed from {subject_name}"),
            );
        }
    }
}
