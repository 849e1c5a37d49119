//! `iamsim lint` end to end: exit statuses, the four output formats (golden files), SARIF checked
//! against the SARIF 2.1.0 schema's structure, suppressions, baselines and hook-style use.

use crate::support::{golden, iamsim, iamsim_in, root, stderr, stdout};

use serde_json::Value;
use std::path::PathBuf;
use std::process::Output;

/// A fresh scratch folder under the target dir.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamsim-lint-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const PROFILE: &str = "fixtures/aws-cli-role-profile";

#[test]
fn lint_text_of_the_published_tutorial() {
    let o = iamsim(&["lint", "--no-config", PROFILE]);
    golden("lint-aws-cli-role-profile.txt", &stdout(&o));
    let text = stdout(&o);
    assert!(text.contains("warning[BUCKET_NAME_LOOKS_LIKE_ACCOUNT_ID]"));
    assert!(text.contains("role-in-accountb-s3.json:11:19"));
    // Security findings fail the run by default, as AWS's policy validators block on them.
    assert!(text.contains("security["), "{text}");
    assert_eq!(o.status.code(), Some(1), "{text}");
    let o = iamsim(&["lint", "--no-config", "--fail-on", "error", PROFILE]);
    assert_eq!(o.status.code(), Some(0));
    let o = iamsim(&["lint", "--no-config", "--fail-on", "warning", PROFILE]);
    assert_eq!(o.status.code(), Some(1));
}

