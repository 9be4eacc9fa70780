"""The suites vff knows by name, their splits, and level selection."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from vff.suite.compose import CompositionError
from vff.suite.samples import Sample, sample_from_record

T = TypeVar("T")


class SuiteError(ValueError):
    """An unknown suite, split or level; the message says what is allowed."""


@dataclass(frozen=True)
class Suite:
    """A named benchmark: a loader per split."""

    name: str
    description: str
    splits: dict[str, Callable[[], list[dict[str, Any]]]]
    default_split: str

    def records(self, split: str | None = None) -> list[dict[str, Any]]:
        split = split or self.default_split
        if split not in self.splits:
            raise SuiteError(
                f"suite {self.name!r} has no split {split!r}; its splits: {', '.join(self.splits)}"
            )
        return self.splits[split]()


def _vff_core() -> Suite:
    from vff.suite import release

    return Suite(
        name=release.NAME,
        description=f"generated benchmark {release.VERSION}: 1-5 format constraints per task",
        splits={split: (lambda s=split: release.load_split(s)) for split in release.SPLITS},
        default_split="test",
    )


def _jsonl_suite(
    name: str, description: str, folder: str, files: dict[str, str]
) -> Callable[[], Suite]:
    """A suite shipped as JSONL files in ``vff/suite/data/<folder>/``."""

    def load(file: str) -> list[dict[str, Any]]:
        from importlib import resources

        from vff.jsonl import read_jsonl

        path = resources.files("vff.suite") / "data" / folder / file
        return [record for _, record in read_jsonl(str(path))]

    def factory() -> Suite:
        return Suite(
            name=name,
            description=description,
            splits={split: (lambda f=file: load(f)) for split, file in files.items()},
            default_split=next(iter(files)),
        )

    return factory


_FACTORIES: dict[str, Callable[[], Suite]] = {
    "vff-core": _vff_core,
    "ifeval": _jsonl_suite(
        "ifeval",
        "IFEval (Zhou et al., 2023): 541 prompts, 25 instruction types, scored as the reference",
        "ifeval",
        {"test": "input_data.jsonl"},
    ),
    "ifbench": _jsonl_suite(
        "ifbench",
        "IFBench (Pyatkin et al., 2025): 294 prompts, 58 out-of-domain instruction types",
        "ifbench",
        {"test": "IFBench_test.jsonl"},
    ),
}


def suite_names() -> list[str]:
    return sorted(_FACTORIES)


def get_suite(name: str) -> Suite:
    """The suite called ``name``; :class:`SuiteError` lists the known ones."""
    if name not in _FACTORIES:
        raise SuiteError(f"unknown suite {name!r}; known suites: {', '.join(suite_names())}")
    return _FACTORIES[name]()


def parse_levels(spec: str | None) -> list[int] | None:
    """``"1-3"`` -> [1, 2, 3]; ``"1,3,5"`` -> [1, 3, 5]; ``None`` -> all levels."""
    if spec is None or spec.strip() in ("", "all"):
        return None
    levels: set[int] = set()
    try:
        for part in spec.split(","):
            part = part.strip()
            if "-" in part:
                low, high = (int(x) for x in part.split("-", 1))
                if low > high:
                    raise ValueError
                levels.update(range(low, high + 1))
            else:
                levels.add(int(part))
    except ValueError:
        raise SuiteError(f"invalid levels {spec!r}: use e.g. 3, 1-3 or 1,3,5") from None
    bad = sorted(lv for lv in levels if not 1 <= lv <= 5)
    if bad:
        raise SuiteError(f"invalid level(s) {bad}: levels are 1 to 5")
    return sorted(levels)


def parse_shard(spec: str | None) -> tuple[int, int] | None:
    """``"2/3"`` -> (2, 3): the second of three shards; ``None`` -> no sharding."""
    if spec is None or not spec.strip():
        return None
    try:
        k_text, n_text = spec.split("/")
        k, n = int(k_text), int(n_text)
    except ValueError:
        raise SuiteError(f"invalid shard {spec!r}: use K/N, e.g. 1/2 and 2/2") from None
    if not 1 <= k <= n:
        raise SuiteError(f"invalid shard {spec!r}: K must be between 1 and N")
    return k, n


def take_shard(items: Sequence[T], shard: tuple[int, int] | None) -> list[T]:
    """Every N-th item starting at the K-th (shard K/N); the N shards are disjoint and cover all."""
    if shard is None:
        return list(items)
    k, n = shard
    return list(items[k - 1 :: n])


def select(
    records: Sequence[dict[str, Any]], levels: Sequence[int] | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Records of the given levels (all if ``None``), the first ``limit`` of them."""
    chosen = [r for r in records if levels is None or r.get("level") in levels]
    if levels is not None and not chosen:
        raise SuiteError(f"no samples of level(s) {', '.join(map(str, levels))}")
    return chosen if limit is None else chosen[:limit]


def load_suite(
    name: str,
    split: str | None = None,
    levels: Sequence[int] | None = None,
    limit: int | None = None,
) -> list[Sample]:
    """Samples of a suite split, filtered by level and truncated to ``limit``."""
    return [sample_from_record(r) for r in select(get_suite(name).records(split), levels, limit)]


__all__ = [
    "CompositionError",
    "Suite",
    "SuiteError",
    "get_suite",
    "load_suite",
    "parse_levels",
    "parse_shard",
    "select",
    "suite_names",
    "take_shard",
]
