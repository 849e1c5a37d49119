//! Running tests files at scale (`iamsim test`): each file read a test at a time, every test
//! decided by the decision-only path and explained only when it fails, both cores used, and
//! only the failures kept, so memory does not grow with the passing tests.
//!
//! A file is read once into memory (bounded by [`MAX_TESTS_FILE_BYTES`]); the `tests` list is
//! split into its items without building a tree of the whole file. A plain item (strings without
//! escapes, `via` a list of role ARNs) is read without a tree ([`crate::tests_plain`]); any
//! other by the same reader and checks as [`crate::load_tests`] (positions in the file, the
//! catalog checks, policy references through the world's folder), which says what is wrong. A
//! file that is not a plain `{"tests": [...]}` object is read whole by
//! [`crate::parse_tests_with`], which says why it does not load.
//! Line and column are computed only for a test that is shown. Files are run in turn, the next
//! one read and split while the tests of one run.

use crate::chain::decide_with;
use crate::tests_file::{
    parse_tests_with, read_case, run_test, with_tests_input, ReadTest, TestCase, TestOutcome,
    MAX_TESTS_FILE_BYTES,
};
use crate::tests_plain::PlainReader;
use iamsim_policy::files::{self, Folder, InputFile};
use iamsim_policy::json::{self, Json, JsonValue, Limits};
use iamsim_policy::{Code, Diagnostic, Source, Span};
use iamsim_world::load::Loader;
use iamsim_world::question::{check_question, Leniency, Problem};
use iamsim_world::{LoadError, World};
use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Tests read and decided by one worker at a time.
const CHUNK: usize = 256;

/// Tests read and decided before their results are handed on in file order: what a pass holds
/// at once (a JSON listing holds this many explained answers).
const BATCH: usize = 4 * 1024;

/// A failing test and where it is.
#[derive(Clone, Debug)]
pub struct TestFailure {
    /// Index of its file in the files run.
    pub file: usize,
    /// Its position in the file's `tests` list.
    pub index: usize,
    /// What the test expected and what the engine decided.
    pub outcome: TestOutcome,
}

/// Whether the tests of a run are listed afterwards ([`each_test`]), which reads the files again:
/// only then is each file's digest taken, so that the listing is refused if a file changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    /// Only the counts and the failures are shown (text output).
    FailuresOnly,
    /// Every test is shown (JSON, JUnit).
    EveryTest,
}

/// What a run of tests files found: counts, and the failures in file order.
#[derive(Debug, Default)]
pub struct TestsRun {
    /// Tests whose decision (and path expectations) matched.
    pub passed: usize,
    /// Tests that did not: `failures.len()`.
    pub failed: usize,
    /// The failed tests, in file order, then in order within each file.
    pub failures: Vec<TestFailure>,
    /// What the leniency let through (unknown actions or keys), one entry a test, in file order.
    pub warnings: Vec<Problem>,
    /// Per file: what a second pass over it must find again.
    seen: Vec<Seen>,
    listing: Option<Listing>,
}

/// A file as the first pass read it.
#[derive(Clone, Copy, Debug, Default)]
struct Seen {
    tests: usize,
    /// Taken under [`Listing::EveryTest`] only.
    digest: Option<u64>,
}

impl TestsRun {
    /// Tests run in all.
    pub fn total(&self) -> usize {
        self.passed + self.failed
    }
}

/// Runs the tests files against the world. Each test is decided by the decision-only path; one
/// that fails (or names `explain_contains`) is decided again by the explaining path, which
/// gives its answer. Every file is read before anything is returned: the first one that does
/// not load is the error, and no result of any file is given.
pub fn run_tests_files(
    world: &World,
    files: &[PathBuf],
    leniency: Leniency,
    listing: Listing,
) -> Result<TestsRun, LoadError> {
    let mut run = TestsRun {
        listing: Some(listing),
        ..TestsRun::default()
    };
    // One path search for the run: `via: "*"` tests share what it keeps.
    let paths = crate::PathSearch::new(world);
    let each = |src: &Arc<Source>, t: ReadTest| judge(world, &paths, src, t, leniency);
    let sink = &mut |file, index, (warnings, failure): Judged| {
        run.warnings.extend(warnings);
        match failure {
            None => run.passed += 1,
            Some(outcome) => {
                run.failed += 1;
                run.failures.push(TestFailure {
                    file,
                    index,
                    outcome: *outcome,
                });
            }
        }
    };
    let digested = listing == Listing::EveryTest;
    let seen = stream_files(
        world,
        files,
        leniency,
        digested,
        &|_, _| Ok(()),
        &each,
        sink,
    )?;
    run.seen = seen;
    Ok(run)
}

