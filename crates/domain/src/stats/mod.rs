//! Statistics for the insights, as pure functions over plain numbers. Every function returns
//! `None` (or a documented neutral value) instead of NaN or a panic when the data cannot carry
//! the statistic: no values, one value, identical values.

mod carryover;
mod compare;
mod correlation;
pub mod distributions;

pub use carryover::{
    BARTLETT_LAGS, Carryover, MAX_FACTOR, MIN_CARRYOVER_PAIRS, bartlett_factor, effective_n,
};
pub use compare::{GroupComparison, Summary, mean_interval, summarize, welch};
pub use correlation::{Correlation, correlate, lag1_autocorrelation, pearson, spearman};

/// A 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

#[cfg(test)]
mod reference_tests;
