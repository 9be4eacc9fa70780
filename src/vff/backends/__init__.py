"""Generation backends: chat messages in, text + token counts + timings out.

Use :func:`make_backend` to build one by kind; each module imports its heavy dependency
(llama-cpp-python, httpx, transformers/torch) only when its backend is made.
"""

from __future__ import annotations

from typing import Any

from vff.backends.base import (
    Backend,
    BackendError,
    Generation,
    GenerationParams,
    Message,
    generate_many,
)

__all__ = [
    "BACKEND_KINDS",
    "Backend",
    "BackendError",
    "Generation",
    "GenerationParams",
    "Message",
    "generate_many",
    "make_backend",
]

BACKEND_KINDS = ("llamacpp", "openai", "replay", "transformers")


def make_backend(kind: str, **options: Any) -> Backend:
    """Build a backend of ``kind`` with its constructor's keyword ``options``.

    - ``llamacpp``: ``model`` (a built-in model name or a ``.gguf`` path, resolved by
      :func:`vff.models.resolve`; ``model_path`` also accepted), ``n_ctx``, ``n_threads``,
      ``prompt_mode``, … (see :class:`~vff.backends.llamacpp.LlamaCppBackend`).
    - ``openai``: ``base_url``, ``model``, ``api_key_env``, ``concurrency``,
      ``max_retries``, … (see :class:`~vff.backends.openai.OpenAIBackend`).
    - ``replay``: ``path`` of a ``{"prompt", "response"}`` JSONL file.
    - ``transformers``: ``model_dir`` (``model`` also accepted), ``device``, ``dtype``, …
    """
    if kind == "llamacpp":
        from vff import models
        from vff.backends.llamacpp import LlamaCppBackend

        target = options.pop("model", None) or options.pop("model_path", None)
        if target is None:
            raise ValueError("the llamacpp backend needs model= (a built-in name or a .gguf path)")
        path = models.resolve(target)
        name = str(target) if str(target) in models.MODELS else None
        options.setdefault("model_name", name)
        if name is not None and not models.MODELS[name].chat:
            options.setdefault("prompt_mode", "completion")
        return LlamaCppBackend(path, **options)
    if kind == "openai":
        from vff.backends.openai import OpenAIBackend

        return OpenAIBackend(**options)
    if kind == "replay":
        from vff.backends.replay import ReplayBackend

        return ReplayBackend(**options)
    if kind == "transformers":
        from vff.backends.transformers import TransformersBackend

        if "model" in options:
            options["model_dir"] = options.pop("model")
        return TransformersBackend(**options)
    raise ValueError(f"unknown backend {kind!r}; choose one of: {', '.join(BACKEND_KINDS)}")
