"""One generated Python function per block, scoring every criterion in dependency order.

A block's criteria are scored for every unit of a batch, so the work per unit is written
once per block as straight-line source: each formula's body inline (the DSL's
:class:`~criteria_engine.dsl.CodeWriter` writes it as an expression), then the
bookkeeping around it (applicability, caps and floors, group sums), with no call per
formula. The source is built from the loaded model only: criterion ids appear as ``repr``
string literals, and maxima, floors and formula constants are namespace values, never
text. ``python_source`` keeps it readable for debugging.

The inline code trusts its inputs as a formula's fast path does. When it fails (a missing
value, a division by zero…), the unit is scored again by a second generated function that
calls each :class:`~criteria_engine.dsl.Formula` in turn, and the first formula that fails
raises its own precise :class:`~criteria_engine.dsl.DslEvaluationError`.
"""

from __future__ import annotations

import hashlib
import marshal
import pickle
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from types import CodeType, FunctionType
from typing import TYPE_CHECKING, Any

from ..dsl import CodeWriter, codecache

if TYPE_CHECKING:
    from ..dsl import Formula
    from ..model.pack import Block

#: Every criterion's score, raw value (before caps; None where it does not apply) and
#: whether it applies; the top-level groups' scores (None where they do not apply) and the
#: unit's total.
Scores = tuple[
    dict[str, Decimal], dict[str, Decimal | None], dict[str, bool], Decimal, dict[str, Any]
]
_ZERO = Decimal(0)


def _source(block: Block, write: Callable[[int, str, Formula], str]) -> list[str]:
    """The body of ``score(values, aggregates)``; ``write(i, kind, formula)`` gives the code
    of criterion ``i``'s formula (kind ``"f"``) or applicability condition (``"p"``)."""
    conditional = {c.id for c in block.order if c.applies is not None}
    lines = ["    scores = {}", "    r = {}", "    a = _ALL.copy()"]
    for i, crit in enumerate(block.order):
        key = repr(crit.id)
        pad = "    "
        if crit.applies is not None:
            lines += [
                f"    if not {write(i, 'p', crit.applies)}:",
                f"        a[{key}] = False",
                f"        scores[{key}] = _ZERO",
                f"        r[{key}] = None",
                "    else:",
            ]
            pad = "        "
        if crit.formula is not None:
            if "max_points" in crit.formula.inputs:
                lines.append(f"{pad}values['max_points'] = _m{i}")
            lines.append(f"{pad}x = {write(i, 'f', crit.formula)}")
        else:
            parts = [
                f"(scores[{c.id!r}] if a[{c.id!r}] else _ZERO)"
                if c.id in conditional
                else f"scores[{c.id!r}]"
                for c in crit.children
                if c.weight
            ]
            lines.append(f"{pad}x = _ZERO + " + " + ".join(parts) if parts else f"{pad}x = _ZERO")
        lines += [
            f"{pad}r[{key}] = x",
            f"{pad}x = _m{i} if x > _m{i} else _l{i} if x < _l{i} else x",
            f"{pad}scores[{key}] = x if x else _ZERO  # never a negative zero",
        ]
    # the top-level groups (None where they do not apply) and the unit's total, in order
    groups, total = [], ["_ZERO"]
    for crit in block.criteria:
        key = repr(crit.id)
        score = f"(scores[{key}] if a[{key}] else {{}})" if crit.id in conditional else None
        groups.append(f"{key}: " + (score.format("None") if score else f"scores[{key}]"))
        if crit.weight:
            total.append(score.format("_ZERO") if score else f"scores[{key}]")
    lines.append(f"    groups = {{{', '.join(groups)}}}")
    lines.append(f"    total = {' + '.join(total)}")
    return lines


