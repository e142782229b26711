//! Plain-language sentences for the insights. They say how many days a number rests on, give
//! the likely range, and never call a correlation a cause.

use crate::light_mood::{
    Comparison, DaylightLink, Finding, HabitInsight, MIN_GROUP_DAYS, MIN_PAIRS,
};
use crate::stats::{Carryover, MIN_CARRYOVER_PAIRS};

/// "1.5" or "0" — one decimal, no "-0.0".
pub fn one(x: f64) -> String {
    fixed(x, 1)
}

/// `x` with `decimals` decimals, never "-0.0".
pub fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_owned()
    } else {
        s
    }
}

/// The two bounds of a range with `decimals` decimals, or more (up to 3 more) when they would
/// read the same or a bound that is not zero would read as zero: a range is never printed as
/// "0.0 to 0.0", and "from 0.0" never hides a bound just above or below zero.
pub fn bounds(low: f64, high: f64, decimals: usize) -> (String, String) {
    let mut d = decimals;
    loop {
        let (l, h) = (fixed(low, d), fixed(high, d));
        let zero = |text: &str, value: f64| {
            value != 0.0 && text.trim_start_matches(['-', '0', '.']).is_empty()
        };
        let clear = l != h && !zero(&l, low) && !zero(&h, high);
        if clear || d >= decimals + 3 || low == high {
            return (l, h);
        }
        d += 1;
    }
}

pub(crate) fn points(x: f64) -> String {
    let v = one(x.abs());
    if v == "1.0" {
        "1 point".to_owned()
    } else {
        format!("{v} points")
    }
}

pub(crate) fn days(n: usize) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

/// A signed range in words: "from 0.2 to 1.6 points higher", "from 0.3 to 1.1 points lower",
/// "from 1.6 points lower to 0.5 points higher". `unit` is plural ("points"); `up` and `down`
/// the direction words.
pub(crate) fn signed_range(
    low: f64,
    high: f64,
    decimals: usize,
    unit: &str,
    (up, down): (&str, &str),
) -> String {
    let (l, h) = bounds(low, high, decimals);
    let strip = |s: String| s.trim_start_matches('-').to_owned();
    if low >= 0.0 {
        format!("from {l} to {h} {unit} {up}")
    } else if high <= 0.0 {
        format!("from {} to {} {unit} {down}", strip(h), strip(l))
    } else {
        format!("from {} {unit} {down} to {h} {unit} {up}", strip(l))
    }
}

/// The sample-size words, judged on the effective number of days.
pub(crate) fn sample_words(n_effective: f64) -> &'static str {
    match n_effective {
        x if x < 21.0 => "a small sample, so treat this as a first hint",
        x if x < 42.0 => "still a small sample",
        x if x < 90.0 => "a fair sample, though a few unusual days can still move this",
        _ => "a good sample",
    }
}

/// How big a sample is, in words, from the effective n; names the effective n when it differs.
pub(crate) fn sample_note(total: usize, n_effective: f64) -> String {
    let words = sample_words(n_effective);
    if n_effective < total as f64 - 0.5 {
        format!(
            "Because both ran in streaks, these {} count as about {:.0} independent days: {words}.",
            days(total),
            n_effective.max(1.0)
        )
    } else {
        let mut s = format!("{} is {words}.", days(total));
        if let Some(first) = s.get(..1) {
            s = first.to_uppercase() + &s[1..];
        }
        s
    }
}

/// "your mood was 0.6 points higher on a than on b (95% interval: from 0.5 points lower to 1.6
/// points higher)", with a verdict on whether the range includes no difference.
pub(crate) fn difference_sentence(c: &Comparison, a: &str, b: &str) -> String {
    let word = c.outcome.word();
    let lead = if one(c.difference.abs()) == "0.0" {
        format!("Your {word} was about the same on {a} as on {b}")
    } else {
        let direction = if c.difference > 0.0 {
            "higher"
        } else {
            "lower"
        };
        format!(
            "Your {word} was {} {direction} on {a} than on {b}",
            points(c.difference)
        )
    };
    if c.no_spread() {
        return format!(
            "{lead}. It did not vary at all within either group, so no range can be given; \
             with so little variation, treat this as a first hint."
        );
    }
    let range = signed_range(c.low, c.high, 1, "points", ("higher", "lower"));
    if c.low <= 0.0 && c.high >= 0.0 {
        format!(
            "{lead} (95% interval: {range}). The range includes no difference at all, so these \
             days cannot tell yet whether {a} go with a different {word}."
        )
    } else {
        format!(
            "{lead} (95% interval: {range}). This shows what went together, not what caused what."
        )
    }
}

