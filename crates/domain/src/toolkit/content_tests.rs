//! The shipped content files parse and are complete.

use super::*;
use std::collections::BTreeSet;

fn loaded() -> Catalogue {
    Catalogue::load().unwrap()
}

const EXERCISE_IDS: [&str; 20] = [
    "rigid-rule",
    "thought-record",
    "behavioural-experiment",
    "time-limited-task",
    "submit-before-ready",
    "rest-without-justification",
    "exposure-ladder",
    "friend-perspective",
    "self-compassion-break",
    "letter-to-myself",
    "values",
    "committed-action",
    "defusion",
    "mindful-breathing",
    "noticing-thoughts",
    "body-scan",
    "unfinished-task",
    "fear-of-rejection",
    "fear-of-being-ordinary",
    "fear-of-losing-control",
];

#[test]
fn every_file_parses_and_the_shared_catalogue_is_the_full_one() {
    let c = loaded();
    let ids: Vec<&str> = c.exercises.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, EXERCISE_IDS);
    assert_eq!(catalogue().exercises.len(), EXERCISE_IDS.len());
    assert_eq!(catalogue().distortions.len(), c.distortions.len());
    assert_eq!(catalogue().life_values.len(), c.life_values.len());
}

#[test]
fn every_exercise_is_complete() {
    for e in &loaded().exercises {
        let id = &e.id;
        assert!(!e.title.trim().is_empty(), "{id} title");
        assert!(
            !e.summary.trim().is_empty() && !e.summary.contains('\n'),
            "{id} summary is one line"
        );
        let sentences = e.intro.matches(['.', '?', '!']).count();
        assert!(
            (2..=5).contains(&sentences),
            "{id} intro has {sentences} sentences"
        );
        assert!(e.minutes >= 1, "{id} minutes");
        assert!(!e.steps.is_empty(), "{id} has steps");
        let mut seen = BTreeSet::new();
        for s in &e.steps {
            assert!(
                seen.insert(s.id.as_str()),
                "{id}: step id {} repeated",
                s.id
            );
            assert!(
                !s.label.trim().is_empty() && !s.prompt.trim().is_empty(),
                "{id}.{}",
                s.id
            );
            assert!(
                !s.id.contains(['.', '[']),
                "{id}.{}: ids are form field names",
                s.id
            );
        }
    }
}

#[test]
fn changes_pair_ratings_on_the_same_scale() {
    for e in &loaded().exercises {
        for c in &e.changes {
            let before = e.step(&c.before).map(|s| &s.kind);
            let after = e.step(&c.after).map(|s| &s.kind);
            match (before, after) {
                (
                    Some(StepKind::Rating { min: a, max: b, .. }),
                    Some(StepKind::Rating { min: x, max: y, .. }),
                ) => {
                    assert_eq!(
                        (a, b),
                        (x, y),
                        "{}: '{}' compares different scales",
                        e.id,
                        c.label
                    );
                    assert_ne!(c.before, c.after, "{}: '{}'", e.id, c.label);
                }
                (Some(StepKind::Emotions), Some(StepKind::Emotions)) => {
                    assert_eq!(c.before, c.after, "{}: '{}'", e.id, c.label)
                }
                other => panic!(
                    "{}: '{}' must name two ratings, got {other:?}",
                    e.id, c.label
                ),
            }
        }
    }
}

#[test]
fn every_approach_has_an_exercise() {
    let c = loaded();
    let grouped = c.by_approach();
    let approaches: Vec<Approach> = grouped.iter().map(|g| g.0).collect();
    assert_eq!(approaches, Approach::ALL);
    for a in Approach::ALL {
        assert_eq!(Approach::from_slug(a.slug()), Some(a));
        assert!(!a.title().is_empty());
    }
}

#[test]
fn timed_exercises_have_timers_and_guided_ones_have_practice() {
    for e in &loaded().exercises {
        let timed = e.approach == Approach::Mindfulness || e.id == "time-limited-task";
        assert_eq!(e.timer.is_some(), timed, "{} timer", e.id);
        if let Some(t) = e.timer {
            assert!((1..=60).contains(&t), "{} timer {t}", e.id);
        }
        if e.approach == Approach::Mindfulness {
            assert!(e.practice.len() >= 4, "{} practice steps", e.id);
            assert!(
                e.practice.iter().all(|p| p.chars().count() <= 140),
                "{} short steps",
                e.id
            );
        }
    }
}

#[test]
fn emotional_core_exercises_offer_four_or_five_prompts() {
    for e in loaded()
        .exercises
        .iter()
        .filter(|e| e.approach == Approach::EmotionalCore)
    {
        let prompts = e
            .steps
            .iter()
            .filter(|s| matches!(s.kind, StepKind::LongText { .. }))
            .count();
        assert!((4..=5).contains(&prompts), "{}: {prompts} prompts", e.id);
    }
}

#[test]
fn only_exercises_finished_later_can_be_planned() {
    let c = loaded();
    let later: Vec<&str> = c
        .exercises
        .iter()
        .filter(|e| e.has_after_steps())
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(
        later,
        [
            "behavioural-experiment",
            "time-limited-task",
            "submit-before-ready",
            "rest-without-justification",
            "committed-action"
        ]
    );
}