/// A second pass over the files of `run` (run with [`Listing::EveryTest`]), for listings of every
/// test (JSON, JUnit): each test read again with its position and given to `each` in parallel,
/// the results handed to `sink` in file order as `(file, index, result)`. A file that changed
/// since the first pass (another digest or number of tests) is an error: the listing would not
/// be the run that was counted.
pub fn each_test<T: Send>(
    world: &World,
    files: &[PathBuf],
    leniency: Leniency,
    run: &TestsRun,
    each: &(dyn Fn(TestCase) -> T + Sync),
    sink: &mut dyn FnMut(usize, usize, T),
) -> Result<(), LoadError> {
    if run.listing != Some(Listing::EveryTest) {
        return Err(LoadError {
            diagnostics: vec![Diagnostic::detached(
                Code::InvalidValue,
                "the tests were run without a listing in view: run them with Listing::EveryTest",
            )],
        });
    }
    // The same file as the first pass: the same digest and as many tests.
    let same = |file: usize, split: &Split| {
        let before = run.seen.get(file).copied().unwrap_or_default();
        if split.digest == before.digest && split.spans.len() == before.tests {
            Ok(())
        } else {
            Err(changed(split.src.name()))
        }
    };
    let each = |src: &Arc<Source>, t: ReadTest| each(t.case(src));
    stream_files(world, files, leniency, true, &same, &each, sink)?;
    Ok(())
}

fn changed(name: &str) -> LoadError {
    LoadError {
        diagnostics: vec![Diagnostic::detached(
            Code::InvalidValue,
            format!("`{name}` changed while its tests were run; run them again"),
        )],
    }
}

/// What the first pass keeps of a test: the leniency's warnings, and its outcome when it fails
/// (boxed: the results of a batch are moved a few times on their way to the sink in file order,
/// and a passing test's result is then a few words).
type Judged = (Vec<Problem>, Option<Box<TestOutcome>>);

/// One test of the first pass: the leniency's warnings, and its outcome when it fails.
fn judge(
    world: &World,
    paths: &crate::PathSearch<'_>,
    src: &Arc<Source>,
    t: ReadTest,
    leniency: Leniency,
) -> Judged {
    // Under the default leniency every problem was an error of the file, which stops the run.
    let warnings = if leniency == Leniency::default() {
        Vec::new()
    } else {
        check_question(Some(&t.query.action), &t.query.context, leniency)
    };
    let decided = decide_with(world, Some(paths), &t.query).ok();
    if !t.needs_explanation() && decided.is_some_and(|d| t.expect.accepts(d)) {
        return (warnings, None);
    }
    let outcome = run_test(world, t.case(src), decided);
    (warnings, (!outcome.passed()).then(|| Box::new(outcome)))
}

