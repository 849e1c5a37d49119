//! Which IAM requests an AWS CLI command makes, as data (rules 2.3, 7.3).
//!
//! To teach iamsim a command, add a [`Command`] to [`COMMANDS`]: its service and name as typed
//! after `aws`, and the requests it makes. A request's resource is a template:
//!
//! - `{--option}`: the value of that option of the command (the command needs it);
//! - `{region}`: `--region`, else the profile's `region`, else `us-east-1`;
//! - `{account}`: the account of the principal making the request (after the profile's roles).
//!
//! A context entry `(KEY, TEMPLATE)` is left out when its options are not given. [`When`] makes
//! a request depend on an option (`put-object --acl` also needs `s3:PutObjectAcl`, 9.15).
//! The `aws s3` path commands and `aws sts assume-role` read their arguments in code
//! ([`Handler`]), but are listed here too, so this table is the list of what iamsim knows.

/// When a request is made.
#[derive(Clone, Copy, Debug)]
pub enum When {
    Always,
    /// Only when one of these options is given.
    With(&'static [&'static str]),
    /// Only when none of these options is given.
    Without(&'static [&'static str]),
}

/// One IAM request of a command.
#[derive(Clone, Copy, Debug)]
pub struct Req {
    pub action: &'static str,
    pub resource: &'static str,
    pub when: When,
    pub context: &'static [(&'static str, &'static str)],
}

/// How a command's arguments become requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handler {
    /// The command's [`Command::requests`].
    Table,
    /// `aws s3 cp|mv|rm|ls|sync|mb|rb|presign`: S3 paths, local paths and `--recursive`.
    S3Paths,
    /// `aws sts assume-role`: one AssumeRole call with its parameters.
    AssumeRole,
}

#[derive(Clone, Copy, Debug)]
pub struct Command {
    pub service: &'static str,
    pub name: &'static str,
    pub handler: Handler,
    pub requests: &'static [Req],
}

const fn req(action: &'static str, resource: &'static str) -> Req {
    Req {
        action,
        resource,
        when: When::Always,
        context: &[],
    }
}

const fn req_when(action: &'static str, resource: &'static str, when: When) -> Req {
    Req {
        action,
        resource,
        when,
        context: &[],
    }
}

const fn cmd(service: &'static str, name: &'static str, requests: &'static [Req]) -> Command {
    Command {
        service,
        name,
        handler: Handler::Table,
        requests,
    }
}

const fn special(service: &'static str, name: &'static str, handler: Handler) -> Command {
    Command {
        service,
        name,
        handler,
        requests: &[],
    }
}

const BUCKET: &str = "arn:aws:s3:::{--bucket}";
const OBJECT: &str = "arn:aws:s3:::{--bucket}/{--key}";
/// The options of `put-object` and friends that set an ACL (9.15).
const ACL_OPTIONS: &[&str] = &[
    "--acl",
    "--grant-full-control",
    "--grant-read",
    "--grant-read-acp",
    "--grant-write-acp",
];
const LIST_CONTEXT: &[(&str, &str)] = &[
    ("s3:prefix", "{--prefix}"),
    ("s3:delimiter", "{--delimiter}"),
    ("s3:max-keys", "{--max-keys}"),
];
const DYNAMODB_TABLE: &str = "arn:aws:dynamodb:{region}:{account}:table/{--table-name}";

