//! The commands of STS, EC2, RDS, Lambda, SSM, Secrets Manager, KMS and DynamoDB.

use super::*;

/// The STS, EC2, RDS, Lambda, SSM, Secrets Manager, KMS and DynamoDB commands.
pub(super) const SERVICES: &[Command] = &[
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
];
