"""Scores: exact accuracies, breakdowns, and deterministic bootstrap intervals."""

from __future__ import annotations

import pytest

from vff.constraints import make
from vff.score import ratio_ci, score
from vff.suite.samples import Sample
from vff.verify import verify

WORDS = make("length:words", {"relation": "at most", "n": 3})
COMMAS = make("lexical:no_commas", {})


def results(texts: list[str], loose: bool) -> list:
    out = []
    for i, text in enumerate(texts):
        sample = Sample(
            f"s{i}", "p", (WORDS, COMMAS), meta={"level": 2, "domain": "d" + str(i % 2)}
        )
        out.append(verify(sample, text, loose=loose))
    return out


def test_exact_values_and_breakdowns() -> None:
    texts = ["one two", "one, two", "Sure thing:\none two", "a b c d e"]
    s = score(results(texts, False), results(texts, True), resamples=200)
    m = s["metrics"]
    assert m["prompt_level_strict_acc"]["value"] == 1 / 4
    assert m["prompt_level_loose_acc"]["value"] == 2 / 4
    assert m["inst_level_strict_acc"]["value"] == 5 / 8
    assert m["inst_level_loose_acc"]["value"] == 6 / 8
    assert s["counts"] == {"prompts": 4, "instructions": 8}
    assert s["by_type"]["lexical:no_commas"] == {
        "instructions": 4,
        "inst_level_strict_acc": 0.75,
        "inst_level_loose_acc": 0.75,
    }
    assert s["by_family"]["length"]["inst_level_loose_acc"] == 0.75
    assert s["by_domain"]["d0"]["prompts"] == 2
    assert s["by_level"]["2"]["prompt_level_strict_acc"] == 0.25
    low, high = m["inst_level_strict_acc"]["ci95"]
    assert 0.0 <= low <= 5 / 8 <= high <= 1.0


def test_bootstrap_is_deterministic_and_sensible() -> None:
    values = [1.0] * 70 + [0.0] * 30
    a = ratio_ci(values, seed=3)
    assert a == ratio_ci(values, seed=3)
    clustered = ratio_ci([float(i % 3) for i in range(60)], [2.0] * 60, seed=3, resamples=500)
    assert clustered == ratio_ci(
        [float(i % 3) for i in range(60)], [2.0] * 60, seed=3, resamples=500
    )
    assert clustered[0] < 0.5 < clustered[1]
    assert 0.6 < a[0] < 0.7 < a[1] < 0.8
    assert ratio_ci([1.0] * 10) == (1.0, 1.0)
    assert ratio_ci([]) == (0.0, 0.0)
    with pytest.raises(ValueError):
        ratio_ci([1.0], [1.0, 2.0])
