"""The YAML reader: positions, exact numbers, and hostile files refused quickly."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest

from criteria_engine.loading.yaml_reader import MAX_FILE_BYTES, parse_yaml, read_yaml_file
from criteria_engine.model.problems import PackError


def _error(text: str) -> PackError:
    with pytest.raises(PackError) as info:
        parse_yaml(text, "f.yaml")
    return info.value


def test_numbers_are_exact_decimals_and_dates_are_dates():
    doc = parse_yaml("a: 5.72\nb: 10\nc: 2019-10-18\nd: '1.2'\n")
    assert doc.data == {
        "a": Decimal("5.72"),
        "b": Decimal(10),
        "c": dt.date(2019, 10, 18),
        "d": "1.2",
    }
    assert isinstance(doc.data["a"], Decimal)


def test_yaml11_yes_no_stay_text():
    assert parse_yaml("a: yes\nb: no\nc: true\n").data == {"a": "yes", "b": "no", "c": True}


def test_positions_are_one_based_line_and_column():
    doc = parse_yaml("x:\n  - id: '1'\n    max: 10\n")
    assert doc.where(("x", 0, "max")) == (3, 5)
    assert doc.where(("x", 0, "max", "")) == (3, 10)
    assert doc.where(("x", 0, "unknown")) == (2, 5)  # falls back to the nearest parent


def test_duplicate_key_is_refused_with_its_line():
    error = _error("a: 1\nb: 2\na: 3\n")
    (problem,) = error.problems
    assert (problem.code, problem.line, problem.column) == ("duplicate-key", 3, 1)
    assert "'a' appears twice" in problem.message


def test_alias_bomb_is_refused_before_expansion():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    start = time.perf_counter()
    error = _error(bomb)
    assert time.perf_counter() - start < 1
    assert error.problems[0].code == "alias"
    assert error.problems[0].line == 1


def test_python_object_tag_is_refused():
    error = _error("a: !!python/object/apply:os.system ['echo hi']\n")
    assert error.problems[0].code == "tag"
    assert "python/object" in error.problems[0].message


def test_deep_nesting_is_refused_without_recursion():
    error = _error("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert error.problems[0].code == "too-deep"


def test_non_finite_numbers_are_refused():
    assert _error("a: .nan\n").problems[0].code == "bad-value"
    assert _error("a: -.inf\n").problems[0].code == "bad-value"


def test_syntax_error_names_line_and_shows_caret():
    error = _error("a: [1, 2\nb: 3\n")
    rendered = error.render()
    assert "f.yaml:" in rendered and "yaml-syntax" in rendered


def test_large_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" * (MAX_FILE_BYTES // 5 + 10))
    with pytest.raises(PackError) as info:
        read_yaml_file(str(path))
    assert info.value.problems[0].code == "too-large"


def test_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("a: Hưng Yên\n".encode("utf-16"))
    with pytest.raises(PackError) as info:
        read_yaml_file(str(path))
    assert info.value.problems[0].code in ("encoding", "yaml-syntax")


def test_text_is_nfc_normalised():
    nfd = "a: Hu\u031bng Ye\u0302n\n"
    assert parse_yaml(nfd).data["a"] == "Hưng Yên"
