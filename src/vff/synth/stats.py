"""Statistics of a synth run (``stats.json``) and its data card (``README.md``).

Everything is computed from the ledger (``verified.jsonl``), so the figures cover the
whole run, across interruptions and resumes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vff.synth.engine import SynthConfig


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def compute_stats(
    config: SynthConfig,
    fingerprint: dict[str, Any],
    ledger: Sequence[dict[str, Any]],
    prompts: Sequence[dict[str, Any]],
    dropped: Sequence[dict[str, Any]],
    session_s: float,
) -> dict[str, Any]:
    """Yield per level and constraint type, counts of every output, tokens and speed."""
    levels: dict[str, Counter[str]] = defaultdict(Counter)
    types: dict[str, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    for row in ledger:
        level = levels[str(row["level"])]
        level["prompts"] += 1
        usable = [r for r in row["responses"] if not r["empty"]]
        passing = [r for r in usable if r["passed"]]
        level["responses"] += len(usable)
        level["passed"] += len(passing)
        level["prompts_with_a_pass"] += bool(passing)
        level["sft"] += row["sft"] == "written"
        level["pairs"] += row["pair"] == "written"
        level["repairs"] += row["repair"] == "written"
        for response in usable:
            failed = Counter(response["failed"])
            for ctype, count in Counter(row["constraint_types"]).items():
                types[ctype]["checked"] += count
                types[ctype]["followed"] += count - failed[ctype]
        totals["responses"] += len(row["responses"])
        totals["empty"] += sum(r["empty"] for r in row["responses"])
        totals["errors"] += len(row["errors"])
        totals["prompt_tokens"] += sum(r["prompt_tokens"] for r in row["responses"])
        totals["completion_tokens"] += sum(r["completion_tokens"] for r in row["responses"])
        repair = row.get("repair_response")
        if repair:
            totals["prompt_tokens"] += repair["prompt_tokens"]
            totals["completion_tokens"] += repair["completion_tokens"]
            totals["repair_attempts"] += 1
        for name, key in (("sft", "sft"), ("pairs", "pair"), ("repairs", "repair")):
            totals[f"{name}_written"] += row[key] == "written"
            totals[f"{name}_near_duplicates"] += row[key] == "near_duplicate"
        totals["wall_s"] += row["wall_s"]
    usable = sum(c["responses"] for c in levels.values())
    passed = sum(c["passed"] for c in levels.values())
    hours = totals["wall_s"] / 3600
    return {
        "model": config.model,
        "backend": fingerprint.get("backend", config.backend),
        "fingerprint": fingerprint,
        "engine": config.engine,
        "workers": config.workers if config.engine == "ray" else None,
        "seed": config.seed,
        "levels": list(config.levels),
        "samples_per_prompt": config.samples_per_prompt,
        "params": config.params.model_dump(mode="json"),
        "prompts": {
            "requested": config.n,
            "dropped": len(dropped),
            "dropped_by_kind": dict(sorted(Counter(d["kind"] for d in dropped).items())),
            "kept": len(prompts),
            "done": len(ledger),
        },
        "responses": {
            "total": totals["responses"],
            "verified": usable,
            "passed": passed,
            "empty": totals["empty"],
            "errors": totals["errors"],
            "yield": _rate(passed, usable),
        },
        "written": {
            "sft": totals["sft_written"],
            "pairs": totals["pairs_written"],
            "repairs": totals["repairs_written"],
            "repair_attempts": totals["repair_attempts"],
        },
        "near_duplicates_dropped": {
            "sft": totals["sft_near_duplicates"],
            "pairs": totals["pairs_near_duplicates"],
            "repairs": totals["repairs_near_duplicates"],
        },
        "by_level": {
            lv: {
                "prompts": c["prompts"],
                "responses": c["responses"],
                "passed": c["passed"],
                "yield": _rate(c["passed"], c["responses"]),
                "prompt_yield": _rate(c["prompts_with_a_pass"], c["prompts"]),
                "sft": c["sft"],
                "pairs": c["pairs"],
                "repairs": c["repairs"],
            }
            for lv, c in sorted(levels.items())
        },
        "by_type": {
            t: {
                "checked": c["checked"],
                "followed": c["followed"],
                "rate": _rate(c["followed"], c["checked"]),
            }
            for t, c in sorted(types.items())
        },
        "tokens": {
            "prompt": totals["prompt_tokens"],
            "completion": totals["completion_tokens"],
        },
        "time": {
            "wall_s": round(totals["wall_s"], 2),
            "this_session_s": round(session_s, 2),
            "verified_samples_per_hour": round(totals["sft_written"] / hours, 1) if hours else None,
            "responses_per_hour": round(totals["responses"] / hours, 1) if hours else None,
        },
    }


CARD = """\
# Synthetic format-following data: {model}

