"""OpenAIBackend: against llama-cpp-python's OpenAI-compatible server running the real
qwen2.5-0.5b-instruct, and against a scripted local HTTP server that injects faults.

Every server listens on 127.0.0.1 only; every request loop is bounded.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fake_openai import Scripted, completion
from vff.backends import generate_many, make_backend
from vff.backends.base import Backend, BackendError, GenerationParams
from vff.backends.openai import OpenAIBackend, chat_completions_url, is_retryable_status

KEY = "sk-test-0123456789abcdef"
HELLO = [{"role": "user", "content": "Say hello."}]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def scripted():
    servers: list[Scripted] = []

    def start(steps: list[Any]) -> Scripted:
        server = Scripted(steps)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture(autouse=True)
def api_key(monkeypatch):
    monkeypatch.setenv("VFF_TEST_KEY", KEY)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def _backend(url: str, **options: Any) -> OpenAIBackend:
    options.setdefault("backoff_base_s", 0.01)
    options.setdefault("max_retries", 3)
    return OpenAIBackend(url, "scripted", api_key_env="VFF_TEST_KEY", **options)


def test_retries_429_then_500_then_succeeds(scripted):
    server = scripted(
        [
            (429, {"Retry-After": "0"}, {"error": "slow down"}),
            (500, {}, {"error": "boom"}),
            (200, {}, completion("fine", {"prompt_tokens": 11, "completion_tokens": 2})),
        ]
    )
    with _backend(server.url) as backend:
        params = GenerationParams(max_tokens=8, seed=5, stop=("\n",))
        generation = backend.generate(HELLO, params)
    assert generation.text == "fine"
    assert (generation.prompt_tokens, generation.completion_tokens) == (11, 2)
    assert generation.finish_reason == "stop"
    assert generation.extra == {
        "attempts": 3,
        "response_model": "scripted",
        "response_id": "cmpl-1",
    }
    assert len(server.requests) == 3
    headers, body = server.requests[-1]
    assert headers["Authorization"] == f"Bearer {KEY}"
    assert body == {
        "model": "scripted",
        "messages": HELLO,
        "temperature": 0.0,
        "top_p": 1.0,
        "max_tokens": 8,
        "seed": 5,
        "stream": False,
        "stop": ["\n"],
    }


def test_retry_after_is_honoured(scripted):
    # Without Retry-After the backoff would be 30-60 s; with "0" the retry is immediate.
    server = scripted([(429, {"Retry-After": "0"}, {}), (200, {}, completion())])
    with _backend(server.url, backoff_base_s=60.0) as backend:
        start = time.monotonic()
        assert backend.generate(HELLO, GenerationParams(max_tokens=4)).text == "ok"
        assert time.monotonic() - start < 10
    # And a positive Retry-After is waited for.
    server = scripted([(503, {"Retry-After": "1"}, {}), (200, {}, completion())])
    with _backend(server.url, backoff_base_s=0.001) as backend:
        start = time.monotonic()
        assert backend.generate(HELLO, GenerationParams(max_tokens=4)).text == "ok"
        assert time.monotonic() - start >= 0.95
    assert len(server.requests) == 2


def test_always_503_gives_a_clear_error_without_the_key(scripted):
    # The server echoes the key back, as some real servers do in their error bodies.
    server = scripted([(503, {}, {"error": f"overloaded; your key is {KEY}"})])
    with _backend(server.url, max_retries=3) as backend, pytest.raises(BackendError) as err:
        backend.generate(HELLO, GenerationParams(max_tokens=4))
    assert len(server.requests) == 4  # the first attempt + 3 retries
    message = str(err.value)
    assert message == (
        f"POST {server.url}/chat/completions failed after 4 attempts; last: HTTP 503: "
        '{"error": "overloaded; your key is [redacted]"}'
    )
    assert KEY not in message and KEY not in repr(err.value)


def test_a_client_error_is_not_retried(scripted):
    server = scripted([(400, {}, {"error": "bad request"})])
    with _backend(server.url) as backend, pytest.raises(BackendError) as err:
        backend.generate(HELLO, GenerationParams(max_tokens=4))
    assert len(server.requests) == 1
    assert str(err.value) == (
        f'POST {server.url}/chat/completions failed: HTTP 400: {{"error": "bad request"}}'
    )


def test_a_timeout_is_retried(scripted):
    server = scripted([("sleep", 1.5), (200, {}, completion("in time"))])
    with _backend(server.url, timeout_s=0.3) as backend:
        generation = backend.generate(HELLO, GenerationParams(max_tokens=4))
    assert generation.text == "in time"
    assert generation.extra["attempts"] == 2


def test_connection_refused_is_retried_then_reported():
    url = f"http://127.0.0.1:{_free_port()}/v1"  # nothing listens there
    with _backend(url, max_retries=2) as backend, pytest.raises(BackendError) as err:
        backend.generate(HELLO, GenerationParams(max_tokens=4))
    assert str(err.value).startswith(
        f"POST {url}/chat/completions failed after 3 attempts; last: connection error (ConnectError"
    )


def test_missing_usage_counts_zero_tokens(scripted):
    server = scripted([(200, {}, completion("no usage"))])
    with _backend(server.url) as backend:
        generation = backend.generate(HELLO, GenerationParams(max_tokens=4))
    assert (generation.text, generation.prompt_tokens, generation.completion_tokens) == (
        "no usage",
        0,
        0,
    )


def test_generate_many_yields_every_index_and_bounds_concurrency(scripted):
    in_flight, peak = [0], [0]
    lock = threading.Lock()

    def answer(payload: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.1)
        with lock:
            in_flight[0] -= 1
        return 200, {}, completion(payload["messages"][0]["content"].upper())

    server = scripted([answer])
    conversations = [[{"role": "user", "content": f"p{i}"}] for i in range(6)]
    with _backend(server.url) as backend:
        results = dict(backend.generate_many(conversations, GenerationParams(), concurrency=2))
    assert {i: g.text for i, g in results.items()} == {i: f"P{i}" for i in range(6)}
    assert peak[0] == 2
    assert len(server.requests) == 6


def test_generate_many_errors_raise_or_yield(scripted):
    def answer(payload: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
        if payload["messages"][0]["content"] == "bad":
            return 400, {}, {"error": "no"}
        return 200, {}, completion("ok")

    server = scripted([answer])
    conversations = [
        [{"role": "user", "content": "good"}],
        [{"role": "user", "content": "bad"}],
        [{"role": "user", "content": "good"}],
    ]
    with _backend(server.url) as backend:
        results = dict(backend.generate_many(conversations, GenerationParams(), 1, errors="yield"))
        assert [results[i].finish_reason for i in range(3)] == ["stop", "error", "stop"]
        assert results[1].extra == {
            "error": f'POST {server.url}/chat/completions failed: HTTP 400: {{"error": "no"}}'
        }
        with pytest.raises(BackendError, match="HTTP 400"):
            list(backend.generate_many(conversations, GenerationParams(), 1))


def test_the_key_is_never_stored_or_shown(scripted):
    server = scripted([(200, {}, completion())])
    backend = _backend(server.url)
    try:
        backend.generate(HELLO, GenerationParams(max_tokens=4))
        assert KEY not in repr(backend)
        assert KEY not in json.dumps(backend.fingerprint())
        assert KEY not in repr(vars(backend))
        assert backend.fingerprint() == {
            "backend": "openai",
            "url": f"{server.url}/chat/completions",
            "model": "scripted",
            "extra_body": {},
        }
    finally:
        backend.close()


def test_no_key_sends_no_authorization(scripted, monkeypatch):
    monkeypatch.delenv("VFF_TEST_KEY")
    server = scripted([(200, {}, completion())])
    with _backend(server.url) as backend:
        backend.generate(HELLO, GenerationParams(max_tokens=4))
    assert "Authorization" not in server.requests[0][0]


def test_urls_and_retryable_statuses():
    assert chat_completions_url("http://h:1") == "http://h:1/v1/chat/completions"
    assert chat_completions_url("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert chat_completions_url("https://h/x/v1/chat/completions") == (
        "https://h/x/v1/chat/completions"
    )
    with pytest.raises(BackendError, match="not an http"):
        chat_completions_url("ftp://h")
    assert [
        s
        for s in (200, 400, 401, 404, 408, 429, 500, 501, 502, 503, 504, 505)
        if is_retryable_status(s)
    ] == [408, 429, 500, 502, 503, 504]


# ------------------------------------------------------------------ llama-cpp-python's server

_SERVER_MODULES = ("fastapi", "uvicorn", "sse_starlette", "starlette_context", "pydantic_settings")


@pytest.fixture(scope="module")
def llama_server(qwen_path: Path, tmp_path_factory) -> Iterator[str]:
    missing = [m for m in _SERVER_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"llama-cpp-python's server needs the 'server' extra (missing {missing})")
    port = _free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(qwen_path),
        "--model_alias",
        "qwen",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "1024",
        "--verbose",
        "False",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not answer in 120 s:\n{log.read_text()}")
            time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def test_generate_against_llama_cpp_server(llama_server):
    backend = make_backend("openai", base_url=llama_server, model="qwen")
    try:
        assert isinstance(backend, Backend)
        params = GenerationParams(max_tokens=8)
        first = backend.generate(HELLO, params)
        assert first.text.strip() != ""
        assert first.prompt_tokens > 0
        assert 1 <= first.completion_tokens <= 8
        assert first.finish_reason in ("stop", "length")
        assert first.extra["response_model"] == "qwen"
        assert backend.generate(HELLO, params).text == first.text  # greedy: deterministic
    finally:
        backend.close()


def test_generate_many_against_llama_cpp_server(llama_server):
    conversations = [
        [{"role": "user", "content": "Say hello."}],
        [{"role": "user", "content": "Name a colour."}],
        [{"role": "user", "content": "Count to three."}],
    ]
    params = GenerationParams(max_tokens=8)
    with OpenAIBackend(llama_server, "qwen") as backend:
        results = list(generate_many(backend, conversations, params, concurrency=2))
        assert sorted(index for index, _ in results) == [0, 1, 2]
        for _, generation in results:
            assert generation.text.strip() != ""
            assert 1 <= generation.completion_tokens <= 8
        by_index = dict(results)
        assert backend.generate(conversations[1], params).text == by_index[1].text
