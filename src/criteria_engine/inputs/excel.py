"""Shared by the Excel modules: sheet names, layout constants, small helpers."""

from __future__ import annotations

import io
import unicodedata
from decimal import Decimal
from typing import TYPE_CHECKING

from ..model.pack import Input

if TYPE_CHECKING:
    pass

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
