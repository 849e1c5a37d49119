//! Size limits per kind of file (files::FILE_LIMITS): a world file grows with the organization
//! it describes and is bounded by memory; a policy file is bounded by the largest policy AWS
//! has. Each refusal names the file and the limit, and nothing is evaluated.

use crate::support::{iamsim, stderr, stdout};
use std::path::PathBuf;

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("iamsim-limits-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("policies")).unwrap();
        Scratch(dir)
    }

    fn dir(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const WORLD: &str = r#"{"accounts": {"111122223333": {"users": {"alice": {"policies": ["policies/read.json"]}}, "buckets": {"b": {}}}}}"#;
const READ: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;

fn can_read(dir: &str) -> std::process::Output {
    iamsim(&[
        "can",
        "--world",
        dir,
        "arn:aws:iam::111122223333:user/alice",
        "s3:GetObject",
        "arn:aws:s3:::b/k",
    ])
}

/// A world file past the 64 MiB that used to bound every file (a million roles is 187 MB) is
/// read, and decides as the same world written small (rule 2.1: the identity policy allows it).
#[test]
fn a_world_file_larger_than_64_mib_loads() {
    let t = Scratch::new("large-world");
    let mut world = String::with_capacity(70 << 20);
    world.push_str(WORLD);
    // JSON whitespace after the document: 70 MiB, every byte read.
    world.extend(std::iter::repeat_n(' ', (70 << 20) - WORLD.len()));
    std::fs::write(t.0.join("world.json"), world).unwrap();
    std::fs::write(t.0.join("policies/read.json"), READ).unwrap();
    let out = can_read(t.dir());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("ALLOW"), "{}", stdout(&out));
    // lint reads it as a world file too, named and in a folder.
    let world = t.0.join("world.json");
    for target in [world.to_str().unwrap(), t.dir()] {
        let out = iamsim(&["lint", "--no-config", "--format", "json", target]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(out.status.code(), Some(0), "{v}");
        assert_eq!(v["files"], 2, "{v}");
    }
}

/// A world file over its limit (1 GiB) is refused from its size before a byte is read.
#[test]
fn a_world_file_over_its_limit_is_refused_naming_the_limit() {
    let t = Scratch::new("huge-world");
    // Sparse: no disk is used, and the reader refuses it from its metadata.
    let f = std::fs::File::create(t.0.join("world.json")).unwrap();
    f.set_len(iamsim_policy::files::LARGE_FILE_BYTES + 1)
        .unwrap();
    let out = can_read(t.dir());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("INPUT_TOO_LARGE"), "{err}");
    assert!(err.contains("world.json"), "{err}");
    assert!(
        err.contains("the limit of a world file is 1 GiB (1,073,741,824 bytes)"),
        "{err}"
    );
}

/// A policy file is bounded as AWS bounds policies (16 times the largest AWS managed policy
/// iamsim reads: 4 MiB); one over it is refused where world.json names it.
#[test]
fn a_policy_file_over_its_limit_is_refused_where_it_is_named() {
    let t = Scratch::new("huge-policy");
    std::fs::write(t.0.join("world.json"), WORLD).unwrap();
    let mut policy = String::from(READ);
    policy.extend(std::iter::repeat_n(' ', 5 << 20));
    std::fs::write(t.0.join("policies/read.json"), policy).unwrap();
    let out = can_read(t.dir());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("INPUT_TOO_LARGE"), "{err}");
    assert!(err.contains("policies/read.json"), "{err}");
    assert!(err.contains("the limit of a policy file is 4 MiB"), "{err}");
    // Reported at the reference in world.json.
    assert!(err.contains("world.json:1:"), "{err}");
    // The same document without the padding is read.
    std::fs::write(t.0.join("policies/read.json"), READ).unwrap();
    assert_eq!(can_read(t.dir()).status.code(), Some(0));
}

/// docs/world-format.md lists every kind of file with the limit the reader holds it to.
#[test]
fn the_documented_limits_are_the_readers() {
    let doc = std::fs::read_to_string(crate::support::root().join("docs/world-format.md")).unwrap();
    let section = doc
        .split("## Size limits")
        .nth(1)
        .expect("a size limits section");
    let rows: Vec<&str> = section
        .lines()
        .filter(|l| l.starts_with("| "))
        .skip(1)
        .collect();
    assert_eq!(
        rows.len(),
        iamsim_policy::files::FILE_LIMITS.len(),
        "{rows:?}"
    );
    for limit in iamsim_policy::files::FILE_LIMITS {
        let words = iamsim_policy::files::describe_limit(limit.max_bytes);
        assert!(
            rows.iter()
                .any(|r| r.starts_with(&format!("| {}", limit.what)) && r.contains(&words)),
            "docs/world-format.md has no row `{} | {words}`",
            limit.what
        );
    }
}

