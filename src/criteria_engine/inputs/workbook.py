"""Reading filled workbooks back as unit records, with cell-addressed errors."""

from __future__ import annotations

import datetime as dt
import unicodedata
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .excel import (
    _ENCRYPTED,
    _OLE_MAGIC,
    _PREFIXES,
    _UNIT_KEYS,
    FORM_MARK,
    FORM_SHEET,
    MAX_UNPACKED_BYTES,
    META_SHEET,
    UNIT_SHAPE,
    UNITS_SHAPE,
    UNITS_SHEET,
    _place,
)
from .submission import MAX_SUBMISSION_BYTES, Record, SubmissionError

if TYPE_CHECKING:
    pass


class _CellProblem(Exception):
    """A cell whose content only a workbook can have wrong (a formula, an error value)."""


def _cell_value(cell: Any) -> Any:
    """A cell's value as a JSON reader would give it: Decimal, str, bool, date or None.

    Formulas are refused, never evaluated: openpyxl does not compute them and a cached
    result could be anything. A number shown as a percentage reads as what is shown
    (0.85 formatted ``0%`` is ``"85%"``), so a percent input gets 85 and not 0.85.
    """
    value = getattr(cell, "value", None)
    kind = getattr(cell, "data_type", None)
    if kind == "f" or (
        value is not None
        and not isinstance(
            value, str | int | float | bool | dt.date | dt.datetime | dt.time | Decimal
        )
    ):
        raise _CellProblem(
            f"the cell holds a formula ({str(value)[:40]}); type the value "
            "itself, formulas are not calculated"
        )
    if kind == "e":
        raise _CellProblem(f"the cell holds the Excel error {value}; type the value itself")
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value).strip()
        return text or None
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in (getattr(cell, "number_format", "") or ""):
            return f"{number * 100}%"
        return number
    return value


