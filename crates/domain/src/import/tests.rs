//! Importer tests on small hand-written exports in `tests-data/import/`.

use super::apple_health::{import_apple_health_xml, import_apple_health_zip};
use super::bearable::{BearableScale, import_bearable};
use super::daylio::{ActivityMapping, DaylioOptions, MoodMapping, import_daylio};
use super::generic::import_generic;
use super::*;
use crate::day::{DayEntry, Habits};
use crate::experiment::SplitMix64;
use std::collections::BTreeMap;
use std::io::{BufReader, Cursor};

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests-data/import/",
            $name
        ))
        .as_slice()
    };
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn day<'a>(plan: &'a ImportPlan, date: &str) -> &'a ImportedDay {
    plan.days
        .iter()
        .find(|x| x.date == d(date))
        .unwrap_or_else(|| panic!("no day {date} in {:#?}", plan.days))
}

fn problem_on(plan: &ImportPlan, line: usize) -> &RowProblem {
    plan.problems
        .iter()
        .find(|p| p.line == line)
        .unwrap_or_else(|| panic!("no problem on line {line}: {:#?}", plan.problems))
}

#[test]
fn daylio_current_layout_with_bom_12h_clock_and_several_moods_a_day() {
    let plan = import_daylio(
        fixture!("daylio_current.csv"),
        &DaylioOptions::default(),
        d("2024-03-10"),
    )
    .unwrap();
    assert_eq!(plan.days.len(), 2, "{:#?}", plan);

    let sat = day(&plan, "2024-03-02");
    assert_eq!(
        sat.fields.mood,
        Some(8),
        "rad 10 and meh 5: mean 7.5 rounds up"
    );
    let h = sat.fields.habits.unwrap();
    assert!(h.social_contact && h.moved_my_body && h.got_outside && h.joyful_activity);
    assert!(!h.nourishing_food);
    assert_eq!(
        sat.fields.note.as_deref(),
        Some("Lovely evening\nDinner with Sam, then a film.\nWe laughed a lot."),
        "title and body joined; the comma and the line break inside quotes survive"
    );
    assert_eq!(sat.source_rows, [2, 4], "the quoted note spans lines 2–3");
    assert_eq!(
        sat.fields.daylight_quarter_hours, None,
        "Daylio has no daylight"
    );
    assert_eq!(sat.fields.energy, None);

    let fri = day(&plan, "2024-03-01");
    assert_eq!(fri.fields.mood, Some(6), "good 8 and bad 3: 5.5 rounds up");
    let h = fri.fields.habits.unwrap();
    assert!(h.moved_my_body && h.nourishing_food && !h.got_outside);
    assert_eq!(fri.fields.note.as_deref(), Some("Tired after work"));

    let unknown = problem_on(&plan, 7);
    assert_eq!(unknown.column.as_deref(), Some("mood"));
    assert!(unknown.message.contains("\"Anxious\""), "{unknown}");
    let future = problem_on(&plan, 8);
    assert!(future.message.contains("future"), "{future}");
    assert_eq!(plan.counts.rows_read, 6);
    assert_eq!(plan.counts.rows_used, 4);
    assert_eq!(plan.counts.rows_skipped[&SkipReason::Problem], 2);
    assert_eq!(plan.unmapped.get("sleeping"), Some(&1));
}

#[test]
fn daylio_older_layout_with_24h_clock() {
    let plan = import_daylio(
        fixture!("daylio_older.csv"),
        &DaylioOptions::default(),
        d("2024-03-10"),
    )
    .unwrap();
    let fri = day(&plan, "2018-09-28");
    assert_eq!(fri.fields.mood, Some(4), "good 8 and awful 0");
    assert!(fri.fields.habits.unwrap().joyful_activity);
    assert_eq!(fri.fields.note.as_deref(), Some("Finished the book"));
    let thu = day(&plan, "2018-09-27");
    assert_eq!(thu.fields.mood, Some(10));
    let h = thu.fields.habits.unwrap();
    assert!(h.social_contact && h.got_outside);
    let bad = problem_on(&plan, 5);
    assert!(bad.message.contains("31 September"), "{bad}");
    assert_eq!(plan.unmapped.get("work"), Some(&1));
}

