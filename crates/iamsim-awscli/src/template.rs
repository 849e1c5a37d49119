//! Resource templates of the command table, filled from a command's options (rules 2.3, 7.3).
//!
//! A template is text with slots: `{region}`, `{account}`, `{caller-user}`, `{--option}` and
//! `{--option|FORM}`. Each FORM says how AWS reads the option's value:
//!
//! - `arn`: a name, or the resource's full ARN (`--table-name arn:aws:dynamodb:...:table/T`):
//!   an ARN replaces everything before the slot, so its account and Region are the resource's;
//! - `arn-only`: the resource's full ARN, nothing else (`--policy-arn`, `--role`);
//! - `lambda`: a function name (`f`, `f:alias`), a partial ARN (`123456789012:function:f`) or a
//!   full ARN;
//! - `ssm`: a parameter name with or without its leading `/`, or its ARN;
//! - `ssm-document`: a document name (names starting with `AWS` or `Amazon` are AWS-owned: their
//!   ARN has no account) or its ARN;
//! - `secret`: a secret's name (any secret of that name: `NAME-??????`, as AWS adds six random
//!   characters to the ARN) or its ARN;
//! - `kms`: a key id or key ARN (an alias names no key: iamsim does not resolve aliases);
//! - `bucket`: a bucket name, or an access point ARN (an object through it is
//!   `ARN/object/KEY`);
//! - `path`: an IAM path (`/` when the option is not given);
//! - `copy-source`: `bucket/key` or an access point object ARN, URL-encoded, with an optional
//!   `?versionId=` (the whole resource).
//!
//! A list option (`--instance-ids i-1 i-2`) gives one resource per value.

use crate::command::{bad, Invocation};
use crate::table;
use crate::Error;

/// What a template needs from outside the command.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Slots<'a> {
    pub region: Option<&'a str>,
    pub account: Option<&'a str>,
    pub caller: Option<&'a str>,
}

enum Part<'t> {
    Text(&'t str),
    Slot {
        name: &'t str,
        form: Option<&'t str>,
    },
}

fn parts(template: &str) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest.get(open..).and_then(|r| r.find('}')).map(|c| c + open) else {
            break;
        };
        if open > 0 {
            out.push(Part::Text(rest.get(..open).unwrap_or("")));
        }
        let inner = rest.get(open + 1..close).unwrap_or("");
        let (name, form) = match inner.split_once('|') {
            Some((n, f)) => (n, Some(f)),
            None => (inner, None),
        };
        out.push(Part::Slot { name, form });
        rest = rest.get(close + 1..).unwrap_or("");
    }
    if !rest.is_empty() {
        out.push(Part::Text(rest));
    }
    out
}

/// The options a template names that the command does not give (for messages).
pub(crate) fn missing(inv: &Invocation, template: &str) -> Vec<String> {
    parts(template)
        .into_iter()
        .filter_map(|p| match p {
            Part::Slot { name, form } if name.starts_with("--") && form != Some("path") => {
                inv.values(name).is_empty().then(|| name.to_string())
            }
            _ => None,
        })
        .collect()
}

/// A template filled in: its text, and what the reader should know of how it was made.
pub(crate) struct Filled {
    /// The resource or context value.
    pub(crate) text: String,
    /// Set when a `secret` slot was filled with a name ([`table::SECRET_NOTE`]).
    pub(crate) note: Option<&'static str>,
}

