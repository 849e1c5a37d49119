//! Reading a test without a tree: the common test (its fields strings without escapes, `via` a
//! list of role ARNs or `*`, `context` values strings, booleans, `null` or lists of strings) is
//! read by serde
//! straight from its text, every string borrowed from the file, and turned into the same
//! [`ReadTest`] the span-keeping reader ([`crate::tests_file::read_case`]) makes, through the
//! same checks of its values.
//!
//! Anything else is left to the span-keeping reader, which says what is wrong and where: a field
//! that is not one of the plain ones (`session_policy`, an unknown one), a field or context key
//! written twice, a value of another type (a context value that is a number included: its text
//! as written is what a condition compares), a string with an escape, a `via` hop written as an object, a value a check
//! refuses. This reader never makes a diagnostic: it reads the test or
//! declines it.

use crate::chain::{Query, Via, ViaHop};
use crate::request::AssumeRoleParams;
use crate::tests_file::{action_refused, is_hop_kind, Expect, ReadTest};
use iamsim_policy::{Context, ContextValue, Span};
use iamsim_world::context::entry_refused;
use iamsim_world::question::Leniency;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// The most actions a [`PlainReader`] remembers: a chunk's tests mostly ask a few, and a short
/// list is searched faster than a set is hashed.
const REMEMBERED_ACTIONS: usize = 16;

/// What the tests of one chunk share: the leniency, and the actions already checked against the
/// catalog and not refused (tests repeat their actions: each is looked up once a chunk).
pub(crate) struct PlainReader<'a> {
    leniency: Leniency,
    actions: Vec<&'a str>,
}

impl<'a> PlainReader<'a> {
    pub(crate) fn new(leniency: Leniency) -> Self {
        PlainReader {
            leniency,
            actions: Vec::new(),
        }
    }

    /// The test whose text is `text` (at `span` in its file), when it is a plain one whose values
    /// pass the checks; `None` leaves it to the span-keeping reader.
    pub(crate) fn read(&mut self, text: &'a str, span: Span) -> Option<ReadTest> {
        let mut de = serde_json::Deserializer::from_str(text);
        let plain = de.deserialize_map(PlainVisitor).ok()?;
        de.end().ok()?;
        let expect = Expect::parse(plain.expect?)?;
        let action = plain.action?;
        if !self.actions.contains(&action) {
            if action_refused(action, self.leniency).is_some() {
                return None;
            }
            if self.actions.len() < REMEMBERED_ACTIONS {
                self.actions.push(action);
            }
        }
        let path = match plain.path {
            None => None,
            Some(kinds) => {
                if !kinds.iter().all(|k| is_hop_kind(k)) {
                    return None;
                }
                Some(kinds.into_iter().map(str::to_string).collect())
            }
        };
        let mut context = Context::new();
        for (key, value) in plain.context.unwrap_or_default() {
            let value = match value {
                PlainValue::Single(v) => ContextValue::Single(v.to_string()),
                PlainValue::Multi(vs) => {
                    ContextValue::Multi(vs.into_iter().map(str::to_string).collect())
                }
            };
            if entry_refused(key, &value, self.leniency).is_some() {
                return None;
            }
            context.insert(key, value);
        }
        let via = match plain.via {
            None => Via::Direct,
            Some(PlainVia::Any) => Via::Any,
            Some(PlainVia::Roles(roles)) => Via::Roles(
                roles
                    .into_iter()
                    .map(|arn| ViaHop {
                        role_arn: arn.to_string(),
                        params: AssumeRoleParams::default(),
                    })
                    .collect(),
            ),
        };
        Some(ReadTest {
            name: plain.name?.to_string(),
            span,
            query: Query {
                principal: plain.principal?.to_string(),
                action: action.to_string(),
                resource: plain.resource?.to_string(),
                via,
                context,
                session_policies: Vec::new(),
            },
            expect,
            rule: plain.rule.map(str::to_string),
            explain_contains: plain
                .explain_contains
                .unwrap_or_default()
                .into_iter()
                .map(str::to_string)
                .collect(),
            path,
        })
    }
}

/// A plain test's fields as written, each at most once.
#[derive(Default)]
struct Plain<'a> {
    name: Option<&'a str>,
    principal: Option<&'a str>,
    via: Option<PlainVia<'a>>,
    action: Option<&'a str>,
    resource: Option<&'a str>,
    expect: Option<&'a str>,
    rule: Option<&'a str>,
    explain_contains: Option<Vec<&'a str>>,
    path: Option<Vec<&'a str>>,
    context: Option<PlainContext<'a>>,
}

