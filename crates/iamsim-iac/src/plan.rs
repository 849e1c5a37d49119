//! Terraform plans as `terraform show -json` writes them: the planned values of every managed
//! resource of the root module and its child modules; a policy known only after apply is
//! unknown by the resource's address.

use crate::entities::Declared;
use crate::tf::policy_arguments;
use crate::value::Val;
use crate::{finish, json_text, Format, Found, PolicyKind, Problem, Read, Settings};
use iamsim_policy::json::{self, Json, JsonValue, Limits};
use iamsim_policy::Source;

/// For a JSON string token at `start` in `text` (its opening quote): (offset in the decoded
/// string, offset in the file) at the start and after every escape, so an offset in the
/// decoded string maps to the exact byte in the file.
fn escape_map(text: &str, start: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut map = vec![(0, start + 1)];
    let mut r = start + 1;
    let mut d = 0usize;
    while let Some(&b) = bytes.get(r) {
        match b {
            b'"' => break,
            b'\\' => {
                let (raw, decoded) = match bytes.get(r + 1) {
                    Some(b'u') => {
                        let hex = |at: usize| {
                            text.get(at..at + 4)
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                        };
                        match hex(r + 2) {
                            Some(hi @ 0xD800..=0xDBFF)
                                if bytes.get(r + 6) == Some(&b'\\')
                                    && bytes.get(r + 7) == Some(&b'u')
                                    && hex(r + 8)
                                        .is_some_and(|lo| (0xDC00..=0xDFFF).contains(&lo)) =>
                            {
                                let _ = hi;
                                (12, 4)
                            }
                            Some(c) => (6, char::from_u32(c).map_or(3, char::len_utf8)),
                            None => (6, 3),
                        }
                    }
                    _ => (2, 1),
                };
                r += raw;
                d += decoded;
                map.push((d, r));
            }
            _ => {
                r += 1;
                d += 1;
            }
        }
    }
    map
}

struct Plan<'a> {
    text: &'a str,
    /// `after_unknown` of each resource change, by address.
    unknown: Vec<(&'a str, &'a Json)>,
    found: Vec<Found>,
    declared: Vec<Declared>,
}

impl<'a> Plan<'a> {
    fn is_computed(&self, address: &str, attr: &str) -> bool {
        self.unknown
            .iter()
            .find(|(a, _)| *a == address)
            .and_then(|(_, u)| u.get(attr))
            .is_some_and(|v| v.value == JsonValue::Bool(true))
    }

    /// A policy value of the plan: a JSON string read with its exact positions in the file.
    fn policy(&mut self, address: &str, attr: &str, kind: PolicyKind, v: Option<&Json>) {
        match v.map(|v| (&v.value, v.span)) {
            Some((JsonValue::String(s), span)) => {
                let map = escape_map(self.text, span.start as usize);
                let to_file = |o: u32| {
                    let o = o as usize;
                    let i = map.partition_point(|(d, _)| *d <= o);
                    map.get(i.saturating_sub(1)).map_or(0, |(d, f)| f + (o - d))
                };
                let doc = match json_text(s, &to_file) {
                    Ok(doc) => doc,
                    // Not JSON: rendered as the string it is, which the policy reader refuses
                    // with its position.
                    Err(_) => Val::str(s.clone(), span.start as usize),
                };
                self.found.push(Found::new(address, attr, kind, doc));
            }
            Some((JsonValue::Null, span)) if self.is_computed(address, attr) => {
                self.found.push(Found::new(
                    address,
                    attr,
                    kind,
                    Val::unknown(
                        format!("{address}.{attr} (known after apply)"),
                        span.start as usize,
                    ),
                ));
            }
            None if self.is_computed(address, attr) => {
                self.found.push(Found::new(
                    address,
                    attr,
                    kind,
                    Val::unknown(format!("{address}.{attr} (known after apply)"), 0),
                ));
            }
            _ => {}
        }
    }

