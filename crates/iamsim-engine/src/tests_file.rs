//! Expectation tests (docs/world-format.md): reading a tests file and running it against a world.

use crate::chain::{ask, Query, Via, ViaHop};
use crate::explain::{Answer, Decision};
use crate::request::AssumeRoleParams;
use iamsim_policy::files::{self, Files, Folder, InputFile};
use iamsim_policy::json::{Json, JsonValue, Member};
use iamsim_policy::{Code, Context, Diagnostic, Location, PolicyType, Source};
use iamsim_world::context::{problem_at, read_context};
use iamsim_world::load::{field, Loader};
use iamsim_world::question::{check_action, Leniency, Problem};
use iamsim_world::{LoadError, World};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// The most a tests file may be: tests files are among the large kinds of file
/// (`files::FileKind::Tests` in the one table of limits). Several files are read, run and
/// dropped in turn.
pub const MAX_TESTS_FILE_BYTES: u64 = files::LARGE_FILE_BYTES;

/// What a test expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// One decision exactly (`allow`, `implicit-deny`, `explicit-deny`, `indeterminate`).
    Decision(Decision),
    /// `deny`: implicit or explicit (not indeterminate).
    AnyDeny,
}

impl Expect {
    /// The expectation a tests file's word names; `None` for a word that is not one.
    pub(crate) fn parse(s: &str) -> Option<Expect> {
        Some(match s {
            "allow" => Expect::Decision(Decision::Allow),
            "implicit-deny" => Expect::Decision(Decision::ImplicitDeny),
            "explicit-deny" => Expect::Decision(Decision::ExplicitDeny),
            "indeterminate" => Expect::Decision(Decision::Indeterminate),
            "deny" => Expect::AnyDeny,
            _ => return None,
        })
    }

    /// The word a tests file writes for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Decision(d) => d.as_str(),
            Expect::AnyDeny => "deny",
        }
    }

    /// Whether decision `d` meets the expectation.
    pub fn accepts(self, d: Decision) -> bool {
        match self {
            Expect::Decision(e) => e == d,
            Expect::AnyDeny => matches!(d, Decision::ImplicitDeny | Decision::ExplicitDeny),
        }
    }
}

/// One test of a tests file: a question and what its answer must be.
#[derive(Clone, Debug)]
pub struct TestCase {
    /// The test's name, as written (escaped when printed).
    pub name: String,
    /// Where the test stands in its tests file.
    pub location: Location,
    /// The question asked.
    pub query: Query,
    /// The decision expected.
    pub expect: Expect,
    /// The rule of docs/rules.md the test cites, if any.
    pub rule: Option<String>,
    /// Texts the explanation must contain.
    pub explain_contains: Vec<String>,
    /// The kinds of the hops the answer must take before its final request, in order
    /// (`assume-role` or an escalation step's name; empty: the request is asked directly).
    pub path: Option<Vec<String>>,
}

/// The result of running one test.
#[derive(Clone, Debug)]
pub struct TestOutcome {
    /// The test run.
    pub case: TestCase,
    /// The explained answer, when one was built (a failing test, or one asked to explain).
    pub answer: Option<Answer>,
    /// Why it failed; `None` when it passed.
    pub failure: Option<String>,
}

