"""Prompt- and instruction-level accuracy, overall and per constraint type."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from vff.verify import Result


@dataclass
class TypeCount:
    """How often one constraint type was followed."""

    total: int = 0
    followed: int = 0

    @property
    def accuracy(self) -> float:
        return self.followed / self.total if self.total else 0.0


@dataclass
class Summary:
    """Counts behind the headline metrics."""

    prompts: int = 0
    prompts_followed: int = 0
    instructions: int = 0
    instructions_followed: int = 0
    by_type: dict[str, TypeCount] = field(default_factory=dict)

    @property
    def prompt_level_acc(self) -> float:
        return self.prompts_followed / self.prompts if self.prompts else 0.0

    @property
    def inst_level_acc(self) -> float:
        return self.instructions_followed / self.instructions if self.instructions else 0.0


def summarize(results: Iterable[Result]) -> Summary:
    """Count prompts and instructions followed, overall and per constraint type."""
    summary = Summary()
    for result in results:
        summary.prompts += 1
        summary.prompts_followed += result.follow_all
        for constraint, verdict in zip(result.sample.constraints, result.verdicts, strict=True):
            summary.instructions += 1
            summary.instructions_followed += verdict.ok
            count = summary.by_type.setdefault(constraint.id, TypeCount())
            count.total += 1
            count.followed += verdict.ok
    summary.by_type = dict(sorted(summary.by_type.items()))
    return summary
