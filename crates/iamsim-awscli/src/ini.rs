//! The INI dialect of the AWS CLI's `config` and `credentials` files, read the way botocore's
//! parser (Python's `configparser`, strict) reads it:
//!
//! - `[name]` starts a section; text after the closing `]` may only be a comment;
//! - `key = value` or `key: value`, split at the first `=` or `:`; keys are case-insensitive
//!   (kept lower-cased), keys and values are trimmed;
//! - a line that starts with `#` or `;` (after blanks) is a comment; a `#` later in a line is
//!   part of the value, as in botocore;
//! - an indented line after a setting continues its value (nested settings such as `s3 =`);
//! - a section or a key twice in one file, a setting before any section, and any other line are
//!   errors.
//!
//! Every error is collected, with its line; nothing panics, whatever the bytes.

use crate::{Error, ErrorKind, Place};

/// One `key = value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Lower-cased.
    pub key: String,
    /// Trimmed; continuation lines joined with newlines.
    pub value: String,
    /// 1-based.
    pub line: usize,
}

/// One `[section]` and its settings, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The text between the brackets, trimmed.
    pub name: String,
    /// 1-based line of the header.
    pub line: usize,
    /// Its settings.
    pub entries: Vec<Entry>,
}

impl Section {
    /// The setting `key` (lower case), if set.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// A parsed file: its sections in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IniFile {
    /// The file's name as messages print it.
    pub name: String,
    /// Its sections, in file order.
    pub sections: Vec<Section>,
}

impl IniFile {
    /// Line `line` of this file, as a place for an error.
    pub fn place(&self, line: usize) -> Place {
        Place {
            file: self.name.clone(),
            line,
        }
    }
}

/// Reads `bytes` as an AWS CLI INI file named `name`. Returns what could be read and every
/// error found; callers must not use a file that has errors.
pub fn parse_ini(name: &str, bytes: &[u8]) -> (IniFile, Vec<Error>) {
    let mut file = IniFile {
        name: name.to_string(),
        sections: Vec::new(),
    };
    let mut errors = Vec::new();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Whether the last setting may take continuation lines (a blank line or comment ends it).
    let mut open_entry = false;
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = i + 1;
        let place = file.place(line_no);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let text = match std::str::from_utf8(raw) {
            Ok(t) => t,
            Err(_) => {
                // A comment may hold anything; elsewhere the bytes would reach a value.
                let lossy = String::from_utf8_lossy(raw);
                if !is_comment(lossy.trim_start()) {
                    errors.push(
                        Error::new(
                            ErrorKind::Encoding,
                            "this line is not valid UTF-8".to_string(),
                        )
                        .at(&place)
                        .help("save the file as UTF-8".to_string()),
                    );
                }
                open_entry = false;
                continue;
            }
        };
        let trimmed = text.trim();
        if trimmed.is_empty() || is_comment(trimmed) {
            open_entry = trimmed.is_empty() && open_entry;
            continue;
        }
        let indented = text.starts_with([' ', '\t']);
        if indented && open_entry {
            if let Some(e) = file.sections.last_mut().and_then(|s| s.entries.last_mut()) {
                e.value.push('\n');
                e.value.push_str(trimmed);
            }
            continue;
        }
        open_entry = match trimmed.strip_prefix('[') {
            Some(rest) => {
                section_line(&mut file, rest, line_no, &place, &mut errors);
                false
            }
            None => setting_line(&mut file, trimmed, line_no, &place, &mut errors),
        };
    }
    (file, errors)
}

/// A `[section]` line (`rest` follows the `[`): a new section, or an error.
fn section_line(
    file: &mut IniFile,
    rest: &str,
    line_no: usize,
    place: &Place,
    errors: &mut Vec<Error>,
) {
    match section_header(rest) {
        Ok(name) => {
            if let Some(first) = file.sections.iter().find(|s| s.name == name) {
                errors.push(
                    Error::new(
                        ErrorKind::DuplicateSection,
                        format!("section `[{name}]` appears twice"),
                    )
                    .at(place)
                    .help(format!(
                        "it was first at line {}; merge the two into one",
                        first.line
                    )),
                );
            }
            file.sections.push(Section {
                name,
                line: line_no,
                entries: Vec::new(),
            });
        }
        Err(message) => errors.push(
            Error::new(ErrorKind::Syntax, message)
                .at(place)
                .help("write a section header as `[profile NAME]` or `[NAME]`".into()),
        ),
    }
}

