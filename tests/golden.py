"""Shared by the golden-verdict tests: vff's verdicts for one reference input row."""

from __future__ import annotations

from typing import Any

from vff.constraints import make


def row_verdicts(row: dict[str, Any], response: str, mode: str) -> list[tuple[bool, str]]:
    """``(ok, reason)`` per instruction of an IFEval/IFBench input row (``None`` kwargs
    dropped, as the references do), strict or loose."""
    verdicts = []
    for type_id, kwargs in zip(row["instruction_id_list"], row["kwargs"], strict=True):
        constraint = make(type_id, {k: v for k, v in kwargs.items() if v is not None})
        verdict = constraint.check(response, loose=mode == "loose")
        # vff eval scores both modes at once: it must give the same verdicts
        assert constraint.check_both(response)[mode == "loose"] == verdict
        verdicts.append((verdict.ok, verdict.reason))
    return verdicts