/// "6.4 (95% interval 5.9 to 6.9)", or "6.0 (the same every time)" — the interval the chart draws.
pub(crate) fn mean_with_range(mean: f64, sd: f64, interval: &crate::stats::Interval) -> String {
    if sd == 0.0 {
        format!("{} (the same every time)", one(mean))
    } else {
        let (l, h) = bounds(interval.low, interval.high, 1);
        format!("{} (95% interval {l} to {h})", one(mean))
    }
}

/// The sentence for an outcome that never varied.
pub(crate) fn no_variation(what: &str, when: &str) -> String {
    format!("Your {what} was the same {when}, so there is nothing to compare.")
}

/// Sentences for mornings outside compared with mornings indoors.
pub fn outside_sentences(finding: &Finding<Comparison>) -> Vec<String> {
    match finding {
        Finding::NoVariation { what } => vec![no_variation(what, "every day")],
        Finding::NotEnoughDays { have, need } => {
            let (outside, indoor) = (
                have.first().copied().unwrap_or(0),
                have.get(1).copied().unwrap_or(0),
            );
            let mut wanted = Vec::new();
            if outside < *need {
                wanted.push(format!(
                    "{} more with a morning outside",
                    days(need - outside)
                ));
            }
            if indoor < *need {
                wanted.push(format!(
                    "{} more with a morning indoors",
                    days(need - indoor)
                ));
            }
            vec![format!(
                "Not enough days yet to compare: so far {} outside and {} indoors in the morning. \
                 About {} would be enough for a first look (at least {MIN_GROUP_DAYS} of each).",
                days(outside),
                days(indoor),
                wanted.join(" and ")
            )]
        }
        Finding::Ready(c) => {
            let word = c.outcome.word();
            let mut out = vec![format!(
                "On the {} mornings you went outside, your {word} averaged {}; on the {} indoor mornings, {}.",
                c.n_a,
                mean_with_range(c.mean_a, c.sd_a, &c.interval_a),
                c.n_b,
                mean_with_range(c.mean_b, c.sd_b, &c.interval_b)
            )];
            out.push(difference_sentence(
                c,
                "outside mornings",
                "indoor mornings",
            ));
            if c.widened {
                out.push(format!(
                    "Your {word} and your outside mornings both ran in streaks (each carried over from one \
                     day to the next), so the ranges were widened to allow for that."
                ));
            }
            out.push(sample_note(c.n_a + c.n_b, c.n_effective));
            out
        }
    }
}

/// "weakly", "moderately" or "strongly", for a correlation whose interval excludes zero.
fn strength(r: f64) -> &'static str {
    match r.abs() {
        a if a < 0.3 => "weakly",
        a if a < 0.5 => "moderately",
        _ => "strongly",
    }
}

/// r with two decimals, no "-0.00".
pub(crate) fn format_r(r: f64) -> String {
    fixed(r, 2)
}

