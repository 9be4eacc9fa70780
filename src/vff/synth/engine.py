"""The synth engine: prompts → K responses each → verification → training records.

Two ways to run the same pipeline, with the same output for the same inputs:

* ``local``: one backend in this process; ``concurrency`` prompts' requests in flight
  (useful with an OpenAI-compatible teacher).
* ``ray``: ``workers`` Ray actors, each holding its own backend, generate; verification
  runs as Ray tasks in parallel; the driver stores generations and commits prompts in
  order, so the files are identical to a local run's.

Every generation is saved in ``generations.sqlite`` as soon as it arrives (as ``vff eval``
does) and every finished prompt is committed to the output files
(:class:`vff.synth.output.SynthOutput`): an interrupted run resumes where it stopped,
without duplicates and without generating anything twice.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from vff import __version__
from vff.backends import Backend, BackendError, Generation, GenerationParams, Message
from vff.jsonl import write_jsonl
from vff.runs.store import RunStore, key_of
from vff.synth import records as rec
from vff.synth.output import SynthOutput
from vff.synth.prompts import fresh_prompts
from vff.synth.stats import compute_stats, write_card

Engine = Literal["local", "ray"]
#: Attempts per response when a backend returns empty text (each with its own seed).
EMPTY_ATTEMPTS = 3


class SynthError(RuntimeError):
    """A synth run that cannot start or continue; the message says why."""


@dataclass
class SynthConfig:
    """Everything that defines a synth run (recorded in ``DIR/synth.json``)."""

    out: Path
    backend: str = "llamacpp"
    backend_options: dict[str, Any] = field(default_factory=dict)
    model: str = "qwen2.5-0.5b-instruct"  # the label records carry
    n: int = 100
    seed: str = "0"
    levels: Sequence[int] = (1, 2, 3, 4, 5)
    domains: Sequence[str] | None = None
    samples_per_prompt: int = 4
    params: GenerationParams = field(
        default_factory=lambda: GenerationParams(temperature=0.8, top_p=0.95)
    )
    repair: bool = False
    engine: Engine = "local"
    workers: int = 1
    concurrency: int = 1
    near_duplicate: float = 0.9

    def identity(self) -> dict[str, Any]:
        """What must not change when a run resumes."""
        return {
            "n": self.n,
            "seed": self.seed,
            "levels": list(self.levels),
            "domains": list(self.domains) if self.domains else None,
            "samples_per_prompt": self.samples_per_prompt,
            "params": self.params.model_dump(mode="json"),
            "repair": self.repair,
            "near_duplicate": self.near_duplicate,
            "model": self.model,
        }


@dataclass(frozen=True)
class Request:
    """One generation to make: its store id, conversation and parameters."""

    sample_id: str
    messages: list[Message]
    params: GenerationParams


Progress = Callable[[int, int, dict[str, Any] | None], None]


# ---------------------------------------------------------------- per-prompt steps


def response_requests(
    prompt: dict[str, Any], config: SynthConfig, attempt: int = 0
) -> list[Request]:
    """The K requests of a prompt (attempt > 0: the retries of empty responses)."""
    messages: list[Message] = [{"role": "user", "content": prompt["prompt"]}]
    return [
        Request(
            attempt_id(prompt["id"], k, attempt),
            messages,
            config.params.model_copy(update={"seed": response_seed(config, k, attempt)}),
        )
        for k in range(config.samples_per_prompt)
    ]


def attempt_id(prompt_id: str, k: int, attempt: int) -> str:
    return f"{prompt_id}#{k}" if attempt == 0 else f"{prompt_id}#{k}/retry{attempt}"


def response_seed(config: SynthConfig, k: int, attempt: int) -> int:
    return config.params.seed + k + attempt * 1_000_003


def verify_text(prompt: dict[str, Any], text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Strict verification: the ids and reasons of the constraints ``text`` fails."""
    from vff.suite.samples import sample_from_record
    from vff.verify import verify

    result = verify(sample_from_record(prompt), text)
    failed = [
        (c.id, v.reason)
        for c, v in zip(result.sample.constraints, result.verdicts, strict=True)
        if not v.ok
    ]
    return tuple(f for f, _ in failed), tuple(r for _, r in failed)


