use super::*;
use crate::day::Habits;
use serde_json::json;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A Wednesday.
fn today() -> NaiveDate {
    d("2026-11-25")
}

fn plan(date: &str, kind: ActivityKind) -> PlannedActivity {
    PlannedActivity {
        what: "Walk to the bakery".into(),
        date: d(date),
        time: None,
        kind,
        value: None,
    }
}

fn done(pleasure: Option<u8>) -> Option<ActivityOutcome> {
    Some(ActivityOutcome {
        done: true,
        pleasure,
        ..ActivityOutcome::default()
    })
}

fn fields(errors: &ValidationErrors) -> Vec<&str> {
    errors.0.iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn kinds_have_keys_titles_and_habits() {
    assert_eq!(
        serde_json::to_value(ActivityKind::Outdoors).unwrap(),
        "outdoors"
    );
    for k in ActivityKind::ALL {
        assert_eq!(ActivityKind::from_key(k.key()), Some(k));
        assert_eq!(serde_json::to_value(k).unwrap(), k.key());
    }
    assert_eq!(ActivityKind::Movement.habit(), Some(Habit::MovedMyBody));
    assert_eq!(ActivityKind::Rest.habit(), None);
    assert_eq!(ActivityKind::Social.title(), "Social contact");
}

#[test]
fn a_plan_from_the_form_is_read_and_checked() {
    let text = PlanText {
        what: "  Coffee with Sam ".into(),
        date: "2026-11-25".into(),
        time: "9:30".into(),
        kind: "social".into(),
        value: "connection".into(),
    };
    let p = text.parse(today()).unwrap();
    assert_eq!(p.what, "Coffee with Sam");
    assert_eq!(p.time, NaiveTime::from_hms_opt(9, 30, 0));
    assert_eq!(
        (p.kind, p.value.as_deref()),
        (ActivityKind::Social, Some("connection"))
    );
    assert!(p.validate(today()).is_ok(), "today is fine");

    let bad = PlanText {
        what: " ".into(),
        date: "2026-11-24".into(),
        time: "25:00".into(),
        kind: "chores".into(),
        value: "money".into(),
    };
    let errors = bad.parse(today()).unwrap_err();
    assert_eq!(fields(&errors), ["what", "date", "time", "kind", "value"]);
    assert!(
        errors
            .message_for("date")
            .unwrap()
            .contains("already passed")
    );

    let mut far = text.clone();
    far.date = "2027-11-25".into();
    assert!(far.parse(today()).is_ok(), "a year ahead is the limit");
    far.date = "2027-11-26".into();
    assert!(
        far.parse(today())
            .unwrap_err()
            .message_for("date")
            .unwrap()
            .contains("2027-11-25")
    );
    far.date = "25/11/2026".into();
    assert!(
        far.parse(today())
            .unwrap_err()
            .message_for("date")
            .unwrap()
            .contains("YYYY-MM-DD")
    );
    far.what = "x".repeat(201);
    far.date = String::new();
    assert_eq!(fields(&far.parse(today()).unwrap_err()), ["what", "date"]);
}

#[test]
fn a_plan_from_json_names_its_fields() {
    let p = PlannedActivity::from_json(
        &json!({"what": "Swim", "date": "2026-12-01", "kind": "movement", "time": null}),
        today(),
    )
    .unwrap();
    assert_eq!(
        (p.kind, p.time, p.value),
        (ActivityKind::Movement, None, None)
    );

    let errors = PlannedActivity::from_json(
        &json!({"what": 3, "date": "2026-12-01", "kind": "movement", "colour": "red"}),
        today(),
    )
    .unwrap_err();
    let mut f = fields(&errors);
    f.sort();
    assert_eq!(f, ["colour", "what"]);
    assert!(PlannedActivity::from_json(&json!([1]), today()).is_err());
}

#[test]
fn outcomes_are_checked_against_their_plan() {
    let past = plan("2026-11-02", ActivityKind::Joy);
    let text = OutcomeText {
        done: "yes".into(),
        pleasure: "7".into(),
        achievement: "".into(),
        mood_before: "3".into(),
        mood_after: "5".into(),
        note: "Rainy, still nice.\r\n".into(),
    };
    let o = text.parse(&past, today()).unwrap();
    assert_eq!(
        (
            o.done,
            o.pleasure,
            o.achievement,
            o.mood_before,
            o.mood_after
        ),
        (true, Some(7), None, Some(3), Some(5)),
        "a past plan's outcome can be recorded"
    );
    assert_eq!(o.note.as_deref(), Some("Rainy, still nice.\n"));

    let not_done = OutcomeText {
        done: "no".into(),
        pleasure: "4".into(),
        mood_before: "11".into(),
        mood_after: "-1".into(),
        achievement: "lots".into(),
        note: "n".repeat(1001),
    };
    let errors = not_done.parse(&past, today()).unwrap_err();
    assert_eq!(
        fields(&errors),
        [
            "achievement",
            "mood_before",
            "mood_after",
            "pleasure",
            "note"
        ]
    );
    assert!(errors.message_for("pleasure").unwrap().contains("happened"));

    let ahead = plan("2026-11-26", ActivityKind::Joy);
    let errors = text.parse(&ahead, today()).unwrap_err();
    assert_eq!(fields(&errors), ["done"]);
    let blank = OutcomeText::default();
    assert_eq!(fields(&blank.parse(&past, today()).unwrap_err()), ["done"]);

    let o = ActivityOutcome::from_json(
        &json!({"done": false, "mood_before": 4, "note": "  "}),
        &past,
        today(),
    )
    .unwrap();
    assert_eq!((o.done, o.mood_before, o.note), (false, Some(4), None));
    let errors = ActivityOutcome::from_json(
        &json!({"done": "yes", "pleasure": 2.5, "mood": 3}),
        &past,
        today(),
    )
    .unwrap_err();
    let mut f = fields(&errors);
    f.sort();
    assert_eq!(f, ["done", "mood", "pleasure"]);

    let invalid = ActivityOutcome {
        done: false,
        achievement: Some(5),
        mood_after: Some(12),
        ..ActivityOutcome::default()
    };
    assert_eq!(
        fields(&invalid.validate(&past, today()).unwrap_err()),
        ["mood_after", "achievement"]
    );
}

#[test]
fn the_week_counts_what_was_done_and_marks_nothing_as_failed() {
    let mut friday_late = plan("2026-11-27", ActivityKind::Social);
    friday_late.time = NaiveTime::from_hms_opt(18, 0, 0);
    let mut friday_early = plan("2026-11-27", ActivityKind::Movement);
    friday_early.time = NaiveTime::from_hms_opt(9, 0, 0);
    let activities = vec![
        (plan("2026-11-23", ActivityKind::Joy), done(Some(2))),
        (plan("2026-11-23", ActivityKind::Rest), None),
        (
            plan("2026-11-24", ActivityKind::Outdoors),
            Some(ActivityOutcome::default()),
        ),
        (plan("2026-11-25", ActivityKind::Joy), None),
        (plan("2026-11-27", ActivityKind::Rest), None),
        (friday_late, None),
        (friday_early, None),
        (plan("2026-11-30", ActivityKind::Joy), done(None)),
    ];
    let week = week_view(&activities, today(), today());
    assert_eq!(week.week_start, d("2026-11-23"), "moved back to Monday");
    assert_eq!(week.days.len(), 7);
    assert_eq!((week.planned, week.done), (7, 1));
    let monday = &week.days[0];
    assert_eq!((monday.planned, monday.done), (2, 1));
    let states: Vec<ItemState> = monday.items.iter().map(|i| i.state).collect();
    assert_eq!(states, [ItemState::Done, ItemState::NotRecorded]);
    assert_eq!(week.days[1].items[0].state.label(), "Not this time");
    assert_eq!(
        week.days[2].items[0].state,
        ItemState::Planned,
        "today is still open"
    );
    let friday: Vec<usize> = week.days[4].items.iter().map(|i| i.index).collect();
    assert_eq!(friday, [6, 5, 4], "by time, untimed last");
    assert_eq!(
        week.sentence,
        "1 activity done this week, each one counting however it went."
    );
    let empty = week_view(&[], d("2026-11-29"), today());
    assert_eq!(empty.week_start, d("2026-11-23"));
    assert_eq!(
        empty.sentence,
        "Nothing planned this week yet. One small thing is plenty."
    );
    for label in ["Done", "Not this time", "Not recorded", "Planned"] {
        for word in ["fail", "missed", "streak"] {
            assert!(!label.to_lowercase().contains(word));
        }
    }
}

fn day(date: NaiveDate, mood: u8) -> DayEntry {
    DayEntry {
        date,
        daylight_quarter_hours: Some(4),
        energy: Some(5),
        mood: Some(mood),
        outside_morning: Some(false),
        habits: Habits::default(),
        note: None,
    }
}

#[test]
fn pleasure_by_kind_has_a_t_interval_computed_by_hand() {
    // Movement pleasure 4, 6, 7, 5, 8: mean 6, SS 10, SD √2.5 = 1.5811, SE 0.70711,
    // t(0.975, 4) = 2.776445, half-width 1.963243 → 4.036757 to 7.963243.
    let mut activities: Vec<_> = [4, 6, 7, 5, 8]
        .into_iter()
        .map(|p| (plan("2026-11-02", ActivityKind::Movement), done(Some(p))))
        .collect();
    // Four rated joy activities, one unrated, one not done with no rating: too few.
    for p in [9, 9, 8, 7] {
        activities.push((plan("2026-11-03", ActivityKind::Joy), done(Some(p))));
    }
    activities.push((plan("2026-11-03", ActivityKind::Joy), done(None)));
    activities.push((
        plan("2026-11-03", ActivityKind::Joy),
        Some(ActivityOutcome::default()),
    ));
    let insights = activity_insights(&activities, &[]);
    assert_eq!(insights.pleasure_by_kind.len(), 5);
    let (kind, Finding::Ready(m)) = &insights.pleasure_by_kind[1] else {
        panic!("five movement ratings")
    };
    assert_eq!(*kind, ActivityKind::Movement);
    assert_eq!(m.n, 5);
    assert!((m.mean - 6.0).abs() < 1e-12);
    assert!((m.sd - 2.5f64.sqrt()).abs() < 1e-12);
    assert!((m.low - 4.036757).abs() < 1e-5, "{}", m.low);
    assert!((m.high - 7.963243).abs() < 1e-5, "{}", m.high);
    assert!(matches!(
        &insights.pleasure_by_kind[0],
        (ActivityKind::Joy, Finding::NotEnoughDays { have, need: 5 }) if have == &vec![4]
    ));
    assert_eq!(
        insights.sentences[1],
        "Movement: pleasure averaged 6.0 out of 10 over 5 activities (95% interval 4.0 to 8.0)."
    );
    assert_eq!(
        insights.sentences[0],
        "Something enjoyable: 4 activities rated so far, too few to tell yet (about 5 would do for a first look)."
    );
    assert!(insights.sentences[5].contains("too few days to tell"));
}

#[test]
fn mood_with_and_without_an_activity_is_compared_by_hand() {
    // Ten consecutive days; activities done on the even days.
    // With:    6, 7, 8, 6, 8 → mean 7, SD 1.  Without: 4, 5, 4, 6, 6 → mean 5, SD 1.
    // Difference 2, SE √(1/5 + 1/5) = 0.632456, Welch df = 0.16 / 0.02 = 8,
    // t(0.975, 8) = 2.306004, half-width 1.458436 → 0.541564 to 3.458436.
    // Mood alternates high and low, so its lag-1 autocorrelation is negative: no widening.
    let start = d("2026-11-01");
    let moods = [6, 4, 7, 5, 8, 4, 6, 6, 8, 6];
    let days: Vec<DayEntry> = moods
        .iter()
        .enumerate()
        .map(|(i, m)| day(start + Days::new(i as u64), *m))
        .collect();
    let mut activities: Vec<_> = (0..10)
        .step_by(2)
        .map(|i| {
            let date = (start + Days::new(i)).to_string();
            (plan(&date, ActivityKind::Outdoors), done(None))
        })
        .collect();
    // Planned but not done, not recorded, or done on a day without a log: none adds a "with" day.
    activities.push((
        plan("2026-11-02", ActivityKind::Rest),
        Some(ActivityOutcome::default()),
    ));
    activities.push((plan("2026-11-04", ActivityKind::Rest), None));
    activities.push((plan("2026-11-20", ActivityKind::Joy), done(Some(8))));
    let insights = activity_insights(&activities, &days);
    let Finding::Ready(c) = &insights.mood_with_vs_without else {
        panic!("five days in each group")
    };
    assert_eq!((c.n_a, c.n_b), (5, 5));
    assert!((c.mean_a - 7.0).abs() < 1e-12 && (c.mean_b - 5.0).abs() < 1e-12);
    assert!((c.difference - 2.0).abs() < 1e-12);
    assert!(c.autocorrelation < 0.0 && !c.widened);
    assert!((c.low - 0.541564).abs() < 1e-5, "{}", c.low);
    assert!((c.high - 3.458436).abs() < 1e-5, "{}", c.high);
    let text = insights.sentences[5..].join(" ");
    assert_eq!(
        text,
        "On the 5 days logged with a planned activity done, mood averaged 7.0 (95% interval 5.8 to \
         8.2); on the other 5 days, 5.0 (95% interval 3.8 to 6.2). Your mood was 2.0 points higher \
         on days with an activity done than on other days (95% interval: from 0.5 to 3.5 points \
         higher). This shows what went together, not what caused what. A better day can make an \
         activity easier, too. 10 days is a small sample, so treat this as a first hint."
    );

    // Drop one "without" day: four is too few.
    let fewer: Vec<DayEntry> = days
        .into_iter()
        .filter(|d| d.date != d_of(start, 9))
        .collect();
    let insights = activity_insights(&activities, &fewer);
    assert!(matches!(
        &insights.mood_with_vs_without,
        Finding::NotEnoughDays { have, need: 5 } if have == &vec![5, 4]
    ));
    assert_eq!(
        insights.sentences[5],
        "Mood with and without an activity done: so far 5 days with one and 4 days without, too few \
         days to tell yet (at least 5 of each would do)."
    );
}

fn d_of(start: NaiveDate, offset: u64) -> NaiveDate {
    start + Days::new(offset)
}

#[test]
fn a_wide_interval_says_no_clear_difference() {
    let start = d("2026-11-01");
    let moods = [6, 4, 3, 5, 8, 7, 2, 6, 8, 3];
    let days: Vec<DayEntry> = moods
        .iter()
        .enumerate()
        .map(|(i, m)| day(d_of(start, i as u64), *m))
        .collect();
    let activities: Vec<_> = (0..10)
        .step_by(2)
        .map(|i| {
            (
                plan(&d_of(start, i).to_string(), ActivityKind::Joy),
                done(None),
            )
        })
        .collect();
    let insights = activity_insights(&activities, &days);
    assert!(
        insights.sentences[6].contains("(95% interval: from ")
            && insights.sentences[6].contains(" lower to ")
            && insights.sentences[6].contains("includes no difference at all"),
        "{}",
        insights.sentences[6]
    );
}
