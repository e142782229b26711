//! Rows of a CSV file with their line numbers, shared by the CSV importers.
//!
//! Quoted fields may hold commas and line breaks; a UTF-8 byte order mark is dropped; a field
//! that is not UTF-8 becomes a problem for its row instead of stopping the import.

use super::limits::CsvGuard;
use super::{ImportError, RowProblem};
use csv::{ByteRecord, ReaderBuilder};
use std::io::{BufRead, BufReader, Read};

/// One data row: its first line and its fields as text.
pub(crate) struct Row {
    pub line: usize,
    pub fields: Vec<String>,
}

/// What reading the next row gave.
pub(crate) enum Next {
    Row(Row),
    /// A row with a field that is not UTF-8; the problem names it.
    Unreadable(RowProblem),
    End,
}

pub(crate) struct CsvRows<R: Read> {
    reader: csv::Reader<BufReader<CsvGuard<R>>>,
    record: ByteRecord,
    header: Vec<String>,
    /// Added to the csv crate's line numbers: with `\r\n` line ends it places a record's start
    /// on the `\n` that ends the line before.
    line_shift: usize,
}

const NOT_UTF8: &str = "This value is not UTF-8 text (the file looks like Latin-1 or Windows-1252). \
     Save or export the file as UTF-8 and import it again.";

impl<R: Read> CsvRows<R> {
    /// Reads the header row. Its names are trimmed and lower-cased, with any BOM removed.
    /// The file is read within the [`limits`](super::limits) (size, row length, columns).
    pub fn open(input: R) -> Result<Self, ImportError> {
        let mut input = BufReader::with_capacity(64 * 1024, CsvGuard::new(input));
        let head = input.fill_buf()?;
        let crlf = head
            .iter()
            .position(|b| *b == b'\n')
            .is_some_and(|i| i > 0 && head[i - 1] == b'\r');
        let mut reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut record = ByteRecord::new();
        if !reader.read_byte_record(&mut record).map_err(csv_error)? {
            return Err(ImportError::Empty);
        }
        let first = record.get(0).unwrap_or_default();
        if first.starts_with(&[0xFF, 0xFE]) || first.starts_with(&[0xFE, 0xFF]) {
            return Err(ImportError::Encoding(
                "The file is UTF-16 text; save or export it as UTF-8 (CSV UTF-8) and import it again."
                    .to_owned(),
            ));
        }
        let header = record
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                let raw = if i == 0 {
                    raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
                } else {
                    raw
                };
                String::from_utf8_lossy(raw).trim().to_lowercase()
            })
            .collect();
        Ok(Self {
            reader,
            record,
            header,
            line_shift: usize::from(crlf),
        })
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    pub fn next_row(&mut self) -> Result<Next, ImportError> {
        if !self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(csv_error)?
        {
            return Ok(Next::End);
        }
        let line = self
            .record
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX))
            .saturating_add(self.line_shift);
        let mut fields = Vec::with_capacity(self.record.len());
        for (i, raw) in self.record.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(text) => fields.push(text.to_owned()),
                Err(_) => {
                    let column = self.header.get(i).map(String::as_str);
                    return Ok(Next::Unreadable(RowProblem::error(line, column, NOT_UTF8)));
                }
            }
        }
        Ok(Next::Row(Row { line, fields }))
    }
}

fn csv_error(e: csv::Error) -> ImportError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ImportError::from(io),
        other => ImportError::Io(std::io::Error::other(format!("{other:?}"))),
    }
}

/// True when every field is blank.
pub(crate) fn is_blank(fields: &[String]) -> bool {
    fields.iter().all(|f| f.trim().is_empty())
}

/// Where each wanted column sits in the header.
pub(crate) fn index_of(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name)
}

/// The field at `i`, or "" when the row is short.
pub(crate) fn field(fields: &[String], i: Option<usize>) -> &str {
    i.and_then(|i| fields.get(i)).map_or("", String::as_str)
}
