//! The limits every import holds, whatever the file: work and memory stay bounded by these
//! numbers, not by what an upload claims or how it was crafted.
//!
//! | what | limit | why |
//! |---|---|---|
//! | a CSV file | [`MAX_CSV_BYTES`] | Daylio and Bearable exports of many years are a few MB |
//! | one CSV row (its bytes, across quoted line breaks) | [`MAX_ROW_BYTES`] | a row with a 2,000-character note is under 10 KB |
//! | columns in one CSV row | [`MAX_COLUMNS`] | the formats read have under 20 |
//! | CSV rows | [`MAX_ROWS`] | one row per entry: 1,000,000 is centuries of daily use |
//! | daylight records used (Apple Health) | [`MAX_DAYLIGHT_RECORDS`] | bounds the intervals kept per day |
//! | one XML event (text node, tag with attributes, comment, DTD) | [`MAX_XML_EVENT_BYTES`] | Apple's largest (the DTD) is about 10 KB |
//! | days one daylight record spans | [`MAX_RECORD_SECONDS`] | Apple's records last minutes |
//! | zip: inflated ÷ compressed size of an entry | [`MAX_ZIP_RATIO`] | export.xml compresses about 15 : 1 |
//! | zip: bytes inflated in all | [`MAX_INFLATED_BYTES`] | the largest real exports are a few GB |
//! | problems kept | [`MAX_PROBLEMS_KEPT`] | the rest are counted ([`Problems::not_kept`]) |
//!
//! A limit reached stops the import with [`ImportError::Limit`], naming the limit; nothing is
//! written. The readers below raise it from inside `Read`, so that no parser ever buffers more
//! than the limit (a 2 GB text node is refused after 1 MiB, not after 2 GB).

use super::{ImportError, RowProblem, Severity};
use std::io::{self, BufRead, Read};

/// The largest CSV file read (32 MiB).
pub const MAX_CSV_BYTES: u64 = 32 * 1024 * 1024;
/// The largest CSV row, in bytes (1 MiB), including line breaks inside quoted fields.
pub const MAX_ROW_BYTES: usize = 1024 * 1024;
/// The most columns one CSV row may have.
pub const MAX_COLUMNS: usize = 1_000;
/// The most rows one CSV import reads.
pub const MAX_ROWS: usize = 1_000_000;
/// The most daylight records one Apple Health import uses (a watch writes a few dozen a day).
pub const MAX_DAYLIGHT_RECORDS: usize = 1_000_000;
/// The most source lines remembered for one day (only shown, never needed to import).
pub const MAX_SOURCE_ROWS_PER_DAY: usize = 1_000;
/// The largest single XML event (1 MiB): a text node, a tag with its attributes, a comment.
pub const MAX_XML_EVENT_BYTES: usize = 1024 * 1024;
/// The longest one daylight record may last (two days), also for a point in time with an amount.
pub const MAX_RECORD_SECONDS: i64 = 2 * 86_400;
/// The largest ratio of inflated to compressed size of a zip entry.
pub const MAX_ZIP_RATIO: u64 = 200;
/// The most bytes inflated from one zip in all (16 GiB).
pub const MAX_INFLATED_BYTES: u64 = 16 * 1024 * 1024 * 1024;
/// The most zip entries looked at.
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// How many problems are kept; the others are only counted.
pub const MAX_PROBLEMS_KEPT: usize = 100;

/// A limit reached while reading, carried through `std::io::Error` from inside a reader.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LimitReached(pub String);

pub(crate) fn limit_error(message: String) -> io::Error {
    io::Error::other(LimitReached(message))
}

/// The limit inside an I/O error, if that is what it carries.
pub(crate) fn as_limit(e: &io::Error) -> Option<String> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<LimitReached>())
        .map(|l| l.0.clone())
}

impl From<LimitReached> for ImportError {
    fn from(l: LimitReached) -> Self {
        ImportError::Limit(l.0)
    }
}

