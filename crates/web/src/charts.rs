//! Charts as server-rendered SVG: no JavaScript, readable on a phone, printable, and each with
//! a `<title>` and `<desc>` that say in words what the picture shows. Colours come from the
//! stylesheet's classes, so dark mode and print work.

use chrono::{Datelike, NaiveDate};
use enough_domain::day::DayEntry;
use enough_domain::light_mood::{Comparison, Finding};
use enough_domain::reflection::{bounds, one};
use std::fmt::Write;

const W: f64 = 640.0;

/// A coordinate, written to the nearest tenth as integer arithmetic: `12.3`, `12` (not
/// `12.0`), `-0.5`. Formatting floats with `{:.1}` took ~40% of the insights page's time.
#[derive(Clone, Copy)]
struct C(f64);

impl std::fmt::Display for C {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Coordinates are a few thousand at most; anything else (NaN, huge) is clamped.
        let tenths = (self.0 * 10.0).round().clamp(-1e15, 1e15) as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let (whole, tenth) = (tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10);
        if tenth == 0 {
            write!(f, "{sign}{whole}")
        } else {
            write!(f, "{sign}{whole}.{tenth}")
        }
    }
}

/// Escapes text for SVG/XML.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn open(svg: &mut String, id: &str, height: f64, title: &str, desc: &str) {
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {W} {height}" role="img" aria-labelledby="{id}-t {id}-d" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(title),
        esc(desc)
    );
}

fn short(date: NaiveDate) -> String {
    date.format("%-d %b").to_string()
}

/// A linear scale from a data range to a pixel range.
#[derive(Clone, Copy)]
struct Scale {
    d0: f64,
    d1: f64,
    p0: f64,
    p1: f64,
}

impl Scale {
    fn at(self, v: f64) -> f64 {
        let span = if self.d1 > self.d0 {
            self.d1 - self.d0
        } else {
            1.0
        };
        self.p0 + (v - self.d0) / span * (self.p1 - self.p0)
    }
}

fn day_number(date: NaiveDate) -> f64 {
    f64::from(date.num_days_from_ce())
}

/// Mean of each calendar week (Monday first), placed mid-week.
/// Weekly means of `value` over the days that have it (missing values are skipped).
fn weekly_means(days: &[DayEntry], value: impl Fn(&DayEntry) -> Option<f64>) -> Vec<(f64, f64)> {
    let mut weeks: Vec<(NaiveDate, f64, usize)> = Vec::new();
    for d in days {
        let Some(v) = value(d) else { continue };
        let monday = d.date - chrono::Days::new(u64::from(d.date.weekday().num_days_from_monday()));
        match weeks.last_mut() {
            Some(w) if w.0 == monday => {
                w.1 += v;
                w.2 += 1;
            }
            _ => weeks.push((monday, v, 1)),
        }
    }
    weeks
        .into_iter()
        .map(|(monday, sum, n)| (day_number(monday) + 3.0, sum / n as f64))
        .collect()
}

