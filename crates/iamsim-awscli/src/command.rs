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
use crate::template::{self, Slots};
use crate::{Error, ErrorKind};
use iamsim_engine::AssumeRoleParams;
use std::collections::BTreeMap;

/// A parsed `aws ...` command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// The words as given, `aws` first.
    pub words: Vec<String>,
    /// The service word (`s3api`).
    pub service: String,
    /// The command word (`get-object`).
    pub command: String,
    /// Words that are no option or option value (`aws s3 cp SRC DST`).
    pub positionals: Vec<String>,
    /// `--name` and its value, in order, without the global options below.
    pub options: Vec<(String, Option<String>)>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--endpoint-url`: an `http://` endpoint is reached without TLS.
    pub endpoint_url: Option<String>,
    /// `--no-sign-request`: the call is anonymous.
    pub no_sign_request: bool,
}

/// What the requests need from outside the command line.
#[derive(Clone, Copy, Debug, Default)]
pub struct Env<'a> {
    /// The account of the principal making the requests (after the profile's roles).
    pub account: Option<&'a str>,
    /// The Region when the command has no `--region`: the environment's or the profile's
    /// ([`crate::Shell::region_or`]); `None` when nothing says.
    pub region: Option<&'a str>,
    /// The principal making the requests (after the profile's roles), for commands that act on
    /// the caller (`iam create-access-key` without `--user-name`).
    pub caller: Option<&'a str>,
}

/// One IAM request a command makes.
#[derive(Clone, Debug)]
pub struct Request {
    /// `service:Action`.
    pub action: String,
    /// The resource ARN (or `*`).
    pub resource: String,
    /// Context keys the command sends (headers, what the AWS CLI sets).
    pub context: Vec<(String, String)>,
    /// For an AssumeRole call, its parameters (decided with `iamsim_engine::ask_assume`).
    pub assume: Option<AssumeRoleParams>,
    /// Who makes this request when it is not the command's caller: the token's identity
    /// provider for `assume-role-with-web-identity` (`federated:PROVIDER_ARN`).
    pub principal: Option<String>,
    /// What the reader should know about how the request was derived.
    pub note: Option<String>,
}

pub(crate) fn bad(inv: &Invocation, message: String) -> Error {
    Error::new(
        ErrorKind::BadCommand,
        format!("`aws {} {}`: {message}", inv.service, inv.command),
    )
}

impl Request {
    /// A request made by someone else than the command's caller.
    pub(crate) fn new_for(action: &str, resource: String, principal: String) -> Request {
        let mut r = Request::new(action, resource);
        r.principal = Some(principal);
        r
    }

