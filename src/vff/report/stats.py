"""Numbers computed from samples.jsonl records: breakdowns over any subset of samples, the exact
McNemar test and a paired bootstrap. Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from math import comb
from typing import Any

import numpy as np

from vff.score import HEADLINE

ALPHA = 0.05


def strict_list(record: dict[str, Any]) -> list[bool]:
    return [bool(x) for x in record["follow_instruction_list"]]


def loose_list(record: dict[str, Any]) -> list[bool]:
    return [bool(x) for x in record.get("follow_instruction_list_loose", strict_list(record))]


def family(type_id: str) -> str:
    return str(type_id).split(":", 1)[0]


def _rate(num: float, den: float) -> float:
    return num / den if den else 0.0


def cell(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The four headline metrics of a group of records (as in results.json)."""
    n_inst = sum(len(strict_list(r)) for r in records)
    return {
        "prompts": len(records),
        "instructions": n_inst,
        "prompt_level_strict_acc": _rate(sum(all(strict_list(r)) for r in records), len(records)),
        "prompt_level_loose_acc": _rate(sum(all(loose_list(r)) for r in records), len(records)),
        "inst_level_strict_acc": _rate(sum(sum(strict_list(r)) for r in records), n_inst),
        "inst_level_loose_acc": _rate(sum(sum(loose_list(r)) for r in records), n_inst),
    }


def _sort_key(name: str) -> tuple[int, float | str]:
    try:
        return (0, float(name))
    except ValueError:
        return (1, name)


def group_by(records: Iterable[dict[str, Any]], field: str) -> dict[str, dict[str, Any]]:
    """Headline metrics per value of ``field`` (level, domain); records without it are left out."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        if r.get(field) is not None:
            groups.setdefault(str(r[field]), []).append(r)
    return {k: cell(groups[k]) for k in sorted(groups, key=_sort_key)}


def by_constraint(records: Iterable[dict[str, Any]], families: bool = False) -> dict[str, Any]:
    """Instruction-level strict/loose accuracy per constraint type (or family)."""
    counts: dict[str, list[int]] = {}
    for r in records:
        for type_id, s, lo in zip(
            r["instruction_id_list"], strict_list(r), loose_list(r), strict=True
        ):
            key = family(type_id) if families else str(type_id)
            c = counts.setdefault(key, [0, 0, 0])
            c[0] += 1
            c[1] += s
            c[2] += lo
    return {
        k: {
            "instructions": n,
            "inst_level_strict_acc": _rate(s, n),
            "inst_level_loose_acc": _rate(lo, n),
        }
        for k, (n, s, lo) in sorted(counts.items())
    }


def breakdown(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Everything the report charts, for one run over a set of records."""
    return {
        "overall": cell(records),
        "by_level": group_by(records, "level"),
        "by_domain": group_by(records, "domain"),
        "by_type": by_constraint(records),
        "by_family": by_constraint(records, families=True),
    }


def format_p(p: float) -> str:
    """A p-value for tables: four decimals, or scientific notation below 0.0001."""
    return f"{p:.4f}" if p >= 1e-4 else f"{p:.1e}"


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value: the binomial test of ``b`` against ``b + c`` at 1/2.

    ``b``: pairs where A passes and B fails; ``c``: A fails and B passes. No discordant pair
    gives 1.0.
    """
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    tail = sum(comb(n, i) for i in range(k + 1))
    return min(1.0, 2 * tail / 2**n)


def paired_bootstrap(
    a: list[float],
    b: list[float],
    sizes: list[float] | None = None,
    *,
    resamples: int = 2000,
    seed: int = 0,
) -> tuple[float, tuple[float, float], float]:
    """Difference ``sum(b)/sum(sizes) - sum(a)/sum(sizes)`` over paired units (prompts), its
    95% percentile interval and a two-sided p-value, resampling units with replacement.

    The p-value is the share of resampled differences at least as far from the observed
    one as the observed one is from 0 (the shifted null); the same inputs and seed give the
    same numbers.
    """
    av, bv = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    nv = np.ones_like(av) if sizes is None else np.asarray(sizes, dtype=float)
    if av.size == 0 or nv.sum() == 0:
        return 0.0, (0.0, 0.0), 1.0
    observed = float((bv.sum() - av.sum()) / nv.sum())
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, av.size, size=(resamples, av.size))
    totals = nv[draws].sum(axis=1)
    diffs = np.divide(
        bv[draws].sum(axis=1) - av[draws].sum(axis=1),
        totals,
        out=np.zeros(resamples),
        where=totals > 0,
    )
    low, high = np.quantile(diffs, [0.025, 0.975])
    if observed == 0.0:
        p = 1.0
    else:
        p = float(np.mean(np.abs(diffs - observed) >= abs(observed) - 1e-12))
    return observed, (float(low), float(high)), p


__all__ = [
    "ALPHA",
    "HEADLINE",
    "breakdown",
    "by_constraint",
    "cell",
    "family",
    "format_p",
    "group_by",
    "mcnemar_exact",
    "paired_bootstrap",
]
