//! Output shared by the subcommands: diagnostics and answers, as text and JSON.

use iamsim_engine::{Answer, Hop, LoadError, WhoCan, WhoCanEntry};
use serde_json::{json, Value};
use std::io::Write;

/// Prints a world's or tests file's errors compiler-style to stderr.
pub fn print_load_error(e: &LoadError) {
    for d in &e.diagnostics {
        crate::eprint_safe!("{}", d.render());
    }
    let errors = e.diagnostics.iter().filter(|d| d.is_error()).count();
    crate::eprintln_safe!("iamsim: {errors} error(s); nothing was evaluated");
}

pub fn answer_json(a: &Answer) -> Value {
    let mut v = json!({
        "decision": a.decision.as_str(),
        "principal": a.principal,
        "action": a.action,
        "resource": a.resource,
        "via": a.via,
        "path": a.path.iter().map(hop_json).collect::<Vec<_>>(),
        "notes": a.notes,
    });
    // Only an answer that depends on keys the request leaves open has conditions (formats.md 5).
    if let (false, Some(m)) = (a.conditions.is_empty(), v.as_object_mut()) {
        m.insert("conditions".into(), conditions_json(&a.conditions));
    }
    v
}

/// Alternatives of conditions: each a list of `{"key", "operator", "values"}` that must all hold.
pub fn conditions_json(alternatives: &[Vec<iamsim_engine::ConditionTerm>]) -> Value {
    alternatives
        .iter()
        .map(|alt| {
            alt.iter()
                .map(|t| json!({"key": t.key, "operator": t.operator, "values": t.values}))
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>()
        .into()
}

fn hop_json(h: &Hop) -> Value {
    let mut v = hop_json_own(h);
    // A request of an escalation path's step (formats.md 9): the step's kind and number.
    if let (Some(s), Some(o)) = (&h.step, v.as_object_mut()) {
        o.insert("kind".into(), Value::from(s.kind.as_str()));
        o.insert("step".into(), Value::from(s.number));
        o.insert("step_words".into(), Value::from(s.words.as_str()));
        if let Some(u) = &s.unknown {
            o.insert("unknown".into(), Value::from(u.as_str()));
        }
    }
    // Companion requests (the KMS request of an SSE-KMS object): only when there are any.
    if !h.companions.is_empty() {
        if let Some(o) = v.as_object_mut() {
            o.insert(
                "companions".into(),
                Value::from(h.companions.iter().map(hop_json).collect::<Vec<_>>()),
            );
        }
    }
    v
}

fn hop_json_own(h: &Hop) -> Value {
    json!({
        "principal": h.principal,
        "action": h.action,
        "resource": h.resource,
        "decision": h.decision.as_str(),
        "summary": h.summary,
        "reasons": h.reasons.iter().map(|r| json!({
            "policy": r.policy,
            "role": r.role,
            "location": r.location.to_string(),
            "file": r.location.file,
            "line": r.location.line,
            "column": r.location.column,
            "statement": r.statement,
            "effect": r.effect.map(|e| e.as_str()),
            "did": r.did(),
        })).collect::<Vec<_>>(),
        "notes": h.notes,
    })
}

/// who-can as JSON (docs/command-line.md): `action`, `resource`, `principals` with `principal`, `via`,
/// `decision`, `conditions` (every way it holds, each a list of `{"key", "operator", "values"}`,
/// formats.md 5) and `path`; `alternatives` (the same conditions in words) and `undecided`
/// extend it. Written entry
/// by entry: on a thousand accounts the answer is hundreds of megabytes, and one `Value` of it
/// took 2 GB.
pub fn who_can_json(w: &WhoCan, explain: bool, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{{")?;
    writeln!(out, "  \"action\": {},", Value::from(w.action.as_str()))?;
    writeln!(out, "  \"resource\": {},", Value::from(w.resource.as_str()))?;
    if w.omitted > 0 {
        writeln!(out, "  \"omitted\": {},", w.omitted)?;
    }
    for (name, list, last) in [
        ("principals", &w.principals, false),
        ("undecided", &w.undecided, true),
    ] {
        write!(out, "  \"{name}\": [")?;
        for (i, e) in list.iter().enumerate() {
            let text = serde_json::to_string_pretty(&entry_json(e, explain)).unwrap_or_default();
            write!(out, "{}\n    ", if i == 0 { "" } else { "," })?;
            out.write_all(text.replace('\n', "\n    ").as_bytes())?;
        }
        writeln!(
            out,
            "{}]{}",
            if list.is_empty() { "" } else { "\n  " },
            if last { "" } else { "," }
        )?;
    }
    writeln!(out, "}}")
}

fn entry_json(e: &WhoCanEntry, explain: bool) -> Value {
    let mut v = json!({
        "principal": e.principal,
        "via": e.via,
        "decision": e.decision(),
        "conditions": conditions_json(&e.terms),
        "alternatives": e.alternatives(),
    });
    if let (true, Some(m)) = (explain, v.as_object_mut()) {
        m.insert(
            "path".into(),
            e.path
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let mut j = hop_json(h);
                    // A hop before the final request that is no escalation step is an AssumeRole
                    // of a chain (formats.md 9: every hop has its kind).
                    if let (None, true, Some(o)) =
                        (&h.step, i + 1 < e.path.len(), j.as_object_mut())
                    {
                        o.insert("kind".into(), Value::from("assume-role"));
                    }
                    j
                })
                .collect::<Vec<_>>()
                .into(),
        );
    }
    v
}

/// The account and kind of a who-can entry's principal, for the summary.
fn account_and_kind(principal: &str) -> (String, &'static str) {
    if principal == "anonymous" {
        return ("-".into(), "anonymous");
    }
    if let Some(id) = principal.strip_prefix("account:") {
        return (id.to_string(), "any principal of an account");
    }
    if principal.starts_with("federated:") {
        let account = principal.split(':').nth(5).unwrap_or("-").to_string();
        return (account, "federated");
    }
    let mut parts = principal.splitn(6, ':');
    let account = parts.nth(4).unwrap_or("-").to_string();
    let resource = parts.next().unwrap_or("");
    let kind = if resource == "root" {
        "root"
    } else if resource.starts_with("user/") {
        "user"
    } else if resource.starts_with("role/") {
        "role"
    } else if resource.starts_with("assumed-role/") {
        "role session"
    } else {
        "other"
    };
    (account, kind)
}

/// Counts by account and kind: what a person reads first on a large answer.
fn who_can_summary(w: &WhoCan, out: &mut dyn Write) -> std::io::Result<()> {
    use std::collections::BTreeMap;
    let mut by_account: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let mut by_kind: BTreeMap<&'static str, usize> = BTreeMap::new();
    let all = w.principals.iter().chain(&w.undecided);
    for e in all {
        let (account, kind) = account_and_kind(&e.principal);
        let slot = match e.decision() {
            "allow" => 0,
            "conditional" => 1,
            _ => 2,
        };
        if let Some(n) = by_account.entry(account).or_default().get_mut(slot) {
            *n += 1;
        }
        *by_kind.entry(kind).or_default() += 1;
    }
    writeln!(
        out,
        "\nsummary by account (allowed / conditional / undecided):"
    )?;
    for (account, [a, c, u]) in &by_account {
        writeln!(out, "  {account}: {a} / {c} / {u}")?;
    }
    let kinds: Vec<String> = by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    writeln!(out, "by kind: {}", kinds.join(", "))
}

/// who-can as text: a summary by account and kind, then one block per principal or chain
/// (the first `limit`, 0 for all), with its hops as `can` explains them.
pub fn who_can_text(w: &WhoCan, limit: usize, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "who can {} {}", w.action, w.resource)?;
    let total = w.principals.len() + w.undecided.len();
    if total > 0 {
        who_can_summary(w, out)?;
    }
    if w.principals.is_empty() {
        writeln!(
            out,
            "\nnobody: no principal or role chain of the world is allowed it"
        )?;
    }
    let limit = if limit == 0 { usize::MAX } else { limit };
    let mut shown = 0;
    for e in &w.principals {
        if shown == limit {
            break;
        }
        entry_text(e, out)?;
        shown += 1;
    }
    if !w.undecided.is_empty() && shown < limit {
        writeln!(
            out,
            "\ncould not be decided (denied, but not proven denied):"
        )?;
        for e in &w.undecided {
            if shown == limit {
                break;
            }
            entry_text(e, out)?;
            shown += 1;
        }
    }
    if shown < total {
        writeln!(
            out,
            "\n{} more not shown (--limit {}; --limit 0 shows all, --format json lists all)",
            total - shown,
            limit
        )?;
    }
    if w.omitted > 0 {
        writeln!(
            out,
            "\nINCOMPLETE: the search stopped at {} entries or {} principals visited by paths of escalation steps; {} principal(s) and their role chains were not examined (or only in part)",
            iamsim_engine::WHO_CAN_MAX_ENTRIES, iamsim_engine::WHO_CAN_MAX_PATH_NODES, w.omitted
        )?;
    }
    writeln!(
        out,
        "\n{} allowed, {} conditional, {} undecided",
        w.principals
            .iter()
            .filter(|e| e.decision() == "allow")
            .count(),
        w.principals
            .iter()
            .filter(|e| e.decision() == "conditional")
            .count(),
        w.undecided.len()
    )
}

fn entry_text(e: &WhoCanEntry, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "\n{} {}",
        e.decision().to_ascii_uppercase(),
        e.principal
    )?;
    if !e.via.is_empty() {
        writeln!(out, "  via {}", e.via.join(" -> "))?;
    }
    for (i, alt) in e.alternatives().iter().enumerate() {
        writeln!(
            out,
            "  {} {}",
            if i == 0 { "if" } else { "or if" },
            alt.join(" and ")
        )?;
    }
    let mut step = None;
    for (i, hop) in e.path.iter().enumerate() {
        // The escalation step a request belongs to, said once before its requests.
        if let Some(s) = hop.step.as_ref().filter(|s| step != Some(s.number)) {
            writeln!(out, "  step {}: {}", s.number, s.words)?;
            step = Some(s.number);
        }
        writeln!(
            out,
            "  hop {}: {} {} {}: {}",
            i + 1,
            hop.principal,
            hop.action,
            hop.resource,
            hop.decision
        )?;
        for s in &hop.summary {
            writeln!(out, "    why: {s}")?;
        }
        for r in &hop.reasons {
            writeln!(out, "    - {}", r.render())?;
        }
        for n in &hop.notes {
            writeln!(out, "    note: {n}")?;
        }
        for c in &hop.companions {
            writeln!(
                out,
                "    also asked: {} {} {}: {}",
                c.principal, c.action, c.resource, c.decision
            )?;
            for s in &c.summary {
                writeln!(out, "      why: {s}")?;
            }
            for r in &c.reasons {
                writeln!(out, "      - {}", r.render())?;
            }
        }
    }
    Ok(())
}

