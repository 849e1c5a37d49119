//! Terraform source: modules of `*.tf` files, their variables, locals, data sources and
//! resources, resolved where the files determine them.

use crate::entities::Declared;
use crate::value::{Kind, Val};
use crate::{finish, json_text, Found, PolicyKind, Problem, Read, ReadError, Settings};
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span;
use iamsim_policy::Code;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One `*.tf` file: its path relative to the tree's root (`/`-separated) and its text.
#[derive(Clone, Copy, Debug)]
pub struct TfFile<'a> {
    /// Relative to the tree's root, `/`-separated.
    pub path: &'a str,
    /// The file's text.
    pub text: &'a str,
}

/// Reference hops followed before a value is taken as unknown.
const MAX_HOPS: usize = 32;
/// Module calls followed, one inside the other.
const MAX_MODULE_DEPTH: usize = 8;
/// Values made while resolving one module: a bound against locals that double at every hop,
/// plus a number per byte of its files, so large modules are read whole.
const MAX_VALUES: usize = 1_000_000;
const VALUES_PER_BYTE: usize = 16;

fn dir_of(path: &str) -> &str {
    path.rfind('/').and_then(|i| path.get(..i)).unwrap_or("")
}

/// `dir` joined with a relative module source (`./modules/net`, `../common`); `None` for a
/// source outside the tree or not local (a registry or git module).
fn join(dir: &str, source: &str) -> Option<String> {
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in source.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

fn start(s: &impl Span) -> usize {
    s.span().map_or(0, |r| r.start)
}

struct Parsed<'a> {
    path: &'a str,
    body: Body,
}

/// Resource blocks by (type, name): the file index and the block.
type ResourceIndex<'m> = HashMap<(&'m str, &'m str), (usize, &'m Block)>;

/// A module being read: its files, the values given to its variables, the address prefix.
struct Module<'m> {
    files: Vec<&'m Parsed<'m>>,
    prefix: String,
    inputs: HashMap<String, Val>,
    settings: &'m Settings,
    made: std::cell::Cell<usize>,
    budget: usize,
    /// Resource blocks by type and name, built on first use: a reference finds its block
    /// without a scan of the module (a module of N resources referring to each other is read
    /// in time linear in N).
    resources: std::cell::OnceCell<ResourceIndex<'m>>,
}

/// Every position of a value moved to `at` (a value written in another file than the one it is
/// used in: findings land on the reference).
fn rebase(v: &mut Val, at: usize) {
    v.at = at;
    match &mut v.kind {
        Kind::List(items) => items.iter_mut().for_each(|i| rebase(i, at)),
        Kind::Map(ms) => ms.iter_mut().for_each(|(_, k, i)| {
            *k = at;
            rebase(i, at)
        }),
        _ => {}
    }
}

fn label(b: &Block, i: usize) -> &str {
    b.labels.get(i).map_or("", |l| l.as_str())
}

/// What the value of a traversal step is on a value.
fn step(v: Val, op: &TraversalOperator) -> Val {
    let at = v.at;
    match (&v.kind, op) {
        (Kind::Unknown(_), _) => v,
        (Kind::Map(_), TraversalOperator::GetAttr(name)) => v
            .get(name.as_str())
            .cloned()
            .unwrap_or_else(|| Val::unknown(format!("attribute `{}`", name.as_str()), at)),
        (Kind::List(items), TraversalOperator::LegacyIndex(i)) => items
            .get(usize::try_from(*i.value()).unwrap_or(usize::MAX))
            .cloned()
            .unwrap_or_else(|| Val::unknown("an index past the end", at)),
        (Kind::List(items), TraversalOperator::Index(Expression::Number(n))) => n
            .as_u64()
            .and_then(|i| items.get(usize::try_from(i).ok()?).cloned())
            .unwrap_or_else(|| Val::unknown("an index past the end", at)),
        (Kind::Map(_), TraversalOperator::Index(Expression::String(s))) => v
            .get(s.as_str())
            .cloned()
            .unwrap_or_else(|| Val::unknown(format!("key `{}`", s.as_str()), at)),
        _ => Val::unknown("a traversal the files do not determine", at),
    }
}

impl<'m> Module<'m> {
    fn count(&self) -> bool {
        let n = self.made.get() + 1;
        self.made.set(n);
        n <= self.budget
    }

