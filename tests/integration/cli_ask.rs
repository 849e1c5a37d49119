//! `iamsim can` in the user's own words: AWS CLI commands with their profiles (the first
//! cross-account tutorial's exact command), `--principal`, and console switch-role links.

use crate::support::{golden, iamsim, root, stderr, stdout};

use std::path::PathBuf;
use std::process::Output;

const WORLD: &str = "fixtures/aws-cli-role-profile";
const CORRECTED: &str = "fixtures/aws-cli-role-profile-corrected";
const USER_A: &str = "arn:aws:iam::111111111111:user/accounta-user";
const ROLE_B: &str = "arn:aws:iam::222222222222:role/role-in-accountb";
const OBJECT: &str = "arn:aws:s3:::cross-account-bucket/test.txt";

/// `iamsim can --world W --aws-config W/aws-config [extra] -- aws ARGS`.
fn aws(world: &str, extra: &[&str], command: &str) -> Output {
    let config = format!("{world}/aws-config");
    let mut args = vec!["can", "--world", world, "--aws-config", &config];
    args.extend_from_slice(extra);
    args.push("--");
    args.extend(command.split(' '));
    iamsim(&args)
}

const TUTORIAL: &str = "aws s3 cp test.txt s3://cross-account-bucket --profile roleb";

#[test]
fn the_tutorial_command_is_denied_with_its_explanation() {
    let o = aws(WORLD, &[], TUTORIAL);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("does not match `arn:aws:s3:::cross-account-bucket/test.txt`"));
    golden("can-aws-cli-tutorial-denied.txt", &out);
}

#[test]
fn the_tutorial_command_is_allowed_in_the_corrected_world() {
    let o = aws(CORRECTED, &[], TUTORIAL);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    golden("can-aws-cli-tutorial-allowed.txt", &stdout(&o));
}

#[test]
fn the_tutorial_command_as_json() {
    let o = aws(WORLD, &["--format", "json"], TUTORIAL);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["decision"], "implicit-deny");
    assert_eq!(v["profile"], "roleb");
    assert_eq!(v["principal"], USER_A);
    assert_eq!(v["via"][0], ROLE_B);
    let r = &v["requests"][0];
    assert_eq!(r["action"], "s3:PutObject");
    assert_eq!(r["resource"], OBJECT);
    assert_eq!(r["path"][0]["decision"], "allow");
    assert_eq!(r["path"][1]["decision"], "implicit-deny");
}

