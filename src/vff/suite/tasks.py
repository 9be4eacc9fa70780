"""The task bank: realistic tasks that users of small models have, grouped by domain.

Each task is data (``suite/data/tasks/<domain>.jsonl``): an instruction plus the material
code needs to build a *witness* (a response that satisfies any compatible set of
constraints): key/value fields for data formats, a table, section titles, list items,
prose sentences and keywords.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from vff.jsonl import DataFileError, read_jsonl

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")]
Scalar = str | int | float | bool
Phrase = Annotated[str, Field(min_length=2, max_length=200, pattern=r"^[^\n]*\S$")]
Cell = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[^\n,|\"]*\S$")]


class Field_(BaseModel):
    """One key/value pair of the task's record (for JSON, YAML, TOML, XML, key: value)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: Key
    value: Scalar | list[str]


class Table(BaseModel):
    """Tabular material (for CSV and Markdown tables): column names and 3-8 rows of strings."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    columns: tuple[Key, ...] = Field(min_length=2, max_length=6)
    rows: tuple[tuple[Cell, ...], ...] = Field(min_length=3, max_length=8)

    @model_validator(mode="after")
    def _rectangular(self) -> Table:
        for index, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {index} has {len(row)} cells, expected {len(self.columns)}")
        return self


class Task(BaseModel):
    """A task of the bank."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Annotated[str, Field(pattern=r"^[a-z_]+-\d{3}$")]
    domain: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    instruction: Annotated[str, Field(min_length=20, max_length=1500)]
    title: Phrase
    record: Key
    fields: tuple[Field_, ...] = Field(min_length=3, max_length=8)
    table: Table
    sections: tuple[Phrase, ...] = Field(min_length=3, max_length=5)
    items: tuple[Phrase, ...] = Field(min_length=4, max_length=8)
    sentences: tuple[Phrase, ...] = Field(min_length=6, max_length=12)
    keywords: tuple[Annotated[str, Field(pattern=r"^[a-z]{3,20}$")], ...] = Field(
        min_length=3, max_length=6
    )

    @field_validator("fields")
    @classmethod
    def _unique_keys(cls, fields: tuple[Field_, ...]) -> tuple[Field_, ...]:
        keys = [f.key for f in fields]
        if len(set(keys)) != len(keys):
            raise ValueError("field keys must be unique")
        return fields

    @model_validator(mode="after")
    def _keywords_in_prose(self) -> Task:
        prose = " ".join(self.sentences + self.items).lower()
        for word in self.keywords:
            if not re.search(rf"\b{re.escape(word)}\b", prose):
                raise ValueError(f"keyword {word!r} does not appear in the sentences or items")
        if not self.id.startswith(self.domain + "-"):
            raise ValueError(f"id {self.id!r} must start with the domain {self.domain!r}")
        return self


def load_tasks_file(path: str) -> list[Task]:
    """Read one domain's tasks; errors name the file, line and field."""
    tasks = []
    for number, record in read_jsonl(path):
        try:
            tasks.append(Task.model_validate(record))
        except ValueError as exc:
            raise DataFileError(path, number, str(exc).replace("\n", "; ")) from None
    return tasks


@functools.cache
def task_bank() -> tuple[Task, ...]:
    """Every task shipped with vff, sorted by id."""
    folder = resources.files("vff.suite") / "data" / "tasks"
    tasks: list[Task] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".jsonl"):
            with resources.as_file(entry) as path:
                tasks.extend(load_tasks_file(str(path)))
    ids = [t.id for t in tasks]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate task ids: {', '.join(duplicates)}")
    return tuple(sorted(tasks, key=lambda t: t.id))
