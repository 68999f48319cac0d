//! A small RFC 4180 reader (and the matching writer) for imports.
//!
//! Why not the `csv` crate: an import holds the whole file in memory (it
//! must, to be all-or-nothing), so fields can borrow from it and only
//! fields with escaped quotes are copied; and every error here must name
//! the *line as a spreadsheet shows it* (the record number, header = 1,
//! whatever newlines quoted fields contain), the column, and go on to the
//! next record so one request reports every mistake. The `csv` crate
//! reports byte/line positions, silently accepts stray quotes (`ab"c`,
//! `"ab"c`) that usually mean a broken export, and stops at the first
//! invalid UTF-8 field. What RFC 4180 asks is small enough to write and
//! test completely (the crate is used in the tests, as an independent
//! writer for the round-trip property).
//!
//! Accepted: `,` between fields; CRLF, LF or a lone CR between records;
//! fields in double quotes holding commas, newlines and `""` for a quote;
//! a UTF-8 byte-order mark at the start; a last record without a newline.

use std::borrow::Cow;

/// A UTF-8 byte-order mark, as spreadsheets write it at the start of a file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reader limits, checked while reading.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest field, in bytes.
    pub field_bytes: usize,
    /// Most fields in one record.
    pub fields: usize,
    /// Most records, header included.
    pub records: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            field_bytes: 100_000,
            fields: 500,
            records: 1_000_000,
        }
    }
}

/// One record: its line number (1-based; the first record is line 1) and
/// its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    pub line: usize,
    pub fields: Vec<Cow<'a, str>>,
}

impl Record<'_> {
    /// True for an empty line or a line of empty fields (`,,,`), which
    /// spreadsheets leave at the end of a sheet.
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// What is wrong at a place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    /// The record's line (1-based).
    pub line: usize,
    /// The field's index in the record (0-based), when the error is about
    /// one field.
    pub field: Option<usize>,
    pub kind: CsvErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvErrorKind {
    /// A field is not valid UTF-8.
    InvalidUtf8,
    /// A quote inside a field that does not start with one, or text after
    /// a field's closing quote.
    StrayQuote,
    /// A quoted field is still open at the end of the file. Fatal: the
    /// rest of the file is inside it.
    UnterminatedQuote,
    /// A field is longer than [`Limits::field_bytes`].
    FieldTooLong,
    /// A record has more than [`Limits::fields`] fields.
    TooManyFields,
    /// More than [`Limits::records`] records. Fatal.
    TooManyRecords,
}

impl CsvError {
    /// Whether reading cannot go on after this error.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self.kind,
            CsvErrorKind::UnterminatedQuote | CsvErrorKind::TooManyRecords
        )
    }

    /// What is wrong, for a person (the caller adds line and column).
    pub fn message(&self, limits: &Limits) -> String {
        match self.kind {
            CsvErrorKind::InvalidUtf8 => {
                "is not valid UTF-8 text (save the file as CSV UTF-8)".to_string()
            }
            CsvErrorKind::StrayQuote => {
                "has a stray double quote: a field with quotes must be wholly in double quotes, \
                 with each quote inside written twice (\"\")"
                    .to_string()
            }
            CsvErrorKind::UnterminatedQuote => {
                "opens a quoted field that is never closed".to_string()
            }
            CsvErrorKind::FieldTooLong => {
                format!("is longer than {} bytes", limits.field_bytes)
            }
            CsvErrorKind::TooManyFields => format!("has more than {} columns", limits.fields),
            CsvErrorKind::TooManyRecords => {
                format!("is past the limit of {} lines per file", limits.records)
            }
        }
    }
}

/// Reads records from a whole file in memory. An iterator of
/// `Result<Record, CsvError>`: after a non-fatal error it goes on with the
/// next record; after a fatal one it ends.
pub struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    line: usize,
    limits: Limits,
    done: bool,
}

impl<'a> Reader<'a> {
    pub fn new(input: &'a [u8], limits: Limits) -> Self {
        let pos = if input.starts_with(BOM) { BOM.len() } else { 0 };
        Reader {
            input,
            pos,
            line: 0,
            limits,
            done: false,
        }
    }

    /// Skips to just past the end of the current record (used after an
    /// error inside it), honouring quotes so a newline inside a quoted
    /// field does not end it.
    fn skip_record(&mut self) {
        let bytes = self.input;
        let mut quoted = false;
        while self.pos < bytes.len() {
            let b = bytes[self.pos];
            self.pos += 1;
            match b {
                b'"' => quoted = !quoted,
                b'\n' if !quoted => return,
                b'\r' if !quoted => {
                    if bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    return;
                }
                _ => {}
            }
        }
    }

