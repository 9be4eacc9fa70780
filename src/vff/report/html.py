"""The HTML report: one self-contained file (inline CSS, JS and SVG; no network).

Everything taken from a run (model names, prompts, responses, reasons, manifests) is
untrusted: it is rendered server-side through :func:`html.escape` and never placed inside a
script. The page's only script is the static code in ``_SCRIPT`` (sorting and filtering).
"""

from __future__ import annotations

import datetime as dt
import json
from html import escape
from typing import Any

from vff import __version__
from vff.report.charts import grouped_bars, heat_color, line_chart
from vff.report.compare import Shared, compare_runs, shared_samples
from vff.report.load import Run
from vff.report.stats import breakdown, format_p, strict_list
from vff.score import HEADLINE

TOP_FAILURES = 5
EXAMPLES = 3
LABELS = {
    "prompt_level_strict_acc": "prompt strict",
    "prompt_level_loose_acc": "prompt loose",
    "inst_level_strict_acc": "inst strict",
    "inst_level_loose_acc": "inst loose",
}


def e(value: Any) -> str:
    return escape(str(value), quote=True)


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f}%"


def _num(value: float | None) -> str:
    """A data-sort attribute (numbers sort numerically)."""
    return "" if value is None else f' data-sort="{value:.6f}"'


# --------------------------------------------------------------------------- data


def _basis(runs: list[Run], shared: Shared) -> tuple[dict[str, dict[str, Any]], str]:
    """Per run label: the breakdown the cross-run sections show, and a note on its samples."""
    with_samples = [r for r in runs if r.has_samples]
    use_shared = len(with_samples) > 1 and not shared.all_same and shared.ids
    out: dict[str, dict[str, Any]] = {}
    for run in runs:
        if run.has_samples:
            ids = shared.ids if use_shared else list(run.samples)
            out[run.label] = breakdown([run.samples[s] for s in ids])
        else:  # results.json only: its own breakdowns
            res = run.results or {}
            out[run.label] = {
                "overall": {m: run.metric(m)[0] for m in HEADLINE},
                **{k: res.get(k) or {} for k in ("by_level", "by_domain", "by_type", "by_family")},
            }
    if len(with_samples) < 2 or shared.all_same:
        note = ""
    elif use_shared:
        note = (
            f"The charts and tables below use only the {len(shared.ids)} samples all runs "
            f"share. {shared.note()}"
        )
    else:
        note = (
            "The runs share no samples: each run's breakdown uses its own samples, so the "
            "numbers are not directly comparable."
        )
    return out, note


# --------------------------------------------------------------------------- sections


def _problems(runs: list[Run]) -> str:
    problems = [p for r in runs for p in r.problems]
    if not problems:
        return ""
    items = "".join(f"<li>{e(p)}</li>" for p in problems)
    return (
        '<section id="problems" class="warn"><h2>Problems with the input</h2>'
        f"<ul>{items}</ul><p>Runs without a usable results.json are left out of the "
        "tables and charts; the others are shown.</p></section>"
    )


def _overview(runs: list[Run]) -> str:
    head = ["model", "run directory", "suite", "split", "samples"]
    head += [f"{LABELS[m]} (95% CI)" for m in HEADLINE]
    head += ["tokens/s", "generation time (s)", "wall time, last command (s)", "truncated"]
    out = [
        '<section id="overview"><h2>Overview</h2>',
        "<p>Accuracy with its 95% bootstrap interval (resampling prompts), from each run's "
        "results.json, on all of that run's samples. <em>prompt</em>: share of prompts whose "
        "response follows every constraint; <em>inst</em>: share of all constraints followed; "
        "<em>loose</em>: IFEval's loose mode. Generation time sums every response's latency "
        "(across resumes); the wall time is that of the command that last wrote "
        "results.json. Click a header to sort.</p>",
        '<table class="sortable" id="overview-table"><thead><tr>',
        *(f"<th>{e(h)}</th>" for h in head),
        "</tr></thead><tbody>",
    ]
    for run in runs:
        if not run.usable:
            out.append(
                f'<tr class="missing"><td>{e(run.label)}</td><td colspan="{len(head) - 1}">'
                f"not available: {e('; '.join(run.problems) or 'no results')}</td></tr>"
            )
            continue
        suite = run.suite()
        res = run.results or {}
        usage = res.get("usage") or {}
        samples = (res.get("counts") or {}).get("prompts")
        cells = [
            f"<td>{e(run.label)}</td>",
            f"<td>{e(run.path.name)}</td>",
            f"<td>{e(suite.get('name') or '')}</td>",
            f"<td>{e(suite.get('split') or '')}</td>",
            f'<td class="num"{_num(samples)}>{e(samples if samples is not None else "")}</td>',
        ]
        for m in HEADLINE:
            value, ci = run.metric(m)
            ci_text = f'<span class="ci">[{pct(ci[0])}, {pct(ci[1])}]</span>' if ci else ""
            cells.append(f'<td class="num"{_num(value)}><b>{pct(value)}</b> {ci_text}</td>')
        for key, fmt in (
            ("tokens_per_s", "{:.1f}"),
            ("generation_time_s", "{:.1f}"),
            ("wall_time_s", "{:.1f}"),
            ("truncated", "{}"),
        ):
            v = usage.get(key)
            ok = isinstance(v, int | float)
            cells.append(
                f'<td class="num"{_num(v if ok else None)}>{e(fmt.format(v)) if ok else "–"}</td>'
            )
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></section>")
    return "".join(out)


