"""docs/analyses.md runs: its Python examples are doctests, run from the project's root,
so the guide cannot drift from what the analyses give."""

from __future__ import annotations

import doctest
import os
import re

from .helpers import ROOT

DOC = ROOT / "docs" / "analyses.md"


def test_the_examples_of_the_guide_give_what_it_shows():
    text = DOC.read_text(encoding="utf-8")
    python = "\n".join(re.findall(r"^```python\n(.*?)^```", text, re.MULTILINE | re.DOTALL))
    assert python.count(">>>") >= 15
    test = doctest.DocTestParser().get_doctest(python, {}, "analyses.md", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        runner.run(test)
    finally:
        os.chdir(here)
    outcome = runner.summarize(verbose=False)
    assert outcome.attempted >= 15 and outcome.failed == 0