/// A 64-bit digest of a file's bytes (a second pass checks it read the same file).
fn digest(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// A 128-bit digest of a test's name: two names with the same digest are taken to be the same
/// name (a false duplicate would refuse the file, never pass a test).
fn name_digest(name: &str) -> u128 {
    let half = |salt: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        salt.hash(&mut h);
        name.hash(&mut h);
        h.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

/// One test as a worker read it: its diagnostics, and the name's digest and result when it
/// could be read.
type Read<T> = (Vec<Diagnostic>, Option<(u128, T)>);

/// A tests file read and split into its tests, ready to be run.
struct Split {
    folder: Folder,
    src: Arc<Source>,
    shown: bool,
    /// The tests' spans in `src`, in file order (at least one).
    spans: Vec<Span>,
    digest: Option<u64>,
}

/// Reads a tests file and splits it into its tests; a file that is not the plain shape is read
/// whole, which says why it does not load. `digested`: take the file's digest.
fn split_file(
    world: &World,
    file: &Path,
    leniency: Leniency,
    digested: bool,
) -> Result<Split, LoadError> {
    let (folder, input) =
        with_tests_input(world, file, |folder, input| Ok((folder.clone(), input)))?;
    let digest = digested.then(|| digest(&input.bytes));
    let (name, shown) = (input.name.clone(), input.shown);
    let text = match String::from_utf8(input.bytes) {
        Ok(text) => text,
        Err(e) => return whole_file(&folder, &name, shown, e.into_bytes(), leniency),
    };
    let src = Source::new(name.as_str(), text);
    let Some(spans) = test_spans(src.text()).filter(|s| !s.is_empty()) else {
        return whole_file(
            &folder,
            &name,
            shown,
            src.text().as_bytes().to_vec(),
            leniency,
        );
    };
    Ok(Split {
        folder,
        src,
        shown,
        spans,
        digest,
    })
}

/// Runs the tests of every file in turn (see [`run_split`]), `sink` given `(file, index,
/// result)` in file order. While the tests of one file run, the next file is read and split on a
/// thread of its own, so that the cores are not left waiting for it. `check` may refuse a file
/// before its tests run.
fn stream_files<T: Send>(
    world: &World,
    files: &[PathBuf],
    leniency: Leniency,
    digested: bool,
    check: &dyn Fn(usize, &Split) -> Result<(), LoadError>,
    each: &(dyn Fn(&Arc<Source>, ReadTest) -> T + Sync),
    sink: &mut dyn FnMut(usize, usize, T),
) -> Result<Vec<Seen>, LoadError> {
    let read = |file: &PathBuf| split_file(world, file, leniency, digested);
    std::thread::scope(|scope| {
        let mut seen = Vec::with_capacity(files.len());
        let mut current = files.first().map(read);
        for i in 0..files.len() {
            let Some(split) = current.take() else {
                break;
            };
            let split = split?;
            let ahead = files.get(i + 1).map(|f| scope.spawn(move || read(f)));
            check(i, &split)?;
            seen.push(run_split(split, leniency, each, &mut |index, out| {
                sink(i, index, out)
            })?);
            current = ahead.map(|h| h.join().unwrap_or_else(|_| Err(reader_failed())));
        }
        Ok(seen)
    })
}

/// The reading thread ended without an answer (it never should: the reader does not panic).
fn reader_failed() -> LoadError {
    LoadError {
        diagnostics: vec![Diagnostic::detached(
            Code::InvalidValue,
            "a tests file could not be read: its reader stopped",
        )],
    }
}

/// Runs the tests of one file batch by batch, `each` run on every test that reads cleanly (in
/// parallel), and hands `sink` the results in file order. Diagnostics (the test's own, and a
/// second test of the same name) are gathered in file order; once one is an error no test is
/// given to `each` any more, and the file is the error.
fn run_split<T: Send>(
    split: Split,
    leniency: Leniency,
    each: &(dyn Fn(&Arc<Source>, ReadTest) -> T + Sync),
    sink: &mut dyn FnMut(usize, T),
) -> Result<Seen, LoadError> {
    let Split {
        folder,
        src,
        shown,
        spans,
        digest,
    } = split;
    let folder = &folder;
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut names: HashSet<u128> = HashSet::new();
    let mut index = 0usize;
    for batch in spans.chunks(BATCH) {
        let stop = diagnostics.iter().any(Diagnostic::is_error);
        let read: Option<Vec<Vec<Read<T>>>> = batch
            .par_chunks(CHUNK)
            .map(|chunk| read_chunk(folder, &src, shown, chunk, leniency, stop, each))
            .collect();
        let Some(read) = read else {
            let bytes = src.text().as_bytes().to_vec();
            return whole_file(folder, src.name(), shown, bytes, leniency);
        };
        for (span, (diags, test)) in batch.iter().zip(read.into_iter().flatten()) {
            diagnostics.extend(diags);
            if let Some((name_digest, out)) = test {
                if !names.insert(name_digest) {
                    diagnostics.push(duplicate(&src, *span, shown));
                }
                if !stop {
                    sink(index, out);
                }
            }
            index += 1;
        }
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(LoadError { diagnostics });
    }
    Ok(Seen {
        tests: spans.len(),
        digest,
    })
}

/// Reads (and unless `stop`, runs) the tests of one chunk, with a loader of its own. `None`: a
/// test is not JSON the reader accepts.
fn read_chunk<T>(
    folder: &Folder,
    src: &Arc<Source>,
    shown: bool,
    chunk: &[Span],
    leniency: Leniency,
    stop: bool,
    each: &(dyn Fn(&Arc<Source>, ReadTest) -> T + Sync),
) -> Option<Vec<Read<T>>> {
    let mut loader = Loader::new(folder);
    let mut plain = PlainReader::new(leniency);
    let mut read = Vec::with_capacity(chunk.len());
    let mut ends = Vec::with_capacity(chunk.len());
    for span in chunk {
        let test = read_item(&mut loader, &mut plain, src, *span, leniency)?;
        // Run at once (the test is not moved again) when nothing in the chunk so far, its own
        // reading included, is an error.
        let ok = test.filter(|_| !stop && !loader.diagnostics.iter().any(Diagnostic::is_error));
        ends.push(loader.diagnostics.len());
        read.push(ok.map(|t| (name_digest(&t.name), each(src, t))));
    }
    if !shown {
        loader.hide(src.name());
    }
    let mut diagnostics = loader.take_diagnostics().into_iter();
    let mut taken = 0;
    let mut out = Vec::with_capacity(chunk.len());
    for (test, end) in read.into_iter().zip(ends) {
        let diags: Vec<Diagnostic> = diagnostics.by_ref().take(end - taken).collect();
        taken = end;
        out.push((diags, test));
    }
    Some(out)
}

/// The second test of a name (names identify tests in every listing).
fn duplicate(src: &Arc<Source>, span: Span, shown: bool) -> Diagnostic {
    let name = src
        .text()
        .get(span.start as usize..span.end as usize)
        .and_then(|item| serde_json::from_str::<NameOnly>(item).ok())
        .map(|n| n.name)
        .unwrap_or_default();
    let d = Diagnostic::new(
        Code::DuplicateTestName,
        format!("a second test named `{name}`"),
        src,
        span,
    );
    if shown {
        d
    } else {
        files::conceal(d, src.name(), "policy file")
    }
}

#[derive(serde::Deserialize)]
struct NameOnly {
    name: String,
}

/// Reads the test at `span` of `src`: a plain test without a tree ([`PlainReader`]), any other
/// with the reader and checks of the whole-file path, the item read on its own and its
/// positions moved to where it is in the file. `None`: the reader refuses the item's JSON (a
/// duplicate key, a typographic quote, too deep), which only the whole file's reading reports
/// with the right positions in its messages.
fn read_item<'a>(
    loader: &mut Loader,
    plain: &mut PlainReader<'a>,
    src: &'a Arc<Source>,
    span: Span,
    leniency: Leniency,
) -> Option<Option<ReadTest>> {
    let text = src.text().get(span.start as usize..span.end as usize)?;
    if let Some(test) = plain.read(text, span) {
        return Some(Some(test));
    }
    let limits = Limits {
        // The item is two levels down in its file: `{"tests": [item]}`.
        max_depth: Limits::default().max_depth.saturating_sub(2),
        max_bytes: usize::try_from(MAX_TESTS_FILE_BYTES).unwrap_or(usize::MAX),
    };
    let mut item = json::parse(&Source::new("", text), limits).ok()?;
    shift(&mut item, span.start);
    Some(read_case(loader, src, &item, leniency))
}

fn moved(span: Span, by: u32) -> Span {
    Span {
        start: span.start.saturating_add(by),
        end: span.end.saturating_add(by),
    }
}

/// Moves every span of `json` by `by` bytes (the reader bounds its depth).
fn shift(json: &mut Json, by: u32) {
    json.span = moved(json.span, by);
    match &mut json.value {
        JsonValue::Array(items) => items.iter_mut().for_each(|i| shift(i, by)),
        JsonValue::Object(members) => {
            for m in members {
                m.key_span = moved(m.key_span, by);
                shift(&mut m.value, by);
            }
        }
        _ => {}
    }
}

/// A file that is not the plain shape, read whole: its diagnostics say why it does not load.
/// Should it load after all, its tests are not run here: the file is refused.
fn whole_file<T>(
    folder: &Folder,
    name: &str,
    shown: bool,
    bytes: Vec<u8>,
    leniency: Leniency,
) -> Result<T, LoadError> {
    let input = InputFile {
        name: name.to_string(),
        bytes,
        shown,
    };
    parse_tests_with(folder, &input, leniency)?;
    Err(LoadError {
        diagnostics: vec![Diagnostic::detached(
            Code::InvalidValue,
            format!(
                "`{name}` could not be read a test at a time; write it as {{\"tests\": [...]}}"
            ),
        )],
    })
}

/// The spans of the items of the `tests` list of a plain `{"tests": [...]}` file (a byte order
/// mark allowed), without reading the items; `None` for any other shape or invalid JSON.
fn test_spans(text: &str) -> Option<Vec<Span>> {
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let base = text.as_ptr() as usize;
    let mut de = serde_json::Deserializer::from_str(body);
    let spans = de::Deserializer::deserialize_map(&mut de, Top { base }).ok()?;
    de.end().ok()?;
    Some(spans)
}

/// The top-level object: exactly one member, `tests`.
struct Top {
    base: usize,
}

impl<'de> Visitor<'de> for Top {
    type Value = Vec<Span>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object with a `tests` list")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<Span>, A::Error> {
        let mut spans = None;
        while let Some(key) = map.next_key::<&'de str>()? {
            if key != "tests" || spans.is_some() {
                return Err(de::Error::custom("not a plain tests file"));
            }
            spans = Some(map.next_value_seed(Items { base: self.base })?);
        }
        spans.ok_or_else(|| de::Error::custom("no `tests`"))
    }
}

