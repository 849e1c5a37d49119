//! Privilege-escalation steps as data: each way a principal that may make some requests can act
//! as, or gain the permissions of, another principal or policy (paths beyond `sts:AssumeRole`).
//!
//! A step is a set of [`Need`]s — requests the caller must be allowed, each decided by the
//! engine's one evaluator like any other request — on a [`Target`] the world holds, a
//! [`Gain`] describing what the caller can do afterwards, and the facts about the world the step
//! relies on ([`Step::service`], [`Step::compute`], [`Step::precondition`]). The engine's path
//! search and who-can follow these steps as hops; `lint` names them in its findings. Nothing here
//! decides anything: it only says what to ask.
//!
//! Sources: the AWS API reference page of each action, listed in [`Step::references`].
//!
//! ```
//! let step = iamsim_catalog::escalation::step("attach-policy").unwrap();
//! assert_eq!(step.gain, iamsim_catalog::escalation::Gain::AnyPolicy);
//! let on_role: Vec<&str> = step
//!     .needs_for(iamsim_catalog::escalation::Target::Role)
//!     .flat_map(|n| n.any_of.iter().copied())
//!     .collect();
//! assert_eq!(on_role, ["iam:AttachRolePolicy"]);
//! ```

/// What a step acts on: the world entity whose ARN its requests name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// An IAM user.
    User,
    /// An IAM group.
    Group,
    /// An IAM role.
    Role,
    /// A customer managed policy.
    Policy,
    /// An instance profile.
    InstanceProfile,
    /// Something of the world's `compute` that runs code with a role (an EC2 instance, a Lambda
    /// function, ...): [`Step::compute`] says which kind.
    Compute,
}

/// Which resource one needed request names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum On {
    /// The step's target itself (its ARN).
    Target,
    /// The role handed to a service (`iam:PassRole` is asked on it, with `iam:PassedToService`).
    PassedRole,
    /// A resource the caller creates or names: an ARN pattern with `{account}` for the caller's
    /// account and `{region}` for the Region of the step's target (an SSM document is read in
    /// the Region of the instance it runs on); the caller chooses the name, so the request is
    /// allowed when some name is allowed. [`open_pattern`] gives it with every such part open.
    New(&'static str),
    /// No resource (`*`): actions that take none.
    Nothing,
}

/// One request a step needs: any one of `any_of` on `on`, made by the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Need {
    /// The actions, any one of which will do (`ecs:RunTask` or `ecs:CreateService`).
    pub any_of: &'static [&'static str],
    /// The resource the request names.
    pub on: On,
    /// The kind of target this need applies to; `None`: every kind the step takes.
    pub when: Option<Target>,
}

/// What the caller can do after the step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gain {
    /// Acts as the target principal (a role session, the user itself, or the role the target
    /// compute runs with).
    ActAs,
    /// The target principal holds a policy of the caller's writing: allowed whatever its
    /// boundary, its account's SCPs and RCPs, its session policies and explicit denies still
    /// allow.
    AnyPolicy,
    /// The caller's user is in the target group: the group's policies apply to it.
    Group,
    /// The target principal without its permissions boundary.
    NoBoundary,
    /// The target principal without one of its policies (one that holds a `Deny`).
    WithoutPolicy,
    /// Another stored version of the target policy becomes the one in force.
    PolicyVersion,
    /// New values, or absence, of the target principal's tags.
    Tags,
    /// Requests of the target user with `aws:MultiFactorAuthPresent` true.
    Mfa,
    /// Nothing policies can show (never a step of a path).
    Nothing,
}

/// The family a step belongs to, as the reference table groups them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Changes IAM identities, policies or credentials.
    Identity,
    /// Hands a role to a service that then runs the caller's code (a new resource).
    PassRole,
    /// Takes over something that already runs with a role.
    TakeOver,
}

