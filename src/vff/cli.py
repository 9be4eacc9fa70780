"""The ``vff`` command: a thin face over the packages below it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vff import __version__

app = typer.Typer(
    name="vff",
    help="Make small language models follow formats, and prove it with code.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
constraints_app = typer.Typer(
    help="Browse the constraint types: ids, parameters and phrasings.", no_args_is_help=True
)
app.add_typer(constraints_app, name="constraints")
suite_app = typer.Typer(
    help="Benchmarks: list them, show and export samples, generate fresh ones.",
    no_args_is_help=True,
)
app.add_typer(suite_app, name="suite")

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print an error on stderr and exit."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        console.print(f"vff {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """vff: deterministic format-following checks, benchmarks and verified data for small LLMs."""


@app.command()
def check(
    samples: Annotated[
        Path, typer.Argument(help="Samples JSONL: vff samples or IFEval's input_data.jsonl.")
    ],
    responses: Annotated[
        Path,
        typer.Argument(
            help='Responses JSONL: {"prompt", "response"} lines, optionally with id/key.'
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write one verdict line per sample here (JSONL)."),
    ] = None,
    loose: Annotated[
        bool,
        typer.Option(
            "--loose", help="Loose checking (IFEval's: also try without first/last line and '*')."
        ),
    ] = False,
) -> None:
    """Check responses against their samples' constraints; print a summary, write verdicts.

    Responses are matched to samples by id/key when they carry one, else by exact prompt.
    Each output line carries the sample's id (or key), instruction_id_list,
    follow_instruction_list, follow_all_instructions and reasons.

    Example: vff check input_data.jsonl responses.jsonl -o verdicts.jsonl --loose
    """
    from rich.progress import Progress

    from vff.jsonl import DataFileError, write_jsonl
    from vff.responses import load_responses, match_responses
    from vff.score import summarize
    from vff.suite import load_samples
    from vff.verify import verify

    try:
        sample_list = load_samples(samples)
        pairs = match_responses(sample_list, load_responses(responses), responses)
    except DataFileError as exc:
        fail(str(exc))
    results = []
    with Progress(console=err_console, transient=True, disable=len(pairs) < 2000) as progress:
        task = progress.add_task("checking", total=len(pairs))
        for sample, response in pairs:
            results.append(verify(sample, response.text, loose=loose))
            progress.advance(task)
    if out is not None:
        try:
            write_jsonl(out, (r.to_record() for r in results))
        except OSError as exc:
            fail(f"{out}: cannot write: {exc.strerror or exc}")
    summary = summarize(results)
    mode = "loose" if loose else "strict"
    table = Table(title=f"vff check ({mode}): {summary.prompts} samples")
    table.add_column("constraint type")
    table.add_column("followed", justify="right")
    table.add_column("accuracy", justify="right")
    for type_id, count in summary.by_type.items():
        table.add_row(type_id, f"{count.followed}/{count.total}", f"{count.accuracy:.1%}")
    table.add_section()
    table.add_row(
        "[bold]prompt level[/]",
        f"{summary.prompts_followed}/{summary.prompts}",
        f"[bold]{summary.prompt_level_acc:.1%}[/]",
    )
    table.add_row(
        "[bold]instruction level[/]",
        f"{summary.instructions_followed}/{summary.instructions}",
        f"[bold]{summary.inst_level_acc:.1%}[/]",
    )
    console.print(table)
    if out is not None:
        console.print(f"verdicts written to {out}")


@constraints_app.command("list")
def constraints_list(
    family: Annotated[
        str | None, typer.Option("--family", "-f", help="Only this family (e.g. format).")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="text (aligned columns), markdown (a table) or json.")
    ] = "text",
) -> None:
    """List every constraint type: id, family and a one-line description."""
    from vff.constraints import all_types

    types = [t for t in all_types() if family is None or t.family == family]
    if not types:
        fail(f"no constraint family {family!r}")
    if fmt == "json":
        rows = [
            {"id": t.id, "family": t.family, "summary": t.summary, "example": t.example}
            for t in types
        ]
        console.print_json(json.dumps(rows))
    elif fmt == "markdown":
        lines = ["| id | family | description |", "|---|---|---|"]
        pipe = "\\|"
        lines += [f"| `{t.id}` | {t.family} | {t.summary.replace('|', pipe)} |" for t in types]
        console.print("\n".join(lines), highlight=False, markup=False, soft_wrap=True)
    elif fmt == "text":
        id_width = max(len(t.id) for t in types)
        family_width = max(len(t.family) for t in types)
        for t in types:
            line = f"{t.id:<{id_width}}  {t.family:<{family_width}}  {t.summary}"
            console.print(line, highlight=False, markup=False, soft_wrap=True)
    else:
        fail(f"unknown format {fmt!r}; use text, markdown or json")


@constraints_app.command("show")
def constraints_show(
    type_id: Annotated[str, typer.Argument(help="A constraint id, e.g. length:words.")],
) -> None:
    """Show one constraint type: its parameters (JSON Schema) and its phrasings."""
    from vff.constraints import ConstraintError, get_type

    try:
        ctype = get_type(type_id)
    except ConstraintError as exc:
        fail(str(exc))
    schema: dict[str, Any] = ctype.params_model.model_json_schema()
    console.print(f"[bold]{ctype.id}[/] (family {ctype.family})", highlight=False)
    console.print(ctype.summary, highlight=False, markup=False)
    console.print("\n[bold]parameters[/] (JSON Schema):")
    console.print(json.dumps(schema, indent=2), highlight=False, markup=False, soft_wrap=True)
    if ctype.example:
        spec = {"type": ctype.id, "params": ctype.example}
        console.print("\n[bold]example[/]:")
        console.print(json.dumps(spec), highlight=False, markup=False, soft_wrap=True)
        console.print(
            ctype.describe(ctype.parse_params(ctype.example)), highlight=False, markup=False
        )
    console.print("\n[bold]phrasings[/] (templates over the parameters):")
    for number, phrasing in enumerate(ctype.phrasings):
        console.print(f"  {number}. {phrasing}", highlight=False, markup=False, soft_wrap=True)


# --------------------------------------------------------------------------- suite


@suite_app.command("list")
def suite_list() -> None:
    """List the suites with their splits and sample counts by level."""
    from collections import Counter

    from vff.suite.catalog import get_suite, suite_names

    table = Table(title="suites (samples by level)")
    for column in ("suite", "split", "samples", "L1", "L2", "L3", "L4", "L5"):
        table.add_column(column, justify="left" if column in ("suite", "split") else "right")
    notes = []
    for name in suite_names():
        suite = get_suite(name)
        notes.append(f"{name}: {suite.description}")
        for split in suite.splits:
            records = suite.records(split)
            levels = Counter(r.get("level") for r in records)
            table.add_row(
                name, split, str(len(records)), *(str(levels.get(lv, 0)) for lv in range(1, 6))
            )
    console.print(table)
    for note in notes:
        console.print(note, highlight=False, markup=False)


def _suite_records(
    name: str, split: str | None, levels: str | None, n: int | None
) -> list[dict[str, Any]]:
    from vff.suite.catalog import SuiteError, get_suite, parse_levels, select

    try:
        return select(get_suite(name).records(split), parse_levels(levels), n)
    except SuiteError as exc:
        fail(str(exc))


@suite_app.command("show")
def suite_show(
    name: Annotated[str, typer.Argument(help="Suite name, e.g. vff-core.")],
    split: Annotated[
        str | None, typer.Option(help="Split (default: the suite's test split).")
    ] = None,
    level: Annotated[
        str | None, typer.Option("--level", "-l", help="Level(s): 3, 1-3 or 1,3,5.")
    ] = None,
    n: Annotated[int, typer.Option("--n", "-n", min=1, help="How many samples to show.")] = 3,
    witness: Annotated[
        bool, typer.Option(help="Also show each sample's witness response.")
    ] = False,
) -> None:
    """Show samples: prompt, constraints (and witness).

    Example: vff suite show vff-core --level 3 --n 5
    """
    from rich.panel import Panel

    for record in _suite_records(name, split, level, n):
        lines = [record["prompt"], ""]
        lines += [
            f"- {c['type']} {json.dumps(c.get('params', {}))}"
            for c in record.get("constraints", [])
        ]
        if witness and record.get("witness"):
            lines += ["", "witness:", record["witness"]]
        title = f"{record.get('id')}  level {record.get('level')}  {record.get('domain', '')}"
        console.print(Panel(escape("\n".join(lines)), title=escape(title), title_align="left"))


@suite_app.command("export")
def suite_export(
    name: Annotated[str, typer.Argument(help="Suite name, e.g. vff-core.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output JSONL file.")],
    split: Annotated[
        str | None, typer.Option(help="Split (default: the suite's test split).")
    ] = None,
    level: Annotated[
        str | None, typer.Option("--level", "-l", help="Level(s): 3, 1-3 or 1,3,5.")
    ] = None,
    n: Annotated[
        int | None, typer.Option("--n", "-n", min=1, help="At most this many samples.")
    ] = None,
) -> None:
    """Export a suite split as JSONL samples (with witnesses), e.g. to evaluate elsewhere.

    Example: vff suite export vff-core --split test -o vff-core-test.jsonl
    """
    from vff.jsonl import write_jsonl

    records = _suite_records(name, split, level, n)
    count = write_jsonl(out, records)
    console.print(f"wrote {count} samples to {out}")


@suite_app.command("generate")
def suite_generate(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output JSONL file.")],
    seed: Annotated[
        str, typer.Option(help="Seed: the same seed gives the same file, byte for byte.")
    ] = "0",
    n: Annotated[int, typer.Option("--n", "-n", min=1, help="Number of samples.")] = 100,
    levels: Annotated[str, typer.Option(help="Levels: 1-5, 2-3 or 1,3,5 (round robin).")] = "1-5",
    space: Annotated[
        str, typer.Option(help="Task space: train (disjoint from vff-core's tasks) or eval.")
    ] = "train",
    domains: Annotated[
        str | None, typer.Option(help="Comma-separated domains (default: all).")
    ] = None,
    max_per_task: Annotated[
        int, typer.Option(min=1, help="A task is used at most this many times per level.")
    ] = 10,
) -> None:
    """Generate fresh verified samples (each with a witness) from vff-core's generator.

    The train space uses only tasks that vff-core's test and dev splits never use.

    Example: vff suite generate --seed 7 --n 500 --levels 1-5 -o train.jsonl
    """
    from vff.jsonl import write_jsonl
    from vff.suite.catalog import SuiteError, parse_levels
    from vff.suite.compose import CompositionError
    from vff.suite.release import generate

    if space not in ("train", "eval"):
        fail(f"unknown space {space!r}; use train or eval")
    try:
        level_list = parse_levels(levels) or [1, 2, 3, 4, 5]
        domain_list = [d.strip() for d in domains.split(",") if d.strip()] if domains else None
        records = generate(
            seed=seed,
            n=n,
            levels=level_list,
            space=space,  # type: ignore[arg-type]
            domains=domain_list,
            max_per_task=max_per_task,
        )
    except (SuiteError, CompositionError) as exc:
        fail(str(exc))
    count = write_jsonl(out, records)
    console.print(f"wrote {count} samples to {out}")
