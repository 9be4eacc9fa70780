"""vff compare and vff leaderboard on runs with known verdicts (see conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from vff.cli import app
from vff.report import compare_runs, load_runs, shared_samples
from vff.report.leaderboard import render
from vff.report.stats import mcnemar_exact, paired_bootstrap

cli = CliRunner()


def test_mcnemar_exact_values() -> None:
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(2, 3) == 1.0  # 2 * (1 + 5 + 10) / 32, capped at 1
    assert mcnemar_exact(1, 9) == pytest.approx(22 / 1024)  # 2 * (1 + 10) / 2**10
    assert mcnemar_exact(9, 1) == mcnemar_exact(1, 9)
    assert mcnemar_exact(7, 0) == 2 / 128
    assert mcnemar_exact(3, 5) == pytest.approx(2 * (1 + 8 + 28 + 56) / 256)


def test_paired_bootstrap_is_seeded_and_centred() -> None:
    a, b = [1, 0, 1, 1, 0] * 4, [1, 1, 1, 1, 0] * 4
    first = paired_bootstrap(a, b, seed=0)
    assert first == paired_bootstrap(a, b, seed=0)
    diff, (low, high), p = first
    assert diff == pytest.approx(0.2) and low <= diff <= high
    assert paired_bootstrap(a, a) == (0.0, (0.0, 0.0), 1.0)


def test_compare_a_b_exact_numbers(runs: dict[str, Path]) -> None:
    a, b = load_runs([runs["a"], runs["b"]])
    result = compare_runs(a, b)
    assert result["shared"] == 10 and result["same_samples"]
    metrics = {m["metric"]: m for m in result["metrics"]}
    strict = metrics["prompt_level_strict_acc"]
    # A passes s00-s05 and s09 (7/10); B passes all but s03 and s04 (8/10).
    assert (strict["a"], strict["b"]) == (0.7, 0.8)
    assert strict["diff"] == pytest.approx(0.1)
    assert (strict["a_only_pass"], strict["b_only_pass"]) == (2, 3)  # McNemar b, c
    assert strict["p"] == 1.0 and strict["verdict"] == "not significant"
    assert strict["test"] == "exact McNemar"
    inst = metrics["inst_level_strict_acc"]
    assert (inst["a"], inst["b"]) == (0.8, 0.9)  # 16/20 and 18/20 constraints
    assert inst["test"] == "paired bootstrap (2000, seed 0)"
    assert inst["p"] == pytest.approx(0.5915)
    assert inst["ci95"][0] == pytest.approx(-0.15)
    assert not inst["significant"]
    types = {t["type"]: t for t in result["by_type"]}
    assert types["lexical:include_words"]["a_only_pass"] == 1  # s04
    assert types["lexical:include_words"]["b_only_pass"] == 2  # s07, s08
    assert types["lexical:no_commas"]["a"] == 0.8 and types["lexical:no_commas"]["b"] == 0.9


def test_compare_significant_case(runs: dict[str, Path]) -> None:
    a, c = load_runs([runs["a"], runs["c"]])
    metrics = {m["metric"]: m for m in compare_runs(a, c)["metrics"]}
    strict = metrics["prompt_level_strict_acc"]
    assert (strict["a_only_pass"], strict["b_only_pass"]) == (7, 0)
    assert strict["p"] == 2 / 128 and strict["significant"]
    assert strict["verdict"] == "significant"


def test_compare_uses_only_shared_samples(runs: dict[str, Path]) -> None:
    a, d = load_runs([runs["a"], runs["d"]])
    shared = shared_samples([a, d])
    assert shared.ids == ["s05", "s06", "s07", "s08", "s09"]
    assert shared.only == {"model-a": 5, "model-d": 5}
    result = compare_runs(a, d)
    assert result["shared"] == 5 and not result["same_samples"]
    assert "only the 5 shared samples" in result["note"]
    strict = result["metrics"][0]
    assert (strict["a"], strict["b"]) == (0.4, 1.0)  # A passes s05 and s09 of these


def test_compare_cli(runs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from vff import cli as cli_module

    monkeypatch.setattr(cli_module.console, "width", 220)
    result = cli.invoke(app, ["compare", str(runs["a"]), str(runs["b"])])
    assert result.exit_code == 0, result.output
    assert "prompt_level_strict_acc" in result.output
    assert "not significant" in result.output
    assert "(only A 2, only B 3)" in result.output
    assert "All runs cover the same 10 samples." in result.output
    bad = cli.invoke(app, ["compare", str(runs["a"]), str(runs["interrupted"])])
    assert bad.exit_code == 2
    message = " ".join(bad.output.split())
    assert "results.json missing (interrupted run? re-run vff eval to finish it)" in message


MD = """\
| rank | model | suite | split | samples | prompt strict % [95% CI] | prompt loose % [95% CI] | inst strict % [95% CI] | inst loose % [95% CI] | tokens/s |
|---:|---|---|---|---:|---:|---:|---:|---:|---:|
| 1 | model-b | fruit | test | 10 | 80.0 [50.0, 100.0] | 80.0 [50.0, 100.0] | 90.0 [75.0, 100.0] | 90.0 [75.0, 100.0] | 10.0 |
| 2 | model-a | fruit | test | 10 | 70.0 [40.0, 100.0] | 70.0 [40.0, 100.0] | 80.0 [60.0, 100.0] | 80.0 [60.0, 100.0] | 10.0 |
| 3 | model-c | fruit | test | 10 | 0.0 [0.0, 0.0] | 0.0 [0.0, 0.0] | 0.0 [0.0, 0.0] | 0.0 [0.0, 0.0] | 10.0 |
"""

CSV = """\
rank,model,suite,split,samples,prompt_level_strict_acc,prompt_level_strict_acc_ci_low,prompt_level_strict_acc_ci_high,prompt_level_loose_acc,prompt_level_loose_acc_ci_low,prompt_level_loose_acc_ci_high,inst_level_strict_acc,inst_level_strict_acc_ci_low,inst_level_strict_acc_ci_high,inst_level_loose_acc,inst_level_loose_acc_ci_low,inst_level_loose_acc_ci_high,tokens_per_s
1,model-b,fruit,test,10,0.8000,0.5000,1.0000,0.8000,0.5000,1.0000,0.9000,0.7500,1.0000,0.9000,0.7500,1.0000,10.00
2,model-a,fruit,test,10,0.7000,0.4000,1.0000,0.7000,0.4000,1.0000,0.8000,0.6000,1.0000,0.8000,0.6000,1.0000,10.00
3,model-c,fruit,test,10,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,10.00
"""


def test_leaderboard_markdown_and_csv_exact(runs: dict[str, Path]) -> None:
    loaded = load_runs([runs["c"], runs["a"], runs["b"]])
    assert render(loaded, "md") == MD
    assert render(loaded, "csv") == CSV


def test_leaderboard_cli_skips_broken_runs(runs: dict[str, Path], tmp_path: Path) -> None:
    paths = [str(runs[k]) for k in ("c", "a", "interrupted", "b", "corrupted", "missing")]
    out = tmp_path / "board.md"
    result = cli.invoke(app, ["leaderboard", *paths, "--format", "md", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8") == MD
    message = " ".join(result.output.split())
    assert "results.json missing (interrupted run? re-run vff eval to finish it)" in message
    assert "results.json corrupted: not valid JSON" in message
    assert "no-such-run: directory not found" in message
    printed = cli.invoke(app, ["leaderboard", str(runs["a"]), str(runs["b"]), "--format", "csv"])
    assert printed.exit_code == 0
    assert printed.stdout == "\n".join(CSV.splitlines()[:3]) + "\n"
    page = cli.invoke(app, ["leaderboard", str(runs["a"]), "--format", "html"])
    assert "<table" in page.stdout and "70.0 [40.0, 100.0]" in page.stdout
    assert cli.invoke(app, ["leaderboard", str(runs["a"]), "--format", "xls"]).exit_code == 2
    assert cli.invoke(app, ["leaderboard", str(runs["missing"])]).exit_code == 2


def test_leaderboard_escapes_markdown(runs: dict[str, Path]) -> None:
    (a,) = load_runs([runs["a"]])
    a.label = "evil|model"
    assert "| evil\\|model |" in render([a], "md")