    fn blocks(&self, kind: &'static str) -> impl Iterator<Item = (usize, &'m Block)> + '_ {
        self.files
            .iter()
            .enumerate()
            .flat_map(move |(i, f)| f.body.get_blocks(kind).map(move |b| (i, b)))
    }

    fn find(&self, kind: &'static str, l0: &str, l1: Option<&str>) -> Option<(usize, &'m Block)> {
        if let ("resource", Some(name)) = (kind, l1) {
            let index = self.resources.get_or_init(|| {
                let mut m = HashMap::new();
                for (f, b) in self.blocks("resource") {
                    // The first block of a type and name, as the scan below finds it.
                    m.entry((label(b, 0), label(b, 1))).or_insert((f, b));
                }
                m
            });
            return index.get(&(l0, name)).copied();
        }
        self.blocks(kind)
            .find(|(_, b)| label(b, 0) == l0 && l1.is_none_or(|l| label(b, 1) == l))
    }

    /// A value written in file `from`, used in file `file` at `at`.
    fn moved(&self, mut v: Val, from: usize, file: usize, at: usize) -> Val {
        if from != file {
            rebase(&mut v, at);
        }
        v
    }

    fn eval(&self, e: &Expression, file: usize, depth: usize) -> Val {
        let at = start(e);
        if depth > MAX_HOPS * 4 || !self.count() {
            return Val::unknown("a value too large or too deep to resolve", at);
        }
        match e {
            Expression::Null(_) => Val::new(Kind::Null, at),
            Expression::Bool(b) => Val::new(Kind::Bool(*b.value()), at),
            Expression::Number(n) => Val::new(Kind::Num(n.value().to_string()), at),
            Expression::String(s) => Val::str(s.value().as_str(), at),
            Expression::Array(items) => Val::new(
                Kind::List(
                    items
                        .iter()
                        .map(|i| self.eval(i, file, depth + 1))
                        .collect(),
                ),
                at,
            ),
            Expression::Object(o) => {
                let mut entries = Vec::new();
                for (k, v) in o.iter() {
                    let (name, kat) = match k {
                        ObjectKey::Ident(id) => (Some(id.as_str().to_string()), start(id)),
                        ObjectKey::Expression(ke) => {
                            (self.eval(ke, file, depth + 1).text(), start(ke))
                        }
                    };
                    let Some(name) = name else {
                        return Val::unknown("an object key the files do not determine", kat);
                    };
                    entries.push((name, kat, self.eval(v.expr(), file, depth + 1)));
                }
                Val::new(Kind::Map(entries), at)
            }
            Expression::StringTemplate(t) => self.template_text(t, file, depth, at),
            Expression::HeredocTemplate(h) => self.template_text(&h.template, file, depth, at),
            Expression::Parenthesis(p) => self.eval(p.inner(), file, depth + 1),
            Expression::Variable(v) => Val::unknown(v.as_str().to_string(), at),
            Expression::Conditional(c) => match self.eval(&c.cond_expr, file, depth + 1).kind {
                Kind::Bool(true) => self.eval(&c.true_expr, file, depth + 1),
                Kind::Bool(false) => self.eval(&c.false_expr, file, depth + 1),
                _ => Val::unknown("a condition the files do not determine", at),
            },
            Expression::FuncCall(f) => {
                let name = f.name.name.as_str();
                let args: Vec<Val> = f
                    .args
                    .iter()
                    .map(|a| self.eval(a, file, depth + 1))
                    .collect();
                match (name, args.as_slice()) {
                    ("jsonencode" | "tolist" | "toset" | "tomap", [v]) => v.clone(),
                    ("jsondecode", [v]) => match v.as_str() {
                        Some(s) => {
                            let vat = v.at;
                            json_text(s, &|_| vat).unwrap_or_else(|_| {
                                Val::unknown("jsondecode of text that is not JSON", at)
                            })
                        }
                        None => {
                            Val::unknown("jsondecode of a value the files do not determine", at)
                        }
                    },
                    ("concat", lists) => {
                        let mut out = Vec::new();
                        for l in lists {
                            match &l.kind {
                                Kind::List(items) => out.extend(items.iter().cloned()),
                                _ => {
                                    return Val::unknown(
                                        "concat of a list the files do not determine",
                                        at,
                                    )
                                }
                            }
                        }
                        Val::new(Kind::List(out), at)
                    }
                    _ => Val::unknown(format!("{name}(...)"), at),
                }
            }
            Expression::Traversal(t) => self.traversal(&t.expr, &t.operators, file, depth, at),
            Expression::UnaryOp(_) | Expression::BinaryOp(_) | Expression::ForExpr(_) => {
                Val::unknown("an expression iamsim does not evaluate", at)
            }
        }
    }

    /// A string template as text; unknown when an interpolation is.
    fn template_text(&self, t: &Template, file: usize, depth: usize, at: usize) -> Val {
        let mut out = String::new();
        let mut missing = Vec::new();
        for el in t.iter() {
            match el {
                Element::Literal(l) => out.push_str(l.value()),
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr, file, depth + 1);
                    match (&v.kind, v.text()) {
                        (_, Some(s)) => out.push_str(&s),
                        (Kind::Unknown(n), _) => missing.push(n.clone()),
                        _ => missing.push("an interpolated value that is not text".into()),
                    }
                }
                Element::Directive(_) => missing.push("a template directive".into()),
            }
        }
        if missing.is_empty() {
            Val::str(out, at)
        } else {
            Val::unknown(missing.join(", "), at)
        }
    }

    fn traversal(
        &self,
        root: &Expression,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        file: usize,
        depth: usize,
        at: usize,
    ) -> Val {
        let Expression::Variable(root) = root else {
            let base = self.eval(root, file, depth + 1);
            return ops.iter().fold(base, |v, op| step(v, op.value()));
        };
        let names: Vec<&str> = ops
            .iter()
            .map(|o| match o.value() {
                TraversalOperator::GetAttr(n) => n.as_str(),
                _ => "",
            })
            .collect();
        let attr = |i: usize| names.get(i).copied().unwrap_or("");
        // Operators after the first `n` apply to the value found.
        let rest = |v: Val, n: usize| ops.iter().skip(n).fold(v, |v, op| step(v, op.value()));
        match root.as_str() {
            "var" => {
                let name = attr(0);
                let v = match self.inputs.get(name) {
                    Some(v) => {
                        let mut v = v.clone();
                        rebase(&mut v, at);
                        v
                    }
                    None => match self.find("variable", name, None) {
                        Some((f, b)) => match b.body.get_attribute("default") {
                            Some(d) => {
                                let v = self.eval(&d.value, f, depth + 1);
                                self.moved(v, f, file, at)
                            }
                            None => Val::unknown(format!("var.{name}"), at),
                        },
                        None => Val::unknown(format!("var.{name} (not declared)"), at),
                    },
                };
                rest(v, 1)
            }
            "local" => {
                let name = attr(0);
                let found = self.files.iter().enumerate().find_map(|(f, p)| {
                    p.body
                        .get_blocks("locals")
                        .find_map(|b| b.body.get_attribute(name))
                        .map(|a| (f, a))
                });
                let v = match found {
                    Some((f, a)) => {
                        let v = self.eval(&a.value, f, depth + 1);
                        self.moved(v, f, file, at)
                    }
                    None => Val::unknown(format!("local.{name} (not declared)"), at),
                };
                rest(v, 1)
            }
            "data" => {
                let (ty, name, a) = (attr(0), attr(1), attr(2));
                let v = match (ty, a) {
                    ("aws_iam_policy_document", "json" | "minified_json") => {
                        match self.find("data", ty, Some(name)) {
                            Some((f, b)) => {
                                let v = self.policy_document(b, f, depth + 1);
                                self.moved(v, f, file, at)
                            }
                            None => Val::unknown(format!("data.{ty}.{name} (not declared)"), at),
                        }
                    }
                    ("aws_caller_identity", "account_id") => match &self.settings.account {
                        Some(acct) => Val::str(acct.clone(), at),
                        None => Val::unknown(format!("data.{ty}.{name}.account_id"), at),
                    },
                    ("aws_partition", "partition") => Val::str("aws", at),
                    _ => Val::unknown(format!("data.{ty}.{name}.{a}"), at),
                };
                rest(v, 3)
            }
            "module" => Val::unknown(format!("module.{}.{}", attr(0), attr(1)), at),
            ty => {
                let (name, a) = (attr(0), attr(1));
                let v = self.resource_attribute(ty, name, a, depth).map_or_else(
                    || Val::unknown(format!("{ty}.{name}.{a}"), at),
                    |s| Val::str(s, at),
                );
                rest(v, 2)
            }
        }
    }

    /// An attribute of a resource that its arguments determine (names, and ARNs built from them
    /// and the account id); `None` for computed attributes.
    fn resource_attribute(&self, ty: &str, name: &str, a: &str, depth: usize) -> Option<String> {
        let (f, b) = self.find("resource", ty, Some(name))?;
        let arg = |key: &str| -> Option<String> {
            let e = &b.body.get_attribute(key)?.value;
            self.eval(e, f, depth + 1).text()
        };
        let iam = |kind: &str| -> Option<String> {
            let path = arg("path").unwrap_or_else(|| "/".into());
            let acct = self.settings.account.clone()?;
            Some(format!("arn:aws:iam::{acct}:{kind}{path}{}", arg("name")?))
        };
        match (ty, a) {
            ("aws_s3_bucket", "id" | "bucket") => arg("bucket"),
            ("aws_s3_bucket", "arn") => arg("bucket").map(|n| format!("arn:aws:s3:::{n}")),
            ("aws_iam_role" | "aws_iam_user" | "aws_iam_group" | "aws_iam_policy", "name") => {
                arg("name")
            }
            ("aws_iam_role" | "aws_iam_user" | "aws_iam_group", "id") => arg("name"),
            ("aws_iam_role", "arn") => iam("role"),
            ("aws_iam_user", "arn") => iam("user"),
            ("aws_iam_group", "arn") => iam("group"),
            ("aws_iam_policy", "arn" | "id") => iam("policy"),
            ("aws_iam_instance_profile", "name" | "id") => arg("name"),
            ("aws_iam_instance_profile", "arn") => iam("instance-profile"),
            _ => None,
        }
    }

    /// `data "aws_iam_policy_document"`: its blocks as the JSON document Terraform writes.
    fn policy_document(&self, b: &Block, file: usize, depth: usize) -> Val {
        let at = start(b);
        let mut doc = Vec::new();
        let attr = |key: &str| b.body.get_attribute(key);
        match attr("version") {
            Some(v) => doc.push((
                "Version".to_string(),
                start(&v.key),
                self.eval(&v.value, file, depth + 1),
            )),
            None => doc.push(("Version".to_string(), at, Val::str("2012-10-17", at))),
        }
        if let Some(v) = attr("policy_id") {
            doc.push((
                "Id".to_string(),
                start(&v.key),
                self.eval(&v.value, file, depth + 1),
            ));
        }
        let mut statements = Vec::new();
        for key in ["source_policy_documents", "override_policy_documents"] {
            if let Some(a) = attr(key) {
                statements.push(Val::unknown(
                    format!("{key} (merged by Terraform)"),
                    start(a),
                ));
            }
        }
        for st in b.body.get_blocks("statement") {
            statements.push(self.statement(st, file, depth + 1));
        }
        for d in b.body.get_blocks("dynamic") {
            statements.push(Val::unknown(
                format!("dynamic \"{}\" block", label(d, 0)),
                start(d),
            ));
        }
        doc.push((
            "Statement".to_string(),
            at,
            Val::new(Kind::List(statements), at),
        ));
        Val::new(Kind::Map(doc), at)
    }

    fn statement(&self, st: &Block, file: usize, depth: usize) -> Val {
        let at = start(st);
        let mut out = Vec::new();
        let mut effect = false;
        for (key, name) in [
            ("sid", "Sid"),
            ("effect", "Effect"),
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            if let Some(a) = st.body.get_attribute(key) {
                effect |= key == "effect";
                out.push((
                    name.to_string(),
                    start(&a.key),
                    self.eval(&a.value, file, depth + 1),
                ));
            }
        }
        if !effect {
            out.push(("Effect".to_string(), at, Val::str("Allow", at)));
        }
        for (block, name) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            let mut map: Vec<(String, usize, Val)> = Vec::new();
            let mut first = None;
            for p in st.body.get_blocks(block) {
                let pat = start(p);
                first.get_or_insert(pat);
                let ty = p
                    .body
                    .get_attribute("type")
                    .map(|a| self.eval(&a.value, file, depth + 1))
                    .and_then(|v| v.text())
                    .unwrap_or_default();
                let ids = p.body.get_attribute("identifiers").map_or_else(
                    || Val::new(Kind::List(Vec::new()), pat),
                    |a| self.eval(&a.value, file, depth + 1),
                );
                if ty == "*" {
                    // `type = "*"` with `identifiers = ["*"]` is `"Principal": "*"`.
                    map.clear();
                    out.push((name.to_string(), pat, Val::str("*", pat)));
                    first = None;
                    break;
                }
                match map.iter_mut().find(|(k, _, _)| *k == ty) {
                    Some((
                        _,
                        _,
                        Val {
                            kind: Kind::List(items),
                            ..
                        },
                    )) => {
                        if let Kind::List(more) = ids.kind {
                            items.extend(more);
                        }
                    }
                    _ => map.push((ty, pat, ids)),
                }
            }
            if let Some(pat) = first {
                out.push((name.to_string(), pat, Val::new(Kind::Map(map), pat)));
            }
        }
        let mut cond: Vec<(String, usize, Val)> = Vec::new();
        for c in st.body.get_blocks("condition") {
            let cat = start(c);
            let get = |k: &str| {
                c.body
                    .get_attribute(k)
                    .map(|a| self.eval(&a.value, file, depth + 1))
            };
            let (Some(test), Some(var)) = (
                get("test").and_then(|v| v.text()),
                get("variable").and_then(|v| v.text()),
            ) else {
                // A condition block whose test or key the files do not determine is left out.
                let _ = cat;
                continue;
            };
            let values = get("values").unwrap_or_else(|| Val::new(Kind::List(Vec::new()), cat));
            match cond.iter_mut().find(|(k, _, _)| *k == test) {
                Some((
                    _,
                    _,
                    Val {
                        kind: Kind::Map(keys),
                        ..
                    },
                )) => keys.push((var, cat, values)),
                _ => cond.push((
                    test,
                    cat,
                    Val::new(Kind::Map(vec![(var, cat, values)]), cat),
                )),
            }
        }
        if !cond.is_empty() {
            out.push(("Condition".to_string(), at, Val::new(Kind::Map(cond), at)));
        }
        Val::new(Kind::Map(out), at)
    }

    /// The value of a policy argument: JSON text (a heredoc, a string, `jsonencode(...)`, a data
    /// source's `.json`) read with its positions where it is written in the file.
    fn policy_value(
        &self,
        e: &Expression,
        file: usize,
        text: &str,
    ) -> Result<Val, (Code, ReadError)> {
        match e {
            Expression::HeredocTemplate(h) => self.template_json(&h.template, file, text),
            Expression::StringTemplate(t) => self.template_json(t, file, text),
            Expression::String(s) => {
                // A quoted string: positions inside it are approximate (escapes), so each value
                // maps to the string's start.
                let at = start(e);
                json_text(s.value(), &|_| at)
            }
            _ => Ok(self.eval(e, file, 0)),
        }
    }

    /// A template holding JSON: literal text kept at its place in the file, interpolations
    /// resolved (or left unknown by name).
    fn template_json(
        &self,
        t: &Template,
        file: usize,
        text: &str,
    ) -> Result<Val, (Code, ReadError)> {
        let mut json = String::new();
        let mut map: Vec<(u32, u32)> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let mut in_string = false;
        let mut literal_at =
            |json: &mut String, map: &mut Vec<(u32, u32)>, s: &str, at: usize, exact: bool| {
                let mut escaped = false;
                let mut prev = '\0';
                for (i, c) in s.char_indices() {
                    if i == 0 || (exact && (prev == '\n' || matches!(c, '"' | '{' | '['))) {
                        map.push((
                            u32::try_from(json.len()).unwrap_or(u32::MAX),
                            u32::try_from(at + i).unwrap_or(u32::MAX),
                        ));
                    }
                    match (escaped, c) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => in_string = !in_string,
                        _ => {}
                    }
                    json.push(c);
                    prev = c;
                }
                in_string
            };
        let mut inside = false;
        for el in t.iter() {
            match el {
                Element::Literal(l) => {
                    let at = l.span().map_or(0, |r| r.start);
                    // Literal text of a heredoc is the file's text when it is unchanged there.
                    let exact = text.get(at..at + l.value().len()) == Some(l.value().as_str());
                    inside = literal_at(&mut json, &mut map, l.value(), at, exact);
                }
                Element::Interpolation(i) => {
                    let at = start(&i.expr);
                    map.push((
                        u32::try_from(json.len()).unwrap_or(u32::MAX),
                        u32::try_from(at).unwrap_or(u32::MAX),
                    ));
                    let v = self.eval(&i.expr, file, 0);
                    match (&v.kind, v.text()) {
                        (_, Some(s)) if inside => {
                            let quoted = serde_json::to_string(&s).unwrap_or_default();
                            json.push_str(
                                quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or(""),
                            );
                        }
                        (Kind::Unknown(n), _) => {
                            names.push(n.clone());
                            let token = format!("@@iamsim-unknown-{}@@", names.len() - 1);
                            if inside {
                                json.push_str(&token);
                            } else {
                                json.push('"');
                                json.push_str(&token);
                                json.push('"');
                            }
                        }
                        _ if inside => {
                            names.push("an interpolated value that is not text".into());
                            json.push_str(&format!("@@iamsim-unknown-{}@@", names.len() - 1));
                        }
                        _ => {
                            let r = crate::value::Rendered::of(&v);
                            json.push_str(&r.text);
                        }
                    }
                }
                Element::Directive(d) => {
                    let at = start(d.as_ref());
                    return Err((
                        Code::IacSyntax,
                        ReadError {
                            at,
                            message:
                                "a policy written with template directives (%{...}) is not read"
                                    .into(),
                        },
                    ));
                }
            }
        }
        let to_file = |o: u32| crate::value::Rendered::file_offset(&map, o) as usize;
        let v = json_text(&json, &to_file)?;
        Ok(mark_unknowns(v, &names))
    }

    /// The entity or link a resource block declares.
    fn declare(&self, f: usize, b: &Block, address: &str, declared: &mut Vec<Declared>) {
        // A block repeated by `count` or `for_each` declares entities the files do not name
        // one by one: every argument is unknown.
        let repeated = b.body.has_attribute("count") || b.body.has_attribute("for_each");
        let arg = |key: &str| {
            if repeated {
                return Some(Val::unknown(
                    format!("{address} (count or for_each)"),
                    start(b),
                ));
            }
            b.body.get_attribute(key).map(|a| self.eval(&a.value, f, 0))
        };
        if let Some(decl) = crate::entities::terraform(label(b, 0), &arg) {
            declared.push(Declared {
                file: self.files.get(f).map_or("", |p| p.path).to_string(),
                address: address.to_string(),
                at: start(b),
                decl,
            });
        }
    }

    fn policies(
        &self,
        out: &mut Vec<(usize, Found)>,
        problems: &mut Vec<Problem>,
        texts: &[&str],
        declared: &mut Vec<Declared>,
    ) {
        for (f, b) in self.blocks("resource") {
            let ty = label(b, 0);
            let address = format!("{}{ty}.{}", self.prefix, label(b, 1));
            self.declare(f, b, &address, declared);
            let text = texts.get(f).copied().unwrap_or("");
            let mut push = |attr: &str, kind: PolicyKind, e: &Expression| match self
                .policy_value(e, f, text)
            {
                Ok(v) => out.push((f, Found::new(&address, attr, kind, v))),
                Err((code, e)) => problems.push(Problem {
                    file: self.files.get(f).map_or("", |p| p.path).to_string(),
                    code,
                    at: e.at,
                    message: format!(
                        "the {attr} of `{address}` is not a policy iamsim can read: {}",
                        e.message
                    ),
                }),
            };
            for (attr, kind) in policy_arguments(ty) {
                if let Some(a) = b.body.get_attribute(attr) {
                    let kind = if ty == "aws_organizations_policy" {
                        match b
                            .body
                            .get_attribute("type")
                            .map(|t| self.eval(&t.value, f, 0))
                            .and_then(|v| v.text())
                            .as_deref()
                        {
                            None | Some("SERVICE_CONTROL_POLICY") => PolicyKind::Scp,
                            Some("RESOURCE_CONTROL_POLICY") => PolicyKind::Rcp,
                            _ => continue,
                        }
                    } else {
                        *kind
                    };
                    push(attr, kind, &a.value);
                }
            }
            if ty == "aws_iam_role" {
                for inline in b.body.get_blocks("inline_policy") {
                    if let Some(a) = inline.body.get_attribute("policy") {
                        push("inline_policy", PolicyKind::Identity, &a.value);
                    }
                }
            }
        }
    }
}

