//! Answers, validation and progress against the shipped exercises.

use super::*;
use chrono::NaiveDate;
use serde_json::json;
use std::collections::BTreeMap;

fn def(id: &str) -> &'static ExerciseDef {
    catalogue().exercise(id).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A valid answer for every step of `def`, in the middle of every range.
fn sample(def: &ExerciseDef) -> Answers {
    let mut map = BTreeMap::new();
    for s in &def.steps {
        let answer = match &s.kind {
            StepKind::Text { .. } | StepKind::LongText { .. } => {
                Answer::Text(format!("About {}", s.label))
            }
            StepKind::Rating { min, max, .. } => Answer::Rating((min + max) / 2),
            StepKind::Minutes { .. } => Answer::Minutes(10),
            StepKind::YesNo => Answer::YesNo(true),
            StepKind::ValueDomain => Answer::Text("nature".into()),
            StepKind::Distortions => {
                Answer::Choices(vec!["mind-reading".into(), "labelling".into()])
            }
            StepKind::Emotions => Answer::Emotions(vec![
                Emotion {
                    name: "anxious".into(),
                    before: 80,
                    after: Some(40),
                },
                Emotion {
                    name: "ashamed".into(),
                    before: 60,
                    after: None,
                },
            ]),
            StepKind::ValueRatings => Answer::ValueRatings(vec![
                ValueRating {
                    domain: "connection".into(),
                    importance: 9,
                    lived: 4,
                },
                ValueRating {
                    domain: "play".into(),
                    importance: 7,
                    lived: 2,
                },
            ]),
            StepKind::Ladder => Answer::Ladder(Ladder {
                rungs: vec![
                    Rung {
                        text: "Send a chat message with a typo".into(),
                        suds: 30,
                        attempts: vec![],
                    },
                    Rung {
                        text: "Share a rough draft".into(),
                        suds: 60,
                        attempts: vec![],
                    },
                ],
            }),
        };
        map.insert(s.id.clone(), answer);
    }
    Answers(map)
}

#[test]
fn every_exercise_accepts_a_finished_entry_that_round_trips_through_json_and_forms() {
    for def in &catalogue().exercises {
        let answers = sample(def);
        validate(def, &answers, Status::Done).unwrap_or_else(|e| panic!("{}: {e}", def.id));
        let json = answers.to_json();
        assert_eq!(
            Answers::from_json(def, &json).unwrap(),
            answers,
            "{} JSON",
            def.id
        );
        let form = answers.to_form(def);
        assert_eq!(
            Answers::from_form(def, &form).unwrap(),
            answers,
            "{} form",
            def.id
        );
    }
}

#[test]
fn every_required_step_is_needed_to_finish_and_named_in_the_message() {
    for def in &catalogue().exercises {
        for step in def.steps.iter().filter(|s| s.required) {
            let mut answers = sample(def);
            answers.0.remove(&step.id);
            let err = validate(def, &answers, Status::Done).unwrap_err();
            let message = err
                .message_for(&step.id)
                .unwrap_or_else(|| panic!("{}.{}", def.id, step.id));
            assert!(
                message.starts_with(&format!("{}:", step.label)),
                "{message}"
            );
            assert_eq!(
                err.0.len(),
                1,
                "{}: only the missing step is reported",
                def.id
            );
            validate(def, &answers, Status::Draft)
                .unwrap_or_else(|e| panic!("a draft needs nothing: {e}"));
        }
    }
}

