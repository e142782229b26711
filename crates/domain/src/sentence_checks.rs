//! Every sentence kind checked against its own numbers on a few hundred generated data sets
//! (seeded, so a failure repeats): the direction word matches the sign of the estimate, the
//! quoted bounds are the computed ones, ranges are never zero-width, the minimum-data rule
//! holds, strength words appear only when the interval leaves out zero, and "carry over" only
//! when the widening rule says so. Also the coverage of the widened group comparison in
//! simulation.

use crate::day::{DayEntry, Habits};
use crate::experiment::{Plan, SplitMix64, analyse};
use crate::light_mood::{
    Comparison, DaylightLink, Finding, MIN_GROUP_DAYS, MIN_PAIRS, Outcome, compare,
    light_mood_insights,
};
use crate::reflection::{
    carryover_sentence, comparison_headline, comparison_is_clear, daylight_headline,
    daylight_is_clear, daylight_sentence, experiment_sentences, habit_sentence, habits_headline,
    outside_sentences, sample_words,
};
use crate::stats::{Carryover, MIN_CARRYOVER_PAIRS};
use crate::toolkit::CriticAccuracy;
use chrono::{Days, NaiveDate};

struct Rng(SplitMix64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        self.0.below(n as u64) as usize
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform().max(1e-12), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// The one place the tests build a day (so a change to `DayEntry` touches one function).
fn entry(date: NaiveDate, daylight_q: u8, energy: u8, mood: u8, outside: bool) -> DayEntry {
    DayEntry {
        date,
        daylight_quarter_hours: Some(daylight_q),
        energy: Some(energy),
        mood: Some(mood),
        outside_morning: Some(outside),
        habits: Habits {
            got_outside: outside,
            moved_my_body: date.format("%d").to_string().ends_with('3'),
            ..Habits::default()
        },
        note: None,
    }
}

fn scale(x: f64) -> u8 {
    x.round().clamp(0.0, 10.0) as u8
}

/// One generated data set: n days (some gaps), AR(1) mood and energy, an outside effect,
/// outside mornings scattered at random or in runs; sometimes a series held constant.
fn data_set(rng: &mut Rng) -> Vec<DayEntry> {
    let n = [0, 1, 2, 3, 5, 8, 11, 14, 20, 30, 45, 60, 90, 150, 300][rng.below(15)];
    let phi = rng.uniform() * 1.2 - 0.3;
    let effect = [0.0, 0.0, 0.3, 1.0, 3.0, -1.5][rng.below(6)];
    let noise = [0.0, 0.3, 1.0, 2.0, 2.0, 2.0][rng.below(6)];
    let runs = rng.below(2) == 0;
    let constant_energy = rng.below(8) == 0;
    let constant_daylight = rng.below(8) == 0;
    let gaps = rng.below(3) == 0;
    let start = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default();
    let (mut m, mut e) = (0.0, 0.0);
    let mut outside = false;
    let mut days = Vec::new();
    for i in 0..n {
        m = phi * m + noise * rng.normal();
        e = phi * e + noise * rng.normal();
        outside = if runs {
            if rng.below(5) == 0 { !outside } else { outside }
        } else {
            rng.below(2) == 0
        };
        if gaps && rng.below(6) == 0 {
            continue;
        }
        let bump = if outside { effect } else { 0.0 };
        let daylight = if constant_daylight {
            8
        } else {
            scale(m + 5.0) * 2 + if outside { 4 } else { 0 }
        };
        days.push(entry(
            start + Days::new(i as u64),
            daylight,
            if constant_energy { 6 } else { scale(5.0 + e) },
            scale(5.0 + m + bump),
            outside,
        ));
    }
    days
}

/// The numbers in `text`, in order ("-0.25", "3", "1.5").
fn numbers(text: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let mut current = String::new();
    for ch in text.chars().chain([' ']) {
        if ch.is_ascii_digit()
            || (ch == '.' && !current.is_empty())
            || (ch == '-' && current.is_empty())
        {
            current.push(ch);
        } else {
            let t = current.trim_end_matches('.');
            if let Ok(v) = t.parse::<f64>() {
                out.push(v);
            }
            current.clear();
        }
    }
    out
}

/// Parses "(95% interval: from A to B unit up)", "… from A to B unit down" and "… from A unit
/// down to B unit up" into signed (low, high).
fn signed_interval(text: &str, up: &str, down: &str) -> (f64, f64) {
    let start = text.find("95% interval: from ").expect("a signed interval") + 19;
    let rest = &text[start..];
    let inner = &rest[..rest.find(')').expect("closing bracket")];
    let v = numbers(inner);
    assert_eq!(v.len(), 2, "two bounds in {inner:?}");
    let (a, b) = (v[0], v[1]);
    if inner.contains(&format!(" {down} to ")) {
        assert!(inner.ends_with(up), "{inner}");
        (-a, b)
    } else if inner.ends_with(up) {
        (a, b)
    } else {
        assert!(inner.ends_with(down), "{inner}");
        (-b, -a)
    }
}

fn close(quoted: f64, computed: f64, decimals: i32, what: &str) {
    let tolerance = 0.5 * 10f64.powi(-decimals) + 1e-9;
    assert!(
        (quoted - computed).abs() <= tolerance,
        "{what}: quoted {quoted}, computed {computed}"
    );
}

/// The checks shared by every two-group sentence (outside, habits, experiment, activities).
fn check_comparison(text: &str, c: &Comparison) {
    assert!(c.n_a >= MIN_GROUP_DAYS && c.n_b >= MIN_GROUP_DAYS, "{text}");
    assert!(
        !text.contains("0.0 and 0.0") && !text.contains("0.0 to 0.0"),
        "{text}"
    );
    let word = c.outcome.word();
    let lead = format!("Your {word} was ");
    let at = text.find(&lead).expect("a difference sentence");
    let tail = &text[at + lead.len()..];
    // Only this comparison's sentences (an experiment's text goes on to a second one).
    let tail = &tail[..tail.find("As it actually happened").unwrap_or(tail.len())];
    let own = format!("{lead}{tail}");
    if tail.starts_with("about the same") {
        assert!(c.difference.abs() < 0.05 + 1e-9, "{text}");
    } else {
        let size = numbers(tail)[0];
        close(size, c.difference.abs(), 1, "difference");
        let higher = tail.find(" higher on ");
        let lower = tail.find(" lower on ");
        match (higher, lower) {
            (Some(h), l) if l.is_none_or(|l| h < l) => assert!(c.difference > 0.0, "{text}"),
            (_, Some(_)) => assert!(c.difference < 0.0, "{text}"),
            _ => panic!("no direction word: {text}"),
        }
    }
    if c.no_spread() {
        assert!(text.contains("no range can be given"), "{text}");
        return;
    }
    let (low, high) = signed_interval(&own, "higher", "lower");
    close(low, c.low, 1, "low");
    close(high, c.high, 1, "high");
    assert!(low < high, "{text}");
    assert_eq!(
        own.contains("includes no difference at all"),
        c.low <= 0.0 && c.high >= 0.0,
        "{text}"
    );
    // The group means' ranges are the ones the chart draws.
    for (mean, sd, interval) in [
        (c.mean_a, c.sd_a, c.interval_a),
        (c.mean_b, c.sd_b, c.interval_b),
    ] {
        if sd == 0.0 {
            continue;
        }
        let quoted = format!(
            "{} (95% interval {} to {})",
            crate::reflection::one(mean),
            crate::reflection::bounds(interval.low, interval.high, 1).0,
            crate::reflection::bounds(interval.low, interval.high, 1).1
        );
        assert!(text.contains(&quoted), "{quoted} in {text}");
        assert!(interval.low < interval.high);
    }
}

/// A headline names a direction only when the interval leaves out no difference, the direction
/// matches the estimate's sign, and its range is the sentence's range.
fn check_headline(f: &Finding<Comparison>, sentences: &str) {
    let h = comparison_headline(f, "outside mornings", "indoor mornings");
    let Finding::Ready(c) = f else {
        assert!(!h.contains("higher") && !h.contains("lower"), "{h}");
        return;
    };
    if c.no_spread() {
        assert!(h.contains("too little variation"), "{h}");
        return;
    }
    let claims = !h.starts_with("No clear difference");
    assert_eq!(claims, comparison_is_clear(c), "{h}");
    if claims {
        let lead = h.split(" (").next().unwrap_or_default();
        assert_eq!(lead.contains(" higher on "), c.difference > 0.0, "{h}");
        assert_eq!(lead.contains(" lower on "), c.difference < 0.0, "{h}");
    }
    let range = &h[h.find("(likely ").expect("a range") + 8..h.len() - 2];
    assert!(
        sentences.contains(&format!("95% interval: {range})")),
        "{h} / {sentences}"
    );
}

fn check_sample_note(text: &str, n: usize, n_effective: f64) {
    assert!(text.contains(sample_words(n_effective)), "{text}");
    assert_eq!(
        text.contains("independent days"),
        n_effective < n as f64 - 0.5,
        "{text}"
    );
}

fn check_daylight(f: &Finding<DaylightLink>, days: &[DayEntry], lag: u8) {
    let word = if lag == 0 { "mood" } else { "energy" };
    let text = daylight_sentence(f, word, lag);
    match f {
        Finding::NotEnoughDays { have, need } => {
            assert!(have[0] < *need && *need == MIN_PAIRS, "{text}");
        }
        Finding::NoVariation { what } => {
            assert!(text.contains("the same every day, so there is nothing to relate"));
            if what == "daylight" {
                assert!(
                    days.iter()
                        .all(|d| d.daylight_quarter_hours == days[0].daylight_quarter_hours)
                        || lag == 1
                );
            }
        }
        Finding::Ready(l) => {
            assert!(l.n >= MIN_PAIRS);
            if l.high - l.low < 5e-5 {
                assert!(
                    l.r.abs() > 0.999 && text.contains("no range can be given"),
                    "{text}"
                );
                return;
            }
            let excludes = l.low > 0.0 || l.high < 0.0;
            let strength = ["weakly", "moderately", "strongly"]
                .iter()
                .any(|w| text.contains(&format!("{w} related")));
            assert_eq!(strength, excludes, "{text}");
            assert_eq!(text.contains("no clear relation either way"), !excludes);
            if excludes {
                assert_eq!(text.contains("tended to be higher"), l.r > 0.0, "{text}");
                assert_eq!(text.contains("tended to be lower"), l.r < 0.0, "{text}");
            }
            let from = text.find(" from ").expect("a range");
            let v = numbers(&text[from..]);
            close(v[0], l.low, 2, "r low");
            close(v[1], l.high, 2, "r high");
            assert!(v[0] < v[1], "{text}");
            close(
                numbers(&text[text.find("r = ").unwrap_or(0)..])[0],
                l.r,
                2,
                "r",
            );
            check_sample_note(&text, l.n, l.n_effective);
        }
    }
}

#[test]
fn every_sentence_matches_its_numbers_on_generated_data() {
    let mut rng = Rng(SplitMix64::new(2026));
    let mut seen = [0usize; 6];
    for _ in 0..300 {
        let days = data_set(&mut rng);
        let insights = light_mood_insights(&days);
        for f in &insights.outside_vs_indoor {
            let text = outside_sentences(f).join(" ");
            match f {
                Finding::NotEnoughDays { have, need } => {
                    seen[0] += 1;
                    assert!(have[0] < *need || have[1] < *need, "{text}");
                    assert!(!text.contains("averaged"), "{text}");
                }
                Finding::NoVariation { what } => {
                    seen[1] += 1;
                    assert!(
                        text.contains("was the same every day, so there is nothing to compare")
                    );
                    let o = if what == "mood" {
                        Outcome::Mood
                    } else {
                        Outcome::Energy
                    };
                    assert!(days.iter().all(|d| o.of(d) == o.of(&days[0])), "{text}");
                }
                Finding::Ready(c) => {
                    seen[2] += 1;
                    check_comparison(&text, c);
                    check_sample_note(&text, c.n_a + c.n_b, c.n_effective);
                    assert_eq!(text.contains("ran in streaks"), c.factor > 1.0, "{text}");
                }
            }
            check_headline(f, &outside_sentences(f).join(" "));
        }
        for (word, same, next) in [
            ("mood", &insights.daylight[0], &insights.daylight[2]),
            ("energy", &insights.daylight[1], &insights.daylight[3]),
        ] {
            let h = daylight_headline(same, next, word);
            let clear = |f: &Finding<DaylightLink>| match f {
                Finding::Ready(l) if daylight_is_clear(l) => Some(l.r > 0.0),
                _ => None,
            };
            let claims = h.contains("tended to be");
            assert_eq!(
                claims,
                clear(same).is_some() || clear(next).is_some(),
                "{h}"
            );
            if let Some(up) = clear(same).or(clear(next)) {
                assert_eq!(h.contains("tended to be higher"), up, "{h}");
                assert_eq!(h.contains("tended to be lower"), !up, "{h}");
            }
        }
        let h = habits_headline(&insights.habits);
        let any_clear = insights
            .habits
            .iter()
            .any(|x| matches!(&x.mood, Finding::Ready(c) if comparison_is_clear(c)));
        assert_eq!(h.starts_with("Your mood was "), any_clear, "{h}");
        for (i, f) in insights.daylight.iter().enumerate() {
            check_daylight(f, &days, u8::from(i >= 2));
        }
        for (word, carry) in [
            ("mood", &insights.mood_carryover),
            ("energy", &insights.energy_carryover),
        ] {
            let text = carryover_sentence(word, carry);
            let says = text.contains("tended to carry over");
            assert_eq!(says, carry.is_meaningful(), "{text}");
            if says {
                seen[3] += 1;
                assert!(carry.lag1() > 2.0 / (carry.pairs as f64).sqrt());
                assert!(carry.pairs >= MIN_CARRYOVER_PAIRS);
            }
            assert!(!text.contains("carry over") || says || text.contains("not enough"));
        }
        for h in &insights.habits {
            let text = habit_sentence(h);
            if let Finding::Ready(c) = &h.mood {
                seen[4] += 1;
                check_comparison(&text, c);
            }
        }
        // The same data as activity days: with and without.
        let rows: Vec<(NaiveDate, bool, f64)> = days
            .iter()
            .filter_map(|d| Some((d.date, d.habits.moved_my_body, f64::from(d.mood?))))
            .collect();
        let f = compare(&rows, Outcome::Mood);
        let text = crate::activities::mood_sentences(&f).join(" ");
        if let Finding::Ready(c) = &f {
            check_comparison(&text, c);
        }
    }
    assert!(
        seen.iter().take(5).all(|n| *n > 5),
        "every kind was exercised: {seen:?}"
    );
}

#[test]
fn experiment_sentences_use_the_plan_and_intention_to_treat_words() {
    let mut rng = Rng(SplitMix64::new(7));
    let mut ready = 0;
    for round in 0..40u64 {
        let weeks = 2 + rng.below(5) as i64;
        let plan = Plan::new(
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
            weeks,
            round,
        )
        .unwrap();
        let effect = [0.0, 1.0, 3.0][rng.below(3)];
        let logged: Vec<u64> = (0..weeks as u64 * 7)
            .filter(|_| rng.below(8) != 0)
            .collect();
        let days: Vec<DayEntry> = logged
            .into_iter()
            .map(|i| {
                let date = plan.start + Days::new(i);
                let light =
                    plan.condition_on(date) == Some(crate::experiment::Condition::MorningLight);
                let outside = if rng.below(5) == 0 { !light } else { light };
                let mood = 5.0 + rng.normal() * 1.5 + if outside { effect } else { 0.0 };
                entry(date, 4, scale(5.0 + rng.normal()), scale(mood), outside)
            })
            .collect();
        let analysis = analyse(&plan, &days, NaiveDate::MAX, 300);
        for result in &analysis.outcomes {
            let text = experiment_sentences(result).join(" ");
            let lower = text.to_lowercase();
            assert!(
                !lower.contains("stay in") && !lower.contains("stay-in"),
                "{text}"
            );
            if let Finding::Ready(c) = &result.as_assigned {
                ready += 1;
                check_comparison(&text, c);
                let p = result.p_value.expect("a p-value with enough days");
                assert!(
                    text.contains("If the plan made no difference to your"),
                    "{text}"
                );
                let share = (p * 100.0).round();
                if share >= 1.0 {
                    assert!(
                        text.contains(&format!("about {share:.0} of 100 re-drawn schedules")),
                        "{text}"
                    );
                } else {
                    assert!(
                        text.contains("fewer than 1 of 100 re-drawn schedules"),
                        "{text}"
                    );
                }
            }
        }
    }
    assert!(ready > 20, "{ready}");
}

#[test]
fn critic_sentences_carry_a_direction_word_that_matches_the_sign() {
    let mut rng = Rng(SplitMix64::new(99));
    for _ in 0..300 {
        let n = rng.below(9);
        let shift = [0.0, 10.0, -10.0, 30.0][rng.below(4)];
        let same = rng.below(6) == 0;
        let points: Vec<(NaiveDate, u8, u8)> = (0..n)
            .map(|i| {
                let actual = 20 + rng.below(40);
                let noise = if same { 0.0 } else { rng.normal() * 12.0 };
                let predicted = (actual as f64 + shift + noise).round().clamp(0.0, 100.0);
                (
                    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default() + Days::new(i as u64),
                    predicted as u8,
                    actual as u8,
                )
            })
            .collect();
        let c = CriticAccuracy::from_experiments(&points);
        let text = c.sentence();
        let Some(interval) = c.interval else {
            assert!(text.starts_with("Too few experiments"), "{text}");
            assert!(n < 3);
            continue;
        };
        let mean = c.mean_overestimate;
        if mean.round() == 0.0 {
            assert!(text.contains("on average matched"), "{text}");
        } else {
            let word = if mean > 0.0 { "worse" } else { "better" };
            assert!(
                text.contains(&format!("points {word} than what happened"))
                    || text.contains(&format!("point {word} than what happened")),
                "{text}"
            );
        }
        if interval.low == interval.high {
            assert!(text.contains("no range can be given"), "{text}");
            continue;
        }
        let (low, high) = signed_interval(&text, "worse", "better");
        close(low, interval.low, 0, "critic low");
        close(high, interval.high, 0, "critic high");
        assert!(low <= high, "{text}");
    }
}

/// AR(1) mood (φ = 0.6) over 60 days, no real difference, 1000 simulated series with mornings
/// outside scattered at random (then in runs of about a week):
/// the 95% interval of the difference should cover 0 about 95% of the time. Widening by mood's
/// own autocorrelation alone gave ~100%; Bartlett's product rule should stay near 95%.
#[test]
fn widened_intervals_cover_the_truth_about_95_percent_of_the_time() {
    let mut rng = Rng(SplitMix64::new(60));
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    for runs in [false, true] {
        let (mut covered, mut total) = (0, 0);
        for _ in 0..1000 {
            let mut y = rng.normal() / (1.0f64 - 0.36).sqrt();
            let mut group = rng.below(2) == 0;
            let rows: Vec<(NaiveDate, bool, f64)> = (0..60u64)
                .map(|i| {
                    y = 0.6 * y + rng.normal();
                    group = if runs {
                        if rng.below(7) == 0 { !group } else { group }
                    } else {
                        rng.below(2) == 0
                    };
                    (start + Days::new(i), group, y)
                })
                .collect();
            if let Finding::Ready(c) = compare(&rows, Outcome::Mood) {
                total += 1;
                if c.low <= 0.0 && c.high >= 0.0 {
                    covered += 1;
                }
            }
        }
        let coverage = f64::from(covered) / f64::from(total);
        println!(
            "coverage with groups in {}: {coverage:.3} of {total}",
            if runs { "runs" } else { "random order" }
        );
        assert!(total > 950);
        let lowest = if runs { 0.88 } else { 0.90 };
        assert!((lowest..=0.99).contains(&coverage), "coverage {coverage}");
    }
}

#[test]
fn independent_days_are_not_said_to_carry_over() {
    // The reported case: energy with a lag-1 autocorrelation near 0 was said to "carry over".
    let mut rng = Rng(SplitMix64::new(12));
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    let series: Vec<(NaiveDate, f64)> = (0..90u64)
        .map(|i| (start + Days::new(i), rng.normal()))
        .collect();
    let carry = Carryover::of(&series);
    assert!(carry.lag1().abs() < carry.null_bound(), "{carry:?}");
    let text = carryover_sentence("energy", &carry);
    assert!(text.contains("said little about the next"), "{text}");
    assert!(!text.contains("tended to carry over"), "{text}");
}
