//! The request context as conditions and policy variables see it.

use std::collections::HashMap;

/// A value of a context key. Booleans and numbers are kept in their string form (1.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextValue {
    Single(String),
    /// A multivalued key (`aws:TagKeys`, `aws:PrincipalOrgPaths`, ...), 3.15.
    Multi(Vec<String>),
}

impl ContextValue {
    /// The values as a slice-like iterator: one for `Single`, all for `Multi`.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        let (one, many): (Option<&str>, &[String]) = match self {
            ContextValue::Single(s) => (Some(s.as_str()), &[]),
            ContextValue::Multi(v) => (None, v.as_slice()),
        };
        one.into_iter().chain(many.iter().map(String::as_str))
    }
}

/// Looks up context keys. Key names are case-insensitive (3.6): implementations must find `key`
/// whatever its case.
pub trait ContextLookup {
    fn get(&self, key: &str) -> Option<&ContextValue>;
}

/// A plain map from lower-cased key to value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    values: HashMap<String, ContextValue>,
}

impl Context {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, key: &str, value: ContextValue) {
        self.values.insert(key.to_ascii_lowercase(), value);
    }

    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.insert(key, ContextValue::Single(value.into()));
    }

    pub fn remove(&mut self, key: &str) {
        self.values.remove(&key.to_ascii_lowercase());
    }

    pub fn contains(&self, key: &str) -> bool {
        self.values.contains_key(&key.to_ascii_lowercase())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl ContextLookup for Context {
    fn get(&self, key: &str) -> Option<&ContextValue> {
        if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.values.get(&key.to_ascii_lowercase())
        } else {
            self.values.get(key)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_case_insensitive() {
        let mut c = Context::new();
        c.set("aws:SourceIp", "10.0.0.1");
        assert_eq!(
            c.get("AWS:sourceip"),
            Some(&ContextValue::Single("10.0.0.1".into()))
        );
        assert!(c.get("aws:username").is_none());
    }
}
