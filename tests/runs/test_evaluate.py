"""Runs: the store, resume, manifest checks, results and samples files (with a fake backend)."""

from __future__ import annotations

import concurrent.futures
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from vff.backends.base import Generation, GenerationParams, Message
from vff.runs.evaluate import RunError, evaluate
from vff.runs.store import RunStore, key_of
from vff.score import HEADLINE
from vff.suite.catalog import load_suite


class EchoBackend:
    """Answers every prompt with the witness of its sample (or a fixed bad answer)."""

    name = "echo"

    def __init__(self, answers: dict[str, str], tag: str = "v1") -> None:
        self.answers = answers
        self.tag = tag
        self.calls: list[str] = []

    def fingerprint(self) -> dict[str, Any]:
        return {"backend": "echo", "model": self.tag}

    def generate(self, messages: Sequence[Message], params: GenerationParams) -> Generation:
        prompt = messages[-1]["content"]
        self.calls.append(prompt)
        text = self.answers.get(prompt, "I cannot help with that")
        return Generation(text, prompt_tokens=10, completion_tokens=5, latency_s=0.5)

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def samples() -> list:
    return load_suite("vff-core", "dev", levels=[1, 2], limit=20)


def witness_answers(samples: list, good: int) -> dict[str, str]:
    """Witnesses (which pass) for the first ``good`` samples; the rest get a bad answer."""
    return {s.prompt: s.meta["witness"] for s in samples[:good]}


def test_scores_and_files(tmp_path: Path, samples: list) -> None:
    backend = EchoBackend(witness_answers(samples, 15))
    suite = {"name": "vff-core", "split": "dev", "levels": [1, 2], "limit": 20}
    results = evaluate(samples, backend, GenerationParams(), tmp_path, suite=suite)
    assert results["schema"] == "vff.results/1"
    assert set(results["metrics"]) == set(HEADLINE)
    assert results["counts"]["prompts"] == 20
    # Witnesses pass everything; "I cannot help with that" fails at least one constraint of
    # each remaining sample (checked below from samples.jsonl).
    rows = [json.loads(x) for x in (tmp_path / "samples.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == [s.id for s in samples]
    assert all(r["follow_all_instructions"] for r in rows[:15])
    followed = sum(r["follow_all_instructions"] for r in rows)
    assert results["metrics"]["prompt_level_strict_acc"]["value"] == followed / 20
    assert results["usage"]["completion_tokens"] == 100
    assert results["usage"]["tokens_per_s"] == 10.0
    assert set(results["by_level"]) == {"1", "2"}
    low, high = results["metrics"]["prompt_level_strict_acc"]["ci95"]
    assert low <= followed / 20 <= high
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["model"] == {"backend": "echo", "model": "v1"}
    assert manifest["params"]["temperature"] == 0.0 and manifest["suite"]["samples"] == 20
    assert len(manifest["suite"]["sha256"]) == 64


def test_resume_generates_only_what_is_missing(tmp_path: Path, samples: list) -> None:
    first = EchoBackend(witness_answers(samples, 20))
    evaluate(samples[:8], first, GenerationParams(), tmp_path, suite={"name": "x"})
    assert len(first.calls) == 8
    second = EchoBackend(witness_answers(samples, 20))
    results = evaluate(samples, second, GenerationParams(), tmp_path, suite={"name": "x"})
    assert len(second.calls) == 12  # only the 12 new samples
    assert results["metrics"]["prompt_level_strict_acc"]["value"] == 1.0
    with RunStore(tmp_path / "generations.sqlite") as store:
        assert set(store.event_counts().values()) == {1}
        assert len(store.event_counts()) == 20
    third = EchoBackend(witness_answers(samples, 20))
    evaluate(samples, third, GenerationParams(), tmp_path, suite={"name": "x"})
    assert third.calls == []


class SlowEchoBackend(EchoBackend):
    def generate(self, messages: Sequence[Message], params: GenerationParams) -> Generation:
        time.sleep(0.01)  # let the two writers interleave
        return super().generate(messages, params)


def test_two_writers_fill_one_run_with_disjoint_samples(tmp_path: Path, samples: list) -> None:
    answers = witness_answers(samples, 20)
    level = {n: [s for s in samples if s.meta["level"] == n] for n in (1, 2)}
    assert level[1] and level[2]
    backends = {n: SlowEchoBackend(answers) for n in level}
    with concurrent.futures.ThreadPoolExecutor(2) as pool:  # one writer per level, at once
        futures = [
            pool.submit(evaluate, level[n], backends[n], GenerationParams(), tmp_path, suite={})
            for n in level
        ]
        for future in futures:
            future.result()
    final = EchoBackend(answers)
    results = evaluate(samples, final, GenerationParams(), tmp_path, suite={"name": "x"})
    assert final.calls == []  # everything was generated by the two writers
    assert results["counts"]["prompts"] == 20
    assert results["metrics"]["prompt_level_strict_acc"]["value"] == 1.0
    with RunStore(tmp_path / "generations.sqlite") as store:
        assert store.event_counts() == {str(s.id): 1 for s in samples}
    assert json.loads((tmp_path / "manifest.json").read_text())["suite"]["samples"] == 20
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_run_directory_holds_one_model_and_one_setting(tmp_path: Path, samples: list) -> None:
    evaluate(samples[:2], EchoBackend({}), GenerationParams(), tmp_path, suite={"name": "x"})
    with pytest.raises(RunError, match="holds a run with another model"):
        evaluate(
            samples[:2],
            EchoBackend({}, tag="v2"),
            GenerationParams(),
            tmp_path,
            suite={"name": "x"},
        )
    with pytest.raises(RunError, match="holds a run with another params"):
        evaluate(
            samples[:2],
            EchoBackend({}),
            GenerationParams(temperature=0.7),
            tmp_path,
            suite={"name": "x"},
        )


def test_store_is_durable_and_keyed(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    g = Generation("hello", 3, 2, 0.1, "stop")
    with RunStore(path) as store:
        store.put("a", "m", "p", g)
        store.put("a", "m", "q", g)
    with RunStore(path) as store:  # reopened: nothing lost
        assert store.done("m", "p") == {"a"}
        assert store.get("m", "q", ["a", "b"]) == {"a": g}
        assert store.done("other", "p") == set()
    assert key_of({"a": 1, "b": 2}) == key_of({"b": 2, "a": 1})
