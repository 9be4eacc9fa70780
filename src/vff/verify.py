"""Verify responses: every constraint of a sample checked against its response."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vff.constraints import Verdict
from vff.suite.samples import Sample


@dataclass(frozen=True, slots=True)
class Result:
    """A sample, its response, and one verdict per constraint (in the sample's order)."""

    sample: Sample
    response: str
    verdicts: tuple[Verdict, ...]
    loose: bool = False

    @property
    def follow_all(self) -> bool:
        return all(v.ok for v in self.verdicts)

    def to_record(self) -> dict[str, Any]:
        """One output line, with the field names IFEval's reference uses."""
        return {
            self.sample.id_field: self.sample.id,
            "prompt": self.sample.prompt,
            "response": self.response,
            "instruction_id_list": self.sample.constraint_ids,
            "follow_instruction_list": [v.ok for v in self.verdicts],
            "follow_all_instructions": self.follow_all,
            "reasons": [v.reason for v in self.verdicts],
        }


def verify(sample: Sample, response: str, *, loose: bool = False) -> Result:
    """Check ``response`` against every constraint of ``sample``."""
    verdicts = tuple(c.check(response, loose=loose) for c in sample.constraints)
    return Result(sample, response, verdicts, loose)


def verify_both(sample: Sample, response: str) -> tuple[Result, Result]:
    """``(strict, loose)`` results, as two :func:`verify` calls, checking the response
    itself once per constraint."""
    pairs = [c.check_both(response) for c in sample.constraints]
    return (
        Result(sample, response, tuple(p[0] for p in pairs)),
        Result(sample, response, tuple(p[1] for p in pairs), loose=True),
    )
