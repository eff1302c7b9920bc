"""Excel in and out: survey forms to fill in, filled forms read back, results workbooks.

Offices run this evaluation in Excel, so the engine meets them there. A survey form is a
workbook the engine can read back without guessing: a hidden ``_meta`` sheet names the
pack, the block and the layout, column A of the form holds each row's machine name, and
only the answer cells are unlocked. Reading turns each filled form (or each row of a
district's collection workbook) into the same raw record a JSON file gives, so
:func:`~criteria_engine.submissions.check_record` checks both alike; only what a JSON file
cannot hold (formulas, merged cells, a file that is not a workbook) is refused here.

openpyxl is imported inside the functions: the CLI must start fast without it.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .model import Input
from .submissions import MAX_SUBMISSION_BYTES, Record, SubmissionError

if TYPE_CHECKING:
    from .model import Block, Criterion, Pack
    from .reports.base import ReportContext, Table

FORM_MARK = "criteria-engine form"
UNIT_SHAPE, UNITS_SHAPE = "unit", "units"  # one unit's form; one row per unit
FORM_SHEET, SELF_SHEET, UNITS_SHEET = "Khảo sát", "Tự đánh giá", "Danh sách đơn vị"
HELP_SHEET, LISTS_SHEET, META_SHEET = "Hướng dẫn", "_lists", "_meta"
UNIT_ROWS = (
    ("id", "Mã đơn vị"),
    ("name", "Tên đơn vị"),
    ("block", "Khối"),
    ("period", "Năm đánh giá"),
    ("submitted", "Ngày gửi phiếu"),
    ("parent", "Mã đơn vị cấp trên (huyện thu thập phiếu)"),
    ("head.name", "Họ và tên người đứng đầu"),
    ("head.title", "Chức vụ người đứng đầu"),
)
UNITS_COLUMNS = (
    ("id", "Mã đơn vị"),
    ("name", "Tên đơn vị"),
    ("parent", "Mã đơn vị cấp trên"),
    ("period", "Năm đánh giá"),
    ("submitted", "Ngày gửi phiếu"),
)
UNITS_BLANK_ROWS = 200  # rows prepared (validated, unlocked) in a collection workbook
UNITS_HEADER_ROW = 4  # machine names; labels are on the row above, data below
MAX_UNPACKED_BYTES = 200_000_000  # a zip bomb is refused before openpyxl opens it
_ANSWER_FILL, _HEADER_FILL = "FFF2CC", "DDEBF7"
_LEVEL_FILLS = ("C6EFCE", "DDEBF7", "FFEB9C", "FCE4D6", "FFC7CE")
_TWO_PLACES = frozenset(  # report columns of scores and totals, shown with two decimals
    [
        "total",
        "percent",
        "score",
        "max",
        "self_score",
        "declared_score",
        "verified_score",
        "difference",
        "previous_total",
    ]
)
_UNIT_KEYS = frozenset(
    ["id", "name", "block", "period", "submitted", "parent", "stage", "head.name", "head.title"]
)
_PREFIXES = {"self": "self_scores", "reason": "reasons", "verified": "verified"}
_BAD_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_DATE_SPEC = Input(name="submitted", label="Ngày gửi phiếu", type="date")


def _place(sheet: str, column: int, row: int) -> str:
    """An address Excel's Name Box accepts: ``'Khảo sát'!C14``."""
    from openpyxl.utils import get_column_letter, quote_sheetname

    return f"{quote_sheetname(sheet)}!{get_column_letter(column)}{row}"


