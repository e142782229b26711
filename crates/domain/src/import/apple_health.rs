//! Apple Health's export (`export.xml`, or the `export.zip` the Health app shares): daylight.
//!
//! Only `Record` elements of type `HKQuantityTypeIdentifierTimeInDaylight` are read (an Apple
//! Watch with watchOS 10 / iOS 17 or later records them); every other record type is counted and
//! skipped. The file is read as a stream with a pull parser, never as a tree: memory holds only
//! one element at a time plus, per day, the daylight intervals seen so far (compacted as they
//! grow), so a 5 GB export needs no more memory than a 5 MB one.
//!
//! Rules:
//! - **Local days.** Each timestamp (`2025-01-01 10:26:00 +0900`) is written in the time zone
//!   where it was recorded; a record belongs to the local date of its own `startDate`, in its
//!   own offset. Nothing is converted to UTC or to the server's zone. The record's `endDate` is
//!   read in the start's offset, so a record across a DST change keeps its true length.
//! - **Midnight.** A record that runs past local midnight is split between the dates in
//!   proportion to the time on each side.
//! - **Overlaps.** iPhone and Watch (or two Watches) can record the same minutes. We take, per
//!   day, the union of the recorded intervals, so a minute counts once however many devices
//!   saw it. A record whose `value` is less than its interval (only part of it in daylight) is
//!   spread evenly over it; where such records overlap, the largest share counts.
//! - **Units.** `min` (what Apple writes), also `s` and `hr`/`h`. Another unit is a problem.
//! - **Rounding.** The day's minutes become quarter hours rounded to the nearest (7.5 min up),
//!   at most 24 h.
//! - Only daylight is imported. In particular "outside in the morning" is *not* inferred from
//!   morning daylight: that is the person's own answer to a question.
//!
//! A damaged file (not well-formed XML, or cut short) stops the import with
//! [`ImportError::MalformedXml`], naming the line and byte: a file that ends early would
//! otherwise make its last day look shorter than it was.

use super::limits::{
    InflateGuard, MAX_DAYLIGHT_RECORDS, MAX_INFLATED_BYTES, MAX_RECORD_SECONDS,
    MAX_SOURCE_ROWS_PER_DAY, MAX_ZIP_ENTRIES, XmlGuard, as_limit, size,
};
use super::{
    ImportError, ImportPlan, ImportedDay, ImportedFields, RowProblem, SkipReason, check_date,
};
use crate::account::truncate;
use chrono::{Datelike, NaiveDate};
use quick_xml::events::{BytesStart, Event};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Cursor, Read, Seek};

/// The record type read.
pub const DAYLIGHT_TYPE: &str = "HKQuantityTypeIdentifierTimeInDaylight";

const DAY_SECONDS: i64 = 86_400;
/// How many bytes of each zip entry are looked at to recognise the export.
const PEEK: u64 = 256 * 1024;

