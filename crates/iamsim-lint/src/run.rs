//! One lint run over files, folders and worlds: what was read and linted already, reading each
//! file through the one reader, and the report the findings go to.

use super::*;

pub(crate) struct Run<'o> {
    opts: &'o LintOptions,
    pub(crate) report: Report,
    /// (file, type) pairs already linted.
    seen: HashSet<(String, &'static str)>,
    /// Files outside the folder being checked: their findings are concealed.
    hidden: HashSet<String>,
    /// Canonical paths of files already linted (a walk does not lint a world's file again).
    linted: HashSet<PathBuf>,
    /// What another reader of the run already walked and read.
    pub(crate) ahead: ReadAhead,
}

impl<'o> Run<'o> {
    pub(crate) fn new(opts: &'o LintOptions) -> Self {
        Run {
            opts,
            report: Report::default(),
            seen: HashSet::new(),
            hidden: HashSet::new(),
            linted: HashSet::new(),
            ahead: ReadAhead::default(),
        }
    }

    /// The bytes another reader read of the file at `path`, once.
    fn read_ahead(&mut self, path: &Path) -> Option<Vec<u8>> {
        if self.ahead.texts.is_empty() {
            return None;
        }
        let canonical = std::fs::canonicalize(path).ok()?;
        self.ahead.texts.remove(&canonical)
    }

    /// A file of `kind` a world names, through the world's reader (bounded as its kind), unless
    /// another reader read it (then held to its kind's limit).
    fn read_in(
        &mut self,
        folder: &Folder,
        rel: &str,
        kind: FileKind,
    ) -> Result<InputFile, Diagnostic> {
        if !self.ahead.texts.is_empty() {
            if let Ok(resolved) = folder.resolve(rel) {
                if let Some(bytes) = self.ahead.texts.remove(&resolved) {
                    let input = InputFile {
                        name: folder.dir().join(rel).display().to_string(),
                        bytes,
                        shown: folder.holds(&resolved),
                    };
                    return files::within_kind(input, kind);
                }
            }
        }
        files::read_kind(folder, rel, kind)
    }

    fn add(&mut self, findings: Vec<Finding>) {
        for mut f in findings {
            if self.hidden.contains(&f.file) {
                f.diagnostic = files::conceal(f.diagnostic, &f.file, "policy file");
            }
            self.report.unreadable |= is_unreadable(f.diagnostic.code);
            self.report.findings.push(f);
        }
    }

    pub(crate) fn unreadable(&mut self, file: &str, message: String) {
        let d = Diagnostic::detached(Code::FileNotFound, message);
        self.add(vec![finding(d, None, None, file)]);
    }

    /// Reads a file named on the command line (a policy file) or found by walking a folder
    /// (`searched`) as JSON; reports why not. A walked file is read as large as a walk reads
    /// ([`WALKED_JSON`]) and held to a policy file's limit unless it is plainly no policy: over
    /// that limit, JSON such as a large `package-lock.json` is passed over as before, and
    /// anything else is refused (`INPUT_TOO_LARGE`).
    fn read(&mut self, path: &Path, searched: bool) -> Option<(Arc<Source>, Json)> {
        let name = display(path);
        let kind = if searched {
            WALKED_JSON
        } else {
            FileKind::Policy
        };
        let input = match self.read_ahead(path) {
            Some(bytes) => files::within_kind(
                InputFile {
                    name: name.clone(),
                    bytes,
                    shown: true,
                },
                kind,
            ),
            None => files::read_named_kind(path, kind).map(|mut f| {
                f.name = name.clone();
                f.shown = true;
                f
            }),
        };
        let input = match input {
            Ok(f) if f.bytes.len() as u64 > FileKind::Policy.max_bytes() => {
                let plainly_other = json::parse_bytes(&name, &f.bytes, limits_of(kind))
                    .is_ok_and(|(_, doc)| !looks_like_policy(&doc));
                if plainly_other {
                    return None;
                }
                files::within_kind(f, FileKind::Policy)
            }
            other => other,
        };
        self.parse_input(&name, input, FileKind::Policy)
    }