/// Fills `template`: one value per value of its list option (one when it has none), or
/// `None` when an option it needs was not given.
pub(crate) fn fill(
    inv: &Invocation,
    template: &str,
    slots: &Slots,
) -> Result<Option<Vec<Filled>>, Error> {
    let parts = parts(template);
    let list = parts.iter().find_map(|p| match p {
        Part::Slot { name, .. } if table::LIST_OPTIONS.contains(name) => Some(*name),
        _ => None,
    });
    let choices: Vec<Option<&str>> = match list {
        Some(name) => inv.values(name).into_iter().map(Some).collect(),
        None => vec![None],
    };
    if choices.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for choice in choices {
        match fill_one(inv, template, &parts, slots, choice)? {
            Some(s) => out.push(s),
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

fn fill_one(
    inv: &Invocation,
    template: &str,
    parts: &[Part],
    slots: &Slots,
    list_value: Option<&str>,
) -> Result<Option<Filled>, Error> {
    let value_of = |name: &str| -> Option<String> {
        if table::LIST_OPTIONS.contains(&name) {
            list_value.map(str::to_string)
        } else {
            inv.option(name).map(str::to_string)
        }
    };
    // A slot whose value is a whole ARN replaces everything before it.
    let mut start = 0;
    let mut out = String::new();
    let mut note = None;
    for (i, p) in parts.iter().enumerate() {
        if let Part::Slot {
            name,
            form: Some(form),
        } = p
        {
            if let Some(v) = value_of(name) {
                if let Some(arn) = whole(inv, template, name, form, &v, slots)? {
                    start = i + 1;
                    out = arn;
                }
            }
        }
    }
    for p in parts.iter().skip(start) {
        match p {
            Part::Text(t) => out.push_str(t),
            Part::Slot { name, form } => {
                let value = match *name {
                    "region" => Some(need_region(inv, slots)?.to_string()),
                    "account" => Some(
                        slots
                            .account
                            .ok_or_else(|| {
                                bad(
                                    inv,
                                    "names a resource of the caller's account, and an anonymous caller has none".into(),
                                )
                            })?
                            .to_string(),
                    ),
                    "caller-user" => Some(caller_user(inv, slots)?),
                    opt => match (value_of(opt), *form) {
                        (None, Some("path")) => Some("/".to_string()),
                        (None, _) => None,
                        (Some(v), form) => {
                            if form == Some("secret") {
                                note = Some(table::SECRET_NOTE);
                            }
                            Some(part_value(inv, opt, form, v)?)
                        }
                    },
                };
                match value {
                    Some(v) => out.push_str(&v),
                    None => return Ok(None),
                }
            }
        }
    }
    Ok(Some(Filled { text: out, note }))
}

/// The Region the command is sent to, or an error like the AWS CLI's own.
fn need_region<'a>(inv: &Invocation, slots: &Slots<'a>) -> Result<&'a str, Error> {
    slots.region.ok_or_else(|| {
        bad(
            inv,
            "needs a Region to name its resource: give --region, set AWS_REGION, or give the profile a `region`".into(),
        )
    })
}

/// The IAM user making the request, for IAM commands that act on the caller when no
/// `--user-name` is given.
fn caller_user(inv: &Invocation, slots: &Slots) -> Result<String, Error> {
    slots
        .caller
        .and_then(|c| c.split_once(":user/"))
        .map(|(_, rest)| rest.rsplit('/').next().unwrap_or(rest).to_string())
        .ok_or_else(|| {
            bad(
                inv,
                "without --user-name acts on the IAM user making the call, and the caller is not an IAM user: add --user-name".into(),
            )
        })
}

/// A value filled into the middle of a template.
fn part_value(
    inv: &Invocation,
    option: &str,
    form: Option<&str>,
    v: String,
) -> Result<String, Error> {
    match form {
        Some("ssm") => Ok(v.strip_prefix('/').unwrap_or(&v).to_string()),
        // AWS adds `-` and six random characters to a secret's name in its ARN.
        Some("secret") => Ok(format!("{v}-??????")),
        Some("kms") if v.starts_with("alias/") => Err(bad(
            inv,
            format!("{option} `{v}` is an alias: iamsim does not resolve aliases to keys; give the key id or key ARN"),
        )),
        Some("path") if !(v.starts_with('/') && v.ends_with('/')) => Err(bad(
            inv,
            format!("{option} `{v}` is not an IAM path: it starts and ends with `/`"),
        )),
        _ => Ok(v),
    }
}

/// The whole resource, when the value of a slot of this form names it by itself.
fn whole(
    inv: &Invocation,
    template: &str,
    option: &str,
    form: &str,
    v: &str,
    slots: &Slots,
) -> Result<Option<String>, Error> {
    if form == "copy-source" {
        return copy_source(inv, v).map(|c| Some(c.resource));
    }
    if form == "bucket" {
        return access_point(inv, template, option, v);
    }
    if !matches!(
        form,
        "arn" | "arn-only" | "lambda" | "ssm" | "ssm-document" | "kms" | "secret"
    ) {
        return Ok(None);
    }
    let arn = if v.starts_with("arn:") {
        v.to_string()
    } else if form == "lambda" && is_partial_lambda_arn(v) {
        format!("arn:aws:lambda:{}:{v}", need_region(inv, slots)?)
    } else if form == "ssm-document" && (v.starts_with("AWS") || v.starts_with("Amazon")) {
        format!("arn:aws:ssm:{}::document/{v}", need_region(inv, slots)?)
    } else if form == "arn-only" {
        return Err(bad(
            inv,
            format!("{option} `{v}` is not an ARN: AWS takes only an ARN here"),
        ));
    } else {
        return Ok(None);
    };
    check_arn(inv, template, option, &arn)?;
    Ok(Some(arn))
}

/// `--bucket` given as an access point ARN: the access point for a bucket request, its
/// `.../object` for an object request (the key follows).
fn access_point(
    inv: &Invocation,
    template: &str,
    option: &str,
    v: &str,
) -> Result<Option<String>, Error> {
    if !v.starts_with("arn:") {
        return Ok(None);
    }
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    let ok = match parts.as_slice() {
        ["arn", partition, "s3", region, account, resource] => {
            partition.starts_with("aws")
                && iamsim_catalog::looks_like_region(region)
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && resource
                    .strip_prefix("accesspoint/")
                    .is_some_and(|n| !n.is_empty() && !n.contains(['/', '*', '?']))
        }
        _ => false,
    };
    if !ok {
        return Err(bad(
            inv,
            format!("{option} `{v}` is neither a bucket name nor an access point ARN (arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME)"),
        ));
    }
    let object = !template.ends_with(&format!("{{{option}|bucket}}"));
    Ok(Some(if object {
        format!("{v}/object")
    } else {
        v.to_string()
    }))
}

/// `123456789012:function:NAME[:QUALIFIER]`.
fn is_partial_lambda_arn(v: &str) -> bool {
    let mut it = v.splitn(3, ':');
    matches!(
        (it.next(), it.next(), it.next()),
        (Some(a), Some("function"), Some(rest))
            if a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty()
    )
}

/// An ARN given for a slot must name the kind of resource the template names: the same
/// service and resource type.
fn check_arn(inv: &Invocation, template: &str, option: &str, arn: &str) -> Result<(), Error> {
    let at = template.find(&format!("{{{option}|")).unwrap_or(0);
    let prefix = template.get(..at).unwrap_or("");
    let want: Vec<&str> = prefix.splitn(6, ':').collect();
    let got: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = match (want.as_slice(), got.as_slice()) {
        ([_, _, service, _, _, kind], ["arn", partition, s, region, account, resource]) => {
            s == service
                && partition.starts_with("aws")
                && (region.is_empty() || iamsim_catalog::looks_like_region(region))
                // `aws` owns AWS managed policies (arn:aws:iam::aws:policy/NAME).
                && (account.is_empty()
                    || (*service == "iam" && *account == "aws")
                    || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())))
                && resource.len() > kind.len()
                && resource.starts_with(kind)
                && !resource.contains(['*', '?'])
        }
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let shape = format!("{prefix}NAME")
        .replace("{region}", "REGION")
        .replace("{account}", "ACCOUNT");
    Err(bad(
        inv,
        format!("{option} `{arn}` is not an ARN of the kind this command takes (`{shape}`)"),
    ))
}