#[test]
fn every_request_of_a_command_must_be_allowed() {
    // --acl adds s3:PutObjectAcl (9.15): two requests, each explained.
    let o = aws(
        CORRECTED,
        &[],
        "aws s3 cp test.txt s3://cross-account-bucket/ --acl bucket-owner-full-control --profile roleb --region eu-west-1 --output json",
    );
    let out = stdout(&o);
    assert!(out.contains("the command makes 2 request(s)"), "{out}");
    assert!(out.contains("== request 2 of 2"), "{out}");
    assert!(out.contains("s3:PutObjectAcl"), "{out}");
    assert!(out.contains("9.15"), "{out}");
    // accounta's own keys may not list every bucket: ListAllMyBuckets is denied.
    let o = aws(WORLD, &[], "aws s3 ls --profile accounta");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("s3:ListAllMyBuckets *"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn principal_without_a_profile_asks_as_that_principal() {
    let o = iamsim(&[
        "can",
        "--world",
        WORLD,
        "--principal",
        USER_A,
        "--",
        "aws",
        "sts",
        "assume-role",
        "--role-arn",
        ROLE_B,
        "--role-session-name",
        "me",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains(&format!("as {USER_A} (given with --principal)")));
    let o = iamsim(&[
        "can",
        "--world",
        WORLD,
        "--principal",
        USER_A,
        "--",
        "aws",
        "sts",
        "get-caller-identity",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn switch_role_links() {
    let url = "https://signin.aws.amazon.com/switchrole?roleName=role-in-accountb&account=account-b&displayName=B";
    let o = iamsim(&[
        "can",
        "--world",
        WORLD,
        "--principal",
        USER_A,
        "--switch-role-url",
        url,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with(&format!(
            "switch-role link: assumes {ROLE_B} (display name `B`)"
        )),
        "{out}"
    );
    assert!(out.contains("sts:AssumeRole"), "{out}");
    for (world, code) in [(WORLD, 1), (CORRECTED, 0)] {
        let o = iamsim(&[
            "can",
            "--world",
            world,
            "--principal",
            USER_A,
            "--switch-role-url",
            url,
            "s3:PutObject",
            OBJECT,
        ]);
        assert_eq!(o.status.code(), Some(code), "{world}: {}", stdout(&o));
        // The console names the session after the user.
        assert!(stdout(&o).contains("assumed-role/role-in-accountb/accounta-user"));
    }
}

#[test]
fn an_unknown_command_says_how_to_ask_instead() {
    let o = aws(
        WORLD,
        &[],
        "aws lambda publish-layer-version --layer-name l --profile roleb",
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("error[UNKNOWN_COMMAND]"), "{err}");
    assert!(
        err.contains(&format!(
            "iamsim can --world {WORLD} --via {ROLE_B} {USER_A} ACTION RESOURCE"
        )),
        "{err}"
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn profile_errors_exit_2_with_their_place() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-ask");
    std::fs::create_dir_all(&dir).unwrap();
    let cycle = dir.join("config-cycle");
    std::fs::write(
        &cycle,
        "[profile a]\nrole_arn = arn:aws:iam::222222222222:role/role-in-accountb\nsource_profile = b\n\n[profile b]\nrole_arn = arn:aws:iam::222222222222:role/role-in-accountb\nsource_profile = a\n",
    )
    .unwrap();
    let bad = dir.join("config-bad");
    std::fs::write(&bad, b"[profile a]\nregion = caf\xe9\nnot a setting\n").unwrap();
    let empty_credentials = dir.join("credentials-empty");
    std::fs::write(&empty_credentials, "").unwrap();
    let run = |config: &PathBuf, command: &str| {
        let config = config.to_str().unwrap();
        let creds = empty_credentials.to_str().unwrap();
        let mut args = vec![
            "can",
            "--world",
            WORLD,
            "--aws-config",
            config,
            "--aws-credentials",
            creds,
            "--",
        ];
        args.extend(command.split(' '));
        iamsim(&args)
    };
    let o = run(&cycle, "aws s3 ls --profile a");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("config-cycle:7:1: error[PROFILE_CYCLE]"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("`a` -> `b` -> `a`"), "{}", stderr(&o));
    let o = run(&cycle, "aws s3 ls --profile nobody");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error[PROFILE_NOT_FOUND]: there is no profile `nobody`"));
    assert!(
        stderr(&o).contains("the profiles are: a, b"),
        "{}",
        stderr(&o)
    );
    let o = run(&bad, "aws s3 ls --profile a");
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("config-bad:2:1: error[AWS_CONFIG_ENCODING]"),
        "{err}"
    );
    assert!(
        err.contains("config-bad:3:1: error[AWS_CONFIG_SYNTAX]"),
        "{err}"
    );
    // accounta's keys are in the credentials file the test left empty.
    let o = run(
        &root().join(WORLD).join("aws-config"),
        "aws s3 ls --profile roleb",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error[NO_PRINCIPAL]"), "{}", stderr(&o));
    // No files and no principal.
    let o = iamsim(&[
        "can",
        "--world",
        WORLD,
        "--",
        "aws",
        "s3",
        "ls",
        "--profile",
        "roleb",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--aws-config"), "{}", stderr(&o));
    let o = iamsim(&[
        "can",
        "--world",
        WORLD,
        "--principal",
        USER_A,
        "--switch-role-url",
        "https://signin.aws.amazon.com/switchrole?roleName=r&account=no-such-alias",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("account-b (222222222222)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn access_keys_in_world_json_are_checked() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-ask-keys");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("world.json"),
        r#"{"accounts": {"111111111111": {"users": {
            "a": {"access_keys": ["AKIAEXAMPLEDUPLICATE"]},
            "b": {"access_keys": ["AKIAEXAMPLEDUPLICATE", "short", 7]}
        }}}}"#,
    )
    .unwrap();
    let o = iamsim(&[
        "can",
        "--world",
        dir.to_str().unwrap(),
        "arn:aws:iam::111111111111:user/a",
        "s3:ListAllMyBuckets",
        "*",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("is already the key of `arn:aws:iam::111111111111:user/a`"),
        "{err}"
    );
    assert!(err.contains("`short` is not an access key id"), "{err}");
    assert!(err.contains("an access key id must be a string"), "{err}");
}

#[test]
fn external_ids_belong_to_their_assume_role_call() {
    let world = "fixtures/worked-examples/w33-external-id";
    let alice = "arn:aws:iam::111111111111:user/alice";
    let partner = "arn:aws:iam::222222222222:role/Partner";
    let assume = |extra: &[&str]| {
        let mut args = vec![
            "can",
            "--world",
            world,
            "--principal",
            alice,
            "--",
            "aws",
            "sts",
            "assume-role",
            "--role-arn",
            partner,
        ];
        args.extend_from_slice(extra);
        iamsim(&args)
    };
    assert_eq!(assume(&["--external-id", "Zx81"]).status.code(), Some(0));
    assert_eq!(assume(&["--external-id", "zx81"]).status.code(), Some(1));
    assert_eq!(assume(&[]).status.code(), Some(1));

    // A profile's external_id goes with its hop.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-ask-external-id");
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    std::fs::write(
        &config,
        format!("[profile alice]\nregion = eu-west-1\n\n[profile partner]\nrole_arn = {partner}\nsource_profile = alice\nexternal_id = Zx81\n\n[profile partner-no-id]\nrole_arn = {partner}\nsource_profile = alice\n"),
    )
    .unwrap();
    let who = |profile: &str| {
        iamsim(&[
            "can",
            "--world",
            world,
            "--aws-config",
            config.to_str().unwrap(),
            "--principal",
            alice,
            "--",
            "aws",
            "sts",
            "get-caller-identity",
            "--profile",
            profile,
        ])
    };
    let o = who("partner");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains(&format!(
        "and assumes {partner} (role_arn of profile partner)"
    )));
    assert_eq!(who("partner-no-id").status.code(), Some(1));
}

#[test]
fn a_recursive_command_is_decided_for_every_object() {
    // `sync` touches objects iamsim cannot list: it asks about the set `backup/*` (formats.md 6),
    // allowed only because the role's Allow covers the whole set and no Deny touches it.
    let o = aws(
        CORRECTED,
        &[],
        "aws s3 sync ./backup s3://cross-account-bucket/backup --profile roleb",
    );
    let out = stdout(&o);
    // The ListBucket of the sync is refused, so the command is.
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(
        out.contains("ALLOW\n  arn:aws:iam::111111111111:user/accounta-user s3:PutObject arn:aws:s3:::cross-account-bucket/backup/*"),
        "{out}"
    );
    assert!(
        out.contains("every Allow that counts covers the whole set"),
        "{out}"
    );
}

/// A recursive delete under a prefix where a Deny keeps some keys (rule 2.7a): the set
/// `prod-artifacts/*` is decided member by member, so the Deny of `release/*` is seen (the answer
/// is indeterminate and names a refused key), and the note on the request says so rather than
/// claiming statements about particular keys go unseen.
#[test]
fn a_recursive_delete_weighs_a_deny_of_some_keys_under_the_prefix() {
    let o = aws(
        "fixtures/field/resource-sets",
        &[
            "--format",
            "json",
            "--principal",
            "arn:aws:iam::111111111111:role/Deployer",
        ],
        "aws s3 rm --recursive s3://prod-artifacts/",
    );
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let delete = v["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["action"] == "s3:DeleteObject")
        .expect("the recursive rm deletes objects");
    assert_eq!(delete["resource"], "arn:aws:s3:::prod-artifacts/*");
    assert_eq!(delete["decision"], "indeterminate", "{delete}");
    let text = delete.to_string();
    assert!(text.contains("prod-artifacts/release/"), "{text}");
    assert!(text.contains("KeepReleases"), "{text}");
    let notes: Vec<&str> = delete["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .filter(|n| n.contains("iamsim cannot see"))
        .collect();
    assert_eq!(notes.len(), 1, "{delete}");
    assert!(!notes[0].contains("not seen"), "{}", notes[0]);
    assert!(
        notes[0].contains("every object under the prefix"),
        "{}",
        notes[0]
    );
}
