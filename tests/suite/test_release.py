"""vff-core: the frozen release, its witnesses, regeneration, counts and decontamination."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import Counter
from pathlib import Path

import pytest

from vff.constraints import from_spec
from vff.suite import release
from vff.suite.compose import RULES, STRUCTURED, corrupt
from vff.suite.samples import sample_from_record
from vff.suite.tasks import task_bank

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def splits() -> dict[str, list[dict]]:
    return {split: release.load_split(split) for split in release.SPLITS}


def test_task_bank_size_and_domains() -> None:
    bank = task_bank()
    assert len(bank) >= 200
    domains = Counter(t.domain for t in bank)
    assert len(domains) >= 10
    assert min(domains.values()) >= 10


def test_counts_by_level_and_split(splits: dict[str, list[dict]]) -> None:
    assert Counter(r["level"] for r in splits["test"]) == {lv: 200 for lv in range(1, 6)}
    assert Counter(r["level"] for r in splits["dev"]) == {lv: 100 for lv in range(1, 6)}
    for records in splits.values():
        assert all(len(r["constraints"]) == r["level"] for r in records)
        assert len({r["id"] for r in records}) == len(records)
        assert len({r["domain"] for r in records}) >= 10


def test_structured_constraint_at_levels_three_and_up(splits: dict[str, list[dict]]) -> None:
    for records in splits.values():
        for r in records:
            if r["level"] >= 3:
                assert any(c["type"] in STRUCTURED for c in r["constraints"]), r["id"]


def test_no_incompatible_pair_appears(splits: dict[str, list[dict]]) -> None:
    for records in splits.values():
        for r in records:
            types = [c["type"] for c in r["constraints"]]
            assert len(set(types)) == len(types), r["id"]
            for a, b in itertools.combinations(types, 2):
                assert frozenset((a, b)) not in RULES, (r["id"], a, b)


def test_every_witness_passes_and_every_corruption_fails(splits: dict[str, list[dict]]) -> None:
    checked = 0
    for records in splits.values():
        for r in records:
            sample = sample_from_record(r)
            for constraint in sample.constraints:
                verdict = constraint.check(r["witness"])
                assert verdict.ok, (r["id"], constraint.id, verdict.reason)
                broken = corrupt(constraint, r["witness"])
                assert not constraint.check(broken).ok, (r["id"], constraint.id)
                checked += 1
    assert checked == sum(r["level"] for records in splits.values() for r in records) == 4500


def test_prompt_is_task_then_descriptions(splits: dict[str, list[dict]]) -> None:
    bank = {t.id: t for t in task_bank()}
    r = splits["test"][0]
    instruction = bank[r["task_id"]].instruction
    assert r["prompt"].startswith(instruction + "\n\n")
    descriptions = r["prompt"][len(instruction) + 2 :]
    for spec in r["constraints"]:
        constraint = from_spec(spec)
        assert any(
            constraint.describe(i) in descriptions for i in range(len(constraint.type.phrasings))
        )


@pytest.mark.parametrize("split", release.SPLITS)
def test_regeneration_is_byte_identical(split: str) -> None:
    shipped = release.release_file(split).read_bytes()
    assert release.serialize(release.build_split(split)) == shipped


def test_data_card_lists_current_hashes_and_counts(splits: dict[str, list[dict]]) -> None:
    card = (ROOT / "docs" / "vff-core.md").read_text(encoding="utf-8")
    for split in release.SPLITS:
        digest = hashlib.sha256(release.release_file(split).read_bytes()).hexdigest()
        assert digest in card, f"docs/vff-core.md lacks the sha256 of {split}.jsonl"
    assert re.search(r"\|\s*test\s*\|\s*1000\s*\|", card)


def test_training_space_is_disjoint_and_decontaminated(splits: dict[str, list[dict]]) -> None:
    eval_tasks = {r["task_id"] for records in splits.values() for r in records}
    train = release.generate(seed="decontam-test", n=500, space="train")
    assert not eval_tasks & {r["task_id"] for r in train}
    index = release.contamination_index()
    bank = {t.id: t for t in task_bank()}
    findings = [index.check_sample(r, bank[r["task_id"]].instruction) for r in train]
    assert findings == [None] * 500
    full_prompts = [index.check_text(r["prompt"]) for r in train]
    assert full_prompts == [None] * 500


def test_decontamination_catches_reused_tasks_and_instances(splits: dict[str, list[dict]]) -> None:
    index = release.contamination_index()
    test_record = splits["test"][5]
    found = index.check_sample(test_record, "unrelated text")
    assert (
        found is not None
        and found.kind == "instance"
        and found.reference.startswith("vff-core-v1-")
    )
    # An eval-space sample of a test task, with other constraints, shares its task text.
    bank = {t.id: t for t in task_bank()}
    other = release.generate(seed="leak", n=5, space="eval")
    hits = [index.check_text(bank[r["task_id"]].instruction) for r in other]
    assert all(h is not None and h.kind == "ngram" for h in hits)


def test_generate_is_deterministic_and_seed_dependent() -> None:
    a = release.generate(seed=1, n=20, levels=[2, 4])
    assert release.serialize(a) == release.serialize(release.generate(seed=1, n=20, levels=[2, 4]))
    assert release.serialize(a) != release.serialize(release.generate(seed=2, n=20, levels=[2, 4]))
    assert [r["level"] for r in a] == [2, 4] * 10


def test_loadable_with_datasets() -> None:
    datasets = pytest.importorskip("datasets")
    files = {split: str(release.release_file(split)) for split in release.SPLITS}
    loaded = datasets.load_dataset("json", data_files=files)
    assert loaded["test"].num_rows == 1000 and loaded["dev"].num_rows == 500
    assert loaded["test"][0]["id"] == "vff-core-v1-test-0001"
