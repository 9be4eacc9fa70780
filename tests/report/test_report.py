"""vff report: the HTML page's sections, numbers, escaping and bad input; then the page as
a person sees it, in headless Chromium (skipped when Chromium is not installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vff.cli import app
from vff.report import build_report, load_runs

XSS = "<script>alert(1)</script>"  # the response of sample s07 in run a (conftest.py)

cli = CliRunner()
SECTIONS = (
    "overview",
    "comparison",
    "levels",
    "types",
    "families",
    "domains",
    "failures",
    "samples",
    "manifests",
)
ESCAPED_XSS = "&lt;script&gt;alert(1)&lt;/script&gt;"


def report(runs: dict[str, Path], *names: str, **kwargs: object) -> str:
    return build_report(load_runs([runs[n] for n in names]), **kwargs)  # type: ignore[arg-type]


def test_sections_and_numbers(runs: dict[str, Path]) -> None:
    page = report(runs, "a", "b")
    for section in SECTIONS:
        assert f'id="{section}"' in page, section
    assert 'id="problems"' not in page
    # overview: values and intervals from results.json
    assert '<b>70.0%</b> <span class="ci">[40.0%, 100.0%]</span>' in page
    assert '<b>90.0%</b> <span class="ci">[75.0%, 100.0%]</span>' in page
    # comparison: McNemar counts, p-values and verdicts
    assert "exact McNemar" in page and "2 / 3" in page and "+10.0 pts" in page
    assert "0.5915" in page and "not significant" in page
    # charts: two line charts (by level) and a bar chart (by domain), inline SVG
    assert page.count("<svg") == 3 and "difficulty level (1 = easiest)" in page
    assert "Prompt-level strict accuracy by domain" in page
    # heatmap cells and the most failed constraints with their reasons
    assert "lexical:include_words" in page and ">80%</td>" in page and ">90%</td>" in page
    assert "missing word: &#x27;apple&#x27;" in page
    assert "found 3 commas" in page
    # every sample of both runs
    assert page.count('class="srow"') == 20
    # manifests
    assert "suite.sha256" in page and "params.temperature" in page
    # self-contained: no external resources
    assert not re.search(r"(src|href)=\"(https?:)?//", page)


def test_untrusted_text_is_escaped(runs: dict[str, Path]) -> None:
    page = report(runs, "a", "b")
    assert XSS not in page
    assert ESCAPED_XSS in page
    assert page.count("<script") == 1  # the page's own static script only
    script = page[page.index("<script>") : page.index("</script>")]
    assert "alert" not in script and "apple" not in script
    assert "<b>three</b>" not in page and "&lt;b&gt;three&lt;/b&gt;" in page


def test_bad_input_is_named_and_the_rest_still_renders(runs: dict[str, Path]) -> None:
    page = report(runs, "a", "interrupted", "b", "corrupted", "missing")
    assert 'id="problems"' in page
    interrupted = runs["interrupted"]
    assert (
        f"run {interrupted}: results.json missing (interrupted run? re-run vff eval to finish it)"
        in page
    )
    assert f"run {runs['corrupted']}: results.json corrupted: not valid JSON" in page
    assert f"run {runs['missing']}: directory not found" in page
    assert "2 of 5 run(s) shown" in page
    assert 'id="comparison"' in page  # exactly two usable runs
    assert page.count('class="srow"') == 20


def test_different_sample_sets_use_shared_samples(runs: dict[str, Path]) -> None:
    page = report(runs, "a", "d")
    assert "use only the 5 samples all runs share" in page
    assert "model-a: 5 not shared; model-d: 5 not shared" in page


def test_comparison_section_switches(runs: dict[str, Path]) -> None:
    assert 'id="comparison"' not in report(runs, "a", "b", "c")
    both = report(runs, "a", "b", "c", compare=True)
    assert both.count('<div class="comparison">') == 2
    assert 'id="comparison"' not in report(runs, "a", "b", compare=False)


def test_report_cli(runs: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    args = ["report", str(runs["a"]), str(runs["b"]), str(runs["interrupted"]), "-o", str(out)]
    result = cli.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "2 of 3 run(s) shown" in result.output
    assert "interrupted run?" in " ".join(result.output.split())
    assert 'id="comparison"' in out.read_text("utf-8")
    broken = cli.invoke(app, ["report", str(runs["missing"]), "-o", str(tmp_path / "x.html")])
    assert broken.exit_code == 1
    assert "directory not found" in (tmp_path / "x.html").read_text("utf-8")


# --------------------------------------------------------------------------- browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium)")
def test_report_in_headless_chromium(runs: dict[str, Path], tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(report(runs, "a", "b", "interrupted"), "utf-8")
    url = page.resolve().as_uri()

    def chromium(*args: str) -> subprocess.CompletedProcess[str]:
        profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
        command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args, url]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    shot = tmp_path / "report.png"
    done = chromium(f"--screenshot={shot}", "--window-size=1400,3000")
    assert shot.exists(), done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000

    dom = chromium("--dump-dom", "--window-size=1400,3000").stdout
    assert "<svg" in dom and "<polyline" in dom  # the level charts have lines
    assert dom.count('class="heat num"') == 6  # 2 types x 2 runs + 1 family x 2 runs
    assert dom.count('class="srow"') == 20
    # the filter script ran (it writes this count) and found every sample row
    assert re.search(r'<span id="f-count">showing 20 of 20</span>', dom)
    # the response holding a script tag is text in the page, not an element
    assert ESCAPED_XSS in dom
    assert "<script>alert(1)</script>" not in dom
    assert "results.json missing (interrupted run? re-run vff eval to finish it)" in dom
    for section in SECTIONS:
        assert f'id="{section}"' in dom


def test_damaged_files_are_named(runs: dict[str, Path], tmp_path: Path) -> None:
    from vff.report import load_run

    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for name in ("manifest.json", "results.json"):
        (damaged / name).write_bytes((runs["b"] / name).read_bytes())
    lines = (runs["b"] / "samples.jsonl").read_text("utf-8").splitlines()
    lines[3] = lines[3][:40]  # a truncated line
    (damaged / "samples.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    run = load_run(damaged)
    assert run.usable and len(run.samples) == 9
    assert len(run.problems) == 1
    assert (
        f"run {damaged}: samples.jsonl has 1 bad line(s), skipped (first: invalid JSON"
        in (run.problems[0])
    )
    (damaged / "results.json").write_text('{"metrics": {}}', "utf-8")
    (damaged / "manifest.json").write_text("[1, 2]", "utf-8")
    run = load_run(damaged)
    assert not run.usable
    assert f"run {damaged}: manifest.json corrupted: not a JSON object" in run.problems
    assert any(
        "results.json corrupted: metrics missing prompt_level_strict_acc" in p for p in run.problems
    )
    page = build_report([run])
    assert "metrics missing prompt_level_strict_acc" in page and "0 of 1 run(s) shown" in page
