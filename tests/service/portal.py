"""Helpers of the portal's tests: reading pages, their forms and CSRF tokens, and filling
the Excel survey form a district downloads."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser
from typing import Any

from .examples import records, unit_body

GIALAI_FUTURE = {"department": "2099-12-31T17:00:00+07:00", "district": "2099-12-31T17:00:00+07:00",
                 "commune": "2099-12-31T17:00:00+07:00"}  # fmt: skip


class Page(HTMLParser):
    """Every start tag with its attributes, label texts by ``for``, and the visible text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def fields(self) -> dict[str, dict[str, str | None]]:
        """Form fields by name (input, select, textarea), with their tag as ``_tag``."""
        out = {}
        for tag, attrs in self.tags:
            if tag in ("input", "select", "textarea") and attrs.get("name"):
                out.setdefault(attrs["name"], {**attrs, "_tag": tag})
        return out

    def label_targets(self) -> set[str]:
        return {a["for"] for t, a in self.tags if t == "label" and a.get("for")}


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def field_value(html: str, name: str) -> str | None:
    """What an input shows (its value attribute) or the selected option of a select."""
    for tag, attrs in Page(html).tags:
        if tag == "input" and attrs.get("name") == name:
            return attrs.get("value")
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        chosen = re.search(r'<option value="([^"]*)" selected', select.group(1)) or re.search(
            r"<option selected>([^<]*)<", select.group(1)
        )
        return chosen.group(1) if chosen else ""
    return None


def example(pack: str, uid: str, pattern: str = "*.json") -> dict[str, Any]:
    """A bundled example unit as the unit would type it (no verified values)."""
    return next(unit_body(r) for r in records(pack, pattern=pattern) if r["id"] == uid)


def form_data(record: dict[str, Any]) -> dict[str, str]:
    """The survey form's fields for a record: inputs by id, self-scores and reasons."""
    data = {}
    for name, value in record["inputs"].items():
        if isinstance(value, bool):
            data[name] = "true" if value else "false"
        elif value is not None:
            data[name] = str(value)
    for cid, value in (record.get("self_scores") or {}).items():
        data[f"self.{cid}"] = str(value)
    for cid, text in (record.get("reasons") or {}).items():
        data[f"reason.{cid}"] = text
    return data


def fill_rows(workbook: bytes, units: list[dict[str, Any]], block: Any) -> bytes:
    """A district's many-unit survey form filled in, one unit per row, by the machine names
    the form's header row holds."""
    import openpyxl

    from criteria_engine.inputs.excel import UNITS_HEADER_ROW, UNITS_SHEET

    wb = openpyxl.load_workbook(io.BytesIO(workbook))
    ws = wb[UNITS_SHEET]
    keys = [c.value for c in ws[UNITS_HEADER_ROW]]
    for offset, record in enumerate(units, start=1):
        for col, key in enumerate(keys, start=1):
            if key is None:
                continue
            if key in record["inputs"]:
                value = record["inputs"][key]
                spec = block.inputs[key]
                if isinstance(value, bool):
                    value = "có" if value else "không"
                elif spec.type == "date" and isinstance(value, str):
                    value = dt.date.fromisoformat(value)
            elif key.startswith("self:"):
                value = (record.get("self_scores") or {}).get(key[5:])
            elif key.startswith("reason:"):
                value = (record.get("reasons") or {}).get(key[7:])
            elif key in ("submitted", "period"):
                value = None
            else:
                value = record.get(key)
            ws.cell(row=UNITS_HEADER_ROW + offset, column=col, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
