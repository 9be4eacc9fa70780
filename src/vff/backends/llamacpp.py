"""Local GGUF models through llama-cpp-python, prompted with the model's own chat template.

The chat template is the one in the GGUF metadata (``tokenizer.chat_template``), rendered
by llama-cpp-python's Jinja2 formatter, exactly as ``transformers`` would. A model with no
template (a base model such as gemma-3-270m) gets plain completion of the messages'
contents instead. The model state is reset before every request, so the same prompt and
parameters always give the same text, whatever came before.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from vff.backends.base import BackendError, Generation, GenerationParams, Message

__all__ = ["LlamaCppBackend"]

_CHAT_FORMAT = "chat_template.default"  # llama-cpp-python's name for the GGUF template

PromptMode = Literal["auto", "chat", "completion"]


def _default_threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class LlamaCppBackend:
    """A GGUF model run in-process by llama-cpp-python.

    ``model_path`` is a GGUF file (see :func:`vff.models.resolve` for built-in names).
    ``prompt_mode``: ``"auto"`` uses the GGUF chat template when there is one and plain
    completion otherwise; ``"chat"`` requires a template; ``"completion"`` never uses one.
    ``n_threads`` defaults to every core this process may use. ``hash_model`` puts the
    file's sha256 in :meth:`fingerprint` (from the model store's stamp when valid, else
    hashed once and stamped). One request runs at a time (a lock guards the model).
    """

    name = "llamacpp"

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        n_ctx: int = 4096,
        n_threads: int | None = None,
        *,
        prompt_mode: PromptMode = "auto",
        n_batch: int = 512,
        hash_model: bool = True,
        model_name: str | None = None,
        verbose: bool = False,
    ) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:  # pragma: no cover - a main dependency
            raise BackendError(f"llama-cpp-python is not installed: {exc}") from None
        path = Path(model_path)
        if not path.is_file():
            raise BackendError(f"GGUF model file not found: {path}")
        self.model_path = path
        self.model_name = model_name or path.stem
        self.n_ctx = n_ctx
        self.n_threads = n_threads or _default_threads()
        self._hash_model = hash_model
        self._sha256: str | None = None
        self._lock = threading.Lock()
        try:
            self._llm: Any = Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=self.n_threads,
                n_threads_batch=self.n_threads,
                n_batch=n_batch,
                seed=0,
                verbose=verbose,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise BackendError(f"llama.cpp could not load {path}: {exc}") from None
        self.chat_template: str | None = self._llm.metadata.get("tokenizer.chat_template")
        if prompt_mode == "chat" and self.chat_template is None:
            raise BackendError(f"{path.name} has no chat template in its GGUF metadata")
        self.prompt_mode: Literal["chat", "completion"] = (
            "chat" if self.chat_template is not None and prompt_mode != "completion"
            else "completion"
        )
        if self.prompt_mode == "chat":
            # Always the GGUF template, never a built-in format llama-cpp-python guesses.
            self._llm.chat_format = _CHAT_FORMAT

    # ------------------------------------------------------------------ prompts

    def render_prompt(self, messages: Sequence[Message]) -> str:
        """The exact prompt text the model sees for ``messages``."""
        if self.prompt_mode == "completion":
            return "\n\n".join(m["content"] for m in messages)
        return self._formatter()(messages=[dict(m) for m in messages]).prompt

    def _formatter(self) -> Any:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        model = self._llm._model
        eos, bos = self._llm.token_eos(), self._llm.token_bos()
        return Jinja2ChatFormatter(
            template=self.chat_template or "",
            eos_token=model.token_get_text(eos) if eos != -1 else "",
            bos_token=model.token_get_text(bos) if bos != -1 else "",
            stop_token_ids=[eos],
        )

    def count_tokens(self, text: str) -> int:
        """Tokens in ``text`` as the model tokenizes a prompt (special tokens parsed)."""
        add_bos = self._llm.metadata.get("tokenizer.ggml.add_bos_token", "true") == "true"
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True))

    # ------------------------------------------------------------------ generation

    def generate(self, messages: Sequence[Message], params: GenerationParams) -> Generation:
        """Generate one response; greedy when ``params.temperature`` is 0."""
        if not messages:
            raise BackendError("no messages to generate from")
        sampling: dict[str, Any] = {
            "temperature": params.temperature,
            "top_p": params.top_p,
            "top_k": 0,  # no top-k / min-p: only what GenerationParams records
            "min_p": 0.0,
            "repeat_penalty": 1.0,
            "max_tokens": params.max_tokens,
            "stop": list(params.stop),
            "seed": params.seed,
        }
        with self._lock:
            if self._llm is None:
                raise BackendError(f"{self!r} is closed")
            self._llm.reset()  # no prompt-cache reuse: each request starts from a clean state
            start = time.perf_counter()
            try:
                if self.prompt_mode == "chat":
                    out = self._llm.create_chat_completion(
                        messages=[dict(m) for m in messages], **sampling
                    )
                    choice = out["choices"][0]
                    text = choice["message"]["content"] or ""
                else:
                    out = self._llm.create_completion(self.render_prompt(messages), **sampling)
                    choice = out["choices"][0]
                    text = choice["text"]
            except ValueError as exc:  # e.g. prompt longer than the context window
                raise BackendError(f"llama.cpp ({self.model_path.name}): {exc}") from None
            latency = time.perf_counter() - start
        usage = out.get("usage") or {}
        return Generation(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            latency_s=latency,
            finish_reason=choice.get("finish_reason") or "stop",
            extra={"prompt_mode": self.prompt_mode},
        )

    # ------------------------------------------------------------------ identity

    def sha256(self) -> str | None:
        """The model file's sha256 (cached by the model store), or None if not hashed."""
        if self._sha256 is None and self._hash_model:
            from vff.models import file_sha256

            self._sha256 = file_sha256(self.model_path)
        return self._sha256

    def fingerprint(self) -> dict[str, Any]:
        return {
            "backend": self.name,
            "model": self.model_name,
            "file": self.model_path.name,
            "size": self.model_path.stat().st_size,
            "sha256": self.sha256(),
            "n_ctx": self.n_ctx,
            "prompt_mode": self.prompt_mode,
            "llama_cpp_python": _llama_cpp_version(),
        }

    def close(self) -> None:
        with self._lock:
            llm, self._llm = self._llm, None
        if llm is not None:
            llm.close()

    def __repr__(self) -> str:
        return f"LlamaCppBackend({str(self.model_path)!r}, n_ctx={self.n_ctx})"


def _llama_cpp_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("llama-cpp-python")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"
