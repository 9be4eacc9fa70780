"""Percentile bootstrap confidence intervals, resampling prompts, with a fixed seed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DEFAULT_RESAMPLES = 2000
DEFAULT_SEED = 0


def ratio_ci(
    numerators: Sequence[float],
    denominators: Sequence[float] | None = None,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> tuple[float, float]:
    """Confidence interval of ``sum(numerators) / sum(denominators)``, resampling the units
    (prompts) with replacement: a cluster bootstrap when a prompt holds several instructions.

    With no denominators each unit counts 1 (a plain mean). Same inputs and seed, same
    interval. An empty input gives ``(0.0, 0.0)``.
    """
    num = np.asarray(numerators, dtype=float)
    den = np.ones_like(num) if denominators is None else np.asarray(denominators, dtype=float)
    if num.shape != den.shape:
        raise ValueError("numerators and denominators differ in length")
    n = num.size
    if n == 0 or den.sum() == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, size=(resamples, n))
    totals = den[draws].sum(axis=1)
    ratios = np.divide(num[draws].sum(axis=1), totals, out=np.zeros(resamples), where=totals > 0)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(ratios, [tail, 1.0 - tail])
    return (float(low), float(high))
