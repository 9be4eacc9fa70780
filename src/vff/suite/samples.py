"""The sample record and its loader.

A sample is data, never code. vff's own form::

    {"id": "core-000123", "prompt": "...",
     "constraints": [{"type": "length:words", "params": {"relation": "at most", "n": 50}}],
     ...any other fields (level, domain, witness, ...) are kept in ``meta``}

IFEval's input form is read as it is: ``{"key", "prompt", "instruction_id_list", "kwargs"}``
(``None`` values in ``kwargs`` are dropped, as IFEval's reference does).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from vff.constraints import Constraint, ConstraintError, from_spec, make
from vff.jsonl import DataFileError, read_jsonl


@dataclass(frozen=True)
class Sample:
    """A prompt and its constraints. ``id_field`` is ``"id"`` (vff) or ``"key"`` (IFEval)."""

    id: str | int
    prompt: str
    constraints: tuple[Constraint, ...]
    id_field: str = "id"
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def constraint_ids(self) -> list[str]:
        return [c.id for c in self.constraints]

    def to_record(self) -> dict[str, Any]:
        """The vff JSON form of this sample."""
        return {
            self.id_field: self.id,
            "prompt": self.prompt,
            "constraints": [c.to_dict() for c in self.constraints],
            **self.meta,
        }


class SampleError(ValueError):
    """A sample record that cannot be used; the message names the field."""


def _require(record: dict[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    if name not in record:
        raise SampleError(f"missing field {name!r}")
    value = record[name]
    if not isinstance(value, kind) or isinstance(value, bool):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        expected = " or ".join(k.__name__ for k in kinds)
        raise SampleError(f"field {name!r} must be {expected}, found {type(value).__name__}")
    return value


def sample_from_record(record: dict[str, Any]) -> Sample:
    """Build a sample from a vff or IFEval record; :class:`SampleError` names the bad field."""
    prompt = _require(record, "prompt", str)
    if "instruction_id_list" in record and "constraints" not in record:
        key = _require(record, "key", (int, str))
        ids = _require(record, "instruction_id_list", list)
        kwargs = record.get("kwargs", [{} for _ in ids])
        if not isinstance(kwargs, list) or len(kwargs) != len(ids):
            raise SampleError("field 'kwargs' must be a list with one object per instruction")
        constraints = []
        for index, (type_id, params) in enumerate(zip(ids, kwargs, strict=True)):
            if not isinstance(params, dict):
                raise SampleError(f"field 'kwargs[{index}]' must be an object")
            try:
                constraints.append(
                    make(type_id, {k: v for k, v in params.items() if v is not None})
                )
            except ConstraintError as exc:
                raise SampleError(f"field 'instruction_id_list[{index}]': {exc}") from None
        meta = {
            k: v
            for k, v in record.items()
            if k not in {"key", "prompt", "instruction_id_list", "kwargs"}
        }
        return Sample(key, prompt, tuple(constraints), "key", meta)

    sample_id = _require(record, "id", (str, int))
    specs = _require(record, "constraints", list)
    constraints = []
    for index, spec in enumerate(specs):
        try:
            constraints.append(from_spec(spec))
        except ConstraintError as exc:
            raise SampleError(f"field 'constraints[{index}]': {exc}") from None
    meta = {k: v for k, v in record.items() if k not in {"id", "prompt", "constraints"}}
    return Sample(sample_id, prompt, tuple(constraints), "id", meta)


def load_samples(path: str | os.PathLike[str]) -> list[Sample]:
    """Read a JSONL file of samples (vff or IFEval form). Ids must be unique.

    Raises :class:`~vff.jsonl.DataFileError` naming the file, line and field.
    """
    samples: list[Sample] = []
    seen: dict[str | int, int] = {}
    for number, record in read_jsonl(path):
        try:
            sample = sample_from_record(record)
        except SampleError as exc:
            raise DataFileError(path, number, str(exc)) from None
        if sample.id in seen:
            raise DataFileError(
                path,
                number,
                f"duplicate {sample.id_field} {sample.id!r} (first on line {seen[sample.id]})",
            )
        seen[sample.id] = number
        samples.append(sample)
    if not samples:
        raise DataFileError(path, None, "no samples in file")
    return samples
