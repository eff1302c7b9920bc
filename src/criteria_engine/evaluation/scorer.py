"""One generated Python function per block, scoring every criterion in dependency order.

Each formula is already a compiled function; what remains per unit is the bookkeeping
around them: applicability, caps and floors, group sums. Written as a loop over the
criteria that bookkeeping costs about as much as the formulas themselves, so it is
unrolled once per block into straight-line source, the way the formula compiler writes
formulas. The source is built from the loaded model only: criterion ids appear as
``repr`` string literals, and formulas, maxima and floors are passed in as namespace
values, never as text. ``python_source`` keeps it readable for debugging.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model.pack import Block

Scores = tuple[dict[str, Decimal], dict[str, Decimal | None], dict[str, bool]]
_ZERO = Decimal(0)


class BlockScorer:
    """``scorer(values, aggregates) -> (scores, raws, applies)`` for one block."""

    def __init__(self, block: Block) -> None:
        namespace: dict[str, Any] = {"_ZERO": _ZERO}
        lines = ["def score(values, aggregates):", "    s = {}", "    r = {}", "    a = dict(_ALL)"]
        conditional = {c.id for c in block.order if c.applies is not None}
        namespace["_ALL"] = {c.id: True for c in block.order}
        for i, crit in enumerate(block.order):
            key = repr(crit.id)
            namespace[f"_m{i}"], namespace[f"_l{i}"] = crit.max, crit.floor
            pad = "    "
            if crit.applies is not None:
                namespace[f"_p{i}"] = crit.applies
                lines += [
                    f"    if not _p{i}(values, s, aggregates):",
                    f"        a[{key}] = False",
                    f"        s[{key}] = _ZERO",
                    f"        r[{key}] = None",
                    "    else:",
                ]
                pad = "        "
            if crit.formula is not None:
                namespace[f"_f{i}"] = crit.formula
                if "max_points" in crit.formula.inputs:
                    lines.append(f"{pad}values['max_points'] = _m{i}")
                lines.append(f"{pad}x = _f{i}(values, s, aggregates)")
            else:
                parts = [
                    f"(s[{c.id!r}] if a[{c.id!r}] else _ZERO)"
                    if c.id in conditional
                    else f"s[{c.id!r}]"
                    for c in crit.children
                    if c.weight
                ]
                lines.append(
                    f"{pad}x = _ZERO + " + " + ".join(parts) if parts else f"{pad}x = _ZERO"
                )
            lines += [
                f"{pad}r[{key}] = x",
                f"{pad}x = _m{i} if x > _m{i} else _l{i} if x < _l{i} else x",
                f"{pad}s[{key}] = x if x else _ZERO  # never a negative zero",
            ]
        lines.append("    return s, r, a")
        self.python_source = "\n".join(lines) + "\n"
        code = compile(self.python_source, f"<scorer for block {block.id}>", "exec")
        exec(code, namespace)  # source generated above from the model, not from user text
        self._score: Callable[..., Scores] = namespace["score"]

    def __call__(self, values: dict[str, Any], aggregates: Mapping[str, Decimal]) -> Scores:
        return self._score(values, aggregates)


def block_scorer(block: Block) -> BlockScorer:
    """The block's generated scorer, built on first use and kept with the block."""
    scorer = block.derived.get("scorer")
    if scorer is None:
        scorer = block.derived.setdefault("scorer", BlockScorer(block))
    return scorer