/// `1048576` as `1 MiB`, `33554432` as `32 MiB`.
pub(crate) fn size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= 1024 * MIB && bytes.is_multiple_of(1024 * MIB) {
        format!("{} GiB", bytes / (1024 * MIB))
    } else if bytes >= MIB {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

/// The problems an import found: the first [`MAX_PROBLEMS_KEPT`] in full, the rest counted.
///
/// Reads as a slice of the kept problems.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    kept: Vec<RowProblem>,
    not_kept: usize,
    errors_not_kept: usize,
}

impl Problems {
    /// Keeps `p` while fewer than [`MAX_PROBLEMS_KEPT`] are kept; counts it otherwise.
    pub fn push(&mut self, p: RowProblem) {
        if self.kept.len() < MAX_PROBLEMS_KEPT {
            self.kept.push(p);
        } else {
            self.not_kept += 1;
            if p.severity == Severity::Error {
                self.errors_not_kept += 1;
            }
        }
    }

    /// Moves every problem of `more` in, as [`Problems::push`] does.
    pub fn append(&mut self, more: &mut Problems) {
        for p in more.kept.drain(..) {
            self.push(p);
        }
        self.not_kept += std::mem::take(&mut more.not_kept);
        self.errors_not_kept += std::mem::take(&mut more.errors_not_kept);
    }

    /// Problems found but not kept.
    pub fn not_kept(&self) -> usize {
        self.not_kept
    }

    /// Every problem found, kept or not.
    pub fn total(&self) -> usize {
        self.kept.len() + self.not_kept
    }

    /// Every problem of [`Severity::Error`] found, kept or not.
    pub fn error_total(&self) -> usize {
        self.kept
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
            + self.errors_not_kept
    }
}

impl std::ops::Deref for Problems {
    type Target = [RowProblem];
    fn deref(&self) -> &[RowProblem] {
        &self.kept
    }
}

