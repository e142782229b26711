//! Every statistic uses exactly the days that have both values it needs (a day holds what the
//! person knows; a missing value is never read as zero).

use crate::day::{DayEntry, Habits};
use crate::experiment::{Plan, analyse};
use crate::light_mood::{Finding, light_mood_insights};
use chrono::{Days, NaiveDate};

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()
}

/// 40 complete days with some variety.
fn complete() -> Vec<DayEntry> {
    (0..40u64)
        .map(|i| {
            let outside = i % 2 == 0;
            let wobble = (i * 7 % 5) as u8;
            DayEntry {
                date: start() + Days::new(i),
                daylight_quarter_hours: Some(if outside { 8 + wobble } else { wobble }),
                energy: Some(3 + wobble),
                mood: Some(3 + wobble / 2 + if outside { 2 } else { 0 }),
                outside_morning: Some(outside),
                habits: Habits {
                    got_outside: outside,
                    ..Habits::default()
                },
                note: None,
            }
        })
        .collect()
}

/// 25 later days that hold only a mood (a very low one, which would skew anything that read them).
fn mood_only() -> Vec<DayEntry> {
    (40..65u64)
        .map(|i| DayEntry {
            date: start() + Days::new(i),
            daylight_quarter_hours: None,
            energy: None,
            mood: Some(0),
            outside_morning: None,
            habits: Habits::default(),
            note: None,
        })
        .collect()
}

#[test]
fn days_without_daylight_or_morning_do_not_change_those_statistics() {
    let full = light_mood_insights(&complete());
    let mut mixed_days = complete();
    mixed_days.extend(mood_only());
    let mixed = light_mood_insights(&mixed_days);
    assert_eq!(mixed.days, 65, "every logged day is counted as logged");
    // Daylight against mood or energy: the pairs are exactly the days with both.
    for (a, b) in full.daylight.iter().zip(&mixed.daylight) {
        match (a, b) {
            (Finding::Ready(a), Finding::Ready(b)) if a.lag_days == 0 => {
                assert_eq!(a.n, 40);
                assert_eq!(b.n, 40, "mood-only days add no same-day pair");
                assert!((a.r - b.r).abs() < 1e-12);
            }
            (Finding::Ready(a), Finding::Ready(b)) => {
                // Daylight on the last complete day and mood on the next (mood-only) day: one
                // more pair, and only for mood (that day has no energy).
                assert_eq!(a.n, 39);
                let extra = usize::from(b.outcome == crate::light_mood::Outcome::Mood);
                assert_eq!(b.n, 39 + extra, "{:?}", b.outcome);
            }
            (a, b) => assert_eq!(a, b),
        }
    }
    // Outside vs indoor: only days with the morning known and the outcome known.
    for (a, b) in full.outside_vs_indoor.iter().zip(&mixed.outside_vs_indoor) {
        let (Finding::Ready(a), Finding::Ready(b)) = (a, b) else {
            panic!("40 complete days are enough to compare");
        };
        assert_eq!((a.n_a, a.n_b), (20, 20));
        assert_eq!(
            (b.n_a, b.n_b),
            (20, 20),
            "mood-only days are in neither group"
        );
        assert!((a.difference - b.difference).abs() < 1e-12);
    }
}

#[test]
fn habits_compare_mood_on_the_days_that_have_a_mood() {
    let mut days = complete();
    // Ten days with a habit ticked but no mood: they are logged, not compared.
    for i in 70..80u64 {
        days.push(DayEntry {
            date: start() + Days::new(i),
            daylight_quarter_hours: None,
            energy: None,
            mood: None,
            outside_morning: None,
            habits: Habits {
                got_outside: true,
                ..Habits::default()
            },
            note: None,
        });
    }
    let insights = light_mood_insights(&days);
    let outside = &insights.habits[0];
    assert_eq!(outside.logged, 50);
    assert_eq!(outside.ticked, 30);
    let Finding::Ready(c) = &outside.mood else {
        panic!("enough days")
    };
    assert_eq!(c.n_a + c.n_b, 40, "only the days with a mood");
}

#[test]
fn the_experiment_uses_days_with_the_outcome_and_the_morning() {
    let plan = Plan {
        start: start(),
        weeks: 4,
        seed: 7,
    };
    let mut days = complete();
    for d in days.iter_mut().skip(10).take(6) {
        d.energy = None;
        d.outside_morning = None;
    }
    let a = analyse(&plan, &days, start() + Days::new(40), 0);
    assert_eq!(a.logged, 28, "every logged morning in the four weeks");
    let energy = &a.outcomes[1];
    let Finding::Ready(c) = &energy.as_assigned else {
        panic!("enough days for energy as_assigned")
    };
    assert_eq!(c.n_a + c.n_b, 22, "energy only where it was given");
    let Finding::Ready(c) = &energy.as_done else {
        panic!("enough days for energy as_done")
    };
    assert_eq!(c.n_a + c.n_b, 22, "as done: morning and energy both known");
    let mood = &a.outcomes[0];
    let Finding::Ready(c) = &mood.as_assigned else {
        panic!("enough days for mood as_assigned")
    };
    assert_eq!(c.n_a + c.n_b, 28, "every mood in the window");
    let Finding::Ready(c) = &mood.as_done else {
        panic!("enough days for mood as_done")
    };
    assert_eq!(c.n_a + c.n_b, 22, "as done needs the morning known");
}