def _signed(value: float) -> str:
    return f"{100 * value:+.1f} pts"


def _comparison(result: dict[str, Any]) -> str:
    a, b = e(result["a"]), e(result["b"])
    out = [
        f'<div class="comparison"><h3>{b} vs {a}</h3>',
        f"<p>{e(result['note'])} Differences are <b>{b}</b> minus <b>{a}</b>, in "
        "percentage points, on the shared samples; significant means p &lt; 0.05. "
        "Prompt-level: exact McNemar test (counts of prompts only one run passes); "
        "instruction-level: paired bootstrap over prompts (2,000 resamples, seed 0).</p>",
        '<table class="sortable"><thead><tr><th>metric</th>'
        f"<th>A: {a}</th><th>B: {b}</th><th>difference (B − A)</th><th>95% CI of difference</th>"
        "<th>test</th><th>only A passes / only B passes</th><th>p</th><th>verdict</th>"
        "</tr></thead><tbody>",
    ]
    for m in result["metrics"]:
        counts = f"{m['a_only_pass']} / {m['b_only_pass']}" if "a_only_pass" in m else "–"
        cls = "sig" if m["significant"] else "nonsig"
        out.append(
            f'<tr><td>{e(m["metric"])}</td><td class="num"{_num(m["a"])}>{pct(m["a"])}</td>'
            f'<td class="num"{_num(m["b"])}>{pct(m["b"])}</td>'
            f'<td class="num"{_num(m["diff"])}>{_signed(m["diff"])}</td>'
            f'<td class="num">[{_signed(m["ci95"][0])}, {_signed(m["ci95"][1])}]</td>'
            f'<td>{e(m["test"])}</td><td class="num">{counts}</td>'
            f'<td class="num"{_num(m["p"])}>{format_p(m["p"])}</td>'
            f'<td class="{cls}">{e(m["verdict"])}</td></tr>'
        )
    out.append("</tbody></table>")
    if result["by_type"]:
        n_sig = sum(r["significant"] for r in result["by_type"])
        out.append(
            f'<details class="types"><summary>Per constraint type: {len(result["by_type"])} '
            f"types, {n_sig} with a significant difference (instruction-level strict, exact "
            "McNemar on paired constraints; most significant first)</summary>"
            '<table class="sortable"><thead><tr><th>constraint type</th><th>n</th>'
            f"<th>{a}</th><th>{b}</th><th>difference</th>"
            "<th>only A / only B</th><th>p</th><th>verdict</th></tr></thead><tbody>"
        )
        for row in result["by_type"]:
            cls = "sig" if row["significant"] else "nonsig"
            out.append(
                f"<tr><td>{e(row['type'])}</td>"
                f'<td class="num"{_num(row["instructions"])}>{row["instructions"]}</td>'
                f'<td class="num"{_num(row["a"])}>{pct(row["a"])}</td>'
                f'<td class="num"{_num(row["b"])}>{pct(row["b"])}</td>'
                f'<td class="num"{_num(row["diff"])}>{_signed(row["diff"])}</td>'
                f'<td class="num">{row["a_only_pass"]} / {row["b_only_pass"]}</td>'
                f'<td class="num"{_num(row["p"])}>{format_p(row["p"])}</td>'
                f'<td class="{cls}">{e(row["verdict"])}</td></tr>'
            )
        out.append("</tbody></table></details>")
    out.append("</div>")
    return "".join(out)


