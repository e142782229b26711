//! Statistics for the insights, as pure functions over plain numbers. Every function returns
//! `None` (or a documented neutral value) instead of NaN or a panic when the data cannot carry
//! the statistic: no values, one value, identical values.

mod compare;
mod correlation;
pub mod distributions;

pub use compare::{GroupComparison, Summary, summarize, welch};
pub use correlation::{Correlation, correlate, lag1_autocorrelation, pearson, spearman};

/// A 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// The largest lag-1 autocorrelation used to widen intervals; beyond it the effective sample
/// size would shrink towards nothing and the interval would say nothing useful.
pub const MAX_AUTOCORRELATION: f64 = 0.8;

/// The share of days that count as independent, `(1 − ρ) / (1 + ρ)`, for a positive lag-1
/// autocorrelation ρ (capped at [`MAX_AUTOCORRELATION`]); 1 when ρ ≤ 0.
pub fn effective_share(rho: f64) -> f64 {
    if rho.is_finite() && rho > 0.0 {
        let rho = rho.min(MAX_AUTOCORRELATION);
        (1.0 - rho) / (1.0 + rho)
    } else {
        1.0
    }
}

#[cfg(test)]
mod reference_tests;
