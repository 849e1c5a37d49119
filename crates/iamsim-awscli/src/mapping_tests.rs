//! The requests of each command of the table, and what the AWS CLI sends with them
//! (`aws:SecureTransport`, `aws:RequestedRegion`, headers as context keys).

use crate::{Env, ErrorKind, Invocation, Request};

const ACCOUNT: &str = "222222222222";
const OTHER: &str = "333333333333";

fn env(region: Option<&'static str>) -> Env<'static> {
    Env {
        account: Some(ACCOUNT),
        region,
        caller: Some("arn:aws:iam::222222222222:user/alice"),
    }
}

fn inv(line: &str) -> Invocation {
    let words: Vec<String> = line.split(' ').map(str::to_string).collect();
    Invocation::parse(&words).unwrap()
}

fn requests_in(line: &str, region: Option<&'static str>) -> Vec<Request> {
    inv(line)
        .requests(&env(region))
        .unwrap_or_else(|e| panic!("{line}: {e}"))
}

/// `(action, resource)` of each request, with the environment's Region eu-west-1.
fn reqs(line: &str) -> Vec<(String, String)> {
    requests_in(line, Some("eu-west-1"))
        .into_iter()
        .map(|r| (r.action, r.resource))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, r)| (a.to_string(), r.to_string()))
        .collect()
}

fn ctx<'r>(r: &'r Request, key: &str) -> Option<&'r str> {
    r.context
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn err(line: &str, region: Option<&'static str>) -> crate::Error {
    match inv(line).requests(&env(region)) {
        Ok(r) => panic!("{line}: expected an error, got {r:?}"),
        Err(e) => e,
    }
}

#[test]
fn a_function_arn_of_another_account_is_asked_there() {
    let arn = format!("arn:aws:lambda:eu-west-1:{OTHER}:function:payments");
    assert_eq!(
        reqs(&format!("aws lambda invoke --function-name {arn} out.json")),
        pairs(&[("lambda:InvokeFunction", &arn)])
    );
    // A partial ARN names the account; the Region is the command's.
    assert_eq!(
        reqs(&format!(
            "aws lambda invoke --function-name {OTHER}:function:payments out.json"
        )),
        pairs(&[("lambda:InvokeFunction", &arn)])
    );
    // A name is the caller's account's; an alias or --qualifier qualifies it.
    assert_eq!(
        reqs("aws lambda invoke --function-name payments:live out.json"),
        pairs(&[(
            "lambda:InvokeFunction",
            "arn:aws:lambda:eu-west-1:222222222222:function:payments:live"
        )])
    );
    assert_eq!(
        reqs("aws lambda invoke --function-name payments --qualifier 3 out.json"),
        pairs(&[(
            "lambda:InvokeFunction",
            "arn:aws:lambda:eu-west-1:222222222222:function:payments:3"
        )])
    );
    // An anonymous caller has no account, but an ARN needs none.
    let anonymous = Env {
        account: None,
        region: Some("eu-west-1"),
        caller: None,
    };
    let r = inv(&format!("aws lambda get-function --function-name {arn}"))
        .requests(&anonymous)
        .unwrap();
    assert_eq!(r[0].resource, arn);
}

#[test]
fn a_table_arn_of_another_account_is_asked_there() {
    let arn = format!("arn:aws:dynamodb:eu-west-1:{OTHER}:table/Orders");
    for command in [
        "get-item --key {}",
        "put-item --item {}",
        "update-item --key {}",
        "delete-item --key {}",
        "describe-table",
        "scan",
        "query",
    ] {
        let line = format!("aws dynamodb {command} --table-name {arn}");
        let r = reqs(&line);
        assert_eq!(r.len(), 1, "{line}");
        assert_eq!(r[0].1, arn, "{line}");
    }
    assert_eq!(
        reqs(&format!(
            "aws dynamodb query --table-name {arn} --index-name ByDate"
        )),
        pairs(&[("dynamodb:Query", &format!("{arn}/index/ByDate"))])
    );
    assert_eq!(
        reqs("aws dynamodb scan --table-name Orders --index-name ByDate"),
        pairs(&[(
            "dynamodb:Scan",
            "arn:aws:dynamodb:eu-west-1:222222222222:table/Orders/index/ByDate"
        )])
    );
}

