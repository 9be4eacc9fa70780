"""Any OpenAI-compatible ``/v1/chat/completions`` endpoint (vLLM, llama.cpp's server,
llama-cpp-python's server, Ollama, OpenAI itself), through httpx.

Requests run on a private asyncio event loop in a background thread, so the synchronous
:meth:`OpenAIBackend.generate` and the concurrent :meth:`OpenAIBackend.generate_many`
work from any caller, including one that already runs an event loop. Transient failures
(429, 408, 5xx, timeouts, connection errors) are retried with exponential backoff and
bounded jitter, honouring ``Retry-After``; then a :class:`BackendError` names the URL and
the last status.

The API key is read from an environment variable (``OPENAI_API_KEY`` unless configured)
when each request is sent. It is never kept on the object, and it is removed from any
error message that a server might echo it into.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import email.utils
import os
import random
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from vff.backends.base import BackendError, Generation, GenerationParams, Message

__all__ = ["OpenAIBackend", "chat_completions_url", "is_retryable_status"]



def is_retryable_status(status: int) -> bool:
    """408, 429 and 5xx (except 501 and 505, which a retry cannot fix)."""
    return status in (408, 429) or (500 <= status < 600 and status not in (501, 505))


def chat_completions_url(base_url: str) -> str:
    """``http://host:8000`` or ``…/v1`` or a full ``…/v1/chat/completions`` → the full URL."""
    url = base_url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BackendError(f"not an http(s) URL: {base_url!r}")
    if url.endswith("/chat/completions"):
        return url
    if parts.path.endswith("/v1"):
        return url + "/chat/completions"
    return url + "/v1/chat/completions"


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _Retryable(Exception):
    def __init__(self, what: str, delay: float | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.delay = delay


class OpenAIBackend:
    """A client for an OpenAI-compatible chat-completions server.

    ``base_url``: e.g. ``http://127.0.0.1:8000/v1`` (see :func:`chat_completions_url`).
    ``model``: the ``model`` field sent with each request. ``max_retries``: retries after
    the first attempt. Backoff before retry ``n`` (1-based) is
    ``min(backoff_max_s, backoff_base_s * 2**(n-1))`` scaled by a jitter factor in
    [0.5, 1.0] (seeded, so reproducible); a ``Retry-After`` header, capped at
    ``retry_after_max_s``, takes its place. ``concurrency`` bounds requests in flight
    (per :meth:`generate_many` call unless given there). ``extra_body`` is merged into
    every request body (e.g. ``{"top_k": 1}``).
    """

    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key_env: str = "OPENAI_API_KEY",
        timeout_s: float = 120.0,
        max_retries: int = 5,
        backoff_base_s: float = 1.0,
        backoff_max_s: float = 30.0,
        retry_after_max_s: float = 120.0,
        concurrency: int = 4,
        extra_body: Mapping[str, Any] | None = None,
        jitter_seed: int = 0,
    ) -> None:
        if max_retries < 0 or concurrency < 1:
            raise ValueError("max_retries must be >= 0 and concurrency >= 1")
        self.url = chat_completions_url(base_url)
        self.model = model
        self.api_key_env = api_key_env
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self.retry_after_max_s = retry_after_max_s
        self.concurrency = concurrency
        self.extra_body = dict(extra_body or {})
        self._rng = random.Random(jitter_seed)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: httpx.AsyncClient | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"OpenAIBackend(url={self.url!r}, model={self.model!r})"

    # ------------------------------------------------------------------ identity

    def fingerprint(self) -> dict[str, Any]:
        """URL, model and sampling extras; never the API key."""
        return {
            "backend": self.name,
            "url": self.url,
            "model": self.model,
            "extra_body": dict(self.extra_body),
        }

    # ------------------------------------------------------------------ event loop

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="vff-openai-loop", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def _submit(self, coro: Any) -> concurrent.futures.Future[Any]:
        return asyncio.run_coroutine_threadsafe(coro, self._ensure_loop())

    def close(self) -> None:
        """Close the HTTP connections and stop the background event loop."""
        with self._lock:
            loop, thread, client = self._loop, self._thread, self._client
            self._loop = self._thread = self._client = None
        if loop is None:
            return
        if client is not None:
            asyncio.run_coroutine_threadsafe(client.aclose(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=10)
        loop.close()

    def __enter__(self) -> OpenAIBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ requests

    def _api_key(self) -> str | None:
        return os.environ.get(self.api_key_env) or None

    def _redact(self, text: str) -> str:
        key = self._api_key()
        return text.replace(key, "[redacted]") if key else text

    def _body(self, messages: Sequence[Message], params: GenerationParams) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
            "temperature": params.temperature,
            "top_p": params.top_p,
            "max_tokens": params.max_tokens,
            "seed": params.seed,
            "stream": False,
        }
        if params.stop:
            body["stop"] = list(params.stop)
        body.update(self.extra_body)
        return body

    def _backoff(self, retry: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.retry_after_max_s)
        delay = min(self.backoff_max_s, self.backoff_base_s * 2 ** (retry - 1))
        return delay * (0.5 + 0.5 * self._rng.random())

    async def _client_for_loop(self) -> httpx.AsyncClient:
        if self._client is None:  # created on, and only used from, the backend's loop
            self._client = httpx.AsyncClient(timeout=self.timeout_s)
        return self._client

    async def _attempt(self, body: dict[str, Any]) -> tuple[dict[str, Any], float]:
        client = await self._client_for_loop()
        headers = {"Content-Type": "application/json"}
        key = self._api_key()
        if key:
            headers["Authorization"] = f"Bearer {key}"
        start = time.perf_counter()
        try:
            response = await client.post(self.url, json=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timeout ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise _Retryable(f"connection error ({type(exc).__name__}: {exc})") from None
        latency = time.perf_counter() - start
        status = response.status_code
        if is_retryable_status(status):
            raise _Retryable(
                f"HTTP {status}: {_excerpt(response.text)}",
                _retry_after(response.headers.get("Retry-After")),
            )
        if status != 200:
            raise BackendError(
                self._redact(f"POST {self.url} failed: HTTP {status}: {_excerpt(response.text)}")
            )
        try:
            data = response.json()
        except ValueError:
            raise BackendError(
                self._redact(f"POST {self.url}: response is not JSON: {_excerpt(response.text)}")
            ) from None
        return data, latency

    async def agenerate(
        self, messages: Sequence[Message], params: GenerationParams
    ) -> Generation:
        """Generate one response (a coroutine for this backend's own event loop)."""
        body = self._body(messages, params)
        last, delay = "", None
        for attempt in range(self.max_retries + 1):
            if attempt:
                await asyncio.sleep(self._backoff(attempt, delay))
            try:
                data, latency = await self._attempt(body)
            except _Retryable as exc:
                last, delay = exc.what, exc.delay
                continue
            return self._parse(data, latency, attempts=attempt + 1)
        raise BackendError(
            self._redact(
                f"POST {self.url} failed after {self.max_retries + 1} attempts; last: {last}"
            )
        )

    def _parse(self, data: Any, latency: float, attempts: int) -> Generation:
        try:
            choice = data["choices"][0]
            text = choice["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise BackendError(
                self._redact(f"POST {self.url}: unexpected response: {_excerpt(str(data))}")
            ) from None
        usage = data.get("usage") or {}
        extra: dict[str, Any] = {"attempts": attempts}
        for field in ("model", "system_fingerprint", "id"):
            if data.get(field) is not None:
                extra[f"response_{field}"] = data[field]
        return Generation(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            latency_s=latency,
            finish_reason=choice.get("finish_reason") or "stop",
            extra=extra,
        )

    # ------------------------------------------------------------------ public, synchronous

    def generate(self, messages: Sequence[Message], params: GenerationParams) -> Generation:
        """Generate one response, retrying transient failures; raise :class:`BackendError`."""
        return self._submit(self.agenerate(messages, params)).result()

    def generate_many(
        self,
        conversations: Sequence[Sequence[Message]],
        params: GenerationParams,
        concurrency: int | None = None,
        *,
        errors: Literal["raise", "yield"] = "raise",
    ) -> Iterator[tuple[int, Generation]]:
        """Yield ``(index, generation)`` as each request completes, ``concurrency`` at once.

        ``errors="raise"``: the first request that fails for good cancels the others and
        raises its :class:`BackendError` (results already yielded stay valid).
        ``errors="yield"``: a failed request yields a Generation with empty text,
        ``finish_reason="error"`` and the message in ``extra["error"]``.
        """
        limit = concurrency or self.concurrency
        if limit < 1:
            raise ValueError("concurrency must be >= 1")
        loop = self._ensure_loop()
        semaphore = asyncio.Semaphore(limit)  # binds to the backend's loop on first use

        async def one(messages: Sequence[Message]) -> Generation:
            async with semaphore:
                return await self.agenerate(messages, params)

        futures = {
            asyncio.run_coroutine_threadsafe(one(messages), loop): index
            for index, messages in enumerate(conversations)
        }
        try:
            for future in concurrent.futures.as_completed(futures):
                index = futures[future]
                try:
                    generation = future.result()
                except BackendError as exc:
                    if errors == "raise":
                        raise
                    generation = Generation(
                        text="", prompt_tokens=0, completion_tokens=0, latency_s=0.0,
                        finish_reason="error", extra={"error": str(exc)},
                    )
                yield index, generation
        finally:
            for future in futures:
                future.cancel()


def _excerpt(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