impl TestOutcome {
    /// Whether the test passed.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// Reads a tests file; PolicyRef paths in it are relative to the world folder (and confined to
/// the world's root). A tests file outside the world folder is never quoted in diagnostics.
pub fn load_tests(world: &World, file: &Path) -> Result<Vec<TestCase>, LoadError> {
    load_tests_with(world, file, Leniency::default())
}

/// [`load_tests`], with unknown actions or keys only warned about under `leniency` (the warnings
/// are for the caller to show: [`iamsim_world::question::check_question`] on each case).
pub fn load_tests_with(
    world: &World,
    file: &Path,
    leniency: Leniency,
) -> Result<Vec<TestCase>, LoadError> {
    with_tests_input(world, file, |folder, input| {
        parse_tests_with(folder, &input, leniency)
    })
}

/// Reads a tests file as [`load_tests`] does (through the world's folder when it lies inside it,
/// bounded by [`MAX_TESTS_FILE_BYTES`]) and hands it to `then` with the folder its references
/// are read through.
pub(crate) fn with_tests_input<T>(
    world: &World,
    file: &Path,
    then: impl FnOnce(&Folder, InputFile) -> Result<T, LoadError>,
) -> Result<T, LoadError> {
    let opened;
    let folder = match world.folder() {
        Some(f) => f,
        None => {
            opened = Folder::open(world.dir(), None).map_err(|d| LoadError {
                diagnostics: vec![d],
            })?;
            &opened
        }
    };
    // A file of the world folder (DIR/tests.json) is read as the world's files are: confined to
    // the folder or root, symlinks out refused. Another file is the user's choice, and is
    // quoted only when it lies inside the world folder.
    let inside = file
        .strip_prefix(world.dir())
        .ok()
        .and_then(|rel| rel.to_str())
        .filter(|rel| !rel.is_empty());
    let input = match inside {
        Some(rel) => files::read_kind(folder, rel, files::FileKind::Tests),
        None => files::read_named_kind(file, files::FileKind::Tests).map(|mut input| {
            input.shown = std::fs::canonicalize(file).is_ok_and(|p| folder.holds(&p));
            input
        }),
    }
    .map_err(|d| LoadError {
        diagnostics: vec![d],
    })?;
    then(folder, input)
}

/// Reads the tests in `input`; PolicyRef paths in it are read through `files`.
pub fn parse_tests(files: &dyn Files, input: &InputFile) -> Result<Vec<TestCase>, LoadError> {
    parse_tests_with(files, input, Leniency::default())
}

/// [`parse_tests`] under `leniency`.
pub fn parse_tests_with(
    files: &dyn Files,
    input: &InputFile,
    leniency: Leniency,
) -> Result<Vec<TestCase>, LoadError> {
    let mut loader = Loader::new(files);
    let limits = iamsim_policy::json::Limits {
        max_bytes: files::FileKind::Tests.max_len(),
        ..Default::default()
    };
    let (src, root) =
        iamsim_policy::json::parse_bytes(&input.name, &input.bytes, limits).map_err(|d| {
            LoadError {
                diagnostics: vec![if input.shown {
                    d
                } else {
                    files::conceal(d, &input.name, "tests file")
                }],
            }
        })?;
    if !input.shown {
        loader.hide(&input.name);
    }
    let mut cases = Vec::new();
    let mut names = HashSet::new();
    if let Some(members) = loader.object(&src, &root, "the tests file") {
        loader.check_fields(&src, members, &["tests"], "the tests file");
        match field(members, "tests") {
            Some(list) => {
                for item in loader.array(&src, list, "`tests`").unwrap_or(&[]) {
                    if let Some(case) =
                        read_case(&mut loader, &src, item, leniency).map(|t| t.case(&src))
                    {
                        if !names.insert(case.name.clone()) {
                            loader.diagnostics.push(Diagnostic::new(
                                Code::DuplicateTestName,
                                format!("a second test named `{}`", case.name),
                                &src,
                                item.span,
                            ));
                        }
                        cases.push(case);
                    }
                }
            }
            None => loader.diagnostics.push(Diagnostic::new(
                Code::MissingField,
                "the tests file has no `tests` list",
                &src,
                root.span,
            )),
        }
    }
    if loader.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(LoadError {
            diagnostics: loader.take_diagnostics(),
        });
    }
    if cases.is_empty() {
        return Err(LoadError {
            diagnostics: vec![Diagnostic::new(
                Code::EmptyList,
                "the tests file has no test: a run that checks nothing is not a pass",
                &src,
                root.span,
            )],
        });
    }
    Ok(cases)
}

