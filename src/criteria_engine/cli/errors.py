"""The CLI's expected failures: each carries its exit code and is printed once as ``Error: …``."""

from __future__ import annotations

import click


class PackProblem(click.ClickException):
    """The pack cannot be found or loaded: exit 2 with every problem listed."""

    exit_code = 2


class InvalidUnits(click.ClickException):
    """Some submissions were invalid; the rest were still evaluated: exit 1."""

    exit_code = 1


class OutputProblem(click.ClickException):
    """The output file cannot be written: exit 2, found before any work where it can be."""

    exit_code = 2


def load_pack_or_exit(name: str, period: str | None = None):
    """The pack PACK names (for ``period``'s version), or exit 2 with every problem listed:
    the one way every command turns the library's pack errors into its own."""
    from ..loading.finder import PackNotFound, load_pack
    from ..model.problems import PackError

    try:
        return load_pack(name, period=period)
    except PackNotFound as exc:
        raise PackProblem(str(exc)) from None
    except PackError as exc:
        raise PackProblem(exc.render()) from None
