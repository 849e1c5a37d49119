//! The requests two policies (or two worlds) can be told apart by, for `iamsim check`: the
//! engine decides each of them; this module only chooses them.
//!
//! - Actions: every action a pattern names, a wildcard standing for every catalog action it
//!   matches (the policy language's own matcher decides which, dual readings of a wildcard in the
//!   service prefix included) plus one action the catalog does not list yet; `*` and `NotAction`
//!   stand for every catalog action. Catalog actions no pattern tells apart (same service, same
//!   answer from every pattern) are represented by one of them.
//! - Resources: each pattern with its policy variables replaced by the values the world gives
//!   them (and kept as literal text, as a policy without `Version` reads them), and its
//!   wildcards filled three ways: an ASCII character, a character of two bytes (so `?` is one
//!   character, not one byte), and a run holding a colon (so a `*` that would have to cross a
//!   segment colon, read two ways by rule 2.8, is tried); plus, per service, a resource no
//!   pattern names (what `NotResource` and `*` grant), and `*`.
//!
//! The number of requests is bounded ([`MAX_REQUESTS`]); past it the comparison is not made and
//! the caller fails with the reason.

use iamsim_catalog::catalog;
use iamsim_policy::action::ActionMatcher;
use iamsim_policy::{ActionKind, Policy, Truth};
use std::collections::{BTreeSet, HashMap};

/// The most requests one comparison decides (each in both worlds).
pub const MAX_REQUESTS: usize = 4_000;

/// An action the catalog does not list, standing for actions AWS adds after the catalog's date.
const UNLISTED: &str = "Iamsimunlisted";

/// How the wildcards of a resource pattern are filled: every `*` and `?` of one instance alike.
const FILLS: &[(&str, &str)] = &[("x", "x"), ("\u{e9}", "\u{e9}"), ("x:\u{e9}", "\u{e9}")];

/// Values of policy variables, by lower-cased key (`aws:username` → the world's user names).
pub type Substitutions = HashMap<String, Vec<String>>;

/// Where the resources no pattern names are: an account of the world, and S3 objects of buckets
/// the world declares (a bucket it does not declare cannot be decided).
#[derive(Clone, Debug)]
pub struct Unnamed {
    /// The account whose resources stand for those no pattern names.
    pub account: String,
    /// S3 objects of buckets the world declares.
    pub s3: Vec<String>,
    /// The roles of the world, asked about for `sts` actions (a trust policy names no resource).
    pub roles: Vec<String>,
}

impl Default for Unnamed {
    fn default() -> Self {
        Unnamed {
            account: "111111111111".into(),
            s3: vec!["arn:aws:s3:::iamsim-unnamed/x".into()],
            roles: Vec::new(),
        }
    }
}

/// What an action pattern names, as a set of actions; an error when it names nothing the catalog
/// knows (a misspelt action cannot be checked).
pub fn expand_action(pattern: &str) -> Result<Vec<String>, String> {
    let matcher = ActionMatcher::compile(pattern).map_err(|e| e.message)?;
    if !pattern.contains(['*', '?']) {
        return match catalog().action(pattern) {
            Some((svc, a)) => Ok(vec![format!("{}:{}", svc.prefix, a.name)]),
            None => Err(format!(
                "`{pattern}` is not an action of the service catalog; check its spelling"
            )),
        };
    }
    let found = catalog().actions_matching(matcher.service(), |a| matcher.matches(a).may_be_true());
    if found.is_empty() {
        return Err(format!(
            "`{pattern}` matches no action of the service catalog; check its spelling"
        ));
    }
    Ok(found)
}

