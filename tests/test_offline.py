"""Scoring is offline and deterministic: sockets blocked, fresh processes, identical files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
RESPONSES = {
    "ifeval": DATA / "ifeval" / "input_response_data_gpt4_20231107_145030.jsonl",
    "ifbench": DATA / "ifbench" / "sample_output.jsonl",
}

BLOCK_AND_RUN = """
import socket, sys

def refuse(*args, **kwargs):
    raise OSError("network disabled by the test")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

from vff.cli import app
sys.argv = ["vff"] + sys.argv[1:]
app()
"""


def score(tmp_path: Path, name: str, *extra: str, suite: str = "ifeval") -> bytes:
    out = tmp_path / name
    responses = RESPONSES[suite]
    proc = subprocess.run(
        [sys.executable, "-c", BLOCK_AND_RUN, "check", "--suite", suite, str(responses), "-o", str(out), *extra],
        capture_output=True, text=True, timeout=600,
        env={"PATH": "", "PYTHONHASHSEED": name[-1], "HOME": str(tmp_path), "NLTK_DATA": str(tmp_path / "none")},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "network disabled" not in proc.stderr
    return out.read_bytes()


def test_ifeval_scores_offline_and_identically(tmp_path: Path) -> None:
    first = score(tmp_path, "strict1")
    second = score(tmp_path, "strict2")
    assert first == second
    assert first.count(b'"follow_all_instructions": true') == 417
    loose = score(tmp_path, "loose3", "--loose")
    assert loose.count(b'"follow_all_instructions": true') == 431


def test_ifbench_scores_offline_and_identically(tmp_path: Path) -> None:
    first = score(tmp_path, "strict1", suite="ifbench")
    second = score(tmp_path, "strict2", suite="ifbench")
    assert first == second
    assert first.count(b'"follow_all_instructions": true') == 80
    loose = score(tmp_path, "loose3", "--loose", suite="ifbench")
    assert loose.count(b'"follow_all_instructions": true') == 91
