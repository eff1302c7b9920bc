"""The ``criteria-engine`` command: a thin shell over the library.

Each command reads its arguments, calls the library and formats the result. Expected
failures are :class:`click.ClickException` subclasses with an exit code (1: some units
were invalid; 2: a usage or pack error), printed once as ``Error: …`` on stderr. Results go
to stdout (or ``-o FILE``), messages and progress to stderr. Heavy imports happen inside
the commands so ``criteria-engine --help`` and ``packs`` start fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..reports.formats import FORMATS as OUTPUT_FORMATS
from .errors import InvalidUnits, PackProblem

#: the output formats' names, from their registry (which loads no renderer)
FORMATS = tuple(OUTPUT_FORMATS)
SUBMISSION_SUFFIXES = (".json", ".yaml", ".yml", ".csv", ".xlsx")


def _load(name: str, period: str | None = None):
    from ..loading.finder import PackNotFound, load_pack
    from ..model.problems import PackError

    try:
        return load_pack(name, period=period)
    except PackNotFound as exc:
        raise PackProblem(str(exc)) from None
    except PackError as exc:
        raise PackProblem(exc.render()) from None


def _expand(paths: tuple[str, ...]) -> list[Path]:
    """Files as given; folders expanded to the submission files directly inside them."""
    files: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUBMISSION_SUFFIXES
            )
            found += sorted(
                p
                for sub in sorted(path.iterdir())
                if sub.is_dir() and sub.name != "invalid"
                for p in sub.rglob("*")
                if p.suffix.lower() in SUBMISSION_SUFFIXES
            )
            if not found:
                raise click.UsageError(f"no submission files (.json, .yaml, .csv, .xlsx) in {path}")
            files += found
        elif path.exists():
            files.append(path)
        else:
            raise click.UsageError(f"no such file or folder: {path}")
    return files


def _write(text: str | bytes, output: str | None) -> None:
    if output is None:
        if isinstance(text, bytes):
            raise click.UsageError("this format is binary: give -o FILE")
        click.echo(text, nl=False)
        return
    mode = "wb" if isinstance(text, bytes) else "w"
    with open(output, mode, **({} if isinstance(text, bytes) else {"encoding": "utf-8"})) as f:
        f.write(text)
    click.echo(f"wrote {output}", err=True)


class _Progress:
    """Iterates over the files, moving a progress bar on stderr (hidden when not a terminal)."""

    def __init__(self, files: list[Path], quiet: bool, passes: int = 1) -> None:
        self.files = files
        self.bar = click.progressbar(
            length=len(files) * passes,
            label="evaluating",
            file=sys.stderr,
            hidden=quiet or not sys.stderr.isatty() or len(files) < 3,
        )

    def __iter__(self):
        for path in self.files:
            yield path
            self.bar.update(1)


def _run(pack, files: list[Path], *, quiet: bool, need_results: bool):
    """Run a batch; return its outcome and (when asked) every full result."""
    from ..evaluation.batch import run_batch

    collected: list = []
    from ..evaluation.unit import needed_aggregates

    # packs with block-wide aggregates (best, mean) read the files twice
    passes = 2 if any(needed_aggregates(b) for b in pack.blocks) else 1
    progress = _Progress(files, quiet, passes)
    with progress.bar:
        outcome = run_batch(pack, progress, on_result=collected.append if need_results else None)
    return outcome, collected


def _report_errors(outcome, quiet: bool) -> None:
    for error in outcome.errors:
        click.echo(f"error: {error.render()}", err=True)
    if not quiet:
        click.echo(
            f"{outcome.units_in} units: {outcome.results} evaluated, "
            f"{outcome.units_in - outcome.results} with errors",
            err=True,
        )


def _period_of(files: list[Path]) -> str | None:
    """The evaluation year the files declare (the first one found), to pick a pack version."""
    from ..inputs.records import Record, read_records

    for record in read_records(files):
        if isinstance(record, Record) and record.data.get("period"):
            return str(record.data["period"])
    return None


def _only_block(outcome, results: list, pack, block_id: str | None):
    """The batch narrowed to one block (``--block``), for every format alike."""
    if not block_id:
        return outcome, results
    known = [b.id for b in pack.blocks]
    if block_id not in known:
        raise click.UsageError(f"no block {block_id!r} in {pack.label}; blocks: {', '.join(known)}")
    return outcome.only_block(block_id), [r for r in results if r.block == block_id]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="criteria-engine")
def main() -> None:
    """Score, rank and report Vietnamese provincial e-government evaluations.

    PACK is a pack's name (hungyen), name@version (hatinh@2019) or a folder path.
    """


@main.command("packs")
def packs_command() -> None:
    """List the installed packs and their versions."""
    from tabulate import tabulate

    from ..loading.finder import installed

    rows = [
        (r.label, r.decision, r.effective.isoformat() if r.effective else "", r.title)
        for r in installed()
    ]
    click.echo(tabulate(rows, headers=["pack", "decision", "effective", "title"]))


def _tree_rows(crit, depth: int):
    """The ``show`` lines of a criterion and everything below it, indented by depth."""
    formula = (
        crit.formula.text if crit.formula else ("tổng các tiêu chí con" if crit.children else "")
    )
    if crit.applies is not None:
        formula += f"  [áp dụng khi: {crit.applies.text}]"
    status = crit.provenance.status if crit.provenance else ""
    yield ("  " * depth + crit.id, crit.title, crit.max, crit.kind, formula, status)
    for child in crit.children:
        yield from _tree_rows(child, depth + 1)


@main.command("show")
@click.argument("pack")
@click.option("--block", "block_id", help="Only this block.")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table")
def show_command(pack: str, block_id: str | None, fmt: str) -> None:
    """Show the criteria tree with maximum points and formulas."""
    from ..reports import Table, render_tables

    loaded = _load(pack)
    tables = []
    for block in loaded.blocks:
        if block_id and block.id != block_id:
            continue
        rows = [row for crit in block.criteria for row in _tree_rows(crit, 0)]
        tables.append(
            Table(
                f"{block.id}: {block.title} (tối đa {block.max_total})",
                ("id", "tiêu chí", "tối đa", "loại", "công thức", "nguồn"),
                tuple(rows),
                keys=("id", "title", "max", "kind", "formula", "provenance"),
                block=block.id,
            )
        )
    if block_id and not tables:
        raise click.UsageError(f"no block {block_id!r} in {loaded.label}")
    click.echo(render_tables(tables, fmt), nl=False)


@main.command("check")
@click.argument("pack")
@click.option("--deep", is_flag=True, help="Also run every property invariant on the pack.")
@click.option("--examples", default=None, type=int, help="Examples per invariant with --deep.")
def check_command(pack: str, deep: bool, examples: int | None) -> None:
    """Load and lint a pack; report every problem with its file and place."""
    loaded = _load(pack)
    count = sum(1 for b in loaded.blocks for _ in b.all_criteria())
    click.echo(
        f"{loaded.label}: {len(loaded.blocks)} blocks, {count} criteria, "
        f"{len(loaded.levels)} levels — ok"
    )
    for block in loaded.blocks:
        missing = [c.id for c in block.all_criteria() if c.provenance is None]
        if missing:
            click.echo(
                f"warning: block {block.id}: no provenance on {', '.join(missing)}", err=True
            )
    if deep:
        from ..testing.invariants import check_pack_deep

        failures = check_pack_deep(loaded, max_examples=examples)
        for failure in failures:
            click.echo(failure, err=True)
        if failures:
            raise PackProblem(f"{len(failures)} invariant(s) failed")
        click.echo("all invariants hold")


@main.command("schema")
@click.argument("pack")
@click.option("--block", "block_id", required=True, help="The block whose submissions to describe.")
def schema_command(pack: str, block_id: str) -> None:
    """Print the JSON Schema of a block's submissions."""
    from ..inputs.schema import submission_schema

    loaded = _load(pack)
    try:
        block = loaded.block(block_id)
    except KeyError:
        raise click.UsageError(f"no block {block_id!r} in {loaded.label}") from None
    click.echo(json.dumps(submission_schema(loaded, block), ensure_ascii=False, indent=2))