#[test]
fn the_json_shape_is_the_natural_one() {
    let tr = def("thought-record");
    let answers = Answers::from_json(
        tr,
        &json!({
            "situation": "  Meeting overran  ",
            "thought": "I wasted everyone's time",
            "emotions": [{"name": "anxious", "before": 80, "after": 35}, {"name": "sad", "before": 40}],
            "distortions": ["mind-reading", "mind-reading", "labelling"],
            "balanced": "It ran long; people stayed because they wanted to.",
            "evidence-for": null,
            "evidence-against": "   "
        }),
    )
    .unwrap();
    assert_eq!(
        answers.get("situation"),
        Some(&Answer::Text("Meeting overran".into())),
        "trimmed"
    );
    assert_eq!(
        answers.get("distortions"),
        Some(&Answer::Choices(vec![
            "mind-reading".into(),
            "labelling".into()
        ]))
    );
    assert!(
        answers.get("evidence-for").is_none() && answers.get("evidence-against").is_none(),
        "blank is absent"
    );
    let back = answers.to_json();
    assert_eq!(
        back["emotions"],
        json!([{"name": "anxious", "before": 80, "after": 35}, {"name": "sad", "before": 40}])
    );
    validate(tr, &answers, Status::Done).unwrap();

    let ladder = Answers::from_json(
        def("exposure-ladder"),
        &json!({"fear": "Being seen mid-work", "ladder": {"rungs": [{"text": "Share a sketch", "suds": 40,
            "attempts": [{"date": "2026-01-05", "suds_before": 40, "suds_peak": 55, "suds_after": 20, "note": "fine"}]}]}}),
    )
    .unwrap();
    let Some(Answer::Ladder(l)) = ladder.get("ladder") else {
        panic!("a ladder")
    };
    assert_eq!(l.rungs[0].attempts[0].date, day(2026, 1, 5));
    assert_eq!(
        ladder.to_json()["ladder"]["rungs"][0]["attempts"][0]["date"],
        "2026-01-05"
    );
}

#[test]
fn json_problems_name_the_field() {
    let tr = def("thought-record");
    let err = Answers::from_json(
        tr,
        &json!({
            "situation": 5,
            "emotions": [{"name": "ok", "before": 10}, {"name": "", "before": 300, "colour": "red"}],
            "mood": 3
        }),
    )
    .unwrap_err();
    assert_eq!(
        err.message_for("situation"),
        Some("Situation: expected text.")
    );
    assert_eq!(
        err.message_for("emotions[1].before"),
        Some("Emotion 2, intensity before: choose a number from 0 to 100.")
    );
    assert_eq!(
        err.message_for("emotions[1].name"),
        Some("Emotion 2: give it a name.")
    );
    assert!(err.message_for("emotions[1].colour").is_some());
    assert_eq!(
        err.message_for("mood"),
        Some("This exercise has no step called 'mood'.")
    );
    assert_eq!(err.0.len(), 5);

    let err = Answers::from_json(def("rigid-rule"), &json!({"belief-before": 101})).unwrap_err();
    assert_eq!(
        err.message_for("belief-before"),
        Some("Belief before: choose a number from 0 to 100.")
    );
    let err = Answers::from_json(def("rigid-rule"), &json!({"belief-before": 50.5})).unwrap_err();
    assert!(
        err.message_for("belief-before").is_some(),
        "fractions are refused"
    );
    assert!(Answers::from_json(def("rigid-rule"), &json!(["rule"])).is_err());
    let err = Answers::from_json(def("committed-action"), &json!({"done": "yes"})).unwrap_err();
    assert_eq!(
        err.message_for("done"),
        Some("Did it happen: answer true or false.")
    );
}

#[test]
fn ratings_and_minutes_out_of_range_are_refused() {
    let rr = def("rigid-rule");
    let mut answers = sample(rr);
    answers
        .0
        .insert("belief-before".into(), Answer::Rating(101));
    let err = validate(rr, &answers, Status::Draft).unwrap_err();
    assert_eq!(
        err.message_for("belief-before"),
        Some("Belief before: choose a number from 0 to 100.")
    );

    let mb = def("mindful-breathing");
    let mut answers = sample(mb);
    answers
        .0
        .insert("rumination-after".into(), Answer::Rating(11));
    answers.0.insert("minutes".into(), Answer::Minutes(0));
    let err = validate(mb, &answers, Status::Done).unwrap_err();
    assert_eq!(
        err.message_for("rumination-after"),
        Some("Going over things after: choose a number from 0 to 10.")
    );
    assert_eq!(
        err.message_for("minutes"),
        Some("Minutes practised: choose a number from 1 to 120.")
    );

    let mut answers = sample(mb);
    answers
        .0
        .insert("minutes".into(), Answer::Text("ten".into()));
    let err = validate(mb, &answers, Status::Draft).unwrap_err();
    assert!(err.message_for("minutes").unwrap().contains("wrong shape"));
}

