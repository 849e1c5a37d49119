//! What the AWS CLI reads from its environment: `AWS_PROFILE` when no `--profile` is given,
//! and `AWS_REGION` (else `AWS_DEFAULT_REGION`) before the profile's `region`.

/// The AWS CLI's environment variables that change which requests a command makes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shell {
    /// `AWS_PROFILE`: the profile when the command names none.
    pub profile: Option<String>,
    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`.
    pub region: Option<String>,
}

impl Shell {
    /// Reads the variables through `get` (`|k| std::env::var(k).ok()` for the process's own);
    /// an empty value counts as unset.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Shell {
        let var = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        Shell {
            profile: var("AWS_PROFILE"),
            region: var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")),
        }
    }

    /// The Region when the command has no `--region`: the environment's, else the profile's.
    pub fn region_or<'a>(&'a self, profile_region: Option<&'a str>) -> Option<&'a str> {
        self.region.as_deref().or(profile_region)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(vars: &[(&str, &str)]) -> Shell {
        Shell::from_vars(|k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn aws_region_wins_over_aws_default_region_and_both_over_the_profile() {
        let s = shell(&[
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "us-west-2"),
        ]);
        assert_eq!(s.region_or(Some("ap-south-1")), Some("eu-west-1"));
        let s = shell(&[("AWS_DEFAULT_REGION", "us-west-2")]);
        assert_eq!(s.region_or(Some("ap-south-1")), Some("us-west-2"));
        let s = shell(&[("AWS_REGION", "")]);
        assert_eq!(s.region_or(Some("ap-south-1")), Some("ap-south-1"));
        assert_eq!(s.region_or(None), None);
    }

    #[test]
    fn aws_profile_is_read_and_empty_is_unset() {
        assert_eq!(
            shell(&[("AWS_PROFILE", "roleb")]).profile.as_deref(),
            Some("roleb")
        );
        assert_eq!(shell(&[("AWS_PROFILE", " ")]).profile, None);
    }
}