#[test]
fn daylio_custom_mood_labels_come_from_the_mapping() {
    let mut moods = MoodMapping::default();
    moods.set("Anxious", 3).unwrap();
    assert!(moods.set("Great", 11).is_err());
    let options = DaylioOptions {
        moods,
        ..DaylioOptions::default()
    };
    let plan = import_daylio(fixture!("daylio_current.csv"), &options, d("2024-03-10")).unwrap();
    assert_eq!(day(&plan, "2024-02-29").fields.mood, Some(3));
}

#[test]
fn daylio_activity_mapping_text_round_trips_from_the_defaults() {
    let defaults = ActivityMapping::default();
    let text = defaults.to_text();
    assert!(
        text.lines()
            .any(|l| l.starts_with("moved_my_body: walk, sport")),
        "{text}"
    );
    assert!(
        text.contains("social_contact: friends, family, party, date"),
        "{text}"
    );
    let back = ActivityMapping::parse(&text).unwrap();
    for activity in [
        "Walking",
        "nature",
        "friends",
        "good meal",
        "reading",
        "piano",
    ] {
        assert_eq!(
            back.habits_for(activity),
            defaults.habits_for(activity),
            "{activity}"
        );
    }
    assert_eq!(back.to_text(), text);
    assert_eq!(ActivityMapping::parse("  ").unwrap(), defaults);
}

#[test]
fn daylio_activity_mapping_text_is_the_persons_own() {
    let m = ActivityMapping::parse("Moved my body: yoga, Pilates; got_outside: allotment").unwrap();
    assert!(m.habits_for("Yoga class").moved_my_body);
    assert!(m.habits_for("pilates").moved_my_body);
    assert!(m.habits_for("allotment").got_outside);
    assert_eq!(
        m.habits_for("walk").to_bits(),
        0,
        "the text replaces the defaults"
    );
}

#[test]
fn daylio_activity_mapping_text_errors_name_the_field_and_the_problem() {
    let unknown = ActivityMapping::parse("moved_my_body: walk\nsleep_well: nap").unwrap_err();
    assert_eq!(unknown.0[0].field, "activities");
    assert!(
        unknown.0[0]
            .message
            .contains("\"sleep_well\" is not a habit"),
        "{unknown}"
    );
    assert!(unknown.0[0].message.contains("social_contact"), "{unknown}");
    let empty = ActivityMapping::parse("moved_my_body: walk, , yoga").unwrap_err();
    assert_eq!(empty.0[0].field, "activities");
    assert!(empty.0[0].message.contains("empty activity"), "{empty}");
    let nothing = ActivityMapping::parse("social_contact:").unwrap_err();
    assert!(nothing.0[0].message.contains("empty activity"), "{nothing}");
    let no_colon = ActivityMapping::parse("walk").unwrap_err();
    assert!(
        no_colon.0[0].message.contains("habit: activity"),
        "{no_colon}"
    );
}

#[test]
fn daylio_unknown_activities_are_counted_by_name_not_guessed() {
    let csv = "full_date,date,weekday,time,mood,activities,note_title,note\n\
               2024-02-02,February 2,Friday,18:00,good,yoga | piano,,\n\
               2024-02-01,February 1,Thursday,18:00,good,yoga | walk,,\n";
    let plan = import_daylio(csv.as_bytes(), &DaylioOptions::default(), d("2024-03-10")).unwrap();
    assert_eq!(plan.unmapped.get("piano"), Some(&1));
    assert_eq!(plan.unmapped.get("yoga"), None, "yoga is a default keyword");
    let options = DaylioOptions {
        activities: ActivityMapping::parse("moved_my_body: walk").unwrap(),
        ..DaylioOptions::default()
    };
    let plan = import_daylio(csv.as_bytes(), &options, d("2024-03-10")).unwrap();
    assert_eq!(plan.unmapped.get("yoga"), Some(&2));
    assert_eq!(
        day(&plan, "2024-02-02").fields.habits,
        None,
        "nothing guessed"
    );
}

