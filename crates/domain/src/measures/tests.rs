use super::talking_therapies::{
    GAD7_CASENESS, GAD7_RELIABLE_CHANGE, PHQ9_CASENESS, PHQ9_RELIABLE_CHANGE,
};
use super::*;
use chrono::NaiveDate;

fn inst(id: &str) -> &'static Instrument {
    instrument(id).unwrap_or_else(|| panic!("{id} missing"))
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// Answers that add up to `total` on a 0–3 instrument with `n` items, filled from the front.
fn summing_to(total: u8, n: usize) -> Vec<u8> {
    let mut left = total;
    (0..n)
        .map(|_| {
            let v = left.min(3);
            left -= v;
            v
        })
        .collect()
}

// ---- the data files -------------------------------------------------------------------------

#[test]
fn every_data_file_parses_and_all_are_loaded() {
    for text in FILES {
        let parsed: Result<Instrument, _> = serde_json::from_str(text);
        assert!(parsed.is_ok(), "{:?}", parsed.err());
    }
    let ids: Vec<&str> = instruments().iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["phq-9", "gad-7", "who-5", "cpq", "scs-sf"]);
    assert!(instrument("nope").is_none());
}

#[test]
fn every_instrument_is_complete() {
    let expected = [
        ("phq-9", 9, 4, 0.0, 27.0),
        ("gad-7", 7, 4, 0.0, 21.0),
        ("who-5", 5, 6, 0.0, 100.0),
        ("cpq", 12, 4, 12.0, 48.0),
        ("scs-sf", 12, 5, 1.0, 5.0),
    ];
    for (id, items, options, min, max) in expected {
        let i = inst(id);
        assert_eq!(i.items.len(), items, "{id} items");
        assert_eq!(i.options.len(), options, "{id} options");
        assert_eq!(
            (i.score_range.min, i.score_range.max),
            (min, max),
            "{id} range"
        );
        for (n, item) in i.items.iter().enumerate() {
            assert_eq!(usize::from(item.number), n + 1, "{id} numbering");
            assert!(
                !item.text.trim().is_empty(),
                "{id} item {} text",
                item.number
            );
        }
        for field in [
            &i.name,
            &i.short_name,
            &i.stem,
            &i.period,
            &i.source,
            &i.licence,
        ] {
            assert!(!field.trim().is_empty(), "{id} has an empty field");
        }
        assert!(
            i.description.contains("not a diagnosis"),
            "{id} description"
        );
        assert!(
            !i.description.contains('\n'),
            "{id} description is one line"
        );
        assert!(!i.wording_status.is_empty());
        assert!(
            i.reliable_change.is_some() || i.reliable_change_note.is_some(),
            "{id} explains missing reliable-change constants"
        );
        // Lowest and highest possible answers give the ends of the score range.
        let (lo, hi) = i.option_bounds();
        let lowest: Vec<u8> = i
            .items
            .iter()
            .map(|it| if it.reverse { hi } else { lo })
            .collect();
        let highest: Vec<u8> = i
            .items
            .iter()
            .map(|it| if it.reverse { lo } else { hi })
            .collect();
        assert_eq!(score(i, &lowest).unwrap().value, min, "{id} min");
        assert_eq!(score(i, &highest).unwrap().value, max, "{id} max");
    }
}

#[test]
fn bands_cover_the_whole_range_without_gaps_or_overlaps() {
    for i in instruments() {
        if i.bands.is_empty() {
            assert!(
                !i.bands_source.is_empty(),
                "{} says why it has no bands",
                i.id
            );
            continue;
        }
        assert_eq!(i.bands[0].min, i.score_range.min, "{} starts at min", i.id);
        assert_eq!(
            i.bands[i.bands.len() - 1].max,
            i.score_range.max,
            "{} ends at max",
            i.id
        );
        for pair in i.bands.windows(2) {
            assert_eq!(pair[1].min, pair[0].max + 1.0, "{} contiguous", i.id);
        }
        // Every whole score falls in exactly one band.
        let mut s = i.score_range.min;
        while s <= i.score_range.max {
            let n = i.bands.iter().filter(|b| s >= b.min && s <= b.max).count();
            assert_eq!(n, 1, "{} score {s}", i.id);
            s += 1.0;
        }
    }
}

