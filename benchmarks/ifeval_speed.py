"""Benchmark: vff's IFEval checks vs IFEval's reference scorer, same responses, same run.

Scores IFEval's 541 prompts against the GPT-4 responses (tests/data/ifeval), strict and
loose, once with vff and once with the reference implementation (Google's IFEval code as
packaged in the PyPI package ``if-verifiable``), on one pinned CPU core. Prints wall times,
checks per second, the speed ratio and the verdict agreement.

Setup (the reference is only needed here, never by vff itself)::

    pip install -e ".[test]"
    pip install --no-deps if-verifiable==0.1.2 && pip install immutabledict

Run::

    python benchmarks/ifeval_speed.py [--repeat 3]

The reference reads NLTK's ``punkt_tab`` model; the script points ``NLTK_DATA`` at a
temporary copy of the one vff ships, so it runs offline. langdetect is seeded (0) for the
reference, as for the golden verdicts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "ifeval"


def load_rows() -> tuple[list[dict], dict[str, str]]:
    inputs = [json.loads(line) for line in (DATA / "input_data.jsonl").open(encoding="utf-8")]
    responses = {}
    for line in (DATA / "input_response_data_gpt4_20231107_145030.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        responses[row["prompt"]] = row["response"]
    return inputs, responses


def prepare_reference() -> types.ModuleType:
    """Import the reference's instruction registry offline."""
    from vff.constraints.text import PUNKT_DIR

    nltk_home = Path(tempfile.mkdtemp(prefix="vff-bench-nltk-"))
    shutil.copytree(PUNKT_DIR, nltk_home / "tokenizers" / "punkt_tab" / "english")
    os.environ["NLTK_DATA"] = str(nltk_home)
    if "datasets" not in sys.modules:
        try:
            import datasets  # noqa: F401
        except (
            ImportError
        ):  # the reference's package imports it at top level, but never uses it here
            stub = types.ModuleType("datasets")
            stub.load_dataset = None  # type: ignore[attr-defined]
            sys.modules["datasets"] = stub
    import langdetect

    langdetect.DetectorFactory.seed = 0
    from if_verifiable.ifeval import instructions_registry

    return instructions_registry


def run_reference(
    registry: types.ModuleType, inputs: list[dict], responses: dict[str, str]
) -> list[list[bool]]:
    """IFEval's evaluation loop: for each prompt, strict then loose, as evaluation_lib does."""
    out = []
    for row in inputs:
        response = responses[row["prompt"]]
        lines = response.split("\n")
        first, last, both = (
            "\n".join(lines[1:]).strip(),
            "\n".join(lines[:-1]).strip(),
            "\n".join(lines[1:-1]).strip(),
        )
        variants = [
            response,
            response.replace("*", ""),
            first,
            last,
            both,
            first.replace("*", ""),
            last.replace("*", ""),
            both.replace("*", ""),
        ]
        strict, loose = [], []
        for index, instruction_id in enumerate(row["instruction_id_list"]):
            for mode, bucket in (("strict", strict), ("loose", loose)):
                instruction = registry.INSTRUCTION_DICT[instruction_id](instruction_id)
                kwargs = {k: v for k, v in row["kwargs"][index].items() if v is not None}
                instruction.build_description(**kwargs)
                args = instruction.get_instruction_args()
                if args and "prompt" in args:
                    instruction.build_description(prompt=row["prompt"])
                if mode == "strict":
                    bucket.append(bool(response.strip() and instruction.check_following(response)))
                else:
                    bucket.append(
                        any(v.strip() and instruction.check_following(v) for v in variants)
                    )
        out.append(strict + loose)
    return out


def run_vff(inputs: list[dict], responses: dict[str, str]) -> list[list[bool]]:
    from vff.suite import sample_from_record

    out = []
    for row in inputs:
        sample = sample_from_record(row)
        response = responses[row["prompt"]]
        strict = [c.check(response).ok for c in sample.constraints]
        loose = [c.check(response, loose=True).ok for c in sample.constraints]
        out.append(strict + loose)
    return out


def best_of(repeat: int, fn, *args) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each scorer; the best is kept"
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    inputs, responses = load_rows()
    checks = 2 * sum(len(r["instruction_id_list"]) for r in inputs)
    registry = prepare_reference()
    (
        run_vff(inputs[:5], responses),
        run_reference(registry, inputs[:5], responses),
    )  # warm caches, load models

    vff_time, vff_out = best_of(args.repeat, run_vff, inputs, responses)
    ref_time, ref_out = best_of(args.repeat, run_reference, registry, inputs, responses)
    agree = sum(
        a == b for va, ra in zip(vff_out, ref_out, strict=True) for a, b in zip(va, ra, strict=True)
    )

    print(
        f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}, 1 core"
    )
    print(
        f"workload: {len(inputs)} IFEval prompts x GPT-4 responses, strict + loose = {checks} checks"
    )
    print(f"vff:       {vff_time:.3f} s  ({checks / vff_time:,.0f} checks/s)")
    print(f"reference: {ref_time:.3f} s  ({checks / ref_time:,.0f} checks/s)")
    print(f"speed-up:  {ref_time / vff_time:.1f}x")
    print(f"agreement: {agree}/{checks} verdicts ({agree / checks:.2%})")


if __name__ == "__main__":
    main()
