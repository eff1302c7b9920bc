"""``criteria-engine test`` and ``criteria-engine new``: a pack author's two commands.

Only click is imported at module level: the engine, YAML and the scaffold load inside
the commands, so ``criteria-engine --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click


class CasesFailed(click.ClickException):
    """Some cases did not hold: exit 1, after every failure was printed."""

    exit_code = 1


def _pack_folder(pack: str) -> Path:
    """The folder of PACK (a folder, name or name@version), or exit 2 naming the problem."""
    from ..loading.finder import PackNotFound, find
    from .errors import PackProblem, load_pack_or_exit

    try:
        folder = find(pack)
    except PackNotFound as exc:
        raise PackProblem(str(exc)) from None
    load_pack_or_exit(str(folder))
    return folder


@click.command("test")
@click.argument("pack")
@click.option("-k", "keyword", help="Only the cases whose name contains this text.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the failures and the summary.")
def test_command(pack: str, keyword: str | None, quiet: bool) -> None:
    """Run a pack's cases (cases/*.yaml) and show each failure as expected vs got.

    Exits 0 when every case holds, 1 when any fails, 2 when the pack cannot be loaded.
    """
    from ..testing.cases import CaseFileError, case_files, load_cases
    from ..testing.runner import run_case

    folder = _pack_folder(pack)
    files = case_files(folder)
    if not files:
        click.echo(f"no cases in {folder / 'cases'}", err=True)
        return
    passed = failed = 0
    reports: list[str] = []
    for path in files:
        try:
            cases = load_cases(path)
        except CaseFileError as exc:
            failed += 1
            reports.append(str(exc))
            click.echo(f"FAIL  {path}: the file cannot be read")
            continue
        for case in cases:
            if keyword and keyword.lower() not in case.name.lower():
                continue
            result = run_case(case)
            if result.passed:
                passed += 1
                if not quiet:
                    click.echo(f"ok    {case.name}")
            else:
                failed += 1
                reports.append(result.render())
                click.echo(f"FAIL  {case.name}")
    for report in reports:
        click.echo("\n" + report)
    total = passed + failed
    click.echo(
        ("\n" if reports or not quiet else "")
        + f"{total} case{'s' if total != 1 else ''}: {passed} passed, {failed} failed"
    )
    if failed:
        raise CasesFailed(f"{failed} case(s) failed")


@click.command("new")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False),
    help="The folder to create the pack folder in.",
)
@click.option("--province", help="The province's name, e.g. 'Quảng Bình'.")
@click.option(
    "--year",
    type=click.IntRange(1990, 2200),
    help="The first evaluation year of the examples and deadlines (default: this year).",
)
def new_command(name: str, directory: str, province: str | None, year: int | None) -> None:
    """Create a new pack folder NAME that passes check, check --deep and test at once.

    Edit its data files (pack.yaml, criteria/, examples/, cases/, README.md) to encode a
    decision; docs/authoring.md walks through every step.
    """
    from ..scaffold import ScaffoldError, create_pack

    try:
        folder = create_pack(name, Path(directory), province=province, year=year)
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(str(folder))
    click.echo(
        f"created pack {name!r}; next:\n"
        f"  criteria-engine check {folder}\n"
        f"  criteria-engine check --deep {folder}\n"
        f"  criteria-engine test {folder}",
        err=True,
    )