/// LOINC codes as verified in clinical.md §2.1 (MII PROMs IG and HL7 PHR IG).
#[test]
fn loinc_codes_match_the_verified_list() {
    let phq = inst("phq-9");
    let phq_items: Vec<&str> = phq
        .items
        .iter()
        .filter_map(|i| i.loinc.as_deref())
        .collect();
    assert_eq!(
        phq_items,
        [
            "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3",
            "44260-8"
        ]
    );
    let codes = phq.loinc.as_ref().unwrap();
    assert_eq!(
        (codes.panel.as_str(), codes.total.as_str()),
        ("44249-1", "44261-6")
    );

    let gad = inst("gad-7");
    let gad_items: Vec<&str> = gad
        .items
        .iter()
        .filter_map(|i| i.loinc.as_deref())
        .collect();
    assert_eq!(
        gad_items,
        [
            "69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"
        ]
    );
    let codes = gad.loinc.as_ref().unwrap();
    assert_eq!(
        (codes.panel.as_str(), codes.total.as_str()),
        ("69737-5", "70274-6")
    );

    // Known pitfalls in public code: 69726-8 is "Discharge instructions Narrative", 69689-6 a typo.
    assert_eq!(gad.items[1].loinc.as_deref(), Some("68509-9"));
    assert_ne!(gad.items[1].loinc.as_deref(), Some("69726-8"));
    for i in instruments() {
        for item in &i.items {
            assert_ne!(item.loinc.as_deref(), Some("69726-8"));
            assert_ne!(item.loinc.as_deref(), Some("69689-6"));
        }
    }

    for i in [phq, gad] {
        let answers: Vec<(u8, &str)> = i
            .options
            .iter()
            .map(|o| (o.value, o.loinc_answer.as_deref().unwrap()))
            .collect();
        assert_eq!(
            answers,
            [
                (0, "LA6568-5"),
                (1, "LA6569-3"),
                (2, "LA6570-1"),
                (3, "LA6571-9")
            ]
        );
    }

    let who = inst("who-5");
    assert!(who.loinc.is_none(), "WHO-5 has no LOINC code");
    assert_eq!(who.snomed_total.as_deref(), Some("1144665009"));
}

#[test]
fn talking_therapies_constants_match_the_data_files() {
    let phq = inst("phq-9").nhs_talking_therapies.as_ref().unwrap();
    assert_eq!(
        (phq.reliable_change_points, phq.caseness),
        (PHQ9_RELIABLE_CHANGE, PHQ9_CASENESS)
    );
    assert_eq!((phq.reliable_change_points, phq.caseness), (6, 10));
    let gad = inst("gad-7").nhs_talking_therapies.as_ref().unwrap();
    assert_eq!(
        (gad.reliable_change_points, gad.caseness),
        (GAD7_RELIABLE_CHANGE, GAD7_CASENESS)
    );
    assert_eq!((gad.reliable_change_points, gad.caseness), (4, 8));
    for id in ["who-5", "cpq", "scs-sf"] {
        assert!(inst(id).nhs_talking_therapies.is_none());
    }
}

#[test]
fn reverse_keys_are_as_published() {
    let reversed = |id: &str| -> Vec<u8> {
        inst(id)
            .items
            .iter()
            .filter(|i| i.reverse)
            .map(|i| i.number)
            .collect()
    };
    assert_eq!(reversed("cpq"), [2, 8]); // Parks et al. 2021, abstract
    assert_eq!(reversed("scs-sf"), [1, 4, 8, 9, 11, 12]); // Raes et al. 2011
    for id in ["phq-9", "gad-7", "who-5"] {
        assert!(reversed(id).is_empty());
    }
    assert_eq!(inst("phq-9").safety_items, [9]);
}

// ---- scoring --------------------------------------------------------------------------------

