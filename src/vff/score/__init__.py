"""Metrics over verdicts: pure functions, no I/O."""

from vff.score.bootstrap import ratio_ci
from vff.score.metrics import Summary, TypeCount, summarize
from vff.score.scores import HEADLINE, score

__all__ = ["HEADLINE", "Summary", "TypeCount", "ratio_ci", "score", "summarize"]
