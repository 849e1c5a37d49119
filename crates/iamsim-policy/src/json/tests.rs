use super::*;

fn read(text: &str) -> Result<Json, Diagnostic> {
    parse(&Source::new("t.json", text), Limits::default())
}

fn err(text: &str) -> Diagnostic {
    match read(text) {
        Ok(v) => panic!("expected an error for {text:?}, got {v:?}"),
        Err(d) => d,
    }
}

fn line_col(d: &Diagnostic) -> (u32, u32) {
    let loc = d.location().unwrap();
    (loc.line, loc.column)
}

/// Every container's entries, in order, in a list of exactly their number: nested
/// containers share the reader's lists of open entries and take their own tail when closed.
#[test]
fn nested_containers_keep_their_entries_in_lists_of_their_length() {
    let big: Vec<String> = (0..100).map(|i| i.to_string()).collect();
    let text = format!(
        r#"{{"a": [[1, 2], [], [3, [4, 5, 6]], {{"x": [7], "y": {{"z": 8}}}}], "b": [{}], "c": [9], "d": {{}}}}"#,
        big.join(",")
    );
    let json = read(&text).unwrap();
    fn check(j: &Json, seen: &mut Vec<String>) {
        match &j.value {
            JsonValue::Array(items) => {
                assert_eq!(items.capacity(), items.len());
                items.iter().for_each(|i| check(i, seen));
            }
            JsonValue::Object(members) => {
                assert_eq!(members.capacity(), members.len());
                for m in members {
                    seen.push(m.key.clone());
                    check(&m.value, seen);
                }
            }
            JsonValue::Number(n) => seen.push(n.clone()),
            _ => {}
        }
    }
    let mut seen = Vec::new();
    check(&json, &mut seen);
    let mut expected: Vec<String> = [
        "a", "1", "2", "3", "4", "5", "6", "x", "7", "y", "z", "8", "b",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    expected.extend(big);
    expected.extend(["c", "9", "d"].iter().map(|s| s.to_string()));
    assert_eq!(seen, expected);
    // A duplicate key is found among its own object's members only.
    assert!(read(r#"{"k": {"k": 1}, "j": [{"k": 2}]}"#).is_ok());
    assert_eq!(err(r#"{"k": {"j": 1}, "k": 2}"#).code, Code::DuplicateKey);
    assert_eq!(
        err(r#"{"o": {"k": 1, "j": {"k": 2}, "k": 3}}"#).code,
        Code::DuplicateKey
    );
}

#[test]
fn rule_1_1_reads_values_with_spans() {
    let text = r#"{"a": [1, -2.5e3, true, false, null], "b": "x\"y"}"#;
    let json = read(text).unwrap();
    assert_eq!(json.span, Span::new(0, text.len()));
    let members = json.members().unwrap();
    assert_eq!(members[0].key, "a");
    assert_eq!(members[0].key_span, Span::new(1, 4));
    let items = members[0].value.items().unwrap();
    assert_eq!(items[1].value, JsonValue::Number("-2.5e3".into()));
    assert_eq!(items[2].value, JsonValue::Bool(true));
    assert_eq!(items[4].value, JsonValue::Null);
    let b = json.get("b").unwrap();
    assert_eq!(b.as_str(), Some("x\"y"));
    // String spans include the quotes.
    assert_eq!(
        &text[b.span.start as usize..b.span.end as usize],
        r#""x\"y""#
    );
    assert_eq!(b.type_name(), "a string");
}

#[test]
fn escapes_are_decoded_including_surrogate_pairs() {
    let json = read(r#""a\\b\/c\n\t\u00e9\uD83D\uDE00""#).unwrap();
    assert_eq!(json.as_str(), Some("a\\b/c\n\té\u{1F600}"));
}

#[test]
fn lone_surrogates_are_errors() {
    assert_eq!(err(r#""\uD83D""#).code, Code::JsonSyntax);
    assert_eq!(err(r#""\uDE00""#).code, Code::JsonSyntax);
    assert_eq!(err(r#""\uD83D\u0041""#).code, Code::JsonSyntax);
    assert_eq!(err(r#""\u12""#).code, Code::JsonSyntax);
}

#[test]
fn rule_1_3_duplicate_keys_are_rejected() {
    let text = "{\n  \"Effect\": \"Deny\",\n  \"Effect\": \"Allow\"\n}";
    let d = err(text);
    assert_eq!(d.code, Code::DuplicateKey);
    assert_eq!(line_col(&d), (3, 3));
    assert!(d.message.contains("`Effect`"), "{}", d.message);
    assert!(d.message.contains("line 2, column 3"), "{}", d.message);
}

#[test]
fn rule_1_3_duplicate_keys_in_large_objects_are_rejected() {
    // Before, at and past the size where the reader switches to a map of seen keys.
    for (n, dup_of) in [(10, 3), (16, 3), (17, 15), (40, 3), (40, 30), (40, 39)] {
        let mut members: Vec<String> = (0..n).map(|i| format!("\"k{i}\": {i}")).collect();
        members.push(format!("\"k{dup_of}\": 0"));
        let text = format!("{{\n{}\n}}", members.join(",\n"));
        let d = err(&text);
        assert_eq!(d.code, Code::DuplicateKey, "{n} {dup_of}");
        assert_eq!(line_col(&d), (n as u32 + 2, 1), "{n} {dup_of}");
        let first = format!("line {}, column 1", dup_of + 2);
        assert!(d.message.contains(&first), "{n} {dup_of}: {}", d.message);
    }
    let ok: Vec<String> = (0..50).map(|i| format!("\"k{i}\": {i}")).collect();
    read(&format!("{{{}}}", ok.join(","))).unwrap();
    // A key written with an escape is the same key as one written without, either way
    // round, whether the first was seen before or after the map of seen keys was built.
    for (n, at, first, second) in [
        (40, 3, "k\\u0033", "k3"),
        (40, 3, "k3", "k\\u0033"),
        (40, 30, "k\\u0033\\u0030", "k30"),
        (40, 30, "k30", "k\\u0033\\u0030"),
    ] {
        let mut members: Vec<String> = (0..n)
            .map(|i| match i {
                i if i == at => format!("\"{first}\": {i}"),
                i => format!("\"k{i}\": {i}"),
            })
            .collect();
        members.push(format!("\"{second}\": 0"));
        let d = err(&format!("{{\n{}\n}}", members.join(",\n")));
        assert_eq!(d.code, Code::DuplicateKey, "{first} {second}");
        assert_eq!(line_col(&d), (n as u32 + 2, 1), "{first} {second}");
    }
}

#[test]
fn rule_1_3_duplicate_keys_in_nested_objects_are_rejected() {
    let d = err(r#"{"a": [{"x": 1, "y": {"k": 1, "k": 2}}]}"#);
    assert_eq!(d.code, Code::DuplicateKey);
    // Same key in sibling objects is fine.
    read(r#"[{"k": 1}, {"k": 2}]"#).unwrap();
}

#[test]
fn typographic_quotes_are_named_at_the_first_one() {
    let d = err("{\n  “Version”: “2012-10-17”\n}");
    assert_eq!(d.code, Code::TypographicQuote);
    assert_eq!(line_col(&d), (2, 3));
    assert!(d.help.as_deref().unwrap().contains('"'));
    // A closing quote replaced by a typographic one is swallowed by the string; the error
    // surfaces later but still names the quote.
    let d = err("{\"Version\": \"2012-10-17”, \"Statement\": []}");
    assert_eq!(d.code, Code::TypographicQuote);
    assert_eq!(line_col(&d), (1, 24));
    // Inside a well-formed string a typographic quote is not a JSON error.
    assert_eq!(read("\"‘quoted’\"").unwrap().as_str(), Some("‘quoted’"));
}

#[test]
fn trailing_content_is_an_error() {
    let d = err("{} {}");
    assert_eq!(d.code, Code::JsonSyntax);
    assert_eq!(line_col(&d), (1, 4));
    assert_eq!(err("[1] x").code, Code::JsonSyntax);
}

#[test]
fn empty_and_whitespace_input_is_empty_document() {
    assert_eq!(err("").code, Code::EmptyDocument);
    assert_eq!(err(" \n\t\r\n").code, Code::EmptyDocument);
}

#[test]
fn syntax_errors_have_positions() {
    let d = err("{\n  \"a\": 1,\n}");
    assert_eq!(d.code, Code::JsonSyntax);
    assert_eq!(line_col(&d), (2, 9));
    assert_eq!(err("[1,]").code, Code::JsonSyntax);
    assert_eq!(err("{\"a\" 1}").code, Code::JsonSyntax);
    assert_eq!(err("{'a': 1}").code, Code::JsonSyntax);
    assert_eq!(err("[01]").code, Code::JsonSyntax);
    assert_eq!(err("[1.]").code, Code::JsonSyntax);
    assert_eq!(err("[1e]").code, Code::JsonSyntax);
    assert_eq!(err("[tru]").code, Code::JsonSyntax);
    assert_eq!(err("\"a\nb\"").code, Code::JsonSyntax);
    assert_eq!(err("\"abc").code, Code::JsonSyntax);
    assert_eq!(err("[1 2]").code, Code::JsonSyntax);
    assert_eq!(err("{").code, Code::JsonSyntax);
    assert_eq!(err("\"\\x\"").code, Code::JsonSyntax);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    assert_eq!(err(&deep).code, Code::NestingTooDeep);
    let deep_obj = "{\"a\":".repeat(10_000) + "1" + &"}".repeat(10_000);
    assert_eq!(err(&deep_obj).code, Code::NestingTooDeep);
    // Exactly at the limit is fine.
    let ok = "[".repeat(64) + &"]".repeat(64);
    read(&ok).unwrap();
    let over = "[".repeat(65) + &"]".repeat(65);
    assert_eq!(err(&over).code, Code::NestingTooDeep);
}

#[test]
fn input_over_the_byte_limit_is_rejected() {
    let limits = Limits {
        max_depth: 64,
        max_bytes: 8,
    };
    let d = parse(&Source::new("t", "[1,2,3,4,5]"), limits).unwrap_err();
    assert_eq!(d.code, Code::InputTooLarge);
    let d = parse_bytes("t", b"[1,2,3,4,5]", limits).unwrap_err();
    assert_eq!(d.code, Code::InputTooLarge);
}

#[test]
fn invalid_utf8_reports_the_position_of_the_bad_byte() {
    let d = parse_bytes("t.json", b"{\n  \"a\": \"x\xff\"\n}", Limits::default()).unwrap_err();
    assert_eq!(d.code, Code::InvalidEncoding);
    assert_eq!(line_col(&d), (2, 10));
    let (src, json) = parse_bytes("t.json", b"[\"ok\"]", Limits::default()).unwrap();
    assert_eq!(src.name(), "t.json");
    assert_eq!(json.items().unwrap().len(), 1);
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let json = read("\u{FEFF}{\"a\": 1}").unwrap();
    assert!(json.get("a").is_some());
}

#[test]
fn hostile_inputs_terminate() {
    for text in [
        "[", "{\"", "\"\\u", "-", "[-]", "{\"a\":", "]", "}", ",", "\u{201C}",
    ] {
        assert!(read(text).is_err(), "{text:?}");
    }
}