/// What AWS's validators block fails the default run: a public bucket policy and `*` on `*`.
#[test]
fn lint_fails_by_default_on_what_aws_validators_block() {
    let dir = scratch("defaults");
    std::fs::write(
        dir.join("public.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("admin.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    )
    .unwrap();
    for f in ["public.json", "admin.json"] {
        let path = dir.join(f);
        let o = iamsim(&["lint", "--no-config", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{f}: {}", stdout(&o));
    }
    // The size quotas are one table: an identity policy over 6,144 characters is Access
    // Analyzer's warning for lint, and a world holding it as a customer policy does not load
    // (IAM refuses to store it).
    let resources: Vec<String> = (0..300)
        .map(|i| format!("\"arn:aws:s3:::amzn-s3-demo-bucket/team-{i:03}/*\""))
        .collect();
    std::fs::create_dir_all(dir.join("world/policies")).unwrap();
    std::fs::write(
        dir.join("world/policies/big.json"),
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":[{}]}}]}}"#,
            resources.join(",")
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("world/world.json"),
        r#"{"accounts":{"111111111111":{"users":{"alice":{"policies":["policies/big.json"]}}}}}"#,
    )
    .unwrap();
    let big = dir.join("world/policies/big.json");
    let o = iamsim(&["lint", "--no-config", big.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("warning[POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA]"));
    let world = dir.join("world");
    let o = iamsim(&[
        "can",
        "--world",
        world.to_str().unwrap(),
        "arn:aws:iam::111111111111:user/alice",
        "s3:GetObject",
        "arn:aws:s3:::amzn-s3-demo-bucket/team-001/x",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lint_json_has_the_contract_fields() {
    let o = iamsim(&["lint", "--no-config", "--format", "json", PROFILE]);
    assert_eq!(o.status.code(), Some(1));
    golden("lint-aws-cli-role-profile.json", &stdout(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["files"], 4);
    for f in v["findings"].as_array().unwrap() {
        for k in ["code", "severity", "message", "file", "line", "column"] {
            assert!(!f[k].is_null(), "{k} missing in {f}");
        }
        assert!(["error", "security", "warning", "suggestion"]
            .contains(&f["severity"].as_str().unwrap()));
    }
}

#[test]
fn lint_junit_lists_each_file() {
    let o = iamsim(&[
        "lint",
        "--no-config",
        "--format",
        "junit",
        "--fail-on",
        "warning",
        PROFILE,
    ]);
    assert_eq!(o.status.code(), Some(1));
    golden("lint-aws-cli-role-profile.junit.xml", &stdout(&o));
    let xml = stdout(&o);
    assert!(xml.starts_with("<?xml"));
    // Every finding at or above the threshold is a failing test case of its own; a file with
    // none is one passing test case.
    let json = iamsim(&["lint", "--no-config", "--format", "json", PROFILE]);
    let v: Value = serde_json::from_str(&stdout(&json)).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let failing = findings
        .iter()
        .filter(|f| f["severity"] != "suggestion")
        .count();
    let clean_files = 4 - findings
        .iter()
        .filter(|f| f["severity"] != "suggestion")
        .map(|f| f["file"].as_str().unwrap())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert_eq!(xml.matches("<failure ").count(), failing);
    assert_eq!(xml.matches("<testcase ").count(), failing + clean_files);
    assert!(xml.contains(&format!(
        "tests=\"{}\" failures=\"{failing}\"",
        failing + clean_files
    )));
}

#[test]
fn lint_exit_statuses() {
    // An error finding: 1.
    let o = iamsim(&[
        "lint",
        "--no-config",
        "fixtures/lint/INVALID_ACTION/bad.json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    // Clean: 0.
    let o = iamsim(&[
        "lint",
        "--no-config",
        "fixtures/lint/INVALID_ACTION/good.json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("1 file(s) checked: no findings"));
    // Missing and unparseable input: 2, with the file named.
    let o = iamsim(&["lint", "--no-config", "no/such/policy.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("no/such/policy.json"));
    let o = iamsim(&[
        "lint",
        "--no-config",
        "fixtures/bad-policies/trailing-comma.json",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stdout(&o).contains("JSON_SYNTAX_ERROR"));
}

#[test]
fn lint_many_files_in_one_run_and_skips_non_policies() {
    let dir = scratch("hook");
    std::fs::write(
        dir.join("package.json"),
        r#"{"name": "x", "version": "1.0.0"}"#,
    )
    .unwrap();
    let mut args: Vec<String> = vec![
        "lint".into(),
        "--no-config".into(),
        "--skip-non-policy".into(),
    ];
    args.push(dir.join("package.json").to_string_lossy().into_owned());
    for entry in std::fs::read_dir(root().join("fixtures/lint")).unwrap() {
        let p = entry.unwrap().path();
        if p.join("good.json").is_file() {
            args.push(p.join("good.json").to_string_lossy().into_owned());
        }
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = iamsim(&refs);
    // Trust-policy goods are detected as trust policies; everything is clean.
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("file(s) checked: no findings"),
        "{}",
        stdout(&o)
    );
}

/// A folder being adopted: `policies/` with a public bucket policy (`site.json`, statement
/// `PublicRead`) and a policy with a misspelt action (`app.json`).
fn adopted(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::copy(
        root().join("fixtures/lint/PUBLIC_ACCESS/bad.json"),
        dir.join("policies/site.json"),
    )
    .unwrap();
    std::fs::copy(
        root().join("fixtures/lint/INVALID_ACTION/bad.json"),
        dir.join("policies/app.json"),
    )
    .unwrap();
    dir
}

/// The codes of a JSON lint output's findings, in order.
fn finding_codes(o: &Output) -> Vec<String> {
    let v: Value = serde_json::from_str(&stdout(o)).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn lint_suppressions() {
    let dir = adopted("adopt-suppress");
    let codes = finding_codes;
    let o = iamsim_in(&dir, &["lint", "--format", "json", "policies"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(codes(&o), vec!["INVALID_ACTION", "PUBLIC_ACCESS"]);

    // Suppress PUBLIC_ACCESS for one statement Sid of one file.
    std::fs::write(
        dir.join(".iamsim-lint.json"),
        r#"{"suppress": [{"file": "policies/site.json", "sid": "PublicRead", "codes": ["PUBLIC_ACCESS"], "reason": "static website"}]}"#,
    )
    .unwrap();
    let o = iamsim_in(&dir, &["lint", "--format", "json", "policies"]);
    assert_eq!(codes(&o), vec!["INVALID_ACTION"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["suppressed"]["count"], 1);
    assert_eq!(v["suppressed"]["file"], ".iamsim-lint.json");
    // An error at or above --fail-on is suppressed only with a written reason.
    std::fs::write(
        dir.join(".iamsim-lint.json"),
        r#"{"suppress": [{"codes": ["INVALID_ACTION"], "reason": " "}]}"#,
    )
    .unwrap();
    let o = iamsim_in(&dir, &["lint", "policies"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("0 suppressed by `.iamsim-lint.json`"),
        "{}",
        stdout(&o)
    );
    let o = iamsim_in(&dir, &["lint", "--fail-on", "security", "policies"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    std::fs::write(
        dir.join(".iamsim-lint.json"),
        r#"{"suppress": [{"codes": ["INVALID_ACTION"], "reason": "generated by a tool we do not own"}]}"#,
    )
    .unwrap();
    let o = iamsim_in(&dir, &["lint", "--format", "json", "policies"]);
    assert_eq!(codes(&o), vec!["PUBLIC_ACCESS"]);
    // A wrong Sid suppresses nothing; an unknown code is a config error.
    std::fs::write(
        dir.join(".iamsim-lint.json"),
        r#"{"suppress": [{"sid": "Other", "codes": ["PUBLIC_ACCESS"]}]}"#,
    )
    .unwrap();
    let o = iamsim_in(&dir, &["lint", "--format", "json", "policies"]);
    assert_eq!(codes(&o).len(), 2);
    std::fs::write(
        dir.join(".iamsim-lint.json"),
        r#"{"suppress": [{"codes": ["NO_SUCH_CODE"]}]}"#,
    )
    .unwrap();
    let o = iamsim_in(&dir, &["lint", "policies"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn lint_baselines() {
    let dir = adopted("adopt-baseline");
    // Baseline: written once, then only new findings count.
    let o = iamsim_in(
        &dir,
        &["lint", "--write-baseline", "baseline.json", "policies"],
    );
    assert_eq!(o.status.code(), Some(0));
    // A finding at or above --fail-on (by default errors and security findings) stays until the
    // baseline says why it may; below the threshold, the baseline hides it without a reason.
    let o = iamsim_in(&dir, &["lint", "--baseline", "baseline.json", "policies"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("without a `reason`"), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("0 in the baseline `baseline.json`"),
        "{}",
        stdout(&o)
    );
    let o = iamsim_in(
        &dir,
        &[
            "lint",
            "--fail-on",
            "error",
            "--baseline",
            "baseline.json",
            "policies",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("1 in the baseline `baseline.json`"),
        "{}",
        stdout(&o)
    );
    let written = std::fs::read_to_string(dir.join("baseline.json")).unwrap();
    std::fs::write(
        dir.join("baseline.json"),
        written.replace(
            "\"reason\": \"\"",
            "\"reason\": \"adopted as is; fixes tracked in SEC-12\"",
        ),
    )
    .unwrap();
    let o = iamsim_in(&dir, &["lint", "--baseline", "baseline.json", "policies"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("2 in the baseline"), "{}", stdout(&o));
    // Moving a finding to another line keeps it baselined; a new one is reported.
    let app = std::fs::read_to_string(dir.join("policies/app.json")).unwrap();
    let moved = app
        .replacen("{\n", "{\n\n\n", 1)
        .replace("\"s3:GetObjects\"", "\"s3:GetObjects\", \"s3:PutObjekt\"");
    std::fs::write(dir.join("policies/app.json"), moved).unwrap();
    let o = iamsim_in(
        &dir,
        &[
            "lint",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            "policies",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let msgs: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0].contains("s3:PutObjekt"));
}

// ---- SARIF --------------------------------------------------------------------------------------

/// The properties the SARIF 2.1.0 schema allows on each object iamsim writes
/// (`additionalProperties: false` in the schema), and the ones it requires.
const SARIF_OBJECTS: &[(&str, &[&str], &[&str])] = &[
    (
        "sarifLog",
        &[
            "$schema",
            "version",
            "runs",
            "inlineExternalProperties",
            "properties",
        ],
        &["version", "runs"],
    ),
    (
        "run",
        &[
            "tool",
            "invocations",
            "conversion",
            "language",
            "versionControlProvenance",
            "originalUriBaseIds",
            "artifacts",
            "logicalLocations",
            "graphs",
            "results",
            "automationDetails",
            "runAggregates",
            "baselineGuid",
            "redactionTokens",
            "defaultEncoding",
            "defaultSourceLanguage",
            "newlineSequences",
            "columnKind",
            "externalPropertyFileReferences",
            "threadFlowLocations",
            "taxonomies",
            "addresses",
            "translations",
            "policies",
            "webRequests",
            "webResponses",
            "specialLocations",
            "properties",
        ],
        &["tool"],
    ),
    ("tool", &["driver", "extensions", "properties"], &["driver"]),
    (
        "toolComponent",
        &[
            "guid",
            "name",
            "organization",
            "product",
            "productSuite",
            "shortDescription",
            "fullDescription",
            "fullName",
            "version",
            "semanticVersion",
            "dottedQuadFileVersion",
            "releaseDateUtc",
            "downloadUri",
            "informationUri",
            "globalMessageStrings",
            "notifications",
            "rules",
            "taxa",
            "locations",
            "language",
            "contents",
            "isComprehensive",
            "localizedDataSemanticVersion",
            "minimumRequiredLocalizedDataSemanticVersion",
            "associatedComponent",
            "translationMetadata",
            "supportedTaxonomies",
            "properties",
        ],
        &["name"],
    ),
    (
        "reportingDescriptor",
        &[
            "id",
            "deprecatedIds",
            "guid",
            "deprecatedGuids",
            "name",
            "deprecatedNames",
            "shortDescription",
            "fullDescription",
            "messageStrings",
            "defaultConfiguration",
            "helpUri",
            "help",
            "relationships",
            "properties",
        ],
        &["id"],
    ),
    (
        "reportingConfiguration",
        &["enabled", "level", "rank", "parameters", "properties"],
        &[],
    ),
    (
        "multiformatMessageString",
        &["text", "markdown", "properties"],
        &["text"],
    ),
    (
        "result",
        &[
            "ruleId",
            "ruleIndex",
            "rule",
            "kind",
            "level",
            "message",
            "analysisTarget",
            "locations",
            "guid",
            "correlationGuid",
            "occurrenceCount",
            "partialFingerprints",
            "fingerprints",
            "stacks",
            "codeFlows",
            "graphs",
            "graphTraversals",
            "relatedLocations",
            "suppressions",
            "baselineState",
            "rank",
            "attachments",
            "hostedViewerUri",
            "workItemUris",
            "provenance",
            "fixes",
            "taxa",
            "webRequest",
            "webResponse",
            "properties",
        ],
        &["message"],
    ),
    (
        "message",
        &["text", "markdown", "id", "arguments", "properties"],
        &[],
    ),
    (
        "location",
        &[
            "id",
            "physicalLocation",
            "logicalLocations",
            "message",
            "annotations",
            "relationships",
            "properties",
        ],
        &[],
    ),
    (
        "physicalLocation",
        &[
            "address",
            "artifactLocation",
            "region",
            "contextRegion",
            "properties",
        ],
        &[],
    ),
    (
        "artifactLocation",
        &["uri", "uriBaseId", "index", "description", "properties"],
        &[],
    ),
    (
        "region",
        &[
            "startLine",
            "startColumn",
            "endLine",
            "endColumn",
            "charOffset",
            "charLength",
            "byteOffset",
            "byteLength",
            "snippet",
            "message",
            "sourceLanguage",
            "properties",
        ],
        &[],
    ),
];

fn check_object(kind: &str, v: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(obj) = v.as_object() else {
        errors.push(format!("{path}: {kind} must be an object"));
        return;
    };
    let (_, allowed, required) = SARIF_OBJECTS.iter().find(|(k, _, _)| *k == kind).unwrap();
    for key in obj.keys() {
        if !allowed.contains(&key.as_str()) {
            errors.push(format!("{path}: {kind} has no property `{key}`"));
        }
    }
    for key in *required {
        if !obj.contains_key(*key) {
            errors.push(format!("{path}: {kind} requires `{key}`"));
        }
    }
    if let Some(p) = obj.get("properties") {
        if !p.is_object() {
            errors.push(format!("{path}.properties must be an object"));
        }
    }
}

fn positive(v: &Value, path: &str, errors: &mut Vec<String>) -> i64 {
    match v.as_i64() {
        Some(n) if n >= 1 => n,
        _ => {
            errors.push(format!("{path} must be an integer >= 1, is {v}"));
            1
        }
    }
}

/// The SARIF 2.1.0 schema's constraints on what iamsim writes, plus what GitHub code scanning
/// requires on top (rule ids, result locations, `security-severity` as a number 0–10).
fn validate_sarif(doc: &Value) -> Vec<String> {
    let mut e = Vec::new();
    check_object("sarifLog", doc, "$", &mut e);
    if doc["version"] != "2.1.0" {
        e.push("$.version must be \"2.1.0\"".into());
    }
    let Some(runs) = doc["runs"].as_array() else {
        e.push("$.runs must be an array".into());
        return e;
    };
    for (ri, run) in runs.iter().enumerate() {
        let rp = format!("$.runs[{ri}]");
        check_object("run", run, &rp, &mut e);
        if let Some(ck) = run.get("columnKind") {
            if !["utf16CodeUnits", "unicodeCodePoints"].contains(&ck.as_str().unwrap_or("")) {
                e.push(format!("{rp}.columnKind is not an allowed value"));
            }
        }
        check_object("tool", &run["tool"], &format!("{rp}.tool"), &mut e);
        let driver = &run["tool"]["driver"];
        check_object(
            "toolComponent",
            driver,
            &format!("{rp}.tool.driver"),
            &mut e,
        );
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        let mut ids = std::collections::HashSet::new();
        for (i, rule) in rules.iter().enumerate() {
            validate_sarif_rule(rule, i, &rp, &mut ids, &mut e);
        }
        let results = run["results"].as_array().cloned().unwrap_or_default();
        for (i, r) in results.iter().enumerate() {
            validate_sarif_result(r, i, &rp, &rules, &mut e);
        }
    }
    e
}

/// One rule of a SARIF run's driver: a unique id, descriptions, a level and GitHub's
/// `security-severity`.
fn validate_sarif_rule(
    rule: &Value,
    i: usize,
    rp: &str,
    ids: &mut std::collections::HashSet<String>,
    e: &mut Vec<String>,
) {
    let p = format!("{rp}.tool.driver.rules[{i}]");
    check_object("reportingDescriptor", rule, &p, e);
    let id = rule["id"].as_str().unwrap_or("");
    if id.is_empty() || !ids.insert(id.to_string()) {
        e.push(format!("{p}.id must be a unique non-empty string"));
    }
    for m in ["shortDescription", "fullDescription", "help"] {
        if let Some(v) = rule.get(m) {
            check_object("multiformatMessageString", v, &format!("{p}.{m}"), e);
            if !v["text"].is_string() {
                e.push(format!("{p}.{m}.text must be a string"));
            }
        }
    }
    if let Some(dc) = rule.get("defaultConfiguration") {
        check_object(
            "reportingConfiguration",
            dc,
            &format!("{p}.defaultConfiguration"),
            e,
        );
        if !["none", "note", "warning", "error"].contains(&dc["level"].as_str().unwrap_or("")) {
            e.push(format!(
                "{p}.defaultConfiguration.level is not a SARIF level"
            ));
        }
    }
    match rule["properties"]["security-severity"]
        .as_str()
        .map(str::parse::<f64>)
    {
        Some(Ok(s)) if (0.0..=10.0).contains(&s) => {}
        _ => e.push(format!(
            "{p}: GitHub needs properties.security-severity as \"0.0\"-\"10.0\""
        )),
    }
}

/// One result of a SARIF run: message, level, a rule index that points at its rule id,
/// fingerprints and at least one location.
fn validate_sarif_result(r: &Value, i: usize, rp: &str, rules: &[Value], e: &mut Vec<String>) {
    let p = format!("{rp}.results[{i}]");
    check_object("result", r, &p, e);
    check_object("message", &r["message"], &format!("{p}.message"), e);
    if !r["message"]["text"].is_string() {
        e.push(format!("{p}.message.text must be a string"));
    }
    if !["none", "note", "warning", "error"].contains(&r["level"].as_str().unwrap_or("")) {
        e.push(format!("{p}.level is not a SARIF level"));
    }
    let id = r["ruleId"].as_str().unwrap_or("");
    match r["ruleIndex"].as_i64() {
        Some(ix) if ix >= 0 && (ix as usize) < rules.len() => {
            if rules[ix as usize]["id"] != id {
                e.push(format!(
                    "{p}: ruleIndex points at another rule than ruleId `{id}`"
                ));
            }
        }
        _ => e.push(format!("{p}.ruleIndex out of range")),
    }
    match r["partialFingerprints"].as_object() {
        Some(fp) if !fp.is_empty() && fp.values().all(Value::is_string) => {}
        _ => e.push(format!("{p}.partialFingerprints must map names to strings")),
    }
    let locs = r["locations"].as_array().cloned().unwrap_or_default();
    if locs.is_empty() {
        e.push(format!("{p}: GitHub needs at least one location"));
    }
    for (li, loc) in locs.iter().enumerate() {
        validate_sarif_location(loc, li, &p, e);
    }
}

/// One location of a SARIF result: a physical location with a URI and a region whose lines
/// and columns are positive.
fn validate_sarif_location(loc: &Value, li: usize, p: &str, e: &mut Vec<String>) {
    let lp = format!("{p}.locations[{li}]");
    check_object("location", loc, &lp, e);
    let phys = &loc["physicalLocation"];
    check_object(
        "physicalLocation",
        phys,
        &format!("{lp}.physicalLocation"),
        e,
    );
    let art = &phys["artifactLocation"];
    check_object(
        "artifactLocation",
        art,
        &format!("{lp}.physicalLocation.artifactLocation"),
        e,
    );
    let uri = art["uri"].as_str().unwrap_or("");
    if uri.is_empty() || uri.contains(' ') || uri.contains('\\') {
        e.push(format!("{lp}: uri `{uri}` is not a URI reference"));
    }
    let reg = &phys["region"];
    check_object("region", reg, &format!("{lp}.physicalLocation.region"), e);
    let sl = positive(&reg["startLine"], &format!("{lp}.region.startLine"), e);
    positive(&reg["startColumn"], &format!("{lp}.region.startColumn"), e);
    if let Some(el) = reg.get("endLine") {
        if positive(el, &format!("{lp}.region.endLine"), e) < sl {
            e.push(format!("{lp}.region.endLine is before startLine"));
        }
    }
    if let Some(ec) = reg.get("endColumn") {
        positive(ec, &format!("{lp}.region.endColumn"), e);
    }
}

#[test]
fn lint_sarif_is_valid_sarif_2_1_0() {
    let o = iamsim(&["lint", "--no-config", "--format", "sarif", PROFILE]);
    assert_eq!(o.status.code(), Some(1));
    golden("lint-aws-cli-role-profile.sarif", &stdout(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(validate_sarif(&doc), Vec::<String>::new());
    // Every lint fixture at once: many rules, every severity, unreadable files too.
    let o = iamsim(&[
        "lint",
        "--no-config",
        "--format",
        "sarif",
        "fixtures/lint",
        "fixtures/bad-policies",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(validate_sarif(&doc), Vec::<String>::new());
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() > 40, "{}", results.len());
    // Every rule links to its explanation (Access Analyzer's entry for its codes), and every
    // location is relative to the folder the run was made in.
    for rule in doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
    {
        let uri = rule["helpUri"].as_str().unwrap();
        assert!(uri.starts_with("https://docs.aws.amazon.com/"), "{uri}");
        if rule["id"] == "PASS_ROLE_WITH_STAR_IN_RESOURCE" {
            assert!(uri.ends_with("#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource"), "{uri}");
        }
    }
    // A path given absolute is written relative too.
    let abs = root().join("fixtures/lint/PUBLIC_ACCESS/bad.json");
    let o = iamsim(&[
        "lint",
        "--no-config",
        "--format",
        "sarif",
        abs.to_str().unwrap(),
    ]);
    let one: Value = serde_json::from_str(&stdout(&o)).unwrap();
    for doc in [&doc, &one] {
        for r in doc["runs"][0]["results"].as_array().unwrap() {
            let art = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            let uri = art["uri"].as_str().unwrap();
            assert!(!uri.starts_with('/') && !uri.contains(':'), "{uri}");
            assert_eq!(art["uriBaseId"], "%SRCROOT%");
        }
    }
    assert_eq!(
        one["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/lint/PUBLIC_ACCESS/bad.json"
    );
    // The validator itself rejects what the schema rejects.
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    broken["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    broken["runs"][0]["tool"]["driver"]["bogus"] = Value::from(1);
    assert_eq!(
        validate_sarif(&broken).len(),
        3,
        "{:?}",
        validate_sarif(&broken)
    );
}

// ---- iamsim check ----------------------------------------------------------------------------

#[test]
fn check_no_new_access_on_the_fixture_pairs() {
    let o = iamsim(&[
        "check",
        "no-new-access",
        "fixtures/check/new-access/old.json",
        "fixtures/check/new-access/new.json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    golden("check-no-new-access.txt", &stdout(&o));
    let o = iamsim(&[
        "check",
        "no-new-access",
        "fixtures/check/reordered/old.json",
        "fixtures/check/reordered/new.json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        stdout(&o),
        "PASS no-new-access: 1 policy checked, 0 failed\n"
    );
    let o = iamsim(&[
        "check",
        "no-new-access",
        "--format",
        "json",
        "fixtures/check/new-access/old.json",
        "fixtures/check/new-access/new.json",
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["result"], "fail");
    assert_eq!(v["findings"][0]["action"], "s3:PutObject");
    assert_eq!(v["findings"][0]["proven"], true);
}

#[test]
fn check_public_access_and_access_not_granted() {
    let o = iamsim(&[
        "check",
        "no-public-access",
        "fixtures/worked-examples/w18a-public-read-bpa-off",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    golden("check-no-public-access.txt", &stdout(&o));
    let o = iamsim(&[
        "check",
        "no-public-access",
        "fixtures/lint/PUBLIC_ACCESS/good.json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = iamsim(&[
        "check",
        "access-not-granted",
        "--action",
        "s3:PutObject",
        "fixtures/aws-cli-role-profile",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("role-in-accountb-s3.json"),
        "{}",
        stdout(&o)
    );
    let o = iamsim(&[
        "check",
        "access-not-granted",
        "--action",
        "iam:CreateUser",
        "fixtures/aws-cli-role-profile",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = iamsim(&["check", "no-public-access", "no/such/file.json"]);
    assert_eq!(o.status.code(), Some(2));
}

/// `check` walks a folder as `lint` does (hostile-input issue, item 2): every policy below it is
/// examined, a world with its own types, a non-policy JSON file is skipped, and a symlink out of
/// the tree is refused, not read.
#[test]
fn check_walks_folders_as_lint_does() {
    let dir = scratch("check-walk");
    std::fs::create_dir_all(dir.join("buckets/deep")).unwrap();
    std::fs::copy(
        root().join("fixtures/lint/PUBLIC_ACCESS/good.json"),
        dir.join("buckets/private.json"),
    )
    .unwrap();
    std::fs::write(
        dir.join("package.json"),
        r#"{"name": "site", "version": "1.0.0"}"#,
    )
    .unwrap();
    let dir_s = dir.to_str().unwrap();
    let o = iamsim(&["check", "no-public-access", dir_s]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // A public bucket policy two folders down is found.
    std::fs::copy(
        root().join("fixtures/lint/PUBLIC_ACCESS/bad.json"),
        dir.join("buckets/deep/site.json"),
    )
    .unwrap();
    let o = iamsim(&["check", "no-public-access", dir_s]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("site.json"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("package.json"), "{}", stdout(&o));
    // A symlink leading out of the tree is bad input and its target is never printed.
    let outside = scratch("check-walk-outside");
    std::fs::write(outside.join("secret.json"), r#"{"token": "SECRET-7f3a"}"#).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.json"), dir.join("leak.json")).unwrap();
    let o = iamsim(&["check", "no-public-access", dir_s]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(!stdout(&o).contains("SECRET") && !stderr(&o).contains("SECRET"));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&outside);
}