def _levels(runs: list[Run], basis: dict[str, dict[str, Any]]) -> str:
    levels = sorted(
        {lv for r in runs for lv in basis[r.label]["by_level"]},
        key=lambda x: (0, float(x)) if x.replace(".", "", 1).isdigit() else (1, x),
    )
    if not levels:
        return (
            '<section id="levels"><h2>Accuracy by difficulty level</h2>'
            "<p>No sample carries a difficulty level.</p></section>"
        )
    charts = []
    for metric, name in (
        ("prompt_level_strict_acc", "Prompt-level strict accuracy"),
        ("inst_level_strict_acc", "Instruction-level strict accuracy"),
    ):
        series = []
        for run in runs:
            cells = basis[run.label]["by_level"]
            series.append((run.label, [cells.get(lv, {}).get(metric) for lv in levels]))
        charts.append(
            line_chart(
                levels,
                series,
                title=f"{name} by level",
                x_label="difficulty level (1 = easiest)",
                y_label=f"{name.lower()} (%)",
            )
        )
    rows = []
    for run in runs:
        cells = basis[run.label]["by_level"]
        tds = "".join(
            f'<td class="num"{_num(cells[lv]["prompt_level_strict_acc"])}>'
            f"{pct(cells[lv]['prompt_level_strict_acc'])} "
            f'<span class="ci">n={cells[lv]["prompts"]}</span></td>'
            if lv in cells
            else "<td>–</td>"
            for lv in levels
        )
        rows.append(f"<tr><td>{e(run.label)}</td>{tds}</tr>")
    table = (
        '<table class="sortable"><thead><tr><th>run (prompt strict)</th>'
        + "".join(f"<th>level {e(lv)}</th>" for lv in levels)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return (
        '<section id="levels"><h2>Accuracy by difficulty level</h2>'
        f'<div class="charts">{"".join(charts)}</div>{table}</section>'
    )


def _heatmap(runs: list[Run], basis: dict[str, dict[str, Any]], key: str, what: str) -> str:
    names = sorted({t for r in runs for t in basis[r.label][key]})
    if not names:
        return f"<p>No {what} data.</p>"
    head = f"<th>{e(what)}</th><th>n</th>" + "".join(f"<th>{e(r.label)}</th>" for r in runs)
    if len(runs) > 1:
        head += "<th>spread (max − min)</th>"
    rows = []
    for name in names:
        values = []
        tds = []
        n = 0
        for run in runs:
            cell = basis[run.label][key].get(name)
            if not cell:
                tds.append('<td class="heat empty">–</td>')
                continue
            v = cell["inst_level_strict_acc"]
            n = max(n, cell.get("instructions", 0))
            values.append(v)
            bg, fg = heat_color(v)
            tip = (
                f"{run.label} · {name}: strict {pct(v)}, loose "
                f"{pct(cell.get('inst_level_loose_acc'))}, n={cell.get('instructions')}"
            )
            tds.append(
                f'<td class="heat num" style="background:{bg};color:{fg}"{_num(v)} '
                f'title="{e(tip)}">{pct(v, 0)}</td>'
            )
        spread = ""
        if len(runs) > 1:
            s = max(values) - min(values) if values else None
            spread = f'<td class="num"{_num(s)}>{"–" if s is None else f"{100 * s:.0f} pts"}</td>'
        rows.append(
            f'<tr><td>{e(name)}</td><td class="num"{_num(n)}>{n}</td>{"".join(tds)}{spread}</tr>'
        )
    return (
        f'<table class="sortable heatmap"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _legend_scale() -> str:
    stops = "".join(
        f'<span style="background:{heat_color(v / 10)[0]};color:{heat_color(v / 10)[1]}">'
        f"{v * 10}%</span>"
        for v in range(0, 11, 2)
    )
    return f'<p class="scale">colour scale (instruction-level strict accuracy): {stops}</p>'


def _domains(runs: list[Run], basis: dict[str, dict[str, Any]]) -> str:
    domains = sorted({d for r in runs for d in basis[r.label]["by_domain"]})
    if not domains:
        return (
            '<section id="domains"><h2>Accuracy by domain</h2>'
            "<p>No sample carries a domain.</p></section>"
        )
    series = [
        (
            run.label,
            [
                basis[run.label]["by_domain"].get(d, {}).get("prompt_level_strict_acc")
                for d in domains
            ],
        )
        for run in runs
    ]
    chart = grouped_bars(
        domains,
        series,
        title="Prompt-level strict accuracy by domain",
        value_label="prompt-level strict accuracy (%)",
    )
    return f'<section id="domains"><h2>Accuracy by domain</h2>{chart}</section>'


def _failures(runs: list[Run]) -> str:
    out = [
        '<section id="failures"><h2>Constraints each model fails most</h2>',
        f"<p>Per run, the {TOP_FAILURES} constraint types with the most strict failures (all of "
        f"the run's samples), each with up to {EXAMPLES} failing responses, the verdict's reason "
        "and the prompt.</p>",
    ]
    for run in runs:
        if not run.has_samples:
            continue
        failures: dict[str, list[tuple[str, int]]] = {}
        totals: dict[str, int] = {}
        for sid, record in run.samples.items():
            for i, (type_id, ok) in enumerate(
                zip(record["instruction_id_list"], strict_list(record), strict=True)
            ):
                totals[str(type_id)] = totals.get(str(type_id), 0) + 1
                if not ok:
                    failures.setdefault(str(type_id), []).append((sid, i))
        top = sorted(failures.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:TOP_FAILURES]
        out.append(f"<h3>{e(run.label)}</h3>")
        if not top:
            out.append("<p>No failures.</p>")
            continue
        for rank, (type_id, fails) in enumerate(top):
            n = totals[type_id]
            opened = " open" if rank == 0 else ""
            out.append(
                f'<details class="failure"{opened}><summary><b>{e(type_id)}</b>: failed '
                f"{len(fails)} of {n} ({pct(len(fails) / n)})</summary>"
            )
            for sid, i in fails[:EXAMPLES]:
                record = run.samples[sid]
                reasons = record.get("reasons") or []
                reason = reasons[i] if i < len(reasons) else ""
                out.append(
                    f'<div class="example"><div class="meta">sample {e(sid)}'
                    f"{_where(record)}"
                    f"{' · cut by max_tokens' if record.get('finish_reason') == 'length' else ''}"
                    "</div>"
                    f'<div class="reason">✗ {e(reason)}</div>'
                    f'<div class="label">response</div><pre>{e(record.get("response", ""))}</pre>'
                    f"<details><summary>prompt</summary><pre>{e(record.get('prompt', ''))}</pre>"
                    "</details></div>"
                )
            out.append("</details>")
    out.append("</section>")
    return "".join(out)


def _where(record: dict[str, Any]) -> str:
    parts = [f"{k} {record[k]}" for k in ("level", "domain") if record.get(k) is not None]
    return (" · " + e(" · ".join(parts))) if parts else ""


def _samples(runs: list[Run]) -> str:
    types = sorted(
        {str(t) for r in runs for rec in r.samples.values() for t in rec["instruction_id_list"]}
    )
    with_samples = [r for r in runs if r.has_samples]
    if not with_samples:
        return ""
    run_options = "".join(
        f'<option value="{i}">{e(r.label)}</option>' for i, r in enumerate(runs) if r.has_samples
    )
    type_options = "".join(f'<option value="{e(t)}">{e(t)}</option>' for t in types)
    out = [
        '<section id="samples"><h2>All samples</h2>',
        "<p>One row per run and sample; ✓/✗ per constraint (strict). Click a row to show "
        "the prompt, the response and each verdict's reason.</p>",
        '<div class="filters">'
        '<label>search <input type="search" id="f-text" placeholder="id, prompt, response…"></label>'
        f'<label>run <select id="f-run"><option value="">all</option>{run_options}</select></label>'
        '<label>result <select id="f-status"><option value="">all</option>'
        '<option value="pass">passed all (strict)</option>'
        '<option value="fail">failed some (strict)</option></select></label>'
        f'<label>constraint <select id="f-type"><option value="">all</option>{type_options}'
        '</select></label><label>only failing this constraint <input type="checkbox" '
        'id="f-typefail"></label><span id="f-count"></span></div>',
        '<table id="sample-table"><thead><tr><th>run</th><th>sample</th><th>level</th>'
        "<th>domain</th><th>constraints (strict)</th><th>result</th></tr></thead><tbody>",
    ]
    for index, run in enumerate(runs):
        for sid, record in run.samples.items():
            ids = [str(t) for t in record["instruction_id_list"]]
            oks = strict_list(record)
            passed = all(oks)
            badges = "".join(
                f'<span class="badge {"ok" if ok else "bad"}">{"✓" if ok else "✗"} {e(t)}</span>'
                for t, ok in zip(ids, oks, strict=True)
            )
            failing = " ".join(t for t, ok in zip(ids, oks, strict=True) if not ok)
            reasons = record.get("reasons") or []
            loose = record.get("follow_instruction_list_loose") or oks
            items = "".join(
                f'<li class="{"ok" if ok else "bad"}">{"✓" if ok else "✗"} <b>{e(t)}</b>: '
                f"{e(reasons[i] if i < len(reasons) else '')}"
                f"{'' if bool(loose[i] if i < len(loose) else ok) == ok else ' (loose: ' + ('✓' if loose[i] else '✗') + ')'}</li>"
                for i, (t, ok) in enumerate(zip(ids, oks, strict=True))
            )
            level = record.get("level")
            out.append(
                f'<tr class="srow" tabindex="0" data-run="{index}" '
                f'data-status="{"pass" if passed else "fail"}" data-types="{e(" ".join(ids))}" '
                f'data-failing="{e(failing)}"><td>{e(run.label)}</td><td>{e(sid)}</td>'
                f"<td>{e(level if level is not None else '')}</td>"
                f"<td>{e(record.get('domain') or '')}</td><td>{badges}</td>"
                f'<td class="{"ok" if passed else "bad"}">{"pass" if passed else "fail"}</td></tr>'
                f'<tr class="detail" hidden><td colspan="6"><div class="label">prompt</div>'
                f'<pre>{e(record.get("prompt", ""))}</pre><div class="label">response '
                f"({e(record.get('completion_tokens', '?'))} tokens, finish: "
                f"{e(record.get('finish_reason', '?'))})</div>"
                f'<pre>{e(record.get("response", ""))}</pre><div class="label">verdicts</div>'
                f'<ul class="verdicts">{items}</ul></td></tr>'
            )
    out.append("</tbody></table></section>")
    return "".join(out)


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict) and value:
        out: list[tuple[str, str]] = []
        for k, v in value.items():
            out += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return [(prefix, text)]


def _manifests(runs: list[Run]) -> str:
    flat = [dict(_flatten(r.manifest)) if r.manifest is not None else None for r in runs]
    keys: list[str] = []
    for f in flat:
        for k in f or {}:
            if k not in keys:
                keys.append(k)
    head = "".join(f"<th>{e(r.label)}<br><small>{e(r.path)}</small></th>" for r in runs)
    rows = []
    for k in keys:
        values = [("–" if f is None else f.get(k, "–")) for f in flat]
        differ = len(runs) > 1 and len(set(values)) > 1 and k not in ("updated", "argv")
        cls = ' class="differs"' if differ else ""
        rows.append(
            f"<tr{cls}><th>{e(k)}</th>" + "".join(f"<td>{e(v)}</td>" for v in values) + "</tr>"
        )
    missing = "".join(
        f"<p>{e(r.label)}: manifest.json not available.</p>" for r in runs if r.manifest is None
    )
    return (
        '<section id="manifests"><h2>Run manifests</h2><p>What was run: the model '
        "fingerprint, generation parameters, the suite selection and its sha256, the machine. "
        "Highlighted rows differ between runs.</p>"
        f'{missing}<table class="kv"><thead><tr><th>field</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


# --------------------------------------------------------------------------- page


def comparisons(runs: list[Run], compare: bool | None) -> list[dict[str, Any]]:
    """Pairs to compare: the two runs when exactly two are usable (or ``compare`` is True:
    every other run against the first); none when ``compare`` is False."""
    ready = [r for r in runs if r.usable and r.has_samples]
    if compare is False or len(ready) < 2:
        return []
    if compare is None and len(ready) != 2:
        return []
    return [compare_runs(ready[0], other) for other in ready[1:]]


def build_report(runs: list[Run], *, compare: bool | None = None, title: str | None = None) -> str:
    """The whole report page as a string."""
    shown = [r for r in runs if r.usable]
    shared = shared_samples(shown)
    basis, note = _basis(shown, shared)
    title = title or "vff report: " + ", ".join(r.label for r in shown or runs)
    nav = [("overview", "Overview")]
    body = [_problems(runs), _overview(runs)]
    pairs = comparisons(shown, compare)
    if pairs:
        nav.append(("comparison", "Comparison"))
        body.append(
            '<section id="comparison"><h2>Comparison</h2>'
            + "".join(_comparison(p) for p in pairs)
            + "</section>"
        )
    if shown:
        note_html = f'<p class="note">{e(note)}</p>' if note else ""
        body.append(note_html + _levels(shown, basis))
        body.append(
            '<section id="types"><h2>Accuracy by constraint type</h2>'
            "<p>Instruction-level strict accuracy of each run per constraint type (hover a "
            "cell for loose accuracy and n). Click a column header to sort, e.g. by a run's "
            "accuracy or by the spread between runs.</p>"
            + _legend_scale()
            + _heatmap(shown, basis, "by_type", "constraint type")
            + '<h3 id="families">By family</h3>'
            + _heatmap(shown, basis, "by_family", "family")
            + "</section>"
        )
        body.append(_domains(shown, basis))
        body.append(_failures(shown))
        body.append(_samples(shown))
        nav += [
            ("levels", "By level"),
            ("types", "By constraint type"),
            ("domains", "By domain"),
            ("failures", "Most failed"),
            ("samples", "All samples"),
        ]
    body.append(_manifests(runs))
    nav.append(("manifests", "Manifests"))
    if any(r.problems for r in runs):
        nav.insert(0, ("problems", "Problems"))
    links = " · ".join(f'<a href="#{k}">{e(v)}</a>' for k, v in nav)
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{e(title)}</title><style>{_STYLE}</style></head><body>"
        f'<header><h1>{e(title)}</h1><p class="sub">{len(shown)} of {len(runs)} run(s) '
        f"shown · generated {e(generated)} by vff {e(__version__)}</p><nav>{links}</nav></header>"
        + "".join(body)
        + f"<script>{_SCRIPT}</script></body></html>\n"
    )


_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;margin:0;
 background:#fafafa}
header{background:#1f3a5f;color:#fff;padding:14px 28px}
header h1{margin:0;font-size:22px}header .sub{margin:4px 0 8px;opacity:.85}
header nav a{color:#cfe3ff;margin-right:4px}
section{background:#fff;margin:18px 28px;padding:8px 20px 16px;border:1px solid #ddd;
 border-radius:6px}
h2{font-size:19px;border-bottom:1px solid #eee;padding-bottom:4px}
h3{font-size:16px;margin-top:18px}
.warn{border-color:#e0a800;background:#fff8e1}.note{margin:18px 28px;padding:8px 14px;
 background:#eef5ff;border-left:4px solid #0072B2}
table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #d6d6d6;padding:4px 8px;vertical-align:top;text-align:left}
thead th{background:#f0f2f5;position:sticky;top:0;z-index:1}
table.sortable thead th{cursor:pointer;user-select:none}
table.sortable thead th::after{content:" ⇅";color:#999;font-size:11px}
table.sortable thead th.asc::after{content:" ▲";color:#333}
table.sortable thead th.desc::after{content:" ▼";color:#333}
td.num{text-align:right;white-space:nowrap}.ci{color:#666;font-size:12px}
tr.missing td{color:#8a6d00;background:#fff8e1}
.heatmap td.heat{text-align:center;min-width:70px;font-weight:600}
.heatmap td.empty{color:#aaa}
.scale span{display:inline-block;padding:1px 8px;margin-right:2px;border:1px solid #ccc}
.charts{display:flex;flex-wrap:wrap;gap:16px}
svg.chart{border:1px solid #eee;max-width:100%;height:auto}
.sig{color:#b00020;font-weight:600}.nonsig{color:#555}
details.failure{margin:6px 0;padding:4px 8px;border:1px solid #e4e4e4;border-radius:4px}
details.failure>summary{cursor:pointer}
.example{margin:8px 0 12px 16px;padding:6px 10px;border-left:3px solid #D55E00;background:#fdf6f2}
.example .meta{color:#555;font-size:12px}.reason{color:#a33;margin:2px 0}
.label{font-size:12px;color:#555;margin-top:4px;text-transform:uppercase;letter-spacing:.03em}
pre{white-space:pre-wrap;word-break:break-word;background:#f6f6f6;border:1px solid #e4e4e4;
 padding:6px 8px;margin:2px 0 6px;max-height:320px;overflow:auto;font-size:12.5px}
.filters{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin:8px 0;
 padding:8px;background:#f5f7fa;border:1px solid #e1e5eb}
.filters input[type=search]{width:260px}#f-count{color:#444;font-weight:600}
#sample-table tr.srow{cursor:pointer}#sample-table tr.srow:hover{background:#f3f8ff}
#sample-table tr.srow.open{background:#e8f1ff}
.badge{display:inline-block;margin:1px 3px 1px 0;padding:0 6px;border-radius:9px;font-size:12px;
 white-space:nowrap}
.badge.ok{background:#e3f1fb;color:#004a75}.badge.bad{background:#fde8e3;color:#8a2500}
td.ok{color:#005b96;font-weight:600}td.bad{color:#b32d00;font-weight:600}
ul.verdicts{margin:2px 0;padding-left:18px}ul.verdicts li.bad{color:#8a2500}
table.kv th{background:#f7f7f7;font-weight:500;white-space:nowrap}
table.kv tr.differs td{background:#fff3c4}
table.kv td{font-family:ui-monospace,monospace;font-size:12.5px;word-break:break-all}
details.types>summary{cursor:pointer;font-weight:600;margin:10px 0}
details.manifest{margin:8px 0}details.manifest>summary{cursor:pointer;font-weight:600}
"""

# Static code only: no data from the runs is ever placed here.
_SCRIPT = r"""
(function(){
  function key(td){
    if(!td) return '';
    var s=td.getAttribute('data-sort');
    if(s!==null && s!=='') return parseFloat(s);
    return td.textContent.trim().toLowerCase();
  }
  document.querySelectorAll('table.sortable').forEach(function(table){
    var ths=table.tHead?table.tHead.rows[0].cells:[];
    Array.prototype.forEach.call(ths,function(th,col){
      th.addEventListener('click',function(){
        var asc=!th.classList.contains('asc');
        Array.prototype.forEach.call(ths,function(o){o.classList.remove('asc','desc');});
        th.classList.add(asc?'asc':'desc');
        var body=table.tBodies[0];
        var rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(a,b){
          var x=key(a.cells[col]),y=key(b.cells[col]);
          var nx=typeof x==='number',ny=typeof y==='number';
          if(nx&&!ny) return -1; if(ny&&!nx) return 1;
          if(x<y) return asc?-1:1; if(x>y) return asc?1:-1; return 0;
        });
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
  var table=document.getElementById('sample-table');
  if(!table) return;
  function toggle(row){
    var d=row.nextElementSibling;
    d.hidden=!d.hidden; row.classList.toggle('open',!d.hidden);
  }
  table.addEventListener('click',function(ev){
    if(window.getSelection && String(window.getSelection()).length) return;
    var row=ev.target.closest('tr.srow'); if(row) toggle(row);
  });
  table.addEventListener('keydown',function(ev){
    var row=ev.target.closest('tr.srow');
    if(row && (ev.key==='Enter'||ev.key===' ')){ev.preventDefault();toggle(row);}
  });
  var text=document.getElementById('f-text'),run=document.getElementById('f-run'),
      status=document.getElementById('f-status'),type=document.getElementById('f-type'),
      typefail=document.getElementById('f-typefail'),count=document.getElementById('f-count');
  var rows=Array.prototype.slice.call(table.querySelectorAll('tr.srow'));
  function apply(){
    var q=text.value.trim().toLowerCase(),shown=0;
    rows.forEach(function(r){
      var d=r.nextElementSibling,ok=true;
      if(run.value!=='' && r.getAttribute('data-run')!==run.value) ok=false;
      if(ok && status.value && r.getAttribute('data-status')!==status.value) ok=false;
      if(ok && type.value){
        var list=(typefail.checked?r.getAttribute('data-failing'):r.getAttribute('data-types')).split(' ');
        if(list.indexOf(type.value)<0) ok=false;
      }
      if(ok && q && (r.textContent+' '+d.textContent).toLowerCase().indexOf(q)<0) ok=false;
      r.hidden=!ok; if(!ok){d.hidden=true;r.classList.remove('open');}
      if(ok) shown++;
    });
    count.textContent='showing '+shown+' of '+rows.length;
  }
  [text,run,status,type,typefail].forEach(function(el){
    el.addEventListener('input',apply); el.addEventListener('change',apply);
  });
  apply();
})();
"""


__all__ = ["build_report", "comparisons"]
