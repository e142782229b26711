//! How accurate the inner critic has been: in each finished behavioural experiment the person
//! predicted how bad things would be (0–100) and later rated how bad they were. The mean of
//! predicted − actual, with a 95% t-interval, says whether the critic tends to overestimate,
//! and by how much, with the uncertainty in plain words.

use super::answers::Answers;
use super::progress::EntryFacts;
use super::validate::Status;
use crate::stats::distributions::t_quantile;
use crate::stats::{Interval, summarize};
use chrono::NaiveDate;
use serde::Serialize;

/// The exercise whose outcomes feed the estimate.
pub const EXPERIMENT_KIND: &str = "behavioural-experiment";
/// Its step holding the predicted badness, 0–100.
pub const PREDICTED_STEP: &str = "predicted-badness";
/// Its step holding the actual badness, 0–100.
pub const ACTUAL_STEP: &str = "actual-badness";
/// Fewest experiments for an interval.
pub const MIN_EXPERIMENTS: usize = 3;

/// One finished experiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CriticPoint {
    /// The day of the entry.
    pub date: NaiveDate,
    /// How bad the critic predicted it would be.
    pub predicted: u8,
    /// How bad it turned out.
    pub actual: u8,
}

impl CriticPoint {
    /// Predicted − actual: positive when things went better than the critic said.
    pub fn overestimate(&self) -> i16 {
        i16::from(self.predicted) - i16::from(self.actual)
    }
}

/// The inner critic's accuracy over finished experiments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriticAccuracy {
    /// Experiments counted.
    pub n: usize,
    /// Mean of predicted − actual (0 when there are none).
    pub mean_overestimate: f64,
    /// 95% t-interval of that mean; `None` with fewer than [`MIN_EXPERIMENTS`].
    #[serde(skip)]
    pub interval: Option<Interval>,
    /// The experiments, oldest first, for a chart.
    pub points: Vec<CriticPoint>,
}

/// Whole points in words: "1 point", "38 points".
fn points(x: f64) -> String {
    let r = x.abs().round();
    if r == 1.0 {
        "1 point".to_owned()
    } else {
        format!("{r:.0} points")
    }
}

impl CriticAccuracy {
    /// The estimate from `(date, predicted, actual)` of each finished experiment.
    pub fn from_experiments(experiments: &[(NaiveDate, u8, u8)]) -> CriticAccuracy {
        let mut points: Vec<CriticPoint> = experiments
            .iter()
            .map(|&(date, predicted, actual)| CriticPoint {
                date,
                predicted,
                actual,
            })
            .collect();
        points.sort_by_key(|p| p.date);
        let diffs: Vec<f64> = points.iter().map(|p| f64::from(p.overestimate())).collect();
        let summary = summarize(&diffs);
        let interval = summary.filter(|s| s.n >= MIN_EXPERIMENTS).map(|s| {
            let n = s.n as f64;
            let half = t_quantile(0.975, n - 1.0) * s.sd / n.sqrt();
            Interval {
                low: s.mean - half,
                high: s.mean + half,
            }
        });
        CriticAccuracy {
            n: points.len(),
            mean_overestimate: summary.map_or(0.0, |s| s.mean),
            interval,
            points,
        }
    }

    /// One or two plain sentences, with the number of experiments and the uncertainty. The
    /// average and both ends of the interval carry a direction word ("worse"/"better" than
    /// what happened), so no sign has to be read.
    pub fn sentence(&self) -> String {
        let Some(interval) = self.interval else {
            return format!(
                "Too few experiments to tell yet: {} done, {MIN_EXPERIMENTS} needed for an estimate.",
                self.n
            );
        };
        let n = self.n;
        let mean = self.mean_overestimate;
        let average = if mean.round() == 0.0 {
            "your inner critic's predictions on average matched what happened".to_owned()
        } else if mean > 0.0 {
            format!(
                "your inner critic predicted on average {} worse than what happened",
                points(mean)
            )
        } else {
            format!(
                "your inner critic predicted on average {} better than what happened",
                points(mean)
            )
        };
        if interval.low == interval.high {
            return format!(
                "Across {n} experiments, {average}. Every experiment differed by the same amount, \
                 so no range can be given; with so few, treat it as a first hint."
            );
        }
        let range = crate::reflection::signed_range(
            interval.low,
            interval.high,
            0,
            "points",
            ("worse", "better"),
        );
        let verdict = if interval.low > 0.0 {
            "So far your inner critic tends to expect things to go worse than they do."
        } else if interval.high < 0.0 {
            "So far things tend to go worse than your inner critic expects."
        } else {
            "That range includes no difference, so these experiments can't tell yet whether your \
             inner critic over- or underestimates."
        };
        format!("Across {n} experiments, {average} (95% interval: {range}). {verdict}")
    }
}