#[test]
fn daylio_long_notes_are_cut_with_a_warning() {
    let csv = format!(
        "full_date,date,weekday,time,mood,activities,note_title,note\n\
         2024-03-01,1 March,Friday,10:00,good,,,\"{}\"\n",
        "a".repeat(2500)
    );
    let plan = import_daylio(csv.as_bytes(), &DaylioOptions::default(), d("2024-03-10")).unwrap();
    assert_eq!(
        day(&plan, "2024-03-01")
            .fields
            .note
            .as_ref()
            .map(|n| n.chars().count()),
        Some(2000)
    );
    let warning = problem_on(&plan, 2);
    assert_eq!(warning.severity, Severity::Warning);
    assert!(warning.message.contains("2500"), "{warning}");
    assert_eq!(plan.errors().count(), 0);
}

#[test]
fn a_file_that_is_not_daylio_names_its_columns() {
    let plan = import_daylio(
        fixture!("bearable.csv"),
        &DaylioOptions::default(),
        d("2024-03-10"),
    )
    .unwrap();
    assert!(plan.days.is_empty());
    let p = problem_on(&plan, 1);
    assert!(p.message.contains("time of day"), "{p}");
    assert!(p.message.contains("full_date"), "{p}");
}

#[test]
fn bearable_mood_and_energy_with_ordinal_dates() {
    let plan = import_bearable(
        fixture!("bearable.csv"),
        BearableScale::OneToTen,
        d("2020-12-31"),
    )
    .unwrap();
    let tue = day(&plan, "2020-09-22");
    assert_eq!(tue.fields.mood, Some(8), "6 and 9 average 7.5");
    assert_eq!(tue.fields.energy, Some(4));
    assert_eq!(
        tue.fields.note.as_deref(),
        Some("Slow start\n\nBetter after a walk, sunny")
    );
    assert_eq!(tue.source_rows, [2, 3, 4]);
    let mon = day(&plan, "2020-09-21");
    assert_eq!((mon.fields.mood, mon.fields.energy), (None, Some(7)));
    assert_eq!(day(&plan, "2020-10-11").fields.mood, Some(5));
    let range = problem_on(&plan, 8);
    assert_eq!(range.column.as_deref(), Some("rating/amount"));
    assert!(range.message.contains("\"12\""), "{range}");
    let date = problem_on(&plan, 10);
    assert!(date.message.contains("31st Sep 2020"), "{date}");
    assert_eq!(plan.counts.rows_skipped[&SkipReason::NotImported], 2);
    assert_eq!(plan.unmapped.get("Symptom"), Some(&1));
    assert_eq!(plan.unmapped.get("Sleep"), Some(&1));
}

#[test]
fn bearable_five_point_scale() {
    let csv = "date,weekday,time of day,category,rating/amount,detail,notes\n\
               1st Jan 2021,Friday,am,Mood,4,,\n1st Jan 2021,Friday,am,Energy,2,,\n";
    let plan = import_bearable(csv.as_bytes(), BearableScale::OneToFive, d("2021-02-01")).unwrap();
    let f = &day(&plan, "2021-01-01").fields;
    assert_eq!((f.mood, f.energy), (Some(8), Some(3)));
}

#[test]
fn generic_csv_in_any_column_order() {
    let plan = import_generic(fixture!("generic.csv"), d("2024-06-01")).unwrap();
    assert_eq!(plan.days.len(), 3, "{:#?}", plan);
    let a = &day(&plan, "2024-01-10").fields;
    assert_eq!(
        (
            a.daylight_quarter_hours,
            a.energy,
            a.mood,
            a.outside_morning
        ),
        (Some(6), Some(5), Some(6), Some(true)),
        "1,5 hours is six quarter hours"
    );
    assert_eq!(a.note.as_deref(), Some("Short walk, then tea"));
    let b = &day(&plan, "2024-01-11").fields;
    assert_eq!(
        (b.daylight_quarter_hours, b.outside_morning),
        (Some(6), Some(false))
    );
    let c = &day(&plan, "2024-01-12").fields;
    assert_eq!(
        (c.mood, c.energy, c.daylight_quarter_hours),
        (None, None, Some(8))
    );

    assert!(problem_on(&plan, 5).message.contains("0 to 10"));
    let line6: Vec<_> = plan.problems.iter().filter(|p| p.line == 6).collect();
    let columns: Vec<_> = line6.iter().filter_map(|p| p.column.as_deref()).collect();
    assert_eq!(
        columns,
        ["daylight_hours", "outside_morning"],
        "every problem in a row"
    );
    assert!(problem_on(&plan, 7).message.contains("already on line 2"));
    assert!(problem_on(&plan, 8).message.contains("future"));
    assert_eq!(plan.counts.rows_used, 3);
    assert_eq!(plan.counts.rows_skipped[&SkipReason::Problem], 4);
}

