//! `iamsim import` refusals as typed diagnostics: each import code produced by a real export
//! (the fixture's AWS CLI output, changed where the case needs), printed
//! `file[:line:column]: error[CODE]: message`, exit 2, and nothing written.

use crate::support::{iamsim, root, stderr};
use std::path::{Path, PathBuf};

/// A fresh scratch folder for one case.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "iamsim-import-errors-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An export of one account (222222222222) whose authorization details are `details`.
fn export_with(dir: &Path, account: &str, details: &str) -> PathBuf {
    let from = dir.join("export");
    let acc = from.join("accounts").join(account);
    std::fs::create_dir_all(&acc).unwrap();
    std::fs::write(acc.join("authorization-details.json"), details).unwrap();
    from
}

/// The fixture's `get-account-authorization-details` output for account 222222222222.
fn real_details() -> serde_json::Value {
    let text = std::fs::read_to_string(
        root().join("fixtures/export/aws/accounts/222222222222/authorization-details.json"),
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// An export of account 222222222222 whose authorization details are `details`, imported:
/// refused with `code` at that file. Returns stderr.
fn details_refused(name: &str, details: &str, code: &str) -> String {
    let dir = scratch(name);
    let from = export_with(&dir, "222222222222", details);
    let file = from.join("accounts/222222222222/authorization-details.json");
    let err = refused(
        &from,
        &dir.join("world"),
        &[],
        &file.display().to_string(),
        code,
    );
    assert!(!dir.join("world").exists());
    err
}

/// Runs `iamsim import --from FROM --out OUT [extra]`, expects exit 2 and a first line
/// `PREFIX: error[CODE]: ...`; returns stderr.
fn refused(from: &Path, out: &Path, extra: &[&str], prefix: &str, code: &str) -> String {
    let paths = [from.to_str().unwrap(), out.to_str().unwrap()];
    let o = iamsim(&[&["import", "--from", paths[0], "--out", paths[1]], extra].concat());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let first = err.lines().next().unwrap_or("");
    assert_eq!(
        first.split(": error[").next(),
        Some(prefix),
        "expected `{prefix}: error[{code}]`: {err}"
    );
    assert!(
        first.contains(&format!(": error[{code}]: ")),
        "expected {code}: {err}"
    );
    err
}

#[test]
fn a_file_that_is_not_json_is_refused_at_its_line_and_column() {
    let dir = scratch("syntax");
    // The fixture's output cut after its third line: `get-account-authorization-details`
    // interrupted mid-write.
    let text = std::fs::read_to_string(
        root().join("fixtures/export/aws/accounts/222222222222/authorization-details.json"),
    )
    .unwrap();
    let cut: String = text.lines().take(3).collect::<Vec<_>>().join("\n") + "\n  ]]\n";
    let from = export_with(&dir, "222222222222", &cut);
    let file = from.join("accounts/222222222222/authorization-details.json");
    let err = refused(
        &from,
        &dir.join("world"),
        &[],
        &format!("{}:4:3", file.display()),
        "JSON_SYNTAX_ERROR",
    );
    assert!(err.contains("not JSON"), "{err}");
    assert!(!dir.join("world").exists());
}

#[test]
fn output_of_another_command_is_unrecognized() {
    // `aws iam list-users` output where the authorization details belong.
    let list_users = r#"{"Users": [{"Path": "/", "UserName": "carol", "UserId": "AIDAEXAMPLECAROL00001", "Arn": "arn:aws:iam::222222222222:user/carol", "CreateDate": "2024-03-01T10:00:00+00:00"}]}"#;
    let err = details_refused("unrecognized", list_users, "IMPORT_UNRECOGNIZED");
    assert!(err.contains("get-account-authorization-details"), "{err}");

    // A user entry without its `UserName`.
    let mut details = real_details();
    details["UserDetailList"][0]
        .as_object_mut()
        .unwrap()
        .remove("UserName");
    let err = details_refused(
        "unrecognized-field",
        &details.to_string(),
        "IMPORT_UNRECOGNIZED",
    );
    assert!(err.contains("`UserName`"), "{err}");
}

#[test]
fn a_folder_without_infrastructure_as_code_is_unrecognized() {
    let dir = scratch("no-iac");
    std::fs::write(dir.join("notes.txt"), "not Terraform\n").unwrap();
    refused(
        &dir,
        &dir.join("world"),
        &["--account", "222222222222"],
        &dir.display().to_string(),
        "IMPORT_UNRECOGNIZED",
    );
}

#[test]
fn ids_not_of_aws_shape_are_refused() {
    // An account folder that is not 12 digits.
    let dir = scratch("invalid-account");
    let from = export_with(&dir, "2222", &real_details().to_string());
    refused(
        &from,
        &dir.join("world"),
        &[],
        &from.join("accounts/2222").display().to_string(),
        "IMPORT_INVALID_ID",
    );

    // An organization root id that would name a file outside the export's folders.
    let dir = scratch("invalid-root");
    let from = export_with(&dir, "222222222222", &real_details().to_string());
    let org = from.join("organizations");
    std::fs::create_dir_all(&org).unwrap();
    std::fs::copy(
        root().join("fixtures/export/aws/organizations/describe-organization.json"),
        org.join("describe-organization.json"),
    )
    .unwrap();
    let roots = r#"{"Roots": [{"Id": "r-../../accounts", "Arn": "arn:aws:organizations::999999999999:root/o-a1b2c3d4e5/r-ex12", "Name": "Root", "PolicyTypes": []}]}"#;
    std::fs::write(org.join("list-roots.json"), roots).unwrap();
    let err = refused(
        &from,
        &dir.join("world"),
        &[],
        &org.join("list-roots.json").display().to_string(),
        "IMPORT_INVALID_ID",
    );
    assert!(err.contains("root id"), "{err}");
}

#[test]
fn one_page_of_several_is_incomplete() {
    // What `--max-items 1` prints: the first page, `IsTruncated` and the `NextToken`.
    let mut details = real_details();
    details["IsTruncated"] = serde_json::Value::Bool(true);
    details["NextToken"] = "eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==".into();
    let err = details_refused("truncated", &details.to_string(), "IMPORT_INCOMPLETE");
    assert!(err.contains("IsTruncated"), "{err}");

    // No account folder at all.
    let dir = scratch("no-accounts");
    let from = dir.join("export");
    std::fs::create_dir_all(from.join("accounts")).unwrap();
    refused(
        &from,
        &dir.join("world"),
        &[],
        &from.join("accounts").display().to_string(),
        "IMPORT_INCOMPLETE",
    );
}

#[test]
fn an_output_folder_that_is_not_new_or_not_a_world_is_refused() {
    let dir = scratch("output");
    let from = root().join("fixtures/export/aws");
    let out = dir.join("notes");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "mine\n").unwrap();
    let err = refused(
        &from,
        &out,
        &[],
        &out.display().to_string(),
        "IMPORT_OUTPUT_REFUSED",
    );
    assert!(err.contains("not empty"), "{err}");
    let err = refused(
        &from,
        &out,
        &["--force"],
        &out.display().to_string(),
        "IMPORT_OUTPUT_REFUSED",
    );
    assert!(err.contains("no world.json"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "mine\n"
    );
}

#[test]
fn an_output_folder_that_cannot_be_made_is_an_io_failure() {
    let dir = scratch("io");
    let from = root().join("fixtures/export/aws");
    // `--out` below a regular file: no folder can be made there.
    std::fs::write(dir.join("file"), "").unwrap();
    let out = dir.join("file/world");
    refused(
        &from,
        &out,
        &[],
        &out.display().to_string(),
        "IMPORT_IO_FAILED",
    );
}