pub const COMMANDS: &[Command] = &[
    // aws s3: paths, read in code.
    special("s3", "cp", Handler::S3Paths),
    special("s3", "mv", Handler::S3Paths),
    special("s3", "rm", Handler::S3Paths),
    special("s3", "ls", Handler::S3Paths),
    special("s3", "sync", Handler::S3Paths),
    special("s3", "mb", Handler::S3Paths),
    special("s3", "rb", Handler::S3Paths),
    special("s3", "presign", Handler::S3Paths),
    // aws s3api (7.3)
    cmd("s3api", "list-buckets", &[req("s3:ListAllMyBuckets", "*")]),
    cmd(
        "s3api",
        "list-objects",
        &[Req {
            action: "s3:ListBucket",
            resource: BUCKET,
            when: When::Always,
            context: LIST_CONTEXT,
        }],
    ),
    cmd(
        "s3api",
        "list-objects-v2",
        &[Req {
            action: "s3:ListBucket",
            resource: BUCKET,
            when: When::Always,
            context: LIST_CONTEXT,
        }],
    ),
    cmd(
        "s3api",
        "list-object-versions",
        &[Req {
            action: "s3:ListBucketVersions",
            resource: BUCKET,
            when: When::Always,
            context: LIST_CONTEXT,
        }],
    ),
    cmd("s3api", "head-bucket", &[req("s3:ListBucket", BUCKET)]),
    cmd(
        "s3api",
        "get-object",
        &[
            req_when("s3:GetObject", OBJECT, When::Without(&["--version-id"])),
            req_when("s3:GetObjectVersion", OBJECT, When::With(&["--version-id"])),
        ],
    ),
    cmd(
        "s3api",
        "head-object",
        &[
            req_when("s3:GetObject", OBJECT, When::Without(&["--version-id"])),
            req_when("s3:GetObjectVersion", OBJECT, When::With(&["--version-id"])),
        ],
    ),
    cmd(
        "s3api",
        "put-object",
        &[
            req("s3:PutObject", OBJECT),
            req_when("s3:PutObjectAcl", OBJECT, When::With(ACL_OPTIONS)),
            req_when("s3:PutObjectTagging", OBJECT, When::With(&["--tagging"])),
        ],
    ),
    cmd(
        "s3api",
        "copy-object",
        &[
            req("s3:PutObject", OBJECT),
            req("s3:GetObject", "arn:aws:s3:::{--copy-source}"),
            req_when("s3:PutObjectAcl", OBJECT, When::With(ACL_OPTIONS)),
        ],
    ),
    cmd(
        "s3api",
        "delete-object",
        &[
            req_when("s3:DeleteObject", OBJECT, When::Without(&["--version-id"])),
            req_when(
                "s3:DeleteObjectVersion",
                OBJECT,
                When::With(&["--version-id"]),
            ),
        ],
    ),
    cmd(
        "s3api",
        "create-multipart-upload",
        &[req("s3:PutObject", OBJECT)],
    ),
    cmd("s3api", "upload-part", &[req("s3:PutObject", OBJECT)]),
    cmd(
        "s3api",
        "complete-multipart-upload",
        &[req("s3:PutObject", OBJECT)],
    ),
    cmd(
        "s3api",
        "abort-multipart-upload",
        &[req("s3:AbortMultipartUpload", OBJECT)],
    ),
    cmd(
        "s3api",
        "list-multipart-uploads",
        &[req("s3:ListBucketMultipartUploads", BUCKET)],
    ),
    cmd("s3api", "get-object-acl", &[req("s3:GetObjectAcl", OBJECT)]),
    cmd("s3api", "put-object-acl", &[req("s3:PutObjectAcl", OBJECT)]),
    cmd(
        "s3api",
        "get-object-tagging",
        &[req("s3:GetObjectTagging", OBJECT)],
    ),
    cmd(
        "s3api",
        "put-object-tagging",
        &[req("s3:PutObjectTagging", OBJECT)],
    ),
    cmd(
        "s3api",
        "delete-object-tagging",
        &[req("s3:DeleteObjectTagging", OBJECT)],
    ),
    cmd("s3api", "create-bucket", &[req("s3:CreateBucket", BUCKET)]),
    cmd("s3api", "delete-bucket", &[req("s3:DeleteBucket", BUCKET)]),
    cmd(
        "s3api",
        "get-bucket-policy",
        &[req("s3:GetBucketPolicy", BUCKET)],
    ),
    cmd(
        "s3api",
        "put-bucket-policy",
        &[req("s3:PutBucketPolicy", BUCKET)],
    ),
    cmd(
        "s3api",
        "delete-bucket-policy",
        &[req("s3:DeleteBucketPolicy", BUCKET)],
    ),
    cmd("s3api", "get-bucket-acl", &[req("s3:GetBucketAcl", BUCKET)]),
    cmd("s3api", "put-bucket-acl", &[req("s3:PutBucketAcl", BUCKET)]),
    cmd(
        "s3api",
        "get-bucket-location",
        &[req("s3:GetBucketLocation", BUCKET)],
    ),
    cmd(
        "s3api",
        "get-bucket-versioning",
        &[req("s3:GetBucketVersioning", BUCKET)],
    ),
    cmd(
        "s3api",
        "put-bucket-versioning",
        &[req("s3:PutBucketVersioning", BUCKET)],
    ),
    cmd(
        "s3api",
        "get-bucket-tagging",
        &[req("s3:GetBucketTagging", BUCKET)],
    ),
    cmd(
        "s3api",
        "put-bucket-tagging",
        &[req("s3:PutBucketTagging", BUCKET)],
    ),
    cmd(
        "s3api",
        "get-bucket-encryption",
        &[req("s3:GetEncryptionConfiguration", BUCKET)],
    ),
    cmd(
        "s3api",
        "get-public-access-block",
        &[req("s3:GetBucketPublicAccessBlock", BUCKET)],
    ),
    cmd(
        "s3api",
        "put-public-access-block",
        &[req("s3:PutBucketPublicAccessBlock", BUCKET)],
    ),
    // aws sts
    special("sts", "assume-role", Handler::AssumeRole),
    cmd(
        "sts",
        "get-caller-identity",
        &[req("sts:GetCallerIdentity", "*")],
    ),
    cmd(
        "sts",
        "get-session-token",
        &[req("sts:GetSessionToken", "*")],
    ),
    // Describe and list calls without resource-level permissions act on `*`.
    cmd(
        "ec2",
        "describe-instances",
        &[req("ec2:DescribeInstances", "*")],
    ),
    cmd("ec2", "describe-vpcs", &[req("ec2:DescribeVpcs", "*")]),
    cmd(
        "ec2",
        "describe-subnets",
        &[req("ec2:DescribeSubnets", "*")],
    ),
    cmd(
        "ec2",
        "describe-security-groups",
        &[req("ec2:DescribeSecurityGroups", "*")],
    ),
    cmd("ec2", "describe-images", &[req("ec2:DescribeImages", "*")]),
    cmd(
        "ec2",
        "describe-regions",
        &[req("ec2:DescribeRegions", "*")],
    ),
    cmd(
        "rds",
        "describe-db-instances",
        &[req("rds:DescribeDBInstances", "*")],
    ),
    cmd(
        "rds",
        "describe-db-clusters",
        &[req("rds:DescribeDBClusters", "*")],
    ),
    cmd(
        "lambda",
        "list-functions",
        &[req("lambda:ListFunctions", "*")],
    ),
    cmd(
        "lambda",
        "invoke",
        &[req(
            "lambda:InvokeFunction",
            "arn:aws:lambda:{region}:{account}:function:{--function-name}",
        )],
    ),
    cmd(
        "lambda",
        "get-function",
        &[req(
            "lambda:GetFunction",
            "arn:aws:lambda:{region}:{account}:function:{--function-name}",
        )],
    ),
    cmd(
        "dynamodb",
        "list-tables",
        &[req("dynamodb:ListTables", "*")],
    ),
    cmd(
        "dynamodb",
        "describe-table",
        &[req("dynamodb:DescribeTable", DYNAMODB_TABLE)],
    ),
    cmd(
        "dynamodb",
        "get-item",
        &[req("dynamodb:GetItem", DYNAMODB_TABLE)],
    ),
    cmd(
        "dynamodb",
        "put-item",
        &[req("dynamodb:PutItem", DYNAMODB_TABLE)],
    ),
    cmd(
        "dynamodb",
        "delete-item",
        &[req("dynamodb:DeleteItem", DYNAMODB_TABLE)],
    ),
    cmd(
        "dynamodb",
        "query",
        &[req("dynamodb:Query", DYNAMODB_TABLE)],
    ),
    cmd("dynamodb", "scan", &[req("dynamodb:Scan", DYNAMODB_TABLE)]),
    cmd(
        "iam",
        "get-user",
        &[req(
            "iam:GetUser",
            "arn:aws:iam::{account}:user/{--user-name}",
        )],
    ),
    cmd(
        "iam",
        "get-role",
        &[req(
            "iam:GetRole",
            "arn:aws:iam::{account}:role/{--role-name}",
        )],
    ),
    cmd("sqs", "list-queues", &[req("sqs:ListQueues", "*")]),
    cmd("sns", "list-topics", &[req("sns:ListTopics", "*")]),
    cmd("kms", "list-keys", &[req("kms:ListKeys", "*")]),
    cmd(
        "secretsmanager",
        "list-secrets",
        &[req("secretsmanager:ListSecrets", "*")],
    ),
];

