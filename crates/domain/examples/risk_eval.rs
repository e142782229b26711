//! Evaluates the shipped risk-language detector (rules and model, exactly as the app runs it)
//! once on two files of sentences, and prints how many risk sentences it noticed and how many
//! everyday sentences it flagged, with every missed and every false-alarm sentence.
//!
//! `cargo run -p enough-domain --example risk_eval -- <risk.txt> <not_risk.txt>`
//!
//! For a held-out round: `crates/domain/tests-data/risk_language/risk_heldout.txt` and
//! `not_risk_heldout.txt`. One sentence a line; blank lines and lines starting with `#` are
//! skipped. Run it once per blind round, with everything frozen, and record what it prints.

use enough_domain::safety::self_harm::{matched_phrase, mentions_self_harm};

fn corpus(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn percent(part: usize, of: usize) -> f64 {
    100.0 * part as f64 / of.max(1) as f64
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [risk_path, not_risk_path] = args.as_slice() else {
        eprintln!("usage: risk_eval <risk.txt> <not_risk.txt>");
        std::process::exit(2);
    };
    let risk_text = std::fs::read_to_string(risk_path)?;
    let not_text = std::fs::read_to_string(not_risk_path)?;
    let (risk, not_risk) = (corpus(&risk_text), corpus(&not_text));

    let missed: Vec<&str> = risk
        .iter()
        .copied()
        .filter(|s| !mentions_self_harm(s))
        .collect();
    let alarms: Vec<&str> = not_risk
        .iter()
        .copied()
        .filter(|s| mentions_self_harm(s))
        .collect();
    let noticed = risk.len() - missed.len();
    for s in &missed {
        println!("MISSED       {s}");
    }
    for s in &alarms {
        // Which line of the phrase file fired, or the model.
        let by = matched_phrase(s).unwrap_or_else(|| "model".to_owned());
        println!("FALSE ALARM  {s}\n             by: {by}");
    }
    println!(
        "noticed {noticed}/{} ({:.1}%), false alarms {}/{} ({:.1}%); goal >= 90% noticed, <= 10% \
         false alarms",
        risk.len(),
        percent(noticed, risk.len()),
        alarms.len(),
        not_risk.len(),
        percent(alarms.len(), not_risk.len()),
    );
    Ok(())
}
