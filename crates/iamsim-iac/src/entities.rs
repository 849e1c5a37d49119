//! The IAM entities and links the files declare, one model for the three formats: users,
//! groups, roles, customer managed policies, attachments, group memberships, buckets and the
//! other resources that hold a policy. Each reader turns its resources into declarations (the
//! arguments that matter, resolved as far as the files go); one linking step then joins them to
//! the policies found, by address.

use crate::value::{Kind, Val};
use crate::{Policy, PolicyKind};

/// A name or ARN the files determine, or the reference that would give it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Name {
    /// The value, resolved.
    Known(String),
    /// The reference that would give it (`var.role_name`, `Ref RoleNameParameter`).
    Unknown(String),
}

impl Name {
    fn of(v: &Val) -> Name {
        match (&v.kind, v.text()) {
            (_, Some(t)) => Name::Known(t),
            (Kind::Unknown(n), _) => Name::Unknown(n.clone()),
            _ => Name::Unknown("a value that is not text".into()),
        }
    }

    /// The value, when the files determine it.
    pub fn known(&self) -> Option<&str> {
        match self {
            Name::Known(s) => Some(s),
            Name::Unknown(_) => None,
        }
    }
}

/// Where an entity or link is declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The file, as the caller named it.
    pub file: String,
    /// Terraform address or CloudFormation logical id.
    pub address: String,
    /// Byte offset in the file.
    pub at: usize,
}

/// A policy given to an entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attached {
    /// A document found in the files: its index in [`crate::Read::policies`].
    Document(usize),
    /// A managed policy by ARN (AWS managed, or customer managed of the account).
    Arn(String),
    /// A customer managed policy of the files: its index in [`Entities::managed`].
    Managed(usize),
    /// An ARN the files leave open, by the reference that would give it.
    Unknown(String),
}

impl Attached {
    fn of(v: &Val) -> Attached {
        match Name::of(v) {
            Name::Known(s) => Attached::Arn(s),
            Name::Unknown(n) => Attached::Unknown(n),
        }
    }
}

/// What kind of principal entity a link names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntityKind {
    /// An IAM user.
    User,
    /// An IAM group.
    Group,
    /// An IAM role.
    Role,
}

impl EntityKind {
    /// `user`, `group`, `role`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::User => "user",
            EntityKind::Group => "group",
            EntityKind::Role => "role",
        }
    }
}

/// A user, group or role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// Where it is declared.
    pub origin: Origin,
    /// User, group or role.
    pub kind: EntityKind,
    /// Its name.
    pub name: Name,
    /// Its path (`/` when the files give none).
    pub path: Name,
    /// Inline policies and managed policies attached where it is declared.
    pub policies: Vec<Attached>,
    /// A role's trust policy.
    pub trust: Option<Attached>,
    /// The permissions boundary.
    pub boundary: Option<Attached>,
    /// A user's groups, as declared on the user.
    pub groups: Vec<Name>,
}

/// A customer managed policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagedPolicy {
    /// Where it is declared.
    pub origin: Origin,
    /// Its name.
    pub name: Name,
    /// Its path.
    pub path: Name,
    /// Its document.
    pub document: Option<usize>,
}

/// A link declared apart from the entities it joins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// A policy given to a user, group or role (an attachment or a standalone inline policy).
    Policy {
        /// User, group or role.
        to: EntityKind,
        /// Its name.
        name: Name,
        /// The policy.
        policy: Attached,
    },
    /// A user in a group.
    Member {
        /// The user's name.
        user: Name,
        /// The group's name.
        group: Name,
    },
}

/// A link, with where it is declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// Where it is declared.
    pub origin: Origin,
    /// What it joins.
    pub kind: LinkKind,
}

/// A bucket, or another resource that holds a resource-based policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceEntity {
    /// Where it is declared.
    pub origin: Origin,
    /// `bucket`, `key`, `queue`, ...
    pub kind: PolicyKind,
    /// The bucket name, or the resource's ARN.
    pub name: Name,
    /// Its policy.
    pub policy: Option<usize>,
}