#[test]
fn oversize_text_and_answers_are_refused() {
    let rr = def("rigid-rule");
    let mut answers = sample(rr);
    answers.0.insert(
        "rule".into(),
        Answer::Text("é".repeat(DEFAULT_TEXT_CHARS + 1)),
    );
    let err = validate(rr, &answers, Status::Draft).unwrap_err();
    assert_eq!(
        err.message_for("rule"),
        Some("The rule: please keep this to 300 characters or fewer (it has 301).")
    );
    answers
        .0
        .insert("rule".into(), Answer::Text("é".repeat(DEFAULT_TEXT_CHARS)));
    validate(rr, &answers, Status::Draft).expect("characters are counted, not bytes");

    // Four long texts of 5000 four-byte characters (80 000 bytes): each step is within its
    // limit, the whole is not.
    let tr = def("thought-record");
    let mut answers = sample(tr);
    for id in ["thought", "evidence-for", "evidence-against", "balanced"] {
        answers.0.insert(id.into(), Answer::Text("𝄞".repeat(5000)));
    }
    let err = validate(tr, &answers, Status::Draft).unwrap_err();
    assert_eq!(err.0.len(), 1);
    assert!(err.message_for("answers").unwrap().contains("64 KiB"));
}

#[test]
fn list_limits_are_enforced() {
    let tr = def("thought-record");
    let mut answers = sample(tr);
    let many: Vec<Emotion> = (0..13)
        .map(|i| Emotion {
            name: format!("e{i}"),
            before: 10,
            after: None,
        })
        .collect();
    answers.0.insert("emotions".into(), Answer::Emotions(many));
    assert!(
        validate(tr, &answers, Status::Draft)
            .unwrap_err()
            .message_for("emotions")
            .is_some()
    );
    answers.0.insert(
        "emotions".into(),
        Answer::Emotions(vec![Emotion {
            name: "x".repeat(61),
            before: 10,
            after: Some(101),
        }]),
    );
    let err = validate(tr, &answers, Status::Draft).unwrap_err();
    assert!(err.message_for("emotions[0].name").is_some());
    assert!(err.message_for("emotions[0].after").is_some());

    let el = def("exposure-ladder");
    let rung = |suds| Rung {
        text: "step".into(),
        suds,
        attempts: vec![],
    };
    let mut answers = sample(el);
    answers.0.insert(
        "ladder".into(),
        Answer::Ladder(Ladder {
            rungs: (0..21).map(|_| rung(10)).collect(),
        }),
    );
    assert!(
        validate(el, &answers, Status::Draft)
            .unwrap_err()
            .message_for("ladder")
            .is_some()
    );
    answers.0.insert(
        "ladder".into(),
        Answer::Ladder(Ladder {
            rungs: vec![rung(120)],
        }),
    );
    let err = validate(el, &answers, Status::Draft).unwrap_err();
    assert_eq!(
        err.message_for("ladder.rungs[0].suds"),
        Some("Step 1, expected distress: choose a number from 0 to 100.")
    );
    assert_eq!(step_of("ladder.rungs[0].suds"), "ladder");
    assert_eq!(step_of("emotions[0].after"), "emotions");
}

