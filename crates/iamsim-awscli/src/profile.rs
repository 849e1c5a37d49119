//! AWS CLI profiles: which principal a profile starts from and which roles it assumes, the way
//! botocore's credential chain follows them.
//!
//! - In `config`, a profile is `[profile NAME]`, or `[default]`; another `[NAME]` is not a
//!   profile to the AWS CLI (it is ignored, and a lookup of `NAME` says so). In `credentials`,
//!   a profile is `[NAME]`. Settings in `credentials` win over the same settings in `config`.
//! - The profile asked for: with `role_arn`, it assumes that role, from the credentials of
//!   `source_profile` (followed in turn) or of `credential_source`; without, its own keys.
//! - A source profile with static keys (`aws_access_key_id`) uses them, even if it also has a
//!   `role_arn`; so a profile may name itself as its `source_profile` to assume its role with its
//!   own keys. Otherwise a source profile with a `role_arn` is one more hop of the chain.
//! - Each hop takes its profile's `external_id` (`sts:ExternalId`), `mfa_serial` (the call
//!   carries MFA), `role_session_name` and `duration_seconds`.

use crate::ini::{parse_ini, IniFile};
use crate::{Error, ErrorKind, Place};
use iamsim_engine::{AssumeRoleParams, ViaHop, World};
use std::collections::BTreeMap;

/// One setting, with where it was written.
#[derive(Clone, Debug)]
struct Setting {
    value: String,
    place: Place,
}

#[derive(Clone, Debug, Default)]
struct Profile {
    settings: BTreeMap<String, Setting>,
    /// Where the profile's section starts (the config file's when both files have it).
    place: Option<Place>,
}

impl Profile {
    fn get(&self, key: &str) -> Option<&Setting> {
        self.settings.get(key)
    }
}

/// The profiles of a config file and a credentials file, merged.
#[derive(Clone, Debug, Default)]
pub struct AwsConfig {
    profiles: BTreeMap<String, Profile>,
    /// `[NAME]` sections of a config file, which the AWS CLI does not read as profiles.
    not_profiles: BTreeMap<String, Place>,
}

/// One role a profile assumes.
#[derive(Clone, Debug)]
pub struct ResolvedHop {
    /// The role and the parameters it is assumed with.
    pub hop: ViaHop,
    /// The profile whose `role_arn` it is.
    pub profile: String,
}

/// Where a profile leads: the starting principal, then the roles it assumes in order.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The principal whose keys start the chain (a user, root, or `federated:` provider).
    pub principal: String,
    /// How the principal was found, for people: `access key AKIA... of profile accounta (file:2:1)`.
    pub principal_source: String,
    /// The roles assumed, in order.
    pub hops: Vec<ResolvedHop>,
    /// The `region` of the profile asked for.
    pub region: Option<String>,
    /// Context the starting principal brings: a web identity token's claims (`HOST:sub`,
    /// `HOST:aud`) when the chain starts from `web_identity_token_file`.
    pub context: Vec<(String, String)>,
}

impl Resolved {
    /// The hops as a `--via` chain.
    pub fn via(&self) -> Vec<ViaHop> {
        self.hops.iter().map(|h| h.hop.clone()).collect()
    }
}

/// Where the base of a chain gets its credentials.
enum Base<'p> {
    /// `aws_access_key_id` of this profile.
    Keys(String, &'p Profile),
    /// `credential_source`, SSO, a process, ...: keys iamsim cannot see.
    Elsewhere(String, String),
    /// `web_identity_token_file` of this profile: the token's provider assumes its role.
    WebIdentity(String, Setting),
}

/// The longest chain followed; botocore has no limit, but a longer one is surely a mistake.
const MAX_PROFILE_CHAIN: usize = 64;