/// The string value of field `name` (the loader's error when it is not one). The field's name
/// is put in words only for that error: a test file reads millions of fields that are strings.
fn text_field(loader: &mut Loader, src: &Arc<Source>, v: &Json, name: &str) -> Option<String> {
    match &v.value {
        JsonValue::String(s) => Some(s.clone()),
        _ => loader.string(src, v, &format!("`{name}`")),
    }
}

fn required(
    loader: &mut Loader,
    src: &Arc<Source>,
    item: &Json,
    members: &[Member],
    name: &str,
) -> Option<String> {
    match field(members, name) {
        Some(v) => text_field(loader, src, v, name),
        None => {
            loader.diagnostics.push(Diagnostic::new(
                Code::MissingField,
                format!("a test needs `{name}`"),
                src,
                item.span,
            ));
            None
        }
    }
}

/// A test as read, before its position is computed: [`ReadTest::case`] computes it, which only a
/// test that is shown needs (a failing one, or every one when all are listed).
#[derive(Clone, Debug)]
pub(crate) struct ReadTest {
    pub(crate) name: String,
    /// The test object in its file.
    pub(crate) span: iamsim_policy::Span,
    pub(crate) query: Query,
    pub(crate) expect: Expect,
    pub(crate) rule: Option<String>,
    pub(crate) explain_contains: Vec<String>,
    pub(crate) path: Option<Vec<String>>,
}

impl ReadTest {
    /// Whether passing needs the explanation, not only the decision: the test names text the
    /// explanation must contain, or the hops of the path.
    pub(crate) fn needs_explanation(&self) -> bool {
        !self.explain_contains.is_empty() || self.path.is_some()
    }

    /// The test case, with its file:line:column in `src` (the file it was read from).
    pub(crate) fn case(self, src: &Arc<Source>) -> TestCase {
        TestCase {
            name: self.name,
            location: src.location(self.span),
            query: self.query,
            expect: self.expect,
            rule: self.rule,
            explain_contains: self.explain_contains,
            path: self.path,
        }
    }
}

pub(crate) fn read_case(
    loader: &mut Loader,
    src: &Arc<Source>,
    item: &Json,
    leniency: Leniency,
) -> Option<ReadTest> {
    let members = loader.object(src, item, "a test")?;
    loader.check_fields(
        src,
        members,
        &[
            "name",
            "principal",
            "via",
            "action",
            "resource",
            "context",
            "expect",
            "rule",
            "session_policy",
            "explain_contains",
            "path",
        ],
        "a test",
    );
    let name = required(loader, src, item, members, "name");
    let principal = required(loader, src, item, members, "principal");
    let action = required(loader, src, item, members, "action");
    let resource = required(loader, src, item, members, "resource");
    let expect_text = required(loader, src, item, members, "expect");
    let expect = expect_text.as_deref().and_then(|e| {
        let parsed = Expect::parse(e);
        if parsed.is_none() {
            if let Some(v) = field(members, "expect") {
                loader.diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        format!("`expect` `{e}` is not a decision"),
                        src,
                        v.span,
                    )
                    .with_help("use allow, implicit-deny, explicit-deny, indeterminate or deny"),
                );
            }
        }
        parsed
    });
    let via = match field(members, "via") {
        None => Via::Direct,
        Some(v) => read_via(loader, src, v)?,
    };
    if let (Some(a), Some(v)) = (&action, field(members, "action")) {
        if let Some(p) = action_refused(a, leniency) {
            loader.diagnostics.push(problem_at(p, src, v.span));
        }
    }
    let context = match field(members, "context") {
        None => Context::new(),
        Some(v) => read_context(loader, src, v, leniency),
    };
    let session_policies = match field(members, "session_policy") {
        None => Vec::new(),
        Some(v) => loader
            .policy_ref(src, v, PolicyType::Session, None)
            .into_iter()
            .collect(),
    };
    let rule = field(members, "rule").and_then(|v| loader.string(src, v, "`rule`"));
    let mut explain_contains = Vec::new();
    if let Some(v) = field(members, "explain_contains") {
        for s in loader.array(src, v, "`explain_contains`").unwrap_or(&[]) {
            explain_contains.extend(loader.string(src, s, "an `explain_contains` entry"));
        }
    }
    let path = match field(members, "path") {
        None => None,
        Some(v) => Some(read_path(loader, src, v)?),
    };
    Some(ReadTest {
        name: name?,
        span: item.span,
        query: Query {
            principal: principal?,
            action: action?,
            resource: resource?,
            via,
            context,
            session_policies,
        },
        expect: expect?,
        rule,
        explain_contains,
        path,
    })
}

