//! Which escalation steps a principal's own policies may open, by action alone: a pre-filter
//! for the path search and for who-can's choice of principals to search (docs/rules.md 10.4).
//!
//! The steps and their actions are the catalog's ([`iamsim_catalog::escalation::STEPS`]). A
//! policy's answer is a set of bits, one per action of the steps, computed once per policy
//! (most principals of a large world share their policies) and kept per world; a principal's
//! is the union over its identity policies, its groups' included. The filter only ever says
//! "cannot": a bit is clear only when no Allow statement of the policy may match the action
//! (a `NotAction` statement, or a wildcard that may match, sets it), so a principal it rules out
//! is one every request of the step would refuse by its identity policies.

use crate::request::Caller;
use iamsim_catalog::escalation::STEPS;
use iamsim_policy::{ActionKind, Effect};
use iamsim_world::{PolicyHandle, World};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

/// A set of step actions, one bit each (the catalog has fewer than 128).
type Bits = u128;

/// The actions of the catalog's path steps, each once, in catalog order.
fn actions() -> &'static [&'static str] {
    static ACTIONS: OnceLock<Vec<&'static str>> = OnceLock::new();
    ACTIONS.get_or_init(|| {
        let mut out: Vec<&'static str> = Vec::new();
        for a in STEPS
            .iter()
            .filter(|s| s.is_path_step())
            .flat_map(|s| s.actions())
        {
            if !out.contains(&a) && out.len() < Bits::BITS as usize {
                out.push(a);
            }
        }
        out
    })
}

/// The bits of the actions of the path steps that `keep` selects. Actions past the 128th (none
/// today) have no bit: the filters treat every principal as possibly allowed them.
fn bits_of(keep: &dyn Fn(&iamsim_catalog::escalation::Step, &str) -> bool) -> Bits {
    let all = actions();
    let mut bits = 0;
    for s in STEPS.iter().filter(|s| s.is_path_step()) {
        for a in s.actions() {
            if keep(s, a) {
                if let Some(i) = all.iter().position(|x| *x == a) {
                    bits |= 1 << i;
                }
            }
        }
    }
    bits
}

/// Whether some action past the bits exists (then nothing may be ruled out).
fn overflow() -> bool {
    let mut seen: Vec<&str> = Vec::new();
    for a in STEPS
        .iter()
        .filter(|s| s.is_path_step())
        .flat_map(|s| s.actions())
    {
        if !seen.contains(&a) {
            seen.push(a);
        }
    }
    seen.len() > Bits::BITS as usize
}

/// The step actions one Allow statement may match.
fn statement_bits(s: &iamsim_policy::Statement) -> Bits {
    if s.effect.value != Effect::Allow {
        return 0;
    }
    if s.action.kind == ActionKind::NotAction {
        // What a NotAction leaves in is the evaluator's business: any action may be.
        return Bits::MAX;
    }
    let mut bits = 0;
    for (i, a) in actions().iter().enumerate() {
        if s.action
            .patterns
            .iter()
            .any(|p| p.matcher.matches(a).may_be_true())
        {
            bits |= 1 << i;
        }
    }
    bits
}

/// Which steps a principal's identity policies may open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StepsOpen {
    /// A step other than AssumeRole.
    Others,
    /// AssumeRole only.
    AssumeRoleOnly,
    /// None.
    None,
}

/// The step actions each policy of a world may allow, computed once per policy.
#[derive(Default)]
pub(crate) struct StepIndex {
    by_policy: RwLock<HashMap<usize, (PolicyHandle, Bits)>>,
}