impl std::ops::DerefMut for Problems {
    fn deref_mut(&mut self) -> &mut [RowProblem] {
        &mut self.kept
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CsvState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Passes CSV bytes through, refusing a file, row or column count over the limits before the
/// CSV parser buffers them. It follows quoting as the `csv` crate does (a quote opens a field
/// only at its start; `""` inside quotes is a quote), so line breaks in quoted notes are fine.
pub(crate) struct CsvGuard<R> {
    inner: R,
    state: CsvState,
    total: u64,
    row_bytes: usize,
    columns: usize,
    rows: usize,
    /// 1-based line of the byte being read.
    line: usize,
    /// Line where the current row started.
    row_line: usize,
    failed: Option<String>,
}

impl<R> CsvGuard<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            state: CsvState::FieldStart,
            total: 0,
            row_bytes: 0,
            columns: 1,
            rows: 0,
            line: 1,
            row_line: 1,
            failed: None,
        }
    }

    fn check(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.total += bytes.len() as u64;
        if self.total > MAX_CSV_BYTES {
            return Err(format!(
                "The file is larger than {}, the most one import reads; split it by year and \
                 import each part.",
                size(MAX_CSV_BYTES)
            ));
        }
        for &b in bytes {
            self.row_bytes += 1;
            let end_of_row = match (self.state, b) {
                (CsvState::Quoted, b'"') => {
                    self.state = CsvState::QuoteInQuoted;
                    false
                }
                (CsvState::Quoted, _) => false,
                (CsvState::FieldStart, b'"') => {
                    self.state = CsvState::Quoted;
                    false
                }
                (CsvState::QuoteInQuoted, b'"') => {
                    self.state = CsvState::Quoted;
                    false
                }
                (_, b',') => {
                    self.state = CsvState::FieldStart;
                    self.columns += 1;
                    if self.columns > MAX_COLUMNS {
                        return Err(format!(
                            "The row on line {} has more than {MAX_COLUMNS} columns, the most \
                             one import reads; this is not an export enough can read.",
                            self.row_line
                        ));
                    }
                    false
                }
                (_, b'\n' | b'\r') => true,
                _ => {
                    self.state = CsvState::Unquoted;
                    false
                }
            };
            if b == b'\n' {
                self.line += 1;
            }
            if end_of_row {
                self.state = CsvState::FieldStart;
                self.columns = 1;
                self.row_bytes = 0;
                self.row_line = self.line;
                if b == b'\n' {
                    self.rows += 1;
                    if self.rows > MAX_ROWS {
                        return Err(format!(
                            "The file has more than {MAX_ROWS} rows, the most one import reads; \
                             split it and import each part."
                        ));
                    }
                }
            } else if self.row_bytes > MAX_ROW_BYTES {
                return Err(format!(
                    "The row on line {} is longer than {}, the most one row may hold{}.",
                    self.row_line,
                    size(MAX_ROW_BYTES as u64),
                    if self.state == CsvState::Quoted {
                        " (perhaps a quote \" is not closed)"
                    } else {
                        ""
                    }
                ));
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for CsvGuard<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if let Some(m) = &self.failed {
            return Err(limit_error(m.clone()));
        }
        let n = self.inner.read(out)?;
        if let Err(m) = self.check(&out[..n]) {
            self.failed = Some(m.clone());
            return Err(limit_error(m));
        }
        Ok(n)
    }
}

/// Passes XML through, refusing any single event (text, tag, comment…) longer than
/// [`MAX_XML_EVENT_BYTES`]: the caller marks where each event ends with
/// [`XmlGuard::event_done`]; reading further than the limit past that mark is an error.
pub(crate) struct XmlGuard<R> {
    inner: R,
    consumed: u64,
    event_start: u64,
    limit: u64,
}

impl<R> XmlGuard<R> {
    pub fn new(inner: R) -> Self {
        Self::with_limit(inner, MAX_XML_EVENT_BYTES as u64)
    }

    fn with_limit(inner: R, limit: u64) -> Self {
        Self {
            inner,
            consumed: 0,
            event_start: 0,
            limit,
        }
    }

    /// Marks the end of one parsed event.
    pub fn event_done(&mut self) {
        self.event_start = self.consumed;
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    fn over(&self) -> io::Result<()> {
        if self.consumed - self.event_start > self.limit {
            return Err(limit_error(format!(
                "One element or text in the file is longer than {}, the most enough reads in \
                 one piece; this is not an Apple Health export enough can read.",
                size(self.limit)
            )));
        }
        Ok(())
    }
}

impl<R: Read> Read for XmlGuard<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.over()?;
        let n = self.inner.read(out)?;
        self.consumed += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for XmlGuard<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.over()?;
        // Hand out no more than the event may still use (plus one byte to notice the excess),
        // so that even an input already in memory is never copied whole into one event.
        let room = self.limit - (self.consumed - self.event_start) + 1;
        let buf = self.inner.fill_buf()?;
        let n = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        Ok(&buf[..n])
    }

    fn consume(&mut self, amt: usize) {
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
}

/// Counts what is inflated from a zip, refusing an entry whose ratio to its compressed size is
/// over [`MAX_ZIP_RATIO`] (a "zip bomb") or a total over [`MAX_INFLATED_BYTES`].
pub(crate) struct InflateGuard<R> {
    inner: R,
    read: u64,
    entry_limit: u64,
}

impl<R> InflateGuard<R> {
    /// `compressed` is the entry's compressed size; `already` what earlier entries inflated.
    pub fn new(inner: R, compressed: u64, already: u64) -> Self {
        let by_ratio = compressed.saturating_mul(MAX_ZIP_RATIO).max(1024 * 1024);
        Self {
            inner,
            read: 0,
            entry_limit: by_ratio.min(MAX_INFLATED_BYTES.saturating_sub(already)),
        }
    }

    /// Bytes inflated so far from this entry.
    pub fn inflated(&self) -> u64 {
        self.read
    }
}

impl<R: Read> Read for InflateGuard<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.read += n as u64;
        if self.read > self.entry_limit {
            return Err(limit_error(format!(
                "The zip inflates to more than {} times its size (or more than {} in all), the \
                 most enough reads; this is not an export the Health app made.",
                MAX_ZIP_RATIO,
                size(MAX_INFLATED_BYTES)
            )));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(r: impl Read) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let mut r = r;
        r.read_to_end(&mut out)
            .map(|_| out)
            .map_err(|e| as_limit(&e).unwrap_or_else(|| e.to_string()))
    }

    #[test]
    fn csv_guard_passes_quoted_line_breaks_and_refuses_wide_or_long_rows() {
        let ok = b"date,note\n2025-01-01,\"a, \"\"quoted\"\"\nnote\"\n2025-01-02,5\" tall\n";
        assert_eq!(read_all(CsvGuard::new(&ok[..])).unwrap(), ok.to_vec());
        let wide = format!("a{}\n", ",".repeat(MAX_COLUMNS));
        let e = read_all(CsvGuard::new(wide.as_bytes())).unwrap_err();
        assert!(e.contains("more than 1000 columns"), "{e}");
        let long = format!("date,note\n2025-01-01,{}\n", "x".repeat(MAX_ROW_BYTES + 1));
        let e = read_all(CsvGuard::new(long.as_bytes())).unwrap_err();
        assert!(e.contains("line 2 is longer than 1 MiB"), "{e}");
        // Many short lines inside one unclosed quote are still one row.
        let open = format!("a,\"{}", "x\n".repeat(MAX_ROW_BYTES));
        let e = read_all(CsvGuard::new(open.as_bytes())).unwrap_err();
        assert!(e.contains("quote"), "{e}");
    }

    #[test]
    fn xml_guard_refuses_one_long_event_but_not_a_long_file() {
        let mut g = XmlGuard::with_limit(&b"0123456789abcdef"[..], 8);
        let mut buf = [0u8; 4];
        for _ in 0..4 {
            assert_eq!(g.read(&mut buf).unwrap(), 4);
            g.event_done();
        }
        let mut g = XmlGuard::with_limit(&b"0123456789abcdef"[..], 8);
        assert!(g.read(&mut [0u8; 9]).is_ok());
        let e = g.read(&mut buf).unwrap_err();
        assert!(as_limit(&e).unwrap().contains("longer than 1 KiB"));
    }

    #[test]
    fn problems_keep_the_first_hundred_and_count_the_rest() {
        let mut p = Problems::default();
        for line in 0..250 {
            p.push(RowProblem::error(line, None, "bad"));
        }
        p.push(RowProblem::warning(251, None, "meh"));
        assert_eq!(p.len(), MAX_PROBLEMS_KEPT);
        assert_eq!(p.not_kept(), 151);
        assert_eq!(p.total(), 251);
        assert_eq!(p.error_total(), 250);
    }

    use crate::import::apple_health::{import_apple_health_xml, import_apple_health_zip};
    use crate::import::generic::import_generic;
    use chrono::NaiveDate;
    use std::io::Write;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn limit_message(r: Result<crate::import::ImportPlan, ImportError>) -> String {
        match r {
            Err(ImportError::Limit(m)) => m,
            other => panic!("expected a limit, got {other:?}"),
        }
    }

    /// A zip of one `export.xml` whose body is `head`, `filler` repeated `times`, then `tail`.
    pub(crate) fn zipped(head: &str, filler: &[u8], times: usize, tail: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file(
            "apple_health_export/export.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(head.as_bytes()).unwrap();
        for _ in 0..times {
            zip.write_all(filler).unwrap();
        }
        zip.write_all(tail.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    const HEAD: &str = "<?xml version=\"1.0\"?>\n<HealthData locale=\"en\">\n";

    #[test]
    fn a_zip_holding_one_huge_text_node_is_refused_early() {
        // 32 MiB of text in a zip of about 32 KB: refused by the ratio or the event limit.
        let bytes = zipped(HEAD, &[b'a'; 1 << 20], 32, "</HealthData>\n");
        assert!(bytes.len() < 2 << 20, "{}", bytes.len());
        let m = limit_message(import_apple_health_zip(
            std::io::Cursor::new(bytes),
            today(),
        ));
        assert!(
            m.contains("times its size") || m.contains("longer than 1 MiB"),
            "{m}"
        );
        // The same shape without zip: the event limit alone.
        let mut xml = HEAD.as_bytes().to_vec();
        xml.extend(std::iter::repeat_n(b'a', 3 << 20));
        xml.extend_from_slice(b"</HealthData>");
        let m = limit_message(import_apple_health_xml(&xml[..], today()));
        assert!(m.contains("longer than 1 MiB"), "{m}");
        // A huge attribute too.
        let mut xml = HEAD.as_bytes().to_vec();
        xml.extend_from_slice(b"<Record note=\"");
        xml.extend(std::iter::repeat_n(b'>', 3 << 20));
        xml.extend_from_slice(b"\"/></HealthData>");
        let m = limit_message(import_apple_health_xml(&xml[..], today()));
        assert!(m.contains("longer than 1 MiB"), "{m}");
    }

    #[test]
    fn a_point_record_with_a_huge_value_is_one_problem_not_billions_of_steps() {
        let xml = format!(
            "{HEAD}<Record type=\"HKQuantityTypeIdentifierTimeInDaylight\" unit=\"min\" \
             startDate=\"2025-01-01 10:00:00 +0000\" endDate=\"2025-01-01 10:00:00 +0000\" \
             value=\"1e13\"/>\n<Record type=\"HKQuantityTypeIdentifierTimeInDaylight\" \
             unit=\"min\" startDate=\"1990-01-01 10:00:00 +0000\" \
             endDate=\"2025-01-01 10:00:00 +0000\" value=\"5\"/>\n</HealthData>\n"
        );
        let started = std::time::Instant::now();
        let plan = import_apple_health_xml(xml.as_bytes(), today()).unwrap();
        assert!(started.elapsed().as_secs() < 2);
        assert!(plan.days.is_empty());
        let columns: Vec<_> = plan.problems.iter().map(|p| p.column.clone()).collect();
        assert_eq!(
            columns,
            [Some("value".to_owned()), Some("endDate".to_owned())]
        );
    }

    #[test]
    fn many_bad_records_keep_a_hundred_problems_and_count_the_rest() {
        let record = "<Record type=\"HKQuantityTypeIdentifierTimeInDaylight\" unit=\"min\" \
                      startDate=\"bad\" endDate=\"2025-01-01 10:05:00 +0000\" value=\"5\"/>\n";
        let xml = format!("{HEAD}{}</HealthData>\n", record.repeat(5_000));
        let plan = import_apple_health_xml(xml.as_bytes(), today()).unwrap();
        assert_eq!(plan.problems.len(), MAX_PROBLEMS_KEPT);
        assert_eq!(plan.problems.total(), 5_000);
        assert_eq!(plan.problems.error_total(), 5_000);
        assert_eq!(plan.counts.rows_read, 5_000);
    }

    #[test]
    fn a_csv_with_thousands_of_columns_or_a_ten_megabyte_line_is_refused() {
        let wide = format!("date,mood\n2025-01-01{}\n", ",5".repeat(5_000));
        let m = limit_message(import_generic(wide.as_bytes(), today()));
        assert!(m.contains("line 2 has more than 1000 columns"), "{m}");
        let long = format!("date,note\n2025-01-01,{}\n", "x".repeat(10 << 20));
        let m = limit_message(import_generic(long.as_bytes(), today()));
        assert!(m.contains("line 2 is longer than 1 MiB"), "{m}");
        let big = format!(
            "date,note\n{}",
            format!("{}\n", "9".repeat(99)).repeat(420_000)
        );
        let m = limit_message(import_generic(big.as_bytes(), today()));
        assert!(m.contains("larger than 32 MiB"), "{m}");
    }
}
