"""The ``criteria-engine`` command: a thin shell over the library.

Each command reads its arguments, calls the library and formats the result. Expected
failures are :class:`click.ClickException` subclasses with an exit code (1: some units
were invalid; 2: a usage or pack error), printed once as ``Error: …`` on stderr. Results go
to stdout (or ``-o FILE``), messages and progress to stderr. Heavy imports happen inside
the commands so ``criteria-engine --help`` and ``packs`` start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..model.results import RESULT_STATES
from ..reports.formats import FORMATS as OUTPUT_FORMATS
from ._checks import check_block as _check_block
from ._checks import unit_caveats
from .errors import InvalidUnits, load_pack_or_exit
from .output import check_output
from .output import write_output as _write

#: the output formats' names, from their registry (which loads no renderer)
FORMATS = tuple(OUTPUT_FORMATS)
SUBMISSION_SUFFIXES = (".json", ".yaml", ".yml", ".csv", ".xlsx")
#: where the results stand: shown by the ranking tables and kept in the saved JSON
STATE_OPTION = click.option(
    "--state",
    type=click.Choice(RESULT_STATES),
    default=RESULT_STATES[0],
    show_default=True,
    help="Approval state of these results: draft, verified, approved (by UBND tỉnh), published.",
)


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
            f"{_failed(outcome)} with errors",
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
    _check_block(pack, block_id)
    return outcome.only_block(block_id), [r for r in results if r.block == block_id]


def _failed(outcome) -> int:
    """How many records could not be evaluated (records, not ids: two bad records with
    one id are two)."""
    return outcome.units_in - outcome.results


class _Main(click.Group):
    """The command group; Ctrl-C anywhere in a command ends it with one line and exit 130
    (the shell's code for an interrupt), never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\ninterrupted (Ctrl-C): stopped before finishing", err=True)
            ctx.exit(130)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="criteria-engine")
def main() -> None:
    """Score, rank and report Vietnamese provincial e-government evaluations.

    PACK is a pack's name (hungyen), name@version (hatinh@2019) or a folder path.
    """


@main.command("validate")
@click.argument("pack")
@click.argument("files", nargs=-1, required=True)
def validate_command(pack: str, files: tuple[str, ...]) -> None:
    """Check submissions without evaluating them."""
    from ..evaluation.batch import RecordWatch, check_units
    from ..inputs.records import Submission, SubmissionError, read_records

    paths = _expand(files)
    loaded = load_pack_or_exit(pack, _period_of(paths))
    good = 0
    reading = RecordWatch()  # counts records, not ids
    for item in check_units(loaded, reading.watch(read_records(paths))):
        if isinstance(item, SubmissionError):
            click.echo(f"error: {item.render()}", err=True)
        elif isinstance(item, Submission):
            good += 1
    bad = reading.records - good
    click.echo(f"{reading.records} units: {good} valid, {bad} invalid")
    if bad:
        raise InvalidUnits(f"{bad} invalid unit(s)")