#[test]
fn an_arn_of_the_wrong_kind_or_region_is_refused() {
    // An ARN of another service or resource type is not what the option takes.
    let e = err(
        "aws dynamodb get-item --table-name arn:aws:lambda:eu-west-1:333333333333:function:f --key {}",
        Some("eu-west-1"),
    );
    assert_eq!(e.kind, ErrorKind::BadCommand);
    assert!(e.message.contains("table/NAME"), "{}", e.message);
    // A function in another Region than the command's is not found there.
    let e = err(
        "aws lambda invoke --function-name arn:aws:lambda:us-west-2:333333333333:function:f o",
        Some("eu-west-1"),
    );
    assert!(e.message.contains("--region us-west-2"), "{}", e.message);
    // With no Region known, the ARN's Region is the one the command must be sent to.
    let r = requests_in(
        "aws lambda invoke --function-name arn:aws:lambda:us-west-2:333333333333:function:f o",
        None,
    );
    assert_eq!(ctx(&r[0], "aws:RequestedRegion"), Some("us-west-2"));
    // A name in a Region nobody gave cannot be turned into an ARN, as in the AWS CLI.
    let e = err("aws dynamodb get-item --table-name T --key {}", None);
    assert!(e.message.contains("needs a Region"), "{}", e.message);
    assert!(err("aws ec2 describe-instances --region mars", None)
        .message
        .contains("not a Region code"));
}

#[test]
fn copy_source_is_url_decoded_and_a_version_asks_get_object_version() {
    assert_eq!(
        reqs("aws s3api copy-object --bucket dst --key k --copy-source src/reports/jan%20report%2B1.pdf"),
        pairs(&[
            ("s3:GetObject", "arn:aws:s3:::src/reports/jan report+1.pdf"),
            ("s3:PutObject", "arn:aws:s3:::dst/k"),
        ])
    );
    assert_eq!(
        reqs("aws s3api copy-object --bucket dst --key k --copy-source /src/a%3Fb.txt?versionId=3HL4kqtJlcpXroDTDmJ"),
        pairs(&[
            ("s3:GetObjectVersion", "arn:aws:s3:::src/a?b.txt"),
            ("s3:PutObject", "arn:aws:s3:::dst/k"),
        ])
    );
    let ap = "arn:aws:s3:eu-west-1:333333333333:accesspoint/reports/object/jan.pdf";
    assert_eq!(
        reqs(&format!(
            "aws s3api copy-object --bucket dst --key k --copy-source {}",
            ap.replace(':', "%3A").replace('/', "%2F")
        )),
        pairs(&[("s3:GetObject", ap), ("s3:PutObject", "arn:aws:s3:::dst/k")])
    );
    for bad in ["src", "src/", "src/k?partNumber=1", "src/%FF"] {
        let line = format!("aws s3api copy-object --bucket dst --key k --copy-source {bad}");
        assert_eq!(err(&line, None).kind, ErrorKind::BadCommand, "{line}");
    }
}

#[test]
fn object_lock_and_governance_bypass_are_asked() {
    let r = requests_in(
        "aws s3api put-object --bucket b --key k --body f --object-lock-mode GOVERNANCE --object-lock-retain-until-date 2030-01-01T00:00:00Z --object-lock-legal-hold-status ON",
        None,
    );
    let actions: Vec<&str> = r.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "s3:PutObject",
            "s3:PutObjectRetention",
            "s3:PutObjectLegalHold"
        ]
    );
    assert_eq!(ctx(&r[0], "s3:object-lock-mode"), Some("GOVERNANCE"));
    assert_eq!(
        ctx(&r[1], "s3:object-lock-retain-until-date"),
        Some("2030-01-01T00:00:00Z")
    );
    assert_eq!(ctx(&r[2], "s3:object-lock-legal-hold"), Some("ON"));
    assert_eq!(
        reqs("aws s3api delete-object --bucket b --key k --version-id v1 --bypass-governance-retention"),
        pairs(&[
            ("s3:DeleteObjectVersion", "arn:aws:s3:::b/k"),
            ("s3:BypassGovernanceRetention", "arn:aws:s3:::b/k"),
        ])
    );
    assert_eq!(
        reqs("aws s3api put-object-retention --bucket b --key k --retention Mode=GOVERNANCE,RetainUntilDate=2030-01-01 --bypass-governance-retention"),
        pairs(&[
            ("s3:PutObjectRetention", "arn:aws:s3:::b/k"),
            ("s3:BypassGovernanceRetention", "arn:aws:s3:::b/k"),
        ])
    );
    assert_eq!(
        reqs("aws s3api put-object-legal-hold --bucket b --key k --legal-hold Status=ON"),
        pairs(&[("s3:PutObjectLegalHold", "arn:aws:s3:::b/k")])
    );
    assert_eq!(
        reqs("aws s3api delete-objects --bucket b --delete Objects=[{Key=a},{Key=c/d,VersionId=v2}],Quiet=true --bypass-governance-retention"),
        pairs(&[
            ("s3:DeleteObject", "arn:aws:s3:::b/a"),
            ("s3:BypassGovernanceRetention", "arn:aws:s3:::b/a"),
            ("s3:DeleteObjectVersion", "arn:aws:s3:::b/c/d"),
            ("s3:BypassGovernanceRetention", "arn:aws:s3:::b/c/d"),
        ])
    );
    let words = [
        "aws",
        "s3api",
        "delete-objects",
        "--bucket",
        "b",
        "--delete",
        r#"{"Objects":[{"Key":"x y"}]}"#,
    ]
    .map(str::to_string);
    let r = Invocation::parse(&words)
        .unwrap()
        .requests(&env(None))
        .unwrap();
    assert_eq!(r[0].resource, "arn:aws:s3:::b/x y");
    assert!(
        inv("aws s3api delete-objects --bucket b --delete Objects=[]")
            .requests(&env(None))
            .is_err()
    );
}

