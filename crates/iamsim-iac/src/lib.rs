#![deny(missing_docs)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
//! IAM policies where teams keep them: Terraform source (`*.tf`), Terraform plans
//! (`terraform show -json`) and CloudFormation templates (JSON or YAML).
//!
//! The readers take the text of files (the caller reads them) and return every IAM policy
//! inside, each with the kind its resource gives it, the Terraform address or CloudFormation
//! logical id, and the policy rendered as a JSON document whose every value maps back to where
//! it is written in the file. Values the files determine are resolved; the others are
//! [`Unknown`], by the name of the reference that would give them, rendered as
//! [`UNKNOWN_PLACEHOLDER`] (never a wildcard).
//!
//! ```
//! use iamsim_iac::{read_cloudformation, Settings};
//! let template = r#"
//! Resources:
//!   Policy:
//!     Type: AWS::S3::BucketPolicy
//!     Properties:
//!       Bucket: !Ref Bucket
//!       PolicyDocument:
//!         Version: "2012-10-17"
//!         Statement:
//!           - Effect: Allow
//!             Principal: "*"
//!             Action: s3:GetObject
//!             Resource: !Sub "arn:aws:s3:::${Bucket}/*"
//!   Bucket:
//!     Type: AWS::S3::Bucket
//!     Properties: {BucketName: site}
//! "#;
//! let read = read_cloudformation("t.yaml", template, &Settings::default()).unwrap();
//! let p = &read.policies[0];
//! assert_eq!((p.address.as_str(), p.kind.as_str()), ("Policy", "bucket"));
//! assert!(p.document.contains(r#""Resource":"arn:aws:s3:::site/*""#));
//! ```
//!
//! Every reader is bounded: the parsers stop at 64 levels of nesting, YAML aliases are counted
//! against a fixed number of values, and resolution follows at most a fixed number of
//! references, so no input makes it recurse without end, grow without bound, or panic.

pub mod account;
mod cfn;
pub mod entities;
mod plan;
mod positions;
pub use positions::document_positions;
mod tf;
mod value;
mod widen;
pub use widen::{world_document, UNRESOLVED_KEY};
mod yaml;

pub use tf::TfFile;
pub use value::{Unknown, UNKNOWN_PLACEHOLDER};

use iamsim_policy::json::{self, Limits};
use iamsim_policy::{Code, PolicyType, Source};
use value::{Rendered, Val};

/// The kinds of file the readers know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Terraform source: `*.tf` files of one module tree.
    Terraform,
    /// A plan or state as `terraform show -json` writes it.
    TerraformPlan,
    /// A CloudFormation template, JSON or YAML.
    CloudFormation,
}

impl Format {
    /// The name used in reports (`terraform`, `terraform-plan`, `cloudformation`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Terraform => "terraform",
            Format::TerraformPlan => "terraform-plan",
            Format::CloudFormation => "cloudformation",
        }
    }
}

/// What the policy is to its resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PolicyKind {
    /// A user's, group's or role's permissions (inline or managed).
    Identity,
    /// A role's trust policy (`assume_role_policy`, `AssumeRolePolicyDocument`).
    Trust,
    /// A permissions boundary.
    Boundary,
    /// An S3 bucket policy.
    Bucket,
    /// A KMS key policy.
    Key,
    /// An SQS queue policy.
    Queue,
    /// An SNS topic policy.
    Topic,
    /// A Secrets Manager secret's resource policy.
    Secret,
    /// An ECR repository policy.
    Repository,
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
}

impl PolicyKind {
    /// The name used in reports (`identity`, `trust`, `bucket`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Trust => "trust",
            PolicyKind::Boundary => "boundary",
            PolicyKind::Bucket => "bucket",
            PolicyKind::Key => "key",
            PolicyKind::Queue => "queue",
            PolicyKind::Topic => "topic",
            PolicyKind::Secret => "secret",
            PolicyKind::Repository => "repository",
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
        }
    }

    /// The policy grammar it is checked with.
    pub fn policy_type(self) -> PolicyType {
        match self {
            PolicyKind::Identity => PolicyType::Identity,
            PolicyKind::Trust => PolicyType::Trust,
            PolicyKind::Boundary => PolicyType::Boundary,
            PolicyKind::Scp => PolicyType::Scp,
            PolicyKind::Rcp => PolicyType::Rcp,
            PolicyKind::Bucket
            | PolicyKind::Key
            | PolicyKind::Queue
            | PolicyKind::Topic
            | PolicyKind::Secret
            | PolicyKind::Repository => PolicyType::Resource,
        }
    }
}

/// What the caller knows beyond the files.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The account the resources are created in (`AWS::AccountId`,
    /// `data.aws_caller_identity.*.account_id`); unknown when `None`.
    pub account: Option<String>,
}

