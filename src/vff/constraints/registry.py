"""The registry of constraint types, keyed by id (``family:name``)."""

from __future__ import annotations

import difflib
import importlib
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from vff.constraints.base import Constraint, ConstraintError, ConstraintType

#: Modules that define constraint types; each registers its classes on import.
FAMILY_MODULES = (
    "vff.constraints.ifeval",
    "vff.constraints.structured",
    "vff.constraints.length",
    "vff.constraints.lexical",
    "vff.constraints.language",
    "vff.constraints.ifbench",
)

_ID = re.compile(r"^[a-z][a-z0-9_]*:[a-z][a-z0-9_-]*$")
_TYPES: dict[str, ConstraintType[Any]] = {}
_loaded = False

T = TypeVar("T", bound=type[ConstraintType[Any]])


def register(cls: T) -> T:
    """Class decorator: add a constraint type to the registry (one instance per type)."""
    type_id = getattr(cls, "id", None)
    if not isinstance(type_id, str) or not _ID.match(type_id):
        raise TypeError(f"{cls.__name__}: id must look like 'family:name', got {type_id!r}")
    if type_id in _TYPES:
        raise TypeError(f"{cls.__name__}: constraint id {type_id!r} is already registered")
    if len(getattr(cls, "phrasings", ())) < 3:
        raise TypeError(f"{cls.__name__}: needs at least 3 phrasings")
    if not getattr(cls, "summary", ""):
        raise TypeError(f"{cls.__name__}: needs a one-line summary")
    _TYPES[type_id] = cls()
    return cls


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for name in FAMILY_MODULES:
            importlib.import_module(name)


def all_types() -> list[ConstraintType[Any]]:
    """Every registered constraint type, sorted by id."""
    _load()
    return [_TYPES[k] for k in sorted(_TYPES)]


def get_type(type_id: str) -> ConstraintType[Any]:
    """The type with this id; :class:`ConstraintError` (with suggestions) if unknown."""
    _load()
    try:
        return _TYPES[type_id]
    except (KeyError, TypeError):
        close = difflib.get_close_matches(str(type_id), list(_TYPES), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise ConstraintError(
            f"unknown constraint type {type_id!r}{hint} (`vff constraints list` shows all)"
        ) from None


def make(type_id: str, params: Mapping[str, Any] | None = None) -> Constraint:
    """Bind a type to validated parameters."""
    ctype = get_type(type_id)
    return Constraint(ctype, ctype.parse_params(params))


def from_spec(spec: Any) -> Constraint:
    """Build a constraint from its JSON form ``{"type": ..., "params": {...}}``."""
    if not isinstance(spec, Mapping):
        raise ConstraintError(
            f"a constraint must be an object with 'type' and 'params', got {spec!r:.60}"
        )
    unknown = set(spec) - {"type", "params"}
    if unknown:
        raise ConstraintError(f"unknown constraint field(s): {', '.join(sorted(unknown))}")
    if "type" not in spec:
        raise ConstraintError("constraint is missing field 'type'")
    params = spec.get("params")
    if params is not None and not isinstance(params, Mapping):
        raise ConstraintError(f"constraint {spec['type']!r}: 'params' must be an object")
    return make(spec["type"], params)
