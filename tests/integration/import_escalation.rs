//! `iamsim import` writes the world facts escalation steps rely on: stored policy versions,
//! instance profiles, and every user's console password as unknown (an export does not say).

use crate::field_aws::Scratch;
use crate::support::root;
use iamsim_engine::export::import;
use iamsim_engine::World;
use std::path::PathBuf;
use std::sync::Arc;

fn statement_actions(p: &Arc<iamsim_engine::LoadedPolicy>) -> Vec<String> {
    p.policy
        .statements
        .iter()
        .flat_map(|s| s.action.patterns.iter().map(|a| a.text.clone()))
        .collect()
}

/// The hand-built export of a real account (AWS CLI shapes): WebAssetsRead is stored with two
/// versions (v2 in force, v1 the old `s3:*` on `*`), role WebServer is in instance profile
/// WebServer, and no user says whether it has a console password.
#[test]
fn an_export_writes_policy_versions_instance_profiles_and_unknown_login_profiles() {
    let out = Scratch::new("esc-real");
    let world_dir = out.0.join("world");
    import(&root().join("fixtures/export/real-account"), &world_dir).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(world_dir.join("world.json")).unwrap())
            .unwrap();
    let account = &json["accounts"]["111122223333"];
    assert_eq!(
        account["instance_profiles"],
        serde_json::json!({ "WebServer": { "roles": ["WebServer"] } })
    );
    let versions = &account["policies"]["WebAssetsRead"];
    assert_eq!(versions["default"], "v2");
    assert_eq!(
        versions["versions"]["v2"],
        "policies/111122223333/managed/WebAssetsRead.json"
    );
    assert_eq!(
        versions["versions"]["v1"],
        "policies/111122223333/managed/WebAssetsRead.v1.json"
    );
    // A policy with one version stays a file of its own.
    assert!(account["policies"].get("DeployBoundary").is_none());
    for (name, user) in account["users"].as_object().unwrap() {
        assert!(
            user.get("login_profile")
                .is_some_and(serde_json::Value::is_null),
            "{name}"
        );
    }

    let world = World::load(&world_dir).unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    let a = &world.accounts()["111122223333"];
    assert!(a.users.values().all(|u| u.login_profile.is_none()));
    assert_eq!(a.instance_profiles["WebServer"].roles, ["WebServer"]);
    let stored = &a.policy_versions["WebAssetsRead"];
    assert_eq!(stored.default, "v2");
    assert_eq!(statement_actions(&stored.versions["v1"]), ["s3:*"]);
    assert_eq!(
        statement_actions(&stored.versions["v2"]),
        ["s3:GetObject", "s3:ListBucket"]
    );
    // Whoever the export attaches it to holds the version in force, the account's one copy.
    let in_force = &a.policies["WebAssetsRead"];
    let holders = a
        .roles
        .values()
        .flat_map(|r| r.policies.iter())
        .chain(a.users.values().flat_map(|u| u.policies.iter()))
        .chain(a.groups.values().flat_map(|g| g.policies.iter()))
        .filter(|p| Arc::ptr_eq(p, in_force))
        .count();
    assert_eq!(holders, 1);
}

fn details(policies: serde_json::Value, roles: serde_json::Value) -> String {
    serde_json::to_string_pretty(&serde_json::json!({
        "UserDetailList": [{"UserName": "u", "UserId": "AIDAEXAMPLEUSER", "Path": "/",
            "Arn": "arn:aws:iam::444455556666:user/u", "GroupList": [], "Tags": [],
            "AttachedManagedPolicies": [{"PolicyName": "Ops", "PolicyArn": "arn:aws:iam::444455556666:policy/team/Ops"}]}],
        "GroupDetailList": [],
        "RoleDetailList": roles,
        "Policies": policies,
        "IsTruncated": false
    }))
    .unwrap()
}

fn export(dir: &Scratch, text: &str) -> PathBuf {
    let from = dir.0.join("export");
    std::fs::create_dir_all(from.join("accounts/444455556666")).unwrap();
    std::fs::write(
        from.join("accounts/444455556666/authorization-details.json"),
        text,
    )
    .unwrap();
    from
}

/// Documents URL-encoded as the raw API gives them, a policy with a path, versions listed in any
/// order; hostile version ids are refused before any file is written.
#[test]
fn url_encoded_versions_and_hostile_version_ids() {
    let dir = Scratch::new("esc-encoded");
    let enc = |actions: &str| {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":"*"}}]}}"#
        );
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    let policy = |versions: serde_json::Value| {
        serde_json::json!([{
            "PolicyName": "Ops", "PolicyId": "ANPAEXAMPLEOPS", "Path": "/team/",
            "Arn": "arn:aws:iam::444455556666:policy/team/Ops", "DefaultVersionId": "v3",
            "PolicyVersionList": versions
        }])
    };
    let good = policy(serde_json::json!([
        {"VersionId": "v1", "IsDefaultVersion": false, "Document": enc(r#""iam:*""#)},
        {"VersionId": "v3", "IsDefaultVersion": true, "Document": enc(r#""s3:GetObject""#)},
        {"VersionId": "v2", "IsDefaultVersion": false, "Document": enc(r#"["ec2:*","s3:*"]"#)}
    ]));
    let from = export(&dir, &details(good, serde_json::json!([])));
    let world_dir = dir.0.join("world");
    import(&from, &world_dir).unwrap();
    let world = World::load(&world_dir).unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    let a = &world.accounts()["444455556666"];
    let stored = &a.policy_versions["Ops"];
    assert_eq!(stored.default, "v3");
    assert_eq!(statement_actions(&stored.versions["v1"]), ["iam:*"]);
    assert_eq!(statement_actions(&stored.versions["v2"]), ["ec2:*", "s3:*"]);
    assert!(Arc::ptr_eq(&a.users["u"].policies[0], &a.policies["Ops"]));
    assert_eq!(
        statement_actions(&a.users["u"].policies[0]),
        ["s3:GetObject"]
    );

    // A version id names a file: anything but `v` and a number is refused, naming the policy.
    for bad in ["../../x", "v1/..", "", "V2"] {
        let dir = Scratch::new("esc-hostile");
        let versions = policy(serde_json::json!([
            {"VersionId": "v3", "IsDefaultVersion": true, "Document": enc(r#""s3:GetObject""#)},
            {"VersionId": bad, "IsDefaultVersion": false, "Document": enc(r#""iam:*""#)}
        ]));
        let from = export(&dir, &details(versions, serde_json::json!([])));
        let e = import(&from, &dir.0.join("world")).unwrap_err();
        assert!(e.message.contains("not an IAM version id"), "{bad}: {e}");
        assert!(!dir.0.join("x").exists());
    }
    // Several versions and none in force: refused, as a single one is.
    let dir = Scratch::new("esc-nodefault");
    let versions = policy(serde_json::json!([
        {"VersionId": "v1", "IsDefaultVersion": false, "Document": enc(r#""iam:*""#)},
        {"VersionId": "v2", "IsDefaultVersion": false, "Document": enc(r#""s3:*""#)}
    ]));
    let from = export(&dir, &details(versions, serde_json::json!([])));
    let e = import(&from, &dir.0.join("world")).unwrap_err();
    assert!(e.message.contains("no default version"), "{e}");
}