fn polyline(svg: &mut String, class: &str, points: &[(f64, f64)]) {
    if points.len() < 2 {
        for (x, y) in points {
            let _ = write!(
                svg,
                r#"<circle class="{class}" cx="{}" cy="{}" r="3"/>"#,
                C(*x),
                C(*y)
            );
        }
        return;
    }
    let _ = write!(svg, r#"<polyline class="{class}" fill="none" points=""#);
    for (i, (x, y)) in points.iter().enumerate() {
        let gap = if i == 0 { "" } else { " " };
        let _ = write!(svg, "{gap}{},{}", C(*x), C(*y));
    }
    svg.push_str(r#""/>"#);
}

/// Mood and energy day by day with weekly means, and daylight as bars beneath.
pub fn over_time(days: &[DayEntry], from: NaiveDate, to: NaiveDate) -> String {
    let height = 300.0;
    let x = Scale {
        d0: day_number(from),
        d1: day_number(to),
        p0: 52.0,
        p1: W - 12.0,
    };
    let y = Scale {
        d0: 0.0,
        d1: 10.0,
        p0: 170.0,
        p1: 30.0,
    };
    let max_light = days
        .iter()
        .filter_map(DayEntry::daylight_hours)
        .fold(4.0_f64, f64::max)
        .ceil();
    let light = Scale {
        d0: 0.0,
        d1: max_light,
        p0: 270.0,
        p1: 200.0,
    };
    let mood_weeks = weekly_means(days, |d| d.mood.map(f64::from));
    let energy_weeks = weekly_means(days, |d| d.energy.map(f64::from));
    let range = |w: &[(f64, f64)]| {
        let lo = w.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let hi = w.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        if w.is_empty() {
            "no weeks yet".to_owned()
        } else {
            format!("{lo:.1} to {hi:.1}")
        }
    };
    let desc = format!(
        "{} days logged from {} to {}. Weekly mood averages ranged {}, weekly energy averages {}. \
         Daylight per day is shown as bars, up to {} hours.",
        days.len(),
        short(from),
        short(to),
        range(&mood_weeks),
        range(&energy_weeks),
        max_light
    );
    let mut svg = String::new();
    open(
        &mut svg,
        "over-time",
        height,
        "Mood, energy and daylight over time",
        &desc,
    );
    for v in [0.0, 5.0, 10.0] {
        let py = y.at(v);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="52" x2="{}" y1="{py}" y2="{py}"/><text class="axis" x="44" y="{}" text-anchor="end">{v}</text>"#,
            W - 12.0,
            C(py + 6.0),
            py = C(py)
        );
    }
    let _ = write!(
        svg,
        r#"<text class="axis" x="44" y="{}" text-anchor="end">{max_light}h</text><text class="axis" x="44" y="276" text-anchor="end">0h</text>"#,
        C(light.at(max_light) + 6.0)
    );
    let bar = ((x.at(day_number(from) + 1.0) - x.at(day_number(from))) * 0.7).clamp(1.0, 14.0);
    for d in days {
        let Some(hours) = d.daylight_hours() else {
            continue;
        };
        let px = x.at(day_number(d.date));
        let top = light.at(hours);
        let _ = write!(
            svg,
            r#"<rect class="c-daylight" x="{}" y="{top}" width="{bar}" height="{}"/>"#,
            C(px - bar / 2.0),
            C(270.0 - top),
            top = C(top),
            bar = C(bar)
        );
    }
    for (class, value) in [("c-mood", 0), ("c-energy", 1)] {
        for d in days {
            let Some(v) = (if value == 0 { d.mood } else { d.energy }) else {
                continue;
            };
            let _ = write!(
                svg,
                r#"<circle class="{class} dot" cx="{}" cy="{}" r="2.5"/>"#,
                C(x.at(day_number(d.date))),
                C(y.at(f64::from(v)))
            );
        }
    }
    let scaled = |w: &[(f64, f64)]| {
        w.iter()
            .map(|(dx, v)| (x.at(*dx), y.at(*v)))
            .collect::<Vec<_>>()
    };
    polyline(&mut svg, "c-mood line", &scaled(&mood_weeks));
    polyline(&mut svg, "c-energy line", &scaled(&energy_weeks));
    let _ = write!(
        svg,
        r#"<text class="axis" x="52" y="296">{}</text><text class="axis" x="{}" y="296" text-anchor="end">{}</text><text class="legend c-mood-text" x="52" y="20">● Mood</text><text class="legend c-energy-text" x="200" y="20">● Energy</text><text class="legend c-daylight-text" x="380" y="20">▮ Daylight</text></svg>"#,
        short(from),
        W - 12.0,
        short(to),
    );
    svg
}

/// Daylight against mood, each day a point, filled when the morning was spent outside.
/// Only days with both daylight and mood are drawn; the description says how many.
pub fn daylight_scatter(days: &[DayEntry]) -> String {
    let days: Vec<&DayEntry> = days
        .iter()
        .filter(|d| d.daylight_quarter_hours.is_some() && d.mood.is_some())
        .collect();
    // Room under the tick labels for the axis name, descenders included.
    let height = 300.0;
    let max_light = days
        .iter()
        .filter_map(|d| d.daylight_hours())
        .fold(4.0_f64, f64::max)
        .ceil();
    let x = Scale {
        d0: 0.0,
        d1: max_light,
        p0: 52.0,
        p1: W - 16.0,
    };
    let y = Scale {
        d0: 0.0,
        d1: 10.0,
        p0: 236.0,
        p1: 30.0,
    };
    let outside = days
        .iter()
        .filter(|d| d.outside_morning == Some(true))
        .count();
    let desc = format!(
        "{} days with both daylight and mood: hours of daylight across, mood up. {} mornings outside are filled dots, the {} other mornings are rings.",
        days.len(),
        outside,
        days.len() - outside
    );
    let mut svg = String::new();
    open(
        &mut svg,
        "scatter",
        height,
        "Daylight and mood, day by day",
        &desc,
    );
    for v in [0.0, 5.0, 10.0] {
        let py = y.at(v);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="52" x2="{}" y1="{py}" y2="{py}"/><text class="axis" x="44" y="{}" text-anchor="end">{v}</text>"#,
            W - 16.0,
            C(py + 6.0),
            py = C(py)
        );
    }
    let step = if max_light > 12.0 { 4 } else { 2 };
    let mut h = 0;
    while f64::from(h) <= max_light {
        let _ = write!(
            svg,
            r#"<text class="axis" x="{}" y="256" text-anchor="middle">{h}h</text>"#,
            C(x.at(f64::from(h)))
        );
        h += step;
    }
    for d in &days {
        let (Some(hours), Some(mood)) = (d.daylight_hours(), d.mood) else {
            continue;
        };
        // A small fixed jitter per date, so that equal days do not hide each other.
        let seed = f64::from(d.date.num_days_from_ce() % 7) - 3.0;
        let cx = x.at(hours) + seed * 1.5;
        let cy = y.at(f64::from(mood)) + (seed * 1.3) % 3.0;
        let class = if d.outside_morning == Some(true) {
            "pt-outside"
        } else {
            "pt-indoor"
        };
        let _ = write!(
            svg,
            r#"<circle class="{class}" cx="{cx}" cy="{cy}" r="4.5"/>"#,
            cx = C(cx),
            cy = C(cy)
        );
    }
    let _ = write!(
        svg,
        r#"<text class="axis" x="{}" y="288" text-anchor="middle">hours of daylight</text><text class="axis" x="4" y="18">mood</text><text class="legend" x="{}" y="18" text-anchor="end"><tspan class="c-mood-text">●</tspan> outside morning   ○ indoors</text></svg>"#,
        (52.0 + W - 16.0) / 2.0,
        W - 16.0
    );
    svg
}