/// A `key = value` line: a setting of the last section, or an error. Whether the setting
/// may take continuation lines.
fn setting_line(
    file: &mut IniFile,
    trimmed: &str,
    line_no: usize,
    place: &Place,
    errors: &mut Vec<Error>,
) -> bool {
    let Some((key, value)) = split_setting(trimmed) else {
        errors.push(
            Error::new(
                ErrorKind::Syntax,
                format!(
                    "`{}` is not `[section]`, `key = value` or a comment",
                    clip(trimmed)
                ),
            )
            .at(place)
            .help("settings are `key = value`; comments start with `#` or `;`".into()),
        );
        return false;
    };
    if key.is_empty() {
        errors.push(
            Error::new(
                ErrorKind::Syntax,
                format!("`{}` has no key before the `=`", clip(trimmed)),
            )
            .at(place),
        );
        return false;
    }
    let Some(section) = file.sections.last_mut() else {
        errors.push(
            Error::new(
                ErrorKind::Syntax,
                format!("setting `{key}` comes before any section"),
            )
            .at(place)
            .help("start the file with a section such as `[default]`".into()),
        );
        return false;
    };
    if let Some(first) = section.get(&key) {
        errors.push(
            Error::new(
                ErrorKind::DuplicateKey,
                format!("`{key}` is set twice in section `[{}]`", section.name),
            )
            .at(place)
            .help(format!("it was first set at line {}; keep one", first.line)),
        );
        return false;
    }
    section.entries.push(Entry {
        key,
        value: value.to_string(),
        line: line_no,
    });
    true
}

fn is_comment(trimmed: &str) -> bool {
    trimmed.starts_with('#') || trimmed.starts_with(';')
}

/// `rest` is a header line after its `[`: the name up to the last `]`, then nothing or a comment.
fn section_header(rest: &str) -> Result<String, String> {
    let Some(close) = rest.rfind(']') else {
        return Err(format!("`[{}` has no closing `]`", clip(rest)));
    };
    let name = rest.get(..close).unwrap_or("").trim();
    let after = rest.get(close + 1..).unwrap_or("").trim();
    if !after.is_empty() && !is_comment(after) {
        return Err(format!("`{}` follows the section header", clip(after)));
    }
    if name.is_empty() {
        return Err("a section header `[]` needs a name".to_string());
    }
    Ok(name.to_string())
}

/// `key = value` or `key: value`, at whichever delimiter comes first.
fn split_setting(line: &str) -> Option<(String, &str)> {
    let at = line.find(['=', ':'])?;
    let key = line.get(..at)?.trim().to_ascii_lowercase();
    let value = line.get(at + 1..)?.trim();
    Some((key, value))
}

