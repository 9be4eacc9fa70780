"""Decontamination: prove that generated training prompts do not reappear in test sets.

Two checks, both exact and deterministic:

* **n-gram overlap**: a text is contaminated if it shares any word n-gram (default 13
  words, lower-cased, punctuation ignored) with a reference text — the usual test for
  benchmark leakage;
* **task instances**: a generated sample is contaminated if its task and constraint set
  (types and parameters) equal those of a reference sample.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(r"[a-z0-9]+")
DEFAULT_N = 13


def ngrams(text: str, n: int = DEFAULT_N) -> set[tuple[str, ...]]:
    """The set of word ``n``-grams of ``text`` (lower-cased alphanumeric tokens)."""
    tokens = _TOKEN.findall(text.lower())
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def instance_key(task_id: str, constraints: Iterable[dict[str, Any]]) -> str:
    """A canonical key of a task instance: its task and its constraints, order-free."""
    specs = sorted(json.dumps(c, sort_keys=True) for c in constraints)
    return json.dumps([task_id, specs])


@dataclass
class Finding:
    """Why one text or sample is contaminated."""

    reference: str
    kind: str  # "ngram" or "instance"
    detail: str


@dataclass
class Decontaminator:
    """An index of reference texts (and task instances) to check candidates against."""

    n: int = DEFAULT_N
    _grams: dict[tuple[str, ...], str] = field(default_factory=dict)
    _instances: dict[str, str] = field(default_factory=dict)

    def add_text(self, ref_id: str, text: str) -> None:
        for gram in ngrams(text, self.n):
            self._grams.setdefault(gram, ref_id)

    def add_instance(
        self, ref_id: str, task_id: str, constraints: Iterable[dict[str, Any]]
    ) -> None:
        self._instances.setdefault(instance_key(task_id, constraints), ref_id)

    @property
    def size(self) -> int:
        return len(self._grams) + len(self._instances)

    def check_text(self, text: str) -> Finding | None:
        """The first reference sharing an n-gram with ``text``, if any."""
        for gram in sorted(ngrams(text, self.n)):
            ref = self._grams.get(gram)
            if ref is not None:
                return Finding(ref, "ngram", " ".join(gram))
        return None

    def check_sample(self, record: dict[str, Any], text: str) -> Finding | None:
        """Check a generated sample: its task instance, then ``text`` (its task text)."""
        task_id = record.get("task_id")
        if task_id is not None:
            ref = self._instances.get(instance_key(task_id, record.get("constraints", [])))
            if ref is not None:
                return Finding(ref, "instance", f"task {task_id} with the same constraints")
        return self.check_text(text)
