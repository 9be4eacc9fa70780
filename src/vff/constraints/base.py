"""The constraint model: typed parameters, instruction phrasings, checks and verdicts.

A *constraint type* (a subclass of :class:`ConstraintType`) is a deterministic check of a
response, identified by ``family:name``. A *constraint* (:class:`Constraint`) is a type
bound to validated parameters; it is what a sample carries, as data:
``{"type": "length:words", "params": {"relation": "at most", "n": 50}}``.

Nothing here does I/O: checks take strings and return :class:`Verdict` objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, model_validator

#: Responses longer than this many characters are not parsed; they fail every constraint.
MAX_RESPONSE_CHARS = 2_000_000


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of one check: whether it passed, and one line saying why."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def passed(reason: str = "") -> Verdict:
    """A passing verdict (the reason is optional context, e.g. "found 3 items")."""
    return Verdict(True, reason)


def failed(reason: str) -> Verdict:
    """A failing verdict; ``reason`` says in one line what was wrong."""
    return Verdict(False, reason)


class ConstraintError(ValueError):
    """A constraint spec that cannot be used: unknown type or invalid parameters."""


class Params(BaseModel):
    """Base class of every parameter model: immutable, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(Params):
    """Parameters of a constraint type that takes none."""


Relation = Literal["at least", "at most", "exactly", "between"]


_PREPOSITIONS = frozenset({"of", "like", "in", "with", "for", "on", "that", "per"})


def noun(unit: str, count: int | None) -> str:
    """``unit``, a plural noun phrase ("words", "bullet list items", "occurrences of the
    letter 'a'"), in the singular when ``count`` is 1: the head noun loses its final "s"."""
    if count != 1:
        return unit
    words = unit.split(" ")
    head = next(
        (i - 1 for i, w in enumerate(words) if i > 0 and w in _PREPOSITIONS), len(words) - 1
    )
    word = words[head]
    if word.endswith("s") and not word.endswith("ss"):
        words[head] = word[:-1]
    return " ".join(words)


