//! From JSON to the checked model, with every diagnostic the grammar calls for
//! (docs/rules.md section 1). Reading never stops at the first problem: each element is
//! checked on its own so one run reports everything a person has to fix.

use crate::action::{ActionMatcher, PatternErrorKind};
use crate::arn::{is_account_id, parse_arn};
use crate::condition::{parse_value, ConditionOperator, ConditionValue};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::json::{self, Json, JsonValue, Limits, Member};
use crate::model::{
    ActionBlock, ActionKind, ActionPattern, AwsPrincipal, Condition, Effect, Policy, PolicyType,
    PrincipalBlock, PrincipalEntry, PrincipalKind, PrincipalValue, ResourceBlock, ResourceKind,
    ResourcePattern, Spanned, Statement, Version,
};
use crate::principal::{read_aws_principal, read_named_principal, PrincipalError};
use crate::quota::QuotaKind;
use crate::resource::ResourceMatcher;
use crate::span::{Source, Span};
use std::collections::HashMap;
use std::sync::Arc;

/// The result of reading a policy: the policy when it has no error, and every diagnostic
/// (errors and warnings) found on the way.
#[derive(Debug)]
pub struct Parsed {
    /// The checked policy; `None` when any diagnostic is an error (0.3).
    pub policy: Option<Policy>,
    /// Every finding, errors and warnings, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads a policy document from its whole source text.
pub fn parse_policy(source: &Arc<Source>, policy_type: PolicyType) -> Parsed {
    match json::parse(source, Limits::default()) {
        Ok(json) => parse_policy_json(source, &json, policy_type),
        Err(d) => Parsed {
            policy: None,
            diagnostics: vec![d],
        },
    }
}

/// Reads a policy document from raw file bytes: invalid UTF-8 is reported with its position.
pub fn parse_policy_bytes(name: &str, bytes: &[u8], policy_type: PolicyType) -> Parsed {
    match json::parse_bytes(name, bytes, Limits::default()) {
        Ok((source, json)) => parse_policy_json(&source, &json, policy_type),
        Err(d) => Parsed {
            policy: None,
            diagnostics: vec![d],
        },
    }
}

/// Reads a policy document from a JSON value already read from `source` (inline documents in a
/// world file).
pub fn parse_policy_json(source: &Arc<Source>, json: &Json, policy_type: PolicyType) -> Parsed {
    parse_checked(source, json, policy_type, Some(QuotaKind::of(policy_type)))
}

/// As [`parse_policy_json`], held to the size-quota row `quota` instead of its type's (a
/// resource policy whose resource the caller knows: a queue's, a key's, ...).
pub fn parse_policy_json_quota(
    source: &Arc<Source>,
    json: &Json,
    policy_type: PolicyType,
    quota: QuotaKind,
) -> Parsed {
    parse_checked(source, json, policy_type, Some(quota))
}

/// Reads an AWS managed policy: as [`parse_policy`], without the customer size quota (1.28),
/// which AWS's own policies are not bound by (ReadOnlyAccess is 85 KB).
pub fn parse_aws_managed_policy(source: &Arc<Source>, policy_type: PolicyType) -> Parsed {
    match json::parse(source, Limits::default()) {
        Ok(json) => parse_aws_managed_policy_json(source, &json, policy_type),
        Err(d) => Parsed {
            policy: None,
            diagnostics: vec![d],
        },
    }
}

/// Reads an AWS managed policy from a JSON value already read from `source` (an account's
/// exported copy): no customer quota, but a document larger than any AWS publishes
/// ([`crate::quota::AWS_MANAGED_BOUND`]) is refused before its statements are read.
pub fn parse_aws_managed_policy_json(
    source: &Arc<Source>,
    json: &Json,
    policy_type: PolicyType,
) -> Parsed {
    let text = source
        .text()
        .get(json.span.start as usize..json.span.end as usize)
        .unwrap_or_default();
    if let Some(size) = crate::quota::over_aws_managed_bound(text) {
        let start = json.span.start as usize;
        return Parsed {
            policy: None,
            diagnostics: vec![Diagnostic::new(
                Code::InputTooLarge,
                format!(
                    "an AWS managed policy of {size} characters not counting whitespace is larger than any AWS publishes (iamsim reads at most {})",
                    crate::quota::AWS_MANAGED_BOUND
                ),
                source,
                Span::new(start, start + 1),
            )],
        };
    }
    parse_checked(source, json, policy_type, None)
}

fn parse_checked(
    source: &Arc<Source>,
    json: &Json,
    policy_type: PolicyType,
    quota: Option<QuotaKind>,
) -> Parsed {
    let mut cx = Reader {
        source,
        ty: policy_type,
        variables: false,
        diags: Vec::new(),
        sids: HashMap::new(),
    };
    cx.check_characters(json);
    // A document over AWS's size limit is refused whatever it holds; reading (compiling) its
    // statements anyway cost 5 GB for a 50 MB policy. Stop at the size error. AWS managed
    // policies are not bound by the customer quota.
    let policy = if quota.is_none_or(|q| cx.check_size(json, q)) {
        cx.read_policy(json)
    } else {
        None
    };
    let has_errors = cx.diags.iter().any(Diagnostic::is_error);
    Parsed {
        policy: if has_errors { None } else { policy },
        diagnostics: cx.diags,
    }
}

const TOP_KEYS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];
const PRINCIPAL_KEYS: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];

