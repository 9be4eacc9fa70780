"""Metrics over verdicts: pure functions, no I/O."""

from vff.score.metrics import Summary, TypeCount, summarize

__all__ = ["Summary", "TypeCount", "summarize"]
