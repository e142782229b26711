use super::*;
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn every_shipped_file_is_valid_and_loaded() {
    for (id, text) in PROGRAMME_FILES {
        let p = parse(text).unwrap_or_else(|e| panic!("programmes/{id}.toml: {e}"));
        assert_eq!(p.id, *id);
        for (i, day) in p.days.iter().enumerate() {
            assert_eq!(usize::from(day.day), i + 1, "{id}: days without gaps");
            if let Some(e) = &day.exercise {
                assert!(
                    catalogue().exercise(e).is_some(),
                    "{id} day {}: {e}",
                    day.day
                );
            }
            if let Some(q) = &day.questionnaire {
                assert!(instrument(q).is_some(), "{id} day {}: {q}", day.day);
            }
            for text in [&day.title, &day.text] {
                assert!(!text.trim().is_empty());
                let lower = text.to_lowercase();
                for word in SHAMING_WORDS {
                    assert!(!lower.contains(word), "{id} day {}: {word}", day.day);
                }
            }
        }
    }
    assert_eq!(programmes().len(), PROGRAMME_FILES.len());
    let good = programme("good-enough-21").unwrap();
    assert_eq!(
        (good.title.as_str(), good.len()),
        ("21 days of good enough", 21)
    );
    let winter = programme("winter-light").unwrap();
    assert_eq!((winter.title.as_str(), winter.len()), ("Winter light", 14));
    assert!(winter.days.iter().all(|d| d.log));
    assert!(programme("nope").is_none());
    assert_eq!(
        good.day(2).unwrap().exercise.as_deref(),
        Some("time-limited-task")
    );
}

#[test]
fn broken_files_are_refused_with_the_reason() {
    let base = r#"
        id = "x"
        title = "X"
        summary = "S"
        intro = "I."
        [[days]]
        day = 1
        title = "One"
        text = "Text."
    "#;
    assert!(parse(base).is_ok());
    let gap = base.replace("day = 1", "day = 2");
    assert!(parse(&gap).unwrap_err().contains("should be day 1"));
    let exercise = base.replace("text = \"Text.\"", "text = \"Text.\"\nexercise = \"nope\"");
    assert!(
        parse(&exercise)
            .unwrap_err()
            .contains("\"nope\" is not an exercise")
    );
    let questionnaire = base.replace("text = \"Text.\"", "text = \"T.\"\nquestionnaire = \"x\"");
    assert!(
        parse(&questionnaire)
            .unwrap_err()
            .contains("questionnaires")
    );
    let shaming = base.replace("Text.", "Don't break your streak!");
    assert!(parse(&shaming).unwrap_err().contains("streak"));
    let typo = base.replace("text = \"Text.\"", "text = \"T.\"\nexcercise = \"values\"");
    assert!(parse(&typo).is_err(), "unknown keys are refused");
    let empty = base.replace("text = \"Text.\"", "text = \"  \"");
    assert!(parse(&empty).unwrap_err().contains("days[0].text"));
}

fn step(day: u16, exercise: Option<&str>) -> ProgrammeDay {
    ProgrammeDay {
        day,
        title: format!("Day {day}"),
        text: "A small step.".into(),
        exercise: exercise.map(str::to_owned),
        log: false,
        questionnaire: None,
    }
}

#[test]
fn a_therapist_composes_from_the_catalogue() {
    let p = compose(
        "  Gentle steps ",
        vec![step(1, Some("values")), step(2, Some("")), step(3, None)],
    )
    .unwrap();
    assert_eq!(p.title, "Gentle steps");
    assert_eq!(p.len(), 3);
    assert_eq!(p.days[1].exercise, None, "a blank exercise means none");

    let errors = compose(
        &"x".repeat(81),
        vec![step(1, Some("made-up")), step(3, None)],
    )
    .unwrap_err();
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["title", "days[0].exercise", "days[1].day"]);

    let long: Vec<ProgrammeDay> = (1..=61).map(|i| step(i, None)).collect();
    assert!(
        compose("Long", long)
            .unwrap_err()
            .message_for("days")
            .unwrap()
            .contains("60")
    );
    assert!(compose("Empty", vec![]).is_err());
    let mut lazy = step(1, None);
    lazy.text = "Stop being lazy.".into();
    assert!(compose("T", vec![lazy]).is_err());
}

#[test]
fn a_missed_day_resets_nothing() {
    let p = programme("good-enough-21").unwrap();
    let mut run = ProgrammeRun::new(&p.id, d("2026-11-02"));
    // Nothing done, weeks later: still day 1, and no mention of the time that passed.
    assert_eq!(
        today_step(p, &run, d("2026-12-20")),
        Step::Day {
            day: 1,
            of: 21,
            done: 0
        }
    );
    for day in 1..=5 {
        complete_day(p, &mut run, day).unwrap();
    }
    // Day 6 whether it is the 6th calendar day or the 40th.
    for today in ["2026-11-07", "2026-12-12"] {
        assert_eq!(
            today_step(p, &run, d(today)),
            Step::Day {
                day: 6,
                of: 21,
                done: 5
            }
        );
        assert_eq!(
            progress_sentence(p, &run, d(today)),
            "Day 6 of 21. You've done 5 steps; there's no catching up to do."
        );
    }
    // Doing day 9 early leaves day 6 as the next step; doing a day twice changes nothing.
    complete_day(p, &mut run, 9).unwrap();
    complete_day(p, &mut run, 9).unwrap();
    assert_eq!(
        today_step(p, &run, d("2026-11-20")),
        Step::Day {
            day: 6,
            of: 21,
            done: 6
        }
    );
    assert!(
        complete_day(p, &mut run, 22)
            .unwrap_err()
            .message_for("day")
            .is_some()
    );
    assert!(complete_day(p, &mut run, 0).is_err());
    assert!(!finished(p, &run));
    for day in 1..=21 {
        complete_day(p, &mut run, day).unwrap();
    }
    assert!(finished(p, &run));
    assert_eq!(
        today_step(p, &run, d("2027-01-01")),
        Step::Finished { of: 21 }
    );
    assert_eq!(
        progress_sentence(p, &run, d("2027-01-01")),
        "All 21 days done. Come back to any of them whenever they help."
    );
}

#[test]
fn a_run_that_starts_later_says_so_kindly() {
    let p = programme("winter-light").unwrap();
    let mut run = ProgrammeRun::new(&p.id, d("2026-12-01"));
    assert_eq!(
        today_step(p, &run, d("2026-11-28")),
        Step::NotYet {
            starts: d("2026-12-01")
        }
    );
    assert_eq!(
        progress_sentence(p, &run, d("2026-11-28")),
        "Starts on Tuesday 1 December. You can open day 1 early if you like."
    );
    assert_eq!(
        progress_sentence(p, &run, d("2026-12-01")),
        "Day 1 of 14. Start whenever suits you; there's no clock running."
    );
    complete_day(p, &mut run, 1).unwrap();
    assert_eq!(
        progress_sentence(p, &run, d("2026-11-30")),
        "Day 2 of 14. You've done 1 step; there's no catching up to do.",
        "opening a day early starts the run"
    );
}

#[test]
fn programmes_serialise_for_the_api() {
    let json = serde_json::to_value(programme("winter-light").unwrap()).unwrap();
    assert_eq!(json["days"][2]["questionnaire"], "who-5");
    assert!(json["days"][0].get("exercise").is_none());
    let step = serde_json::to_value(Step::Day {
        day: 2,
        of: 14,
        done: 1,
    })
    .unwrap();
    assert_eq!(step["status"], "day");
}