/// A sentence for daylight against mood or energy.
pub fn daylight_sentence(
    finding: &Finding<DaylightLink>,
    outcome_word: &str,
    lag_days: u8,
) -> String {
    let when = if lag_days == 0 {
        "the same day"
    } else {
        "the next day"
    };
    match finding {
        Finding::NoVariation { what } => {
            let what = if what == "daylight" {
                "the daylight you logged was".to_owned()
            } else {
                format!("your {what} was")
            };
            format!(
                "Daylight and {outcome_word} {when}: {what} the same every day, so there is nothing to relate."
            )
        }
        Finding::NotEnoughDays { have, .. } => {
            let have = have.first().copied().unwrap_or(0);
            format!(
                "Daylight and {outcome_word} {when}: not enough days yet ({} of the {MIN_PAIRS} needed{}).",
                have,
                if lag_days == 1 {
                    ", counting only days followed by a logged day"
                } else {
                    ""
                }
            )
        }
        Finding::Ready(l) if l.high - l.low < 5e-5 => format!(
            "Daylight and your {outcome_word} {when} rose and fell exactly together over these {} \
             (r = {}), which usually means one was worked out from the other; no range can be given.",
            days(l.n),
            format_r(l.r)
        ),
        Finding::Ready(l) => {
            let (low, high) = bounds(l.low, l.high, 2);
            let mut s = if l.low > 0.0 || l.high < 0.0 {
                let direction = if l.r > 0.0 { "higher" } else { "lower" };
                let lead = if lag_days == 0 {
                    format!(
                        "On days with more daylight, your {outcome_word} tended to be {direction}"
                    )
                } else {
                    format!(
                        "After days with more daylight, your {outcome_word} the next day tended to be {direction}"
                    )
                };
                format!(
                    "{lead}, {} related (r = {}, 95% interval from {low} to {high}, over {}).",
                    strength(l.r),
                    format_r(l.r),
                    days(l.n)
                )
            } else {
                format!(
                    "Daylight and your {outcome_word} {when}: no clear relation either way (r = {}; it \
                     could be anything from {low} to {high}, over {}).",
                    format_r(l.r),
                    days(l.n)
                )
            };
            s.push(' ');
            s.push_str(&sample_note(l.n, l.n_effective));
            s
        }
    }
}

/// Whether mood or energy carries over from one day to the next, by the widening rule
/// (lag-1 r above 2/√pairs; see [`crate::stats::Carryover::is_meaningful`]).
pub fn carryover_sentence(outcome_word: &str, carry: &Carryover) -> String {
    if carry.pairs < MIN_CARRYOVER_PAIRS {
        return format!(
            "Whether your {outcome_word} carries over from one day to the next: not enough \
             consecutive days yet ({} of the {MIN_CARRYOVER_PAIRS} pairs needed).",
            carry.pairs
        );
    }
    let r = format_r(carry.lag1());
    let bound = format_r(carry.null_bound());
    if carry.is_meaningful() {
        format!(
            "Your {outcome_word} tended to carry over from one day to the next (r = {r} between \
             consecutive days, over {} pairs; chance alone rarely gives more than {bound}).",
            carry.pairs
        )
    } else {
        format!(
            "Your {outcome_word} on one day said little about the next (r = {r} between \
             consecutive days, over {} pairs; chance alone often gives up to {bound}), so no \
             allowance for carry-over is needed.",
            carry.pairs
        )
    }
}

/// A sentence for one seasonal habit.
pub fn habit_sentence(h: &HabitInsight) -> String {
    let share = format!("{} on {} of {}", h.label, h.ticked, days(h.logged));
    match &h.mood {
        Finding::NotEnoughDays { .. } => format!(
            "{share}. Mood with and without it needs at least {MIN_GROUP_DAYS} days of each."
        ),
        Finding::NoVariation { what } => format!("{share}. {}", no_variation(what, "every day")),
        Finding::Ready(c) => format!(
            "{share}. Mood averaged {} with it and {} without. {} {}",
            mean_with_range(c.mean_a, c.sd_a, &c.interval_a),
            mean_with_range(c.mean_b, c.sd_b, &c.interval_b),
            difference_sentence(c, "days with it", "days without it"),
            sample_note(c.n_a + c.n_b, c.n_effective)
        ),
    }
}

/// The randomisation test in intention-to-treat words.
pub fn p_value_sentence(word: &str, p: f64) -> String {
    let share = (p * 100.0).round();
    let often = if share < 1.0 {
        "fewer than 1 of 100".to_owned()
    } else {
        format!("about {share:.0} of 100")
    };
    format!(
        "If the plan made no difference to your {word}, a difference this large would turn up in \
         {often} re-drawn schedules (randomisation test, p = {}). Swapped mornings count as the \
         original plan said, so this tests the plan as drawn.",
        fixed(p, 3)
    )
}

