//! The `aws s3` path commands and the `aws s3api` commands (7.3).

use super::*;

/// The `aws s3` and `aws s3api` commands.
pub(super) const S3: &[Command] = &[
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
];