impl AwsConfig {
    /// Reads the two files (either may be absent): `(name for messages, bytes)`. Every error of
    /// both files is returned.
    pub fn parse(
        config: Option<(&str, &[u8])>,
        credentials: Option<(&str, &[u8])>,
    ) -> Result<AwsConfig, Vec<Error>> {
        let mut out = AwsConfig::default();
        let mut errors = Vec::new();
        if let Some((name, bytes)) = config {
            let (file, errs) = parse_ini(name, bytes);
            errors.extend(errs);
            out.add(&file, true, &mut errors);
        }
        if let Some((name, bytes)) = credentials {
            let (file, errs) = parse_ini(name, bytes);
            errors.extend(errs);
            out.add(&file, false, &mut errors);
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    fn add(&mut self, file: &IniFile, is_config: bool, errors: &mut Vec<Error>) {
        // Profiles seen in this file, to catch `[profile a]` and `[profile  a]` both present.
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for section in &file.sections {
            let place = file.place(section.line);
            let name = if is_config {
                match config_profile_name(&section.name) {
                    Some(n) => n,
                    None => {
                        if !section.name.starts_with("profile")
                            && !section.name.starts_with("sso-session")
                            && !section.name.starts_with("services")
                        {
                            self.not_profiles.insert(section.name.clone(), place);
                        }
                        continue;
                    }
                }
            } else {
                section.name.clone()
            };
            if let Some(first) = seen.get(&name) {
                errors.push(
                    Error::new(
                        ErrorKind::DuplicateSection,
                        format!("profile `{name}` is defined twice in this file"),
                    )
                    .at(&place)
                    .help(format!("it was first defined at line {first}; keep one")),
                );
                continue;
            }
            seen.insert(name.clone(), section.line);
            let profile = self.profiles.entry(name).or_default();
            if profile.place.is_none() {
                profile.place = Some(place);
            }
            // The credentials file comes second, so its settings replace the config's.
            for e in &section.entries {
                profile.settings.insert(
                    e.key.clone(),
                    Setting {
                        value: e.value.clone(),
                        place: file.place(e.line),
                    },
                );
            }
        }
    }

    /// The names of every profile, sorted.
    pub fn profile_names(&self) -> Vec<&str> {
        self.profiles.keys().map(String::as_str).collect()
    }

    /// The `region` of a profile, if it has one.
    pub fn region(&self, profile: &str) -> Option<&str> {
        self.profiles
            .get(profile)?
            .get("region")
            .map(|s| s.value.as_str())
    }

    fn profile(&self, name: &str, wanted_by: Option<&Setting>) -> Result<&Profile, Error> {
        if let Some(p) = self.profiles.get(name) {
            return Ok(p);
        }
        let mut e = Error::new(
            ErrorKind::ProfileNotFound,
            format!("there is no profile `{name}`"),
        );
        if let Some(s) = wanted_by {
            e = e.at(&s.place);
            e.message = format!("source_profile `{name}` is not a profile");
        }
        let help = if let Some(place) = self.not_profiles.get(name) {
            format!("the config file has `[{name}]` at {place}, which the AWS CLI does not read as a profile: write `[profile {name}]`")
        } else if self.profiles.is_empty() {
            "no profile was read: give the files with --aws-config FILE and --aws-credentials FILE"
                .to_string()
        } else {
            format!("the profiles are: {}", self.profile_names().join(", "))
        };
        Err(e.help(help))
    }

    /// Follows `profile` to its starting principal and its roles. `principal`, when given,
    /// is the principal the base profile's credentials belong to (`--principal`); otherwise a
    /// base profile's `aws_access_key_id` is looked up in the world's `access_keys`.
    pub fn resolve(
        &self,
        world: &World,
        profile: &str,
        principal: Option<&str>,
    ) -> Result<Resolved, Error> {
        let region = self.region(profile).map(str::to_string);
        let mut hops: Vec<ResolvedHop> = Vec::new();
        let mut visited: Vec<String> = Vec::new();
        let mut name = profile.to_string();
        let mut wanted_by: Option<&Setting> = None;
        let base = loop {
            let p = self.profile(&name, wanted_by)?;
            let has_keys = p.get("aws_access_key_id").is_some();
            // The profile asked for prefers its role; a source profile prefers its keys.
            let is_source = wanted_by.is_some();
            if is_source && has_keys {
                break Base::Keys(name.clone(), p);
            }
            if visited.iter().any(|v| v == &name) {
                return Err(cycle_error(&visited, &name, wanted_by));
            }
            if visited.len() >= MAX_PROFILE_CHAIN {
                return Err(Error::new(
                    ErrorKind::ProfileInvalid,
                    format!("the source_profile chain of `{profile}` is longer than {MAX_PROFILE_CHAIN} profiles"),
                ));
            }
            visited.push(name.clone());
            let Some(role_arn) = p.get("role_arn") else {
                if has_keys {
                    break Base::Keys(name.clone(), p);
                }
                break Base::Elsewhere(name.clone(), describe_other_credentials(p));
            };
            hops.push(ResolvedHop {
                hop: hop_of(p, role_arn)?,
                profile: name.clone(),
            });
            match (p.get("source_profile"), p.get("credential_source")) {
                (Some(s), Some(c)) => {
                    return Err(Error::new(
                        ErrorKind::ProfileInvalid,
                        format!("profile `{name}` has both source_profile and credential_source"),
                    )
                    .at(&c.place)
                    .help(format!(
                        "keep one: source_profile (at {}) or credential_source",
                        s.place
                    )))
                }
                (Some(s), None) => {
                    name = s.value.clone();
                    wanted_by = Some(s);
                }
                (None, Some(c)) => {
                    check_credential_source(c)?;
                    break Base::Elsewhere(
                        name.clone(),
                        format!("its credential_source `{}`", c.value),
                    );
                }
                (None, None) => {
                    // EKS (IRSA) and CI runners: the role is assumed with an OIDC token.
                    if let Some(file) = p.get("web_identity_token_file") {
                        break Base::WebIdentity(name.clone(), file.clone());
                    }
                    return Err(Error::new(
                        ErrorKind::ProfileInvalid,
                        format!("profile `{name}` has a role_arn but neither source_profile nor credential_source"),
                    )
                    .at(&role_arn.place)
                    .help("add `source_profile = PROFILE` naming the profile whose keys assume the role".into()));
                }
            }
        };
        hops.reverse();
        let mut context = Vec::new();
        let (principal, principal_source) = match (principal, base) {
            (Some(p), _) => (p.to_string(), "given with --principal".to_string()),
            (None, Base::WebIdentity(name, file)) => {
                let (principal, source, claims) = web_identity_start(&hops, &name, &file)?;
                context = claims;
                (principal, source)
            }
            (None, Base::Keys(name, p)) => self.principal_of_keys(world, &name, p)?,
            (None, Base::Elsewhere(name, what)) => {
                return Err(Error::new(
                    ErrorKind::NoPrincipal,
                    format!(
                    "profile `{name}` takes its credentials from {what}, which iamsim cannot see"
                ),
                )
                .help("name the principal they belong to with --principal ARN".into()))
            }
        };
        Ok(Resolved {
            principal,
            principal_source,
            hops,
            region,
            context,
        })
    }

    fn principal_of_keys(
        &self,
        world: &World,
        name: &str,
        p: &Profile,
    ) -> Result<(String, String), Error> {
        let Some(key) = p.get("aws_access_key_id") else {
            return Err(Error::new(
                ErrorKind::NoPrincipal,
                format!("profile `{name}` has no aws_access_key_id"),
            ));
        };
        if let Some(user) = world.user_by_access_key(&key.value) {
            return Ok((
                user.arn().to_string(),
                format!(
                    "access key {} of profile `{name}` at {}",
                    key.value, key.place
                ),
            ));
        }
        let temporary = p.get("aws_session_token").is_some();
        let help = if temporary {
            "these are temporary keys (aws_session_token); name the principal they belong to with --principal ARN".to_string()
        } else {
            format!("add `\"access_keys\": [\"{}\"]` to its user in world.json, or name the principal with --principal ARN", key.value)
        };
        Err(Error::new(
            ErrorKind::NoPrincipal,
            format!(
                "access key `{}` of profile `{name}` belongs to no user of the world",
                key.value
            ),
        )
        .at(&key.place)
        .help(help))
    }
}

/// `[profile NAME]` or `[default]` in a config file (botocore splits the header like a shell
/// would, so `[profile "my name"]` is `my name` and `[profile a b]` is no profile at all).
fn config_profile_name(header: &str) -> Option<String> {
    if header == "default" {
        return Some("default".to_string());
    }
    let rest = header.strip_prefix("profile")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim();
    let unquoted = rest
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| rest.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')));
    match unquoted {
        Some(n) if !n.is_empty() => Some(n.to_string()),
        Some(_) => None,
        None if !rest.is_empty() && !rest.contains(char::is_whitespace) => Some(rest.to_string()),
        None => None,
    }
}

fn hop_of(p: &Profile, role_arn: &Setting) -> Result<ViaHop, Error> {
    if !is_role_arn(&role_arn.value) {
        return Err(Error::new(
            ErrorKind::ProfileInvalid,
            format!("role_arn `{}` is not a role ARN", role_arn.value),
        )
        .at(&role_arn.place)
        .help("write it as arn:aws:iam::ACCOUNT:role/NAME".into()));
    }
    let duration_seconds = match p.get("duration_seconds") {
        None => None,
        Some(d) => match d.value.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                return Err(Error::new(
                    ErrorKind::ProfileInvalid,
                    format!("duration_seconds `{}` is not a number of seconds", d.value),
                )
                .at(&d.place))
            }
        },
    };
    Ok(ViaHop {
        role_arn: role_arn.value.clone(),
        params: AssumeRoleParams {
            session_name: p.get("role_session_name").map(|s| s.value.clone()),
            external_id: p.get("external_id").map(|s| s.value.clone()),
            // With mfa_serial the CLI asks for a code and passes it: the call carries MFA.
            mfa: p.get("mfa_serial").is_some(),
            duration_seconds,
            ..AssumeRoleParams::default()
        },
    })
}

