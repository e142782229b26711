//! Correlations: Pearson's r with a Fisher-z interval, Spearman's rho, lag-1 autocorrelation.

use super::Interval;
use super::distributions::Z_975;
use chrono::NaiveDate;

/// Pearson's correlation; `None` for fewer than 2 pairs or when either side does not vary.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    let (x, y) = (&x[..n], &y[..n]);
    let mx = x.iter().sum::<f64>() / n as f64;
    let my = y.iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Ranks from 1, ties given their average rank.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start;
        while end + 1 < order.len() && values[order[end + 1]] == values[order[start]] {
            end += 1;
        }
        let average = (start + end) as f64 / 2.0 + 1.0;
        for &i in &order[start..=end] {
            ranks[i] = average;
        }
        start = end + 1;
    }
    ranks
}

/// Spearman's rank correlation (Pearson on average ranks).
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    pearson(&ranks(&x[..n]), &ranks(&y[..n]))
}

/// A correlation between two paired series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Correlation {
    /// Number of pairs.
    pub n: usize,
    /// Pearson's r.
    pub r: f64,
    /// 95% interval for r (Fisher z), widened for autocorrelation.
    pub interval: Interval,
    /// Spearman's rho.
    pub rho: f64,
    /// Pairs that count as independent after allowing for autocorrelation.
    pub n_effective: f64,
}

/// Correlates paired values. `factor` is Bartlett's correction factor for the two series
/// (1 = independent days; see [`super::bartlett_factor`]); the effective number of pairs is
/// n / factor, and the Fisher-z interval uses it. `None` when r is undefined (fewer than 3
/// pairs, or a side that does not vary).
pub fn correlate(x: &[f64], y: &[f64], factor: f64) -> Option<Correlation> {
    let n = x.len().min(y.len());
    if n < 3 {
        return None;
    }
    let r = pearson(x, y)?;
    let rho = spearman(x, y)?;
    let n_effective = super::effective_n(n, factor);
    let interval = if n_effective > 3.0 {
        let z = r.clamp(-0.999_999, 0.999_999).atanh();
        let half = Z_975 / (n_effective - 3.0).sqrt();
        Interval {
            low: (z - half).tanh(),
            high: (z + half).tanh(),
        }
    } else {
        Interval {
            low: -1.0,
            high: 1.0,
        }
    };
    Some(Correlation {
        n,
        r,
        interval,
        rho,
        n_effective,
    })
}

/// Lag-1 autocorrelation of a dated series: Pearson's r between each day's value and the next
/// calendar day's, over the days where both were logged (pandas' `Series.autocorr(1)` on a
/// gap-free series). 0 when fewer than 3 such pairs or no variation.
pub fn lag1_autocorrelation(series: &[(NaiveDate, f64)]) -> f64 {
    let mut sorted = series.to_vec();
    sorted.sort_by_key(|(date, _)| *date);
    let (mut today, mut tomorrow) = (Vec::new(), Vec::new());
    for pair in sorted.windows(2) {
        if pair[0].0.succ_opt() == Some(pair[1].0) {
            today.push(pair[0].1);
            tomorrow.push(pair[1].1);
        }
    }
    if today.len() < 3 {
        return 0.0;
    }
    pearson(&today, &tomorrow).unwrap_or(0.0)
}
