"""Benchmark: `vff eval`'s wall time vs raw llama-cpp-python generation of the same prompts.

Both sides load the default model once (load time excluded), then generate the first N
vff-core test prompts one by one with the same parameters (greedy, seed 0, the GGUF chat
template). The vff side runs the whole evaluation: SQLite store, strict and loose
verification, scoring with bootstrap intervals, and writing results.json and samples.jsonl.
The raw side calls ``Llama.create_chat_completion`` in a loop, resetting the model state
before each prompt as vff's backend does (and, for reference, also without the reset,
letting llama-cpp-python reuse the common prompt prefix). Rounds alternate; the best time
of each side is kept.

Run (on a quiet machine)::

    python benchmarks/eval_overhead.py [--n 20] [--max-tokens 64] [--rounds 2]
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

from vff import models
from vff.backends.base import GenerationParams
from vff.backends.llamacpp import LlamaCppBackend
from vff.runs.evaluate import evaluate
from vff.suite.catalog import load_suite


def raw_pass(llm, prompts: list[str], max_tokens: int, reset: bool) -> tuple[float, list[str]]:
    texts = []
    start = time.perf_counter()
    for prompt in prompts:
        if reset:
            llm.reset()
        out = llm.create_chat_completion(
            messages=[{"role": "user", "content": prompt}],
            temperature=0.0, top_p=1.0, top_k=0, min_p=0.0, repeat_penalty=1.0,
            max_tokens=max_tokens, seed=0,
        )  # fmt: skip
        texts.append(out["choices"][0]["message"]["content"] or "")
    return time.perf_counter() - start, texts


def vff_pass(backend: LlamaCppBackend, samples: list, max_tokens: int) -> tuple[float, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        evaluate(
            samples,
            backend,
            GenerationParams(max_tokens=max_tokens),
            tmp,
            suite={"name": "vff-core"},
        )
        elapsed = time.perf_counter() - start
        lines = (Path(tmp) / "samples.jsonl").read_text(encoding="utf-8").splitlines()
    import json

    return elapsed, [json.loads(x)["response"] for x in lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20, help="prompts (first N of vff-core test)")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    from llama_cpp import Llama

    samples = load_suite("vff-core", "test", limit=args.n)
    prompts = [s.prompt for s in samples]
    path = models.pull(models.DEFAULT_MODEL)
    backend = LlamaCppBackend(path, n_ctx=4096)
    llm = Llama(
        model_path=str(path), n_ctx=4096, n_threads=backend.n_threads,
        n_threads_batch=backend.n_threads, n_batch=512, seed=0, verbose=False,
    )  # fmt: skip
    llm.chat_format = "chat_template.default"
    raw_times, raw_cached_times, vff_times = [], [], []
    for _ in range(args.rounds):
        t, raw_texts = raw_pass(llm, prompts, args.max_tokens, reset=True)
        raw_times.append(t)
        t, vff_texts = vff_pass(backend, samples, args.max_tokens)
        vff_times.append(t)
        t, _ = raw_pass(llm, prompts, args.max_tokens, reset=False)
        raw_cached_times.append(t)
    same = sum(a == b for a, b in zip(raw_texts, vff_texts, strict=True))
    raw, raw_cached, ours = min(raw_times), min(raw_cached_times), min(vff_times)
    print(
        f"machine: {platform.machine()} python {platform.python_version()}, {backend.n_threads} threads"
    )
    print(
        f"workload: {args.n} vff-core test prompts, max_tokens {args.max_tokens}, greedy, best of {args.rounds}"
    )
    print(f"raw llama-cpp-python (reset per prompt): {raw:.2f} s")
    print(f"raw llama-cpp-python (prefix reuse):     {raw_cached:.2f} s")
    print(f"vff eval (generate+store+verify+score):  {ours:.2f} s")
    print(
        f"ratio vff / raw (reset): {ours / raw:.3f}x; vff / raw (prefix reuse): {ours / raw_cached:.3f}x"
    )
    print(f"identical responses: {same}/{args.n}")


if __name__ == "__main__":
    main()