    /// Skips to just past the next line end, quotes or not.
    fn skip_line(&mut self) {
        let bytes = self.input;
        match bytes[self.pos..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
        {
            None => self.pos = bytes.len(),
            Some(p) => {
                self.pos += p + 1;
                if bytes[self.pos - 1] == b'\r' && bytes.get(self.pos) == Some(&b'\n') {
                    self.pos += 1;
                }
            }
        }
    }

    /// Reads one field starting at `self.pos`; leaves `pos` on the byte
    /// after it (a delimiter, a line end or the end).
    fn field(&mut self, index: usize) -> Result<Cow<'a, str>, CsvError> {
        let bytes = self.input;
        let err = |kind| CsvError {
            line: self.line,
            field: Some(index),
            kind,
        };
        let raw: Cow<'a, [u8]> = if bytes.get(self.pos) == Some(&b'"') {
            let start = self.pos + 1;
            let mut i = start;
            let mut owned: Option<Vec<u8>> = None;
            let mut from = start;
            loop {
                let Some(q) = bytes[i..].iter().position(|&b| b == b'"') else {
                    return Err(err(CsvErrorKind::UnterminatedQuote));
                };
                let q = i + q;
                if bytes.get(q + 1) == Some(&b'"') {
                    // An escaped quote: keep one.
                    let buf = owned.get_or_insert_with(Vec::new);
                    buf.extend_from_slice(&bytes[from..=q]);
                    i = q + 2;
                    from = i;
                    continue;
                }
                self.pos = q + 1;
                let value = match owned {
                    Some(mut buf) => {
                        buf.extend_from_slice(&bytes[from..q]);
                        Cow::Owned(buf)
                    }
                    None => Cow::Borrowed(&bytes[start..q]),
                };
                match bytes.get(self.pos) {
                    None | Some(b',' | b'\n' | b'\r') => break value,
                    Some(_) => return Err(err(CsvErrorKind::StrayQuote)),
                }
            }
        } else {
            let start = self.pos;
            let len = bytes[start..]
                .iter()
                .position(|&b| matches!(b, b',' | b'\n' | b'\r' | b'"'))
                .unwrap_or(bytes.len() - start);
            self.pos = start + len;
            if bytes.get(self.pos) == Some(&b'"') {
                return Err(err(CsvErrorKind::StrayQuote));
            }
            Cow::Borrowed(&bytes[start..self.pos])
        };
        if raw.len() > self.limits.field_bytes {
            return Err(err(CsvErrorKind::FieldTooLong));
        }
        match raw {
            Cow::Borrowed(b) => std::str::from_utf8(b).map(Cow::Borrowed),
            Cow::Owned(b) => String::from_utf8(b)
                .map(Cow::Owned)
                .map_err(|e| e.utf8_error()),
        }
        .map_err(|_| err(CsvErrorKind::InvalidUtf8))
    }

    fn record(&mut self) -> Result<Record<'a>, CsvError> {
        let mut fields = Vec::new();
        loop {
            if fields.len() == self.limits.fields {
                return Err(CsvError {
                    line: self.line,
                    field: None,
                    kind: CsvErrorKind::TooManyFields,
                });
            }
            let field = self.field(fields.len())?;
            fields.push(field);
            match self.input.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'\r') => {
                    self.pos += 1;
                    if self.input.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    break;
                }
                Some(b'\n') => {
                    self.pos += 1;
                    break;
                }
                _ => break,
            }
        }
        Ok(Record {
            line: self.line,
            fields,
        })
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<Record<'a>, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.pos >= self.input.len() {
            return None;
        }
        self.line += 1;
        if self.line > self.limits.records {
            self.done = true;
            return Some(Err(CsvError {
                line: self.line,
                field: None,
                kind: CsvErrorKind::TooManyRecords,
            }));
        }
        let start = self.pos;
        match self.record() {
            Ok(record) => Some(Ok(record)),
            Err(e) => {
                if e.is_fatal() {
                    self.done = true;
                } else if e.kind == CsvErrorKind::StrayQuote {
                    // Quotes cannot be paired in this record: it ends with
                    // the physical line.
                    self.skip_line();
                } else {
                    // The record is well formed: start again from its
                    // beginning so quotes pair up and a newline inside a
                    // quoted field does not end it.
                    self.pos = start;
                    self.skip_record();
                }
                Some(Err(e))
            }
        }
    }
}

