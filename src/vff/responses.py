"""Responses files (``{"prompt", "response"}`` JSONL, optionally with ``id`` or ``key``), vff
run directories, and their matching to samples.

By default every problem is an error naming the file and line. With an ``on_error``
callback (``vff check --skip-invalid``), a bad line, a response that matches no sample, a
second response for a sample and a sample left without a response are each reported to it
and left out instead, so that the caller can count them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vff.jsonl import DataFileError, read_jsonl
from vff.suite.samples import Sample

OnError = Callable[[DataFileError], None]


@dataclass(frozen=True, slots=True)
class Response:
    """One line of a responses file."""

    line: int
    id: str | int | None
    prompt: str | None
    text: str


def responses_file(path: str | os.PathLike[str]) -> Path:
    """The file to read: ``path`` itself, or a run directory's ``samples.jsonl``."""
    p = Path(path)
    if p.is_dir():
        inner = p / "samples.jsonl"
        if not inner.is_file():
            raise DataFileError(
                p, None, "a directory, but not a vff run directory (no samples.jsonl)"
            )
        return inner
    return p


def _raise(error: DataFileError) -> None:
    raise error


def load_responses(path: str | os.PathLike[str], on_error: OnError | None = None) -> list[Response]:
    """Read a responses file (or run directory); every line needs a string ``response`` and
    an ``id``/``key`` or a ``prompt`` to match it by."""
    report = on_error or _raise
    source = responses_file(path)
    out: list[Response] = []
    for number, record in read_jsonl(source, on_error):
        text = record.get("response")
        if not isinstance(text, str):
            problem = (
                "missing field 'response'"
                if "response" not in record
                else "field 'response' must be a string"
            )
            report(DataFileError(source, number, problem))
            continue
        rid = record.get("id", record.get("key"))
        if rid is not None and (not isinstance(rid, (str, int)) or isinstance(rid, bool)):
            report(DataFileError(source, number, "field 'id'/'key' must be a string or an integer"))
            continue
        prompt = record.get("prompt")
        if prompt is not None and not isinstance(prompt, str):
            report(DataFileError(source, number, "field 'prompt' must be a string"))
            continue
        if rid is None and prompt is None:
            report(
                DataFileError(
                    source, number, "needs an 'id' (or 'key') or a 'prompt' to match a sample"
                )
            )
            continue
        out.append(Response(number, rid, prompt, text))
    return out


def _key(value: str | int) -> str:
    return str(value)


def match_responses(
    samples: list[Sample],
    responses: list[Response],
    path: str | os.PathLike[str],
    on_error: OnError | None = None,
) -> list[tuple[Sample, Response]]:
    """Pair every sample with exactly one response, in sample order.

    A response is matched by ``id``/``key`` when it has one, else by exact prompt text.
    A response that matches no sample, a sample answered twice, and a sample left without
    a response are errors naming the file and line (or the missing ids); with
    ``on_error`` they are reported there and left out.
    """
    report = on_error or _raise
    source = responses_file(path)
    by_id = {_key(s.id): s for s in samples}
    by_prompt: dict[str, list[Sample]] = {}
    for s in samples:
        by_prompt.setdefault(s.prompt, []).append(s)

    chosen: dict[str, Response] = {}
    for r in responses:
        if r.id is not None:
            sample = by_id.get(_key(r.id))
            if sample is None:
                report(
                    DataFileError(
                        source, r.line, f"response for unknown id {r.id!r}: no sample has it"
                    )
                )
                continue
        else:
            assert r.prompt is not None
            candidates = by_prompt.get(r.prompt, [])
            if len(candidates) != 1:
                problem = (
                    f"prompt matches no sample: {r.prompt[:60]!r}"
                    if not candidates
                    else "prompt matches several samples "
                    f"({', '.join(repr(s.id) for s in candidates[:5])}); add an 'id' field"
                )
                report(DataFileError(source, r.line, problem))
                continue
            sample = candidates[0]
        key = _key(sample.id)
        if key in chosen:
            report(
                DataFileError(
                    source,
                    r.line,
                    f"second response for sample {sample.id!r} (first on line {chosen[key].line})",
                )
            )
            continue
        chosen[key] = r

    missing = [s for s in samples if _key(s.id) not in chosen]
    if missing and on_error is None:
        shown = ", ".join(repr(s.id) for s in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise DataFileError(
            source, None, f"no response for {len(missing)} sample(s): {shown}{more}"
        )
    for s in missing:
        report(DataFileError(source, None, f"no response for sample {s.id!r}"))
    return [(s, chosen[_key(s.id)]) for s in samples if _key(s.id) in chosen]
