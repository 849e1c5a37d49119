//! Companion requests (docs/rules.md 13.13, 13.14, 13.21, 13.24): a request through a service
//! on a resource encrypted with a KMS key is also a KMS request on that key, made by the same
//! caller through the service. Written in `crate::walk` once, so every way a request is asked
//! (can, test, who-can, check) decides it with its companions.

use crate::explain::Decision;
use crate::open_conditions::OpenConditions;
use crate::request::Action;
use crate::walk::Recorder;
use crate::HopRequest;
use iamsim_catalog::service_rules::{Need, KMS_COMPANIONS};
use iamsim_policy::{Context, ContextLookup, ContextValue};
use iamsim_world::World;

/// The actions companion requests ask, built once.
fn companion_action(name: &str) -> Option<&'static Action> {
    static ACTIONS: std::sync::OnceLock<[Action; 4]> = std::sync::OnceLock::new();
    let all = ACTIONS.get_or_init(|| {
        [
            "kms:Decrypt",
            "kms:GenerateDataKey",
            "ecr:GetAuthorizationToken",
            "lambda:InvokeFunction",
        ]
        .map(|text| Action {
            text: text.to_string(),
        })
    });
    all.iter().find(|a| a.text == name)
}

/// The function URL's auth type when the request invokes a function through its URL (13.23).
fn function_url<'a>(world: &'a World, req: &HopRequest<'_>) -> Option<&'a str> {
    if !req
        .action
        .text
        .eq_ignore_ascii_case("lambda:InvokeFunctionUrl")
    {
        return None;
    }
    world.resource(req.resource)?.function_url.as_deref()
}

/// Keys the service sets on the request itself (13.23: `lambda:FunctionUrlAuthType`).
pub(crate) fn own_context(world: &World, req: &HopRequest<'_>) -> Option<Context> {
    let auth = function_url(world, req)?;
    let mut c = Context::new();
    c.set("lambda:FunctionUrlAuthType", auth);
    Some(c)
}

/// Companion requests that are not KMS requests: ECR's authorization token (13.25) and a
/// function URL's InvokeFunction (13.23). `None` when the request has none.
fn other_companion<'a, R: Recorder<'a>>(
    world: &'a World,
    req: &HopRequest<'a>,
    open: Option<&OpenConditions<'_>>,
    rec: &mut R,
) -> Option<Decision> {
    let (service, name) = req.action.text.split_once(':')?;
    if service.eq_ignore_ascii_case("ecr")
        && iamsim_catalog::service_rules::has(
            iamsim_catalog::service_rules::ECR_IMAGE_ACTIONS,
            name,
        )
    {
        let action = companion_action("ecr:GetAuthorizationToken")?;
        let creq = HopRequest {
            caller: req.caller,
            action,
            resource: "*",
            context: req.context,
            assume: None,
        };
        let d = rec.companion(world, &creq, &Context::new(), open, "13.25");
        if d != Decision::Allow {
            rec.summary(|| format!("pushing or pulling images also needs ecr:GetAuthorizationToken from an identity-based policy, and that request is {d} (13.25)"));
        }
        return Some(d);
    }
    let auth = function_url(world, req)?;
    let action = companion_action("lambda:InvokeFunction")?;
    let mut extra = Context::new();
    extra.set("lambda:FunctionUrlAuthType", auth);
    extra.set("lambda:InvokedViaFunctionUrl", "true");
    let creq = HopRequest {
        caller: req.caller,
        action,
        resource: req.resource,
        context: req.context,
        assume: None,
    };
    let d = rec.companion(world, &creq, &extra, open, "13.23");
    if d != Decision::Allow {
        rec.summary(|| format!("invoking through a function URL also needs lambda:InvokeFunction with `lambda:InvokedViaFunctionUrl`, and that request is {d} (13.23)"));
    }
    Some(d)
}