Made by `vff synth` (vff {version}). Every response was checked by code against the
constraints of its prompt — no human labels, no LLM judge.

## Files

| file | records | format |
|---|---|---|
| `sft.jsonl` | {sft} | `messages` (user, assistant): TRL `SFTTrainer`, conversational |
| `pairs.jsonl` | {pairs} | `prompt` / `chosen` / `rejected`: TRL `DPOTrainer`, conversational preference |
| `repairs.jsonl` | {repairs} | `prompt` / `completion`: TRL `SFTTrainer`, conversational prompt-completion |
| `verified.jsonl` | {done} | every response with its verdicts (one line per prompt) |
| `dropped.jsonl` | {dropped} | prompts removed by decontamination or as duplicates |

Every record carries `prompt_id`, `level` (1–5), `domain`, `task_id`, `constraint_types`
and `model`, for curriculum training (level 1 → 5).

```python
from datasets import load_dataset

sft = load_dataset("json", data_files="sft.jsonl", split="train")
pairs = load_dataset("json", data_files="pairs.jsonl", split="train")
```

## Source

- model: `{model}` (backend `{backend}`), {k} samples per prompt, temperature
  {temperature}, top_p {top_p}, max_tokens {max_tokens}, seed {param_seed}
- prompts: vff-core's generator, training task space only (tasks that vff-core's test and
  dev splits never use), seed `{seed}`, levels {levels}
- SFT: per prompt, the passing response that finished, then the shortest, then the
  lowest sample index; pairs: that response against the failing response with the most
  failed constraints; repairs: the failing response with the fewest failed constraints,
  sent back with the verifier's reasons, kept when the fix passes
- near-duplicates (MinHash, Jaccard of word 3-grams ≥ {near}) are not written

## Decontamination

{requested} prompts generated, {dropped} dropped ({dropped_detail}), {kept} kept. Checked
against vff-core test and dev (same task with the same constraints, or a shared 13-word
n-gram with a task text) and against every IFEval and IFBench prompt (a shared 13-word
n-gram).

## Yield

{done} prompts answered, {verified} responses verified, {passed} passed (yield
{yield_}); {errors} requests failed after retries and {empty} came back empty (neither is
ever written as a sample).

| level | prompts | responses | passed | yield | prompts with a pass | sft | pairs | repairs |
|---|---|---|---|---|---|---|---|---|
{level_rows}

Tokens: {prompt_tokens:,} prompt, {completion_tokens:,} completion. Wall time
{wall_h:.2f} h; {per_hour} verified samples per hour.
"""


def write_card(config: SynthConfig, stats: dict[str, Any]) -> None:
    """Write the data card ``README.md`` into the output directory."""
    from vff import __version__

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{value:.1%}"

    params = stats["params"]
    rows = "\n".join(
        f"| {lv} | {c['prompts']} | {c['responses']} | {c['passed']} | {pct(c['yield'])} | "
        f"{pct(c['prompt_yield'])} | {c['sft']} | {c['pairs']} | {c['repairs']} |"
        for lv, c in stats["by_level"].items()
    )
    kinds = stats["prompts"]["dropped_by_kind"]
    text = CARD.format(
        model=stats["model"],
        version=__version__,
        sft=stats["written"]["sft"],
        pairs=stats["written"]["pairs"],
        repairs=stats["written"]["repairs"],
        done=stats["prompts"]["done"],
        dropped=stats["prompts"]["dropped"],
        backend=stats["backend"],
        k=stats["samples_per_prompt"],
        temperature=params["temperature"],
        top_p=params["top_p"],
        max_tokens=params["max_tokens"],
        param_seed=params["seed"],
        seed=stats["seed"],
        levels=", ".join(map(str, stats["levels"])),
        near=config.near_duplicate,
        requested=stats["prompts"]["requested"],
        dropped_detail=", ".join(f"{n} {kind}" for kind, n in kinds.items()) or "none",
        kept=stats["prompts"]["kept"],
        verified=stats["responses"]["verified"],
        passed=stats["responses"]["passed"],
        yield_=pct(stats["responses"]["yield"]),
        errors=stats["responses"]["errors"],
        empty=stats["responses"]["empty"],
        level_rows=rows or "| – | 0 | 0 | 0 | – | – | 0 | 0 | 0 |",
        prompt_tokens=stats["tokens"]["prompt"],
        completion_tokens=stats["tokens"]["completion"],
        wall_h=stats["time"]["wall_s"] / 3600,
        per_hour=stats["time"]["verified_samples_per_hour"] or "–",
    )
    (config.out / "README.md").write_text(text, encoding="utf-8")