/// What the catalog says of a test's action that stops the test from being read: an action it
/// does not have, unless the leniency lets it through (then it is only warned about, when the
/// test is run). Both readers of a test check its action here.
pub(crate) fn action_refused(action: &str, leniency: Leniency) -> Option<Problem> {
    check_action(action, leniency).filter(|p| !p.warning)
}

/// Whether `kind` names a kind of hop a test's `path` may list: `assume-role` or a step of the
/// catalog. Both readers of a test check its path here.
pub(crate) fn is_hop_kind(kind: &str) -> bool {
    iamsim_catalog::escalation::step(kind).is_some_and(|step| step.is_path_step())
}

/// A test's `path`: a list of hop kinds, each `assume-role` or a step of the catalog.
fn read_path(loader: &mut Loader, src: &Arc<Source>, v: &Json) -> Option<Vec<String>> {
    let mut kinds = Vec::new();
    for item in loader.array(src, v, "`path`")? {
        let kind = loader.string(src, item, "a `path` entry")?;
        if is_hop_kind(&kind) {
            kinds.push(kind);
            continue;
        }
        let help = iamsim_catalog::escalation::STEPS
            .iter()
            .filter(|s| s.is_path_step())
            .map(|s| s.name)
            .collect::<Vec<_>>()
            .join(", ");
        loader.diagnostics.push(
            Diagnostic::new(
                Code::InvalidValue,
                format!("`{kind}` is not a kind of hop"),
                src,
                item.span,
            )
            .with_help(format!("use one of {help}")),
        );
        return None;
    }
    Some(kinds)
}

/// The kind of each hop the answer took before its final request, in order: the steps of an
/// escalation path, or one `assume-role` per role of a chain of roles.
fn hop_kinds(answer: &Answer) -> Vec<&str> {
    let mut kinds = Vec::new();
    let mut last = None;
    for s in answer.path.iter().filter_map(|h| h.step.as_ref()) {
        if last != Some(s.number) {
            kinds.push(s.kind.as_str());
            last = Some(s.number);
        }
    }
    if kinds.is_empty() {
        return answer.via.iter().map(|_| "assume-role").collect();
    }
    kinds
}

/// Why `answer` fails the test's expectations beyond its decision, if it does.
fn expectation_failure(case: &TestCase, answer: &Answer) -> Option<String> {
    let text = answer.render_text();
    if let Some(missing) = case
        .explain_contains
        .iter()
        .find(|s| !text.contains(s.as_str()))
    {
        return Some(format!("the explanation does not contain `{missing}`"));
    }
    let expected = case.path.as_ref()?;
    let got = hop_kinds(answer);
    (got != *expected).then(|| {
        format!(
            "expected the path [{}], got [{}]",
            expected.join(", "),
            got.join(", ")
        )
    })
}

