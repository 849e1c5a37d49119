//! `iamsim import` for KMS keys and the other services' resource policies: what the AWS CLI
//! prints for each, turned into an account's `keys` and `resources` (docs/world-format.md).
//!
//! ```text
//! accounts/<id>/kms/list-aliases.json                  aws kms list-aliases (optional)
//! accounts/<id>/kms/<key id>/describe-key.json         aws kms describe-key --key-id ID
//! accounts/<id>/kms/<key id>/key-policy.json           aws kms get-key-policy --key-id ID --policy-name default
//! accounts/<id>/kms/<key id>/list-grants.json          aws kms list-grants --key-id ID (optional)
//! accounts/<id>/resources/sqs/<name>.json              aws sqs get-queue-attributes --attribute-names All
//! accounts/<id>/resources/sns/<name>.json              aws sns get-topic-attributes
//! accounts/<id>/resources/lambda/<name>.json           aws lambda get-policy
//! accounts/<id>/resources/secretsmanager/<name>.json   aws secretsmanager get-resource-policy
//! accounts/<id>/resources/ecr/<region>/<name>.json     aws ecr get-repository-policy
//! ```

use super::{document, err, list, safe, str_field, subdirs, ImportError, Importer};
use iamsim_policy::Code;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// `*.json` files of a folder by name, sorted; none when the folder is absent.
fn json_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, ImportError> {
    super::folder_entries(dir, |p| {
        p.extension()
            .is_some_and(|e| e == "json")
            .then(|| p.file_stem())
            .flatten()
    })
}

/// A string field holding a policy document (the CLI prints resource policies as JSON text).
fn policy_text(v: &Value, key: &str, file: &Path) -> Result<Option<Value>, ImportError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(p) => document(p, file, &format!("`{key}`")).map(Some),
    }
}

