"""The SQLite store of generations of a run directory.

Each generation is committed in its own transaction as soon as it arrives (SQLite in WAL
mode), so killing the process (Ctrl-C or ``kill -9``) loses no completed generation and
leaves no half-written record. Rows are keyed by (sample id, model key, params key): a
re-run skips what is already there.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from vff.backends.base import Generation

SCHEMA = """
CREATE TABLE IF NOT EXISTS generations (
    sample_id TEXT NOT NULL,
    model_key TEXT NOT NULL,
    params_key TEXT NOT NULL,
    response TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    latency_s REAL NOT NULL,
    finish_reason TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (sample_id, model_key, params_key)
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sample_id TEXT NOT NULL,
    model_key TEXT NOT NULL,
    params_key TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""


def key_of(value: Any) -> str:
    """A short stable key of a JSON-able value (sha256 of its canonical JSON)."""
    blob = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


class RunStore:
    """Generations of one run directory, durable per generation."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def done(self, model_key: str, params_key: str) -> set[str]:
        """Ids of the samples already generated with this model and these params."""
        rows = self._db.execute(
            "SELECT sample_id FROM generations WHERE model_key = ? AND params_key = ?",
            (model_key, params_key),
        )
        return {r[0] for r in rows}

    def put(self, sample_id: str, model_key: str, params_key: str, g: Generation) -> None:
        """Store one generation (and its event) in one transaction."""
        now = time.time()
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO generations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    sample_id,
                    model_key,
                    params_key,
                    g.text,
                    g.prompt_tokens,
                    g.completion_tokens,
                    g.latency_s,
                    g.finish_reason,
                    now,
                ),
            )
            self._db.execute(
                "INSERT INTO events (sample_id, model_key, params_key, created_at) VALUES (?, ?, ?, ?)",
                (sample_id, model_key, params_key, now),
            )

    def get(self, model_key: str, params_key: str, ids: Iterable[str]) -> dict[str, Generation]:
        """The stored generations of these sample ids (missing ones are left out)."""
        wanted = sorted(set(ids))
        out: dict[str, Generation] = {}
        for start in range(0, len(wanted), 500):  # looked up by key, a chunk at a time
            chunk = wanted[start : start + 500]
            rows = self._db.execute(
                "SELECT sample_id, response, prompt_tokens, completion_tokens, latency_s,"
                " finish_reason FROM generations WHERE model_key = ? AND params_key = ?"
                f" AND sample_id IN ({', '.join('?' * len(chunk))})",
                (model_key, params_key, *chunk),
            )
            for sample_id, text, pt, ct, lat, fr in rows:
                out[sample_id] = Generation(text, pt, ct, lat, fr)
        return out

    def event_counts(self) -> dict[str, int]:
        """How many times each sample id was generated (for audits and tests)."""
        rows = self._db.execute("SELECT sample_id, COUNT(*) FROM events GROUP BY sample_id")
        return dict(rows.fetchall())