/// The `tests` list: where each item is.
struct Items {
    base: usize,
}

impl<'de> DeserializeSeed<'de> for Items {
    type Value = Vec<Span>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Vec<Span>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Items {
    type Value = Vec<Span>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of tests")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Span>, A::Error> {
        let mut spans = Vec::new();
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            let start = (raw.get().as_ptr() as usize).saturating_sub(self.base);
            spans.push(Span::new(start, start + raw.get().len()));
        }
        Ok(spans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The streaming runner's bound is the one table's bound for tests files.
    #[test]
    fn the_tests_file_bound_is_the_tables() {
        assert_eq!(
            MAX_TESTS_FILE_BYTES,
            iamsim_policy::files::FileKind::Tests.max_bytes()
        );
    }

    #[test]
    fn items_are_found_where_they_are() {
        let text = "\u{FEFF}{ \"tests\" : [ {\"a\": [1, {}]} ,\n\"x\\\"]\", 3 ] }\n";
        let spans = test_spans(text).unwrap();
        let got: Vec<&str> = spans
            .iter()
            .map(|s| &text[s.start as usize..s.end as usize])
            .collect();
        assert_eq!(got, ["{\"a\": [1, {}]}", "\"x\\\"]\"", "3"]);
    }

    #[test]
    fn other_shapes_are_left_to_the_whole_file_reader() {
        for text in [
            "[]",
            "{}",
            "{\"tests\": {}}",
            "{\"tests\": [], \"tests\": []}",
            "{\"tests\": [], \"other\": 1}",
            "{\"te\\u0073ts\": []}",
            "{\"tests\": [1,]}",
            "{\"tests\": []} x",
            "",
        ] {
            assert!(test_spans(text).is_none(), "{text}");
        }
    }

    #[test]
    fn shifted_spans_point_into_the_file() {
        let mut j = json::parse(&Source::new("", "{\"k\": [1]}"), Limits::default()).unwrap();
        shift(&mut j, 10);
        assert_eq!(j.span, Span::new(10, 20));
        let m = &j.members().unwrap()[0];
        assert_eq!(m.key_span.start, 11);
        assert_eq!(m.value.items().unwrap()[0].span, Span::new(17, 18));
    }
}
