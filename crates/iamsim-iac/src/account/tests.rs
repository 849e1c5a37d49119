use super::*;
use crate::{read_cloudformation, read_terraform, Settings, TfFile};
use serde_json::json;

fn settings() -> Settings {
    Settings {
        account: Some("111111111111".into()),
    }
}

/// The account built, with each document given inline.
fn built(reads: &[Read]) -> Result<Value, Vec<Problem>> {
    let mut inline = |_: &Policy, v: Value| -> Result<Value, Problem> { Ok(v) };
    build_account(reads, "111111111111", &mut inline).map(|b| Value::Object(b.account))
}

#[test]
fn terraform_attachments_and_memberships_land_on_their_entities() {
    let tf = r#"
resource "aws_iam_group" "devs" { name = "devs" }
resource "aws_iam_user" "alice" {
  name = "alice"
  path = "/staff/"
}
resource "aws_iam_group_membership" "devs" {
  name  = "devs"
  group = aws_iam_group.devs.name
  users = [aws_iam_user.alice.name]
}
resource "aws_iam_policy" "read" {
  name   = "read"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
resource "aws_iam_policy_attachment" "read" {
  name       = "read"
  groups     = [aws_iam_group.devs.name]
  policy_arn = aws_iam_policy.read.arn
}
resource "aws_iam_user_policy_attachment" "ro" {
  user       = aws_iam_user.alice.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
"#;
    let read = read_terraform(
        &[TfFile {
            path: "main.tf",
            text: tf,
        }],
        &settings(),
    );
    let a = built(&[read]).unwrap();
    assert_eq!(
        a["groups"]["devs"]["policies"],
        json!(["arn:aws:iam::111111111111:policy/read"])
    );
    assert_eq!(a["users"]["alice"]["groups"], json!(["devs"]));
    assert_eq!(a["users"]["alice"]["path"], json!("/staff/"));
    assert_eq!(
        a["users"]["alice"]["policies"],
        json!(["arn:aws:iam::aws:policy/ReadOnlyAccess"])
    );
    assert_eq!(
        a["policies"]["read"]["Statement"][0]["Action"],
        json!("s3:GetObject")
    );
}

#[test]
fn cloudformation_groups_managed_policies_and_additions_land_on_their_entities() {
    let t = r#"
Resources:
  Devs: {Type: AWS::IAM::Group, Properties: {GroupName: devs}}
  Ops: {Type: AWS::IAM::Group, Properties: {GroupName: ops}}
  Alice:
    Type: AWS::IAM::User
    Properties: {UserName: alice, Groups: [!Ref Devs]}
  AddAlice:
    Type: AWS::IAM::UserToGroupAddition
    Properties: {GroupName: !Ref Ops, Users: [!Ref Alice]}
  Read:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: read
      Groups: [!Ref Devs]
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}
  Inline:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: inline
      Users: [!Ref Alice]
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Deny, Action: "s3:DeleteObject", Resource: "*"}]}
"#;
    let read = read_cloudformation("t.yaml", t, &settings()).unwrap();
    let a = built(&[read]).unwrap();
    assert_eq!(a["users"]["alice"]["groups"], json!(["devs", "ops"]));
    assert_eq!(
        a["groups"]["devs"]["policies"],
        json!(["arn:aws:iam::111111111111:policy/read"])
    );
    assert_eq!(
        a["users"]["alice"]["policies"][0]["Statement"][0]["Effect"],
        json!("Deny")
    );
}

