//! The project's documentation stands alone: every rule number that an explanation, a diagnostic
//! or a fixture's `rule` field cites is defined in docs/rules.md, no user-facing file points at
//! documents outside the repository, and relative links in the Markdown files lead somewhere.

use crate::fixtures::{cited_rules, fixture_worlds};
use crate::support::{iamsim, root, stdout};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The rule numbers docs/rules.md defines: each rule starts a paragraph as `**4.10**`, each worked
/// example is a table row `| **W12** |`.
fn defined_rules() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let line = line.trim_start_matches("| ");
        if let Some(rest) = line.strip_prefix("**") {
            if let Some(end) = rest.find("**") {
                out.insert(rest[..end].to_string());
            }
        }
    }
    out
}

/// The string literals of a Rust source file (comments, char literals and lifetimes skipped). Raw
/// strings are not used for messages in this project and are read as ordinary text.
fn string_literals(source: &str) -> Vec<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            '\'' => {
                // A char literal ('x', '\n', '"'), or a lifetime ('a), which has no closing quote.
                if chars.get(i + 1) == Some(&'\\') {
                    i += 2;
                    while i < chars.len() && chars[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if chars.get(i + 2) == Some(&'\'') {
                    i += 3;
                } else {
                    i += 1;
                }
            }
            '"' => {
                let mut literal = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        literal.push(chars[i]);
                        i += 1;
                    }
                    if let Some(&c) = chars.get(i) {
                        literal.push(c);
                    }
                    i += 1;
                }
                i += 1;
                out.push(literal);
            }
            _ => i += 1,
        }
    }
    out
}

/// Rule numbers a message cites: a parenthesised list of them (`(4.12, 6.3, 6.4)`, `(2.8, 9.4)`),
/// or `rule 9.15` / `rules 6.1–6.5`.
fn rules_in_message(message: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (open, _) in message.match_indices('(') {
        let Some(len) = message[open + 1..].find(')') else {
            continue;
        };
        let inner = &message[open + 1..open + 1 + len];
        let parts: Vec<&str> = inner
            .split([',', '–'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if !parts.is_empty() && parts.iter().all(|p| is_rule_number(p)) {
            out.extend(parts.iter().map(|p| p.to_string()));
        }
    }
    for word in ["rule ", "rules "] {
        for (at, _) in message.match_indices(word) {
            let rest = &message[at + word.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            let number = rest[..end].trim_end_matches('.');
            if is_rule_number(number) {
                out.push(number.to_string());
            }
        }
    }
    out
}

/// `4.10`: one or two digits, a dot, one or two digits.
fn is_rule_number(text: &str) -> bool {
    let Some((section, rule)) = text.split_once('.') else {
        return false;
    };
    let digits = |s: &str| (1..=2).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit());
    digits(section) && digits(rule)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn rust_sources() -> Vec<PathBuf> {
    let mut out = Vec::new();
    files_under(&root().join("src"), &mut out);
    files_under(&root().join("crates"), &mut out);
    out.retain(|p| p.extension().is_some_and(|e| e == "rs"));
    out
}

/// What users of the repository read: the README, the docs, the fixtures' Markdown, the sources
/// (doc comments and messages), the tests and the generator of fixtures/README.md.
fn user_facing_files() -> Vec<PathBuf> {
    let mut out = vec![
        root().join("README.md"),
        root().join("BENCHMARKS.md"),
        root().join("scripts/rule-coverage.py"),
    ];
    for dir in ["docs", "src", "crates", "tests", "benches"] {
        files_under(&root().join(dir), &mut out);
    }
    let mut fixtures = Vec::new();
    files_under(&root().join("fixtures"), &mut fixtures);
    out.extend(
        fixtures
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "md")),
    );
    out.retain(|p| {
        p.extension()
            .is_some_and(|e| ["md", "rs", "py", "toml"].contains(&e.to_str().unwrap()))
    });
    out
}

#[test]
fn every_rule_cited_by_a_fixture_is_in_docs_rules() {
    let defined = defined_rules();
    let mut missing = BTreeSet::new();
    let mut cited = 0;
    for dir in fixture_worlds() {
        let text = std::fs::read_to_string(dir.join("tests.json")).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        for test in doc["tests"].as_array().unwrap() {
            let Some(rule) = test["rule"].as_str() else {
                continue;
            };
            let worked = rule
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| w.len() > 1 && w.starts_with('W') && w[1..].parse::<u8>().is_ok());
            for number in cited_rules(rule)
                .into_iter()
                .chain(worked.map(String::from))
            {
                cited += 1;
                if !defined.contains(&number) {
                    missing.insert(format!("{number} ({})", dir.display()));
                }
            }
        }
    }
    assert!(
        cited > 400,
        "only {cited} rule citations found in the fixtures"
    );
    assert!(
        missing.is_empty(),
        "cited but not in docs/rules.md: {missing:?}"
    );
}