def _plain(value: Any) -> Any:
    """Ids and years typed as numbers (101, 2019) are text in a record."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return value


def _merged_ranges(ws) -> list[tuple[int, int, int, int]]:
    """Merged ranges as (min_col, min_row, max_col, max_row).

    A read-only worksheet does not expose them, so its XML is scanned for ``mergeCell``
    elements (through defusedxml, like everything openpyxl parses).
    """
    from openpyxl.utils import range_boundaries

    if hasattr(ws, "merged_cells"):
        refs = [str(r) for r in ws.merged_cells.ranges]
    else:
        from defusedxml.ElementTree import iterparse

        refs = []
        with ws._get_source() as source:  # the sheet's XML inside the archive
            for _, element in iterparse(source):
                if element.tag.endswith("}mergeCell"):
                    refs.append(element.get("ref", ""))
                element.clear()
    return [range_boundaries(ref) for ref in refs if ref]


def _covers(ranges, column: int, row: int) -> str | None:
    from openpyxl.utils import get_column_letter

    for c1, r1, c2, r2 in ranges:
        if c1 <= column <= c2 and r1 <= row <= r2 and (c1, r1) != (c2, r2):
            return f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
    return None


def _field(key: str) -> str:
    """The record field a column or row key fills (``self:1.2`` → ``self_scores.1.2``)."""
    prefix, _, rest = key.partition(":")
    if rest and prefix in _PREFIXES:
        return f"{_PREFIXES[prefix]}.{rest}"
    if key in _UNIT_KEYS:
        return key
    return f"inputs.{key}"


def _assemble(
    cells: list[tuple[str, Any, str, str | None]], file: str, block: str | None, where: str
) -> Iterator[Record | SubmissionError]:
    """One record from (key, value, place, problem) cells, or the workbook problems."""
    data: dict[str, Any] = {
        "id": None,
        "name": None,
        "block": block,
        "period": None,
        "submitted": None,
        "parent": None,
        "head": None,
        "inputs": {},
        "self_scores": {},
        "reasons": {},
    }
    places: dict[str, str] = {}
    problems = []
    for key, value, place, problem in cells:
        field = _field(key)
        places[field] = place  # an empty cell too: "required input missing" points at it
        if problem:
            problems.append((field, place, problem))
            continue
        if value is None:
            continue
        group, _, name = field.partition(".")
        if group == "head":
            data["head"] = {**(data["head"] or {}), name: _plain(value)}
        elif name and group in ("inputs", "self_scores", "reasons", "verified"):
            data.setdefault(group, {})[name] = value
        else:
            data[field] = _plain(value) if field in ("id", "period", "parent") else value
    unit = str(data["id"]) if data["id"] is not None else None
    found = tuple(SubmissionError(file, text, unit, f, where=place) for f, place, text in problems)
    yield from found
    # the record goes on with the fields it could read, so that checking reports every
    # other bad value of it now too: all of a workbook's problems in one pass, not rounds
    yield Record(data, file, where=where, places=places, problems=found)


def _read_form(wb, file: str, meta: dict[str, str]) -> Iterator[Record | SubmissionError]:
    """One unit's survey form: keys in column A, answers in C (self-scores: D and E)."""
    cells: list[tuple[str, Any, str, str | None]] = []
    first: str | None = None
    sheets = [(meta.get("sheet", FORM_SHEET), ((3, ""),))]
    if meta.get("self_sheet"):
        sheets.append((meta["self_sheet"], ((4, "self:"), (5, "reason:"))))
    for sheet, answers in sheets:
        if sheet not in wb.sheetnames:
            yield SubmissionError(file, f"the form has no sheet {sheet!r}; was it renamed?")
            return
        ws = wb[sheet]
        ws.reset_dimensions()
        merged = _merged_ranges(ws)
        for r, row in enumerate(ws.iter_rows(), start=1):
            key = getattr(row[0], "value", None) if row else None
            if not isinstance(key, str) or not key.strip() or key == "Mã":
                continue
            for column, prefix in answers:
                cell = row[column - 1] if len(row) >= column else None
                place = _place(sheet, column, r)
                first = first or place
                problem = None
                if (span := _covers(merged, column, r)) is not None:
                    problem = (
                        f"merged cells {span} cover the answer cell; unmerge them "
                        "and type one value per cell"
                    )
                try:
                    value = _cell_value(cell)
                except _CellProblem as exc:
                    value, problem = None, str(exc)
                cells.append((prefix + key.strip(), value, place, problem))
    yield from _assemble(cells, file, meta.get("block"), first or _place(FORM_SHEET, 3, 1))


def _header(ws) -> tuple[int, dict[int, str]] | None:
    """The row of machine names (``id``, ``name``, input names) in the first ten rows."""
    for r, row in enumerate(ws.iter_rows(max_row=10), start=1):
        keys = {
            c: v.strip()
            for c, v in enumerate((getattr(x, "value", None) for x in row), start=1)
            if isinstance(v, str) and v.strip()
        }
        if {"id", "name"} <= set(keys.values()):
            return r, keys
    return None


def _read_rows(ws, file: str, block: str | None) -> Iterator[Record | SubmissionError]:
    """A collection workbook: one unit per row under a row of machine names."""
    ws.reset_dimensions()
    found = _header(ws)
    if found is None:
        yield SubmissionError(
            file,
            f"sheet {ws.title!r} has no header row of column names "
            "(id, name, then one column per input)",
            where=ws.title,
        )
        return
    header_row, keys = found
    merged = _merged_ranges(ws)
    for r, row in enumerate(ws.iter_rows(min_row=header_row + 1), start=header_row + 1):
        cells = []
        for c, key in keys.items():
            cell = row[c - 1] if len(row) >= c else None
            problem = None
            try:
                value = _cell_value(cell)
            except _CellProblem as exc:
                value, problem = None, str(exc)
            if (span := _covers(merged, c, r)) is not None:
                problem = f"merged cells {span} cover this cell; unmerge them"
            cells.append((key, value, _place(ws.title, c, r), problem))
        if all(value is None and problem is None for _, value, _, problem in cells):
            continue  # a blank row
        yield from _assemble(cells, file, block, _place(ws.title, 1, r))


