"""Compare runs on their shared samples (same id, same constraints), with paired tests.

Prompt-level metrics: the exact McNemar test on the shared prompts. Instruction-level
metrics: a paired bootstrap over the shared prompts (seed 0). Per constraint type: exact
McNemar on the paired constraint instances. Differences are B - A.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vff.report.load import Run
from vff.report.stats import (
    ALPHA,
    HEADLINE,
    loose_list,
    mcnemar_exact,
    paired_bootstrap,
    strict_list,
)


@dataclass
class Shared:
    """The samples a set of runs have in common, and what was left out."""

    ids: list[str]
    #: per run label: how many of its samples are not shared
    only: dict[str, int] = field(default_factory=dict)
    #: ids present in every run but with different constraints in some of them
    mismatched: list[str] = field(default_factory=list)

    @property
    def all_same(self) -> bool:
        return not any(self.only.values()) and not self.mismatched

    def note(self) -> str:
        """A sentence for the report / console when the runs' sample sets differ."""
        if self.all_same:
            return f"All runs cover the same {len(self.ids)} samples."
        parts = [f"{label}: {n} not shared" for label, n in self.only.items() if n]
        if self.mismatched:
            parts.append(f"{len(self.mismatched)} id(s) with different constraints excluded")
        return (
            f"The runs cover different samples; comparisons use only the {len(self.ids)} shared "
            f"samples (same id and constraints) — {'; '.join(parts)}."
        )


def shared_samples(runs: list[Run]) -> Shared:
    """Ids present in every run (in the first run's order) with identical constraint lists."""
    runs = [r for r in runs if r.has_samples]
    if not runs:
        return Shared([])
    common = set(runs[0].samples)
    for run in runs[1:]:
        common &= set(run.samples)
    ids, mismatched = [], []
    for sid in runs[0].samples:
        if sid not in common:
            continue
        lists = {tuple(map(str, r.samples[sid]["instruction_id_list"])) for r in runs}
        (ids if len(lists) == 1 else mismatched).append(sid)
    keep = set(ids)
    only = {r.label: sum(1 for s in r.samples if s not in keep) for r in runs}
    return Shared(ids, only, mismatched)


def _prompt_pass(run: Run, ids: list[str], loose: bool) -> list[bool]:
    pick = loose_list if loose else strict_list
    return [all(pick(run.samples[s])) for s in ids]


def _inst_counts(run: Run, ids: list[str], loose: bool) -> list[int]:
    pick = loose_list if loose else strict_list
    return [sum(pick(run.samples[s])) for s in ids]


def _verdict(p: float) -> str:
    return "significant" if p < ALPHA else "not significant"


def compare_runs(a: Run, b: Run, *, seed: int = 0, resamples: int = 2000) -> dict[str, Any]:
    """A's and B's headline metrics on their shared samples, B - A, and paired tests."""
    shared = shared_samples([a, b])
    ids = shared.ids
    metrics = []
    for name in HEADLINE:
        loose = "loose" in name
        if name.startswith("prompt"):
            pa, pb = _prompt_pass(a, ids, loose), _prompt_pass(b, ids, loose)
            n10 = sum(x and not y for x, y in zip(pa, pb, strict=True))
            n01 = sum(y and not x for x, y in zip(pa, pb, strict=True))
            diff, ci, _ = paired_bootstrap(
                list(map(float, pa)), list(map(float, pb)), resamples=resamples, seed=seed
            )
            value_a = sum(pa) / len(ids) if ids else 0.0
            value_b = sum(pb) / len(ids) if ids else 0.0
            p = mcnemar_exact(n10, n01)
            test = "exact McNemar"
            extra: dict[str, Any] = {"a_only_pass": n10, "b_only_pass": n01}
        else:
            sizes = [len(strict_list(a.samples[s])) for s in ids]
            ca, cb = _inst_counts(a, ids, loose), _inst_counts(b, ids, loose)
            diff, ci, p = paired_bootstrap(ca, cb, sizes, resamples=resamples, seed=seed)
            total = sum(sizes)
            value_a = sum(ca) / total if total else 0.0
            value_b = sum(cb) / total if total else 0.0
            test = f"paired bootstrap ({resamples}, seed {seed})"
            extra = {}
        metrics.append(
            {
                "metric": name,
                "a": value_a,
                "b": value_b,
                "diff": value_b - value_a,
                "ci95": [ci[0], ci[1]],
                "test": test,
                "p": p,
                "significant": p < ALPHA,
                "verdict": _verdict(p),
                **extra,
            }
        )
    return {
        "a": a.label,
        "b": b.label,
        "shared": len(ids),
        "note": shared.note(),
        "same_samples": shared.all_same,
        "metrics": metrics,
        "by_type": compare_types(a, b, ids),
    }


def compare_types(a: Run, b: Run, ids: list[str]) -> list[dict[str, Any]]:
    """Per constraint type: strict accuracy of A and B on the paired instances, exact McNemar."""
    cells: dict[str, list[int]] = {}  # type -> [n, a ok, b ok, a only, b only]
    for sid in ids:
        ra, rb = a.samples[sid], b.samples[sid]
        for type_id, x, y in zip(
            ra["instruction_id_list"], strict_list(ra), strict_list(rb), strict=True
        ):
            c = cells.setdefault(str(type_id), [0, 0, 0, 0, 0])
            c[0] += 1
            c[1] += x
            c[2] += y
            c[3] += x and not y
            c[4] += y and not x
    rows = []
    for type_id, (n, ok_a, ok_b, n10, n01) in sorted(cells.items()):
        p = mcnemar_exact(n10, n01)
        rows.append(
            {
                "type": type_id,
                "instructions": n,
                "a": ok_a / n,
                "b": ok_b / n,
                "diff": (ok_b - ok_a) / n,
                "a_only_pass": n10,
                "b_only_pass": n01,
                "p": p,
                "significant": p < ALPHA,
                "verdict": _verdict(p),
            }
        )
    rows.sort(key=lambda r: (r["p"], -abs(r["diff"]), r["type"]))
    return rows


__all__ = ["Shared", "compare_runs", "compare_types", "shared_samples"]
