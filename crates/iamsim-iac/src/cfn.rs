//! CloudFormation templates (JSON or YAML): parameters, pseudo parameters, conditions, mappings
//! and the intrinsic functions resolved where the template determines them; the policy of each
//! resource that holds one.

use crate::entities::Declared;
use crate::value::{Kind, Val};
use crate::{Found, PolicyKind, Settings};

/// Reference hops followed before a value is taken as unknown (a condition naming itself).
const MAX_HOPS: usize = 32;

/// Resolution steps for one template: a bound against conditions and references that fan out
/// (`C0: Fn::And [C1, C1]`, `C1: Fn::And [C2, C2]`, ...), past which values are unknown.
const MAX_STEPS: usize = 2_000_000;

struct Template<'a> {
    root: &'a Val,
    settings: &'a Settings,
    steps: std::cell::Cell<usize>,
}

fn unknown(name: String, at: usize) -> Option<Val> {
    Some(Val::unknown(name, at))
}

/// `Fn::GetAtt` as `["X", "Attr"]` or `"X.Attr"`.
fn get_att_parts(v: &Val) -> Option<(String, String)> {
    match &v.kind {
        Kind::Str(s) => s
            .split_once('.')
            .map(|(a, b)| (a.to_string(), b.to_string())),
        Kind::List(items) => match items.as_slice() {
            [a, b] => Some((a.text()?, b.text()?)),
            _ => None,
        },
        _ => None,
    }
}

impl<'a> Template<'a> {
    /// Counts a step; false once the template has used its budget.
    fn step(&self) -> bool {
        let n = self.steps.get().saturating_add(1);
        self.steps.set(n);
        n <= MAX_STEPS
    }

