//! A small local statistical model of risk language, used beside the phrase rules of
//! [`super::self_harm`]: logistic regression over the words of a sentence.
//!
//! It exists because the rules only know the ways they were shown; the model weighs every word
//! and pair of words it saw in the sentences written for this project
//! (`tests-data/risk_language/*_tuning.txt`), so it can also notice a phrasing no rule names
//! ("bought a hose for the car exhaust") from the words it shares with ones it was trained on.
//! It runs inside the program (no network, no service), in time linear in the length of the
//! note, and like the rules it is **not an assessment**: it weighs words, not how someone is.
//!
//! # Features
//!
//! The words of a sentence, normalised exactly as for the rules (lower case, apostrophes and
//! punctuation dropped, filler words dropped, texting spellings read as meant, idioms removed),
//! then cut to a rough stem ("cutting", "cuts" and "cut" read `cut`): each stem, each pair of
//! neighbouring stems, and, for a word of a reviewed word list of the phrase file, the name of
//! the list (medicines `@pills`, means `@means`, body parts `@body`, high places `@high`,
//! vehicles `@vehicle`, and the everyday lists the rules use as exceptions: accidents and chores
//! `@accident`, `@chore_word`, things kept for ordinary reasons `@kept_ok`, marks with an
//! everyday cause `@marks_ok`, being away `@elsewhere`, and lists only the model reads: first
//! person `@me`, tools of injury `@injury_tool`, more body parts `@skin`, effects such as
//! bleeding or blisters `@injury_effect`, `@punish`, `@finality`, `@farewell`, other people
//! `@others`, books and charities `@media`, being asked `@asked`, `@denial`, texting
//! abbreviations `@kms`, sport and hobbies `@sport`, leaving a job, a school or a home
//! `@leaving`, and words of dying, ending, injury, means, plans and farewells `@risk_cue`), so
//! that a medicine the sentences never named counts like one they
//! did; and each two different lists met in one sentence (first person, a body part and a tool
//! of injury together read alike however the act is worded; a book or a friend with the word
//! suicide reads unlike the writer's own words). One more feature comes from the rules
//! (`k unless`, and with each word list met, `c unless …`): a rule's words were in the
//! sentences but an everyday reason it lists as an exception cancelled it ("I won't be here by
//! Christmas, we're going to my in-laws"), so the model learns from the rules' exceptions. Features seen in fewer than [`MIN_COUNT`] training
//! sentences are not used (they would only memorise). A note is read sentence by sentence, and
//! each sentence together with the next, and counts at the highest probability found.
//!
//! # Training
//!
//! Logistic regression by stochastic gradient descent on the log loss ([`Model::train`]), with
//! a fixed seed, so training twice gives the same weights. It learns from the tuning sentences
//! (`tests-data/risk_language/*_tuning.txt`) and from plain everyday text that is only ever
//! trained on (`not_risk_background.txt`): without it, ordinary short words leaned towards
//! risk, since every everyday tuning sentence is a close twin of a risk sentence. Since round
//! 10 the everyday tuning sentences also hold about 150 ordinary notes of low mood,
//! self-criticism, tiredness, guilt, loneliness and winter (measured in cross-validation, unlike
//! the background text), because the model had learnt that low-mood words alone mean risk.
//!
//! # Weights
//!
//! `content/risk_model.txt` holds the trained weights, one feature a line, and the threshold
//! (chosen by cross-validation: the one that notices most with at most 6% false alarms, see the
//! training tool and the corpus test in `self_harm.rs`). It is produced by
//! `cargo run -p enough-domain --example train_risk_model` from the tuning files; a test checks
//! that the committed file is what the tool produces, so the two cannot drift apart.

use std::collections::HashMap;
use std::sync::OnceLock;

const MODEL_TXT: &str = include_str!("../../content/risk_model.txt");

/// A feature must occur in at least this many training sentences to be kept.
pub const MIN_COUNT: usize = 2;

/// How the model is trained (fixed, so training is deterministic).
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    /// Passes over the training sentences.
    pub epochs: usize,
    /// Step size at the first pass (it shrinks with each pass).
    pub learning_rate: f64,
    /// Weight decay (L2), per sentence seen.
    pub l2: f64,
    /// Seed of the fixed shuffle of the sentences on each pass.
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 30,
            learning_rate: 0.2,
            l2: 1e-4,
            seed: 20_261_201,
        }
    }
}

