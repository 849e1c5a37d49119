//! The request context as conditions and policy variables see it.

/// A value of a context key. Booleans and numbers are kept in their string form (1.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextValue {
    /// A single-valued key.
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
    /// The value of `key`, found whatever its case; `None` when the key is absent (3.3).
    fn get(&self, key: &str) -> Option<&ContextValue>;
}

/// The context of one request: a short list of keys and values. Requests carry a dozen or two
/// keys, so a list searched with ASCII case folding beats hashing (and allocates nothing per
/// lookup).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    entries: Vec<(String, ContextValue)>,
}

impl Context {
    /// An empty context: every key absent.
    pub fn new() -> Self {
        Self::default()
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|(k, _)| k.eq_ignore_ascii_case(key))
    }

    /// Sets `key` (any case) to `value`, replacing a value of the same key.
    pub fn insert(&mut self, key: &str, value: ContextValue) {
        match self.position(key) {
            Some(i) => {
                if let Some(entry) = self.entries.get_mut(i) {
                    entry.1 = value;
                }
            }
            None => self.entries.push((key.to_string(), value)),
        }
    }

    /// Sets `key` (any case) to the single value `value`.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.insert(key, ContextValue::Single(value.into()));
    }

    /// Makes `key` (any case) absent.
    pub fn remove(&mut self, key: &str) {
        if let Some(i) = self.position(key) {
            self.entries.remove(i);
        }
    }

    /// Whether `key` (any case) is present.
    pub fn contains(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// The keys (as first written) and values, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl ContextLookup for Context {
    fn get(&self, key: &str) -> Option<&ContextValue> {
        self.entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
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
        c.set("AWS:SOURCEIP", "10.0.0.2");
        assert_eq!(
            c.iter().count(),
            1,
            "a key of another case replaces, not adds"
        );
        assert_eq!(
            c.get("aws:sourceip"),
            Some(&ContextValue::Single("10.0.0.2".into()))
        );
        c.remove("Aws:SourceIp");
        assert!(!c.contains("aws:SourceIp"));
    }
}
