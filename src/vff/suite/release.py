"""vff-core: the generated benchmark, its frozen release, and the training seed space.

The task bank is split once, by a hash of each task id, into *evaluation* tasks (about
three quarters: the test and dev splits draw from them) and *training* tasks (the rest: the
synthesis work draws from them). Every sample is generated from its own seeded random
generator, ``sha256("<seed>/<space>/<index>")``, so a file is reproduced byte for byte from
its seed.

Regenerate the frozen release (and print its data-card figures) with
``python -m vff.suite.release``.
"""

from __future__ import annotations

import hashlib
import random
import sys
from collections import Counter
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from vff.jsonl import dumps, read_jsonl
from vff.suite.compose import CompositionError, compose
from vff.suite.decontam import Decontaminator
from vff.suite.tasks import Task, task_bank

NAME = "vff-core"
VERSION = "v1"
SEED = "vff-core-v1"
#: Samples per level in each split of the frozen release.
PER_LEVEL = {"test": 200, "dev": 100}
SPLITS = tuple(PER_LEVEL)
LEVELS = (1, 2, 3, 4, 5)
#: A task appears at most this many times per level in one generated file.
MAX_PER_TASK = 10

Space = Literal["eval", "train"]


def task_space(task: Task) -> Space:
    """Which seed space a task belongs to: a fixed hash of its id, one in four for training."""
    digest = hashlib.sha256(task.id.encode("utf-8")).digest()
    return "train" if digest[0] % 4 == 0 else "eval"


def tasks_in(space: Space, domains: Sequence[str] | None = None) -> list[Task]:
    """The tasks of a seed space, optionally only some domains (unknown domains are an error)."""
    bank = task_bank()
    if domains:
        known = sorted({t.domain for t in bank})
        unknown = [d for d in domains if d not in known]
        if unknown:
            raise CompositionError(
                f"unknown domain(s) {', '.join(map(repr, unknown))}; known: {', '.join(known)}"
            )
    return [t for t in bank if task_space(t) == space and (not domains or t.domain in domains)]


def _rng(seed: str, space: str, index: int) -> random.Random:
    digest = hashlib.sha256(f"{seed}/{space}/{index}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def plan_levels(n: int, levels: Sequence[int]) -> list[int]:
    """The level of each of ``n`` samples: round robin over ``levels``."""
    return [levels[i % len(levels)] for i in range(n)]


def generate(
    *,
    seed: str | int,
    n: int,
    levels: Sequence[int] = LEVELS,
    space: Space = "train",
    domains: Sequence[str] | None = None,
    id_prefix: str | None = None,
    max_per_task: int = MAX_PER_TASK,
) -> list[dict[str, Any]]:
    """Generate ``n`` verified samples (records with a ``witness``) from a seed space.

    Raises :class:`CompositionError` before generating anything if the request cannot be
    met (bad level, unknown domain, more samples of a level than the tasks allow).
    """
    if n < 1:
        raise CompositionError(f"n must be at least 1, got {n}")
    bad = [lv for lv in levels if lv not in LEVELS]
    if bad or not levels:
        raise CompositionError(f"levels must be among 1-5, got {list(levels)}")
    tasks = tasks_in(space, domains)
    where = f"domain(s) {', '.join(domains)}" if domains else f"the {space} space"
    if not tasks:
        raise CompositionError(f"no {space} tasks in {where}")
    plan = plan_levels(n, levels)
    for level, wanted in sorted(Counter(plan).items()):
        capacity = len(tasks) * max_per_task
        if wanted > capacity:
            raise CompositionError(
                f"cannot make {wanted} level-{level} samples from {where}: it has {len(tasks)} "
                f"tasks, each used at most {max_per_task} times per level (at most {capacity})"
            )
    prefix = id_prefix or f"{NAME}-{space}-{seed}"
    width = max(4, len(str(n)))
    used: Counter[tuple[str, int]] = Counter()
    records = []
    for index, level in enumerate(plan):
        rng = _rng(str(seed), space, index)
        options = [t for t in tasks if used[(t.id, level)] < max_per_task]
        task = rng.choice(options)
        used[(task.id, level)] += 1
        sample = compose(task, rng, level)
        records.append(
            {
                "id": f"{prefix}-{index + 1:0{width}d}",
                "prompt": sample.prompt,
                "constraints": [c.to_dict() for c in sample.constraints],
                "level": level,
                "domain": task.domain,
                "task_id": task.id,
                "witness": sample.witness,
            }
        )
    return records


def build_split(split: str) -> list[dict[str, Any]]:
    """Generate one split of the frozen release from its fixed seed."""
    if split not in PER_LEVEL:
        raise CompositionError(f"unknown split {split!r}; vff-core has {', '.join(SPLITS)}")
    return generate(
        seed=f"{SEED}/{split}",
        n=PER_LEVEL[split] * len(LEVELS),
        levels=LEVELS,
        space="eval",
        id_prefix=f"{NAME}-{VERSION}-{split}",
    )


def serialize(records: Sequence[dict[str, Any]]) -> bytes:
    """The exact bytes of a release file."""
    return "".join(dumps(r) + "\n" for r in records).encode("utf-8")


def release_file(split: str) -> Path:
    """Path of a shipped release file."""
    if split not in PER_LEVEL:
        raise CompositionError(f"unknown split {split!r}; vff-core has {', '.join(SPLITS)}")
    return Path(str(resources.files("vff.suite") / "data" / NAME / VERSION / f"{split}.jsonl"))


def load_split(split: str) -> list[dict[str, Any]]:
    """The shipped records of one split."""
    return [record for _, record in read_jsonl(release_file(split))]


def contamination_index() -> Decontaminator:
    """References for decontamination: the task texts and task instances of vff-core's
    test and dev splits."""
    index = Decontaminator()
    bank = {t.id: t for t in task_bank()}
    for split in SPLITS:
        for record in load_split(split):
            index.add_text(record["id"], bank[record["task_id"]].instruction)
            index.add_instance(record["id"], record["task_id"], record["constraints"])
    return index


def main(argv: Sequence[str] | None = None) -> None:
    """Write the release files into the package and print their sha256 and counts."""
    folder = release_file("test").parent
    folder.mkdir(parents=True, exist_ok=True)
    for split in SPLITS:
        data = serialize(build_split(split))
        tmp = folder / f".{split}.jsonl.tmp"
        tmp.write_bytes(data)
        tmp.replace(folder / f"{split}.jsonl")
        print(f"{split}.jsonl  {hashlib.sha256(data).hexdigest()}  {len(data):,} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