def _sheet_name(title: str, taken: set[str]) -> str:
    """A legal, unique sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    base = unicodedata.normalize("NFC", title).translate(_BAD_SHEET_CHARS).strip("' ")[:31]
    name, n = base or "Sheet", 1
    while name.casefold() in {t.casefold() for t in taken}:
        n += 1
        name = f"{base[: 31 - len(str(n)) - 3]} ({n})"
    taken.add(name)
    return name


def _to_bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _day(month_day: str) -> str:
    month, day = month_day.split("-")
    return f"{day}/{month}"


# ── survey forms ─────────────────────────────────────────────────────────────────────────


def _rule(spec: Input) -> tuple[str, dict[str, Any]]:
    """What to tell the person filling ``spec`` in, and the Excel validation enforcing it."""
    kind = spec.type
    if kind in ("number", "integer"):
        word = "số nguyên" if kind == "integer" else "số"
        low, high = spec.min, spec.max
        if low is not None and high is not None:
            args = {"operator": "between", "formula1": _number(low), "formula2": _number(high)}
            text = f"{word} từ {_number(low)} đến {_number(high)}"
        elif low is not None:
            args = {"operator": "greaterThanOrEqual", "formula1": _number(low)}
            text = f"{word} từ {_number(low)} trở lên"
        elif high is not None:
            args = {"operator": "lessThanOrEqual", "formula1": _number(high)}
            text = f"{word} không quá {_number(high)}"
        else:
            args, text = {"operator": "between", "formula1": "-1E+15", "formula2": "1E+15"}, word
        return text, {"type": "whole" if kind == "integer" else "decimal", **args}
    if kind == "percent":
        return "tỷ lệ % từ 0 đến 100 (ghi 85 cho 85%)", {
            "type": "decimal",
            "operator": "between",
            "formula1": "0",
            "formula2": "100",
        }
    if kind == "boolean":
        return "chọn có hoặc không", {"type": "list", "formula1": '"có,không"'}
    if kind == "date":
        return "ngày (dd/mm/yyyy)", {
            "type": "date",
            "operator": "between",
            "formula1": "1",
            "formula2": "73050",
        }
    if kind == "choice":
        return "chọn trong danh sách: " + "; ".join(spec.choices), {"type": "list"}
    return "văn bản", {}


def _validation(spec_text: str, args: dict[str, Any], help_text: str | None):
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Giá trị không hợp lệ",
        error=f"Nhập {spec_text}."[:255],
        showInputMessage=bool(help_text),
        promptTitle="Hướng dẫn" if help_text else None,
        prompt=(help_text or "")[:255] or None,
        **args,
    )


def _choice_lists(wb, block: Block) -> dict[str, str]:
    """Write each choice input's options on the veryHidden ``_lists`` sheet; return ranges."""
    from openpyxl.utils import get_column_letter, quote_sheetname

    ranges: dict[str, str] = {}
    choice_inputs = [spec for spec in block.inputs.values() if spec.type == "choice"]
    if not choice_inputs:
        return ranges
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "veryHidden"
    for col, spec in enumerate(choice_inputs, start=1):
        letter = get_column_letter(col)
        for row, choice in enumerate(spec.choices, start=1):
            ws.cell(row=row, column=col, value=choice)
        ranges[spec.name] = (
            f"{quote_sheetname(LISTS_SHEET)}!${letter}$1:${letter}${len(spec.choices)}"
        )
    return ranges


def _meta_sheet(wb, pack: Pack, block: Block, shape: str, sheets: dict[str, str]) -> None:
    ws = wb.create_sheet(META_SHEET)
    ws.sheet_state = "veryHidden"
    rows = [
        ("format", FORM_MARK),
        ("shape", shape),
        ("layout", 1),
        ("pack", pack.label),
        ("decision", pack.decision.number),
        ("block", block.id),
        *sheets.items(),
    ]
    for row in rows:
        ws.append(row)


def _help_sheet(wb, pack: Pack, block: Block, multi: bool) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.active
    ws.title = HELP_SHEET
    d = pack.decision
    lines = [
        (pack.title, True),
        (f"{block.title}", True),
        (
            f"Theo Quyết định số {d.number} ngày {d.signed:%d/%m/%Y}"
            + (f" ({d.title})" if d.title else ""),
            False,
        ),
        ("", False),
    ]
    period = pack.period_for(block)
    if period is not None:
        start = _day(period.start) + (" năm trước" if (period.start >= period.end) else "")
        lines.append(
            (f"Số liệu tính từ ngày {start} đến ngày {_day(period.end)} năm đánh giá.", False)
        )
    for year, blocks in sorted(pack.calendar.deadlines.items()):
        if block.id in blocks:
            lines.append((f"Năm {year}: gửi phiếu trước ngày {blocks[block.id]:%d/%m/%Y}.", False))
    where = (
        f"trang «{UNITS_SHEET}», mỗi đơn vị một dòng, từ dòng {UNITS_HEADER_ROW + 1}"
        if multi
        else f"trang «{FORM_SHEET}», cột «Giá trị»"
    )
    lines += [
        ("", False),
        ("Cách điền phiếu", True),
        (f"1. Chỉ điền vào các ô màu vàng ở {where}; các ô khác đã được khóa.", False),
        (
            "2. Nhập số, không nhập công thức (phiếu có công thức sẽ bị trả lại), không "
            "gộp ô, không đổi tên trang, không thêm hay xóa dòng, cột.",
            False,
        ),
        ("3. Tỷ lệ phần trăm ghi theo số phần trăm: 85 nghĩa là 85%.", False),
        ("4. Câu hỏi có/không: chọn «có» hoặc «không» trong danh sách.", False),
        ("5. Ngày ghi theo dạng ngày/tháng/năm, ví dụ 15/10/2019.", False),
    ]
    if block.reasons_below_max:
        lines.append(
            (
                f"6. Tự chấm điểm từng tiêu chí ở trang «{SELF_SHEET}» (hoặc các cột "
                "«Tự chấm»); tiêu chí tự chấm dưới điểm tối đa phải ghi giải trình.",
                False,
            )
        )
    lines.append(("Các trang được khóa không đặt mật khẩu, chỉ để tránh sửa nhầm.", False))
    for text, bold in lines:
        ws.append([text])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=bold, size=12 if bold else 11)
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 110