def verify_responses(
    prompt: dict[str, Any], responses: Sequence[tuple[int, int, Generation]]
) -> list[rec.Candidate]:
    """Candidates from ``(k, seed, generation)`` triples (non-empty texts only)."""
    out = []
    for k, seed, generation in responses:
        failed, reasons = verify_text(prompt, generation.text)
        out.append(
            rec.Candidate(
                k=k,
                seed=seed,
                text=generation.text,
                completion_tokens=generation.completion_tokens,
                finish_reason=generation.finish_reason,
                failed=failed,
                reasons=reasons,
            )
        )
    return out


@dataclass
class PromptWork:
    """What is known of one prompt while it moves through the pipeline."""

    prompt: dict[str, Any]
    generations: dict[str, Generation] = field(default_factory=dict)  # by store id
    errors: list[str] = field(default_factory=list)
    candidates: list[rec.Candidate] = field(default_factory=list)
    repair_of: rec.Candidate | None = None
    repair: Generation | None = None
    repair_failed: tuple[str, ...] = ()


def chosen_responses(
    work: PromptWork, config: SynthConfig
) -> tuple[list[tuple[int, int, Generation]], list[Request]]:
    """The usable response of each k so far, and the retries still needed (empty text)."""
    usable, retries = [], []
    for k in range(config.samples_per_prompt):
        for attempt in range(EMPTY_ATTEMPTS):
            sid = attempt_id(work.prompt["id"], k, attempt)
            generation = work.generations.get(sid)
            if generation is None:
                if sid not in work.errors:
                    retries.append(response_requests(work.prompt, config, attempt)[k])
                break
            if generation.text.strip():
                usable.append((k, response_seed(config, k, attempt), generation))
                break
    return usable, retries


def repair_request(work: PromptWork, config: SynthConfig) -> Request | None:
    if not config.repair:
        return None
    failing = rec.most_fixable(work.candidates)
    if failing is None:
        return None
    work.repair_of = failing
    messages: list[Message] = rec.repair_messages(work.prompt, failing)  # type: ignore[assignment]
    return Request(f"{work.prompt['id']}#repair", messages, config.params)


def _order(sample_id: str) -> tuple[int, int]:
    """(k, attempt) of a response id ``P#k`` or ``P#k/retryA`` (the repair sorts last)."""
    tail = sample_id.rsplit("#", 1)[1]
    if tail == "repair":
        return (1 << 30, 0)
    k, _, retry = tail.partition("/retry")
    return int(k), int(retry or 0)