/// Everything the files declare about IAM.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entities {
    /// Users, groups and roles.
    pub principals: Vec<Principal>,
    /// Customer managed policies.
    pub managed: Vec<ManagedPolicy>,
    /// Attachments, standalone inline policies and group memberships.
    pub links: Vec<Link>,
    /// Buckets (by name) and other resources with a policy (by ARN).
    pub resources: Vec<ResourceEntity>,
    /// Resources whose very existence the files leave open (a CloudFormation `Condition` they
    /// do not determine), with the reference that decides it.
    pub open: Vec<(Origin, String)>,
    /// Instance profiles (`aws_iam_instance_profile`, `AWS::IAM::InstanceProfile`).
    pub instance_profiles: Vec<InstanceProfile>,
    /// Things that run code with a role: EC2 instances (through an instance profile) and Lambda
    /// functions.
    pub compute: Vec<Compute>,
}

/// An instance profile: the container that hands a role to an EC2 instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceProfile {
    /// Where it is declared.
    pub origin: Origin,
    /// Its name.
    pub name: Name,
    /// The roles it holds, by name (AWS allows one).
    pub roles: Vec<Name>,
}

/// What a piece of compute runs its code with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunsWith {
    /// A role, by name or ARN as the files give it (`aws_lambda_function.role` is an ARN).
    Role(Name),
    /// An instance profile, by name (`aws_instance.iam_instance_profile`).
    InstanceProfile(Name),
}

/// Something that runs code with a role (an EC2 instance, a Lambda function).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compute {
    /// Where it is declared.
    pub origin: Origin,
    /// Its ARN; for most, known only after apply.
    pub arn: Name,
    /// The role or instance profile it runs with.
    pub runs: RunsWith,
}

/// One resource as a reader sees it: the arguments that matter, resolved.
pub(crate) enum Decl {
    Principal {
        kind: EntityKind,
        name: Val,
        path: Option<Val>,
        boundary: Option<Val>,
        managed: Vec<Val>,
        groups: Vec<Val>,
    },
    Managed {
        name: Val,
        path: Option<Val>,
        /// Entities it is attached to (CloudFormation `Roles`, `Users`, `Groups`).
        to: Vec<(EntityKind, Val)>,
    },
    /// A policy document of this resource given to entities (`aws_iam_role_policy`,
    /// `AWS::IAM::Policy`).
    Inline {
        to: Vec<(EntityKind, Val)>,
    },
    Attach {
        to: Vec<(EntityKind, Val)>,
        arn: Val,
    },
    Member {
        users: Vec<Val>,
        groups: Vec<Val>,
    },
    /// A bucket or resource (by name or ARN); its policy is the document of this resource.
    Resource {
        kind: PolicyKind,
        name: Val,
    },
    /// A policy of another resource (`aws_s3_bucket_policy`).
    ResourcePolicy {
        kind: PolicyKind,
        name: Val,
    },
    /// A resource that may or may not be created, by the reference that decides it.
    Maybe(String),
    /// An instance profile and the roles it holds.
    InstanceProfile {
        name: Val,
        roles: Vec<Val>,
    },
    /// Compute that runs with a role (`role`) or an instance profile (`profile`); neither: it
    /// runs with none (an instance without a profile).
    Compute {
        arn: Val,
        role: Option<Val>,
        profile: Option<Val>,
    },
}

/// A declaration with where it is written.
pub(crate) struct Declared {
    pub file: String,
    pub address: String,
    pub at: usize,
    pub decl: Decl,
}

/// The items of a list argument; an unknown list is one unknown item.
pub(crate) fn items(v: Option<Val>) -> Vec<Val> {
    match v {
        None => Vec::new(),
        Some(Val {
            kind: Kind::List(items),
            ..
        }) => items,
        Some(v) => vec![v],
    }
}

