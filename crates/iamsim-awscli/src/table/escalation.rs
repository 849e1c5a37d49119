//! Commands of other services than IAM that the documented privilege-escalation paths and
//! their clean-up use: STS federation tokens, EC2 instance profiles and attributes, Lambda
//! permissions and event source mappings, SSM, Secrets Manager, KMS and DynamoDB
//! housekeeping, and the SQS and SNS lists.

use super::*;

/// The other services' commands of escalation paths and their clean-up.
pub(super) const ESCALATION: &[Command] = &[
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
