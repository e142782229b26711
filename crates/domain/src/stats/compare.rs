//! Two groups of days compared: means, Welch's interval for the difference, Hedges' g.

use super::Interval;
use super::distributions::t_quantile;

/// n, mean and standard deviation (n − 1 denominator; 0 for a single value).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of values.
    pub n: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation.
    pub sd: f64,
}

/// Summarises values; `None` when there are none.
pub fn summarize(values: &[f64]) -> Option<Summary> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let sd = if values.len() > 1 {
        (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    Some(Summary {
        n: values.len(),
        mean,
        sd,
    })
}

/// Group `a` compared with group `b`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupComparison {
    /// The first group (e.g. mornings outside).
    pub a: Summary,
    /// The second group (e.g. mornings indoors).
    pub b: Summary,
    /// `a.mean − b.mean`.
    pub difference: f64,
    /// 95% Welch interval for the difference, widened for autocorrelation.
    pub interval: Interval,
    /// Welch–Satterthwaite degrees of freedom after the widening.
    pub df: f64,
    /// Hedges' g (bias-corrected standardised difference); `None` when neither group varies.
    pub hedges_g: Option<f64>,
    /// The factor by which the standard error was widened (1 = not widened): √ of Bartlett's
    /// correction factor.
    pub widened_by: f64,
    /// Days that count as independent: (n_a + n_b) / factor.
    pub n_effective: f64,
}

/// Compares two groups with Welch's t interval (unequal variances). `factor` is Bartlett's
/// correction factor (1 = independent days; see [`super::bartlett_factor`]): the standard
/// error is widened by √factor and the degrees of freedom divided by it. `None` when either
/// group has fewer than two values.
pub fn welch(a: &[f64], b: &[f64], factor: f64) -> Option<GroupComparison> {
    let (sa, sb) = (summarize(a)?, summarize(b)?);
    if sa.n < 2 || sb.n < 2 {
        return None;
    }
    let (na, nb) = (sa.n as f64, sb.n as f64);
    let (va, vb) = (sa.sd.powi(2) / na, sb.sd.powi(2) / nb);
    let difference = sa.mean - sb.mean;
    let se = (va + vb).sqrt();
    let df = if se > 0.0 {
        (va + vb).powi(2) / (va.powi(2) / (na - 1.0) + vb.powi(2) / (nb - 1.0))
    } else {
        na + nb - 2.0
    };
    let factor = if factor.is_finite() {
        factor.max(1.0)
    } else {
        1.0
    };
    let widened_by = factor.sqrt();
    let df = (df / factor).max(1.0);
    let half = t_quantile(0.975, df) * se * widened_by;
    let pooled =
        (((na - 1.0) * sa.sd.powi(2) + (nb - 1.0) * sb.sd.powi(2)) / (na + nb - 2.0)).sqrt();
    let hedges_g = (pooled > 0.0).then(|| {
        let correction = 1.0 - 3.0 / (4.0 * (na + nb) - 9.0);
        correction * difference / pooled
    });
    Some(GroupComparison {
        a: sa,
        b: sb,
        difference,
        interval: Interval {
            low: difference - half,
            high: difference + half,
        },
        df,
        hedges_g,
        widened_by,
        n_effective: (na + nb) / factor,
    })
}

/// The 95% t-interval of a mean, with the standard error widened by √`factor` and the degrees
/// of freedom divided by it; `None` below two values.
pub fn mean_interval(s: &Summary, factor: f64) -> Option<Interval> {
    if s.n < 2 {
        return None;
    }
    let factor = if factor.is_finite() {
        factor.max(1.0)
    } else {
        1.0
    };
    let n = s.n as f64;
    let df = ((n - 1.0) / factor).max(1.0);
    let half = t_quantile(0.975, df) * s.sd * (factor / n).sqrt();
    Some(Interval {
        low: s.mean - half,
        high: s.mean + half,
    })
}