fn read_via(loader: &mut Loader, src: &Arc<Source>, v: &Json) -> Option<Via> {
    if v.as_str() == Some("*") {
        return Some(Via::Any);
    }
    let items = loader.array(src, v, "`via`")?;
    let mut hops = Vec::new();
    for item in items {
        match &item.value {
            JsonValue::String(arn) => hops.push(ViaHop {
                role_arn: arn.clone(),
                params: AssumeRoleParams::default(),
            }),
            JsonValue::Object(m) => {
                loader.check_fields(
                    src,
                    m,
                    &[
                        "role",
                        "session_name",
                        "external_id",
                        "mfa",
                        "duration_seconds",
                        "session_policy",
                        "source_identity",
                        "tags",
                    ],
                    "a `via` hop",
                );
                let role = required(loader, src, item, m, "role")?;
                let text = |loader: &mut Loader, name: &str| {
                    field(m, name).and_then(|v| text_field(loader, src, v, name))
                };
                let mut params = AssumeRoleParams {
                    session_name: text(loader, "session_name"),
                    external_id: text(loader, "external_id"),
                    source_identity: text(loader, "source_identity"),
                    ..AssumeRoleParams::default()
                };
                if let Some(v) = field(m, "mfa") {
                    match v.value {
                        JsonValue::Bool(b) => params.mfa = b,
                        _ => loader.diagnostics.push(Diagnostic::new(
                            Code::InvalidType,
                            "`mfa` must be true or false",
                            src,
                            v.span,
                        )),
                    }
                }
                if let Some(v) = field(m, "duration_seconds") {
                    match &v.value {
                        JsonValue::Number(n) if n.parse::<u32>().is_ok() => {
                            params.duration_seconds = n.parse().ok();
                        }
                        _ => loader.diagnostics.push(Diagnostic::new(
                            Code::InvalidType,
                            "`duration_seconds` must be a whole number of seconds",
                            src,
                            v.span,
                        )),
                    }
                }
                if let Some(v) = field(m, "session_policy") {
                    params.session_policies.extend(loader.policy_ref(
                        src,
                        v,
                        PolicyType::Session,
                        None,
                    ));
                }
                if let Some(v) = field(m, "tags") {
                    let mut tags = BTreeMap::new();
                    for t in loader.object(src, v, "`tags`").unwrap_or(&[]) {
                        if let Some(val) = loader.string(src, &t.value, "a tag value") {
                            tags.insert(t.key.clone(), val);
                        }
                    }
                    params.tags = tags;
                }
                hops.push(ViaHop {
                    role_arn: role,
                    params,
                });
            }
            _ => loader.diagnostics.push(Diagnostic::new(
                Code::InvalidType,
                format!(
                    "a `via` hop must be a role ARN or an object, not {}",
                    item.type_name()
                ),
                src,
                item.span,
            )),
        }
    }
    Some(Via::Roles(hops))
}

/// Runs every case; a case whose request cannot be asked fails with the reason.
pub fn run_tests(world: &World, cases: &[TestCase]) -> Vec<TestOutcome> {
    cases
        .iter()
        .map(|case| run_test(world, case.clone(), None))
        .collect()
}

/// Runs one case by the explaining path. `decided`: what the decision-only path answered for
/// it, when it was asked first; an explanation that disagrees with it fails the test (the two
/// paths are one evaluator, so this never happens unless that is broken).
pub fn run_test(world: &World, case: TestCase, decided: Option<Decision>) -> TestOutcome {
    match ask(world, &case.query) {
        Err(e) => TestOutcome {
            case,
            answer: None,
            failure: Some(format!("the request cannot be asked: {e}")),
        },
        Ok(answer) => {
            let failure = if !case.expect.accepts(answer.decision) {
                Some(format!(
                    "expected {}, got {}",
                    case.expect.as_str(),
                    answer.decision
                ))
            } else if decided.is_some_and(|d| d != answer.decision) {
                Some(format!(
                    "the decision-only path answered {} where the explanation says {}",
                    decided.map_or("", Decision::as_str),
                    answer.decision
                ))
            } else {
                expectation_failure(&case, &answer)
            };
            TestOutcome {
                case,
                answer: Some(answer),
                failure,
            }
        }
    }
}
