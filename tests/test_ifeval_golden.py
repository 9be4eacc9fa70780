"""vff's IFEval checks reproduce the reference scorer's verdicts on IFEval's own data.

The golden files (tests/data/ifeval/golden, see its README) hold Google's reference
verdicts for the GPT-4 and text-bison responses, strict and loose. Every instruction
verdict must match, and so must the published totals.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from golden import row_verdicts

DATA = Path(__file__).parent / "data" / "ifeval"

RUNS = {
    "gpt4": ("input_data.jsonl", "input_response_data_gpt4_20231107_145030.jsonl", "gpt4"),
    "text_bison": (
        "text_bison_matched_input.jsonl",
        "text_bison_matched_responses.jsonl",
        "text_bison",
    ),
}

#: From golden/README.md: (instructions followed, instructions, prompts followed, prompts).
TOTALS = {
    ("gpt4", "strict"): (698, 834, 417, 541),
    ("gpt4", "loose"): (714, 834, 431, 541),
    ("text_bison", "strict"): (143, 206, 99, 156),
    ("text_bison", "loose"): (150, 206, 103, 156),
}


def _jsonl(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@cache
def _verdicts(run: str, mode: str) -> list[tuple[dict[str, Any], list[tuple[bool, str]]]]:
    """For each input row: vff's (ok, reason) per instruction."""
    inputs_file, responses_file, _ = RUNS[run]
    responses = {row["prompt"]: row["response"] for row in _jsonl(responses_file)}
    out = []
    for row in _jsonl(inputs_file):
        response = responses[row["prompt"]]
        verdicts = row_verdicts(row, response, mode)
        out.append((row, verdicts))
    return out


@pytest.mark.parametrize("mode", ["strict", "loose"])
@pytest.mark.parametrize("run", sorted(RUNS))
def test_every_verdict_matches_the_reference(run: str, mode: str) -> None:
    golden = {row["key"]: row for row in _jsonl(f"golden/{RUNS[run][2]}_{mode}.jsonl")}
    results = _verdicts(run, mode)
    assert len(results) == len(golden)
    mismatches = []
    for row, verdicts in results:
        expected = golden[row["key"]]
        assert expected["instruction_id_list"] == row["instruction_id_list"]
        got = [ok for ok, _ in verdicts]
        if got != expected["follow_instruction_list"]:
            for type_id, (ok, reason), want in zip(
                row["instruction_id_list"],
                verdicts,
                expected["follow_instruction_list"],
                strict=True,
            ):
                if ok != want:
                    mismatches.append(
                        f"key {row['key']} {type_id}: vff {ok} ({reason}), reference {want}"
                    )
        assert expected["follow_all_instructions"] == all(expected["follow_instruction_list"])
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches)


@pytest.mark.parametrize(("run", "mode"), sorted(TOTALS))
def test_totals_match_the_published_scores(run: str, mode: str) -> None:
    results = _verdicts(run, mode)
    followed = sum(ok for _, verdicts in results for ok, _ in verdicts)
    instructions = sum(len(verdicts) for _, verdicts in results)
    prompts_followed = sum(all(ok for ok, _ in verdicts) for _, verdicts in results)
    assert (followed, instructions, prompts_followed, len(results)) == TOTALS[(run, mode)]


def test_every_failing_verdict_says_why() -> None:
    for run in RUNS:
        for mode in ("strict", "loose"):
            for row, verdicts in _verdicts(run, mode):
                for ok, reason in verdicts:
                    assert ok or (reason and "\n" not in reason), row["key"]
