"""Fixtures of the testing kit's tests: a fresh pack from the scaffold, per test or shared."""

from __future__ import annotations

import pytest

from criteria_engine.scaffold import create_pack

#: The year every scaffolded pack of these tests is made for, so that results are fixed.
YEAR = 2024


@pytest.fixture
def new_pack(tmp_path):
    """A pack just made by ``criteria-engine new``, in a folder this test may change."""
    return create_pack("vidu", tmp_path, province="Tỉnh Ví Dụ", year=YEAR)


@pytest.fixture(scope="module")
def shared_pack(tmp_path_factory):
    """A pack made by ``criteria-engine new`` that tests of one module only read."""
    return create_pack("vidu", tmp_path_factory.mktemp("shared"), province="Tỉnh Ví Dụ", year=YEAR)