/// One IAM policy found in a file.
#[derive(Clone, Debug)]
pub struct Policy {
    /// The file it is written in (as the caller named it).
    pub file: String,
    /// Terraform address (`module.net.aws_iam_role.app`) or CloudFormation logical id.
    pub address: String,
    /// The argument or property that holds it (`assume_role_policy`, `Policies[0].PolicyDocument`).
    pub attribute: String,
    /// What the policy is to its resource.
    pub kind: PolicyKind,
    /// Byte offset in the file where the policy is written.
    pub at: usize,
    /// The policy as a JSON document.
    pub document: String,
    /// Values the files leave open, where their placeholders stand in `document`.
    pub unknowns: Vec<Unknown>,
    /// Offsets in `document` paired with the file offsets they were rendered from.
    map: Vec<(u32, u32)>,
}

impl Policy {
    /// The byte offset in the file of an offset in `document`: where the value or key around it
    /// is written.
    pub fn file_offset(&self, doc_offset: u32) -> usize {
        Rendered::file_offset(&self.map, doc_offset) as usize
    }

    /// The unknown value whose placeholder covers a document offset.
    pub fn unknown_at(&self, doc_offset: u32) -> Option<&Unknown> {
        self.unknowns
            .iter()
            .find(|u| u.span.start <= doc_offset && doc_offset < u.span.end)
    }
}

/// A file, or a part of one, that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// Byte offset in the file.
    pub at: usize,
    /// What is wrong, in one sentence.
    pub message: String,
}

/// A reader's problem with a file, with its code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file, as the caller named it.
    pub file: String,
    /// The diagnostic code (`IAC_SYNTAX_ERROR`, ...).
    pub code: Code,
    /// Byte offset in the file.
    pub at: usize,
    /// What is wrong, in one sentence.
    pub message: String,
}

/// What a reader found.
#[derive(Clone, Debug)]
pub struct Read {
    /// The kind of file read.
    pub format: Format,
    /// Every IAM policy found, in file order.
    pub policies: Vec<Policy>,
    /// Policies (or files) that could not be read; the rest are still returned.
    pub problems: Vec<Problem>,
    /// The users, groups, roles, managed policies, links and resources the files declare.
    pub entities: entities::Entities,
    /// What the files call but do not hold (a Terraform module from a registry, from git or
    /// from a folder not read): whatever it creates is missing from a world built from them.
    pub outside: Vec<String>,
}

/// A policy found by a reader, before rendering.
pub(crate) struct Found {
    address: String,
    attribute: String,
    kind: PolicyKind,
    pub(crate) doc: Val,
}

impl Found {
    pub(crate) fn new(address: &str, attribute: &str, kind: PolicyKind, doc: Val) -> Found {
        Found {
            address: address.to_string(),
            attribute: attribute.to_string(),
            kind,
            doc,
        }
    }
}

/// JSON text written at `at` in a file (a string value holding a policy), read into a value;
/// `to_file` maps offsets in the text to the file.
pub(crate) fn json_text(
    text: &str,
    to_file: &dyn Fn(u32) -> usize,
) -> Result<Val, (Code, ReadError)> {
    let src = Source::new("", text);
    match json::parse(&src, Limits::default()) {
        Ok(j) => Ok(Val::from_json(&j, to_file)),
        Err(d) => Err((
            d.code,
            ReadError {
                at: to_file(d.span.start),
                message: d.message,
            },
        )),
    }
}

/// Renders what a reader found: a policy written as a JSON string is read first.
pub(crate) fn finish(
    file: &str,
    found: Vec<Found>,
    format: Format,
    mut problems: Vec<Problem>,
) -> Read {
    let mut policies = Vec::new();
    for f in found {
        let doc = match &f.doc.kind {
            value::Kind::Str(s) => {
                let at = f.doc.at;
                match json_text(s, &|_| at) {
                    Ok(v) => v,
                    Err((code, e)) => {
                        problems.push(Problem {
                            file: file.to_string(),
                            code,
                            at: e.at,
                            message: format!(
                                "the policy of `{}` is not JSON: {}",
                                f.address, e.message
                            ),
                        });
                        continue;
                    }
                }
            }
            _ => f.doc,
        };
        let r = Rendered::of(&doc);
        policies.push(Policy {
            file: file.to_string(),
            address: f.address,
            attribute: f.attribute,
            kind: f.kind,
            at: doc.at,
            document: r.text,
            unknowns: r.unknowns,
            map: r.map,
        });
    }
    Read {
        format,
        policies,
        problems,
        entities: entities::Entities::default(),
        outside: Vec::new(),
    }
}

fn problem(file: &str, code: Code, e: ReadError) -> Problem {
    Problem {
        file: file.to_string(),
        code,
        at: e.at,
        message: e.message,
    }
}