def _answer(cell, fill) -> None:
    from openpyxl.styles import Protection

    cell.protection = Protection(locked=False)
    cell.fill = fill


def _protect(ws) -> None:
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # people may still widen a column to read it
    ws.protection.formatRows = False


def _leaves(block: Block) -> list[Criterion]:
    return [c for c in block.all_criteria() if not c.children]


def _single_form(wb, pack: Pack, block: Block, lists: dict[str, str], fill) -> dict[str, str]:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(FORM_SHEET)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    ws.append([None, f"PHIẾU KHẢO SÁT — {block.title}"])
    ws.append([None, f"{pack.title} (Quyết định số {pack.decision.number})"])
    ws.append(["Mã", "Nội dung", "Giá trị", "Đơn vị tính", "Cách nhập"])
    for cell in ws[3]:
        cell.font = bold
    for key, label in UNIT_ROWS:
        ws.append([key, label, block.id if key == "block" else None])
        row = ws.max_row
        if key == "block":
            ws.cell(row=row, column=5, value=f"đã điền sẵn: {block.title}")
            continue
        _answer(ws.cell(row=row, column=3), fill)
        if key == "submitted":
            text, args = _rule(_DATE_SPEC)
            dv = _validation(text, args, None)
            ws.add_data_validation(dv)
            dv.add(ws.cell(row=row, column=3))
            ws.cell(row=row, column=3).number_format = "dd/mm/yyyy"
            ws.cell(row=row, column=5, value=text)
    ws.append([None, "SỐ LIỆU"])
    ws.cell(row=ws.max_row, column=2).font = bold
    for spec in block.inputs.values():
        text, args = _rule(spec)
        unit = "%" if spec.type == "percent" else spec.unit
        ws.append(
            [
                spec.name,
                spec.label + ("" if spec.required else " (không bắt buộc)"),
                None,
                unit,
                text,
            ]
        )
        answer = ws.cell(row=ws.max_row, column=3)
        _answer(answer, fill)
        if spec.type == "date":
            answer.number_format = "dd/mm/yyyy"
        if spec.type == "choice":
            args["formula1"] = lists[spec.name]
        if args:
            dv = _validation(text, args, spec.help)
            ws.add_data_validation(dv)
            dv.add(answer)
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = wrap
        row[0].font = Font(color="808080", size=9)
    for letter, width in zip("ABCDE", (24, 62, 18, 14, 34), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"
    _protect(ws)
    sheets = {"sheet": FORM_SHEET}
    if block.reasons_below_max:
        sheets["self_sheet"] = _self_sheet(wb, block, fill)
    return sheets


def _self_sheet(wb, block: Block, fill) -> str:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(SELF_SHEET)
    ws.append(
        [
            "Mã",
            "Tiêu chí",
            "Điểm tối đa",
            "Tự chấm",
            "Giải trình (bắt buộc khi tự chấm dưới điểm tối đa)",
        ]
    )
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for crit in block.all_criteria():
        ws.append([crit.id, crit.title, crit.max])
        row = ws.max_row
        ws.cell(row=row, column=3).number_format = "0.00"
        if crit.children:
            ws.cell(row=row, column=2).font = Font(bold=True)
            continue
        for col in (4, 5):
            _answer(ws.cell(row=row, column=col), fill)
        text = f"điểm từ {_number(crit.floor)} đến {_number(crit.max)}"
        dv = _validation(
            text,
            {
                "type": "decimal",
                "operator": "between",
                "formula1": _number(crit.floor),
                "formula2": _number(crit.max),
            },
            None,
        )
        ws.add_data_validation(dv)
        dv.add(ws.cell(row=row, column=4))
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (10, 60, 12, 12, 50), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    _protect(ws)
    return SELF_SHEET


def _units_form(wb, block: Block, lists: dict[str, str], fill) -> dict[str, str]:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(UNITS_SHEET)
    columns: list[tuple[str, str, Input | None]] = [(k, label, None) for k, label in UNITS_COLUMNS]
    columns += [(s.name, s.label, s) for s in block.inputs.values()]
    if block.reasons_below_max:
        for crit in _leaves(block):
            columns.append(
                (f"self:{crit.id}", f"Tự chấm {crit.id} (tối đa {_number(crit.max)})", None)
            )
            columns.append((f"reason:{crit.id}", f"Giải trình {crit.id}", None))
    ws.cell(row=1, column=1, value=f"TỔNG HỢP PHIẾU KHẢO SÁT — {block.title}").font = Font(
        bold=True, size=12
    )
    ws.cell(row=2, column=1, value="Mỗi đơn vị một dòng; dòng 4 là mã cột, không sửa.")
    first, last = UNITS_HEADER_ROW + 1, UNITS_HEADER_ROW + UNITS_BLANK_ROWS
    for col, (key, label, spec) in enumerate(columns, start=1):
        head = ws.cell(row=UNITS_HEADER_ROW - 1, column=col, value=label)
        head.font, head.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="top")
        ws.cell(row=UNITS_HEADER_ROW, column=col, value=key).font = Font(color="808080", size=9)
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = 28 if key in ("name",) or "reason:" in key else 16
        for row in range(first, last + 1):
            _answer(ws.cell(row=row, column=col), fill)
        rule = (
            _rule(spec) if spec is not None else _rule(_DATE_SPEC) if key == "submitted" else None
        )
        if rule is not None and rule[1]:
            text, args = rule
            if spec is not None and spec.type == "choice":
                args["formula1"] = lists[spec.name]
            dv = _validation(text, args, spec.help if spec else None)
            ws.add_data_validation(dv)
            dv.add(f"{letter}{first}:{letter}{last}")
            if args["type"] == "date":
                for row in range(first, last + 1):
                    ws.cell(row=row, column=col).number_format = "dd/mm/yyyy"
    ws.row_dimensions[UNITS_HEADER_ROW - 1].height = 60
    ws.freeze_panes = ws.cell(row=first, column=3)
    _protect(ws)
    return {"sheet": UNITS_SHEET}