    pub(crate) fn new(action: &str, resource: String) -> Request {
        Request {
            action: action.to_string(),
            resource,
            context: Vec::new(),
            assume: None,
            principal: None,
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
            endpoint_url: None,
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
            // `--delete` is a flag of `aws s3 sync` and takes the list in `s3api delete-objects`.
            let takes_list = name == "--delete"
                && words.first().is_some_and(|w| *w == "s3api")
                && words.get(1).is_some_and(|w| *w == "delete-objects");
            let flag = table::FLAGS.contains(&name.as_str()) && !takes_list;
            if value.is_none() && !flag {
                if let Some(next) = rest.get(i).filter(|n| !n.starts_with("--")) {
                    value = Some((*next).clone());
                    i += 1;
                }
            }
            match name.as_str() {
                "--profile" => inv.profile = Some(inv.need(&name, value)?),
                "--region" => inv.region = Some(inv.need(&name, value)?),
                "--endpoint-url" => inv.endpoint_url = Some(inv.need(&name, value)?),
                "--no-sign-request" => inv.no_sign_request = true,
                _ => {
                    let list = value.is_some() && table::LIST_OPTIONS.contains(&name.as_str());
                    inv.options.push((name.clone(), value));
                    // `--instance-ids i-1 i-2`: every word up to the next option.
                    while let Some(next) = rest.get(i).filter(|n| list && !n.starts_with("--")) {
                        inv.options.push((name.clone(), Some((*next).clone())));
                        i += 1;
                    }
                }
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

    /// The words as typed, with the value of an option that is a credential
    /// (`--web-identity-token`) replaced by `<redacted>`: output may land in a CI log.
    pub fn shown_words(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(self.words.len());
        let mut hide_next = false;
        for w in &self.words {
            if hide_next && !w.starts_with("--") {
                out.push("<redacted>".to_string());
                hide_next = false;
                continue;
            }
            hide_next = false;
            match w.split_once('=') {
                Some((n, _)) if SECRET_OPTIONS.contains(&n) => out.push(format!("{n}=<redacted>")),
                _ => {
                    hide_next = SECRET_OPTIONS.contains(&w.as_str());
                    out.push(w.clone());
                }
            }
        }
        out
    }

    /// The command line as typed, for people (credentials redacted).
    pub fn display(&self) -> String {
        self.shown_words()
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

    /// Every value of an option: all of a list option's, else the last one given.
    pub fn values(&self, name: &str) -> Vec<&str> {
        if table::LIST_OPTIONS.contains(&name) {
            self.options
                .iter()
                .filter(|(n, _)| n == name)
                .filter_map(|(_, v)| v.as_deref())
                .collect()
        } else {
            self.option(name).into_iter().collect()
        }
    }

    /// Whether the option `name` (`--recursive`) is given.
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

    /// The Region the command is sent to: `--region`, else the environment's or profile's.
    pub fn region<'a>(&'a self, env: &Env<'a>) -> Option<&'a str> {
        self.region.as_deref().or(env.region)
    }

    /// Whether the command is sent without TLS: only to an `http://` `--endpoint-url`.
    pub fn secure_transport(&self) -> bool {
        !self.endpoint_url.as_deref().is_some_and(|u| {
            u.get(..7)
                .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
        })
    }

    /// The IAM requests the command makes, in the order it makes them, each with what the AWS
    /// CLI sends (`aws:SecureTransport`; `aws:RequestedRegion` where the command tells it).
    pub fn requests(&self, env: &Env) -> Result<Vec<Request>, Error> {
        let spec = self.spec()?;
        let region = self.region(env);
        if let Some(r) = region.filter(|r| !iamsim_catalog::looks_like_region(r)) {
            return Err(bad(
                self,
                format!("`{r}` is not a Region code (like `eu-west-1`)"),
            ));
        }
        let slots = Slots {
            region,
            account: env.account,
            caller: env.caller,
        };
        let mut out = match spec.handler {
            Handler::Table => self.table_requests(spec, &slots)?,
            Handler::S3Paths => self.s3_requests()?,
            Handler::AssumeRole => self.assume_role()?,
            Handler::WebIdentity => crate::web_identity::requests(self)?,
            Handler::DeleteObjects => self.delete_objects()?,
        };
        // A command that asks nothing is not allowed by default.
        if out.is_empty() {
            return Err(bad(self, "makes no request iamsim can decide".into()));
        }
        for r in &mut out {
            let requested = self.requested_region(&r.resource, region)?;
            r.context.push((
                "aws:SecureTransport".into(),
                self.secure_transport().to_string(),
            ));
            if let Some(requested) = requested {
                r.context.push(("aws:RequestedRegion".into(), requested));
            }
        }
        Ok(out)
    }

    /// `aws:RequestedRegion` of a request on `resource`: `us-east-1` for a global service; for
    /// STS the Region's endpoint (the AWS CLI's default), else the global one (`us-east-1`);
    /// otherwise the resource's own Region (an ARN in another Region than the command's is an
    /// error AWS answers without deciding), else the command's. An S3 bucket's Region is not
    /// in its ARN and the AWS CLI follows S3 to it: it stays open.
    fn requested_region(
        &self,
        resource: &str,
        region: Option<&str>,
    ) -> Result<Option<String>, Error> {
        if table::GLOBAL_SERVICES.contains(&self.service.as_str()) {
            return Ok(Some("us-east-1".into()));
        }
        if self.service == "sts" {
            return Ok(Some(region.unwrap_or("us-east-1").to_string()));
        }
        let own = resource
            .split(':')
            .nth(3)
            .filter(|r| !r.is_empty() && resource.starts_with("arn:"));
        match (own, region) {
            (Some(own), Some(region)) if own != region => Err(bad(
                self,
                format!("names `{resource}` in {own}, but the command is sent to {region} (--region, AWS_REGION or the profile's region), where AWS does not find it: add --region {own}"),
            )),
            (Some(own), _) => Ok(Some(own.to_string())),
            (None, _) if resource.starts_with("arn:aws:s3:::") => Ok(None),
            (None, region) => Ok(region.map(str::to_string)),
        }
    }

    fn table_requests(&self, spec: &Command, slots: &Slots) -> Result<Vec<Request>, Error> {
        let mut out = Vec::new();
        for r in spec.requests {
            if !self.applies(r)? {
                continue;
            }
            let resources = template::fill(self, r.resource, slots)?.ok_or_else(|| {
                bad(
                    self,
                    format!(
                        "needs {}",
                        template::missing(self, r.resource).join(" and ")
                    ),
                )
            })?;
            for resource in resources {
                let mut request = Request::new(r.action, resource.text);
                for (key, t) in r.context {
                    let Some(v) = template::fill(self, t, slots)?
                        .and_then(|v| v.into_iter().next().map(|f| f.text))
                    else {
                        continue;
                    };
                    // `PREFIX*`: one key per entry of a map (`kms:EncryptionContext:*`).
                    match key.strip_suffix('*') {
                        Some(prefix) => {
                            let entries = template::map(&v).ok_or_else(|| {
                                bad(
                                    self,
                                    format!("`{v}` is not a map: write KEY=VALUE,KEY=VALUE or {{\"KEY\": \"VALUE\"}}"),
                                )
                            })?;
                            for (k, v) in entries {
                                request.context.push((format!("{prefix}{k}"), v));
                            }
                        }
                        None => request.context.push((key.to_string(), v)),
                    }
                }
                if r.action == "s3:PutObjectAcl" {
                    request.note = Some(ACL_NOTE.to_string());
                }
                if let Some(note) = r.note {
                    request.note = Some(note.to_string());
                }
                if let Some(note) = resource.note {
                    request.note = Some(note.to_string());
                }
                out.push(request);
            }
        }
        Ok(out)
    }

    fn applies(&self, r: &Req) -> Result<bool, Error> {
        Ok(match r.when {
            When::Always => true,
            When::With(opts) => opts.iter().any(|o| self.has(o)),
            When::Without(opts) => !opts.iter().any(|o| self.has(o)),
            When::SourceVersion | When::SourceCurrent => {
                let raw = self
                    .option("--copy-source")
                    .ok_or_else(|| bad(self, "needs --copy-source".into()))?;
                let version = template::copy_source(self, raw)?.version;
                version == matches!(r.when, When::SourceVersion)
            }
        })
    }

    fn assume_role(&self) -> Result<Vec<Request>, Error> {
        // An empty value (`--role-arn "$ROLE"` with ROLE unset) names no role: AWS refuses a
        // RoleArn shorter than 20 characters.
        let role_arn = self
            .option("--role-arn")
            .filter(|a| !a.is_empty())
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
        let mut r = Request::new("s3:PutObject", target).note(note);
        r.context = self.upload_headers();
        r
    }

    /// The headers an `aws s3` upload sends that policies can test: `--sse` (alone it means
    /// `AES256`), `--sse-kms-key-id`, `--acl`, `--storage-class`. The engine's companion KMS
    /// requests read the SSE-KMS ones.
    fn upload_headers(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.has("--sse") {
            let sse = self.option("--sse").unwrap_or("AES256");
            out.push(("s3:x-amz-server-side-encryption".into(), sse.to_string()));
        }
        for (option, key) in [
            (
                "--sse-kms-key-id",
                "s3:x-amz-server-side-encryption-aws-kms-key-id",
            ),
            ("--acl", "s3:x-amz-acl"),
            ("--storage-class", "s3:x-amz-storage-class"),
        ] {
            if let Some(v) = self.option(option) {
                out.push((key.to_string(), v.to_string()));
            }
        }
        out
    }

    /// `delete-objects --bucket B --delete 'Objects=[{Key=a},{Key=b,VersionId=v}]'` (or the
    /// same as JSON): one DeleteObject, or DeleteObjectVersion, per key (AWS checks each).
    fn delete_objects(&self) -> Result<Vec<Request>, Error> {
        let bucket = self
            .option("--bucket")
            .ok_or_else(|| bad(self, "needs --bucket".into()))?;
        let delete = self
            .option("--delete")
            .ok_or_else(|| bad(self, "needs --delete".into()))?;
        let objects = delete_list(delete).ok_or_else(|| {
            bad(
                self,
                "--delete is read as `Objects=[{Key=KEY},{Key=KEY,VersionId=ID}]` or its JSON form"
                    .into(),
            )
        })?;
        if objects.is_empty() || objects.len() > MAX_DELETE_OBJECTS {
            return Err(bad(
                self,
                format!(
                    "--delete names {} objects; AWS takes 1 to {MAX_DELETE_OBJECTS}",
                    objects.len()
                ),
            ));
        }
        let mut out = Vec::new();
        for (key, version) in objects {
            let action = if version {
                "s3:DeleteObjectVersion"
            } else {
                "s3:DeleteObject"
            };
            out.push(Request::new(action, object_arn(bucket, &key)));
            if self.has("--bypass-governance-retention") {
                out.push(Request::new(
                    "s3:BypassGovernanceRetention",
                    object_arn(bucket, &key),
                ));
            }
        }
        Ok(out)
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
            let mut put = Request::new("s3:PutObject", objects.clone()).note(note.clone());
            put.context = self.upload_headers();
            out.push(put);
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

/// AWS's limit on the keys of one DeleteObjects call.
const MAX_DELETE_OBJECTS: usize = 1000;

/// The `(key, has a version)` of each object of `--delete`, shorthand or JSON.
fn delete_list(text: &str) -> Option<Vec<(String, bool)>> {
    let text = text.trim();
    if text.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        return v
            .get("Objects")?
            .as_array()?
            .iter()
            .map(|o| {
                let key = o.get("Key")?.as_str()?.to_string();
                Some((key, o.get("VersionId").is_some()))
            })
            .collect();
    }
    let list = text.strip_prefix("Objects=[")?;
    let list = list.get(..list.find(']')?)?;
    list.split('}')
        .map(|o| o.trim_start_matches(',').trim())
        .filter(|o| !o.is_empty())
        .map(|o| {
            let o = o.strip_prefix('{')?;
            let mut key = None;
            let mut version = false;
            for field in o.split(',') {
                match field.split_once('=') {
                    Some(("Key", k)) if !k.is_empty() => key = Some(k.to_string()),
                    Some(("VersionId", _)) => version = true,
                    _ => return None,
                }
            }
            Some((key?, version))
        })
        .collect()
}

/// Options whose value is a credential, never shown.
const SECRET_OPTIONS: &[&str] = &["--web-identity-token"];

const ACL_NOTE: &str = "an upload that sets an ACL needs s3:PutObjectAcl as well as s3:PutObject; AWS documents this two ways, so both are required (rule 9.15)";

fn prefix_note(bucket: &str, prefix: &str) -> String {
    format!(
        "the objects depend on files and listings iamsim cannot see; it asks for them all as the set `{}`: allowed only if every object under the prefix is, and a statement naming only some keys under it is weighed too (a Deny of some of them makes the answer indeterminate, with a refused key) (2.7a)",
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

#[cfg(test)]
mod tests;
