"""TransformersBackend with a tiny randomly initialised Llama and a character-level
tokenizer, both built here and saved to a temporary directory (nothing downloaded)."""

from __future__ import annotations

import string

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

from vff.backends import make_backend  # noqa: E402
from vff.backends.base import Backend, GenerationParams  # noqa: E402
from vff.backends.transformers import TransformersBackend  # noqa: E402

SPECIALS = ["<pad>", "<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"]
TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
HI = [{"role": "user", "content": "hi there"}]


def _save_tiny_model(folder, chat_template: str | None) -> None:
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers

    vocab = {token: i for i, token in enumerate(SPECIALS)}
    for char in string.ascii_letters + string.digits + string.punctuation + " \n":
        vocab.setdefault(char, len(vocab))
    raw = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    raw.pre_tokenizer = pre_tokenizers.Split(Regex("[\\s\\S]"), behavior="isolated")
    raw.decoder = decoders.Fuse()
    raw.add_special_tokens(SPECIALS)
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=raw, pad_token="<pad>", unk_token="<unk>", bos_token="<s>",
        eos_token="</s>",
    )
    if chat_template is not None:
        tokenizer.chat_template = chat_template
    tokenizer.save_pretrained(folder)

    torch.manual_seed(0)
    config = transformers.LlamaConfig(
        vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=128,
        pad_token_id=0, bos_token_id=2, eos_token_id=3, tie_word_embeddings=False,
    )
    model = transformers.LlamaForCausalLM(config)
    # A random model may well predict EOS first; suppress it so exactly max_tokens come out.
    model.generation_config.suppress_tokens = [3]
    model.save_pretrained(folder)


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-llama")
    _save_tiny_model(folder, TEMPLATE)
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
    _save_tiny_model(tmp_path, None)
    backend = TransformersBackend(tmp_path)
    assert backend.prompt_mode == "completion"
    assert backend.render_prompt(HI) == "hi there"
    generation = backend.generate(HI, GenerationParams(max_tokens=3))
    assert (generation.prompt_tokens, generation.completion_tokens) == (8, 3)