/// The resource types of Terraform (source and plans) as declarations; `arg` gives an
/// argument's value (unknown when the files leave it open).
pub(crate) fn terraform(ty: &str, arg: &dyn Fn(&str) -> Option<Val>) -> Option<Decl> {
    use EntityKind::{Group, Role, User};
    let one = |kind: EntityKind, key: &str| -> Vec<(EntityKind, Val)> {
        arg(key).map(|v| vec![(kind, v)]).unwrap_or_default()
    };
    let many = |kind: EntityKind, key: &str| -> Vec<(EntityKind, Val)> {
        items(arg(key)).into_iter().map(|v| (kind, v)).collect()
    };
    let principal = |kind: EntityKind| Decl::Principal {
        kind,
        name: arg("name").unwrap_or_else(|| Val::unknown(format!("{ty} without a name"), 0)),
        path: arg("path"),
        boundary: arg("permissions_boundary"),
        managed: items(arg("managed_policy_arns")),
        groups: Vec::new(),
    };
    let arn = || arg("policy_arn").unwrap_or_else(|| Val::unknown("policy_arn", 0));
    Some(match ty {
        "aws_iam_user" => principal(User),
        "aws_iam_group" => principal(Group),
        "aws_iam_role" => principal(Role),
        "aws_iam_policy" => Decl::Managed {
            name: arg("name").unwrap_or_else(|| Val::unknown("aws_iam_policy without a name", 0)),
            path: arg("path"),
            to: Vec::new(),
        },
        "aws_iam_role_policy" => Decl::Inline {
            to: one(Role, "role"),
        },
        "aws_iam_user_policy" => Decl::Inline {
            to: one(User, "user"),
        },
        "aws_iam_group_policy" => Decl::Inline {
            to: one(Group, "group"),
        },
        "aws_iam_role_policy_attachment" => Decl::Attach {
            to: one(Role, "role"),
            arn: arn(),
        },
        "aws_iam_user_policy_attachment" => Decl::Attach {
            to: one(User, "user"),
            arn: arn(),
        },
        "aws_iam_group_policy_attachment" => Decl::Attach {
            to: one(Group, "group"),
            arn: arn(),
        },
        "aws_iam_policy_attachment" => Decl::Attach {
            to: [
                many(User, "users"),
                many(Role, "roles"),
                many(Group, "groups"),
            ]
            .concat(),
            arn: arn(),
        },
        "aws_iam_group_membership" => Decl::Member {
            users: items(arg("users")),
            groups: arg("group").into_iter().collect(),
        },
        "aws_iam_user_group_membership" => Decl::Member {
            users: arg("user").into_iter().collect(),
            groups: items(arg("groups")),
        },
        "aws_s3_bucket" => Decl::Resource {
            kind: PolicyKind::Bucket,
            name: arg("bucket").unwrap_or_else(|| Val::unknown("a bucket without a name", 0)),
        },
        "aws_s3_bucket_policy" => Decl::ResourcePolicy {
            kind: PolicyKind::Bucket,
            name: arg("bucket").unwrap_or_else(|| Val::unknown("bucket", 0)),
        },
        "aws_kms_key" | "aws_sqs_queue" | "aws_sns_topic" | "aws_secretsmanager_secret" => {
            Decl::Resource {
                kind: resource_kind(ty)?,
                name: arg("arn").unwrap_or_else(|| Val::unknown(format!("{ty}.arn"), 0)),
            }
        }
        "aws_kms_key_policy" => Decl::ResourcePolicy {
            kind: PolicyKind::Key,
            name: arg("key_id").unwrap_or_else(|| Val::unknown("key_id", 0)),
        },
        "aws_sqs_queue_policy" => Decl::ResourcePolicy {
            kind: PolicyKind::Queue,
            name: arg("queue_url").unwrap_or_else(|| Val::unknown("queue_url", 0)),
        },
        "aws_sns_topic_policy" => Decl::ResourcePolicy {
            kind: PolicyKind::Topic,
            name: arg("arn").unwrap_or_else(|| Val::unknown("arn", 0)),
        },
        "aws_secretsmanager_secret_policy" => Decl::ResourcePolicy {
            kind: PolicyKind::Secret,
            name: arg("secret_arn").unwrap_or_else(|| Val::unknown("secret_arn", 0)),
        },
        "aws_ecr_repository_policy" => Decl::ResourcePolicy {
            kind: PolicyKind::Repository,
            name: arg("repository").unwrap_or_else(|| Val::unknown("repository", 0)),
        },
        "aws_iam_instance_profile" => Decl::InstanceProfile {
            name: arg("name").unwrap_or_else(|| Val::unknown(format!("{ty} without a name"), 0)),
            roles: arg("role").into_iter().collect(),
        },
        "aws_instance" | "aws_lambda_function" => Decl::Compute {
            arn: arg("arn")
                .unwrap_or_else(|| Val::unknown(format!("{ty}.arn (known after apply)"), 0)),
            role: arg("role"),
            profile: arg("iam_instance_profile"),
        },
        _ => return None,
    })
}

