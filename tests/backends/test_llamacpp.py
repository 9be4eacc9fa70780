"""LlamaCppBackend with the real qwen2.5-0.5b-instruct GGUF (and gemma-3-270m, a base
model without a chat template). Few tokens and a small context keep it quick."""

from __future__ import annotations

import pytest

from vff import models
from vff.backends import make_backend
from vff.backends.base import Backend, BackendError, GenerationParams
from vff.backends.llamacpp import LlamaCppBackend

QUESTION = [{"role": "user", "content": "What is 2+2? Answer with just the number."}]
COLOURS = [{"role": "user", "content": "Name three primary colours, comma-separated."}]


@pytest.fixture(scope="module")
def qwen(qwen_path):
    backend = LlamaCppBackend(qwen_path, n_ctx=1024)
    yield backend
    backend.close()


def test_chat_prompt_uses_the_gguf_chat_template(qwen):
    assert isinstance(qwen, Backend)
    assert qwen.prompt_mode == "chat"
    assert qwen._llm.chat_format == "chat_template.default"
    prompt = qwen.render_prompt(QUESTION)
    assert prompt == (
        "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful "
        "assistant.<|im_end|>\n<|im_start|>user\nWhat is 2+2? Answer with just the number."
        "<|im_end|>\n<|im_start|>assistant\n"
    )
    generation = qwen.generate(QUESTION, GenerationParams(max_tokens=16))
    # The request's prompt is exactly the rendered template: same token count.
    assert generation.prompt_tokens == qwen.count_tokens(prompt) == 42
    assert generation.text.strip() == "4"
    assert generation.finish_reason == "stop"
    assert generation.extra == {"prompt_mode": "chat"}


def test_generation_has_text_counts_and_timing(qwen):
    generation = qwen.generate(COLOURS, GenerationParams(max_tokens=16))
    assert generation.text.strip() != ""
    assert generation.prompt_tokens > 0
    assert 1 <= generation.completion_tokens <= 16
    assert generation.latency_s > 0
    assert generation.finish_reason in ("stop", "length")
    one = qwen.generate(COLOURS, GenerationParams(max_tokens=1))
    assert (one.completion_tokens, one.finish_reason) == (1, "length")


def test_same_prompt_and_params_give_the_same_text(qwen):
    params = GenerationParams(max_tokens=16, seed=7)
    first = qwen.generate(COLOURS, params)
    qwen.generate(QUESTION, params)  # something else in between: no state carries over
    second = qwen.generate(COLOURS, params)
    assert second.text == first.text
    assert second.completion_tokens == first.completion_tokens
    sampled = GenerationParams(max_tokens=16, temperature=0.8, seed=3)
    assert qwen.generate(COLOURS, sampled).text == qwen.generate(COLOURS, sampled).text


def test_stop_strings_end_the_text(qwen):
    generation = qwen.generate(COLOURS, GenerationParams(max_tokens=16, stop=(",",)))
    assert "," not in generation.text
    assert generation.finish_reason == "stop"


def test_fingerprint_names_the_exact_file(qwen, qwen_path):
    spec = models.MODELS[models.DEFAULT_MODEL]
    assert qwen.fingerprint() == {
        "backend": "llamacpp",
        "model": "qwen2.5-0.5b-instruct",
        "file": "qwen2.5-0.5b-instruct.gguf",
        "size": 491_400_064,
        "sha256": spec.sha256,
        "n_ctx": 1024,
        "prompt_mode": "chat",
        "llama_cpp_python": qwen.fingerprint()["llama_cpp_python"],
    }


def test_a_prompt_longer_than_the_context_is_a_backend_error(qwen):
    long = [{"role": "user", "content": "word " * 1500}]
    with pytest.raises(BackendError, match=r"llama\.cpp \(qwen2\.5-0\.5b-instruct\.gguf\): "):
        qwen.generate(long, GenerationParams(max_tokens=4))


def test_completion_mode_sends_the_plain_text(qwen_path):
    backend = LlamaCppBackend(qwen_path, n_ctx=256, prompt_mode="completion")
    try:
        text = "The capital of France is"
        assert backend.render_prompt([{"role": "user", "content": text}]) == text
        messages = [{"role": "user", "content": text}]
        generation = backend.generate(messages, GenerationParams(max_tokens=4))
        assert generation.prompt_tokens == backend.count_tokens(text) == 5
        assert generation.extra == {"prompt_mode": "completion"}
    finally:
        backend.close()


def test_base_model_without_template_falls_back_to_completion():
    """gemma-3-270m (≈253 MB from PyPI) has no chat template: plain completion."""
    backend = make_backend("llamacpp", model=models.pull("gemma-3-270m"), n_ctx=256)
    try:
        assert backend.chat_template is None
        assert backend.prompt_mode == "completion"
        messages = [{"role": "user", "content": "The capital of France is"}]
        generation = backend.generate(messages, GenerationParams(max_tokens=4))
        assert generation.prompt_tokens == 6  # BOS + 5 tokens: no template around it
        assert generation.completion_tokens == 4
        assert generation.text.strip() != ""
    finally:
        backend.close()


def test_make_backend_resolves_builtin_names(qwen_path):
    backend = make_backend("llamacpp", model="qwen2.5-0.5b-instruct", n_ctx=256)
    try:
        assert backend.model_path == qwen_path
        assert backend.fingerprint()["model"] == "qwen2.5-0.5b-instruct"
    finally:
        backend.close()
    with pytest.raises(models.ModelError, match="built-in models: qwen2.5-0.5b-instruct"):
        make_backend("llamacpp", model="no-such-model")