/// Sentences for one outcome of the Light & Mood experiment.
pub fn experiment_sentences(result: &crate::experiment::OutcomeResult) -> Vec<String> {
    let word = result.outcome.word();
    match &result.as_assigned {
        Finding::NoVariation { what } => {
            vec![no_variation(what, "every morning of the experiment")]
        }
        Finding::NotEnoughDays { have, need } => vec![format!(
            "Not enough mornings yet to compare {word}: {} logged on morning-light mornings and {} on \
             as-usual mornings (at least {need} of each are needed).",
            have.first().copied().unwrap_or(0),
            have.get(1).copied().unwrap_or(0)
        )],
        Finding::Ready(c) => {
            let mut out = vec![format!(
                "By the plan: on the {} morning-light mornings your {word} averaged {}; on the {} as-usual mornings, {}.",
                c.n_a,
                mean_with_range(c.mean_a, c.sd_a, &c.interval_a),
                c.n_b,
                mean_with_range(c.mean_b, c.sd_b, &c.interval_b)
            )];
            out.push(difference_sentence(
                c,
                "morning-light mornings",
                "as-usual mornings",
            ));
            if let Some(p) = result.p_value {
                out.push(p_value_sentence(word, p));
            }
            if let Finding::Ready(done) = &result.as_done {
                out.push(format!(
                    "As it actually happened, {} Mornings that went differently from the plan may \
                     differ in other ways too, so the comparison by plan is the fairer test.",
                    difference_sentence(done, "mornings you were outside", "mornings indoors")
                        .replacen("Your", "your", 1)
                ));
            }
            out
        }
    }
}

/// Whether a comparison's 95% interval leaves out "no difference" (the only case in which a
/// headline names a direction).
pub fn comparison_is_clear(c: &Comparison) -> bool {
    !c.no_spread() && (c.low > 0.0 || c.high < 0.0)
}

/// A card's one-line headline for a two-group comparison (`a` against `b`). It names a direction
/// only when the 95% interval leaves out no difference, and quotes the same interval as the
/// sentences beneath it and the picture beside it.
pub fn comparison_headline(finding: &Finding<Comparison>, a: &str, b: &str) -> String {
    match finding {
        Finding::NotEnoughDays { .. } => format!("Not enough days yet to compare {a} and {b}."),
        Finding::NoVariation { what } => {
            format!("Your {what} was the same every time, so there is nothing to compare yet.")
        }
        Finding::Ready(c) if c.no_spread() => format!(
            "Your {} averaged {} on {a} and {} on {b}; too little variation to judge yet.",
            c.outcome.word(),
            one(c.mean_a),
            one(c.mean_b)
        ),
        Finding::Ready(c) => {
            let word = c.outcome.word();
            let range = signed_range(c.low, c.high, 1, "points", ("higher", "lower"));
            if comparison_is_clear(c) {
                let direction = if c.difference > 0.0 {
                    "higher"
                } else {
                    "lower"
                };
                format!(
                    "Your {word} was {} {direction} on {a} (likely {range}).",
                    points(c.difference)
                )
            } else {
                format!(
                    "No clear difference in your {word} between {a} and {b} yet (likely {range})."
                )
            }
        }
    }
}

/// Whether a daylight link's interval leaves out no relation (and is a real range).
pub fn daylight_is_clear(l: &DaylightLink) -> bool {
    l.high - l.low >= 5e-5 && (l.low > 0.0 || l.high < 0.0)
}

/// A card's one-line headline for daylight and `outcome_word` on the same day (`same`) and the
/// next (`next`): a direction and a strength word only for a link whose interval leaves out no
/// relation, the same rule as [`daylight_sentence`].
pub fn daylight_headline(
    same: &Finding<DaylightLink>,
    next: &Finding<DaylightLink>,
    outcome_word: &str,
) -> String {
    let clear = |f: &Finding<DaylightLink>| match f {
        Finding::Ready(l) if daylight_is_clear(l) => Some((l.r, strength(l.r))),
        _ => None,
    };
    let ready = |f: &Finding<DaylightLink>| matches!(f, Finding::Ready(_));
    let direction = |r: f64| if r > 0.0 { "higher" } else { "lower" };
    match (clear(same), clear(next)) {
        (Some((r, s)), Some((r2, _))) if (r > 0.0) == (r2 > 0.0) => format!(
            "On days with more daylight, your {outcome_word} tended to be {}, that day and the next ({s} related).",
            direction(r)
        ),
        (Some((r, s)), _) => format!(
            "On days with more daylight, your {outcome_word} tended to be {} ({s} related).",
            direction(r)
        ),
        (None, Some((r, s))) => format!(
            "After days with more daylight, your {outcome_word} the next day tended to be {} ({s} related).",
            direction(r)
        ),
        (None, None) if ready(same) || ready(next) => format!(
            "No clear link yet between daylight and your {outcome_word}, on the same day or the next."
        ),
        (None, None) => format!("Not enough days yet to relate daylight and your {outcome_word}."),
    }
}

