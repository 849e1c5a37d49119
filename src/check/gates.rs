//! The gates themselves, each answered by the engine: the requests to ask are chosen by
//! `iamsim_lint::access`, every decision is `who-can`'s, and a comparison is
//! `iamsim_engine::compare_worlds`.

use super::Finding;
use iamsim_engine::{
    compare_worlds, policy_world, policy_world_role_arn, world_policies, Change, Comparison, Probe,
    World, POLICY_WORLD_ACCOUNT, POLICY_WORLD_USER,
};
use iamsim_lint::access::{requests, Substitutions, Unnamed};
use iamsim_lint::LoadedPolicy;
use iamsim_policy::files::InputFile;
use iamsim_policy::{Context, Policy, PolicyType};
use std::path::Path;

/// Why a gate could not be run at all (bad input: exit 2).
pub struct BadInput(pub String);

/// The text of a policy as it was read (a file, an inline document of world.json, or an AWS
/// managed policy a world attaches by ARN): never read a second time. Text outside the document
/// is blanked, newlines kept, so positions stay those of the file. It was read through the one
/// reader, named on the command line or by a world being checked, so its lines may be shown.
fn input_of(policy: &LoadedPolicy) -> InputFile {
    let text = policy.policy.source.text();
    let span = policy.policy.span;
    let (start, end) = (span.start as usize, span.end as usize);
    let bytes = text
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            if (start..end).contains(&i) || b == b'\n' {
                b
            } else {
                b' '
            }
        })
        .collect();
    InputFile {
        name: policy.file.clone(),
        bytes,
        shown: true,
    }
}

/// The principal tags the policies' conditions test, each value they name and one they do not.
fn principal_tags(policies: &[&Policy]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for p in policies {
        for s in &p.statements {
            for c in &s.conditions {
                let key = &c.key.value;
                let Some(tag) = key
                    .get(..17)
                    .filter(|h| h.eq_ignore_ascii_case("aws:PrincipalTag/"))
                    .and_then(|_| key.get(17..))
                else {
                    continue;
                };
                let values = c
                    .values
                    .iter()
                    .map(|v| v.text.clone())
                    .chain(std::iter::once("iamsim-other".to_string()));
                for v in values {
                    let pair = (tag.to_string(), v);
                    if !out.contains(&pair) {
                        out.push(pair);
                    }
                }
            }
        }
    }
    out
}

fn build(
    policy: &LoadedPolicy,
    ty: PolicyType,
    probes: &[Probe],
    tags: &[(String, String)],
) -> Result<World, BadInput> {
    let input = input_of(policy);
    policy_world(input, policy.context.aws_managed, ty, probes, tags).map_err(|e| {
        BadInput(format!(
            "{}: the policy cannot be decided: {}",
            policy.file,
            e.diagnostics
                .iter()
                .find(|d| d.severity == iamsim_policy::Severity::Error)
                .or(e.diagnostics.first())
                .map(|d| d.message.clone())
                .unwrap_or_default()
        ))
    })
}

/// Values of the variables a policy world gives its callers.
fn policy_world_vars(tags: &[(String, String)]) -> Substitutions {
    let mut v = Substitutions::new();
    let mut names = vec![POLICY_WORLD_USER.to_string()];
    names.extend((1..=tags.len()).map(|i| format!("{POLICY_WORLD_USER}-{i}")));
    v.insert("aws:username".into(), names);
    v.insert(
        "aws:principalaccount".into(),
        vec![POLICY_WORLD_ACCOUNT.into()],
    );
    v
}

fn to_probes(reqs: Vec<(String, String)>) -> Vec<Probe> {
    reqs.into_iter()
        .map(|(action, resource)| Probe { action, resource })
        .collect()
}

