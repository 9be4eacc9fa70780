"""Benchmark: constraint checks per second on one core, and worst-case time on 1 MB inputs.

Two measurements, both on one pinned core:

1. Throughput on typical responses: every registered constraint type (with its example
   parameters) checked against the 541 GPT-4 IFEval responses (median 1.9 KB), strict.
2. Worst case: every type checked against hostile 1 MB responses (deep nesting, one long
   line, many lines, dots, stars, lone surrogates, ...), each cut to the most the type
   reads (``max_chars``: 1 MB, or 100,000 characters for IFBench's types, which fail longer
   responses unread); prints the slowest pairs.

Run::

    python benchmarks/check_speed.py [--module ifeval --module length ...] [--slowest 5]

``--module`` keeps the types defined in those modules of ``vff.constraints`` (repeatable;
default: every registered type). Memos (:func:`vff.constraints.text.clear_memos`) are
emptied after the warm-up, so no response's sentence splits are known before it is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

from vff.constraints import all_types, hostile, make
from vff.constraints.text import clear_memos

ROOT = Path(__file__).resolve().parents[1]
RESPONSES = ROOT / "tests" / "data" / "ifeval" / "input_response_data_gpt4_20231107_145030.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--module",
        action="append",
        default=[],
        help="only types defined in vff.constraints.MODULE (repeatable)",
    )
    parser.add_argument(
        "--slowest", type=int, default=5, help="how many of the slowest 1 MB checks to list"
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    responses = [json.loads(line)["response"] for line in RESPONSES.open(encoding="utf-8")]
    modules = {f"vff.constraints.{name}" for name in args.module}
    types = [t for t in all_types() if not modules or type(t).__module__ in modules]
    if not types:
        raise SystemExit(f"no constraint types in {sorted(modules)}")
    constraints = [make(t.id, t.example) for t in types]
    for c in constraints:  # load models, compile patterns
        c.check(responses[0])
    clear_memos()

    start = time.perf_counter()
    for response in responses:
        for c in constraints:
            c.check(response)
    elapsed = time.perf_counter() - start
    checks = len(responses) * len(constraints)
    sizes = [len(r.encode("utf-8")) for r in responses]
    print(f"machine: {platform.machine()} python {platform.python_version()}, 1 core")
    if modules:
        print(f"modules: {', '.join(sorted(args.module))}")
    print(
        f"typical: {len(constraints)} types x {len(responses)} responses "
        f"(median {statistics.median(sizes) / 1024:.1f} KiB) = {checks:,} checks "
        f"in {elapsed:.2f} s -> {checks / elapsed:,.0f} checks/s"
    )

    slowest = []
    for name, text in hostile.INPUTS.items():
        for c in constraints:
            cut = text[: c.type.max_chars]  # the most a type reads: longer input fails unread
            start = time.perf_counter()
            c.check(cut)
            slowest.append((time.perf_counter() - start, c.id, name))
    slowest.sort(reverse=True)
    print(
        f"1 MB worst cases, cut to max_chars ({len(hostile.INPUTS)} inputs x {len(constraints)} types), slowest {args.slowest}:"
    )
    for seconds, type_id, name in slowest[: args.slowest]:
        print(f"  {seconds * 1000:7.1f} ms  {type_id}  on {name}")
    over = [s for s in slowest if s[0] > 0.1]
    print(f"checks over 100 ms: {len(over)}")


if __name__ == "__main__":
    main()
