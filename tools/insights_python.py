#!/usr/bin/env python3
"""Times the Light & Mood statistics in pandas + SciPy on the same 10 years of days as
`cargo bench -p enough-domain --bench insights`, for comparison. Import time is excluded.

    pip install pandas scipy && python3 tools/insights_python.py
"""
import math
import time

started_import = time.perf_counter()
import numpy as np
import pandas as pd
from scipy import stats
import_seconds = time.perf_counter() - started_import

MASK = (1 << 64) - 1


def ten_years():
    state = 20261125
    def nxt():
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK
        return (state >> 33) % 1000
    rows = []
    start = pd.Timestamp("2016-01-01")
    for i in range(3653):
        outside = nxt() < 450
        daylight = nxt() % 33
        mood = min(nxt() % 7 + (2 if outside else 0), 10)
        energy = min(nxt() % 9 + daylight // 12, 10)
        habits = nxt() % 32
        rows.append((start + pd.Timedelta(days=i), daylight / 4, energy, mood, outside, habits))
    return pd.DataFrame(rows, columns=["date", "daylight", "energy", "mood", "outside", "habits"]).set_index("date")


def widened_welch(a, b, rho):
    res = stats.ttest_ind(a, b, equal_var=False)
    share = (1 - min(rho, 0.8)) / (1 + min(rho, 0.8)) if rho > 0 else 1.0
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    df = max(1.0, res.df * share)
    half = stats.t.ppf(0.975, df) * se / math.sqrt(share)
    na, nb = len(a), len(b)
    pooled = math.sqrt(((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2))
    g = (1 - 3 / (4 * (na + nb) - 9)) * (a.mean() - b.mean()) / pooled
    return a.mean() - b.mean(), half, g


def insights(df):
    full = df.asfreq("D")
    lag = {c: full[c].autocorr(1) for c in ["mood", "energy", "daylight"]}
    out = []
    for outcome in ["mood", "energy"]:
        out.append(widened_welch(df.loc[df.outside, outcome], df.loc[~df.outside, outcome], lag[outcome]))
        for shift in [0, 1]:
            y = full[outcome].shift(-shift)
            pair = pd.concat([full["daylight"], y], axis=1).dropna()
            r = stats.pearsonr(pair.iloc[:, 0], pair.iloc[:, 1])
            r.confidence_interval(0.95)
            stats.spearmanr(pair.iloc[:, 0], pair.iloc[:, 1])
            out.append(r.statistic)
    for bit in range(5):
        has = (df.habits // (1 << bit)) % 2 == 1
        out.append(widened_welch(df.loc[has, "mood"], df.loc[~has, "mood"], lag["mood"]))
    return out


df = ten_years()
insights(df)
times = []
for _ in range(30):
    t0 = time.perf_counter()
    insights(df)
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(f"pandas+SciPy insights, {len(df)} days: median {times[15]:.2f} ms, min {times[0]:.2f} ms "
      f"(30 runs; importing pandas+SciPy took {import_seconds * 1000:.0f} ms)")
