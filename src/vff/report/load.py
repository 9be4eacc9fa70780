"""Read run directories robustly: every problem is named (which run, which file, what to do)
instead of raised, so that a report can still show the runs that are fine."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vff.jsonl import DataFileError, read_jsonl
from vff.score import HEADLINE


@dataclass
class Run:
    """One run directory as read from disk; ``problems`` says what is missing or broken."""

    path: Path
    manifest: dict[str, Any] | None = None
    results: dict[str, Any] | None = None
    #: samples.jsonl records by sample id (``id``, or ``key`` for IFEval inputs), in file order
    samples: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    label: str = ""

    @property
    def usable(self) -> bool:
        """Scores are available (results.json read and valid)."""
        return self.results is not None

    @property
    def has_samples(self) -> bool:
        return bool(self.samples)

    @property
    def model(self) -> str:
        for source in (self.results, self.manifest):
            if source and isinstance(source.get("model"), dict):
                name = source["model"].get("model")
                if name:
                    return str(name)
        return self.path.name

    def suite(self) -> dict[str, Any]:
        for source in (self.results, self.manifest):
            if source and isinstance(source.get("suite"), dict):
                return source["suite"]
        return {}

    def metric(self, name: str) -> tuple[float | None, list[float] | None]:
        """(value, ci95) of a headline metric from results.json."""
        cell = ((self.results or {}).get("metrics") or {}).get(name) or {}
        value = cell.get("value")
        ci = cell.get("ci95")
        return (value if isinstance(value, int | float) else None), (
            ci if isinstance(ci, list) and len(ci) == 2 else None
        )


def sample_id(record: dict[str, Any]) -> str | None:
    """The id of a samples.jsonl record (``id``, or ``key`` for IFEval inputs)."""
    for name in ("id", "key"):
        if name in record and record[name] is not None:
            return str(record[name])
    return None


def _read_json(path: Path) -> tuple[Any, str | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, "missing"
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"unreadable ({exc})"
    try:
        return json.loads(text), None
    except ValueError as exc:
        return None, f"corrupted: not valid JSON ({exc})"


def _valid_results(data: Any) -> str | None:
    """Why results.json cannot be used, or None."""
    if not isinstance(data, dict):
        return "corrupted: not a JSON object"
    metrics = data.get("metrics")
    if not isinstance(metrics, dict):
        return "corrupted: no 'metrics' object"
    absent = [
        m for m in HEADLINE if not isinstance((metrics.get(m) or {}).get("value"), int | float)
    ]
    if absent:
        return f"corrupted: metrics missing {', '.join(absent)}"
    return None


def _valid_record(record: dict[str, Any]) -> str | None:
    ids = record.get("instruction_id_list")
    strict = record.get("follow_instruction_list")
    loose = record.get("follow_instruction_list_loose", strict)
    if not isinstance(ids, list) or not isinstance(strict, list) or not isinstance(loose, list):
        return "no instruction_id_list / follow_instruction_list"
    if not (len(ids) == len(strict) == len(loose)):
        return "instruction_id_list and follow_instruction_list differ in length"
    return None


def load_run(path: str | Path) -> Run:
    """Read a run directory; never raises for bad input, records problems instead."""
    run = Run(Path(path))
    where = str(path)
    if not run.path.exists():
        run.problems.append(f"run {where}: directory not found")
        return run
    if not run.path.is_dir():
        run.problems.append(f"run {where}: not a directory")
        return run

    manifest, why = _read_json(run.path / "manifest.json")
    if why:
        run.problems.append(f"run {where}: manifest.json {why}")
    elif not isinstance(manifest, dict):
        run.problems.append(f"run {where}: manifest.json corrupted: not a JSON object")
    else:
        run.manifest = manifest

    results, why = _read_json(run.path / "results.json")
    if why == "missing":
        if (run.path / "generations.sqlite").exists():
            run.problems.append(
                f"run {where}: results.json missing (interrupted run? re-run vff eval to finish it)"
            )
        else:
            run.problems.append(
                f"run {where}: results.json missing and no generations.sqlite "
                "(not a vff run directory?)"
            )
    elif why:
        run.problems.append(f"run {where}: results.json {why}")
    else:
        invalid = _valid_results(results)
        if invalid:
            run.problems.append(f"run {where}: results.json {invalid}")
        else:
            run.results = results

    samples_path = run.path / "samples.jsonl"
    if not samples_path.exists():
        if run.results is not None:
            run.problems.append(
                f"run {where}: samples.jsonl missing (per-sample sections and comparisons "
                "skip this run)"
            )
        return run
    bad: list[str] = []
    try:
        for line, record in read_jsonl(samples_path, on_error=lambda e: bad.append(e.detail)):
            sid = sample_id(record)
            invalid = _valid_record(record)
            if sid is None:
                bad.append(f"line {line}: no id or key")
            elif invalid:
                bad.append(f"line {line}: {invalid}")
            elif sid in run.samples:
                bad.append(f"line {line}: duplicate id {sid!r}")
            else:
                run.samples[sid] = record
    except DataFileError as exc:
        run.problems.append(f"run {where}: samples.jsonl unreadable ({exc.detail})")
        return run
    if bad:
        run.problems.append(
            f"run {where}: samples.jsonl has {len(bad)} bad line(s), skipped (first: {bad[0]})"
        )
    return run


def load_runs(paths: list[str | Path]) -> list[Run]:
    """Read every run directory and give each a unique, readable label."""
    runs = [load_run(p) for p in paths]
    counts: dict[str, int] = {}
    for run in runs:
        if run.usable:
            counts[run.model] = counts.get(run.model, 0) + 1
    for run in runs:
        if run.usable and counts[run.model] == 1:
            run.label = run.model
        elif run.model == run.path.name:
            run.label = run.model
        else:
            run.label = f"{run.model} ({run.path.name})"
    seen: dict[str, int] = {}
    for run in runs:  # still equal (same model, same directory name): number them
        if run.label in seen:
            seen[run.label] += 1
            run.label = f"{run.label} #{seen[run.label]}"
        else:
            seen[run.label] = 1
    return runs


__all__ = ["Run", "load_run", "load_runs", "sample_id"]
