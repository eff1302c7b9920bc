"""The commands that look at a pack rather than at submissions: ``packs``, ``show``,
``check``, ``schema`` and ``template``."""

from __future__ import annotations

import json
import unicodedata

import click

from .errors import PackProblem, load_pack_or_exit
from .output import check_output
from .output import write_output as _write


@click.command("packs")
def packs_command() -> None:
    """List the installed packs and their versions."""
    from ..loading.finder import installed

    rows = [
        (r.label, r.decision, r.effective.isoformat() if r.effective else "", r.title)
        for r in installed()
    ]
    click.echo(_columns(("pack", "decision", "effective", "title"), rows))


def _columns(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """Left-aligned text columns under a dashed rule (as ``tabulate``'s "simple" style
    prints them), without loading it: the lightest command should start fastest."""

    def width(text: str) -> int:
        return sum(not unicodedata.combining(char) for char in text)

    widths = [
        max(width(column[0]) + 2, *map(width, column))  # a heading keeps 2 spaces of room
        for column in zip(headers, *rows, strict=True)
    ]

    def line(cells: tuple[str, ...]) -> str:
        padded = (c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True))
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *map(line, rows)])


def _tree_rows(pack, crit, depth: int):
    """The ``show`` lines of a criterion and everything below it, indented by depth."""
    formula = (
        crit.formula.text if crit.formula else ("tổng các tiêu chí con" if crit.children else "")
    )
    if crit.applies is not None:
        formula += f"  [áp dụng khi: {crit.applies.text}]"
    status = crit.provenance.status if crit.provenance else ""
    from ..evaluation.rounding import published

    maximum = published(pack, crit.max)  # with the places the pack publishes
    yield ("  " * depth + crit.id, crit.title, maximum, crit.kind, formula, status)
    for child in crit.children:
        yield from _tree_rows(pack, child, depth + 1)


@click.command("show")
@click.argument("pack")
@click.option("--block", "block_id", help="Only this block.")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table")
def show_command(pack: str, block_id: str | None, fmt: str) -> None:
    """Show the criteria tree with maximum points and formulas."""
    from ..evaluation.rounding import published
    from ..reports import Table, render_tables

    loaded = load_pack_or_exit(pack)
    tables = []
    for block in loaded.blocks:
        if block_id and block.id != block_id:
            continue
        rows = [row for crit in block.criteria for row in _tree_rows(loaded, crit, 0)]
        tables.append(
            Table(
                f"{block.id}: {block.title} (tối đa {published(loaded, block.max_total)})",
                ("id", "tiêu chí", "tối đa", "loại", "công thức", "nguồn"),
                tuple(rows),
                keys=("id", "title", "max", "kind", "formula", "provenance"),
                block=block.id,
            )
        )
    if block_id and not tables:
        raise click.UsageError(f"no block {block_id!r} in {loaded.label}")
    click.echo(render_tables(tables, fmt), nl=False)


@click.command("check")
@click.argument("pack")
@click.option("--deep", is_flag=True, help="Also run every property invariant on the pack.")
@click.option("--examples", default=None, type=int, help="Examples per invariant with --deep.")
def check_command(pack: str, deep: bool, examples: int | None) -> None:
    """Load and lint a pack; report every problem with its file and place."""
    loaded = load_pack_or_exit(pack)
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


@click.command("schema")
@click.argument("pack")
@click.option("--block", "block_id", required=True, help="The block whose submissions to describe.")
def schema_command(pack: str, block_id: str) -> None:
    """Print the JSON Schema of a block's submissions."""
    from ..inputs.schema import submission_schema

    loaded = load_pack_or_exit(pack)
    try:
        block = loaded.block(block_id)
    except KeyError:
        raise click.UsageError(f"no block {block_id!r} in {loaded.label}") from None
    click.echo(json.dumps(submission_schema(loaded, block), ensure_ascii=False, indent=2))


@click.command("template")
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
    loaded = load_pack_or_exit(pack)
    try:
        block = loaded.block(block_id)
    except KeyError:
        raise click.UsageError(f"no block {block_id!r} in {loaded.label}") from None
    check_output(output, binary=fmt == "xlsx")
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


COMMANDS = (packs_command, show_command, check_command, schema_command, template_command)