/// Mornings outside and indoors side by side: each group's mean with its 95% interval, exactly
/// as computed in the domain and quoted in the sentences (never recomputed here).
pub fn groups(findings: &[Finding<Comparison>]) -> Option<String> {
    let ready: Vec<&Comparison> = findings
        .iter()
        .filter_map(|f| match f {
            Finding::Ready(c) => Some(c),
            Finding::NotEnoughDays { .. } | Finding::NoVariation { .. } => None,
        })
        .collect();
    if ready.is_empty() {
        return None;
    }
    let height = 60.0 + 84.0 * ready.len() as f64;
    let x = Scale {
        d0: 0.0,
        d1: 10.0,
        p0: 230.0,
        p1: W - 20.0,
    };
    let mut desc = String::new();
    let mut body = String::new();
    for (i, c) in ready.iter().enumerate() {
        let top = 30.0 + 84.0 * i as f64;
        let word = c.outcome.word();
        let _ = write!(
            body,
            r#"<text class="label" x="8" y="{}">{}</text>"#,
            C(top + 4.0),
            esc(&capitalise(word))
        );
        for (j, (label, n, mean, interval, class)) in [
            ("outside", c.n_a, c.mean_a, c.interval_a, "pt-outside"),
            ("indoors", c.n_b, c.mean_b, c.interval_b, "pt-indoor"),
        ]
        .into_iter()
        .enumerate()
        {
            let cy = top + 26.0 + 28.0 * j as f64;
            let (lo, hi) = (interval.low, interval.high);
            let _ = write!(
                body,
                r#"<text class="axis" x="14" y="{}">{label} ({n} days)</text><line class="ci" x1="{}" x2="{}" y1="{cy}" y2="{cy}"/><circle class="{class}" cx="{}" cy="{cy}" r="6"/>"#,
                C(cy + 6.0),
                C(x.at(lo.max(0.0))),
                C(x.at(hi.min(10.0))),
                C(x.at(mean)),
                cy = C(cy)
            );
            let _ = write!(
                desc,
                "{} {word} on {n} mornings {label}: {} (95% interval {} to {}). ",
                capitalise(word),
                one(mean),
                bounds(lo, hi, 1).0,
                bounds(lo, hi, 1).1
            );
        }
    }
    let mut svg = String::new();
    open(
        &mut svg,
        "groups",
        height,
        "Mornings outside and indoors compared",
        desc.trim(),
    );
    for v in [0.0, 5.0, 10.0] {
        let px = x.at(v);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{px}" x2="{px}" y1="20" y2="{}"/><text class="axis" x="{px}" y="{}" text-anchor="middle">{v}</text>"#,
            C(height - 24.0),
            C(height - 8.0),
            px = C(px)
        );
    }
    svg.push_str(&body);
    svg.push_str("</svg>");
    Some(svg)
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// A year of day length where the person is (a line), with the daylight they logged (bars).
pub fn day_length_year(days: &[DayEntry], year_of_lengths: &[(NaiveDate, f64)]) -> String {
    let height = 260.0;
    let (Some(first), Some(last)) = (year_of_lengths.first(), year_of_lengths.last()) else {
        return String::new();
    };
    let max = year_of_lengths
        .iter()
        .map(|p| p.1)
        .fold(8.0_f64, f64::max)
        .ceil()
        .min(24.0);
    let x = Scale {
        d0: day_number(first.0),
        d1: day_number(last.0),
        p0: 52.0,
        p1: W - 12.0,
    };
    let y = Scale {
        d0: 0.0,
        d1: max,
        p0: 220.0,
        p1: 30.0,
    };
    let shortest = year_of_lengths.iter().min_by(|a, b| a.1.total_cmp(&b.1));
    let longest = year_of_lengths.iter().max_by(|a, b| a.1.total_cmp(&b.1));
    let logged: Vec<&DayEntry> = days
        .iter()
        .filter(|d| d.date >= first.0 && d.date <= last.0 && d.daylight_quarter_hours.is_some())
        .collect();
    let mean_logged = if logged.is_empty() {
        0.0
    } else {
        logged
            .iter()
            .filter_map(|d| d.daylight_hours())
            .sum::<f64>()
            / logged.len() as f64
    };
    let desc = format!(
        "Day length where you are from {} to {}: shortest {:.1} h on {}, longest {:.1} h on {}. \
         Bars show the daylight you logged on {} days, {:.1} h on average.",
        short(first.0),
        short(last.0),
        shortest.map_or(0.0, |p| p.1),
        shortest.map_or_else(String::new, |p| short(p.0)),
        longest.map_or(0.0, |p| p.1),
        longest.map_or_else(String::new, |p| short(p.0)),
        logged.len(),
        mean_logged
    );
    let mut svg = String::new();
    open(
        &mut svg,
        "year",
        height,
        "Day length over the year, and your time in daylight",
        &desc,
    );
    let mut tick = 0.0;
    while tick <= max {
        let py = y.at(tick);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="52" x2="{}" y1="{py}" y2="{py}"/><text class="axis" x="44" y="{}" text-anchor="end">{tick}h</text>"#,
            W - 12.0,
            C(py + 6.0),
            py = C(py)
        );
        tick += if max > 12.0 { 6.0 } else { 4.0 };
    }
    for d in &logged {
        let Some(hours) = d.daylight_hours() else {
            continue;
        };
        let px = x.at(day_number(d.date));
        let top = y.at(hours);
        let _ = write!(
            svg,
            r#"<rect class="c-daylight" x="{}" y="{top}" width="1.6" height="{}"/>"#,
            C(px - 0.8),
            C(220.0 - top),
            top = C(top)
        );
    }
    let line: Vec<(f64, f64)> = year_of_lengths
        .iter()
        .map(|(d, h)| (x.at(day_number(*d)), y.at(*h)))
        .collect();
    polyline(&mut svg, "c-mood line", &line);
    let _ = write!(
        svg,
        r#"<text class="axis" x="52" y="246">{}</text><text class="axis" x="{}" y="246" text-anchor="end">{}</text><text class="legend c-mood-text" x="52" y="18">— day length</text><text class="legend c-daylight-text" x="300" y="18">▮ your daylight</text></svg>"#,
        short(first.0),
        W - 12.0,
        short(last.0)
    );
    svg
}