#[test]
fn every_rule_cited_by_a_message_is_in_docs_rules() {
    let defined = defined_rules();
    let mut missing = BTreeSet::new();
    let mut cited = BTreeSet::new();
    for path in rust_sources() {
        let source = std::fs::read_to_string(&path).unwrap();
        for literal in string_literals(&source) {
            for number in rules_in_message(&literal) {
                if !defined.contains(&number) {
                    missing.insert(format!("{number} ({})", path.display()));
                }
                cited.insert(number);
            }
        }
    }
    // The decision explanations cite these; finding none means the scan is broken.
    for expected in ["4.5", "4.7", "5.4", "6.6", "2.10"] {
        assert!(cited.contains(expected), "no message cites {expected}");
    }
    assert!(
        missing.is_empty(),
        "cited but not in docs/rules.md: {missing:?}"
    );
}

#[test]
fn the_scans_read_what_they_should() {
    let literals = string_literals(
        "let c = '\"'; // \"(9.9)\"\n/* \"(8.8)\" */ fn f<'a>() { g(\"denied (4.12, 6.3) \\\"x\\\" rule 9.15.\") }",
    );
    assert_eq!(literals, vec![r#"denied (4.12, 6.3) \"x\" rule 9.15."#]);
    assert_eq!(rules_in_message(&literals[0]), vec!["4.12", "6.3", "9.15"]);
    assert_eq!(
        rules_in_message("v(1.0.2) (see 2.8) (6.1–6.5)"),
        vec!["6.1", "6.5"]
    );
    let defined = defined_rules();
    for number in ["0.1", "1.28", "3.21a", "7.11", "10.3", "11.14", "W1", "W46"] {
        assert!(defined.contains(number), "docs/rules.md lacks {number}");
    }
}

#[test]
fn no_user_facing_file_points_outside_the_repository() {
    // Spelled in pieces so that this file does not match itself.
    let outside = [
        concat!("..", "/shared"),
        concat!("iam-", "semantics"),
        concat!("formats-", "extensions"),
    ];
    let files = user_facing_files();
    assert!(files.len() > 100, "only {} files scanned", files.len());
    let mut found = Vec::new();
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            if outside.iter().any(|o| line.contains(o)) {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "pointers outside the repository:\n{}",
        found.join("\n")
    );
}

/// The anchor GitHub gives a Markdown heading: lower case, spaces as `-`, punctuation dropped.
fn heading_anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(markdown: &str) -> BTreeSet<String> {
    let mut fenced = false;
    let mut out = BTreeSet::new();
    for line in markdown.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            out.insert(heading_anchor(line.trim_start_matches('#')));
        }
    }
    out
}

#[test]
fn relative_links_in_the_markdown_lead_to_files_and_headings() {
    let mut markdown = vec![root().join("README.md")];
    files_under(&root().join("docs"), &mut markdown);
    files_under(&root().join("fixtures"), &mut markdown);
    markdown.retain(|p| p.extension().is_some_and(|e| e == "md"));
    let mut broken = Vec::new();
    let mut checked = 0;
    for path in &markdown {
        let text = std::fs::read_to_string(path).unwrap();
        for (at, _) in text.match_indices("](") {
            let rest = &text[at + 2..];
            let Some(end) = rest.find(')') else { continue };
            let (target, anchor) = rest[..end].split_once('#').unwrap_or((&rest[..end], ""));
            if target.contains("://") || target.contains(' ') {
                continue;
            }
            let file = if target.is_empty() {
                path.clone()
            } else {
                path.parent().unwrap().join(target)
            };
            checked += 1;
            if !file.exists() {
                broken.push(format!("{}: {target}", path.display()));
            } else if !anchor.is_empty()
                && !anchors(&std::fs::read_to_string(&file).unwrap()).contains(anchor)
            {
                broken.push(format!("{}: {target}#{anchor}", path.display()));
            }
        }
    }
    assert!(checked > 20, "only {checked} links found");
    assert!(
        broken.is_empty(),
        "links to nothing:\n{}",
        broken.join("\n")
    );
    assert_eq!(
        heading_anchor(" 7.C Block Public Access and \"public\""),
        "7c-block-public-access-and-public"
    );
    assert_eq!(heading_anchor(" Tests (`tests.json`)"), "tests-testsjson");
}