#[test]
fn phq9_band_edges() {
    let phq = inst("phq-9");
    let cases = [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (24, "severe"),
    ];
    for (total, label) in cases {
        // Keep item 9 at 0 so only the total is tested here.
        let mut answers = summing_to(total, 8);
        answers.push(0);
        let s = score(phq, &answers).unwrap();
        assert_eq!(s.total, f64::from(total), "total {total}");
        assert_eq!(s.display, total.to_string());
        assert_eq!(s.band.as_ref().unwrap().label, label, "total {total}");
    }
    // 27 needs item 9 too.
    let s = score(phq, &[3; 9]).unwrap();
    assert_eq!((s.total, s.band.unwrap().label.as_str()), (27.0, "severe"));
}

#[test]
fn gad7_band_edges() {
    let gad = inst("gad-7");
    let cases = [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ];
    for (total, label) in cases {
        let s = score(gad, &summing_to(total, 7)).unwrap();
        assert_eq!(s.total, f64::from(total));
        assert_eq!(s.band.unwrap().label, label, "total {total}");
        assert!(!s.safety_flag);
    }
}

#[test]
fn who5_is_the_raw_sum_times_four() {
    let who = inst("who-5");
    // Raw 16 -> 64 %.
    let s = score(who, &[3, 3, 3, 3, 4]).unwrap();
    assert_eq!((s.total, s.value, s.display.as_str()), (16.0, 64.0, "64%"));
    assert_eq!(s.band.as_ref().unwrap().label, "usual well-being");
    // Raw 12 -> 48 %: below 50 %, the conventional "poor well-being" screen.
    let s = score(who, &[3, 3, 2, 2, 2]).unwrap();
    assert_eq!(
        (s.value, s.band.unwrap().label.as_str()),
        (48.0, "low well-being")
    );
    // Raw 13 -> 52 %.
    let s = score(who, &[3, 3, 3, 2, 2]).unwrap();
    assert_eq!(
        (s.value, s.band.unwrap().label.as_str()),
        (52.0, "usual well-being")
    );
    // Raw 7 -> 28 %: the "likely depression" screening edge.
    let s = score(who, &[2, 2, 1, 1, 1]).unwrap();
    assert_eq!(
        (s.value, s.band.unwrap().label.as_str()),
        (28.0, "very low well-being")
    );
    // Raw 8 -> 32 %.
    let s = score(who, &[2, 2, 2, 1, 1]).unwrap();
    assert_eq!(
        (s.value, s.band.unwrap().label.as_str()),
        (32.0, "low well-being")
    );
    assert_eq!(score(who, &[0; 5]).unwrap().display, "0%");
    assert_eq!(score(who, &[5; 5]).unwrap().display, "100%");
}

/// For each reverse-keyed item, a response set where only that item changes from the lowest to
/// the highest answer moves the score *down* by (max − min); for a forward item it moves it up.
#[test]
fn every_reverse_scored_item_is_mirrored() {
    for id in ["cpq", "scs-sf"] {
        let i = inst(id);
        let (lo, hi) = i.option_bounds();
        let base = vec![lo; i.items.len()];
        let base_score = score(i, &base).unwrap().total;
        for (n, item) in i.items.iter().enumerate() {
            let mut changed = base.clone();
            changed[n] = hi;
            let delta = score(i, &changed).unwrap().total - base_score;
            let step = f64::from(hi - lo);
            let expected = match (item.reverse, &i.scoring) {
                (true, Scoring::Mean) => -step / i.items.len() as f64,
                (false, Scoring::Mean) => step / i.items.len() as f64,
                (true, _) => -step,
                (false, _) => step,
            };
            assert!(
                close(delta, expected, 1e-12),
                "{id} item {}: delta {delta}, expected {expected}",
                item.number
            );
        }
    }
}

#[test]
fn cpq_worked_example() {
    // All "Some of the time" (2): forward items 10 × 2 = 20, items 2 and 8 reversed to 5 − 2 = 3
    // each: total 26.
    let s = score(inst("cpq"), &[2; 12]).unwrap();
    assert_eq!((s.total, s.display.as_str()), (26.0, "26"));
    assert!(s.band.is_none());
    assert!(band_sentence(inst("cpq"), &s).contains("no agreed ranges"));
}