/// Output made safe for CI logs, the one escaping every text renderer goes through (`emit`):
/// control characters other than newline and tab become `\uXXXX` (valid inside JSON strings as
/// well), so no ANSI escape sequence, carriage return or C1 control reaches the log; and a line
/// that would start with `::` or `##[` (a GitHub Actions or Azure Pipelines workflow command,
/// after any indentation) has its first character escaped the same way. Our own output never
/// starts a line so: only text from inputs (names, file contents) can.
pub fn safe_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut line_start = true;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if line_start {
            let trimmed = rest.trim_start_matches([' ', '\t']);
            let indent = rest.len() - trimmed.len();
            out.push_str(rest.get(..indent).unwrap_or(""));
            rest = trimmed;
            if rest.starts_with("::") || rest.starts_with("##[") {
                if let Some(first) = rest.chars().next() {
                    out.push_str(&format!("\\u{:04x}", first as u32));
                    rest = rest.get(first.len_utf8()..).unwrap_or("");
                }
            }
            line_start = false;
            continue;
        }
        match c {
            '\n' => {
                out.push('\n');
                line_start = true;
            }
            '\t' => out.push('\t'),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out
}

/// A writer that passes each complete line through [`safe_text`]: for output streamed as it is
/// made (who-can on a large world).
pub struct SafeLines<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> SafeLines<W> {
    pub fn new(inner: W) -> Self {
        SafeLines {
            inner,
            pending: Vec::new(),
        }
    }