/// Strings holding an unknown interpolation's token become that unknown value.
fn mark_unknowns(v: Val, names: &[String]) -> Val {
    if names.is_empty() {
        return v;
    }
    let at = v.at;
    match v.kind {
        Kind::Str(s) if s.contains("@@iamsim-unknown-") => {
            let mut found = Vec::new();
            for (i, n) in names.iter().enumerate() {
                if s.contains(&format!("@@iamsim-unknown-{i}@@")) {
                    found.push(n.clone());
                }
            }
            Val::unknown(found.join(", "), at)
        }
        Kind::List(items) => Val::new(
            Kind::List(items.into_iter().map(|i| mark_unknowns(i, names)).collect()),
            at,
        ),
        Kind::Map(ms) => Val::new(
            Kind::Map(
                ms.into_iter()
                    .map(|(k, kat, i)| (k, kat, mark_unknowns(i, names)))
                    .collect(),
            ),
            at,
        ),
        kind => Val::new(kind, at),
    }
}

/// The arguments of a resource type that hold policies.
pub(crate) fn policy_arguments(ty: &str) -> &'static [(&'static str, PolicyKind)] {
    match ty {
        "aws_iam_policy"
        | "aws_iam_role_policy"
        | "aws_iam_user_policy"
        | "aws_iam_group_policy" => &[("policy", PolicyKind::Identity)],
        "aws_iam_role" => &[("assume_role_policy", PolicyKind::Trust)],
        "aws_s3_bucket_policy" | "aws_s3_bucket" => &[("policy", PolicyKind::Bucket)],
        "aws_kms_key" | "aws_kms_key_policy" => &[("policy", PolicyKind::Key)],
        "aws_sqs_queue_policy" | "aws_sqs_queue" => &[("policy", PolicyKind::Queue)],
        "aws_sns_topic_policy" | "aws_sns_topic" => &[("policy", PolicyKind::Topic)],
        "aws_secretsmanager_secret_policy" | "aws_secretsmanager_secret" => {
            &[("policy", PolicyKind::Secret)]
        }
        "aws_ecr_repository_policy" => &[("policy", PolicyKind::Repository)],
        "aws_organizations_policy" => &[("content", PolicyKind::Scp)],
        _ => &[],
    }
}

