"""One row per run, sorted by prompt_level_strict_acc: the table for a model card.

Markdown and HTML show percentages with the 95% interval in brackets; CSV gives fractions
and the interval bounds in their own columns.
"""

from __future__ import annotations

import csv
import html
import io
from typing import Any

from vff.report.load import Run
from vff.score import HEADLINE

SHORT = {
    "prompt_level_strict_acc": "prompt strict",
    "prompt_level_loose_acc": "prompt loose",
    "inst_level_strict_acc": "inst strict",
    "inst_level_loose_acc": "inst loose",
}
FORMATS = ("md", "csv", "html")


def rows(runs: list[Run]) -> list[dict[str, Any]]:
    """Leaderboard rows of the usable runs, best prompt_level_strict_acc first."""
    out = []
    for run in runs:
        if not run.usable:
            continue
        suite = run.suite()
        results = run.results or {}
        samples = (results.get("counts") or {}).get("prompts", suite.get("samples"))
        row: dict[str, Any] = {
            "model": run.label,
            "suite": str(suite.get("name") or ""),
            "split": str(suite.get("split") or ""),
            "samples": samples,
        }
        for name in HEADLINE:
            value, ci = run.metric(name)
            row[name] = value
            row[f"{name}_ci95"] = ci
        tps = (results.get("usage") or {}).get("tokens_per_s")
        row["tokens_per_s"] = tps if isinstance(tps, int | float) else None
        out.append(row)
    out.sort(
        key=lambda r: (
            -(r["prompt_level_strict_acc"] or 0.0),
            -(r["inst_level_strict_acc"] or 0.0),
            r["model"],
        )
    )
    return out


def _pct(value: float | None, ci: list[float] | None) -> str:
    if value is None:
        return ""
    text = f"{100 * value:.1f}"
    if ci:
        text += f" [{100 * ci[0]:.1f}, {100 * ci[1]:.1f}]"
    return text


def _tps(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def headers() -> list[str]:
    return [
        "rank",
        "model",
        "suite",
        "split",
        "samples",
        *(f"{SHORT[m]} % [95% CI]" for m in HEADLINE),
        "tokens/s",
    ]


def _cells(rank: int, row: dict[str, Any]) -> list[str]:
    return [
        str(rank),
        row["model"],
        row["suite"],
        row["split"],
        "" if row["samples"] is None else str(row["samples"]),
        *(_pct(row[m], row[f"{m}_ci95"]) for m in HEADLINE),
        _tps(row["tokens_per_s"]),
    ]


def to_markdown(table: list[dict[str, Any]]) -> str:
    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    head = headers()
    align = ["---:", "---", "---", "---", "---:", *("---:" for _ in HEADLINE), "---:"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
    for rank, row in enumerate(table, start=1):
        lines.append("| " + " | ".join(esc(c) for c in _cells(rank, row)) + " |")
    return "\n".join(lines) + "\n"


def to_csv(table: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    columns = ["rank", "model", "suite", "split", "samples"]
    for m in HEADLINE:
        columns += [m, f"{m}_ci_low", f"{m}_ci_high"]
    writer.writerow([*columns, "tokens_per_s"])

    def num(x: float | None) -> str:
        return "" if x is None else f"{x:.4f}"

    for rank, row in enumerate(table, start=1):
        line: list[Any] = [rank, row["model"], row["suite"], row["split"], row["samples"]]
        for m in HEADLINE:
            ci = row[f"{m}_ci95"] or [None, None]
            line += [num(row[m]), num(ci[0]), num(ci[1])]
        line.append("" if row["tokens_per_s"] is None else f"{row['tokens_per_s']:.2f}")
        writer.writerow(line)
    return buf.getvalue()


def to_html_table(table: list[dict[str, Any]], css_class: str = "sortable") -> str:
    """An HTML table (escaped), without a page around it."""
    out = [f'<table class="{css_class}"><thead><tr>']
    out += [f"<th>{html.escape(h)}</th>" for h in headers()]
    out.append("</tr></thead><tbody>")
    for rank, row in enumerate(table, start=1):
        out.append("<tr>")
        for index, text in enumerate(_cells(rank, row)):
            numeric = index == 0 or index >= 4
            cls = ' class="num"' if numeric else ""
            out.append(f"<td{cls}>{html.escape(text)}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def to_html(table: list[dict[str, Any]]) -> str:
    """A small standalone HTML page holding the leaderboard table."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>vff leaderboard</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2em}"
        "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:4px 8px}"
        "th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}"
        "</style></head><body><h1>vff leaderboard</h1>"
        "<p>Accuracy in %, 95% bootstrap interval in brackets; sorted by prompt-level strict "
        "accuracy.</p>" + to_html_table(table, "leaderboard") + "</body></html>\n"
    )


def render(runs: list[Run], fmt: str) -> str:
    table = rows(runs)
    if fmt == "md":
        return to_markdown(table)
    if fmt == "csv":
        return to_csv(table)
    if fmt == "html":
        return to_html(table)
    raise ValueError(f"unknown format {fmt!r}; use md, csv or html")


__all__ = ["FORMATS", "render", "rows", "to_csv", "to_html", "to_markdown"]
