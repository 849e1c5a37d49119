//! Pattern-against-pattern questions the checks ask: can a `Resource` pattern and a catalog ARN
//! template name the same resource, and does one wildcard pattern cover another.

/// One token of a user's resource pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum U {
    Lit(u8),
    /// `?`
    One,
    /// `*` (and a policy variable, whose value is unknown)
    Star,
}

/// One token of a catalog ARN template (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum T {
    Lit(u8),
    /// A placeholder: any run of characters other than `/` and `:`.
    Segment,
    /// A placeholder followed by `:` (`log-group:${LogGroupName}:log-stream:...`): any run
    /// without `:`, slashes included (log group names are paths such as `/aws/lambda/NAME`).
    Name,
    /// The last placeholder after a `/` or `:`: any run at all (paths, qualifiers).
    Rest,
}

fn user_tokens(pattern: &str) -> Vec<U> {
    let b = pattern.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'*' => out.push(U::Star),
            b'?' => out.push(U::One),
            b'$' if b.get(i + 1) == Some(&b'{') => {
                // A policy variable stands for text we cannot know.
                match b.iter().skip(i).position(|&x| x == b'}') {
                    Some(end) => {
                        out.push(U::Star);
                        i += end;
                    }
                    None => out.push(U::Lit(c)),
                }
            }
            _ => out.push(U::Lit(c.to_ascii_lowercase())),
        }
        i += 1;
    }
    out
}

fn template_tokens(template: &str) -> Vec<T> {
    let b = template.as_bytes();
    // The byte where the RESOURCE part starts (after the fifth colon).
    let resource_start = b
        .iter()
        .enumerate()
        .filter(|(_, &c)| c == b':')
        .nth(4)
        .map(|(i, _)| i + 1)
        .unwrap_or(b.len());
    let last_placeholder = template.rfind("${");
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'$' && b.get(i + 1) == Some(&b'{') {
            if let Some(end) = b.iter().skip(i).position(|&x| x == b'}') {
                let is_last = last_placeholder == Some(i) && i + end + 1 == b.len();
                let after_separator = i > resource_start
                    && b.get(resource_start..i)
                        .is_some_and(|part| part.iter().any(|&x| x == b'/' || x == b':'));
                let colon_next = b.get(i + end + 1) == Some(&b':') && i >= resource_start;
                out.push(if is_last && after_separator {
                    T::Rest
                } else if colon_next {
                    T::Name
                } else {
                    T::Segment
                });
                i += end + 1;
                continue;
            }
        }
        out.push(T::Lit(c.to_ascii_lowercase()));
        i += 1;
    }
    out
}