class BlockScorer:
    """``scorer(values, aggregates) -> (scores, raws, applies)`` for one block.

    The generated code of a block loaded from the cache of compiled packs is itself kept
    in that cache (see :mod:`criteria_engine.dsl.codecache`), under the pack's content key
    and this module's own source: a command that scores a few units does not generate
    and compile the whole block again.
    """

    def __init__(self, block: Block) -> None:
        self.block = block
        self._checked: Callable[..., Scores] | None = None
        limits: dict[str, Any] = {"_ALL": {c.id: True for c in block.order}}
        for i, crit in enumerate(block.order):
            limits[f"_m{i}"], limits[f"_l{i}"] = crit.max, crit.floor
        self._limits = limits
        key = _cache_key(block)
        stored = codecache.read("scorers", key) if key else None
        if stored is not None:
            try:
                code, constants, self.python_source = pickle.loads(stored)
                code = marshal.loads(code)
            except Exception:  # an entry from an incompatible build: generate again
                stored = None
        if stored is None:
            code, constants, self.python_source = self._generate(block)
            if key:
                payload = (marshal.dumps(code), constants, self.python_source)
                codecache.write("scorers", key, pickle.dumps(payload, pickle.HIGHEST_PROTOCOL))
        namespace = {**CodeWriter.helpers(), **constants, **limits, "_checked": self._checked_path}
        self._score: Callable[..., Scores] = FunctionType(code, namespace, "score")

    @staticmethod
    def _generate(block: Block) -> tuple[CodeType, dict[str, object], str]:
        """The fast path: every formula written inline; its code, constants and source."""
        writer = CodeWriter()
        fast = ["def score(values, aggregates):", "    try:"]
        fast += ["    " + line for line in _source(block, lambda i, k, f: writer.expression(f))]
        fast += [
            "    except _CAUGHT:  # the errors a formula's fast path may raise",
            "        return _checked(values, aggregates)",
            "    return scores, r, a, total, groups",
        ]
        prelude = "".join(line + "\n" for line in writer.prelude)
        source = "\n".join(fast) + "\n"
        module = compile(source, f"<scorer for block {block.id}>", "exec")
        code = module.co_consts[0]  # the code of ``score`` itself
        assert isinstance(code, CodeType)
        return code, writer.constants, f"{prelude}\n\n{source}"

    def _checked_path(self, values: dict[str, Any], aggregates: Mapping[str, Decimal]) -> Scores:
        """Score the unit calling each formula in turn: the first that fails raises its own
        precise error. Generated on first need (most batches never need it)."""
        if self._checked is None:
            calls: dict[str, Any] = {"_ZERO": _ZERO, **self._limits}

            def call(i: int, kind: str, formula: Formula) -> str:
                calls[f"_{kind}{i}"] = formula
                return f"_{kind}{i}(values, scores, aggregates)"

            lines = ["def checked(values, aggregates):", *_source(self.block, call)]
            lines.append("    return scores, r, a, total, groups")
            name = f"<checked scorer for block {self.block.id}>"
            exec(compile("\n".join(lines) + "\n", name, "exec"), calls)  # from the model only
            self._checked = calls["checked"]
        return self._checked(values, aggregates)

    def __call__(
        self, values: dict[str, Any], aggregates: Mapping[str, Decimal]
    ) -> tuple[dict[str, Decimal], dict[str, Decimal | None], dict[str, bool]]:
        """Every criterion's score, raw value and whether it applies."""
        return self._score(values, aggregates)[:3]

    def with_totals(self, values: dict[str, Any], aggregates: Mapping[str, Decimal]) -> Scores:
        """As calling the scorer, then the top-level groups' scores and the unit's total."""
        return self._score(values, aggregates)


def _cache_key(block: Block) -> str | None:
    """The key of the block's generated code: the pack's content and this module's code."""
    content = block.derived.get("content_key")
    if content is None:
        return None  # a pack built in memory: nothing to key its code on
    stamp = codecache.source_stamp(str(Path(__file__).resolve().parent))
    return hashlib.sha256(stamp + content.encode()).hexdigest()


def block_scorer(block: Block) -> BlockScorer:
    """The block's generated scorer, built on first use and kept with the block."""
    scorer = block.derived.get("scorer")
    if scorer is None:
        scorer = block.derived.setdefault("scorer", BlockScorer(block))
    return scorer
