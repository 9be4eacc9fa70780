"""The full score of a run: headline metrics with 95% bootstrap intervals, and breakdowns by
level, constraint type, family and domain. Pure: verdicts in, numbers out.

The headline names are lm-evaluation-harness's: ``prompt_level_strict_acc``,
``prompt_level_loose_acc``, ``inst_level_strict_acc``, ``inst_level_loose_acc``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from vff.score.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED, ratio_ci
from vff.verify import Result

HEADLINE = (
    "prompt_level_strict_acc",
    "prompt_level_loose_acc",
    "inst_level_strict_acc",
    "inst_level_loose_acc",
)


def _rate(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def _cell(pairs: Sequence[tuple[Result, Result]]) -> dict[str, Any]:
    """Prompt- and instruction-level accuracy of a group of (strict, loose) results."""
    n_inst = sum(len(s.verdicts) for s, _ in pairs)
    return {
        "prompts": len(pairs),
        "instructions": n_inst,
        "prompt_level_strict_acc": _rate(sum(s.follow_all for s, _ in pairs), len(pairs)),
        "prompt_level_loose_acc": _rate(sum(lo.follow_all for _, lo in pairs), len(pairs)),
        "inst_level_strict_acc": _rate(sum(v.ok for s, _ in pairs for v in s.verdicts), n_inst),
        "inst_level_loose_acc": _rate(sum(v.ok for _, lo in pairs for v in lo.verdicts), n_inst),
    }


def _by(pairs: Sequence[tuple[Result, Result]], key: Callable[[Result], Any]) -> dict[str, Any]:
    groups: dict[str, list[tuple[Result, Result]]] = {}
    for pair in pairs:
        value = key(pair[0])
        if value is not None:
            groups.setdefault(str(value), []).append(pair)
    return {name: _cell(group) for name, group in sorted(groups.items())}


def _by_constraint(
    pairs: Sequence[tuple[Result, Result]], key: Callable[[str], str]
) -> dict[str, Any]:
    counts: dict[str, list[int]] = {}
    for strict, loose in pairs:
        for constraint, vs, vl in zip(
            strict.sample.constraints, strict.verdicts, loose.verdicts, strict=True
        ):
            c = counts.setdefault(key(constraint.id), [0, 0, 0])
            c[0] += 1
            c[1] += vs.ok
            c[2] += vl.ok
    return {
        name: {
            "instructions": n,
            "inst_level_strict_acc": _rate(s, n),
            "inst_level_loose_acc": _rate(lo, n),
        }
        for name, (n, s, lo) in sorted(counts.items())
    }


def _family(type_id: str) -> str:
    return type_id.split(":", 1)[0]


def score(
    strict: Sequence[Result],
    loose: Sequence[Result],
    *,
    seed: int = DEFAULT_SEED,
    resamples: int = DEFAULT_RESAMPLES,
) -> dict[str, Any]:
    """Score parallel lists of strict and loose results (same samples, same order)."""
    if len(strict) != len(loose):
        raise ValueError("strict and loose results differ in length")
    pairs = list(zip(strict, loose, strict=True))
    overall = _cell(pairs)
    sizes = [len(s.verdicts) for s in strict]
    series = {
        "prompt_level_strict_acc": ([float(s.follow_all) for s in strict], None),
        "prompt_level_loose_acc": ([float(lo.follow_all) for lo in loose], None),
        "inst_level_strict_acc": ([float(sum(v.ok for v in s.verdicts)) for s in strict], sizes),
        "inst_level_loose_acc": ([float(sum(v.ok for v in lo.verdicts)) for lo in loose], sizes),
    }
    metrics = {}
    for name in HEADLINE:
        numerators, denominators = series[name]
        low, high = ratio_ci(numerators, denominators, resamples=resamples, seed=seed)
        metrics[name] = {"value": overall[name], "ci95": [low, high]}
    return {
        "metrics": metrics,
        "counts": {"prompts": overall["prompts"], "instructions": overall["instructions"]},
        "bootstrap": {"resamples": resamples, "seed": seed, "unit": "prompt"},
        "by_level": _by(pairs, lambda r: r.sample.meta.get("level")),
        "by_domain": _by(pairs, lambda r: r.sample.meta.get("domain")),
        "by_type": _by_constraint(pairs, lambda t: t),
        "by_family": _by_constraint(pairs, _family),
    }