/// The findings of a comparison, or the reason it is not proven.
/// `noun`: what was compared (`policy` or `world`).
fn findings_of(
    file: &str,
    c: Comparison,
    tags: &[(String, String)],
    noun: &str,
    out: &mut Vec<Finding>,
) {
    for r in c.incomplete {
        out.push(Finding::unproven(file, r));
    }
    for d in c.differences {
        let reason = match d.change {
            Change::NewAccess => format!("the new {noun} allows it; the old {noun} does not"),
            Change::NotProven => format!("not proven: {}", d.reason.replace("world", noun)),
        };
        // The tagged users of a policy world: the tag is the request key that matters.
        let context = d
            .principal
            .rsplit_once(&format!("user/{POLICY_WORLD_USER}-"))
            .and_then(|(_, n)| n.parse::<usize>().ok())
            .and_then(|n| tags.get(n.wrapping_sub(1)))
            .map(|(k, v)| vec![(format!("aws:PrincipalTag/{k}"), v.clone())])
            .unwrap_or_default();
        out.push(Finding {
            file: file.to_string(),
            proven: d.change == Change::NewAccess,
            context,
            reason,
            principal: Some(d.principal),
            via: d.via,
            action: Some(d.action),
            resource: Some(d.resource),
            conditions: d.conditions,
            terms: d.terms,
            path: d.path,
        });
    }
}

/// `no-new-access` between two policy files read as the same type.
pub fn policies(old: &LoadedPolicy, new: &LoadedPolicy) -> Result<Vec<Finding>, BadInput> {
    let ty = new.policy.policy_type;
    if old.policy.policy_type != ty {
        return Err(BadInput(format!(
            "`{}` reads as a {} policy and `{}` as a {} policy; compare policies of one type (--policy-type)",
            old.file,
            type_name(old.policy.policy_type),
            new.file,
            type_name(ty)
        )));
    }
    let role = [policy_world_role_arn()];
    let fixed = (ty == PolicyType::Trust).then_some(&role[..]);
    let mut out = Vec::new();
    let tags = principal_tags(&[&old.policy, &new.policy]);
    let reqs = match requests(
        &[&old.policy, &new.policy],
        &policy_world_vars(&tags),
        None,
        fixed,
        &Unnamed::default(),
    ) {
        Ok(r) => r,
        Err(reason) => {
            out.push(Finding::unproven(&new.file, reason));
            return Ok(out);
        }
    };
    let probes = to_probes(reqs);
    let (ow, nw) = (
        build(old, ty, &probes, &tags)?,
        build(new, ty, &probes, &tags)?,
    );
    let c =
        compare_worlds(&ow, &nw, &probes, &Context::new()).map_err(|e| BadInput(e.to_string()))?;
    findings_of(&new.file, c, &tags, "policy", &mut out);
    Ok(out)
}

/// `no-new-access` between two worlds: every principal of the new world, through every role
/// chain who-can follows.
pub fn worlds(
    old_dir: &Path,
    new_dir: &Path,
    old: &World,
    new: &World,
) -> Result<Vec<Finding>, BadInput> {
    let load = |d: &Path| {
        iamsim_lint::load_policies_in(d, None, crate::root()).map_err(|_| {
            BadInput(format!(
                "{}: the world's policies cannot be read",
                d.display()
            ))
        })
    };
    let (op, np) = (load(old_dir)?, load(new_dir)?);
    // The policies of accounts built from `iac` files are the loaded worlds' own.
    let all: Vec<&Policy> = op
        .iter()
        .chain(np.iter())
        .map(|p| &p.policy)
        .chain(world_policies(old))
        .chain(world_policies(new))
        .collect();
    let file = new_dir.join("world.json").display().to_string();
    compare_pair(&file, &all, old, new)
}

/// `no-new-access` between the worlds of two revisions of Terraform or CloudFormation sources
/// (`file` names the new one).
pub fn iac_worlds(file: &str, old: &World, new: &World) -> Result<Vec<Finding>, BadInput> {
    let all: Vec<&Policy> = world_policies(old)
        .into_iter()
        .chain(world_policies(new))
        .collect();
    compare_pair(file, &all, old, new)
}