    fn section(&self, name: &str) -> Option<&'a Val> {
        self.root.get(name)
    }

    fn resource(&self, id: &str) -> Option<&'a Val> {
        self.section("Resources")?.get(id)
    }

    fn prop(&self, id: &str, name: &str, depth: usize) -> Option<String> {
        let v = self.resource(id)?.get("Properties")?.get(name)?;
        self.resolve(v, depth + 1)?.text()
    }

    fn account(&self) -> Option<String> {
        self.settings.account.clone()
    }

    fn reference(&self, name: &str, at: usize, depth: usize) -> Option<Val> {
        match name {
            "AWS::AccountId" => {
                return Some(match self.account() {
                    Some(a) => Val::str(a, at),
                    None => Val::unknown("AWS::AccountId", at),
                })
            }
            "AWS::Partition" => return Some(Val::str("aws", at)),
            "AWS::URLSuffix" => return Some(Val::str("amazonaws.com", at)),
            "AWS::NoValue" => return None,
            _ if name.starts_with("AWS::") => return unknown(name.to_string(), at),
            _ => {}
        }
        if let Some(p) = self.section("Parameters").and_then(|p| p.get(name)) {
            return match p.get("Default") {
                Some(d) => self.resolve(d, depth + 1),
                None => unknown(format!("parameter {name}"), at),
            };
        }
        let Some(r) = self.resource(name) else {
            return unknown(format!("Ref {name} (not in the template)"), at);
        };
        let ty = r.get("Type").and_then(Val::as_str).unwrap_or("");
        let named = match ty {
            "AWS::S3::Bucket" => self.prop(name, "BucketName", depth),
            "AWS::IAM::Role" => self.prop(name, "RoleName", depth),
            "AWS::IAM::User" => self.prop(name, "UserName", depth),
            "AWS::IAM::Group" => self.prop(name, "GroupName", depth),
            "AWS::IAM::ManagedPolicy" => {
                self.prop(name, "ManagedPolicyName", depth).and_then(|n| {
                    let path = self
                        .prop(name, "Path", depth)
                        .unwrap_or_else(|| "/".to_string());
                    Some(format!("arn:aws:iam::{}:policy{path}{n}", self.account()?))
                })
            }
            _ => None,
        };
        match named {
            Some(n) => Some(Val::str(n, at)),
            None => unknown(format!("Ref {name}"), at),
        }
    }

    fn get_att(&self, id: &str, attr: &str, at: usize, depth: usize) -> Option<Val> {
        let ty = self
            .resource(id)
            .and_then(|r| r.get("Type"))
            .and_then(Val::as_str)
            .unwrap_or("");
        let iam = |kind: &str, prop: &str| -> Option<String> {
            let name = self.prop(id, prop, depth)?;
            let path = self
                .prop(id, "Path", depth)
                .unwrap_or_else(|| "/".to_string());
            Some(format!(
                "arn:aws:iam::{}:{kind}{path}{name}",
                self.account()?
            ))
        };
        let known = match (ty, attr) {
            ("AWS::S3::Bucket", "Arn") => self
                .prop(id, "BucketName", depth)
                .map(|n| format!("arn:aws:s3:::{n}")),
            ("AWS::IAM::Role", "Arn") => iam("role", "RoleName"),
            ("AWS::IAM::User", "Arn") => iam("user", "UserName"),
            ("AWS::IAM::Role", "RoleId") | (_, _) => None,
        };
        match known {
            Some(s) => Some(Val::str(s, at)),
            None => unknown(format!("Fn::GetAtt {id}.{attr}"), at),
        }
    }

    /// `Fn::Sub`: `${Name}`, `${Res.Attr}`, `${!Literal}`, with the variables of the list form.
    fn sub(&self, arg: &Val, at: usize, depth: usize) -> Option<Val> {
        let (text, vars) = match &arg.kind {
            Kind::Str(s) => (s.clone(), None),
            Kind::List(items) => match items.as_slice() {
                [t, vars] => (t.text()?, Some(vars)),
                _ => return unknown("Fn::Sub (malformed)".into(), at),
            },
            _ => return unknown("Fn::Sub (malformed)".into(), at),
        };
        let mut out = String::new();
        let mut missing: Vec<String> = Vec::new();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("${") {
            out.push_str(rest.get(..i).unwrap_or(""));
            let after = rest.get(i + 2..).unwrap_or("");
            let Some(end) = after.find('}') else {
                out.push_str(rest.get(i..).unwrap_or(""));
                rest = "";
                break;
            };
            let name = after.get(..end).unwrap_or("").trim();
            rest = after.get(end + 1..).unwrap_or("");
            if let Some(lit) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(lit);
                out.push('}');
                continue;
            }
            let value = match vars.and_then(|v| v.get(name)) {
                Some(v) => self.resolve(v, depth + 1),
                None => match name.split_once('.') {
                    Some((id, attr)) if !name.starts_with("AWS::") => {
                        self.get_att(id, attr, at, depth + 1)
                    }
                    _ => self.reference(name, at, depth + 1),
                },
            };
            match value.as_ref().map(|v| (&v.kind, v.text())) {
                Some((_, Some(t))) => out.push_str(&t),
                Some((Kind::Unknown(n), _)) => missing.push(n.clone()),
                _ => missing.push(format!("${{{name}}}")),
            }
        }
        out.push_str(rest);
        if missing.is_empty() {
            Some(Val::str(out, at))
        } else {
            unknown(missing.join(", "), at)
        }
    }

    fn condition(&self, name: &str, depth: usize) -> Option<bool> {
        let c = self.section("Conditions")?.get(name)?;
        self.truth(c, depth + 1)
    }

    /// A condition's value, when the template determines it.
    fn truth(&self, v: &Val, depth: usize) -> Option<bool> {
        if depth > MAX_HOPS || !self.step() {
            return None;
        }
        let Kind::Map(ms) = &v.kind else {
            return match &v.kind {
                Kind::Bool(b) => Some(*b),
                _ => None,
            };
        };
        let [(f, _, arg)] = ms.as_slice() else {
            return None;
        };
        let items = |a: &Val| match &a.kind {
            Kind::List(items) => items.clone(),
            _ => Vec::new(),
        };
        match f.as_str() {
            "Condition" => self.condition(&arg.text()?, depth),
            "Fn::Equals" => match items(arg).as_slice() {
                [a, b] => {
                    let a = self.resolve(a, depth + 1)?.text()?;
                    let b = self.resolve(b, depth + 1)?.text()?;
                    Some(a == b)
                }
                _ => None,
            },
            "Fn::Not" => items(arg)
                .first()
                .and_then(|c| self.truth(c, depth + 1))
                .map(|b| !b),
            "Fn::And" | "Fn::Or" => {
                let all: Option<Vec<bool>> = items(arg)
                    .iter()
                    .map(|c| self.truth(c, depth + 1))
                    .collect();
                let all = all?;
                Some(if f == "Fn::And" {
                    all.iter().all(|b| *b)
                } else {
                    all.iter().any(|b| *b)
                })
            }
            _ => None,
        }
    }

    /// The value with every intrinsic function the template determines applied; `None` for
    /// `AWS::NoValue` (the entry is left out).
    fn resolve(&self, v: &Val, depth: usize) -> Option<Val> {
        if depth > MAX_HOPS * 4 || !self.step() {
            return unknown(
                "a reference chain too long or too wide to follow".into(),
                v.at,
            );
        }
        match &v.kind {
            Kind::List(items) => Some(Val::new(
                Kind::List(
                    items
                        .iter()
                        .filter_map(|i| self.resolve(i, depth + 1))
                        .collect(),
                ),
                v.at,
            )),
            Kind::Map(ms) => {
                if let [(f, _, arg)] = ms.as_slice() {
                    if f == "Ref" || f.starts_with("Fn::") {
                        return self.function(f, arg, v.at, depth);
                    }
                }
                Some(Val::new(
                    Kind::Map(
                        ms.iter()
                            .filter_map(|(k, kat, item)| {
                                self.resolve(item, depth + 1).map(|r| (k.clone(), *kat, r))
                            })
                            .collect(),
                    ),
                    v.at,
                ))
            }
            _ => Some(v.clone()),
        }
    }

    fn function(&self, f: &str, arg: &Val, at: usize, depth: usize) -> Option<Val> {
        let list = |a: &Val| -> Vec<Val> {
            match self.resolve(a, depth + 1).map(|r| r.kind) {
                Some(Kind::List(items)) => items,
                _ => Vec::new(),
            }
        };
        match f {
            "Ref" => match arg.text() {
                Some(name) => self.reference(&name, at, depth + 1),
                None => unknown("Ref (malformed)".into(), at),
            },
            "Fn::GetAtt" => match get_att_parts(arg) {
                Some((id, attr)) => self.get_att(&id, &attr, at, depth + 1),
                None => unknown("Fn::GetAtt (malformed)".into(), at),
            },
            "Fn::Sub" => self.sub(arg, at, depth + 1),
            "Fn::Join" => {
                let Kind::List(parts) = &arg.kind else {
                    return unknown("Fn::Join (malformed)".into(), at);
                };
                let [sep, items] = parts.as_slice() else {
                    return unknown("Fn::Join (malformed)".into(), at);
                };
                let sep = sep.text().unwrap_or_default();
                let resolved = self.resolve(items, depth + 1);
                let Some(Kind::List(items)) = resolved.map(|r| r.kind) else {
                    return unknown("Fn::Join of a list the template does not give".into(), at);
                };
                let mut texts = Vec::new();
                let mut missing = Vec::new();
                for i in &items {
                    match (&i.kind, i.text()) {
                        (_, Some(t)) => texts.push(t),
                        (Kind::Unknown(n), _) => missing.push(n.clone()),
                        _ => missing.push("Fn::Join of a value that is not text".into()),
                    }
                }
                if missing.is_empty() {
                    Some(Val::str(texts.join(&sep), at))
                } else {
                    unknown(missing.join(", "), at)
                }
            }
            "Fn::Select" => {
                let Kind::List(parts) = &arg.kind else {
                    return unknown("Fn::Select (malformed)".into(), at);
                };
                let [i, items] = parts.as_slice() else {
                    return unknown("Fn::Select (malformed)".into(), at);
                };
                let index = self
                    .resolve(i, depth + 1)
                    .and_then(|i| i.text())
                    .and_then(|t| t.parse::<usize>().ok());
                match index.and_then(|n| list(items).get(n).cloned()) {
                    Some(v) => Some(v),
                    None => unknown("Fn::Select of a list the template does not give".into(), at),
                }
            }
            "Fn::If" => {
                let Kind::List(parts) = &arg.kind else {
                    return unknown("Fn::If (malformed)".into(), at);
                };
                let [c, a, b] = parts.as_slice() else {
                    return unknown("Fn::If (malformed)".into(), at);
                };
                let name = c.text().unwrap_or_default();
                match self.condition(&name, depth + 1) {
                    Some(true) => self.resolve(a, depth + 1),
                    Some(false) => self.resolve(b, depth + 1),
                    None => unknown(format!("Fn::If {name}"), at),
                }
            }
            "Fn::FindInMap" => {
                let keys: Option<Vec<String>> = match &arg.kind {
                    Kind::List(items) => items
                        .iter()
                        .map(|k| self.resolve(k, depth + 1).and_then(|k| k.text()))
                        .collect(),
                    _ => None,
                };
                let found = keys.as_deref().and_then(|k| match k {
                    [m, a, b] => self.section("Mappings")?.get(m)?.get(a)?.get(b),
                    _ => None,
                });
                match found {
                    Some(v) => self.resolve(v, depth + 1),
                    None => unknown("Fn::FindInMap".into(), at),
                }
            }
            "Fn::ImportValue" => {
                let name = self
                    .resolve(arg, depth + 1)
                    .and_then(|n| n.text())
                    .unwrap_or_else(|| "(a name the template does not give)".into());
                unknown(format!("Fn::ImportValue {name}"), at)
            }
            other => unknown(other.to_string(), at),
        }
    }
}

