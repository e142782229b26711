//! `enough import`: preview, then one all-or-nothing write, with a progress line on long files.

use crate::cli::ImportArgs;
use crate::commands::{print_support, readable};
use anyhow::{Context, Result, anyhow};
use enough_app::{App, ImportFormat, first_problems};
use enough_domain::import::{ConflictRule, FillIn};
use std::io::{IsTerminal, Read, Seek, SeekFrom, Write};
use std::time::{Duration, Instant};

/// Files larger than this show progress while they are read.
const PROGRESS_FROM_BYTES: u64 = 8 * 1024 * 1024;

/// A reader that reports how far it got, with throughput, at most a few times a second.
struct Progress<R> {
    inner: R,
    total: u64,
    read: u64,
    started: Instant,
    last: Instant,
    show: bool,
}

impl<R> Progress<R> {
    fn report(&mut self, done: bool) {
        if !self.show || (!done && self.last.elapsed() < Duration::from_millis(250)) {
            return;
        }
        self.last = Instant::now();
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let mb = |b: u64| b as f64 / 1_048_576.0;
        let percent = (self.read.min(self.total) * 100)
            .checked_div(self.total)
            .unwrap_or(100);
        let bar_width = 30;
        let filled = usize::try_from(percent).unwrap_or(100) * bar_width / 100;
        let line = format!(
            "\r[{}{}] {percent:>3}%  {:.0} of {:.0} MB  {:.0} MB/s",
            "#".repeat(filled),
            " ".repeat(bar_width - filled),
            mb(self.read.min(self.total)),
            mb(self.total),
            mb(self.read) / secs
        );
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        if done {
            let _ = err.write_all(b"\n");
        }
    }
}

impl<R: Read> Read for Progress<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        self.report(false);
        Ok(n)
    }
}

impl<R: Seek> Seek for Progress<R> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        let at = self.inner.seek(pos)?;
        self.read = at;
        Ok(at)
    }
}