fn is_role_arn(text: &str) -> bool {
    let mut parts = text.splitn(6, ':');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource))
            if !partition.is_empty()
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && resource.strip_prefix("role/").is_some_and(|r| !r.is_empty())
    )
}

fn check_credential_source(c: &Setting) -> Result<(), Error> {
    const SOURCES: [&str; 3] = ["Environment", "Ec2InstanceMetadata", "EcsContainer"];
    if SOURCES.contains(&c.value.as_str()) {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::ProfileInvalid,
            format!(
                "credential_source `{}` is not one the AWS CLI knows",
                c.value
            ),
        )
        .at(&c.place)
        .help(format!("use one of {}", SOURCES.join(", "))))
    }
}

/// The error of a `source_profile` chain that comes back to `name`, with the trail.
fn cycle_error(visited: &[String], name: &str, wanted_by: Option<&Setting>) -> Error {
    let trail: Vec<String> = visited
        .iter()
        .map(String::as_str)
        .chain([name])
        .map(|n| format!("`{n}`"))
        .collect();
    let mut e = Error::new(
        ErrorKind::ProfileCycle,
        format!(
            "source_profile goes round in a cycle: {}",
            trail.join(" -> ")
        ),
    )
    .help("end the chain at a profile with static keys or a credential_source".into());
    if let Some(s) = wanted_by {
        e = e.at(&s.place);
    }
    e
}