#[test]
fn generic_csv_names_unknown_and_missing_columns() {
    let plan = import_generic(fixture!("generic_bad_columns.csv"), d("2024-06-01")).unwrap();
    let unknown = problem_on(&plan, 1);
    assert_eq!(unknown.column.as_deref(), Some("sleep_hours"));
    assert_eq!(
        day(&plan, "2024-01-10").fields.mood,
        Some(6),
        "headers ignore case"
    );

    let plan = import_generic("when,mood\n2024-01-01,5\n".as_bytes(), d("2024-06-01")).unwrap();
    assert!(plan.days.is_empty());
    assert!(
        plan.problems
            .iter()
            .any(|p| p.column.as_deref() == Some("when"))
    );
    assert!(
        plan.problems
            .iter()
            .any(|p| p.message.contains("\"date\" column"))
    );
}

#[test]
fn latin1_bytes_are_a_clear_problem_for_their_row_only() {
    let plan = import_generic(fixture!("generic_latin1.csv"), d("2024-06-01")).unwrap();
    let p = problem_on(&plan, 2);
    assert_eq!(p.column.as_deref(), Some("note"));
    assert!(
        p.message.contains("UTF-8") && p.message.contains("Latin-1"),
        "{p}"
    );
    assert_eq!(plan.days.len(), 1, "the next row is still read");
}

#[test]
fn utf16_and_empty_files_are_refused_whole() {
    let utf16 = b"\xFF\xFEd\0a\0t\0e\0";
    assert!(matches!(
        import_generic(utf16.as_slice(), d("2024-06-01")),
        Err(ImportError::Encoding(_))
    ));
    assert!(matches!(
        import_generic(b"".as_slice(), d("2024-06-01")),
        Err(ImportError::Empty)
    ));
}

fn check_apple_fixture(plan: &ImportPlan) {
    assert_eq!(
        day(plan, "2025-01-01").fields.daylight_quarter_hours,
        Some(5),
        "Watch 10:00–10:30 and iPhone 10:15–10:45 overlap: 45 min, plus 23:30–24:00: 75 min"
    );
    assert_eq!(
        day(plan, "2025-01-02").fields.daylight_quarter_hours,
        Some(2),
        "the half hour after midnight"
    );
    assert_eq!(
        day(plan, "2024-12-30").fields.daylight_quarter_hours,
        Some(1),
        "10 min at 18:50 −0500 stays on the 30th (it is the 31st in UTC) and rounds to 15 min"
    );
    assert_eq!(plan.days.len(), 3);
    assert!(
        plan.days
            .iter()
            .all(|x| x.fields.energy.is_none() && x.fields.mood.is_none())
    );
    assert_eq!(plan.counts.rows_read, 9);
    assert_eq!(plan.counts.rows_used, 4);
    assert_eq!(plan.counts.rows_skipped[&SkipReason::NotImported], 3);
    assert_eq!(plan.counts.rows_skipped[&SkipReason::Problem], 2);
    let future = plan
        .problems
        .iter()
        .find(|p| p.message.contains("future"))
        .unwrap();
    assert_eq!(future.column.as_deref(), Some("startDate"));
    let value = plan
        .problems
        .iter()
        .find(|p| p.column.as_deref() == Some("value"))
        .unwrap();
    assert!(value.message.contains("\"ten\""));
    assert_eq!(value.line, 48, "the line of the record");
}

#[test]
fn apple_health_daylight_per_local_day() {
    let plan = import_apple_health_xml(fixture!("apple_health.xml"), d("2025-01-03")).unwrap();
    check_apple_fixture(&plan);
    assert_eq!(day(&plan, "2025-01-01").source_rows, [36, 39, 40]);
}

