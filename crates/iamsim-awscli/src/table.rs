//! Which IAM requests an AWS CLI command makes, as data (rules 2.3, 7.3).
//!
//! To teach iamsim a command, add a [`Command`] to its service's group (the submodules, which
//! [`COMMANDS`] puts together): its service and name as typed after `aws`, and the requests it
//! makes. A request's resource is a template (see the
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

/// Every command iamsim knows, by service and name: the groups of the submodules, in order.
pub const COMMANDS: &[Command] = &concat::<
    { s3::S3.len() + services::SERVICES.len() + iam::IAM.len() + escalation::ESCALATION.len() },
>([s3::S3, services::SERVICES, iam::IAM, escalation::ESCALATION]);

mod escalation;
mod iam;
mod s3;
mod services;

/// The groups one after another as one array. Evaluated by the compiler only (`COMMANDS` is a
/// constant): an index out of range, or a length that does not add up, fails the build.
#[allow(clippy::indexing_slicing)]
const fn concat<const N: usize>(groups: [&[Command]; 4]) -> [Command; N] {
    let mut out = [special("", "", Handler::Table); N];
    let mut n = 0;
    let mut g = 0;
    while g < groups.len() {
        let mut i = 0;
        while i < groups[g].len() {
            out[n] = groups[g][i];
            n += 1;
            i += 1;
        }
        g += 1;
    }
    assert!(n == N, "the command groups do not add up");
    out
}

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