/// A card's one-line headline for the seasonal habits: the clearest difference in mood, if any
/// habit's interval leaves out no difference.
pub fn habits_headline(habits: &[HabitInsight]) -> String {
    let clear: Vec<&HabitInsight> = habits
        .iter()
        .filter(|h| matches!(&h.mood, Finding::Ready(c) if comparison_is_clear(c)))
        .collect();
    let biggest = clear.iter().max_by(|x, y| {
        let size = |h: &HabitInsight| match &h.mood {
            Finding::Ready(c) => c.difference.abs(),
            _ => 0.0,
        };
        size(x).total_cmp(&size(y))
    });
    match biggest {
        Some(h) => {
            let mut s =
                comparison_headline(&h.mood, &format!("days with “{}”", h.label), "other days");
            match clear.len() {
                0 | 1 => {}
                2 => s.push_str(" One other habit also went with a clear difference."),
                n => s.push_str(&format!(
                    " {} other habits also went with a clear difference.",
                    n - 1
                )),
            }
            s
        }
        None if habits.iter().any(|h| matches!(h.mood, Finding::Ready(_))) => {
            "No habit went with a clear difference in your mood yet.".to_owned()
        }
        None => format!(
            "Not enough days yet to compare your mood with and without each habit (at least {MIN_GROUP_DAYS} days of each)."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::light_mood::Outcome;

    fn comparison(
        mean_a: f64,
        mean_b: f64,
        low: f64,
        high: f64,
        n_a: usize,
        n_b: usize,
    ) -> Comparison {
        Comparison {
            outcome: Outcome::Mood,
            n_a,
            mean_a,
            sd_a: 1.0,
            n_b,
            mean_b,
            sd_b: 1.0,
            difference: mean_a - mean_b,
            low,
            high,
            hedges_g: Some(1.0),
            autocorrelation: 0.0,
            group_autocorrelation: 0.0,
            factor: 1.0,
            n_effective: (n_a + n_b) as f64,
            widened: false,
            interval_a: crate::stats::Interval {
                low: mean_a - 0.5,
                high: mean_a + 0.5,
            },
            interval_b: crate::stats::Interval {
                low: mean_b - 0.5,
                high: mean_b + 0.5,
            },
        }
    }

    #[test]
    fn a_clear_difference_is_stated_with_its_range_and_no_cause() {
        let s = outside_sentences(&Finding::Ready(comparison(6.4, 4.9, 0.4, 2.6, 9, 12))).join(" ");
        assert!(s.contains("On the 9 mornings you went outside, your mood averaged 6.4 (95% interval 5.9 to 6.9); on the 12 indoor mornings, 4.9 (95% interval 4.4 to 5.4)."), "{s}");
        assert!(
            s.contains("Your mood was 1.5 points higher on outside mornings than on indoor mornings (95% interval: from 0.4 to 2.6 points higher)"),
            "{s}"
        );
        assert!(s.contains("not what caused what"));
        assert!(s.contains("21 days is still a small sample"), "{s}");
    }

    #[test]
    fn an_interval_across_zero_says_it_cannot_tell() {
        let s =
            outside_sentences(&Finding::Ready(comparison(5.1, 5.0, -0.8, 1.0, 20, 25))).join(" ");
        assert!(s.contains("includes no difference at all"), "{s}");
        assert!(
            s.contains("from 0.8 points lower to 1.0 points higher"),
            "{s}"
        );
    }

    #[test]
    fn too_few_days_says_how_many_more_and_shows_no_number() {
        let s = outside_sentences(&Finding::NotEnoughDays {
            have: vec![3, 8],
            need: 5,
        })
        .join(" ");
        assert!(s.contains("Not enough days yet"), "{s}");
        assert!(s.contains("2 days more with a morning outside"), "{s}");
        assert!(!s.contains("averaged"));
    }
}