/// Reads an Apple Health `export.xml` stream; `today` is the person's local date.
pub fn import_apple_health_xml<R: BufRead>(
    input: R,
    today: NaiveDate,
) -> Result<ImportPlan, ImportError> {
    // The guard refuses any one event longer than the limit, before quick-xml buffers it.
    let mut reader = quick_xml::Reader::from_reader(XmlGuard::new(LineCounting::new(input)));
    let mut buf = Vec::with_capacity(16 * 1024);
    let mut plan = ImportPlan::default();
    let mut days: BTreeMap<NaiveDate, DayAcc> = BTreeMap::new();
    let mut depth: u32 = 0;
    let mut seen_root = false;
    loop {
        if plan.counts.rows_used >= MAX_DAYLIGHT_RECORDS {
            return Err(ImportError::Limit(format!(
                "The export has more than {MAX_DAYLIGHT_RECORDS} daylight records, the most one \
                 import reads."
            )));
        }
        let event = reader.read_event_into(&mut buf);
        reader.get_mut().event_done();
        let line = reader.get_ref().get_ref().lines + 1;
        match event {
            Ok(Event::Start(e)) => {
                depth += 1;
                check_root(&mut seen_root, &e)?;
                if e.name().as_ref() == "Record" {
                    record(&e, line, today, &mut plan, &mut days);
                }
            }
            Ok(Event::Empty(e)) => {
                check_root(&mut seen_root, &e)?;
                if e.name().as_ref() == "Record" {
                    record(&e, line, today, &mut plan, &mut days);
                }
            }
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(quick_xml::Error::Io(e)) => {
                if let Some(message) = as_limit(&e) {
                    return Err(ImportError::Limit(message));
                }
                return Err(ImportError::Io(std::io::Error::new(
                    e.kind(),
                    e.to_string(),
                )));
            }
            Err(e) => {
                return Err(ImportError::MalformedXml {
                    line: line as u64,
                    byte: reader.error_position(),
                    message: e.to_string(),
                });
            }
        }
        buf.clear();
    }
    if !seen_root {
        return Err(ImportError::NotHealthExport(
            "it has no <HealthData> element.".to_owned(),
        ));
    }
    if depth > 0 {
        return Err(ImportError::MalformedXml {
            line: reader.get_ref().get_ref().lines as u64 + 1,
            byte: reader.buffer_position(),
            message: "the file ends before </HealthData>, so it was probably cut short".to_owned(),
        });
    }
    for (date, mut acc) in days {
        let seconds = acc.total_seconds();
        // Quarter hours to the nearest (half up), at most 96 (24 h).
        let quarters = ((seconds / 900.0) + 0.5).floor().clamp(0.0, 96.0) as u8;
        acc.lines.sort_unstable();
        plan.days.push(ImportedDay {
            date,
            fields: ImportedFields {
                daylight_quarter_hours: Some(quarters),
                ..ImportedFields::default()
            },
            source_rows: acc.lines,
        });
    }
    plan.problems.sort_by_key(|p| p.line);
    Ok(plan)
}

/// Reads the Health app's `export.zip`: the export is the first entry whose content starts with
/// `<?xml` and has a `<HealthData` element (its name depends on the phone's language, and the
/// zip also holds `export_cda.xml` and workout routes). The entry is inflated as a stream.
pub fn import_apple_health_zip<R: Read + Seek>(
    input: R,
    today: NaiveDate,
) -> Result<ImportPlan, ImportError> {
    let zip_error = |e: zip::result::ZipError| ImportError::Zip(e.to_string());
    let mut archive = zip::ZipArchive::new(input).map_err(zip_error)?;
    let mut inflated = 0u64;
    for i in 0..archive.len() {
        if i >= MAX_ZIP_ENTRIES {
            return Err(ImportError::Limit(format!(
                "The zip holds more than {MAX_ZIP_ENTRIES} files and none of the first is an \
                 Apple Health export; the most enough looks at is {MAX_ZIP_ENTRIES}."
            )));
        }
        if inflated > MAX_INFLATED_BYTES {
            return Err(ImportError::Limit(format!(
                "The zip inflates to more than {}, the most enough reads.",
                size(MAX_INFLATED_BYTES)
            )));
        }
        let entry = archive.by_index(i).map_err(zip_error)?;
        if entry.is_dir() {
            continue;
        }
        let compressed = entry.compressed_size();
        let mut entry = InflateGuard::new(entry, compressed, inflated);
        let mut prefix = Vec::new();
        (&mut entry)
            .take(PEEK)
            .read_to_end(&mut prefix)
            .map_err(|e| match as_limit(&e) {
                Some(message) => ImportError::Limit(message),
                None => ImportError::Zip(e.to_string()),
            })?;
        if !looks_like_export(&prefix) {
            inflated += entry.inflated();
            continue;
        }
        let stream = BufReader::with_capacity(256 * 1024, Cursor::new(prefix).chain(entry));
        return import_apple_health_xml(stream, today).map_err(|e| match e {
            ImportError::Io(io) => ImportError::Zip(io.to_string()),
            other => other,
        });
    }
    Err(ImportError::NotHealthExport(
        "the zip holds no export.xml (an XML file with a <HealthData> element).".to_owned(),
    ))
}