#[test]
fn encryption_headers_are_context() {
    let key = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let r = requests_in(
        &format!("aws s3 cp f.txt s3://b/f.txt --sse aws:kms --sse-kms-key-id {key}"),
        None,
    );
    assert_eq!(
        ctx(&r[0], "s3:x-amz-server-side-encryption"),
        Some("aws:kms")
    );
    assert_eq!(
        ctx(&r[0], "s3:x-amz-server-side-encryption-aws-kms-key-id"),
        Some(key)
    );
    // `--sse` alone is AES256, as in the AWS CLI.
    let r = requests_in("aws s3 sync . s3://b/site --sse", None);
    let put = r.iter().find(|r| r.action == "s3:PutObject").unwrap();
    assert_eq!(ctx(put, "s3:x-amz-server-side-encryption"), Some("AES256"));
    let r = requests_in(
        &format!("aws s3api put-object --bucket b --key k --server-side-encryption aws:kms --ssekms-key-id {key}"),
        None,
    );
    assert_eq!(
        ctx(&r[0], "s3:x-amz-server-side-encryption"),
        Some("aws:kms")
    );
    assert_eq!(
        ctx(&r[0], "s3:x-amz-server-side-encryption-aws-kms-key-id"),
        Some(key)
    );
    // Without the headers, no such keys.
    let r = requests_in("aws s3 cp f.txt s3://b/f.txt", None);
    assert_eq!(ctx(&r[0], "s3:x-amz-server-side-encryption"), None);
}

#[test]
fn secure_transport_and_requested_region_as_the_aws_cli_sends_them() {
    let r = requests_in("aws ec2 describe-instances", Some("eu-west-1"));
    assert_eq!(ctx(&r[0], "aws:SecureTransport"), Some("true"));
    assert_eq!(ctx(&r[0], "aws:RequestedRegion"), Some("eu-west-1"));
    // --region wins over the environment's or the profile's.
    let r = requests_in(
        "aws ec2 describe-instances --region ap-south-1",
        Some("eu-west-1"),
    );
    assert_eq!(ctx(&r[0], "aws:RequestedRegion"), Some("ap-south-1"));
    // Nothing says: open.
    let r = requests_in("aws ec2 describe-instances", None);
    assert_eq!(ctx(&r[0], "aws:RequestedRegion"), None);
    // Global services are us-east-1 whatever the Region.
    for line in [
        "aws iam get-role --role-name r --region eu-west-1",
        "aws iam list-users",
    ] {
        let r = requests_in(line, Some("eu-west-1"));
        assert_eq!(
            ctx(&r[0], "aws:RequestedRegion"),
            Some("us-east-1"),
            "{line}"
        );
    }
    // STS: the Region's endpoint, else the global one.
    let r = requests_in("aws sts get-caller-identity", Some("eu-west-1"));
    assert_eq!(ctx(&r[0], "aws:RequestedRegion"), Some("eu-west-1"));
    let r = requests_in("aws sts get-caller-identity", None);
    assert_eq!(ctx(&r[0], "aws:RequestedRegion"), Some("us-east-1"));
    // A bucket's Region is not in its ARN: open.
    let r = requests_in("aws s3 cp f s3://b/f", Some("eu-west-1"));
    assert_eq!(ctx(&r[0], "aws:RequestedRegion"), None);
    // Plain HTTP only to an http:// endpoint.
    let r = requests_in(
        "aws s3 ls s3://b --endpoint-url http://localhost:4566",
        None,
    );
    assert_eq!(ctx(&r[0], "aws:SecureTransport"), Some("false"));
    let r = requests_in(
        "aws s3 ls s3://b --endpoint-url=HTTPS://s3.eu-west-1.amazonaws.com",
        None,
    );
    assert_eq!(ctx(&r[0], "aws:SecureTransport"), Some("true"));
}