#[test]
fn apple_health_from_a_zip_with_a_localised_name() {
    let plan =
        import_apple_health_zip(Cursor::new(fixture!("export.zip")), d("2025-01-03")).unwrap();
    check_apple_fixture(&plan);
}

#[test]
fn a_truncated_zip_is_a_clear_error() {
    let bytes = fixture!("export.zip");
    for cut in [bytes.len() - 10, bytes.len() / 2, 30] {
        let err = import_apple_health_zip(Cursor::new(&bytes[..cut]), d("2025-01-03")).unwrap_err();
        assert!(matches!(err, ImportError::Zip(_)), "{cut}: {err}");
        assert!(err.to_string().contains("damaged or incomplete"), "{err}");
    }
}

#[test]
fn malformed_xml_names_the_line_and_byte() {
    let err = import_apple_health_xml(fixture!("apple_health_malformed.xml"), d("2025-01-03"))
        .unwrap_err();
    match &err {
        ImportError::MalformedXml { line, byte, .. } => {
            assert_eq!(*line, 38, "{err}");
            assert!(*byte > 1000, "{err}");
        }
        other => panic!("{other}"),
    }
    let err =
        import_apple_health_xml(fixture!("apple_health_cut.xml"), d("2025-01-03")).unwrap_err();
    assert!(err.to_string().contains("cut short"), "{err}");
    let err = import_apple_health_xml(fixture!("daylio_older.csv"), d("2025-01-03")).unwrap_err();
    assert!(matches!(err, ImportError::NotHealthExport(_)), "{err}");
}

fn entry(date: &str) -> DayEntry {
    DayEntry {
        date: d(date),
        daylight_quarter_hours: Some(4),
        energy: Some(5),
        mood: Some(5),
        outside_morning: Some(false),
        habits: Habits {
            social_contact: true,
            ..Habits::default()
        },
        note: Some("mine".into()),
    }
}

fn imported(date: &str, fields: ImportedFields) -> ImportedDay {
    ImportedDay {
        date: d(date),
        fields,
        source_rows: vec![2],
    }
}

#[test]
fn merge_rules() {
    let old = entry("2024-01-10");
    let day = imported(
        "2024-01-10",
        ImportedFields {
            mood: Some(9),
            habits: Some(Habits {
                got_outside: true,
                ..Habits::default()
            }),
            note: Some("theirs".into()),
            ..ImportedFields::default()
        },
    );
    assert_eq!(
        merge(Some(&old), &day, ConflictRule::KeepMine),
        Outcome::Unchanged
    );
    let Outcome::Changed(new) = merge(Some(&old), &day, ConflictRule::TakeImported) else {
        panic!()
    };
    assert_eq!(new.mood, Some(9));
    assert_eq!(
        (new.energy, new.daylight_quarter_hours),
        (Some(5), Some(4)),
        "kept: not in the import"
    );
    assert!(
        new.habits.got_outside && new.habits.social_contact,
        "habits are only added"
    );
    assert_eq!(new.note.as_deref(), Some("theirs"));

    let mut bare = old.clone();
    bare.note = None;
    bare.habits = Habits::default();
    let Outcome::Changed(filled) = merge(Some(&bare), &day, ConflictRule::KeepMine) else {
        panic!()
    };
    assert_eq!(
        (filled.mood, filled.note.as_deref()),
        (Some(5), Some("theirs")),
        "gaps filled"
    );

    let Outcome::New(partial) = merge(None, &day, ConflictRule::TakeImported) else {
        panic!("a day with only a mood is a day")
    };
    assert_eq!(partial.mood, Some(9));
    assert_eq!(
        (
            partial.energy,
            partial.daylight_quarter_hours,
            partial.outside_morning
        ),
        (None, None, None),
        "what the source lacks stays missing, never zero"
    );
    let mut mood_less = old.clone();
    mood_less.mood = None;
    let Outcome::Changed(gap) = merge(Some(&mood_less), &day, ConflictRule::KeepMine) else {
        panic!()
    };
    assert_eq!(
        (gap.mood, gap.energy),
        (Some(9), Some(5)),
        "keep mine fills a missing value and keeps the rest"
    );
    let empty = ImportedDay {
        date: day.date,
        fields: ImportedFields::default(),
        source_rows: vec![1],
    };
    assert!(matches!(
        merge(None, &empty, ConflictRule::KeepMine),
        Outcome::NeedsValues(_)
    ));
    let fill = FillIn {
        daylight_quarter_hours: Some(0),
        energy: Some(5),
        outside_morning: Some(false),
        ..FillIn::default()
    };
    let Outcome::New(created) = merge(None, &day.filled(&fill), ConflictRule::KeepMine) else {
        panic!()
    };
    assert_eq!(
        (created.mood, created.daylight_quarter_hours, created.energy),
        (Some(9), Some(0), Some(5))
    );
}