/// Two worlds compared over the requests `all` (the policies of both) can distinguish.
fn compare_pair(
    file: &str,
    all: &[&Policy],
    old: &World,
    new: &World,
) -> Result<Vec<Finding>, BadInput> {
    let mut out = Vec::new();
    // What a world's Terraform or CloudFormation files hold but the world leaves out may grant
    // anything in the new world, and may deny, in the old, what the new one allows: not proven.
    for (name, w) in [("old", old), ("new", new)] {
        for d in w
            .warnings()
            .iter()
            .filter(|d| d.code == iamsim_policy::Code::IacLeftOut)
        {
            out.push(Finding::unproven(
                file,
                format!(
                    "the {name} world leaves out what its files declare or call: {}",
                    d.message
                ),
            ));
        }
    }
    let mut vars = Substitutions::new();
    for w in [old, new] {
        for u in w.users() {
            vars.entry("aws:username".into())
                .or_default()
                .push(u.name().to_string());
        }
    }
    for v in vars.values_mut() {
        v.sort();
        v.dedup();
    }
    // Unnamed resources inside what the new world models: an object of each bucket it declares.
    let mut unnamed = Unnamed {
        account: new
            .accounts()
            .keys()
            .next()
            .cloned()
            .unwrap_or_else(|| POLICY_WORLD_ACCOUNT.into()),
        s3: Vec::new(),
        roles: new.roles().map(|r| r.arn().to_string()).collect(),
    };
    for a in new.accounts().values() {
        for b in a.buckets.keys() {
            unnamed.s3.push(format!("arn:aws:s3:::{b}/iamsim-unnamed"));
            unnamed.s3.push(format!("arn:aws:s3:::{b}"));
        }
    }
    let reqs = match requests(all, &vars, None, None, &unnamed) {
        Ok(r) => r,
        Err(reason) => {
            out.push(Finding::unproven(file, reason));
            return Ok(out);
        }
    };
    let probes = to_probes(reqs);
    let c =
        compare_worlds(old, new, &probes, &Context::new()).map_err(|e| BadInput(e.to_string()))?;
    findings_of(file, c, &[], "world", &mut out);
    Ok(out)
}

/// `access-not-granted`: may any principal the policy's world holds make one of `actions` (each
/// a catalog action) on `resource`, or on any resource?
pub fn access_not_granted(
    p: &LoadedPolicy,
    actions: &[String],
    resource: Option<&str>,
) -> Result<Vec<Finding>, BadInput> {
    let mut out = granted(p, Some(actions), resource)?;
    for f in &mut out {
        if f.proven {
            f.reason = "the policy allows it".into();
        }
    }
    Ok(out)
}

/// The same world with a policy that allows nothing in place of `p`.
fn build_empty(
    p: &LoadedPolicy,
    ty: PolicyType,
    probes: &[Probe],
    tags: &[(String, String)],
) -> Result<World, BadInput> {
    let text = match ty {
        PolicyType::Trust => {
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*"}]}"#
        }
        PolicyType::Resource => {
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#
        }
        _ => {
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#
        }
    };
    let input = InputFile {
        name: format!("{} (nothing allowed)", p.file),
        bytes: text.as_bytes().to_vec(),
        shown: false,
    };
    policy_world(input, false, ty, probes, tags).map_err(|e| {
        BadInput(format!(
            "{}: {}",
            p.file,
            e.diagnostics
                .iter()
                .find(|d| d.severity == iamsim_policy::Severity::Error)
                .or(e.diagnostics.first())
                .map(|d| d.message.clone())
                .unwrap_or_default()
        ))
    })
}

