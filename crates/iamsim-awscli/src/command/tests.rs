//! Tests of reading AWS CLI command lines.

use super::*;

fn inv(line: &str) -> Invocation {
    let words: Vec<String> = line.split(' ').map(str::to_string).collect();
    Invocation::parse(&words).unwrap()
}

const ENV: Env = Env {
    account: Some("222222222222"),
    region: Some("eu-west-1"),
    caller: Some("arn:aws:iam::222222222222:user/alice"),
};

/// `(action, resource)` of each request.
fn reqs(line: &str) -> Vec<(String, String)> {
    inv(line)
        .requests(&ENV)
        .unwrap()
        .into_iter()
        .map(|r| (r.action, r.resource))
        .collect()
}

fn one(action: &str, resource: &str) -> Vec<(String, String)> {
    vec![(action.to_string(), resource.to_string())]
}

fn err(line: &str) -> Error {
    inv(line).requests(&ENV).unwrap_err()
}

#[test]
fn global_options_anywhere() {
    let i =
        inv("aws --profile roleb s3 cp test.txt s3://b --region us-west-2 --output json --debug");
    assert_eq!(i.profile.as_deref(), Some("roleb"));
    assert_eq!(i.region.as_deref(), Some("us-west-2"));
    assert_eq!((i.service.as_str(), i.command.as_str()), ("s3", "cp"));
    assert_eq!(i.positionals, vec!["test.txt", "s3://b"]);
    let i = inv("aws s3 cp --recursive dir s3://b --profile=x");
    assert_eq!(i.positionals, vec!["dir", "s3://b"]);
    assert_eq!(i.profile.as_deref(), Some("x"));
    assert!(inv("aws s3 ls --no-sign-request").no_sign_request);
}

#[test]
fn the_tutorial_upload_writes_the_file_name() {
    let object = one("s3:PutObject", "arn:aws:s3:::cross-account-bucket/test.txt");
    assert_eq!(
        reqs("aws s3 cp test.txt s3://cross-account-bucket --profile roleb"),
        object
    );
    assert_eq!(
        reqs("aws s3 cp ./test.txt s3://cross-account-bucket/"),
        object
    );
    assert_eq!(
        reqs("aws s3 cp /tmp/test.txt s3://b/dir/"),
        one("s3:PutObject", "arn:aws:s3:::b/dir/test.txt")
    );
    assert_eq!(
        reqs("aws s3 cp test.txt s3://b/other.txt"),
        one("s3:PutObject", "arn:aws:s3:::b/other.txt")
    );
}

#[test]
fn cp_download_copy_acl_and_mv() {
    assert_eq!(
        reqs("aws s3 cp s3://b/k.txt ."),
        one("s3:GetObject", "arn:aws:s3:::b/k.txt")
    );
    assert_eq!(
        reqs("aws s3 cp s3://a/x/k s3://b/"),
        vec![
            ("s3:GetObject".into(), "arn:aws:s3:::a/x/k".into()),
            ("s3:PutObject".into(), "arn:aws:s3:::b/k".into())
        ]
    );
    let r = inv("aws s3 cp f s3://b/k --acl bucket-owner-full-control")
        .requests(&ENV)
        .unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(r[1].action, "s3:PutObjectAcl");
    assert!(r[1].note.as_ref().unwrap().contains("9.15"));
    assert_eq!(
        reqs("aws s3 mv s3://b/k ./k"),
        vec![
            ("s3:GetObject".into(), "arn:aws:s3:::b/k".into()),
            ("s3:DeleteObject".into(), "arn:aws:s3:::b/k".into())
        ]
    );
    assert_eq!(
        reqs("aws s3 cp --recursive s3://b/logs ./logs"),
        vec![
            ("s3:ListBucket".into(), "arn:aws:s3:::b".into()),
            ("s3:GetObject".into(), "arn:aws:s3:::b/logs/*".into())
        ]
    );
    assert_eq!(
        reqs("aws s3 cp dir s3://b --recursive"),
        one("s3:PutObject", "arn:aws:s3:::b/*")
    );
}

#[test]
fn ls_rm_sync_mb_rb() {
    assert_eq!(reqs("aws s3 ls"), one("s3:ListAllMyBuckets", "*"));
    let r = inv("aws s3 ls s3://b/home/").requests(&ENV).unwrap();
    assert_eq!(r[0].action, "s3:ListBucket");
    assert_eq!(r[0].resource, "arn:aws:s3:::b");
    assert_eq!(
        r[0].context,
        vec![
            ("s3:prefix".to_string(), "home/".to_string()),
            ("s3:delimiter".to_string(), "/".to_string()),
            ("aws:SecureTransport".to_string(), "true".to_string())
        ]
    );
    let r = inv("aws s3 ls s3://b --recursive").requests(&ENV).unwrap();
    assert_eq!(r[0].context.len(), 1, "{:?}", r[0].context);
    assert_eq!(
        reqs("aws s3 rm s3://b/k"),
        one("s3:DeleteObject", "arn:aws:s3:::b/k")
    );
    assert_eq!(
        reqs("aws s3 sync . s3://b/site --delete"),
        vec![
            ("s3:ListBucket".into(), "arn:aws:s3:::b".into()),
            ("s3:PutObject".into(), "arn:aws:s3:::b/site/*".into()),
            ("s3:DeleteObject".into(), "arn:aws:s3:::b/site/*".into())
        ]
    );
    assert_eq!(
        reqs("aws s3 sync s3://b ./local"),
        vec![
            ("s3:ListBucket".into(), "arn:aws:s3:::b".into()),
            ("s3:GetObject".into(), "arn:aws:s3:::b/*".into())
        ]
    );
    assert_eq!(
        reqs("aws s3 mb s3://new"),
        one("s3:CreateBucket", "arn:aws:s3:::new")
    );
    assert_eq!(
        reqs("aws s3 rb s3://old"),
        one("s3:DeleteBucket", "arn:aws:s3:::old")
    );
}