    /// Counts a file as checked (once): one that held a policy, a world, or one that failed.
    fn count(&mut self, name: &str) {
        if !self.report.checked.iter().any(|c| c == name) {
            self.report.files += 1;
            self.report.checked.push(name.to_string());
        }
    }

    /// Parses what a reader gave for a file of `kind`; a file that may not be quoted has its
    /// findings concealed.
    pub(crate) fn parse_input(
        &mut self,
        name: &str,
        input: Result<InputFile, Diagnostic>,
        kind: FileKind,
    ) -> Option<(Arc<Source>, Json)> {
        let input = match input {
            Ok(i) => i,
            Err(d) => {
                self.count(name);
                self.add(vec![finding(d, None, None, name)]);
                return None;
            }
        };
        match json::parse_bytes(name, &input.bytes, limits_of(kind)) {
            Ok(read) => {
                if !input.shown {
                    self.hidden.insert(name.to_string());
                }
                Some(read)
            }
            Err(d) => {
                let d = if input.shown {
                    d
                } else {
                    files::conceal(d, name, "policy file")
                };
                self.count(name);
                self.add(vec![finding(d, None, None, name)]);
                None
            }
        }
    }

    pub(crate) fn file(&mut self, path: &Path, ty: Option<PolicyType>, ctx: &PolicyContext) {
        let skip = self.opts.skip_non_policy && ty.is_none();
        self.file_in(path, ty, ctx, skip);
    }

    /// `searched`: found by walking a folder, where JSON that is plainly not a policy
    /// (`package.json`, `tests.json`) is skipped rather than reported.
    fn file_in(
        &mut self,
        path: &Path,
        ty: Option<PolicyType>,
        ctx: &PolicyContext,
        searched: bool,
    ) {
        let name = display(path);
        let key_ty = ty.map(PolicyType::as_str).unwrap_or("auto");
        if !self.seen.insert((name.clone(), key_ty)) {
            return;
        }
        let Some((src, doc)) = self.read(path, searched) else {
            return;
        };
        self.policy(&name, src, doc, ty, ctx, searched);
    }

    /// Lints a document read from `name`. `searched`: JSON that is plainly not a policy is
    /// skipped rather than reported.
    fn policy(
        &mut self,
        name: &str,
        src: Arc<Source>,
        doc: Json,
        ty: Option<PolicyType>,
        ctx: &PolicyContext,
        searched: bool,
    ) {
        let (src, doc) = match unwrap_cli_shape(&src, doc) {
            Ok(x) => x,
            Err(d) => {
                self.add(vec![finding(d, None, None, name)]);
                return;
            }
        };
        if searched && !looks_like_policy(&doc) {
            return;
        }
        let ty = ty
            .or(self.opts.policy_type)
            .unwrap_or_else(|| detect_policy_type(&doc));
        self.report.policies += 1;
        self.count(name);
        let findings = lint_json(&src, &doc, ty, ctx, name);
        self.add(findings);
    }