#[test]
fn a_membership_may_name_a_group_the_account_declares_beside_the_files() {
    let tf = "resource \"aws_iam_user\" \"u\" { name = \"dev\" }\nresource \"aws_iam_user_group_membership\" \"m\" {\n  user   = aws_iam_user.u.name\n  groups = [\"writers\"]\n}\n";
    let read = || {
        read_terraform(
            &[TfFile {
                path: "main.tf",
                text: tf,
            }],
            &settings(),
        )
    };
    // Alone, the files name a group nobody declares.
    let problems = built(&[read()]).unwrap_err();
    assert!(
        problems[0]
            .message
            .contains("group `writers`, which the files do not declare"),
        "{problems:?}"
    );
    // Beside world.json's `writers`, the user joins it.
    let mut inline = |_: &Policy, v: Value| -> Result<Value, Problem> { Ok(v) };
    let beside = Beside {
        groups: BTreeSet::from(["writers".to_string()]),
        ..Beside::default()
    };
    let b = build_account_beside(&[read()], "111111111111", &beside, &mut inline).unwrap();
    assert_eq!(
        Value::Object(b.account),
        json!({"users": {"dev": {"groups": ["writers"]}}})
    );
    // Another group is still refused.
    let other = Beside {
        groups: BTreeSet::from(["readers".to_string()]),
        ..Beside::default()
    };
    assert!(build_account_beside(&[read()], "111111111111", &other, &mut inline).is_err());
    // A membership of a user world.json declares is a join for the loader.
    let tf = "resource \"aws_iam_group\" \"g\" { name = \"readers\" }\nresource \"aws_iam_user_group_membership\" \"m\" {\n  user   = \"alice\"\n  groups = [aws_iam_group.g.name]\n}\n";
    let read = read_terraform(
        &[TfFile {
            path: "main.tf",
            text: tf,
        }],
        &settings(),
    );
    let alice = Beside {
        users: BTreeSet::from(["alice".to_string()]),
        ..Beside::default()
    };
    let b = build_account_beside(&[read], "111111111111", &alice, &mut inline).unwrap();
    assert_eq!(b.joins, [("alice".to_string(), "readers".to_string())]);
    assert_eq!(Value::Object(b.account), json!({"groups": {"readers": {}}}));
    // Policies of the files given to a role and a user of world.json: for the loader.
    let tf = "resource \"aws_iam_role_policy_attachment\" \"a\" {\n  role       = \"legacy\"\n  policy_arn = \"arn:aws:iam::aws:policy/ReadOnlyAccess\"\n}\nresource \"aws_iam_user_policy\" \"p\" {\n  user   = \"alice\"\n  policy = jsonencode({Version = \"2012-10-17\", Statement = [{Effect = \"Deny\", Action = \"*\", Resource = \"*\"}]})\n}\n";
    let read = read_terraform(
        &[TfFile {
            path: "main.tf",
            text: tf,
        }],
        &settings(),
    );
    let beside = Beside {
        users: BTreeSet::from(["alice".to_string()]),
        roles: BTreeSet::from(["legacy".to_string()]),
        ..Beside::default()
    };
    let b = build_account_beside(&[read], "111111111111", &beside, &mut inline).unwrap();
    assert_eq!(
        Value::Object(b.given),
        json!({
            "roles": {"legacy": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]},
            "users": {"alice": [{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}]}
        })
    );
}

#[test]
fn what_a_world_cannot_leave_open_is_a_problem_at_its_resource() {
    let tf = "resource \"aws_iam_role\" \"r\" {\n  name_prefix = \"app-\"\n  assume_role_policy = \"{}\"\n}\nresource \"aws_iam_role_policy_attachment\" \"a\" {\n  role       = \"other\"\n  policy_arn = \"arn:aws:iam::aws:policy/ReadOnlyAccess\"\n}\n";
    let read = read_terraform(
        &[TfFile {
            path: "main.tf",
            text: tf,
        }],
        &settings(),
    );
    let problems = built(&[read]).unwrap_err();
    let messages: Vec<(usize, &str)> = problems
        .iter()
        .map(|p| (p.at, p.message.as_str()))
        .collect();
    assert!(
        messages
            .iter()
            .any(|(at, m)| *at == 0 && m.contains("name of `aws_iam_role.r`")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|(_, m)| m.contains("role `other`, which the files do not declare")),
        "{messages:?}"
    );
}

#[test]
fn a_policy_of_a_resource_left_open_is_refused_only_when_a_statement_denies() {
    // A bucket whose name the files leave open: its policy is left out only when no
    // statement of it denies, the Effect read as the policy language reads it (a JSON
    // escape spells `Deny` too).
    let outcome = |effect: &str| {
        let tf = format!(
                "variable \"bucket\" {{}}\nresource \"aws_s3_bucket_policy\" \"p\" {{\n  bucket = var.bucket\n  policy = <<EOF\n{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"{effect}\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"}}]}}\nEOF\n}}\n"
            );
        let read = read_terraform(
            &[TfFile {
                path: "main.tf",
                text: &tf,
            }],
            &settings(),
        );
        let mut inline = |_: &Policy, v: Value| -> Result<Value, Problem> { Ok(v) };
        build_account(&[read], "111111111111", &mut inline).map(|b| b.notes)
    };
    let notes = outcome("Allow").unwrap();
    assert!(
        notes.iter().any(|n| n.contains("it denies nothing")),
        "{notes:?}"
    );
    // `Deny` in a name is no Deny: the Allow is left out.
    let named = |effect: &str| outcome(effect).map(|_| ()).map_err(|_| ());
    assert_eq!(named("Allow\", \"Sid\": \"Deny"), Ok(()));
    for deny in ["Deny", "\\u0044eny", "D\\u0065ny"] {
        let problems = outcome(deny).unwrap_err();
        assert!(
            problems.iter().any(|p| p.message.contains("may deny")),
            "{deny}: {problems:?}"
        );
    }
}

#[test]
fn a_resource_that_may_not_be_created_is_a_problem() {
    let t = "Parameters:\n  Env: {Type: String}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  U:\n    Type: AWS::IAM::User\n    Condition: IsProd\n    Properties: {UserName: u}\n";
    let read = read_cloudformation("t.yaml", t, &settings()).unwrap();
    let problems = built(&[read]).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("`Condition IsProd`")),
        "{problems:?}"
    );
}