fn resource_kind(ty: &str) -> Option<PolicyKind> {
    Some(match ty {
        "aws_kms_key" => PolicyKind::Key,
        "aws_sqs_queue" => PolicyKind::Queue,
        "aws_sns_topic" => PolicyKind::Topic,
        "aws_secretsmanager_secret" => PolicyKind::Secret,
        _ => return None,
    })
}

/// The resource types of CloudFormation as declarations; `prop` gives a property's value.
pub(crate) fn cloudformation(ty: &str, prop: &dyn Fn(&str) -> Option<Val>) -> Option<Decl> {
    use EntityKind::{Group, Role, User};
    let named = |key: &str| {
        prop(key).unwrap_or_else(|| {
            Val::unknown(format!("{ty} without {key} (named by CloudFormation)"), 0)
        })
    };
    let many = |kind: EntityKind, key: &str| -> Vec<(EntityKind, Val)> {
        items(prop(key)).into_iter().map(|v| (kind, v)).collect()
    };
    let principal = |kind: EntityKind, key: &str| Decl::Principal {
        kind,
        name: named(key),
        path: prop("Path"),
        boundary: prop("PermissionsBoundary"),
        managed: items(prop("ManagedPolicyArns")),
        groups: if kind == User {
            items(prop("Groups"))
        } else {
            Vec::new()
        },
    };
    let entities = || {
        [
            many(User, "Users"),
            many(Role, "Roles"),
            many(Group, "Groups"),
        ]
        .concat()
    };
    Some(match ty {
        "AWS::IAM::User" => principal(User, "UserName"),
        "AWS::IAM::Group" => principal(Group, "GroupName"),
        "AWS::IAM::Role" => principal(Role, "RoleName"),
        "AWS::IAM::ManagedPolicy" => Decl::Managed {
            name: named("ManagedPolicyName"),
            path: prop("Path"),
            to: entities(),
        },
        "AWS::IAM::Policy" => Decl::Inline { to: entities() },
        "AWS::IAM::RolePolicy" => Decl::Inline {
            to: vec![(Role, named("RoleName"))],
        },
        "AWS::IAM::UserPolicy" => Decl::Inline {
            to: vec![(User, named("UserName"))],
        },
        "AWS::IAM::GroupPolicy" => Decl::Inline {
            to: vec![(Group, named("GroupName"))],
        },
        "AWS::IAM::UserToGroupAddition" => Decl::Member {
            users: items(prop("Users")),
            groups: vec![named("GroupName")],
        },
        "AWS::S3::Bucket" => Decl::Resource {
            kind: PolicyKind::Bucket,
            name: named("BucketName"),
        },
        "AWS::S3::BucketPolicy" => Decl::ResourcePolicy {
            kind: PolicyKind::Bucket,
            name: named("Bucket"),
        },
        "AWS::KMS::Key" => Decl::Resource {
            kind: PolicyKind::Key,
            name: Val::unknown("the ARN of a key (made by AWS)", 0),
        },
        "AWS::SQS::QueuePolicy" => Decl::ResourcePolicy {
            kind: PolicyKind::Queue,
            name: named("Queues"),
        },
        "AWS::SNS::TopicPolicy" => Decl::ResourcePolicy {
            kind: PolicyKind::Topic,
            name: named("Topics"),
        },
        "AWS::SecretsManager::ResourcePolicy" => Decl::ResourcePolicy {
            kind: PolicyKind::Secret,
            name: named("SecretId"),
        },
        "AWS::IAM::InstanceProfile" => Decl::InstanceProfile {
            name: named("InstanceProfileName"),
            roles: items(prop("Roles")),
        },
        "AWS::EC2::Instance" => Decl::Compute {
            arn: Val::unknown("the ARN of an instance (made by AWS)", 0),
            role: None,
            profile: prop("IamInstanceProfile"),
        },
        "AWS::Lambda::Function" => Decl::Compute {
            arn: Val::unknown(
                "the ARN of a function (its Region is not in the template)",
                0,
            ),
            role: prop("Role"),
            profile: None,
        },
        "AWS::ECR::Repository" => Decl::Resource {
            kind: PolicyKind::Repository,
            name: Val::unknown(
                "the ARN of a repository (its Region is not in the template)",
                0,
            ),
        },
        _ => return None,
    })
}

