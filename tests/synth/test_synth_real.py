"""A real synth run with the embedded 0.5B model, in process and on a local Ray instance:
valid TRL records, and the same files from both engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vff.backends import GenerationParams
from vff.synth import SynthConfig, synth, validate_pair, validate_sft

pytestmark = pytest.mark.slow


def run(out: Path, qwen_path: Path, engine: str) -> dict:
    return synth(
        SynthConfig(
            out=out,
            backend="llamacpp",
            backend_options={"model": str(qwen_path), "n_ctx": 2048, "n_threads": 1},
            model="qwen2.5-0.5b-instruct",
            n=4,
            seed="real",
            levels=[1, 2],
            samples_per_prompt=2,
            params=GenerationParams(temperature=0.8, top_p=0.95, max_tokens=24, seed=0),
            engine=engine,  # type: ignore[arg-type]
        )
    )


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_real_model_local_and_ray_write_the_same_valid_records(tmp_path: Path, qwen_path) -> None:
    pytest.importorskip("ray")
    local = run(tmp_path / "local", qwen_path, "local")
    assert local["prompts"]["done"] == 4 and local["responses"]["verified"] == 8
    assert local["responses"]["errors"] == 0
    for record in rows(tmp_path / "local" / "sft.jsonl"):
        validate_sft(record)
    for record in rows(tmp_path / "local" / "pairs.jsonl"):
        validate_pair(record)
    assert local["written"]["sft"] == sum(
        any(r["passed"] for r in row["responses"])
        for row in rows(tmp_path / "local" / "verified.jsonl")
    )

    datasets = pytest.importorskip("datasets")
    for name in ("sft.jsonl", "pairs.jsonl", "verified.jsonl"):
        expected = rows(tmp_path / "local" / name)
        if expected:  # datasets cannot read an empty file
            loaded = datasets.load_dataset("json", data_files=str(tmp_path / "local" / name))
            assert loaded["train"].num_rows == len(expected)

    on_ray = run(tmp_path / "ray", qwen_path, "ray")
    for name in ("sft.jsonl", "pairs.jsonl"):
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()

    def timeless(path: Path) -> list[dict]:
        out = []
        for row in rows(path):
            row.pop("wall_s")
            for response in row["responses"]:
                response.pop("latency_s")
            out.append(row)
        return out

    assert timeless(tmp_path / "ray" / "verified.jsonl") == timeless(
        tmp_path / "local" / "verified.jsonl"
    )
    assert on_ray["engine"] == "ray" and on_ray["responses"] == local["responses"]
