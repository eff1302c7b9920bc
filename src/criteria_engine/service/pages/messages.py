"""The engine's messages about a value, said in Vietnamese next to the field.

The engine checks every value (its messages are the CLI's, in English, and the API passes
them on as they are); the form only says the same thing in the officer's language. Each
known message shape has a Vietnamese sentence; anything else is shown with a Vietnamese
lead and the engine's own words, so nothing the engine said is ever hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^expected a number, got (?P<v>.*?)(?:: write the decimal mark.*)?$"),
        lambda m: f"Phải là một số (dùng dấu chấm cho phần thập phân, vd. 12.5); đã nhập {m['v']}",
    ),
    (
        re.compile(r"^expected a whole number, got (?P<v>.*)$"),
        lambda m: f"Phải là số nguyên; đã nhập {m['v']}",
    ),
    (
        re.compile(r"^(?P<v>.*) is below the minimum (?P<n>.*)$"),
        lambda m: f"{m['v']} nhỏ hơn giá trị tối thiểu {m['n']}",
    ),
    (
        re.compile(r"^(?P<v>.*) is above the maximum (?P<n>.*)$"),
        lambda m: f"{m['v']} lớn hơn giá trị tối đa {m['n']}",
    ),
    (
        re.compile(r"^(?P<v>.*) is not a percentage between 0 and 100$"),
        lambda m: f"{m['v']} không phải tỷ lệ phần trăm từ 0 đến 100",
    ),
    (
        re.compile(r"^(?P<v>.*) is not a finite number$"),
        lambda m: f"{m['v']} không phải một số hữu hạn",
    ),
    (
        re.compile(r"^(?P<v>.*) has more than (?P<n>\d+) digits$"),
        lambda m: f"{m['v']} có quá {m['n']} chữ số",
    ),
    (
        re.compile(r"^expected yes or no .*, got (?P<v>.*)$"),
        lambda m: f"Phải chọn Có hoặc Không; đã nhập {m['v']}",
    ),
    (
        re.compile(r"^expected a date written YYYY-MM-DD, got (?P<v>.*)$"),
        lambda m: f"Phải là một ngày (năm-tháng-ngày); đã nhập {m['v']}",
    ),
    (
        re.compile(r"^(?P<v>.*) is not one of the choices: (?P<c>.*)$"),
        lambda m: f"{m['v']} không có trong danh sách lựa chọn: {m['c']}",
    ),
    (
        re.compile(r"^expected text, got (?P<v>.*)$"),
        lambda m: f"Phải là văn bản; đã nhập {m['v']}",
    ),
    (
        re.compile(r"^required input .* is missing$"),
        lambda m: "Chưa nhập (bắt buộc khi nộp)",
    ),
    (re.compile(r"^no value given$"), lambda m: "Chưa nhập giá trị"),
]


def vietnamese(message: str) -> str:
    """The engine's ``message`` about one value, in Vietnamese."""
    for pattern, say in _PATTERNS:
        found = pattern.match(message)
        if found:
            return say(found)
    return f"Giá trị không hợp lệ ({message})"
