//! Source text and positions. Elements keep byte spans; line and column are computed only when a
//! diagnostic or explanation is printed.

use std::sync::{Arc, OnceLock};

/// A byte range in a [`Source`]. Spans never take part in equality of model elements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// The byte offset of the first byte.
    pub start: u32,
    /// The byte offset just past the last byte.
    pub end: u32,
}

impl Span {
    /// The span of bytes `start..end`; offsets past `u32::MAX` are held as `u32::MAX`.
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }
}

/// Where the parts of a rendered text are written: from each offset on (sorted), the file and
/// the offset in it, or `None` where the text is its own ([`Source::rendered`]).
pub type Origins = Vec<(u32, Option<(Arc<Source>, u32)>)>;

/// One input text (a policy file, a world file, an inline document) and its name.
#[derive(Debug)]
pub struct Source {
    name: String,
    text: String,
    /// Where lines and characters are, built the first time a position is printed: most
    /// sources are read and never point at (loading a world builds thousands).
    index: OnceLock<LineIndex>,
    /// For a text that renders documents written in other files ([`Source::rendered`]): from
    /// each offset on, the file and offset where that part is written (`None`: the text's own).
    origins: Origins,
}

#[derive(Debug)]
struct LineIndex {
    line_starts: Vec<u32>,
    /// Characters before each multiple of [`CHUNK`] bytes, so a column on a long line (minified
    /// JSON is one line) costs at most one chunk of counting, not the whole line: positions of
    /// every test in a 50 MB one-line tests file were quadratic before.
    chars_before_chunk: Vec<u32>,
}

const CHUNK: usize = 4096;

/// Characters in `bytes` (which may start or end inside a character): the bytes that are not
/// UTF-8 continuation bytes.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        let mut chars_before_chunk = Vec::with_capacity(text.len() / CHUNK + 1);
        let mut total = 0usize;
        for chunk in text.as_bytes().chunks(CHUNK) {
            chars_before_chunk.push(u32::try_from(total).unwrap_or(u32::MAX));
            total += count_chars(chunk);
        }
        // The end of a text whose length is a multiple of CHUNK starts a chunk of its own.
        chars_before_chunk.push(u32::try_from(total).unwrap_or(u32::MAX));
        LineIndex {
            line_starts,
            chars_before_chunk,
        }
    }
}

impl Source {
    /// A source named `name` (a file name, or a description for text that is no file) holding
    /// `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Source> {
        Arc::new(Source {
            name: name.into(),
            text: text.into(),
            index: OnceLock::new(),
            origins: Vec::new(),
        })
    }

    /// A text that renders parts written in other files (policies inside Terraform or
    /// CloudFormation files, rendered as JSON): `origins` says, from each offset on (sorted),
    /// the file and offset where that part is written, `None` where the text is its own.
    /// [`Source::location`] gives those files' positions; everything else (lines, columns and
    /// quoted lines of diagnostics) is the text's own.
    pub fn rendered(
        name: impl Into<String>,
        text: impl Into<String>,
        origins: Origins,
    ) -> Arc<Source> {
        Arc::new(Source {
            name: name.into(),
            text: text.into(),
            index: OnceLock::new(),
            origins,
        })
    }

    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The file name (or a description such as `<inline policy in world.json:12:7>`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line_starts = &self.index().line_starts;
        let line_idx = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = line_starts.get(line_idx).copied().unwrap_or(0);
        let start = line_start as usize;
        let end = (offset as usize).min(self.text.len());
        let col = self
            .chars_before(end)
            .saturating_sub(self.chars_before(start));
        (line_idx as u32 + 1, col as u32 + 1)
    }

    /// Characters in the text before byte `offset`.
    fn chars_before(&self, offset: usize) -> usize {
        let chunk = offset / CHUNK;
        let base = self
            .index()
            .chars_before_chunk
            .get(chunk)
            .copied()
            .unwrap_or(0) as usize;
        let from = chunk * CHUNK;
        base + self
            .text
            .as_bytes()
            .get(from..offset)
            .map_or(0, count_chars)
    }

    /// The text of the 1-based line `line`, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        let idx = line.saturating_sub(1) as usize;
        let line_starts = &self.index().line_starts;
        let start = line_starts.get(idx).copied().unwrap_or(0) as usize;
        let end = line_starts
            .get(idx + 1)
            .map(|e| *e as usize)
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// The location of a span's start, ready to print: in the file it is written in, for a
    /// [`Source::rendered`] text.
    pub fn location(self: &Arc<Self>, span: Span) -> Location {
        let at = self.origins.partition_point(|(o, _)| *o <= span.start);
        if let Some((_, Some((file, offset)))) = at.checked_sub(1).and_then(|i| self.origins.get(i))
        {
            return file.location(Span {
                start: *offset,
                end: *offset,
            });
        }
        let (line, column) = self.line_col(span.start);
        Location {
            file: self.name.clone(),
            line,
            column,
        }
    }
}