#[test]
fn scs_sf_worked_example() {
    // Answers 1..12 = [2,4,4,2,3,5,4,1,2,3,2,1]. Reversed (6 − x) items 1,4,8,9,11,12:
    // 4, 4, 5, 4, 4, 5. Forward items 2,3,5,6,7,10: 4, 4, 3, 5, 4, 3.
    // Sum 26 + 23 = 49; mean 49 / 12 = 4.0833…
    let answers = [2, 4, 4, 2, 3, 5, 4, 1, 2, 3, 2, 1];
    let s = score(inst("scs-sf"), &answers).unwrap();
    assert!(close(s.total, 49.0 / 12.0, 1e-12));
    assert_eq!(s.display, "4.08");
    // Self-kindness = items 2 and 6: (4 + 5) / 2.
    let kindness = s
        .subscales
        .iter()
        .find(|(n, _)| n == "self-kindness")
        .unwrap();
    assert!(close(kindness.1, 4.5, 1e-12));
    // Self-judgment = items 11 and 12 after reversal: (4 + 5) / 2.
    let judgment = s
        .subscales
        .iter()
        .find(|(n, _)| n == "self-judgment")
        .unwrap();
    assert!(close(judgment.1, 4.5, 1e-12));
    assert_eq!(s.subscales.len(), 6);
}

#[test]
fn phq9_item9_sets_the_safety_flag_whatever_the_total() {
    let phq = inst("phq-9");
    // Total 12 (moderate) with item 9 = 1.
    let s = score(phq, &[2, 2, 1, 2, 1, 1, 1, 1, 1]).unwrap();
    assert_eq!(s.total, 12.0);
    assert_eq!(s.band.as_ref().unwrap().label, "moderate");
    assert!(s.safety_flag);
    // Total 1, and that 1 is item 9.
    let s = score(phq, &[0, 0, 0, 0, 0, 0, 0, 0, 1]).unwrap();
    assert_eq!(s.total, 1.0);
    assert!(s.safety_flag);
    // Total 12 without item 9: no flag.
    let s = score(phq, &[2, 2, 2, 2, 1, 1, 1, 1, 0]).unwrap();
    assert_eq!(s.total, 12.0);
    assert!(!s.safety_flag);
    // No other instrument has a safety item.
    for id in ["gad-7", "who-5", "cpq", "scs-sf"] {
        let i = inst(id);
        let (_, hi) = i.option_bounds();
        assert!(!score(i, &vec![hi; i.items.len()]).unwrap().safety_flag);
    }
}

#[test]
fn band_sentence_never_diagnoses() {
    let phq = inst("phq-9");
    let s = score(phq, &[2, 2, 2, 2, 1, 1, 1, 1, 0]).unwrap();
    assert_eq!(
        band_sentence(phq, &s),
        "A score of 12 is in the range usually called moderate."
    );
    for i in instruments() {
        let (lo, _) = i.option_bounds();
        let s = score(i, &vec![lo; i.items.len()]).unwrap();
        let text = band_sentence(i, &s).to_lowercase();
        assert!(!text.contains("you have"), "{}", i.id);
        assert!(!text.contains("diagnos"), "{}", i.id);
    }
}

// ---- form parsing and completeness -----------------------------------------------------------

fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn parse_keeps_what_parsed_and_names_the_bad_items() {
    let gad = inst("gad-7");
    let (r, errors) = parse_answers(
        gad,
        &form(&[
            ("item1", "2"),
            ("item2", " 3 "),
            ("item3", "7"),
            ("item4", "x"),
            ("item5", ""),
        ]),
    );
    assert_eq!(r.0, [Some(2), Some(3), None, None, None, None, None]);
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["item3", "item4"]);
    assert_eq!(
        errors.message_for("item3"),
        Some("Question 3: choose one of the answers (0, 1, 2 or 3).")
    );
}

