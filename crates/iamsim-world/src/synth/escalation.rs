//! Escalation permissions sprinkled into a generated organization (`iamsim gen --escalation`),
//! for the path search's scale tests and benchmarks. Deterministic from the seed, on a random
//! stream of its own: the rest of the world is the same files with or without them.
//!
//! Each chosen account gets one chain of steps (catalog names, `iamsim_catalog::escalation`):
//!
//! - user `esc-keys` may create access keys of user `esc-builder` (`create-access-key`);
//! - user `esc-builder` may pass role `esc-lambda-exec` to Lambda, create and invoke functions
//!   (`lambda-create-invoke`; the role trusts `lambda.amazonaws.com`);
//! - role `esc-lambda-exec` holds the customer managed policy `esc-exec-policy` (two stored
//!   versions) and may create new versions of it (`create-policy-version`): any permission;
//! - role `esc-web` trusts `ec2.amazonaws.com`, sits in instance profile `esc-web`, and runs an EC2
//!   instance (Systems Manager managed) and may put an inline policy on itself (`put-inline-policy`);
//! - user `esc-ops` may start Systems Manager sessions on the account's instances
//!   (`ssm-start-session`);
//! - a Lambda function runs with `esc-lambda-exec`; on every other chosen account, the
//!   `esc-builder` user may also update its code (`lambda-update-code`).
//!
//! So `esc-keys` reaches full power in three steps, and `esc-ops` in two.

use super::{allow, doc, Generator, Rng};
use serde_json::{json, Map, Value};
use std::io;

/// How many escalation chains to sprinkle.
#[derive(Clone, Copy, Debug, Default)]
pub struct EscalationSpec {
    /// The share of accounts that get one, in percent (0: none, 100: every account).
    pub percent: u8,
}

/// The escalation entries of one account, merged into its world.json entry.
pub(super) struct Sprinkled {
    pub users: Map<String, Value>,
    pub roles: Map<String, Value>,
    pub account: Map<String, Value>,
}

impl Generator<'_> {
    /// Whether account `i` gets a chain, from the escalation stream.
    pub(super) fn sprinkle(&mut self, i: usize, rng: &mut Rng) -> io::Result<Option<Sprinkled>> {
        let percent = usize::from(self.escalation.percent.min(100));
        // Drawn for every account, so each account's choice depends on the seed alone.
        let draw = rng.below(100);
        let update_code = rng.below(2) == 0;
        if draw >= percent {
            return Ok(None);
        }
        let id = super::account_id(i);
        let dir = format!("accounts/{id}/escalation");
        let exec_role = format!("arn:aws:iam::{id}:role/esc-lambda-exec");
        let function = format!("arn:aws:lambda:us-east-1:{id}:function:esc-report");
        let instance = format!("arn:aws:ec2:us-east-1:{id}:instance/i-0e5c{i:012x}");

        let keys = self.w.write(
            &format!("{dir}/keys.json"),
            &doc(vec![allow(
                json!("iam:CreateAccessKey"),
                json!(format!("arn:aws:iam::{id}:user/esc-builder")),
            )]),
        )?;
        let mut builder_statements = vec![
            json!({
                "Effect": "Allow", "Action": "iam:PassRole", "Resource": exec_role,
                "Condition": { "StringEquals": { "iam:PassedToService": "lambda.amazonaws.com" } }
            }),
            allow(
                json!(["lambda:CreateFunction", "lambda:InvokeFunction"]),
                json!(format!("arn:aws:lambda:*:{id}:function:*")),
            ),
        ];
        if update_code {
            builder_statements.push(allow(json!("lambda:UpdateFunctionCode"), json!(function)));
        }
        let builder = self
            .w
            .write(&format!("{dir}/builder.json"), &doc(builder_statements))?;
        let exec_v1 = self.w.write(
            &format!("{dir}/exec-policy-v1.json"),
            &doc(vec![
                allow(
                    json!(["logs:CreateLogStream", "logs:PutLogEvents"]),
                    json!("*"),
                ),
                allow(
                    json!(["iam:CreatePolicyVersion", "iam:GetPolicyVersion"]),
                    json!(format!("arn:aws:iam::{id}:policy/esc-exec-policy")),
                ),
            ]),
        )?;
        let exec_v2 = self.w.write(
            &format!("{dir}/exec-policy-v2.json"),
            &doc(vec![allow(
                json!(["logs:CreateLogStream", "logs:PutLogEvents", "s3:GetObject"]),
                json!("*"),
            )]),
        )?;
        let web = self.w.write(
            &format!("{dir}/web.json"),
            &doc(vec![
                allow(json!(["s3:GetObject"]), json!("arn:aws:s3:::gen-*/*")),
                allow(
                    json!("iam:PutRolePolicy"),
                    json!(format!("arn:aws:iam::{id}:role/esc-web")),
                ),
            ]),
        )?;
        let ops = self.w.write(
            &format!("{dir}/ops.json"),
            &doc(vec![allow(
                json!("ssm:StartSession"),
                json!(format!("arn:aws:ec2:*:{id}:instance/*")),
            )]),
        )?;

        let mut users = Map::new();
        users.insert("esc-keys".into(), json!({ "policies": [keys] }));
        users.insert("esc-builder".into(), json!({ "policies": [builder] }));
        users.insert("esc-ops".into(), json!({ "policies": [ops] }));
        let mut roles = Map::new();
        roles.insert(
            "esc-lambda-exec".into(),
            json!({
                "trust": self.shared.trust_lambda,
                "policies": [format!("arn:aws:iam::{id}:policy/esc-exec-policy")]
            }),
        );
        roles.insert(
            "esc-web".into(),
            json!({ "trust": self.shared.trust_ec2, "policies": [web] }),
        );
        let mut account = Map::new();
        account.insert(
            "policies".into(),
            json!({ "esc-exec-policy": { "versions": { "v1": exec_v1, "v2": exec_v2 }, "default": "v1" } }),
        );
        account.insert(
            "instance_profiles".into(),
            json!({ "esc-web": { "roles": ["esc-web"] } }),
        );
        let mut compute = Map::new();
        compute.insert(
            instance,
            json!({ "instance_profile": "esc-web", "ssm_managed": true, "instance_connect": false }),
        );
        compute.insert(function, json!({ "role": "esc-lambda-exec" }));
        account.insert("compute".into(), Value::Object(compute));
        self.summary.users += 3;
        self.summary.roles += 2;
        Ok(Some(Sprinkled {
            users,
            roles,
            account,
        }))
    }
}

/// Merges `s` into the account entry `account` (users, roles and the account's own fields).
pub(super) fn merge(account: &mut Value, s: Sprinkled) {
    let Some(m) = account.as_object_mut() else {
        return;
    };
    for (key, entries) in [("users", s.users), ("roles", s.roles)] {
        if let Some(existing) = m.get_mut(key).and_then(Value::as_object_mut) {
            existing.extend(entries);
        } else {
            m.insert(key.into(), Value::Object(entries));
        }
    }
    m.extend(s.account);
}
