"""TransformersBackend with a tiny randomly initialised Llama and a character-level
tokenizer, both built here and saved to a temporary directory (nothing downloaded)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

from tiny_model import HI, TEMPLATE, save_tiny_model  # noqa: E402
from vff.backends import make_backend  # noqa: E402
from vff.backends.base import Backend, GenerationParams  # noqa: E402
from vff.backends.transformers import TransformersBackend  # noqa: E402


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-llama")
    save_tiny_model(folder, TEMPLATE)
    return folder


def test_greedy_generation_counts_and_determinism(tiny_dir):
    backend = TransformersBackend(tiny_dir)
    assert isinstance(backend, Backend)
    assert backend.prompt_mode == "chat"
    prompt = backend.render_prompt(HI)
    assert prompt == "<|im_start|>user\nhi there<|im_end|>\n<|im_start|>assistant\n"
    params = GenerationParams(max_tokens=5)
    first = backend.generate(HI, params)
    # 1 + len("user\n") + len("hi there") + 1 + 1 + 1 + len("assistant\n") characters
    assert first.prompt_tokens == 27
    assert first.completion_tokens == 5
    assert first.finish_reason == "length"
    assert first.latency_s > 0
    assert first.extra == {"prompt_mode": "chat"}
    assert backend.generate(HI, params).text == first.text
    assert TransformersBackend(tiny_dir).generate(HI, params).text == first.text  # a new load


def test_fingerprint_hashes_the_directory(tiny_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("VFF_MODELS_DIR", str(tmp_path))  # weight-hash stamps go there
    backend = make_backend("transformers", model=tiny_dir)
    fingerprint = backend.fingerprint()
    assert fingerprint["backend"] == "transformers"
    assert fingerprint["model"] == tiny_dir.name
    assert len(fingerprint["sha256"]) == 64
    assert fingerprint["sha256"] == TransformersBackend(tiny_dir).fingerprint()["sha256"]
    assert fingerprint["dtype"] == "float32"
    assert len(list((tmp_path / "stamps").iterdir())) == 1  # model.safetensors, hashed once


def test_no_chat_template_means_plain_completion(tmp_path):
    save_tiny_model(tmp_path, None)
    backend = TransformersBackend(tmp_path)
    assert backend.prompt_mode == "completion"
    assert backend.render_prompt(HI) == "hi there"
    generation = backend.generate(HI, GenerationParams(max_tokens=3))
    assert (generation.prompt_tokens, generation.completion_tokens) == (8, 3)