/// Where each resource type keeps its policies: (property, kind).
fn policy_properties(ty: &str) -> &'static [(&'static str, PolicyKind)] {
    match ty {
        "AWS::IAM::Role" => &[
            ("AssumeRolePolicyDocument", PolicyKind::Trust),
            ("Policies", PolicyKind::Identity),
        ],
        "AWS::IAM::User" | "AWS::IAM::Group" => &[("Policies", PolicyKind::Identity)],
        "AWS::IAM::Policy"
        | "AWS::IAM::ManagedPolicy"
        | "AWS::IAM::RolePolicy"
        | "AWS::IAM::UserPolicy"
        | "AWS::IAM::GroupPolicy" => &[("PolicyDocument", PolicyKind::Identity)],
        "AWS::S3::BucketPolicy" => &[("PolicyDocument", PolicyKind::Bucket)],
        "AWS::KMS::Key" => &[("KeyPolicy", PolicyKind::Key)],
        "AWS::SQS::QueuePolicy" => &[("PolicyDocument", PolicyKind::Queue)],
        "AWS::SNS::TopicPolicy" => &[("PolicyDocument", PolicyKind::Topic)],
        "AWS::SecretsManager::ResourcePolicy" => &[("ResourcePolicy", PolicyKind::Secret)],
        "AWS::ECR::Repository" => &[("RepositoryPolicyText", PolicyKind::Repository)],
        "AWS::Organizations::Policy" => &[("Content", PolicyKind::Scp)],
        _ => &[],
    }
}

