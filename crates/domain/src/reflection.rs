//! Plain-language sentences for the insights. They say how many days a number rests on, give
//! the likely range, and never call a correlation a cause.

use crate::light_mood::{
    Comparison, DaylightLink, Finding, HabitInsight, MIN_GROUP_DAYS, MIN_PAIRS,
};

/// "1.5" or "0" — one decimal, no "-0.0".
pub(crate) fn one(x: f64) -> String {
    let s = format!("{x:.1}");
    if s == "-0.0" { "0.0".to_owned() } else { s }
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

/// How big a sample feels, in words.
fn sample_note(total: usize) -> String {
    match total {
        0..=20 => format!(
            "{} is a small sample, so treat this as a first hint.",
            days(total)
        ),
        21..=41 => format!(
            "{} (about {} weeks) is still a small sample.",
            days(total),
            total / 7
        ),
        42..=90 => format!(
            "{} is a fair sample, though a few unusual days can still move this.",
            days(total)
        ),
        _ => format!("{} is a good sample.", days(total)),
    }
}

/// Sentences for mornings outside compared with mornings indoors.
pub fn outside_sentences(finding: &Finding<Comparison>) -> Vec<String> {
    match finding {
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
                one(c.mean_a),
                c.n_b,
                one(c.mean_b)
            )];
            out.push(difference_sentence(
                c,
                "mornings outside",
                "indoor mornings",
            ));
            if c.widened {
                out.push(format!(
                    "Your {word} tends to carry over from one day to the next, so the range was widened to allow for that."
                ));
            }
            out.push(sample_note(c.n_a + c.n_b));
            out
        }
    }
}

fn difference_sentence(c: &Comparison, a: &str, b: &str) -> String {
    let word = c.outcome.word();
    let range = format!("likely between {} and {}", one(c.low), one(c.high));
    if c.low <= 0.0 && c.high >= 0.0 {
        format!(
            "That is a difference of {} ({range}). The range includes no difference at all, so these \
             days cannot tell yet whether {a} go with a different {word}.",
            points(c.difference)
        )
    } else {
        let direction = if c.difference > 0.0 {
            "higher"
        } else {
            "lower"
        };
        format!(
            "That is a difference of {} ({range}): on these days, {a} went with {direction} {word} than {b}. \
             This shows what went together, not what caused what.",
            points(c.difference)
        )
    }
}

fn strength(r: f64) -> &'static str {
    match r.abs() {
        a if a < 0.1 => "hardly",
        a if a < 0.3 => "weakly",
        a if a < 0.5 => "moderately",
        _ => "strongly",
    }
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
        Finding::Ready(l) => {
            let direction = if l.r >= 0.0 { "higher" } else { "lower" };
            let lead = if lag_days == 0 {
                format!("On days with more daylight, your {outcome_word} tended to be {direction}")
            } else {
                format!(
                    "After days with more daylight, your {outcome_word} the next day tended to be {direction}"
                )
            };
            let mut s = format!(
                "{lead}, {} related (r = {}, likely between {} and {}, over {}).",
                strength(l.r),
                format_r(l.r),
                format_r(l.low),
                format_r(l.high),
                days(l.n)
            );
            if l.low <= 0.0 && l.high >= 0.0 {
                s.push_str(" The range includes no relation at all.");
            }
            if l.n_effective < l.n as f64 {
                s.push_str(" Days carry over into each other, so the range allows for that.");
            }
            s
        }
    }
}

fn format_r(r: f64) -> String {
    let s = format!("{r:.2}");
    if s == "-0.00" { "0.00".to_owned() } else { s }
}

/// A sentence for one seasonal habit.
pub fn habit_sentence(h: &HabitInsight) -> String {
    let share = format!("{} on {} of {}", h.label, h.ticked, days(h.logged));
    match &h.mood {
        Finding::NotEnoughDays { .. } => format!(
            "{share}. Mood with and without it needs at least {MIN_GROUP_DAYS} days of each."
        ),
        Finding::Ready(c) => {
            let range = format!("likely between {} and {}", one(c.low), one(c.high));
            if c.low <= 0.0 && c.high >= 0.0 {
                format!(
                    "{share}. Mood averaged {} with it and {} without ({range}); no clear difference yet.",
                    one(c.mean_a),
                    one(c.mean_b)
                )
            } else {
                format!(
                    "{share}. Mood averaged {} with it and {} without, a difference of {} ({range}).",
                    one(c.mean_a),
                    one(c.mean_b),
                    points(c.difference)
                )
            }
        }
    }
}

/// Sentences for one outcome of the Light & Mood experiment.
pub fn experiment_sentences(result: &crate::experiment::OutcomeResult) -> Vec<String> {
    let word = result.outcome.word();
    match &result.as_assigned {
        Finding::NotEnoughDays { have, need } => vec![format!(
            "Not enough mornings yet to compare {word}: {} logged on go-outside mornings and {} on stay-in mornings \
             (at least {need} of each are needed).",
            have.first().copied().unwrap_or(0),
            have.get(1).copied().unwrap_or(0)
        )],
        Finding::Ready(c) => {
            let mut out = vec![format!(
                "As planned: on the {} go-outside mornings your {word} averaged {}, on the {} stay-in mornings {}.",
                c.n_a,
                one(c.mean_a),
                c.n_b,
                one(c.mean_b)
            )];
            out.push(difference_sentence(
                c,
                "go-outside mornings",
                "stay-in mornings",
            ));
            if let Some(p) = result.p_value {
                let share = (p * 100.0).round().max(1.0);
                out.push(format!(
                    "If going outside made no difference to your {word}, a difference at least this large would turn up \
                     in about {share:.0} of 100 random schedules like yours (randomisation test, p = {p:.3})."
                ));
            }
            if let Finding::Ready(done) = &result.as_done {
                out.push(format!(
                    "As it actually happened: on the {} mornings you were outside your {word} averaged {}, on the {} \
                     mornings indoors {} (a difference of {}, likely between {} and {}). Mornings that went differently \
                     from the plan may differ in other ways too, so the as-planned comparison is the fairer test.",
                    done.n_a,
                    one(done.mean_a),
                    done.n_b,
                    one(done.mean_b),
                    points(done.difference),
                    one(done.low),
                    one(done.high)
                ));
            }
            out
        }
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
            widened: false,
        }
    }

    #[test]
    fn a_clear_difference_is_stated_with_its_range_and_no_cause() {
        let s = outside_sentences(&Finding::Ready(comparison(6.4, 4.9, 0.4, 2.6, 9, 12))).join(" ");
        assert!(s.contains("On the 9 mornings you went outside, your mood averaged 6.4; on the 12 indoor mornings, 4.9."), "{s}");
        assert!(
            s.contains("a difference of 1.5 points (likely between 0.4 and 2.6)"),
            "{s}"
        );
        assert!(s.contains("not what caused what"));
        assert!(s.contains("21 days (about 3 weeks) is still a small sample"));
    }

    #[test]
    fn an_interval_across_zero_says_it_cannot_tell() {
        let s =
            outside_sentences(&Finding::Ready(comparison(5.1, 5.0, -0.8, 1.0, 20, 25))).join(" ");
        assert!(s.contains("includes no difference at all"), "{s}");
        assert!(!s.contains("went with higher"));
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
