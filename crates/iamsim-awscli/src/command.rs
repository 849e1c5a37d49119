//! An AWS CLI command line (`aws s3 cp test.txt s3://bucket --profile roleb`), read into the
//! IAM requests it makes.
//!
//! The `aws s3` path commands follow the AWS CLI's rules for where objects land (rule
//! 7.4): `cp FILE s3://bucket` and `cp FILE s3://bucket/dir/` write `dir/FILE`, `cp FILE
//! s3://bucket/key` writes `key`. What a recursive command or `sync` touches depends on local
//! files and the bucket's listing, which iamsim cannot see; it asks for the objects under the
//! prefix as one resource, `arn:aws:s3:::bucket/prefix*`, and says so in a note. A policy that
//! allows or denies only some keys under the prefix does not match that resource, so the answer
//! is for the prefix as a whole.

use crate::table::{self, Command, Handler, Req, When};
use crate::{Error, ErrorKind};
use iamsim_engine::AssumeRoleParams;
use std::collections::BTreeMap;

/// A parsed `aws ...` command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// The words as given, `aws` first.
    pub words: Vec<String>,
    pub service: String,
    pub command: String,
    pub positionals: Vec<String>,
    /// `--name` and its value, in order, without the global options below.
    pub options: Vec<(String, Option<String>)>,
    pub profile: Option<String>,
    pub region: Option<String>,
    /// `--no-sign-request`: the call is anonymous.
    pub no_sign_request: bool,
}

/// What the requests' templates need from the resolved caller.
#[derive(Clone, Copy, Debug)]
pub struct Env<'a> {
    /// The account of the principal making the requests (after the profile's roles).
    pub account: Option<&'a str>,
    pub region: &'a str,
}

/// One IAM request a command makes.
#[derive(Clone, Debug)]
pub struct Request {
    pub action: String,
    pub resource: String,
    pub context: Vec<(String, String)>,
    /// For an AssumeRole call, its parameters (decided with `iamsim_engine::ask_assume`).
    pub assume: Option<AssumeRoleParams>,
    /// What the reader should know about how the request was derived.
    pub note: Option<String>,
}

fn bad(inv: &Invocation, message: String) -> Error {
    Error::new(
        ErrorKind::BadCommand,
        format!("`aws {} {}`: {message}", inv.service, inv.command),
    )
}

impl Request {
    fn new(action: &str, resource: String) -> Request {
        Request {
            action: action.to_string(),
            resource,
            context: Vec::new(),
            assume: None,
            note: None,
        }
    }

    fn note(mut self, note: Option<String>) -> Request {
        self.note = note;
        self
    }
}

impl Invocation {
    /// Reads the words after `--`: `aws`, global options anywhere, the service, the command and
    /// its arguments.
    pub fn parse(words: &[String]) -> Result<Invocation, Error> {
        let mut it = words.iter();
        if it.next().map(String::as_str) != Some("aws") {
            return Err(Error::new(
                ErrorKind::BadCommand,
                "the command after `--` must start with `aws`".into(),
            )
            .help("for example: iamsim can --world DIR -- aws s3 ls --profile NAME".into()));
        }
        let mut inv = Invocation {
            words: words.to_vec(),
            service: String::new(),
            command: String::new(),
            positionals: Vec::new(),
            options: Vec::new(),
            profile: None,
            region: None,
            no_sign_request: false,
        };
        let mut words: Vec<&String> = Vec::new();
        let rest: Vec<&String> = it.collect();
        let mut i = 0;
        while let Some(w) = rest.get(i) {
            i += 1;
            let Some(name) = w.strip_prefix("--").filter(|n| !n.is_empty()) else {
                words.push(w);
                continue;
            };
            let (name, mut value) = match name.split_once('=') {
                Some((n, v)) => (format!("--{n}"), Some(v.to_string())),
                None => (format!("--{name}"), None),
            };
            if value.is_none() && !table::FLAGS.contains(&name.as_str()) {
                if let Some(next) = rest.get(i).filter(|n| !n.starts_with("--")) {
                    value = Some((*next).clone());
                    i += 1;
                }
            }
            match name.as_str() {
                "--profile" => inv.profile = Some(inv.need(&name, value)?),
                "--region" => inv.region = Some(inv.need(&name, value)?),
                "--no-sign-request" => inv.no_sign_request = true,
                _ => inv.options.push((name, value)),
            }
        }
        let mut words = words.into_iter();
        match (words.next(), words.next()) {
            (Some(s), Some(c)) => {
                inv.service = s.clone();
                inv.command = c.clone();
            }
            _ => {
                return Err(Error::new(
                    ErrorKind::BadCommand,
                    "say which command: `aws SERVICE COMMAND ...`".into(),
                )
                .help("for example: aws s3 cp test.txt s3://bucket --profile NAME".into()))
            }
        }
        inv.positionals = words.cloned().collect();
        Ok(inv)
    }

