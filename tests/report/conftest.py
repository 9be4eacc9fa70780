"""Run directories with known verdicts, built with a fake backend (no model, fast).

Every sample asks for two constraints: the word 'apple' (lexical:include_words) and no
commas (lexical:no_commas). Each response is chosen to pass or fail each one, strictly and
loosely alike, so every number in the tests below can be worked out by hand.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from vff.backends.base import Generation, GenerationParams, Message
from vff.runs.evaluate import evaluate, run_generation
from vff.suite.samples import Sample, sample_from_record

XSS = "<script>alert(1)</script>"
RESPONSES = {
    "PP": "apple pie\nbanana\ncherry",  # apple: yes, no commas: yes
    "PF": "x, y\napple, pie\nz, w",  # apple: yes, commas on every line
    "FP": "plain\nbanana\nno",  # no apple, no commas
    "FF": "x,\ny,\nz,",  # no apple, commas
    "XS": XSS,  # no apple, no commas (an FP that a browser would run if unescaped)
}
# Outcomes per sample s00..s09 (A and B); C fails everything.
OUTCOMES_A = "PP PP PP PP PP PP PF XS FF PP".split()
OUTCOMES_B = "PP PP PP PF FP PP PP PP PP PP".split()


def make_sample(i: int) -> Sample:
    return sample_from_record(
        {
            "id": f"s{i:02d}",
            "prompt": f"Prompt {i}: write <b>three</b> lines about fruit & travel.",
            "constraints": [
                {"type": "lexical:include_words", "params": {"words": ["apple"]}},
                {"type": "lexical:no_commas", "params": {}},
            ],
            "level": i // 2 + 1,
            "domain": "recipes" if i % 2 == 0 else "travel",
        }
    )


class FakeBackend:
    """Answers each prompt with a fixed response; 5 tokens in 0.5 s each (10 tokens/s)."""

    name = "fake"

    def __init__(self, model: str, answers: dict[str, str]) -> None:
        self.model = model
        self.answers = answers

    def fingerprint(self) -> dict[str, Any]:
        return {"backend": "fake", "model": self.model}

    def generate(self, messages: Sequence[Message], params: GenerationParams) -> Generation:
        text = self.answers[messages[-1]["content"]]
        return Generation(text, prompt_tokens=10, completion_tokens=5, latency_s=0.5)

    def close(self) -> None:
        pass


def build_run(out: Path, model: str, samples: list[Sample], outcomes: list[str]) -> Path:
    answers = {s.prompt: RESPONSES[o] for s, o in zip(samples, outcomes, strict=True)}
    suite = {"name": "fruit", "split": "test", "levels": None, "limit": None}
    evaluate(samples, FakeBackend(model, answers), GenerationParams(), out, suite=suite)
    return out


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("runs")
    samples = [make_sample(i) for i in range(15)]
    paths = {
        "a": build_run(root / "a", "model-a", samples[:10], OUTCOMES_A),
        "b": build_run(root / "b", "model-b", samples[:10], OUTCOMES_B),
        "c": build_run(root / "c", "model-c", samples[:10], ["FF"] * 10),
        # other samples: s05..s14, of which s05..s09 are shared with a, b and c
        "d": build_run(root / "d", "model-d", samples[5:15], ["PP"] * 10),
    }
    # interrupted: generations and manifest, no results.json / samples.jsonl
    interrupted = root / "interrupted"
    backend = FakeBackend("model-e", {s.prompt: "apple" for s in samples})
    run_generation(samples[:4], backend, GenerationParams(), interrupted, suite={"name": "fruit"})
    paths["interrupted"] = interrupted
    # corrupted: results.json is not JSON
    corrupted = root / "corrupted"
    corrupted.mkdir()
    for name in ("manifest.json", "samples.jsonl", "generations.sqlite"):
        (corrupted / name).write_bytes((paths["a"] / name).read_bytes())
    (corrupted / "results.json").write_text('{"schema": "vff.results/1", "metr', "utf-8")
    paths["corrupted"] = corrupted
    paths["missing"] = root / "no-such-run"
    return paths


def read_samples(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (path / "samples.jsonl").read_text("utf-8").splitlines()]
