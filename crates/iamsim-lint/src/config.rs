//! Adopting the linter on an existing repository: suppressions (`.iamsim-lint.json`) and
//! baselines.
//!
//! `.iamsim-lint.json`:
//!
//! ```json
//! {
//!   "suppress": [
//!     { "codes": ["REDUNDANT_ACTION"] },
//!     { "file": "legacy/**", "codes": ["MISSING_VERSION"], "reason": "old exports" },
//!     { "file": "buckets/site.json", "sid": "PublicRead", "codes": ["PUBLIC_ACCESS"] }
//!   ]
//! }
//! ```
//!
//! `file` is a path pattern relative to the folder holding the config file (`*` within a path
//! segment, `**` across segments; absent = every file); `sid` limits the entry to one statement.
//! A baseline lists the fingerprints of known findings; a run with it reports only new ones.

use crate::patterns::glob_match;
use crate::Finding;
use iamsim_policy::files;
use iamsim_policy::json::{self, Json, JsonValue, Limits};
use iamsim_policy::{Code, Diagnostic, Severity, Source, Span};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A config or baseline file that cannot be used.
#[derive(Debug)]
pub struct ConfigError {
    /// What is wrong, each at its place in the file.
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for d in &self.diagnostics {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug)]
struct Suppression {
    file: Option<String>,
    sid: Option<String>,
    codes: Vec<String>,
    /// Why: required to hide a finding at or above the `--fail-on` threshold.
    reason: Option<String>,
}

/// A reason worth the name: not absent, not blank.
fn written(reason: Option<&str>) -> Option<String> {
    reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
}

/// Suppressions read from `.iamsim-lint.json`.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The folder the config file is in; `file` patterns are relative to it.
    base: PathBuf,
    suppress: Vec<Suppression>,
}

fn error(src: &std::sync::Arc<Source>, span: Span, message: impl Into<String>) -> ConfigError {
    ConfigError {
        diagnostics: vec![Diagnostic::new(Code::InvalidValue, message, src, span)],
    }
}

impl Config {
    /// Reads a config file. Unknown codes are an error, so a typo cannot silently suppress
    /// nothing.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let bytes = files::read_named_kind(path, files::FileKind::Config)
            .map_err(|d| ConfigError {
                diagnostics: vec![d],
            })?
            .bytes;
        let (src, doc) = json::parse_bytes(&path.to_string_lossy(), &bytes, Limits::default())
            .map_err(|d| ConfigError {
                diagnostics: vec![d],
            })?;
        let mut config = Config {
            base: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            suppress: Vec::new(),
        };
        let Some(members) = doc.members() else {
            return Err(error(&src, doc.span, "the config must be a JSON object"));
        };
        for m in members {
            match m.key.as_str() {
                "suppress" => {
                    let Some(items) = m.value.items() else {
                        return Err(error(&src, m.value.span, "`suppress` must be a list"));
                    };
                    for item in items {
                        config.suppress.push(read_suppression(&src, item)?);
                    }
                }
                other => {
                    return Err(error(
                        &src,
                        m.key_span,
                        format!("unknown field `{other}` (the config has `suppress`)"),
                    ))
                }
            }
        }
        Ok(config)
    }

    /// Whether `f` is suppressed.
    pub fn suppresses(&self, f: &Finding) -> bool {
        self.matching(f).next().is_some()
    }

    /// Whether `f` is suppressed when runs fail at `threshold`: a finding at or above it only by
    /// an entry with a written `reason` (the file may be edited by the pull request it gates).
    pub fn suppresses_at(&self, f: &Finding, threshold: Severity) -> bool {
        self.matching(f)
            .any(|s| f.diagnostic.severity < threshold || s.reason.is_some())
    }

    /// The entries that match `f`.
    fn matching<'s>(&'s self, f: &'s Finding) -> impl Iterator<Item = &'s Suppression> + 's {
        let code = f.diagnostic.code;
        self.suppress.iter().filter(move |s| {
            s.codes.iter().any(|c| code.answers_to(c))
                && s.file
                    .as_ref()
                    .map(|pat| self.file_matches(pat, &f.file))
                    .unwrap_or(true)
                && s.sid
                    .as_ref()
                    .map(|sid| {
                        f.statement
                            .as_ref()
                            .and_then(|st| st.sid.as_deref())
                            .is_some_and(|have| have == sid)
                    })
                    .unwrap_or(true)
        })
    }

    fn file_matches(&self, pattern: &str, file: &str) -> bool {
        let base = self.base.to_string_lossy().replace('\\', "/");
        let base = base.trim_start_matches("./").trim_end_matches('/');
        let rel = if base.is_empty() || base == "." {
            Some(file)
        } else {
            file.strip_prefix(base).map(|r| r.trim_start_matches('/'))
        };
        [Some(file), rel]
            .into_iter()
            .flatten()
            .any(|f| path_match(pattern.trim_start_matches("./"), f))
    }
}