#[test]
fn unknown_distortions_and_values_are_refused() {
    let tr = def("thought-record");
    let mut answers = sample(tr);
    answers.0.insert(
        "distortions".into(),
        Answer::Choices(vec!["labelling".into(), "doom".into()]),
    );
    let err = validate(tr, &answers, Status::Draft).unwrap_err();
    assert_eq!(
        err.message_for("distortions[1]"),
        Some("Unknown distortion 'doom'. Choose from the list.")
    );

    let ca = def("committed-action");
    let mut answers = sample(ca);
    answers
        .0
        .insert("value".into(), Answer::Text("wealth".into()));
    let err = validate(ca, &answers, Status::Draft).unwrap_err();
    assert_eq!(
        err.message_for("value"),
        Some("Unknown value 'wealth'. Choose from the list.")
    );

    let v = def("values");
    let mut answers = sample(v);
    answers.0.insert(
        "ratings".into(),
        Answer::ValueRatings(vec![
            ValueRating {
                domain: "fame".into(),
                importance: 5,
                lived: 5,
            },
            ValueRating {
                domain: "play".into(),
                importance: 5,
                lived: 11,
            },
            ValueRating {
                domain: "play".into(),
                importance: 5,
                lived: 5,
            },
        ]),
    );
    let err = validate(v, &answers, Status::Draft).unwrap_err();
    assert_eq!(
        err.message_for("ratings[0].domain"),
        Some("Unknown value 'fame'. Choose from the list.")
    );
    assert_eq!(
        err.message_for("ratings[1].lived"),
        Some("Play and rest, how fully lived: choose a number from 0 to 10.")
    );
    assert!(
        err.message_for("ratings[2].domain")
            .unwrap()
            .contains("rated twice")
    );
}

#[test]
fn planned_needs_later_steps_and_the_first_sitting() {
    let be = def("behavioural-experiment");
    let mut answers = sample(be);
    for id in ["outcome", "actual-badness", "learned", "belief-after"] {
        answers.0.remove(id);
    }
    validate(be, &answers, Status::Planned).unwrap();
    let err = validate(be, &answers, Status::Done).unwrap_err();
    assert_eq!(
        err.0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
        ["outcome", "actual-badness"],
        "only the required later steps"
    );
    answers.0.remove("plan");
    let err = validate(be, &answers, Status::Planned).unwrap_err();
    assert_eq!(
        err.message_for("plan"),
        Some("Plan: please fill this in to plan it, or save a draft for now.")
    );

    let rr = def("rigid-rule");
    let err = validate(rr, &sample(rr), Status::Planned).unwrap_err();
    assert!(
        err.message_for("status").is_some(),
        "one-sitting exercises can't be planned"
    );
}

