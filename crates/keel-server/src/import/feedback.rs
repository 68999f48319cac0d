//! Feedback from a CSV file: which column feeds which field, and every row
//! checked with the same rules as `POST …/feedback`, collecting every
//! problem with its line and column so one dry run shows all there is to
//! fix.
//!
//! Fields a column can feed: `text` (required), `source`,
//! `customer_email`, `customer_name`, `tags` (split on `;` or `,`),
//! `sentiment` and `received_on` (`YYYY-MM-DD`, or a timestamp starting
//! with one). Without any mapping, columns named like a field are used.
//! Empty cells take defaults: the request's `source`, a sentiment suggested
//! from the text, today. Lines are numbered as a spreadsheet numbers rows:
//! the header is line 1, whatever newlines quoted cells hold.

use super::csv::{CsvError, Limits, Reader, Record};
use crate::api::v1::feedback::{tags as check_tags, text as check_text};
use keel_domain::insight::{FeedbackSource, Sentiment};
use keel_domain::time::Date;
use keel_domain::values::{Email, line as one_line};
use keel_domain::{ValidationErrors, sentiment};
use std::fmt;

/// Largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;
/// Most data rows in one file.
pub const MAX_ROWS: usize = 200_000;
/// Longest cell, in bytes (feedback text itself is held to 20,000
/// characters by the same rule as the API's).
pub const MAX_CELL_BYTES: usize = 100_000;
/// Most columns in a file.
pub const MAX_COLUMNS: usize = 500;
/// Most errors listed in one answer (all are counted).
pub const MAX_LISTED_ERRORS: usize = 100;

/// A feedback field a column can feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Text,
    Source,
    CustomerEmail,
    CustomerName,
    Tags,
    Sentiment,
    ReceivedOn,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Text,
        Field::Source,
        Field::CustomerEmail,
        Field::CustomerName,
        Field::Tags,
        Field::Sentiment,
        Field::ReceivedOn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Text => "text",
            Field::Source => "source",
            Field::CustomerEmail => "customer_email",
            Field::CustomerName => "customer_name",
            Field::Tags => "tags",
            Field::Sentiment => "sentiment",
            Field::ReceivedOn => "received_on",
        }
    }

    /// A field by name; case, spaces and hyphens do not matter
    /// (`Customer Email` is `customer_email`).
    pub fn parse(s: &str) -> Option<Field> {
        let n = normalise(s);
        Field::ALL.into_iter().find(|f| f.as_str() == n)
    }

    fn index(self) -> usize {
        self as usize
    }

    fn names() -> String {
        Field::ALL.map(Field::as_str).join(", ")
    }
}

/// Lower case, trimmed, spaces and hyphens as underscores.
fn normalise(s: &str) -> String {
    s.trim().to_lowercase().replace([' ', '-'], "_")
}