/// `context` as a plain test writes it: its entries in order.
#[derive(Default)]
struct PlainContext<'a>(Vec<(&'a str, PlainValue<'a>)>);

impl<'a> IntoIterator for PlainContext<'a> {
    type Item = (&'a str, PlainValue<'a>);
    type IntoIter = std::vec::IntoIter<(&'a str, PlainValue<'a>)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// A context value as a plain test writes it.
enum PlainValue<'a> {
    /// A string.
    Single(&'a str),
    /// A list of strings (empty: the key is absent, as `null` would say).
    Multi(Vec<&'a str>),
}

/// `via` as a plain test writes it.
enum PlainVia<'a> {
    /// `"*"`.
    Any,
    /// A list of role ARNs.
    Roles(Vec<&'a str>),
}

/// Declines the test: the span-keeping reader reads it.
fn declined<E: de::Error>() -> E {
    E::custom("not a plain test")
}

/// Sets `slot` to the next value; a field written twice declines the test.
fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    if slot.replace(map.next_value()?).is_some() {
        return Err(declined());
    }
    Ok(())
}

struct PlainVisitor;

impl<'de> Visitor<'de> for PlainVisitor {
    type Value = Plain<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a plain test")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Plain<'de>, A::Error> {
        let mut p = Plain::default();
        while let Some(key) = map.next_key::<&'de str>()? {
            match key {
                "name" => once(&mut map, &mut p.name)?,
                "principal" => once(&mut map, &mut p.principal)?,
                "via" => once(&mut map, &mut p.via)?,
                "action" => once(&mut map, &mut p.action)?,
                "resource" => once(&mut map, &mut p.resource)?,
                "expect" => once(&mut map, &mut p.expect)?,
                "rule" => once(&mut map, &mut p.rule)?,
                "explain_contains" => once(&mut map, &mut p.explain_contains)?,
                "path" => once(&mut map, &mut p.path)?,
                "context" => once(&mut map, &mut p.context)?,
                _ => return Err(declined()),
            }
        }
        Ok(p)
    }
}

impl<'de> Deserialize<'de> for PlainVia<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PlainViaVisitor)
    }
}

struct PlainViaVisitor;

impl<'de> Visitor<'de> for PlainViaVisitor {
    type Value = PlainVia<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("`*` or a list of role ARNs")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<PlainVia<'de>, E> {
        if v == "*" {
            Ok(PlainVia::Any)
        } else {
            Err(declined())
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PlainVia<'de>, A::Error> {
        let mut roles = Vec::new();
        while let Some(arn) = seq.next_element::<&'de str>()? {
            roles.push(arn);
        }
        Ok(PlainVia::Roles(roles))
    }
}

impl<'de> Deserialize<'de> for PlainContext<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(PlainContextVisitor)
    }
}

struct PlainContextVisitor;

impl<'de> Visitor<'de> for PlainContextVisitor {
    type Value = PlainContext<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a context of strings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PlainContext<'de>, A::Error> {
        let mut entries: Vec<(&'de str, PlainValue<'de>)> = Vec::new();
        while let Some(key) = map.next_key::<&'de str>()? {
            // A key written twice is refused by the span-keeping reader (1.3).
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(declined());
            }
            entries.push((key, map.next_value()?));
        }
        Ok(PlainContext(entries))
    }
}

impl<'de> Deserialize<'de> for PlainValue<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PlainValueVisitor)
    }
}

struct PlainValueVisitor;

impl<'de> Visitor<'de> for PlainValueVisitor {
    type Value = PlainValue<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string, a boolean, null or a list of strings")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<PlainValue<'de>, E> {
        Ok(PlainValue::Single(v))
    }

    /// `true` or `false`, the words a condition compares (as the span-keeping reader writes them).
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<PlainValue<'de>, E> {
        Ok(PlainValue::Single(if v { "true" } else { "false" }))
    }

    /// `null`: the key's absence, an empty list (as the span-keeping reader reads it).
    fn visit_unit<E: de::Error>(self) -> Result<PlainValue<'de>, E> {
        Ok(PlainValue::Multi(Vec::new()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PlainValue<'de>, A::Error> {
        let mut values = Vec::new();
        while let Some(v) = seq.next_element::<&'de str>()? {
            values.push(v);
        }
        Ok(PlainValue::Multi(values))
    }
}

#[cfg(test)]
mod tests;