/// Runs `enough import`.
pub async fn run(app: App, args: ImportArgs) -> Result<()> {
    if args.format == "json" {
        return own_export(app, args).await;
    }
    let format = ImportFormat::parse(&args.format)
        .ok_or_else(|| anyhow!("FORMAT must be daylio, bearable, csv or apple-health"))?;
    let user = app.me_at_shell(&args.email).await.map_err(readable)?;
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("FILE {}: cannot open", args.file.display()))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let rule = if args.rule == "take-imported" {
        ConflictRule::TakeImported
    } else {
        ConflictRule::KeepMine
    };
    let fill = FillIn {
        daylight_quarter_hours: args
            .fill_daylight
            .map(|h| {
                if (0.0..=24.0).contains(&h) {
                    // At most 96 quarter hours: the cast cannot overflow.
                    Ok((h * 4.0).round() as u8)
                } else {
                    Err(anyhow!("--fill-daylight: hours from 0 to 24"))
                }
            })
            .transpose()?,
        energy: check_scale("--fill-energy", args.fill_energy)?,
        mood: check_scale("--fill-mood", args.fill_mood)?,
        outside_morning: args.fill_outside.as_deref().map(|v| v == "yes"),
    };
    let show = total >= PROGRESS_FROM_BYTES && std::io::stderr().is_terminal();
    let reader = Progress {
        inner: std::io::BufReader::with_capacity(1 << 20, file),
        total,
        read: 0,
        started: Instant::now(),
        last: Instant::now(),
        show,
    };
    let started = Instant::now();
    let preview = app
        .preview_import(
            &user,
            format,
            reader,
            rule,
            Some(fill),
            enough_domain::import::daylio::DaylioOptions {
                moods: enough_app::parse_mood_mapping(&args.moods).map_err(readable)?,
                activities: enough_app::parse_activity_mapping(&args.activities)
                    .map_err(readable)?,
            },
        )
        .await
        .map_err(|e| anyhow!("{}: {}", args.file.display(), readable(e)))?;
    if show {
        eprintln!();
    }
    let plan = &preview.plan;
    println!(
        "Read {} rows in {:.1} s: {} usable, {} days found.",
        plan.counts.rows_read,
        started.elapsed().as_secs_f64(),
        plan.counts.rows_used,
        plan.days.len()
    );
    println!(
        "Would create {} days, change {}, leave {} as they are.",
        preview.new_days, preview.changed_days, preview.unchanged_days
    );
    if !preview.needs_values.is_empty() {
        println!(
            "{} days in the file hold no value this app keeps; they are skipped (or give a value with --fill-daylight, --fill-energy, --fill-mood or --fill-outside).",
            preview.needs_values.len(),
        );
    }
    let missing = |n: usize, what: &str| (n > 0).then(|| format!("{n} without {what}"));
    let lack = |f: fn(&enough_domain::import::ImportedFields) -> bool| {
        plan.days.iter().filter(|d| f(&d.fields)).count()
    };
    let lacking: Vec<String> = [
        missing(lack(|f| f.mood.is_none()), "mood"),
        missing(lack(|f| f.energy.is_none()), "energy"),
        missing(lack(|f| f.daylight_quarter_hours.is_none()), "daylight"),
        missing(
            lack(|f| f.outside_morning.is_none()),
            "outside in the morning",
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !lacking.is_empty() {
        println!(
            "Of the days in the file, {}: those values stay missing, never guessed.",
            lacking.join(", ")
        );
    }
    if format == ImportFormat::Daylio
        && let Some(unmatched) = enough_app::unmatched_activities(plan)
    {
        println!(
            "Not matched to a habit: {unmatched}. Add them with --activities if you want them counted."
        );
    }
    let problems = first_problems(plan, 20);
    if !problems.is_empty() {
        println!(
            "{} problems (rows with errors are skipped):",
            plan.problems.total()
        );
        for p in problems {
            println!("  {p}");
        }
    }
    if preview.error_count > 0 {
        return Err(anyhow!(
            "{} with errors, so nothing was imported: correct or remove {} and import again",
            if preview.error_count == 1 {
                "1 row".to_owned()
            } else {
                format!("{} rows", preview.error_count)
            },
            if preview.error_count == 1 {
                "it"
            } else {
                "them"
            }
        ));
    }
    if total > 0 && plan.days.is_empty() {
        let reason = match first_problems(plan, 1).into_iter().next() {
            Some(p) => format!("the first problem: {p}"),
            None if plan.counts.rows_read == 0 => "it holds no rows of data".to_owned(),
            None => format!(
                "none of its {} rows holds a value this app keeps",
                plan.counts.rows_read
            ),
        };
        return Err(anyhow!(
            "{}: nothing could be imported; {reason}",
            args.file.display()
        ));
    }
    if args.dry_run {
        println!("Dry run: nothing was written.");
        return Ok(());
    }
    let (written, support) = app
        .apply_import(&user, &preview.writes)
        .await
        .map_err(readable)?;
    println!("Wrote {written} days in one transaction.");
    print_support(support.as_ref());
    Ok(())
}

fn check_scale(flag: &str, value: Option<u8>) -> Result<Option<u8>> {
    match value {
        Some(v) if v > 10 => Err(anyhow!("{flag}: a whole number from 0 to 10")),
        other => Ok(other),
    }
}

/// `enough import json FILE`: an export made by enough, back into an account.
async fn own_export(app: App, args: ImportArgs) -> Result<()> {
    let user = app.me_at_shell(&args.email).await.map_err(readable)?;
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("FILE {}: cannot read", args.file.display()))?;
    let size = file
        .metadata()
        .with_context(|| format!("FILE {}: cannot read", args.file.display()))?
        .len();
    let max = enough_app::OWN_EXPORT_MAX_BYTES;
    if size > max {
        return Err(anyhow!(
            "FILE {}: {} MiB is larger than {} MiB, the most `enough import json` reads",
            args.file.display(),
            size.div_ceil(1024 * 1024),
            max / (1024 * 1024)
        ));
    }
    // Parsed from the stream (no copy of the text), never past the limit.
    let reader = std::io::BufReader::new(std::io::Read::take(file, max));
    let export: enough_app::Export = serde_json::from_reader(reader).map_err(|e| {
        anyhow!(
            "FILE {}: not an enough JSON export: {e}",
            args.file.display()
        )
    })?;
    if args.dry_run {
        println!(
            "Would import {} days, {} reflections, {} exercises, {} questionnaire responses, {} activities (already present ones are skipped). Dry run: nothing was written.",
            export.days.len(),
            export.reflections.len(),
            export.exercises.len(),
            export.questionnaire_responses.len(),
            export.activities.len()
        );
        return Ok(());
    }
    let (s, support) = app
        .import_own_export(&user, &export)
        .await
        .map_err(readable)?;
    println!(
        "Imported {} days, {} reflections, {} exercises, {} questionnaire responses, {} activities, {} programmes; {} parts not recreated (experiments, composed programmes).",
        s.days, s.reflections, s.exercises, s.responses, s.activities, s.programmes, s.left_out
    );
    print_support(support.as_ref());
    Ok(())
}