/// True when `prefix` starts an Apple Health export.
pub fn looks_like_export(prefix: &[u8]) -> bool {
    let body = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    body.starts_with(b"<?xml") && body.windows(11).any(|w| w == b"<HealthData")
}

fn check_root(seen_root: &mut bool, e: &BytesStart<'_>) -> Result<(), ImportError> {
    if !*seen_root {
        if e.name().as_ref() != "HealthData" {
            return Err(ImportError::NotHealthExport(format!(
                "its first element is <{}>, not <HealthData>.",
                truncate(e.name().as_ref(), 40)
            )));
        }
        *seen_root = true;
    }
    Ok(())
}

/// Handles one `Record` element.
fn record(
    e: &BytesStart<'_>,
    line: usize,
    today: NaiveDate,
    plan: &mut ImportPlan,
    days: &mut BTreeMap<NaiveDate, DayAcc>,
) {
    plan.counts.rows_read += 1;
    let mut start = None;
    let mut end = None;
    let mut value = None;
    let mut unit = None;
    let mut is_daylight = false;
    for attr in e.attributes().with_checks(false) {
        let Ok(attr) = attr else { continue };
        match attr.key.as_ref() {
            "type" => {
                if attr.value.as_ref() != DAYLIGHT_TYPE {
                    // `type` comes first in Apple's files, so other records stop here.
                    plan.counts.skip(SkipReason::NotImported);
                    return;
                }
                is_daylight = true;
            }
            "startDate" => start = Some(attr.value),
            "endDate" => end = Some(attr.value),
            "value" => value = Some(attr.value),
            "unit" => unit = Some(attr.value),
            _ => {}
        }
    }
    if !is_daylight {
        plan.counts.skip(SkipReason::NotImported);
        return;
    }
    let mut fail = |column: &str, message: String| {
        plan.problems
            .push(RowProblem::error(line, Some(column), message));
        plan.counts.skip(SkipReason::Problem);
    };
    let text = |v: &Option<std::borrow::Cow<'_, str>>| {
        v.as_deref().map(|t| truncate(t, 40)).unwrap_or_default()
    };
    let Some(start_ts) = start.as_deref().and_then(|s| parse_timestamp(s.as_bytes())) else {
        return fail(
            "startDate",
            format!(
                "\"{}\" is not a time like 2025-01-01 10:26:00 +0900.",
                text(&start)
            ),
        );
    };
    let Some(end_ts) = end.as_deref().and_then(|s| parse_timestamp(s.as_bytes())) else {
        return fail(
            "endDate",
            format!(
                "\"{}\" is not a time like 2025-01-01 10:31:00 +0900.",
                text(&end)
            ),
        );
    };
    let factor = match unit.as_deref() {
        Some("min") | None => 60.0,
        Some("s") => 1.0,
        Some("hr" | "h") => 3600.0,
        Some(_) => {
            return fail(
                "unit",
                format!(
                    "Daylight in \"{}\" cannot be read; Apple writes minutes (\"min\").",
                    text(&unit)
                ),
            );
        }
    };
    let amount = value
        .as_deref()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0);
    let Some(amount) = amount else {
        return fail(
            "value",
            format!("\"{}\" is not an amount of daylight.", text(&value)),
        );
    };
    let seconds = amount * factor;
    // Both ends on the start's local clock, in seconds from 0001-01-01.
    let t0 = start_ts.local;
    let mut t1 = end_ts.local - end_ts.offset + start_ts.offset;
    if t1 < t0 {
        return fail("endDate", "The record ends before it starts.".to_owned());
    }
    if t1 - t0 > MAX_RECORD_SECONDS {
        return fail(
            "endDate",
            "The record lasts more than two days; daylight records last minutes.".to_owned(),
        );
    }
    if t1 == t0 {
        if seconds > MAX_RECORD_SECONDS as f64 {
            return fail(
                "value",
                format!("\"{}\" is more daylight than two days hold.", text(&value)),
            );
        }
        // A point in time with an amount: place the amount after it.
        t1 = t0 + seconds.ceil() as i64;
    }
    let duration = (t1 - t0) as f64;
    let density = if duration > 0.0 {
        (seconds / duration).min(1.0) as f32
    } else {
        0.0
    };
    let first_day = t0.div_euclid(DAY_SECONDS);
    if let Some(date) = date_of(first_day)
        && let Err(message) = check_date(date, today)
    {
        return fail("startDate", message);
    }
    let mut day = first_day;
    loop {
        let day_start = day * DAY_SECONDS;
        let from = t0.max(day_start);
        let to = t1.min(day_start + DAY_SECONDS);
        if from >= to && day > first_day {
            break;
        }
        if let Some(date) = date_of(day)
            && check_date(date, today).is_ok()
        {
            let acc = days.entry(date).or_default();
            // Within 0..=86_400 by the min/max above.
            acc.push((from - day_start) as u32, (to - day_start) as u32, density);
            if acc.lines.last() != Some(&line) && acc.lines.len() < MAX_SOURCE_ROWS_PER_DAY {
                acc.lines.push(line);
            }
        }
        if to >= t1 {
            break;
        }
        day += 1;
    }
    plan.counts.rows_used += 1;
}

