"""Running a property on a pack: reproducible settings, evaluation, per-block failures.

Shared by every invariant. A run is derandomised (the same examples every time, so CI
is reproducible), has no deadline (a big pack may take a while per unit) and writes no
example database into the folder it runs from.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

try:
    from hypothesis import HealthCheck, Phase, given, settings
except ModuleNotFoundError as exc:  # the property tests are an extra, not a requirement
    raise ModuleNotFoundError(
        "property tests (check --deep) need hypothesis: pip install 'criteria-engine[test]'"
    ) from exc
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from ..evaluation.unit import EvaluationError, evaluate
from ..inputs.records import check_record
from ._describe import inputs_block
from .analysis import BlockFacts, analyse

if TYPE_CHECKING:
    from ..model.pack import Pack
    from ..model.results import UnitResult
    from .strategies import Draft

#: Examples per invariant and block when the caller does not say.
DEFAULT_EXAMPLES = 50


def budget(max_examples: int | None = None) -> settings:
    """Hypothesis settings for a pack check: reproducible, no deadline, no database."""
    return settings(
        max_examples=max_examples or DEFAULT_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
        # no "explain" phase: the message already says which inputs matter, and the
        # phase re-runs the pack many times on a failure
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
    )


def load(pack: Pack | str) -> Pack:
    """A loaded pack, or the pack named (name, ``name@version`` or folder)."""
    if isinstance(pack, str):
        from ..loading.finder import load_pack

        return load_pack(pack)
    return pack


def explore(strategy: st.SearchStrategy[Any], body: Callable[[Any], None], n: int | None) -> None:
    @budget(n)
    @given(strategy)
    def run_one(example: Any) -> None:
        body(example)

    # no example could be built (e.g. every marked input at its maximum): nothing to check
    with contextlib.suppress(Unsatisfiable):
        run_one()


def score(facts: BlockFacts, draft: Draft) -> UnitResult:
    """Check and evaluate one generated unit; a refusal or a failure is a broken invariant."""
    checked = check_record(facts.pack, draft.record(facts))
    if isinstance(checked, list):
        raise AssertionError(
            "a submission within the declared inputs was refused:\n"
            + "\n".join(f"    {e.render()}" for e in checked)
            + "\n  the unit's inputs:\n"
            + inputs_block(facts, draft.values, omitted=draft.omitted)
        )
    try:
        return evaluate(facts.pack, checked)
    except EvaluationError as exc:
        raise AssertionError(
            f"a valid submission cannot be scored: {exc}\n  the unit's inputs:\n"
            + inputs_block(facts, draft.values, omitted=draft.omitted)
        ) from None


def _blocks(pack: Pack, block: str | None) -> Iterator[BlockFacts]:
    if block is not None and block not in {b.id for b in pack.blocks}:
        known = ", ".join(b.id for b in pack.blocks)
        raise ValueError(f"no block {block!r} in {pack.label} (it has: {known})")
    for item in pack.blocks:
        if block is None or item.id == block:
            yield analyse(pack, item)


def per_block(check: Callable[[BlockFacts, int | None], None]) -> Callable[..., None]:
    """Run ``check`` on one block or on each block, raising every failure together."""

    @functools.wraps(check)
    def run(pack: Pack | str, block: str | None = None, *, max_examples: int | None = None) -> None:
        loaded = load(pack)
        failures = []
        for facts in _blocks(loaded, block):
            try:
                check(facts, max_examples)
            except AssertionError as exc:
                failures.append(f"block {facts.block.id}: {exc.args[0] if exc.args else exc}")
        if failures:
            raise AssertionError("\n\n".join(failures))

    return run