/// The inner critic's predictions (across) against what happened (up), one dot per finished
/// behavioural experiment. Dots below the diagonal are outcomes milder than predicted.
pub fn critic_accuracy(points: &[enough_domain::toolkit::CriticPoint]) -> String {
    let height = 300.0;
    let (left, right, top, bottom) = (52.0, W - 16.0, 24.0, 250.0);
    let x = Scale {
        d0: 0.0,
        d1: 100.0,
        p0: left,
        p1: right,
    };
    let y = Scale {
        d0: 0.0,
        d1: 100.0,
        p0: bottom,
        p1: top,
    };
    let milder = points.iter().filter(|p| p.actual < p.predicted).count();
    let desc = format!(
        "{} experiments: how bad your inner critic predicted it would be (across, 0 to 100) against how bad it really was (up). {} of them turned out milder than predicted; those dots sit below the diagonal line.",
        points.len(),
        milder
    );
    let mut svg = String::new();
    open(
        &mut svg,
        "critic",
        height,
        "Predicted and actual outcomes",
        &desc,
    );
    for v in [0.0, 50.0, 100.0] {
        let py = y.at(v);
        let px = x.at(v);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{left}" x2="{right}" y1="{py}" y2="{py}"/><text class="axis" x="44" y="{}" text-anchor="end">{v}</text><text class="axis" x="{px}" y="{}" text-anchor="middle">{v}</text>"#,
            C(py + 6.0),
            C(bottom + 20.0),
            py = C(py),
            px = C(px)
        );
    }
    let _ = write!(
        svg,
        r#"<line class="diagonal" x1="{}" y1="{}" x2="{}" y2="{}"/><text class="legend" x="{}" y="{}" text-anchor="end">as predicted</text>"#,
        C(x.at(0.0)),
        C(y.at(0.0)),
        C(x.at(100.0)),
        C(y.at(100.0)),
        C(x.at(100.0) - 4.0),
        C(y.at(100.0) + 16.0)
    );
    for (i, p) in points.iter().enumerate() {
        // A small fixed offset per point, so that equal pairs do not hide each other.
        let jitter = f64::from(u8::try_from(i % 5).unwrap_or(0)) - 2.0;
        let _ = write!(
            svg,
            r#"<circle class="pt-outside" cx="{}" cy="{}" r="5"><title>{}: predicted {}, actually {}</title></circle>"#,
            C(x.at(f64::from(p.predicted)) + jitter),
            C(y.at(f64::from(p.actual)) + jitter * 0.7),
            short(p.date),
            p.predicted,
            p.actual
        );
    }
    let _ = write!(
        svg,
        r#"<text class="axis" x="{}" y="292" text-anchor="middle">predicted badness</text><text class="axis" x="4" y="14">actual</text></svg>"#,
        C((left + right) / 2.0)
    );
    svg
}