fn date_of(day_number: i64) -> Option<NaiveDate> {
    // Day 0 is 0001-01-01 in the numbering below (num_days_from_ce − 1).
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(day_number + 1).ok()?)
}

/// A timestamp as seconds on its own local clock plus its offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Timestamp {
    /// Local seconds since 0001-01-01 00:00 (local clock).
    local: i64,
    /// Offset from UTC in seconds (east positive).
    offset: i64,
}

/// `2025-01-01 10:26:00 +0900` (Apple's `%Y-%m-%d %H:%M:%S %z`).
fn parse_timestamp(raw: &[u8]) -> Option<Timestamp> {
    let raw = raw.trim_ascii();
    if raw.len() != 25 || raw[10] != b' ' || raw[19] != b' ' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let mut n = 0i64;
        for &b in raw.get(range)? {
            if !b.is_ascii_digit() {
                return None;
            }
            n = n * 10 + i64::from(b - b'0');
        }
        Some(n)
    };
    if raw[4] != b'-' || raw[7] != b'-' || raw[13] != b':' || raw[16] != b':' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(num(0..4)?).ok()?,
        u32::try_from(num(5..7)?).ok()?,
        u32::try_from(num(8..10)?).ok()?,
    )?;
    let (h, m, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let sign = match raw[20] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (oh, om) = (num(21..23)?, num(23..25)?);
    if oh > 14 || om > 59 {
        return None;
    }
    let day = i64::from(date.num_days_from_ce()) - 1;
    Some(Timestamp {
        local: day * DAY_SECONDS + h * 3600 + m * 60 + s,
        offset: sign * (oh * 3600 + om * 60),
    })
}

/// One day's daylight intervals (seconds from local midnight, with the share in daylight).
#[derive(Default)]
struct DayAcc {
    intervals: Vec<(u32, u32, f32)>,
    compacted_len: usize,
    lines: Vec<usize>,
}

impl DayAcc {
    fn push(&mut self, from: u32, to: u32, density: f32) {
        if to > from && density > 0.0 {
            self.intervals.push((from, to, density));
        }
        // Keep memory bounded on a day with very many records: replacing the intervals by
        // their disjoint union changes nothing in the final sum.
        if self.intervals.len() > 2 * self.compacted_len + 1024 {
            self.intervals = disjoint(&mut self.intervals);
            self.compacted_len = self.intervals.len();
        }
    }

    /// Seconds of daylight: the integral over the day of the largest share covering each moment.
    fn total_seconds(&mut self) -> f64 {
        disjoint(&mut self.intervals)
            .iter()
            .map(|(a, b, d)| f64::from(b - a) * f64::from(*d))
            .sum()
    }
}

