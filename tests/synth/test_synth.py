"""vff synth with a scripted backend: exact records, selection, decontamination, resume,
faults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scripted import ScriptedBackend

from vff.backends import GenerationParams
from vff.runs.store import RunStore
from vff.suite.decontam import Decontaminator
from vff.synth import SynthConfig, SynthError, synth, validate_pair, validate_repair, validate_sft
from vff.synth import prompts as synth_prompts
from vff.synth import records as rec
from vff.synth.output import SynthOutput


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def config(out: Path, **overrides) -> SynthConfig:
    base = dict(out=out, n=12, seed="t", samples_per_prompt=2, model="scripted")
    return SynthConfig(**{**base, **overrides})


def test_prompts_are_deterministic_training_space_and_clean() -> None:
    kept, dropped = synth_prompts.fresh_prompts("t", 12, [1, 2, 3, 4, 5])
    again, _ = synth_prompts.fresh_prompts("t", 12, [1, 2, 3, 4, 5])
    assert kept == again and dropped == []
    assert [p["level"] for p in kept] == [1, 2, 3, 4, 5] * 2 + [1, 2]
    from vff.suite import release

    train = {t.id for t in release.tasks_in("train")}
    assert all(p["task_id"] in train for p in kept)
    assert kept[0]["id"] == "synth-t-0001"


def test_a_prompt_sharing_a_13gram_with_a_benchmark_prompt_is_dropped(monkeypatch) -> None:
    kept, _ = synth_prompts.fresh_prompts("t", 12, [1, 2, 3, 4, 5])
    victim = kept[3]
    index = Decontaminator()
    index.add_text("ifeval:999", "preamble " + victim["prompt"][:400])
    monkeypatch.setattr(synth_prompts, "benchmark_index", lambda: index)
    kept2, dropped = synth_prompts.fresh_prompts("t", 12, [1, 2, 3, 4, 5])
    assert [d["id"] for d in dropped] == [victim["id"]]
    assert dropped[0]["kind"] == "ngram" and dropped[0]["reference"] == "ifeval:999"
    assert len(kept2) == 11


def test_benchmark_index_holds_ifeval_and_ifbench_prompts() -> None:
    index = synth_prompts.benchmark_index()
    from vff.suite.catalog import get_suite

    ifbench = get_suite("ifbench").records()[5]["prompt"]
    finding = index.check_text("Please do this: " + ifbench)
    assert finding is not None and finding.reference.startswith(("ifbench:", "ifeval:"))


def cand(k: int, failed: tuple[str, ...] = (), tokens: int = 10, finish: str = "stop"):
    return rec.Candidate(k, k, f"text {k}", tokens, finish, failed, tuple("r" for _ in failed))


def test_selection_is_deterministic() -> None:
    pool = [
        cand(0, ("a",)),
        cand(1, tokens=30),
        cand(2, tokens=20, finish="length"),
        cand(3, tokens=30),
        cand(4, ("a", "b")),
        cand(5, ("c", "d")),
    ]
    assert rec.best(pool).k == 1  # finished first, then shortest, then lowest k
    assert rec.worst(pool).k == 4  # most failures, then lowest k
    assert rec.most_fixable(pool).k == 0
    assert rec.best([cand(0, ("a",))]) is None and rec.worst([cand(0)]) is None


def test_a_run_writes_exact_trl_records(tmp_path: Path, witnesses) -> None:
    backend = ScriptedBackend(witnesses)
    stats = synth(config(tmp_path / "s", repair=True), backend=backend)
    sft, pairs = lines(tmp_path / "s" / "sft.jsonl"), lines(tmp_path / "s" / "pairs.jsonl")
    repairs = lines(tmp_path / "s" / "repairs.jsonl")
    # seed 0 (k=0) answers with the witness (passes), seed 1 (k=1) with "no." (which passes
    # a few level-1 prompts, and then wins: shorter)
    ledger = {r["prompt_id"]: r for r in lines(tmp_path / "s" / "verified.jsonl")}
    assert [r["responses"][0]["passed"] for r in ledger.values()] == [True] * 12
    no_passes = {p for p, r in ledger.items() if r["responses"][1]["passed"]}
    assert len(sft) == 12 and 0 < len(no_passes) < 12
    for r in sft:
        want = "no." if r["prompt_id"] in no_passes else witnesses[r["messages"][0]["content"]]
        assert r["messages"][1]["content"] == want
    failing_prompts = set(ledger) - no_passes
    assert {r["prompt_id"] for r in pairs} == failing_prompts
    assert all(r["rejected"][0]["content"] == "no." for r in pairs)
    assert {r["prompt_id"] for r in repairs} == failing_prompts
    for record in sft:
        validate_sft(record)
    for record in pairs:
        validate_pair(record)
    for record in repairs:
        validate_repair(record)
        assert record["prompt"][1]["content"] == "no."
        assert record["prompt"][2]["content"].startswith("Your response does not meet")
    first = sft[0]
    assert set(first) == {
        "messages", "prompt_id", "level", "domain", "task_id", "constraint_types", "model", "seed",
    }  # fmt: skip
    assert first["level"] == 1 and first["model"] == "scripted" and first["seed"] == 0
    assert stats["prompts"] == {
        "requested": 12, "dropped": 0, "dropped_by_kind": {}, "kept": 12, "done": 12,
    }  # fmt: skip
    assert stats["responses"]["verified"] == 24
    assert stats["responses"]["passed"] == 12 + (12 - len(failing_prompts))
    assert stats["written"] == {
        "sft": 12, "pairs": len(failing_prompts), "repairs": len(failing_prompts),
        "repair_attempts": len(failing_prompts),
    }  # fmt: skip
    card = (tmp_path / "s" / "README.md").read_text(encoding="utf-8")
    assert "| `sft.jsonl` | 12 |" in card and "12 prompts generated, 0 dropped" in card
    # every request once: 24 responses + one repair per failing prompt
    assert len(backend.calls) == 24 + len(failing_prompts)


def test_records_load_with_datasets(tmp_path: Path, witnesses) -> None:
    datasets = pytest.importorskip("datasets")
    synth(config(tmp_path / "s"), backend=ScriptedBackend(witnesses))
    sft = datasets.load_dataset("json", data_files=str(tmp_path / "s" / "sft.jsonl"), split="train")
    pairs = datasets.load_dataset(
        "json", data_files=str(tmp_path / "s" / "pairs.jsonl"), split="train"
    )
    assert sft.num_rows == 12 and sft[0]["messages"][0]["role"] == "user"
    assert set(pairs.column_names) >= {"prompt", "chosen", "rejected", "level"}


def test_greedy_with_several_samples_is_refused(tmp_path: Path, witnesses) -> None:
    with pytest.raises(SynthError, match="temperature above 0"):
        synth(
            config(tmp_path / "s", params=GenerationParams(temperature=0)),
            backend=ScriptedBackend(witnesses),
        )


def test_interrupted_run_resumes_to_identical_files(tmp_path: Path, witnesses) -> None:
    whole = tmp_path / "whole"
    reference = ScriptedBackend(witnesses)
    synth(config(whole, repair=True), backend=reference)

    cut = tmp_path / "cut"
    with pytest.raises(KeyboardInterrupt):
        synth(config(cut, repair=True), backend=ScriptedBackend(witnesses, fail_after=9))
    done = len(lines(cut / "verified.jsonl"))
    assert 0 < done < 12
    # a crash mid-write: a partial line, and a record of an uncommitted prompt
    with (cut / "sft.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"messages": [], "prompt_id": "synth-t-0012"}) + "\n")
        fh.write('{"messages": [{"role": "us')
    resumed = ScriptedBackend(witnesses)
    synth(config(cut, repair=True), backend=resumed)
    for name in ("sft.jsonl", "pairs.jsonl", "repairs.jsonl"):
        assert (cut / name).read_bytes() == (whole / name).read_bytes(), name
    strip = lambda rows: [{k: v for k, v in r.items() if k != "wall_s"} for r in rows]  # noqa: E731
    assert strip(lines(cut / "verified.jsonl")) == strip(lines(whole / "verified.jsonl"))
    # nothing generated twice across the interruption
    with RunStore(cut / "generations.sqlite") as store:
        assert set(store.event_counts().values()) == {1}
    assert 9 + len(resumed.calls) == len(reference.calls)


def test_another_configuration_in_the_same_directory_is_refused(tmp_path: Path, witnesses) -> None:
    synth(config(tmp_path / "s", n=5), backend=ScriptedBackend(witnesses))
    with pytest.raises(SynthError, match="another n"):
        synth(config(tmp_path / "s", n=6), backend=ScriptedBackend(witnesses))


def test_failed_and_empty_requests_are_counted_never_written(tmp_path: Path, witnesses) -> None:
    backend = ScriptedBackend(witnesses)
    backend.errors = {1}  # every k=1 request fails for good
    backend.empty = {0}  # every k=0 first attempt is empty: retried with another seed
    stats = synth(config(tmp_path / "s"), backend=backend)
    assert stats["responses"]["errors"] == 12
    assert stats["responses"]["empty"] == 12
    # the retry seed of k=0 is 0 + 1_000_003 (odd): "no." — a failing, non-empty answer
    assert stats["responses"]["verified"] == 12
    for row in lines(tmp_path / "s" / "verified.jsonl"):
        assert row["errors"] == [f"{row['prompt_id']}#1"]
        assert [r["id"] for r in row["responses"]] == [
            f"{row['prompt_id']}#0", f"{row['prompt_id']}#0/retry1",
        ]  # fmt: skip
    texts = [r["messages"][1]["content"] for r in lines(tmp_path / "s" / "sft.jsonl")]
    assert "" not in texts
    assert lines(tmp_path / "s" / "pairs.jsonl") == []


def test_near_duplicates_are_not_written(tmp_path: Path) -> None:
    with SynthOutput(tmp_path, near_duplicate=0.9) as out:
        base = "the quick brown fox jumps over the lazy dog " * 8
        record = {
            "messages": [{"role": "user", "content": "p"}, {"role": "assistant", "content": base}]
        }
        assert out.admit("sft", record)
        near = {
            "messages": [
                {"role": "user", "content": "p"},
                {"role": "assistant", "content": base + "again"},
            ]
        }
        assert not out.admit("sft", near)
        other = {
            "messages": [
                {"role": "user", "content": "p"},
                {"role": "assistant", "content": "a different answer entirely, with other words"},
            ]
        }
        assert out.admit("sft", other)
        assert out.admit("pairs", record)  # each file has its own index


def test_validators_name_the_field() -> None:
    good = {
        "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}],
        "prompt_id": "p", "level": 1, "domain": "d", "task_id": "t", "constraint_types": [], "model": "m",
    }  # fmt: skip
    validate_sft(good)
    bad = {**good, "messages": [{"role": "user", "content": "q"}, {"role": "user", "content": "a"}]}
    with pytest.raises(rec.FormatError, match=r"messages\[1\].role"):
        validate_sft(bad)
    with pytest.raises(rec.FormatError, match="'level'"):
        validate_sft({**good, "level": "1"})