/// Applies a change set to an in-memory "store", as the app would in one transaction.
fn apply(store: &mut BTreeMap<NaiveDate, DayEntry>, changes: &ChangeSet) {
    for e in changes.writes() {
        store.insert(e.date, e.clone());
    }
}

#[test]
fn idempotency_importing_twice_changes_nothing_the_second_time() {
    let fill = FillIn {
        daylight_quarter_hours: Some(0),
        energy: Some(5),
        mood: Some(5),
        outside_morning: Some(false),
    };
    let plans = [
        import_generic(fixture!("generic.csv"), d("2024-06-01")).unwrap(),
        import_daylio(
            fixture!("daylio_current.csv"),
            &DaylioOptions::default(),
            d("2024-03-10"),
        )
        .unwrap(),
        import_bearable(
            fixture!("bearable.csv"),
            BearableScale::OneToTen,
            d("2020-12-31"),
        )
        .unwrap(),
        import_apple_health_xml(fixture!("apple_health.xml"), d("2025-01-03")).unwrap(),
    ];
    for rule in [ConflictRule::KeepMine, ConflictRule::TakeImported] {
        for plan in &plans {
            // Some days already logged, so both new and changed days occur.
            let mut store: BTreeMap<NaiveDate, DayEntry> = plan
                .days
                .iter()
                .step_by(2)
                .map(|x| (x.date, entry(&x.date.to_string())))
                .collect();
            let first = ChangeSet::build(&plan.days, |date| store.get(&date), rule, Some(&fill));
            assert!(
                first.new_count() > 0
                    || first.changed_count() > 0
                    || rule == ConflictRule::KeepMine
            );
            apply(&mut store, &first);
            let after_first = store.clone();
            let second = ChangeSet::build(&plan.days, |date| store.get(&date), rule, Some(&fill));
            assert_eq!(
                second.unchanged_count(),
                plan.days.len(),
                "{rule:?}: {:#?}",
                second
            );
            assert_eq!(second.writes().count(), 0);
            apply(&mut store, &second);
            assert_eq!(store, after_first);
        }
    }
}

#[test]
fn new_days_bring_what_the_source_has_and_nothing_else() {
    let d_ = d;
    let plan = import_daylio(
        fixture!("daylio_current.csv"),
        &DaylioOptions::default(),
        d("2024-03-10"),
    )
    .unwrap();
    let changes = ChangeSet::build(&plan.days, |_| None, ConflictRule::KeepMine, None);
    assert_eq!(changes.needs_values_count(), 0);
    assert_eq!(changes.new_count(), plan.days.len());
    let sat = changes
        .writes()
        .find(|d| d.date == d_("2024-03-02"))
        .expect("Saturday");
    assert_eq!(sat.mood, Some(8));
    assert!(
        sat.habits.social_contact && sat.habits.moved_my_body,
        "habits come too"
    );
    assert!(
        sat.note
            .as_deref()
            .unwrap_or_default()
            .contains("Dinner with Sam")
    );
    for day in changes.writes() {
        assert!(day.mood.is_some(), "Daylio brings mood");
        assert_eq!(
            (day.energy, day.daylight_quarter_hours, day.outside_morning),
            (None, None, None),
            "nothing invented"
        );
    }
}

