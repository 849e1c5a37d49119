//! The `aws iam` commands (a global service: every request is made in us-east-1).

use super::*;

/// The `aws iam` commands.
pub(super) const IAM: &[Command] = &[
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
];
