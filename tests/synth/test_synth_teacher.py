"""vff synth with an OpenAI-compatible teacher on loopback that fails, stalls and returns
empty text: retried, then counted; never written as a sample. And the CLI end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fake_openai import Scripted, completion
from vff.backends import GenerationParams
from vff.cli import app
from vff.synth import SynthConfig, synth


@pytest.fixture
def teacher(witnesses):
    """seed 0: the witness; seed 1: HTTP 503 every time; seed 2: empty text, whose retry
    (seed 2 + 1,000,003) answers "no."."""

    def answer(payload: dict[str, Any]):
        prompt = payload["messages"][0]["content"]
        seed = payload["seed"]
        if seed == 1:
            return (503, {}, {"error": "overloaded"})
        text = {0: witnesses[prompt], 2: "", 1_000_005: "no."}[seed]
        return (200, {}, completion(text, {"prompt_tokens": 7, "completion_tokens": 3}))

    server = Scripted([answer])
    yield server
    server.close()


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_teacher_faults_are_counted_never_written(teacher, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("VFF_TEST_KEY", "sk-test")
    stats = synth(
        SynthConfig(
            out=tmp_path / "s",
            backend="openai",
            backend_options={
                "base_url": teacher.url, "model": "teacher", "api_key_env": "VFF_TEST_KEY",
                "max_retries": 2, "backoff_base_s": 0.01,
            },
            model="teacher",
            n=5,
            seed="t",
            samples_per_prompt=3,
            params=GenerationParams(temperature=0.7, max_tokens=64),
            concurrency=3,
        )
    )  # fmt: skip
    assert stats["responses"]["errors"] == 5  # k=1 of each prompt, after 3 tries
    assert stats["responses"]["empty"] == 5  # k=2's first attempt, retried
    assert stats["responses"]["verified"] == 10
    seeds = [payload["seed"] for _, payload in teacher.requests]
    assert seeds.count(1) == 5 * 3  # each failing request tried 1 + 2 times
    assert seeds.count(1_000_005) == 5
    texts = [r["messages"][1]["content"] for r in rows(tmp_path / "s" / "sft.jsonl")]
    assert len(texts) == 5 and "" not in texts and "no." not in texts
    for pair in rows(tmp_path / "s" / "pairs.jsonl"):
        assert pair["rejected"][0]["content"] == "no."
    assert (tmp_path / "s" / "generations.sqlite").exists()
    assert "5 requests failed after retries and 5 came back empty" in (
        tmp_path / "s" / "README.md"
    ).read_text(encoding="utf-8")


def test_synth_command_with_a_teacher(teacher, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    teacher.steps = [lambda p: (200, {}, completion("no.", {"completion_tokens": 1}))]
    out = tmp_path / "cli"
    args = ["synth", "--backend", "openai", "--base-url", teacher.url, "--model", "t",
            "--n", "4", "-k", "2", "--out", str(out)]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "4 kept of 4" in " ".join(result.output.split())
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    assert stats["responses"]["verified"] == 8 and stats["prompts"]["done"] == 4
    again = CliRunner().invoke(app, args)  # everything done: nothing is requested again
    assert again.exit_code == 0 and len(teacher.requests) == 8
    other = CliRunner().invoke(app, [*args[:-2], "--n", "5", "--out", str(out)])
    assert other.exit_code == 2 and "another n" in " ".join(other.output.split())
