//! `Condition`: operators, keys and values read (1.24, 1.25, section 3).

use super::*;

impl Reader<'_> {
    /// 1.24, 1.25, section 3.
    pub(super) fn read_conditions(&mut self, json: &Json) -> Option<Vec<Condition>> {
        let Some(operators) = json.members() else {
            self.invalid_type("`Condition`", "an object", json);
            return None;
        };
        if operators.is_empty() {
            // Nothing to test: the statement applies unconditionally (3.1), as if the element
            // were absent; said, since it often stands where a condition was meant.
            self.push(
                Code::EmptyObjectCondition,
                json.span,
                "`Condition` is an empty object: the statement applies unconditionally".into(),
                Some("add the condition that was meant, or remove `Condition`"),
            );
        }
        let mut out = Vec::new();
        let mut ok = true;
        for op_m in operators {
            let op = match ConditionOperator::parse(&op_m.key) {
                Ok(op) => Some(op),
                Err(e) => {
                    let help = e.suggestion.map(|s| format!("did you mean `{s}`?"));
                    self.push(
                        Code::UnknownOperator,
                        op_m.key_span,
                        e.message,
                        help.as_deref(),
                    );
                    ok = false;
                    None
                }
            };
            let Some(keys) = op_m.value.members() else {
                self.invalid_type(
                    &format!("the block of `{}`", op_m.key),
                    "an object of condition keys",
                    &op_m.value,
                );
                ok = false;
                continue;
            };
            if keys.is_empty() {
                // An empty block would silently drop the condition: fail closed (1.25).
                self.push(
                    Code::EmptyList,
                    op_m.value.span,
                    format!("condition operator `{}` names no key", op_m.key),
                    Some("add a condition key and value, or remove the operator"),
                );
                ok = false;
            }
            for key_m in keys {
                if key_m.key.is_empty() {
                    self.push(
                        Code::InvalidConditionValue,
                        key_m.key_span,
                        "empty condition key".into(),
                        Some("name a condition key such as `aws:SourceIp`"),
                    );
                    ok = false;
                }
                let Some(values) = self.condition_values(&key_m.key, &key_m.value) else {
                    ok = false;
                    continue;
                };
                let Some(op) = op else { continue };
                let mut parsed = Vec::with_capacity(values.len());
                for (text, span) in values {
                    match parse_value(&op, &text, self.variables) {
                        Ok(p) => parsed.push(ConditionValue {
                            text,
                            span,
                            parsed: p,
                        }),
                        Err(e) => {
                            self.push(e.code, span, e.message, e.help.as_deref());
                            ok = false;
                        }
                    }
                }
                out.push(Condition {
                    operator: Spanned {
                        value: op,
                        span: op_m.key_span,
                    },
                    key: Spanned {
                        value: key_m.key.clone(),
                        span: key_m.key_span,
                    },
                    values: parsed,
                });
            }
        }
        ok.then_some(out)
    }

    /// 1.4: a scalar or a non-empty list of scalars; numbers and booleans in string form.
    pub(super) fn condition_values(
        &mut self,
        key: &str,
        json: &Json,
    ) -> Option<Vec<(String, Span)>> {
        let scalar = |j: &Json| match &j.value {
            JsonValue::String(s) => Some(s.clone()),
            JsonValue::Number(n) => Some(n.clone()),
            JsonValue::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        let what = format!("the value of `{key}`");
        match &json.value {
            JsonValue::Array(items) if items.is_empty() => {
                self.push(
                    Code::EmptyList,
                    json.span,
                    format!("{what} is an empty list"),
                    Some("a condition needs at least one value"),
                );
                None
            }
            JsonValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    match scalar(item) {
                        Some(s) => out.push((s, item.span)),
                        None => {
                            self.invalid_type(&what, "a string, number or boolean", item);
                            ok = false;
                        }
                    }
                }
                ok.then_some(out)
            }
            _ => match scalar(json) {
                Some(s) => Some(vec![(s, json.span)]),
                None => {
                    self.invalid_type(&what, "a string, number, boolean or a list of them", json);
                    None
                }
            },
        }
    }
}