#[test]
fn complete_requires_every_item_in_range() {
    let phq = inst("phq-9");
    let mut r = Responses(vec![Some(1); 9]);
    r.0[2] = None;
    r.0[6] = Some(4);
    let errors = complete(phq, &r).unwrap_err();
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["item3", "item7"]);
    assert_eq!(
        errors.message_for("item3"),
        Some("Question 3 still needs an answer.")
    );
    // A short draft names every missing item.
    let errors = complete(phq, &Responses(vec![Some(0); 7])).unwrap_err();
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["item8", "item9"]);
    assert_eq!(
        complete(phq, &Responses(vec![Some(3); 9])).unwrap(),
        vec![3; 9]
    );
}

#[test]
fn score_rejects_out_of_range_and_wrong_length() {
    // CPQ answers run 1–4: 0 is not an answer.
    let mut answers = vec![2; 12];
    answers[4] = 0;
    let errors = score(inst("cpq"), &answers).unwrap_err();
    assert_eq!(errors.0[0].field, "item5");
    assert_eq!(
        errors.message_for("item5"),
        Some("Question 5: choose one of the answers (1, 2, 3 or 4).")
    );
    let errors = score(inst("who-5"), &[1, 2, 6, 1, 1]).unwrap_err();
    assert_eq!(errors.0[0].field, "item3");
    assert!(score(inst("who-5"), &[1; 4]).is_err());
    let errors = score(inst("who-5"), &[1; 6]).unwrap_err();
    assert_eq!(errors.0[0].field, "answers");
}

// ---- reliable change ------------------------------------------------------------------------

fn with_constants(direction: Direction, sd: f64, r: f64) -> Instrument {
    let mut i = inst("phq-9").clone();
    i.direction = direction;
    i.nhs_talking_therapies = None;
    i.reliable_change = Some(ReliableChangeConstants {
        sd,
        sd_sample: SdSample::Clinical,
        reliability: r,
        reliability_kind: ReliabilityKind::TestRetest,
        source: "test".into(),
    });
    i
}

#[test]
fn jacobson_truax_matches_the_aaq2_hand_computation() {
    // clinical.md §1.3, AAQ-II: SD 9.9, r .81.
    // SEm = 9.9 × √(1 − .81) = 9.9 × 0.43589 = 4.3153
    // S_diff = √2 × 4.3153 = 6.1027
    // threshold = 1.96 × 6.1027 = 11.961
    let i = with_constants(Direction::LowerIsBetter, 9.9, 0.81);
    let a = reliable_change(&i, 30.0, 18.0).unwrap();
    let threshold = a.threshold_points.unwrap();
    assert!(close(threshold, 11.96, 0.005), "{threshold}");
    // RCI = −12 / 6.1027 = −1.9663: just reliable, and lower is better.
    assert!(close(a.rci.unwrap(), -12.0 / 6.1027, 1e-3));
    assert_eq!(a.verdict, Some(ReliableChange::Improved));
    assert_eq!(a.rule, ChangeRule::JacobsonTruax);
    assert!(a.sentence.contains("12 points lower"), "{}", a.sentence);
    assert_eq!(a.change, -12.0);
    // 11 points is within measurement error.
    let a = reliable_change(&i, 30.0, 19.0).unwrap();
    assert_eq!(a.verdict, Some(ReliableChange::NoReliableChange));
    // +12 is a reliable deterioration on a lower-is-better scale.
    let a = reliable_change(&i, 18.0, 30.0).unwrap();
    assert_eq!(a.verdict, Some(ReliableChange::Deteriorated));
    // SD 9.9, alpha .84: SEm 3.96, S_diff 5.600, threshold 10.98.
    let i = with_constants(Direction::LowerIsBetter, 9.9, 0.84);
    let a = reliable_change(&i, 0.0, 1.0).unwrap();
    assert!(close(a.threshold_points.unwrap(), 10.98, 0.005));
}