/// The KMS key a request's resource is encrypted with, as the world or the request says.
enum KeyOf<'a> {
    /// A key ARN (declared in the world or not: crate::kms decides either).
    Arn(&'a str),
    /// The request names a key iamsim cannot resolve to an ARN.
    Unresolved(&'a str),
}

/// Where the companion requests of `req` go: the key, the service that asks, and the encryption
/// contexts it sends (more than one when the world does not say which, 13.13 and 0.2).
struct Plan<'a> {
    key: KeyOf<'a>,
    service: &'static str,
    contexts: Vec<(&'static str, String)>,
    needs: &'static [(&'static str, Need)],
    rule: &'static str,
}

/// The S3 header naming the key of an upload (formats.md 8).
const S3_KEY_HEADER: &str = "s3:x-amz-server-side-encryption-aws-kms-key-id";

fn single<'a>(ctx: &'a Context, key: &str) -> Option<&'a str> {
    match ctx.get(key) {
        Some(ContextValue::Single(v)) => Some(v.as_str()),
        _ => None,
    }
}

fn plan<'a>(world: &'a World, req: &HopRequest<'a>) -> Option<Plan<'a>> {
    let c = KMS_COMPANIONS
        .iter()
        .find(|c| req.action.text.eq_ignore_ascii_case(c.action))?;
    let arn = iamsim_policy::arn::parse_arn(req.resource).ok()?;
    let (service, key, contexts): (&'static str, Option<&'a str>, Vec<(&'static str, String)>) =
        match arn.service {
            "s3" => {
                let (bucket, object) = arn.resource.split_once('/')?;
                if object.is_empty() {
                    return None;
                }
                let header = if req.action.text.eq_ignore_ascii_case("s3:PutObject") {
                    single(req.context, S3_KEY_HEADER)
                } else {
                    None
                };
                let key = header.or_else(|| world.bucket(bucket)?.encryption.as_deref());
                // No key, no companion: nothing to build (most objects are not under a key).
                key?;
                let bucket_arn = format!("arn:aws:s3:::{bucket}");
                (
                    "s3",
                    key,
                    vec![
                        ("aws:s3:arn", req.resource.to_string()),
                        ("aws:s3:arn", bucket_arn),
                    ],
                )
            }
            "sqs" => (
                "sqs",
                world.resource(req.resource)?.encryption.as_deref(),
                vec![("aws:sqs:arn", req.resource.to_string())],
            ),
            "secretsmanager" => {
                let r = world.resource(req.resource)?;
                let key = r.encryption.as_deref().or_else(|| {
                    let alias = iamsim_catalog::service_rules::default_key_alias("secretsmanager")?;
                    let alias_arn = format!("arn:aws:kms:{}:{}:{alias}", arn.region, arn.account);
                    world.key_by_alias(&alias_arn).map(|k| k.arn.as_str())
                });
                // Without a key: the account's aws/secretsmanager key, which the world does not
                // declare; in the same account nothing more is needed, and from another account
                // crate::resources refuses the request (13.24).
                key?;
                (
                    "secretsmanager",
                    key,
                    vec![("SecretARN", req.resource.to_string())],
                )
            }
            _ => return None,
        };
    let key = key?;
    let key = if iamsim_world::kms_world::split_key_arn(key).is_some() {
        KeyOf::Arn(key)
    } else if let Some(k) = world.key_by_alias(key) {
        KeyOf::Arn(&k.arn)
    } else {
        KeyOf::Unresolved(key)
    };
    Some(Plan {
        key,
        service,
        contexts,
        needs: c.kms,
        rule: c.rule,
    })
}

/// The worse of two answers for the caller: an explicit deny, then an implicit deny, then
/// indeterminate, then allow.
fn worse(a: Decision, b: Decision) -> Decision {
    let rank = |d: Decision| match d {
        Decision::ExplicitDeny => 3,
        Decision::ImplicitDeny => 2,
        Decision::Indeterminate => 1,
        Decision::Allow => 0,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// `decision` (of `req` alone) combined with the decisions of its companion requests: ALLOW
/// only when every required one is ALLOW; an explicit deny in any is the answer.
pub(crate) fn with_companions<'a, R: Recorder<'a>>(
    world: &'a World,
    req: &HopRequest<'a>,
    decision: Decision,
    open: Option<&OpenConditions<'_>>,
    rec: &mut R,
) -> Decision {
    if decision == Decision::ExplicitDeny {
        return decision;
    }
    if let Some(d) = other_companion(world, req, open, rec) {
        return worse(decision, d);
    }
    let Some(plan) = plan(world, req) else {
        return decision;
    };
    let key_arn = match plan.key {
        KeyOf::Arn(a) => a,
        KeyOf::Unresolved(k) => {
            rec.summary(|| format!(
                "the request names KMS key `{k}`, which is not a key ARN or an alias of the world: its KMS request cannot be decided (13.28)"
            ));
            return worse(decision, Decision::Indeterminate);
        }
    };
    let region = iamsim_world::kms_world::split_key_arn(key_arn).map_or("", |(r, _, _)| r);
    let via = format!("{}.{region}.amazonaws.com", plan.service);
    let mut out = decision;
    if plan.service == "s3" {
        // 13.17: requests on SSE-KMS objects fail without TLS.
        match single(req.context, "aws:SecureTransport") {
            Some(v) if v.eq_ignore_ascii_case("false") => {
                rec.summary(|| "requests on objects encrypted with a KMS key fail unless made over TLS, and `aws:SecureTransport` is false (13.17)".into());
                return worse(out, Decision::ImplicitDeny);
            }
            Some(_) => {}
            None => {
                if out == Decision::Allow {
                    rec.summary(|| "allowed over TLS only: requests on objects encrypted with a KMS key fail without it, and the request does not say (`aws:SecureTransport`, 13.17)".into());
                }
                out = worse(out, Decision::Indeterminate);
            }
        }
        if let Some(n) = rec.notes() {
            n.push(format!("the object is taken as encrypted with {key_arn}, the bucket's default key (an object written earlier or with another key may not be; 13.13)"));
        }
    }
    for (action, need) in plan.needs {
        let Some(action) = companion_action(action) else {
            continue;
        };
        let mut d = Decision::Allow;
        // Every reading of the encryption context must allow (0.2): S3 sends the object ARN,
        // or the bucket ARN with an S3 Bucket Key, and the world does not say which.
        let mut seen_value: Vec<&str> = Vec::new();
        for (k, v) in &plan.contexts {
            if seen_value.contains(&v.as_str()) {
                continue;
            }
            seen_value.push(v);
            let mut extra = Context::new();
            extra.set("kms:ViaService", via.clone());
            extra.set("aws:ViaAWSService", "true");
            extra.set(&format!("kms:EncryptionContext:{k}"), v.clone());
            let creq = HopRequest {
                caller: req.caller,
                action,
                resource: key_arn,
                context: req.context,
                assume: None,
            };
            let one = rec.companion(world, &creq, &extra, open, plan.rule);
            d = worse(d, one);
            if d == Decision::ExplicitDeny {
                break;
            }
        }
        let d = match (need, d) {
            (Need::Multipart, Decision::Allow) => d,
            (Need::Multipart, _) => {
                rec.summary(|| format!("single-part uploads are allowed; multipart uploads also need {} on the key, which is not allowed (13.14)", action.text));
                Decision::Indeterminate
            }
            (Need::Required, d) => {
                if d != Decision::Allow {
                    let text = action.text.clone();
                    rec.summary(|| format!(
                        "the request also needs {text} on {key_arn}, asked by the same caller through {} ({}), and that request is {d}",
                        plan.service, plan.rule
                    ));
                }
                d
            }
        };
        out = worse(out, d);
        if out == Decision::ExplicitDeny {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worse_answer_wins() {
        use Decision::*;
        assert_eq!(worse(Allow, ImplicitDeny), ImplicitDeny);
        assert_eq!(worse(Indeterminate, ImplicitDeny), ImplicitDeny);
        assert_eq!(worse(ExplicitDeny, Indeterminate), ExplicitDeny);
        assert_eq!(worse(Allow, Allow), Allow);
        assert_eq!(worse(Allow, Indeterminate), Indeterminate);
    }
}