/// The documents of `address` of a kind, as indexes in `policies`.
fn documents(policies: &[Policy], file: &str, address: &str, kind: PolicyKind) -> Vec<usize> {
    policies
        .iter()
        .enumerate()
        .filter(|(_, p)| p.file == file && p.address == address && p.kind == kind)
        .map(|(i, _)| i)
        .collect()
}

impl Entities {
    /// Links `policy` to each user, group or role of `to`.
    fn give(&mut self, origin: &Origin, to: &[(EntityKind, Val)], policy: &Attached) {
        for (kind, e) in to {
            self.links.push(Link {
                origin: origin.clone(),
                kind: LinkKind::Policy {
                    to: *kind,
                    name: Name::of(e),
                    policy: policy.clone(),
                },
            });
        }
    }
}

/// Links each declaration to the policies found in the same resource.
pub(crate) fn build(declared: Vec<Declared>, policies: &[Policy]) -> Entities {
    let mut out = Entities::default();
    for d in declared {
        let origin = Origin {
            file: d.file.clone(),
            address: d.address.clone(),
            at: d.at,
        };
        let docs = |kind| documents(policies, &d.file, &d.address, kind);
        let path = |p: Option<Val>| p.map_or(Name::Known("/".into()), |v| Name::of(&v));
        match d.decl {
            Decl::Principal {
                kind,
                name,
                path: p,
                boundary,
                managed,
                groups,
            } => {
                let mut policies: Vec<Attached> = docs(PolicyKind::Identity)
                    .into_iter()
                    .map(Attached::Document)
                    .collect();
                policies.extend(managed.iter().map(Attached::of));
                let trust = (kind == EntityKind::Role).then(|| {
                    docs(PolicyKind::Trust).first().map_or(
                        Attached::Unknown("a role without a trust policy".into()),
                        |i| Attached::Document(*i),
                    )
                });
                out.principals.push(Principal {
                    origin,
                    kind,
                    name: Name::of(&name),
                    path: path(p),
                    policies,
                    trust,
                    boundary: boundary.as_ref().map(Attached::of),
                    groups: groups.iter().map(Name::of).collect(),
                });
            }
            Decl::Managed { name, path: p, to } => {
                let document = docs(PolicyKind::Identity).first().copied();
                let name = Name::of(&name);
                let path = path(p);
                out.give(&origin, &to, &Attached::Managed(out.managed.len()));
                out.managed.push(ManagedPolicy {
                    origin,
                    name,
                    path,
                    document,
                });
            }
            Decl::Inline { to } => {
                for doc in docs(PolicyKind::Identity) {
                    out.give(&origin, &to, &Attached::Document(doc));
                }
            }
            Decl::Attach { to, arn } => out.give(&origin, &to, &Attached::of(&arn)),
            Decl::Member { users, groups } => {
                for u in &users {
                    for g in &groups {
                        out.links.push(Link {
                            origin: origin.clone(),
                            kind: LinkKind::Member {
                                user: Name::of(u),
                                group: Name::of(g),
                            },
                        });
                    }
                }
            }
            Decl::Resource { kind, name } => {
                let policy = docs(kind).first().copied();
                out.resources.push(ResourceEntity {
                    origin,
                    kind,
                    name: Name::of(&name),
                    policy,
                });
            }
            Decl::Maybe(reference) => out.open.push((origin, reference)),
            Decl::InstanceProfile { name, roles } => {
                out.instance_profiles.push(InstanceProfile {
                    origin,
                    name: Name::of(&name),
                    roles: roles.iter().map(Name::of).collect(),
                });
            }
            Decl::Compute { arn, role, profile } => {
                let runs = match (role, profile) {
                    (Some(r), _) => RunsWith::Role(Name::of(&r)),
                    (None, Some(p)) => RunsWith::InstanceProfile(Name::of(&p)),
                    // No role: nothing to gain by it.
                    (None, None) => continue,
                };
                out.compute.push(Compute {
                    origin,
                    arn: Name::of(&arn),
                    runs,
                });
            }
            Decl::ResourcePolicy { kind, name } => {
                for doc in docs(kind) {
                    out.resources.push(ResourceEntity {
                        origin: origin.clone(),
                        kind,
                        name: Name::of(&name),
                        policy: Some(doc),
                    });
                }
            }
        }
    }
    out
}