    fn write_out(&mut self, upto: usize) -> std::io::Result<()> {
        let line: Vec<u8> = self.pending.drain(..upto).collect();
        self.inner
            .write_all(safe_text(&String::from_utf8_lossy(&line)).as_bytes())
    }
}

impl<W: Write> Write for SafeLines<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        while let Some(i) = self.pending.iter().position(|&b| b == b'\n') {
            self.write_out(i + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let n = self.pending.len();
        self.write_out(n)?;
        self.inner.flush()
    }
}

/// Escapes text for XML (JUnit output).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Loads a world for a subcommand; a world that cannot be loaded is printed and is exit 2.
///
/// The world is kept until the process exits, never freed: a command loads its worlds once and
/// ends after its answer, and freeing a million roles one by one took a tenth of loading them
/// (BENCHMARKS.md, "Loading a million roles: before and after").
pub fn load_world(
    dir: &std::path::Path,
) -> Result<std::mem::ManuallyDrop<iamsim_engine::World>, crate::Status> {
    match iamsim_engine::World::load_rooted(dir, crate::root()) {
        Ok(world) => Ok(std::mem::ManuallyDrop::new(world)),
        Err(e) => {
            print_load_error(&e);
            Err(crate::Status::BadInput)
        }
    }
}

/// For `lint` and `check`: when `path` is a world (a folder holding world.json, or world.json),
/// whether the world loads; one that does not is printed (a misspelt key reads no policy, and a
/// run that examined nothing is not a pass). Other paths: true.
pub fn world_loads(path: &std::path::Path) -> bool {
    let dir = if path.is_dir() && path.join("world.json").is_file() {
        path.to_path_buf()
    } else if path.file_name().is_some_and(|n| n == "world.json") {
        match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        }
    } else {
        return true;
    };
    match iamsim_engine::World::load_rooted(&dir, crate::root()) {
        Ok(_) => true,
        Err(e) => {
            print_load_error(&e);
            false
        }
    }
}