def finish(
    work: PromptWork, config: SynthConfig, output: SynthOutput
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The ledger line and the records of a finished prompt."""
    prompt, model = work.prompt, config.model
    out: dict[str, list[dict[str, Any]]] = {"sft": [], "pairs": [], "repairs": []}
    chosen, rejected = rec.best(work.candidates), rec.worst(work.candidates)
    sft = pair = repair = "none"
    if chosen is not None:
        record = rec.sft_record(prompt, chosen, model)
        sft = "written" if output.admit("sft", record) else "near_duplicate"
        if sft == "written":
            out["sft"].append(record)
    if chosen is not None and rejected is not None:
        record = rec.pair_record(prompt, chosen, rejected, model)
        pair = "written" if output.admit("pairs", record) else "near_duplicate"
        if pair == "written":
            out["pairs"].append(record)
    if not config.repair:
        repair = "off"
    elif work.repair_of is not None and work.repair is not None:
        if work.repair.text.strip() and not work.repair_failed:
            record = rec.repair_record(prompt, work.repair_of, work.repair.text, model)
            repair = "written" if output.admit("repairs", record) else "near_duplicate"
            if repair == "written":
                out["repairs"].append(record)
        else:
            repair = "failed"
    elif work.repair_of is not None:
        repair = "error"
    verified = {c.seed: c for c in work.candidates}  # a seed names one (k, attempt)
    responses = []
    for (k, attempt), sid in sorted((_order(sid), sid) for sid in work.generations):
        if sid.endswith("#repair"):
            continue
        generation = work.generations[sid]
        checked = verified.get(response_seed(config, k, attempt))  # None: empty text
        responses.append(
            {
                "id": sid,
                "text": generation.text,
                "passed": checked is not None and checked.passed,
                "failed": list(checked.failed) if checked else [],
                "reasons": list(checked.reasons) if checked else [],
                "empty": not generation.text.strip(),
                "prompt_tokens": generation.prompt_tokens,
                "completion_tokens": generation.completion_tokens,
                "latency_s": round(generation.latency_s, 4),
                "finish_reason": generation.finish_reason,
            }
        )
    row = {
        **rec.tags(prompt, model),
        "responses": responses,
        "errors": list(work.errors),
        "sft": sft,
        "pair": pair,
        "repair": repair,
        "repair_response": None
        if work.repair is None
        else {
            "text": work.repair.text,
            "failed": list(work.repair_failed),
            "prompt_tokens": work.repair.prompt_tokens,
            "completion_tokens": work.repair.completion_tokens,
        },
        "wall_s": 0.0,  # set when committed
    }
    return row, out


# ---------------------------------------------------------------- the run


def _check_manifest(config: SynthConfig, fingerprint: dict[str, Any]) -> None:
    path = config.out / "synth.json"
    identity = {**config.identity(), "fingerprint": fingerprint}
    if path.exists():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SynthError(f"{path}: unreadable ({exc}); use another --out") from None
        for name, value in identity.items():
            if old.get("identity", {}).get(name) != value:
                raise SynthError(
                    f"{config.out} holds a synth run with another {name} "
                    f"({json.dumps(old.get('identity', {}).get(name))[:200]}); use another --out"
                )
    manifest = {
        "vff_version": __version__,
        "identity": identity,
        "backend": config.backend,
        "engine": config.engine,
        "workers": config.workers,
        "argv": sys.argv,
        "updated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def synth(
    config: SynthConfig,
    progress: Progress | None = None,
    backend: Backend | None = None,
) -> dict[str, Any]:
    """Run (or resume) a synth job; returns the statistics written to ``stats.json``.

    ``backend``: an already built backend for the local engine (otherwise built from
    ``config.backend`` and ``config.backend_options``, and closed at the end).
    """
    if config.samples_per_prompt < 1:
        raise SynthError("samples per prompt must be at least 1")
    if config.samples_per_prompt > 1 and config.params.temperature == 0:
        raise SynthError(
            "greedy decoding (temperature 0) gives the same response every time: "
            "use a temperature above 0 with more than one sample per prompt"
        )
    config.out.mkdir(parents=True, exist_ok=True)
    prompts, dropped = fresh_prompts(config.seed, config.n, config.levels, config.domains)
    started = time.perf_counter()
    if config.engine == "ray":
        from vff.synth.ray_engine import RayPool

        pool: Any = RayPool(config)
    else:
        pool = LocalPool(config, backend)
    try:
        _check_manifest(config, pool.fingerprint())  # before anything is written
        write_jsonl(config.out / "dropped.jsonl", dropped)
        with (
            SynthOutput(config.out, config.near_duplicate) as output,
            RunStore(config.out / "generations.sqlite") as store,
        ):
            model_key = key_of(pool.fingerprint())
            params_key = key_of(config.params.model_dump(mode="json"))
            todo = [p for p in prompts if p["id"] not in output.done]
            total, finished = len(prompts), len(prompts) - len(todo)
            if progress:
                progress(finished, total, None)
            last = time.perf_counter()
            for row, records in _pipeline(todo, config, pool, store, model_key, params_key, output):
                now = time.perf_counter()
                row["wall_s"] = round(now - last, 4)
                last = now
                output.commit(row, records)
                finished += 1
                if progress:
                    progress(finished, total, row)
            ledger = list(output.ledger)
        fingerprint = pool.fingerprint()
    finally:
        pool.close()
    stats = compute_stats(
        config, fingerprint, ledger, prompts, dropped, time.perf_counter() - started
    )
    (config.out / "stats.json").write_text(
        json.dumps(stats, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    write_card(config, stats)
    return stats


def _pipeline(
    todo: Sequence[dict[str, Any]],
    config: SynthConfig,
    pool: Any,
    store: RunStore,
    model_key: str,
    params_key: str,
    output: SynthOutput,
) -> Iterator[tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]]:
    """Finished prompts, in order: generate what is missing, verify, repair, select."""
    window = max(1, config.concurrency if config.engine == "local" else 2 * config.workers)
    for start in range(0, len(todo), window):
        works = [PromptWork(p) for p in todo[start : start + window]]
        for work in works:  # what an interrupted run already generated
            ids = [
                attempt_id(work.prompt["id"], k, a)
                for k in range(config.samples_per_prompt)
                for a in range(EMPTY_ATTEMPTS)
            ]
            work.generations.update(
                store.get(model_key, params_key, [*ids, f"{work.prompt['id']}#repair"])
            )
        for _ in range(EMPTY_ATTEMPTS):
            needed = [(w, r) for w in works for r in chosen_responses(w, config)[1]]
            if not needed:
                break
            _generate(pool, needed, store, model_key, params_key)
        verified = pool.verify([(w.prompt, chosen_responses(w, config)[0]) for w in works])
        for work, candidates in zip(works, verified, strict=True):
            work.candidates = candidates
        repairs = []
        for work in works:
            request = repair_request(work, config)
            if request is None:
                continue
            if request.sample_id in work.generations:
                work.repair = work.generations.pop(request.sample_id)
            elif request.sample_id not in work.errors:
                repairs.append((work, request))
        _generate(pool, repairs, store, model_key, params_key, repair=True)
        fixes = [w for w in works if w.repair is not None and w.repair.text.strip()]
        checked = pool.verify(
            [(w.prompt, [(0, 0, w.repair)]) for w in fixes]  # type: ignore[list-item]
        )
        for work, candidates in zip(fixes, checked, strict=True):
            work.repair_failed = candidates[0].failed
        for work in works:
            work.generations.pop(f"{work.prompt['id']}#repair", None)
            yield finish(work, config, output)


def _generate(
    pool: Any,
    needed: Sequence[tuple[PromptWork, Request]],
    store: RunStore,
    model_key: str,
    params_key: str,
    repair: bool = False,
) -> None:
    for (work, request), result in zip(needed, pool.generate([r for _, r in needed]), strict=True):
        if isinstance(result, str):  # the backend failed for good: counted, never written
            work.errors.append(request.sample_id)
            continue
        store.put(request.sample_id, model_key, params_key, result)
        if repair:
            work.repair = result
        else:
            work.generations[request.sample_id] = result


class LocalPool:
    """Generation and verification in this process (``concurrency`` requests at once)."""

    def __init__(self, config: SynthConfig, backend: Backend | None = None) -> None:
        from vff.backends import make_backend

        self._own = backend is None
        try:
            self.backend = backend or make_backend(config.backend, **dict(config.backend_options))
        except (BackendError, ValueError) as exc:
            raise SynthError(str(exc)) from None
        self.concurrency = config.concurrency
        self._fingerprint = self.backend.fingerprint()

    def fingerprint(self) -> dict[str, Any]:
        return self._fingerprint

    def generate(self, requests: Sequence[Request]) -> list[Generation | str]:
        """One result per request, in order: a generation, or the error message."""

        def one(request: Request) -> Generation | str:
            try:
                return self.backend.generate(request.messages, request.params)
            except BackendError as exc:
                return str(exc)

        if self.concurrency <= 1 or len(requests) <= 1:
            return [one(r) for r in requests]
        with ThreadPoolExecutor(max_workers=self.concurrency) as threads:
            return list(threads.map(one, requests))

    def verify(
        self, jobs: Sequence[tuple[dict[str, Any], Sequence[tuple[int, int, Generation]]]]
    ) -> list[list[rec.Candidate]]:
        return [verify_responses(prompt, responses) for prompt, responses in jobs]

    def close(self) -> None:
        if self._own:
            self.backend.close()