/// One problem, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// Where, in words: `line 17, column "date"`, `line 5`, or a request
    /// parameter (`map`, `product`, `source`) or `body`.
    pub field: String,
    pub line: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl ImportError {
    /// About a request parameter or the file as a whole.
    pub fn param(param: &str, message: impl Into<String>) -> Self {
        ImportError {
            field: param.to_string(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// About a whole line.
    pub fn at_line(line: usize, message: impl Into<String>) -> Self {
        ImportError {
            field: format!("line {line}"),
            line: Some(line),
            column: None,
            message: message.into(),
        }
    }

    /// About one cell.
    pub fn at_cell(line: usize, column: &str, message: impl Into<String>) -> Self {
        ImportError {
            field: format!("line {line}, column \"{column}\""),
            line: Some(line),
            column: Some(column.to_string()),
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// The first [`MAX_LISTED_ERRORS`] problems, and how many there were.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Errors {
    pub listed: Vec<ImportError>,
    pub total: usize,
}

impl Errors {
    pub fn push(&mut self, e: ImportError) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED_ERRORS {
            self.listed.push(e);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// Parses the `map` parameters: each `COLUMN:FIELD` (or `COLUMN=FIELD`),
/// split at the last `:` or `=` so a column name may hold either. Pairs go
/// one per parameter, as column names often hold commas.
pub fn parse_map(values: &[String], errors: &mut Errors) -> Vec<(String, Field)> {
    let mut pairs: Vec<(String, Field)> = Vec::new();
    for value in values {
        let Some(at) = value.rfind([':', '=']) else {
            errors.push(ImportError::param(
                "map",
                format!("\"{value}\" is not COLUMN:FIELD (e.g. map=Feedback:text)"),
            ));
            continue;
        };
        let (column, field) = (value[..at].trim(), &value[at + 1..]);
        if column.is_empty() {
            errors.push(ImportError::param(
                "map",
                format!("\"{value}\" names no column"),
            ));
            continue;
        }
        let Some(field) = Field::parse(field) else {
            errors.push(ImportError::param(
                "map",
                format!(
                    "unknown field \"{}\" in \"{value}\"; fields are {}",
                    field.trim(),
                    Field::names()
                ),
            ));
            continue;
        };
        if pairs.iter().any(|(_, f)| *f == field) {
            errors.push(ImportError::param(
                "map",
                format!("{} is mapped more than once", field.as_str()),
            ));
            continue;
        }
        pairs.push((column.to_string(), field));
    }
    pairs
}

/// How to read one file.
#[derive(Debug, Clone)]
pub struct Plan {
    /// `column → field`; empty means "use the columns named like fields".
    pub mapping: Vec<(String, Field)>,
    /// The source of rows without one.
    pub default_source: Option<FeedbackSource>,
    /// `YYYY-MM-DD`, for rows without a date.
    pub today: String,
}

/// One checked row, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub text: String,
    pub source: FeedbackSource,
    /// Lower-cased.
    pub customer_email: Option<String>,
    pub customer_name: Option<String>,
    pub tags: Vec<String>,
    pub sentiment: Sentiment,
    pub received_on: String,
}

/// What reading a file gave: the rows (only meaningful when there are no
/// errors), how many data rows there were, and every problem.
#[derive(Debug, Default)]
pub struct Outcome {
    pub rows: Vec<Row>,
    pub data_rows: usize,
    pub errors: Errors,
}

/// Spreadsheet column letters for the 0-based index `i`: A, B, …, Z, AA.
fn letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// The header: each column's name (its letter when the name is empty) and
/// which column feeds each field.
struct Header {
    names: Vec<String>,
    by_field: [Option<usize>; 7],
}

impl Header {
    fn name(&self, i: usize) -> String {
        match self.names.get(i) {
            Some(n) if !n.is_empty() => n.clone(),
            _ => letters(i),
        }
    }

    fn column(&self, field: Field) -> Option<usize> {
        self.by_field[field.index()]
    }
}

/// Finds the column named `wanted`: exactly (after trimming), else
/// ignoring case.
fn find_column(names: &[String], wanted: &str) -> Result<usize, String> {
    let exact: Vec<usize> = (0..names.len()).filter(|&i| names[i] == wanted).collect();
    let found = if exact.is_empty() {
        (0..names.len())
            .filter(|&i| names[i].to_lowercase() == wanted.to_lowercase())
            .collect()
    } else {
        exact
    };
    match found.as_slice() {
        [i] => Ok(*i),
        [] => {
            let shown: Vec<String> = names
                .iter()
                .filter(|n| !n.is_empty())
                .take(20)
                .map(|n| format!("\"{n}\""))
                .collect();
            Err(format!(
                "no column \"{wanted}\" in the file's header (its columns: {}{})",
                shown.join(", "),
                if names.len() > 20 { ", …" } else { "" }
            ))
        }
        more => Err(format!(
            "the header has {} columns named \"{wanted}\"",
            more.len()
        )),
    }
}

/// Resolves the plan's mapping against the header, and checks text and a
/// source can be had.
fn header(record: &Record<'_>, plan: &Plan, errors: &mut Errors) -> Option<Header> {
    let names: Vec<String> = record.fields.iter().map(|f| f.trim().to_string()).collect();
    let mut by_field = [None; 7];
    if plan.mapping.is_empty() {
        for (i, name) in names.iter().enumerate() {
            if let Some(field) = Field::parse(name)
                && by_field[field.index()].is_none()
            {
                by_field[field.index()] = Some(i);
            }
        }
    } else {
        for (column, field) in &plan.mapping {
            match find_column(&names, column) {
                Ok(i) => by_field[field.index()] = Some(i),
                Err(message) => errors.push(ImportError::param("map", message)),
            }
        }
    }
    if by_field[Field::Text.index()].is_none()
        && plan.mapping.iter().all(|(_, f)| *f != Field::Text)
    {
        let how = if plan.mapping.is_empty() {
            "map one with map=COLUMN:text, or name a column \"text\""
        } else {
            "add map=COLUMN:text"
        };
        errors.push(ImportError::param(
            "map",
            format!("no column is mapped to text, the feedback itself ({how})"),
        ));
    }
    if by_field[Field::Source.index()].is_none()
        && plan.mapping.iter().all(|(_, f)| *f != Field::Source)
        && plan.default_source.is_none()
    {
        errors.push(ImportError::param(
            "source",
            format!(
                "no column is mapped to source and no default source was given: add source=survey \
                 (or one of {}) or map=COLUMN:source",
                FeedbackSource::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    errors.is_empty().then_some(Header { names, by_field })
}

/// A date, or a timestamp that starts with one (`2026-03-01T10:00:00Z`,
/// `2026-03-01 10:00`), as `YYYY-MM-DD`.
fn date(cell: &str) -> Result<String, String> {
    let s = cell.trim();
    let day = match s.as_bytes().get(10) {
        Some(b'T' | b't' | b' ') => s.get(..10).unwrap_or(s),
        _ => s,
    };
    Date::parse("received_on", day)
        .map(|d| d.as_string())
        .map_err(|_| "must be a date YYYY-MM-DD".to_string())
}

/// Checks one data row; pushes an error per bad cell, left to right.
fn row(record: &Record<'_>, header: &Header, plan: &Plan, errors: &mut Errors) -> Option<Row> {
    let line = record.line;
    let width = header.names.len();
    let fields = &record.fields;
    // Extra empty cells at the end (a trailing comma) are harmless.
    let extra_empty = fields.len() > width && fields[width..].iter().all(|f| f.trim().is_empty());
    if fields.len() != width && !extra_empty {
        errors.push(ImportError::at_line(
            line,
            format!(
                "has {} fields but the header has {width} columns (a stray comma, a missing one, \
                 or a line break outside double quotes?)",
                fields.len()
            ),
        ));
        return None;
    }
    // The column feeding `field` and its cell (empty when not mapped).
    let cell = |field: Field| -> Option<(usize, &str)> {
        header
            .column(field)
            .map(|i| (i, fields.get(i).map_or("", |c| c.as_ref())))
    };
    // A non-empty cell of `field`, checked by `check`.
    let mut bad: Vec<(usize, String)> = Vec::new();
    let mut checked =
        |field: Field, check: &dyn Fn(&str) -> Result<String, String>| match cell(field) {
            Some((i, value)) if !value.trim().is_empty() => match check(value) {
                Ok(v) => Some(v),
                Err(message) => {
                    bad.push((i, message));
                    None
                }
            },
            _ => None,
        };

    let text = checked(Field::Text, &|v| {
        check_text("text", v).map_err(|e| e.message)
    });
    let source = checked(Field::Source, &|v| {
        FeedbackSource::parse("source", &normalise(v))
            .map(|s| s.as_str().to_string())
            .map_err(|e| e.message)
    });
    let customer_email = checked(Field::CustomerEmail, &|v| {
        Email::parse("customer_email", v)
            .map(|e| e.as_str().to_string())
            .map_err(|e| e.message)
    });
    let customer_name = checked(Field::CustomerName, &|v| {
        one_line("customer_name", v).map_err(|e| e.message)
    });
    let sentiment = checked(Field::Sentiment, &|v| {
        Sentiment::parse("sentiment", &normalise(v))
            .map(|s| s.as_str().to_string())
            .map_err(|e| e.message)
    });
    let received_on = checked(Field::ReceivedOn, &date);
    let mut tags = Vec::new();
    if let Some((i, value)) = cell(Field::Tags) {
        let given: Vec<String> = value
            .split([';', ','])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        let mut problems = ValidationErrors::new();
        tags = check_tags(&mut problems, &given);
        bad.extend(problems.0.into_iter().map(|e| (i, e.message)));
    }
    // Empty cells that may not be.
    if let Some((i, value)) = cell(Field::Text)
        && value.trim().is_empty()
    {
        bad.push((i, "must not be empty".to_string()));
    }
    if let Some((i, value)) = cell(Field::Source)
        && value.trim().is_empty()
        && plan.default_source.is_none()
    {
        bad.push((
            i,
            "is empty and no default source was given (add source=… to the request)".to_string(),
        ));
    }
    if !bad.is_empty() {
        bad.sort_by_key(|(i, _)| *i);
        for (i, message) in bad {
            errors.push(ImportError::at_cell(line, &header.name(i), message));
        }
        return None;
    }
    let text = text?;
    let source = match source {
        Some(s) => FeedbackSource::parse("source", &s).ok()?,
        None => plan.default_source?,
    };
    let sentiment = match sentiment {
        Some(s) => Sentiment::parse("sentiment", &s).ok()?,
        None => sentiment::suggest(&text),
    };
    Some(Row {
        line,
        text,
        source,
        customer_email,
        customer_name,
        tags,
        sentiment,
        received_on: received_on.unwrap_or_else(|| plan.today.clone()),
    })
}

fn csv_error(e: &CsvError, header: Option<&Header>, limits: &Limits) -> ImportError {
    let message = e.message(limits);
    match (e.field, header) {
        (Some(i), Some(h)) if i < h.names.len() => {
            ImportError::at_cell(e.line, &h.name(i), message)
        }
        (Some(i), _) => ImportError::at_line(e.line, format!("column {}: {message}", letters(i))),
        (None, _) => ImportError::at_line(e.line, message),
    }
}

/// Reads and checks a whole file. Rows are kept only while no error has
/// been found (they are of no use after one).
pub fn read(input: &[u8], plan: &Plan) -> Outcome {
    let limits = Limits {
        field_bytes: MAX_CELL_BYTES,
        fields: MAX_COLUMNS,
        records: MAX_ROWS + 1,
    };
    let mut out = Outcome::default();
    let mut records = Reader::new(input, limits);
    // The header: the first line that is not blank.
    let header = loop {
        match records.next() {
            None => {
                out.errors.push(ImportError::param(
                    "body",
                    "the file is empty: expected a header line naming the columns, then one line \
                     per feedback item",
                ));
                return out;
            }
            Some(Err(e)) => {
                out.errors.push(csv_error(&e, None, &limits));
                return out;
            }
            Some(Ok(r)) if r.is_blank() => continue,
            Some(Ok(r)) => match header(&r, plan, &mut out.errors) {
                Some(h) => break h,
                None => return out,
            },
        }
    };
    for record in records {
        match record {
            Err(e) => out.errors.push(csv_error(&e, Some(&header), &limits)),
            Ok(r) if r.is_blank() => {}
            Ok(r) => {
                out.data_rows += 1;
                if let Some(row) = row(&r, &header, plan, &mut out.errors)
                    && out.errors.is_empty()
                {
                    out.rows.push(row);
                }
            }
        }
    }
    if !out.errors.is_empty() {
        out.rows = Vec::new();
    } else if out.data_rows == 0 {
        out.errors.push(ImportError::param(
            "body",
            "the file has a header but no rows below it",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(map: &[&str], source: Option<FeedbackSource>) -> Plan {
        let mut errors = Errors::default();
        let mapping = parse_map(
            &map.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        Plan {
            mapping,
            default_source: source,
            today: "2026-05-01".into(),
        }
    }

    fn messages(out: &Outcome) -> Vec<String> {
        out.errors.listed.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_survey_export_is_read_with_a_mapping() {
        let csv = "\u{FEFF}Submitted,Email,Name,What could we improve?,Topics\r\n\
                   2026-03-01 10:22:13,Ana@Acme.test,Ana,\"Export is slow, and \"\"broken\"\"\",export;speed\r\n\
                   ,,,\"I love the board\nreally\",\r\n\
                   ,,,,\r\n";
        let out = read(
            csv.as_bytes(),
            &plan(
                &[
                    "What could we improve?:text",
                    "Email=customer_email",
                    "name:customer_name",
                    "Submitted:received_on",
                    "Topics:tags",
                ],
                Some(FeedbackSource::Survey),
            ),
        );
        assert!(out.errors.is_empty(), "{:?}", messages(&out));
        assert_eq!(out.data_rows, 2, "the blank line is not a row");
        let a = &out.rows[0];
        assert_eq!(a.line, 2);
        assert_eq!(a.text, "Export is slow, and \"broken\"");
        assert_eq!(a.customer_email.as_deref(), Some("ana@acme.test"));
        assert_eq!(a.customer_name.as_deref(), Some("Ana"));
        assert_eq!(a.tags, ["export", "speed"]);
        assert_eq!(a.received_on, "2026-03-01");
        assert_eq!(a.source, FeedbackSource::Survey);
        assert_eq!(a.sentiment, Sentiment::Negative, "suggested from the text");
        let b = &out.rows[1];
        assert_eq!(b.line, 3);
        assert_eq!(b.text, "I love the board\nreally");
        assert_eq!(b.customer_email, None);
        assert_eq!(b.received_on, "2026-05-01", "today when empty");
        assert_eq!(b.sentiment, Sentiment::Positive);
    }

    #[test]
    fn columns_named_like_fields_need_no_mapping() {
        let csv = "text,Source,Sentiment,tags,customer email\n\
                   Needs SSO,Sales call,NEGATIVE,\"sso, security\",bo@example.com\n";
        let out = read(csv.as_bytes(), &plan(&[], None));
        assert!(out.errors.is_empty(), "{:?}", messages(&out));
        let r = &out.rows[0];
        assert_eq!(r.source, FeedbackSource::SalesCall);
        assert_eq!(r.sentiment, Sentiment::Negative);
        assert_eq!(r.tags, ["sso", "security"]);
        assert_eq!(r.customer_email.as_deref(), Some("bo@example.com"));
    }

    #[test]
    fn every_bad_cell_is_named_by_line_and_column() {
        let csv = "text,date,source,email,tags,mood\n\
                   ok,2026-01-01,survey,a@b.co,x,positive\n\
                   ,2026-13-01,radio,not-an-email,ok,meh\n\
                   \"multi\nline\",2026-01-02,survey,,,\n\
                   fine,yesterday,survey,,,\n";
        let out = read(
            csv.as_bytes(),
            &plan(
                &[
                    "text:text",
                    "date:received_on",
                    "source:source",
                    "email:customer_email",
                    "tags:tags",
                    "mood:sentiment",
                ],
                None,
            ),
        );
        assert_eq!(out.data_rows, 4);
        assert!(out.rows.is_empty(), "no rows once there are errors");
        let got = messages(&out);
        assert_eq!(got.len(), 6, "{got:#?}");
        // Left to right, as the columns stand in the file.
        assert_eq!(got[0], "line 3, column \"text\": must not be empty");
        assert_eq!(got[1], "line 3, column \"date\": must be a date YYYY-MM-DD");
        assert!(
            got[2].starts_with("line 3, column \"source\": must be one of interview, survey"),
            "{}",
            got[2]
        );
        assert!(
            got[3].starts_with("line 3, column \"email\": must be an email address"),
            "{}",
            got[3]
        );
        assert!(
            got[4].starts_with("line 3, column \"mood\": must be one of positive"),
            "{}",
            got[4]
        );
        // Line 4 holds a newline inside quotes; the next row is line 5.
        assert_eq!(got[5], "line 5, column \"date\": must be a date YYYY-MM-DD");
        assert_eq!(out.errors.listed[5].line, Some(5));
        assert_eq!(out.errors.listed[5].column.as_deref(), Some("date"));
    }

    #[test]
    fn ragged_rows_and_broken_bytes_name_the_line() {
        let mut csv = b"text,tags\nok,a\ntoo,many,cells\nshort\ntrailing,comma,\n".to_vec();
        csv.extend_from_slice(b"caf\xE9,x\n");
        let out = read(&csv, &plan(&[], Some(FeedbackSource::Email)));
        let got = messages(&out);
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(
            got[0].starts_with("line 3: has 3 fields but the header has 2 columns"),
            "{}",
            got[0]
        );
        assert!(got[1].starts_with("line 4: has 1 fields"), "{}", got[1]);
        assert!(
            got[2].starts_with("line 6, column \"text\": is not valid UTF-8"),
            "{}",
            got[2]
        );
    }

    #[test]
    fn mapping_mistakes_name_map_and_source() {
        let mut errors = Errors::default();
        let pairs = parse_map(
            &[
                "Feedback:text".into(),
                "Mood:feeling".into(),
                "nonsense".into(),
                "Other:text".into(),
                "Q3: what now?:customer_name".into(),
            ],
            &mut errors,
        );
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[1], ("Q3: what now?".to_string(), Field::CustomerName));
        let fields: Vec<&str> = errors.listed.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["map", "map", "map"]);
        assert!(
            errors.listed[0]
                .message
                .contains("unknown field \"feeling\"")
        );
        assert!(
            errors.listed[2]
                .message
                .contains("text is mapped more than once")
        );

        // A column the header does not have.
        let out = read(
            b"Feedback,When\nhi,2026-01-01\n",
            &plan(&["Feedbak:text"], None),
        );
        let got = messages(&out);
        assert_eq!(got.len(), 2, "{got:#?}");
        assert!(got[0].starts_with("map: no column \"Feedbak\" in the file's header (its columns: \"Feedback\", \"When\")"), "{}", got[0]);
        assert!(
            got[1].starts_with("source: no column is mapped to source"),
            "{}",
            got[1]
        );
        // Case does not matter when the name is otherwise unique.
        let out = read(
            b"Feedback\nhi\n",
            &plan(&["feedback:text"], Some(FeedbackSource::Survey)),
        );
        assert!(out.errors.is_empty());
        // Nothing named text, nothing mapped.
        let out = read(b"a,b\n1,2\n", &plan(&[], Some(FeedbackSource::Survey)));
        assert!(messages(&out)[0].starts_with("map: no column is mapped to text"));
    }

    #[test]
    fn empty_files_and_header_only() {
        let p = plan(&[], Some(FeedbackSource::Survey));
        for empty in [&b""[..], b"\xEF\xBB\xBF", b"\n\n"] {
            let got = messages(&read(empty, &p));
            assert_eq!(got.len(), 1);
            assert!(got[0].starts_with("body: the file is empty"), "{got:?}");
        }
        let got = messages(&read(b"text\n\n,\n", &p));
        assert_eq!(got, ["body: the file has a header but no rows below it"]);
    }

    #[test]
    fn errors_are_capped_but_counted() {
        let mut csv = String::from("text,received_on\n");
        for _ in 0..250 {
            csv.push_str("x,never\n");
        }
        let out = read(csv.as_bytes(), &plan(&[], Some(FeedbackSource::Survey)));
        assert_eq!(out.errors.total, 250);
        assert_eq!(out.errors.listed.len(), MAX_LISTED_ERRORS);
        assert_eq!(out.data_rows, 250);
    }

    #[test]
    fn tags_and_long_text_follow_the_api_rules() {
        let long = "x".repeat(20_001);
        let csv = format!(
            "text,tags\n{long},a\nok,\"{}\"\nfine,\"a; a ;b,,\"\n",
            (0..21)
                .map(|i| format!("t{i}"))
                .collect::<Vec<_>>()
                .join(";")
        );
        let out = read(csv.as_bytes(), &plan(&[], Some(FeedbackSource::Survey)));
        let got = messages(&out);
        assert_eq!(
            got,
            [
                "line 2, column \"text\": must be at most 20000 characters",
                "line 3, column \"tags\": at most 20 tags",
            ]
        );
        let out = read(
            b"text,tags\nfine,\"a; a ;b,,\"\n",
            &plan(&[], Some(FeedbackSource::Survey)),
        );
        assert_eq!(out.rows[0].tags, ["a", "b"], "repeats and empties dropped");
    }

    #[test]
    fn column_letters() {
        assert_eq!(letters(0), "A");
        assert_eq!(letters(25), "Z");
        assert_eq!(letters(26), "AA");
        assert_eq!(letters(27), "AB");
        assert_eq!(letters(701), "ZZ");
        assert_eq!(letters(702), "AAA");
    }

    mod fuzz {
        //! The feedback CSV importer against generated files: real-looking
        //! exports with hostile cells, and plain garbage bytes.
        use super::*;
        use proptest::prelude::*;

        fn cell() -> impl Strategy<Value = String> {
            prop_oneof![
                Just(""),
                Just("Export is slow"),
                Just("survey"),
                Just("Sales call"),
                Just("radio"),
                Just("2026-02-30"),
                Just("2026-01-01 10:00:00"),
                Just("yesterday"),
                Just("ana@acme.test"),
                Just("not-an-email"),
                Just("a;b;c"),
                Just("positive"),
                Just("meh"),
                Just("\"quoted, \"\"x\"\"\""),
                Just("\"unterminated"),
                Just("\"multi\nline\""),
                Just("\u{0}"),
                Just("\u{FEFF}"),
                Just("\r"),
                Just("=cmd|' /C calc'!A0"),
                Just("<script>alert(1)</script>"),
                Just("\u{202e}"),
            ]
            .prop_map(String::from)
            .boxed()
            .prop_union("\\PC{0,16}".prop_map(String::from).boxed())
        }

        fn header() -> impl Strategy<Value = Vec<String>> {
            let name = prop_oneof![
                Just("text"),
                Just("Text"),
                Just("source"),
                Just("customer email"),
                Just("customer_name"),
                Just("tags"),
                Just("sentiment"),
                Just("received_on"),
                Just("date"),
                Just("What?"),
                Just(""),
                Just("text"),
            ]
            .prop_map(String::from);
            proptest::collection::vec(name, 0..7)
        }

        fn file() -> impl Strategy<Value = Vec<u8>> {
            (
                any::<bool>(),
                header(),
                proptest::collection::vec(proptest::collection::vec(cell(), 0..8), 0..12),
                any::<bool>(),
            )
                .prop_map(|(bom, header, rows, crlf)| {
                    let end = if crlf { "\r\n" } else { "\n" };
                    let mut out = if bom {
                        "\u{FEFF}".to_string()
                    } else {
                        String::new()
                    };
                    out.push_str(&header.join(","));
                    for row in rows {
                        out.push_str(end);
                        out.push_str(&row.join(","));
                    }
                    out.into_bytes()
                })
        }

        fn plan(mapped: bool) -> Plan {
            let mut errors = Errors::default();
            let map: Vec<String> = if mapped {
                vec!["What?:text".into(), "date:received_on".into()]
            } else {
                Vec::new()
            };
            Plan {
                mapping: parse_map(&map, &mut errors),
                default_source: mapped.then_some(FeedbackSource::Survey),
                today: "2026-05-01".into(),
            }
        }

        /// Never panics; every problem names a line of the file (or the
        /// body as a whole) and says something; rows come only from a
        /// clean file and each sits on a line that exists.
        fn check(bytes: &[u8], plan: &Plan) -> Result<(), TestCaseError> {
            let out = read(bytes, plan);
            let lines = bytes
                .iter()
                .filter(|b| **b == b'\n' || **b == b'\r')
                .count()
                + 1;
            for e in &out.errors.listed {
                prop_assert!(!e.message.trim().is_empty(), "{:?}", e);
                match e.line {
                    Some(line) => {
                        prop_assert!(
                            line >= 1 && line <= lines,
                            "line {} of {}: {:?}",
                            line,
                            lines,
                            e
                        );
                        prop_assert!(e.field.starts_with(&format!("line {line}")), "{:?}", e);
                    }
                    None => prop_assert!(
                        ["body", "map", "source"].contains(&e.field.as_str()),
                        "{:?}",
                        e
                    ),
                }
            }
            prop_assert!(out.errors.total >= out.errors.listed.len());
            if out.errors.is_empty() {
                prop_assert_eq!(out.rows.len(), out.data_rows);
                prop_assert!(out.data_rows > 0);
                for r in &out.rows {
                    prop_assert!(r.line >= 2 && r.line <= lines);
                    prop_assert!(!r.text.trim().is_empty());
                    prop_assert!(!r.text.contains('\0'));
                }
            } else {
                prop_assert!(out.rows.is_empty());
            }
            Ok(())
        }

        proptest! {
            #[test]
            fn generated_exports_are_read_or_refused_by_line(bytes in file(), mapped in any::<bool>()) {
                check(&bytes, &plan(mapped))?;
            }

            #[test]
            fn garbage_bytes_are_refused_without_panicking(
                bytes in proptest::collection::vec(any::<u8>(), 0..300),
                mapped in any::<bool>(),
            ) {
                check(&bytes, &plan(mapped))?;
            }
        }
    }
}
