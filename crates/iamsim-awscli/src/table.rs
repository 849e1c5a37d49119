//! Which IAM requests an AWS CLI command makes, as data (rules 2.3, 7.3).
//!
//! To teach iamsim a command, add a [`Command`] to [`COMMANDS`]: its service and name as typed
//! after `aws`, and the requests it makes. A request's resource is a template (see the
//! `template` module for every slot and form):
//!
//! - `{--option}`: the value of that option of the command (the command needs it); a list
//!   option ([`LIST_OPTIONS`]) gives one request per value;
//! - `{--option|FORM}`: a value AWS also accepts as an ARN (`--function-name`, `--table-name`,
//!   `--secret-id`, `--key-id`, ...): an ARN names the resource whole, with its own account and
//!   Region;
//! - `{region}`: `--region`, else `AWS_REGION`/`AWS_DEFAULT_REGION`, else the profile's `region`
//!   (a template that needs it and has none is an error, as in the AWS CLI);
//! - `{account}`: the account of the principal making the request (after the profile's roles);
//! - `{caller-user}`: the name of the IAM user making the request.
//!
//! A context entry `(KEY, TEMPLATE)` is left out when its options are not given; a KEY ending in
//! `*` takes a map (`KEY=VALUE,...` or JSON) and gives one key per entry. [`When`] makes
//! a request depend on an option (`put-object --acl` also needs `s3:PutObjectAcl`, 9.15).
//! The `aws s3` path commands, `aws sts assume-role` and `assume-role-with-web-identity` read
//! their arguments in code ([`Handler`]), but are listed here too, so this table is the list of
//! what iamsim knows. Every request of every command also carries `aws:SecureTransport` and,
//! where the command tells it, `aws:RequestedRegion` ([`GLOBAL_SERVICES`]).

/// When a request is made.
#[derive(Clone, Copy, Debug)]
pub enum When {
    /// Every time the command runs.
    Always,
    /// Only when one of these options is given.
    With(&'static [&'static str]),
    /// Only when none of these options is given.
    Without(&'static [&'static str]),
    /// Only when `--copy-source` names a version (`?versionId=`).
    SourceVersion,
    /// Only when `--copy-source` names no version.
    SourceCurrent,
}

/// One IAM request of a command.
#[derive(Clone, Copy, Debug)]
pub struct Req {
    /// `service:Action`, as the catalog spells it.
    pub action: &'static str,
    /// The resource template (see the module docs).
    pub resource: &'static str,
    /// When the request is made.
    pub when: When,
    /// Context keys and their templates.
    pub context: &'static [(&'static str, &'static str)],
    /// What the reader should know about how the request was derived.
    pub note: Option<&'static str>,
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
    /// `aws sts assume-role-with-web-identity`: a request of the token's OIDC provider, with
    /// the token's claims as context.
    WebIdentity,
    /// `aws s3api delete-objects`: one DeleteObject (or DeleteObjectVersion) per key of
    /// `--delete`.
    DeleteObjects,
}

/// One AWS CLI command iamsim knows.
#[derive(Clone, Copy, Debug)]
pub struct Command {
    /// The service word (`s3api`).
    pub service: &'static str,
    /// The command word (`get-object`).
    pub name: &'static str,
    /// How its arguments become requests.
    pub handler: Handler,
    /// The requests it makes (for [`Handler::Table`]).
    pub requests: &'static [Req],
}

const fn req(action: &'static str, resource: &'static str) -> Req {
    Req {
        action,
        resource,
        when: When::Always,
        context: &[],
        note: None,
    }
}

