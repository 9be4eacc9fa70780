"""From verified responses to training records, in the formats TRL's trainers read.

* SFT (``sft.jsonl``): ``{"messages": [user, assistant], ...tags}`` — the conversational
  format of ``trl.SFTTrainer``; one record per prompt, its best passing response.
* Preference (``pairs.jsonl``): ``{"prompt": [user], "chosen": [assistant],
  "rejected": [assistant], ...tags}`` — the conversational preference format of
  ``trl.DPOTrainer``; chosen passes every constraint, rejected fails at least one.
* Self-correction (``repairs.jsonl``): ``{"prompt": [user, assistant, user],
  "completion": [assistant], ...tags}`` — the conversational prompt-completion format of
  ``trl.SFTTrainer`` (the loss covers the completion only): the original prompt, a failing
  response, the verifier's reasons, and a fix that verifies.

Every record is tagged with ``prompt_id``, ``level``, ``domain``, ``task_id``,
``constraint_types`` and ``model``, so a training step can build a curriculum.
Selection is deterministic: the same candidates always give the same records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: How a failing response is sent back for repair.
REPAIR_REQUEST = (
    "Your response does not meet every requirement:\n{reasons}\n\n"
    "Rewrite your response so that it meets all the requirements of my original request. "
    "Reply with the corrected response only."
)


@dataclass(frozen=True)
class Candidate:
    """One verified response to a prompt: ``k`` is its index among the prompt's samples."""

    k: int
    seed: int
    text: str
    completion_tokens: int
    finish_reason: str
    failed: tuple[str, ...]  # ids of the constraints not followed (strict)
    reasons: tuple[str, ...]  # their reasons, in the same order

    @property
    def passed(self) -> bool:
        return not self.failed


def best(candidates: Sequence[Candidate]) -> Candidate | None:
    """The passing response to keep: finished (not cut by the token limit) first, then the
    shortest, then the lowest ``k``."""
    passing = [c for c in candidates if c.passed]
    if not passing:
        return None
    return min(passing, key=lambda c: (c.finish_reason != "stop", c.completion_tokens, c.k))


def worst(candidates: Sequence[Candidate]) -> Candidate | None:
    """The failing response to reject: most constraints failed, then the lowest ``k``."""
    failing = [c for c in candidates if not c.passed]
    if not failing:
        return None
    return min(failing, key=lambda c: (-len(c.failed), c.k))


def most_fixable(candidates: Sequence[Candidate]) -> Candidate | None:
    """The failing response to repair: fewest constraints failed, then the lowest ``k``."""
    failing = [c for c in candidates if not c.passed]
    if not failing:
        return None
    return min(failing, key=lambda c: (len(c.failed), c.k))


def tags(prompt: dict[str, Any], model: str) -> dict[str, Any]:
    """The curriculum tags every record of ``prompt`` carries."""
    return {
        "prompt_id": prompt["id"],
        "level": prompt["level"],
        "domain": prompt["domain"],
        "task_id": prompt["task_id"],
        "constraint_types": [c["type"] for c in prompt["constraints"]],
        "model": model,
    }


def _user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def _assistant(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": text}


def sft_record(prompt: dict[str, Any], chosen: Candidate, model: str) -> dict[str, Any]:
    return {
        "messages": [_user(prompt["prompt"]), _assistant(chosen.text)],
        **tags(prompt, model),
        "seed": chosen.seed,
    }


def pair_record(
    prompt: dict[str, Any], chosen: Candidate, rejected: Candidate, model: str
) -> dict[str, Any]:
    return {
        "prompt": [_user(prompt["prompt"])],
        "chosen": [_assistant(chosen.text)],
        "rejected": [_assistant(rejected.text)],
        **tags(prompt, model),
        "rejected_failed": list(rejected.failed),
        "rejected_reasons": list(rejected.reasons),
    }


def repair_messages(prompt: dict[str, Any], failing: Candidate) -> list[dict[str, str]]:
    """The conversation that asks the model to fix ``failing``."""
    reasons = "\n".join(
        f"- {ctype}: {reason}"
        for ctype, reason in zip(failing.failed, failing.reasons, strict=True)
    )
    return [
        _user(prompt["prompt"]),
        _assistant(failing.text),
        _user(REPAIR_REQUEST.format(reasons=reasons)),
    ]


def repair_record(
    prompt: dict[str, Any], failing: Candidate, fix: str, model: str
) -> dict[str, Any]:
    return {
        "prompt": repair_messages(prompt, failing),
        "completion": [_assistant(fix)],
        **tags(prompt, model),
        "repaired": list(failing.failed),
    }


# ------------------------------------------------------------------ format checks


class FormatError(ValueError):
    """A record that TRL's trainers would not read as intended; the message says why."""


_TAG_FIELDS = {
    "prompt_id": str,
    "level": int,
    "domain": str,
    "task_id": str,
    "constraint_types": list,
    "model": str,
}


def _messages(record: dict[str, Any], field: str, roles: Sequence[str]) -> None:
    value = record.get(field)
    if not isinstance(value, list) or len(value) != len(roles):
        raise FormatError(f"field {field!r} must be a list of {len(roles)} message(s)")
    for index, (message, role) in enumerate(zip(value, roles, strict=True)):
        if not isinstance(message, dict) or set(message) != {"role", "content"}:
            raise FormatError(f"field '{field}[{index}]' must be {{'role', 'content'}}")
        if message["role"] != role:
            raise FormatError(f"field '{field}[{index}].role' must be {role!r}")
        if not isinstance(message["content"], str) or not message["content"].strip():
            raise FormatError(f"field '{field}[{index}].content' must be non-empty text")


def _tags(record: dict[str, Any]) -> None:
    for name, kind in _TAG_FIELDS.items():
        if not isinstance(record.get(name), kind):
            raise FormatError(f"field {name!r} must be {kind.__name__}")


def validate_sft(record: dict[str, Any]) -> None:
    """Raise :class:`FormatError` unless ``record`` is an SFT record as vff writes it."""
    _messages(record, "messages", ("user", "assistant"))
    _tags(record)


def validate_pair(record: dict[str, Any]) -> None:
    """Raise :class:`FormatError` unless ``record`` is a preference pair as vff writes it."""
    _messages(record, "prompt", ("user",))
    _messages(record, "chosen", ("assistant",))
    _messages(record, "rejected", ("assistant",))
    if record["chosen"] == record["rejected"]:
        raise FormatError("chosen and rejected are the same response")
    _tags(record)


def validate_repair(record: dict[str, Any]) -> None:
    """Raise :class:`FormatError` unless ``record`` is a self-correction record."""
    _messages(record, "prompt", ("user", "assistant", "user"))
    _messages(record, "completion", ("assistant",))
    _tags(record)