/// Long lines are cut in messages, on a character boundary.
fn clip(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}...", text.get(..i).unwrap_or("")),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (IniFile, Vec<Error>) {
        parse_ini("config", text.as_bytes())
    }

    fn ok(text: &str) -> IniFile {
        let (f, errors) = parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        f
    }

    fn value<'f>(f: &'f IniFile, section: &str, key: &str) -> Option<&'f str> {
        f.sections
            .iter()
            .find(|s| s.name == section)?
            .get(key)
            .map(|e| e.value.as_str())
    }

    #[test]
    fn sections_settings_and_lines() {
        let f = ok("[default]\nregion = us-east-1\n\n[profile roleb]\nrole_arn = arn:aws:iam::222222222222:role/r\nsource_profile = accounta\n");
        assert_eq!(f.sections.len(), 2);
        assert_eq!(f.sections[0].name, "default");
        assert_eq!(f.sections[1].name, "profile roleb");
        assert_eq!(f.sections[1].line, 4);
        assert_eq!(
            value(&f, "profile roleb", "role_arn"),
            Some("arn:aws:iam::222222222222:role/r")
        );
        assert_eq!(f.sections[1].get("source_profile").unwrap().line, 6);
    }

    #[test]
    fn comments_with_hash_and_semicolon() {
        let f = ok("# a comment\n; another\n[default]\n  # indented comment\nregion = us-east-1\n;region = eu-west-1\n");
        assert_eq!(value(&f, "default", "region"), Some("us-east-1"));
        assert_eq!(f.sections[0].entries.len(), 1);
    }

    #[test]
    fn a_hash_inside_a_value_is_part_of_it() {
        let f = ok("[default]\nrole_session_name = a#b\n");
        assert_eq!(value(&f, "default", "role_session_name"), Some("a#b"));
    }

    #[test]
    fn whitespace_crlf_colons_and_key_case() {
        let f = ok("\u{feff}  [ profile x ]  \r\n\tRole_ARN   :  arn:aws:iam::1:role/r  \r\nregion=us-west-2\r\n");
        assert_eq!(f.sections[0].name, "profile x");
        assert_eq!(
            value(&f, "profile x", "role_arn"),
            Some("arn:aws:iam::1:role/r")
        );
        assert_eq!(value(&f, "profile x", "region"), Some("us-west-2"));
    }

    #[test]
    fn the_first_delimiter_splits() {
        let f = ok("[default]\nrole_arn = arn:aws:iam::1:role/r\nx: a=b\n");
        assert_eq!(
            value(&f, "default", "role_arn"),
            Some("arn:aws:iam::1:role/r")
        );
        assert_eq!(value(&f, "default", "x"), Some("a=b"));
    }

    #[test]
    fn nested_settings_continue_the_value() {
        let f = ok("[default]\ns3 =\n  max_concurrency = 10\n  addressing_style = path\nregion = us-east-1\n");
        assert_eq!(
            value(&f, "default", "s3"),
            Some("\nmax_concurrency = 10\naddressing_style = path")
        );
        assert_eq!(value(&f, "default", "region"), Some("us-east-1"));
    }

    #[test]
    fn a_comment_after_a_header_is_allowed() {
        let f = ok("[profile a] # the A account\nregion = x\n");
        assert_eq!(f.sections[0].name, "profile a");
    }

    #[test]
    fn malformed_lines_are_errors_with_their_line() {
        let (_, errors) = parse("[default]\nregion us-east-1\n[profile a\n[]\n= x\n[b] junk\n");
        let lines: Vec<usize> = errors
            .iter()
            .map(|e| e.place.as_ref().unwrap().line)
            .collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6]);
        assert!(errors.iter().all(|e| e.kind == ErrorKind::Syntax));
        assert!(errors[0]
            .to_string()
            .starts_with("config:2:1: error[AWS_CONFIG_SYNTAX]"));
    }

    #[test]
    fn a_setting_before_any_section_is_an_error() {
        let (_, errors) = parse("region = us-east-1\n[default]\n");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("before any section"));
    }

    #[test]
    fn duplicate_sections_and_keys_are_errors() {
        let (_, errors) = parse("[a]\nx = 1\nX = 2\n[a]\n");
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].kind, ErrorKind::DuplicateKey);
        assert!(errors[0].help.as_ref().unwrap().contains("line 2"));
        assert_eq!(errors[1].kind, ErrorKind::DuplicateSection);
    }

    #[test]
    fn non_utf8_bytes_are_an_error_except_in_comments() {
        let (f, errors) = parse_ini("c", b"# caf\xe9\n[default]\nregion = caf\xe9\nx = 1\n");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].kind, ErrorKind::Encoding);
        assert_eq!(errors[0].place.as_ref().unwrap().line, 3);
        assert_eq!(value(&f, "default", "x"), Some("1"));
    }

    #[test]
    fn never_panics_on_arbitrary_bytes() {
        // A deterministic spray of awkward inputs: every prefix of a tricky file, and bytes
        // from a simple generator, including lone brackets, delimiters and invalid UTF-8.
        let tricky = "[\u{e9}]\n[profile \u{1F600}]\n=\n:\n[\n]\n \tx\n[a]]\n\u{e9}=\u{e9}\n";
        for end in 0..=tricky.len() {
            let _ = parse_ini("t", &tricky.as_bytes()[..end]);
        }
        let alphabet: &[u8] = b"[]=:#; \t\r\nab\xff\xc3\xa9\xe2";
        let mut seed: u32 = 7;
        for _ in 0..2000 {
            let mut bytes = Vec::new();
            for _ in 0..(seed % 40) {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                bytes.push(alphabet[(seed >> 16) as usize % alphabet.len()]);
            }
            let _ = parse_ini("t", &bytes);
            seed = seed.wrapping_add(1);
        }
    }

    #[test]
    fn long_lines_are_clipped_in_messages() {
        let long = "x".repeat(500);
        let (_, errors) = parse(&format!("[a]\n{long}\n"));
        assert!(errors[0].message.len() < 120);
    }
}