#[test]
fn s3api_from_the_table() {
    assert_eq!(
        reqs("aws s3api head-object --bucket b --key k"),
        one("s3:GetObject", "arn:aws:s3:::b/k")
    );
    assert_eq!(
        reqs("aws s3api get-object --bucket b --key k --version-id v1 out.txt"),
        one("s3:GetObjectVersion", "arn:aws:s3:::b/k")
    );
    assert_eq!(
        reqs("aws s3api put-object --bucket b --key k --body f --acl public-read"),
        vec![
            ("s3:PutObject".into(), "arn:aws:s3:::b/k".into()),
            ("s3:PutObjectAcl".into(), "arn:aws:s3:::b/k".into())
        ]
    );
    let r = inv("aws s3api list-objects-v2 --bucket b --prefix p/")
        .requests(&ENV)
        .unwrap();
    assert_eq!(r[0].action, "s3:ListBucket");
    assert_eq!(
        r[0].context,
        vec![
            ("s3:prefix".to_string(), "p/".to_string()),
            ("aws:SecureTransport".to_string(), "true".to_string())
        ]
    );
    assert_eq!(
        reqs("aws s3api get-bucket-policy --bucket b"),
        one("s3:GetBucketPolicy", "arn:aws:s3:::b")
    );
    assert_eq!(
        reqs("aws ec2 describe-instances --region us-west-2"),
        one("ec2:DescribeInstances", "*")
    );
    assert_eq!(
        reqs("aws rds describe-db-instances"),
        one("rds:DescribeDBInstances", "*")
    );
    assert_eq!(
        reqs("aws dynamodb get-item --table-name T --key {}"),
        one(
            "dynamodb:GetItem",
            "arn:aws:dynamodb:eu-west-1:222222222222:table/T"
        )
    );
    assert_eq!(
        reqs("aws sts get-caller-identity"),
        one("sts:GetCallerIdentity", "*")
    );
}

#[test]
fn assume_role_carries_its_parameters() {
    let r = inv("aws sts assume-role --role-arn arn:aws:iam::222222222222:role/r --role-session-name me --external-id X1 --serial-number arn:aws:iam::1:mfa/u --token-code 123456 --tags Key=a,Value=1 Key=b,Value=2")
        .requests(&ENV)
        .unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].action, "sts:AssumeRole");
    assert_eq!(r[0].resource, "arn:aws:iam::222222222222:role/r");
    let p = r[0].assume.as_ref().unwrap();
    assert_eq!(p.session_name.as_deref(), Some("me"));
    assert_eq!(p.external_id.as_deref(), Some("X1"));
    assert!(p.mfa);
    assert_eq!(p.tags.len(), 2);
    assert_eq!(err("aws sts assume-role").kind, ErrorKind::BadCommand);
    assert_eq!(
        err("aws sts assume-role --role-arn r --duration-seconds 1h").kind,
        ErrorKind::BadCommand
    );
}

#[test]
fn errors_are_clear() {
    let e = err("aws lambda publish-layer-version --layer-name x");
    assert_eq!(e.kind, ErrorKind::UnknownCommand);
    let help = e.help.unwrap();
    assert!(
        help.contains("iamsim can --world DIR PRINCIPAL ACTION RESOURCE"),
        "{help}"
    );
    assert!(help.contains("invoke"), "{help}");
    assert!(err("aws frobnicate it").help.unwrap().contains("s3api"));
    assert!(err("aws s3api get-object --bucket b")
        .message
        .contains("needs --key"));
    assert_eq!(err("aws s3 cp a b").kind, ErrorKind::BadCommand);
    assert_eq!(err("aws s3 cp s3:// x").kind, ErrorKind::BadCommand);
    assert_eq!(err("aws s3 cp s3://b/ .").kind, ErrorKind::BadCommand);
    assert_eq!(err("aws s3 cp - s3://b/").kind, ErrorKind::BadCommand);
    assert_eq!(err("aws s3 rm").kind, ErrorKind::BadCommand);
    let words = |l: &str| l.split(' ').map(str::to_string).collect::<Vec<_>>();
    assert!(Invocation::parse(&words("s3 ls")).is_err());
    assert!(Invocation::parse(&words("aws s3")).is_err());
    assert!(Invocation::parse(&words("aws s3 ls --profile")).is_err());
    assert!(Invocation::parse(&[]).is_err());
    let anonymous = Env {
        account: None,
        region: Some("us-east-1"),
        caller: None,
    };
    assert!(inv("aws iam get-role --role-name r")
        .requests(&anonymous)
        .is_err());
}