impl StepIndex {
    fn policy_bits(&self, p: &PolicyHandle) -> Bits {
        let key = Arc::as_ptr(p) as usize;
        if let Some((_, b)) = self
            .by_policy
            .read()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return b;
        }
        let bits = p
            .policy
            .statements
            .iter()
            .fold(0, |b, s| b | statement_bits(s));
        if let Ok(mut m) = self.by_policy.write() {
            // The handle is kept with its bits, so its address is not reused while kept.
            m.insert(key, (p.clone(), bits));
        }
        bits
    }

    /// The step actions the identity policies of `caller` (as the world holds it, or as a
    /// path changed it; its groups' policies included) may allow.
    fn caller_bits(&self, world: &World, caller: &Caller) -> Bits {
        if overflow() || crate::escalation_ask::unbounded_by_identity(caller) {
            return Bits::MAX;
        }
        let mut bits = 0;
        let entity = crate::eval::Entity::of(world, caller);
        crate::eval::for_each_caller_policy(world, caller, entity, true, &mut |p, kind, _| {
            if kind == crate::eval::PolicyKind::Identity {
                bits |= self.policy_bits(p);
            }
        });
        bits
    }

    /// Which steps `caller` may take first: whether some step other than AssumeRole may have
    /// every request it needs allowed, else whether AssumeRole may be.
    ///
    /// A request of a step is taken to be possibly allowed when an identity Allow of the caller
    /// may match one of its actions, or, for an action of a service other than IAM, when the
    /// policy of a declared resource of the caller's account may grant it directly (a
    /// function's policy naming the caller needs no identity Allow, 4.10; across accounts one
    /// is needed, 5.2): a take-over step such a policy grants stays open. AssumeRole may be
    /// allowed with no identity Allow when a trust policy of the caller's own account names it
    /// or lets in `*` (4.12).
    pub(crate) fn open(
        &self,
        world: &World,
        caller: &Caller,
        reach: &crate::account_reach::ReachIndex<'_>,
    ) -> StepsOpen {
        static SPLIT: OnceLock<(Bits, Bits)> = OnceLock::new();
        let (assume, others) = *SPLIT.get_or_init(|| {
            (
                bits_of(&|s, _| s.name == "assume-role"),
                bits_of(&|s, _| s.name != "assume-role"),
            )
        });
        let bits = self.caller_bits(world, caller);
        let by_resource = reach.resources_admit_directly(world, caller);
        let may = |n: &NeedBits| bits & n.bits != 0 || (by_resource && n.beyond_iam);
        let other_step = if crate::account_reach::is_unpruned() {
            // Any action of any step (tests compare the two).
            bits & others != 0 || by_resource
        } else {
            step_needs()
                .iter()
                .any(|targets| targets.iter().any(|needs| needs.iter().all(may)))
        };
        if other_step {
            StepsOpen::Others
        } else if bits & assume != 0 || reach.trust_admits_directly(world, caller) {
            StepsOpen::AssumeRoleOnly
        } else {
            StepsOpen::None
        }
    }
}

/// One request a step needs: the bits of its alternative actions, and whether one of them is
/// of a service other than IAM (which a resource-based policy may allow).
struct NeedBits {
    bits: Bits,
    beyond_iam: bool,
}

/// For each path step other than AssumeRole, for each kind of target it takes, the requests it
/// needs on such a target ([`iamsim_catalog::escalation::Step::needs_for`]): every one must be
/// allowed for the step to be taken. The requests needed only when a precondition fails are
/// left out (they only add to what is needed).
fn step_needs() -> &'static [Vec<Vec<NeedBits>>] {
    static NEEDS: OnceLock<Vec<Vec<Vec<NeedBits>>>> = OnceLock::new();
    NEEDS.get_or_init(|| {
        let all = actions();
        let need_bits = |n: &iamsim_catalog::escalation::Need| NeedBits {
            bits: n.any_of.iter().fold(0, |b, a| {
                b | all
                    .iter()
                    .position(|x| x == a)
                    .map_or(Bits::MAX, |i| 1 << i)
            }),
            beyond_iam: n
                .any_of
                .iter()
                .any(|a| !crate::escalation_ask::is_iam_action(a)),
        };
        STEPS
            .iter()
            .filter(|s| s.is_path_step() && s.name != "assume-role")
            .map(|s| {
                if s.targets.is_empty() {
                    vec![s
                        .needs
                        .iter()
                        .filter(|n| n.when.is_none())
                        .map(need_bits)
                        .collect()]
                } else {
                    s.targets
                        .iter()
                        .map(|t| s.needs_for(*t).map(need_bits).collect())
                        .collect()
                }
            })
            .collect()
    })
}