#[test]
fn reliable_change_respects_direction() {
    let i = with_constants(Direction::HigherIsBetter, 9.9, 0.81);
    assert_eq!(
        reliable_change(&i, 18.0, 30.0).unwrap().verdict,
        Some(ReliableChange::Improved)
    );
    assert_eq!(
        reliable_change(&i, 30.0, 18.0).unwrap().verdict,
        Some(ReliableChange::Deteriorated)
    );
    let a = reliable_change(&i, 30.0, 18.0).unwrap();
    assert!(
        a.sentence
            .contains("from 30 to 18, 12 points lower (the harder direction")
    );
}

#[test]
fn jacobson_truax_needs_a_clinical_sd_and_test_retest_reliability() {
    // A general-population SD, or Cronbach's alpha, gives no verdict (issue 13: PHQ-9 18 → 14
    // was called "likely a real improvement" from a normative SD of 3.5 and alpha .89).
    let mut i = with_constants(Direction::LowerIsBetter, 3.5, 0.89);
    assert!(reliable_change(&i, 18.0, 14.0).is_some());
    if let Some(c) = i.reliable_change.as_mut() {
        c.sd_sample = SdSample::GeneralPopulation;
    }
    assert!(reliable_change(&i, 18.0, 14.0).is_none());
    if let Some(c) = i.reliable_change.as_mut() {
        c.sd_sample = SdSample::Clinical;
        c.reliability_kind = ReliabilityKind::InternalConsistency;
    }
    assert!(reliable_change(&i, 18.0, 14.0).is_none());
    // No shipped instrument has such a pair, so none is judged by Jacobson–Truax.
    for i in instruments() {
        assert!(reliable_change(i, 10.0, 20.0).is_none(), "{}", i.id);
    }
}

#[test]
fn phq9_18_to_14_is_within_the_usual_ups_and_downs() {
    let a = judge_change(inst("phq-9"), 18.0, 14.0);
    assert_eq!(a.rule, ChangeRule::TalkingTherapies);
    assert_eq!(a.verdict, Some(ReliableChange::NoReliableChange));
    assert!(
        a.sentence
            .contains("from 18 to 14, 4 points lower (the better direction")
    );
    assert!(
        a.sentence
            .contains("within the questionnaire's usual ups and downs")
    );
    assert!(!a.sentence.contains("real improvement"));
}

#[test]
fn talking_therapies_edges_per_measure() {
    // PHQ-9: 5 points is not reliable, 6 is; both ways.
    let v = |id: &str, b: f64, a: f64| judge_change(inst(id), b, a).verdict;
    assert_eq!(
        v("phq-9", 15.0, 10.0),
        Some(ReliableChange::NoReliableChange)
    );
    assert_eq!(v("phq-9", 15.0, 9.0), Some(ReliableChange::Improved));
    assert_eq!(
        v("phq-9", 9.0, 14.0),
        Some(ReliableChange::NoReliableChange)
    );
    assert_eq!(v("phq-9", 9.0, 15.0), Some(ReliableChange::Deteriorated));
    // GAD-7: 3 is not, 4 is.
    assert_eq!(
        v("gad-7", 10.0, 7.0),
        Some(ReliableChange::NoReliableChange)
    );
    assert_eq!(v("gad-7", 10.0, 6.0), Some(ReliableChange::Improved));
    assert_eq!(v("gad-7", 6.0, 9.0), Some(ReliableChange::NoReliableChange));
    assert_eq!(v("gad-7", 6.0, 10.0), Some(ReliableChange::Deteriorated));
    let worse = judge_change(inst("gad-7"), 6.0, 10.0);
    assert!(
        worse
            .sentence
            .contains("4 points higher (the harder direction")
    );
    assert!(worse.sentence.contains("reliably worse"));
    assert!(worse.sentence.contains("It is now at or above 8"));
    assert_eq!(worse.short, "4 points higher: reliably worse");
}