/// The contents of the ```json blocks of a Markdown file, in order.
fn json_blocks(markdown: &str) -> Vec<serde_json::Value> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match current.as_mut() {
            None if line == "```json" => current = Some(String::new()),
            Some(_) if line == "```" => {
                blocks.push(serde_json::from_str(&current.take().unwrap()).unwrap());
            }
            Some(text) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    blocks
}

/// The example world and tests of docs/world-format.md are the fixture world
/// `fixtures/world-format-example`, which the fixture tests load and run.
#[test]
fn the_world_format_example_is_a_fixture_that_passes() {
    let doc = std::fs::read_to_string(root().join("docs/world-format.md")).unwrap();
    let blocks = json_blocks(&doc);
    let dir = root().join("fixtures/world-format-example");
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
    };
    assert_eq!(
        blocks[0],
        read("world.json"),
        "docs/world-format.md's world.json"
    );
    let fixture = read("tests.json");
    let shown = blocks[1]["tests"].as_array().unwrap();
    assert!(!shown.is_empty());
    for test in shown {
        let same = fixture["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == test["name"]);
        assert_eq!(
            Some(test),
            same,
            "docs/world-format.md's test {}",
            test["name"]
        );
    }
    assert!(fixture_worlds().contains(&dir));
}

/// One `$ iamsim ...` example of a document: its arguments and the output lines it shows.
struct Example {
    args: Vec<String>,
    shown: Vec<String>,
}

/// Splits a shell command line: words separated by spaces, `'...'` quoting, `\` line joins.
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in command.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The examples of the ```text blocks of a document: a `$ iamsim` line (continued by lines ending
/// in `\`), then the output shown until the next `$` line or the end of the block.
fn examples(markdown: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_text = false;
    let mut command: Option<String> = None;
    // Whether the lines now read are the output of the last example (same block, after it).
    let mut output = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_text = line == "```text";
            output = false;
            continue;
        }
        if !in_text {
            continue;
        }
        let part = match (command.as_mut(), line.strip_prefix("$ iamsim ")) {
            (Some(c), _) => {
                c.push(' ');
                c
            }
            (None, Some(_)) => command.insert(String::from("iamsim ")),
            (None, None) => {
                if let Some(example) = out.last_mut().filter(|_| output) {
                    example.shown.push(line.to_string());
                }
                continue;
            }
        };
        let text = line.strip_prefix("$ iamsim ").unwrap_or(line).trim();
        part.push_str(text.trim_end_matches('\\'));
        if !line.ends_with('\\') {
            let words = shell_words(&command.take().unwrap());
            out.push(Example {
                args: words.into_iter().skip(1).collect(),
                shown: Vec::new(),
            });
            output = true;
        }
    }
    out
}

/// Every example of docs/command-line.md, run at the repository root, prints the lines it shows,
/// in that order (a `...` line stands for lines left out). Paths under /tmp become temp folders.
#[test]
fn the_command_line_examples_print_what_they_show() {
    let doc = std::fs::read_to_string(root().join("docs/command-line.md")).unwrap();
    let examples = examples(&doc);
    assert!(
        examples.len() >= 12,
        "only {} examples found",
        examples.len()
    );
    let tmp = std::env::temp_dir().join(format!("iamsim-docs-examples-{}", std::process::id()));
    let local = |text: &str| text.replace("/tmp/", &format!("{}/", tmp.display()));
    let mut wrong = Vec::new();
    for example in &examples {
        let args: Vec<String> = example.args.iter().map(|a| local(a)).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let printed = stdout(&iamsim(&args));
        let printed: Vec<&str> = printed.lines().map(str::trim_end).collect();
        let mut at = 0;
        for line in &example.shown {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.trim_end_matches(',') == "..." {
                continue;
            }
            let line = local(line);
            match printed[at..].iter().position(|p| *p == line.trim_end()) {
                Some(i) => at += i + 1,
                None => {
                    wrong.push(format!(
                        "iamsim {}\n  does not print: {line}",
                        args.join(" ")
                    ));
                    break;
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