/// `no-public-access` for one resource-based or trust policy: public by the one definition of
/// 7.11, or an anonymous caller, any account, or (with `known` accounts) an account outside the
/// world that the engine lets in.
pub fn no_public_access(p: &LoadedPolicy, known: &[String]) -> Result<Vec<Finding>, BadInput> {
    let mut out = Vec::new();
    for s in &p.policy.statements {
        if iamsim_policy::public::statement_is_public(s) {
            let conds: Vec<String> = s
                .conditions
                .iter()
                .map(|c| format!("`{}` on `{}`", c.operator.value.name(), c.key.value))
                .collect();
            out.push(Finding {
                file: p.file.clone(),
                proven: true,
                reason: format!(
                    "{} is public (7.11): it grants to everyone{}",
                    s.label(),
                    if conds.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " under conditions that do not restrict it to fixed values of the keys AWS lists ({})",
                            conds.join(", ")
                        )
                    }
                ),
                principal: Some("anonymous".into()),
                via: Vec::new(),
                action: None,
                resource: None,
                conditions: Vec::new(),
                terms: Vec::new(),
                context: Vec::new(),
                path: vec![format!("{} {}", p.policy.location(s.span), s.label())],
            });
        }
    }
    if !out.is_empty() {
        // The engine's own request for an anonymous caller (or any account), when it shows one.
        let granted = everything_granted(p)?;
        let witness = ["anonymous", "account:*"].iter().find_map(|who| {
            granted
                .iter()
                .find(|f| f.principal.as_deref() == Some(*who) && f.proven)
        });
        if let (Some(w), Some(first)) = (witness, out.first_mut()) {
            first.principal = w.principal.clone();
            first.action = w.action.clone();
            first.resource = w.resource.clone();
            first.path = w.path.clone();
        }
        return Ok(out);
    }
    // Every grant to everyone left is restricted (7.11): what the engine lets in outright, or
    // cannot decide, for anonymous callers and any account; with the world's accounts known,
    // any grant to an account outside them.
    let mut all = everything_granted(p)?;
    // The policy world puts the resource in its own account, whose principals the policy does not
    // have to name: they stand for the resource's owner, not for an account outside the world.
    // When the policy itself names that account id, its principals are taken as outside (a
    // failure on doubt, never a pass).
    let span = p.policy.span;
    let text = p
        .policy
        .source
        .text()
        .get(span.start as usize..span.end as usize)
        .unwrap_or_default();
    let owner = (!text.contains(POLICY_WORLD_ACCOUNT)).then_some(POLICY_WORLD_ACCOUNT);
    all.retain(|f| {
        let Some(who) = f.principal.as_deref() else {
            return true;
        };
        let anyone = who == "anonymous" || who == "account:*";
        let outside = !known.is_empty()
            && who
                .strip_prefix("account:")
                .or_else(|| who.split(':').nth(4))
                .is_some_and(|a| a != "*" && Some(a) != owner && !known.iter().any(|k| k == a));
        (anyone && f.conditions.is_empty()) || outside
    });
    Ok(all)
}

/// `no-new-access` for a policy file that is new: everything it grants is new.
pub fn added(p: &LoadedPolicy) -> Result<Vec<Finding>, BadInput> {
    let mut out = everything_granted(p)?;
    for f in &mut out {
        if f.proven {
            f.reason = "the policy is new and allows it".into();
        }
    }
    Ok(out)
}

/// Everything the policy grants anyone, as findings.
fn everything_granted(p: &LoadedPolicy) -> Result<Vec<Finding>, BadInput> {
    granted(p, None, None)
}

/// What the policy grants anyone (of `actions`, on `resource`, when given): its world compared
/// with the same world where nothing is allowed, so that everything allowed is a finding.
fn granted(
    p: &LoadedPolicy,
    actions: Option<&[String]>,
    resource: Option<&str>,
) -> Result<Vec<Finding>, BadInput> {
    let ty = p.policy.policy_type;
    let role = [policy_world_role_arn()];
    let given: Vec<String> = resource.map(|r| vec![r.to_string()]).unwrap_or_default();
    let fixed = if ty == PolicyType::Trust {
        Some(&role[..])
    } else if resource.is_some() {
        Some(&given[..])
    } else {
        None
    };
    let mut out = Vec::new();
    let tags = principal_tags(&[&p.policy]);
    let reqs = match requests(
        &[&p.policy],
        &policy_world_vars(&tags),
        actions,
        fixed,
        &Unnamed::default(),
    ) {
        Ok(r) => r,
        Err(reason) => {
            out.push(Finding::unproven(&p.file, reason));
            return Ok(out);
        }
    };
    let probes = to_probes(reqs);
    let world = build(p, ty, &probes, &tags)?;
    let empty = build_empty(p, ty, &probes, &tags)?;
    let c = compare_worlds(&empty, &world, &probes, &Context::new())
        .map_err(|e| BadInput(e.to_string()))?;
    findings_of(&p.file, c, &tags, "policy", &mut out);
    Ok(out)
}

fn type_name(t: PolicyType) -> String {
    format!("{t:?}").to_ascii_lowercase()
}
