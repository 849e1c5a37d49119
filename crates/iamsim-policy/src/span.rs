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

/// One input text (a policy file, a world file, an inline document) and its name.
#[derive(Debug)]
pub struct Source {
    name: String,
    text: String,
    /// Where lines and characters are, built the first time a position is printed: most
    /// sources are read and never point at (loading a world builds thousands).
    index: OnceLock<LineIndex>,
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

    /// The location of a span's start, ready to print.
    pub fn location(self: &Arc<Self>, span: Span) -> Location {
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
}
