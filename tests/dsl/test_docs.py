"""docs/dsl.md cannot rot: its examples parse and check, its error texts are exact.

Every ```dsl block must compile with the scope declared in the page's ``dsl-scope``
comment. Every ```dsl-error block must fail, and the ```text block right after it must be
the error exactly as the language renders it. The ```yaml examples must load, and the
formulas in them must compile.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from criteria_engine.dsl import DslError, DslEvaluationError, Scope, Type, compile_formula

DOC = Path(__file__).resolve().parents[2] / "docs" / "dsl.md"
FENCE = re.compile(r"^```([\w-]+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(DOC.read_text(encoding="utf-8"))]


def _scope() -> Scope:
    comment = re.search(r"dsl-scope\n(.*?)-->", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert comment, "docs/dsl.md lost its dsl-scope comment"
    fields: dict[str, str] = {}
    key = ""
    for line in comment.group(1).splitlines():
        if re.match(r"^\w+:", line):
            key, _, line = line.partition(":")
        fields[key] = fields.get(key, "") + " " + line
    split = [item.strip() for item in fields["names"].split(",") if item.strip()]
    names = {name: Type(kind) for name, kind in (item.split("=") for item in split)}
    return Scope(
        names=names,
        criteria=[c.strip() for c in fields["criteria"].split(",")],
        aggregatable=[c.strip() for c in fields["aggregatable"].split(",")],
    )


SCOPE = _scope()
BLOCKS = _blocks()
EXAMPLES = [body for kind, body in BLOCKS if kind == "dsl"]
ERRORS = [
    (body, BLOCKS[i + 1][1])
    for i, (kind, body) in enumerate(BLOCKS)
    if kind == "dsl-error" and i + 1 < len(BLOCKS) and BLOCKS[i + 1][0] == "text"
]


def test_the_page_has_examples_and_errors() -> None:
    assert len(EXAMPLES) >= 10
    assert len(ERRORS) == sum(1 for kind, _ in BLOCKS if kind == "dsl-error") >= 5


@pytest.mark.parametrize("text", EXAMPLES, ids=lambda t: t.strip().splitlines()[0][:40])
def test_example_compiles(text: str) -> None:
    formula = compile_formula(text, SCOPE, expect=None)
    assert formula.type in (Type.NUMBER, Type.BOOLEAN)


@pytest.mark.parametrize(("text", "shown"), ERRORS, ids=lambda t: t.strip()[:40])
def test_error_is_shown_exactly(text: str, shown: str) -> None:
    with pytest.raises(DslError) as caught:
        compile_formula(text.rstrip("\n"), SCOPE)
    assert str(caught.value) == shown.rstrip("\n")


def test_run_time_error_is_shown_exactly() -> None:
    shown = next(body for kind, body in BLOCKS if kind == "text" and "division" in body)
    formula = compile_formula("docs_electronic / docs_total", SCOPE)
    with pytest.raises(DslEvaluationError) as caught:
        formula({"docs_electronic": Decimal(0), "docs_total": Decimal(0)})
    assert str(caught.value) == shown.rstrip("\n")


def test_yaml_examples_load_and_their_formulas_compile() -> None:
    found = 0
    for kind, body in BLOCKS:
        if kind != "yaml":
            continue
        data = yaml.safe_load(body)
        items = [data, *data.get("levels", [])] if isinstance(data, dict) else []
        for item in items:
            for key in ("formula", "applies", "when"):
                if isinstance(item, dict) and key in item:
                    expect = Type.NUMBER if key == "formula" else Type.BOOLEAN
                    compile_formula(item[key], SCOPE, expect=expect)
                    found += 1
    assert found >= 3
