"""Fixtures of the synth tests."""

from __future__ import annotations

import pytest

from vff.synth.prompts import fresh_prompts


@pytest.fixture(scope="session")
def witnesses() -> dict[str, str]:
    kept, _ = fresh_prompts("t", 12, [1, 2, 3, 4, 5])
    return {p["prompt"]: p["witness"] for p in kept}