/// Reads `--context KEY=VALUE` arguments; a bad one is printed and is exit 2.
pub fn context_args(args: &[String]) -> Result<iamsim_policy::Context, crate::Status> {
    let mut context = iamsim_policy::Context::new();
    for c in args {
        match iamsim_engine::parse_context_arg(c) {
            Ok((k, v)) => context.insert(&k, v),
            Err(e) => {
                crate::eprintln_safe!("iamsim: {e}");
                return Err(crate::Status::BadInput);
            }
        }
    }
    Ok(context)
}

/// How strictly a question is checked against the catalog (formats.md 5, 6).
#[derive(clap::Args, Clone, Copy, Debug, Default)]
pub struct QuestionFlags {
    /// Accept an action the embedded AWS catalog does not have (a service or action newer than
    /// the catalog), with a warning, instead of refusing the question.
    #[arg(long)]
    pub allow_unknown_actions: bool,
    /// Accept a context key the embedded AWS catalog does not have (a key newer than the
    /// catalog), with a warning, instead of refusing the question.
    #[arg(long)]
    pub allow_unknown_keys: bool,
}

impl QuestionFlags {
    pub fn leniency(self) -> iamsim_engine::question::Leniency {
        iamsim_engine::question::Leniency {
            unknown_actions: self.allow_unknown_actions,
            unknown_keys: self.allow_unknown_keys,
        }
    }

    /// Checks a question's action and context: warnings are printed, and an error refuses it
    /// (exit status 2).
    pub fn check(
        self,
        action: Option<&str>,
        context: &iamsim_policy::Context,
    ) -> Result<(), crate::Status> {
        let problems = iamsim_engine::question::check_question(action, context, self.leniency());
        for p in &problems {
            crate::eprintln_safe!("iamsim: {p}");
        }
        if problems.iter().any(|p| !p.warning) {
            return Err(crate::Status::BadInput);
        }
        Ok(())
    }
}

/// `--policy-type` for clap: one of the names of [`iamsim_policy::PolicyType`].
pub fn parse_policy_type(s: &str) -> Result<iamsim_policy::PolicyType, String> {
    iamsim_policy::PolicyType::parse(s).ok_or_else(|| {
        let names: Vec<&str> = iamsim_policy::PolicyType::ALL
            .iter()
            .map(|t| t.as_str())
            .collect();
        format!("unknown policy type `{s}` ({})", names.join(", "))
    })
}
