//! The statistics checked against SciPy and pandas (`tools/stats_reference.py`), and against
//! inputs that must never produce NaN or a panic.

use super::*;
use chrono::NaiveDate;
use serde_json::Value;

const REFERENCE: &str = include_str!("../../tests-data/stats_reference.json");

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn close(got: f64, want: &Value, what: &str) {
    let want = want.as_f64().unwrap();
    assert!((got - want).abs() < 1e-9, "{what}: {got} vs SciPy {want}");
}

#[test]
fn welch_hedges_pearson_spearman_and_lag1_match_scipy() {
    let reference: Value = serde_json::from_str(REFERENCE).unwrap();
    for case in reference["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (a, b) = (floats(&case["a"]), floats(&case["b"]));
        let cmp = welch(&a, &b, 1.0).unwrap();
        close(cmp.difference, &case["welch"]["difference"], name);
        close(cmp.interval.low, &case["welch"]["low"], name);
        close(cmp.interval.high, &case["welch"]["high"], name);
        close(cmp.df, &case["welch"]["df"], name);
        close(cmp.hedges_g.unwrap(), &case["hedges_g"], name);

        // Lag-1 ρ = 0.5 in the reference: n_eff = n (1 − ρ) / (1 + ρ), a factor of 3.
        let widened = welch(&a, &b, 3.0).unwrap();
        close(widened.interval.low, &case["welch_rho_half"]["low"], name);
        close(widened.interval.high, &case["welch_rho_half"]["high"], name);
        close(widened.df, &case["welch_rho_half"]["df"], name);

        let (x, y) = (floats(&case["x"]), floats(&case["y"]));
        let cor = correlate(&x, &y, 1.0).unwrap();
        close(cor.r, &case["pearson"]["r"], name);
        close(cor.interval.low, &case["pearson"]["low"], name);
        close(cor.interval.high, &case["pearson"]["high"], name);
        close(cor.rho, &case["spearman"], name);

        let dates: Vec<NaiveDate> = case["dates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| NaiveDate::parse_from_str(d.as_str().unwrap(), "%Y-%m-%d").unwrap())
            .collect();
        let series: Vec<(NaiveDate, f64)> = dates.into_iter().zip(y).collect();
        close(lag1_autocorrelation(&series), &case["lag1"], name);
        close(Carryover::of(&series).lag1(), &case["lag1"], name);
    }
}

#[test]
fn degenerate_inputs_give_none_not_nan() {
    assert!(summarize(&[]).is_none());
    assert_eq!(summarize(&[4.0]).unwrap().sd, 0.0);
    assert!(welch(&[], &[1.0, 2.0], 1.0).is_none(), "an empty group");
    assert!(welch(&[5.0], &[1.0, 2.0], 1.0).is_none(), "one day");
    let same = welch(&[5.0; 6], &[5.0; 7], 1.5).unwrap();
    assert_eq!(same.difference, 0.0);
    assert!(same.interval.low.is_finite() && same.interval.high.is_finite());
    assert_eq!(
        same.hedges_g, None,
        "identical values have no standardised difference"
    );
    assert!(correlate(&[1.0, 1.0, 1.0, 1.0], &[1.0, 2.0, 3.0, 4.0], 1.0).is_none());
    assert!(correlate(&[1.0, 2.0], &[1.0, 2.0], 1.0).is_none());
    assert_eq!(lag1_autocorrelation(&[]), 0.0);
}

/// A small deterministic generator, so the property test needs no extra crate.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn random_and_long_inputs_stay_finite() {
    let mut rng = Lcg(7);
    for round in 0..300 {
        let n = 1 + (rng.next() * 60.0) as usize;
        let m = 1 + (rng.next() * 60.0) as usize;
        let levels = 1.0 + (rng.next() * 10.0).floor();
        let a: Vec<f64> = (0..n).map(|_| (rng.next() * levels).floor()).collect();
        let b: Vec<f64> = (0..m).map(|_| (rng.next() * levels).floor()).collect();
        let factor = 1.0 + rng.next() * 8.0;
        if let Some(c) = welch(&a, &b, factor) {
            for v in [
                c.difference,
                c.interval.low,
                c.interval.high,
                c.df,
                c.widened_by,
            ] {
                assert!(v.is_finite(), "round {round}");
            }
            assert!(c.interval.low <= c.difference && c.difference <= c.interval.high);
        }
        let k = n.min(m);
        if let Some(c) = correlate(&a[..k], &b[..k], factor) {
            assert!(c.r.is_finite() && c.rho.is_finite());
            assert!(
                -1.0 <= c.interval.low
                    && c.interval.low <= c.interval.high
                    && c.interval.high <= 1.0
            );
        }
    }
    // Twenty years of days.
    let start = NaiveDate::from_ymd_opt(2006, 1, 1).unwrap();
    let series: Vec<(NaiveDate, f64)> = (0..7305u64)
        .map(|i| (start + chrono::Days::new(i), (rng.next() * 11.0).floor()))
        .collect();
    let lag1 = lag1_autocorrelation(&series);
    assert!(
        lag1.is_finite() && lag1.abs() < 0.1,
        "independent days: {lag1}"
    );
    let values: Vec<f64> = series.iter().map(|s| s.1).collect();
    let (a, b) = values.split_at(3650);
    assert!(welch(a, b, 1.0).unwrap().interval.low.is_finite());
}
