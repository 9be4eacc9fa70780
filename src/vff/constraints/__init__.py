"""Constraint types and checks: pure functions of text, no I/O.

>>> from vff.constraints import make
>>> c = make("length:words", {"relation": "at most", "n": 3})
>>> c.check("one two three four")
Verdict(ok=False, reason='expected at most 3 words, found 4')
"""

from vff.constraints.base import (
    MAX_RESPONSE_CHARS,
    Bounded,
    Constraint,
    ConstraintError,
    ConstraintType,
    NoParams,
    Params,
    Verdict,
    failed,
    loose_variants,
    passed,
)
from vff.constraints.registry import all_types, from_spec, get_type, make, register

__all__ = [
    "MAX_RESPONSE_CHARS",
    "Bounded",
    "Constraint",
    "ConstraintError",
    "ConstraintType",
    "NoParams",
    "Params",
    "Verdict",
    "all_types",
    "failed",
    "from_spec",
    "get_type",
    "loose_variants",
    "make",
    "passed",
    "register",
]