/// The requests (action, resource) that tell `policies` apart, or why they are too many.
/// `resources`, when given, are the only resources asked about (a trust policy's role, or the
/// resource a check names); `actions`, when given, the only actions.
pub fn requests(
    policies: &[&Policy],
    vars: &Substitutions,
    actions: Option<&[String]>,
    resources: Option<&[String]>,
    unnamed: &Unnamed,
) -> Result<Vec<(String, String)>, String> {
    let (actions, across) = match actions {
        Some(a) => (a.to_vec(), a.to_vec()),
        None => action_representatives(policies),
    };
    let mut patterns: BTreeSet<String> = BTreeSet::new();
    if resources.is_none() {
        for p in policies {
            for s in &p.statements {
                for r in s.resource.iter().flat_map(|b| b.patterns.iter()) {
                    patterns.insert(r.text.clone());
                }
            }
        }
    }
    let mut instances: BTreeSet<String> = BTreeSet::new();
    match resources {
        Some(r) => instances.extend(r.iter().cloned()),
        None => {
            for p in &patterns {
                if p != "*" {
                    instances.extend(
                        resource_instances(p, vars)
                            .into_iter()
                            .filter(|r| could_be_requested(r)),
                    );
                }
            }
        }
    }
    let mut out = Vec::new();
    for a in &actions {
        let service = a.split(':').next().unwrap_or("").to_ascii_lowercase();
        let mut mine: Vec<String> = instances
            .iter()
            .filter(|r| {
                let of = arn_service(r);
                // sts actions act on IAM roles.
                resources.is_some()
                    || of.eq_ignore_ascii_case(&service)
                    || (service == "sts" && of == "iam")
            })
            .cloned()
            .collect();
        if resources.is_none() {
            mine.extend(fresh_resources(&service, unnamed));
            mine.push("*".into());
        }
        for r in mine {
            if out.len() >= MAX_REQUESTS {
                return Err(format!(
                    "the policies can be told apart by more than {MAX_REQUESTS} requests; that many are not compared"
                ));
            }
            out.push((a.clone(), r));
        }
    }
    // The engine decides an action on a resource of another service too (the statement's
    // patterns alone decide whether it applies): one action per group the patterns tell apart,
    // whatever its service, is asked about every resource.
    for a in &across {
        let service = a.split(':').next().unwrap_or("").to_ascii_lowercase();
        for r in instances
            .iter()
            .filter(|r| resources.is_none() && !arn_service(r).eq_ignore_ascii_case(&service))
        {
            if out.len() >= MAX_REQUESTS {
                return Err(format!(
                    "the policies can be told apart by more than {MAX_REQUESTS} requests; that many are not compared"
                ));
            }
            out.push((a.clone(), r.clone()));
        }
    }
    Ok(out)
}

/// A request's ARN has an account part that is empty or an account id: other fillings of a
/// pattern name nothing AWS can be asked about.
fn could_be_requested(r: &str) -> bool {
    let account = r.split(':').nth(4).unwrap_or("");
    account.is_empty() || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
}

fn arn_service(r: &str) -> &str {
    r.split(':').nth(2).unwrap_or("")
}

/// Resources of `service` that no policy names.
fn fresh_resources(service: &str, unnamed: &Unnamed) -> Vec<String> {
    let account = &unnamed.account;
    match service {
        "s3" => unnamed.s3.clone(),
        "iam" | "sts" => {
            let mut v = unnamed.roles.clone();
            v.push(format!("arn:aws:iam::{account}:iamsim-unnamed"));
            v
        }
        s => vec![format!("arn:aws:{s}:us-east-1:{account}:iamsim-unnamed")],
    }
}

