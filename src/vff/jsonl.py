"""Reading and writing JSON Lines files, with errors that name the file and line."""

from __future__ import annotations

import codecs
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any


class DataFileError(ValueError):
    """A data file that cannot be used; the message names the file, line and field."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line
        self.detail = message


def read_jsonl(
    path: str | os.PathLike[str], on_error: Callable[[DataFileError], None] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line; every line must be a JSON object.

    Raises :class:`DataFileError` for a missing file, invalid UTF-8, invalid or truncated
    JSON, or a line that is not an object; with ``on_error``, a bad line is passed to it
    and skipped instead (a missing file still raises). A UTF-8 byte order mark at the
    start of the file is ignored.
    """
    p = Path(path)
    try:
        fh = p.open("rb")
    except OSError as exc:
        raise DataFileError(path, None, f"cannot open: {exc.strerror or exc}") from None
    with fh:
        for number, raw in enumerate(fh, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                obj = _parse_line(raw)
            except ValueError as exc:
                error = DataFileError(path, number, str(exc))
                if on_error is None:
                    raise error from None
                on_error(error)
                continue
            if obj is not None:
                yield number, obj


def _parse_line(raw: bytes) -> dict[str, Any] | None:
    """One line as a JSON object (None if blank); ValueError says what is wrong."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1]
        raise ValueError(f"not valid UTF-8 (byte {exc.start}: {bad!r})") from None
    if not line.strip():
        return None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON at column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply") from None
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, found {type(obj).__name__}")
    return obj


def dumps(obj: Any) -> str:
    """One JSON line: UTF-8 text, key order kept, no trailing newline."""
    return json.dumps(obj, ensure_ascii=False)


def write_atomic(path: str | os.PathLike[str], lines: Iterable[str]) -> int:
    """Write text pieces to a temporary file of this writer's own beside ``path``, then
    rename it over ``path`` (mode 0644). Nothing half-written is left behind if writing
    fails, and several processes may write the same path. Returns the number of pieces."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for line in lines:
                fh.write(line)
                count += 1
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


def write_jsonl(path: str | os.PathLike[str], records: Iterable[dict[str, Any]]) -> int:
    """Write records atomically (see :func:`write_atomic`); returns the number of records."""
    return write_atomic(path, (dumps(record) + "\n" for record in records))
