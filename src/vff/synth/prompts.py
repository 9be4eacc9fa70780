"""Fresh prompts for training data, from the generator's training space, decontaminated.

Every prompt is checked against the test sets vff ships before any model sees it:

* vff-core's test and dev splits: the same task with the same constraints (an instance
  match), or a 13-word n-gram shared with one of their task texts;
* IFEval's and IFBench's prompts: a 13-word n-gram shared with the whole prompt.

A prompt that matches, or repeats an earlier prompt exactly, is dropped, with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from vff.suite import release
from vff.suite.decontam import Decontaminator
from vff.suite.tasks import task_bank

#: Suites whose prompts no synthesized prompt may share a 13-gram with.
BENCHMARK_SUITES = ("ifeval", "ifbench")


def benchmark_index() -> Decontaminator:
    """The prompts of IFEval and IFBench, as n-gram references (``suite:key``)."""
    from vff.suite.catalog import get_suite

    index = Decontaminator()
    for name in BENCHMARK_SUITES:
        for record in get_suite(name).records():
            index.add_text(f"{name}:{record['key']}", record["prompt"])
    return index


def fresh_prompts(
    seed: str,
    n: int,
    levels: Sequence[int],
    domains: Sequence[str] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n`` generated prompts of the training space: ``(kept, dropped)``.

    The same arguments always give the same prompts (ids ``synth-SEED-NNNN``). Each
    dropped record says why: ``{"id", "kind": "instance"|"ngram"|"duplicate",
    "reference", "detail"}``.
    """
    tasks = release.tasks_in("train", domains)
    per_level = math.ceil(n / max(1, len(levels)))
    max_per_task = max(release.MAX_PER_TASK, math.ceil(per_level / max(1, len(tasks))))
    records = release.generate(
        seed=seed,
        n=n,
        levels=levels,
        space="train",
        domains=domains,
        id_prefix=f"synth-{seed}",
        max_per_task=max_per_task,
    )
    core = release.contamination_index()
    benchmarks = benchmark_index()
    instructions = {t.id: t.instruction for t in task_bank()}
    kept: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for record in records:
        finding = core.check_sample(record, instructions[record["task_id"]])
        if finding is None:
            finding = benchmarks.check_text(record["prompt"])
        if finding is not None:
            dropped.append(
                {
                    "id": record["id"],
                    "kind": finding.kind,
                    "reference": finding.reference,
                    "detail": finding.detail,
                }
            )
            continue
        if record["prompt"] in seen:
            dropped.append(
                {
                    "id": record["id"],
                    "kind": "duplicate",
                    "reference": seen[record["prompt"]],
                    "detail": "the same prompt text as an earlier prompt",
                }
            )
            continue
        seen[record["prompt"]] = record["id"]
        kept.append(record)
    return kept, dropped
