"""Survey forms: one unit's workbook, or one row per unit for a district."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model.pack import Input
from .excel import (
    _ANSWER_FILL,
    _DATE_SPEC,
    FORM_MARK,
    FORM_SHEET,
    HELP_SHEET,
    LISTS_SHEET,
    META_SHEET,
    SELF_SHEET,
    UNIT_ROWS,
    UNIT_SHAPE,
    UNITS_BLANK_ROWS,
    UNITS_COLUMNS,
    UNITS_HEADER_ROW,
    UNITS_SHAPE,
    UNITS_SHEET,
    _day,
    _number,
    _to_bytes,
)
from .types import input_type

if TYPE_CHECKING:
    from ..model.pack import Block, Criterion, Pack


def _rule(spec: Input) -> tuple[str, dict[str, Any]]:
    """What to tell the person filling ``spec`` in, and the Excel validation enforcing it."""
    return input_type(spec).excel_rule(spec)


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
    choice_inputs = [spec for spec in block.inputs.values() if input_type(spec).kind.listed]
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
        unit = input_type(spec).unit_of(spec)
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
        if args.get("type") == "date":
            answer.number_format = "dd/mm/yyyy"
        if spec.name in lists:
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
            if spec is not None and spec.name in lists:
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