/// `(date, predicted, actual)` of every finished behavioural experiment that has both ratings.
pub fn critic_points(entries: &[EntryFacts]) -> Vec<(NaiveDate, u8, u8)> {
    let rating = |a: &Answers, id: &str| a.rating(id).and_then(|r| u8::try_from(r).ok());
    entries
        .iter()
        .filter(|e| e.kind == EXPERIMENT_KIND && e.status == Status::Done)
        .filter_map(|e| {
            Some((
                e.date,
                rating(&e.answers, PREDICTED_STEP)?,
                rating(&e.answers, ACTUAL_STEP)?,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toolkit::answers::Answer;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 2, d).unwrap()
    }

    fn experiments(pairs: &[(u8, u8)]) -> Vec<(NaiveDate, u8, u8)> {
        pairs
            .iter()
            .enumerate()
            .map(|(i, &(p, a))| (day(u32::try_from(i).unwrap() + 1), p, a))
            .collect()
    }

    #[test]
    fn a_critic_that_overestimates_is_described_with_its_interval() {
        // Differences predicted − actual: 30, 50, 40, 40.
        // mean = 160 / 4 = 40
        // squared deviations: 100 + 100 + 0 + 0 = 200; variance = 200 / 3 = 66.667
        // sd = 8.1650; se = sd / √4 = 4.0825
        // t(0.975, df 3) = 3.18245; half-width = 3.18245 × 4.0825 = 12.992
        // interval = 40 ± 12.992 = 27.008 to 52.992
        let c = CriticAccuracy::from_experiments(&experiments(&[
            (80, 50),
            (90, 40),
            (70, 30),
            (60, 20),
        ]));
        assert_eq!(c.n, 4);
        assert!((c.mean_overestimate - 40.0).abs() < 1e-12);
        let i = c.interval.unwrap();
        assert!((i.low - 27.008).abs() < 1e-3, "{}", i.low);
        assert!((i.high - 52.992).abs() < 1e-3, "{}", i.high);
        assert_eq!(
            c.sentence(),
            "Across 4 experiments, your inner critic predicted on average 40 points worse than \
             what happened (95% interval: from 27 to 53 points worse). So far your inner critic \
             tends to expect things to go worse than they do."
        );
    }

    #[test]
    fn a_critic_that_underestimates_is_described_plainly() {
        // Differences: −20, −22, −18. mean = −20; squared deviations 0 + 4 + 4 = 8;
        // variance = 4; sd = 2; se = 2 / √3 = 1.1547; t(0.975, 2) = 4.30265;
        // half-width = 4.9683; interval −24.968 to −15.032.
        let c = CriticAccuracy::from_experiments(&experiments(&[(30, 50), (20, 42), (40, 58)]));
        let i = c.interval.unwrap();
        assert!((i.low + 24.968).abs() < 1e-3 && (i.high + 15.032).abs() < 1e-3);
        assert_eq!(
            c.sentence(),
            "Across 3 experiments, your inner critic predicted on average 20 points better than \
             what happened (95% interval: from 15 to 25 points better). So far things tend to go \
             worse than your inner critic expects."
        );
    }

    #[test]
    fn an_interval_that_includes_zero_says_the_data_cannot_tell() {
        // Differences: 10, −10, 5. mean = 5/3 = 1.667; squared deviations
        // 69.444 + 136.111 + 11.111 = 216.667; variance = 108.333; sd = 10.408;
        // se = 6.0093; half-width = 4.30265 × 6.0093 = 25.856; interval −24.19 to 27.52.
        let c = CriticAccuracy::from_experiments(&experiments(&[(60, 50), (40, 50), (55, 50)]));
        let i = c.interval.unwrap();
        assert!(
            (i.low + 24.189).abs() < 1e-2 && (i.high - 27.523).abs() < 1e-2,
            "{i:?}"
        );
        let s = c.sentence();
        assert!(
            s.starts_with(
                "Across 3 experiments, your inner critic predicted on average 2 points worse than what happened"
            ),
            "{s}"
        );
        assert!(
            s.contains("(95% interval: from 24 points better to 28 points worse)"),
            "{s}"
        );
        assert!(
            s.contains("can't tell yet whether your inner critic over- or underestimates"),
            "{s}"
        );
    }

    #[test]
    fn fewer_than_three_experiments_give_no_estimate() {
        let c = CriticAccuracy::from_experiments(&experiments(&[(80, 20), (70, 30)]));
        assert_eq!(c.n, 2);
        assert_eq!(c.interval, None);
        assert_eq!(
            c.sentence(),
            "Too few experiments to tell yet: 2 done, 3 needed for an estimate."
        );
        let none = CriticAccuracy::from_experiments(&[]);
        assert_eq!((none.n, none.mean_overestimate), (0, 0.0));
    }

    #[test]
    fn points_are_sorted_oldest_first() {
        let c = CriticAccuracy::from_experiments(&[(day(9), 50, 10), (day(2), 60, 40)]);
        assert_eq!(c.points[0].date, day(2));
        assert_eq!(c.points[0].overestimate(), 20);
    }

    #[test]
    fn only_finished_experiments_with_both_ratings_count() {
        let answers = |p: Option<u16>, a: Option<u16>| {
            let mut map = std::collections::BTreeMap::new();
            if let Some(p) = p {
                map.insert(PREDICTED_STEP.to_owned(), Answer::Rating(p));
            }
            if let Some(a) = a {
                map.insert(ACTUAL_STEP.to_owned(), Answer::Rating(a));
            }
            Answers(map)
        };
        let entry = |kind: &str, status, a| EntryFacts {
            kind: kind.into(),
            date: day(1),
            status,
            answers: a,
        };
        let entries = [
            entry(EXPERIMENT_KIND, Status::Done, answers(Some(70), Some(20))),
            entry(EXPERIMENT_KIND, Status::Planned, answers(Some(70), None)),
            entry(EXPERIMENT_KIND, Status::Done, answers(Some(70), None)),
            entry("rigid-rule", Status::Done, answers(Some(70), Some(20))),
        ];
        assert_eq!(critic_points(&entries), [(day(1), 70, 20)]);
    }
}
