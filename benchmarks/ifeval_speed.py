"""Benchmark: vff's IFEval checks vs IFEval's reference scorer, same responses, same run.

Scores IFEval's 541 prompts against the GPT-4 responses (tests/data/ifeval), strict and
loose, once with vff and once with the reference implementation (Google's IFEval code as
packaged in the PyPI package ``if-verifiable``), on one pinned CPU core. Prints wall times,
checks per second, the speed ratio, and how both agree with each other and with the golden
verdicts (tests/data/ifeval/golden, Google's current reference code), naming every verdict
where the packaged reference differs from them.

Each vff run starts with its memos empty (:func:`vff.constraints.text.clear_memos`), so no
run reuses sentence splits or token counts of an earlier one.

Setup (the reference is only needed here, never by vff itself)::

    pip install -e ".[test]"
    pip install --no-deps if-verifiable==0.1.2 && pip install immutabledict

Run::

    python benchmarks/ifeval_speed.py [--repeat 3] [--responses RUN/samples.jsonl]

With ``--responses`` it scores another model's responses (a ``vff eval --suite ifeval``
run's ``samples.jsonl`` works as it is) and lists every verdict where vff and the packaged
reference differ.

The reference reads NLTK's ``punkt_tab`` model; the script points ``NLTK_DATA`` at a
temporary copy of the one vff ships, so it runs offline. langdetect is seeded (0) for the
reference, as for the golden verdicts, and so is Python's ``random`` before each reference
run: ``if-verifiable`` 0.1.2 packages an older revision of IFEval whose
``keywords:letter_frequency`` replaces a non-letter argument (key 1122 asks for '#') with a
random letter, so without a seed its verdict there changes between runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "ifeval"


GPT4 = DATA / "input_response_data_gpt4_20231107_145030.jsonl"


def load_rows(path: Path = GPT4) -> tuple[list[dict], dict[str, str]]:
    inputs = [json.loads(line) for line in (DATA / "input_data.jsonl").open(encoding="utf-8")]
    responses = {}
    for line in path.open(encoding="utf-8"):
        row = json.loads(line)
        responses[row["prompt"]] = row["response"]
    missing = [row["key"] for row in inputs if row["prompt"] not in responses]
    if missing:
        raise SystemExit(f"{path}: no response for keys {missing[:10]}")
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
    random.seed(0)
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


def load_golden() -> list[list[bool]]:
    """The golden verdicts in the layout of the runs: per prompt, strict then loose."""
    modes = []
    for mode in ("strict", "loose"):
        path = DATA / "golden" / f"gpt4_{mode}.jsonl"
        modes.append({row["key"]: row for row in map(json.loads, path.open(encoding="utf-8"))})
    strict, loose = modes
    inputs, _ = load_rows()
    return [
        strict[row["key"]]["follow_instruction_list"] + loose[row["key"]]["follow_instruction_list"]
        for row in inputs
    ]


def differences(
    inputs: list[dict], got: list[list[bool]], want: list[list[bool]], name: str = "golden"
) -> list[str]:
    """Every verdict of ``got`` that differs from ``want``, as
    "key N mode type: X (name Y)"."""
    out = []
    for row, got_row, want_row in zip(inputs, got, want, strict=True):
        ids = row["instruction_id_list"]
        for index, (a, b) in enumerate(zip(got_row, want_row, strict=True)):
            if a != b:
                mode = "strict" if index < len(ids) else "loose"
                out.append(f"key {row['key']} {mode} {ids[index % len(ids)]}: {a} ({name} {b})")
    return out


def covering(inputs: list[dict]) -> list[dict]:
    """A few rows that together hold every instruction type (to warm up with)."""
    seen: set[str] = set()
    rows = []
    for row in inputs:
        if not seen.issuperset(row["instruction_id_list"]):
            rows.append(row)
            seen.update(row["instruction_id_list"])
    return rows


def best_of(repeat: int, fn, *args, setup=None) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each scorer; the best is kept"
    )
    parser.add_argument(
        "--responses",
        type=Path,
        default=GPT4,
        help="JSONL with prompt and response for every IFEval prompt (default: GPT-4's), "
        "e.g. a vff eval run's samples.jsonl; golden verdicts exist only for GPT-4's",
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    from vff.constraints.text import clear_memos

    inputs, responses = load_rows(args.responses)
    golden = load_golden() if args.responses.resolve() == GPT4 else None
    checks = 2 * sum(len(r["instruction_id_list"]) for r in inputs)
    registry = prepare_reference()
    warm = covering(inputs)  # load models, compile patterns, build tables
    run_vff(warm, responses)
    run_reference(registry, warm, responses)

    vff_time, vff_out = best_of(args.repeat, run_vff, inputs, responses, setup=clear_memos)
    ref_time, ref_out = best_of(args.repeat, run_reference, registry, inputs, responses)
    disagree = differences(inputs, vff_out, ref_out, "reference")
    vff_off = differences(inputs, vff_out, golden) if golden else []
    ref_off = differences(inputs, ref_out, golden) if golden else []

    print(
        f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}, 1 core"
    )
    source = "GPT-4" if golden else str(args.responses)
    print(
        f"workload: {len(inputs)} IFEval prompts x {source} responses, strict + loose = {checks} checks"
    )
    print(f"vff:       {vff_time:.3f} s  ({checks / vff_time:,.0f} checks/s)")
    print(f"reference: {ref_time:.3f} s  ({checks / ref_time:,.0f} checks/s)")
    print(f"speed-up:  {ref_time / vff_time:.1f}x")
    comparisons = [("vff vs reference", disagree)]
    if golden:
        comparisons += [("vff vs golden", vff_off), ("reference vs golden", ref_off)]
    for name, off in comparisons:
        agree = checks - len(off)
        print(f"{name + ':':21s}{agree}/{checks} verdicts agree ({agree / checks:.2%})")
    if not golden:
        for line in disagree:
            print(f"  vff differs from the reference: {line}")
    for line in ref_off:
        print(f"  reference differs from golden: {line}")
    if vff_off:
        for line in vff_off:
            print(f"  vff differs from golden: {line}")
        raise SystemExit("vff must agree with every golden verdict")


if __name__ == "__main__":
    main()