#[test]
fn the_inner_critic_steps_exist_with_a_0_to_100_scale() {
    let c = loaded();
    let e = c.exercise(critic::EXPERIMENT_KIND).unwrap();
    for id in [critic::PREDICTED_STEP, critic::ACTUAL_STEP] {
        assert!(
            matches!(
                e.step(id).map(|s| &s.kind),
                Some(StepKind::Rating {
                    min: 0,
                    max: 100,
                    ..
                })
            ),
            "{id}"
        );
    }
}

#[test]
fn all_twelve_distortions_are_explained_with_an_example() {
    let c = loaded();
    let ids: BTreeSet<&str> = c.distortions.iter().map(|d| d.id.as_str()).collect();
    for id in [
        "all-or-nothing",
        "catastrophising",
        "overgeneralisation",
        "mental-filter",
        "discounting-the-positive",
        "mind-reading",
        "fortune-telling",
        "should-statements",
        "labelling",
        "magnification-minimisation",
        "emotional-reasoning",
        "personalisation",
    ] {
        assert!(ids.contains(id), "{id} missing");
    }
    assert_eq!(ids.len(), c.distortions.len(), "ids are unique");
    for d in &c.distortions {
        assert!(d.explanation.len() > 20 && d.example.len() > 20, "{}", d.id);
    }
}

#[test]
fn life_values_reach_beyond_achievement() {
    let c = loaded();
    let ids: BTreeSet<&str> = c.life_values.iter().map(|v| v.id.as_str()).collect();
    for id in [
        "connection",
        "creativity",
        "meaning",
        "health",
        "play",
        "learning",
        "community",
        "nature",
        "family",
        "work",
    ] {
        assert!(ids.contains(id), "{id} missing");
    }
    assert_eq!(ids.len(), c.life_values.len(), "ids are unique");
    assert!(c.life_values.iter().all(|v| !v.description.contains('\n')));
}

/// Words we keep out of our own voice (the distortion examples quote the inner critic, so
/// they are not checked).
#[test]
fn our_words_stay_gentle() {
    let c = loaded();
    let mut texts: Vec<(String, &str)> = Vec::new();
    for e in &c.exercises {
        texts.extend(
            [
                ("title", &e.title),
                ("summary", &e.summary),
                ("intro", &e.intro),
            ]
            .map(|(k, v)| (format!("{}.{k}", e.id), v.as_str())),
        );
        texts.extend(
            e.practice
                .iter()
                .map(|p| (format!("{}.practice", e.id), p.as_str())),
        );
        for s in &e.steps {
            texts.push((format!("{}.{}", e.id, s.id), &s.prompt));
            texts.push((format!("{}.{}", e.id, s.id), &s.label));
            if let Some(h) = &s.help {
                texts.push((format!("{}.{}", e.id, s.id), h));
            }
        }
    }
    texts.extend(
        c.distortions
            .iter()
            .map(|d| (d.id.clone(), d.explanation.as_str())),
    );
    texts.extend(
        c.life_values
            .iter()
            .map(|v| (v.id.clone(), v.description.as_str())),
    );
    for (place, text) in texts {
        let lower = text.to_lowercase();
        for word in ["fail", "missed", "streak", "lazy", "weak", "should have"] {
            assert!(!lower.contains(word), "{place}: '{word}' in {text:?}");
        }
    }
}

#[test]
fn a_broken_step_is_refused_with_a_reason() {
    let bad = r#"
        id = "x"
        approach = "cbt"
        title = "X"
        summary = "X"
        intro = "X. Y."
        minutes = 1
        [[steps]]
        id = "r"
        label = "R"
        prompt = "R?"
        kind = "rating"
        min = 0
        max = 10
    "#;
    let err = toml::from_str::<ExerciseDef>(bad).unwrap_err().to_string();
    assert!(err.contains("low_label"), "{err}");
    let typo = bad.replace(
        "max = 10",
        "max = 10\nlow_label = \"a\"\nhigh_label = \"b\"\nhlep = \"?\"",
    );
    assert!(
        toml::from_str::<ExerciseDef>(&typo).is_err(),
        "unknown keys are refused"
    );
}

#[test]
fn the_catalogue_serialises_for_the_api_with_flat_step_kinds() {
    let json = serde_json::to_value(catalogue()).unwrap();
    let rule = &json["exercises"][0];
    assert_eq!(rule["id"], "rigid-rule");
    assert_eq!(rule["approach"], "cbt");
    let belief = &rule["steps"][1];
    assert_eq!(belief["kind"], "rating");
    assert_eq!(
        (belief["min"].as_u64(), belief["max"].as_u64()),
        (Some(0), Some(100))
    );
    assert_eq!(belief["stage"], "before");
    assert_eq!(rule["steps"][0]["kind"], "text");
    assert_eq!(rule["steps"][0]["max_chars"], DEFAULT_TEXT_CHARS);
    assert_eq!(
        serde_json::to_value(Approach::SelfCompassion).unwrap(),
        "self-compassion"
    );
    assert_eq!(serde_json::to_value(Status::Planned).unwrap(), "planned");
    assert_eq!(Status::parse(Status::Done.as_str()), Some(Status::Done));
}
