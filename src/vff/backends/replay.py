"""Replay recorded responses: a ``{"prompt", "response"}`` JSONL file (optionally with
``id`` or ``key``) served by prompt text, e.g. IFEval's response files. No model runs."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vff.backends.base import BackendError, Generation, GenerationParams, Message
from vff.jsonl import DataFileError, read_jsonl

__all__ = ["ReplayBackend", "prompt_of"]


def prompt_of(messages: Sequence[Message]) -> str:
    """The prompt text a conversation is looked up by: its last user message."""
    for message in reversed(messages):
        if message["role"] == "user":
            return message["content"]
    raise BackendError("no user message to look up in the replay file")


class ReplayBackend:
    """Serves the recorded response for each prompt; an unknown prompt is a BackendError.

    Token counts are 0 (not recorded) unless a line has ``prompt_tokens`` /
    ``completion_tokens``. The same prompt twice in the file is allowed only with the
    same response. ``params`` are accepted and ignored (the responses are fixed).
    """

    name = "replay"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._records: dict[str, dict[str, Any]] = {}
        seen_at: dict[str, int] = {}
        for line, obj in read_jsonl(self.path):
            prompt, response = obj.get("prompt"), obj.get("response")
            if not isinstance(prompt, str):
                raise DataFileError(self.path, line, "missing or non-string 'prompt'")
            if not isinstance(response, str):
                raise DataFileError(self.path, line, "missing or non-string 'response'")
            if prompt in self._records and self._records[prompt]["response"] != response:
                raise DataFileError(
                    self.path, line,
                    f"same prompt as line {seen_at[prompt]} with a different response",
                )
            if prompt not in self._records:  # the first line for a prompt is served
                seen_at[prompt] = line
                self._records[prompt] = obj
        self._sha256 = hashlib.sha256(self.path.read_bytes()).hexdigest()

    def __len__(self) -> int:
        return len(self._records)

    def __repr__(self) -> str:
        return f"ReplayBackend({str(self.path)!r}, {len(self)} prompts)"

    def fingerprint(self) -> dict[str, Any]:
        return {
            "backend": self.name,
            "file": self.path.name,
            "sha256": self._sha256,
            "prompts": len(self._records),
        }

    def generate(self, messages: Sequence[Message], params: GenerationParams) -> Generation:
        prompt = prompt_of(messages)
        record = self._records.get(prompt)
        if record is None:
            shown = prompt if len(prompt) <= 80 else prompt[:77] + "..."
            raise BackendError(f"{self.path}: no recorded response for prompt {shown!r}")
        extra = {k: record[k] for k in ("id", "key") if k in record}
        return Generation(
            text=record["response"],
            prompt_tokens=_int(record.get("prompt_tokens")),
            completion_tokens=_int(record.get("completion_tokens")),
            latency_s=0.0,
            finish_reason="stop",
            extra=extra,
        )

    def close(self) -> None:
        pass


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