#[test]
fn recovery_and_reliable_recovery_on_one_measure() {
    // PHQ-9 12 → 6: below 10 and 6 points lower: reliable recovery.
    let a = judge_change(inst("phq-9"), 12.0, 6.0);
    assert!(
        a.sentence.contains("counts as reliable recovery"),
        "{}",
        a.sentence
    );
    // PHQ-9 12 → 7: below 10 but only 5 points: recovery, not reliable recovery.
    let a = judge_change(inst("phq-9"), 12.0, 7.0);
    assert!(
        a.sentence
            .contains("counts as recovery, though not reliable recovery")
    );
    // Starting below 10 there is no recovery to speak of.
    let a = judge_change(inst("phq-9"), 9.0, 2.0);
    assert!(!a.sentence.contains("recovery"));
    assert_eq!(a.verdict, Some(ReliableChange::Improved));
}

#[test]
fn no_agreed_threshold_gives_the_signed_difference_and_a_direction() {
    let a = judge_change(inst("who-5"), 48.0, 60.0);
    assert_eq!(a.rule, ChangeRule::NoAgreedThreshold);
    assert_eq!(a.verdict, None);
    assert!(
        a.sentence
            .contains("from 48% to 60%, 12 points higher (the better direction")
    );
    assert!(
        a.sentence
            .contains("no agreed threshold for a reliable change")
    );
    assert_eq!(a.short, "12 points higher (no agreed threshold)");
    let a = judge_change(inst("cpq"), 30.0, 33.0);
    assert!(
        a.sentence.contains("3 points higher (the harder direction"),
        "{}",
        a.sentence
    );
    let a = judge_change(inst("scs-sf"), 3.25, 3.0);
    assert!(
        a.sentence
            .contains("0.25 points lower (the harder direction"),
        "{}",
        a.sentence
    );
    let a = judge_change(inst("cpq"), 30.0, 30.0);
    assert!(a.sentence.contains("was 30 both times"));
    assert_eq!(a.short, "no different");
}

#[test]
fn change_sentences_never_diagnose_or_show_reviewer_notes() {
    for i in instruments() {
        for (b, a) in [
            (0.0, 0.0),
            (2.0, 20.0),
            (20.0, 2.0),
            (12.0, 6.0),
            (9.0, 10.0),
        ] {
            let text = judge_change(i, b, a).sentence.to_lowercase();
            for word in [
                "diagnos",
                "you have",
                "you are depressed",
                "disorder",
                "verified",
                "alpha",
                "secondary",
            ] {
                assert!(!text.contains(word), "{}: {text}", i.id);
            }
        }
    }
    let r = talking_therapies(16, 6, 10, 10).sentence.to_lowercase();
    assert!(!r.contains("disorder") && !r.contains("diagnos"));
}

// ---- NHS Talking Therapies ------------------------------------------------------------------

#[test]
fn reliable_recovery() {
    // Case on both at start; below both cut-offs at the end; PHQ-9 fell 8 (≥ 6).
    let r = talking_therapies(15, 12, 7, 5);
    assert!(r.at_caseness_at_start);
    assert!(r.reliable_improvement);
    assert_eq!(r.recovery, Some(true));
    assert_eq!(r.reliable_recovery, Some(true));
    assert_eq!(r.outcome, TalkingTherapiesOutcome::ReliableRecovery);
    assert!(r.sentence.contains("counts as reliable recovery"));
}

#[test]
fn recovery_without_reliable_improvement() {
    // PHQ-9 11 -> 9 (−2), GAD-7 9 -> 7 (−2): below both cut-offs, but neither change is reliable.
    let r = talking_therapies(11, 9, 9, 7);
    assert_eq!(r.recovery, Some(true));
    assert_eq!(r.reliable_recovery, Some(false));
    assert_eq!(r.outcome, TalkingTherapiesOutcome::Recovery);
    assert!(r.sentence.contains("counts as recovery"));
    assert!(r.sentence.contains("It is not reliable recovery"));
}

#[test]
fn recovery_needs_both_measures_below_caseness() {
    // PHQ-9 falls reliably to 8, but GAD-7 ends at 8 = caseness.
    let r = talking_therapies(16, 10, 8, 8);
    assert_eq!(r.recovery, Some(false));
    assert_eq!(r.outcome, TalkingTherapiesOutcome::ReliableImprovement);
    // Caseness edges: 9 and 7 are below; 10 and 8 are at caseness.
    assert!(!talking_therapies(9, 7, 9, 7).at_caseness_at_start);
    assert!(talking_therapies(10, 0, 0, 0).at_caseness_at_start);
    assert!(talking_therapies(0, 8, 0, 0).at_caseness_at_start);
}