/// lint holds each file to the limit of its kind, as the loader does. A policy file over a policy
/// file's limit is INPUT_TOO_LARGE (exit 2) whether a world names it, the command line names it,
/// or a folder walk finds it; the file is sparse, so one far over every limit shows that its
/// size is refused from its metadata, with nothing allocated for it. JSON that is plainly no
/// policy (a large lock file) is still passed over in a folder.
#[test]
fn lint_holds_a_policy_file_to_a_policy_files_limit() {
    let t = Scratch::new("lint-policy");
    std::fs::write(t.0.join("world.json"), WORLD).unwrap();
    let policy = t.0.join("policies/read.json");
    let world = t.0.join("world.json");
    let huge = iamsim_policy::files::POLICY_FILE_BYTES + 1;
    for size in [huge, 1 << 40] {
        let f = std::fs::File::create(&policy).unwrap();
        f.set_len(size).unwrap();
        for target in [world.to_str().unwrap(), policy.to_str().unwrap(), t.dir()] {
            let out = iamsim(&["lint", "--no-config", "--format", "json", target]);
            assert_eq!(out.status.code(), Some(2), "{target}: {}", stdout(&out));
            let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
            let found = v["findings"].as_array().unwrap();
            assert!(
                found.iter().any(|f| f["code"] == "INPUT_TOO_LARGE"
                    && f["file"].as_str().unwrap().ends_with("policies/read.json")
                    && f["message"]
                        .as_str()
                        .unwrap()
                        .contains("the limit of a policy file is 4 MiB")),
                "{target} ({size} bytes): {v}"
            );
        }
    }
    // At the limit, the same policy is read (padded with whitespace to exactly 4 MiB).
    let mut text = String::from(READ);
    text.extend(std::iter::repeat_n(' ', huge as usize - 1 - READ.len()));
    std::fs::write(&policy, &text).unwrap();
    let out = iamsim(&["lint", "--no-config", world.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // A lock file over a policy file's limit, found in a folder, is no policy: passed over.
    std::fs::write(&policy, READ).unwrap();
    let mut lock = String::from(r#"{"name": "site", "lockfileVersion": 3, "packages": {"#);
    for i in 0..60_000 {
        lock.push_str(&format!(
            r#""node_modules/p{i}": {{"version": "1.0.{i}", "integrity": "sha512-{i:0>80}"}}, "#
        ));
    }
    lock.push_str(r#""": {}}}"#);
    assert!(lock.len() as u64 > huge);
    std::fs::write(t.0.join("package-lock.json"), &lock).unwrap();
    let out = iamsim(&["lint", "--no-config", "--format", "json", t.dir()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["files"], 2, "{v}");
    // Named, it is not passed over: a file the user names is a policy file.
    let lock_path = t.0.join("package-lock.json");
    let out = iamsim(&["lint", "--no-config", lock_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stdout(&out).contains("INPUT_TOO_LARGE"), "{}", stdout(&out));
}

/// lint names a refusal for size with its code, whatever reads the file: a Terraform file over
/// the limit of its kind (sparse, named and in a folder) and a folder past the entries a walk
/// looks at are INPUT_TOO_LARGE (they were reported as FILE_NOT_FOUND), and a Terraform file
/// that is not UTF-8 is INVALID_ENCODING.
#[test]
fn lint_names_what_is_too_large_with_its_code() {
    let t = Scratch::new("lint-codes");
    let tf = t.0.join("main.tf");
    std::fs::File::create(&tf)
        .unwrap()
        .set_len(iamsim_policy::files::FileKind::Iac.max_bytes() + 1)
        .unwrap();
    let code_of = |target: &str| {
        let out = iamsim(&["lint", "--no-config", "--format", "json", target]);
        assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let f = &v["findings"][0];
        (
            f["code"].as_str().unwrap().to_string(),
            f["message"].as_str().unwrap().to_string(),
        )
    };
    for target in [tf.to_str().unwrap(), t.dir()] {
        let (code, message) = code_of(target);
        assert_eq!(code, "INPUT_TOO_LARGE", "{target}: {message}");
        assert!(
            message.contains("the limit of a Terraform or CloudFormation file is 64 MiB"),
            "{message}"
        );
    }
    std::fs::write(&tf, b"resource \xff").unwrap();
    assert_eq!(code_of(tf.to_str().unwrap()).0, "INVALID_ENCODING");
    std::fs::remove_file(&tf).unwrap();
    let wide = t.0.join("wide");
    std::fs::create_dir(&wide).unwrap();
    for i in 0..200_001 {
        std::fs::File::create(wide.join(format!("f{i}"))).unwrap();
    }
    let (code, message) = code_of(wide.to_str().unwrap());
    assert_eq!(code, "INPUT_TOO_LARGE", "{message}");
    assert!(
        message.contains("more than 200000 files and folders"),
        "{message}"
    );
}
