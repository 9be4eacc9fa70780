"""Benchmark: vff synth with the embedded model, in process vs on a local Ray instance.

Runs the same synth job twice in one process — ``--engine local``, then ``--engine ray``
with one generation actor — into fresh directories, and prints for each the wall time
(model loading and, for Ray, starting Ray included), verified samples per hour, responses
per hour, yield per level, and the Ray/local wall-time ratio. Both runs must write the same
records (greedy or seeded sampling is deterministic per request).

Run::

    python benchmarks/synth_speed.py [--n 10] [-k 2] [--max-tokens 256] [--threads 2]
"""

from __future__ import annotations

import argparse
import platform
import shutil
import tempfile
import time
from pathlib import Path

from vff import models
from vff.backends import GenerationParams
from vff.synth import SynthConfig, synth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10, help="prompts")
    parser.add_argument("-k", type=int, default=2, help="responses per prompt")
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2, help="llama.cpp threads")
    args = parser.parse_args()
    path = models.pull(models.DEFAULT_MODEL)
    root = Path(tempfile.mkdtemp(prefix="vff-synth-bench-"))
    results = {}
    for engine in ("local", "ray"):
        start = time.perf_counter()
        stats = synth(
            SynthConfig(
                out=root / engine,
                backend="llamacpp",
                backend_options={"model": str(path), "n_threads": args.threads},
                model=models.DEFAULT_MODEL,
                n=args.n,
                seed="bench",
                samples_per_prompt=args.k,
                params=GenerationParams(temperature=0.8, top_p=0.95, max_tokens=args.max_tokens),
                engine=engine,  # type: ignore[arg-type]
            )
        )
        results[engine] = (time.perf_counter() - start, stats)
    same = all(
        (root / "local" / f).read_bytes() == (root / "ray" / f).read_bytes()
        for f in ("sft.jsonl", "pairs.jsonl")
    )
    print(
        f"machine: {platform.machine()} python {platform.python_version()}, {args.threads} threads"
    )
    print(f"job: {args.n} prompts x {args.k} responses, max_tokens {args.max_tokens}, levels 1-5")
    for engine, (wall, stats) in results.items():
        hours = wall / 3600
        print(
            f"{engine:5s}: wall {wall:7.1f} s, {stats['written']['sft']} verified samples "
            f"({stats['written']['sft'] / hours:.1f}/hour), {stats['responses']['total']} responses "
            f"({stats['responses']['total'] / hours:.1f}/hour), "
            f"{stats['tokens']['completion']:,} tokens, yield {stats['responses']['yield']:.1%}"
        )
    local_stats = results["local"][1]
    print("yield by level: " + ", ".join(
        f"L{lv} {c['passed']}/{c['responses']}" for lv, c in local_stats["by_level"].items()
    ))  # fmt: skip
    print(f"ray / local wall time: {results['ray'][0] / results['local'][0]:.2f}x")
    print(f"same sft.jsonl and pairs.jsonl: {same}")
    shutil.rmtree(root)


if __name__ == "__main__":
    main()