pub(crate) fn read(files: &[TfFile], settings: &Settings) -> Read {
    let mut problems = Vec::new();
    let mut parsed: Vec<Parsed> = Vec::new();
    for f in files {
        match hcl_edit::parser::parse_body(f.text) {
            Ok(body) => parsed.push(Parsed { path: f.path, body }),
            Err(e) => problems.push(Problem {
                file: f.path.to_string(),
                code: Code::IacSyntax,
                at: e.location().offset(),
                message: format!("HCL syntax error: {}", e.message()),
            }),
        }
    }
    let texts: HashMap<&str, &str> = files.iter().map(|f| (f.path, f.text)).collect();
    let mut dirs: BTreeMap<&str, Vec<&Parsed>> = BTreeMap::new();
    for p in &parsed {
        dirs.entry(dir_of(p.path)).or_default().push(p);
    }
    // Folders some module block calls are read as modules, not as roots.
    let mut called = BTreeSet::new();
    for (dir, ps) in &dirs {
        for p in ps {
            for m in p.body.get_blocks("module") {
                if let Some(src) = m
                    .body
                    .get_attribute("source")
                    .and_then(|a| a.value.as_str())
                {
                    if let Some(target) = join(dir, src) {
                        if target != *dir {
                            called.insert(target);
                        }
                    }
                }
            }
        }
    }
    let mut found: Vec<(String, Found)> = Vec::new();
    let mut declared = Vec::new();
    let mut outside = Vec::new();
    for (dir, ps) in &dirs {
        if called.contains(*dir) {
            continue;
        }
        let m = Module {
            files: ps.clone(),
            prefix: String::new(),
            inputs: HashMap::new(),
            settings,
            made: std::cell::Cell::new(0),
            resources: std::cell::OnceCell::new(),
            budget: budget(ps, &texts),
        };
        let mut out = Out {
            found: &mut found,
            problems: &mut problems,
            declared: &mut declared,
            outside: &mut outside,
        };
        walk(&m, dir, &dirs, &texts, 0, &mut out);
    }
    let mut read = finish_many(found, problems);
    read.outside = outside;
    read.policies
        .sort_by(|a, b| (a.file.as_str(), a.at).cmp(&(b.file.as_str(), b.at)));
    read.entities = crate::entities::build(declared, &read.policies);
    read
}

