//! The service rules of docs/rules.md 13.19–13.27 for resources under an account's `resources`
//! (SQS queues, SNS topics, Lambda functions, Secrets Manager secrets, ECR repositories,
//! DynamoDB tables, EventBridge buses): operations that never work across accounts, function
//! URLs, and what an AWS managed key forbids across accounts. The general grant rules (4.14, 5.4)
//! decide the rest; the tables are in `iamsim_catalog::service_rules`.

use crate::eval::{Scope, Target};
use crate::explain::Decision;
use crate::walk::Recorder;
use crate::HopRequest;
use iamsim_catalog::service_rules::{has, CrossAccount, CROSS_ACCOUNT};
use iamsim_world::{Resource, World};

/// The services whose rules section 13.G gives.
const KNOWN_SERVICES: &[&str] = &[
    "sqs",
    "sns",
    "lambda",
    "secretsmanager",
    "ecr",
    "dynamodb",
    "events",
];

/// A DynamoDB index ARN (`…:table/T/index/I`) is decided with its table's entry (13.26).
pub(crate) fn entry_for<'a>(world: &'a World, resource: &str) -> Option<&'a Resource> {
    let arn = iamsim_policy::arn::parse_arn(resource).ok()?;
    if arn.service != "dynamodb" {
        return None;
    }
    let (table, _) = resource.split_once("/index/")?;
    world.resource(table)
}

/// Decided before the grant rules for a request on one of these resources, when a service rule
/// refuses it whatever the policies say; `None` lets the grant rules decide.
pub(crate) fn refused<'a, R: Recorder<'a>>(
    world: &'a World,
    req: &HopRequest<'_>,
    scope: &Scope<'a>,
    service: &str,
    rec: &mut R,
) -> Option<Decision> {
    if matches!(scope.target, Target::Wildcard | Target::Key(_)) {
        return None;
    }
    let name = req.action.text.split_once(':').map_or("", |(_, n)| n);
    let cross = scope.owner.is_some() && scope.owner != scope.caller_account;
    if cross {
        for (svc, rule, number) in CROSS_ACCOUNT {
            if !service.eq_ignore_ascii_case(svc) {
                continue;
            }
            let works = match rule {
                CrossAccount::Except(list) => !has(list, name),
                CrossAccount::Only(list) => has(list, name),
            };
            if !works {
                rec.summary(|| format!(
                    "`{}` does not work across accounts: a grant of it to another account has no effect ({number})",
                    req.action.text
                ));
                return Some(Decision::ImplicitDeny);
            }
        }
    }
    // The world's entry is looked up only for the rules that read it (a scan of the accounts).
    let entry = || {
        world
            .resource(req.resource)
            .or_else(|| entry_for(world, req.resource))
    };
    if service == "lambda" && name.eq_ignore_ascii_case("InvokeFunctionUrl") {
        let entry = entry();
        let has_url = entry.is_some_and(|r| r.function_url.is_some());
        if entry.is_some() && !has_url {
            rec.summary(|| {
                "the function has no function URL, so InvokeFunctionUrl is never allowed (13.23)"
                    .into()
            });
            return Some(Decision::ImplicitDeny);
        }
    }
    if R::EXPLAINS && !KNOWN_SERVICES.contains(&service) && entry().is_some() {
        if let Some(n) = rec.notes() {
            n.push(format!("iamsim knows no service rules of `{service}`: the resource is decided with the general rules of resource-based policies (13.19, 13.28)"));
        }
    }
    if cross && matches!(service, "secretsmanager" | "dynamodb") {
        if let Some(d) = aws_managed_key_across(world, entry(), service, name, rec) {
            return Some(d);
        }
    }
    None
}

/// 13.24, 13.26: a secret or table under an AWS managed key is not usable from another account;
/// a table under a customer managed key is not documented (INDETERMINATE).
fn aws_managed_key_across<'a, R: Recorder<'a>>(
    world: &World,
    entry: Option<&Resource>,
    service: &str,
    name: &str,
    rec: &mut R,
) -> Option<Decision> {
    let entry = entry?;
    // Operations that read or write a secret's value use its key; metadata operations do not.
    let uses_key = iamsim_catalog::service_rules::KMS_COMPANIONS
        .iter()
        .any(|c| {
            c.action
                .split_once(':')
                .is_some_and(|(s, n)| s == service && n.eq_ignore_ascii_case(name))
        });
    match service {
        "secretsmanager" => {
            let managed = match &entry.encryption {
                None => true,
                Some(k) => world.key_by_arn(k).is_some_and(|k| k.aws_managed),
            };
            (managed && uses_key).then(|| {
                rec.summary(|| "the secret is encrypted with the AWS managed key aws/secretsmanager, which cannot be used across accounts (13.24)".into());
                Decision::ImplicitDeny
            })
        }
        "dynamodb" => match &entry.encryption {
            None => None,
            Some(k) if world.key_by_arn(k).is_some_and(|k| k.aws_managed) => {
                rec.summary(|| "cross-account access through a table's resource policy does not support tables encrypted with an AWS managed key (13.26)".into());
                Some(Decision::ImplicitDeny)
            }
            Some(_) => None,
        },
        _ => None,
    }
}

/// 13.26: what the documentation leaves open lowers an ALLOW to INDETERMINATE.
pub(crate) fn undocumented<'a, R: Recorder<'a>>(
    world: &'a World,
    req: &HopRequest<'_>,
    scope: &Scope<'a>,
    service: &str,
    decision: Decision,
    rec: &mut R,
) -> Decision {
    if decision != Decision::Allow || service != "dynamodb" {
        return decision;
    }
    let cross = scope.owner.is_some() && scope.owner != scope.caller_account;
    let entry = world
        .resource(req.resource)
        .or_else(|| entry_for(world, req.resource));
    if cross && entry.is_some_and(|r| r.encryption.is_some()) {
        rec.summary(|| "the table is encrypted with a customer managed key, and AWS does not document what a caller of another account needs for it (13.26)".into());
        return Decision::Indeterminate;
    }
    decision
}
