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
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """vff: deterministic format-following checks, benchmarks and verified data for small LLMs."""


@app.command()
def check(
    samples: Annotated[Path, typer.Argument(help="Samples JSONL: vff samples or IFEval's input_data.jsonl.")],
    responses: Annotated[
        Path, typer.Argument(help="Responses JSONL: {\"prompt\", \"response\"} lines, optionally with id/key.")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write one verdict line per sample here (JSONL).")
    ] = None,
    loose: Annotated[
        bool, typer.Option("--loose", help="Loose checking (IFEval's: also try without first/last line and '*').")
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
    family: Annotated[str | None, typer.Option("--family", "-f", help="Only this family (e.g. format).")] = None,
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
        rows = [{"id": t.id, "family": t.family, "summary": t.summary, "example": t.example} for t in types]
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
def constraints_show(type_id: Annotated[str, typer.Argument(help="A constraint id, e.g. length:words.")]) -> None:
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
        console.print(ctype.describe(ctype.parse_params(ctype.example)), highlight=False, markup=False)
    console.print("\n[bold]phrasings[/] (templates over the parameters):")
    for number, phrasing in enumerate(ctype.phrasings):
        console.print(f"  {number}. {phrasing}", highlight=False, markup=False, soft_wrap=True)