/// Random bytes, and valid files with random bytes changed, never panic any importer.
#[test]
fn random_input_never_panics() {
    let mut rng = SplitMix64::new(20_261_125);
    let seeds: [&[u8]; 6] = [
        fixture!("daylio_current.csv"),
        fixture!("bearable.csv"),
        fixture!("generic.csv"),
        fixture!("apple_health.xml"),
        fixture!("export.zip"),
        b"",
    ];
    let today = d("2025-01-03");
    for round in 0..3000u64 {
        let seed = seeds[(round % seeds.len() as u64) as usize];
        let mut bytes: Vec<u8> = if seed.is_empty() {
            let n = rng.below(300) as usize;
            (0..n).map(|_| rng.next_u64() as u8).collect()
        } else {
            seed.to_vec()
        };
        if !bytes.is_empty() {
            for _ in 0..=rng.below(8) {
                let i = rng.below(bytes.len() as u64) as usize;
                bytes[i] = match rng.below(4) {
                    0 => b',',
                    1 => b'"',
                    2 => b'<',
                    _ => rng.next_u64() as u8,
                };
            }
            if rng.below(4) == 0 {
                bytes.truncate(rng.below(bytes.len() as u64) as usize);
            }
        }
        let _ = import_daylio(bytes.as_slice(), &DaylioOptions::default(), today);
        let _ = import_bearable(bytes.as_slice(), BearableScale::OneToFive, today);
        let _ = import_generic(bytes.as_slice(), today);
        let _ = import_apple_health_xml(BufReader::new(bytes.as_slice()), today);
        let _ = import_apple_health_zip(Cursor::new(bytes.as_slice()), today);
    }
}

#[test]
fn daylio_notes_of_several_entries_are_each_kept_with_their_time() {
    let csv = "full_date,date,weekday,time,mood,activities,note_title,note\n\
               2024-03-05,5 March,Tuesday,9:15 pm,good,reading,,Evening calm\n\
               2024-03-05,5 March,Tuesday,7:30 am,bad,,,Slow start\n";
    let plan = import_daylio(csv.as_bytes(), &DaylioOptions::default(), d("2024-03-10")).unwrap();
    let day = day(&plan, "2024-03-05");
    assert_eq!(
        day.fields.note.as_deref(),
        Some("07:30 — Slow start\n\n21:15 — Evening calm"),
        "every note kept, oldest first, with its time"
    );
    assert_eq!(
        day.fields.mood,
        Some(6),
        "good 8 and bad 3: 5.5 rounds half up"
    );
    assert!(
        day.fields.habits.unwrap().joyful_activity,
        "reading is a small joyful activity"
    );
}

#[test]
fn apple_health_daylight_goes_into_existing_days_keeping_their_values() {
    let plan = import_apple_health_xml(fixture!("apple_health.xml"), d("2025-01-03")).unwrap();
    let target = plan.days[0].date;
    let logged = DayEntry {
        date: target,
        daylight_quarter_hours: None,
        energy: Some(4),
        mood: Some(6),
        outside_morning: Some(true),
        habits: Habits::default(),
        note: Some("mine".into()),
    };
    let mut store: BTreeMap<NaiveDate, DayEntry> = BTreeMap::new();
    store.insert(target, logged.clone());
    for rule in [ConflictRule::KeepMine, ConflictRule::TakeImported] {
        let changes = ChangeSet::build(&plan.days, |date| store.get(&date), rule, None);
        let day = changes
            .writes()
            .find(|w| w.date == target)
            .expect("the logged day gets its daylight");
        assert_eq!(
            day.daylight_quarter_hours,
            plan.days[0].fields.daylight_quarter_hours
        );
        assert!(day.daylight_quarter_hours.is_some());
        assert_eq!(
            (
                day.energy,
                day.mood,
                day.outside_morning,
                day.note.as_deref()
            ),
            (Some(4), Some(6), Some(true), Some("mine")),
            "{rule:?}: the day's other values are kept"
        );
        assert_eq!(
            changes.needs_values_count(),
            0,
            "new days are created from daylight alone"
        );
    }
    let changes = ChangeSet::build(
        &plan.days,
        |date| store.get(&date),
        ConflictRule::KeepMine,
        None,
    );
    for w in changes.writes() {
        store.insert(w.date, w.clone());
    }
    let again = ChangeSet::build(
        &plan.days,
        |date| store.get(&date),
        ConflictRule::KeepMine,
        None,
    );
    assert_eq!(again.writes().count(), 0, "re-importing changes nothing");
}