/// A fact about the world a step relies on beyond its requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precondition {
    /// Nothing beyond the requests and the target.
    None,
    /// The target user has no console password (`login_profile` false).
    NoLoginProfile,
    /// The target user has a console password (`login_profile` true).
    LoginProfile,
    /// The target user has fewer than two access keys (else `iam:DeleteAccessKey` is needed too).
    FewerThanTwoKeys,
    /// The target policy has a stored version other than the default one.
    OtherPolicyVersion,
    /// The target policy holds fewer than five versions (IAM keeps at most five: with five,
    /// one must be deleted before another is created).
    FewerThanFiveVersions,
    /// The target instance profile holds no role (it holds at most one: a role it holds must be
    /// removed before another is added).
    EmptyInstanceProfile,
    /// An instance profile holds the role (else the caller must also create one and add it).
    InstanceProfile,
    /// The instance is managed by Systems Manager (`ssm_managed` in the world).
    SsmManaged,
    /// The instance accepts EC2 Instance Connect keys (`instance_connect` in the world).
    InstanceConnect,
    /// The target principal has a permissions boundary.
    Boundary,
    /// The target principal has a policy holding a `Deny`.
    DenyPolicy,
}

/// One privilege-escalation step.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    /// Its name, as hops and findings give it (`attach-policy`).
    pub name: &'static str,
    /// Its family.
    pub family: Family,
    /// The kinds of target it takes.
    pub targets: &'static [Target],
    /// The requests it needs; every one must be allowed.
    pub needs: &'static [Need],
    /// What the caller gains.
    pub gain: Gain,
    /// The service principal the role must trust (`lambda.amazonaws.com`), for steps that hand a
    /// role to a service.
    pub service: Option<&'static str>,
    /// The kind of compute a take-over step acts on, as `service:resource-type`
    /// (`ec2:instance`, `lambda:function`).
    pub compute: Option<&'static str>,
    /// What must be true of the world besides the requests.
    pub precondition: Precondition,
    /// Requests needed only when the precondition does not hold (a second access key to delete,
    /// an instance profile to create).
    pub otherwise: &'static [Need],
    /// AWS documentation pages the step is taken from.
    pub references: &'static [&'static str],
}

impl Step {
    /// The needs that apply to a target of kind `target`.
    pub fn needs_for(&self, target: Target) -> impl Iterator<Item = &'static Need> {
        self.needs
            .iter()
            .filter(move |n| n.when.is_none_or(|w| w == target))
    }

    /// Every action the step may need, alternatives included.
    pub fn actions(&self) -> impl Iterator<Item = &'static str> {
        self.needs
            .iter()
            .chain(self.otherwise.iter())
            .flat_map(|n| n.any_of.iter().copied())
    }

    /// Whether the step can ever be part of a path.
    pub fn is_path_step(&self) -> bool {
        self.gain != Gain::Nothing
    }
}

const fn need(any_of: &'static [&'static str], on: On) -> Need {
    Need {
        any_of,
        on,
        when: None,
    }
}

const fn need_on(any_of: &'static [&'static str], when: Target) -> Need {
    Need {
        any_of,
        on: On::Target,
        when: Some(when),
    }
}

const PASS_ROLE: Need = need(&["iam:PassRole"], On::PassedRole);

const fn identity(
    name: &'static str,
    targets: &'static [Target],
    needs: &'static [Need],
    gain: Gain,
    precondition: Precondition,
    references: &'static [&'static str],
) -> Step {
    Step {
        name,
        family: Family::Identity,
        targets,
        needs,
        gain,
        service: None,
        compute: None,
        precondition,
        otherwise: &[],
        references,
    }
}

const fn pass_role(
    name: &'static str,
    service: &'static str,
    needs: &'static [Need],
    references: &'static [&'static str],
) -> Step {
    Step {
        name,
        family: Family::PassRole,
        targets: &[Target::Role],
        needs,
        gain: Gain::ActAs,
        service: Some(service),
        compute: None,
        precondition: Precondition::None,
        otherwise: &[],
        references,
    }
}

const fn take_over(
    name: &'static str,
    compute: &'static str,
    needs: &'static [Need],
    precondition: Precondition,
    references: &'static [&'static str],
) -> Step {
    Step {
        name,
        family: Family::TakeOver,
        targets: &[Target::Compute],
        needs,
        gain: Gain::ActAs,
        service: None,
        compute: Some(compute),
        precondition,
        otherwise: &[],
        references,
    }
}

