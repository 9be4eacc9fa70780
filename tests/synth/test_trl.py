"""The synth records are what TRL's trainers read: SFTTrainer (messages; prompt-completion)
and DPOTrainer (prompt/chosen/rejected) tokenize them and take a training step with a tiny
randomly initialised model built here."""

from __future__ import annotations

from pathlib import Path

import pytest

trl = pytest.importorskip("trl")
datasets = pytest.importorskip("datasets")
transformers = pytest.importorskip("transformers")

from scripted import ScriptedBackend  # noqa: E402

from tiny_model import TEMPLATE, save_tiny_model  # noqa: E402
from vff.synth import SynthConfig, synth  # noqa: E402


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, witnesses) -> Path:
    out = tmp_path_factory.mktemp("synth")
    synth(
        SynthConfig(out=out, n=12, seed="t", samples_per_prompt=2, model="scripted", repair=True),
        backend=ScriptedBackend(witnesses),
    )
    return out


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    save_tiny_model(folder, TEMPLATE)
    model = transformers.AutoModelForCausalLM.from_pretrained(folder)
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
    return model, tokenizer


def load(path: Path):
    return datasets.load_dataset("json", data_files=str(path), split="train")


def common(tmp_path: Path) -> dict:
    return dict(
        output_dir=str(tmp_path / "trainer"), max_steps=1, per_device_train_batch_size=2,
        report_to=[], save_strategy="no", use_cpu=True, max_length=2048,
    )  # fmt: skip


def sft_trainer(data, tiny, tmp_path: Path):
    model, tokenizer = tiny
    return trl.SFTTrainer(
        model=model, args=trl.SFTConfig(**common(tmp_path)), train_dataset=data,
        processing_class=tokenizer,
    )  # fmt: skip


def test_sft_trainer_reads_sft_jsonl(outputs: Path, tiny, tmp_path: Path) -> None:
    tokenizer = tiny[1]
    trainer = sft_trainer(load(outputs / "sft.jsonl"), tiny, tmp_path)
    first = trainer.train_dataset[0]
    text = tokenizer.decode(first["input_ids"])
    assert text.startswith("<|im_start|>user\n") and "<|im_start|>assistant\n" in text
    assert trainer.train().global_step == 1


def test_sft_trainer_reads_repairs_as_prompt_completion(outputs: Path, tiny, tmp_path) -> None:
    tokenizer = tiny[1]
    data = load(outputs / "repairs.jsonl")
    trainer = sft_trainer(data, tiny, tmp_path)
    first = trainer.train_dataset[0]
    completion = [
        t for t, lab in zip(first["input_ids"], first["labels"], strict=True) if lab != -100
    ]
    # the loss covers the fix only: the last assistant turn
    assert tokenizer.decode(completion).startswith(data[0]["completion"][0]["content"][:20])
    assert trainer.train().global_step == 1


def test_dpo_trainer_reads_pairs_jsonl(outputs: Path, tiny, tmp_path: Path) -> None:
    model, tokenizer = tiny
    data = load(outputs / "pairs.jsonl")
    assert data.num_rows > 0
    trainer = trl.DPOTrainer(
        model=model, args=trl.DPOConfig(**common(tmp_path)), train_dataset=data,
        processing_class=tokenizer,
    )  # fmt: skip
    first = trainer.train_dataset[0]
    assert tokenizer.decode(first["prompt_ids"]).startswith("<|im_start|>user\n")
    assert tokenizer.decode(first["rejected_ids"]).startswith("no.")
    assert trainer.train().global_step == 1