@main.command("template")
@click.argument("pack")
@click.option("--block", "block_id", required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "xlsx"]), default="json")
@click.option(
    "--units",
    "multi",
    is_flag=True,
    help="xlsx: one row per unit (a district's collection form) instead of one unit's form.",
)
@click.option("-o", "--output", help="Write to this file.")
def template_command(pack: str, block_id: str, fmt: str, multi: bool, output: str | None) -> None:
    """Write an empty submission (JSON) or survey form (xlsx) to fill in."""
    loaded = _load(pack)
    try:
        block = loaded.block(block_id)
    except KeyError:
        raise click.UsageError(f"no block {block_id!r} in {loaded.label}") from None
    if fmt == "xlsx":
        from ..inputs.forms import survey_form

        _write(survey_form(loaded, block, multi=multi), output)
        return
    from ..inputs.schema import empty_submission
    from ..inputs.values import json_default

    _write(
        json.dumps(
            empty_submission(loaded, block), ensure_ascii=False, indent=2, default=json_default
        )
        + "\n",
        output,
    )


@main.command("validate")
@click.argument("pack")
@click.argument("files", nargs=-1, required=True)
def validate_command(pack: str, files: tuple[str, ...]) -> None:
    """Check submissions without evaluating them."""
    from ..evaluation.batch import check_units
    from ..inputs.records import Submission, SubmissionError, read_records

    paths = _expand(files)
    loaded = _load(pack, _period_of(paths))
    good = bad = 0
    bad_units: set = set()
    for item in check_units(loaded, read_records(paths)):
        if isinstance(item, SubmissionError):
            click.echo(f"error: {item.render()}", err=True)
            bad_units.add((item.file, item.unit or item.where))
        elif isinstance(item, Submission):
            good += 1
    bad = len(bad_units)
    click.echo(f"{good + bad} units: {good} valid, {bad} invalid")
    if bad:
        raise InvalidUnits(f"{bad} invalid unit(s)")