/// `KEY=VALUE,KEY=VALUE` (the AWS CLI's shorthand for a map) or its JSON form `{"KEY": "VALUE"}`.
pub(crate) fn map(text: &str) -> Option<Vec<(String, String)>> {
    let text = text.trim();
    if text.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        return v
            .as_object()?
            .iter()
            .map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect();
    }
    text.split(',')
        .map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (!k.is_empty()).then(|| (k.to_string(), v.to_string()))
        })
        .collect()
}

/// The source object of a copy, as S3 reads `x-amz-copy-source`.
pub(crate) struct CopySource {
    pub resource: String,
    pub version: bool,
}

pub(crate) fn copy_source(inv: &Invocation, raw: &str) -> Result<CopySource, Error> {
    let (path, query) = match raw.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (raw, None),
    };
    let version = match query {
        None => false,
        Some(q) => match q.strip_prefix("versionId=") {
            Some(v) if !v.is_empty() && !v.contains('&') => true,
            _ => {
                return Err(bad(
                    inv,
                    format!("--copy-source `{raw}`: after `?` S3 reads only `versionId=ID`"),
                ))
            }
        },
    };
    let decoded = iamsim_policy::percent::decode_utf8(path.strip_prefix('/').unwrap_or(path))
        .ok_or_else(|| {
            bad(
                inv,
                format!("--copy-source `{raw}` does not decode to UTF-8 text"),
            )
        })?;
    if decoded.starts_with("arn:") {
        // An object through an access point: arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME/object/KEY.
        let resource = decoded.splitn(6, ':').nth(5).unwrap_or("");
        let ok = decoded.starts_with("arn:aws")
            && resource
                .strip_prefix("accesspoint/")
                .and_then(|r| r.split_once("/object/"))
                .is_some_and(|(name, key)| !name.is_empty() && !key.is_empty());
        if !ok {
            return Err(bad(
                inv,
                format!("--copy-source `{raw}` is neither BUCKET/KEY nor an access point object ARN (arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME/object/KEY)"),
            ));
        }
        return Ok(CopySource {
            resource: decoded,
            version,
        });
    }
    match decoded.split_once('/') {
        Some((bucket, key)) if !bucket.is_empty() && !key.is_empty() => Ok(CopySource {
            resource: format!("arn:aws:s3:::{bucket}/{key}"),
            version,
        }),
        _ => Err(bad(
            inv,
            format!("--copy-source `{raw}` names no object: write BUCKET/KEY (URL-encoded)"),
        )),
    }
}
