//! The one picture on each insight card: estimates with their 95% intervals, drawn narrow
//! (360 wide) so that on a 390 px phone its text renders at about 13 px, beside a line for
//! "no difference". Each row is labelled in words above its line, so nothing depends on colour,
//! and the intervals are exactly the ones the headline and the sentences quote.

use std::fmt::Write;

const W: f64 = 360.0;
const LEFT: f64 = 14.0;
const RIGHT: f64 = W - 14.0;
const ROW: f64 = 50.0;

/// One estimate and its interval.
pub struct Row {
    /// Words above the line ("Mood", "Energy, the next day").
    pub label: String,
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
    /// The dot's colour class (`c-mood`, `c-energy`).
    pub class: &'static str,
}

/// What the horizontal axis means.
pub struct Axis {
    /// Half the axis width: it runs from `-span` to `span`.
    pub span: f64,
    /// Words at the left and right ends ("lower", "higher").
    pub left: &'static str,
    pub right: &'static str,
    /// Words under the middle line ("no difference").
    pub middle: &'static str,
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The span that shows every interval, rounded up to a whole number (at least 1, at most `cap`).
pub fn span_for(rows: &[Row], cap: f64) -> f64 {
    rows.iter()
        .flat_map(|r| [r.low.abs(), r.high.abs()])
        .fold(1.0_f64, f64::max)
        .ceil()
        .min(cap)
}

/// Rows of estimates with intervals around a middle line; `desc` says in words what it shows.
pub fn intervals(id: &str, title: &str, desc: &str, rows: &[Row], axis: &Axis) -> String {
    let height = 40.0 + ROW * rows.len() as f64 + 44.0;
    let x = |v: f64| {
        let clamped = v.clamp(-axis.span, axis.span);
        LEFT + (clamped + axis.span) / (2.0 * axis.span) * (RIGHT - LEFT)
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart chart-narrow" viewBox="0 0 {W} {height}" role="img" aria-labelledby="{id}-t {id}-d" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(title),
        esc(desc)
    );
    let bottom = 30.0 + ROW * rows.len() as f64;
    let mid = x(0.0);
    let _ = write!(
        svg,
        r#"<text class="axis" x="{mid:.1}" y="16" text-anchor="middle">{}</text><line class="zero" x1="{mid:.1}" x2="{mid:.1}" y1="22" y2="{bottom:.1}"/>"#,
        esc(axis.middle)
    );
    for (i, r) in rows.iter().enumerate() {
        let top = 24.0 + ROW * i as f64;
        let cy = top + 34.0;
        let _ = write!(
            svg,
            r#"<text class="label" x="{LEFT}" y="{:.1}">{}</text><line class="ci" x1="{:.1}" x2="{:.1}" y1="{cy:.1}" y2="{cy:.1}"/><line class="ci" x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/><line class="ci" x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/><circle class="{} pt" cx="{:.1}" cy="{cy:.1}" r="7"/>"#,
            top + 14.0,
            esc(&r.label),
            x(r.low),
            x(r.high),
            x(r.low),
            x(r.low),
            cy - 6.0,
            cy + 6.0,
            x(r.high),
            x(r.high),
            cy - 6.0,
            cy + 6.0,
            r.class,
            x(r.estimate),
        );
    }
    let span = if axis.span.fract() == 0.0 {
        format!("{}", axis.span)
    } else {
        format!("{:.1}", axis.span)
    };
    let _ = write!(
        svg,
        r#"<text class="axis" x="{LEFT}" y="{:.1}">−{span}</text><text class="axis" x="{mid:.1}" y="{:.1}" text-anchor="middle">0</text><text class="axis" x="{RIGHT}" y="{:.1}" text-anchor="end">{span}</text><text class="axis" x="{LEFT}" y="{:.1}">← {}</text><text class="axis" x="{RIGHT}" y="{:.1}" text-anchor="end">{} →</text></svg>"#,
        bottom + 18.0,
        bottom + 18.0,
        bottom + 18.0,
        bottom + 38.0,
        esc(axis.left),
        bottom + 38.0,
        esc(axis.right),
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_draw_inside_the_picture_with_words_for_each() {
        let rows = [
            Row {
                label: "Mood".into(),
                estimate: 1.5,
                low: 0.4,
                high: 2.6,
                class: "c-mood",
            },
            Row {
                label: "Energy".into(),
                estimate: -0.2,
                low: -14.0,
                high: 1.0,
                class: "c-energy",
            },
        ];
        let axis = Axis {
            span: span_for(&rows, 5.0),
            left: "lower",
            right: "higher",
            middle: "no difference",
        };
        assert_eq!(axis.span, 5.0, "capped");
        let svg = intervals("t", "Title", "Desc", &rows, &axis);
        assert!(svg.contains(">Mood<") && svg.contains(">Energy<"));
        assert!(svg.contains("no difference") && svg.contains("higher →"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert!(
            svg.contains(&format!("x1=\"{LEFT:.1}\"")),
            "clamped to the left edge"
        );
    }
}