#[test]
fn not_at_caseness_at_start_has_no_recovery() {
    // PHQ-9 9 -> 2 (−7, reliable), GAD-7 7 -> 1 (−6, reliable), but neither started at caseness.
    let r = talking_therapies(9, 7, 2, 1);
    assert!(!r.at_caseness_at_start);
    assert_eq!(r.recovery, None);
    assert_eq!(r.reliable_recovery, None);
    assert_eq!(r.outcome, TalkingTherapiesOutcome::ReliableImprovement);
}

#[test]
fn reliable_deterioration() {
    // GAD-7 rises by exactly 4 (the threshold); PHQ-9 unchanged.
    let r = talking_therapies(12, 9, 12, 13);
    assert!(r.reliable_deterioration);
    assert!(!r.reliable_improvement);
    assert_eq!(r.recovery, Some(false));
    assert_eq!(r.outcome, TalkingTherapiesOutcome::ReliableDeterioration);
    assert!(
        r.sentence
            .contains("anxiety scores (GAD-7) got reliably worse (9 to 13)")
    );
    assert!(r.sentence.contains("reliable deterioration"));
    // 3 points is not reliable.
    let r = talking_therapies(12, 9, 12, 12);
    assert_eq!(r.outcome, TalkingTherapiesOutcome::NoReliableChange);
}

#[test]
fn mixed_change_is_neither_improvement_nor_deterioration() {
    // PHQ-9 −6 (reliably better), GAD-7 +4 (reliably worse).
    let r = talking_therapies(16, 9, 10, 13);
    assert!(!r.reliable_improvement);
    assert!(!r.reliable_deterioration);
    // Deliberately changed: was `NoReliableChange`, which read "within the questionnaires'
    // usual ups and downs"; a mixed outcome is now named as such (issue 13).
    assert_eq!(r.outcome, TalkingTherapiesOutcome::Mixed);
    // The example: PHQ-9 16 → 10 reliably better, GAD-7 6 → 10 reliably worse.
    let r = talking_therapies(16, 6, 10, 10);
    assert_eq!(r.outcome, TalkingTherapiesOutcome::Mixed);
    assert!(
        r.sentence.contains(
            "Depression scores (PHQ-9) improved reliably (16 to 10) while anxiety scores \
             (GAD-7) got reliably worse (6 to 10)."
        ),
        "{}",
        r.sentence
    );
    assert!(r.sentence.contains("mixed outcome"));
    assert!(!r.sentence.contains("usual ups and downs"));
}

#[test]
fn one_measure_alone() {
    let m = measure_change("phq-9", 14, 8).unwrap();
    assert!(m.reliably_improved && m.case_at_first && !m.case_at_last);
    assert_eq!(m.change, -6);
    let m = measure_change("phq-9", 14, 9).unwrap();
    assert!(!m.reliably_improved);
    let m = measure_change("gad-7", 6, 10).unwrap();
    assert!(m.reliably_deteriorated && !m.case_at_first && m.case_at_last);
    assert!(measure_change("who-5", 10, 20).is_none());
}

// ---- schedule -------------------------------------------------------------------------------

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn due_dates() {
    assert!(is_due(None, 14, d(2026, 1, 1)), "never done: due now");
    assert_eq!(next_due(None, 14), None);
    let last = Some(d(2026, 1, 1));
    assert_eq!(next_due(last, 14), Some(d(2026, 1, 15)));
    assert!(!is_due(last, 14, d(2026, 1, 14)));
    assert!(is_due(last, 14, d(2026, 1, 15)));
    assert!(is_due(last, 14, d(2026, 3, 1)), "late stays due");
    assert!(is_due(last, 0, d(2026, 1, 1)));
    assert_eq!(next_due(Some(d(2026, 2, 20)), 14), Some(d(2026, 3, 6)));
}
