"""Evaluate a backend on samples, into a run directory.

A run directory holds:

- ``manifest.json``: vff version, model fingerprint, suite (name, split, selection, sha256),
  generation parameters, machine;
- ``generations.sqlite``: every generation, committed one by one (see
  :mod:`vff.runs.store`); re-running the same command resumes where it stopped, and
  several processes may fill one directory at once with disjoint samples (e.g. one
  ``--levels`` range each);
- ``samples.jsonl``: per sample the prompt, the response, and each constraint's strict and
  loose verdict with its reason;
- ``results.json``: the scores (see ``docs/results-schema.md``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from vff import __version__
from vff.backends.base import Backend, Generation, GenerationParams, Message, generate_many
from vff.jsonl import write_atomic, write_jsonl
from vff.runs.store import RunStore, key_of
from vff.score import score
from vff.suite.samples import Sample
from vff.verify import Result, verify_both

RESULTS_SCHEMA = "vff.results/1"
#: Called after each generation with (done, total, generation or None).
Progress = Callable[[int, int, Generation | None], None]


class RunError(RuntimeError):
    """A run directory that cannot be used for this run; the message says why."""


def suite_hash(samples: Sequence[Sample]) -> str:
    """sha256 of the selected samples' canonical JSON (ids, prompts, constraints)."""
    digest = hashlib.sha256()
    for s in samples:
        record = {
            "id": s.id,
            "prompt": s.prompt,
            "constraints": [c.to_dict() for c in s.constraints],
        }
        digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }


def _write_json(path: Path, data: Any) -> None:
    # A temporary file of this writer's own: several processes may fill one run directory.
    write_atomic(path, [json.dumps(data, indent=2, ensure_ascii=False) + "\n"])


def messages_for(sample: Sample, system: str | None = None) -> list[Message]:
    out: list[Message] = [{"role": "system", "content": system}] if system else []
    out.append({"role": "user", "content": sample.prompt})
    return out


def _check_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """A run directory holds one model and one set of generation params."""
    if not path.exists():
        return
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunError(f"{path}: unreadable manifest ({exc}); use another --out") from None
    for field in ("model", "params", "system_prompt"):
        if old.get(field) != manifest.get(field):
            raise RunError(
                f"{path.parent} holds a run with another {field} "
                f"({json.dumps(old.get(field))[:200]}); use another --out to start a new run"
            )


def run_generation(
    samples: Sequence[Sample],
    backend: Backend,
    params: GenerationParams,
    out_dir: str | Path,
    *,
    suite: dict[str, Any],
    system_prompt: str | None = None,
    concurrency: int = 1,
    progress: Progress | None = None,
) -> dict[str, Generation]:
    """Generate what is missing for ``samples`` into the run directory; return all generations."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fingerprint = backend.fingerprint()
    manifest = {
        "vff_version": __version__,
        "model": fingerprint,
        "params": params.model_dump(mode="json"),
        "system_prompt": system_prompt,
        "suite": {**suite, "samples": len(samples), "sha256": suite_hash(samples)},
        "machine": machine(),
        "argv": sys.argv,
        "updated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    _check_manifest(out / "manifest.json", manifest)
    _write_json(out / "manifest.json", manifest)

    model_key, params_key = key_of(fingerprint), key_of([manifest["params"], system_prompt])
    ids = [str(s.id) for s in samples]
    with RunStore(out / "generations.sqlite") as store:
        done = store.done(model_key, params_key)
        todo = [s for s in samples if str(s.id) not in done]
        finished = len(samples) - len(todo)
        if progress:
            progress(finished, len(samples), None)
        conversations = [messages_for(s, system_prompt) for s in todo]
        for index, generation in generate_many(backend, conversations, params, concurrency):
            store.put(str(todo[index].id), model_key, params_key, generation)
            finished += 1
            if progress:
                progress(finished, len(samples), generation)
        return store.get(model_key, params_key, ids)


def score_run(
    samples: Sequence[Sample],
    generations: dict[str, Generation],
    out_dir: str | Path,
    *,
    wall_time_s: float | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Verify every response strictly and loosely, write samples.jsonl and results.json."""
    out = Path(out_dir)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    missing = [str(s.id) for s in samples if str(s.id) not in generations]
    if missing:
        raise RunError(f"{len(missing)} sample(s) have no generation yet: {', '.join(missing[:5])}")
    strict: list[Result] = []
    loose: list[Result] = []
    records = []
    for s in samples:
        g = generations[str(s.id)]
        rs, rl = verify_both(s, g.text)
        strict.append(rs)
        loose.append(rl)
        records.append(
            {
                s.id_field: s.id,
                "prompt": s.prompt,
                "response": g.text,
                "level": s.meta.get("level"),
                "domain": s.meta.get("domain"),
                "instruction_id_list": s.constraint_ids,
                "params": [c.to_dict()["params"] for c in s.constraints],
                "follow_instruction_list": [v.ok for v in rs.verdicts],
                "follow_all_instructions": rs.follow_all,
                "follow_instruction_list_loose": [v.ok for v in rl.verdicts],
                "follow_all_instructions_loose": rl.follow_all,
                "reasons": [v.reason for v in rs.verdicts],
                "reasons_loose": [v.reason for v in rl.verdicts],
                "prompt_tokens": g.prompt_tokens,
                "completion_tokens": g.completion_tokens,
                "latency_s": round(g.latency_s, 4),
                "finish_reason": g.finish_reason,
            }
        )
    scores = score(strict, loose, seed=seed)
    gens = [generations[str(s.id)] for s in samples]
    generation_time = sum(g.latency_s for g in gens)
    completion_tokens = sum(g.completion_tokens for g in gens)
    results = {
        "schema": RESULTS_SCHEMA,
        "vff_version": __version__,
        "suite": manifest["suite"],
        "model": manifest["model"],
        "params": manifest["params"],
        **scores,
        "usage": {
            "prompt_tokens": sum(g.prompt_tokens for g in gens),
            "completion_tokens": completion_tokens,
            "generation_time_s": round(generation_time, 3),
            "tokens_per_s": round(completion_tokens / generation_time, 2)
            if generation_time
            else 0.0,
            "mean_latency_s": round(generation_time / len(gens), 4) if gens else 0.0,
            "truncated": sum(g.finish_reason == "length" for g in gens),
            "wall_time_s": None if wall_time_s is None else round(wall_time_s, 3),
        },
    }
    write_jsonl(out / "samples.jsonl", records)
    _write_json(out / "results.json", results)
    return results


def evaluate(
    samples: Sequence[Sample],
    backend: Backend,
    params: GenerationParams,
    out_dir: str | Path,
    *,
    suite: dict[str, Any],
    system_prompt: str | None = None,
    concurrency: int = 1,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Generate (resuming), verify and score; returns the results written to results.json."""
    if not samples:
        raise RunError("no samples to evaluate")
    start = time.perf_counter()
    generations = run_generation(
        samples,
        backend,
        params,
        out_dir,
        suite=suite,
        system_prompt=system_prompt,
        concurrency=concurrency,
        progress=progress,
    )
    return score_run(samples, generations, out_dir, wall_time_s=time.perf_counter() - start)


__all__ = ["RunError", "evaluate", "run_generation", "score_run", "suite_hash"]