def survey_form(pack: Pack, block: Block, *, multi: bool = False) -> bytes:
    """A survey-form workbook for ``block``: one unit's form, or (``multi``) one row per unit.

    The form is the contract the reader relies on: ``_meta`` says which layout it is, and
    the locked label cells keep the machine names in column A (or header row 4) intact.
    """
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    wb = Workbook()
    fill = PatternFill("solid", fgColor=_ANSWER_FILL)
    _help_sheet(wb, pack, block, multi)
    lists = _choice_lists(wb, block)
    if multi:
        sheets = _units_form(wb, block, lists, fill)
    else:
        sheets = _single_form(wb, pack, block, lists, fill)
    if lists:  # hidden sheets go last, after the sheets people fill in
        wb.move_sheet(LISTS_SHEET, len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))
    _meta_sheet(wb, pack, block, UNITS_SHAPE if multi else UNIT_SHAPE, sheets)
    wb.active = 1
    return _to_bytes(wb)


# ── reading filled workbooks ─────────────────────────────────────────────────────────────


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
    for field, place, problem in problems:
        yield SubmissionError(file, problem, unit, field, where=place)
    if not problems:
        extra = {"places": places} if "places" in attrs.fields_dict(Record) else {}
        yield Record(data, file, where=where, **extra)


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