#[test]
fn iam_commands() {
    let user = "arn:aws:iam::222222222222:user/bob";
    let role = "arn:aws:iam::222222222222:role/app";
    let group = "arn:aws:iam::222222222222:group/admins";
    let table: &[(&str, &[(&str, &str)])] = &[
        ("aws iam create-access-key --user-name bob", &[("iam:CreateAccessKey", user)]),
        (
            "aws iam create-access-key",
            &[("iam:CreateAccessKey", "arn:aws:iam::222222222222:user/alice")],
        ),
        ("aws iam create-login-profile --user-name bob --password x", &[("iam:CreateLoginProfile", user)]),
        ("aws iam update-login-profile --user-name bob --password x", &[("iam:UpdateLoginProfile", user)]),
        ("aws iam attach-user-policy --user-name bob --policy-arn arn:aws:iam::aws:policy/AdministratorAccess", &[("iam:AttachUserPolicy", user)]),
        ("aws iam attach-role-policy --role-name app --policy-arn arn:aws:iam::aws:policy/AdministratorAccess", &[("iam:AttachRolePolicy", role)]),
        ("aws iam attach-group-policy --group-name admins --policy-arn arn:aws:iam::aws:policy/AdministratorAccess", &[("iam:AttachGroupPolicy", group)]),
        ("aws iam put-user-policy --user-name bob --policy-name p --policy-document file://p.json", &[("iam:PutUserPolicy", user)]),
        ("aws iam put-role-policy --role-name app --policy-name p --policy-document file://p.json", &[("iam:PutRolePolicy", role)]),
        ("aws iam put-group-policy --group-name admins --policy-name p --policy-document file://p.json", &[("iam:PutGroupPolicy", group)]),
        ("aws iam create-policy-version --policy-arn arn:aws:iam::222222222222:policy/p --policy-document file://p.json --set-as-default", &[("iam:CreatePolicyVersion", "arn:aws:iam::222222222222:policy/p")]),
        ("aws iam set-default-policy-version --policy-arn arn:aws:iam::222222222222:policy/p --version-id v2", &[("iam:SetDefaultPolicyVersion", "arn:aws:iam::222222222222:policy/p")]),
        ("aws iam add-user-to-group --user-name bob --group-name admins", &[("iam:AddUserToGroup", group)]),
        ("aws iam update-assume-role-policy --role-name app --policy-document file://t.json", &[("iam:UpdateAssumeRolePolicy", role)]),
        ("aws iam create-role --role-name app --assume-role-policy-document file://t.json", &[("iam:CreateRole", role)]),
        ("aws iam create-role --role-name app --path /ci/ --assume-role-policy-document file://t.json", &[("iam:CreateRole", "arn:aws:iam::222222222222:role/ci/app")]),
        ("aws iam get-role --role-name app", &[("iam:GetRole", role)]),
        ("aws iam get-policy --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess", &[("iam:GetPolicy", "arn:aws:iam::aws:policy/ReadOnlyAccess")]),
        ("aws iam list-roles", &[("iam:ListRoles", "*")]),
        ("aws iam list-attached-role-policies --role-name app", &[("iam:ListAttachedRolePolicies", role)]),
    ];
    for (line, want) in table {
        assert_eq!(reqs(line), pairs(want), "{line}");
    }
    let r = requests_in(
        "aws iam attach-role-policy --role-name app --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
        None,
    );
    assert_eq!(
        ctx(&r[0], "iam:PolicyARN"),
        Some("arn:aws:iam::aws:policy/AdministratorAccess")
    );
    // --policy-arn takes only an ARN.
    assert!(err("aws iam get-policy --policy-arn ReadOnlyAccess", None)
        .message
        .contains("only an ARN"));
    // A role session has no access keys of its own to create.
    let as_role = Env {
        caller: Some("arn:aws:iam::222222222222:role/app"),
        ..env(None)
    };
    assert!(inv("aws iam create-access-key").requests(&as_role).is_err());
}

#[test]
fn pass_role_is_asked_where_a_role_is_handed_to_a_service() {
    let role = "arn:aws:iam::222222222222:role/lambda-exec";
    let r = requests_in(
        &format!("aws lambda create-function --function-name f --runtime python3.12 --handler h --zip-file fileb://f.zip --role {role}"),
        Some("eu-west-1"),
    );
    assert_eq!(r[0].action, "lambda:CreateFunction");
    assert_eq!(r[1].action, "iam:PassRole");
    assert_eq!(r[1].resource, role);
    assert_eq!(
        ctx(&r[1], "iam:PassedToService"),
        Some("lambda.amazonaws.com")
    );
    // The instance profile's role is not in the command: every role of the account, as a set.
    let r = requests_in(
        "aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type t3.micro --iam-instance-profile Name=web",
        Some("eu-west-1"),
    );
    let pass = r.iter().find(|r| r.action == "iam:PassRole").unwrap();
    assert_eq!(pass.resource, "arn:aws:iam::222222222222:role/*");
    assert_eq!(ctx(pass, "iam:PassedToService"), Some("ec2.amazonaws.com"));
    assert!(pass.note.as_deref().unwrap().contains("every role"));
    assert!(r
        .iter()
        .any(|r| r.resource == "arn:aws:ec2:eu-west-1::image/ami-0abcdef1234567890"));
    let r = requests_in(
        "aws lambda update-function-configuration --function-name f --timeout 30",
        Some("eu-west-1"),
    );
    assert_eq!(r.len(), 1);
}

