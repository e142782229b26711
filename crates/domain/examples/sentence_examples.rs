//! Prints one generated example of every sentence kind a person reads (insights, experiment,
//! habits, activities, critic, questionnaire change), computed from made-up days, so a
//! reviewer can read the words next to the numbers they come from.
//!
//! `cargo run -p enough-domain --example sentence_examples`. The checks that every sentence
//! agrees with its numbers are the tests in `src/sentence_checks.rs`; this only shows them.

use chrono::{Days, NaiveDate};
use enough_domain::activities::mood_sentences;
use enough_domain::experiment::{Condition, Plan, analyse};
use enough_domain::light_mood::{Outcome, compare, light_mood_insights};
use enough_domain::measures::{instrument, judge_change, talking_therapies};
use enough_domain::reflection::{
    carryover_sentence, comparison_headline, daylight_headline, daylight_sentence,
    experiment_sentences, habit_sentence, habits_headline, outside_sentences,
};
use enough_domain::sample_days::sample_days;
use enough_domain::toolkit::CriticAccuracy;

fn show(kind: &str, text: &str) {
    println!("{kind}:\n  {text}\n");
}

fn main() {
    let days = sample_days(60);
    let insights = light_mood_insights(&days);
    if let Some(f) = insights.outside_vs_indoor.first() {
        show(
            "insights, headline",
            &comparison_headline(f, "outside mornings", "indoor mornings"),
        );
        show(
            "insights, outside vs indoor",
            &outside_sentences(f).join(" "),
        );
    }
    if let (Some(same), Some(next)) = (insights.daylight.first(), insights.daylight.get(2)) {
        show(
            "insights, daylight headline",
            &daylight_headline(same, next, "mood"),
        );
        show("insights, daylight", &daylight_sentence(same, "mood", 0));
    }
    show(
        "insights, carry-over",
        &carryover_sentence("mood", &insights.mood_carryover),
    );
    show("habits, headline", &habits_headline(&insights.habits));
    if let Some(h) = insights.habits.first() {
        show("habits", &habit_sentence(h));
    }
    // Too few days, and a mood that never varied.
    let few = light_mood_insights(&sample_days(4));
    if let Some(f) = few.outside_vs_indoor.first() {
        show("insights, too few days", &outside_sentences(f).join(" "));
    }
    let mut flat = sample_days(30);
    for d in &mut flat {
        d.mood = Some(5);
    }
    let flat = light_mood_insights(&flat);
    if let Some(f) = flat.outside_vs_indoor.first() {
        show("insights, no variation", &outside_sentences(f).join(" "));
    }

    // The experiment: four weeks, mornings as the plan drew them, most followed.
    let start = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    if let Ok(plan) = Plan::new(start, 4, 11) {
        let logged: Vec<_> = sample_days(28)
            .into_iter()
            .enumerate()
            .map(|(i, mut d)| {
                d.date = start + Days::new(i as u64);
                let light = plan.condition_on(d.date) == Some(Condition::MorningLight);
                d.outside_morning = Some(if i % 9 == 0 { !light } else { light });
                d
            })
            .collect();
        let analysis = analyse(&plan, &logged, NaiveDate::MAX, 999);
        if let Some(result) = analysis.outcomes.first() {
            show("experiment", &experiment_sentences(result).join(" "));
        }
    }

    // Activities: days with a walk against days without.
    let rows: Vec<(NaiveDate, bool, f64)> = days
        .iter()
        .filter_map(|d| Some((d.date, d.habits.got_outside, f64::from(d.mood?))))
        .collect();
    show(
        "activities",
        &mood_sentences(&compare(&rows, Outcome::Mood)).join(" "),
    );

    // The inner critic: predicted against what happened, 0-100.
    let critic: Vec<(NaiveDate, u8, u8)> = [(70, 40), (80, 45), (60, 50), (90, 35), (75, 60)]
        .iter()
        .enumerate()
        .map(|(i, &(p, a))| (start + Days::new(i as u64), p, a))
        .collect();
    show(
        "critic",
        &CriticAccuracy::from_experiments(&critic).sentence(),
    );

    // Questionnaires: NHS Talking Therapies (paired PHQ-9 and GAD-7, a mixed outcome) and one
    // instrument's own rule.
    show(
        "questionnaire change, PHQ-9 16 -> 10 with GAD-7 6 -> 10",
        &talking_therapies(16, 6, 10, 10).sentence,
    );
    if let Some(who5) = instrument("who-5") {
        show(
            "questionnaire change, WHO-5 40 -> 56",
            &judge_change(who5, 40.0, 56.0).sentence,
        );
    }
}