def _write_table(
    ws, table: Table, pack: Pack, titles: Sequence[str], freeze_columns: int = 0
) -> None:
    """One table on one sheet: title rows, a styled header, typed cells, filter, frozen top."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    width = max(len(table.headers), 1)
    last = get_column_letter(width)
    for text in titles:
        ws.append([text])
        row = ws.max_row
        ws.cell(row=row, column=1).font = Font(bold=True, size=12 if row == 1 else 11)
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center", wrap_text=True)
        if width > 1:
            ws.merge_cells(f"A{row}:{last}{row}")
    header = len(titles) + 2 if titles else 1  # a blank row between the titles and the table
    for col, text in enumerate(table.headers, start=1):
        ws.cell(row=header, column=col, value=text)
    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in ws[header]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = border
    keys = table.keys or tuple(table.headers)
    levels = {
        lv.name: PatternFill("solid", fgColor=_LEVEL_FILLS[min(i, len(_LEVEL_FILLS) - 1)])
        for i, lv in enumerate(pack.levels)
    }
    widths = [min(max(len(str(h)) // 2 + 2, 8), 40) for h in table.headers]
    for values in table.rows:
        ws.append([("có" if v else "không") if isinstance(v, bool) else v for v in values])
        for col, (key, cell) in enumerate(zip(keys, ws[ws.max_row], strict=False)):
            cell.border = border
            if isinstance(cell.value, Decimal | float):
                cell.number_format = (
                    "0.00" if key in _TWO_PLACES or key.startswith("group_") else "General"
                )
            elif isinstance(cell.value, str):
                cell.alignment = Alignment(wrap_text=len(cell.value) > 40, vertical="top")
            if key == "level" and cell.value in levels:
                cell.fill = levels[cell.value]
            widths[col] = max(widths[col], min(len(str(cell.value or "")) + 2, 50))
    for col, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.row_dimensions[header].height = 45
    ws.freeze_panes = ws.cell(row=header + 1, column=freeze_columns + 1)
    if table.rows:
        ws.auto_filter.ref = f"A{header}:{last}{header + len(table.rows)}"
    if table.note:
        ws.cell(row=header + len(table.rows) + 2, column=1, value=table.note)


def _titles(pack: Pack, table: Table, period: str | None) -> list[str]:
    d = pack.decision
    heading = "KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG" + (f" NĂM {period}" if period else "")
    return [
        heading,
        table.title,
        f"{pack.title} (Quyết định số {d.number} ngày {d.signed:%d/%m/%Y})",
    ]


def _short(title: str, room: int = 31) -> str:
    """What of a title fits in a sheet tab: ``Khối 01 — Sở, ban, ngành`` → ``Khối 01``.

    The head of the title (before a dash, a bracket or a comma), cut at a word if need be;
    the full title is on the sheet's first rows.
    """
    head = title.split(" — ")[0].split(" (")[0].split(",")[0].strip()
    return head if len(head) <= room else head[:room].rsplit(" ", 1)[0]


def _tab(prefix: str, title: str) -> str:
    return f"{prefix} {_short(title, 30 - len(prefix))}"


def results_workbook(ctx: ReportContext) -> bytes:
    """The results as offices publish them: per block a ranking sheet and a scores sheet.

    The content comes from the same report functions as the text tables, so the workbook
    and ``evaluate --format table`` can never disagree.
    """
    from openpyxl import Workbook

    from .reports.standard import errors_table, ranking_tables, score_tables

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    periods = sorted({r.period for r in ctx.results if r.period})
    period = periods[-1] if len(periods) == 1 else None
    scores = {t.block: t for t in score_tables(ctx)}
    for table in ranking_tables(ctx):
        block = ctx.pack.block(table.block)
        ws = wb.create_sheet(_sheet_name(_tab("Xếp hạng", block.title), taken))
        _write_table(ws, table, ctx.pack, _titles(ctx.pack, table, period), freeze_columns=2)
        if table.block in scores:
            ws = wb.create_sheet(_sheet_name(_tab("Điểm", block.title), taken))
            _write_table(
                ws, scores[table.block], ctx.pack, [scores[table.block].title], freeze_columns=2
            )
    if ctx.outcome.errors:
        table = errors_table(ctx)[0]
        _write_table(
            wb.create_sheet(_sheet_name(table.title, taken)), table, ctx.pack, [table.title]
        )
    if not wb.sheetnames:
        wb.create_sheet("Kết quả").append(["Không có đơn vị nào được đánh giá."])
    return _to_bytes(wb)


def tables_workbook(tables: Sequence[Table], pack: Pack) -> bytes:
    """Any report's tables, one sheet each (``report NAME --format xlsx``)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for table in tables:
        # a report's per-block tables are named by their block; the title is on row 1
        blocks = {b.id: b.title for b in pack.blocks}
        name = _short(blocks.get(table.block or "", table.title))
        ws = wb.create_sheet(_sheet_name(name, taken))
        _write_table(ws, table, pack, [table.title])
    if not wb.sheetnames:
        wb.create_sheet("Báo cáo").append(["Báo cáo không có bảng nào."])
    return _to_bytes(wb)
