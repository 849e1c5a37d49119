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

    /// 1.16, 1.17, 1.26. The outer option is "could be read"; the inner one is the block.
    fn read_statement_principal(
        &mut self,
        el: &Elements<'_>,
        effect: Option<&Spanned<Effect>>,
        head: Span,
    ) -> Option<Option<PrincipalBlock>> {
        let mut ok = true;
        // Validate what is written even where it is prohibited, so every problem shows at once.
        let p = el
            .principal
            .map(|m| self.read_principal(PrincipalKind::Principal, m));
        let np = el
            .not_principal
            .map(|m| self.read_principal(PrincipalKind::NotPrincipal, m));
        match self.ty {
            PolicyType::Identity | PolicyType::Boundary | PolicyType::Session | PolicyType::Scp => {
                for m in [el.principal, el.not_principal].into_iter().flatten() {
                    self.prohibited(
                        m,
                        "this policy applies to the principal it is attached to; remove the \
                         element",
                    );
                    ok = false;
                }
                return ok.then_some(None);
            }
            PolicyType::Trust | PolicyType::Rcp => {
                if let Some(m) = el.not_principal {
                    self.prohibited(m, "use `Principal`, or a `Deny` with a condition");
                    ok = false;
                }
            }
            PolicyType::Resource => {
                if let (Some(m), Some(e)) = (el.not_principal, effect) {
                    if e.value == Effect::Allow && el.principal.is_none() {
                        self.push(
                            Code::AllowWithNotPrincipal,
                            m.key_span,
                            "`NotPrincipal` with `Effect` `Allow` is not supported".into(),
                            Some(
                                "it would grant access to everyone not listed, anonymous callers \
                                 included; use `Principal`, or `Deny` with `NotPrincipal`",
                            ),
                        );
                        ok = false;
                    }
                }
            }
        }
        if self.ty == PolicyType::Rcp {
            if let Some(m) = el.principal {
                if m.value.as_str() != Some("*") {
                    self.push(
                        Code::InvalidPrincipal,
                        m.value.span,
                        "an RCP `Principal` must be `\"*\"`".into(),
                        Some("narrow an RCP with conditions such as `aws:PrincipalAccount`"),
                    );
                    ok = false;
                }
            }
        }
        let pick = if self.ty == PolicyType::Resource {
            self.pick_one(el.principal, el.not_principal)
        } else {
            el.principal.map(|m| (m, false))
        };
        if el.principal.is_none()
            && el.not_principal.is_none()
            && !el.near_misses.contains(&"Principal")
            && !el.near_misses.contains(&"NotPrincipal")
        {
            self.push(
                Code::MissingPrincipal,
                head,
                format!("statement in {} has no `Principal`", type_label(self.ty)),
                Some(match self.ty {
                    PolicyType::Trust => "name who may assume the role, e.g. `\"Principal\": {\"AWS\": \"arn:aws:iam::111111111111:root\"}`",
                    PolicyType::Rcp => "add `\"Principal\": \"*\"`",
                    _ => "a resource-based statement without `Principal` matches no one; add `Principal`",
                }),
            );
            ok = false;
        }
        let block = match pick {
            Some((_, false)) => p.flatten(),
            Some((_, true)) => np.flatten(),
            None => None,
        };
        if pick.is_some() && block.is_none() {
            ok = false;
        }
        ok.then_some(block)
    }

    fn read_principal(&mut self, kind: PrincipalKind, m: &Member) -> Option<PrincipalBlock> {
        let name = &m.key;
        let mut entries = Vec::new();
        let mut ok = true;
        match &m.value.value {
            JsonValue::String(s) if s == "*" => entries.push(PrincipalEntry {
                text: s.clone(),
                span: m.value.span,
                value: PrincipalValue::Aws(AwsPrincipal::Everyone),
            }),
            JsonValue::String(s) => {
                let d = PrincipalError {
                    code: Code::InvalidPrincipal,
                    message: format!(
                        "`{name}` must be `\"*\"` or a map of principals, found `{s}`"
                    ),
                    help: Some(format!(
                        "write `\"{name}\": {{\"AWS\": \"{s}\"}}` or use a `Service`, \
                         `Federated` or `CanonicalUser` key"
                    )),
                };
                self.push_principal_error(d, m.value.span);
                return None;
            }
            JsonValue::Object(keys) if keys.is_empty() => {
                self.push(
                    Code::EmptyList,
                    m.value.span,
                    format!("`{name}` names no principal"),
                    Some("add an `AWS`, `Service`, `Federated` or `CanonicalUser` key"),
                );
                return None;
            }
            JsonValue::Object(keys) => {
                for k in keys {
                    if !PRINCIPAL_KEYS.contains(&k.key.as_str()) {
                        let help = match did_you_mean(&k.key, PRINCIPAL_KEYS) {
                            Some(g) => {
                                format!("did you mean `{g}`? principal keys are case-sensitive")
                            }
                            None => "use `AWS`, `Service`, `Federated` or `CanonicalUser`".into(),
                        };
                        self.push(
                            Code::InvalidPrincipalKey,
                            k.key_span,
                            format!("invalid principal key `{}`", k.key),
                            Some(&help),
                        );
                        ok = false;
                        continue;
                    }
                    if k.key == "CanonicalUser" && self.ty != PolicyType::Resource {
                        self.push(
                            Code::InvalidPrincipalKey,
                            k.key_span,
                            format!("`CanonicalUser` is not supported in {}", type_label(self.ty)),
                            Some("`CanonicalUser` is accepted only in S3 bucket policies; use `AWS` with the account id"),
                        );
                        ok = false;
                    }
                    let Some(values) = self.string_list(&format!("`{}`", k.key), &k.value) else {
                        ok = false;
                        continue;
                    };
                    for (text, span) in values {
                        let read = if k.key == "AWS" {
                            read_aws_principal(text).map(PrincipalValue::Aws)
                        } else {
                            read_named_principal(&k.key, text).map(|v| match k.key.as_str() {
                                "Service" => PrincipalValue::Service(v),
                                "Federated" => PrincipalValue::Federated(v),
                                _ => PrincipalValue::CanonicalUser(v),
                            })
                        };
                        match read {
                            Ok(value) => entries.push(PrincipalEntry {
                                text: text.to_string(),
                                span,
                                value,
                            }),
                            Err(e) => {
                                self.push_principal_error(e, span);
                                ok = false;
                            }
                        }
                    }
                }
            }
            _ => {
                self.invalid_type(&format!("`{name}`"), "`\"*\"` or an object", &m.value);
                return None;
            }
        }
        ok.then_some(PrincipalBlock {
            kind,
            key_span: m.key_span,
            entries,
        })
    }

    fn push_principal_error(&mut self, e: PrincipalError, span: Span) {
        self.push(e.code, span, e.message, e.help.as_deref());
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

    // ---- actions ---------------------------------------------------------------------------

    /// 1.19, 1.20, 2.2, 1.26.
    fn read_statement_actions(&mut self, el: &Elements<'_>, head: Span) -> Option<ActionBlock> {
        let mut ok = true;
        if let Some(m) = el.not_action {
            if matches!(self.ty, PolicyType::Trust | PolicyType::Rcp) {
                self.prohibited(m, "list the allowed actions in `Action`");
                ok = false;
            }
        }
        let a = el.action.map(|m| self.read_actions(ActionKind::Action, m));
        let na = el
            .not_action
            .map(|m| self.read_actions(ActionKind::NotAction, m));
        let picked = self.pick_one(el.action, el.not_action);
        if el.action.is_none()
            && el.not_action.is_none()
            && !el.near_misses.contains(&"Action")
            && !el.near_misses.contains(&"NotAction")
        {
            self.push(
                Code::MissingAction,
                head,
                "statement has no `Action` or `NotAction`".into(),
                Some("add `\"Action\": \"service:Operation\"`"),
            );
        }
        let block = match picked {
            Some((_, false)) => a.flatten(),
            Some((_, true)) => na.flatten(),
            None => None,
        };
        if ok {
            block
        } else {
            None
        }
    }

    fn read_actions(&mut self, kind: ActionKind, m: &Member) -> Option<ActionBlock> {
        let values = self.string_list(&format!("`{}`", m.key), &m.value)?;
        let mut patterns = Vec::with_capacity(values.len());
        let mut ok = true;
        for (text, span) in values {
            match self.read_action(text, span) {
                Some(p) => patterns.push(p),
                None => ok = false,
            }
        }
        ok.then_some(ActionBlock {
            kind,
            key_span: m.key_span,
            patterns,
        })
    }

    fn read_action(&mut self, text: &str, span: Span) -> Option<ActionPattern> {
        if text.contains("${") {
            self.push(
                Code::InvalidPolicyVariable,
                span,
                format!("policy variable in action `{text}`"),
                Some("policy variables are not allowed in `Action`"),
            );
            return None;
        }
        if text != "*" {
            let shape = "write `service:Operation`, e.g. `s3:GetObject`, or `*`";
            let Some((prefix, name)) = text.split_once(':') else {
                self.push(
                    Code::InvalidAction,
                    span,
                    format!("`{text}` is not an action: it has no service prefix"),
                    Some(shape),
                );
                return None;
            };
            let prefix_ok = !prefix.is_empty()
                && prefix
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-*?".contains(&b));
            let name_ok = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.*?".contains(&b));
            if !prefix_ok || !name_ok {
                let part = if prefix_ok {
                    "action name"
                } else {
                    "service prefix"
                };
                self.push(
                    Code::InvalidAction,
                    span,
                    format!("`{text}` is not an action: invalid {part}"),
                    Some(shape),
                );
                return None;
            }
            if prefix.contains(['*', '?']) {
                // 2.2: a warning where dual reading applies, an error in gates.
                let gate = matches!(
                    self.ty,
                    PolicyType::Scp | PolicyType::Rcp | PolicyType::Boundary | PolicyType::Session
                );
                let severity = if gate {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                self.push_with_severity(
                    Code::ServiceWildcard,
                    severity,
                    span,
                    format!("wildcard in the service prefix of `{text}`"),
                    Some("AWS documents wildcards only in the action name; write the service prefix in full"),
                );
                if gate {
                    return None;
                }
            }
            if self.ty == PolicyType::Trust
                && !prefix.contains(['*', '?'])
                && !prefix.eq_ignore_ascii_case("sts")
            {
                self.push_with_severity(
                    Code::InvalidAction,
                    Severity::Warning,
                    span,
                    format!("`{text}` has no effect in a role trust policy"),
                    Some("trust policies grant `sts:` actions such as `sts:AssumeRole`"),
                );
            }
        }
        // 1.20 (revised): since September 2025 SCPs take the full policy language, wildcards
        // anywhere in an action included (`ec2:*Instances`), matched as in any other policy.
        match ActionMatcher::compile(text) {
            Ok(matcher) => Some(ActionPattern {
                text: text.to_string(),
                span,
                matcher,
            }),
            Err(e) => {
                self.push(
                    Code::InvalidAction,
                    span,
                    format!("invalid action `{text}`: {}", e.message),
                    None,
                );
                None
            }
        }
    }

    // ---- resources -------------------------------------------------------------------------

    /// 1.21, 1.26. The outer option is "could be read"; the inner one is the block.
    fn read_statement_resources(
        &mut self,
        el: &Elements<'_>,
        head: Span,
    ) -> Option<Option<ResourceBlock>> {
        let r = el
            .resource
            .map(|m| self.read_resources(ResourceKind::Resource, m));
        let nr = el
            .not_resource
            .map(|m| self.read_resources(ResourceKind::NotResource, m));
        if self.ty == PolicyType::Trust {
            let mut ok = true;
            for m in [el.resource, el.not_resource].into_iter().flatten() {
                self.prohibited(
                    m,
                    "the resource of a trust policy is the role itself; remove the element",
                );
                ok = false;
            }
            return ok.then_some(None);
        }
        let picked = self.pick_one(el.resource, el.not_resource);
        if el.resource.is_none()
            && el.not_resource.is_none()
            && !el.near_misses.contains(&"Resource")
            && !el.near_misses.contains(&"NotResource")
        {
            self.push(
                Code::MissingResource,
                head,
                "statement has no `Resource` or `NotResource`".into(),
                Some("add `\"Resource\": \"arn:...\"` or `\"Resource\": \"*\"`"),
            );
        }
        let block = match picked {
            Some((_, false)) => r.flatten(),
            Some((_, true)) => nr.flatten(),
            None => None,
        };
        block.map(Some)
    }

    fn read_resources(&mut self, kind: ResourceKind, m: &Member) -> Option<ResourceBlock> {
        let values = self.string_list(&format!("`{}`", m.key), &m.value)?;
        let mut patterns = Vec::with_capacity(values.len());
        let mut ok = true;
        for (text, span) in values {
            match self.read_resource(text, span) {
                Some(p) => patterns.push(p),
                None => ok = false,
            }
        }
        ok.then_some(ResourceBlock {
            kind,
            key_span: m.key_span,
            patterns,
        })
    }

    fn read_resource(&mut self, text: &str, span: Span) -> Option<ResourcePattern> {
        if text != "*" {
            let shape = "an ARN has six parts, `arn:partition:service:region:account:resource`; \
                         or use `*`";
            // `arn:aws:organizations::*:` (an AWS managed policy): the segment-final `*` of the
            // account may run on into the resource part (2.8), so an empty resource part after it
            // is not malformed.
            let crossing = text.ends_with("*:") && text.matches(':').count() == 5;
            let parsed = if crossing {
                parse_arn(&format!("{text}*")).map(|_| None)
            } else {
                parse_arn(text).map(Some)
            };
            let Ok(parsed) = parsed else {
                // 2.8: a pattern of fewer than six parts (`arn:aws:ec2:*`, `arn:aws:iam::*`) is
                // valid; the matcher reads it (a trailing `*` crosses the missing colons).
                if is_short_pattern(text) {
                    return self.compile_resource(text, span);
                }
                self.push(
                    Code::InvalidArn,
                    span,
                    format!("malformed ARN `{text}`"),
                    Some(shape),
                );
                return None;
            };
            let Some(arn) = parsed else {
                return self.compile_resource(text, span);
            };
            if arn.partition.is_empty() || arn.service.is_empty() || arn.resource.is_empty() {
                let part = if arn.partition.is_empty() {
                    "partition"
                } else if arn.service.is_empty() {
                    "service"
                } else {
                    "resource"
                };
                self.push(
                    Code::InvalidArn,
                    span,
                    format!("malformed ARN `{text}`: empty {part}"),
                    Some(shape),
                );
                return None;
            }
            let account = arn.account;
            // A `${` here is left to the matcher, which names it as a misplaced variable (2.21).
            if !(account.is_empty()
                || account.contains(['*', '?'])
                || account.contains("${")
                || is_account_id(account)
                // AWS-owned resources carry `aws`: managed policies (`arn:aws:iam::aws:policy/...`),
                // `arn:aws:sagemaker:*:aws:hub/...`.
                || account == "aws")
            {
                self.push(
                    Code::InvalidAccountId,
                    span,
                    format!(
                        "account id `{account}` in `{text}` has {} characters, not 12 digits",
                        account.chars().count()
                    ),
                    Some(
                        "AWS account ids are exactly 12 digits; check for a dropped or extra digit",
                    ),
                );
                return None;
            }
        }
        self.compile_resource(text, span)
    }

    fn compile_resource(&mut self, text: &str, span: Span) -> Option<ResourcePattern> {
        match ResourceMatcher::compile(text, self.variables) {
            Ok(matcher) => Some(ResourcePattern {
                text: text.to_string(),
                span,
                matcher,
            }),
            Err(e) => {
                let code = match e.kind {
                    PatternErrorKind::PolicyVariable => Code::InvalidPolicyVariable,
                    _ => Code::InvalidArn,
                };
                self.push(
                    code,
                    span,
                    format!("invalid resource `{text}`: {}", e.message),
                    None,
                );
                None
            }
        }
    }

    // ---- conditions ------------------------------------------------------------------------

    /// 1.24, 1.25, section 3.
    fn read_conditions(&mut self, json: &Json) -> Option<Vec<Condition>> {
        let Some(operators) = json.members() else {
            self.invalid_type("`Condition`", "an object", json);
            return None;
        };
        if operators.is_empty() {
            // Nothing to test: the statement applies unconditionally (3.1), as if the element
            // were absent; said, since it often stands where a condition was meant.
            self.push(
                Code::EmptyObjectCondition,
                json.span,
                "`Condition` is an empty object: the statement applies unconditionally".into(),
                Some("add the condition that was meant, or remove `Condition`"),
            );
        }
        let mut out = Vec::new();
        let mut ok = true;
        for op_m in operators {
            let op = match ConditionOperator::parse(&op_m.key) {
                Ok(op) => Some(op),
                Err(e) => {
                    let help = e.suggestion.map(|s| format!("did you mean `{s}`?"));
                    self.push(
                        Code::UnknownOperator,
                        op_m.key_span,
                        e.message,
                        help.as_deref(),
                    );
                    ok = false;
                    None
                }
            };
            let Some(keys) = op_m.value.members() else {
                self.invalid_type(
                    &format!("the block of `{}`", op_m.key),
                    "an object of condition keys",
                    &op_m.value,
                );
                ok = false;
                continue;
            };
            if keys.is_empty() {
                // An empty block would silently drop the condition: fail closed (1.25).
                self.push(
                    Code::EmptyList,
                    op_m.value.span,
                    format!("condition operator `{}` names no key", op_m.key),
                    Some("add a condition key and value, or remove the operator"),
                );
                ok = false;
            }
            for key_m in keys {
                if key_m.key.is_empty() {
                    self.push(
                        Code::InvalidConditionValue,
                        key_m.key_span,
                        "empty condition key".into(),
                        Some("name a condition key such as `aws:SourceIp`"),
                    );
                    ok = false;
                }
                let Some(values) = self.condition_values(&key_m.key, &key_m.value) else {
                    ok = false;
                    continue;
                };
                let Some(op) = op else { continue };
                let mut parsed = Vec::with_capacity(values.len());
                for (text, span) in values {
                    match parse_value(&op, &text, self.variables) {
                        Ok(p) => parsed.push(ConditionValue {
                            text,
                            span,
                            parsed: p,
                        }),
                        Err(e) => {
                            self.push(e.code, span, e.message, e.help.as_deref());
                            ok = false;
                        }
                    }
                }
                out.push(Condition {
                    operator: Spanned {
                        value: op,
                        span: op_m.key_span,
                    },
                    key: Spanned {
                        value: key_m.key.clone(),
                        span: key_m.key_span,
                    },
                    values: parsed,
                });
            }
        }
        ok.then_some(out)
    }

    /// 1.4: a scalar or a non-empty list of scalars; numbers and booleans in string form.
    fn condition_values(&mut self, key: &str, json: &Json) -> Option<Vec<(String, Span)>> {
        let scalar = |j: &Json| match &j.value {
            JsonValue::String(s) => Some(s.clone()),
            JsonValue::Number(n) => Some(n.clone()),
            JsonValue::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        let what = format!("the value of `{key}`");
        match &json.value {
            JsonValue::Array(items) if items.is_empty() => {
                self.push(
                    Code::EmptyList,
                    json.span,
                    format!("{what} is an empty list"),
                    Some("a condition needs at least one value"),
                );
                None
            }
            JsonValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    match scalar(item) {
                        Some(s) => out.push((s, item.span)),
                        None => {
                            self.invalid_type(&what, "a string, number or boolean", item);
                            ok = false;
                        }
                    }
                }
                ok.then_some(out)
            }
            _ => match scalar(json) {
                Some(s) => Some(vec![(s, json.span)]),
                None => {
                    self.invalid_type(&what, "a string, number, boolean or a list of them", json);
                    None
                }
            },
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

/// `arn:PARTITION:SERVICE[:REGION[:ACCOUNT]]`, partition and service non-empty, region and
/// account made of the characters they can hold: a resource pattern shorter than a full ARN
/// (2.8), as opposed to a malformed one such as `arn:aws:s3:my-bucket/*` (colons dropped).
fn is_short_pattern(text: &str) -> bool {
    let region_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "-*?".contains(c);
    let account_char = |c: char| c.is_ascii_digit() || "*?".contains(c);
    match text.split(':').collect::<Vec<_>>().as_slice() {
        ["arn", partition, service, rest @ ..] if !partition.is_empty() && !service.is_empty() => {
            match rest {
                [] => true,
                [region] => region.chars().all(region_char),
                [region, account] => {
                    region.chars().all(region_char) && account.chars().all(account_char)
                }
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