#[test]
fn a_name_declared_twice_is_a_problem() {
    let t = "Resources:\n  A: {Type: AWS::S3::Bucket, Properties: {BucketName: b}}\n  PA: {Type: AWS::S3::BucketPolicy, Properties: {Bucket: b, PolicyDocument: {Statement: [{Effect: Deny, Principal: '*', Action: 's3:*', Resource: '*'}]}}}\n  PB: {Type: AWS::S3::BucketPolicy, Properties: {Bucket: b, PolicyDocument: {Statement: [{Effect: Deny, Principal: '*', Action: 's3:*', Resource: '*'}]}}}\n";
    let read = read_cloudformation("t.yaml", t, &settings()).unwrap();
    let problems = built(&[read]).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("second bucket policy")),
        "{problems:?}"
    );
}

/// The instance profiles, compute and notes built.
fn escalation_of(reads: &[Read]) -> (Value, Value, Vec<String>) {
    let mut inline = |_: &Policy, v: Value| -> Result<Value, Problem> { Ok(v) };
    let b = build_account(reads, "111111111111", &mut inline).unwrap();
    let part = |k: &str| {
        b.account
            .get(k)
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new()))
    };
    (part("instance_profiles"), part("compute"), b.notes)
}

#[test]
fn terraform_instance_profiles_and_compute_that_runs_with_a_role() {
    let tf = r#"
resource "aws_iam_role" "web" {
  name               = "web"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Principal = {Service = "ec2.amazonaws.com"}, Action = "sts:AssumeRole"}]})
}
resource "aws_iam_role" "fn" {
  name               = "fn-exec"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Principal = {Service = "lambda.amazonaws.com"}, Action = "sts:AssumeRole"}]})
}
resource "aws_iam_instance_profile" "web" {
  name = "web-profile"
  role = aws_iam_role.web.name
}
resource "aws_instance" "web" {
  ami                  = "ami-12345678"
  iam_instance_profile = aws_iam_instance_profile.web.name
}
resource "aws_instance" "bare" {
  ami = "ami-12345678"
}
resource "aws_lambda_function" "fn" {
  function_name = "resize"
  role          = aws_iam_role.fn.arn
}
"#;
    let read = read_terraform(
        &[TfFile {
            path: "main.tf",
            text: tf,
        }],
        &settings(),
    );
    let (profiles, compute, notes) = escalation_of(&[read]);
    assert_eq!(profiles, json!({"web-profile": {"roles": ["web"]}}));
    // Their ARNs are known only after apply: left out, and said (a gate cannot pass on
    // them); an instance with no profile runs with no role and is not compute.
    assert_eq!(compute, json!({}));
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].contains("`aws_instance.web` is `aws_instance.arn (known after apply)`"),
        "{notes:?}"
    );
    assert!(notes[1].contains("`aws_lambda_function.fn`"), "{notes:?}");
    // The ARN given (a plan's planned values, an argument): the compute is written, the
    // role by its name.
    let with_arn = tf
            .replace("ami = \"ami-12345678\"\n}", "ami = \"ami-12345678\"\n}\n")
            .replace(
                "  iam_instance_profile = aws_iam_instance_profile.web.name\n",
                "  iam_instance_profile = aws_iam_instance_profile.web.name\n  arn = \"arn:aws:ec2:us-east-1:111111111111:instance/i-0abc\"\n",
            )
            .replace(
                "  role          = aws_iam_role.fn.arn\n",
                "  role          = aws_iam_role.fn.arn\n  arn           = \"arn:aws:lambda:us-east-1:111111111111:function:resize\"\n",
            );
    let read = read_terraform(
        &[TfFile {
            path: "main.tf",
            text: &with_arn,
        }],
        &settings(),
    );
    let (_, compute, notes) = escalation_of(&[read]);
    assert_eq!(
        compute,
        json!({
            "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc": {"instance_profile": "web-profile"},
            "arn:aws:lambda:us-east-1:111111111111:function:resize": {"role": "fn-exec"}
        })
    );
    assert!(notes.is_empty(), "{notes:?}");
}

#[test]
fn cloudformation_instance_profiles_and_compute_that_runs_with_a_role() {
    let template = r#"
Parameters:
  OtherRoleArn: {Type: String}
Resources:
  WebRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: web
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}
  WebProfile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      InstanceProfileName: web-profile
      Roles: [!Ref WebRole]
  Unnamed:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles: [!Ref WebRole]
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      IamInstanceProfile: !Ref WebProfile
  Resize:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt WebRole.Arn
  Other:
    Type: AWS::Lambda::Function
    Properties:
      Role: !Ref OtherRoleArn
"#;
    let read = read_cloudformation("t.yaml", template, &settings()).unwrap();
    let (profiles, compute, notes) = escalation_of(&[read]);
    assert_eq!(profiles, json!({"web-profile": {"roles": ["web"]}}));
    assert_eq!(compute, json!({}));
    let said = notes.join("\n");
    // The profile CloudFormation names, and the ARNs AWS makes: left out and said.
    assert!(said.contains("the name of `Unnamed`"), "{said}");
    assert!(
        said.contains("the ARN of `Web` is `the ARN of an instance (made by AWS)`"),
        "{said}"
    );
    assert!(said.contains("the ARN of `Resize`"), "{said}");
    // A role the template leaves open is said too, not guessed.
    assert!(
        said.contains("the role of `Other` is `parameter OtherRoleArn`"),
        "{said}"
    );
}
