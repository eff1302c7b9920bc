"""Results workbooks: the published ranking tables and per-criterion scores."""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...inputs.excel import _HEADER_FILL, _LEVEL_FILLS, _TWO_PLACES, _sheet_name, _to_bytes
from ..caveats import CAVEATS_TITLE, context_caveats, is_file_note

#: the visible sheet that lists every caveat, the submission files' notes in full
NOTES_SHEET = "Lưu ý"
_NOTE_CHARS = 160  # of a file's note, quoted above a table before "…"

if TYPE_CHECKING:
    from ...model.pack import Pack
    from ..base import ReportContext, Table


def _above(caveats: Sequence[str]) -> list[str]:
    """The caveats shown above a table, kept short because the rows above the header stay
    frozen on screen: the state and provenance in full, the files' notes as one line
    quoting the first (all of them are on the :data:`NOTES_SHEET` sheet)."""
    lines = [c for c in caveats if not is_file_note(c)]
    notes = [c for c in caveats if is_file_note(c)]
    if len(notes) == 1 and len(notes[0]) <= _NOTE_CHARS * 2:
        lines.append(notes[0])
    elif notes:
        first = notes[0] if len(notes[0]) <= _NOTE_CHARS else notes[0][:_NOTE_CHARS] + "…"
        lines.append(f"{first} — ghi chú của mọi tệp số liệu ở trang '{NOTES_SHEET}'.")
    return lines


def _write_table(
    ws,
    table: Table,
    pack: Pack,
    titles: Sequence[str],
    freeze_columns: int = 0,
    caveats: Sequence[str] = (),
) -> None:
    """One table on one sheet: title rows, the caveats, a styled header, typed cells,
    filter, frozen top."""
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
    for text in _above(caveats):  # unmerged, unwrapped: the text runs on over empty cells
        ws.append([f"Lưu ý: {text}"])
        ws.cell(row=ws.max_row, column=1).font = Font(italic=True, color="9C0006")
    # a blank row between the titles and the table
    header = ws.max_row + 2 if titles or caveats else 1
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
    styles: dict[tuple, Any] = {}
    for number, values in enumerate(table.rows, start=header + 1):
        ws.append([("có" if v else "không") if isinstance(v, bool) else v for v in values])
        # cells by their address: ``ws.max_row`` and ``ws[row]`` scan every cell of the
        # sheet, which made a sheet of n rows cost n² (minutes for a province's scores)
        cells = (ws.cell(row=number, column=c) for c in range(1, len(values) + 1))
        for col, (key, cell) in enumerate(zip(keys, cells, strict=False)):
            value = cell.value
            widths[col] = max(widths[col], min(len(str(value or "")) + 2, 50))
            # a column's cells share a handful of styles: each is built once and copied,
            # since openpyxl hashes every style object set on every cell
            kind = (
                col,
                type(value),
                isinstance(value, str) and len(value) > 40,
                value if key == "level" else None,
            )
            if kind in styles:
                cell._style = copy(styles[kind])
                continue
            cell.border = border
            if isinstance(value, Decimal | float):
                cell.number_format = (
                    "0.00" if key in _TWO_PLACES or key.startswith("group_") else "General"
                )
            elif isinstance(value, str):
                cell.alignment = Alignment(wrap_text=len(value) > 40, vertical="top")
            if key == "level" and value in levels:
                cell.fill = levels[value]
            styles[kind] = copy(cell._style)
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

    from ..standard import errors_table, ranking_tables, score_tables

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    periods = sorted({r.period for r in ctx.results if r.period})
    period = periods[-1] if len(periods) == 1 else None
    scores = {t.block: t for t in score_tables(ctx)}
    caveats = context_caveats(ctx)
    for table in ranking_tables(ctx):
        block = ctx.pack.block(table.block)
        ws = wb.create_sheet(_sheet_name(_tab("Xếp hạng", block.title), taken))
        titles = _titles(ctx.pack, table, period)
        _write_table(ws, table, ctx.pack, titles, freeze_columns=2, caveats=caveats)
        if table.block in scores:
            ws = wb.create_sheet(_sheet_name(_tab("Điểm", block.title), taken))
            score = scores[table.block]
            _write_table(ws, score, ctx.pack, [score.title], freeze_columns=2, caveats=caveats)
    if ctx.outcome.errors:
        table = errors_table(ctx)[0]
        ws = wb.create_sheet(_sheet_name(table.title, taken))
        _write_table(ws, table, ctx.pack, [table.title], caveats=caveats)
    if not wb.sheetnames:
        wb.create_sheet("Kết quả").append(["Không có đơn vị nào được đánh giá."])
    _notes_sheet(wb, caveats, taken)
    return _to_bytes(wb)


def _notes_sheet(wb, caveats: Sequence[str], taken: set[str]) -> None:
    """A visible sheet with every caveat in full, where the files' notes are too long to
    stand above each table (see :func:`_above`)."""
    from openpyxl.styles import Alignment, Font

    if not any(is_file_note(c) for c in caveats):
        return
    ws = wb.create_sheet(_sheet_name(NOTES_SHEET, taken))
    ws.append([CAVEATS_TITLE])
    ws["A1"].font = Font(bold=True, size=12)
    for line in caveats:
        ws.append([line])
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 140


def tables_workbook(tables: Sequence[Table], pack: Pack, caveats: Sequence[str] = ()) -> bytes:
    """Any report's tables, one sheet each (``report NAME --format xlsx``), each with the
    ``caveats`` above it (and all of them on a sheet of their own with files' notes)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for table in tables:
        # a report's per-block tables are named by their block; the title is on row 1
        blocks = {b.id: b.title for b in pack.blocks}
        name = _short(blocks.get(table.block or "", table.title))
        ws = wb.create_sheet(_sheet_name(name, taken))
        _write_table(ws, table, pack, [table.title], caveats=caveats)
    if not wb.sheetnames:
        ws = wb.create_sheet("Báo cáo")
        ws.append(["Báo cáo không có bảng nào."])
        for line in _above(caveats):
            ws.append([f"Lưu ý: {line}"])
    _notes_sheet(wb, caveats, taken)
    return _to_bytes(wb)


def xlsx_tables(tables: Sequence[Table], ctx: ReportContext, title: str = "") -> bytes:
    """The registry's entry point: any report's tables as a workbook."""
    return tables_workbook(tables, ctx.pack, context_caveats(ctx))