/// Options that take no value. Any other `--option` takes the next word as its value, unless
/// that word is itself an option.
pub const FLAGS: &[&str] = &[
    // global
    "--debug",
    "--no-verify-ssl",
    "--no-paginate",
    "--no-sign-request",
    "--no-cli-pager",
    "--cli-auto-prompt",
    "--no-cli-auto-prompt",
    // aws s3
    "--recursive",
    "--dryrun",
    "--quiet",
    "--delete",
    "--exact-timestamps",
    "--size-only",
    "--follow-symlinks",
    "--no-follow-symlinks",
    "--no-guess-mime-type",
    "--only-show-errors",
    "--no-progress",
    "--human-readable",
    "--summarize",
    "--force",
    "--ignore-glacier-warnings",
    "--force-glacier-transfer",
    "--no-overwrite",
    // API commands
    "--dry-run",
    "--no-dry-run",
];

/// The command `aws SERVICE NAME`, if iamsim knows it.
pub fn find(service: &str, name: &str) -> Option<&'static Command> {
    COMMANDS
        .iter()
        .find(|c| c.service == service && c.name == name)
}

/// The commands iamsim knows of a service, or the services when it knows none.
pub fn known(service: &str) -> String {
    let names: Vec<&str> = COMMANDS
        .iter()
        .filter(|c| c.service == service)
        .map(|c| c.name)
        .collect();
    if names.is_empty() {
        let mut services: Vec<&str> = COMMANDS.iter().map(|c| c.service).collect();
        services.dedup();
        services.sort_unstable();
        services.dedup();
        format!("the services iamsim knows are: {}", services.join(", "))
    } else {
        format!(
            "the `aws {service}` commands iamsim knows are: {}",
            names.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_listed_once_and_every_action_is_service_colon_name() {
        for (i, c) in COMMANDS.iter().enumerate() {
            assert!(
                COMMANDS[..i]
                    .iter()
                    .all(|d| (d.service, d.name) != (c.service, c.name)),
                "{} {} twice",
                c.service,
                c.name
            );
            assert_eq!(c.handler == Handler::Table, !c.requests.is_empty());
            for r in c.requests {
                assert!(
                    iamsim_engine::Action::parse(r.action).is_ok(),
                    "{}",
                    r.action
                );
                assert!(r.resource == "*" || r.resource.starts_with("arn:aws:"));
            }
        }
    }
}