const fn req_when(action: &'static str, resource: &'static str, when: When) -> Req {
    Req {
        action,
        resource,
        when,
        context: &[],
        note: None,
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

const fn full(
    action: &'static str,
    resource: &'static str,
    when: When,
    context: &'static [(&'static str, &'static str)],
) -> Req {
    Req {
        action,
        resource,
        when,
        context,
        note: None,
    }
}

/// `r` with a note for the reader.
const fn noted(r: Req, note: &'static str) -> Req {
    Req {
        note: Some(note),
        ..r
    }
}

/// Why PassRole is asked for every role of the account.
const PROFILE_ROLE_NOTE: &str = "the instance profile's role is not in the command: iamsim asks iam:PassRole for every role of the account as one set, which a statement naming only some roles does not cover; ask for the role itself with `iamsim can ... iam:PassRole ROLE_ARN`";
/// For the STS calls AWS documents as needing no permission.
const NO_PERMISSION_NOTE: &str = "AWS documents that this call needs no permission and that policies do not control it (a Deny does not stop it): the decision is what the policies say of the action, not whether the call succeeds";

/// For a secret asked by name (the `secret` form of the template module).
pub(crate) const SECRET_NOTE: &str = "a secret's ARN ends in six characters AWS adds to its name: iamsim asks for every secret of that name (`NAME-??????`), which a statement naming one full ARN does not cover; give the full ARN with --secret-id to ask for that one";

const BUCKET: &str = "arn:aws:s3:::{--bucket|bucket}";
const OBJECT: &str = "arn:aws:s3:::{--bucket|bucket}/{--key}";
const COPY_SOURCE: &str = "{--copy-source|copy-source}";
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
/// The headers of an upload that policies can test (`s3:x-amz-*`, object lock); SSE-KMS keys
/// are also what the engine's companion KMS requests use.
const UPLOAD_CONTEXT: &[(&str, &str)] = &[
    ("s3:x-amz-acl", "{--acl}"),
    (
        "s3:x-amz-server-side-encryption",
        "{--server-side-encryption}",
    ),
    (
        "s3:x-amz-server-side-encryption-aws-kms-key-id",
        "{--ssekms-key-id}",
    ),
    ("s3:x-amz-storage-class", "{--storage-class}"),
    ("s3:object-lock-mode", "{--object-lock-mode}"),
    (
        "s3:object-lock-retain-until-date",
        "{--object-lock-retain-until-date}",
    ),
    (
        "s3:object-lock-legal-hold",
        "{--object-lock-legal-hold-status}",
    ),
];
const RETENTION_OPTIONS: &[&str] = &["--object-lock-mode", "--object-lock-retain-until-date"];
const RETENTION_CONTEXT: &[(&str, &str)] = &[
    ("s3:object-lock-mode", "{--object-lock-mode}"),
    (
        "s3:object-lock-retain-until-date",
        "{--object-lock-retain-until-date}",
    ),
];
const LEGAL_HOLD_OPTION: &[&str] = &["--object-lock-legal-hold-status"];
const LEGAL_HOLD_CONTEXT: &[(&str, &str)] = &[(
    "s3:object-lock-legal-hold",
    "{--object-lock-legal-hold-status}",
)];
const BYPASS: &[&str] = &["--bypass-governance-retention"];
/// An upload's requests: the object, its ACL, tags and object lock settings.
const UPLOAD: &[Req] = &[
    full("s3:PutObject", OBJECT, When::Always, UPLOAD_CONTEXT),
    req_when("s3:PutObjectAcl", OBJECT, When::With(ACL_OPTIONS)),
    req_when("s3:PutObjectTagging", OBJECT, When::With(&["--tagging"])),
    full(
        "s3:PutObjectRetention",
        OBJECT,
        When::With(RETENTION_OPTIONS),
        RETENTION_CONTEXT,
    ),
    full(
        "s3:PutObjectLegalHold",
        OBJECT,
        When::With(LEGAL_HOLD_OPTION),
        LEGAL_HOLD_CONTEXT,
    ),
];
const COPY: &[Req] = &[
    req_when("s3:GetObject", COPY_SOURCE, When::SourceCurrent),
    req_when("s3:GetObjectVersion", COPY_SOURCE, When::SourceVersion),
    full("s3:PutObject", OBJECT, When::Always, UPLOAD_CONTEXT),
    req_when("s3:PutObjectAcl", OBJECT, When::With(ACL_OPTIONS)),
    req_when("s3:PutObjectTagging", OBJECT, When::With(&["--tagging"])),
    full(
        "s3:PutObjectRetention",
        OBJECT,
        When::With(RETENTION_OPTIONS),
        RETENTION_CONTEXT,
    ),
    full(
        "s3:PutObjectLegalHold",
        OBJECT,
        When::With(LEGAL_HOLD_OPTION),
        LEGAL_HOLD_CONTEXT,
    ),
];
const GET_OBJECT: &[Req] = &[
    req_when("s3:GetObject", OBJECT, When::Without(&["--version-id"])),
    req_when("s3:GetObjectVersion", OBJECT, When::With(&["--version-id"])),
];
const DYNAMODB_TABLE: &str = "arn:aws:dynamodb:{region}:{account}:table/{--table-name|arn}";
const DYNAMODB_INDEX: &str =
    "arn:aws:dynamodb:{region}:{account}:table/{--table-name|arn}/index/{--index-name}";
const FUNCTION: &str = "arn:aws:lambda:{region}:{account}:function:{--function-name|lambda}";
const FUNCTION_QUALIFIED: &str =
    "arn:aws:lambda:{region}:{account}:function:{--function-name|lambda}:{--qualifier}";
const INSTANCES: &str = "arn:aws:ec2:{region}:{account}:instance/{--instance-ids}";
const PARAMETER: &str = "arn:aws:ssm:{region}:{account}:parameter/{--name|ssm}";
const SECRET: &str = "arn:aws:secretsmanager:{region}:{account}:secret:{--secret-id|secret}";
const KEY: &str = "arn:aws:kms:{region}:{account}:key/{--key-id|kms}";
/// `--encryption-context KEY=VALUE,...`: one `kms:EncryptionContext:KEY` per entry.
const ENCRYPTION_CONTEXT: &[(&str, &str)] =
    &[("kms:EncryptionContext:*", "{--encryption-context}")];
const USER: &str = "arn:aws:iam::{account}:user/{--user-name}";
/// The calling IAM user, for commands whose `--user-name` defaults to the caller.
const CALLER_USER: &str = "arn:aws:iam::{account}:user/{caller-user}";
const ROLE: &str = "arn:aws:iam::{account}:role/{--role-name}";
const GROUP: &str = "arn:aws:iam::{account}:group/{--group-name}";
const POLICY: &str = "arn:aws:iam::{account}:policy/{--policy-arn|arn-only}";
const INSTANCE: &str = "arn:aws:ec2:{region}:{account}:instance/{--instance-id}";
const INSTANCE_PROFILE: &str = "arn:aws:iam::{account}:instance-profile/{--instance-profile-name}";
const BOUNDARY_CONTEXT: &[(&str, &str)] =
    &[("iam:PermissionsBoundary", "{--permissions-boundary}")];
const POLICY_ARN_CONTEXT: &[(&str, &str)] = &[("iam:PolicyARN", "{--policy-arn}")];
const NO_USER_NAME: When = When::Without(&["--user-name"]);
const USER_NAME: When = When::With(&["--user-name"]);
/// `iam:PassRole` for `--role ROLE_ARN`, passed to the service named.
const fn pass_role(service_principal: &'static [(&'static str, &'static str)], when: When) -> Req {
    full(
        "iam:PassRole",
        "arn:aws:iam::{account}:role/{--role|arn-only}",
        when,
        service_principal,
    )
}
const PASSED_TO_LAMBDA: &[(&str, &str)] = &[("iam:PassedToService", "lambda.amazonaws.com")];

/// Services whose every request is made in `us-east-1` (`aws:RequestedRegion`), whatever
/// `--region` says: their endpoint is global.
pub const GLOBAL_SERVICES: &[&str] = &["iam", "organizations", "cloudfront", "route53"];

/// Options that take several values (`--instance-ids i-1 i-2`): the words after them up to the
/// next option.
pub const LIST_OPTIONS: &[&str] = &["--instance-ids", "--names"];

/// Every command iamsim knows, by service and name.
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
        &[full("s3:ListBucket", BUCKET, When::Always, LIST_CONTEXT)],
    ),
    cmd(
        "s3api",
        "list-objects-v2",
        &[full("s3:ListBucket", BUCKET, When::Always, LIST_CONTEXT)],
    ),
    cmd(
        "s3api",
        "list-object-versions",
        &[full(
            "s3:ListBucketVersions",
            BUCKET,
            When::Always,
            LIST_CONTEXT,
        )],
    ),
    cmd("s3api", "head-bucket", &[req("s3:ListBucket", BUCKET)]),
    cmd("s3api", "get-object", GET_OBJECT),
    cmd("s3api", "head-object", GET_OBJECT),
    cmd("s3api", "put-object", UPLOAD),
    cmd("s3api", "copy-object", COPY),
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
            req_when("s3:BypassGovernanceRetention", OBJECT, When::With(BYPASS)),
        ],
    ),
    special("s3api", "delete-objects", Handler::DeleteObjects),
    cmd(
        "s3api",
        "put-object-retention",
        &[
            req("s3:PutObjectRetention", OBJECT),
            req_when("s3:BypassGovernanceRetention", OBJECT, When::With(BYPASS)),
        ],
    ),
    cmd(
        "s3api",
        "get-object-retention",
        &[req("s3:GetObjectRetention", OBJECT)],
    ),
    cmd(
        "s3api",
        "put-object-legal-hold",
        &[req("s3:PutObjectLegalHold", OBJECT)],
    ),
    cmd(
        "s3api",
        "get-object-legal-hold",
        &[req("s3:GetObjectLegalHold", OBJECT)],
    ),
    cmd(
        "s3api",
        "create-multipart-upload",
        &[full("s3:PutObject", OBJECT, When::Always, UPLOAD_CONTEXT)],
    ),
    cmd("s3api", "upload-part", &[req("s3:PutObject", OBJECT)]),
    cmd(
        "s3api",
        "upload-part-copy",
        &[
            req_when("s3:GetObject", COPY_SOURCE, When::SourceCurrent),
            req_when("s3:GetObjectVersion", COPY_SOURCE, When::SourceVersion),
            req("s3:PutObject", OBJECT),
        ],
    ),
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
    special("sts", "assume-role-with-web-identity", Handler::WebIdentity),
    cmd(
        "sts",
        "get-caller-identity",
        &[noted(req("sts:GetCallerIdentity", "*"), NO_PERMISSION_NOTE)],
    ),
    cmd(
        "sts",
        "get-session-token",
        &[noted(req("sts:GetSessionToken", "*"), NO_PERMISSION_NOTE)],
    ),
    // aws ec2. Describe calls have no resource-level permissions and act on `*`.
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
        "ec2",
        "describe-snapshots",
        &[req("ec2:DescribeSnapshots", "*")],
    ),
    cmd(
        "ec2",
        "describe-volumes",
        &[req("ec2:DescribeVolumes", "*")],
    ),
    cmd(
        "ec2",
        "run-instances",
        &[
            req(
                "ec2:RunInstances",
                "arn:aws:ec2:{region}:{account}:instance/*",
            ),
            req(
                "ec2:RunInstances",
                "arn:aws:ec2:{region}::image/{--image-id}",
            ),
            req_when(
                "ec2:RunInstances",
                "arn:aws:ec2:{region}:{account}:subnet/{--subnet-id}",
                When::With(&["--subnet-id"]),
            ),
            // The instance profile's role is not in the command: every role of the account,
            // as a set (formats.md 6).
            noted(
                full(
                    "iam:PassRole",
                    "arn:aws:iam::{account}:role/*",
                    When::With(&["--iam-instance-profile"]),
                    &[("iam:PassedToService", "ec2.amazonaws.com")],
                ),
                PROFILE_ROLE_NOTE,
            ),
        ],
    ),
    cmd(
        "ec2",
        "start-instances",
        &[req("ec2:StartInstances", INSTANCES)],
    ),
    cmd(
        "ec2",
        "stop-instances",
        &[req("ec2:StopInstances", INSTANCES)],
    ),
    cmd(
        "ec2",
        "terminate-instances",
        &[req("ec2:TerminateInstances", INSTANCES)],
    ),
    cmd(
        "ec2",
        "create-snapshot",
        &[
            req(
                "ec2:CreateSnapshot",
                "arn:aws:ec2:{region}:{account}:volume/{--volume-id}",
            ),
            req("ec2:CreateSnapshot", "arn:aws:ec2:{region}::snapshot/*"),
        ],
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
    // aws lambda: --function-name is a name, a partial ARN or an ARN.
    cmd(
        "lambda",
        "list-functions",
        &[req("lambda:ListFunctions", "*")],
    ),
    cmd(
        "lambda",
        "invoke",
        &[
            req_when(
                "lambda:InvokeFunction",
                FUNCTION,
                When::Without(&["--qualifier"]),
            ),
            req_when(
                "lambda:InvokeFunction",
                FUNCTION_QUALIFIED,
                When::With(&["--qualifier"]),
            ),
        ],
    ),
    cmd(
        "lambda",
        "get-function",
        &[
            req_when(
                "lambda:GetFunction",
                FUNCTION,
                When::Without(&["--qualifier"]),
            ),
            req_when(
                "lambda:GetFunction",
                FUNCTION_QUALIFIED,
                When::With(&["--qualifier"]),
            ),
        ],
    ),
    cmd(
        "lambda",
        "create-function",
        &[
            req("lambda:CreateFunction", FUNCTION),
            pass_role(PASSED_TO_LAMBDA, When::Always),
        ],
    ),
    cmd(
        "lambda",
        "update-function-code",
        &[req("lambda:UpdateFunctionCode", FUNCTION)],
    ),
    cmd(
        "lambda",
        "update-function-configuration",
        &[
            req("lambda:UpdateFunctionConfiguration", FUNCTION),
            pass_role(PASSED_TO_LAMBDA, When::With(&["--role"])),
        ],
    ),
    cmd(
        "lambda",
        "add-permission",
        &[full(
            "lambda:AddPermission",
            FUNCTION,
            When::Always,
            &[("lambda:Principal", "{--principal}")],
        )],
    ),
    cmd("lambda", "get-policy", &[req("lambda:GetPolicy", FUNCTION)]),
    cmd(
        "lambda",
        "delete-function",
        &[req("lambda:DeleteFunction", FUNCTION)],
    ),
    // aws ssm
    cmd(
        "ssm",
        "send-command",
        &[
            req(
                "ssm:SendCommand",
                "arn:aws:ssm:{region}:{account}:document/{--document-name|ssm-document}",
            ),
            req("ssm:SendCommand", INSTANCES),
        ],
    ),
    cmd(
        "ssm",
        "start-session",
        &[
            req(
                "ssm:StartSession",
                "arn:aws:ec2:{region}:{account}:instance/{--target}",
            ),
            req_when(
                "ssm:StartSession",
                "arn:aws:ssm:{region}:{account}:document/{--document-name|ssm-document}",
                When::With(&["--document-name"]),
            ),
            req_when(
                "ssm:StartSession",
                "arn:aws:ssm:{region}:{account}:document/SSM-SessionManagerRunShell",
                When::Without(&["--document-name"]),
            ),
        ],
    ),
    cmd(
        "ssm",
        "get-parameter",
        &[req("ssm:GetParameter", PARAMETER)],
    ),
    cmd(
        "ssm",
        "get-parameters",
        &[req(
            "ssm:GetParameters",
            "arn:aws:ssm:{region}:{account}:parameter/{--names|ssm}",
        )],
    ),
    cmd(
        "ssm",
        "get-parameters-by-path",
        &[req(
            "ssm:GetParametersByPath",
            "arn:aws:ssm:{region}:{account}:parameter/{--path|ssm}",
        )],
    ),
    cmd(
        "ssm",
        "put-parameter",
        &[req("ssm:PutParameter", PARAMETER)],
    ),
    cmd(
        "ssm",
        "describe-parameters",
        &[req("ssm:DescribeParameters", "*")],
    ),
    // aws secretsmanager: a name stands for every secret of that name (AWS adds six random
    // characters to the ARN).
    cmd(
        "secretsmanager",
        "list-secrets",
        &[req("secretsmanager:ListSecrets", "*")],
    ),
    cmd(
        "secretsmanager",
        "get-secret-value",
        &[req("secretsmanager:GetSecretValue", SECRET)],
    ),
    cmd(
        "secretsmanager",
        "put-secret-value",
        &[req("secretsmanager:PutSecretValue", SECRET)],
    ),
    cmd(
        "secretsmanager",
        "describe-secret",
        &[req("secretsmanager:DescribeSecret", SECRET)],
    ),
    cmd(
        "secretsmanager",
        "create-secret",
        &[full(
            "secretsmanager:CreateSecret",
            "arn:aws:secretsmanager:{region}:{account}:secret:{--name|secret}",
            When::Always,
            &[("secretsmanager:Name", "{--name}")],
        )],
    ),
    // aws kms: --key-id is a key id or key ARN.
    cmd("kms", "list-keys", &[req("kms:ListKeys", "*")]),
    cmd("kms", "describe-key", &[req("kms:DescribeKey", KEY)]),
    cmd(
        "kms",
        "decrypt",
        // Without --key-id the key is named inside the ciphertext, which iamsim does not read:
        // the command needs it.
        &[full("kms:Decrypt", KEY, When::Always, ENCRYPTION_CONTEXT)],
    ),
    cmd(
        "kms",
        "encrypt",
        &[full("kms:Encrypt", KEY, When::Always, ENCRYPTION_CONTEXT)],
    ),
    cmd(
        "kms",
        "generate-data-key",
        &[full(
            "kms:GenerateDataKey",
            KEY,
            When::Always,
            ENCRYPTION_CONTEXT,
        )],
    ),
    cmd(
        "kms",
        "create-grant",
        &[full(
            "kms:CreateGrant",
            KEY,
            When::Always,
            &[
                ("kms:GranteePrincipal", "{--grantee-principal}"),
                ("kms:RetiringPrincipal", "{--retiring-principal}"),
            ],
        )],
    ),
    cmd("kms", "put-key-policy", &[req("kms:PutKeyPolicy", KEY)]),
    cmd("kms", "get-key-policy", &[req("kms:GetKeyPolicy", KEY)]),
    // aws dynamodb: --table-name is a name or a table ARN.
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
        "update-item",
        &[req("dynamodb:UpdateItem", DYNAMODB_TABLE)],
    ),
    cmd(
        "dynamodb",
        "delete-item",
        &[req("dynamodb:DeleteItem", DYNAMODB_TABLE)],
    ),
    cmd(
        "dynamodb",
        "query",
        &[
            req_when(
                "dynamodb:Query",
                DYNAMODB_TABLE,
                When::Without(&["--index-name"]),
            ),
            req_when(
                "dynamodb:Query",
                DYNAMODB_INDEX,
                When::With(&["--index-name"]),
            ),
        ],
    ),
    cmd(
        "dynamodb",
        "scan",
        &[
            req_when(
                "dynamodb:Scan",
                DYNAMODB_TABLE,
                When::Without(&["--index-name"]),
            ),
            req_when(
                "dynamodb:Scan",
                DYNAMODB_INDEX,
                When::With(&["--index-name"]),
            ),
        ],
    ),
    // aws iam (a global service: us-east-1)
    cmd(
        "iam",
        "get-user",
        &[
            req_when("iam:GetUser", USER, USER_NAME),
            req_when("iam:GetUser", CALLER_USER, NO_USER_NAME),
        ],
    ),
    cmd(
        "iam",
        "create-user",
        &[req(
            "iam:CreateUser",
            "arn:aws:iam::{account}:user{--path|path}{--user-name}",
        )],
    ),
    cmd("iam", "get-role", &[req("iam:GetRole", ROLE)]),
    cmd(
        "iam",
        "create-role",
        &[full(
            "iam:CreateRole",
            "arn:aws:iam::{account}:role{--path|path}{--role-name}",
            When::Always,
            &[("iam:PermissionsBoundary", "{--permissions-boundary}")],
        )],
    ),
    cmd(
        "iam",
        "create-access-key",
        &[
            req_when("iam:CreateAccessKey", USER, USER_NAME),
            req_when("iam:CreateAccessKey", CALLER_USER, NO_USER_NAME),
        ],
    ),
    cmd(
        "iam",
        "list-access-keys",
        &[
            req_when("iam:ListAccessKeys", USER, USER_NAME),
            req_when("iam:ListAccessKeys", CALLER_USER, NO_USER_NAME),
        ],
    ),
    cmd(
        "iam",
        "create-login-profile",
        &[
            req_when("iam:CreateLoginProfile", USER, USER_NAME),
            req_when("iam:CreateLoginProfile", CALLER_USER, NO_USER_NAME),
        ],
    ),
    cmd(
        "iam",
        "update-login-profile",
        &[
            req_when("iam:UpdateLoginProfile", USER, USER_NAME),
            req_when("iam:UpdateLoginProfile", CALLER_USER, NO_USER_NAME),
        ],
    ),
    cmd(
        "iam",
        "attach-user-policy",
        &[full(
            "iam:AttachUserPolicy",
            USER,
            When::Always,
            POLICY_ARN_CONTEXT,
        )],
    ),
    cmd(
        "iam",
        "attach-role-policy",
        &[full(
            "iam:AttachRolePolicy",
            ROLE,
            When::Always,
            POLICY_ARN_CONTEXT,
        )],
    ),
    cmd(
        "iam",
        "attach-group-policy",
        &[full(
            "iam:AttachGroupPolicy",
            GROUP,
            When::Always,
            POLICY_ARN_CONTEXT,
        )],
    ),
    cmd("iam", "put-user-policy", &[req("iam:PutUserPolicy", USER)]),
    cmd("iam", "put-role-policy", &[req("iam:PutRolePolicy", ROLE)]),
    cmd(
        "iam",
        "put-group-policy",
        &[req("iam:PutGroupPolicy", GROUP)],
    ),
    cmd(
        "iam",
        "create-policy-version",
        &[req("iam:CreatePolicyVersion", POLICY)],
    ),
    cmd(
        "iam",
        "set-default-policy-version",
        &[req("iam:SetDefaultPolicyVersion", POLICY)],
    ),
    cmd("iam", "get-policy", &[req("iam:GetPolicy", POLICY)]),
    cmd(
        "iam",
        "get-policy-version",
        &[req("iam:GetPolicyVersion", POLICY)],
    ),
    cmd(
        "iam",
        "add-user-to-group",
        &[req("iam:AddUserToGroup", GROUP)],
    ),
    cmd(
        "iam",
        "update-assume-role-policy",
        &[req("iam:UpdateAssumeRolePolicy", ROLE)],
    ),
    cmd("iam", "list-users", &[req("iam:ListUsers", "*")]),
    cmd("iam", "list-roles", &[req("iam:ListRoles", "*")]),
    cmd("iam", "list-groups", &[req("iam:ListGroups", "*")]),
    cmd("iam", "list-policies", &[req("iam:ListPolicies", "*")]),
    cmd(
        "iam",
        "list-attached-user-policies",
        &[req("iam:ListAttachedUserPolicies", USER)],
    ),
    cmd(
        "iam",
        "list-attached-role-policies",
        &[req("iam:ListAttachedRolePolicies", ROLE)],
    ),
    cmd(
        "iam",
        "list-attached-group-policies",
        &[req("iam:ListAttachedGroupPolicies", GROUP)],
    ),
    cmd(
        "iam",
        "list-user-policies",
        &[req("iam:ListUserPolicies", USER)],
    ),
    cmd(
        "iam",
        "list-role-policies",
        &[req("iam:ListRolePolicies", ROLE)],
    ),
    cmd(
        "iam",
        "list-groups-for-user",
        &[req("iam:ListGroupsForUser", USER)],
    ),
    cmd(
        "iam",
        "detach-user-policy",
        &[full(
            "iam:DetachUserPolicy",
            USER,
            When::Always,
            POLICY_ARN_CONTEXT,
        )],
    ),
    cmd(
        "iam",
        "detach-role-policy",
        &[full(
            "iam:DetachRolePolicy",
            ROLE,
            When::Always,
            POLICY_ARN_CONTEXT,
        )],
    ),
    cmd(
        "iam",
        "detach-group-policy",
        &[full(
            "iam:DetachGroupPolicy",
            GROUP,
            When::Always,
            POLICY_ARN_CONTEXT,
        )],
    ),
    cmd("iam", "get-user-policy", &[req("iam:GetUserPolicy", USER)]),
    cmd("iam", "get-role-policy", &[req("iam:GetRolePolicy", ROLE)]),
    cmd(
        "iam",
        "get-group-policy",
        &[req("iam:GetGroupPolicy", GROUP)],
    ),
    cmd(
        "iam",
        "delete-user-policy",
        &[req("iam:DeleteUserPolicy", USER)],
    ),
    cmd(
        "iam",
        "delete-role-policy",
        &[req("iam:DeleteRolePolicy", ROLE)],
    ),
    cmd(
        "iam",
        "delete-group-policy",
        &[req("iam:DeleteGroupPolicy", GROUP)],
    ),
    cmd(
        "iam",
        "update-access-key",
        &[
            req_when("iam:UpdateAccessKey", USER, USER_NAME),
            req_when("iam:UpdateAccessKey", CALLER_USER, NO_USER_NAME),
        ],
    ),
    cmd(
        "iam",
        "delete-access-key",
        &[
            req_when("iam:DeleteAccessKey", USER, USER_NAME),
            req_when("iam:DeleteAccessKey", CALLER_USER, NO_USER_NAME),
        ],
    ),
    cmd(
        "iam",
        "get-login-profile",
        &[
            req_when("iam:GetLoginProfile", USER, USER_NAME),
            req_when("iam:GetLoginProfile", CALLER_USER, NO_USER_NAME),
        ],
    ),
    cmd(
        "iam",
        "delete-login-profile",
        &[
            req_when("iam:DeleteLoginProfile", USER, USER_NAME),
            req_when("iam:DeleteLoginProfile", CALLER_USER, NO_USER_NAME),
        ],
    ),
    cmd(
        "iam",
        "list-mfa-devices",
        &[
            req_when("iam:ListMFADevices", USER, USER_NAME),
            req_when("iam:ListMFADevices", CALLER_USER, NO_USER_NAME),
        ],
    ),
    cmd(
        "iam",
        "create-policy",
        &[req(
            "iam:CreatePolicy",
            "arn:aws:iam::{account}:policy{--path|path}{--policy-name}",
        )],
    ),
    cmd(
        "iam",
        "delete-policy-version",
        &[req("iam:DeletePolicyVersion", POLICY)],
    ),
    cmd(
        "iam",
        "list-policy-versions",
        &[req("iam:ListPolicyVersions", POLICY)],
    ),
    cmd(
        "iam",
        "list-entities-for-policy",
        &[req("iam:ListEntitiesForPolicy", POLICY)],
    ),
    cmd(
        "iam",
        "remove-user-from-group",
        &[req("iam:RemoveUserFromGroup", GROUP)],
    ),
    cmd(
        "iam",
        "create-instance-profile",
        &[req(
            "iam:CreateInstanceProfile",
            "arn:aws:iam::{account}:instance-profile{--path|path}{--instance-profile-name}",
        )],
    ),
    cmd(
        "iam",
        "add-role-to-instance-profile",
        &[
            req("iam:AddRoleToInstanceProfile", INSTANCE_PROFILE),
            // The caller must be allowed to pass the role (AddRoleToInstanceProfile's API
            // reference).
            req("iam:PassRole", ROLE),
        ],
    ),
    cmd(
        "iam",
        "remove-role-from-instance-profile",
        &[req("iam:RemoveRoleFromInstanceProfile", INSTANCE_PROFILE)],
    ),
    cmd(
        "iam",
        "list-instance-profiles",
        &[req("iam:ListInstanceProfiles", "*")],
    ),
    cmd("iam", "tag-role", &[req("iam:TagRole", ROLE)]),
    cmd("iam", "untag-role", &[req("iam:UntagRole", ROLE)]),
    cmd("iam", "tag-user", &[req("iam:TagUser", USER)]),
    cmd("iam", "untag-user", &[req("iam:UntagUser", USER)]),
    cmd(
        "iam",
        "put-role-permissions-boundary",
        &[full(
            "iam:PutRolePermissionsBoundary",
            ROLE,
            When::Always,
            BOUNDARY_CONTEXT,
        )],
    ),
    cmd(
        "iam",
        "put-user-permissions-boundary",
        &[full(
            "iam:PutUserPermissionsBoundary",
            USER,
            When::Always,
            BOUNDARY_CONTEXT,
        )],
    ),
    cmd(
        "iam",
        "delete-role-permissions-boundary",
        &[req("iam:DeleteRolePermissionsBoundary", ROLE)],
    ),
    cmd(
        "iam",
        "delete-user-permissions-boundary",
        &[req("iam:DeleteUserPermissionsBoundary", USER)],
    ),
    cmd(
        "iam",
        "get-account-authorization-details",
        &[req("iam:GetAccountAuthorizationDetails", "*")],
    ),
    cmd(
        "sts",
        "get-federation-token",
        &[req(
            "sts:GetFederationToken",
            "arn:aws:sts::{account}:federated-user/{--name}",
        )],
    ),
    cmd(
        "sts",
        "decode-authorization-message",
        &[req("sts:DecodeAuthorizationMessage", "*")],
    ),
    cmd(
        "ec2",
        "associate-iam-instance-profile",
        &[
            req("ec2:AssociateIamInstanceProfile", INSTANCE),
            noted(
                full(
                    "iam:PassRole",
                    "arn:aws:iam::{account}:role/*",
                    When::Always,
                    &[("iam:PassedToService", "ec2.amazonaws.com")],
                ),
                PROFILE_ROLE_NOTE,
            ),
        ],
    ),
    cmd(
        "ec2",
        "modify-instance-attribute",
        &[req("ec2:ModifyInstanceAttribute", INSTANCE)],
    ),
    cmd(
        "ec2",
        "describe-instance-attribute",
        &[req("ec2:DescribeInstanceAttribute", INSTANCE)],
    ),
    cmd(
        "ec2",
        "get-password-data",
        &[req("ec2:GetPasswordData", INSTANCE)],
    ),
    cmd(
        "ec2",
        "describe-key-pairs",
        &[req("ec2:DescribeKeyPairs", "*")],
    ),
    cmd(
        "lambda",
        "get-function-configuration",
        &[req("lambda:GetFunctionConfiguration", FUNCTION)],
    ),
    cmd(
        "lambda",
        "remove-permission",
        &[req("lambda:RemovePermission", FUNCTION)],
    ),
    cmd(
        "lambda",
        "create-event-source-mapping",
        &[full(
            "lambda:CreateEventSourceMapping",
            "*",
            When::Always,
            &[("lambda:FunctionArn", FUNCTION)],
        )],
    ),
    cmd(
        "lambda",
        "list-event-source-mappings",
        &[req("lambda:ListEventSourceMappings", "*")],
    ),
    cmd(
        "ssm",
        "describe-instance-information",
        &[req("ssm:DescribeInstanceInformation", "*")],
    ),
    cmd("ssm", "list-commands", &[req("ssm:ListCommands", "*")]),
    cmd(
        "ssm",
        "get-command-invocation",
        &[req("ssm:GetCommandInvocation", "*")],
    ),
    cmd(
        "ssm",
        "delete-parameter",
        &[req("ssm:DeleteParameter", PARAMETER)],
    ),
    cmd(
        "secretsmanager",
        "update-secret",
        &[req("secretsmanager:UpdateSecret", SECRET)],
    ),
    cmd(
        "secretsmanager",
        "delete-secret",
        &[req("secretsmanager:DeleteSecret", SECRET)],
    ),
    cmd(
        "secretsmanager",
        "get-resource-policy",
        &[req("secretsmanager:GetResourcePolicy", SECRET)],
    ),
    cmd(
        "secretsmanager",
        "put-resource-policy",
        &[req("secretsmanager:PutResourcePolicy", SECRET)],
    ),
    cmd("kms", "list-aliases", &[req("kms:ListAliases", "*")]),
    cmd("kms", "list-grants", &[req("kms:ListGrants", KEY)]),
    cmd(
        "kms",
        "generate-data-key-without-plaintext",
        &[full(
            "kms:GenerateDataKeyWithoutPlaintext",
            KEY,
            When::Always,
            ENCRYPTION_CONTEXT,
        )],
    ),
    cmd(
        "kms",
        "schedule-key-deletion",
        &[req("kms:ScheduleKeyDeletion", KEY)],
    ),
    cmd("kms", "disable-key", &[req("kms:DisableKey", KEY)]),
    cmd(
        "dynamodb",
        "create-table",
        &[req("dynamodb:CreateTable", DYNAMODB_TABLE)],
    ),
    cmd(
        "dynamodb",
        "delete-table",
        &[req("dynamodb:DeleteTable", DYNAMODB_TABLE)],
    ),
    cmd("sqs", "list-queues", &[req("sqs:ListQueues", "*")]),
    cmd("sns", "list-topics", &[req("sns:ListTopics", "*")]),
];