/// What the walk over modules gathers.
struct Out<'o> {
    found: &'o mut Vec<(String, Found)>,
    problems: &'o mut Vec<Problem>,
    declared: &'o mut Vec<Declared>,
    /// Module calls whose source the files do not hold.
    outside: &'o mut Vec<String>,
}

fn walk<'m>(
    m: &Module<'m>,
    dir: &str,
    dirs: &BTreeMap<&str, Vec<&'m Parsed<'m>>>,
    texts: &HashMap<&str, &str>,
    depth: usize,
    out: &mut Out<'_>,
) {
    let file_texts: Vec<&str> = m
        .files
        .iter()
        .map(|p| texts.get(p.path).copied().unwrap_or(""))
        .collect();
    let mut here = Vec::new();
    m.policies(&mut here, out.problems, &file_texts, out.declared);
    for (f, x) in here {
        out.found
            .push((m.files.get(f).map_or("", |p| p.path).to_string(), x));
    }
    if depth >= MAX_MODULE_DEPTH {
        return;
    }
    for (f, b) in m.blocks("module") {
        let source = b
            .body
            .get_attribute("source")
            .and_then(|a| a.value.as_str())
            .unwrap_or("");
        let Some(files) = join(dir, source).and_then(|t| dirs.get(t.as_str()).map(|f| (t, f)))
        else {
            let file = m.files.get(f).map_or("", |p| p.path);
            out.outside.push(format!(
                "{file}: module `{}{}` comes from `{source}`, which the files read do not hold: the users, roles, policies and resources it creates are not in the world",
                m.prefix,
                label(b, 0)
            ));
            continue;
        };
        let (target, files) = files;
        let mut inputs = HashMap::new();
        for a in b.body.attributes() {
            let k = a.key.as_str();
            if !matches!(
                k,
                "source" | "version" | "count" | "for_each" | "providers" | "depends_on"
            ) {
                inputs.insert(k.to_string(), m.eval(&a.value, f, 0));
            }
        }
        let child = Module {
            files: files.clone(),
            prefix: format!("{}module.{}.", m.prefix, label(b, 0)),
            inputs,
            settings: m.settings,
            made: std::cell::Cell::new(0),
            resources: std::cell::OnceCell::new(),
            budget: budget(files, texts),
        };
        walk(&child, &target, dirs, texts, depth + 1, out);
    }
}

fn budget(files: &[&Parsed], texts: &HashMap<&str, &str>) -> usize {
    let bytes: usize = files
        .iter()
        .map(|p| texts.get(p.path).map_or(0, |t| t.len()))
        .sum();
    MAX_VALUES.saturating_add(bytes.saturating_mul(VALUES_PER_BYTE))
}

fn finish_many(found: Vec<(String, Found)>, problems: Vec<Problem>) -> Read {
    let mut by_file: BTreeMap<String, Vec<Found>> = BTreeMap::new();
    for (file, f) in found {
        by_file.entry(file).or_default().push(f);
    }
    let mut read = Read {
        format: crate::Format::Terraform,
        policies: Vec::new(),
        problems,
        entities: crate::entities::Entities::default(),
        outside: Vec::new(),
    };
    for (file, fs) in by_file {
        let r = finish(&file, fs, crate::Format::Terraform, Vec::new());
        read.policies.extend(r.policies);
        read.problems.extend(r.problems);
    }
    read
}
