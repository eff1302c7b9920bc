"""docs/api.md runs: its examples in order, in one session, and every public name is in it."""

from __future__ import annotations

import re

import pytest

import criteria_engine as ce
import criteria_engine.reports as reports
import criteria_engine.testing as testing

from .helpers import ROOT

DOC = ROOT / "docs" / "api.md"
FENCE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_every_example_runs_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    text = DOC.read_text(encoding="utf-8")
    blocks = FENCE.findall(text)
    assert len(blocks) >= 7
    namespace: dict = {}
    for number, block in enumerate(blocks, start=1):
        try:
            exec(compile(block, f"docs/api.md example {number}", "exec"), namespace)
        except Exception as exc:  # name the example that failed
            raise AssertionError(f"docs/api.md example {number} failed: {exc!r}") from exc


@pytest.mark.parametrize(
    "names",
    [
        [n for n in ce.__all__ if not n.startswith("__")],
        list(reports.__all__),
        list(testing.__all__),
    ],
    ids=["criteria_engine", "criteria_engine.reports", "criteria_engine.testing"],
)
def test_every_public_name_is_described(names: list[str]) -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [n for n in names if f"`{n}" not in text]
    assert not missing, f"docs/api.md does not describe: {', '.join(missing)}"
