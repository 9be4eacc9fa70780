"""A scripted backend for synth tests: the prompt's witness for even seeds, a failing
answer for odd ones, and the witness again when asked for a repair."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vff.backends import BackendError, Generation, GenerationParams, Message


class ScriptedBackend:
    name = "scripted"

    def __init__(self, witnesses: dict[str, str], fail_after: int | None = None) -> None:
        self.witnesses = witnesses
        self.calls: list[tuple[str, int]] = []
        self.fail_after = fail_after  # raise KeyboardInterrupt after this many calls
        self.errors: set[int] = set()  # seeds whose requests fail for good
        self.empty: set[int] = set()  # seeds that come back empty

    def fingerprint(self) -> dict[str, Any]:
        return {"backend": self.name, "model": "scripted"}

    def generate(self, messages: Sequence[Message], params: GenerationParams) -> Generation:
        if self.fail_after is not None and len(self.calls) >= self.fail_after:
            raise KeyboardInterrupt
        prompt = messages[0]["content"]
        self.calls.append((prompt, params.seed))
        if params.seed in self.errors:
            raise BackendError("teacher: HTTP 503 after 3 retries")
        if params.seed in self.empty:
            text = ""
        elif len(messages) == 3 or params.seed % 2 == 0:
            text = self.witnesses[prompt]
        else:
            text = "no."
        return Generation(text, 10, len(text.split()), 0.01, "stop")

    def close(self) -> None:
        pass
