"""Every installed pack keeps every invariant, on a small budget of examples."""

from __future__ import annotations

import pytest
from hypothesis import settings

from criteria_engine.loading.finder import installed
from criteria_engine.testing import assert_pack_invariants

#: Examples per invariant and block: the loaded profile's, at most 25 so that the suite
#: stays fast on two cores (`criteria-engine check --deep` uses 50).
EXAMPLES = min(settings.default.max_examples, 25)


@pytest.mark.parametrize("ref", installed(), ids=lambda ref: ref.label)
def test_pack_keeps_every_invariant(ref):
    assert_pack_invariants(str(ref.path), max_examples=EXAMPLES)