    fn need(&self, name: &str, value: Option<String>) -> Result<String, Error> {
        value.ok_or_else(|| Error::new(ErrorKind::BadCommand, format!("`{name}` needs a value")))
    }

    /// The command line as typed, for people.
    pub fn display(&self) -> String {
        self.words
            .iter()
            .map(|w| {
                if w.is_empty() || w.contains(char::is_whitespace) {
                    format!("'{w}'")
                } else {
                    w.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The value of an option (the last one given).
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    pub fn has(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| n == name)
    }

    /// The table entry of the command, or an error that says how to ask instead.
    pub fn spec(&self) -> Result<&'static Command, Error> {
        table::find(&self.service, &self.command).ok_or_else(|| {
            Error::new(
                ErrorKind::UnknownCommand,
                format!(
                    "iamsim does not know which requests `aws {} {}` makes",
                    self.service, self.command
                ),
            )
            .help(format!(
                "ask for each request it makes with `iamsim can --world DIR PRINCIPAL ACTION RESOURCE` (with `--via ROLE_ARN` for each role the profile assumes); {}",
                table::known(&self.service)
            ))
        })
    }

    /// The IAM requests the command makes, in the order it makes them.
    pub fn requests(&self, env: &Env) -> Result<Vec<Request>, Error> {
        let spec = self.spec()?;
        match spec.handler {
            Handler::Table => self.table_requests(spec, env),
            Handler::S3Paths => self.s3_requests(),
            Handler::AssumeRole => self.assume_role(),
        }
    }

    fn table_requests(&self, spec: &Command, env: &Env) -> Result<Vec<Request>, Error> {
        let mut out = Vec::new();
        for r in spec.requests {
            if !self.applies(r) {
                continue;
            }
            let resource = self.fill(r.resource, env)?.ok_or_else(|| {
                bad(
                    self,
                    format!("needs {}", missing_options(self, r.resource).join(" and ")),
                )
            })?;
            let mut request = Request::new(r.action, resource);
            for (key, template) in r.context {
                if let Some(v) = self.fill(template, env)? {
                    request.context.push((key.to_string(), v));
                }
            }
            if r.action == "s3:PutObjectAcl" && spec.handler == Handler::Table {
                request.note = Some(ACL_NOTE.to_string());
            }
            out.push(request);
        }
        Ok(out)
    }

    fn applies(&self, r: &Req) -> bool {
        match r.when {
            When::Always => true,
            When::With(opts) => opts.iter().any(|o| self.has(o)),
            When::Without(opts) => !opts.iter().any(|o| self.has(o)),
        }
    }

    /// Fills a template; `None` when an option it names was not given.
    fn fill(&self, template: &str, env: &Env) -> Result<Option<String>, Error> {
        let mut out = String::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(rest.get(..open).unwrap_or(""));
            let after = rest.get(open + 1..).unwrap_or("");
            let Some(close) = after.find('}') else {
                out.push_str(rest.get(open..).unwrap_or(""));
                rest = "";
                break;
            };
            let name = after.get(..close).unwrap_or("");
            let value = match name {
                "region" => Some(env.region.to_string()),
                "account" => match env.account {
                    Some(a) => Some(a.to_string()),
                    None => {
                        return Err(bad(
                            self,
                            "names a resource of the caller's account, and an anonymous caller has none".into(),
                        ))
                    }
                },
                opt => self.option(opt).map(str::to_string),
            };
            match value {
                Some(v) => out.push_str(&v),
                None => return Ok(None),
            }
            rest = after.get(close + 1..).unwrap_or("");
        }
        out.push_str(rest);
        Ok(Some(out))
    }

    fn assume_role(&self) -> Result<Vec<Request>, Error> {
        let role_arn = self
            .option("--role-arn")
            .ok_or_else(|| bad(self, "needs --role-arn".into()))?;
        let duration_seconds = match self.option("--duration-seconds") {
            None => None,
            Some(d) => Some(d.parse::<u32>().map_err(|_| {
                bad(
                    self,
                    format!("--duration-seconds `{d}` is not a number of seconds"),
                )
            })?),
        };
        let mut tags = BTreeMap::new();
        // `--tags Key=a,Value=b Key=c,Value=d`: the first after --tags, the rest positional.
        let tag_words = self
            .option("--tags")
            .into_iter()
            .chain(self.positionals.iter().map(String::as_str));
        for w in tag_words {
            let (k, v) = parse_tag(w).ok_or_else(|| {
                bad(
                    self,
                    format!("`{w}` is not a tag: write --tags Key=KEY,Value=VALUE ..."),
                )
            })?;
            tags.insert(k, v);
        }
        let params = AssumeRoleParams {
            session_name: self.option("--role-session-name").map(str::to_string),
            external_id: self.option("--external-id").map(str::to_string),
            mfa: self.has("--serial-number"),
            duration_seconds,
            source_identity: self.option("--source-identity").map(str::to_string),
            tags,
            ..AssumeRoleParams::default()
        };
        let mut r = Request::new("sts:AssumeRole", role_arn.to_string());
        r.assume = Some(params);
        Ok(vec![r])
    }

    fn s3_requests(&self) -> Result<Vec<Request>, Error> {
        let recursive = self.has("--recursive");
        let paths: Vec<Path> = self.positionals.iter().map(|p| Path::parse(p)).collect();
        let path_err = |s: &str| bad(self, s.to_string());
        for p in &paths {
            if let Path::S3 { bucket, .. } = p {
                if bucket.is_empty() {
                    return Err(path_err("an s3:// path needs a bucket: s3://BUCKET/KEY"));
                }
            }
        }
        let acl = self.has("--acl") || self.has("--grants");
        let mut out = Vec::new();
        match (self.command.as_str(), paths.as_slice()) {
            ("ls", []) => out.push(Request::new("s3:ListAllMyBuckets", "*".into())),
            ("ls", [Path::S3 { bucket, key }]) => {
                let mut r = Request::new("s3:ListBucket", bucket_arn(bucket));
                if !key.is_empty() {
                    r.context.push(("s3:prefix".into(), key.clone()));
                }
                if !recursive {
                    r.context.push(("s3:delimiter".into(), "/".into()));
                }
                out.push(r);
            }
            ("cp" | "mv", [src, dst]) => {
                out = self.copy(src, dst, recursive, acl)?;
                if let (true, Path::S3 { bucket, key }) = (self.command == "mv", src) {
                    let target = if recursive {
                        prefix_arn(bucket, &dir_prefix(key))
                    } else {
                        object_arn(bucket, key)
                    };
                    out.push(Request::new("s3:DeleteObject", target));
                }
            }
            ("rm", [Path::S3 { bucket, key }]) => {
                if recursive {
                    out.push(list(bucket, &dir_prefix(key)));
                    out.push(
                        Request::new("s3:DeleteObject", prefix_arn(bucket, &dir_prefix(key)))
                            .note(Some(prefix_note(bucket, &dir_prefix(key)))),
                    );
                } else {
                    out.push(Request::new("s3:DeleteObject", self.object(bucket, key)?));
                }
            }
            ("sync", [src, dst]) => out = self.sync(src, dst, acl)?,
            ("mb", [Path::S3 { bucket, .. }]) => {
                out.push(Request::new("s3:CreateBucket", bucket_arn(bucket)))
            }
            ("rb", [Path::S3 { bucket, .. }]) => {
                if self.has("--force") {
                    out.push(list(bucket, ""));
                    out.push(Request::new("s3:DeleteObject", prefix_arn(bucket, "")));
                }
                out.push(Request::new("s3:DeleteBucket", bucket_arn(bucket)));
            }
            ("presign", [Path::S3 { bucket, key }]) => out.push(
                Request::new("s3:GetObject", self.object(bucket, key)?).note(Some(
                    "presigning makes no request; whoever uses the link calls GetObject as the signer".into(),
                )),
            ),
            (cmd, _) => {
                let usage = match cmd {
                    "ls" => "takes nothing or one s3:// path",
                    "cp" | "mv" | "sync" => "takes a source and a destination, one of them s3://",
                    _ => "takes one s3:// path",
                };
                return Err(bad(self, usage.into()));
            }
        }
        Ok(out)
    }

    fn object(&self, bucket: &str, key: &str) -> Result<String, Error> {
        if key.is_empty() || key.ends_with('/') {
            return Err(bad(
                self,
                format!("s3://{bucket}/{key} names no object; add the key, or --recursive"),
            ));
        }
        Ok(object_arn(bucket, key))
    }

    fn copy(
        &self,
        src: &Path,
        dst: &Path,
        recursive: bool,
        acl: bool,
    ) -> Result<Vec<Request>, Error> {
        let mut out = Vec::new();
        // Where the object(s) land, by the AWS CLI's rules.
        let put_target = |dst_bucket: &str, dst_key: &str, name: &str| -> Result<String, Error> {
            if recursive {
                Ok(prefix_arn(dst_bucket, &dir_prefix(dst_key)))
            } else if dst_key.is_empty() || dst_key.ends_with('/') {
                if name.is_empty() || name == "-" {
                    return Err(bad(
                        self,
                        "copying from stdin (`-`) needs a destination key".into(),
                    ));
                }
                Ok(object_arn(dst_bucket, &format!("{dst_key}{name}")))
            } else {
                Ok(object_arn(dst_bucket, dst_key))
            }
        };
        match (src, dst) {
            (Path::Local(file), Path::S3 { bucket, key }) => {
                let target = put_target(bucket, key, base_name(file))?;
                out.push(self.put(bucket, key, target.clone(), recursive));
                if acl {
                    out.push(Request::new("s3:PutObjectAcl", target).note(Some(ACL_NOTE.into())));
                }
            }
            (Path::S3 { bucket, key }, Path::Local(_)) => {
                if recursive {
                    out.push(list(bucket, &dir_prefix(key)));
                    out.push(
                        Request::new("s3:GetObject", prefix_arn(bucket, &dir_prefix(key)))
                            .note(Some(prefix_note(bucket, &dir_prefix(key)))),
                    );
                } else {
                    out.push(Request::new("s3:GetObject", self.object(bucket, key)?));
                }
            }
            (
                Path::S3 {
                    bucket: sb,
                    key: sk,
                },
                Path::S3 {
                    bucket: db,
                    key: dk,
                },
            ) => {
                if recursive {
                    out.push(list(sb, &dir_prefix(sk)));
                    out.push(
                        Request::new("s3:GetObject", prefix_arn(sb, &dir_prefix(sk)))
                            .note(Some(prefix_note(sb, &dir_prefix(sk)))),
                    );
                } else {
                    out.push(Request::new("s3:GetObject", self.object(sb, sk)?));
                }
                let target = put_target(db, dk, base_name(sk))?;
                out.push(self.put(db, dk, target.clone(), recursive));
                if acl {
                    out.push(Request::new("s3:PutObjectAcl", target).note(Some(ACL_NOTE.into())));
                }
            }
            (Path::Local(_), Path::Local(_)) => {
                return Err(bad(
                    self,
                    "neither path is s3://; there is nothing for AWS to decide".into(),
                ))
            }
        }
        Ok(out)
    }

    fn put(&self, bucket: &str, key: &str, target: String, recursive: bool) -> Request {
        let note = recursive.then(|| prefix_note(bucket, &dir_prefix(key)));
        Request::new("s3:PutObject", target).note(note)
    }

    fn sync(&self, src: &Path, dst: &Path, acl: bool) -> Result<Vec<Request>, Error> {
        let mut out = Vec::new();
        if let Path::S3 { bucket, key } = src {
            out.push(list(bucket, &dir_prefix(key)));
        }
        if let Path::S3 { bucket, key } = dst {
            out.push(list(bucket, &dir_prefix(key)));
        }
        match (src, dst) {
            (Path::Local(_), Path::Local(_)) => {
                return Err(bad(
                    self,
                    "neither path is s3://; there is nothing for AWS to decide".into(),
                ))
            }
            (Path::S3 { bucket, key }, _) => out.push(
                Request::new("s3:GetObject", prefix_arn(bucket, &dir_prefix(key)))
                    .note(Some(prefix_note(bucket, &dir_prefix(key)))),
            ),
            _ => {}
        }
        if let Path::S3 { bucket, key } = dst {
            let objects = prefix_arn(bucket, &dir_prefix(key));
            let note = Some(prefix_note(bucket, &dir_prefix(key)));
            out.push(Request::new("s3:PutObject", objects.clone()).note(note.clone()));
            if acl {
                out.push(
                    Request::new("s3:PutObjectAcl", objects.clone()).note(Some(ACL_NOTE.into())),
                );
            }
            if self.has("--delete") {
                out.push(Request::new("s3:DeleteObject", objects).note(note));
            }
        }
        Ok(out)
    }
}

const ACL_NOTE: &str = "an upload that sets an ACL needs s3:PutObjectAcl as well as s3:PutObject; AWS documents this two ways, so both are required (rule 9.15)";

fn prefix_note(bucket: &str, prefix: &str) -> String {
    format!(
        "the objects depend on files and listings iamsim cannot see; it asks for them all as `{}`, which a statement naming only some keys under the prefix does not match: an Allow or a Deny of particular keys is not seen",
        prefix_arn(bucket, prefix)
    )
}

/// A path argument of an `aws s3` command.
enum Path {
    S3 { bucket: String, key: String },
    Local(String),
}

impl Path {
    fn parse(text: &str) -> Path {
        match text.strip_prefix("s3://") {
            Some(rest) => {
                let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
                Path::S3 {
                    bucket: bucket.to_string(),
                    key: key.to_string(),
                }
            }
            None => Path::Local(text.to_string()),
        }
    }
}

fn bucket_arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}")
}