    fn module(&mut self, m: &'a Json) {
        // The JSON reader bounds nesting, so this recursion is bounded too.
        for r in m.get("resources").and_then(Json::items).unwrap_or(&[]) {
            if r.get("mode").and_then(Json::as_str) == Some("data") {
                continue;
            }
            let (Some(address), Some(ty)) = (
                r.get("address").and_then(Json::as_str),
                r.get("type").and_then(Json::as_str),
            ) else {
                continue;
            };
            let values = r.get("values");
            let arg = |key: &str| -> Option<Val> {
                match values.and_then(|v| v.get(key)) {
                    Some(v) if v.value != JsonValue::Null => {
                        Some(Val::from_json(v, &|o| o as usize))
                    }
                    _ if self.is_computed(address, key) => Some(Val::unknown(
                        format!("{address}.{key} (known after apply)"),
                        r.span.start as usize,
                    )),
                    _ => None,
                }
            };
            if let Some(decl) = crate::entities::terraform(ty, &arg) {
                self.declared.push(Declared {
                    file: String::new(),
                    address: address.to_string(),
                    at: r.span.start as usize,
                    decl,
                });
            }
            for (attr, kind) in policy_arguments(ty) {
                let kind = if ty == "aws_organizations_policy" {
                    match values.and_then(|v| v.get("type")).and_then(Json::as_str) {
                        None | Some("SERVICE_CONTROL_POLICY") => PolicyKind::Scp,
                        Some("RESOURCE_CONTROL_POLICY") => PolicyKind::Rcp,
                        _ => continue,
                    }
                } else {
                    *kind
                };
                self.policy(address, attr, kind, values.and_then(|v| v.get(attr)));
            }
            if ty == "aws_iam_role" {
                let inline = values
                    .and_then(|v| v.get("inline_policy"))
                    .and_then(Json::items)
                    .unwrap_or(&[]);
                for p in inline {
                    self.policy(
                        address,
                        "inline_policy",
                        PolicyKind::Identity,
                        p.get("policy"),
                    );
                }
            }
        }
        for c in m.get("child_modules").and_then(Json::items).unwrap_or(&[]) {
            self.module(c);
        }
    }
}

pub(crate) fn read(file: &str, text: &str, settings: &Settings) -> Result<Read, Problem> {
    let _ = settings;
    let src = Source::new(file, text);
    let root = json::parse(&src, Limits::default()).map_err(|d| Problem {
        file: file.to_string(),
        code: d.code,
        at: d.span.start as usize,
        message: d.message,
    })?;
    let Some(planned) = root
        .get("planned_values")
        .and_then(|p| p.get("root_module"))
    else {
        let at = root.span.start as usize;
        return Err(Problem {
            file: file.to_string(),
            code: iamsim_policy::Code::MissingField,
            at,
            message: "a Terraform plan without `planned_values.root_module` (write it with `terraform show -json PLANFILE`)".into(),
        });
    };
    let unknown = root
        .get("resource_changes")
        .and_then(Json::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(|c| {
            Some((
                c.get("address")?.as_str()?,
                c.get("change")?.get("after_unknown")?,
            ))
        })
        .collect();
    let mut plan = Plan {
        text,
        unknown,
        found: Vec::new(),
        declared: Vec::new(),
    };
    plan.module(planned);
    let mut read = finish(file, plan.found, Format::TerraformPlan, Vec::new());
    for d in &mut plan.declared {
        d.file = file.to_string();
    }
    read.entities = crate::entities::build(plan.declared, &read.policies);
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_inside_an_escaped_string_map_to_the_exact_byte() {
        let text = r#"{"p": "{\"Action\":\"s3:Get\u00e9\",\"R\":1}"}"#;
        let start = text.find("\"{").unwrap();
        let map = escape_map(text, start);
        let decoded = "{\"Action\":\"s3:Get\u{e9}\",\"R\":1}";
        let to_file = |o: usize| {
            let i = map.partition_point(|(d, _)| *d <= o);
            map.get(i.saturating_sub(1)).map_or(0, |(d, f)| f + (o - d))
        };
        // `s3:Get...` starts after `{"Action":"`.
        let s3 = decoded.find("s3:").unwrap();
        assert_eq!(&text[to_file(s3)..to_file(s3) + 3], "s3:");
        let r = decoded.find("\"R\"").unwrap();
        assert_eq!(&text[to_file(r)..to_file(r) + 4], "\\\"R\\");
    }
}