#[test]
fn ec2_ssm_secrets_kms_and_sts_commands() {
    let table: &[(&str, &[(&str, &str)])] = &[
        ("aws ec2 terminate-instances --instance-ids i-1 i-2", &[
            ("ec2:TerminateInstances", "arn:aws:ec2:eu-west-1:222222222222:instance/i-1"),
            ("ec2:TerminateInstances", "arn:aws:ec2:eu-west-1:222222222222:instance/i-2"),
        ]),
        ("aws ec2 stop-instances --instance-ids i-1", &[("ec2:StopInstances", "arn:aws:ec2:eu-west-1:222222222222:instance/i-1")]),
        ("aws ec2 start-instances --instance-ids i-1", &[("ec2:StartInstances", "arn:aws:ec2:eu-west-1:222222222222:instance/i-1")]),
        ("aws ec2 create-snapshot --volume-id vol-1", &[
            ("ec2:CreateSnapshot", "arn:aws:ec2:eu-west-1:222222222222:volume/vol-1"),
            ("ec2:CreateSnapshot", "arn:aws:ec2:eu-west-1::snapshot/*"),
        ]),
        // AWS-owned documents have no account in their ARN.
        ("aws ssm send-command --document-name AWS-RunShellScript --instance-ids i-1 --parameters commands=id", &[
            ("ssm:SendCommand", "arn:aws:ssm:eu-west-1::document/AWS-RunShellScript"),
            ("ssm:SendCommand", "arn:aws:ec2:eu-west-1:222222222222:instance/i-1"),
        ]),
        ("aws ssm send-command --document-name MyDoc --instance-ids i-1", &[
            ("ssm:SendCommand", "arn:aws:ssm:eu-west-1:222222222222:document/MyDoc"),
            ("ssm:SendCommand", "arn:aws:ec2:eu-west-1:222222222222:instance/i-1"),
        ]),
        ("aws ssm start-session --target i-1", &[
            ("ssm:StartSession", "arn:aws:ec2:eu-west-1:222222222222:instance/i-1"),
            ("ssm:StartSession", "arn:aws:ssm:eu-west-1:222222222222:document/SSM-SessionManagerRunShell"),
        ]),
        ("aws ssm get-parameter --name /app/db/password --with-decryption", &[("ssm:GetParameter", "arn:aws:ssm:eu-west-1:222222222222:parameter/app/db/password")]),
        ("aws ssm get-parameters --names /a b", &[
            ("ssm:GetParameters", "arn:aws:ssm:eu-west-1:222222222222:parameter/a"),
            ("ssm:GetParameters", "arn:aws:ssm:eu-west-1:222222222222:parameter/b"),
        ]),
        ("aws ssm get-parameter --name arn:aws:ssm:eu-west-1:333333333333:parameter/shared", &[("ssm:GetParameter", "arn:aws:ssm:eu-west-1:333333333333:parameter/shared")]),
        ("aws ssm put-parameter --name /app/x --value v --type String", &[("ssm:PutParameter", "arn:aws:ssm:eu-west-1:222222222222:parameter/app/x")]),
        ("aws secretsmanager get-secret-value --secret-id prod/db", &[("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:222222222222:secret:prod/db-??????")]),
        ("aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:eu-west-1:333333333333:secret:prod/db-AbCdEf", &[("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:333333333333:secret:prod/db-AbCdEf")]),
        ("aws secretsmanager put-secret-value --secret-id prod/db --secret-string x", &[("secretsmanager:PutSecretValue", "arn:aws:secretsmanager:eu-west-1:222222222222:secret:prod/db-??????")]),
        ("aws secretsmanager create-secret --name prod/db", &[("secretsmanager:CreateSecret", "arn:aws:secretsmanager:eu-west-1:222222222222:secret:prod/db-??????")]),
        ("aws kms decrypt --key-id 1234abcd --ciphertext-blob fileb://c", &[("kms:Decrypt", "arn:aws:kms:eu-west-1:222222222222:key/1234abcd")]),
        ("aws kms encrypt --key-id arn:aws:kms:eu-west-1:333333333333:key/k1 --plaintext x", &[("kms:Encrypt", "arn:aws:kms:eu-west-1:333333333333:key/k1")]),
        ("aws kms generate-data-key --key-id k1 --key-spec AES_256", &[("kms:GenerateDataKey", "arn:aws:kms:eu-west-1:222222222222:key/k1")]),
        ("aws kms create-grant --key-id k1 --grantee-principal arn:aws:iam::222222222222:role/app --operations Decrypt", &[("kms:CreateGrant", "arn:aws:kms:eu-west-1:222222222222:key/k1")]),
        ("aws kms put-key-policy --key-id k1 --policy-name default --policy file://p.json", &[("kms:PutKeyPolicy", "arn:aws:kms:eu-west-1:222222222222:key/k1")]),
        ("aws kms describe-key --key-id k1", &[("kms:DescribeKey", "arn:aws:kms:eu-west-1:222222222222:key/k1")]),
        ("aws lambda update-function-code --function-name f --zip-file fileb://f.zip", &[("lambda:UpdateFunctionCode", "arn:aws:lambda:eu-west-1:222222222222:function:f")]),
        ("aws lambda add-permission --function-name f --statement-id s --action lambda:InvokeFunction --principal s3.amazonaws.com", &[("lambda:AddPermission", "arn:aws:lambda:eu-west-1:222222222222:function:f")]),
        ("aws sts get-session-token", &[("sts:GetSessionToken", "*")]),
    ];
    for (line, want) in table {
        assert_eq!(reqs(line), pairs(want), "{line}");
    }
    // An alias names no key iamsim can see; a ciphertext without --key-id names none at all.
    assert!(err(
        "aws kms encrypt --key-id alias/app --plaintext x",
        Some("eu-west-1")
    )
    .message
    .contains("alias"));
    assert!(err(
        "aws kms encrypt --key-id arn:aws:kms:eu-west-1:333333333333:alias/app --plaintext x",
        Some("eu-west-1")
    )
    .message
    .contains("key/NAME"));
    assert!(err(
        "aws kms decrypt --ciphertext-blob fileb://c",
        Some("eu-west-1")
    )
    .message
    .contains("needs --key-id"));
}