/// What a template has deployed that it does not hold itself: a `Transform` (SAM, a macro)
/// rewrites it, a nested stack or stack set deploys another template, and a SAM resource
/// expands into roles and policies.
pub(crate) fn outside(root: &Val) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(t) = root.get("Transform") {
        let names: Vec<String> = match &t.kind {
            Kind::List(items) => items.iter().filter_map(Val::text).collect(),
            _ => t.text().into_iter().collect(),
        };
        out.push(format!(
            "the template's `Transform` ({}) rewrites it before it is deployed: what it adds is not in the world",
            names.join(", ")
        ));
    }
    if let Some(Kind::Map(resources)) = root.get("Resources").map(|r| &r.kind) {
        for (id, _, r) in resources {
            let ty = r.get("Type").and_then(Val::as_str).unwrap_or("");
            if matches!(
                ty,
                "AWS::CloudFormation::Stack" | "AWS::CloudFormation::StackSet"
            ) || ty.starts_with("AWS::Serverless::")
            {
                out.push(format!(
                    "resource `{id}` (`{ty}`) deploys what the template does not hold: the users, roles, policies and resources it creates are not in the world"
                ));
            }
        }
    }
    out
}

/// Every policy of a template already read into a value.
pub(crate) fn policies(
    root: &Val,
    settings: &Settings,
    out: &mut Vec<Found>,
    declared: &mut Vec<Declared>,
) {
    let t = Template {
        root,
        settings,
        steps: std::cell::Cell::new(0),
    };
    let Some(Kind::Map(resources)) = root.get("Resources").map(|r| &r.kind) else {
        return;
    };
    for (id, _, r) in resources {
        if let Some(c) = r.get("Condition").and_then(Val::text) {
            match t.condition(&c, 0) {
                Some(false) => continue,
                Some(true) => {}
                // Whether the resource is made at all is open: an entity that may or may not
                // exist cannot be put in a world.
                None => declared.push(Declared {
                    file: String::new(),
                    address: id.clone(),
                    at: r.at,
                    decl: crate::entities::Decl::Maybe(format!("Condition {c}")),
                }),
            }
        }
        let ty = r.get("Type").and_then(Val::as_str).unwrap_or("");
        let no_props = Val::new(Kind::Map(Vec::new()), r.at);
        let props_or_none = r.get("Properties").unwrap_or(&no_props);
        let prop = |key: &str| props_or_none.get(key).and_then(|v| t.resolve(v, 0));
        if let Some(decl) = crate::entities::cloudformation(ty, &prop) {
            declared.push(Declared {
                file: String::new(),
                address: id.clone(),
                at: r.at,
                decl,
            });
        }
        let Some(props) = r.get("Properties") else {
            continue;
        };
        for (prop, kind) in policy_properties(ty) {
            let kind = match (ty, props.get("Type").and_then(|v| t.resolve(v, 0))) {
                ("AWS::Organizations::Policy", Some(v)) => match v.as_str() {
                    Some("SERVICE_CONTROL_POLICY") => PolicyKind::Scp,
                    Some("RESOURCE_CONTROL_POLICY") => PolicyKind::Rcp,
                    _ => continue,
                },
                _ => *kind,
            };
            let Some(v) = props.get(prop) else {
                continue;
            };
            if *prop == "Policies" {
                if let Kind::List(items) = &v.kind {
                    for (i, p) in items.iter().enumerate() {
                        if let Some(doc) = p.get("PolicyDocument") {
                            if let Some(doc) = t.resolve(doc, 0) {
                                out.push(Found::new(
                                    id,
                                    &format!("Policies[{i}].PolicyDocument"),
                                    kind,
                                    doc,
                                ));
                            }
                        }
                    }
                }
                continue;
            }
            if let Some(doc) = t.resolve(v, 0) {
                out.push(Found::new(id, prop, kind, doc));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_that_fan_out_stop_at_the_step_bound() {
        let mut t = String::from("Conditions:\n");
        for i in 0..40 {
            t.push_str(&format!(
                "  C{i}: !And [!Condition C{n}, !Condition C{n}]\n",
                n = i + 1
            ));
        }
        t.push_str("  C40: !Equals [a, a]\nResources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Condition: C0\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: !If [C0, \"*\", \"arn:aws:s3:::b/*\"]\n");
        let root = crate::yaml::parse(&t).unwrap();
        let mut out = Vec::new();
        policies(&root, &Settings::default(), &mut out, &mut Vec::new());
        // The condition is past the bound: the resource is kept (not known to be left out)
        // and the `Fn::If` on it is unknown, never `*`.
        assert_eq!(out.len(), 1);
        let r = crate::value::Rendered::of(&out[0].doc);
        assert!(!r.text.contains("\"*\""), "{}", r.text);
        assert_eq!(r.unknowns.len(), 1);
    }
}