fn read_suppression(src: &std::sync::Arc<Source>, item: &Json) -> Result<Suppression, ConfigError> {
    let Some(members) = item.members() else {
        return Err(error(
            src,
            item.span,
            "each `suppress` entry must be an object",
        ));
    };
    let mut s = Suppression {
        file: None,
        sid: None,
        codes: Vec::new(),
        reason: None,
    };
    for m in members {
        match (m.key.as_str(), &m.value.value) {
            ("file", JsonValue::String(v)) => s.file = Some(v.clone()),
            ("sid", JsonValue::String(v)) => s.sid = Some(v.clone()),
            ("reason", JsonValue::String(r)) => s.reason = written(Some(r)),
            ("codes", JsonValue::Array(codes)) => {
                for c in codes {
                    match c.as_str() {
                        Some(code) if Code::parse(code).is_some() => s.codes.push(code.to_string()),
                        Some(code) => {
                            return Err(error(
                                src,
                                c.span,
                                format!("unknown finding code `{code}`"),
                            ))
                        }
                        None => return Err(error(src, c.span, "a code must be a string")),
                    }
                }
            }
            (key @ ("file" | "sid" | "reason" | "codes"), _) => {
                return Err(error(
                    src,
                    m.value.span,
                    format!("`{key}` has the wrong type"),
                ))
            }
            (other, _) => {
                return Err(error(
                    src,
                    m.key_span,
                    format!(
                        "unknown field `{other}` (entries have `file`, `sid`, `codes`, `reason`)"
                    ),
                ))
            }
        }
    }
    if s.codes.is_empty() {
        return Err(error(src, item.span, "a `suppress` entry needs `codes`"));
    }
    Ok(s)
}

/// `*` within a segment, `**` for any number of segments.
fn path_match(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').collect();
    let segs: Vec<&str> = path.split('/').collect();
    match_segments(&pat, &segs)
}

fn match_segments(pat: &[&str], segs: &[&str]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((&"**", rest)) => {
            (0..=segs.len()).any(|k| segs.get(k..).is_some_and(|s| match_segments(rest, s)))
        }
        Some((p, rest)) => match segs.split_first() {
            Some((s, srest)) => {
                glob_match(p.as_bytes(), s.as_bytes(), false) && match_segments(rest, srest)
            }
            None => false,
        },
    }
}

/// Known findings, by fingerprint, each with the reason it may stay (its own `reason`, else
/// the baseline's).
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    fingerprints: HashMap<String, Option<String>>,
}

impl Baseline {
    /// Reads a baseline file (JSON, as `--write-baseline` writes it).
    pub fn load(path: &Path) -> Result<Baseline, ConfigError> {
        let detached = |m: String| ConfigError {
            diagnostics: vec![Diagnostic::detached(Code::InvalidValue, m)],
        };
        let bytes = files::read_named_kind(path, files::FileKind::Config)
            .map_err(|d| ConfigError {
                diagnostics: vec![d],
            })?
            .bytes;
        // serde_json's messages name a line and column, never the text.
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            detached(format!(
                "baseline `{}` is not valid JSON: {e}",
                path.display()
            ))
        })?;
        let mut fingerprints = HashMap::new();
        let list = value
            .get("findings")
            .and_then(|f| f.as_array())
            .ok_or_else(|| {
                detached(format!(
                    "baseline `{}` has no `findings` list",
                    path.display()
                ))
            })?;
        let all = written(value.get("reason").and_then(|v| v.as_str()));
        for f in list {
            if let Some(fp) = f.get("fingerprint").and_then(|v| v.as_str()) {
                let own = written(f.get("reason").and_then(|v| v.as_str()));
                fingerprints.insert(fp.to_string(), own.or_else(|| all.clone()));
            }
        }
        Ok(Baseline { fingerprints })
    }

    /// Whether the finding was known when the baseline was written.
    pub fn contains(&self, f: &Finding) -> bool {
        self.fingerprints.contains_key(&f.fingerprint)
    }

    /// Whether the baseline hides `f` when runs fail at `threshold`: a finding at or above it
    /// only with a written reason (the entry's or the baseline's `reason`).
    pub fn hides_at(&self, f: &Finding, threshold: Severity) -> bool {
        self.fingerprints
            .get(&f.fingerprint)
            .is_some_and(|r| f.diagnostic.severity < threshold || r.is_some())
    }

    /// The baseline file for `findings`.
    pub fn render(findings: &[Finding]) -> String {
        let list: Vec<serde_json::Value> = findings
            .iter()
            .map(|f| {
                serde_json::json!({
                    "fingerprint": f.fingerprint,
                    "code": f.diagnostic.code.as_str(),
                    "file": f.file,
                    "message": f.diagnostic.message,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "comment": "iamsim lint baseline: findings listed here are not reported (iamsim lint --baseline); those at or above --fail-on only when `reason` (here, or on the finding) says why",
            "reason": "",
            "version": 1,
            "findings": list,
        });
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_patterns() {
        assert!(path_match("legacy/**", "legacy/a/b.json"));
        assert!(path_match("**/*.json", "a/b/c.json"));
        assert!(path_match("policies/*.json", "policies/x.json"));
        assert!(!path_match("policies/*.json", "policies/sub/x.json"));
        assert!(path_match("x.json", "x.json"));
    }
}