impl Importer<'_> {
    /// An account's KMS keys: `keys` of the world, keyed by key id.
    pub(super) fn keys(&mut self, id: &str, dir: &Path) -> Result<Map<String, Value>, ImportError> {
        let kms = dir.join("kms");
        let mut aliases: Vec<(String, String)> = Vec::new();
        let alias_file = kms.join("list-aliases.json");
        if alias_file.is_file() {
            let v = self.read_json(&alias_file)?;
            for a in list(&v, "Aliases") {
                let name = str_field(a, "AliasName", &alias_file)?;
                if let Some(target) = a.get("TargetKeyId").and_then(Value::as_str) {
                    aliases.push((target.to_string(), name.to_string()));
                }
            }
        }
        let mut keys = Map::new();
        for (key_id, kdir) in subdirs(&kms)? {
            let id_ok = !key_id.is_empty()
                && key_id.len() <= 128
                && key_id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !id_ok {
                return err(
                    Code::ImportInvalidId,
                    &kdir,
                    "the folder's name is not a KMS key id",
                );
            }
            let describe = kdir.join("describe-key.json");
            let meta = self.read_json(&describe)?;
            let meta = meta.get("KeyMetadata").unwrap_or(&Value::Null);
            let arn = str_field(meta, "Arn", &describe)?;
            let parsed = crate::kms_world::split_key_arn(arn);
            let Some((region, account, arn_id)) = parsed else {
                return err(
                    Code::ImportUnrecognized,
                    &describe,
                    format!("`{arn}` is not a KMS key ARN"),
                );
            };
            if account != id || arn_id != key_id {
                return err(
                    Code::ImportUnrecognized,
                    &describe,
                    format!("the key's ARN `{arn}` is not key {key_id} of account {id}"),
                );
            }
            let aws_managed = meta.get("KeyManager").and_then(Value::as_str) == Some("AWS");
            let policy_file = kdir.join("key-policy.json");
            let pv = self.read_json(&policy_file)?;
            let Some(doc) = policy_text(&pv, "Policy", &policy_file)? else {
                return err(
                    Code::ImportUnrecognized,
                    &policy_file,
                    "no `Policy`: expected the output of `aws kms get-key-policy`",
                );
            };
            let rel = self.write_doc(&format!("policies/{id}/key-{}.json", safe(&key_id)), &doc)?;
            let mut key = Map::new();
            key.insert("region".into(), Value::from(region));
            key.insert("policy".into(), Value::from(rel));
            let names: Vec<Value> = aliases
                .iter()
                .filter(|(t, _)| t == &key_id)
                .map(|(_, n)| Value::from(n.as_str()))
                .collect();
            if !names.is_empty() {
                key.insert("aliases".into(), Value::Array(names));
            }
            if aws_managed {
                key.insert("aws_managed".into(), Value::from(true));
            }
            let grants_file = kdir.join("list-grants.json");
            if grants_file.is_file() {
                let gv = self.read_json(&grants_file)?;
                if gv.get("Truncated").and_then(Value::as_bool) == Some(true) {
                    return err(
                        Code::ImportIncomplete,
                        &grants_file,
                        "the list of grants is truncated: export every page (`--no-paginate` off)",
                    );
                }
                let mut grants = Vec::new();
                for g in list(&gv, "Grants") {
                    let grantee = str_field(g, "GranteePrincipal", &grants_file)?;
                    // A grant to a service principal, or with a constraint other than an
                    // encryption context, allows no user or role iamsim can name (13.9): left
                    // out, which can only remove an Allow.
                    let names_iam = grantee.starts_with("arn:aws:iam::")
                        || grantee.starts_with("arn:aws:sts::");
                    let plain_constraint = g.get("Constraints").is_none_or(|c| {
                        c.as_object().is_some_and(|m| {
                            m.len() == 1
                                && m.keys().all(|k| {
                                    k == "EncryptionContextSubset" || k == "EncryptionContextEquals"
                                })
                        })
                    });
                    if !names_iam || !plain_constraint {
                        continue;
                    }
                    let ops: Vec<Value> = list(g, "Operations").to_vec();
                    let mut grant = json!({"grantee": grantee, "operations": ops});
                    if let (Some(c), Some(m)) = (g.get("Constraints"), grant.as_object_mut()) {
                        m.insert("constraints".into(), c.clone());
                    }
                    grants.push(grant);
                }
                if !grants.is_empty() {
                    key.insert("grants".into(), Value::Array(grants));
                }
            }
            keys.insert(key_id, Value::Object(key));
            self.summary.keys += 1;
        }
        Ok(keys)
    }

    /// An account's other resources: `resources` of the world, keyed by ARN. `keys`: the
    /// account's imported keys, which name a queue's or a secret's key by alias or id.
    pub(super) fn resources(
        &mut self,
        id: &str,
        dir: &Path,
        keys: &Map<String, Value>,
    ) -> Result<Map<String, Value>, ImportError> {
        let base = dir.join("resources");
        let mut out = Map::new();
        // `get-queue-attributes` and `get-topic-attributes`: the ARN, the policy and (a queue's)
        // KMS key under `Attributes`.
        for (folder, arn_field, key_field) in [
            ("sqs", "QueueArn", Some("KmsMasterKeyId")),
            ("sns", "TopicArn", None),
        ] {
            for (name, file) in json_files(&base.join(folder))? {
                let v = self.read_json(&file)?;
                let attrs = v.get("Attributes").unwrap_or(&Value::Null);
                let arn = str_field(attrs, arn_field, &file)?.to_string();
                let key = key_field.and_then(|k| attrs.get(k)).and_then(Value::as_str);
                self.resource(
                    id,
                    &file,
                    &arn,
                    &name,
                    policy_text(attrs, "Policy", &file)?,
                    key,
                    keys,
                    &mut out,
                )?;
            }
        }
        for (name, file) in json_files(&base.join("lambda"))? {
            let v = self.read_json(&file)?;
            let Some(doc) = policy_text(&v, "Policy", &file)? else {
                return err(
                    Code::ImportUnrecognized,
                    &file,
                    "no `Policy`: expected the output of `aws lambda get-policy`",
                );
            };
            // get-policy prints no ARN: the function's statements name it as their Resource.
            let arn = list(&doc, "Statement")
                .iter()
                .find_map(|s| s.get("Resource").and_then(Value::as_str))
                .map(|r| r.strip_suffix(":*").unwrap_or(r).to_string());
            let Some(arn) = arn else {
                return err(
                    Code::ImportUnrecognized,
                    &file,
                    "the function policy names no function ARN as a Resource",
                );
            };
            self.resource(id, &file, &arn, &name, Some(doc), None, keys, &mut out)?;
        }
        for (name, file) in json_files(&base.join("secretsmanager"))? {
            let v = self.read_json(&file)?;
            let arn = str_field(&v, "ARN", &file)?.to_string();
            let key = v.get("KmsKeyId").and_then(Value::as_str);
            self.resource(
                id,
                &file,
                &arn,
                &name,
                policy_text(&v, "ResourcePolicy", &file)?,
                key,
                keys,
                &mut out,
            )?;
        }
        for (region, rdir) in subdirs(&base.join("ecr"))? {
            for (name, file) in json_files(&rdir)? {
                let v = self.read_json(&file)?;
                let registry = str_field(&v, "registryId", &file)?;
                let repo = str_field(&v, "repositoryName", &file)?;
                let arn = format!("arn:aws:ecr:{region}:{registry}:repository/{repo}");
                let doc = policy_text(&v, "policyText", &file)?.map(|d| with_resource(d, &arn));
                self.resource(id, &file, &arn, &name, doc, None, keys, &mut out)?;
            }
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn resource(
        &mut self,
        id: &str,
        file: &Path,
        arn: &str,
        name: &str,
        policy: Option<Value>,
        key: Option<&str>,
        keys: &Map<String, Value>,
        out: &mut Map<String, Value>,
    ) -> Result<(), ImportError> {
        let parsed = iamsim_policy::arn::parse_arn(arn)
            .map_err(|e| ImportError::new(Code::ImportUnrecognized, file, e.message))?;
        if parsed.account != id {
            return err(
                Code::ImportUnrecognized,
                file,
                format!("`{arn}` is not a resource of account {id}"),
            );
        }
        let (service, region) = (parsed.service.to_string(), parsed.region.to_string());
        let mut entry = Map::new();
        if let Some(doc) = policy {
            let rel = self.write_doc(
                &format!("policies/{id}/{service}-{}.json", safe(name)),
                &doc,
            )?;
            entry.insert("policy".into(), Value::from(rel));
        }
        if let Some(k) = key.filter(|k| !k.is_empty()) {
            if let Some(kms_key) = key_arn(k, id, &region, keys, file)? {
                entry.insert("encryption".into(), json!({ "kms_key": kms_key }));
            }
        }
        out.insert(arn.to_string(), Value::Object(entry));
        self.summary.resources += 1;
        Ok(())
    }
}

/// A repository policy names no `Resource`: it is about its repository. The world's copy names
/// it, in each statement that has neither `Resource` nor `NotResource`.
fn with_resource(mut doc: Value, arn: &str) -> Value {
    let statements = match doc.get_mut("Statement") {
        Some(Value::Array(list)) => list.iter_mut().collect::<Vec<_>>(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    for s in statements {
        if let Some(m) = s.as_object_mut() {
            if !m.contains_key("Resource") && !m.contains_key("NotResource") {
                m.insert("Resource".into(), Value::from(arn));
            }
        }
    }
    doc
}

/// The key ARN a service names by ARN, id or alias (`KmsMasterKeyId`, `KmsKeyId`). An alias
/// the export does not resolve is refused: the import cannot say which key, and leaving the key
/// out could miss a key policy that denies.
fn key_arn(
    k: &str,
    account: &str,
    region: &str,
    keys: &Map<String, Value>,
    file: &Path,
) -> Result<Option<String>, ImportError> {
    if crate::kms_world::split_key_arn(k).is_some() {
        return Ok(Some(k.to_string()));
    }
    let alias = k
        .rsplit_once(":alias/")
        .map(|(_, a)| format!("alias/{a}"))
        .or_else(|| k.starts_with("alias/").then(|| k.to_string()));
    match alias {
        Some(a) => {
            let found = keys.iter().find(|(_, v)| {
                v.get("aliases")
                    .and_then(Value::as_array)
                    .is_some_and(|l| l.iter().any(|x| x.as_str() == Some(&a)))
            });
            match found {
                Some((key_id, _)) => Ok(Some(format!("arn:aws:kms:{region}:{account}:key/{key_id}"))),
                None => err(
                    Code::ImportIncomplete,
                    file,
                    format!("the key `{k}` is an alias no key of the export has: export the account's keys (kms/) with list-aliases.json"),
                ),
            }
        }
        None => Ok(Some(format!("arn:aws:kms:{region}:{account}:key/{k}"))),
    }
}
