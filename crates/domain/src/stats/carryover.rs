//! Day-to-day carry-over (autocorrelation) and the rule for widening intervals because of it.
//!
//! **The rule.** A series "carries over" when its lag-1 autocorrelation is above 2/√m, the
//! approximate 95% bound that m consecutive-day pairs of independent days stay under (the
//! large-sample standard error 1/√m of an autocorrelation; Box & Jenkins, *Time Series
//! Analysis*), with at least
//! [`MIN_CARRYOVER_PAIRS`] pairs. Intervals are widened only when **both** series of a
//! statistic carry over (for a group comparison the two series are the outcome and the group
//! indicator, 1 on the group's days and 0 on the others). Then the effective number of days is
//! Bartlett's n_eff = n / (1 + 2 Σ_{k=1}^{K} ρ_x(k) ρ_y(k)) with K = [`BARTLETT_LAGS`]
//! (Bartlett 1935; Bayley & Hammersley 1946; Pyper & Peterman 1998, *Can. J. Fish. Aquat. Sci.*
//! 55:2127), never larger than n and never smaller than n / [`MAX_FACTOR`].
//!
//! Why the product: when mornings outside are scattered at random, the group indicator does
//! not carry over, and the difference between the groups is as precise as for independent
//! days even when mood itself runs in streaks. Widening by the outcome's autocorrelation
//! alone made such intervals far too wide (coverage near 100% in simulation).

use super::correlation::pearson;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

/// Lags summed in Bartlett's correction.
pub const BARTLETT_LAGS: usize = 3;
/// The largest correction factor: n_eff is never below n / 9 (the factor (1 + ρ) / (1 − ρ) of a
/// single series with lag-1 autocorrelation 0.8); beyond it an interval would say nothing useful.
pub const MAX_FACTOR: f64 = 9.0;
/// Fewest consecutive-day pairs before a series can be said to carry over.
pub const MIN_CARRYOVER_PAIRS: usize = 10;

/// The autocorrelations of a dated series at lags 1..=[`BARTLETT_LAGS`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Carryover {
    /// ρ(1), ρ(2), …: Pearson's r between each day's value and the value k calendar days later,
    /// over the days where both were logged (0 when fewer than 3 such pairs or no variation).
    pub lags: [f64; BARTLETT_LAGS],
    /// Pairs of consecutive calendar days behind ρ(1).
    pub pairs: usize,
}

impl Carryover {
    /// The autocorrelations of `series` (any order; one value per date).
    pub fn of(series: &[(NaiveDate, f64)]) -> Carryover {
        let by_date: HashMap<NaiveDate, f64> = series.iter().copied().collect();
        let mut dates: Vec<(NaiveDate, f64)> = by_date.iter().map(|(d, v)| (*d, *v)).collect();
        dates.sort_by_key(|(d, _)| *d);
        let mut lags = [0.0; BARTLETT_LAGS];
        let mut pairs = 0;
        for (i, slot) in lags.iter_mut().enumerate() {
            let k = i as u64 + 1;
            let (mut now, mut later) = (Vec::new(), Vec::new());
            for (date, value) in &dates {
                if let Some(v) = date
                    .checked_add_days(chrono::Days::new(k))
                    .and_then(|d| by_date.get(&d))
                {
                    now.push(*value);
                    later.push(*v);
                }
            }
            if k == 1 {
                pairs = now.len();
            }
            if now.len() >= 3 {
                *slot = pearson(&now, &later).unwrap_or(0.0);
            }
        }
        Carryover { lags, pairs }
    }

    /// ρ(1).
    pub fn lag1(&self) -> f64 {
        self.lags[0]
    }

    /// 2/√pairs: lag-1 values above it are unlikely for independent days.
    pub fn null_bound(&self) -> f64 {
        if self.pairs == 0 {
            f64::INFINITY
        } else {
            2.0 / (self.pairs as f64).sqrt()
        }
    }

    /// True when the lag-1 autocorrelation is meaningfully positive (see the module's rule).
    pub fn is_meaningful(&self) -> bool {
        self.pairs >= MIN_CARRYOVER_PAIRS
            && self.lag1().is_finite()
            && self.lag1() > self.null_bound()
    }
}

/// Bartlett's correction factor 1 + 2 Σ ρ_x(k) ρ_y(k) for a statistic of two series, applied
/// only when both carry over meaningfully; 1 otherwise. Clamped to 1..=[`MAX_FACTOR`].
pub fn bartlett_factor(x: &Carryover, y: &Carryover) -> f64 {
    if !(x.is_meaningful() && y.is_meaningful()) {
        return 1.0;
    }
    let sum: f64 = x.lags.iter().zip(&y.lags).map(|(a, b)| a * b).sum();
    let factor = 1.0 + 2.0 * sum;
    if factor.is_finite() {
        factor.clamp(1.0, MAX_FACTOR)
    } else {
        1.0
    }
}

/// The effective number of days for `n` days and a correction `factor`.
pub fn effective_n(n: usize, factor: f64) -> f64 {
    n as f64 / factor.max(1.0)
}