#[test]
fn forms_skip_blank_rows_and_name_problems_by_input() {
    let tr = def("thought-record");
    let answers = Answers::from_form(
        tr,
        &pairs(&[
            ("csrf", "token"),
            ("situation", "Review at work\r\n"),
            ("thought", "I\r\nmessed up"),
            ("emotions.0.name", "anxious"),
            ("emotions.0.before", "70"),
            ("emotions.0.after", ""),
            ("emotions.1.name", ""),
            ("emotions.1.before", ""),
            ("emotions.1.after", ""),
            ("emotions.2.name", "tired"),
            ("emotions.2.before", "30"),
            ("emotions.2.after", "20"),
            ("distortions", "labelling"),
            ("distortions", "mind-reading"),
            ("evidence-for", "  "),
        ]),
    )
    .unwrap();
    assert_eq!(
        answers.get("situation"),
        Some(&Answer::Text("Review at work".into()))
    );
    assert_eq!(
        answers.get("thought"),
        Some(&Answer::Text("I\nmessed up".into())),
        "line endings made plain"
    );
    assert_eq!(
        answers.get("emotions"),
        Some(&Answer::Emotions(vec![
            Emotion {
                name: "anxious".into(),
                before: 70,
                after: None
            },
            Emotion {
                name: "tired".into(),
                before: 30,
                after: Some(20)
            },
        ]))
    );
    assert!(answers.is_chosen("distortions", "mind-reading"));
    assert!(answers.get("evidence-for").is_none());
    assert_eq!(answers.form_value("emotions.1.after"), "20");
    assert_eq!(answers.form_value("situation"), "Review at work");
    assert_eq!(answers.form_value("emotions.0.after"), "");

    let err = Answers::from_form(
        tr,
        &pairs(&[
            ("emotions.1.name", ""),
            ("emotions.1.before", ""),
            ("emotions.3.name", "sad"),
            ("emotions.3.before", "lots"),
            ("emotions.4.before", "5"),
        ]),
    )
    .unwrap_err();
    assert_eq!(
        err.message_for("emotions.3.before"),
        Some("Emotion 1, intensity before: choose a number from 0 to 100.")
    );
    assert_eq!(
        err.message_for("emotions.4.name"),
        Some("Emotion 2: give it a name.")
    );

    let ca = def("committed-action");
    let answers = Answers::from_form(
        ca,
        &pairs(&[("value", "play"), ("done", "no"), ("action", "Paint badly")]),
    )
    .unwrap();
    assert_eq!(answers.get("done"), Some(&Answer::YesNo(false)));
    assert_eq!(answers.form_value("done"), "no");
    let err = Answers::from_form(ca, &pairs(&[("done", "maybe")])).unwrap_err();
    assert_eq!(
        err.message_for("done"),
        Some("Did it happen: choose yes or no.")
    );

    let v = def("values");
    let answers = Answers::from_form(
        v,
        &pairs(&[
            ("ratings.play.importance", "8"),
            ("ratings.play.lived", "3"),
            ("ratings.connection.importance", "9"),
            ("ratings.connection.lived", "6"),
            ("ratings.nature.importance", ""),
            ("ratings.nature.lived", ""),
        ]),
    )
    .unwrap();
    let Some(Answer::ValueRatings(list)) = answers.get("ratings") else {
        panic!("ratings")
    };
    let domains: Vec<&str> = list.iter().map(|r| r.domain.as_str()).collect();
    assert_eq!(
        domains,
        ["connection", "play"],
        "catalogue order, blank rows skipped"
    );
    assert_eq!(answers.form_value("ratings.play.lived"), "3");
    let err = Answers::from_form(
        v,
        &pairs(&[
            ("ratings.play.importance", "8"),
            ("ratings.fame.lived", "2"),
        ]),
    )
    .unwrap_err();
    assert!(
        err.message_for("ratings.play.lived").is_some(),
        "half a row"
    );
    assert_eq!(
        err.message_for("ratings.fame"),
        Some("Unknown value 'fame'. Choose from the list.")
    );

    let tl = def("time-limited-task");
    let err = Answers::from_form(
        tl,
        &pairs(&[("time-limit", "0"), ("anxiety-before", "7.5")]),
    )
    .unwrap_err();
    assert_eq!(
        err.message_for("time-limit"),
        Some("Time limit: choose a number from 1 to 480.")
    );
    assert!(err.message_for("anxiety-before").is_some());
}

#[test]
fn ladder_forms_keep_tries_logged_earlier() {
    let el = def("exposure-ladder");
    let form = pairs(&[
        ("fear", "Being seen mid-work"),
        ("ladder.0.text", "Share a sketch"),
        ("ladder.0.suds", "40"),
        ("ladder.1.text", ""),
        ("ladder.1.suds", ""),
        ("ladder.2.text", "Present a draft"),
        ("ladder.2.suds", "75"),
    ]);
    let mut previous = Answers::from_form(el, &form).unwrap();
    let Some(Answer::Ladder(ladder)) = previous.0.get_mut("ladder") else {
        panic!("a ladder")
    };
    assert_eq!(ladder.rungs.len(), 2);
    let attempt = Attempt {
        date: day(2026, 1, 9),
        suds_before: 40,
        suds_peak: 50,
        suds_after: 10,
        note: String::new(),
    };
    ladder.add_attempt(0, attempt.clone()).unwrap();
    assert_eq!(ladder_progress(ladder).tried, 1);

    let mut edited = Answers::from_form(
        el,
        &pairs(&[
            ("fear", "Being seen"),
            ("ladder.0.text", "Present a draft"),
            ("ladder.0.suds", "70"),
            ("ladder.1.text", "Share a sketch"),
            ("ladder.1.suds", "35"),
        ]),
    )
    .unwrap();
    edited.carry_attempts_from(&previous);
    let Some(Answer::Ladder(ladder)) = edited.get("ladder") else {
        panic!("a ladder")
    };
    assert_eq!(ladder.rungs[1].attempts, [attempt]);
    assert!(ladder.rungs[0].attempts.is_empty());
    validate(el, &edited, Status::Done).unwrap();

    let err = Answers::from_form(el, &pairs(&[("ladder.0.text", "Share a sketch")])).unwrap_err();
    assert_eq!(
        err.message_for("ladder.0.suds"),
        Some("Step 1, expected distress: choose a number from 0 to 100.")
    );
}