/// One action per class of actions no pattern tells apart (within a service), plus every action a
/// pattern names; and one action per class whatever its service.
fn action_representatives(policies: &[&Policy]) -> (Vec<String>, Vec<String>) {
    let mut matchers: Vec<(&str, &ActionMatcher)> = Vec::new();
    let mut everything = false;
    for p in policies {
        for s in &p.statements {
            if s.action.kind == ActionKind::NotAction {
                everything = true;
            }
            for pat in &s.action.patterns {
                everything |= pat.matcher.service().is_none();
                matchers.push((pat.text.as_str(), &pat.matcher));
            }
        }
    }
    let mut named: BTreeSet<String> = BTreeSet::new();
    let mut services: BTreeSet<String> = BTreeSet::new();
    for (text, m) in &matchers {
        if !text.contains(['*', '?']) {
            named.insert(match catalog().action(text) {
                Some((svc, a)) => format!("{}:{}", svc.prefix, a.name),
                None => (*text).to_string(),
            });
        } else if let (Some(svc), Some((_, name))) = (m.service(), text.split_once(':')) {
            services.insert(svc.to_string());
            named.insert(format!("{svc}:{}", name.replace(['*', '?'], UNLISTED)));
        }
        if let Some(svc) = m.service() {
            services.insert(svc.to_string());
        }
    }
    let candidates = if everything {
        catalog().actions_matching(None, |_| true)
    } else {
        let mut v = Vec::new();
        for s in &services {
            v.extend(catalog().actions_matching(Some(s), |_| true));
        }
        v
    };
    let mut classes: BTreeSet<(String, Vec<u8>)> = BTreeSet::new();
    let signature = |a: &str| -> (String, Vec<u8>) {
        let service = a.split(':').next().unwrap_or("").to_ascii_lowercase();
        let sig = matchers
            .iter()
            .map(|(_, m)| match m.matches(a) {
                Truth::True => 2,
                Truth::Unknown => 1,
                Truth::False => 0,
            })
            .collect();
        (service, sig)
    };
    for a in &named {
        classes.insert(signature(a));
    }
    let mut out: Vec<String> = named.into_iter().collect();
    for a in candidates {
        let sig = signature(&a);
        if sig.1.iter().all(|t| *t == 0) && !everything {
            continue;
        }
        if classes.insert(sig) {
            out.push(a);
        }
    }
    if everything {
        out.push(format!("iamsimunlisted:{UNLISTED}"));
    }
    let mut seen: BTreeSet<Vec<u8>> = BTreeSet::new();
    let across = out
        .iter()
        .filter(|a| seen.insert(signature(a).1))
        .cloned()
        .collect();
    (out, across)
}

/// Instances of one resource pattern: variables replaced (and kept), wildcards filled.
fn resource_instances(pattern: &str, vars: &Substitutions) -> Vec<String> {
    let mut texts = vec![pattern.to_string()];
    texts.extend(substituted(pattern, vars));
    let mut out = BTreeSet::new();
    for t in texts {
        if !t.contains(['*', '?']) {
            out.insert(t);
            continue;
        }
        for (star, question) in FILLS {
            out.insert(t.replace('*', star).replace('?', question));
        }
    }
    out.into_iter().collect()
}

/// `pattern` with each `${key}` replaced by each value `vars` gives it (the first variable
/// varying, the others taking their first value), or by `x` when the world gives none.
fn substituted(pattern: &str, vars: &Substitutions) -> Vec<String> {
    if !pattern.contains("${") {
        return Vec::new();
    }
    let mut keys: Vec<&str> = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        let after = rest.get(start + 2..).unwrap_or("");
        let Some(end) = after.find('}') else { break };
        keys.push(after.get(..end).unwrap_or(""));
        rest = after.get(end + 1..).unwrap_or("");
    }
    let value_of = |k: &str| -> Vec<String> {
        let key = k.split(',').next().unwrap_or(k).trim().to_ascii_lowercase();
        match vars.get(&key) {
            Some(v) if !v.is_empty() => v.clone(),
            _ => vec!["x".into()],
        }
    };
    let mut out = Vec::new();
    let Some(first) = keys.first() else {
        return out;
    };
    for v in value_of(first) {
        let mut t = pattern.replacen(&format!("${{{first}}}"), &v, 1);
        for k in keys.iter().skip(1) {
            let w = value_of(k).into_iter().next().unwrap_or_default();
            t = t.replacen(&format!("${{{k}}}"), &w, 1);
        }
        out.push(t);
    }
    out
}