/// Can some resource match both the user's pattern and the catalog's ARN template? Case is
/// ignored and placeholders may be empty, so the answer errs towards "yes" (a lint must not cry
/// wolf).
pub fn resource_fits_template(pattern: &str, template: &str) -> bool {
    let u = user_tokens(pattern);
    let t = template_tokens(template);
    let (n, m) = (u.len(), t.len());
    let width = m + 1;
    let mut seen = vec![false; (n + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        let Some(slot) = seen.get_mut(i * width + j) else {
            continue;
        };
        if *slot {
            continue;
        }
        *slot = true;
        if i == n && j == m {
            return true;
        }
        let ui = u.get(i).copied();
        let tj = t.get(j).copied();
        if ui == Some(U::Star) {
            // The star ends here, or it absorbs what the template produces next.
            stack.push((i + 1, j));
            if j < m {
                stack.push((i, j + 1));
            }
        }
        match tj {
            Some(T::Segment) | Some(T::Rest) | Some(T::Name) => {
                stack.push((i, j + 1));
                match ui {
                    Some(U::Lit(c))
                        if tj == Some(T::Rest)
                            || (c != b':' && (c != b'/' || tj == Some(T::Name))) =>
                    {
                        stack.push((i + 1, j))
                    }
                    Some(U::One) => stack.push((i + 1, j)),
                    _ => {}
                }
            }
            Some(T::Lit(d)) => match ui {
                Some(U::Lit(c)) if c == d => stack.push((i + 1, j + 1)),
                Some(U::One) => stack.push((i + 1, j + 1)),
                _ => {}
            },
            None => {}
        }
    }
    false
}

/// Whether some ARN matches both patterns, field by field (partition, service, Region, account,
/// resource): a wildcard stays inside its field, as a resource type is never a wildcard's to
/// cross. Case is ignored and a policy variable is read as `*`, so the answer errs towards
/// "yes".
pub fn arns_meet(a: &str, b: &str) -> bool {
    let fields = |s: &str| -> Vec<Vec<U>> { s.splitn(6, ':').map(user_tokens).collect() };
    let (fa, fb) = (fields(a), fields(b));
    fa.len() == fb.len() && fa.iter().zip(&fb).all(|(x, y)| globs_meet(x, y))
}

/// Whether some text matches both glob patterns (`*` any run, `?` one character).
fn globs_meet(a: &[U], b: &[U]) -> bool {
    let width = b.len() + 1;
    let mut seen = vec![false; (a.len() + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        let Some(slot) = seen.get_mut(i * width + j) else {
            continue;
        };
        if std::mem::replace(slot, true) {
            continue;
        }
        let (x, y) = (a.get(i).copied(), b.get(j).copied());
        if x.is_none() && y.is_none() {
            return true;
        }
        // A star matches nothing more, or takes what the other side produces next.
        if x == Some(U::Star) {
            stack.push((i + 1, j));
            if y.is_some() {
                stack.push((i, j + 1));
            }
        }
        if y == Some(U::Star) {
            stack.push((i, j + 1));
            if x.is_some() {
                stack.push((i + 1, j));
            }
        }
        match (x, y) {
            (Some(U::Lit(c)), Some(U::Lit(d))) if c == d => stack.push((i + 1, j + 1)),
            (Some(U::One), Some(U::Lit(_) | U::One)) | (Some(U::Lit(_)), Some(U::One)) => {
                stack.push((i + 1, j + 1))
            }
            _ => {}
        }
    }
    false
}

/// Does every string `narrow` matches also match `wide`? Exact when `wide` holds no `?`, or when
/// `narrow` holds no wildcard; otherwise answers `false` (never claims a cover it cannot show).
pub fn pattern_covers(wide: &str, narrow: &str, case_insensitive: bool) -> bool {
    if wide == "*" {
        return true;
    }
    let narrow_plain = !narrow.contains(['*', '?']);
    if wide.contains('?') && !narrow_plain {
        return false;
    }
    // With only `*` in `wide`, its literal runs can only land on literal characters of `narrow`,
    // so matching `narrow`'s text (wildcards taken as characters) proves the cover.
    glob_match(wide.as_bytes(), narrow.as_bytes(), case_insensitive)
}

/// Plain `*`/`?` matching of `text` by `pattern` (backtracking on the last star; linear enough
/// for policy-sized strings).
pub fn glob_match(pattern: &[u8], text: &[u8], ci: bool) -> bool {
    let eq = |a: u8, b: u8| {
        if ci {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || text.get(t).is_some_and(|&x| eq(c, x)) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    while pattern.get(p) == Some(&b'*') {
        p += 1;
    }
    p == pattern.len()
}

pub use iamsim_policy::suggest::edit_distance;

/// The closest candidate to `word`: same text in another case, or a near miss (at most a third
/// of the word's length in edits, and at most 3).
pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.len() / 3).clamp(1, 3);
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c.len().abs_diff(word.len()) > limit {
            continue;
        }
        let d = edit_distance(word, c);
        if d <= limit && best.map(|(bd, _)| d < bd).unwrap_or(true) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const ROLE: &str = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";

    #[test]
    fn s3_objects_and_buckets() {
        assert!(resource_fits_template("arn:aws:s3:::b/*", OBJECT));
        assert!(resource_fits_template("arn:aws:s3:::b/k/x.txt", OBJECT));
        assert!(!resource_fits_template("arn:aws:s3:::b", OBJECT));
        assert!(resource_fits_template("arn:aws:s3:::b", BUCKET));
        assert!(!resource_fits_template("arn:aws:s3:::b/*", BUCKET));
        assert!(resource_fits_template("arn:aws:s3:::b*", BUCKET));
        assert!(resource_fits_template("arn:aws:s3:::b*", OBJECT));
        assert!(resource_fits_template("arn:aws:s3:::*", OBJECT));
        assert!(resource_fits_template(
            "arn:aws:s3:::222222222222/cross-account-bucket",
            OBJECT
        ));
        assert!(resource_fits_template(
            "arn:aws:s3:::${aws:username}-bucket",
            BUCKET
        ));
    }

    #[test]
    fn other_services_and_paths() {
        assert!(resource_fits_template(
            "arn:aws:iam::111111111111:role/team/Deploy",
            ROLE
        ));
        assert!(resource_fits_template("arn:aws:iam::*:role/*", ROLE));
        assert!(!resource_fits_template(
            "arn:aws:iam::111111111111:user/bob",
            ROLE
        ));
        assert!(!resource_fits_template("arn:aws:s3:::b", ROLE));
        assert!(resource_fits_template(
            "arn:aws:lambda:us-east-1:111111111111:function:f:prod",
            "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}"
        ));
    }

    #[test]
    fn arns_meet_field_by_field() {
        assert!(arns_meet("*", "*"));
        assert!(arns_meet(
            "arn:aws:lambda:*:111111111111:function:app-*",
            "arn:aws:lambda:*:*:function:*"
        ));
        assert!(!arns_meet(
            "arn:aws:ec2:*::image/*",
            "arn:aws:ec2:*:*:instance/*"
        ));
        assert!(arns_meet(
            "arn:aws:ec2:*:*:in?tance/${aws:username}",
            "arn:aws:ec2:us-east-1:*:instance/*"
        ));
        assert!(!arns_meet(
            "arn:aws:ec2:eu-west-1:*:instance/*",
            "arn:aws:ec2:us-east-1:*:instance/*"
        ));
        assert!(!arns_meet("arn:aws:s3:::b", "arn:aws:s3:::c*d"));
        assert!(arns_meet("arn:aws:s3:::c*", "arn:aws:s3:::*d"));
    }

    #[test]
    fn covers() {
        assert!(pattern_covers("s3:Get*", "s3:GetObject", true));
        assert!(pattern_covers(
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/logs/*",
            false
        ));
        assert!(!pattern_covers(
            "arn:aws:s3:::b/logs/*",
            "arn:aws:s3:::b/*",
            false
        ));
        assert!(!pattern_covers("arn:aws:s3:::b?", "arn:aws:s3:::b*", false));
        assert!(pattern_covers("arn:aws:s3:::b?", "arn:aws:s3:::bx", false));
        assert!(pattern_covers("*", "anything", false));
        assert!(!pattern_covers("a*b", "a*", false));
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("GetObjects", ["GetObject", "PutObject"].into_iter()),
            Some("GetObject")
        );
        assert_eq!(did_you_mean("s33", ["s3", "sts"].into_iter()), Some("s3"));
        assert_eq!(did_you_mean("zzzzzz", ["s3"].into_iter()), None);
    }
}