/// Every step, in the order of the reference table.
pub static STEPS: &[Step] = &[
    identity(
        "assume-role",
        &[Target::Role],
        &[need(&["sts:AssumeRole"], On::Target)],
        Gain::ActAs,
        Precondition::None,
        &["https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html"],
    ),
    Step {
        otherwise: &[need(&["iam:DeletePolicyVersion"], On::Target)],
        ..identity(
            "create-policy-version",
            &[Target::Policy],
            &[need(&["iam:CreatePolicyVersion"], On::Target)],
            Gain::AnyPolicy,
            Precondition::FewerThanFiveVersions,
            &[
                "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html",
                "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicyVersion.html",
                "https://docs.aws.amazon.com/IAM/latest/UserGuide/policies-managed-versions.html",
            ],
        )
    },
    identity(
        "set-default-policy-version",
        &[Target::Policy],
        &[need(&["iam:SetDefaultPolicyVersion"], On::Target)],
        Gain::PolicyVersion,
        Precondition::OtherPolicyVersion,
        &["https://docs.aws.amazon.com/IAM/latest/APIReference/API_SetDefaultPolicyVersion.html"],
    ),
    identity(
        "attach-policy",
        &[Target::User, Target::Group, Target::Role],
        &[
            need_on(&["iam:AttachUserPolicy"], Target::User),
            need_on(&["iam:AttachGroupPolicy"], Target::Group),
            need_on(&["iam:AttachRolePolicy"], Target::Role),
        ],
        Gain::AnyPolicy,
        Precondition::None,
        &[
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html",
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachGroupPolicy.html",
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html",
        ],
    ),
    identity(
        "put-inline-policy",
        &[Target::User, Target::Group, Target::Role],
        &[
            need_on(&["iam:PutUserPolicy"], Target::User),
            need_on(&["iam:PutGroupPolicy"], Target::Group),
            need_on(&["iam:PutRolePolicy"], Target::Role),
        ],
        Gain::AnyPolicy,
        Precondition::None,
        &[
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html",
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutGroupPolicy.html",
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html",
        ],
    ),
    identity(
        "add-user-to-group",
        &[Target::Group],
        &[need(&["iam:AddUserToGroup"], On::Target)],
        Gain::Group,
        Precondition::None,
        &["https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddUserToGroup.html"],
    ),
    Step {
        otherwise: &[need(&["iam:DeleteAccessKey"], On::Target)],
        ..identity(
            "create-access-key",
            &[Target::User],
            &[need(&["iam:CreateAccessKey"], On::Target)],
            Gain::ActAs,
            Precondition::FewerThanTwoKeys,
            &["https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html"],
        )
    },
    identity(
        "create-login-profile",
        &[Target::User],
        &[need(&["iam:CreateLoginProfile"], On::Target)],
        Gain::ActAs,
        Precondition::NoLoginProfile,
        &["https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html"],
    ),
    identity(
        "update-login-profile",
        &[Target::User],
        &[need(&["iam:UpdateLoginProfile"], On::Target)],
        Gain::ActAs,
        Precondition::LoginProfile,
        &["https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateLoginProfile.html"],
    ),
    identity(
        "update-trust",
        &[Target::Role],
        &[need(&["iam:UpdateAssumeRolePolicy"], On::Target)],
        Gain::ActAs,
        Precondition::None,
        &["https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html"],
    ),
    identity(
        "change-tags",
        &[Target::User, Target::Role],
        &[
            need_on(&["iam:TagUser", "iam:UntagUser"], Target::User),
            need_on(&["iam:TagRole", "iam:UntagRole"], Target::Role),
        ],
        Gain::Tags,
        Precondition::None,
        &[
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagUser.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html",
        ],
    ),
    identity(
        "add-mfa-device",
        &[Target::User],
        &[
            need(
                &["iam:CreateVirtualMFADevice"],
                On::New("arn:aws:iam::{account}:mfa/*"),
            ),
            need(&["iam:EnableMFADevice"], On::Target),
        ],
        Gain::Mfa,
        Precondition::None,
        &[
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateVirtualMFADevice.html",
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_EnableMFADevice.html",
        ],
    ),
    identity(
        "remove-boundary",
        &[Target::User, Target::Role],
        &[
            need_on(
                &[
                    "iam:DeleteUserPermissionsBoundary",
                    "iam:PutUserPermissionsBoundary",
                ],
                Target::User,
            ),
            need_on(
                &[
                    "iam:DeleteRolePermissionsBoundary",
                    "iam:PutRolePermissionsBoundary",
                ],
                Target::Role,
            ),
        ],
        Gain::NoBoundary,
        Precondition::Boundary,
        &[
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRolePermissionsBoundary.html",
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPermissionsBoundary.html",
        ],
    ),
    identity(
        "remove-deny",
        &[Target::User, Target::Group, Target::Role],
        &[
            need_on(
                &[
                    "iam:DetachUserPolicy",
                    "iam:DeleteUserPolicy",
                    "iam:RemoveUserFromGroup",
                ],
                Target::User,
            ),
            need_on(
                &["iam:DetachGroupPolicy", "iam:DeleteGroupPolicy"],
                Target::Group,
            ),
            need_on(
                &["iam:DetachRolePolicy", "iam:DeleteRolePolicy"],
                Target::Role,
            ),
        ],
        Gain::WithoutPolicy,
        Precondition::DenyPolicy,
        &[
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachRolePolicy.html",
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRolePolicy.html",
        ],
    ),
    identity(
        "create-service-linked-role",
        &[Target::Role],
        &[need(&["iam:CreateServiceLinkedRole"], On::Target)],
        Gain::Nothing,
        Precondition::None,
        &[
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html",
        ],
    ),
    pass_role(
        "lambda-create-invoke",
        "lambda.amazonaws.com",
        &[
            PASS_ROLE,
            need(
                &["lambda:CreateFunction"],
                On::New("arn:aws:lambda:*:{account}:function:*"),
            ),
            need(
                &["lambda:InvokeFunction"],
                On::New("arn:aws:lambda:*:{account}:function:*"),
            ),
        ],
        &[
            "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
            "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
        ],
    ),
    pass_role(
        "lambda-create-trigger",
        "lambda.amazonaws.com",
        &[
            PASS_ROLE,
            need(
                &["lambda:CreateFunction"],
                On::New("arn:aws:lambda:*:{account}:function:*"),
            ),
            need(&["lambda:CreateEventSourceMapping"], On::Nothing),
            need(
                &["dynamodb:CreateTable"],
                On::New("arn:aws:dynamodb:*:{account}:table/*"),
            ),
            need(
                &["dynamodb:PutItem"],
                On::New("arn:aws:dynamodb:*:{account}:table/*"),
            ),
        ],
        &["https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html"],
    ),
    Step {
        precondition: Precondition::InstanceProfile,
        otherwise: &[
            need(
                &["iam:CreateInstanceProfile"],
                On::New("arn:aws:iam::{account}:instance-profile/*"),
            ),
            need(
                &["iam:AddRoleToInstanceProfile"],
                On::New("arn:aws:iam::{account}:instance-profile/*"),
            ),
        ],
        ..pass_role(
            "ec2-run-with-profile",
            "ec2.amazonaws.com",
            &[
                PASS_ROLE,
                need(
                    &["ec2:RunInstances", "ec2:AssociateIamInstanceProfile"],
                    On::New("arn:aws:ec2:*:{account}:instance/*"),
                ),
            ],
            &[
                "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html",
                "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html",
            ],
        )
    },
    Step {
        targets: &[Target::InstanceProfile],
        precondition: Precondition::EmptyInstanceProfile,
        otherwise: &[need(&["iam:RemoveRoleFromInstanceProfile"], On::Target)],
        ..pass_role(
            "instance-profile-swap",
            "ec2.amazonaws.com",
            &[
                need(&["iam:AddRoleToInstanceProfile"], On::Target),
                PASS_ROLE,
                need(
                    &["ec2:RunInstances", "ec2:AssociateIamInstanceProfile"],
                    On::New("arn:aws:ec2:*:{account}:instance/*"),
                ),
            ],
            &[
                "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddRoleToInstanceProfile.html",
                "https://docs.aws.amazon.com/IAM/latest/APIReference/API_RemoveRoleFromInstanceProfile.html",
            ],
        )
    },
    pass_role(
        "cloudformation-create",
        "cloudformation.amazonaws.com",
        &[
            PASS_ROLE,
            need(
                &["cloudformation:CreateStack"],
                On::New("arn:aws:cloudformation:*:{account}:stack/*"),
            ),
        ],
        &[
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html",
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html",
        ],
    ),
    pass_role(
        "glue-create-dev-endpoint",
        "glue.amazonaws.com",
        &[
            PASS_ROLE,
            need(
                &["glue:CreateDevEndpoint"],
                On::New("arn:aws:glue:*:{account}:devEndpoint/*"),
            ),
        ],
        &["https://docs.aws.amazon.com/glue/latest/webapi/API_CreateDevEndpoint.html"],
    ),
    pass_role(
        "codebuild-project",
        "codebuild.amazonaws.com",
        &[
            PASS_ROLE,
            need(
                &["codebuild:CreateProject"],
                On::New("arn:aws:codebuild:*:{account}:project/*"),
            ),
            need(
                &["codebuild:StartBuild"],
                On::New("arn:aws:codebuild:*:{account}:project/*"),
            ),
        ],
        &[
            "https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html",
            "https://docs.aws.amazon.com/codebuild/latest/APIReference/API_StartBuild.html",
        ],
    ),
    pass_role(
        "sagemaker-notebook",
        "sagemaker.amazonaws.com",
        &[
            PASS_ROLE,
            need(
                &["sagemaker:CreateNotebookInstance"],
                On::New("arn:aws:sagemaker:*:{account}:notebook-instance/*"),
            ),
            need(
                &["sagemaker:CreatePresignedNotebookInstanceUrl"],
                On::New("arn:aws:sagemaker:*:{account}:notebook-instance/*"),
            ),
        ],
        &["https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateNotebookInstance.html"],
    ),
    pass_role(
        "sagemaker-job",
        "sagemaker.amazonaws.com",
        &[
            PASS_ROLE,
            need(
                &["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"],
                On::New("arn:aws:sagemaker:*:{account}:*-job/*"),
            ),
        ],
        &[
            "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html",
            "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateProcessingJob.html",
        ],
    ),
    pass_role(
        "ecs-task",
        "ecs-tasks.amazonaws.com",
        &[
            PASS_ROLE,
            need(&["ecs:RegisterTaskDefinition"], On::Nothing),
            need(
                &["ecs:RunTask", "ecs:CreateService", "ecs:UpdateService"],
                On::New("arn:aws:ecs:*:{account}:task-definition/*"),
            ),
        ],
        &[
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
            "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html",
        ],
    ),
    pass_role(
        "datapipeline",
        "datapipeline.amazonaws.com",
        &[
            PASS_ROLE,
            need(&["datapipeline:CreatePipeline"], On::Nothing),
            need(
                &["datapipeline:PutPipelineDefinition"],
                On::New("arn:aws:datapipeline:*:{account}:pipeline/*"),
            ),
            need(
                &["datapipeline:ActivatePipeline"],
                On::New("arn:aws:datapipeline:*:{account}:pipeline/*"),
            ),
        ],
        &[
            "https://docs.aws.amazon.com/datapipeline/latest/APIReference/API_PutPipelineDefinition.html",
            "https://docs.aws.amazon.com/datapipeline/latest/DeveloperGuide/dp-iam-roles.html",
        ],
    ),
    take_over(
        "lambda-update-code",
        "lambda:function",
        &[
            need(&["lambda:UpdateFunctionCode"], On::Target),
            need(&["lambda:InvokeFunction"], On::Target),
        ],
        Precondition::None,
        &["https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html"],
    ),
    Step {
        gain: Gain::Nothing,
        ..take_over(
            "lambda-invoke-existing",
            "lambda:function",
            &[need(&["lambda:InvokeFunction"], On::Target)],
            Precondition::None,
            &["https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html"],
        )
    },
    take_over(
        "cloudformation-update",
        "cloudformation:stack",
        &[need(
            &["cloudformation:UpdateStack", "cloudformation:ExecuteChangeSet"],
            On::Target,
        )],
        Precondition::None,
        &["https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStack.html"],
    ),
    take_over(
        "glue-update-dev-endpoint",
        "glue:devEndpoint",
        &[need(&["glue:UpdateDevEndpoint"], On::Target)],
        Precondition::None,
        &["https://docs.aws.amazon.com/glue/latest/webapi/API_UpdateDevEndpoint.html"],
    ),
    take_over(
        "sagemaker-presigned-url",
        "sagemaker:notebook-instance",
        &[need(
            &["sagemaker:CreatePresignedNotebookInstanceUrl"],
            On::Target,
        )],
        Precondition::None,
        &["https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreatePresignedNotebookInstanceUrl.html"],
    ),
    take_over(
        "ssm-send-command",
        "ec2:instance",
        &[
            need(&["ssm:SendCommand"], On::Target),
            need(
                &["ssm:SendCommand"],
                On::New("arn:aws:ssm:{region}::document/AWS-RunShellScript"),
            ),
        ],
        Precondition::SsmManaged,
        &["https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html"],
    ),
    take_over(
        "ssm-start-session",
        "ec2:instance",
        &[need(&["ssm:StartSession"], On::Target)],
        Precondition::SsmManaged,
        &["https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StartSession.html"],
    ),
    take_over(
        "instance-connect",
        "ec2:instance",
        &[need(&["ec2-instance-connect:SendSSHPublicKey"], On::Target)],
        Precondition::InstanceConnect,
        &["https://docs.aws.amazon.com/ec2-instance-connect/latest/APIReference/API_SendSSHPublicKey.html"],
    ),
    take_over(
        "ec2-user-data",
        "ec2:instance",
        &[
            need(&["ec2:StopInstances"], On::Target),
            need(&["ec2:ModifyInstanceAttribute"], On::Target),
            need(&["ec2:StartInstances"], On::Target),
        ],
        Precondition::None,
        &[
            "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceAttribute.html",
            "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html",
        ],
    ),
    take_over(
        "codebuild-existing",
        "codebuild:project",
        &[need(
            &["codebuild:StartBuild", "codebuild:UpdateProject"],
            On::Target,
        )],
        Precondition::None,
        &["https://docs.aws.amazon.com/codebuild/latest/APIReference/API_StartBuild.html"],
    ),
];

