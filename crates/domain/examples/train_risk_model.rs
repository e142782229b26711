//! Trains the local risk-language model on the tuning sentences and writes
//! `crates/domain/content/risk_model.txt`, with the threshold chosen by 5-fold
//! cross-validation of the combined detector (rules or model).
//!
//! `cargo run -p enough-domain --example train_risk_model` (add `--release` for speed; the
//! result is the same). Prints the cross-validated figures at each threshold tried: rules and
//! model together, the model alone, and the blind round-6, round-7, round-9 and round-10
//! sentences alone (and the rules alone on the tuning sentences, once). For experiments only:
//! `RISK_EPOCHS`, `RISK_RATE`, `RISK_L2` change the training (the committed model must use the
//! defaults, a test checks it), `RISK_SHOW=1` prints the out-of-fold mistakes.

use enough_domain::safety::risk_model::{Model, TrainOptions};
use enough_domain::safety::self_harm::{cross_validate, cv_rates, model_features};

/// The highest false-alarm rate accepted when choosing the threshold, well below the goal of
/// 10%: blind rounds have had more false alarms than cross-validation of the same detector
/// (round 8: 14.4% blind after 9.0% in CV; round 9: 11.9% after 9.0%), while their noticing
/// stayed close to it (93.8% blind after 94.0% and 94.4%). Round 10 had 9.4% false alarms blind
/// after 5.8% in CV, and noticed 87.5% after 93.9%. So the threshold gives up a little
/// noticing in CV for false alarms low enough to leave that margin (until 2026-12-01: 9%).
const MAX_CV_FALSE_ALARMS: f64 = 0.06;

fn corpus(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// How many sentences come before the comment of a blind round (`# round N (blind`) of a
/// tuning file.
fn round_start(text: &str, marker: &str) -> usize {
    text.lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with(marker))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count()
}

fn main() -> std::io::Result<()> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests-data/risk_language");
    let risk_text = std::fs::read_to_string(format!("{dir}/risk_tuning.txt"))?;
    let not_text = std::fs::read_to_string(format!("{dir}/not_risk_tuning.txt"))?;
    let background_text = std::fs::read_to_string(format!("{dir}/not_risk_background.txt"))?;
    let (risk, not_risk) = (corpus(&risk_text), corpus(&not_text));
    let background = corpus(&background_text);
    let round6 = (
        round_start(&risk_text, "# round 6 (blind"),
        round_start(&not_text, "# round 6 (blind"),
    );
    let round7 = (
        round_start(&risk_text, "# round 7 (blind"),
        round_start(&not_text, "# round 7 (blind"),
    );
    let round9 = (
        round_start(&risk_text, "# round 9 (blind"),
        round_start(&not_text, "# round 9 (blind"),
    );
    let round10 = (
        round_start(&risk_text, "# round 10 (blind"),
        round_start(&not_text, "# round 10 (blind"),
    );
    let mut options = TrainOptions::default();
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<f64>().ok());
    if let Some(v) = env("RISK_EPOCHS") {
        options.epochs = v as usize;
    }
    if let Some(v) = env("RISK_RATE") {
        options.learning_rate = v;
    }
    if let Some(v) = env("RISK_L2") {
        options.l2 = v;
    }
    let results = cross_validate(&risk, &not_risk, &background, 5, options);
    let rules_only: Vec<_> = results
        .iter()
        .map(|r| enough_domain::safety::self_harm::CvResult {
            probability: 0.0,
            ..*r
        })
        .collect();
    let (rules_recall, rules_false) = cv_rates(&rules_only, 1.0);
    println!(
        "rules alone on the tuning sentences (tuned to them): noticed {:.1}%, false alarms {:.1}%",
        rules_recall * 100.0,
        rules_false * 100.0
    );
    if std::env::var("RISK_SHOW").is_ok() {
        // The combined detector's out-of-fold mistakes at 0.8, for whoever writes sentences.
        for r in &results {
            if r.flagged(0.8) != r.risk {
                let text = if r.risk {
                    risk[r.index]
                } else {
                    not_risk[r.index]
                };
                println!(
                    "{} {:.2} {text}",
                    if r.risk { "MISS" } else { "FA" },
                    r.probability
                );
            }
        }
    }
    let mut best = (0.5, 0.0, 1.0);
    for step in 1..100 {
        let threshold = f64::from(step) / 100.0;
        let (recall, false_alarms) = cv_rates(&results, threshold);
        let model_only: Vec<_> = results
            .iter()
            .map(|r| enough_domain::safety::self_harm::CvResult { rules: false, ..*r })
            .collect();
        let (m_recall, m_false) = cv_rates(&model_only, threshold);
        // Round 6 (110 lines of each file): the rules were never tuned to it.
        let r6: Vec<_> = results
            .iter()
            .filter(|r| {
                let start = if r.risk { round6.0 } else { round6.1 };
                (start..start + 110).contains(&r.index)
            })
            .copied()
            .collect();
        let (r6_recall, r6_false) = cv_rates(&r6, threshold);
        // Round 7 (160 lines of each file), folded in on 2026-12-01.
        let r7: Vec<_> = results
            .iter()
            .filter(|r| {
                let start = if r.risk { round7.0 } else { round7.1 };
                (start..start + 160).contains(&r.index)
            })
            .copied()
            .collect();
        let (r7_recall, r7_false) = cv_rates(&r7, threshold);
        // Round 9 (160 lines of each file), folded in on 2026-12-01.
        let r9: Vec<_> = results
            .iter()
            .filter(|r| {
                let start = if r.risk { round9.0 } else { round9.1 };
                (start..start + 160).contains(&r.index)
            })
            .copied()
            .collect();
        let (r9_recall, r9_false) = cv_rates(&r9, threshold);
        // Round 10 (160 lines of each file), folded in on 2026-12-01.
        let r10: Vec<_> = results
            .iter()
            .filter(|r| {
                let start = if r.risk { round10.0 } else { round10.1 };
                (start..start + 160).contains(&r.index)
            })
            .copied()
            .collect();
        let (r10_recall, r10_false) = cv_rates(&r10, threshold);
        println!(
            "threshold {threshold:.2}: CV recall {:.1}%, false alarms {:.1}% | model alone {:.1}% / {:.1}% | round 6 {:.1}% / {:.1}% | round 7 {:.1}% / {:.1}% | round 9 {:.1}% / {:.1}% | round 10 {:.1}% / {:.1}%",
            recall * 100.0,
            false_alarms * 100.0,
            m_recall * 100.0,
            m_false * 100.0,
            r6_recall * 100.0,
            r6_false * 100.0,
            r7_recall * 100.0,
            r7_false * 100.0,
            r9_recall * 100.0,
            r9_false * 100.0,
            r10_recall * 100.0,
            r10_false * 100.0,
        );
        if false_alarms <= MAX_CV_FALSE_ALARMS && recall > best.1 {
            best = (threshold, recall, false_alarms);
        }
    }
    println!(
        "chosen threshold {:.2}: CV recall {:.1}%, false alarms {:.1}%",
        best.0,
        best.1 * 100.0,
        best.2 * 100.0
    );
    let examples: Vec<(Vec<String>, bool)> = risk
        .iter()
        .map(|t| (model_features(t), true))
        .chain(
            not_risk
                .iter()
                .chain(&background)
                .map(|t| (model_features(t), false)),
        )
        .collect();
    let mut model = Model::train(&examples, options);
    model.threshold = best.0;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/content/risk_model.txt");
    std::fs::write(path, model.to_text())?;
    println!("wrote {path}: {} features", model.weights.len());
    Ok(())
}
