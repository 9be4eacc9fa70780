"""The one interface every backend implements: chat messages in, text + token counts +
timings out. Backends know nothing of constraints, suites or scores."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypedDict, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field


class Message(TypedDict):
    """One chat message."""

    role: Literal["system", "user", "assistant"]
    content: str


class GenerationParams(BaseModel):
    """Sampling parameters, recorded with every result. The defaults are greedy decoding."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    top_p: float = Field(default=1.0, gt=0.0, le=1.0)
    max_tokens: int = Field(default=512, ge=1, le=32768)
    seed: int = 0
    stop: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Generation:
    """What a backend returns for one request."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    finish_reason: str = "stop"  # "stop", "length", or "error"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def tokens_per_s(self) -> float:
        return self.completion_tokens / self.latency_s if self.latency_s > 0 else 0.0


class BackendError(RuntimeError):
    """A backend failed in a way retries did not fix; the message says what and where."""


@runtime_checkable
class Backend(Protocol):
    """A text generator. ``fingerprint`` identifies the model exactly (for run stores)."""

    name: str

    def fingerprint(self) -> dict[str, Any]:
        """E.g. ``{"backend": "llamacpp", "model": "qwen2.5-0.5b-instruct", "sha256": ...}``."""
        ...

    def generate(self, messages: Sequence[Message], params: GenerationParams) -> Generation:
        """Generate one response."""
        ...

    def close(self) -> None:
        """Release the model or connections."""
        ...


def generate_many(
    backend: Backend,
    conversations: Sequence[Sequence[Message]],
    params: GenerationParams,
    concurrency: int | None = None,
) -> Iterator[tuple[int, Generation]]:
    """Yield ``(index, generation)`` for each conversation, as each one completes.

    Backends that can serve requests concurrently (``OpenAIBackend``) provide their own
    ``generate_many`` and are delegated to, with ``concurrency`` (None: the backend's
    default); local backends run one request at a time, in order. The caller can persist
    each result as soon as it is yielded.
    """
    own = getattr(backend, "generate_many", None)
    if callable(own):
        yield from own(conversations, params, concurrency=concurrency)
        return
    for index, messages in enumerate(conversations):
        yield index, backend.generate(messages, params)