/// Trained weights: a bias, a weight per feature, and the probability above which a
/// sentence counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Model {
    /// The log-odds of a sentence with no known feature.
    pub bias: f64,
    /// The weight of each feature.
    pub weights: HashMap<String, f64>,
    /// Probabilities above this count as risk language.
    pub threshold: f64,
}

/// The word lists of the phrase file a single word belongs to, by the names of the lists.
pub type Concepts = HashMap<String, Vec<&'static str>>;

/// Cuts a word to a rough stem: common English endings off, a doubled last consonant undone
/// ("cutting" → "cut", "pills" → "pill", "jumped" → "jump"). Short words stay as they are.
pub fn stem(word: &str) -> &str {
    for suffix in ["ing", "ed", "es", "s", "ly"] {
        if let Some(base) = word.strip_suffix(suffix) {
            if base.chars().count() < 3 || (suffix == "s" && base.ends_with('s')) {
                continue;
            }
            let bytes = base.as_bytes();
            let n = bytes.len();
            if (suffix == "ing" || suffix == "ed")
                && n >= 2
                && bytes[n - 1] == bytes[n - 2]
                && !matches!(bytes[n - 1], b'l' | b's' | b'z' | b'e' | b'o')
            {
                return &base[..n - 1];
            }
            return base;
        }
    }
    word
}