/// The closest of `candidates` to `word`: same letters in another case, or within two edits.
pub(crate) fn did_you_mean<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return Some(c);
    }
    // Long words cannot be a near miss of these short names; skip them to stay linear.
    if word.len() > 40 {
        return None;
    }
    crate::suggest::closest(word, candidates, |d, c| d <= 2 && d < c.len() / 2)
}

fn type_label(ty: PolicyType) -> &'static str {
    match ty {
        PolicyType::Identity => "an identity policy",
        PolicyType::Boundary => "a permissions boundary",
        PolicyType::Session => "a session policy",
        PolicyType::Trust => "a role trust policy",
        PolicyType::Resource => "a resource-based policy",
        PolicyType::Scp => "an SCP",
        PolicyType::Rcp => "an RCP",
    }
}

/// IAM's own grammar (Sid characters, 1.9) governs the documents IAM and STS store.
fn is_iam_document(ty: PolicyType) -> bool {
    matches!(
        ty,
        PolicyType::Identity | PolicyType::Boundary | PolicyType::Session | PolicyType::Trust
    )
}

/// 1.5: TAB, LF, CR and U+0020–U+00FF.
fn is_allowed_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}')
}

/// The elements of one statement, as written.
#[derive(Default)]
struct Elements<'j> {
    sid: Option<&'j Member>,
    effect: Option<&'j Member>,
    principal: Option<&'j Member>,
    not_principal: Option<&'j Member>,
    action: Option<&'j Member>,
    not_action: Option<&'j Member>,
    resource: Option<&'j Member>,
    not_resource: Option<&'j Member>,
    condition: Option<&'j Member>,
    /// Element names a misspelt key was taken to mean: no "missing" error for them.
    near_misses: Vec<&'static str>,
}

struct Reader<'a> {
    source: &'a Arc<Source>,
    ty: PolicyType,
    /// Policy variables are recognised (Version 2012-10-17, 1.7).
    variables: bool,
    diags: Vec<Diagnostic>,
    /// Where each Sid was first used (1.9).
    sids: HashMap<String, Span>,
}