/// Values: how important each life area is and how fully it is lived, 0–10, as paired bars.
pub fn values(ratings: &[(String, u8, u8)]) -> String {
    let row = 34.0;
    let top = 30.0;
    let height = top + row * ratings.len() as f64 + 16.0;
    let (left, right) = (150.0, W - 16.0);
    let x = Scale {
        d0: 0.0,
        d1: 10.0,
        p0: left,
        p1: right,
    };
    let gaps: Vec<String> = ratings
        .iter()
        .filter(|(_, importance, lived)| importance > lived)
        .map(|(name, i, l)| format!("{name} ({i} important, {l} lived)"))
        .collect();
    let desc = if gaps.is_empty() {
        format!(
            "{} life areas, each with how important it is and how fully you live it, 0 to 10. No area is lived less than it matters.",
            ratings.len()
        )
    } else {
        format!(
            "{} life areas, each with how important it is and how fully you live it, 0 to 10. Lived less than it matters: {}.",
            ratings.len(),
            gaps.join("; ")
        )
    };
    let mut svg = String::new();
    open(
        &mut svg,
        "values",
        height,
        "What matters and how you live it",
        &desc,
    );
    let _ = write!(
        svg,
        r#"<text class="legend" x="{right}" y="16" text-anchor="end">■ how important   □ how fully lived</text>"#
    );
    for v in [0.0, 5.0, 10.0] {
        let px = x.at(v);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{px}" x2="{px}" y1="{top}" y2="{}"/>"#,
            C(height - 16.0),
            px = C(px)
        );
    }
    for (i, (name, importance, lived)) in ratings.iter().enumerate() {
        let y0 = top + row * i as f64;
        let _ = write!(
            svg,
            r#"<text class="axis" x="{}" y="{}" text-anchor="end">{}</text><rect class="bar-important" x="{left}" y="{}" width="{}" height="11"/><rect class="bar-lived" x="{left}" y="{}" width="{}" height="11"/>"#,
            C(left - 8.0),
            C(y0 + 17.0),
            esc(name),
            C(y0 + 2.0),
            C(x.at(f64::from(*importance)) - left),
            C(y0 + 15.0),
            C(x.at(f64::from(*lived)) - left)
        );
    }
    svg.push_str("</svg>");
    svg
}

