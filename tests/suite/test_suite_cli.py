"""`vff suite` commands, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from vff.cli import app

runner = CliRunner()


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_list_shows_splits_and_level_counts() -> None:
    result = runner.invoke(app, ["suite", "list"])
    assert result.exit_code == 0
    assert "vff-core" in result.output
    cells = [line.replace("│", " ").split() for line in result.output.splitlines()]
    assert ["vff-core", "test", "1000", "200", "200", "200", "200", "200"] in cells
    assert ["vff-core", "dev", "500", "100", "100", "100", "100", "100"] in cells


def test_show_filters_by_level() -> None:
    result = runner.invoke(
        app, ["suite", "show", "vff-core", "--level", "3", "--n", "2", "--witness"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("level 3") == 2
    assert "witness:" in result.output


def test_export_then_check_witnesses_pass(tmp_path: Path) -> None:
    out = tmp_path / "dev.jsonl"
    result = runner.invoke(
        app, ["suite", "export", "vff-core", "--split", "dev", "--level", "4-5", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    samples = rows(out)
    assert len(samples) == 200 and {s["level"] for s in samples} == {4, 5}
    responses = tmp_path / "responses.jsonl"
    responses.write_text(
        "".join(json.dumps({"id": s["id"], "response": s["witness"]}) + "\n" for s in samples)
    )
    verdicts = tmp_path / "verdicts.jsonl"
    checked = runner.invoke(app, ["check", str(out), str(responses), "-o", str(verdicts)])
    assert checked.exit_code == 0, checked.output
    assert all(v["follow_all_instructions"] for v in rows(verdicts))
    assert "200/200" in checked.output and "900/900" in checked.output


def test_generate_is_reproducible(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for path in (a, b):
        result = runner.invoke(
            app,
            ["suite", "generate", "--seed", "11", "--n", "15", "--levels", "2-3", "-o", str(path)],
        )
        assert result.exit_code == 0, result.output
    assert a.read_bytes() == b.read_bytes()
    assert [r["level"] for r in rows(a)] == [2, 3] * 7 + [2]


def test_impossible_request_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    result = runner.invoke(
        app,
        [
            "suite",
            "generate",
            "--n",
            "300",
            "--levels",
            "5",
            "--domains",
            "recipes",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 2
    assert "cannot make 300 level-5 samples from domain(s) recipes" in result.output
    assert not out.exists() and not list(tmp_path.iterdir())


def test_bad_names_list_what_is_allowed(tmp_path: Path) -> None:
    cases = [
        (["suite", "show", "nope"], "unknown suite 'nope'; known suites: ifbench, ifeval, vff-core"),
        (
            ["suite", "show", "vff-core", "--split", "train"],
            "has no split 'train'; its splits: test, dev",
        ),
        (["suite", "show", "vff-core", "--level", "7"], "invalid level(s) [7]: levels are 1 to 5"),
        (["suite", "show", "vff-core", "--level", "x"], "invalid levels 'x'"),
        (
            ["suite", "generate", "--domains", "cooking", "-o", str(tmp_path / "y.jsonl")],
            "unknown domain(s) 'cooking'",
        ),
    ]
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert message in " ".join(result.output.split()), (args, result.output)