/// Every IAM action of the catalog's path steps: a caller whose identity policies may allow
/// none of them can change no principal (IAM has no resource-based policies for its users,
/// groups, roles and policies, 4.14), whatever step it tries.
pub(crate) fn iam_step_actions() -> &'static [&'static str] {
    static IAM: OnceLock<Vec<&'static str>> = OnceLock::new();
    IAM.get_or_init(|| {
        actions()
            .iter()
            .copied()
            .filter(|a| crate::escalation_ask::is_iam_action(a))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamsim_catalog::escalation::Family;

    /// The steps that change a principal (every identity step but AssumeRole and the ones that
    /// sign in as another user) ask only IAM actions: the search's skip of them for a caller
    /// allowed no IAM step action relies on it.
    #[test]
    fn change_steps_ask_only_iam_actions() {
        for s in STEPS
            .iter()
            .filter(|s| s.is_path_step() && s.family == Family::Identity && s.name != "assume-role")
        {
            for a in s.actions() {
                assert!(
                    iam_step_actions().contains(&a),
                    "step {} asks {a}, not an IAM action",
                    s.name
                );
            }
        }
        assert!(!overflow());
    }

    fn allow(action: &str, key: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","{key}":{action},"Resource":"*"}}]}}"#
        )
    }

    /// The filter never rules out a principal that may take a step: a `NotAction` statement, a
    /// wildcard action, a group's policy and a customer managed policy each open the steps their
    /// actions may match; a Deny or an unrelated Allow opens nothing; and a principal it rules
    /// out is one the path search finds no step for.
    #[test]
    fn the_filter_keeps_every_principal_that_may_take_a_step() {
        let a = "111111111111";
        let trust = crate::test_world::TEST_TRUST_A;
        let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#;
        let users = [
            (
                "not-action",
                allow(r#""s3:GetObject""#, "NotAction"),
                StepsOpen::Others,
            ),
            (
                "wildcard",
                allow(r#""iam:Put*Policy""#, "Action"),
                StepsOpen::Others,
            ),
            (
                "service-wildcard",
                allow(r#""*""#, "Action"),
                StepsOpen::Others,
            ),
            (
                "question-mark",
                allow(r#""iam:CreateAccessKe?""#, "Action"),
                StepsOpen::Others,
            ),
            (
                "assume",
                allow(r#""sts:Assume*""#, "Action"),
                StepsOpen::AssumeRoleOnly,
            ),
            ("reader", allow(r#""s3:*""#, "Action"), StepsOpen::None),
            ("denied", deny.to_string(), StepsOpen::None),
            // PassRole alone hands a role to no service: each such step needs the service's
            // own requests too.
            (
                "pass-only",
                allow(r#""iam:PassRole""#, "Action"),
                StepsOpen::None,
            ),
            // The function's policy names her: she may replace its code and invoke it with
            // no identity Allow (4.10).
            (
                "named-by-function",
                allow(r#""s3:*""#, "Action"),
                StepsOpen::Others,
            ),
        ];
        let mut members: Vec<String> = users
            .iter()
            .map(|(n, p, _)| format!(r#""{n}": {{"policies": [{p}]}}"#))
            .collect();
        members.push(r#""grouped": {"groups": ["ops"]}"#.into());
        members.push(format!(
            r#""managed": {{"policies": ["arn:aws:iam::{a}:policy/self-service"]}}"#
        ));
        // No policy at all, but the trust policy of role `named` names her (4.12).
        members.push(r#""trusted": {}"#.into());
        let function = format!("arn:aws:lambda:us-east-1:{a}:function:f");
        let world = crate::test_world::test_world(&format!(
            r#"{{"accounts": {{"{a}": {{
                "users": {{{}}},
                "groups": {{"ops": {{"policies": [{}]}}}},
                "policies": {{"self-service": {}}},
                "roles": {{
                    "target": {{"trust": {trust}, "policies": [{}]}},
                    "named": {{"trust": {{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{a}:user/trusted"}},"Action":"sts:AssumeRole"}}]}}}}
                }},
                "compute": {{"{function}": {{"role": "target"}}}},
                "resources": {{"{function}": {{"policy": {{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{a}:user/named-by-function"}},"Action":"lambda:*","Resource":"{function}"}}]}}}}}}
            }}}}}}"#,
            members.join(", "),
            allow(
                r#"["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]"#,
                "Action"
            ),
            allow(r#""iam:CreatePolicyVersion""#, "Action"),
            allow(r#""s3:*""#, "Action"),
        ));
        let index = StepIndex::default();
        let paths = crate::PathSearch::new(&world);
        let reach = crate::account_reach::ReachIndex::new(&world);
        let user = |name: &str| Caller::User {
            account: a.into(),
            name: name.into(),
            altered: None,
        };
        let mut want: Vec<(&str, StepsOpen)> = users.iter().map(|(n, _, o)| (*n, *o)).collect();
        want.push(("grouped", StepsOpen::Others));
        want.push(("managed", StepsOpen::Others));
        want.push(("trusted", StepsOpen::AssumeRoleOnly));
        for (name, open) in want {
            let caller = user(name);
            assert_eq!(index.open(&world, &caller, &reach), open, "{name}");
            // Ruled out: the search finds no step at all from it.
            if open == StepsOpen::None {
                let hops = paths.hops_from(&caller, &Default::default());
                assert!(hops.is_empty(), "{name}: {hops:?}");
            }
        }
        // A role session: its role's policies.
        let role = crate::request::Caller::parse(&world, &format!("arn:aws:iam::{a}:role/target"))
            .unwrap();
        assert_eq!(index.open(&world, &role, &reach), StepsOpen::None);
        // Those it keeps find the step they were kept for.
        for (name, kind) in [
            ("named-by-function", "lambda-update-code"),
            ("trusted", "assume-role"),
        ] {
            let hops = paths.hops_from(&user(name), &Default::default());
            assert!(
                hops.iter().flatten().any(|h| h.kind == kind),
                "{name}: {hops:?}"
            );
        }
    }

    /// Two principals with no identity policy at all, each granted its first step by a policy
    /// of their account: `u`, whom the trust policy of role `R` names (4.12), assumes it and
    /// writes R a policy; `fay`, whom the policy of function `f` names (4.10), replaces its code
    /// and acts as its role. who-can lists both, as `can --any-path` finds their paths.
    #[test]
    fn who_can_searches_principals_granted_their_first_step_by_a_resource_policy() {
        let a = "111111111111";
        let function = format!("arn:aws:lambda:us-east-1:{a}:function:f");
        let world = crate::test_world::test_world(&format!(
            r#"{{"accounts": {{"{a}": {{
                "users": {{"u": {{}}, "fay": {{}}}},
                "roles": {{
                    "R": {{
                        "trust": {{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{a}:user/u"}},"Action":"sts:AssumeRole"}}]}},
                        "policies": [{}]
                    }},
                    "FnRole": {{
                        "trust": {{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"lambda.amazonaws.com"}},"Action":"sts:AssumeRole"}}]}},
                        "policies": [{}]
                    }}
                }},
                "compute": {{"{function}": {{"role": "FnRole"}}}},
                "resources": {{"{function}": {{"policy": {{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{a}:user/fay"}},"Action":["lambda:UpdateFunctionCode","lambda:InvokeFunction"],"Resource":"{function}"}}]}}}}}}
            }}}}}}"#,
            allow(r#""iam:PutRolePolicy""#, "Action"),
            allow(r#""iam:CreateUser""#, "Action"),
        ));
        let answer = crate::who_can(
            &world,
            &crate::WhoCanQuery {
                action: "iam:CreateUser".into(),
                resource: format!("arn:aws:iam::{a}:user/x"),
                context: Default::default(),
            },
        )
        .unwrap();
        for (user, via) in [("u", vec!["R", "R"]), ("fay", vec!["FnRole"])] {
            let via: Vec<String> = via
                .iter()
                .map(|r| format!("arn:aws:iam::{a}:role/{r}"))
                .collect();
            assert!(
                answer
                    .principals
                    .iter()
                    .any(|e| e.principal == format!("arn:aws:iam::{a}:user/{user}")
                        && e.via == via
                        && e.decision() == "allow"),
                "{user}: {:?}",
                answer
                    .principals
                    .iter()
                    .map(|e| (&e.principal, &e.via))
                    .collect::<Vec<_>>()
            );
        }
    }
}
