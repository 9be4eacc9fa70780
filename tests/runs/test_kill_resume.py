"""A real run of the embedded 0.5B model, killed with SIGKILL mid-way, then resumed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

N = 5


def generated(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM generations").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_kill_9_then_resume_loses_nothing_and_repeats_nothing(tmp_path: Path, qwen_path: Path) -> None:
    run = tmp_path / "run"
    command = [
        sys.executable, "-m", "vff.cli", "eval", "--model", "qwen2.5-0.5b-instruct",
        "--suite", "vff-core", "--split", "dev", "--limit", str(N), "--max-tokens", "8",
        "--n-ctx", "1024", "--out", str(run),
    ]  # fmt: skip
    db = run / "generations.sqlite"
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    try:
        while generated(db) < 2:
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no generation within 10 minutes"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    before = generated(db)
    assert 2 <= before < N
    assert not (run / "results.json").exists()

    resumed = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        per_sample = dict(conn.execute("SELECT sample_id, COUNT(*) FROM events GROUP BY sample_id"))
        rows = conn.execute("SELECT COUNT(*) FROM generations").fetchone()[0]
    assert rows == N
    assert len(per_sample) == N and set(per_sample.values()) == {1}, per_sample
    results = json.loads((run / "results.json").read_text())
    assert results["counts"]["prompts"] == N
    assert results["model"]["sha256"] == "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
    samples = [json.loads(x) for x in (run / "samples.jsonl").read_text().splitlines()]
    assert [s["id"] for s in samples] == [f"vff-core-v1-dev-000{i}" for i in range(1, N + 1)]
    assert all(s["completion_tokens"] <= 8 and s["response"] for s in samples)