/// A CloudFormation template, JSON or YAML.
pub fn read_cloudformation(file: &str, text: &str, settings: &Settings) -> Result<Read, Problem> {
    let root = if text.trim_start().starts_with('{') {
        let src = Source::new(file, text);
        let j = json::parse(&src, Limits::default()).map_err(|d| Problem {
            file: file.to_string(),
            code: d.code,
            at: d.span.start as usize,
            message: d.message,
        })?;
        Val::from_json(&j, &|o| o as usize)
    } else {
        yaml::parse(text).map_err(|e| problem(file, Code::IacSyntax, e))?
    };
    let mut found = Vec::new();
    let mut declared = Vec::new();
    cfn::policies(&root, settings, &mut found, &mut declared);
    let mut read = finish(file, found, Format::CloudFormation, Vec::new());
    for d in &mut declared {
        d.file = file.to_string();
    }
    read.entities = entities::build(declared, &read.policies);
    read.outside = cfn::outside(&root)
        .into_iter()
        .map(|o| format!("{file}: {o}"))
        .collect();
    Ok(read)
}

/// A Terraform plan as `terraform show -json` writes it.
pub fn read_plan(file: &str, text: &str, settings: &Settings) -> Result<Read, Problem> {
    plan::read(file, text, settings)
}

/// Terraform source: the `*.tf` files of a tree (paths relative to one root, `/`-separated).
/// Each folder is a module; a folder that a `module` block of another folder calls (`source =
/// "./modules/net"`) is read as that module, with the block's arguments as its variables and
/// `module.NAME.` before its addresses; every other folder is a root module.
pub fn read_terraform(files: &[TfFile], settings: &Settings) -> Read {
    tf::read(files, settings)
}

/// Whether a file's name is one an IaC file may have (`.tf`, `.json`, `.yaml`, `.yml`,
/// `.template`): what a walk of a folder for IaC reads, before [`detect`] looks at the text.
pub fn iac_file_name(path: &std::path::Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "tf" | "json" | "yaml" | "yml" | "template"
        )
    })
}

/// What a file is, from its name and a look at its text; `None` for anything else (a policy
/// document, a world, a tests file, a YAML file that is not a template).
pub fn detect(name: &str, text: &str) -> Option<Format> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tf") {
        return Some(Format::Terraform);
    }
    let head = text.get(..text.len().min(64 * 1024)).unwrap_or(text);
    let cfn_marker = head.contains("AWSTemplateFormatVersion");
    if lower.ends_with(".json") {
        let trimmed = text.trim_start();
        if !trimmed.starts_with('{') {
            return None;
        }
        if head.contains("\"format_version\"")
            && (text.contains("\"planned_values\"") || text.contains("\"resource_changes\""))
        {
            return Some(Format::TerraformPlan);
        }
        if cfn_marker
            || (head.contains("\"Resources\"")
                && head.contains("\"Type\"")
                && head.contains("\"AWS::"))
        {
            return Some(Format::CloudFormation);
        }
        return None;
    }
    if [".yaml", ".yml", ".template"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        let resources = text.lines().any(|l| l.starts_with("Resources:"));
        if cfn_marker || (resources && text.contains("AWS::")) {
            return Some(Format::CloudFormation);
        }
    }
    None
}

/// Reads named files (name, text): every `*.tf` file as one tree (names relative to its root),
/// each other file by what it is (a plan or a template). A file that is none of these is a
/// problem, as is a file whose policies cannot all be read.
pub fn read_files(files: &[(String, String)], settings: &Settings) -> (Vec<Read>, Vec<Problem>) {
    let mut reads = Vec::new();
    let mut problems = Vec::new();
    let tf: Vec<TfFile> = files
        .iter()
        .filter(|(name, text)| detect(name, text) == Some(Format::Terraform))
        .map(|(path, text)| TfFile { path, text })
        .collect();
    if !tf.is_empty() {
        reads.push(read_terraform(&tf, settings));
    }
    for (name, text) in files {
        let read = match detect(name, text) {
            Some(Format::Terraform) => continue,
            Some(Format::TerraformPlan) => read_plan(name, text, settings),
            Some(Format::CloudFormation) => read_cloudformation(name, text, settings),
            None => Err(Problem {
                file: name.clone(),
                code: Code::NoPolicyFound,
                at: 0,
                message: format!(
                    "`{name}` is not Terraform source, a Terraform plan nor a CloudFormation template"
                ),
            }),
        };
        match read {
            Ok(r) => reads.push(r),
            Err(p) => problems.push(p),
        }
    }
    for r in &reads {
        problems.extend(r.problems.iter().cloned());
    }
    (reads, problems)
}