    pub(crate) fn world(&mut self, dir: &Path) {
        let world_file = dir.join("world.json");
        let folder = match Folder::open(dir, self.opts.root.as_deref()) {
            Ok(f) => f,
            Err(d) => {
                let name = display(&world_file);
                self.add(vec![finding(d, None, None, &name)]);
                return;
            }
        };
        let world_name = display(&world_file);
        let input = self.read_in(&folder, "world.json", FileKind::World);
        let Some((src, doc)) = self.parse_input(&world_name, input, FileKind::World) else {
            return;
        };
        self.count(&world_name);
        if let Ok(p) = folder.resolve("world.json") {
            self.linted.insert(p);
        }
        for (_, _, rel) in world::aws_managed_copies(&doc) {
            if let Ok(p) = folder.resolve(rel) {
                self.linted.insert(p);
            }
        }
        // The files are read and linted on all cores (below), in the order the world names them.
        let mut jobs = Vec::new();
        for u in world::policy_uses(&doc) {
            match &u.reference {
                world::PolicyRef::File(rel) => {
                    let name = display(&dir.join(rel));
                    let key_ty = u.policy_type.as_str();
                    if !self.seen.insert((name.clone(), key_ty)) {
                        continue;
                    }
                    if let Ok(p) = folder.resolve(rel) {
                        self.linted.insert(p);
                    }
                    // Read here (once, or taken from what another reader read); parsed and
                    // linted on all cores below.
                    let input = self
                        .read_in(&folder, rel, FileKind::Policy)
                        .map_err(|mut d| {
                            if d.code == Code::FileNotFound {
                                d.message = format!(
                                    "policy file `{rel}` named in `{world_name}` does not exist"
                                );
                            }
                            d
                        });
                    jobs.push((name, u, Some(input)));
                }
                // AWS's to fix, not the world's.
                world::PolicyRef::AwsManaged(_) => {}
                world::PolicyRef::Inline(_) => jobs.push((world_name.clone(), u, None)),
            }
        }
        self.fan_out(&jobs, |run, (name, u, input)| match &u.reference {
            world::PolicyRef::File(_) => {
                let Some(input) = input.clone() else {
                    return;
                };
                if let Some((src, doc)) = run.parse_input(name, input, FileKind::Policy) {
                    run.policy(name, src, doc, Some(u.policy_type), &u.context, false);
                }
            }
            world::PolicyRef::AwsManaged(_) => {}
            world::PolicyRef::Inline(json) => {
                run.report.policies += 1;
                run.count(&world_name);
                let findings = lint_json(&src, json, u.policy_type, &u.context, &world_name);
                run.add(findings);
            }
        });
    }

    /// Lints every policy file below `top`: the worlds with their types first, then every other
    /// `*.json` (a world's own files are not linted again).
    pub(crate) fn folder(&mut self, top: &Path) {
        let walk = match self.ahead.walks.remove(top) {
            Some(w) => w,
            None => walk_folder(top, self.opts.root.as_deref(), &is_json),
        };
        let entries = walk.unreadable.len();
        for (i, (name, message)) in walk.unreadable.into_iter().enumerate() {
            if walk.truncated && i + 1 == entries {
                // A tree too large to walk is input over a bound, not a missing file.
                let d = Diagnostic::detached(Code::InputTooLarge, message);
                self.add(vec![finding(d, None, None, &name)]);
            } else {
                self.unreadable(&name, message);
            }
        }
        for d in &walk.worlds {
            self.world(d);
        }
        for p in walk.outside {
            let name = display(&p);
            let d = Diagnostic::detached(
                Code::PathOutsideRoot,
                format!("`{name}` is a symlink leading outside the folder being checked"),
            )
            .with_help("the file is not read; widen what may be read with --root DIR");
            self.add(vec![finding(d, None, None, &name)]);
        }
        let mut jobs = Vec::new();
        for (p, resolved) in walk.files {
            if !is_json(&p) || self.ahead.taken.contains(&resolved) {
                continue;
            }
            if self.linted.insert(resolved.clone()) && self.seen.insert((display(&p), "auto")) {
                let bytes = self.read_ahead(&p);
                jobs.push((p, resolved, bytes));
            }
        }
        self.fan_out(&jobs, |run, (p, resolved, bytes)| {
            if let Some(b) = bytes {
                run.ahead.texts.insert(resolved.clone(), b.clone());
            }
            run.file_in(p, None, &PolicyContext::default(), true);
        });
    }

    /// Runs `each` on every job on all cores, each job in a run of its own, and takes the runs'
    /// files, counts and findings in job order (so the report does not depend on which core
    /// finished first).
    fn fan_out<J: Sync>(&mut self, jobs: &[J], each: impl Fn(&mut Run<'o>, &J) + Sync) {
        let opts = self.opts;
        let runs: Vec<Run<'o>> = jobs
            .par_iter()
            .map(|job| {
                let mut run = Run::new(opts);
                each(&mut run, job);
                run
            })
            .collect();
        for run in runs {
            for name in &run.report.checked {
                self.count(name);
            }
            self.report.policies += run.report.policies;
            self.report.unreadable |= run.report.unreadable;
            // Already concealed where the job's run hid its file.
            self.report.findings.extend(run.report.findings);
            self.hidden.extend(run.hidden);
        }
    }
}