/// Context keys and their values.
type ContextPairs = Vec<(String, String)>;

/// A chain that starts from a web identity token (EKS, CI runners): the token's provider as the
/// principal, how it was found, and the token's claims as context keys.
fn web_identity_start(
    hops: &[ResolvedHop],
    name: &str,
    file: &Setting,
) -> Result<(String, String, ContextPairs), Error> {
    let role_account = hops
        .first()
        .and_then(|h| crate::web_identity::role_account(&h.hop.role_arn))
        .unwrap_or_default()
        .to_string();
    let claims = crate::web_identity::read_token(&file.value)
        .and_then(|t| crate::web_identity::claims(&t))
        .map_err(|why| {
            Error::new(
                ErrorKind::ProfileInvalid,
                format!("web_identity_token_file of profile `{name}`: {why}"),
            )
            .at(&file.place)
        })?;
    Ok((
        crate::web_identity::provider(&role_account, &claims),
        format!(
            "the token's issuer, from web_identity_token_file of profile `{name}` at {}",
            file.place
        ),
        crate::web_identity::claim_keys(&claims),
    ))
}

fn describe_other_credentials(p: &Profile) -> String {
    for (key, what) in [
        ("sso_session", "AWS IAM Identity Center (sso_session)"),
        ("sso_start_url", "AWS IAM Identity Center (sso_start_url)"),
        ("credential_process", "a credential_process"),
        ("web_identity_token_file", "a web identity token"),
    ] {
        if p.get(key).is_some() {
            return what.to_string();
        }
    }
    "somewhere outside its settings (it has no keys and no role_arn)".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREDS: &str =
        "[accounta]\naws_access_key_id = AKIAEXAMPLEACCOUNTA1\naws_secret_access_key = x\n";

    fn world() -> World {
        World::default()
    }

    /// A world whose user `accounta-user` holds the key of [`CREDS`].
    fn world_with_key() -> World {
        let mut w = World::default();
        let mut account = iamsim_engine::Account::default();
        account.users.insert(
            "accounta-user".into(),
            iamsim_engine::User {
                iam: iamsim_engine::IamName::new(
                    iamsim_engine::IamKind::User,
                    "111111111111",
                    "/",
                    "accounta-user",
                    Some("AIDAEXAMPLE"),
                ),
                policies: Vec::new(),
                groups: Vec::new(),
                boundary: None,
                tags: BTreeMap::new(),
                recreated: false,
                access_keys: vec!["AKIAEXAMPLEACCOUNTA1".into()],
                login_profile: Some(false),
                identity_index: Default::default(),
            },
        );
        w.accounts_mut().insert("111111111111".into(), account);
        w
    }

    #[test]
    fn static_keys_lead_to_their_user() {
        let c = cfg(
            "[profile roleb]\nrole_arn = arn:aws:iam::222222222222:role/r\nsource_profile = accounta\n",
            CREDS,
        );
        let r = c.resolve(&world_with_key(), "roleb", None).unwrap();
        assert_eq!(r.principal, "arn:aws:iam::111111111111:user/accounta-user");
        assert_eq!(
            r.principal_source,
            "access key AKIAEXAMPLEACCOUNTA1 of profile `accounta` at credentials:2:1"
        );
        // --principal wins over the keys.
        let r = c
            .resolve(
                &world_with_key(),
                "roleb",
                Some("arn:aws:iam::111111111111:root"),
            )
            .unwrap();
        assert_eq!(r.principal, "arn:aws:iam::111111111111:root");
    }

    fn cfg(config: &str, creds: &str) -> AwsConfig {
        AwsConfig::parse(
            Some(("config", config.as_bytes())),
            Some(("credentials", creds.as_bytes())),
        )
        .unwrap()
    }

    fn resolve(c: &AwsConfig, profile: &str) -> Result<Resolved, Error> {
        c.resolve(&world(), profile, Some("arn:aws:iam::111111111111:user/u"))
    }

    #[test]
    fn the_tutorial_profile_assumes_its_role_from_accounta() {
        let c = cfg(
            "[profile accounta]\nregion = us-east-1\n\n[profile roleb]\nrole_arn = arn:aws:iam::222222222222:role/role-in-accountb\nsource_profile = accounta\n",
            CREDS,
        );
        let r = resolve(&c, "roleb").unwrap();
        assert_eq!(r.principal, "arn:aws:iam::111111111111:user/u");
        assert_eq!(r.hops.len(), 1);
        assert_eq!(
            r.hops[0].hop.role_arn,
            "arn:aws:iam::222222222222:role/role-in-accountb"
        );
        assert_eq!(r.hops[0].profile, "roleb");
        assert!(!r.hops[0].hop.params.mfa);
        // botocore takes the region of the profile asked for only.
        assert_eq!(r.region, None);
        assert_eq!(resolve(&c, "accounta").unwrap().hops.len(), 0);
    }

    #[test]
    fn profile_prefix_in_config_default_without_it() {
        let c = cfg("[default]\nregion = eu-west-1\n[profile a]\nregion = us-east-2\n[b]\nregion = x\n[profile \"my name\"]\nregion = y\n", "");
        assert_eq!(c.region("default"), Some("eu-west-1"));
        assert_eq!(c.region("a"), Some("us-east-2"));
        assert_eq!(c.region("my name"), Some("y"));
        // `[b]` in a config file is not a profile, and the error says how to write it.
        let e = resolve(&c, "b").unwrap_err();
        assert_eq!(e.kind, ErrorKind::ProfileNotFound);
        assert!(e.help.unwrap().contains("write `[profile b]`"));
        assert_eq!(c.profile_names(), vec!["a", "default", "my name"]);
    }

    #[test]
    fn credentials_sections_have_no_prefix_and_win_over_config() {
        let c = cfg(
            "[profile a]\nregion = us-east-1\naws_access_key_id = FROMCONFIGFILE00000\n",
            "[a]\naws_access_key_id = FROMCREDENTIALS0000\n[profile z]\nx = 1\n",
        );
        let p = c.profiles.get("a").unwrap();
        assert_eq!(
            p.get("aws_access_key_id").unwrap().value,
            "FROMCREDENTIALS0000"
        );
        assert_eq!(
            p.get("aws_access_key_id").unwrap().place.file,
            "credentials"
        );
        assert_eq!(c.region("a"), Some("us-east-1"));
        // In credentials, `[profile z]` is a profile named `profile z`.
        assert!(c.profiles.contains_key("profile z"));
    }

    #[test]
    fn chained_source_profiles_give_hops_in_order_with_their_parameters() {
        let c = cfg(
            "[profile base]\n\
             [profile mid]\nrole_arn = arn:aws:iam::222222222222:role/mid\nsource_profile = base\nexternal_id = ext-1\n\
             [profile top]\nrole_arn = arn:aws:iam::333333333333:role/path/top\nsource_profile = mid\nmfa_serial = arn:aws:iam::111111111111:mfa/u\nrole_session_name = me\nduration_seconds = 900\n",
            "[base]\naws_access_key_id = AKIAEXAMPLEBASE00001\n",
        );
        let r = resolve(&c, "top").unwrap();
        let arns: Vec<&str> = r.hops.iter().map(|h| h.hop.role_arn.as_str()).collect();
        assert_eq!(
            arns,
            vec![
                "arn:aws:iam::222222222222:role/mid",
                "arn:aws:iam::333333333333:role/path/top"
            ]
        );
        let mid = &r.hops[0].hop.params;
        assert_eq!(mid.external_id.as_deref(), Some("ext-1"));
        assert!(!mid.mfa);
        let top = &r.hops[1].hop.params;
        assert!(top.mfa);
        assert_eq!(top.session_name.as_deref(), Some("me"));
        assert_eq!(top.duration_seconds, Some(900));
        assert_eq!(top.external_id, None);
    }

    #[test]
    fn a_source_profile_with_keys_uses_them_not_its_role() {
        let c = cfg(
            "[profile a]\nrole_arn = arn:aws:iam::222222222222:role/ignored\nsource_profile = b\n[profile top]\nrole_arn = arn:aws:iam::222222222222:role/top\nsource_profile = a\n",
            "[a]\naws_access_key_id = AKIAEXAMPLEA00000001\n",
        );
        let r = resolve(&c, "top").unwrap();
        assert_eq!(r.hops.len(), 1);
        assert_eq!(r.hops[0].hop.role_arn, "arn:aws:iam::222222222222:role/top");
    }

    #[test]
    fn a_profile_may_be_its_own_source_when_it_has_keys() {
        let c = cfg(
            "[profile self]\nrole_arn = arn:aws:iam::222222222222:role/r\nsource_profile = self\n",
            "[self]\naws_access_key_id = AKIAEXAMPLESELF00001\n",
        );
        assert_eq!(resolve(&c, "self").unwrap().hops.len(), 1);
    }

    #[test]
    fn cycles_are_errors_naming_the_loop() {
        let c = cfg(
            "[profile a]\nrole_arn = arn:aws:iam::222222222222:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::222222222222:role/b\nsource_profile = a\n[profile s]\nrole_arn = arn:aws:iam::222222222222:role/s\nsource_profile = s\n",
            "",
        );
        let e = resolve(&c, "a").unwrap_err();
        assert_eq!(e.kind, ErrorKind::ProfileCycle);
        assert!(e.message.contains("`a` -> `b` -> `a`"), "{}", e.message);
        assert_eq!(e.place.unwrap().line, 6);
        // Without keys of its own, a profile that names itself loops too.
        assert_eq!(resolve(&c, "s").unwrap_err().kind, ErrorKind::ProfileCycle);
    }

    #[test]
    fn missing_profiles_are_errors() {
        let c = cfg(
            "[profile a]\nrole_arn = arn:aws:iam::222222222222:role/a\nsource_profile = nobody\n",
            "",
        );
        let e = resolve(&c, "a").unwrap_err();
        assert_eq!(e.kind, ErrorKind::ProfileNotFound);
        assert!(e.message.contains("source_profile `nobody`"));
        assert_eq!(e.place.unwrap().line, 3);
        let e = resolve(&c, "zzz").unwrap_err();
        assert_eq!(e.kind, ErrorKind::ProfileNotFound);
        assert_eq!(e.help.unwrap(), "the profiles are: a");
        let empty = AwsConfig::default();
        assert!(resolve(&empty, "x")
            .unwrap_err()
            .help
            .unwrap()
            .contains("--aws-config"));
    }

    #[test]
    fn invalid_settings_are_errors() {
        let c = cfg(
            "[profile both]\nrole_arn = arn:aws:iam::222222222222:role/a\nsource_profile = x\ncredential_source = Environment\n\
             [profile neither]\nrole_arn = arn:aws:iam::222222222222:role/a\n\
             [profile badarn]\nrole_arn = arn:aws:s3:::bucket\nsource_profile = x\n\
             [profile badsource]\nrole_arn = arn:aws:iam::222222222222:role/a\ncredential_source = Laptop\n\
             [profile baddur]\nrole_arn = arn:aws:iam::222222222222:role/a\nsource_profile = x\nduration_seconds = 1h\n",
            "",
        );
        for name in ["both", "neither", "badarn", "badsource", "baddur"] {
            let e = resolve(&c, name).unwrap_err();
            assert_eq!(e.kind, ErrorKind::ProfileInvalid, "{name}: {e}");
            assert!(e.place.is_some(), "{name}");
        }
    }

    #[test]
    fn credential_source_and_sso_need_a_principal() {
        let c = cfg(
            "[profile ec2]\nrole_arn = arn:aws:iam::222222222222:role/a\ncredential_source = Ec2InstanceMetadata\n[profile sso]\nsso_session = corp\n",
            "",
        );
        let r = resolve(&c, "ec2").unwrap();
        assert_eq!(r.principal_source, "given with --principal");
        for name in ["ec2", "sso"] {
            let e = c.resolve(&world(), name, None).unwrap_err();
            assert_eq!(e.kind, ErrorKind::NoPrincipal);
            assert!(e.help.unwrap().contains("--principal"));
        }
    }

    #[test]
    fn unknown_access_keys_say_how_to_map_them() {
        let c = cfg("", CREDS);
        let e = c.resolve(&world(), "accounta", None).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NoPrincipal);
        assert!(e.help.unwrap().contains("access_keys"));
        assert_eq!(e.place.unwrap().file, "credentials");
    }

    #[test]
    fn duplicate_profiles_in_one_file_are_errors() {
        let errors = AwsConfig::parse(
            Some(("config", b"[profile a]\n[profile  a]\n".as_slice())),
            None,
        )
        .unwrap_err();
        assert_eq!(errors[0].kind, ErrorKind::DuplicateSection);
    }

    #[test]
    fn errors_of_both_files_are_collected() {
        let errors = AwsConfig::parse(
            Some(("config", b"oops\n".as_slice())),
            Some(("credentials", b"[a]\n\xff\n".as_slice())),
        )
        .unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[1].place.as_ref().unwrap().file, "credentials");
    }

    #[test]
    fn header_names() {
        assert_eq!(config_profile_name("profile a"), Some("a".into()));
        assert_eq!(config_profile_name("profile\ta"), Some("a".into()));
        assert_eq!(config_profile_name("profile 'a b'"), Some("a b".into()));
        assert_eq!(config_profile_name("profile a b"), None);
        assert_eq!(config_profile_name("profile"), None);
        assert_eq!(config_profile_name("profilea"), None);
        assert_eq!(config_profile_name("profile \"\""), None);
        assert_eq!(config_profile_name("default"), Some("default".into()));
    }
}
