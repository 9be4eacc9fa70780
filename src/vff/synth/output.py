"""The output directory of a synth run: appended prompt by prompt, resumed exactly.

Each finished prompt appends its records to ``sft.jsonl``, ``pairs.jsonl`` and
``repairs.jsonl``, then one line to ``verified.jsonl`` (the ledger: every response with
its verdicts, and what was kept), flushed and synced in that order. The ledger line is the
commit: on reopening, a
partial last line (Ctrl-C, ``kill -9``, disk full) is cut off, and records of prompts the
ledger does not hold are removed, so a resumed run writes each prompt exactly once.

Duplicates: a record whose text (prompt and responses) is a near-duplicate of one already
kept in the same file — MinHash estimate of Jaccard similarity of word 3-gram sets at or above the
threshold, via ``datasketch`` — is not written; exact duplicates are the case of
similarity 1.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from vff.jsonl import dumps, read_jsonl, write_jsonl

FILES = ("sft", "pairs", "repairs")
LEDGER = "verified.jsonl"
_WORD = re.compile(r"\w+")
NUM_PERM = 128


def _shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < 3:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + 3]).encode("utf-8") for i in range(len(words) - 2)}


def record_text(record: dict[str, Any]) -> str:
    """The text a record is deduplicated on: every message content, in order."""
    parts = []
    for field in ("messages", "prompt", "chosen", "rejected", "completion"):
        for message in record.get(field) or ():
            parts.append(message["content"])
    return "\n".join(parts)


class NearDuplicates:
    """A MinHash LSH index of kept records; :meth:`admit` says whether a new one is new."""

    def __init__(self, threshold: float) -> None:
        from datasketch import MinHash, MinHashLSH

        self._minhash = MinHash
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._signatures: dict[str, Any] = {}

    def admit(self, text: str) -> bool:
        """True (and remembered) if ``text`` is not a near-duplicate of a kept text."""
        signature = self._minhash(num_perm=NUM_PERM, seed=1)
        signature.update_batch(sorted(_shingles(text)))
        for key in self._lsh.query(signature):
            if self._signatures[key].jaccard(signature) >= self.threshold:
                return False
        key = str(len(self._signatures))
        self._signatures[key] = signature
        self._lsh.insert(key, signature)
        return True


def _recover(path: Path) -> None:
    """Cut a partial last line (no newline) off ``path``, if any."""
    if not path.exists():
        return
    with path.open("rb+") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        if size == 0:
            return
        fh.seek(max(0, size - 1))
        if fh.read(1) == b"\n":
            return
        # find the last newline, reading backwards in blocks
        end = size
        while end > 0:
            start = max(0, end - 65536)
            fh.seek(start)
            block = fh.read(end - start)
            cut = block.rfind(b"\n")
            if cut >= 0:
                fh.truncate(start + cut + 1)
                return
            end = start
        fh.truncate(0)


class SynthOutput:
    """Appends finished prompts to a synth directory; knows which prompts are done."""

    def __init__(self, directory: str | os.PathLike[str], near_duplicate: float = 0.9) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.ledger_path = self.dir / LEDGER
        self.paths = {name: self.dir / f"{name}.jsonl" for name in FILES}
        for path in (self.ledger_path, *self.paths.values()):
            _recover(path)
        self.ledger: list[dict[str, Any]] = (
            [r for _, r in read_jsonl(self.ledger_path)] if (self.ledger_path.exists()) else []
        )
        self.done = {row["prompt_id"] for row in self.ledger}
        self.dedup = {name: NearDuplicates(near_duplicate) for name in FILES}
        for name, path in self.paths.items():
            if not path.exists():
                continue
            records = [r for _, r in read_jsonl(path)]
            kept = [r for r in records if r.get("prompt_id") in self.done]
            if len(kept) != len(records):  # written before a crash, never committed
                write_jsonl(path, kept)
            for record in kept:
                self.dedup[name].admit(record_text(record))
        self._handles = {
            name: path.open("a", encoding="utf-8") for name, path in self.paths.items()
        }
        self._ledger = self.ledger_path.open("a", encoding="utf-8")

    def admit(self, name: str, record: dict[str, Any]) -> bool:
        """Whether ``record`` is new to file ``name`` (no near-duplicate kept there)."""
        return self.dedup[name].admit(record_text(record))

    def commit(self, ledger_row: dict[str, Any], records: dict[str, Iterable[dict]]) -> None:
        """Append one prompt's records, then its ledger line (the commit point)."""
        for name, rows in records.items():
            handle = self._handles[name]
            for row in rows:
                handle.write(dumps(row) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self._ledger.write(dumps(ledger_row) + "\n")
        self._ledger.flush()
        os.fsync(self._ledger.fileno())
        self.ledger.append(ledger_row)
        self.done.add(ledger_row["prompt_id"])

    def close(self) -> None:
        for handle in (*self._handles.values(), self._ledger):
            handle.close()

    def __enter__(self) -> SynthOutput:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["FILES", "LEDGER", "NearDuplicates", "SynthOutput", "record_text"]
