#!/usr/bin/env python3
"""Reference values for enough's statistics, computed independently with SciPy and pandas.

Writes crates/domain/tests-data/stats_reference.json, which the domain crate's tests compare
against. Re-run after changing a case:  python3 tools/stats_reference.py
"""
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

rng = np.random.default_rng(20261125)


def case(name, a, b, x, y, dates):
    a, b, x, y = (np.asarray(v, dtype=float) for v in (a, b, x, y))
    welch = stats.ttest_ind(a, b, equal_var=False)
    ci = welch.confidence_interval(0.95)
    na, nb = len(a), len(b)
    pooled = math.sqrt(((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2))
    g = (1 - 3 / (4 * (na + nb) - 9)) * (a.mean() - b.mean()) / pooled
    pr = stats.pearsonr(x, y)
    pci = pr.confidence_interval(0.95)
    rho = stats.spearmanr(x, y).statistic
    series = pd.Series(y, index=pd.to_datetime(dates)).asfreq("D")
    lag1 = series.autocorr(lag=1)
    # The widened Welch interval for an autocorrelation of 0.5 (share = 1/3).
    share = (1 - 0.5) / (1 + 0.5)
    se = math.sqrt(a.var(ddof=1) / na + b.var(ddof=1) / nb)
    df = max(1.0, welch.df * share)
    half = stats.t.ppf(0.975, df) * se / math.sqrt(share)
    return {
        "name": name,
        "a": a.tolist(), "b": b.tolist(), "x": x.tolist(), "y": y.tolist(), "dates": dates,
        "welch": {"difference": a.mean() - b.mean(), "low": ci.low, "high": ci.high, "df": welch.df},
        "welch_rho_half": {"low": a.mean() - b.mean() - half, "high": a.mean() - b.mean() + half, "df": df},
        "hedges_g": g,
        "pearson": {"r": pr.statistic, "low": pci.low, "high": pci.high},
        "spearman": rho,
        "lag1": lag1,
    }


def dates_with_gaps(n, start="2026-01-01", skip_every=4):
    days = pd.date_range(start, periods=n * 2, freq="D")
    kept = [d for i, d in enumerate(days) if i % skip_every != 3][:n]
    return [d.strftime("%Y-%m-%d") for d in kept]


cases = []
# A clear difference: outside mornings about 1.5 points higher.
a = np.clip(np.round(rng.normal(6.4, 1.3, 9)), 0, 10)
b = np.clip(np.round(rng.normal(4.9, 1.4, 12)), 0, 10)
x = np.round(rng.uniform(0, 6, 30) * 4) / 4
y = np.clip(np.round(3 + 0.6 * x + rng.normal(0, 1.2, 30)), 0, 10)
cases.append(case("clear difference", a, b, x, y, dates_with_gaps(30)))
# No difference, weak correlation, with ties.
a = rng.integers(3, 8, 15)
b = rng.integers(3, 8, 17)
x = rng.integers(0, 5, 40).astype(float)
y = rng.integers(2, 9, 40).astype(float)
cases.append(case("no difference", a, b, x, y, dates_with_gaps(40, skip_every=7)))
# Autocorrelated mood (a slow drift) over consecutive days.
drift = np.cumsum(rng.normal(0, 0.6, 60))
y = np.clip(np.round(5 + drift), 0, 10)
x = np.clip(np.round((3 + 0.3 * drift + rng.normal(0, 0.8, 60)) * 4) / 4, 0, 24)
a, b = y[::2], y[1::2]
dates = [d.strftime("%Y-%m-%d") for d in pd.date_range("2025-11-01", periods=60, freq="D")]
cases.append(case("autocorrelated", a, b, x, y, dates))

out = Path(__file__).resolve().parent.parent / "crates/domain/tests-data/stats_reference.json"
out.write_text(json.dumps({"generated_by": "tools/stats_reference.py", "scipy": __import__("scipy").__version__,
                           "cases": cases}, indent=1))
print(f"wrote {out}")