@main.command("evaluate")
@click.argument("pack")
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table")
@click.option("-o", "--output", help="Write to this file (required for xlsx).")
@click.option("--block", "block_id", help="Only this block's table.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
def evaluate_command(
    pack: str,
    files: tuple[str, ...],
    fmt: str,
    output: str | None,
    block_id: str | None,
    quiet: bool,
) -> None:
    """Evaluate submissions and print the ranking of every block.

    FILES are submission files or folders of them. ``--format json`` writes the results
    in the form ``--previous`` reads back.
    """
    from ..reports import ReportContext, output_format

    form = output_format(fmt)
    paths = _expand(files)
    period = _period_of(paths)
    loaded = _load(pack, period)
    outcome, results = _run(loaded, paths, quiet=quiet, need_results=form.batch_needs_results)
    outcome, results = _only_block(outcome, results, loaded, block_id)
    _write(form.render_batch(ReportContext(loaded, outcome, results, period=period)), output)
    _report_errors(outcome, quiet)
    if outcome.errors:
        raise InvalidUnits(
            f"{len({(e.file, e.unit or e.where) for e in outcome.errors})} "
            "unit(s) could not be evaluated; the others are above"
        )


@main.command("explain")
@click.argument("pack")
@click.argument("files", nargs=-1, required=True)
@click.option("--unit", "unit_id", required=True, help="The unit's id.")
@click.option("--criterion", "criterion_id", help="Only this criterion (and its children).")
def explain_command(
    pack: str, files: tuple[str, ...], unit_id: str, criterion_id: str | None
) -> None:
    """Explain why a unit got each point: formula, inputs, each step, cap."""
    from ..evaluation.explain import explain_unit

    paths = _expand(files)
    loaded = _load(pack, _period_of(paths))
    try:
        click.echo(explain_unit(loaded, paths, unit_id, criterion_id))
    except LookupError as exc:
        raise click.UsageError(str(exc.args[0])) from None


@main.command("report")
@click.argument("pack")
@click.argument("name")
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table")
@click.option("-o", "--output", help="Write to this file.")
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False),
    help="Saved results of the previous period (evaluate --format json).",
)
@click.option("-q", "--quiet", is_flag=True)
def report_command(
    pack: str,
    name: str,
    files: tuple[str, ...],
    fmt: str,
    output: str | None,
    previous: str | None,
    quiet: bool,
) -> None:
    """Run a report (built-in or the pack's own) on submissions."""
    from ..reports import ReportContext, find_report, output_format
    from ..reports.history import PreviousResultsError, load_previous

    paths = _expand(files)
    loaded = _load(pack, _period_of(paths))
    try:
        report = find_report(loaded, name)
    except LookupError as exc:
        raise click.UsageError(str(exc.args[0])) from None
    prev: dict[str, Any] | None = None
    if previous:
        try:
            prev = load_previous(previous)
        except PreviousResultsError as exc:
            raise click.UsageError(str(exc)) from None
    elif report.needs_previous:
        raise click.UsageError(f"the {name!r} report needs --previous RESULTS.json")
    form = output_format(fmt)
    outcome, results = _run(
        loaded,
        paths,
        quiet=quiet,
        need_results=report.needs_results or form.batch_needs_results or bool(report.document),
    )
    ctx = ReportContext(loaded, outcome, results, prev, period=_period_of(paths))
    if report.document:  # a whole document in one format of its own (the HTML report)
        _write(output_format(report.document).render_batch(ctx), output)
    else:
        _write(form.render_tables(report.build(ctx), ctx, report.title), output)
    _report_errors(outcome, quiet)
    if outcome.errors:
        raise InvalidUnits("some units could not be evaluated; see the errors above")


@main.command("reports")
@click.argument("pack")
def reports_command(pack: str) -> None:
    """List the reports available for a pack."""
    from ..reports.registry import available_reports

    for report in available_reports(_load(pack)):
        click.echo(f"{report.name:18} {report.title} — {report.description}")


if __name__ == "__main__":  # pragma: no cover
    main()

from .authoring import new_command, test_command  # noqa: E402

main.add_command(test_command)
main.add_command(new_command)