/// The actions the commands read in code ([`Handler`]) ask for, for the catalog check.
pub const CODE_ACTIONS: &[&str] = &[
    "s3:ListAllMyBuckets",
    "s3:ListBucket",
    "s3:GetObject",
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:BypassGovernanceRetention",
    "s3:CreateBucket",
    "s3:DeleteBucket",
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
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
    "--bypass-governance-retention",
    "--no-bypass-governance-retention",
    "--with-decryption",
    "--no-with-decryption",
    "--overwrite",
    "--consistent-read",
    "--no-consistent-read",
    "--publish",
    "--no-publish",
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
                assert!(
                    r.resource == "*"
                        || r.resource.starts_with("arn:aws:")
                        || r.resource == "{--copy-source|copy-source}",
                    "{}",
                    r.resource
                );
            }
        }
    }

    #[test]
    fn every_mapped_action_is_in_the_catalog() {
        let catalog = iamsim_catalog::catalog();
        let unknown: Vec<&str> = COMMANDS
            .iter()
            .flat_map(|c| c.requests)
            .map(|r| r.action)
            .chain(CODE_ACTIONS.iter().copied())
            .filter(|a| catalog.action(a).is_none())
            .collect();
        assert!(unknown.is_empty(), "not in the catalog: {unknown:?}");
    }
}