/// Appends one field, quoted when it holds a comma, a quote or a line
/// break (quotes inside doubled).
pub fn write_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// Appends one record and a CRLF (RFC 4180's line end).
pub fn write_record<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_field(out, f.as_ref());
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A record as `(line, fields)`, or an error as `(line, field, kind)`.
    type Read = Result<(usize, Vec<String>), (usize, Option<usize>, CsvErrorKind)>;

    fn read(input: &[u8]) -> Vec<Read> {
        Reader::new(input, Limits::default())
            .map(|r| {
                r.map(|rec| (rec.line, rec.fields.iter().map(|f| f.to_string()).collect()))
                    .map_err(|e| (e.line, e.field, e.kind))
            })
            .collect()
    }

    fn ok(line: usize, fields: &[&str]) -> Read {
        Ok((line, fields.iter().map(|s| s.to_string()).collect()))
    }

    #[test]
    fn plain_records_with_lf_crlf_and_no_final_newline() {
        assert_eq!(
            read(b"a,b,c\n1,2,3\n"),
            [ok(1, &["a", "b", "c"]), ok(2, &["1", "2", "3"])]
        );
        assert_eq!(
            read(b"a,b\r\n1,2\r\n"),
            [ok(1, &["a", "b"]), ok(2, &["1", "2"])]
        );
        assert_eq!(read(b"a,b\n1,2"), [ok(1, &["a", "b"]), ok(2, &["1", "2"])]);
        // Old Mac line ends.
        assert_eq!(read(b"a\r1\r"), [ok(1, &["a"]), ok(2, &["1"])]);
    }

    #[test]
    fn quoted_fields_hold_commas_quotes_and_newlines() {
        assert_eq!(
            read(b"text,n\r\n\"Hello, world\",1\r\n\"She said \"\"no\"\"\",2\r\n"),
            [
                ok(1, &["text", "n"]),
                ok(2, &["Hello, world", "1"]),
                ok(3, &["She said \"no\"", "2"]),
            ]
        );
        // An embedded newline does not start a new line number: line 3 is
        // the third record, as a spreadsheet numbers its rows.
        assert_eq!(
            read(b"text,n\n\"two\nlines\",1\n\"crlf\r\ninside\",2\nlast,3\n"),
            [
                ok(1, &["text", "n"]),
                ok(2, &["two\nlines", "1"]),
                ok(3, &["crlf\r\ninside", "2"]),
                ok(4, &["last", "3"]),
            ]
        );
        assert_eq!(read(b"\"\",\"\"\n"), [ok(1, &["", ""])]);
        assert_eq!(read(b"\"\"\"\"\n"), [ok(1, &["\""])]);
    }

    #[test]
    fn empty_fields_and_blank_lines() {
        assert_eq!(
            read(b"a,,c\n,,\n"),
            [ok(1, &["a", "", "c"]), ok(2, &["", "", ""])]
        );
        let records: Vec<_> = Reader::new(b"a,b\n\n1,2\n,\n", Limits::default())
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(records.len(), 4);
        assert!(!records[0].is_blank());
        assert!(records[1].is_blank(), "an empty line");
        assert_eq!(records[2].line, 3, "blank lines still count");
        assert!(records[3].is_blank(), "a line of empty fields");
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        assert_eq!(
            read(b"\xEF\xBB\xBFtext,date\nhi,2026-01-01\n"),
            [ok(1, &["text", "date"]), ok(2, &["hi", "2026-01-01"])]
        );
        assert_eq!(read(b"\xEF\xBB\xBF"), []);
    }

    #[test]
    fn empty_file_and_header_only() {
        assert_eq!(read(b""), []);
        assert_eq!(read(b"text,date\n"), [ok(1, &["text", "date"])]);
        assert_eq!(read(b"text,date"), [ok(1, &["text", "date"])]);
    }

    #[test]
    fn ragged_rows_are_read_as_they_are() {
        // The reader keeps every record's own width; the importer compares
        // each with the header and names the line.
        assert_eq!(
            read(b"a,b,c\n1,2\n1,2,3,4\n"),
            [
                ok(1, &["a", "b", "c"]),
                ok(2, &["1", "2"]),
                ok(3, &["1", "2", "3", "4"])
            ]
        );
    }

    #[test]
    fn invalid_utf8_names_line_and_field_and_reading_goes_on() {
        assert_eq!(
            read(b"a,b\nok,fine\nbad,caf\xE9\n\"x\xFF\",y\nlast,one\n"),
            [
                ok(1, &["a", "b"]),
                ok(2, &["ok", "fine"]),
                Err((3, Some(1), CsvErrorKind::InvalidUtf8)),
                Err((4, Some(0), CsvErrorKind::InvalidUtf8)),
                ok(5, &["last", "one"]),
            ]
        );
        // Latin-1 in an escaped field too.
        assert_eq!(
            read(b"\"a\"\"\xE9\"\n"),
            [Err((1, Some(0), CsvErrorKind::InvalidUtf8))]
        );
    }

    #[test]
    fn stray_quotes_are_errors_and_reading_goes_on() {
        assert_eq!(
            read(b"a,b\n1,ab\"c\n\"x\"y,2\nok,3\n"),
            [
                ok(1, &["a", "b"]),
                Err((2, Some(1), CsvErrorKind::StrayQuote)),
                Err((3, Some(0), CsvErrorKind::StrayQuote)),
                ok(4, &["ok", "3"]),
            ]
        );
    }

    #[test]
    fn an_unterminated_quote_is_fatal_and_names_its_line() {
        let got = read(b"a,b\n1,2\n\"never closed,3\n4,5\n");
        assert_eq!(
            got,
            [
                ok(1, &["a", "b"]),
                ok(2, &["1", "2"]),
                Err((3, Some(0), CsvErrorKind::UnterminatedQuote)),
            ]
        );
    }

    #[test]
    fn limits() {
        let limits = Limits {
            field_bytes: 5,
            fields: 3,
            records: 3,
        };
        let got: Vec<_> = Reader::new(b"abcdef,1\na,b,c,d\nok\nfour\nfive\n", limits)
            .map(|r| r.map(|r| r.line).map_err(|e| (e.line, e.field, e.kind)))
            .collect();
        assert_eq!(
            got,
            [
                Err((1, Some(0), CsvErrorKind::FieldTooLong)),
                Err((2, None, CsvErrorKind::TooManyFields)),
                Ok(3),
                Err((4, None, CsvErrorKind::TooManyRecords)),
            ]
        );
    }

    #[test]
    fn writer_quotes_only_when_needed() {
        let mut out = String::new();
        write_record(&mut out, &["plain", "a,b", "say \"hi\"", "two\nlines", ""]);
        assert_eq!(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n");
        let back: Vec<_> = Reader::new(out.as_bytes(), Limits::default())
            .map(|r| {
                r.unwrap()
                    .fields
                    .iter()
                    .map(|f| f.to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(back, [["plain", "a,b", "say \"hi\"", "two\nlines", ""]]);
    }

    /// Any text: commas, quotes, CR, LF, non-ASCII.
    fn field() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[a-zé,\"\r\n ;€😀]{0,12}").unwrap()
    }

    /// Records of one width. A record of a single empty field is an empty
    /// line, which the `csv` crate writes as `""` only sometimes; keep
    /// records wider than one field or non-empty.
    fn table() -> impl Strategy<Value = Vec<Vec<String>>> {
        (1usize..5).prop_flat_map(|width| {
            proptest::collection::vec(proptest::collection::vec(field(), width), 1..20)
        })
    }

    proptest! {
        /// Whatever an independent writer (the `csv` crate, quoting only
        /// where needed, or always) writes, the reader reads back exactly,
        /// with CRLF or LF line ends, with or without a BOM.
        #[test]
        fn csv_written_by_a_writer_round_trips(
            rows in table(),
            always_quote in any::<bool>(),
            crlf in any::<bool>(),
            bom in any::<bool>(),
        ) {
            let mut writer = ::csv::WriterBuilder::new()
                .quote_style(if always_quote { ::csv::QuoteStyle::Always } else { ::csv::QuoteStyle::Necessary })
                .terminator(if crlf { ::csv::Terminator::CRLF } else { ::csv::Terminator::Any(b'\n') })
                .from_writer(Vec::new());
            for row in &rows {
                writer.write_record(row).unwrap();
            }
            let mut bytes = if bom { BOM.to_vec() } else { Vec::new() };
            bytes.extend(writer.into_inner().unwrap());
            let back: Vec<Vec<String>> = Reader::new(&bytes, Limits::default())
                .map(|r| r.unwrap().fields.iter().map(|f| f.to_string()).collect())
                .collect();
            // The csv crate writes a lone empty field as `""`, so even that
            // record survives.
            prop_assert_eq!(back, rows);
        }

        /// Our own writer round-trips too.
        #[test]
        fn our_writer_round_trips(rows in table()) {
            let mut out = String::new();
            for row in &rows {
                write_record(&mut out, row);
            }
            let back: Vec<Vec<String>> = Reader::new(out.as_bytes(), Limits::default())
                .map(|r| r.unwrap().fields.iter().map(|f| f.to_string()).collect())
                .collect();
            prop_assert_eq!(back, rows);
        }

        /// Arbitrary bytes never panic, and line numbers only grow.
        #[test]
        fn any_bytes_are_read_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut last = 0;
            for r in Reader::new(&bytes, Limits::default()) {
                let line = match r { Ok(rec) => rec.line, Err(e) => e.line };
                prop_assert!(line > last);
                last = line;
            }
        }
    }
}