def _not_a_workbook(path: Path) -> str | None:
    """Why ``path`` cannot be opened as an .xlsx workbook, checked before openpyxl sees it."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(min(size, 1_000_000))
    except OSError as exc:
        return f"cannot read the file: {exc.strerror}"
    if size > MAX_SUBMISSION_BYTES:
        return f"the file is larger than {MAX_SUBMISSION_BYTES:,} bytes"
    if head.startswith(_OLE_MAGIC):
        if _ENCRYPTED in head:
            return "the workbook is password-protected (encrypted); save it without a password"
        return "this is an old Excel 97–2003 (.xls) file; save it as .xlsx"
    if not zipfile.is_zipfile(path):
        return "not an Excel workbook (.xlsx): the file is not a zip package"
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if "xl/workbook.xml" not in archive.namelist():
                return "not an Excel workbook (.xlsx): it has no xl/workbook.xml"
    except (zipfile.BadZipFile, OSError) as exc:
        return f"damaged workbook: {exc}"
    if unpacked > MAX_UNPACKED_BYTES:
        return f"the workbook unpacks to more than {MAX_UNPACKED_BYTES:,} bytes"
    return None


def read_workbook(path: str | Path) -> Iterator[Record | SubmissionError]:
    """Every unit record in a filled workbook, or errors saying why it cannot be read.

    Both layouts :func:`survey_form` writes are recognised by their ``_meta`` sheet; a
    workbook without one is read as a collection sheet if a row holds the column names
    ``id`` and ``name``. A bad workbook yields errors; it never raises.
    """
    path = Path(path)
    file = str(path)
    problem = _not_a_workbook(path)
    if problem:
        yield SubmissionError(file, problem)
        return
    try:
        import openpyxl
    except ImportError:
        yield SubmissionError(
            file, "reading .xlsx needs openpyxl: pip install 'criteria-engine[xlsx]'"
        )
        return
    if not openpyxl.DEFUSEDXML:  # never parse a stranger's XML without the entity guard
        yield SubmissionError(
            file, "reading .xlsx needs defusedxml: pip install 'criteria-engine[xlsx]'"
        )
        return
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged package
        yield SubmissionError(file, f"damaged workbook: {type(exc).__name__}: {exc}")
        return
    try:
        meta: dict[str, str] = {}
        if META_SHEET in wb.sheetnames:
            for row in wb[META_SHEET].iter_rows(values_only=True):
                if row and isinstance(row[0], str) and len(row) > 1:
                    meta[row[0]] = "" if row[1] is None else str(row[1])
        if meta.get("format") == FORM_MARK and meta.get("shape") == UNIT_SHAPE:
            yield from _read_form(wb, file, meta)
        elif meta.get("format") == FORM_MARK and meta.get("shape") == UNITS_SHAPE:
            sheet = meta.get("sheet", UNITS_SHEET)
            if sheet not in wb.sheetnames:
                yield SubmissionError(file, f"the workbook has no sheet {sheet!r}; was it renamed?")
                return
            yield from _read_rows(wb[sheet], file, meta.get("block"))
        else:
            sheets = [wb[n] for n in wb.sheetnames if not n.startswith("_")]
            ws = next((ws for ws in sheets if _header(ws) is not None), None)
            if ws is None:
                yield SubmissionError(
                    file,
                    "not a survey form: no _meta sheet, and no sheet "
                    "with a header row of column names (id, name, inputs)",
                )
                return
            yield from _read_rows(ws, file, None)
    except Exception as exc:  # a damaged sheet part surfaces only while rows are read
        yield SubmissionError(file, f"damaged workbook: {type(exc).__name__}: {exc}")
    finally:
        wb.close()


# ── results workbooks ────────────────────────────────────────────────────────────────────
