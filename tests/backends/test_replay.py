"""ReplayBackend: recorded responses served by prompt text."""

from __future__ import annotations

import hashlib
import json

import pytest

from vff.backends import generate_many, make_backend
from vff.backends.base import Backend, BackendError, GenerationParams
from vff.backends.replay import ReplayBackend, prompt_of
from vff.jsonl import DataFileError


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def responses(tmp_path):
    return _write(tmp_path / "responses.jsonl", [
        {"prompt": "Write a haiku.", "response": "Old pond / frog jumps in / splash", "key": 7},
        {"prompt": "Say hi in JSON.", "response": '{"greeting": "hi"}', "id": "s2",
         "prompt_tokens": 5, "completion_tokens": 6},
        {"prompt": "Write a haiku.", "response": "Old pond / frog jumps in / splash"},
    ])


def test_serves_the_recorded_response_by_prompt(responses):
    backend = make_backend("replay", path=responses)
    assert isinstance(backend, Backend)
    assert len(backend) == 2
    haiku = backend.generate([{"role": "user", "content": "Write a haiku."}], GenerationParams())
    assert haiku.text == "Old pond / frog jumps in / splash"
    assert (haiku.prompt_tokens, haiku.completion_tokens, haiku.latency_s) == (0, 0, 0.0)
    assert haiku.finish_reason == "stop"
    assert haiku.extra == {"key": 7}
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Say hi in JSON."},
    ]
    greeting = backend.generate(messages, GenerationParams(max_tokens=3))
    assert greeting.text == '{"greeting": "hi"}'
    assert (greeting.prompt_tokens, greeting.completion_tokens) == (5, 6)
    assert greeting.extra == {"id": "s2"}


def test_unknown_prompt_is_a_backend_error(responses):
    backend = ReplayBackend(responses)
    with pytest.raises(BackendError) as err:
        backend.generate([{"role": "user", "content": "Something else"}], GenerationParams())
    assert str(err.value) == f"{responses}: no recorded response for prompt 'Something else'"
    with pytest.raises(BackendError, match="no user message"):
        prompt_of([{"role": "system", "content": "x"}])


def test_fingerprint_identifies_the_file(responses):
    assert ReplayBackend(responses).fingerprint() == {
        "backend": "replay",
        "file": "responses.jsonl",
        "sha256": hashlib.sha256(responses.read_bytes()).hexdigest(),
        "prompts": 2,
    }


def test_bad_files_name_the_line(tmp_path):
    conflict = _write(tmp_path / "c.jsonl", [
        {"prompt": "a", "response": "1"}, {"prompt": "b", "response": "2"},
        {"prompt": "a", "response": "3"},
    ])
    with pytest.raises(DataFileError) as err:
        ReplayBackend(conflict)
    assert str(err.value) == f"{conflict}:3: same prompt as line 1 with a different response"
    missing = _write(tmp_path / "m.jsonl", [{"prompt": "a"}])
    with pytest.raises(DataFileError) as err:
        ReplayBackend(missing)
    assert str(err.value) == f"{missing}:1: missing or non-string 'response'"


def test_generate_many_helper_runs_in_order(responses):
    backend = ReplayBackend(responses)
    conversations = [
        [{"role": "user", "content": "Say hi in JSON."}],
        [{"role": "user", "content": "Write a haiku."}],
    ]
    results = list(generate_many(backend, conversations, GenerationParams()))
    assert [(i, g.text) for i, g in results] == [
        (0, '{"greeting": "hi"}'), (1, "Old pond / frog jumps in / splash"),
    ]


def test_unknown_backend_kind():
    with pytest.raises(ValueError) as err:
        make_backend("gpt-17")
    assert str(err.value) == (
        "unknown backend 'gpt-17'; choose one of: llamacpp, openai, replay, transformers"
    )