fn object_arn(bucket: &str, key: &str) -> String {
    format!("arn:aws:s3:::{bucket}/{key}")
}

/// Every object under a prefix.
fn prefix_arn(bucket: &str, prefix: &str) -> String {
    format!("arn:aws:s3:::{bucket}/{prefix}*")
}

/// A key used as a directory: `dir` and `dir/` both mean `dir/`; empty stays empty.
fn dir_prefix(key: &str) -> String {
    if key.is_empty() || key.ends_with('/') {
        key.to_string()
    } else {
        format!("{key}/")
    }
}

/// `s3:ListBucket` on the bucket, with the prefix listed.
fn list(bucket: &str, prefix: &str) -> Request {
    let mut r = Request::new("s3:ListBucket", bucket_arn(bucket));
    if !prefix.is_empty() {
        r.context.push(("s3:prefix".into(), prefix.to_string()));
    }
    r
}

/// The last part of a local path or key (`/`- or `\`-separated).
fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn parse_tag(word: &str) -> Option<(String, String)> {
    let mut key = None;
    let mut value = None;
    for part in word.split(',') {
        match part.split_once('=') {
            Some(("Key", k)) => key = Some(k.to_string()),
            Some(("Value", v)) => value = Some(v.to_string()),
            _ => return None,
        }
    }
    Some((key?, value.unwrap_or_default()))
}

