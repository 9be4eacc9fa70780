"""Local Hugging Face model directories through ``transformers`` (the ``transformers``
extra: ``pip install torch==2.13.0`` first on CPU machines, then ``pip install
'vff[transformers]'``).

Nothing is downloaded: the directory must hold the config, weights and tokenizer. The
prompt is rendered with the tokenizer's chat template; a tokenizer without one gets plain
completion of the messages' contents. Decoding is greedy unless ``temperature`` > 0.
torch and transformers are imported only here, so vff imports without them.
"""

from __future__ import annotations

import copy
import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vff.backends.base import BackendError, Generation, GenerationParams, Message

__all__ = ["TransformersBackend"]

_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth")


class TransformersBackend:
    """A causal language model loaded from a local directory.

    ``device``: a torch device string (``"cpu"`` by default). ``dtype``: a torch dtype
    name such as ``"float32"`` or ``"bfloat16"`` (default: the checkpoint's).
    ``prompt_mode``: ``"auto"`` (the chat template when the tokenizer has one), ``"chat"``
    or ``"completion"``. ``hash_weights`` puts a digest of the directory's files in
    :meth:`fingerprint` (weights hashed once and cached by size+mtime stamps).
    """

    name = "transformers"

    def __init__(
        self,
        model_dir: str | os.PathLike[str],
        *,
        device: str = "cpu",
        dtype: str | None = None,
        prompt_mode: str = "auto",
        trust_remote_code: bool = False,
        hash_weights: bool = True,
    ) -> None:
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as exc:
            raise BackendError(
                "the transformers backend needs the 'transformers' extra "
                f"(pip install torch==2.13.0 'vff[transformers]'): {exc}"
            ) from None
        path = Path(model_dir)
        if not (path / "config.json").is_file():
            raise BackendError(f"{path} is not a Hugging Face model directory (no config.json)")
        if prompt_mode not in ("auto", "chat", "completion"):
            raise ValueError(f"prompt_mode must be auto, chat or completion, not {prompt_mode!r}")
        self._torch = torch
        self.model_dir = path
        self.device = device
        self._hash_weights = hash_weights
        self._digest: str | None = None
        kwargs: dict[str, Any] = {"local_files_only": True, "trust_remote_code": trust_remote_code}
        if dtype is not None:
            kwargs["dtype"] = getattr(torch, dtype)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(path, **kwargs)
            self.model = AutoModelForCausalLM.from_pretrained(path, **kwargs).to(device)
        except (OSError, ValueError) as exc:
            raise BackendError(f"transformers could not load {path}: {exc}") from None
        self.model.eval()
        has_template = bool(getattr(self.tokenizer, "chat_template", None))
        if prompt_mode == "chat" and not has_template:
            raise BackendError(f"the tokenizer in {path} has no chat template")
        self.prompt_mode = "chat" if has_template and prompt_mode != "completion" else "completion"

    def __repr__(self) -> str:
        return f"TransformersBackend({str(self.model_dir)!r}, device={self.device!r})"

    def render_prompt(self, messages: Sequence[Message]) -> str:
        """The exact prompt text the model sees for ``messages``."""
        if self.prompt_mode == "completion":
            return "\n\n".join(m["content"] for m in messages)
        return self.tokenizer.apply_chat_template(
            [dict(m) for m in messages], tokenize=False, add_generation_prompt=True
        )

    def generate(self, messages: Sequence[Message], params: GenerationParams) -> Generation:
        """Generate one response; greedy when ``params.temperature`` is 0."""
        if not messages:
            raise BackendError("no messages to generate from")
        torch = self._torch
        prompt = self.render_prompt(messages)
        # A chat template already writes any BOS token itself.
        enc = self.tokenizer(
            prompt, return_tensors="pt", add_special_tokens=self.prompt_mode == "completion"
        ).to(self.device)
        config = copy.deepcopy(self.model.generation_config)
        greedy = params.temperature == 0.0
        config.update(
            max_new_tokens=params.max_tokens,
            do_sample=not greedy,
            temperature=None if greedy else params.temperature,
            top_p=None if greedy else params.top_p,
            top_k=None,
            num_beams=1,
        )
        if config.pad_token_id is None:
            config.pad_token_id = self.tokenizer.pad_token_id or self.tokenizer.eos_token_id
        extra_kwargs: dict[str, Any] = {}
        if params.stop:
            extra_kwargs = {"stop_strings": list(params.stop), "tokenizer": self.tokenizer}
        torch.manual_seed(params.seed)
        start = time.perf_counter()
        with torch.inference_mode():
            output = self.model.generate(**enc, generation_config=config, **extra_kwargs)
        latency = time.perf_counter() - start
        prompt_tokens = int(enc["input_ids"].shape[1])
        new_tokens = output[0, prompt_tokens:]
        text = self.tokenizer.decode(new_tokens, skip_special_tokens=True)
        eos = config.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [] if eos is None else [eos])
        ended = len(new_tokens) > 0 and int(new_tokens[-1]) in eos_ids
        finish = "length" if len(new_tokens) >= params.max_tokens and not ended else "stop"
        for stop in params.stop:  # OpenAI semantics: the stop string is not returned
            cut = text.find(stop)
            if cut != -1:
                text, finish = text[:cut], "stop"
        return Generation(
            text=text,
            prompt_tokens=prompt_tokens,
            completion_tokens=int(len(new_tokens)),
            latency_s=latency,
            finish_reason=finish,
            extra={"prompt_mode": self.prompt_mode},
        )

    def digest(self) -> str | None:
        """sha256 over the directory's file names and their sha256s (None if disabled)."""
        if self._digest is None and self._hash_weights:
            from vff.models import file_sha256

            combined = hashlib.sha256()
            for file in sorted(p for p in self.model_dir.rglob("*") if p.is_file()):
                rel = file.relative_to(self.model_dir).as_posix()
                if rel.startswith("."):
                    continue
                big = file.suffix in _WEIGHT_SUFFIXES
                digest = file_sha256(file) if big else hashlib.sha256(file.read_bytes()).hexdigest()
                combined.update(f"{rel}\0{digest}\n".encode())
            self._digest = combined.hexdigest()
        return self._digest

    def fingerprint(self) -> dict[str, Any]:
        return {
            "backend": self.name,
            "model": self.model_dir.name,
            "sha256": self.digest(),
            "prompt_mode": self.prompt_mode,
            "dtype": str(self.model.dtype).removeprefix("torch."),
            "transformers": _version("transformers"),
            "torch": _version("torch"),
        }

    def close(self) -> None:
        self.model = None
        self.tokenizer = None


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"
