"""Responses files (``{"prompt", "response"}`` JSONL, optionally with ``id`` or ``key``) and
their matching to samples."""

from __future__ import annotations

import os
from dataclasses import dataclass

from vff.jsonl import DataFileError, read_jsonl
from vff.suite.samples import Sample


@dataclass(frozen=True, slots=True)
class Response:
    """One line of a responses file."""

    line: int
    id: str | int | None
    prompt: str | None
    text: str


def load_responses(path: str | os.PathLike[str]) -> list[Response]:
    """Read a responses file; every line needs a string ``response`` and an ``id``/``key``
    or a ``prompt`` to match it by."""
    out: list[Response] = []
    for number, record in read_jsonl(path):
        text = record.get("response")
        if not isinstance(text, str):
            problem = (
                "missing field 'response'"
                if "response" not in record
                else "field 'response' must be a string"
            )
            raise DataFileError(path, number, problem)
        rid = record.get("id", record.get("key"))
        if rid is not None and (not isinstance(rid, (str, int)) or isinstance(rid, bool)):
            raise DataFileError(path, number, "field 'id'/'key' must be a string or an integer")
        prompt = record.get("prompt")
        if prompt is not None and not isinstance(prompt, str):
            raise DataFileError(path, number, "field 'prompt' must be a string")
        if rid is None and prompt is None:
            raise DataFileError(
                path, number, "needs an 'id' (or 'key') or a 'prompt' to match a sample"
            )
        out.append(Response(number, rid, prompt, text))
    return out


def _key(value: str | int) -> str:
    return str(value)


def match_responses(
    samples: list[Sample], responses: list[Response], path: str | os.PathLike[str]
) -> list[tuple[Sample, Response]]:
    """Pair every sample with exactly one response, in sample order.

    A response is matched by ``id``/``key`` when it has one, else by exact prompt text.
    A response that matches no sample, a sample answered twice, and a sample left without
    a response are errors naming the file and line (or the missing ids).
    """
    by_id = {_key(s.id): s for s in samples}
    by_prompt: dict[str, list[Sample]] = {}
    for s in samples:
        by_prompt.setdefault(s.prompt, []).append(s)

    chosen: dict[str, Response] = {}
    for r in responses:
        if r.id is not None:
            sample = by_id.get(_key(r.id))
            if sample is None:
                raise DataFileError(
                    path, r.line, f"response for unknown id {r.id!r}: no sample has it"
                )
        else:
            assert r.prompt is not None
            candidates = by_prompt.get(r.prompt, [])
            if not candidates:
                raise DataFileError(path, r.line, f"prompt matches no sample: {r.prompt[:60]!r}")
            if len(candidates) > 1:
                ids = ", ".join(repr(s.id) for s in candidates[:5])
                raise DataFileError(
                    path, r.line, f"prompt matches several samples ({ids}); add an 'id' field"
                )
            sample = candidates[0]
        key = _key(sample.id)
        if key in chosen:
            raise DataFileError(
                path,
                r.line,
                f"second response for sample {sample.id!r} (first on line {chosen[key].line})",
            )
        chosen[key] = r

    missing = [s for s in samples if _key(s.id) not in chosen]
    if missing:
        shown = ", ".join(repr(s.id) for s in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise DataFileError(path, None, f"no response for {len(missing)} sample(s): {shown}{more}")
    return [(s, chosen[_key(s.id)]) for s in samples]
