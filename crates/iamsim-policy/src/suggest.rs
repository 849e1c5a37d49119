//! "Did you mean": edit distance between names, shared by every place that suggests a fix for a
//! misspelt element, operator, field or action.

/// Levenshtein distance in characters (insertions, deletions, substitutions).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = Vec::with_capacity(b.len() + 1);
    for (i, ca) in a.chars().enumerate() {
        cur.clear();
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// The candidate nearest to `word` ignoring ASCII case, if `accept(distance, candidate)` takes it.
pub fn closest<'a>(
    word: &str,
    candidates: &[&'a str],
    accept: impl Fn(usize, &str) -> bool,
) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|(d, c)| accept(*d, c))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("é", "e"), 1);
    }

    #[test]
    fn closest_respects_the_threshold() {
        let names = ["policies", "groups"];
        assert_eq!(closest("polices", &names, |d, _| d <= 2), Some("policies"));
        assert_eq!(closest("zzz", &names, |d, _| d <= 2), None);
    }
}