@main.command("evaluate")
@click.argument("pack")
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table")
@click.option("-o", "--output", help="Write to this file (required for xlsx).")
@click.option("--block", "block_id", help="Only this block's table.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
@STATE_OPTION
def evaluate_command(
    pack: str,
    files: tuple[str, ...],
    fmt: str,
    output: str | None,
    block_id: str | None,
    quiet: bool,
    state: str,
) -> None:
    """Evaluate submissions and print the ranking of every block.

    FILES are submission files or folders of them. ``--format json`` writes the results
    in the form ``--previous`` reads back.
    """
    from ..reports import ReportContext, output_format

    form = output_format(fmt)
    paths = _expand(files)
    check_output(output, binary=form.binary, inputs=paths)
    period = _period_of(paths)
    loaded = load_pack_or_exit(pack, period)
    _check_block(loaded, block_id)
    outcome, results = _run(loaded, paths, quiet=quiet, need_results=form.batch_needs_results)
    outcome = outcome.with_state(state)
    outcome, results = _only_block(outcome, results, loaded, block_id)
    _write(form.stream_batch(ReportContext(loaded, outcome, results, period=period)), output)
    _report_errors(outcome, quiet)
    if outcome.errors:
        raise InvalidUnits(
            f"{_failed(outcome)} unit(s) could not be evaluated; the others are above"
        )


@main.command("explain")
@click.argument("pack")
@click.argument("files", nargs=-1, required=True)
@click.option("--unit", "unit_id", required=True, help="The unit's id.")
@click.option("--criterion", "criterion_id", help="Only this criterion (and its children).")
@STATE_OPTION
def explain_command(
    pack: str, files: tuple[str, ...], unit_id: str, criterion_id: str | None, state: str
) -> None:
    """Explain why a unit got each point: formula, inputs, each step, cap."""
    from ..evaluation.explain import explain_unit

    paths = _expand(files)
    loaded = load_pack_or_exit(pack, _period_of(paths))
    try:
        text = explain_unit(loaded, paths, unit_id, criterion_id)
    except LookupError as exc:
        raise click.UsageError(str(exc.args[0])) from None
    click.echo(text)
    if not criterion_id:
        hint = _next_level_text(loaded, paths, unit_id)
        if hint:
            click.echo(hint)
    click.echo(unit_caveats(loaded, paths, unit_id, state))


def _next_level_text(pack, paths: list[Path], unit_id: str) -> str:
    """What it takes the unit to reach the level above its own ("" at the top level, or
    for a unit given no level): the next-level analysis, as the score card shows it."""
    from ..analyses.next_level import next_level
    from ..inputs.records import read_records
    from ..reports.analyses import next_level_lines

    plans = next_level(pack, read_records(paths), unit=unit_id)
    return "\n".join(line for plan in plans for line in next_level_lines(pack, plan))


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
@click.option("--weights", help="How far weights move (sensitivity), e.g. 10% (default 10%).")
@STATE_OPTION
def report_command(
    pack: str,
    name: str,
    files: tuple[str, ...],
    fmt: str,
    output: str | None,
    previous: str | None,
    quiet: bool,
    weights: str | None,
    state: str,
) -> None:
    """Run a report (built-in or the pack's own) on submissions."""
    from ..reports import ReportContext, find_report, output_format
    from ..reports.history import PreviousResultsError, load_previous

    paths = _expand(files)
    period = _period_of(paths)  # read once: it picks the pack version and names the report
    loaded = load_pack_or_exit(pack, period)
    try:
        report = find_report(loaded, name)
    except LookupError as exc:
        raise click.UsageError(str(exc.args[0])) from None
    binary = output_format(report.document or fmt).binary
    check_output(output, binary=binary, inputs=paths)
    prev = None
    if previous:
        try:
            prev = load_previous(previous, pack=loaded, period=period)
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
    outcome = outcome.with_state(state)
    options = {"weights": _weights(weights)} if weights else {}
    ctx = ReportContext(
        loaded, outcome, results, prev, options=options, period=period, files=tuple(paths)
    )
    if report.document:  # a whole document in one format of its own (the HTML report)
        _write(output_format(report.document).render_batch(ctx), output)
    else:
        _write(form.render_tables(report.build(ctx), ctx, report.title), output)
    _report_errors(outcome, quiet)
    if outcome.errors:
        raise InvalidUnits("some units could not be evaluated; see the errors above")


def _weights(text: str):
    from decimal import InvalidOperation

    from ..reports.analyses import parse_weights

    try:
        value = parse_weights(text)
    except InvalidOperation:
        raise click.BadParameter(f"{text!r} is not a percentage such as 10%") from None
    if not 0 <= value < 1:
        raise click.BadParameter(f"{text!r}: weights can move by 0 to less than 100 %")
    return value


@main.command("reports")
@click.argument("pack")
def reports_command(pack: str) -> None:
    """List the reports available for a pack."""
    from ..reports.registry import available_reports

    for report in available_reports(load_pack_or_exit(pack)):
        click.echo(f"{report.name:18} {report.title} — {report.description}")


if __name__ == "__main__":  # pragma: no cover
    main()

from ..service.cli import COMMANDS as SERVICE_COMMANDS  # noqa: E402  (loads only click)
from .authoring import new_command, test_command  # noqa: E402
from .pack_commands import COMMANDS as PACK_COMMANDS  # noqa: E402

main.add_command(test_command)
main.add_command(new_command)
for _command in (*PACK_COMMANDS, *SERVICE_COMMANDS):  # and serve, db, users (the online round)
    main.add_command(_command)
