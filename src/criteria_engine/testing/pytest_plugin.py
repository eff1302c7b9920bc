"""pytest plugin: pack cases as test items, ``--pack NAME`` for the invariants, a fixture.

Registered through the ``pytest11`` entry point, so installing criteria-engine is enough:

* every ``cases/*.yaml`` next to a ``pack.yaml`` is collected, one item per case; a failed
  case shows expected vs got with its file and line and names the criterion;
* ``pytest --pack gialai`` (repeatable) adds one item per invariant and block of that pack;
  ``--pack-examples N`` sets the examples per item;
* the ``pack_invariants`` fixture is :func:`~criteria_engine.testing.assert_pack_invariants`.

This module is imported by every pytest run in an environment where criteria-engine is
installed, so it imports nothing heavy until a pack item actually runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .cases import Case


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("criteria-engine", "criteria-engine packs")
    group.addoption(
        "--pack",
        action="append",
        default=[],
        metavar="NAME",
        dest="criteria_packs",
        help="run every invariant of this pack (name, name@version or folder); repeatable",
    )
    group.addoption(
        "--pack-examples",
        type=int,
        default=None,
        metavar="N",
        dest="criteria_pack_examples",
        help="generated examples per invariant and block with --pack (default 50)",
    )


class CaseFailed(Exception):
    """A case did not hold; carries the rendered expected-vs-got text."""


class CaseItem(pytest.Item):
    """One case of a pack's case file."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        from .runner import run_case

        result = run_case(self.case)
        if not result.passed:
            raise CaseFailed(result.render())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, CaseFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.case.file, (self.case.line() or 1) - 1, f"case: {self.case.name}"


class CaseFile(pytest.File):
    """A ``cases/*.yaml`` file of a pack: one item per case."""

    def collect(self) -> Iterator[CaseItem]:
        from .cases import CaseFileError, load_cases

        try:
            cases = load_cases(self.path)
        except CaseFileError as exc:
            raise self.CollectError(str(exc)) from None
        seen: dict[str, int] = {}
        for case in cases:
            seen[case.name] = seen.get(case.name, 0) + 1
            name = case.name if seen[case.name] == 1 else f"{case.name} [{seen[case.name]}]"
            yield CaseItem.from_parent(self, name=name, case=case)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> CaseFile | None:
    from .cases import is_case_file

    if is_case_file(file_path):
        return CaseFile.from_parent(parent, path=file_path)
    return None


class InvariantItem(pytest.Item):
    """One invariant on one block of a pack given with ``--pack``."""

    def __init__(
        self, *, pack: str, invariant: str, block: str, examples: int | None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.pack, self.invariant, self.block, self.examples = pack, invariant, block, examples

    def runtest(self) -> None:
        from .invariants import INVARIANTS

        INVARIANTS[self.invariant](self.pack, self.block, max_examples=self.examples)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, AssertionError):
            return f"{self.pack}: {self.invariant}: {excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[str, None, str]:
        return self.pack, None, f"{self.pack}::{self.invariant}[{self.block}]"


def _invariant_items(session: pytest.Session, name: str, examples: int | None) -> list[Any]:
    from ..loading.finder import load_pack
    from .invariants import INVARIANTS

    pack = load_pack(name)
    return [
        InvariantItem.from_parent(
            session,
            name=f"{pack.label}::{invariant}[{block.id}]",
            pack=str(pack.path),
            invariant=invariant,
            block=block.id,
            examples=examples,
        )
        for invariant in INVARIANTS
        for block in pack.blocks
    ]


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    examples = config.getoption("criteria_pack_examples")
    for name in config.getoption("criteria_packs"):
        items.extend(_invariant_items(session, name, examples))


@pytest.fixture
def pack_invariants() -> Callable[..., None]:
    """``pack_invariants("gialai")`` runs every invariant of a pack (see the module doc)."""
    from .invariants import assert_pack_invariants

    return assert_pack_invariants
