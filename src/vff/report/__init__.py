"""Reports over run directories: an HTML report, paired comparisons and a leaderboard."""

from vff.report.compare import compare_runs, shared_samples
from vff.report.html import build_report
from vff.report.leaderboard import render as render_leaderboard
from vff.report.load import Run, load_run, load_runs

__all__ = [
    "Run",
    "build_report",
    "compare_runs",
    "load_run",
    "load_runs",
    "render_leaderboard",
    "shared_samples",
]