#[test]
fn the_summary_line_is_the_first_written_answer_cut_at_a_character() {
    let tr = def("thought-record");
    let mut answers = Answers::default();
    assert_eq!(summary_line(tr, &answers), "");
    answers
        .0
        .insert("balanced".into(), Answer::Text("Later text".into()));
    answers.0.insert(
        "thought".into(),
        Answer::Text("Nobody   will\nnotice".into()),
    );
    assert_eq!(
        summary_line(tr, &answers),
        "Nobody will notice",
        "step order, one line"
    );
    answers
        .0
        .insert("situation".into(), Answer::Text("ü".repeat(200)));
    let line = summary_line(tr, &answers);
    assert_eq!(line.chars().count(), SUMMARY_CHARS);
    assert!(line.ends_with("ü…"));
}

#[test]
fn free_text_gathers_everything_written() {
    let mut answers = sample(def("thought-record"));
    let mut ladder = sample(def("exposure-ladder"));
    if let Some(Answer::Ladder(l)) = ladder.0.get_mut("ladder") {
        l.add_attempt(
            1,
            Attempt {
                date: day(2026, 1, 2),
                suds_before: 1,
                suds_peak: 2,
                suds_after: 1,
                note: "odd".into(),
            },
        )
        .unwrap();
    }
    answers.0.extend(ladder.0);
    let texts = free_text(&answers);
    for expected in [
        "About Situation",
        "About Balanced thought",
        "anxious",
        "Share a rough draft",
        "odd",
        "About The fear",
    ] {
        assert!(texts.contains(&expected), "{expected} in {texts:?}");
    }
    assert!(
        !texts.contains(&"mind-reading"),
        "chosen ids are not free text"
    );
}

fn rated(kind: &str, date: NaiveDate, status: Status, ratings: &[(&str, u16)]) -> EntryFacts {
    EntryFacts {
        kind: kind.into(),
        date,
        status,
        answers: Answers(
            ratings
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Answer::Rating(*v)))
                .collect(),
        ),
    }
}