/// The union of the intervals as disjoint pieces, each with the largest share covering it.
fn disjoint(intervals: &mut [(u32, u32, f32)]) -> Vec<(u32, u32, f32)> {
    if intervals.is_empty() {
        return Vec::new();
    }
    if intervals.iter().all(|i| i.2 >= 1.0) {
        // Common case (Apple's records are whole daylight intervals): a plain interval union.
        intervals.sort_unstable_by_key(|i| (i.0, i.1));
        let mut out: Vec<(u32, u32, f32)> = Vec::new();
        for &(a, b, d) in intervals.iter() {
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b, d)),
            }
        }
        return out;
    }
    let mut points: Vec<u32> = intervals.iter().flat_map(|i| [i.0, i.1]).collect();
    points.sort_unstable();
    points.dedup();
    intervals.sort_unstable_by_key(|i| i.0);
    // Max-heap of (share, end) for the intervals that have started; expired ones are dropped
    // lazily when they reach the top.
    let mut heap: std::collections::BinaryHeap<(u32, u32)> = std::collections::BinaryHeap::new();
    let mut next = 0;
    let mut out: Vec<(u32, u32, f32)> = Vec::new();
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        while next < intervals.len() && intervals[next].0 <= a {
            let (_, end, d) = intervals[next];
            heap.push(((d * 1_000_000.0) as u32, end));
            next += 1;
        }
        while heap.peek().is_some_and(|&(_, end)| end <= a) {
            heap.pop();
        }
        if let Some(&(share, _)) = heap.peek() {
            let d = share as f32 / 1_000_000.0;
            match out.last_mut() {
                Some(last) if last.1 == a && last.2 == d => last.1 = b,
                _ => out.push((a, b, d)),
            }
        }
    }
    out
}

/// Passes a `BufRead` through, counting the line breaks the parser has consumed, so that
/// problems can name a line without keeping any of the file.
struct LineCounting<R> {
    inner: R,
    lines: usize,
}

impl<R> LineCounting<R> {
    fn new(inner: R) -> Self {
        Self { inner, lines: 0 }
    }
}

impl<R: Read> Read for LineCounting<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.lines += count_newlines(&out[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounting<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let n = amt.min(buf.len());
            self.lines += count_newlines(&buf[..n]);
        }
        self.inner.consume(amt);
    }
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn timestamps_keep_their_own_offset() {
        let t = parse_timestamp(b"2025-01-01 10:26:00 +0900").unwrap();
        assert_eq!(t.offset, 9 * 3600);
        assert_eq!(
            date_of(t.local.div_euclid(DAY_SECONDS)),
            NaiveDate::from_ymd_opt(2025, 1, 1)
        );
        assert_eq!(t.local.rem_euclid(DAY_SECONDS), 10 * 3600 + 26 * 60);
        assert_eq!(
            parse_timestamp(b"2025-01-01 10:26:00 -0330")
                .unwrap()
                .offset,
            -(3 * 3600 + 30 * 60)
        );
        for bad in [
            &b"2025-01-01T10:26:00+0900"[..],
            b"2025-13-01 10:26:00 +0900",
            b"2025-01-01 25:26:00 +0900",
            b"",
        ] {
            assert_eq!(parse_timestamp(bad), None);
        }
    }

    #[test]
    fn overlaps_count_once_and_partial_shares_take_the_larger() {
        let mut full = vec![(0, 600, 1.0), (300, 900, 1.0), (1000, 1100, 1.0)];
        let sum: u32 = disjoint(&mut full).iter().map(|(a, b, _)| b - a).sum();
        assert_eq!(sum, 1000);
        let mut acc = DayAcc::default();
        acc.push(0, 600, 0.5);
        acc.push(300, 900, 1.0);
        assert!((acc.total_seconds() - (150.0 + 600.0)).abs() < 1e-3);
    }

    #[test]
    fn compaction_keeps_the_sum() {
        let mut acc = DayAcc::default();
        for i in 0..5000u32 {
            acc.push(i * 10, i * 10 + 15, 1.0);
        }
        assert!(acc.intervals.len() < 5000);
        assert!((acc.total_seconds() - 50_005.0).abs() < 1e-6);
    }
}