fn missing_options(inv: &Invocation, template: &str) -> Vec<String> {
    template
        .split('{')
        .filter_map(|p| p.split_once('}').map(|(n, _)| n))
        .filter(|n| n.starts_with("--") && inv.option(n).is_none())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inv(line: &str) -> Invocation {
        let words: Vec<String> = line.split(' ').map(str::to_string).collect();
        Invocation::parse(&words).unwrap()
    }

    const ENV: Env = Env {
        account: Some("222222222222"),
        region: "eu-west-1",
    };

    /// `(action, resource)` of each request.
    fn reqs(line: &str) -> Vec<(String, String)> {
        inv(line)
            .requests(&ENV)
            .unwrap()
            .into_iter()
            .map(|r| (r.action, r.resource))
            .collect()
    }

    fn one(action: &str, resource: &str) -> Vec<(String, String)> {
        vec![(action.to_string(), resource.to_string())]
    }

    fn err(line: &str) -> Error {
        inv(line).requests(&ENV).unwrap_err()
    }

    #[test]
    fn global_options_anywhere() {
        let i = inv(
            "aws --profile roleb s3 cp test.txt s3://b --region us-west-2 --output json --debug",
        );
        assert_eq!(i.profile.as_deref(), Some("roleb"));
        assert_eq!(i.region.as_deref(), Some("us-west-2"));
        assert_eq!((i.service.as_str(), i.command.as_str()), ("s3", "cp"));
        assert_eq!(i.positionals, vec!["test.txt", "s3://b"]);
        let i = inv("aws s3 cp --recursive dir s3://b --profile=x");
        assert_eq!(i.positionals, vec!["dir", "s3://b"]);
        assert_eq!(i.profile.as_deref(), Some("x"));
        assert!(inv("aws s3 ls --no-sign-request").no_sign_request);
    }

    #[test]
    fn the_tutorial_upload_writes_the_file_name() {
        let object = one("s3:PutObject", "arn:aws:s3:::cross-account-bucket/test.txt");
        assert_eq!(
            reqs("aws s3 cp test.txt s3://cross-account-bucket --profile roleb"),
            object
        );
        assert_eq!(
            reqs("aws s3 cp ./test.txt s3://cross-account-bucket/"),
            object
        );
        assert_eq!(
            reqs("aws s3 cp /tmp/test.txt s3://b/dir/"),
            one("s3:PutObject", "arn:aws:s3:::b/dir/test.txt")
        );
        assert_eq!(
            reqs("aws s3 cp test.txt s3://b/other.txt"),
            one("s3:PutObject", "arn:aws:s3:::b/other.txt")
        );
    }

    #[test]
    fn cp_download_copy_acl_and_mv() {
        assert_eq!(
            reqs("aws s3 cp s3://b/k.txt ."),
            one("s3:GetObject", "arn:aws:s3:::b/k.txt")
        );
        assert_eq!(
            reqs("aws s3 cp s3://a/x/k s3://b/"),
            vec![
                ("s3:GetObject".into(), "arn:aws:s3:::a/x/k".into()),
                ("s3:PutObject".into(), "arn:aws:s3:::b/k".into())
            ]
        );
        let r = inv("aws s3 cp f s3://b/k --acl bucket-owner-full-control")
            .requests(&ENV)
            .unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].action, "s3:PutObjectAcl");
        assert!(r[1].note.as_ref().unwrap().contains("9.15"));
        assert_eq!(
            reqs("aws s3 mv s3://b/k ./k"),
            vec![
                ("s3:GetObject".into(), "arn:aws:s3:::b/k".into()),
                ("s3:DeleteObject".into(), "arn:aws:s3:::b/k".into())
            ]
        );
        assert_eq!(
            reqs("aws s3 cp --recursive s3://b/logs ./logs"),
            vec![
                ("s3:ListBucket".into(), "arn:aws:s3:::b".into()),
                ("s3:GetObject".into(), "arn:aws:s3:::b/logs/*".into())
            ]
        );
        assert_eq!(
            reqs("aws s3 cp dir s3://b --recursive"),
            one("s3:PutObject", "arn:aws:s3:::b/*")
        );
    }

    #[test]
    fn ls_rm_sync_mb_rb() {
        assert_eq!(reqs("aws s3 ls"), one("s3:ListAllMyBuckets", "*"));
        let r = inv("aws s3 ls s3://b/home/").requests(&ENV).unwrap();
        assert_eq!(r[0].action, "s3:ListBucket");
        assert_eq!(r[0].resource, "arn:aws:s3:::b");
        assert_eq!(
            r[0].context,
            vec![
                ("s3:prefix".to_string(), "home/".to_string()),
                ("s3:delimiter".to_string(), "/".to_string())
            ]
        );
        let r = inv("aws s3 ls s3://b --recursive").requests(&ENV).unwrap();
        assert!(r[0].context.is_empty());
        assert_eq!(
            reqs("aws s3 rm s3://b/k"),
            one("s3:DeleteObject", "arn:aws:s3:::b/k")
        );
        assert_eq!(
            reqs("aws s3 sync . s3://b/site --delete"),
            vec![
                ("s3:ListBucket".into(), "arn:aws:s3:::b".into()),
                ("s3:PutObject".into(), "arn:aws:s3:::b/site/*".into()),
                ("s3:DeleteObject".into(), "arn:aws:s3:::b/site/*".into())
            ]
        );
        assert_eq!(
            reqs("aws s3 sync s3://b ./local"),
            vec![
                ("s3:ListBucket".into(), "arn:aws:s3:::b".into()),
                ("s3:GetObject".into(), "arn:aws:s3:::b/*".into())
            ]
        );
        assert_eq!(
            reqs("aws s3 mb s3://new"),
            one("s3:CreateBucket", "arn:aws:s3:::new")
        );
        assert_eq!(
            reqs("aws s3 rb s3://old"),
            one("s3:DeleteBucket", "arn:aws:s3:::old")
        );
    }

    #[test]
    fn s3api_from_the_table() {
        assert_eq!(
            reqs("aws s3api head-object --bucket b --key k"),
            one("s3:GetObject", "arn:aws:s3:::b/k")
        );
        assert_eq!(
            reqs("aws s3api get-object --bucket b --key k --version-id v1 out.txt"),
            one("s3:GetObjectVersion", "arn:aws:s3:::b/k")
        );
        assert_eq!(
            reqs("aws s3api put-object --bucket b --key k --body f --acl public-read"),
            vec![
                ("s3:PutObject".into(), "arn:aws:s3:::b/k".into()),
                ("s3:PutObjectAcl".into(), "arn:aws:s3:::b/k".into())
            ]
        );
        let r = inv("aws s3api list-objects-v2 --bucket b --prefix p/")
            .requests(&ENV)
            .unwrap();
        assert_eq!(r[0].action, "s3:ListBucket");
        assert_eq!(
            r[0].context,
            vec![("s3:prefix".to_string(), "p/".to_string())]
        );
        assert_eq!(
            reqs("aws s3api get-bucket-policy --bucket b"),
            one("s3:GetBucketPolicy", "arn:aws:s3:::b")
        );
        assert_eq!(
            reqs("aws ec2 describe-instances --region x"),
            one("ec2:DescribeInstances", "*")
        );
        assert_eq!(
            reqs("aws rds describe-db-instances"),
            one("rds:DescribeDBInstances", "*")
        );
        assert_eq!(
            reqs("aws dynamodb get-item --table-name T --key {}"),
            one(
                "dynamodb:GetItem",
                "arn:aws:dynamodb:eu-west-1:222222222222:table/T"
            )
        );
        assert_eq!(
            reqs("aws sts get-caller-identity"),
            one("sts:GetCallerIdentity", "*")
        );
    }

    #[test]
    fn assume_role_carries_its_parameters() {
        let r = inv("aws sts assume-role --role-arn arn:aws:iam::222222222222:role/r --role-session-name me --external-id X1 --serial-number arn:aws:iam::1:mfa/u --token-code 123456 --tags Key=a,Value=1 Key=b,Value=2")
            .requests(&ENV)
            .unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].action, "sts:AssumeRole");
        assert_eq!(r[0].resource, "arn:aws:iam::222222222222:role/r");
        let p = r[0].assume.as_ref().unwrap();
        assert_eq!(p.session_name.as_deref(), Some("me"));
        assert_eq!(p.external_id.as_deref(), Some("X1"));
        assert!(p.mfa);
        assert_eq!(p.tags.len(), 2);
        assert_eq!(err("aws sts assume-role").kind, ErrorKind::BadCommand);
        assert_eq!(
            err("aws sts assume-role --role-arn r --duration-seconds 1h").kind,
            ErrorKind::BadCommand
        );
    }

    #[test]
    fn errors_are_clear() {
        let e = err("aws lambda publish-layer-version --layer-name x");
        assert_eq!(e.kind, ErrorKind::UnknownCommand);
        let help = e.help.unwrap();
        assert!(
            help.contains("iamsim can --world DIR PRINCIPAL ACTION RESOURCE"),
            "{help}"
        );
        assert!(help.contains("invoke"), "{help}");
        assert!(err("aws frobnicate it").help.unwrap().contains("s3api"));
        assert!(err("aws s3api get-object --bucket b")
            .message
            .contains("needs --key"));
        assert_eq!(err("aws s3 cp a b").kind, ErrorKind::BadCommand);
        assert_eq!(err("aws s3 cp s3:// x").kind, ErrorKind::BadCommand);
        assert_eq!(err("aws s3 cp s3://b/ .").kind, ErrorKind::BadCommand);
        assert_eq!(err("aws s3 cp - s3://b/").kind, ErrorKind::BadCommand);
        assert_eq!(err("aws s3 rm").kind, ErrorKind::BadCommand);
        let words = |l: &str| l.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert!(Invocation::parse(&words("s3 ls")).is_err());
        assert!(Invocation::parse(&words("aws s3")).is_err());
        assert!(Invocation::parse(&words("aws s3 ls --profile")).is_err());
        assert!(Invocation::parse(&[]).is_err());
        let anonymous = Env {
            account: None,
            region: "us-east-1",
        };
        assert!(inv("aws iam get-role --role-name r")
            .requests(&anonymous)
            .is_err());
    }
}