#[test]
fn progress_counts_finished_entries_and_describes_changes_with_their_uncertainty() {
    let guilt = |d, s, before, after: Option<u16>| {
        let mut r = vec![("guilt-before", before)];
        r.extend(after.map(|a| ("guilt-after", a)));
        rated("rest-without-justification", d, s, &r)
    };
    let entries = vec![
        // Guilt before → after: 80→50, 70→50, 60→30, 90→60: changes −30, −20, −30, −30.
        guilt(day(2026, 1, 3), Status::Done, 80, Some(50)),
        guilt(day(2026, 1, 20), Status::Done, 70, Some(50)),
        guilt(day(2026, 2, 2), Status::Done, 60, Some(30)),
        guilt(day(2026, 2, 9), Status::Done, 90, Some(60)),
        guilt(day(2026, 2, 10), Status::Planned, 90, None),
        guilt(day(2026, 2, 11), Status::Done, 40, None),
        rated(
            "rigid-rule",
            day(2025, 12, 30),
            Status::Done,
            &[("belief-before", 90), ("belief-after", 70)],
        ),
        rated(
            "rigid-rule",
            day(2026, 1, 5),
            Status::Draft,
            &[("belief-before", 90), ("belief-after", 10)],
        ),
    ];
    let p = progress(&entries);
    assert_eq!(
        p.counts,
        [
            ("rigid-rule".to_owned(), 1),
            ("rest-without-justification".to_owned(), 5)
        ]
    );
    assert_eq!(
        p.by_month,
        [
            ("2025-12".to_owned(), 1),
            ("2026-01".to_owned(), 2),
            ("2026-02".to_owned(), 3)
        ]
    );

    // mean change = −110/4 = −27.5; deviations −2.5, 7.5, −2.5, −2.5; squares sum 75;
    // variance 25; sd 5; se 2.5; t(0.975, 3) = 3.18245; half 7.956; interval −35.46 to −19.54.
    let rest = p
        .changes
        .iter()
        .find(|c| c.kind == "rest-without-justification")
        .unwrap();
    assert_eq!(rest.n, 4);
    assert_eq!(
        (rest.mean_before, rest.mean_after, rest.mean_change),
        (75.0, 47.5, -27.5)
    );
    let i = rest.interval.unwrap();
    assert!(
        (i.low + 35.456).abs() < 1e-3 && (i.high + 19.544).abs() < 1e-3,
        "{i:?}"
    );
    assert_eq!(
        rest.sentence,
        "Guilt about resting (Rest without earning it): across 4 finished entries, it went from 75 \
         before to 48 after on average (0 to 100 scale), 28 points lower, likely between 20 and 35 \
         points lower. This is how the rating moved within the exercise; it doesn't show what \
         caused it. With so few entries, treat it as a first hint."
    );

    let rule = p.changes.iter().find(|c| c.kind == "rigid-rule").unwrap();
    assert_eq!((rule.n, rule.interval), (1, None));
    assert_eq!(
        rule.sentence,
        "Belief in the old rule (Loosen a rigid rule): too few to tell yet. 1 finished entry has \
         both ratings; 3 are needed for an estimate."
    );
}

#[test]
fn progress_says_when_a_range_includes_no_change() {
    // Rumination before → after: 5→4, 6→7, 4→4: changes −1, +1, 0; mean 0; sd 1;
    // se 0.577; half = 4.30265 × 0.577 = 2.48.
    let entries: Vec<EntryFacts> = [(5, 4), (6, 7), (4, 4)]
        .iter()
        .enumerate()
        .map(|(i, &(b, a))| {
            rated(
                "body-scan",
                day(2026, 3, u32::try_from(i).unwrap() + 1),
                Status::Done,
                &[("rumination-before", b), ("rumination-after", a)],
            )
        })
        .collect();
    let p = progress(&entries);
    let c = &p.changes[0];
    assert_eq!(
        c.sentence,
        "Going over things (Body scan): across 3 finished entries, it went from 5.0 before to 5.0 \
         after on average (0 to 10 scale), about the same, likely between 2.5 points lower and 2.5 \
         points higher. That range includes no change at all, so these entries can't tell yet \
         whether it tends to move during this exercise. With so few entries, treat it as a first hint."
    );
}

#[test]
fn emotion_changes_use_the_emotions_that_were_re_rated() {
    let tr = def("thought-record");
    let change = &tr.changes[0];
    let answers = sample(tr);
    // Only "anxious" (80 → 40) was re-rated; "ashamed" has no after.
    assert_eq!(change_values(tr, change, &answers), Some((80.0, 40.0)));
    let mut none = answers.clone();
    none.0.insert(
        "emotions".into(),
        Answer::Emotions(vec![Emotion {
            name: "sad".into(),
            before: 50,
            after: None,
        }]),
    );
    assert_eq!(change_values(tr, change, &none), None);
}

#[test]
fn critic_points_come_from_finished_experiments() {
    let entries: Vec<EntryFacts> = [(80, 30), (70, 40), (90, 20)]
        .iter()
        .enumerate()
        .map(|(i, &(p, a))| {
            rated(
                "behavioural-experiment",
                day(2026, 4, u32::try_from(i).unwrap() + 1),
                Status::Done,
                &[("predicted-badness", p), ("actual-badness", a)],
            )
        })
        .collect();
    // Overestimates 50, 30, 70: mean 50.
    let c = CriticAccuracy::from_experiments(&critic_points(&entries));
    assert_eq!(c.n, 3);
    assert!((c.mean_overestimate - 50.0).abs() < 1e-12);
}
