"""`vff eval --shard K/N`: N processes share one run directory, each with its own samples."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vff.cli import app
from vff.suite.catalog import SuiteError, parse_shard, take_shard

runner = CliRunner()


def test_parse_shard() -> None:
    assert parse_shard(None) is None
    assert parse_shard("") is None
    assert parse_shard("1/2") == (1, 2)
    assert parse_shard(" 3/3 ") == (3, 3)
    for bad in ("0/2", "3/2", "1", "a/b", "1/2/3", "-1/2"):
        with pytest.raises(SuiteError, match="invalid shard"):
            parse_shard(bad)


def test_shards_are_disjoint_and_cover_everything() -> None:
    items = list(range(11))
    assert take_shard(items, None) == items
    assert take_shard(items, (1, 3)) == [0, 3, 6, 9]
    assert take_shard(items, (2, 3)) == [1, 4, 7, 10]
    assert take_shard(items, (3, 3)) == [2, 5, 8]
    assert take_shard(items, (1, 1)) == items
    assert take_shard(items[:1], (2, 2)) == []


def test_two_shards_then_the_whole_run(tmp_path: Path) -> None:
    samples = tmp_path / "samples.jsonl"
    exported = runner.invoke(
        app, ["suite", "export", "vff-core", "--split", "dev", "-o", str(samples)]
    )
    assert exported.exit_code == 0, exported.output
    records = [json.loads(line) for line in samples.read_text().splitlines()][:9]
    samples.write_text("".join(json.dumps(r) + "\n" for r in records))
    responses = tmp_path / "responses.jsonl"
    responses.write_text(
        "".join(
            json.dumps({"prompt": r["prompt"], "response": r["witness"]}) + "\n" for r in records
        )
    )
    run = tmp_path / "run"
    base = ["eval", "--backend", "replay", "--responses", str(responses)]
    base += ["--samples", str(samples), "--out", str(run)]
    for shard, count in (("1/2", 5), ("2/2", 4)):
        result = runner.invoke(app, [*base, "--shard", shard])
        assert result.exit_code == 0, result.output
        results = json.loads((run / "results.json").read_text())
        assert results["suite"]["shard"] == shard
        assert results["counts"]["prompts"] == count
    with sqlite3.connect(run / "generations.sqlite") as db:
        stored = {row[0] for row in db.execute("SELECT sample_id FROM generations")}
    assert stored == {str(r["id"]) for r in records}
    whole = runner.invoke(app, base)
    assert whole.exit_code == 0, whole.output
    # the results table's title names the backend (after the progress bar's line)
    title = "".join(whole.output.split("━━┩")[0].split("\n", 1)[1].split())
    assert title.startswith(f"replay-responseson{samples}(9samples)"), title
    results = json.loads((run / "results.json").read_text())
    assert results["suite"]["shard"] is None
    assert results["counts"]["prompts"] == 9
    assert results["metrics"]["prompt_level_strict_acc"]["value"] == 1.0
    refused = runner.invoke(app, [*base, "--shard", "3/2"])
    assert refused.exit_code != 0
    assert "invalid shard '3/2': K must be between 1 and N" in refused.output
