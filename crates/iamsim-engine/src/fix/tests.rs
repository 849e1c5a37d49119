//! Tests of the suggested fixes' parts.

use super::*;

#[test]
fn line_and_column_count_characters() {
    // `{`, a line break, two spaces, `"é":` (é is two bytes): byte 9 is the seventh
    // character of line 2.
    assert_eq!(line_col("{\n  \"é\": \"x\"", 9), Some((2, 7)));
    assert_eq!(line_col("abc", 0), Some((1, 1)));
}

fn e(path: &str, start: usize, end: usize, old: Option<&str>, with: &str) -> Edit {
    Edit {
        path: path.into(),
        file: path.into(),
        start,
        end,
        line: 0,
        column: 0,
        replace: old.map(str::to_string),
        with: with.into(),
    }
}

#[test]
fn an_edit_made_on_an_edited_text_is_placed_on_the_file_on_disk() {
    let dir = std::env::temp_dir().join(format!("iamsim-fix-unit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("p.json"), "[\"a\", \"b\", \"c\"]").unwrap();
    let mut search = Search {
        dir: dir.clone(),
        originals: HashMap::new(),
        checks: 0,
        tried: BTreeSet::new(),
    };
    // First `"a"` became `"aaa"`; then, on that text, `"c"` (now at 13) becomes `"z"`.
    let first = Candidate {
        edits: vec![e("p.json", 1, 4, Some("\"a\""), "\"aaa\"")],
        note: None,
    };
    let second = Candidate {
        edits: vec![e("p.json", 13, 16, Some("\"c\""), "\"z\"")],
        note: None,
    };
    let mapped = search
        .map_to_disk(std::slice::from_ref(&first), second)
        .unwrap();
    assert_eq!((mapped.edits[0].start, mapped.edits[0].end), (11, 14));
    assert_eq!((mapped.edits[0].line, mapped.edits[0].column), (1, 12));
    let texts = apply_edits(&dir, &[first.edits[0].clone(), mapped.edits[0].clone()]).unwrap();
    assert_eq!(texts["p.json"], "[\"aaa\", \"b\", \"z\"]");
    // An edit inside text an earlier edit wrote has no place on disk.
    let inside = Candidate {
        edits: vec![e("p.json", 2, 3, Some("a"), "x")],
        note: None,
    };
    assert!(search
        .map_to_disk(std::slice::from_ref(&first), inside)
        .is_none());
    // An edit whose old text is not where it says is refused.
    assert!(apply_edits(&dir, &[e("p.json", 1, 4, Some("\"q\""), "x")]).is_none());
    // A new file starts empty.
    let texts = apply_edits(&dir, &[e("new.json", 0, 0, None, "{}")]).unwrap();
    assert_eq!(texts["new.json"], "{}");
    std::fs::remove_dir_all(&dir).unwrap();
}