#[test]
fn web_identity_is_asked_by_the_tokens_provider_with_its_claims() {
    let token = crate::web_identity::tests::token(
        r#"{"iss":"https://token.actions.githubusercontent.com","sub":"repo:octo-org/octo-repo:ref:refs/heads/main","aud":"sts.amazonaws.com"}"#,
    );
    let line = format!(
        "aws sts assume-role-with-web-identity --role-arn arn:aws:iam::123456789012:role/deploy --role-session-name gha --web-identity-token {token}"
    );
    let i = inv(&line);
    let r = i.requests(&Env::default()).unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].action, "sts:AssumeRoleWithWebIdentity");
    assert_eq!(r[0].resource, "arn:aws:iam::123456789012:role/deploy");
    assert_eq!(
        r[0].principal.as_deref(),
        Some(
            "federated:arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
        )
    );
    assert_eq!(
        ctx(&r[0], "token.actions.githubusercontent.com:sub"),
        Some("repo:octo-org/octo-repo:ref:refs/heads/main")
    );
    assert_eq!(
        ctx(&r[0], "token.actions.githubusercontent.com:aud"),
        Some("sts.amazonaws.com")
    );
    assert_eq!(ctx(&r[0], "aws:RequestedRegion"), Some("us-east-1"));
    assert_eq!(
        r[0].assume.as_ref().unwrap().session_name.as_deref(),
        Some("gha")
    );
    // The token is a credential: never shown.
    assert!(!i.display().contains(&token), "{}", i.display());
    assert!(i.display().contains("--web-identity-token <redacted>"));
    assert!(!inv(&format!(
        "aws sts assume-role-with-web-identity --web-identity-token={token}"
    ))
    .display()
    .contains(&token));
    // Missing parts.
    for line in [
        "aws sts assume-role-with-web-identity --role-session-name s --web-identity-token a.b.c",
        "aws sts assume-role-with-web-identity --role-arn arn:aws:iam::123456789012:user/u --role-session-name s --web-identity-token a.b.c",
        "aws sts assume-role-with-web-identity --role-arn arn:aws:iam::123456789012:role/r --role-session-name s --web-identity-token a.b.c",
        "aws sts assume-role-with-web-identity --role-arn arn:aws:iam::123456789012:role/r --role-session-name s --web-identity-token file:///nonexistent/token",
    ] {
        let e = inv(line).requests(&Env::default()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadCommand, "{line}");
    }
}

