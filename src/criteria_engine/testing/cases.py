"""Tests as data: a pack's ``cases/*.yaml``, read with positions and run against the engine.

A case file is a list of cases. Each case names its expectation as a sentence, gives an
``input`` (one unit record, a list, or ``{units: […], period: …}``) and/or ``files`` (paths
relative to the case file, e.g. ``../examples/2019``), and then either an ``output`` (what
one unit must get) or an ``error`` (which unit and field must be refused). The format is
described in ``docs/pack-format.md`` and ``docs/authoring.md``.

A case runs its units as one batch, as the province would, so ranks, ``best(…)`` and
deadlines behave exactly as in a real round. When the units give an evaluation year and
several versions of the pack exist (a version folder below the pack, or installed ones),
the version in force that year is used: a case can check that a 2020 unit is scored
under the decision that applied in 2020.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..dsl.errors import CriteriaEngineError
from ..loading.yaml_reader import YamlDocument, read_yaml_file
from ..model.problems import PackError

if TYPE_CHECKING:
    pass

CASE_KEYS = ("name", "description", "input", "files", "output", "error")
OUTPUT_KEYS = (
    "unit",
    "total",
    "max_total",
    "percent",
    "level",
    "rank",
    "rank_in_parent",
    "status",
    "scores",
    "findings",
)
ERROR_KEYS = ("unit", "field", "message")
SUBMISSION_SUFFIXES = (".json", ".yaml", ".yml", ".csv", ".xlsx")


class CaseFileError(CriteriaEngineError):
    """A case file that cannot be read at all (not YAML, not a list of cases)."""


@attrs.frozen
class Mismatch:
    """One expectation of a case that did not hold, with the line it is written on."""

    what: str
    expected: Any
    actual: Any
    line: int | None = None
    detail: tuple[str, ...] = ()


@attrs.frozen(repr=False)
class Case:
    """One case of a case file, as written, with the problems of the case itself."""

    name: str
    file: Path
    index: int
    doc: YamlDocument
    input: Any = None
    files: tuple[Path, ...] = ()
    output: Mapping[str, Any] | None = None
    error: Mapping[str, Any] | None = None
    problems: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"Case({str(self.file)!r}, {self.index}, {self.name!r})"

    def line(self, *path: str | int) -> int | None:
        """The line (from 1) of this case, or of one of its values."""
        return self.doc.where((self.index, *path))[0]

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line() or 1}"

    @property
    def pack_folder(self) -> Path:
        return self.file.parent.parent


@attrs.frozen
class CaseResult:
    """What running a case found: nothing wrong, or each expectation that failed."""

    case: Case
    mismatches: tuple[Mismatch, ...] = ()
    subject: str | None = None  # "unit so-x 'Sở X' (block department, pack hungyen@2018)"

    @property
    def passed(self) -> bool:
        return not self.mismatches

    def render(self) -> str:
        """Expected vs actual, each with its line in the case file."""
        from ._case_report import render_result

        return render_result(self)


def _unknown(keys: Any, allowed: tuple[str, ...], where: str) -> list[str]:
    out = []
    for key in keys:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            out.append(
                f"unknown key {key!r} in {where}{hint}; expected one of: {', '.join(allowed)}"
            )
    return out


def _case(raw: Any, index: int, file: Path, doc: YamlDocument) -> Case:
    if not isinstance(raw, Mapping):
        return Case(f"case #{index + 1}", file, index, doc, problems=("a case must be a mapping",))
    problems = _unknown(raw, CASE_KEYS, "the case")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("a case needs a `name`: a sentence stating what is expected")
        name = f"case #{index + 1}"
    if ("output" in raw) == ("error" in raw):
        problems.append("a case needs either `output` (what a unit gets) or `error`, not both")
    if "input" not in raw and "files" not in raw:
        problems.append("a case needs an `input` (a unit record or {units: [...]}) or `files`")
    output, error = raw.get("output"), raw.get("error")
    for value, allowed, what in ((output, OUTPUT_KEYS, "output"), (error, ERROR_KEYS, "error")):
        if value is not None and not isinstance(value, Mapping):
            problems.append(f"`{what}` must be a mapping")
        elif value is not None:
            problems += _unknown(value, allowed, f"`{what}`")
    if isinstance(output, Mapping) and not isinstance(output.get("scores", {}), Mapping):
        problems.append('`output.scores` must map criterion ids to scores: {"1.1": 7.5}')
    files = raw.get("files") or []
    if isinstance(files, str):
        files = [files]
    return Case(
        name=name.strip(),
        file=file,
        index=index,
        doc=doc,
        input=raw.get("input"),
        files=tuple(file.parent / str(f) for f in files),
        output=output if isinstance(output, Mapping) else None,
        error=error if isinstance(error, Mapping) else None,
        problems=tuple(problems),
    )


def load_cases(path: str | Path) -> list[Case]:
    """Every case of one case file; :class:`CaseFileError` if the file cannot be read."""
    path = Path(path)
    try:
        doc = read_yaml_file(str(path))
    except PackError as exc:
        problems = "\n".join(p.render() for p in exc.problems)
        raise CaseFileError(f"{path}: the case file cannot be read\n{problems}") from None
    if not isinstance(doc.data, list):
        raise CaseFileError(f"{path}:1: a case file is a list of cases (`- name: …`)")
    return [_case(raw, i, path, doc) for i, raw in enumerate(doc.data)]


def case_files(pack_folder: str | Path) -> list[Path]:
    """The case files of a pack folder: ``cases/*.yaml``, sorted."""
    folder = Path(pack_folder) / "cases"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def is_case_file(path: Path) -> bool:
    """Whether ``path`` is a case file: a YAML file in ``cases/`` next to a ``pack.yaml``."""
    return (
        path.suffix in (".yaml", ".yml")
        and path.parent.name == "cases"
        and (path.parent.parent / "pack.yaml").is_file()
    )


# -- running -----------------------------------------------------------------------------


def expand_paths(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in SUBMISSION_SUFFIXES and "invalid" not in p.parts
            )
        else:
            files.append(path)
    return files


def case_records(case: Case) -> Iterator[Any]:
    """The case's unit records (``Record`` or ``SubmissionError``), input first, then files."""
    from ..inputs.records import Record, read_records

    data, where = case.input, str(case.file)
    if isinstance(data, Mapping) and "units" in data:
        defaults = {k: v for k, v in data.items() if k in ("period", "submitted", "parent")}
        units = data["units"] if isinstance(data["units"], list) else []
    elif isinstance(data, list):
        defaults, units = {}, data
    else:
        defaults, units = {}, [data] if data is not None else []
    for i, unit in enumerate(units, start=1):
        record = {**defaults, **unit} if isinstance(unit, Mapping) else unit
        yield Record(record, where, where=f"line {case.line('input') or '?'}, unit #{i}")
    yield from read_records(expand_paths(case.files))


def figure(value: Any) -> Decimal | None:
    """An expected figure as written (``425``, ``"85%"`` → 85); None if not a number."""
    from ..inputs.values import ValueProblem, to_decimal

    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
    try:
        return to_decimal(value)
    except ValueProblem:
        return None