impl Reader<'_> {
    fn push(&mut self, code: Code, span: Span, message: String, help: Option<&str>) {
        let mut d = Diagnostic::new(code, message, self.source, span);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.diags.push(d);
    }

    fn push_with_severity(
        &mut self,
        code: Code,
        severity: Severity,
        span: Span,
        message: String,
        help: Option<&str>,
    ) {
        self.push(code, span, message, help);
        if let Some(d) = self.diags.last_mut() {
            d.severity = severity;
        }
    }

    fn invalid_type(&mut self, what: &str, expected: &str, found: &Json) {
        self.push(
            Code::InvalidType,
            found.span,
            format!("{what} must be {expected}, found {}", found.type_name()),
            None,
        );
    }

    fn location_text(&self, span: Span) -> String {
        let (line, col) = self.source.line_col(span.start);
        format!("line {line}, column {col}")
    }

    fn text_of(&self, span: Span) -> &str {
        self.source
            .text()
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
    }

    // ---- whole-document checks -------------------------------------------------------------

    /// 1.5: report the first character outside the allowed set, in the text as written; if the
    /// text is clean, in the decoded strings (a `\u` escape can smuggle one in).
    fn check_characters(&mut self, json: &Json) {
        let text = self.text_of(json.span);
        // Nearly every document is plain ASCII: check bytes first, characters only if needed.
        let plain_ascii = text
            .bytes()
            .all(|b| (0x20..0x80).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'));
        let bad = if plain_ascii {
            None
        } else {
            text.char_indices()
                .find(|(_, c)| !is_allowed_char(*c))
                .map(|(i, c)| (json.span.start as usize + i, c))
        };
        if let Some((at, c)) = bad {
            let help = if matches!(c, '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}') {
                "replace the typographic quote with a straight quote (`'`, or `\\\"` inside a \
                 string)"
            } else {
                "IAM accepts only tab, line feed, carriage return and characters U+0020 to U+00FF"
            };
            self.push(
                Code::InvalidCharacter,
                Span::new(at, at + c.len_utf8()),
                format!(
                    "character `{c}` (U+{:04X}) is not allowed in a policy document",
                    c as u32
                ),
                Some(help),
            );
            return;
        }
        // Without a backslash in the text no string decodes to anything it did not spell out.
        if !text.contains('\\') {
            return;
        }
        // Walk the tree with an explicit stack: its depth is the caller's business.
        let mut stack = vec![json];
        while let Some(node) = stack.pop() {
            let found = match &node.value {
                JsonValue::String(s) => s
                    .chars()
                    .find(|c| !is_allowed_char(*c))
                    .map(|c| (c, node.span)),
                JsonValue::Array(items) => {
                    stack.extend(items.iter());
                    None
                }
                JsonValue::Object(members) => {
                    let mut hit = None;
                    for m in members {
                        if hit.is_none() {
                            hit = m
                                .key
                                .chars()
                                .find(|c| !is_allowed_char(*c))
                                .map(|c| (c, m.key_span));
                        }
                        stack.push(&m.value);
                    }
                    hit
                }
                _ => None,
            };
            if let Some((c, span)) = found {
                self.push(
                    Code::InvalidCharacter,
                    span,
                    format!(
                        "escaped character U+{:04X} is not allowed in a policy document",
                        c as u32
                    ),
                    Some(
                        "IAM accepts only tab, line feed, carriage return and characters U+0020 \
                         to U+00FF",
                    ),
                );
                return;
            }
        }
    }

    /// 1.28: the document against its row of the size-quota table ([`crate::quota`]). Returns
    /// false when the document is not to be read further: over a quota graded as an error, or
    /// so far over a warning-graded one that reading it would only cost memory (a 50 MB policy
    /// cost 5 GB to compile). Below that, a warning-graded excess reads on, so its statements are
    /// checked as well.
    fn check_size(&mut self, json: &Json, quota: QuotaKind) -> bool {
        let text = self.text_of(json.span);
        let Some(excess) = crate::quota::check(text, quota) else {
            return true;
        };
        let q = excess.quota;
        // Over the hard limit of a raisable quota: refused whatever the account asked for.
        let (severity, limit) = match q.hard_limit {
            Some(hard) if excess.refused => (Severity::Error, hard),
            _ => (q.severity, q.limit),
        };
        let start = json.span.start as usize;
        self.push_with_severity(
            q.code,
            severity,
            Span::new(start, start + 1),
            format!(
                "{} is {} {}, over the limit of {limit}",
                type_label(self.ty),
                excess.size,
                q.counting.unit()
            ),
            Some(q.help),
        );
        severity != Severity::Error && excess.size <= crate::quota::READ_ON_FACTOR * q.limit
    }

    // ---- the document ----------------------------------------------------------------------

    fn read_policy(&mut self, json: &Json) -> Option<Policy> {
        let Some(members) = json.members() else {
            self.push(
                Code::InvalidType,
                json.span,
                format!(
                    "a policy document must be a JSON object, found {}",
                    json.type_name()
                ),
                Some("write `{\"Version\": \"2012-10-17\", \"Statement\": [...]}`"),
            );
            return None;
        };
        let (mut version_m, mut id_m, mut statement_m) = (None, None, None);
        let mut near_statement = false;
        for m in members {
            match m.key.as_str() {
                "Version" => version_m = Some(m),
                "Id" => id_m = Some(m),
                "Statement" => statement_m = Some(m),
                other => {
                    let guess = did_you_mean(other, TOP_KEYS);
                    near_statement |= guess == Some("Statement");
                    self.unknown_element(other, m.key_span, guess, "at the top level");
                }
            }
        }
        let version = self.read_version(json, version_m);
        self.variables = matches!(
            version,
            Some(Spanned {
                value: Version::V2012_10_17,
                ..
            })
        );
        let id = id_m.and_then(|m| self.read_id(m));
        let statements = match statement_m {
            None => {
                if !near_statement {
                    self.push(
                        Code::MissingStatement,
                        Span::new(json.span.start as usize, json.span.start as usize + 1),
                        "the policy has no `Statement`".into(),
                        Some("add `\"Statement\": [ ... ]` with at least one statement"),
                    );
                }
                Vec::new()
            }
            Some(m) => self.read_statements(&m.value),
        };
        Some(Policy {
            policy_type: self.ty,
            source: Arc::clone(self.source),
            span: json.span,
            version,
            id,
            statements,
        })
    }

    fn unknown_element(&mut self, name: &str, span: Span, guess: Option<&str>, place: &str) {
        let help = guess.map(|g| {
            if g.eq_ignore_ascii_case(name) {
                format!("did you mean `{g}`? element names are case-sensitive")
            } else {
                format!("did you mean `{g}`?")
            }
        });
        self.push(
            Code::UnknownElement,
            span,
            format!("unknown element `{name}` {place}"),
            help.as_deref(),
        );
    }

    /// 1.6, 1.7; SCPs and RCPs require 2012-10-17 (1.26).
    fn read_version(&mut self, doc: &Json, m: Option<&Member>) -> Option<Spanned<Version>> {
        let org = matches!(self.ty, PolicyType::Scp | PolicyType::Rcp);
        let Some(m) = m else {
            let start = doc.span.start as usize;
            let span = Span::new(start, start + 1);
            if org {
                self.push_with_severity(
                    Code::MissingVersion,
                    Severity::Error,
                    span,
                    format!("{} requires `Version`", type_label(self.ty)),
                    Some("add `\"Version\": \"2012-10-17\"`"),
                );
            } else {
                self.push(
                    Code::MissingVersion,
                    span,
                    "the policy has no `Version`: policy variables such as `${aws:username}` are \
                     read as literal text"
                        .into(),
                    Some("add `\"Version\": \"2012-10-17\"`"),
                );
            }
            return None;
        };
        let value = match m.value.as_str() {
            Some("2012-10-17") => Version::V2012_10_17,
            Some("2008-10-17") if !org => Version::V2008_10_17,
            Some("2008-10-17") => {
                self.push(
                    Code::InvalidVersion,
                    m.value.span,
                    format!(
                        "{} requires `Version` `2012-10-17`, found `2008-10-17`",
                        type_label(self.ty)
                    ),
                    Some("use `2012-10-17`"),
                );
                return None;
            }
            Some(other) => {
                self.push(
                    Code::InvalidVersion,
                    m.value.span,
                    format!("invalid `Version` `{other}`"),
                    Some("use `2012-10-17`"),
                );
                return None;
            }
            None => {
                let written = self.text_of(m.value.span).to_string();
                self.push(
                    Code::InvalidVersion,
                    m.value.span,
                    format!("invalid `Version` `{written}`: it must be a string"),
                    Some("use `2012-10-17`"),
                );
                return None;
            }
        };
        Some(Spanned {
            value,
            span: m.value.span,
        })
    }

    /// 1.8: Id is free text; identity-side and organization policies must not carry it.
    fn read_id(&mut self, m: &Member) -> Option<Spanned<String>> {
        let Some(text) = m.value.as_str() else {
            self.invalid_type("`Id`", "a string", &m.value);
            return None;
        };
        if matches!(
            self.ty,
            PolicyType::Identity
                | PolicyType::Boundary
                | PolicyType::Session
                | PolicyType::Scp
                | PolicyType::Rcp
        ) {
            self.push(
                Code::UnsupportedId,
                m.key_span,
                format!("`Id` is not supported in {}", type_label(self.ty)),
                Some("remove `Id`; it never affects a decision"),
            );
        }
        Some(Spanned {
            value: text.to_string(),
            span: m.value.span,
        })
    }

    /// 1.2: one statement object, or a non-empty array of them.
    fn read_statements(&mut self, json: &Json) -> Vec<Statement> {
        match &json.value {
            JsonValue::Object(_) => self.read_statement(0, json).into_iter().collect(),
            JsonValue::Array(items) if items.is_empty() => {
                self.push(
                    Code::EmptyList,
                    json.span,
                    "`Statement` is an empty list".into(),
                    Some("a policy needs at least one statement"),
                );
                Vec::new()
            }
            JsonValue::Array(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, s)| self.read_statement(i, s))
                .collect(),
            _ => {
                self.invalid_type("`Statement`", "an object or a list of objects", json);
                Vec::new()
            }
        }
    }

    // ---- one statement ---------------------------------------------------------------------

    fn read_statement(&mut self, index: usize, json: &Json) -> Option<Statement> {
        let Some(members) = json.members() else {
            self.invalid_type("a statement", "an object", json);
            return None;
        };
        let mut el = Elements::default();
        for m in members {
            let slot = match m.key.as_str() {
                "Sid" => &mut el.sid,
                "Effect" => &mut el.effect,
                "Principal" => &mut el.principal,
                "NotPrincipal" => &mut el.not_principal,
                "Action" => &mut el.action,
                "NotAction" => &mut el.not_action,
                "Resource" => &mut el.resource,
                "NotResource" => &mut el.not_resource,
                "Condition" => &mut el.condition,
                other => {
                    let guess = did_you_mean(other, STATEMENT_KEYS);
                    if let Some(g) = guess {
                        el.near_misses.push(g);
                    }
                    self.unknown_element(other, m.key_span, guess, "in a statement");
                    continue;
                }
            };
            *slot = Some(m);
        }
        let head = Span::new(json.span.start as usize, json.span.start as usize + 1);

        let sid = el.sid.and_then(|m| self.read_sid(m));
        let effect = self.read_effect(&el, head);
        let principal = self.read_statement_principal(&el, effect.as_ref(), head);
        let action = self.read_statement_actions(&el, head);
        let resource = self.read_statement_resources(&el, head);
        let conditions = match el.condition {
            Some(m) => self.read_conditions(&m.value),
            None => Some(Vec::new()),
        };
        if self.ty == PolicyType::Rcp {
            if let (Some(e), Some(m)) = (&effect, el.effect) {
                if e.value == Effect::Allow && !is_rcp_full_access(&el) {
                    self.push(
                        Code::ProhibitedElement,
                        m.value.span,
                        "`Allow` is not supported in a custom RCP".into(),
                        Some(
                            "RCPs restrict access with `Deny` statements; only the AWS-managed \
                             `RCPFullAWSAccess` allows",
                        ),
                    );
                }
            }
        }
        Some(Statement {
            index,
            sid,
            effect: effect?,
            principal: principal?,
            action: action?,
            resource: resource?,
            conditions: conditions?,
            span: json.span,
        })
    }

    /// 1.9.
    fn read_sid(&mut self, m: &Member) -> Option<Spanned<String>> {
        let Some(text) = m.value.as_str() else {
            self.invalid_type("`Sid`", "a string", &m.value);
            return None;
        };
        if is_iam_document(self.ty) && !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
            self.push(
                Code::InvalidSid,
                m.value.span,
                format!(
                    "`Sid` `{text}` may contain only letters and digits in {}",
                    type_label(self.ty)
                ),
                Some("remove spaces, dashes and other punctuation from the `Sid`"),
            );
        }
        if !text.is_empty() {
            if let Some(first) = self.sids.get(text).copied() {
                let at = self.location_text(first);
                self.push(
                    Code::InvalidSid,
                    m.value.span,
                    format!("duplicate `Sid` `{text}`: first used at {at}"),
                    Some("every `Sid` in a policy must be unique"),
                );
            } else {
                self.sids.insert(text.to_string(), m.value.span);
            }
        }
        Some(Spanned {
            value: text.to_string(),
            span: m.value.span,
        })
    }

    /// 1.10.
    fn read_effect(&mut self, el: &Elements<'_>, head: Span) -> Option<Spanned<Effect>> {
        let Some(m) = el.effect else {
            if !el.near_misses.contains(&"Effect") {
                self.push(
                    Code::MissingEffect,
                    head,
                    "statement has no `Effect`".into(),
                    Some("add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`"),
                );
            }
            return None;
        };
        let value = match m.value.as_str() {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            Some(other) => {
                let help = match did_you_mean(other, &["Allow", "Deny"]) {
                    Some(g) => format!("did you mean `{g}`? `Effect` is case-sensitive"),
                    None => "use `Allow` or `Deny`".to_string(),
                };
                self.push(
                    Code::InvalidEffect,
                    m.value.span,
                    format!("invalid `Effect` `{other}`"),
                    Some(&help),
                );
                return None;
            }
            None => {
                self.push(
                    Code::InvalidEffect,
                    m.value.span,
                    format!("`Effect` must be a string, found {}", m.value.type_name()),
                    Some("use `Allow` or `Deny`"),
                );
                return None;
            }
        };
        Some(Spanned {
            value,
            span: m.value.span,
        })
    }

    /// Reports a pair of exclusive elements written together, at the later one.
    fn pick_one<'j>(
        &mut self,
        a: Option<&'j Member>,
        b: Option<&'j Member>,
    ) -> Option<(&'j Member, bool)> {
        match (a, b) {
            (Some(a), Some(b)) => {
                let later = if a.key_span.start > b.key_span.start {
                    a
                } else {
                    b
                };
                self.push(
                    Code::ConflictingElements,
                    later.key_span,
                    format!("statement has both `{}` and `{}`", a.key, b.key),
                    Some(&format!("use either `{}` or `{}`, not both", a.key, b.key)),
                );
                None
            }
            (Some(a), None) => Some((a, false)),
            (None, Some(b)) => Some((b, true)),
            (None, None) => None,
        }
    }

    fn prohibited(&mut self, m: &Member, why: &str) {
        self.push(
            Code::ProhibitedElement,
            m.key_span,
            format!("`{}` is not allowed in {}", m.key, type_label(self.ty)),
            Some(why),
        );
    }

    /// 1.4: a string, or a non-empty list of strings.
    fn string_list<'j>(&mut self, what: &str, json: &'j Json) -> Option<Vec<(&'j str, Span)>> {
        match &json.value {
            JsonValue::String(s) => Some(vec![(s.as_str(), json.span)]),
            JsonValue::Array(items) if items.is_empty() => {
                self.push(
                    Code::EmptyList,
                    json.span,
                    format!("{what} is an empty list"),
                    Some("a list needs at least one value"),
                );
                None
            }
            JsonValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    match item.as_str() {
                        Some(s) => out.push((s, item.span)),
                        None => {
                            self.invalid_type(&format!("a value of {what}"), "a string", item);
                            ok = false;
                        }
                    }
                }
                ok.then_some(out)
            }
            _ => {
                self.invalid_type(what, "a string or a list of strings", json);
                None
            }
        }
    }
}

/// The shape of the AWS-managed `RCPFullAWSAccess` statement, the one RCP `Allow` (1.23).
fn is_rcp_full_access(el: &Elements<'_>) -> bool {
    let star = |m: Option<&Member>| {
        m.is_some_and(|m| match &m.value.value {
            JsonValue::String(s) => s == "*",
            JsonValue::Array(items) => {
                items.len() == 1 && items.iter().all(|i| i.as_str() == Some("*"))
            }
            _ => false,
        })
    };
    star(el.principal)
        && star(el.action)
        && star(el.resource)
        && el.not_action.is_none()
        && el.not_resource.is_none()
        && el.condition.is_none()
}

mod actions;
mod conditions;
mod principals;
mod resources;

#[cfg(test)]
mod tests;