#[test]
fn web_identity_token_from_a_file() {
    let dir = std::env::temp_dir().join(format!("iamsim-token-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("token");
    let token = crate::web_identity::tests::token(
        r#"{"iss":"https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE","sub":"system:serviceaccount:default:my-sa","aud":["sts.amazonaws.com"]}"#,
    );
    std::fs::write(&path, format!("{token}\n")).unwrap();
    let line = format!(
        "aws sts assume-role-with-web-identity --role-arn arn:aws:iam::123456789012:role/irsa --role-session-name pod --web-identity-token file://{}",
        path.display()
    );
    let r = inv(&line).requests(&Env::default()).unwrap();
    let host = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    assert_eq!(
        r[0].principal.as_deref(),
        Some(format!("federated:arn:aws:iam::123456789012:oidc-provider/{host}").as_str())
    );
    assert_eq!(
        ctx(&r[0], &format!("{host}:sub")),
        Some("system:serviceaccount:default:my-sa")
    );
    // A file over AWS's token limit is refused before it is read whole.
    std::fs::write(&path, "x".repeat(30_000)).unwrap();
    assert!(inv(&line).requests(&Env::default()).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_encryption_context_is_one_key_per_entry() {
    let r = requests_in(
        "aws kms encrypt --key-id k1 --plaintext x --encryption-context Department=IT,Purpose=test",
        Some("eu-west-1"),
    );
    assert_eq!(ctx(&r[0], "kms:EncryptionContext:Department"), Some("IT"));
    assert_eq!(ctx(&r[0], "kms:EncryptionContext:Purpose"), Some("test"));
    let words = [
        "aws",
        "kms",
        "decrypt",
        "--key-id",
        "k1",
        "--ciphertext-blob",
        "fileb://c",
        "--encryption-context",
        r#"{"aws:s3:arn": "arn:aws:s3:::b/k"}"#,
    ]
    .map(str::to_string);
    let r = Invocation::parse(&words)
        .unwrap()
        .requests(&env(Some("eu-west-1")))
        .unwrap();
    assert_eq!(
        ctx(&r[0], "kms:EncryptionContext:aws:s3:arn"),
        Some("arn:aws:s3:::b/k")
    );
    assert!(err(
        "aws kms encrypt --key-id k1 --plaintext x --encryption-context nonsense",
        Some("eu-west-1")
    )
    .message
    .contains("not a map"));
}

#[test]
fn a_bucket_given_as_an_access_point_arn() {
    let ap = "arn:aws:s3:eu-west-1:333333333333:accesspoint/finance";
    assert_eq!(
        reqs(&format!(
            "aws s3api get-object --bucket {ap} --key q1.csv out.csv"
        )),
        pairs(&[("s3:GetObject", &format!("{ap}/object/q1.csv"))])
    );
    assert_eq!(
        reqs(&format!("aws s3api list-objects-v2 --bucket {ap}")),
        pairs(&[("s3:ListBucket", ap)])
    );
    // An access point in another Region than the command's.
    assert!(err(
        &format!("aws s3api get-object --bucket {ap} --key k o"),
        Some("us-west-2")
    )
    .message
    .contains("--region eu-west-1"));
    assert!(err(
        "aws s3api get-object --bucket arn:aws:s3:::b --key k o",
        Some("eu-west-1")
    )
    .message
    .contains("access point ARN"));
}

#[test]
fn escalation_steps_in_the_users_words() {
    let table: &[(&str, &[(&str, &str)])] = &[
        ("aws iam add-role-to-instance-profile --instance-profile-name web --role-name admin", &[
            ("iam:AddRoleToInstanceProfile", "arn:aws:iam::222222222222:instance-profile/web"),
            ("iam:PassRole", "arn:aws:iam::222222222222:role/admin"),
        ]),
        ("aws iam detach-role-policy --role-name app --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess", &[
            ("iam:DetachRolePolicy", "arn:aws:iam::222222222222:role/app"),
        ]),
        ("aws iam delete-role-permissions-boundary --role-name app", &[
            ("iam:DeleteRolePermissionsBoundary", "arn:aws:iam::222222222222:role/app"),
        ]),
        ("aws iam create-policy --policy-name p --path /team/ --policy-document file://p.json", &[
            ("iam:CreatePolicy", "arn:aws:iam::222222222222:policy/team/p"),
        ]),
        ("aws sts get-federation-token --name fed", &[
            ("sts:GetFederationToken", "arn:aws:sts::222222222222:federated-user/fed"),
        ]),
        ("aws ec2 associate-iam-instance-profile --instance-id i-1 --iam-instance-profile Name=web", &[
            ("ec2:AssociateIamInstanceProfile", "arn:aws:ec2:eu-west-1:222222222222:instance/i-1"),
            ("iam:PassRole", "arn:aws:iam::222222222222:role/*"),
        ]),
        ("aws ec2 modify-instance-attribute --instance-id i-1 --user-data file://u", &[
            ("ec2:ModifyInstanceAttribute", "arn:aws:ec2:eu-west-1:222222222222:instance/i-1"),
        ]),
        ("aws dynamodb create-table --table-name T --attribute-definitions x --key-schema y", &[
            ("dynamodb:CreateTable", "arn:aws:dynamodb:eu-west-1:222222222222:table/T"),
        ]),
    ];
    for (line, want) in table {
        assert_eq!(reqs(line), pairs(want), "{line}");
    }
    let r = requests_in(
        "aws iam put-role-permissions-boundary --role-name app --permissions-boundary arn:aws:iam::222222222222:policy/b",
        None,
    );
    assert_eq!(
        ctx(&r[0], "iam:PermissionsBoundary"),
        Some("arn:aws:iam::222222222222:policy/b")
    );
    let r = requests_in(
        "aws lambda create-event-source-mapping --function-name f --event-source-arn arn:aws:sqs:eu-west-1:222222222222:q",
        Some("eu-west-1"),
    );
    assert_eq!(r[0].resource, "*");
    assert_eq!(
        ctx(&r[0], "lambda:FunctionArn"),
        Some("arn:aws:lambda:eu-west-1:222222222222:function:f")
    );
}

#[test]
fn a_secret_asked_by_name_says_it_is_a_set() {
    let r = requests_in(
        "aws secretsmanager get-secret-value --secret-id prod/db",
        Some("eu-west-1"),
    );
    assert!(r[0].note.as_deref().unwrap().contains("NAME-??????"));
    let r = requests_in(
        "aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:eu-west-1:222222222222:secret:prod/db-AbCdEf",
        Some("eu-west-1"),
    );
    assert_eq!(r[0].note, None);
}

#[test]
fn sts_calls_that_need_no_permission_say_so() {
    for line in ["aws sts get-caller-identity", "aws sts get-session-token"] {
        let r = requests_in(line, None);
        assert!(
            r[0].note
                .as_deref()
                .unwrap()
                .contains("needs no permission"),
            "{line}"
        );
    }
}

#[test]
fn a_profile_with_a_web_identity_token_file_starts_from_the_tokens_provider() {
    let dir = std::env::temp_dir().join(format!("iamsim-irsa-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("token");
    let host = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    std::fs::write(
        &token_file,
        crate::web_identity::tests::token(&format!(
            r#"{{"iss":"https://{host}","sub":"system:serviceaccount:payments:api","aud":["sts.amazonaws.com"]}}"#
        )),
    )
    .unwrap();
    let config = format!(
        "[profile irsa]\nrole_arn = arn:aws:iam::123456789012:role/payments-api\nweb_identity_token_file = {}\nregion = us-west-2\n\n[profile next]\nrole_arn = arn:aws:iam::210987654321:role/reader\nsource_profile = irsa\n",
        token_file.display()
    );
    let aws = crate::AwsConfig::parse(Some(("config", config.as_bytes())), None).unwrap();
    let world = iamsim_engine::World::default();
    let r = aws.resolve(&world, "irsa", None).unwrap();
    assert_eq!(
        r.principal,
        format!("federated:arn:aws:iam::123456789012:oidc-provider/{host}")
    );
    assert_eq!(r.hops.len(), 1);
    assert_eq!(
        r.hops[0].hop.role_arn,
        "arn:aws:iam::123456789012:role/payments-api"
    );
    assert_eq!(
        r.context,
        vec![
            (
                format!("{host}:sub"),
                "system:serviceaccount:payments:api".to_string()
            ),
            (format!("{host}:aud"), "sts.amazonaws.com".to_string()),
        ]
    );
    // A chain on top of it: the token's role first, then the next.
    let r = aws.resolve(&world, "next", None).unwrap();
    let roles: Vec<&str> = r.hops.iter().map(|h| h.hop.role_arn.as_str()).collect();
    assert_eq!(
        roles,
        [
            "arn:aws:iam::123456789012:role/payments-api",
            "arn:aws:iam::210987654321:role/reader"
        ]
    );
    // A token that cannot be read is an error at the setting, without its content.
    std::fs::write(&token_file, "not-a-jwt-secret").unwrap();
    let e = aws.resolve(&world, "irsa", None).unwrap_err();
    assert!(e.place.is_some());
    assert!(!e.to_string().contains("not-a-jwt-secret"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn assume_role_with_an_empty_role_arn_is_refused() {
    // `--role-arn "$ROLE_ARN"` with the variable unset, in both spellings; and the empty value
    // given after a real one (the last value of an option counts).
    for line in [
        "aws sts assume-role --role-arn  --role-session-name ci",
        "aws sts assume-role --role-arn= --role-session-name ci",
        "aws sts assume-role --role-arn arn:aws:iam::222222222222:role/r --role-session-name ci --role-arn=",
    ] {
        let e = inv(line).requests(&env(None)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadCommand, "{line}");
        assert!(e.message.contains("needs --role-arn"), "{line}: {}", e.message);
    }
    assert_eq!(
        reqs("aws sts assume-role --role-arn= --role-arn arn:aws:iam::222222222222:role/r --role-session-name ci"),
        pairs(&[("sts:AssumeRole", "arn:aws:iam::222222222222:role/r")])
    );
}