pub fn measure_history(
    inst: &enough_domain::measures::Instrument,
    points: &[(NaiveDate, f64, String)],
) -> String {
    let height = 300.0;
    let (left, right, top, bottom) = (52.0, W - 16.0, 30.0, 260.0);
    let y = Scale {
        d0: inst.score_range.min,
        d1: inst.score_range.max,
        p0: bottom,
        p1: top,
    };
    let (first, last) = match (points.first(), points.last()) {
        (Some(f), Some(l)) => (f.0, l.0),
        _ => return String::new(),
    };
    let x = Scale {
        d0: day_number(first),
        d1: day_number(last),
        p0: left + 10.0,
        p1: right - 10.0,
    };
    // A single sitting sits in the middle rather than at the left edge.
    let px = |d: NaiveDate| {
        if first == last {
            (left + right) / 2.0
        } else {
            x.at(day_number(d))
        }
    };
    let scores: Vec<String> = points
        .iter()
        .map(|(d, _, shown)| format!("{shown} on {}", short(*d)))
        .collect();
    let bands: Vec<String> = inst
        .bands
        .iter()
        .map(|b| format!("{} from {} to {}", b.label, b.min, b.max))
        .collect();
    let desc = format!(
        "{} {} scores from {} to {}: {}. {}",
        points.len(),
        inst.short_name,
        short(first),
        short(last),
        scores.join(", "),
        if bands.is_empty() {
            "This questionnaire has no agreed ranges.".to_owned()
        } else {
            format!("Shaded ranges: {}.", bands.join("; "))
        }
    );
    let mut svg = String::new();
    open(
        &mut svg,
        "measure-history",
        height,
        &format!("{} scores over time", inst.short_name),
        &desc,
    );
    for (i, band) in inst.bands.iter().enumerate() {
        let upper = inst
            .bands
            .get(i + 1)
            .map(|next| next.min)
            .unwrap_or(inst.score_range.max);
        let (y_top, y_bottom) = (y.at(upper), y.at(band.min));
        let class = if i % 2 == 0 {
            "band band-a"
        } else {
            "band band-b"
        };
        let _ = write!(
            svg,
            r#"<rect class="{class}" x="{left}" y="{y_top}" width="{}" height="{}"/>"#,
            C(right - left),
            C((y_bottom - y_top).max(0.0)),
            y_top = C(y_top)
        );
        if i > 0 {
            let _ = write!(
                svg,
                r#"<line class="threshold" x1="{left}" x2="{right}" y1="{y_bottom}" y2="{y_bottom}"/>"#,
                y_bottom = C(y_bottom)
            );
        }
        let _ = write!(
            svg,
            r#"<text class="band-label" x="{}" y="{}" text-anchor="end">{}</text>"#,
            right - 6.0,
            C((y_top + y_bottom) / 2.0 + 5.0),
            esc(&band.label)
        );
    }
    for v in [inst.score_range.min, inst.score_range.max] {
        let _ = write!(
            svg,
            r#"<text class="axis" x="{}" y="{}" text-anchor="end">{v}</text>"#,
            left - 8.0,
            C(y.at(v) + 6.0)
        );
    }
    let line: Vec<(f64, f64)> = points.iter().map(|(d, v, _)| (px(*d), y.at(*v))).collect();
    if line.len() > 1 {
        polyline(&mut svg, "c-mood line", &line);
    }
    for ((d, _, shown), (cx, cy)) in points.iter().zip(&line) {
        let _ = write!(
            svg,
            r#"<circle class="c-mood" cx="{cx}" cy="{cy}" r="5"><title>{} on {}</title></circle>"#,
            esc(shown),
            short(*d),
            cx = C(*cx),
            cy = C(*cy)
        );
    }
    let _ = write!(
        svg,
        r#"<text class="axis" x="{left}" y="290">{}</text><text class="axis" x="{right}" y="290" text-anchor="end">{}</text></svg>"#,
        short(first),
        short(last)
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use enough_domain::day::Habits;
    use enough_domain::light_mood::light_mood_insights;

    fn days(n: u64) -> Vec<DayEntry> {
        let start = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        (0..n)
            .map(|i| DayEntry {
                date: start + chrono::Days::new(i),
                daylight_quarter_hours: Some((i % 9) as u8),
                energy: Some((i % 11) as u8),
                mood: Some((i % 7) as u8),
                outside_morning: Some(i % 3 == 0),
                habits: Habits::default(),
                note: None,
            })
            .collect()
    }

    #[test]
    fn charts_are_accessible_svg_that_describe_themselves() {
        let d = days(40);
        let from = d[0].date;
        let to = d[39].date;
        for svg in [
            over_time(&d, from, to),
            daylight_scatter(&d),
            groups(&light_mood_insights(&d).outside_vs_indoor).unwrap(),
        ] {
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
            assert!(
                svg.contains(r#"role="img""#) && svg.contains("<title") && svg.contains("<desc")
            );
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        }
        assert!(daylight_scatter(&d).contains("14 mornings outside"));
    }

    #[test]
    fn empty_and_single_days_draw_without_nan() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        for d in [vec![], days(1)] {
            let svg = over_time(&d, today, today) + &daylight_scatter(&d);
            assert!(!svg.contains("NaN") && !svg.contains("inf"));
        }
        assert!(groups(&light_mood_insights(&days(3)).outside_vs_indoor).is_none());
    }
}