def quantity(count: int, singular: str, plural: str | None = None) -> str:
    """ "1 comma", "3 commas" (``plural`` defaults to ``singular + "s"``)."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


class Bounded(Params):
    """A count bound: ``at least n``, ``at most n``, ``exactly n`` or ``between n and upper``."""

    relation: Relation
    n: StrictInt = Field(ge=0)
    upper: StrictInt | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _upper_matches_relation(self) -> Bounded:
        if self.relation == "between":
            if self.upper is None:
                raise ValueError("relation 'between' needs 'upper'")
            if self.upper < self.n:
                raise ValueError(f"'upper' ({self.upper}) is smaller than 'n' ({self.n})")
        elif self.upper is not None:
            raise ValueError(
                f"'upper' is only allowed with relation 'between', not {self.relation!r}"
            )
        return self

    def holds(self, count: int) -> bool:
        """Whether ``count`` satisfies the bound."""
        if self.relation == "at least":
            return count >= self.n
        if self.relation == "at most":
            return count <= self.n
        if self.relation == "exactly":
            return count == self.n
        assert self.upper is not None
        return self.n <= count <= self.upper

    def phrase(self, unit: str = "") -> str:
        """The bound in words: "at least 3", "between 2 and 5 words", "exactly 1 word"."""
        if self.relation == "between":
            text = f"between {self.n} and {self.upper}"
            return f"{text} {unit}" if unit else text
        text = f"{self.relation} {self.n}"
        return f"{text} {noun(unit, self.n)}" if unit else text

    def counted(self, singular: str, plural: str | None = None) -> str:
        """The bound with a noun given in the singular: "exactly 1 item", "at least 2 items"."""
        return self.phrase(plural or singular + "s")

    def verdict(self, count: int, unit: str) -> Verdict:
        """Pass or fail ``count`` of ``unit`` (a plural noun) against the bound."""
        if self.holds(count):
            return passed(f"found {count} {noun(unit, count)}")
        return failed(f"expected {self.phrase(unit)}, found {count}")

    def verdict_more_than(self, limit: int, unit: str) -> Verdict:
        """The verdict when counting stopped early: the count is known to exceed ``limit``,
        which is at least the largest number in the bound."""
        if self.relation == "at least":
            return passed(f"found more than {limit} {unit}")
        return failed(f"expected {self.phrase(unit)}, found more than {limit}")


P = TypeVar("P", bound=Params)


def _render(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_render(v) for v in value)
    if isinstance(value, str):
        return value
    return str(value)


class ConstraintType(Generic[P]):
    """One kind of constraint: an id, a parameter model, phrasings and a check.

    Subclasses set the class attributes and implement :meth:`check`. Phrasings are
    :meth:`str.format` templates over the parameter fields (see :meth:`template_values`);
    every type has at least three, so prompts can vary their wording.
    """

    id: ClassVar[str]
    summary: ClassVar[str]
    params_model: ClassVar[type[Params]] = NoParams
    phrasings: ClassVar[tuple[str, ...]]
    #: Parameters of a typical use: shown by ``vff constraints show`` and used by the tests.
    example: ClassVar[dict[str, Any]] = {}
    #: Longer responses fail this type unread ("too long to check"); at most
    #: :data:`MAX_RESPONSE_CHARS`.
    max_chars: ClassVar[int] = MAX_RESPONSE_CHARS
    #: True when a response that fails has no loose variant that passes: the type asks
    #: for at least some amount of what a variant (a part of the response, or the
    #: response without ``*``) can only have less of. Its loose verdict is then the strict
    #: one, without checking the variants. Each such type's tests prove it.
    strict_decides_loose: ClassVar[bool] = False
    #: Where the type comes from: "ifeval" and "ifbench" types keep those benchmarks'
    #: ids, parameters and reference verdicts; "vff" types are vff's own.
    source: ClassVar[str] = "vff"

    @property
    def family(self) -> str:
        """The part of the id before the first colon."""
        return self.id.split(":", 1)[0]

    def parse_params(self, raw: Mapping[str, Any] | None = None) -> P:
        """Validate raw parameters; raise :class:`ConstraintError` naming the bad field."""
        if raw is not None and not isinstance(raw, Mapping):
            raise ConstraintError(
                f"constraint {self.id!r}: params must be an object, found {type(raw).__name__}"
            )
        try:
            return self.params_model.model_validate(dict(raw or {}))  # type: ignore[return-value]
        except ValidationError as exc:
            raise ConstraintError(f"constraint {self.id!r}: {_explain(exc)}") from None

    def template_values(self, params: P) -> dict[str, str]:
        """Values the phrasing templates are formatted with; lists become "a, b, c"."""
        return {name: _render(value) for name, value in params}

    def describe(self, params: P, variant: int = 0) -> str:
        """The instruction shown to a model, in phrasing number ``variant`` (cyclic)."""
        template = self.phrasings[variant % len(self.phrasings)]
        return template.format(**self.template_values(params))

    def check(self, response: str, params: P) -> Verdict:
        """Check one response text strictly (exactly as given)."""
        raise NotImplementedError

    def fails_quickly(self, response: str, params: P) -> bool:
        """True only when :meth:`check` certainly fails on ``response``, decided cheaply.
        Loose checking skips such variants (their reasons are never shown); the default
        decides nothing."""
        return False


def _explain(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "params"
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown parameter"
        elif "input" in err and err["type"] != "missing":
            message = f"{message} (got {err['input']!r:.60})"
        parts.append(f"field {where!r}: {message}")
    return "; ".join(parts)


def loose_variants(response: str) -> list[str]:
    """IFEval's loose variants: the response with its first line, last line or both removed,
    each with and without ``*`` characters (the response itself comes first)."""
    lines = response.split("\n")
    without_first = "\n".join(lines[1:]).strip()
    without_last = "\n".join(lines[:-1]).strip()
    without_both = "\n".join(lines[1:-1]).strip()
    return [
        response,
        response.replace("*", ""),
        without_first,
        without_last,
        without_both,
        without_first.replace("*", ""),
        without_last.replace("*", ""),
        without_both.replace("*", ""),
    ]


@dataclass(frozen=True, slots=True)
class Constraint:
    """A constraint type bound to validated parameters: the unit a sample carries."""

    type: ConstraintType[Any]
    params: Params

    @property
    def id(self) -> str:
        return self.type.id

    def describe(self, variant: int = 0) -> str:
        return self.type.describe(self.params, variant)

    def check(self, response: str, *, loose: bool = False) -> Verdict:
        """Check a response, strictly or with IFEval's loose variants.

        An empty (or whitespace-only) response follows no constraint, and a response over
        the type's :attr:`ConstraintType.max_chars` (at most :data:`MAX_RESPONSE_CHARS`) is
        refused without being parsed.
        """
        limit = self.max_chars
        if len(response) > limit:
            return failed(
                f"response too long to check: {len(response):,} characters (limit {limit:,})"
            )
        if not response.strip():
            return failed("empty response")
        if not loose:
            return self.type.check(response, self.params)
        return self._loose(response, self.type.check(response, self.params))

    def check_both(self, response: str) -> tuple[Verdict, Verdict]:
        """``(strict, loose)`` verdicts, the same as two :meth:`check` calls, but the
        response itself is checked once."""
        strict = self.check(response)
        if strict.ok or not response.strip() or len(response) > self.max_chars:
            return strict, strict
        return strict, self._loose(response, strict)

    @property
    def max_chars(self) -> int:
        """The longest response this constraint reads."""
        return min(self.type.max_chars, MAX_RESPONSE_CHARS)

    def _loose(self, response: str, strict: Verdict) -> Verdict:
        """The first passing loose variant's verdict, else the strict one. A variant equal
        to one already checked (no ``*`` to remove, a one-line response) is not re-checked:
        the verdict depends only on the text."""
        if strict.ok or self.type.strict_decides_loose:
            return strict
        seen = {response}
        for variant in loose_variants(response):
            if variant in seen or not variant.strip():
                continue
            seen.add(variant)
            if self.type.fails_quickly(variant, self.params):
                continue
            verdict = self.type.check(variant, self.params)
            if verdict.ok:
                return verdict
        return strict

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"type": id, "params": {...}}``."""
        return {
            "type": self.type.id,
            "params": self.params.model_dump(mode="json", exclude_none=True),
        }