/// The features of one sentence (or of a few neighbouring sentences: pairs never join words
/// of different sentences), each once, sorted: word stems (`w`), neighbouring stems (`b`), word
/// lists (`k`), and each two different word lists met in the same sentence (`c`, so "my" with
/// a body part with a tool of injury counts however the sentence is worded).
///
/// `tags` name what the phrase rules saw in these sentences (`unless`: a rule's words were
/// there but an everyday reason named beside them cancelled it, "I won't be here by Christmas,
/// we're going to my in-laws"): each counts as a word list (`k`), and with each word list met
/// (`c`), so that the model learns from the rules' exceptions as well as from the words.
pub fn features(sentences: &[&[String]], tags: &[&str], concepts: &Concepts) -> Vec<String> {
    let mut out = Vec::new();
    for tag in tags {
        out.push(format!("k {tag}"));
        for concept in sentences
            .iter()
            .flat_map(|words| words.iter())
            .filter_map(|w| concepts.get(w.as_str()))
            .flatten()
        {
            out.push(format!("c {tag} {concept}"));
        }
    }
    for words in sentences {
        let mut met: Vec<&str> = words
            .iter()
            .filter_map(|w| concepts.get(w.as_str()))
            .flatten()
            .copied()
            .collect();
        met.sort_unstable();
        met.dedup();
        for (i, a) in met.iter().enumerate() {
            for b in &met[i + 1..] {
                out.push(format!("c {a} {b}"));
            }
        }
        let stems: Vec<Option<&str>> = words
            .iter()
            .map(|w| (w.chars().all(char::is_alphanumeric) && !w.is_empty()).then(|| stem(w)))
            .collect();
        for (i, word) in words.iter().enumerate() {
            let Some(s) = stems[i] else { continue };
            out.push(format!("w {s}"));
            for concept in concepts.get(word.as_str()).into_iter().flatten() {
                out.push(format!("k {concept}"));
            }
            if let Some(Some(next)) = stems.get(i + 1) {
                out.push(format!("b {s} {next}"));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Model {
    /// The probability the model gives to features (from [`features`]).
    pub fn probability(&self, features: &[String]) -> f64 {
        let z = self.bias
            + features
                .iter()
                .filter_map(|f| self.weights.get(f.as_str()))
                .sum::<f64>();
        sigmoid(z)
    }

    /// Trains on examples given as their features (`true` for risk). Deterministic.
    pub fn train(examples: &[(Vec<String>, bool)], options: TrainOptions) -> Model {
        // Keep the features seen in enough sentences, numbered in sorted order.
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for (features, _) in examples {
            for f in features {
                *counts.entry(f.as_str()).or_default() += 1;
            }
        }
        let mut kept: Vec<&str> = counts
            .iter()
            .filter(|&(_, &c)| c >= MIN_COUNT)
            .map(|(f, _)| *f)
            .collect();
        kept.sort_unstable();
        let index: HashMap<&str, usize> = kept.iter().enumerate().map(|(i, f)| (*f, i)).collect();
        let rows: Vec<(Vec<usize>, f64)> = examples
            .iter()
            .map(|(features, risk)| {
                let ids = features
                    .iter()
                    .filter_map(|f| index.get(f.as_str()).copied())
                    .collect();
                (ids, if *risk { 1.0 } else { 0.0 })
            })
            .collect();
        // Plain stochastic gradient descent on the log loss, in a fixed shuffled order.
        let mut weights = vec![0.0f64; kept.len()];
        let mut bias = 0.0f64;
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let mut state = options.seed;
        for epoch in 0..options.epochs {
            for i in (1..order.len()).rev() {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let j = ((state >> 33) % (i as u64 + 1)) as usize;
                order.swap(i, j);
            }
            let rate = options.learning_rate / (1.0 + epoch as f64 * 0.2);
            for &r in &order {
                let (ids, label) = &rows[r];
                let z = bias + ids.iter().map(|&i| weights[i]).sum::<f64>();
                let error = sigmoid(z) - label;
                bias -= rate * error;
                for &i in ids {
                    weights[i] -= rate * (error + options.l2 * weights[i]);
                }
            }
        }
        Model {
            bias,
            weights: kept
                .iter()
                .zip(weights)
                .filter(|(_, w)| w.abs() >= 1e-3)
                .map(|(f, w)| ((*f).to_owned(), w))
                .collect(),
            threshold: 0.5,
        }
    }

    /// The model as the text of `content/risk_model.txt` (features sorted; weights rounded to
    /// four decimals, which [`Model::parse`] reads back exactly as the shipped model).
    pub fn to_text(&self) -> String {
        let mut out = String::from(
            "# Weights of the local risk-language model (crates/domain/src/safety/risk_model.rs).\n\
             # Generated by `cargo run -p enough-domain --example train_risk_model` from\n\
             # tests-data/risk_language/*_tuning.txt; do not edit by hand.\n\
             # Lines: `threshold P`, `bias B`, then `WEIGHT<TAB>FEATURE` (w = word stem,\n\
             # b = two neighbouring stems, k = word list, c = two word lists in one sentence).\n",
        );
        out.push_str(&format!("threshold {:.4}\n", self.threshold));
        out.push_str(&format!("bias {:.4}\n", self.bias));
        let mut features: Vec<(&String, &f64)> = self.weights.iter().collect();
        features.sort_by(|a, b| a.0.cmp(b.0));
        for (feature, weight) in features {
            out.push_str(&format!("{weight:.4}\t{feature}\n"));
        }
        out
    }

    /// Reads the text written by [`Model::to_text`]; `None` when a line cannot be read.
    pub fn parse(text: &str) -> Option<Model> {
        let mut model = Model::default();
        for line in text.lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(t) = line.strip_prefix("threshold ") {
                model.threshold = t.trim().parse().ok()?;
            } else if let Some(b) = line.strip_prefix("bias ") {
                model.bias = b.trim().parse().ok()?;
            } else {
                let (weight, feature) = line.split_once('\t')?;
                model
                    .weights
                    .insert(feature.to_owned(), weight.trim().parse().ok()?);
            }
        }
        Some(model)
    }
}

/// The shipped model, read once. A model file that cannot be read gives a model that never
/// fires (a test checks the shipped file reads).
pub(crate) fn shipped() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        Model::parse(MODEL_TXT).unwrap_or(Model {
            threshold: 1.0,
            ..Model::default()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_rough_but_consistent() {
        assert_eq!(stem("cutting"), "cut");
        assert_eq!(stem("cuts"), "cut");
        assert_eq!(stem("pills"), "pill");
        assert_eq!(stem("jumped"), "jump");
        assert_eq!(stem("kill"), "kill");
        assert_eq!(stem("glass"), "glass");
        assert_eq!(stem("is"), "is");
    }

    #[test]
    fn the_shipped_model_reads_and_round_trips() {
        let model = Model::parse(MODEL_TXT).expect("the shipped model reads");
        assert!(model.weights.len() > 100);
        assert!(model.threshold > 0.0 && model.threshold < 1.0);
        assert_eq!(Model::parse(&model.to_text()), Some(model));
    }
}