/// A printable position: `file:line:column`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The source's name.
    pub file: String,
    /// The line, from 1.
    pub line: u32,
    /// The column in characters, from 1.
    pub column: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let src = Source::new("p.json", "{\n  \"é\": 1,\n  \"b\": 2\n}");
        assert_eq!(src.line_col(0), (1, 1));
        assert_eq!(src.line_col(4), (2, 3));
        // The `1` after `"é": ` : `é` is two bytes but one column.
        let one = src.text().find('1').unwrap_or(0) as u32;
        assert_eq!(src.line_col(one), (2, 8));
        assert_eq!(src.line_text(2), "  \"é\": 1,");
    }

    #[test]
    fn columns_on_a_long_line_count_characters_across_chunks() {
        // One line of 3 * CHUNK bytes mixing one- and two-byte characters.
        let text: String = "aé".repeat(CHUNK);
        let src = Source::new("p.json", text.clone());
        for (i, (offset, _)) in text.char_indices().enumerate().step_by(997) {
            assert_eq!(
                src.line_col(offset as u32),
                (1, i as u32 + 1),
                "offset {offset}"
            );
        }
        let end = text.len() as u32;
        assert_eq!(src.line_col(end), (1, 2 * CHUNK as u32 + 1));
    }

    #[test]
    fn a_rendered_text_locates_its_parts_in_the_files_they_are_written_in() {
        let tf = Source::new(
            "main.tf",
            "resource \"x\" \"y\" {\n  policy = jsonencode({\n    A = 1\n  })\n}\n",
        );
        let a = tf.text().find("A =").unwrap_or(0) as u32;
        let brace = tf.text().find("({").unwrap_or(0) as u32 + 1;
        let text = "{\"users\": {}, \"doc\": {\"A\": 1}}";
        let doc = text.find("{\"A").unwrap_or(0) as u32;
        let key = doc + 1;
        let end = doc + 8;
        let r = Source::rendered(
            "main.tf (as account 1)",
            text,
            vec![
                (doc, Some((Arc::clone(&tf), brace))),
                (key, Some((Arc::clone(&tf), a))),
                (end, None),
            ],
        );
        // Before, between and after the rendered parts: the text's own position.
        assert_eq!(
            r.location(Span::new(1, 1)).to_string(),
            "main.tf (as account 1):1:2"
        );
        assert_eq!(
            r.location(Span::new(end as usize, end as usize)).file,
            "main.tf (as account 1)"
        );
        // Inside: the file's.
        assert_eq!(
            r.location(Span::new(doc as usize, doc as usize))
                .to_string(),
            "main.tf:2:23"
        );
        assert_eq!(
            r.location(Span::new(key as usize + 3, key as usize + 3))
                .to_string(),
            "main.tf:3:5"
        );
        // Lines and columns of diagnostics stay the text's own.
        assert_eq!(r.line_col(doc), (1, doc + 1));
    }
}