/// A [`On::New`] pattern with its `{account}` and `{region}` parts open (`*`): every resource
/// it may stand for.
pub fn open_pattern(pattern: &str) -> String {
    pattern.replace("{account}", "*").replace("{region}", "*")
}

/// The step named `name`.
pub fn step(name: &str) -> Option<&'static Step> {
    STEPS.iter().find(|s| s.name == name)
}

/// The kind of compute an ARN names, as [`Step::compute`] writes it (`ec2:instance`), when it is
/// one the steps know.
pub fn compute_kind(arn: &str) -> Option<&'static str> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_), Some(service), Some(_), Some(_), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let kind = resource.split(['/', ':']).next().unwrap_or("");
    STEPS
        .iter()
        .filter_map(|s| s.compute)
        .find(|c| c.split_once(':') == Some((service, kind)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_lowercase() {
        let mut names: Vec<&str> = STEPS.iter().map(|s| s.name).collect();
        assert!(names.iter().all(|n| n
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')));
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }

    /// Every action a step needs is one the catalog knows: a typo here would make a step that
    /// can never be allowed.
    #[test]
    fn every_needed_action_is_in_the_catalog() {
        let cat = crate::catalog();
        for s in STEPS {
            for a in s.actions() {
                assert!(cat.action(a).is_some(), "{}: unknown action {a}", s.name);
            }
        }
    }

    /// Each target kind a step takes has a need, and needs name only kinds the step takes.
    #[test]
    fn needs_cover_the_targets() {
        for s in STEPS {
            for t in s.targets {
                assert!(s.needs_for(*t).next().is_some(), "{} on {t:?}", s.name);
            }
            for n in s.needs {
                if let Some(w) = n.when {
                    assert!(s.targets.contains(&w), "{}: need for {w:?}", s.name);
                }
            }
            assert_eq!(
                s.service.is_some(),
                s.family == Family::PassRole,
                "{}",
                s.name
            );
            assert_eq!(
                s.compute.is_some(),
                s.family == Family::TakeOver,
                "{}",
                s.name
            );
        }
    }

    #[test]
    fn compute_kinds_of_arns() {
        assert_eq!(
            compute_kind("arn:aws:ec2:us-east-1:111111111111:instance/i-0abc"),
            Some("ec2:instance")
        );
        assert_eq!(
            compute_kind("arn:aws:lambda:us-east-1:111111111111:function:f"),
            Some("lambda:function")
        );
        assert_eq!(
            compute_kind("arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/n"),
            Some("sagemaker:notebook-instance")
        );
        assert_eq!(
            compute_kind("arn:aws:s3:::bucket/key"),
            None,
            "a bucket runs no code"
        );
        assert_eq!(compute_kind("not an arn"), None);
    }
}
